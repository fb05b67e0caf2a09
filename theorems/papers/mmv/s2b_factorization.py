"""mmv Section II, incremental learning in symmetric matrix factorisation ((26)-(35),
Proposition 3, Theorem 4) and the cited implicit bias of logistic regression (Soudry et al.)."""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import mpmath as mp
import numpy as np
import sympy as sp

from numeric.logistic_margin import (
    ResidualRun,
    SeparableData,
    exact_max_margin,
    gd_residual_run,
    max_margin,
    step_size_cap,
)
from symbolic import matrix_factorization as mf
from theorems.claim import Kind
from theorems.spec import (
    AllOf,
    Domain,
    FiniteLimit,
    Holds,
    Identity,
    Inequality,
    Order,
    ProofWithCrossChecks,
    Real,
    Vec,
    claim,
)

from .lib_common import WithEvidence, q
from .lib_factorization import (
    gf_log_time_angles,
    linearisation_error,
    svm_direction,
    thm4_hypothesis,
    window_slack,
)

# ------------------------------------------------------------------ (26)-(27)


def _cayley(r: sp.Expr) -> sp.Matrix:
    return sp.Matrix([[(1 - r**2) / (1 + r**2), -2 * r / (1 + r**2)], [2 * r / (1 + r**2), (1 - r**2) / (1 + r**2)]])


@claim("mmv.eq26_27", title="Flow of W = U U^T and the rotated flow", source="Sec. II, eqs. (26)-(27)",
       kind=Kind.IDENTITY,
       statement=r"$-\nabla_U\mathcal L=(Y-UU^\top)U$, $\dot W=(Y-W)W+W(Y-W)$ (26); with $\tilde W=\Phi^\top W\Phi$: "
       r"$\dot{\tilde W}=(\Sigma_Y-\tilde W)\tilde W+\tilde W(\Sigma_Y-\tilde W)$ (27); diagonal $\tilde W(0)$ stays diagonal.")
def eq26_27():
    """Eqs. (26)-(27): the gradient of 1/4|Y - U U^T|_F^2 for a symbolic 3 x 2 U and symmetric Y;
    the flow of W = U U^T by the product rule; the conjugation by an orthogonal Phi (exact
    rational Cayley rotation, 2 x 2) and the diagonal invariant set (3 x 3)."""
    U = mf.mat("U", 3, 2)
    Y = mf.sym_matrix("Y", 3)
    r = sp.Symbol("r", real=True)
    P = _cayley(r)
    Sig = sp.diag(*sp.symbols("s1 s2", real=True))
    W2 = mf.sym_matrix("W", 2)
    rotated_lhs = (P.T * mf.w_flow_printed(W2, P * Sig * P.T) * P).applyfunc(sp.simplify)
    Wt = P.T * W2 * P
    rotated_rhs = ((Sig - Wt) * Wt + Wt * (Sig - Wt)).applyfunc(sp.simplify)
    D = sp.diag(*sp.symbols("d1 d2 d3", real=True))
    S3 = sp.diag(*sp.symbols("s1 s2 s3", real=True))
    rhs = (S3 - D) * D + D * (S3 - D)
    off = sp.Matrix([rhs[i, j] for i in range(3) for j in range(3) if i != j])
    return AllOf(
        Identity(mf.neg_gradient(U, Y), (Y - U * U.T) * U, label="-grad_U L = (Y - U U^T) U"),
        Identity(mf.w_flow_from_u(U, Y), mf.w_flow_printed(U * U.T, Y), label="(26)"),
        Identity(rotated_lhs, rotated_rhs, label="(27): Phi^T (26) Phi"),
        Identity(off, sp.zeros(6, 1), label="diagonal W~ has a diagonal right side"),
    )


# ------------------------------------------------------------------ Proposition 3

PROP3 = Domain(Real("sigma", 0, 10, lo_open=True), Real("sigma_0", 0, 10, lo_open=True),
               Real("alpha", 0, 1, lo_open=True), Real("t", 0, 10),
               edges=[{"sigma": Fraction(1), "sigma_0": Fraction(4), "alpha": Fraction(1, 2), "t": Fraction(0)}])


