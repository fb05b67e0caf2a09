"""ahn §2.1 / App. C: the assumptions (A1), (A2), (A2+), (A3) on ell as predicates.

Each predicate takes a :class:`symbolic.losses.Loss` and returns an engine :class:`Outcome`
(REFUTED when the loss violates the assumption, with an exact witness).  Work per piece of
ell' on [0, oo):

* symbolic where SymPy can: evenness (identity of the two branches / of the closed form),
  ell'(0) = 0 and ell''(0) = 1 (exact limits), polynomial piece inequalities (exact
  certificate + z3 via :func:`engines.inequality`), the leading term a u^k of u - ell'(u) at
  0 (decides the *existential* local parts of (A2) and (A3) exactly);
* otherwise ball arithmetic (python-flint arb) at sampled exact points of each piece plus a
  scipy search for violations (:func:`engines.inequality` / :func:`engines.sampled`).

Nothing here says a loss *should* pass: the engines decide.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath as mp
import sympy as sp

from numeric import ball
from symbolic.losses import OO, Loss, Piece, u
from symbolic.provers import is_polynomial

from ... import engines
from ...claim import Budget, Context, Outcome, all_of, inconclusive

U_FAR = 60  # where sampling of an unbounded last piece stops (log-spaced up to U_FAR)


def _frac(x: sp.Expr) -> Fraction:
    x = sp.nsimplify(x)
    if x.is_Rational:
        return Fraction(int(x.p), int(x.q))
    return Fraction(float(sp.N(x, 30))).limit_denominator(10**12)


def const_check(value: sp.Expr, ctx: Context, label: str, strict: bool) -> Outcome:
    """An exact constant compared with 0 (value > 0 if strict, else >= 0), decided by the
    sampled engine with an exact ball certificate (a ball of radius 0 at 0 refutes strictness)."""
    v = sp.nsimplify(sp.sympify(value))

    def slack(inst, dps):
        return mp.mpf(sp.N(v, dps + 10))

    return engines.sampled(slack, lambda rng, i: {}, ctx, label=label, strict=strict, samples=1,
                           certify=lambda inst: ball.evaluate(v, {}), method="exact constant",
                           describe=lambda inst, dps: {"value": sp.sstr(v)})


def piece_ineq(expr: sp.Expr, lo: sp.Expr, hi: sp.Expr, ctx: Context, label: str, *,
               strict: bool = False, open_lo: bool = False, samples: int | None = None) -> Outcome:
    """expr(u) >= 0 (> 0 if strict) for u in [lo, hi] (``(lo, hi]`` if open_lo; hi may be oo)."""
    expr = sp.sympify(expr)
    if not expr.has(u):
        return const_check(expr, ctx, label, strict)
    lo_f = float(lo)
    hi_f = float(hi) if hi is not OO else max(U_FAR, 2 * lo_f + 10)
    cons = [u > lo if open_lo else u >= lo]
    if hi is not OO:
        cons.append(u <= hi)

    def sample(rng, i):
        pts = []
        if not open_lo:
            pts.append(_frac(lo))
        if hi is not OO:
            pts.append(_frac(hi))
        if i < len(pts):
            return {u: pts[i]}
        k = i - len(pts)
        if k % 3 == 0:  # close to lo: probes u -> lo+ (the u -> 0 behaviour of the first piece)
            return {u: _frac(lo) + Fraction(10 ** rng.uniform(-6, math.log10(max(hi_f - lo_f, 1e-9))))
                    .limit_denominator(10**12)}
        if k % 3 == 1 and hi is OO:
            return {u: Fraction(10 ** rng.uniform(math.log10(max(lo_f, 1e-3)), math.log10(hi_f)))
                    .limit_denominator(10**6)}
        return {u: Fraction(rng.uniform(lo_f, hi_f)).limit_denominator(10**9)}

    n = samples if samples is not None else max(8, ctx.budget.samples // 2)
    sub = Context(Budget(ctx.budget.name, n, ctx.budget.search_iters // 2, ctx.budget.max_steps,
                         ctx.budget.sweep_points), ctx.dps, ctx.seed, None)
    if is_polynomial(expr, [u]):
        return engines.inequality(expr, sub, strict=strict, constraints=cons, sample=sample,
                                  search_box={u: (lo_f, hi_f)}, label=label)
    # non-polynomial piece: ball arithmetic at sampled exact points + search (engines.sampled)
    f = sp.lambdify(u, expr, modules="mpmath")

    def inside(x: Fraction) -> bool:
        X = sp.Rational(x.numerator, x.denominator)
        return (X > lo if open_lo else X >= lo) and (hi is OO or X <= hi)

    def slack(inst, dps):
        x = inst["u"]
        return mp.mpf(f(mp.mpf(x.numerator) / x.denominator)) if inside(x) else None

    def certify(inst):
        x = inst["u"]
        return ball.evaluate(expr, {u: x}) if inside(x) else None

    def to_instance(v):
        x = Fraction(float(v[0])).limit_denominator(10**9)
        return {"u": x} if inside(x) else None

    return engines.sampled(slack, lambda rng, i: {"u": sample(rng, i)[u]}, sub, label=label, strict=strict,
                           certify=certify, search=engines.Search([(lo_f, hi_f)], to_instance),
                           method="ball arithmetic at sampled exact points")


def _pieces_of(loss: Loss, neg: bool = False) -> tuple[Piece, ...]:
    return loss.neg if (neg and loss.neg is not None) else loss.pieces


def _lead(expr: sp.Expr) -> tuple[sp.Expr, sp.Expr] | None:
    """(a, k) with expr ~ a u^k as u -> 0+ (a = 0, k = oo when expr vanishes identically)."""
    e = sp.simplify(expr)
    if e == 0:
        return sp.Integer(0), OO
    try:
        lt = e.as_leading_term(u)
    except Exception:  # noqa: BLE001 - SymPy could not expand: caller reports INCONCLUSIVE
        return None
    a, k = lt.as_coeff_exponent(u)
    if a.has(u) or not k.is_number:
        return None
    return sp.nsimplify(a), sp.nsimplify(k)


# ---------------------------------------------------------------- (A1)


def check_even(loss: Loss, ctx: Context) -> Outcome:
    """ell even <=> ell' odd: the negative branch equals the positive one piece by piece; a
    closed form ell(s), when given, must satisfy ell(-s) = ell(s) and d/ds ell = g on s > 0."""
    parts = []
    neg = _pieces_of(loss, True)
    if len(neg) != len(loss.pieces) or any(a.lo != b.lo or a.hi != b.hi for a, b in zip(neg, loss.pieces, strict=False)):
        return inconclusive("branches with different breakpoints: not compared", "evenness")
    for i, (p, q) in enumerate(zip(loss.pieces, neg, strict=True)):
        parts.append(engines.identity(q.expr, p.expr, ctx, label=f"ell'(-u) = -ell'(u) on piece {i}",
                                      sample=lambda rng, p=p: {u: sp.Rational(rng.randint(0, 99), 100) * (
                                          1 if p.hi is OO else p.hi - p.lo) + p.lo}))
    if loss.ell_expr is not None and not loss.ell_expr.has(sp.Piecewise):
        from symbolic.losses import s
        parts.append(engines.identity(loss.ell_expr.subs(s, -s), loss.ell_expr, ctx, label="ell(-s) = ell(s)"))
        parts.append(engines.identity(sp.diff(loss.ell_expr, s).subs(s, u).rewrite(sp.exp),
                                      loss.pieces[0].expr.rewrite(sp.exp), ctx,
                                      label="d/ds ell = g on s >= 0"))
    return all_of(parts).named("even")


def check_normalised(loss: Loss, ctx: Context) -> Outcome:
    """ell'(0) = 0 and ell''(0) = 1, both one-sided limits (so ell is C^2 near 0: the first piece
    is a SymPy expression on [0, hi) and ell'' is continuous at 0)."""
    parts = []
    for side, pcs in (("s>0", loss.pieces), ("s<0", _pieces_of(loss, True))):
        e = pcs[0].expr
        parts.append(engines.identity(sp.limit(e, u, 0, "+"), 0, ctx, label=f"ell'(0) = 0 ({side})"))
        parts.append(engines.identity(sp.limit(sp.diff(e, u), u, 0, "+"), 1, ctx, label=f"ell''(0) = 1 ({side})"))
    return all_of(parts).named("ell'(0)=0, ell''(0)=1, C^2 at 0")


def check_convex(loss: Loss, ctx: Context) -> Outcome:
    """ell' nondecreasing on R: ell'' >= 0 on every piece of both branches, no downward jumps of
    ell' at breakpoints, and -h(0) <= g(0) across 0."""
    parts = []
    for side, neg in (("s>0", False), ("s<0", True)):
        if side == "s<0" and loss.neg is None:
            continue
        pcs = _pieces_of(loss, neg)
        for i, p in enumerate(pcs):
            parts.append(piece_ineq(sp.diff(p.expr, u), p.lo, p.hi, ctx, f"ell'' >= 0 on piece {i} ({side})"))
        for a, b in zip(pcs, pcs[1:], strict=False):
            parts.append(const_check(b.expr.subs(u, b.lo) - a.expr.subs(u, a.hi), ctx,
                                     f"no downward jump of ell' at u = {a.hi} ({side})", strict=False))
    parts.append(const_check(loss.pieces[0].expr.subs(u, 0) + _pieces_of(loss, True)[0].expr.subs(u, 0), ctx,
                             "no downward jump of ell' at 0", strict=False))
    return all_of(parts).named("convex")


