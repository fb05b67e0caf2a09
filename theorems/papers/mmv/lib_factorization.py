"""Section II library: matrix-factorisation windows (Theorem 4), the spectral linearisation of
(34)-(35), and logistic-regression direction sweeps (Soudry et al.)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache

import mpmath as mp
import numpy as np

from numeric.dynamics import rk4_step
from numeric.logistic_margin import max_margin
from symbolic.matrix_factorization import numeric_closed_form

# ------------------------------------------------------------------ Theorem 4


def window_error(sig: Sequence, eps, alpha, k: int, t) -> mp.mpf:
    """|W(t) - Y_k| (spectral norm) under Sigma_0 = I from the closed form (28): W and Y_k are
    diagonal in the same basis; one extra zero eigenvalue of Y is included (d = K + 1)."""
    errs = []
    for i, s in enumerate(sig):
        v = numeric_closed_form(s, mp.mpf(1), alpha, t)
        errs.append(abs(v - s) if i < k else abs(v))
    errs.append(abs(numeric_closed_form(mp.mpf(0), mp.mpf(1), alpha, t)))
    return max(errs)


def windows(sig: Sequence, eps, alpha, right: str) -> list[tuple[int, mp.mpf, mp.mpf | None]]:
    """[(k, t_left, t_right)] for k = 1..K: t_left = log(C/alpha)/(2 sigma_k) and t_right =
    log(C/alpha)/(2 sigma_{k+1}) (``right="C"``, as printed) or log(c/alpha)/(2 sigma_{k+1})
    (``right="c"``, the reading); None for k = K (sigma_{K+1} = 0, 1/0 = infinity).
    ``right="c-left"`` (a deliberately wrong window for engine tests) also starts at
    log(c/alpha)/(2 sigma_k)."""
    K = len(sig)
    c, C = eps, sig[0] ** 2 / eps
    out = []
    for k in range(1, K + 1):
        lvl_left = c if right == "c-left" else C
        t1 = mp.log(lvl_left / alpha) / (2 * sig[k - 1])
        lvl = C if right == "C" else c
        t2 = None if k == K else mp.log(lvl / alpha) / (2 * sig[k])
        out.append((k, t1, t2))
    return out


def window_slack(sig: Sequence, eps, alpha, right: str, grid: int = 40) -> mp.mpf:
    """min over k and over a grid of each window (endpoints included; every eigenvalue path is
    monotone in t, so the error is largest at an endpoint) of (eps - |W(t) - Y_k|)/eps; an
    empty window gives its (negative) length."""
    worst = mp.inf
    for k, t1, t2 in windows(sig, eps, alpha, right):
        if t2 is not None and t2 < t1:
            return (t2 - t1) / t1
        hi = t2 if t2 is not None else t1 * 8
        for j in range(grid + 1):
            t = t1 + (hi - t1) * j / grid
            worst = min(worst, (eps - window_error(sig, eps, alpha, k, t)) / eps)
        if t2 is None:  # the unbounded window: the limit t -> infinity, W -> Y_K
            worst = min(worst, (eps - window_error(sig, eps, alpha, k, t1 * 10**6)) / eps)
    return worst


def thm4_hypothesis(sig: Sequence, eps, alpha) -> bool:
    c, C = eps, sig[0] ** 2 / eps
    lhs = (-mp.log(alpha) + mp.log(c)) / (-mp.log(alpha) + mp.log(C))
    return alpha <= eps and eps <= sig[-1] and lhs > max(sig[i + 1] / sig[i] for i in range(len(sig) - 1))


# ------------------------------------------------------------------ (34)-(35)

SIG35 = (3, 2, 1, 0)
# a fixed rational orthogonal basis (Cayley transform of a skew matrix) and a fixed U_0
_PHI = None


def phi() -> mp.matrix:
    S = mp.matrix([[0, 1, -2, 1], [-1, 0, 1, 3], [2, -1, 0, -1], [-1, -3, 1, 0]]) / 4
    Id = mp.eye(4)
    return (Id - S) * mp.inverse(Id + S)


def u0() -> mp.matrix:
    return mp.matrix([[1, -1, 2, 0], [0, 1, 1, -1], [1, 0, -1, 2], [-1, 2, 0, 1]]) / 2


def linearisation_error(c: Fraction, dps: int) -> mp.mpf:
    """|U_true(t) - U_lin(t)|_F at t = log(c/alpha)/sigma_1 with alpha = c^3, where U_true solves
    dU/dt = (Y - U U^T) U from alpha U_0 (RK4 in the eigenbasis of Y, step-halving checked)
    and U_lin = Phi alpha e^{Sigma t} Phi^T U_0.  The deviation is integrated directly
    (V = e^{-Sigma t} Phi^T U), so the RK4 error is relative to the small deviation."""
    return _lin_err(c, dps)


@lru_cache(maxsize=32)
def _lin_err(c: Fraction, dps: int) -> mp.mpf:
    with mp.workdps(dps):
        cm = mp.mpf(c.numerator) / c.denominator
        alpha = cm**3
        P = phi()
        Ut0 = P.T * u0() * alpha  # rotated: Y -> Sigma
        T = mp.log(cm / alpha) / SIG35[0]

        def field(t, v):  # V = e^{-Sigma t} U:  dV/dt = -e^{-Sigma t} U U^T U
            U = mp.matrix(4, 4)
            for i in range(16):
                U[i // 4, i % 4] = mp.exp(SIG35[i // 4] * t) * v[i]
            D = U * U.T * U
            return [-mp.exp(-SIG35[i // 4] * t) * D[i // 4, i % 4] for i in range(16)]

        def run(n):
            y = [Ut0[i // 4, i % 4] for i in range(16)]
            h = T / n
            for j in range(n):
                y = rk4_step(field, j * h, y, h)
            return y

        n = int(mp.ceil(T * 10))
        y1, y2 = run(n), run(2 * n)
        v0 = [Ut0[i // 4, i % 4] for i in range(16)]
        # U_true - U_lin = e^{Sigma T} (V(T) - V(0)) in the eigenbasis (Phi is orthogonal)
        err = mp.sqrt(mp.fsum((mp.exp(SIG35[i // 4] * T) * (y2[i] - v0[i])) ** 2 for i in range(16)))
        integ = mp.sqrt(mp.fsum((mp.exp(SIG35[i // 4] * T) * (y1[i] - y2[i])) ** 2 for i in range(16)))
        if integ > err / 100:
            raise ArithmeticError(f"RK4 not converged at c = {c}: step-halving change {mp.nstr(integ, 3)}")
        return err


# ------------------------------------------------------------------ Soudry et al.

DATA = np.array([[2, 1], [1, 3], [3, 0.5], [-1, -2], [-2, -0.5], [-1.5, -1.5]]) / 5
LABELS = np.array([1.0, 1, 1, -1, -1, -1])
DATA_Q = [(Fraction(2, 5), Fraction(1, 5)), (Fraction(1, 5), Fraction(3, 5)), (Fraction(3, 5), Fraction(1, 10)),
          (Fraction(-1, 5), Fraction(-2, 5)), (Fraction(-2, 5), Fraction(-1, 10)), (Fraction(-3, 10), Fraction(-3, 10))]


def svm_direction() -> np.ndarray:
    return max_margin(DATA, LABELS)


@lru_cache(maxsize=8)
def gf_log_time_angles(taus: tuple[int, ...], target: tuple[float, ...], dps: int) -> dict[int, mp.mpf]:
    """GF of the sum of logistic losses in log-time tau = log t (d theta/d tau = e^tau sum_i z_i
    sigma(-z_i.theta), theta(t = 1) = 0), RK4 with step 1/10 at ``dps`` digits; the angle to
    ``target`` at each tau."""
    with mp.workdps(dps):
        Z = [(mp.mpf(a.numerator) / a.denominator * yl, mp.mpf(b.numerator) / b.denominator * yl)
             for (a, b), yl in zip(DATA_Q, (1, 1, 1, -1, -1, -1), strict=True)]
        w = [mp.mpf(x) for x in target]

        def field(tau, th):
            e = mp.exp(tau)
            out = [mp.mpf(0), mp.mpf(0)]
            for z in Z:
                m = z[0] * th[0] + z[1] * th[1]
                s = e / (1 + mp.exp(m))
                out[0] += s * z[0]
                out[1] += s * z[1]
            return out

        th = [mp.mpf(0), mp.mpf(0)]
        h = mp.mpf(1) / 10
        res = {}
        k = 0
        for tau in sorted(taus):
            while k < tau * 10:
                th = rk4_step(field, k * h, th, h)
                k += 1
            cth = (th[0] * w[0] + th[1] * w[1]) / mp.sqrt((th[0] ** 2 + th[1] ** 2) * (w[0] ** 2 + w[1] ** 2))
            res[tau] = mp.acos(min(cth, mp.mpf(1)))
        return res



