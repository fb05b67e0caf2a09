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
