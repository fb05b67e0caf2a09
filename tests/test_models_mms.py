"""Unit tests of the mms models: exact ReLU networks, the weight function g, linear stability
(second-moment operator, exact expectations vs seeded simulation, cone-wise strong stability), GD
training, the symbolic algebra of (35)/(25), and the conjecture vocabulary."""

from __future__ import annotations

import random
import subprocess
import sys
from fractions import Fraction as F

import mpmath as mp
import numpy as np
import pytest

from numeric import mms_relu as R
from numeric import mms_stability as S
from numeric import mms_train as T
from numeric import mms_weight as Wt
from theorems.claim import BUDGETS, Context, Verdict
from theorems.papers.mms import lib_network as L

mp.mp.dps = 40


def _net() -> R.Net:
    return R.Net((F(1), F(-1), F(2)), (F(0), F(1, 2), F(-1)), (F(1), F(2), F(-1)), F(0))


def test_parameter_order_and_function_space_view():
    net = _net()
    assert R.Net.from_theta(net.theta()) == net
    assert net.theta()[:3] == net.w1 and net.theta()[6:9] == net.w2
    # neurons 2 and 3 share the knot 1/2 with jumps 2 and -2 (cancel); neuron 1: knot 0, jump 1
    assert R.knots(net) == [(F(0), F(1))]
    assert net(F(-1)) == 3 and net(F(1)) == 0
    r = net.rescaled([F(3), F(1, 2), F(5)])
    assert all(r(x) == net(x) for x in (F(-3), F(0), F(1, 3), F(7)))


def test_interpolating_minimum_exact_and_toggles():
    rng = random.Random(0)
    m = L.random_minimum(rng, toggles=2)
    assert m.interpolating and m.p == 2 and len(R.modes(m.net, m.xs)) == 4
    m0 = L.random_minimum(rng)
    assert m0.p == 0 and R.modes(m0.net, m0.xs) == [{}]


def test_hessian_and_gram_share_the_top_eigenvalue():
    m = L.random_minimum(random.Random(3))
    assert abs(R.lam_max(R.hessian(m.net, m.xs)) - R.lam_max(R.gram(m.net, m.xs))) < mp.mpf(10) ** -30
    # the Rayleigh quotient at u = 1/sqrt(n) is a lower bound (Lemma 4's first step)
    r = R.mean_feature_sq(m.net, m.xs)
    assert mp.mpf(r.numerator) / r.denominator <= R.lam_max(R.gram(m.net, m.xs)) + mp.mpf(10) ** -30


def test_weight_function_forms_and_strictness():
    xs = [F(-1), F(0), F(1, 3), F(1)]
    for c in [F(-1), F(0), F(1, 3), F(1, 2), F(1), F(2)]:
        assert abs(Wt.g(c, xs) - Wt.g_by_definition(c, xs)) < mp.mpf(10) ** -30
    assert Wt.g(F(-1), xs) == 0 and Wt.g(F(1), xs) == 0 and Wt.g(F(3), xs) == 0
    # at a data point the non-strict variant differs (g is discontinuous there)
    assert abs(Wt.g(F(0), xs) - Wt.g(F(0), xs, strict=False)) > mp.mpf(10) ** -3
    # population closed forms (U[-1,1]): g(0) = sqrt(5)/16, g(1/2) = 5/256
    assert abs(Wt.g_population(0, lambda t: mp.mpf(1) / 2, -1, 1) - mp.sqrt(5) / 16) < mp.mpf(10) ** -25
    assert abs(Wt.g_population(mp.mpf(1) / 2, lambda t: mp.mpf(1) / 2, -1, 1) - mp.mpf(5) / 256) < mp.mpf(10) ** -25
    assert abs(Wt.weighted_curvature(_net(), xs) - Wt.g(F(0), xs)) < mp.mpf(10) ** -30


def test_second_moment_operator_exact_test_matches_spectral_radius():
    rng = random.Random(5)
    for _ in range(6):
        hs = [S.mat([[F(rng.randint(0, 9), 3)]]), S.mat([[F(rng.randint(0, 9), 3)]])]
        rs = [S.mat([[0]])] * 2
        eta = F(rng.randint(1, 9), 10)
        M = S.second_moment_operator(hs, rs, 1, eta)
        rho = S.spectral_radius(M)
        if abs(rho - 1) > mp.mpf(10) ** -20:
            assert S.mean_square_stable(M) == (rho < 1)


def test_exact_expectation_matches_seeded_simulation():
    hs = [S.mat([[F(2), F(0)], [F(0), F(1, 2)]]), S.mat([[F(1, 2), F(1, 4)], [F(1, 4), F(1)]])]
    rs = [S.mat([[F(1, 10)], [F(0)]]), S.mat([[F(-1, 10)], [F(0)]])]
    exact = S.expected_norms(hs, rs, 1, F(1, 2), [F(1), F(1)], 4)
    mc = S.monte_carlo_norms(hs, rs, 1, 0.5, [1, 1], 4, 40000, seed=1)
    assert np.all(np.abs(np.array([float(v) for v in exact]) - mc) < 0.02)


