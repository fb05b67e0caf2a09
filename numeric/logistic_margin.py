"""Logistic regression on separable data: GD direction vs the l2 max-margin classifier.

* :func:`max_margin` - the hard-margin SVM direction, solved independently as a QP with
  cvxpy (min |w|^2 / 2 s.t. y_i x_i.w >= 1).
* :func:`gd_directions` - GD on sum_i log(1 + exp(-y_i x_i.w)) from w = 0, float64
  (cheap, used over 10^5+ steps), returning the angle to a given direction at chosen steps.
* :func:`angle` - the angle between two vectors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def max_margin(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    import cvxpy as cp

    w = cp.Variable(X.shape[1])
    prob = cp.Problem(cp.Minimize(cp.sum_squares(w) / 2), [cp.multiply(y, X @ w) >= 1])
    prob.solve(solver=cp.CLARABEL)
    if prob.status != "optimal":
        raise ValueError(f"max-margin QP not solved (status {prob.status}); is the data separable?")
    return np.asarray(w.value, dtype=float)


def angle(u: np.ndarray, v: np.ndarray) -> float:
    c = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))
    return float(np.arccos(max(-1.0, min(1.0, c))))


def gd_directions(X: np.ndarray, y: np.ndarray, eta: float, record: Sequence[int],
                  target: np.ndarray) -> list[tuple[int, float]]:
    """Angle between the GD iterate w_t and ``target`` at each step in ``record``.

    The loop runs on Python floats (IEEE double, the same arithmetic as float64 NumPy): for a
    handful of points in low dimension it is several times faster than NumPy's per-call
    overhead, which matters for the 10^6-step sweeps."""
    Z = [tuple(float(v) for v in row) for row in X * y[:, None]]
    d = len(Z[0])
    w = [0.0] * d
    out, t = [], 0
    for stop in sorted(record):
        if d == 2:
            w, t = _gd_plane(Z, eta, w, t, stop)
        while t < stop:
            g = [0.0] * d
            for z in Z:
                s = 0.5 * (1.0 - math.tanh(0.5 * sum(zj * wj for zj, wj in zip(z, w, strict=True))))
                for j in range(d):
                    g[j] += s * z[j]
            w = [wj + eta * gj for wj, gj in zip(w, g, strict=True)]
            t += 1
        out.append((t, angle(np.array(w), target)))
    return out


def _gd_plane(Z: list[tuple[float, ...]], eta: float, w: list[float], t: int, stop: int) -> tuple[list[float], int]:
    """The GD loop of :func:`gd_directions` unrolled for d = 2 (same operations, same order)."""
    tanh = math.tanh
    w0, w1 = w
    for _ in range(stop - t):
        g0 = g1 = 0.0
        for a, b in Z:
            s = 0.5 * (1.0 - tanh(0.5 * (a * w0 + b * w1)))
            g0 += s * a
            g1 += s * b
        w0 += eta * g0
        w1 += eta * g1
    return [w0, w1], max(t, stop)
