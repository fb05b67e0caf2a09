"""Further models for conjectures, built from :class:`symbolic.models.Model`.

* :func:`single_neuron` - the single-neuron model f(x, y) = ell(x y) of Ahn et al. (Sec. 2),
  with the symmetrised logistic loss ell_sym(s) = log(1+e^-s)/2 + log(1+e^s)/2
  (ell_sym'(s) = tanh(s/2)/2, ell_sym''(0) = 1/4).
* :func:`diagonal_quadratic` - L(x) = sum_i h_i x_i^2 / 2 with curvatures h_i > 0, the model
  behind every "eta < 2/sharpness" statement.

Like :mod:`symbolic.models`, this module never imports ``theorems``.
"""

from __future__ import annotations

import sympy as sp

from .models import Model


def ell_sym(s: sp.Expr) -> sp.Expr:
    """Symmetrised logistic loss ell_sym(s) = log(1+e^-s)/2 + log(1+e^s)/2
    = log(2 cosh(s/2))."""
    return (sp.log(1 + sp.exp(-s)) + sp.log(1 + sp.exp(s))) / 2


class EllSym(sp.Function):
    """ell_sym as an opaque SymPy function whose derivative is exactly tanh(s/2)/2, so that
    the GD map derived by differentiation is written with tanh (and identities cancel)."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return ell_sym_prime(self.args[0])

    def _eval_rewrite_as_log(self, s: sp.Expr, **kwargs) -> sp.Expr:
        return sp.log(2 * sp.cosh(s / 2))


def ell_sym_prime(s: sp.Expr) -> sp.Expr:
    """ell_sym'(s) = tanh(s/2)/2 (checked against the derivative in the tests)."""
    return sp.tanh(s / 2) / 2


def single_neuron() -> Model:
    """f(x, y) = ell_sym(x y) on R^2.

    The model's ``loss`` is :class:`EllSym` (x y), so that the derived gradient is exactly
    ``tanh(xy/2)/2 * (y, x)``; the quantity ``f`` is the explicit log(2 cosh(xy/2)).
    """
    x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
    s = x * y
    g = ell_sym_prime(s)
    loss = EllSym(s)
    q: dict[str, sp.Expr] = {
        "x": x,
        "y": y,
        "s": s,
        "D": y**2 - x**2,
        "gp": g,
        "r": g / s,
        "f": sp.log(2 * sp.cosh(s / 2)),
        "norm2": x**2 + y**2,
    }
    desc = {
        "x": "first weight",
        "y": "second weight",
        "s": "product s = x y",
        "D": "imbalance D = y^2 - x^2",
        "gp": "ell'(s) = tanh(s/2)/2",
        "r": "r = ell'(s)/s (undefined at s = 0)",
        "f": "loss f = ell_sym(x y) = log cosh(xy/2) + log 2",
        "norm2": "x^2 + y^2",
    }
    return Model(name="single_neuron(ell_sym)", state=(x, y), params=(), loss=loss,
                 quantities=q, descriptions=desc)


def diagonal_quadratic(d: int) -> Model:
    """L(x) = sum_i h_i x_i^2 / 2 on R^d, curvatures h_i > 0 (parameters)."""
    if d < 1:
        raise ValueError("dimension d must be >= 1")
    xs = tuple(sp.Symbol(f"x{i + 1}", real=True) for i in range(d))
    hs = tuple(sp.Symbol(f"h{i + 1}", positive=True) for i in range(d))
    loss = sum(h * x**2 for h, x in zip(hs, xs, strict=True)) / 2
    q: dict[str, sp.Expr] = {
        "loss": loss,
        "gnorm2": sum(h**2 * x**2 for h, x in zip(hs, xs, strict=True)),
        "xnorm2": sum(x**2 for x in xs),
        "hmax": sp.Max(*hs) if d > 1 else hs[0],
        "hmin": sp.Min(*hs) if d > 1 else hs[0],
    }
    desc = {
        "loss": "L = sum_i h_i x_i^2 / 2",
        "gnorm2": "||grad L||^2 = sum_i h_i^2 x_i^2",
        "xnorm2": "||x||^2",
        "hmax": "largest curvature (the sharpness)",
        "hmin": "smallest curvature",
    }
    for i, (x, h) in enumerate(zip(xs, hs, strict=True)):
        q[f"x{i + 1}"] = x
        q[f"h{i + 1}"] = h
        desc[f"x{i + 1}"] = f"coordinate {i + 1}"
        desc[f"h{i + 1}"] = f"curvature {i + 1}"
    return Model(name=f"diagonal_quadratic(d={d})", state=xs, params=hs, loss=loss,
                 quantities=q, descriptions=desc)
