"""bw App. F (catalogue section 8): case-by-case rates, eqs. (66)-(79).

One-step claims are pointwise statements about a state (eps, lam, Phi) and a step size eta;
the next residual is eps(k+1) = eps(1 - eta lam + eta^2 eps (eps + Phi)) (eq. (6), proved exact
in every d by ``bw.eq6``).  States are built from explicit vectors a, b in R^d (d = 1, 2, 3)
with exact rational components, so every sampled (eps, lam) is reachable (lam >= 2|a.b|, with
the Cauchy-Schwarz edge a || b included).  Trajectory claims use :func:`numeric.shallow.gd_run`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import mpmath as mp
import numpy as np
import sympy as sp

from numeric import ball, samplers
from numeric.shallow import Run, gd_run, theorem_cap

from ... import engines
from ...claim import NOT_ENCODED, Claim, Context, Kind, Outcome, all_of
from . import plots
from .common import R, eps, eta, init_instance, lam, mpf, run_of

Phi = R.Phi
delta = sp.Symbol("delta", positive=True)
u_sym = sp.Symbol("u", real=True)  # a.b = eps + Phi (reparametrisation of the reachable set)
r_sym = sp.Symbol("r", real=True)  # lam^2 = 4 (a.b)^2 + r^2 (r = Q in d = 1)
c_sym = sp.Symbol("c", positive=True)

SQRT2_LOW = Fraction(1414213562373095048801688724, 10**27)  # < sqrt(2)
assert SQRT2_LOW**2 < 2

Instance = dict[str, Any]


# ====================================================================== shared helpers


def _mp(x: Fraction | int) -> mp.mpf:
    return mpf(Fraction(x))


def _ab_lam(a: Sequence[Fraction], b: Sequence[Fraction]) -> tuple[Fraction, Fraction]:
    return sum((x * y for x, y in zip(a, b, strict=True)), Fraction(0)), sum(
        (x * x for x in a), Fraction(0)) + sum((y * y for y in b), Fraction(0))


def _vectors(rng: random.Random, d: int, p: Fraction, sigma: float, spread: float) -> tuple[tuple, tuple]:
    """Exact vectors with a.b = p.  ``sigma`` >= 1 controls the imbalance of the first
    coordinate (sigma = 1: |a_1| ~ |b_1|, i.e. lam ~ 2|p|, the Cauchy-Schwarz edge); ``spread``
    scales the extra coordinates (d > 1)."""
    scale = math.sqrt(abs(float(p))) if p != 0 else 1.0
    s = samplers.rational(scale * sigma, 10**9)
    if s == 0:
        s = Fraction(1, 10**9)
    a_extra = [samplers.rational(rng.gauss(0, 1) * spread * scale, 10**9) for _ in range(d - 1)]
    b_extra = [samplers.rational(rng.gauss(0, 1) * spread * scale, 10**9) for _ in range(d - 1)]
    rest = sum((x * y for x, y in zip(a_extra, b_extra, strict=True)), Fraction(0))
    b1 = (p - rest) / s
    return (s, *a_extra), (b1, *b_extra)


def _state_sampler(eps_over_phi: Callable[[random.Random, int], Fraction]) -> Callable[[random.Random, int], Instance]:
    """Vectors (a, b) and Phi with a prescribed eps/Phi; d, imbalance and scale cycle over edges."""

    def draw(rng: random.Random, i: int) -> Instance:
        d = samplers.dimension(rng, i)
        Phi_ = samplers.log_uniform(rng, 1e-3, 1e3) if i % 5 else Fraction(1)
        e = eps_over_phi(rng, i) * Phi_
        p = Phi_ + e
        sigma = 1.0 if i % 4 == 0 else math.exp(rng.uniform(0, math.log(30)))
        spread = 0.0 if (d == 1 or i % 3 == 0) else math.exp(rng.uniform(math.log(1e-3), math.log(3)))
        a, b = _vectors(rng, d, p, sigma, spread)
        return {"a": a, "b": b, "Phi": Phi_}

    return draw


def _reduced_point(inst: Mapping[str, Any]) -> dict[sp.Symbol, Fraction]:
    ab, l_ = _ab_lam(inst["a"], inst["b"])
    return {eps: ab - inst["Phi"], lam: l_, Phi: inst["Phi"]}


def _one_step(
    ctx: Context,
    expr: sp.Expr,
    sampler: Callable[[random.Random, int], Instance],
    admissible: Callable[[Mapping[sp.Symbol, Fraction]], bool],
    label: str,
    params: Sequence[sp.Symbol] = (),
    strict: bool = False,
    samples: int | None = None,
    search: engines.Search | None = None,
) -> Outcome:
    """``expr >= 0`` (``> 0`` if strict) at the reachable state of each sampled instance.

    ``expr`` is a SymPy expression in eps, lam, Phi and ``params`` (read from the instance by
    name); ``admissible`` encodes the hypotheses exactly (False -> not applicable).  Evaluated
    in mpmath at the working precision and certified in arb ball arithmetic.
    """
    syms = [eps, lam, Phi, *params]
    f = sp.lambdify(syms, expr, modules="mpmath")

    def point(inst: Mapping[str, Any]) -> dict[sp.Symbol, Fraction] | None:
        pt = _reduced_point(inst)
        for p in params:
            pt[p] = inst[str(p)]
        return pt if admissible(pt) else None

    def slack(inst: Mapping[str, Any], dps: int):
        pt = point(inst)
        if pt is None:
            return None
        return f(*[_mp(pt[s]) for s in syms])

    def certify(inst: Mapping[str, Any]):
        pt = point(inst)
        return None if pt is None else ball.evaluate(expr, pt)

    def describe(inst: Mapping[str, Any], dps: int) -> dict[str, Any]:
        pt = _reduced_point(inst)
        return {"eps": _mp(pt[eps]), "lam": _mp(pt[lam]), "eps/Phi": _mp(pt[eps] / pt[Phi]),
                "lam/(2|a.b|)": _mp(pt[lam] / (2 * abs(pt[eps] + pt[Phi]))) if pt[eps] + pt[Phi] else "inf"}

    return engines.sampled(slack, sampler, ctx, label=label, strict=strict, samples=samples, search=search,
                           certify=certify, describe=describe, method="one-step, exact reachable states")


def _state_search(eps_rel: tuple[float, float], param: str | None = None,
                  param_of: Callable[[float, Mapping[sp.Symbol, Fraction]], Fraction] | None = None,
                  pbounds: tuple[float, float] = (0.0, 1.0), log_eps: bool = False) -> engines.Search:
    """Search box over d = 1 states with Phi = 1 (every one-step claim here is invariant under
    the scale map of section 0): x = (eps/Phi or its log10, log10 sigma, parameter coordinate)."""

    def to_instance(x: np.ndarray) -> Instance | None:
        e = 10 ** float(x[0]) if log_eps else float(x[0])
        if not eps_rel[0] < (math.log10(e) if log_eps else e) < eps_rel[1]:
            return None
        p = 1 + samplers.rational(e, 10**12)
        if p == 0:
            return None
        a, b = _vectors(random.Random(0), 1, p, 10 ** float(x[1]), 0.0)
        inst: Instance = {"a": a, "b": b, "Phi": Fraction(1)}
        if param is not None and param_of is not None:
            inst[param] = param_of(float(x[2]), _reduced_point(inst))
        return inst

    bounds = [eps_rel, (0.0, 1.5)] + ([pbounds] if param is not None else [])
    return engines.Search(bounds, to_instance)


def _reachable_in_region(ctx: Context) -> Outcome:
    """Every vector state lies in the reduced region lam >= 2(eps + Phi): lam - 2 a.b = |a - b|^2
    (exact identity in d = 3; d = 1, 2 are the cases with zero components)."""
    a = sp.symbols("a1:4", real=True)
    b = sp.symbols("b1:4", real=True)
    lam_v = sum(x**2 for x in a) + sum(y**2 for y in b)
    ab = sum(x * y for x, y in zip(a, b, strict=True))
    return engines.identity(lam_v - 2 * ab, sum((x - y) ** 2 for x, y in zip(a, b, strict=True)), ctx,
                            label="reachability: lam - 2(eps + Phi) = |a|^2 + |b|^2 - 2 a.b = |a - b|^2 >= 0, so "
                            "every vector state lies in the reduced region",
                            sample=lambda rng: {s: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for s in (*a, *b)})


def _as_reduced(sampler: Callable[[random.Random, int], Instance], params: Sequence[sp.Symbol] = ()
                ) -> Callable[[random.Random, int], dict[sp.Symbol, Fraction]]:
    """A vector-state sampler seen as a sampler of reduced points (eps, lam, Phi, params)."""

    def draw(rng: random.Random, i: int) -> dict[sp.Symbol, Fraction]:
        inst = sampler(rng, i)
        return {**_reduced_point(inst), **{p: inst[str(p)] for p in params}}

    return draw


def _reach_sample(rng: random.Random, small: bool = False) -> dict[sp.Symbol, sp.Rational]:
    """An exact reachable reduced state (lam >= 2|eps + Phi|) for identity witnesses."""
    P = sp.Rational(rng.randint(1, 9), rng.randint(1, 4))
    e = sp.Rational(rng.choice([-1, 1]) * rng.randint(1, 9), rng.randint(10, 40) if small else rng.randint(1, 5))
    lo = 2 * abs(e + P)
    return {Phi: P, eps: e, lam: lo + sp.Rational(rng.randint(0, 20), rng.randint(1, 6))}


# ====================================================================== F.1: eqs. (66)-(68)


def _two_steps(h: sp.Expr) -> tuple[sp.Expr, sp.Expr, sp.Expr, sp.Expr]:
    """eps(k+1), lam(k+1), eps(k+2), lam(k+2) from the reduced recursion with step h."""
    e1 = R.eps_next.xreplace({eta: h})
    l1 = R.lam_next.xreplace({eta: h})
    e2 = R.eps_next.xreplace({eps: e1, lam: l1, eta: h})
    l2 = R.lam_next.xreplace({eps: e1, lam: l1, eta: h})
    return e1, l1, e2, l2


def _f1_eq66(ctx: Context) -> Outcome:
    h = 2 / lam
    e1 = R.eps_next.xreplace({eta: h})
    mid = -eps + 4 / lam**2 * eps**2 * (eps + Phi)
    parts = [engines.identity(e1, mid, ctx, label="(66) first line at eta = 2/lam (equality)",
                              sample=lambda rng: _reach_sample(rng))]
    # second line: |mid| <= (1 - 4 Phi eps/lam^2)|eps|  <=>  |lam^2 - 4 eps(eps+Phi)| <= lam^2 - 4 Phi eps
    # (divide by |eps| lam^{-2}); two polynomial inequalities.  On the reachable set lam^2 = 4u^2 + r^2
    # with u = a.b = eps + Phi and r real (r = Q in d = 1): an exact reparametrisation.
    A = lam**2 - 4 * Phi * eps
    B = lam**2 - 4 * eps * (eps + Phi)
    reach = {lam**2: 4 * u_sym**2 + r_sym**2}
    for name, g in (("A - B >= 0", A - B), ("A + B >= 0", A + B)):
        g_r = sp.expand(sp.expand(g).subs(reach).xreplace({eps: u_sym - Phi}))
        parts.append(engines.inequality(g_r, ctx, strict=False, label=f"(66) second line, {name} "
                                        "(reachable set: lam^2 = 4(a.b)^2 + r^2)"))
    # numerically on exact vector states with |eps| << Phi (the F.1 setting)
    slack = ((1 - 4 * Phi * eps / lam**2) * sp.Abs(eps) - sp.Abs(e1)) / sp.Abs(eps)

    def rel(rng: random.Random, i: int) -> Fraction:
        return (1 if i % 2 else -1) * samplers.log_uniform(rng, 1e-8, 1e-1)

    parts.append(_one_step(ctx, slack, _state_sampler(rel), lambda pt: pt[eps] != 0 and pt[Phi] > 0,
                           "(66) at eta = 2/lam on vector states, |eps|/Phi in [1e-8, 1e-1]",
                           search=_state_search((-0.1, 0.1))))
    return all_of(parts).named("(66)")


def _f1_eq67(ctx: Context) -> Outcome:
    _, _, e2, _ = _two_steps(2 / lam)
    series = sp.series(e2, eps, 0, 3).removeO()
    printed = (1 - 8 / lam**2 * Phi * eps) * eps  # |eps(k+2)| for eps > 0 small (eps(k+2) ~ eps(k))
    sym = engines.identity(sp.expand(series), sp.expand(printed), ctx,
                           label="(67) series of eps(k+2) to O(eps^3), eta = 2/lam(k) fixed",
                           sample=lambda rng: _reach_sample(rng, small=True))
    parts = [sym]
    f_e2 = sp.lambdify([eps, lam, Phi], e2, modules="mpmath")
    fits = {}
    for l_val in (Fraction(3), Fraction(10)):
        params = [Fraction(1, 10**k) for k in range(2, 9)][: max(5, ctx.budget.sweep_points)]

        def ratio(e_: Fraction, dps: int, l_val: Fraction = l_val):
            e, l_, P = _mp(e_), _mp(l_val), mp.mpf(1)
            return abs(abs(f_e2(e, l_, P)) - (1 - 8 * P * e / l_**2) * abs(e)) / abs(e) ** 3

        out = engines.growth(params, ratio, ctx, label=f"(67) O(eps^3) remainder, lam = {l_val}, Phi = 1",
                             family=f"eps = 1e-2 ... 1e-8 at lam = {l_val}, Phi = 1, eta = 2/lam",
                             inputs_of=lambda e_, l_val=l_val: {"eps": str(e_), "lam": str(l_val), "Phi": "1",
                                                                "eta": str(2 / l_val)})
        with mp.workdps(ctx.dps):
            coef = []
            for e_ in params:
                e, l_ = _mp(e_), _mp(l_val)
                coef.append(float((abs(f_e2(e, l_, 1)) - abs(e)) / (e * abs(e)) * l_**2))
        fits[str(l_val)] = {"fitted lam^2 * coeff of eps|eps| in |eps(k+2)|": coef,
                            "printed": -8.0, "derived (SymPy)": -16.0}
        out.details["fitted_coefficient"] = fits[str(l_val)]
        parts.append(out)
    res = all_of(parts)
    res.details["fitted_eps2_coefficients"] = fits
    return res.named("(67)")


def _f1_eq68(ctx: Context, squared: bool) -> Outcome:
    h = 2 / lam
    e1, _, e2, l2 = _two_steps(h)
    Q2 = lam**2 - 4 * (eps + Phi) ** 2  # = Q(k)^2 in d = 1; lam^2 - 4(a.b)^2 in general
    decrement = h**2 * (1 - h**2 * eps**2) * Q2 * (eps**2 + e1**2 * (1 - h**2 * e1**2))
    base = lam**2 if squared else lam
    rhs = base - 8 * eps * (eps + Phi) + 8 * e2 * (e2 + Phi) + 4 * eps**2 - 4 * e2**2 - decrement
    lhs = l2**2 if squared else l2
    what = "lam(k+2)^2 (reading)" if squared else "lam(k+2) (as printed)"
    parts = [engines.identity(sp.together(lhs), sp.together(rhs), ctx,
                              label=f"(68) exact two-step formula for {what}, eta = 2/lam(k), Q^2 = lam^2-4(a.b)^2",
                              sample=lambda rng: _reach_sample(rng))]
    # "= lam(k) - O(eta^3 eps^3 + eta^2 eps^2)": no eps^1 term, and the remainder ratio is bounded
    diff = (l2**2 - lam**2) if squared else (l2 - lam)
    lin = sp.simplify(sp.series(diff, eps, 0, 2).removeO().coeff(eps, 1))
    parts.append(engines.identity(lin, 0, ctx, label="(68) coefficient of eps^1 in the two-step change is 0"))
    f_d = sp.lambdify([eps, lam, Phi], diff, modules="mpmath")
    params = [Fraction(1, 10**k) for k in range(2, 9)][: max(5, ctx.budget.sweep_points)]

    def ratio(e_: Fraction, dps: int):
        e, l_ = _mp(e_), mp.mpf(3)
        hh = 2 / l_
        return abs(f_d(e, l_, mp.mpf(1))) / (hh**2 * e**2 + hh**3 * abs(e) ** 3)

    parts.append(engines.growth(params, ratio, ctx, label="(68) remainder / (eta^2 eps^2 + eta^3 |eps|^3)",
                                family="eps = 1e-2 ... 1e-8 at lam = 3, Phi = 1, eta = 2/3"))
    return all_of(parts).named("(68) reading" if squared else "(68)")


def _check_f1(ctx: Context) -> Outcome:
    return all_of([_f1_eq66(ctx), _f1_eq67(ctx), _f1_eq68(ctx, squared=False)])


def _check_f1_reading(ctx: Context) -> Outcome:
    return all_of([_f1_eq66(ctx), _f1_eq67(ctx), _f1_eq68(ctx, squared=True)])


F1 = Claim(
    id="bw.f1",
    title="The slow case eta >= 2/lam: one- and two-step expansions",
    source="App. F.1, eqs. (66)-(68)",
    statement=r"At $\eta=2/\lambda(k)$, $|\varepsilon(k)|\ll1$: (66) $|\varepsilon(k+1)|\le|-\varepsilon(k)"
    r"+\frac4{\lambda^2}\varepsilon(k)^2(\varepsilon(k)+\Phi)|\le(1-\frac4{\lambda^2}\Phi\varepsilon(k))"
    r"|\varepsilon(k)|$; (67) $|\varepsilon(k+2)|\sim(1-\frac8{\lambda^2}\Phi\varepsilon(k))|\varepsilon(k)|"
    r"+O(\varepsilon(k)^3)$; (68) $\lambda(k+2)=\lambda(k)-8\varepsilon(k)(\varepsilon(k)+\Phi)"
    r"+8\varepsilon(k+2)(\varepsilon(k+2)+\Phi)+4\varepsilon(k)^2-4\varepsilon(k+2)^2-\eta^2(1-\eta^2"
    r"\varepsilon(k)^2)Q(k)^2(\varepsilon(k)^2+\varepsilon(k+1)^2(1-\eta^2\varepsilon(k+1)^2))"
    r"=\lambda(k)-O(\eta^3\varepsilon(k)^3+\eta^2\varepsilon(k)^2)$. "
    r"Encoding: GD keeps $\eta=2/\lambda(k)$ fixed for both steps; $Q(k)^2:=\lambda^2-4(\mathbf a^\top\mathbf b)^2$ "
    r"(= $Q^2$ in $d=1$); (67) compared as the $\varepsilon$-series of $\varepsilon(k+2)$ (which has the sign of "
    r"$\varepsilon(k)$ for small $\varepsilon$, so $|\varepsilon(k+2)|\sim(1-c\,\varepsilon)|\varepsilon|$ iff "
    r"$\varepsilon(k+2)\sim(1-c\,\varepsilon)\varepsilon$) "
    r"and as a remainder sweep $\varepsilon\to0$; O() in (68) as $\varepsilon\to0$ at fixed $\lambda,\Phi$.",
    kind=Kind.ASYMPTOTIC,
    hypotheses="reachable states lam >= 2|eps + Phi|, Phi > 0, eta = 2/lam(k); (66) sampled with "
    "|eps|/Phi in [1e-8, 1e-1] and proved on all reachable states",
    check=_check_f1,
    reading=r"(68) with $\lambda(k+2)^2$ and $\lambda(k)^2$ (the two-step $\alpha$-balance); (66), (67) unchanged",
    reading_check=_check_f1_reading,
    depends_on=("bw.eq6", "bw.eq7", "bw.lemma7"),
)


# ====================================================================== F.2: eq. (69)


def _pos_rel(rng: random.Random, i: int) -> Fraction:
    """eps/Phi > 0: tiny to huge."""
    return samplers.log_uniform(rng, 1e-6, 1e3)


def _with_eta_fraction(base: Callable[[random.Random, int], Instance],
                       cap: Callable[[Mapping[sp.Symbol, Fraction]], Fraction]) -> Callable[[random.Random, int], Instance]:
    def draw(rng: random.Random, i: int) -> Instance:
        inst = base(rng, i)
        frac = samplers.step_fraction(rng, i)
        if i % 7 == 6:
            frac = Fraction(1)
        inst["eta"] = frac * cap(_reduced_point(inst))
        return inst

    return draw


def _check_eq69(ctx: Context, reading: bool) -> Outcome:
    e1_true = R.eps_next
    printed_line1 = (1 - eta * lam) * eps + eta**2 * (eps**2 if reading else eps) * (eps + Phi)
    link2_rhs = eps - eta * lam * eps * (1 - eta / 2 * eps)
    final = (1 - (2 - sp.sqrt(2)) / 2 * eta * lam) * eps
    dom = [eps > 0, Phi > 0, lam - 2 * (eps + Phi) >= 0, 2 - eta**2 * eps**2 >= 0]
    parts = [
        engines.identity(e1_true, printed_line1, ctx,
                         label="first line of (69) vs eq. (6)" + (" (reading: eta^2 eps^2)" if reading else ""),
                         sample=lambda rng: {**_reach_sample(rng), eta: sp.Rational(rng.randint(1, 9), 20)}),
        engines.inequality(lam * eps * eta - eta**2 * eps**2 * (eps + Phi), ctx, strict=True, constraints=dom,
                           sample=_eq69_reduced_sample, label="eta lam eps > eta^2 eps^2 (eps+Phi)"),
        engines.inequality(link2_rhs - printed_line1, ctx, strict=False, constraints=dom,
                           sample=_eq69_reduced_sample, label="second step of (69)"),
        engines.inequality((final - link2_rhs) / (eta * lam * eps), ctx, strict=False, constraints=dom,
                           sample=_eq69_reduced_sample, label="third step of (69)"),
    ]
    # the conclusion on the reduced region, which holds every vector state (reachability part);
    # sampled on exact vector states, eta in (0, sqrt2/eps) (cycled fractions, up to 1 - 1e-27)
    slack = (final - e1_true) / (eta * lam * eps)  # normalised by the contraction eta lam eps
    sampler = _with_eta_fraction(_state_sampler(_pos_rel), lambda pt: SQRT2_LOW / pt[eps])
    parts.append(_reachable_in_region(ctx))
    parts.append(engines.inequality(
        slack, ctx, strict=False, constraints=dom, sample=_as_reduced(sampler, (eta,)),
        label="conclusion eps(k+1) <= (1 - (2-sqrt2)/2 eta lam) eps(k) on the reduced region (all vector states)"))
    return all_of(parts)


def _eq69_reduced_sample(rng: random.Random, i: int) -> dict[sp.Symbol, Fraction]:
    P = samplers.log_uniform(rng, 1e-3, 1e3)
    e = samplers.log_uniform(rng, 1e-6, 1e3) * P
    l_ = 2 * (e + P) * (1 if i % 3 == 0 else samplers.log_uniform(rng, 1, 30))
    h = samplers.step_fraction(rng, i) * SQRT2_LOW / e
    return {eps: e, lam: l_, Phi: P, eta: h}


EQ69 = Claim(
    id="bw.eq69",
    title="Positive residuals, small steps: rate 1 - (2-sqrt2)/2 eta lam",
    source="App. F.2, eq. (69) and the sentence before it",
    statement=r"For $\varepsilon>0$: $\eta\lambda\varepsilon>\eta^2\varepsilon^2(\varepsilon+\Phi)$ (as "
    r"$\lambda>2(\varepsilon+\Phi)$, $\eta\le\sqrt2/\varepsilon$); $\varepsilon(k+1)=(1-\eta\lambda)"
    r"\varepsilon(k)+\eta^2\varepsilon(\varepsilon+\Phi)\le\varepsilon(k)-\eta\lambda\varepsilon(k)(1-"
    r"\frac\eta2\varepsilon(k))\le(1-\frac{2-\sqrt2}2\eta\lambda)\varepsilon(k)$",
    kind=Kind.INEQUALITY,
    hypotheses="eps > 0, Phi > 0, reachable lam >= 2(eps + Phi), 0 < eta <= sqrt2/eps",
    check=lambda ctx: _check_eq69(ctx, reading=False),
    reading=r"the same chain with the first line $\varepsilon(k+1)=(1-\eta\lambda)\varepsilon(k)+\eta^2"
    r"\varepsilon^2(\varepsilon+\Phi)$ (eq. (6))",
    reading_check=lambda ctx: _check_eq69(ctx, reading=True),
    depends_on=("bw.eq6",),
)


# ====================================================================== F.2: eqs. (70), (71)

S_ = sp.sqrt(lam**2 + 4 * Phi**2)


def _delta_sampler(lo: Fraction, hi: Fraction) -> Callable[[random.Random, int], Instance]:
    """Positive-residual vector states with delta in the open interval (lo, hi), edges included."""
    base = _state_sampler(_pos_rel)

    def draw(rng: random.Random, i: int) -> Instance:
        inst = base(rng, i)
        if i % 6 == 0:
            inst["delta"] = hi - Fraction(1, 10**6)
        elif i % 6 == 1:
            inst["delta"] = lo + Fraction(1, 10**6)
        else:
            inst["delta"] = samplers.uniform(rng, float(lo), float(hi))
        return inst

    return draw


def _delta_ok(pt: Mapping[sp.Symbol, Fraction]) -> bool:
    return pt[eps] > 0 and pt[Phi] > 0 and 0 < pt[delta] < Fraction(1, 2)


def _delta_step(ctx: Context, expr: sp.Expr, label: str, lo: Fraction = Fraction(0), hi: Fraction = Fraction(1, 2),
                samples: int | None = None) -> Outcome:
    search = _state_search((-6.0, 3.0), "delta", lambda t, pt: samplers.rational(t, 10**9),
                           (float(lo), float(hi)), log_eps=True)
    return _one_step(ctx, expr, _delta_sampler(lo, hi), _delta_ok, label, params=(delta,), samples=samples,
                     search=search)


def _delta_bins(ctx: Context, expr: sp.Expr, label: str) -> list[Outcome]:
    n = max(6, ctx.budget.samples // 2)
    return [_delta_step(ctx, expr, f"{label}, delta in ({Fraction(k, 10)}, {Fraction(k + 1, 10)})",
                        Fraction(k, 10), Fraction(k + 1, 10), samples=n) for k in range(5)]


def _check_eq70(ctx: Context, reading: bool) -> Outcome:
    h = 2 * (1 - delta) / S_ if reading else 2 * (1 - delta) / lam
    e1 = R.eps_next.xreplace({eta: h})
    X1 = eps - 2 * lam * (1 - delta) / S_ * eps + 4 * (1 - delta) ** 2 / S_**2 * eps**2 * (eps + Phi)
    X2 = (-1 + 2 * delta) * eps + 4 * Phi**2 * (1 - delta) / S_**2 * eps + 4 * (1 - delta) / S_**2 * eps**2 * (eps + Phi)
    x = sp.Symbol("x", real=True)
    rho = sp.Symbol("rho", positive=True)  # rho = sqrt(x^2 + y^2), y^2 = rho^2 - x^2 (y real)
    aux = sp.expand((1 - (rho**2 - x**2) / (2 * rho**2) - x / rho) * 2 * rho**2)
    # the substantive part first: the conclusion, per delta bin (the headline counterexample if it fails)
    parts = _delta_bins(ctx, ((1 - 2 * delta) * eps - sp.Abs(e1)) / eps, "conclusion |eps(k+1)| <= (1-2delta) eps(k)")
    parts.append(engines.inequality(aux, ctx, strict=False, constraints=[rho**2 - x**2 >= 0],
                                    label="x/sqrt(x^2+y^2) <= 1 - y^2/(2(x^2+y^2)), times 2(x^2+y^2) > 0"))
    first_info: dict[str, Any] | None = None
    if reading:
        parts.append(engines.identity(e1, X1, ctx, label="first step is an equality at eta = 2(1-delta)/sqrt(lam^2+4Phi^2)",
                                      sample=lambda rng: {**_reach_sample(rng), delta: sp.Rational(rng.randint(1, 49), 100)}))
    else:
        # information only: at the literal eta = 2(1-delta)/lam(k), eps(k+1) is compared with a line built on
        # sqrt(lam^2+4Phi^2) -- two different step sizes, an encoding artefact, so it does not enter the verdict
        o = _delta_step(ctx, (sp.Abs(X1) - sp.Abs(e1)) / eps, "info: first step |eps(k+1)| <= |line 2| "
                        "(eps(k+1) at eta = 2(1-delta)/lam(k), line 2 built on sqrt(lam^2+4Phi^2))",
                        samples=max(8, ctx.budget.samples // 2))
        first_info = {"verdict": o.verdict.value, "margin": o.margin,
                      "counterexample": o.counterexample.to_json() if o.counterexample else None}
    parts.append(_delta_step(ctx, (sp.Abs(X2) - sp.Abs(X1)) / eps, "second step |line 2| <= |line 3|"))
    parts.append(_delta_step(ctx, ((1 - 2 * delta) * eps - sp.Abs(X2)) / eps, "third step |line 3| <= (1-2delta) eps"))
    out = all_of(parts)
    if first_info is not None:
        out.details["info_first_step_mixed_step_sizes (not in the verdict)"] = first_info
    # information: the contraction factor in the limit eps -> 0+ at the Cauchy-Schwarz edge
    # lam = 2(eps + Phi) (a = b), derived by SymPy, and the delta at which it reaches 1 - 2 delta
    factor = sp.limit(sp.simplify((e1 / eps).xreplace({lam: 2 * (eps + Phi)})), eps, 0, "+")
    factor = sp.simplify(factor.xreplace({Phi: 1}))
    crit = [sp.nsimplify(z) for z in sp.solve(sp.Eq(1 - factor, 2 * delta), delta) if 0 < z < 1]
    out.details["info_edge_factor"] = {"eps(k+1)/eps(k) as eps -> 0+, a = b": sp.sstr(factor),
                                       "delta where it equals 1 - 2 delta": [sp.sstr(z) for z in crit]}
    out.details[NOT_ENCODED] = [
        "'within our learning rate boundaries we have exponential convergence with rate either controlled by eta "
        "or delta at power 1' (F.2 summary): names no inequality beyond the (1 - 2 delta) chain checked above"]
    return out


EQ70 = Claim(
    id="bw.eq70",
    title="Positive residuals, large steps: rate 1 - 2 delta",
    source="App. F.2, eq. (70) and the inequality before it",
    statement=r"$\frac x{\sqrt{x^2+y^2}}\le1-\frac12\frac{y^2}{x^2+y^2}$. When $\eta\sim\frac2\lambda(1-\delta)$, "
    r"$\delta>0$: $|\varepsilon(k+1)|\le|\varepsilon(k)-\frac{2\lambda(1-\delta)}{\sqrt{\lambda^2+4\Phi^2}}"
    r"\varepsilon(k)+\frac{4(1-\delta)^2}{\lambda^2+4\Phi^2}\varepsilon(k)^2(\varepsilon(k)+\Phi)|\le|(-1+2\delta)"
    r"\varepsilon(k)+\frac{4\Phi^2(1-\delta)}{\lambda^2+4\Phi^2}\varepsilon(k)+\frac{4(1-\delta)}{\lambda^2+4\Phi^2}"
    r"\varepsilon(k)^2(\varepsilon(k)+\Phi)|\le(1-2\delta)\varepsilon(k)$. Encoding of the printed "
    r"'$\eta\sim\frac2\lambda(1-\delta)$': exactly $\eta=2(1-\delta)/\lambda(k)$; $\varepsilon(k)>0$ (F.2); "
    r"$\delta\in(0,\frac12)$ (where $1-2\delta>0$), reported per bin of width 0.1. The first '$\le$' compares "
    r"$\varepsilon(k+1)$ at $\eta=2(1-\delta)/\lambda$ with a line built on $\sqrt{\lambda^2+4\Phi^2}$ (two different "
    r"step sizes): reported for information only, not in the verdict.",
    kind=Kind.INEQUALITY,
    hypotheses="eps(k) > 0, Phi > 0, reachable vector states (d = 1, 2, 3), 0 < delta < 1/2",
    check=lambda ctx: _check_eq70(ctx, reading=False),
    reading=r"$\eta=\frac{2(1-\delta)}{\sqrt{\lambda^2+4\Phi^2}}$ (so the first step is an equality), "
    r"$\varepsilon(k)>0$, $\delta\in(0,\frac12)$",
    reading_check=lambda ctx: _check_eq70(ctx, reading=True),
    depends_on=("bw.eq6",),
)


def _eq71_info_eta_2_over_lam(ctx: Context) -> dict[str, Any]:
    """Information only (never in the verdict): the chain's first step and conclusion at the literal
    eta = 2/lam(k).  This step is outside Theorem 2's window (eta < 2/sqrt(lam0^2+4Phi^2)); it is the
    slow case of App. F.1, not the eta the chain substitutes."""
    h = 2 / lam
    e1 = R.eps_next.xreplace({eta: h})
    X1 = eps - 2 * lam / S_ * eps + 4 / S_**2 * eps**2 * (eps + Phi)
    rate = 1 - h**2 * Phi**2
    pos = _state_sampler(_pos_rel)

    def ok(pt: Mapping[sp.Symbol, Fraction]) -> bool:
        return pt[eps] > 0 and pt[Phi] > 0

    out = {}
    for name, expr in (("first step |eps(k+1)| <= |line 2| at eta = 2/lam(k)", (sp.Abs(X1) - sp.Abs(e1)) / eps),
                       ("conclusion |eps(k+1)| <= (1 - eta^2 Phi^2) eps(k) at eta = 2/lam(k)",
                        (rate * eps - sp.Abs(e1)) / ((1 - rate) * eps))):
        o = _one_step(ctx, expr, pos, ok, "info: " + name, samples=max(8, ctx.budget.samples // 2))
        out[name] = {"verdict": o.verdict.value, "margin": o.margin,
                     "counterexample": o.counterexample.to_json() if o.counterexample else None}
    return out


def _check_eq71(ctx: Context, reading: bool) -> Outcome:
    # eta = 2/sqrt(lam^2 + 4 Phi^2): the value the printed chain itself substitutes in its second line
    # (and the Theorem-2 cap at the current state).  The literal '2/lam' is reported for information only.
    h = 2 / S_
    e1 = R.eps_next.xreplace({eta: h})
    line0 = (1 - eta * lam) * eps + eta**2 * eps**2 * (eps + Phi)  # the printed '=' line, eta free
    X1 = eps - 2 * lam / S_ * eps + 4 / S_**2 * eps**2 * (eps + Phi)
    X2 = -eps + 4 * Phi**2 / S_**2 * eps + 4 / S_**2 * eps**2 * (eps + Phi)
    rate = 1 - h**2 * Phi**2
    pos = _state_sampler(_pos_rel)

    def ok(pt: Mapping[sp.Symbol, Fraction]) -> bool:
        return pt[eps] > 0 and pt[Phi] > 0

    parts: list[Outcome] = []
    if not reading:
        parts.append(engines.identity(R.eps_next, line0, ctx,
                                      label="printed '=' line: eps(k+1) = (1-eta lam) eps + eta^2 eps^2 (eps+Phi)",
                                      sample=lambda rng: {**_reach_sample(rng), eta: sp.Rational(rng.randint(1, 9), 20)}))
    parts.append(engines.identity(e1, X1, ctx, label="first step |eps(k+1)| <= |line 2| at eta = 2/sqrt(lam^2+4Phi^2) "
                                  "(holds with equality)", sample=lambda rng: _reach_sample(rng)))
    # each step on the reduced region eps > 0, Phi > 0, lam >= 2(eps + Phi), which holds every
    # vector state (reachability part); sampled on exact vector states when no proof is found
    dom = [eps > 0, Phi > 0, lam - 2 * (eps + Phi) >= 0]
    reduced = _as_reduced(pos)
    parts.append(_reachable_in_region(ctx))
    parts.append(engines.inequality((sp.Abs(X2) - sp.Abs(X1)) / eps, ctx, strict=False, constraints=dom,
                                    sample=reduced, label="second step |line 2| <= |line 3|"))
    gain = (1 - rate) * eps  # slacks normalised by the claimed gain eta^2 Phi^2 eps
    parts.append(engines.inequality((rate * eps - sp.Abs(X2)) / gain, ctx, strict=False, constraints=dom,
                                    sample=reduced, label="third step |line 3| <= (1 - eta^2 Phi^2) eps"))
    parts.append(engines.inequality((rate * eps - sp.Abs(e1)) / gain, ctx, strict=False, constraints=dom,
                                    sample=reduced, label="conclusion |eps(k+1)| <= (1 - eta^2 Phi^2) eps(k)"))
    out = all_of(parts)
    out.details[NOT_ENCODED] = [
        "'if 2/lam <= eta <= 2/lam(0) (1 - delta) convergence happens exponentially but in time O(eta^-2)': the "
        "hitting time along GD runs is not measured; the one-step rate (1 - eta^2 Phi^2) it rests on is the "
        "conclusion checked above"]
    if not reading:
        out.details["info_literal_eta_2_over_lam(k) (outside Theorem 2's window; F.1 slow case)"] = \
            _eq71_info_eta_2_over_lam(ctx)
        return out
    # for information only (not part of the verdict): the same rate for eps in (-Phi, 0)
    info = _one_step(ctx, (rate * sp.Abs(eps) - sp.Abs(e1)) / sp.Abs(eps),
                     _state_sampler(lambda rng, i: -samplers.uniform(rng, 0.0, 1.0)),
                     lambda pt: -pt[Phi] < pt[eps] < 0 and pt[Phi] > 0, "info: eps in (-Phi, 0)")
    out.details["info_negative_residuals"] = {"verdict": info.verdict.value, "margin": info.margin,
                                              "summary": info.summary,
                                              "counterexample": info.counterexample.to_json() if info.counterexample else None}
    return out


EQ71 = Claim(
    id="bw.eq71",
    title="Positive residuals, edge-of-stability steps: rate 1 - eta^2 Phi^2",
    source="App. F.2, eq. (71) and the sentence before it",
    statement=r"For $\eta\sim\frac2\lambda$: $|\varepsilon(k+1)|=|(1-\eta\lambda)\varepsilon(k)+\eta^2\varepsilon^2(k)"
    r"(\varepsilon(k)+\Phi)|\le|\varepsilon(k)-\frac{2\lambda}{\sqrt{\lambda^2+4\Phi^2}}"
    r"\varepsilon(k)+\frac4{\lambda^2+4\Phi^2}\varepsilon(k)^2(\varepsilon(k)+\Phi)|\le|-\varepsilon(k)+"
    r"\frac{4\Phi^2}{\lambda^2+4\Phi^2}\varepsilon(k)+\frac4{\lambda^2+4\Phi^2}\varepsilon(k)^2(\varepsilon(k)+\Phi)|"
    r"\le(1-\eta^2\Phi^2)\varepsilon(k)$. Encoding of the printed '$\eta\sim\frac2\lambda$': the value the chain "
    r"itself substitutes in its second line, $\eta=2/\sqrt{\lambda(k)^2+4\Phi^2}$ (the Theorem-2 cap at the current "
    r"state); each printed line checked as printed; $\varepsilon(k)>0$ (F.2). The literal $\eta=2/\lambda(k)$ lies "
    r"outside Theorem 2's window (the slow case of App. F.1) and is reported for information only.",
    kind=Kind.INEQUALITY,
    hypotheses="eps(k) > 0, Phi > 0, reachable vector states (d = 1, 2, 3), eta = 2/sqrt(lam(k)^2 + 4 Phi^2); "
    "info only (not in the verdict): the chain at eta = 2/lam(k)",
    check=lambda ctx: _check_eq71(ctx, reading=False),
    reading=r"$\eta=2/\sqrt{\lambda^2+4\Phi^2}$ (the value the chain substitutes), $\varepsilon(k)>0$, chain from its "
    r"second line (same encoding as the printed variant, without the '=' line); "
    r"(for information, also $\varepsilon\in(-\Phi,0)$, not part of the verdict)",
    reading_check=lambda ctx: _check_eq71(ctx, reading=True),
    depends_on=("bw.eq6",),
)


# ====================================================================== F.3: eq. (72)

ETA_LAM_SMALL = Fraction(1, 10)  # the encoding of "very small eta << 1": eta * lam <= 1/10


def _neg_half_rel(rng: random.Random, i: int) -> Fraction:
    """eps/Phi = -c/2 with c in (0, 1): edges c -> 1 (eps -> -Phi/2) and c -> 0."""
    k = i % 5
    if k == 0:
        c = 1 - Fraction(1, 10 ** rng.randint(2, 8))
    elif k == 1:
        c = Fraction(1, 10 ** rng.randint(2, 8))
    else:
        c = samplers.uniform(rng, 0.0, 1.0)
    return -c / 2


def _eq72_sampler(cap: Fraction) -> Callable[[random.Random, int], Instance]:
    """Random states and steps, plus every fourth draw at the corner of the hypotheses:
    eps -> -Phi/2, a || b (lam -> 2 a.b, Cauchy-Schwarz edge), eta lam -> cap."""
    generic = _with_eta_fraction(_state_sampler(_neg_half_rel), lambda pt: cap / pt[lam])

    def draw(rng: random.Random, i: int) -> Instance:
        if i % 4 != 3:
            return generic(rng, i)
        d = samplers.dimension(rng, i)
        Phi_ = samplers.log_uniform(rng, 1e-3, 1e3)
        c = 1 - Fraction(1, 10 ** rng.randint(1, 6))
        a, b = _vectors(rng, d, Phi_ * (1 - c / 2), 1.0, 0.0 if d == 1 else 1e-4)
        inst: Instance = {"a": a, "b": b, "Phi": Phi_}
        inst["eta"] = (Fraction(1) if i % 8 == 3 else Fraction(99, 100)) * cap / _reduced_point(inst)[lam]
        return inst

    return draw


def _check_eq72(ctx: Context) -> Outcome:
    e1 = R.eps_next
    mid = sp.Abs((1 - eta * lam) + eta**2 / 4 * Phi**2)

    def ok(cap: Fraction):
        return lambda pt: (pt[Phi] > 0 and -pt[Phi] / 2 < pt[eps] < 0 and pt[eta] > 0 and pt[eta] * pt[lam] <= cap)

    smp = _eq72_sampler(ETA_LAM_SMALL)

    def search(cap: Fraction) -> engines.Search:
        return _state_search((-0.5, 0.0), "eta", lambda t, pt: samplers.rational(t, 10**9) * cap / pt[lam])
    parts = [
        _one_step(ctx, (mid * sp.Abs(eps) - sp.Abs(e1)) / (eta * Phi * sp.Abs(eps)), smp, ok(ETA_LAM_SMALL), params=(eta,), search=search(ETA_LAM_SMALL),
                  label="first step |eps(k+1)| <= |(1-eta lam) + eta^2 Phi^2/4| |eps(k)|"),
        _one_step(ctx, ((1 - eta * Phi) - mid) / (eta * Phi), smp, ok(ETA_LAM_SMALL), params=(eta,), search=search(ETA_LAM_SMALL),
                  label="second step |(1-eta lam) + eta^2 Phi^2/4| <= 1 - eta Phi"),
        _one_step(ctx, ((1 - eta * Phi) * sp.Abs(eps) - sp.Abs(e1)) / (eta * Phi * sp.Abs(eps)), smp, ok(ETA_LAM_SMALL),
                  params=(eta,), search=search(ETA_LAM_SMALL), label="conclusion |eps(k+1)| <= (1 - eta Phi)|eps(k)|"),
    ]
    out = all_of(parts)
    # information: where the conclusion starts to fail as the step grows (eta lam <= cap)
    thresholds = {}
    for cap in (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), Fraction(1)):
        o = _one_step(ctx, ((1 - eta * Phi) * sp.Abs(eps) - sp.Abs(e1)) / (eta * Phi * sp.Abs(eps)), _eq72_sampler(cap),
                      ok(cap),
                      params=(eta,), search=search(cap), label=f"info: conclusion with eta lam <= {cap}")
        thresholds[f"eta*lam <= {cap}"] = {"verdict": o.verdict.value, "margin": o.margin,
                                           "counterexample": o.counterexample.inputs if o.counterexample else None}
    out.details["info_conclusion_vs_step_size"] = thresholds
    return out


EQ72 = Claim(
    id="bw.eq72",
    title="Small negative residuals, small steps: rate 1 - eta Phi",
    source="App. F.3, eq. (72)",
    statement=r"For $-\Phi/2<\varepsilon<0$ and very small $\eta\ll1$: $|\varepsilon(k+1)|\le|(1-\eta\lambda)+"
    r"\frac{\eta^2}4\Phi^2||\varepsilon(k)|\le(1-\eta\Phi)|\varepsilon(k)|$. Encoding of '$\eta\ll1$' "
    r"(scale-invariant): $0<\eta\lambda(k)\le1/10$.",
    kind=Kind.INEQUALITY,
    hypotheses="-Phi/2 < eps < 0 (open, edges approached), Phi > 0, reachable vector states (d = 1, 2, 3) "
    "including a || b, 0 < eta lam <= 1/10",
    check=_check_eq72,
    depends_on=("bw.eq6",),
)


# ====================================================================== F.3: eqs. (73)-(75)


def _eq74_traj_sampler(rng: random.Random, i: int) -> Instance:
    """Inits for eta = u * 2/lam_bar, u close to 1: mostly Region B with large lam0 (the
    catalogue's a0 = sqrt10, b0 = 0.01/sqrt10 family), some from every region."""
    u = (Fraction(999, 1000), Fraction(9999, 10000), Fraction(99, 100))[i % 3]
    if i == 0:
        return {"a": (Fraction(316, 100),), "b": (Fraction(1, 316),), "Phi": Fraction(1), "u": u}
    if i % 4 == 3:
        inst = samplers.shallow_init(rng, i)
    else:
        d = samplers.dimension(rng, i)
        Phi_ = samplers.log_uniform(rng, 1e-3, 1e3) if i % 5 else Fraction(1)
        p = samplers.uniform(rng, 0.0, 1.0) * Phi_
        sigma = math.exp(rng.uniform(0, math.log(10)))
        spread = 0.0 if d == 1 else math.exp(rng.uniform(math.log(1e-3), 0))
        a, b = _vectors(rng, d, p, sigma, spread)
        inst = {"a": a, "b": b, "Phi": Phi_}
    inst["u"] = u
    return inst


def _eq74_run(inst: Mapping[str, Any], steps: int) -> Run | None:
    ab, l_ = _ab_lam(inst["a"], inst["b"])
    P = inst["Phi"]
    lam_bar = mp.sqrt(_mp(l_) ** 2 + 4 * _mp(P) ** 2)
    h = _mp(inst["u"]) * 2 / lam_bar
    e0 = ab - P
    if P <= 0 or not 0 < inst["u"] < 1 or (e0 != 0 and h >= 1 / (2 * abs(_mp(e0)))):
        return None  # outside the Theorem-2 step-size window
    return gd_run(inst["a"], inst["b"], P, h, steps)


def _resolution(run: Run, dps: int) -> mp.mpf:
    """Residuals below this are not resolved by eps = a.b - Phi at ``dps`` digits (cancellation):
    steps with smaller |eps| are skipped by the trajectory checks."""
    return mp.mpf(10) ** (-(dps // 3)) * (1 + run.Phi + run.lam[0])


def _eq74_ratios(run: Run, P: mp.mpf, lag: int) -> list[tuple[int, mp.mpf]]:
    out = []
    floor = _resolution(run, mp.mp.dps)
    for k in range(run.steps - lag + 1):
        e = run.eps[k]
        if -P / 2 <= e < -floor:
            out.append((k, abs(run.eps[k + lag]) / abs(e)))
    return out


def _check_eq74(ctx: Context) -> Outcome:
    g = c_sym**2 / 4 - 3 * c_sym / 2 + 1
    parts = [
        engines.inequality(sp.Rational(1, 4) - g, ctx, strict=False, constraints=[c_sym > 0, c_sym <= 1],
                           label="max of |c^2/4 - 3c/2 + 1| on (0,1] is at c = 1 (value 1/4): upper side"),
        engines.inequality(sp.Rational(1, 4) + g, ctx, strict=False, constraints=[c_sym > 0, c_sym <= 1],
                           label="max of |c^2/4 - 3c/2 + 1| on (0,1] is at c = 1 (value 1/4): lower side"),
    ]
    steps = min(ctx.budget.max_steps, 3000)

    def slack(inst: Mapping[str, Any], dps: int):
        run = _eq74_run(inst, steps)
        if run is None:
            return None
        rs = _eq74_ratios(run, _mp(inst["Phi"]), 1)
        if not rs:
            return None
        return min(mp.mpf(1) / 4 - r for _, r in rs)

    def describe(inst: Mapping[str, Any], dps: int) -> dict[str, Any]:
        run = _eq74_run(inst, steps)
        if run is None:
            return {}
        rs = _eq74_ratios(run, _mp(inst["Phi"]), 1)
        k, r = max(rs, key=lambda t: t[1])
        return {"worst k": str(k), "eps_k/Phi": run.eps[k] / run.Phi, "|eps_{k+1}/eps_k|": r,
                "eta*lam_bar": run.eta * mp.sqrt(run.lam[0] ** 2 + 4 * run.Phi**2)}

    parts.append(engines.sampled(slack, _eq74_traj_sampler, ctx, describe=describe, method="mpmath GD trajectories",
                                 label="(74) |eps(k+1)| <= |eps(k)|/4 whenever eps(k) in [-Phi/2, 0), "
                                 "eta = u 2/sqrt(lam0^2+4Phi^2), u in {0.99, 0.999, 0.9999}"))
    # (75) arithmetic at the paper's own c = 1 scenario: eps(k) = -Phi/2, eps(k+1) = Phi/8 (Phi = 1)
    e_k, e_k1 = sp.Rational(-1, 2), sp.Rational(1, 8)
    lhs75 = abs(sp.Rational(-5, 4) + e_k1 * (e_k1 + 1) / 4) * e_k1
    parts.append(engines.inequality(sp.Rational(1, 16) * (5 - sp.Rational(1, 16)) * abs(e_k) - lhs75, ctx, strict=False,
                                    label="(75) printed arithmetic at eps(k) = -Phi/2, eps(k+1) = Phi/8, Phi = 1"))
    out = all_of(parts)
    # information: one- and two-step ratios along the catalogue's trajectory family
    rng = ctx.rng("eq74-info")
    info = []
    with mp.workdps(30):
        for i in range(min(6, ctx.budget.samples)):
            inst = _eq74_traj_sampler(rng, i)
            run = _eq74_run(inst, steps)
            if run is None:
                continue
            r1, r2 = _eq74_ratios(run, run.Phi, 1), _eq74_ratios(run, run.Phi, 2)
            if r1:
                info.append({"init": {k: str(v) for k, v in inst.items()},
                             "max one-step ratio": float(max(r for _, r in r1)),
                             "max two-step ratio": float(max(r for _, r in r2)) if r2 else None})
    out.details["info_ratios (printed: 1/4 one step, 79/256 two steps)"] = info
    out.details[NOT_ENCODED] = [
        "'the minimum in lambda(0) of this last equation is for sqrt(lambda(0) + 4 Phi^2) = delta + 2 Phi' (F.3, "
        "before (74)): the minimiser over lambda(0) of the preceding display is not compared with the printed one"]
    return out


EQ74 = Claim(
    id="bw.eq74",
    title="Small negative residuals, eta = 2/lam: one-step factor 1/4, two-step 5/16",
    source="App. F.3, eqs. (73)-(75)",
    statement=r"For $\eta=\frac2\lambda$ and $\varepsilon(k)=-c\frac\Phi2$, $c\in(0,1]$: (74) $\max_{\lambda(0),"
    r"\varepsilon(k)}|\varepsilon(k+1)|\le\dots\le|c-1-\frac{c^2}4+\frac c2||\varepsilon(k)|\le\frac14|\varepsilon(k)|"
    r"=\frac18\Phi$; 'the maximum of $|c^2/4-3c/2+1|$ over $c\in(0,1]$ is $c=1$'; (75) $|\varepsilon(k+2)|\le|-\frac54"
    r"+\frac1{4\Phi^2}\varepsilon(k+1)(\varepsilon(k+1)+\Phi)|\varepsilon(k+1)\le\frac1{16}(5-\frac1{16})|\varepsilon(k)|$. "
    r"Encoding: $\lambda$ in $\eta=2/\lambda$ read as $\sqrt{\lambda(0)^2+4\Phi^2}$ (as in (73)), approached from "
    r"inside the Theorem-2 window ($\eta=u\cdot2/\sqrt{\lambda(0)^2+4\Phi^2}$, $u\in\{0.99,0.999,0.9999\}$, "
    r"$\eta<1/(2|\varepsilon(0)|)$); (74) tested at every GD step with $\varepsilon(k)\in[-\Phi/2,0)$; (75) at "
    r"the paper's $c=1$ scenario.",
    kind=Kind.INEQUALITY,
    hypotheses="GD trajectories, d = 1, 2, 3, Phi > 0, eta as in the encoding; steps k with -Phi/2 <= eps(k) < 0",
    check=_check_eq74,
    depends_on=("bw.eq6", "bw.theorem2"),
)


# ====================================================================== F.4: eqs. (76)-(78)


def _region_cycle(rng: random.Random, i: int) -> Instance:
    """Theorem-2 inits (eta = u * theorem_cap): mostly Region C, some from anywhere (GD may
    jump from Region A into C)."""
    return init_instance(rng, i, region=("C", "C", "C", None)[i % 4])


def _eq76_data(inst: Mapping[str, Any], steps: int, require_c: bool = True) -> tuple[Run, int] | None:
    a, b = inst["a"], inst["b"]
    if inst["Phi"] <= 0 or all(x * x == y * y for x, y in zip(a, b, strict=True)):
        return None  # Theorem-2 hypotheses: Phi > 0, Q(0) != 0 (eta < cap is built into the sampler)
    if not 0 < inst["eta"] < theorem_cap(a, b, inst["Phi"]):
        return None
    run = run_of(inst, steps)
    # tau: the exit from Region C (a.b <= 0) after the last visit there (0 if never in C);
    # GD can jump from Region A into C, and "after exiting Region C" means after that exit too.
    in_c = [k for k in range(run.steps + 1) if run.eps[k] + run.Phi <= 0]
    tau = in_c[-1] + 1 if in_c else 0
    if tau > run.steps or (require_c and tau == 0):
        return None  # F.4 is about the steps after a crossing out of Region C
    return run, tau


def _eq76_rate_slack(use_tau: bool, steps: int, small_rate: bool = True, require_c: bool = True):
    """min over steps k >= tau with eps_k < 0 of (eps_{k+1} - (1 - eta Q) eps_k)/|eps_k|; with
    ``small_rate`` only trajectories with eta Q(tau) < 1 (implied by log(1 - eta Q) in (77)-(78));
    with ``require_c`` only trajectories that visit Region C (tau >= 1)."""

    def slack(inst: Mapping[str, Any], dps: int):
        data = _eq76_data(inst, steps, require_c)
        if data is None:
            return None
        run, tau = data
        h, q_tau = run.eta, run.Q(tau)
        if small_rate and h * q_tau >= 1:
            return None
        floor = _resolution(run, dps)
        worst = None
        for k in range(tau, run.steps):
            e = run.eps[k]
            if -e > floor:
                q = q_tau if use_tau else run.Q(k)
                s = (run.eps[k + 1] - (1 - h * q) * e) / abs(e)
                worst = s if worst is None or s < worst else worst
        return worst

    return slack


def _eq76_describe(steps: int, use_tau: bool):
    def describe(inst: Mapping[str, Any], dps: int) -> dict[str, Any]:
        data = _eq76_data(inst, steps, require_c=False)
        if data is None:
            return {}
        run, tau = data
        h, q_tau = run.eta, run.Q(tau)
        floor = _resolution(run, dps)
        ks = [k for k in range(tau, run.steps) if -run.eps[k] > floor]
        if not ks:
            return {}
        q = (lambda k: q_tau) if use_tau else run.Q
        k = min(ks, key=lambda k: (run.eps[k + 1] - (1 - h * q(k)) * run.eps[k]) / abs(run.eps[k]))
        return {"tau": str(tau), "worst k": str(k), "eps_k/Phi": run.eps[k] / run.Phi,
                "eps_{k+1}/eps_k": run.eps[k + 1] / run.eps[k], "1 - eta Q": 1 - h * q(k),
                "eta lam(k)": h * run.lam[k], "eta Q(tau)": h * q_tau, "eta Q(k)": h * run.Q(k)}

    return describe


def _eq76_count_slack(which: str, steps: int):
    """ceil(bound) - t, t = steps from the first k >= tau with -Phi <= eps_k < -Phi/2 until
    eps >= -Phi/2 (step counts are integers: (77) first holds at t = ceil of the bound)."""

    def slack(inst: Mapping[str, Any], dps: int):
        data = _eq76_data(inst, steps)
        if data is None:
            return None
        run, tau = data
        P, h, q_tau = run.Phi, run.eta, run.Q(tau)
        k0 = next((k for k in range(tau, run.steps + 1) if -P <= run.eps[k] < -P / 2), None)
        if k0 is None or q_tau == 0:
            return None
        k1 = next((k for k in range(k0 + 1, run.steps + 1) if run.eps[k] >= -P / 2), None)
        if k1 is None:
            return None
        x = h * q_tau
        if which == "middle":
            if x >= 1:
                return None
            bound = mp.log(2) / -mp.log(1 - x)
        else:
            bound = mp.log(2) / x
        return mp.ceil(bound) - (k1 - k0)

    return slack


def _init_search(u_range: tuple[float, float] = (0.2, 0.999), ab_range: tuple[float, float] = (-5.0, 3.0)
                 ) -> engines.Search:
    """d = 1 inits with Phi = 1: x = (a.b/Phi, log10 sigma, u), eta = u * theorem_cap."""

    def to_instance(x: np.ndarray) -> Instance | None:
        p = samplers.rational(float(x[0]), 10**9)
        u = samplers.rational(float(x[2]), 10**9)
        if p == 0 or not 0 < u < 1:
            return None
        a, b = _vectors(random.Random(0), 1, p, 10 ** float(x[1]), 0.0)
        return {"a": a, "b": b, "Phi": Fraction(1), "eta": u * theorem_cap(a, b, Fraction(1))}

    return engines.Search([ab_range, (0.0, 1.5), u_range], to_instance)


def _run_regions(run: Run) -> list[str]:
    return ["A" if e > 0 else ("B" if e + run.Phi > 0 else "C") for e in run.eps]


def _eq76_figure(tag: str, what: str, steps: int, use_tau: bool):
    """|eps_k|/Phi along the run (regions shaded) with the Phi -> Phi/2 passage and the claimed
    step counts, and eps_{k+1}/eps_k against the claimed factor 1 - eta Q at steps k >= tau, eps_k < 0."""

    def fig(inst: Mapping[str, Any], path: str):
        data = _eq76_data(inst, steps, require_c=False)
        if data is None:
            raise ValueError("outside the hypotheses")
        run, tau = data
        P, h, q_tau = run.Phi, run.eta, run.Q(tau)
        ks = list(range(run.steps + 1))
        regs = _run_regions(run)
        fig_, (ax, ax2) = plots.new(ncols=2, width=5.6)
        plots.shade_regions(ax, ks, regs)
        x, y = plots.positive(ks, [abs(e) / P for e in run.eps])
        ax.plot(x, y, ".-", ms=2, lw=1.2, color="tab:purple", label=r"$|\varepsilon_k|/\Phi$")
        ax.axhline(1, color="0.3", ls=":", lw=1)
        ax.axhline(0.5, color="0.3", ls=":", lw=1, label=r"levels $\Phi$ and $\Phi/2$")
        k0 = next((k for k in range(tau, run.steps + 1) if -P <= run.eps[k] < -P / 2), None)
        k1 = None if k0 is None else next((k for k in range(k0 + 1, run.steps + 1) if run.eps[k] >= -P / 2), None)
        if k0 is not None and k1 is not None:
            ax.axvspan(k0, k1, color="0.5", alpha=0.25, label=f"measured passage: {k1 - k0} steps")
            x_ = h * q_tau
            if x_ < 1:
                b1 = int(mp.ceil(mp.log(2) / -mp.log(1 - x_)))
                plots.mark(ax, k0 + b1, f"k0 + ceil(log2/-log(1-eta Q(tau))) = k0 + {b1}", color="tab:red", ls="--")
            b2 = int(mp.ceil(mp.log(2) / x_))
            plots.mark(ax, k0 + b2, f"k0 + ceil(log2/(eta Q(tau))) = k0 + {b2}", color="tab:orange", ls="-.")
        ax.set_yscale("log")
        plots.steps_axis(ax, n=len(ks))
        ax.set_ylabel(r"$|\varepsilon_k|/\Phi$")
        ax.grid(alpha=0.3, which="both")
        plots.legend(ax, ncol=2)
        floor = _resolution(run, mp.mp.dps)
        sel = [k for k in range(tau, run.steps) if -run.eps[k] > floor]
        plots.shade_regions(ax2, ks, regs)
        ax2.plot(sel, plots.fls(run.eps[k + 1] / run.eps[k] for k in sel), ".", ms=4, color="tab:blue",
                 label=r"$\varepsilon_{k+1}/\varepsilon_k$ ($k\geq\tau$, $\varepsilon_k<0$)")
        qk = (lambda k: q_tau) if use_tau else run.Q
        ax2.plot(sel, plots.fls(1 - h * qk(k) for k in sel), "_", ms=8, color="tab:red",
                 label=r"claimed factor $1-\eta Q" + (r"(\tau)" if use_tau else "(k)") + "$ (must be >= ratio)")
        plots.mark(ax2, tau, f"tau = {tau} (exit from C)")
        plots.steps_axis(ax2, n=len(ks))
        ax2.set_ylabel(r"$\varepsilon_{k+1}/\varepsilon_k$")
        ax2.grid(alpha=0.3)
        plots.legend(ax2)
        plots.finish(fig_, path, plots.title_of(tag, what, inst))

    return fig


def _check_eq76(ctx: Context, reading: bool) -> Outcome:
    steps = min(ctx.budget.max_steps, 5000)
    x = sp.Symbol("x", positive=True)
    tag = plots.part_tag(ctx, "bw.eq76")
    lab_rate = ("(76) eps(k+1) >= (1 - eta Q" + ("(tau)" if reading else "(k)") + ") eps(k) for all "
                "k >= tau with eps(k) < 0 (trajectories through Region C, eta Q(tau) < 1)")
    lab_mid = "(78) steps from -Phi to -Phi/2 <= ceil(log 2 / -log(1 - eta Q(tau)))"
    lab_right = "(78) steps from -Phi to -Phi/2 <= ceil(log 2 / (eta Q(tau)))"
    parts = [
        engines.sampled(_eq76_rate_slack(reading, steps), _region_cycle, ctx, method="mpmath GD trajectories",
                        search=_init_search(ab_range=(-5.0, -1e-3)), describe=_eq76_describe(steps, reading),
                        label=lab_rate, figure=_eq76_figure(tag, lab_rate, steps, reading)),
        engines.inequality(-sp.log(1 - x) - x, ctx, strict=False, constraints=[x < 1],
                           sample=lambda rng, i: {x: Fraction(1, 10**6) if i == 0 else Fraction(999999, 10**6)
                                                  if i == 1 else samplers.uniform(rng, 0.0, 1.0)},
                           label="(78) second inequality: -log(1 - x) >= x on (0, 1)"),
        engines.sampled(_eq76_count_slack("middle", steps), _region_cycle, ctx, method="mpmath GD trajectories",
                        label=lab_mid, figure=_eq76_figure(tag, lab_mid, steps, True)),
        engines.sampled(_eq76_count_slack("right", steps), _region_cycle, ctx, method="mpmath GD trajectories",
                        label=lab_right, figure=_eq76_figure(tag, lab_right, steps, True)),
    ]
    out = all_of(parts)
    # information only (not in the verdict): (76) on the excluded trajectories -- eta Q(tau) >= 1
    # (rate factor <= 0), or never in Region C (tau = 0, Q(tau) = Q(0) by the eq. (79) convention)
    info = engines.sampled(_eq76_rate_slack(reading, steps, small_rate=False, require_c=False),
                           lambda rng, i: init_instance(rng, i, region=("C", "B", "A", None)[i % 4]), ctx,
                           describe=_eq76_describe(steps, reading), method="mpmath GD trajectories",
                           label="info: (76) incl. eta Q(tau) >= 1 and inits never in Region C")
    out.details["info_excluded_trajectories"] = {
        "verdict": info.verdict.value, "margin": info.margin,
        "counterexample": info.counterexample.to_json() if info.counterexample else None}
    return out


EQ76 = Claim(
    id="bw.eq76",
    title="Negative residuals after Region C: rate 1 - eta Q(tau) and time from Phi to Phi/2",
    source="App. F.4, eqs. (76)-(78)",
    statement=r"$\varepsilon(k+1)=(1-\eta\lambda)\varepsilon(k)+\eta^2\varepsilon(k)^2(\varepsilon(k)+\Phi)\ge(1-\eta Q)"
    r"\varepsilon(k)$; the time to go from $\Phi$ to $\Phi/2$ satisfies $\Phi/2\ge(1-\eta Q)^t\Phi$, so "
    r"$t\le\frac{\log\Phi-\log(\Phi/2)}{-\log(1-\eta Q)}\le\frac{\log\Phi-\log(\Phi/2)}{\eta Q_\tau}$. Encoding: the "
    r"section's 'negative residuals' ($\varepsilon(k)<0$, the printed '$\varepsilon\le\Phi/2$' read with its minus "
    r"sign) at steps $k\ge\tau$ ($\tau$: the exit from Region C after the last visit there, 0 if never in C; "
    r"GD can jump from A into C); $Q$ in (76) the current $Q(k)="
    r"\sum_i|Q_i(k)|$; 'from $\Phi$ to $\Phi/2$' on $|\varepsilon|$; an integer step count $t$ is compared with "
    r"the ceiling of each bound (the first integer solving (77)); trajectories with $\eta Q(\tau)<1$ (implied "
    r"by $\log(1-\eta Q)$ in (77)-(78)) that pass through Region C (a crossing exists).",
    kind=Kind.RATE,
    hypotheses="Theorem-2 hypotheses: Phi > 0, Q(0) != 0, 0 < eta < min{1/(2|eps0|), 2/sqrt(lam0^2+4Phi^2)} "
    "(eta = u * cap, u cycled); inits from every region, d = 1, 2, 3; Q = sum_i |Q_i|",
    check=lambda ctx: _check_eq76(ctx, reading=False),
    reading=r"(76) with the fixed $Q=Q(\tau)$ (the imbalance at the exit from Region C), for $\varepsilon(k)<0$, "
    r"$k\ge\tau$; the time from $-\Phi$ to $-\Phi/2$ as above",
    reading_check=lambda ctx: _check_eq76(ctx, reading=True),
    depends_on=("bw.eq6", "bw.eq8", "bw.lemma4"),
)


# ====================================================================== F.5: eq. (79)


def _tau1(eps0: mp.mpf, q0: mp.mpf, P: mp.mpf, h: mp.mpf, cap: int) -> int | None:
    """tau_1 of Definition 2 (47): z_0 = eps(0) < -Phi, w_0 = Q_0; None if not reached in cap steps."""
    z, w = eps0, q0
    for k in range(cap + 1):
        if z > -P:
            return k
        m = max(w, -2 * z - 2 * P)
        z, w = (1 - 3 * h / 4 * m) * z, (1 - h * h * z * z) * w
    return None


def _eq79_target(inst: Mapping[str, Any]) -> Fraction:
    """delta = theta * min{Phi/2, Phi^2/8}: below the residual level Phi/2 in both readings of delta."""
    P = inst["Phi"]
    return inst["theta"] * min(P / 2, P * P / 8)


def _eq79_terms(inst: Mapping[str, Any], steps: int) -> dict[str, Any] | None:
    a, b, P_ = inst["a"], inst["b"], inst["Phi"]
    if P_ <= 0 or not 0 < inst["theta"] < 1 or all(x * x == y * y for x, y in zip(a, b, strict=True)):
        return None
    if not 0 < inst["eta"] < theorem_cap(a, b, P_):
        return None
    d_ = _mp(_eq79_target(inst))
    P, h = _mp(P_), _mp(inst["eta"])
    run = gd_run(a, b, P_, inst["eta"], steps, tol=mp.sqrt(2 * d_) / (4 * (1 + P)))
    T = run.hitting_time(d_)
    if run.eps[0] < -P:
        tau = _tau1(run.eps[0], run.Q(0), P, h, 50 * steps)
        if tau is None:
            return None  # tau_1 beyond reach: the bound is astronomically large
        if tau <= run.steps:
            q_tau = run.Q(tau)
        else:  # continue the same trajectory up to tau_1 (it may have converged earlier)
            run2 = gd_run(a, b, P_, inst["eta"], tau)
            q_tau = run2.Q(min(tau, run2.steps))
    else:
        tau, q_tau = 0, run.Q(0)
    rhs = (tau + mp.log(2) / (h * min(q_tau, 2 * P)) + 2
           + (mp.log(P / 2) - mp.log(d_)) / (h * min(q_tau, P)))
    return {"T": T, "rhs": rhs, "tau": tau, "Q_tau": q_tau, "run": run, "delta": d_}


def _eq79_slack(steps: int):
    def slack(inst: Mapping[str, Any], dps: int):
        t = _eq79_terms(inst, steps)
        if t is None:
            return None
        rhs = t["rhs"]  # >= 2 (every term is >= 0 under the hypotheses): normalise by it
        if t["T"] is None:  # not hit within the simulated steps: T > steps
            return (rhs - (t["run"].steps + 1)) / rhs if rhs < t["run"].steps + 1 else None
        return (rhs - t["T"]) / rhs

    return slack


def _eq79_sampler(rng: random.Random, i: int) -> Instance:
    k = i % 6
    if k == 5:  # catalogue family F1: Region C near a = -b, Q(0) ~ 2 10^-j
        j = rng.randint(1, 8)
        inst = {"a": (Fraction(1),), "b": (-(1 - Fraction(1, 10**j)),), "Phi": Fraction(1)}
        inst["eta"] = samplers.step_fraction(rng, i) * theorem_cap(inst["a"], inst["b"], inst["Phi"])
    else:
        inst = init_instance(rng, i, region=("C", "B", "A", None, None)[k])
    # delta/min{Phi/2, Phi^2/8}: log-uniform, plus the edges theta -> 1 and tiny theta
    edges = (Fraction(99, 100), Fraction(9, 10), Fraction(1, 2), Fraction(1, 10**4), Fraction(1, 10**10))
    inst["theta"] = samplers.log_uniform(rng, 1e-12, 0.999) if i % 3 == 0 else edges[(i // 3) % len(edges)]
    return inst


def _eq79_search() -> engines.Search:
    """d = 1 inits: (log10 Phi, a.b/Phi, log10 sigma, u, log10 theta)."""

    def to_instance(x: np.ndarray) -> Instance | None:
        P = samplers.rational(10 ** float(x[0]), 10**6)
        p = samplers.rational(float(x[1]), 10**6) * P
        if P <= 0 or p == 0:
            return None
        a, b = _vectors(random.Random(0), 1, p, 10 ** float(x[2]), 0.0)
        u = samplers.rational(float(x[3]), 10**6)
        theta = samplers.rational(10 ** float(x[4]), 10**15)
        if not (0 < u < 1 and 0 < theta < 1):
            return None
        return {"a": a, "b": b, "Phi": P, "eta": u * theorem_cap(a, b, P), "theta": theta}

    return engines.Search([(-3.0, 3.0), (-3.0, 3.0), (0.0, 1.5), (0.3, 0.999), (-12.0, -0.01)], to_instance)


def _check_eq79(ctx: Context) -> Outcome:
    steps = ctx.budget.max_steps

    def describe(inst: Mapping[str, Any], dps: int) -> dict[str, Any]:
        t = _eq79_terms(inst, steps)
        if t is None:
            return {}
        return {"hitting time T": str(t["T"]) if t["T"] is not None else f"> {t['run'].steps}",
                "RHS of (79)": t["rhs"], "tau": str(t["tau"]), "Q_tau": t["Q_tau"], "delta": t["delta"],
                "eta*Phi": t["run"].eta * t["run"].Phi, "eps0/Phi": t["run"].eps[0] / t["run"].Phi}

    lab = "(RHS of (79) - first hitting time of L <= delta) / RHS"

    def figure(inst: Mapping[str, Any], path: str):
        t = _eq79_terms(inst, steps)
        if t is None:
            raise ValueError("outside the hypotheses")
        run = t["run"]
        ks = list(range(run.steps + 1))
        fig_, (ax,) = plots.new(width=7.0)
        plots.shade_regions(ax, ks, _run_regions(run))
        x, y = plots.positive(ks, [e * e / 2 for e in run.eps])
        ax.plot(x, y, ".-", ms=2, lw=1.2, color="tab:purple", label=r"$L(t)=\varepsilon_t^2/2$")
        ax.axhline(plots.fl(t["delta"]), color="k", ls=":", lw=1, label=rf"target $\delta$ = {mp.nstr(t['delta'], 4)}")
        if t["T"] is not None:
            plots.mark(ax, t["T"], f"hitting time T = {t['T']}", color="tab:blue", ls="-")
        plots.mark(ax, plots.fl(t["rhs"]), f"RHS of (79) = {mp.nstr(t['rhs'], 6)} (T must not exceed it)",
                   color="tab:red", ls="--")
        if t["tau"]:
            plots.mark(ax, t["tau"], f"tau = tau1 = {t['tau']}", color="0.4", ls="-.")
        ax.set_yscale("log")
        plots.steps_axis(ax, n=max(len(ks), int(plots.fl(t["rhs"])) + 1))
        ax.set_xlim(right=max(len(ks), plots.fl(t["rhs"])) * 1.1 + 1)
        ax.set_ylabel(r"loss $L(t)$")
        ax.grid(alpha=0.3, which="both")
        plots.legend(ax, ncol=2)
        plots.finish(fig_, path, plots.title_of(plots.part_tag(ctx, "bw.eq79"), "hitting time vs bound: " + lab, inst))

    return engines.sampled(_eq79_slack(steps), _eq79_sampler, ctx, search=_eq79_search(), describe=describe,
                           method="mpmath GD trajectories (numeric.shallow.gd_run)",
                           label=lab, figure=figure)


EQ79 = Claim(
    id="bw.eq79",
    title="Final step count of Theorem 2",
    source="App. F.5, eq. (79)",
    statement=r"$L\le\delta$ in a number of steps $t\le\tau+\frac{\log\Phi-\log(\Phi/2)}{\eta\min\{Q_\tau,2\Phi\}}+2+"
    r"\frac{\log(\Phi/2)-\log\delta}{\eta\min\{Q_\tau,\Phi\}}$, $\tau=\tau_1$ of Definition 2. Encoding: $t$ = first "
    r"hitting time of $L=\varepsilon^2/2\le\delta$; for Region-C inits $\tau=\tau_1$ of (47) and $Q_\tau="
    r"\sum_i|Q_i(\tau_1)|$, otherwise $\tau=0$, $Q_\tau=Q(0)$; $\delta=\theta\min\{\Phi/2,\Phi^2/8\}$, "
    r"$\theta\in(0,1)$ (so both $\delta$ and the residual level $\sqrt{2\delta}$ are below $\Phi/2$).",
    kind=Kind.INEQUALITY,
    hypotheses="Theorem 2: Phi > 0, Q(0) != 0, 0 < eta < min{1/(2|eps0|), 2/sqrt(lam0^2+4Phi^2)}; random inits "
    "(all regions, d = 1, 2, 3, Phi log-uniform in [1e-3, 1e3]) + the near-(a = -b) family + a search over d = 1 inits",
    check=_check_eq79,
    depends_on=("bw.lemma4", "bw.lemma15", "bw.eq76", "bw.def2"),
)


CLAIMS = [F1, EQ69, EQ70, EQ71, EQ72, EQ74, EQ76, EQ79]
