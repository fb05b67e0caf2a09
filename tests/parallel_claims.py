"""Test claims for tests/test_parallel.py: sampled and swept checks long enough (>= 30 items)
that a claim variant run through ``--executor dask`` sends its batches to the cluster.

Dask worker processes import this module by name (the test's ``sys.path`` is theirs), so
:func:`load` is the ``loader`` handed to ``run_many``.
"""

from __future__ import annotations

import time
from fractions import Fraction

import mpmath as mp
from mpmath import mp as mp_context  # a closure over the global context must travel by reference

from theorems import engines
from theorems.claim import Claim, Context, Kind, Outcome
from theorems.spec import Domain, Holds, Order, Real, claim

SAMPLES = 40  # above parallel.MIN_ITEMS_TO_DISTRIBUTE: these checks distribute
X = Domain(Real("x", -3, 3))


def _mpf(p: Fraction) -> mp.mpf:
    return mp.mpf(p.numerator) / p.denominator


def _x(inst) -> mp.mpf:
    return _mpf(inst["x"])


def _square_slack(inst, dps):
    """(x - 1)^2 >= 0 (true), computed through the global context like paper code does."""
    return mp_context.power(_x(inst) - 1, 2)


def _false_slack(inst, dps):
    """1 - x^2 >= 0 on [-3, 3] (false for |x| > 1)."""
    return 1 - _x(inst) ** 2


def _crash_slack(inst, dps):
    if _x(inst) > 2:
        raise ArithmeticError(f"deliberate crash at x = {inst['x']}")
    return mp.mpf(1)


def _slow_slack(inst, dps):
    time.sleep(0.25)
    return mp.mpf(1)


@claim("t.square", title="a true inequality", source="test", kind=Kind.INEQUALITY,
       statement="(x - 1)^2 >= 0 on [-3, 3]")
def square():
    """A true inequality: passes (SUPPORTED), the same locally and on a cluster."""
    return Holds(_square_slack, X, samples=SAMPLES, search=False, label="(x - 1)^2 >= 0")


@claim("t.false", title="a false inequality", source="test", kind=Kind.INEQUALITY,
       statement="1 - x^2 >= 0 on [-3, 3]")
def false():
    """A false inequality: REFUTED with the same witness locally and on a cluster."""
    return Holds(_false_slack, X, samples=SAMPLES, search=False, label="1 - x^2 >= 0")


@claim("t.crash", title="a slack that crashes", source="test", kind=Kind.INEQUALITY,
       statement="a slack that raises for x > 2")
def crash():
    """A crash inside a batch: ERROR, never a verdict."""
    return Holds(_crash_slack, X, samples=SAMPLES, search=False, label="crashes")


@claim("t.slow", title="a slack slower than the time limit", source="test", kind=Kind.INEQUALITY,
       statement="40 evaluations of 0.25 s each")
def slow():
    """Runs out of a few seconds' time limit inside the batches."""
    return Holds(_slow_slack, X, samples=SAMPLES, search=False, label="slow")


def _stateful_check(ctx: Context) -> Outcome:
    """A slack that records what it saw in a dict it captured, which the evidence reads (as
    some paper checks count runs by outcome): on a worker the records would be lost."""
    seen: dict[str, bool] = {}

    def slack(inst, dps):
        seen[str(inst["x"])] = True
        return 1 + _x(inst) ** 2

    out = engines.sampled(slack, X.sample, ctx, samples=SAMPLES, label="1 + x^2 >= 0")
    out.details["instances recorded by the slack"] = len(seen)
    return out


STATEFUL = Claim("t.stateful", "a slack that keeps state", "test", "1 + x^2 >= 0", Kind.INEQUALITY,
                 "", _stateful_check)

def _heavy_slack(inst, dps):
    """About a quarter of a second of mpmath work per instance (for timing the batches:
    benchmarks/bench_core.py --dask-variant t.heavy with this module importable)."""
    x = _x(inst)
    return sum(mp.quad(lambda u, k=k: mp.exp(-(u * x) ** 2) * mp.cos(k * u), [0, 1]) for k in range(80)) + 100


@claim("t.heavy", title="a slow true inequality", source="test", kind=Kind.INEQUALITY,
       statement="40 evaluations of a quarter of a second each")
def heavy():
    """Timing only (not in the tests)."""
    return Holds(_heavy_slack, X, samples=SAMPLES, search=False, label="heavy")


SWEEP = [Fraction(1, 2**k) for k in range(30)]


def _blowup_ratio(p: Fraction, dps: int):
    return 1 / _mpf(p)


def _bounded_ratio(p: Fraction, dps: int):
    return 1 + _mpf(p)


def _growth_check(ctx: Context) -> Outcome:
    """O(1) claimed, ratio 1/p measured along p -> 0: unbounded (REFUTED)."""
    return engines.growth(SWEEP, _blowup_ratio, ctx, label="1/p = O(1)", family="p = 2^-k",
                          independent_points=True)


BOUNDED = Order(_bounded_ratio, SWEEP, family="p = 2^-k", label="1 + p = O(1)", min_decades=None,
                independent_points=True)  # the spec layer's way to the same engine

GROWTH = Claim("t.growth", "an O(1) claim along a sweep", "test", "1/p = O(1) as p -> 0", Kind.RATE,
               "", _growth_check, reading="1 + p = O(1) as p -> 0", reading_check=BOUNDED.check)

CLAIMS = {c.id: c for c in (square, false, crash, slow, heavy, GROWTH, STATEFUL)}


def load(claim_id: str) -> Claim:
    return CLAIMS[claim_id]
