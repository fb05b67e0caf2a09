"""Unit tests of the least-squares and diagonal-network models (symbolic/ and numeric/)."""

from __future__ import annotations

import random
from fractions import Fraction as F

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from numeric import diagonal_network as ndn
from numeric import least_squares as nls
from symbolic import diagonal_network as dn
from symbolic import least_squares as ls


def _rational_design(n: int, d: int, seed: int = 0) -> tuple[list[list[F]], list[F], list[F]]:
    rng = random.Random(seed)
    X = [[F(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(d)] for _ in range(n)]
    y = [F(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(n)]
    t0 = [F(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(d)]
    return X, y, t0


def test_gradient_and_hessian_derived_on_symbolic_2x3():
    X, y, th = ls.symbolic_matrix(2, 3), ls.symbolic_vector(2, "y"), ls.symbolic_vector(3, "t")
    g = ls.gradient(X, y, th)
    assert sp.expand(g - ls.gradient_formula(X, y, th)) == sp.zeros(3, 1)
    H = sp.hessian(ls.risk(X, y, th), list(th))
    assert sp.expand(H - ls.covariance(X)) == sp.zeros(3, 3)
    assert sp.expand(ls.risk(X, y, th) - ls.risk_as_sum(X, y, th)) == 0


@pytest.mark.parametrize("n,d", [(2, 3), (3, 2), (4, 7), (3, 3)])
def test_pinv_penrose_conditions_exact(n, d):
    X, y, _ = _rational_design(n, d, seed=n * 10 + d)
    Xm = ls.as_matrix(X)
    P = ls.pinv(Xm)
    assert Xm * P * Xm == Xm and P * Xm * P == P
    assert (Xm * P).T == Xm * P and (P * Xm).T == P * Xm


def test_pinv_rank_deficient():
    Xm = sp.Matrix([[1, 2, 3], [2, 4, 6], [1, 0, 1]])  # rank 2, 3x3
    P = ls.pinv(Xm)
    assert Xm * P * Xm == Xm and P * Xm * P == P
    assert (Xm * P).T == Xm * P and (P * Xm).T == P * Xm
    assert ls.kernel_projector(Xm) * sp.Matrix([1, 1, -1]) == sp.Matrix([1, 1, -1])


def test_projection_kkt_equals_closed_form_and_gd_limit():
    X, y, t0 = _rational_design(3, 6, seed=3)
    Xm, ym, t0m = ls.as_matrix(X), ls.as_vector(y), ls.as_vector(t0)
    kkt = ls.projection_by_kkt(Xm, ym, t0m)
    assert kkt == ls.gd_limit(Xm, ym, t0m)
    assert Xm * kkt == ym
    # a wrong limit (ignores theta0's kernel component) is not the projection
    assert kkt != ls.min_norm_interpolator(Xm, ym)


def test_gd_closed_form_matches_iteration_exactly():
    X, y, t0 = _rational_design(2, 4, seed=5)
    Xm, ym, t0m = ls.as_matrix(X), ls.as_vector(y), ls.as_vector(t0)
    eta = sp.Rational(1, 50)
    its = ls.gd_iterates(Xm, ym, t0m, eta, 6)
    assert its[6] == ls.gd_closed_form(Xm, ym, t0m, eta, 6)


def test_sgd_stays_in_affine_span_exactly():
    X, y, t0 = _rational_design(3, 5, seed=7)
    Xm, ym, t0m = ls.as_matrix(X), ls.as_vector(y), ls.as_vector(t0)
    its = ls.sgd_iterates(Xm, ym, t0m, [[0], [2, 1], [1], [0, 1, 2]], sp.Rational(1, 30))
    assert all(ls.in_span_of_rows(Xm, th - t0m) for th in its)
    assert not ls.in_span_of_rows(Xm, ls.kernel_basis(Xm)[0])


def test_ridge_tends_to_min_norm():
    X, y, _ = _rational_design(2, 3, seed=11)
    Xm, ym = ls.as_matrix(X), ls.as_vector(y)
    lam = sp.Symbol("lam", positive=True)
    r = ls.ridge(Xm, ym, lam)
    lim = r.applyfunc(lambda e: sp.limit(e, lam, 0, "+"))
    assert lim == ls.min_norm_interpolator(Xm, ym)


def test_numeric_svd_pinv_and_gf_references_agree():
    X, y, t0 = _rational_design(4, 7, seed=13)
    with mp.workdps(50):
        Xm, ym, t0m = nls.matrix(X), nls.vector(y), nls.vector(t0)
        U, s, V = nls.svd_full(Xm)
        D = mp.zeros(4, 7)
        for j in range(4):
            D[j, j] = s[j]
        assert mp.mnorm(U * D * V.T - Xm, 1) < mp.mpf(10) ** -40
        assert s[4:] == [0, 0, 0] and s[0] >= s[1] >= s[2] >= s[3] > 0
        exact = ls.gd_limit(ls.as_matrix(X), ls.as_vector(y), ls.as_vector(t0))
        lim = nls.gd_limit(Xm, ym, t0m)
        assert max(abs(lim[i] - mp.mpf(sp.Rational(exact[i]).p) / sp.Rational(exact[i]).q)
                   for i in range(7)) < mp.mpf(10) ** -40
        for t in (mp.mpf("0.5"), mp.mpf(3)):
            a, b = nls.gf_eigen(Xm, ym, t0m, t), nls.gf_expm(Xm, ym, t0m, t)
            assert mp.norm(a - b) < mp.mpf(10) ** -35


def test_numeric_gf_odefun_matches_expm():
    X, y, t0 = _rational_design(3, 2, seed=17)
    with mp.workdps(30):
        Xm, ym, t0m = nls.matrix(X), nls.vector(y), nls.vector(t0)
        (a,) = nls.gf_odefun(Xm, ym, t0m, [mp.mpf("0.3")])
        b = nls.gf_expm(Xm, ym, t0m, mp.mpf("0.3"))
        assert mp.norm(a - b) < mp.mpf(10) ** -20


def test_projection_cvxpy_independent_solver():
    X, y, t0 = _rational_design(3, 6, seed=19)
    Xf = np.array(X, dtype=float)
    sol = nls.projection_cvxpy(Xf, np.array(y, dtype=float), np.array(t0, dtype=float))
    exact = ls.projection_by_kkt(ls.as_matrix(X), ls.as_vector(y), ls.as_vector(t0))
    assert np.allclose(sol, np.array(exact, dtype=float).ravel(), atol=1e-6)


# ------------------------------------------------------------------ diagonal network


def test_dln_conserved_quantity_and_induced_flow():
    X, y = ls.symbolic_matrix(2, 3), ls.symbolic_vector(2, "y")
    u, v = dn.vec("u", 3), dn.vec("v", 3)
    dI = dn.time_derivative(dn.conserved(u, v), X, y, u, v)
    assert sp.expand(dI) == sp.zeros(3, 1)
    wrong = (v.multiply_elementwise(v) - u.multiply_elementwise(u)) / 2 + u  # not conserved
    assert sp.expand(dn.time_derivative(wrong, X, y, u, v)) != sp.zeros(3, 1)
    th_dot = dn.induced_theta_velocity(X, y, u, v)
    r = y - X * dn.theta_of(u, v)
    expected = (X.T * r / 2).multiply_elementwise(u.multiply_elementwise(u) + v.multiply_elementwise(v))
    assert sp.expand(th_dot - expected) == sp.zeros(3, 1)


def test_dln_w_pm_parametrisation():
    u, v = dn.vec("u", 2), dn.vec("v", 2)
    wp, wm = dn.w_pm(u, v)
    assert sp.expand(wp.multiply_elementwise(wp) - wm.multiply_elementwise(wm) - dn.theta_of(u, v)) == sp.zeros(2, 1)
    assert sp.expand(2 * wp.multiply_elementwise(wm) - dn.conserved(u, v)) == sp.zeros(2, 1)
    assert dn.depth_theta([u, v]) == dn.theta_of(u, v)


def test_dln_gd_step_matches_model_gradient():
    X = sp.Matrix([[1, 2, 0], [0, 1, -1]])
    y = sp.Matrix([1, 2])
    m = dn.model(X, y)
    pt = dict(zip(m.state, [sp.Rational(k, 3) for k in range(1, 7)], strict=True))
    u = sp.Matrix([pt[s] for s in m.state[:3]])
    v = sp.Matrix([pt[s] for s in m.state[3:]])
    eta = sp.Rational(1, 10)
    u1, v1 = dn.gd_step(X, y, u, v, eta)
    via_model = [m.gd_map[s].subs(m.eta, eta).subs(pt) for s in m.state]
    assert list(u1) + list(v1) == via_model


def test_dln_numeric_gf_conserves_I_and_interpolates():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 6))
    y = X @ np.array([1.0, 0, 0, -0.5, 0, 0])
    u0, v0 = ndn.init_scale(6, 0.3)
    tr = ndn.gf_until_interpolating(X, y, u0, v0, tol=1e-10)
    I = (tr.u**2 - tr.v**2) / 2
    assert np.abs(I - I[0]).max() < 1e-8
    assert tr.residual <= 1e-10
    with mp.workdps(30):
        Xm, ym = nls.matrix(X.tolist()), nls.vector(y.tolist())
        (u1, v1), = ndn.gf_mp(Xm, ym, u0.tolist(), v0.tolist(), [mp.mpf("0.5")])
        ref = ndn.gf_scipy(X, y, u0, v0, 0.5)
        assert max(abs(float(a) - b) for a, b in zip(u1, ref.u[-1], strict=True)) < 1e-8
