"""The mean model of Ahn et al. (Sec. 3, eqs. (5)-(6)) at chosen precision (mpmath).

    A_{t+1} = A_t - 2 d^2 eta ell'(A_t g(b_t)) g(b_t),   b_{t+1} = b_t - eta ell'(A_t g(b_t)) A_t g'(b_t)

with ell = ell_sym (ell'(s) = tanh(s/2)/2), g(b) = phi(b) + b Phi(b) (Lemma 2), g' = Phi.
The critical step size is eta_c = 8 pi / d^2 (Sec. 3.2).

* :func:`gd_run` iterates (5) until a horizon, stopping early only once the remaining decrease
  of b is provably negligible (see :class:`MMRun`).
* :func:`gf_rk4` integrates (6); :func:`gf_limit_bias` solves kappa(b) = -A0^2/(4 d^2).
* :func:`onset` locates the phase transition in eta/eta_c by bisection.

Everything runs under the caller's ``mp.workdps``; inputs are exact rationals or mpf.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath as mp

from .dynamics import SimulationDiverged
from .precision import mpf_of


def to_mpf(x) -> mp.mpf:
    """An exact rational via :func:`numeric.precision.mpf_of`; anything else as mpf."""
    return mpf_of(x) if isinstance(x, Fraction) else mp.mpf(x)


def g(x) -> mp.mpf:
    """Smoothed ReLU, Lemma 2 closed form."""
    return mp.npdf(x) + x * mp.ncdf(x)


def gprime(x) -> mp.mpf:
    return mp.ncdf(x)


def g_by_quadrature(x) -> mp.mpf:
    """E ReLU(z + b) = int_{-b}^oo (z + b) phi(z) dz by mpmath quad (no closed form used)."""
    x = mp.mpf(x)
    return mp.quad(lambda t: (t + x) * mp.exp(-t * t / 2), [-x, -x + 10, mp.inf]) / mp.sqrt(2 * mp.pi)


def ell_prime(v) -> mp.mpf:
    """ell_sym'(s) = tanh(s/2)/2."""
    return mp.tanh(v / 2) / 2


def kappa(x) -> mp.mpf:
    """kappa(b) = int_0^b g/g' (quadrature)."""
    x = mp.mpf(x)
    if x == 0:
        return mp.mpf(0)
    return mp.quad(lambda t: g(t) / gprime(t), [0, x])


def g_inverse(v) -> mp.mpf:
    """The b with g(b) = v > 0 (g is increasing from 0 to oo)."""
    v = mp.mpf(v)
    if v <= 0:
        raise ValueError("g takes only positive values")
    lo, hi = mp.mpf(-1), mp.mpf(1)
    while g(lo) > v:
        lo *= 2
    while g(hi) < v:
        hi *= 2
    return mp.findroot(lambda t: g(t) - v, (lo, hi), solver="anderson")


def eta_c(d) -> mp.mpf:
    return 8 * mp.pi / mp.mpf(d) ** 2


def eos_bound(eta, d) -> mp.mpf:
    """g^{-1}(2 / sqrt(eta d^2)): the Sec. 3.2 (ii) / Theorem 4 bound on the final bias."""
    return g_inverse(2 / mp.sqrt(mp.mpf(eta) * mp.mpf(d) ** 2))


def step(A, b, d, eta) -> tuple[mp.mpf, mp.mpf]:
    gb = g(b)
    lp = ell_prime(A * gb)
    return A - 2 * d * d * eta * lp * gb, b - eta * lp * A * gprime(b)


@dataclass
class MMRun:
    """A mean-model GD trajectory.

    ``converged``: the run stopped because the remaining total decrease of b is bounded by
    ``remaining`` (tiny): |A| is in the linear regime and contracts by the factor
    q = |1 - eta d^2 g(b)^2 / 2| < 1 (plus the O(A^2) nonlinear correction), so
    sum_{s>=t} |b_{s+1} - b_s| <= eta g Phi A_t^2 / (4 (1 - q^2)).
    Otherwise the run reached its horizon and ``b_final`` is the bias at the horizon.
    """

    d: mp.mpf
    eta: mp.mpf
    A: list = field(default_factory=list)
    b: list = field(default_factory=list)
    steps: int = 0
    converged: bool = False
    remaining: mp.mpf | None = None
    max_b_increase: mp.mpf = field(default_factory=lambda: mp.ninf)  # max_t (b_{t+1} - b_t)

    @property
    def b_final(self) -> mp.mpf:
        return self.b[-1]

    @property
    def A_final(self) -> mp.mpf:
        return self.A[-1]


def _g_pair(b) -> tuple[mp.mpf, mp.mpf]:
    """(g(b), g'(b)) with one ncdf evaluation: exactly the values of :func:`g` and :func:`gprime`."""
    nc = mp.ncdf(b)
    return mp.npdf(b) + b * nc, nc