@claim("mmv.prop3", title="Proposition 3: closed-form eigenvalues under spectral initialisation",
       source="Sec. II, Proposition 3, eq. (28)", kind=Kind.IDENTITY, depends_on=("mmv.eq26_27",),
       statement=r"Under $U(0)=\alpha^{1/2}\Phi\Sigma_0^{1/2}$, where $\Sigma_0=\mathrm{diag}([\sigma_{i,0}^{1/2}])$, GF "
       r"gives $W(t)=\Phi\,\mathrm{diag}([\sigma_{i,W}(t)])\Phi^\top$ with $\sigma_{i,W}(t)=\frac{\alpha\sigma_i\sigma_{i,0}"
       r"e^{2\sigma_it}}{\sigma_i+\alpha\sigma_{i,0}(e^{2\sigma_it}-1)}$ ($\sigma_i\ne0$), $\frac{\alpha\sigma_{i,0}}{1+2"
       r"\alpha\sigma_{i,0}t}$ ($\sigma_i=0$); increasing in $t$ when $\alpha\sigma_{i,0}<\sigma_i$.")
def prop3():
    """Proposition 3: (28) solves ds/dt = 2(sigma - s)s (and -2s^2), its value at t = 0 against
    the eigenvalue of W(0) = alpha Phi Sigma_0 Phi^T with Sigma_0 as printed (entries
    sigma_{i,0}^{1/2}), and the monotonicity condition (the sign of ds/dt, with E = e^{2 sigma t}
    >= 1 as a polynomial variable)."""
    s_t = mf.closed_form()
    z = mf.closed_form_zero()
    E = sp.Symbol("E", real=True)
    a, s0, sg = (sp.Symbol(n, real=True) for n in ("alpha", "sigma_0", "sigma"))
    # d/dt (28) = 2 alpha sigma^2 s0 E (sigma - alpha s0) / (sigma + alpha s0 (E - 1))^2
    num = 2 * a * sg**2 * s0 * E * (sg - a * s0)
    mono = Domain(Real("alpha", 0, 1, lo_open=True), Real("sigma_0", 0, 10, lo_open=True),
                  Real("sigma", 0, 10, lo_open=True), Real("E", 1, 100),
                  where=[a * s0 - sg < 0])
    deriv_formula = sp.simplify(sp.diff(s_t, mf.t) - (num / (sg + a * s0 * (E - 1)) ** 2).subs(
        {E: sp.exp(2 * mf.sigma * mf.t), a: mf.alpha, s0: mf.s0, sg: mf.sigma}))
    return AllOf(
        Identity(sp.simplify(sp.diff(s_t, mf.t) - mf.scalar_field(s_t)), 0, label="(28) solves ds/dt = 2(sigma - s)s"),
        Identity(sp.simplify(sp.diff(z, mf.t) + 2 * z**2), 0, label="(28), sigma = 0, solves ds/dt = -2 s^2"),
        Identity(s_t.subs(mf.t, 0), mf.alpha * sp.sqrt(mf.s0), domain=PROP3,
                 label="(28) at t = 0 = eigenvalue of alpha Sigma_0 (Sigma_0 as printed)"),
        Identity(deriv_formula, 0, label="d/dt (28) in factored form"),
        Inequality(num, mono, strict=True, label="d/dt (28) > 0 when alpha sigma_0 < sigma"),
    )


@prop3.read_as(r"$\Sigma_0=\mathrm{diag}([\sigma_{i,0}])$, so that $\sigma_{i,W}(0)=\alpha\sigma_{i,0}$.")
def _(printed):
    parts = list(printed.parts)
    parts[2] = parts[2].replace(printed=mf.alpha * mf.s0, label="(28) at t = 0 = eigenvalue of alpha Sigma_0 (reading)")
    return AllOf(*parts)


# ------------------------------------------------------------------ (29)


def _approx_small(p: Fraction, dps: int):
    """relative error of (29) against c sigma_0, over c sigma_0 / sigma, at c = p (sigma = 2,
    sigma_0 = 1, alpha = p^2)."""
    c = q(p)
    sig, s0, a = mp.mpf(2), mp.mpf(1), c**2
    v = c * sig * s0 / (sig - a * s0 + c * s0)
    return abs(v / (c * s0) - 1) / (c * s0 / sig)


def _approx_large(p: Fraction, dps: int):
    """relative error of (29) with C against sigma, over sigma/(C sigma_0), at C = 1/p."""
    C = 1 / q(p)
    sig, s0, a = mp.mpf(2), mp.mpf(1), mp.mpf(10) ** -6
    v = C * sig * s0 / (sig - a * s0 + C * s0)
    return abs(v / sig - 1) / (sig / (C * s0))


