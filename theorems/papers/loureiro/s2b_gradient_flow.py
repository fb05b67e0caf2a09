"""Loureiro, Section 2.2: gradient flow on least squares -- SVD coordinates, closed forms,
limits, rates and the implicit bias.  Symbolic identities use an SVD with symbolic orthogonal
factors (Cayley transforms); closed forms are compared with the flow computed independently as
exp(tA) of the augmented linear system (mpmath ``expm``), at the working precision."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mpmath as mp
import sympy as sp

from numeric import least_squares as nls
from symbolic import least_squares as ls
from theorems.claim import Kind
from theorems.spec import AllOf, ForEach, Identity, Real, claim

from . import lib
from .lib_figures import gf_decay_figure

SIZES = ((2, 3), (3, 2))
T = sp.Symbol("t", nonnegative=True)
NSYM = sp.Symbol("n", positive=True)


def _sym(n: int, d: int):
    return ls.symbolic_matrix(n, d), ls.symbolic_vector(n, "y"), ls.symbolic_vector(d, "t")


# ------------------------------------------------------------------ (2.8)


def _literal_initial_condition(inst, dps):
    """Printed initial condition theta(t) = theta_0, read literally at t > 0: -||theta(t) - theta0||."""
    D = lib.design_of(inst)
    th = nls.gf_expm(D.Xm(), D.ym(), D.t0m(), lib.mpf_exact(inst["t"]))
    return -nls.norm(th - D.t0m())


GF_UNDER = lib.design_domain(lib.UNDER_SMALL, ("generic",), Real("t", 0, 3, lo_open=True))


@claim("loureiro.eq2_8", title="Gradient flow for least squares", source="§2.2, eq. (2.8)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq2_1",),
       statement=r"$\dot\theta(t)=-\nabla\hat R_n(\theta)=\frac1nX^\top(y-X\theta)$ with initial condition "
       r"$\theta(t)=\theta_0$")
def eq2_8():
    """(2.8) as printed: the gradient (derived) and the initial condition written theta(t) = theta_0,
    read literally (theta(t) = theta_0 at times t > 0)."""
    return AllOf(
        ForEach(SIZES, lambda s: Identity(-ls.gradient(*_sym(*s)), (lambda X, y, th: X.T * (y - X * th) / X.rows)(*_sym(*s)),
                                          label="-grad R = X^T(y - X theta)/n"), label="{}"),
        lib.on_designs(_literal_initial_condition, GF_UNDER, "theta(t) = theta0 at t > 0 (as printed)"),
    )


@eq2_8.read_as(r"initial condition $\theta(0)=\theta_0$")
def _(printed):
    return ForEach(SIZES, lambda s: Identity(-ls.gradient(*_sym(*s)),
                                             (lambda X, y, th: X.T * (y - X * th) / X.rows)(*_sym(*s)),
                                             label="-grad R = X^T(y - X theta)/n"), label="{}")


# ------------------------------------------------------------------ (2.9), (2.10), (2.11)


def _svd_flow(n: int, d: int) -> Identity:
    U, Dm, V, _ = lib.svd_symbolic(n, d)
    y, th = ls.symbolic_vector(n, "y"), ls.symbolic_vector(d, "t")
    X = U * Dm * V.T
    derived = (X.T * (y - X * th) / n).applyfunc(sp.cancel)
    printed = V * (Dm.T * U.T * y - Dm.T * Dm * V.T * th) / n
    return Identity(derived, printed.applyfunc(sp.cancel), label="X^T(y - X theta)/n with X = U D V^T")


@claim("loureiro.eq2_9", title="GF in SVD coordinates", source="§2.2, eq. (2.9)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq2_8",),
       statement=r"$\dot\theta=\frac1nV(D^\top U^\top y-D^\top DV^\top\theta)$ for $X=UDV^\top$")
def eq2_9():
    """(2.9): derived with U, V symbolic orthogonal (Cayley) and symbolic singular values, n x d = 2x3, 3x2."""
    return ForEach(SIZES, lambda s: _svd_flow(*s), label="{}")


def _decoupled(n: int, d: int) -> Identity:
    U, Dm, V, sig = lib.svd_symbolic(n, d)
    yt = ls.symbolic_vector(n, "yt")  # y tilde = U^T y
    beta = ls.symbolic_vector(d, "beta")
    # V^T X^T (y - X theta) with X = U D V^T, y = U yt, theta = V beta, regrouped by associativity as
    # (V^T V) D^T (U^T U) (yt - D (V^T V) beta); the Gram factors are simplified exactly (Cayley U, V)
    VtV, UtU = (V.T * V).applyfunc(sp.cancel), (U.T * U).applyfunc(sp.cancel)
    derived = (VtV * Dm.T * UtU * (yt - Dm * VtV * beta) / n).applyfunc(sp.cancel)
    printed = sp.Matrix([(sig[j] / n) * (yt[j] - sig[j] * beta[j]) if j < min(n, d) else 0 for j in range(d)])
    return Identity(derived, printed, label="d beta_j/dt = sigma_j/n (yt_j - sigma_j beta_j), sigma_j = 0 for j > min(n,d)")


@claim("loureiro.eq2_10", title="Decoupled ODEs", source="§2.2, eq. (2.10)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq2_9",),
       statement=r"$\dot\beta_j=\frac{\sigma_j}n(\tilde y_j-\sigma_j\beta_j)$, $\beta=V^\top\theta$, $\tilde y=U^\top y$")
def eq2_10():
    """(2.10): V^T times the GF field in the coordinates beta = V^T theta, yt = U^T y (symbolic SVD)."""
    return ForEach(SIZES, lambda s: _decoupled(*s), label="{}")


def _beta_closed_form():
    s, yt, b0 = sp.Symbol("sigma", positive=True), sp.Symbol("yt", real=True), sp.Symbol("beta0", real=True)
    beta = yt / s + sp.exp(-s**2 * T / NSYM) * (b0 - yt / s)
    return s, yt, b0, beta


@claim("loureiro.eq2_11", title="Solution of the decoupled ODEs, n >= d", source="§2.2, eq. (2.11)",
       kind=Kind.IDENTITY, depends_on=("loureiro.eq2_10",),
       statement=r"$\beta_j(t)=\frac{\tilde y_j}{\sigma_j}+e^{-\sigma_j^2t/n}(\beta_{0,j}-\frac{\tilde y_j}{\sigma_j})$")
def eq2_11():
    """(2.11): the formula solves the ODE (2.10) with beta(0) = beta_0 (sigma > 0), and equals dsolve's solution."""
    s, yt, b0, beta = _beta_closed_form()
    b = sp.Function("b")
    sol = sp.dsolve(sp.Eq(b(T).diff(T), s / NSYM * (yt - s * b(T))), b(T), ics={b(0): b0}).rhs
    return AllOf(
        Identity(sp.diff(beta, T), s / NSYM * (yt - s * beta), label="ODE residual"),
        Identity(b0, beta.subs(T, 0), label="initial condition"),
        Identity(sol, beta, label="dsolve solution = printed formula"),
    )


