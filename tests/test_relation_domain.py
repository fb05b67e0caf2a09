"""theorems.spec.RelationDomain: a region given by SymPy relations, with exact membership, as
a Domain for Holds (the compiled form of a user's assumptions)."""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath as mp
import sympy as sp

from theorems import Budget, Context, Verdict
from theorems.regions import Region
from theorems.spec import Holds, RelationDomain

x, y = sp.symbols("x y", real=True)
QUICK = Context(budget=Budget.named("quick"))


def test_samples_lie_inside_and_edges_come_first():
    region = Region([x, y], [x**2 + y**2 <= 4, x > 0], None)
    edge = {x: Fraction(2), y: Fraction(0)}  # on the closed boundary: admissible
    dom = RelationDomain(region, edges=[edge])
    rng = random.Random(1)
    assert dom.sample(rng, 0) == {"x": Fraction(2), "y": Fraction(0)}
    for i in range(1, 30):
        inst = dom.sample(rng, i)
        assert dom.contains(inst) or inst == {"x": 0, "y": 0}
    assert not dom.contains({"x": Fraction(0), "y": Fraction(1)})  # x > 0 is strict
    assert "x**2 + y**2 <= 4" in dom.text() and "probe point" in dom.text()
    assert dom.constraints() is not None


def test_holds_over_a_relation_domain_refutes_and_passes():
    region = Region([x, y], [x**2 + y**2 <= 4], None)
    dom = RelationDomain(region, edges=[{x: Fraction(2), y: Fraction(0)}])

    def bound(limit):
        def slack(inst, dps):
            v = mp.mpf(inst["x"].numerator) / inst["x"].denominator
            return mp.mpf(limit.numerator) / limit.denominator - v if isinstance(limit, Fraction) else limit - v
        return slack

    assert Holds(bound(2), dom).check(QUICK).verdict in (Verdict.SUPPORTED, Verdict.CERTIFIED)
    out = Holds(bound(Fraction(19, 10)), dom).check(QUICK)  # fails at the boundary x = 2
    assert out.verdict is Verdict.REFUTED
