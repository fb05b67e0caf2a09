"""mmv Section II, implicit bias by mirror flows: the induced flow (16), Theorem 1 (GF limit =
Bregman projection), Example 2 (the depth-2 diagonal network and its potential (23)-(25)),
the scale asymptotics, the depth-L variants, the convolution theorem and commuting sensing."""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import mpmath as mp
import numpy as np
import sympy as sp

from numeric.deep_diagonal import gf_power_difference, gf_product, gf_psd_diagonal
from theorems.claim import Kind
from theorems.spec import (
    AllOf,
    Choice,
    Domain,
    FiniteLimit,
    Holds,
    Identity,
    Order,
    ProofWithCrossChecks,
    Real,
    Uncheckable,
    Vec,
    claim,
)

from .lib_mirror import (
    disc_argmin,
    dist,
    figure_gf_vs_bregman,
    gf_velocity,
    mirror_residual,
    ntk_f,
    q_second,
    reparam,
    survey_potential,
    symbols,
    thm1_gap,
    w_velocity,
    weighted_l2_solution,
    z_,
)


@claim("mmv.eq16", title="Induced flow on w", source="Sec. II, eq. (16)", kind=Kind.IDENTITY,
       statement=r"Under GF on $\theta$ for $\frac12\|y-Af(\theta)\|^2$: $\dot w=-J_fJ_f^\top\nabla\ell(w)=H_f(\theta)A^\top r(w)$.")
def eq16():
    """Eq. (16) for the diagonal network f(u, v) = u*u - v*v with symbolic A (2 x 3) and y."""
    u, v = symbols(3)
    A = sp.Matrix(2, 3, sp.symbols("A1:7", real=True))
    y = sp.Matrix(sp.symbols("y1 y2", real=True))
    r = y - A * reparam(u, v)
    return Identity(w_velocity(A, y, u, v), (ntk_f(u, v) * A.T * r).applyfunc(sp.expand),
                    label="dw/dt = H_f A^T r (d = 3, n = 2)")


THM1 = Domain(Vec("A", -2, 2, dims=(21,)), Vec("ws", -2, 2, nonzero=True), Vec("a", Fraction(1, 2), 2),
              Choice("eps", (Fraction(3, 10), Fraction(1))),
              note="A: 3 x 7 (first 21 entries, rank 3), y = A w* with w* supported on coordinates 1 and 4 "
              "(values ws_1, ws_2), shape a (first 7 entries), u(0) = v(0) = eps a")


@claim("mmv.thm1", title="Theorem 1: implicit mirror flow => Bregman projection", source="Sec. II, Theorem 1, (17)-(22)",
       kind=Kind.LIMIT, depends_on=("mmv.example2", "mmv.eq16"),
       statement=r"If $w(\infty)$ exists with $y=Aw(\infty)$ and a convex $\psi$ has $H_f^{-1}(\theta(t))=\nabla^2\psi(w(\theta(t)))$ "
       r"(17), then $w(\infty)$ is a global optimum of $\min_wD_\psi(w,w(0))$ s.t. $y=Aw$ (19).")
def thm1():
    """Theorem 1 on the diagonal network: (17)/(18)/(21) as the exact mirror-flow residual of the
    survey's potential (25) along the GF (zero iff the GF is the mirror flow); numerically, the GF
    limit (float64 Radau until |A w - y| <= 1e-11, shared simulator) against argmin D_psi(w, 0)
    s.t. A w = y from the independent high-precision dual Newton solver, n = 3, d = 7, 2-sparse
    w*, eps in {0.3, 1}; agreement to 1e-6."""
    return AllOf(
        Identity(mirror_residual(survey_potential), sp.zeros(2, 1),
                 label="Hess psi(w) dw/dt = A^T r along the GF (psi from (25))"),
        Holds(thm1_gap("survey"), THM1, samples=2, search=False, float64=True, figure=figure_gf_vs_bregman,
              label="|w_GF(inf) - argmin D_psi(., 0)| <= 1e-6"),
    )


