"""Exact SOS certificates (symbolic.sos) and their use in engines.inequality.

Each method must be able to fail: the Motzkin polynomial (non-negative, not SOS) is not PROVED
by a plain SOS search, a certificate that does not verify exactly never gives PROVED, and wrong
claims come out REFUTED; true ones are PROVED with a checkable certificate in the evidence.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy as sp

import symbolic.sos as sos
from symbolic.cases import lift_sqrt, sign_cases
from theorems import BUDGETS, Context, Verdict, engines

CTX = Context(budget=BUDGETS["quick"])
STD = Context(budget=BUDGETS["standard"])
x, y = sp.symbols("x y", real=True)
MOTZKIN = x**4 * y**2 + x**2 * y**4 - 3 * x**2 * y**2 + 1


def _lagrange(d: int):
    a = sp.symbols(f"a1:{d + 1}", real=True)
    b = sp.symbols(f"b1:{d + 1}", real=True)
    na, nb = sum(v**2 for v in a), sum(v**2 for v in b)
    ab = sum(u * v for u, v in zip(a, b, strict=True))
    return a, b, na, nb, ab


def _plane_sampler(rng: random.Random, i: int):
    return {x: Fraction(rng.randint(-40, 40), rng.randint(1, 9)), y: Fraction(rng.randint(-40, 40), rng.randint(1, 9))}


# ---------------------------------------------------------------- the certificate search itself


def test_motzkin_is_not_proved_by_plain_sos():
    res = sos.find_certificate(MOTZKIN, [x, y])
    assert not res.proved and res.certificate is None
    assert "no certificate" in res.reason or "no rounding" in res.reason


def test_motzkin_through_the_engine_is_not_proved():
    out = engines.inequality(MOTZKIN, STD, strict=False, sample=_plane_sampler)
    assert out.verdict is not Verdict.PROVED
    assert out.verdict.passes  # it is true: sampling supports it, nothing refutes it
    assert "sos" in out.details


def test_lagrange_identity_is_proved_with_a_checkable_certificate():
    a, b, na, nb, ab = _lagrange(3)
    res = sos.find_certificate(na * nb - ab**2, [*a, *b])
    assert res.proved
    ok, why = sos.verify(res.certificate)
    assert ok, why
    text = res.certificate.to_json()["terms"][0]["sum_of_squares"]
    assert "(a1*b2 - a2*b1)^2" in text


def test_verify_rejects_a_perturbed_gram_matrix():
    a, b, na, nb, ab = _lagrange(2)
    res = sos.find_certificate(na * nb - ab**2, [*a, *b])
    cert = res.certificate
    g = cert.terms[0].gram
    g[0][0] += Fraction(1, 10**12)  # rounding error: the identity no longer holds exactly
    ok, why = sos.verify(cert)
    assert not ok and "identity fails" in why


def test_verify_rejects_an_indefinite_gram_matrix_even_when_the_identity_holds():
    # x^4 + y^4 = z^T G z with z = (x^2, xy, y^2) and G indefinite
    G = [[Fraction(1), Fraction(0), Fraction(-2)], [Fraction(0), Fraction(4), Fraction(0)],
         [Fraction(-2), Fraction(0), Fraction(1)]]
    cert = sos.SOSCertificate([x, y], x**4 + y**4, [sos.SOSTerm(sp.Integer(1), [(2, 0), (1, 1), (0, 2)], G)])
    ok, why = sos.verify(cert)
    assert not ok and "not positive semidefinite" in why


def test_a_rounding_that_does_not_verify_never_gives_proved(monkeypatch):
    originals = {name: getattr(sos, name) for name in ("_round_and_project", "_project_all")}

    def spoil(name):
        def rounding(*args):
            cert = originals[name](*args)
            if cert is not None and cert.terms and cert.terms[0].gram:
                cert.terms[0].gram[0][0] += Fraction(1, 2**50)  # off by one rounding unit
            return cert

        return rounding

    for name in originals:
        monkeypatch.setattr(sos, name, spoil(name))
    a, b, na, nb, ab = _lagrange(3)
    res = sos.find_certificate(na * nb - ab**2, [*a, *b])
    assert not res.proved and res.certificate is None
    out = engines.inequality(na * nb - ab**2, CTX, strict=False,
                             sample=lambda rng, i: {s: Fraction(rng.randint(-9, 9), 4) for s in (*a, *b)})
    assert out.verdict is not Verdict.PROVED
    assert out.verdict.passes  # still true: the sampled evidence supports it


def test_ldl_psd_exact():
    ok, L, D = sos.ldl_psd([[Fraction(4), Fraction(2)], [Fraction(2), Fraction(1)]])  # rank 1
    assert ok and D == [4, 0]
    assert not sos.ldl_psd([[Fraction(0), Fraction(1)], [Fraction(1), Fraction(5)]])[0]
    assert not sos.ldl_psd([[Fraction(1), Fraction(2)], [Fraction(2), Fraction(1)]])[0]


def test_putinar_certificate_on_an_interval():
    res = sos.find_certificate(1 - x**2, [x], [1 - x, 1 + x])
    assert res.proved and sos.verify(res.certificate)[0]


def test_strict_inequality_needs_a_positive_constant():
    xp, yp = sp.symbols("xp yp", positive=True)
    res = sos.find_certificate(xp + yp, [xp, yp], [], [xp, yp], strict=True)
    assert res.proved and res.certificate.strictly_positive
    # x^2 - xy + y^2 >= 0 everywhere but = 0 at the origin: not > 0
    assert sos.find_certificate(x**2 - x * y + y**2, [x, y]).proved
    assert not sos.find_certificate(x**2 - x * y + y**2, [x, y], strict=True).proved


# ---------------------------------------------------------------- abs / sqrt reductions


def test_sign_cases_cover_abs_and_max():
    cases = sign_cases(sp.Abs(x) + sp.Max(x, y))
    assert len(cases) == 4
    assert all(not c.expr.has(sp.Abs, sp.Max) for c in cases)
    assert sign_cases(sum(sp.Abs(x - k) for k in range(6)), max_cases=16) is None


def test_lift_sqrt_adds_the_defining_constraints():
    e, cons, lifted = lift_sqrt(sp.sqrt(x**2 + 1) - x, [])
    (t,) = lifted
    assert e == t - x and sp.Eq(t**2, x**2 + 1) in cons


@pytest.mark.parametrize("d", [2, 3])
def test_engine_proves_lemma10_abs_form_by_sign_cases(d):
    a, b, na, nb, ab = _lagrange(d)
    lam = na + nb
    Q = sum(sp.Abs(u**2 - v**2) for u, v in zip(a, b, strict=True))
    out = engines.inequality(lam**2 - Q**2 - 4 * ab**2, STD, strict=False)
    assert out.verdict is Verdict.PROVED
    assert "sign case split" in out.method and len(out.details["sos"]) == 2**d


def test_engine_refutes_a_false_abs_claim():
    out = engines.inequality(sp.Abs(x) - x**2, CTX, strict=False, sample=_plane_sampler)
    assert out.verdict is Verdict.REFUTED


def test_engine_proves_am_gm_through_the_sqrt_lift():
    xp = sp.Symbol("xp", nonnegative=True)
    out = engines.inequality((1 + xp) / 2 - sp.sqrt(xp), STD, strict=False)
    assert out.verdict is Verdict.PROVED and "lifted" in out.details["sos"][0]


def test_engine_refutes_false_polynomial_claim_before_any_sos():
    out = engines.inequality(x**2 - 2 * x * y, CTX, strict=False, sample=_plane_sampler)
    assert out.verdict is Verdict.REFUTED


def test_true_polynomial_conjecture_is_proved_through_the_conjecture_checker():
    from theorems.conjecture import check_conjecture, prepare

    # (|a|^2 + |b|^2)^2 >= 4 (a.b)^2 + (sum_i Q_i)^2 in d = 3: no sign-definite factorisation
    out = check_conjecture(prepare("shallow_linear", "lam**2 >= 4*ab**2 + Qsigned**2", ["d == 3"], None, None), STD)
    assert out.verdict is Verdict.PROVED and engines.SOS_METHOD in out.method
    # the same with a wrong constant is refuted
    out = check_conjecture(prepare("shallow_linear", "lam**2 >= 5*ab**2 + Qsigned**2", ["d == 3"], None, None), CTX)
    assert out.verdict is Verdict.REFUTED


def test_squared_form_proves_lam_gt_4s_and_refutes_a_weaker_premise():
    lam, s, Q = sp.symbols("lam s Q", positive=True)
    cons = [lam**2 - Q**2 - 4 * s**2 >= 0, Q**2 - 12 * s**2 > 0]
    out = engines.inequality(lam - 4 * s, STD, strict=True, constraints=cons)
    assert out.verdict is Verdict.PROVED and "squared_form" in out.details["sos"][0]
    weaker = [lam**2 - Q**2 - 4 * s**2 >= 0, Q**2 - 11 * s**2 > 0]  # then lam = 4s is possible
    out = engines.inequality(lam - 4 * s, CTX, strict=True, constraints=weaker,
                             sample=lambda rng, i: {lam: Fraction(rng.randint(1, 60), 7), s: Fraction(rng.randint(1, 9), 7),
                                                    Q: Fraction(rng.randint(1, 60), 7)})
    assert out.verdict is Verdict.REFUTED


def test_lp_form_certificate_for_a_product_of_constraints():
    al, lam, q = sp.symbols("alpha lam q", positive=True)
    res = sos.find_certificate(al * lam - q - al**2 * q, [al, lam, q], [al - sp.Rational(1, 2)],
                               [1 - al, lam - 4 * q, al, lam, q], strict=True)
    assert res.proved and sos.verify(res.certificate)[0]
    # the same with alpha allowed down to 0 is false (alpha -> 0: -q < 0): no certificate
    assert not sos.find_certificate(al * lam - q - al**2 * q, [al, lam, q], [],
                                    [1 - al, lam - 4 * q, al, lam, q], strict=True).proved


# ---------------------------------------------------------------- exact LP, reformulations


def test_exact_lp_vertex_proves_a_tight_inequality_and_not_a_false_one():
    # 2 lam^2 >= 4 t^2 (e + P)^2 on lam >= 2(e + P), t^2 <= 2: equality at t = sqrt2, lam = 2(e+P)
    lam, e, P, t = sp.symbols("lam e P t", real=True)
    cons = [lam - 2 * (e + P), 2 - t**2, lam]
    res = sos.find_certificate(2 * lam**2 - 4 * t**2 * (e + P) ** 2, [P, e, lam, t], cons, [e, P, t], degree=4,
                               lp_only=True)
    assert res.proved and "exact LP vertex" in res.notes["form"] and sos.verify(res.certificate)[0]
    # with 3 t^2 <= 8 (t up to 1.63 > sqrt2) it is false at t^2 = 8/3, lam = 2(e + P)
    cons = [lam - 2 * (e + P), 8 - 3 * t**2, lam]
    assert not sos.find_certificate(2 * lam**2 - 4 * t**2 * (e + P) ** 2, [P, e, lam, t], cons, [e, P, t],
                                    degree=4).proved


def test_a_spoiled_exact_lp_solve_never_gives_proved(monkeypatch):
    lam, e, P, t = sp.symbols("lam e P t", real=True)
    original = sos._solve_consistent

    def spoiled(M, r):
        y = original(M, r)
        if y is not None:
            y[0, 0] += sos_fmpq(1, 2**50)
        return y

    from flint import fmpq as sos_fmpq

    monkeypatch.setattr(sos, "_solve_consistent", spoiled)
    res = sos.find_certificate(2 * lam**2 - 4 * t**2 * (e + P) ** 2, [P, e, lam, t],
                               [lam - 2 * (e + P), 2 - t**2, lam], [e, P, t], degree=4, lp_only=True)
    assert not res.proved and res.certificate is None


def test_substitution_eta_eps_proves_eq69_first_claim_and_refutes_a_larger_cap():
    eps, lam, Phi = sp.symbols("epsilon lambda Phi", real=True)
    eta = sp.Symbol("eta", positive=True)
    expr = lam * eps * eta - eta**2 * eps**2 * (eps + Phi)
    dom = [eps > 0, Phi > 0, lam - 2 * (eps + Phi) >= 0, 2 - eta**2 * eps**2 >= 0]
    out = engines.inequality(expr, STD, strict=True, constraints=dom)
    assert out.verdict is Verdict.PROVED and out.details["sos"][0]["certificate"]["terms"]
    # the substitution eta = t/eps on its own: the image is of degree 2 with t^2 <= 2
    core = lam - eta * eps * (eps + Phi)
    (image,) = engines._sos_substitutions(core, [lam - 2 * (eps + Phi), 2 - eta**2 * eps**2], [eps, Phi, eta], [],
                                          {eps, lam, Phi, eta}, True)
    t = sp.Symbol("eta_epsilon", real=True)
    assert image[0] == sp.expand(lam - t * (eps + Phi)) and sp.expand(2 - t**2) in image[1] and t in image[2]
    assert "bijection" in image[5]
    res = sos.find_certificate(image[0], sorted(image[4], key=str), image[1], image[2], image[3], strict=True,
                               degree=4)
    assert res.proved
    # eta eps up to 3 > 2: false at lam = 2(eps + Phi), eta eps = 3
    bad = [eps > 0, Phi > 0, lam - 2 * (eps + Phi) >= 0, 9 - eta**2 * eps**2 >= 0]

    def sample(rng, i):
        e_, P_ = Fraction(rng.randint(1, 9), 4), Fraction(rng.randint(1, 9), 4)
        return {eps: e_, Phi: P_, lam: 2 * (e_ + P_), eta: Fraction(rng.randint(21, 30), 10) / e_}

    out = engines.inequality(expr, CTX, strict=True, constraints=bad, sample=sample)
    assert out.verdict is Verdict.REFUTED


def test_elimination_and_target_multiplier_prove_lemma17_second_interval():
    # p = 1 - u + alpha u^2 < 0 for u between the roots' scaled forms U1 < u < U2 (bw Lemma 17)
    u = sp.Symbol("u", positive=True)
    al = sp.Symbol("alpha", real=True)
    p = 1 - u + al * u**2
    U1 = 2 / (1 + sp.sqrt(1 - 4 * al))
    U2 = 4 / (1 + sp.sqrt(1 - 8 * al))
    out = engines.inequality(-p, STD, strict=True, constraints=[al <= sp.Rational(1, 8), u > U1, u < U2])
    assert out.verdict is Verdict.PROVED
    proof = out.details["sos"][0]
    assert proof["eliminated"] and "lifted" in proof
    # past the second root's scaled form (8/(1 + sqrt(1 - 8 alpha)) > 2/(1 - sqrt(1 - 4 alpha))): false
    wide = [al <= sp.Rational(1, 8), u > U1, u < 2 * U2]

    def sample(rng, i):
        return {al: Fraction(1, 8), u: Fraction(rng.randint(700, 790), 100)}  # U1' = 6.83 < u < 8 = 2 U2

    out = engines.inequality(-p, CTX, strict=True, constraints=wide, sample=sample)
    assert out.verdict is Verdict.REFUTED


def test_sign_of_an_abs_argument_fixed_by_sos():
    out = engines.inequality(sp.Abs(x**2 - 2 * x + 2) - 1, STD, strict=False)
    assert out.verdict is Verdict.PROVED and "signs_fixed" in out.details
    assert len(out.details["sos"]) == 1  # no sign case was needed
