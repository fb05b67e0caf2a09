"""Least squares at high precision (mpmath) and by independent float solvers.

Matrices are ``mp.matrix``; build them from exact inputs (Fractions) with :func:`matrix` /
:func:`vector` so that a computation can be repeated at any precision from the same data.
Never imports ``theorems``.

* :func:`svd_full` - X = U D V^T with U (n x n), V (d x d) orthogonal and the singular values
  sorted non-increasingly (sigma_j = 0 for j > min(n, d)), the notes' convention.
* :func:`pinv`, :func:`row_projector`, :func:`kernel_projector`, :func:`min_norm_solution`
  (X^+ y), :func:`gd_limit` (P_ker theta_0 + X^+ y) - via the SVD (rank decided by a
  relative threshold 10^(-dps/2)).
* :func:`gf_eigen` - the GF solution theta_inf + Q exp(-t Lambda) Q^T (theta_0 - theta_inf)
  with Sigma = X^T X / n = Q Lambda Q^T (``eigsy``).
* :func:`gf_expm` - the GF solution by the matrix exponential of the augmented linear system
  d/dt [theta; 1] = [[-Sigma, X^T y/n], [0, 0]] [theta; 1] (no eigen-decomposition, no
  formula for the limit): an independent reference.
* :func:`gf_odefun` - the GF by mpmath's Taylor integrator (small d, moderate t).
* :func:`gd_iterates` - GD by iteration; :func:`smallest_nonzero_eig`, :func:`largest_eig`.
* :func:`projection_cvxpy` - argmin {||theta - theta_0||^2 : X theta = y} by cvxpy (float64),
  an independent solver of the projection problem.
* :func:`norm`, :func:`dot`, :func:`to_list`.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import mpmath as mp
import numpy as np

from .precision import mpf_of


def matrix(rows: Sequence[Sequence[Fraction | int | float]]) -> mp.matrix:
    """An mp.matrix from nested rows (exact Fractions converted at the current precision)."""
    return mp.matrix([[_mpf(x) for x in row] for row in rows])


def vector(xs: Sequence[Fraction | int | float]) -> mp.matrix:
    """An mp column vector."""
    return mp.matrix([_mpf(x) for x in xs])


def _mpf(x: object) -> mp.mpf:
    if isinstance(x, Fraction | int):
        return mpf_of(x)
    return mp.mpf(x)


def to_list(v: mp.matrix) -> list[mp.mpf]:
    return [v[i] for i in range(v.rows)]


def norm(v: mp.matrix) -> mp.mpf:
    return mp.sqrt(sum(v[i] ** 2 for i in range(v.rows)))


def dot(a: mp.matrix, b: mp.matrix) -> mp.mpf:
    return mp.fsum(a[i] * b[i] for i in range(a.rows))


def svd_full(X: mp.matrix) -> tuple[mp.matrix, list[mp.mpf], mp.matrix]:
    """(U, sigmas, V) with X = U D V^T; U: n x n, V: d x d (columns u_j, v_j); ``sigmas`` has
    length d, non-increasing, with sigma_j = 0 for j > min(n, d)."""
    n, d = X.rows, X.cols
    U, S, Vt = mp.svd_r(X, full_matrices=True, compute_uv=True)
    s = [S[i] for i in range(min(n, d))]
    order = sorted(range(len(s)), key=lambda i: -s[i])
    U2 = U.copy()
    V2 = Vt.T.copy()
    for new, old in enumerate(order):
        for r in range(n):
            U2[r, new] = U[r, old]
        for r in range(d):
            V2[r, new] = Vt[old, r]
    sig = [s[i] for i in order] + [mp.mpf(0)] * (d - len(s))
    return U2, sig, V2


def rank(X: mp.matrix) -> int:
    """Numerical rank: singular values above 10^(-dps/2) times the largest."""
    _, s, _ = svd_full(X)
    tol = (s[0] if s else 0) * mp.mpf(10) ** (-mp.mp.dps // 2)
    return sum(1 for x in s if x > tol)


def pinv(X: mp.matrix) -> mp.matrix:
    """Moore-Penrose pseudo-inverse via the SVD (d x n)."""
    U, s, V = svd_full(X)
    n, d = X.rows, X.cols
    r = rank(X)
    P = mp.zeros(d, n)
    for j in range(r):
        vj = V[:, j]
        uj = U[:, j]
        P += (vj * uj.T) / s[j]
    return P


def row_projector(X: mp.matrix) -> mp.matrix:
    """X^+ X, the orthogonal projector onto range(X^T)."""
    return pinv(X) * X


def kernel_projector(X: mp.matrix) -> mp.matrix:
    """I - X^+ X, the orthogonal projector onto ker X."""
    return mp.eye(X.cols) - row_projector(X)


def min_norm_solution(X: mp.matrix, y: mp.matrix) -> mp.matrix:
    """X^+ y."""
    return pinv(X) * y


def gd_limit(X: mp.matrix, y: mp.matrix, theta0: mp.matrix) -> mp.matrix:
    """P_ker theta_0 + X^+ y."""
    return kernel_projector(X) * theta0 + min_norm_solution(X, y)


def covariance(X: mp.matrix) -> mp.matrix:
    return X.T * X / X.rows


def eigs_covariance(X: mp.matrix) -> tuple[list[mp.mpf], mp.matrix]:
    """Eigenvalues (ascending) and orthonormal eigenvectors of Sigma = X^T X / n."""
    E, Q = mp.eigsy(covariance(X))
    return [E[i] for i in range(E.rows)], Q


def smallest_nonzero_eig(X: mp.matrix) -> mp.mpf:
    """Smallest non-zero eigenvalue of Sigma (= sigma_r^2 / n, r = rank X)."""
    ev, _ = eigs_covariance(X)
    tol = max(ev) * mp.mpf(10) ** (-mp.mp.dps // 2)
    return min(e for e in ev if e > tol)


def largest_eig(X: mp.matrix) -> mp.mpf:
    ev, _ = eigs_covariance(X)
    return max(ev)


def gf_eigen(X: mp.matrix, y: mp.matrix, theta0: mp.matrix, t) -> mp.matrix:
    """GF solution via the eigen-decomposition of Sigma (uses :func:`gd_limit`)."""
    ev, Q = eigs_covariance(X)
    tinf = gd_limit(X, y, theta0)
    c = Q.T * (theta0 - tinf)
    for i in range(len(ev)):
        c[i] *= mp.exp(-ev[i] * t)
    return tinf + Q * c


def gf_expm(X: mp.matrix, y: mp.matrix, theta0: mp.matrix, t) -> mp.matrix:
    """GF solution exp(tA)[theta_0; 1] for the augmented linear system (independent of any
    formula for the limit or the spectrum)."""
    d, n = X.cols, X.rows
    A = mp.zeros(d + 1, d + 1)
    S = covariance(X)
    b = X.T * y / n
    for i in range(d):
        for j in range(d):
            A[i, j] = -S[i, j]
        A[i, d] = b[i]
    z0 = mp.matrix(d + 1, 1)
    for i in range(d):
        z0[i] = theta0[i]
    z0[d] = 1
    z = mp.expm(A * t) * z0
    return mp.matrix([z[i] for i in range(d)])


def gf_odefun(X: mp.matrix, y: mp.matrix, theta0: mp.matrix, times: Sequence) -> list[mp.matrix]:
    """GF by mpmath's Taylor integrator at the given increasing times (small problems)."""
    S = covariance(X)
    b = X.T * y / X.rows
    d = X.cols

    def field(_t, th):
        v = mp.matrix(th)
        g = b - S * v
        return [g[i] for i in range(d)]

    sol = mp.odefun(field, 0, to_list(theta0))
    return [mp.matrix(list(sol(t))) for t in times]


