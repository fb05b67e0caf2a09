"""mms engine tests: deliberately wrong versions of three mms statements are REFUTED, the true
versions pass (g with non-strict inequalities at a knot on a data point; an SGD stability criterion
from the mean batch Hessian only; a Hessian (27) missing a block)."""

from __future__ import annotations

import random
from fractions import Fraction as F

import mpmath as mp

from numeric import mms_stability as S
from symbolic.mms_relu import hessian_27
from theorems.claim import BUDGETS, Context, Verdict
from theorems.papers.mms.lib_stability import LinearSystem
from theorems.papers.mms.s3_bounds import _any_data, _side_forms_agree
from theorems.spec import Domain, Holds, Identity, Member, Real

CTX = Context(budget=BUDGETS["quick"])


def _knots_on_data(strict_definition: bool):
    def exact(inst):
        xs = inst["data"].xs
        bad = sum(not _side_forms_agree(c, xs, side, definition_strict=strict_definition)
                  for c in xs for side in "-+")
        return F(-bad)

    return Holds(lambda inst, dps: _mp(exact(inst)), Domain(Member("data", _any_data)), exact=exact,
                 search=False, label="g by (23) = equivalent form at knots on data points")


def test_weight_with_non_strict_inequalities_is_refuted():
    out = _knots_on_data(strict_definition=False).check(CTX)
    assert out.verdict is Verdict.REFUTED
    assert out.counterexample is not None and "x=" in out.counterexample.inputs["data"]


def test_weight_with_strict_inequalities_passes():
    assert _knots_on_data(strict_definition=True).check(CTX).verdict is Verdict.CERTIFIED


def _scalar_system(rng: random.Random, j: int) -> LinearSystem:
    n = 2 + j % 3
    a = tuple((F(rng.randint(1, 30), 10),) for _ in range(n))
    return LinearSystem(a, tuple((F(0),) for _ in range(n)), 1)


def _scalar_domain() -> Domain:
    return Domain(Member("system", _scalar_system, description="d = 1, B = 1, no gradient noise"),
                  Real("eta", 0, ("2/mean h", lambda s: 2 / _mean_h(s["system"])), lo_open=True))


def _mean_h(sysm: LinearSystem) -> F:
    return sum((v[0] ** 2 for v in sysm.a), F(0)) / sysm.n


def _first_moment_factor(inst) -> F:
    """E|v_{t+1}| / E|v_t| = E_b |1 - eta h_b| exactly (scalar system, batches of one)."""
    sysm, eta = inst["system"], inst["eta"]
    return sum((abs(1 - eta * v[0] ** 2) for v in sysm.a), F(0)) / sysm.n


def test_sgd_stability_from_the_mean_hessian_only_is_refuted():
    """Wrong: 'eta lambda_max(E H_b) <= 2 implies SGD is linearly stable'.  For d = 1 the first
    moment evolves exactly by E|1 - eta h_b|, which exceeds 1 when the batch Hessians spread."""
    def exact(inst):
        return 1 - _first_moment_factor(inst)

    wrong = Holds(lambda inst, dps: _mp(exact(inst)), _scalar_domain(), exact=exact, search=False,
                  label="mean-Hessian criterion => E|v_t| does not grow")
    out = wrong.check(CTX)
    assert out.verdict is Verdict.REFUTED
    # the second-moment operator sees the instability the mean misses at such instances
    sysm = LinearSystem(((F(0),), (F(2),)), ((F(0),), (F(0),)), 1)  # h = 0, 4: mean 2
    M = S.second_moment_operator(sysm.hs, sysm.rs, 1, F(9, 10))  # eta * mean h = 1.8 <= 2
    assert not S.mean_square_stable(M)


def test_sgd_stability_from_the_second_moment_passes():
    """True: rho(M) < 1 (exact) implies the first moment is bounded (Jensen), checked exactly."""
    def exact(inst):
        sysm, eta = inst["system"], inst["eta"]
        M = S.second_moment_operator(sysm.hs, sysm.rs, 1, eta)
        if not S.mean_square_stable(M):
            return None
        second = sum(((1 - eta * v[0] ** 2) ** 2 for v in sysm.a), F(0)) / sysm.n
        return 1 - second  # E v_{t+1}^2 / E v_t^2 <= 1, hence E|v_t| <= |v_0|

    def slack(inst, dps):
        v = exact(inst)
        return None if v is None else _mp(v)

    out = Holds(slack, _scalar_domain(), exact=exact, search=False, label="second-moment criterion").check(CTX)
    assert out.verdict.passes


def test_hessian_missing_a_block_is_refuted_and_the_true_one_proved():
    act = ((1, 1, 0), (0, 1, 1))
    true_h, true_p = hessian_27(act)
    assert Identity(true_h, true_p).check(CTX).verdict is Verdict.PROVED
    for block in ("w1", "b1", "w2"):
        h, p = hessian_27(act, drop_block=block)
        out = Identity(h, p, label=block).check(CTX)
        assert out.verdict is Verdict.REFUTED, block


def _mp(v: F) -> mp.mpf:
    return mp.mpf(v.numerator) / v.denominator
