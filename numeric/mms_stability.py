"""Linear stability of minima (Mulayoff-Michaeli-Soudry, Sec. 2), computed exactly where possible.

Random linear system (linearised SGD (6)) around theta* = 0 with per-sample Hessians h_j and
gradients r_j at theta* (sum_j r_j = 0 at a minimum), batches = all B-subsets, uniform:

    v_{t+1} = (I - eta H_b) v_t - eta g_b,   H_b = mean_{j in b} h_j,  g_b = mean_{j in b} r_j.

* mean dynamics: E v_{t+1} = (I - eta H) E v_t (H = mean_j h_j);
* second moment: vec E[v v^T] evolves by M = E_b[A_b (x) A_b], A_b = I - eta H_b; the system is
  mean-square stable iff rho(M) < 1 (then, with gradient noise, E||v||^2 -> tr S_inf with
  vec S_inf = (I - M)^{-1} eta^2 vec E[g_b g_b^T]);
* ``expected_norms`` enumerates all batch sequences (exact expectation of ||v_t||, small t);
* ``monte_carlo_norms`` is the long seeded simulation.

Switching GD system (13) with zero mode gradients: v -> (I - eta H_m(v)) v, the mode m(v) given by
the signs of <u_i, v> (a cone partition through theta*).  Because the map is positively
homogeneous, theta* is strongly stable iff every mode is one-step non-expansive on its own cone:
max { v^T ((I-eta H_m)^2 - I) v : v in cone_m, |v| = 1 } <= 0, decided by ``cone_max`` (KKT
enumeration over the faces of the cone).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from fractions import Fraction

import flint
import mpmath as mp
import numpy as np

F = Fraction


def _fq(q) -> flint.fmpq:
    q = F(q)
    return flint.fmpq(q.numerator, q.denominator)


def mat(rows: Sequence[Sequence[Fraction]]) -> flint.fmpq_mat:
    r, c = len(rows), len(rows[0])
    return flint.fmpq_mat(r, c, [_fq(v) for row in rows for v in row])


def batches(n: int, B: int) -> list[tuple[int, ...]]:
    if not 1 <= B <= n:
        raise ValueError(f"batch size B must satisfy 1 <= B <= n (got B={B}, n={n})")
    return list(itertools.combinations(range(n), B))


def batch_means(hs: Sequence[flint.fmpq_mat], rs: Sequence[flint.fmpq_mat], B: int
                ) -> list[tuple[flint.fmpq_mat, flint.fmpq_mat]]:
    out = []
    for b in batches(len(hs), B):
        H = sum((hs[j] for j in b[1:]), hs[b[0]]) / B
        g = sum((rs[j] for j in b[1:]), rs[b[0]]) / B
        out.append((H, g))
    return out


def mean_hessian(hs: Sequence[flint.fmpq_mat]) -> flint.fmpq_mat:
    return sum(hs[1:], hs[0]) / len(hs)


def kron(A: flint.fmpq_mat, B: flint.fmpq_mat) -> flint.fmpq_mat:
    ra, ca, rb, cb = A.nrows(), A.ncols(), B.nrows(), B.ncols()
    out = flint.fmpq_mat(ra * rb, ca * cb)
    for i in range(ra):
        for j in range(ca):
            a = A[i, j]
            if a == 0:
                continue
            for k in range(rb):
                for m in range(cb):
                    out[i * rb + k, j * cb + m] = a * B[k, m]
    return out


def identity(d: int) -> flint.fmpq_mat:
    I = flint.fmpq_mat(d, d)
    for i in range(d):
        I[i, i] = 1
    return I


def second_moment_operator(hs, rs, B: int, eta: Fraction) -> flint.fmpq_mat:
    """M = E_b[(I - eta H_b) (x) (I - eta H_b)] over all B-subsets (exact)."""
    d = hs[0].nrows()
    I = identity(d)
    parts = [kron(I - _fq(eta) * H, I - _fq(eta) * H) for H, _ in batch_means(hs, rs, B)]
    return sum(parts[1:], parts[0]) / len(parts)


def mean_operator(hs, eta: Fraction) -> flint.fmpq_mat:
    return identity(hs[0].nrows()) - _fq(eta) * mean_hessian(hs)


def mean_square_stable(M: flint.fmpq_mat) -> bool:
    """rho(M) < 1, decided exactly for the positive map X -> E[A X A^T] of which M is the
    vectorisation: rho(M) < 1 iff I - M is invertible and the solution X of X - M(X) = I is
    positive definite (then M(X) = X - I < X; conversely X = sum_t M^t(I) >= I)."""
    d2 = M.nrows()
    d = int(round(d2 ** 0.5))
    A = identity(d2) - M
    if A.rank() < d2:
        return False
    vecI = flint.fmpq_mat(d2, 1, [1 if i % (d + 1) == 0 else 0 for i in range(d2)])
    X = A.solve(vecI)
    Xm = flint.fmpq_mat(d, d, [X[i, 0] for i in range(d2)])
    return all(_leading_minor(Xm, r) > 0 for r in range(1, d + 1))


def _leading_minor(X: flint.fmpq_mat, r: int) -> flint.fmpq:
    return flint.fmpq_mat(r, r, [X[i, j] for i in range(r) for j in range(r)]).det()


def spectral_radius(M: flint.fmpq_mat) -> mp.mpf:
    """rho(M) in mpmath at the current precision."""
    A = mp.matrix([[mp.mpf(int(M[i, j].p)) / int(M[i, j].q) for j in range(M.ncols())] for i in range(M.nrows())])
    E = mp.eig(A, left=False, right=False)
    E = E[0] if isinstance(E, tuple) else E
    return max(abs(z) for z in E)


def stationary_second_moment(hs, rs, B: int, eta: Fraction) -> Fraction | None:
    """tr S_inf = lim E||v_t||^2 (exact rational) when rho(M) < 1 is certain, else None."""
    M = second_moment_operator(hs, rs, B, eta)
    if not mean_square_stable(M):
        return None
    d = hs[0].nrows()
    noise = None
    for _, g in batch_means(hs, rs, B):
        gg = g * g.transpose()
        noise = gg if noise is None else noise + gg
    noise = noise / len(batches(len(hs), B))
    vec = flint.fmpq_mat(d * d, 1, [noise[i, j] for i in range(d) for j in range(d)])
    S = (identity(d * d) - M).solve(_fq(eta) ** 2 * vec)
    tr = sum((S[i * d + i, 0] for i in range(d)), flint.fmpq(0))
    return F(int(tr.p), int(tr.q))


def expected_norms(hs, rs, B: int, eta: Fraction, v0: Sequence[Fraction], T: int) -> list[mp.mpf]:
    """E||v_t|| for t = 0..T, exactly (every batch sequence enumerated; mpmath square roots)."""
    sys_ = batch_means(hs, rs, B)
    d = hs[0].nrows()
    I = identity(d)
    steps = [(I - _fq(eta) * H, _fq(eta) * g) for H, g in sys_]
    layer = [(mat([[v] for v in v0]), F(1))]
    out = [_norm(layer[0][0])]
    w = F(1, len(steps))
    for _ in range(T):
        layer = [(A * v - g, p * w) for v, p in layer for A, g in steps]
        out.append(mp.fsum(_mpf(p) * _norm(v) for v, p in layer))
    return out


def _mpf(q) -> mp.mpf:
    q = F(q) if not isinstance(q, flint.fmpq) else F(int(q.p), int(q.q))
    return mp.mpf(q.numerator) / q.denominator


def _norm(v: flint.fmpq_mat) -> mp.mpf:
    return mp.sqrt(mp.fsum(_mpf(v[i, 0]) ** 2 for i in range(v.nrows())))


def monte_carlo_norms(hs, rs, B: int, eta: float, v0, T: int, paths: int, seed: int) -> np.ndarray:
    """Seeded float64 simulation: the mean over ``paths`` of ||v_t||, t = 0..T."""
    rng = np.random.default_rng(seed)
    sys_ = batch_means(hs, rs, B)
    d = hs[0].nrows()
    A = np.array([[[float(H[i, j]) for j in range(d)] for i in range(d)] for H, _ in sys_])
    G = np.array([[float(g[i, 0]) for i in range(d)] for _, g in sys_])
    A = np.eye(d)[None] - eta * A
    V = np.tile(np.array([float(x) for x in v0]), (paths, 1))
    out = [np.linalg.norm(V, axis=1).mean()]
    for _ in range(T):
        idx = rng.integers(0, len(sys_), size=paths)
        V = np.einsum("pij,pj->pi", A[idx], V) - eta * G[idx]
        out.append(np.linalg.norm(V, axis=1).mean())
    return np.array(out)


# ----------------------------------------------------------------- switching GD systems

def cone_max(Q: mp.matrix, normals: Sequence[mp.matrix]) -> mp.mpf | None:
    """max v^T Q v over {v : <a_i, v> >= 0 for all i, |v| = 1} (Q symmetric), by KKT enumeration:
    the maximiser is an eigenvector of Q compressed to a face {<a_i, v> = 0, i in J}.  Returns
    None when a relevant eigenvalue is degenerate (the enumeration could miss the maximiser)."""
    d = Q.rows
    tol = mp.mpf(10) ** (-(mp.mp.dps // 2))
    best = None
    for r in range(len(normals) + 1):
        for J in itertools.combinations(range(len(normals)), r):
            basis = _complement_basis([normals[i] for i in J], d)
            if basis is None or basis.cols == 0:
                continue
            Qc = basis.T * Q * basis
            E, U = mp.eigsy(Qc)
            for i in range(len(E)):
                v = basis * U[:, i]
                for s in (1, -1):
                    w = s * v
                    if all(_dot(normals[m], w) >= -tol for m in range(len(normals)) if m not in J):
                        if E[i] > tol and any(abs(E[i] - E[o]) < tol for o in range(len(E)) if o != i):
                            return None  # a degenerate positive eigenspace: the maximiser may be missed
                        best = E[i] if best is None else max(best, E[i])
    return best


def _dot(a: mp.matrix, b: mp.matrix) -> mp.mpf:
    return mp.fsum(a[i] * b[i] for i in range(a.rows))


def _complement_basis(vectors: Sequence[mp.matrix], d: int) -> mp.matrix | None:
    """An orthonormal basis of the orthogonal complement of span(vectors)."""
    if not vectors:
        return mp.eye(d)
    A = mp.matrix(d, len(vectors))
    for j, v in enumerate(vectors):
        for i in range(d):
            A[i, j] = v[i]
    P = A * mp.inverse(A.T * A) * A.T
    E, U = mp.eigsy(mp.eye(d) - P)
    keep = [i for i in range(len(E)) if E[i] > mp.mpf(1) / 2]
    if len(keep) != d - len(vectors):
        return None
    out = mp.matrix(d, len(keep))
    for c, i in enumerate(keep):
        for r in range(d):
            out[r, c] = U[r, i]
    return out


def strong_stability_margin(hessians: dict[tuple[int, ...], mp.matrix], normals: Sequence[mp.matrix],
                            eta) -> mp.mpf | None:
    """-max over modes m of max_{v in cone_m, |v|=1} (|(I - eta H_m) v|^2 - |v|^2).

    Mode bits: bit i = 1 (active) on <u_i, v> > 0, 0 on <u_i, v> <= 0.  >= 0 iff the GD switching
    system (13) with zero mode gradients is linearly strongly stable.  None if undecided."""
    worst = None
    for bits, H in hessians.items():
        d = H.rows
        A = mp.eye(d) - eta * H
        Q = A * A - mp.eye(d)
        cone = [(1 if b else -1) * u for b, u in zip(bits, normals, strict=True)]
        m = cone_max(Q, cone)
        if m is None:
            return None
        worst = m if worst is None else max(worst, m)
    return -worst


def switching_run(step: Callable[[mp.matrix], mp.matrix], v0: mp.matrix, T: int) -> list[mp.mpf]:
    """|v_t| along v_{t+1} = step(v_t), t = 0..T."""
    out = [mp.norm(v0)]
    v = v0
    for _ in range(T):
        v = step(v)
        out.append(mp.norm(v))
    return out


# ----------------------------------------------------------------- float64 guide for samplers

def _faces_float(normals: Sequence[np.ndarray], d: int) -> list[tuple[tuple[int, ...], np.ndarray, np.ndarray]]:
    """For every face J of the cone {<a_i, v> >= 0}: an orthonormal basis of {<a_i, v> = 0, i in J}
    and the matrix of the remaining normals (the feasibility test of a KKT candidate)."""
    out = []
    A = np.array(normals).reshape(len(normals), d)
    for r in range(len(normals) + 1):
        for J in itertools.combinations(range(len(normals)), r):
            basis = np.linalg.qr(A[list(J)].T, mode="complete")[0][:, r:] if J else np.eye(d)
            if basis.shape[1]:
                rest = [m for m in range(len(normals)) if m not in J]
                out.append((J, basis, A[rest]))
    return out


def cone_max_float(Q: np.ndarray, faces: list[tuple[tuple[int, ...], np.ndarray, np.ndarray]],
                   tol: float = 1e-10) -> float:
    """float64 twin of :func:`cone_max` (KKT enumeration over the faces from :func:`_faces_float`);
    a guide for samplers only: verdicts use the mpmath version."""
    best = -np.inf
    for _, basis, rest in faces:
        E, U = np.linalg.eigh(basis.T @ Q @ basis)
        V = basis @ U
        S = rest @ V  # rows: remaining normals, columns: candidates
        ok = np.all(S >= -tol, axis=0) | np.all(S <= tol, axis=0)  # v or -v lies in the cone
        if ok.any():
            best = max(best, float(E[ok].max()))
    return best


def strong_stability_margin_float(hessians: dict[tuple[int, ...], np.ndarray], normals: Sequence[np.ndarray],
                                  eta: float, _faces: dict | None = None) -> float:
    """float64 twin of :func:`strong_stability_margin` (>= 0 up to rounding iff strongly stable)."""
    worst = -np.inf
    for bits, H in hessians.items():
        d = H.shape[0]
        A = np.eye(d) - eta * H
        if _faces is not None and bits in _faces:
            faces = _faces[bits]
        else:
            faces = _faces_float([(1.0 if b else -1.0) * u for b, u in zip(bits, normals, strict=True)], d)
        worst = max(worst, cone_max_float(A @ A - np.eye(d), faces))
    return -worst


def largest_stable_ratio(hessians: dict[tuple[int, ...], np.ndarray], normals: Sequence[np.ndarray],
                         lam_upper: float, hi: float = 3.0, iters: int = 24, tol: float = 1e-9) -> float:
    """float64 estimate of sup { r in [1, hi] : strongly stable at eta = 2 r / lambda_upper } by
    bisection (1 when no step beyond 2/lambda_upper is strongly stable).  Lemma 3 gives strong
    stability at r <= 1; r > 1 is the regime where the extra terms of (35)-(36) and Delta (25) are
    used.  A guide for samplers only: every instance is re-decided exactly."""
    faces = {bits: _faces_float([(1.0 if b else -1.0) * u for b, u in zip(bits, normals, strict=True)], H.shape[0])
             for bits, H in hessians.items()}

    def stable(r: float) -> bool:
        return strong_stability_margin_float(hessians, normals, 2 * r / lam_upper, faces) >= -tol

    if not stable(1 + 1e-6):
        return 1.0
    if stable(hi):
        return hi
    lo_r, hi_r = 1 + 1e-6, hi
    for _ in range(iters):
        mid = (lo_r + hi_r) / 2
        if stable(mid):
            lo_r = mid
        else:
            hi_r = mid
    return lo_r
