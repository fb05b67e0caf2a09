"""ahn App. C.3/C.5: the quasi-static heuristic (13), (14), (18), (19), Propositions 3 and 4,
Theorem 5, the proof of Theorem 2 from Prop. 3, and Remarks 2 and 3.

Notation: y_t^2 = (2 + delta_t)/eta, s_t = x_t y_t, gamma_q := beta/(beta-1).  Runs are the
Theorem-2 runs of :mod:`.s2c_eos` (delta = 1, (x~, y~) = (3/4, 5/4))."""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp
import sympy as sp

from numeric.precision import mpf_of
from symbolic.losses import beta_constants, ell_beta, ell_rsym, ell_sqr

from ... import engines
from ...claim import Claim, Context, Kind, all_of
from .sn_common import (
    SWEEP_NOTE,
    F,
    adversarial,
    class_losses,
    flat_etas,
    lipschitz_only,
    mpow,
    sweep_growth,
    tail_etas,
    with_hypotheses,
)

GAMMA = F(3)
BUDGET_NOTE = ("; range from the hypotheses: the window 10 eta^(beta/(beta-1)) <= delta < 1/2 holds a factor 10 "
               "of delta only for eta <= 200^(-(beta-1)/beta) (0.17 for beta = 3/2, 0.071 for beta = 2, 0.029 for "
               "beta = 3); runs from the standard start need ~eta^-2 steps to converge, so the standard step cap "
               "(500000) ends the usable sweep near eta = 9/1000: the 2 decades the decade rule asks for need eta "
               "down to ~1e-3 .. 3e-4, i.e. the deep budget's cap (5,000,000 steps) or the faster kernels")


