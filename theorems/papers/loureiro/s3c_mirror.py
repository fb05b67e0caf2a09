"""Loureiro, Section 3.2 (second half): convergence of the mirror flow, the span invariant of
grad phi, the Bregman three-point identity, the implicit bias (min Bregman divergence) checked
by integrating the GF to convergence against an independent Bregman projection, the
initialisation family, and the l1 / l2 limits swept over decades of alpha."""

from __future__ import annotations

from fractions import Fraction as F

import mpmath as mp
import numpy as np
import sympy as sp

from numeric import least_squares as nls
from numeric import mirror_flow as nmf
from symbolic import diagonal_network as dn
from symbolic import least_squares as ls
from theorems.claim import Kind
from theorems.spec import AllOf, Choice, Domain, Identity, Int, Order, Real, Uncheckable, Vec, claim

from . import lib, lib_generalisation, lib_mirror
from .lib_figures import interpolation_figure, trajectory_figure

SQRT2 = float(np.sqrt(2.0))
GF_DOM = lib.design_domain(lib_mirror.DLN_SHAPES, ("sparse",), Real("alpha", F(1, 100), 3, log=True),
                           note="DLN GF from u0 = sqrt(2) alpha 1, v0 = 0 (I = alpha^2 1), float64 Radau rtol 1e-11")


def _inst_key(inst):
    n, d = (int(x) for x in inst["shape"])
    return n, d, int(inst["seed"])


def _residual_slack(inst, dps):
    n, d, seed = _inst_key(inst)
    tr = lib_mirror.gf_limit(n, d, seed, SQRT2 * float(inst["alpha"]))
    return mp.mpf(1e-10 - tr.residual)


def _traj_figure(inst, path):
    n, d, seed = _inst_key(inst)
    tr = lib_mirror.gf_limit(n, d, seed, SQRT2 * float(inst["alpha"]))
    with mp.workdps(30):
        pr = lib_mirror.bregman_limit(lib.make_design(n, d, seed, "sparse"), mp.mpf(float(inst["alpha"])) ** 2)
    trajectory_figure(tr.t, tr.theta, [float(x) for x in pr.theta], path,
                      f"DLN GF theta(t) vs the min-Bregman interpolator (dashed), alpha = {float(inst['alpha']):.3g}")


@claim("loureiro.claim_mirror_convergence", title="Mirror flow converges to an interpolator", source="§3.2, after (3.25)",
       kind=Kind.QUALITATIVE, depends_on=("loureiro.eq3_23", "loureiro.eq3_25"),
       statement=r"The flow (3.23) converges, $\theta\to\theta_\infty$, and for $d>n$ $\theta_\infty\in\mathcal I$")
def claim_mirror_convergence():
    """After (3.25): the DLN GF (I = alpha^2 1, alpha in [1/100, 3]) integrated until ||X theta - y|| <= 1e-11
    (horizon doubled up to t = 1e7); slack 1e-10 - final residual."""
    return lib.on_designs(_residual_slack, GF_DOM, "GF reaches an interpolator (||X theta - y|| <= 1e-10)", samples=4,
                          float64=True, method="scipy Radau (float64)", figure=_traj_figure)


# ------------------------------------------------------------------ (3.26): span invariant

T_, I_ = sp.Symbol("theta", real=True), sp.Symbol("I", real=True, nonzero=True)
PHI_GRAD = sp.diff((T_ * sp.asinh(T_ / I_) - sp.sqrt(T_**2 + I_**2) + I_) / 2, T_)
PHI_HESS = sp.diff(PHI_GRAD, T_)

SPAN_DOM = lib.design_domain(lib.shapes((1, 2), (1, 3), (2, 3)), ("generic",), Vec("u0", -2, 2, dims=(2,)),
                             Vec("v0", -2, 2),
                             note="u0, v0 drawn in [-2, 2]^d (d taken from the design; extra entries ignored, "
                             "missing ones 1/2); I = (u0^2 - v0^2)/2 of either sign")


def _init(inst, d):
    pad = lambda w: [sp.Rational(x) for x in w][:d] + [sp.Rational(1, 2)] * max(0, d - len(w))  # noqa: E731
    return sp.Matrix(pad(inst["u0"])), sp.Matrix(pad(inst["v0"]))


