"""mmv Section III, edge of stability: Definition 5 and its examples, Theorem 6 (projected
dynamics), the self-stabilisation recursions (42), Lemma 7 and Theorem 8 (convergence on the
valley exp(-theta_1) theta_2^2)."""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp
import sympy as sp

from numeric.eos import exp_valley_gd, gd, top_eig_2x2
from symbolic.eos_valley import exp_valley, sharpness_expr, th1, th2
from theorems.claim import Kind
from theorems.spec import (
    AllOf,
    Along,
    Choice,
    Domain,
    Holds,
    Identity,
    Inequality,
    Order,
    Real,
    Uncheckable,
    Vec,
    claim,
)

from .lib_common import q
from .lib_eos import (
    figure_projected,
    figure_self_stabilisation,
    figure_sharpness,
    logistic_antipodal,
    logistic_grad_hess,
    theorem6_error,
    thm8_run,
    thm8_slacks,
)


@claim("mmv.def5", title="Definition 5: EoS valley assumptions", source="Sec. III, Definition 5, line ~340",
       kind=Kind.DEFINITION,
       statement=r"$\mathcal L:\mathbb R^2\to\mathbb R$ smooth; GD initialised near a 1-D subspace $M$ with (1) $\lambda$ "
       r"non-constant and $C^1$ on $M$; (2) $\nabla\mathcal L,\nabla\lambda\in M$, $\langle\nabla\mathcal L,\nabla\lambda\rangle"
       r"\ge0$ on $M$; (3) $u$ constant and $\perp M$ on $M$; (4) $\nabla\mathcal L$ within $\epsilon$ of its second-order "
       r"expansion about $\theta^\parallel$.")
def def5():
    """Definition 5 defines the assumptions; it asserts nothing.  Its examples are checked in
    mmv.def5_exp, mmv.def5_logistic and mmv.quadratic_div."""
    return Uncheckable("a definition (asserts nothing); its assumptions are checked on the survey's examples "
                       "mmv.def5_exp, mmv.def5_logistic and mmv.quadratic_div")


@claim("mmv.def5_exp", title="exp(-theta_1) theta_2^2 satisfies Definition 5 with epsilon = 0",
       source="Sec. III, lines ~345, ~383; proof of Theorem 8", kind=Kind.IDENTITY, depends_on=("mmv.def5",),
       statement=r"$M=\mathrm{span}\{(1,0)\}$, $\lambda(\theta^\parallel)=2e^{-\theta_1}$ (decreasing along $M$); $\mathcal L$ is "
       r"precisely quadratic along lines orthogonal to $M$, so $\epsilon=0$ in Assumption 4.")
def def5_exp():
    """The Hessian and the full sharpness field, lambda = 2 exp(-theta_1) on M with gradient
    (-2 exp(-theta_1), 0) in M, grad L = 0 on M, top eigenvector e_2 (eigenvalue gap 2 exp(-theta_1)
    > 0 on M), and the exact second-order Taylor expansion of grad L in theta_2 (epsilon = 0)."""
    m = exp_valley()
    H = m.hessian()
    e = sp.exp(-th1)
    lam = sharpness_expr(m.loss, m.state)
    printed_lam = e * ((th2**2 + 2) / 2 + sp.sqrt(((th2**2 - 2) / 2) ** 2 + 4 * th2**2))
    on_m = {th2: 0}
    lam_m = sp.simplify(lam.subs(on_m))
    grad = sp.Matrix(m.gradient)
    taylor = sp.Matrix([sp.series(gi, th2, 0, 3).removeO() for gi in grad])
    return AllOf(
        Identity(H, sp.Matrix([[e * th2**2, -2 * e * th2], [-2 * e * th2, 2 * e]]), label="Hessian"),
        Identity(sp.expand(sp.simplify(lam / e)), sp.expand(printed_lam / e), label="sharpness field lambda(theta)"),
        Identity(lam_m, 2 * e, label="lambda on M = 2 exp(-theta_1)"),
        Identity(sp.Matrix([sp.diff(lam_m, th1), sp.diff(lam, th2).subs(on_m)]), sp.Matrix([-2 * e, 0]),
                 label="grad lambda on M = (-2 exp(-theta_1), 0), in M, decreasing"),
        Identity(grad.subs(on_m), sp.zeros(2, 1), label="grad L = 0 on M"),
        Identity((H.subs(on_m) * sp.Matrix([0, 1])), 2 * e * sp.Matrix([0, 1]), label="u = e_2 (perpendicular to M)"),
        Identity(taylor, grad, label="second-order expansion of grad L in theta_2 is exact (epsilon = 0)"),
    )


