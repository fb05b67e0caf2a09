"""mmv Section I, kernel regime: NTK concentration (10)-(12), the Weyl chain, the output
dynamics (13)-(14) and the kernel-regression limit (15)."""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp
import sympy as sp

from theorems.claim import Kind
from theorems.spec import AllOf, Domain, Holds, Identity, Int, Order, Real, Vec, claim

from .lib_common import mpmatrix, q, spectral_norm, sym_eigs
from .lib_kernel import init_distance, precision_gap, training_drift, widths


@claim("mmv.eq10_12", title="NTK concentration in the kernel regime", source="Sec. I, eqs. (10)-(12)",
       kind=Kind.ASYMPTOTIC,
       statement=r"As $m\to\infty$, w.h.p. $[H_{f_X}(\theta_0)]_{ij}\to\kappa^\infty_g(x_i,x_j)$, "
       r"$\|H_{f_X}(\theta_0)-H^\infty\|=o_m(1)$ and $\|H_{f_X}(\theta_t)-H_{f_X}(\theta_0)\|=o_m(1)$ for all $t$.")
def eq10_12():
    """Eqs. (10)-(12) on g(x) = m^{-1/2} sum_r a_r relu(w_r.x) (a_r = +-1 fixed, w_r ~ N(0, I), 4
    unit inputs in R^2) with kappa(x, x') = x.x'(pi - arccos x.x')/(2 pi) (Du et al. 2019; the
    survey names no kernel).  Float64 width sweeps (10 initialisations; 3 GD runs of 300 steps,
    eta = 1): the distance must not grow with m (fitted exponent of distance vs m in the evidence,
    about -1/2); the float64 kernel is confirmed
    against a 50-digit evaluation at the smallest width."""
    m_init = lambda ctx: widths(2, 6 if ctx.budget.name != "quick" else 5)  # noqa: E731
    m_train = lambda ctx: widths(2, 4)  # noqa: E731
    return AllOf(
        Order(lambda m, dps: init_distance(int(m)), m_init, family="width m = 10^2..10^6",
              label="|H(theta_0) - H^inf| does not grow (o(1))"),
        Order(lambda m, dps: training_drift(int(m), 300), m_train, family="width m = 10^2..10^4",
              label="sup_t |H(theta_t) - H(theta_0)| does not grow (o(1))"),
        Holds(lambda inst, dps: 1 - precision_gap(100, dps) * mp.mpf(10) ** 12,
              Domain(Int("m", 100, 100)), label="float64 NTK = 50-digit NTK to 1e-12 at m = 100", search=False,
              samples=1),
    )


# ------------------------------------------------------------------ Weyl chain

SYM = Domain(Vec("B", -2, 2, dims=(9,)), Vec("E", -1, 1),
             note="H = B B^T (B 3 x 3 from the 9 entries, so H is PSD), E symmetric (upper triangle of the "
             "entries' 3 x 3 matrix)")


def _sym_from(v) -> mp.matrix:
    M = mpmatrix(v, 3, 3)
    for i in range(3):
        for j in range(i):
            M[i, j] = M[j, i]
    return M


def _weyl_slack(inst, dps):
    B = mpmatrix(inst["B"], 3, 3)
    H = B * B.T
    E = _sym_from(inst["E"])
    return sym_eigs(H + E)[0] - (sym_eigs(H)[0] - spectral_norm(E))


CHAIN = Domain(Vec("B", -2, 2, dims=(9,)), Vec("E1", -1, 1, nonzero=True), Vec("E2", -1, 1, nonzero=True),
               Real("s1", 0, 1, hi_open=True), Real("s2", 0, 1, hi_open=True),
               note="H_inf = B B^T, alpha = lambda_min(H_inf)/2; H_0 = H_inf + s1 (alpha/2) E1/|E1|, "
               "H_t = H_0 + s2 (alpha/2) E2/|E2| (so both differences have norm < alpha/2)")


