"""ahn §2.3 / App. C.1-C.2: Theorem 1 (gradient-flow regime), Lemma 6 (approximate conservation),
Remark 1 (iteration counts) and the intermediate inequalities of C.2.

Losses come from Example 1 and from the generator of admissible losses; eta is swept over
halvings, runs start at the paper's initialisation sqrt(gamma/eta)(3/4, 5/4)."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath as mp
import sympy as sp

from numeric import samplers
from numeric.precision import mpf_of
from numeric.single_neuron import cached_run

from ... import engines
from ...claim import Claim, Context, Kind, all_of
from .assumptions import check_A2_global
from .sn_common import XT, YT, F, class_losses, example_losses, plot_run

GF_TAIL = F(1, 10**20)  # GF-regime runs converge geometrically: resolve y_inf^2 to 1e-20 of the gap


def _pool(ctx: Context, salt: str):
    return example_losses(betas=(F(3),)) + class_losses(ctx, salt)


def _eta_max(delta: Fraction) -> Fraction:
    """eta <= (1/2) min(sqrt(delta), 2 - delta): the catalogue's encoding of eta <~ delta^(1/2) ^ (2 - delta)."""
    return min(Fraction(math.sqrt(delta)).limit_denominator(1000) / 2, (2 - delta) / 2, F(1, 5))


def _gf(loss, delta, eta, ctx):
    return cached_run(loss, XT, YT, 2 - delta, eta, ctx.budget.max_steps, GF_TAIL)


def _upper_bound_exact(ctx: Context) -> list:
    """The upper bound lambda_max = y_inf^2 <= (2-delta)/eta (+ O(eta/(2-delta))) exactly: on the GD map,
    D_{t+1} = (1 - eta^2 ell'(s_t)^2) D_t (D = y^2 - x^2), hence D_{t+1} <= D_t when eta |ell'(s_t)| <= 1
    (|ell'| <= 1 by (A1), eta < 1) and D_t >= 0 (y_t > |x_t|, ahn.wlog); so y_inf^2 = lim D_t <= D_0 = (2-delta)/eta."""
    x, y = sp.symbols("x y", real=True)
    eta = sp.Symbol("eta", positive=True)
    ell = sp.Function("ell")
    s_ = sp.Symbol("s", real=True)
    dl = sp.Subs(sp.Derivative(ell(s_), s_), s_, x * y).doit()  # ell'(x y), undefined ell
    x1, y1 = x - eta * dl * y, y - eta * dl * x  # the GD map on f(x, y) = ell(x y)
    D = y**2 - x**2
    D1 = y1**2 - x1**2
    parts = [engines.identity(D1, (1 - eta**2 * dl**2) * D, ctx,
                              label="D_{t+1} = (1 - eta^2 ell'(s_t)^2) D_t on the GD map (D = y^2 - x^2)")]
    L = sp.Symbol("L", real=True)  # the value ell'(x_t y_t)
    # D_t - D_{t+1} from the same map written with the value L = ell'(x_t y_t) (substituting L for the
    # derivative object afterwards depends on how SymPy's cache rebuilt it: it crashed in long runs)
    xL, yL = x - eta * L * y, y - eta * L * x
    drop = sp.expand(D - (yL**2 - xL**2))
    parts.append(engines.inequality(
        drop, ctx, strict=False, constraints=[y - x > 0, y + x > 0, eta * L <= 1, eta * L >= -1],
        sample=lambda rng, i: {x: Fraction(rng.uniform(-2, 2)).limit_denominator(1000),
                               y: Fraction(rng.uniform(2, 4)).limit_denominator(1000),
                               eta: Fraction(rng.uniform(0.01, 1)).limit_denominator(1000),
                               L: Fraction(rng.uniform(-1, 1)).limit_denominator(1000)},
        label="D_t - D_{t+1} >= 0 when eta |ell'(s_t)| <= 1 and y_t > |x_t| (so y_inf^2 <= D_0 = (2-delta)/eta)"))
    return parts