# ------------------------------------------------------------------ logistic example (36)

ON_M = Domain(Real("omega_deg", 0, 90, lo_open=True, hi_open=True), Real("s", -3, 3),
              edges=[{"omega_deg": Fraction(60), "s": Fraction(-1)}],
              note="x_1 = (cos b, sin b), x_2 = (-cos b, sin b) with omega = 180 - 2b degrees the angle between them "
              "(|x_1| = |x_2| = 1); M = span(x_1 - x_2) = the horizontal axis (a subspace, as Definition 5 "
              "requires); theta = (s, 0) in M")


def _beta(inst):
    return (180 - q(inst["omega_deg"])) / 2 * mp.pi / 180


def _assumption2_slack(inst, dps):
    """<grad L, grad lambda> at theta = (s, 0) (>= 0 is Assumption 2), lambda the top eigenvalue."""
    b = _beta(inst)
    th = [q(inst["s"]), mp.mpf(0)]
    g, _ = logistic_grad_hess(b, th)
    lam = lambda x, y: top_eig_2x2(logistic_grad_hess(b, [x, y])[1])[0]  # noqa: E731
    dl = [mp.diff(lambda x: lam(x, th[1]), th[0]), mp.diff(lambda y: lam(th[0], y), th[1])]
    return (g[0] * dl[0] + g[1] * dl[1]) * 1000


def _assumption3_slack(inst, dps):
    """sin^2 b - cos^2 b: > 0 iff the top Hessian eigenvector on M is e_2 (perpendicular to M)."""
    b = _beta(inst)
    return mp.sin(b) ** 2 - mp.cos(b) ** 2


ANTIPODAL = Domain(Real("s1", -3, 3), Real("s2", -3, 3), where=[("s1 != s2", lambda s: s["s1"] != s["s2"])],
                   edges=[{"s1": Fraction(0), "s2": Fraction(1)}],
                   note="x_1 = -x_2 = (1, 0): L = log(1 + e^-theta_1); M = span(x_1 - x_2) = the horizontal axis")


def _antipodal_constant_slack(inst, dps):
    """'Assumption 1 fails' for a smooth loss means lambda is constant on M: -|lambda(s1) - lambda(s2)|."""
    l1 = top_eig_2x2(logistic_antipodal([q(inst["s1"]), mp.mpf(0)])[1])[0]
    l2 = top_eig_2x2(logistic_antipodal([q(inst["s2"]), mp.mpf(0)])[1])[0]
    return -abs(l1 - l2) / max(l1, l2)


def _antipodal_u_parallel(inst, dps):
    """Assumption 3 fails: the top eigenvector at (s1, 0) is parallel to M: |u_2| (must be 0)."""
    _, u = top_eig_2x2(logistic_antipodal([q(inst["s1"]), mp.mpf(0)])[1])
    return -abs(u[1])


GD_ANTIPODAL = Domain(Choice("eta", (Fraction(1), Fraction(10), Fraction(100), Fraction(1000))),
                      Real("theta1", -3, 3), Real("theta2", -3, 3))


def _antipodal_run(inst, dps):
    g = lambda x, y: logistic_antipodal([x, y])[0]  # noqa: E731
    path = gd(g, [q(inst["theta1"]), q(inst["theta2"])], q(inst["eta"]), 200)
    losses = [mp.log(1 + mp.exp(-p[0])) for p in path]
    return list(zip(losses, losses[1:], strict=False))