@claim("mmv.example2", title="Example 2: the depth-2 diagonal network and the divergence (23)",
       source="Sec. II, Example 2, eqs. (23)-(25)", kind=Kind.IDENTITY, depends_on=("mmv.thm1",),
       statement=r"$J_f=2[\mathrm{diag}(u)\ \mathrm{diag}(v)]$; (24) $H_f=4(\mathrm{diag}(u\odot u)+\mathrm{diag}(v\odot v))="
       r"\mathrm{diag}([4\sqrt{(u_i^2-v_i^2)^2+4(u_iv_i)^2}])$; $\frac{d}{dt}(u\odot v)=0$; (25) $\nabla^2\psi=H_f^{-1}="
       r"\mathrm{diag}(1/(4\sqrt{w_i^2+4a_i^4\varepsilon^4}))$; (23) $D_\psi(w,w(0))=\sum_i\frac{k_i}{4}(1+\frac{w_i}{k_i}"
       r"\operatorname{arcsinh}\frac{w_i}{k_i}-\sqrt{1+(w_i/k_i)^2})$, $k_i=2\varepsilon^2a_i^2$.")
def example2():
    """Example 2 (d = 2): the Jacobian as printed, (24), conservation of u*v under GF (symbolic A,
    y), (25) on the conserved set, and (23) from integrating (25) twice (SymPy) with w(0) = 0."""
    u, v = symbols(2)
    J = reparam(u, v).jacobian([*u, *v])
    printed_J = 2 * sp.Matrix.hstack(sp.diag(*u), sp.diag(*v))
    H = ntk_f(u, v)
    A = sp.Matrix(1, 2, sp.symbols("A1 A2", real=True))
    y = sp.Matrix([sp.Symbol("y", real=True)])
    du, dv = gf_velocity(A, y, u, v)
    cons = sp.Matrix([sp.expand(du[i] * v[i] + u[i] * dv[i]) for i in range(2)])
    p, k, e, a = sp.symbols("p k epsilon a", positive=True)
    w_on = p**2 - (k / (2 * p)) ** 2  # u = p, v = k/(2p): u v = k/2
    H_on = 4 * (p**2 + (k / (2 * p)) ** 2)
    q25 = q_second(k).subs(z_, w_on)
    q25 = q25.replace(lambda x: x.is_Pow and x.exp in (sp.S.Half, -sp.S.Half), lambda x: sp.factor(x.base) ** x.exp)
    w, kk = sp.symbols("w k", positive=True)
    q1 = sp.integrate(q_second(kk), z_)
    q = sp.integrate(q1, z_)
    D_derived = q.subs(z_, w) - q.subs(z_, 0) - q1.subs(z_, 0) * w
    D_printed = kk / 4 * (1 + w / kk * sp.asinh(w / kk) - sp.sqrt(1 + (w / kk) ** 2))
    dom = Domain(*(Real(str(s), -2, 2) for s in (*u, *v)), edges=[{"u1": Fraction(1), "u2": Fraction(1),
                                                                   "v1": Fraction(1), "v2": Fraction(1)}])
    return AllOf(
        Identity(J, printed_J, domain=dom, label="J_f = 2[diag(u) diag(v)]"),
        Identity(H, 4 * (sp.diag(*[x**2 for x in u]) + sp.diag(*[x**2 for x in v])), label="(24) first form"),
        Identity(sp.diag(*[4 * (u[i] ** 2 + v[i] ** 2) for i in range(2)]),
                 sp.diag(*[4 * sp.sqrt(sp.factor((u[i] ** 2 - v[i] ** 2) ** 2 + 4 * (u[i] * v[i]) ** 2)) for i in range(2)]),
                 label="(24) second form"),
        Identity(cons, sp.zeros(2, 1), label="d/dt (u * v) = 0 under GF"),
        Identity(1 / H_on, q25, label="(25): H_f^{-1} = q''(w) on u v = k/2"),
        Identity((2 * e**2 * a**2) ** 2, 4 * a**4 * e**4, label="k^2 = 4 a^4 eps^4"),
        Identity(sp.simplify(D_derived - D_printed), 0, label="(23) = q(w) - q(0) - q'(0) w"),
    )


