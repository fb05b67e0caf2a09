"""Property-based tests (hypothesis, derandomised) of the engines' building blocks."""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from numeric import ball
from numeric.shallow import gd_run, reduced_step
from symbolic.provers import prove_polynomial_inequality

small = st.fractions(min_value=-5, max_value=5, max_denominator=50)
positive = st.fractions(min_value=Fraction(1, 50), max_value=5, max_denominator=50)


@given(st.lists(small, min_size=2, max_size=6).filter(lambda v: len(v) % 2 == 0), positive,
       st.fractions(min_value=Fraction(1, 1000), max_value=Fraction(1, 2), max_denominator=1000))
def test_vector_gd_matches_reduced_recursion(v, Phi, eta):
    d = len(v) // 2
    with mp.workdps(50):
        run = gd_run(tuple(v[:d]), tuple(v[d:]), Phi, eta, 1, tol=Fraction(0))
        e, lam = reduced_step(run.eps[0], run.lam[0], mp.mpf(Phi.numerator) / Phi.denominator,
                              mp.mpf(eta.numerator) / eta.denominator)
        scale = 1 + abs(run.eps[0]) + run.lam[0]
        assert abs(e - run.eps[1]) <= mp.mpf(10) ** -40 * scale**4
        assert abs(lam - run.lam[1]) <= mp.mpf(10) ** -40 * scale**4


@given(small, small)
def test_ball_encloses_the_value(x, y):
    X, Y = sp.symbols("X Y")
    expr = sp.exp(X) * sp.tanh(Y) + sp.sqrt(X**2 + 1) - sp.Abs(X * Y)
    b = ball.evaluate(expr, {X: x, Y: y})
    with mp.workdps(60):
        xv, yv = mp.mpf(x.numerator) / x.denominator, mp.mpf(y.numerator) / y.denominator
        val = mp.exp(xv) * mp.tanh(yv) + mp.sqrt(xv**2 + 1) - abs(xv * yv)
        assert abs(val - mp.mpf(b.mid().str(55, radius=False))) <= mp.mpf(10) ** -50 + mp.mpf(b.rad().str(5, radius=False))


@given(st.lists(st.integers(-6, 6), min_size=3, max_size=3), small, small)
def test_polynomial_prover_is_sound(coeffs, x0, y0):
    """PROVED must never be returned for a polynomial that is negative somewhere."""
    x, y = sp.symbols("x y", real=True)
    p = coeffs[0] * x**2 + coeffs[1] * x * y + coeffs[2] * y**2 + 1
    result = prove_polynomial_inequality(p, strict=False, timeout_ms=2000)
    if result.proved:
        assert p.subs({x: sp.Rational(x0), y: sp.Rational(y0)}) >= 0