# ------------------------------------------------------------------ (2.12) and the rate

GF_OVER = lib.design_domain(lib.OVER, ("generic",), Real("t", 0, 3))


def _svd_terms(inst):
    D = lib.design_of(inst)
    U, s, V = nls.svd_full(D.Xm())
    return D, U, s, V


def _printed_2_12(inst, t, dps, which: str):
    D, U, s, V = _svd_terms(inst)
    d, y, t0 = D.d, D.ym(), D.t0m()
    out = mp.zeros(d, 1)
    ols = nls.min_norm_solution(D.Xm(), y)
    for j in range(d):
        c = nls.dot(U[:, j], y) / s[j]
        vj = V[:, j]
        e = mp.exp(-s[j] ** 2 * t / D.n)
        if which == "first":
            out += c * vj + e * (t0 - c * vj)
        elif which == "second":
            out += e * (t0 - c * vj)
        else:  # reading
            out += e * (nls.dot(vj, t0) - c) * vj
    if which in ("second", "reading"):
        out += ols
    return out


def _vs_flow(which: str):
    def slack(inst, dps):
        D = lib.design_of(inst)
        t = lib.mpf_exact(inst["t"])
        ref = nls.gf_expm(D.Xm(), D.ym(), D.t0m(), t)
        err = nls.norm(_printed_2_12(inst, t, dps, which) - ref)
        return lib.tol(dps) * (1 + nls.norm(ref)) - err

    return slack


