"""The mean model of Ahn et al. (Sec. 3, eqs. (5)-(6), App. D-E) in SymPy.

* the smoothed ReLU ``g(b) = E_{z~N(0,1)} ReLU(z+b)`` (Lemma 2): its defining integral and the
  closed form ``b Phi(b) + phi(b)``;
* the losses ``ell_logi``, ``ell_sym`` (``ell_sym'(s) = tanh(s/2)/2``);
* :class:`MeanModel`: the "rescaled GD" map (5) and the GF field (6) on (A, b), derived by
  differentiating ``L(A, b) = ell(A g(b))`` (the A-step is multiplied by ``2 d^2``), with an
  abstract ``g`` (a SymPy Function) or the closed form;
* the Lemma-3 quantity ``A^2/2 - 2 d^2 kappa(b)``, ``kappa(b) = int_0^b g/g'``;
* the network-level objective ``(a-, a+, b) -> ell_sym(d (a- + a+) g(b))`` of Sec. 3.1.

Nothing here decides anything; it builds the formulas that ``theorems.engines`` compares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp

A = sp.Symbol("A", real=True)
b = sp.Symbol("b", real=True)
s = sp.Symbol("s", real=True)
z = sp.Symbol("z", real=True)
u = sp.Symbol("u", real=True)
d = sp.Symbol("d", positive=True)
eta = sp.Symbol("eta", positive=True)
a_minus = sp.Symbol("a_m", real=True)
a_plus = sp.Symbol("a_p", real=True)
y = sp.Symbol("y", real=True)


def phi(x: sp.Expr) -> sp.Expr:
    """Standard normal density."""
    return sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)


def Phi(x: sp.Expr) -> sp.Expr:  # noqa: N802 - the paper's notation
    """Standard normal CDF, written with erf (ball-evaluable)."""
    return (1 + sp.erf(x / sp.sqrt(2))) / 2


def g_closed(x: sp.Expr) -> sp.Expr:
    """Lemma 2: g(b) = phi(b) + b Phi(b)."""
    return phi(x) + x * Phi(x)


def g_defining_integral(x: sp.Expr = b) -> sp.Integral:
    """E ReLU(z + b) = int_{-b}^oo (z + b) phi(z) dz (unevaluated)."""
    return sp.Integral((z + x) * phi(z), (z, -x, sp.oo))


def g_by_sympy_integration(x: sp.Expr = b) -> sp.Expr:
    """SymPy's own evaluation of the defining integral (erfc rewritten through erf)."""
    val = sp.integrate((z + x) * phi(z), (z, -x, sp.oo))
    return sp.simplify(val.rewrite(sp.erf))


def ell_logi(x: sp.Expr) -> sp.Expr:
    return sp.log(1 + sp.exp(-x))


def ell_sym(x: sp.Expr) -> sp.Expr:
    """Symmetrised logistic loss (1/2) log(1+e^{-s}) + (1/2) log(1+e^{s})."""
    return (sp.log(1 + sp.exp(-x)) + sp.log(1 + sp.exp(x))) / 2


def ell_sym_prime_tanh(x: sp.Expr) -> sp.Expr:
    """The closed form used throughout: ell_sym'(s) = tanh(s/2)/2."""
    return sp.tanh(x / 2) / 2


G = sp.Function("g")  # abstract smoothed ReLU, for derivations that only use its shape
ELLP = sp.Function("ellp")  # abstract ell'


@dataclass
class MeanModel:
    """GD (5) and GF (6) on (A, b) for L(A, b) = ell(A g(b)), A-step scaled by 2 d^2.

    ``g`` and ``ell`` are callables on SymPy expressions; defaults: closed-form g of Lemma 2
    and ell_sym.  ``gd_map`` and ``gf_field`` are derived by differentiation, never typed in.
    """

    g: Callable[[sp.Expr], sp.Expr] = g_closed
    ell: Callable[[sp.Expr], sp.Expr] = ell_sym
    state: tuple[sp.Symbol, sp.Symbol] = (A, b)
    scales: dict[sp.Symbol, sp.Expr] = field(default_factory=lambda: {A: 2 * d**2, b: sp.Integer(1)})

    @cached_property
    def loss(self) -> sp.Expr:
        return self.ell(A * self.g(b))

    @cached_property
    def gradient(self) -> dict[sp.Symbol, sp.Expr]:
        return {x: sp.diff(self.loss, x) for x in self.state}

    @cached_property
    def gd_map(self) -> dict[sp.Symbol, sp.Expr]:
        """(A, b) -> (A - 2 d^2 eta dL/dA, b - eta dL/db)."""
        return {x: x - eta * self.scales[x] * self.gradient[x] for x in self.state}

    @cached_property
    def gf_field(self) -> dict[sp.Symbol, sp.Expr]:
        return {x: -self.scales[x] * self.gradient[x] for x in self.state}

    def after_step(self, expr: sp.Expr) -> sp.Expr:
        return sp.sympify(expr).xreplace(self.gd_map)

    def time_derivative(self, q: sp.Expr) -> sp.Expr:
        """d/dt q(A(t), b(t)) along (6), by the chain rule (as symbolic.derive.time_derivative)."""
        q = sp.sympify(q)
        return sp.expand(sum(sp.diff(q, x) * v for x, v in self.gf_field.items()))


def kappa(x: sp.Expr, g: Callable[[sp.Expr], sp.Expr] = g_closed,
          gprime: Callable[[sp.Expr], sp.Expr] | None = None) -> sp.Integral:
    """kappa(b) = int_0^b g/g' (unevaluated; SymPy differentiates it by Leibniz' rule)."""
    gp = gprime if gprime is not None else (lambda t: sp.diff(g(u), u).xreplace({u: t}))
    return sp.Integral(g(u) / gp(u), (u, 0, x))


def lemma3_quantity(coeff: sp.Expr = 2, g: Callable[[sp.Expr], sp.Expr] = g_closed) -> sp.Expr:
    """(1/2) A^2 - coeff d^2 kappa(b); the paper's Lemma 3 has coeff = 2."""
    return A**2 / 2 - coeff * d**2 * kappa(b, g, gprime=Phi if g is g_closed else None)


def network_mean_objective(g: Callable[[sp.Expr], sp.Expr] = g_closed,
                           ell: Callable[[sp.Expr], sp.Expr] = ell_sym) -> sp.Expr:
    """(a-, a+, b) -> ell(d (a- + a+) g(b)) (Sec. 3.1 display)."""
    return ell(d * (a_minus + a_plus) * g(b))


def network_gd_in_A(g: Callable[[sp.Expr], sp.Expr] = g_closed,
                    ell: Callable[[sp.Expr], sp.Expr] = ell_sym) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Plain GD on the network objective; returns (A_next, b_next, A) written in (a-, a+, b)."""
    L = network_mean_objective(g, ell)
    am = a_minus - eta * sp.diff(L, a_minus)
    ap = a_plus - eta * sp.diff(L, a_plus)
    bn = b - eta * sp.diff(L, b)
    return d * (am + ap), bn, d * (a_minus + a_plus)


def linear_factor(ell: Callable[[sp.Expr], sp.Expr] = ell_sym) -> sp.Expr:
    """d A_{t+1} / d A_t at A_t = 0 for the map (5), with g(b) abstract: 1 - 2 d^2 eta ell''(0) g^2."""
    m = MeanModel(g=G, ell=ell)
    return sp.simplify(sp.diff(m.gd_map[A], A).subs(A, 0).doit())
