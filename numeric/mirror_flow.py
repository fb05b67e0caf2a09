"""Bregman projections and min-l1 / min-l2 interpolators, by solvers independent of any flow.

Never imports ``theorems``.

* :class:`SeparablePotential` - psi(theta) = sum_j p_j(theta_j) given by mpmath callables for
  p, p', p'' and the inverse of p'; :func:`hyperbolic_entropy` builds the diagonal-network
  potential phi_I (p_j(t) = (t asinh(t/I_j) - sqrt(t^2 + I_j^2) + I_j)/2, I_j > 0), whose
  derivative p'(t) = asinh(t/I)/2 is checked against the SymPy derivative in the tests.
* :func:`bregman` (textbook: gradient at the second argument) and
  :func:`bregman_gradient_at_first` (swapped convention).
* :func:`bregman_projection_scipy` - argmin { D_psi(theta, theta0) : X theta = y } by scipy's
  SLSQP on the primal problem (float64): the independent convex solver.
* :func:`bregman_projection` - the same argmin at high precision: damped Newton on the smooth
  concave dual (theta(mu) = (p')^{-1}(p'(theta0) + X^T mu)), started from the SLSQP point's
  multipliers when available; returns theta and the KKT residuals.
* :func:`min_l1_interpolator` - argmin { ||theta||_1 : X theta = y } by scipy ``linprog``
  (HiGHS), then an exact rational certificate: the primal vertex solved exactly on its
  support and an exact dual point lambda with ||X^T lambda||_inf <= 1 and y.lambda =
  ||theta||_1 (strong duality => optimal); ``unique`` when |x_j.lambda| < 1 off the support
  and X_S has full column rank.
* :func:`min_l2_interpolator` - X^T (X X^T)^{-1} y exactly (SymPy).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath as mp
import numpy as np
import sympy as sp

Fn = Callable[[mp.mpf, int], mp.mpf]  # (value, coordinate index) -> value


@dataclass
class SeparablePotential:
    """psi(theta) = sum_j p(theta_j, j) with derivative ``dp``, second derivative ``d2p`` and
    the inverse of ``dp`` (``dp_inv``)."""

    p: Fn
    dp: Fn
    d2p: Fn
    dp_inv: Fn
    name: str = "psi"

    def value(self, theta: Sequence) -> mp.mpf:
        return mp.fsum(self.p(t, j) for j, t in enumerate(theta))

    def grad(self, theta: Sequence) -> list[mp.mpf]:
        return [self.dp(t, j) for j, t in enumerate(theta)]

    def hess_diag(self, theta: Sequence) -> list[mp.mpf]:
        return [self.d2p(t, j) for j, t in enumerate(theta)]


def hyperbolic_entropy(I: Sequence) -> SeparablePotential:
    """phi_I with all I_j > 0 (mpmath; the values of I are converted with mp.mpf)."""
    Is = [mp.mpf(i) if not isinstance(i, Fraction) else mp.mpf(i.numerator) / i.denominator for i in I]
    if any(i <= 0 for i in Is):
        raise ValueError("hyperbolic_entropy: every I_j must be > 0")
    return SeparablePotential(
        p=lambda t, j: (t * mp.asinh(t / Is[j]) - mp.sqrt(t * t + Is[j] ** 2) + Is[j]) / 2,
        dp=lambda t, j: mp.asinh(t / Is[j]) / 2,
        d2p=lambda t, j: 1 / (2 * mp.sqrt(t * t + Is[j] ** 2)),
        dp_inv=lambda z, j: Is[j] * mp.sinh(2 * z),
        name="phi_I",
    )


def squared_norm() -> SeparablePotential:
    """psi = ||theta||^2 / 2."""
    return SeparablePotential(p=lambda t, j: t * t / 2, dp=lambda t, j: t, d2p=lambda t, j: mp.mpf(1),
                              dp_inv=lambda z, j: z, name="l2^2/2")


def bregman(psi: SeparablePotential, a: Sequence, b: Sequence) -> mp.mpf:
    """psi(a) - psi(b) - <grad psi(b), a - b>."""
    g = psi.grad(b)
    return psi.value(a) - psi.value(b) - mp.fsum(gj * (x - z) for gj, x, z in zip(g, a, b, strict=True))


def bregman_gradient_at_first(psi: SeparablePotential, a: Sequence, b: Sequence) -> mp.mpf:
    """psi(a) - psi(b) - <grad psi(a), a - b>."""
    g = psi.grad(a)
    return psi.value(a) - psi.value(b) - mp.fsum(gj * (x - z) for gj, x, z in zip(g, a, b, strict=True))


def bregman_projection_scipy(psi: SeparablePotential, X: np.ndarray, y: np.ndarray,
                             theta0: np.ndarray) -> np.ndarray:
    """argmin D_psi(theta, theta0) s.t. X theta = y by SLSQP (float64), started at the
    least-norm correction of theta0."""
    from scipy.optimize import minimize

    with mp.workdps(20):
        g0 = np.array([float(x) for x in psi.grad([mp.mpf(float(t)) for t in theta0])])

        def f(th):
            return float(psi.value([mp.mpf(float(t)) for t in th])) - float(g0 @ th)

        def df(th):
            return np.array([float(x) for x in psi.grad([mp.mpf(float(t)) for t in th])]) - g0

    start = theta0 + np.linalg.pinv(X) @ (y - X @ theta0)
    res = minimize(f, start, jac=df, method="SLSQP",
                   constraints=[{"type": "eq", "fun": lambda th: X @ th - y, "jac": lambda th: X}],
                   options={"ftol": 1e-15, "maxiter": 2000})
    return np.asarray(res.x, float)


@dataclass
class Projection:
    theta: list[mp.mpf]
    mu: list[mp.mpf]
    constraint_residual: mp.mpf  # ||X theta - y||
    iterations: int


def bregman_projection(psi: SeparablePotential, X: mp.matrix, y: mp.matrix, theta0: Sequence,
                       mu0: Sequence | None = None, max_iter: int = 400) -> Projection:
    """argmin D_psi(theta, theta0) over X theta = y at the working precision, by damped
    Newton on the dual  max_mu  <mu, y> - sum_j psi_j^*(p'(theta0_j) + (X^T mu)_j)
    (equivalently: solve X theta(mu) = y with theta(mu) = (p')^{-1}(p'(theta0) + X^T mu))."""
    n, d = X.rows, X.cols
    g0 = psi.grad(theta0)
    mu = mp.matrix([mp.mpf(m) for m in mu0]) if mu0 is not None else mp.zeros(n, 1)

    def theta_of(m):
        z = X.T * m
        return [psi.dp_inv(g0[j] + z[j], j) for j in range(d)]

    def dual_obj(m):  # convex function to minimise: sum psi*(z) - <mu, y>
        z = X.T * m
        th = theta_of(m)
        return mp.fsum((g0[j] + z[j]) * th[j] - psi.p(th[j], j) for j in range(d)) - mp.fsum(
            m[i] * y[i] for i in range(n))

    tol = mp.mpf(10) ** (-(mp.mp.dps * 17) // 20)
    scale = 1 + max(abs(y[i]) for i in range(n))
    it = 0
    prev = None
    radius = mp.mpf(1)
    while it < max_iter:
        it += 1
        th = theta_of(mu)
        r = X * mp.matrix(th) - y
        res = max(abs(r[i]) for i in range(n))
        if res < tol * scale or (prev is not None and res >= prev and res < mp.mpf(10) ** (-mp.mp.dps // 2) * scale):
            break  # converged, or stalled at the precision floor
        prev = res
        w = [1 / psi.d2p(th[j], j) for j in range(d)]
        H = mp.zeros(n, n)
        for a in range(n):
            for b in range(a, n):
                H[a, b] = H[b, a] = mp.fsum(X[a, j] * w[j] * X[b, j] for j in range(d))
        hs = max(abs(H[i, j]) for i in range(n) for j in range(n))
        Hn = H / hs
        damp = mp.mpf(0)
        while True:  # Levenberg damping only when the dual Hessian is numerically singular
            try:
                step = mp.lu_solve(Hn + damp * mp.eye(n), -r / hs)
                break
            except ZeroDivisionError:
                damp = mp.mpf(10) ** (-mp.mp.dps // 2) if damp == 0 else damp * 100
        # Trust region in the dual: the step moves z = X^T mu by at most ``radius`` per
        # iteration (psi* may grow exponentially, as for the hyperbolic entropy, where a full
        # Newton step from far away overshoots by many orders of magnitude); the radius doubles
        # after an accepted full step and shrinks on a rejection.
        dz = X.T * step
        reach = max(abs(dz[j]) for j in range(d))
        s = min(mp.mpf(1), radius / reach) if reach > 0 else mp.mpf(1)
        floor = s * mp.mpf(10) ** (-12)
        while s > floor:  # backtracking on the residual (robust at the precision floor)
            rc = X * mp.matrix(theta_of(mu + s * step)) - y
            if max(abs(rc[i]) for i in range(n)) <= (1 - s / 4) * res:
                break
            s /= 2
        else:
            break  # no decrease along the Newton direction: stop (the caller sees the residual)
        radius = 2 * radius if s * reach >= radius / 2 else max(s * reach, radius / 4)
        mu = mu + s * step
    th = theta_of(mu)
    r = X * mp.matrix(th) - y
    return Projection(th, [mu[i] for i in range(n)], mp.sqrt(mp.fsum(r[i] ** 2 for i in range(n))), it)


def hyperbolic_path(X: mp.matrix, y: mp.matrix, alphas: Sequence, theta0: Sequence | None = None) -> dict:
    """Bregman projections for phi_{alpha^2 1} at every alpha (any order), computed along a
    path alpha = 1 -> each target in steps of a factor <= 10 with warm starts (Newton from
    mu = 0 fails for tiny alpha).  Returns {alpha: Projection}."""
    d = X.cols
    th0 = [mp.mpf(0)] * d if theta0 is None else list(theta0)
    out = {}
    for direction in (-1, 1):
        targets = sorted((mp.mpf(a) for a in alphas if (mp.mpf(a) < 1 if direction < 0 else mp.mpf(a) >= 1)),
                         reverse=direction < 0)
        a, mu = mp.mpf(1), None
        for tgt in targets:
            while True:
                nxt = max(tgt, a / 10) if direction < 0 else min(tgt, a * 10)
                pr = bregman_projection(hyperbolic_entropy([nxt**2] * d), X, y, th0, mu0=mu)
                mu, a = pr.mu, nxt
                if nxt == tgt:
                    out[tgt] = pr
                    break
    return out


@dataclass
class L1Solution:
    theta: tuple[Fraction, ...]  # exact minimiser (a vertex)
    dual: tuple[Fraction, ...]  # exact dual certificate lambda
    support: tuple[int, ...]
    l1: Fraction
    unique: bool
    certified: bool  # exact primal/dual feasibility and equal objectives


def _q(x: Fraction) -> sp.Rational:
    return sp.Rational(x.numerator, x.denominator)


def min_l1_interpolator(X: Sequence[Sequence[Fraction]], y: Sequence[Fraction]) -> L1Solution:
    """argmin ||theta||_1 s.t. X theta = y (exact rational X, y), certified exactly."""
    from scipy.optimize import linprog

    Xq = sp.Matrix([[_q(x) for x in row] for row in X])
    yq = sp.Matrix([_q(v) for v in y])
    n, d = Xq.shape
    Xf = np.array([[float(x) for x in row] for row in X])
    yf = np.array([float(v) for v in y])
    res = linprog(np.ones(2 * d), A_eq=np.hstack([Xf, -Xf]), b_eq=yf, bounds=[(0, None)] * (2 * d),
                  method="highs")
    if res.status != 0:
        raise ValueError(f"linprog failed: {res.message}")
    th = res.x[:d] - res.x[d:]
    scale = max(1.0, float(np.max(np.abs(th))))
    support = tuple(int(j) for j in np.flatnonzero(np.abs(th) > 1e-9 * scale))
    XS = Xq.extract(list(range(n)), list(support))
    # exact primal on the support
    G = XS.T * XS
    thS = G.LUsolve(XS.T * yq) if support else sp.zeros(0, 1)
    theta = [sp.Integer(0)] * d
    for k, j in enumerate(support):
        theta[j] = thS[k]
    primal_ok = Xq * sp.Matrix(theta) == yq
    # exact dual: sign constraints on the support, plus active constraints from the float dual
    marg = np.asarray(res.eqlin.marginals, float)  # dual of the equality constraints
    lam_f = marg  # HiGHS: marginals of A_eq x = b are the dual lambda (A^T lambda <= c)
    corr = Xf.T @ lam_f
    active = [j for j in np.argsort(-np.abs(corr)) if abs(abs(corr[j]) - 1) < 1e-7]
    rows, rhs = [], []
    for j in list(support) + [j for j in active if j not in support]:
        s = sp.sign(theta[j]) if j in support else sp.Integer(int(np.sign(corr[j])))
        cand = rows + [list(Xq[:, j].T)]
        if sp.Matrix(cand).rank() == len(cand):
            rows, rhs = cand, rhs + [s]
        if len(rows) == n:
            break
    dual_ok, lam = False, sp.zeros(n, 1)
    if len(rows) == n:
        lam = sp.Matrix(rows).LUsolve(sp.Matrix(rhs))
        c = Xq.T * lam
        l1 = sum(abs(t) for t in theta)
        dual_ok = all(abs(c[j]) <= 1 for j in range(d)) and (yq.T * lam)[0, 0] == l1 and all(
            c[j] == sp.sign(theta[j]) for j in support)
    c = Xq.T * lam
    unique = bool(dual_ok and XS.rank() == len(support)
                  and all(abs(c[j]) < 1 for j in range(d) if j not in support))
    to_f = lambda e: Fraction(int(sp.fraction(e)[0]), int(sp.fraction(e)[1]))  # noqa: E731
    return L1Solution(tuple(to_f(sp.nsimplify(t)) for t in theta), tuple(to_f(v) for v in lam), support,
                      to_f(sum(abs(t) for t in theta)), unique, bool(primal_ok and dual_ok))


def min_l2_interpolator(X: Sequence[Sequence[Fraction]], y: Sequence[Fraction]) -> tuple[Fraction, ...]:
    """X^T (X X^T)^{-1} y exactly (X of full row rank)."""
    Xq = sp.Matrix([[_q(x) for x in row] for row in X])
    yq = sp.Matrix([_q(v) for v in y])
    th = Xq.T * (Xq * Xq.T).LUsolve(yq)
    return tuple(Fraction(int(sp.fraction(t)[0]), int(sp.fraction(t)[1])) for t in th)
