"""Engines: the only place where verdicts are decided.

* :func:`identity` - SymPy exact proof, or an exact rational witness (REFUTED) with the
  derived true formula beside the printed one.
* :func:`inequality` - polynomial inequality by exact certificate (PROVED, z3 as the other
  method), otherwise ball-arithmetic evaluation on sampled exact points (CERTIFIED) plus a
  counterexample search.
* :func:`sampled` - any pointwise or trajectory claim given as a slack function
  (slack >= 0 means the claim holds at that instance), with search, confirmation at higher
  precision from exact inputs, shrinking, and optional rigorous certification.
* :func:`growth` - O()/rate claims: sweep a parameter, fit, and decide boundedness.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath as mp
import numpy as np
import sympy as sp

from numeric import ball
from numeric.dynamics import SimulationDiverged
from numeric.fit import power_fit
from numeric.precision import Instance, fmt_instance, fmt_num, simplest_nearby
from numeric.search import minimise
from symbolic.provers import (
    display_form,
    is_polynomial,
    prove_identity,
    prove_polynomial_inequality,
)

from .claim import ClaimError, Context, Counterexample, Outcome, Verdict, all_of, inconclusive

# ------------------------------------------------------------------ identities


def identity(
    actual: sp.Expr,
    claimed: sp.Expr,
    ctx: Context,
    *,
    label: str = "",
    sample: Callable[[Any], Mapping[sp.Symbol, sp.Rational]] | None = None,
    show: Callable[[sp.Expr], str] = sp.sstr,
) -> Outcome:
    """``actual`` (derived by the suite) == ``claimed`` (as printed).

    PROVED when the difference expands to exactly 0.  REFUTED with an exact rational witness
    (drawn by ``sample`` from the claim's domain) otherwise; the outcome then carries the
    derived formula next to the printed one.
    """
    if isinstance(actual, sp.MatrixBase) or isinstance(claimed, sp.MatrixBase):
        a, c = sp.Matrix(actual), sp.Matrix(claimed)
        if a.shape != c.shape:
            raise ClaimError(f"identity: shapes differ ({a.shape} vs {c.shape})")
        return all_of([identity(x, y, ctx, label=f"{label}[{i}]", sample=sample, show=show)
                       for i, (x, y) in enumerate(zip(a, c, strict=True))])
    t0 = time.perf_counter()
    proof = prove_identity(actual, claimed, sample=_one_argument(sample), seed=ctx.seed)
    details = {"seconds": round(time.perf_counter() - t0, 3)}
    if proof.holds:
        return Outcome(Verdict.PROVED, f"sympy {proof.method}", summary="difference is exactly 0",
                       margin=0.0, details=details, label=label)
    derived = {
        "printed": show(sp.sympify(claimed)),
        "derived": show(display_form(sp.sympify(actual))),
        "derived_minus_printed": show(proof.difference),
    }
    if proof.holds is False:
        assert proof.witness is not None
        cex = Counterexample(
            inputs={str(k): str(v) for k, v in proof.witness.items()},
            violation=f"derived - printed = {proof.witness_value} (exact), must be 0",
            rigorous=True,
        )
        return Outcome(Verdict.REFUTED, "sympy exact witness", summary="printed formula differs",
                       counterexample=cex, derived=derived, details=details, label=label)
    return Outcome(Verdict.INCONCLUSIVE, "sympy", reason="difference not reduced to 0 and no "
                   "nonzero witness found in the domain", derived=derived, details=details, label=label)


def _one_argument(sample):
    """Every engine's sampler may be written ``sample(rng, i)`` (the one documented
    signature); the identity prover calls ``sample(rng)``: count the draws for it.  A legacy
    ``sample(rng)`` is passed through unchanged."""
    if sample is None:
        return None
    import inspect

    try:
        params = [p for p in inspect.signature(sample).parameters.values()
                  if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return sample
    if len(params) < 2:
        return sample
    counter = iter(range(10**9))

    def draw(rng):
        return sample(rng, next(counter))

    return draw


# ------------------------------------------------------------------ sampled (generic)

Slack = Callable[[Instance, int], Any]  # instance, dps -> mpf (>= 0 holds) or None (not applicable)


@dataclass
class Search:
    """A box over which to minimise the slack; ``to_instance`` maps a point of the box to an
    exact instance inside the hypotheses (or None outside them)."""

    bounds: Sequence[tuple[float, float]]
    to_instance: Callable[[np.ndarray], Instance | None]
    dps: int = 30  # screening precision


def sampled(
    slack: Slack,
    sampler: Callable[[Any, int], Instance],
    ctx: Context,
    *,
    label: str = "",
    strict: bool = False,
    samples: int | None = None,
    search: Search | None = None,
    certify: Callable[[Instance], Any] | None = None,
    describe: Callable[[Instance, int], Mapping[str, Any]] | None = None,
    method: str = "mpmath sampling",
    figure: Callable[[Instance, str], None] | None = None,
    float64: bool = False,
) -> Outcome:
    """Check ``slack(instance) >= 0`` (``> 0`` if strict) on sampled instances.

    ``float64=True`` marks a slack computed in float64 (e.g. a NumPy network experiment):
    precision escalation cannot apply, and the evidence says the violation was confirmed by
    deterministic re-runs only.

    ``figure(instance, path)``, if given and the run has a figures directory, draws the
    monitored quantity against its bound at the counterexample (or, when nothing is violated,
    at the instance with the smallest slack) and saves a PNG at ``path``.

    A violation becomes REFUTED only after re-evaluation from the same exact inputs at 2x and
    3x the working precision (and in ball arithmetic when ``certify`` is given), and after
    shrinking the inputs to simpler rationals that still violate.
    """
    rng = ctx.rng(label or method)
    n = samples if samples is not None else ctx.budget.samples
    dps = ctx.dps
    worst: tuple[Any, Instance] | None = None
    evaluated = skipped = diverged = 0
    certified_all = certify is not None
    zero_slack: Instance | None = None
    candidates: list[Instance] = []
    violations: list[tuple[Any, Instance]] = []  # clear negatives seen (confirmed or not)
    t0 = time.perf_counter()

    def consider(inst: Instance, at_dps: int) -> Any:
        nonlocal worst, evaluated, skipped, diverged
        try:
            with mp.workdps(at_dps):
                v = slack(inst, at_dps)
        except SimulationDiverged:
            diverged += 1
            return None
        if v is None:
            skipped += 1
            return None
        if not mp.isfinite(v):
            raise ClaimError(f"non-finite value: slack = {v} at {fmt_instance(inst)}")
        if at_dps == dps:  # screening evaluations (search) never set the reported margin
            evaluated += 1
            if worst is None or v < worst[0]:
                worst = (v, inst)
        return v

    for i in range(n):
        inst = sampler(rng, i)
        v = consider(inst, dps)
        if v is None:
            continue
        if _violates(v, strict, dps):
            candidates.append(inst)
            violations.append((v, inst))
        elif strict and _is_zeroish(v, dps):
            zero_slack = zero_slack or inst
            if certify is not None:
                candidates.append(inst)  # exact zero is a violation of a strict claim: certify decides

    search_info: dict[str, Any] = {}
    if search is not None and not candidates:
        def objective(x: np.ndarray) -> float:
            inst = search.to_instance(x)
            if inst is None:
                return math.inf
            v = consider(inst, search.dps)
            return math.inf if v is None else float(v)

        res = minimise(objective, search.bounds, ctx.budget.search_iters, ctx.seed)
        search_info = {"evaluations": res.evaluations, "best_slack_screening": res.value}
        best = search.to_instance(res.x) if res.value < math.inf else None
        if best is not None:
            v = consider(best, dps)  # the search's best point, at working precision
            if v is not None and (_violates(v, strict, dps) or (strict and _is_zeroish(v, dps))):
                candidates.append(best)
                if _violates(v, strict, dps):
                    violations.append((v, best))

    details: dict[str, Any] = {"instances": evaluated, "not_applicable": skipped,
                               "diverged": diverged, "dps": dps, **({"search": search_info} if search_info else {})}
    for inst in candidates[:3]:
        confirmed = _confirm(slack, inst, dps, strict, certify)
        if confirmed is None:
            continue
        inst = _shrink(slack, inst, dps, strict)
        confirmed = _confirm(slack, inst, dps, strict, certify) or confirmed
        if float64:
            confirmed["dps"] = None
            confirmed["text"] = (f"slack = {fmt_num(confirmed['value'], 10)} < 0 (float64 experiment: "
                                 "confirmed by deterministic re-runs; precision escalation does not apply)")
        values = dict(describe(inst, dps)) if describe else {}
        cex = Counterexample(
            inputs=fmt_instance(inst),
            violation=confirmed["text"],
            values={k: fmt_num(v, 12) if not isinstance(v, str) else v for k, v in values.items()},
            confirmed_dps=confirmed["dps"],
            rigorous=confirmed["rigorous"],
        )
        details["seconds"] = round(time.perf_counter() - t0, 3)
        return Outcome(Verdict.REFUTED, method, summary=f"violated: {confirmed['text']}",
                       counterexample=cex, margin=float(confirmed["value"]), details=details, label=label,
                       figures=_draw(figure, inst, ctx, label or method, details))
    if candidates:
        details["unconfirmed_candidates"] = [fmt_instance(c) for c in candidates[:3]]
    if violations:
        # seen but not confirmed: never a positive verdict (the slack may be mis-evaluated at
        # working precision, or the violation may need more digits than 3x to confirm)
        v, inst = min(violations, key=lambda t: t[0])
        details["seconds"] = round(time.perf_counter() - t0, 3)
        return Outcome(Verdict.INCONCLUSIVE, method, margin=float(v), details=details, label=label,
                       reason=f"slack {fmt_num(v)} < 0 seen at {fmt_instance(inst)} but not confirmed "
                       f"from the exact inputs at {2 * dps}/{3 * dps} digits"
                       + (" or in ball arithmetic" if certify is not None else "")
                       + "; candidates in the evidence")

    if evaluated == 0:
        return Outcome(Verdict.INCONCLUSIVE, method, label=label, details=details,
                       reason="no admissible instance: the sampler never produced a point inside "
                       "the hypotheses" + (f" ({diverged} runs diverged)" if diverged else ""))
    assert worst is not None
    margin = float(worst[0])
    details["worst_instance"] = fmt_instance(worst[1])
    details["seconds"] = round(time.perf_counter() - t0, 3)
    if zero_slack is not None and not _certainly_positive_at(certify, zero_slack):
        return Outcome(Verdict.INCONCLUSIVE, method, margin=margin, details=details, label=label,
                       reason=f"slack is 0 within roundoff at {fmt_instance(zero_slack)}; the strict "
                       "inequality cannot be decided numerically")
    if certified_all and certify is not None:
        # rigorous re-check of every admissible sampled point (re-drawn deterministically)
        rng = ctx.rng(label or method)
        balls = 0
        for i in range(n):
            inst = sampler(rng, i)
            try:
                b = certify(inst)
            except SimulationDiverged:
                continue
            if b is None:
                continue
            balls += 1
            ok = ball.certainly_positive(b) if strict else ball.certainly_nonnegative(b)
            if not ok:
                certified_all = False
                break
        details["certified_instances"] = balls
        if certified_all and balls > 0:
            return Outcome(Verdict.CERTIFIED, method + " + arb ball arithmetic", margin=margin,
                           summary=f"{evaluated} instances, all certified; min slack {fmt_num(margin)}",
                           details=details, label=label,
                           figures=_draw(figure, worst[1], ctx, label or method, details))
    return Outcome(Verdict.SUPPORTED, method, margin=margin, details=details, label=label,
                   summary=f"{evaluated} instances, no violation; min slack {fmt_num(margin)}",
                   figures=_draw(figure, worst[1], ctx, label or method, details))


def _draw(figure, inst: Instance, ctx: Context, label: str, details: dict) -> list[str]:
    """Save the claim's figure for ``inst`` (:func:`theorems.figures.save`: named
    ``<claim>-<variant>-<label>``; a plotting failure never changes a verdict)."""
    if figure is None:
        return []
    from . import figures

    return figures.save(ctx, label, lambda path: figure(inst, path), details)


def _tiny(dps: int):
    return mp.mpf(10) ** (-(dps * 3) // 4)


def _is_zeroish(v, dps: int) -> bool:
    return abs(v) <= _tiny(dps)


def _violates(v, strict: bool, dps: int) -> bool:
    """A clear violation at this precision (roundoff-sized negatives do not count)."""
    return v < -_tiny(dps)


def _confirm(slack: Slack, inst: Instance, dps: int, strict: bool, certify) -> dict | None:
    """Re-evaluate from the exact inputs at 2x and 3x precision (and rigorously if possible)."""
    if strict and certify is not None:
        exact_zero = _certified_zero(certify, inst)
        if exact_zero:
            return {"value": 0, "dps": None, "rigorous": True,
                    "text": "slack = 0 exactly (ball of radius 0), but the claim is strict"}
    vals = []
    for k in (2, 3):
        try:
            with mp.workdps(k * dps):
                v = slack(inst, k * dps)
        except SimulationDiverged:
            return None
        if v is None or not _violates(v, strict, k * dps):
            return None
        vals.append(v)
    v2, v3 = vals
    if abs(v2 - v3) > abs(v3) * mp.mpf(10) ** (-dps // 2):
        return None  # not stable under precision escalation: roundoff, not a counterexample
    rigorous = False
    if certify is not None:
        try:
            b = certify(inst)
        except (SimulationDiverged, NotImplementedError):
            b = None
        if b is not None:
            if not ball.certainly_negative(b):
                return None
            rigorous = True
    return {"value": v3, "dps": 3 * dps, "rigorous": rigorous,
            "text": f"slack = {fmt_num(v3, 10)} < 0 (confirmed at {2 * dps} and {3 * dps} digits"
            + (", and by ball arithmetic)" if rigorous else ")")}


def _certainly_positive_at(certify, inst: Instance) -> bool:
    if certify is None:
        return False
    try:
        b = certify(inst)
    except (SimulationDiverged, NotImplementedError):
        return False
    return b is not None and ball.certainly_positive(b)


def _certified_zero(certify, inst: Instance) -> bool:
    try:
        b = certify(inst)
    except (SimulationDiverged, NotImplementedError):
        return False
    return b is not None and b.rad() == 0 and b.mid() == 0


def _shrink(slack: Slack, inst: Instance, dps: int, strict: bool, budget: int = 40) -> Instance:
    """Replace inputs by simpler rationals while the violation persists (and stays admissible)."""
    current = dict(inst)
    tries = 0
    for key in list(current):
        value = current[key]
        if not _shrinkable(value):
            continue  # class members, matrices, labels: kept as drawn
        if isinstance(value, tuple):
            for j in range(len(value)):
                for cand in simplest_nearby(value[j], Fraction(1, 10)):
                    tries += 1
                    if tries > budget:
                        return current
                    trial = dict(current)
                    trial[key] = value[:j] + (cand,) + value[j + 1:]
                    if _still_violates(slack, trial, dps, strict):
                        current, value = trial, trial[key]
                        break
        else:
            for cand in simplest_nearby(value, Fraction(1, 10)):
                tries += 1
                if tries > budget:
                    return current
                trial = dict(current)
                trial[key] = cand
                if _still_violates(slack, trial, dps, strict):
                    current = trial
                    break
    return current


def _shrinkable(value: Any) -> bool:
    if isinstance(value, Fraction):
        return True
    return isinstance(value, tuple) and all(isinstance(x, Fraction) for x in value)


def _still_violates(slack: Slack, inst: Instance, dps: int, strict: bool) -> bool:
    try:
        with mp.workdps(2 * dps):
            v = slack(inst, 2 * dps)
    except (SimulationDiverged, ArithmeticError, ValueError):
        return False
    return v is not None and _violates(v, strict, 2 * dps)


# ------------------------------------------------------------------ inequalities


def inequality(
    expr: sp.Expr,
    ctx: Context,
    *,
    strict: bool,
    constraints: Sequence[sp.Basic] = (),
    sample: Callable[[Any, int], Mapping[sp.Symbol, Fraction]] | None = None,
    search_box: Mapping[sp.Symbol, tuple[float, float]] | None = None,
    search: Search | None = None,
    label: str = "",
    prove: bool = True,
) -> Outcome:
    """expr > 0 (strict) or >= 0 on the region {constraints}.

    Tried in order of cost, the method that decides is named in the outcome:

    1. polynomial case: an exact SymPy certificate (factorisation, Sturm) gives PROVED (z3
       nlsat runs as the second method; a z3 model of the negation is checked exactly and gives
       REFUTED);
    2. an exact sum-of-squares (Putinar/Schmuedgen) certificate, after splitting abs/min/max
       into sign cases and lifting sqrt(B) to t >= 0, t^2 = B (:mod:`symbolic.sos`);
    3. branch and bound in arb ball arithmetic when the constraints bound every variable
       (:mod:`numeric.branch_bound`); its smallest open piece seeds the sampling;
    4. evaluation in ball arithmetic at sampled exact points (CERTIFIED when every comparison
       is certain), with a scipy search for violations.
    """
    expr = sp.sympify(expr)
    constraints = _normalise_constraints(constraints)
    notes: dict[str, Any] = {}
    if prove and is_polynomial(expr) and all(_rel_polynomial(c) for c in constraints):
        pr = prove_polynomial_inequality(expr, strict, constraints)
        notes = {"z3": pr.z3_status, "certificate": pr.certificate, "notes": pr.notes}
        if pr.proved:
            return Outcome(Verdict.PROVED, "exact certificate (SymPy) + z3 nlsat",
                           summary=pr.certificate or "", details=notes, label=label)
        if pr.counterexample is not None:
            point = pr.counterexample
            inside = all(bool(c.xreplace(point)) for c in constraints) and all(
                _respects_assumptions(s, v) for s, v in point.items())
            value = sp.nsimplify(expr.xreplace(point))
            if inside and (value < 0 or (strict and value == 0)):
                cex = Counterexample(inputs={str(k): str(v) for k, v in point.items()},
                                     violation=f"expression = {value} (exact), must be "
                                     f"{'> 0' if strict else '>= 0'}", rigorous=True)
                return Outcome(Verdict.REFUTED, "z3 model, checked exactly in SymPy",
                               counterexample=cex, details=notes, label=label)
    seeds: list[Mapping[sp.Symbol, Fraction]] = []
    if prove:
        sos_out = _sos_attempt(expr, strict, constraints, ctx, label)
        if isinstance(sos_out, Outcome):
            notes["notes"] = [n for n in notes.get("notes", []) if "no exact certificate" not in n]
            sos_out.details = {**notes, **sos_out.details}
            return sos_out
        if sos_out:
            notes["sos"] = sos_out
        bb_out = _branch_bound_attempt(expr, strict, constraints, ctx, label)
        if isinstance(bb_out, Outcome):
            bb_out.details = {**notes, **bb_out.details}
            return bb_out
        if bb_out:
            seeds = bb_out.pop("_seeds", [])
            notes["branch_and_bound"] = bb_out
    seed_only = sample is None and bool(seeds) and "violation_at" in notes.get("branch_and_bound", {})
    if seed_only:  # no sampler, but the box search saw a certain violation: confirm it as a sample
        sample = lambda rng, i: seeds[0]  # noqa: E731
    if sample is None:
        return Outcome(Verdict.INCONCLUSIVE, "inequality", details=notes, label=label,
                       reason="no certificate and no sampler for a numeric check")
    symbols = sorted(expr.free_symbols.union(*(c.free_symbols for c in constraints)), key=str)
    f = sp.lambdify(symbols, expr, modules="mpmath")

    def admissible(point: Mapping[sp.Symbol, Fraction]) -> bool:
        return all(bool(c.xreplace({k: sp.Rational(v.numerator, v.denominator) for k, v in point.items()}))
                   for c in constraints)

    def slack(inst: Instance, dps: int):
        point = {s: inst[str(s)] for s in symbols}
        if not admissible(point):
            return None
        return f(*[mp.mpf(v.numerator) / v.denominator for v in point.values()])

    def certify(inst: Instance):
        point = {s: inst[str(s)] for s in symbols}
        return ball.evaluate(expr, point) if admissible(point) else None

    def sampler(rng, i):
        if i < len(seeds):  # the branch-and-bound's open piece first (extra draws, same rng)
            return {str(k): Fraction(v) for k, v in seeds[i].items()}
        return {str(k): Fraction(v) for k, v in sample(rng, i - len(seeds)).items()}

    if search is None and search_box:
        keys = list(search_box)

        def to_instance(x):
            inst = {str(k): Fraction(float(v)).limit_denominator(10**9) for k, v in zip(keys, x, strict=True)}
            return inst if all(str(s) in inst for s in symbols) else None

        search = Search([search_box[k] for k in keys], to_instance)
    n_samples = len(seeds) if seed_only else ctx.budget.samples + len(seeds)
    out = sampled(slack, sampler, ctx, label=label, strict=strict, certify=certify, search=search,
                  method="ball arithmetic at sampled exact points", samples=n_samples)
    out.details.update(notes)
    return out


def _respects_assumptions(s: sp.Symbol, v: sp.Rational) -> bool:
    if s.is_positive:
        return v > 0
    if s.is_nonnegative:
        return v >= 0
    if s.is_negative:
        return v < 0
    return True


def _normalise_constraints(constraints: Sequence[Any]) -> list[sp.Basic]:
    """Drop constraints that SymPy already knows are true (e.g. x > 0 for a positive
    symbol); a constraint known to be false means the region is empty: a clear error."""
    out = []
    for c in constraints:
        c = sp.sympify(c)
        if c is sp.true:
            continue
        if c is sp.false:
            raise ClaimError("empty hypothesis region: a constraint is identically false")
        out.append(c)
    return out


def _rel_polynomial(c: sp.Basic) -> bool:
    return isinstance(c, sp.Rel) and is_polynomial(c.lhs - c.rhs)


# SOS caps per inequality (one claim part): (safety seconds per SDP, Gram entries, degree raises
# by 2).  The caps that shape the result are deterministic (sizes, iterations); seconds only
# guard against a pathological solve.
_SOS_LIMITS = {"quick": (10.0, 1_500, 0), "standard": (20.0, 3_000, 1), "deep": (60.0, 20_000, 2)}
# branch-and-bound caps: (safety seconds, pieces)
_BB_LIMITS = {"quick": (20.0, 1_000), "standard": (30.0, 4_000), "deep": (120.0, 40_000)}
SOS_METHOD = "exact SOS certificate (Clarabel SDP, rounded to rationals, verified exactly)"
BB_METHOD = "branch and bound in arb ball arithmetic"


def _sos_constraint_polys(constraints: Sequence[sp.Basic], gens: set[sp.Symbol]):
    """(g >= 0 list, h > 0 list, e = 0 list, dropped) from relations; dropping a constraint only
    enlarges the region, so it is sound (the proof then covers more)."""
    nonneg, positive, zero, dropped = [], [], [], []
    for c in constraints:
        if isinstance(c, sp.Eq):
            g = sp.expand(c.lhs - c.rhs)
            if is_polynomial(g):
                zero.append(g)
                continue
        elif isinstance(c, sp.Rel) and not isinstance(c, sp.Ne):
            g = c.lhs - c.rhs if isinstance(c, sp.StrictGreaterThan | sp.GreaterThan) else c.rhs - c.lhs
            g = sp.expand(g)
            if is_polynomial(g):
                (positive if isinstance(c, sp.StrictGreaterThan | sp.StrictLessThan) else nonneg).append(g)
                continue
        dropped.append(str(c))
    for s in sorted(gens, key=str):  # the symbols' assumptions are part of the region
        if s.is_positive:
            positive.append(s)
        elif s.is_nonnegative:
            nonneg.append(s)
        elif s.is_negative:
            positive.append(-s)
    return nonneg, positive, zero, dropped


def _strip_positive_factors(expr: sp.Expr, positive: Sequence[sp.Expr], strict: bool):
    """(core, dropped): a polynomial ``core`` with sign(core) = sign(expr) on the region, where
    expr = core * (positive factors) / (positive factors).  A factor counts as positive when it
    is a positive constant, a positive symbol, or one of the strict constraints h > 0; an even
    power in the denominator is positive wherever expr is defined; an even power in the
    numerator may be dropped for a non-strict claim (it is >= 0); any other denominator factor
    moves to the numerator (sign(n/d) = sign(n d) where d != 0)."""
    num, den = sp.fraction(sp.cancel(sp.together(expr)))
    known = {sp.expand(h) for h in positive}
    dropped: list[str] = []

    def sign_known(f: sp.Expr) -> int:
        f = sp.expand(f)
        if f in known or (f.is_Symbol and f.is_positive):
            return 1
        if -f in known or (f.is_Symbol and f.is_negative):
            return -1
        return 0

    core, sign = sp.Integer(1), 1
    for part, is_num in ((num, True), (den, False)):
        const, factors = sp.factor_list(sp.expand(part))
        if const < 0:
            sign = -sign
        for f, k in factors:
            sg = sign_known(f)
            if sg:
                sign *= sg**k
                dropped.append(f"({f})^{k}")
            elif k % 2 == 0 and (not is_num or not strict):
                dropped.append(f"({f})^{k}")
            else:  # sign(n / d) = sign(n * d) wherever expr is defined (d != 0)
                core *= f**k
    return sp.expand(sign * core), dropped


def _squared_form(p: sp.Expr, nonneg: Sequence[sp.Expr], positive: Sequence[sp.Expr]) -> list[sp.Expr]:
    """[A^2 - B^2] when p = A - B with A (positive terms) and B (negated negative terms) both
    >= 0 on the region and A + B > 0 there (then sign(p) = sign(A^2 - B^2)); else []."""
    pos_syms = {h for h in positive if h.is_Symbol}
    nonneg_syms = pos_syms | {g for g in nonneg if g.is_Symbol}
    poly = sp.Poly(p, *sorted(p.free_symbols, key=str)) if p.free_symbols else None
    if poly is None or len(poly.terms()) < 2:
        return []
    gens = poly.gens
    A = B = sp.Integer(0)
    some_positive = False
    for monom, coeff in poly.terms():
        syms = [g for g, k in zip(gens, monom, strict=True) if k]
        if any(g not in nonneg_syms for g in syms):
            return []
        term = coeff * sp.Mul(*[g**k for g, k in zip(gens, monom, strict=True)])
        some_positive = some_positive or all(g in pos_syms for g in syms)
        if coeff > 0:
            A += term
        else:
            B -= term
    if A == 0 or B == 0 or not some_positive:
        return []
    return [sp.expand(A**2 - B**2)]


_SOS_CACHE: dict[tuple, Any] = {}  # the same inequality recurs across claims and variants


def _sos_attempt(expr: sp.Expr, strict: bool, constraints: Sequence[sp.Basic], ctx: Context,
                 label: str) -> Outcome | dict[str, Any] | None:
    """PROVED by exact SOS certificates (one per sign case), else a note why not (None: not a
    (semi-)algebraic inequality, nothing tried).  Results are memoised per process."""
    key = (sp.srepr(expr), strict, tuple(sp.srepr(c) for c in constraints), ctx.budget.name)
    if key not in _SOS_CACHE:
        try:
            _SOS_CACHE[key] = _sos_search(expr, strict, constraints, ctx)
        except (ArithmeticError, ValueError, np.linalg.LinAlgError, sp.PolynomialError) as exc:
            # a failed proof attempt is recorded, never a verdict: the sampling below still runs
            _SOS_CACHE[key] = {"error": f"{type(exc).__name__}: {exc}"}
    found = _SOS_CACHE[key]
    if isinstance(found, Outcome):
        return Outcome(found.verdict, found.method, summary=found.summary, details=dict(found.details),
                       label=label)
    return dict(found) if found is not None else None


def _sos_search(expr: sp.Expr, strict: bool, constraints: Sequence[sp.Basic], ctx: Context
                ) -> Outcome | dict[str, Any] | None:
    from symbolic.cases import Case, lift_sqrt, sign_cases
    from symbolic.sos import find_certificate

    has_pieces = expr.has(sp.Abs, sp.Max, sp.Min)
    cases = sign_cases(expr, list(constraints)) if has_pieces else [Case(expr, list(constraints), "")]
    if cases is None:
        return {"skipped": "more than 16 sign cases"}
    seconds, size, extra_degrees = _SOS_LIMITS.get(ctx.budget.name, _SOS_LIMITS["standard"])
    t0 = time.perf_counter()
    proofs = []
    for case in cases:
        target, cons, lifted = lift_sqrt(case.expr, case.constraints)
        gens = target.free_symbols.union(*(c.free_symbols for c in cons))
        nonneg, positive, zero, dropped = _sos_constraint_polys(cons, gens)
        num, den = sp.fraction(sp.together(target))
        if not (is_polynomial(num) and is_polynomial(den)):
            return None if not proofs else {"failed_case": case.description,
                                            "reason": "not polynomial after the case split"}
        stripped = _strip_positive_factors(target, positive, strict)
        if stripped is None or not is_polynomial(stripped[0]) or stripped[0].has(sp.Float):
            return None if not proofs else {"failed_case": case.description,
                                            "reason": "not polynomial after the case split"}
        core, factors_dropped = stripped
        res = None
        squared = None
        for target_poly in (core, *_squared_form(core, nonneg, positive)):
            if target_poly is not core:
                squared = target_poly
            deg = sp.Poly(target_poly, *sorted(gens, key=str)).total_degree() if gens else 0
            # cheapest first: a plain SOS (no constraints used), then Putinar/Schmuedgen at rising degree
            plans = [(0, False)] if (nonneg or positive or zero) and not strict else []
            plans += [(extra, True) for extra in (0, 2, 4)[: 1 + extra_degrees]]
            for extra, use_constraints in plans:
                res = find_certificate(target_poly, sorted(gens, key=str), nonneg if use_constraints else [],
                                       positive if use_constraints else [], zero if use_constraints else [],
                                       strict=strict,
                                       degree=deg + deg % 2 + extra, time_limit=seconds, max_gram_entries=size,
                                       products=len(nonneg) + len(positive) <= 8)
                if res.proved or (use_constraints and "too large" in res.reason):
                    break
            if res is not None and res.proved:
                break
        if res is None:
            return {"reason": "no SOS plan fits", "cases_proved": len(proofs), "cases": len(cases)}
        if not res.proved:
            return {"reason": res.reason, "failed_case": case.description or "(no split)",
                    "cases_proved": len(proofs), "cases": len(cases), "seconds": round(time.perf_counter() - t0, 3),
                    **{k: v for k, v in res.notes.items() if k in ("degree", "gram_sizes", "sdp_status")}}
        entry = {"case": case.description or "whole region", "certificate": res.certificate.to_json(),
                 "seconds": round(res.seconds, 3)}
        if squared is not None:
            entry["squared_form"] = (f"{sp.sstr(core)} = A - B with A, B >= 0 and A + B > 0 on the region, "
                                     f"so it has the sign of A^2 - B^2 = {sp.sstr(squared)} (certified)")
        if factors_dropped:
            entry["positive_factors_divided_out"] = factors_dropped
            entry["certified_polynomial"] = sp.sstr(core)
        if lifted:
            entry["lifted"] = {str(t): str(r) for t, r in lifted.items()}
        if dropped:
            entry["constraints_not_used"] = dropped
        proofs.append(entry)
    details = {"sos": proofs, "seconds": round(time.perf_counter() - t0, 3),
               "verification": "each identity expanded exactly over Q; each Gram matrix PSD by exact "
               "LDL^T (symbolic.sos.verify)"}
    split = f" in {len(cases)} sign cases" if len(cases) > 1 else ""
    return Outcome(Verdict.PROVED, SOS_METHOD + (" + sign case split" if has_pieces else ""),
                   summary=f"{'expr > 0' if strict else 'expr >= 0'}{split}: polynomial identity "
                   "expr = sum of (SOS x constraint products) checked exactly", details=details)


def _box_from_constraints(expr: sp.Expr, constraints: Sequence[sp.Basic]):
    """Rational bounds lo <= x <= hi for every free symbol, read from constraints of the form
    a*x + b (>=, >, <=, <) 0 and the symbols' sign assumptions; None if some symbol is unbounded."""
    syms = expr.free_symbols.union(*(c.free_symbols for c in constraints))
    lo: dict[sp.Symbol, Fraction] = {}
    hi: dict[sp.Symbol, Fraction] = {}
    for s in syms:
        if s.is_nonnegative:
            lo[s] = Fraction(0)
        if s.is_nonpositive:
            hi[s] = Fraction(0)
    for c in constraints:
        if not isinstance(c, sp.Rel) or isinstance(c, sp.Ne | sp.Eq):
            continue
        g = c.lhs - c.rhs if isinstance(c, sp.StrictGreaterThan | sp.GreaterThan) else c.rhs - c.lhs
        g = sp.expand(g)
        if len(g.free_symbols) != 1:
            continue
        (x,) = g.free_symbols
        if not g.is_polynomial(x) or sp.degree(g, x) != 1:
            continue
        a, b = g.coeff(x, 1), g.coeff(x, 0)
        if not (a.is_Rational and b.is_Rational):
            continue
        bound = Fraction(int((-b / a).p), int((-b / a).q))
        if a > 0:
            lo[x] = max(lo.get(x, bound), bound)
        else:
            hi[x] = min(hi.get(x, bound), bound)
    if any(s not in lo or s not in hi for s in syms):
        return None
    return {s: (lo[s], hi[s]) for s in sorted(syms, key=str)}


