"""Deep linear networks and symmetric matrix factorisation in mpmath.

* :func:`deep_linear_gradients` / :func:`deep_linear_gd` / :func:`deep_linear_gf` - the loss
  1/2 ||Y - W_L ... W_1 X||_F^2 (layer 1 acts first), its layer gradients, GD iterates and a
  fixed-step RK4 gradient flow.
* :func:`imbalances` - W_{l+1}^T W_{l+1} - W_l W_l^T.
* :func:`mf_flow` - RK4 integration of dU/dt = (Y - U U^T) U.
"""

from __future__ import annotations

from collections.abc import Sequence

import mpmath as mp

from numeric.dynamics import SimulationDiverged, rk4_step


def _prod(ms: Sequence[mp.matrix], n: int) -> mp.matrix:
    out = mp.eye(n)
    for m in ms:
        out = out * m
    return out


def deep_linear_gradients(Ws: Sequence[mp.matrix], X: mp.matrix, Y: mp.matrix) -> list[mp.matrix]:
    """G_l = dL/dW_l = (W_L..W_{l+1})^T (P X - Y) X^T (W_{l-1}..W_1)^T."""
    L = len(Ws)
    dout = Ws[-1].rows
    P = _prod(list(reversed(Ws)), dout)
    E = (P * X - Y) * X.T
    out = []
    for l in range(L):
        A = _prod(list(reversed(Ws[l + 1:])), dout)
        B = _prod(list(reversed(Ws[:l])), Ws[l].cols)
        out.append(A.T * E * B.T)
    return out


def deep_linear_loss(Ws: Sequence[mp.matrix], X: mp.matrix, Y: mp.matrix):
    P = _prod(list(reversed(Ws)), Ws[-1].rows)
    R = Y - P * X
    return sum(R[i, j] ** 2 for i in range(R.rows) for j in range(R.cols)) / 2


def imbalances(Ws: Sequence[mp.matrix]) -> list[mp.matrix]:
    return [Ws[l + 1].T * Ws[l + 1] - Ws[l] * Ws[l].T for l in range(len(Ws) - 1)]


def frob(M: mp.matrix):
    return mp.sqrt(sum(M[i, j] ** 2 for i in range(M.rows) for j in range(M.cols)))


def deep_linear_gd(Ws, X, Y, eta, steps: int) -> list[list[mp.matrix]]:
    out = [list(Ws)]
    cur = list(Ws)
    for _ in range(steps):
        G = deep_linear_gradients(cur, X, Y)
        cur = [w - eta * g for w, g in zip(cur, G, strict=True)]
        if any(not mp.isfinite(frob(w)) or frob(w) > 1e30 for w in cur):
            raise SimulationDiverged("deep linear GD diverged")
        out.append(cur)
    return out


def _flatten(Ws) -> list:
    return [w[i, j] for w in Ws for i in range(w.rows) for j in range(w.cols)]


def _unflatten(v: list, shapes) -> list[mp.matrix]:
    out, k = [], 0
    for r, c in shapes:
        m = mp.matrix(r, c)
        for i in range(r):
            for j in range(c):
                m[i, j] = v[k]
                k += 1
        out.append(m)
    return out


def deep_linear_gf(Ws, X, Y, t_end, h) -> list[list[mp.matrix]]:
    """RK4 with step h for dW_l/dt = -G_l; returns the weights at every step."""
    shapes = [(w.rows, w.cols) for w in Ws]

    def field(_t, v):
        G = deep_linear_gradients(_unflatten(v, shapes), X, Y)
        return [-x for x in _flatten(G)]

    y = _flatten(Ws)
    out = [list(Ws)]
    n = int(mp.ceil(mp.mpf(t_end) / h))
    for k in range(n):
        y = rk4_step(field, k * h, y, h)
        out.append(_unflatten(y, shapes))
    return out


def mf_flow(U0: mp.matrix, Y: mp.matrix, t_end, h) -> list[mp.matrix]:
    """RK4 for dU/dt = (Y - U U^T) U (GF of 1/4 ||Y - U U^T||_F^2)."""
    d, k = U0.rows, U0.cols
    shapes = [(d, k)]

    def field(_t, v):
        U = _unflatten(v, shapes)[0]
        return _flatten([(Y - U * U.T) * U])

    y = _flatten([U0])
    out = [U0]
    n = int(mp.ceil(mp.mpf(t_end) / h))
    for j in range(n):
        y = rk4_step(field, j * h, y, mp.mpf(t_end) / n)
        out.append(_unflatten(y, shapes)[0])
    return out
