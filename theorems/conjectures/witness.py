"""Points beyond every rational an exact sampler writes down: coordinates given *symbolically*
as constant expressions (``a1 = 2*exp(exp(100))``), evaluated in arb ball arithmetic.

A bound such as ``eps <= exp(exp(100))`` fails only where eps exceeds a number of about 10^(10^43)
digits: no rational witness can be printed, but ``a1 = 2*exp(exp(100)), b1 = 1, Phi = 1`` is an
exact point, and arb evaluates the slack there as a ball (arb keeps the huge exponent as an
integer; no digits are expanded).  Such a point is used like any other instance: its membership
of the assumption region and the sign of the slack are decided by balls whose comparison is
certain, at a precision that is raised until it is (or a cap is reached: then the point is
treated as outside / not evaluable, never as a violation).  ``--at`` accepts these values, so the
reproduce line of a refutation at such a point reproduces it.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import mpmath as mp
import sympy as sp

from numeric import ball

from ..regions import Region, rel_parts
from ..spec import RelationDomain

Value = Fraction | sp.Expr  # an exact rational, or a constant expression (symbolic value)

PRECISIONS = (340, 1400, 5600)  # bits tried in turn until a ball's sign is certain
HUGE_DIGITS = 4000  # constants beyond ~10^4000: out of reach of the rational probes


def is_symbolic(v: object) -> bool:
    """A coordinate given as a constant expression (not a rational)."""
    return isinstance(v, sp.Expr) and not v.is_Rational


def has_symbolic(point: Mapping[Any, object]) -> bool:
    return any(is_symbolic(v) for v in point.values())


def _exact(v: Value) -> sp.Expr:
    if isinstance(v, Fraction):
        return sp.Rational(v.numerator, v.denominator)
    return sp.sympify(v)


def constant_at(expr: sp.Expr, point: Mapping[sp.Symbol, Value]) -> sp.Expr:
    """``expr`` with the point's values substituted (a constant expression)."""
    return expr.xreplace({s: _exact(point[s]) for s in expr.free_symbols if s in point})


def ball_of(expr: sp.Expr, point: Mapping[sp.Symbol, Value], bits: int = PRECISIONS[0]):
    """arb ball of ``expr`` at the point (None if ball arithmetic cannot evaluate it)."""
    e = constant_at(expr, point)
    if e.free_symbols:
        return None
    try:
        b = ball.evaluate(e, {}, prec_bits=bits)
    except (NotImplementedError, ZeroDivisionError, ValueError, TypeError, OverflowError):
        return None
    return b if b.is_finite() else None


def sign_of(expr: sp.Expr, point: Mapping[sp.Symbol, Value], min_bits: int = 0) -> int | None:
    """The certain sign of ``expr`` at the point (1, -1, or 0 for an exact zero), or None."""
    e = constant_at(expr, point)
    if e.is_zero:
        return 0
    for bits in PRECISIONS:
        if bits < min_bits:
            continue
        b = ball_of(e, {}, bits)
        if b is None:
            return None
        if ball.certainly_positive(b):
            return 1
        if ball.certainly_negative(b):
            return -1
    return None


def contains(region: Region, point: Mapping[sp.Symbol, Value]) -> bool:
    """Exact membership of a point with symbolic coordinates: every relation's sign certain
    in ball arithmetic (an equation only when SymPy reduces the difference to exactly 0)."""
    p = complete(region, point)
    if p is None:
        return False
    for v in region.positive:
        if v in p and sign_of(v, p) != 1:
            return False
    for rel in region.relations:
        diff, op = rel_parts(rel)
        s = sign_of(diff, p)
        if s is None:
            return False
        ok = {"<": s < 0, "<=": s <= 0, ">": s > 0, ">=": s >= 0, "==": s == 0}[op]
        if not ok:
            return False
    return True


def complete(region: Region, point: Mapping[sp.Symbol, Value]) -> dict[sp.Symbol, Value] | None:
    """The point with the region's solved inputs (``v == expr`` assumptions) filled in exactly."""
    q = dict(point)
    for v, _ in region.solved:
        if v in q:
            continue
        for rel in region.relations:
            diff, op = rel_parts(rel)
            if op != "==" or v not in diff.free_symbols:
                continue
            sols = sp.solve(diff, v)
            if len(sols) == 1:
                val = constant_at(sols[0], q)
                if val.free_symbols:
                    return None
                q[v] = Fraction(int(val.p), int(val.q)) if val.is_Rational else val
                break
        else:
            return None
    return q


