"""Logistic regression on separable data: GD direction vs the l2 max-margin classifier.

* :func:`max_margin` - the hard-margin SVM direction, solved independently as a QP with
  cvxpy (min |w|^2 / 2 s.t. y_i x_i.w >= 1).
* :func:`exact_max_margin` - the same SVM in exact rationals from its KKT conditions, with
  the support vectors, their dual coefficients and the margins of the other points.
* :func:`step_size_cap` - Soudry et al.'s step-size condition eta < 2/beta, decided exactly.
* :func:`gd_iterates` / :func:`gd_directions` - GD on sum_i log(1 + exp(-y_i x_i.w)) from
  w = 0, float64 (cheap, used over 10^5+ steps): the iterates, or their angle to a direction.
* :func:`gd_residual_run` - GD iterates with the residual rho(t) = w_t - w_svm log t, a
  higher-precision spot check of the float64 rounding, and the limit w~ of rho.
* :func:`angle` - the angle between two vectors.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from itertools import combinations

import mpmath as mp
import numpy as np


def max_margin(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    import cvxpy as cp

    w = cp.Variable(X.shape[1])
    prob = cp.Problem(cp.Minimize(cp.sum_squares(w) / 2), [cp.multiply(y, X @ w) >= 1])
    prob.solve(solver=cp.CLARABEL)
    if prob.status != "optimal":
        raise ValueError(f"max-margin QP not solved (status {prob.status}); is the data separable?")
    return np.asarray(w.value, dtype=float)


def angle(u: np.ndarray, v: np.ndarray) -> float:
    c = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))
    return float(np.arccos(max(-1.0, min(1.0, c))))


def gd_directions(X: np.ndarray, y: np.ndarray, eta: float, record: Sequence[int],
                  target: np.ndarray) -> list[tuple[int, float]]:
    """Angle between the GD iterate w_t and ``target`` at each step in ``record``."""
    Z = [tuple(float(v) for v in row) for row in X * y[:, None]]
    return [(t, angle(np.array(w), target)) for t, w in gd_iterates(Z, eta, record)]


def gd_iterates(Z: Sequence[Sequence[float]], eta: float, record: Sequence[int],
                start: Sequence[float] | None = None) -> list[tuple[int, tuple[float, ...]]]:
    """GD iterates w_t (from w_0 = ``start``, default 0) on sum_n log(1 + exp(-z_n.w)) at each
    step in ``record``.

    The loop runs on Python floats (IEEE double, the same arithmetic as float64 NumPy): for a
    handful of points in low dimension it is several times faster than NumPy's per-call
    overhead, which matters for the 10^6-step sweeps."""
    Z = [tuple(float(v) for v in z) for z in Z]
    d = len(Z[0])
    w = [0.0] * d if start is None else [float(c) for c in start]
    out, t = [], 0
    for stop in sorted(record):
        if d == 2:
            w, t = _gd_plane(Z, eta, w, t, stop)
        while t < stop:
            g = [0.0] * d
            for z in Z:
                s = 0.5 * (1.0 - math.tanh(0.5 * sum(zj * wj for zj, wj in zip(z, w, strict=True))))
                for j in range(d):
                    g[j] += s * z[j]
            w = [wj + eta * gj for wj, gj in zip(w, g, strict=True)]
            t += 1
        out.append((t, tuple(w)))
    return out


def _gd_plane(Z: list[tuple[float, ...]], eta: float, w: list[float], t: int, stop: int) -> tuple[list[float], int]:
    """The GD loop of :func:`gd_iterates` unrolled for d = 2 (same operations, same order)."""
    tanh = math.tanh
    w0, w1 = w
    for _ in range(stop - t):
        g0 = g1 = 0.0
        for a, b in Z:
            s = 0.5 * (1.0 - tanh(0.5 * (a * w0 + b * w1)))
            g0 += s * a
            g1 += s * b
        w0 += eta * g0
        w1 += eta * g1
    return [w0, w1], max(t, stop)


# ------------------------------------------------------------------ exact max margin, GD residual


@dataclass(frozen=True)
class SeparableData:
    """A labelled data set with exact rational coordinates and the GD step size used on it.

    ``z`` are the signed points y_n x_n: GD on sum_n log(1 + exp(-z_n.w)) sees only them."""

    name: str
    points: tuple[tuple[Fraction, ...], ...]
    labels: tuple[int, ...]
    eta: Fraction

    def __post_init__(self) -> None:
        if not self.points or len(self.points) != len(self.labels):
            raise ValueError(f"{self.name}: {len(self.points)} points but {len(self.labels)} labels")
        if any(y not in (-1, 1) for y in self.labels):
            raise ValueError(f"{self.name}: labels must be +1 or -1, got {self.labels}")
        if len({len(x) for x in self.points}) != 1:
            raise ValueError(f"{self.name}: points of different dimensions")
        if not (isinstance(self.eta, Fraction) and self.eta > 0):
            raise ValueError(f"{self.name}: the step size must be a positive Fraction, got {self.eta!r}")

    @property
    def z(self) -> tuple[tuple[Fraction, ...], ...]:
        return tuple(tuple(Fraction(y) * c for c in x) for x, y in zip(self.points, self.labels, strict=True))


@dataclass(frozen=True)
class MaxMargin:
    """The hard-margin SVM of signed points z_n (min |w|^2/2 s.t. z_n.w >= 1), exactly.

    ``support``: the points with margin exactly 1; ``alpha``: their dual coefficients
    (w = sum_s alpha_s z_s), None when the support vectors are linearly dependent."""

    w: tuple[Fraction, ...]
    margins: tuple[Fraction, ...]
    support: tuple[int, ...]
    alpha: tuple[Fraction, ...] | None

    @property
    def nondegenerate(self) -> bool:
        """Soudry et al.'s generic case: independent support vectors, every dual coefficient > 0."""
        return self.alpha is not None and all(a > 0 for a in self.alpha)

    @property
    def min_nonsupport_margin(self) -> Fraction | None:
        rest = [m for i, m in enumerate(self.margins) if i not in self.support]
        return min(rest) if rest else None

    @property
    def norm(self) -> float:
        return math.sqrt(sum(float(c) ** 2 for c in self.w))