def _initial_velocity_in_span(inst):
    """d/dt grad phi_I(theta(t)) at t = 0 equals Hess phi_I(theta0) . dtheta/dt(0) (chain rule, exact:
    sqrt(theta^2 + I^2) = (u^2 + v^2)/2 is rational); (3.26) for all t > 0 forces it into span(x_i).
    Returns -||P_ker v||^2 (exact; 0 iff in the span).  Coordinates with I_j = 0 are not applicable."""
    D = lib.design_of(inst)
    u, v = _init(inst, D.d)
    I = dn.conserved(u, v)
    if any(x == 0 for x in I):
        return None
    th = dn.theta_of(u, v)
    g = ls.gradient_formula(D.Xs(), D.ys(), th)
    vel = -(u.multiply_elementwise(u) + v.multiply_elementwise(v)).multiply_elementwise(g)
    h = [sp.nsimplify(lib.sqrt_factored(PHI_HESS.xreplace({T_: th[j], I_: I[j]}))) for j in range(D.d)]
    w = sp.Matrix([h[j] * vel[j] for j in range(D.d)])
    pk = ls.kernel_projector(D.Xs()) * w
    return -(pk.T * pk)[0, 0]


def _slack_span(inst, dps):
    v = _initial_velocity_in_span(inst)
    return None if v is None else lib.mpf_exact(v)


def _span_along_flow(inst, dps):
    """Float64 trajectory (I = alpha^2 > 0): max_t ||P_ker(grad phi(theta(t)) - grad phi(theta0))|| relative."""
    n, d, seed = _inst_key(inst)
    a = float(inst["alpha"])
    tr = lib_mirror.gf_limit(n, d, seed, SQRT2 * a)
    D = lib.make_design(n, d, seed, "sparse")
    X = np.array(D.X, float)
    P = np.eye(d) - np.linalg.pinv(X) @ X
    grads = np.arcsinh(tr.theta / a**2) / 2
    dev = grads - grads[0]
    worst = max(np.linalg.norm(P @ g) / (1 + np.linalg.norm(g)) for g in dev)
    return mp.mpf(1e-7 - worst)


@claim("loureiro.eq3_26", title="grad phi(theta(t)) stays in grad phi(theta_0) + span(x_i)", source="§3.2, eq. (3.26)",
       kind=Kind.IDENTITY, depends_on=("loureiro.eq3_23",),
       statement=r"for any $t>0$: $\nabla_\theta\phi_I(\theta(t))\in\nabla_\theta\phi_I(\theta_0)+\mathrm{span}(x_1,\dots,x_n)$")
def eq3_26():
    """(3.26) with phi_I of (3.21) and I = (u0^2 - v0^2)/2 of either sign: the exact initial velocity of
    grad phi_I(theta(t)) must lie in span(x_i); and along float64 trajectories from the family I = alpha^2."""
    return AllOf(
        lib.on_designs(_slack_span, SPAN_DOM, "d/dt grad phi_I(theta(t)) at t = 0 in span(x_i) (exact)",
                       exact=_initial_velocity_in_span),
        lib.on_designs(_span_along_flow, GF_DOM, "P_ker(grad phi(theta(t)) - grad phi(theta0)) = 0 along the GF "
                       "(I = alpha^2; float64, 1e-7)", samples=3, float64=True, method="scipy Radau (float64)"),
    )


# ------------------------------------------------------------------ (3.27) three-point identity

PA, PB, PC, GA, GB, GC, A, B, C = sp.symbols("phi_a phi_b phi_c g_a g_b g_c a b c", real=True)


def _D(conv: str, x, y):
    vals = {a: (PA, GA) for a in ()}
    del vals
    table = {A: (PA, GA), B: (PB, GB), C: (PC, GC)}
    (px, gx), (py, gy) = table[x], table[y]
    return px - py - (gx if conv == "notes" else gy) * (x - y)


def _three_point(conv: str) -> Identity:
    # a = theta0, b = theta_inf, c = theta_hat (generic potential: values and slopes are free)
    lhs = _D(conv, C, A)
    rhs = _D(conv, C, B) + _D(conv, B, A) + (GB - GA) * (C - B)
    return Identity(lhs, rhs, label=f"generic phi, {'notes (3.24)' if conv == 'notes' else 'textbook'} convention",
                    sample=lib.witness_sampler(lhs, rhs))