def normalised_slack(lhs: sp.Expr, rhs: sp.Expr, op: str, point: Mapping[sp.Symbol, Value],
                     dps: int) -> mp.mpf | None:
    """(rhs - lhs) / (|lhs| + |rhs|) (sign by ``op``, as the sampled check normalises it) at a
    point with symbolic coordinates, from arb balls at a precision growing with ``dps``; the
    midpoint is returned only when the ball is narrower than 10^-dps."""
    from flint import ctx

    bits = int(3.33 * dps) + 64
    for extra in (0, 1000, 5000):
        lb, rb = ball_of(lhs, point, bits + extra), ball_of(rhs, point, bits + extra)
        if lb is None or rb is None:
            return None
        old = ctx.prec
        ctx.prec = bits + extra  # the arithmetic below at the same precision as the balls
        try:
            g = rb - lb if op in ("<", "<=") else (lb - rb if op in (">", ">=") else -abs(lb - rb))
            scale = abs(lb) + abs(rb)
            if scale.is_zero():
                val = g
            elif not scale > 0:
                continue
            else:
                val = g / scale
            if val.is_finite() and val.rad() < mp.mpf(10) ** (-dps):
                with mp.workdps(dps + 10):
                    return mp.mpf(val.mid().str(dps + 10, radius=False))
        finally:
            ctx.prec = old
    return None


def parse_value(text: str, where: str) -> Value:
    """A coordinate for ``--at``: an exact number (``3/7``, ``0.125``) or a constant
    expression in the restricted grammar (``2*exp(exp(100))``), never evaluated by Python."""
    from ..claim import ClaimError
    from ..expr_parser import parse_expression

    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        pass
    e = parse_expression(text, where, {})
    if not isinstance(e, sp.Expr) or e.free_symbols:
        raise ClaimError(f"{where}: {text!r} is not a number or a constant expression")
    if e.is_Rational:
        return Fraction(int(e.p), int(e.q))
    if sign_of(e, {}) is None and ball_of(e, {}) is None:
        raise ClaimError(f"{where}: {text!r} cannot be evaluated (ball arithmetic)")
    return e


def huge_constants(expr: sp.Expr) -> list[sp.Expr]:
    """The constant subexpressions of ``expr`` larger than about 10^4000 in absolute value
    (positive representatives), largest structure first."""
    found: list[sp.Expr] = []

    def visit(e: sp.Basic) -> None:
        if isinstance(e, sp.Expr) and e.is_number and not e.is_Rational:
            b = ball_of(e, {})
            if b is not None and abs(b) > 10 ** HUGE_DIGITS:
                k = -e if ball.certainly_negative(b) else e
                if k not in found:
                    found.append(k)
            return  # a number's parts are no larger than the number in the cases that matter
        for a in e.args:
            visit(a)

    visit(expr)
    return found


def huge_values(k: sp.Expr, sign: int) -> list[sp.Expr]:
    """Candidate coordinates beyond a huge constant ``k`` > 0, in the direction ``sign``."""
    return [sign * v for v in (2 * k, 10**6 * k, k**2)]


def certify_ball(expr: sp.Expr, point: Mapping[sp.Symbol, Value], dps: int):
    """The ball of ``expr`` at a point with symbolic coordinates, at the first precision
    (from about ``dps`` digits up) where its sign is certain; else the last ball."""
    b = None
    for bits in (int(3.33 * dps) + 64, *PRECISIONS):
        b = ball_of(expr, point, bits)
        if b is None or ball.certainly_positive(b) or ball.certainly_negative(b):
            return b
    return b


class SymbolicRelationDomain(RelationDomain):
    """:class:`theorems.spec.RelationDomain` that also admits points with symbolic coordinates
    (membership by :func:`contains`)."""

    def point(self, inst):
        try:
            return {s: (inst[str(s)] if is_symbolic(inst[str(s)]) else Fraction(inst[str(s)]))
                    for s in self.region.inputs}
        except (KeyError, TypeError, ValueError):
            return None

    def contains(self, inst) -> bool:
        p = self.point(inst)
        if p is None:
            return False
        return contains(self.region, p) if has_symbolic(p) else self.region.contains(p)
