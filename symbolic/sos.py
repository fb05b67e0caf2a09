"""Exact sum-of-squares (Putinar / Schmuedgen) certificates for polynomial inequalities.

To show ``p >= 0`` (or ``p > 0``) on ``{g_j >= 0, h_k > 0}`` we look for

    p = s_0 + sum_j s_j * m_j + c * w

where every ``m_j`` is 1, a constraint polynomial, or a product of two of them, each ``s_j`` is
a sum of squares given by a Gram matrix ``G_j`` (``s_j = z_j^T G_j z_j`` for a vector ``z_j`` of
monomials), and, for a strict claim, ``c > 0`` is a rational constant and ``w`` is 1 or a
product of strict constraints (so ``c * w > 0`` on the region).

The search is numerical (a semidefinite program solved by Clarabel); the answer is
then rounded to rationals and the Gram matrix of ``s_0`` is projected so that the polynomial
identity holds *exactly* (the rounding-and-projection of Peyrl and Parrilo, 2008).  Only
:func:`verify` decides: it re-expands the identity in exact rational arithmetic and checks that
every Gram matrix is positive semidefinite by an exact LDL^T factorisation.  A numerical SDP
solution alone never counts as a proof.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

Monomial = tuple[int, ...]
PolyDict = dict[Monomial, Fraction]

# ---------------------------------------------------------------- exact polynomial arithmetic


def poly_dict(expr: sp.Expr, gens: list[sp.Symbol]) -> PolyDict:
    """Exact rational coefficients of a polynomial in ``gens``."""
    poly = sp.Poly(sp.expand(expr), *gens, domain="QQ")
    return {m: Fraction(int(c.numerator), int(c.denominator)) for m, c in poly.terms() if c != 0}


def _add_into(acc: PolyDict, p: PolyDict, scale: Fraction = Fraction(1)) -> None:
    for m, c in p.items():
        v = acc.get(m, Fraction(0)) + scale * c
        if v:
            acc[m] = v
        else:
            acc.pop(m, None)


def _mul(p: PolyDict, q: PolyDict) -> PolyDict:
    out: PolyDict = {}
    for m1, c1 in p.items():
        for m2, c2 in q.items():
            m = tuple(a + b for a, b in zip(m1, m2, strict=True))
            v = out.get(m, Fraction(0)) + c1 * c2
            if v:
                out[m] = v
            else:
                out.pop(m, None)
    return out


def _mono_add(m1: Monomial, m2: Monomial) -> Monomial:
    return tuple(a + b for a, b in zip(m1, m2, strict=True))


def gram_poly(basis: list[Monomial], gram: list[list[Fraction]]) -> PolyDict:
    """z^T G z for the monomial vector z = basis."""
    out: PolyDict = {}
    n = len(basis)
    for i in range(n):
        for j in range(n):
            c = gram[i][j]
            if c:
                m = _mono_add(basis[i], basis[j])
                v = out.get(m, Fraction(0)) + c
                if v:
                    out[m] = v
                else:
                    out.pop(m, None)
    return out


def ldl_psd(gram: list[list[Fraction]]) -> tuple[bool, list[list[Fraction]], list[Fraction]]:
    """Exact LDL^T of a symmetric rational matrix.  Returns (is_psd, L, D).

    Symmetric Gaussian elimination without pivoting: a negative pivot means not PSD; a zero
    pivot is allowed only if the rest of its column is zero (true for every PSD matrix)."""
    n = len(gram)
    a = [[Fraction(x) for x in row] for row in gram]
    if any(a[i][j] != a[j][i] for i in range(n) for j in range(i)):
        return False, [], []
    L = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    D: list[Fraction] = []
    for k in range(n):
        d = a[k][k]
        if d < 0:
            return False, [], []
        if d == 0:
            if any(a[i][k] != 0 for i in range(k + 1, n)):
                return False, [], []
            D.append(Fraction(0))
            continue
        D.append(d)
        for i in range(k + 1, n):
            L[i][k] = a[i][k] / d
        for i in range(k + 1, n):
            if a[i][k] == 0:
                continue
            f = a[i][k] / d
            for j in range(k + 1, i + 1):
                a[i][j] -= f * a[k][j]
                a[j][i] = a[i][j]
    return True, L, D


# ---------------------------------------------------------------- certificates


@dataclass
class SOSTerm:
    """s * multiplier, with s = z^T G z (G rational PSD) and multiplier a product of constraints."""

    multiplier: sp.Expr  # 1, g_j, or g_i * g_j (each >= 0 on the region)
    basis: list[Monomial]
    gram: list[list[Fraction]]


@dataclass
class SOSCertificate:
    """p = sum_t s_t * multiplier_t + positive_constant * positive_factor, all exact."""

    gens: list[sp.Symbol]
    target: sp.Expr
    terms: list[SOSTerm]
    # c_k * w_k with rational c_k >= 0 and w_k 1 or a product of strict constraints (> 0)
    positive: list[tuple[Fraction, sp.Expr]] = field(default_factory=list)
    # c_k * h_k * m_k with h_k = 0 on the region (any sign of c_k): they vanish there
    vanishing: list[tuple[Fraction, sp.Expr, sp.Expr]] = field(default_factory=list)
    # the region the certificate is for: g >= 0, h > 0, e = 0 (checked by :func:`verify`)
    region_nonneg: list[sp.Expr] = field(default_factory=list)
    region_positive: list[sp.Expr] = field(default_factory=list)
    region_zero: list[sp.Expr] = field(default_factory=list)

    @property
    def strictly_positive(self) -> bool:
        """Some c_k * w_k > 0 on the region, so the target is > 0 there."""
        return any(c > 0 for c, _ in self.positive)

    def square_sums(self) -> list[tuple[str, list[str]]]:
        """Each term as (multiplier, [d_k * (l_k . z)^2 ...]) from the exact LDL^T."""
        out = []
        for t in self.terms:
            ok, L, D = ldl_psd(t.gram)
            z = [sp.Mul(*[g**e for g, e in zip(self.gens, m, strict=True)]) for m in t.basis]
            squares = []
            if ok:
                n = len(t.basis)
                for k in range(n):
                    if D[k] == 0:
                        continue
                    lin = sum((sp.Rational(L[i][k].numerator, L[i][k].denominator) * z[i]
                               for i in range(k, n) if L[i][k] != 0), sp.Integer(0))
                    squares.append(f"{D[k]}*({sp.sstr(lin)})^2")
            out.append((sp.sstr(t.multiplier), squares))
        return out

    def to_json(self, max_chars: int = 20000) -> dict[str, Any]:
        terms = [{"multiplier": m, "sum_of_squares": " + ".join(sq)}
                 for m, sq in self.square_sums() if sq]  # zero terms are left out
        out: dict[str, Any] = {
            "identity": "target = " + (" + ".join(
                f"[{t['multiplier']}] * SOS_{i}" for i, t in enumerate(terms)) or "0")
            + "".join(f" + {c} * ({sp.sstr(w)})" for c, w in self.positive if c)
            + "".join(f" + ({c}) * ({sp.sstr(m)}) * [{sp.sstr(h)}]" for c, h, m in self.vanishing if c),
            "variables": [str(g) for g in self.gens],
            "target": sp.sstr(self.target),
            "terms": terms,
        }
        if any(c for c, _, _ in self.vanishing):
            out["vanishing_terms"] = "[h] = 0 on the region: " + ", ".join(
                sorted({sp.sstr(h) for c, h, _ in self.vanishing if c}))
        if self.strictly_positive:
            out["strictness"] = " + ".join(f"{c} * ({sp.sstr(w)})" for c, w in self.positive if c) + (
                " > 0 on the region (each factor is 1 or a product of strict constraints)")
        text = str(out)
        if len(text) > max_chars:  # keep the report small; the Gram matrices reproduce it
            for t in out["terms"]:
                t["sum_of_squares"] = t["sum_of_squares"][: max_chars // (2 * max(1, len(terms)))] + " ..."
            out["truncated"] = True
        out["gram_sizes"] = [len(t.basis) for t in self.terms]
        return out


def verify(cert: SOSCertificate) -> tuple[bool, str]:
    """Exact check of a certificate: every multiplier is 1, a constraint, a product of two, or a
    positive variable times such a product; every strictness factor is 1 or a product of strict
    constraints; every vanishing term is a multiple of an equality; the identity expands to 0
    over Q; and every Gram matrix has an exact LDL^T with non-negative D.  The only thing that
    makes an SOS proof."""
    gens = cert.gens
    cons = [sp.expand(g) for g in (*cert.region_nonneg, *cert.region_positive)]
    stricts = [sp.expand(h) for h in cert.region_positive]
    pairs = {sp.expand(a * b) for a, b in itertools.combinations_with_replacement(cons, 2)}
    pos_vars = [h for h in stricts if h.is_Symbol]
    allowed_mult = {sp.Integer(1), *cons, *pairs, *(sp.expand(x * g) for x in pos_vars for g in pairs)}
    if len(cons) <= _LP_MAX_FACTORS_CONS:  # products of up to _LP_MAX_FACTORS constraints (LP terms)
        for k in range(3, _LP_MAX_FACTORS + 1):
            allowed_mult |= {sp.expand(sp.Mul(*c)) for c in itertools.combinations_with_replacement(cons, k)}
    allowed_pos = {sp.Integer(1), *stricts,
                   *(sp.expand(a * b) for a, b in itertools.combinations_with_replacement(stricts, 2))}
    zeros = {sp.expand(e) for e in cert.region_zero}
    total: PolyDict = {}
    for i, t in enumerate(cert.terms):
        if sp.expand(t.multiplier) not in allowed_mult:
            return False, f"multiplier {t.multiplier} is not 1, a constraint, or an allowed product of them"
        ok, _, _ = ldl_psd(t.gram)
        if not ok:
            return False, f"Gram matrix {i} (multiplier {t.multiplier}) is not positive semidefinite"
        _add_into(total, _mul(gram_poly(t.basis, t.gram), poly_dict(t.multiplier, gens)))
    for c, w in cert.positive:
        if c < 0:
            return False, "negative strictness constant"
        if c and sp.expand(w) not in allowed_pos:
            return False, f"strictness factor {w} is not 1 or a product of strict constraints"
        _add_into(total, poly_dict(w, gens), c)
    for c, h, m in cert.vanishing:
        if c and sp.expand(h) not in zeros:
            return False, f"{h} is not an equality constraint of the region"
        _add_into(total, poly_dict(h * m, gens), c)
    residual = dict(poly_dict(cert.target, gens))
    _add_into(residual, total, Fraction(-1))
    if residual:
        return False, f"identity fails: {len(residual)} coefficient(s) of target - certificate are nonzero"
    return True, "identity exact over Q; every Gram matrix PSD by exact LDL^T"


# ---------------------------------------------------------------- search


@dataclass
class SOSResult:
    proved: bool
    certificate: SOSCertificate | None = None
    reason: str = ""
    seconds: float = 0.0
    notes: dict[str, Any] = field(default_factory=dict)


def _monomials_upto(n: int, deg: int, lo: int = 0) -> list[Monomial]:
    out = []
    for d in range(lo, deg + 1):
        for c in itertools.combinations_with_replacement(range(n), d):
            m = [0] * n
            for i in c:
                m[i] += 1
            out.append(tuple(m))
    return out


def _degree(p: PolyDict) -> int:
    return max((sum(m) for m in p), default=0)


def _newton_box_basis(p: PolyDict, n: int) -> list[Monomial]:
    """Monomials that can appear in an SOS decomposition of p (no constraints): half of p's
    Newton polytope, over-approximated by its per-variable and total-degree bounds."""
    lo = [min(m[i] for m in p) for i in range(n)]
    hi = [max(m[i] for m in p) for i in range(n)]
    tlo = min(sum(m) for m in p)
    thi = max(sum(m) for m in p)
    out = []
    for m in _monomials_upto(n, thi // 2, (tlo + 1) // 2):
        if all(2 * m[i] >= lo[i] and 2 * m[i] <= hi[i] for i in range(n)):
            out.append(m)
    return out


def find_certificate(
    target: sp.Expr,
    gens: list[sp.Symbol],
    nonneg: list[sp.Expr] = (),  # type: ignore[assignment]
    positive: list[sp.Expr] = (),  # type: ignore[assignment]
    zero: list[sp.Expr] = (),  # type: ignore[assignment]
    *,
    strict: bool = False,
    degree: int | None = None,
    products: bool = True,
    time_limit: float = 20.0,
    max_gram_entries: int = 12_000,
    lp_only: bool = False,
) -> SOSResult:
    """Search for p = s_0 + sum s_j m_j (+ c w) and verify it exactly (see module doc).

    ``nonneg``: polynomials g >= 0 on the region; ``positive``: polynomials h > 0; ``zero``:
    polynomials e = 0 (each gets a free polynomial multiplier).
    ``degree``: degree of the certificate (default: deg p rounded up to even).
    ``products``: also use pairwise products of constraints as multipliers (Schmuedgen).
    ``lp_only``: stop after the exact LP (diagonal Gram matrices), the cheap first pass.
    The work is capped deterministically (``max_gram_entries``, solver iterations, a fixed list
    of rounding denominators); ``time_limit`` is only a wall-clock safety net per SDP solve."""
    t0 = time.perf_counter()
    n = len(gens)
    p = poly_dict(target, gens)
    if not p:
        if strict:
            return SOSResult(False, reason="target is identically 0: not > 0")
        cert = SOSCertificate(gens, target, [], region_nonneg=list(nonneg), region_positive=list(positive),
                              region_zero=list(zero))
        ok, why = verify(cert)
        return SOSResult(ok, cert if ok else None, why, time.perf_counter() - t0)
    D = degree if degree is not None else _degree(p) + (_degree(p) % 2)
    cons: list[tuple[sp.Expr, PolyDict, bool]] = []
    for g in nonneg:
        cons.append((sp.expand(g), poly_dict(g, gens), False))
    for h in positive:
        cons.append((sp.expand(h), poly_dict(h, gens), True))
    cons = [c for c in cons if c[1] and _degree(c[1]) <= D]
    # multipliers: 1, each constraint, and pairwise products (degree permitting)
    mults: list[tuple[sp.Expr, PolyDict]] = [(sp.Integer(1), {tuple([0] * n): Fraction(1)})]
    mults += [(g, gd) for g, gd, _ in cons]
    if products:
        pairs = []
        for (g1, d1, _), (g2, d2, _) in itertools.combinations(cons, 2):
            if _degree(d1) + _degree(d2) <= D:
                pairs.append((sp.expand(g1 * g2), _mul(d1, d2)))
        mults += pairs
        # a positive variable times a pair (x > 0 among the strict constraints), while few
        pos_vars = [(h, hd) for h, hd, st in cons if st and h.is_Symbol]
        triples = [(sp.expand(x * g), _mul(xd, gd)) for x, xd in pos_vars for g, gd in pairs
                   if _degree(xd) + _degree(gd) <= D and not sp.expand(g).has(x)]
        if len(mults) + len(triples) <= _MAX_MULTIPLIERS:
            mults += triples
            # then x * g with g involving x too, while the count stays within the cap
            more = [(sp.expand(x * g), _mul(xd, gd)) for x, xd in pos_vars for g, gd in pairs
                    if _degree(xd) + _degree(gd) <= D and sp.expand(g).has(x)]
            if len(mults) + len(more) <= _MAX_MULTIPLIERS:
                mults += more
    # strictly positive candidates w for a strict claim: 1, strict constraints, their products
    pos_cands: list[tuple[sp.Expr, PolyDict]] = []
    if strict:
        pos_cands.append((sp.Integer(1), {tuple([0] * n): Fraction(1)}))
        stricts = [(h, hd) for h, hd, s in cons if s]
        pos_cands += stricts
        for (h1, d1), (h2, d2) in itertools.combinations_with_replacement(stricts, 2):
            if _degree(d1) + _degree(d2) <= D:
                pos_cands.append((h1 * h2, _mul(d1, d2)))
    # free multipliers of the equalities: e * m for every monomial m within the degree
    free_cands: list[tuple[sp.Expr, sp.Expr, PolyDict]] = []
    for e in zero:
        ed = poly_dict(e, gens)
        if not ed or _degree(ed) > D:
            continue
        for m in _monomials_upto(n, D - _degree(ed)):
            free_cands.append((sp.expand(e), sp.Mul(*[g**k for g, k in zip(gens, m, strict=True)]),
                               _mul(ed, {m: Fraction(1)})))
    region = {"region_nonneg": list(nonneg), "region_positive": list(positive), "region_zero": list(zero)}
    # Gram bases
    bases: list[list[Monomial]] = []
    for k, (_, md) in enumerate(mults):
        half = (D - _degree(md)) // 2
        if k == 0 and len(mults) == 1 and not pos_cands and not free_cands:
            bases.append(_newton_box_basis(p, n))
        else:
            bases.append(_monomials_upto(n, half) if half >= 0 else [])
    keep = [k for k in range(len(mults)) if bases[k]]
    mults = [mults[k] for k in keep]
    bases = [bases[k] for k in keep]
    entries = sum(len(b) ** 2 for b in bases)
    notes: dict[str, Any] = {"degree": D, "multipliers": len(mults), "gram_sizes": [len(b) for b in bases]}
    # cheapest and exact: a linear program over (multiplier x monomial^2) terms whose vertex
    # solution is recovered exactly in rationals (no rounding of an interior point needed)
    if len(mults) > 1 or pos_cands or free_cands:
        lp_mults = list(mults)
        if len(cons) <= _LP_MAX_FACTORS_CONS:  # the LP affords every product of up to 4 constraints
            seen = {sp.expand(m) for m, _ in lp_mults}
            for k in range(2, _LP_MAX_FACTORS + 1):
                for combo in itertools.combinations_with_replacement(cons, k):
                    if sum(_degree(c[1]) for c in combo) > D:
                        continue
                    m = sp.expand(sp.Mul(*[c[0] for c in combo]))
                    if m in seen:
                        continue
                    seen.add(m)
                    md: PolyDict = {tuple([0] * n): Fraction(1)}
                    for c in combo:
                        md = _mul(md, c[1])
                    lp_mults.append((m, md))
        lp = _exact_lp(target, gens, p, lp_mults, D, pos_cands, free_cands, n, strict, region, time_limit)
        if lp is not None:
            lp.seconds = time.perf_counter() - t0
            lp.notes = {**notes, **lp.notes}
            return lp
    if lp_only:
        return SOSResult(False, reason="no exact LP certificate at this degree", notes=notes,
                         seconds=time.perf_counter() - t0)
    if entries > max_gram_entries:
        return SOSResult(False, reason=f"SDP too large for the budget ({entries} Gram entries > "
                         f"{max_gram_entries})", seconds=time.perf_counter() - t0, notes=notes)
    if not bases or mults[0][0] != 1:
        return SOSResult(False, reason="no SOS term fits the degree bound", notes=notes,
                         seconds=time.perf_counter() - t0)
    # first the linear-programming special case (every multiplier a constant >= 0: Handelman /
    # Krivine form), whose solutions round well; then the full SDP
    if len(mults) > 1:
        zero_mono = tuple([0] * n)
        lp_bases = [[zero_mono] if _degree(md) <= D else [] for _, md in mults]
        keep_lp = [k for k in range(len(mults)) if lp_bases[k]]
        lp = _solve_and_round(target, gens, p, [mults[k] for k in keep_lp], [lp_bases[k] for k in keep_lp],
                              pos_cands, free_cands, n, strict, region, time_limit, t0, dict(notes))
        if lp.proved:
            lp.notes["form"] = "linear combination of constraint products (LP)"
            return lp
    return _solve_and_round(target, gens, p, mults, bases, pos_cands, free_cands, n, strict, region,
                            time_limit, t0, notes)


def _solve_and_round(target, gens, p, mults, bases, pos_cands, free_cands, n, strict, region,
                     time_limit, t0, notes) -> SOSResult:
    """Solve numerically, round and verify; on failure shrink to the solver's face and retry."""
    tries: list[str] = []
    for rnd in range(3):  # solve; if no rounding verifies, shrink to the face the solver found
        numeric = _solve_sdp(p, mults, bases, pos_cands, free_cands, n, time_limit)
        notes["sdp_status"] = numeric["status"]
        notes["sdp_seconds"] = round(notes.get("sdp_seconds", 0) + numeric["seconds"], 3)
        if numeric["grams"] is None:
            return SOSResult(False, reason=f"SDP found no certificate (solver status {numeric['status']})",
                             seconds=time.perf_counter() - t0, notes=notes)
        roundings = [("s_0 absorbs", _round_and_project)]
        if sum(len(b) * (len(b) + 1) // 2 for b in bases) <= _JOINT_PROJECTION_MAX:
            roundings.append(("joint projection", _project_all))
        for denom in _DENOMINATORS:
            for how, rounding in roundings:
                cert = rounding(target, gens, p, mults, bases, pos_cands, free_cands, numeric, denom)
                if cert is None:
                    tries.append(f"1/{denom} ({how}): the residual is not representable")
                    continue
                for key, value in region.items():
                    setattr(cert, key, value)
                ok, why = verify(cert)
                if ok and (not strict or cert.strictly_positive):
                    notes["rounding"] = f"denominator {denom}, {how}, facial reductions {rnd}"
                    return SOSResult(True, cert, why, time.perf_counter() - t0, notes)
                tries.append(f"1/{denom} ({how}): "
                             f"{why if not ok else 'no positive constant left for strictness'}")
        reduced = _facial_reduction(mults, bases, pos_cands, numeric)
        if reduced is None:
            break
        mults, bases, pos_cands = reduced
        notes["gram_sizes_reduced"] = [len(b) for b in bases]
    notes["rounding_attempts"] = tries[-3:]
    return SOSResult(False, reason="numerical SOS solution found but no rounding verified exactly",
                     seconds=time.perf_counter() - t0, notes=notes)


_LP_MAX_FACTORS = 4  # LP terms: products of up to this many constraints ...
_LP_MAX_FACTORS_CONS = 7  # ... while there are at most this many constraints
_LP_MAX_COLUMNS = 20_000  # columns of the exact LP (multiplier x monomial-square terms)


def _exact_lp(target, gens, p: PolyDict, mults, D: int, pos_cands, free_cands, n: int, strict: bool,
              region: dict[str, Any], time_limit: float) -> SOSResult | None:
    """p = sum_k sum_m c_km m^2 mult_k + sum_j f_j e_j mono_j (+ c w), c >= 0, f free: a linear
    program (diagonal Gram matrices).  HiGHS returns a basic (vertex) solution; its support
    columns are then solved exactly over Q and the certificate checked by :func:`verify`.
    None when the LP is infeasible, too large, or the exact solve does not give c >= 0."""
    import scipy.sparse as sps
    from flint import fmpq, fmpq_mat
    from scipy.optimize import linprog

    cols: list[tuple[str, int, Monomial | None, PolyDict]] = []  # (kind, index, monomial, poly)
    for k, (_, md) in enumerate(mults):
        half = (D - _degree(md)) // 2
        if half < 0:
            continue
        for m in _monomials_upto(n, half):
            cols.append(("sq", k, m, _mul(md, {_mono_add(m, m): Fraction(1)})))
    n_sq = len(cols)
    for k, (_, wd) in enumerate(pos_cands):
        cols.append(("pos", k, None, wd))
    n_pos = len(cols)
    for k, (_, _, fd) in enumerate(free_cands):
        cols.append(("free", k, None, fd))
    if len(cols) > _LP_MAX_COLUMNS or n_sq == 0:
        return None
    index: dict[Monomial, int] = {m: i for i, m in enumerate(p)}
    rows, cs, vals = [], [], []
    for j, (_, _, _, poly) in enumerate(cols):
        for m, c in poly.items():
            rows.append(index.setdefault(m, len(index)))
            cs.append(j)
            vals.append(float(c))
    scale = float(max(abs(c) for c in p.values()))
    A = sps.csr_matrix((vals, (rows, cs)), shape=(len(index), len(cols)))
    b = np.zeros(len(index))
    for m, c in p.items():
        b[index[m]] = float(c) / scale
    cost = np.zeros(len(cols))
    bounds = [(0, None)] * n_pos + [(None, None)] * (len(cols) - n_pos)
    if strict:  # as much strictness as allowed (capped), least total weight otherwise
        cost[n_sq:n_pos] = -1.0
        bounds[n_sq:n_pos] = [(0, 1.0)] * (n_pos - n_sq)
    cost[:n_sq] = 1e-6  # prefer few, small terms (a vertex with small support)
    try:
        sol = linprog(cost, A_eq=A, b_eq=b, bounds=bounds, method="highs",
                      options={"time_limit": time_limit, "presolve": True})
    except ValueError:
        return None
    if sol.status != 0 or sol.x is None:
        return None
    x = sol.x * scale
    tol = 1e-9 * max(1.0, float(np.max(np.abs(x))))
    support = [j for j in range(len(cols)) if abs(x[j]) > tol]
    if strict and not any(n_sq <= j < n_pos for j in support):
        return None
    # exact: solve the coefficient equations on the support columns over Q
    mons = list(index)
    M = fmpq_mat(len(mons), len(support))
    for r_, m in enumerate(mons):
        for c_, j in enumerate(support):
            v = cols[j][3].get(m)
            if v:
                M[r_, c_] = fmpq(v.numerator, v.denominator)
    rhs = fmpq_mat(len(mons), 1, [fmpq(p.get(m, Fraction(0)).numerator, p.get(m, Fraction(0)).denominator)
                                  for m in mons])
    y = _solve_consistent(M.transpose() * M, M.transpose() * rhs)
    if y is None or M * y != rhs:
        return None
    vals_q = [Fraction(int(v.p), int(v.q)) for v in y.entries()]
    grams: dict[int, list[tuple[Monomial, Fraction]]] = {}
    positive: list[tuple[Fraction, sp.Expr]] = []
    vanishing: list[tuple[Fraction, sp.Expr, sp.Expr]] = []
    for j, v in zip(support, vals_q, strict=True):
        kind, k, m, _ = cols[j]
        if kind != "free" and v < 0:
            return None
        if kind == "sq" and v:
            grams.setdefault(k, []).append((m, v))
        elif kind == "pos" and v:
            positive.append((v, pos_cands[k][0]))
        elif kind == "free" and v:
            e, mono, _ = free_cands[k]
            vanishing.append((v, e, mono))
    terms = [SOSTerm(sp.Integer(1), [], [])] if 0 not in grams else []
    for k in sorted(grams):
        basis = [m for m, _ in grams[k]]
        G = [[grams[k][i][1] if i == j else Fraction(0) for j in range(len(basis))] for i in range(len(basis))]
        terms.append(SOSTerm(mults[k][0], basis, G))
    cert = SOSCertificate(gens, target, terms, positive, vanishing, **region)
    ok, why = verify(cert)
    if not ok or (strict and not cert.strictly_positive):
        return None
    return SOSResult(True, cert, why, notes={"form": "linear combination of (constraint products) x "
                                             "(monomial squares): exact LP vertex", "lp_support": len(support)})


_MAX_MULTIPLIERS = 150  # products of three constraints only while the SDP stays this small
_DENOMINATORS = (1, 2, 12, 840, 2**20, 10**8, 2**40)  # nice small ones first, then fine ones
_JOINT_PROJECTION_MAX = 2500  # unknowns of the exact joint projection (rational linear algebra)


def _facial_reduction(mults, bases, pos_cands, numeric, rel_tol: float = 1e-5):
    """Drop the monomials whose Gram diagonal the solver left (numerically) at 0, multipliers
    whose Gram matrix vanishes, and unused strictness terms; None if nothing changes."""
    grams = numeric["grams"]
    top = max((float(np.max(np.diag(G))) for G in grams if G.size), default=0.0)
    if top <= 0:
        return None
    new_m, new_b = [], []
    changed = False
    for k, (G, basis) in enumerate(zip(grams, bases, strict=True)):
        keep = [m for i, m in enumerate(basis) if G[i, i] > rel_tol * top]
        changed = changed or len(keep) < len(basis)
        if keep or k == 0:
            new_m.append(mults[k])
            new_b.append(keep)
    cvals = numeric.get("c", np.zeros(0))
    new_c = [w for k, w in enumerate(pos_cands) if cvals[k] > rel_tol * max(1e-12, float(np.max(cvals)))]
    changed = changed or len(new_c) < len(pos_cands)
    if not changed or not new_b[0] and len(new_b) == 1:
        return None
    return new_m, new_b, new_c


_MAX_ITER = 100  # deterministic cap; time_limit is only a safety net


def _solve_sdp(p: PolyDict, mults, bases, pos_cands, free_cands, n: int, time_limit: float) -> dict[str, Any]:
    """The coefficient-matching SDP, handed to Clarabel directly (no modelling layer: cvxpy's
    import alone costs seconds).  Variables: each Gram matrix in Clarabel's scaled upper
    triangle (off-diagonals times sqrt 2), then the strictness constants c >= 0 (capped at 1e-2,
    which keeps the optimum off the PSD boundary), then the free equality multipliers."""
    import clarabel
    import scipy.sparse as sps

    t0 = time.perf_counter()
    scale = float(max(abs(c) for c in p.values()))
    index: dict[Monomial, int] = {m: i for i, m in enumerate(p)}
    rows, cols, vals = [], [], []
    blocks = []
    off = 0
    r2 = math.sqrt(2.0)
    for (_, md), basis in zip(mults, bases, strict=True):
        N = len(basis)
        blocks.append((off, N))
        col = off
        for j in range(N):
            for i in range(j + 1):
                mij = _mono_add(basis[i], basis[j])
                w = 1.0 if i == j else r2  # 2 G_ij = sqrt2 * (sqrt2 G_ij)
                for mg, cg in md.items():
                    rows.append(index.setdefault(_mono_add(mij, mg), len(index)))
                    cols.append(col)
                    vals.append(w * float(cg))
                col += 1
        off = col
    c_off = off
    for k, (_, wd) in enumerate(pos_cands):
        for mw, cw in wd.items():
            rows.append(index.setdefault(mw, len(index)))
            cols.append(c_off + k)
            vals.append(float(cw))
    f_off = c_off + len(pos_cands)
    for k, (_, _, fd) in enumerate(free_cands):
        for mw, cw in fd.items():
            rows.append(index.setdefault(mw, len(index)))
            cols.append(f_off + k)
            vals.append(float(cw))
    nvar = f_off + len(free_cands)
    n_eq = len(index)
    A_eq = sps.csc_matrix((vals, (rows, cols)), shape=(n_eq, nvar))
    b_eq = np.zeros(n_eq)
    for m, c in p.items():
        b_eq[index[m]] = float(c) / scale
    # cone rows: s = x_block in PSD; s = c >= 0; s = cap - c >= 0
    eye = sps.identity(nvar, format="csc")
    psd_rows = -eye[:c_off, :] if c_off else sps.csc_matrix((0, nvar))
    parts = [A_eq, psd_rows]
    b_parts = [b_eq, np.zeros(c_off)]
    cones = [clarabel.ZeroConeT(n_eq)] + [clarabel.PSDTriangleConeT(N) for _, N in blocks if N]
    nc = len(pos_cands)
    if nc:
        parts += [-eye[c_off:f_off, :], eye[c_off:f_off, :]]
        b_parts += [np.zeros(nc), np.full(nc, 1e-2)]
        cones += [clarabel.NonnegativeConeT(nc), clarabel.NonnegativeConeT(nc)]
    A = sps.vstack(parts, format="csc")
    b = np.concatenate(b_parts)
    q = np.zeros(nvar)
    q[c_off:f_off] = -1.0  # strict: as much positive constant as the cap allows
    P = sps.csc_matrix((nvar, nvar))
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.max_iter = _MAX_ITER
    settings.time_limit = time_limit
    solution = clarabel.DefaultSolver(P, q, A, b, cones, settings).solve()
    status = str(solution.status)
    out: dict[str, Any] = {"status": status, "seconds": time.perf_counter() - t0, "grams": None}
    if status in ("Solved", "AlmostSolved"):
        x = np.asarray(solution.x)
        grams = []
        for start, N in blocks:
            G = np.zeros((N, N))
            k = start
            for j in range(N):
                for i in range(j + 1):
                    G[i, j] = G[j, i] = x[k] if i == j else x[k] / r2
                    k += 1
            grams.append(G * scale)
        out["grams"] = grams
        out["c"] = x[c_off:f_off] * scale
        out["f"] = x[f_off:nvar] * scale
    return out


def _rat(x: float, denom: int) -> Fraction:
    return Fraction(round(x * denom), denom)


def _rational_psd(G: np.ndarray, denom: int) -> list[list[Fraction]]:
    """A rational PSD matrix near G: rounded entries if that is PSD exactly, else
    sum of rounded eigen-pieces lam_k v_k v_k^T with lam_k >= 0 (PSD by construction)."""
    N = G.shape[0]
    Gs = (G + G.T) / 2
    R = [[_rat(Gs[i, j], denom) for j in range(N)] for i in range(N)]
    for i in range(N):
        for j in range(i):
            R[i][j] = R[j][i]
    if ldl_psd(R)[0]:
        return R
    w, V = np.linalg.eigh(Gs)
    out = [[Fraction(0)] * N for _ in range(N)]
    for k in range(N):
        if w[k] <= 0:
            continue
        lk = _rat(w[k], denom)
        if lk <= 0:
            continue
        v = [_rat(V[i, k], denom) for i in range(N)]
        for i in range(N):
            if v[i]:
                for j in range(N):
                    if v[j]:
                        out[i][j] += lk * v[i] * v[j]
    return out


def _round_and_project(target, gens, p, mults, bases, pos_cands, free_cands, numeric, denom: int):
    """Round every multiplier to a rational PSD Gram matrix and the strictness constants to
    rationals, then give s_0 the exact residual by orthogonal projection of its rounded Gram
    matrix onto {G : z^T G z = residual} (entries sharing a monomial move by the same amount).
    s_0's basis drops monomials whose numeric diagonal vanishes (a cheap facial reduction)."""
    grams = numeric["grams"]
    terms: list[SOSTerm] = []
    residual: PolyDict = dict(p)
    for k in range(1, len(mults)):
        G = _rational_psd(grams[k], denom)
        if all(x == 0 for row in G for x in row):
            continue
        terms.append(SOSTerm(mults[k][0], bases[k], G))
        _add_into(residual, _mul(gram_poly(bases[k], G), mults[k][1]), Fraction(-1))
    positive: list[tuple[Fraction, sp.Expr]] = []
    for k, (w, wd) in enumerate(pos_cands):
        ck = _rat(numeric["c"][k], denom)
        if ck > 0:
            positive.append((ck, w))
            _add_into(residual, wd, -ck)
    vanishing: list[tuple[Fraction, sp.Expr, sp.Expr]] = []
    for k, (e, m, fd) in enumerate(free_cands):
        fk = _rat(numeric["f"][k], denom)
        if fk:
            vanishing.append((fk, e, m))
            _add_into(residual, fd, -fk)
    G0 = numeric["grams"][0]
    if not G0.size:
        return None
    tol = 1e-7 * max(1.0, float(np.max(np.abs(np.diag(G0)))))
    basis = [m for i, m in enumerate(bases[0]) if G0[i, i] > tol]
    for trial_basis in (basis, bases[0]):
        idx = [bases[0].index(m) for m in trial_basis]
        proj = _project(G0[np.ix_(idx, idx)], trial_basis, residual, denom)
        if proj is not None:
            return SOSCertificate(gens, target, [SOSTerm(sp.Integer(1), trial_basis, proj), *terms],
                                  positive, vanishing)
    return None


def _project(G: np.ndarray, basis: list[Monomial], residual: PolyDict, denom: int):
    N = len(basis)
    R = [[_rat((G[i, j] + G[j, i]) / 2, denom) for j in range(N)] for i in range(N)]
    groups: dict[Monomial, list[tuple[int, int]]] = {}
    for i in range(N):
        for j in range(N):
            groups.setdefault(_mono_add(basis[i], basis[j]), []).append((i, j))
    if any(m not in groups for m in residual):
        return None
    for m, cells in groups.items():
        cur = sum((R[i][j] for i, j in cells), Fraction(0))
        delta = (residual.get(m, Fraction(0)) - cur) / len(cells)
        if delta:
            for i, j in cells:
                R[i][j] += delta
    return R


def _project_all(target, gens, p, mults, bases, pos_cands, free_cands, numeric, denom: int):
    """Round every Gram matrix (on the face where its numeric diagonal is nonzero) and the
    largest strictness constant, then project all of them jointly and exactly onto the affine
    space where the identity holds: x = x0 + A^T y with (A A^T) y = b - A x0 over Q."""
    from flint import fmpq, fmpq_mat

    grams = numeric["grams"]
    cells: list[tuple[int, int, int]] = []  # (term, i, j) with i <= j, in reduced bases
    reduced: list[list[int]] = []
    for k, G in enumerate(grams):
        tol = 1e-7 * max(1.0, float(np.max(np.abs(np.diag(G))))) if G.size else 0.0
        keep = [i for i in range(G.shape[0]) if G[i, i] > tol]
        reduced.append(keep)
        cells += [(k, a, b) for a in range(len(keep)) for b in range(a, len(keep))]
    cvals = numeric.get("c", np.zeros(0))
    c_used = [k for k in range(len(pos_cands)) if cvals[k] > 1e-7 * max(1.0, float(np.max(cvals)))]
    nvar = len(cells) + len(c_used) + len(free_cands)
    if nvar == 0:
        return None
    rows: dict[Monomial, dict[int, Fraction]] = {}

    def add(m: Monomial, col: int, v: Fraction) -> None:
        r = rows.setdefault(m, {})
        r[col] = r.get(col, Fraction(0)) + v

    x0: list[Fraction] = []
    for col, (k, a, b) in enumerate(cells):
        ia, ib = reduced[k][a], reduced[k][b]
        G = grams[k]
        x0.append(_rat((G[ia, ib] + G[ib, ia]) / 2, denom))
        m = _mono_add(bases[k][ia], bases[k][ib])
        w = Fraction(1 if a == b else 2)
        for mg, cg in mults[k][1].items():
            add(_mono_add(m, mg), col, w * cg)
    for t, k in enumerate(c_used):
        x0.append(_rat(cvals[k], denom))
        for mw, cw in pos_cands[k][1].items():
            add(mw, len(cells) + t, cw)
    base_free = len(cells) + len(c_used)
    for k, (_, _, fd) in enumerate(free_cands):
        x0.append(_rat(numeric["f"][k], denom))
        for mw, cw in fd.items():
            add(mw, base_free + k, cw)
    if any(m not in rows for m in p):
        return None
    mons = list(rows)
    A = fmpq_mat(len(mons), nvar)
    for r, m in enumerate(mons):
        for col, v in rows[m].items():
            A[r, col] = fmpq(v.numerator, v.denominator)
    X0 = fmpq_mat(nvar, 1, [fmpq(v.numerator, v.denominator) for v in x0])
    bvec = fmpq_mat(len(mons), 1, [fmpq(p.get(m, Fraction(0)).numerator, p.get(m, Fraction(0)).denominator)
                                   for m in mons])
    At = A.transpose()
    rhs = bvec - A * X0
    y = _solve_consistent(A * At, rhs)
    if y is None:
        return None
    X = X0 + At * y
    vals = [Fraction(int(v.p), int(v.q)) for v in X.entries()]
    terms = []
    for k in range(len(grams)):
        keep = reduced[k]
        Gk = [[Fraction(0)] * len(keep) for _ in keep]
        terms.append(Gk)
    for col, (k, a, b) in enumerate(cells):
        terms[k][a][b] = terms[k][b][a] = vals[col]
    out = []
    for k, Gk in enumerate(terms):
        if not reduced[k]:
            continue
        out.append(SOSTerm(mults[k][0], [bases[k][i] for i in reduced[k]], Gk))
    positive = [(vals[len(cells) + t], pos_cands[k][0]) for t, k in enumerate(c_used)]
    vanishing = [(vals[base_free + k], e, m) for k, (e, m, _) in enumerate(free_cands) if vals[base_free + k]]
    if not out or out[0].multiplier != 1:
        out.insert(0, SOSTerm(sp.Integer(1), [], []))
    return SOSCertificate(gens, target, out, positive, vanishing)


def _solve_consistent(M, r):
    """A solution of M y = r over Q (M square, possibly singular), or None if inconsistent."""
    from flint import fmpq_mat

    n = M.nrows()
    try:
        return M.solve(r)
    except ZeroDivisionError:
        pass
    aug = fmpq_mat(n, n + 1)
    for i in range(n):
        for j in range(n):
            aug[i, j] = M[i, j]
        aug[i, n] = r[i, 0]
    R, rank = aug.rref()
    y = fmpq_mat(n, 1)
    for i in range(rank):
        piv = next((j for j in range(n + 1) if R[i, j] != 0), None)
        if piv is None or piv == n:
            return None  # 0 = nonzero: inconsistent
        y[piv, 0] = R[i, n]
    return y