def check_lipschitz(loss: Loss, ctx: Context) -> Outcome:
    """|ell'| <= 1: 1 - g(u) >= 0 and 1 + g(u) >= 0 on every piece (both branches)."""
    parts = []
    for side, neg in (("s>0", False), ("s<0", True)):
        if side == "s<0" and loss.neg is None:
            continue
        for i, p in enumerate(_pieces_of(loss, neg)):
            parts.append(piece_ineq(1 - p.expr, p.lo, p.hi, ctx, f"ell' <= 1 on piece {i} ({side})"))
            parts.append(piece_ineq(1 + p.expr, p.lo, p.hi, ctx, f"ell' >= -1 on piece {i} ({side})",
                                    samples=6))
    return all_of(parts).named("1-Lipschitz")


def check_dl_lipschitz(loss: Loss, ctx: Context) -> Outcome:
    """ell' is 1-Lipschitz (ell'' <= 1 where it exists; not part of (A1), used by the paper's
    argument for (A2) <=> (A2+)): on every piece of both branches -1 <= ell'' <= 1, and ell' is
    continuous at every breakpoint and across 0 (an upward jump of ell' is a Dirac mass of ell'')."""
    parts = []
    for side, neg in (("s>0", False), ("s<0", True)):
        if side == "s<0" and loss.neg is None:
            continue
        pcs = _pieces_of(loss, neg)
        for i, p in enumerate(pcs):
            d = sp.diff(p.expr, u)
            parts.append(piece_ineq(1 - d, p.lo, p.hi, ctx, f"ell'' <= 1 on piece {i} ({side})"))
            parts.append(piece_ineq(1 + d, p.lo, p.hi, ctx, f"ell'' >= -1 on piece {i} ({side})", samples=6))
        for a, b in zip(pcs, pcs[1:], strict=False):
            parts.append(engines.identity(b.expr.subs(u, b.lo), a.expr.subs(u, a.hi), ctx,
                                          label=f"ell' continuous at u = {a.hi} ({side})"))
    parts.append(engines.identity(-_pieces_of(loss, True)[0].expr.subs(u, 0), loss.pieces[0].expr.subs(u, 0), ctx,
                                  label="ell' continuous at 0"))
    return all_of(parts).named(f"ell' 1-Lipschitz (ell'' <= 1) for {loss.name}")


