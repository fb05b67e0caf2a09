"""Sound reductions of abs / min / max / sqrt inequalities to polynomial ones.

* :func:`sign_cases` splits ``|u|``, ``max(u, v)``, ``min(u, v)`` into closed sign regions
  (``u >= 0`` / ``u <= 0``; ``u >= v`` / ``v >= u``) whose union is the whole space, each with
  the piecewise function replaced by the polynomial that equals it there.  An inequality holds
  on the region iff it holds in every case.
* :func:`lift_sqrt` replaces each ``sqrt(B)`` by a fresh variable ``t`` with ``t >= 0`` and
  ``t^2 = B`` (and ``B >= 0``): on those constraints ``t`` *is* ``sqrt(B)``, so a proof of the
  lifted polynomial inequality on the lifted region is a proof of the original one.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp


@dataclass
class Case:
    expr: sp.Expr
    constraints: list[sp.Basic]
    description: str


def _piecewise_atoms(e: sp.Expr) -> list[sp.Expr]:
    return [a for a in sp.preorder_traversal(e) if isinstance(a, sp.Abs | sp.Max | sp.Min)]


def _innermost(e: sp.Expr) -> sp.Expr | None:
    for a in _piecewise_atoms(e):
        if not any(_piecewise_atoms(arg) for arg in a.args):
            return a
    return None


def sign_cases(expr: sp.Expr, constraints: list[sp.Basic] | None = None,
               max_cases: int = 16) -> list[Case] | None:
    """All sign cases of ``expr`` (None when more than ``max_cases`` would be needed)."""
    todo = [Case(sp.sympify(expr), list(constraints or []), "")]
    done: list[Case] = []
    while todo:
        case = todo.pop()
        atom = _innermost(case.expr)
        if atom is None:
            done.append(case)
            if len(done) + len(todo) > max_cases:
                return None
            continue
        branches = []
        if isinstance(atom, sp.Abs):
            u = atom.args[0]
            branches = [(u, u >= 0, f"{u} >= 0"), (-u, u <= 0, f"{u} <= 0")]
        else:
            args = list(atom.args)
            if len(args) != 2:
                return None
            u, v = args
            first, second = (u, v) if isinstance(atom, sp.Max) else (v, u)
            branches = [(first, u >= v, f"{u} >= {v}"), (second, v >= u, f"{v} >= {u}")]
        for value, rel, text in branches:
            if rel is sp.false:
                continue
            extra = [] if rel is sp.true else [rel]
            todo.append(Case(case.expr.xreplace({atom: value}), case.constraints + extra,
                             (case.description + "; " if case.description else "") + text))
        if len(done) + len(todo) > max_cases:
            return None
    return done


def _half_power(a: sp.Basic) -> bool:
    """B^(n/2) for an odd integer n (sqrt(B), 1/sqrt(B), B^(3/2), ...)."""
    return isinstance(a, sp.Pow) and a.exp.is_Rational and a.exp.q == 2


def lift_sqrt(expr: sp.Expr, constraints: list[sp.Basic]
              ) -> tuple[sp.Expr, list[sp.Basic], dict[sp.Symbol, sp.Expr]]:
    """Replace every sqrt(B) (B without sqrt) in the expression and the constraints by a fresh
    symbol t >= 0 with t^2 = B, B >= 0; odd powers B^(n/2), also negative ones, become t^n."""
    expr = sp.sympify(expr)
    lifted: dict[sp.Symbol, sp.Expr] = {}
    extra: list[sp.Basic] = []
    cons = list(constraints)
    k = 0
    while True:
        roots = [a for part in (expr, *cons) for a in sp.preorder_traversal(part) if _half_power(a) and not any(
            _half_power(b) for b in sp.preorder_traversal(a.base))]
        if not roots:
            break
        r = sp.sqrt(roots[0].base)
        t = sp.Symbol(f"sqrt_{k}", nonnegative=True)
        k += 1
        lifted[t] = r

        def lift(e: sp.Basic, base: sp.Expr = r.base, t: sp.Symbol = t) -> sp.Basic:
            # B^(n/2) -> t^n for every odd n (1/sqrt(B) -> 1/t: defined only where B > 0)
            return e.replace(lambda node: _half_power(node) and node.base == base,
                             lambda node: t ** int(2 * node.exp))

        expr = lift(expr)
        cons = [lift(c) for c in cons]
        extra += [c for c in (sp.Eq(t**2, r.base), r.base >= 0) if c is not sp.true]
    return expr, cons + extra, lifted
