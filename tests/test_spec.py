"""The spec layer: domains decide membership exactly and sample their edges; every statement
type refutes a deliberately wrong claim and passes a true one; readings change one thing."""

from __future__ import annotations

import random
from fractions import Fraction as F

import mpmath as mp
import pytest
import sympy as sp

from theorems.claim import BUDGETS, ClaimError, Context, Kind, Verdict
from theorems.spec import (
    AllOf,
    Along,
    Custom,
    Domain,
    FiniteLimit,
    ForEach,
    Holds,
    Identity,
    Inequality,
    Member,
    Order,
    ProofWithCrossChecks,
    Real,
    Uncheckable,
    Vec,
    claim,
    statement_of,
)

CTX = Context(budget=BUDGETS["quick"])
x, y, h = sp.symbols("x y h", real=True)


def _q(v):
    return mp.mpf(v.numerator) / v.denominator


# ---------------------------------------------------------------- domains

STEP = Domain(Real("h", 0, 10, lo_open=True), Real("x", -5, 5),
              Real("eta", 0, ("2/h", lambda s: 2 / s["h"]), lo_open=True, hi_open=True))


def test_domain_samples_strictly_inside_and_reaches_the_cap():
    rng = random.Random(0)
    insts = [STEP.sample(rng, i) for i in range(200)]
    assert all(STEP.contains(i) for i in insts)
    fractions = [i["eta"] * i["h"] / 2 for i in insts]
    assert all(0 < f < 1 for f in fractions)  # the strict cap is never hit
    assert max(fractions) >= F(99, 100)  # ... but approached
    assert any(i["x"] in (-5, 5) for i in insts)  # closed endpoints are drawn


def test_domain_membership_is_exact():
    assert STEP.contains({"h": F(1), "x": F(0), "eta": F(1999, 1000)})
    assert not STEP.contains({"h": F(1), "x": F(0), "eta": F(2)})  # the open cap itself
    assert not STEP.contains({"h": F(0), "x": F(0), "eta": F(1)})  # open lower bound
    assert not STEP.contains({"h": F(1), "x": F(6), "eta": F(1)})
    assert not STEP.contains({"h": F(1), "x": F(0)})  # missing variable


def test_domain_text_states_the_hypotheses():
    t = STEP.text()
    assert "0 < h <= 10" in t and "-5 <= x <= 5" in t and "0 < eta < 2/h" in t


def test_edge_case_outside_the_domain_is_an_error():
    bad = STEP.with_(edges=[{"h": F(1), "x": F(0), "eta": F(2)}])
    with pytest.raises(ClaimError, match="outside the domain"):
        bad.sample(random.Random(0), 0)


def test_empty_region_is_a_clear_error():
    empty = Domain(Real("a", 0, 1), where=[("a > 2", lambda s: s["a"] > 2)], max_tries=50)
    with pytest.raises(ClaimError, match="empty hypothesis region"):
        empty.sample(random.Random(0), 0)


def test_vectors_cycle_dimensions_and_search_box_maps_inside():
    dom = Domain(Vec("a", -1, 1, dims=(1, 2, 3)), Vec("b", -1, 1))
    dims = {len(dom.sample(random.Random(1), i)["a"]) for i in range(9)}
    assert dims == {1, 2, 3}
    assert all(len(s["a"]) == len(s["b"]) for s in (dom.sample(random.Random(2), i) for i in range(9)))
    inst = STEP.from_unit([0.5, 0.5, 0.999])
    assert inst is not None and STEP.contains(inst)


def test_symbolic_constraints_for_the_provers():
    dom = Domain(Real("a", 0, 1, lo_open=True), Real("b", -1, sp.Symbol("a")))
    cons = dom.constraints()
    assert cons is not None and len(cons) == 4
    assert STEP.constraints() is None  # a callable bound has no symbolic form


# ---------------------------------------------------------------- statements refute and pass


