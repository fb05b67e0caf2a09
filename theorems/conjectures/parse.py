"""Parsing and validating a one-line conjecture: kind, assumptions, dimensions."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

import sympy as sp

from ..claim import ClaimError
from ..expr_parser import DDT, T_SYMBOL, BigO, Parsed, Ref, parse
from ..regions import make_relation
from ..vocabulary import ModelSpec
from .models import D_SYMBOL, KINDS, resolve

if TYPE_CHECKING:
    from .compile import Problem

# ====================================================================== one-line conjectures


@dataclass(frozen=True)
class Atom:
    """A vocabulary name at a time (``when``) and, for indexed names, a component ``i``."""

    name: str
    when: object
    i: int | None = None


@dataclass
class Conjecture:
    """A parsed and validated one-line conjecture."""

    model: ModelSpec
    claim_text: str
    assume_texts: list[str]
    kind: str
    claim: Parsed
    assume: Parsed
    dims: tuple[int, ...]
    steps: int
    notes: list[str] = field(default_factory=list)
    flow: str = "gd"  # "gf": X[t] is the gradient flow at the listed times (X[0] at t = 0)
    times: tuple[Fraction, ...] = ()
    problems: dict[int, Problem] = field(default_factory=dict, repr=False)

    @property
    def refs(self) -> dict[sp.Symbol, Ref]:
        return {**self.assume.refs, **self.claim.refs}

    def hypotheses(self) -> str:
        parts = [self.model.standing_text]
        parts += self.assume_texts
        if self.model.has_dim:
            parts.append("d in {" + ", ".join(map(str, self.dims)) + "}")
        return "; ".join(parts)

    def command(self, at: dict[str, str] | None = None, dps: int | None = None) -> str:
        """The one-line command that checks this conjecture (at a point, if given)."""
        words = ["python", "-m", "theorems", "conjecture",
                 *getattr(self.model, "cli_words", ["--model", self.model.name]),
                 "--claim", self.claim_text]
        for a in self.assume_texts:
            words += ["--assume", a]
        words += ["--kind", self.kind]
        if self.flow == "gf":
            words += ["--flow", "gf", "--times", ", ".join(map(str, self.times))]
        elif self.kind in ("trajectory", "rate"):
            words += ["--steps", str(self.steps)]
        if at:
            words += ["--at", ", ".join(f"{k}={v}" for k, v in at.items())]
        if dps:
            words += ["--dps", str(dps)]
        return " ".join(shlex.quote(w) for w in words)


def parse_conjecture(model: str | ModelSpec, claim: str, assume: Sequence[str] | str | None = None,
                     kind: str | None = None, steps: int | None = None, flow: str = "gd",
                     times: str | None = None) -> Conjecture:
    """Parse and validate a one-line conjecture; every problem is a one-line ClaimError.
    ``model``: a built-in model's name or a :class:`ModelSpec` (see :func:`.models.resolve`)."""
    spec = resolve(model)
    if kind is not None and kind not in KINDS:
        raise ClaimError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    assume_texts = [assume] if isinstance(assume, str) else list(assume or [])
    if steps is not None and not (1 <= steps <= 100_000):
        raise ClaimError(f"--steps must be between 1 and 100000 (got {steps})")
    allow_time = kind in (None, "trajectory", "rate")
    vocabulary = sorted(spec.terms) + ([f"{n}_next" for n, t in spec.terms.items() if t.role == "state"])
    cumul = set(spec.cumulative_text)

    def known(name: str, with_time: bool) -> bool:
        if name == "d":
            return False
        return name in spec.terms or (with_time and name in cumul)

    extra = {"d": D_SYMBOL} if spec.has_dim else {}
    parsed = parse(claim, "--claim", lambda n: known(n, allow_time), vocabulary,
                   allow_time=allow_time, allow_O=kind in (None, "rate"), extra_names=extra)
    kind = kind or _infer_kind(parsed)
    timed = kind in ("trajectory", "rate")
    if not timed:
        _forbid_time(parsed, "--claim", kind)
    assumed = Parsed([], {})
    for text in assume_texts:
        p = parse(text, "--assume", lambda n: known(n, timed), vocabulary, allow_time=timed,
                  extra_names=extra)
        assumed.relations += p.relations
        for k, v in p.refs.items():
            assumed.refs.setdefault(k, v)
    _check_kind(parsed, kind)
    dims, notes = _dimensions(spec, parsed, assumed)
    conj = Conjecture(spec, claim.strip(), [a.strip() for a in assume_texts], kind, parsed,
                      assumed, dims, steps or 400, notes)
    if flow not in ("gd", "gf"):
        raise ClaimError(f"--flow must be gd or gf (got {flow!r})")
    if flow == "gf":
        if kind != "trajectory":
            raise ClaimError("--flow gf: a gradient-flow trajectory claim has --kind trajectory "
                             "(X[t] at the --times; for d/dt use ddt(X) in an identity or "
                             "inequality claim)")
        if spec.cumulative_text and any(r.name in spec.cumulative_text for r in conj.refs.values()):
            raise ClaimError("--flow gf: sums over GD steps (S[t], G[t]) have no meaning along GF")
        conj.flow, conj.times = "gf", _parse_times(times)
        conj.steps = len(conj.times)
    elif times:
        raise ClaimError("--times applies to --flow gf")
    return conj