TP_DOM = lib.design_domain(lib_mirror.DLN_SHAPES, ("sparse",), Real("alpha", F(1, 10), 2),
                           Choice("s", options=(F(1), F(10), F(100), F(1000))),
                           note="theta0 = 0, theta_inf = min-Bregman interpolator (phi_{alpha^2 1}), "
                           "theta_hat = theta_inf + s k (k a unit kernel vector)")


def _tp_slack(conv: str):
    def slack(inst, dps):
        n, d, seed = _inst_key(inst)
        D = lib.make_design(n, d, seed, "sparse")
        I = lib.mpf_exact(inst["alpha"]) ** 2
        pot = nmf.hyperbolic_entropy([I] * d)
        tinf = lib_mirror.bregman_limit(D, I).theta
        k = lib_mirror.kernel_unit(D)
        s = lib.mpf_exact(inst["s"])
        hat = [tinf[j] + s * k[j] for j in range(d)]
        t0 = [mp.mpf(0)] * d
        Dv = nmf.bregman_gradient_at_first if conv == "notes" else nmf.bregman
        inner = mp.fsum((a - b) * (h - t) for a, b, h, t in zip(pot.grad(tinf), pot.grad(t0), hat, tinf, strict=True))
        res = Dv(pot, hat, t0) - Dv(pot, hat, tinf) - Dv(pot, tinf, t0) - inner
        return lib.tol(dps) * (1 + abs(Dv(pot, hat, t0))) * 1000 - abs(res)

    return slack


def _inner_zero(inst, dps):
    n, d, seed = _inst_key(inst)
    D = lib.make_design(n, d, seed, "sparse")
    I = lib.mpf_exact(inst["alpha"]) ** 2
    pot = nmf.hyperbolic_entropy([I] * d)
    tinf = lib_mirror.bregman_limit(D, I).theta
    k = lib_mirror.kernel_unit(D)
    inner = mp.fsum(pot.grad(tinf)[j] * k[j] for j in range(d))  # grad phi(0) = 0
    return lib.tol(dps) * 1000 - abs(inner)


@claim("loureiro.eq3_27", title="Bregman three-point identity / Pythagoras", source="§3.2, eq. (3.27)",
       kind=Kind.IDENTITY, depends_on=("loureiro.eq3_24", "loureiro.eq3_26"),
       statement=r"$D_\phi(\hat\theta,\theta_0)=D_\phi(\hat\theta,\theta_\infty)+D_\phi(\theta_\infty,\theta_0)+"
       r"\langle\nabla\phi_I(\theta_\infty)-\nabla\phi_I(\theta_0),\hat\theta-\theta_\infty\rangle$ with the inner product "
       r"$=0$, hence $\ge D_\phi(\theta_\infty,\theta_0)$; $D_\phi$ as in (3.24)")
def eq3_27():
    """(3.27) with D_phi as defined in (3.24) (gradient at the first argument): for a generic potential
    (free values and slopes) and for phi_I at the min-Bregman interpolator; the textbook convention and
    the vanishing inner product are reported alongside."""
    return AllOf(
        _three_point("notes"),
        lib.on_designs(_tp_slack("notes"), TP_DOM, "phi_I: identity with the notes' D", samples=6),
        _three_point("textbook"),
        lib.on_designs(_tp_slack("textbook"), TP_DOM, "phi_I: identity with the textbook D", samples=6),
        lib.on_designs(_inner_zero, TP_DOM, "<grad phi(theta_inf) - grad phi(theta0), k> = 0 for k in Ker X", samples=6),
    )


# ------------------------------------------------------------------ (3.28): implicit bias

ARGMIN_DOM = TP_DOM


def _literal_argmin_slack(inst, dps):
    """theta_inf should minimise the printed D(theta, theta0) over the interpolators:
    D(theta_inf + s k, 0) - D(theta_inf, 0) >= 0 (normalised)."""
    n, d, seed = _inst_key(inst)
    D = lib.make_design(n, d, seed, "sparse")
    I = lib.mpf_exact(inst["alpha"]) ** 2
    pot = nmf.hyperbolic_entropy([I] * d)
    tinf = lib_mirror.bregman_limit(D, I).theta
    k = lib_mirror.kernel_unit(D)
    s = lib.mpf_exact(inst["s"])
    hat = [tinf[j] + s * k[j] for j in range(d)]
    t0 = [mp.mpf(0)] * d
    a, b = nmf.bregman_gradient_at_first(pot, hat, t0), nmf.bregman_gradient_at_first(pot, tinf, t0)
    return (a - b) / (1 + abs(a) + abs(b))