@example2.read_as(r"$J_f=2[\mathrm{diag}(u)\ \ -\mathrm{diag}(v)]$ (the sign does not affect $J_fJ_f^\top$).")
def _(printed):
    u, v = symbols(2)
    parts = list(printed.parts)
    parts[0] = parts[0].replace(printed=2 * sp.Matrix.hstack(sp.diag(*u), -sp.diag(*v)), label="J_f = 2[diag(u) -diag(v)]")
    return AllOf(*parts)


def _to_l1(eps: Fraction, dps: int):
    w = disc_argmin(mp.mpf(eps.numerator) / eps.denominator)
    return dist(w, (0, 1)) / (mp.mpf(eps.numerator) / eps.denominator)


def _to_wl2(scale: Fraction, dps: int):
    s = mp.mpf(scale.numerator) / scale.denominator
    w = disc_argmin(s)
    return dist(w, weighted_l2_solution()) * s


@claim("mmv.example2_asym", title="Scale asymptotics of (23)", source="Sec. II, paragraph after Example 2, line ~264",
       kind=Kind.ASYMPTOTIC, depends_on=("mmv.thm1", "mmv.example2"),
       statement=r"For fixed shape $a$: as $\varepsilon\to\infty$, $D_\psi(w,w(0))\propto\sum_iw_i^2/a_i^2$; as $\varepsilon\to0$, "
       r"$D_\psi(w,w(0))\propto\sum_i|w_i|$ regardless of the shape (so the GF limit approaches the min-weighted-$\ell_2$, "
       r"respectively min-$\ell_1$, interpolator).")
def example2_asym():
    """The limits of (23): D_i / (w_i^2/(8 k_i)) -> 1 as k -> infinity and D_i / (|w_i| log(1/k_i)/4) -> 1 as
    k -> 0 (SymPy limits); through Theorem 1 on the discriminating instance A = [1, 2], y = 2,
    a = (4, 1): the Bregman argmin's distance to the min-l1 interpolator (0, 1) (exact LP in the
    shared solver gives the same point) over eps, and to the min-weighted-l2 interpolator
    (8/5, 1/5) times the scale."""
    w, k = sp.symbols("w k", positive=True)
    D = k / 4 * (1 + w / k * sp.asinh(w / k) - sp.sqrt(1 + (w / k) ** 2))
    small = [Fraction(1, 10**j) for j in (2, 3, 4, 6, 8, 12, 16)]
    large = [Fraction(j) for j in (3, 10, 30, 100, 300)]
    return AllOf(
        Identity(sp.limit(D / (w**2 / (8 * k)), k, sp.oo), 1, label="D ~ w^2/(8k) as k -> infinity"),
        Identity(sp.limit(D / (w * sp.log(1 / k) / 4), k, 0, "+"), 1, label="D ~ |w| log(1/k)/4 as k -> 0"),
        Order(_to_l1, small, family="eps = 10^-2 .. 10^-16, A = [1, 2], y = 2, a = (4, 1)",
              label="|argmin - l1 solution| = O(eps) (tends to the min-l1 interpolator)"),
        Order(_to_wl2, large, family="eps = 3 .. 300", label="|argmin - weighted-l2 solution| = O(1/eps)"),
    )


A1 = np.array([[1.0, 2.0]])
Y1 = np.array([2.0])