@claim("mmv.def5_logistic", title="The logistic example (36) and Definition 5", source="Sec. III, eq. (36), line ~365; "
       "Fig. 2 caption (line ~356)", kind=Kind.QUALITATIVE, depends_on=("mmv.def5",),
       statement=r"(a) The conditions of Definition 5 are all met when $0<\omega<\pi/2$. (b) When $x_1=-x_2$ there is no "
       r"valley: it fails both Assumptions 3 and 1 (the largest Hessian eigenvector is everywhere parallel to the "
       r"gradient of the sharpness), and GD with arbitrarily large step size converges without entering the EOS phase.")
def def5_logistic():
    """Eq. (36): on M = span(x_1 - x_2) (the whole line, a subspace as in Definition 5),
    Assumption 3 (u perpendicular to M iff sin^2 b > cos^2 b iff omega < 90 deg) and Assumption 2
    (<grad L, grad lambda> >= 0, by 50-digit differentiation of the top eigenvalue); for the
    antipodal pair: u parallel to M (Assumption 3 fails), whether lambda is constant on M
    (Assumption 1), and monotone loss along GD for eta in {1, 10, 100, 1000}.  (The Fig. 2
    caption takes M to be the positive horizontal axis only.)"""
    return AllOf(
        Holds(_assumption3_slack, ON_M, strict=True, label="(a) Assumption 3: u perpendicular to M"),
        Holds(_assumption2_slack, ON_M, samples=16, label="(a) Assumption 2: <grad L, grad lambda> >= 0 on M"),
        Holds(_antipodal_u_parallel, ANTIPODAL, label="(b) antipodal: u parallel to M (Assumption 3 fails)"),
        Holds(_antipodal_constant_slack, ANTIPODAL, label="(b) antipodal: Assumption 1 fails (lambda constant on M)"),
        Along(_antipodal_run, lambda st, inst: st[0] - st[1], GD_ANTIPODAL,
              label="(b) antipodal: GD loss monotone for any eta"),
    )


# ------------------------------------------------------------------ quadratics

QUAD = Domain(Real("h1", 0, 10, lo_open=True), Real("h2", 0, "h1", lo_open=True, hi_open=True),
              Real("eta", ("2/h1", lambda s: 2 / s["h1"]), 100, lo_open=True),
              Vec("x0", -2, 2, dims=(2,), nonzero=True),
              edges=[{"h1": Fraction(2), "h2": Fraction(1, 2), "eta": Fraction(3, 2), "x0": (Fraction(0), Fraction(1))}],
              note="L(x) = (h1 x_1^2 + h2 x_2^2)/2, sharpness lambda = h1, eta > 2/lambda, x0 != 0")


def _quad_div_slack(inst, dps):
    """|x_60| / |x_0| - 1 (>= 0: the iterates grow)."""
    h1, h2, eta = q(inst["h1"]), q(inst["h2"]), q(inst["eta"])
    x = [q(v) for v in inst["x0"]]
    xT = [(1 - eta * h1) ** 60 * x[0], (1 - eta * h2) ** 60 * x[1]]
    return mp.sqrt(xT[0] ** 2 + xT[1] ** 2) / mp.sqrt(x[0] ** 2 + x[1] ** 2) - 1


@claim("mmv.quadratic_div", title="Quadratics diverge for eta > 2/lambda", source="Sec. III, line ~348",
       kind=Kind.QUALITATIVE, depends_on=("mmv.def5",),
       statement=r"Quadratic objectives, having constant sharpness $\lambda$, fail Assumption 1: GD with step-size "
       r"$\eta>2/\lambda$ necessarily exhibits oscillations of exponentially increasing magnitude and diverges.")
