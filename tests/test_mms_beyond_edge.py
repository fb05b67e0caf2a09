"""The sampler of minima strongly stable beyond 2/lambda_upper (the regime of (35)-(36) and of
Theorem 2's Delta): its instances are strongly stable at 50 digits, a wrong claim that holds only outside the
regime ("strong stability forces lambda_upper <= 2/eta") is REFUTED there, the true (35) passes
with informative instances, and the float64 guide and the exact reduction agree with the theory
(one toggling neuron leaves no room beyond 2/lambda_upper; dead neurons change nothing)."""

from __future__ import annotations

import random
from fractions import Fraction as F

import mpmath as mp
import numpy as np

from numeric import mms_relu as R
from numeric import mms_stability as S
from theorems.claim import BUDGETS, Context, Verdict
from theorems.papers.mms.lib_network import (
    Minimum,
    beyond_edge_domain,
    beyond_edge_minimum,
    strong_stability_margin,
)
from theorems.papers.mms.lib_stability import BEYOND_2_OVER_ETA
from theorems.papers.mms.s4_proofs import _rhs_slack
from theorems.spec import Holds

CTX = Context(budget=BUDGETS["quick"])


def _stable(m: Minimum, eta: F) -> bool:
    with mp.workdps(50):
        marg = strong_stability_margin(m, eta)
        return marg is not None and marg >= -mp.mpf(10) ** -25


def test_sampled_instances_are_strongly_stable_beyond_the_edge_exactly():
    dom = beyond_edge_domain()
    rng = random.Random(3)
    for i in range(4):
        inst = dom.sample(rng, i)
        m, eta = inst["theta*"], inst["eta"]
        assert m.interpolating and m.p == 2
        with mp.workdps(50):
            assert m.sharpness_upper() * eta > 2  # inside the regime
        assert _stable(m, eta)
        # well beyond the float estimate the same minimum is not strongly stable
        assert not _stable(m, eta * 2)


def test_one_toggling_neuron_leaves_no_room_beyond_the_edge():
    """Two half-space modes: +-q (top eigenvector of the sharpest mode) lies in a closed half-space,
    so any eta > 2/lambda_upper expands it (the float guide must say 1, the exact check must fail)."""
    xs = (F(-1), F(0), F(1), F(2))
    net = R.Net((F(1), F(-1)), (F(0), F(3)), (F(3, 2), F(-1, 2)), F(1, 3))
    m = Minimum(xs, tuple(net(x) for x in xs), net)
    assert m.p == 1
    assert m.stable_step_ratio == 1.0
    with mp.workdps(60):
        eta = F(mp.nstr(2 / m.sharpness_upper() * (1 + mp.mpf(10) ** -6), 50))
    assert not _stable(m, eta)


def test_dead_neurons_do_not_change_the_margin():
    m = beyond_edge_minimum(random.Random(11))
    net = m.net
    dead = R.Net((*net.w1, F(1)), (*net.b1, -(m.xs[-1] + 1)), (*net.w2, F(5)), net.b2)
    padded = Minimum(m.xs, m.ys, dead)
    with mp.workdps(60):
        eta = F(mp.nstr(2 / m.sharpness_upper() * (1 + (mp.mpf(m.stable_step_ratio) - 1) / 2), 50))
        a, b = strong_stability_margin(m, eta), strong_stability_margin(padded, eta)
    assert a is not None and b is not None
    assert abs(min(a, 0) - b) < mp.mpf(10) ** -40


def test_float_cone_max_matches_the_exact_one():
    rng = np.random.default_rng(0)
    for _ in range(5):
        B = rng.normal(size=(5, 5))
        Q = (B + B.T) / 2
        normals = [rng.normal(size=5) for _ in range(2)]
        exact = S.cone_max(mp.matrix(Q.tolist()), [mp.matrix(u.tolist()) for u in normals])
        approx = S.cone_max_float(Q, S._faces_float(normals, 5))
        assert exact is not None and abs(float(exact) - approx) < 1e-9


def test_the_naive_necessary_condition_is_refuted_in_the_regime():
    """Wrong: 'strongly stable implies lambda_upper <= 2/eta' (the converse of Lemma 3, true with one
    toggling neuron and at generic minima).  The sampler reaches the minima where it fails."""
    def slack(inst, dps):
        m, eta = inst["theta*"], inst["eta"]
        marg = strong_stability_margin(m, eta)
        if marg is None or marg < -mp.mpf(10) ** (-(dps // 2)):
            return None
        return 1 - m.sharpness_upper() * mp.mpf(eta.numerator) / eta.denominator / 2

    out = Holds(slack, beyond_edge_domain(), samples=3, search=False,
                label="strongly stable => lambda_upper <= 2/eta").check(CTX)
    assert out.verdict is Verdict.REFUTED
    assert out.counterexample is not None and out.counterexample.confirmed_dps is not None


def test_true_35_passes_with_informative_instances():
    out = Holds(_rhs_slack(False), beyond_edge_domain(), samples=3, search=False,
                informative=BEYOND_2_OVER_ETA, label="(35)").check(CTX)
    assert out.verdict is Verdict.SUPPORTED
    assert out.details["informative_instances"].startswith("3 of 3")
