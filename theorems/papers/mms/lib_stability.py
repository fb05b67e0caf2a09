"""mms library: linearised SGD/GD around a minimum (Sec. 2) as exact domain members.

* :class:`LinearSystem` - per-sample Hessians h_j = a_j a_j^T and gradients r_j at theta* = 0
  (sum_j r_j = 0: theta* is a minimum of the full loss), batch size B (all B-subsets, uniform).
* :class:`SwitchingQuadratic` - a 2-D loss with two analytic modes split by the sign of
  theta_1 theta_2: L = a |theta_1 theta_2| + (c/2) |theta|^2 (theta* = 0 is a global minimum
  for a, c >= 0; the mode Hessians c I +- a [[0,1],[1,0]] are indefinite when c < a).
* :class:`SwitchingSystem` - modes split by sign(<u, theta>) (two or four cones), per-mode
  per-sample Hessians and zero-mean gradients; an approximate common eigenvector q (Lemma 2).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import flint
import mpmath as mp

from numeric import mms_stability as S
from theorems.spec import Member

F = Fraction


def _q(x: float, den: int = 100) -> Fraction:
    return F(x).limit_denominator(den)


def _fmt(v) -> str:
    return "[" + ", ".join(str(a) for a in v) + "]"


def mpf(q) -> mp.mpf:
    if isinstance(q, flint.fmpq):
        return mp.mpf(int(q.p)) / int(q.q)
    q = F(q)
    return mp.mpf(q.numerator) / q.denominator


def to_mp(M: flint.fmpq_mat) -> mp.matrix:
    return mp.matrix([[mpf(M[i, j]) for j in range(M.ncols())] for i in range(M.nrows())])


@dataclass(frozen=True, eq=False)
class LinearSystem:
    a: tuple[tuple[Fraction, ...], ...]  # h_j = a_j a_j^T
    r: tuple[tuple[Fraction, ...], ...]  # per-sample gradients at theta*, sum 0
    B: int

    def __str__(self) -> str:
        return (f"h_j = a_j a_j^T with a = [{', '.join(_fmt(v) for v in self.a)}]; "
                f"r = [{', '.join(_fmt(v) for v in self.r)}]; batch size B = {self.B}")

    @property
    def n(self) -> int:
        return len(self.a)

    @property
    def d(self) -> int:
        return len(self.a[0])

    @cached_property
    def hs(self) -> list[flint.fmpq_mat]:
        return [S.mat([[x * y for y in v] for x in v]) for v in self.a]

    @cached_property
    def rs(self) -> list[flint.fmpq_mat]:
        return [S.mat([[x] for x in v]) for v in self.r]

    @cached_property
    def H(self) -> flint.fmpq_mat:
        return S.mean_hessian(self.hs)

    def lam_max(self) -> mp.mpf:
        return max(mp.eigsy(to_mp(self.H), eigvals_only=True))

    def top_vector(self) -> mp.matrix:
        E, Q = mp.eigsy(to_mp(self.H))
        i = max(range(len(E)), key=lambda r: E[r])
        return Q[:, i]

    def stationary_second_moment(self, eta: Fraction) -> Fraction | None:
        return S.stationary_second_moment(self.hs, self.rs, self.B, eta)

    def second_moment_radius(self, eta: Fraction) -> mp.mpf:
        return S.spectral_radius(S.second_moment_operator(self.hs, self.rs, self.B, eta))


def linear_system(rng: random.Random, j: int, noise: bool = True) -> LinearSystem:
    d = (1, 2, 3)[j % 3]
    n = rng.randint(max(2, d), 5)
    a = tuple(tuple(_q(rng.gauss(0, 1)) for _ in range(d)) for _ in range(n))
    if noise and j % 2:
        raw = [[_q(rng.gauss(0, 1) * 0.1) for _ in range(d)] for _ in range(n)]
        mean = [sum(col, F(0)) / n for col in zip(*raw, strict=True)]
        r = tuple(tuple(x - m for x, m in zip(row, mean, strict=True)) for row in raw)
    else:
        r = tuple(tuple(F(0) for _ in range(d)) for _ in range(n))
    B = rng.randint(1, n)
    return LinearSystem(a, r, B)


def systems_member(name: str = "system", noise: bool = True) -> Member:
    return Member(name, lambda rng, j: linear_system(rng, j, noise), description=(
        "a random linear system: d in {1,2,3}, n in [max(2,d), 5] samples with rank-one PSD Hessians "
        "h_j = a_j a_j^T (a_j rational ~ N(0,1)), zero-sum gradients r_j (scale 0.1, half of the draws) "
        "or none, batch size B in [1, n] (all B-subsets equally likely)"))


# ------------------------------------------------------------------ GD with known spectrum

def householder(u: Sequence[Fraction]) -> list[list[Fraction]]:
    """The rational orthogonal matrix I - 2 u u^T / u^T u."""
    s = sum(x * x for x in u)
    d = len(u)
    return [[(1 if i == j else 0) - 2 * u[i] * u[j] / s for j in range(d)] for i in range(d)]


@dataclass(frozen=True, eq=False)
class KnownSpectrum:
    """H = Q diag(lams) Q^T with Q a rational Householder matrix: rational H, rational spectrum."""

    lams: tuple[Fraction, ...]
    u: tuple[Fraction, ...]

    def __str__(self) -> str:
        return f"H = Q diag({_fmt(self.lams)}) Q^T, Q = I - 2uu^T/|u|^2, u = {_fmt(self.u)}"

    def H(self) -> list[list[Fraction]]:
        Q = householder(self.u)
        d = len(self.u)
        return [[sum(Q[i][k] * self.lams[k] * Q[j][k] for k in range(d)) for j in range(d)] for i in range(d)]


def known_spectrum(rng: random.Random, j: int) -> KnownSpectrum:
    d = (1, 2, 3, 4)[j % 4]
    lams = tuple(sorted((_q(abs(rng.gauss(0, 1)) * 3, 50) for _ in range(d)), reverse=True))
    if lams[0] == 0:
        lams = (F(1), *lams[1:])
    u = tuple(_q(rng.gauss(0, 1), 20) or F(1) for _ in range(d))
    return KnownSpectrum(lams, u)


# ------------------------------------------------------------------ switching systems

@dataclass(frozen=True, eq=False)
class SwitchingQuadratic:
    """L(theta) = a |theta_1 theta_2| + (c/2) |theta|^2: modes S_+ = {theta_1 theta_2 >= 0} and
    S_- = {theta_1 theta_2 < 0}, psi_+- = +-a theta_1 theta_2 + (c/2)|theta|^2, gradients 0 at 0."""

    a: Fraction
    c: Fraction

    def __str__(self) -> str:
        quad = f" + ({self.c}/2) |theta|^2" if self.c else ""
        return f"L(theta) = {self.a} |theta_1 theta_2|{quad}"

    def hessian(self, plus: bool) -> list[list[Fraction]]:
        s = self.a if plus else -self.a
        return [[self.c, s], [s, self.c]]

    def lam_upper(self) -> Fraction:
        return self.c + self.a

    def one_step_ratio(self, eta: Fraction, v: tuple[Fraction, Fraction]) -> Fraction:
        """|v_1|^2 / |v_0|^2 for one GD step of the switching system from v (exact)."""
        H = self.hessian(v[0] * v[1] >= 0)
        w = tuple(v[i] - eta * (H[i][0] * v[0] + H[i][1] * v[1]) for i in range(2))
        return (w[0] ** 2 + w[1] ** 2) / (v[0] ** 2 + v[1] ** 2)


def switching_quadratic(rng: random.Random, j: int) -> SwitchingQuadratic:
    a = _q(rng.uniform(0.1, 3), 20) or F(1)
    c = (F(0), a / 2, a, 2 * a)[j % 4] if j < 8 else _q(rng.uniform(0, 3), 20)
    return SwitchingQuadratic(a, c)


def probe_directions(m: int = 24) -> list[tuple[Fraction, Fraction]]:
    """Rational directions around the circle (axes, diagonals, Pythagorean-like points)."""
    out = [(F(1), F(0)), (F(0), F(1)), (F(-1), F(0)), (F(0), F(-1))]
    for k in range(1, m):
        t = F(k, m)
        # rational point on the circle: ((1-t^2)/(1+t^2), 2t/(1+t^2)) and its reflections
        x, y = (1 - t * t) / (1 + t * t), 2 * t / (1 + t * t)
        out += [(x, y), (-x, y), (x, -y), (-x, -y)]
    return out


UNIT_Q = {2: (F(3, 5), F(4, 5)), 3: (F(2, 3), F(2, 3), F(1, 3)), 4: (F(1, 2), F(1, 2), F(1, 2), F(1, 2))}


@dataclass(frozen=True, eq=False)
class SwitchingSystem:
    """Two modes split by sign(<u, theta>) (mode 1 where > 0), n samples; per mode m and sample j
    the Hessian h_{jm} = alpha_{jm}^2 q q^T + b_{jm} b_{jm}^T and gradient r_{jm} (zero-sum over j
    per mode); q a rational unit vector.  ``common`` makes b_{jm} orthogonal to q (delta = 0)."""

    q: tuple[Fraction, ...]
    u: tuple[Fraction, ...]
    alpha: tuple[tuple[Fraction, ...], ...]  # [mode][sample]
    b: tuple[tuple[tuple[Fraction, ...], ...], ...]  # [mode][sample] vectors
    r: tuple[tuple[tuple[Fraction, ...], ...], ...]  # [mode][sample] vectors
    B: int

    def __str__(self) -> str:
        bs = "; ".join(f"mode {m}: " + ", ".join(_fmt(v) for v in self.b[m]) for m in range(2))
        rs = "; ".join(f"mode {m}: " + ", ".join(_fmt(v) for v in self.r[m]) for m in range(2))
        return (f"q = {_fmt(self.q)}, mode 1 iff <u, theta - theta*> > 0 with u = {_fmt(self.u)}; "
                f"h_jm = alpha_jm^2 q q^T + b_jm b_jm^T with alpha = {[list(map(str, a)) for a in self.alpha]}, "
                f"b = {bs}; r = {rs}; B = {self.B}")

    @property
    def d(self) -> int:
        return len(self.q)

    @property
    def n(self) -> int:
        return len(self.alpha[0])

    def h(self, m: int, j: int) -> flint.fmpq_mat:
        q, b, a = self.q, self.b[m][j], self.alpha[m][j]
        return S.mat([[a * a * q[x] * q[y] + b[x] * b[y] for y in range(self.d)] for x in range(self.d)])

    @cached_property
    def H(self) -> list[flint.fmpq_mat]:
        return [sum((self.h(m, j) for j in range(1, self.n)), self.h(m, 0)) / self.n for m in range(2)]

    def batch_systems(self, m: int) -> list[tuple[flint.fmpq_mat, flint.fmpq_mat]]:
        hs = [self.h(m, j) for j in range(self.n)]
        rs = [S.mat([[x] for x in self.r[m][j]]) for j in range(self.n)]
        return S.batch_means(hs, rs, self.B)

    def lam(self, m: int) -> Fraction:
        """lambda_m = q^T H_m q (the best constant for q)."""
        Hq = self.H[m] * S.mat([[x] for x in self.q])
        v = sum((Hq[i, 0] * S._fq(self.q[i]) for i in range(self.d)), flint.fmpq(0))
        return F(int(v.p), int(v.q))

    def delta(self) -> mp.mpf:
        out = mp.mpf(0)
        for m in range(2):
            Hq = self.H[m] * S.mat([[x] for x in self.q])
            lm = self.lam(m)
            out = max(out, mp.sqrt(mp.fsum((mpf(Hq[i, 0]) - mpf(lm * self.q[i])) ** 2 for i in range(self.d))))
        return out

    def gamma(self) -> Fraction:
        out = F(0)
        for m in range(2):
            bs = self.batch_systems(m)
            tot = F(0)
            for _, g in bs:
                v = sum((g[i, 0] * S._fq(self.q[i]) for i in range(self.d)), flint.fmpq(0))
                tot += abs(F(int(v.p), int(v.q)))
            out = max(out, tot / len(bs))
        return out

    def mode_of(self, v: Sequence[Fraction]) -> int:
        return int(sum(a * b for a, b in zip(self.u, v, strict=True)) > 0)

    def expected_norms(self, eta: Fraction, v0: Sequence[Fraction], T: int) -> list[mp.mpf]:
        """E||theta_t - theta*|| for t = 0..T over all batch sequences (exact rationals, mp norms)."""
        steps = [self.batch_systems(m) for m in range(2)]
        layer = [(tuple(v0), F(1))]
        out = [_vnorm(v0)]
        for _ in range(T):
            new = []
            for v, p in layer:
                m = self.mode_of(v)
                w = F(1, len(steps[m]))
                for H, g in steps[m]:
                    nv = tuple(v[i] - eta * (_f(g[i, 0]) + sum(_f(H[i, k]) * v[k] for k in range(self.d)))
                               for i in range(self.d))
                    new.append((nv, p * w))
            layer = new
            out.append(mp.fsum(mpf(p) * _vnorm(v) for v, p in layer))
        return out


def _f(q: flint.fmpq) -> Fraction:
    return F(int(q.p), int(q.q))


def _vnorm(v) -> mp.mpf:
    return mp.sqrt(mp.fsum(mpf(x) ** 2 for x in v))


def switching_system(rng: random.Random, j: int, common: bool = False) -> SwitchingSystem:
    d = (2, 3, 4)[j % 3]
    q = UNIT_Q[d]
    n = rng.randint(2, 4)
    u = tuple(_q(rng.gauss(0, 1), 20) or F(1) for _ in range(d))
    alpha = tuple(tuple(_q(rng.uniform(0.5, 2), 20) for _ in range(n)) for _ in range(2))
    b = []
    for _m in range(2):
        rows = []
        for _ in range(n):
            v = [_q(rng.gauss(0, 0.3), 50) for _ in range(d)]
            if common:  # project out q exactly (q is a rational unit vector)
                s = sum(x * y for x, y in zip(v, q, strict=True))
                v = [x - s * y for x, y in zip(v, q, strict=True)]
            rows.append(tuple(v))
        b.append(tuple(rows))
    r = []
    for _m in range(2):
        raw = [[_q(rng.gauss(0, 0.05), 200) for _ in range(d)] for _ in range(n)]
        mean = [sum(col, F(0)) / n for col in zip(*raw, strict=True)]
        r.append(tuple(tuple(x - mm for x, mm in zip(row, mean, strict=True)) for row in raw))
    return SwitchingSystem(q, u, alpha, tuple(b), tuple(r), rng.randint(1, n))


#: The instances where (35)-(36) could fail: lambda_upper > 2/eta.  Where lambda_upper <= 2/eta the
#: bounds hold trivially (the extra terms are >= 0 and never exercised); for one toggling neuron (two
#: half-space modes) strong stability itself forces lambda_upper <= 2/eta, so such samples are
#: uninformative.  ``lib_network.beyond_edge_domain`` draws the minima of the informative regime.
BEYOND_2_OVER_ETA = ("lambda_upper > 2/eta (the regime the extra term is about)",
                     lambda inst: inst["theta*"].sharpness_upper() * inst["eta"] > 2)


def _exceeds_theorem1(inst) -> bool:
    e = inst["eta"]
    return inst["theta*"].W() > mp.mpf(e.denominator) / e.numerator - mp.mpf(1) / 2


#: The instances where Theorem 2's (24) could fail: W = int |f''| g > 1/eta - 1/2.  Elsewhere (24)
#: holds because Delta >= 0, whatever lambda_upper is (lambda_upper > 2/eta is necessary, by (37),
#: but not sufficient).
EXCEEDS_THEOREM1 = ("W > 1/eta - 1/2 (Theorem 1's bound exceeded: the only place (24) can fail, as "
                    "Delta >= 0)", _exceeds_theorem1)