@claim("mmv.deepdiag_woodworth", title="Depth-L u^L - v^L with uniform init tends to l1 (cited [24])",
       source="Sec. II, line ~266", kind=Kind.ASYMPTOTIC, depends_on=("mmv.thm1",),
       statement=r"For $w=u^{\odot L}-v^{\odot L}$ with $u(0)=v(0)=\varepsilon\mathbf 1$, Theorem 1 applies and as "
       r"$\varepsilon\to0$, $D_\psi(w,w(0))$ approximates the $\ell_1$ norm.")
def deepdiag_woodworth():
    """L = 3: u^{2-L} + v^{2-L} is conserved under GF (exact, symbolic A, y); the GF limit on
    A = [1, 2], y = 2 (float64 Radau until |A w - y| <= 1e-10) against the min-l1 interpolator
    (0, 1), over eps = 0.3 .. 0.003 (distance / eps must stay bounded)."""
    u1, v1 = sp.symbols("u v", positive=True)
    g = sp.Symbol("g", real=True)  # -(d l / d w) at the current point
    du, dv = 3 * u1**2 * g, -3 * v1**2 * g
    cons = sp.diff(1 / u1 + 1 / v1, u1) * du + sp.diff(1 / u1 + 1 / v1, v1) * dv
    eps = [Fraction(3, 10), Fraction(1, 10), Fraction(3, 100), Fraction(1, 100), Fraction(3, 1000)]
    return AllOf(
        Identity(cons, 0, label="d/dt (u^-1 + v^-1) = 0 (L = 3)"),
        Order(lambda e, dps: float(np.linalg.norm(gf_power_difference(A1, Y1, 3, float(e)) - [0, 1])) / float(e),
              eps, family="eps = 0.3 .. 0.003, L = 3", label="|w(inf) - l1 solution| / eps bounded"),
    )


@claim("mmv.deepdiag_yun", title="Depth-L product network with shape a tends to weighted l1 (cited [26])",
       source="Sec. II, line ~266", kind=Kind.ASYMPTOTIC, depends_on=("mmv.thm1",),
       statement=r"For $w=w_1\odot\cdots\odot w_L$ with $w_1(0)=\dots=w_{L-1}(0)=\varepsilon a$, $w_L(0)=0$, as $\varepsilon\to0$, "
       r"$D_\psi(w,w(0))$ approximates $\sum_i|w_i|/|a_i|^{L-2}$.")
def deepdiag_yun():
    """L = 3: w_l^2 - w_m^2 conserved (exact); K_3 = int_0^inf (1 + y^2)^{-1} dy = pi/2; the GF
    limit on A = [1, 2], y = 2, a = (4, 1) against the weighted-l1 solution (2, 0) (the plain l1
    solution is (0, 1)), over eps = 0.3 .. 0.003."""
    w1, w2, w3, g = sp.symbols("w1 w2 w3 g", real=True)
    field = {w1: w2 * w3 * g, w2: w1 * w3 * g, w3: w1 * w2 * g}
    cons = [sp.expand(sum(sp.diff(q, s) * f for s, f in field.items())) for q in (w1**2 - w2**2, w2**2 - w3**2)]
    yv = sp.Symbol("y", real=True)
    eps = [Fraction(3, 10), Fraction(1, 10), Fraction(3, 100), Fraction(1, 100), Fraction(3, 1000)]
    return AllOf(
        Identity(sp.Matrix(cons), sp.zeros(2, 1), label="d/dt (w_l^2 - w_m^2) = 0"),
        Identity(sp.integrate(1 / (1 + yv**2), (yv, 0, sp.oo)), sp.pi / 2, label="K_3 = pi/2"),
        Order(lambda e, dps: float(np.linalg.norm(gf_product(A1, Y1, 3, float(e), np.array([4.0, 1.0])) - [2, 0]))
              / float(e), eps, family="eps = 0.3 .. 0.003, L = 3, a = (4, 1)",
              label="|w(inf) - weighted-l1 solution| / eps bounded"),
    )