def _branch_bound_attempt(expr: sp.Expr, strict: bool, constraints: Sequence[sp.Basic], ctx: Context,
                          label: str) -> Outcome | dict[str, Any] | None:
    """PROVED on the bounded box given by the constraints, or a note with the smallest open
    piece (its centre becomes the first sample of the counterexample search)."""
    from numeric.branch_bound import describe_box, prove_on_box

    box = _box_from_constraints(expr, constraints)
    if box is None:
        return None
    if any(lo > hi for lo, hi in box.values()):
        raise ClaimError("empty hypothesis region: the constraints' bounds are inconsistent")
    seconds, pieces = _BB_LIMITS.get(ctx.budget.name, _BB_LIMITS["standard"])
    try:
        res = prove_on_box(expr, box, strict=strict, constraints=constraints, max_pieces=pieces,
                           time_limit=seconds)
    except NotImplementedError as exc:
        return {"skipped": f"no ball evaluation: {exc}"}
    if res.proved:
        return Outcome(Verdict.PROVED, BB_METHOD,
                       summary=f"{'expr > 0' if strict else 'expr >= 0'} on the whole box "
                       f"{describe_box(box)} (the region's own bounds): {res.reason}",
                       details={"box": describe_box(box), "pieces": res.pieces,
                                "seconds": round(res.seconds, 3), **res.notes}, label=label)
    note: dict[str, Any] = {"box": describe_box(box), "pieces": res.pieces, "reason": res.reason,
                            "seconds": round(res.seconds, 3)}
    seeds = []
    if res.open_piece is not None:
        note["smallest_open_piece"] = describe_box(res.open_piece)
        seeds.append(res.violation_at or {s: (a + b) / 2 for s, (a, b) in res.open_piece.items()})
    if res.violation_at is not None:
        note["violation_at"] = {str(k): str(v) for k, v in res.violation_at.items()}
    note["_seeds"] = seeds
    return note


