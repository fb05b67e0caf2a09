"""Branch and bound in arb ball arithmetic (numeric.branch_bound) and its engine route.

It must be able to fail: an inequality false on one tiny region is not PROVED (and the engine
turns the open piece into a confirmed counterexample), a slack that touches 0 is not PROVED;
true non-polynomial inequalities on boxes are PROVED, with the box and piece count in evidence.
"""

from __future__ import annotations

from fractions import Fraction as F

import sympy as sp

from numeric.branch_bound import prove_on_box
from theorems import BUDGETS, Context, Verdict, engines

CTX = Context(budget=BUDGETS["standard"])
x, y = sp.symbols("x y", real=True)
# negative only on a disc of radius 1e-3 around (1/3, 2/7)
TINY_HOLE = (x - sp.Rational(1, 3)) ** 2 + (y - sp.Rational(2, 7)) ** 2 - sp.Rational(1, 10**6)
# the same hole, not polynomial (so neither z3 nor SOS applies): exp(r^2) < 1 + 1e-6 near the centre
TINY_HOLE_EXP = sp.exp(TINY_HOLE + sp.Rational(1, 10**6)) - 1 - sp.Rational(1, 10**6)


def test_exp_bound_is_proved_on_a_box():
    r = prove_on_box(sp.exp(x) - 1 - x + sp.Rational(1, 1000), {x: (F(-2), F(2))}, strict=True)
    assert r.proved and r.pieces > 1


def test_log_and_tanh_bounds_are_proved():
    assert prove_on_box(sp.log(1 + x) - x / (1 + x) + sp.Rational(1, 100), {x: (F(0), F(3))}, strict=True).proved
    assert prove_on_box(x * sp.tanh(x) + sp.Rational(1, 100), {x: (F(-3), F(3))}, strict=True).proved
    assert prove_on_box(sp.sqrt(1 + x) - 1 - x / 3, {x: (F(1, 10), F(1))}, strict=True).proved


def test_false_on_a_tiny_region_is_not_proved_and_the_piece_is_returned():
    r = prove_on_box(TINY_HOLE, {x: (F(0), F(1)), y: (F(0), F(1))}, strict=True)
    assert not r.proved
    c = r.violation_at
    assert c is not None and TINY_HOLE.xreplace({x: c[x], y: c[y]}) < 0
    assert r.open_piece is not None and all(lo <= c[s] <= hi for s, (lo, hi) in r.open_piece.items())


def test_touching_zero_is_not_proved_strict_but_the_monotonicity_test_proves_non_strict():
    # exp(x) - 1 - x = 0 at x = 0: "> 0" is false there and must stay open
    r = prove_on_box(sp.exp(x) - 1 - x, {x: (F(-2), F(2))}, strict=True, max_pieces=500)
    assert not r.proved and r.open_piece is not None
    lo, hi = r.open_piece[x]
    assert lo <= 0 <= hi
    # ">= 0" is true: no enclosure certifies the pieces at 0, the sign of f' (f'' > 0) does
    r = prove_on_box(sp.exp(x) - 1 - x, {x: (F(-2), F(2))}, strict=False, max_pieces=500)
    assert r.proved and r.notes["monotone_pieces"] > 0


def test_monotonicity_test_at_a_corner_and_its_failure_on_a_tiny_dip():
    # -log(1 - x) >= x on [0, 1/2] (bw (15), (78)): equality at the corner x = 0
    assert prove_on_box(-sp.log(1 - x) - x, {x: (F(0), F(1, 2))}, strict=False).proved
    assert prove_on_box(1 / (1 + y) - sp.exp(-y), {y: (F(0), F(50))}, strict=False).proved
    # -log(1 - x) - x - (1/2 + 1e-6) x^2 < 0 on (0, ~3e-6): false near the corner, never PROVED
    dip = -sp.log(1 - x) - x - (sp.Rational(1, 2) + sp.Rational(1, 10**6)) * x**2
    r = prove_on_box(dip, {x: (F(0), F(1, 2))}, strict=False)
    assert not r.proved and r.open_piece is not None and r.open_piece[x][0] == 0


def test_constraints_remove_pieces_outside_the_region():
    r = prove_on_box(x * y + sp.Rational(1, 10), {x: (F(-1), F(1)), y: (F(-1), F(1))}, strict=True,
                     constraints=[x >= 0, y >= 0])
    assert r.proved and r.notes["outside_pieces"] > 0
    assert not prove_on_box(x * y + sp.Rational(1, 10), {x: (F(-1), F(1)), y: (F(-1), F(1))}, strict=True).proved


def test_engine_proves_by_branch_and_bound_on_the_region_box():
    out = engines.inequality(sp.exp(x) - 1 - x + sp.Rational(1, 1000), CTX, strict=True,
                             constraints=[x >= -2, x <= 2],
                             sample=lambda rng, i: {x: F(rng.randint(-200, 200), 100)})
    assert out.verdict is Verdict.PROVED and out.method == engines.BB_METHOD
    assert "x in [-2, 2]" in out.summary and out.details["pieces"] > 0


def test_engine_refutes_the_tiny_hole_from_the_open_piece():
    def sample(rng, i):  # a coarse grid that misses the hole
        return {x: F(rng.randint(0, 10), 10), y: F(rng.randint(0, 10), 10)}

    cons = [x >= 0, x <= 1, y >= 0, y <= 1]
    out = engines.inequality(TINY_HOLE_EXP, CTX, strict=True, constraints=cons, sample=sample)
    assert out.verdict is Verdict.REFUTED
    assert "smallest_open_piece" in out.details["branch_and_bound"]
    # without any sampler, the box search's point is still confirmed as a counterexample
    out = engines.inequality(TINY_HOLE_EXP, CTX, strict=True, constraints=cons)
    assert out.verdict is Verdict.REFUTED and out.counterexample.rigorous
