"""Conjectures on models a user writes down (issue 13): >= 25 conjectures of known truth on
four user-defined models (a depth-3 scalar chain, a two-layer network with a parameter, a 2x2
matrix factorisation, a quadratic with a curvature parameter), about GD and GF, including near
misses: a coefficient off by 2 in a higher-order term, a formula that fails only for d >= 2,
a bound that fails only in a sliver at the step-size cap, strict bounds that fail only on an
equality set.  Each asserts the verdict the mathematics gives (worked out in the comments)."""

from __future__ import annotations

import time

import pytest

from theorems import Budget, ClaimError, Context, Verdict
from theorems.cli import main as cli_main
from theorems.conjectures import check_conjecture, conjecture_claim, prepare
from theorems.conjectures.models import UserModel, load_model_file

QUICK = Context(budget=Budget.named("quick"))
HOLDS = {Verdict.PROVED, Verdict.CERTIFIED, Verdict.SUPPORTED}

# depth-3 scalar chain: GF conserves u^2 - v^2 and v^2 - w^2 (each layer's gradient
# u dL/du = v dL/dv = w dL/dw = p(p - 1), p = uvw)
CHAIN = UserModel("u, v, w", "(u*v*w - 1)^2/2", lets=("C = u^2 - v^2", "p = u*v*w"), name="chain")
# two-layer linear network on R^d x R^d, target Phi > 0 (the bw model written down by a user)
NET = UserModel("a[d], b[d]", "(dot(a,b) - Phi)^2/2", params=("Phi > 0",),
                lets=("lam = norm2(a) + norm2(b)", "ab = dot(a,b)", "eps = ab - Phi",
                      "Q = norm2(a) - norm2(b)"), name="net")
# 2x2 matrix factorisation, L = |UV|^2/2 - tr(UV) = |UV - I|^2/2 - 1: GF conserves
# U^T U - V V^T (balancedness), entrywise
MAT = UserModel("U[2,2], V[2,2]", "frob2(U @ V)/2 - tr(U @ V)",
                lets=("D = frob2(U) - frob2(V)", "S = frob2(U) + frob2(V)",
                      "B12 = U11*U12 + U21*U22 - V11*V21 - V12*V22"), name="mat")
# quadratic with curvature h > 0: GD x+ = (1 - eta h) x, stable iff eta h <= 2
QUAD = UserModel("x", "h*x^2/2", params=("h > 0",), name="quad")

CASES = [
    # --- chain: GF conservation laws (PROVED) and a false one (REFUTED)
    (CHAIN, "ddt(u^2 - v^2) == 0", (), "PROVED"),
    (CHAIN, "ddt(u^2 + v^2 - 2*w^2) == 0", (), "PROVED"),  # (u^2-w^2) + (v^2-w^2)
    (CHAIN, "ddt(u^2 + v^2) == 0", (), "REFUTED"),
    (CHAIN, "ddt(loss) == -gnorm2", (), "PROVED"),
    (CHAIN, "ddt(loss) <= 0", (), "PROVED"),
    (CHAIN, "ddt(p) == -(p - 1)*(v^2*w^2 + u^2*w^2 + u^2*v^2)", (), "PROVED"),
    # --- chain: GD breaks the conservation law at second order in eta
    (CHAIN, "C_next == C", (), "REFUTED"),
    (CHAIN, "C_next - C == -eta^2*w^2*C*(p - 1)^2", (), "PROVED"),
    (CHAIN, "C_next - C == -2*eta^2*w^2*C*(p - 1)^2", (), "REFUTED"),  # off by 2
    (CHAIN, "loss_next <= loss", (), "REFUTED"),  # no step-size condition
    # --- net (parameter Phi > 0, d = 1, 2, 3)
    (NET, "ddt(a_i^2 - b_i^2) == 0", (), "PROVED"),
    (NET, "ddt(lam) == -4*eps*ab", (), "PROVED"),
    (NET, "ddt(eps) == -eps*lam", (), "PROVED"),
    (NET, "ddt(eps) == -2*eps*lam", (), "REFUTED"),
    (NET, "lam >= 2*abs(ab)", (), "holds"),
    (NET, "lam > 2*abs(ab)", (), "REFUTED"),  # equality at a = b: only the equality set
    (NET, "lam^2 - 4*ab^2 == Q^2", ("d == 1",), "PROVED"),
    (NET, "lam^2 - 4*ab^2 == Q^2", (), "REFUTED"),  # fails only for d >= 2
    (NET, "eps_next == eps*(1 - eta*lam + eta^2*eps*ab)", (), "PROVED"),
    (NET, "eps_next == eps*(1 - eta*lam + 2*eta^2*eps*ab)", (), "REFUTED"),  # off by 2
    # --- mat: balancedness under GF, not under GD, and not for the sum
    (MAT, "ddt(D) == 0", (), "PROVED"),
    (MAT, "ddt(B12) == 0", (), "PROVED"),
    (MAT, "ddt(S) == 0", (), "REFUTED"),
    (MAT, "D_next == D", (), "REFUTED"),
    (MAT, "ddt(loss) == -gnorm2", (), "PROVED"),
    # --- quad (parameter h > 0): the step-size cap eta h <= 2
    (QUAD, "loss_next <= loss", ("eta*h <= 2",), "holds"),
    (QUAD, "loss_next <= loss", ("eta*h <= 2 + 1/10**6",), "REFUTED"),  # only near the cap
    (QUAD, "loss_next < loss", ("eta*h <= 2", "x > 0"), "REFUTED"),  # equality at eta h = 2
    (QUAD, "loss_next < loss", ("eta*h < 2", "x > 0"), "holds"),
    (QUAD, "ddt(x) == -h*x", (), "PROVED"),
    (QUAD, "ddt(loss) ≤ -2*h*loss", (), "holds"),  # equality: ddt(loss) = -h^2 x^2 = -2 h loss
    (QUAD, "ddt(loss) < -2*h*loss", (), "REFUTED"),
]