def _gf_vs_projection(inst, dps):
    """||theta_GF - theta_Bregman||: GF (float64, integrated to ||X theta - y|| <= 1e-11) against the
    Bregman projection by dual Newton (working precision) and by scipy SLSQP on the primal problem."""
    n, d, seed = _inst_key(inst)
    a = float(inst["alpha"])
    tr = lib_mirror.gf_limit(n, d, seed, SQRT2 * a)
    D = lib.make_design(n, d, seed, "sparse")
    pr = lib_mirror.bregman_limit(D, lib.mpf_exact(inst["alpha"]) ** 2)
    tb = np.array([float(x) for x in pr.theta])
    pot = nmf.hyperbolic_entropy([mp.mpf(a) ** 2] * d)
    sl = nmf.bregman_projection_scipy(pot, np.array(D.X, float), np.array(D.y, float), np.zeros(d))
    err = max(np.linalg.norm(tr.final_theta - tb), np.linalg.norm(sl - tb) / 100)
    return mp.mpf(1e-6 * (1 + np.linalg.norm(tb)) - err)


def _quadratic_recovers(inst, dps):
    D = lib.design_of(inst)
    q = nmf.bregman_projection(nmf.squared_norm(), D.Xm(), D.ym(), [lib.mpf_exact(x) for x in D.theta0])
    e = nls.gd_limit(D.Xm(), D.ym(), D.t0m())
    return lib.tol(dps) * (1 + nls.norm(e)) - max(abs(q.theta[i] - e[i]) for i in range(D.d))


@claim("loureiro.eq3_28", title="Implicit bias of the DLN: minimal Bregman divergence", source="§3.2, eq. (3.28)",
       kind=Kind.IDENTITY, depends_on=("loureiro.eq3_26", "loureiro.eq3_27", "loureiro.claim_mirror_convergence"),
       statement=r"$\theta_\infty=\arg\min_{\theta\in\mathcal I}D_\phi(\theta,\theta_0)$: GD converges to the interpolator "
       r"with minimal Bregman divergence to the initial condition; recovers (2.23) for $\phi=\|\theta\|_2^2$")
def eq3_28():
    """(3.28) as printed, D_phi of (3.24): does theta_inf minimise the printed divergence over the
    interpolators (tested along theta_inf + s k, k in Ker X)?"""
    return lib.on_designs(_literal_argmin_slack, ARGMIN_DOM, "theta_inf = argmin over I of the printed D(theta, theta0)",
                          samples=8)


@eq3_28.read_as(r"GF; $\phi=\phi_I$ with $I=(u_0^2-v_0^2)/2$; $D_\phi$ textbook")
def _(printed):
    return AllOf(
        lib.on_designs(_gf_vs_projection, GF_DOM, "GF limit = Bregman projection (dual Newton; SLSQP), 1e-6",
                       samples=4, float64=True, method="scipy Radau + dual Newton + SLSQP", figure=_traj_figure),
        lib.on_designs(_quadratic_recovers, lib.design_domain(lib.UNDER_SMALL),
                       "phi = ||.||^2: Bregman projection = Euclidean projection (2.23)"),
    )


# ------------------------------------------------------------------ (3.29)-(3.30)

ALPHA = sp.Symbol("alpha", nonnegative=True)


def _literal_init_limits(inst, dps):
    """GF from the literal u0 = sqrt(2 alpha) 1: distance of its limit to argmin phi_{alpha^2 1} (the
    printed I) -- normalised by the distance to argmin phi_{alpha 1}."""
    n, d, seed = _inst_key(inst)
    a = float(inst["alpha"])
    tr = lib_mirror.gf_limit(n, d, seed, float(np.sqrt(2 * a)))
    D = lib.make_design(n, d, seed, "sparse")
    with mp.workdps(30):
        p_sq = np.array([float(x) for x in lib_mirror.bregman_limit(D, mp.mpf(a) ** 2).theta])
    return mp.mpf(1e-6 * (1 + np.linalg.norm(p_sq)) - np.linalg.norm(tr.final_theta - p_sq))


