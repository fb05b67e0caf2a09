"""Univariate one-hidden-layer ReLU network of Mulayoff-Michaeli-Soudry, exact arithmetic.

    f(x) = sum_i w2_i relu(w1_i x + b1_i) + b2,        theta = [w1 (k), b1 (k), w2 (k), b2]  (paper eq. 20)

Everything here works on exact rationals (``Fraction``): knots, jumps of f', tangent features
grad_theta f(x_j) (with the activation of each *toggling* neuron - pre-activation exactly 0 at a
data point - forced to a chosen mode), the Hessian Phi Phi^T / n at an interpolating minimum and
its n x n Gram twin Phi^T Phi / n, and interpolating minima built by an exact least-norm solve of
the output layer.  Eigenvalues are computed with mpmath at the working precision.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import flint
import mpmath as mp

F = Fraction
SNAP = Fraction(1, 10**7)  # knots this close to a data point are snapped onto it
Mode = dict[int, int]  # neuron index -> 0 (inactive) / 1 (active) at its data point


@dataclass(frozen=True)
class Net:
    w1: tuple[Fraction, ...]
    b1: tuple[Fraction, ...]
    w2: tuple[Fraction, ...]
    b2: Fraction

    def __post_init__(self) -> None:
        if not (len(self.w1) == len(self.b1) == len(self.w2)) or not self.w1:
            raise ValueError("w1, b1, w2 must have the same positive length k")

    @property
    def k(self) -> int:
        return len(self.w1)

    def theta(self) -> tuple[Fraction, ...]:
        """Parameters in the paper's order (20)."""
        return (*self.w1, *self.b1, *self.w2, self.b2)

    @staticmethod
    def from_theta(theta: Sequence[Fraction]) -> Net:
        if (len(theta) - 1) % 3:
            raise ValueError("theta must have length 3k+1")
        k = (len(theta) - 1) // 3
        t = tuple(F(v) for v in theta)
        return Net(t[:k], t[k:2 * k], t[2 * k:3 * k], t[3 * k])

    def __call__(self, x: Fraction) -> Fraction:
        return sum((w2 * max(w1 * x + b, F(0)) for w1, b, w2 in zip(self.w1, self.b1, self.w2, strict=True)),
                   F(0)) + self.b2

    def rescaled(self, scales: Sequence[Fraction]) -> Net:
        """(w1, b1, w2) -> (a w1, a b1, w2 / a) per neuron, a > 0: the same function f."""
        if any(a <= 0 for a in scales):
            raise ValueError("rescaling factors must be positive")
        return Net(tuple(a * w for a, w in zip(scales, self.w1, strict=True)),
                   tuple(a * b for a, b in zip(scales, self.b1, strict=True)),
                   tuple(w / a for a, w in zip(scales, self.w2, strict=True)), self.b2)


def _fq(q) -> flint.fmpq:
    q = F(q)
    return flint.fmpq(q.numerator, q.denominator)


def knots(net: Net) -> list[tuple[Fraction, Fraction]]:
    """Distinct knots c of f with the summed jump of f' there (zero-jump knots dropped), sorted.
    Neuron i contributes the jump w2_i |w1_i| at c_i = -b1_i / w1_i."""
    jumps: dict[Fraction, Fraction] = {}
    for w1, b, w2 in zip(net.w1, net.b1, net.w2, strict=True):
        if w1 != 0:
            c = -b / w1
            jumps[c] = jumps.get(c, F(0)) + w2 * abs(w1)
    return sorted((c, s) for c, s in jumps.items() if s != 0)


def toggling(net: Net, xs: Sequence[Fraction]) -> list[tuple[int, int]]:
    """(neuron i, data index j) with w1_i x_j + b1_i == 0 exactly (w1_i != 0): the neurons whose
    knot lies on a data point."""
    return [(i, j) for i in range(net.k) for j, x in enumerate(xs)
            if net.w1[i] != 0 and net.w1[i] * x + net.b1[i] == 0]


