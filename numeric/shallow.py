"""The two-layer scalar linear network L(a,b) = (a.b - Phi)^2/2: GD and GF trajectories.

All runs start from exact rational inputs and are computed at the precision in force
(``mp.workdps``), in MPFR (:mod:`numeric.kernels`).  A :class:`Run` gives per-step residual
eps, scale lam, product a.b and the per-neuron imbalances Q_i.
"""

from __future__ import annotations

from fractions import Fraction

import gmpy2
import mpmath as mp

from .kernels import (
    LazySeq,
    MpfSeq,
    ShallowTrajectory,
    mpfr_precision,
    reduced_gf_taylor,
    shallow_gd,
    to_mpf,
)
from .precision import mpf_of


class Run:
    """A GD trajectory: per-step residual ``eps``, scale ``lam``, per-neuron imbalances ``Qi``
    (and the iterates ``a``, ``b`` when asked for), as sequences of mpf.

    The iterates are computed in MPFR by :func:`numeric.kernels.shallow_gd`; ``eps`` is
    converted to mpf on access, ``lam`` and ``Qi`` are computed from the stored iterates on
    access (at the run's precision) and cached."""

    def __init__(self, eta: mp.mpf, Phi: mp.mpf, traj: ShallowTrajectory, keep_vectors: bool = False):
        self.eta, self.Phi, self.converged = eta, Phi, traj.converged
        self._traj = traj
        self.eps = MpfSeq(traj.eps)
        n = len(traj.eps)
        self.lam = LazySeq(n, self._lam, self._lam_all)
        self.Qi = LazySeq(n, self._qi, self._qi_all)
        self.a = LazySeq(n, lambda t: [to_mpf(x) for x in traj.a[t]]) if keep_vectors else []
        self.b = LazySeq(n, lambda t: [to_mpf(y) for y in traj.b[t]]) if keep_vectors else []

    def _lam(self, t: int) -> mp.mpf:
        a, b = self._traj.a[t], self._traj.b[t]
        with mpfr_precision(self._traj.prec):
            return to_mpf(gmpy2.fsum([x * x for x in a] + [y * y for y in b]))

    def _qi(self, t: int) -> list[mp.mpf]:
        with mpfr_precision(self._traj.prec):
            return [to_mpf(x * x - y * y) for x, y in zip(self._traj.a[t], self._traj.b[t], strict=True)]

    def _lam_all(self) -> list[mp.mpf]:  # every _lam(t), under one precision context
        A, B, fsum = self._traj.a, self._traj.b, gmpy2.fsum
        with mpfr_precision(self._traj.prec):
            return [to_mpf(fsum([x * x for x in a] + [y * y for y in b])) for a, b in zip(A, B, strict=True)]

    def _qi_all(self) -> list[list[mp.mpf]]:
        with mpfr_precision(self._traj.prec):
            return [[to_mpf(x * x - y * y) for x, y in zip(a, b, strict=True)]
                    for a, b in zip(self._traj.a, self._traj.b, strict=True)]

    @property
    def steps(self) -> int:
        return len(self.eps) - 1

    @property
    def ab(self) -> list[mp.mpf]:
        return [e + self.Phi for e in self.eps]

    def Q(self, t: int) -> mp.mpf:
        return mp.fsum(abs(q) for q in self.Qi[t])

    def first_exit_C(self) -> int | None:
        """tau: the first t with a(t).b(t) > 0 (exit from Region C)."""
        for t, e in enumerate(self.eps):
            if e + self.Phi > 0:
                return t
        return None

    def hitting_time(self, delta) -> int | None:
        """First t with L(t) = eps_t^2/2 <= delta."""
        for t, e in enumerate(self.eps):
            if e * e / 2 <= delta:
                return t
        return None


def state(a, b, Phi):
    ab = mp.fsum(x * y for x, y in zip(a, b, strict=True))
    lam = mp.fsum(x * x for x in a) + mp.fsum(y * y for y in b)
    return ab - Phi, lam, [x * x - y * y for x, y in zip(a, b, strict=True)]


def _exact_or_mpf(x):
    return Fraction(x) if isinstance(x, Fraction | int) else mp.mpf(x)


def gd_run(
    a0,
    b0,
    Phi,
    eta,
    max_steps: int,
    tol=None,
    keep_vectors: bool = False,
    blowup: float = 1e40,
) -> Run:
    """GD on L from (a0, b0) (exact rationals or mpf), until |eps| < tol or max_steps, at the
    current mpmath precision (computed in MPFR by :func:`numeric.kernels.shallow_gd`)."""
    P = mpf_of(Phi) if isinstance(Phi, Fraction | int) else mp.mpf(Phi)
    h = mpf_of(eta) if isinstance(eta, Fraction | int) else mp.mpf(eta)
    if tol is None:
        tol = mp.mpf(10) ** (-(mp.mp.dps * 4 // 5))
    traj = shallow_gd([_exact_or_mpf(x) for x in a0], [_exact_or_mpf(x) for x in b0], _exact_or_mpf(Phi),
                      _exact_or_mpf(eta), max_steps, _exact_or_mpf(tol), blowup)
    return Run(h, P, traj, keep_vectors)


def reduced_step(e, l, P, h):
    """One step of the (eps, lam) recursion, eqs. (6)-(7) (proved exact in every d)."""
    return e * (1 - h * l + h * h * e * (e + P)), (1 + h * h * e * e) * l - 4 * h * e * (e + P)


def gf_reduced_field(P):
    """GF in reduced variables: eps' = -lam eps, lam' = -4 eps (eps + Phi)."""
    return lambda t, y: [-y[1] * y[0], -4 * y[0] * (y[0] + P)]


def gf_reduced_flow(P, y0, times) -> list[list[mp.mpf]]:
    """GF in reduced variables from y0 = (eps0, lam0), at each of ``times`` (increasing, from 0):
    ``[[eps(t), lam(t)], ...]`` as :func:`numeric.dynamics.integrate_flow` of
    :func:`gf_reduced_field` returns them (Taylor series, error-controlled to the working
    precision), computed by the dedicated MPFR Taylor kernel
    :func:`numeric.kernels.reduced_gf_taylor` (exact coefficient recurrences; about 100x faster)."""
    return [[to_mpf(e), to_mpf(lm)] for e, lm in reduced_gf_taylor(y0[0], y0[1], P, times)]


def gf_vector_field(P, d: int):
    """GF on components: a' = -eps b, b' = -eps a (state = a + b concatenated)."""

    def f(t, y):
        a, b = y[:d], y[d:]
        e = mp.fsum(x * z for x, z in zip(a, b, strict=True)) - P
        return [-e * z for z in b] + [-e * x for x in a]

    return f


def theorem_cap(a0, b0, Phi) -> Fraction:
    """The Theorem-1/2 step-size cap min{1/(2|eps0|), 2/sqrt(lam0^2 + 4 Phi^2)} (the first
    term is dropped when eps0 = 0), rounded *down* to an exact rational with 45 decimals, so
    that any eta = u * cap with 0 < u < 1 satisfies the open hypothesis exactly."""
    with mp.workdps(60):
        e, l, _ = state([mpf_of(x) for x in a0], [mpf_of(x) for x in b0], mpf_of(Phi))
        c2 = 2 / mp.sqrt(l * l + 4 * mpf_of(Phi) ** 2)
        cap = c2 if e == 0 else min(1 / (2 * abs(e)), c2)
        return Fraction(int(mp.floor(cap * mp.mpf(10) ** 45)), 10**45)
