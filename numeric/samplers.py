"""Samplers for hypothesis regions.  Every value is an exact rational; draws reach the
edges on purpose (tiny and huge scales, d = 1 and d > 1, mixed signs, step sizes at a
fraction of each cap close to 1).  Deterministic given the ``random.Random`` passed in."""

from __future__ import annotations

import math
import random
from fractions import Fraction

DEN = 10**12


def rational(x: float, den: int = DEN) -> Fraction:
    """A simple rational near a float (exactness of the *instance* is what matters)."""
    return Fraction(x).limit_denominator(den)


def log_uniform(rng: random.Random, lo: float, hi: float) -> Fraction:
    return rational(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def uniform(rng: random.Random, lo: float, hi: float, open_lo=True, open_hi=True) -> Fraction:
    while True:
        x = rational(rng.uniform(lo, hi))
        if (x > lo or (not open_lo and x == lo)) and (x < hi or (not open_hi and x == hi)):
            return x


def gaussian_vector(rng: random.Random, d: int, scale: float = 1.0) -> tuple[Fraction, ...]:
    return tuple(rational(rng.gauss(0, 1) * scale) for _ in range(d))


STEP_FRACTIONS = (Fraction(1, 20), Fraction(1, 10), Fraction(3, 10), Fraction(1, 2),
                  Fraction(9, 10), Fraction(99, 100), Fraction(999, 1000))


def step_fraction(rng: random.Random, i: int) -> Fraction:
    """Cycle through the catalogue's fractions of the cap, then random ones."""
    if i < len(STEP_FRACTIONS) * 2:
        return STEP_FRACTIONS[i % len(STEP_FRACTIONS)]
    return uniform(rng, 0.0, 1.0)


def dimension(rng: random.Random, i: int, choices=(1, 2, 3)) -> int:
    return choices[i % len(choices)] if i < 3 * len(choices) else rng.choice(choices)


def shallow_init(rng: random.Random, i: int, region: str | None = None, d: int | None = None,
                 phi_range=(1e-3, 1e3)) -> dict:
    """An initialisation (a0, b0, Phi) of the shallow linear network.

    ``region``: 'A' (eps > 0), 'B' (-Phi < eps < 0), 'C' (a.b < 0), or None (any).  Scales
    are log-uniform in [10^-1.5, 10^1.5] sqrt(Phi), Phi log-uniform in ``phi_range``.
    """
    d = d or dimension(rng, i)
    for _ in range(10_000):
        Phi = log_uniform(rng, *phi_range)
        s = math.exp(rng.uniform(math.log(10**-1.5), math.log(10**1.5))) * math.sqrt(float(Phi))
        a = gaussian_vector(rng, d, s / math.sqrt(d))
        b = gaussian_vector(rng, d, s / math.sqrt(d))
        ab = sum(x * y for x, y in zip(a, b, strict=True))
        eps = ab - Phi
        if region is None or (region == "A" and eps > 0) or (region == "B" and -Phi < eps < 0) or (
            region == "C" and ab < 0
        ):
            if any(x * x != y * y for x, y in zip(a, b, strict=True)) or rng.random() < 0.05:
                return {"a": a, "b": b, "Phi": Phi}
    raise ValueError(f"could not sample an initialisation in region {region!r}")
