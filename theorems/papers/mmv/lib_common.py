"""Small shared helpers of the mmv paper modules: exact-to-mpf conversion, matrices from
exact inputs, a statement wrapper that attaches side evidence (e.g. PEPit worst cases)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath as mp
import sympy as sp

from numeric.precision import mpf_of
from theorems.claim import Context, Outcome
from theorems.spec import Statement, guarded


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

