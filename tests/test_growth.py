"""The growth engine's saturation test: rising-but-bounded vs slowly growing ratios.

Families are swept toward p -> 0 over three decades (three points per decade, the density of
the suite's eta sweeps).  A ratio approaching its limit like a power of p saturates
(SUPPORTED, with the extrapolated limit); log p, sqrt(log p) and log log p grow without bound
and must never be SUPPORTED; c - 1/log p is bounded, but over three decades it cannot be
told from sqrt(log p), so the honest answer is INCONCLUSIVE.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp
import pytest

from theorems import BUDGETS, Context, Verdict, engines
from theorems.claim import Outcome

CTX = Context(budget=BUDGETS["quick"])
SWEEP = [Fraction(0.1 * 10 ** (-i / 3)).limit_denominator(10**12) for i in range(10)]  # 1e-1 .. 1e-4


def _L(p: Fraction):
    return mp.log(mp.mpf(p.denominator) / p.numerator)


FAMILIES = {
    "5 - p": lambda p: 5 - mp.mpf(p.numerator) / p.denominator,
    "5 - sqrt(p)": lambda p: 5 - mp.sqrt(mp.mpf(p.numerator) / p.denominator),
    "5 - 1/log(1/p)": lambda p: 5 - 1 / _L(p),
    "log(1/p)": _L,
    "sqrt(log(1/p))": lambda p: mp.sqrt(_L(p)),
    "log(log(1/p))": lambda p: mp.log(_L(p)),
}


def _run(name, params=SWEEP, **kw):
    f = FAMILIES[name]
    return engines.growth(params, lambda p, dps: f(p), CTX, family=name, **kw)


@pytest.mark.parametrize("name", ["5 - p", "5 - sqrt(p)"])
def test_power_tail_saturates_with_its_limit(name):
    out = _run(name)
    assert out.verdict is Verdict.SUPPORTED, out.reason
    sat = out.details["saturation"]
    assert abs(sat["extrapolated_limit"] - 5) < 1e-6
    assert "saturates" in out.summary


def test_bound_below_the_extrapolated_limit_is_not_supported():
    assert _run("5 - p", bounded_by=4.9999).verdict is Verdict.INCONCLUSIVE
    out = _run("5 - p", bounded_by=6)
    assert out.verdict is Verdict.SUPPORTED and out.margin is not None and 0.9 < out.margin < 1.0 + 1e-9


@pytest.mark.parametrize("name", ["log(1/p)", "sqrt(log(1/p))", "log(log(1/p))"])
def test_slow_growth_is_never_supported(name):
    out = _run(name)
    assert out.verdict is Verdict.INCONCLUSIVE, out.summary
    assert "saturation not established" in out.reason


@pytest.mark.parametrize("n", [6, 10])
def test_slow_saturation_cannot_be_told_from_slow_growth(n):
    """c - 1/log p is bounded, but 1.7-3 decades cannot tell it from sqrt(log p)."""
    out = _run("5 - 1/log(1/p)", params=SWEEP[:n])
    assert out.verdict is Verdict.INCONCLUSIVE
    assert "saturation not established" in out.reason


@pytest.mark.parametrize("name", ["log(1/p)", "sqrt(log(1/p))", "log(log(1/p))"])
@pytest.mark.parametrize("n", [7])
def test_slow_growth_on_shorter_sweeps_is_not_supported(name, n):
    assert _run(name, params=SWEEP[:n]).verdict is Verdict.INCONCLUSIVE


def test_saturation_needs_enough_decades_and_points():
    short = SWEEP[:4]  # one decade, four points
    out = _run("5 - p", params=short)
    assert out.verdict is Verdict.INCONCLUSIVE and "points" in out.reason
    mid = SWEEP[:6]  # 1.67 decades: enough for the tail fit, not for the caller's 2-decade rule
    assert _run("5 - p", params=mid).verdict is Verdict.SUPPORTED
    out = _run("5 - p", params=mid, min_decades=2)
    assert out.verdict is Verdict.INCONCLUSIVE and "decades" in out.reason


def test_fast_growth_is_still_refuted():
    out = _run("log(1/p)", params=[Fraction(1, 10**k) for k in range(1, 8)])
    assert out.verdict is Verdict.INCONCLUSIVE  # log grows 7x, not the 100x of the REFUTED rule
    out = engines.growth(SWEEP, lambda p, dps: mp.mpf(p.denominator) / p.numerator, CTX, family="1/p")
    assert out.verdict is Verdict.REFUTED


def test_noisy_plateau_is_not_supported_by_the_tail_fit():
    """A rise to the end that the tail model does not fit (a jittery sequence) stays undecided."""
    vals = [1, 2, 2.5, 2.6, 2.62, 2.9, 2.91, 2.95, 3.4, 3.41]
    table = dict(zip(SWEEP, vals, strict=True))
    out = engines.growth(SWEEP, lambda p, dps: mp.mpf(table[p]), CTX, family="jitter")
    assert out.verdict is Verdict.INCONCLUSIVE


def test_a_family_that_cannot_fail_is_uninformative_and_does_not_count():
    from theorems import all_of

    tiny = engines.growth(SWEEP, lambda p, dps: mp.mpf(10) ** (-30 * SWEEP.index(p)), CTX, family="tiny")
    assert tiny.verdict is Verdict.INCONCLUSIVE and tiny.reason.startswith("uninformative")
    good = _run("5 - p")
    bad = engines.growth(SWEEP, lambda p, dps: mp.mpf(p.denominator) / p.numerator, CTX, family="1/p")
    assert all_of([good, tiny]).verdict is Verdict.SUPPORTED  # support comes from `good` alone
    assert "(uninformative)" in all_of([good, tiny]).summary
    assert all_of([bad, tiny]).verdict is Verdict.REFUTED
    assert all_of([tiny, tiny]).verdict is Verdict.INCONCLUSIVE
    undecided = _run("log(1/p)")
    assert all_of([good, tiny, undecided]).verdict is Verdict.INCONCLUSIVE
    # a conjunct whose only evidence is uninformative is not carried by another kind of check
    proved = Outcome(Verdict.PROVED, "sympy exact expansion")
    assert all_of([proved, tiny]).verdict is Verdict.INCONCLUSIVE


def test_faster_than_geometric_saturation_is_supported():
    out = engines.growth(SWEEP, lambda p, dps: 5 - mp.exp(-_L(p) ** 2), CTX, family="super-geometric")
    assert out.verdict is Verdict.SUPPORTED, out.reason


# ahn.proof_thm2 (reading), ell_beta(2): |s_cross| / eta along eta = 9/10 .. 9/1000 (4 per decade)
THM2_ETAS = [Fraction(9, 10), Fraction(81, 160), Fraction(27, 95), Fraction(4, 25), Fraction(9, 100),
             Fraction(81, 1600), Fraction(27, 950), Fraction(2, 125), Fraction(9, 1000)]
THM2_BETA2 = ["0.79861111", "1.2017341", "2.1718308", "3.0195401", "3.2387412", "3.3162194", "3.3551085",
              "3.369504", "3.3735928"]


def test_increment_rule_on_measured_plateau():
    """No power tail fits these measurements within 0.2% (the decay accelerates), but the increments
    shrink with falling ratios, the last one 150x per decade: saturating, with a stated bound."""
    table = dict(zip(THM2_ETAS, THM2_BETA2, strict=True))
    out = engines.growth(THM2_ETAS, lambda p, dps: mp.mpf(table[p]), CTX, family="proof_thm2 beta=2")
    assert out.verdict is Verdict.SUPPORTED, out.reason
    assert "non-increasing ratios" in out.summary
    assert 3.3735928 < out.details["saturation"]["bound"] < 3.38
    # the same measurements with a last increment as large as the one before: not decided
    bumped = {**table, Fraction(9, 1000): "3.3839"}
    out = engines.growth(THM2_ETAS, lambda p, dps: mp.mpf(bumped[p]), CTX, family="bumped")
    assert out.verdict is Verdict.INCONCLUSIVE


def test_a_jitter_back_to_an_earlier_level_is_not_a_rise():
    vals = ["0.047846354", "0.047846354", "0.047846354", "0.046006109", "0.047846354", "0.047846354"]
    ps = [Fraction(j) for j in range(2, 8)]
    table = dict(zip(ps, vals, strict=True))
    out = engines.growth(ps, lambda p, dps: mp.mpf(table[p]), CTX, family="marginal ratio")
    assert out.verdict is Verdict.SUPPORTED
    stairs = [Fraction(j) for j in range(1, 9)]
    out = engines.growth(stairs, lambda p, dps: mp.mpf((int(p) + 1) // 2 + 2), CTX, family="staircase")
    assert out.verdict is Verdict.INCONCLUSIVE


# ------------------------------------------------------------------ noise- and resolution-aware decisions


def _M(p: Fraction):
    return mp.mpf(p.numerator) / p.denominator


def _staircase(smooth, step):
    """step(p) * floor(smooth(p) / step(p)): an iteration count times its step, as eta t0 is."""
    return lambda p, dps: step(p) * mp.floor(smooth(p) / step(p))


STAIR_SMOOTH = {
    "5 - sqrt(p)": lambda p: 5 - mp.sqrt(_M(p)),
    "5 - p^(1/3)": lambda p: 5 - mp.cbrt(_M(p)),
    "log(1/p)": _L,
    "sqrt(log(1/p))": lambda p: mp.sqrt(_L(p)),
    "log(log(1/p))": lambda p: mp.log(_L(p)),
    "1 + log(log(1/p))/5": lambda p: 1 + mp.log(_L(p)) / 5,
}


@pytest.mark.parametrize("name", ["5 - sqrt(p)", "5 - p^(1/3)"])
def test_quantised_saturating_family_is_supported_within_its_resolution(name):
    """eta x (a count): resolution eta.  The power tail fits every point within one step; no slowly
    growing model can (its rms residual exceeds a step)."""
    ratio = _staircase(STAIR_SMOOTH[name], _M)
    out = engines.growth(SWEEP, ratio, CTX, family=f"staircase {name}", resolution=lambda p: float(p),
                         resolution_note="one step eta of the count")
    assert out.verdict is Verdict.SUPPORTED, out.reason
    assert "within the resolution" in out.summary
    assert out.details["resolution"]["note"] == "one step eta of the count"
    assert abs(out.details["saturation"]["extrapolated_limit"] - 5) < 0.01


@pytest.mark.parametrize("name", ["log(1/p)", "sqrt(log(1/p))", "log(log(1/p))", "1 + log(log(1/p))/5"])
@pytest.mark.parametrize("step", ["eta", "fixed 1/20"])
def test_quantised_slow_growth_is_never_supported(name, step):
    """A deliberately wrong O(1) claim on a staircase quantity: never SUPPORTED, with or without the
    resolution stated."""
    h = (lambda p: _M(p)) if step == "eta" else (lambda p: mp.mpf(1) / 20)
    ratio = _staircase(STAIR_SMOOTH[name], h)
    with_res = engines.growth(SWEEP, ratio, CTX, family=name, resolution=lambda p: float(h(p)))
    assert with_res.verdict is Verdict.INCONCLUSIVE, with_res.summary
    assert engines.growth(SWEEP, ratio, CTX, family=name).verdict is Verdict.INCONCLUSIVE


def test_bad_resolution_is_a_clear_error():
    from theorems.claim import ClaimError

    ratio = _staircase(STAIR_SMOOTH["5 - sqrt(p)"], _M)
    with pytest.raises(ClaimError, match="resolution must be positive"):
        engines.growth(SWEEP, ratio, CTX, family="x", resolution=lambda p: 0.0)


@pytest.mark.parametrize("eps", ["0.003", "0.001"])
def test_saturating_transient_hiding_slow_growth_is_not_supported(eps):
    """0.7 - 0.3 p/p0 + e log log(1/p): the nested alternative (power tail + e log log p) fits
    significantly better than the power tail alone."""
    e = mp.mpf(eps)
    out = engines.growth(SWEEP, lambda p, dps: mp.mpf("0.7") - 3 * _M(p) + e * mp.log(_L(p)), CTX, family="mix")
    assert out.verdict is Verdict.INCONCLUSIVE, out.summary


def test_discreteness_wiggle_on_a_power_tail_is_supported():
    """5 - p (1 + 0.03 (-1)^i): the wiggle sets the noise level; every slowly growing model leaves a
    significantly larger residual variance (F test), so the old fixed 0.2% rms threshold no longer
    decides."""
    ratio = lambda p, dps: 5 - _M(p) * (1 + mp.mpf("0.03") * (-1) ** SWEEP.index(p))  # noqa: E731
    out = engines.growth(SWEEP, ratio, CTX, family="wiggle")
    assert out.verdict is Verdict.SUPPORTED, out.reason
    assert "F test" in out.summary


# ahn.theorem1 (printed), ell_rsym, delta = 1/2: the lower-bound ratio along eta = 1/5 .. 1/320 (committed report)
THM1_ETAS = [Fraction(1, 5 * 2**k) for k in range(7)]
THM1_RSYM = ["0.48998017", "0.57752389", "0.63220039", "0.66256741", "0.67785477", "0.68503645", "0.68915929"]


def test_measured_theorem1_plateau_is_supported_and_a_log_bumped_copy_is_not():
    table = dict(zip(THM1_ETAS, THM1_RSYM, strict=True))
    out = engines.growth(THM1_ETAS, lambda p, dps: mp.mpf(table[p]), CTX, family="theorem1 rsym")
    assert out.verdict is Verdict.SUPPORTED, out.reason
    assert 0.689 < out.details["saturation"]["bound"] < 0.71  # the limit looks like log 2 = 0.6931
    # the same measurements plus 0.02 log(1/eta): slow growth riding on the transient is not supported.
    # (A limit of any test on these 7 points: + 0.01 log(1/eta), 0.007 per halving, is absorbed by the
    # transient's exponent, k 1.0 -> 0.68, within the measurements' own wiggle, and is not seen.)
    out = engines.growth(THM1_ETAS, lambda p, dps: mp.mpf(table[p]) + mp.mpf("0.02") * _L(p), CTX, family="bumped")
    assert out.verdict is Verdict.INCONCLUSIVE


def test_quantised_constant_is_flat_within_its_resolution():
    """eta floor(log 2 / eta): rises toward log 2 by less than one step eta at each point, so the
    second half is one constant read with its steps: bounded, not rising (SUPPORTED)."""
    ratio = _staircase(lambda p: mp.log(2), _M)  # on eta = 1/5 .. 1/320: 0.6, 0.6, 0.65, ..., 0.6875, 0.690625
    assert [mp.nstr(ratio(p, 50), 6) for p in THM1_ETAS[-3:]] == ["0.6875", "0.6875", "0.690625"]
    out = engines.growth(THM1_ETAS, ratio, CTX, family="eta floor(log 2/eta)", resolution=float)
    assert out.verdict is Verdict.SUPPORTED, out.reason
    assert "one constant quantised" in out.summary
    # read as exact values, the same numbers rise to the end and no fit can tell (no false comfort)
    assert engines.growth(THM1_ETAS, ratio, CTX, family="x").verdict is Verdict.INCONCLUSIVE


def test_a_count_moving_by_whole_steps_is_not_flat():
    """Counts 7, 7, 8, 8, 9, 9, 10, 10 (one step per two points: log growth) with step 1 are not one
    constant, whatever the reading."""
    ps = [Fraction(1, 2**k) for k in range(8)]
    table = dict(zip(ps, [7, 7, 8, 8, 9, 9, 10, 10], strict=True))
    out = engines.growth(ps, lambda p, dps: mp.mpf(table[p]), CTX, family="counts", resolution=lambda p: 1.0)
    assert out.verdict is Verdict.INCONCLUSIVE