def quadratic_div():
    """Line ~348 on 2-D quadratics: the sharpness is constant (its gradient is 0), and the GD
    iterates x_t = (1 - eta h_i)^t x_0 from every nonzero start (including starts with no
    component along the top eigenvector)."""
    x1, x2, h1, h2 = sp.symbols("x1 x2 h1 h2", real=True)
    Lq = (h1 * x1**2 + h2 * x2**2) / 2
    Hq = sp.hessian(Lq, (x1, x2))
    return AllOf(
        Identity(sp.Matrix([d for v in (x1, x2) for d in sp.diff(Hq, v)]), sp.zeros(8, 1), label="Hessian constant"),
        Holds(_quad_div_slack, QUAD, label="GD from every x0 != 0 grows (60 steps)"),
    )


# ------------------------------------------------------------------ Theorem 6

def _projected_consistency(inst, dps):
    """One GD step on exp(-theta_1) theta_2^2 minus the projected step (45), from the exact
    reduced recursion and from the gradient (must be 0)."""
    lam0, t2, eta = q(inst["lam0"]), q(inst["theta2"]), q(inst["eta"])
    t1 = -mp.log(lam0 / 2)  # theta_1 with 2 exp(-theta_1) = lam0
    g = [-mp.exp(-t1) * t2**2, 2 * mp.exp(-t1) * t2]
    gd1 = [t1 - eta * g[0], t2 - eta * g[1]]
    lam_next, t2_next = exp_valley_gd(lam0, t2, eta, 1)[1]
    err = abs(-mp.log(lam_next / 2) - gd1[0]) + abs(t2_next - gd1[1])
    return -err / (1 + abs(t1) + abs(t2))


VALLEY = Domain(Real("lam0", Fraction(1, 10), 20), Real("theta2", -2, 2), Real("eta", Fraction(1, 100), 5))


@claim("mmv.thm6", title="Theorem 6: projected EoS dynamics", source="Sec. III, Theorem 6, eqs. (37)-(41)",
       kind=Kind.ASYMPTOTIC, depends_on=("mmv.def5", "mmv.def5_exp"),
       statement=r"$\theta_{t+1}^\perp=(1-\eta\lambda(\theta_t^\parallel))\theta_t^\perp+\mathcal O(\eta\epsilon)$, $\theta_{t+1}"
       r"^\parallel=\theta_t^\parallel-\eta(\tfrac12\|\theta_t^\perp\|^2\nabla\lambda(\theta_t^\parallel)+\nabla\mathcal L"
       r"(\theta_t^\parallel))+\mathcal O(\eta\epsilon)$.")
def thm6():
    """Theorem 6: on exp(-theta_1) theta_2^2 (epsilon = 0) one GD step equals (45) exactly and
    nabla^3 L[e_2, e_2] = grad lambda on M (Hellmann-Feynman); on the logistic example (omega =
    60 deg, eta = 20, theta^par = (1, 0)) the one-step error of (37) over eta |theta_perp|^3 (the
    order of epsilon there) stays bounded as theta_perp -> 0; figure: GD against (37) iterated."""
    m = exp_valley()
    eta = sp.Symbol("eta", positive=True)
    e = sp.exp(-th1)
    step = sp.Matrix([th1 - eta * m.gradient[0], th2 - eta * m.gradient[1]])
    lam_par = 2 * e
    proj = sp.Matrix([th1 - eta * (th2**2 / 2 * sp.diff(lam_par, th1)), (1 - eta * lam_par) * th2])
    third = sp.Matrix([sp.diff(m.loss, th2, 2, v).subs(th2, 0) for v in (th1, th2)])
    perps = [Fraction(1, 10**k) for k in range(1, 6)]
    return AllOf(
        Identity(step, proj, label="GD step = (45) on exp(-theta_1) theta_2^2"),
        Identity(third, sp.Matrix([sp.diff(lam_par, th1), 0]), label="nabla^3 L[u, u] = grad lambda on M"),
        Holds(_projected_consistency, VALLEY, label="reduced (lambda, theta_2) recursion = GD (numeric)",
              figure=figure_projected_wrapper),
        Order(lambda p, dps: theorem6_error(mp.pi / 3, mp.mpf(20), 1.0, q(p)), perps,
              family="logistic (36), omega = 60 deg, eta = 20, theta^par = (1, 0), |theta_perp| = 10^-k",
              label="(37) error = O(eta |theta_perp|^3)"),
    )