def _verdict(model, claim, assume=(), kind=None):
    conj = prepare(model, claim, list(assume), kind)
    return check_conjecture(conj, QUICK)


@pytest.mark.parametrize("model,claim,assume,expected", CASES,
                         ids=[f"{c[0].name}:{c[1]}|{','.join(c[2])}" for c in CASES])
def test_user_model_conjecture(model, claim, assume, expected):
    out = _verdict(model, claim, assume)
    if expected == "holds":
        assert out.verdict in HOLDS, out.summary or out.reason
    else:
        assert out.verdict is Verdict[expected], (out.verdict, out.summary or out.reason)
    if out.verdict is Verdict.REFUTED:
        assert out.details.get("reproduce"), "a refutation names its reproduce line"


def test_case_count():
    models = {c[0].name for c in CASES}
    assert len(CASES) >= 25 and len(models) >= 3


@pytest.mark.parametrize("claim,assume,expected", [
    ("abs(x[t]) <= abs(x[0])", ("eta*h <= 2",), "holds"),
    ("abs(x[t]) <= abs(x[0])", ("eta*h <= 3",), "REFUTED"),
])
def test_user_model_gd_trajectory(claim, assume, expected):
    out = _verdict(QUAD, claim, assume, "trajectory")
    assert (out.verdict in HOLDS) if expected == "holds" else out.verdict is Verdict.REFUTED


def test_refutation_reproduces_from_its_line(capsys):
    import shlex

    out = _verdict(CHAIN, "C_next - C == -2*eta^2*w^2*C*(p - 1)^2")
    line = out.details["reproduce"]
    words = shlex.split(line)[3:]  # drop "python -m theorems"
    assert cli_main([*words, "--no-report"]) == 1
    assert "REFUTED" in capsys.readouterr().out


def test_cli_user_model_and_exit_status(capsys):
    base = ["conjecture", "--vars", "u, v", "--loss", "(u*v - 1)^2/2", "--no-report",
            "--budget", "quick"]
    assert cli_main([*base, "--claim", "ddt(u^2 - v^2) == 0"]) == 0
    assert cli_main([*base, "--claim", "ddt(u^2 + v^2) == 0"]) == 1
    assert cli_main([*base, "--claim", "ddt(u^2 - z) == 0"]) == 2  # unknown name
    err = capsys.readouterr().err
    assert "unknown name 'z'" in err and "Traceback" not in err


@pytest.mark.parametrize("lets,message", [
    (["A = B + 1", "B = A"], "cyclic definitions"),
    (["A = zz + 1"], "unknown name 'zz'"),
    (["u = 1"], "already a name"),
    (["A == 1"], "cannot read"),
])
def test_let_errors(lets, message):
    with pytest.raises(ClaimError, match=message):
        prepare(UserModel("u, v", "(u*v-1)^2/2", lets=tuple(lets)), "u >= 0")


