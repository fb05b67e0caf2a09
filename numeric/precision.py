"""Exact inputs and precision handling.

Instances are dicts of exact rationals (``Fraction``) or tuples of them; mpmath values are
made from them at the requested precision, and mpmath results convert back exactly (an
mpf is a dyadic rational).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import mpmath as mp

Exact = Fraction | tuple[Fraction, ...]
Instance = Mapping[str, Exact]


def mpf_of(x: Fraction | int, dps: int | None = None) -> mp.mpf:
    """An mpf for an exact rational (rounded once, at the current precision)."""
    x = Fraction(x)
    return mp.mpf(x.numerator) / x.denominator


def to_mp(inst: Instance) -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in inst.items():
        out[k] = tuple(mpf_of(x) for x in v) if isinstance(v, tuple) else mpf_of(v)
    return out


def exact_of_mpf(x: mp.mpf) -> Fraction:
    """The exact dyadic rational value of an mpf."""
    if not mp.isfinite(x):
        raise ValueError(f"non-finite value {x}")
    man, exp = mp.mpf(x).man_exp
    return Fraction(int(man)) * (Fraction(2) ** int(exp))


def fraction(x: float | int | str | Fraction, max_den: int | None = None) -> Fraction:
    f = Fraction(x) if not isinstance(x, float) else Fraction(x)
    return f.limit_denominator(max_den) if max_den else f


def fmt_exact(v: Exact) -> str:
    if isinstance(v, tuple):
        return "[" + ", ".join(str(x) for x in v) + "]"
    return str(v)


def fmt_instance(inst: Instance) -> dict[str, str]:
    return {k: fmt_exact(v) for k, v in inst.items()}


def parse_exact(text: str) -> Exact:
    text = text.strip()
    if text.startswith("["):
        inner = text.strip("[]").strip()
        return tuple(Fraction(p.strip()) for p in inner.split(",") if p.strip())
    return Fraction(text)


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


def check_finite(name: str, x) -> None:
    vals = x if isinstance(x, tuple | list) else (x,)
    for v in vals:
        if not mp.isfinite(v):
            raise FloatingPointError(f"{name} is not finite ({v})")
