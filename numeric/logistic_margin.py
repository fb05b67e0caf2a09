"""Logistic regression on separable data: GD direction vs the l2 max-margin classifier.

* :func:`max_margin` - the hard-margin SVM direction, solved independently as a QP with
  cvxpy (min |w|^2 / 2 s.t. y_i x_i.w >= 1).
* :func:`gd_directions` - GD on sum_i log(1 + exp(-y_i x_i.w)) from w = 0, float64
  (cheap, used over 10^5+ steps), returning the angle to a given direction at chosen steps.
* :func:`angle` - the angle between two vectors.
"""

from __future__ import annotations

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
    """Angle between the GD iterate w_t and ``target`` at each step in ``record``."""
    Z = X * y[:, None]
    w = np.zeros(X.shape[1])
    out, want, t = [], sorted(record), 0
    for stop in want:
        while t < stop:
            m = Z @ w
            s = 0.5 * (1 - np.tanh(m / 2))  # sigmoid(-m), overflow-free
            w = w + eta * (Z.T @ s)
            t += 1
        out.append((t, angle(w, target)))
    return out
