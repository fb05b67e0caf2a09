"""A conjecture in one dimension (a :class:`Problem`) and its checks: pointwise relations
(identity / inequality), GD trajectories and rates, compiled to spec statements and engines."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath as mp
import sympy as sp

from numeric import ball
from numeric.dynamics import SimulationDiverged, integrate_flow
from numeric.precision import mpf_of
from numeric.taylor_ode import Diverged as TaylorDiverged
from numeric.taylor_ode import TaylorFlow
from numeric.taylor_ode import Unsupported as TaylorUnsupported
from symbolic.derive import time_derivative
from symbolic.models import ReducedShallowLinear
from symbolic.provers import is_polynomial

from .. import engines
from ..claim import ClaimError, Context, Outcome, Verdict, all_of, inconclusive
from ..expr_parser import DDT, T_SYMBOL, Relation
from ..regions import Region, ball_safe, ball_value, make_relation, polynomial_form
from ..spec import Holds, Identity
from ..vocabulary import Instance
from . import witness
from .models import D_SYMBOL
from .parse import Atom, Conjecture
from .probes import probe

# ---------------------------------------------------------------------- per-dimension problems


@dataclass
class Problem:
    """A conjecture in one dimension, in the model's symbols."""

    d: int
    inst: Instance
    claims: list[tuple[str, Relation, dict[sp.Symbol, Atom]]]  # label, relation, atoms used
    assumptions: list[tuple[Relation, dict[sp.Symbol, Atom]]]
    region: Region
    prover_constraints: list[sp.Basic] | None
    path_conditions: list[tuple[Relation, dict[sp.Symbol, Atom]]] = field(default_factory=list)


def _expand_indexed(conj: Conjecture, rel: Relation, d: int) -> list[tuple[int | None, Relation, dict[sp.Symbol, Atom]]]:
    """Copies of ``rel`` for every component i when it uses indexed names; with atoms."""
    refs = conj.refs
    syms = (rel.lhs.free_symbols | rel.rhs.free_symbols) if isinstance(rel.lhs, sp.Basic) else set()
    if isinstance(rel.rhs, sp.Basic):
        syms |= rel.rhs.free_symbols
    used = {s: refs[s] for s in syms if s in refs}
    indexed = any(conj.model.terms.get(r.name) and conj.model.terms[r.name].indexed for r in used.values())
    out = []
    for i in (range(d) if indexed else [None]):
        sub: dict[sp.Symbol, sp.Symbol] = {}
        atoms: dict[sp.Symbol, Atom] = {}
        for s, r in used.items():
            term = conj.model.terms.get(r.name)
            ii = i if term is not None and term.indexed else None
            new = sp.Symbol(f"{s.name}#{ii + 1}", real=True) if ii is not None else s
            sub[s] = new
            atoms[new] = Atom(r.name, r.when, ii)
        rel2 = Relation(rel.lhs.xreplace(sub), rel.op, rel.rhs.xreplace(sub), rel.col, rel.text)
        out.append((i, rel2, atoms))
    return out


def _value(conj: Conjecture, inst: Instance, atom: Atom, col: int) -> sp.Expr:
    """The model expression of a name (at the current state)."""
    if atom.name in inst.values:
        return inst.values[atom.name]
    if atom.name in inst.indexed:
        return inst.indexed[atom.name][atom.i or 0]
    term = conj.model.terms.get(atom.name)
    if term is not None and term.d1_only:
        raise ClaimError(f"column {col}: {atom.name!r} is a scalar only when d = 1 (here d = "
                         f"{inst.d}); use {atom.name}_i")
    raise ClaimError(f"column {col}: {atom.name!r} is not available in {inst.model.name}")


def _is_state(conj: Conjecture, name: str) -> bool:
    t = conj.model.terms.get(name)
    return t is not None and t.role == "state"


def _pointwise(conj: Conjecture, inst: Instance, rel: Relation, atoms: dict[sp.Symbol, Atom],
               t0: bool = False) -> tuple[sp.Expr, sp.Expr]:
    """(lhs, rhs) in model symbols; ``t0``: trajectory names evaluated at t = 0 (initial)."""
    sub: dict[sp.Symbol, sp.Expr] = {D_SYMBOL: sp.Integer(inst.d), T_SYMBOL: sp.Integer(0)}
    for s, a in atoms.items():
        v = _value(conj, inst, a, rel.col)
        if a.when == "next" or (isinstance(a.when, tuple) and a.when[1] == 1 and a.when[0] == "t"):
            v = inst.model.after_step(v) if _is_state(conj, a.name) else v
        sub[s] = v
    lhs, rhs = rel.lhs.xreplace(sub), rel.rhs.xreplace(sub)
    if lhs.has(DDT) or rhs.has(DDT):  # d/dt along gradient flow, derived by SymPy (chain rule)
        model = inst.model
        lhs, rhs = (side.replace(DDT, lambda e: time_derivative(model, e)) for side in (lhs, rhs))
    for side in (lhs, rhs):
        if side.has(sp.I):
            raise ClaimError(f"column {rel.col}: {rel.text!r} is not real-valued (d = {inst.d})")
        if side.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise ClaimError(f"column {rel.col}: non-finite value in {rel.text!r} for d = {inst.d}")
    return lhs, rhs


def _atoms_initial(atoms: dict[sp.Symbol, Atom], conj: Conjecture, rel: Relation) -> bool:
    """True if the relation only involves values at t = 0 and parameters."""
    if rel.lhs.has(T_SYMBOL) or rel.rhs.has(T_SYMBOL):
        return False
    return all(not _is_state(conj, a.name) or a.when == ("abs", 0) for a in atoms.values())


