"""ahn: the assumption checker rejects losses violating (A1), (A2), (A2+), (A3) and accepts
Example 1; the generator only emits admissible losses."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy as sp

from symbolic.losses import (
    FAMILIES,
    OO,
    Loss,
    Piece,
    admissible_loss,
    ell_beta,
    ell_rsym,
    ell_sqr,
    ell_sym,
    flat,
    huber,
    u,
)
from theorems.claim import BUDGETS, Context, Verdict
from theorems.papers.ahn.assumptions import (
    check_A1,
    check_A2,
    check_A2plus,
    check_A3,
    check_dl_lipschitz,
)

CTX = Context(budget=BUDGETS["quick"])
Z = sp.Integer(0)


def _loss(name, pieces, **kw) -> Loss:
    return Loss(name, tuple(Piece(sp.nsimplify(a), b if b is OO else sp.nsimplify(b), e) for a, b, e in pieces), **kw)


# violators ---------------------------------------------------------------------------

NOT_EVEN = _loss("not_even", [(0, OO, u / sp.sqrt(1 + u**2))], beta=sp.Integer(2),
                 neg=(Piece(Z, OO, u / sp.sqrt(1 + 4 * u**2) + u / 2 / (1 + u**2)),))
NOT_NORMALISED = ell_sym()  # ell''(0) = 1/4
NOT_CONVEX = _loss("not_convex", [(0, sp.Rational(1, 2), u), (sp.Rational(1, 2), 1, 1 - u), (1, OO, Z)])
NOT_LIPSCHITZ = _loss("not_lipschitz", [(0, 2, u), (2, OO, sp.Integer(2))])
# ell''''(0) < 0 but ell'(s)/s > 1 at s = 1/2 (catalogue ahn.lemma5): violates global (A2)
A2_GLOBAL = _loss("a2_global", [(0, sp.Rational(3, 10), u - u**3),
                                (sp.Rational(3, 10), sp.Rational(1, 2),
                                 sp.Rational(273, 1000) + (sp.Rational(600 - 273, 200)) * (u - sp.Rational(3, 10))),
                                (sp.Rational(1, 2), OO, sp.Rational(3, 5))], beta=sp.Integer(2))
# ell'(u) = u + u^3/3 near 0: ell'(s)/s > 1 near 0 (local part of (A2) fails for every c)
A2_LOCAL = _loss("a2_local", [(0, sp.Rational(1, 2), u + u**3 / 3),
                              (sp.Rational(1, 2), OO, sp.Rational(1, 2) + sp.Rational(1, 24))],
                 beta=sp.Integer(2))


def _v(o):
    return o.verdict


def test_accepts_example1():
    for loss in (ell_rsym(), ell_sqr(), huber(), ell_beta(2), ell_beta(3)):
        assert _v(check_A1(loss, CTX)).passes, loss.name
        assert _v(check_A2(loss, CTX, witness=True)).passes, loss.name
    assert _v(check_A3(ell_beta(sp.Rational(3, 2)), CTX)).passes


@pytest.mark.parametrize("loss", [NOT_EVEN, NOT_NORMALISED, NOT_CONVEX, NOT_LIPSCHITZ], ids=lambda x: x.name)
def test_A1_rejects(loss):
    assert check_A1(loss, CTX).verdict is Verdict.REFUTED


@pytest.mark.parametrize("loss", [A2_GLOBAL, A2_LOCAL, huber()], ids=lambda x: x.name)
def test_A2_rejects(loss):
    beta = sp.Integer(2)  # Huber: beta = +oo holds, beta = 2 does not (ell'(s)/s = 1 near 0)
    assert check_A2(loss, CTX, beta=beta).verdict is Verdict.REFUTED


def test_A2_accepts_huber_beta_infinity():
    assert check_A2(huber(), CTX).verdict.passes


def test_A3_rejects():
    # ell_{3/2} has 1 - ell'(s)/s ~ c s^{3/2}: (A3) with beta = 2 fails; (A2) with beta = 2 holds
    loss = ell_beta(sp.Rational(3, 2))
    assert check_A3(loss, CTX, beta=sp.Integer(2)).verdict is Verdict.REFUTED
    assert check_A2(loss, CTX, beta=sp.Integer(2)).verdict.passes


def test_A2plus_rejects_flat_stretch():
    loss = admissible_loss(random.Random(0), FAMILIES.index("flat"))
    assert loss.family == "flat"
    assert check_A2plus(loss, CTX).verdict is Verdict.REFUTED
    assert check_A2plus(ell_sqr(), CTX).verdict.passes


# ell' continuous, with a slope-2 ramp: ell'' = 2 > 1 on [1/4, 1/2]
STEEP_RAMP = _loss("steep_ramp", [(0, sp.Rational(1, 4), u / 2), (sp.Rational(1, 4), sp.Rational(1, 2), 2 * u - sp.Rational(3, 8)),
                                  (sp.Rational(1, 2), OO, sp.Rational(5, 8))])
# ell' = u, then an upward jump of ell' at 1/2 (not Lipschitz at all; ell'' = 1 on every piece)
JUMP = _loss("jump", [(0, sp.Rational(1, 2), u), (sp.Rational(1, 2), OO, sp.Rational(3, 4))])


@pytest.mark.parametrize("loss", [STEEP_RAMP, JUMP, flat(Fraction(1), Fraction(3, 10), Fraction(2, 5), Fraction(4, 5))],
                         ids=lambda x: x.name)
def test_dl_lipschitz_rejects(loss):
    assert check_dl_lipschitz(loss, CTX).verdict is Verdict.REFUTED


def test_dl_lipschitz_accepts_example1_and_smooth_members():
    for loss in (ell_rsym(), ell_sqr(), huber(), ell_beta(sp.Rational(3, 2)), ell_beta(3)):
        assert check_dl_lipschitz(loss, CTX).verdict.passes, loss.name
    for i in range(10):
        loss = admissible_loss(random.Random(f"lip{i}"), i)
        out = check_dl_lipschitz(loss, CTX)
        if loss.family == "flat":  # the ramp up to the diagonal has slope > 1
            assert out.verdict is Verdict.REFUTED, loss.formula()
        else:
            assert out.verdict.passes, loss.formula()


@pytest.mark.parametrize("i", range(15))
def test_generator_emits_admissible(i):
    loss = admissible_loss(random.Random(f"gen{i}"), i)
    assert check_A1(loss, CTX).verdict.passes, loss.formula()
    assert check_A2(loss, CTX, witness=True).verdict.passes, loss.formula()
    if loss.C_a3 is not None and loss.beta is not OO:
        assert check_A3(loss, CTX, witness=True).verdict.passes, loss.formula()