def _middle_equality(inst, dps):
    D, U, s, V = _svd_terms(inst)
    lhs = mp.zeros(D.d, 1)
    for j in range(D.d):
        lhs += nls.dot(U[:, j], D.ym()) / s[j] * V[:, j]
    rhs = ls.ols(D.Xs(), D.ys())
    err = max(abs(lhs[i] - lib.mpf_exact(rhs[i])) for i in range(D.d))
    return lib.tol(dps) * (1 + nls.norm(lhs)) - err


@claim("loureiro.eq2_12", title="GF trajectory in parameter space, n >= d", source="§2.2, eq. (2.12)",
       kind=Kind.IDENTITY, depends_on=("loureiro.eq2_11",),
       statement=r"$\theta(t)=\sum_{j=1}^d[\frac{\langle u_j,y\rangle}{\sigma_j}v_j+e^{-\sigma_j^2t/n}(\theta_0-"
       r"\frac{\langle u_j,y\rangle}{\sigma_j}v_j)]=(X^\top X)^{-1}X^\top y+\sum_je^{-\sigma_j^2t/n}(\theta_0-"
       r"\frac{\langle u_j,y\rangle}{\sigma_j}v_j)$")
def eq2_12():
    """(2.12) as printed: both expressions against the flow exp(tA) (independent), the middle equality,
    and the first expression at t = 0 (symbolic, d = 2)."""
    c1, c2 = sp.symbols("c1 c2", real=True)
    v1, v2, th0 = ls.symbolic_vector(2, "v"), ls.symbolic_vector(2, "w"), ls.symbolic_vector(2, "theta0_")
    at0 = (c1 * v1 + (th0 - c1 * v1)) + (c2 * v2 + (th0 - c2 * v2))
    return AllOf(
        Identity(th0, at0, label="first expression at t = 0 must be theta0 (d = 2, c_j = <u_j,y>/sigma_j)"),
        lib.on_designs(_vs_flow("first"), GF_OVER, "first expression = GF solution"),
        lib.on_designs(_vs_flow("second"), GF_OVER, "second expression = GF solution"),
        lib.on_designs(_middle_equality, lib.design_domain(lib.OVER), "sum_j <u_j,y>/sigma_j v_j = (X^T X)^{-1} X^T y"),
    )


@eq2_12.read_as(r"$\theta(t)=(X^\top X)^{-1}X^\top y+\sum_je^{-\sigma_j^2t/n}(\langle v_j,\theta_0\rangle-"
                r"\frac{\langle u_j,y\rangle}{\sigma_j})v_j$")
def _(printed):
    return AllOf(lib.on_designs(_vs_flow("reading"), GF_OVER, "reading = GF solution (exp(tA))"),
                 lib.on_designs(_middle_equality, lib.design_domain(lib.OVER), "sum_j <u_j,y>/sigma_j v_j = (X^T X)^{-1} X^T y"))


RATE_DOM = lib.design_domain(lib.OVER, ("generic",))
RATE_DOM_BOTH = lib.design_domain((*lib.OVER, *lib.UNDER_SMALL), ("generic",), Real("t", 0, 20, lo_open=True))


def _err(D, t):
    lim = nls.gd_limit(D.Xm(), D.ym(), D.t0m())
    return nls.norm(nls.gf_expm(D.Xm(), D.ym(), D.t0m(), t) - lim)


