"""GD and GF on the single-neuron model f(x, y) = ell(x y) (Ahn et al., Sec. 2, App. C), in mpmath.

* :func:`gd_run` iterates x+ = x - eta ell'(xy) y, y+ = y - eta ell'(xy) x from an exact or
  mpf start, recording every iterate, and stops once the run has *converged* in the sense of
  the catalogue: y^2 < 2/eta and the remaining possible decrease of y^2, bounded by
  ``tail = 2 eta x^2 y^2 / rho`` (rho = 2 - eta y^2; valid since ell'(s)/s <= 1 makes
  |x_{t+1}| <= (1 - rho)|x_t| near the axis), is below ``tail_rel`` times the current gap
  (or an absolute floor).
* :func:`standard_init` is the paper's initialisation sqrt(gamma/eta)(x~, y~), y~^2 - x~^2 = 1.
* :func:`gf_run` integrates the gradient flow with fixed-step RK4 (step halving as a check).
* :func:`cached_run` memoises runs so that several claims share one sweep (LRU, bounded by the
  number of stored iterates).

For a :class:`symbolic.losses.Loss` the GD loop runs in MPFR (gmpy2, the mpmath backend) at the
binary precision of the current mpmath context: the same precision with correctly rounded
operations, several times faster; the recorded iterates are exact mpf copies.  Other loss objects
are iterated in mpmath.

``loss`` is any object with ``dl(s)`` (ell' in mpmath) and a hashable ``key``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath as mp

from .dynamics import SimulationDiverged, rk4_flow
from .kernels import MpfSeq, mpfr_precision, to_mpf, to_mpfr
from .precision import mpf_of


@dataclass
class Run:
    eta: Any
    xs: list
    ys: list
    stopped: str  # "converged" | "max_steps" | "x_zero"
    tail: Any = None  # bound on the remaining decrease of y^2 (converged runs)
    info: dict = field(default_factory=dict)

    @property
    def steps(self) -> int:
        return len(self.xs) - 1

    @property
    def converged(self) -> bool:
        return self.stopped == "converged"

    def y2(self, t: int):
        return self.ys[t] ** 2

    def s(self, t: int):
        return self.xs[t] * self.ys[t]

    @property
    def threshold(self):
        """2/(eta ell''(0)): the EoS threshold for y^2."""
        return 2 / (self.eta * self.info.get("curvature", 1))

    def gap_final(self):
        """2/eta - y_T^2 at the last iterate (the limit gap lies in [gap_T, gap_T + tail])."""
        return self.threshold - self.ys[-1] ** 2

    def _raw_y2(self):
        """(y_t^2 in MPFR, threshold in MPFR) for runs computed in MPFR, else None."""
        if not isinstance(self.ys, MpfSeq) or "prec" not in self.info:
            return None
        with mpfr_precision(self.info["prec"]):
            return [y * y for y in self.ys.raw], to_mpfr(self.threshold)

    def crossing(self) -> int | None:
        """The paper's bold t (Prop. 1): first t >= 1 with y_t^2 < 2/eta <= y_{t-1}^2."""
        fast = self._raw_y2()
        if fast is not None:  # the same comparisons on the same (exactly converted) values
            y2, thr = fast
        else:
            y2, thr = [y**2 for y in self.ys], self.threshold
        for t in range(1, len(y2)):
            if y2[t] < thr <= y2[t - 1]:
                return t
        return None

    def bouncing_count(self, hi_factor=3) -> int:
        """Number of iterates with y_t^2 in [2/eta, hi_factor/eta] (Remark 3, Fig. 11 right)."""
        lo, hi = self.threshold, self.threshold * mp.mpf(hi_factor) / 2
        fast = self._raw_y2()
        if fast is not None:
            with mpfr_precision(self.info["prec"]):
                lo_r, hi_r = to_mpfr(lo), to_mpfr(hi)
            return sum(1 for v in fast[0] if lo_r <= v <= hi_r)
        return sum(1 for y in self.ys if lo <= y * y <= hi)


