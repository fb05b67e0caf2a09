"""Provers: exact identities, polynomial inequalities (z3 + an exact certificate), Sturm.

Each prover returns a small result object; turning it into a verdict is the job of
``theorems.engines``.  A z3 ``unsat`` alone never counts as a proof: it must be confirmed
by an exact certificate checked in SymPy (factorisation into sign-definite factors, or
Sturm root counting for one variable).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import sympy as sp

# ---------------------------------------------------------------- identities


@dataclass
class IdentityProof:
    holds: bool | None  # True: exactly zero; False: nonzero witness found; None: undecided
    difference: sp.Expr
    witness: dict[sp.Symbol, sp.Rational] | None = None
    witness_value: sp.Expr | None = None
    method: str = "expand"


def prove_identity(
    lhs: sp.Expr,
    rhs: sp.Expr,
    sample: Callable[[random.Random], Mapping[sp.Symbol, sp.Rational]] | None = None,
    tries: int = 40,
    seed: int = 0,
) -> IdentityProof:
    """Decide lhs == rhs.

    Exact expansion/cancellation first.  A nonzero *rational function* difference is
    definitely not the zero function, so we go straight to an exact witness; for other
    expressions (Abs, exp, ...) a cheap witness search runs before the expensive
    ``simplify``.  The witness comes from ``sample``, which must draw from the claim's domain
    (an identity may hold only there, e.g. with Abs)."""
    diff = sp.sympify(lhs) - sp.sympify(rhs)
    reduced = sp.expand(sp.cancel(sp.together(sp.expand(diff))))
    if reduced == 0:
        return IdentityProof(True, sp.Integer(0), method="exact expansion")
    rng = random.Random(seed)
    witness = _find_witness(reduced, sample, rng, tries)
    if witness is not None:
        return IdentityProof(False, display_form(reduced), witness[0], witness[1], method="exact witness")
    if not _is_rational_function(reduced):
        simplified = sp.simplify(reduced)
        if simplified == 0:
            return IdentityProof(True, sp.Integer(0), method="simplify")
        reduced = simplified
    return IdentityProof(None, display_form(reduced), method="undecided")


def _is_rational_function(e: sp.Expr) -> bool:
    return all(a.is_Symbol or a.is_Number for a in sp.preorder_traversal(e)
               if not isinstance(a, sp.Add | sp.Mul | sp.Pow)) and not any(
        isinstance(a, sp.Pow) and not a.exp.is_Integer for a in sp.preorder_traversal(e))


def _find_witness(expr: sp.Expr, sample, rng: random.Random, tries: int):
    free = sorted(expr.free_symbols, key=str)
    for _ in range(tries):
        point = dict(sample(rng)) if sample else {s: _small_rational(rng, s) for s in free}
        missing = [s for s in free if s not in point]
        if missing:
            raise ValueError(f"sampler did not assign {missing}")
        value = expr.xreplace(point)
        if value.has(sp.Float):
            value = sp.nsimplify(value)
        if not value.is_Rational:
            value = sp.simplify(value)
        if value.is_zero is False or (value.is_number and value.is_comparable and value != 0):
            return point, value
    return None


def display_form(e: sp.Expr, max_ops: int = 400) -> sp.Expr:
    """Factor for display when that is cheap; large expressions are shown expanded."""
    return sp.factor(e) if sp.count_ops(e) <= max_ops else e


def _small_rational(rng: random.Random, s: sp.Symbol) -> sp.Rational:
    num = rng.randint(1, 9) * (1 if (s.is_positive or s.is_nonnegative or rng.random() < 0.5) else -1)
    return sp.Rational(num, rng.randint(1, 7))


# ---------------------------------------------------------------- polynomial inequalities


@dataclass
class InequalityProof:
    proved: bool
    z3_status: str  # "unsat" (goal holds) | "sat" | "unknown" | "skipped"
    certificate: str | None = None  # human-readable exact certificate, if found
    counterexample: dict[sp.Symbol, sp.Rational] | None = None
    notes: list[str] = field(default_factory=list)


def prove_polynomial_inequality(
    expr: sp.Expr,
    strict: bool,
    constraints: Sequence[sp.Basic] = (),
    timeout_ms: int = 10_000,
) -> InequalityProof:
    """Prove expr > 0 (strict) or expr >= 0 on {constraints}, all polynomial.

    PROVED needs an exact certificate (Sturm or factorisation) checked in SymPy; z3 is run
    alongside as the other method, and a z3 model of the negation is returned as a candidate
    counterexample (the caller confirms it exactly).
    """
    expr = sp.expand(sp.sympify(expr))
    z3_status, model = _z3_check(expr, strict, constraints, timeout_ms)
    cert = _certificate(expr, strict, constraints)
    result = InequalityProof(
        proved=cert is not None and z3_status != "sat",
        z3_status=z3_status,
        certificate=cert,
        counterexample=model,
    )
    if cert is not None and z3_status == "sat":
        result.notes.append("certificate and z3 disagree: not marked PROVED")
    if cert is None and z3_status == "unsat":
        result.notes.append("z3 says unsat but no exact certificate was found: not a proof")
    return result


def _z3_check(expr, strict, constraints, timeout_ms):
    try:
        import z3
    except ImportError:  # pragma: no cover - z3 is a declared dependency
        return "skipped", None
    free = sorted(expr.free_symbols.union(*(c.free_symbols for c in constraints)), key=str)
    zvars = {s: z3.Real(str(s)) for s in free}
    try:
        goal = _to_z3(expr, zvars)
        zcons = [_to_z3_rel(c, zvars) for c in constraints]
    except NotImplementedError:
        return "skipped", None
    solver = z3.SolverFor("QF_NRA")
    solver.set("timeout", timeout_ms)
    solver.add(*zcons)
    for s, v in zvars.items():  # SymPy assumptions on the symbols are part of the domain
        if s.is_positive:
            solver.add(v > 0)
        elif s.is_nonnegative:
            solver.add(v >= 0)
        elif s.is_negative:
            solver.add(v < 0)
    solver.add(goal <= 0 if strict else goal < 0)
    status = solver.check()
    if status == z3.unsat:
        return "unsat", None
    if status == z3.sat:
        m = solver.model()
        point = {}
        for s, v in zvars.items():
            val = m.eval(v, model_completion=True)
            point[s] = _z3_to_rational(val)
        return "sat", point
    return "unknown", None


def _z3_to_rational(val) -> sp.Rational:
    import z3

    if z3.is_rational_value(val):
        return sp.Rational(val.numerator_as_long(), val.denominator_as_long())
    approx = val.approx(30)  # algebraic number: take a nearby rational, caller re-checks
    return sp.Rational(approx.numerator_as_long(), approx.denominator_as_long())


def _to_z3(e: sp.Expr, zvars):
    if e.is_Symbol:
        return zvars[e]
    if e.is_Rational:
        import z3

        return z3.RealVal(f"{e.p}/{e.q}")
    if e.is_Add:
        out = _to_z3(e.args[0], zvars)
        for a in e.args[1:]:
            out = out + _to_z3(a, zvars)
        return out
    if e.is_Mul:
        out = _to_z3(e.args[0], zvars)
        for a in e.args[1:]:
            out = out * _to_z3(a, zvars)
        return out
    if e.is_Pow and e.exp.is_Integer and e.exp >= 0:
        base = _to_z3(e.base, zvars)
        out = base
        for _ in range(int(e.exp) - 1):
            out = out * base
        return out if int(e.exp) > 0 else 1
    raise NotImplementedError(f"not polynomial: {e}")


def _to_z3_rel(rel: sp.Basic, zvars):
    lhs, rhs = _to_z3(sp.expand(rel.lhs), zvars), _to_z3(sp.expand(rel.rhs), zvars)
    ops = {
        sp.StrictGreaterThan: lambda a, b: a > b,
        sp.GreaterThan: lambda a, b: a >= b,
        sp.StrictLessThan: lambda a, b: a < b,
        sp.LessThan: lambda a, b: a <= b,
        sp.Equality: lambda a, b: a == b,
    }
    for cls, op in ops.items():
        if isinstance(rel, cls):
            return op(lhs, rhs)
    raise NotImplementedError(f"unsupported constraint {rel}")


def _positive_facts(constraints) -> tuple[set[sp.Expr], set[sp.Expr]]:
    """Expressions known > 0 and known >= 0 from the constraints (as g > 0 / g >= 0)."""
    pos, nonneg = set(), set()
    for c in constraints:
        if isinstance(c, sp.StrictGreaterThan | sp.StrictLessThan):
            g = c.lhs - c.rhs if isinstance(c, sp.StrictGreaterThan) else c.rhs - c.lhs
            pos.add(sp.expand(g))
        elif isinstance(c, sp.GreaterThan | sp.LessThan):
            g = c.lhs - c.rhs if isinstance(c, sp.GreaterThan) else c.rhs - c.lhs
            nonneg.add(sp.expand(g))
    return pos, nonneg


def _factor_sign(f: sp.Expr, pos, nonneg, positive_syms, nonneg_syms=frozenset()) -> str | None:
    """'pos' / 'nonneg' if the factor's sign is certain on the domain, else None.

    Known: constraint expressions (g > 0, g >= 0), and polynomials with positive
    coefficients whose monomials are sign-definite given the variables' known signs."""
    f = sp.expand(f)
    if f.is_number:
        return "pos" if f > 0 else ("nonneg" if f == 0 else None)
    if f in pos:
        return "pos"
    if f in nonneg:
        return "nonneg"
    gens = sorted(f.free_symbols, key=str)
    poly = sp.Poly(f, *gens)
    if any(c < 0 for c in poly.coeffs()):
        return None
    any_positive_monomial = False
    for monom in poly.monoms():
        mono_pos = True
        for var, k in zip(gens, monom, strict=True):
            if k == 0:
                continue
            if var in positive_syms:
                continue
            if k % 2 == 0 or var in nonneg_syms:
                mono_pos = False  # >= 0 but may vanish
                continue
            return None  # odd power of a variable of unknown sign
        any_positive_monomial = any_positive_monomial or mono_pos
    return "pos" if any_positive_monomial else "nonneg"


