"""bw §4 and App. H: where GD converges (Theorem 1, eq. (9), Takeaway 1, eq. (92), Lemmas 18-20).

Trajectory checks run GD on explicit components (``numeric.shallow.gd_run``) in mpmath from
exact rational inputs.  Rigorous ``certify`` functions re-evaluate the same slack in arb ball
arithmetic along the reduced recursion (6)-(8) (proved exact in every d by bw.eq6-eq8), starting
from the *exact* initial eps, lam, Q_i; this decides the equality cases of strict inequalities
(e.g. t = 0 in Lemma 18, eps(0) = 0 or Q_i(0) = 0 in Theorem 1) exactly.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import mpmath as mp
import sympy as sp
from flint import arb, fmpq
from flint import ctx as flint_ctx

from numeric import samplers
from numeric.dynamics import SimulationDiverged
from numeric.precision import mpf_of
from numeric.shallow import Run, theorem_cap
from symbolic.derive import time_derivative

from ... import engines
from ...claim import Claim, Context, Kind, Outcome, all_of
from . import plots
from .common import init_instance, model
from .lib_trajectory import gd, steps_cap

# ------------------------------------------------------------------ shared trajectory helpers

ARB_BITS = 400


def exact_state(inst: Mapping[str, Any]) -> tuple[Fraction, Fraction, list[Fraction]]:
    """(eps, lam, [Q_i]) at the initialisation, exactly."""
    a, b, P = inst["a"], inst["b"], Fraction(inst["Phi"])
    e = sum((Fraction(x) * Fraction(y) for x, y in zip(a, b, strict=True)), Fraction(0)) - P
    lam = sum((Fraction(x) ** 2 for x in a), Fraction(0)) + sum((Fraction(y) ** 2 for y in b), Fraction(0))
    return e, lam, [Fraction(x) ** 2 - Fraction(y) ** 2 for x, y in zip(a, b, strict=True)]


def scaled(inst: Mapping[str, Any], s: Fraction) -> dict[str, Any]:
    """The scale map (a, b, Phi, eta) -> (s a, s b, s^2 Phi, eta / s^2) (catalogue §0): it maps
    GD trajectories to GD trajectories; eta*eps, eta*lam, eta*Q, Q_i(t)/Q_i(0) are invariant."""
    out = dict(inst)
    out["a"] = tuple(s * x for x in inst["a"])
    out["b"] = tuple(s * x for x in inst["b"])
    out["Phi"] = s * s * inst["Phi"]
    if "eta" in inst:
        out["eta"] = inst["eta"] / (s * s)
    return out






def arb_q(x: Fraction) -> arb:
    x = Fraction(x)
    return arb(fmpq(x.numerator, x.denominator))


class ArbPath:
    """eps_t and the ratios Q_i(t)/Q_i(0) = prod_{k<t}(1 - eta^2 eps_k^2) as arb balls, t = 0..T,
    by the reduced recursion (6)-(8) from the exact initial state."""

    def __init__(self, inst: Mapping[str, Any], steps: int):
        old = flint_ctx.prec
        flint_ctx.prec = ARB_BITS
        try:
            e0, l0, _ = exact_state(inst)
            h, P = arb_q(inst["eta"]), arb_q(inst["Phi"])
            e, lam = arb_q(e0), arb_q(l0)
            self.h = h
            self.eps: list[arb] = [e]
            self.ratio: list[arb] = [arb(1)]  # prod_{k<t} (1 - h^2 eps_k^2), signed
            self.sumsq: list[arb] = [arb(0)]  # sum_{k<t} eps_k^2
            for _ in range(steps):
                factor = 1 - h * h * e * e
                e, lam = e * (1 - h * lam + h * h * e * (e + P)), (1 + h * h * e * e) * lam - 4 * h * e * (e + P)
                self.ratio.append(self.ratio[-1] * factor)
                self.sumsq.append(self.sumsq[-1] + self.eps[-1] * self.eps[-1])
                self.eps.append(e)
        finally:
            flint_ctx.prec = old


UNDECIDED = arb(0, 1)  # a ball containing 0: never certifies, never refutes


def amin(values: Sequence[arb]) -> arb:
    out = values[0]
    for v in values[1:]:
        out = out.min(v)
    return out


def cycle(rng: random.Random, i: int, fixed: Sequence[dict], draw: Callable[[random.Random, int], dict]) -> dict:
    """The hand-picked instances first, then random draws."""
    return dict(fixed[i]) if i < len(fixed) else draw(rng, i)


def simple_init(d: int = 1) -> dict:
    """A small exact instance: a = (1, ..), b = (0, ..), Phi = 1 (Region B), eta = 1/4."""
    return {"a": (Fraction(1),) * d, "b": (Fraction(0),) * d, "Phi": Fraction(1), "eta": Fraction(1, 4)}




PREFIX = 5000  # Lemmas 18/19 ("for all t"): every t of the first PREFIX steps (or up to convergence)


# ------------------------------------------------------------------ Lemma 18 / 19 slack


def log_ratio_mp(run: Run) -> list[mp.mpf]:
    """g_t = sum_{k<t} (log|1 - eta^2 eps_k^2| + eta^2 eps_k^2) = log(|Q_i(t)/Q_i(0)| e^{eta^2 S_t}), t = 0..T,
    from the simulated residuals (eq. (8), proved exact in bw.eq8; well conditioned even when Q_i(t)
    is far below the roundoff of a_i^2 - b_i^2)."""
    out, acc = [], mp.mpf(0)
    for e in run.eps:
        out.append(acc)
        x = run.eta**2 * e * e
        acc = acc + (mp.log(abs(1 - x)) if x != 1 else mp.ninf) + x
    return out


def log_ratio_arb(path: ArbPath) -> list[arb]:
    out, acc = [], arb(0)
    for e in path.eps:
        out.append(acc)
        x = path.h * path.h * e * e
        acc = acc + abs(1 - x).log() + x
    return out



# ------------------------------------------------------------------ figures (never part of a verdict)


def _neglog_ratio(run: Run) -> tuple[list, list]:
    """-log(|Q_i(t)|/|Q_i(0)|) (the same for every i with Q_i(0) != 0, eq. (8)) and
    eta^2 sum_{k<t} eps_k^2, t = 0..T, from the simulated residuals."""
    g = log_ratio_mp(run)
    cs, acc = [], mp.mpf(0)
    for e in run.eps:
        cs.append(run.eta**2 * acc)
        acc += e * e
    return [c - x for c, x in zip(cs, g, strict=True)], cs


def _imbalance_axes(ax, run: Run, neg, cs, lower: bool, upper: bool) -> None:
    ts = list(range(len(neg)))
    x, y = plots.positive(ts, neg)
    ax.plot(x, y, "-", color="tab:blue", lw=1.4, label=r"$-\log(|Q_i(t)|/|Q_i(0)|)$")
    if upper:
        x2, y2 = plots.positive(ts, cs)
        ax.plot(x2, y2, "--", color="tab:orange", lw=1.2,
                label=r"$\eta^2\sum_{k<t}\varepsilon_k^2$ (must stay below the blue curve)")
    if lower:
        lo = mp.sqrt(run.eta) * run.eps[0] ** 2 / run.Phi
        ax.axhline(plots.fl(lo), color="tab:red", ls="-.", lw=1.2,
                   label=r"$\sqrt{\eta}\,\varepsilon_0^2/\Phi$ (blue must stay below: lower bound on $|Q_i|$)")
    plots.steps_axis(ax)
    if y:
        ax.set_yscale("log")
    ax.set_ylabel("log-decrease of the imbalance")
    ax.grid(alpha=0.3, which="both")
    plots.legend(ax)


def _imbalance_figure(tag: str, what: str, max_steps: int, mode: str):
    """mode 'thm1': -log|Q_i(inf)/Q_i(0)| against sqrt(eta) eps0^2/Phi and eta^2 sum eps^2;
    'upper' (Lemmas 18/19): -log ratio against eta^2 sum_{k<t} eps_k^2 and the per-t margin;
    'lower' (Lemma 20): |Q_i(t)|/|Q_i(0)| against exp(-sqrt(eta) eps0^2/Phi) and the margin;
    'small': eta|eps_t| against 1 (what eta~ must guarantee in Lemma 19)."""

    def fig(inst, path):
        run = gd(inst, max_steps)
        if mode == "small":
            fig_, (ax,) = plots.new()
            ts = list(range(run.steps + 1))
            x, y = plots.positive(ts, [run.eta * abs(e) for e in run.eps])
            ax.plot(x, y, "-", lw=1.2, label=r"$\eta|\varepsilon_t|$")
            ax.axhline(1, color="k", ls="--", label="bound 1 (must stay below)")
            plots.steps_axis(ax)
            plots.auto_scale(ax, y)
            ax.set_ylabel(r"$\eta|\varepsilon_t|$")
            ax.grid(alpha=0.3, which="both")
            plots.legend(ax)
            plots.finish(fig_, path, plots.title_of(tag, what, inst))
            return
        if all(q == 0 for q in exact_state(inst)[2]):
            raise ValueError("every Q_i(0) = 0: no ratio to plot")
        neg, cs = _neglog_ratio(run)
        ts = list(range(len(neg)))
        if mode == "thm1":
            fig_, (ax,) = plots.new()
            _imbalance_axes(ax, run, neg, cs, lower=True, upper=True)
            ax.axhline(plots.fl(cs[-1]), color="tab:orange", lw=0.8, ls=":",
                       label=r"$\eta^2\sum_t\varepsilon_t^2$ (final; blue at $T$ must exceed it)")
            plots.mark(ax, run.steps, f"convergence T = {run.steps}")
            plots.legend(ax)
        else:
            fig_, (ax, ax2) = plots.new(ncols=2, width=5.6)
            _imbalance_axes(ax, run, neg, cs, lower=mode == "lower", upper=mode == "upper")
            if mode == "upper":
                slack = [-mp.expm1(c - x) for c, x in zip(cs, neg, strict=True)]  # 1 - ratio/bound
                plots.plot_slack(ax2, ts, slack, "margin", strict=True,
                                 title=r"$1-|Q_i(t)|\,/\,(|Q_i(0)|e^{-\eta^2\sum_{k<t}\varepsilon_k^2})$")
            else:
                low = mp.exp(-mp.sqrt(run.eta) * run.eps[0] ** 2 / run.Phi)
                slack = [mp.exp(-x) - low for x in neg]
                plots.plot_slack(ax2, ts, slack, "margin",
                                 title=r"$|Q_i(t)|/|Q_i(0)|-e^{-\sqrt{\eta}\varepsilon_0^2/\Phi}$")
            plots.steps_axis(ax2)
            ax2.grid(alpha=0.3, which="both")
        plots.finish(fig_, path, plots.title_of(tag, what, inst))

    return fig


def _bound_slack(start_t: int, max_steps: int, require_small: bool, end_t: int | None = None):
    """min over start_t <= t < end_t (end_t None: up to convergence or the step cap) of
    1 - (|Q_i(t)|/|Q_i(0)|) / exp(-eta^2 sum_{k<t} eps_k^2)  (the same for every i with Q_i(0) != 0;
    not applicable if all Q_i(0) = 0).  With ``require_small`` the instance is not applicable
    (None) unless eta|eps_t| < 1 along the whole computed run (Lemma 18's hypothesis); otherwise
    the bound is evaluated whatever happens."""

    def slack(inst, dps):
        run = gd(inst, max_steps)
        if require_small and any(run.eta * abs(e) >= 1 for e in run.eps):
            return None
        if all(q == 0 for q in exact_state(inst)[2]):
            return None
        return min(-mp.expm1(g) for g in log_ratio_mp(run)[start_t:end_t])

    def certify(inst):
        with mp.workdps(50):
            run = gd(inst, max_steps)
        if all(q == 0 for q in exact_state(inst)[2]):
            return None
        path = ArbPath(inst, run.steps)
        old = flint_ctx.prec
        flint_ctx.prec = ARB_BITS
        try:
            if require_small:
                if any(path.h * abs(e) >= 1 for e in path.eps):
                    return None
                if not all(path.h * abs(e) < 1 for e in path.eps):
                    return UNDECIDED
            terms = [1 - g.exp() for g in log_ratio_arb(path)[start_t:end_t]]
            return amin(terms) if terms else None
        finally:
            flint_ctx.prec = old

    return slack, certify


T0_LABEL = "t = 0: empty sum, strict inequality is an equality (|Q_i(0)| < |Q_i(0)| e^0 is false)"


def _lemma18(printed: bool):
    """The bound at every t >= 1 (the substantive part); the printed variant ("for all t in N")
    also checks t = 0 as a separately labelled part, where the sum is empty."""

    def check(ctx: Context):
        ms = min(steps_cap(ctx), PREFIX)

        def draw(rng, i):
            return cycle(rng, i, [simple_init(1), simple_init(2)], init_instance)

        slack, certify = _bound_slack(1, ms, require_small=True)
        label = "bound at every t >= 1"
        parts = [engines.sampled(
            slack, draw, ctx, strict=True, certify=certify, label=label, method="mpmath GD trajectories",
            figure=_imbalance_figure(plots.part_tag(ctx, "bw.lemma18"), label, ms, "upper"))]
        if printed:
            slack0, certify0 = _bound_slack(0, ms, require_small=True, end_t=1)
            parts.append(engines.sampled(slack0, draw, ctx, strict=True, certify=certify0, samples=2,
                                         label=T0_LABEL, method="mpmath GD trajectories"))
        return all_of(parts)

    return check


LEMMA18 = Claim(
    id="bw.lemma18",
    title="Upper bound on imbalance (1)",
    source="App. H, Lemma 18",
    statement=r"If $\eta|\varepsilon(t)|<1$ for all $t\in\mathbb N$, then for all $t\in\mathbb N$: "
    r"$|Q_i(t)|<|Q_i(0)|\exp(-\eta^2\sum_{k=0}^{t-1}\varepsilon_k^2)$",
    kind=Kind.INEQUALITY,
    hypotheses="eta |eps(t)| < 1 along the computed trajectory (else not applicable); inits from all "
    "regions, d = 1, 2, 3, eta a fraction of the Theorem-1 cap, plus a = (1,..), b = 0, Phi = 1, "
    "eta = 1/4; every t up to convergence (|eps| < 1e-30 (1 + Phi)) or min(step cap, 5000); "
    "|Q_i(t)|/|Q_i(0)| = prod_k |1 - eta^2 eps_k^2| (eq. (8), exact by bw.eq8) from the simulated "
    "eps_k; neurons with Q_i(0) = 0 excluded; printed ('for all t in N'): the t >= 1 part and, "
    "separately labelled, the t = 0 part (empty sum: the strict inequality is an equality, decided "
    "exactly in arb)",
    check=_lemma18(printed=True),
    reading=r"the same bound for all $t\ge1$ (at $t=0$ the sum is empty and the strict "
    r"inequality is an equality)",
    reading_check=_lemma18(printed=False),
    depends_on=("bw.eq8", "bw.eq92"),
)


# ------------------------------------------------------------------ Lemma 19


def eta2_closed(e: Fraction, lam: Fraction, Phi: Fraction) -> mp.mpf | None:
    """Definition 3's eta_2 in closed form at (eps, lam): the smaller positive root of
    2 - eta lam + eta^2 eps(eps+Phi) = 0; None if it is not real."""
    c = e * (e + Phi)
    if c == 0:
        return mpf_of(2 / lam)
    disc = lam * lam - 8 * c
    if disc < 0:
        return None
    return (mpf_of(lam) - mp.sqrt(mpf_of(disc))) / (2 * mpf_of(c))


def _lemma19_sampler(which: str):
    def draw(rng: random.Random, i: int) -> dict:
        if i == 0:
            return simple_init(1)  # eta = 1/4 <= 2/sqrt5 and <= eta_2 = 2 (eps(eps+Phi) = 0)
        inst = samplers.shallow_init(rng, i)
        e0, l0, _ = exact_state(inst)
        u = samplers.step_fraction(rng, i)
        with mp.workdps(60):
            if which == "2/lambda_bar":
                tilde = mp.mpf(2) / mp.sqrt(mpf_of(l0 * l0 + 4 * inst["Phi"] ** 2))
            else:
                tilde = eta2_closed(e0, l0, inst["Phi"])
                if tilde is None:
                    return {**inst, "eta": Fraction(0)}  # marked: eta_2 not real
            cap = tilde if e0 == 0 else min(tilde, 1 / abs(mpf_of(e0)))
            # rounded down: eta <= tilde and eta |eps0| < 1 hold exactly for u < 1
            inst["eta"] = u * Fraction(int(mp.floor(cap * mp.mpf(10) ** 45)), 10**45)
        return inst

    return draw


def _admissible(pair):
    """Wrap (slack, certify) so that instances marked eta = 0 (eta_2 not real) are not applicable."""
    slack, certify = pair

    def slack_adm(inst, dps):
        return None if inst["eta"] == 0 else slack(inst, dps)

    def cert_adm(inst):
        return None if inst["eta"] == 0 else certify(inst)

    return slack_adm, cert_adm


def _lemma19(printed: bool):
    """Per candidate eta~: the bound at every t >= 1 and max_t eta|eps_t| < 1; the printed variant
    ("for all t in N") also checks t = 0 as a separately labelled part (empty sum)."""

    def check(ctx: Context):
        parts = []
        for which in ("2/lambda_bar", "eta_2(0)"):
            draw = _lemma19_sampler(which)

            slack_adm, cert_adm = _admissible(_bound_slack(1, min(steps_cap(ctx), PREFIX), require_small=False))

            def small_slack(inst, dps):
                if inst["eta"] == 0:
                    return None
                run = gd(inst, min(steps_cap(ctx), PREFIX))
                return min(1 - run.eta * abs(e) for e in run.eps)

            ms = min(steps_cap(ctx), PREFIX)
            tag = plots.part_tag(ctx, "bw.lemma19")
            label = f"eta~ = {which}: bound at every t >= 1"
            parts.append(engines.sampled(
                slack_adm, draw, ctx, strict=True, certify=cert_adm,
                label=label, method="mpmath GD trajectories",
                figure=_imbalance_figure(tag, label, ms, "upper")))
            if printed:
                slack0, cert0 = _admissible(_bound_slack(0, ms, require_small=False, end_t=1))
                parts.append(engines.sampled(slack0, draw, ctx, strict=True, certify=cert0, samples=2,
                                             label=f"eta~ = {which}: {T0_LABEL}", method="mpmath GD trajectories"))
            label = f"eta~ = {which}: max_t eta|eps_t| < 1 (what eta~ must guarantee)"
            parts.append(engines.sampled(
                small_slack, draw, ctx, strict=True, samples=max(4, ctx.budget.samples // 2),
                label=label, method="mpmath GD trajectories",
                figure=_imbalance_figure(tag, label, ms, "small")))
        return all_of(parts)

    return check


LEMMA19 = Claim(
    id="bw.lemma19",
    title="Upper bound on imbalance (2)",
    source="App. H, Lemma 19",
    statement=r"Let $\eta|\varepsilon(0)|<1$ and $\eta\le\tilde\eta$; then for all $t\in\mathbb N$: "
    r"$|Q_i(t)|<|Q_i(0)|\exp(-\eta^2\sum_{k=0}^{t-1}\varepsilon_k^2)$ ($\tilde\eta$ undefined)",
    kind=Kind.INEQUALITY,
    hypotheses="eta |eps(0)| < 1 and eta <= eta~ with eta~ (never defined in the paper) taken as "
    "each candidate: 2/sqrt(lam0^2 + 4 Phi^2), and eta_2 of Definition 3 at the initial state "
    "(closed form; instances where it is not real are not applicable); eta = u * min(eta~, "
    "1/|eps0|) rounded down, u in the catalogue fractions (< 1); random inits d = 1, 2, 3, all "
    "regions; no trajectory hypothesis (that is what eta~ must supply); also checked: "
    "max_t eta|eps_t| < 1; every t of the first min(step cap, 5000) steps (or up to convergence), "
    "ratio by eq. (8) as in bw.lemma18; neurons with Q_i(0) = 0 excluded; printed ('for all t in N'): "
    "the t >= 1 part and, separately labelled, the t = 0 part (empty sum: equality)",
    check=_lemma19(printed=True),
    reading=r"For $\tilde\eta\in\{2/\bar\lambda,\ \eta_2(0)\}$: $\eta|\varepsilon_t|<1$ for all $t$ and "
    r"the bound holds for all $t\ge1$ (at $t=0$ it is an equality, as in Lemma 18)",
    reading_check=_lemma19(printed=False),
    depends_on=("bw.lemma18", "bw.lemma2"),
)


# ------------------------------------------------------------------ Theorem 1


def _thm1_terms(inst, dps, max_steps, which: str):
    """The four inequalities of Theorem 1 as normalised slacks at the convergence step T (None if
    GD did not converge within the step cap: Q_i(infinity) is then not determined).  With
    G = log(|Q_i(T)/Q_i(0)|) + eta^2 S, S = sum_{t<T} eps_t^2 (ratio by eq. (8) from the simulated
    eps_t): upper 1 - e^G, lower |Q_i(T)/Q_i(0)| e^{sqrt(eta) eps0^2/Phi} - 1, below_Q0 1 - e^{-eta^2 S},
    positive e^{-sqrt(eta) eps0^2/Phi}; every term is exactly 0 for a neuron with Q_i(0) = 0."""
    run = gd(inst, max_steps)
    if not run.converged:
        return None
    _, _, q0x = exact_state(inst)
    h, P, T = run.eta, run.Phi, run.steps
    G = log_ratio_mp(run)[T]
    S = mp.fsum(e * e for e in run.eps[:T])
    low_exp = mp.sqrt(h) * run.eps[0] ** 2 / P
    terms = {
        "upper": -mp.expm1(G),
        "lower": mp.expm1(G - h * h * S + low_exp),
        "below_Q0": -mp.expm1(-h * h * S),
        "positive": mp.exp(-low_exp),
    }
    val = terms[which] if which != "all" else min(terms.values())
    return min(val if q != 0 else mp.mpf(0) for q in q0x)


def _thm1_certify(max_steps: int, which: str):
    def certify(inst):
        with mp.workdps(50):
            run = gd(inst, max_steps)
        if not run.converged:
            return None
        _, _, q0x = exact_state(inst)
        path = ArbPath(inst, run.steps)
        old = flint_ctx.prec
        flint_ctx.prec = ARB_BITS
        try:
            h, P, T = path.h, arb_q(inst["Phi"]), run.steps
            G = log_ratio_arb(path)[T]
            S = path.sumsq[T]
            low_exp = h.sqrt() * path.eps[0] * path.eps[0] / P
            terms = {
                "upper": 1 - G.exp(),
                "lower": (G - h * h * S + low_exp).exp() - 1,
                "below_Q0": 1 - (-(h * h) * S).exp(),
                "positive": (-low_exp).exp(),
            }
            val = terms[which] if which != "all" else amin(list(terms.values()))
            return amin([val if q != 0 else arb(0) for q in q0x])
        finally:
            flint_ctx.prec = old

    return certify


def _thm1_describe(max_steps: int):
    def describe(inst, dps):
        with mp.workdps(dps):
            run = gd(inst, max_steps)
            e0 = run.eps[0]
            S = mp.fsum(e * e for e in run.eps)
            return {
                "steps_to_converge": str(run.steps),
                "|Q_i(inf)|/|Q_i(0)|": ", ".join(mp.nstr(abs(q) / abs(q0), 12) if q0 != 0 else "Q_i(0)=0"
                                                 for q, q0 in zip(run.Qi[-1], run.Qi[0], strict=True)),
                "exp(-sqrt(eta) eps0^2/Phi)": mp.exp(-mp.sqrt(run.eta) * e0 * e0 / run.Phi),
                "exp(-eta^2 sum eps^2)": mp.exp(-run.eta ** 2 * S),
                "max_t eta|eps_t|": max(run.eta * abs(e) for e in run.eps),
            }

    return describe


def _thm1_generic(rng: random.Random, i: int) -> dict:
    """Random inits under the Theorem-1 step-size hypothesis; every third one is moved by the
    scale map with s in {1/10, 1/100} (the hypothesis is scale invariant)."""
    fixed = [scaled(simple_init(1), Fraction(1, 10)), simple_init(1)]
    if i < len(fixed):
        return fixed[i]
    inst = init_instance(rng, i)
    if i % 3 == 2:
        inst = scaled(inst, Fraction(1, 10) if rng.random() < 0.5 else Fraction(1, 100))
    return inst


def _thm1_edges(rng: random.Random, i: int) -> dict:
    edges = [
        # eps(0) = 0 (a.b = Phi; GD does not move); cap = 2/sqrt(lam0^2 + 4) = 0.62..
        {"a": (Fraction(1), Fraction(1)), "b": (Fraction(1, 2), Fraction(1, 2)), "Phi": Fraction(1),
         "eta": Fraction(1, 2)},
        # Q_1(0) = 0; cap = min(1/2, 2/5)
        {"a": (Fraction(1), Fraction(1)), "b": (Fraction(1), Fraction(0)), "Phi": Fraction(2),
         "eta": Fraction(1, 5)},
    ]
    inst = dict(edges[i % len(edges)])
    assert inst["eta"] < theorem_cap(inst["a"], inst["b"], inst["Phi"])
    return inst


def _check_theorem1(ctx: Context) -> Outcome:
    ms = steps_cap(ctx)
    describe = _thm1_describe(ms)
    parts = []
    for which, text in (("lower", "|Q_i(0)| e^{-sqrt(eta) eps0^2/Phi} < |Q_i(inf)|"),
                        ("upper", "|Q_i(inf)| < |Q_i(0)| e^{-eta^2 sum eps^2}"),
                        ("below_Q0", "|Q_i(0)| e^{-eta^2 sum eps^2} < |Q_i(0)|"),
                        ("positive", "0 < |Q_i(0)| e^{-sqrt(eta) eps0^2/Phi}")):
        label = f"{text} (random inits, d = 1, 2, 3, scale sweep)"
        parts.append(engines.sampled(
            lambda inst, dps, w=which: _thm1_terms(inst, dps, ms, w), _thm1_generic, ctx, strict=True,
            certify=_thm1_certify(ms, which), describe=describe,
            label=label, method="mpmath GD to convergence",
            figure=_imbalance_figure(plots.part_tag(ctx, "bw.theorem1"), label, ms, "thm1")))
    main = list(parts)
    parts.append(engines.sampled(
        lambda inst, dps: _thm1_terms(inst, dps, ms, "all"), _thm1_edges, ctx, strict=True, samples=2,
        certify=_thm1_certify(ms, "all"), describe=describe,
        label="degenerate cases (eps(0) = 0: GD does not move; Q_1(0) = 0: both sides vanish): "
        "all four strict inequalities",
        method="mpmath GD to convergence"))
    out = all_of(parts)
    # lead the summary with the generic (non-degenerate) parts' finding; the degenerate cases follow
    failing = [p for p in main if not p.verdict.passes]
    lead = failing[0] if failing else None
    if lead is not None:
        where = (f" at {', '.join(f'{k}={v}' for k, v in lead.counterexample.inputs.items())}"
                 if lead.counterexample else "")
        out.summary = f"main finding: {lead.label}: {lead.verdict.value}{where}. All parts: {out.summary}"
    return out


THEOREM1 = Claim(
    id="bw.theorem1",
    title="Theorem 1: location of convergence (two-sided imbalance bound)",
    source="§4, Theorem 1 (proof App. H)",
    statement=r"If $0<\eta<\min\{\frac1{2|\varepsilon(0)|},\frac2{\sqrt{\lambda(0)^2+4\Phi^2}}\}$ then for all $i$: "
    r"$0<|Q_i(0)|e^{-\sqrt\eta\varepsilon(0)^2/\Phi}<|Q_i(\infty)|$ and "
    r"$|Q_i(\infty)|<|Q_i(0)|e^{-\eta^2\sum_{t\ge0}\varepsilon(t)^2}<|Q_i(0)|$",
    kind=Kind.INEQUALITY,
    hypotheses="Phi > 0, any d, eta = u * cap with u in (0, 1) (cap rounded down, so the open bound "
    "holds exactly); random inits (all regions, d = 1, 2, 3, Phi log-uniform in [1e-3, 1e3]); every "
    "third init moved by the scale map (a, b, Phi, eta) -> (s a, s b, s^2 Phi, eta/s^2), "
    "s in {1/10, 1/100}, which preserves the hypothesis and |Q_i(inf)|/|Q_i(0)|; "
    "Q_i(inf) = Q_i(T) at the first T with |eps_T| < 1e-30 (1 + Phi) (runs that do not converge "
    "within the step cap are not applicable), |Q_i(T)/Q_i(0)| = prod_t |1 - eta^2 eps_t^2| (eq. (8)) "
    "from the simulated eps_t; edge cases eps(0) = 0 and Q_1(0) = 0 (no hypothesis "
    "excludes them) as a separate part; exact-zero slacks decided in arb",
    check=_check_theorem1,
    depends_on=("bw.eq8", "bw.lemma18", "bw.lemma20", "bw.theorem2", "bw.prop2"),
)


# ------------------------------------------------------------------ eq. (9)


def _eq9_geometric() -> tuple[sp.Symbol, sp.Symbol, sp.Expr, sp.Expr]:
    """(eps0, eta_mu, derived, printed): sum_t eps0^2 (1 - eta mu)^(2t) in closed form, and eps0^2/(eta mu)."""
    e0, eta_mu = sp.symbols("epsilon_0 eta_mu", positive=True)  # eta_mu = eta * mu in (0, 1)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    geometric = sp.piecewise_fold(sp.summation(e0**2 * (1 - eta_mu) ** (2 * k), (k, 0, sp.oo)))
    if isinstance(geometric, sp.Piecewise):  # the convergent branch (0 < eta mu < 2)
        geometric = geometric.args[0][0]
    return e0, eta_mu, sp.factor(geometric), e0**2 / eta_mu


def _eq9_constant_factor(ctx: Context) -> list[Outcome]:
    """Reading of the second '~=': sum_t eps_t^2 and eps0^2/(eta mu) agree within a constant factor, i.e.
    derived/printed stays bounded above and below (both directions as O() claims) as eta mu runs over
    (0, 1) towards 0, on the linear-convergence model."""
    e0, eta_mu, derived, printed = _eq9_geometric()
    q = sp.lambdify([eta_mu], sp.simplify(derived / printed), "mpmath")
    n = max(7, ctx.budget.sweep_points)
    xs = [Fraction(999, 1000)] + [Fraction(1, 10**j) for j in range(1, 2 * n)]
    family = "linear-convergence model |eps_t| = (1 - eta mu)^t |eps0|, eta mu = 0.999, 1e-1, 1e-2, ... -> 0"
    parts = []
    for name, fn in (("[sum_t eps_t^2] / [eps0^2/(eta mu)] bounded above", lambda x, dps: q(mpf_of(x))),
                     ("[eps0^2/(eta mu)] / [sum_t eps_t^2] bounded above (ratio bounded below)",
                      lambda x, dps: 1 / q(mpf_of(x)))):
        parts.append(engines.growth(xs, fn, ctx, label=name, family=family,
                                    inputs_of=lambda x: {"eta_mu": str(x)}))
    return parts


def _check_eq9(ctx: Context) -> Outcome:
    return _eq9(ctx, printed=True)


def _check_eq9_reading(ctx: Context) -> Outcome:
    return _eq9(ctx, printed=False)


def _eq9(ctx: Context, printed: bool) -> Outcome:
    ms = steps_cap(ctx)
    parts = []

    # (a) the product formula: 2-step symbolic identity (the induction step is eq. (8)) ...
    for d in (1, 2):
        m = model(d)
        e0 = m.quantity("eps")
        e1 = m.after_step(e0)
        for i in range(d):
            q = m.quantity(f"Q{i + 1}")
            two = m.after_step(m.after_step(q))
            product = q * (1 - m.eta**2 * e0**2) * (1 - m.eta**2 * e1**2)
            parts.append(engines.identity(two, product, ctx, label=f"d={d}: Q{i + 1}(2) = Q{i + 1}(0) prod_(k<2)(1-eta^2 eps_k^2)"))

    # ... and along whole trajectories (components) until convergence
    def prod_slack(inst, dps):
        run = gd(inst, ms)
        worst = mp.mpf(0)
        prod = mp.mpf(1)
        for t in range(run.steps + 1):
            for i, q0 in enumerate(run.Qi[0]):
                if q0 != 0:
                    rel = abs(abs(run.Qi[t][i]) - abs(q0) * abs(prod)) / abs(q0)
                    worst = max(worst, rel)
            prod *= 1 - run.eta**2 * run.eps[t] ** 2
        return -worst

    parts.append(engines.sampled(prod_slack, lambda rng, i: init_instance(rng, i), ctx,
                                 samples=max(4, ctx.budget.samples // 2),
                                 label="|Q_i(t)| = |Q_i(0)| prod_(k<t)|1-eta^2 eps_k^2| along GD (relative error)",
                                 method="mpmath GD trajectories"))

    # (b) "approx exp(-eta^2 sum eps^2) when eta|eps| is small", made quantitative:
    #     1 <= log(1/r) / (eta^2 S) <= 1 / (1 - max_t eta^2 eps_t^2)   (r = prod |1 - x_t|, x_t < 1)
    def approx_slack(inst, dps):
        run = gd(inst, ms)
        if not run.converged:
            return None
        x = [run.eta**2 * e * e for e in run.eps]
        if max(x) >= 1 or max(x) == 0:
            return None
        ratio = -mp.fsum(mp.log(1 - xt) for xt in x) / mp.fsum(x)
        return min(ratio - 1, 1 / (1 - max(x)) - ratio)

    def small_step(rng, i):
        inst = init_instance(rng, i)
        inst["eta"] = inst["eta"] / 10 if i % 2 else inst["eta"]
        return inst

    approx = engines.sampled(approx_slack, small_step, ctx, samples=max(4, ctx.budget.samples // 2),
                             label="1 <= log(1/r)/(eta^2 sum eps^2) <= 1/(1 - max eta^2 eps^2)",
                             method="mpmath GD to convergence")
    parts.append(approx)

    # (c) "sum eps^2 ~ eps0^2/(eta mu)" under linear convergence |eps_t| = (1 - eta mu)^t |eps0|
    _, eta_mu, derived, printed_sum = _eq9_geometric()
    if printed:  # '~=' as asymptotic equality: the ratio tends to 1 as eta mu -> 0
        lim = engines.identity(sp.limit(derived / printed_sum, eta_mu, 0), 1, ctx,
                               label="lim_(eta mu -> 0) [sum_t eps0^2 (1-eta mu)^(2t)] / [eps0^2/(eta mu)] = 1 "
                               "(the second 'approx' read as asymptotic equality)")
        lim.derived = {"printed": "sum_t eps(t)^2 ~ eps0^2/(eta mu)",
                       "derived": f"sum_t eps0^2 (1 - eta mu)^(2t) = {sp.sstr(derived)}",
                       "derived_over_printed": sp.sstr(sp.factor(derived / printed_sum))}
        parts.append(lim)
    else:  # '~=' as 'within a constant factor'
        parts.extend(_eq9_constant_factor(ctx))

    # measured on trajectories, for information: S * eta * lam(inf) / eps0^2 at small steps
    measured = []
    rng = ctx.rng("eq9-measure")
    for i in range(6):
        inst = init_instance(rng, i, region="A")
        inst["eta"] = inst["eta"] / 20
        with mp.workdps(ctx.dps):
            try:
                run = gd(inst, ms)
            except SimulationDiverged:
                continue
            if run.converged:
                S = mp.fsum(e * e for e in run.eps)
                measured.append(mp.nstr(S * run.eta * run.lam[-1] / run.eps[0] ** 2, 6))
    out = all_of(parts)
    out.details["measured S*eta*lam(inf)/eps0^2 (Region A, eta = cap*u/20)"] = measured
    out.details["sum_t eps0^2 (1 - eta mu)^(2t) / [eps0^2/(eta mu)] (exact)"] = sp.sstr(
        sp.factor(derived / printed_sum)) + " -> 1/2 as eta mu -> 0"
    return out


EQ9 = Claim(
    id="bw.eq9",
    title="Product formula for Q_i(inf) and its exponential approximation",
    source="§4, eq. (9) and the following sentence",
    statement=r"$|Q_i(\infty)|=|Q_i(0)|\prod_{t\ge0}|1-\eta^2\varepsilon(t)^2|\approx|Q_i(0)|\exp(-\eta^2\sum_t\varepsilon(t)^2)$ "
    r"when $\eta|\varepsilon(t)|$ stays small; under linear convergence $\sum_t\varepsilon(t)^2\approx\frac{\varepsilon(0)^2}{\eta\mu}$ "
    r"(this second $\approx$ tested as asymptotic equality: the ratio of the two sides $\to1$ as $\eta\mu\to0$)",
    kind=Kind.IDENTITY,
    hypotheses="product formula: symbolic 2-step identity (d = 1, 2) and along GD trajectories "
    "(Theorem-1 step sizes); first approx made quantitative as 1 <= log(1/r)/(eta^2 S) <= "
    "1/(1 - max_t eta^2 eps_t^2) (both sides -> 1 as eta|eps| -> 0), on converged runs with "
    "eta = u cap and u cap/10; second approx, printed variant: asymptotic equality (ratio -> 1) as eta mu -> 0; "
    "reading: ratio bounded above and below (growth sweep of the ratio and its inverse), both for the "
    "linear-convergence model |eps_t| = (1 - eta mu)^t |eps_0| (Lemma 4's hypothesis); measured "
    "S eta lam(inf)/eps0^2 on Region-A runs reported in details",
    check=_check_eq9,
    reading=r"as printed, with the second $\approx$ read as agreement within a constant factor: under linear "
    r"convergence $c\,\frac{\varepsilon(0)^2}{\eta\mu}\le\sum_t\varepsilon(t)^2\le C\,\frac{\varepsilon(0)^2}{\eta\mu}$ "
    r"for constants $0<c\le C$ (the ratio stays bounded above and below as $\eta\mu\to0$)",
    reading_check=_check_eq9_reading,
    depends_on=("bw.eq8",),
)


# ------------------------------------------------------------------ Takeaway 1


def _check_takeaway1(ctx: Context) -> Outcome:
    ms = steps_cap(ctx)
    parts = []

    # GF conserves Q_i (so the GF limit has Q(inf) = Q(0))
    m = model(2)
    parts.extend(engines.identity(time_derivative(m, m.quantity(f"Q{i + 1}")), 0, ctx,
                                  label=f"GF: dQ{i + 1}/dt = 0 (d=2)") for i in range(2))
    # the exception: eta*eps = 1 exactly sends Q_i to 0 and a(t+1) = -b(t+1) (eq. (91))
    for d in (1, 2):
        m = model(d)
        e = m.quantity("eps")
        on = {m.eta: 1 / e}
        parts.append(engines.identity(m.after_step(m.quantity("Q1")).xreplace(on), 0, ctx,
                                      label=f"d={d}: eta = 1/eps gives Q_1(t+1) = 0"))
        parts.extend(engines.identity(m.after_step(m.state[j] + m.state[d + j]).xreplace(on), 0, ctx,
                                      label=f"d={d}: eta = 1/eps gives a_{j + 1}(t+1) = -b_{j + 1}(t+1) (eq. 91)")
                     for j in range(d))

    def ratio(inst, dps):
        """Q(inf)/Q(0) = prod_t |1 - eta^2 eps_t^2| (eq. (8): every |Q_i| shrinks by the same factor)."""
        run = gd(inst, ms)
        if not run.converged or all(q == 0 for q in exact_state(inst)[2]):
            return None
        T = run.steps
        return mp.exp(log_ratio_mp(run)[T] - run.eta**2 * mp.fsum(e * e for e in run.eps[:T]))

    def generic(rng, i):
        return cycle(rng, i, [simple_init(1), simple_init(2)], init_instance)

    tag = plots.part_tag(ctx, "bw.takeaway1")

    def run_figure(what: str):
        def fig(inst, path):
            run = gd(inst, ms)
            neg, _ = _neglog_ratio(run)
            fig_, (ax,) = plots.new()
            x, y = plots.positive(list(range(len(neg))), neg)
            ax.plot(x, y, "-", lw=1.4, label=r"GD: $-\log(Q(t)/Q(0))$ (> 0: $Q(t)<Q(0)$; finite: $Q(t)>0$)")
            ax.axhline(plots.fl(neg[-1]), color="tab:blue", ls=":", lw=0.8,
                       label=f"GD limit: Q(inf)/Q(0) = {mp.nstr(mp.exp(-neg[-1]), 8)}")
            plots.steps_axis(ax, "GD step t (GF conserves Q: its curve is 0, off this log axis)")
            if y:
                ax.set_yscale("log")
            ax.set_ylabel(r"$-\log(Q(t)/Q(0))$, $Q=\sum_i|Q_i|$")
            ax.grid(alpha=0.3, which="both")
            plots.legend(ax)
            plots.finish(fig_, path, plots.title_of(tag, what, inst))

        return fig

    lab = "GD: Q(inf) < Q(0) = Q_GF(inf) (eps0 != 0, Q(0) > 0)"
    parts.append(engines.sampled(lambda inst, dps: (None if (r := ratio(inst, dps)) is None else 1 - r),
                                 generic, ctx, strict=True, label=lab,
                                 method="mpmath GD to convergence", figure=run_figure(lab)))
    lab = "GD: Q(inf) > 0 (imbalance never vanishes)"
    parts.append(engines.sampled(lambda inst, dps: ratio(inst, dps), generic, ctx, strict=True,
                                 label=lab, method="mpmath GD to convergence", figure=run_figure(lab)))

    # "bigger step sizes regularize more": Q(inf)/Q(0) non-increasing in eta along a sweep
    npts = max(4, ctx.budget.sweep_points)
    us = [Fraction(k, npts + 1) for k in range(1, npts + 1)]

    def sweep_slack(inst, dps):
        cap = theorem_cap(inst["a"], inst["b"], inst["Phi"])
        rs = []
        for u in us:
            r = ratio({**inst, "eta": u * cap}, dps)
            if r is None:
                return None
            rs.append(r)
        return min(rs[j] - rs[j + 1] for j in range(len(rs) - 1)) / rs[0]

    def sweep_describe(inst, dps):
        cap = theorem_cap(inst["a"], inst["b"], inst["Phi"])
        with mp.workdps(dps):
            return {f"Q(inf)/Q(0) at u={u}": ratio({**inst, "eta": u * cap}, dps) for u in us}

    def sweep_init(rng, i):
        inst = samplers.shallow_init(rng, i)
        return inst

    lab = f"Q(inf)/Q(0) non-increasing in eta = u * cap, u = k/{npts + 1}, k = 1..{npts}"

    def sweep_figure(inst, path):
        cap = theorem_cap(inst["a"], inst["b"], inst["Phi"])
        xs, reg, lo_b, up_b = [], [], [], []
        for u in us:
            run = gd({**inst, "eta": u * cap}, ms)
            r = ratio({**inst, "eta": u * cap}, mp.mp.dps)
            if r is None:
                continue
            xs.append(plots.fl(run.eta))
            reg.append(-mp.log(r))
            lo_b.append(run.eta**2 * mp.fsum(e * e for e in run.eps[:run.steps]))
            up_b.append(mp.sqrt(run.eta) * run.eps[0] ** 2 / run.Phi)
        fig_, (ax,) = plots.new()
        for ys, style, text in ((reg, "o-", r"$-\log(Q(\infty)/Q(0))$ measured (must not decrease in $\eta$)"),
                                (lo_b, "v--", r"Theorem 1 lower bound $\eta^2\sum_t\varepsilon_t^2$"),
                                (up_b, "^:", r"Theorem 1 upper bound $\sqrt{\eta}\,\varepsilon_0^2/\Phi$")):
            x, y = plots.positive(xs, ys)
            ax.plot(x, y, style, ms=4, lw=1.2, label=text)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"step size $\eta = u\cdot$cap (GF: $\eta\to0$, $Q(\infty)/Q(0)=1$)")
        ax.set_ylabel(r"$-\log(Q(\infty)/Q(0))$")
        ax.grid(alpha=0.3, which="both")
        plots.legend(ax)
        plots.finish(fig_, path, plots.title_of(tag, "Q(inf)/Q(0) vs eta: " + lab, inst))

    parts.append(engines.sampled(sweep_slack, sweep_init, ctx, samples=max(3, ctx.budget.samples // 5),
                                 describe=sweep_describe, label=lab, method="mpmath GD eta sweep",
                                 figure=sweep_figure))
    return all_of(parts)


TAKEAWAY1 = Claim(
    id="bw.takeaway1",
    title="Takeaway 1: GD regularizes strictly more than GF, never to zero; bigger steps more",
    source="§4 Takeaway 1 and the paragraph before it; §1 (i); §7",
    statement=r"GD converges to a solution with strictly lower imbalance than GF, though the imbalance "
    r"never vanishes entirely (unless $\eta=1/\varepsilon$ at some step); bigger step sizes regularize more; "
    r"GF conserves $Q_i$",
    kind=Kind.QUALITATIVE,
    hypotheses="Theorem-1 step sizes eta = u * cap; measured: Q(inf) < Q(0) and Q(inf) > 0 on "
    "converged runs with Q(0) > 0 (Q(T)/Q(0) = prod_t |1 - eta^2 eps_t^2| by eq. (8)) (random inits, all regions, d = 1, 2, 3); 'bigger steps "
    "regularize more' measured as: Q(inf)/Q(0) is non-increasing along the sweep eta = u * cap, "
    "u = k/(n+1), k = 1..n (n = sweep_points) for fixed random inits; the eta = 1/eps exception "
    "and GF conservation as exact identities",
    check=_check_takeaway1,
    depends_on=("bw.eq8", "bw.lemma9"),
)


# ------------------------------------------------------------------ eq. (92)


def _exact_traj(inst: Mapping[str, Any], steps: int) -> tuple[list[fmpq], list[list[fmpq]]]:
    """Exact rational GD on components for a few steps: eps_t and Q_i(t)."""
    a = [fmpq(Fraction(x).numerator, Fraction(x).denominator) for x in inst["a"]]
    b = [fmpq(Fraction(x).numerator, Fraction(x).denominator) for x in inst["b"]]
    P = fmpq(Fraction(inst["Phi"]).numerator, Fraction(inst["Phi"]).denominator)
    h = fmpq(Fraction(inst["eta"]).numerator, Fraction(inst["eta"]).denominator)
    eps, Q = [], []
    for t in range(steps + 1):
        e = sum((x * y for x, y in zip(a, b, strict=True)), fmpq(0)) - P
        eps.append(e)
        Q.append([x * x - y * y for x, y in zip(a, b, strict=True)])
        if t < steps:
            a, b = [x - h * e * y for x, y in zip(a, b, strict=True)], [y - h * e * x for x, y in zip(a, b, strict=True)]
    return eps, Q


def _check_eq92(ctx: Context) -> Outcome:
    ms = steps_cap(ctx)
    nsteps = 5

    def exact_diff(inst) -> Fraction:
        eps, Q = _exact_traj(inst, nsteps)
        h = fmpq(Fraction(inst["eta"]).numerator, Fraction(inst["eta"]).denominator)
        worst = fmpq(0)
        prod = fmpq(1)
        for t in range(nsteps + 1):
            for i in range(len(Q[0])):
                diff = Q[t][i] - Q[0][i] * prod
                worst = max(worst, abs(diff))
            prod *= 1 - h * h * eps[t] * eps[t]
        return Fraction(int(worst.p), int(worst.q))

    def prod_slack(inst, dps):
        w = exact_diff(inst)
        return -mpf_of(w)

    def prod_cert(inst):
        return -arb_q(exact_diff(inst))

    def mixed(rng, i):
        """Theorem-1 step sizes, and (odd i) step sizes with eta|eps0| in (1, sqrt 2)."""
        inst = samplers.shallow_init(rng, i)
        e0, _, _ = exact_state(inst)
        if i % 2 == 0 or e0 == 0:
            inst["eta"] = samplers.step_fraction(rng, i) * theorem_cap(inst["a"], inst["b"], inst["Phi"])
        else:
            inst["eta"] = Fraction(rng.choice((11, 12, 13, 14)), 10) / abs(e0)
        return inst

    parts = [engines.sampled(prod_slack, mixed, ctx, certify=prod_cert,
                             label=f"Q_i(t) = Q_i(0) prod_(k<t)(1-eta^2 eps_k^2), t <= {nsteps}, exact rationals "
                             "(incl. eta|eps0| > 1)", method="exact rational GD")]

    # the exp-log form needs every factor > 0, i.e. eta|eps_k| < 1: under the Theorem-1 hypothesis
    # (the context of (92)) along whole trajectories
    def positivity(inst, dps):
        run = gd(inst, ms)
        return min(1 - run.eta * abs(e) for e in run.eps)

    parts.append(engines.sampled(positivity, lambda rng, i: init_instance(rng, i), ctx, strict=True,
                                 label="exp(sum log(1-eta^2 eps_k^2)) is defined: eta|eps_k| < 1 for all k "
                                 "(Theorem-1 step sizes)", method="mpmath GD trajectories"))

    def explog_slack(inst, dps):
        run = gd(inst, ms)
        x = [run.eta**2 * e * e for e in run.eps]
        if max(x) >= 1:
            return None
        worst = mp.mpf(0)
        logsum = mp.mpf(0)
        prod = mp.mpf(1)
        for t in range(run.steps + 1):
            worst = max(worst, abs(mp.exp(logsum) - prod) / prod)
            logsum += mp.log(1 - x[t])
            prod *= 1 - x[t]
        return -worst

    parts.append(engines.sampled(explog_slack, lambda rng, i: init_instance(rng, i), ctx,
                                 samples=max(4, ctx.budget.samples // 4),
                                 label="prod = exp(sum log) along the trajectory (relative error)",
                                 method="mpmath GD trajectories"))
    return all_of(parts)


EQ92 = Claim(
    id="bw.eq92",
    title="Exact product / exp-log form of Q_i(t)",
    source="App. H, eq. (92)",
    statement=r"$Q_i(t)=Q_i(0)\prod_{k=0}^{t-1}(1-\eta^2\varepsilon_k^2)=Q_i(0)\exp\big(\sum_{k=0}^{t-1}\log(1-\eta^2\varepsilon_k^2)\big)$",
    kind=Kind.IDENTITY,
    hypotheses="product form: any eta (exact rational GD for 5 steps, Theorem-1 step sizes and "
    "eta|eps0| in {1.1,..,1.4}); exp-log form (real log): needs 1 - eta^2 eps_k^2 > 0, checked "
    "along whole trajectories under the Theorem-1 hypothesis, the context of (92)",
    check=_check_eq92,
    depends_on=("bw.eq8",),
)


# ------------------------------------------------------------------ Lemma 20


def _check_lemma20_chain(ctx: Context) -> Outcome:
    """The proof's displayed chain (93)-(94), each step as printed, on its own domain:
    eta > 0, eta|eps0| < 1/2, rate 0 < eta Q < 1 (Q = Q(tau)), and Q > 2 sqrt(eta) Phi
    (Lemma 16's lower bound, used for the third step)."""
    parts = []
    h, E, Q, P, s = sp.symbols("eta epsilon_0 Q Phi s", positive=True)  # E = |eps0|
    r = 1 - h * Q
    dom = [h * E < sp.Rational(1, 2), h * Q < 1]
    d1 = h**2 * E**2 * r**2 / (1 - r**2)  # eta^2 eps0^2 sum_{k>=1} r^{2k}
    d2 = h**4 * E**4 * r**4 / (1 - r**4)  # eta^4 eps0^4 sum_{k>=1} r^{4k}
    p1 = h * E**2 / (Q * (2 - h * Q))
    p2 = h**3 * E**4 / (Q * (8 - h * Q))
    # second line: exp(-(d1 + d2)) >= exp(-(p1 + p2))  <=>  p1 + p2 - d1 - d2 >= 0
    diff2 = sp.factor(sp.together(p1 + p2 - d1 - d2))
    num2, den2 = sp.fraction(diff2)

    def line2_sample(rng, i):
        return {h: sp.Rational(rng.randint(1, 99), 100), E: sp.Rational(rng.randint(1, 99), 100),
                Q: sp.Rational(rng.randint(1, 99), 100)}

    # the denominator Q (8 - eta Q)(2 - eta Q)((eta Q - 1)^2 + 1) is > 0 on the domain, so the step
    # holds iff the numerator is >= 0
    parts.append(engines.inequality(
        sp.expand(num2), ctx, strict=False, constraints=dom, sample=line2_sample,
        label="(94) line 2: geometric sums <= printed closed forms (numerator of p1 + p2 - d1 - d2)"))
    parts[-1].derived = {"printed": sp.sstr(p1 + p2),
                         "derived": f"{sp.sstr(sp.factor(d1))} + {sp.sstr(sp.factor(d2))}"}
    taut = [8 - h * Q > 0, 2 - h * Q > 0, (h * Q - 1) ** 2 + 1 > 0]  # implied by eta Q < 1 / always true
    parts.append(engines.inequality(
        sp.factor(den2), ctx, strict=True,
        constraints=dom + taut, sample=line2_sample, label="(94) line 2: its denominator is > 0 on the domain"))
    # third line with Q > 2 sqrt(eta) Phi (eta = s^2):
    lhs3 = (p1 + p2).subs(h, s**2)
    rhs3 = s * E**2 / (2 * P) * (1 + s**4 * E**2 / 8)
    n3, d3 = sp.fraction(sp.factor(sp.together(rhs3 - lhs3)))
    dom3 = [s**2 * E < sp.Rational(1, 2), s**2 * Q < 1, Q > 2 * s * P]
    parts.append(engines.inequality(sp.expand(n3), ctx, strict=False, constraints=dom3,
                                    label="(94) line 3 numerator (with Q(tau) > 2 sqrt(eta) Phi)"))
    parts.append(engines.inequality(sp.factor(d3), ctx, strict=True,
                                    constraints=dom3 + [8 - s**2 * Q > 0, 2 - s**2 * Q > 0],
                                    label="(94) line 3 denominator > 0"))
    # fourth line
    parts.append(engines.inequality(1 - h**2 * E**2 / 8, ctx, strict=False, constraints=dom, sample=line2_sample,
                                    label="(94) line 4: (1 + eta^2 eps0^2/8)/2 <= 1"))
    x = sp.Symbol("x", real=True)
    g = sp.log(1 - x) + x + x**2
    # (93): for x in [0, 1/2], 1 - x > exp(-x - x^2)  (as printed: strict, closed interval)
    parts.append(engines.inequality(
        g, ctx, strict=True, constraints=[x >= 0, x <= sp.Rational(1, 2)],
        sample=lambda rng, i: {x: [sp.Rational(0), sp.Rational(1, 2)][i] if i < 2
                               else sp.Rational(rng.randint(1, 999), 2000)},
        label="(93) 1 - x > exp(-x - x^2) on [0, 1/2] (strict, as printed)"))
    # as used (non-strict), via g(0) = 0 and g'(x) = x(1-2x)/(1-x) >= 0
    parts.append(engines.identity(sp.together(sp.diff(g, x)), x * (1 - 2 * x) / (1 - x), ctx,
                                  label="g'(x) = x(1-2x)/(1-x) for g = log(1-x)+x+x^2"))
    parts.append(engines.inequality(x * (1 - 2 * x), ctx, strict=False,
                                    constraints=[x >= 0, x <= sp.Rational(1, 2)],
                                    label="x(1-2x) >= 0 on [0,1/2], so g >= g(0) = 0"))
    parts.append(_lemma20_line1(ctx))
    return all_of(parts)


def _lemma20_line1(ctx: Context) -> Outcome:
    """(94), first inequality, along GD trajectories: |Q_i(t)| >= |Q_i(0)| exp(-eta^2 eps0^2 sum_{k>=1} r^{2k}
    - eta^4 eps0^4 sum_{k>=1} r^{4k}), r = 1 - eta Q(tau), tau the first t with a(t).b(t) > 0 (the
    printed 'Q(0)' on the right read as the left side's own |Q_i(0)|; the sums in closed form)."""
    ms = steps_cap(ctx)

    def slack(inst, dps):
        run = gd(inst, ms)
        h, P = run.eta, run.Phi
        if any(h * abs(e) >= mp.mpf(1) / 2 for e in run.eps):
            return None  # outside the lemma's hypothesis eta|eps_k| < 1/2
        tau = next((t for t in range(run.steps + 1) if run.eps[t] + P > 0), None)
        if tau is None:
            return None
        r = 1 - h * mp.fsum(abs(q) for q in run.Qi[tau])
        if not 0 < r < 1:
            return None  # the chain's rate needs 0 < eta Q(tau) < 1
        e2 = (h * run.eps[0]) ** 2
        expo = e2 * r**2 / (1 - r**2) + e2**2 * r**4 / (1 - r**4)
        worst = None
        for t in range(run.steps + 1):
            for i, q0 in enumerate(run.Qi[0]):
                if q0 != 0:  # in log form: log(|Q_i(t)|/|Q_i(0)|) + expo >= 0
                    v = mp.log(abs(run.Qi[t][i]) / abs(q0)) + expo
                    worst = v if worst is None or v < worst else worst
        return worst

    return engines.sampled(slack, _thm1_generic, ctx, strict=False, describe=_thm1_describe(ms),
                           label="(94) line 1 along GD: |Q_i(t)| >= |Q_i(0)| exp(-eta^2 eps0^2 sum_(k>=1) "
                           "(1-eta Q(tau))^(2k) - eta^4 eps0^4 sum_(k>=1) (1-eta Q(tau))^(4k))",
                           method="mpmath GD trajectories")


def _lemma20_conclusion(ctx: Context) -> Outcome:
    ms = steps_cap(ctx)

    def slack(inst, dps):
        run = gd(inst, ms)
        h = run.eta
        if any(h * abs(e) >= mp.mpf(1) / 2 for e in run.eps):
            return None
        low = mp.exp(-mp.sqrt(h) * run.eps[0] ** 2 / run.Phi)
        worst = None
        for t in range(run.steps + 1):
            for i, q0 in enumerate(run.Qi[0]):
                if q0 == 0:
                    continue
                v = abs(run.Qi[t][i]) / abs(q0) - low
                worst = v if worst is None or v < worst else worst
        return worst

    def certify(inst):
        with mp.workdps(50):
            run = gd(inst, ms)
        _, _, q0x = exact_state(inst)
        path = ArbPath(inst, run.steps)
        old = flint_ctx.prec
        flint_ctx.prec = ARB_BITS
        try:
            h = path.h
            if any(h * abs(e) >= arb(1) / 2 for e in path.eps):
                return None
            if not all(h * abs(e) < arb(1) / 2 for e in path.eps):
                return UNDECIDED
            low = (-(h.sqrt()) * path.eps[0] * path.eps[0] / arb_q(inst["Phi"])).exp()
            terms = [abs(path.ratio[t]) - low for t in range(run.steps + 1) for q in q0x if q != 0]
            return amin(terms) if terms else None
        finally:
            flint_ctx.prec = old

    label = "|Q_i(t)| >= |Q_i(0)| exp(-sqrt(eta) eps0^2/Phi) for all t, when eta|eps_k| < 1/2 for all k"
    return engines.sampled(slack, _thm1_generic, ctx, strict=False, certify=certify,
                           describe=_thm1_describe(ms), label=label, method="mpmath GD trajectories",
                           figure=_imbalance_figure(plots.part_tag(ctx, "bw.lemma20"), label, ms, "lower"))


LEMMA20 = Claim(
    id="bw.lemma20",
    title="Lower bound on imbalance",
    source="App. H, Lemma 20 and eqs. (93)-(94)",
    statement=r"(statement truncated: 'Assume there exists $\tilde t$ such that for all $t\ge\tilde t$ we have "
    r"$\eta|\varepsilon(0)|<1/2$ then $Q_i(t)$'); checked: its proof chain (93)-(94) as printed: "
    r"$1-x>e^{-x-x^2}$ on $[0,\frac12]$; $\eta^2\varepsilon_0^2\sum_{k\ge1}(1-\eta Q)^{2k}+\eta^4\varepsilon_0^4\sum_{k\ge1}(1-\eta Q)^{4k}"
    r"\le\frac{\eta\varepsilon_0^2}{Q(2-\eta Q)}+\frac{\eta^3\varepsilon_0^4}{Q(8-\eta Q)}\le\frac{\sqrt\eta\varepsilon_0^2}{2\Phi}"
    r"(1+\frac{\eta^2\varepsilon_0^2}8)\le\frac{\sqrt\eta\varepsilon_0^2}\Phi$ ($Q=Q(\tau)>2\sqrt\eta\Phi$)",
    kind=Kind.INEQUALITY,
    hypotheses="chain: eta > 0, eta|eps0| < 1/2, 0 < eta Q(tau) < 1 (the linear rate), "
    "Q(tau) > 2 sqrt(eta) Phi for line 3 (Lemma 16), as exact polynomial inequalities; "
    "reading: GD trajectories with eta|eps_k| < 1/2 along the computed run (else not applicable), "
    "Theorem-1 step sizes, random inits and inits moved by the scale map (s = 1/10, 1/100)",
    check=_check_lemma20_chain,
    reading=r"If $\eta|\varepsilon_k|<1/2$ for all $k$, then $|Q_i(t)|\ge|Q_i(0)|\exp(-\sqrt\eta\,\varepsilon(0)^2/\Phi)$ "
    r"for all $t$ (the lower bound of Theorem 1)",
    reading_check=_lemma20_conclusion,
    depends_on=("bw.lemma16", "bw.theorem2"),
)


CLAIMS = [THEOREM1, EQ9, TAKEAWAY1, EQ92, LEMMA18, LEMMA19, LEMMA20]
