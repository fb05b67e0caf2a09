"""Diagonal linear networks theta = u * v (entrywise) on least squares, exactly (SymPy).

The predictor is f(x; u, v) = <u * v, x>; the loss L(u, v) = R(u * v) with R the
least-squares risk ||y - X theta||^2 / (2n) of :mod:`symbolic.least_squares`.  Works with
symbolic or rational X, y.  Vectors are SymPy column matrices.  Never imports ``theorems``.

* :func:`loss` L(u, v); :func:`gradients` (grad_u L, grad_v L) derived by SymPy from L;
  :func:`gf_field` (du/dt, dv/dt) = -(grad_u L, grad_v L); :func:`gd_step` one GD step on
  (u, v) with step eta.
* :func:`conserved` I = (u^2 - v^2) / 2 (entrywise; a vector in R^d).
* :func:`theta_of` u * v; :func:`induced_theta_velocity` d/dt (u * v) along the GF, derived by
  the chain rule from :func:`gf_field` (no formula assumed).
* :func:`w_pm` (w_+, w_-) = ((u + v)/2, (u - v)/2), for which u * v = w_+^2 - w_-^2 and
  I = 2 w_+ * w_- (the other common parametrisation).
* :func:`depth_theta` theta = prod_l w_l (entrywise) for a depth-L diagonal network (cheap
  generalisation; L = 2 is u * v).
* :func:`jacobian` of (u, v) -> u * v (d x 2d), derived by SymPy.
* :func:`model` a :class:`symbolic.models.Model` on state (u, v) for given (X, y), so that
  the generic machinery (GD map, GF field, Hessian) applies.
"""

from __future__ import annotations

import sympy as sp

from . import least_squares as ls
from .models import Model


def vec(name: str, d: int) -> sp.Matrix:
    """Column of real symbols name1..named."""
    return ls.symbolic_vector(d, name)


def theta_of(u: sp.Matrix, v: sp.Matrix) -> sp.Matrix:
    """Entrywise product u * v."""
    return u.multiply_elementwise(v)


def depth_theta(ws: list[sp.Matrix]) -> sp.Matrix:
    """Entrywise product of the layers w_1 * ... * w_L (depth-L diagonal network)."""
    out = ws[0]
    for w in ws[1:]:
        out = out.multiply_elementwise(w)
    return out


def loss(X: sp.Matrix, y: sp.Matrix, u: sp.Matrix, v: sp.Matrix) -> sp.Expr:
    """L(u, v) = ||y - X (u * v)||^2 / (2n)."""
    return ls.risk(X, y, theta_of(u, v))


def gradients(X: sp.Matrix, y: sp.Matrix, u: sp.Matrix, v: sp.Matrix) -> tuple[sp.Matrix, sp.Matrix]:
    """(grad_u L, grad_v L) derived by SymPy (u, v must be symbols)."""
    L = loss(X, y, u, v)
    return sp.Matrix([sp.diff(L, s) for s in u]), sp.Matrix([sp.diff(L, s) for s in v])


def gf_field(X: sp.Matrix, y: sp.Matrix, u: sp.Matrix, v: sp.Matrix) -> tuple[sp.Matrix, sp.Matrix]:
    """(du/dt, dv/dt) = -(grad_u L, grad_v L)."""
    gu, gv = gradients(X, y, u, v)
    return -gu, -gv


def gd_step(X: sp.Matrix, y: sp.Matrix, u: sp.Matrix, v: sp.Matrix, eta: sp.Expr) -> tuple[sp.Matrix, sp.Matrix]:
    """One GD step on (u, v): (u - eta grad_u L, v - eta grad_v L), with the gradient
    written as v * grad R(u * v), u * grad R(u * v) (valid for rational u, v too)."""
    g = ls.gradient_formula(X, y, theta_of(u, v))
    return u - eta * v.multiply_elementwise(g), v - eta * u.multiply_elementwise(g)


def conserved(u: sp.Matrix, v: sp.Matrix) -> sp.Matrix:
    """I = (u^2 - v^2) / 2 entrywise."""
    return (u.multiply_elementwise(u) - v.multiply_elementwise(v)) / 2


def time_derivative(expr: sp.Matrix, X: sp.Matrix, y: sp.Matrix, u: sp.Matrix, v: sp.Matrix) -> sp.Matrix:
    """d/dt of a vector expression of (u, v) along the GF, by the chain rule."""
    du, dv = gf_field(X, y, u, v)
    state = list(u) + list(v)
    vel = list(du) + list(dv)
    return sp.Matrix([sum(sp.diff(e, s) * w for s, w in zip(state, vel, strict=True)) for e in expr])


def induced_theta_velocity(X: sp.Matrix, y: sp.Matrix, u: sp.Matrix, v: sp.Matrix) -> sp.Matrix:
    """d/dt (u * v) along the GF (chain rule)."""
    return time_derivative(theta_of(u, v), X, y, u, v)


def w_pm(u: sp.Matrix, v: sp.Matrix) -> tuple[sp.Matrix, sp.Matrix]:
    """(w_+, w_-) = ((u + v)/2, (u - v)/2)."""
    return (u + v) / 2, (u - v) / 2


def jacobian(u: sp.Matrix, v: sp.Matrix) -> sp.Matrix:
    """Jacobian (d x 2d) of (u, v) -> u * v, derived by SymPy."""
    return theta_of(u, v).jacobian(list(u) + list(v))


def model(X: sp.Matrix, y: sp.Matrix, name: str = "diagonal_network") -> Model:
    """The DLN loss as a :class:`Model` on state (u_1..u_d, v_1..v_d); X, y may be symbolic
    (their free symbols become the model's parameters)."""
    d = X.cols
    u, v = vec("u", d), vec("v", d)
    L = loss(X, y, u, v)
    params = tuple(sorted((X.free_symbols | y.free_symbols), key=str))
    th = theta_of(u, v)
    Ivec = conserved(u, v)
    q: dict[str, sp.Expr] = {"loss": L}
    desc = {"loss": "L(u, v) = ||y - X (u*v)||^2 / (2n)"}
    for j in range(d):
        q[f"theta{j + 1}"] = th[j]
        q[f"I{j + 1}"] = Ivec[j]
        desc[f"theta{j + 1}"] = f"theta_{j + 1} = u_{j + 1} v_{j + 1}"
        desc[f"I{j + 1}"] = f"I_{j + 1} = (u_{j + 1}^2 - v_{j + 1}^2)/2"
    return Model(name=f"{name}(n={X.rows}, d={d})", state=(*u, *v), params=params, loss=L,
                 quantities=q, descriptions=desc)
