"""A float64 search for the minima that the mean-feature proof of Theorem 2
(``numeric/mms_mean_feature.py``) does not cover, pushed toward W > 1/eta - 1/2.

Target class ("blocked"): two neurons with knots on two distinct data points, output weights of
opposite signs, each with <u, e^0> = mean over data strictly on its active side of (1 + c x) < 0,
so that neither sign of the plain mean-feature vector fits the cones ("plain-blocked"), and
neither neuron absorbed (``mms_mean_feature.absorbed``); k in [2, 4] live neurons.
Objective: (1 + 2 W) eta_max / 2 with eta_max the largest strongly stable GD step (bisection on the
float64 cone test), over candidates strongly stable beyond 2/lambda_upper.  A value > 1 is an
instance with 1 + 2 W > 2/eta, the only place where (24) can fail.  Seeded and counted (no wall
clock), so the result is deterministic; a guide only: the chosen instance is rationalised and every
verdict-bearing number is recomputed exactly by the caller.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from . import mms_stability as S


def _g_side(c: float, xs: np.ndarray, plus: bool) -> float:
    sel = xs[xs > c] if plus else xs[xs < c]
    if len(sel) == 0:
        return 0.0
    n = len(xs)
    return float(np.abs(sel - c).sum() / n * np.hypot(len(sel) / n, sel.sum() / n))


def weighted_curvature(xs: np.ndarray, w1: np.ndarray, b1: np.ndarray, w2: np.ndarray) -> float:
    """W = sum over distinct knots of |summed jump| g(knot), float64."""
    jumps: dict[float, float] = {}
    for a, b, s in zip(w1, b1, w2, strict=True):
        if a != 0:
            c = round(-b / a, 12)
            jumps[c] = jumps.get(c, 0.0) + s * abs(a)
    total = 0.0
    for c, s in jumps.items():
        if xs[0] <= c <= xs[-1]:
            total += abs(s) * min(_g_side(c, xs, False), _g_side(c, xs, True))
    return total


def switching(xs, w1, b1, w2, toggles):
    """Mode Hessians (keyed by the toggles' bits) and the cone normals u_i, float64."""
    n, k = len(xs), len(w1)
    Z = np.outer(w1, xs) + b1[:, None]
    act, relu = (Z > 0).astype(float), np.maximum(Z, 0)
    hs = {}
    for bits in itertools.product((0.0, 1.0), repeat=len(toggles)):
        A = act.copy()
        for (i, j), b in zip(toggles, bits, strict=True):
            A[i, j] = b
        Phi = np.vstack([w2[:, None] * A * xs, w2[:, None] * A, relu, np.ones((1, n))])
        hs[tuple(int(b) for b in bits)] = Phi @ Phi.T / n
    normals = []
    for i, j in toggles:
        u = np.zeros(3 * k + 1)
        u[i], u[k + i] = xs[j], 1.0
        normals.append(u)
    return hs, normals


@dataclass(frozen=True)
class Candidate:
    xs: tuple[float, ...]
    w1: tuple[float, ...]
    knots: tuple[float, ...]  # the first two are data points (the toggling neurons)
    w2: tuple[float, ...]
    toggles: tuple[tuple[int, int], ...]
    ratio: float  # (1 + 2 W) eta_max / 2
    step_ratio: float  # eta_max lambda_upper / 2


def _toggle_inner(xs, w1, b1, i, j) -> float:
    return float(np.sum((1 + xs[j] * xs) * (w1[i] * xs + b1[i] > 1e-12)) / len(xs))


def _absorbed(xs: np.ndarray, w1: np.ndarray, b1: np.ndarray, i: int, j: int) -> bool:
    """float64 twin of ``mms_mean_feature.absorbed`` (a blocking neuron that still keeps 2|s| g(c))."""
    c, n = xs[j], len(xs)
    plus = w1[i] > 0
    on = (xs > c) if plus else (xs < c)
    on_incl = (xs >= c) if plus else (xs <= c)

    def parts(sel):
        return np.abs(xs[sel] - c).sum() / n, (sel.sum() / n) ** 2 + (xs[sel].sum() / n) ** 2

    G = min(a * a * b for a, b in (parts(xs < c), parts(xs > c)))
    t1 = _toggle_inner(xs, w1, b1, i, j) + (1 + c * c) / n
    An, Bn = parts(on_incl)
    A, _ = parts(on)
    return bool((t1 < 0 and An * An * Bn >= G) or A ** 4 >= G * (1 + c * c))


def evaluate(p: np.ndarray, shape: tuple[int, int, int, int, tuple[int, ...]], absorb: bool = True
             ) -> tuple[float, float] | None:
    """(ratio, step ratio) of the parameter vector p, or None outside the target class (with
    ``absorb=False``: the wider "plain-blocked" class, absorption not excluded)."""
    n, k, j1, j2, signs = shape
    xs = np.sort(np.tanh(p[:n]) * 2.5)
    if np.min(np.diff(xs)) < 1e-2:
        return None
    w1 = np.array(signs, dtype=float) * np.exp(np.clip(p[n:n + k], -3, 3))
    w2 = p[n + k:n + 2 * k]
    cs = np.concatenate([[xs[j1], xs[j2]], p[n + 2 * k:]])
    if any(np.min(np.abs(xs - c)) < 1e-2 for c in cs[2:]) or w2[0] * w2[1] >= 0:
        return None
    b1 = -w1 * cs
    if not (_toggle_inner(xs, w1, b1, 0, j1) < 0 and _toggle_inner(xs, w1, b1, 1, j2) < 0):
        return None
    if absorb and (_absorbed(xs, w1, b1, 0, j1) or _absorbed(xs, w1, b1, 1, j2)):
        return None
    hs, normals = switching(xs, w1, b1, w2, [(0, j1), (1, j2)])
    lam = max(float(np.linalg.eigvalsh(H)[-1]) for H in hs.values())
    r = S.largest_stable_ratio(hs, normals, lam, hi=4.0, iters=20)
    if r <= 1.0001:
        return None
    return (1 + 2 * weighted_curvature(xs, w1, b1, w2)) * r / lam, r


def _draw(rng: np.random.Generator) -> tuple[np.ndarray, tuple[int, int, int, int, tuple[int, ...]]]:
    """A random member of the parametrisation: n in [4, 8] distinct x_j on the grid (1/100) Z in
    [-2.5, 2.5], two toggling neurons on two random data points with output weights of opposite
    signs, k in [2, 4] live neurons, w1 = +-e^{N(0, 1)}, w2 = N(0, 1) e^{N(0, 1)}."""
    n, k = int(rng.integers(4, 9)), int(rng.integers(2, 5))
    xs = np.sort(rng.choice(np.arange(-249, 250), n, replace=False) / 100.0)
    j1, j2 = (int(v) for v in rng.choice(n, 2, replace=False))
    signs = tuple(int(s) for s in rng.choice([-1, 1], k))
    w2 = rng.normal(0, 1, k) * np.exp(rng.normal(0, 1, k))
    if w2[0] * w2[1] > 0:
        w2[1] = -w2[1]
    p = np.concatenate([np.arctanh(xs / 2.5), rng.normal(0, 1, k), w2, rng.uniform(xs[0], xs[-1], k - 2)])
    return p, (n, k, j1, j2, signs)


def search(seed: int, draws: int = 20000, iters: int = 150, absorb: bool = True) -> list[Candidate]:
    """Every candidate among ``draws`` random ones (seeded) that lies in the target class and is
    strongly stable beyond 2/lambda_upper, each polished by Nelder-Mead (``iters`` steps) on the
    ratio while staying in the class; best first."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(draws):
        p, shape = _draw(rng)
        if evaluate(p, shape, absorb) is None:
            continue
        res = minimize(lambda q, sh=shape: -((evaluate(q, sh, absorb) or (0.0,))[0]), p, method="Nelder-Mead",
                       options={"maxiter": iters})
        q = res.x if evaluate(res.x, shape, absorb) is not None else p
        ratio, r = evaluate(q, shape, absorb)  # type: ignore[misc]
        n, k, j1, j2, signs = shape
        xs = np.sort(np.tanh(q[:n]) * 2.5)
        w1 = np.array(signs, dtype=float) * np.exp(np.clip(q[n:n + k], -3, 3))
        cs = (xs[j1], xs[j2], *q[n + 2 * k:])
        out.append(Candidate(tuple(float(x) for x in xs), tuple(float(w) for w in w1), tuple(float(c) for c in cs),
                             tuple(float(w) for w in q[n + k:n + 2 * k]), ((0, j1), (1, j2)), float(ratio), float(r)))
    return sorted(out, key=lambda c: -c.ratio)


@dataclass(frozen=True)
class Survey:
    draws: int
    plain_blocked: int  # both toggles block the plain mean-feature vector
    outside: int  # ... and neither is absorbed: outside class S
    beyond_edge: int  # ... and strongly stable at some eta > 2/lambda_upper (float64 guide)
    best_ratio: float  # max (1 + 2 W) eta_max / 2 over the minima outside S (0 if none)


def survey(seeds: Sequence[int], draws: int = 20000) -> Survey:
    """Count, among ``draws`` random candidates per seed (the parametrisation of :func:`_draw`), the
    minima outside class S and those of them strongly stable beyond 2/lambda_upper, with the largest
    (1 + 2 W) eta_max / 2 (eta_max = the largest strongly stable step, 2/lambda_upper at least)."""
    counts = [0, 0, 0, 0]
    best = 0.0
    for seed in seeds:
        rng = np.random.default_rng(seed)
        for _ in range(draws):
            p, (n, k, j1, j2, signs) = _draw(rng)
            counts[0] += 1
            xs = np.sort(np.tanh(p[:n]) * 2.5)
            w1 = np.array(signs, dtype=float) * np.exp(np.clip(p[n:n + k], -3, 3))
            w2 = p[n + k:n + 2 * k]
            b1 = -w1 * np.concatenate([[xs[j1], xs[j2]], p[n + 2 * k:]])
            if np.min(np.diff(xs)) < 1e-2 or w2[0] * w2[1] >= 0:
                continue
            if not (_toggle_inner(xs, w1, b1, 0, j1) < 0 and _toggle_inner(xs, w1, b1, 1, j2) < 0):
                continue
            counts[1] += 1
            if _absorbed(xs, w1, b1, 0, j1) or _absorbed(xs, w1, b1, 1, j2):
                continue
            counts[2] += 1
            hs, normals = switching(xs, w1, b1, w2, [(0, j1), (1, j2)])
            lam = max(float(np.linalg.eigvalsh(H)[-1]) for H in hs.values())
            r = S.largest_stable_ratio(hs, normals, lam, hi=4.0, iters=20)
            counts[3] += r > 1.0001
            best = max(best, (1 + 2 * weighted_curvature(xs, w1, b1, w2)) * r / lam)
    return Survey(counts[0], counts[1], counts[2], counts[3], best)
