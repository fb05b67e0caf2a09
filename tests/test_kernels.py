"""The MPFR kernels against the plain mpmath computations they replace (to the working
precision), bit-for-bit reproducibility, the batched form, and the precision they honour."""

from __future__ import annotations

from fractions import Fraction as F

import gmpy2
import mpmath as mp
import pytest
import sympy as sp

from numeric import kernels
from numeric.dynamics import SimulationDiverged
from numeric.precision import mpf_of
from numeric.shallow import gd_run

INSTANCES = [  # (a0, b0, Phi, eta, steps)
    ((F(1, 2),), (F(-1, 3),), F(1), F(1, 10), 300),
    ((F(3),), (F(1, 7),), F(2), F(1, 20), 200),
    ((F(1, 2), F(-2, 3), F(1, 5)), (F(1, 3), F(3, 4), F(-1, 9)), F(1), F(1, 8), 250),
    (tuple(F(1, k + 2) for k in range(8)), tuple(F(-1, k + 3) for k in range(8)), F(3, 2), F(1, 5), 150),
]


def _mpmath_reference(a0, b0, Phi, eta, steps):
    """The former mpmath implementation of numeric.shallow.gd_run (no stopping)."""
    a, b = [mpf_of(x) for x in a0], [mpf_of(x) for x in b0]
    P, h = mpf_of(Phi), mpf_of(eta)
    eps, lam, qi = [], [], []
    for t in range(steps + 1):
        e = mp.fsum(x * y for x, y in zip(a, b, strict=True)) - P
        eps.append(e)
        lam.append(mp.fsum(x * x for x in a) + mp.fsum(y * y for y in b))
        qi.append([x * x - y * y for x, y in zip(a, b, strict=True)])
        if t == steps:
            break
        a, b = [x - h * e * y for x, y in zip(a, b, strict=True)], [y - h * e * x for x, y in zip(a, b, strict=True)]
    return eps, lam, qi


