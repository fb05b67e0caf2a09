"""Shared pieces for the ``bw`` claims: models, samplers, and check builders.

Nothing here decides a verdict; it only prepares inputs for :mod:`theorems.engines`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from functools import cache

import mpmath as mp
import sympy as sp

from numeric import samplers
from numeric.precision import mpf_of
from numeric.shallow import Run, gd_run, theorem_cap
from symbolic.models import Model, ReducedShallowLinear, shallow_linear

from ... import engines
from ...claim import Context, Outcome, all_of, proof_with_cross_checks  # noqa: F401 (re-export)

DIMS = (1, 2, 3)
R = ReducedShallowLinear()
eps, lam, Phi, eta = R.eps, R.lam, R.Phi, R.eta


@cache
def model(d: int) -> Model:
    return shallow_linear(d)


def component_sampler(m: Model, positive_phi: bool = True) -> Callable[[random.Random], dict]:
    """Exact rational points for identity witnesses: components of either sign, Phi > 0."""

    def draw(rng: random.Random) -> dict:
        pt = {s: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for s in m.state}
        for p in m.params:
            pt[p] = sp.Rational(rng.randint(1, 9), rng.randint(1, 4)) if positive_phi else sp.Rational(
                rng.randint(-9, 9), rng.randint(1, 4))
        pt[m.eta] = sp.Rational(rng.randint(1, 9), rng.randint(2, 20))
        return pt

    return draw


def reduced_sampler(rng: random.Random) -> dict:
    return {
        eps: sp.Rational(rng.randint(-20, 20), rng.randint(1, 7)),
        lam: sp.Rational(rng.randint(1, 40), rng.randint(1, 5)),
        Phi: sp.Rational(rng.randint(1, 9), rng.randint(1, 4)),
        eta: sp.Rational(rng.randint(1, 9), rng.randint(2, 20)),
    }


def to_components(m: Model, expr: sp.Expr) -> sp.Expr:
    """Substitute the reduced symbols (eps, lam, Phi, eta) by the model's component formulas."""
    return sp.sympify(expr).xreplace({
        eps: m.quantity("eps"),
        lam: m.quantity("lam"),
        Phi: m.params[0],
        eta: m.eta,
    })


def identity_in_dims(
    ctx: Context,
    build: Callable[[Model], tuple[sp.Expr, sp.Expr]],
    dims: Sequence[int] = DIMS,
    label: str = "",
) -> Outcome:
    """Run :func:`engines.identity` on explicit components for each d; ``build(model)``
    returns (derived, printed)."""
    parts = []
    for d in dims:
        m = model(d)
        actual, printed = build(m)
        parts.append(engines.identity(actual, printed, ctx, label=f"{label} d={d}".strip(),
                                      sample=component_sampler(m)))
    return all_of(parts)


# ------------------------------------------------------------------ trajectories


def init_instance(rng: random.Random, i: int, region: str | None = None, d: int | None = None,
                  cap: Callable[[dict], Fraction] | None = None) -> dict:
    """(a, b, Phi, eta) with eta = u * cap, u from the catalogue's fractions (exact)."""
    inst = samplers.shallow_init(rng, i, region=region, d=d)
    c = cap(inst) if cap else theorem_cap(inst["a"], inst["b"], inst["Phi"])
    inst["eta"] = samplers.step_fraction(rng, i) * c
    return inst


def run_of(inst: Mapping, ctx_steps: int, keep_vectors: bool = False) -> Run:
    return gd_run(inst["a"], inst["b"], inst["Phi"], inst["eta"], ctx_steps, keep_vectors=keep_vectors)


def mpf(x: Fraction) -> mp.mpf:
    return mpf_of(x)
