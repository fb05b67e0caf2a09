"""ahn §3 and App. D-E: the mean model (5)-(6), Lemmas 2-3, Theorems 3-4 and the threshold 8 pi/d^2.

Symbolic parts use :mod:`symbolic.mean_model`; trajectories use :mod:`numeric.mean_model`
(mpmath at ``ctx.dps``).  Every verdict comes from :mod:`theorems.engines`.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import mpmath as mp
import numpy as np
import sympy as sp

from numeric import ball, samplers
from numeric import mean_model as N
from numeric.precision import mpf_of
from symbolic import mean_model as S

from ... import engines, figures
from ...claim import NOT_ENCODED, Claim, Context, Kind, Outcome, all_of

A, b, d, eta, s = S.A, S.b, S.d, S.eta, S.s


# ------------------------------------------------------------------ shared helpers


def _q(x: Fraction | int) -> sp.Rational:
    x = Fraction(x)
    return sp.Rational(x.numerator, x.denominator)


def _frac(x: float, den: int = 10**6) -> Fraction:
    return Fraction(x).limit_denominator(den)


def save_figure(ctx: Context, name: str, draw, out: Outcome | None = None) -> list[str]:
    """Call ``draw(fig, ax)`` on a fresh Agg figure and save it as
    figures/<claim>-<variant>-<name>.png (if enabled; :func:`theorems.figures.save_plot`:
    a plotting failure is recorded in ``out.details`` and never changes a verdict)."""
    return figures.save_plot(ctx, name, draw, out)


def plot_mm_trajectory(ctx: Context, name: str, A0: Any, dd: Any, ratio: Any, steps: int,
                       hline: float | None = None, title: str = "", out: Outcome | None = None) -> list[str]:
    """(t, b_t) and (t, A_t) of a mean-model run, e.g. for a counterexample (the run happens
    inside the figure guard: its failure is recorded, never raised)."""

    def draw(fig, ax):
        run = N.gd_run(A0, dd, N.to_mpf(ratio) * N.eta_c(dd), steps)
        bs = [float(v) for v in run.b]
        As = [float(v) for v in run.A]
        ax.plot(bs, label="b_t")
        if hline is not None:
            ax.axhline(hline, ls="--", color="k", label="claimed bound")
        ax2 = ax.twinx()
        ax2.plot(As, color="tab:orange", lw=0.6, alpha=0.6, label="A_t")
        ax.set_xlabel("t")
        ax.set_ylabel("b_t")
        ax2.set_ylabel("A_t")
        ax.set_title(title or name)
        ax.legend(loc="lower left")

    return save_figure(ctx, name, draw, out)


def _with_cex_plot(out: Outcome, ctx: Context, name: str, to_args) -> Outcome:
    if out.counterexample is not None and ctx.figures_dir:
        try:
            args = to_args({k: Fraction(v) for k, v in out.counterexample.inputs.items()})
        except (ValueError, ArithmeticError, KeyError) as exc:  # a plot must never change a verdict
            out.details["figure_error"] = f"{name}: {type(exc).__name__}: {exc}"
            return out
        out.figures.extend(plot_mm_trajectory(ctx, name, *args, out=out))
    return out


# ------------------------------------------------------------------ ball-arithmetic inequalities


def ball_inequality(expr: sp.Expr, ctx: Context, *, strict: bool, box: dict | None = None, sample=None,
                    admissible=None, label: str = "", samples: int | None = None) -> Outcome:
    """expr >= 0 (> 0 if strict) on a box of its free symbols: mpmath screening, scipy search over the
    box, arb certification at every sampled exact point (engines.sampled decides)."""
    expr = sp.sympify(expr)
    syms = sorted(expr.free_symbols, key=str)
    box = box or {}
    f = sp.lambdify(syms, expr, modules="mpmath")

    def inside(inst) -> bool:
        for x in syms:
            lo, hi = box[x]
            v = inst[str(x)]
            if v < lo or v > hi:
                return False
        return admissible(inst) if admissible else True

    def slack(inst, dps):
        if not inside(inst):
            return None
        return f(*[mpf_of(inst[str(x)]) for x in syms])

    def certify(inst):
        if not inside(inst):
            return None
        return ball.evaluate(expr, {x: inst[str(x)] for x in syms})

    def sampler(rng, i):
        pt = sample(rng, i) if sample else {}
        return {str(k): Fraction(v) for k, v in pt.items()}

    search = None
    if syms:
        search = engines.Search([tuple(map(float, box[x])) for x in syms],
                                lambda v: {str(x): Fraction(float(t)).limit_denominator(10**9)
                                           for x, t in zip(syms, v, strict=True)})
    return engines.sampled(slack, sampler, ctx, label=label, strict=strict, certify=certify, search=search,
                           samples=samples if samples is not None else (ctx.budget.samples if syms else 2),
                           method="mpmath + arb ball arithmetic at sampled exact points")


# ------------------------------------------------------------------ ahn.mm_derivation


def _ellp_exp(x: sp.Expr) -> sp.Expr:
    """ell_sym'(x) = tanh(x/2)/2 as printed, rewritten with exp (same function)."""
    return S.ell_sym_prime_tanh(x).rewrite(sp.exp)


def _derivation_exact(ctx: Context) -> Outcome:
    A_next, b_next, A_of = S.network_gd_in_A(g=S.G)
    gb = S.G(b)
    printed_A = A_of - 2 * d**2 * eta * _ellp_exp(A_of * gb) * gb
    printed_b = b - eta * _ellp_exp(A_of * gb) * A_of * sp.diff(gb, b)
    return all_of([
        engines.identity(A_next, printed_A, ctx, label="(c) A-update of GD on ell_sym(d(a-+a+)g(b)) is (5)"),
        engines.identity(b_next, printed_b, ctx, label="(c) b-update of GD on ell_sym(d(a-+a+)g(b)) is (5)"),
    ])


def _population_factor(with_y: bool) -> tuple[sp.Expr, sp.Expr]:
    """E_y[(y if with_y) ell_logi'(y s)] with y uniform on {-1, +1}, against ell_sym'(s)."""
    lp = sp.diff(S.ell_logi(s), s)
    vals = [(yy if with_y else 1) * lp.xreplace({s: yy * s}) for yy in (1, -1)]
    return sp.Rational(1, 2) * (vals[0] + vals[1]), _ellp_exp(s)


