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


# ------------------------------------------------------------------ balanced two-layer GF (Bah et al. [22])

Y_BAL = ((Fraction(2), Fraction(1, 2)), (Fraction(0), Fraction(1)))  # target of l(W) = |W - Y|_F^2 / 2


def balanced_init(inst) -> tuple[list[list[Fraction]], list[list[Fraction]]]:
    """An exactly balanced 2 x 2 two-layer initialisation: W_1 from the instance, W_2 = R W_1^T
    with R the Cayley rotation of parameter r, times diag(1, -1) when ``flip`` (then
    det W_2 W_1 < 0); W_2^T W_2 = W_1 R^T R W_1^T = W_1 W_1^T."""
    a = inst["W1"]
    W1 = [[a[0], a[1]], [a[2], a[3]]]
    r = inst["r"]
    c, s = (1 - r * r) / (1 + r * r), 2 * r / (1 + r * r)
    R = [[c, -s], [s, c]]
    if inst["flip"]:
        R = [[R[0][0], -R[0][1]], [R[1][0], -R[1][1]]]
    W2 = [[sum(R[i][k] * W1[j][k] for k in range(2)) for j in range(2)] for i in range(2)]
    return W1, W2


def balanced_gf_end(inst, t_end: float = 400.0) -> dict[str, float]:
    """GF of l(W_2 W_1) = |W_2 W_1 - Y|_F^2 / 2 from :func:`balanced_init` (float64 Radau,
    rtol 1e-11): the parameter-gradient norm, the loss, det W and the imbalance at ``t_end``."""
    import numpy as np
    from scipy.integrate import solve_ivp

    W1, W2 = balanced_init(inst)
    Y = np.array([[float(x) for x in row] for row in Y_BAL])

    def grads(v):
        A, B = v[:4].reshape(2, 2), v[4:].reshape(2, 2)  # A = W_1, B = W_2
        G = B @ A - Y
        return B.T @ G, G @ A.T

    def field(_t, v):
        g1, g2 = grads(v)
        return -np.concatenate([g1.ravel(), g2.ravel()])

    v0 = np.array([float(x) for row in (*W1, *W2) for x in row])
    sol = solve_ivp(field, (0.0, t_end), v0, method="Radau", rtol=1e-11, atol=1e-13)
    v = sol.y[:, -1]
    g1, g2 = grads(v)
    A, B = v[:4].reshape(2, 2), v[4:].reshape(2, 2)
    W = B @ A
    return {"grad_norm": float(np.sqrt((g1**2).sum() + (g2**2).sum())), "loss": float(((W - Y) ** 2).sum() / 2),
            "det_W": float(np.linalg.det(W)), "imbalance": float(np.abs(B.T @ B - A @ A.T).max()),
            "ok": bool(sol.success)}
