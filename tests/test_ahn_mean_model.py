"""Known-answer tests for the ahn mean-model and ReLU-network simulators (ahn §1, §3)."""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from numeric import mean_model as N
from numeric import relu_network as RN
from symbolic import mean_model as S
from theorems import BUDGETS, Context, Verdict, engines

CTX = Context(budget=BUDGETS["quick"])


@pytest.mark.parametrize("x", ["-5", "-1", "-0.3", "0", "0.7", "4"])
def test_g_closed_form_matches_quadrature(x):
    with mp.workdps(50):
        assert abs(N.g_by_quadrature(mp.mpf(x)) - N.g(mp.mpf(x))) < mp.mpf(10) ** -45


def test_g_sympy_integral_is_closed_form():
    assert sp.simplify(S.g_by_sympy_integration(S.b) - S.g_closed(S.b)) == 0


def test_lemma3_quantity_proved_and_wrong_coefficient_refuted():
    m = S.MeanModel()
    good = engines.identity(m.time_derivative(S.lemma3_quantity(2)), 0, CTX)
    bad = engines.identity(m.time_derivative(S.lemma3_quantity(1)), 0, CTX,
                           sample=lambda rng: {S.A: sp.Rational(rng.randint(1, 5), 2), S.b: sp.Rational(-1, 3),
                                               S.d: sp.Integer(3)})
    assert good.verdict is Verdict.PROVED
    assert bad.verdict is not Verdict.PROVED  # REFUTED if SymPy decides the witness, never PROVED
    assert bad.verdict in (Verdict.REFUTED, Verdict.INCONCLUSIVE)


def test_wrong_conservation_law_refuted_on_abstract_g():
    g = S.G
    m = S.MeanModel(g=g)
    kap = sp.Integral(g(S.u) / sp.diff(g(S.u), S.u), (S.u, 0, S.b))
    assert engines.identity(m.time_derivative(S.A**2 / 2 - 2 * S.d**2 * kap), 0, CTX).verdict is Verdict.PROVED
    wrong = S.A**2 / 2 - S.d**2 * kap
    out = engines.identity(m.time_derivative(wrong), 0, CTX)
    assert out.verdict is not Verdict.PROVED


def test_gf_conserved_quantity_is_conserved_numerically():
    with mp.workdps(30):
        dd = 10
        T = 8 * mp.pi / dd**2
        _, ys = N.gf_rk4(1, dd, T, T / 200)
        A1, b1 = ys[-1]
        q0 = N.conserved(mp.mpf(1), mp.mpf(0), dd)
        q1 = N.conserved(A1, b1, dd)
        assert abs(A1) < 0.5  # the flow moved
        assert abs(q1 - q0) < 1e-9 * abs(q0)
        # and a wrong coefficient is visibly not conserved
        assert abs(N.conserved(A1, b1, dd, coeff=1) - N.conserved(mp.mpf(1), 0, dd, coeff=1)) > 1e-3


def test_gd_limit_tends_to_gf_root():
    with mp.workdps(30):
        pred = N.gf_limit_bias(1, 50)
        errs = []
        for r in (Fraction(1, 10), Fraction(1, 100)):
            run = N.gd_run(1, 50, N.to_mpf(r) * N.eta_c(50), 10**6, record=False)
            assert run.converged
            errs.append(abs(run.b_final - pred))
        assert errs[1] < errs[0] / 5


def test_eos_bound_at_10pi_is_minus_0087():
    with mp.workdps(30):
        v = N.g_inverse(2 / mp.sqrt(10 * mp.pi))
        assert -0.0873 < v < -0.0872


def test_incremental_features_match_direct():
    rng = np.random.default_rng(3)
    data = RN.make_data(40, 30, 3.0, rng)
    feats = RN.Features(data.X, refresh=7)
    for bval in (0.0, -0.4, 0.3, -1.7, -1.69, 2.5, 0.0):
        for a, e in zip(feats.at(bval), RN.features_direct(data.X, bval), strict=True):
            assert np.max(np.abs(a - e)) < 1e-10


def test_network_gradient_matches_finite_differences():
    rng = np.random.default_rng(5)
    data = RN.make_data(50, 20, 3.0, rng)
    feats = RN.Features(data.X)
    p = (0.03, -0.05, -0.2)
    _, g, _ = RN.loss_and_grad(p, data, feats, "mean")
    h = 1e-6
    for k in range(2):  # a-, a+ (b has kinks; checked through the counts test above)
        q1 = list(p)
        q2 = list(p)
        q1[k] += h
        q2[k] -= h
        num = (RN.loss_and_grad(tuple(q1), data, feats, "mean")[0] - RN.loss_and_grad(tuple(q2), data, feats,
                                                                                        "mean")[0]) / (2 * h)
        assert abs(num - g[k]) < 1e-6


def test_sum_loss_is_mean_loss_with_n_times_the_step():
    s = RN.Setting(d=20, n=30, seed=1)
    train, init, _ = RN.setting_data(s)
    r_sum = RN.gd_run(train, init, 1e-3, 50, loss="sum")
    r_mean = RN.gd_run(train, init, 30e-3, 50, loss="mean")
    assert np.allclose(r_sum.final, r_mean.final, rtol=1e-9, atol=1e-12)
