"""Kernel-regime library: width sweeps of the two-layer ReLU NTK (float64, fitted exponents),
the high-precision confirmation at the smallest width, and the symmetric-matrix instances of
the Weyl chain."""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import mpmath as mp
import numpy as np

from numeric.ntk import init, ntk, ntk_drift, ntk_limit, ntk_mp, unit_inputs

N_POINTS, DIM, REPS = 4, 2, 10


@lru_cache(maxsize=64)
def init_distance(m: int, reps: int = REPS, seed: int = 7) -> float:
    """Mean over ``reps`` Gaussian initialisations of ||H(theta_0) - H^infty||_2 at width m."""
    X = unit_inputs(N_POINTS, DIM, seed)
    Hinf = ntk_limit(X)
    return float(np.mean([np.linalg.norm(ntk(init(m, DIM, seed + 1 + r)[0], X) - Hinf, 2)
                          for r in range(reps)]))


@lru_cache(maxsize=64)
def training_drift(m: int, steps: int, reps: int = 3, seed: int = 11) -> float:
    """Mean over ``reps`` runs of sup_t ||H(theta_t) - H(theta_0)||_2 along GD (eta = 1,
    squared loss, labels +-1) at width m."""
    X = unit_inputs(N_POINTS, DIM, seed)
    Y = np.array([1.0, -1.0, 1.0, -1.0])
    vals = []
    for r in range(reps):
        W, a = init(m, DIM, seed + 1 + r)
        vals.append(ntk_drift(W, a, X, Y, 1.0, steps))
    return float(np.mean(vals))


def precision_gap(m: int, dps: int, seed: int = 7) -> mp.mpf:
    """max |H_float64 - H_mp| at width m (same exact float64 weights)."""
    X = unit_inputs(N_POINTS, DIM, seed)
    W, _ = init(m, DIM, seed + 1)
    Hf = ntk(W, X)
    Hm = ntk_mp(W, X, dps)
    return max(abs(mp.mpf(float(Hf[i, j])) - Hm[i, j]) for i in range(N_POINTS) for j in range(N_POINTS))


def widths(lo_exp: int, hi_exp: int) -> list[Fraction]:
    return [Fraction(10) ** k for k in range(lo_exp, hi_exp + 1)]