def _remaining_bound(A, b, d, eta, pair: tuple | None = None) -> mp.mpf | None:
    gb, gpb = pair if pair is not None else (g(b), gprime(b))
    x = eta * d * d * gb * gb / 2
    v = A * gb
    # nonlinear correction: ell'(v)/v in [(1/4)(1 - v^2/12), 1/4]
    q = max(abs(1 - x), abs(1 - x * (1 - v * v / 12)))
    if q >= 1:
        return None
    return eta * gb * gpb * A * A / (4 * (1 - q * q))


def gd_run(A0, d, eta, horizon: int, record: bool = True, stop_tol=None,
           check_every: int = 16) -> MMRun:
    """Iterate (5) from (A0, 0) for at most ``horizon`` steps (early stop: see MMRun)."""
    A = to_mpf(A0)
    b = mp.mpf(0)
    d = to_mpf(d)
    eta = to_mpf(eta)
    tol = stop_tol if stop_tol is not None else mp.mpf(10) ** (-(mp.mp.dps - 8))
    run = MMRun(d=d, eta=eta)
    run.A.append(A)
    run.b.append(b)
    pair = _g_pair(b)  # (g(b), g'(b)) of the current b: one ncdf per step, shared with the stop check
    for t in range(horizon):
        gb, gpb = pair
        lp = ell_prime(A * gb)  # step(A, b, d, eta), operation for operation
        A_new, b_new = A - 2 * d * d * eta * lp * gb, b - eta * lp * A * gpb
        if not (mp.isfinite(A_new) and mp.isfinite(b_new)) or abs(A_new) > 1e60:
            raise SimulationDiverged(f"mean model blew up at step {t + 1}")
        inc = b_new - b
        if inc > run.max_b_increase:
            run.max_b_increase = inc
        A, b = A_new, b_new
        run.steps = t + 1
        if record:
            run.A.append(A)
            run.b.append(b)
        pair = _g_pair(b)
        if t % check_every == 0:
            rem = _remaining_bound(A, b, d, eta, pair)
            if rem is not None and rem < tol * eta:
                run.converged, run.remaining = True, rem
                break
    if not record:
        run.A.append(A)
        run.b.append(b)
    return run


def final_bias(A0, d, ratio, horizon_time=None, max_steps: int = 200_000) -> tuple[mp.mpf, MMRun]:
    """b after ``horizon_time / eta`` steps (or ``max_steps``), eta = ratio * eta_c(d)."""
    eta = to_mpf(ratio) * eta_c(d)
    steps = max_steps if horizon_time is None else int(mp.ceil(to_mpf(horizon_time) / eta))
    run = gd_run(A0, d, eta, steps, record=False)
    return run.b_final, run


# ------------------------------------------------------------------ the same iteration in MPFR


def gd_run_mpfr(A0, d, eta, horizon: int, record: bool = True, stop_tol=None,
                check_every: int = 16) -> MMRun:
    """:func:`gd_run` computed in MPFR (gmpy2) at the current mpmath precision: the same
    iteration (5), the same operations in the same order, the same early-stopping rule and
    checks, about 20x faster.  The values agree with :func:`gd_run` to the working precision
    (not bit for bit: MPFR's exp/erfc/tanh are correctly rounded, mpmath's need not be); the
    returned :class:`MMRun` holds mpf values (exact conversions of the MPFR iterates)."""
    import gmpy2

    from .kernels import MpfSeq, mpfr_precision, to_mpfr
    from .kernels import to_mpf as exact_mpf

    tol = stop_tol if stop_tol is not None else mp.mpf(10) ** (-(mp.mp.dps - 8))
    with mpfr_precision():
        mpfr, exp, erfc, tanh = gmpy2.mpfr, gmpy2.exp, gmpy2.erfc, gmpy2.tanh
        A, b = to_mpfr(A0 if isinstance(A0, int | Fraction) else to_mpf(A0)), mpfr(0)
        dd, h = to_mpfr(d if isinstance(d, int | Fraction) else to_mpf(d)), to_mpfr(
            eta if isinstance(eta, int | Fraction) else to_mpf(eta))
        tol_h = to_mpfr(tol) * h
        inv_sqrt2pi = 1 / gmpy2.sqrt(2 * gmpy2.const_pi())
        inv_sqrt2 = 1 / gmpy2.sqrt(mpfr(2))
        big = mpfr(1e60)
        c_A = 2 * dd * dd * h  # 2 * d * d * eta, as gd_run multiplies left to right

        def gprime(x):  # ncdf(x) = erfc(-x / sqrt 2) / 2
            return erfc(-x * inv_sqrt2) / 2

        def g(x):
            return exp(-x * x / 2) * inv_sqrt2pi + x * gprime(x)

        As, bs = [A], [b]
        max_inc = None
        steps, converged, remaining = 0, False, None
        for t in range(horizon):
            gb = g(b)
            lp = tanh(A * gb / 2) / 2
            A_new, b_new = A - c_A * lp * gb, b - h * lp * A * gprime(b)
            if not (gmpy2.is_finite(A_new) and gmpy2.is_finite(b_new)) or abs(A_new) > big:
                raise SimulationDiverged(f"mean model blew up at step {t + 1}")
            inc = b_new - b
            if max_inc is None or inc > max_inc:
                max_inc = inc
            A, b = A_new, b_new
            steps = t + 1
            if record:
                As.append(A)
                bs.append(b)
            if t % check_every == 0:  # _remaining_bound
                gb = g(b)
                x = h * dd * dd * gb * gb / 2
                v = A * gb
                q = max(abs(1 - x), abs(1 - x * (1 - v * v / 12)))
                if q < 1:
                    rem = h * gb * gprime(b) * A * A / (4 * (1 - q * q))
                    if rem < tol_h:
                        converged, remaining = True, rem
                        break
        if not record:
            As.append(A)
            bs.append(b)
        run = MMRun(d=exact_mpf(dd), eta=exact_mpf(h))
        run.A, run.b = (MpfSeq(As), MpfSeq(bs)) if record else ([exact_mpf(x) for x in As], [exact_mpf(x) for x in bs])
        run.steps, run.converged = steps, converged
        run.remaining = exact_mpf(remaining) if remaining is not None else None
        if max_inc is not None:
            run.max_b_increase = exact_mpf(max_inc)
        return run


