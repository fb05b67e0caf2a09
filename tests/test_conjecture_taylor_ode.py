"""The Taylor-series integrator of gradient-flow conjectures (numeric.taylor_ode): exact
solutions to the working precision, agreement with mpmath's odefun, blow-ups and unsupported
functions reported, and GF trajectory conjectures decided with it (a false one REFUTED with a
reproduce line that reproduces, true ones not refuted)."""

from __future__ import annotations

import shlex
from fractions import Fraction as F

import mpmath as mp
import pytest
import sympy as sp

from numeric.taylor_ode import Diverged, TaylorFlow, Unsupported
from theorems import Budget, Context, Verdict
from theorems.cli import main as cli_main
from theorems.conjectures import check_conjecture, prepare
from theorems.conjectures.models import UserModel

u, v, w, x, h = sp.symbols("u v w x h", real=True)


def test_linear_flow_exact_to_50_digits():
    (y,), = TaylorFlow([-h * x], [x], [h]).solve([F(3)], [F(2)], [F(5, 2)], digits=50)
    with mp.workdps(60):
        assert abs(mp.mpf(str(y)) - 3 * mp.exp(-5)) < mp.mpf(10) ** -50


@pytest.mark.parametrize("field,y0", [
    ([-(u * v * w - 1) * v * w, -(u * v * w - 1) * u * w, -(u * v * w - 1) * u * v],
     [F(1, 2), F(3, 4), F(-1)]),  # the depth-3 chain's gradient flow
    ([-sp.tanh(u) + sp.sqrt(1 + v**2) - 1, sp.log(2 + u**2) - v / (1 + u**2)], [F(1), F(-1, 3)]),
])
def test_agrees_with_mpmath_odefun(field, y0):
    syms = sorted(set().union(*(f.free_symbols for f in field)), key=str)
    got = TaylorFlow(field, syms).solve(y0, [F(1, 2), F(1)], digits=30)
    f = sp.lambdify(syms, field, modules="mpmath")
    with mp.workdps(45):
        sol = mp.odefun(lambda t, y: f(*y), 0, [mp.mpf(a.numerator) / a.denominator for a in y0])
        want = sol(1)
        for a, b in zip(got[-1], want, strict=True):
            assert abs(mp.mpf(str(a)) - b) < mp.mpf(10) ** -29


def test_blow_up_and_unsupported():
    with pytest.raises(Diverged):
        TaylorFlow([x**2], [x]).solve([F(1)], [F(2)], digits=30)  # x = 1/(1 - t)
    with pytest.raises(Unsupported):
        TaylorFlow([-sp.Abs(x)], [x])


QUICK = Context(budget=Budget.named("quick"))
CHAIN = UserModel("u, v, w", "(u*v*w - 1)^2/2", lets=("C = u^2 - v^2",), name="chain")


@pytest.mark.parametrize("claim,expected", [
    ("C[t] == C[0]", "holds"),  # conserved along GF
    ("loss[t] <= loss[0]", "holds"),  # GF decreases the loss
    ("abs(u[t]) <= abs(u[0])", "REFUTED"),  # a small layer grows
    ("loss[t] <= loss[0]*exp(-t)", "REFUTED"),  # no uniform rate: the gradient can be tiny
])
def test_chain_gradient_flow_trajectories(claim, expected, capsys):
    conj = prepare(CHAIN, claim, [], "trajectory", flow="gf", times="1/2, 1, 2")
    out = check_conjecture(conj, QUICK)
    if expected == "holds":
        assert out.verdict in (Verdict.PROVED, Verdict.CERTIFIED, Verdict.SUPPORTED), out.reason
        return
    assert out.verdict is Verdict.REFUTED, out.reason
    words = shlex.split(out.details["reproduce"])[3:]
    assert cli_main([*words, "--no-report"]) == 1
    assert "REFUTED" in capsys.readouterr().out
