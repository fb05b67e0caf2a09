"""Loureiro, Section 2.1: least squares, OLS, the min-norm interpolator and the set of
interpolators.  Identities on explicit symbolic 2x3 / 3x2 matrices; characterisations on exact
rational designs against an independent solver (exact KKT solve, cvxpy)."""

from __future__ import annotations

import numpy as np
import sympy as sp

from numeric import least_squares as nls
from symbolic import least_squares as ls
from theorems.claim import Kind
from theorems.spec import AllOf, ForEach, Identity, Order, claim

from . import lib, lib_generalisation

SIZES = ((2, 3), (3, 2))


def _sym(n: int, d: int):
    return ls.symbolic_matrix(n, d), ls.symbolic_vector(n, "y"), ls.symbolic_vector(d, "t")


def _invertible(M):
    return lambda pt: M.xreplace(pt).det() != 0


# ------------------------------------------------------------------ (2.1), (2.2)


@claim("loureiro.eq2_1", title="Least-squares empirical risk", source="§2.1, eq. (2.1)", kind=Kind.DEFINITION,
       statement=r"$\hat R_n(\theta)=\frac1{2n}\sum_i(y_i-\langle\theta,x_i\rangle)^2$")
def eq2_1():
    """(2.1): the sum form equals ||y - X theta||^2/(2n); its gradient is -X^T(y - X theta)/n."""
    return AllOf(
        ForEach(SIZES, lambda s: Identity(ls.risk_as_sum(*_sym(*s)), ls.risk(*_sym(*s)),
                                          label="sum form = ||y - X theta||^2/(2n)"), label="{}"),
        ForEach(SIZES, lambda s: Identity(ls.gradient(*_sym(*s)), ls.gradient_formula(*_sym(*s)),
                                          label="gradient = -X^T(y - X theta)/n"), label="{}"),
    )


ALL_SHAPES = lib.design_domain((*lib.UNDER, *lib.OVER), ("generic",))


def _strict_convexity_iff(inst, dps):
    """+1 when [det(X^T X) != 0] == [n >= d] exactly (strict convexity iff n >= d), else -1;
    for n < d also: exactly d - n zero eigenvalues of Sigma (exact rank)."""
    D = lib.design_of(inst)
    G = D.Xs().T * D.Xs()
    pd = lib.exact_rank([tuple(sp.Rational(x) for x in G.row(i)) for i in range(D.d)]) == D.d
    zeros = D.d - lib.exact_rank(D.X)
    ok = pd == (D.n >= D.d) and zeros == max(D.d - D.n, 0)
    return lib.flag(ok)


@claim("loureiro.eq2_2", title="Hessian; convex, strictly convex iff n >= d", source="§2.1, eq. (2.2)",
       kind=Kind.IDENTITY,
       statement=r"$\nabla^2\hat R_n=\frac1nX^\top X=\hat\Sigma_n\succeq0$; strictly convex only for $n\ge d$; for "
       r"$n<d$ more than one global minimum")
def eq2_2():
    """(2.2): the Hessian derived by SymPy; positive definiteness exactly iff n >= d (full rank)."""
    return AllOf(
        ForEach(SIZES, lambda s: Identity(sp.hessian(ls.risk(*_sym(*s)), list(_sym(*s)[2])),
                                          ls.covariance(_sym(*s)[0]), label="Hessian = X^T X / n"), label="{}"),
        lib.on_designs(_strict_convexity_iff, ALL_SHAPES,
                       "X^T X invertible exactly iff n >= d; d - n zero eigenvalues when n < d (exact ranks)",
                       exact=lambda inst: int(_strict_convexity_iff(inst, 30))),
    )


# ------------------------------------------------------------------ overdetermined regime

OVER_ANY_Y = lib.design_domain(lib.OVER, ("generic", "range"), note="nothing is assumed about y")


def _training_error_exact(inst):
    D = lib.design_of(inst)
    th = ls.ols(D.Xs(), D.ys())
    return ls.risk(D.Xs(), D.ys(), th)


@claim("loureiro.claim_overdetermined_no_interp", title="n > d: no interpolator, positive training error",
       source="§2.1, 'Overdetermined regime' and after (2.3)", kind=Kind.QUALITATIVE, depends_on=("loureiro.eq2_3",),
       statement=r"Finding an interpolator is not possible when $n>d$; $\hat\theta_{ols}$ for $n>d$ has strictly "
       r"positive training error $\hat R_n(\hat\theta_{ols})>0$.",
       hypotheses="n > d, X full rank; nothing is assumed about y")
