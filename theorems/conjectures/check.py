"""Checking a prepared conjecture in every dimension, and a conjecture as a :class:`Claim`."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

import sympy as sp

from ..claim import Claim, ClaimError, Context, Kind, Outcome, Verdict, all_of
from ..console import MAX_DPS
from ..expr_parser import parse_point
from . import witness
from .compile import Problem, _pointwise_check, _problem, _rate_check, _trajectory_check
from .models import ModelSpec, UserModel
from .parse import Conjecture, parse_conjecture

if TYPE_CHECKING:
    from symbolic.models import Model

# ---------------------------------------------------------------------- the check


def prepare(model: str | ModelSpec | UserModel | Model, claim: str, assume: Sequence[str] | str | None = None,
            kind: str | None = None, steps: int | None = None, flow: str = "gd",
            times: str | None = None) -> Conjecture:
    """Parse and validate a one-line conjecture, and build its problem in every dimension
    (substitution, region and emptiness checks); every problem is a one-line ClaimError."""
    conj = parse_conjecture(model, claim, assume, kind, steps, flow, times)
    for d in conj.dims:
        _problem(conj, d)
    return conj


def check_conjecture(conj: Conjecture, ctx: Context, at: dict[str, Fraction] | None = None) -> Outcome:
    """Run a conjecture through the engines in every selected dimension."""
    leaves: list[tuple[int, Outcome]] = []
    dims = conj.dims
    if at is not None:
        dims = _at_dims(conj, at)
    per_dim = []
    for d in dims:
        prob = _problem(conj, d)
        fixed = _fixed_point(conj, prob, at) if at is not None else None
        if conj.kind in ("identity", "inequality"):
            outs = []
            for label, rel, atoms in prob.claims:
                o = _pointwise_check(conj, prob, label, rel, atoms, ctx, fixed)
                leaves.append((d, o))
                outs.append(o)
            per_dim.append(all_of(outs).named(f"d={d}") if len(outs) > 1 else outs[0])
        elif conj.kind == "trajectory":
            o = _trajectory_check(conj, prob, ctx, fixed)
            leaves.append((d, o))
            per_dim.append(o)
        else:
            o = _rate_check(conj, prob, ctx, fixed)
            leaves.append((d, o))
            per_dim.append(o)
        if per_dim[-1].verdict is Verdict.REFUTED and at is None:
            break  # one refuted dimension decides; no need to spend time on the others
    out = all_of(per_dim) if len(per_dim) > 1 else per_dim[0]
    if out.verdict is Verdict.REFUTED:
        d, leaf = next(((d, o) for d, o in leaves if o.verdict is Verdict.REFUTED), leaves[0])
        cex = _find_cex(leaf)
        if cex is not None:
            inputs = dict(cex.inputs)
            if conj.model.has_dim:
                inputs = {"d": str(d), **{k: v for k, v in inputs.items() if k != "d"}}
            inputs.pop("t", None)
            out.details["reproduce"] = conj.command(
                inputs, dps=min(2 * ctx.dps, MAX_DPS) if at is None else ctx.dps)
            out.details["counterexample_d"] = d
    if conj.notes:
        out.details["notes"] = conj.notes
    return out


def _find_cex(o: Outcome):
    if o.counterexample is not None:
        return o.counterexample
    for p in o.parts:
        c = _find_cex(p)
        if c is not None:
            return c
    return None


def _at_dims(conj: Conjecture, at: dict[str, Fraction]) -> tuple[int, ...]:
    if "d" in at:
        d = at["d"]
        if d.denominator != 1 or int(d) not in conj.dims:
            raise ClaimError(f"--at: d = {d} is not among the dimensions of the conjecture "
                             f"({', '.join(map(str, conj.dims))})")
        return (int(d),)
    if conj.model.has_dim and len(conj.dims) > 1:
        raise ClaimError("--at: give the dimension too, e.g. 'd=2, ...'")
    return conj.dims[:1]


def _fixed_point(conj: Conjecture, prob: Problem, at: dict[str, Fraction]) -> dict[sp.Symbol, Fraction]:
    known = {str(s): s for s in prob.inst.inputs}
    extra = sorted(set(at) - set(known) - {"d"})
    if extra:
        raise ClaimError(f"--at: unknown input(s) {extra}; inputs are {sorted(known)}")
    needed = list(prob.region.inputs)  # a constant claim needs no values
    if conj.kind in ("trajectory", "rate"):
        needed = list(prob.inst.inputs)
    missing = [str(s) for s in needed if str(s) not in at]
    if missing:
        raise ClaimError(f"--at: missing value(s) for {missing}")
    point = {known[k]: v for k, v in at.items() if k in known}
    if witness.has_symbolic(point):  # values beyond every rational: decided by arb balls
        if conj.kind in ("trajectory", "rate"):
            raise ClaimError("--at: trajectory and rate conjectures take exact rationals "
                             "(e.g. 3/7), not constant expressions")
        for s in prob.inst.positive_inputs:
            if s in point and witness.sign_of(s, point) != 1:
                raise ClaimError(f"--at: {s} must be > 0 (certainly, in ball arithmetic)")
        if not witness.contains(prob.region, point):
            raise ClaimError("--at: the point is not certainly inside the assumption region "
                             "(ball arithmetic)")
        return point
    for s in prob.inst.positive_inputs:
        if s in point and point[s] <= 0:
            raise ClaimError(f"--at: {s} must be > 0")
    if not prob.region.contains(point):
        raise ClaimError("--at: the point is outside the assumption region")
    return point


# ---------------------------------------------------------------------- as a Claim


def conjecture_claim(model: str | ModelSpec | UserModel | Model, claim: str, assume: Sequence[str] | str | None = None,
                     kind: str | None = None, *, id: str | None = None, title: str | None = None,
                     steps: int | None = None, at: str | None = None, flow: str = "gd",
                     times: str | None = None) -> Claim:
    """A :class:`Claim` for a one-line conjecture (usable in a claims file).  ``model``: a
    built-in model's name, a :class:`UserModel` (variables, loss, parameters, definitions), a
    :class:`ModelSpec` or a :class:`symbolic.models.Model`."""
    conj = prepare(model, claim, assume, kind, steps, flow, times)
    model = conj.model.name
    point = parse_point(at) if at else None
    if point is not None:
        for d in _at_dims(conj, point):  # a bad --at is bad input, reported before the run
            _fixed_point(conj, _problem(conj, d), point)

    def check(ctx: Context) -> Outcome:
        return check_conjecture(conj, ctx, point)

    return Claim(
        id=id or f"conjecture.{model}",
        title=title or claim,
        source=f"conjecture on {model}" + (f" at {at}" if at else ""),
        statement=claim + (f"   [assuming {'; '.join(conj.assume_texts)}]" if conj.assume_texts else ""),
        kind={"identity": Kind.IDENTITY, "inequality": Kind.INEQUALITY,
              "trajectory": Kind.INEQUALITY, "rate": Kind.RATE}[conj.kind],
        hypotheses=conj.hypotheses(),
        check=check,
        notes="; ".join(conj.notes),
    )