def _fitted_rate(inst, dps):
    """-(log e(t2) - log e(t1)) / (t2 - t1), e(t) = ||theta(t) - theta_ols||, with t1, t2 beyond the
    spectral gap's time scale; the flow by exp(tA).  Normalised by lambda_min (any value > 0 is
    exponential convergence)."""
    D = lib.design_of(inst)
    ev, _ = nls.eigs_covariance(D.Xm())
    pos = sorted(e for e in ev if e > max(ev) * lib.tol(dps))
    gap = (pos[1] - pos[0]) if len(pos) > 1 else pos[0]
    t1 = min(mp.mpf(40) / gap, mp.mpf(dps) * 2 / pos[0] / 3)
    t2 = 1.5 * t1
    rate = -(mp.log(_err(D, t2)) - mp.log(_err(D, t1))) / (t2 - t1)
    return rate / pos[0]


@claim("loureiro.gf_rate", title="Exponential convergence of GF, n >= d", source="§2.2, after (2.12)",
       kind=Kind.RATE, depends_on=("loureiro.eq2_11", "loureiro.eq2_12"),
       statement=r"$\theta(t)$ converges exponentially fast to $\hat\theta_{ols}$ (rates $e^{-\sigma_j^2t/n}$)")
def gf_rate():
    """After (2.12): exponential convergence, measured as the fitted rate constant of ||theta(t) - theta_ols||
    (normalised by lambda_min(Sigma)); must be > 0."""
    return lib.on_designs(_fitted_rate, RATE_DOM, "fitted rate / lambda_min > 0", figure=gf_decay_figure,
                          samples=20).replace(strict=True)


def _rate_bound(inst, dps):
    D = lib.design_of(inst)
    t = lib.mpf_exact(inst["t"])
    lam = nls.smallest_nonzero_eig(D.Xm())
    bound = mp.exp(-lam * t) * _err(D, mp.mpf(0))
    return (bound - _err(D, t)) / bound + lib.tol(dps)


def _rate_limit(inst, dps):
    """|fitted rate / lambda_min^+ - 1| <= 1e-6 at times beyond 40 / spectral gap."""
    return mp.mpf("1e-6") - abs(_fitted_rate(inst, dps) - 1)


@gf_rate.read_as(r"$\|\theta(t)-\theta_\infty\|\le e^{-\lambda t}\|\theta_0-\theta_\infty\|$ with $\lambda$ the "
                 r"smallest non-zero eigenvalue of $\hat\Sigma_n$ ($\sigma_d^2/n$ for $n\ge d$, $\sigma_n^2/n$ for "
                 r"$n<d$), and $\frac1t\log\|\theta(t)-\theta_\infty\|\to-\lambda$ for generic $\theta_0$")
def _(printed):
    return AllOf(
        lib.on_designs(_rate_bound, RATE_DOM_BOTH, "||theta(t) - theta_inf|| <= e^{-lambda t} ||theta0 - theta_inf||",
                       figure=gf_decay_figure, samples=20),
        lib.on_designs(_rate_limit, lib.design_domain((*lib.OVER, *lib.UNDER_SMALL)),
                       "fitted rate = lambda_min^+ (|ratio - 1| <= 1e-6)", samples=6),
    )


# ------------------------------------------------------------------ (2.13) - (2.16), theta0 = 0


def _kernel_frozen(inst, dps):
    D = lib.design_of(inst)
    t = lib.mpf_exact(inst["t"])
    P = nls.kernel_projector(D.Xm())
    th = nls.gf_expm(D.Xm(), D.ym(), D.t0m(), t)
    return lib.tol(dps) * (1 + nls.norm(th)) - nls.norm(P * (th - D.t0m()))