def _mc_ratio(kind: str, bval: float, reps: int):
    """sqrt(d) * RMS relative error of the Sec. 3.1 approximations, data (1) with lambda = 3."""
    g_exact = {"relu": float(N.g(bval)), "ind": float(N.gprime(bval))}[kind]

    def ratio(p: Fraction, dps: int):
        dd = int(p)
        rng = np.random.default_rng(1000 + dd)
        errs = []
        for _ in range(reps):
            xi = rng.standard_normal(dd)
            xi[rng.integers(dd)] += 3.0 * rng.choice([-1.0, 1.0])
            v = np.maximum(xi + bval, 0).mean() if kind == "relu" else (xi + bval >= 0).mean()
            errs.append((v - g_exact) / g_exact)
        return mp.mpf(math.sqrt(dd) * math.sqrt(float(np.mean(np.square(errs)))))

    return ratio


def _derivation_mc(ctx: Context) -> Outcome:
    reps = 60 if ctx.budget.name == "quick" else 200
    dims = [Fraction(x) for x in (10, 100, 1000, 10_000, 100_000)]
    parts = []
    for kind, label in (("relu", "(1/d) sum ReLU(x[i]+b) vs g(b)"), ("ind", "(1/d) sum 1{x[i]+b>=0} vs g'(b)")):
        for bval in (0.0, -0.5, -1.0):
            parts.append(engines.growth(dims, _mc_ratio(kind, bval, reps), ctx,
                                        label=f"(a) sqrt(d)*RMS rel. error of {label}, b={bval}",
                                        family=f"d = 10 .. 1e5 ({reps} Monte Carlo replicates each)"))
    return all_of(parts)


def _check_derivation(with_y: bool):
    def check(ctx: Context) -> Outcome:
        lhs, rhs = _population_factor(with_y)
        what = "E_y[y ell_logi'(y s)]" if with_y else "E_y[ell_logi'(y s)] (as printed, no factor y)"
        part_b = engines.identity(lhs, rhs, ctx, label=f"(b) {what} = ell_sym'(s)")
        return all_of([_derivation_exact(ctx).named("(c) exact GD in A"), part_b,
                       _derivation_mc(ctx).named("(a) Monte Carlo O(d^-1/2)")])

    return check


MM_DERIVATION = Claim(
    id="ahn.mm_derivation",
    title="Mean-model approximation (Sec. 3.1, App. D)",
    source="Sec. 3.1, eq. (5); App. D",
    statement=r"(a) $\frac1d\sum_i\mathrm{ReLU}(\pm x[i]+b)\approx g(b)$, $\frac1d\sum_i\mathbb 1\{\pm x[i]+b\ge0\}"
    r"\approx g'(b)$ with error $O(d^{-1/2})$; (b) $a^\pm_{t+1}=a^\pm_t-\eta\,\mathbb E[\ell'_{\rm logi}(yf)\sum_i"
    r"\mathrm{ReLU}(\pm x[i]+b_t)]\approx a^\pm_t-\eta\,\ell'_{\rm sym}(d(a^-+a^+)g(b_t))\,d\,g(b_t)$ (with $f\approx"
    r" d(a^-+a^+)g(b)$, i.e. $\mathbb E_y\ell'_{\rm logi}(ys)=\ell'_{\rm sym}(s)$); (c) GD on $(a^-,a^+,b)\mapsto"
    r"\ell_{\rm sym}(d(a^-+a^+)g(b))$ is exactly (5) in $A=d(a^-+a^+)$. Measurable form of (a): "
    r"$\sqrt d\cdot$RMS relative error stays bounded for $d=10\ldots10^5$, $b\in\{0,-0.5,-1\}$.",
    kind=Kind.IDENTITY,
    hypotheses="any g (abstract SymPy function) for (c); y uniform on {-1,+1}; data (1) with lambda = 3, "
    "xi ~ N(0, I_d) for (a)",
    check=_check_derivation(False),
    reading=r"(b) with the factor $y$ of the chain rule: $\mathbb E_y[y\,\ell'_{\rm logi}(ys)]=\ell'_{\rm sym}(s)$; "
    r"(a), (c) unchanged",
    reading_check=_check_derivation(True),
)


# ------------------------------------------------------------------ ahn.lemma2


def _b_sampler(lo: float, hi: float):
    edges = [Fraction(0), Fraction(lo), Fraction(hi), Fraction(-1), Fraction(1, 1000)]

    def sample(rng, i):
        x = edges[i] if i < len(edges) else samplers.uniform(rng, lo, hi, open_lo=False, open_hi=False)
        return {b: x}

    return sample


def _check_lemma2(ctx: Context) -> Outcome:
    closed = S.g_closed(b)
    parts = [
        engines.identity(S.g_by_sympy_integration(b), closed, ctx,
                         label="SymPy integral int_{-b}^oo (z+b) phi(z) dz = phi(b) + b Phi(b)"),
        engines.identity(sp.diff(closed, b), S.Phi(b), ctx, label="g' = Phi"),
        engines.identity(closed.subs(b, 0) ** 2, 1 / (2 * sp.pi), ctx, label="g(0)^2 = 1/(2 pi)"),
    ]

    def slack(inst, dps):
        x = mpf_of(inst["b"])
        q = N.g_by_quadrature(x)
        # quadrature agrees with the closed form to the working precision (relative, 10 digits spare)
        return mp.mpf(10) ** (-(dps - 10)) * max(1, abs(q)) - abs(q - N.g(x))

    def sample(rng, i):
        return {"b": _b_sampler(-5, 5)(rng, i)[b]}

    parts.append(engines.sampled(slack, sample, ctx, label="mpmath quad vs closed form, b in [-5, 5]",
                                 method="mpmath quadrature"))
    for expr, lab in ((closed, "g(b) > 0"), (S.Phi(b), "g'(b) = Phi(b) > 0 (g increasing)")):
        parts.append(ball_inequality(expr, ctx, strict=True, box={b: (-8, 8)}, sample=_b_sampler(-8, 8),
                                     label=lab + " on [-8, 8]"))
    return all_of(parts)


