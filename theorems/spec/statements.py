"""Statement types: what a claim says, compiled to the engines (which decide the verdict).

Each statement is a frozen dataclass with ``check(ctx) -> Outcome`` and ``replace(**changes)``
(a reading is the printed statement with a change).  The types cover the shapes that recur in
the papers:

* :class:`Identity` - a derived formula equals the printed one (exact SymPy).
* :class:`Inequality` - a symbolic expression is >= 0 (> 0) over a domain.
* :class:`Holds` - a numerically evaluated slack is >= 0 at every instance of a domain.
* :class:`Along` - a bound at every step of a GD/GF trajectory started in a domain.
* :class:`Order` - an O(.) statement: measured/claimed stays bounded along a family.
* :class:`AllOf`, :class:`ForEach` - conjunctions; every part runs in its own guard.
* :class:`Uncheckable` - nothing checkable is stated (with the reason a referee accepts).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy as sp

from .. import engines
from ..claim import ClaimError, Context, Outcome, all_of, inconclusive, proof_with_cross_checks
from ..claim import guarded as claim_guarded
from .domain import Domain, symbols_point


class Statement:
    """Base class: a checkable statement."""

    label: str = ""

    def check(self, ctx: Context) -> Outcome:  # pragma: no cover - abstract
        raise NotImplementedError

    def replace(self, **changes: Any) -> Statement:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def hypotheses(self) -> str:
        dom = getattr(self, "domain", None)
        return dom.text() if isinstance(dom, Domain) else ""


def guarded(part: Statement, ctx: Context) -> Outcome:
    """Run one part; a crash becomes an ERROR outcome (never a verdict) with the exception."""
    return claim_guarded(part.check, ctx, part.label)


# ---------------------------------------------------------------------- identity


@dataclass(frozen=True)
class Identity(Statement):
    """``derived`` (what SymPy derives) equals ``printed`` (as printed), exactly.

    PROVED when the difference reduces to 0; otherwise REFUTED with an exact rational witness
    drawn from ``domain`` (or ``sample``), and the derived formula is shown beside the printed
    one.  Matrices are compared entrywise."""

    derived: Any
    printed: Any
    domain: Domain | None = None
    label: str = ""
    sample: Callable[[Any], Mapping[sp.Symbol, Any]] | None = None
    show: Callable[[sp.Expr], str] = sp.sstr

    def check(self, ctx: Context) -> Outcome:
        return engines.identity(self.derived, self.printed, ctx, label=self.label,
                                sample=self.sample or self._witnesses(), show=self.show)

    def _witnesses(self) -> Callable[[Any], Mapping[sp.Symbol, Any]] | None:
        if self.domain is None:
            return None
        dom = self.domain
        syms = _free_symbols(self.derived) | _free_symbols(self.printed)
        counter = iter(range(10**9))

        def draw(rng):
            inst = dom.sample(rng, next(counter))
            return symbols_point(inst, syms)

        return draw


def _free_symbols(e: Any) -> set[sp.Symbol]:
    e = sp.sympify(e)
    return set(e.free_symbols) if hasattr(e, "free_symbols") else set()


# ---------------------------------------------------------------------- inequality


@dataclass(frozen=True)
class Inequality(Statement):
    """``expr >= 0`` (``> 0`` if strict) over ``domain`` (scalar variables named like the
    expression's symbols; vectors as a1..ad).  Exact certificates first (the engine's order:
    factorisation/Sturm, SOS, branch and bound), then ball arithmetic at sampled exact points
    and a search.  ``lhs``/``rhs`` forms: use ``Inequality.of(lhs, "<=", rhs, ...)``."""

    expr: Any
    domain: Domain | None = None
    strict: bool = False
    label: str = ""

    @staticmethod
    def of(lhs: Any, op: str, rhs: Any, domain: Domain | None = None, label: str = "") -> Inequality:
        lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
        if op in ("<=", "<"):
            return Inequality(rhs - lhs, domain, op == "<", label)
        if op in (">=", ">"):
            return Inequality(lhs - rhs, domain, op == ">", label)
        raise ClaimError(f"Inequality.of: unknown relation {op!r}")

    def check(self, ctx: Context) -> Outcome:
        expr = sp.sympify(self.expr)
        dom = self.domain
        constraints = dom.constraints() if dom is not None else []
        if constraints:  # one symbol per name: the expression's (whatever its assumptions)
            by_name = {str(v): v for v in expr.free_symbols}
            constraints = [c.xreplace({v: by_name[str(v)] for v in c.free_symbols if str(v) in by_name})
                           for c in constraints]
        syms = sorted(expr.free_symbols, key=str)
        drawn = sorted(set(syms).union(*(c.free_symbols for c in constraints or [])), key=str)
        sample = search = None
        if dom is not None:
            def sample(rng, i):  # every symbol the expression or a constraint names
                return symbols_point(dom.sample(rng, i), drawn)

            if all(str(s) in dom.names for s in drawn) and dom.search_dimension() == len(dom.names):
                search = engines.Search([(0.0, 1.0)] * len(dom.names), lambda x: dom.from_unit(list(x)))
        return engines.inequality(expr, ctx, strict=self.strict,
                                  constraints=constraints if constraints is not None else [],
                                  sample=sample, search=search, label=self.label,
                                  prove=constraints is not None)


# ---------------------------------------------------------------------- sampled slack


@dataclass(frozen=True)
class Holds(Statement):
    """``slack(instance, dps) >= 0`` (``> 0`` if strict) at every instance of ``domain``.

    The slack returns an mpf (normalise it, e.g. divide by the bound) or None when a
    hypothesis that only the computation can test fails (counted as not applicable).  Instances
    outside the domain are never evaluated.  ``certify(instance)`` (an arb ball of the slack)
    gives CERTIFIED; ``describe`` adds measured values to a counterexample; ``figure(instance,
    path)`` draws the monitored quantity."""

    slack: Callable[[Mapping[str, Any], int], Any]
    domain: Domain
    strict: bool = False
    label: str = ""
    describe: Callable[[Mapping[str, Any], int], Mapping[str, Any]] | None = None
    figure: Callable[[Mapping[str, Any], str], None] | None = None
    certify: Callable[[Mapping[str, Any]], Any] | None = None
    method: str = "mpmath sampling"
    float64: bool = False
    samples: int | None = None
    search: bool = True
    exact: Callable[[Mapping[str, Any]], Fraction | None] | None = None
    informative: tuple[str, Callable[[Mapping[str, Any]], bool]] | None = None

    def check(self, ctx: Context) -> Outcome:
        """``informative=(text, test)`` names the instances where the claim could fail (e.g. the
        regime a theorem's extra term is about); a pass with none of them evaluated is labelled
        uninformative (INCONCLUSIVE), never counted as support."""
        dom, f = self.domain, self.slack
        certify = self.certify
        if certify is None and self.exact is not None:
            certify = _exact_certifier(self.exact, dom)
        seen: dict[str, int] = {"applicable": 0, "informative": 0}

        def slack(inst, dps):
            return f(inst, dps) if dom.contains(inst) else None

        def count(inst, v, dps):  # in the engine's fold: the slack itself may run on a Dask worker
            if dps == ctx.dps:
                seen["applicable"] += 1
                if self.informative is not None and self.informative[1](inst):
                    seen["informative"] += 1

        out = engines.sampled(slack, dom.sample, ctx, label=self.label, strict=self.strict,
                              samples=self.samples, search=self._search() if self.search else None,
                              certify=certify, describe=self.describe, method=self.method,
                              figure=self.figure, float64=self.float64, observe=count)
        cex = out.counterexample
        if cex is not None:  # the engine only evaluates inside the domain; say so, exactly
            cex.values.setdefault("inside the hypotheses", "yes, checked exactly: " + dom.text())
        if self.informative is not None:
            out.details["informative_instances"] = f"{seen['informative']} of {seen['applicable']} ({self.informative[0]})"
            if out.verdict.passes and seen["informative"] == 0:
                return engines.uninformative(
                    f"no applicable instance had {self.informative[0]}: every one lies where the claim cannot "
                    "fail", out.method, label=self.label, **out.details)
        return out

    def _search(self) -> engines.Search | None:  # noqa: D401
        dom = self.domain
        n = dom.search_dimension()
        if n == 0 or n > 12:
            return None
        return engines.Search([(0.0, 1.0)] * n, lambda x: dom.from_unit(list(x)))


def _exact_certifier(exact: Callable[[Mapping[str, Any]], Fraction | None], dom: Domain):
    """The slack computed in exact rational arithmetic, as a ball of radius 0."""
    from flint import arb, fmpq

    def certify(inst):
        if not dom.contains(inst):
            return None
        v = exact(inst)
        return None if v is None else arb(fmpq(v.numerator, v.denominator))

    return certify


# ---------------------------------------------------------------------- trajectories


@dataclass(frozen=True)
class Along(Statement):
    """A bound at every step of a trajectory: ``run(instance, dps)`` returns the states (GD
    iterates or GF samples; raise ``SimulationDiverged`` on divergence, return None when a
    hypothesis on the trajectory fails), ``bound(state, instance)`` the slack at one state
    (>= 0 holds; None where the bound does not apply).  The claim's slack at an instance is the
    minimum over the trajectory; the step where it is attained is reported.

    A bound whose smallest slack sits at t = 0 at every sampled instance has not been stressed
    along the trajectory: the check then runs again (samples and search) on the steps t >= 1
    alone, so that the search is steered to the later steps, and both parts decide."""

    run: Callable[[Mapping[str, Any], int], Sequence[Any] | None]
    bound: Callable[[Any, Mapping[str, Any]], Any]
    domain: Domain
    strict: bool = False
    label: str = ""
    describe: Callable[[Mapping[str, Any], int], Mapping[str, Any]] | None = None
    figure: Callable[[Mapping[str, Any], str], None] | None = None
    method: str = "mpmath trajectories"
    samples: int | None = None

    def _slack(self, inst: Mapping[str, Any], dps: int, first: int = 0) -> Any:
        worst = self._worst(inst, dps, first)
        return None if worst is None else worst[0]

    def _worst(self, inst: Mapping[str, Any], dps: int, first: int = 0) -> tuple[Any, int] | None:
        states = self.run(inst, dps)
        if states is None:
            return None
        best = None
        for t, s in enumerate(states):
            if t < first:
                continue
            v = self.bound(s, inst)
            if v is None:
                continue
            if best is None or v < best[0]:
                best = (v, t)
        return best

    def check(self, ctx: Context) -> Outcome:
        user_describe = self.describe

        def describe(inst, dps):
            out: dict[str, Any] = {}
            w = self._worst(inst, dps)
            if w is not None:
                out["worst step t"] = str(w[1])
                out["slack at that step"] = w[0]
            if user_describe:
                out.update(user_describe(inst, dps))
            return out

        out = Holds(self._slack, self.domain, strict=self.strict, label=self.label,
                    describe=describe, figure=self.figure, method=self.method,
                    samples=self.samples).check(ctx)
        worst_at = out.details.get("worst_instance")
        if not out.verdict.passes or worst_at is None or not self._worst_at_start(ctx, out):
            return out
        later = Holds(lambda inst, dps: self._slack(inst, dps, first=1), self.domain, strict=self.strict,
                      label=f"{self.label} (steps t >= 1: the smallest slack was at t = 0)",
                      describe=describe, method=self.method, samples=self.samples).check(ctx)
        return all_of([out.named(self.label), later]).named(self.label)

    def _worst_at_start(self, ctx: Context, out: Outcome) -> bool:
        """Is the smallest slack of the tightest sampled instance attained at t = 0?"""
        try:
            inst = {k: _parse_exact(v) for k, v in out.details["worst_instance"].items()}
            w = self._worst(inst, ctx.dps)
        except (ValueError, KeyError, TypeError):
            return False
        return w is not None and w[1] == 0


def _parse_exact(text: str) -> Any:
    """Inverse of numeric.precision.fmt_exact for rationals and (nested) vectors."""
    text = text.strip()
    if text.startswith("["):
        inner = text[1:-1].strip()
        if not inner:
            return ()
        parts, depth, cur = [], 0, ""
        for ch in inner:
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
                continue
            depth += ch == "["
            depth -= ch == "]"
            cur += ch
        parts.append(cur)
        return tuple(_parse_exact(p) for p in parts)
    return Fraction(text)


# ---------------------------------------------------------------------- O(.) claims


@dataclass(frozen=True)
class Order(Statement):
    """An O(.) statement along a family: ``ratio(p, dps)`` = measured / claimed order at the
    parameter p, for p in ``params`` (exact, ordered towards the limit).  The engine fits,
    tests for growth and saturation, and needs ``min_decades`` of usable parameter range."""

    ratio: Callable[[Fraction, int], Any]
    params: Sequence[Fraction] | Callable[[Context], Sequence[Fraction]]
    family: str = ""
    label: str = ""
    min_decades: float | None = 2.0
    bounded_by: float | None = None
    inputs_of: Callable[[Fraction], Mapping[str, str]] | None = None
    independent_points: bool = False  # ratio is pure in (p, dps): points may run on Dask workers

    def check(self, ctx: Context) -> Outcome:
        params = self.params(ctx) if callable(self.params) else self.params
        return engines.growth(list(params), self.ratio, ctx, label=self.label, family=self.family,
                              bounded_by=self.bounded_by, inputs_of=self.inputs_of,
                              min_decades=self.min_decades, independent_points=self.independent_points)


# ---------------------------------------------------------------------- combinators


@dataclass(frozen=True)
class AllOf(Statement):
    """A conjunction: REFUTED if a part is, ERROR if a part crashed, INCONCLUSIVE if a part
    is, else the weakest positive verdict.  Each part runs in its own guard."""

    parts: tuple[Statement, ...] = ()
    label: str = ""

    def __init__(self, *parts: Statement, label: str = ""):
        flat: list[Statement] = []
        for p in parts:
            if isinstance(p, list | tuple):
                flat.extend(p)
            else:
                flat.append(p)
        if not flat:
            raise ClaimError("AllOf needs at least one part")
        for p in flat:
            if not isinstance(p, Statement):
                raise ClaimError(f"AllOf: {p!r} is not a statement")
        object.__setattr__(self, "parts", tuple(flat))
        object.__setattr__(self, "label", label)

    def check(self, ctx: Context) -> Outcome:
        out = all_of([guarded(p, ctx) for p in self.parts])
        return out.named(self.label) if self.label else out

    def replace(self, **changes: Any) -> AllOf:
        parts = changes.pop("parts", self.parts)
        return AllOf(*parts, label=changes.pop("label", self.label))

    def hypotheses(self) -> str:
        texts = [p.hypotheses() for p in self.parts]
        return " | ".join(dict.fromkeys(t for t in texts if t))


def ForEach(values: Iterable[Any], make: Callable[[Any], Statement], label: str = "{}") -> AllOf:  # noqa: N802
    """One part per value (e.g. the dimensions d = 1, 2, 3), each labelled with its own label
    and ``label.format(value)``; the conjunction carries the parts' common label."""
    parts, bases = [], []
    for v in values:
        p = make(v)
        tag = label.format(v)
        bases.append(p.label)
        parts.append(p.replace(label=f"{p.label} {tag}".strip()))
    common = bases[0] if bases and all(b == bases[0] for b in bases) else ""
    return AllOf(*parts, label=common)


@dataclass(frozen=True)
class ProofWithCrossChecks(Statement):
    """A proof (exact statements) with numeric cross-checks
    (:func:`theorems.claim.proof_with_cross_checks`): when every proof part is PROVED, passing
    cross-checks are listed in the details and cannot add to the proof; a failing cross-check
    still enters the verdict (it can refute, or expose a contradiction).  When a proof part is
    not PROVED, every part is in the conjunction."""

    proof: tuple[Statement, ...]
    checks: tuple[Statement, ...]
    label: str = ""

    def check(self, ctx: Context) -> Outcome:
        out = proof_with_cross_checks([guarded(p, ctx) for p in self.proof],
                                      [guarded(c, ctx) for c in self.checks])
        return out.named(self.label) if self.label else out

    def hypotheses(self) -> str:
        texts = [p.hypotheses() for p in (*self.proof, *self.checks)]
        return " | ".join(dict.fromkeys(t for t in texts if t))


@dataclass(frozen=True)
class FiniteLimit(Statement):
    """An O(.) statement decided from a closed form: ``ratio`` (measured / claimed order, >= 0)
    has the exact SymPy limit L as ``var -> point``; the statement is 1/(1 + L) > 0, i.e. L
    is finite (then the ratio, continuous on its range, is bounded near the limit point), and
    the inequality engine decides it.  L = oo makes it false; a limit SymPy cannot compute
    (unevaluated, or an interval of accumulation points) leaves it undecided with that reason.
    Use it where a sweep cannot tell a c - b/log p tail from slow growth."""

    ratio: Any
    var: Any
    point: Any
    label: str = ""
    domain: Domain | None = None
    direction: str = "+"

    def check(self, ctx: Context) -> Outcome:
        L = sp.simplify(sp.limit(self.ratio, self.var, self.point, self.direction))
        where = f"{self.var} -> {self.point}{self.direction if self.point in (0, sp.S.Zero) else ''}"
        if L.has(sp.Limit) or L.has(sp.AccumBounds) or L.has(sp.zoo, sp.nan):
            return Uncheckable(f"SymPy finds no limit of the ratio as {where} ({L}); a closed-form bound is needed",
                               label=self.label).check(ctx)
        return Inequality(1 / (1 + L), self.domain, strict=True,
                          label=f"{self.label}: lim_({where}) ratio = {sp.sstr(L)} (SymPy limit of the closed form) "
                          "is finite").check(ctx)

    def hypotheses(self) -> str:
        return self.domain.text() if self.domain is not None else ""


@dataclass(frozen=True)
class Uncheckable(Statement):
    """Nothing checkable is stated (a citation, a qualitative remark): INCONCLUSIVE with the
    reason, which must be one a referee accepts."""

    reason: str
    label: str = ""

    def check(self, ctx: Context) -> Outcome:
        return inconclusive(self.reason, "not checkable").named(self.label)


@dataclass(frozen=True)
class Custom(Statement):
    """An escape hatch for checks that no statement type expresses yet: ``fn(ctx)`` must
    return an engine's Outcome.  Prefer a statement type; a recurring Custom shape should
    become one."""

    fn: Callable[[Context], Outcome]
    label: str = ""
    hypotheses_text: str = field(default="")

    def check(self, ctx: Context) -> Outcome:
        return self.fn(ctx)

    def hypotheses(self) -> str:
        return self.hypotheses_text
