"""mmv machinery fed deliberately wrong versions (must be REFUTED) and the true ones (must pass):
a wrong mirror potential, a non-conserved "imbalance", a wrong transition window, a wrong
max-margin direction; plus the mmv models in the conjecture vocabulary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from symbolic.deep_linear import DeepLinear
from theorems import Budget, Context, Verdict
from theorems.conjecture import check_conjecture, prepare
from theorems.papers.mmv.lib_factorization import svm_direction
from theorems.papers.mmv.lib_mirror import l2_potential, mirror_residual, survey_potential, thm1_gap
from theorems.papers.mmv.s2a_mirror import THM1
from theorems.papers.mmv.s2b_factorization import THM4, _thm4_slack, soudry_statement
from theorems.spec import Domain, Holds, Identity, Real

QUICK = Context(budget=Budget.named("quick"))
PASS = {Verdict.PROVED, Verdict.CERTIFIED, Verdict.SUPPORTED}
ROOT = Path(__file__).resolve().parents[1]


def _domain_for(expr) -> Domain:
    syms = sorted(sp.Matrix(expr).free_symbols, key=str)
    return Domain(*(Real(str(s), -2, 2) for s in syms))


# ------------------------------------------------------------------ mirror potential

def test_l2_potential_is_not_the_diagonal_networks_mirror_potential():
    res = mirror_residual(l2_potential)
    syms = sorted(res.free_symbols, key=str)
    dom = Domain(*(Real(str(s), 1, 2) for s in syms))  # positive scales p_i, k_i as the residual assumes
    assert Identity(res, sp.zeros(2, 1), domain=dom).check(QUICK).verdict is Verdict.REFUTED


def test_survey_potential_is_the_mirror_potential():
    assert Identity(mirror_residual(survey_potential), sp.zeros(2, 1)).check(QUICK).verdict is Verdict.PROVED


def test_gf_limit_is_not_the_l2_projection_but_is_the_bregman_projection():
    wrong = Holds(thm1_gap("l2"), THM1, samples=1, search=False, float64=True).check(QUICK)
    right = Holds(thm1_gap("survey"), THM1, samples=1, search=False, float64=True).check(QUICK)
    assert wrong.verdict is Verdict.REFUTED
    assert right.verdict in PASS


# ------------------------------------------------------------------ imbalance


@pytest.mark.parametrize("dims", [(2, 2, 2), (3, 3, 3, 3)])
def test_wrong_transpose_imbalance_is_not_conserved(dims):
    net = DeepLinear(dims)
    wrong = net.gf_derivative(net.imbalance(1, transpose_error=True))
    assert Identity(wrong, sp.zeros(*wrong.shape), domain=_domain_for(wrong)).check(QUICK).verdict is Verdict.REFUTED
    right = net.gf_derivative(net.imbalance(1))
    assert Identity(right, sp.zeros(*right.shape)).check(QUICK).verdict is Verdict.PROVED


def test_gd_change_is_exactly_eta_squared_term_and_not_zero():
    net = DeepLinear((2, 3, 2))
    change = net.gd_change(net.imbalance(1))
    assert Identity(change, net.gd_change_printed(1)).check(QUICK).verdict is Verdict.PROVED
    assert Identity(change, sp.zeros(*change.shape), domain=_domain_for(change)).check(QUICK).verdict is Verdict.REFUTED


def test_table_ordering_needs_its_own_quantity():
    net = DeepLinear((2, 2, 2), "table")
    survey_form = net.weights[1].T * net.weights[1] - net.weights[0] * net.weights[0].T
    d = net.gf_derivative(survey_form)
    assert Identity(d, sp.zeros(2, 2), domain=_domain_for(d)).check(QUICK).verdict is Verdict.REFUTED
    assert Identity(net.gf_derivative(net.imbalance(1)), sp.zeros(2, 2)).check(QUICK).verdict is Verdict.PROVED


# ------------------------------------------------------------------ transition windows


def test_wrong_transition_window_is_refuted_and_the_reading_holds():
    early = Holds(_thm4_slack("c-left"), THM4, samples=6, search=False).check(QUICK)
    printed = Holds(_thm4_slack("C"), THM4, samples=6, search=False).check(QUICK)
    reading = Holds(_thm4_slack("c"), THM4, samples=6, search=False).check(QUICK)
    assert early.verdict is Verdict.REFUTED
    assert printed.verdict is Verdict.REFUTED
    assert reading.verdict in PASS


# ------------------------------------------------------------------ max-margin direction


def test_wrong_max_margin_direction_is_refuted():
    def wrong():
        w = svm_direction()
        return np.array([w[0], -w[1]])  # reflected: a different direction

    assert soudry_statement(wrong).check(QUICK).verdict is Verdict.REFUTED


# the true direction (SUPPORTED, with the GD part proved + measured): tests/test_mmv_soudry.py


# ------------------------------------------------------------------ vocabulary


def test_models_are_listed():
    out = subprocess.run([sys.executable, "-m", "theorems", "models"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    for name in ("deep_linear", "matrix_factorization", "eos_valley", "logistic_pair"):
        assert f"{name}:" in out


@pytest.mark.parametrize("model,claim,assume,expected", [
    # GD on (w3 w2 w1 - y)^2/2: G1 = w3 w2 e, G2 = w3 w1 e (e = P - y), so D1 = w2^2 - w1^2 moves by
    # eta^2 (G2^2 - G1^2) exactly
    ("deep_linear", "D1_next - D1 == eta**2*(w3**2*w1**2 - w3**2*w2**2)*(P-y)**2", [], {Verdict.PROVED}),
    ("deep_linear", "D1_next == D1", [], {Verdict.REFUTED}),
    # eq. (45): theta2+ = theta2 - eta 2 exp(-theta1) theta2
    ("eos_valley", "theta2_next == (1 - eta*lam_par)*theta2", [], {Verdict.PROVED}),
    # d = 1: u+ = u + eta (sigma - u^2) u shrinks |u| when u^2 > sigma
    ("matrix_factorization", "norm2_next >= norm2", ["d == 1"], {Verdict.REFUTED}),
    # the Hessian of (36) is at most 1/4 in norm, so eta < 1 < 8 is a descent step
    ("logistic_pair", "loss_next <= loss", ["eta < 1"], PASS),
])
def test_one_conjecture_per_model(model, claim, assume, expected):
    out = check_conjecture(prepare(model, claim, assume), QUICK)
    assert out.verdict in expected
