"""Library: diagonal-linear-network landscape instances (exact) for Section 3.1.

* :func:`sym` - symbolic X (n x d), y, u, v.
* :func:`critical_point` - an exact critical point of L built from a support S: theta_S the
  least-squares solution restricted to S (exact), u = theta on S, v = 1 on S, zeros off S; with
  ``extra=True`` one coordinate j outside S is set to (u_j, v_j) = (1, 0) (same theta).
* :func:`grad_L`, :func:`hessian_L` - exact gradient and Hessian of L at rational (u, v).
* :func:`in_printed_minimiser_set` - membership of (u, v) in the set printed in (3.8)/(3.12),
  decided coordinate-wise and exactly (see its docstring).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction as F
from functools import lru_cache
from typing import Any

import mpmath as mp
import sympy as sp

from symbolic import diagonal_network as dn
from symbolic import least_squares as ls

from . import lib


def sym(n: int, d: int):
    return ls.symbolic_matrix(n, d), ls.symbolic_vector(n, "y"), dn.vec("u", d), dn.vec("v", d)


@lru_cache(maxsize=1)
def _hessian_template(n: int, d: int):
    X, y, u, v = sym(n, d)
    L = dn.loss(X, y, u, v)
    return X, y, u, v, sp.hessian(L, list(u) + list(v))


def grad_L(D: lib.Design, u: sp.Matrix, v: sp.Matrix) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix]:
    """(grad_u L, grad_v L, g = grad R(u*v)) exactly."""
    g = ls.gradient_formula(D.Xs(), D.ys(), dn.theta_of(u, v))
    return v.multiply_elementwise(g), u.multiply_elementwise(g), g


def hessian_L(D: lib.Design, u: sp.Matrix, v: sp.Matrix) -> sp.Matrix:
    X, y, us, vs, H = _hessian_template(D.n, D.d)
    sub = {**dict(zip(list(X), list(D.Xs()), strict=True)), **dict(zip(list(y), list(D.ys()), strict=True)),
           **dict(zip(list(us), list(u), strict=True)), **dict(zip(list(vs), list(v), strict=True))}
    return H.xreplace(sub)


def critical_point(D: lib.Design, seed: int, extra: bool) -> tuple[sp.Matrix, sp.Matrix, list[int]]:
    rng = random.Random(f"crit:{seed}")
    k = rng.randint(1, D.n)
    S = sorted(rng.sample(range(D.d), k))
    XS = D.Xs().extract(list(range(D.n)), S)
    thS = (XS.T * XS).LUsolve(XS.T * D.ys())
    u, v = sp.zeros(D.d, 1), sp.zeros(D.d, 1)
    for a, j in enumerate(S):
        u[j], v[j] = thS[a], 1
    if extra:
        j = next(j for j in range(D.d) if j not in S)
        u[j] = 1
    return u, v, S


def in_printed_minimiser_set(theta_star: sp.Matrix, u: sp.Matrix, v: sp.Matrix) -> bool:
    """Is (u, v) = (sign(theta*) sqrt|theta*| * b, sqrt|theta*| / b) for some b with non-zero entries?

    Coordinate-wise: if theta*_j != 0, the pair (s sqrt|t| b, sqrt|t| / b) ranges over all (u_j, v_j)
    with u_j v_j = theta*_j as b ranges over R \\ {0} (b = v... solved exactly: b = sqrt|t| / v_j);
    if theta*_j = 0 the pair is (0, 0) for every b.  So membership <=> u*v = theta* and
    (u_j, v_j) = (0, 0) wherever theta*_j = 0."""
    for t, a, b in zip(theta_star, u, v, strict=True):
        if t != 0:
            if a * b != t:
                return False
        elif a != 0 or b != 0:
            return False
    return True


def minimiser_instance(inst: Mapping[str, Any]) -> tuple[lib.Design, sp.Matrix, sp.Matrix, sp.Matrix]:
    """A global minimiser (u, v) of L (L = 0) whose image theta* has theta*_d = 0 while u_d = 1:
    case 0 is the catalogue's instance X = [1, 0], y = 1, (u, v) = ((1, 1), (1, 0))."""
    case = int(inst["case"])
    if case == 0:
        D = lib.Design(((F(1), F(0)),), (F(1),), (F(0), F(0)))
        return D, sp.Matrix([1, 0]), sp.Matrix([1, 1]), sp.Matrix([1, 0])
    n, d = ((1, 2), (2, 3), (3, 6), (2, 5))[case % 4]
    D = lib.make_design(n, d, case)
    X = D.Xs()
    Xr = X[:, : d - 1]  # solve with theta_d = 0
    sol, params = Xr.gauss_jordan_solve(D.ys())
    rng = random.Random(case)
    th = sol.xreplace({p: sp.Rational(rng.randint(1, 9), rng.randint(1, 4)) for p in params})
    theta = th.col_join(sp.Matrix([0]))
    u = sp.Matrix([theta[j] if j < d - 1 else 1 for j in range(d)])
    v = sp.Matrix([1 if j < d - 1 else 0 for j in range(d)])
    return D, theta, u, v


def indefinite_slack(H: sp.Matrix, dps: int) -> mp.mpf:
    """min(-lambda_min, lambda_max) of a symmetric exact matrix (mpmath eigsy): > 0 iff indefinite."""
    M = mp.matrix([[lib.mpf_exact(H[i, j]) for j in range(H.cols)] for i in range(H.rows)])
    ev = mp.eigsy(M, eigvals_only=True)
    vals = [ev[i] for i in range(H.rows)]
    return min(-min(vals), max(vals))