LIT_DOM = lib.design_domain(lib_mirror.DLN_SHAPES, ("sparse",), Choice("alpha", options=(F(1, 10), F(1, 4), F(2))),
                            note="GF from u0 = sqrt(2 alpha) 1, v0 = 0 (as printed in (3.29))")


@claim("loureiro.eq3_29", title="Initialisation family and its conserved quantity (eqs. 3.29-3.30)",
       source="§3.2, eqs. (3.29), (3.30)", kind=Kind.IDENTITY, depends_on=("loureiro.eq3_17", "loureiro.eq3_28"),
       statement=r"$u_0=\sqrt{2\alpha}1_d$, $v_0=0$, $\alpha\ge0$; then $I(u_0,v_0)=\alpha^21_d$ (also id eq3_30)")
def eq3_29():
    """(3.29)-(3.30): I = (u0^2 - v0^2)/2 at the printed initialisation; and the GF limit from it against
    the min-Bregman interpolator for the printed I = alpha^2."""
    u0 = sp.sqrt(2 * ALPHA)
    return AllOf(Identity((u0**2 - 0) / 2, ALPHA**2, label="I(sqrt(2 alpha), 0) = alpha^2"),
                 lib.on_designs(_literal_init_limits, LIT_DOM, "GF limit from (3.29) = argmin D_{phi_{alpha^2}}",
                                samples=3, float64=True, method="scipy Radau + dual Newton"))


@eq3_29.read_as(r"$u_0=\sqrt2\,\alpha1_d$ (then $I=\alpha^21_d$); $\alpha>0$")
def _(printed):
    a = sp.Symbol("alpha", positive=True)
    return AllOf(Identity((sp.sqrt(2) * a) ** 2 / 2, a**2, label="I(sqrt(2) alpha, 0) = alpha^2"),
                 lib.on_designs(_gf_vs_projection, GF_DOM, "GF limit from sqrt(2) alpha 1 = argmin D_{phi_{alpha^2}}",
                                samples=3, float64=True, method="scipy Radau + dual Newton + SLSQP"))


# ------------------------------------------------------------------ (3.31) asymptotics of phi_alpha

TH0 = F(7, 10)


def _phi_alpha(theta, alpha):
    I = alpha**2
    return (theta * mp.asinh(theta / I) - mp.sqrt(theta**2 + I**2) + I) / 2


def _small_ratio(p, dps):
    """|phi_alpha(theta)/(log(1/alpha) |theta|) - 1| * log(1/alpha), theta = 7/10 (bounded iff the error is O(1/log))."""
    a, th = lib.mpf_exact(p), lib.mpf_exact(TH0)
    L = mp.log(1 / a)
    return abs(_phi_alpha(th, a) / (L * th) - 1) * L


def _large_ratio(p, dps):
    """|4 alpha^2 phi_alpha(theta)/theta^2 - 1| * alpha^4 (next term theta^2/(12 alpha^4))."""
    a, th = lib.mpf_exact(p), lib.mpf_exact(TH0)
    return abs(4 * a**2 * _phi_alpha(th, a) / th**2 - 1) * a**4


SMALL = [F(1, 10**k) for k in (2, 4, 8, 16, 32, 64)]
LARGE = [F(10**k) for k in (1, 2, 3, 4, 6, 8)]


def _sympy_limits():
    t = sp.Symbol("theta", positive=True)
    a = sp.Symbol("alpha", positive=True)
    phi = (t * sp.asinh(t / a**2) - sp.sqrt(t**2 + a**4) + a**2) / 2
    lim0 = sp.limit(phi / (sp.log(1 / a) * t), a, 0, "+")
    limoo = sp.limit(4 * a**2 * phi / t**2, a, sp.oo)
    return AllOf(Identity(lim0, sp.Integer(1), label="lim_{alpha->0+} phi_alpha/(log(1/alpha)|theta|) = 1 (sympy)"),
                 Identity(limoo, sp.Integer(1), label="lim_{alpha->oo} 4 alpha^2 phi_alpha/theta^2 = 1 (sympy)"))


