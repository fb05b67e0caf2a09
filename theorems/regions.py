"""Assumption regions for conjectures: exact membership tests and samplers.

A region is a list of SymPy relations over a model's inputs (state, parameters, step size).
Membership is decided *exactly*: rational arithmetic on :class:`fractions.Fraction` when the
relation is rational in the inputs (with abs/min/max), otherwise ball arithmetic (arb) whose
comparison must be certain - an uncertain point is treated as outside the region.

The sampler draws inputs from a mixture of scales, fills inputs fixed by equations, and draws
the step size ``eta`` as a fraction of the largest admissible step (found by exact bisection),
so that edges such as "close to the step-size cap" are sampled on purpose.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import sympy as sp
from gmpy2 import mpq

from numeric import ball
from symbolic.provers import is_polynomial

Point = dict[sp.Symbol, Fraction]


class NotRational(Exception):
    """The expression needs transcendental functions: no exact rational evaluation."""


def compile_exact(e: sp.Expr) -> Callable[[Mapping[sp.Symbol, Any]], Any]:
    """A closure evaluating ``e`` exactly at rational points (raises :class:`NotRational`).

    The point's values may be ``Fraction`` or gmpy2 ``mpq`` (much faster); the result is of
    the same exact type."""
    if e.is_Symbol:
        return lambda p: p[e]
    if e.is_Rational:
        v = mpq(int(e.p), int(e.q))
        return lambda p: v
    if e.is_Add:
        fs = [compile_exact(a) for a in e.args]

        def add(p):
            out = mpq(0)
            for f in fs:
                out += f(p)
            return out

        return add
    if e.is_Mul:
        fs = [compile_exact(a) for a in e.args]

        def mul(p):
            out = mpq(1)
            for f in fs:
                out *= f(p)
            return out

        return mul
    if e.is_Pow and e.exp.is_Integer:
        fb, n = compile_exact(e.base), int(e.exp)
        return lambda p: fb(p) ** n
    if isinstance(e, sp.Abs):
        f = compile_exact(e.args[0])
        return lambda p: abs(f(p))
    if isinstance(e, sp.Min | sp.Max):
        fs = [compile_exact(a) for a in e.args]
        agg = min if isinstance(e, sp.Min) else max
        return lambda p: agg(f(p) for f in fs)
    raise NotRational(str(e))


_CMP = {
    "<": lambda v: v < 0, "<=": lambda v: v <= 0, ">": lambda v: v > 0, ">=": lambda v: v >= 0,
    "==": lambda v: v == 0,
}


def rel_parts(rel: sp.Basic) -> tuple[sp.Expr, str]:
    """(lhs - rhs, op) of a SymPy relation."""
    ops = {sp.StrictLessThan: "<", sp.LessThan: "<=", sp.StrictGreaterThan: ">",
           sp.GreaterThan: ">=", sp.Equality: "=="}
    for cls, op in ops.items():
        if isinstance(rel, cls):
            return rel.lhs - rel.rhs, op
    raise TypeError(f"not a relation: {rel}")


def make_relation(lhs: sp.Expr, op: str, rhs: sp.Expr) -> sp.Basic:
    return {"<": sp.Lt, "<=": sp.Le, ">": sp.Gt, ">=": sp.Ge,
            "==": lambda a, b: sp.Eq(a, b, evaluate=False)}[op](lhs, rhs)


def _fold(args, sign: int) -> sp.Expr:
    out = args[0]
    for a in args[1:]:
        out = (out + a + sign * sp.Abs(out - a)) / 2
    return out


def ball_safe(e: sp.Expr) -> sp.Expr:
    """An expression :func:`numeric.ball.evaluate` can evaluate.  It now evaluates tanh, sinh,
    cosh, min and max directly (rewriting tanh(x) as 1 - 2/(exp(2x) + 1) overflowed arb for
    large x: tanh(10^200) became nan), so the expression is returned unchanged."""
    return e


def ball_value(e: sp.Expr, p: Mapping[sp.Symbol, Fraction]):
    """arb ball of ``e`` at an exact point (None if ball arithmetic cannot evaluate it)."""
    try:
        return ball.evaluate(e, {s: p[s] for s in e.free_symbols})
    except (NotImplementedError, ZeroDivisionError, ValueError, KeyError, TypeError):
        return None


def _mpq_point(p: Mapping[sp.Symbol, Fraction]) -> dict[sp.Symbol, Any]:
    return {k: mpq(v.numerator, v.denominator) for k, v in p.items()}


class Membership:
    """Exact test of one relation at rational points."""

    def __init__(self, rel: sp.Basic):
        self.rel = rel
        self.diff, self.op = rel_parts(rel)
        self.symbols = self.diff.free_symbols
        self.ball_diff = ball_safe(self.diff)
        try:
            self.exact: Callable | None = compile_exact(self.diff)
        except NotRational:
            self.exact = None

    def __call__(self, p: Mapping[sp.Symbol, Fraction], fast: Mapping[sp.Symbol, Any] | None = None) -> bool:
        """Does the relation hold at ``p``?  ``fast``: the same point as gmpy2 mpq values."""
        if self.exact is not None:
            try:
                return _CMP[self.op](self.exact(fast if fast is not None else _mpq_point(p)))
            except ZeroDivisionError:
                return False
        b = ball_value(self.ball_diff, p)
        if b is None:
            return False
        if self.op == "==":
            return bool(b.rad() == 0 and b.mid() == 0)
        if self.op in ("<", "<="):
            b = -b
        return bool(b > 0) if self.op in ("<", ">") else bool(b >= 0)


def polynomial_form(rel: sp.Basic) -> list[sp.Basic] | None:
    """Polynomial relations equivalent to ``rel`` (for the provers), or None.

    ``h(|u|) > 0`` with h non-increasing in |u| (linear, with a coefficient SymPy knows is
    <= 0) is equivalent to ``h(u) > 0 and h(-u) > 0``: e.g. eta*|eps| < 1 becomes
    1 - eta*eps > 0 and 1 + eta*eps > 0.
    """
    diff, op = rel_parts(rel)
    if op == "==":
        return [rel] if is_polynomial(diff) else None
    h = -diff if op in ("<", "<=") else diff  # rel <=> h > 0 (or >= 0)
    strict = op in ("<", ">")
    pending = [h]
    done: list[sp.Expr] = []
    while pending:
        g = pending.pop()
        if is_polynomial(g):
            done.append(g)
            continue
        absn = [a for a in g.atoms(sp.Abs) if is_polynomial(a.args[0])]
        if not absn:
            return None
        a = absn[0]
        s = sp.Dummy("s")
        gs = sp.expand(g.xreplace({a: s}))
        if gs.has(a) or not gs.is_polynomial(s) or sp.degree(gs, s) > 1:
            return None
        coeff = gs.coeff(s, 1)
        if not (-coeff).is_nonnegative:
            return None
        u = a.args[0]
        pending += [gs.xreplace({s: u}), gs.xreplace({s: -u})]
    return [sp.Gt(g, 0) if strict else sp.Ge(g, 0) for g in done]


def _scale_draw(rng: random.Random, i: int, positive: bool, simple: bool = False) -> Fraction:
    mode = 0 if simple else (i + rng.randrange(3)) % 4
    if mode == 0:
        num = rng.randint(1, 9) if positive else rng.randint(-9, 9)
        return Fraction(num, rng.randint(1, 4))
    if mode == 1:
        x = math.exp(rng.uniform(math.log(1e-2), math.log(1e2)))
    elif mode == 2:
        x = math.exp(rng.uniform(math.log(10**-1.5), math.log(10**1.5))) * abs(rng.gauss(0, 1))
    else:
        x = math.exp(rng.uniform(math.log(1e-3), math.log(1e3)))
    f = Fraction(x).limit_denominator(10**6)
    if f == 0:
        f = Fraction(1, 10**6)
    if not positive and rng.random() < 0.5:
        f = -f
    return f


STEP_FRACTIONS = (Fraction(1), Fraction(999, 1000), Fraction(99, 100), Fraction(9, 10),
                  Fraction(1, 2), Fraction(3, 10), Fraction(1, 10), Fraction(1, 20))


class Region:
    """Inputs, the relations that must hold, and exact sampling inside them."""

    def __init__(self, inputs: Sequence[sp.Symbol], relations: Sequence[sp.Basic],
                 eta: sp.Symbol | None, positive: frozenset[sp.Symbol] = frozenset()):
        self.relations = list(relations)
        used = set().union(*(r.free_symbols for r in self.relations)) if self.relations else set()
        self.inputs = list(inputs)
        self.positive = positive
        self.eta = eta if eta in self.inputs else None
        # equations v == expr solved exactly for one input (filled after the free draws)
        self.solved: list[tuple[sp.Symbol, Callable]] = []
        rest = []
        taken: set[sp.Symbol] = set()
        for rel in self.relations:
            sol = self._solve(rel, taken)
            if sol is None:
                rest.append(rel)
            else:
                taken.add(sol[0])
                self.solved.append(sol)
        self.tests = [Membership(r) for r in self.relations]
        self.free = [s for s in self.inputs if s not in taken]
        self.eta_constrained = self.eta is not None and self.eta in used and self.eta not in taken

    @staticmethod
    def _solve(rel: sp.Basic, taken: set[sp.Symbol]):
        diff, op = rel_parts(rel)
        if op != "==" or not is_polynomial(diff):
            return None
        diff = sp.expand(diff)
        for v in sorted(diff.free_symbols, key=str):
            if v in taken or sp.degree(diff, v) != 1:
                continue
            c = diff.coeff(v, 1)
            c0 = sp.expand(diff - c * v)
            if c0.has(v) or c.has(v):
                continue
            try:
                fc, f0 = compile_exact(c), compile_exact(c0)
            except NotRational:  # e.g. a coefficient exp(10**100): not solved exactly, sampled instead
                continue

            def value(p, fc=fc, f0=f0):
                fast = _mpq_point(p)
                cv = fc(fast)
                if cv == 0:
                    raise ZeroDivisionError
                r = -f0(fast) / cv
                return Fraction(int(r.numerator), int(r.denominator))

            return v, value
        return None

    # -------------------------------------------------------------- membership
    def complete(self, p: Point) -> Point | None:
        """Fill the solved inputs and test every relation exactly; None if outside."""
        q = dict(p)
        try:
            for v, f in self.solved:
                q[v] = f(q)
        except (ZeroDivisionError, KeyError):
            return None
        for v in self.positive:
            if v in q and q[v] <= 0:
                return None
        fast = _mpq_point(q)
        return q if all(t(q, fast) for t in self.tests) else None

    def contains(self, p: Mapping[sp.Symbol, Fraction]) -> bool:
        for v in self.positive:
            if v in p and p[v] <= 0:
                return False
        try:
            fast = _mpq_point(p)
            return all(t(p, fast) for t in self.tests)
        except (KeyError, AttributeError):
            return False

    # -------------------------------------------------------------- sampling
    def eta_cap(self, p: Point) -> Fraction | None:
        """The largest admissible step size at this point (exact bisection, from below), or
        None if no tried step size is admissible.  2^8 if none above it is inadmissible."""
        assert self.eta is not None

        def ok(e: Fraction) -> bool:
            return self.complete({**p, self.eta: e}) is not None

        best = None
        for k in range(-24, 9):
            e = Fraction(2) ** k
            if ok(e):
                best = k
            elif best is not None:
                break
        if best is None:
            return None
        lo = Fraction(2) ** best
        if best == 8:
            return lo
        hi = lo * 2
        for _ in range(30):
            mid = (lo + hi) / 2
            if ok(mid):
                lo = mid
            else:
                hi = mid
        return lo

    def draw(self, rng: random.Random, i: int, tries: int = 300, simple: bool = False) -> Point | None:
        """An exact point of the region (None after ``tries`` rejected draws).  ``simple``:
        small rationals p/q only, as witnesses for identities."""
        for j in range(tries):
            p: Point = {}
            for s in self.free:
                if s is self.eta:
                    continue
                p[s] = _scale_draw(rng, i + j, s in self.positive, simple and j < tries // 2)
            if self.eta is not None and self.eta in self.free:
                if simple and j < tries // 2:
                    p[self.eta] = Fraction(rng.randint(1, 9), rng.randint(2, 20))
                elif self.eta_constrained:
                    cap = self.eta_cap(p)
                    if cap is None:
                        continue
                    k = (i + j) % (len(STEP_FRACTIONS) + 2)
                    if k < len(STEP_FRACTIONS):
                        u = STEP_FRACTIONS[k]
                    else:
                        u = Fraction(rng.uniform(0, 1)).limit_denominator(10**6) or Fraction(1, 2)
                    p[self.eta] = u * cap
                else:
                    p[self.eta] = _scale_draw(rng, i + j, True) / 4
            q = self.complete(p)
            if q is not None:
                return q
        return None

    def from_box(self, x: Sequence[float], box: list[tuple[sp.Symbol, str]]) -> Point | None:
        """Map a point of :meth:`box` to an exact point of the region (None outside)."""
        p: Point = {}
        u = None
        for val, (s, how) in zip(x, box, strict=True):
            if how == "log":
                p[s] = Fraction(10.0 ** float(val)).limit_denominator(10**6) or Fraction(1, 10**6)
            elif how == "frac":
                u = Fraction(float(val)).limit_denominator(10**6)
            else:
                p[s] = Fraction(float(val)).limit_denominator(10**6)
        if u is not None:
            if u <= 0:
                return None
            cap = self.eta_cap(p)
            if cap is None:
                return None
            p[self.eta] = u * cap  # type: ignore[index]
        return self.complete(p)

    def box(self) -> tuple[list[tuple[float, float]], list[tuple[sp.Symbol, str]]]:
        bounds, how = [], []
        for s in self.free:
            if s is self.eta and self.eta_constrained:
                bounds.append((0.0, 1.0))
                how.append((s, "frac"))
            elif s is self.eta or s in self.positive:
                bounds.append((-2.0, 1.0) if s is self.eta else (-2.0, 2.0))
                how.append((s, "log"))
            else:
                bounds.append((-3.0, 3.0))
                how.append((s, "lin"))
        return bounds, how