def _solve_gram(rows: Sequence[Sequence[Fraction]]) -> tuple[Fraction, ...] | None:
    """alpha with G alpha = 1 for the Gram matrix G of ``rows``; None if G is singular."""
    import sympy as sp

    G = sp.Matrix([[sp.Rational(sum((a * b for a, b in zip(r, s, strict=True)), Fraction(0)))
                    for s in rows] for r in rows])
    if G.det() == 0:
        return None
    sol = G.LUsolve(sp.ones(len(rows), 1))
    return tuple(Fraction(int(sp.fraction(c)[0]), int(sp.fraction(c)[1])) for c in sol)


def exact_max_margin(z: Sequence[Sequence[Fraction]]) -> MaxMargin:
    """The hard-margin SVM in exact rationals through its KKT conditions.

    For each set S of at most d linearly independent points, w = sum_S alpha_s z_s with
    z_s.w = 1 (alpha = Gram(S)^-1 1); the first S with alpha >= 0 and every margin z_n.w >= 1
    satisfies the KKT conditions of the strictly convex QP, so its w is the unique optimum
    (by Caratheodory some such S exists when the points are separable)."""
    z = [tuple(Fraction(c) for c in p) for p in z]
    d = len(z[0])
    for k in range(1, d + 1):
        for S in combinations(range(len(z)), k):
            alpha = _solve_gram([z[i] for i in S])
            if alpha is None or any(a < 0 for a in alpha):
                continue
            w = tuple(sum((a * z[i][j] for a, i in zip(alpha, S, strict=True)), Fraction(0)) for j in range(d))
            margins = tuple(sum((a * b for a, b in zip(p, w, strict=True)), Fraction(0)) for p in z)
            if min(margins) < 1:
                continue
            support = tuple(i for i, m in enumerate(margins) if m == 1)
            alpha_support = _solve_gram([z[i] for i in support]) if len(support) <= d else None
            return MaxMargin(w, margins, support, alpha_support)
    raise ValueError("no hard-margin separator: the points are not linearly separable")


def step_size_cap(z: Sequence[Sequence[Fraction]]) -> tuple[float, Callable[[Fraction], bool]]:
    """Soudry et al.'s step-size condition eta < 2 / beta, beta = lambda_max(Z^T Z) / 4 the
    smoothness of sum_n log(1 + exp(-z_n.w)) (the logistic loss is 1/4-smooth).  Returns the cap
    8 / lambda_max (float, for the report) and an exact test eta < cap (8 I - eta Z^T Z positive
    definite, decided in rationals)."""
    import sympy as sp

    Z = sp.Matrix([[sp.Rational(c) for c in p] for p in z])
    M = Z.T * Z
    lam = float(np.linalg.eigvalsh(np.array(M.tolist(), dtype=float)).max())

    def admits(eta: Fraction) -> bool:
        return bool((8 * sp.eye(M.rows) - sp.Rational(eta) * M).is_positive_definite)

    return 8 / lam, admits


