"""mms library: interpolating minima of the univariate ReLU network (Sec. 3-4) as exact domain
members, their measures (sharpness, mode sharpness, W = int |f''| g, C, p_max, L) and the
domains the section modules quantify over.

A :class:`Minimum` is data (x_j, y_j) plus parameters theta in the order (20) with f(x_j) = y_j
exactly (the catalogue's NUM-interp: rational data and knots, w1 = +-e^{N(0,1)} rounded, the output
layer solved exactly by a least-norm rational solve).  Its ``str`` states every number exactly, so
a counterexample is reproducible from the report alone.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import flint
import mpmath as mp

from numeric import mms_relu as R
from numeric import mms_weight as W
from theorems.spec import Domain, Member, Real

F = Fraction


def _fmt(v: Sequence[Fraction]) -> str:
    return "[" + ", ".join(str(a) for a in v) + "]"


@dataclass(frozen=True, eq=False)
class Minimum:
    """Data and an interpolating network (an exact global minimum of the loss (19))."""

    xs: tuple[Fraction, ...]
    ys: tuple[Fraction, ...]
    net: R.Net

    def __post_init__(self) -> None:
        if len(set(self.xs)) != len(self.xs) or len(self.xs) != len(self.ys):
            raise ValueError("data inputs must be distinct and paired with targets")

    def __str__(self) -> str:
        n = self.net
        return (f"x={_fmt(self.xs)}, y={_fmt(self.ys)}, w1={_fmt(n.w1)}, b1={_fmt(n.b1)}, "
                f"w2={_fmt(n.w2)}, b2={n.b2}")

    @property
    def n(self) -> int:
        return len(self.xs)

    @property
    def k(self) -> int:
        return self.net.k

    @cached_property
    def interpolating(self) -> bool:
        return R.interpolates(self.net, self.xs, self.ys)

    @cached_property
    def toggles(self) -> list[tuple[int, int]]:
        return R.toggling(self.net, self.xs)

    @property
    def p(self) -> int:
        return len(self.toggles)

    @property
    def p_max(self) -> int:
        counts: dict[int, int] = {}
        for _, j in self.toggles:
            counts[j] = counts.get(j, 0) + 1
        return max(counts.values(), default=0)

    @property
    def L(self) -> int:
        """Number of knots of f (distinct locations with a nonzero jump of f')."""
        return len(R.knots(self.net))

    def sharpness(self, mode: R.Mode | None = None) -> mp.mpf:
        return R.sharpness(self.net, self.xs, mode)

    def mode_sharpness(self) -> list[tuple[R.Mode, mp.mpf]]:
        return [(m, self.sharpness(m)) for m in R.modes(self.net, self.xs)]

    def sharpness_upper(self) -> mp.mpf:
        return max(v for _, v in self.mode_sharpness())

    def inactive_mode(self) -> R.Mode:
        return {i: 0 for i, _ in self.toggles}

    def W(self, strict: bool = True) -> mp.mpf:
        return W.weighted_curvature(self.net, self.xs, strict)

    def rho(self) -> Fraction:
        return max(abs(v) for v in self.net.theta())

    def M(self) -> Fraction:
        return max(abs(x) for x in self.xs)

    def C_paper(self) -> Fraction:
        """C = max{1, rho (1 + M)} with rho = ||theta||_inf (Sec. 4.2)."""
        return max(F(1), self.rho() * (1 + self.M()))

    def C_features(self) -> Fraction:
        """max_{j, m} ||grad phi(x_j, theta, m_j)||_inf (the C of Lemma 5), exactly."""
        best = F(0)
        for m in R.modes(self.net, self.xs):
            for col in R.phi_columns(self.net, self.xs, m):
                best = max(best, max(abs(v) for v in col))
        return best

    def rescaled(self, scales: Sequence[Fraction]) -> Minimum:
        return Minimum(self.xs, self.ys, self.net.rescaled(scales))

    @cached_property
    def stable_step_ratio(self) -> float:
        """float64 estimate of sup {eta lambda_upper / 2 : GD strongly stable at step eta} (1 when
        nothing beyond Lemma 3's 2/lambda_upper is strongly stable).  A sampling guide only."""
        import numpy as np

        from numeric import mms_stability as S

        live, exact, tog = _switching_data(self)
        pos = {c: r for r, c in enumerate(live)}
        normals = []
        for i, j in tog:
            u = np.zeros(len(live))
            u[pos[i]], u[pos[self.k + i]] = float(self.xs[j]), 1.0
            normals.append(u)
        hs = {bits: np.array([[float(M[r, c]) for c in live] for r in live]) for bits, M in exact.items()}
        lam = max(float(np.linalg.eigvalsh(H)[-1]) for H in hs.values())
        return S.largest_stable_ratio(hs, normals, lam)


# ------------------------------------------------------------------ generators (NUM-interp)

def _q(x: float, den: int = 1000) -> Fraction:
    return F(x).limit_denominator(den)


def random_data(rng: random.Random, n: int) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
    xs: set[Fraction] = set()
    while len(xs) < n:
        xs.add(_q(rng.uniform(-2, 2), 100))
    xs_s = tuple(sorted(xs))
    ys = tuple(_q(rng.gauss(0, 1), 100) for _ in xs_s)
    return xs_s, ys


def random_minimum(rng: random.Random, *, toggles: int = 0, stack: bool = False,
                   n_range: tuple[int, int] = (3, 7), width: tuple[int, int] = (1, 2),
                   max_tries: int = 50) -> Minimum:
    """NUM-interp: n in n_range, k in [width[0] n, width[1] n] (at least n); knots uniform on
    [x_min - 1, x_max + 1] at distance > 1/1000 from the data, except ``toggles`` neurons whose
    knot is put exactly on a data point (all on one point when ``stack``)."""
    for _ in range(max_tries):
        n = rng.randint(*n_range)
        xs, ys = random_data(rng, n)
        k = max(n, rng.randint(width[0] * n, width[1] * n))
        lo, hi = float(xs[0]) - 1, float(xs[-1]) + 1
        cs: list[Fraction] = []
        on_point = rng.randrange(n)
        for i in range(k):
            if i < toggles:
                cs.append(xs[on_point] if stack else xs[rng.randrange(n)])
                continue
            while True:
                c = _q(rng.uniform(lo, hi), 1000)
                if all(abs(c - x) > F(1, 1000) for x in xs):
                    cs.append(c)
                    break
        w1 = [(1 if rng.random() < 0.5 else -1) * _q(math.exp(rng.gauss(0, 1)), 100) for _ in range(k)]
        b1 = [-w * c for w, c in zip(w1, cs, strict=True)]
        net = R.solve_output_layer(xs, ys, w1, b1)
        if net is None:
            continue
        m = Minimum(xs, ys, net)
        if m.interpolating and (toggles == 0 or all(net.w2[i] != 0 for i, _ in m.toggles)):
            return m
    raise RuntimeError("no interpolating minimum found (rank-deficient designs)")


def minima_member(name: str = "theta*", *, toggles: Sequence[int] = (0,), stack: bool = False,
                  n_range: tuple[int, int] = (3, 7), width: tuple[int, int] = (1, 2), flatten: bool = False) -> Member:
    def gen(rng: random.Random, j: int) -> Minimum:
        t = toggles[j % len(toggles)]
        m = random_minimum(rng, toggles=t, stack=stack or (j % 3 == 2), n_range=n_range, width=width)
        return flattest_rescaling(m, seed=j) if flatten and j % 2 == 0 else m

    kind = ("knots off the data" if toggles == (0,) else
            f"{'/'.join(map(str, toggles))} neuron knot(s) exactly on data points" + (" (stacked)" if stack else ""))
    return Member(name, gen, description=(
        f"an exact interpolating minimum (NUM-interp): n in {list(n_range)} distinct rational x_j, "
        f"rational y_j ~ N(0,1), k in [{width[0]}n, {width[1]}n] neurons, {kind}; output layer solved exactly"
        + ("; every other draw replaced by its flattest neuron rescaling found by L-BFGS (a push toward the "
           "bound)" if flatten else "")),
        admissible=lambda m: isinstance(m, Minimum) and m.interpolating)


def eta_cap(mu: mp.mpf) -> Fraction:
    """A rational just below 2/mu (2/mu is irrational in general; relative gap ~1e-40)."""
    with mp.workdps(60):
        v = 2 / mu
        return F(mp.nstr(v * (1 - mp.mpf(10) ** -40), 55))


def off_data_domain(name: str = "theta*", flatten: bool = True) -> Domain:
    """Interpolating minima with all knots off the data (twice differentiable minima) and a step
    size eta with lambda_max(theta*) <= 2/eta (the minimum is linearly stable for GD)."""
    return Domain(
        minima_member(name, flatten=flatten),
        Real("eta", 0, ("2/lambda_max(theta*) (rounded down)", lambda s: eta_cap(_sharp(s[name]))),
             lo_open=True),
    )


def _sharp(m: Minimum) -> mp.mpf:
    with mp.workdps(60):
        return m.sharpness()


def toggle_domain(name: str = "theta*", toggles: Sequence[int] = (1, 2, 3), stack: bool = False,
                  width: tuple[int, int] = (1, 2)) -> Domain:
    return Domain(minima_member(name, toggles=toggles, stack=stack, width=width))


def knot_of(m: Minimum, i: int) -> Fraction:
    return -m.net.b1[i] / m.net.w1[i]


def mpf(q: Fraction) -> mp.mpf:
    q = F(q)
    return mp.mpf(q.numerator) / q.denominator


# ------------------------------------------------------------------ strong stability (GD, Def. 2)

def _switching_data(m: Minimum) -> tuple[list[int], dict[tuple[int, ...], flint.fmpq_mat], list[tuple[int, int]]]:
    """The coordinates that move (nonzero in some mode Hessian, or a toggling neuron's w1/b1), the
    mode Hessians keyed by the toggles' bits, and the toggles.  The other coordinates (e.g. a neuron
    dead on every data point) are null directions of every mode and orthogonal to every cone normal:
    they only add 0 to max_{cone, |v| = 1} v^T ((I - eta H)^2 - I) v."""
    net, xs = m.net, m.xs
    tog = m.toggles
    hs = {tuple(mode[i] for i, _ in tog): R.hessian(net, xs, mode) for mode in R.modes(net, xs)}
    d = 3 * net.k + 1
    live = {r for H in hs.values() for r in range(d) if any(H[r, c] != 0 for c in range(d))}
    live |= {i for i, _ in tog} | {net.k + i for i, _ in tog}
    return sorted(live), hs, tog


def strong_stability_margin(m: Minimum, eta: Fraction) -> mp.mpf | None:
    """>= 0 iff theta* is linearly strongly stable for GD with step eta (zero mode gradients,
    homogeneous cone partition: one-step non-expansiveness of every mode on its own cone is
    necessary and sufficient); None if the face enumeration is degenerate.  Computed on the
    coordinates that move (exact reduction: the others contribute max(., 0))."""
    from numeric import mms_stability as S

    live, hs, tog = _switching_data(m)
    k = m.k
    pos = {c: r for r, c in enumerate(live)}
    normals = []
    for i, j in tog:
        u = mp.matrix(len(live), 1)
        u[pos[i]] = mpf(m.xs[j])
        u[pos[k + i]] = 1
        normals.append(u)
    Hs = {bits: mp.matrix([[mpf(F(int(H[r, c].p), int(H[r, c].q))) for c in live] for r in live])
          for bits, H in hs.items()}
    marg = S.strong_stability_margin(Hs, normals, mpf(eta))
    if marg is None or len(live) == 3 * k + 1:
        return marg
    return min(marg, mp.mpf(0))


def min_inf_norm_rescaling(m: Minimum) -> Minimum:
    """The per-neuron rescaling (a w1, a b1, w2 / a) with a rational a near the minimiser of
    max(a|w1|, a|b1|, |w2|/a): an implementation of the same f with small ||theta||_inf."""
    scales = []
    for w1, b, w2 in zip(m.net.w1, m.net.b1, m.net.w2, strict=True):
        big = max(abs(w1), abs(b))
        if big == 0 or w2 == 0:
            scales.append(F(1))
            continue
        a = math.sqrt(float(abs(w2)) / float(big))
        scales.append(F(a).limit_denominator(10**6) or F(1))
    return m.rescaled(scales)


def flattest_rescaling(m: Minimum, restarts: int = 1, seed: int = 0) -> Minimum:
    """Search the per-neuron rescalings for the smallest top eigenvalue (float64 L-BFGS on log a,
    then rational scales): a push toward the bound min_{Omega(f)} lambda_max >= 1 + 2W."""
    import numpy as np
    from scipy.optimize import minimize

    net, xs = m.net, m.xs
    k = net.k
    x = np.array([float(v) for v in xs])
    w1 = np.array([float(v) for v in net.w1])
    b1 = np.array([float(v) for v in net.b1])
    w2 = np.array([float(v) for v in net.w2])
    act = (np.outer(w1, x) + b1[:, None]) > 0
    relu = np.where(act, np.outer(w1, x) + b1[:, None], 0.0)

    def lam(s):
        a = np.exp(s)
        Phi = np.vstack([(w2 / a)[:, None] * act * x, (w2 / a)[:, None] * act, a[:, None] * relu, np.ones((1, len(x)))])
        return float(np.linalg.eigvalsh(Phi.T @ Phi / len(x))[-1])

    rng = np.random.default_rng(seed)
    best = (lam(np.zeros(k)), np.zeros(k))
    for r in range(restarts):
        s0 = np.zeros(k) if r == 0 else rng.normal(0, 0.5, k)
        res = minimize(lam, s0, method="L-BFGS-B", bounds=[(-8, 8)] * k, options={"maxiter": 80})
        if res.fun < best[0]:
            best = (float(res.fun), res.x)
    scales = [F(float(np.exp(v))).limit_denominator(10**6) or F(1) for v in best[1]]
    return m.rescaled(scales)


# ------------------------------------------------------------------ beyond the edge 2/lambda_upper

def beyond_edge_minimum(rng: random.Random, *, pad: bool = False, third: bool = False,
                        min_ratio: float = 1.001, max_tries: int = 600) -> Minimum:
    """An exact interpolating minimum at which GD is strongly stable for some eta > 2/lambda_upper.

    Construction (from the structure of the switching system, Sec. 4.2): with few live neurons
    the directions u_i = (x_j, 1) of the toggling neurons' (w1_i, b1_i) lie in the range of the
    mode Hessians, so the top eigenvector of the sharpest mode can sit outside that mode's cone;
    two toggling neurons on distinct data points with output weights of opposite signs make the
    signs of <u_i, q> disagree.  Drawn: n in [4, 6] distinct rational x_j in [-2, 2]; two neurons
    with knots on two distinct data points (w1 = +-e^{N(0, 0.7)} rounded to 1/100, opposite signs
    of w2); a third live neuron with a knot off the data if ``third``; dead neurons (knot beyond
    x_max, inactive on every data point) padding k up to n if ``pad``; b2 rational; y_j := f(x_j)
    exactly.  Kept when the float64 bisection finds strong stability up to eta lambda_upper / 2 >=
    ``min_ratio`` (rejection sampling; every instance is re-decided at the working precision by the checks)."""
    for _ in range(max_tries):
        n = rng.randint(4, 6)
        xs = tuple(sorted(F(v, 100) for v in rng.sample(range(-200, 201), n)))
        j1, j2 = rng.sample(range(n), 2)
        knots_ = [xs[j1], xs[j2]]
        if third:
            while True:
                c = _q(rng.uniform(float(xs[0]) - 1, float(xs[-1]) + 1), 1000)
                if all(abs(c - x) > F(1, 1000) for x in xs):
                    knots_.append(c)
                    break
        w1 = [(1 if rng.random() < 0.5 else -1) * (_q(math.exp(rng.gauss(0, 0.7)), 100) or F(1)) for _ in knots_]
        b1 = [-w * c for w, c in zip(w1, knots_, strict=True)]
        w2 = [_q(rng.gauss(0, 1) * math.exp(rng.gauss(0, 0.5)), 100) or F(1, 100) for _ in knots_]
        if (w2[0] > 0) == (w2[1] > 0):
            w2[1] = -w2[1]
        while pad and len(w1) < n:  # dead on the data: w1 > 0, knot beyond x_max
            c = xs[-1] + F(1, 2) + _q(rng.uniform(0, 1), 100)
            a = _q(math.exp(rng.gauss(0, 0.5)), 100) or F(1)
            w1.append(a)
            b1.append(-a * c)
            w2.append(_q(rng.gauss(0, 1), 100) or F(1, 100))
        net = R.Net(tuple(w1), tuple(b1), tuple(w2), _q(rng.gauss(0, 1), 100))
        m = Minimum(xs, tuple(net(x) for x in xs), net)
        if m.p == 2 and m.stable_step_ratio >= min_ratio:
            return m
    raise RuntimeError("no minimum strongly stable beyond 2/lambda_upper found")


def edge_step(m: Minimum) -> Fraction:
    """A rational just above 2/lambda_upper (relative gap ~1e-40): the lower end of the regime."""
    with mp.workdps(60):
        return F(mp.nstr(2 / m.sharpness_upper() * (1 + mp.mpf(10) ** -40), 55))


def stable_step_cap(m: Minimum) -> Fraction:
    """A rational step below the float64 estimate of the largest strongly stable step (the gap
    beyond 2/lambda_upper shrunk by 1% against rounding and kept to 3 significant digits, so that
    the sampled steps do not depend on the last bits of the float64 guide); strong stability is
    re-decided at the working precision."""
    gap = float(f"{(m.stable_step_ratio - 1) * 0.99:.3g}")  # 3 digits: the same cap whatever the BLAS
    with mp.workdps(60):
        return F(mp.nstr(2 / m.sharpness_upper() * (1 + mp.mpf(gap)), 55))


def beyond_edge_member(name: str = "theta*") -> Member:
    def gen(rng: random.Random, j: int) -> Minimum:
        return beyond_edge_minimum(rng, pad=j % 2 == 1, third=j % 3 == 2)

    return Member(name, gen, description=(
        "an exact interpolating minimum strongly stable beyond 2/lambda_upper: n in [4, 6] rational x_j, two "
        "neurons with knots on two distinct data points and output weights of opposite signs (a third live "
        "neuron with a knot off the data every third draw; dead neurons padding k up to n every other draw), "
        "y_j := f(x_j); kept when a float64 bisection finds GD strongly stable at some eta > 2/lambda_upper"),
        admissible=lambda m: isinstance(m, Minimum) and m.interpolating)


def beyond_edge_domain(name: str = "theta*") -> Domain:
    """Minima of :func:`beyond_edge_minimum` with 2/lambda_upper < eta <= (float64) largest strongly
    stable step: the regime where lambda_upper > 2/eta (the checks still decide strong stability
    per instance at the working precision and count an instance that fails it as not applicable)."""
    return Domain(
        beyond_edge_member(name),
        Real("eta", ("2/lambda_upper(theta*)", lambda s: edge_step(s[name])),
             ("the largest strongly stable step (float64 bisection, the gap beyond 2/lambda_upper shrunk by 1%)",
              lambda s: stable_step_cap(s[name])), lo_open=True),
    )
