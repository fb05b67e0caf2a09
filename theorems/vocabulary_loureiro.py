"""Conjecture vocabulary for the least-squares and diagonal-linear-network models (Loureiro's
notes, Sections 2-3), registered in :func:`theorems.vocabulary._specs`.

Both models use one data point (x, y) with x in R^d, so that every quantity is an explicit
expression of scalars a conjecture can sample (the general n-sample models live in
:mod:`symbolic.least_squares` and :mod:`symbolic.diagonal_network`):

* ``least_squares``: R(theta) = (y - <x, theta>)^2 / 2, GD theta+ = theta + eta r x.
* ``diagonal_network``: L(u, v) = (y - <x, u*v>)^2 / 2, GD u+ = u - eta v*g, v+ = v - eta u*g
  with g = grad R(u*v) = -r x; conserved under GF: I_i = (u_i^2 - v_i^2)/2.
"""

from __future__ import annotations

import sympy as sp

from symbolic import diagonal_network as dn
from symbolic import least_squares as ls
from symbolic.models import Model

from .vocabulary import Instance, ModelSpec, Term


def _data(d: int) -> tuple[sp.Matrix, sp.Symbol]:
    x = sp.Matrix([[sp.Symbol(f"x{i + 1}", real=True) for i in range(d)]])
    return x, sp.Symbol("y", real=True)


# ------------------------------------------------------------------ least squares


def _ls_instance(d: int) -> Instance:
    X, y = _data(d)
    th = ls.symbolic_vector(d, "theta")
    r = y - (X * th)[0, 0]
    xx = (X * X.T)[0, 0]
    loss = ls.risk(X, sp.Matrix([y]), th)
    m = Model(name=f"least_squares(n=1, d={d})", state=tuple(th), params=(*X, y), loss=loss)
    values = {
        "loss": loss,
        "r": r,
        "norm2": (th.T * th)[0, 0],
        "xnorm2": xx,
        "kernorm2": (th.T * th)[0, 0] - (X * th)[0, 0] ** 2 / xx,
        "y": y,
        "eta": m.eta,
    }
    if d == 1:
        values["theta"], values["x"] = th[0], X[0]
    indexed = {"theta_i": tuple(th), "x_i": tuple(X), "g_i": tuple(-r * X[i] for i in range(d))}
    return Instance(d, m, (*th, *X, y, m.eta), tuple(th), values, indexed,
                    standing=[xx > 0], cumulative={}, positive_inputs=frozenset({m.eta}))


def _ls_terms() -> dict[str, Term]:
    terms = [
        Term("loss", "R = (y - <x, theta>)^2 / 2", "state"),
        Term("r", "residual y - <x, theta>", "state"),
        Term("norm2", "||theta||^2", "state"),
        Term("kernorm2", "||P_ker theta||^2 = ||theta||^2 - <x, theta>^2/||x||^2 (component orthogonal to x)", "state"),
        Term("theta", "the parameter (only when d = 1; else theta_i)", "state", d1_only=True),
        Term("theta_i", "component i of theta", "state", indexed=True),
        Term("g_i", "gradient component -r x_i", "state", indexed=True),
        Term("x", "the input (only when d = 1; else x_i)", "param", d1_only=True),
        Term("x_i", "input component i", "param", indexed=True),
        Term("xnorm2", "||x||^2 (> 0)", "param"),
        Term("y", "label", "param"),
        Term("eta", "step size, eta > 0", "param"),
        Term("d", "dimension", "param"),
    ]
    return {t.name: t for t in terms}


# ------------------------------------------------------------------ diagonal network


def _dln_instance(d: int) -> Instance:
    X, y = _data(d)
    u, v = dn.vec("u", d), dn.vec("v", d)
    th = dn.theta_of(u, v)
    r = y - (X * th)[0, 0]
    loss = dn.loss(X, sp.Matrix([y]), u, v)
    m = Model(name=f"diagonal_network(n=1, d={d})", state=(*u, *v), params=(*X, y), loss=loss)
    I = dn.conserved(u, v)
    values = {"loss": loss, "r": r, "y": y, "eta": m.eta,
              "Isum": sum(I), "theta_dot_x": (X * th)[0, 0]}
    if d == 1:
        values.update({"u": u[0], "v": v[0], "theta": th[0], "I": I[0], "x": X[0]})
    indexed = {"u_i": tuple(u), "v_i": tuple(v), "theta_i": tuple(th), "I_i": tuple(I), "x_i": tuple(X),
               "g_i": tuple(-r * X[i] for i in range(d))}
    return Instance(d, m, (*u, *v, *X, y, m.eta), (*u, *v), values, indexed, standing=[], cumulative={},
                    positive_inputs=frozenset({m.eta}))


def _dln_terms() -> dict[str, Term]:
    terms = [
        Term("loss", "L = (y - <x, u*v>)^2 / 2", "state"),
        Term("r", "residual y - <x, u*v>", "state"),
        Term("Isum", "sum_i I_i", "state"),
        Term("theta_dot_x", "<x, u*v> (the prediction)", "state"),
        Term("u", "first layer (only when d = 1)", "state", d1_only=True),
        Term("v", "second layer (only when d = 1)", "state", d1_only=True),
        Term("theta", "u v (only when d = 1)", "state", d1_only=True),
        Term("I", "(u^2 - v^2)/2 (only when d = 1)", "state", d1_only=True),
        Term("u_i", "component i of u", "state", indexed=True),
        Term("v_i", "component i of v", "state", indexed=True),
        Term("theta_i", "theta_i = u_i v_i", "state", indexed=True),
        Term("I_i", "conserved quantity (u_i^2 - v_i^2)/2 of the gradient flow", "state", indexed=True),
        Term("g_i", "(grad R)_i at theta = u*v, i.e. -r x_i", "state", indexed=True),
        Term("x", "the input (only when d = 1)", "param", d1_only=True),
        Term("x_i", "input component i", "param", indexed=True),
        Term("y", "label", "param"),
        Term("eta", "step size, eta > 0", "param"),
        Term("d", "dimension", "param"),
    ]
    return {t.name: t for t in terms}


def specs() -> list[ModelSpec]:
    return [
        ModelSpec("least_squares",
                  "least squares with one sample, R(theta) = (y - <x, theta>)^2 / 2 on R^d (Loureiro, Sec. 2)",
                  True, _ls_terms, "x != 0, eta > 0", _ls_instance,
                  notes="GD: theta+ = theta + eta r x; the component of theta orthogonal to x (kernorm2) never moves."),
        ModelSpec("diagonal_network",
                  "diagonal linear network, L(u, v) = (y - <x, u*v>)^2 / 2 on R^d x R^d (Loureiro, Sec. 3)",
                  True, _dln_terms, "eta > 0", _dln_instance,
                  notes="GD: u+ = u - eta v*g, v+ = v - eta u*g, g = -r x; under GD I_i+ = (1 - eta^2 g_i^2) I_i."),
    ]