def claim_overdetermined_no_interp():
    """§2.1: R(theta_ols) > 0 for n > d, over designs with generic y and with y in range(X)."""
    return lib.on_designs(lambda inst, dps: lib.mpf_exact(_training_error_exact(inst)), OVER_ANY_Y,
                          "R(theta_ols) > 0 (exact)", exact=_training_error_exact).replace(strict=True)


@claim("loureiro.eq2_3", title="OLS estimator for n >= d", source="§2.1, eq. (2.3)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq2_2",),
       statement=r"$\hat\theta_{ols}=(X^\top X)^{-1}X^\top y$, $n\ge d$, the unique solution; for $n=d$, "
       r"$\hat\theta_{ols}=X^{-1}y$")
def eq2_3():
    """(2.3): stationarity of (X^T X)^{-1} X^T y (symbolic 3x2), = X^{-1} y for n = d (symbolic 2x2),
    and agreement with the SVD least-squares solution (mpmath) on exact designs."""
    X, y, _ = _sym(3, 2)
    th = ls.ols(X, y)
    X2, y2, _ = _sym(2, 2)

    def qr_agree(inst, dps):
        D = lib.design_of(inst)
        ref = nls.min_norm_solution(D.Xm(), D.ym())  # SVD pseudo-inverse (mpmath), not the formula
        mine = ls.ols(D.Xs(), D.ys())
        err = max(abs(ref[i] - lib.mpf_exact(mine[i])) for i in range(D.d))
        return lib.tol(dps) * (1 + lib.nls.norm(ref)) - err

    return AllOf(
        Identity(X.T * (X * th - y), sp.zeros(2, 1), label="stationarity X^T(X theta_ols - y) = 0 (3x2)"),
        Identity((X2.T * X2).inv() * X2.T, X2.inv(), label="n = d: (X^T X)^{-1} X^T = X^{-1} (2x2)"),
        lib.on_designs(qr_agree, lib.design_domain(lib.OVER), "theta_ols = SVD least-squares solution (mpmath svd_r)"),
    )


# ------------------------------------------------------------------ (2.4) min-norm interpolator


@claim("loureiro.eq2_4", title="Min-norm interpolator for n <= d; ridgeless limit", source="§2.1, eq. (2.4)",
       kind=Kind.IDENTITY, depends_on=("loureiro.eq2_1",),
       statement=r"$\hat\theta_{ols}=X^\top(XX)^{-1}y$, $n\le d$, is an interpolator; it is the limit of the ridge "
       r"regressor as $\lambda\to0^+$")
def eq2_4():
    """(2.4) as printed: X^T (X X)^{-1} y is only defined for n = d; there, is it an interpolator?"""
    X, y, _ = _sym(2, 2)
    printed = X.T * (X * X).inv() * y
    return Identity(y, X * printed, label="n = d = 2: X . X^T (X X)^{-1} y = y (the product XX is undefined "
                    "for n != d)", sample=lib.witness_sampler(X, y, guard=_invertible(X * X)))


def _ridge_gap_ratio(design):
    def ratio(lam, dps):
        D = design
        X, y = D.Xm(), D.ym()
        n, d = D.n, D.d
        lamm = lib.mpf_exact(lam)
        A = X.T * X + n * lamm * lib.mp.eye(d)
        r = lib.mp.lu_solve(A, X.T * y)
        ols = X.T * lib.mp.lu_solve(X * X.T, y)
        return lib.nls.norm(r - ols) / lamm

    return ratio


@eq2_4.read_as(r"$\hat\theta_{ols}=X^\top(XX^\top)^{-1}y$ interpolates, and "
               r"$\lim_{\lambda\to0^+}(X^\top X+n\lambda I)^{-1}X^\top y=X^\top(XX^\top)^{-1}y$")
def _(printed):
    X, y, _ = _sym(2, 3)
    c = sp.Symbol("c", positive=True)
    th = ls.min_norm_interpolator(X, y)
    push_l = (X.T * X + c * sp.eye(3)).inv() * X.T
    push_r = X.T * (X * X.T + c * sp.eye(2)).inv()
    lim = (push_r * y).applyfunc(lambda e: sp.limit(sp.cancel(e), c, 0, "+"))
    D = lib.make_design(4, 7, 1)
    lams = [sp.Rational(1, 10**k) for k in (5, 8, 10, 13, 16, 20)]
    return AllOf(
        Identity(X * th, y, label="X X^T (X X^T)^{-1} y = y (2x3)"),
        Identity(push_l, push_r, label="push-through (X^T X + c I)^{-1} X^T = X^T (X X^T + c I)^{-1} (2x3)"),
        Identity(lim, th, label="lim_{c->0+} of the ridge regressor = X^T (X X^T)^{-1} y (2x3)"),
        Order(_ridge_gap_ratio(D), [lib.F(x.p, x.q) for x in lams], family="lam -> 0+, design 4x7 seed 1",
              label="||ridge(lam) - theta_ols|| = O(lam)"),
    )