def test_identity_wrong_and_true():
    dom = Domain(Real("x", -3, 3), Real("y", -3, 3))
    bad = Identity(sp.expand((x + y) ** 2), x**2 + y**2, dom).check(CTX)
    assert bad.verdict is Verdict.REFUTED and bad.derived is not None
    assert Identity(sp.expand((x + y) ** 2), x**2 + 2 * x * y + y**2, dom).check(CTX).verdict is Verdict.PROVED


def test_inequality_wrong_and_true():
    dom = Domain(Real("x", -3, 3), Real("y", -3, 3))
    assert Inequality(x**2 + y**2 - 2 * x * y, dom).check(CTX).verdict is Verdict.PROVED
    bad = Inequality.of(x * y, "<=", 1, dom).check(CTX)
    assert bad.verdict is Verdict.REFUTED


def test_inequality_matches_domain_symbols_by_name_whatever_their_assumptions():
    eta_pos = sp.Symbol("eta", positive=True)
    dom = Domain(Real("eta", 0, 2, lo_open=True))
    assert Inequality(2 - eta_pos, dom).check(CTX).verdict.passes
    assert Inequality(1 - eta_pos, dom).check(CTX).verdict is Verdict.REFUTED


def test_inequality_over_a_domain_whose_predicates_name_other_variables():
    dom = Domain(Real("x", -3, 3), Real("y", -3, 3), where=[sp.Ge(y, x)])
    assert Inequality(y - x, dom).check(CTX).verdict.passes  # y >= x on the region
    assert Inequality(x, dom).check(CTX).verdict is Verdict.REFUTED


def test_holds_refutes_strictly_inside_and_certifies_a_true_claim():
    def slack(inst, dps):
        return 1 - _q(inst["eta"]) * _q(inst["h"]) / 2  # eta h < 2: true on STEP

    assert Holds(slack, STEP, exact=lambda i: 1 - i["eta"] * i["h"] / 2).check(CTX).verdict is Verdict.CERTIFIED

    def wrong(inst, dps):
        return 1 - _q(inst["eta"]) * _q(inst["h"])  # eta h <= 1: false near the cap

    out = Holds(wrong, STEP, exact=lambda i: 1 - i["eta"] * i["h"]).check(CTX)
    assert out.verdict is Verdict.REFUTED
    inputs = {k: F(v) for k, v in out.counterexample.inputs.items()}
    assert STEP.contains(inputs)  # the witness lies strictly inside the open cap


def test_holds_strict_claim_with_zero_slack_on_a_closed_bound_is_refuted_exactly():
    closed = STEP.with_(Real("eta", 0, ("2/h", lambda s: 2 / s["h"]), lo_open=True))
    exact = lambda i: 1 - i["eta"] * i["h"] / 2  # noqa: E731
    out = Holds(lambda i, d: 1 - _q(i["eta"]) * _q(i["h"]) / 2, closed, strict=True, exact=exact).check(CTX)
    assert out.verdict is Verdict.REFUTED and "exactly" in out.counterexample.violation


def test_along_reports_the_worst_step():
    def run(inst, dps):  # GD on h x^2 / 2
        xs = [_q(inst["x"])]
        for _ in range(30):
            xs.append(xs[-1] * (1 - _q(inst["eta"]) * _q(inst["h"])))
        return xs

    ok = Along(run, lambda s, inst: abs(_q(inst["x"])) - abs(s), STEP).check(CTX)
    assert ok.verdict.passes
    wide = STEP.with_(Real("eta", 0, ("3/h", lambda s: 3 / s["h"]), lo_open=True, hi_open=True))
    bad = Along(run, lambda s, inst: abs(_q(inst["x"])) - abs(s), wide).check(CTX)
    assert bad.verdict is Verdict.REFUTED and "worst step t" in bad.counterexample.values


