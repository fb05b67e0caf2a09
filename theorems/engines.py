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
from typing import TYPE_CHECKING, Any

import mpmath as mp
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

from . import parallel
from .claim import ClaimError, Context, Counterexample, Outcome, Verdict, all_of, inconclusive

if TYPE_CHECKING:  # NumPy is imported where it is used (start-up of one-line conjectures)
    import numpy as np

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
    observe: Callable[[Instance, Any, int], None] | None = None,
) -> Outcome:
    """Check ``slack(instance) >= 0`` (``> 0`` if strict) on sampled instances.

    The sampled instances are independent: inside a claim variant run on a Dask cluster their
    slacks are computed in batches on the workers (:mod:`theorems.parallel`), so ``slack`` must
    not keep state between calls that the evidence depends on.  Bookkeeping goes in
    ``observe(instance, slack, dps)``: called in this process for every instance whose slack is
    not None (samples, search points), in sample order, as the evaluations are folded.

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

    def evaluate(inst: Instance, at_dps: int) -> tuple[Any, bool]:
        """(slack, diverged) at one instance; no bookkeeping, so it may run on a worker."""
        try:
            with mp.workdps(at_dps):
                return slack(inst, at_dps), False
        except SimulationDiverged:
            return None, True

    def at_working_precision(inst: Instance) -> tuple[Any, bool]:
        return evaluate(inst, dps)

    def consider(inst: Instance, at_dps: int, value: tuple[Any, bool] | None = None) -> Any:
        nonlocal worst, evaluated, skipped, diverged
        v, did_diverge = evaluate(inst, at_dps) if value is None else value
        if did_diverge:
            diverged += 1
            return None
        if v is None:
            skipped += 1
            return None
        if observe is not None:
            observe(inst, v, at_dps)
        if not mp.isfinite(v):
            raise ClaimError(f"non-finite value: slack = {v} at {fmt_instance(inst)}")
        if at_dps == dps:  # screening evaluations (search) never set the reported margin
            evaluated += 1
            if worst is None or v < worst[0]:
                worst = (v, inst)
        return v

    # The instances are independent: on a Dask cluster (theorems.parallel) their slacks are
    # computed in batches; the fold below runs here in sample order either way, so the worst
    # instance is the first minimum in sample order and the evidence is the same.
    draws = (sampler(rng, i) for i in range(n))
    for inst, value in parallel.imap(at_working_precision, draws):
        v = consider(inst, dps, value)
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
        shrunk = _shrink(slack, inst, dps, strict)
        if shrunk != inst:  # report the simpler point only if it is confirmed itself
            again = _confirm(slack, shrunk, dps, strict, certify)
            if again is not None:
                inst, confirmed = shrunk, again
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

        def certain(inst: Instance) -> bool | None:
            """Is the slack certainly >= 0 (> 0 if strict) at ``inst``; None if not applicable."""
            try:
                b = certify(inst)
            except SimulationDiverged:
                return None
            if b is None:
                return None
            return ball.certainly_positive(b) if strict else ball.certainly_nonnegative(b)

        for _, ok in parallel.imap(certain, (sampler(rng, i) for i in range(n))):
            if ok is None:
                continue
            balls += 1
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
SOS_METHOD = "exact SOS certificate (exact LP vertex or Clarabel SDP rounded to rationals; verified exactly)"
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
            if not is_polynomial(g) and not g.has(sp.Abs, sp.Max, sp.Min, sp.Float):
                g = _sos_sign_polynomial(g)
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
    # fewer constraints keep the products (Schmuedgen) affordable: drop repeats, g >= 0 when also
    # g > 0, and B >= 0 when t^2 = B (implied by the equality)
    positive = list(dict.fromkeys(positive))
    # a constraint g = x * h (>= or > 0) with x > 0 a strict variable gives h (>= or > 0)
    pos_syms = {h for h in positive if h.is_Symbol}
    nonneg = [_sos_drop_positive_factors(g, pos_syms) for g in nonneg]
    positive = [h if h in pos_syms else _sos_drop_positive_factors(h, pos_syms) for h in positive]
    squares = {sp.expand(-e.subs(t, 0)) for e in zero for t in e.free_symbols
               if e.is_polynomial(t) and sp.degree(e, t) == 2 and sp.expand(e - e.subs(t, 0)) == t**2}
    nonneg = [g for g in dict.fromkeys(nonneg) if g not in positive and g not in squares]
    return nonneg, positive, zero, dropped


def _sos_drop_positive_factors(g: sp.Expr, pos_syms: set[sp.Symbol]) -> sp.Expr:
    """g divided by its factors that are > 0 on the region (strictly positive variables, or factors
    SymPy knows are positive, such as 1 + t for a lifted root t >= 0): the sign is unchanged."""
    if g in pos_syms or not g.free_symbols:
        return g
    const, factors = sp.factor_list(g)

    def positive(f: sp.Expr) -> bool:
        return f in pos_syms or bool(f.is_positive)

    if const == 0 or not any(positive(f) for f, _ in factors):
        return g
    return sp.expand(sp.sign(const) * sp.Mul(*[f**k for f, k in factors if not positive(f)]))


def _sos_sign_polynomial(g: sp.Expr) -> sp.Expr:
    """A polynomial with the sign of the rational function g wherever g is defined: n/d becomes
    n * (the factors of d not known to be >= 0); a factor of d known >= 0 (or an even power) is
    > 0 wherever g is defined, so it is dropped.  g itself when that is not a rational function."""
    num, den = sp.fraction(sp.together(g))
    if not (is_polynomial(num) and is_polynomial(den)):
        return g
    const, factors = sp.factor_list(den)
    out = num * (-1 if const < 0 else 1)
    for f, k in factors:
        if k % 2 == 1 and not f.is_nonnegative:
            out *= f
    return sp.expand(out)


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
        if f in known or f.is_positive:
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
            if not is_num and not sg and k % 2 == 1 and f.is_nonnegative:
                sg = 1  # >= 0 and a denominator: > 0 wherever expr is defined
            if sg:
                sign *= sg**k
                dropped.append(f"({f})^{k}")
            elif k % 2 == 0 and (not is_num or not strict):
                dropped.append(f"({f})^{k}")
            else:  # sign(n / d) = sign(n * d) wherever expr is defined (d != 0)
                core *= f**k
    return sp.expand(sign * core), dropped


def _sos_positive_symbols(nonneg: Sequence[sp.Expr], positive: Sequence[sp.Expr],
                          zero: Sequence[sp.Expr] = ()) -> set[sp.Symbol]:
    """Symbols that are > 0 on the region: strict constraints x > 0, then (to a fixpoint) x with
    x - q >= 0 where q has non-negative coefficients and a term of positive symbols, and t >= 0
    with t^2 - B = 0 where B is such a q (each term a positive constant times positive symbols
    and even powers, one term of positive symbols only)."""
    pos = {h for h in positive if h.is_Symbol}
    nonneg_syms = {g for g in nonneg if g.is_Symbol}

    def surely_positive(q: sp.Expr) -> bool:
        if not q.free_symbols or not q.is_polynomial():
            return bool(q.is_positive)
        poly = sp.Poly(q, *sorted(q.free_symbols, key=str))
        some = False
        for monom, coeff in poly.terms():
            syms = [(g, k) for g, k in zip(poly.gens, monom, strict=True) if k]
            if coeff < 0 or any(g not in pos and k % 2 for g, k in syms):
                return False
            some = some or all(g in pos for g, _ in syms)
        return some

    changed = True
    while changed:
        changed = False
        for g in nonneg:
            for x in g.free_symbols - pos:
                if g.is_polynomial(x) and sp.degree(g, x) == 1 and g.coeff(x, 1) == 1 and surely_positive(
                        sp.expand(x - g)):
                    pos.add(x)
                    changed = True
        for e in zero:
            for t in e.free_symbols & nonneg_syms - pos:
                if e.is_polynomial(t) and sp.degree(e, t) == 2 and sp.expand(e - t**2).free_symbols.isdisjoint({t}) \
                        and surely_positive(sp.expand(t**2 - e)):
                    pos.add(t)
                    changed = True
    return pos


def _squared_form(p: sp.Expr, nonneg: Sequence[sp.Expr], positive: Sequence[sp.Expr],
                  zero: Sequence[sp.Expr] = ()) -> list[sp.Expr]:
    """[A^2 - B^2] when p = A - B with A (positive terms) and B (negated negative terms) both
    >= 0 on the region and A + B > 0 there (then sign(p) = sign(A^2 - B^2)); else []."""
    pos_syms = _sos_positive_symbols(nonneg, positive, zero)
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
    import numpy as np

    key = (sp.srepr(expr), strict, tuple(sp.srepr(c) for c in constraints), ctx.budget.name)
    if key not in _SOS_CACHE:
        try:
            _SOS_CACHE[key] = _sos_search(expr, strict, constraints, ctx)
        except (ArithmeticError, ValueError, TypeError, np.linalg.LinAlgError, sp.PolynomialError) as exc:
            # a failed proof attempt is recorded, never a verdict: the sampling below still runs
            _SOS_CACHE[key] = {"error": f"{type(exc).__name__}: {exc}"}
    found = _SOS_CACHE[key]
    if isinstance(found, Outcome):
        return Outcome(found.verdict, found.method, summary=found.summary, details=dict(found.details),
                       label=label)
    return dict(found) if found is not None else None


def _sos_fixed_signs(expr: sp.Expr, constraints: Sequence[sp.Basic], ctx: Context, max_atoms: int = 3
                     ) -> tuple[sp.Expr, list[dict[str, Any]]]:
    """Replace |u| by u (or -u) where an exact SOS certificate shows u >= 0 (u <= 0) on the whole
    region, so that no sign case is needed for it; the certificates go into the evidence."""
    fixed: list[dict[str, Any]] = []
    atoms = [a for a in sp.preorder_traversal(expr) if isinstance(a, sp.Abs)
             and not a.args[0].has(sp.Abs, sp.Max, sp.Min)]
    for atom in list(dict.fromkeys(atoms))[:max_atoms]:
        u = atom.args[0]
        for sign, value in ((">= 0", u), ("<= 0", -u)):
            out = _sos_search(value, False, constraints, ctx, fix_signs=False)
            if isinstance(out, Outcome) and out.verdict is Verdict.PROVED:
                expr = expr.xreplace({atom: value})
                fixed.append({"sign": f"{sp.sstr(u)} {sign} on the whole region, so |.| = {sp.sstr(value)}",
                              **out.details})
                break
    return expr, fixed


def _sos_search(expr: sp.Expr, strict: bool, constraints: Sequence[sp.Basic], ctx: Context,
                fix_signs: bool = True) -> Outcome | dict[str, Any] | None:
    from symbolic.cases import Case, lift_sqrt, sign_cases

    signs_fixed: list[dict[str, Any]] = []
    if fix_signs and expr.has(sp.Abs):
        expr, signs_fixed = _sos_fixed_signs(expr, constraints, ctx)
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
        reduced_by = []
        if lifted:  # t^2 = B on the region: reduce every polynomial modulo t^2 - B (exact)
            core, nonneg, positive, zero, gens = _sos_reduce_lifted(core, nonneg, positive, zero, gens, lifted)
            reduced_by = [f"{t}^2 = {sp.sstr(r.base)}" for t, r in lifted.items()]
        core, nonneg, positive, zero, gens, eliminated = _sos_eliminate(core, nonneg, positive, zero, gens)
        res = None
        # the problem as given, its squared form, then exact substitutions x = t / y (y > 0) that
        # lower the degree (e.g. eta = t/eps when eta enters only through eta*eps); each problem
        # carries the steps that make it equivalent to the case (they go into the evidence)
        problems: list[tuple] = [(core, nonneg, positive, zero, gens, {})]
        for sq in _squared_form(core, nonneg, positive, zero):
            step = {"squared_form": f"{sp.sstr(core)} = A - B with A, B >= 0 and A + B > 0 on the region, "
                    f"so it has the sign of A^2 - B^2 = {sp.sstr(sq)}"}
            if lifted:
                reduced = _sos_reduce_lifted(sq, nonneg, positive, zero, gens, lifted)
                step["squared_form"] += f", reduced modulo {', '.join(reduced_by)}: {sp.sstr(reduced[0])}"
                problems.append((*reduced, step))
            else:
                problems.append((sq, nonneg, positive, zero, gens, step))
        problems += [(*sub[:5], {**prob[5], "substitution": sub[5]}) for prob in list(problems)
                     for sub in _sos_substitutions(*prob[:5], strict)]
        # a Positivstellensatz multiplier: target * (1 + sum of the lifted roots), >= 1 on the region
        roots_left = [t for t in lifted if t in gens]
        if roots_left:
            w = 1 + sp.Add(*roots_left)
            problems.append((sp.expand(core * w), nonneg, positive, zero, gens,
                             {"multiplier": f"the target times {sp.sstr(w)} (>= 1 on the region, as each "
                              "lifted root is >= 0) is certified; it has the target's sign"}))
        steps: dict[str, str] = {}
        # first the exact LP on every problem (cheap), then the SDPs
        for lp_only in (True, False):
            for target_poly, p_nonneg, p_positive, p_zero, p_gens, p_steps in problems:
                res = _sos_plans(target_poly, p_gens, p_nonneg, p_positive, p_zero, strict, seconds, size,
                                 extra_degrees, lp_only=lp_only)
                steps = p_steps
                if res is not None and res.proved:
                    break
            if res is not None and res.proved:
                break
        if res is None:
            return {"reason": "no SOS plan fits", "cases_proved": len(proofs), "cases": len(cases)}
        if not res.proved:
            return {"reason": res.reason, "failed_case": case.description or "(no split)",
                    "cases_proved": len(proofs), "cases": len(cases), "seconds": round(time.perf_counter() - t0, 3),
                    "problems_tried": len(problems),
                    **{k: v for k, v in res.notes.items() if k in ("degree", "gram_sizes", "sdp_status")}}
        entry = {"case": case.description or "whole region", "certificate": res.certificate.to_json(),
                 "seconds": round(res.seconds, 3), **steps}
        if eliminated:
            entry["eliminated"] = eliminated
        if factors_dropped:
            entry["positive_factors_divided_out"] = factors_dropped
            entry["certified_polynomial"] = sp.sstr(core)
        if lifted:
            entry["lifted"] = {str(t): str(r) for t, r in lifted.items()}
            entry["reduced_modulo"] = reduced_by
        if dropped:
            entry["constraints_not_used"] = dropped
        proofs.append(entry)
    details = {"sos": proofs, "seconds": round(time.perf_counter() - t0, 3),
               **({"signs_fixed": signs_fixed} if signs_fixed else {}),
               "verification": "each identity expanded exactly over Q; each Gram matrix PSD by exact "
               "LDL^T (symbolic.sos.verify)"}
    split = f" in {len(cases)} sign cases" if len(cases) > 1 else ""
    return Outcome(Verdict.PROVED, SOS_METHOD + (" + sign case split" if has_pieces else "")
                   + (" + signs of |.| arguments fixed by SOS" if signs_fixed else ""),
                   summary=f"{'expr > 0' if strict else 'expr >= 0'}{split}: polynomial identity "
                   "expr = sum of (SOS x constraint products) checked exactly", details=details)


def _sos_reduce_lifted(core: sp.Expr, nonneg, positive, zero, gens: set[sp.Symbol], lifted):
    """Remainders modulo t^2 - B (t = sqrt(B) lifted): equal on the region, so the problem is
    unchanged; a lifted t that no longer occurs outside its own constraints (t >= 0, t^2 = B) is
    dropped (for every admissible point of the other variables t = sqrt(B) exists).  Returns
    (core, nonneg, positive, zero, gens)."""
    def rem(p: sp.Expr) -> sp.Expr:
        for t, r in lifted.items():
            if p.has(t):
                p = sp.expand(sp.rem(sp.expand(p), t**2 - r.base, t))
        return p

    core = rem(core)
    nonneg = [rem(g) for g in nonneg]
    positive = [rem(h) for h in positive]
    zero = list(zero)
    for t in lifted:
        others = [p for p in (core, *nonneg, *positive) if sp.expand(p - t) != 0]
        if not any(p.has(t) for p in others):
            nonneg = [g for g in nonneg if not g.has(t)]
            positive = [h for h in positive if not h.has(t)]
            zero = [e for e in zero if not e.has(t)]
    gens = {g for g in gens if any(p.has(g) for p in (core, *nonneg, *positive, *zero))} | core.free_symbols
    return core, nonneg, positive, zero, gens


def _sos_eliminate(core: sp.Expr, nonneg, positive, zero, gens: set[sp.Symbol]):
    """Eliminate x by an equality k*x + q = 0 (k a nonzero rational, q free of x): on the region
    x = -q/k, so substituting it everywhere (and dropping the equality and x) is exact.  Returns
    (core, nonneg, positive, zero, gens, [descriptions])."""
    done: list[str] = []
    zero = list(zero)
    changed = True
    while changed:
        changed = False
        for e in zero:
            for x in sorted(e.free_symbols & set(gens), key=str):
                k = sp.expand(e).coeff(x, 1)
                if not (k.is_Rational and k != 0) or sp.expand(e - k * x).has(x):
                    continue
                value = sp.expand(-(e - k * x) / k)
                if (x.is_positive or x.is_nonnegative or x.is_negative) and x not in {
                        h for h in positive if h.is_Symbol} | {g for g in nonneg if g.is_Symbol}:
                    continue  # its sign assumption would be lost
                sub = {x: value}
                core = sp.expand(core.xreplace(sub))
                nonneg = [sp.expand(g.xreplace(sub)) for g in nonneg]
                positive = [sp.expand(h.xreplace(sub)) for h in positive]
                zero = [sp.expand(z.xreplace(sub)) for z in zero if z is not e]
                nonneg = [g for g in nonneg if not (g.is_number and g >= 0)]
                positive = [h for h in positive if not (h.is_number and h > 0)]
                gens = (set(gens) - {x}) | value.free_symbols
                pos_syms = {h for h in positive if h.is_Symbol}
                nonneg = [_sos_drop_positive_factors(g, pos_syms) for g in nonneg]
                positive = [h if h in pos_syms else _sos_drop_positive_factors(h, pos_syms) for h in positive]
                done.append(f"{x} = {sp.sstr(value)} (from the equality {sp.sstr(e)} = 0)")
                changed = True
                break
            if changed:
                break
    return core, nonneg, positive, zero, gens, done


def _sos_plans(target_poly: sp.Expr, gens: set[sp.Symbol], nonneg, positive, zero, strict: bool,
               seconds: float, size: int, extra_degrees: int, lp_only: bool = False):
    """Cheapest first: a plain SOS (no constraints used), then Putinar/Schmuedgen at rising degree
    (stopping when the SDP outgrows the budget).  The last result, or None if no plan fits."""
    from symbolic.sos import find_certificate

    res = None
    deg = sp.Poly(target_poly, *sorted(gens, key=str)).total_degree() if gens else 0
    plans = [(0, False)] if (nonneg or positive or zero) and not strict else []
    plans += [(extra, True) for extra in (0, 2, 4)[: 1 + extra_degrees]]
    for extra, use_constraints in plans:
        res = find_certificate(target_poly, sorted(gens, key=str), nonneg if use_constraints else [],
                               positive if use_constraints else [], zero if use_constraints else [],
                               strict=strict,
                               degree=deg + deg % 2 + extra, time_limit=seconds, max_gram_entries=size,
                               products=len(nonneg) + len(positive) <= 8, lp_only=lp_only)
        if res.proved or (use_constraints and "too large" in res.reason):
            break
    return res


def _sos_total_degree(polys: Sequence[sp.Expr], gens: Sequence[sp.Symbol]) -> int:
    return sum(sp.Poly(p, *gens).total_degree() for p in polys if p.free_symbols)


def _sos_image(p: sp.Expr, x: sp.Symbol, t: sp.Symbol, y: sp.Symbol) -> sp.Expr:
    """y^k p(x = t/y) as a polynomial, k the least power clearing the denominator (ValueError
    unless the denominator is c * y^k with c > 0, so that the sign is kept where y > 0)."""
    num, den = sp.fraction(sp.together(sp.expand(p).xreplace({x: t / y})))
    poly = sp.Poly(den, y)
    if len(poly.terms()) != 1 or not (poly.LC().is_Rational and poly.LC() > 0):
        raise ValueError("denominator is not a positive multiple of a power of y")
    return sp.expand(num)


def _sos_substitutions(core: sp.Expr, nonneg: Sequence[sp.Expr], positive: Sequence[sp.Expr],
                       zero: Sequence[sp.Expr], gens: set[sp.Symbol], strict_mark: bool = False,
                       keep: int = 1):
    """Equivalent lower-degree problems by the change of variables x = t / y with y a variable
    that is > 0 on the region (a strict constraint ``y > 0``).  On {y > 0} the map (x, y) ->
    (t, y) = (x y, y) is a bijection, so p >= 0 (> 0) on the region iff y^k p(t/y, y) >= 0 (> 0)
    on the image, each polynomial multiplied by the positive power of y that clears its
    denominator; t keeps the sign constraint of x.  Only substitutions that lower the summed
    total degree of the target and the constraints are kept (the best ``keep`` of them)."""
    order = sorted(gens, key=str)
    if len(order) < 2:
        return []
    base = _sos_total_degree([core, *nonneg, *positive, *zero], order)
    pos_syms = [h for h in positive if h.is_Symbol]
    found = []
    for y in pos_syms:
        for x in order:
            if x == y or not core.has(x):
                continue
            t = sp.Symbol(f"{x}_{y}", real=True)  # t = x * y

            try:
                new_pos = [_sos_image(h, x, t, y) for h in positive if sp.expand(h - x) != 0]
                new_nonneg = [_sos_image(g, x, t, y) for g in nonneg if sp.expand(g - x) != 0]
                new_zero = [_sos_image(e, x, t, y) for e in zero]
                new_core = _sos_image(core, x, t, y)
            except ValueError:
                continue
            if any(sp.expand(h - x) == 0 for h in positive):
                new_pos.append(t)
            elif any(sp.expand(g - x) == 0 for g in nonneg):
                new_nonneg.append(t)
            new_gens = (set(gens) - {x}) | {t}
            new_order = sorted(new_gens, key=str)
            deg = _sos_total_degree([new_core, *new_nonneg, *new_pos, *new_zero], new_order)
            if deg < base and new_core.free_symbols:
                found.append((deg, str(x), str(y), (new_core, new_nonneg, new_pos, new_zero, new_gens,
                              f"{x} = {t}/{y}: {y} > 0 on the region, so ({x}, {y}) -> ({t}, {y}) = ({x}*{y}, {y}) "
                              f"is a bijection and each polynomial times a positive power of {y} keeps its "
                              f"sign; the certificate below is for the image: {sp.sstr(new_core)} "
                              f"{'>' if strict_mark else '>='} 0 on "
                              + ", ".join([*(f'{sp.sstr(g)} >= 0' for g in new_nonneg),
                                           *(f'{sp.sstr(h)} > 0' for h in new_pos),
                                           *(f'{sp.sstr(e)} = 0' for e in new_zero)]))))
    found.sort(key=lambda f: (f[0], f[1], f[2]))
    return [f[3] for f in found[:keep]]


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
    resolution: Callable[[Fraction], float] | None = None,
    resolution_note: str = "",
    independent_points: bool = False,
) -> Outcome:
    """An O(.) claim along a family: ``ratio(p)`` = measured / claimed order at parameter p.

    ``independent_points=True`` declares that ``ratio`` is a pure function of ``(p, dps)`` (no
    state shared between points: no "first value seen", no skipping after a failed point, no
    warm start from the previous point): on a Dask cluster the points are then computed in
    batches (:mod:`theorems.parallel`).  The default keeps the sweep in order in this process,
    which is what a ratio that remembers earlier points needs.

    ``resolution(p)``: the measured ratio's resolution at p when it is quantised or noisy (e.g.
    eta x an iteration count has resolution eta: the smooth quantity it counts lies within one
    step of it), stated in the evidence with ``resolution_note``.  The saturation test then asks
    for consistency within the resolution instead of comparing residual variances.

    ``min_decades``: a bounded ratio is only evidence if the usable points span at least this
    many decades of the parameter; a shorter sweep is INCONCLUSIVE, never SUPPORTED.

    * REFUTED when the ratio grows by more than ``blowup_factor`` across the sweep, the growth
      is monotone over the last half of the sweep, and the end value is confirmed at 2x
      precision: no absolute constant can absorb it along this family.
    * SUPPORTED when the ratio stays within ``bounded_by`` (if given) and is not still rising
      at the end of the sweep, or when it is still rising but passes the saturation test of
      :func:`saturation` (stated tail model c - b p^k tested against slow growth at the noise
      level or resolution of the measured ratio; extrapolated limit + 3 standard errors within
      ``bounded_by``).
    * INCONCLUSIVE when the ratio drifts without a clear verdict, in particular when a rise
      at the end cannot be told from slow growth (log p, log log p) over the decades swept.
    The fitted exponent of ratio vs. parameter and its residuals are always in the evidence.
    """
    dps = ctx.dps
    pts: list[tuple[Fraction, Any]] = []

    def point(p: Fraction) -> tuple[Any, str | None]:
        """(ratio, None), or (None, why) when the simulation diverged at p."""
        try:
            with mp.workdps(dps):
                return ratio(p, dps), None
        except SimulationDiverged as exc:
            return None, str(exc)

    sweep = parallel.imap(point, params) if independent_points else ((p, point(p)) for p in params)
    for p, (r, diverged_because) in sweep:
        if diverged_because is not None:
            return inconclusive(f"simulation diverged at parameter {p}: {diverged_because}", "parameter sweep")
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
    flat_note = ""
    if rising_at_end and resolution is not None and _constant_within_steps(
            [float(y) for y in tail], [float(resolution(p)) for p, _ in pts[len(pts) - len(tail):]]):
        rising_at_end = False
        flat_note = (" (the second half of the sweep is one constant quantised: every value there is the floor, "
                     "or every value the ceiling, of one number in its own resolution step)")
    if not rising_at_end:
        if bounded_by is None or hi <= bounded_by:
            return Outcome(Verdict.SUPPORTED, "parameter sweep + fit",
                           margin=float(bounded_by - hi) if bounded_by else None,
                           details=details, label=label,
                           summary=f"ratio stays in [{show(lo)}, {show(hi)}] along {family}{flat_note}")
        return Outcome(Verdict.INCONCLUSIVE, "parameter sweep + fit", details=details, label=label,
                       reason=f"ratio reaches {show(hi)}, above the bound {bounded_by} used for SUPPORTED, "
                       f"but does not grow {blowup_factor:g}x monotonically along {family}")
    # Still rising at the end of the sweep: bounded only if the rise visibly saturates.
    res_pts = None
    if resolution is not None:
        res_pts = [float(resolution(p)) for p, _ in pts]
        if not all(math.isfinite(h) and h > 0 for h in res_pts):
            raise ClaimError(f"resolution must be positive and finite at every sweep point, got {res_pts}")
        details["resolution"] = {"note": resolution_note or "stated per-point resolution of the measured ratio",
                                 "values": [f"{h:.6g}" for h in res_pts]}
    sat = saturation(pts, resolution=res_pts)
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


def _constant_within_steps(vals: list[float], steps: list[float]) -> bool:
    """Is a quantised stretch one constant c, read with steps h_i?  Floor reading: v_i in (c - h_i, c]
    for all i, i.e. max v < min(v_i + h_i); ceiling reading: v_i in [c, c + h_i), i.e.
    min v > max(v_i - h_i).  (A count that moves by a whole step within the stretch is not constant.)"""
    # a step is a float: a value exactly one step above another must not pass on its rounding
    floor_ok = max(vals) < min(v + h * (1 - 1e-9) for v, h in zip(vals, steps, strict=True))
    ceil_ok = min(vals) > max(v - h * (1 - 1e-9) for v, h in zip(vals, steps, strict=True))
    return floor_ok or ceil_ok


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
_SAT_LEVEL = 0.01  # significance level of the F test: slow growth vs the power tail (exact values)
_SAT_FLOAT_FLOOR = 1e-12  # float64 least squares resolve residuals no finer than this fraction of the rise
_SAT_Q_MAX = 0.5  # increments must at least halve per decade (2-sigma upper end of q)
# Model-free rule: without a fitted model, only a decisive decay counts (increments shrink >= 10x per decade).
_SAT_Q_MAX_INCREMENTS = 0.1


@dataclass
class Saturation:
    saturates: bool
    bound: float  # extrapolated limit + 3 standard errors (inf when not saturating)
    summary: str
    details: dict[str, Any]


def saturation(pts: Sequence[tuple[Fraction, Any]], min_decades: float = 1.0,
               resolution: Sequence[float] | None = None) -> Saturation:
    """Saturation test for a sequence that rises to its end.

    Stated tail model: r(p) = c - b p^k (p -> 0) or c - b p^-k (p -> infinity), i.e. the
    increments shrink geometrically per decade (factor q = 10^-k).  Alternatives: slow growth
    (a + b log log p, a + b (log p)^s with 0 < s <= 1) and the power tail plus a slowly growing
    term (c - b p^k + e log p, + e log log p).  It saturates when (a) at least 5 points spanning
    ``min_decades`` decades at the end of the sweep are available (the caller's decade rule
    applies to the whole sweep), (b) the data rule out the alternatives at the measured
    quantity's own noise level, (c) q's 2-sigma upper end is <= 1/2 and (d) the extrapolated
    limit c has a finite standard error no larger than the observed rise.  For (b):

    * exact values (no ``resolution``): the noise scale is what the power tail leaves unexplained,
      its residual variance; every slowly growing model must leave a residual variance larger by
      the F test's 1% point, and the extra growth term of the nested alternative must not be
      significant at 1%;
    * values with a stated per-point ``resolution`` h_i (quantised counts, e.g. eta t0 with step
      eta): the power tail must fit every point within h_i, and no slowly growing model may
      (its least-squares rms residual exceeds one step, so its largest residual does for every
      choice of its parameters).

    A bounded but slowly saturating sequence (c - 1/log p) fails (b) or (c): over a few decades
    it cannot be told from slow growth, and the answer is "not established".  A slowly growing
    term much smaller than the noise (or the resolution) over the sweep is invisible to any test
    on these points; the rule only decides what the data show.
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
    result = first_result = None
    for i in range(start, len(ys) - 4):
        if math.log10(max(ps[i], ps[-1]) / min(ps[i], ps[-1])) < min_decades - 1e-9:
            break
        result = _saturation_on(ps[i:], ys[i:], dict(details), None if resolution is None else list(resolution[i:]))
        # the model-free increment rule reads increments of the smooth quantity: not for quantised data
        geo = None if result.saturates or resolution is not None else _shrinking_increments(ps[i:], ys[i:])
        if geo is not None:
            bound, summary = geo
            result = Saturation(True, bound, f"{summary} (the power-tail fit: {result.summary})",
                                {**result.details, "bound": bound, "model": "increments shrink at least "
                                 "geometrically, with non-increasing ratios"})
        tried.append(f"from {pts[i][0]}: {result.summary}")
        if len(tried) == 1:
            first_result = result
        if result.saturates:
            break
    if result is None:
        return no(f"the final rising stretch ({len(ys) - start} points from {pts[start][0]}) has fewer than 5 points "
                  f"spanning >= {min_decades:g} decades; telling saturation from slow growth needs both")
    if len(tried) > 1:
        if not result.saturates and first_result is not None:  # why the longest stretch failed; shorter ones in details
            result = first_result
        result.details["stretches_tried"] = tried
    return result


