"""Loureiro, Section 2.3: mini-batch SGD on least squares -- the span invariant (exactly, with
rational data over seeded batch sequences), convergence and step sizes, orthogonality,
Pythagoras and the implicit bias of GD / SGD / heavy ball."""

from __future__ import annotations

import random
from itertools import combinations

import mpmath as mp
import numpy as np
import sympy as sp

from numeric import least_squares as nls
from symbolic import least_squares as ls
from theorems.claim import Kind
from theorems.spec import AllOf, Choice, ForEach, Identity, Real, claim

from . import lib

F = lib.F


def _sym(n: int, d: int):
    return ls.symbolic_matrix(n, d), ls.symbolic_vector(n, "y"), ls.symbolic_vector(d, "t")


def _batch_risk(X, y, th, b):
    return sum((y[i] - (X[i, :] * th)[0, 0]) ** 2 for i in b) / (2 * len(b))


@claim("loureiro.eq2_17", title="Mini-batch SGD", source="§2.3, eq. (2.17)", kind=Kind.DEFINITION,
       depends_on=("loureiro.eq2_1",),
       statement=r"$\theta_{k+1}=\theta_k-\eta_k\nabla\hat R_{b_k}(\theta_k)$, $\hat R_{b_k}=\frac1{2b}\sum_{i\in b_k}"
       r"(y_i-\langle\theta,x_i\rangle)^2$; GD is the case $b=n$")
def eq2_17():
    """(2.17): with b_k = [n] the batch risk is the risk (2.1), so SGD with b = n is GD (3x2, 2x3)."""
    return ForEach(((2, 3), (3, 2)), lambda s: Identity(_batch_risk(*_sym(*s), range(s[0])), ls.risk(*_sym(*s)),
                                                       label="R_[n] = R"), label="{}")


def _batch_grad_identities(n: int, d: int):
    X, y, th = _sym(n, d)
    parts = []
    for k in range(1, n + 1):
        for b in combinations(range(n), k):
            derived = sp.Matrix([sp.diff(_batch_risk(X, y, th, b), t) for t in th])
            printed = -sum(((y[i] - (X[i, :] * th)[0, 0]) * X[i, :].T for i in b), sp.zeros(d, 1)) / len(b)
            parts.append(Identity(derived, printed, label=f"batch {tuple(i + 1 for i in b)}"))
    return AllOf(*parts)


SGD_DOM = lib.design_domain(lib.UNDER_SMALL, ("generic",), Choice("b", options=(F(1), F(2), F(0))),
                            note="b = batch size (0 means b = n); 12 steps with step sizes eta_k drawn in "
                            "[1/100, 1/2] and batches drawn uniformly without replacement, seeded by the seed")


def _sgd_run_exact(inst, steps: int = 12):
    D = lib.design_of(inst)
    rng = random.Random(f"sgd:{inst['seed']}:{inst['b']}")
    b = int(inst["b"]) or D.n
    b = min(b, D.n)
    batches = [sorted(rng.sample(range(D.n), b)) for _ in range(steps)]
    etas = [sp.Rational(rng.randint(1, 50), 100) for _ in range(steps)]
    return D, ls.sgd_iterates(D.Xs(), D.ys(), D.t0s(), batches, etas), batches


def _grad_in_span(inst, dps):
    D, its, batches = _sgd_run_exact(inst, 4)
    ok = all(ls.in_span_of_rows(D.Xs(), ls.batch_gradient(D.Xs(), D.ys(), th, b)) for th, b in zip(its[:-1], batches, strict=True))
    return lib.flag(ok)


@claim("loureiro.eq2_18", title="Stochastic gradient lies in the data span", source="§2.3, eq. (2.18)",
       kind=Kind.IDENTITY, depends_on=("loureiro.eq2_17",),
       statement=r"$\nabla\hat R_{b_k}(\theta_k)=-\frac1{|b_k|}\sum_{i\in b_k}(y_i-\langle\theta_k,x_i\rangle)x_i\in"
       r"\mathrm{span}(x_1,\dots,x_n)$")