def _transition_ratio(p: Fraction, dps: int, inverse: bool = False):
    """time for (28) to reach sigma/2 over (1/sigma) log(1/alpha), alpha = p (sigma = 2, s0 = 1)."""
    a, sig = q(p), mp.mpf(2)
    t_half = mp.log((sig - a) / a) / (2 * sig)
    scale = mp.log(1 / a) / sig
    return scale / t_half if inverse else t_half / scale


@claim("mmv.eq29", title="Transition-time evaluations", source="Sec. II, eq. (29)", kind=Kind.ASYMPTOTIC,
       depends_on=("mmv.prop3",),
       statement=r"$\sigma_{i,W}(\frac1{2\sigma_i}\log\frac c\alpha)=\frac{c\sigma_i\sigma_{i,0}}{\sigma_i-\alpha\sigma_{i,0}"
       r"+c\sigma_{i,0}}\simeq c\sigma_{i,0}$ ($c\sigma_{i,0}\ll\sigma_i$), the same with $C$ $\simeq\sigma_i$ ($C\sigma_{i,0}"
       r"\gg\sigma_i$); the transition time is $\Theta(\frac1{\sigma_i}\log\frac1\alpha)$.")
def eq29():
    """Eq. (29): exact evaluation of (28) at t = log(c/alpha)/(2 sigma).  The two approximations
    (relative errors O(c sigma_0/sigma) with alpha = c^2, and O(sigma/(C sigma_0)) with
    alpha sigma_0 < sigma, written alpha = sigma/(sigma_0 (1 + m)), m > 0) and the transition
    time Theta((1/sigma) log(1/alpha)) in both directions, with t(sigma/2) solved exactly from
    (28), are decided by SymPy limits of the closed forms (symbolic sigma, sigma_0 > 0): each
    ratio has a finite limit.  The sweeps of the same ratios at sigma = 2, sigma_0 = 1 are
    numeric cross-checks (the sweep of log(1/alpha)/(sigma t) alone cannot tell its c - b/log p
    tail from slow growth; its reciprocal is swept)."""
    C = sp.Symbol("C", positive=True)
    m = sp.Symbol("m", positive=True)
    sig, s0, a, c = mf.sigma, mf.s0, mf.alpha, mf.c
    small = [Fraction(1, 10**k) for k in range(1, 8)]
    rel_small = sp.Abs((mf.value_at_transition(c) / (c * s0) - 1) / (c * s0 / sig)).subs(a, c**2)
    rel_large = sp.Abs((mf.value_at_transition(C) / sig - 1) / (sig / (C * s0))).subs(a, sig / (s0 * (1 + m)))
    t_half = sp.solve(sp.Eq(mf.closed_form(), sig / 2), mf.t)
    if len(t_half) != 1:
        raise ArithmeticError(f"(28) = sigma/2 has {len(t_half)} solutions in t: {t_half}")
    scale = sp.log(1 / a) / sig
    m_pos = Domain(Real("m", 0, None, lo_open=True))
    return ProofWithCrossChecks(
        proof=(
            Identity(mf.value_at_transition(c), c * sig * s0 / (sig - a * s0 + c * s0),
                     label="(28) at log(c/alpha)/(2 sigma)"),
            Identity(mf.value_at_transition(C), C * sig * s0 / (sig - a * s0 + C * s0),
                     label="(28) at log(C/alpha)/(2 sigma)"),
            FiniteLimit(rel_small, c, 0, "~ c sigma_0: relative error / (c sigma_0/sigma), alpha = c^2"),
            FiniteLimit(rel_large, C, sp.oo, "~ sigma: relative error / (sigma/(C sigma_0)), alpha sigma_0 < sigma",
                         domain=m_pos),
            FiniteLimit(t_half[0] / scale, a, 0, f"t(sigma/2) = {sp.sstr(t_half[0])} = O(log(1/alpha)/sigma)"),
            FiniteLimit(scale / t_half[0], a, 0, "log(1/alpha)/sigma = O(t(sigma/2))"),
        ),
        checks=(
            Order(_approx_small, small, family="c = 10^-k, alpha = c^2 (sigma = 2, sigma_0 = 1)",
                  label="~ c sigma_0 as c sigma_0/sigma -> 0 (sweep)"),
            Order(_approx_large, small, family="C = 10^k (sigma = 2, sigma_0 = 1, alpha = 10^-6)",
                  label="~ sigma as sigma/(C sigma_0) -> 0 (sweep)"),
            Order(_transition_ratio, [Fraction(1, 10**k) for k in (2, 4, 8, 16, 32)],
                  family="alpha = 10^-k (sigma = 2, sigma_0 = 1)", label="t(sigma/2) = O(log(1/alpha)/sigma) (sweep)"),
        ),
    )


