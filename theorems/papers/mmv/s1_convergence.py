"""mmv Section I, "Recipe for linear convergence": eqs. (2), (3), the PL linear rate, the chain
rule (5), the output update (7), the NTK descent lemma (8), its linear rate and the GF rate (9).

Class-quantified claims range over members of the class of L-smooth (mu-PL) functions
(:mod:`symbolic.smooth_class`); the exact worst case over the class from PEPit is reported
beside the claimed constant.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp
import sympy as sp

from theorems.claim import Kind
from theorems.spec import AllOf, Along, Domain, Holds, Identity, Inequality, Order, Real, Vec, claim

from .lib_class import (
    converse_f,
    converse_fprime,
    converse_member_text,
    pepit_descent,
    pepit_pl_step,
    pepit_upper_bound,
    point,
    smooth_member,
)
from .lib_common import WithEvidence, q
from .lib_linear import col, eig_range, norm2, ntk_of, tanh_net_run

# ------------------------------------------------------------------ domains

PAIRS = Domain(smooth_member("f"), Vec("z", -3, 3, dims=(3,)), Vec("zp", -3, 3))
STEP = Domain(smooth_member("f"), Vec("z", -3, 3, dims=(3,)),
              Real("u", 0, 1, lo_open=True, hi_open=True),
              note="eta = 2u/L with 0 < u < 1, i.e. 0 < eta < 2/L")
PL_RUN = Domain(smooth_member("f", need_mu=True), Vec("z", -3, 3, dims=(3,)),
                note="eta = 1/L; the member's mu is its (exact) PL constant")
CONVERSE = Domain(Real("L", 0, 10, lo_open=True), Real("c", 0, 3, lo_open=True),
                  Real("z", -1, 1), Real("zp", -1, 1),
                  where=[("z != zp", lambda s: s["z"] != s["zp"])],
                  edges=[{"L": Fraction(1), "c": Fraction(1), "z": Fraction(1, 100), "zp": Fraction(0)}],
                  note="f(x) = L/2 x^2 - c|x|^(3/2) + 27 c^4/(32 L^3): differentiable, min f = 0, and "
                  "L/2 x^2 - f is convex, so (2) holds for every pair")


def _grad(m, x):
    return m.grad(x)


def _upper_bound_slack(inst, dps):
    """(2): f(z') + <grad f(z'), z - z'> + L/2 |z - z'|^2 - f(z) >= 0 (scaled by 1 + |f(z)|)."""
    m = inst["f"]
    z, zp = point(m, inst["z"]), point(m, inst["zp"])
    g = _grad(m, zp)
    rhs = m.value(zp) + mp.fsum(a * (b - c) for a, b, c in zip(g, z, zp, strict=True)) \
        + m.L_mpf() / 2 * mp.fsum((b - c) ** 2 for b, c in zip(z, zp, strict=True))
    return (rhs - m.value(z)) / (1 + abs(m.value(z)))


def _converse_lipschitz_slack(inst, dps):
    """L - |f'(z) - f'(z')| / |z - z'| for the converse family (>= 0: f' is L-Lipschitz there)."""
    L, c, z, zp = (q(inst[k]) for k in ("L", "c", "z", "zp"))
    ratio = abs(converse_fprime(L, c, z) - converse_fprime(L, c, zp)) / abs(z - zp)
    return (L - ratio) / L


def _converse_upper_bound_slack(inst, dps):
    """(2) for the converse family at the pair (z, z')."""
    L, c, z, zp = (q(inst[k]) for k in ("L", "c", "z", "zp"))
    rhs = converse_f(L, c, zp) + converse_fprime(L, c, zp) * (z - zp) + L / 2 * (z - zp) ** 2
    return (rhs - converse_f(L, c, z)) / (1 + converse_f(L, c, z))


def _converse_describe(inst, dps):
    L, c = inst["L"], inst["c"]
    zz, zp = q(inst["z"]), q(inst["zp"])
    ratio = abs(converse_fprime(q(L), q(c), zz) - converse_fprime(q(L), q(c), zp)) / abs(zz - zp)
    return {"function": converse_member_text(L, c), "|f'(z) - f'(z')| / |z - z'|": ratio}


@claim("mmv.eq2_smooth_equiv", title="L-smoothness is equivalent to the quadratic upper bound (2)",
       source="Sec. I, 'Recipe for linear convergence', eq. (2)", kind=Kind.IDENTITY,
       statement=r"The $L$-smoothness property is equivalent to $\mathcal L(z)\le\mathcal L(z')+\langle\nabla"
       r"\mathcal L(z'),z-z'\rangle+\tfrac L2\|z-z'\|^2$ for any pair $z,z'$ (2).")
def eq2_smooth_equiv():
    """Eq. (2): (=>) on members of the L-smooth class at sampled pairs, with PEPit's exact worst
    case of the gap over all L-smooth functions (claimed L/2 |z - z'|^2); (<=) as a search over
    the family L/2 x^2 - c|x|^{3/2} + const, which satisfies (2) by construction (the difference
    is convex) and is tested for an L-Lipschitz gradient."""
    forward = WithEvidence(
        Holds(_upper_bound_slack, PAIRS, label="(=>) L-smooth members satisfy (2)"),
        lambda: {"pepit_worst_gap_L=2_unit_distance": pepit_upper_bound(2.0), "claimed_constant_L/2": 1.0,
                 "pepit_class": "SmoothFunction (non-convex L-smooth; interpolation conditions exact)"})
    converse_hyp = Holds(_converse_upper_bound_slack, CONVERSE, label="(<=) the family satisfies (2)",
                         search=False)
    converse = Holds(_converse_lipschitz_slack, CONVERSE, describe=_converse_describe,
                     label="(<=) (2) implies an L-Lipschitz gradient")
    return AllOf(forward, converse_hyp, converse)


# ------------------------------------------------------------------ (3)

eta_s, L_s, gn, f0 = sp.symbols("eta L g2 f0", positive=True)
eta_r, L_r = sp.symbols("eta L", real=True)  # the domain's (real) symbols, for the provers


def _descent_slack(inst, dps):
    """f(z) - (eta - L eta^2/2)|g|^2 - f(z - eta g) with eta = 2u/L, scaled."""
    m = inst["f"]
    z = point(m, inst["z"])
    L = m.L_mpf()
    eta = 2 * q(inst["u"]) / L
    g = _grad(m, z)
    g2 = mp.fsum(v**2 for v in g)
    z1 = [a - eta * b for a, b in zip(z, g, strict=True)]
    return (m.value(z) - (eta - L * eta**2 / 2) * g2 - m.value(z1)) / (1 + abs(m.value(z)))


@claim("mmv.eq3_descent", title="Descent lemma (3)", source="Sec. I, eq. (3)", kind=Kind.INEQUALITY,
       statement=r"If (2) holds then with $z_{t+1}=z_t-\eta\nabla\mathcal L(z_t)$: $\mathcal L(z_{t+1})\le"
       r"\mathcal L(z_t)-(\eta-\frac{L\eta^2}{2})\|\nabla\mathcal L(z_t)\|^2$; for $0<\eta<2/L$ the loss "
       r"decreases monotonically.", depends_on=("mmv.eq2_smooth_equiv",))
def eq3_descent():
    """Eq. (3): substituting z = z_t - eta g, z' = z_t into (2) gives (3) exactly; the factor is
    positive exactly on 0 < eta < 2/L; checked on members of the L-smooth class, with PEPit's
    worst case of f(x1) - f(x0) over L-smooth functions (|g0| = 1) beside -(eta - L eta^2/2)."""
    rhs2 = f0 + (-eta_s * gn) + L_s / 2 * eta_s**2 * gn  # (2) at z = z_t - eta g: <g, -eta g> = -eta |g|^2
    rhs3 = f0 - (eta_s - L_s * eta_s**2 / 2) * gn
    window = Domain(Real("L", 0, None, lo_open=True), Real("eta", 0, ("2/L", lambda s: 2 / s["L"]),
                                                           lo_open=True, hi_open=True))

    def pep():
        return {f"pepit_worst_f1-f0_L=1_eta={e}": pepit_descent(1.0, e) for e in (0.5, 1.0, 1.5)} | {
            f"claimed_-(eta-eta^2/2)_eta={e}": -(e - e * e / 2) for e in (0.5, 1.0, 1.5)}

    return AllOf(
        Identity(rhs2, rhs3, label="(2) at z = z_t - eta g is (3)"),
        Inequality(eta_r - L_r * eta_r**2 / 2, window, strict=True, label="eta - L eta^2/2 > 0 on 0 < eta < 2/L"),
        WithEvidence(Holds(_descent_slack, STEP, label="(3) on L-smooth members, 0 < eta < 2/L"), pep),
    )


# ------------------------------------------------------------------ PL linear rate


def _pl_run(inst, dps):
    """[(t, f(z_t), f(z_0), (1 - mu/L))] for GD with eta = 1/L until the bound falls below
    10^(-dps/2) f(z_0) (roundoff level), at most 150 steps."""
    m = inst["f"]
    z = point(m, inst["z"])
    L, mu = m.L_mpf(), m.mu_mpf()
    f0v = m.value(z)
    if f0v == 0:
        return None
    rho = 1 - mu / L
    out = [(0, f0v)]
    floor = mp.mpf(10) ** (-dps // 2)
    for t in range(1, 151):
        g = _grad(m, z)
        z = [a - b / L for a, b in zip(z, g, strict=True)]
        out.append((t, m.value(z)))
        if rho**t < floor:
            break
    return [(t, ft, f0v, rho) for t, ft in out]


def _pl_bound(state, inst):
    t, ft, f0v, rho = state
    return (rho**t * f0v - ft) / f0v


@claim("mmv.pl_linear_rate", title="Linear rate under L-smooth + mu-PL with eta = 1/L",
       source="Sec. I, lines ~50-54", kind=Kind.RATE,
       statement=r"With $\eta=1/L$: $\mathcal L(z_{t+1})\le\mathcal L(z_t)-\frac1{2L}\|\nabla\mathcal L(z_t)\|^2"
       r"\le(1-\frac\mu L)\mathcal L(z_t)$, so $\mathcal L(z_{t+1})\le(1-\frac{\mu}{L})^{t+1}\mathcal L(z_0)$.",
       depends_on=("mmv.eq3_descent",))
def pl_linear_rate():
    """Sec. I: with eta = 1/L the factor of (3) is 1/(2L), and PL gives 1 - mu/L; mu <= L follows
    from 0 <= L(z - grad/L) <= L(z) - |grad|^2/(2L).  GD trajectories on members of the class with
    a known PL constant; PEPit's bound on one step over smooth PL functions beside 1 - mu/L."""
    mu, L = sp.symbols("mu L", real=True)
    f0r, g2r = sp.symbols("f0 g2", real=True)
    # hypotheses at one point z with L(z) = f0 > 0, |grad|^2 = g2: PL (g2 >= 2 mu f0) and the
    # descent step to z - grad/L staying >= 0 (0 <= f0 - g2/(2L))
    pl = Domain(Real("L", 0, 10, lo_open=True), Real("mu", 0, 10, lo_open=True), Real("f0", 0, 10, lo_open=True),
                Real("g2", 0, 100), where=[g2r - 2 * mu * f0r >= 0, 2 * L * f0r - g2r >= 0])

    def pep():
        return {"pepit_one_step_ratio_L=8_mu=1/32": pepit_pl_step(8.0, 1 / 32),
                "claimed_1-mu/L": 1 - 1 / 256,
                "pepit_note": "PEPit's PL class has necessary (not sufficient) interpolation "
                "conditions: its value is an upper bound on the exact worst case"}

    return AllOf(
        Identity((eta_s - L_s * eta_s**2 / 2).subs(eta_s, 1 / L_s), 1 / (2 * L_s), label="eta - L eta^2/2 at 1/L"),
        # (L - mu)(f0 + g2) >= 0 is mu <= L (f0 + g2 > 0); written with every symbol of the domain
        # because the spec Inequality samples only the expression's own symbols
        Inequality((L - mu) * (f0r + g2r), pl, label="PL + L-smooth force mu <= L"),
        WithEvidence(Along(_pl_run, _pl_bound, PL_RUN, label="L(z_t) <= (1 - mu/L)^t L(z_0)"), pep),
    )


# ------------------------------------------------------------------ chain rule (5)


def _tanh_net():
    """g(x) = sum_k a_k tanh(w_k . x), 2 inputs, width 2, two data points; Z = f_X(theta)."""
    a = sp.symbols("a1 a2", real=True)
    w = sp.Matrix(2, 2, sp.symbols("w11 w12 w21 w22", real=True))
    X = sp.Matrix(2, 2, sp.symbols("x11 x12 x21 x22", real=True))  # rows = data points
    Y = sp.Matrix(sp.symbols("y1 y2", real=True))
    theta = [*a, *w]
    Z = sp.Matrix([sum(a[k] * sp.tanh((w[k, :] * X[i, :].T)[0]) for k in range(2)) for i in range(2)])
    return theta, Z, Y


@claim("mmv.eq5_chainrule", title="Chain rule: grad L(theta) = J^T grad L_Y(Z)", source="Sec. I, eq. (5)",
       kind=Kind.IDENTITY, statement=r"$\nabla\mathcal L(\theta)=J_{f_X}^\top(\theta)\nabla\mathcal L_Y(Z)$")
def eq5_chainrule():
    """Eq. (5) on a two-layer tanh network (2 inputs, width 2, 2 data points), L_Y = 1/2|Y - Z|^2:
    the gradient of the composition against J^T grad L_Y."""
    theta, Z, Y = _tanh_net()
    LY = sum((Y[i] - Z[i]) ** 2 for i in range(2)) / 2
    derived = sp.Matrix([sp.diff(LY, p) for p in theta])
    J = Z.jacobian(theta)
    gradZ = sp.Matrix([Z[i] - Y[i] for i in range(2)])
    return Identity(derived, J.T * gradZ, label="grad of L_Y(f_X(theta)) vs J^T grad L_Y")


# ------------------------------------------------------------------ output update (7)

t1, t2, t3, h = sp.symbols("theta1 theta2 theta3 eta", real=True)
g1, g2 = sp.symbols("g1 g2", real=True)


def _toy():
    th = sp.Matrix([t1, t2, t3])
    f = sp.Matrix([t1 * t2, t2**2 * t3])
    return th, f, f.jacobian(th)


def _first_order_coefficient():
    th, f, J = _toy()
    g = sp.Matrix([g1, g2])
    moved = f.subs(dict(zip(th, th - h * J.T * g, strict=True)), simultaneous=True)
    return moved.applyfunc(lambda e: sp.expand(e).coeff(h, 1)), J, g


def _remainder_ratio(k: Fraction, dps: int):
    """|f(theta - eta J^T g) - f(theta) + eta J J^T g| / eta^2 at theta = (1, -2, 1/2), g = (1, 3)."""
    th, f, J = _toy()
    g = sp.Matrix([1, 3])
    pt = {t1: sp.Integer(1), t2: sp.Integer(-2), t3: sp.Rational(1, 2)}
    eta = mp.mpf(k.numerator) / k.denominator
    fn = sp.lambdify([t1, t2, t3], list(f), "mpmath")
    Jn = J.subs(pt)
    step = [mp.mpf(sp.Rational(v)) for v in (sp.Matrix([1, -2, sp.Rational(1, 2)]) - sp.Matrix([0, 0, 0]))]
    d = [mp.mpf(int(x)) for x in list(Jn.T * g)]
    moved = fn(*[s - eta * dv for s, dv in zip(step, d, strict=True)])
    base = fn(*step)
    lin = [mp.mpf(int(x)) for x in list(Jn * Jn.T * g)]
    r = mp.sqrt(mp.fsum((a - b + eta * c) ** 2 for a, b, c in zip(moved, base, lin, strict=True)))
    return r / eta**2


@claim("mmv.eq7", title="Induced preconditioned update on outputs", source="Sec. I, eqs. (6)-(7)",
       kind=Kind.ASYMPTOTIC,
       statement=r"$Z_{t+1}=Z_t-\underbrace{\eta J_{f_X}(\theta_t)J_{f_X}^\top(\theta_t)}_{:=H_{f_X}(\theta_t)}"
       r"\cdot\nabla\mathcal L_Y(Z_t)+\mathcal O(\eta^2)$, where $H_{f_X}(\theta_t)$ is PSD and is the NTK.",
       depends_on=("mmv.eq5_chainrule",))
def eq7():
    """Eqs. (6)-(7) on the polynomial toy model f(theta) = (theta1 theta2, theta2^2 theta3): the
    eta^1 coefficient of f(theta - eta J^T g) is -J J^T g (exact); the remainder over eta^2 stays
    bounded as eta -> 0; and, as printed, H := eta J J^T is "the NTK", which eq. (11) defines as
    [H]_ij = <d g(x_i), d g(x_j)>, i.e. J J^T."""
    coeff, J, g = _first_order_coefficient()
    eta = sp.Symbol("eta", positive=True)
    etas = [Fraction(1, 2**k) for k in range(4, 21, 2)]
    remainder = Order(_remainder_ratio, etas, family="eta = 2^-k, k = 4..20", label="remainder = O(eta^2)")
    return AllOf(
        Identity(coeff, -J * J.T * g, label="eta^1 coefficient of Z_{t+1} - Z_t is -J J^T g"),
        remainder,
        Identity(eta * J * J.T, J * J.T, domain=Domain(Real("eta", 0, 10, lo_open=True), Real("theta1", -2, 2),
                                                       Real("theta2", -2, 2), Real("theta3", -2, 2),
                                                       edges=[{"eta": Fraction(2), "theta1": Fraction(1),
                                                               "theta2": Fraction(0), "theta3": Fraction(0)}]),
                 label="H := eta J J^T equals the NTK J J^T of eq. (11)"),
    )


@eq7.read_as(r"$H_{f_X}:=J_{f_X}J_{f_X}^\top$ without $\eta$, and $Z_{t+1}=Z_t-\eta H_{f_X}(\theta_t)"
             r"\nabla\mathcal L_Y(Z_t)+\mathcal O(\eta^2)$ (as used in (8), (9), (13)).")
def _(printed):
    coeff_id, remainder, _ntk = printed.parts
    return AllOf(coeff_id, remainder)


# ------------------------------------------------------------------ (8), rate, (9)

PEPIT_NTK_NOTE = ("no PEPit worst case: the bound is over L_Y composed with a network whose NTK has prescribed "
                  "extreme eigenvalues lambda_min/lambda_max, a class PEPit's function classes do not express "
                  "(its worst cases are over smooth (PL/convex) functions of the iterate itself)")

LINEAR = Domain(smooth_member("LY"), Vec("J", -2, 2, dims=(9,)), Vec("Z", -3, 3),
                Real("eta", 0, 2, lo_open=True),
                note="linear model Z = J theta (J: n x 3 from the first 3n entries, n = dim of L_Y; "
                "Z: the first n entries), so the O(eta^2) term of (7) vanishes")


def _eq8_slack(inst, dps):
    m = inst["LY"]
    n = m.dim
    J, H = ntk_of(inst["J"], n, 3)
    lo, hi = eig_range(H)
    Z = point(m, inst["Z"])
    g = col(_grad(m, Z))
    Hg = H * g
    eta = q(inst["eta"])
    Z1 = [Z[i] - eta * Hg[i] for i in range(n)]
    rhs = m.value(Z) - (lo * eta - hi**2 * m.L_mpf() * eta**2 / 2) * norm2(g)
    return (rhs - m.value(Z1)) / (1 + abs(m.value(Z)))


@claim("mmv.eq8", title="Descent lemma with the NTK", source="Sec. I, eq. (8)", kind=Kind.INEQUALITY,
       statement=r"$\mathcal L_Y(Z_{t+1})\le\mathcal L_Y(Z_t)-(\lambda_{\min}(H)\eta-\frac{\lambda^2_{\max}(H)L"
       r"\eta^2}{2})\|\nabla\mathcal L_Y(Z_t)\|_F^2+\mathcal O(\eta^2)$", depends_on=("mmv.eq7",))
def eq8():
    """Eq. (8) with H = J J^T on the linear model f_X(theta) = J theta, where (7) holds with no
    O(eta^2) remainder, for L-smooth L_Y drawn from the class (any eta > 0)."""
    return WithEvidence(Holds(_eq8_slack, LINEAR, label="(8) on the linear model, L-smooth L_Y"),
                        lambda: {"pepit": PEPIT_NTK_NOTE})


RATE = Domain(Vec("J", -2, 2, dims=(6,)), Vec("r", -3, 3, nonzero=True),
              Real("u", 0, 1, lo_open=True),
              note="linear model Z = J theta, J 2 x 3 (entries row-major), L_Y = 1/2|Y - Z|^2 (L = mu = 1), "
              "residual r = Y - Z (first 2 entries), alpha = lambda_min(J J^T) > 0, "
              "eta = u alpha / (2 lambda_max^2): then the O(eta^2) term lambda_max^2 eta^2 L_Y of (8) is "
              "<= alpha mu eta L_Y / 2 (hypothesis (2))")


def _rate_slack(inst, dps):
    J, H = ntk_of(inst["J"], 2, 3)
    lo, hi = eig_range(H)
    if lo <= mp.mpf(10) ** (-dps // 2):
        return None  # alpha = 0: hypothesis (1) fails
    r = col([q(x) for x in inst["r"][:2]])
    if norm2(r) == 0:
        return None
    eta = q(inst["u"]) * lo / (2 * hi**2)
    r1 = r - eta * (H * r)  # Z+ = Z - eta H (Z - Y)  =>  r+ = r - eta H r
    L0, L1 = norm2(r) / 2, norm2(r1) / 2
    return ((1 - lo * eta / 2) * L0 - L1) / L0


@claim("mmv.ntk_linear_rate", title="Linear rate (1 - alpha mu eta / 2)", source="Sec. I, display after (8)",
       kind=Kind.RATE, depends_on=("mmv.eq8",),
       statement=r"If $\lambda_{\min}(H_{f_X}(\theta_t))\ge\alpha>0$ and the $O(\eta^2)$ terms of (8) are $\le"
       r"\frac{\alpha\mu}{2}\mathcal L_Y(Z_t)\eta$, then $\mathcal L_Y(Z_{t+1})\le(1-\frac{\alpha\mu}{2}\eta)"
       r"\mathcal L_Y(Z_t)$.")
def ntk_linear_rate():
    """Display after (8): the per-step contraction on the linear model with the squared loss."""
    return WithEvidence(Holds(_rate_slack, RATE, label="L_{t+1} <= (1 - alpha mu eta/2) L_t"),
                        lambda: {"pepit": PEPIT_NTK_NOTE})


GF = Domain(Vec("J", -2, 2, dims=(6,)), Vec("r", -3, 3, nonzero=True), Real("t", 0, 4, lo_open=True),
            note="linear model Z = J theta, J 2 x 3, L_Y = 1/2|Y - Z|^2 (mu = 1), r = Y - Z(0) (first 2 "
            "entries); GF: r(t) = exp(-J J^T t) r(0) in closed form; alpha = lambda_min(J J^T)")


def _gf_slack(inst, dps, factor=1):
    J, H = ntk_of(inst["J"], 2, 3)
    ev, V = mp.eigsy(H)
    alpha = min(ev[0], ev[1])
    r0 = col([q(x) for x in inst["r"][:2]])
    if norm2(r0) == 0:
        return None
    t = q(inst["t"])
    c = V.T * r0
    Lt = mp.fsum(mp.exp(-2 * ev[i] * t) * c[i] ** 2 for i in range(2)) / 2
    L0 = norm2(r0) / 2
    return (mp.exp(-factor * alpha * t) * L0 - Lt) / L0


TANH = Domain(Vec("theta0", -1, 1, dims=(4,)),
              note="g(x) = a1 tanh(w1 x) + a2 tanh(w2 x), theta = (a1, a2, w1, w2) = theta0, inputs (1, -1/2), "
              "targets (1/2, -1/3), L = 1/2 |g(X) - Y|^2 (mu = 1)")


def _tanh_slack(inst, dps):
    run = tanh_net_run(inst["theta0"])
    alpha = min(lm for _, _, lm in run)
    L0 = run[0][1]
    if alpha <= 0 or L0 == 0:
        return None
    return min((mp.exp(-alpha * t) * L0 - L) / L0 for t, L, _ in run)


@claim("mmv.eq9", title="GF exponential convergence", source="Sec. I, eq. (9)", kind=Kind.RATE,
       depends_on=("mmv.eq5_chainrule",),
       statement=r"$\dot{\mathcal L}=-\langle\nabla_Z\mathcal L_Y,H\nabla_Z\mathcal L_Y\rangle\le-\lambda_{\min}(H)"
       r"\|\nabla_Z\mathcal L_Y\|^2$; if $\lambda_{\min}(H(\theta_t))\ge\alpha$ then $\mathcal L(t)\le e^{-\alpha\mu t}"
       r"\mathcal L(0)$.")
def eq9():
    """Eq. (9): |J^T g|^2 = <g, J J^T g> exactly, and the GF bound on the linear model (closed form
    exp(-J J^T t)); the sharper exp(-2 alpha mu t) that PL actually gives is recorded beside it; and a
    nonlinear two-layer tanh network (width 2, two data points, GF by RK4 with step 1/100 up to
    t = 2) with alpha = the smallest lambda_min(H) seen along the run (mu = 1)."""
    J = sp.Matrix(2, 3, sp.symbols("j1:7", real=True))
    g = sp.Matrix(sp.symbols("g1 g2", real=True))
    return AllOf(
        Identity(((J.T * g).T * (J.T * g))[0], (g.T * J * J.T * g)[0], label="|J^T g|^2 = <g, J J^T g>"),
        Holds(_tanh_slack, TANH, samples=4, search=False,
              label="tanh network: L(t) <= exp(-alpha t) L(0), alpha = min_t lambda_min(H)"),
        WithEvidence(Holds(_gf_slack, GF, label="L(t) <= exp(-alpha mu t) L(0)"),
                     lambda: {"sharper_exp(-2 alpha mu t)_min_slack_on_edges": min(
                         float(_gf_slack(GF.sample(__import__("random").Random(5), i), 30, factor=2))
                         for i in range(8))}),
    )