def figure_projected_wrapper(inst, path):
    figure_projected({"eta": Fraction(20), "par": Fraction(1), "perp": Fraction(1, 10)}, path)


# ------------------------------------------------------------------ (42)

STAB = Domain(Real("lam0", Fraction(1, 10), 20), Real("theta2", -2, 2), Real("eta", Fraction(1, 100), 5),
              edges=[{"lam0": Fraction(3), "theta2": Fraction(1, 2), "eta": Fraction(1)}],
              note="exp(-theta_1) theta_2^2 with lambda_t = 2 exp(-theta_1), alpha_t = <theta_perp, u> = theta_2")


def _lambda_update_slack(inst, dps):
    """0 <= lambda_{t+1}^pred - lambda_{t+1}^true <= lambda x^2/2, x = eta lambda alpha^2/2 (the
    third relation of (42) is exact to first order: its error is O(eta^2)); min of both slacks."""
    lam, a, eta = q(inst["lam0"]), q(inst["theta2"]), q(inst["eta"])
    x = eta * lam * a**2 / 2
    true = lam * mp.exp(-x)
    pred = lam - eta * (a**2 / 2 * lam**2)  # |grad lambda|^2 = lambda^2, <grad L, grad lambda> = 0 on M
    err = true - pred
    return min(err, lam * x**2 / 2 - err) / lam


@claim("mmv.eq42", title="Self-stabilisation predictions", source="Sec. III, eq. (42); Fig. 3 caption",
       kind=Kind.ASYMPTOTIC, depends_on=("mmv.thm6",),
       statement=r"$\mathcal L(\theta_t)\approx\mathcal L_t+\frac{\alpha_t^2}2\lambda_t$, $\alpha_{t+1}\approx(1-\eta\lambda_t)"
       r"\alpha_t$, $\lambda_{t+1}\approx\lambda_t-\eta(\frac12\alpha_t^2\|\nabla\lambda_t\|^2+\langle\nabla\mathcal L_t,\nabla"
       r"\lambda_t\rangle)$, with the oscillation value $\alpha_t:=(1-\eta\lambda_t)$ (Fig. 3 caption).")
def eq42():
    """Eq. (42) on exp(-theta_1) theta_2^2 with alpha_t as defined in the Fig. 3 caption,
    alpha_t := 1 - eta lambda_t: the loss relation and the alpha recursion as identities (they
    are exact for the valley under the text's definition, so an O(1) gap is a wrong formula)."""
    eta = sp.Symbol("eta", positive=True)
    e = sp.exp(-th1)
    lam = 2 * e
    alpha = 1 - eta * lam
    lam_next = 2 * sp.exp(-(th1 + eta * e * th2**2))
    alpha_next = 1 - eta * lam_next
    dom = Domain(Real("theta1", -2, 2), Real("theta2", -2, 2), Real("eta", 0, 5, lo_open=True),
                 edges=[{"theta1": Fraction(0), "theta2": Fraction(1, 2), "eta": Fraction(1)}])
    return AllOf(
        Identity(e * th2**2 - 0, alpha**2 * lam / 2, domain=dom, label="L(theta) = L_t + alpha_t^2 lambda_t / 2"),
        Identity(alpha_next, (1 - eta * lam) * alpha, domain=dom, label="alpha_{t+1} = (1 - eta lambda_t) alpha_t"),
        Holds(_lambda_update_slack, STAB, label="lambda update: error in [0, lambda x^2/2] (O(eta^2))",
              figure=figure_self_stabilisation),
    )