def features(net: Net, x: Fraction, forced: Mode | None = None) -> list[Fraction]:
    """grad_theta f(x) in the order (20); a neuron in ``forced`` uses the given activation bit
    instead of 1[w1 x + b > 0] (meaningful where its pre-activation is 0)."""
    k = net.k
    out = [F(0)] * (3 * k + 1)
    for i in range(k):
        z = net.w1[i] * x + net.b1[i]
        on = (forced[i] if forced and i in forced else int(z > 0))
        out[i] = net.w2[i] * x * on
        out[k + i] = net.w2[i] * on
        out[2 * k + i] = max(z, F(0))
    out[3 * k] = F(1)
    return out


def modes(net: Net, xs: Sequence[Fraction]) -> list[Mode]:
    """All 2^p activation patterns of the toggling neurons (each neuron toggles at one point)."""
    tog = [i for i, _ in toggling(net, xs)]
    return [dict(zip(tog, bits, strict=True)) for bits in itertools.product((0, 1), repeat=len(tog))]


def phi_columns(net: Net, xs: Sequence[Fraction], mode: Mode | None = None) -> list[list[Fraction]]:
    """The columns grad f(x_j) of Phi; ``mode`` fixes toggling neurons (only at their own point)."""
    tog = dict(toggling(net, xs))  # neuron -> data index
    cols = []
    for j, x in enumerate(xs):
        forced = {i: b for i, b in (mode or {}).items() if tog.get(i) == j}
        cols.append(features(net, x, forced))
    return cols


def hessian(net: Net, xs: Sequence[Fraction], mode: Mode | None = None) -> flint.fmpq_mat:
    """Phi Phi^T / n ((3k+1) x (3k+1)), the Hessian (27) at an interpolating minimum."""
    cols = phi_columns(net, xs, mode)
    n, d = len(cols), len(cols[0])
    P = flint.fmpq_mat(d, n, [_fq(cols[j][r]) for r in range(d) for j in range(n)])
    return P * P.transpose() / n


def gram(net: Net, xs: Sequence[Fraction], mode: Mode | None = None) -> flint.fmpq_mat:
    """Phi^T Phi / n (n x n): the same nonzero spectrum as the Hessian (28)."""
    cols = phi_columns(net, xs, mode)
    n, d = len(cols), len(cols[0])
    P = flint.fmpq_mat(d, n, [_fq(cols[j][r]) for r in range(d) for j in range(n)])
    return P.transpose() * P / n


def to_mp(M: flint.fmpq_mat) -> mp.matrix:
    out = mp.matrix(M.nrows(), M.ncols())
    for r in range(M.nrows()):
        for c in range(M.ncols()):
            v = M[r, c]
            out[r, c] = mp.mpf(int(v.p)) / int(v.q)
    return out


def lam_max(M: flint.fmpq_mat) -> mp.mpf:
    """Largest eigenvalue of a symmetric rational matrix (mpmath, current precision)."""
    return max(mp.eigsy(to_mp(M), eigvals_only=True))


def top_eigenpair(M: flint.fmpq_mat) -> tuple[mp.mpf, mp.matrix]:
    E, Q = mp.eigsy(to_mp(M))
    i = max(range(len(E)), key=lambda r: E[r])
    return E[i], Q[:, i]


def sharpness(net: Net, xs: Sequence[Fraction], mode: Mode | None = None) -> mp.mpf:
    return lam_max(gram(net, xs, mode))


def sharpness_upper(net: Net, xs: Sequence[Fraction]) -> mp.mpf:
    """lambda_max^upper: the largest top eigenvalue over the 2^p modes (16)."""
    return max(sharpness(net, xs, m) for m in modes(net, xs))