# ------------------------------------------------------------------ Theorem 4


def _thm4_slack(right: str):
    def slack(inst, dps):
        sig = sorted((q(x) for x in inst["sig"]), reverse=True)
        if any(sig[i] - sig[i + 1] <= 0 for i in range(len(sig) - 1)):
            return None
        eps = q(inst["eps_frac"]) * sig[-1]
        alpha = eps * q(inst["alpha_frac"])
        if not thm4_hypothesis(sig, eps, alpha):
            return None
        return window_slack(sig, eps, alpha, right)

    return slack


def _thm4_describe(right: str):
    def describe(inst, dps):
        sig = sorted((q(x) for x in inst["sig"]), reverse=True)
        eps = q(inst["eps_frac"]) * sig[-1]
        alpha = eps * q(inst["alpha_frac"])
        from .lib_factorization import window_error, windows

        out = {"sigma (sorted)": str([mp.nstr(s, 8) for s in sig]), "epsilon": eps, "alpha": alpha}
        for k, t1, t2 in windows(sig, eps, alpha, right):
            te = t2 if t2 is not None else t1
            out[f"k={k}: window"] = f"[{mp.nstr(t1, 8)}, {mp.nstr(t2, 8) if t2 is not None else 'inf'}]"
            out[f"k={k}: |W - Y_k| at right end"] = window_error(sig, eps, alpha, k, te)
        return out

    return describe


THM4 = Domain(
    Vec("sig", Fraction(1, 5), 5, dims=(2, 3, 4)),
    Real("eps_frac", 0, 1, lo_open=True),
    Real("alpha_frac", Fraction(1, 10**12), 1, log=True),
    edges=[{"sig": (Fraction(2), Fraction(1)), "eps_frac": Fraction(1, 10), "alpha_frac": Fraction(1, 10**7)}],
    note="sigma_1 > ... > sigma_K > 0 (the entries of sig, sorted; distinct), eps = eps_frac sigma_K, "
    "alpha = alpha_frac eps, Sigma_0 = I, c = eps, C = sigma_1^2/eps, and the log-ratio hypothesis "
    "(-log alpha + log c)/(-log alpha + log C) > max sigma_{k+1}/sigma_k (checked per instance); "
    "Y has one extra zero eigenvalue (d = K + 1)")


@claim("mmv.thm4", title="Theorem 4: incremental learning under small spectral initialisation",
       source="Sec. II, Theorem 4, eqs. (30)-(32)", kind=Kind.INEQUALITY, depends_on=("mmv.prop3", "mmv.eq29"),
       statement=r"With $\Sigma_0=I$, $c_\varepsilon=\varepsilon$, $C_\varepsilon=\sigma_1^2/\varepsilon$, $\alpha\le"
       r"\varepsilon\le\sigma_K$ and the log-ratio condition: $\|W(t)-\hat Y_k\|\le\varepsilon$ for all $t\in[\frac1{2\sigma_k}"
       r"\log\frac{C_\varepsilon}{\alpha},\frac1{2\sigma_{k+1}}\log\frac{C_\varepsilon}{\alpha}]\ne\emptyset$ (30).")
def thm4():
    """Theorem 4 (30) with the closed form (28) (Sigma_0 = I): the error |W(t) - Y_k| on each
    window (grid plus endpoints; every eigenvalue path is monotone, so the maximum sits at an
    endpoint), for sampled spectra satisfying the hypotheses, window right end as printed."""
    return Holds(_thm4_slack("C"), THM4, describe=_thm4_describe("C"), label="(30), right end log(C/alpha)/(2 sigma_{k+1})")


@thm4.read_as(r"the right endpoint of (30) is $\frac1{2\sigma_{k+1}}\log\frac{c_\varepsilon}{\alpha}$ (and in (32) the time "
              r"argument is $\frac1{2\sigma_l}\log\frac{c_\varepsilon}\alpha$).")
def _(printed):
    return printed.replace(slack=_thm4_slack("c"), describe=_thm4_describe("c"),
                           label="(30), right end log(c/alpha)/(2 sigma_{k+1})")


# ------------------------------------------------------------------ (33)


@claim("mmv.eq33", title="Non-overparametrised GF", source="Sec. II, eq. (33)", kind=Kind.IDENTITY,
       statement=r"GF on $\frac12\|Y-W\|_F^2$ from $W(0)=\alpha W_0$: $W(t)=Y+(\alpha W_0-Y)e^{-t}\simeq Y(1-e^{-t})$ "
       r"for $\alpha\ll1$.")