def _certificate(expr: sp.Expr, strict: bool, constraints) -> str | None:
    """An exact sign certificate: Sturm (one variable) or a factorisation whose every factor
    has a known sign on the domain (even powers, constraint expressions, positive
    polynomials in positive variables)."""
    if expr.is_number:
        ok = expr > 0 if strict else expr >= 0
        return f"constant {expr}" if ok else None
    free = sorted(expr.free_symbols, key=str)
    if len(free) == 1:
        cert = _sturm_certificate(expr, free[0], strict, constraints)
        if cert:
            return cert
    pos, nonneg = _positive_facts(constraints)
    allsyms = expr.free_symbols.union(*(c.free_symbols for c in constraints))
    positive_syms = {s for s in allsyms if s.is_positive} | {g for g in pos if g.is_Symbol}
    nonneg_syms = {s for s in allsyms if s.is_nonnegative} | {g for g in nonneg if g.is_Symbol}
    const, factors = sp.factor_list(expr)
    sign = 1 if const > 0 else -1
    can_vanish = False
    descr = []
    for base, mult in factors:
        s_pos = _factor_sign(base, pos, nonneg, positive_syms, nonneg_syms)
        s_neg = None if s_pos else _factor_sign(-base, pos, nonneg, positive_syms, nonneg_syms)
        if mult % 2 == 0:
            if s_pos == "pos" or s_neg == "pos":
                descr.append(f"({base})^{mult} > 0")
            else:
                descr.append(f"({base})^{mult} >= 0")
                can_vanish = True
            continue
        if s_pos:
            descr.append(f"({base})^{mult} {'>' if s_pos == 'pos' else '>='} 0")
            can_vanish = can_vanish or s_pos == "nonneg"
        elif s_neg:
            sign = -sign
            descr.append(f"({base})^{mult} {'<' if s_neg == 'pos' else '<='} 0")
            can_vanish = can_vanish or s_neg == "nonneg"
        else:
            return None
    if sign < 0 or (strict and can_vanish):
        return None
    return f"expr = {const} * product of factors with " + ", ".join(descr)