def _theorem1(ctx: Context):
    parts = _upper_bound_exact(ctx)
    figs = []
    deltas = (F(1, 2), F(1), F(3, 2)) if ctx.budget.name != "quick" else (F(1, 2), F(3, 2))
    for loss in _pool(ctx, "theorem1"):
        for delta in deltas:
            d0 = lambda p, delta=delta: mpf_of(2 - delta) / mpf_of(p)  # noqa: E731

            def lower(run, p, delta=delta, d0=d0):
                alpha = min(delta, 2 - delta)
                yinf2_lo = run.ys[-1] ** 2 - run.tail
                return (d0(p) - yinf2_lo) / (mpf_of(2 - delta) + mpf_of(p) / mpf_of(alpha))

            def ratio_of(measure, delta=delta, loss=loss):
                def r(p, dps):
                    run = _gf(loss, delta, p, ctx)
                    return measure(run, p) if run.converged else None
                return r

            # five more halvings than the budget's sweep (GF-regime runs last ~1/eta steps, cheap): the
            # approach to the limit carries a second-order term that 7 points (1.8 decades) cannot tell
            # from log log growth; 12 points (3.3 decades) can
            n = ctx.budget.sweep_points + (5 if ctx.budget.name != "quick" else 0)
            ps = [_eta_max(delta) / 2**k for k in range(n)]
            for name, m in (("[(2-delta)/eta - y_inf^2] / [(2-delta) + eta/min(delta, 2-delta)]", lower),):
                parts.append(engines.growth(ps, ratio_of(m), ctx, label=f"{name} [{loss.name}, delta={delta}]",
                                            family=f"eta -> 0, delta = {delta}",
                                            inputs_of=lambda p, delta=delta, loss=loss: {
                                                "loss": loss.formula(), "eta": str(p), "delta": str(delta),
                                                "x~": str(XT), "y~": str(YT)}))
    # uniformity in delta: delta -> 0 with eta = sqrt(delta)/4, and delta -> 2 with eta = (2-delta)/4
    loss = example_losses(betas=())[1]
    for fam, dl in (("delta -> 0, eta = sqrt(delta)/4", [F(1, 4**k) for k in range(1, ctx.budget.sweep_points)]),
                    ("delta -> 2, eta = (2-delta)/4", [2 - F(1, 2**k) for k in range(1, ctx.budget.sweep_points)])):
        def r(p, dps, fam=fam):
            eta_ = Fraction(math.sqrt(p)).limit_denominator(10**6) / 4 if "sqrt" in fam else (2 - p) / 4
            run = _gf(loss, p, eta_, ctx)
            if not run.converged:
                return None
            alpha = min(p, 2 - p)
            return (mpf_of(2 - p) / mpf_of(eta_) - run.ys[-1] ** 2 + run.tail) / (mpf_of(2 - p) + mpf_of(eta_) / mpf_of(alpha))

        parts.append(engines.growth(dl, r, ctx, label=f"lower-bound ratio along {fam} [{loss.name}]", family=fam,
                                    inputs_of=lambda p, loss=loss: {"loss": loss.formula(), "delta": str(p)}))
    run = _gf(loss, F(1), F(1, 10), ctx)
    figs += plot_run(ctx, run, "theorem1_sqr", "Theorem 1 (GF regime): ell_sqr, delta = 1, eta = 1/10",
                     out=parts[0])
    out = all_of(parts)
    out.figures += figs
    return out


THEOREM1 = Claim(
    id="ahn.theorem1", title="Gradient-flow regime: limiting sharpness (2-delta)/eta + O(...)",
    source="Theorem 1 (§2.3), proof App. C.2",
    statement=r"$(x_0,y_0)=(\frac{2-\delta}\eta)^{1/2}(\tilde x,\tilde y)$, $\delta\in(0,2)$, $\eta\lesssim\delta^{1/2}\wedge(2-\delta)$: "
    r"GD converges to $(0,y_\infty)$ with $\frac{2-\delta}\eta-O(2-\delta)-O(\frac\eta{\min\{\delta,2-\delta\}})\le"
    r"\lambda_{\max}\le\frac{2-\delta}\eta+O(\frac\eta{2-\delta})$.",
    kind=Kind.ASYMPTOTIC,
    hypotheses="(A1), (A2): Example 1 (rsym, sqr, Huber, ell_beta[3]) and generated members; (x~, y~) = (3/4, 5/4); "
    "delta in {1/2, 1, 3/2}; eta = eta_max 2^-k (k < 12 at standard, 17 at deep) with eta_max = min(sqrt(delta), 2-delta)/2 (encoding of <~); "
    "plus the families delta -> 0 (eta = sqrt(delta)/4) and delta -> 2 (eta = (2-delta)/4) for uniformity in delta",
    check=_theorem1, depends_on=("ahn.lemma6", "ahn.A1", "ahn.A2"),
    notes="y_inf^2 is bracketed in [y_T^2 - tail, y_T^2] with tail <= 1e-20 (2/eta - y_T^2); the lower-bound "
    "ratio uses the pessimistic end of the bracket. The upper bound is checked exactly: D_{t+1} = (1 - eta^2 "
    "ell'(s_t)^2) D_t on the GD map and D_{t+1} <= D_t under eta|ell'| <= 1, so y_inf^2 <= (2-delta)/eta.")


