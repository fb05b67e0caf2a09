"""Sub-statements of ahn Remarks 2 and 3 and the proof of Theorem 2 added by the completeness audit
(issue 14, point 7; docs/audit/bw_ahn_substatements.md): each measure is a real check that can fail."""

from __future__ import annotations

from fractions import Fraction as F

import mpmath as mp

from numeric import sn_trace
from numeric.single_neuron import gd_run, standard_init
from symbolic.losses import ell_beta
from theorems import BUDGETS, Context, Verdict
from theorems.papers.ahn import s2d_quasistatic as qs

CTX = Context(budget=BUDGETS["quick"])
XT, YT, GAMMA = F(3, 4), F(5, 4), F(3)


def test_one_step_growth_passes_with_the_stated_constant():
    # at delta = 1 the linearised factor |1 - eta y^2| is 2: |s_(t0+1)| / |s_t0| ~ 2 >= 3/2
    assert qs.one_step_growth(qs.REMARK2_C, CTX, "true").verdict is Verdict.SUPPORTED


def test_one_step_growth_refutes_a_too_large_constant():
    out = qs.one_step_growth(F(3, 2), CTX, "wrong twin: ratio >= 5/2")
    assert out.verdict is Verdict.REFUTED and out.counterexample is not None


def _brute_phase(loss, eta, inv):
    """max over k >= 2 (2^-k >= 10 eta^(beta/(beta-1))) of count_k eta^2 / 2^(k(2/beta-1)) from a plain GD run."""
    with mp.workdps(50):
        x0, y0 = standard_init(XT, YT, GAMMA, eta)
        run = gd_run(loss, x0, y0, eta, 20000, stop_at_converged=False)
        e = mp.mpf(eta.numerator) / eta.denominator
        deltas = [e * y * y - 2 for y in run.ys]
        assert min(deltas) < 0  # the run crosses
        b = loss.beta
        gq = b / (b - 1)
        best, k = None, 2
        while mp.mpf(2) ** -k >= 10 * mp.power(e, mp.mpf(gq.p) / gq.q):
            lo, hi = mp.mpf(2) ** -k, mp.mpf(2) ** -(k - 1)
            first = next(t for t, d in enumerate(deltas) if d <= hi)
            last = next(t for t, d in enumerate(deltas) if d < lo)
            q = (last - first) * e**2 / mp.power(2, k * (2 / mp.mpf(b.p) * b.q - 1))
            q = 1 / q if inv else q
            best = q if best is None else max(best, q)
            k += 1
        return best


def test_phase_ratio_counts_the_phases_of_the_run():
    loss, eta = ell_beta(F(2)), F(1, 20)
    with mp.workdps(50):
        sn_trace.clear_cache()
        tr = sn_trace.trace_until(loss, XT, YT, GAMMA, eta, delta_below=0, max_steps=20000)
        for inv in (False, True):
            got = qs.phase_ratio(tr, eta, loss, inv)
            assert got is not None and abs(got - _brute_phase(loss, eta, inv)) <= mp.mpf(10) ** -30 * abs(got)


def test_proof_thm2_reading_is_the_catalogue_reading_and_reading2_adds_the_lipschitz_hypothesis():
    names = [v.name for v in qs.PROOF_THM2.variants()]
    assert names == ["printed", "reading", "reading2"]
    assert r"\ell''\le1" not in qs.PROOF_THM2.reading and r"\ell''\le1" in qs.PROOF_THM2.extra_variants[0].statement


def test_wlog_swap_symmetry_identity_can_fail():
    from theorems import engines
    from theorems.papers.ahn import s2a_single_neuron as sn

    gx, gy = sn._gd_map(sn.x, sn.y)
    sx, sy = sn._gd_map(sn.y, sn.x)
    assert engines.identity(sx, gy, CTX).verdict is Verdict.PROVED
    # wrong twin (no swap): not proved (with ell abstract the engine has no witness to evaluate, so not REFUTED)
    assert engines.identity(sx, gx, CTX).verdict is not Verdict.PROVED


def test_eq4_linear_parts_pass_and_their_slacks_can_fail():
    from theorems.papers.ahn import s2a_single_neuron as sn

    assert [o.verdict for o in sn._eq4_linear_parts(CTX)] == [Verdict.PROVED, Verdict.SUPPORTED, Verdict.SUPPORTED]
    # wrong twin: the same identity with the factor (1 - eta y^2) replaced by (1 - 2 eta y^2) is not proved
    from theorems import engines

    wrong = engines.identity(sn._gd_map(sn.x, sn.y)[0] - (1 - 2 * sn.eta * sn.y**2) * sn.x,
                             -sn.eta * sn.y * (sn._dl(sn.x * sn.y) - sn.x * sn.y), CTX)
    assert wrong.verdict is not Verdict.PROVED
