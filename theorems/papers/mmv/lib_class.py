"""Section I library: the class of L-smooth (and mu-PL) functions as a domain variable, the
converse family of (2), and exact worst cases over the class computed with PEPit.

Members come from :mod:`symbolic.smooth_class` (formulas with exact rational coefficients,
exact L and mu); a counterexample prints the member's formula.
"""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath as mp
import sympy as sp

from symbolic.smooth_class import FAMILIES, ClassMember, build, sample_params
from theorems.spec import Member

# The catalogue's hand-picked members first: x^2 + 3 sin^2 x (L = 8, mu = 1/32), a strongly
# convex quadratic, an ill-conditioned one, and f_X composed with the squared loss.
HAND = (
    ("trig", {"p": Fraction(1), "q": Fraction(3), "c": Fraction(0)}),
    ("quadratic", {"h1": Fraction(1), "h2": Fraction(1, 10), "r": Fraction(1, 2), "c": (Fraction(0), Fraction(0))}),
    ("quadratic", {"h1": Fraction(1000), "h2": Fraction(1), "r": Fraction(0), "c": (Fraction(1), Fraction(-1))}),
    ("least_squares", {"J": (Fraction(1), Fraction(2), Fraction(0), Fraction(0), Fraction(1), Fraction(-1)),
                       "theta_star": (Fraction(1), Fraction(0), Fraction(1, 2))}),
    ("trig2", {"h1": Fraction(1), "h2": Fraction(2), "q": Fraction(3)}),
)


def member_generator(families: tuple[str, ...] = FAMILIES, need_mu: bool = False):
    """generator(rng, j) -> ClassMember: hand-picked members first, then families in turn."""

    def gen(rng: random.Random, j: int) -> ClassMember:
        hand = [h for h in HAND if h[0] in families]
        for k in range(50):
            if j < len(hand) and k == 0:
                fam, params = hand[j]
            else:
                fam = families[(j + k) % len(families)]
                params = sample_params(fam, rng)
            m = build(fam, params)
            if not need_mu or m.mu is not None:
                return m
        raise ValueError("no member with a known PL constant in these families")

    return gen


def smooth_member(name: str = "f", need_mu: bool = False, families: tuple[str, ...] = FAMILIES) -> Member:
    text = ("an L-smooth function with minimum 0 from the generator (quadratics, x^2 + 3 sin^2 x "
            "and p x^2 + q sin^2 x, 1/2 x^T diag(h) x + q sum sin^2 x_i, f_X with the squared loss 1/2 "
            "|J (theta* - theta)|^2), exact L" + (" and PL constant mu" if need_mu else ""))
    return Member(name, member_generator(families, need_mu), description=text)


def point(m: ClassMember, z: tuple[Fraction, ...]) -> list:
    return [mp.mpf(x.numerator) / x.denominator for x in z[: m.dim]]


# ------------------------------------------------------------------ converse of (2)

x = sp.Symbol("x", real=True)


def converse_member_text(L: Fraction, c: Fraction) -> str:
    const = Fraction(27) * c**4 / (32 * L**3)
    return f"f(x) = {L}/2 x^2 - {c} |x|^(3/2) + {const}  (min f = 0; L/2 x^2 - f = {c}|x|^(3/2) - const is convex)"


def converse_fprime(L, c, z):
    """f'(x) for f = L/2 x^2 - c |x|^{3/2} + const."""
    return L * z - mp.mpf(3) / 2 * c * mp.sign(z) * mp.sqrt(abs(z))


def converse_f(L, c, z):
    return L / 2 * z**2 - c * abs(z) ** mp.mpf(1.5) + 27 * c**4 / (32 * L**3)


# ------------------------------------------------------------------ PEPit worst cases


def pepit_descent(L: float, eta: float) -> float:
    """max f(x1) - f(x0) over L-smooth (non-convex) f with |grad f(x0)|^2 = 1, x1 = x0 - eta g0
    (exact worst case by performance estimation, an SDP)."""
    from PEPit import PEP
    from PEPit.functions import SmoothFunction

    p = PEP()
    f = p.declare_function(SmoothFunction, L=L)
    x0 = p.set_initial_point()
    g0, f0 = f.oracle(x0)
    f1 = f(x0 - eta * g0)
    p.set_initial_condition(g0**2 == 1)
    p.set_performance_metric(f1 - f0)
    return float(p.solve(verbose=0))


def pepit_upper_bound(L: float) -> float:
    """max f(z) - f(z') - <grad f(z'), z - z'> over L-smooth f with |z - z'| = 1 (claimed L/2)."""
    from PEPit import PEP
    from PEPit.functions import SmoothFunction

    p = PEP()
    f = p.declare_function(SmoothFunction, L=L)
    z0 = p.set_initial_point()
    z1 = p.set_initial_point()
    g0, f0 = f.oracle(z0)
    f1 = f(z1)
    p.set_initial_condition((z1 - z0) ** 2 == 1)
    p.set_performance_metric(f1 - f0 - g0 * (z1 - z0))
    return float(p.solve(verbose=0))


def pepit_pl_step(L: float, mu: float) -> float:
    """Worst (f(x1) - f*) / (f(x0) - f*) for x1 = x0 - grad f(x0)/L over L-smooth mu-PL
    functions.  PEPit's PL class uses necessary (not sufficient) interpolation conditions: the
    value is an upper bound on the true worst case."""
    from PEPit import PEP
    from PEPit.functions import SmoothQuadraticLojasiewiczFunctionExpensive

    p = PEP()
    f = p.declare_function(SmoothQuadraticLojasiewiczFunctionExpensive, L=L, mu=mu)
    xs = f.stationary_point()
    fs = f(xs)
    x0 = p.set_initial_point()
    g0, f0 = f.oracle(x0)
    f1 = f(x0 - g0 / L)
    p.set_initial_condition(f0 - fs <= 1)
    p.set_performance_metric(f1 - fs)
    return float(p.solve(verbose=0))