def eq33():
    """Eq. (33) on symbolic 2 x 2 matrices: the ODE residual, the initial value, and the exact
    size alpha W_0 e^{-t} of the approximation error."""
    t, a = sp.symbols("t alpha", positive=True)
    Y, W0 = mf.mat("Y", 2, 2), mf.mat("V", 2, 2)
    W = Y + (a * W0 - Y) * sp.exp(-t)
    return AllOf(
        Identity(W.diff(t), -(W - Y), label="dW/dt = -(W - Y)"),
        Identity(W.subs(t, 0), a * W0, label="W(0) = alpha W_0"),
        Identity(W - Y * (1 - sp.exp(-t)), a * W0 * sp.exp(-t), label="W - Y(1 - e^-t) = alpha W_0 e^-t"),
    )


# ------------------------------------------------------------------ (34)-(35)


def _exponent_identity(printed_delta: bool):
    a, c, s1, sk = sp.symbols("alpha c sigma_1 sigma_k", positive=True)
    d1, dk = sp.symbols("delta_1 delta_k", positive=True)
    t = sp.log(c / a) / s1
    derived = sp.powsimp(sp.expand_log(sp.log(a * sp.exp(sk * t)), force=True))
    expo = (1 - dk / d1) if printed_delta else (1 - sk / s1)
    printed = sp.expand_log(sp.log(c ** (sk / s1) * a**expo), force=True)
    dom = Domain(Real("alpha", 0, 1, lo_open=True), Real("c", 0, 1, lo_open=True), Real("sigma_1", 1, 5),
                 Real("sigma_k", 0, 1, lo_open=True), Real("delta_1", 1, 5), Real("delta_k", 0, 1, lo_open=True),
                 edges=[{"alpha": Fraction(1, 2), "c": Fraction(1, 4), "sigma_1": Fraction(2), "sigma_k": Fraction(1, 2),
                         "delta_1": Fraction(1), "delta_k": Fraction(1, 2)}])
    return Identity(derived, printed, domain=dom,
                    label="log of alpha e^{sigma_k t} at t = log(c/alpha)/sigma_1 vs log of the printed term")


@claim("mmv.eq34_35", title="Spectral-learning linearisation", source="Sec. II, eqs. (34)-(35)", kind=Kind.ASYMPTOTIC,
       statement=r"$U(t)\simeq\Phi\alpha e^{\Sigma_Yt}\Phi^\top U_0\overset{t=\frac1{\sigma_1}\log\frac c\alpha}{=}\phi_1c"
       r"(\phi_1^\top U_0)+\sum_{k=2}^K\phi_kc^{\sigma_k/\sigma_1}\alpha^{1-\delta_k/\delta_1}\phi_k^\top U_0$, up to an "
       r"$o(c^2)$ error when $c$ is small and $\alpha\ll c$.")
def eq34_35():
    """Eqs. (34)-(35): the exponent algebra (as printed, with delta_k/delta_1 in the exponent of
    alpha) and the linearisation error |U_true - U_lin|_F at t = log(c/alpha)/sigma_1 (d = 4,
    sigma = (3, 2, 1, 0), fixed exact orthogonal Phi and U_0, alpha = c^3), which must be o(c^2)."""
    cs = [Fraction(1, k) for k in (10, 30, 100, 300, 1000)]
    return AllOf(
        _exponent_identity(True),
        Order(lambda c, dps: linearisation_error(c, dps) * c.denominator**2 / c.numerator**2, cs,
              family="c = 1/10 .. 1/1000, alpha = c^3", label="|U_true - U_lin| / c^2 bounded (o(c^2))"),
    )


@eq34_35.read_as(r"$\alpha^{1-\sigma_k/\sigma_1}$ ($\delta$ is a typo for $\sigma$); the top component is $\sigma_1\phi_1"
                 r"\phi_1^\top$; the sum omits the $O(\alpha)$ terms of zero singular values.")
def _(printed):
    _, order = printed.parts
    return AllOf(_exponent_identity(False), order)


# ------------------------------------------------------------------ Soudry et al.

TAUS = (2, 5, 10, 30, 100, 300)
GD_STEPS = tuple(round(10 ** (k / 4)) for k in range(8, 25))  # t = 10^2 .. 10^6, four points per decade
GD_DATA = SeparableData(
    "positives (1, 2), (3, 4); negatives (-3, 1), (-5, -1)",
    points=((Fraction(1), Fraction(2)), (Fraction(3), Fraction(4)), (Fraction(-3), Fraction(1)), (Fraction(-5), Fraction(-1))),
    labels=(1, 1, -1, -1), eta=Fraction(1, 10))
