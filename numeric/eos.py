"""Edge-of-stability runs in mpmath.

* :func:`exp_valley_gd` - GD on exp(-theta_1) theta_2^2 in the exact reduced coordinates
  (lambda = 2 exp(-theta_1), theta_2): lambda+ = lambda exp(-eta lambda theta_2^2 / 2),
  theta_2+ = (1 - eta lambda) theta_2 (the survey's eq. (45); derived in the tests from the
  loss).
* :func:`gd` - plain GD for a 2-D loss given its gradient, with the Hessian's top
  eigenvalue along the way.
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath as mp

from numeric.dynamics import SimulationDiverged


def exp_valley_gd(lam0, th2_0, eta, steps: int) -> list[tuple]:
    """[(lambda_t, theta2_t)] for t = 0..steps."""
    lam, th = mp.mpf(lam0), mp.mpf(th2_0)
    out = [(lam, th)]
    for _ in range(steps):
        lam, th = lam * mp.exp(-eta * lam * th**2 / 2), (1 - eta * lam) * th
        if not mp.isfinite(th) or abs(th) > 1e50:
            raise SimulationDiverged("exp-valley GD diverged")
        out.append((lam, th))
    return out


def gd(grad: Callable, x0, eta, steps: int) -> list[list]:
    x = [mp.mpf(v) for v in x0]
    out = [x]
    for _ in range(steps):
        g = grad(*x)
        x = [a - eta * b for a, b in zip(x, g, strict=True)]
        if any(not mp.isfinite(v) or abs(v) > 1e50 for v in x):
            raise SimulationDiverged("GD diverged")
        out.append(x)
    return out


def top_eig_2x2(H) -> tuple:
    """Largest eigenvalue and a unit eigenvector of a symmetric 2x2 matrix [[a, b], [b, c]]."""
    a, b, c = H[0][0], H[0][1], H[1][1]
    lam = (a + c) / 2 + mp.sqrt((a - c) ** 2 / 4 + b**2)
    if b == 0:
        return lam, ((1, 0) if a >= c else (0, 1))
    v = (b, lam - a)
    n = mp.sqrt(v[0] ** 2 + v[1] ** 2)
    return lam, (v[0] / n, v[1] / n)
