"""bw library: the quantity alpha = lam^2 - 8 eps (eps + Phi) + 4 eps^2 and the GD/GF norm
measures shared by Lemmas 1, 2, 5-8 (sections s4_speed and s5_conserved).

Nothing here decides a verdict; it prepares derived formulas, samplers and slacks.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction

import mpmath as mp
import sympy as sp

from numeric import samplers
from numeric.precision import mpf_of
from numeric.shallow import gd_run, gf_reduced_flow, theorem_cap
from symbolic.derive import one_step_change
from symbolic.models import Model

from ... import engines
from ...claim import Context, Outcome, all_of
from . import plots
from .common import DIMS, Phi, R, component_sampler, eps, eta, lam, model, to_components

# ================================================================== shared symbolic pieces

ALPHA = lam**2 - 8 * eps * (eps + Phi) + 4 * eps**2  # Lemma 2/5/7, reduced variables
Q2GRAM = lam**2 - 4 * (eps + Phi) ** 2  # lam^2 - 4 (a.b)^2
Q_INTERPRETATIONS = ("abs", "signed", "gram")
Q_TEXT = {"abs": "Q = sum_i |Q_i|", "signed": "Q = sum_i Q_i", "gram": "Q^2 := lam^2 - 4 (a.b)^2"}
TRUE_FORMULA = ("alpha(t+1) - alpha(t) = -eta^2 eps^2 (2 - eta^2 eps^2) (lam^2 - 4 (a.b)^2); "
                "printed: -2 eta^2 eps^2 Q^2 (1 - eta^2 eps^2)")


def alpha_change_reduced() -> sp.Expr:
    """alpha(t+1) - alpha(t) derived from the (eps, lam) recursion (6)-(7), expanded."""
    return sp.expand(R.step(ALPHA) - ALPHA)


def q_squared(m: Model, interp: str) -> sp.Expr:
    """Q^2 on explicit components under one interpretation of Q."""
    if interp == "abs":
        return m.quantity("Q") ** 2
    if interp == "signed":
        return m.quantity("Qsigned") ** 2
    return m.quantity("Q2gram")


def realizable_reduced_sampler(eta_rule: Callable[[random.Random, sp.Rational, sp.Rational], sp.Rational]
                               | None = None, positive_eps: bool = False):
    """Exact (eps, lam, Phi, eta) of a real network: Phi > 0, lam >= 2|eps + Phi| (Cauchy-Schwarz).
    ``eta_rule(rng, eps, lam)`` draws eta inside a claim's step-size hypothesis."""

    def draw(rng: random.Random) -> dict:
        P = sp.Rational(rng.randint(1, 9), rng.randint(1, 4))
        e = sp.Rational(rng.randint(1 if positive_eps else -20, 20), rng.randint(1, 7))
        if e == 0:
            e = sp.Rational(1, 3)
        lm = 2 * abs(e + P) + sp.Rational(rng.randint(0, 30), rng.randint(1, 5))
        h = eta_rule(rng, e, lm) if eta_rule else sp.Rational(rng.randint(1, 9), rng.randint(2, 20))
        return {eps: e, lam: lm, Phi: P, eta: h}

    return draw


def hyp_component_sampler(m: Model, eta_cap: Callable[[sp.Rational, sp.Rational], sp.Rational],
                          positive_eps: bool = False):
    """Components (Phi > 0) with eta = u * eta_cap(eps, lam), u in (0, 1] (closed cap)."""
    base = component_sampler(m)

    def draw(rng: random.Random) -> dict:
        for _ in range(1000):
            pt = base(rng)
            e = m.quantity("eps").xreplace(pt)
            lm = m.quantity("lam").xreplace(pt)
            if (positive_eps and e <= 0) or e == 0 or lm == 0:
                continue
            pt[m.eta] = sp.Rational(rng.randint(1, 10), 10) * eta_cap(e, lm)
            return pt
        raise RuntimeError("no admissible component point")

    return draw


def identity_reduced(actual: sp.Expr, claimed: sp.Expr, ctx: Context, label: str,
                     sample=None) -> Outcome:
    return engines.identity(actual, claimed, ctx, label=label,
                            sample=sample or realizable_reduced_sampler())


# ================================================================== GD / GF numerics shared