# ---------------------------------------------------------------- Lemma 6


C0 = F(1, 2)


def _t0(run, c0=C0):
    c = mpf_of(c0)
    for t in range(len(run.xs)):
        if run.xs[t] < 0 or abs(run.xs[t] * run.ys[t]) <= c:
            return t
    return None


def _lemma6(ctx: Context):
    Lsym, eta, x, y = sp.symbols("L eta x y", real=True)
    parts = [engines.identity((y - eta * Lsym * x) ** 2 - (x - eta * Lsym * y) ** 2, (1 - eta**2 * Lsym**2) * (y**2 - x**2),
                              ctx, label="D_{t+1} = (1 - eta^2 ell'(s_t)^2) D_t")]
    gammas = (F(1, 2), F(1), F(3)) if ctx.budget.name != "deep" else (F(1, 2), F(1), F(3), F(10))
    for loss in example_losses(betas=(F(3),)) + class_losses(ctx, "lemma6", n=2):
        for gamma in gammas:
            tail = GF_TAIL if gamma < 2 else F(1, 20)

            def quantities(run, p, gamma=gamma):
                t0 = _t0(run)
                if t0 is None:
                    return None
                e = mpf_of(p)
                D0 = run.ys[0] ** 2 - run.xs[0] ** 2
                Dt0 = run.ys[t0] ** 2 - run.xs[t0] ** 2
                supx = max(abs(v) for v in run.xs[t0:])
                g = mpf_of(max(gamma, 1 / gamma))
                return e * t0, supx / mp.sqrt(g * e), (1 - Dt0 / D0) / e

            for k, name in enumerate(("eta t0", "sup_{t>=t0}|x_t| / sqrt((gamma v 1/gamma) eta)",
                                      "(1 - D_t0/D_0)/eta")):
                def r(p, dps, k=k, gamma=gamma, tail=tail, loss=loss):
                    run = cached_run(loss, XT, YT, gamma, p, ctx.budget.max_steps, tail)
                    if not run.converged:
                        return None
                    q = quantities(run, p)
                    return None if q is None else q[k] + mp.mpf(10) ** -30

                # eta t0 is eta times an iteration count: quantised in steps of eta
                res = {"resolution": float, "resolution_note": "eta t0 moves in steps of eta (t0 is an iteration "
                       "count): the smooth crossing time lies within one step"} if k == 0 else {}
                parts.append(engines.growth(
                    [F(1, 5) / 2**i for i in range(ctx.budget.sweep_points)], r, ctx,
                    label=f"{name} [{loss.name}, gamma={gamma}]", family=f"eta -> 0, gamma = {gamma}",
                    inputs_of=lambda p, gamma=gamma, loss=loss: {"loss": loss.formula(), "eta": str(p), "gamma": str(gamma)},
                    **res))
    return all_of(parts)


LEMMA6 = Claim(
    id="ahn.lemma6", title="Approximate conservation of y^2 - x^2 along GD", source="Lemma 6, App. C.1, eq. (10)",
    statement=r"$\exists t_0=O(1/\eta)$: $\sup_{t\ge t_0}|x_t|\le O(\sqrt{(\gamma^{-1}\vee\gamma)\eta})$ and "
    r"$y_{t_0}^2-x_{t_0}^2=(1-O(\eta))(y_0^2-x_0^2)$; proof: $D_{t+1}=(1-\eta^2\ell'(x_ty_t)^2)D_t$.",
    kind=Kind.ASYMPTOTIC,
    hypotheses="(A1), eta < 1; (x~, y~) = (3/4, 5/4); gamma in {1/2, 1, 3} (+10 at deep); t0 = first t with "
    "x_t < 0 or |x_t y_t| <= 1/2 (the proof's choice with c0 = 1/2); eta = 1/5 2^-k",
    check=_lemma6, depends_on=("ahn.A1",))


