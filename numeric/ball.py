"""Rigorous evaluation of SymPy expressions with python-flint ``arb`` balls.

Comparisons of arb balls are *certain*: ``x > 0`` is True only if every point of the ball
is positive.  This is what the CERTIFIED verdict rests on.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import sympy as sp
from flint import arb, ctx, fmpq


def arb_of(x: Fraction | int) -> arb:
    x = Fraction(x)
    return arb(fmpq(x.numerator, x.denominator))


def evaluate(expr: sp.Expr, point: Mapping[sp.Symbol, Fraction], prec_bits: int = 340) -> arb:
    """Evaluate ``expr`` at an exact rational point as an arb ball."""
    old = ctx.prec
    ctx.prec = prec_bits
    try:
        return _ev(sp.sympify(expr), {s: arb_of(v) for s, v in point.items()})
    finally:
        ctx.prec = old


def _ev(e: sp.Basic, env: Mapping[sp.Symbol, arb]) -> arb:
    if e.is_Symbol:
        try:
            return env[e]
        except KeyError:
            raise KeyError(f"no value for symbol {e}") from None
    if e.is_Rational:
        return arb(fmpq(int(e.p), int(e.q)))
    if e is sp.pi:
        return arb.pi()
    if e is sp.E:
        return arb(1).exp()
    if e.is_Float:
        return arb(fmpq(*Fraction(str(e)).as_integer_ratio()))
    if e.is_Add:
        out = arb(0)
        for a in e.args:
            out += _ev(a, env)
        return out
    if e.is_Mul:
        out = arb(1)
        for a in e.args:
            out *= _ev(a, env)
        return out
    if e.is_Pow:
        base = _ev(e.base, env)
        if e.exp.is_Integer:
            n = int(e.exp)
            return base**n if n >= 0 else 1 / base ** (-n)
        if e.exp == sp.Rational(1, 2):
            return base.sqrt()
        return base ** _ev(e.exp, env)
    funcs = {
        sp.exp: lambda v: v.exp(),
        sp.log: lambda v: v.log(),
        sp.Abs: abs,
        sp.tanh: lambda v: v.tanh(),
        sp.cosh: lambda v: v.cosh(),
        sp.sech: lambda v: 1 / v.cosh(),
        sp.sinh: lambda v: v.sinh(),
        sp.erf: lambda v: v.erf(),
        sp.erfc: lambda v: v.erfc(),
        sp.atan: lambda v: v.atan(),
    }
    for f, g in funcs.items():
        if isinstance(e, f):
            return g(_ev(e.args[0], env))
    if isinstance(e, sp.Min | sp.Max):
        vals = [_ev(a, env) for a in e.args]
        out = vals[0]
        for v in vals[1:]:
            out = out.min(v) if isinstance(e, sp.Min) else out.max(v)
        return out
    raise NotImplementedError(f"no ball evaluation for {type(e).__name__}: {e}")


def certainly_positive(x: arb) -> bool:
    return bool(x > 0)


def certainly_nonnegative(x: arb) -> bool:
    return bool(x >= 0)


def certainly_negative(x: arb) -> bool:
    return bool(x < 0)