# ------------------------------------------------------------------ (2.5), fn2, (2.6), (2.7)

UNDER_D = lib.design_domain(lib.UNDER_SMALL)


def _literal_gap(inst):
    """The printed set {theta_hat : X theta = y} with the free theta = theta_ols contains every
    theta_hat; test theta_hat = theta_ols + x_1 (a row of X) for membership of theta_ols + Ker X:
    -||X theta_hat - y||^2 (exact; 0 iff theta_hat lies in theta_ols + Ker X)."""
    D = lib.design_of(inst)
    th = ls.min_norm_interpolator(D.Xs(), D.ys()) + D.Xs().row(0).T
    r = D.Xs() * th - D.ys()
    return -(r.T * r)[0, 0]


@claim("loureiro.eq2_5", title="Affine space of interpolators", source="§2.1, eq. (2.5)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq2_4",),
       statement=r"$\mathcal I=\{\hat\theta\in\mathbb R^d:X\theta=y\}=\{X^\top(XX^\top)^{-1}y+v:v\in\mathrm{Ker}X\}"
       r"=\hat\theta_{ols}+\mathrm{Ker}(X)$")
def eq2_5():
    """(2.5) as printed: the set-builder binds theta_hat but constrains theta; with theta = theta_ols
    the printed set is all of R^d, which is not theta_ols + Ker X."""
    return lib.on_designs(lambda inst, dps: lib.mpf_exact(_literal_gap(inst)), UNDER_D,
                          "printed set {theta_hat : X theta = y} (theta = theta_ols) = theta_ols + Ker X",
                          exact=_literal_gap)


def _interpolators_char(inst, dps):
    """Exact: a random interpolator (Gauss-Jordan solution of X theta = y with random free
    parameters) minus theta_ols lies in Ker X; theta_ols + v interpolates for each kernel basis v."""
    D = lib.design_of(inst)
    X, y = D.Xs(), D.ys()
    sol, params = X.gauss_jordan_solve(y)
    rng = lib.random.Random(int(inst["seed"]))
    theta = sol.xreplace({p: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for p in params})
    ols = ls.min_norm_interpolator(X, y)
    ok = X * (theta - ols) == sp.zeros(D.n, 1)
    ok = ok and ls.kernel_projector(X) * (theta - ols) == theta - ols
    ok = ok and all(X * (ols + 3 * v) == y for v in ls.kernel_basis(X))
    return lib.flag(ok)


@eq2_5.read_as(r"$\{\theta\in\mathbb R^d:X\theta=y\}=\hat\theta_{ols}+\mathrm{Ker}(X)$")
def _(printed):
    X, y, _ = _sym(2, 3)
    k = X.row(0).T.cross(X.row(1).T)  # spans Ker X for a generic 2x3 X
    s = sp.Symbol("s", real=True)
    ols = ls.min_norm_interpolator(X, y)
    return AllOf(
        Identity(X * k, sp.zeros(2, 1), label="x1 x x2 spans Ker X (2x3)"),
        Identity(X * (ols + s * k), y, label="X (theta_ols + s k) = y (2x3)"),
        lib.on_designs(_interpolators_char, UNDER_D, "interpolator - theta_ols in Ker X; theta_ols + Ker X interpolates",
                       exact=lambda inst: int(_interpolators_char(inst, 30))),
    )


def _kernel_dim(inst, dps, nonzero: bool):
    D = lib.design_of(inst)
    basis = ls.kernel_basis(D.Xs())
    ok = len(basis) == D.d - D.n and (not nonzero or len(basis) > 0)
    return lib.flag(ok)


@claim("loureiro.fn2", title="Kernel dimension d - n", source="footnote 2", kind=Kind.IDENTITY,
       statement=r"For $n<d$, $\mathrm{Ker}(X)\neq\emptyset$ and it is isomorphic to a $d-n$ space.")
def fn2():
    """Footnote 2: dim Ker X = d - n (exact nullspace) -- 'Ker X is non-empty' holds trivially (0 in Ker)."""
    return lib.on_designs(lambda inst, dps: _kernel_dim(inst, dps, False), UNDER_D,
                          "dim Ker X = d - n (exact nullspace)",
                          exact=lambda inst: int(_kernel_dim(inst, 30, False)))


@fn2.read_as(r"$\mathrm{Ker}(X)\neq\{0\}$ and $\dim\mathrm{Ker}(X)=d-n$ (full rank)")
def _(printed):
    return lib.on_designs(lambda inst, dps: _kernel_dim(inst, dps, True), UNDER_D,
                          "Ker X != {0} and dim Ker X = d - n (exact nullspace)",
                          exact=lambda inst: int(_kernel_dim(inst, 30, True)))