def check_A1(loss: Loss, ctx: Context) -> Outcome:
    """(A1): ell convex, even, 1-Lipschitz, C^2 near 0 with ell''(0) = 1."""
    return all_of([check_even(loss, ctx), check_normalised(loss, ctx), check_convex(loss, ctx),
                   check_lipschitz(loss, ctx)]).named(f"(A1) for {loss.name}")


# ---------------------------------------------------------------- (A2), (A2+), (A3)


def check_A2_global(loss: Loss, ctx: Context, strict: bool = False) -> Outcome:
    """ell'(s)/s <= 1 for all s != 0, i.e. u - g(u) >= 0 for u > 0 (> 0 when strict)."""
    parts = []
    for side, neg in (("s>0", False), ("s<0", True)):
        if side == "s<0" and loss.neg is None:
            continue
        for i, p in enumerate(_pieces_of(loss, neg)):
            parts.append(piece_ineq(u - p.expr, p.lo, p.hi, ctx, f"ell'(u)/u {'<' if strict else '<='} 1 on piece {i} "
                                    f"({side})", strict=strict, open_lo=(i == 0)))
    return all_of(parts).named("global: ell'(s)/s " + ("< 1" if strict else "<= 1"))


def check_A2_local(loss: Loss, beta: sp.Expr, ctx: Context) -> Outcome:
    """The local part of (A2) for beta < oo, as an existence statement decided exactly: with
    u - g(u) ~ a u^k at 0+, some c > 0 works iff a > 0 and k <= beta + 1."""
    lead = _lead(u - loss.pieces[0].expr)
    if lead is None:
        return inconclusive("SymPy could not find the leading term of u - ell'(u) at 0", "leading term")
    a, k = lead
    parts = [const_check(a, ctx, f"leading coefficient a of u - ell'(u) ~ a u^k is > 0 (a = {sp.sstr(a)})", True)]
    if a != 0:
        parts.append(const_check(beta + 1 - k, ctx, f"leading exponent k = {k} <= beta + 1 = {beta + 1}", False))
    return all_of(parts).named(f"local decay exponent (beta = {beta})")


