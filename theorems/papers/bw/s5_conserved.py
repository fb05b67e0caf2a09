"""bw App. C (C.1, C.2) and Definition 1: the quantity alpha = lam^2 - 8 eps (eps + Phi) + 4 eps^2.

Lemma 5 (GF conserves alpha), Lemma 6 (GF norm bound), Lemma 7 (one GD step changes alpha),
Lemma 8 (GD norm bound), Definition 1 (maximal sharpness).  Helpers shared with
:mod:`theorems.papers.bw.s4_speed` (Lemmas 1 and 2) live here too.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction

import mpmath as mp
import sympy as sp

from numeric import samplers
from numeric.dynamics import integrate_flow
from numeric.precision import mpf_of
from numeric.shallow import gd_run, gf_reduced_field, theorem_cap
from symbolic.derive import coefficients_in, one_step_change, time_derivative
from symbolic.models import Model

from ... import engines
from ...claim import Claim, Context, Kind, Outcome, all_of
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
            ys = integrate_flow(gf_reduced_field(P), [e, lm], times)
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


def gf_sup_slack(inst, dps):
    """GF on the reduced ODE eps' = -lam eps, lam' = -4 eps (eps + Phi) (integrate_flow,
    error-controlled to half the working precision), rescaled to lam0 + Phi = 1 (time rescales;
    lam/lambar is invariant).  Slack: min over t in [0, 30/sqrt(alpha0)] (41 points) of
    (lambar - lam(t)) / lambar."""
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
        ys = integrate_flow(gf_reduced_field(P), [e, lm], [horizon * k / 40 for k in range(41)])
        lbar = mp.sqrt(lm**2 + 4 * P**2)
        return min((lbar - y[1]) / lbar for y in ys)


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


# ================================================================== Lemma 5


def _check_lemma5(ctx: Context) -> Outcome:
    parts = []
    for d in DIMS:
        m = model(d)
        dd = len(m.state) // 2
        a, b = m.state[:dd], m.state[dd:]
        f = m.gf_field
        e, lm = m.quantity("eps"), m.quantity("lam")
        P = m.params[0]
        ab = m.quantity("ab")
        ldot = time_derivative(m, lm)
        edot = time_derivative(m, e)
        lines = [
            ("(18) lam' = 2<a,a'> + 2<b,b'>", ldot,
             2 * sum(x * f[x] for x in a) + 2 * sum(y * f[y] for y in b)),
            ("(19) lam' = -2 eps <a,b> - 2 eps <b,a>", ldot, -2 * e * ab - 2 * e * ab),
            ("(20) lam' = -4 eps (eps + Phi)", ldot, -4 * e * (e + P)),
            ("(22) eps' = <a,b'> + <a',b>", edot,
             sum(x * f[y] for x, y in zip(a, b, strict=True)) + sum(f[x] * y for x, y in zip(a, b, strict=True))),
            ("(23) eps' = -eps|a|^2 - eps|b|^2", edot,
             -e * m.quantity("norm_a2") - e * m.quantity("norm_b2")),
            ("(24) eps' = -lam eps", edot, -lm * e),
        ]
        alpha = m.quantity("alpha")
        adot = time_derivative(m, alpha)
        lines += [
            ("(25) alpha' = 2 lam lam' - 8 eps eps' - 8 eps'(eps+Phi) + 8 eps eps'", adot,
             2 * lm * ldot - 8 * e * edot - 8 * edot * (e + P) + 8 * e * edot),
            ("(26) alpha' = 2 lam lam' - 8 eps'(eps+Phi)", adot, 2 * lm * ldot - 8 * edot * (e + P)),
            ("(27) alpha' = 2 lam(-4 eps(eps+Phi)) - 8(-lam eps)(eps+Phi)", adot,
             2 * lm * (-4 * e * (e + P)) - 8 * (-lm * e) * (e + P)),
            ("(28) alpha' = 0 (conservation)", adot, sp.Integer(0)),
        ]
        parts.append(all_of([engines.identity(x, y, ctx, label=f"{name} d={d}", sample=component_sampler(m))
                             for name, x, y in lines]).named(f"d={d}"))
    return all_of(parts)


LEMMA5 = Claim(
    id="bw.lemma5",
    title="GF conserves alpha",
    source="App. C.1, Lemma 5 and eqs. (16)-(28)",
    statement=r"Along GF, $\lambda^2-8\varepsilon(\varepsilon+\Phi)+4\varepsilon^2$ is conserved; "
    r"(20) $\dot\lambda=-4\varepsilon(\varepsilon+\Phi)$, (24) $\dot\varepsilon=-\lambda\varepsilon$, "
    r"(25)-(28) $\frac{d}{dt}[\cdot]=2\lambda\dot\lambda-8\varepsilon\dot\varepsilon-8\dot\varepsilon"
    r"(\varepsilon+\Phi)+8\varepsilon\dot\varepsilon=\dots=0$",
    kind=Kind.IDENTITY,
    hypotheses="gradient flow (16), any a, b, Phi; chain rule on explicit components d = 1, 2, 3; "
    "every printed line (18)-(20), (22)-(24), (25)-(28) checked separately",
    check=_check_lemma5,
)


# ================================================================== Lemma 6


def _lemma6_common(ctx: Context) -> list[Outcome]:
    x = -8 * eps * (eps + Phi) + 4 * eps**2
    parts = [identity_reduced(x, 4 * (-eps * (eps + 2 * Phi)), ctx,
                              "(29) -8 eps(eps+Phi) + 4 eps^2 = 4 (-eps(eps + 2 Phi))")]
    crit = sp.solve(sp.diff(x, eps), eps)
    parts.append(engines.identity(crit[0] if len(crit) == 1 else sp.nan, -Phi, ctx,
                                  label="(29) the maximiser over eps is eps = -Phi"))
    parts.append(engines.inequality(4 * Phi**2 - x, ctx, strict=False, constraints=[Phi > 0],
                                    label="(29) max value 4 Phi^2 (so alpha(0) <= lambar^2)"))
    # "lam has positive derivative only when eps in [-Phi, 0)": lam' <= 0 outside that set
    ldots = []
    for d in DIMS:
        m = model(d)
        ldots.append(engines.identity(time_derivative(m, m.quantity("lam")),
                                      to_components(m, -4 * eps * (eps + Phi)), ctx,
                                      label=f"lam' = -4 eps (eps + Phi) d={d}", sample=component_sampler(m)))
    parts.append(all_of(ldots).named("lam' along GF"))
    # outside [-Phi, 0): eps = s >= 0, or eps = -Phi - s with s > 0 (exact substitutions)
    ldot = -4 * eps * (eps + Phi)
    s_nn, P_pos = sp.Symbol("s", nonnegative=True), sp.Symbol("Phi", positive=True)
    s_pos = sp.Symbol("s", positive=True)
    for text, sub, sv in (("lam' <= 0 for eps = s >= 0", {eps: s_nn, Phi: P_pos}, s_nn),
                          ("lam' <= 0 for eps = -Phi - s < -Phi", {eps: -P_pos - s_pos, Phi: P_pos}, s_pos)):
        expr = sp.expand(-ldot.xreplace(sub))
        parts.append(engines.inequality(
            expr, ctx, strict=False, constraints=[sv >= 0, P_pos > 0], label=text,
            sample=lambda rng, i, sv=sv: {sv: samplers.log_uniform(rng, 1e-3, 1e3),
                                          P_pos: samplers.log_uniform(rng, 1e-3, 1e3)}))
    parts.append(gf_norm_check(ctx, "GF: lam(t) <= lambar on [0, 30/sqrt(alpha0)] (incl. the limit)"))
    return parts


def _check_lemma6(ctx: Context) -> Outcome:
    # printed proof line: lam(inf) = lam(0)^2 - 8 eps0 (eps0 + Phi) + 4 eps0^2, i.e. lam(inf) = alpha(0).
    # Derived: alpha(inf) = lam(inf)^2 at eps = 0 and alpha is conserved, so lam(inf) = sqrt(alpha(0)).
    parts = [identity_reduced(sp.sqrt(ALPHA), ALPHA, ctx,
                              "proof line lam(inf) = alpha(0) [derived lam(inf) = sqrt(alpha(0))]")]
    return all_of(parts + _lemma6_common(ctx))


def _check_lemma6_reading(ctx: Context) -> Outcome:
    parts = [identity_reduced(ALPHA.xreplace({eps: 0}), lam**2, ctx, "alpha at eps = 0 equals lam^2"),
             all_of([engines.identity(time_derivative(model(d), model(d).quantity("alpha")), 0, ctx,
                                      label=f"alpha conserved along GF d={d}") for d in DIMS]).named(
                 "so lam(inf)^2 = alpha(0)")]
    return all_of(parts + _lemma6_common(ctx))


LEMMA6 = Claim(
    id="bw.lemma6",
    title="GF final and running norm",
    source="App. C.1, Lemma 6 and eq. (29)",
    statement=r"$\lambda(t)$ along the whole GF trajectory satisfies $\lambda(\infty)\le\sqrt{\lambda(0)^2+4\Phi^2}$. "
    r"Proof: $\lambda(\infty)=\lambda(0)^2-8\varepsilon(0)(\varepsilon(0)+\Phi)+4\varepsilon(0)^2$; (29) the max over "
    r"$\varepsilon$ of $4(-\varepsilon(\varepsilon+2\Phi))$ is at $\varepsilon=-\Phi$; $\lambda$ has positive derivative "
    r"only when $\varepsilon\in[-\Phi,0)$",
    kind=Kind.INEQUALITY,
    hypotheses="gradient flow, Phi > 0, GF converging to a global minimum (eps(inf) = 0) for the limit "
    "formula; numeric: reduced ODE from inits in regions A, B, C (d = 1, 2, 3) and an a.b = 0 init, "
    "lam/lambar monitored on 41 times up to 30/sqrt(alpha0) (after rescaling lam0 + Phi = 1)",
    check=_check_lemma6,
    reading=r"$\lambda(\infty)^2=\alpha(0)$ (square missing in the proof) and $\sup_t\lambda(t)\le\bar\lambda$ along GF",
    reading_check=_check_lemma6_reading,
    depends_on=("bw.lemma5", "bw.prop1"),
)


# ================================================================== Lemma 7


def lemma7_line_checks(ctx: Context) -> list[Outcome]:
    """Proof lines (30)-(32) in reduced variables (valid in every d by eqs. (6)-(7))."""
    e1, l1 = R.eps_next, R.lam_next
    ab = eps + Phi
    l30a = (lam * (1 + eta**2 * eps**2) - 4 * eta * eps * ab) ** 2
    l30b = (lam**2 - 8 * eta * eps * lam * ab + 2 * eta**2 * eps**2 * lam**2 + eta**4 * eps**4 * lam**2
            + 16 * eta**2 * eps**2 * ab**2 - 8 * eta**3 * eps**3 * lam * ab)
    l31a = 4 * (eps * (1 - eta * lam) + eta**2 * eps**2 * ab) ** 2
    l31b = (4 * eps**2 - 8 * eta * eps**2 * lam + 4 * eta**2 * eps**2 * lam**2 + 8 * eta**2 * eps**3 * ab
            - 8 * eta**3 * eps**3 * lam * ab + 4 * eta**4 * eps**4 * ab**2)
    # (32) is printed with an unbalanced parenthesis; the only grouping that parses is the product
    l32a = -8 * (eps * (1 - eta * lam) + eta**2 * eps**2 * ab) * (Phi + eps * (1 - eta * lam) + eta**2 * eps**2 * ab)
    l32b = (-8 * eps * ab + 8 * eta * eps * lam * (2 * eps + Phi) - 8 * eta**2 * eps**2 * lam**2
            - 8 * eta**2 * eps**2 * ab * ((2 * eps + Phi) - 2 * eta * lam * eps + eta**2 * eps**2 * ab))
    return [
        identity_reduced(l1**2, l30a, ctx, "(30) lam_1^2 = (lam(1+eta^2 eps^2) - 4 eta eps(eps+Phi))^2"),
        identity_reduced(l30a, l30b, ctx, "(30) expansion"),
        identity_reduced(4 * e1**2, l31a, ctx, "(31) 4 eps_1^2 = 4(eps(1-eta lam) + eta^2 eps^2(eps+Phi))^2"),
        identity_reduced(l31a, l31b, ctx, "(31) expansion"),
        identity_reduced(-8 * e1 * (e1 + Phi), l32a, ctx, "(32) -8 eps_1(eps_1+Phi), first form"),
        identity_reduced(l32a, l32b, ctx, "(32) expansion"),
    ]


def lemma7_coefficient_checks(ctx: Context) -> list[Outcome]:
    co = coefficients_in(alpha_change_reduced(), eta)
    ab = eps + Phi
    parts = [
        identity_reduced(co.get(0, 0), 0, ctx, "eta^0 coefficient of alpha_1 - alpha is 0"),
        identity_reduced(co.get(1, 0), 0, ctx, "(33) eta^1 coefficient is 0"),
        identity_reduced(co.get(3, 0), eps**3 * (-8 * lam * ab - 8 * lam * ab + 16 * lam * ab), ctx,
                         "(33) eta^3 coefficient = eps^3(-8 lam(eps+Phi) - 8 lam(eps+Phi) + 16 lam(eps+Phi)) = 0"),
        identity_reduced(co.get(2, 0), eps**2 * (lam**2 * (2 + 4 - 8) + ab**2 * (16 - 8) + eps * ab * (8 - 8)), ctx,
                         "(34) eta^2 coefficient, bracket form"),
        identity_reduced(co.get(2, 0), -2 * eps**2 * (lam**2 - 4 * ab**2), ctx,
                         "(34) eta^2 coefficient = -2 eps^2 (lam^2 - 4(eps+Phi)^2)"),
        identity_reduced(co.get(4, 0), 2 * eps**4 * Q2GRAM, ctx,
                         "eta^4 monomial = 2 eta^4 eps^4 Q^2 with Q^2 := lam^2 - 4(a.b)^2"),
    ]
    # "exactly equal to -2 eta^2 eps^2 Q^2": is lam^2 - 4(a.b)^2 = Q^2 under each interpretation?
    for interp in Q_INTERPRETATIONS:
        sub = []
        for d in DIMS:
            m = model(d)
            sub.append(engines.identity(to_components(m, Q2GRAM), q_squared(m, interp), ctx,
                                        label=f"lam^2 - 4(a.b)^2 = Q^2 [{Q_TEXT[interp]}] d={d}",
                                        sample=component_sampler(m)))
        parts.append(all_of(sub).named(f"(34) -> Q^2 [{Q_TEXT[interp]}]"))
    # eta^4 monomial on components, d = 1 (all interpretations coincide there)
    m = model(1)
    co1 = coefficients_in(one_step_change(m, m.quantity("alpha")), m.eta)
    parts.append(engines.identity(co1.get(4, 0), 2 * m.quantity("eps") ** 4 * q_squared(m, "abs"), ctx,
                                  label="eta^4 monomial = 2 eps^4 Q^2, components d=1",
                                  sample=component_sampler(m)))
    return parts


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


def _check_lemma7(ctx: Context) -> Outcome:
    parts = [derivation_in_components(ctx)]
    parts += full_formula_checks(ctx, False, component_sampler, realizable_reduced_sampler())
    parts += lemma7_line_checks(ctx)
    parts += lemma7_coefficient_checks(ctx)
    out = all_of(parts)
    out.details["true_formula"] = TRUE_FORMULA
    out.details["derived_reduced"] = sp.sstr(sp.factor(alpha_change_reduced()))
    return out


LEMMA7 = Claim(
    id="bw.lemma7",
    title="GD change of alpha",
    source="App. C.2, Lemma 7 and eqs. (30)-(34)",
    statement=r"One GD step with $\eta>0$: $\alpha\curvearrowleft\alpha-2\eta^2\varepsilon^2Q^2(1-\eta^2\varepsilon^2)$, "
    r"$\alpha=\lambda^2-8\varepsilon(\varepsilon+\Phi)+4\varepsilon^2$; proof lines (30)-(32), (33) $\eta^1,\eta^3$ "
    r"coefficients vanish, (34) $\eta^2$ coefficient $-2\varepsilon^2(\lambda^2-4(\varepsilon+\Phi)^2)$ "
    r"'exactly equal to' $-2\eta^2\varepsilon^2Q^2$, $\eta^4$ monomial $2\eta^4\varepsilon^4Q^2$",
    kind=Kind.IDENTITY,
    hypotheses="any a, b in R^d, Phi > 0, eta > 0; exact SymPy derivation via eqs. (6)-(7) (any d) and on "
    "explicit components d = 1, 2, 3; Q read as sum|Q_i|, sum Q_i, or Q^2 := lam^2 - 4(a.b)^2; the "
    "full formula on components for d = 1 (d = 2, 3 via the component derivation, proved equal to the "
    "reduced formula, + the Q^2 comparisons; the full d >= 2 expansions exceed the time budget); "
    "witnesses satisfy lam >= 2|a.b| (realisable states)",
    check=_check_lemma7,
    depends_on=("bw.eq6", "bw.eq7", "bw.lemma10"),
    notes="(32) is printed with an unbalanced parenthesis; checked with the only grouping that parses.",
)


# ================================================================== Lemma 8


def _check_lemma8(ctx: Context) -> Outcome:
    def eta_ok(h: Fraction, e0: Fraction) -> bool:
        return h > 0 and (e0 == 0 or h * abs(e0) < 1)

    steps = ctx.budget.max_steps // 10
    return engines.sampled(gd_norm_slack(eta_ok, steps), gd_norm_sampler("open"), ctx,
                           search=gd_norm_search(eta_ok), describe=gd_describe(steps),
                           label="GD: lam(t) <= lambar", method="mpmath GD trajectories",
                           figure=gd_norm_figure(plots.part_tag(ctx, "bw.lemma8"), "GD: lam(t) <= lambar", steps))


LEMMA8 = Claim(
    id="bw.lemma8",
    title="GD norm bound",
    source="App. C.2, Lemma 8",
    statement=r"Let $\eta<1/|\varepsilon(0)|$ and assume $|\varepsilon(t)|$ is monotonically decreasing along the "
    r"GD trajectory; then $\lambda(t)\le\sqrt{\lambda(0)^2+4\Phi^2}$",
    kind=Kind.INEQUALITY,
    hypotheses="0 < eta < 1/|eps(0)| (exact); runs (mpmath, dps 50, up to max_steps/10) that converge with "
    "|eps(t+1)| < |eps(t)| at every step and a linearly stable limit (|1 - eta lam(T)| < 1); others "
    "are not applicable.  Inits: catalogue hand cases (d = 1, Phi = 1, b0 = 0, a0 = 9/5, 3, eta = 0.999 "
    "x Theorem-1 cap), regions A/B/C, d = 1, 2, 3, eta = u/|eps0| or u x Theorem-1 cap; search over "
    "(a0, b0, u), d = 1, Phi = 1",
    check=_check_lemma8,
    depends_on=("bw.lemma6", "bw.lemma7"),
)


# ================================================================== Definition 1


def _check_def1(ctx: Context) -> Outcome:
    parts = []
    for d in DIMS:
        m = model(d)
        P = m.params[0]
        printed = sp.sqrt((m.quantity("norm_a2") + m.quantity("norm_b2")) ** 2 + 4 * P**2)
        used = to_components(m, sp.sqrt(lam**2 + 4 * Phi**2))
        parts.append(engines.identity(printed, used, ctx, sample=component_sampler(m),
                                      label=f"Definition 1 = sqrt(lam(0)^2 + 4 Phi^2) (Thm 1/2, Lemmas 1, 6, 8) d={d}"))
    return all_of(parts)


DEF1 = Claim(
    id="bw.def1",
    title="Maximal sharpness",
    source="App. C.2, Definition 1",
    statement=r"$\bar\lambda:=\sqrt{(\|\mathbf a(0)\|^2+\|\mathbf b(0)\|^2)^2+4\Phi^2}$",
    kind=Kind.DEFINITION,
    hypotheses="a definition; checked only for consistency with the form sqrt(lam(0)^2 + 4 Phi^2) used in "
    "Theorems 1-2 and Lemmas 1, 6, 8 (explicit components d = 1, 2, 3)",
    check=_check_def1,
)

CLAIMS = [LEMMA5, LEMMA6, LEMMA7, LEMMA8, DEF1]