@claim("loureiro.eq3_31", title="Small/large-scale asymptotics of phi_alpha", source="§3.2, eq. (3.31), Figure 5",
       kind=Kind.ASYMPTOTIC, depends_on=("loureiro.eq3_21", "loureiro.eq3_29"),
       statement=r"$\phi_\alpha(\theta)\simeq\log(1/\alpha)\|\theta\|_1$ as $\alpha\to0^+$; $\phi_\alpha(\theta)\simeq"
       r"\frac1{4\alpha^2}\|\theta\|_2^2$ as $\alpha\to\infty$")
def eq3_31():
    """(3.31): the two equivalences by SymPy limits (scalar theta > 0; phi is even) and the relative errors
    O(1/log(1/alpha)) and O(alpha^-4) measured over decades (theta = 7/10)."""
    return AllOf(
        _sympy_limits(),
        Order(_small_ratio, SMALL, family="alpha -> 0+ (theta = 7/10)", label="relative error = O(1/log(1/alpha))"),
        Order(_large_ratio, LARGE, family="alpha -> oo (theta = 7/10)", label="relative error = O(alpha^-4)"),
    )


def _uniform_small(p, dps):
    """sup_{|theta| <= 2} |phi_alpha(theta)/log(1/alpha) - |theta|| * log(1/alpha) (grid of 41 points)."""
    a = lib.mpf_exact(p)
    L = mp.log(1 / a)
    return max(abs(_phi_alpha(mp.mpf(k) / 10, a) / L - abs(mp.mpf(k) / 10)) * L for k in range(-20, 21))


@eq3_31.read_as(r"$\lim_{\alpha\to0^+}\phi_\alpha(\theta)/\log(1/\alpha)=\|\theta\|_1$, $\lim_{\alpha\to\infty}"
                r"4\alpha^2\phi_\alpha(\theta)=\|\theta\|_2^2$, uniformly on compacts")
def _(printed):
    return AllOf(printed, Order(_uniform_small, SMALL, family="alpha -> 0+, sup over |theta| <= 2",
                                label="uniform on [-2, 2]: sup error = O(1/log(1/alpha))"))


# ------------------------------------------------------------------ (3.32) l1 / l2 limits

SWEEP_SMALL = tuple(f"1e-{k}" for k in (2, 4, 8, 12, 16, 24, 32, 40))
SWEEP_LARGE = tuple(f"1e{k}" for k in (1, 2, 3, 4, 5, 6))
SWEEP_DESIGN = (5, 12, 1)


def _kappa() -> float:
    """Exponent predicted from the exact l1 dual certificate: 2 (1 - max_{j not in S} |x_j . lambda|)."""
    n, d, seed = SWEEP_DESIGN
    sol = lib_mirror.l1_solution(n, d, seed)
    D = lib.make_design(n, d, seed)
    c = [abs(sum(D.X[i][j] * sol.dual[i] for i in range(n))) for j in range(d)]
    return 2 * (1 - float(max(c[j] for j in range(d) if j not in sol.support)))


def _dist_l1(p, dps):
    n, d, seed = SWEEP_DESIGN
    res = lib_mirror.path(n, d, seed, SWEEP_SMALL, dps)
    pr = res[min(res, key=lambda a: abs(a - lib.mpf_exact(p)))]
    sol = lib_mirror.l1_solution(n, d, seed)
    return mp.sqrt(mp.fsum((pr.theta[j] - lib.mpf_exact(sol.theta[j])) ** 2 for j in range(d)))


def _dist_l2(p, dps):
    n, d, seed = SWEEP_DESIGN
    res = lib_mirror.path(n, d, seed, SWEEP_LARGE, dps)
    pr = res[min(res, key=lambda a: abs(a - lib.mpf_exact(p)))]
    D = lib.make_design(n, d, seed)
    l2 = nls.min_norm_solution(D.Xm(), D.ym())
    return mp.sqrt(mp.fsum((pr.theta[j] - l2[j]) ** 2 for j in range(d)))


def _l1_ratio(p, dps):
    """||theta_inf(alpha) - theta_l1|| / alpha^(kappa/4): bounded iff the approach is at least that fast."""
    return _dist_l1(p, dps) / lib.mpf_exact(p) ** (mp.mpf(_kappa()) / 4)


def _l2_ratio(p, dps):
    """||theta_inf(alpha) - theta_l2|| * alpha^2 (predicted O(alpha^-4))."""
    return _dist_l2(p, dps) * lib.mpf_exact(p) ** 2