@claim("mmv.dft_conv", title="Circular convolution theorem", source="Sec. II, line ~266", kind=Kind.IDENTITY,
       statement=r"$\mathcal F(w_1\circledast w_2)=(\mathcal Fw_1)\odot(\mathcal Fw_2)$.")
def dft_conv():
    """The convolution theorem for length N = 4 with symbolic vectors and the exact DFT matrix
    F_jk = (-i)^{jk}."""
    N = 4
    a = sp.symbols(f"a0:{N}", real=True)
    b = sp.symbols(f"b0:{N}", real=True)
    F = sp.Matrix(N, N, lambda j, k: (-sp.I) ** (j * k))
    conv = sp.Matrix([sum(a[m] * b[(n - m) % N] for m in range(N)) for n in range(N)])
    return Identity((F * conv).applyfunc(sp.expand),
                    (F * sp.Matrix(a)).multiply_elementwise(F * sp.Matrix(b)).applyfunc(sp.expand), label="N = 4")


def _sensing_distance(alpha: Fraction, dps: int):
    return _sensing_distance_float64(alpha)


@lru_cache(maxsize=32)
def _sensing_distance_float64(alpha: Fraction) -> float:
    """float64 integration (the digits do not enter; a re-evaluation at more digits reuses it)."""
    s = gf_psd_diagonal(A1, Y1, float(alpha))
    return float(np.linalg.norm(s - [0, 1])) / float(alpha) ** 0.5


@claim("mmv.commuting_sensing", title="Commuting measurements: nuclear-norm bias (cited [28], [33])",
       source="Sec. II, line ~266", kind=Kind.ASYMPTOTIC,
       statement=r"(cited) The mirror-flow view applies to matrix sensing when all measurement matrices commute, and "
       r"small initialisation gives an implicit nuclear-norm regularisation.")