def _atoms_now(atoms: dict[sp.Symbol, Atom], conj: Conjecture, rel: Relation) -> bool:
    if rel.lhs.has(T_SYMBOL) or rel.rhs.has(T_SYMBOL):
        return False
    return all(not _is_state(conj, a.name) or a.when in ("now", ("t", 0), ("abs", 0))
               for a in atoms.values())


def _problem(conj: Conjecture, d: int) -> Problem:
    if d in conj.problems:
        return conj.problems[d]
    inst = conj.model.instance(d)
    timed = conj.kind in ("trajectory", "rate")
    claims = []
    for rel in conj.claim.relations:
        for i, rel2, atoms in _expand_indexed(conj, rel, d):
            label = f"d={d}" + (f", i={i + 1}" if i is not None else "")
            if len(conj.claim.relations) > 1:
                label += f": {rel.text}"
            claims.append((label, rel2, atoms))
    assumptions = []
    for rel in conj.assume.relations:
        assumptions.extend((rel2, atoms) for _, rel2, atoms in _expand_indexed(conj, rel, d))
    region_rels: list[sp.Basic] = []
    path: list[tuple[Relation, dict[sp.Symbol, Atom]]] = []
    for rel, atoms in assumptions:
        if timed and not _atoms_initial(atoms, conj, rel):
            path.append((rel, atoms))
            if not _atoms_now(atoms, conj, rel):
                continue  # only checkable along the run
        lhs, rhs = _pointwise(conj, inst, rel, atoms)
        r = make_relation(lhs, rel.op, rhs)
        if r is sp.false:
            raise ClaimError(f"--assume at column {rel.col}: empty assumption region: "
                             f"{rel.text!r} can never hold (d = {d})")
        if r is not sp.true:
            region_rels.append(r)
    # the standing hypotheses, where their symbols matter
    claim_syms: set[sp.Symbol] = set()
    if not timed:
        for _, rel, atoms in claims:
            lhs, rhs = _pointwise(conj, inst, rel, atoms)
            claim_syms |= lhs.free_symbols | rhs.free_symbols
    else:
        claim_syms = set(inst.inputs)
    region_syms = claim_syms.union(*(r.free_symbols for r in region_rels))
    for r in inst.standing:
        if r.free_symbols & region_syms:
            region_rels.append(r)
            region_syms |= r.free_symbols
    inputs = [s for s in inst.inputs if s in region_syms]
    region = Region(inputs, region_rels, inst.model.eta, inst.positive_inputs)
    prover: list[sp.Basic] | None = []
    for r in region_rels:
        poly = polynomial_form(r)
        if poly is None:
            prover = None
            break
        prover.extend(poly)
    prob = Problem(d, inst, claims, assumptions, region, prover, path)
    _check_region(conj, prob)
    conj.problems[d] = prob
    return prob


def _check_region(conj: Conjecture, prob: Problem) -> None:
    """A clear error for an empty or contradictory assumption region."""
    import random

    rng = random.Random(f"region:{conj.claim_text}:{prob.d}")
    if not prob.region.relations:
        return
    for k in range(8):
        if prob.region.draw(rng, k, tries=250) is not None:
            return
    where = f" (d = {prob.d})" if conj.model.has_dim else ""
    text = " and ".join(conj.assume_texts) or conj.model.standing_text
    if prob.prover_constraints is not None and _z3_empty(prob.prover_constraints):
        raise ClaimError(f"--assume: contradictory assumptions{where}: no point satisfies "
                         f"{text!r} (z3 proves the region empty)")
    raise ClaimError(f"--assume: empty assumption region{where}: no exact point satisfying "
                     f"{text!r} found in 2000 draws (empty, or too thin to sample: rewrite "
                     "an equation as 'input == expression')")


def _z3_empty(constraints: list[sp.Basic]) -> bool:
    try:
        import z3

        from symbolic.provers import _to_z3_rel
    except ImportError:  # pragma: no cover
        return False
    free = sorted(set().union(*(c.free_symbols for c in constraints)), key=str)
    zv = {s: z3.Real(str(s)) for s in free}
    solver = z3.SolverFor("QF_NRA")
    solver.set("timeout", 3000)
    try:
        solver.add(*[_to_z3_rel(c, zv) for c in constraints])
    except NotImplementedError:
        return False
    for s, v in zv.items():
        if s.is_positive:
            solver.add(v > 0)
    return solver.check() == z3.unsat


# ---------------------------------------------------------------------- samplers and slacks


def _inst_of(point: dict[sp.Symbol, Fraction], d: int, has_dim: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"d": Fraction(d)} if has_dim else {}
    out.update({str(s): v for s, v in point.items()})
    return out


def _point_of(inst: dict[str, Any], symbols: Sequence[sp.Symbol]) -> dict[sp.Symbol, Fraction] | None:
    """The exact point of an instance; coordinates given symbolically (:mod:`.witness`) stay
    SymPy constants."""
    try:
        return {s: inst[str(s)] if witness.is_symbolic(inst[str(s)]) else Fraction(inst[str(s)])
                for s in symbols}
    except (KeyError, TypeError, ValueError):
        return None