@eq42.read_as(r"$\alpha_t=\langle\theta_t^\perp,u\rangle$ as in the text (the caption's $1-\eta\lambda_t$ is a different "
              r"quantity).")
def _(printed):
    eta = sp.Symbol("eta", positive=True)
    e = sp.exp(-th1)
    lam = 2 * e
    a1, a2, third = printed.parts
    theta2_next = th2 - eta * 2 * e * th2
    return AllOf(a1.replace(printed=th2**2 * lam / 2, label="L(theta) = L_t + alpha_t^2 lambda_t / 2, alpha = theta_2"),
                 a2.replace(derived=theta2_next, printed=(1 - eta * lam) * th2,
                            label="alpha_{t+1} = (1 - eta lambda_t) alpha_t, alpha = theta_2"),
                 third)


# ------------------------------------------------------------------ Lemma 7

LEMMA7 = Domain(Real("eta", Fraction(1, 1000), 100, log=True), Real("x0", -10, 10))


def _lemma7_run(inst, dps):
    eta, x = q(inst["eta"]), q(inst["x0"])
    lam0 = 2 * mp.exp(-x)
    out = [(0, lam0, lam0)]
    for t in range(1, 200):
        x = x + eta * 2 * mp.exp(-x)
        out.append((t, 2 * mp.exp(-x), lam0))
    return out


@claim("mmv.lemma7", title="Lemma 7: GD on lambda(x) = 2 exp(-x)", source="Sec. III, Lemma 7, eq. (43)",
       kind=Kind.INEQUALITY,
       statement=r"GD with step $\eta$ on $\lambda(x)=2e^{-x}$: $\lambda(x_t)\le\frac{\lambda(x_0)}{1+\lambda(x_0)\eta t}$ "
       r"for all $t\in\mathbb N$.")
def lemma7():
    """Lemma 7: the exact identity lambda(x_{t+1}) = lambda(x_t) exp(-eta lambda(x_t)) of (43),
    e^{-y} <= 1/(1 + y) for y >= 0, and the bound along 200 steps for eta in [1e-3, 100]
    (log-uniform) and x_0 in [-10, 10]."""
    x, eta, y = sp.symbols("x eta y", real=True)
    lam = 2 * sp.exp(-x)
    x1 = x - eta * sp.diff(lam, x)
    return AllOf(
        Identity(lam.subs(x, x1), lam * sp.exp(-eta * lam), label="(43): lambda(x_{t+1}) = lambda(x_t) e^{-eta lambda}"),
        Inequality(1 / (1 + y) - sp.exp(-y), Domain(Real("y", 0, 50)), label="e^{-y} <= 1/(1 + y), y >= 0"),
        Along(_lemma7_run, lambda st, inst: (st[2] / (1 + st[2] * q(inst["eta"]) * st[0]) - st[1])
              / (st[2] / (1 + st[2] * q(inst["eta"]) * st[0])), LEMMA7, label="lambda(x_t) <= lambda_0/(1 + lambda_0 eta t)"),
    )


# ------------------------------------------------------------------ Theorem 8

THM8 = Domain(Choice("eta", (Fraction(1, 10), Fraction(1, 2), Fraction(1), Fraction(2), Fraction(5))),
              Real("k", Fraction(101, 100), 6), Real("theta2", Fraction(1, 20), 5, log=True),
              edges=[{"eta": Fraction(1), "k": Fraction(3, 2), "theta2": Fraction(1, 2)},
                     {"eta": Fraction(1, 10), "k": Fraction(6, 5), "theta2": Fraction(3, 10)}],
              note="L = exp(-theta_1) theta_2^2; lambda_0 = lambda(theta_0^par) = 2 k/eta (so eta > 2/lambda_0), "
              "1/20 <= theta_2(0) (bounds t* by ~400 steps); t* from (44) computed exactly; t* + 200 GD steps in the exact reduced "
              "coordinates (lambda_t, theta_2,t)")


