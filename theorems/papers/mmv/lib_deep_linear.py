"""Deep-linear-network library: the shapes checked, exact instances for GD drift sweeps."""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import mpmath as mp

from numeric.linear_nets import deep_linear_gd, frob, imbalances

from .lib_common import mpmatrix

# (d_0, d_1, ..., d_L): the catalogue's 2 -> 3 -> 2 -> 2, a square depth-2 net, a rectangular
# bottleneck and a depth-4 net with widths 1 -> 2 -> 3 -> 2 -> 1.
SHAPES = ((2, 3, 2, 2), (2, 2, 2), (3, 1, 2), (1, 2, 3, 2, 1))

_W1 = (Fraction(1, 2), Fraction(-1, 3), Fraction(1, 4), Fraction(2, 3), Fraction(-1, 2), Fraction(1, 5))
_W2 = (Fraction(1, 3), Fraction(1, 2), Fraction(-1, 4), Fraction(2, 5), Fraction(-1, 3), Fraction(1, 2))
_W3 = (Fraction(3, 4), Fraction(-1, 5), Fraction(1, 3), Fraction(1, 2))
_X = (Fraction(1), Fraction(-1, 2), Fraction(1, 3), Fraction(1), Fraction(2, 3), Fraction(1, 4))
_Y = (Fraction(1), Fraction(0), Fraction(-1, 2), Fraction(1, 2), Fraction(1), Fraction(1, 3))


def gd_drift(eta: Fraction, horizon: Fraction = Fraction(1)) -> mp.mpf:
    """max_l |D_l(T) - D_l(0)|_F after T/eta GD steps on the 2 -> 3 -> 2 -> 2 network with
    loss 1/2 |Y - W_3 W_2 W_1 X|_F^2 (fixed exact weights and data, 3 samples)."""
    return _gd_drift(eta, horizon, mp.mp.dps)


@lru_cache(maxsize=32)
def _gd_drift(eta: Fraction, horizon: Fraction, dps: int) -> mp.mpf:
    Ws = [mpmatrix(_W1, 3, 2), mpmatrix(_W2, 2, 3), mpmatrix(_W3, 2, 2)]
    X, Y = mpmatrix(_X, 2, 3), mpmatrix(_Y, 2, 3)
    steps = int(horizon / eta)
    e = mp.mpf(eta.numerator) / eta.denominator
    run = deep_linear_gd(Ws, X, Y, e, steps)
    D0, DT = imbalances(run[0]), imbalances(run[-1])
    return max(frob(a - b) for a, b in zip(D0, DT, strict=True))

