"""Unit tests of the mirror-flow models (symbolic/mirror_flow.py, numeric/mirror_flow.py)."""

from __future__ import annotations

import random
from fractions import Fraction as F

import mpmath as mp
import numpy as np
import sympy as sp

from numeric import least_squares as nls
from numeric import mirror_flow as nmf
from symbolic import least_squares as ls
from symbolic import mirror_flow as mf


def test_hyperbolic_entropy_derivatives_derived():
    phi = mf.hyperbolic_entropy(2)
    t1, t2 = phi.theta
    I1, I2 = sp.symbols("I1 I2", positive=True)
    assert sp.simplify(phi.grad[0] - sp.asinh(t1 / I1) / 2) == 0
    assert sp.simplify(phi.hess[0, 0] - 1 / (2 * sp.sqrt(t1**2 + I1**2))) == 0
    assert phi.hess[0, 1] == 0
    # the numeric potential's derivatives are the derived ones
    with mp.workdps(30):
        pot = nmf.hyperbolic_entropy([F(3, 10), F(2)])
        for t in (mp.mpf("-1.3"), mp.mpf("0.2")):
            assert abs(pot.dp(t, 0) - mp.diff(lambda s: pot.p(s, 0), t)) < mp.mpf(10) ** -20
            assert abs(pot.d2p(t, 1) - mp.diff(lambda s: pot.dp(s, 1), t)) < mp.mpf(10) ** -20
            assert abs(pot.dp_inv(pot.dp(t, 0), 0) - t) < mp.mpf(10) ** -25


def test_bregman_conventions():
    q = mf.squared_norm_potential(2)
    a, b = sp.symbols("a1 a2", real=True), sp.symbols("b1 b2", real=True)
    half = sum((x - z) ** 2 for x, z in zip(a, b, strict=True)) / 2
    assert sp.expand(mf.bregman(q, a, b) - half) == 0
    assert sp.expand(mf.bregman_gradient_at_first(q, a, b) + half) == 0
    # the swapped convention is -D(b, a) for any potential
    phi = mf.hyperbolic_entropy(1, I=(sp.Rational(1, 2),))
    pa, pb = (sp.Rational(3, 2),), (sp.Rational(-1, 3),)
    assert sp.simplify(mf.bregman_gradient_at_first(phi, pa, pb) + mf.bregman(phi, pb, pa)) == 0


def test_three_point_identity_textbook_holds_swapped_fails():
    phi = mf.hyperbolic_entropy(1, I=(sp.Rational(1, 3),))
    c, b, a = (sp.Rational(2),), (sp.Rational(1, 2),), (sp.Rational(-1, 5),)
    assert sp.simplify(mf.three_point_residual(mf.bregman, phi, c, b, a)) == 0
    res = mf.three_point_residual(mf.bregman_gradient_at_first, phi, c, b, a)
    assert abs(sp.N(res, 30)) > 1e-3


def test_mirror_flow_residual_detects_factor_two():
    phi = mf.hyperbolic_entropy(1)
    (t,) = phi.theta
    I = sp.Symbol("I1", positive=True)
    g = sp.Symbol("g", real=True)  # grad L at theta
    vel = sp.Matrix([-2 * sp.sqrt(t**2 + I**2) * g])
    assert sp.simplify(mf.mirror_flow_residual(phi, vel, sp.Matrix([g]))[0]) == 0
    assert sp.simplify(mf.mirror_flow_residual(phi, vel / 2, sp.Matrix([g]))[0]) != 0


def _design(n, d, seed):
    rng = random.Random(seed)
    X = [[F(round(rng.gauss(0, 1) * 100), 100) for _ in range(d)] for _ in range(n)]
    th = [F(0)] * d
    th[1], th[4] = F(1), F(-3, 2)
    y = [sum(X[i][j] * th[j] for j in range(d)) for i in range(n)]
    return X, y


def test_min_l1_interpolator_certified_against_brute_force():
    X, y = _design(2, 5, 1)
    sol = nmf.min_l1_interpolator(X, y)
    assert sol.certified
    Xq = sp.Matrix(X)
    assert Xq * sp.Matrix(sol.theta) == sp.Matrix(y)
    # brute force over all 2-column supports (vertices of the l1 problem)
    best = None
    for i in range(5):
        for j in range(i + 1, 5):
            S = Xq[:, [i, j]]
            if S.det() == 0:
                continue
            z = S.LUsolve(sp.Matrix(y))
            val = abs(z[0]) + abs(z[1])
            best = val if best is None else min(best, val)
    assert sol.l1 == best


def test_min_l2_interpolator_exact():
    X, y = _design(3, 5, 2)
    th = nmf.min_l2_interpolator(X, y)
    assert sp.Matrix(th) == ls.min_norm_solution(ls.as_matrix(X), ls.as_vector(y))


def test_bregman_projection_dual_newton_vs_scipy_primal():
    X, y = _design(3, 8, 3)
    Xf, yf = np.array(X, float), np.array(y, float)
    rng = np.random.default_rng(4)
    theta0 = rng.standard_normal(8) * 0.3
    with mp.workdps(40):
        pot = nmf.hyperbolic_entropy([F(1, 10)] * 8)
        pr = nmf.bregman_projection(pot, nls.matrix(X), nls.vector(y), theta0.tolist())
        assert pr.constraint_residual < mp.mpf(10) ** -30
        # KKT: grad psi(theta) - grad psi(theta0) in range X^T
        g = [a - b for a, b in zip(pot.grad(pr.theta), pot.grad([mp.mpf(t) for t in theta0]), strict=True)]
        Pk = nls.kernel_projector(nls.matrix(X))
        assert nls.norm(Pk * mp.matrix(g)) < mp.mpf(10) ** -30
        sc = nmf.bregman_projection_scipy(pot, Xf, yf, theta0)
        assert np.abs(sc - np.array([float(t) for t in pr.theta])).max() < 1e-5
        # quadratic potential: the Bregman projection is the Euclidean projection
        q = nmf.bregman_projection(nmf.squared_norm(), nls.matrix(X), nls.vector(y), theta0.tolist())
        e = nls.gd_limit(nls.matrix(X), nls.vector(y), nls.vector(theta0.tolist()))
        assert max(abs(q.theta[i] - e[i]) for i in range(8)) < mp.mpf(10) ** -30


def test_bregman_numeric_conventions_signs():
    with mp.workdps(30):
        pot = nmf.hyperbolic_entropy([F(1, 2), F(1, 3)])
        a, b = [mp.mpf(1), mp.mpf(-2)], [mp.mpf("0.1"), mp.mpf("0.5")]
        assert nmf.bregman(pot, a, b) > 0
        assert nmf.bregman_gradient_at_first(pot, a, b) < 0
        assert abs(nmf.bregman_gradient_at_first(pot, a, b) + nmf.bregman(pot, b, a)) < mp.mpf(10) ** -25
