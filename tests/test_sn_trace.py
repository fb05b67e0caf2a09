"""numeric.sn_trace (long single-neuron runs with float64 records and exact replay) and the
quasi-static eta sweeps built on it (theorems.papers.ahn.qs_sweep)."""

from __future__ import annotations

from fractions import Fraction as F

import mpmath as mp
import pytest

from numeric import sn_trace
from numeric.precision import mpf_of
from numeric.single_neuron import gd_run, standard_init
from symbolic.losses import ell_beta, ell_rsym
from theorems import Budget, Context, Verdict

XT, YT, GAMMA = F(3, 4), F(5, 4), F(3)


def _pair(loss, eta, steps):
    with mp.workdps(50):
        x0, y0 = standard_init(XT, YT, GAMMA, eta)
        run = gd_run(loss, x0, y0, eta, steps, stop_at_converged=False)
        sn_trace.clear_cache()
        tr = sn_trace.trace_until(loss, XT, YT, GAMMA, eta, delta_below=-10, max_steps=steps)
    return run, tr


@pytest.mark.parametrize("loss", [ell_beta(F(3, 2)), ell_rsym()], ids=lambda x: x.name)
def test_trace_replays_the_gd_run_bit_for_bit(loss):
    run, tr = _pair(loss, F(1, 20), 2000)
    assert tr.n - 1 >= 2000 and tr.stopped == "running"
    with mp.workdps(50):
        for t in (0, 1, 255, 256, 257, 1000, 1999, 2000):
            assert tr.exact(t) == (run.xs[t], run.ys[t])
            d = run.eta * run.ys[t] * run.ys[t] - 2  # the formula of the measures
            assert tr.delta(t) == d
            assert abs(tr.delta_f[t] - float(d)) <= 1e-14 * max(1.0, abs(float(d)))
            assert abs(tr.abs_s_f[t] - float(abs(run.s(t)))) <= 1e-14 * float(abs(run.s(t)))


def test_windows_and_maxima_equal_brute_force():
    loss = ell_beta(F(2))
    run, tr = _pair(loss, F(1, 20), 3000)
    with mp.workdps(50):
        d = [run.eta * y * y - 2 for y in run.ys]  # the formula of the measures
        assert tr.monotone and all(a >= b for a, b in zip(d, d[1:], strict=False))
        for level in (mp.mpf(1) / 2, mp.mpf("0.01"), mp.mpf(0), d[777]):
            assert tr.first_delta_below(level) == next(t for t, v in enumerate(d) if v < level)
            assert tr.first_delta_below(level, strict=False) == next(t for t, v in enumerate(d) if v <= level)
        assert tr.first_delta_below(-1) is None
        lo, hi = tr.first_delta_below(mp.mpf(1) / 2), tr.first_delta_below(mp.mpf("0.01"))
        exact = lambda t: abs(tr.s(t)) ** 2 / tr.delta(t)  # noqa: E731
        best = tr.window_max(lo, hi, lambda sl: tr.abs_s_f[sl] ** 2 / tr.delta_f[sl], exact)
        brute = max((abs(run.s(t)) ** 2 / d[t], t) for t in range(lo, hi))
        assert best == brute
        assert tr.window_max(5, 5, lambda sl: tr.abs_s_f[sl], exact) is None


def test_a_cached_trace_is_extended_not_recomputed():
    loss, eta = ell_beta(F(3)), F(1, 50)
    sn_trace.clear_cache()
    with mp.workdps(30):
        a = sn_trace.trace_until(loss, XT, YT, GAMMA, eta, delta_below=F(1, 2), max_steps=10**6)
        n_a = a.n
        b = sn_trace.trace_until(loss, XT, YT, GAMMA, eta, delta_below=0, max_steps=10**6)
        assert b is a and b.n >= n_a and b.delta(b.n - 1) < 0
        t = b.first_delta_below(0)
        x0, y0 = standard_init(XT, YT, GAMMA, eta)
        run = gd_run(loss, x0, y0, eta, t, stop_at_converged=False)
        assert b.exact(t) == (run.xs[t], run.ys[t])
    with mp.workdps(40):  # another precision is another trace
        c = sn_trace.trace_until(loss, XT, YT, GAMMA, eta, delta_below=0, max_steps=10**6)
        assert c is not b and c.prec > b.prec


