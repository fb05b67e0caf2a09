"""Each engine can fail: wrong claims come out REFUTED, true ones pass, bad input errors."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import mpmath as mp
import pytest
import sympy as sp

from numeric.dynamics import SimulationDiverged
from numeric.shallow import gd_run
from symbolic.derive import one_step_change, time_derivative
from symbolic.models import ReducedShallowLinear, shallow_linear
from theorems import BUDGETS, Claim, ClaimError, Context, Kind, Verdict, all_of, engines
from theorems.runner import run_variant

CTX = Context(budget=BUDGETS["quick"])
R = ReducedShallowLinear()


def _eq6_rhs(m, coeff=1):
    e, lam, P = m.quantity("eps"), m.quantity("lam"), m.params[0]
    h = m.eta
    return e * (1 - h * lam + coeff * h**2 * e * (e + P))


# ---------------------------------------------------------------- identity engine


@pytest.mark.parametrize("d", [1, 2, 3])
def test_identity_proves_eq6(d):
    m = shallow_linear(d)
    out = engines.identity(m.after_step(m.quantity("eps")), _eq6_rhs(m), CTX)
    assert out.verdict is Verdict.PROVED


@pytest.mark.parametrize("d", [1, 2])
def test_identity_refutes_perturbed_eq6_and_shows_derived_formula(d):
    m = shallow_linear(d)
    out = engines.identity(m.after_step(m.quantity("eps")), _eq6_rhs(m, coeff=2), CTX)
    assert out.verdict is Verdict.REFUTED
    cex = out.counterexample
    assert cex is not None and cex.rigorous
    # the witness is exact and really violates the identity
    point = {sp.Symbol(k, real=True) if k != "eta" else m.eta: sp.Rational(v) for k, v in cex.inputs.items()}
    point = {s: point[sp.Symbol(str(s), real=True)] if s != m.eta else point[m.eta] for s in
             (*m.state, *m.params, m.eta)}
    diff = (m.after_step(m.quantity("eps")) - _eq6_rhs(m, 2)).xreplace(point)
    assert sp.simplify(diff) != 0
    assert out.derived and "derived" in out.derived and "printed" in out.derived


def test_identity_refutes_false_conservation_law():
    m = shallow_linear(2)
    not_conserved = m.state[0] ** 2 + m.state[2] ** 2  # a1^2 + b1^2 is not conserved by GF
    out = engines.identity(time_derivative(m, not_conserved), 0, CTX)
    assert out.verdict is Verdict.REFUTED
    conserved = m.quantity("Q1")
    assert engines.identity(time_derivative(m, conserved), 0, CTX).verdict is Verdict.PROVED


def test_lemma7_decrement_derivation_in_reduced_variables():
    e, l, P, h = R.eps, R.lam, R.Phi, R.eta
    alpha = l**2 - 8 * e * (e + P) + 4 * e**2
    true_change = sp.expand(R.step(alpha) - alpha)
    Q2 = l**2 - 4 * (e + P) ** 2
    # worked by hand: eta^2 coefficient -2 eps^2 Q2, eta^4 coefficient +eps^4 Q2
    exact = -(h**2) * e**2 * Q2 * (2 - h**2 * e**2)
    assert engines.identity(true_change, exact, CTX).verdict is Verdict.PROVED
    printed = -2 * h**2 * e**2 * Q2 * (1 - h**2 * e**2)  # Lemma 7 as printed: eta^4 term off by 2
    out = engines.identity(true_change, printed, CTX)
    assert out.verdict is Verdict.REFUTED and out.derived is not None


# ---------------------------------------------------------------- inequality engine


def test_inequality_proves_and_refutes_polynomials():
    x, y = sp.symbols("x y", real=True)
    assert engines.inequality(x**2 + y**2 + 1, CTX, strict=True).verdict is Verdict.PROVED
    # bound with the wrong direction
    out = engines.inequality(-(x**2) - 1 + y, CTX, strict=False, constraints=[y < 2])
    assert out.verdict is Verdict.REFUTED
    assert out.counterexample.rigorous


def test_inequality_respects_open_domain():
    x = sp.Symbol("x", positive=True)
    # 1 - (1 - x^2)^2 > 0 holds on (0, sqrt 2) but not at x = 0 (outside the domain)
    out = engines.inequality(1 - (1 - x**2) ** 2, CTX, strict=True, constraints=[x**2 < 2])
    assert out.verdict is Verdict.PROVED
    out = engines.inequality((1 - x**2) ** 2, CTX, strict=True, constraints=[x**2 < 2])
    assert out.verdict is Verdict.REFUTED and out.counterexample.inputs == {"x": "1"}


def test_inequality_certifies_transcendental_and_refutes_wrong_direction():
    x = sp.Symbol("x", real=True)

    def sample(rng, i):
        return {x: Fraction(rng.randint(-400, 400), 37)}

    ok = engines.inequality(sp.exp(x) - 1 - x, CTX, strict=False, sample=sample)
    assert ok.verdict is Verdict.CERTIFIED
    bad = engines.inequality(1 + x - sp.exp(x), CTX, strict=False, sample=sample)
    assert bad.verdict is Verdict.REFUTED and bad.counterexample.rigorous


def test_empty_region_is_a_clear_error():
    x = sp.Symbol("x", positive=True)
    with pytest.raises(ClaimError, match="empty hypothesis region"):
        engines.inequality(x, CTX, strict=True, constraints=[x < 0])


# ---------------------------------------------------------------- sampled engine


def _init(rng, i):
    return {"a": (Fraction(rng.randint(1, 30), 10),), "b": (Fraction(rng.randint(-30, 30), 10),),
            "Phi": Fraction(1), "eta": Fraction(rng.randint(1, 99), 100)}


def _one_step_ratio(inst, dps):
    run = gd_run(inst["a"], inst["b"], inst["Phi"], inst["eta"], 1)
    if run.steps < 1:
        return None
    return abs(run.eps[0]) - abs(run.eps[1])  # claim: |eps| never increases (false)


def test_sampled_refutes_with_exact_confirmed_counterexample():
    out = engines.sampled(_one_step_ratio, _init, CTX, label="|eps| decreases")
    assert out.verdict is Verdict.REFUTED
    cex = out.counterexample
    assert cex.confirmed_dps == 3 * CTX.dps
    inst = {k: (tuple(Fraction(p) for p in v.strip("[]").split(",")) if v.startswith("[") else Fraction(v))
            for k, v in cex.inputs.items()}
    with mp.workdps(200):
        assert _one_step_ratio(inst, 200) < 0  # reproduces at 200 digits from exact inputs


def test_sampled_supports_true_trajectory_bound():
    def slack(inst, dps):
        run = gd_run(inst["a"], inst["b"], inst["Phi"], inst["eta"] / 10, 200)
        if any(run.eta * abs(e) >= 1 for e in run.eps):
            return None
        return min(abs(run.Qi[t][0]) - abs(run.Qi[t + 1][0]) for t in range(run.steps))

    out = engines.sampled(slack, _init, CTX)
    assert out.verdict in (Verdict.SUPPORTED, Verdict.CERTIFIED)


def test_roundoff_never_refutes():
    def slack(inst, dps):  # exactly 0 mathematically; roundoff of either sign numerically
        x = mp.mpf(inst["x"].numerator) / inst["x"].denominator
        return mp.sqrt(x) ** 2 - x

    out = engines.sampled(slack, lambda rng, i: {"x": Fraction(rng.randint(2, 999), 7)}, CTX)
    assert out.verdict is Verdict.SUPPORTED


def test_no_admissible_instance_is_inconclusive_with_reason():
    out = engines.sampled(lambda inst, dps: None, lambda rng, i: {"x": Fraction(1)}, CTX)
    assert out.verdict is Verdict.INCONCLUSIVE and "no admissible instance" in out.reason


def test_divergent_runs_are_reported_not_counted():
    def slack(inst, dps):
        gd_run((Fraction(10),), (Fraction(10),), Fraction(1), Fraction(1), 500)
        return mp.mpf(1)

    out = engines.sampled(slack, lambda rng, i: {"x": Fraction(1)}, CTX)
    assert out.verdict is Verdict.INCONCLUSIVE and "diverged" in out.reason


def test_non_finite_value_is_a_clear_error():
    with pytest.raises(ClaimError, match="non-finite"):
        engines.sampled(lambda inst, dps: mp.inf, lambda rng, i: {"x": Fraction(1)}, CTX)


def test_gd_divergence_raises():
    with pytest.raises(SimulationDiverged):
        gd_run((Fraction(10),), (Fraction(10),), Fraction(1), Fraction(1), 500)


# ---------------------------------------------------------------- growth engine


def test_growth_refutes_unbounded_and_supports_bounded():
    params = [Fraction(1, 10**k) for k in range(1, 7)]
    bad = engines.growth(params, lambda p, dps: 1 / mp.mpf(p.numerator) * p.denominator, CTX, family="1/p")
    assert bad.verdict is Verdict.REFUTED
    good = engines.growth(params, lambda p, dps: 2 + mp.mpf(p.numerator) / p.denominator, CTX,
                          family="2+p", bounded_by=3)
    assert good.verdict is Verdict.SUPPORTED


# ---------------------------------------------------------------- combination + runner


def test_all_of_is_only_as_strong_as_its_weakest_part():
    x = sp.Symbol("x", real=True)
    proved = engines.inequality(x**2 + 1, CTX, strict=True)
    refuted = engines.inequality(x, CTX, strict=True)
    assert all_of([proved, refuted]).verdict is Verdict.REFUTED
    assert all_of([proved, proved]).verdict is Verdict.PROVED


def test_runner_turns_errors_into_error_and_timeouts_into_inconclusive():
    def boom(ctx):
        raise RuntimeError("kaboom")

    def slow(ctx):
        import time

        time.sleep(5)

    c = Claim(id="t.boom", title="", source="", statement="", kind=Kind.IDENTITY, hypotheses="", check=boom)
    r = run_variant(c, "printed", CTX)
    assert r.verdict is Verdict.ERROR and "kaboom" in r.outcome.reason  # a crash is not a verdict
    c2 = Claim(id="t.slow", title="", source="", statement="", kind=Kind.IDENTITY, hypotheses="", check=slow)
    r2 = run_variant(c2, "printed", CTX, time_limit=0.5)
    assert r2.verdict is Verdict.INCONCLUSIVE and "time limit" in r2.outcome.reason


def test_one_step_change_matches_reduced_recursion():
    m = shallow_linear(2)
    change = one_step_change(m, m.quantity("lam"))
    e, lam, P = m.quantity("eps"), m.quantity("lam"), m.params[0]
    expected = m.eta**2 * e**2 * lam - 4 * m.eta * e * (e + P)
    assert sp.expand(change - expected) == 0


def test_sturm_uses_symbol_assumptions():
    x = sp.Symbol("x", nonnegative=True)
    assert engines.inequality(1 - x**2, CTX, strict=False, constraints=[x <= 1]).verdict is Verdict.PROVED
    assert engines.inequality(1 - x**2, CTX, strict=False, constraints=[x <= 2]).verdict is Verdict.REFUTED


def test_ball_evaluates_transcendental_functions():
    from numeric import ball

    x = sp.Symbol("x")
    b = ball.evaluate(sp.tanh(x) + sp.sqrt(x) + sp.erf(x) + sp.log(x + 1), {x: Fraction(1)})
    expected = mp.tanh(1) + 1 + mp.erf(1) + mp.log(2)
    assert abs(float(b.mid()) - float(expected)) < 1e-12 and float(b.rad()) < 1e-40


def test_certified_needs_at_least_one_certified_ball():
    out = engines.sampled(lambda inst, dps: mp.mpf(1), lambda rng, i: {"x": Fraction(i)}, CTX,
                          certify=lambda inst: None)
    assert out.verdict is Verdict.SUPPORTED


def test_identity_on_matrices_compares_entries():
    x = sp.Symbol("x")
    assert engines.identity(sp.Matrix([x - x + 1, x]), sp.Matrix([1, x]), CTX).verdict is Verdict.PROVED
    assert engines.identity(sp.Matrix([x, x]), sp.Matrix([x, 2 * x]), CTX).verdict is Verdict.REFUTED


def test_strict_zero_slack_with_uncertain_ball_is_inconclusive():
    from flint import arb

    out = engines.sampled(lambda inst, dps: mp.mpf(0), lambda rng, i: {"x": Fraction(i)}, CTX,
                          strict=True, certify=lambda inst: arb(0, 1e-30))
    assert out.verdict is Verdict.INCONCLUSIVE


def test_sampled_draws_figure_for_counterexample(tmp_path):
    import dataclasses

    drawn = []

    def figure(inst, path):
        drawn.append(inst)
        Path(path).write_bytes(b"png")

    ctx = dataclasses.replace(CTX, figures_dir=str(tmp_path), figure_prefix="t.claim-printed")
    out = engines.sampled(_one_step_ratio, _init, ctx, label="|eps| decreases", figure=figure)
    assert out.verdict is Verdict.REFUTED and out.figures == ["figures/t.claim-printed-_eps_decreases.png"]
    assert drawn and drawn[0] == {k: v for k, v in drawn[0].items()}
    assert (tmp_path / "t.claim-printed-_eps_decreases.png").exists()

    def broken(inst, path):
        raise RuntimeError("no display")

    out2 = engines.sampled(_one_step_ratio, _init, ctx, label="x", figure=broken)
    assert out2.verdict is Verdict.REFUTED and out2.figures == [] and "figure_error" in out2.details


def test_express_in_derives_the_reduced_recursion():
    """Derive (not just check) eq. (6): eps_next in components, written in (a.b, lam)."""
    from symbolic.derive import express_in

    m = shallow_linear(2)
    p, L = sp.symbols("p L")
    P = m.params[0]
    eps_next = m.after_step(m.quantity("eps"))
    derived = express_in(eps_next, {p: m.quantity("ab"), L: m.quantity("lam")}, m.state, 5, extra=(m.eta, P))
    e = p - P
    assert derived is not None
    assert sp.expand(derived - e * (1 - m.eta * L + m.eta**2 * e * (e + P))) == 0
    # Q1 is not a function of (a.b, lam) alone in d = 2: no reduction exists
    assert express_in(m.quantity("Q1"), {p: m.quantity("ab"), L: m.quantity("lam")}, m.state, 2) is None


def test_growth_needs_enough_decades_to_support():
    params = [Fraction(1, 10), Fraction(1, 20), Fraction(1, 40), Fraction(1, 80)]  # 0.9 decades
    out = engines.growth(params, lambda p, dps: mp.mpf(2), CTX, family="flat", min_decades=2)
    assert out.verdict is Verdict.INCONCLUSIVE and "decades" in out.reason
    wide = [Fraction(1, 10**k) for k in range(1, 5)]
    assert engines.growth(wide, lambda p, dps: mp.mpf(2), CTX, min_decades=2).verdict is Verdict.SUPPORTED


def test_sampled_unconfirmed_violation_is_inconclusive_not_supported():
    """A violation seen at working precision that the 2x/3x re-evaluation does not confirm
    (here: a slack that is negative only at the working precision) never ends SUPPORTED."""
    ctx = Context(budget=BUDGETS["quick"])

    def slack(inst, dps):
        return mp.mpf(-1) if dps == ctx.dps else mp.mpf(1)  # an artefact of one precision

    out = engines.sampled(slack, lambda rng, i: {"x": Fraction(i)}, ctx, label="artefact")
    assert out.verdict is Verdict.INCONCLUSIVE
    assert "not confirmed" in out.reason and out.details["unconfirmed_candidates"]
    # the same engine on a genuine violation still refutes, and a true bound still passes
    bad = engines.sampled(lambda inst, dps: mp.mpf(-1), lambda rng, i: {"x": Fraction(i)}, ctx)
    assert bad.verdict is Verdict.REFUTED
    good = engines.sampled(lambda inst, dps: mp.mpf(1), lambda rng, i: {"x": Fraction(i)}, ctx)
    assert good.verdict is Verdict.SUPPORTED


def test_a_simpler_point_is_reported_only_if_it_is_confirmed_itself():
    """The counterexample shrinker keeps simpler rationals that still violate at 2x precision;
    one whose violation vanishes at 3x must not be reported beside the original point's
    confirmation."""
    drawn = Fraction(123456789, 1000000007)

    def slack(inst, dps):
        if inst["x"] == drawn:
            return mp.mpf(-1)  # a real violation at every precision
        return mp.mpf(-1) if dps <= 2 * CTX.dps else mp.mpf(1)  # gone at 3x the working precision

    out = engines.sampled(slack, lambda rng, i: {"x": drawn}, CTX, samples=1)
    assert out.verdict is Verdict.REFUTED
    assert out.counterexample.inputs["x"] == str(drawn)


def test_a_check_runs_at_the_working_precision_whatever_the_callers_mpmath_state():
    """run_variant sets the working precision for the whole check: a claim that reads mp.dps
    implicitly (a bound evaluated outside an explicit workdps) gets the same answer in a fresh
    process and after other code left mp.dps elsewhere."""
    seen: list[int] = []

    def check(ctx):
        seen.append(mp.mp.dps)
        return engines.identity(sp.Integer(1), sp.Integer(1), ctx)

    c = Claim(id="t.precision", title="t", source="s", statement="1 = 1", kind=Kind.IDENTITY, hypotheses="none",
              check=check)
    old = mp.mp.dps
    try:
        for ambient in (15, 30):
            mp.mp.dps = ambient
            run_variant(c, "printed", CTX)
            assert mp.mp.dps == ambient  # restored afterwards
    finally:
        mp.mp.dps = old
    assert seen == [CTX.dps, CTX.dps]
