"""Full-batch GD on the univariate ReLU network (18) with the quadratic loss (19), float64 NumPy
(the experiments of Mulayoff-Michaeli-Soudry Sec. 5 at small scale).  Deterministic (seeded)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .mms_relu import Net


@dataclass
class TrainRun:
    eta: float
    theta: np.ndarray  # final parameters, order (20)
    converged: bool
    steps: int
    losses: list[float] = field(default_factory=list)  # every ``record`` steps
    record: int = 50

    def net(self) -> Net:
        """The final parameters as exact rationals (the floats' exact values)."""
        k = (len(self.theta) - 1) // 3
        t = [Fraction(float(v)) for v in self.theta]
        return Net(tuple(t[:k]), tuple(t[k:2 * k]), tuple(t[2 * k:3 * k]), t[3 * k])


def init_theta(k: int, seed: int, scale: float = 0.5) -> np.ndarray:
    """w1, b1 ~ scale N(0,1); w2 ~ scale N(0,1)/sqrt(k); b2 = 0 (catalogue NUM-GD)."""
    rng = np.random.default_rng(seed)
    return np.concatenate([scale * rng.standard_normal(k), scale * rng.standard_normal(k),
                           scale * rng.standard_normal(k) / np.sqrt(k), [0.0]])


def loss_grad(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    k = (len(theta) - 1) // 3
    w1, b1, w2, b2 = theta[:k], theta[k:2 * k], theta[2 * k:3 * k], theta[3 * k]
    pre = np.outer(w1, x) + b1[:, None]  # k x n
    act = pre > 0
    h = np.where(act, pre, 0.0)
    r = w2 @ h + b2 - y
    n = len(x)
    g = np.concatenate([w2 * ((act * x) @ r) / n, w2 * (act @ r) / n, h @ r / n, [r.mean()]])
    return 0.5 * float(r @ r) / n, g


def train(x, y, theta0: np.ndarray, eta: float, max_steps: int, tol: float = 1e-22, warmup: int = 0,
          record: int = 50) -> TrainRun:
    """GD theta <- theta - eta_t grad, eta_t linear warm-up over ``warmup`` steps; stops when the
    loss is below ``tol`` (converged) or after ``max_steps`` / on overflow (not converged)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    th = theta0.copy()
    run = TrainRun(eta, th, False, 0, record=record)
    for t in range(max_steps):
        L, g = loss_grad(th, x, y)
        if t % record == 0:
            run.losses.append(L)
        if not np.isfinite(L) or L > 1e12:
            break
        if L < tol:
            run.converged = True
            break
        lr = eta * min(1.0, (t + 1) / warmup) if warmup else eta
        th = th - lr * g
        run.steps = t + 1
    run.theta = th
    return run
