"""Fuzzing the one-line conjecture checker in-process (issue 13): hypothesis-generated claims,
assumptions and options on a built-in and a user-defined model.  Every run must end with a
documented exit status (0 decided and nothing refuted, 1 REFUTED, 2 bad input, 4 nothing
decided; never 3, an internal error), no traceback, within the time limit (plus start-up slack), nothing executed;
every REFUTED must reproduce with its own reproduce line.  A bounded count runs by default, a
larger one with ``--run-deep``."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from theorems.cli import main as cli_main

SENTINEL = Path("/tmp/gd_theorem_suite_fuzz_executed")
TIME_LIMIT = 8
# A hang, not a slow run: the limit interrupts Python code within seconds, but one call into C
# (a huge power in gmpy2) finishes first, and CI shares 2 cores between test workers.
HANG_SECONDS = 120

NAMES = {"shallow": ["eps", "lam", "ab", "Phi", "eta", "alpha", "Q2gram", "a_i", "b_i"],
         "user": ["u", "v", "loss", "gnorm2", "c", "eta", "C"]}
NUMBERS = ["0", "1", "2", "1/2", "0.1", "3/7", "10**150", "10**999", "1/10**30", "sqrt(2)",
           "exp(-exp(100))", "tanh(10**200)", "cosh(10**5)", "2**2**2", "(10**200)**1000",
           "exp(exp(100))"]
HOSTILE = ["__import__('os').system('touch " + str(SENTINEL) + "')",
           "open('" + str(SENTINEL) + "', 'w')", "eps.__class__", "(lambda: 1)()",
           "[x for x in ()]", "eps if eps else 1", "eps; import os", "exec('1')", "∞", "1e999"]


def _exprs(model: str):
    leaf = st.sampled_from(NAMES[model] + NUMBERS)
    unary = st.sampled_from(["abs", "sqrt", "exp", "log", "tanh", "atan", "cosh"])
    if model == "user":
        unary = st.sampled_from(["abs", "sqrt", "exp", "log", "tanh", "atan", "cosh", "ddt"])

    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "^", "**"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(unary, inner).map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})"),
            inner.map(lambda e: f"{e}_next") if False else inner.map(lambda e: f"-{e}"),
        )

    return st.recursive(leaf, extend, max_leaves=5)


def _claims(model: str):
    rel = st.sampled_from(["<=", "<", ">=", ">", "==", "≤"])
    plain = st.tuples(_exprs(model), rel, _exprs(model)).map(lambda t: f"{t[0]} {t[1]} {t[2]}")
    return st.one_of(plain, plain, st.sampled_from(HOSTILE))


def _options(model: str):
    assume = st.lists(st.one_of(_claims(model), st.sampled_from(["d == 1", "1 == 1", "d >= 2"])),
                      max_size=1)
    extras = st.lists(st.sampled_from([
        ["--time-limit", "0"], ["--time-limit", "1e-9"], ["--time-limit", "nan"], ["--out", ""],
        ["--dps", "4000"], ["--dps", "30"], ["--at", "d=1"], ["--at", "eps=1/0"],
        ["--kind", "identity"], ["--kind", "inequality"], ["--steps", "0"],
        ["--kind", "trajectory", "--flow", "gf", "--times", "1/2, 1"],
        ["--at", "d=1, u=2*exp(exp(100)), v=1, c=1, a1=1, b1=1, Phi=1"]]), max_size=2)
    return st.tuples(assume, extras)


def _run(argv: list[str]) -> tuple[int, str, str, float]:
    out, err = io.StringIO(), io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli_main(argv)
    return rc, out.getvalue(), err.getvalue(), time.perf_counter() - t0


def _model_args(model: str) -> list[str]:
    if model == "shallow":
        return ["--model", "shallow_linear"]
    return ["--vars", "u, v", "--loss", "(u*v - c)^2/2", "--param", "c > 0", "--let",
            "C = u^2 - v^2"]


def _check_one(model: str, claim: str, assume: list[str], extras: list[list[str]]) -> None:
    argv = ["conjecture", *_model_args(model), "--claim", claim, "--no-report",
            "--budget", "quick", "--time-limit", str(TIME_LIMIT)]
    for a in assume:
        argv += ["--assume", a]
    for e in extras:
        argv += e
    rc, out, err, seconds = _run(argv)
    assert rc in (0, 1, 2, 4), (argv, rc, err)  # 3 would be an internal error
    verdicts = set(re.findall(r"^\S+ \(printed\): (\w+)", out, re.M))
    if rc in (0, 1, 4):  # the status says what the verdicts say
        assert verdicts, (argv, out)
        assert (rc == 1) == ("REFUTED" in verdicts), (argv, rc, out)
        assert (rc == 4) == (verdicts == {"INCONCLUSIVE"}), (argv, rc, out)
    assert "Traceback" not in out + err, (argv, err)
    assert seconds < HANG_SECONDS, (argv, seconds)
    assert not SENTINEL.exists(), argv
    if rc == 2:
        assert err.startswith("error:") and len(err.strip().splitlines()) == 1, (argv, err)
    if rc == 1:
        line = next(x for x in out.splitlines() if x.strip().startswith("reproduce:"))
        words = shlex.split(line.split("reproduce:", 1)[1])[3:]
        rc2, out2, err2, _ = _run([*words, "--no-report", "--budget", "quick",
                                   "--time-limit", str(TIME_LIMIT)])
        assert rc2 == 1, (line, out2, err2)


@pytest.mark.parametrize("model", ["shallow", "user"])
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzz_conjectures(model, data):
    claim = data.draw(_claims(model))
    assume, extras = data.draw(_options(model))
    _check_one(model, claim, assume, extras)


@pytest.mark.deep
@pytest.mark.parametrize("model", ["shallow", "user"])
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzz_conjectures_many(model, data):
    claim = data.draw(_claims(model))
    assume, extras = data.draw(_options(model))
    _check_one(model, claim, assume, extras)


ISSUE_EXAMPLES = [  # issue 13: each of these ended with a positive verdict, a crash or a hang
    ("lam > 2*abs(ab)", ["d == 1"], 1),
    ("exp(eps) > 1 + eps", [], 1),
    ("eps <= tanh(10**200)", [], 1),
    ("atan(eps) < 1.5707", [], 1),
    ("alpha_next <= alpha", ["eta*abs(eps) <= sqrt(2) + 1/10**30"], 1),
    ("eps <= 10**150", [], 1),
    ("eps >= 0", ["Phi == 10**200"], 1),
    ("2 <= 1", [], 1),
    ("eps <= 10**999", [], 1),
    ("eps <= exp(-exp(100))", [], 1),
    ("eps <= exp(exp(100))", [], 1),  # witness a1 = 2*exp(exp(100)): given symbolically
    ("eps <= cosh(10**5)", [], 1),
    ("eps >= -exp(exp(100))", ["d == 2"], 1),
    ("exp(exp(exp(lam))) >= 1", [], 2),
    ("eps^eps^eps^eps^eps^2 >= 0", [], 2),
    ("eps <= ((10**200)**1000)**1000", [], 2),
    ("eps <= sqrt(Q2gram - lam^2 + 4*ab^2 - 1)", [], 2),
]


@pytest.mark.parametrize("claim,assume,status", ISSUE_EXAMPLES, ids=[c[0] for c in ISSUE_EXAMPLES])
def test_issue_examples(claim, assume, status):
    _check_one_status(claim, assume, status)


def _check_one_status(claim, assume, status):
    argv = ["conjecture", "--model", "shallow_linear", "--claim", claim, "--no-report",
            "--budget", "quick", "--time-limit", "20"]
    for a in assume:
        argv += ["--assume", a]
    rc, out, err, _ = _run(argv)
    assert rc == status, (out, err)
    if rc == 1:
        _check_one("shallow", claim, assume, [])  # and its reproduce line reproduces


@pytest.mark.parametrize("claim", ["eps <= exp(exp(100))", "eps <= cosh(10**5)"])
def test_witness_beyond_every_rational_is_symbolic(claim):
    """The counterexample needs more than 4096 digits: it is printed as a constant expression
    (e.g. a1 = 2*exp(exp(100))) and the reproduce line, which passes it to --at, reproduces."""
    rc, out, err, _ = _run(["conjecture", "--model", "shallow_linear", "--claim", claim,
                            "--no-report", "--budget", "quick", "--assume", "d == 1"])
    assert rc == 1, out + err
    cex = next(x for x in out.splitlines() if "counterexample (exact inputs)" in x)
    assert ("exp(exp(100))" in cex) or ("cosh(100000)" in cex), cex
    line = next(x for x in out.splitlines() if x.strip().startswith("reproduce:"))
    words = shlex.split(line.split("reproduce:", 1)[1])[3:]
    rc2, out2, err2, _ = _run([*words, "--no-report"])
    assert rc2 == 1 and "REFUTED" in out2, out2 + err2


@pytest.mark.parametrize("claim,assume", [
    ("eps <= exp(exp(100))", ["abs(eps) <= 10**6"]),  # the assumption bounds eps
    ("lam >= -exp(exp(100))", []),
    ("lam + exp(exp(100)) >= exp(exp(100))", []),
])
def test_huge_constants_in_true_claims_are_not_refuted(claim, assume):
    argv = ["conjecture", "--model", "shallow_linear", "--claim", claim, "--no-report",
            "--budget", "quick", "--assume", "d == 1"]
    for a in assume:
        argv += ["--assume", a]
    rc, out, err, _ = _run(argv)
    assert rc == 0, out + err


@pytest.mark.parametrize("at,status,message", [
    ("d=1, a1=-2*exp(exp(100)), b1=-1, Phi=3/2", 1, "REFUTED"),
    ("d=1, a1=2*exp(exp(100)), b1=1, Phi=3/2", 1, "REFUTED"),
    ("d=1, a1=-2*exp(exp(100)), b1=1, Phi=3/2", 0, "CERTIFIED"),
    ("d=1, a1=2*exp(exp(100)), b1=1, Phi=-exp(2)", 2, "must be > 0"),
    ("d=1, a1=2*exp(eps), b1=1, Phi=1", 2, "unknown name 'eps'"),
    ("d=1, a1=, b1=1, Phi=1", 2, "empty value"),
])
def test_at_accepts_constant_expressions(at, status, message):
    rc, out, err, _ = _run(["conjecture", "--model", "shallow_linear", "--claim",
                            "eps <= exp(exp(100))", "--no-report", "--at", at])
    assert rc == status and message in out + err, out + err


@pytest.mark.parametrize("extra,message", [
    (["--time-limit", "0"], "--time-limit must be"),
    (["--time-limit", "1e-9"], "--time-limit must be"),
    (["--out", ""], "--out must name a directory"),
])
def test_bad_options(extra, message):
    rc, out, err, _ = _run(["conjecture", "--model", "shallow_linear", "--claim", "eps <= 1",
                            *extra])
    assert rc == 2 and message in err
