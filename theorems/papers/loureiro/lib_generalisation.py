"""Library: min-l1 vs min-l2 interpolators' test error on sparse and dense targets (Remark 4,
§2.1 last paragraph).  Isotropic Gaussian designs n = 20, d = 40; the test error of an
estimator is ||theta_hat - theta_star||^2 (= excess risk for isotropic x); min-l1 by scipy
linprog (HiGHS), min-l2 by the pseudo-inverse (float64)."""

from __future__ import annotations

import mpmath as mp
import numpy as np
from scipy.optimize import linprog

from theorems.spec import AllOf, Domain, Holds, Int

N, D, SEEDS = 20, 40, 12


def _l1(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    d = X.shape[1]
    res = linprog(np.ones(2 * d), A_eq=np.hstack([X, -X]), b_eq=y, bounds=[(0, None)] * (2 * d), method="highs")
    if res.status != 0:
        raise ValueError(f"linprog failed: {res.message}")
    return res.x[:d] - res.x[d:]


def errors(target: str, seed0: int) -> tuple[float, float]:
    """Mean test errors (min-l1, min-l2) over SEEDS draws (noiseless labels)."""
    e1, e2 = [], []
    for s in range(SEEDS):
        rng = np.random.default_rng(1000 * seed0 + s)
        X = rng.standard_normal((N, D))
        if target == "sparse":
            star = np.zeros(D)
            star[rng.choice(D, 3, replace=False)] = rng.choice([-1.0, 1.0], 3) * 2
        else:
            star = rng.standard_normal(D)  # ||theta_star||^2 ~ d
        y = X @ star
        e1.append(float(np.sum((_l1(X, y) - star) ** 2)))
        e2.append(float(np.sum((np.linalg.pinv(X) @ y - star) ** 2)))
    return float(np.mean(e1)), float(np.mean(e2))


DOM = Domain(Int("seed", 0, 1000), note=f"isotropic Gaussian X, n = {N}, d = {D}, noiseless y = X theta*; "
             f"mean over {SEEDS} draws per instance")


def _slack(target: str, l1_better: bool):
    def slack(inst, dps):
        e1, e2 = errors(target, int(inst["seed"]))
        return mp.mpf((e2 - e1) if l1_better else (e1 - e2))

    return slack


def _describe(target: str):
    def describe(inst, dps):
        e1, e2 = errors(target, int(inst["seed"]))
        return {"mean test error min-l1": f"{e1:.4g}", "mean test error min-l2": f"{e2:.4g}"}

    return describe


def sparse_l1_better() -> Holds:
    return Holds(_slack("sparse", True), DOM, label="3-sparse theta*: mean error(min-l1) <= mean error(min-l2)",
                 describe=_describe("sparse"), samples=3, search=False, float64=True,
                 method="float64 (linprog, pinv)")


def dense_l2_better() -> Holds:
    return Holds(_slack("dense", False), DOM, label="dense theta* ~ N(0, I_d): mean error(min-l2) <= mean error(min-l1)",
                 describe=_describe("dense"), samples=3, search=False, float64=True,
                 method="float64 (linprog, pinv)")


def both_orders() -> AllOf:
    return AllOf(sparse_l1_better(), dense_l2_better())


__all__ = ["both_orders", "dense_l2_better", "errors", "sparse_l1_better"]