MAX_TIMES = 20


def _parse_times(text: str | None) -> tuple[Fraction, ...]:
    """``"1/2, 1, 2"`` -> increasing positive exact times (at most MAX_TIMES, each <= 100)."""
    if not text or not text.strip():
        raise ClaimError("--flow gf needs --times, e.g. --times \"1/2, 1, 2\"")
    out: list[Fraction] = []
    for piece in text.split(","):
        try:
            t = Fraction(piece.strip())
        except (ValueError, ZeroDivisionError):
            raise ClaimError(f"--times: {piece.strip()!r} is not an exact number") from None
        if not (0 < t <= 100) or (out and t <= out[-1]):
            raise ClaimError("--times: times must increase, with 0 < t <= 100")
        out.append(t)
    if len(out) > MAX_TIMES:
        raise ClaimError(f"--times: at most {MAX_TIMES} times")
    return tuple(out)


def _infer_kind(p: Parsed) -> str:
    timed = any(isinstance(r.when, tuple) for r in p.refs.values()) or any(
        r.lhs.has(T_SYMBOL) or r.rhs.has(T_SYMBOL) for r in p.relations)
    if any(r.rhs.has(BigO) for r in p.relations):
        return "rate"
    if timed:
        return "trajectory"
    ops = {r.op for r in p.relations}
    if ops == {"=="}:
        return "identity"
    if "==" in ops:
        raise ClaimError("--claim mixes '==' with inequalities; check them as separate conjectures")
    return "inequality"


def _forbid_time(p: Parsed, where: str, kind: str) -> None:
    for r in p.refs.values():
        if isinstance(r.when, tuple):
            raise ClaimError(f"{where} at column {r.col}: time index on {r.name!r} needs "
                             f"--kind trajectory or rate (not {kind})")
    for rel in p.relations:
        if rel.lhs.has(T_SYMBOL) or rel.rhs.has(T_SYMBOL):
            raise ClaimError(f"{where} at column {rel.col}: 't' needs --kind trajectory or rate")
        if rel.rhs.has(BigO):
            raise ClaimError(f"{where} at column {rel.col}: O(...) needs --kind rate")


def _check_kind(p: Parsed, kind: str) -> None:
    ops = {r.op for r in p.relations}
    if kind in ("trajectory", "rate") and any(
            isinstance(side, sp.Basic) and side.has(DDT) for r in p.relations for side in (r.lhs, r.rhs)):
        raise ClaimError("--claim: ddt(...) (the rate of change along gradient flow) belongs in an "
                         "identity or inequality claim, not a trajectory/rate claim")
    if kind == "identity" and ops != {"=="}:
        rel = next(r for r in p.relations if r.op != "==")
        raise ClaimError(f"--claim at column {rel.col}: an identity claim is an equation "
                         f"'X == Y', found {rel.op!r} (use --kind inequality)")
    if kind == "inequality" and "==" in ops:
        rel = next(r for r in p.relations if r.op == "==")
        raise ClaimError(f"--claim at column {rel.col}: '==' in an inequality claim "
                         "(use --kind identity)")
    if kind == "rate":
        if len(p.relations) != 1 or p.relations[0].op not in ("<=", "==") or not isinstance(
                p.relations[0].rhs, BigO):
            raise ClaimError("--claim: a rate claim has the form 'X <= O(Y)', e.g. "
                             "'abs(eps[t]) <= O((1 - eta*Phi)^t)'")
    elif any(r.rhs.has(BigO) for r in p.relations):
        raise ClaimError("--claim: O(...) needs --kind rate")


def _dimensions(spec: ModelSpec, claim: Parsed, assumed: Parsed) -> tuple[tuple[int, ...], list[str]]:
    notes: list[str] = []
    d_rels = [r for r in assumed.relations if (r.lhs - r.rhs).free_symbols == {D_SYMBOL}]
    assumed.relations = [r for r in assumed.relations if r not in d_rels]
    uses_d1 = [(where, r) for where, p in (("--claim", claim), ("--assume", assumed))
               for r in p.refs.values() if spec.terms.get(r.name) and spec.terms[r.name].d1_only]
    if not spec.has_dim:
        return (1,), notes
    pinned = any(r.op == "==" for r in d_rels)
    pool = range(1, spec.max_dim + 1) if d_rels else spec.default_dims
    ok = []
    for d in pool:
        if all(bool(make_relation(r.lhs, r.op, r.rhs).xreplace({D_SYMBOL: d})) for r in d_rels):
            ok.append(d)
    if not ok:
        rel = d_rels[0]
        raise ClaimError(f"--assume at column {rel.col}: empty assumption region: no dimension "
                         f"1 <= d <= {spec.max_dim} satisfies {' and '.join(r.text for r in d_rels)}")
    if not pinned and len(ok) > 3:
        inside = [d for d in ok if d in spec.default_dims]
        ok = inside if inside else ok[:3]
    if uses_d1:
        where, r = uses_d1[0]
        if all(d > 1 for d in ok):
            raise ClaimError(f"{where} at column {r.col}: {r.name!r} is a scalar only when d = 1; "
                             f"for d >= 2 use {r.name}_i (for every i)")
        if ok != [1]:
            notes.append(f"{r.name!r} is a scalar only when d = 1: checked for d = 1")
        ok = [1]
    return tuple(ok), notes