def _fits(dps: int = 50) -> dict:
    from numeric.fit import power_fit

    with mp.workdps(dps):
        xs = [float(mp.mpf(a)) for a in SWEEP_SMALL]
        d1 = [float(_dist_l1(F(1, int(round(1 / x))) if x < 1 else F(1), dps)) for x in xs]
        xl = [float(mp.mpf(a)) for a in SWEEP_LARGE]
        d2 = [float(_dist_l2(F(int(round(x))), dps)) for x in xl]
    return {"small": (xs, d1, power_fit(xs[-4:], d1[-4:])), "large": (xl, d2, power_fit(xl[-3:], d2[-3:]))}


def _interp_figure(inst, path):
    f = _fits(30)
    xs, d1, _ = f["small"]
    xl, d2, _ = f["large"]
    n, d, seed = SWEEP_DESIGN
    allx = xs + xl
    with mp.workdps(30):
        D = lib.make_design(n, d, seed)
        res = {**lib_mirror.path(n, d, seed, SWEEP_SMALL, 30), **lib_mirror.path(n, d, seed, SWEEP_LARGE, 30)}
        l2 = nls.min_norm_solution(D.Xm(), D.ym())
        sol = lib_mirror.l1_solution(n, d, seed)
        a_sorted = sorted(res)
        e1 = [float(mp.sqrt(mp.fsum((res[a].theta[j] - lib.mpf_exact(sol.theta[j])) ** 2 for j in range(d)))) for a in a_sorted]
        e2 = [float(mp.sqrt(mp.fsum((res[a].theta[j] - l2[j]) ** 2 for j in range(d)))) for a in a_sorted]
    del allx
    interpolation_figure([float(a) for a in a_sorted], e1, e2, path,
                         "min-Bregman interpolator vs min-l1 (exact LP) and min-l2, design 5x12")


def _describe_rates(inst, dps):
    f = _fits(dps)
    return {"kappa = 2(1 - max off-support |x_j.lambda|)": f"{_kappa():.4g}",
            "fitted exponent, distance to min-l1 (alpha -> 0)": f"{f['small'][2].exponent:.4g}",
            "fitted exponent, distance to min-l2 (alpha -> oo)": f"{f['large'][2].exponent:.4g}"}


def _rates_part():
    from theorems.spec import Holds

    dom = Domain(Int("k", 0, 0), note="the sweep design 5x12 (seed 1, generic y, theta0 = 0), whose min-l1 "
                 "interpolator is unique (exact dual certificate, strict off the support)")

    def slack(inst, dps):
        sol = lib_mirror.l1_solution(*SWEEP_DESIGN)
        if not (sol.certified and sol.unique):
            return None  # outside the implicit hypothesis (unique min-l1 interpolator)
        fit = _fits(dps)["small"][2].exponent
        return mp.mpf(0.2) - abs(mp.mpf(fit) / _kappa() - 1)

    return Holds(slack, dom, label="approach rate to min-l1: fitted exponent within 20% of kappa = 2(1 - max_{j not in S}"
                 " |x_j.lambda|) (exact dual certificate)",
                 describe=_describe_rates, figure=_interp_figure, samples=1, search=False)


@claim("loureiro.eq3_32", title="l1 / l2 limits of the implicit bias", source="§3.2, eq. (3.32)", kind=Kind.LIMIT,
       depends_on=("loureiro.eq3_28", "loureiro.eq3_29", "loureiro.eq3_31"),
       statement=r"$\theta_\infty(\alpha)\to\arg\min_{\theta\in\mathcal I}\|\theta\|_1$ as $\alpha\to0^+$; "
       r"$\theta_\infty(\alpha)\to\arg\min_{\alpha\to\infty}\|\theta\|_2$ as $\alpha\to\infty$")
def eq3_32():
    """(3.32) as printed: the alpha -> 0 limit (theta_inf(alpha) = min-Bregman interpolator, validated against
    the GF in eq3_28) against the exact min-l1 interpolator; the printed second limit has no constraint set."""
    return AllOf(
        _rates_part(),
        Order(_l1_ratio, [F(1, 10**k) for k in (2, 4, 8, 12, 16, 24, 32, 40)], family="alpha -> 0+ (design 5x12)",
              label="||theta_inf(alpha) - theta_l1|| / alpha^(kappa/4) bounded"),
        Uncheckable("the printed second limit 'argmin_{alpha -> oo} ||theta||_2' puts the limit alpha -> oo where the "
                    "argmin's domain belongs, so it names no point: over all theta the argmin would be 0, over the "
                    "interpolators X^T (X X^T)^{-1} y (the reading, checked there); the constraint set of the argmin "
                    "would decide it", label="alpha -> oo limit as printed"),
    )