def _pythagoras_gap(inst):
    """||ols + v||^2 - ||ols||^2 - ||v||^2 for v = a random combination of a kernel basis (exact)."""
    D = lib.design_of(inst)
    X, y = D.Xs(), D.ys()
    rng = lib.random.Random(int(inst["seed"]) + 7)
    v = sum((sp.Rational(rng.randint(-9, 9), rng.randint(1, 4)) * b for b in ls.kernel_basis(X)), sp.zeros(D.d, 1))
    o = ls.min_norm_interpolator(X, y)
    sq = lambda w: (w.T * w)[0, 0]  # noqa: E731
    return sq(o + v) - sq(o) - sq(v)


@claim("loureiro.eq2_6", title="Norm decomposition over the interpolators", source="§2.1, eq. (2.6)",
       kind=Kind.INEQUALITY, depends_on=("loureiro.eq2_4", "loureiro.eq2_5"),
       statement=r"$\|\hat\theta_{ols}+v\|_2^2\ge\|\hat\theta_{ols}\|_2^2+\|v\|_2^2$ for $v\in\mathrm{Ker}(X)$, so "
       r"$\hat\theta_{ols}$ has the smallest norm in $\mathcal I$")
def eq2_6():
    """(2.6): the inequality on exact designs (the gap is reported; it is exactly 0)."""
    return lib.on_designs(lambda inst, dps: lib.mpf_exact(_pythagoras_gap(inst)), UNDER_D,
                          "||ols + v||^2 - ||ols||^2 - ||v||^2 >= 0 (exact)", exact=_pythagoras_gap)


@eq2_6.read_as(r"Pythagoras: $\|\hat\theta_{ols}+v\|^2=\|\hat\theta_{ols}\|^2+\|v\|^2$ since "
               r"$\hat\theta_{ols}\in\mathrm{range}(X^\top)\perp\mathrm{Ker}X$")
def _(printed):
    X, y, _ = _sym(2, 3)
    k = X.row(0).T.cross(X.row(1).T)
    s = sp.Symbol("s", real=True)
    o = ls.min_norm_interpolator(X, y)
    v = s * k
    sq = lambda w: (w.T * w)[0, 0]  # noqa: E731
    return AllOf(Identity(sq(o + v), sq(o) + sq(v), label="equality for every v = s (x1 x x2) in Ker X (2x3)"),
                 lib.on_designs(lambda inst, dps: -abs(lib.mpf_exact(_pythagoras_gap(inst))), UNDER_D,
                                "gap = 0 exactly on designs", exact=lambda inst: -abs(_pythagoras_gap(inst))))


def _min_norm_vs_solvers(inst, dps):
    """theta_ols against (a) the exact KKT solution of min ||theta||^2 s.t. X theta = y and
    (b) cvxpy (float64; tolerance 1e-7 relative)."""
    D = lib.design_of(inst)
    X, y = D.Xs(), D.ys()
    o = ls.min_norm_interpolator(X, y)
    kkt = ls.projection_by_kkt(X, y, sp.zeros(D.d, 1))
    if kkt != o:
        return lib.mp.mpf(-1)
    cv = nls.projection_cvxpy(np.array(D.X, float), np.array(D.y, float), np.zeros(D.d))
    of = np.array([float(v) for v in o])
    return lib.mp.mpf(1e-7 * (1 + np.linalg.norm(of)) - float(np.linalg.norm(cv - of)))


@claim("loureiro.eq2_7", title="Min-norm characterisation", source="§2.1, eq. (2.7)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq2_6",),
       statement=r"$\hat\theta_{ols}$ is the solution of $\min\|\theta\|_2^2$ such that $X\theta=y$")
def eq2_7():
    """(2.7): theta_ols = the minimiser found by an exact KKT solve and by cvxpy."""
    return lib.on_designs(_min_norm_vs_solvers, UNDER_D, "theta_ols = argmin ||theta||^2 s.t. X theta = y "
                          "(exact KKT; cvxpy 1e-7)", samples=10, method="exact KKT + cvxpy")


@claim("loureiro.claim_l1_vs_l2_generalisation_2_1", title="Min-l2 vs min-l1: depends on the target",
       source="§2.1, last paragraph", kind=Kind.QUALITATIVE,
       statement=r"Whether $\hat\theta_{ols}$ generalises better than e.g. the minimum-$\ell_1$ predictor will "
       r"crucially depend on the target function.")
def claim_l1_vs_l2_generalisation_2_1():
    """§2.1 last paragraph: both orders occur (sparse target: min-l1 better; dense: min-l2 better),
    measured as in Remark 4."""
    return lib_generalisation.both_orders()
