"""ahn App. C.3/C.5: the quasi-static heuristic (13), (14), (18), (19), Propositions 3 and 4,
Theorem 5, the proof of Theorem 2 from Prop. 3, and Remarks 2 and 3.

Notation: y_t^2 = (2 + delta_t)/eta, s_t = x_t y_t, gamma_q := beta/(beta-1).  Runs are the
Theorem-2 runs of :mod:`.s2c_eos` (delta = 1, (x~, y~) = (3/4, 5/4))."""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp
import numpy as np
import sympy as sp

from numeric.precision import mpf_of
from numeric.sn_trace import Trace
from symbolic.losses import beta_constants, ell_beta, ell_rsym, ell_sqr

from ... import engines
from ...claim import NOT_ENCODED, Claim, Context, Kind, Variant, all_of
from .qs_sweep import step_cap, trace_sweep, window_top
from .sn_common import (
    F,
    adversarial,
    class_losses,
    lipschitz_only,
    mpow,
    with_hypotheses,
)

GAMMA = F(3)
# every claim here sweeps the same traces (same losses, start and grid): scheduled in one worker (Claim.shares)
SHARES = "ahn.quasistatic-traces"
STEP_CAP_NOTE = (f"{step_cap('standard'):,} GD steps at standard, {step_cap('deep'):,} at deep; the same for every "
                 "claim of App. C.5, which share their runs")
RANGE_NOTE = ("; eta sweeps (ahn.qs_sweep): eta = 9/10 * 10^(-k/4), restricted to the step sizes where the "
              "hypotheses can hold (window 10 eta^(beta/(beta-1)) <= delta < 1/2 non-empty: eta < "
              "20^(-(beta-1)/beta), 0.37 for beta = 3/2, 0.22 for beta = 2, 0.14 for beta = 3), runs extended only "
              "until the window has closed, down to usable points spanning 2 decades (3 at deep) or to " + STEP_CAP_NOTE + "; "
              "a pass needs usable points spanning >= 2 decades; each part states its usable "
              "range and, when the step cap ends it early, the eta (and budget) that 2 and 3 decades would need. "
              "The bouncing phase lasts ~eta^-2 (beta > 2), log(1/eta) eta^-2 (beta = 2), eta^-beta/(beta-1) "
              "(beta < 2) steps (Remark 3), so the decade target or the step cap, not the hypotheses, ends each sweep")


