"""Neural tangent kernel of the two-layer ReLU network g(x) = m^{-1/2} sum_r a_r relu(w_r.x)
(a_r = +-1 fixed, w_r ~ N(0, I), trained first layer), float64 with NumPy.

* :func:`ntk` - H_ij = (1/m) sum_r 1{w_r.x_i > 0} 1{w_r.x_j > 0} x_i.x_j.
* :func:`ntk_limit` - kappa(x, x') = x.x' (pi - arccos(x.x')) / (2 pi) for unit inputs
  (Du et al. 2019).
* :func:`ntk_drift` - sup_t |H(theta_t) - H(theta_0)| along GD on the squared loss.
* :func:`ntk_mp` - the same H at high precision (to confirm the float64 value).
"""

from __future__ import annotations

import numpy as np


def unit_inputs(n: int, d: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def init(m: int, d: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, d)), rng.choice(np.array([-1.0, 1.0]), size=m)


def ntk(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    act = (W @ X.T > 0).astype(float)  # (m, n)
    return (act.T @ act) / W.shape[0] * (X @ X.T)


def ntk_limit(X: np.ndarray) -> np.ndarray:
    G = np.clip(X @ X.T, -1.0, 1.0)
    return G * (np.pi - np.arccos(G)) / (2 * np.pi)


def outputs(W, a, X) -> np.ndarray:
    return (np.maximum(W @ X.T, 0) * a[:, None]).sum(0) / np.sqrt(W.shape[0])


def ntk_drift(W0, a, X, Y, eta: float, steps: int) -> float:
    """max_t ||H(W_t) - H(W_0)||_2 along GD on 1/2 |Y - g(X)|^2."""
    W = W0.copy()
    H0 = ntk(W0, X)
    worst = 0.0
    m = W.shape[0]
    for _ in range(steps):
        r = outputs(W, a, X) - Y  # (n,)
        act = (W @ X.T > 0).astype(float)
        grad = ((act * r[None, :]) @ X) * a[:, None] / np.sqrt(m)
        W = W - eta * grad
        worst = max(worst, float(np.linalg.norm(ntk(W, X) - H0, 2)))
    return worst


def ntk_mp(W: np.ndarray, X: np.ndarray, dps: int):
    """H at ``dps`` digits from the same (float64-exact) W and X."""
    import mpmath as mp

    with mp.workdps(dps):
        Xm = [[mp.mpf(float(v)) for v in row] for row in X]
        n, m = len(Xm), W.shape[0]
        H = mp.matrix(n, n)
        acts = []
        for r in range(m):
            w = [mp.mpf(float(v)) for v in W[r]]
            acts.append([1 if mp.fsum(a * b for a, b in zip(w, x, strict=True)) > 0 else 0 for x in Xm])
        for i in range(n):
            for j in range(n):
                dot = mp.fsum(a * b for a, b in zip(Xm[i], Xm[j], strict=True))
                H[i, j] = dot * sum(ac[i] * ac[j] for ac in acts) / m
        return H