def _sturm_certificate(expr, x, strict, constraints) -> str | None:
    lo, hi, lo_open, hi_open = -sp.oo, sp.oo, True, True
    if x.is_positive:  # the symbol's assumptions are part of the domain
        lo, lo_open = sp.Integer(0), True
    elif x.is_nonnegative:
        lo, lo_open = sp.Integer(0), False
    elif x.is_negative:
        hi, hi_open = sp.Integer(0), True
    for c in constraints:
        if c.free_symbols - {x}:
            continue
        sol = sp.solve_univariate_inequality(c, x, relational=False)
        if not isinstance(sol, sp.Interval):
            return None
        if sol.start > lo or (sol.start == lo and sol.left_open):
            lo, lo_open = sol.start, sol.left_open
        if sol.end < hi or (sol.end == hi and sol.right_open):
            hi, hi_open = sol.end, sol.right_open
    poly = sp.Poly(expr, x)
    roots = [r for r in sp.real_roots(poly) if (lo < r < hi) or (r == lo and not lo_open) or (r == hi and not hi_open)]
    if strict and roots:
        return None
    # sign between consecutive critical points: sample exact rationals
    pts = sorted(set(roots), key=lambda r: float(r))
    tests = _interval_samples(lo, hi, pts)
    for t in tests:
        v = poly.eval(t)
        if v < 0 or (strict and v == 0):
            return None
    return f"Sturm: {len(roots)} root(s) of {expr} in the domain, sign checked between them"


def _interval_samples(lo, hi, pts):
    edges = [lo, *pts, hi]
    out = []
    for left, right in zip(edges, edges[1:], strict=False):
        if left == -sp.oo and right == sp.oo:
            out.append(sp.Integer(0))
        elif left == -sp.oo:
            out.append(sp.floor(right) - 1)
        elif right == sp.oo:
            out.append(sp.ceiling(left) + 1)
        else:
            out.append(sp.nsimplify((sp.Rational(str(sp.N(left, 30))) + sp.Rational(str(sp.N(right, 30)))) / 2))
            # the midpoint of two rational approximations lies strictly inside when roots are isolated
    return out


def is_polynomial(expr: sp.Expr, symbols: Sequence[sp.Symbol] | None = None) -> bool:
    expr = sp.sympify(expr)
    syms = symbols or sorted(expr.free_symbols, key=str)
    return bool(expr.is_polynomial(*syms)) and not expr.has(sp.Abs, sp.Float)
