"""bw library: helpers moved out of s5b_flow_limits so that sections do not import sections."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from fractions import Fraction

import mpmath as mp

from numeric.precision import fmt_instance

from ...claim import Context

Inst = dict


def exact_state(a: Sequence[Fraction], b: Sequence[Fraction], Phi: Fraction) -> tuple:
    """Exact (eps, lam, [Q_i]) of rational vectors."""
    ab = sum((x * y for x, y in zip(a, b, strict=True)), Fraction(0))
    lam = sum((x * x for x in a), Fraction(0)) + sum((y * y for y in b), Fraction(0))
    return ab - Phi, lam, [x * x - y * y for x, y in zip(a, b, strict=True)]


def below_thm_cap(inst: Inst) -> bool:
    """Exact check of the Theorem-1/2 step-size hypothesis 0 < eta < min{1/(2|eps0|), 2/lam_bar}."""
    a, b, Phi, eta = inst["a"], inst["b"], inst["Phi"], inst["eta"]
    e0, l0, _ = exact_state(a, b, Phi)
    return Phi > 0 and eta > 0 and (e0 == 0 or 2 * abs(e0) * eta < 1) and eta * eta * (l0 * l0 + 4 * Phi * Phi) < 4


def fixed_rng(ctx: Context, salt: str, i: int) -> random.Random:
    """The same instance for index i in every part of a claim (so flows can be cached)."""
    return random.Random(f"{ctx.seed}:{salt}:{i}")


_CACHE: dict = {}


def cached(tag: str, inst: Inst, dps: int, build: Callable[[], object]):
    key = (tag, tuple(sorted(fmt_instance(inst).items())), dps)
    if key not in _CACHE:
        if len(_CACHE) > 400:
            _CACHE.clear()
        _CACHE[key] = build()
    return _CACHE[key]


def lam_bar(lam0, Phi):
    return mp.sqrt(lam0 * lam0 + 4 * Phi * Phi)