def test_order_refutes_unbounded_and_supports_bounded():
    ps = [F(1, 10**k) for k in range(7)]
    assert Order(lambda p, d: 1 / _q(p), ps, family="1/p").check(CTX).verdict is Verdict.REFUTED
    assert Order(lambda p, d: 2 + _q(p), ps, family="2 + p").check(CTX).verdict is Verdict.SUPPORTED


def test_member_domain_shows_the_member_exactly():
    class Poly:
        def __init__(self, c):
            self.c = c

        def __str__(self):
            return f"f(s) = {self.c} s^2"

    dom = Domain(Member("f", lambda rng, j: Poly(F(j + 1))), Real("s", -1, 1))
    out = Holds(lambda i, d: 3 - i["f"].c * _q(i["s"]) ** 2, dom, samples=8).check(CTX)
    assert out.verdict is Verdict.REFUTED
    assert out.counterexample.inputs["f"].startswith("f(s) = ")


def test_allof_guards_each_part_and_a_crash_is_an_error_not_a_verdict():
    def boom(ctx):
        raise RuntimeError("lambdify failed")

    out = AllOf(Identity(x + x, 2 * x, label="true"), Custom(boom, label="crashes")).check(CTX)
    assert out.verdict is Verdict.ERROR
    assert [p.verdict for p in out.parts] == [Verdict.PROVED, Verdict.ERROR]
    wrong = AllOf(Identity(x + x, 3 * x, Domain(Real("x", 1, 2))), Custom(boom)).check(CTX)
    assert wrong.verdict is Verdict.REFUTED  # a refutation stands; the crash is kept in the parts


def test_foreach_and_uncheckable():
    out = ForEach((1, 2, 3), lambda k: Identity(sp.diff(x**k, x), k * x ** (k - 1)), label="k={}").check(CTX)
    assert out.verdict is Verdict.PROVED and [p.label for p in out.parts] == ["k=1", "k=2", "k=3"]
    u = Uncheckable("citation; nothing checkable stated").check(CTX)
    assert u.verdict is Verdict.INCONCLUSIVE and "citation" in u.reason


# ---------------------------------------------------------------- claims and readings


@claim("demo.window", title="t", source="eq. (1)", kind=Kind.INEQUALITY, statement="eta h < 2")
def _window():
    """A demo claim: eta h <= 1 on the open window (false); the reading shrinks the window."""
    return Holds(lambda i, d: 1 - _q(i["eta"]) * _q(i["h"]), STEP, exact=lambda i: 1 - i["eta"] * i["h"])


@_window.read_as("the same for eta < 1/h")
def _(printed):
    return printed.replace(domain=printed.domain.with_(
        Real("eta", 0, ("1/h", lambda s: 1 / s["h"]), lo_open=True, hi_open=True)))


@_window.read_as("the same for eta <= 1/h", name="reading2")
def _(printed):  # noqa: F811
    return printed.replace(domain=printed.domain.with_(Real("eta", 0, ("1/h", lambda s: 1 / s["h"]), lo_open=True)))


def test_readings_are_the_printed_statement_changed():
    from theorems.runner import run_claim

    names = [v.name for v in _window.variants()]
    assert names == ["printed", "reading", "reading2"]
    results = {r.variant: r for r in run_claim(_window, CTX)}
    assert results["printed"].verdict is Verdict.REFUTED
    assert results["reading"].verdict is Verdict.CERTIFIED
    assert results["reading2"].verdict is Verdict.CERTIFIED  # eta h <= 1 holds at eta = 1/h
    assert "0 < eta < 1/h" in results["reading"].hypotheses
    assert statement_of(_window, "reading").domain.var("eta").hi[0] == "1/h"


def test_claim_function_needs_a_docstring_and_must_return_a_statement():
    with pytest.raises(ClaimError, match="docstring"):
        claim("demo.x", title="t", source="s", kind=Kind.IDENTITY, statement="s")(lambda: None)

    @claim("demo.y", title="t", source="s", kind=Kind.IDENTITY, statement="s")
    def not_a_statement():
        """returns a number"""
        return 3

    from theorems.runner import run_claim

    assert run_claim(not_a_statement, CTX)[0].verdict is Verdict.ERROR