LEMMA2 = Claim(
    id="ahn.lemma2",
    title="Smoothed ReLU formula",
    source="Lemma 2 (Sec. 3.2), proof in App. E.1",
    statement=r"$g(b):=\mathbb E_{z\sim N(0,1)}\mathrm{ReLU}(z+b)=\varphi(b)+b\Phi(b)$; $g'=\Phi$ "
    r"(also used: $g,g'>0$, $g(0)^2=1/(2\pi)$, $g$ increasing)",
    kind=Kind.IDENTITY,
    hypotheses="b real (numerically b in [-5, 5]; positivity certified on [-8, 8])",
    check=_check_lemma2,
)


# ------------------------------------------------------------------ mean-model instances


def _mm_instance_sampler(ratio_lo: float, ratio_hi: float, dims=(20, 50, 200)):
    """(d, A0, ratio = eta/eta_c): d from ``dims``, A0 of both signs (0.05 .. 20)."""
    a_edges = [Fraction(1), Fraction(-1), Fraction(3), Fraction(-3, 10), Fraction(1, 20), Fraction(20)]

    def sample(rng, i):
        dd = Fraction(dims[i % len(dims)])
        A0 = a_edges[i % len(a_edges)] if i < 2 * len(a_edges) else (
            samplers.log_uniform(rng, 0.05, 20) * rng.choice([-1, 1]))
        r = samplers.uniform(rng, ratio_lo, ratio_hi)
        return {"d": dd, "A0": A0, "ratio": r}

    return sample


def _run(inst, horizon: int) -> N.MMRun:
    eta_ = mpf_of(inst["ratio"]) * N.eta_c(int(inst["d"]))
    return N.gd_run(mpf_of(inst["A0"]), int(inst["d"]), eta_, horizon, record=False)


# ------------------------------------------------------------------ ahn.mm_b_monotone