def mean_feature_sq(net: Net, xs: Sequence[Fraction], mode: Mode | None = None) -> Fraction:
    """|| mean_j grad f(x_j) ||^2 = u^T (Phi^T Phi / n) u at u = 1/sqrt(n): an exact rational lower
    bound on the top eigenvalue (Rayleigh quotient)."""
    cols = phi_columns(net, xs, mode)
    n = len(cols)
    return sum((sum(col[r] for col in cols) / n) ** 2 for r in range(len(cols[0])))


def interpolates(net: Net, xs: Sequence[Fraction], ys: Sequence[Fraction]) -> bool:
    return all(net(x) == y for x, y in zip(xs, ys, strict=True))


def loss_gradient(net: Net, xs: Sequence[Fraction], ys: Sequence[Fraction], mode: Mode | None = None,
                  batch: Sequence[int] | None = None) -> list[Fraction]:
    """(26) on the smooth piece of ``mode``: (1/|b|) sum_{j in b} (phi(x_j) - y_j) grad phi(x_j).
    phi(x_j) = f(x_j) in every mode (a toggling neuron's pre-activation is 0 at its point)."""
    idx = list(batch) if batch is not None else list(range(len(xs)))
    cols = phi_columns(net, xs, mode)
    g = [F(0)] * len(cols[0])
    for j in idx:
        r = net(xs[j]) - ys[j]
        g = [a + r * b for a, b in zip(g, cols[j], strict=True)]
    return [a / len(idx) for a in g]


def solve_output_layer(xs: Sequence[Fraction], ys: Sequence[Fraction], w1: Sequence[Fraction],
                       b1: Sequence[Fraction]) -> Net | None:
    """The least-norm exact (w2, b2) with f(x_j) = y_j for given hidden layer; None if the
    n x (k+1) design [relu(w1 x_j + b1) | 1] has rank < n."""
    n, k = len(xs), len(w1)
    rows = [[max(w * x + b, F(0)) for w, b in zip(w1, b1, strict=True)] + [F(1)] for x in xs]
    A = flint.fmpq_mat(n, k + 1, [_fq(v) for r in rows for v in r])
    G = A * A.transpose()
    if G.rank() < n:
        return None
    lam = G.solve(flint.fmpq_mat(n, 1, [_fq(y) for y in ys]))
    w = A.transpose() * lam
    vals = [F(int(w[r, 0].p), int(w[r, 0].q)) for r in range(k + 1)]
    return Net(tuple(F(v) for v in w1), tuple(F(v) for v in b1), tuple(vals[:k]), vals[k])


def nearest_interpolant(xs: Sequence[Fraction], ys: Sequence[Fraction], net: Net, snap: Fraction = SNAP
                        ) -> Net | None:
    """An exact interpolating minimum next to a trained (float) network: knots within ``snap`` of a
    data point are moved onto it (b1 = -w1 x_j), then (w2, b2) get the least-norm exact correction
    that makes f(x_j) = y_j.  None if the design matrix is rank deficient."""
    b1 = list(net.b1)
    for i in range(net.k):
        if net.w1[i] != 0:
            c = -net.b1[i] / net.w1[i]
            near = min(xs, key=lambda x: abs(x - c))
            if abs(near - c) <= snap:
                b1[i] = -net.w1[i] * near
    n, k = len(xs), net.k
    rows = [[max(w * x + b, F(0)) for w, b in zip(net.w1, b1, strict=True)] + [F(1)] for x in xs]
    A = flint.fmpq_mat(n, k + 1, [_fq(v) for r in rows for v in r])
    G = A * A.transpose()
    if G.rank() < n:
        return None
    w0 = flint.fmpq_mat(k + 1, 1, [_fq(v) for v in (*net.w2, net.b2)])
    resid = flint.fmpq_mat(n, 1, [_fq(y) for y in ys]) - A * w0
    w = w0 + A.transpose() * G.solve(resid)
    vals = [F(int(w[r, 0].p), int(w[r, 0].q)) for r in range(k + 1)]
    return Net(net.w1, tuple(b1), tuple(vals[:k]), vals[k])