WHY_SECOND_SET = (
    "The GF part keeps the 6 points; the GD part is measured on a second data set.  On the 6 points the smallest "
    "non-support margin of w_svm = (15/7, 10/7) is 15/14, so rho(t) = theta_t - w_svm log t carries a transient "
    "~ t^(1 - 15/14) = t^(-1/14) that still moves at t = 10^6, and angle * log t = |P_perp rho(t)| / (|w_svm| log t "
    "+ rho_par(t)) has a c - b/log t tail that no sweep of t separates from slow growth.  On the second set every "
    "non-support margin is 17/7 >= 2 (transient ~ t^(-10/7)), so the boundedness of rho(t), which bounds "
    "angle * log t by the proved inequality (i), is decided within t = 10^2 .. 10^6")

# (i): a = A e (A = |w_svm| log t), rho = u e + v e_perp (v = |P_perp rho| >= 0), |rho|^2 = u^2 + v^2 <= R^2 < A^2
_R, _A, _u, _v = sp.symbols("R A u v", real=True)
ANGLE_DOMAIN = Domain(Real("R", 0, None, lo_open=True), Real("A", _R, None, lo_open=True), Real("u", -_R, _R),
                      Real("v", 0, None), where=[_u**2 + _v**2 - _R**2 <= 0],
                      note="a = A e with A = |w_svm| log t > R; rho = u e + v e_perp with u^2 + v^2 = |rho|^2 <= R^2")
ANGLE_SIGN = _A + _u  # a.(a + rho) = A (A + u)
# sin^2 angle(a + rho, a) = v^2 / ((A + u)^2 + v^2) <= R^2 / A^2, cleared of denominators
ANGLE_SINE = _R**2 * (_A + _u) ** 2 - (_A**2 - _R**2) * _v**2
# |a + rho|^2 = (A + u)^2 + v^2 <= (A + R)^2, so sin angle = v/|a + rho| >= v/(A + R)
ANGLE_LOWER = (_A + _R) ** 2 - (_A + _u) ** 2 - _v**2
_L, _W = sp.symbols("L W", positive=True)  # L = log t, W = |w_svm|
ANGLE_LIMIT = _L * sp.asin(_R / (_W * _L))
LIMIT_DOMAIN = Domain(Real("R", 0, None, lo_open=True), Real("W", 0, None, lo_open=True))


def angle_bound_parts(sine=ANGLE_SINE) -> tuple:
    """(i), proved exactly: if |rho| <= R < |a| then angle(a + rho, a) <= arcsin(R/|a|), and
    log t arcsin(R/(|w_svm| log t)) -> R/|w_svm| (finite) as t -> oo.  ``sine``: the squared-sine
    inequality (replaceable by a false twin in tests)."""
    return (
        Inequality(ANGLE_SIGN, ANGLE_DOMAIN, strict=True,
                   label="(i) a.(a + rho) = A (A + u) > 0: angle(theta_t, w_svm) < pi/2"),
        Inequality(sine, ANGLE_DOMAIN,
                   label="(i) sin^2 angle = v^2/((A + u)^2 + v^2) <= R^2/A^2: angle <= arcsin(R/(|w_svm| log t))"),
        FiniteLimit(ANGLE_LIMIT, _L, sp.oo, "(i) log t * arcsin(R/(|w_svm| log t)) bounded as t -> oo",
                    domain=LIMIT_DOMAIN),
    )


@lru_cache(maxsize=8)
def _audited_run(data: SeparableData) -> ResidualRun:
    """The GD run, with the exact SVM cross-checked by cvxpy and the float64 rounding drift
    bounded well below the steps between successive measured |rho(t)| (else the run is not a
    measurement: an error, never a verdict)."""
    run = gd_residual_run(data, GD_STEPS)
    X = np.array([[float(c) for c in x] for x in data.points])
    qp = max_margin(X, np.array([float(y) for y in data.labels]))
    # the QP is strongly convex: a feasible w with |w|^2 = |w*|^2 (1 + d) lies within |w*| sqrt(d) of w*,
    # so compare objectives and feasibility (on degenerate data the solver's w is only ~sqrt(tolerance) close)
    exact2 = sum(float(c) ** 2 for c in run.svm.w)
    obj_gap = abs(float(qp @ qp) - exact2) / exact2
    infeasible = max(0.0, 1 - min(float(np.dot([float(c) for c in z], qp)) for z in data.z))
    if obj_gap > 1e-6 or infeasible > 1e-6:
        raise ArithmeticError(f"{data.name}: the cvxpy QP {qp} disagrees with the exact max-margin vector {run.svm.w} "
                              f"(relative objective gap {obj_gap:.3g}, margin violation {infeasible:.3g})")
    norms = [float(run.residual_norm(t)) for t in GD_STEPS]
    step = min(abs(b - a) for a, b in zip(norms, norms[1:], strict=False))
    drift = run.drift_bound(GD_STEPS[-1])
    if not drift <= step / 100:
        raise ArithmeticError(f"{data.name}: float64 rounding drift up to {drift:.3g} after {GD_STEPS[-1]} steps is not "
                              f"below 1% of the smallest step {step:.3g} between measured |rho(t)|")
    return run


