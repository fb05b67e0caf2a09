"""Mirror-flow machinery for a potential psi given as a SymPy expression (exact).

A :class:`Potential` is an expression ``psi`` in coordinate symbols ``theta``; its gradient
and Hessian are *derived* by SymPy.  Never imports ``theorems``.

* :meth:`Potential.grad`, :meth:`Potential.hess` - derived; :meth:`Potential.at` evaluates
  psi (or any expression of theta) at a point.
* :func:`bregman` - the textbook convention
  D(a, b) = psi(a) - psi(b) - <grad psi(b), a - b>   (>= 0 for convex psi, = ||a-b||^2/2
  for psi = ||.||^2/2);
  :func:`bregman_gradient_at_first` - the swapped convention with the gradient at the first
  argument, psi(a) - psi(b) - <grad psi(a), a - b> (= -D(b, a); this is how Loureiro's
  notes print (3.24)).
* :func:`mirror_flow_residual` - Hess psi(theta) . dtheta/dt + grad L(theta): zero iff a flow
  dtheta/dt is the mirror flow d/dt grad psi(theta) = -grad L(theta).
* :func:`three_point_residual` - D(c, a) - D(c, b) - D(b, a) - <grad psi(b) - grad psi(a), c - b>
  for a given divergence function (zero for the textbook convention).
* :func:`hyperbolic_entropy` - the potential phi_I(theta) = (1/2) sum_j (theta_j asinh(theta_j/I_j)
  - sqrt(theta_j^2 + I_j^2) + I_j) of diagonal linear networks (Loureiro (3.21); Woodworth et
  al. 2020 with I = alpha^2); :func:`squared_norm_potential` psi = ||theta||^2 / 2.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import sympy as sp


@dataclass(frozen=True)
class Potential:
    """psi(theta) as a SymPy expression in the symbols ``theta``."""

    expr: sp.Expr
    theta: tuple[sp.Symbol, ...]

    @cached_property
    def grad(self) -> sp.Matrix:
        return sp.Matrix([sp.diff(self.expr, t) for t in self.theta])

    @cached_property
    def hess(self) -> sp.Matrix:
        return sp.hessian(self.expr, self.theta)

    def at(self, point: Sequence[sp.Expr] | sp.Matrix, expr: sp.Expr | sp.Matrix | None = None):
        """psi (or ``expr``) with theta replaced by ``point`` (simultaneous substitution)."""
        e = self.expr if expr is None else expr
        return e.xreplace(dict(zip(self.theta, list(point), strict=True)))

    def grad_at(self, point) -> sp.Matrix:
        return self.at(point, self.grad)


def bregman(psi: Potential, a, b) -> sp.Expr:
    """Textbook D_psi(a, b) = psi(a) - psi(b) - <grad psi(b), a - b>."""
    a, b = sp.Matrix(list(a)), sp.Matrix(list(b))
    return psi.at(a) - psi.at(b) - (psi.grad_at(b).T * (a - b))[0, 0]


def bregman_gradient_at_first(psi: Potential, a, b) -> sp.Expr:
    """Swapped convention psi(a) - psi(b) - <grad psi(a), a - b>  (= -D_psi(b, a))."""
    a, b = sp.Matrix(list(a)), sp.Matrix(list(b))
    return psi.at(a) - psi.at(b) - (psi.grad_at(a).T * (a - b))[0, 0]


def mirror_flow_residual(psi: Potential, velocity: sp.Matrix, grad_loss: sp.Matrix) -> sp.Matrix:
    """Hess psi(theta) . velocity + grad L(theta) (expressions in psi.theta)."""
    return psi.hess * velocity + grad_loss


def three_point_residual(divergence: Callable[[Potential, object, object], sp.Expr], psi: Potential,
                         c, b, a) -> sp.Expr:
    """D(c, a) - D(c, b) - D(b, a) - <grad psi(b) - grad psi(a), c - b> for the divergence
    ``divergence`` (:func:`bregman` or :func:`bregman_gradient_at_first`)."""
    c_, b_ = sp.Matrix(list(c)), sp.Matrix(list(b))
    inner = ((psi.grad_at(b) - psi.grad_at(a)).T * (c_ - b_))[0, 0]
    return divergence(psi, c, a) - divergence(psi, c, b) - divergence(psi, b, a) - inner


def hyperbolic_entropy_expr(theta: Sequence[sp.Expr], I: Sequence[sp.Expr]) -> sp.Expr:
    """(1/2) sum_j (theta_j asinh(theta_j / I_j) - sqrt(theta_j^2 + I_j^2) + I_j)."""
    return sum(t * sp.asinh(t / i) - sp.sqrt(t**2 + i**2) + i for t, i in zip(theta, I, strict=True)) / 2


def hyperbolic_entropy(d: int, I: Sequence[sp.Expr] | None = None, name: str = "theta") -> Potential:
    """phi_I on R^d; ``I`` defaults to positive symbols I1..Id."""
    theta = tuple(sp.Symbol(f"{name}{j + 1}", real=True) for j in range(d))
    if I is None:
        I = tuple(sp.Symbol(f"I{j + 1}", positive=True) for j in range(d))
    return Potential(hyperbolic_entropy_expr(theta, I), theta)


def squared_norm_potential(d: int, name: str = "theta") -> Potential:
    """psi(theta) = ||theta||^2 / 2."""
    theta = tuple(sp.Symbol(f"{name}{j + 1}", real=True) for j in range(d))
    return Potential(sum(t**2 for t in theta) / 2, theta)


def substitute(expr, mapping: Mapping[sp.Symbol, sp.Expr]):
    return expr.xreplace(dict(mapping))