def gd_norm_slack(eta_ok: Callable[[Fraction, Fraction], bool], max_steps: int):
    """Slack of 'lam(t) <= lambar for all t' (normalised by lambar) along a GD run.

    Not applicable (None) unless: eta satisfies ``eta_ok(eta, eps0)`` exactly, the run
    converged, |eps(t)| is strictly decreasing at every computed step, and the limit is
    linearly stable (|1 - eta lam(T)| < 1), so that |eps| keeps decreasing afterwards."""

    def slack(inst, dps):
        a, b, P, h = inst["a"], inst["b"], inst["Phi"], inst["eta"]
        e0 = sum(x * y for x, y in zip(a, b, strict=True)) - P
        if not eta_ok(h, e0):
            return None
        run = gd_run(a, b, P, h, max_steps)
        if not run.converged:
            return None
        if any(abs(run.eps[t + 1]) >= abs(run.eps[t]) for t in range(run.steps)):
            return None
        if abs(1 - run.eta * run.lam[-1]) >= 1:
            return None
        lbar = mp.sqrt(run.lam[0] ** 2 + 4 * run.Phi**2)
        return min((lbar - x) / lbar for x in run.lam)

    return slack


def gd_describe(max_steps: int):
    def describe(inst, dps):
        with mp.workdps(dps):
            run = gd_run(inst["a"], inst["b"], inst["Phi"], inst["eta"], max_steps)
            lbar = mp.sqrt(run.lam[0] ** 2 + 4 * run.Phi**2)
            t = max(range(len(run.lam)), key=lambda k: run.lam[k])
            return {"eps0": run.eps[0], "lam0": run.lam[0], "lambar": lbar, "argmax_t": str(t),
                    "max_lam": run.lam[t], "max_lam/lambar": run.lam[t] / lbar,
                    "eta*eps0": run.eta * run.eps[0], "steps": str(run.steps)}

    return describe


def gd_norm_figure(tag: str, what: str, max_steps: int):
    """lam(t)/lambar along the GD run against 1, and |eps(t)| (the monotonicity hypothesis)."""

    def fig(inst, path):
        run = gd_run(inst["a"], inst["b"], inst["Phi"], inst["eta"], max_steps)
        lbar = mp.sqrt(run.lam[0] ** 2 + 4 * run.Phi**2)
        ts = list(range(run.steps + 1))
        fig_, (ax, ax2) = plots.new(ncols=2, width=5.6)
        ax.plot(ts, plots.fls(x / lbar for x in run.lam), "-", lw=1.4, label=r"$\lambda(t)/\bar\lambda$")
        ax.axhline(1, color="k", ls="--", lw=1, label=r"bound $\bar\lambda=\sqrt{\lambda(0)^2+4\Phi^2}$ (must stay below)")
        plots.steps_axis(ax, n=len(ts))
        ax.set_ylabel(r"$\lambda(t)/\bar\lambda$")
        ax.grid(alpha=0.3, which="both")
        plots.legend(ax)
        x, y = plots.positive(ts, [abs(e) for e in run.eps])
        ax2.plot(x, y, "-", lw=1.2, color="tab:purple", label=r"$|\varepsilon(t)|$ (hypothesis: decreasing)")
        ax2.set_yscale("log")
        plots.steps_axis(ax2, n=len(ts))
        ax2.set_ylabel(r"$|\varepsilon(t)|$")
        ax2.grid(alpha=0.3, which="both")
        plots.legend(ax2)
        plots.finish(fig_, path, plots.title_of(tag, what, inst))

    return fig


