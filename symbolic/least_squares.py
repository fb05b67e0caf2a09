"""Least squares with a data matrix X (n x d), exactly, as SymPy matrices.

Everything here works for any n, d (n >= d and n < d) and for rank-deficient X; entries may
be rationals (exact arithmetic) or symbols (identities on generic small matrices).  Vectors
are SymPy column matrices.  This module never imports ``theorems``.

Notation (Loureiro's notes, Sec. 2; Moroshko-style surveys use the same objects):

* risk        R(theta) = ||y - X theta||^2 / (2n)           :func:`risk`
* gradient    grad R = -X^T (y - X theta) / n                :func:`gradient` (derived by SymPy
  from :func:`risk` when theta is symbolic; the closed form is :func:`gradient_formula`)
* covariance  Sigma = X^T X / n (the Hessian of R)           :func:`covariance`
* pseudo-inverse X^+ (Moore-Penrose, exact)                   :func:`pinv`
* projectors  P_row = X^+ X onto range(X^T) = span(x_1..x_n), P_ker = I - X^+ X onto ker X
                                                              :func:`row_projector`, :func:`kernel_projector`
* min-norm interpolator / least-squares solution X^+ y        :func:`min_norm_solution`
  (= X^T (X X^T)^{-1} y for full row rank, = (X^T X)^{-1} X^T y for full column rank;
  :func:`min_norm_interpolator`, :func:`ols` give those two formulas literally)
* kernel basis                                                 :func:`kernel_basis`
* GF/GD limit from theta_0: P_ker theta_0 + X^+ y            :func:`gd_limit`
* projection of theta_0 on {X theta = y} by solving the KKT system
  [[I, X^T], [X, 0]] [theta; lam] = [theta_0; y] directly (an independent characterisation
  of the argmin, not the closed form)                          :func:`projection_by_kkt`
* GD iterates by iteration (exact) and by the closed form
  theta_k = theta_inf + (I - eta Sigma)^k (theta_0 - theta_inf)  :func:`gd_iterates`, :func:`gd_closed_form`
* mini-batch SGD iterates for a given batch sequence (exact)  :func:`sgd_iterates`
* ridge solution (X^T X + n lam I)^{-1} X^T y                 :func:`ridge`
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

import sympy as sp

Mat = sp.Matrix


def as_matrix(rows: Sequence[Sequence[object]] | sp.Matrix) -> sp.Matrix:
    """A SymPy matrix from nested sequences (Fractions become exact Rationals)."""
    if isinstance(rows, sp.MatrixBase):
        return sp.Matrix(rows)
    return sp.Matrix([[_exact(x) for x in row] for row in rows])


def as_vector(xs: Sequence[object] | sp.Matrix) -> sp.Matrix:
    """A SymPy column vector (Fractions become exact Rationals)."""
    if isinstance(xs, sp.MatrixBase):
        return sp.Matrix(xs).reshape(len(xs), 1)
    return sp.Matrix([_exact(x) for x in xs])


def _exact(x: object) -> sp.Expr:
    if isinstance(x, Fraction):
        return sp.Rational(x.numerator, x.denominator)
    return sp.sympify(x)


def symbolic_matrix(n: int, d: int, name: str = "x") -> sp.Matrix:
    """An n x d matrix of distinct real symbols x_{i,j} (row i = sample i)."""
    return sp.Matrix(n, d, lambda i, j: sp.Symbol(f"{name}{i + 1}{j + 1}", real=True))


def symbolic_vector(k: int, name: str) -> sp.Matrix:
    """A column of k real symbols name1..namek."""
    return sp.Matrix([sp.Symbol(f"{name}{i + 1}", real=True) for i in range(k)])


def risk(X: sp.Matrix, y: sp.Matrix, theta: sp.Matrix) -> sp.Expr:
    """Empirical risk ||y - X theta||^2 / (2n), n = number of rows of X."""
    r = y - X * theta
    return (r.T * r)[0, 0] / (2 * X.rows)


def risk_as_sum(X: sp.Matrix, y: sp.Matrix, theta: sp.Matrix) -> sp.Expr:
    """The same risk written as the notes' sum (1/2n) sum_i (y_i - <theta, x_i>)^2."""
    n = X.rows
    return sum((y[i] - (X[i, :] * theta)[0, 0]) ** 2 for i in range(n)) / (2 * n)


