"""Counterexample search: minimise a claim's slack over a box (scipy), float objective.

The objective maps a point of the box to the claim's (normalised) slack, or ``inf`` when the
point lies outside the hypotheses.  The minimiser is only a screen: every candidate it
returns is re-evaluated exactly/at higher precision by the engine before any verdict.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # NumPy is imported where it is used: runs that never search skip it
    import numpy as np


@dataclass
class SearchResult:
    x: np.ndarray
    value: float
    evaluations: int


def minimise(
    objective: Callable[[np.ndarray], float],
    bounds: Sequence[tuple[float, float]],
    evaluations: int,
    seed: int,
) -> SearchResult:
    """Differential evolution (global), then Nelder-Mead polish from the best point."""
    import numpy as np
    from scipy.optimize import differential_evolution, minimize

    count = 0
    best_x, best_v = None, math.inf

    def f(x):
        nonlocal count, best_x, best_v
        count += 1
        try:
            v = float(objective(np.asarray(x, dtype=float)))
        except (ArithmeticError, ValueError, ZeroDivisionError, OverflowError):
            v = math.inf
        if not math.isfinite(v):
            v = 1e300
        if v < best_v:
            best_x, best_v = np.array(x, dtype=float), v
        return v

    dim = len(bounds)
    popsize = max(5, min(15, evaluations // (10 * max(dim, 1))))
    maxiter = max(1, evaluations // (popsize * max(dim, 1)) - 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        differential_evolution(f, bounds, maxiter=maxiter, popsize=popsize, seed=seed,
                               polish=False, tol=0, init="sobol" if dim > 1 else "latinhypercube")
        if best_x is not None and best_v < 1e300:
            minimize(f, best_x, method="Nelder-Mead",
                     options={"maxfev": max(20, evaluations // 4), "xatol": 1e-12, "fatol": 1e-15})
    if best_x is None:
        best_x = np.array([(lo + hi) / 2 for lo, hi in bounds])
    return SearchResult(best_x, best_v, count)