def test_holds_with_no_informative_instance_is_uninformative_not_support():
    def slack(inst, dps):
        return 1 - _q(inst["eta"]) * _q(inst["h"]) / 2

    never = ("eta h > 2", lambda i: i["eta"] * i["h"] > 2)  # impossible on STEP: the claim cannot fail
    out = Holds(slack, STEP, informative=never).check(CTX)
    assert out.verdict is Verdict.INCONCLUSIVE and out.reason.startswith("uninformative")
    some = ("eta h > 1", lambda i: i["eta"] * i["h"] > 1)
    out = Holds(slack, STEP, informative=some).check(CTX)
    assert out.verdict.passes and out.details["informative_instances"].split()[0] != "0"


def test_along_stresses_later_steps_when_the_smallest_slack_is_at_t0():
    def run(inst, dps):
        xs = [_q(inst["x"])]
        for _ in range(10):
            xs.append(xs[-1] * (1 - _q(inst["eta"]) * _q(inst["h"])))
        return xs

    out = Along(run, lambda s, inst: abs(_q(inst["x"])) - abs(s), STEP, label="|x_t| <= |x_0|").check(CTX)
    assert out.verdict.passes
    assert any("t >= 1" in p.label for p in out.parts)  # tight at t = 0: re-checked on t >= 1





# ------------------------------------------------------------------ exact limits, cross-checks

A_ = sp.Symbol("a", positive=True)


def test_finite_limit_refutes_an_unbounded_ratio_and_proves_a_bounded_one():
    """log(1/a) / 1 is not O(1) as a -> 0+ (limit oo); (1 + a)/(2 + a) - 1/3 and
    log(1/a)/log(2/a) (a c - b/log p tail no sweep decides) have finite limits."""
    assert FiniteLimit(sp.log(1 / A_), A_, 0, "log(1/a) = O(1)").check(CTX).verdict is Verdict.REFUTED
    for ratio in ((1 + A_) / (2 + A_), sp.log(1 / A_) / sp.log(2 / A_)):
        assert FiniteLimit(ratio, A_, 0, "bounded").check(CTX).verdict is Verdict.PROVED
    m = sp.Symbol("m", positive=True)
    out = FiniteLimit(m * A_ / (1 + A_), A_, sp.oo, "symbolic limit", domain=Domain(Real("m", 0, None, lo_open=True)))
    assert out.check(CTX).verdict is Verdict.PROVED


def test_finite_limit_without_a_limit_is_undecided():
    out = FiniteLimit(2 + sp.sin(1 / A_), A_, 0, "oscillating").check(CTX)
    assert out.verdict is Verdict.INCONCLUSIVE and "no limit" in out.reason


def test_a_failing_cross_check_enters_the_verdict_and_a_passing_one_cannot_add_to_a_proof():
    x = sp.Symbol("x", real=True)
    proof = (Identity((x + 1) ** 2, x**2 + 2 * x + 1, label="square"),)
    good = Holds(lambda inst, dps: 1, Domain(Real("x", 0, 1)), label="slack 1")
    bad = Holds(lambda inst, dps: -1, Domain(Real("x", 0, 1)), label="slack -1")
    ok = ProofWithCrossChecks(proof, (good,)).check(CTX)
    assert ok.verdict is Verdict.PROVED and ok.details["cross_checks (exact points; a proof covers them)"]
    assert ProofWithCrossChecks(proof, (bad,)).check(CTX).verdict is Verdict.REFUTED
    wrong = (Identity((x + 1) ** 2, x**2 + 1, label="wrong square"),)
    assert ProofWithCrossChecks(wrong, (good,)).check(CTX).verdict is Verdict.REFUTED
