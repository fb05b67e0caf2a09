"""Exact points where a sampled verdict could mislead, drawn before the ordinary samples:

* the **equality set** of a strict inequality (slack = 0, solved by SymPy for one input at
  sampled values of the others): an exact zero there refutes the strict claim;
* the **boundary of every closed assumption** (``<=``/``>=``, solved for one input): exact
  boundary points, and rational points within 10^-k of an irrational boundary on the inside
  (a cap such as sqrt(2) + 10^-30 leaves a sliver that only such points reach);
* **unbounded directions**: every input that no assumption bounds, set to +-10^k for k up to
  ``MAX_DECADE`` (exact integers), plus SymPy's limit of the slack along that direction (a
  slack tending to -oo is false far out even when no representable point shows it), and, when
  the slack has constants beyond ~10^4000 (``exp(exp(100))``, ``cosh(10**5)``), points given
  symbolically beyond them (``a1 = 2*exp(exp(100))``; :mod:`.witness`, decided by arb balls).

Every point is tested for exact membership of the region before it is used; the solving runs
under a small time budget so that a hard equation costs a second, not the run.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath as mp
import sympy as sp

from ..claim import TimeLimitReached
from ..regions import Region, rel_parts
from . import witness

Point = dict[sp.Symbol, Fraction]

MAX_DECADE = 4096  # |x| up to 10^4096 along unbounded directions
SOLVE_SECONDS = 2.0  # total budget for SymPy's solve per relation
APPROX_DIGITS = (12, 40, 80)  # rational points within 10^-k of an irrational boundary
MAX_OPS = 120  # larger slacks are not handed to the solver


@dataclass
class Probes:
    """Probe points with the reason each was drawn, and what the probing covered."""

    points: list[tuple[str, Point]] = field(default_factory=list)
    equality: int = 0
    boundary: int = 0
    decades: int = 0  # largest k with a probe at 10^k
    symbolic: int = 0  # points given symbolically beyond every rational probe
    limits: list[str] = field(default_factory=list)  # "slack -> -oo as x -> oo at ..."

    def add(self, why: str, p: Point | None, region: Region) -> bool:
        if p is None:
            return False
        if witness.has_symbolic(p):
            q = witness.complete(region, p)
            if q is None or not witness.contains(region, q) or any(q == old for _, old in self.points):
                return False
            self.points.append((why, q))
            return True
        q = region.complete(p) if region.solved else (p if region.contains(p) else None)
        if q is None or any(q == old for _, old in self.points):
            return False
        self.points.append((why, q))
        return True

    def coverage(self) -> str:
        parts = []
        if self.equality:
            parts.append(f"{self.equality} points on the equality set slack = 0")
        if self.boundary:
            parts.append(f"{self.boundary} points on or just inside closed assumption boundaries")
        if self.decades:
            parts.append(f"unbounded inputs probed up to 10^{self.decades}")
        if self.symbolic:
            parts.append(f"{self.symbolic} points beyond the claim's huge constants (exact "
                         "symbolic values, ball arithmetic)")
        return "; ".join(parts)


def _deadline(seconds: float) -> float:
    return time.monotonic() + seconds


def _solve(expr: sp.Expr, s: sp.Symbol, until: float) -> list[sp.Expr]:
    """Real solutions of expr = 0 for s (empty when SymPy cannot solve it in the budget)."""
    if time.monotonic() > until or sp.count_ops(expr) > MAX_OPS:
        return []
    try:
        sols = _with_alarm(lambda: sp.solve(sp.Eq(expr, 0), s, dict=False), until)
    except TimeLimitReached:
        raise  # the run's own time limit: never swallowed
    except Exception:  # noqa: BLE001 - the solver is an aid: any failure means "no points"
        return []
    out = []
    for sol in sols or []:
        if isinstance(sol, sp.Basic) and not sol.has(sp.I):
            out.append(sol)
    return out[:4]


class _Timeout(Exception):
    pass


def _with_alarm(fn, until: float):
    """Run fn with a SIGALRM deadline when possible (main thread, Unix); else just run it."""
    import signal
    import threading

    left = until - time.monotonic()
    if left <= 0:
        raise _Timeout
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return fn()

    def handler(signum, frame):
        raise _Timeout

    prev = signal.getitimer(signal.ITIMER_REAL)[0]  # the run's time limit, if one is set
    if prev and prev <= left:
        return fn()  # the outer limit fires first; it stays in charge
    start = time.monotonic()
    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, max(left, 0.05))
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if prev:  # give the outer limit back what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(prev - (time.monotonic() - start), 0.01))


def _values_at(sol: sp.Expr, p: Point, inside_sign: int | None) -> list[Fraction]:
    """The solution at a point: exact if rational, else rational approximations (both sides,
    or only the inside when ``inside_sign`` says which side is inside)."""
    v = sol.xreplace({k: sp.Rational(x.numerator, x.denominator) for k, x in p.items()})
    if v.free_symbols or v.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or v.is_real is False:
        return []
    if v.is_Rational:
        return [Fraction(int(v.p), int(v.q))]
    try:
        with mp.workdps(120):
            x = mp.mpf(sp.N(v, 110))
            if not mp.isfinite(x) or abs(x) > mp.mpf(10) ** 50:
                return []
            out = []
            for k in APPROX_DIGITS:
                base = Fraction(mp.nstr(x, 110, min_fixed=-200, max_fixed=200)).limit_denominator(10**100)
                h = Fraction(1, 10**k)
                out += [base - h, base + h]
            return out
    except (TypeError, ValueError, ZeroDivisionError):
        return []


def probe(slack: sp.Expr, strict: bool, region: Region, seed: str, seconds: float = 4.0) -> Probes:
    """Probe points for ``slack >= 0`` (``> 0`` if strict) on ``region`` (see the module doc)."""
    out = Probes()
    rng = random.Random(seed)
    until = _deadline(seconds)
    bases: list[Point] = []
    for i in range(24):
        p = region.draw(rng, i, simple=i < 12)  # small rationals first: readable witnesses
        if p is not None and p not in bases:
            bases.append(p)
        if len(bases) >= 6:
            break
    if not bases:
        return out
    free = [s for s in region.free if s in slack.free_symbols or any(
        s in r.free_symbols for r in region.relations)]
    # 1. the equality set of a strict inequality
    if strict:
        for s in sorted(set(free) & slack.free_symbols, key=lambda v: (v != region.eta, str(v))):
            for sol in _solve(slack, s, until):
                for b in bases:
                    for v in _values_at(sol, {k: x for k, x in b.items() if k != s}, None)[:2]:
                        out.equality += out.add("equality set", {**b, s: v}, region)
    # 2. boundaries of closed assumptions
    for rel in region.relations:
        g, op = rel_parts(rel)
        if op not in ("<=", ">="):
            continue
        for s in sorted(set(free) & g.free_symbols, key=lambda v: (v != region.eta, str(v)))[:2]:
            for sol in _solve(g, s, until):
                for b in bases:
                    for v in _values_at(sol, {k: x for k, x in b.items() if k != s}, None):
                        out.boundary += out.add("assumption boundary", {**b, s: v}, region)
    # 3. unbounded directions (exact integers +-10^k), and the limit of the slack
    decades = [3, 6, 12, 25, 50, 100, 200, 400, 800, 1600, MAX_DECADE]
    huge = witness.huge_constants(slack)
    for s in free:
        if s is region.eta and region.eta_constrained:
            continue
        b = bases[0]
        signs = (1,) if s in region.positive else (1, -1)
        for sign in signs:
            inside_far_out = False
            for k in decades:
                p = {**b, s: Fraction(sign * 10**k)}
                inside_far_out = region.contains(p)
                if out.add("large scale", p, region):
                    out.decades = max(out.decades, k)
            if not inside_far_out:
                continue  # the assumptions bound this direction: no limit along it
            for k in huge:
                for v in witness.huge_values(k, sign):
                    out.symbolic += out.add("beyond a huge constant", {**b, s: v}, region)
            lim = _limit(slack, s, sign, b, until)
            if lim is not None and (lim == -sp.oo or (lim.is_number and lim.is_negative)):
                out.limits.append(f"slack -> {lim} as {s} -> {'+' if sign > 0 else '-'}oo "
                                  f"(SymPy limit, other inputs at {_fmt(b, s)})")
    return out


def _limit(slack: sp.Expr, s: sp.Symbol, sign: int, b: Point, until: float):
    e = slack.xreplace({k: sp.Rational(x.numerator, x.denominator) for k, x in b.items() if k != s})
    if e.free_symbols != {s} or sp.count_ops(e) > MAX_OPS:
        return None
    try:
        return _with_alarm(lambda: sp.limit(e, s, sign * sp.oo), until)
    except TimeLimitReached:
        raise
    except Exception:  # noqa: BLE001 - an aid, like the solver
        return None


def _fmt(b: Point, s: sp.Symbol) -> str:
    return ", ".join(f"{k}={v}" for k, v in b.items() if k != s) or "-"
