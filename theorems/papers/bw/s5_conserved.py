"""bw App. C (C.1, C.2) and Definition 1: the quantity alpha = lam^2 - 8 eps (eps + Phi) + 4 eps^2.

Lemma 5 (GF conserves alpha), Lemma 6 (GF norm bound), Lemma 7 (one GD step changes alpha),
Lemma 8 (GD norm bound), Definition 1 (maximal sharpness).  Shared derivations and measures
live in :mod:`.lib_alpha`.
"""

from __future__ import annotations

import mpmath as mp
import sympy as sp

from numeric import samplers
from symbolic.derive import coefficients_in, one_step_change, time_derivative

from ... import engines
from ...claim import Claim, Context, Kind, Outcome, all_of
from ...spec import AllOf, Along, ForEach, Identity, Real, claim
from .common import DIMS, Phi, R, component_sampler, eps, eta, lam, model, to_components
from .lib_alpha import (
    ALPHA,
    GD_INIT,
    HAND_CASES,
    Q2GRAM,
    Q_INTERPRETATIONS,
    Q_TEXT,
    REDUCED,
    alpha_change_reduced,
    below_lambar,
    components,
    gd_describe,
    gd_lam_states,
    gd_norm_figure,
    gf_norm_check,
    gf_reduced_run,
    gf_sampler,
    identity_reduced,
    q_squared,
)

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
    parts.append(engines.sampled(_gf_sup_at_ends, gf_sampler, ctx, samples=max(4, ctx.budget.samples // 8),
                                 label="'the sup for lam along the trajectory is either initialization or the "
                                 "solution': lam(t) <= max{lam(0), lam(inf) = sqrt(alpha(0))} at the 40 sampled "
                                 "times t > 0 (at t = 0 it holds with equality when lam(0) is the max)",
                                 method="mpmath Taylor integration of the reduced GF ODE"))
    return parts


def _gf_sup_at_ends(inst, dps):
    """Along the reduced GF (:func:`gf_reduced_run`, as :func:`gf_sup_slack`): min over the 40 times
    t > 0 of (max{lam0, sqrt(alpha0)} - lam(t)) / lambar; lam(inf) = sqrt(alpha0) because alpha is
    conserved and eps(inf) = 0.  t = 0 is left out: there the slack is 0 by definition whenever
    lam0 >= sqrt(alpha0), which would hide the margin of the times that test the claim."""

    def measure(ys, lm, P, alpha0):
        top = max(lm, mp.sqrt(alpha0))
        return min((top - y[1]) for y in ys[1:]) / mp.sqrt(lm**2 + 4 * P**2)

    return gf_reduced_run(inst, dps, measure)


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
    r"only when $\varepsilon\in[-\Phi,0)$; 'the sup for $\lambda$ along the trajectory is either initialization or "
    r"the solution'",
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


def _printed_decrement(h, e, q2):
    return -2 * h**2 * e**2 * q2 * (1 - h**2 * e**2)


def _lemma7_lines() -> list[tuple[str, sp.Expr, sp.Expr]]:
    """Proof lines (30)-(34) as (label, derived, printed), in reduced variables (any d)."""
    e1, l1, ab = R.eps_next, R.lam_next, eps + Phi
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
    co = coefficients_in(alpha_change_reduced(), eta)
    return [
        ("the printed decrement, Q^2 := lam^2 - 4(a.b)^2, factor (1 - eta^2 eps^2)",
         alpha_change_reduced(), _printed_decrement(eta, eps, Q2GRAM)),
        ("(30) lam_1^2 = (lam(1+eta^2 eps^2) - 4 eta eps(eps+Phi))^2", l1**2, l30a),
        ("(30) expansion", l30a, l30b),
        ("(31) 4 eps_1^2 = 4(eps(1-eta lam) + eta^2 eps^2(eps+Phi))^2", 4 * e1**2, l31a),
        ("(31) expansion", l31a, l31b),
        ("(32) -8 eps_1(eps_1+Phi), first form", -8 * e1 * (e1 + Phi), l32a),
        ("(32) expansion", l32a, l32b),
        ("eta^0 coefficient of alpha_1 - alpha is 0", co.get(0, 0), 0),
        ("(33) eta^1 coefficient is 0", co.get(1, 0), 0),
        ("(33) eta^3 coefficient = eps^3(-8 lam(eps+Phi) - 8 lam(eps+Phi) + 16 lam(eps+Phi)) = 0",
         co.get(3, 0), eps**3 * (-8 * lam * ab - 8 * lam * ab + 16 * lam * ab)),
        ("(34) eta^2 coefficient, bracket form", co.get(2, 0),
         eps**2 * (lam**2 * (2 + 4 - 8) + ab**2 * (16 - 8) + eps * ab * (8 - 8))),
        ("(34) eta^2 coefficient = -2 eps^2 (lam^2 - 4(eps+Phi)^2)", co.get(2, 0), -2 * eps**2 * (lam**2 - 4 * ab**2)),
        ("eta^4 monomial = 2 eta^4 eps^4 Q^2 with Q^2 := lam^2 - 4(a.b)^2", co.get(4, 0), 2 * eps**4 * Q2GRAM),
    ]


def _alpha_change(d: int) -> sp.Expr:
    m = model(d)
    return one_step_change(m, m.quantity("alpha"))


@claim("bw.lemma7", title="GD change of alpha", source="App. C.2, Lemma 7 and eqs. (30)-(34)",
       kind=Kind.IDENTITY, depends_on=("bw.eq6", "bw.eq7", "bw.lemma10"),
       statement=r"One GD step with $\eta>0$: $\alpha\curvearrowleft\alpha-2\eta^2\varepsilon^2Q^2(1-\eta^2\varepsilon^2)$, "
       r"$\alpha=\lambda^2-8\varepsilon(\varepsilon+\Phi)+4\varepsilon^2$; proof lines (30)-(32), (33) $\eta^1,\eta^3$ "
       r"coefficients vanish, (34) $\eta^2$ coefficient $-2\varepsilon^2(\lambda^2-4(\varepsilon+\Phi)^2)$ "
       r"'exactly equal to' $-2\eta^2\varepsilon^2Q^2$, $\eta^4$ monomial $2\eta^4\varepsilon^4Q^2$",
       hypotheses="Q read as sum|Q_i|, sum Q_i, or Q^2 := lam^2 - 4(a.b)^2; (32) is printed with an "
       "unbalanced parenthesis and checked with the only grouping that parses")
def lemma7():
    """Lemma 7 (App. C.2): the exact one-step change of alpha, derived on explicit components
    (d = 1, 2, 3) and from the reduced recursion (6)-(7), against the printed decrement, the
    proof lines (30)-(34) and each reading of Q."""
    return AllOf(
        ForEach(DIMS, lambda d: Identity(_alpha_change(d), to_components(model(d), alpha_change_reduced()),
                                         components(d), label="components: alpha_1 - alpha = reduced formula"),
                label="d={}"),
        *[Identity(derived, printed, REDUCED, label=label) for label, derived, printed in _lemma7_lines()],
        *[ForEach(DIMS, lambda d, q=q: Identity(to_components(model(d), Q2GRAM), q_squared(model(d), q),
                                                components(d), label=f"lam^2 - 4(a.b)^2 = Q^2 [{Q_TEXT[q]}]"),
                  label="d={}") for q in Q_INTERPRETATIONS],
        *[Identity(_alpha_change(1), _printed_decrement(model(1).eta, model(1).quantity("eps"), q_squared(model(1), q)),
                   components(1), label=f"the printed decrement on components d=1, {Q_TEXT[q]}")
          for q in ("abs",)],
    )


# ================================================================== Lemma 8

GD_STEPS = 2_000  # per run; runs that have not converged by then are not applicable


@claim("bw.lemma8", title="GD norm bound", source="App. C.2, Lemma 8", kind=Kind.INEQUALITY,
       depends_on=("bw.lemma6", "bw.lemma7"),
       statement=r"Let $\eta<1/|\varepsilon(0)|$ and assume $|\varepsilon(t)|$ is monotonically decreasing along the "
       r"GD trajectory; then $\lambda(t)\le\sqrt{\lambda(0)^2+4\Phi^2}$",
       hypotheses=f"GD runs of up to {GD_STEPS} steps (mpmath, working precision) that converge with |eps(t+1)| < "
       "|eps(t)| at every step and a linearly stable limit |1 - eta lam(T)| < 1; other runs are not applicable")
def lemma8():
    """Lemma 8 (App. C.2): lam(t) <= lambar along GD for eta < 1/|eps(0)| and decreasing |eps(t)|."""
    domain = GD_INIT.with_(Real("eta", 0, ("1/|eps0|", lambda s: 1 / abs(s["eps0"])), lo_open=True, hi_open=True),
                           edges=HAND_CASES)
    return Along(gd_lam_states(GD_STEPS), below_lambar, domain, label="GD: lam(t) <= lambar",
                 describe=gd_describe(GD_STEPS), figure=gd_norm_figure("bw.lemma8", "GD: lam(t) <= lambar", GD_STEPS))


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


CLAIMS = [LEMMA5, LEMMA6, lemma7, lemma8, DEF1]
