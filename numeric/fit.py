"""Fitting rates and exponents: log-log least squares with residuals, and growth tests."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class PowerFit:
    """y ~ C * x^p, fitted on log|y| = log C + p log x."""

    exponent: float
    constant: float
    residuals: list[float]
    r2: float
    n: int

    def to_json(self) -> dict:
        return {"exponent": self.exponent,
                "constant": self.constant if math.isfinite(self.constant) else "overflow",
                "max_abs_log_residual": max(map(abs, self.residuals)) if self.residuals else 0.0,
                "r2": self.r2, "points": self.n}


def power_fit(xs: Sequence[float], ys: Sequence[float], log_y: bool = False) -> PowerFit:
    """Fit y ~ C x^p.  With ``log_y`` the ys are already log|y| (for values beyond floats)."""
    import numpy as np  # here, not at the top: importing NumPy is a tenth of a second

    lx = np.log(np.asarray([float(x) for x in xs]))
    ly = np.asarray([float(y) for y in ys]) if log_y else np.log(np.abs(np.asarray([float(y) for y in ys])))
    if len(lx) < 2 or not np.all(np.isfinite(lx)) or not np.all(np.isfinite(ly)):
        raise ValueError("power_fit needs at least two positive finite points")
    A = np.vstack([lx, np.ones_like(lx)]).T
    (p, c), *_ = np.linalg.lstsq(A, ly, rcond=None)
    pred = A @ np.array([p, c])
    res = ly - pred
    ss_tot = float(np.sum((ly - ly.mean()) ** 2))
    r2 = 1.0 - float(np.sum(res**2)) / ss_tot if ss_tot > 0 else 1.0
    const = math.exp(c) if c < 700 else math.inf
    return PowerFit(float(p), const, [float(r) for r in res], r2, len(lx))


@dataclass
class LinearFit:
    slope: float
    intercept: float
    r2: float

    def to_json(self) -> dict:
        return {"slope": self.slope, "intercept": self.intercept, "r2": self.r2}


def linear_fit(xs: Sequence[float], ys: Sequence[float]) -> LinearFit:
    import numpy as np

    x = np.asarray([float(v) for v in xs])
    y = np.asarray([float(v) for v in ys])
    A = np.vstack([x, np.ones_like(x)]).T
    (m, c), *_ = np.linalg.lstsq(A, y, rcond=None)
    res = y - A @ np.array([m, c])
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum(res**2)) / ss_tot if ss_tot > 0 else 1.0
    return LinearFit(float(m), float(c), r2)
