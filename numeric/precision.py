"""Exact inputs and precision handling.

Instances are dicts of exact rationals (``Fraction``) or tuples of them; mpmath values are
made from them at the precision in force, so a re-evaluation at more digits starts from the
same exact inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import mpmath as mp

Exact = Fraction | tuple[Fraction, ...]
Instance = Mapping[str, Exact]


def mpf_of(x: Fraction | int) -> mp.mpf:
    """An mpf for an exact rational (rounded once, at the current precision)."""
    x = Fraction(x)
    return mp.mpf(x.numerator) / x.denominator


def fmt_exact(v: Exact) -> str:
    """Exact text of an input: rationals, vectors/matrices as nested brackets, and class
    members (e.g. a loss) by their ``str()``, which states them exactly."""
    if isinstance(v, tuple):
        return "[" + ", ".join(fmt_exact(x) for x in v) + "]"
    return str(v)


def fmt_instance(inst: Instance) -> dict[str, str]:
    return {k: fmt_exact(v) for k, v in inst.items()}


def fmt_num(x, digits: int = 6) -> str:
    try:
        return mp.nstr(x, digits)
    except Exception:  # noqa: BLE001 - formatting must never fail a report
        return str(x)


def simplest_nearby(x: Fraction, rel: Fraction) -> list[Fraction]:
    """Simpler rationals near x, simplest first (for shrinking counterexamples)."""
    out = []
    for den in (1, 2, 4, 10, 16, 100, 1000, 10**4, 10**6, 10**9):
        c = x.limit_denominator(den)
        if c not in out and c != x and (x == 0 or abs(c - x) <= abs(rel * x)):
            out.append(c)
    return out