def test_stationary_second_moment_none_when_unstable():
    hs = [S.mat([[F(0)]]), S.mat([[F(4)]])]  # mean 2, eta = 9/10: eta * mean = 1.8 <= 2 but unstable
    assert S.stationary_second_moment(hs, [S.mat([[0]])] * 2, 1, F(9, 10)) is None


def test_cone_max_against_brute_force():
    rng = random.Random(2)
    d = 4
    A = mp.matrix([[rng.gauss(0, 1) for _ in range(d)] for _ in range(d)])
    Q = A + A.T
    normals = [mp.matrix([1, 0, 0, 0]), mp.matrix([0, 1, -1, 0])]
    best = S.cone_max(Q, normals)
    brute = -mp.inf
    for _ in range(20000):
        v = mp.matrix([rng.gauss(0, 1) for _ in range(d)])
        if all(sum(n[i] * v[i] for i in range(d)) >= 0 for n in normals):
            v = v / mp.norm(v)
            brute = max(brute, (v.T * Q * v)[0])
    assert best is not None and brute <= best + mp.mpf(10) ** -20 and best - brute < 0.2


def test_strong_stability_margin_at_relu_minimum():
    m = L.random_minimum(random.Random(4), toggles=2, width=(1, 1), n_range=(3, 4))
    lu = m.sharpness_upper()
    inside = L.strong_stability_margin(m, L.eta_cap(lu))
    outside = L.strong_stability_margin(m, L.eta_cap(lu / F(11, 10)))
    assert inside is not None and inside > -mp.mpf(10) ** -20
    assert outside is not None and outside < 0


def test_gd_training_converges_and_is_exactified():
    x, y = [-1.6, -0.55, 0.3, 1.2], [0.05, 0.1, 0.12, 0.08]
    r = T.train(x, y, T.init_theta(12, 1), 1.0, 20000, tol=1e-20, warmup=500)
    assert r.converged
    xs, ys = [F(v).limit_denominator(100) for v in x], [F(v).limit_denominator(100) for v in y]
    net = R.nearest_interpolant(xs, ys, r.net())
    assert net is not None and R.interpolates(net, xs, ys)


def test_symbolic_bound_algebra():
    import sympy as sp

    from symbolic.mms_relu import C, delta_25, derived_35, eta, printed_35, q

    point = {C: 2, q: sp.Rational(1, 10), eta: 1}
    assert sp.N((derived_35() - 2 / eta).subs(point)) == pytest.approx(2 * float(sp.N((printed_35() - 2 / eta).subs(point))))
    assert sp.simplify(delta_25() - (printed_35() - 2 / eta) / 2) == 0


def test_models_are_listed():
    out = subprocess.run([sys.executable, "-m", "theorems", "models"], capture_output=True, text=True, check=True).stdout
    assert "relu_univariate" in out and "linear_stability" in out and "sharpness_gn" in out


def _conj(model, claim, assume):
    from theorems.conjecture import check_conjecture, prepare

    return check_conjecture(prepare(model, claim, assume), Context(budget=BUDGETS["quick"]))


def test_conjecture_linear_stability_mean_only_criterion_refuted():
    assert _conj("linear_stability", "second_moment <= 1", "eta*hbar <= 2").verdict is Verdict.REFUTED


def test_conjecture_linear_stability_jensen_passes():
    out = _conj("linear_stability", "abs(gd_factor) <= 1", "second_moment <= 1")
    assert out.verdict.passes


def test_conjecture_relu_lemma4_step_passes_and_wrong_constant_refuted():
    assert _conj("relu_univariate", "meanfeat2 >= 1 + 2*Wn", "d == 2").verdict.passes
    assert _conj("relu_univariate", "sharpness_gn <= 1 + 2*Wn", "d == 1").verdict is Verdict.REFUTED


def test_stationary_second_moment_matches_long_simulation():
    """The exact stationary E||v||^2 = tr S_inf (second-moment operator) against 400 seeded SGD steps."""
    hs = [S.mat([[F(2), F(0)], [F(0), F(1, 2)]]), S.mat([[F(1, 2), F(1, 4)], [F(1, 4), F(1)]]),
          S.mat([[F(1), F(0)], [F(0), F(1)]])]
    rs = [S.mat([[F(1, 10)], [F(0)]]), S.mat([[F(-1, 20)], [F(1, 20)]]), S.mat([[F(-1, 20)], [F(-1, 20)]])]
    tr = S.stationary_second_moment(hs, rs, 1, F(1, 2))
    assert tr is not None
    rng = np.random.default_rng(3)
    sys_ = S.batch_means(hs, rs, 1)
    A = np.array([np.eye(2) - 0.5 * np.array([[float(H[i, j]) for j in range(2)] for i in range(2)]) for H, _ in sys_])
    G = np.array([[0.5 * float(g[i, 0]) for i in range(2)] for _, g in sys_])
    V = np.ones((50000, 2))
    for _ in range(400):
        idx = rng.integers(0, len(sys_), size=len(V))
        V = np.einsum("pij,pj->pi", A[idx], V) - G[idx]
    assert abs(float((V ** 2).sum(1).mean()) / float(tr) - 1) < 0.05