def gradient(X: sp.Matrix, y: sp.Matrix, theta: sp.Matrix) -> sp.Matrix:
    """Gradient of :func:`risk` in theta, derived by SymPy (theta must be symbols)."""
    R = risk(X, y, theta)
    return sp.Matrix([sp.diff(R, t) for t in theta])


def gradient_formula(X: sp.Matrix, y: sp.Matrix, theta: sp.Matrix) -> sp.Matrix:
    """The closed form -X^T (y - X theta) / n (valid for any theta, symbolic or exact)."""
    return -X.T * (y - X * theta) / X.rows


def covariance(X: sp.Matrix) -> sp.Matrix:
    """Empirical covariance Sigma = X^T X / n."""
    return X.T * X / X.rows


def pinv(X: sp.Matrix) -> sp.Matrix:
    """Exact Moore-Penrose pseudo-inverse (via full-rank factorisation; any rank).

    For a full-row-rank X this equals X^T (X X^T)^{-1}; for full column rank (X^T X)^{-1} X^T.
    """
    if _is_rational(X):
        fast = _pinv_flint(X)
        if fast is not None:
            return fast
    r = X.rank()
    if r == 0:
        return sp.zeros(X.cols, X.rows)
    if r == X.rows:
        return X.T * (X * X.T).inv()
    if r == X.cols:
        return (X.T * X).inv() * X.T
    # full-rank factorisation X = C F with C = pivot columns of X (n x r), F (r x d)
    _, pivots = X.rref()
    C = X[:, list(pivots)]
    F = (C.T * C).inv() * C.T * X
    return F.T * (F * F.T).inv() * (C.T * C).inv() * C.T


def _is_rational(M: sp.Matrix) -> bool:
    return all(isinstance(x, sp.Rational) for x in M)


def _to_flint(M: sp.Matrix):
    from flint import fmpq, fmpq_mat

    return fmpq_mat(M.rows, M.cols, [fmpq(int(x.p), int(x.q)) for x in M])


def _from_flint(A) -> sp.Matrix:
    return sp.Matrix(A.nrows(), A.ncols(), lambda i, j: sp.Rational(int(A[i, j].p), int(A[i, j].q)))


def _pinv_flint(X: sp.Matrix) -> sp.Matrix | None:
    """Exact pseudo-inverse of a rational matrix of full row or column rank with python-flint
    (fast exact linear algebra); None for rank-deficient X (handled by SymPy)."""
    A = _to_flint(X)
    r = A.rank()
    if r == X.rows:
        return _from_flint(A.transpose() * (A * A.transpose()).inv())
    if r == X.cols:
        return _from_flint((A.transpose() * A).inv() * A.transpose())
    return None


def row_projector(X: sp.Matrix) -> sp.Matrix:
    """Orthogonal projector X^+ X onto range(X^T) = span of the rows x_1..x_n."""
    return pinv(X) * X


def kernel_projector(X: sp.Matrix) -> sp.Matrix:
    """Orthogonal projector I_d - X^+ X onto ker X."""
    return sp.eye(X.cols) - row_projector(X)


def kernel_basis(X: sp.Matrix) -> list[sp.Matrix]:
    """A basis of ker X (SymPy nullspace; exact for rational X)."""
    return X.nullspace()


def min_norm_solution(X: sp.Matrix, y: sp.Matrix) -> sp.Matrix:
    """X^+ y: the minimum-norm least-squares solution (the min-l2 interpolator when X has
    full row rank)."""
    return pinv(X) * y


def min_norm_interpolator(X: sp.Matrix, y: sp.Matrix) -> sp.Matrix:
    """The formula X^T (X X^T)^{-1} y (requires X X^T invertible, i.e. rank n <= d)."""
    G = X * X.T
    if G.det() == 0:
        raise ValueError("X X^T is singular (X does not have full row rank)")
    return X.T * G.inv() * y


def ols(X: sp.Matrix, y: sp.Matrix) -> sp.Matrix:
    """The formula (X^T X)^{-1} X^T y (requires rank d <= n)."""
    G = X.T * X
    if G.det() == 0:
        raise ValueError("X^T X is singular (X does not have full column rank)")
    return G.inv() * X.T * y


def ridge(X: sp.Matrix, y: sp.Matrix, lam: sp.Expr) -> sp.Matrix:
    """Ridge solution (X^T X + n lam I)^{-1} X^T y, the minimiser of R + lam ||theta||^2/2."""
    return (X.T * X + X.rows * lam * sp.eye(X.cols)).inv() * X.T * y


