"""Section II library: the survey's diagonal network w = u*u - v*v as a reparametrisation, the
mirror-flow check of a candidate potential, and the GF-limit-against-Bregman-projection
comparison (Theorem 1).

The shared machinery is :mod:`symbolic.mirror_flow` (Potential, mirror_flow_residual),
:mod:`numeric.mirror_flow` (Bregman projection by an independent solver, min-l1 by an exact LP)
and :mod:`numeric.diagonal_network` (GF of theta = u' * v').  The survey's parametrisation maps
onto the shared one by u' = u + v, v' = u - v (so u*u - v*v = u' * v', and u(0) = v(0) = eps a
becomes u'(0) = 2 eps a, v'(0) = 0); the GF of 1/2 |y - A w|^2 in (u, v) is the shared GF of
|y - X theta|^2 / (2n) with X = A run 2n times faster, so the two flows have the same path and
limit.  The survey's potential q(z) = (z asinh(z/k) - sqrt(z^2 + k^2))/4 is half of the shared
phi_I with I = k; Bregman projections do not see the factor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

import mpmath as mp
import numpy as np
import sympy as sp

from numeric.diagonal_network import gf_until_interpolating
from numeric.dynamics import SimulationDiverged
from numeric.mirror_flow import (
    SeparablePotential,
    bregman_projection,
    hyperbolic_entropy,
    squared_norm,
)
from symbolic.mirror_flow import Potential

# ------------------------------------------------------------------ symbolic model


def symbols(d: int):
    u = sp.Matrix(sp.symbols(f"u1:{d + 1}", real=True))
    v = sp.Matrix(sp.symbols(f"v1:{d + 1}", real=True))
    return u, v


def reparam(u: sp.Matrix, v: sp.Matrix) -> sp.Matrix:
    return u.multiply_elementwise(u) - v.multiply_elementwise(v)


def gf_velocity(A: sp.Matrix, y: sp.Matrix, u: sp.Matrix, v: sp.Matrix) -> tuple[sp.Matrix, sp.Matrix]:
    """(du/dt, dv/dt) = -grad of 1/2 |y - A w(u, v)|^2 (derived by differentiation)."""
    w = reparam(u, v)
    r = y - A * w
    L = (r.T * r)[0] / 2
    return u.applyfunc(lambda s: -sp.diff(L, s)), v.applyfunc(lambda s: -sp.diff(L, s))


def w_velocity(A, y, u, v) -> sp.Matrix:
    """dw/dt along the GF, by the chain rule J_f (du/dt, dv/dt)."""
    du, dv = gf_velocity(A, y, u, v)
    J = reparam(u, v).jacobian([*u, *v])
    return (J * sp.Matrix([*du, *dv])).applyfunc(sp.expand)


def ntk_f(u, v) -> sp.Matrix:
    J = reparam(u, v).jacobian([*u, *v])
    return (J * J.T).applyfunc(sp.expand)


# ------------------------------------------------------------------ candidate potentials

z_ = sp.Symbol("z", real=True)


def q_second(k: sp.Expr) -> sp.Expr:
    """(25): q''(z) = 1 / (4 sqrt(z^2 + k^2))."""
    return 1 / (4 * sp.sqrt(z_**2 + k**2))


def survey_potential(ws: Sequence[sp.Symbol], ks: Sequence[sp.Expr]) -> Potential:
    """psi(w) = sum_i q_i(w_i), q obtained by integrating (25) twice with SymPy."""
    terms = []
    for w, k in zip(ws, ks, strict=True):
        q1 = sp.integrate(q_second(k), z_)
        q = sp.integrate(q1, z_)
        terms.append(q.subs(z_, w))
    return Potential(sum(terms), tuple(ws))


def l2_potential(ws: Sequence[sp.Symbol], ks: Sequence[sp.Expr]) -> Potential:
    """psi(w) = |w|^2 / 2 (a deliberately wrong potential for the diagonal network)."""
    return Potential(sum(w**2 for w in ws) / 2, tuple(ws))


def mirror_residual(potential: Callable[[Sequence[sp.Symbol], Sequence[sp.Expr]], Potential], d: int = 2):
    """Hess psi(w) . dw/dt + grad l(w) along the GF, on the conserved set u_i v_i = k_i/2
    (u_i > 0, v_i = k_i/(2 u_i)), with A (1 x d) and y symbolic; grad l(w) = -A^T r.  This is the
    shared :func:`symbolic.mirror_flow.mirror_flow_residual` (Hess psi . velocity + grad L)
    evaluated at w(u, v); it vanishes iff the reparametrised
    GF is the mirror flow (18) of psi, i.e. Hess psi = H_f^{-1} along the flow (17)."""
    u, v = symbols(d)
    up = sp.symbols(f"p1:{d + 1}", positive=True)
    ks = sp.symbols(f"k1:{d + 1}", positive=True)
    on_set = {**dict(zip(u, up, strict=True)), **{vi: k / (2 * p) for vi, k, p in zip(v, ks, up, strict=True)}}
    A = sp.Matrix(1, d, sp.symbols(f"A1:{d + 1}", real=True))
    y = sp.Matrix([sp.Symbol("y", real=True)])
    ws = sp.symbols(f"w1:{d + 1}", real=True)
    psi = potential(ws, ks)
    w_val = reparam(u, v).subs(on_set)
    dw = w_velocity(A, y, u, v).subs(on_set)
    at_w = dict(zip(ws, w_val, strict=True))
    # evaluate psi's Hessian at w(u, v); sqrt of a perfect square is reduced exactly (factor)
    psi_at = Potential(psi.expr, psi.theta)
    def exact_roots(e: sp.Expr) -> sp.Expr:
        return e.replace(lambda x: x.is_Pow and x.exp in (sp.S.Half, -sp.S.Half),
                         lambda x: sp.factor(x.base) ** x.exp)

    r = y - A * w_val
    # mirror_flow_residual(psi, dw/dt, grad l) evaluated at w = w(u, v)
    res = psi_at.hess.subs(at_w).applyfunc(exact_roots) * dw - A.T * r
    return res.applyfunc(sp.simplify)


# ------------------------------------------------------------------ Theorem 1 numerics


def instance_arrays(inst) -> tuple[np.ndarray, np.ndarray, np.ndarray, Fraction]:
    """A (3 x 7), y = A w* (w* with entries 1 and -1/2 at coordinates 1 and 4 scaled by ws),
    shape a (7 entries in [1/2, 2]) and eps, from exact inputs."""
    A = np.array([float(x) for x in inst["A"][:21]]).reshape(3, 7)
    ws = np.zeros(7)
    ws[0], ws[3] = float(inst["ws"][0]), float(inst["ws"][1])
    a = np.array([float(x) for x in inst["a"][:7]])
    return A, A @ ws, a, inst["eps"]


def gf_limit(A: np.ndarray, y: np.ndarray, a: np.ndarray, eps: float) -> np.ndarray:
    """w(infinity) of the survey's GF from u(0) = v(0) = eps a (via the shared simulator)."""
    tr = gf_until_interpolating(A, y, 2 * eps * a, np.zeros_like(a), tol=1e-11)
    return tr.final_theta


