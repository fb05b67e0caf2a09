"""Library: the DLN gradient flow against the Bregman projection (Section 3.2, second half).

* :func:`gf_limit` - float64 GF on (u, v) (scipy Radau, analytic Jacobian, rtol 1e-11) from
  u_0 = c 1, v_0 = 0, integrated until ||X theta - y|| <= 1e-11 (cached).
* :func:`bregman_limit` - argmin { D_phi(theta, 0) : X theta = y } for phi = phi_{I 1} at the
  working precision (dual Newton, :mod:`numeric.mirror_flow`).
* :func:`path` - the same along a sweep of alpha (warm-started path), cached per precision.
* :func:`l1_solution` - the exact min-l1 interpolator with its exact dual certificate.
"""

from __future__ import annotations

from functools import lru_cache

import mpmath as mp
import numpy as np

from numeric import diagonal_network as ndn
from numeric import mirror_flow as nmf

from . import lib

DLN_SHAPES = lib.shapes((4, 10), (5, 12), (3, 8))


@lru_cache(maxsize=64)
def gf_limit(n: int, d: int, seed: int, c: float) -> ndn.Trajectory:
    D = lib.make_design(n, d, seed, "sparse")
    X, y = np.array(D.X, float), np.array(D.y, float)
    u0, v0 = ndn.init_scale(d, c)
    return ndn.gf_until_interpolating(X, y, u0, v0, tol=1e-11, t_max=1e7)


def bregman_limit(D: lib.Design, I: mp.mpf) -> nmf.Projection:
    return nmf.bregman_projection(nmf.hyperbolic_entropy([I] * D.d), D.Xm(), D.ym(), [0] * D.d)


@lru_cache(maxsize=16)
def path(n: int, d: int, seed: int, alphas: tuple[str, ...], dps: int, kind: str = "generic") -> dict:
    with mp.workdps(dps):
        D = lib.make_design(n, d, seed, kind)
        return nmf.hyperbolic_path(D.Xm(), D.ym(), [mp.mpf(a) for a in alphas])


@lru_cache(maxsize=16)
def l1_solution(n: int, d: int, seed: int, kind: str = "generic") -> nmf.L1Solution:
    D = lib.make_design(n, d, seed, kind)
    return nmf.min_l1_interpolator(D.X, D.y)


def kernel_unit(D: lib.Design) -> mp.matrix:
    """A unit vector of Ker X (first exact nullspace vector, normalised)."""
    from symbolic import least_squares as ls

    k = ls.kernel_basis(D.Xs())[0]
    v = mp.matrix([lib.mpf_exact(x) for x in k])
    return v / mp.sqrt(sum(v[i] ** 2 for i in range(v.rows)))
