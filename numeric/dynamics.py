"""GD iteration and GF integration at chosen precision (mpmath).

Generic pieces work on any state vector; :mod:`numeric.shallow` specialises them for the
two-layer scalar linear network.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import mpmath as mp


class SimulationDiverged(ArithmeticError):
    """A simulated trajectory left every bounded region (or produced a non-finite value)."""


Vector = list  # list of mpf


def iterate(
    step: Callable[[Vector], Vector],
    x0: Sequence,
    steps: int,
    stop: Callable[[Vector], bool] | None = None,
    blowup: float = 1e60,
) -> list[Vector]:
    """x_{t+1} = step(x_t), up to ``steps`` steps or until ``stop(x_t)``; raises
    :class:`SimulationDiverged` if a coordinate exceeds ``blowup`` or is not finite."""
    xs = [list(x0)]
    x = list(x0)
    for t in range(steps):
        if stop is not None and stop(x):
            break
        x = step(x)
        for v in x:
            if not mp.isfinite(v) or abs(v) > blowup:
                raise SimulationDiverged(f"iterate {t + 1} has a coordinate of size {mp.nstr(v, 5)}")
        xs.append(x)
    return xs


def integrate_flow(
    field: Callable[[mp.mpf, Vector], Vector],
    y0: Sequence,
    times: Sequence,
    tol: mp.mpf | None = None,
) -> list[Vector]:
    """Solve dy/dt = field(t, y) with mpmath's Taylor-series integrator (error-controlled to
    the working precision, or ``tol``), returning y at each of ``times`` (increasing, from 0)."""
    solver = mp.odefun(lambda t, y: field(t, list(y)), 0, list(y0), tol=tol)
    out = []
    for t in times:
        y = solver(t)
        vals = list(y) if isinstance(y, list | tuple) else [y]
        for v in vals:
            if not mp.isfinite(v) or abs(v) > 1e60:
                raise SimulationDiverged(f"flow blew up before t = {mp.nstr(t, 5)}")
        out.append(vals)
    return out


def rk4_step(field: Callable[[mp.mpf, Vector], Vector], t, y: Vector, h) -> Vector:
    """One classical Runge-Kutta step of size h from (t, y)."""
    k1 = field(t, y)
    k2 = field(t + h / 2, [a + h / 2 * b for a, b in zip(y, k1, strict=True)])
    k3 = field(t + h / 2, [a + h / 2 * b for a, b in zip(y, k2, strict=True)])
    k4 = field(t + h, [a + h * b for a, b in zip(y, k3, strict=True)])
    return [a + h / 6 * (p + 2 * q + 2 * r + s) for a, p, q, r, s in zip(y, k1, k2, k3, k4, strict=True)]


def rk4_flow(
    field: Callable[[mp.mpf, Vector], Vector],
    y0: Sequence,
    t_end,
    h,
    record_every: int = 1,
) -> tuple[list, list[Vector]]:
    """Classical RK4 with fixed step h (for long horizons where odefun is slow).  Accuracy
    is O(h^4); callers that need error control compare two step sizes."""
    y = [mp.mpf(v) for v in y0]
    t = mp.mpf(0)
    ts, ys = [t], [list(y)]
    n = int(mp.ceil(mp.mpf(t_end) / h))
    for k in range(n):
        y = rk4_step(field, t, y, h)
        t += h
        if any(not mp.isfinite(v) or abs(v) > 1e60 for v in y):
            raise SimulationDiverged(f"flow blew up near t = {mp.nstr(t, 5)}")
        if (k + 1) % record_every == 0 or k == n - 1:
            ts.append(t)
            ys.append(list(y))
    return ts, ys
