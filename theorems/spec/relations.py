"""A domain given by SymPy relations with exact membership: the region of a user's
conjecture (``--assume "eta*abs(eps) < 1"``), in the same :class:`~theorems.spec.Domain`
interface the statements use (``sample``, ``contains``, ``from_unit``, ``text``,
``constraints``), built on :class:`theorems.regions.Region`.

Instances are dicts ``{name: Fraction}`` (plus ``"d"`` when the problem has a dimension).
``edges`` are exact points drawn first (probe points: equality set, assumption boundaries,
large scales); every one is tested for exact membership when drawn.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

from ..regions import Region, polynomial_form
from .domain import Domain


class RelationDomain(Domain):
    """The points of ``region`` (exact rationals), edge points first."""

    def __init__(self, region: Region, *, edges: Iterable[Mapping[sp.Symbol, Fraction]] = (),
                 dimension: int | None = None, note: str = ""):
        super().__init__(note=note)
        object.__setattr__(self, "region", region)
        object.__setattr__(self, "dimension", dimension)
        object.__setattr__(self, "point_edges", tuple(dict(e) for e in edges))
        object.__setattr__(self, "edges", tuple(self.instance(e) for e in self.point_edges))
        object.__setattr__(self, "_box", region.box())

    # ------------------------------------------------------------------ points <-> instances

    def instance(self, p: Mapping[sp.Symbol, Fraction]) -> dict[str, Any]:
        out: dict[str, Any] = {"d": Fraction(self.dimension)} if self.dimension is not None else {}
        out.update({str(s): v for s, v in p.items()})
        return out

    def point(self, inst: Mapping[str, Any]) -> dict[sp.Symbol, Fraction] | None:
        try:
            return {s: Fraction(inst[str(s)]) for s in self.region.inputs}
        except (KeyError, TypeError, ValueError):
            return None

    @property
    def names(self) -> list[str]:
        return [str(s) for s in self.region.inputs]

    # ------------------------------------------------------------------ the Domain interface

    def contains(self, inst: Mapping[str, Any]) -> bool:
        p = self.point(inst)
        return p is not None and self.region.contains(p)

    def sample(self, rng: random.Random, i: int) -> dict[str, Any]:
        if i < len(self.edges):
            return dict(self.edges[i])
        p = self.region.draw(rng, i - len(self.edges))
        if p is None:  # outside: the statement counts it as not applicable
            p = {s: Fraction(0) for s in self.region.inputs}
        return self.instance(p)

    def search_dimension(self, d: int | None = None) -> int:
        return len(self._box[0])

    def from_unit(self, x: Sequence[float], d: int | None = None) -> dict[str, Any] | None:
        bounds, how = self._box
        scaled = [lo + float(u) * (hi - lo) for u, (lo, hi) in zip(x, bounds, strict=True)]
        p = self.region.from_box(scaled, how)
        return None if p is None else self.instance(p)

    def text(self) -> str:
        parts = [sp.sstr(r) for r in self.region.relations]
        pos = sorted(str(s) for s in self.region.positive if s in self.region.inputs)
        parts += [f"{s} > 0" for s in pos if not any(f"{s} > 0" == t for t in parts)]
        out = "; ".join(parts) or "all real inputs"
        if self.edges:
            out += f"; {len(self.edges)} probe point(s) drawn first"
        return out + (f". {self.note}" if self.note else "")

    def constraints(self) -> list[sp.Basic] | None:
        out: list[sp.Basic] = []
        for r in self.region.relations:
            poly = polynomial_form(r)
            if poly is None:
                return None
            out.extend(poly)
        return out