def commuting_sensing():
    """A_j = Q diag(c_j) Q^T with a common exact rotation Q (2 x 2, Cayley): GF on U U^T keeps
    U = Q diag(x) (the field stays of that form, exact), so the eigenvalues s = x^2 follow
    ds_j/dt = 4 r c_j s_j, r = y - c.s.  With one measurement c = (1, 2), y = 2 and
    U(0) = alpha^{1/2} I (s(0) = (alpha, alpha)), SymPy derives two exact facts: s_2/s_1^2 is
    conserved (so s_2 alpha = s_1^2 along the flow), and dr/dt = -4 r (s_1 + 4 s_2), so r keeps
    its sign, s increases while r > 0 and r decays at least like e^{-20 alpha t}: the limit is the
    positive intersection of s_2 alpha = s_1^2 with s_1 + 2 s_2 = 2 (solved exactly).  Its
    distance to the nuclear-norm-minimal PSD solution s = (0, 1) over sqrt(alpha) has a finite
    SymPy limit as alpha -> 0+.  The float64 integration over alpha = 10^-2 .. 10^-10 (distance /
    sqrt(alpha) must stay bounded) is the cross-check."""
    r = sp.Symbol("r", real=True)
    Q = sp.Matrix([[(1 - r**2) / (1 + r**2), -2 * r / (1 + r**2)], [2 * r / (1 + r**2), (1 - r**2) / (1 + r**2)]])
    x = sp.symbols("x1 x2", positive=True)
    c = sp.symbols("c1 c2", real=True)
    yv = sp.Symbol("y", real=True)
    U = Q * sp.diag(*x)
    Am = Q * sp.diag(*c) * Q.T
    Um = sp.Matrix(2, 2, sp.symbols("m11 m12 m21 m22", real=True))
    Lg = (yv - sum(Am.multiply_elementwise(Um * Um.T))) ** 2 / 2
    field = Um.applyfunc(lambda s_: -sp.diff(Lg, s_)).subs(dict(zip(list(Um), list(U), strict=True)))
    in_basis = (Q.T * field).applyfunc(sp.simplify)
    # the instance c = (1, 2), y = 2: eigenvalue flow ds_j/dt = 2 x_j dx_j/dt, s_j = x_j^2
    inst = {c[0]: 1, c[1]: 2, yv: 2}
    ds = [sp.simplify((2 * x[j] * in_basis[j, j]).subs(inst)) for j in range(2)]
    sv = [x[j] ** 2 for j in range(2)]
    resid = 2 - sv[0] - 2 * sv[1]
    drift_invariant = sp.simplify(ds[1] / sv[1] - 2 * ds[0] / sv[0])
    drift_residual = sp.simplify(-(ds[0] + 2 * ds[1]) + 4 * resid * (sv[0] + 4 * sv[1]))
    alpha = sp.Symbol("alpha", positive=True)
    s1, s2 = sp.symbols("s1 s2", positive=True)
    limits = sp.solve([s1 + 2 * s2 - 2, alpha * s2 - s1**2], [s1, s2], dict=True)
    if len(limits) != 1:
        raise ArithmeticError(f"expected one positive intersection, got {limits}")
    lim = limits[0]
    ratio = sp.sqrt(lim[s1] ** 2 + (lim[s2] - 1) ** 2) / sp.sqrt(alpha)
    alphas = [Fraction(1, 10**k) for k in range(2, 11)]
    return ProofWithCrossChecks(
        proof=(
            Identity(sp.Matrix([in_basis[0, 1], in_basis[1, 0]]), sp.zeros(2, 1),
                     label="the GF field at U = Q diag(x) is Q diag(.)"),
            Identity(ds[0], 4 * resid * sv[0], label="ds_1/dt = 4 r s_1 (c = (1, 2), y = 2)"),
            Identity(drift_invariant, 0, label="d/dt (log s_2 - 2 log s_1) = 0, so s_2 alpha = s_1^2"),
            Identity(drift_residual, 0, label="dr/dt = -4 r (s_1 + 4 s_2): r -> 0 monotonically"),
            FiniteLimit(ratio, alpha, 0, f"|s(inf) - (0, 1)| / sqrt(alpha) at s(inf) = ({sp.sstr(lim[s1])}, "
                                          f"{sp.sstr(lim[s2])}) bounded"),
        ),
        checks=(
            Order(_sensing_distance, alphas, family="alpha = 10^-2 .. 10^-10 (float64 integration)",
                  label="|s(inf) - (0, 1)| / sqrt(alpha) bounded (integrated)"),
        ),
    )


@claim("mmv.table1", title="Explicit versus implicit regularisation (Table I)", source="Table I, line ~196",
       kind=Kind.QUALITATIVE,
       statement=r"Sparse recovery ($\ell_1$) $\leftrightarrow$ $\min_{u,v}\|y-A(u^{\odot L}-v^{\odot L})\|^2$; compressed sensing "
       r"$\leftrightarrow$ circular-convolution networks; low-rank matrix sensing ($\|X\|_*$) $\leftrightarrow$ $\min\|y-"
       r"\mathcal A(W_1\cdots W_L)\|^2$ and $\min_{U,V}\|y-\mathcal A(UV^\top)\|^2$ (implicit rank).")
def table1():
    """Table I summarises cited small-initialisation limits; its checkable entries are the claims
    mmv.example2_asym, mmv.deepdiag_woodworth, mmv.deepdiag_yun, mmv.dft_conv,
    mmv.commuting_sensing and mmv.eq34_35."""
    return Uncheckable("a qualitative summary table of cited results; its checkable entries are checked as "
                       "mmv.example2_asym and mmv.deepdiag_woodworth / mmv.deepdiag_yun (sparse recovery), "
                       "mmv.commuting_sensing (nuclear norm) and mmv.eq34_35 (implicit rank); for the compressed-sensing "
                       "row only the convolution theorem is stated (mmv.dft_conv): the implicit ||F beta||_1 bias of "
                       "circular-convolution networks is cited ([26], [27]) without a loss, depth or initialisation, "
                       "which a statement of that setting would supply")