def gf_norm_figure(tag: str, what: str):
    """GF (reduced ODE, the 41 times of gf_sup_slack): lam(t)/lambar against 1, and |eps(t)|."""

    def fig(inst, path):
        with mp.workdps(max(15, mp.mp.dps // 2)):
            a = [mpf_of(x) for x in inst["a"]]
            b = [mpf_of(x) for x in inst["b"]]
            P = mpf_of(inst["Phi"])
            e = mp.fsum(x * y for x, y in zip(a, b, strict=True)) - P
            lm = mp.fsum(x * x for x in a) + mp.fsum(y * y for y in b)
            s = lm + P
            e, lm, P = e / s, lm / s, P / s
            alpha0 = lm**2 - 8 * e * (e + P) + 4 * e**2
            horizon = 30 / mp.sqrt(alpha0)
            times = [horizon * k / 40 for k in range(41)]
            ys = gf_reduced_flow(P, [e, lm], times)
            lbar = mp.sqrt(lm**2 + 4 * P**2)
        ts = plots.fls(times)
        fig_, (ax, ax2) = plots.new(ncols=2, width=5.6)
        ax.plot(ts, plots.fls(y[1] / lbar for y in ys), "o-", ms=3, lw=1.2, label=r"GF: $\lambda(t)/\bar\lambda$")
        ax.axhline(1, color="k", ls="--", lw=1, label=r"bound $\bar\lambda$ (must stay below)")
        ax.axhline(plots.fl(mp.sqrt(alpha0) / lbar), color="tab:green", ls=":", lw=1,
                   label=r"$\sqrt{\alpha(0)}/\bar\lambda$ (the GF limit $\lambda(\infty)$)")
        ax.set_xlabel(r"GF time $t$ (units with $\lambda(0)+\Phi=1$)")
        ax.set_ylabel(r"$\lambda(t)/\bar\lambda$")
        ax.grid(alpha=0.3)
        plots.legend(ax)
        x, y = plots.positive(ts, [abs(v[0]) for v in ys])
        ax2.plot(x, y, "o-", ms=3, lw=1.2, color="tab:purple", label=r"GF: $|\varepsilon(t)|$")
        ax2.set_yscale("log")
        ax2.set_xlabel(r"GF time $t$")
        ax2.set_ylabel(r"$|\varepsilon(t)|$")
        ax2.grid(alpha=0.3, which="both")
        plots.legend(ax2)
        plots.finish(fig_, path, plots.title_of(tag, what, inst))

    return fig


def hand_case(a0: Fraction, u: Fraction = Fraction(999, 1000)) -> dict:
    """Catalogue hand case: d = 1, Phi = 1, b0 = 0, eta = u * min{1/(2|eps0|), 2/lambar}."""
    inst = {"a": (a0,), "b": (Fraction(0),), "Phi": Fraction(1)}
    inst["eta"] = u * theorem_cap(inst["a"], inst["b"], inst["Phi"])
    return inst


def gd_norm_sampler(cap_kind: str):
    """Hand cases first, then inits from all regions (d = 1, 2, 3) with eta = u / |eps0|
    (cap_kind 'lemma', u in the catalogue fractions, u = 1 included for closed caps) or
    eta = u * Theorem-1 cap ('theorem'), alternating."""

    def draw(rng: random.Random, i: int) -> dict:
        if i < 2 and cap_kind != "regionA":
            return hand_case(Fraction(9, 5) if i == 0 else Fraction(3))
        region = ("A", "B", "C", None)[i % 4] if cap_kind != "regionA" else "A"
        inst = samplers.shallow_init(rng, i, region=region)
        e0 = sum(x * y for x, y in zip(inst["a"], inst["b"], strict=True)) - inst["Phi"]
        u = samplers.step_fraction(rng, i)
        if i % 2 == 0 and e0 != 0:
            if cap_kind == "closed" and i % 6 == 0:
                u = Fraction(1)
            inst["eta"] = u / abs(e0)
        else:
            inst["eta"] = u * theorem_cap(inst["a"], inst["b"], inst["Phi"])
        return inst

    return draw


def gd_norm_search(eta_ok: Callable[[Fraction, Fraction], bool]) -> engines.Search:
    """Nelder-Mead/DE box over (a0, b0, u), d = 1, Phi = 1, eta = u / |eps0|."""

    def to_instance(x):
        a0, b0 = samplers.rational(float(x[0]), 10**6), samplers.rational(float(x[1]), 10**6)
        u = samplers.rational(float(x[2]), 10**6)
        e0 = a0 * b0 - 1
        if e0 == 0 or u <= 0:
            return None
        inst = {"a": (a0,), "b": (b0,), "Phi": Fraction(1), "eta": u / abs(e0)}
        return inst if eta_ok(inst["eta"], e0) else None

    return engines.Search([(-3.5, 3.5), (-3.5, 3.5), (0.01, 1.0)], to_instance)


def gf_reduced_run(inst, dps, measure):
    """GF on the reduced ODE eps' = -lam eps, lam' = -4 eps (eps + Phi) (Taylor series,
    :func:`numeric.shallow.gf_reduced_flow`, error-controlled to half the working precision),
    rescaled to lam0 + Phi = 1 (time rescales; lam/lambar is invariant), at 41 times in
    [0, 30/sqrt(alpha0)]: ``measure(states, lam0, Phi, alpha0)`` at that precision (None when
    alpha0 <= 0)."""
    with mp.workdps(max(15, dps // 2)):
        a = [mpf_of(x) for x in inst["a"]]
        b = [mpf_of(x) for x in inst["b"]]
        P = mpf_of(inst["Phi"])
        e = mp.fsum(x * y for x, y in zip(a, b, strict=True)) - P
        lm = mp.fsum(x * x for x in a) + mp.fsum(y * y for y in b)
        s = lm + P
        e, lm, P = e / s, lm / s, P / s
        alpha0 = lm**2 - 8 * e * (e + P) + 4 * e**2
        if alpha0 <= 0:
            return None
        horizon = 30 / mp.sqrt(alpha0)
        return measure(gf_reduced_flow(P, [e, lm], [horizon * k / 40 for k in range(41)]), lm, P, alpha0)


def gf_sup_slack(inst, dps):
    """Along the reduced GF (:func:`gf_reduced_run`): min over the 41 times of (lambar - lam(t)) / lambar."""

    def measure(ys, lm, P, alpha0):
        lbar = mp.sqrt(lm**2 + 4 * P**2)
        return min((lbar - y[1]) / lbar for y in ys)

    return gf_reduced_run(inst, dps, measure)


def gf_sampler(rng: random.Random, i: int) -> dict:
    inst = samplers.shallow_init(rng, i, region=("A", "B", "C")[i % 3])
    if i == 3:  # a.b = 0 exactly (eps0 = -Phi): the bound is attained in the limit
        inst = {"a": (Fraction(1), Fraction(0)), "b": (Fraction(0), Fraction(2)), "Phi": Fraction(1)}
    return inst


def gf_norm_check(ctx: Context, label: str = "GF: sup_t lam(t) <= lambar") -> Outcome:
    n = max(4, ctx.budget.samples // 8)
    num = engines.sampled(gf_sup_slack, gf_sampler, ctx, samples=n, label=label,
                          method="mpmath Taylor integration of the reduced GF ODE",
                          figure=gf_norm_figure(plots.part_tag(ctx, "bw"), label))
    # exact part: alpha0 <= lambar^2 since lambar^2 - alpha = 4 (eps + Phi)^2
    sym = engines.inequality(lam**2 + 4 * Phi**2 - ALPHA, ctx, strict=False,
                             constraints=[lam >= 0], label="GF limit: lambar^2 - alpha(0) >= 0")
    return all_of([num, sym]).named(label)



# ================================================================== Lemma-7 derivations (used by Lemma 2 and Lemma 7)

def derivation_in_components(ctx: Context) -> Outcome:
    """one_step_change on explicit components (d = 1, 2, 3) equals the reduced derivation."""
    parts = []
    for d in DIMS:
        m = model(d)
        parts.append(engines.identity(one_step_change(m, m.quantity("alpha")),
                                      to_components(m, alpha_change_reduced()), ctx,
                                      label=f"components d={d}: alpha_1 - alpha = reduced formula",
                                      sample=component_sampler(m)))
    return all_of(parts).named("derivation on components")


def full_formula_checks(ctx: Context, absolute: bool, comp_sampler, red_sampler, dims=(1,)) -> list[Outcome]:
    """alpha(t+1) - alpha(t) vs the printed decrement, for each interpretation of Q."""

    def printed(h, e, q2):
        f = 1 - h**2 * e**2
        return -2 * h**2 * e**2 * q2 * (sp.Abs(f) if absolute else f)

    tag = "|1 - eta^2 eps^2|" if absolute else "(1 - eta^2 eps^2)"
    parts = [engines.identity(alpha_change_reduced(), printed(eta, eps, Q2GRAM), ctx,
                              label=f"reduced (any d), {Q_TEXT['gram']}, factor {tag}", sample=red_sampler)]
    for interp in Q_INTERPRETATIONS:
        for d in dims:
            if interp != "abs" and d == 1:
                continue  # identical to 'abs' when d = 1
            m = model(d)
            parts.append(engines.identity(
                one_step_change(m, m.quantity("alpha")),
                printed(m.eta, m.quantity("eps"), q_squared(m, interp)), ctx,
                label=f"components d={d}, {Q_TEXT[interp]}, factor {tag}", sample=comp_sampler(m)))
    return parts




# ================================================================== domains (statement layer)

from ...spec import Domain, Real, Vec  # noqa: E402


def _dot(u, v) -> Fraction:
    return sum((x * y for x, y in zip(u, v, strict=True)), Fraction(0))


#: Reduced coordinates of a real network: Phi > 0 and lam >= 2|eps + Phi| = 2|a.b|
#: (Cauchy-Schwarz), eta > 0.  Symbols as in eqs. (6)-(7): epsilon, lambda, Phi, eta.
REDUCED = Domain(
    Real("epsilon", -4, 4),
    Real("Phi", 0, 3, lo_open=True),
    Real("lambda", ("2|epsilon + Phi|", lambda s: 2 * abs(s["epsilon"] + s["Phi"])), 12),
    Real("eta", 0, 1, lo_open=True),
    note="(eps, lam) realisable by a network: lam >= 2|a.b|",
)


def components(d: int) -> Domain:
    """Explicit components a, b in [-9/2, 9/2]^d, Phi > 0, eta > 0 (symbols a1..ad, b1..bd)."""
    return Domain(Vec("a", Fraction(-9, 2), Fraction(9, 2), dims=(d,)), Vec("b", Fraction(-9, 2), Fraction(9, 2)),
                  Real("Phi", 0, 3, lo_open=True), Real("eta", 0, 1, lo_open=True))


#: An initialisation (a(0), b(0), Phi) with eps(0) = a.b - Phi != 0, d = 1, 2, 3 (the dynamics
#: are invariant under a -> c a, b -> c b, Phi -> c^2 Phi, eta -> eta / c^2, so bounded scales
#: with Phi in (0, 3] cover every shape).
GD_INIT = Domain(
    Real("Phi", 0, 3, lo_open=True),
    Vec("a", -3, 3, dims=(1, 2, 3)),
    Vec("b", -3, 3),
    derived={"eps0": ("a.b - Phi", lambda s: _dot(s["a"], s["b"]) - s["Phi"])},
    where=[("eps0 != 0", lambda s: s["eps0"] != 0)],
)

#: Catalogue hand cases: d = 1, Phi = 1, b0 = 0, a0 in {9/5, 3}, eta = 0.999 x Theorem-1 cap.
HAND_CASES = (hand_case(Fraction(9, 5)), hand_case(Fraction(3)))

#: GF initialisations: all regions, d = 1, 2, 3, and a.b = 0 exactly (eps0 = -Phi).
GF_INIT = Domain(
    Real("Phi", 0, 3, lo_open=True),
    Vec("a", -3, 3, dims=(1, 2, 3)),
    Vec("b", -3, 3),
    edges=[{"a": (Fraction(1), Fraction(0)), "b": (Fraction(0), Fraction(2)), "Phi": Fraction(1)}],
)


def gd_lam_states(max_steps: int):
    """A GD run from the instance as states (t, eps_t, lam_t, lambar) when the trajectory
    hypotheses hold (converged, |eps(t)| strictly decreasing at every computed step, a
    linearly stable limit |1 - eta lam(T)| < 1); None otherwise (not applicable)."""

    def run(inst, dps):
        r = gd_run(inst["a"], inst["b"], inst["Phi"], inst["eta"], max_steps)
        if not r.converged or abs(1 - r.eta * r.lam[-1]) >= 1:
            return None
        if any(abs(r.eps[t + 1]) >= abs(r.eps[t]) for t in range(r.steps)):
            return None
        lbar = mp.sqrt(r.lam[0] ** 2 + 4 * r.Phi**2)
        return [(t, e, lm, lbar) for t, (e, lm) in enumerate(zip(r.eps, r.lam, strict=True))]

    return run


def below_lambar(state, inst):
    """(lambar - lam(t)) / lambar: >= 0 iff lam(t) <= sqrt(lam(0)^2 + 4 Phi^2)."""
    _, _, lm, lbar = state
    return (lbar - lm) / lbar
