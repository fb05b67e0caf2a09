"""Symmetric matrix factorisation L(U) = 1/4 ||Y - U U^T||_F^2 and its spectral dynamics.

Under the spectral initialisation ``U(0) = alpha^{1/2} Phi Sigma_0^{1/2}`` the product
``W = U U^T`` stays diagonal in the eigenbasis ``Phi`` of ``Y`` and each eigenvalue
``s`` of ``W`` follows the scalar logistic ODE ``ds/dt = 2 (sigma - s) s`` (``sigma`` the
eigenvalue of ``Y``).  This module holds the matrix model (gradient, flow of ``W``, rotated
flow) and the scalar closed forms (the survey's eq. (28), transition times eq. (29)).
"""

from __future__ import annotations

import sympy as sp

t = sp.Symbol("t", nonnegative=True)
alpha = sp.Symbol("alpha", positive=True)
sigma = sp.Symbol("sigma", positive=True)  # eigenvalue of Y
s0 = sp.Symbol("sigma_0", positive=True)  # shape entry sigma_{i,0}
c = sp.Symbol("c", positive=True)
s = sp.Symbol("s", nonnegative=True)  # eigenvalue of W


def sym_matrix(name: str, d: int) -> sp.Matrix:
    return sp.Matrix(d, d, lambda i, j: sp.Symbol(f"{name}_{min(i, j) + 1}{max(i, j) + 1}", real=True))


def mat(name: str, rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True))


def loss(U: sp.Matrix, Y: sp.Matrix) -> sp.Expr:
    R = Y - U * U.T
    return sp.Rational(1, 4) * sum(r**2 for r in R)


def neg_gradient(U: sp.Matrix, Y: sp.Matrix) -> sp.Matrix:
    """-dL/dU by entrywise differentiation."""
    L = loss(U, Y)
    return U.applyfunc(lambda x: -sp.diff(L, x))


def w_flow_from_u(U: sp.Matrix, Y: sp.Matrix) -> sp.Matrix:
    """dW/dt for W = U U^T under dU/dt = (Y - U U^T) U (product rule, exact)."""
    Ud = (Y - U * U.T) * U
    return Ud * U.T + U * Ud.T


def w_flow_printed(W: sp.Matrix, Y: sp.Matrix) -> sp.Matrix:
    """Eq. (26): (Y - W) W + W (Y - W)."""
    return (Y - W) * W + W * (Y - W)


# ------------------------------------------------------------------ scalar spectral dynamics


def scalar_field(expr_s: sp.Expr = s, sig: sp.Expr = sigma) -> sp.Expr:
    """ds/dt for one eigenvalue of W (eq. (27) restricted to the diagonal)."""
    return 2 * (sig - expr_s) * expr_s


def closed_form(sig: sp.Expr = sigma) -> sp.Expr:
    """Eq. (28), sigma != 0 branch: alpha sigma s0 e^{2 sigma t} / (sigma + alpha s0 (e^{2 sigma t} - 1))."""
    e = sp.exp(2 * sig * t)
    return alpha * sig * s0 * e / (sig + alpha * s0 * (e - 1))


def closed_form_zero() -> sp.Expr:
    """Eq. (28), sigma = 0 branch: alpha s0 / (1 + 2 alpha s0 t)."""
    return alpha * s0 / (1 + 2 * alpha * s0 * t)


def transition_time(level: sp.Expr, sig: sp.Expr = sigma) -> sp.Expr:
    """t = log(level / alpha) / (2 sigma), the evaluation time of eq. (29)."""
    return sp.log(level / alpha) / (2 * sig)


def value_at_transition(level: sp.Expr) -> sp.Expr:
    """Eq. (28) evaluated at t = log(level/alpha)/(2 sigma), simplified."""
    return sp.simplify(closed_form().xreplace({t: transition_time(level)}))


def numeric_closed_form(sig, shape, a, time):
    """Eq. (28) in mpmath (both branches); arguments are mpf."""
    import mpmath as mp

    if sig == 0:
        return a * shape / (1 + 2 * a * shape * time)
    e = mp.exp(2 * sig * time)
    return a * sig * shape * e / (sig + a * shape * (e - 1))
