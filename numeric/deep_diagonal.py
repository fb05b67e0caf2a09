"""Depth-L diagonal networks on least squares 1/2 |y - A w|^2 (float64, scipy Radau).

The shared two-layer model lives in :mod:`numeric.diagonal_network` (theta = u * v); the
survey's depth-L variants need their own fields:

* :func:`gf_power_difference` - w = u^L - v^L (entrywise), u(0) = v(0) = eps * 1 (Woodworth et
  al.), returning w at the end of the flow.
* :func:`gf_product` - w = w_1 * ... * w_L with w_l(0) = eps * a (l < L), w_L(0) = 0 (Yun et al.).
* :func:`gf_psd_diagonal` - s_i >= 0 with ds/dt = 4 s * (C^T r): the eigenvalues of U U^T in the
  common eigenbasis of commuting symmetric measurements (matrix sensing), s(0) = alpha.

Every run integrates until the residual |A w - y| <= tol, doubling the horizon.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.integrate import solve_ivp

from .dynamics import SimulationDiverged


def _until(field: Callable, z0: np.ndarray, residual: Callable[[np.ndarray], float], tol: float,
           t_start: float, t_max: float) -> np.ndarray:
    z, t, span = np.asarray(z0, float), 0.0, t_start
    while True:
        sol = solve_ivp(field, (0.0, span), z, method="Radau", rtol=1e-11, atol=1e-14)
        if not sol.success:
            raise SimulationDiverged(f"solve_ivp failed: {sol.message}")
        z = sol.y[:, -1]
        t += span
        if residual(z) <= tol:
            return z
        if t > t_max:
            raise SimulationDiverged(f"residual {residual(z):.3g} > {tol:g} at t = {t:.3g}")
        span *= 2


def gf_power_difference(A: np.ndarray, y: np.ndarray, L: int, eps: float, tol: float = 1e-10,
                        t_max: float = 1e12) -> np.ndarray:
    d = A.shape[1]

    def w_of(z):
        return z[:d] ** L - z[d:] ** L

    def field(_t, z):
        u, v = z[:d], z[d:]
        g = A.T @ (y - A @ w_of(z))  # -grad_w
        return np.concatenate([L * u ** (L - 1) * g, -L * v ** (L - 1) * g])

    z = _until(field, np.full(2 * d, eps), lambda z: float(np.linalg.norm(A @ w_of(z) - y)), tol, 10.0, t_max)
    return w_of(z)


def gf_product(A: np.ndarray, y: np.ndarray, L: int, eps: float, a: np.ndarray, tol: float = 1e-10,
               t_max: float = 1e12) -> np.ndarray:
    d = A.shape[1]

    def layers(z):
        return [z[l * d:(l + 1) * d] for l in range(L)]

    def w_of(z):
        return np.prod(layers(z), axis=0)

    def field(_t, z):
        ws = layers(z)
        g = A.T @ (y - A @ np.prod(ws, axis=0))
        out = []
        for l in range(L):
            others = np.prod([ws[m] for m in range(L) if m != l], axis=0)
            out.append(others * g)
        return np.concatenate(out)

    z0 = np.concatenate([eps * a] * (L - 1) + [np.zeros(d)])
    z = _until(field, z0, lambda z: float(np.linalg.norm(A @ w_of(z) - y)), tol, 10.0, t_max)
    return w_of(z)


def gf_psd_diagonal(C: np.ndarray, y: np.ndarray, alpha: float, tol: float = 1e-10,
                    t_max: float = 1e12) -> np.ndarray:
    d = C.shape[1]

    def field(_t, s):
        return 4 * s * (C.T @ (y - C @ s))

    return _until(field, np.full(d, alpha), lambda s: float(np.linalg.norm(C @ s - y)), tol, 10.0, t_max)