@eq3_32.read_as(r"second limit $\arg\min_{\theta\in\mathcal I}\|\theta\|_2=X^\top(XX^\top)^{-1}y$; "
                r"$\theta_\infty(\alpha)$ the GF limit from (3.29)-(3.30)")
def _(printed):
    return AllOf(
        _rates_part(),
        Order(_l1_ratio, [F(1, 10**k) for k in (2, 4, 8, 12, 16, 24, 32, 40)], family="alpha -> 0+ (design 5x12)",
              label="||theta_inf(alpha) - theta_l1|| / alpha^(kappa/4) bounded"),
        Order(_l2_ratio, [F(10**k) for k in (1, 2, 3, 4, 5, 6)], family="alpha -> oo (design 5x12)",
              label="||theta_inf(alpha) - theta_l2|| * alpha^2 bounded"),
    )


# ------------------------------------------------------------------ remarks 3, 4

FEAT = lib.design_domain(lib.shapes((3, 2), (4, 3)), ("generic",),
                         note="features Phi(x) = (1, x, x^2 entries...) of the design rows (a finite-dimensional "
                         "kernel); GF from 0 in feature space")


def _kernel_min_norm(inst):
    D = lib.design_of(inst)
    rows = [[1, *r, *[a * b for a in r for b in r]] for r in D.X]
    Phi = sp.Matrix(rows).applyfunc(sp.Rational)
    if Phi.rank() < Phi.rows:
        return None
    lim = ls.gd_limit(Phi, D.ys(), sp.zeros(Phi.cols, 1))
    proj = ls.projection_by_kkt(Phi, D.ys(), sp.zeros(Phi.cols, 1))
    return 1 if lim == proj == ls.min_norm_interpolator(Phi, D.ys()) else -1


def _remark3():
    return AllOf(
        lib.on_designs(lambda inst, dps: None if _kernel_min_norm(inst) is None else mp.mpf(_kernel_min_norm(inst)),
                       FEAT, "kernel (feature) least squares: GF limit from 0 = min feature-norm interpolator (exact)",
                       exact=_kernel_min_norm),
        Uncheckable("citation / qualitative: the mean-field limit and the 'minimum Barron norm' implicit bias are "
                    "attributed to other work and neither is defined in the notes; nothing checkable stated (definitions of the "
                    "mean-field limit and of the Barron norm would make it checkable)",
                    label="alpha -> 0 ~ mean field, Barron norm"),
    )


@claim("loureiro.remark3", title="Relation to lazy / mean-field regimes", source="Remark 3", kind=Kind.QUALITATIVE,
       depends_on=("loureiro.eq2_23", "loureiro.eq3_32"),
       statement=r"Kernel methods are linear models, so the implicit bias of GF/GF/SGD for kernels is that of least "
       r"squares: min-$\ell_2$ norm for $\theta_0=0$, coherent with $\alpha\to\infty$; $\alpha\to0^+$ is akin to the "
       r"mean-field limit, minimum Barron norm")
def remark3():
    """Remark 3: the kernel statement reduces to (2.23) in feature space (exact); the mean-field part is cited."""
    return _remark3()


@remark3.read_as(r"'GF/GD/SGD'; minimum RKHS-norm")
def _(printed):
    return _remark3()


@claim("loureiro.remark4", title="Implicit regularisation vs generalisation", source="Remark 4", kind=Kind.QUALITATIVE,
       depends_on=("loureiro.eq3_32",),
       statement=r"For sparse $\theta_\star$ we expect min-$\ell_1$ to generalise better than min-$\ell_2$; the converse "
       r"can be true if $\|\theta_\star\|_2^2=d$")
def remark4():
    """Remark 4 (qualitative, measured): mean test errors of min-l1 and min-l2 for a 3-sparse and a dense target."""
    return lib_generalisation.both_orders()