@pytest.mark.parametrize("variables,loss,params,message", [
    ("u, u", "u^2", (), "declared twice"),
    ("eta", "eta^2", (), "reserved"),
    ("a[0]", "norm2(a)", (), "at least 1"),
    ("u", "c^2", (), "unknown name 'c'"),
    ("u", "2", (), "does not depend"),
    ("a[2]", "a", (), "must be a scalar"),
    ("a[2], b[3]", "dot(a, b)", (), "shapes"),
    ("u", "u^2", ("c == 1",), "fix a value"),
    ("W[2,2]", "exp(W)", (), "applies to scalars"),
])
def test_model_errors(variables, loss, params, message):
    with pytest.raises(ClaimError, match=message):
        prepare(UserModel(variables, loss, params), "loss >= 0")


def test_model_file_and_claim_api(tmp_path):
    f = tmp_path / "chain.model"
    f.write_text("# depth-3 chain\nname: chain3\nvars: u, v, w\nloss: (u*v*w - 1)^2/2\n"
                 "let: C = u^2 - v^2\n")
    um = load_model_file(str(f))
    assert um.name == "chain3" and um.lets == ("C = u^2 - v^2",)
    claim = conjecture_claim(um, "ddt(C) == 0", id="user.chain.conservation")
    assert claim.check(QUICK).verdict is Verdict.PROVED
    out = check_conjecture(prepare(um, "C_next == C"), QUICK)
    assert out.verdict is Verdict.REFUTED and "--model-file" in out.details["reproduce"]
    bad = tmp_path / "bad.model"
    bad.write_text("vars: u\nimport os\n")
    with pytest.raises(ClaimError, match="key: value"):
        load_model_file(str(bad))


def test_symbolic_model_object_is_accepted():
    from symbolic.models import shallow_linear

    conj = prepare(shallow_linear(1), "ddt(Q1) == 0")
    assert check_conjecture(conj, QUICK).verdict is Verdict.PROVED


def test_unicode_names_and_operators():
    out = _verdict(UserModel("u, v", "(u*v - Φ)^2/2", params=("Φ > 0",)), "ddt(u^2 − v^2) ≤ 0")
    assert out.verdict in HOLDS


def test_trajectory_claims_reject_ddt():
    with pytest.raises(ClaimError, match="ddt"):
        prepare(QUAD, "ddt(x[t]) <= 0", kind="trajectory")


def test_typical_false_conjecture_is_fast():
    t0 = time.perf_counter()
    out = _verdict(CHAIN, "C_next == C")
    assert out.verdict is Verdict.REFUTED and time.perf_counter() - t0 < 5


@pytest.mark.parametrize("claim,expected", [
    ("abs(x[t]) <= abs(x[0])*exp(-h*t)", "holds"),  # x(t) = x0 e^{-ht}: equality
    ("abs(x[t]) <= abs(x[0])*exp(-2*h*t)", "REFUTED"),  # too fast a rate
])
def test_gradient_flow_trajectory(claim, expected):
    conj = prepare(QUAD, claim, [], "trajectory", flow="gf", times="1/2, 1, 2")
    out = check_conjecture(conj, QUICK)
    assert (out.verdict in HOLDS) if expected == "holds" else out.verdict is Verdict.REFUTED
    if out.verdict is Verdict.REFUTED:
        assert "--flow gf --times '1/2, 1, 2'" in out.details["reproduce"]


@pytest.mark.parametrize("kwargs,message", [
    ({"kind": "inequality", "flow": "gf", "times": "1"}, "--kind trajectory"),
    ({"kind": "trajectory", "flow": "gf", "times": None}, "needs --times"),
    ({"kind": "trajectory", "flow": "gf", "times": "2, 1"}, "must increase"),
    ({"kind": "trajectory", "flow": "gd", "times": "1"}, "applies to --flow gf"),
])
def test_gradient_flow_trajectory_errors(kwargs, message):
    with pytest.raises(ClaimError, match=message):
        prepare(QUAD, "abs(x[t]) <= abs(x[0])", [], **kwargs)


def test_documented_user_model_claims_file():
    from pathlib import Path

    from theorems.conjectures import load_claims_file

    root = Path(__file__).resolve().parent.parent
    import os

    cwd = os.getcwd()
    os.chdir(root)  # the example names its model file relative to the repository
    try:
        claims = load_claims_file(root / "docs" / "examples" / "user_model_claims.py")
    finally:
        os.chdir(cwd)
    got = {c.id: c.check(QUICK).verdict for c in claims}
    assert got["user.net_balance"] is Verdict.PROVED and got["user.chain_gd"] is Verdict.PROVED
    assert got["user.net_residual"] is Verdict.PROVED
    assert got["user.rotated_descent"] in HOLDS