def _thm8_slack(printed: bool):
    def slack(inst, dps):
        return min(thm8_slacks(inst, printed).values())
    return slack


def _thm8_describe(printed: bool):
    def describe(inst, dps):
        run, ts = thm8_run(inst, extra=2)
        d = {k: v for k, v in thm8_slacks(inst, printed).items()}
        d.update({"t*": str(ts), "2/lambda_t*": 2 / run[ts][0], "2/lambda_{t*+1}": 2 / run[ts + 1][0]})
        return d
    return describe


def _lyapunov(signed: bool):
    eta, lam, lam_s, a, b = sp.symbols("eta lambda lambda_s theta1 theta2", real=True)
    norm = (lambda v: v) if signed else sp.Abs
    V = lambda t1, t2: t2**2 + (4 - 2 * eta * lam_s) * norm(t1)  # noqa: E731
    nxt = V(a + eta * lam * b**2 / 2, (1 - eta * lam) * b)
    dom = Domain(Real("theta1", -3, 3), Real("theta2", -2, 2), Real("eta", 0, 1, lo_open=True),
                 Real("lambda", 0, 2, lo_open=True), Real("lambda_s", 0, 2, lo_open=True),
                 edges=[{"theta1": Fraction(-1), "theta2": Fraction(1), "eta": Fraction(1, 2), "lambda": Fraction(1),
                         "lambda_s": Fraction(1)}])
    return Identity(nxt - V(a, b), eta**2 * lam * (lam - lam_s) * b**2, domain=dom,
                    label=f"V_{{t+1}} - V_t = eta^2 lambda_t (lambda_t - lambda_t*) theta_2^2 "
                    f"({'signed theta_1' if signed else '|theta^par| as printed'})")


@claim("mmv.thm8", title="Theorem 8: EoS convergence on exp(-theta_1) theta_2^2", source="Sec. III, Theorem 8, (44)-(46)",
       kind=Kind.RATE, depends_on=("mmv.lemma7", "mmv.thm6", "mmv.def5_exp"),
       statement=r"If $\eta>2/\lambda(\theta_0^\parallel)$ and $t_*:=\lceil\frac{\eta\lambda(\theta_0^\parallel)-2}{\eta\lambda"
       r"(\theta_0^\parallel)\|\theta_0^\perp\|^2}\rceil+1$ (44), then for any $s\ge t_*$, $\eta<2/\lambda(\theta_s^\parallel)<2/"
       r"\lambda(\theta_{t_*}^\parallel)$; there is $\alpha\in(0,1)$ with convergence at rate $\mathcal O(\alpha^t)$.")
def thm8():
    """Theorem 8 on sampled (eta, lambda_0, theta_2(0)): the chain as printed (for s > t*), the
    contraction factor alpha of the proof and |theta_2,t| <= alpha^{t - t*} |theta_2,t*|, the
    theta_1 bound, and the Lyapunov step of the proof (with |theta^par| as printed);
    figure: sharpness against 2/eta."""
    return AllOf(
        Holds(_thm8_slack(True), THM8, describe=_thm8_describe(True), figure=figure_sharpness,
              label="for s >= t*: eta < 2/lambda_s < 2/lambda_t*; alpha < 1; rate; theta_1 bound"),
        _lyapunov(signed=False),
    )


@thm8.read_as(r"for any $s\ge t_*$, $\eta<2/\lambda(\theta_{t_*}^\parallel)\le2/\lambda(\theta_s^\parallel)$ ($\lambda$ is "
              r"non-increasing along the iterates); implicit $\theta_0^\perp\ne0$; the Lyapunov step with signed "
              r"$\theta_1$; the rate step cites (45).")
def _(printed):
    holds, _ = printed.parts
    return AllOf(holds.replace(slack=_thm8_slack(False), describe=_thm8_describe(False),
                               label="for s >= t*: eta < 2/lambda_t* <= 2/lambda_s; alpha < 1; rate; theta_1 bound"),
                 _lyapunov(signed=True))