# ---------------------------------------------------------------- Remark 1


def _remark1(ctx: Context):
    parts = []
    eps = F(1, 10**8)
    for loss in example_losses(betas=(F(3),), huber_too=True) + class_losses(ctx, "remark1", n=2):
        for delta in (F(1, 2), F(3, 2)):
            alpha = min(delta, 2 - delta)

            def counts(run, p):
                e = mp.sqrt(mpf_of(p))
                n1 = sum(1 for v in run.xs if abs(v) > e)
                t1 = next((t for t, v in enumerate(run.xs) if abs(v) <= e), None)
                target = mp.sqrt(mpf_of(eps) * mpf_of(p))
                t2 = next((t for t, v in enumerate(run.xs) if abs(v) <= target), None)
                if t1 is None or t2 is None:
                    return None
                return n1, t2 - t1

            def r1(p, dps, delta=delta, loss=loss):
                run = _gf(loss, delta, p, ctx)
                c = counts(run, p) if run.converged else None
                return None if c is None else mpf_of(p) * c[0] + mp.mpf(10) ** -30

            def r2(p, dps, delta=delta, alpha=alpha, loss=loss):
                run = _gf(loss, delta, p, ctx)
                c = counts(run, p) if run.converged else None
                return None if c is None else mp.mpf(c[1]) * mpf_of(alpha) / mp.log(1 / mpf_of(eps)) + mp.mpf(10) ** -30

            ps = [_eta_max(delta) / 2**k for k in range(ctx.budget.sweep_points)]
            # both ratios are iteration counts times a known step: quantised, with that step as resolution
            step2 = float(mpf_of(alpha) / mp.log(1 / mpf_of(eps)))
            for name, r, res, note in (
                    ("eta * #{t: |x_t| > sqrt(eta)}", r1, float, "eta times a count moves in steps of eta"),
                    ("#{iterations from |x| <= sqrt(eta) to |x| <= sqrt(eps eta)} / (log(1/eps)/alpha)", r2,
                     lambda p, s=step2: s, f"a count times alpha/log(1/eps) moves in steps of {step2:.4g}")):
                parts.append(engines.growth(ps, r, ctx, label=f"{name} [{loss.name}, delta={delta}]",
                                            family=f"eta -> 0, delta = {delta}, eps = 1e-8",
                                            inputs_of=lambda p, delta=delta, loss=loss: {
                                                "loss": loss.formula(), "eta": str(p), "delta": str(delta)},
                                            resolution=res, resolution_note=note))
    return all_of(parts)


REMARK1 = Claim(
    id="ahn.remark1", title="Iteration counts in the GF regime", source="Remark 1 (end of C.2)",
    statement=r"The approach to the $y$-axis takes $O(1/\eta)$ iterations; reaching error $\varepsilon$ "
    r"($|x_t|\lesssim\sqrt{\varepsilon\eta}/\sqrt{2-\delta}$) then takes $O(\frac1\alpha\log\frac1\varepsilon)$ "
    r"iterations, $\alpha=\min\{\delta,2-\delta\}$, independent of $\eta$.",
    kind=Kind.ASYMPTOTIC,
    hypotheses="as Theorem 1; delta in {1/2, 3/2}; eps = 1e-8; phase boundaries |x| = sqrt(eta) and sqrt(eps eta)",
    check=_remark1, depends_on=("ahn.theorem1",))


# ---------------------------------------------------------------- C.2 intermediate facts