def final_bias_mpfr(A0, d, ratio, horizon_time=None, max_steps: int = 200_000) -> tuple[mp.mpf, MMRun]:
    """:func:`final_bias` with :func:`gd_run_mpfr`."""
    eta = to_mpf(ratio) * eta_c(d)
    steps = max_steps if horizon_time is None else int(mp.ceil(to_mpf(horizon_time) / eta))
    run = gd_run_mpfr(A0, d, eta, steps, record=False)
    return run.b_final, run


# ------------------------------------------------------------------ gradient flow


def gf_field(d) -> Callable:
    d = to_mpf(d)

    def f(_t, y):
        A, b = y
        gb = g(b)
        lp = ell_prime(A * gb)
        return [-2 * d * d * lp * gb, -lp * A * gprime(b)]

    return f


def conserved(A, b, d, coeff=2) -> mp.mpf:
    """(1/2) A^2 - coeff d^2 kappa(b) (Lemma 3 has coeff = 2)."""
    return A * A / 2 - coeff * to_mpf(d) ** 2 * kappa(b)


def gf_rk4(A0, d, t_end, h) -> tuple[list, list]:
    from .dynamics import rk4_flow

    return rk4_flow(gf_field(d), [to_mpf(A0), mp.mpf(0)], to_mpf(t_end), to_mpf(h))


def gf_limit_bias(A0, d) -> mp.mpf:
    """Root of kappa(b) = -A0^2/(4 d^2) (the GF limit if A_t -> 0, by Lemma 3)."""
    target = -to_mpf(A0) ** 2 / (4 * to_mpf(d) ** 2)
    guess = target / (g(0) / gprime(0))
    return mp.findroot(lambda t: kappa(t) - target, guess)


# ------------------------------------------------------------------ the phase transition


@dataclass
class Transition:
    """Where the final bias first drops by ``level`` below its value at the smallest ratio."""

    bracket: tuple[mp.mpf, mp.mpf]  # (last flat ratio, first dropped ratio), in eta/eta_c
    location: mp.mpf  # geometric midpoint of the bracket
    points: list[tuple[mp.mpf, mp.mpf]]  # (ratio, final bias), sorted by ratio
    reference: mp.mpf  # bias at the smallest ratio
    level: mp.mpf


def locate(points: Sequence[tuple], level) -> Transition:
    """Transition bracket on a sorted sweep; if no point drops, the location is beyond the
    grid (largest ratio * sqrt 2); if all drop, below it (smallest / sqrt 2)."""
    pts = sorted((to_mpf(r), to_mpf(v)) for r, v in points)
    ref = pts[0][1]
    lvl = to_mpf(level)
    first = next((i for i, (_, v) in enumerate(pts) if v < ref - lvl), None)
    if first is None:
        lo, hi = pts[-1][0], pts[-1][0] * 2
    elif first == 0:  # cannot happen (ref is pts[0]); kept for clarity
        lo, hi = pts[0][0] / 2, pts[0][0]
    else:
        lo, hi = pts[first - 1][0], pts[first][0]
    return Transition((lo, hi), mp.sqrt(lo * hi), pts, ref, lvl)


def onset(bias_at: Callable[[mp.mpf], mp.mpf], grid: Sequence, level, refine: int = 8) -> Transition:
    """Sweep ``grid`` (ratios eta/eta_c), bracket the drop, then bisect (in log ratio)
    ``refine`` times using the same reference (bias at the smallest ratio)."""
    pts = [(to_mpf(r), bias_at(to_mpf(r))) for r in grid]
    tr = locate(pts, level)
    lo, hi = tr.bracket
    if hi == lo * 2 and not any(v < tr.reference - tr.level for _, v in pts):
        return tr  # no transition on the grid
    extra = []
    for _ in range(refine):
        mid = mp.sqrt(lo * hi)
        v = bias_at(mid)
        extra.append((mid, v))
        if v < tr.reference - tr.level:
            hi = mid
        else:
            lo = mid
    allpts = sorted(pts + extra)
    return Transition((lo, hi), mp.sqrt(lo * hi), allpts, tr.reference, tr.level)
