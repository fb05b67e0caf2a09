"""Derivations: one-step change under GD, time derivative along GF, reductions.

These functions produce the *true* formula that the report shows beside a printed one.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import sympy as sp

from .models import Model


def one_step_change(model: Model, quantity: sp.Expr) -> sp.Expr:
    """q(x - eta grad L(x)) - q(x), expanded."""
    return sp.expand(model.after_step(quantity) - quantity)


def time_derivative(model: Model, quantity: sp.Expr) -> sp.Expr:
    """d/dt q(x(t)) along dx/dt = -grad L(x), expanded (chain rule)."""
    q = sp.sympify(quantity)
    return sp.expand(sum(sp.diff(q, x) * v for x, v in model.gf_field.items()))


def express_in(
    expr: sp.Expr,
    invariants: Mapping[sp.Symbol, sp.Expr],
    coordinates: Sequence[sp.Symbol],
    degree: int,
    extra: Sequence[sp.Symbol] = (),
) -> sp.Expr | None:
    """Write a polynomial ``expr`` in the coordinates as a polynomial in ``invariants``.

    Solves for the coefficients of an ansatz: all monomials in the invariant symbols
    (and ``extra`` free symbols such as eta, Phi) of total degree <= ``degree``.
    Returns the polynomial in the invariant symbols, or None if no such expression exists
    (the reduction is then not valid, which is itself informative).
    """
    names = list(invariants) + list(extra)
    monomials = [
        sp.Mul(*(s**k for s, k in zip(names, powers, strict=True)))
        for total in range(degree + 1)
        for powers in _compositions(total, len(names))
    ]
    coeffs = sp.symbols(f"c0:{len(monomials)}")
    ansatz = sum(c * m for c, m in zip(coeffs, monomials, strict=True))
    substituted = sp.expand(ansatz.xreplace(dict(invariants)) - sp.sympify(expr))
    gens = list(coordinates) + list(extra)
    equations = sp.Poly(substituted, *gens).coeffs() if substituted != 0 else []
    solution = sp.solve(equations, coeffs, dict=True)
    if not solution:
        return None
    sol = solution[0]
    result = ansatz.xreplace(sol).xreplace({c: 0 for c in coeffs})
    check = sp.expand(result.xreplace(dict(invariants)) - sp.sympify(expr))
    return sp.expand(result) if check == 0 else None


def _compositions(total: int, parts: int):
    for cut in itertools.combinations(range(total + parts - 1), parts - 1):
        prev, out = -1, []
        for c in cut:
            out.append(c - prev - 1)
            prev = c
        out.append(total + parts - 1 - prev - 1)
        yield tuple(out)


def coefficients_in(expr: sp.Expr, var: sp.Symbol) -> dict[int, sp.Expr]:
    """Coefficients of a polynomial in ``var`` (e.g. powers of eta), each factored."""
    poly = sp.Poly(sp.expand(expr), var)
    return {int(m[0]): sp.factor(c) for m, c in zip(poly.monoms(), poly.coeffs(), strict=True)}
