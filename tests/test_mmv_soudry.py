"""mmv.soudry (Soudry et al., cited): the exact max-margin solver, the step-size hypothesis, the
proved angle inequalities (i), (iii) against their false twins, the measured boundedness of rho(t) (ii)
against degenerate data (rho ~ log log t) and a synthetic log log t series, a wrong order
(angle = O(1/t)) that must be refuted, and the float64 rounding audit against exact GD."""

from __future__ import annotations

from fractions import Fraction as F

import mpmath as mp
import pytest
import sympy as sp

from numeric.logistic_margin import SeparableData, exact_max_margin, gd_iterates, step_size_cap
from theorems import Budget, Context, Verdict
from theorems.papers.mmv.s2b_factorization import (
    ANGLE_DOMAIN,
    ANGLE_LOWER,
    ANGLE_SINE,
    GD_DATA,
    GD_STEPS,
    _audited_run,
    angle_bound_parts,
    soudry_statement,
    svm_direction,
)
from theorems.spec import Inequality, Order

QUICK = Context(budget=Budget.named("quick"))
PASS = {Verdict.PROVED, Verdict.CERTIFIED, Verdict.SUPPORTED}
# Soudry et al.'s degenerate case: both points have margin 1 but w_svm = (1, 0) = z_1, so the
# dual coefficient of z_2 = (1, 1) is 0; rho_2(t) grows like log log t.
DEGENERATE = SeparableData("degenerate: (1, 0), (1, 1)", ((F(1), F(0)), (F(1), F(1))), (1, 1), F(1))


def test_exact_max_margin_on_the_gd_data_set():
    svm = exact_max_margin(GD_DATA.z)
    assert svm.w == (F(3, 7), F(2, 7))
    assert svm.support == (0, 2) and svm.alpha == (F(9, 49), F(4, 49))
    assert svm.nondegenerate and svm.min_nonsupport_margin == F(17, 7)


def test_exact_max_margin_flags_degenerate_and_rejects_inseparable_data():
    svm = exact_max_margin(DEGENERATE.z)
    assert svm.w == (F(1), F(0)) and svm.support == (0, 1) and not svm.nondegenerate
    with pytest.raises(ValueError, match="not linearly separable"):
        exact_max_margin([(F(1), F(0)), (F(-1), F(0))])


def test_step_size_hypothesis_is_decided_exactly_and_a_violation_is_an_error():
    cap, admits = step_size_cap(GD_DATA.z)
    assert admits(F(1, 10)) and not admits(F(1, 6)) and 0.15 < cap < 0.16
    too_big = SeparableData(GD_DATA.name, GD_DATA.points, GD_DATA.labels, F(1, 6))
    with pytest.raises(ValueError, match="not below 2/beta"):
        soudry_statement(svm_direction, gd_data=too_big)


def test_angle_inequality_is_proved_and_its_false_twin_refuted():
    for part in angle_bound_parts():
        assert part.check(QUICK).verdict is Verdict.PROVED
    R = sp.Symbol("R", real=True)
    twin = angle_bound_parts(sine=ANGLE_SINE.subs(R, R / 2))[1]  # angle <= arcsin(R/(2|a|)): false
    out = twin.check(QUICK)
    assert out.verdict is Verdict.REFUTED
    assert ANGLE_DOMAIN.contains({k: F(v) for k, v in out.counterexample.inputs.items()})
    A = sp.Symbol("A", real=True)
    lower_twin = Inequality(ANGLE_LOWER.subs(A + R, A - R), ANGLE_DOMAIN)  # |a + rho| <= A - R: false
    assert Inequality(ANGLE_LOWER, ANGLE_DOMAIN).check(QUICK).verdict is Verdict.PROVED
    assert lower_twin.check(QUICK).verdict is Verdict.REFUTED


def test_true_statement_passes_with_the_gd_part_proved_plus_measured():
    out = soudry_statement(svm_direction).check(QUICK)
    assert out.verdict is Verdict.SUPPORTED
    gd = out.parts[1]
    assert gd.verdict is Verdict.SUPPORTED
    assert [p.verdict for p in gd.parts] == [Verdict.PROVED] * 3 + [Verdict.SUPPORTED]
    lower = out.parts[2]
    assert [p.verdict for p in lower.parts] == [Verdict.PROVED, Verdict.SUPPORTED]


def test_degenerate_data_with_growing_rho_is_not_supported():
    gd = soudry_statement(svm_direction, gd_data=DEGENERATE).parts[1].check(QUICK)
    rho = gd.parts[-1]
    assert rho.verdict is Verdict.INCONCLUSIVE and gd.verdict is Verdict.INCONCLUSIVE
    assert "slow growth" in rho.reason


def test_synthetic_log_log_series_through_the_same_statement_is_not_supported():
    rho = Order(lambda p, dps: mp.log(mp.log(p)), [F(t) for t in GD_STEPS], family="log log t")
    assert rho.check(QUICK).verdict is Verdict.INCONCLUSIVE


def test_wrong_order_angle_times_t_bounded_is_refuted():
    run = _audited_run(GD_DATA)
    wrong = Order(lambda p, dps: run.angle(int(p)) * int(p), [F(t) for t in GD_STEPS], family="GD, angle * t")
    assert wrong.check(QUICK).verdict is Verdict.REFUTED


def test_float64_drift_is_within_the_audited_bound_against_exact_gd():
    """GD from the exact data and step at 30 digits for 3000 steps: the float64 iterate lies
    within the drift estimate the audit states (and the estimate is far below the |rho| steps)."""
    run = _audited_run(GD_DATA)
    T = 3000
    (_, wf), = gd_iterates([tuple(float(c) for c in z) for z in GD_DATA.z], float(GD_DATA.eta), [T])
    with mp.workdps(30):
        z = [[mp.mpf(c.numerator) / c.denominator for c in p] for p in GD_DATA.z]
        eta = mp.mpf(1) / 10
        w = [mp.mpf(0), mp.mpf(0)]
        for _ in range(T):
            g = [mp.mpf(0), mp.mpf(0)]
            for p in z:
                s = 1 / (1 + mp.exp(p[0] * w[0] + p[1] * w[1]))
                g = [g[0] + s * p[0], g[1] + s * p[1]]
            w = [w[0] + eta * g[0], w[1] + eta * g[1]]
        gap = float(mp.norm([mp.mpf(a) - b for a, b in zip(wf, w, strict=True)]))
    assert 0 < run.local_error < 1e-15
    assert gap <= run.local_error * T * max(1.0, float(mp.norm(w)))
