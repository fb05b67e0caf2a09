"""bw §5, §6, App. B: speed of convergence.

Theorem 2 (eq. (10)) and its large-step part, the §6 sketch (eq. (12)), Lemma 1 (norm bound),
Lemma 2 (alpha conserved by GF, decreased by GD) and Lemma 4 (residual rate -> loss rate, eq. (15)).
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

import mpmath as mp
import sympy as sp

from numeric import samplers
from numeric.kernels import reduced_gd_outcome
from numeric.precision import mpf_of
from numeric.shallow import gd_run, reduced_step, state
from symbolic.derive import time_derivative

from ... import engines
from ...claim import Claim, Context, Kind, Outcome, Variant, all_of
from ...spec import AllOf, Along, Domain, Holds, Identity, Inequality, Real, claim
from . import plots
from .common import DIMS, Phi, eps, eta, init_instance, lam, model
from .lib_alpha import (
    ALPHA,
    GD_INIT,
    GF_INIT,
    HAND_CASES,
    REDUCED,
    TRUE_FORMULA,
    alpha_change_reduced,
    below_lambar,
    derivation_in_components,
    full_formula_checks,
    gd_describe,
    gd_lam_states,
    gd_norm_figure,
    gf_norm_figure,
    gf_sup_slack,
    hand_case,
    hyp_component_sampler,
    realizable_reduced_sampler,
)

# ================================================================== helpers


def _ab(inst) -> Fraction:
    return sum((x * y for x, y in zip(inst["a"], inst["b"], strict=True)), Fraction(0))


def _lam(inst) -> Fraction:
    return sum((x * x for x in inst["a"]), Fraction(0)) + sum((y * y for y in inst["b"]), Fraction(0))


def _q_abs(inst) -> Fraction:
    return sum((abs(x * x - y * y) for x, y in zip(inst["a"], inst["b"], strict=True)), Fraction(0))


def theorem2_hypotheses(inst) -> bool:
    """0 < eta < min{1/(2|eps0|), 2/sqrt(lam0^2 + 4 Phi^2)} and Q(0) != 0, decided exactly."""
    h, P = inst["eta"], inst["Phi"]
    e0, l0 = _ab(inst) - P, _lam(inst)
    if h <= 0 or _q_abs(inst) == 0:
        return False
    if e0 != 0 and not 2 * abs(e0) * h < 1:
        return False
    return h * h * (l0 * l0 + 4 * P * P) < 4


def hitting_time(inst, delta: Fraction, cap: int) -> int | None:
    """First t with L(t) = eps_t^2 / 2 <= delta for GD from the exact instance (current precision)."""
    a = [mpf_of(x) for x in inst["a"]]
    b = [mpf_of(x) for x in inst["b"]]
    P, h, dl = mpf_of(inst["Phi"]), mpf_of(inst["eta"]), mpf_of(delta)
    for t in range(cap + 1):
        e = mp.fsum(x * y for x, y in zip(a, b, strict=True)) - P
        if e * e / 2 <= dl:
            return t
        a, b = [x - h * e * y for x, y in zip(a, b, strict=True)], [y - h * e * x for x, y in zip(a, b, strict=True)]
    return None


# ================================================================== Theorem 2 (eq. (10))

T2_DELTA = Fraction(1, 10**10)
T2_ETA = Fraction(1, 10)


def _family_f1(k: int) -> dict:
    """(F1) Region C near a = -b: d = 1, Phi = 1, a0 = 1, b0 = -(1 - 10^-k), eta = 1/10."""
    return {"a": (Fraction(1),), "b": (-(1 - Fraction(1, 10**k)),), "Phi": Fraction(1), "eta": T2_ETA}


def _family_f2(k: int) -> dict:
    """(F2) Region B near the origin: d = 1, Phi = 1, a0 = 1.5 x, b0 = x, x = 10^-k, eta = 1/10."""
    x = Fraction(1, 10**k)
    return {"a": (Fraction(3, 2) * x,), "b": (x,), "Phi": Fraction(1), "eta": T2_ETA}


def theorem2_rhs(inst, delta: Fraction, form: str):
    """The bound of eq. (10) with constant 1.  log(a0.b0) is read as log max{|a0.b0|, 1} (the printed
    log is undefined for a0.b0 <= 0; for |a0.b0| <= 1 every real reading is <= 0, this one is the
    largest).  form 'sum': printed denominator eta_bar Q0 e^{min(-ab0,0)} + eta_bar Phi;
    'min': eta_bar min{Q0 e^{min(-ab0,0)}, Phi} (the reading consistent with eq. (79))."""
    P, h = mpf_of(inst["Phi"]), mpf_of(inst["eta"])
    ab0, l0, q0 = mpf_of(_ab(inst)), mpf_of(_lam(inst)), mpf_of(_q_abs(inst))
    eta_bar = min(h, 2 / mp.sqrt(l0**2 + 4 * P**2) - h)
    t1 = mp.log(max(abs(ab0), 1)) / (h * P)
    t2 = abs(ab0) / (h * P)
    qe = q0 * mp.exp(min(-ab0, 0))
    den = eta_bar * qe + eta_bar * P if form == "sum" else eta_bar * min(qe, P)
    return t1 + t2 + mp.log(1 / mpf_of(delta)) / den


def _theorem2_growth(ctx: Context, form: str, family: str) -> Outcome:
    build = _family_f1 if family == "F1" else _family_f2
    cap = ctx.budget.max_steps
    # T grows by ~24 steps per unit of k along both families: sweep k geometrically up to the
    # step cap (at most 2000: the run needs ~k extra digits)
    k_max = max(8, min(2000, cap // 30))
    n = max(3, ctx.budget.sweep_points)
    ks = sorted({max(1, round(k_max ** (j / (n - 1)))) for j in range(n)})

    def ratio(p: Fraction, dps: int):
        k = int(p)
        inst = build(k)
        if not theorem2_hypotheses(inst):
            return None
        with mp.workdps(dps + k + 20):
            T = hitting_time(inst, T2_DELTA, cap)
            if T is None:
                return None
            return mp.mpf(T) / theorem2_rhs(inst, T2_DELTA, form)

    desc = (f"{family}: " + ("a0=1, b0=-(1-10^-k)" if family == "F1" else "a0=1.5*10^-k, b0=10^-k")
            + ", d=1, Phi=1, eta=1/10, delta=1e-10; ratio = T(delta) / RHS(constant 1)")
    return engines.growth([Fraction(k) for k in ks], ratio, ctx, family=desc,
                          label=f"{family} ({form} form)",
                          inputs_of=lambda p: {"k": str(p), "d": "1", "Phi": "1", "eta": str(T2_ETA),
                                               "delta": str(T2_DELTA),
                                               **({"a0": "1", "b0": f"-(1 - 10^-{p})"} if family == "F1" else
                                                  {"a0": f"3/2 * 10^-{p}", "b0": f"10^-{p}"})})


SCALE_NOTE = ("under (a, b, Phi, eta, delta) -> (s a, s b, s^2 Phi, eta/s^2, s^4 delta) step counts are invariant; "
              "|a0.b0|/(eta Phi) scales by s^2, log(a0.b0)/(eta Phi) shifts by 2 log(s)/(eta Phi), exp(-a0.b0) is "
              "not invariant; eta_bar Q0 and eta_bar Phi are invariant (reported, not judged: a non-invariant "
              "term alone does not violate an upper bound)")


def _theorem2_figure(ctx: Context, out: Outcome, form: str) -> Outcome:
    return plots.growth_figure(
        ctx, out, "T_over_RHS", f"T(delta)/RHS of eq. (10) ({form} form, constant 1) along the families",
        "k (family parameter: 1 - 10^-k or 10^-k)", "T(delta) / RHS  (bounded = O() holds)",
        "F1: d=1, Phi=1, a0=1, b0=-(1-10^-k); F2: d=1, Phi=1, a0=1.5*10^-k, b0=10^-k; "
        "eta=1/10, delta=1e-10")


def _check_theorem2(ctx: Context) -> Outcome:
    out = all_of([_theorem2_growth(ctx, "sum", "F1"), _theorem2_growth(ctx, "sum", "F2")])
    out.details["scaling"] = SCALE_NOTE
    return _theorem2_figure(ctx, out, "sum")


def hitting_time_reduced(inst, delta, cap: int) -> int | None:
    """First t with eps_t^2/2 <= delta, by the exact (eps, lam) recursion (6)-(7) (proved exact in every d
    by bw.eq6/eq7) from the exact initial state, at the current precision."""
    e = mpf_of(_ab(inst) - inst["Phi"])
    l, P, h, dl = mpf_of(_lam(inst)), mpf_of(inst["Phi"]), mpf_of(inst["eta"]), mpf_of(delta)
    for t in range(cap + 1):
        if e * e / 2 <= dl:
            return t
        e, l = reduced_step(e, l, P, h)
        if not mp.isfinite(e) or abs(e) > mp.mpf(10) ** 40 * (1 + P):
            return None
    return None


def _lambar_cap(inst) -> Fraction | None:
    """2/sqrt(lam0^2 + 4 Phi^2) rounded down (45 decimals) when it is the binding Theorem-2 cap, else None."""
    e0, l0, P = _ab(inst) - inst["Phi"], _lam(inst), inst["Phi"]
    with mp.workdps(60):
        c2 = 2 / mp.sqrt(mpf_of(l0 * l0 + 4 * P * P))
        if e0 != 0 and 1 / (2 * abs(mpf_of(e0))) <= c2:
            return None
        return Fraction(int(mp.floor(c2 * mp.mpf(10) ** 45)), 10**45)


def _f3_init(rng: random.Random, i: int, need_lambar_cap: bool = False) -> dict:
    """(F3) random init: regions A, B, C cycled, d = 1, 2, 3, Q(0) != 0; eta = u * cap with u from the
    catalogue fractions up to 0.999 (the cap rounded down, so the hypotheses hold exactly)."""
    for j in range(500):
        inst = samplers.shallow_init(rng, i + j, region=("A", "B", "C")[(i + j) % 3], d=DIMS[(i + j + i // 3) % 3])
        if _q_abs(inst) == 0 or (need_lambar_cap and _lambar_cap(inst) is None):
            continue
        cap = samplers.STEP_FRACTIONS[(i + j) % len(samplers.STEP_FRACTIONS)]
        inst["eta"] = cap * init_cap(inst)
        if theorem2_hypotheses(inst):
            return inst
    raise RuntimeError("no F3 init found")


def init_cap(inst) -> Fraction:
    from numeric.shallow import theorem_cap

    return theorem_cap(inst["a"], inst["b"], inst["Phi"])


def _fmt_inst(inst) -> dict[str, str]:
    return {"a": "[" + ", ".join(str(x) for x in inst["a"]) + "]", "b": "[" + ", ".join(str(x) for x in inst["b"]) + "]",
            "Phi": str(inst["Phi"]), "eta": str(inst["eta"])}


def _theorem2_delta_sweep(ctx: Context, inst: dict, tag: str) -> Outcome:
    """T(delta)/RHS_min(delta) as delta -> 0 (delta = min(L0, 1) 10^-2j) for one fixed F3 init."""
    cap = ctx.budget.max_steps
    n = max(3, ctx.budget.sweep_points) + (4 if ctx.budget.name != "quick" else 0)  # hitting times are cheap
    L0 = (_ab(inst) - inst["Phi"]) ** 2 / 2
    base = min(L0, Fraction(1))
    js = list(range(1, n + 1))

    def delta_of(j: int) -> Fraction:
        return base / Fraction(10) ** (2 * j)

    def ratio(p: Fraction, dps: int):
        dl = delta_of(int(p))
        T = hitting_time_reduced(inst, dl, cap)
        return None if T is None or T == 0 else mp.mpf(T) / theorem2_rhs(inst, dl, "min")

    def marginal(p: Fraction, dps: int):
        """[T(delta_j) - T(delta_{j-1})] / [RHS(delta_j) - RHS(delta_{j-1})]."""
        j = int(p)
        d1, d0 = delta_of(j), delta_of(j - 1)
        T1, T0 = hitting_time_reduced(inst, d1, cap), hitting_time_reduced(inst, d0, cap)
        if T1 is None or T0 is None:
            return None
        return mp.mpf(T1 - T0) / (theorem2_rhs(inst, d1, "min") - theorem2_rhs(inst, d0, "min"))

    # T and RHS are both affine in log(1/delta) for small delta, so T/RHS approaches its limit like
    # c - b/log(1/delta), which no sweep can tell from slow growth.  The increments decide instead:
    # if T(delta_1) <= C RHS(delta_1) and every increment of T is <= C times that of RHS, then
    # T(delta_j) <= C RHS(delta_j) for all j (telescoping), so a bounded marginal ratio (with the first
    # ratio finite) is the O() claim along the sweep.
    def one_step(p: Fraction) -> float:
        """T is an iteration count: its increment moves in whole steps, so the marginal ratio's
        resolution is one step over the RHS increment."""
        j = int(p)
        return float(1 / (theorem2_rhs(inst, delta_of(j), "min") - theorem2_rhs(inst, delta_of(j - 1), "min")))

    out = engines.growth([Fraction(j) for j in js[1:]], marginal, ctx, label=f"delta sweep, {tag} (min form)",
                         resolution=one_step, resolution_note="T(delta_j) - T(delta_{j-1}) is a count of GD steps: "
                         "one step over the RHS increment",
                         family=f"{tag}: fixed init, delta_j = min(L0,1) 10^-2j, j = 2..{n}; marginal ratio "
                         "[T(delta_j) - T(delta_{j-1})] / [RHS(delta_j) - RHS(delta_{j-1})]",
                         inputs_of=lambda p: {**_fmt_inst(inst), "delta": str(delta_of(int(p)))})
    with mp.workdps(ctx.dps):
        direct = [(j, ratio(Fraction(j), ctx.dps)) for j in js]
    out.details["T(delta)/RHS(delta), j = 1..n (direct ratio; bounded by max(first, sup marginal))"] = [
        [j, None if r is None else float(r)] for j, r in direct]
    return out


def _theorem2_eta_sweep(ctx: Context, inst: dict, tag: str) -> Outcome:
    """T/RHS_min as eta = (1 - 10^-j) 2/lambda_bar -> 2/lambda_bar (eta_bar -> 0), fixed init and delta."""
    cap = ctx.budget.max_steps
    n = max(3, ctx.budget.sweep_points)
    c2 = _lambar_cap(inst)
    assert c2 is not None
    js = list(range(1, n + 1))

    def at(j: int) -> dict:
        return {**inst, "eta": (1 - Fraction(1, 10**j)) * c2}

    def ratio(p: Fraction, dps: int):
        x = at(int(p))
        if not theorem2_hypotheses(x):
            return None
        T = hitting_time_reduced(x, T2_DELTA, cap)
        return None if T is None or T == 0 else mp.mpf(T) / theorem2_rhs(x, T2_DELTA, "min")

    return engines.growth([Fraction(j) for j in js], ratio, ctx, label=f"eta -> 2/lambda_bar, {tag} (min form)",
                          family=f"{tag}: fixed init, eta = (1 - 10^-j) 2/lambda_bar, j = 1..{n}, delta = 1e-10; "
                          "ratio = T(delta)/RHS",
                          inputs_of=lambda p: {**_fmt_inst(at(int(p))), "delta": str(T2_DELTA)})


def _theorem2_f3_parts(ctx: Context) -> list[Outcome]:
    rng = ctx.rng("theorem2-F3")
    k = max(3, ctx.budget.samples // 8)
    parts = []
    # a hand instance with the 2/lambda_bar cap binding: d = 1, a0 = 1, b0 = 1/2, Phi = 1 (Region B)
    hand = {"a": (Fraction(1),), "b": (Fraction(1, 2),), "Phi": Fraction(1), "eta": Fraction(0)}
    for i in range(k):
        inst = _f3_init(rng, i)
        parts.append(_theorem2_delta_sweep(ctx, inst, f"F3 #{i} (d={len(inst['a'])})"))
    parts.append(_theorem2_eta_sweep(ctx, hand, "a0=1, b0=1/2, Phi=1"))
    for i in range(k - 1):
        inst = _f3_init(rng, 100 + i, need_lambar_cap=True)
        parts.append(_theorem2_eta_sweep(ctx, inst, f"F3 #{100 + i} (d={len(inst['a'])})"))
    return parts


def _f3_ratio_table(ctx: Context) -> list[list[str]]:
    """For information: T(1e-10)/RHS (min form, constant 1) at F3 inits with the catalogue fractions."""
    rng = ctx.rng("theorem2-F3-table")
    rows = []
    for i in range(max(6, ctx.budget.samples // 4)):
        inst = _f3_init(rng, i)
        with mp.workdps(ctx.dps):
            T = hitting_time_reduced(inst, T2_DELTA, ctx.budget.max_steps)
            if T is not None:
                rows.append([f"d={len(inst['a'])}", f"u*cap, eta={mp.nstr(mpf_of(inst['eta']), 4)}", str(T),
                             mp.nstr(mp.mpf(T) / theorem2_rhs(inst, T2_DELTA, "min"), 4)])
    return rows


def _check_theorem2_min(ctx: Context) -> Outcome:
    out = all_of([_theorem2_growth(ctx, "min", "F1"), _theorem2_growth(ctx, "min", "F2")] + _theorem2_f3_parts(ctx))
    out.details["F3 T/RHS at catalogue fractions (d, eta, T, ratio; information only)"] = _f3_ratio_table(ctx)
    return _theorem2_figure(ctx, out, "min")


THEOREM2 = Claim(
    id="bw.theorem2",
    title="Theorem 2: GD rate (eq. (10))",
    source="§5, Theorem 2, eq. (10); proof App. E-F, eq. (79)",
    statement=r"$0<\eta<\min\{\frac1{2|\varepsilon(0)|},\frac2{\sqrt{\lambda(0)^2+4\Phi^2}}\}$, "
    r"$\bar\eta=\min\{\eta,\frac2{\sqrt{\lambda(0)^2+4\Phi^2}}-\eta\}$, $Q(0)\ne0$: for any $\delta>0$ there is $T$ "
    r"with $L\le\delta$ and $T\le\mathcal O\big(\frac{\log(\mathbf a_0^\top\mathbf b_0)}{\eta\Phi}+"
    r"\frac{|\mathbf a_0^\top\mathbf b_0|}{\eta\Phi}+\frac{\log(1/\delta)}{\bar\eta Q(0)\exp(\min\{-\mathbf a_0^\top"
    r"\mathbf b_0,0\})+\bar\eta\Phi}\big)$",
    kind=Kind.ASYMPTOTIC,
    hypotheses="hypotheses checked exactly at each sweep point; T(delta) = first t with eps_t^2/2 <= delta "
    "(mpmath GD at 50 + k + 20 digits, cap max_steps); ratio T/RHS with constant 1 along (F1) Region C "
    "near a = -b and (F2) Region B near the origin, k swept geometrically up to max_steps/30; "
    "log(a0.b0) read as log max{|a0.b0|, 1} (undefined as printed for a0.b0 <= 0); reading also: (F3) "
    "random inits (regions A, B, C, d = 1, 2, 3, Q(0) != 0, eta = u cap, u in the catalogue fractions up to "
    "0.999) with a delta sweep delta = min(L0, 1) 10^-2j each, and eta = (1 - 10^-j) 2/lambda_bar families "
    "(inits where 2/lambda_bar is the binding cap: a hand case a0 = 1, b0 = 1/2, Phi = 1 and F3 inits), "
    "T by the exact (eps, lam) recursion; along F1/F2 alone the min-form RHS grows like 1/Q(0) while T "
    "grows like log(1/Q(0)), so those families cannot refute it",
    check=_check_theorem2,
    reading=r"last term with denominator $\bar\eta\min\{Q(0)e^{\min\{-\mathbf a_0^\top\mathbf b_0,0\}},\Phi\}$ "
    r"(consistent with eq. (79)); $\log$ of $\max\{|\mathbf a_0^\top\mathbf b_0|,1\}$; tested along F1, F2, "
    r"delta sweeps $\delta\to0$ from random (F3) inits, and $\eta\to2/\bar\lambda$ ($\bar\eta\to0$) families",
    reading_check=_check_theorem2_min,
    depends_on=("bw.lemma4", "bw.prop2", "bw.lemma16", "bw.eq79", "bw.lemma8"),
)


# ================================================================== Theorem 2, large steps


def eos_window(inst, dps: int = 60):
    """(lo, hi) of the second display of Theorem 2 with eps, lam = eps(0), lam(0)."""
    with mp.workdps(dps):
        e, l, _ = state([mpf_of(x) for x in inst["a"]], [mpf_of(x) for x in inst["b"]], mpf_of(inst["Phi"]))
        P = mpf_of(inst["Phi"])
        if e == 0:
            return None
        lo = min(mp.sqrt(2) / abs(e), 2 / mp.sqrt(l**2 + 4 * P**2))
        hi = min(2 / abs(e), 2 / l + 2 * e * (e + P) / l**3)
        return lo, hi


def eos_sampler(rng: random.Random, i: int) -> dict:
    """Inits (regions cycled, d = 1, 2, 3) with a non-empty window; eta = lo + u (hi - lo), u in (0, 1),
    rounded to 40 decimals and kept only if strictly inside (checked at 60 digits)."""
    for j in range(2000):
        inst = samplers.shallow_init(rng, i + j, region=("A", "B", "C", None)[(i + j) % 4])
        w = eos_window(inst)
        if w is None or not w[0] < w[1] or (w[1] - w[0]) < mp.mpf(10) ** -30 * w[1]:
            continue
        u = samplers.step_fraction(rng, i) if i % 3 else samplers.uniform(rng, 0.0, 1.0)
        u = min(max(u, Fraction(1, 1000)), Fraction(999, 1000))
        with mp.workdps(60):
            x = w[0] + mpf_of(u) * (w[1] - w[0])
            h = Fraction(int(mp.floor(x * mp.mpf(10) ** 40)), 10**40)
            if w[0] < mpf_of(h) < w[1]:
                inst["eta"] = h
                return inst
    raise RuntimeError("no init with a non-empty large-step window")


def in_window_at(h, e, l, lam0, P) -> bool:
    """eta strictly inside the printed window with eps, lam = eps(t), lam(t) (lambda(0) where printed)."""
    c2 = 2 / mp.sqrt(lam0**2 + 4 * P**2)
    lo = c2 if e == 0 else min(mp.sqrt(2) / abs(e), c2)
    hi = 2 / l + 2 * e * (e + P) / l**3
    if e != 0:
        hi = min(2 / abs(e), hi)
    return lo < h < hi


def eos_outcome(inst, dps: int, max_steps: int, window_every_t: bool = False):
    """Iterate the exact (eps, lam) recursion (6)-(7).  'converged': |eps| < 10^(-0.6 dps) (|eps0| + Phi)
    with a linearly stable limit |1 - eta lam| < 1; 'diverged': a certificate of divergence was met,
    |eta eps| >= max(6, 4 eta Phi) and eta lam <= (eta eps)^2 / 2 (this set is forward invariant and
    |eta eps| at least cubes in it: see the module notes); else 'undecided'.  With ``window_every_t``
    the window is re-evaluated at (eps(t), lam(t)) before every step's test, and a run that leaves it
    is 'left window' (outside the hypothesis read that way)."""
    w = eos_window(inst, dps + 10)
    with mp.workdps(dps):
        h = mpf_of(inst["eta"])
        if w is None or not w[0] < h < w[1]:
            return None, 0
        e, l, _ = state([mpf_of(x) for x in inst["a"]], [mpf_of(x) for x in inst["b"]], mpf_of(inst["Phi"]))
        P = mpf_of(inst["Phi"])
        lam0 = l
        tol = mp.mpf(10) ** (-(dps * 3) // 5) * (abs(e) + P)
        if not window_every_t:  # the loop below in MPFR, bit for bit (None: exponent range exceeded)
            fast = reduced_gd_outcome(e, l, P, h, tol, max_steps)
            if fast is not None:
                return fast
        p = h * P
        for t in range(max_steps + 1):
            if window_every_t and not in_window_at(h, e, l, lam0, P):
                return "left window", t
            X, S = h * e, h * l
            if abs(X) >= max(6, 4 * p) and S <= X * X / 2:
                return "diverged", t
            if abs(e) < tol and abs(1 - S) < 1:
                return "converged", t
            e, l = reduced_step(e, l, P, h)
    return "undecided", max_steps


def _eos_convergence(ctx: Context, every_t: bool = False) -> Outcome:
    """every_t False: the window at eps(0), lam(0); True: the window must hold at every t along the run
    (runs that leave it are not applicable)."""
    steps = ctx.budget.max_steps // 2
    tally: dict[str, int] = {}

    def slack(inst, dps):
        res, _ = eos_outcome(inst, dps, steps, window_every_t=every_t)
        if dps == ctx.dps:
            tally[str(res)] = tally.get(str(res), 0) + 1
        if res is None or res in ("undecided", "left window"):
            return None
        return mp.mpf(1) if res == "converged" else mp.mpf(-1)

    def describe(inst, dps):
        res, t = eos_outcome(inst, dps, steps, window_every_t=every_t)
        w = eos_window(inst)
        return {"outcome": str(res), "at_step": str(t), "window_lo": w[0], "window_hi": w[1],
                "eps0": mpf_of(_ab(inst) - inst["Phi"]), "lam0": mpf_of(_lam(inst))}

    label = ("GD converges for eta in the window at every t (eps, lam = eps(t), lam(t); runs leaving it "
             "not applicable)" if every_t else "GD converges for eta in the window")
    # divergence occurs on a few percent of the draws (eta near the top of the window): 3x the budget's
    # samples so that the outcome does not hinge on the particular random draw
    out = engines.sampled(slack, eos_sampler, ctx, describe=describe, label=label, samples=3 * ctx.budget.samples,
                          method="exact (eps, lam) recursion in mpmath")
    out.details["outcomes (working precision)"] = dict(tally)
    if every_t:
        out.details["note"] = ("a run that meets the divergence certificate has |eta eps_t| >= 6 > 2, i.e. "
                               "eta > 2/|eps_t|: it has left the window, so under this reading divergence "
                               "cannot count against the claim; only runs that stay inside are judged")
    return out


def _eos_slow_phase(ctx: Context) -> Outcome:
    """App. F.1 construction: d = 1, Phi = 1, a0 = 2, b0 = (1 + e0)/2 (eps0 = e0 > 0 small),
    eta = 2/lam0 (inside the window).  T_half = first t with |eps_t| <= e0/2; a 1/t phase
    (|eps(t+1)| - |eps(t)| ~ -c eps^2) means T_half * e0 * 4 Phi / lam0^2 stays bounded above and below."""
    cap = ctx.budget.max_steps
    j_max = max(6, int(math.log2(cap * 0.9 / 1.25)))
    n = max(3, ctx.budget.sweep_points)
    js = list(range(max(3, j_max - n + 1), j_max + 1))

    def build(j: int) -> dict:
        e0 = Fraction(1, 2**j)
        inst = {"a": (Fraction(2),), "b": ((1 + e0) / 2,), "Phi": Fraction(1)}
        inst["eta"] = 2 / _lam(inst)
        return inst

    def t_half_scaled(p: Fraction, dps: int):
        inst = build(int(p))
        w = eos_window(inst, dps + 10)
        if w is None or not w[0] < mpf_of(inst["eta"]) < w[1]:
            return None
        e, l, P, h = _ab(inst) - 1, _lam(inst), Fraction(1), inst["eta"]
        x, y = mpf_of(e), mpf_of(l)
        for t in range(cap + 1):
            if abs(x) <= mpf_of(e) / 2:
                return mp.mpf(t) * mpf_of(e) * 4 / mpf_of(l) ** 2
            x, y = reduced_step(x, y, mpf_of(P), mpf_of(h))
        return None

    fam = "App. F.1: d=1, Phi=1, a0=2, b0=(1+2^-j)/2, eta=2/lam0; ratio = T_half * eps0 * 4Phi/lam0^2"
    params = [Fraction(j) for j in js]
    up = engines.growth(params, t_half_scaled, ctx, family=fam, label="1/t phase: T_half*eps0 bounded above")
    down = engines.growth(params, lambda p, dps: (lambda r: None if r is None else 1 / r)(t_half_scaled(p, dps)),
                          ctx, family=fam + " (inverse)", label="1/t phase: T_half*eps0 bounded below")
    return all_of([up, down]).named("App. F.1 family: halving time Theta(1/eps0)")


def _footnote4_printed(ctx: Context) -> Outcome:
    """Footnote 4 as printed: eta(t+1) - eta(t) = c eta(t)^2 with a small constant c > 0.  GD's step
    size is constant (eta(t+1) - eta(t) = 0), so the equation states 0 = c eta^2 > 0."""
    c, h = sp.symbols("c eta", positive=True)
    return engines.identity(sp.Integer(0), c * h**2, ctx,
                            sample=lambda rng: {c: sp.Rational(1, 100), h: sp.Rational(1, 2)},
                            label="footnote 4 as printed: eta(t+1) - eta(t) = (small constant) eta(t)^2 "
                            "with GD's constant eta")


def _check_theorem2_eos(ctx: Context) -> Outcome:
    """Printed: the window read at t = 0 (the catalogue's reading of eps, lam without a time index)
    and footnote 4 as printed."""
    return all_of([_eos_convergence(ctx), _footnote4_printed(ctx)])


def _check_theorem2_eos_every_t(ctx: Context) -> Outcome:
    return _eos_convergence(ctx, every_t=True)


def _check_theorem2_eos_reading(ctx: Context) -> Outcome:
    return all_of([_eos_convergence(ctx), _eos_slow_phase(ctx)])


THEOREM2_EOS = Claim(
    id="bw.theorem2_eos",
    title="Theorem 2, large step sizes",
    source="§5, Theorem 2 (second display), footnote 4; App. F.1",
    statement=r"If $\min\{\frac{\sqrt2}{|\varepsilon|},\frac2{\sqrt{\lambda(0)^2+4\Phi^2}}\}<\eta<\min\{\frac2{|\varepsilon|},"
    r"\frac2\lambda+\frac{2\varepsilon(\varepsilon+\Phi)}{\lambda^3}\}$, then GD converges but may do so at a "
    r"logarithmically slow rate (fn. 4: a phase with $\eta(t+1)-\eta(t)=(\text{small const})\,\eta(t)^2$, like $\dot x=-x^2$)",
    kind=Kind.QUALITATIVE,
    hypotheses="printed and reading: eps, lam without a time index = eps(0), lam(0) (the catalogue's reading; "
    "printed adds footnote 4 as printed, reading replaces it by the App. F.1 1/t phase); reading2: the window "
    "must hold at every t along the run, eps, lam = eps(t), lam(t) (runs that leave it are not applicable, "
    "counted).  eta exact rational strictly inside the window at t = 0; inits from "
    "regions A/B/C, d = 1, 2, 3; exact (eps, lam) recursion for max_steps/2 steps.  Measured: converged "
    "(|eps| < 10^-30 (|eps0|+Phi), stable limit) / diverged (certificate |eta eps| >= max(6, 4 eta Phi) and "
    "eta lam <= (eta eps)^2/2, a forward-invariant set on which |eta eps| grows at least like x -> x^3/4) / "
    "undecided (neither within the cap: not applicable, counted)",
    check=_check_theorem2_eos,
    reading=r"$\varepsilon,\lambda=\varepsilon(0),\lambda(0)$; GD converges for every $\eta$ in the window; and along the "
    r"App. F.1 construction ($\eta=2/\lambda(0)$, $\varepsilon(0)\to0^+$) $|\varepsilon|$ decays like $1/t$: "
    r"the halving time is $\Theta(1/\varepsilon(0))$",
    reading_check=_check_theorem2_eos_reading,
    extra_variants=(Variant(
        "reading2", r"The window read at every $t$ ($\varepsilon,\lambda=\varepsilon(t),\lambda(t)$): GD converges "
        r"along every run that stays in it", _check_theorem2_eos_every_t),),
    depends_on=("bw.f1",),
    notes="Divergence certificate: with x = eta eps, s = eta lam, p = eta Phi, GD gives x' = x(1 - s + x(x+p)), "
    "s' = (1+x^2)s - 4x(x+p).  If |x| >= max(6, 4p) and s <= x^2/2 then |x'| >= |x|^3/4 >= 9|x| and "
    "s' <= x^4 <= x'^2/2, so the set is invariant and |eps| -> infinity.",
)


# ================================================================== eq. (12)


def _eq12_sampler(rng: random.Random, i: int) -> dict:
    if i < 2:
        return hand_case(Fraction(9, 5) if i == 0 else Fraction(3))
    return init_instance(rng, i)


def _eq12_parts(ctx: Context) -> Outcome:
    steps = ctx.budget.max_steps // 4

    def runs(inst):
        if not theorem2_hypotheses(inst):
            return None
        return gd_run(inst["a"], inst["b"], inst["Phi"], inst["eta"], steps)

    def sup_slack(inst, dps):
        run = runs(inst)
        if run is None:
            return None
        return (2 - max(run.eta * x for x in run.lam)) / 2

    def mono_slack(inst, dps):
        run = runs(inst)
        if run is None:
            return None
        return min((run.lam[t] - run.lam[t + 1]) / run.lam[0] for t in range(run.steps)) if run.steps else None

    def describe(inst, dps):
        with mp.workdps(dps):
            run = runs(inst)
            t = max(range(len(run.lam)), key=lambda k: run.lam[k])
            approx = max((abs(run.eps[k + 1] - (1 - run.eta * run.lam[k]) * run.eps[k]) / abs(run.eps[k])
                          for k in range(run.steps) if run.eps[k] != 0), default=mp.mpf(0))
            return {"max eta*lam": run.eta * run.lam[t], "at_t": str(t), "eta*lam0": run.eta * run.lam[0],
                    "converged": str(run.converged),
                    "max |eps(t+1)-(1-eta lam)eps(t)|/|eps(t)|": approx}

    tag = plots.part_tag(ctx, "bw.eq12")

    def figure(what: str):
        def fig(inst, path):
            run = runs(inst)
            ts = list(range(run.steps + 1))
            fig_, (ax, ax2) = plots.new(ncols=2, width=5.6)
            ax.plot(ts, plots.fls(run.eta * x for x in run.lam), "-", lw=1.4, label=r"$\eta\lambda(t)$")
            ax.axhline(2, color="k", ls="--", lw=1, label="bound 2 (must stay strictly below)")
            ax.axhline(plots.fl(2 * run.eta / (2 / mp.sqrt(run.lam[0] ** 2 + 4 * run.Phi**2))), color="tab:green",
                       ls=":", lw=1, label=r"$\eta\bar\lambda$ ($<2$ by the hypothesis)")
            plots.steps_axis(ax, n=len(ts))
            ax.set_ylabel(r"$\eta\lambda(t)$")
            ax.grid(alpha=0.3, which="both")
            plots.legend(ax)
            plots.plot_slack(ax2, ts[:-1], [(run.lam[t] - run.lam[t + 1]) / run.lam[0] for t in range(run.steps)],
                             r"$(\lambda(t)-\lambda(t+1))/\lambda(0)$", title=r"per-step decrease of $\lambda$")
            plots.steps_axis(ax2, n=len(ts))
            ax2.grid(alpha=0.3, which="both")
            plots.finish(fig_, path, plots.title_of(tag, what, inst))

        return fig

    sup = engines.sampled(sup_slack, _eq12_sampler, ctx, strict=True, describe=describe,
                          label="sup_t eta*lam(t) < 2", method="mpmath GD trajectories",
                          figure=figure("sup_t eta*lam(t) < 2"))
    mono = engines.sampled(mono_slack, _eq12_sampler, ctx, describe=describe,
                           label="lam(t+1) <= lam(t) (decreases)", method="mpmath GD trajectories",
                           figure=figure("lam(t+1) <= lam(t) (decreases)"))
    return all_of([sup, mono])


EQ12 = Claim(
    id="bw.eq12",
    title="Approximate residual contraction and eta*lam < 2",
    source="§6, eq. (12) and following sentences",
    statement=r"$\varepsilon(t+1)\approx(1-\eta\lambda(t))\varepsilon(t)$; if at initialization "
    r"$\eta<\frac2{\sqrt{\lambda(0)^2+4\Phi^2}}$ this will be the case throughout the trajectory. This implies "
    r"that $\eta\lambda(t)$ is upper bounded by a quantity strictly smaller than 2 and decreases.",
    kind=Kind.INEQUALITY,
    hypotheses="Theorem-2 hypotheses at t = 0 (checked exactly; inits: catalogue hand cases d = 1, Phi = 1, "
    "b0 = 0, a0 = 9/5, 3, eta = 0.999 cap, and random inits of all regions, d = 1, 2, 3, eta = u cap); "
    "measured along mpmath GD runs (max_steps/4 steps): sup_t eta lam(t) < 2 and lam(t+1) <= lam(t) "
    "for every computed step; the quality of the approximation (12) is reported, not judged",
    check=_eq12_parts,
    depends_on=("bw.lemma1",),
)


# ================================================================== Lemma 1

GD_STEPS = 2_000  # per run; runs that have not converged by then are not applicable


def _eta_up_to(text, cap):
    return Real("eta", 0, (text, cap), lo_open=True)


@claim("bw.lemma1", title="Norm stays bounded (GD and GF)", source="§6, Lemma 1 (= App. C, Lemmas 6 and 8)",
       kind=Kind.INEQUALITY, depends_on=("bw.lemma2", "bw.lemma7", "bw.lemma6"),
       statement=r"Let $\eta\le1/\varepsilon(0)$ and assume $|\varepsilon(t)|$ is monotonically decreasing along GD. "
       r"Then $\lambda(t)\le\sqrt{\lambda(0)^2+4\Phi^2}$ for all $t$; the same bound holds along GF.",
       hypotheses=f"GD runs of up to {GD_STEPS} steps that converge with |eps(t+1)| < |eps(t)| at every step and a "
       "linearly stable limit; other runs are not applicable.  GF: the reduced ODE, see bw.lemma6")
def lemma1():
    """Lemma 1 (§6): lam(t) <= lambar along GD (eta <= 1/eps(0), hence eps(0) > 0) and along GF,
    with the identity alpha = lam^2 - 4(a.b)^2 + 4 Phi^2 the proof rests on."""
    gd_domain = GD_INIT.with_(_eta_up_to("1/eps0", lambda s: 1 / s["eps0"]),
                              where=[("eps0 > 0", lambda s: s["eps0"] > 0)])
    return AllOf(
        Along(gd_lam_states(GD_STEPS), below_lambar, gd_domain, label="GD: lam(t) <= lambar",
              describe=gd_describe(GD_STEPS), figure=gd_norm_figure("bw.lemma1", "GD: lam(t) <= lambar", GD_STEPS)),
        Holds(gf_sup_slack, GF_INIT, samples=5, label="GF: sup_t lam(t) <= lambar",
              method="mpmath Taylor integration of the reduced GF ODE",
              figure=gf_norm_figure("bw.lemma1", "GF: sup_t lam(t) <= lambar")),
        Inequality(lam**2 + 4 * Phi**2 - ALPHA,
                   Domain(Real("epsilon", -4, 4), Real("Phi", 0, 3, lo_open=True), Real("lambda", 0, 12)),
                   label="GF limit: lambar^2 - alpha(0) >= 0"),
        Identity(ALPHA, lam**2 - 4 * (eps + Phi) ** 2 + 4 * Phi**2, REDUCED, label="alpha = lam^2 - 4(a.b)^2 + 4 Phi^2"),
    )


@lemma1.read_as(r"the same with $\eta\le1/|\varepsilon(0)|$ (any sign of $\varepsilon(0)$)")
def _(printed):
    gd, *rest = printed.parts
    domain = GD_INIT.with_(_eta_up_to("1/|eps0|", lambda s: 1 / abs(s["eps0"])), edges=HAND_CASES)
    return printed.replace(parts=(gd.replace(domain=domain), *rest))


# ================================================================== Lemma 2


def _lemma2_eta_cap(e, lm):
    return sp.Min(1 / e, 2 / lm)


def _lemma2_red_sampler():
    return realizable_reduced_sampler(
        lambda rng, e, lm: sp.Rational(rng.randint(1, 10), 10) * _lemma2_eta_cap(e, lm), positive_eps=True)


def _lemma2_traj_slack(steps: int):
    """min over steps t with eta <= 2/lam(t) of (alpha(t) - alpha(t+1)) / alpha(0)."""

    def slack(inst, dps):
        e0 = _ab(inst) - inst["Phi"]
        h = inst["eta"]
        if not (e0 > 0 and h * e0 <= 1 and h * _lam(inst) <= 2):
            return None
        run = gd_run(inst["a"], inst["b"], inst["Phi"], h, steps)
        P = run.Phi
        al = [x * x - 8 * e * (e + P) + 4 * e * e for e, x in zip(run.eps, run.lam, strict=True)]
        vals = [(al[t] - al[t + 1]) / al[0] for t in range(run.steps) if run.eta * run.lam[t] <= 2]
        return min(vals) if vals else None

    return slack


def _lemma2_figure(tag: str, what: str, steps: int):
    """alpha(t)/alpha(0) along the run, and the per-step decrease at the steps in scope."""

    def fig(inst, path):
        run = gd_run(inst["a"], inst["b"], inst["Phi"], inst["eta"], steps)
        P = run.Phi
        al = [x * x - 8 * e * (e + P) + 4 * e * e for e, x in zip(run.eps, run.lam, strict=True)]
        ts = list(range(run.steps + 1))
        fig_, (ax, ax2) = plots.new(ncols=2, width=5.6)
        ax.plot(ts, plots.fls(x / al[0] for x in al), "-", lw=1.4,
                label=r"$\alpha(t)/\alpha(0)$, $\alpha=\lambda^2-8\varepsilon(\varepsilon+\Phi)+4\varepsilon^2$")
        ax.axhline(1, color="k", ls="--", lw=1, label=r"$\alpha(0)$ (GF: conserved)")
        plots.steps_axis(ax, n=len(ts))
        ax.set_ylabel(r"$\alpha(t)/\alpha(0)$")
        ax.grid(alpha=0.3, which="both")
        plots.legend(ax)
        dec = [(al[t] - al[t + 1]) / al[0] if run.eta * run.lam[t] <= 2 else None for t in range(run.steps)]
        plots.plot_slack(ax2, ts[:-1], dec, r"$(\alpha(t)-\alpha(t+1))/\alpha(0)$",
                         title=r"per-step decrease at the steps with $\eta\leq2/\lambda(t)$")
        plots.steps_axis(ax2, n=len(ts))
        ax2.grid(alpha=0.3, which="both")
        plots.finish(fig_, path, plots.title_of(tag, what, inst))

    return fig


def _lemma2_traj_sampler(rng: random.Random, i: int) -> dict:
    inst = samplers.shallow_init(rng, i, region="A")
    e0, l0 = _ab(inst) - inst["Phi"], _lam(inst)
    u = samplers.step_fraction(rng, i) if i % 5 else Fraction(1)
    inst["eta"] = u * min(1 / e0, 2 / l0)
    return inst


def _check_lemma2(ctx: Context) -> Outcome:
    parts = [all_of([engines.identity(time_derivative(model(d), model(d).quantity("alpha")), 0, ctx,
                                      label=f"GF: d alpha/dt = 0, d={d}") for d in DIMS]).named("GF conserves alpha"),
             derivation_in_components(ctx)]

    def comp(m):
        return hyp_component_sampler(m, _lemma2_eta_cap, positive_eps=True)

    parts += full_formula_checks(ctx, True, comp, _lemma2_red_sampler())
    parts += [p.named("without |.|: " + p.label) for p in full_formula_checks(ctx, False, comp, _lemma2_red_sampler())]
    dec = -alpha_change_reduced()
    cons = [eps > 0, eta * eps <= 1, lam - 2 * (eps + Phi) >= 0, Phi > 0, lam * eta <= 2]

    def smp(rng, i):
        return {k: Fraction(int(v.p), int(v.q)) for k, v in _lemma2_red_sampler()(rng).items()}

    parts.append(engines.inequality(dec, ctx, strict=False, constraints=cons, sample=smp,
                                    label="derived decrement alpha(t) - alpha(t+1) >= 0 when eta <= min{1/eps, 2/lam}"))
    x = sp.Symbol("x", positive=True)
    parts.append(engines.inequality(2 - x**2, ctx, strict=False, constraints=[x > 0, x**2 <= 2],
                                    label="decrement factor 2 - (eta eps)^2 >= 0 exactly for eta|eps| <= sqrt 2"))
    lab = "GD trajectories: alpha(t+1) <= alpha(t) at steps with eta <= 2/lam(t)"
    parts.append(engines.sampled(_lemma2_traj_slack(ctx.budget.max_steps // 4), _lemma2_traj_sampler, ctx,
                                 label=lab, method="mpmath GD trajectories",
                                 figure=_lemma2_figure(plots.part_tag(ctx, "bw.lemma2"), lab,
                                                       ctx.budget.max_steps // 4)))
    out = all_of(parts)
    out.details["true_formula"] = TRUE_FORMULA
    out.details["derived_reduced"] = sp.sstr(sp.factor(alpha_change_reduced()))
    out.details["sign"] = ("derived decrement eta^2 eps^2 (2 - eta^2 eps^2)(lam^2 - 4(a.b)^2) >= 0 iff "
                           "eta|eps| <= sqrt(2) (or eps = 0 or a = +-b); the printed one needs eta|eps| <= 1 without |.|")
    return out


LEMMA2 = Claim(
    id="bw.lemma2",
    title="alpha conserved by GF, decreased by GD",
    source="§6, Lemma 2 (proved by Lemmas 5 and 7)",
    statement=r"$\alpha:=\lambda^2-8\varepsilon(\varepsilon+\Phi)+4\varepsilon^2$ is conserved by GF and reduced by GD "
    r"as long as $\eta\le\min\{1/\varepsilon(0),2/\lambda\}$, at every step by $\alpha(t+1)=\alpha(t)-"
    r"2\eta^2\varepsilon(t)^2Q(t)^2|1-\eta^2\varepsilon(t)^2|$ (positive when $\eta\le1/\varepsilon(t)$)",
    kind=Kind.IDENTITY,
    hypotheses="GF: explicit components d = 1, 2, 3.  GD one step: exact SymPy derivation via (6)-(7) and on "
    "components (d = 1, 2, 3; printed formula compared on components for d = 1 and in reduced variables); "
    "witnesses inside eps > 0, eta <= min{1/eps, 2/lam}; Q read as sum|Q_i|, sum Q_i, Q^2 := lam^2 - "
    "4(a.b)^2, with and without |.|.  'positive' tested as >= 0 (it is 0 when a = +-b).  Trajectories: "
    "region-A inits, eta = u min{1/eps0, 2/lam0} (u = 1 included), the decrease checked at the steps where "
    "eta <= 2/lam(t)",
    check=_check_lemma2,
    depends_on=("bw.lemma5", "bw.lemma7", "bw.lemma10"),
)


# ================================================================== Lemma 4


def _l4_sequence(inst) -> list[Fraction]:
    """|eps(k)| satisfying the hypothesis |eps(k)| <= (1 - x)^k |eps(0)| exactly: kind 0 = the
    extremal geometric sequence, kind 1 = random per-step factors in [0, 1 - x] (seeded)."""
    x, e0 = inst["x"], inst["eps0"]
    out = [abs(e0)]
    rng = random.Random(int(inst["seed"]))
    target = inst["ratio"] * e0 * e0  # L <= delta  <=>  eps^2 <= ratio * eps0^2
    while out[-1] ** 2 > target and len(out) < 100_000:
        f = (1 - x) if inst["kind"] == 0 else (1 - x) * Fraction(rng.randint(0, 1000), 1000)
        out.append(out[-1] * f)
    return out


def _l4_T(inst) -> int:
    seq = _l4_sequence(inst)
    return len(seq) - 1  # first k with L(k) <= delta (exact)


def _l4_sampler(rng: random.Random, i: int) -> dict:
    xs = (Fraction(1, 100), Fraction(1, 2), Fraction(9, 10))
    rs = (Fraction(1, 10**6), Fraction(1, 2), Fraction(999, 1000))
    if i < 18:
        x, r, kind = xs[i % 3], rs[(i // 3) % 3], i // 9
    else:
        x = samplers.uniform(rng, 0.0, 1.0)
        r = samplers.log_uniform(rng, 1e-8, 0.999)
        kind = i % 2
    return {"x": x, "ratio": r, "eps0": samplers.log_uniform(rng, 1e-3, 1e3), "kind": Fraction(kind),
            "seed": Fraction(rng.randint(1, 10**6))}


def _l4_A(inst):
    return -mp.log(mpf_of(inst["ratio"]))  # log L0 - log delta


def _check_lemma4(ctx: Context) -> Outcome:
    m = model(1)
    e = m.quantity("eps")
    parts: list[Outcome] = []

    def bound(inst, dps):
        A, x = _l4_A(inst), mpf_of(inst["x"])
        b = A / x
        return (b - _l4_T(inst)) / max(b, 1)

    def bound15(inst, dps):
        A, x = _l4_A(inst), mpf_of(inst["x"])
        b = A / (-mp.log(1 - x))
        return (b - _l4_T(inst)) / max(b, 1)

    def describe(inst, dps):
        A, x = _l4_A(inst), mpf_of(inst["x"])
        return {"T_delta": str(_l4_T(inst)), "log(L0/delta)/(eta mu)": A / x,
                "log(L0/delta)/(-log(1-eta mu))": A / (-mp.log(1 - x))}

    rounding = ("; T_delta is an integer <= ceil(log(L0/delta)/(-2 log(1 - eta mu))), so a violation can only "
                "be integer rounding where the real bound is < 2 (see the reading's rounded bound)")
    parts.append(engines.sampled(bound, _l4_sampler, ctx, describe=describe,
                                 label="statement: T_delta <= (log L0 - log delta)/(eta mu), unrounded as printed"
                                 + rounding, method="exact sequences"))
    parts.append(engines.sampled(bound15, _l4_sampler, ctx, describe=describe,
                                 label="(15) T_delta <= (log L0 - log delta)/(-log(1 - eta mu)), unrounded as printed "
                                 "(a violation can only be integer rounding, as above)", method="exact sequences"))
    parts.append(_l4_log_ineq(ctx))
    # the proof's own text (typos in the proof, not the lemma's conclusion): L is eps^2/2, not eps^2
    proof = [engines.identity(m.quantity("loss"), e**2, ctx, label="proof text: 'L = eps^2' (the loss is eps^2/2)"),
             engines.identity(m.quantity("loss"), sp.Abs(e), ctx,
                              label="proof text: 'L(k+1) = |eps(k+1)|' (the loss is eps^2/2)")]
    out = all_of(parts + proof)
    statement = all_of(parts)
    out.summary = (f"statement parts: {statement.verdict.value} ({statement.summary}). "
                   f"Proof text parts: " + "; ".join(f"{p.label}: {p.verdict.value}" for p in proof))
    if out.derived is not None and statement.derived is None:  # it came from a proof-text part
        out.derived = {f"proof text 'L = eps^2', {k}": v for k, v in out.derived.items()}
    return out


def _l4_log_ineq(ctx: Context) -> Outcome:
    x = sp.Symbol("x", positive=True)
    return engines.inequality(-sp.log(1 - x) - x, ctx, strict=False, constraints=[x > 0, x < 1],
                              sample=lambda rng, i: {x: samplers.uniform(rng, 0.0, 1.0) if i > 2 else
                                                     (Fraction(1, 100), Fraction(1, 2), Fraction(9, 10))[i]},
                              label="(15) -log(1 - eta mu) >= eta mu")


def _check_lemma4_reading(ctx: Context) -> Outcome:
    m = model(1)
    parts = [engines.identity(m.quantity("loss"), m.quantity("eps") ** 2 / 2, ctx, label="L = eps^2/2")]

    def envelope(inst, dps):
        seq = _l4_sequence(inst)
        x = inst["x"]
        # L(k) <= (1 - x)^(2k) L(0) at every k (exact rationals)
        worst = min(Fraction(1) - (s * s) / (((1 - x) ** (2 * k)) * seq[0] ** 2) for k, s in enumerate(seq))
        return mpf_of(worst)

    def hitting(inst, dps):
        A, x = _l4_A(inst), mpf_of(inst["x"])
        b = mp.ceil(A / (-2 * mp.log(1 - x)))
        return (b - _l4_T(inst)) / max(b, 1)

    parts.append(engines.sampled(envelope, _l4_sampler, ctx, label="L(k) <= (1 - eta mu)^(2k) L(0)",
                                 method="exact sequences"))
    parts.append(engines.sampled(hitting, _l4_sampler, ctx,
                                 label="T_delta <= ceil(log(L0/delta) / (-2 log(1 - eta mu)))",
                                 method="exact sequences"))

    def rounded(inst, dps):
        A, x = _l4_A(inst), mpf_of(inst["x"])
        b = max(1, mp.ceil(A / x))
        return (b - _l4_T(inst)) / b

    parts.append(engines.sampled(rounded, _l4_sampler, ctx,
                                 label="T_delta <= max(1, ceil((log L0 - log delta)/(eta mu))) (the printed bound "
                                 "as an integer step count)", method="exact sequences"))
    parts.append(_l4_log_ineq(ctx))
    return all_of(parts)


LEMMA4 = Claim(
    id="bw.lemma4",
    title="Residual rate implies loss rate",
    source="App. B, Lemma 4 and eq. (15)",
    statement=r"If $|\varepsilon(k)|$ converges linearly with rate $(1-\eta\mu)<1$, $L$ converges linearly with rate "
    r"$(1-\eta\mu)^2$, and $L\le\delta$ after $t\le\frac{\log L_0-\log\delta}{\eta\mu}$ steps. Proof: "
    r"'$L=\varepsilon^2$, thus $L(k+1)=|\varepsilon(k+1)|\le(1-\eta\mu)|\varepsilon(k)|^2$'; (15) "
    r"$t\le\frac{\log L_0-\log\delta}{-\log(1-\eta\mu)}\le\frac{\log L_0-\log\delta}{\eta\mu}$",
    kind=Kind.RATE,
    hypotheses="hypothesis read as |eps(k)| <= (1 - eta mu)^k |eps(0)| for all k; x = eta mu in (0, 1); "
    "sequences built exactly (the extremal geometric one, and random per-step factors in [0, 1 - x]); "
    "x in {0.01, 0.5, 0.9} and random, delta/L0 in {1e-6, 0.5, 0.999} and random; T_delta = first k "
    "with L(k) <= delta (exact); bounds normalised by max(bound, 1); printed: the bounds unrounded as "
    "printed (T_delta is an integer, so they can fail by rounding when the real bound is < 2), and the "
    "proof's text ('L = eps^2', 'L(k+1) = |eps(k+1)|') as separately labelled 'proof text' parts",
    check=_check_lemma4,
    reading=r"$L=\varepsilon^2/2$; $L(k)\le(1-\eta\mu)^{2k}L(0)$; the first hitting time satisfies "
    r"$T_\delta\le\lceil\log(L_0/\delta)/(-2\log(1-\eta\mu))\rceil$, hence "
    r"$T_\delta\le\max\{1,\lceil\frac{\log L_0-\log\delta}{\eta\mu}\rceil\}$ (the printed bound, rounded up to a step count)",
    reading_check=_check_lemma4_reading,
)

CLAIMS = [THEOREM2, THEOREM2_EOS, EQ12, lemma1, LEMMA2, LEMMA4]