# ------------------------------------------------------------------ growth / O() claims


def growth(
    params: Sequence[Fraction],
    ratio: Callable[[Fraction, int], Any],
    ctx: Context,
    *,
    label: str = "",
    family: str = "",
    bounded_by: float | None = None,
    blowup_factor: float = 100.0,
    inputs_of: Callable[[Fraction], Mapping[str, str]] | None = None,
    min_decades: float | None = None,
) -> Outcome:
    """An O(.) claim along a family: ``ratio(p)`` = measured / claimed order at parameter p.

    ``min_decades``: a bounded ratio is only evidence if the usable points span at least this
    many decades of the parameter; a shorter sweep is INCONCLUSIVE, never SUPPORTED.

    * REFUTED when the ratio grows by more than ``blowup_factor`` across the sweep, the growth
      is monotone over the last half of the sweep, and the end value is confirmed at 2x
      precision: no absolute constant can absorb it along this family.
    * SUPPORTED when the ratio stays within ``bounded_by`` (if given) and is not still rising
      at the end of the sweep, or when it is still rising but passes the saturation test of
      :func:`saturation` (stated tail model c - b p^k, extrapolated limit + 3 standard errors
      within ``bounded_by``).
    * INCONCLUSIVE when the ratio drifts without a clear verdict, in particular when a rise
      at the end cannot be told from slow growth (log p, log log p) over the decades swept.
    The fitted exponent of ratio vs. parameter and its residuals are always in the evidence.
    """
    dps = ctx.dps
    pts: list[tuple[Fraction, Any]] = []
    for p in params:
        try:
            with mp.workdps(dps):
                r = ratio(p, dps)
        except SimulationDiverged as exc:
            return inconclusive(f"simulation diverged at parameter {p}: {exc}", "parameter sweep")
        if r is not None:
            pts.append((p, r))
    if len(pts) < 3:
        return inconclusive("fewer than 3 usable sweep points", "parameter sweep")
    # Work with mpmath values throughout: ratios may exceed the float range.
    ys = [mp.mpf(r) for _, r in pts]
    if any(y <= 0 for y in ys):
        return inconclusive("ratio must be positive along the family", "parameter sweep",
                            points=[[str(p), fmt_num(r, 8)] for p, r in pts])
    details: dict[str, Any] = {"family": family, "points": [[str(p), fmt_num(r, 8)] for p, r in pts]}
    try:
        fit = power_fit([float(p) for p, _ in pts], [float(mp.log(y)) for y in ys], log_y=True)
        details["fit_ratio_vs_param"] = fit.to_json()
    except ValueError:
        fit = None
    lo, hi, first, end = min(ys), max(ys), ys[0], ys[-1]
    tail = ys[len(ys) // 2:]
    if end <= UNINFORMATIVE_RATIO:
        return uninformative(
            f"the family cannot fail: the measured/claimed ratio falls to {fmt_num(end, 3)} (<= "
            f"{fmt_num(UNINFORMATIVE_RATIO, 1)}) at the end of the sweep along {family}; where the family is "
            "extreme, the claimed order exceeds the measured quantity by more than 100 orders of magnitude",
            "parameter sweep + fit", label=label, **details)
    monotone_up = all(b >= a for a, b in zip(tail, tail[1:], strict=False))
    show = lambda v: fmt_num(v, 4)  # noqa: E731
    if end > blowup_factor * first and monotone_up and end == hi:
        p_end = pts[-1][0]
        with mp.workdps(2 * dps):
            r2 = ratio(p_end, 2 * dps)
        if r2 is not None and abs(mp.mpf(r2) - end) <= mp.mpf("1e-6") * abs(end):
            cex = Counterexample(
                inputs=dict(inputs_of(p_end)) if inputs_of else {"parameter": str(p_end)},
                violation=f"measured/claimed ratio grows from {show(first)} to {show(end)} along {family}"
                + (f" (fitted exponent {fit.exponent:.3g} in the parameter)" if fit else ""),
                confirmed_dps=2 * dps,
            )
            return Outcome(Verdict.REFUTED, "parameter sweep + fit", counterexample=cex,
                           details=details, label=label,
                           summary="ratio unbounded along the family")
    used = [p for p, _ in pts]
    span = math.log10(max(used) / min(used))
    details["decades_spanned"] = round(span, 3)
    details["usable_range"] = f"{min(used)} .. {max(used)}"
    if min_decades is not None and span < min_decades - 1e-9:
        return Outcome(Verdict.INCONCLUSIVE, "parameter sweep + fit", details=details, label=label,
                       reason=f"sweep spans only {span:.2f} decades of the parameter (usable points "
                       f"{min(used)} .. {max(used)}) along {family}: a bounded ratio needs >= "
                       f"{min_decades:g} decades to count as evidence for an O() claim")
    # still rising: the second half never decreases and ends at a new high, above every earlier value
    # (a tail that only climbs back to an earlier level, e.g. a one-step jitter, is not a rise)
    earlier = ys[: len(ys) - len(tail)]
    rising_at_end = (monotone_up and end == hi and end > max(earlier) and hi - lo > _RISE_NOISE * abs(hi))
    if not rising_at_end:
        if bounded_by is None or hi <= bounded_by:
            return Outcome(Verdict.SUPPORTED, "parameter sweep + fit",
                           margin=float(bounded_by - hi) if bounded_by else None,
                           details=details, label=label,
                           summary=f"ratio stays in [{show(lo)}, {show(hi)}] along {family}")
        return Outcome(Verdict.INCONCLUSIVE, "parameter sweep + fit", details=details, label=label,
                       reason=f"ratio reaches {show(hi)}, above the bound {bounded_by} used for SUPPORTED, "
                       f"but does not grow {blowup_factor:g}x monotonically along {family}")
    # Still rising at the end of the sweep: bounded only if the rise visibly saturates.
    sat = saturation(pts)
    details["saturation"] = sat.details
    if sat.saturates and (bounded_by is None or sat.bound <= bounded_by):
        return Outcome(Verdict.SUPPORTED, "parameter sweep + saturation fit",
                       margin=float(bounded_by - sat.bound) if bounded_by else None,
                       details=details, label=label,
                       summary=f"ratio rises from {show(first)} to {show(end)} along {family} and saturates: "
                       f"{sat.summary}")
    if sat.saturates:
        why = (f"ratio saturates along {family} ({sat.summary}), but the extrapolated bound "
               f"{sat.bound:.4g} exceeds the bound {bounded_by} used for SUPPORTED")
    else:
        why = (f"ratio rises over [{show(lo)}, {show(hi)}] (first {show(first)}, last {show(end)}) to its "
               f"maximum at the end of the sweep along {family}, less than the {blowup_factor:g}x needed to call "
               f"it unbounded; saturation not established: {sat.summary}")
    return Outcome(Verdict.INCONCLUSIVE, "parameter sweep + saturation fit", details=details, label=label,
                   reason=why)


def _shrinking_increments(ps: list[float], ys: list[float]) -> tuple[float, str] | None:
    """Second stated tail model: the ratio of successive increments never increases (within
    2%) and the last one is at most 1/10 per decade, so the remaining rise is at most
    d_last * r/(1 - r) with r the last per-step ratio, assuming the ratios keep not
    increasing beyond the sweep.  Slow growth and slow saturation (log p, sqrt(log p),
    log log p, c - 1/log p) have increment ratios that rise toward 1 and fail this."""
    d = [b - a for a, b in zip(ys, ys[1:], strict=False)]
    if len(d) < 4 or any(x <= 0 for x in d):
        return None
    r = [b / a for a, b in zip(d, d[1:], strict=False)]
    if any(b > a * 1.02 for a, b in zip(r, r[1:], strict=False)) or r[-1] >= 1:
        return None
    step_decades = math.log10(max(ps[-2], ps[-1]) / min(ps[-2], ps[-1]))
    q_decade = r[-1] ** (1 / step_decades)
    if q_decade > _SAT_Q_MAX_INCREMENTS:
        return None
    bound = ys[-1] + d[-1] * r[-1] / (1 - r[-1])
    return bound, (f"increments {', '.join(f'{x:.3g}' for x in d)} shrink with non-increasing ratios "
                   f"({', '.join(f'{x:.3g}' for x in r)}; last {q_decade:.3g} per decade): if the ratios keep "
                   f"not increasing, the limit is at most {bound:.6g}")


# A ratio measured/claimed this small says nothing about the claim (see :func:`uninformative`).
UNINFORMATIVE_RATIO = mp.mpf("1e-100")


def uninformative(reason: str, method: str, *, label: str = "", **details: Any) -> Outcome:
    """An instance family that cannot fail: INCONCLUSIVE, marked so that :func:`all_of`
    neither counts it as support nor lets it block the other parts."""
    details["uninformative"] = True
    return Outcome(Verdict.INCONCLUSIVE, method, summary=f"uninformative: {reason}",
                   reason=f"uninformative: {reason}", details=details, label=label)


# Relative rise below which a "rising" sweep is taken as flat (roundoff of the measurement).
_RISE_NOISE = 1e-9
# Saturation test thresholds (residuals in units of the observed rise).
_SAT_FIT_TOL = 2e-3  # the power-tail model must fit to this rms residual
_SAT_SEPARATION = 10.0  # ... and every slowly growing model must fit this many times worse
_SAT_SEPARATION_FLOOR = 5e-3  # ... and no better than this
_SAT_Q_MAX = 0.5  # increments must at least halve per decade (2-sigma upper end of q)
# Model-free rule: without a fitted model, only a decisive decay counts (increments shrink >= 10x per decade).
_SAT_Q_MAX_INCREMENTS = 0.1


@dataclass
class Saturation:
    saturates: bool
    bound: float  # extrapolated limit + 3 standard errors (inf when not saturating)
    summary: str
    details: dict[str, Any]


def saturation(pts: Sequence[tuple[Fraction, Any]], min_decades: float = 1.0) -> Saturation:
    """Saturation test for a sequence that rises to its end.

    Stated tail model: r(p) = c - b p^k (p -> 0) or c - b p^-k (p -> infinity), i.e. the
    increments shrink geometrically per decade (factor q = 10^-k).  It saturates when (a) at
    least 5 points spanning ``min_decades`` decades at the end of the sweep are available (the
    caller's decade rule applies to the whole sweep), (b) this model fits with rms
    residual <= 0.2% of the observed rise, (c) q's 2-sigma upper end is <= 1/2, (d) the
    extrapolated limit c has a finite standard error no larger than the observed rise, and
    (e) every slowly growing alternative (a + b log log p, a + b (log p)^s with 0 < s <= 1)
    fits at least 10x worse and worse than 0.5% of the rise.  A bounded but slowly
    saturating sequence (c - 1/log p) fails (b) or (e): over a few decades it cannot be told
    from slow growth, and the answer is "not established".
    """
    ps = [float(p) for p, _ in pts]
    ys = [float(mp.mpf(r)) for _, r in pts]
    details: dict[str, Any] = {"model": "r = c - b p^(+-k): increments shrink by q = 10^-k per decade"}

    def no(why: str) -> Saturation:
        details["why_not"] = why
        return Saturation(False, math.inf, why, details)

    if len(pts) < 5:
        return no(f"only {len(pts)} usable points (the tail fit needs >= 5)")
    # The model is a tail model: fit the longest final stretch on which the ratio rises, then
    # shorter final stretches (dropping a pre-asymptotic start), as long as >= 5 points span
    # >= min_decades decades; the first stretch that passes decides.
    start = len(ys) - 1
    while start > 0 and ys[start - 1] <= ys[start]:
        start -= 1
    tried: list[str] = []
    result = None
    for i in range(start, len(ys) - 4):
        if math.log10(max(ps[i], ps[-1]) / min(ps[i], ps[-1])) < min_decades - 1e-9:
            break
        result = _saturation_on(ps[i:], ys[i:], dict(details))
        geo = None if result.saturates else _shrinking_increments(ps[i:], ys[i:])
        if geo is not None:
            bound, summary = geo
            result = Saturation(True, bound, f"{summary} (the power-tail fit: {result.summary})",
                                {**result.details, "bound": bound, "model": "increments shrink at least "
                                 "geometrically, with non-increasing ratios"})
        tried.append(f"from {pts[i][0]}: {result.summary}")
        if result.saturates:
            break
    if result is None:
        return no(f"the final rising stretch ({len(ys) - start} points from {pts[start][0]}) has fewer than 5 points "
                  f"spanning >= {min_decades:g} decades; telling saturation from slow growth needs both")
    if len(tried) > 1:
        result.details["stretches_tried"] = tried
    return result


def _saturation_on(ps: list[float], ys: list[float], details: dict[str, Any]) -> Saturation:
    from numeric.saturation import analyse_tail

    def no(why: str) -> Saturation:
        details["why_not"] = why
        return Saturation(False, math.inf, why, details)

    try:
        tail = analyse_tail(ps, ys)
    except ValueError as exc:
        return no(str(exc))
    details["fitted_stretch"] = f"{len(ps)} points, parameter {ps[0]:.4g} .. {ps[-1]:.4g}"
    details["fits"] = tail.to_json()
    pt, grow = tail.power_tail, tail.best_growth
    if pt is None or pt.limit is None or pt.q_hi is None or pt.limit_se is None:
        return no("the power-tail model could not be fitted")
    if pt.rms > _SAT_FIT_TOL:
        return no(f"the power-tail model c - b p^k does not fit (rms residual {pt.rms:.2g} of the rise > "
                  f"{_SAT_FIT_TOL:g})" + (f"; best slowly growing model: {grow.model}, rms {grow.rms:.2g}"
                                          if grow else ""))
    if not pt.q_hi <= _SAT_Q_MAX:
        return no(f"increments shrink too slowly to extrapolate (q = {pt.q_per_decade:.3g} per decade, "
                  f"2-sigma upper end {pt.q_hi:.3g} > {_SAT_Q_MAX})")
    rise = max(ys) - min(ys)
    if not (math.isfinite(pt.limit_se) and pt.limit_se <= rise):
        return no(f"extrapolated limit {pt.limit:.4g} has standard error {pt.limit_se:.3g} (> the observed rise)")
    if grow is not None and grow.rms < max(_SAT_SEPARATION * pt.rms, _SAT_SEPARATION_FLOOR):
        return no(f"a slowly growing model ({grow.model}) fits nearly as well (rms {grow.rms:.2g} vs "
                  f"{pt.rms:.2g} of the rise): saturation cannot be told from slow growth over "
                  f"{tail.decades:.2f} decades")
    bound = pt.limit + 3 * pt.limit_se
    details["extrapolated_limit"] = pt.limit
    details["limit_standard_error"] = pt.limit_se
    details["bound"] = bound
    summary = (f"c - b p^k fits with rms {pt.rms:.2g} of the rise over {tail.decades:.2f} decades, increments "
               f"shrink by q = {pt.q_per_decade:.3g} per decade, extrapolated limit {pt.limit:.6g} +- "
               f"{pt.limit_se:.2g}")
    if grow is not None:
        summary += f"; the best slowly growing model ({grow.model}) fits {grow.rms / max(pt.rms, 1e-300):.3g}x worse"
    return Saturation(True, bound, summary, details)


# ------------------------------------------------------------------ helpers for claim modules


def not_checkable(reason: str) -> Callable[[Context], Outcome]:
    """For claims whose plan cannot be carried out here: INCONCLUSIVE with the reason."""
    return lambda ctx: inconclusive(reason, "not checkable")
