"""Loureiro, Section 1 (motivation): uniqueness of the ridge minimiser."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import sympy as sp

from symbolic import least_squares as ls
from theorems.claim import Kind
from theorems.spec import AllOf, ForEach, Identity, Real, claim

from . import lib

LAM = sp.Symbol("lam", positive=True)


def _ridge_hessian(n: int, d: int) -> Identity:
    X, y, th = ls.symbolic_matrix(n, d), ls.symbolic_vector(n, "y"), ls.symbolic_vector(d, "t")
    obj = ls.risk(X, y, th) + LAM * (th.T * th)[0, 0] / 2
    return Identity(sp.hessian(obj, list(th)), ls.covariance(X) + LAM * sp.eye(d),
                    label="Hessian of the ridge objective = Sigma + lam I (symbolic X)")


RIDGE = lib.design_domain((*lib.UNDER_SMALL, *lib.OVER), ("generic",), Real("lam", F(1, 10), 1))


def _unique(inst, dps):
    """lam_min(Sigma + lam I) - lam >= 0 (up to 10^(-0.8 dps)): then Sigma + lam I >= lam I > 0,
    so the ridge objective is strictly convex and its minimiser unique."""
    D = lib.design_of(inst)
    lam = lib.mpf_exact(inst["lam"])
    S = lib.nls.covariance(D.Xm())
    H = S + lam * lib.mp.eye(D.d)
    ev = lib.mp.eigsy(H, eigvals_only=True)
    return min(ev[i] for i in range(D.d)) - lam + lib.tol(dps) * (1 + lib.mp.mnorm(H, 1))


def _gd_same_limit(inst, dps):
    """GD (float64) from three random inits on the ridge objective: largest distance of the
    limits to the exact minimiser (X^T X + n lam I)^{-1} X^T y, against 1e-9."""
    D = lib.design_of(inst)
    lam = float(inst["lam"])
    X, y = np.array(D.X, float), np.array(D.y, float)
    n, d = X.shape
    exact = ls.ridge(D.Xs(), D.ys(), sp.Rational(inst["lam"]))
    target = np.array([float(v) for v in exact])
    H = X.T @ X / n + lam * np.eye(d)
    L = np.linalg.eigvalsh(H).max()
    rng = np.random.default_rng(int(inst["seed"]))
    worst = 0.0
    for _ in range(3):
        th = rng.standard_normal(d) * 3
        for _k in range(20000):
            g = -X.T @ (y - X @ th) / n + lam * th
            th = th - g / L
            if np.linalg.norm(g) < 1e-13:
                break
        worst = max(worst, float(np.linalg.norm(th - target)))
    return lib.mp.mpf(1e-9 - worst)


@claim("loureiro.sec1_strict_convex_unique", title="Strictly convex ridge: unique minimiser",
       source="§1, para. 2", kind=Kind.QUALITATIVE,
       statement=r"For strictly convex problems (such as ridge regression with $\lambda>0$) the minimiser is "
       r"unique, and any good enough algorithm should converge to it.")
def sec1_strict_convex_unique():
    """§1: ridge with lam > 0 has Hessian Sigma + lam I > 0 (derived), hence a unique minimiser;
    GD from several initialisations reaches the exact minimiser."""
    return AllOf(
        ForEach(((2, 3), (3, 2)), lambda s: _ridge_hessian(*s), label="{}"),
        lib.on_designs(_unique, RIDGE, "lam_min(Sigma + lam I) >= lam > 0 (mpmath eigsy)"),
        lib.on_designs(_gd_same_limit, RIDGE, "GD from 3 inits -> the exact ridge minimiser (float64, 1e-9)",
                       samples=8, float64=True, method="float64 GD runs"),
    )
