"""eta -> 0 sweeps for the quasi-static claims (App. C.5) on :mod:`numeric.sn_trace` traces.

A sweep runs on the grid eta = 9/10 * 10^(-k/4) (exact rationals, the points of
:func:`.sn_common.tail_etas`), restricted to the step sizes where the claim's hypotheses can
hold (e.g. a non-empty window 10 eta^(beta/(beta-1)) <= delta < 1/2), from the largest such
point downward while the runs fit the budget's step cap.  Each run is extended only until the
claim's window has closed (delta_t below a level: the window floor, or 0 for the crossing),
not to convergence.  Before the engine sees the sweep, a pre-pass computes the runs (shared
by every claim through the trace cache) and predicts the length of the next run from the last
two (power law in eta): the sweep stops where the next run would exceed the step cap, and the
family text names the usable range and what a longer sweep would need.  Nothing here decides
a verdict: :func:`engines.growth` does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import mpmath as mp

from numeric.sn_trace import Trace, trace_until
from symbolic.losses import Loss

from ... import engines
from ...claim import Context, Outcome
from .sn_common import ETA_TOP, MIN_DECADES, XT, YT, _note_missing_points, escalated, loss_inputs

F = Fraction
HALF = F(1, 2)
PER_DECADE = 4
MAX_DECADES = 6  # the grid's depth below 9/10 (the step cap ends every sweep well before)
# A sweep descends until its usable points span this many decades (the engine's decade rule needs
# MIN_DECADES; deep aims further), or until the next run would exceed the step cap.
STOP_DECADES = {"quick": MIN_DECADES, "standard": MIN_DECADES, "deep": 3}
TARGET_DECADES = 3  # what the evidence names as the aim beyond MIN_DECADES
# GD steps per run.  The same cap for every claim and loss, so that the claims sharing these traces
# (Claim.shares; run in one worker) extend the same runs instead of each paying for its own: the
# union of runs is what the group costs.  At standard the cap admits the ell_beta[3/2] crossing at
# eta = 27/9500 (6.4e6 steps), the point that gives its window claims 2 decades.
RUN_STEPS = {"quick": 400_000, "standard": 7_000_000, "deep": 60_000_000}


def step_cap(budget: str) -> int:
    """GD steps per run at ``budget``."""
    return RUN_STEPS.get(budget, RUN_STEPS["standard"])


def grid(admissible: Callable[[Fraction], bool] = lambda p: True) -> list[Fraction]:
    """The sweep grid 9/10 * 10^(-k/4) (exact, multipliers of :func:`.sn_common.tail_etas`),
    descending, restricted to ``admissible`` step sizes."""
    out = []
    for k in range(MAX_DECADES * PER_DECADE + 1):
        m, r = divmod(k, PER_DECADE)
        mult = F(1) if r == 0 else F(10 ** -(r / PER_DECADE)).limit_denominator(60)
        p = ETA_TOP * mult / 10**m
        if admissible(p):
            out.append(p)
    return out


def window_top(gq: Fraction, k: int = 10, hi: Fraction = HALF) -> Callable[[Fraction], bool]:
    """eta for which the window k eta^gq <= delta < hi is non-empty: k eta^gq < hi."""
    return lambda p: k * float(p) ** float(gq) < float(hi)


def _event_time(tr: Trace, level) -> int:
    """The first t with delta_t < level (the run's length for the claim), or the run's length."""
    t = tr.first_delta_below(level) if tr.monotone else None
    return tr.n - 1 if t is None else t


def _predict(done: list[tuple[Fraction, int]], p: Fraction) -> float | None:
    """Steps at ``p`` extrapolated from the last two runs (power law in eta)."""
    if len(done) < 2:
        return None
    (p1, n1), (p2, n2) = done[-2], done[-1]
    if n1 <= 0 or n2 <= n1:
        return float(n2)
    k = math.log(n2 / n1) / math.log(float(p1 / p2))
    return n2 * float(p2 / p) ** k


def _needs(done: list[tuple[Fraction, int]], first_usable: Fraction | None) -> str:
    """What MIN_DECADES / TARGET_DECADES of usable points would need (extrapolated run length)."""
    if first_usable is None or len(done) < 2:
        return ""
    out = []
    for dec in (MIN_DECADES, TARGET_DECADES):
        p = first_usable / 10**dec
        if p >= done[-1][0]:
            continue
        n = _predict(done, p)
        if n is None:
            continue
        where = next((b for b in ("standard", "deep") if n <= step_cap(b)), None)
        out.append(f"{dec} decades need eta down to {float(p):.3g} (~{n:.2g} steps per run: "
                   + (f"--budget {where})" if where else f"beyond --budget deep's cap of {step_cap('deep'):,} "
                      "steps per run)"))
    return "; ".join(out)


def trace_sweep(ctx: Context, loss: Loss, measure: Callable[[Trace, Fraction], object], label: str, family: str, *,
                level: Callable[[Fraction], object], admissible: Callable[[Fraction], bool], hyp_text: str,
                gamma: Fraction, event: str) -> Outcome:
    """engines.growth of ``measure(trace, eta)`` along eta -> 0 (see the module docstring).

    ``level(eta)``: the run is extended until delta_t < level (the claim's window has closed);
    ``admissible(eta)``: the claim's hypotheses can hold at eta (grid restriction);
    ``measure`` returns None where the window is empty or was not reached."""
    cap = step_cap(ctx.budget.name)
    stop_span = STOP_DECADES.get(ctx.budget.name, MIN_DECADES)
    dps0 = ctx.dps

    def trace(p: Fraction) -> Trace:
        return trace_until(loss, XT, YT, gamma, p, delta_below=level(p), max_steps=cap)

    def reached(tr: Trace, p: Fraction) -> bool:
        return tr.stopped != "running" or tr.delta(tr.n - 1) < mp.mpf(level(p))

    # pre-pass at the working precision: which grid points fit the step cap
    done: list[tuple[Fraction, int]] = []
    values: dict[Fraction, object] = {}
    stop_note = ""
    pts = grid(admissible)
    with mp.workdps(dps0):
        for p in pts:
            pred = _predict(done, p)
            if pred is not None and pred > cap:
                stop_note = f"the next grid point {p} would need ~{pred:.2g} steps (> the step cap {cap:,})"
                break
            tr = trace(p)
            if not reached(tr, p):
                stop_note = f"the run at {p} does not close the window within the step cap {cap:,}"
                break
            done.append((p, _event_time(tr, level(p))))
            v = measure(tr, p)
            values[p] = None if v is None else mp.mpf(v)
            top = next((q for q, _ in done if values.get(q) is not None), None)
            if top is not None and values[p] is not None and math.log10(top / p) >= stop_span - 1e-9:
                break  # the usable points span what the budget aims for
    nxt = next((q for q in pts if q < done[-1][0]), None) if done and not stop_note else None
    params = [p for p, _ in done]
    first_usable = next((p for p in params if values.get(p) is not None), None)
    unresolved: list[str] = []
    first: list = []

    def at(p: Fraction, d: int):
        if d == dps0 and p in values:
            return values[p]
        with mp.workdps(d):
            tr = trace(p)
            if not reached(tr, p):
                return None
            v = measure(tr, p)
            return None if v is None else mp.mpf(v)

    def ratio(p: Fraction, dps: int):
        return escalated(at, p, dps, dps0, first, unresolved)

    rng = (f"{params[0]} .. {params[-1]} ({len(params)} points, {math.log10(params[0] / params[-1]):.2f} decades)"
           if params else "none")
    needs = _needs(done, first_usable) if stop_note else ""
    if nxt is not None:  # stopped at the decade target: what one more point would cost
        n = _predict(done, nxt)
        if n is not None:
            if STOP_DECADES["deep"] > stop_span and n <= step_cap("deep"):
                where = f"--budget deep runs it (it sweeps to {STOP_DECADES['deep']} decades)"
            elif n <= step_cap("deep"):
                where = f"within the step cap, but no budget sweeps past {stop_span} decades"
            else:
                where = f"beyond --budget deep's cap of {step_cap('deep'):,}"
            needs = f"the next grid point {nxt} needs ~{n:.2g} steps per run: {where}"
    fam = (f"{family}; eta = 9/10 * 10^(-k/4) where {hyp_text}: {rng}; runs until {event}, at most {cap:,} steps "
           f"per run (--budget {ctx.budget.name}), down to {stop_span} decades of usable points"
           + (f"; {stop_note}" if stop_note else "") + (f"; {needs}" if needs else ""))
    out = engines.growth(params, ratio, ctx, label=f"{label} [{loss.name}]", family=fam, min_decades=MIN_DECADES,
                         inputs_of=lambda p: loss_inputs(loss, eta=p, gamma=gamma, **{"x~": XT, "y~": YT}))
    out.details["loss"] = loss.formula()
    out.details["steps until the window closes (eta: steps)"] = [f"{p}: {n}" for p, n in done]
    if unresolved:
        out.details["points dropped: not resolved by precision escalation (chaotic bouncing phase)"] = unresolved
    _note_missing_points(out, cap, params)
    return out
