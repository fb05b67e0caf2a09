"""SymPy: the linearised SGD step (6) averaged over all batches (Mulayoff-Michaeli-Soudry, Sec. 2).

With per-sample Hessians h_j (symmetric symbols) and gradients r_j at theta* (the last one fixed
by sum_j r_j = 0, i.e. theta* is a critical point of the full loss), uniform B-subsets:
E_b[H_b] = H, E_b[g_b] = 0, and E_b[v - eta (g_b + H_b v)] = (I - eta H) v.
"""

from __future__ import annotations

import itertools

import sympy as sp


def per_sample(n: int, d: int) -> tuple[list[sp.Matrix], list[sp.Matrix]]:
    hs = []
    for j in range(n):
        M = sp.zeros(d, d)
        for r in range(d):
            for c in range(r, d):
                M[r, c] = M[c, r] = sp.Symbol(f"h{j}_{r}{c}", real=True)
        hs.append(M)
    rs = [sp.Matrix([sp.Symbol(f"r{j}_{r}", real=True) for r in range(d)]) for j in range(n - 1)]
    rs.append(-sum(rs, sp.zeros(d, 1)))
    return hs, rs


def batch_average(n: int, B: int, d: int):
    """(E_b[H_b], H, E_b[g_b], E_b[step(v)], (I - eta H) v) as SymPy matrices."""
    hs, rs = per_sample(n, d)
    eta = sp.Symbol("eta", positive=True)
    v = sp.Matrix([sp.Symbol(f"v{r}", real=True) for r in range(d)])
    bs = list(itertools.combinations(range(n), B))
    Hb = [sum((hs[j] for j in b), sp.zeros(d, d)) / B for b in bs]
    gb = [sum((rs[j] for j in b), sp.zeros(d, 1)) / B for b in bs]
    EH = sum(Hb, sp.zeros(d, d)) / len(bs)
    Eg = sum(gb, sp.zeros(d, 1)) / len(bs)
    Estep = sum((v - eta * (g + H * v) for H, g in zip(Hb, gb, strict=True)), sp.zeros(d, 1)) / len(bs)
    H = sum(hs, sp.zeros(d, d)) / n
    return EH, H, Eg, Estep, (sp.eye(d) - eta * H) * v
