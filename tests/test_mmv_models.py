"""Unit tests of the models added for the mmv survey (symbolic and numeric counterparts agree;
class members carry valid constants)."""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath as mp
import numpy as np
import sympy as sp

from numeric.eos import exp_valley_gd
from numeric.linear_nets import deep_linear_gradients, mf_flow
from numeric.logistic_margin import max_margin
from numeric.ntk import init, ntk, ntk_limit, unit_inputs
from symbolic import matrix_factorization as mf
from symbolic.deep_linear import DeepLinear, direct_gradients, squared_loss_gradient
from symbolic.eos_valley import exp_valley, th1, th2
from symbolic.smooth_class import FAMILIES, build, pl_certificate_trig, sample_params


def test_class_members_have_valid_smoothness_constants():
    rng = random.Random(3)
    for fam in FAMILIES:
        for _ in range(3):
            m = build(fam, sample_params(fam, rng))
            H = sp.hessian(m.expr, m.variables)
            f = sp.lambdify(m.variables, H, "mpmath")
            L = float(sp.N(m.L))
            for _ in range(20):
                x = [rng.uniform(-4, 4) for _ in m.variables]
                Hn = mp.matrix(f(*x))
                ev = mp.eigsy(Hn)[0]
                assert max(abs(e) for e in ev) <= L * (1 + 1e-12)
            if m.mu is not None and fam == "quadratic":
                assert float(sp.N(m.mu)) <= L


def test_class_member_text_is_exact_and_minimum_zero():
    m = build("least_squares", {"J": (Fraction(1), Fraction(2), Fraction(0), Fraction(0), Fraction(1), Fraction(-1)),
                                "theta_star": (Fraction(1), Fraction(0), Fraction(1, 2))})
    assert "t1" in str(m) and "L =" in str(m)
    assert m.expr.subs(dict(zip(m.variables, (1, 0, sp.Rational(1, 2)), strict=True))) == 0


def test_pl_certificate_of_the_catalogue_member():
    assert pl_certificate_trig()["holds_on_grid"]


def test_deep_linear_chain_rule_matches_direct_differentiation():
    net = DeepLinear((2, 3, 2))
    X = sp.Matrix(2, 2, sp.symbols("x1:5", real=True))
    Y = sp.Matrix(2, 2, sp.symbols("y1:5", real=True))
    loss, E = squared_loss_gradient(net, X, Y)
    for g_chain, g_direct in zip(net.layer_gradients(E), direct_gradients(loss, net), strict=True):
        assert (g_chain - g_direct).applyfunc(sp.expand).is_zero_matrix


def test_numeric_deep_linear_gradients_match_symbolic():
    net = DeepLinear((2, 3, 2))
    X = sp.Matrix([[1, 0], [sp.Rational(1, 2), 2]])
    Y = sp.Matrix([[1, -1], [0, 1]])
    loss, E = squared_loss_gradient(net, X, Y)
    rng = random.Random(1)
    point = {s: sp.Rational(rng.randint(-5, 5), 4) for s in net.state()}
    sym = [g.subs(point) for g in direct_gradients(loss, net)]
    Ws = [mp.matrix([[float(v.subs(point)) for v in w.row(i)] for i in range(w.rows)]) for w in net.weights]
    num = deep_linear_gradients(Ws, mp.matrix(X.tolist()), mp.matrix(Y.tolist()))
    for a, b in zip(sym, num, strict=True):
        assert max(abs(float(a[i, j]) - float(b[i, j])) for i in range(a.rows) for j in range(a.cols)) < 1e-12


def test_matrix_factorisation_closed_form_matches_the_matrix_ode():
    with mp.workdps(30):
        sig = [mp.mpf(3), mp.mpf(1), mp.mpf(0)]
        alpha = mp.mpf(1) / 100
        U0 = mp.diag([mp.sqrt(alpha)] * 3)
        run = mf_flow(U0, mp.diag(sig), 2, mp.mpf(1) / 200)
        W = run[-1] * run[-1].T
        for i, s in enumerate(sig):
            assert abs(W[i, i] - mf.numeric_closed_form(s, mp.mpf(1), alpha, 2)) < 1e-8


def test_exp_valley_reduced_recursion_is_gd():
    m = exp_valley()
    eta = sp.Rational(1, 2)
    step = {x: x - eta * g for x, g in zip(m.state, m.gradient, strict=True)}
    t1v, t2v = sp.Rational(1, 3), sp.Rational(1, 2)
    nxt = [e.subs(step, simultaneous=True).subs({th1: t1v, th2: t2v}) for e in m.state]
    lam1, th2_1 = exp_valley_gd(2 * mp.exp(-mp.mpf(1) / 3), mp.mpf(1) / 2, mp.mpf(1) / 2, 1)[1]
    assert abs(float(2 * sp.exp(-nxt[0])) - float(lam1)) < 1e-12
    assert abs(float(nxt[1]) - float(th2_1)) < 1e-12


def test_ntk_tends_to_its_limit():
    X = unit_inputs(4, 2, 0)
    d_small = np.linalg.norm(ntk(init(100, 2, 1)[0], X) - ntk_limit(X), 2)
    d_large = np.linalg.norm(ntk(init(100000, 2, 1)[0], X) - ntk_limit(X), 2)
    assert d_large < d_small / 5


def test_max_margin_satisfies_kkt():
    X = np.array([[2.0, 1.0], [-1.0, -2.0], [1.0, 3.0]])
    y = np.array([1.0, -1.0, 1.0])
    w = max_margin(X, y)
    assert np.min(y * (X @ w)) >= 1 - 1e-7


def test_bregman_projection_reaches_tiny_scales_from_a_cold_start():
    """The dual Newton with a trust region converges from mu = 0 when the hyperbolic-entropy
    scale I is tiny (a full Newton step from 0 overshoots by ~1/I): A = [1, 2], y = 2,
    I = (32 eps^2, 2 eps^2).  The projection is the root of the quartic in x = e^{2 mu}
    I_1 (x - 1/x)/2 + I_2 (x^2 - 1/x^2) = 2, solved independently by polyroots."""
    from numeric.mirror_flow import bregman_projection, hyperbolic_entropy

    with mp.workdps(50):
        for eps in (mp.mpf(10) ** -8, mp.mpf(10) ** -16):
            I1, I2 = 32 * eps**2, 2 * eps**2
            pr = bregman_projection(hyperbolic_entropy([I1, I2]), mp.matrix([[1, 2]]), mp.matrix([2]),
                                    [mp.mpf(0), mp.mpf(0)], max_iter=60)
            assert pr.constraint_residual < mp.mpf(10) ** -40
            # x^4 I2 + x^3 I1/2 - 2 x^2 - x I1/2 - I2 = 0, the root > 1
            roots = mp.polyroots([I2, I1 / 2, -2, -I1 / 2, -I2], maxsteps=400, extraprec=400)
            x = max(mp.re(r) for r in roots if abs(mp.im(r)) < mp.mpf(10) ** -30)
            w1 = I1 * (x - 1 / x) / 2
            assert abs(pr.theta[0] - w1) < mp.mpf(10) ** -35 * (1 + abs(w1))