@pytest.mark.parametrize("dps", [30, 50, 100])
@pytest.mark.parametrize("inst", INSTANCES, ids=["d1a", "d1b", "d3", "d8"])
def test_shallow_kernel_equals_mpmath_to_working_precision(inst, dps):
    a0, b0, Phi, eta, steps = inst
    with mp.workdps(dps):
        ref_eps, ref_lam, ref_qi = _mpmath_reference(*inst)
        run = gd_run(a0, b0, Phi, eta, steps, tol=F(0))
        assert run.steps == steps
        tol = mp.mpf(10) ** (-(dps - 8))  # a few ulps per step, accumulated over <= 300 steps
        for t in (0, 1, steps // 2, steps):
            scale = 1 + abs(ref_eps[t]) + ref_lam[t]
            assert abs(run.eps[t] - ref_eps[t]) <= tol * scale
            assert abs(run.lam[t] - ref_lam[t]) <= tol * scale
            for q, r in zip(run.Qi[t], ref_qi[t], strict=True):
                assert abs(q - r) <= tol * scale
        # and not merely agreeing at some low precision: a kernel run at fewer digits is off
        with mp.workdps(dps // 2):
            low = gd_run(a0, b0, Phi, eta, steps, tol=F(0))
        assert max(abs(low.eps[t] - ref_eps[t]) for t in range(steps + 1)) > tol


def test_kernel_is_bit_for_bit_reproducible_and_exact_in_conversion():
    a0, b0, Phi, eta, steps = INSTANCES[2]
    with mp.workdps(50):
        r1 = gd_run(a0, b0, Phi, eta, steps, tol=F(0))
        r2 = gd_run(a0, b0, Phi, eta, steps, tol=F(0))
    assert [x._mpf_ for x in r1.eps] == [x._mpf_ for x in r2.eps]
    with kernels.mpfr_precision(r1._traj.prec):
        for v in r1._traj.eps[:20]:
            x = kernels.to_mpf(v)
            assert kernels.to_mpfr(x) == v  # exact round trip
            assert type(x._mpf_[2]) is int and float(x) == float(v)  # a well-formed mpf


def test_kernel_honours_the_precision_it_is_called_with():
    a0, b0, Phi, eta, _ = INSTANCES[0]
    for dps in (20, 60, 200):
        with mp.workdps(dps):
            run = gd_run(a0, b0, Phi, eta, 3, tol=F(0))
            assert run._traj.prec == mp.mp.prec
            exact = F(a0[0]) * F(b0[0]) - Phi  # eps_0 exactly
            assert abs(run.eps[0] - mpf_of(exact)) <= mp.mpf(2) ** (-mp.mp.prec + 1)


@pytest.mark.parametrize("chunk", [1, 3, 64])
def test_chunked_checks_stop_exactly_where_a_per_step_check_stops(chunk, monkeypatch):
    monkeypatch.setattr(kernels, "CHUNK", chunk)
    converging = 0
    with mp.workdps(40):
        for a0, b0, Phi, eta, _ in INSTANCES:
            ref_eps, _, _ = _mpmath_reference(a0, b0, Phi, eta * 4, 400)
            tol = mp.mpf(10) ** -12
            t_ref = next((t for t, e in enumerate(ref_eps) if abs(e) < tol * (1 + mpf_of(Phi))), None)
            run = gd_run(a0, b0, Phi, eta * 4, 400, tol=tol)
            if t_ref is None:
                assert not run.converged and run.steps == 400
            else:
                converging += 1
                assert run.converged and run.steps == t_ref
                assert len(run.Qi) == len(run.lam) == t_ref + 1
        assert converging >= 2
        for steps in (0, 1, chunk, 2 * chunk + 1):
            assert gd_run(*INSTANCES[0][:4], steps, tol=F(0)).steps == steps
        ref_eps, _, _ = _mpmath_reference((F(10),), (F(10),), F(1), F(1), 5)
        t_div = next(t for t, e in enumerate(ref_eps) if abs(e) > mp.mpf(1e40) * 2)
        with pytest.raises(SimulationDiverged, match=f"at step {t_div}:"):
            gd_run((F(10),), (F(10),), F(1), F(1), 500)
        huge = F(10) ** 300  # caught as |eps| > blowup at once
        with pytest.raises(SimulationDiverged, match="at step 0:"):
            gd_run((huge,), (huge,), F(1), F(1), 500)


def test_kernel_stops_and_diverges_like_the_mpmath_loop():
    with mp.workdps(50):
        run = gd_run((F(1),), (F(1, 2),), F(1), F(1, 2), 10_000)
        assert run.converged and abs(run.eps[-1]) < mp.mpf(10) ** -40 * 2
        with pytest.raises(SimulationDiverged):
            gd_run((F(10),), (F(10),), F(1), F(1), 500)


@pytest.mark.parametrize("d", [1, 3])
def test_batch_equals_single_runs_bit_for_bit(d):
    insts = [(tuple(F(k + i + 1, 7) for i in range(d)), tuple(F(-(k + 2 * i + 1), 11) for i in range(d)),
              F(1 + k, 2), F(1, 10 + k)) for k in range(5)]
    insts.append(((F(10),) * d, (F(10),) * d, F(1), F(1)))  # diverges
    finished = set()
    with mp.workdps(40):
        batch = kernels.shallow_gd_batch(insts, 400, F(1, 10**30))
        for inst, got in zip(insts, batch, strict=True):
            try:
                single = kernels.shallow_gd(inst[0], inst[1], inst[2], inst[3], 400, F(1, 10**30))
            except SimulationDiverged:
                assert isinstance(got, SimulationDiverged)
                continue
            assert got.converged == single.converged
            assert got.eps == single.eps
            assert len(got.a) == len(single.a) == len(got.eps)
            for t in (0, len(got.eps) // 2, -1):
                assert got.a[t] == single.a[t] and got.b[t] == single.b[t]
            finished.add(len(got.eps))
    assert len(finished) >= 3  # instances left the batch at different steps


def test_lazy_sequences_behave_like_lists():
    with kernels.mpfr_precision(100):
        raw = [gmpy2.mpfr(k) / 3 for k in range(10)]
    seq = kernels.MpfSeq(raw)
    assert len(seq) == 10 and seq[-1] == seq[9] and seq[2:4] == list(seq)[2:4]
    with pytest.raises(IndexError):
        seq[10]
    assert all(isinstance(v, mp.mpf) for v in seq)


def _losses():
    import random

    from symbolic import losses as L

    out = [L.ell_sym(), L.ell_rsym(), L.ell_sqr(), L.huber(), *L.example1((F(3, 2), F(2), F(3), F(10)))]
    rng = random.Random(7)
    out += [L.admissible_loss(rng, i) for i in range(15)]
    return out


@pytest.mark.parametrize("dps", [30, 50])
def test_compiled_ell_prime_equals_the_mpmath_one(dps):
    """The compiled MPFR ell' (branch selection in straight-line code) agrees with the mpmath
    evaluator to the working precision on both sides of every breakpoint and far out."""
    points = [F(0), F(1, 1000), F(1, 3), F(1, 2), F(99, 100), F(1), F(101, 100), F(3, 2), F(2), F(7, 3),
              F(5), F(40)]
    checked = 0
    with mp.workdps(dps), kernels.mpfr_precision():
        for loss in _losses():
            dl = loss.gmpy_dl()
            if dl is None:
                continue
            assert loss.gmpy_dl() is dl  # compiled once per precision
            brk = [F(int(p.hi.p), int(p.hi.q)) for p in loss.pieces if p.hi is not sp.oo]
            pts = points + [b + dx for b in brk for dx in (F(-1, 10**6), F(0), F(1, 10**6))]
            for x in pts:
                for v in (x, -x):
                    got = dl(kernels.to_mpfr(v))
                    assert isinstance(got, gmpy2.mpfr)
                    want = loss.dl(mpf_of(v))
                    assert abs(kernels.to_mpf(got) - want) <= mp.mpf(10) ** (-dps + 3) * (1 + abs(want)), \
                        (loss.name, v)
            checked += 1
    assert checked >= 10


class _MpmathOnly:
    """A loss seen without its MPFR evaluator: numeric.single_neuron.gd_run then runs its
    mpmath loop (the former implementation)."""

    def __init__(self, loss):
        self.dl, self.curv, self.key = loss.dl, loss.curv, loss.key + "|mpmath"


@pytest.mark.parametrize("name", ["ell_rsym", "ell_sqr", "ell_beta[3/2]", "ell_beta[10]",
                                  "algebraic[p=3,k=139/48]", "kinked[b=2,u*=38/35,u2=1993/1610,m=20/33]"])
def test_single_neuron_mpfr_run_equals_the_mpmath_run(name):
    from numeric.single_neuron import gd_run as sn_gd_run

    loss = next(x for x in _losses() if x.name == name)
    eta = F(1, 5)
    with mp.workdps(50):
        x0, y0 = mp.mpf(1) / 3, mp.sqrt(2 / mpf_of(eta)) * mp.mpf(11) / 10
        fast = sn_gd_run(loss, x0, y0, eta, 3000)
        slow = sn_gd_run(_MpmathOnly(loss), x0, y0, eta, 3000)
        assert fast.info.get("arithmetic") == "MPFR" and "arithmetic" not in slow.info
        assert fast.stopped == slow.stopped and abs(fast.steps - slow.steps) <= 1
        n = min(fast.steps, slow.steps)
        for t in (0, 1, n // 3, n):
            assert abs(fast.xs[t] - slow.xs[t]) <= mp.mpf(10) ** -40 * (1 + abs(slow.xs[t]))
            assert abs(fast.ys[t] - slow.ys[t]) <= mp.mpf(10) ** -40 * (1 + abs(slow.ys[t]))
        assert fast.crossing() == slow.crossing() is not None
        assert fast.bouncing_count() == slow.bouncing_count()


def test_run_lam_and_qi_in_bulk_equal_the_per_step_values():
    """Iterating lam / Qi computes them in bulk (one precision context): the same values,
    bit for bit, as indexing one step at a time."""
    a0, b0, Phi, eta, steps = INSTANCES[2]
    with mp.workdps(50):
        one = gd_run(a0, b0, Phi, eta, steps, tol=F(0))
        bulk = gd_run(a0, b0, Phi, eta, steps, tol=F(0))
        per_step = [one.lam[t] for t in range(steps + 1)]
        assert list(bulk.lam) == per_step
        assert list(bulk.Qi) == [one.Qi[t] for t in range(steps + 1)]
        assert all(x._mpf_ == y._mpf_ for x, y in zip(bulk.lam, per_step, strict=True))


REDUCED_GF = [  # (eps0, lam0, Phi, horizon): rescaled (lam0 + Phi = 1) network states, lam0 >= 2|eps0 + Phi|
    (F(-1, 3), F(1, 2), F(1, 2), 20),
    (F(1, 10), F(4, 5), F(1, 5), 40),
    (F(-1, 2), F(3, 4), F(1, 4), 60),  # a.b < 0 (region C)
]


@pytest.mark.parametrize("case", REDUCED_GF, ids=["A", "B", "C"])
@pytest.mark.parametrize("dps", [15, 30])
def test_reduced_gf_taylor_equals_mpmath_odefun(case, dps):
    """The dedicated Taylor kernel of the reduced GF against mpmath's generic odefun (the
    integrator it replaces), to the working precision, at 41 output times."""
    from numeric.dynamics import integrate_flow
    from numeric.shallow import gf_reduced_field, gf_reduced_flow

    e0, l0, P, horizon = case
    with mp.workdps(dps):
        times = [mp.mpf(horizon) * k / 40 for k in range(41)]
        ref = integrate_flow(gf_reduced_field(mpf_of(P)), [mpf_of(e0), mpf_of(l0)], times)
        got = gf_reduced_flow(mpf_of(P), [mpf_of(e0), mpf_of(l0)], times)
        tol = mp.mpf(10) ** (-(dps - 2))
        for r, g in zip(ref, got, strict=True):
            assert abs(r[0] - g[0]) <= tol and abs(r[1] - g[1]) <= tol
        # alpha = lam^2 - 4 (eps + Phi)^2 is conserved by the flow, and by the kernel's solution
        alpha = [lm**2 - 4 * (e + mpf_of(P)) ** 2 for e, lm in got]
        assert max(abs(x - alpha[0]) for x in alpha) <= tol
        assert abs(got[-1][0]) < abs(got[0][0]) / 1000  # and the flow did move (eps -> 0)
    if dps == 30:  # a low-precision run is visibly less accurate: the kernel honours the precision
        with mp.workdps(15):
            low = gf_reduced_flow(mpf_of(P), [mpf_of(e0), mpf_of(l0)], times)
        with mp.workdps(dps):
            assert max(abs(r[1] - g[1]) for r, g in zip(ref, low, strict=True)) > tol


def test_reduced_gf_taylor_fixed_point_and_divergence():
    from numeric.shallow import gf_reduced_flow

    with mp.workdps(30):
        # eps = 0 is a fixed point: every output equals the start
        ys = gf_reduced_flow(mp.mpf(1), [mp.mpf(0), mp.mpf(3)], [mp.mpf(k) for k in range(5)])
        assert all(y == [0, 3] for y in ys)
        # lam < 0, eps > 0 is not a network state: eps grows without bound
        with pytest.raises(SimulationDiverged):
            gf_reduced_flow(mp.mpf(1), [mp.mpf(1), mp.mpf(-5)], [mp.mpf(k) for k in range(0, 200, 5)])


def test_reduced_gd_outcome_equals_the_mpmath_loop(monkeypatch):
    """bw's large-step classification (Theorem 2, eos_outcome) in MPFR against its mpmath loop:
    the same outcome and step on sampled instances, at the working and the confirmation digits."""
    import random

    from theorems.papers.bw import s4_speed as S

    rng = random.Random(11)
    insts = [S.eos_sampler(rng, i) for i in range(24)]
    fast = {}
    for dps in (50, 100):
        for k, inst in enumerate(insts):
            fast[(k, dps)] = S.eos_outcome(inst, dps, 3000)
    monkeypatch.setattr(S, "reduced_gd_outcome", lambda *args: None)  # the mpmath loop
    for (k, dps), got in fast.items():
        assert got == S.eos_outcome(insts[k], dps, 3000)
    assert {o for o, _ in fast.values() if o} >= {"converged", "diverged"}  # both outcomes exercised


def test_reduced_gd_outcome_falls_back_outside_mpfr_exponent_range():
    with kernels.mpfr_precision(60), mp.workdps(18):
        # an undecided run whose lam overflows MPFR's exponent range within the step budget
        huge = mp.mpf(2) ** (2**40)
        assert kernels.reduced_gd_outcome(mp.mpf(1) / 10, huge, mp.mpf(1), mp.mpf(1) / 10**9,
                                          mp.mpf(10) ** -10, 5) is None