def standard_init(xt: Fraction, yt: Fraction, gamma: Fraction, eta: Fraction) -> tuple:
    """(x0, y0) = sqrt(gamma/eta) (x~, y~) at the working precision."""
    k = mp.sqrt(mpf_of(gamma) / mpf_of(eta))
    return k * mpf_of(xt), k * mpf_of(yt)


def _to_mpfr(v):
    return to_mpfr(v if isinstance(v, mp.mpf) else mp.mpf(v))


def _gd_run_mpfr(make_dl, x0, y0, eta: Fraction, max_steps: int, tail_rel: Fraction, tail_floor,
                 stop_at_converged: bool, k_frac: tuple[int, int]) -> Run | None:
    """The loop of :func:`gd_run` in MPFR (gmpy2) at the current mpmath precision (same binary
    precision, correctly rounded operations); the recorded iterates are returned as mpf.
    ``make_dl()`` builds ell' inside the MPFR context (None: not available -> None)."""
    import gmpy2

    with gmpy2.context(gmpy2.get_context(), precision=mp.mp.prec):
        dl = make_dl()
        if dl is None:
            return None
        mpfr = gmpy2.mpfr
        h = mpfr(eta.numerator) / eta.denominator
        k = mpfr(k_frac[0]) / k_frac[1]
        thr = 2 / (h * k)
        rel = mpfr(Fraction(tail_rel).numerator) / Fraction(tail_rel).denominator
        floor = _to_mpfr(mp.mpf(10) ** (-(mp.mp.dps // 2))) if tail_floor is None else _to_mpfr(tail_floor)
        hk = h * k
        x, y = _to_mpfr(x0), _to_mpfr(y0)
        xs, ys = [x], [y]
        stopped, tail = "max_steps", None
        big = mpfr(10) ** 60
        fin = gmpy2.is_finite
        hk2 = 2 * hk  # exact (a power of two times hk): the tail below is bit-identical
        put_x, put_y = xs.append, ys.append
        for _t in range(max_steps):
            if x == 0:
                stopped = "x_zero"
                break
            y2 = y * y
            if stop_at_converged and y2 < thr:
                tl = hk2 * x * x * y2 / (2 - hk * y2)
                m = rel * (thr - y2)
                if tl <= (m if m > floor else floor):
                    stopped, tail = "converged", tl
                    break
            hg = h * dl(x * y)
            x, y = x - hg * y, y - hg * x
            if not (abs(y) <= big and fin(x)):  # also false for a nan or infinite y
                raise SimulationDiverged("single-neuron GD left every bounded region")
            put_x(x)
            put_y(y)
        else:
            y2 = y * y
            if x != 0 and y2 < thr:
                rho = 2 - hk * y2
                tl = 2 * hk * x * x * y2 / rho
                if tl <= max(rel * (thr - y2), floor):
                    stopped, tail = "converged", tl
        if x == 0:
            stopped = "x_zero"
    kk = mp.mpf(k_frac[0]) / k_frac[1]
    return Run(mpf_of(eta), MpfSeq(xs), MpfSeq(ys), stopped, None if tail is None else to_mpf(tail),
               {"curvature": kk, "arithmetic": "MPFR", "prec": mp.mp.prec})


def gd_run(loss, x0, y0, eta: Fraction, max_steps: int, *, tail_rel: Fraction = Fraction(1, 20),
           tail_floor=None, stop_at_converged: bool = True) -> Run:
    """GD on ell(xy) from (x0, y0); see the module docstring for the stopping rule.

    Losses that provide ``gmpy_dl()`` (:class:`symbolic.losses.Loss`) are iterated in MPFR at
    the current mpmath precision (several times faster, same precision); others in mpmath."""
    k = getattr(loss, "curv", 1)
    kf = (int(k.p), int(k.q)) if hasattr(k, "p") else None
    fast = getattr(loss, "gmpy_dl", None)
    if fast is not None and kf is not None and isinstance(eta, Fraction | int):
        run = _gd_run_mpfr(fast, x0, y0, Fraction(eta), max_steps, tail_rel, tail_floor, stop_at_converged, kf)
        if run is not None:
            return run
    h = mpf_of(eta)
    k = getattr(loss, "curv", 1)
    k = mp.mpf(int(k.p)) / int(k.q) if hasattr(k, "p") else mp.mpf(k)
    thr = 2 / (h * k)  # EoS threshold for y^2: sharpness ell''(0) y^2 = 2/eta
    rel = mpf_of(tail_rel)
    floor = mp.mpf(10) ** (-(mp.mp.dps // 2)) if tail_floor is None else tail_floor
    x, y = mp.mpf(x0), mp.mpf(y0)
    xs, ys = [x], [y]
    dl = loss.dl
    stopped, tail = "max_steps", None
    for _t in range(max_steps):
        if x == 0:
            stopped = "x_zero"
            break
        y2 = y * y
        if stop_at_converged and y2 < thr:
            rho = 2 - h * k * y2
            tl = 2 * h * k * x * x * y2 / rho
            if tl <= max(rel * (thr - y2), floor):
                stopped, tail = "converged", tl
                break
        g = dl(x * y)
        x, y = x - h * g * y, y - h * g * x
        if not (mp.isfinite(x) and mp.isfinite(y)) or abs(y) > 1e60:
            raise SimulationDiverged("single-neuron GD left every bounded region")
        xs.append(x)
        ys.append(y)
    else:
        y2 = y * y
        if x != 0 and y2 < thr:
            rho = 2 - h * k * y2
            tl = 2 * h * k * x * x * y2 / rho
            if tl <= max(rel * (thr - y2), floor):
                stopped, tail = "converged", tl
    if x == 0:
        stopped = "x_zero"
    return Run(h, xs, ys, stopped, tail, {"curvature": k})


_CACHE: OrderedDict[tuple, Run] = OrderedDict()
_CACHE_MAX_ITERATES = 8_000_000  # least recently used runs are dropped beyond this many stored iterates
_cached_iterates = 0


def cached_run(loss, xt: Fraction, yt: Fraction, gamma: Fraction, eta: Fraction, max_steps: int,
               tail_rel: Fraction = Fraction(1, 20)) -> Run:
    """Memoised :func:`gd_run` from the standard initialisation (keyed by loss.key and the
    exact inputs and the working precision)."""
    global _cached_iterates
    key = (loss.key, xt, yt, gamma, eta, max_steps, tail_rel, mp.mp.dps)
    run = _CACHE.get(key)
    if run is None:
        x0, y0 = standard_init(xt, yt, gamma, eta)
        run = gd_run(loss, x0, y0, eta, max_steps, tail_rel=tail_rel)
        _CACHE[key] = run
        _cached_iterates += len(run.xs)
        while _cached_iterates > _CACHE_MAX_ITERATES and len(_CACHE) > 1:
            _, old = _CACHE.popitem(last=False)
            _cached_iterates -= len(old.xs)
    else:
        _CACHE.move_to_end(key)
    return run


def gf_run(loss, x0, y0, t_end, h) -> tuple[list, list]:
    """Gradient flow x' = -ell'(xy) y, y' = -ell'(xy) x by RK4 with step h (returns times, states)."""

    def field_(t, v):
        g = loss.dl(v[0] * v[1])
        return [-g * v[1], -g * v[0]]

    return rk4_flow(field_, [x0, y0], t_end, h, record_every=max(1, int(mp.ceil(mp.mpf(t_end) / h)) // 200))


def hyperbola_param(xt: Fraction, yt: Fraction) -> Fraction:
    """Check y~^2 - x~^2 = 1 exactly."""
    return yt * yt - xt * xt


def unit_hyperbola_point(tpar: Fraction) -> tuple[Fraction, Fraction]:
    """An exact rational point (x~, y~) = ((1/t - t)/2, (1/t + t)/2), y~^2 - x~^2 = 1, y~ > x~ > 0
    for t in (0, 1)."""
    if not 0 < tpar < 1:
        raise ValueError("t must lie in (0, 1)")
    return (1 / tpar - tpar) / 2, (1 / tpar + tpar) / 2