def eq2_18():
    """(2.18): the batch gradient derived by SymPy for every batch (n = 2, 3), and exact span
    membership along exact SGD runs on rational designs."""
    return AllOf(_batch_grad_identities(2, 3), _batch_grad_identities(3, 2),
                 lib.on_designs(_grad_in_span, SGD_DOM, "grad R_b(theta_k) in span(x_i) (exact rank test)",
                                exact=lambda inst: int(_grad_in_span(inst, 30))))


def _iterates_in_affine_span(inst, dps):
    D, its, _ = _sgd_run_exact(inst)
    ok = all(ls.in_span_of_rows(D.Xs(), th - D.t0s()) for th in its) and D.Xs().rank() == D.n
    return lib.flag(ok)


@claim("loureiro.eq2_19", title="SGD iterates stay in theta_0 + span(x_i)", source="§2.3, eq. (2.19)",
       kind=Kind.IDENTITY, depends_on=("loureiro.eq2_18",),
       statement=r"$\theta_k\in\theta_0+\mathrm{span}(x_1,\dots,x_n)$ for every $k$, an affine $n$-dimensional space")
def eq2_19():
    """(2.19): exact rational SGD over seeded batch sequences (b = 1, 2, n; random steps): every
    iterate minus theta_0 is in span(x_i) (exact rank), and the span has dimension n."""
    return lib.on_designs(_iterates_in_affine_span, SGD_DOM, "theta_k - theta0 in span(x_i) for k <= 12 (exact)",
                          exact=lambda inst: int(_iterates_in_affine_span(inst, 30)))


# ------------------------------------------------------------------ footnote 3: step sizes


def _float(D):
    return np.array(D.X, float), np.array(D.y, float), np.array(D.theta0, float)


def _limit_float(D):
    return np.array([float(v) for v in ls.gd_limit(D.Xs(), D.ys(), D.t0s())])


def _run_gd(X, y, t0, eta, steps, tinf):
    n = X.shape[0]
    th = t0.copy()
    errs = [np.linalg.norm(th - tinf)]
    for _ in range(steps):
        th = th + eta * X.T @ (y - X @ th) / n
        errs.append(np.linalg.norm(th - tinf))
        if errs[-1] < 1e-13 * (1 + np.linalg.norm(tinf)) or not np.isfinite(errs[-1]) or errs[-1] > 1e12:
            break
    return th, errs


def _run_sgd(X, y, t0, eta, steps, rng, b=1):
    n = X.shape[0]
    th = t0.copy()
    for _ in range(steps):
        idx = rng.choice(n, b, replace=False)
        th = th + eta * X[idx].T @ (y[idx] - X[idx] @ th) / b
    return th


def _small_step_converges(inst, dps):
    """GD with eta = 1/lambda_max and SGD (b = 1) with eta = 1/max||x_i||^2 (float64): relative
    distance to theta_inf after the run (must be <= 1e-8)."""
    D = lib.design_of(inst)
    X, y, t0 = _float(D)
    tinf = _limit_float(D)
    lmax = np.linalg.eigvalsh(X.T @ X / X.shape[0]).max()
    th, _ = _run_gd(X, y, t0, 1 / lmax, 200000, tinf)
    rng = np.random.default_rng(int(inst["seed"]))
    th2 = _run_sgd(X, y, t0, 1 / np.max(np.sum(X**2, axis=1)), 20000, rng)
    scale = 1 + np.linalg.norm(tinf)
    return mp.mpf(1e-8 - max(np.linalg.norm(th - tinf), np.linalg.norm(th2 - tinf)) / scale)


def _restricted_strong_convexity(inst):
    D = lib.design_of(inst)
    X = D.Xs()
    return 1 if (X * X.T * X * X.T).rank() == D.n else -1