def _norm_slack(lhs, rhs, op: str):
    """Normalised slack: >= 0 iff the relation holds (> 0 for strict)."""
    if isinstance(lhs, mp.mpc) or isinstance(rhs, mp.mpc):
        if mp.im(lhs) != 0 or mp.im(rhs) != 0:
            return None
        lhs, rhs = mp.re(lhs), mp.re(rhs)
    if not (mp.isfinite(lhs) and mp.isfinite(rhs)):
        return None
    scale = abs(lhs) + abs(rhs)
    if op in ("<", "<="):
        g = rhs - lhs
    elif op in (">", ">="):
        g = lhs - rhs
    else:
        g = -abs(lhs - rhs)
    return g / scale if scale else g


def _sampler(prob: Problem, has_dim: bool, fixed: dict[sp.Symbol, Fraction] | None = None):
    if fixed is not None:
        return lambda rng, i: _inst_of(fixed, prob.d, has_dim)

    def draw(rng, i):
        p = prob.region.draw(rng, i)
        if p is None:  # outside: the slack says "not applicable"
            p = {s: Fraction(0) for s in prob.region.inputs}
        return _inst_of(p, prob.d, has_dim)

    return draw


def _search(prob: Problem, has_dim: bool, to_point: Callable | None = None) -> engines.Search | None:
    bounds, how = prob.region.box()
    if not bounds:
        return None

    def to_instance(x):
        p = prob.region.from_box(x, how)
        return None if p is None else _inst_of(p, prob.d, has_dim)

    return engines.Search(bounds, to_instance)