def gd_limit(X: sp.Matrix, y: sp.Matrix, theta0: sp.Matrix) -> sp.Matrix:
    """P_ker theta_0 + X^+ y: the limit of GF (and of convergent GD/SGD) from theta_0."""
    return kernel_projector(X) * theta0 + min_norm_solution(X, y)


def projection_by_kkt(X: sp.Matrix, y: sp.Matrix, theta0: sp.Matrix) -> sp.Matrix:
    """argmin { ||theta - theta0||^2 : X theta = y }, from the KKT system solved exactly.

    Solves [[I_d, X^T], [X, 0]] [theta; lam] = [theta0; y] by Gauss-Jordan elimination (no
    pseudo-inverse).  Raises ValueError if the constraint set is empty.  When X is rank
    deficient the multiplier is not unique; theta still is (any solution is returned).
    """
    d, n = X.cols, X.rows
    K = sp.zeros(d + n, d + n)
    K[:d, :d] = sp.eye(d)
    K[:d, d:] = X.T
    K[d:, :d] = X
    rhs = theta0.col_join(y)
    try:
        sol, params = K.gauss_jordan_solve(rhs)
    except ValueError as exc:
        raise ValueError("no interpolator: X theta = y has no solution") from exc
    sol = sol.subs({p: 0 for p in params})
    return sol[:d, :]


def gd_step(X: sp.Matrix, y: sp.Matrix, theta: sp.Matrix, eta: sp.Expr) -> sp.Matrix:
    """One GD step theta - eta grad R(theta)."""
    return theta - eta * gradient_formula(X, y, theta)


def gd_iterates(X: sp.Matrix, y: sp.Matrix, theta0: sp.Matrix, eta: sp.Expr, steps: int) -> list[sp.Matrix]:
    """theta_0, ..., theta_steps of GD by iteration (exact for rational inputs)."""
    out = [theta0]
    for _ in range(steps):
        out.append(gd_step(X, y, out[-1], eta))
    return out


def gd_closed_form(X: sp.Matrix, y: sp.Matrix, theta0: sp.Matrix, eta: sp.Expr, k: int) -> sp.Matrix:
    """theta_inf + (I - eta Sigma)^k (theta_0 - theta_inf), theta_inf = :func:`gd_limit`."""
    tinf = gd_limit(X, y, theta0)
    M = sp.eye(X.cols) - eta * covariance(X)
    return tinf + M**k * (theta0 - tinf)


def batch_gradient(X: sp.Matrix, y: sp.Matrix, theta: sp.Matrix, batch: Iterable[int]) -> sp.Matrix:
    """Gradient of R_b(theta) = (1/2b) sum_{i in b} (y_i - <theta, x_i>)^2 (indices 0-based)."""
    idx = list(batch)
    if not idx:
        raise ValueError("empty batch")
    Xb, yb = X.extract(idx, list(range(X.cols))), y.extract(idx, [0])
    return gradient_formula(Xb, yb, theta)


def sgd_iterates(X: sp.Matrix, y: sp.Matrix, theta0: sp.Matrix, batches: Sequence[Sequence[int]],
                 etas: Sequence[sp.Expr] | sp.Expr) -> list[sp.Matrix]:
    """Mini-batch SGD theta_{k+1} = theta_k - eta_k grad R_{b_k}(theta_k) for the given
    batch sequence (exact for rational inputs).  ``etas``: one step size or one per step."""
    out = [theta0]
    for k, b in enumerate(batches):
        eta = etas[k] if isinstance(etas, (list, tuple)) else etas
        out.append(out[-1] - eta * batch_gradient(X, y, out[-1], b))
    return out


def heavy_ball_iterates(X: sp.Matrix, y: sp.Matrix, theta0: sp.Matrix, eta: sp.Expr, beta: sp.Expr,
                        steps: int) -> list[sp.Matrix]:
    """Heavy ball theta_{k+1} = theta_k - eta grad R(theta_k) + beta (theta_k - theta_{k-1}),
    zero initial velocity (theta_{-1} = theta_0)."""
    prev, cur = theta0, theta0
    out = [theta0]
    for _ in range(steps):
        nxt = cur - eta * gradient_formula(X, y, cur) + beta * (cur - prev)
        prev, cur = cur, nxt
        out.append(cur)
    return out


def in_span_of_rows(X: sp.Matrix, v: sp.Matrix) -> bool:
    """Exact test v in span(x_1..x_n): rank [X; v^T] == rank X."""
    return X.col_join(v.T).rank() == X.rank()