def _saturation_on(ps: list[float], ys: list[float], details: dict[str, Any],
                   resolution: list[float] | None = None) -> Saturation:
    from numeric.saturation import analyse_tail

    def no(why: str) -> Saturation:
        details["why_not"] = why
        return Saturation(False, math.inf, why, details)

    try:
        tail = analyse_tail(ps, ys, resolution)
    except ValueError as exc:
        return no(str(exc))
    n = tail.n_points
    details["fitted_stretch"] = f"{n} points, parameter {ps[0]:.4g} .. {ps[-1]:.4g}"
    details["fits"] = tail.to_json()
    rise = max(ys) - min(ys)
    if tail.power_tail is None:
        return no("the power-tail model could not be fitted")
    return _power_tail_test(tail.power_tail, tail.mixtures or [], tail, rise, resolution is not None, details)


def _power_tail_test(pt, mixtures, tail, rise: float, with_resolution: bool, details: dict[str, Any]) -> Saturation:
    """The saturation test for one fitted power tail (one or two terms); see :func:`saturation`."""
    from scipy.stats import f as f_dist

    def no(why: str) -> Saturation:
        details["why_not"] = why
        return Saturation(False, math.inf, why, details)

    n = tail.n_points
    name = pt.model
    if pt.limit is None or pt.q_hi is None or pt.limit_se is None:
        return no(f"the model {name} could not be fitted")
    if with_resolution:
        # Known resolution: a model fits when some parameters put every point within one resolution
        # step; the least-squares fit's largest residual is a witness for the power tail, and an
        # rms residual above one step at the least-squares optimum excludes a growth model (rms <= max).
        assert pt.max_over_resolution is not None
        if pt.max_over_resolution > 1:
            return no(f"the {name} does not fit within the resolution (largest residual "
                      f"{pt.max_over_resolution:.3g} resolution steps)")
        fitting = [g for g in tail.slow_growth if g.rms_over_resolution is not None and g.rms_over_resolution <= 1]
        if fitting:
            g = fitting[0]
            return no(f"a slowly growing model ({g.model}) also fits within the resolution (rms "
                      f"{g.rms_over_resolution:.3g} steps): saturation cannot be told from slow growth over "
                      f"{tail.decades:.2f} decades at this resolution")
        fit_text = (f"{name} fits within the resolution (largest residual {pt.max_over_resolution:.3g} steps) "
                    f"over {tail.decades:.2f} decades, while no slowly growing model can (rms residual "
                    f"{min(g.rms_over_resolution or math.inf for g in tail.slow_growth):.3g} steps at best)")
    else:
        # Exact values: the residual variance of the power tail estimates the scale of what the model
        # leaves out (pre-asymptotic terms, discreteness of the dynamics); every slowly growing model
        # must leave a significantly larger residual variance (F test at the 1% level).
        floor = (_SAT_FLOAT_FLOOR * rise) ** 2 * n  # float64 fits resolve no better than this
        dof_pt = n - pt.n_params
        s2_pt = max(pt.ssr, floor) / dof_pt
        for g in tail.slow_growth:
            dof = n - g.n_params
            if dof < 1:
                return no(f"too few points ({n}) to test {g.model} against the {name}")
            ratio = (max(g.ssr, floor) / dof) / s2_pt
            crit = float(f_dist.ppf(1 - _SAT_LEVEL, dof, dof_pt))
            if ratio < crit:
                return no(f"a slowly growing model ({g.model}, rms {g.rms:.2g} of the rise) is not significantly "
                          f"worse than the {name} (rms {pt.rms:.2g}): residual-variance ratio "
                          f"{ratio:.3g} < {crit:.3g}, the F test's 1% point with ({dof}, {dof_pt}) degrees of "
                          f"freedom; saturation cannot be told from slow growth over {tail.decades:.2f} decades")
        # nested alternative: the power tail plus a slowly growing term e g(log p); a significant e > 0
        # (F test, 1 extra parameter) means the rise hides growth
        for m in mixtures:
            dof = n - m.n_params
            if dof < 1 or m.params.get("e", 0.0) <= 0:
                continue
            gain = (max(pt.ssr, floor) - max(m.ssr, floor)) / (max(m.ssr, floor) / dof)
            crit = float(f_dist.ppf(1 - _SAT_LEVEL, 1, dof))
            if gain >= crit:
                return no(f"the {name} plus a slowly growing term ({m.model}, e = {m.params['e']:.3g}) fits "
                          f"significantly better than the tail alone (F = {gain:.3g} >= {crit:.3g}, the 1% "
                          f"point with (1, {dof}) degrees of freedom): the rise hides slow growth")
        grow = tail.best_growth
        fit_text = f"{name} fits with rms {pt.rms:.2g} of the rise over {tail.decades:.2f} decades"
        if grow is not None:
            fit_text += (f"; every slowly growing model leaves a significantly larger residual variance (F test, "
                         f"1% level; best: {grow.model}, rms {grow.rms:.2g})")
    if not pt.q_hi <= _SAT_Q_MAX:
        return no(f"increments shrink too slowly to extrapolate (q = {pt.q_per_decade:.3g} per decade, "
                  f"2-sigma upper end {pt.q_hi:.3g} > {_SAT_Q_MAX})")
    if not (math.isfinite(pt.limit_se) and pt.limit_se <= rise):
        return no(f"extrapolated limit {pt.limit:.4g} has standard error {pt.limit_se:.3g} (> the observed rise)")
    bound = pt.limit + 3 * pt.limit_se
    details["tail_model"] = name
    details["extrapolated_limit"] = pt.limit
    details["limit_standard_error"] = pt.limit_se
    details["bound"] = bound
    summary = (f"{fit_text}; increments shrink by q = {pt.q_per_decade:.3g} per decade, extrapolated limit "
               f"{pt.limit:.6g} +- {pt.limit_se:.2g}")
    return Saturation(True, bound, summary, details)


# ------------------------------------------------------------------ helpers for claim modules


def not_checkable(reason: str) -> Callable[[Context], Outcome]:
    """For claims whose plan cannot be carried out here: INCONCLUSIVE with the reason."""
    return lambda ctx: inconclusive(reason, "not checkable")