UNDER4 = lib.design_domain(lib.shapes((2, 3), (4, 7), (3, 6)))


@claim("loureiro.fn3", title="(S)GD converges for a small enough constant step", source="footnote 3",
       kind=Kind.QUALITATIVE, depends_on=("loureiro.eq2_19",),
       statement=r"Convergence $\theta_k\to\theta_\infty\in\mathcal I$ can be proven under small enough constant "
       r"learning rate in the $d>n$ regime; the problem is strongly convex restricted to $\theta_0+\mathrm{span}(x_i)$.")
def fn3():
    """Footnote 3: GD (eta = 1/lambda_max) and SGD b = 1 (eta = 1/max||x_i||^2) reach theta_inf; the
    Hessian restricted to span(x_i) is non-singular (exact)."""
    return AllOf(
        lib.on_designs(_small_step_converges, UNDER4, "GD and SGD(b=1) reach theta_inf (rel. 1e-8, float64)",
                       samples=4, float64=True, method="float64 GD/SGD runs"),
        lib.on_designs(lambda inst, dps: mp.mpf(_restricted_strong_convexity(inst)), UNDER4,
                       "restricted Hessian X X^T X X^T / n^2 invertible (exact rank)", exact=_restricted_strong_convexity),
    )


STEP_DOM = lib.design_domain(lib.shapes((2, 3), (4, 7), (3, 6)), ("generic",), Real("c", 0, 2, lo_open=True, hi_open=True),
                             note="eta = c / lambda_max(Sigma)")
DIVERGE_DOM = lib.design_domain(lib.shapes((2, 3), (4, 7), (3, 6)), ("generic",), Real("c", 2, 3, lo_open=True),
                                note="eta = c / lambda_max(Sigma)")


def _closed_form_exact(inst):
    D = lib.design_of(inst)
    eta = sp.Rational(1, 4) / max(1, int(sum(x * x for r in D.X for x in r)))
    its = ls.gd_iterates(D.Xs(), D.ys(), D.t0s(), eta, 5)
    return 1 if its[5] == ls.gd_closed_form(D.Xs(), D.ys(), D.t0s(), eta, 5) else -1