def _proof_facts(ctx: Context):
    pool = _pool(ctx, "proof_facts")
    steps = ctx.budget.max_steps

    def facts(inst, dps):
        loss = pool[int(inst["loss_index"])]
        delta = inst["delta"]
        eta = inst["eta"]
        run = cached_run(loss, XT, YT, 2 - delta, eta, steps, GF_TAIL)
        if not run.converged:
            return None
        t0 = _t0(run)
        if t0 is None:
            return None
        e, d = mpf_of(eta), mpf_of(delta)
        C = abs(run.s(t0))
        worst = mp.inf
        for t in range(t0, len(run.xs)):
            y2 = run.ys[t] ** 2
            worst = min(worst, (C - abs(run.s(t))) / C,  # (1) |x_t y_t| <= C
                        (y2 - (2 - d) / (2 * e)) / y2,  # y_t^2 >= (2-delta)/(2 eta)
                        ((2 - d / 2) / e - y2) / y2)  # y_t^2 <= (2 - delta/2)/eta
            if t + 1 < len(run.xs) and run.xs[t] != 0:
                worst = min(worst, run.xs[t + 1] / run.xs[t] + (1 - d / 2))  # x_{t+1}/x_t >= -(1 - delta/2)
        return worst

    def sample(rng, i):
        delta = [F(1, 10), F(1, 2), F(1), F(3, 2), F(19, 10)][i % 5] if i < 10 else samplers.uniform(rng, 0.05, 1.95)
        delta = Fraction(delta).limit_denominator(1000)
        cap = min(Fraction(math.sqrt(delta)).limit_denominator(1000), 2 - delta) / 10
        return {"loss_index": F(i % len(pool)), "delta": delta,
                "eta": (cap * samplers.log_uniform(rng, 1e-2, 1)).limit_denominator(10**6)}

    out = engines.sampled(facts, sample, ctx, samples=max(8, ctx.budget.samples // 2),
                          label="C.2 facts along t >= t0: |s_t| <= |s_t0|, (2-delta)/(2eta) <= y_t^2 <= (2-delta/2)/eta, "
                          "x_{t+1} >= -(1-delta/2) x_t", method="mpmath GD trajectories",
                          describe=lambda inst, dps: {"loss": pool[int(inst["loss_index"])].formula()})
    if out.counterexample is not None:
        out.counterexample.inputs["loss"] = pool[int(Fraction(out.counterexample.inputs["loss_index"]))].formula()
    parts = [out]
    # |ell'(s)| <= |s| under (A2): the global part of (A2) plus ell' >= 0 on s > 0 (convexity, (A1))
    parts += [check_A2_global(loss, ctx) for loss in pool]

    # exponential decay |x_t| <= |x_t0| exp(-Omega(alpha (t - t0))): the decay rate / alpha stays bounded below
    for loss in pool[:3]:
        delta = F(1)

        def inv_rate(p, dps, loss=loss, delta=delta):
            run = _gf(loss, delta, p, ctx)
            t0 = _t0(run)
            if not run.converged or t0 is None:
                return None
            rates = [mp.log(abs(run.xs[t0]) / abs(run.xs[t])) / (t - t0) for t in range(t0 + 1, len(run.xs))
                     if run.xs[t] != 0]
            return None if not rates else mpf_of(min(delta, 2 - delta)) / max(min(rates), mp.mpf(10) ** -40)

        parts.append(engines.growth([_eta_max(delta) / 2**k for k in range(ctx.budget.sweep_points)], inv_rate, ctx,
                                    label=f"alpha / (decay rate of |x_t| after t0) [{loss.name}]",
                                    family="eta -> 0, delta = 1",
                                    inputs_of=lambda p, loss=loss: {"loss": loss.formula(), "eta": str(p), "delta": "1"}))
    return all_of(parts)


PROOF_FACTS = Claim(
    id="ahn.theorem1.proof_facts", title="Intermediate inequalities of C.2", source="App. C.2",
    statement=r"For $t\ge t_0$: $|x_ty_t|\le C:=|x_{t_0}y_{t_0}|$, $|x_t|\le|x_{t_0}|e^{-\Omega(\alpha(t-t_0))}$; "
    r"$|\ell'(s)|\le|s|$ under (A2); $\frac12\frac{2-\delta}\eta\le y_t^2\le\frac{2-\delta/2}\eta$; "
    r"$x_{t+1}\ge-(1-\delta/2)x_t$; requires $\eta\lesssim\min\{\sqrt\delta,2-\delta\}$.",
    kind=Kind.INEQUALITY,
    hypotheses="(A1), (A2); 'eta <~ min(sqrt(delta), 2-delta)' encoded as eta <= min(sqrt(delta), 2-delta)/10 "
    "(log-uniform down to 1/100 of that); t0 as in Lemma 6 (first t with x_t < 0 or |s_t| <= 1/2)",
    check=_proof_facts, depends_on=("ahn.theorem1", "ahn.lemma6"))

CLAIMS = [THEOREM1, LEMMA6, REMARK1, PROOF_FACTS]