def test_a_run_that_reaches_x_zero_is_cut_there():
    sn_trace.clear_cache()
    with mp.workdps(30):
        tr = sn_trace.trace_until(ell_rsym(), F(0), F(1), GAMMA, F(1, 10), delta_below=-10, max_steps=5000)
    assert tr.stopped == "x_zero" and tr.n == 1


# ---------------------------------------------------------------- the sweep on top of the traces


def _sweep(measure):
    from theorems.papers.ahn.qs_sweep import trace_sweep

    ctx = Context(budget=Budget.named("quick"))
    return trace_sweep(ctx, ell_beta(F(3)), measure, "test measure", "eta -> 0", level=lambda p: 0,
                       admissible=lambda p: True, hyp_text="eta < 1", gamma=GAMMA, event="the crossing")


def _cross_time(tr):
    t = tr.first_delta_below(0)
    return None if t is None or t < 1 else t


def test_sweep_refutes_a_wrong_order_and_supports_a_right_one():
    """For beta = 3 the bouncing phase lasts ~ eta^-2 steps (Remark 3): 1/(t_cross eta^2) is
    bounded along eta -> 0, 1/(t_cross eta^3) is not."""
    def right(tr, p):
        t = _cross_time(tr)
        return None if t is None else 1 / (t * mpf_of(p) ** 2)

    wrong = _sweep(lambda tr, p: None if right(tr, p) is None else right(tr, p) / mpf_of(p))
    assert wrong.verdict is Verdict.REFUTED and wrong.counterexample.confirmed_dps == 100
    ok = _sweep(right)
    assert ok.verdict is Verdict.SUPPORTED, ok.reason
    assert ok.details["decades_spanned"] >= 2
    assert "eta = 9/10 * 10^(-k/4) where eta < 1" in ok.details["family"]


def test_sweep_names_what_a_short_sweep_would_need():
    from theorems.papers.ahn.qs_sweep import _needs, grid, window_top

    assert grid()[:3] == [F(9, 10), F(81, 160), F(27, 95)]
    assert all(10 * float(p) ** 3 < 0.5 for p in grid(window_top(F(3))))
    text = _needs([(F(1, 10), 100), (F(1, 100), 10_000)], F(1, 10))
    assert "2 decades need eta down to 0.001 (~1e+06 steps per run: --budget standard)" in text
    assert "3 decades need eta down to 0.0001 (~1e+08 steps per run: beyond --budget deep" in text


def test_the_inlined_kernel_steps_exactly_like_the_plain_loop():
    """Every loss of the quasi-static pool (all piece kinds: rational powers, tanh, constants,
    several pieces) gets an inlined block whose iterates equal those of h * dl(x * y)."""
    import gmpy2

    from theorems.papers.ahn.s2d_quasistatic import _qs_pool

    for loss in _qs_pool(Context(), a3=False):
        with gmpy2.context(gmpy2.get_context(), precision=120):
            dl = sn_trace._mpfr_dl(loss)
            block = sn_trace.inline_block(loss, dl)
            assert block is not None, loss.name
            h = gmpy2.mpfr(1) / 7
            for x0, y0 in ((gmpy2.mpfr(3) / 5, gmpy2.mpfr(4)), (gmpy2.mpfr(-2), gmpy2.mpfr(3) / 2)):
                xs, ws = [], []
                x, y = block(x0, y0, 40, h, gmpy2.mpfr(2), xs.append, ws.append)
                a, b = x0, y0
                for i in range(40):
                    hg = h * dl(a * b)
                    a, b = a - hg * b, b - hg * a
                    assert xs[i] == float(a) and ws[i] == float(b - 2)
                assert (x, y) == (a, b), loss.name


def test_sweep_names_deep_when_standard_cannot_reach():
    from theorems.papers.ahn.qs_sweep import _needs

    text = _needs([(F(1, 10), 10_000), (F(1, 100), 1_000_000)], F(1, 10))
    assert "2 decades need eta down to 0.001 (~1e+08 steps per run: beyond --budget deep" in text
    text = _needs([(F(1, 10), 1_000), (F(1, 100), 100_000)], F(1, 10))
    assert "2 decades need eta down to 0.001 (~1e+07 steps per run: --budget deep)" in text