def _pointwise_check(conj: Conjecture, prob: Problem, label: str, rel: Relation,
                     atoms: dict[sp.Symbol, Atom], ctx: Context,
                     fixed: dict[sp.Symbol, Fraction] | None) -> Outcome:
    """One relation in one dimension, compiled to spec statements: an :class:`Identity`
    (exact SymPy), else an exact proof attempt (:func:`engines.inequality`), then a
    :class:`Holds` over the assumption region (a :class:`RelationDomain`) whose first instances
    are the probe points of :mod:`.probes` (equality set, closed boundaries, large scales)."""
    inst = prob.inst
    lhs, rhs = _pointwise(conj, inst, rel, atoms)
    symbols = sorted(lhs.free_symbols | rhs.free_symbols | set(prob.region.inputs), key=str)
    region = prob.region
    if rel.op == "==" and fixed is None:
        def sample(rng):
            for k in range(50):
                p = region.draw(rng, rng.randrange(1000) + k, simple=True)
                if p is not None:
                    return {s: sp.Rational(v.numerator, v.denominator) for s, v in p.items()}
            raise ClaimError("no admissible point for an identity witness")

        out = Identity(lhs, rhs, label=label, sample=sample).check(ctx)
        _add_derived(conj, prob, out, atoms, rel)
        if out.verdict is Verdict.REFUTED and not _real_at_witness(out, (lhs, rhs), ctx.dps):
            pass  # a witness where a side is not real is no counterexample: sampling decides
        elif out.verdict is not Verdict.INCONCLUSIVE:
            return out
    f_l = sp.lambdify(symbols, lhs, modules="mpmath")
    f_r = sp.lambdify(symbols, rhs, modules="mpmath")
    strict = rel.op in ("<", ">")
    diff = (rhs - lhs) if rel.op in ("<", "<=") else (lhs - rhs)
    if rel.op == "==":
        diff = -sp.Abs(lhs - rhs)
    bdiff = ball_safe(diff)
    ball_ok = _ball_ok(bdiff, region)

    def exact_sign(p, dps):
        """The difference in ball arithmetic when its sign is certain (else None)."""
        if not ball_ok:
            return None
        b = _exact_ball(bdiff, p, dps)
        if b is not None and (ball.certainly_negative(b) or ball.certainly_positive(b)):
            return mp.mpf(b.mid().str(dps + 10, radius=False))
        return None

    growth_checks = _growth_guards(lhs - rhs, symbols)
    too_large: list[int] = [0]

    def slack(instance, dps):
        p = _point_of(instance, symbols)
        if p is not None and witness.has_symbolic(p):  # beyond every rational: arb balls
            return witness.normalised_slack(lhs, rhs, rel.op, p, dps) if witness.contains(region, p) else None
        if p is None or not region.contains(p):
            return None
        args = [mpf_of(p[s]) for s in symbols]
        if not _within_range(growth_checks, args):
            # beyond e^(10^8) mpmath would abort (GMP); arb keeps huge exponents as integers
            v = witness.normalised_slack(lhs, rhs, rel.op, p, dps)
            if v is None:
                too_large[0] += 1
            return v
        try:
            s = _norm_slack(f_l(*args), f_r(*args), rel.op)
        except (ZeroDivisionError, ValueError, OverflowError, TypeError):
            s = None
        if s is None or abs(s) <= mp.mpf(10) ** (-(dps // 2)):
            # the normalised slack is below roundoff (or not computable in mpmath): the exact
            # difference in ball arithmetic decides its sign where it can
            e = exact_sign(p, dps)
            if e is not None:
                return e
        if isinstance(s, int | float) and not isinstance(s, bool):
            s = mp.mpf(s)  # a constant claim: lambdify returns plain Python numbers
        return s if isinstance(s, mp.mpf) else None

    certify = None
    if rel.op != "==" and ball_ok:
        def certify(instance):
            p = _point_of(instance, symbols)
            if p is not None and witness.has_symbolic(p):
                return witness.certify_ball(bdiff, p, ctx.dps) if witness.contains(region, p) else None
            if p is None or not region.contains(p):
                return None
            return _exact_ball(bdiff, p, ctx.dps)

    def describe(instance, dps):
        p = _point_of(instance, symbols)
        if p is not None and witness.has_symbolic(p):
            return {k: str(witness.ball_of(side, p, int(3.33 * dps) + 64))
                    for k, side in (("lhs", lhs), ("rhs", rhs))}
        args = [mpf_of(p[s]) for s in symbols] if p else []
        return {"lhs": f_l(*args), "rhs": f_r(*args)} if p else {}

    parts: list[Outcome] = []
    edges: list[dict[sp.Symbol, Fraction]] = []
    dim = prob.d if conj.model.has_dim else None
    probes = None
    if fixed is None and rel.op != "==":
        probes = probe(diff, strict, region, f"{ctx.seed}:{label}:{rel.text}")

    def holds(edge_points, samples, search, method):
        domain = witness.SymbolicRelationDomain(region, edges=edge_points, dimension=dim)
        return Holds(lambda i, dps: slack(i, dps), domain,
                     strict=strict, label=label, describe=describe, certify=certify,
                     samples=samples, search=search, method=method)

    if probes is not None:
        # a quick screen (probe points and a few draws) before the exact provers, which can
        # take many seconds: a typical false conjecture is refuted here
        pts = [p for _, p in probes.points]
        screen = holds(pts, len(pts) + 24, False, "exact sampling (screen)").check(ctx)
        if screen.verdict is Verdict.REFUTED:
            screen.details["coverage"] = probes.coverage()
            return screen
    if (rel.op != "==" and fixed is None and prob.prover_constraints is not None
            and _small_polynomial(diff)):
        try:
            proof = engines.inequality(diff, ctx, strict=strict,
                                       constraints=prob.prover_constraints, label=label)
        except Exception as exc:  # noqa: BLE001 - a prover failing on this shape: sampling decides
            proof = inconclusive(f"no exact certificate (the prover stopped: "
                                 f"{type(exc).__name__}: {str(exc)[:120]})", "exact provers")
        if proof.verdict is Verdict.PROVED:
            return proof
        if proof.verdict is Verdict.REFUTED and proof.counterexample is not None:
            # the z3 model becomes the first instance: REFUTED only if the sampled statement
            # confirms it (so the reproduce line, which re-runs the same slack, reproduces it)
            z3_point = {sp.Symbol(k): Fraction(v) for k, v in proof.counterexample.inputs.items()}
            z3_point = {s: z3_point.get(sp.Symbol(str(s)), Fraction(0)) for s in region.inputs}
            if region.contains(z3_point):
                edges.append(z3_point)
        parts.append(proof)
    if fixed is not None:
        edges = [fixed]
    elif probes is not None:
        edges += [p for _, p in probes.points]
    n = 1 if fixed is not None else ctx.budget.samples + len(edges)
    out = holds(edges, n, fixed is None,
                "exact sampling + search" if fixed is None else "exact point").check(ctx)
    if parts:
        out.details["symbolic"] = parts[0].details
    if too_large[0]:
        out.details["not evaluable (beyond e^(10^8), and no finite ball)"] = too_large[0]
    if probes is not None:
        cover = probes.coverage()
        if cover:
            out.details["coverage"] = cover
            if out.verdict.passes and out.summary:
                out.summary += f"; covered {cover}"
        if probes.limits and out.verdict in (Verdict.CERTIFIED, Verdict.SUPPORTED):
            # false far out, beyond every representable sample: never a positive verdict
            out = inconclusive(
                f"{probes.limits[0]}: the claim fails far out, beyond every exact point "
                f"probed (up to 10^{probes.decades}); no representable counterexample",
                "exact sampling + SymPy limit").named(label)
            out.details["coverage"] = probes.coverage()
    if rel.op == "==":
        _add_derived(conj, prob, out, atoms, rel)
    return out


def _real_at_witness(out: Outcome, sides: tuple[sp.Expr, ...], dps: int) -> bool:
    """Both sides are finite reals (finite arb balls) at the identity engine's witness."""
    cex = out.counterexample
    if cex is None:
        return False
    try:
        p = {sp.Symbol(k, real=True): Fraction(v) for k, v in cex.inputs.items()}
    except (ValueError, ZeroDivisionError, TypeError):
        return False
    for side in sides:
        point = {s: p.get(sp.Symbol(str(s), real=True)) for s in side.free_symbols}
        if any(v is None for v in point.values()):
            return False
        b = _exact_ball(side, point, dps)
        if b is None or not b.is_finite():
            return False
    return True


GROWTH_LIMIT = 10**8  # exp(x) and b^e evaluated only while |x|, |e log b| stay below this


def _growth_guards(expr: sp.Expr, symbols: list[sp.Symbol]) -> list:
    """Exponents that decide the size of exp(.) and variable powers in ``expr``, innermost
    first, as mpmath functions of the inputs (evaluated at 15 digits before the slack)."""
    found: list[sp.Expr] = []
    for node in sp.postorder_traversal(expr):
        if isinstance(node, sp.exp):
            found.append(node.args[0])
        elif isinstance(node, sp.Pow) and not node.exp.is_number:
            found.append(node.exp * sp.log(sp.Abs(node.base) + 1))
        elif isinstance(node, sp.Pow) and node.exp.is_number and not node.exp.is_Integer:
            continue
        elif isinstance(node, sp.cosh | sp.sinh):
            found.append(node.args[0])
    out, seen = [], set()
    for e in found:
        if e in seen or not e.free_symbols:
            continue
        seen.add(e)
        out.append(sp.lambdify(symbols, e, modules="mpmath"))
    return out


def _within_range(checks: list, args: list) -> bool:
    if not checks:
        return True
    with mp.workdps(15):
        for f in checks:
            try:
                v = f(*args)
            except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                return False
            if isinstance(v, mp.mpc):
                v = abs(v)
            if not mp.isfinite(v) or abs(v) > GROWTH_LIMIT:
                return False
    return True


def _exact_ball(expr: sp.Expr, p: dict[sp.Symbol, Fraction], dps: int):
    """``expr`` at an exact point as an arb ball, at a precision that grows with the point's
    digits; when the ball cannot tell the sign and the numbers are small, SymPy's exact
    arithmetic decides whether it is an exact zero (then a ball of radius 0)."""
    from flint import arb, fmpq

    digits = max((len(str(abs(v.numerator))) + len(str(v.denominator)) for v in p.values()),
                 default=1)
    bits = min(int(3.4 * (2 * dps + digits)) + 64, 200_000)
    try:
        b = ball.evaluate(expr, {s: p[s] for s in expr.free_symbols}, prec_bits=bits)
    except Exception:  # noqa: BLE001 - no ball at this point
        b = None
    if b is not None and (ball.certainly_positive(b) or ball.certainly_negative(b)):
        return b
    small = digits <= 200 and all(not (q.exp.is_Integer and abs(q.exp) > 64)
                                  for q in expr.atoms(sp.Pow))
    if small:
        e = expr.xreplace({s: sp.Rational(v.numerator, v.denominator) for s, v in p.items()})
        if e.is_Rational:
            return arb(fmpq(int(e.p), int(e.q)))
    return b


PROVER_MAX_SYMBOLS = 6
PROVER_MAX_TERMS = 400
PROVER_MAX_DEGREE = 40  # lam**1000: Sturm sequences and expansions of that degree take minutes
PROVER_MAX_DIGITS = 60  # constants such as 10**999 make z3 and the factorisation crawl


def _small_polynomial(expr: sp.Expr) -> bool:
    """Worth a symbolic proof attempt: SymPy's multivariate factorisation (the exact
    certificate) takes minutes beyond a handful of variables, sampling does not."""
    if not is_polynomial(expr) or len(expr.free_symbols) > PROVER_MAX_SYMBOLS:
        return False
    if any(f.is_number for f in expr.atoms(sp.Function)):
        return False  # constants such as cosh(10**5): not a polynomial over the rationals
    if any(not a.is_Rational for a in expr.atoms(sp.Number)) or any(
            len(str(abs(a.p))) + len(str(a.q)) > PROVER_MAX_DIGITS for a in expr.atoms(sp.Rational)):
        return False  # irrational constants (exp(-exp(100))) or huge ones: sampling decides
    if any(p.exp.is_Integer and abs(p.exp) > PROVER_MAX_DEGREE for p in expr.atoms(sp.Pow)):
        return False
    return len(sp.Add.make_args(sp.expand(expr))) <= PROVER_MAX_TERMS


def _ball_ok(expr: sp.Expr, region: Region) -> bool:
    """Can ball arithmetic evaluate ``expr`` in the region (tried at a few points)?"""
    import random

    rng = random.Random(0)
    for i in range(3):
        p = region.draw(rng, i)
        if p is not None and ball_value(expr, p) is None:
            return False
    return True


# ---------------------------------------------------------------------- derived formulas

_RED = ReducedShallowLinear()
_E, _L, _P, _H = (sp.Symbol("eps", real=True), sp.Symbol("lam", real=True),
                  sp.Symbol("Phi", real=True), sp.Symbol("eta", positive=True))
_REDUCED = {  # shallow-linear quantities that are functions of (eps, lam, Phi) in every d
    "eps": _RED.eps, "lam": _RED.lam, "ab": _RED.eps + _RED.Phi, "loss": _RED.eps**2 / 2,
    "alpha": _RED.lam**2 - 8 * _RED.eps * (_RED.eps + _RED.Phi) + 4 * _RED.eps**2,
    "Q2gram": _RED.lam**2 - 4 * (_RED.eps + _RED.Phi) ** 2,
}


def _reduced_text(e: sp.Expr) -> str:
    ren = {_RED.eps: _E, _RED.lam: _L, _RED.Phi: _P, _RED.eta: _H}
    return sp.sstr(sp.factor(sp.expand(e.xreplace(ren))))


def _add_derived(conj: Conjecture, prob: Problem, out: Outcome, atoms: dict[sp.Symbol, Atom],
                 rel: Relation) -> None:
    """Beside an identity verdict: the exact one-step change of each X_next in the claim."""
    if out.verdict is Verdict.PROVED:
        return
    extra: dict[str, str] = {}
    for a in atoms.values():
        if a.when != "next" or not _is_state(conj, a.name):
            continue
        key = f"one-step change {a.name}_next - {a.name}"
        if conj.model.name == "shallow_linear" and a.name in _REDUCED:
            q = _REDUCED[a.name]
            extra[key + " (every d)"] = _reduced_text(_RED.step(q) - q)
        else:
            v = _value(conj, prob.inst, a, rel.col)
            extra[key + f" (d={prob.d})"] = sp.sstr(sp.factor(prob.inst.model.after_step(v) - v))
    if extra:
        out.derived = {**(out.derived or {}), **extra}


# ---------------------------------------------------------------------- trajectories


class _Trajectory:
    """GD runs of a model instance at a given precision, with quantities per step."""

    def __init__(self, conj: Conjecture, prob: Problem):
        self.conj, self.prob = conj, prob
        m = prob.inst.model
        self.state = list(prob.inst.state)
        self.others = [s for s in prob.inst.inputs if s not in self.state]
        args = self.state + self.others
        self.args = args
        self.step = sp.lambdify(args, [m.gd_map[x] for x in self.state], modules="mpmath")
        self.grad = sp.lambdify(args, list(m.gradient), modules="mpmath")
        self.funcs: dict[tuple[str, int | None], Callable] = {}
        self.field: Callable | None = None
        self.taylor: TaylorFlow | bool | None = None  # compiled on first use; False: unsupported
        self.field64: Callable | None = None
        self.runs: dict[tuple, list] = {}  # gradient-flow runs by (exact inputs, dps, screen)
        self.initial_only = False  # set by the check: the claim looks only at t = 0
        self.cumul: dict[str, Callable] = {}
        for name, (_, summand) in prob.inst.cumulative.items():
            self.cumul[name] = sp.lambdify(args, summand, modules="mpmath")

    def _flow(self, point: dict[sp.Symbol, Fraction], x: list, rest: list, dps: int) -> list[list]:
        """The state at the user's times along dx/dt = -grad L(x): Taylor series with automatic
        differentiation in gmpy2 (:mod:`numeric.taylor_ode`), mpmath's Taylor integrator for
        fields it does not cover (abs, min, max, atan); both error-controlled to ``dps`` digits."""
        fields = [self.prob.inst.model.gf_field[v] for v in self.state]
        times = list(self.conj.times)
        if self.taylor is None:
            try:
                self.taylor = TaylorFlow(fields, self.state, self.others)
            except TaylorUnsupported:
                self.taylor = False
        if self.taylor:
            y0 = [point.get(s, Fraction(0)) for s in self.state]
            prm = [point.get(s, Fraction(0)) for s in self.others]
            try:
                ys = self.taylor.solve(y0, times, prm, digits=dps, max_steps=GF_MAX_STEPS)
            except TaylorDiverged as exc:
                raise SimulationDiverged(str(exc)) from None
            return [[mp.mpf(str(v)) for v in y] for y in ys]
        field = self.field
        return integrate_flow(lambda t, y: list(field(*y, *rest)), x, [mpf_of(t) for t in times],
                              tol=mp.mpf(10) ** (-dps))

    def _check_speed(self, x: list, rest: list) -> None:
        """A stiff start (|grad L| t_last > GF_MAX_TRAVEL (1 + |x|)): integrating it would take
        minutes; counted as "diverged" (not evaluated) in the evidence, never as support."""
        if self.field is None:
            fields = [self.prob.inst.model.gf_field[v] for v in self.state]
            self.field = sp.lambdify(self.args, fields, modules="mpmath")
        speed = max(abs(v) for v in self.field(*x, *rest))
        if speed * mpf_of(self.conj.times[-1]) > GF_MAX_TRAVEL * (1 + max(abs(v) for v in x)):
            raise SimulationDiverged("gradient flow too fast from this point to integrate "
                                     "within the budget")

    def _flow64(self, point: dict[sp.Symbol, Fraction]) -> list[list] | None:
        """The state at the user's times in float64 (scipy DOP853 at rtol 1e-12), or None when
        a second run at rtol 1e-10 differs by more than 1e-8 (relative), or anything overflows:
        a screen only, never the basis of a refutation (confirmations run :meth:`_flow`)."""
        import numpy as np
        from scipy.integrate import solve_ivp

        fields = [self.prob.inst.model.gf_field[v] for v in self.state]
        if self.field64 is None:
            self.field64 = sp.lambdify(self.args, fields, modules="numpy")
        try:
            y0 = [float(point.get(s, 0)) for s in self.state]
            rest = [float(point.get(s, 0)) for s in self.others]
        except OverflowError:
            return None
        times = [float(t) for t in self.conj.times]
        f = self.field64

        calls = [0]

        def rhs(t, y):
            calls[0] += 1
            if calls[0] > GF_MAX_EVALUATIONS:
                raise SimulationDiverged("gradient flow too stiff to integrate within the budget")
            return np.array(f(*y, *rest), dtype=float)

        sols = []
        with np.errstate(all="ignore"):
            for rtol in (1e-12, 1e-10):
                try:
                    sol = solve_ivp(rhs, (0.0, times[-1]), y0, method="DOP853", t_eval=times,
                                    rtol=rtol, atol=rtol * 1e-2)
                except (ValueError, OverflowError, ZeroDivisionError, TypeError):
                    return None
                if not sol.success or sol.y.shape[1] != len(times) or not np.all(np.isfinite(sol.y)):
                    return None
                sols.append(sol.y)
        a, b = sols
        if np.max(np.abs(a - b) / (1 + np.abs(a))) > 1e-8:
            return None
        return [[mp.mpf(float(v)) for v in a[:, j]] for j in range(len(times))]

    def func(self, atom: Atom) -> Callable:
        key = (atom.name, atom.i)
        if key not in self.funcs:
            v = _value(self.conj, self.prob.inst, atom, 1)
            self.funcs[key] = sp.lambdify(self.args, v, modules="mpmath")
        return self.funcs[key]

    def run(self, point: dict[sp.Symbol, Fraction], steps: int, dps: int,
            screen: bool = False) -> list[list]:
        """The run from ``point``: [states, other inputs, per-run cache].  ``screen`` (gradient
        flow only): float64 states when two tolerances agree (``cache["float64"]`` is set;
        the caller re-runs precisely where the slack is close to 0)."""
        x = [mpf_of(point[s]) if s in point else mp.mpf(0) for s in self.state]
        rest = [mpf_of(point[s]) if s in point else mp.mpf(0) for s in self.others]
        if self.conj.flow == "gf" and self.initial_only:
            return [[x], rest, {}]  # nothing is asked after t = 0
        if self.conj.flow == "gf":  # gradient flow at the user's times, error-controlled
            key = (tuple(sorted((str(k), v) for k, v in point.items())), dps, screen)
            if key not in self.runs:  # the same exact inputs and precision: the same run
                self._check_speed(x, rest)
                ys = self._flow64(point) if screen else None
                if ys is not None:
                    self.runs[key] = [[x, *ys], rest, {"float64": True}]
                else:
                    self.runs[key] = [[x, *self._flow(point, x, rest, dps)], rest, {}]
                if len(self.runs) > 64:
                    self.runs.pop(next(iter(self.runs)))
            return self.runs[key]
        xs = [x]
        tol = mp.mpf(10) ** (-(dps * 45) // 100)
        for t in range(steps):
            g = self.grad(*x, *rest)
            if max(abs(v) for v in g) <= tol * (1 + max(abs(v) for v in x)):
                break
            x = [mp.mpf(v) if not isinstance(v, mp.mpf) else v for v in self.step(*x, *rest)]
            if any(not mp.isfinite(v) or abs(v) > 1e30 for v in x):
                raise SimulationDiverged(f"GD diverged at step {t + 1}")
            xs.append(x)
        return [xs, rest, {}]


GF_MAX_TRAVEL = 10  # |grad L(x0)| * t_last / (1 + |x0|) above this: not integrated (stiff)
GF_MAX_STEPS = 400  # Taylor steps per run; more: counted as diverged (a stiff flow)
GF_MAX_EVALUATIONS = 20_000  # float64 field evaluations per screening run; more: stiff
SCREEN_MARGIN = mp.mpf(10) ** -6  # float64-screened slacks closer to 0 are recomputed precisely


def _series_value(tr: _Trajectory, data, atom: Atom, t: int):
    """The value of a name at step t of a run (cached per run; sums as prefix sums)."""
    xs, rest, cache = data
    key = (atom.name, atom.i)
    series = cache.get(key)
    if series is None:
        series = cache[key] = []
    if atom.name in tr.cumul:
        f = tr.cumul[atom.name]
        if not series:
            series.append(mp.mpf(0))
        while len(series) <= t:
            k = len(series) - 1
            series.append(series[-1] + f(*xs[k], *rest))
        return series[t]
    f = tr.func(atom)
    while len(series) <= t:
        series.append(f(*xs[len(series)], *rest))
    return series[t]


def _offsets(atoms: dict[sp.Symbol, Atom], conj: Conjecture) -> tuple[int, int, bool]:
    """(min offset, max offset, depends on t) of the time indices of a relation."""
    lo, hi, timed = 0, 0, False
    for a in atoms.values():
        if not _is_state(conj, a.name) and a.name not in conj.model.cumulative_text:
            continue
        if a.when in ("now",):
            timed = True
        elif a.when == "next":
            timed, hi = True, max(hi, 1)
        elif isinstance(a.when, tuple) and a.when[0] == "t":
            timed = True
            lo, hi = min(lo, a.when[1]), max(hi, a.when[1])
        elif isinstance(a.when, tuple):
            hi = max(hi, a.when[1])  # absolute index must exist
    return lo, hi, timed


def _rel_at(tr: _Trajectory, data, rel: Relation, atoms: dict[sp.Symbol, Atom], t: int,
            fns: dict) -> tuple[Any, Any]:
    key = id(rel)
    if key not in fns:
        syms = sorted(atoms, key=str)
        args = [*syms, T_SYMBOL, D_SYMBOL]
        fns[key] = (syms, sp.lambdify(args, rel.lhs, modules="mpmath"),
                    sp.lambdify(args, rel.rhs, modules="mpmath"))
    syms, fl, fr = fns[key]
    vals = []
    for s in syms:
        a = atoms[s]
        if not _is_state(tr.conj, a.name) and a.name not in tr.cumul:
            k = 0
        elif a.when == "now":
            k = t
        elif a.when == "next":
            k = t + 1
        elif a.when[0] == "t":  # type: ignore[index]
            k = t + a.when[1]  # type: ignore[index]
        else:
            k = a.when[1]  # type: ignore[index]
        vals.append(_series_value(tr, data, a, k))
    tval = t if tr.conj.flow == "gd" else (mp.mpf(0) if t == 0 else mpf_of(tr.conj.times[t - 1]))
    return fl(*vals, tval, tr.prob.d), fr(*vals, tval, tr.prob.d)


def _t_range(atoms: dict[sp.Symbol, Atom], conj: Conjecture, rel: Relation, T: int) -> range:
    lo, hi, timed = _offsets(atoms, conj)
    if not timed and not (rel.lhs.has(T_SYMBOL) or rel.rhs.has(T_SYMBOL)):
        return range(0, 1) if hi <= T else range(0)
    return range(-lo, T - hi + 1)


def _trajectory_check(conj: Conjecture, prob: Problem, ctx: Context,
                      fixed: dict[sp.Symbol, Fraction] | None) -> Outcome:
    tr = _Trajectory(conj, prob)
    steps = min(conj.steps, ctx.budget.max_steps)
    has_dim = conj.model.has_dim
    symbols = list(prob.region.inputs) or list(prob.inst.inputs)
    fns: dict = {}
    worst_t: dict[str, Any] = {}

    def assess(data):
        """(best claim slack or None if not applicable, smallest |slack| seen)."""
        T = len(data[0]) - 1
        closest = mp.inf
        for rel, atoms in prob.path_conditions:
            for t in _t_range(atoms, conj, rel, T):
                lv, rv = _rel_at(tr, data, rel, atoms, t, fns)
                s = _norm_slack(lv, rv, rel.op)
                if s is not None and t > 0:  # t = 0: the exact initial point, no integration
                    closest = min(closest, abs(s))
                if s is None or s < 0 or (rel.op in ("<", ">") and s == 0):
                    return None, closest  # a trajectory hypothesis fails: not applicable
        best = None
        for label, rel, atoms in prob.claims:
            for t in _t_range(atoms, conj, rel, T):
                lv, rv = _rel_at(tr, data, rel, atoms, t, fns)
                s = _norm_slack(lv, rv, rel.op)
                if s is None:
                    continue
                if t > 0:
                    closest = min(closest, abs(s))
                if best is None or s < best[0]:
                    best = (s, t, label, lv, rv, T)
        return best, closest

    # gradient flow: the samples at the working precision are screened in float64; a slack
    # within SCREEN_MARGIN of 0 (where float64 error could flip a sign), and every
    # re-evaluation at 2x/3x digits, runs the error-controlled Taylor integrator
    screen = conj.flow == "gf" and fixed is None
    # a claim (and path conditions) that only look at t = 0 need no integration at all
    tr.initial_only = conj.flow == "gf" and not any(
        _offsets(atoms, conj)[1:] != (0, False) or rel.lhs.has(T_SYMBOL) or rel.rhs.has(T_SYMBOL)
        for rel, atoms in [*((r, a) for _, r, a in prob.claims), *prob.path_conditions])

    def evaluate(instance, dps):
        p = _point_of(instance, symbols)
        if p is None or not prob.region.contains(p):
            return None
        if fixed is not None and any(p.get(k) != v for k, v in fixed.items()):
            return None  # --at checks that one point only (no simpler nearby points are tried)
        data = tr.run(p, steps, dps, screen=screen and dps <= ctx.dps)
        best, closest = assess(data)
        if data[2].get("float64") and closest < SCREEN_MARGIN:
            best, _ = assess(tr.run(p, steps, dps))
        return best

    def slack(instance, dps):
        best = evaluate(instance, dps)
        return None if best is None else best[0]

    def describe(instance, dps):
        best = evaluate(instance, dps)
        if best is None:
            return {}
        s, t, label, lv, rv, T = best
        worst_t["t"] = t
        return {"worst t": str(t), "relation": label, "lhs at worst t": lv, "rhs at worst t": rv,
                "steps computed": str(T)}

    strict = all(rel.op in ("<", ">") for _, rel, _ in prob.claims)
    return engines.sampled(slack, _sampler(prob, has_dim, fixed), ctx, label=f"d={prob.d}",
                           strict=strict, samples=1 if fixed else None,
                           search=None if fixed or conj.flow == "gf" else _search(prob, has_dim), describe=describe,
                           method=f"mpmath GD trajectories ({steps} steps max)" if conj.flow == "gd"
                           else "gradient flow at t = " + ", ".join(map(str, conj.times))
                           + " (Taylor series integrator, error control to the working precision; "
                           "samples screened in float64 DOP853 where two tolerances agree and the "
                           "slack is not within 1e-6 of 0)")


def _rate_check(conj: Conjecture, prob: Problem, ctx: Context,
                fixed: dict[sp.Symbol, Fraction] | None) -> Outcome:
    import random

    tr = _Trajectory(conj, prob)
    steps = min(conj.steps, ctx.budget.max_steps)
    (label, rel, atoms), *_ = prob.claims
    inner = Relation(rel.lhs, "<=", rel.rhs.args[0], rel.col, rel.text)
    fns: dict = {}
    rng = ctx.rng(f"rate:{prob.d}")
    points: list[dict[sp.Symbol, Fraction]] = []
    if fixed is not None:
        points = [fixed]
    else:
        for i in range(6 * 3):
            p = prob.region.draw(rng if i else random.Random(ctx.seed), i)
            if p is not None and p not in points:
                points.append(p)
            if len(points) >= 3:
                break
    parts = []
    for p in points:
        cache: dict[int, Any] = {}

        def data_at(dps, p=p, cache=cache):
            if dps not in cache:
                with mp.workdps(dps):
                    cache[dps] = tr.run(p, steps, dps)
            return cache[dps]

        try:
            base = data_at(ctx.dps)
        except SimulationDiverged:
            continue
        ok = True
        T = len(base[0]) - 1
        for prel, patoms in prob.path_conditions:
            for t in _t_range(patoms, conj, prel, T):
                s = _norm_slack(*_rel_at(tr, base, prel, patoms, t, fns), prel.op)
                if s is None or s < 0:
                    ok = False
        if not ok or T < 10:
            continue
        n = max(ctx.budget.sweep_points, 10)
        ts = sorted({max(1, round(T * (k + 1) / n)) for k in range(n)})

        def ratio(param, dps, p=p, data_at=data_at):
            data = data_at(dps)
            lv, rv = _rel_at(tr, data, inner, atoms, int(param), fns)
            return abs(lv) / abs(rv) if rv != 0 else None

        inputs = _inst_of(p, prob.d, conj.model.has_dim)
        parts.append(engines.growth([Fraction(t) for t in ts], ratio, ctx,
                                    label=f"d={prob.d} run {len(parts) + 1}",
                                    family="t along one GD run",
                                    inputs_of=lambda param, inputs=inputs: {
                                        **{k: str(v) for k, v in inputs.items()}, "t": str(param)}))
    if not parts:
        return engines.not_checkable("no admissible run with at least 10 steps before "
                                     "convergence")(ctx)
    return all_of(parts)


