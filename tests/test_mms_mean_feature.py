"""The mean-feature proof of Theorem 2 for sign-consistent toggles (class S): its exact steps pass
and deliberately wrong twins are REFUTED; the test vector lies in its mode's cone and bounds
1 + 2W on sampled minima, a wrong choice of mode bits is caught; the chain's conclusion holds at
strongly stable minima and a bound twice as strong is refuted; blocked minima (outside class S)
are recognised, and a reversed (24) is refuted on the searched ones."""

from __future__ import annotations

import random
from fractions import Fraction as F

import mpmath as mp
import sympy as sp

from numeric import mms_mean_feature as MF
from numeric import mms_relu as R
from symbolic import mms_mean_feature as MFS
from theorems.claim import BUDGETS, Context, Verdict
from theorems.papers.mms import lib_mean_feature as L
from theorems.papers.mms.lib_network import (
    Minimum,
    beyond_edge_domain,
    mpf,
    strong_stability_margin,
    toggle_domain,
)
from theorems.spec import Holds, Identity

CTX = Context(budget=BUDGETS["quick"])


def test_proof_steps_are_exact_identities():
    for f in (MFS.one_step_expansion, MFS.mean_square_split, MFS.own_point_shift, MFS.own_point_norm_change,
              MFS.neuron_am_gm, MFS.final_step):
        assert Identity(*f()).check(CTX).verdict is Verdict.PROVED, f.__name__


def test_wrong_proof_steps_are_refuted():
    derived, _ = MFS.own_point_shift()
    assert Identity(derived, (1 - MFS.c ** 2) / MFS.n).check(CTX).verdict is Verdict.REFUTED
    derived, printed = MFS.neuron_am_gm()
    a1, a2, A, B = sp.symbols("abs_w1 abs_w2 A B", nonnegative=True)
    assert Identity(derived, printed + a1 * a2 * A * sp.sqrt(B)).check(CTX).verdict is Verdict.REFUTED


def _wrong_mode_cone_slack(inst):
    """The same test vector with every toggle forced inactive and sigma = +1 (no case analysis)."""
    m = inst["theta*"]
    mode = {i: 0 for i, _ in m.toggles}
    v = MF.mean_feature(m.net, m.xs, mode)
    return F(-MF.cone_violations(m.net, m.xs, mode, v))


def test_test_vector_in_cone_and_bounds_w_on_sampled_minima():
    dom = toggle_domain(toggles=(1, 2, 3))
    out = Holds(lambda i, d: mpf(L.cone_slack(i)) if L.covered(i["theta*"]) else None, dom,
                exact=L.cone_slack, search=False, samples=12).check(CTX)
    assert out.verdict.passes
    out = Holds(L.norm_slack, dom, certify=L.norm_ball, search=False, samples=12).check(CTX)
    assert out.verdict.passes


def test_wrong_mode_bits_are_caught():
    dom = toggle_domain(toggles=(1, 2, 3))
    out = Holds(lambda i, d: mpf(_wrong_mode_cone_slack(i)), dom, exact=_wrong_mode_cone_slack, search=False,
                samples=24).check(CTX)
    assert out.verdict is Verdict.REFUTED


def test_rayleigh_step_holds_and_a_twice_stronger_bound_fails():
    dom = beyond_edge_domain()
    assert Holds(L.stability_slack, dom, search=False, samples=3).check(CTX).verdict.passes

    def half(inst, dps):
        s = L.stability_slack(inst, dps)
        return None if s is None else s - 1 / mpf(inst["eta"])  # claims v^T H v / |v|^2 <= 1/eta

    assert Holds(half, dom, search=False, samples=3).check(CTX).verdict is Verdict.REFUTED


def _blocked_example() -> Minimum:
    """Knots on x = -2 (w1 > 0, active right) and x = 1 (w1 < 0, active left), w2 of opposite signs:
    the means of 1 + c x over the data strictly on the active sides are -19/25 and -3/10 (< 0), so
    each sign leaves one blocking neuron."""
    xs = (F(-5, 2), F(-2), F(0), F(1), F(12, 5))
    net = R.Net((F(1), F(-1)), (F(2), F(1)), (F(1), F(-1)), F(0))
    return Minimum(xs, tuple(net(x) for x in xs), net)


def test_blocked_minima_are_recognised():
    m = _blocked_example()
    assert m.p == 2
    assert MF.blocking(m.net, m.xs, 1) and MF.blocking(m.net, m.xs, -1)
    assert L.blocked(m) and not L.covered(m) and L.test_vector(m) is None
    # one toggle (or output weights of one sign) is always covered
    xs = m.xs
    single = R.Net(m.net.w1[:1], m.net.b1[:1], m.net.w2[:1], F(0))
    assert L.covered(Minimum(xs, tuple(single(x) for x in xs), single))
    rng = random.Random(5)
    for _ in range(20):  # the same knots, output weights of one sign
        net = R.Net((F(1), F(-1)), (F(2), F(1)), (F(rng.randint(1, 9)), F(rng.randint(1, 9))), F(0))
        assert L.covered(Minimum(xs, tuple(net(x) for x in xs), net))


def test_reversed_theorem_is_refuted_on_searched_blocked_minima():
    dom = L.blocked_domain()

    def reversed_24(inst, dps):  # claims W >= 1/eta - 1/2 (false: every found one is far below)
        m, eta = inst["theta*"], mpf(inst["eta"])
        return m.W() - (1 / eta - mp.mpf(1) / 2)

    assert Holds(reversed_24, dom, search=False, samples=2).check(CTX).verdict is Verdict.REFUTED


def test_search_reproduces_the_listed_instance_of_seed_0():
    from numeric import mms_blocked_search as B

    found = B.search(0, draws=6500)  # seed 0's only hit is draw 6495
    assert len(found) == 1
    row = next(r for r in L.BLOCKED_FOUND if r[0] == 0)
    c = found[0]
    assert max(abs(a - b) for a, b in zip(c.xs, row[1], strict=True)) < 1e-6
    assert c.step_ratio > 1 and c.ratio < 1


def test_search_rejects_minima_the_proof_covers():
    import numpy as np

    from numeric import mms_blocked_search as B

    row = next(r for r in L.BLOCKED_FOUND if r[0] == 0)
    xs, w1, knots, w2 = (np.array(v) for v in row[1:])
    n, k = len(xs), len(w1)
    j1, j2 = (int(np.argmin(abs(xs - c))) for c in knots[:2])
    p = np.concatenate([np.arctanh(xs / 2.5), np.log(abs(w1)), w2, knots[2:]])
    shape = (n, k, j1, j2, tuple(int(s) for s in np.sign(w1)))
    assert B.evaluate(p, shape) is not None
    same_sign = p.copy()
    same_sign[n + k + 1] = abs(same_sign[n + k + 1]) * np.sign(same_sign[n + k])
    assert B.evaluate(same_sign, shape) is None


def test_listed_blocked_minima_are_exactly_strongly_stable_beyond_the_edge_only():
    for row in L.BLOCKED_FOUND:
        m = L.rational_minimum(*row[1:])
        assert m.interpolating and L.blocked(m)
        with mp.workdps(50):
            lam = m.sharpness_upper()
            eta = L.stable_step_cap(m)
            assert eta * lam > 2
            marg = strong_stability_margin(m, eta)
            assert marg is not None and marg >= -mp.mpf(10) ** -25
            far = F(mp.nstr(2 / lam * (1 + 2 * (m.stable_step_ratio - 1)), 50))
            assert strong_stability_margin(m, far) < -mp.mpf(10) ** -25
