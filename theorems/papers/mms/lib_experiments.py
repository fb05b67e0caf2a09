"""mms library: the Sec. 5 experiments at small scale (float64 GD, exact analysis of the final
minimum).  One data set of the catalogue (every other point of the 8-point set, gentle targets),
k = 12 neurons, one seeded initialisation, linear warm-up over 500 steps; a run counts as converged
when the loss drops below 1e-20.  The final float parameters are turned into an exact interpolating
minimum (knots within 1e-7 of a data point snapped onto it, least-norm exact correction of the
output layer) whose sharpness, mode sharpness and W = int |f''| g are evaluated at high precision.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import mpmath as mp
import numpy as np

from numeric import mms_relu as R
from numeric import mms_train as T

from .lib_network import Minimum, flattest_rescaling, mpf  # noqa: F401 - mpf re-exported for the section

F = Fraction
X = (F(-16, 10), F(-55, 100), F(3, 10), F(12, 10))
Y = (F(5, 100), F(1, 10), F(12, 100), F(8, 100))
WIDTH = 12
SEED = 1
ETAS = (F(3, 10), F(6, 10), F(1), F(3, 2))
MAX_STEPS = 40_000


@dataclass
class Result:
    eta: Fraction
    converged: bool
    steps: int
    minimum: Minimum | None
    losses: list[float]

    def row(self) -> dict:
        m = self.minimum
        assert m is not None
        return {"eta": float(self.eta), "lambda_max": float(m.sharpness(m.inactive_mode())),
                "lambda_upper": float(m.sharpness_upper()), "W": float(m.W()), "p": m.p}


def _exact(run: T.TrainRun) -> Minimum | None:
    net = R.nearest_interpolant(X, Y, run.net())
    return None if net is None else Minimum(X, Y, net)


@cache
def run(eta: Fraction, theta0_key: str = "init", switch_from: Fraction | None = None) -> Result:
    """GD with step eta from the seeded init; with ``switch_from`` = eta0: first GD with eta0 until
    the loss is below 1e-6, then continue with eta (Fig. 1 protocol)."""
    th0 = T.init_theta(WIDTH, SEED)
    losses: list[float] = []
    if switch_from is not None:
        pre = T.train([float(x) for x in X], [float(y) for y in Y], th0, float(switch_from), MAX_STEPS,
                      tol=1e-6, warmup=500, record=1)
        th0, losses = pre.theta, list(pre.losses)
    r = T.train([float(x) for x in X], [float(y) for y in Y], th0, float(eta), MAX_STEPS, tol=1e-20,
                warmup=0 if switch_from is not None else 500, record=1)
    losses += r.losses
    return Result(eta, r.converged, r.steps, _exact(r) if r.converged else None, losses)


def flattest_sharpness(m: Minimum) -> mp.mpf:
    return flattest_rescaling(m, restarts=2).sharpness()


def outside_curvature(m: Minimum) -> mp.mpf:
    """int |f''| outside [x_min, x_max] (sum of |jumps| at knots outside the data)."""
    return mp.fsum(abs(mp.mpf(s.numerator) / s.denominator) for c, s in R.knots(m.net) if c < X[0] or c > X[-1])


def peak_after_switch(res: Result, switched_at: int) -> tuple[float, float]:
    loss = np.array(res.losses)
    return float(loss[switched_at - 1]), float(loss[switched_at:].max())