@claim("loureiro.eq2_13", title="Decoupled solution for n < d", source="§2.2, eq. (2.13)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq2_10",),
       statement=r"$\beta_j(t)=\frac{\tilde y_j}{\sigma_j}+e^{-\sigma_j^2t/n}(\beta_{0,j}-\frac{\tilde y_j}{\sigma_j})$ "
       r"for $j\le n$, $\beta_j(t)=\beta_{0,j}$ for $n<j\le d$: only the components in span$(x_i)$ move")
def eq2_13():
    """(2.13): the j <= n formula solves (2.10); for j > n (sigma_j = 0) beta_j is constant; the kernel
    component of theta(t) is frozen along the flow computed by exp(tA)."""
    s, yt, b0, beta = _beta_closed_form()
    return AllOf(
        Identity(sp.diff(beta, T), s / NSYM * (yt - s * beta), label="j <= n: ODE residual"),
        Identity(b0, beta.subs(T, 0), label="j <= n: initial condition"),
        Identity(sp.Integer(0) * (yt - 0 * b0), sp.diff(b0, T), label="j > n: d beta_j/dt = 0 = (0/n)(yt_j - 0)"),
        lib.on_designs(_kernel_frozen, GF_UNDER, "P_ker theta(t) = P_ker theta0 along the flow"),
    )


def _printed_2_14(inst, t, reading: bool):
    D, U, s, V = _svd_terms(inst)
    X, y, t0 = D.Xm(), D.ym(), D.t0m()
    P = nls.kernel_projector(X)
    perp, par = P * t0, t0 - P * t0
    out = perp + nls.min_norm_solution(X, y)
    for j in range(D.n):  # terms j > n are undefined (sigma_j = 0, no u_j)
        c = nls.dot(U[:, j], y) / s[j]
        e = mp.exp(-s[j] ** 2 * t / D.n)
        out += e * ((nls.dot(V[:, j], t0) - c) * V[:, j] if reading else (par - c * V[:, j]))
    return out


def _vs_flow_14(reading: bool):
    def slack(inst, dps):
        D = lib.design_of(inst)
        t = lib.mpf_exact(inst["t"])
        ref = nls.gf_expm(D.Xm(), D.ym(), D.t0m(), t)
        return lib.tol(dps) * (1 + nls.norm(ref)) - nls.norm(_printed_2_14(inst, t, reading) - ref)

    return slack


GF_UNDER0 = lib.design_domain(lib.UNDER_SMALL, ("generic",), Real("t", 0, 3))


@claim("loureiro.eq2_14", title="GF trajectory for n < d", source="§2.2, eq. (2.14)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq2_13",),
       statement=r"$\theta(t)=\theta_{0,\perp}+X^\top(XX^\top)^{-1}y+\sum_{j=1}^de^{-\sigma_j^2t/n}(\theta_{0,\parallel}-"
       r"\frac{\langle u_j,y\rangle}{\sigma_j}v_j)$")
def eq2_14():
    """(2.14) as printed (terms j > n are undefined -- no u_j, sigma_j = 0 -- so the sum is evaluated
    over j <= n) against the flow exp(tA)."""
    return lib.on_designs(_vs_flow_14(False), GF_UNDER0, "printed (sum over j <= n) = GF solution")


@eq2_14.read_as(r"sum over $j\le n$ with projected initial condition: $\theta(t)=\theta_{0,\perp}+X^\top(XX^\top)^{-1}y"
                r"+\sum_{j\le n}e^{-\sigma_j^2t/n}(\langle v_j,\theta_0\rangle-\frac{\langle u_j,y\rangle}{\sigma_j})v_j$")
def _(printed):
    return lib.on_designs(_vs_flow_14(True), GF_UNDER0, "reading = GF solution")


def _limit(inst, dps):
    D = lib.design_of(inst)
    lam = nls.smallest_nonzero_eig(D.Xm())
    t_big = (dps * mp.log(10) + 20) / lam
    th = nls.gf_expm(D.Xm(), D.ym(), D.t0m(), t_big)
    formula = nls.kernel_projector(D.Xm()) * D.t0m() + D.Xm().T * mp.lu_solve(D.Xm() * D.Xm().T, D.ym())
    return lib.tol(dps) * (1 + nls.norm(th)) - nls.norm(th - formula)


