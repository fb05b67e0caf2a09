"""Models as SymPy objects: a loss on explicit coordinates, its GD map and GF field.

A :class:`Model` knows its state symbols, its parameters (target, step size...), its loss,
and a vocabulary of named quantities (e.g. the residual ``eps`` of the shallow linear
network).  The GD map and GF vector field are *derived* from the loss by differentiation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp


@dataclass
class Model:
    """A smooth objective on explicit coordinates.

    ``state``: coordinates moved by GD/GF; ``params``: fixed symbols of the problem
    (not including the step size ``eta``); ``quantities``: named SymPy expressions of
    state and params, documented in ``descriptions``.
    """

    name: str
    state: tuple[sp.Symbol, ...]
    params: tuple[sp.Symbol, ...]
    loss: sp.Expr
    quantities: dict[str, sp.Expr] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    eta: sp.Symbol = field(default_factory=lambda: sp.Symbol("eta", positive=True))

    @cached_property
    def gradient(self) -> tuple[sp.Expr, ...]:
        return tuple(sp.diff(self.loss, x) for x in self.state)

    @cached_property
    def gd_map(self) -> dict[sp.Symbol, sp.Expr]:
        """x -> x - eta * grad L(x), as a substitution."""
        return {x: x - self.eta * g for x, g in zip(self.state, self.gradient, strict=True)}

    @cached_property
    def gf_field(self) -> dict[sp.Symbol, sp.Expr]:
        """dx/dt = -grad L(x)."""
        return {x: -g for x, g in zip(self.state, self.gradient, strict=True)}

    def hessian(self) -> sp.Matrix:
        return sp.hessian(self.loss, self.state)

    def quantity(self, name: str) -> sp.Expr:
        try:
            return self.quantities[name]
        except KeyError:
            raise KeyError(
                f"model {self.name!r} has no quantity {name!r}; known: {sorted(self.quantities)}"
            ) from None

    def after_step(self, expr: sp.Expr) -> sp.Expr:
        """The expression evaluated at the GD iterate x - eta grad L(x)."""
        return sp.sympify(expr).xreplace(self.gd_map)

    def symbols(self) -> dict[str, sp.Symbol]:
        out = {str(s): s for s in (*self.state, *self.params, self.eta)}
        return out


def _vec(prefix: str, d: int) -> tuple[sp.Symbol, ...]:
    return tuple(sp.Symbol(f"{prefix}{i + 1}", real=True) for i in range(d))


def shallow_linear(d: int, phi: sp.Expr | None = None) -> Model:
    """Two-layer scalar linear network L(a, b) = (a.b - Phi)^2 / 2 on R^d x R^d.

    (Beneventano & Woodworth, eq. (2)-(3).)  Quantities: residual ``eps``, scale ``lam``,
    per-neuron imbalances ``Q1..Qd``, signed imbalance sum ``Qsigned``, absolute imbalance
    ``Q`` (sum of |Q_i|, the paper's definition), ``Q2gram`` = lam^2 - 4 (a.b)^2, the
    Lemma-2 quantity ``alpha`` and the product ``ab``.
    """
    if d < 1:
        raise ValueError("dimension d must be >= 1")
    a, b = _vec("a", d), _vec("b", d)
    Phi = sp.Symbol("Phi", real=True) if phi is None else phi
    params = (Phi,) if isinstance(Phi, sp.Symbol) else ()
    ab = sum(x * y for x, y in zip(a, b, strict=True))
    eps = ab - Phi
    lam = sum(x**2 for x in a) + sum(y**2 for y in b)
    Qi = [x**2 - y**2 for x, y in zip(a, b, strict=True)]
    q: dict[str, sp.Expr] = {
        "ab": ab,
        "eps": eps,
        "lam": lam,
        "loss": eps**2 / 2,
        "Q": sum(sp.Abs(x) for x in Qi),
        "Qsigned": sum(Qi),
        "Q2gram": lam**2 - 4 * ab**2,
        "alpha": lam**2 - 8 * eps * (eps + Phi) + 4 * eps**2,
        "norm_a2": sum(x**2 for x in a),
        "norm_b2": sum(y**2 for y in b),
    }
    desc = {
        "ab": "a.b, the network's product",
        "eps": "residual a.b - Phi",
        "lam": "scale ||a||^2 + ||b||^2 (sharpness at a minimum)",
        "loss": "L = eps^2/2",
        "Q": "imbalance sum_i |a_i^2 - b_i^2| (paper's definition)",
        "Qsigned": "signed imbalance sum_i (a_i^2 - b_i^2)",
        "Q2gram": "lam^2 - 4 (a.b)^2 (equals Q^2 only when d = 1)",
        "alpha": "lam^2 - 8 eps (eps + Phi) + 4 eps^2 (Lemma 2)",
        "norm_a2": "||a||^2",
        "norm_b2": "||b||^2",
    }
    for i, expr in enumerate(Qi):
        q[f"Q{i + 1}"] = expr
        desc[f"Q{i + 1}"] = f"per-neuron imbalance a_{i + 1}^2 - b_{i + 1}^2"
    return Model(
        name=f"shallow_linear(d={d})",
        state=(*a, *b),
        params=params,
        loss=eps**2 / 2,
        quantities=q,
        descriptions=desc,
    )


def vectors(model: Model, d: int) -> tuple[Sequence[sp.Symbol], Sequence[sp.Symbol]]:
    """Split a shallow-linear state into (a, b)."""
    return model.state[:d], model.state[d:]


@dataclass(frozen=True)
class ReducedShallowLinear:
    """The autonomous (eps, lam) recursion of the shallow linear network, eqs. (6)-(7).

    This is the reduction the suite *derives* (see :func:`symbolic.derive.express_in`) and
    proves equal to the component-wise GD map in :mod:`theorems.bw`; it is valid in every d.
    """

    eps: sp.Symbol = sp.Symbol("epsilon", real=True)
    lam: sp.Symbol = sp.Symbol("lambda", nonnegative=True)
    Phi: sp.Symbol = sp.Symbol("Phi", real=True)
    eta: sp.Symbol = sp.Symbol("eta", positive=True)

    @property
    def eps_next(self) -> sp.Expr:
        e, l, P, h = self.eps, self.lam, self.Phi, self.eta
        return e * (1 - h * l + h**2 * e * (e + P))

    @property
    def lam_next(self) -> sp.Expr:
        e, l, P, h = self.eps, self.lam, self.Phi, self.eta
        return (1 + h**2 * e**2) * l - 4 * h * e * (e + P)

    def step(self, expr: sp.Expr) -> sp.Expr:
        return sp.sympify(expr).xreplace({self.eps: self.eps_next, self.lam: self.lam_next})