def _rho_norm(data: SeparableData):
    def ratio(p, dps):
        return _audited_run(data).residual_norm(int(p))

    return ratio


def _inverse_perp(data: SeparableData):
    def ratio(p, dps):
        return 1 / _audited_run(data).perp_norm(int(p))

    return ratio


def _gd_evidence(data: SeparableData):
    def evidence() -> dict:
        run = _audited_run(data)
        svm, t_end = run.svm, GD_STEPS[-1]
        cap, _ = step_size_cap(data.z)
        norms = [run.residual_norm(t) for t in GD_STEPS]
        R = max(norms)
        W = mp.mpf(svm.norm)
        out = {
            "why_a_second_data_set": WHY_SECOND_SET,
            "gd_data_set": f"{data.name}; z_n = y_n x_n = {[tuple(str(c) for c in z) for z in data.z]}",
            "w_svm (exact KKT, cvxpy agrees)": f"({', '.join(str(c) for c in svm.w)}), |w_svm| = {svm.norm:.6g}",
            "margins z_n.w_svm": [str(m) for m in svm.margins],
            "support vectors, dual coefficients": f"{[tuple(str(c) for c in data.points[i]) for i in svm.support]}, "
            f"alpha = {[str(a) for a in svm.alpha] if svm.alpha else 'dependent support vectors'}",
            "nondegenerate (independent support vectors, every alpha > 0)": svm.nondegenerate,
            "smallest non-support margin": f"{svm.min_nonsupport_margin} (transients ~ t^(1 - margin))",
            "step size": f"eta = {data.eta} < 2/beta = 8/lambda_max(Z^T Z) = {cap:.6g} (beta = lambda_max(Z^T Z)/4, the "
            "smoothness of the summed logistic loss; Soudry et al.'s hypothesis, checked exactly)",
            "rounding": f"float64 GD; local error of an update <= {run.local_error:.3g} |w| (first {run.spot_steps} steps "
            f"against the exact update at {run.spot_dps} digits); GD with eta < 2/beta is non-expansive, so the drift "
            f"after {t_end} steps is <= about {run.drift_bound(t_end):.3g}",
            "|rho(t)| at t = 10^2 .. 10^6": [mp.nstr(n, 8) for n in norms],
            "angle(theta_t, w_svm) * log t": [mp.nstr(run.angle(t) * mp.log(t), 6) for t in GD_STEPS],
            "bound from (i) at t = 10^6 with R = max measured |rho|": mp.nstr(
                mp.log(t_end) * mp.asin(R / (W * mp.log(t_end))), 6) + f" (limit R/|w_svm| = {mp.nstr(R / W, 6)})",
        }
        if svm.alpha is not None:
            M = sum((float(a) * np.outer([float(c) for c in data.z[i]], [float(c) for c in data.z[i]])
                     for a, i in zip(svm.alpha, svm.support, strict=True)), np.zeros((len(data.z[0]),) * 2))
            out["relaxation rates (eigenvalues of sum_s alpha_s z_s z_s^T)"] = (
                f"{[f'{x:.6g}' for x in np.linalg.eigvalsh(M)]}: rho(t) - w~ ~ t^(-rate) in the support directions")
        limit = run.residual_limit()
        if limit is not None:
            gap = mp.norm([a - b for a, b in zip(run.residual(t_end), limit, strict=True)])
            out["w~ (eta exp(-z_s.w~) = alpha_s)"] = f"{[mp.nstr(c, 8) for c in limit]}, |w~| = {mp.nstr(mp.norm(limit), 8)}, "\
                f"|rho(10^6) - w~| = {mp.nstr(gap, 3)}; so angle * log t -> |P_perp w~|/|w_svm| = " \
                f"{mp.nstr(run.perp_norm(t_end, limit) / W, 6)}"
        return out

    return evidence


