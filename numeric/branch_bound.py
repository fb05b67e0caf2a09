"""Branch and bound in arb ball arithmetic: f > 0 (or >= 0) on a whole box.

The box is split into pieces; on each piece ``f`` is enclosed rigorously with python-flint
``arb`` balls, both directly (interval evaluation) and by the mean-value form
``f(X) in f(c) + sum_i df/dx_i(X) (X_i - c_i)``; the tighter lower bound is used.  A piece is
done when the enclosure is certainly positive (certainly >= 0 for a non-strict claim), when the
monotonicity test shows f is smallest at a corner where it is certainly positive (>= 0), or when
a constraint is certainly violated on the whole piece (the piece lies outside the region).  The
box is PROVED when every piece is done.  Otherwise the smallest piece left open is returned as a
seed for a counterexample search (and, if ``f`` is certainly negative at its centre while every
constraint certainly holds there, as a candidate counterexample).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp
from flint import arb, ctx, fmpq

from .ball import _ev

Box = dict[sp.Symbol, tuple[Fraction, Fraction]]


@dataclass
class BoxResult:
    proved: bool
    pieces: int  # pieces examined
    box: Box
    reason: str = ""
    open_piece: Box | None = None  # smallest piece where positivity was not shown
    violation_at: dict[sp.Symbol, Fraction] | None = None  # centre with f certainly < 0 there
    seconds: float = 0.0
    notes: dict = field(default_factory=dict)


def _interval(lo: Fraction, hi: Fraction) -> arb:
    return arb(fmpq(lo.numerator, lo.denominator)).union(arb(fmpq(hi.numerator, hi.denominator)))


def _point(x: Fraction) -> arb:
    return arb(fmpq(x.numerator, x.denominator))


def _centre(piece: Box) -> dict[sp.Symbol, Fraction]:
    return {s: (lo + hi) / 2 for s, (lo, hi) in piece.items()}


def _volume_key(piece: Box, box: Box) -> Fraction:
    out = Fraction(1)
    for s, (lo, hi) in piece.items():
        w = box[s][1] - box[s][0]
        out *= (hi - lo) / w if w else Fraction(1)
    return out


def prove_on_box(
    expr: sp.Expr,
    box: Mapping[sp.Symbol, tuple[Fraction, Fraction]],
    *,
    strict: bool,
    constraints: Sequence[sp.Basic] = (),
    max_pieces: int = 4000,
    time_limit: float = 4.0,
    prec_bits: int = 120,
) -> BoxResult:
    """Show ``expr > 0`` (strict) / ``>= 0`` at every point of ``box`` satisfying ``constraints``.

    ``box`` maps each free symbol to closed rational bounds (lo, hi).  ``constraints`` are SymPy
    relations; they only remove pieces on which they certainly fail, so ignoring one is sound.
    """
    t0 = time.perf_counter()
    box = {s: (Fraction(lo), Fraction(hi)) for s, (lo, hi) in box.items()}
    expr = sp.sympify(expr)
    missing = expr.free_symbols - set(box)
    if missing:
        raise ValueError(f"box does not bound {sorted(map(str, missing))}")
    if any(lo > hi for lo, hi in box.values()):
        raise ValueError("empty box")
    syms = list(box)
    grads = [sp.diff(expr, s) for s in syms]
    cons = []
    for c in constraints:
        c = sp.sympify(c)
        if isinstance(c, sp.StrictGreaterThan | sp.GreaterThan):
            cons.append((c.lhs - c.rhs, isinstance(c, sp.StrictGreaterThan)))
        elif isinstance(c, sp.StrictLessThan | sp.LessThan):
            cons.append((c.rhs - c.lhs, isinstance(c, sp.StrictLessThan)))
        # other relations (==, !=): ignored, which only enlarges the region (sound)
    old = ctx.prec
    ctx.prec = prec_bits
    try:
        return _run(expr, grads, syms, box, cons, strict, max_pieces, time_limit, t0)
    finally:
        ctx.prec = old


def _ok(v: arb, strict: bool) -> bool:
    return bool(v > 0) if strict else bool(v >= 0)


def _lower_enclosure(expr, grads, syms, piece: Box) -> arb:
    env = {s: _interval(*piece[s]) for s in syms}
    try:
        direct = _ev(expr, env)
    except (ZeroDivisionError, ValueError):  # e.g. an exact 0 in a denominator: undecided here
        return arb("nan")
    c = _centre(piece)
    try:
        mv = _ev(expr, {s: _point(c[s]) for s in syms})
        for s, g in zip(syms, grads, strict=True):
            lo, hi = piece[s]
            if lo == hi:
                continue
            mv += _ev(g, env) * _interval(lo - c[s], hi - c[s])
    except (ZeroDivisionError, ValueError):
        return direct
    # both enclose f(piece); their intersection does too
    if not direct.is_finite():
        return mv
    if not mv.is_finite():
        return direct
    try:
        return direct.intersection(mv)
    except ValueError:  # disjoint enclosures cannot happen mathematically; keep the direct one
        return direct


def _run(expr, grads, syms, box, cons, strict, max_pieces, time_limit, t0) -> BoxResult:
    import heapq

    heap: list[tuple[Fraction, int, Box]] = [(-Fraction(1), 0, dict(box))]  # widest piece first
    stuck: list[Box] = []  # pieces already at the resolution limit
    pieces = discarded = counter = monotone = 0
    diffs: dict[tuple[sp.Expr, sp.Symbol], sp.Expr] = {}
    while heap:
        if pieces >= max_pieces or time.perf_counter() - t0 > time_limit:
            open_pieces = [p for _, _, p in heap] + stuck
            smallest = min(open_pieces, key=lambda p: _volume_key(p, box))
            return BoxResult(False, pieces, box, open_piece=smallest,
                             reason=f"{len(open_pieces)} piece(s) still open after {pieces} pieces "
                             f"({'piece' if pieces >= max_pieces else 'time'} limit)",
                             seconds=time.perf_counter() - t0)
        _, _, piece = heapq.heappop(heap)
        pieces += 1
        env = {s: _interval(*piece[s]) for s in syms}
        outside = False
        for g, g_strict in cons:
            try:
                gv = _ev(g, env)
            except (ZeroDivisionError, ValueError):
                continue  # undecided: keep the piece
            if (g_strict and bool(gv <= 0)) or (not g_strict and bool(gv < 0)):
                outside = True
                break
        if outside:
            discarded += 1
            continue
        val = _lower_enclosure(expr, grads, syms, piece)
        if _ok(val, strict):
            continue
        if _monotone_ok(expr, syms, piece, strict, _MONOTONE_DEPTH, diffs):
            monotone += 1
            continue
        c = _centre(piece)
        at_c = {s: _point(c[s]) for s in syms}
        try:
            cv = _ev(expr, at_c)
            inside = all(bool(_ev(g, at_c) > 0) if gs else bool(_ev(g, at_c) >= 0) for g, gs in cons)
        except (ZeroDivisionError, ValueError):
            cv, inside = arb("nan"), False
        if inside and (bool(cv < 0) or (strict and cv.is_exact() and cv == 0)):
            return BoxResult(False, pieces, box, open_piece=piece, violation_at=c,
                             reason=f"f = {cv.str(10)} at the centre of a piece (inside the region)",
                             seconds=time.perf_counter() - t0)

        widths = {s: _rel_width(piece, box, s) for s in syms}
        s = max(syms, key=widths.__getitem__)  # split the widest side (relative to the box)
        if widths[s] <= _MIN_REL_WIDTH:
            stuck.append(piece)
            continue
        lo, hi = piece[s]
        mid = (lo + hi) / 2
        for half in ((lo, mid), (mid, hi)):
            child = dict(piece)
            child[s] = half
            counter += 1
            heapq.heappush(heap, (-_volume_key(child, box), counter, child))
    if stuck:
        smallest = min(stuck, key=lambda p: _volume_key(p, box))
        return BoxResult(False, pieces, box, open_piece=smallest,
                         reason=f"{len(stuck)} piece(s) of relative width <= 2^-24 are still not "
                         f"certainly {'positive' if strict else 'non-negative'} (the slack may "
                         "touch 0 there)", seconds=time.perf_counter() - t0)
    return BoxResult(True, pieces, box, reason=f"all {pieces} pieces certainly "
                     f"{'positive' if strict else 'non-negative'} or outside the region "
                     f"({discarded} outside"
                     + (f"; {monotone} by the monotonicity test" if monotone else "") + ")",
                     seconds=time.perf_counter() - t0,
                     notes={"outside_pieces": discarded, "monotone_pieces": monotone})


_MIN_REL_WIDTH = Fraction(1, 2**24)
_MONOTONE_DEPTH = 2  # derivatives of order up to 3 in the monotonicity test


def _monotone_ok(expr: sp.Expr, syms: list[sp.Symbol], piece: Box, strict: bool, depth: int,
                 diffs: dict) -> bool:
    """The monotonicity test: if every partial derivative of f has a certain sign on the piece
    (shown by its enclosure, or recursively by this test on the derivative, ``depth`` levels
    down), f is smallest at one corner of the piece (a box), so f >= (>) 0 there at an exact
    corner point suffices.  This closes pieces where f touches 0 at a corner (f(0) = 0 with
    f' >= 0), which no enclosure of f itself can certify."""
    env = {s: _interval(*piece[s]) for s in syms}
    corner: dict[sp.Symbol, Fraction] = {}
    for s in syms:
        lo, hi = piece[s]
        if lo == hi:
            corner[s] = lo
            continue
        key = (expr, s)
        if key not in diffs:
            diffs[key] = sp.diff(expr, s)
        d = diffs[key]
        try:
            dv = _ev(d, env)
        except (ZeroDivisionError, ValueError):
            return False
        if bool(dv >= 0):
            corner[s] = lo
        elif bool(dv <= 0):
            corner[s] = hi
        elif depth > 0 and _monotone_ok(d, syms, piece, False, depth - 1, diffs):
            corner[s] = lo
        elif depth > 0 and _monotone_ok(-d, syms, piece, False, depth - 1, diffs):
            corner[s] = hi
        else:
            return False
    try:
        value = _ev(expr, {s: _point(corner[s]) for s in syms})
    except (ZeroDivisionError, ValueError):
        return False
    return _ok(value, strict)


def _rel_width(piece: Box, box: Box, s: sp.Symbol) -> Fraction:
    w = box[s][1] - box[s][0]
    return (piece[s][1] - piece[s][0]) / w if w else Fraction(0)


def describe_box(box: Box) -> str:
    return ", ".join(f"{s} in [{lo}, {hi}]" for s, (lo, hi) in box.items())