def _chain_slack(inst, dps):
    B = mpmatrix(inst["B"], 3, 3)
    Hinf = B * B.T
    lo = sym_eigs(Hinf)[0]
    if lo <= mp.mpf(10) ** (-dps // 2):
        return None
    alpha = lo / 2
    E1, E2 = _sym_from(inst["E1"]), _sym_from(inst["E2"])
    H0 = Hinf + q(inst["s1"]) * alpha / 2 * E1 / spectral_norm(E1)
    Ht = H0 + q(inst["s2"]) * alpha / 2 * E2 / spectral_norm(E2)
    return (sym_eigs(Ht)[0] - alpha) / alpha


@claim("mmv.weyl_chain", title="The NTK stays well-conditioned", source="Sec. I, display after (12)",
       kind=Kind.INEQUALITY,
       statement=r"If $\lambda_{\min}(H^\infty)\ge2\alpha$ and $\|H(\theta_0)-H^\infty\|,\|H(\theta_t)-H(\theta_0)\|"
       r"<\alpha/2$, then $\lambda_{\min}(H(\theta_t))\ge\lambda_{\min}(H^\infty)-\|H(\theta_t)-H^\infty\|\ge\alpha$.")
def weyl_chain():
    """Display after (12): Weyl's inequality lambda_min(H + E) >= lambda_min(H) - |E| on PSD H and
    symmetric E, and the chain to alpha."""
    return AllOf(Holds(_weyl_slack, SYM, label="Weyl: lambda_min(H + E) >= lambda_min(H) - |E|"),
                 Holds(_chain_slack, CHAIN, label="lambda_min(H(theta_t)) >= alpha"))


# ------------------------------------------------------------------ (13)-(14)

def _scalar_net():
    """Scalar outputs of a small model: Z_i = a tanh(w x_i) + b x_i^2 (two training points) and
    z' at a test point x'; theta = (a, w, b)."""
    a, w, b = sp.symbols("a w b", real=True)
    xs = sp.symbols("x1 x2", real=True)
    xt = sp.Symbol("xt", real=True)
    g = lambda x: a * sp.tanh(w * x) + b * x**2  # noqa: E731
    th = sp.Matrix([a, w, b])
    Z = sp.Matrix([g(x) for x in xs])
    return th, Z, sp.Matrix([g(xt)])


@claim("mmv.eq13_14", title="GF dynamics of training and test outputs", source="Sec. I, eqs. (13)-(14)",
       kind=Kind.IDENTITY,
       statement=r"$\frac{d}{dt}\begin{bmatrix}Z_t\\z'_t\end{bmatrix}=\begin{bmatrix}J_{f_X}J_{f_X}^\top\\J_{f_{x'}}"
       r"J_{f_X}^\top\end{bmatrix}\underbrace{(Y-Z_t)}_{=\nabla\mathcal L_Y}$ for $\mathcal L_Y(Z)=\frac12\|Y-Z\|^2$.")
def eq13_14():
    """Eq. (13) derived by the chain rule along GF on a small scalar model, and the underbrace
    label (Y - Z) = grad L_Y checked against the gradient of 1/2|Y - Z|^2."""
    th, Z, zt = _scalar_net()
    Y = sp.Matrix(sp.symbols("y1 y2", real=True))
    LY = ((Y - Z).T * (Y - Z))[0] / 2
    grad_theta = sp.Matrix([sp.diff(LY, p) for p in th])
    J, Jt = Z.jacobian(th), zt.jacobian(th)
    dZ = J * (-grad_theta)
    dzt = Jt * (-grad_theta)
    Zs = sp.Matrix(sp.symbols("Z1 Z2", real=True))
    grad_LY = sp.Matrix([sp.diff(((Y - Zs).T * (Y - Zs))[0] / 2, z) for z in Zs])
    return AllOf(
        Identity(dZ, J * J.T * (Y - Z), label="dZ/dt = J J^T (Y - Z)"),
        Identity(dzt, Jt * J.T * (Y - Z), label="dz'/dt = J' J^T (Y - Z)"),
        Identity(grad_LY, Y - Zs, label="(Y - Z) = grad L_Y"),
    )


@eq13_14.read_as(r"the underbrace reads $=-\nabla\mathcal L_Y$ (since $\nabla_Z\frac12\|Y-Z\|^2=Z-Y$); the "
                 r"dynamics are $\dot Z=-H\nabla\mathcal L_Y=H(Y-Z)$.")
def _(printed):
    dZ, dzt, label = printed.parts
    return AllOf(dZ, dzt, label.replace(printed=-label.printed, label="(Y - Z) = -grad L_Y"))


# ------------------------------------------------------------------ (15)

def _kernel_solution(sign: int):
    """ODE residual of z'(t) = sign * h H^{-1} (E(t) - I) Y against (14), with E(t) = exp(-H t)
    represented by free entries e_ij and dE/dt = -H E (valid for any invertible H)."""
    H = sp.Matrix(2, 2, sp.symbols("H11 H12 H21 H22", real=True))
    E = sp.Matrix(2, 2, sp.symbols("e11 e12 e21 e22", real=True))
    hv = sp.Matrix(1, 2, sp.symbols("h1 h2", real=True))
    Y = sp.Matrix(sp.symbols("y1 y2", real=True))
    Hinv = H.inv()
    I2 = sp.eye(2)
    Z = (I2 - E) * Y  # solution of dZ/dt = -H Z + H Y, Z(0) = 0 (dZ/dt = H E Y)
    zt = sign * hv * Hinv * (E - I2) * Y
    dzt = sign * hv * Hinv * (-H * E) * Y  # d/dt with dE/dt = -H E
    rhs = -hv * Z + hv * Y  # (14)
    return sp.simplify(dzt - rhs)[0], zt


@claim("mmv.eq15", title="Kernel-regression limit of the test prediction", source="Sec. I, eq. (15)",
       kind=Kind.LIMIT, depends_on=("mmv.eq13_14",),
       statement=r"$\lim_{t\to\infty}z'_t=\lim_{t\to\infty}h^\infty(H^\infty)^{-1}(e^{-H^\infty t}-I)Y"
       r"=h^\infty(H^\infty)^{-1}Y$.")
def eq15():
    """Eq. (15) for 2 x 2 invertible H^inf (symbolic entries): the middle expression as printed
    must solve (14) with z'(0) = 0 (its derivative against the right side of (14), with
    E = exp(-H t) abstract, dE/dt = -H E); the limits of the middle and right expressions (E -> 0)
    must agree."""
    residual, zt = _kernel_solution(+1)
    H = sp.Matrix(2, 2, sp.symbols("H11 H12 H21 H22", real=True))
    hv = sp.Matrix(1, 2, sp.symbols("h1 h2", real=True))
    Y = sp.Matrix(sp.symbols("y1 y2", real=True))
    E = sp.Matrix(2, 2, sp.symbols("e11 e12 e21 e22", real=True))
    limit_middle = zt.subs({e: 0 for e in E})
    simple = {"H11": 1, "H12": 0, "H21": 0, "H22": 1, "h1": 1, "h2": 0, "y1": 1, "y2": 0,
              "e11": 1, "e12": 0, "e21": 0, "e22": 0}
    dom = Domain(*(Real(str(s), -3, 3) for s in [*H, *hv, *Y, *E]),
                 edges=[{k: Fraction(v) for k, v in simple.items()}],
                 where=[("det H != 0", lambda s: s["H11"] * s["H22"] - s["H12"] * s["H21"] != 0)])
    return AllOf(
        Identity(residual, sp.Integer(0), domain=dom, label="middle expression solves (14)"),
        Identity(limit_middle, hv * H.inv() * Y, domain=dom, label="limit of the middle = h H^-1 Y"),
    )


@eq15.read_as(r"$z'_t=h^\infty(H^\infty)^{-1}(I-e^{-H^\infty t})Y$, whose limit is $h^\infty(H^\infty)^{-1}Y$.")
def _(printed):
    residual, zt = _kernel_solution(-1)
    H = sp.Matrix(2, 2, sp.symbols("H11 H12 H21 H22", real=True))
    hv = sp.Matrix(1, 2, sp.symbols("h1 h2", real=True))
    Y = sp.Matrix(sp.symbols("y1 y2", real=True))
    E = sp.Matrix(2, 2, sp.symbols("e11 e12 e21 e22", real=True))
    p1, p2 = printed.parts
    return AllOf(p1.replace(derived=residual, label="I - exp(-Ht) form solves (14)"),
                 p2.replace(derived=zt.subs({e: 0 for e in E}), printed=hv * H.inv() * Y,
                            label="its limit = h H^-1 Y"))