def check_A2_witness(loss: Loss, beta: sp.Expr, c: sp.Expr, ctx: Context, label: str = "") -> Outcome:
    """ell'(u)/u <= 1 - c u^beta on (0, c], i.e. u - c u^(beta+1) - g(u) >= 0 there."""
    parts = []
    for i, p in enumerate(loss.pieces):
        lo, hi = p.lo, (p.hi if p.hi is OO or p.hi < c else c)
        if hi is OO:
            hi = c
        if lo >= hi:
            continue
        parts.append(piece_ineq(u - c * u ** (beta + 1) - p.expr, lo, hi, ctx,
                                f"ell'(u)/u <= 1 - c u^beta on piece {i} within (0, c]", open_lo=(i == 0)))
    return all_of(parts).named(label or f"(A2) with c = {sp.sstr(c)}")


def check_A2(loss: Loss, ctx: Context, beta: sp.Expr | None = None, witness: bool = False) -> Outcome:
    """(A2) with exponent beta (default: the loss's declared beta)."""
    beta = loss.beta if beta is None else beta
    parts = [check_A2_global(loss, ctx)]
    if beta is not OO:
        parts.append(check_A2_local(loss, beta, ctx))
        if witness and loss.c_a2 is not None:
            parts.append(check_A2_witness(loss, beta, loss.c_a2, ctx))
    return all_of(parts).named(f"(A2) beta={beta} for {loss.name}")


def check_A2plus(loss: Loss, ctx: Context, beta: sp.Expr | None = None) -> Outcome:
    """(A2+) for beta < oo: for every r > 0 some c(r) > 0 has ell'(s)/s <= 1 - c(r)|s|^beta on
    0 < |s| <= r.  Given the local part of (A2), this holds iff ell'(u)/u < 1 for every u > 0
    (each [c, r] is compact and the pieces are continuous on their closures)."""
    beta = loss.beta if beta is None else beta
    if beta is OO:
        return inconclusive("(A2+) is stated for beta < oo", "n/a")
    return all_of([check_A2_local(loss, beta, ctx), check_A2_global(loss, ctx, strict=True)]).named(
        f"(A2+) beta={beta} for {loss.name}")


def check_A3(loss: Loss, ctx: Context, beta: sp.Expr | None = None, witness: bool = False) -> Outcome:
    """(A3): some C > 0 has ell'(s)/s >= 1 - C|s|^beta for all s != 0.  Since ell' >= 0 on
    u > 0 (convexity), (u - g(u))/u^(beta+1) <= u^-beta is bounded away from 0, so (A3) holds
    iff u - g(u) = O(u^(beta+1)) at 0+: leading exponent k >= beta + 1 (or u - g == 0)."""
    beta = loss.beta if beta is None else beta
    if beta is OO:
        return inconclusive("(A3) needs a finite beta", "n/a")
    lead = _lead(u - loss.pieces[0].expr)
    if lead is None:
        return inconclusive("SymPy could not find the leading term of u - ell'(u) at 0", "leading term")
    a, k = lead
    parts = []
    if a != 0:
        parts.append(const_check(k - (beta + 1), ctx, f"leading exponent k = {k} >= beta + 1 = {beta + 1}", False))
    else:
        parts.append(const_check(sp.Integer(0), ctx, "u - ell'(u) vanishes identically near 0", False))
    if witness and loss.C_a3 is not None:
        C = loss.C_a3
        for i, p in enumerate(loss.pieces):
            parts.append(piece_ineq(p.expr - u + C * u ** (beta + 1), p.lo, p.hi, ctx,
                                    f"ell'(u)/u >= 1 - C u^beta on piece {i} (C = {sp.sstr(C)})", open_lo=(i == 0)))
    return all_of(parts).named(f"(A3) beta={beta} for {loss.name}")