def _contraction(inst, dps, converge: bool):
    """Measured per-step factor (||e_K|| / ||e_K/2||)^(2/K) of GD (mpmath) against the predicted
    max_{j<=n} |1 - eta lambda_j|; for c < 2: predicted < 1 and measured <= predicted; for c > 2:
    measured > 1 (divergence)."""
    D = lib.design_of(inst)
    X, y, t0 = D.Xm(), D.ym(), D.t0m()
    ev, _ = nls.eigs_covariance(X)
    lmax = max(ev)
    eta = lib.mpf_exact(inst["c"]) / lmax
    pos = [e for e in ev if e > lmax * lib.tol(dps)]
    pred = max(abs(1 - eta * e) for e in pos)
    tinf = nls.gd_limit(X, y, t0)
    K = 200
    its = nls.gd_iterates(X, y, t0, eta, K, record=(K // 2, K))
    e1, e2 = nls.norm(its[0] - tinf), nls.norm(its[1] - tinf)
    measured = (e2 / e1) ** (mp.mpf(2) / K) if e1 > 0 else mp.mpf(0)
    if converge:
        return min(1 - pred, pred - measured + mp.mpf(10) ** (-dps // 3))
    return measured - 1


@fn3.read_as(r"GD: $\theta_k-\theta_\infty=(I-\eta\hat\Sigma_n)^k(\theta_0-\theta_\infty)$, convergence for generic "
             r"$\theta_0$ iff $0<\eta<2/\lambda_{\max}$, rate $\max_{j\le n}|1-\eta\sigma_j^2/n|$; SGD $b=1$: "
             r"$0<\eta<2/\max_i\|x_i\|^2$ suffices")
def _(printed):
    def sgd_rates(inst):
        D = lib.design_of(inst)
        X, y, t0 = _float(D)
        tinf = _limit_float(D)
        eta = float(inst["c"]) / np.max(np.sum(X**2, axis=1))
        rates = []
        for s in range(3):
            rng = np.random.default_rng(1000 * int(inst["seed"]) + s)
            th = t0.copy()
            e0 = np.linalg.norm(th - tinf)
            K = 3000
            for _ in range(K):
                i = rng.integers(X.shape[0])
                th = th + eta * X[i] * (y[i] - X[i] @ th)
            rates.append((np.linalg.norm(th - tinf) / e0) ** (1 / K))
        return rates

    def sgd_contracts(inst, dps):
        return mp.mpf(1 - max(sgd_rates(inst)))

    def sgd_spread(inst, dps):
        r = sgd_rates(inst)
        return {"batch sequences": str(len(r)), "per-step contraction (min / max over sequences)":
                f"{min(r):.6g} / {max(r):.6g}"}

    sgd_dom = lib.design_domain(lib.shapes((2, 3), (4, 7)), ("generic",), Real("c", F(1, 10), F(19, 10)),
                                note="eta = c / max_i ||x_i||^2; 3 seeded batch sequences of 3000 steps per instance")
    return AllOf(
        lib.on_designs(lambda inst, dps: mp.mpf(_closed_form_exact(inst)), UNDER4,
                       "GD closed form = iteration (exact, k = 5)", exact=_closed_form_exact),
        lib.on_designs(lambda inst, dps: _contraction(inst, dps, True), STEP_DOM,
                       "0 < eta < 2/lambda_max: predicted rate < 1 and measured <= predicted", samples=10),
        lib.on_designs(lambda inst, dps: _contraction(inst, dps, False), DIVERGE_DOM,
                       "eta > 2/lambda_max: GD diverges for generic theta0", samples=6).replace(strict=True),
        lib.on_designs(sgd_contracts, sgd_dom, "SGD b=1, eta < 2/max||x_i||^2: per-step contraction < 1 (3 sequences)",
                       samples=4, float64=True, method="float64 SGD runs", more=(sgd_spread,)).replace(strict=True),
    )


# ------------------------------------------------------------------ (2.20) - (2.23)


def _random_interpolator(D, salt: int = 0):
    X, y = D.Xs(), D.ys()
    sol, params = X.gauss_jordan_solve(y)
    rng = random.Random(f"interp:{D.theta0}:{salt}")
    return sol.xreplace({p: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for p in params})


def _two_descriptions(inst, orthogonality: bool):
    D = lib.design_of(inst)
    X = D.Xs()
    star = _random_interpolator(D)
    ols = ls.min_norm_interpolator(X, D.ys())
    ker = ls.kernel_basis(X)
    perp = sp.Matrix.hstack(*[X.row(i).T for i in range(D.n)]).T.nullspace()  # span(x_i)^perp
    same_space = sp.Matrix.hstack(*ker).rank() == sp.Matrix.hstack(*ker, *perp).rank() == len(perp) == len(ker)
    ok = same_space and X * (star - ols) == sp.zeros(D.n, 1)
    if orthogonality:
        ok = ok and all((X.row(i) * k)[0, 0] == 0 for i in range(D.n) for k in ker)
    return 1 if ok else -1


@claim("loureiro.eq2_20", title="Two descriptions of the interpolators", source="§2.3, eq. (2.20), footnote 4",
       kind=Kind.IDENTITY, depends_on=("loureiro.eq2_5",),
       statement=r"$\mathcal I=\hat\theta_{ols}+\ker(X)=\hat\theta_\star+\mathrm{span}(x_1,\dots,x_n)^\perp$ for any "
       r"$\hat\theta_\star\in\mathcal I$ (the kernel is orthogonal to the image)")
def eq2_20():
    """(2.20): exact: Ker X and span(x_i)^perp coincide, and theta_star - theta_ols in Ker X for a random interpolator."""
    return lib.on_designs(lambda inst, dps: mp.mpf(_two_descriptions(inst, False)), lib.design_domain(lib.UNDER_SMALL),
                          "theta_ols + Ker X = theta_star + span(x)^perp (exact)",
                          exact=lambda inst: _two_descriptions(inst, False))


@eq2_20.read_as(r"$\ker X=\mathrm{range}(X^\top)^\perp=\mathrm{span}(x_i)^\perp$; $\hat\theta_\star$ any interpolator")
def _(printed):
    return lib.on_designs(lambda inst, dps: mp.mpf(_two_descriptions(inst, True)), lib.design_domain(lib.UNDER_SMALL),
                          "the same, and <x_i, k> = 0 for every kernel basis vector k (exact)",
                          exact=lambda inst: _two_descriptions(inst, True))


def _limit_in_affine_span(D):
    """theta_inf as the unique interpolator in theta0 + span(x_i), solved exactly (no formula)."""
    X, y, t0 = D.Xs(), D.ys(), D.t0s()
    a = (X * X.T).LUsolve(y - X * t0)
    return t0 + X.T * a


def _orthogonality(inst):
    D = lib.design_of(inst)
    tinf = _limit_in_affine_span(D)
    ols = ls.min_norm_interpolator(D.Xs(), D.ys())
    return -abs(((tinf - D.t0s()).T * (tinf - ols))[0, 0])


@claim("loureiro.eq2_21", title="Orthogonality of the two displacements", source="§2.3, eq. (2.21)",
       kind=Kind.IDENTITY, depends_on=("loureiro.eq2_19", "loureiro.eq2_20"),
       statement=r"$\theta_\infty-\theta_0\perp\theta_\infty-\theta_{ols}$")
def eq2_21():
    """(2.21): theta_inf (the interpolator in theta_0 + span(x_i), solved exactly) gives an exactly zero
    inner product; and a float64 SGD(b=1) limit gives it to 1e-8."""
    def sgd_inner(inst, dps):
        D = lib.design_of(inst)
        X, y, t0 = _float(D)
        rng = np.random.default_rng(int(inst["seed"]))
        th = _run_sgd(X, y, t0, 1 / np.max(np.sum(X**2, axis=1)), 20000, rng)
        ols = np.array([float(v) for v in ls.min_norm_interpolator(D.Xs(), D.ys())])
        return mp.mpf(1e-8 * (1 + np.linalg.norm(th) ** 2) - abs((th - t0) @ (th - ols)))

    return AllOf(
        lib.on_designs(lambda inst, dps: lib.mpf_exact(_orthogonality(inst)), lib.design_domain(lib.UNDER),
                       "<theta_inf - theta0, theta_inf - theta_ols> = 0 (exact)", exact=_orthogonality),
        lib.on_designs(sgd_inner, UNDER4, "same at the SGD(b=1) limit (float64, 1e-8)", samples=4, float64=True,
                       method="float64 SGD runs"),
    )


def _pythagoras(inst, arbitrary: bool):
    D = lib.design_of(inst)
    tinf = _limit_in_affine_span(D)
    ref = _random_interpolator(D, 3) if arbitrary else ls.min_norm_interpolator(D.Xs(), D.ys())
    sq = lambda w: (w.T * w)[0, 0]  # noqa: E731
    gap = sq(ref - D.t0s()) - sq(ref - tinf) - sq(tinf - D.t0s())
    return -abs(gap)


@claim("loureiro.eq2_22", title="Pythagoras for the SGD limit", source="§2.3, eq. (2.22)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq2_21",),
       statement=r"$\|\hat\theta_{ols}-\theta_0\|^2=\|\hat\theta_{ols}-\theta_\infty\|^2+\|\hat\theta_\infty-\theta_0\|^2"
       r"\ge\|\hat\theta_\infty-\theta_0\|^2$")
def eq2_22():
    """(2.22) with theta_hat_inf = theta_inf: exact on designs (the inequality follows from the equality)."""
    return lib.on_designs(lambda inst, dps: lib.mpf_exact(_pythagoras(inst, False)), lib.design_domain(lib.UNDER),
                          "Pythagoras at theta_ols (exact)", exact=lambda inst: _pythagoras(inst, False))


@eq2_22.read_as(r"the identity holds with an arbitrary $\hat\theta\in\mathcal I$ in place of $\hat\theta_{ols}$, giving "
                r"$\|\hat\theta-\theta_0\|\ge\|\theta_\infty-\theta_0\|$")
def _(printed):
    return lib.on_designs(lambda inst, dps: lib.mpf_exact(_pythagoras(inst, True)), lib.design_domain(lib.UNDER),
                          "Pythagoras at a random interpolator theta_hat (exact)", exact=lambda inst: _pythagoras(inst, True))


def _all_limits(inst, dps):
    """GD (eta = 1/lambda_max), SGD b = 1 (eta = 0.5/max||x_i||^2), SGD b = 5, heavy ball (beta = 0.9,
    eta = 0.5/lambda_max), float64: largest distance to P_ker theta0 + X^+ y (relative, <= 1e-8)."""
    D = lib.design_of(inst)
    X, y, t0 = _float(D)
    n = X.shape[0]
    tinf = _limit_float(D)
    lmax = np.linalg.eigvalsh(X.T @ X / n).max()
    gd, _ = _run_gd(X, y, t0, 1 / lmax, 200000, tinf)
    rng = np.random.default_rng(int(inst["seed"]))
    s1 = _run_sgd(X, y, t0, 0.5 / np.max(np.sum(X**2, axis=1)), 40000, rng, 1)
    s5 = _run_sgd(X, y, t0, 0.5 / lmax, 40000, rng, min(5, n))
    prev, cur = t0.copy(), t0.copy()
    for _ in range(40000):
        nxt = cur + 0.5 / lmax * X.T @ (y - X @ cur) / n + 0.9 * (cur - prev)
        prev, cur = cur, nxt
    worst = max(np.linalg.norm(v - tinf) for v in (gd, s1, s5, cur)) / (1 + np.linalg.norm(tinf))
    return mp.mpf(1e-8 - worst)


def _heavy_ball_span(inst):
    D = lib.design_of(inst)
    its = ls.heavy_ball_iterates(D.Xs(), D.ys(), D.t0s(), sp.Rational(1, 20), sp.Rational(9, 10), 8)
    return 1 if all(ls.in_span_of_rows(D.Xs(), th - D.t0s()) for th in its) else -1


@claim("loureiro.eq2_23", title="Implicit bias of GD / SGD = that of GF", source="§2.3, eq. (2.23)",
       kind=Kind.IDENTITY, depends_on=("loureiro.fn3", "loureiro.eq2_22"),
       statement=r"$\theta_\infty=\arg\min_{\theta\in\mathcal I}\|\theta_0-\theta\|_2^2$ for SGD/GD; the same holds for "
       r"SGD with momentum")
def eq2_23():
    """(2.23): limits of GD, SGD (b = 1, 5) and heavy ball (float64) equal the projection; heavy-ball
    iterates stay in theta_0 + span(x_i) exactly (zero initial velocity)."""
    return AllOf(
        lib.on_designs(_all_limits, lib.design_domain(lib.shapes((4, 7), (3, 6), (20, 50))),
                       "GD, SGD(b=1,5), heavy ball limits = P_ker theta0 + X^+ y (rel. 1e-8)", samples=3,
                       float64=True, method="float64 runs"),
        lib.on_designs(lambda inst, dps: mp.mpf(_heavy_ball_span(inst)), lib.design_domain(lib.UNDER_SMALL),
                       "heavy-ball iterates in theta0 + span(x_i) (exact)", exact=_heavy_ball_span),
    )
