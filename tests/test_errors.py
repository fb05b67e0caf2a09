"""ERROR is not a verdict (issue 12, point 4): a crash inside a check is reported as ERROR,
fails ``pytest --claims``, the exit status and the report's error list; the time limit stays
INCONCLUSIVE with its reason."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from fractions import Fraction

import sympy as sp

from theorems import BUDGETS, Claim, Context, Kind, Outcome, Verdict, all_of, engines, guarded
from theorems.claim import VERDICTS, ClaimError
from theorems.report import build, markdown, meta, to_html
from theorems.runner import run_variant

CTX = Context(budget=BUDGETS["quick"])


def _claim(check, cid: str = "t.boom") -> Claim:
    return Claim(id=cid, title="", source="", statement="s", kind=Kind.IDENTITY, hypotheses="", check=check)


def _boom(ctx):
    raise RuntimeError("kaboom in /work/somewhere/deep/inside/module.py")


def _lambdify_crash(ctx):
    """Like the committed ahn.theorem1 run: an abstract derivative reaches lambdify."""
    s = sp.Symbol("s", real=True)
    ell = sp.Function("ell")
    expr = sp.Derivative(ell(s), s) ** 2 + 1 + s**2
    return engines.inequality(expr, ctx, strict=True, prove=False,
                              sample=lambda rng, i: {s: Fraction(rng.randint(-5, 5), 7)})


def _proved(ctx):
    x = sp.Symbol("x")
    return engines.identity((x + 1) ** 2, x**2 + 2 * x + 1, ctx, label="square")


def test_error_is_not_a_verdict():
    assert Verdict.ERROR not in VERDICTS and not Verdict.ERROR.passes
    assert set(VERDICTS) | {Verdict.ERROR} == set(Verdict)


def test_a_crash_in_a_check_is_error_not_inconclusive():
    r = run_variant(_claim(_boom), "printed", CTX)
    assert r.verdict is Verdict.ERROR
    assert "kaboom" in r.outcome.reason
    # no absolute local path survives into the evidence
    text = json.dumps(r.to_json())
    assert "/work/" not in text and "/tmp/" not in text and "site-packages" not in text


def test_lambdify_crash_shows_as_error():
    r = run_variant(_claim(_lambdify_crash), "printed", CTX)
    assert r.verdict is Verdict.ERROR, r.outcome.reason
    assert "Derivative" in r.outcome.reason


def test_claim_error_inside_a_check_is_a_bug_too():
    def bad(ctx):
        raise ClaimError("engine does not accept this input")

    r = run_variant(_claim(bad), "printed", CTX)
    assert r.verdict is Verdict.ERROR and "does not accept" in r.outcome.reason


def test_a_check_returning_no_outcome_is_error():
    r = run_variant(_claim(lambda ctx: None), "printed", CTX)
    assert r.verdict is Verdict.ERROR and "not Outcome" in r.outcome.reason


def test_time_limit_stays_inconclusive_with_its_reason():
    def slow(ctx):
        import time

        try:  # a stray catch-all in a claim must not swallow the time limit
            time.sleep(5)
        except Exception:  # noqa: BLE001
            return _proved(ctx)
        return _proved(ctx)

    r = run_variant(_claim(slow), "printed", CTX, time_limit=0.3)
    assert r.verdict is Verdict.INCONCLUSIVE and "time limit" in r.outcome.reason


def test_guarded_parts_keep_the_other_parts():
    ok = guarded(_proved, CTX, "good part")
    bad = guarded(_boom, CTX, "bad part")
    assert ok.verdict is Verdict.PROVED and ok.label == "square"  # its own label is kept
    assert bad.verdict is Verdict.ERROR and bad.label == "bad part" and "kaboom" in bad.reason
    whole = all_of([ok, bad])
    assert whole.verdict is Verdict.ERROR
    assert [p.verdict for p in whole.parts] == [Verdict.PROVED, Verdict.ERROR]
    assert "kaboom" in whole.reason


def test_refuted_part_still_refutes_beside_an_error():
    x = sp.Symbol("x")
    refuted = engines.identity((x + 1) ** 2, x**2 + 1, CTX, label="wrong")
    assert refuted.verdict is Verdict.REFUTED
    whole = all_of([guarded(_boom, CTX, "crash"), refuted])
    assert whole.verdict is Verdict.REFUTED and whole.counterexample is not None


def test_error_beats_inconclusive_in_a_conjunction():
    undecided = Outcome(Verdict.INCONCLUSIVE, "m", reason="qualitative remark")
    assert all_of([undecided, guarded(_boom, CTX)]).verdict is Verdict.ERROR


def test_report_counts_errors_apart_from_verdicts():
    recs = [run_variant(_claim(_boom), "printed", CTX).to_json(),
            run_variant(_claim(_proved, "t.ok"), "printed", CTX).to_json()]
    data = build(recs, meta("quick", 50, CTX.seed, ["t"]))
    assert data["summary"]["t"]["errors"] == 1 and data["summary"]["t"]["PROVED"] == 1
    assert "ERROR" not in data["summary"]["t"]
    assert [e["id"] for e in data["errors"]] == ["t.boom"] and "kaboom" in data["errors"][0]["error"]
    assert "## Errors" in markdown(data) and "Errors" in to_html(data)


def test_check_command_exits_3_on_an_error(monkeypatch, capsys):
    from theorems import registry
    from theorems.cli import EXIT_ERROR, main

    monkeypatch.setattr(registry, "get", lambda cid: _claim(_boom, cid))
    assert main(["check", "t.boom", "--budget", "quick"]) == EXIT_ERROR == 3
    assert "ERROR" in capsys.readouterr().out


def test_pytest_claims_fails_on_an_error(tmp_path):
    f = tmp_path / "crashing_claims.py"
    f.write_text(textwrap.dedent('''
        from theorems import Claim, Kind

        def _boom(ctx):
            raise RuntimeError("kaboom")

        CLAIMS = [Claim(id="u.boom", title="t", source="s", statement="s", kind=Kind.IDENTITY,
                        hypotheses="", check=_boom)]
    '''))
    p = subprocess.run([sys.executable, "-m", "pytest", "--claims", str(f), "--claims-report",
                        str(tmp_path / "rep"), "-q", "-n", "0", "-p", "no:cacheprovider"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 1, p.stdout
    assert "1 failed" in p.stdout and "ERROR (the check crashed" in p.stdout and "kaboom" in p.stdout
