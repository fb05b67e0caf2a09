"""Small shared helpers of the mmv paper modules: exact-to-mpf conversion, matrices from
exact inputs, a statement wrapper that attaches side evidence (e.g. PEPit worst cases), O(.)
statements decided by an exact SymPy limit, and a proof with numeric cross-checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath as mp
import sympy as sp

from numeric.precision import mpf_of
from theorems.claim import Context, Outcome, proof_with_cross_checks
from theorems.spec import Inequality, Statement, Uncheckable, guarded


def q(x: Fraction | int) -> mp.mpf:
    return mpf_of(x)


def qs(v: Sequence[Fraction]) -> list[mp.mpf]:
    return [mpf_of(x) for x in v]


def rat(x: Fraction | int) -> sp.Rational:
    x = Fraction(x)
    return sp.Rational(x.numerator, x.denominator)


def mpmatrix(entries: Sequence[Fraction], rows: int, cols: int) -> mp.matrix:
    M = mp.matrix(rows, cols)
    for i in range(rows):
        for j in range(cols):
            M[i, j] = mpf_of(entries[i * cols + j])
    return M


def spmatrix(entries: Sequence[Fraction], rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, [rat(x) for x in entries])


def spectral_norm(M: mp.matrix):
    """Largest singular value (symmetric input: largest |eigenvalue|)."""
    return max(mp.svd_r(M, compute_uv=False))


def sym_eigs(M: mp.matrix) -> list:
    ev, _ = mp.eigsy(M)
    return sorted(ev[i] for i in range(M.rows))


@dataclass(frozen=True)
class WithEvidence(Statement):
    """Run ``inner`` and add ``evidence()`` (a dict of measured side facts, e.g. a PEPit worst
    case beside the claimed constant) to the outcome's details.  The verdict is the inner
    statement's; a failing evidence computation is recorded, never changes it."""

    inner: Statement
    evidence: Callable[[], Mapping[str, Any]]
    label: str = ""

    def check(self, ctx: Context) -> Outcome:
        out = guarded(self.inner, ctx)
        try:
            out.details.update(dict(self.evidence()))
        except Exception as exc:  # noqa: BLE001 - side evidence must not change a verdict
            out.details["evidence_error"] = f"{type(exc).__name__}: {exc}"
        return out

    def hypotheses(self) -> str:
        return self.inner.hypotheses()


def finite_limit(ratio: sp.Expr, var: sp.Symbol, point: Any, label: str, domain: Any = None,
                 direction: str = "+") -> Statement:
    """An O(.) statement decided from a closed form: ``ratio`` (measured / claimed order, >= 0)
    has the limit L = lim_{var -> point} ratio (SymPy's exact limit), and the statement is
    1/(1 + L) > 0, i.e. L is finite (then the ratio, continuous on its range, is bounded near
    the limit point).  L = oo makes it false; a limit SymPy cannot compute (unevaluated, or an
    interval of accumulation points) leaves it undecided with that reason."""
    L = sp.simplify(sp.limit(ratio, var, point, direction))
    where = f"{var} -> {point}{direction if point in (0, sp.S.Zero) else ''}"
    if L.has(sp.Limit) or isinstance(L, sp.AccumBounds) or L.has(sp.AccumBounds) or L.has(sp.zoo, sp.nan):
        return Uncheckable(f"SymPy finds no limit of the ratio as {where} ({L}); a closed-form bound is needed",
                           label=label)
    return Inequality(1 / (1 + L), domain, strict=True,
                      label=f"{label}: lim_({where}) ratio = {sp.sstr(L)} (SymPy limit of the closed form) is finite")


@dataclass(frozen=True)
class ProvedWithCrossChecks(Statement):
    """A proof (exact statements) with numeric cross-checks (:func:`theorems.claim.proof_with_cross_checks`):
    when every proof part is PROVED, passing cross-checks are listed in the details and cannot
    add to the proof; a failing cross-check still enters the verdict (it can refute, or expose a
    contradiction).  When a proof part is not PROVED, every part is in the conjunction."""

    proof: tuple[Statement, ...]
    checks: tuple[Statement, ...]
    label: str = ""

    def check(self, ctx: Context) -> Outcome:
        out = proof_with_cross_checks([guarded(p, ctx) for p in self.proof], [guarded(c, ctx) for c in self.checks])
        return out.named(self.label) if self.label else out

    def hypotheses(self) -> str:
        texts = [p.hypotheses() for p in (*self.proof, *self.checks)]
        return " | ".join(dict.fromkeys(t for t in texts if t))