def gd_iterates(X: mp.matrix, y: mp.matrix, theta0: mp.matrix, eta, steps: int,
                record: Sequence[int] | None = None) -> list[mp.matrix]:
    """GD theta_{k+1} = theta_k + eta X^T (y - X theta_k) / n; returns the iterates at the
    steps in ``record`` (default: every step)."""
    n = X.rows
    th = theta0.copy()
    out = []
    want = set(record) if record is not None else None
    if want is None or 0 in want:
        out.append(th.copy())
    for k in range(1, steps + 1):
        th = th + eta * (X.T * (y - X * th)) / n
        if want is None or k in want:
            out.append(th.copy())
    return out


def projection_cvxpy(X: np.ndarray, y: np.ndarray, theta0: np.ndarray) -> np.ndarray:
    """argmin ||theta - theta0||^2 s.t. X theta = y, solved by cvxpy (float64)."""
    import cvxpy as cp

    th = cp.Variable(X.shape[1])
    prob = cp.Problem(cp.Minimize(cp.sum_squares(th - theta0)), [X @ th == y])
    prob.solve(solver=cp.CLARABEL)
    if th.value is None:
        raise ValueError(f"cvxpy failed: {prob.status}")
    return np.asarray(th.value, dtype=float)


def to_numpy(M: mp.matrix) -> np.ndarray:
    return np.array([[float(M[i, j]) for j in range(M.cols)] for i in range(M.rows)])
