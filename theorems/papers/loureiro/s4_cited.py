"""Loureiro, Section 4 ('To go further'): cited results.  Checked where the notes state something
checkable (the least-squares restatement in 4.1; Soudry et al.'s directional convergence in the
reading of 4.2); otherwise reported as citations with the reason."""

from __future__ import annotations

from fractions import Fraction as F
from functools import lru_cache

import mpmath as mp
import numpy as np

from symbolic import least_squares as ls
from theorems.claim import Kind
from theorems.spec import AllOf, Order, Uncheckable, claim

from . import lib


def _same_bias_exact(inst):
    """The interpolator reached by any method whose iterates stay in theta0 + span(x_i) (GF, GD, SGD,
    eqs. (2.19), (2.23)), solved exactly, equals the Euclidean projection P_ker theta0 + X^+ y."""
    D = lib.design_of(inst)
    X, y, t0 = D.Xs(), D.ys(), D.t0s()
    reached = t0 + X.T * (X * X.T).LUsolve(y - X * t0)
    return 1 if reached == ls.gd_limit(X, y, t0) else -1


def _sec4_1():
    return AllOf(
        lib.on_designs(lambda inst, dps: mp.mpf(_same_bias_exact(inst)), lib.design_domain(lib.UNDER_SMALL),
                       "least squares: the GF/GD/SGD limit is the same projection (exact)", exact=_same_bias_exact),
        Uncheckable("citation (Pesme et al. 2021; Nacson et al. 2022): the effective scale alpha_sgf < alpha_gf of a "
                    "stochastic gradient flow and the step-size effect are neither defined nor derived in the notes; "
                    "nothing checkable stated (the stochastic gradient flow and its alpha_sgf, defined, would decide it)", label="alpha_sgf < alpha_gf; sparser SGD limit"),
    )


@claim("loureiro.sec4_1", title="Stochasticity reduces the effective initialisation scale", source="§4.1",
       kind=Kind.QUALITATIVE, depends_on=("loureiro.eq3_28",),
       statement=r"As shown in (Pesme et al., 2021), adding a stochastic term to gradient flow leads to a similar potential "
       r"with effective scale $\alpha_{sgf}<\alpha_{rmgf}$; $\theta_\infty^{sgf}$ tends to be sparser than $\theta_\infty^{gf}$")
def sec4_1():
    """§4.1: the restated least-squares fact is checked exactly; the cited DLN results are citations."""
    return _sec4_1()


@sec4_1.read_as(r"'$\alpha_{gf}$' for the garbled '$\alpha_{rmgf}$'")
def _(printed):
    return _sec4_1()


N, D_, STEPS = 30, 5, 100_000


@lru_cache(maxsize=4)
def _soudry_run(init: str) -> dict[int, float]:
    """GD on the logistic loss (float64) over separable data; returns {k: ||w_k/|w_k| - w_hat/|w_hat| ||}."""
    import cvxpy as cp

    rng = np.random.default_rng(7)
    wstar = rng.standard_normal(D_)
    Z = []
    while len(Z) < N:
        x = rng.standard_normal(D_)
        m = x @ wstar
        if abs(m) > 0.3:
            Z.append(np.sign(m) * x)
    Z = np.array(Z)
    w = cp.Variable(D_)
    cp.Problem(cp.Minimize(cp.sum_squares(w)), [Z @ w >= 1]).solve(solver=cp.CLARABEL)
    what = np.asarray(w.value) / np.linalg.norm(w.value)
    eta = 1.0 / np.linalg.eigvalsh(Z.T @ Z / N).max()
    wk = np.zeros(D_) if init == "zero" else np.random.default_rng(11).standard_normal(D_) * 5
    out = {}
    marks = {10**2, 10**3, 10**4, 10**5}
    for k in range(1, STEPS + 1):
        s = Z @ wk
        grad = -(Z.T @ (1 / (1 + np.exp(s)))) / N
        wk = wk - eta * grad
        if k in marks:
            out[k] = float(np.linalg.norm(wk / np.linalg.norm(wk) - what))
    return out


def _gap_ratio(init: str):
    def ratio(p, dps):
        k = int(p)
        return mp.mpf(_soudry_run(init)[k] * np.log(k))

    return ratio


@claim("loureiro.sec4_2", title="Implicit bias for logistic regression (Soudry et al. 2018)", source="§4.2",
       kind=Kind.QUALITATIVE,
       statement=r"When data is linearly separable, GD or SGD for logistic regression converge to the minimum margin "
       r"interpolator, independently of the initial condition (Soudry et al., 2018)")
def sec4_2():
    """§4.2 as printed: a citation whose object ('minimum margin interpolator') is not defined in the notes."""
    return Uncheckable("citation (Soudry et al. 2018); 'the minimum margin interpolator' is not defined in the notes "
                       "and logistic-regression iterates diverge in norm, so nothing is named to converge to; the cited theorem "
                       "(directional convergence to the hard-margin SVM) is checked in the reading")


@sec4_2.read_as(r"for separable data and small step, $\|w_k\|\to\infty$ and $w_k/\|w_k\|\to\hat w/\|\hat w\|$ (hard-margin "
                r"SVM) from any initialisation, at rate $O(1/\log k)$")
def _(printed):
    ks = [F(10**2), F(10**3), F(10**4), F(10**5)]
    return AllOf(
        Order(_gap_ratio("zero"), ks, family="GD steps k (w0 = 0; n = 30, d = 5, eta = 1/lambda_max)",
              label="||w_k/|w_k| - w_hat/|w_hat| || = O(1/log k), w0 = 0"),
        Order(_gap_ratio("random"), ks, family="GD steps k (random w0 of scale 5)",
              label="||w_k/|w_k| - w_hat/|w_hat| || = O(1/log k), random w0"),
    )
