"""The weight function g of Mulayoff-Michaeli-Soudry, eqs. (22)-(23), for the empirical law of
the data (X uniform on {x_1..x_n}), exactly.

    g^+(c) = P(X>c)^2 E[X-c | X>c] sqrt(1 + E[X | X>c]^2)                       (23)
           = E[(X-c)_+] sqrt(P(X>c)^2 + E[X 1{X>c}]^2)                           (equivalent form)
    g(c)   = min(g^-(c), g^+(c)) on [x_min, x_max], 0 outside                     (22)

and symmetrically g^-.  The inequalities are strict (``strict=False`` gives the non-strict
variant, used only to show that the choice matters at a knot on a data point).  g^+- = 0 when the
conditioning event has probability 0.  Values are ``A * sqrt(B)`` with A, B exact rationals;
they are evaluated in mpmath (current precision) or in arb balls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

import flint
import mpmath as mp

from .mms_relu import Net, knots

F = Fraction


def _side(c: Fraction, xs: Sequence[Fraction], side: str, strict: bool) -> list[Fraction]:
    if side == "+":
        return [x for x in xs if (x > c if strict else x >= c)]
    if side == "-":
        return [x for x in xs if (x < c if strict else x <= c)]
    raise ValueError("side must be '+' or '-'")


def g_side_parts(c: Fraction, xs: Sequence[Fraction], side: str, strict: bool = True) -> tuple[Fraction, Fraction]:
    """(A, B) with g^side(c) = A sqrt(B), from the equivalent form."""
    n = len(xs)
    sel = _side(c, xs, side, strict)
    if not sel:
        return F(0), F(0)
    A = sum((abs(x - c) for x in sel), F(0)) / n
    P = F(len(sel), n)
    E1 = sum(sel, F(0)) / n
    return A, P * P + E1 * E1


def g_side_definition(c: Fraction, xs: Sequence[Fraction], side: str, strict: bool = True) -> mp.mpf:
    """g^side(c) straight from (23): P^2 E[|X-c| | event] sqrt(1 + E[X | event]^2)."""
    n = len(xs)
    sel = _side(c, xs, side, strict)
    if not sel:
        return mp.mpf(0)
    P = F(len(sel), n)
    cond_gap = sum((abs(x - c) for x in sel), F(0)) / len(sel)
    cond_mean = sum(sel, F(0)) / len(sel)
    return _mpf(P * P * cond_gap) * mp.sqrt(1 + _mpf(cond_mean) ** 2)


def _mpf(q: Fraction) -> mp.mpf:
    return mp.mpf(q.numerator) / q.denominator


def in_support(c: Fraction, xs: Sequence[Fraction]) -> bool:
    return min(xs) <= c <= max(xs)


def g(c: Fraction, xs: Sequence[Fraction], strict: bool = True) -> mp.mpf:
    """(22) at an exact point c (mpmath, current precision)."""
    if not in_support(c, xs):
        return mp.mpf(0)
    vals = []
    for side in "-+":
        A, B = g_side_parts(c, xs, side, strict)
        vals.append(_mpf(A) * mp.sqrt(_mpf(B)))
    return min(vals)


def g_by_definition(c: Fraction, xs: Sequence[Fraction], strict: bool = True) -> mp.mpf:
    if not in_support(c, xs):
        return mp.mpf(0)
    return min(g_side_definition(c, xs, "-", strict), g_side_definition(c, xs, "+", strict))


def g_arb(c: Fraction, xs: Sequence[Fraction], strict: bool = True) -> flint.arb:
    """(22) as an arb ball.  The min of two balls is taken only when they are ordered; otherwise
    the union hull (still a rigorous enclosure)."""
    if not in_support(c, xs):
        return flint.arb(0)
    vals = []
    for side in "-+":
        A, B = g_side_parts(c, xs, side, strict)
        vals.append(_arb(A) * _arb(B).sqrt())
    a, b = vals
    if a < b:
        return a
    if b < a:
        return b
    return a.union(b)  # overlapping balls: an enclosure of min(a, b)


def _arb(q: Fraction) -> flint.arb:
    return flint.arb(flint.fmpq(q.numerator, q.denominator))


def weighted_curvature(net: Net, xs: Sequence[Fraction], strict: bool = True,
                       weight: Callable[..., mp.mpf] | None = None) -> mp.mpf:
    """W(f) = int |f''| g = sum over distinct knots c of |summed jump| g(c) (weak f'')."""
    wfun = weight or g
    return mp.fsum(_mpf(abs(s)) * wfun(c, xs, strict) for c, s in knots(net))


def weighted_curvature_arb(net: Net, xs: Sequence[Fraction], strict: bool = True) -> flint.arb:
    total = flint.arb(0)
    for c, s in knots(net):
        total += _arb(abs(s)) * g_arb(c, xs, strict)
    return total


# ----------------------------------------------------------------- population versions (Fig. 2)

def g_population(x, pdf: Callable, lo, hi) -> mp.mpf:
    """g for a population law with density ``pdf`` on (lo, hi), by quadrature of the
    conditional-expectation definitions (23)."""
    x = mp.mpf(x)
    if not (lo <= x <= hi):
        return mp.mpf(0)

    def side(a, b, sign):
        P = mp.quad(pdf, [a, b])
        if P == 0:
            return mp.mpf(0)
        gap = mp.quad(lambda t: sign * (t - x) * pdf(t), [a, b]) / P
        mean = mp.quad(lambda t: t * pdf(t), [a, b]) / P
        return P ** 2 * gap * mp.sqrt(1 + mean ** 2)

    return min(side(lo, x, -1), side(x, hi, 1))
