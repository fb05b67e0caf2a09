"""The MPFR form of the mean-model iteration (numeric.mean_model.gd_run_mpfr) against the mpmath
one it speeds up: same steps, same stopping decision, values to the working precision."""

from __future__ import annotations

from fractions import Fraction as F

import mpmath as mp
import pytest

from numeric import mean_model as N


@pytest.mark.parametrize(("d", "delta", "horizon"), [(12, -1, 3000), (50, 4, 3000), (100, 2, 400), (200, -4, 100)])
def test_gd_run_mpfr_equals_gd_run_to_working_precision(d, delta, horizon):
    with mp.workdps(50):
        eta = (8 + mp.mpf(delta)) * mp.pi / d**2
        ref = N.gd_run(1, d, eta, horizon, record=False)
        got = N.gd_run_mpfr(1, d, eta, horizon, record=False)
        assert (got.steps, got.converged) == (ref.steps, ref.converged)
        tol = mp.mpf(10) ** -45
        assert abs(got.b_final - ref.b_final) <= tol * (1 + abs(ref.b_final))
        assert abs(got.A_final - ref.A_final) <= tol * (1 + abs(ref.A_final))
        assert abs(got.max_b_increase - ref.max_b_increase) <= tol
        assert (got.remaining is None) == (ref.remaining is None)
        if ref.remaining is not None:
            assert abs(got.remaining - ref.remaining) <= tol * ref.remaining


def test_gd_run_mpfr_records_the_trajectory_and_honours_the_precision():
    with mp.workdps(40):
        ref = N.gd_run(F(1, 3), 30, F(1, 100), 300)
        got = N.gd_run_mpfr(F(1, 3), 30, F(1, 100), 300)
        assert len(got.b) == len(ref.b) > 20 and got.converged == ref.converged
        assert max(abs(x - y) for x, y in zip(got.b, ref.b, strict=True)) < mp.mpf(10) ** -36
        assert max(abs(x - y) for x, y in zip(got.A, ref.A, strict=True)) < mp.mpf(10) ** -36
    with mp.workdps(15):
        low = N.gd_run_mpfr(F(1, 3), 30, F(1, 100), 300)
    with mp.workdps(40):
        n = min(len(low.b), len(ref.b))  # the low-precision run stops earlier (its tolerance is coarser)
        assert max(abs(low.b[t] - ref.b[t]) for t in range(n)) > mp.mpf(10) ** -36


def test_final_bias_mpfr():
    with mp.workdps(30):
        b_ref, _ = N.final_bias(1, 200, F(3, 2), horizon_time=1)
        b_got, _ = N.final_bias_mpfr(1, 200, F(3, 2), horizon_time=1)
        assert abs(b_ref - b_got) < mp.mpf(10) ** -25 and b_ref != 0


def test_gd_run_is_bit_for_bit_the_step_loop():
    """gd_run shares g(b), g'(b) between the step and the stopping check: the same values, bit
    for bit, as iterating :func:`step` and checking :func:`_remaining_bound`."""
    with mp.workdps(50):
        d, eta = mp.mpf(50), 12 * mp.pi / 2500
        A, b, tol = mp.mpf(1), mp.mpf(0), mp.mpf(10) ** -42
        As, bs = [A], [b]
        for t in range(3000):
            A, b = N.step(A, b, d, eta)
            As.append(A)
            bs.append(b)
            if t % 16 == 0:
                rem = N._remaining_bound(A, b, d, eta)
                if rem is not None and rem < tol * eta:
                    break
        run = N.gd_run(1, 50, eta, 3000)
        assert run.converged and run.remaining == rem
        assert run.A == As and run.b == bs
