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
    label: str = "",
    prove: bool = True,
) -> Outcome:
    """expr > 0 (strict) or >= 0 on the region {constraints}.

    Polynomial case: an exact SymPy certificate gives PROVED (z3 nlsat runs as the second
    method; a z3 model of the negation is checked exactly and gives REFUTED).  Otherwise the
    expression is evaluated in ball arithmetic at sampled exact points (CERTIFIED when every
    comparison is certain), with a scipy search for violations.
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
        return {str(k): Fraction(v) for k, v in sample(rng, i).items()}

    search = None
    if search_box:
        keys = list(search_box)

        def to_instance(x):
            inst = {str(k): Fraction(float(v)).limit_denominator(10**9) for k, v in zip(keys, x, strict=True)}
            return inst if all(str(s) in inst for s in symbols) else None

        search = Search([search_box[k] for k in keys], to_instance)
    out = sampled(slack, sampler, ctx, label=label, strict=strict, certify=certify, search=search,
                  method="ball arithmetic at sampled exact points")
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
    * SUPPORTED when the ratio stays within ``bounded_by`` (if given) and does not trend up.
    * INCONCLUSIVE when the ratio drifts without a clear verdict.
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
    if (bounded_by is None or hi <= bounded_by) and not (monotone_up and hi > 3 * lo and end == hi):
        if min_decades is not None:
            used = [p for p, _ in pts]
            span = math.log10(max(used) / min(used))
            details["decades_spanned"] = round(span, 3)
            if span < min_decades - 1e-9:
                return Outcome(Verdict.INCONCLUSIVE, "parameter sweep + fit", details=details, label=label,
                               reason=f"sweep spans only {span:.2f} decades of the parameter (usable points "
                               f"{min(used)} .. {max(used)}) along {family}: a bounded ratio needs >= "
                               f"{min_decades:g} decades to count as evidence for an O() claim")
        return Outcome(Verdict.SUPPORTED, "parameter sweep + fit",
                       margin=float(bounded_by - hi) if bounded_by else None,
                       details=details, label=label,
                       summary=f"ratio stays in [{show(lo)}, {show(hi)}] along {family}")
    if bounded_by is not None and hi > bounded_by:
        why = (f"ratio reaches {show(hi)}, above the bound {bounded_by} used for SUPPORTED, but does not "
               f"grow {blowup_factor:g}x monotonically along {family}")
    else:
        why = (f"ratio ranges over [{show(lo)}, {show(hi)}] (first {show(first)}, last {show(end)}) along "
               f"{family}: it rises more than 3x to its maximum at the end of the sweep, but not the "
               f"{blowup_factor:g}x needed to call it unbounded; no clear bound")
    return Outcome(Verdict.INCONCLUSIVE, "parameter sweep + fit", details=details, label=label, reason=why)


# ------------------------------------------------------------------ helpers for claim modules


def not_checkable(reason: str) -> Callable[[Context], Outcome]:
    """For claims whose plan cannot be carried out here: INCONCLUSIVE with the reason."""
    return lambda ctx: inconclusive(reason, "not checkable")