def soudry_statement(direction, gd_data: SeparableData = GD_DATA, sine=ANGLE_SINE):
    """GF on the 6 points converges in direction to ``direction()`` (angle * log t bounded); GD
    on ``gd_data``, with rho(t) = theta_t - w_svm log t: angle * log t <= log t arcsin(R/(|w_svm|
    log t)) -> R/|w_svm| (proved, (i)) with R = sup_t |rho(t)| finite (measured, (ii)), and
    angle * log t >= |P_perp rho(t)|/(|w_svm| + R/log t) (proved, (iii)) with |P_perp rho(t)|
    bounded away from 0 (measured, (iv)): the angle decays exactly like 1/log t."""
    cap, admits = step_size_cap(gd_data.z)
    if not admits(gd_data.eta):
        raise ValueError(f"{gd_data.name}: step size {gd_data.eta} is not below 2/beta = {cap:.6g}, Soudry et al.'s hypothesis")

    def gf_ratio(p, dps):
        w = tuple(float(x) for x in direction())
        return gf_log_time_angles(TAUS, w, dps)[int(p)] * int(p)

    family = f"GD eta = {gd_data.eta}, t = 10^2 .. 10^6, 4 per decade (float64)"
    rho = Order(_rho_norm(gd_data), [Fraction(t) for t in GD_STEPS], family=family,
                label="(ii) |rho(t)| = |theta_t - w_svm log t| bounded (GD)")
    perp = Order(_inverse_perp(gd_data), [Fraction(t) for t in GD_STEPS], family=family,
                 label="(iv) 1/|P_perp rho(t)| bounded: rho(t) stays away from the line of w_svm (GD)")
    return AllOf(
        Order(gf_ratio, [Fraction(t) for t in TAUS], family="GF, log-time tau = log t = 2 .. 300",
              label="angle(theta(t), w_svm) * log t bounded (mpmath GF in log-time)"),
        AllOf(*angle_bound_parts(sine), WithEvidence(rho, _gd_evidence(gd_data), label=rho.label),
              label="GD: angle(theta_t, w_svm) * log t bounded"),
        AllOf(Inequality(ANGLE_LOWER, ANGLE_DOMAIN, label="(iii) |a + rho| <= A + R: angle >= sin angle >= "
                         "|P_perp rho|/(|w_svm| log t + R), so angle * log t >= |P_perp rho|/(|w_svm| + R/log t)"),
              perp, label="GD: angle(theta_t, w_svm) * log t bounded away from 0 (the rate is exactly 1/log t)"),
    )


@claim("mmv.soudry", title="Separable logistic regression converges in direction to the l2 max-margin classifier",
       source="Sec. II, line ~312 (cited [38], Soudry et al.)", kind=Kind.ASYMPTOTIC,
       statement=r"(cited) GD on separable logistic regression converges in direction to the $\ell_2$ max-margin "
       r"classifier (the angle decays like $1/\log t$).",
       hypotheses="GF part: 6 separable points in the plane; GD part: 4 nondegenerate separable points (every "
       "non-support margin 17/7), step size 1/10 < 2/beta (Soudry et al.'s hypothesis), w_0 = 0")
def soudry():
    """Cited [38] (Soudry et al., Thm. 3: theta_t = w_svm log t + rho(t) with rho bounded for
    almost all separable data and eta < 2/beta).  GF: 6 separable points in R^2, the hard-margin
    SVM solved as a QP (cvxpy/Clarabel), the angle of the mpmath GF (log-time) to it times log t
    must stay bounded.  GD: on 4 rational points with exact SVM (KKT, cross-checked by cvxpy),
    (i) proves angle <= arcsin(R/(|w_svm| log t)) whenever |rho(t)| <= R < |w_svm| log t and that
    log t times this bound has the finite limit R/|w_svm|; (ii) measures |rho(t)| along float64 GD
    (eta = 1/10, t = 10^2 .. 10^6, rounding audited) for boundedness; (iii)-(iv) the matching
    lower bound angle * log t >= |P_perp rho|/(|w_svm| + R/log t), |P_perp rho(t)| measured
    bounded away from 0 ("decays like 1/log t" read as the exact rate)."""
    if not exact_max_margin(GD_DATA.z).nondegenerate:
        raise ValueError("the GD data set must be nondegenerate (Soudry et al.'s almost-all-data hypothesis)")
    return soudry_statement(svm_direction)
