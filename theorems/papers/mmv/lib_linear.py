"""Section I library: the linear model f_X(theta) = J theta (outputs Z = J theta), its NTK
J J^T, and exact instances drawn from domains (J given row-major by a vector of entries)."""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp

from .lib_common import mpmatrix, sym_eigs


def ntk_of(J_entries: tuple[Fraction, ...], n: int, m: int) -> tuple[mp.matrix, mp.matrix]:
    J = mpmatrix(J_entries[: n * m], n, m)
    return J, J * J.T


def eig_range(H: mp.matrix) -> tuple:
    ev = sym_eigs(H)
    return ev[0], ev[-1]


def norm2(v: mp.matrix):
    return mp.fsum(v[i] ** 2 for i in range(v.rows))


def col(xs) -> mp.matrix:
    v = mp.matrix(len(xs), 1)
    for i, x in enumerate(xs):
        v[i] = x
    return v


# ------------------------------------------------------------------ a small tanh network (eq. (9))

_TANH_X = (Fraction(1), Fraction(-1, 2))  # two scalar inputs
_TANH_Y = (Fraction(1, 2), Fraction(-1, 3))


def tanh_net_run(theta0: tuple[Fraction, ...], t_end: int = 2, h: Fraction = Fraction(1, 100)) -> list:
    """GF (RK4, step h) of L = 1/2 sum_i (g(x_i) - y_i)^2, g(x) = a1 tanh(w1 x) + a2 tanh(w2 x),
    theta = (a1, a2, w1, w2); returns [(t, L(t), lambda_min(J J^T)(t))] at every step."""
    from numeric.dynamics import rk4_step

    xs = [mp.mpf(x.numerator) / x.denominator for x in _TANH_X]
    ys = [mp.mpf(y.numerator) / y.denominator for y in _TANH_Y]

    def outputs_and_jac(th):
        a1, a2, w1, w2 = th
        Z, J = [], []
        for x in xs:
            t1, t2 = mp.tanh(w1 * x), mp.tanh(w2 * x)
            Z.append(a1 * t1 + a2 * t2)
            J.append([t1, t2, a1 * x * (1 - t1**2), a2 * x * (1 - t2**2)])
        return Z, J

    def field(_t, th):
        Z, J = outputs_and_jac(th)
        r = [z - y for z, y in zip(Z, ys, strict=True)]
        return [-mp.fsum(J[i][k] * r[i] for i in range(2)) for k in range(4)]

    def record(t, th):
        Z, J = outputs_and_jac(th)
        L = mp.fsum((z - y) ** 2 for z, y in zip(Z, ys, strict=True)) / 2
        H = mp.matrix([[mp.fsum(J[i][k] * J[j][k] for k in range(4)) for j in range(2)] for i in range(2)])
        return (t, L, eig_range(H)[0])

    th = [mp.mpf(v.numerator) / v.denominator for v in theta0]
    hh = mp.mpf(h.numerator) / h.denominator
    n = int(t_end / h)
    out = [record(mp.mpf(0), th)]
    for k in range(n):
        th = rk4_step(field, k * hh, th, hh)
        out.append(record((k + 1) * hh, th))
    return out
