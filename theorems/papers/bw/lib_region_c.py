"""bw library: helpers moved out of s7a_region_c so that sections do not import sections."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from fractions import Fraction

from numeric import ball
from numeric.precision import mpf_of

from ... import engines
from ...claim import Context, Outcome


def state(a: Sequence, b: Sequence, Phi):
    """(a.b, eps, lam, [Q_i]) in whatever arithmetic the inputs use (Fraction, mpf)."""
    p = sum((x * y for x, y in zip(a, b, strict=True)), start=0 * Phi)
    lm = sum((x * x for x in a), start=0 * Phi) + sum((y * y for y in b), start=0 * Phi)
    return p, p - Phi, lm, [x * x - y * y for x, y in zip(a, b, strict=True)]


def exact_sampled(
    slack: Callable[[dict], Fraction | None],
    sampler: Callable[[random.Random, int], dict],
    ctx: Context,
    *,
    label: str,
    strict: bool,
) -> Outcome:
    """:func:`engines.sampled` for a slack computed exactly in rationals: the mpmath value is
    the exact rational rounded once, and the ball (certify) is the exact rational itself."""

    def mp_slack(inst, dps):
        v = slack(inst)
        return None if v is None else mpf_of(v)

    def certify(inst):
        v = slack(inst)
        return None if v is None else ball.arb_of(v)

    return engines.sampled(mp_slack, sampler, ctx, label=label, strict=strict, certify=certify,
                           method="exact rational evaluation at sampled points")
