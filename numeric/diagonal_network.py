"""Diagonal linear networks theta = u * v on least squares: GF and GD simulators.

Loss L(u, v) = ||y - X (u*v)||^2 / (2n); GF du/dt = -v * g, dv/dt = -u * g with
g = grad R(u*v) = -X^T r / n, r = y - X (u*v).  Never imports ``theorems``.

* :func:`gf_scipy` - float64 integration with scipy ``solve_ivp`` (Radau with the analytic
  Jacobian, or DOP853) on (u, v); :func:`gf_until_interpolating` doubles the horizon until
  ||X theta - y|| <= tol and returns the final state and the trajectory.
* :func:`gf_mp` - mpmath Taylor integrator (small d, moderate horizons), any precision.
* :func:`gd_run` - GD on (u, v) in mpmath; :func:`init_scale` - the init family
  u_0 = c 1, v_0 = 0.
* :func:`conserved` - I = (u^2 - v^2)/2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mpmath as mp
import numpy as np
from scipy.integrate import solve_ivp

from .dynamics import SimulationDiverged


@dataclass
class Trajectory:
    """t (k,), u (k, d), v (k, d) as float arrays; ``residual`` ||X u*v - y|| at the end."""

    t: np.ndarray
    u: np.ndarray
    v: np.ndarray
    residual: float

    @property
    def theta(self) -> np.ndarray:
        return self.u * self.v

    @property
    def final_theta(self) -> np.ndarray:
        return self.u[-1] * self.v[-1]


def _field(X: np.ndarray, y: np.ndarray):
    n, d = X.shape

    def f(_t, z):
        u, v = z[:d], z[d:]
        g = -X.T @ (y - X @ (u * v)) / n
        return np.concatenate([-v * g, -u * g])

    def jac(_t, z):
        u, v = z[:d], z[d:]
        g = -X.T @ (y - X @ (u * v)) / n
        S = X.T @ X / n  # d g / d theta
        dg_du = S * v[None, :]
        dg_dv = S * u[None, :]
        J = np.zeros((2 * d, 2 * d))
        J[:d, :d] = -v[:, None] * dg_du
        J[:d, d:] = -np.diag(g) - v[:, None] * dg_dv
        J[d:, :d] = -np.diag(g) - u[:, None] * dg_du
        J[d:, d:] = -u[:, None] * dg_dv
        return J

    return f, jac


def gf_scipy(X: np.ndarray, y: np.ndarray, u0: np.ndarray, v0: np.ndarray, t_end: float,
             rtol: float = 1e-11, atol: float = 1e-14, method: str = "Radau",
             t_eval: Sequence[float] | None = None) -> Trajectory:
    """GF on (u, v) from (u0, v0) up to t_end (float64)."""
    f, jac = _field(X, y)
    z0 = np.concatenate([u0, v0]).astype(float)
    kw = {"jac": jac} if method in ("Radau", "BDF", "LSODA") else {}
    sol = solve_ivp(f, (0.0, t_end), z0, method=method, rtol=rtol, atol=atol, t_eval=t_eval, **kw)
    if not sol.success:
        raise SimulationDiverged(f"solve_ivp failed: {sol.message}")
    d = X.shape[1]
    u, v = sol.y[:d].T, sol.y[d:].T
    res = float(np.linalg.norm(X @ (u[-1] * v[-1]) - y))
    return Trajectory(sol.t, u, v, res)


def gf_until_interpolating(X: np.ndarray, y: np.ndarray, u0: np.ndarray, v0: np.ndarray,
                           tol: float = 1e-12, t_start: float = 10.0, t_max: float = 1e9,
                           rtol: float = 1e-11, atol: float = 1e-14, method: str = "Radau") -> Trajectory:
    """Integrate the GF, restarting from the last state with a doubled horizon, until the
    residual ||X theta - y|| <= tol (raises SimulationDiverged beyond t_max)."""
    u, v = np.asarray(u0, float), np.asarray(v0, float)
    ts, us, vs = [np.array([0.0])], [u[None, :]], [v[None, :]]
    t_off, span = 0.0, t_start
    while True:
        tr = gf_scipy(X, y, u, v, span, rtol=rtol, atol=atol, method=method)
        ts.append(tr.t[1:] + t_off)
        us.append(tr.u[1:])
        vs.append(tr.v[1:])
        u, v = tr.u[-1], tr.v[-1]
        t_off += span
        if tr.residual <= tol:
            return Trajectory(np.concatenate(ts), np.vstack(us), np.vstack(vs), tr.residual)
        if t_off > t_max:
            raise SimulationDiverged(f"residual {tr.residual:.3g} > {tol:g} at t = {t_off:.3g}")
        span *= 2


def gf_mp(X: mp.matrix, y: mp.matrix, u0: Sequence, v0: Sequence, times: Sequence) -> list[tuple[list, list]]:
    """GF at the given increasing times with mpmath's Taylor integrator (current precision)."""
    n, d = X.rows, X.cols

    def field(_t, z):
        u, v = z[:d], z[d:]
        th = mp.matrix([u[j] * v[j] for j in range(d)])
        g = -(X.T * (y - X * th)) / n
        return [-v[j] * g[j] for j in range(d)] + [-u[j] * g[j] for j in range(d)]

    sol = mp.odefun(field, 0, [mp.mpf(a) for a in u0] + [mp.mpf(b) for b in v0])
    out = []
    for t in times:
        z = list(sol(t))
        out.append((z[:d], z[d:]))
    return out


def gd_run(X: mp.matrix, y: mp.matrix, u0: Sequence, v0: Sequence, eta, steps: int) -> list[tuple[list, list]]:
    """GD on (u, v) (mpmath): u+ = u - eta v*g, v+ = v - eta u*g; every iterate."""
    n, d = X.rows, X.cols
    u, v = [mp.mpf(a) for a in u0], [mp.mpf(b) for b in v0]
    out = [(list(u), list(v))]
    for _ in range(steps):
        th = mp.matrix([u[j] * v[j] for j in range(d)])
        g = -(X.T * (y - X * th)) / n
        u, v = [u[j] - eta * v[j] * g[j] for j in range(d)], [v[j] - eta * u[j] * g[j] for j in range(d)]
        if any(not mp.isfinite(a) or abs(a) > 1e60 for a in u + v):
            raise SimulationDiverged("GD on the diagonal network diverged")
        out.append((list(u), list(v)))
    return out


def conserved(u: Sequence, v: Sequence) -> list:
    """I = (u^2 - v^2)/2 entrywise."""
    return [(a * a - b * b) / 2 for a, b in zip(u, v, strict=True)]


def init_scale(d: int, c: float) -> tuple[np.ndarray, np.ndarray]:
    """u_0 = c 1_d, v_0 = 0 (Loureiro (3.29) has c = sqrt(2 alpha); c = sqrt(2) alpha gives I = alpha^2)."""
    return np.full(d, float(c)), np.zeros(d)