@dataclass(frozen=True)
class ResidualRun:
    """Float64 GD iterates of a data set with the exact max-margin vector and a precision audit.

    ``local_error``: the largest |float64 step - exact step| / max(1, |w|) over the first
    ``spot_steps`` steps (the exact step evaluated at ``spot_dps`` digits from the exact data
    and step size, at the float iterate).  GD with eta < 2/beta on a convex beta-smooth loss is
    non-expansive, so rounding errors add up without amplification: the distance of the float
    iterate from exact GD after T steps is at most the sum of the local errors, estimated as
    ``drift_bound(T)`` = local_error x T x max(1, |w_T|) (the local error of an update is
    relative to |w|, which grows like log t)."""

    data: SeparableData
    svm: MaxMargin
    iterates: dict[int, tuple[float, ...]]
    local_error: float
    spot_steps: int
    spot_dps: int

    def drift_bound(self, t: int) -> float:
        return self.local_error * t * max(1.0, math.sqrt(sum(c * c for c in self.iterates[t])))

    def residual(self, t: int) -> list[mp.mpf]:
        """rho(t) = w_t - w_svm log t at the working precision (exact conversion of the floats)."""
        lt = mp.log(t)
        return [mp.mpf(c) - mp.mpf(a.numerator) / a.denominator * lt for c, a in zip(self.iterates[t], self.svm.w, strict=True)]

    def residual_norm(self, t: int) -> mp.mpf:
        return mp.norm(self.residual(t))

    def perp_norm(self, t: int, vec: Sequence[mp.mpf] | None = None) -> mp.mpf:
        """|P_perp rho(t)|: the part of rho(t) (or of ``vec``) orthogonal to w_svm."""
        r = self.residual(t) if vec is None else list(vec)
        v = [mp.mpf(a.numerator) / a.denominator for a in self.svm.w]
        c = mp.fsum(x * y for x, y in zip(r, v, strict=True)) / mp.fsum(y * y for y in v)
        return mp.norm([x - c * y for x, y in zip(r, v, strict=True)])

    def angle(self, t: int) -> mp.mpf:
        w = [mp.mpf(c) for c in self.iterates[t]]
        v = [mp.mpf(a.numerator) / a.denominator for a in self.svm.w]
        c = mp.fsum(x * y for x, y in zip(w, v, strict=True)) / (mp.norm(w) * mp.norm(v))
        return mp.acos(min(c, mp.mpf(1)))

    def residual_limit(self) -> list[mp.mpf] | None:
        """w~ with eta exp(-z_s.w~) = alpha_s on the support vectors (Soudry et al.: rho(t) -> w~),
        when the data are nondegenerate and the support vectors span the space; else None."""
        z = self.data.z
        if not self.svm.nondegenerate or len(self.svm.support) != len(z[0]):
            return None
        A = mp.matrix([[mp.mpf(c.numerator) / c.denominator for c in z[i]] for i in self.svm.support])
        eta = mp.mpf(self.data.eta.numerator) / self.data.eta.denominator
        assert self.svm.alpha is not None
        b = mp.matrix([mp.log(eta * a.denominator / a.numerator) for a in self.svm.alpha])
        sol = mp.lu_solve(A, b)
        return [sol[i] for i in range(len(z[0]))]


def _exact_step(z: Sequence[Sequence[Fraction]], eta: Fraction, w: Sequence[float]) -> list[mp.mpf]:
    wm = [mp.mpf(c) for c in w]  # a float converts exactly
    zm = [[mp.mpf(c.numerator) / c.denominator for c in p] for p in z]
    g = [mp.mpf(0)] * len(wm)
    for p in zm:
        s = 1 / (1 + mp.exp(mp.fsum(a * b for a, b in zip(p, wm, strict=True))))
        g = [gj + s * pj for gj, pj in zip(g, p, strict=True)]
    e = mp.mpf(eta.numerator) / eta.denominator
    return [a + e * b for a, b in zip(wm, g, strict=True)]


@lru_cache(maxsize=8)
def gd_residual_run(data: SeparableData, record: tuple[int, ...], spot_steps: int = 2000,
                    spot_dps: int = 30) -> ResidualRun:
    """GD (float64, w_0 = 0, step ``data.eta``) on ``data`` up to max(record), the exact SVM, and
    the local rounding error of the float64 update over the first ``spot_steps`` steps (each
    step run by the same float loop, compared with the exact update at ``spot_dps`` digits)."""
    z = data.z
    zf = [tuple(float(c) for c in p) for p in z]
    eta = float(data.eta)
    local = 0.0
    w: tuple[float, ...] = tuple([0.0] * len(zf[0]))
    with mp.workdps(spot_dps):
        for _ in range(spot_steps):
            (_, nxt), = gd_iterates(zf, eta, [1], start=w)
            exact = _exact_step(z, data.eta, w)
            err = float(mp.norm([mp.mpf(a) - b for a, b in zip(nxt, exact, strict=True)]))
            local = max(local, err / max(1.0, math.sqrt(sum(c * c for c in nxt))))
            w = nxt
    its = dict(gd_iterates(zf, eta, record))
    return ResidualRun(data, exact_max_margin(z), its, local, spot_steps, spot_dps)