def _qs_pool(ctx: Context, a3: bool = True):

    return [ell_rsym(), ell_sqr(), ell_beta(F(3, 2)), ell_beta(F(2)), ell_beta(F(3))] + class_losses(
        ctx, "quasistatic", a3=a3, n=max(1, ctx.budget.samples // 20)) + [adversarial()]


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


def _deltas(run):
    """delta_t = eta y_t^2 - 2 along the run (memoised on the run: several measures share it)."""
    d = run.info.get("deltas")
    if d is None:
        e = run.eta
        d = run.info["deltas"] = [e * y * y - 2 for y in run.ys]
    return d


def _gq(loss) -> sp.Expr:
    return loss.beta / (loss.beta - 1)


def _pw(v, b):
    return mp.power(abs(v), mpf_of(Fraction(int(sp.Rational(b).p), int(sp.Rational(b).q))))


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
        c = float(beta_constants(sp.Rational(b.numerator, b.denominator))[0])

        def dev(run, p, b=b, c=c, loss=loss):
            d = _deltas(run)
            floor = 10 * mpow(p, _gq(loss))
            vals = [_pw(run.s(t), b) * c * (2 + d[t]) / d[t] for t in range(len(d)) if floor <= d[t] < mp.mpf(1) / 2]
            return None if not vals else max(max(vals), 1 / min(vals))

        parts.append(sweep_growth(ctx, loss, GAMMA, dev, "max(q, 1/q), q = measured |s|^beta / quasi-static prediction",
                                  "eta -> 0", need_converged=False))
    return all_of(parts)


EQ13 = Claim(
    id="ahn.eq13_quasistatic", title="Quasi-static heuristic", source="C.3 eqs. (13), (14); C.5 eqs. (18), (19)",
    statement=r"$x_{t+1}=-x_t\iff\eta\ell'(x_ty_t)y_t=2x_t$ (13) $\iff\eta r_ty_t^2=2$ (18); suggests "
    r"$|x_ty_t|\lesssim\delta_t^{1/\beta}$ (14), $|s_t|^\beta\approx\delta_t$ (19), accurate while "
    r"$\delta_t\gtrsim\eta^{\beta/(\beta-1)}$.",
    kind=Kind.QUALITATIVE,
    hypotheses="exact algebra for (13), (18); the heuristic measured for ell_beta (beta = 3/2, 2, 3) against its exact "
    "envelope c_beta |s|^beta = delta/(2+delta), on bouncing iterates with 10 eta^(beta/(beta-1)) <= delta_t < 1/2" + SWEEP_NOTE + BUDGET_NOTE,
    check=_eq13, depends_on=("ahn.rform",))


# ---------------------------------------------------------------- Proposition 3, proof of Theorem 2


def _prop3(lip: bool):
    return lambda ctx: _prop3_check(ctx, lip)


def _prop3_check(ctx: Context, lip: bool):
    parts = []
    pool, checks, dropped = _pool_for(ctx, lip, a3=False)
    for loss in pool:
        b = loss.beta
        lim = 1 / (2 * max(float(b), 1.0))  # delta_{t-1} <= 1/(2 (beta v 1)): the 'sufficiently small' constant

        def upper(run, p, b=b, loss=loss, lim=lim):
            d = _deltas(run)
            fl = mpow(p, _gq(loss))
            vals = [_pw(run.s(t), b) / (max(d[t], 0) + fl) for t in range(1, len(d)) if 0 <= d[t - 1] <= lim]
            return max(vals) if vals else None

        def negpart(run, p, loss=loss, lim=lim):
            d = _deltas(run)
            fl = mpow(p, _gq(loss))
            vals = [max(-d[t], 0) / fl for t in range(1, len(d)) if 0 <= d[t - 1] <= lim]
            return max(vals) + mp.mpf(10) ** -30 if vals else None

        parts.append(sweep_growth(ctx, loss, GAMMA, upper, "max |s_t|^beta / (delta_t^+ + eta^(beta/(beta-1)))",
                                  "eta -> 0", need_converged=False))
        parts.append(sweep_growth(ctx, loss, GAMMA, negpart, "max delta_t^- / eta^(beta/(beta-1)) (so C' can absorb it)",
                                  "eta -> 0", need_converged=False))
    return _finish(parts, checks, dropped, lip)


PROP3 = Claim(
    id="ahn.prop3", title="Quasi-static analysis, upper bound", source="Proposition 3, C.5, eqs. (20)-(22)",
    statement=r"For all $t$ with $0\le\delta_{t-1}\lesssim1/(\beta\vee1)$: $|s_t|^\beta\le C(\delta_t+C'\eta^{\beta/(\beta-1)})$, "
    r"$C,C'$ independent of $\eta$.",
    kind=Kind.ASYMPTOTIC,
    hypotheses="(A1), (A2) with beta < oo: rsym, sqr, ell_beta (3/2, 2, 3), generated members and the adversarial "
    "loss of ahn.theorem2 (flat: ell'(s)/s = 1 on [2/5, 4/5]); Theorem-2 runs; "
    "'<~ 1/(beta v 1)' encoded as delta_{t-1} <= 1/(2 (beta v 1)); the two measured ratios bounded in eta give "
    "the claim with C = sup ratio 1 and C' = 1 + sup ratio 2; eta log-spaced from 9/10 over 2 decades (a pass "
    "needs usable points spanning 2 decades)",
    check=_prop3(False),
    reading=r"Proposition 3 under (A1), (A2) **plus** $\ell''\le1$: for all $t$ with $0\le\delta_{t-1}\lesssim1/(\beta\vee1)$, "
    r"$|s_t|^\beta\le C(\delta_t+C'\eta^{\beta/(\beta-1)})$." + LIP_NOTE,
    reading_check=_prop3(True), depends_on=("ahn.A2plus",))


def _proof_thm2(power: bool, lip: bool):
    def check(ctx: Context):

        parts = []
        pool, checks, dropped = _pool_for(ctx, lip, a3=False)
        for loss in pool:
            b = loss.beta
            e = 1 / (b - 1)

            def m(run, p, b=b, e=e):
                tc = run.crossing()
                if tc is None:
                    return None
                st = abs(run.s(tc))
                return (_pw(st, b) if power else st) / mpow(p, e)

            is_flat = loss.family == "flat"
            what = ("|s_t|^beta" if power else "|s_t|") + " / eta^(1/(beta-1)) at the crossing"
            if is_flat:
                parts.append(sweep_growth(ctx, loss, GAMMA, m, what + " (flat family: extended sweep)", "eta -> 0",
                                          need_converged=False, params=flat_etas(ctx)))
            else:  # 4 points per decade: the saturation test fits the last decade alone
                parts.append(sweep_growth(ctx, loss, GAMMA, m, what, "eta -> 0", need_converged=False,
                                          params=tail_etas(ctx)))
        return _finish(parts, checks, dropped, lip)

    return check


PROOF_THM2 = Claim(
    id="ahn.proof_thm2", title="Proof of Theorem 2 from Prop. 3: size of s at the crossing",
    source="C.5, 'Proof of Theorem 2'",
    statement=r"From Prop. 3, since $\delta_{t-1}\ge0$ and $\delta_t\le0$: $|s_{\mathbf t}|^\beta\lesssim\eta^{1/(\beta-1)}$.",
    kind=Kind.ASYMPTOTIC, hypotheses="as Prop. 3 (incl. the adversarial flat loss); bold t = first t with y_t^2 < 2/eta; "
    "eta log-spaced from 9/10 over 2 decades; flat family (short runs): 9/10 2^-k over sweep_points + 2 halvings",
    check=_proof_thm2(True, False),
    reading=r"$|s_{\mathbf t}|\lesssim\eta^{1/(\beta-1)}$ (equivalently $|s_{\mathbf t}|^\beta\lesssim\eta^{\beta/(\beta-1)}$), "
    r"for losses satisfying (A1), (A2) **plus** $\ell''\le1$ (two changes combined in the one reading: the intended "
    r"exponent, and the assumption set of the Prop.-3 reading)." + LIP_NOTE,
    reading_check=_proof_thm2(False, True), depends_on=("ahn.prop3",))


# ---------------------------------------------------------------- Proposition 4, Theorem 5


def _window(run, loss, p):
    d = _deltas(run)
    floor = 10 * mpow(p, _gq(loss))
    t0 = next((t for t in range(1, len(d)) if d[t] <= mp.mpf(1) / 2), None)
    if t0 is None:
        return None, []
    return t0, [t for t in range(t0, len(d)) if floor <= d[t] < mp.mpf(1) / 2]


def _prop4(ctx: Context):
    parts = []
    for loss in _qs_pool(ctx):
        b = loss.beta

        def inv_min(run, p, b=b, loss=loss):
            t0, ts = _window(run, loss, p)
            if not ts:
                return None
            d = _deltas(run)
            return max(d[t] / _pw(run.s(t), b) for t in ts)

        parts.append(sweep_growth(ctx, loss, GAMMA, inv_min, "max delta_t / |s_t|^beta over t >= t0 with delta_t >= "
                                  "10 eta^(beta/(beta-1))", "eta -> 0", need_converged=False))
    return all_of(parts)


PROP4 = Claim(
    id="ahn.prop4", title="Quasi-static analysis, lower bound", source="Proposition 4, C.5, eqs. (23)-(24)",
    statement=r"(A3), $\beta<\infty$; if at $t_0$: $\delta_{t_0}\lesssim1$ and $|s_{t_0}|\ge c\,\delta_{t_0}^{1/\beta}$ (23), then "
    r"(23) holds for all $t\ge t_0$ with $\delta_t\gtrsim\eta^{\beta/(\beta-1)}$.",
    kind=Kind.ASYMPTOTIC,
    hypotheses="(A1)-(A3): rsym, sqr, ell_beta (3/2, 2, 3), generated members satisfying (A3), and the adversarial "
    "flat loss of ahn.theorem2 (satisfies (A3) with beta = 2, C = 25/16); t0 = first t >= 1 "
    "with delta_t <= 1/2; '>~' encoded as delta_t >= 10 eta^(beta/(beta-1))" + SWEEP_NOTE + BUDGET_NOTE,
    check=_prop4, depends_on=("ahn.A3",))


def _theorem5(lip: bool):
    return lambda ctx: _theorem5_check(ctx, lip)


def _theorem5_check(ctx: Context, lip: bool):
    parts = []
    pool, checks, dropped = _pool_for(ctx, lip)
    for loss in pool:
        b = loss.beta

        def rng_of(run, p, b=b, loss=loss, which=0):
            t0, ts = _window(run, loss, p)
            if not ts:
                return None
            d = _deltas(run)
            q = [_pw(run.s(t), b) / d[t] for t in ts]
            return max(q) if which == 0 else 1 / min(q)

        parts.append(sweep_growth(ctx, loss, GAMMA, lambda run, p, f=rng_of: f(run, p, which=0),
                                  "max |s_t|^beta/delta_t on the window", "eta -> 0", need_converged=False))
        parts.append(sweep_growth(ctx, loss, GAMMA, lambda run, p, f=rng_of: f(run, p, which=1),
                                  "1 / min |s_t|^beta/delta_t on the window", "eta -> 0", need_converged=False))
        if loss.family == "ell_beta":
            parts[-1].details["quasi-static limit 1/(2 c_beta)"] = float(1 / (2 * beta_constants(b)[0]))
    return _finish(parts, checks, dropped, lip)


THEOREM5 = Claim(
    id="ahn.theorem5", title="Quasi-static principle |x_t y_t| ~ delta_t^(1/beta)", source="Theorem 5, C.5",
    statement=r"(A1)-(A3); if $|x_{t_0}y_{t_0}|\asymp\delta_{t_0}^{1/\beta}$, $\delta_{t_0}\lesssim1$, then for all $t\ge t_0$ with "
    r"$\delta_t\gtrsim\eta^{\beta/(\beta-1)}$: $|x_ty_t|\asymp\delta_t^{1/\beta}$ (constants depend on $\ell$ only).",
    kind=Kind.ASYMPTOTIC,
    hypotheses="as Prop. 4; window delta_t in [10 eta^(beta/(beta-1)), 1/2) after t0; eta log-spaced from 9/10 over "
    "2 decades (a pass needs usable points spanning 2 decades)",
    check=_theorem5(False),
    reading=r"Theorem 5 under (A1)-(A3) **plus** $\ell''\le1$: if $|x_{t_0}y_{t_0}|\asymp\delta_{t_0}^{1/\beta}$, "
    r"$\delta_{t_0}\lesssim1$, then $|x_ty_t|\asymp\delta_t^{1/\beta}$ for all $t\ge t_0$ with "
    r"$\delta_t\gtrsim\eta^{\beta/(\beta-1)}$." + LIP_NOTE,
    reading_check=_theorem5(True), depends_on=("ahn.prop3", "ahn.prop4"))


# ---------------------------------------------------------------- Remarks 2 and 3


def _remark2(ctx: Context):
    parts = []
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
    kind=Kind.ASYMPTOTIC, hypotheses="start at y^2 = 3/eta (delta = 1), s0 = 10^-3k, eta = 1/20; '|s| >~ 1' as |s| >= 1/10",
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

        def ratio(run, p, pred=pred, inv=False):
            if run.crossing() is None or run.bouncing_count() == 0:  # no bouncing phase at this eta
                return None
            q = run.bouncing_count() / pred(p)
            return 1 / q if inv else q

        parts.append(sweep_growth(ctx, loss, GAMMA, ratio, "#{t: y_t^2 in [2/eta, 3/eta]} / predicted order", "eta -> 0",
                                  need_converged=False))
        parts.append(sweep_growth(ctx, loss, GAMMA, lambda run, p, r=ratio: r(run, p, inv=True),
                                  "predicted order / #{t: y_t^2 in [2/eta, 3/eta]}", "eta -> 0", need_converged=False))
    return all_of(parts)


REMARK3 = Claim(
    id="ahn.remark3", title="Length of the bouncing phase", source="Remark 3 and 'Convergence rate estimates', C.5; Fig. 11 (right)",
    statement=r"Bouncing iterations $\asymp1/\eta^2$ ($\beta>2$), $\log(1/\eta)/\eta^2$ ($\beta=2$), $1/\eta^{\beta/(\beta-1)}$ "
    r"($\beta<2$); GF regime: $O(1/\eta)$.",
    kind=Kind.RATE,
    hypotheses="ell_beta, beta = 3/2, 2, 4 (4/3 at deep); Theorem-2 runs (delta = 1); count of iterates with "
    "y_t^2 in [2/eta, 3/eta] (Fig. 11 right)" + SWEEP_NOTE + "; range from the hypotheses: a bouncing phase "
    "(crossing, then iterates with y^2 in [2/eta, 3/eta]) exists only below eta ~ 1/2, and the standard step cap "
    "(500000) ends the usable sweep near eta = 9/1000 (runs need ~eta^-2 steps): 2 decades need the deep budget's "
    "cap (5,000,000 steps) or the faster kernels",
    check=_remark3, depends_on=("ahn.theorem5",))

CLAIMS = [EQ13, PROP3, PROOF_THM2, PROP4, THEOREM5, REMARK2, REMARK3]
