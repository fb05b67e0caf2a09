"""The loureiro machinery against deliberately wrong statements (must be REFUTED) and their true
versions (must pass), the conjecture vocabulary of the two new models, and a few claims.

Expected answers, by hand:
* phi_I(t) = (t asinh(t/I) - sqrt(t^2+I^2) + I)/2 has phi_I' = asinh(t/I)/2 (I > 0): the
  printed asinh(t/I) is off by a factor 2.
* Three-point identity D(c,a) = D(c,b) + D(b,a) + <grad psi(b) - grad psi(a), c - b> holds for the
  textbook D (gradient at the 2nd argument), not with the gradient at the first argument.
* GD on least squares from theta0 converges to P_ker theta0 + X^+ y, not to X^+ y (unless
  theta0 is in span(x_i)).
* Under the DLN gradient flow (u^2 - v^2)/2 is conserved; (u^2 + v^2)/2 is not.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mpmath as mp
import pytest
import sympy as sp

from symbolic import diagonal_network as dn
from symbolic import least_squares as ls
from symbolic import mirror_flow as mf
from theorems import Budget, Context, Verdict
from theorems.claim import Kind
from theorems.conjecture import check_conjecture, prepare
from theorems.papers.loureiro import lib
from theorems.spec import Identity, claim

ROOT = Path(__file__).resolve().parents[1]
QUICK = Context(budget=Budget.named("quick"))
PASS = {Verdict.PROVED, Verdict.CERTIFIED, Verdict.SUPPORTED}


def _verdict(statement) -> Verdict:
    return statement.check(QUICK).verdict


# ------------------------------------------------------------------ potential gradient


def test_potential_gradient_factor_two_refuted_true_proved():
    phi = mf.hyperbolic_entropy(1)
    (t,) = phi.theta
    I = sp.Symbol("I1", positive=True)
    sample = lib.witness_sampler(t, I)
    assert _verdict(Identity(phi.grad[0], sp.asinh(t / I), sample=sample)) is Verdict.REFUTED
    assert _verdict(Identity(phi.grad[0], sp.asinh(t / I) / 2, sample=sample)) is Verdict.PROVED
    out = Identity(phi.grad[0], sp.asinh(t / I), sample=sample).check(QUICK)
    assert "asinh" in out.derived["derived"] and out.counterexample is not None


# ------------------------------------------------------------------ Bregman conventions


def test_three_point_identity_swapped_divergence_refuted():
    a, b, c = sp.symbols("a b c", real=True)
    for pot in (mf.Potential(sp.Symbol("t", real=True) ** 4 / 4 + sp.Symbol("t", real=True) ** 2,
                             (sp.Symbol("t", real=True),)),):
        good = mf.three_point_residual(mf.bregman, pot, (c,), (b,), (a,))
        bad = mf.three_point_residual(mf.bregman_gradient_at_first, pot, (c,), (b,), (a,))
        sample = lib.witness_sampler(a, b, c)
        assert _verdict(Identity(good, sp.Integer(0), sample=sample)) is Verdict.PROVED
        assert _verdict(Identity(bad, sp.Integer(0), sample=sample)) is Verdict.REFUTED


def test_quadratic_divergence_conventions():
    q = mf.squared_norm_potential(2)
    a, b = ls.symbolic_vector(2, "a"), ls.symbolic_vector(2, "b")
    half = ((a - b).T * (a - b))[0, 0] / 2
    assert _verdict(Identity(mf.bregman(q, a, b), half)) is Verdict.PROVED
    assert _verdict(Identity(mf.bregman_gradient_at_first(q, a, b), half)) is Verdict.REFUTED


# ------------------------------------------------------------------ GD limit with theta0's kernel part

UNDER = lib.design_domain(lib.UNDER_SMALL)


def _limit_slack(ignore_kernel: bool):
    def exact(inst):
        D = lib.design_of(inst)
        claimed = ls.min_norm_interpolator(D.Xs(), D.ys()) if ignore_kernel else ls.gd_limit(D.Xs(), D.ys(), D.t0s())
        truth = ls.projection_by_kkt(D.Xs(), D.ys(), D.t0s())  # independent: exact KKT solve
        w = claimed - truth
        return -(w.T * w)[0, 0]

    return exact


def test_gd_limit_ignoring_kernel_component_refuted():
    wrong = _limit_slack(True)
    right = _limit_slack(False)
    bad = lib.on_designs(lambda inst, dps: lib.mpf_exact(wrong(inst)), UNDER, "limit = X^+ y", exact=wrong)
    good = lib.on_designs(lambda inst, dps: lib.mpf_exact(right(inst)), UNDER, "limit = P_ker theta0 + X^+ y",
                          exact=right)
    out = bad.check(QUICK)
    assert out.verdict is Verdict.REFUTED
    assert "X (rows)" in out.counterexample.values and "theta0" in out.counterexample.values
    assert good.check(QUICK).verdict in PASS


def test_gd_iteration_converges_to_kernel_aware_limit_numerically():
    D = lib.make_design(3, 6, 4)
    with mp.workdps(30):
        X, y, t0 = D.Xm(), D.ym(), D.t0m()
        from numeric import least_squares as nls

        lmax = nls.largest_eig(X)
        last = nls.gd_iterates(X, y, t0, 1 / lmax, 4000, record=(4000,))[0]
        right = nls.gd_limit(X, y, t0)
        wrong = nls.min_norm_solution(X, y)
        assert nls.norm(last - right) < 1e-8 < nls.norm(last - wrong)


# ------------------------------------------------------------------ conserved quantity


def test_conserved_quantity_wrong_sign_refuted():
    X, y = ls.symbolic_matrix(2, 3), ls.symbolic_vector(2, "y")
    u, v = dn.vec("u", 3), dn.vec("v", 3)
    good = dn.time_derivative(dn.conserved(u, v), X, y, u, v)
    bad = dn.time_derivative((u.multiply_elementwise(u) + v.multiply_elementwise(v)) / 2, X, y, u, v)
    assert _verdict(Identity(good, sp.zeros(3, 1))) is Verdict.PROVED
    assert _verdict(Identity(bad, sp.zeros(3, 1), sample=lib.witness_sampler(bad))) is Verdict.REFUTED


# ------------------------------------------------------------------ statements as claims


def test_statement_claim_roundtrip():
    @claim("test.loureiro_tmp", title="t", source="s", statement="s", kind=Kind.IDENTITY)
    def _c():
        """test claim"""
        t = sp.Symbol("t", real=True)
        return Identity(sp.diff(t**2, t), 2 * t)

    assert _c.check(QUICK).verdict is Verdict.PROVED


@pytest.mark.parametrize("cid,variant,expected", [
    ("loureiro.eq3_22", "printed", Verdict.REFUTED),   # factor 2 in the gradient of phi_I
    ("loureiro.eq3_19", "printed", Verdict.REFUTED),   # u^2 + v^2 = 2 sqrt(theta^2 + I^2)
    ("loureiro.eq3_23", "reading", Verdict.PROVED),    # mirror form for I > 0
    ("loureiro.eq2_16", "printed", Verdict.CERTIFIED),
    ("loureiro.claim_theta0_zero", "printed", Verdict.REFUTED),  # theta0 in span(x_i) suffices
])
def test_selected_claims(cid, variant, expected):
    from theorems import registry

    c = registry.get(cid)
    v = next(v for v in c.variants() if v.name == variant)
    assert v.check(QUICK).verdict is expected


# ------------------------------------------------------------------ conjecture vocabulary


def test_models_listed():
    out = subprocess.run([sys.executable, "-m", "theorems", "models"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0
    assert "least_squares:" in out.stdout and "diagonal_network:" in out.stdout


@pytest.mark.parametrize("model,conj,expected", [
    # GD on one sample moves theta along x only: the component orthogonal to x is frozen
    ("least_squares", "kernorm2_next == kernorm2", Verdict.PROVED),
    ("least_squares", "kernorm2_next == kernorm2 + eta*r", Verdict.REFUTED),
    # r+ = r (1 - eta ||x||^2)
    ("least_squares", "r_next == r*(1 - eta*xnorm2)", Verdict.PROVED),
    # DLN: GD changes I_i by the factor (1 - eta^2 g_i^2); it is not conserved by GD
    ("diagonal_network", "I_i_next == (1 - eta^2*g_i^2)*I_i", Verdict.PROVED),
    ("diagonal_network", "I_i_next == I_i", Verdict.REFUTED),
])
def test_conjectures_on_new_models(model, conj, expected):
    assert check_conjecture(prepare(model, conj, None, None, None), QUICK).verdict is expected