def bregman_argmin(potential: str, A: np.ndarray, y: np.ndarray, a: np.ndarray, eps) -> list:
    """argmin D_psi(w, 0) s.t. A w = y at the working precision (independent solver)."""
    psi: SeparablePotential = (hyperbolic_entropy([2 * mp.mpf(eps) ** 2 * mp.mpf(float(x)) ** 2 for x in a])
                               if potential == "survey" else squared_norm())
    Am = mp.matrix([[mp.mpf(float(x)) for x in row] for row in A])
    ym = mp.matrix([mp.mpf(float(x)) for x in y])
    zero = [mp.mpf(0)] * A.shape[1]
    with mp.workdps(15):  # a cheap low-precision solve warm-starts the working-precision Newton
        mu0 = bregman_projection(psi, Am, ym, zero, max_iter=MAX_NEWTON).mu
    return _checked(bregman_projection(psi, Am, ym, zero, mu0=mu0, max_iter=MAX_NEWTON))


# The shared solver's Armijo test cannot certify a decrease once the residual is below the
# square root of the working precision, and then backtracks at every remaining iteration; a
# capped iteration count plus the residual check below keeps it fast and honest.
MAX_NEWTON = 60


def _checked(p) -> list:
    """The projection's point, after checking its constraint residual at the working precision
    (a solver failure must never look like a mathematical finding)."""
    if not mp.isfinite(p.constraint_residual) or p.constraint_residual > mp.mpf(10) ** (-mp.mp.dps // 2):
        raise SimulationDiverged(f"Bregman projection did not converge (|A w - y| = {mp.nstr(p.constraint_residual, 3)})")
    return p.theta


def thm1_gap(potential: str):
    """slack (1e-6 - |w_GF(inf) - w_Bregman|)/1e-6 at an instance (float64 GF to residual 1e-11)."""
    def slack(inst, dps):
        A, y, a, eps = instance_arrays(inst)
        if np.linalg.matrix_rank(A) < 3:
            return None
        wgf = gf_limit(A, y, a, float(eps))
        wb = bregman_argmin(potential, A, y, a, mp.mpf(eps.numerator) / eps.denominator)
        gap = mp.sqrt(mp.fsum((mp.mpf(float(x)) - b) ** 2 for x, b in zip(wgf, wb, strict=True)))
        return (mp.mpf("1e-6") - gap) / mp.mpf("1e-6")
    return slack


# ------------------------------------------------------------------ scale asymptotics

A_DISC = [[Fraction(1), Fraction(2)]]
Y_DISC = [Fraction(2)]
SHAPE_DISC = (4, 1)


def disc_argmin(eps: mp.mpf) -> list:
    """Bregman argmin for A = [1, 2], y = 2, a = (4, 1) at scale eps (mpmath)."""
    psi = hyperbolic_entropy([2 * eps**2 * a**2 for a in SHAPE_DISC])
    A, y, zero = mp.matrix([[1, 2]]), mp.matrix([2]), [mp.mpf(0), mp.mpf(0)]
    return _checked(bregman_projection(psi, A, y, zero, max_iter=MAX_NEWTON))


def weighted_l2_solution() -> tuple[Fraction, Fraction]:
    """argmin sum w_i^2 / a_i^2 s.t. w_1 + 2 w_2 = 2: w = D A^T (A D A^T)^{-1} y, D = diag(a^2)."""
    d = [Fraction(a * a) for a in SHAPE_DISC]
    s = d[0] * 1 + d[1] * 4
    return (d[0] * 2 / s, d[1] * 2 * 2 / s)


def dist(w: Sequence, target: Sequence) -> mp.mpf:
    return mp.sqrt(mp.fsum((mp.mpf(x) - mp.mpf(t.numerator) / t.denominator if isinstance(t, Fraction) else
                            mp.mpf(x) - mp.mpf(t)) ** 2 for x, t in zip(w, target, strict=True)))


def figure_gf_vs_bregman(inst, path: str) -> None:
    """The GF trajectory w(t) (coordinates, log time) against the Bregman projection of Theorem 1
    (dashed) and the min-l2 interpolator (dotted) at one instance."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    A, y, a, eps = instance_arrays(inst)
    tr = gf_until_interpolating(A, y, 2 * float(eps) * a, np.zeros_like(a), tol=1e-11)
    wb = [float(x) for x in bregman_argmin("survey", A, y, a, mp.mpf(eps.numerator) / eps.denominator)]
    wl2 = np.linalg.pinv(A) @ y
    fig, ax = plt.subplots(figsize=(7, 4))
    th = tr.theta
    for j in range(th.shape[1]):
        line, = ax.plot(np.maximum(tr.t, 1e-3), th[:, j], lw=1)
        ax.axhline(wb[j], color=line.get_color(), ls="--", lw=0.8)
        ax.axhline(wl2[j], color=line.get_color(), ls=":", lw=0.6)
    ax.set_xscale("log")
    ax.set_xlabel("t")
    ax.set_ylabel("w_j(t)")
    ax.set_title(f"GF (solid) vs Bregman projection (dashed), min-l2 (dotted); eps = {eps}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