def _qs_pool(ctx: Context, a3: bool = True):
    """The losses swept: Example 1's finite-beta losses, generated class members (drawn as before, then
    those with beta = oo dropped: every quasi-static claim assumes (A2) with beta < oo, and a
    Huber-like member can be drawn at larger budgets) and the adversarial loss of ahn.theorem2."""
    drawn = class_losses(ctx, "quasistatic", a3=a3, n=max(1, ctx.budget.samples // 20))
    return ([ell_rsym(), ell_sqr(), ell_beta(F(3, 2)), ell_beta(F(2)), ell_beta(F(3))]
            + [loss for loss in drawn if loss.beta.is_finite] + [adversarial()])


def _pool_for(ctx: Context, lip: bool, a3: bool = True):
    """The claim's pool; with ``lip`` only the losses for which ell'' <= 1 is established
    (returns pool, predicate outcomes, excluded losses)."""
    pool = _qs_pool(ctx, a3=a3)
    return lipschitz_only(ctx, pool) if lip else (pool, [], [])


def _finish(parts, checks, dropped, lip: bool):
    return with_hypotheses(checks, parts, dropped) if lip else all_of(parts)


LIP_NOTE = (r" The reading adds $\ell''\le1$ ($\ell'$ 1-Lipschitz) to the hypotheses: the proof passes through "
            r"(A2$^+$), whose derivation from (A2) uses it (see ahn.A2plus); losses are those of the printed check "
            r"for which the predicate establishes $\ell''\le1$ (the flat losses are excluded).")


def _fr(v) -> Fraction:
    r = sp.Rational(v)
    return Fraction(int(r.p), int(r.q))


def _gq(loss) -> Fraction:
    """beta/(beta-1) (the exponent of the window floor eta^(beta/(beta-1)))."""
    return _fr(loss.beta / (loss.beta - 1))


def _pw(v, b):
    return mp.power(abs(v), mpf_of(_fr(b)))


def _window(tr: Trace, lo_level, hi_level, t_min: int = 0) -> tuple[int, int] | None:
    """Index range [a, b) of {t >= t_min : lo_level <= delta_t < hi_level} (delta_t is
    non-increasing along a run), or None when the run has not passed below ``lo_level`` or
    is not monotone (no window can be read off)."""
    if not tr.monotone:
        return None
    b = tr.first_delta_below(lo_level)
    if b is None:
        return None
    a = tr.first_delta_below(hi_level)
    return max(a, t_min), b


def _qs_sweep(ctx: Context, loss, measure, what: str, *, floor_window: bool):
    """The claim's eta -> 0 sweep for ``loss``: with ``floor_window`` the run is followed until the
    window 10 eta^gq <= delta < 1/2 has closed and only step sizes where it is non-empty are swept;
    otherwise until the crossing (delta_t < 0), over every grid point."""
    gq = _gq(loss)
    if floor_window:
        return trace_sweep(ctx, loss, measure, what, "eta -> 0", level=lambda p: 10 * mpow(p, gq),
                           admissible=window_top(gq), hyp_text=f"10 eta^{gq} < 1/2", gamma=GAMMA,
                           event=f"delta_t < 10 eta^{gq}")
    return trace_sweep(ctx, loss, measure, what, "eta -> 0", level=lambda p: 0, admissible=lambda p: True,
                       hyp_text="eta < 1", gamma=GAMMA, event="the crossing (delta_t < 0)")


# ---------------------------------------------------------------- (13), (18), (19)


def _eq13(ctx: Context):
    x, y, eta, L, r = sp.symbols("x y eta L r", real=True)
    Lsol = sp.solve(sp.Eq(x - eta * L * y, -x), L)
    parts = [engines.identity(Lsol[0] * eta * y, 2 * x, ctx, label="(13): x_{t+1} = -x_t <=> eta ell'(x_t y_t) y_t = 2 x_t")]
    parts.append(engines.identity((eta * L * y).subs(L, r * x * y), eta * r * y**2 * x, ctx,
                                  label="(18): with ell'(s) = r s, (13) reads eta r_t y_t^2 = 2"))
    # (19) for ell_beta: exact quasi-static envelope c_beta |s|^beta = delta/(2 + delta); measured ratio on bouncing
    # iterates with delta_t >= 10 eta^(beta/(beta-1)) stays within bounded factors (uniformly in eta)
    for b in (F(3, 2), F(2), F(3)):
        loss = ell_beta(b)
        c = beta_constants(sp.Rational(b.numerator, b.denominator))[0]
        c_f = float(c)

        def dev(tr, p, b=b, c=c, c_f=c_f, loss=loss):
            w = _window(tr, 10 * mpow(p, _gq(loss)), mp.mpf(1) / 2)
            if w is None:
                return None
            cm = mp.mpf(sp.N(c, mp.mp.dps + 10))

            def screen(sl):
                d = tr.delta_f[sl]
                q = c_f * tr.abs_s_f[sl] ** float(b) * (2 + d) / d
                return np.maximum(q, 1 / q)

            def exact(t):
                d = tr.delta(t)
                q = _pw(tr.s(t), b) * cm * (2 + d) / d
                return max(q, 1 / q)

            best = tr.window_max(*w, screen, exact)
            return None if best is None else best[0]

        parts.append(_qs_sweep(ctx, loss, dev, "max(q, 1/q), q = measured |s|^beta / quasi-static prediction",
                               floor_window=True))
    out = all_of(parts)
    out.details[NOT_ENCODED] = [
        "'giving |x_t y_t| <~ eta^(1/(beta-1)) at the crossing': measured in ahn.proof_thm2's reading "
        "(|s_t| / eta^(1/(beta-1)) at the crossing, same Theorem-2 runs)",
    ]
    return out


EQ13 = Claim(
    id="ahn.eq13_quasistatic", title="Quasi-static heuristic", source="C.3 eqs. (13), (14); C.5 eqs. (18), (19)",
    statement=r"$x_{t+1}=-x_t\iff\eta\ell'(x_ty_t)y_t=2x_t$ (13) $\iff\eta r_ty_t^2=2$ (18); suggests "
    r"$|x_ty_t|\lesssim\delta_t^{1/\beta}$ (14), $|s_t|^\beta\approx\delta_t$ (19), accurate while "
    r"$\delta_t\gtrsim\eta^{\beta/(\beta-1)}$.",
    kind=Kind.QUALITATIVE,
    hypotheses="exact algebra for (13), (18); the heuristic measured for ell_beta (beta = 3/2, 2, 3) against its exact "
    "envelope c_beta |s|^beta = delta/(2+delta), on bouncing iterates with 10 eta^(beta/(beta-1)) <= delta_t < 1/2"
    + RANGE_NOTE,
    check=_eq13, depends_on=("ahn.rform",),
    shares=SHARES,
)


# ---------------------------------------------------------------- Proposition 3, proof of Theorem 2


def _prop3(lip: bool):
    return lambda ctx: _prop3_check(ctx, lip)


def _prop3_window(tr: Trace, lim: Fraction) -> tuple[int, int] | None:
    """t >= 1 with 0 <= delta_{t-1} <= lim, as [a, b): delta_{t-1} <= lim from a on, and b - 1
    is the crossing (the first t with delta_t < 0)."""
    if not tr.monotone:
        return None
    cross = tr.first_delta_below(0)
    if cross is None:
        return None
    a = tr.first_delta_below(mpf_of(lim), strict=False)
    return max(a + 1, 1), cross + 1


def _prop3_check(ctx: Context, lip: bool):
    parts = []
    pool, checks, dropped = _pool_for(ctx, lip, a3=False)
    for loss in pool:
        b = loss.beta
        lim = F(1, 2) / max(_fr(b), F(1))  # delta_{t-1} <= 1/(2 (beta v 1)): the 'sufficiently small' constant

        def upper(tr, p, b=b, loss=loss, lim=lim):
            w = _prop3_window(tr, lim)
            if w is None:
                return None
            fl = mpow(p, _gq(loss))
            fl_f, bf = float(fl), float(b)
            best = tr.window_max(*w, lambda sl: tr.abs_s_f[sl] ** bf / (np.maximum(tr.delta_f[sl], 0) + fl_f),
                                 lambda t: _pw(tr.s(t), b) / (max(tr.delta(t), 0) + fl))
            return None if best is None else best[0]

        def negpart(tr, p, loss=loss, lim=lim):
            w = _prop3_window(tr, lim)
            if w is None or w[1] <= w[0]:
                return None
            fl = mpow(p, _gq(loss))
            # delta_t >= 0 before the crossing (delta is non-increasing): only t = crossing can be negative
            return max(-tr.delta(w[1] - 1), 0) / fl + mp.mpf(10) ** -30

        parts.append(_qs_sweep(ctx, loss, upper, "max |s_t|^beta / (delta_t^+ + eta^(beta/(beta-1)))",
                               floor_window=False))
        parts.append(_qs_sweep(ctx, loss, negpart, "max delta_t^- / eta^(beta/(beta-1)) (so C' can absorb it)",
                               floor_window=False))
    return _finish(parts, checks, dropped, lip)


PROP3 = Claim(
    id="ahn.prop3", title="Quasi-static analysis, upper bound", source="Proposition 3, C.5, eqs. (20)-(22)",
    statement=r"For all $t$ with $0\le\delta_{t-1}\lesssim1/(\beta\vee1)$: $|s_t|^\beta\le C(\delta_t+C'\eta^{\beta/(\beta-1)})$, "
    r"$C,C'$ independent of $\eta$.",
    kind=Kind.ASYMPTOTIC,
    hypotheses="(A1), (A2) with beta < oo: rsym, sqr, ell_beta (3/2, 2, 3), generated members and the adversarial "
    "loss of ahn.theorem2 (flat: ell'(s)/s = 1 on [2/5, 4/5]); Theorem-2 runs; "
    "'<~ 1/(beta v 1)' encoded as delta_{t-1} <= 1/(2 (beta v 1)); the two measured ratios bounded in eta give "
    "the claim with C = sup ratio 1 and C' = 1 + sup ratio 2; eta = 9/10 * 10^(-k/4) (every eta < 1 is admissible; "
    "a point counts where some t satisfies the condition), runs followed to the crossing, down to the budget's step "
    "cap per run (" + STEP_CAP_NOTE + "); a pass needs usable points spanning >= 2 decades",
    check=_prop3(False),
    reading=r"Proposition 3 under (A1), (A2) **plus** $\ell''\le1$: for all $t$ with $0\le\delta_{t-1}\lesssim1/(\beta\vee1)$, "
    r"$|s_t|^\beta\le C(\delta_t+C'\eta^{\beta/(\beta-1)})$." + LIP_NOTE,
    reading_check=_prop3(True), depends_on=("ahn.A2plus",),
    shares=SHARES,
)


def _proof_thm2(power: bool, lip: bool):
    def check(ctx: Context):

        parts = []
        pool, checks, dropped = _pool_for(ctx, lip, a3=False)
        for loss in pool:
            b = loss.beta
            e = 1 / (b - 1)

            def m(tr, p, b=b, e=e):
                if not tr.monotone:
                    return None
                tc = tr.first_delta_below(0)  # bold t: the first t with y_t^2 < 2/eta (y_t is non-increasing)
                if tc is None or tc < 1:
                    return None
                st = abs(tr.s(tc))
                return (_pw(st, b) if power else st) / mpow(p, e)

            what = ("|s_t|^beta" if power else "|s_t|") + " / eta^(1/(beta-1)) at the crossing"
            parts.append(_qs_sweep(ctx, loss, m, what, floor_window=False))
        out = _finish(parts, checks, dropped, lip)
        out.details[NOT_ENCODED] = [
            "'The theorem now follows, either from Proposition 1 or from the refined Proposition 2': the theorem "
            "is ahn.theorem2 (gap / eta^(1/(beta-1))); the two routes are ahn.prop1 (gap / |s_t| at the crossing) "
            "and ahn.prop2 (gap / (eta s^2 + case term))",
        ]
        return out

    return check


PROOF_THM2 = Claim(
    id="ahn.proof_thm2", title="Proof of Theorem 2 from Prop. 3: size of s at the crossing",
    source="C.5, 'Proof of Theorem 2'",
    statement=r"From Prop. 3, since $\delta_{t-1}\ge0$ and $\delta_t\le0$: $|s_{\mathbf t}|^\beta\lesssim\eta^{1/(\beta-1)}$.",
    kind=Kind.ASYMPTOTIC, hypotheses="as Prop. 3 (incl. the adversarial flat loss); bold t = first t with y_t^2 < 2/eta; "
    "eta = 9/10 * 10^(-k/4) (4 points per decade: the saturation test fits the last decade), runs followed to the "
    "crossing, down to the budget's step cap per run (" + STEP_CAP_NOTE + ")",
    check=_proof_thm2(True, False),
    reading=r"$|s_{\mathbf t}|\lesssim\eta^{1/(\beta-1)}$ (equivalently $|s_{\mathbf t}|^\beta\lesssim\eta^{\beta/(\beta-1)}$) "
    r"(the catalogue's reading: the intended exponent), under the printed hypotheses (the same losses as printed, "
    r"the flat family included).",
    reading_check=_proof_thm2(False, False),
    extra_variants=(Variant(
        "reading2", r"$|s_{\mathbf t}|\lesssim\eta^{1/(\beta-1)}$ for losses satisfying (A1), (A2) **plus** "
        r"$\ell''\le1$ (the catalogue's reading combined with the assumption set of the Prop.-3 reading)." + LIP_NOTE,
        _proof_thm2(False, True)),),
    depends_on=("ahn.prop3",),
    shares=SHARES,
)


# ---------------------------------------------------------------- Proposition 4, Theorem 5


def _qs_window(tr: Trace, loss, p):
    """t >= t0 (t0 = first t >= 1 with delta_t <= 1/2) with 10 eta^gq <= delta_t < 1/2."""
    if not tr.monotone:
        return None
    t0 = tr.first_delta_below(mp.mpf(1) / 2, strict=False)
    if t0 is None:
        return None
    return _window(tr, 10 * mpow(p, _gq(loss)), mp.mpf(1) / 2, t_min=max(t0, 1))


def _prop4(ctx: Context):
    parts = []
    pool = _qs_pool(ctx)
    for loss in pool:
        b = loss.beta

        def inv_min(tr, p, b=b, loss=loss):
            w = _qs_window(tr, loss, p)
            if w is None:
                return None
            bf = float(b)
            best = tr.window_max(*w, lambda sl: tr.delta_f[sl] / tr.abs_s_f[sl] ** bf,
                                 lambda t: tr.delta(t) / _pw(tr.s(t), b))
            return None if best is None else best[0]

        parts.append(_qs_sweep(ctx, loss, inv_min, "max delta_t / |s_t|^beta over t >= t0 with delta_t >= "
                               "10 eta^(beta/(beta-1))", floor_window=True))
    return all_of(parts)


PROP4 = Claim(
    id="ahn.prop4", title="Quasi-static analysis, lower bound", source="Proposition 4, C.5, eqs. (23)-(24)",
    statement=r"(A3), $\beta<\infty$; if at $t_0$: $\delta_{t_0}\lesssim1$ and $|s_{t_0}|\ge c\,\delta_{t_0}^{1/\beta}$ (23), then "
    r"(23) holds for all $t\ge t_0$ with $\delta_t\gtrsim\eta^{\beta/(\beta-1)}$.",
    kind=Kind.ASYMPTOTIC,
    hypotheses="(A1)-(A3): rsym, sqr, ell_beta (3/2, 2, 3), generated members satisfying (A3), and the adversarial "
    "flat loss of ahn.theorem2 (satisfies (A3) with beta = 2, C = 25/16); t0 = first t >= 1 "
    "with delta_t <= 1/2; '>~' encoded as delta_t >= 10 eta^(beta/(beta-1))" + RANGE_NOTE,
    check=_prop4, depends_on=("ahn.A3",),
    shares=SHARES,
)


def _theorem5(lip: bool):
    return lambda ctx: _theorem5_check(ctx, lip)


def _theorem5_check(ctx: Context, lip: bool):
    parts = []
    pool, checks, dropped = _pool_for(ctx, lip)
    for loss in pool:
        b = loss.beta

        def rng_of(tr, p, b=b, loss=loss, which=0):
            w = _qs_window(tr, loss, p)
            if w is None:
                return None
            bf = float(b)
            if which == 0:
                best = tr.window_max(*w, lambda sl: tr.abs_s_f[sl] ** bf / tr.delta_f[sl],
                                     lambda t: _pw(tr.s(t), b) / tr.delta(t))
            else:
                best = tr.window_max(*w, lambda sl: tr.delta_f[sl] / tr.abs_s_f[sl] ** bf,
                                     lambda t: tr.delta(t) / _pw(tr.s(t), b))
            return None if best is None else best[0]

        parts.append(_qs_sweep(ctx, loss, lambda tr, p, f=rng_of: f(tr, p, which=0),
                               "max |s_t|^beta/delta_t on the window", floor_window=True))
        parts.append(_qs_sweep(ctx, loss, lambda tr, p, f=rng_of: f(tr, p, which=1),
                               "1 / min |s_t|^beta/delta_t on the window", floor_window=True))
        if loss.family == "ell_beta":
            parts[-1].details["quasi-static limit 1/(2 c_beta)"] = float(1 / (2 * beta_constants(b)[0]))
    return _finish(parts, checks, dropped, lip)


THEOREM5 = Claim(
    id="ahn.theorem5", title="Quasi-static principle |x_t y_t| ~ delta_t^(1/beta)", source="Theorem 5, C.5",
    statement=r"(A1)-(A3); if $|x_{t_0}y_{t_0}|\asymp\delta_{t_0}^{1/\beta}$, $\delta_{t_0}\lesssim1$, then for all $t\ge t_0$ with "
    r"$\delta_t\gtrsim\eta^{\beta/(\beta-1)}$: $|x_ty_t|\asymp\delta_t^{1/\beta}$ (constants depend on $\ell$ only).",
    kind=Kind.ASYMPTOTIC,
    hypotheses="as Prop. 4; window delta_t in [10 eta^(beta/(beta-1)), 1/2) after t0" + RANGE_NOTE,
    check=_theorem5(False),
    reading=r"Theorem 5 under (A1)-(A3) **plus** $\ell''\le1$: if $|x_{t_0}y_{t_0}|\asymp\delta_{t_0}^{1/\beta}$, "
    r"$\delta_{t_0}\lesssim1$, then $|x_ty_t|\asymp\delta_t^{1/\beta}$ for all $t\ge t_0$ with "
    r"$\delta_t\gtrsim\eta^{\beta/(\beta-1)}$." + LIP_NOTE,
    reading_check=_theorem5(True), depends_on=("ahn.prop3", "ahn.prop4"),
    shares=SHARES,
)


# ---------------------------------------------------------------- Remarks 2 and 3


REMARK2_C = F(1, 2)  # the stated Omega(1): |s_{t0+1}| >= (1 + 1/2) |s_{t0}| (linearised factor |1 - eta y^2| = 2 at delta = 1)
REMARK2_LOSSES = (ell_rsym, lambda: ell_beta(F(3)), lambda: ell_beta(F(3, 2)))


def one_step_growth(c: Fraction, ctx: Context, label: str):
    """Remark 2's first sentence as a sampled check: at y_{t0}^2 = 3/eta (delta = 1) and
    s_{t0} = x y in {10^-3, 10^-6, 10^-9}, one GD step gives |s_{t0+1}| / |s_{t0}| >= 1 + c
    (slack: the ratio minus 1 + c), for the Remark-2 losses and eta in {1/20, 1/2000}."""
    pool = [mk() for mk in REMARK2_LOSSES]
    s0s, etas_ = (F(1, 10**3), F(1, 10**6), F(1, 10**9)), (F(1, 20), F(1, 2000))
    cases = [(i, s0, e) for i in range(len(pool)) for s0 in s0s for e in etas_]

    def slack(inst, dps):
        loss = pool[int(inst["loss_index"])]
        e = mpf_of(inst["eta"])
        y = mp.sqrt(3 / e)
        x = mpf_of(inst["s0"]) / y
        g = loss.dl(x * y)
        x1, y1 = x - e * g * y, y - e * g * x
        return abs(x1 * y1) / abs(x * y) - (1 + mpf_of(c))

    def sample(rng, i):
        li, s0, e = cases[i % len(cases)]
        return {"loss_index": F(li), "s0": s0, "eta": e}

    return engines.sampled(slack, sample, ctx, samples=len(cases), label=label, method="mpmath one GD step",
                           describe=lambda inst, dps: {"loss": pool[int(inst["loss_index"])].formula()})


def _remark2(ctx: Context):
    parts = [one_step_growth(REMARK2_C, ctx, f"|s_(t0+1)| / |s_t0| >= 1 + {REMARK2_C} (slack = ratio - {1 + REMARK2_C}) "
                             "at y_t0^2 = 3/eta (delta = 1), "
                             "s_t0 in {1e-3, 1e-6, 1e-9}, eta in {1/20, 1/2000} [ell_rsym, ell_beta[3], ell_beta[3/2]]")]
    s0s = [F(1, 10 ** (3 * k)) for k in range(1, ctx.budget.sweep_points + 1)]
    eta = F(1, 20)
    for loss in (ell_rsym(), ell_beta(F(3)), ell_beta(F(3, 2))):
        def steps(p, loss=loss):
            e = mpf_of(eta)
            y0 = mp.sqrt(3 / e)
            x, y = mpf_of(p) / y0, y0
            for t in range(ctx.budget.max_steps):
                if abs(x * y) >= mp.mpf(1) / 10:
                    return t
                g = loss.dl(x * y)
                x, y = x - e * g * y, y - e * g * x
            return None

        def marginal(p, dps, steps=steps):
            """[T(s0) - T(1000 s0)] / log(1000): T = a + b log(1/s0) makes T/log(1/s0) approach b like
            b - c/log(1/s0), which no sweep tells from slow growth; the increments are bounded iff T is
            O(log(1/s0)) along the sweep (telescoping, with T at the first s0 finite)."""
            t1, t0 = steps(p), steps(p * 1000)
            return None if t1 is None or t0 is None else mp.mpf(t1 - t0) / mp.log(1000)

        parts.append(engines.growth(s0s, marginal, ctx,
                                    label=f"#iterations until |s| >= 1/10: increment per factor 1000 in 1/s0, / log(1000) "
                                    f"[{loss.name}]",
                                    family="s0 -> 0 (y0^2 = 3/eta, eta = 1/20)",
                                    inputs_of=lambda p, loss=loss: {"loss": loss.formula(), "s0": str(p), "eta": "1/20",
                                                                    "y0^2": "3/eta"}))
    return all_of(parts)


REMARK2 = Claim(
    id="ahn.remark2", title="Reaching the quasi-static envelope in O(log(1/|s_t0|)) iterations", source="Remark 2, C.5",
    statement=r"If $\delta_{t_0}\asymp1$ and $|s_{t_0}|\ll1$ then $|s_{t_0+1}|\ge(1+\Omega(1))|s_{t_0}|$, so after "
    r"$O(\log(1/|s_{t_0}|))$ iterations $|s|\gtrsim1$.",
    kind=Kind.ASYMPTOTIC, hypotheses="start at y^2 = 3/eta (delta = 1), s0 = 10^-3k, eta = 1/20; '|s| >~ 1' as |s| >= 1/10; "
    "the one-step growth '(1 + Omega(1))' with the stated constant 1/2 (one GD step from s0 in {1e-3, 1e-6, 1e-9}, "
    "eta in {1/20, 1/2000})",
    check=_remark2)


def _remark3(ctx: Context):
    b = sp.Symbol("beta", positive=True)
    parts = [engines.identity(2 + (b / (b - 1)) * (2 / b - 1), b / (b - 1), ctx,
                              label="beta < 2: eta^-2 * eta^(-gamma(2/beta - 1)) = eta^(-beta/(beta-1))")]
    betas = (F(3, 2), F(2), F(4)) if ctx.budget.name != "deep" else (F(4, 3), F(3, 2), F(2), F(4))
    for bb in betas:
        loss = ell_beta(bb)

        def pred(p, bb=bb):
            e = mpf_of(p)
            if bb > 2:
                return e**-2
            if bb == 2:
                return mp.log(1 / e) / e**2
            return mp.power(e, -mpf_of(bb) / (mpf_of(bb) - 1))

        def ratio(tr, p, pred=pred, inv=False):
            if not tr.monotone:
                return None
            cross = tr.first_delta_below(0)  # y_t^2 < 2/eta from here on (y_t is non-increasing)
            if cross is None:
                return None
            count = cross - tr.first_delta_below(1, strict=False)  # t with 0 <= delta_t <= 1
            if count <= 0:  # no bouncing phase at this eta
                return None
            q = count / pred(p)
            return 1 / q if inv else q

        parts.append(_qs_sweep(ctx, loss, ratio, "#{t: y_t^2 in [2/eta, 3/eta]} / predicted order", floor_window=False))
        parts.append(_qs_sweep(ctx, loss, lambda tr, p, r=ratio: r(tr, p, inv=True),
                               "predicted order / #{t: y_t^2 in [2/eta, 3/eta]}", floor_window=False))
        # phase k, on the same runs (the trace cache: no new run)
        parts.append(_qs_sweep(ctx, loss, lambda tr, p, loss=loss: phase_ratio(tr, p, loss, False),
                               "max over k of #{t: 2^-k <= delta_t <= 2^-(k-1)} eta^2 / 2^(k(2/beta-1))",
                               floor_window=False))
        parts.append(_qs_sweep(ctx, loss, lambda tr, p, loss=loss: phase_ratio(tr, p, loss, True),
                               "max over k of 2^(k(2/beta-1)) / (eta^2 #{t: 2^-k <= delta_t <= 2^-(k-1)})",
                               floor_window=False))
    out = all_of(parts)
    out.details[NOT_ENCODED] = [
        "'in the GF regime GD converges in O(1/eta) iterations': checked in ahn.remark1 (eta * #{t: |x_t| > sqrt(eta)})",
    ]
    return out


def phase_ratio(tr: Trace, eta: Fraction, loss, inv: bool):
    """Remark 3's phase k (2^-k <= delta_t <= 2^-(k-1)) lasts ~ 2^(k(2/beta - 1)) / eta^2 iterations,
    constants independent of eta and k: the max over the phases k >= 2 above the quasi-static floor
    (2^-k >= 10 eta^(beta/(beta-1))) of count * eta^2 / 2^(k(2/beta-1)) (or of its reciprocal), on
    the run at ``eta``; None when no such phase exists or the run has not crossed.  Phase 1
    (delta in [1/2, 1]) holds the approach from the start (delta ~ 2.7 at t = 0) to the envelope
    (Remark 2): measured, its count rises to its limit from below along eta -> 0."""
    if not tr.monotone or tr.first_delta_below(0) is None:
        return None
    floor = 10 * mpow(eta, _gq(loss))
    expo = mpf_of(2 / _fr(loss.beta) - 1)
    best = None
    k = 2
    while mp.mpf(2) ** -k >= floor:
        a = tr.first_delta_below(F(1, 2 ** (k - 1)), strict=False)  # first t with delta_t <= 2^-(k-1)
        z = tr.first_delta_below(F(1, 2**k))  # first t with delta_t < 2^-k
        if a is not None and z is not None and z > a:
            q = (z - a) * tr.eta_mpf**2 / mp.power(2, k * expo)
            q = 1 / q if inv else q
            best = q if best is None else max(best, q)
        k += 1
    return best


REMARK3 = Claim(
    id="ahn.remark3", title="Length of the bouncing phase", source="Remark 3 and 'Convergence rate estimates', C.5; Fig. 11 (right)",
    statement=r"Bouncing iterations $\asymp1/\eta^2$ ($\beta>2$), $\log(1/\eta)/\eta^2$ ($\beta=2$), $1/\eta^{\beta/(\beta-1)}$ "
    r"($\beta<2$); GF regime: $O(1/\eta)$. Phase $k$ ($2^{-k}\le\delta_t\le2^{-(k-1)}$) lasts "
    r"$\asymp2^{k(2/\beta-1)}/\eta^2$ iterations.",
    kind=Kind.RATE,
    hypotheses="ell_beta, beta = 3/2, 2, 4 (4/3 at deep); Theorem-2 runs (delta = 1); count of iterates with "
    "y_t^2 in [2/eta, 3/eta] (Fig. 11 right), runs followed to the crossing; eta = 9/10 * 10^(-k/4) (a point "
    "counts where a bouncing phase exists: crossing, then iterates with y^2 in [2/eta, 3/eta]; none above eta ~ 1/2), "
    "down to the budget's step cap per run (" + STEP_CAP_NOTE + "); a pass needs usable points "
    "spanning >= 2 decades; phase k (2^-k <= delta_t <= 2^-(k-1)) on the same runs: the max over k >= 2 with "
    "2^-k >= 10 eta^(beta/(beta-1)) of count eta^2 / 2^(k(2/beta-1)) and of its reciprocal, bounded along eta -> 0 "
    "(uniform in eta and k; a point counts where such a phase exists: eta <= 0.28 .. 0.05)",
    check=_remark3, depends_on=("ahn.theorem5",),
    shares=SHARES,
)

CLAIMS = [EQ13, PROP3, PROOF_THM2, PROP4, THEOREM5, REMARK2, REMARK3]