def _check_b_monotone(ctx: Context) -> Outcome:
    expr = S.ell_sym_prime_tanh(A * S.g_closed(b)) * A * S.Phi(b)

    def sample(rng, i):
        edges = [(0, 0), (1, -6), (-1, 6), (Fraction(1, 10**6), 0), (-50, -6)]
        if i < len(edges):
            a_, b_ = edges[i]
            return {A: Fraction(a_), b: Fraction(b_)}
        return {A: samplers.uniform(rng, -50, 50), b: samplers.uniform(rng, -6, 6)}

    step_sign = ball_inequality(expr, ctx, strict=False, box={A: (-50, 50), b: (-6, 6)}, sample=sample,
                                label="ell'(A g(b)) A g'(b) >= 0 (so b_{t+1} <= b_t)")
    horizon = min(ctx.budget.max_steps, 6000)

    def slack(inst, dps):
        run = _run(inst, horizon)
        return -run.max_b_increase / (mpf_of(inst["ratio"]) * N.eta_c(int(inst["d"])))

    traj = engines.sampled(slack, _mm_instance_sampler(0.05, 5), ctx,
                           samples=max(6, ctx.budget.samples // 3),
                           label=f"max_t (b_(t+1) - b_t)/eta <= 0 along (5), {horizon} steps, eta/eta_c in (0.05, 5)",
                           method="mpmath mean-model GD")
    return all_of([step_sign, traj])


MM_B_MONOTONE = Claim(
    id="ahn.mm_b_monotone",
    title="Monotone bias",
    source="Sec. 3.2, after Lemma 2",
    statement=r"$b_t$ is non-increasing along (5), since $\ell'(A_tg(b_t))A_tg'(b_t)\ge0$",
    kind=Kind.INEQUALITY,
    hypotheses="ell = ell_sym; any A, b (certified on A in [-50, 50], b in [-6, 6]); trajectories from (A0, 0)",
    check=_check_b_monotone,
    depends_on=("ahn.lemma2",),
)


# ------------------------------------------------------------------ ahn.lemma3


def _rk4_drift_ratio(A0: Fraction, dd: int):
    """|Q(T) - Q(0)| / h^4 for RK4 with step h = T/N on (6), T = 2/(d^2 g(0)^2/2)... scaled."""
    T = mp.mpf(8) * mp.pi / dd**2  # a few relaxation times 4 pi / d^2

    def ratio(p: Fraction, dps: int):
        n = int(p)
        h = T / n
        _, ys = N.gf_rk4(A0, dd, T, h)
        A1, b1 = ys[-1]
        q0 = N.conserved(mpf_of(A0), mp.mpf(0), dd)
        q1 = N.conserved(A1, b1, dd)
        return abs(q1 - q0) / abs(q0) / (h * dd**2) ** 4

    return ratio


def _check_lemma3(ctx: Context) -> Outcome:
    parts = []
    ell = sp.Function("ell")
    for lab, model in (("abstract ell, closed-form g", S.MeanModel(ell=ell)),
                       ("ell = ell_sym, closed-form g", S.MeanModel())):
        q = S.lemma3_quantity()
        parts.append(engines.identity(model.time_derivative(q), 0, ctx,
                                      label=f"d/dt (A^2/2 - 2 d^2 kappa(b)) = 0 along (6) ({lab})"))
    steps = [Fraction(n) for n in (4, 8, 16, 32, 64)]
    for A0, dd in ((Fraction(1), 10), (Fraction(2), 50), (Fraction(1), 200)):
        parts.append(engines.growth(steps, _rk4_drift_ratio(A0, dd), ctx,
                                    label=f"RK4 relative drift / (h d^2)^4 bounded as h -> 0 (d={dd}, A0={A0})",
                                    family="N = 4..64 RK4 steps over t in [0, 8 pi/d^2]"))
    return all_of(parts)


LEMMA3 = Claim(
    id="ahn.lemma3",
    title="Conserved quantity of the mean-model gradient flow",
    source="Lemma 3 (Sec. 3.2), proof in App. E.1",
    statement=r"with $\kappa(b):=\int_0^bg/g'$, the quantity $\frac12A^2-2d^2\kappa(b)$ is conserved along (6)",
    kind=Kind.IDENTITY,
    hypotheses="gradient flow (6), any ell (symbolic), g of Lemma 2; numerically (d, A0) in "
    "{(10,1), (50,2), (200,1)}",
    check=_check_lemma3,
    depends_on=("ahn.lemma2",),
)


# ------------------------------------------------------------------ ahn.mm_gf_bias


def _check_gf_bias(ctx: Context) -> Outcome:
    parts = []
    # (a) kappa(b_inf) = -A0^2/(4 d^2) from the conservation law with A_inf = 0, b_0 = 0
    K, A0s = sp.symbols("K A0", real=True)
    Q = lambda a_, k_: a_**2 / 2 - 2 * d**2 * k_  # noqa: E731
    sol = sp.solve(sp.Eq(Q(A0s, 0), Q(0, K)), K)[0]
    parts.append(engines.identity(sol, -A0s**2 / (4 * d**2), ctx,
                                  label="Q(A0, kappa(0)=0) = Q(0, kappa(b_inf)) gives kappa(b_inf) = -A0^2/(4d^2)"))

    # (b) the GD limit tends to that root as eta -> 0 (O(eta) discretisation error)
    ratios = [Fraction(1, 2), Fraction(1, 10), Fraction(1, 50), Fraction(1, 250), Fraction(1, 1250)]
    if ctx.budget.name == "quick":
        ratios = ratios[:4]
    for A0, dd in ((Fraction(1), 50), (Fraction(3), 200)):
        pred = {}

        def ratio(p: Fraction, dps: int, A0=A0, dd=dd, pred=pred):
            if dps not in pred:
                pred[dps] = N.gf_limit_bias(A0, dd)
            run = N.gd_run(A0, dd, mpf_of(p) * N.eta_c(dd), 10**7, record=False)
            if not run.converged:
                return None
            return abs(run.b_final - pred[dps]) / abs(pred[dps]) / mpf_of(p)

        parts.append(engines.growth(ratios, ratio, ctx,
                                    label=f"|b_MM(eta) - b_GF| / |b_GF| / (eta/eta_c) bounded as eta -> 0 "
                                    f"(d={dd}, A0={A0}; b_GF from kappa(b) = -A0^2/(4d^2))",
                                    family="eta/eta_c = 1/2 .. 1/1250"))

    # (c) b_GF = -Theta(1/d^2): |b_GF| d^2 bounded above and below along d
    dims = [Fraction(x) for x in (10, 30, 100, 300, 1000, 3000, 10000)]
    for A0 in (Fraction(1), Fraction(5)):
        parts.append(engines.growth(dims, lambda p, dps, A0=A0: abs(N.gf_limit_bias(A0, int(p))) * p**2, ctx,
                                    label=f"|b_GF| d^2 bounded (A0={A0})", family="d = 10 .. 1e4"))
        parts.append(engines.growth(dims, lambda p, dps, A0=A0: 1 / (abs(N.gf_limit_bias(A0, int(p))) * p**2),
                                    ctx, label=f"1/(|b_GF| d^2) bounded (A0={A0})", family="d = 10 .. 1e4"))

    # (d) c0 b <= kappa(b) <= c1 b on [-1, 0] with c0 = max g/Phi = g(0)/Phi(0), c1 = min = g(-1)/Phi(-1)
    def slack(inst, dps):
        x = mpf_of(inst["b"])
        c0 = N.g(0) / N.gprime(0)
        c1 = N.g(-1) / N.gprime(-1)
        k = N.kappa(x)
        return min(k - c0 * x, c1 * x - k) / abs(x)

    def sample(rng, i):
        edges = [Fraction(-1), Fraction(-1, 10**6), Fraction(-1, 2)]
        return {"b": edges[i] if i < len(edges) else samplers.uniform(rng, -1, 0, open_lo=False)}

    parts.append(engines.sampled(slack, sample, ctx, label="c0 b <= kappa(b) <= c1 b on [-1, 0), "
                                 "c0 = g(0)/Phi(0) ~ 0.798, c1 = g(-1)/Phi(-1) ~ 0.525",
                                 method="mpmath quadrature"))
    return all_of(parts)


MM_GF_BIAS = Claim(
    id="ahn.mm_gf_bias",
    title="Gradient-flow limiting bias",
    source="Sec. 3.2, paragraph after Lemma 3",
    statement=r"GF (6) from $(A_0,0)$ with $A_t\to0$: $\kappa(b^{\rm GF}_\infty)=-\frac{A_0^2}{4d^2}$, hence "
    r"$b^{\rm GF}_\infty=-\Theta(1/d^2)$, since there are $c_0,c_1>0$ with $c_0b\le\kappa(b)\le c_1b$ on $[-1,0]$. "
    r"Measurable forms: the mean-model GD limit tends to the root of $\kappa(b)=-A_0^2/(4d^2)$ with error "
    r"$O(\eta)$; $|b^{\rm GF}_\infty|d^2$ and its inverse stay bounded for $d=10\ldots10^4$.",
    kind=Kind.ASYMPTOTIC,
    hypotheses="A0 in {1, 3, 5}, d = 10 .. 1e4; GF limit approached by GD with eta/eta_c -> 0",
    check=_check_gf_bias,
    depends_on=("ahn.lemma3",),
)


# ------------------------------------------------------------------ ahn.mm_threshold


def _check_threshold(ctx: Context) -> Outcome:
    x = sp.Symbol("x", positive=True)
    lf = S.linear_factor()
    G0 = S.G(b)
    ell2 = sp.diff(S.ell_sym(s), s, 2).subs(s, 0)
    parts = [
        engines.identity(ell2, sp.Rational(1, 4), ctx, label="ell_sym''(0) = 1/4"),
        engines.identity(2 * d**2 * eta * (A * G0 / 4) * G0, eta * d**2 / 2 * A * G0**2, ctx,
                         label="2 d^2 eta (1/4)(A g) g = (eta d^2/2) A g^2"),
        engines.identity(lf, 1 - eta * d**2 / 2 * G0**2, ctx,
                         label="dA_{t+1}/dA_t at A_t = 0 (derived from (5)) = 1 - eta d^2 g^2/2"),
        engines.identity((1 - x) + 1, 2 - x, ctx, label="factor 1 - x < -1 iff x > 2 (x = eta d^2 g^2/2)"),
        engines.identity(d**2 * S.g_closed(sp.Integer(0)) ** 2 / 2, d**2 / (4 * sp.pi), ctx,
                         label="d^2 g(0)^2 / 2 = d^2/(4 pi)"),
    ]
    sol = sp.solve(sp.Eq(d**2 / (4 * sp.pi), 2 / eta), eta)
    parts.append(engines.identity(sol[0] if len(sol) == 1 else sp.nan, 8 * sp.pi / d**2, ctx,
                                  label="solve d^2/(4 pi) = 2/eta: eta = 8 pi/d^2 (unique positive root)"))
    return all_of(parts)


MM_THRESHOLD = Claim(
    id="ahn.mm_threshold",
    title="Linearisation and the critical step size 8 pi/d^2",
    source="Sec. 3.2, paragraph before (i)/(ii)",
    statement=r"with $\ell''_{\rm sym}(0)=1/4$: $A_{t_0+1}\approx A_{t_0}(1-\frac{\eta d^2}2g(b_{t_0})^2)$; bouncing iff "
    r"$\frac12d^2g(b_{t_0})^2>2/\eta$; at $b=0$, $d^2g(0)^2/2=d^2/(4\pi)$, so the threshold is $\eta=8\pi/d^2$",
    kind=Kind.IDENTITY,
    hypotheses="eta, d > 0; g abstract for the linearisation, Lemma-2 g at b = 0",
    check=_check_threshold,
    depends_on=("ahn.lemma2",),
)


# ------------------------------------------------------------------ EoS bound helpers


def _eos_slack(horizon: int, bound_of=None, strict_label: str = ""):
    """(bound - b_inf)/|bound|: uses b_T when b_T <= bound (b is non-increasing, so b_inf <= b_T);
    when b_T > bound, only a converged run (b_inf >= b_T - remaining) can show a violation;
    an unconverged run above the bound is not applicable (undecided within the horizon)."""

    def slack(inst, dps):
        dd = int(inst["d"])
        eta_ = mpf_of(inst["ratio"]) * N.eta_c(dd)
        bound = bound_of(inst) if bound_of else N.eos_bound(eta_, dd)
        run = N.gd_run(mpf_of(inst["A0"]), dd, eta_, horizon, record=False)
        if run.b_final <= bound:
            return (bound - run.b_final) / abs(bound)
        if not run.converged:
            return None
        return (bound - (run.b_final - run.remaining)) / abs(bound)

    return slack


def _eos_describe(horizon: int):
    def describe(inst, dps):
        dd = int(inst["d"])
        eta_ = mpf_of(inst["ratio"]) * N.eta_c(dd)
        run = N.gd_run(mpf_of(inst["A0"]), dd, eta_, horizon, record=False)
        return {"b_T": run.b_final, "bound g^-1(2/sqrt(eta d^2))": N.eos_bound(eta_, dd), "steps": run.steps,
                "converged": str(run.converged)}

    return describe


# ------------------------------------------------------------------ ahn.mm_regimes


def _bGF_ratio(ratio: Fraction, A0: Fraction):
    def f(p: Fraction, dps: int):
        dd = int(p)
        run = N.gd_run(A0, dd, mpf_of(ratio) * N.eta_c(dd), 10**6, record=False)
        return abs(run.b_final) * p**2 if run.converged else None

    return f


def _check_regimes(ctx: Context) -> Outcome:
    parts = []
    dims = [Fraction(x) for x in (25, 50, 100, 200, 400, 800)]
    for r in (Fraction(1, 2), Fraction(9, 10)):
        out = engines.growth(dims, _bGF_ratio(r, Fraction(1)), ctx,
                             label=f"(i) |b_MM| d^2 bounded along d (eta = {r} eta_c, A0 = 1)", family="d = 25 .. 800")
        with mp.workdps(ctx.dps):
            out.details["b_MM/b_GF at d=200"] = mp.nstr(
                N.gd_run(1, 200, mpf_of(r) * N.eta_c(200), 10**6, record=False).b_final / N.gf_limit_bias(1, 200), 8)
        parts.append(out)
    horizon = ctx.budget.max_steps
    out = engines.sampled(_eos_slack(horizon), _mm_instance_sampler(1.1, 4), ctx, strict=True,
                          samples=max(6, ctx.budget.samples // 2),
                          label=f"(ii) b_inf < g^-1(2/sqrt(eta d^2)) for eta/eta_c in (1.1, 4), horizon {horizon}",
                          describe=_eos_describe(horizon), method="mpmath mean-model GD")
    parts.append(_with_cex_plot(out, ctx, "mm_regimes_cex",
                                lambda i: (i["A0"], int(i["d"]), i["ratio"], horizon, None, "mm_regimes (ii)")))
    # (iii) the example eta = 10 pi/d^2: g^-1(2/sqrt(10 pi)) < -0.087  <=>  g(-0.087) > 2/sqrt(10 pi)
    parts.append(ball_inequality(S.g_closed(sp.Rational(-87, 1000)) - 2 / sp.sqrt(10 * sp.pi), ctx,
                                 strict=True, label="(iii) g(-0.087) > 2/sqrt(10 pi)"))
    with mp.workdps(40):
        parts[-1].details["g^-1(2/sqrt(10 pi)) (40 digits)"] = mp.nstr(N.g_inverse(2 / mp.sqrt(10 * mp.pi)), 40)

    def ex_sample(rng, i):
        grid = [(dd, a0) for dd in (50, 200) for a0 in (Fraction(3, 10), Fraction(1), Fraction(3))]
        dd, a0 = grid[i % len(grid)]
        return {"d": Fraction(dd), "A0": a0, "ratio": Fraction(5, 4)}

    parts.append(engines.sampled(_eos_slack(horizon, bound_of=lambda inst: mp.mpf("-0.087")), ex_sample, ctx,
                                 strict=True, samples=6, describe=_eos_describe(horizon),
                                 label="(iii) simulated b_inf < -0.087 at eta = 10 pi/d^2, d in {50, 200}, "
                                 "A0 in {0.3, 1, 3}", method="mpmath mean-model GD"))
    out = all_of(parts)
    out.details[NOT_ENCODED] = [
        "(i) 'b_MM ~ b_GF': only reported (b_MM/b_GF at d = 200 in the (i) parts' details), not judged here; "
        "the comparison |b_MM(eta) - b_GF| / |b_GF| is ahn.mm_gf_bias (as eta -> 0)",
    ]
    return out


MM_REGIMES = Claim(
    id="ahn.mm_regimes",
    title="Two regimes of the mean model (heuristic)",
    source="Sec. 3.2 items (i), (ii)",
    statement=r"(i) $\eta<8\pi/d^2$: $b^{\rm MM}_\infty\approx b^{\rm GF}_\infty\approx0$; (ii) $\eta>8\pi/d^2$: "
    r"$\frac12d^2g(b^{\rm MM}_\infty)^2<2/\eta$, i.e. $b^{\rm MM}_\infty<g^{-1}(2/\sqrt{\eta d^2})$; for "
    r"$\eta=10\pi/d^2$, $b^{\rm MM}_\infty<-0.087$. Measurable form of (i): $|b^{\rm MM}_\infty|d^2$ bounded "
    r"along $d=25\ldots800$ at $\eta/\eta_c\in\{0.5,0.9\}$, $A_0=1$.",
    kind=Kind.QUALITATIVE,
    hypotheses="mean model (5) from (A0, 0); (ii) sampled over d in {20, 50, 200}, A0 in +-[0.05, 20], "
    "eta/eta_c in (1.1, 4); limits from runs stopped when the remaining drift of b is < 1e-(dps-8) eta",
    check=_check_regimes,
    depends_on=("ahn.mm_threshold", "ahn.mm_gf_bias"),
)


# ------------------------------------------------------------------ ahn.mm_init


def _init_lower_family(p: Fraction, dps: int):
    """a- = 1/d, a+ = -1/d + 1/d^2 (both Theta(1/d), sum != 0): returns 1/|A0| = d."""
    dd = p
    am, ap = 1 / dd, -1 / dd + 1 / dd**2
    A0 = dd * (am + ap)
    return 1 / abs(mpf_of(A0))


def _check_init_printed(ctx: Context) -> Outcome:
    def slack(inst, dps):  # upper half: |A0| <= d (|a-| + |a+|) <= 2 c_hi
        dd = inst["d"]
        A0 = dd * (inst["am"] + inst["ap"])
        return mpf_of(2 * 2 - abs(A0)) / 4

    def sample(rng, i):
        dd = Fraction(samplers.dimension(rng, i, (1, 10, 200, 10**4)))
        pick = lambda: samplers.uniform(rng, 0.5, 2, False, False) * rng.choice([-1, 1]) / dd  # noqa: E731
        return {"d": dd, "am": pick(), "ap": pick()}

    upper = engines.sampled(slack, sample, ctx, label="A0 = O(1): |a+-| in [1/(2d), 2/d] gives |A0| <= 4")
    dims = [Fraction(10) ** k for k in range(1, 6)]
    lower = engines.growth(dims, _init_lower_family, ctx,
                           label="A0 = Omega(1): 1/|A0| along a- = 1/d, a+ = -1/d + 1/d^2",
                           family="d = 10 .. 1e5 (a+- = Theta(1/d), a- + a+ = 1/d^2 != 0)",
                           inputs_of=lambda p: {"d": str(p), "a-": f"1/{p}", "a+": f"-1/{p} + 1/{p}^2",
                                                "A0": f"1/{p}"})
    return all_of([upper, lower])


def _fig1_init_exact(ctx: Context) -> Outcome:
    """Fig. 1 init, exactly: a+- ~ N(0, 1/(2d)) independent, so A0/sqrt(d) = sqrt(d)(a- + a+) has the
    characteristic function phi_{a-}(sqrt(d) t) phi_{a+}(sqrt(d) t) (independence), which SymPy reduces to
    exp(-t^2/2) for every d > 0: A0/sqrt(d) ~ N(0, 1) whatever d, so |A0| = sqrt(d) |Z| with a law free
    of d (median sqrt(2) erfinv(1/2) = 0.6745 sqrt(d)): |A0| = Theta(sqrt d), both bounds with constants
    independent of d.  (Replaces a Monte-Carlo median along d = 10 .. 1e5.)"""
    from sympy.stats import Normal, characteristic_function

    d = sp.Symbol("d", positive=True)
    t = sp.Symbol("t", real=True)
    a_minus = Normal("a_minus", 0, sp.sqrt(1 / (2 * d)))
    a_plus = Normal("a_plus", 0, sp.sqrt(1 / (2 * d)))
    u = sp.sqrt(d) * t
    derived = characteristic_function(a_minus)(u) * characteristic_function(a_plus)(u)
    return engines.identity(derived, sp.exp(-t**2 / 2), ctx,
                            label="Fig. 1 init (a+- ~ N(0, 1/(2d))): A0/sqrt(d) ~ N(0, 1) for every d (characteristic "
                            "function), so median|A0| = sqrt(2) erfinv(1/2) sqrt(d) = 0.6745 sqrt(d): A0 = Theta(sqrt d), "
                            "not Theta(1)")


def _check_init_reading(ctx: Context) -> Outcome:
    dims = [Fraction(10) ** k for k in range(1, 6)]
    parts = [
        engines.growth(dims, lambda p, dps: 1 / abs(mpf_of(p * (2 / p - Fraction(1, 2) / p))), ctx,
                       label="1/|A0| along a- = 2/d, a+ = -1/(2d) (|a- + a+| = (3/2)/d): bounded",
                       family="d = 10 .. 1e5"),
        _fig1_init_exact(ctx),
    ]
    return all_of(parts)


MM_INIT = Claim(
    id="ahn.mm_init",
    title="Initialisation scale",
    source="Sec. 3.2 first sentence; compare Fig. 1 caption",
    statement=r"initialising with $a_0^\pm=\Theta(1/d)$, $a_0^-+a_0^+\ne0$, $b_0=0$ implies $A_0=\Theta(1)$",
    kind=Kind.ASYMPTOTIC,
    hypotheses="a-, a+ of order 1/d (constants in [1/2, 2]), a- + a+ != 0; families along d = 10 .. 1e5",
    check=_check_init_printed,
    reading=r"with $|a_0^-+a_0^+|=\Theta(1/d)$ (no cancellation) $A_0=\Theta(1)$; the Fig. 1 initialisation "
    r"$a^\pm\sim N(0,1/(2d))$ (variance) instead gives $A_0\sim N(0,d)$, i.e. $|A_0|=\Theta(\sqrt d)$",
    reading_check=_check_init_reading,
)


# ------------------------------------------------------------------ ahn.theorem3


def _thm3_gamma(delta, A0):
    return min(delta, 8 - delta, (8 - delta) / abs(A0)) / 200


def _thm3_sampler(rng, i):
    deltas = (Fraction(1), Fraction(4), Fraction(7))
    a0s = (Fraction(1, 2), Fraction(1), Fraction(3), Fraction(-1))
    if i < 12:
        delta, A0 = deltas[i % 3], a0s[(i // 3) % 4]
    else:
        delta = samplers.uniform(rng, 0, 8)
        A0 = samplers.log_uniform(rng, 0.05, 20) * rng.choice([-1, 1])
    gam = _thm3_gamma(delta, A0)
    dmin = math.ceil(math.sqrt(float((8 - delta) * Fraction(355, 113) * abs(A0) / gam)) * 1.0001)
    dd = Fraction(dmin * (1, 2, 3)[i % 3])
    return {"delta": delta, "A0": A0, "d": dd}


def _thm3_run(inst, horizon):
    delta, A0, dd = inst["delta"], inst["A0"], int(inst["d"])
    eta_ = (8 - mpf_of(delta)) * mp.pi / dd**2
    gam = mpf_of(_thm3_gamma(delta, A0))
    if eta_ > gam / abs(mpf_of(A0)):
        return None
    return N.gd_run(mpf_of(A0), dd, eta_, horizon), eta_, gam


def _thm3_slack(which: str, horizon: int):
    def slack(inst, dps):
        got = _thm3_run(inst, horizon)
        if got is None:
            return None
        run, eta_, gam = got
        A0 = abs(mpf_of(inst["A0"]))
        scale = eta_ * A0 / gam
        if which == "upper":  # 0 >= b_inf (b_inf <= b_T)
            return -run.b_final / scale
        if which == "lower":  # b_inf >= -(eta/gamma)|A0|
            if not run.converged:
                return None
            return 1 + (run.b_final - run.remaining) / scale
        if which == "exp":  # |A_t| <= |A0| e^{-gamma t}
            return min((A0 * mp.exp(-gam * t) - abs(a)) / (A0 * mp.exp(-gam * t)) for t, a in enumerate(run.A))
        # "geom": |A_{t+1}| <= (1 - gamma)|A_t| (the induction step of the proof)
        return min(((1 - gam) * abs(a) - abs(a1)) / abs(a) for a, a1 in zip(run.A, run.A[1:], strict=False)
                   if a != 0)

    return slack


def _check_theorem3(ctx: Context) -> Outcome:
    horizon = min(ctx.budget.max_steps, 5000)
    n = max(12, ctx.budget.samples // 2)
    labels = {"upper": "0 >= b_inf", "lower": "b_inf >= -(eta/gamma)|A0|", "exp": "|A_t| <= |A0| e^{-gamma t}",
              "geom": "proof step |A_{t+1}| <= (1-gamma)|A_t|"}
    parts = []
    for which, lab in labels.items():
        out = engines.sampled(_thm3_slack(which, horizon), _thm3_sampler, ctx, samples=n, label=lab,
                              method="mpmath mean-model GD")
        parts.append(_with_cex_plot(out, ctx, f"theorem3_{which}_cex", lambda i, w=which: (
            i["A0"], int(i["d"]), (8 - i["delta"]) / 8, horizon, None, f"theorem3 {w}")))
    # proof facts (E.2 (ii)-(iv)) and numeric constants
    lp = S.ell_sym_prime_tanh(s)

    def s_sample(lo, hi):
        def f(rng, i):
            edges = [Fraction(lo), Fraction(hi), Fraction(1, 10**6)]
            x = edges[i] if i < 3 else samplers.uniform(rng, lo, hi)
            return {s: x * (1 if i % 2 == 0 else -1)}
        return f

    facts = [
        engines.identity(sp.diff(S.ell_sym(s), s), sp.Rational(1, 2) * (sp.exp(s) - 1) / (sp.exp(s) + 1), ctx,
                         label="(ii) ell'(s) = (1/2)(e^s - 1)/(e^s + 1)"),
        engines.identity(sp.diff(S.ell_sym(s), s, 3), -sp.exp(s) * (sp.exp(s) - 1) / (sp.exp(s) + 1) ** 3, ctx,
                         label="(iv) ell'''(s) = -e^s (e^s - 1)/(e^s + 1)^3"),
        ball_inequality(sp.Rational(1, 4) - lp**2, ctx, strict=False, box={s: (-60, 60)}, sample=s_sample(0, 60),
                        label="(ii) |ell'| <= 1/2"),
        ball_inequality(lp / s - sp.Rational(1, 8), ctx, strict=False, box={s: (-2, 2)},
                        admissible=lambda inst: inst["s"] != 0, sample=s_sample(Fraction(1, 10**6), 2),
                        label="(ii) ell'(s)/s >= 1/8 for 0 < |s| <= 2"),
        ball_inequality(lp / s - 1 / (4 * sp.Abs(s)), ctx, strict=False, box={s: (-60, 60)},
                        admissible=lambda inst: abs(inst["s"]) > 2, sample=s_sample(Fraction(20001, 10000), 60),
                        label="(ii) ell'(s)/s >= (1/8)(2/|s|) for 2 < |s| <= 60"),
        ball_inequality(s**2 / 16 - lp**2, ctx, strict=False, box={s: (-60, 60)}, sample=s_sample(0, 60),
                        label="(iv) |ell'(s)| <= |s|/4"),
        ball_inequality(S.g_closed(sp.Integer(-1)) - sp.Rational(8, 100), ctx, strict=True, label="g(-1) > 0.08"),
        ball_inequality(sp.pi / 4 * sp.Rational(8, 100) ** 2 - sp.Rational(1, 200), ctx, strict=False,
                        label="(8-delta) pi/4 * 0.08^2 >= (8-delta)/200"),
        ball_inequality(sp.pi / 2 * sp.Rational(8, 100) - sp.Rational(1, 200), ctx, strict=False,
                        label="(8-delta) pi/2 * 0.08/A0 >= (8-delta)/(200 A0)"),
    ]
    parts.append(all_of(facts).named("proof facts E.2"))
    return all_of(parts)


THEOREM3 = Claim(
    id="ahn.theorem3",
    title="Mean model, gradient-flow regime",
    source="Theorem 3 (Sec. 3.3), proof App. E.2",
    statement=r"(5) from $(A_0,0)$, $\eta=\frac{(8-\delta)\pi}{d^2}$, $\delta>0$, $\gamma:=\frac1{200}\min\{\delta,8-\delta,"
    r"\frac{8-\delta}{|A_0|}\}$: if $\eta\le\gamma/|A_0|$ then $0\ge b^{\rm MM}_\infty\ge-(\eta/\gamma)|A_0|$; the proof "
    r"shows $|A_t|\le|A_0|e^{-\gamma t}$ via $|A_{t+1}|\le(1-\gamma)|A_t|$",
    kind=Kind.INEQUALITY,
    hypotheses="delta in (0, 8), A0 != 0 (both signs, |A0| in [0.05, 20]), integer d with eta <= gamma/|A0| "
    "(d = 1, 2, 3 times the smallest such d)",
    check=_check_theorem3,
    depends_on=("ahn.lemma2", "ahn.mm_b_monotone"),
)


# ------------------------------------------------------------------ ahn.theorem4


def _thm4_sampler(rng, i):
    deltas = (Fraction(1, 2), Fraction(2), Fraction(4), Fraction(8))
    dims = (20, 50, 200)
    a0s = (Fraction(3, 10), Fraction(1), Fraction(3), Fraction(-1))
    if i < 12:
        delta, dd, A0 = deltas[i % 4], dims[i % 3], a0s[i % 4 if i < 4 else (i // 4) % 4]
    else:
        delta = samplers.uniform(rng, 0.25, 16)
        dd = rng.choice(dims)
        A0 = samplers.log_uniform(rng, 0.05, 20) * rng.choice([-1, 1])
    return {"delta": delta, "d": Fraction(dd), "A0": A0, "ratio": (8 + delta) / 8}


def _check_theorem4(ctx: Context) -> Outcome:
    horizon = ctx.budget.max_steps
    dl = sp.Symbol("delta", positive=True)

    def bound_of(inst):
        return N.g_inverse(2 / mp.sqrt((8 + mpf_of(inst["delta"])) * mp.pi))

    def hyp_slack(inst, dps):
        dd = int(inst["d"])
        eta_ = mpf_of(inst["ratio"]) * N.eta_c(dd)
        run = N.gd_run(mpf_of(inst["A0"]), dd, eta_, horizon)
        # hypothesis of Theorem 4: A_t != 0 whenever d^2 g(b_t)^2 / 2 > 2/eta (t >= 1)
        if any(a == 0 and dd**2 * N.g(bb) ** 2 / 2 > 2 / eta_ for a, bb in zip(run.A[1:], run.b[1:], strict=True)):
            return None
        bound = bound_of(inst)
        if run.b_final <= bound:
            return (bound - run.b_final) / abs(bound)
        if not run.converged:
            return None
        return (bound - (run.b_final - run.remaining)) / abs(bound)

    main = engines.sampled(hyp_slack, _thm4_sampler, ctx, samples=max(12, ctx.budget.samples // 2),
                           describe=_eos_describe(horizon), method="mpmath mean-model GD",
                           label=f"b_inf <= g^-1(2/sqrt((8+delta) pi)), horizon {horizon} steps")
    main = _with_cex_plot(main, ctx, "theorem4_cex", lambda i: (
        i["A0"], int(i["d"]), i["ratio"], horizon, float(bound_of(i)), "theorem4"))
    # gap (bound - b_inf) d^2 for the record
    with mp.workdps(ctx.dps):
        gaps = {}
        for delta in (Fraction(1, 2), Fraction(2), Fraction(8)):
            for dd in (50, 200):
                run = N.gd_run(1, dd, (8 + mpf_of(delta)) / 8 * N.eta_c(dd), horizon, record=False)
                bnd = N.g_inverse(2 / mp.sqrt((8 + mpf_of(delta)) * mp.pi))
                gaps[f"delta={delta}, d={dd}, A0=1"] = (f"b_T={mp.nstr(run.b_final, 8)}, bound={mp.nstr(bnd, 8)}, "
                                                         f"(bound-b_T) d^2={mp.nstr((bnd - run.b_final) * dd**2, 5)}, "
                                                         f"converged={run.converged}")
    main.details["gap_record"] = gaps
    negative = ball_inequality(S.g_closed(sp.Integer(0)) - 2 / sp.sqrt((8 + dl) * sp.pi), ctx, strict=True,
                               box={dl: (Fraction(1, 10**6), 1000)},
                               sample=lambda rng, i: {dl: [Fraction(1, 10**6), Fraction(1000), Fraction(2)][i]
                                                      if i < 3 else samplers.log_uniform(rng, 1e-6, 1000)},
                               label="bound < 0 for every delta > 0: 2/sqrt((8+delta) pi) < g(0) (delta in [1e-6, 1e3])")
    example = ball_inequality(S.g_closed(sp.Rational(-87, 1000)) - 2 / sp.sqrt(10 * sp.pi), ctx, strict=True,
                              label="delta = 2: g^-1(2/sqrt(10 pi)) < -0.087")
    with mp.workdps(30):
        example.details["g^-1(2/sqrt(10 pi)) (15 digits)"] = mp.nstr(N.g_inverse(2 / mp.sqrt(10 * mp.pi)), 15)
    return all_of([main, negative, example])


THEOREM4 = Claim(
    id="ahn.theorem4",
    title="Mean model, EoS regime",
    source="Theorem 4 (Sec. 3.3), proof App. E.3",
    statement=r"(5) from $(A_0,0)$, $\eta=\frac{(8+\delta)\pi}{d^2}$, $\delta>0$; if $A_t\ne0$ for all $t\ge1$ with "
    r"$\frac12d^2g(b_t)^2>2/\eta$, then $b^{\rm MM}_\infty\le g^{-1}(2/\sqrt{(8+\delta)\pi})\le-\Omega_\delta(1)$; for "
    r"$\eta=10\pi/d^2$, $b^{\rm MM}_\infty<-0.087$",
    kind=Kind.INEQUALITY,
    hypotheses="delta > 0 (sampled in [1/4, 16] plus 1/2, 2, 4, 8), d in {20, 50, 200}, A0 in +-[0.05, 20]; "
    "runs of budget.max_steps steps (a run still above the bound and not converged is not applicable)",
    check=_check_theorem4,
    depends_on=("ahn.lemma2", "ahn.mm_threshold", "ahn.mm_b_monotone"),
)


CLAIMS = [MM_DERIVATION, LEMMA2, MM_B_MONOTONE, LEMMA3, MM_GF_BIAS, MM_THRESHOLD, MM_REGIMES, MM_INIT,
          THEOREM3, THEOREM4]