@claim("loureiro.eq2_15", title="Long-time limit of GF, n < d", source="§2.2, eq. (2.15)", kind=Kind.LIMIT,
       depends_on=("loureiro.eq2_14",),
       statement=r"$\theta_\infty=\lim_{t\to\infty}\theta(t)=\theta_{0,\perp}+X^\top(XX^\top)^{-1}y$")
def eq2_15():
    """(2.15): lim beta_j(t) = yt_j / sigma_j (sigma_j > 0; sympy limit), and the flow exp(tA) at
    t = (dps ln 10 + 20)/lambda_min^+ equals the formula."""
    s, yt, b0, beta = _beta_closed_form()
    return AllOf(
        Identity(sp.limit(beta, T, sp.oo), yt / s, label="lim_{t->oo} beta_j(t) = yt_j/sigma_j (j <= n)"),
        lib.on_designs(_limit, lib.design_domain(lib.UNDER_SMALL), "theta(T) = theta0_perp + X^T(XX^T)^{-1}y, T large"),
    )


def _proj_exact(inst):
    D = lib.design_of(inst)
    a = ls.gd_limit(D.Xs(), D.ys(), D.t0s())
    b = ls.projection_by_kkt(D.Xs(), D.ys(), D.t0s())
    return lib.flag(a == b)


@claim("loureiro.eq2_16", title="GF limit = Euclidean projection of theta_0 onto the interpolators",
       source="§2.2, eq. (2.16), Figure 2", kind=Kind.IDENTITY, depends_on=("loureiro.eq2_15",),
       statement=r"$\theta_\infty=\arg\min_{\theta\in\mathcal I}\|\theta_0-\theta\|_2^2$")
def eq2_16():
    """(2.16): theta_0_perp + X^+ y equals the projection computed by an exact KKT solve (no formula),
    on exact designs; and symbolically (2x3) the KKT form theta0 - X^T(XX^T)^{-1}(X theta0 - y)."""
    X, y, t0 = _sym(2, 3)
    kkt = t0 - X.T * (X * X.T).inv() * (X * t0 - y)
    return AllOf(
        Identity(ls.kernel_projector(X) * t0 + ls.min_norm_interpolator(X, y), kkt,
                 label="P_ker theta0 + X^T(XX^T)^{-1}y = KKT projection (2x3)"),
        lib.on_designs(lambda inst, dps: _proj_exact(inst), lib.design_domain(lib.UNDER),
                       "theta_inf = exact KKT projection", exact=lambda inst: int(_proj_exact(inst))),
    )


THETA0_DOM = lib.design_domain(lib.UNDER_SMALL, ("generic", "rowspace0"))


def _only_if_zero(inst: Mapping[str, Any]):
    D = lib.design_of(inst)
    tinf = ls.gd_limit(D.Xs(), D.ys(), D.t0s())
    ols = ls.min_norm_interpolator(D.Xs(), D.ys())
    equal = tinf == ols
    zero = all(x == 0 for x in D.theta0)
    return 1 if (not equal or zero) else -1


@claim("loureiro.claim_theta0_zero", title="GF returns the min-norm interpolator only if theta_0 = 0",
       source="§2.2, after (2.16)", kind=Kind.QUALITATIVE, depends_on=("loureiro.eq2_15",),
       statement=r"$\theta_\infty$ is only equal to $\hat\theta_{ols}$ if $\theta_0=0$!")
def claim_theta0_zero():
    """After (2.16): theta_inf = theta_ols  =>  theta_0 = 0, tested exactly (theta_inf - theta_ols = P_ker theta_0)."""
    return lib.on_designs(lambda inst, dps: mp.mpf(_only_if_zero(inst)), THETA0_DOM,
                          "theta_inf = theta_ols implies theta0 = 0 (exact)", exact=_only_if_zero)
