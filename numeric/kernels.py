"""Fast high-precision GD kernels on gmpy2 ``mpfr`` (MPFR), with exact conversion to mpmath.

mpmath spends most of its time in Python-level bookkeeping around each operation; MPFR does
the same correctly rounded arithmetic in C.  The kernels here therefore

* set the binary precision once per run (:func:`mpfr_precision`, the precision of the
  caller's mpmath context, so ``mp.workdps(N)`` still decides the digits),
* take exact inputs (``Fraction``/``int``, rounded once) or mpf values (converted exactly),
* keep every iterate as ``mpfr`` and convert to mpmath only what a caller reads
  (:class:`MpfSeq`, an exact, cached, on-demand view).

Results are deterministic (MPFR rounds to nearest-even exactly as specified), so a run is
reproducible bit for bit from its exact inputs and precision.  A kernel never decides
anything: it computes at the precision it is called with, and the engines confirm a violation
by calling it again at a higher precision.

:func:`shallow_gd` iterates the two-layer scalar linear network L(a, b) = (a.b - Phi)^2/2;
:func:`shallow_gd_batch` advances many instances in lock-step (one precision context, one
Python loop over steps, the per-step work done element-wise on object arrays).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from operator import mul

import gmpy2
import mpmath as mp

from .dynamics import SimulationDiverged

mpfr = gmpy2.mpfr
_create = gmpy2._mpmath_create  # (man, exp) -> normalised mpmath tuple (exact)
_new = object.__new__


@contextmanager
def mpfr_precision(prec: int | None = None):
    """A gmpy2 context with ``prec`` bits (default: the current mpmath precision), round to
    nearest; restores the previous context on exit."""
    with gmpy2.context(gmpy2.get_context(), precision=mp.mp.prec if prec is None else int(prec)) as ctx:
        yield ctx


def to_mpfr(x) -> mpfr:
    """``Fraction``/``int`` rounded once to the current gmpy2 precision; mpf or mpfr converted
    (exactly when it has no more bits than the context)."""
    if isinstance(x, int | Fraction):
        x = Fraction(x)
        return mpfr(x.numerator) / x.denominator
    if isinstance(x, mpfr().__class__):
        return +x
    sign, man, exp, _bc = (x if isinstance(x, mp.mpf) else mp.mpf(x))._mpf_
    if not man:
        if exp:
            raise SimulationDiverged("non-finite value")
        return mpfr(0)
    r = gmpy2.mul_2exp(mpfr(int(man)), int(exp))
    return -r if sign else r


def to_mpf(v) -> mp.mpf:
    """The mpmath number equal to the mpfr ``v`` (exact, no rounding)."""
    m, e = v.as_mantissa_exp()
    x = _new(mp.mpf)
    x._mpf_ = _create(m, int(e))
    return x


class LazySeq(Sequence):
    """A read-only sequence of ``n`` items computed by ``item(i)`` on first access and cached;
    iterating or slicing computes every item once."""

    __slots__ = ("_n", "_item", "_items", "_all", "_bulk")

    def __init__(self, n: int, item, bulk=None):
        """``bulk()``, if given, returns every item at once (the same values as ``item(i)``,
        computed faster, e.g. under one precision context)."""
        self._n, self._item, self._bulk = n, item, bulk
        self._items: dict[int, object] = {}
        self._all: list | None = None

    def __len__(self) -> int:
        return self._n

    def _materialise(self) -> list:
        if self._all is None:
            if self._bulk is not None:
                self._all = list(self._bulk())
            else:
                items, item = self._items, self._item
                self._all = [items[i] if i in items else item(i) for i in range(self._n)]
        return self._all

    def __getitem__(self, i):
        if self._all is not None:
            return self._all[i]
        if isinstance(i, slice):
            return self._materialise()[i]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        v = self._items.get(i)
        if v is None:
            v = self._items[i] = self._item(i)
        return v

    def __iter__(self) -> Iterator:
        return iter(self._materialise())

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._n} items)"


class MpfSeq(LazySeq):
    """A list of mpfr values seen as mpmath mpf (each converted exactly, on first access);
    ``raw`` is the underlying mpfr list, for kernels and fast scans."""

    __slots__ = ("raw",)

    def __init__(self, raw: list):
        self.raw = raw
        super().__init__(len(raw), lambda i: to_mpf(raw[i]))

    def _materialise(self) -> list:
        if self._all is None:
            items = self._items
            self._all = [items[i] if i in items else to_mpf(v) for i, v in enumerate(self.raw)]
        return self._all


@dataclass
class ShallowTrajectory:
    """Raw result of :func:`shallow_gd`: residuals eps_t = a_t.b_t - Phi and the iterates
    (a_t, b_t) as mpfr lists (one list per step), computed at ``prec`` bits."""

    prec: int
    eps: list
    a: list
    b: list
    converged: bool


def _dot(x: list, y: list):
    return gmpy2.fsum(map(mul, x, y))  # exact products, one rounding


CHUNK = 64  # steps between the (exact, after-the-fact) stopping and divergence checks


def _first_stop(eps: list, start: int, tol_s, big) -> tuple[int, str] | None:
    """The first t >= start with |eps_t| > big (or not finite) -> "diverged", or
    |eps_t| < tol_s -> "converged"; None if there is none."""
    for t in range(start, len(eps)):
        ae = abs(eps[t])
        if not ae <= big:
            return t, "diverged"
        if ae < tol_s:
            return t, "converged"
    return None


class _Replay:
    """The iterates of a :func:`shallow_gd` run, recomputed on demand from the checkpoints
    it kept (one per chunk) by the same operations in the same order, hence bit for bit
    those of the run; a replayed chunk is cached.  Recording only eps and a checkpoint per
    chunk keeps the kernel's inner loop at the cost of the bare arithmetic."""

    def __init__(self, prec: int, d: int, P, h, checkpoints: list, n: int):
        self.prec, self.d, self.P, self.h, self.checkpoints, self.n = prec, d, P, h, checkpoints, n
        self._chunks: dict[int, tuple[list, list]] = {}

    def chunk(self, c: int) -> tuple[list, list]:
        got = self._chunks.get(c)
        if got is None:
            a, b = self.checkpoints[c]
            P, h = self.P, self.h
            m = min(CHUNK, self.n - c * CHUNK)
            As, Bs = [], []
            with mpfr_precision(self.prec):
                if self.d == 1:
                    for _ in range(m):
                        As.append([a])
                        Bs.append([b])
                        he = h * (a * b - P)
                        a, b = a - he * b, b - he * a
                else:
                    fsum = gmpy2.fsum
                    for _ in range(m):
                        As.append(a)
                        Bs.append(b)
                        he = h * (fsum(map(mul, a, b)) - P)
                        a, b = [x - he * y for x, y in zip(a, b)], [y - he * x for x, y in zip(a, b)]  # noqa: B905
            got = self._chunks[c] = (As, Bs)
        return got

    def rows(self, which: int) -> LazySeq:
        return LazySeq(self.n, lambda t: self.chunk(t // CHUNK)[which][t % CHUNK])


def shallow_gd(a0: Sequence, b0: Sequence, Phi, eta, max_steps: int, tol, blowup=1e40) -> ShallowTrajectory:
    """GD on L(a, b) = (a.b - Phi)^2/2 in MPFR at the current mpmath precision:
    a+ = a - eta eps b, b+ = b - eta eps a, until |eps| < tol (1 + |Phi|) or ``max_steps``.
    Raises :class:`SimulationDiverged` once |eps| > blowup (1 + |Phi|) or is not finite.

    The loop runs in chunks of :data:`CHUNK` steps and checks each chunk afterwards with
    C-level ``min``/``max`` (plus MPFR's overflow/NaN flags); when a chunk holds a stopping
    step, the trajectory is cut at the first one, so the result is exactly that of checking
    after every step (a few discarded steps are computed beyond it)."""
    d = len(a0)
    if d != len(b0) or d == 0:
        raise ValueError("a and b must be non-empty and of the same length")
    with mpfr_precision() as ctx:
        prec = ctx.precision
        P, h = to_mpfr(Phi), to_mpfr(eta)
        scale = 1 + abs(P)
        tol_s = to_mpfr(tol) * scale
        big = to_mpfr(Fraction(blowup) if isinstance(blowup, float) else blowup) * scale
        eps: list = []
        put_e = eps.append
        checkpoints: list = []  # (a, b) at the start of every chunk: iterates are replayed from them
        total = max_steps + 1  # iterates recorded when nothing stops the run
        done = 0
        stop = None
        if d == 1:
            a, b = to_mpfr(a0[0]), to_mpfr(b0[0])
        else:
            a = [to_mpfr(x) for x in a0]
            b = [to_mpfr(y) for y in b0]
        fsum = gmpy2.fsum
        ctx.clear_flags()
        while done < total and stop is None:
            n = min(CHUNK, total - done)
            checkpoints.append((a, b))
            if d == 1:
                for _ in range(n):
                    e = a * b - P
                    put_e(e)
                    he = h * e
                    a, b = a - he * b, b - he * a
            else:
                for _ in range(n):
                    e = fsum(map(mul, a, b)) - P
                    put_e(e)
                    he = h * e
                    a, b = [x - he * y for x, y in zip(a, b)], [y - he * x for x, y in zip(a, b)]  # noqa: B905
            chunk = eps[done:]
            if ctx.overflow or ctx.invalid or not max(map(abs, chunk)) <= big or min(map(abs, chunk)) < tol_s:
                stop = _first_stop(eps, done, tol_s, big)  # None: an overflow in the last update,
                # seen as a non-finite eps at the start of the next chunk (the flags are sticky)
            done += n
        converged = False
        if stop is not None:
            t, why = stop
            if why == "diverged":
                raise SimulationDiverged(f"GD diverged at step {t}: |eps| = {float(abs(eps[t])):.5g}")
            converged = True
            del eps[t + 1:]
        replay = _Replay(prec, d, P, h, checkpoints, len(eps))
        return ShallowTrajectory(prec, eps, replay.rows(0), replay.rows(1), converged)


def shallow_state(a: list, b: list, Phi_mpfr):
    """(eps, lam, [a_i^2 - b_i^2]) of one iterate, in the active gmpy2 context."""
    return _dot(a, b) - Phi_mpfr, _dot(a, a) + _dot(b, b), [x * x - y * y for x, y in zip(a, b)]  # noqa: B905


class _SegmentedRows(Sequence):
    """Row ``col`` of per-step object arrays kept by the batch kernel, as lists (on access)."""

    def __init__(self, segments: list[tuple[list, int, int]]):
        self._segments = segments  # (per-step 2-D arrays, column, steps used)
        self._n = sum(k for _, _, k in segments)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, t):
        if isinstance(t, slice):
            return [self[i] for i in range(*t.indices(self._n))]
        if t < 0:
            t += self._n
        if not 0 <= t < self._n:
            raise IndexError(t)
        for arrays, col, k in self._segments:
            if t < k:
                return arrays[t][col].tolist()
            t -= k
        raise IndexError(t)  # pragma: no cover - lengths add up


def shallow_gd_batch(instances: Sequence[tuple], max_steps: int, tol, blowup=1e40) -> list:
    """Many instances (a0, b0, Phi, eta) of one dimension advanced in lock-step by
    :func:`shallow_gd`'s update: one precision context, one Python loop over steps for the
    whole batch, the arithmetic element-wise on numpy object arrays of mpfr (the same
    correctly rounded operations in the same order, so each result equals its single run bit
    for bit).  Stops are checked per chunk and cut exactly, as in :func:`shallow_gd`; a
    finished instance leaves the batch.

    Returns one :class:`ShallowTrajectory` (iterates kept as row views of the batch arrays)
    or :class:`SimulationDiverged` per instance."""
    import numpy as np

    if not instances:
        return []
    d = len(instances[0][0])
    if d == 0 or any(len(a) != d or len(b) != d for a, b, _, _ in instances):
        raise ValueError("a batch needs non-empty instances of one dimension")
    n = len(instances)
    fsum = gmpy2.fsum
    with mpfr_precision() as ctx:
        prec = ctx.precision

        def arr(rows):
            out = np.empty((len(rows), d), dtype=object)
            for i, r in enumerate(rows):
                out[i, :] = [to_mpfr(v) for v in r]
            return out

        def vec(vals):
            out = np.empty(len(vals), dtype=object)
            out[:] = [to_mpfr(v) for v in vals]
            return out

        A, B = arr([a for a, _, _, _ in instances]), arr([b for _, b, _, _ in instances])
        P, H = vec([p for _, _, p, _ in instances]), vec([h for _, _, _, h in instances])
        scale = 1 + abs(P)
        tol_s = to_mpfr(tol) * scale
        big = to_mpfr(Fraction(blowup) if isinstance(blowup, float) else blowup) * scale
        out: list = [None] * n
        eps_l: list[list] = [[] for _ in range(n)]
        seg_a: list[list] = [[] for _ in range(n)]
        seg_b: list[list] = [[] for _ in range(n)]
        live = list(range(n))
        total, done = max_steps + 1, 0
        ctx.clear_flags()
        while done < total and live:
            m = min(CHUNK, total - done)
            Es, As, Bs = [], [], []
            for _ in range(m):
                if d == 1:
                    E = A[:, 0] * B[:, 0] - P
                else:
                    E = np.array([fsum(r) for r in A * B], dtype=object) - P  # rows: rounded products, one sum
                Es.append(E)
                As.append(A)
                Bs.append(B)
                HE = (H * E)[:, None]
                A, B = A - HE * B, B - HE * A
            cols = np.array(Es, dtype=object).T  # one row per live instance
            flagged = ctx.overflow or ctx.invalid
            keep = []
            for j, k in enumerate(live):
                row = cols[j].tolist()
                ab = list(map(abs, row))
                stop = None
                if flagged or not max(ab) <= big[j] or min(ab) < tol_s[j]:
                    stop = _first_stop(row, 0, tol_s[j], big[j])
                used = m if stop is None else stop[0] + 1
                eps_l[k].extend(row[:used])
                seg_a[k].append((As, j, used))
                seg_b[k].append((Bs, j, used))
                if stop is not None and stop[1] == "diverged":
                    t = done + stop[0]
                    out[k] = SimulationDiverged(f"GD diverged at step {t}: |eps| = {float(ab[stop[0]]):.5g}")
                elif stop is not None or done + m == total:
                    out[k] = ShallowTrajectory(prec, eps_l[k], _SegmentedRows(seg_a[k]), _SegmentedRows(seg_b[k]),
                                               stop is not None)
                else:
                    keep.append(j)
            done += m
            if len(keep) < len(live):
                live = [live[j] for j in keep]
                A, B, P, H = A[keep], B[keep], P[keep], H[keep]
                tol_s, big = tol_s[keep], big[keep]
        return out


# ---------------------------------------------------------------- reduced gradient flow


def reduced_gf_taylor(e0, l0, Phi, times: Sequence, blowup=1e60) -> list[tuple]:
    """Gradient flow of the two-layer scalar linear network in reduced variables,
    eps' = -lam eps, lam' = -4 eps (eps + Phi), by a Taylor-series integrator in MPFR: the
    Taylor coefficients come from the exact recurrences of the quadratic field (Cauchy
    products), e_{k+1} = -(sum_j l_j e_{k-j})/(k+1), l_{k+1} = -4(sum_j e_j e_{k-j} + Phi e_k)/(k+1),
    so one step costs O(degree^2) operations (mpmath's generic ``odefun`` instead finds them by
    finite differences of ``degree`` Euler steps at ``degree`` times the precision).

    Error control as in ``odefun``: the working precision is the current one plus 40 bits,
    the tolerance 2^-(prec + 10) relative to max(1, |y|), and the step half the radius where
    the last two series terms fall below it.  The solution is returned at each of ``times``
    (increasing, from 0) as ``(eps, lam)`` mpfr pairs at the caller's precision (dense output:
    the series of the step containing the time is evaluated there).  Raises
    :class:`SimulationDiverged` when a value exceeds ``blowup`` or is not finite."""
    prec = mp.mp.prec
    degree = max(10, int(0.35 * (prec + 10)) + 2)  # about -log(tol)/2: the cheapest per unit time
    big = mpfr(blowup)
    with mpfr_precision(prec + 40):
        tol = gmpy2.mul_2exp(mpfr(1), -(prec + 10))
        P, e, lam = to_mpfr(Phi), to_mpfr(e0), to_mpfr(l0)
        ts = [to_mpfr(t) for t in times]
        x = mpfr(0)
        fsum = gmpy2.fsum
        out: list[tuple] = []
        i = 0
        while i < len(ts):
            E, L = [e], [lam]
            for k in range(degree):
                le, ee = fsum(map(mul, L, reversed(E))), fsum(map(mul, E, reversed(E)))
                L.append(-4 * (ee + P * E[k]) / (k + 1))
                E.append(-le / (k + 1))
            scale = max(1, abs(e), abs(lam))
            if not scale <= big:
                raise SimulationDiverged(f"flow blew up before t = {float(ts[i]):.5g}")
            r = None
            for k in (degree - 1, degree):
                for c in (abs(E[k]), abs(L[k])):
                    if c:
                        rk = gmpy2.root(tol * scale / c, k)
                        r = rk if r is None else min(r, rk)
            h = r / 2 if r is not None else None  # None: a fixed point, every later time equals it
            while i < len(ts) and (h is None or ts[i] <= x + h):
                s = ts[i] - x
                out.append((_horner(E, s), _horner(L, s)))
                i += 1
            if i < len(ts):
                e, lam, x = _horner(E, h), _horner(L, h), x + h
    with mpfr_precision(prec):
        res = [(+a, +b) for a, b in out]
    for a, b in res:
        if not (gmpy2.is_finite(a) and gmpy2.is_finite(b)) or abs(a) > big or abs(b) > big:
            raise SimulationDiverged("flow blew up")
    return res


def _horner(coeffs: list, s):
    acc = coeffs[-1]
    for c in reversed(coeffs[:-1]):
        acc = acc * s + c
    return acc


# ---------------------------------------------------------------- reduced GD recursion (6)-(7)


def reduced_gd_outcome(e0, l0, Phi, eta, tol, max_steps: int) -> tuple[str, int] | None:
    """The (eps, lam) recursion eps+ = eps (1 - eta lam + eta^2 eps (eps + Phi)),
    lam+ = (1 + eta^2 eps^2) lam - 4 eta eps (eps + Phi) in MPFR, classified as in bw's
    large-step analysis: ("diverged", t) at the first t with |eta eps| >= max(6, 4 eta Phi) and
    eta lam <= (eta eps)^2 / 2, ("converged", t) at the first t with |eps| < tol and
    |1 - eta lam| < 1, else ("undecided", max_steps).

    Inputs are mpf (converted exactly) or exact rationals; the operations are those of the
    mpmath loop it replaces, in the same order, each correctly rounded to nearest-even at the
    current mpmath precision, so the iterates and the outcome are the mpmath loop's bit for bit.
    Returns None if MPFR's exponent range was exceeded (mpmath has none): the caller then runs
    its mpmath loop."""
    with mpfr_precision() as ctx:
        ctx.clear_flags()
        e, l, P, h, tol = (to_mpfr(v) for v in (e0, l0, Phi, eta, tol))
        p = h * P
        big = max(6, 4 * p)  # as Python's max(6, 4 p) on mpf: compared below, the same test
        out = ("undecided", max_steps)
        for t in range(max_steps + 1):
            X, S = h * e, h * l
            if abs(X) >= big and S <= X * X / 2:
                out = ("diverged", t)
                break
            if abs(e) < tol and abs(1 - S) < 1:
                out = ("converged", t)
                break
            ep = e + P
            e, l = e * (1 - h * l + h * h * e * ep), (1 + h * h * e * e) * l - 4 * h * e * ep
        if ctx.overflow or ctx.underflow or ctx.invalid:
            return None
        return out
