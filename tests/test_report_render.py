"""Rendering of the report without a browser: math conversion, errata, Markdown."""

from __future__ import annotations

import json
import subprocess
import sys

import sympy as sp

from theorems.errata import entries, location_key, to_latex, to_markdown
from theorems.render_math import parse_sympy_text, tex_to_mathml, text_with_math
from theorems.render_md import markdown


def _record(cid, variant, verdict, statement, source="§2, eq. (3)", evidence=None):
    return {"id": cid, "paper": cid.split(".")[0], "variant": variant, "title": f"title of {cid}",
            "source": source, "kind": "identity", "statement": statement, "hypotheses": "any x",
            "depends_on": [], "verdict": verdict, "method": "sympy exact witness", "seconds": 0.1,
            "reproduce": f"python -m theorems check {cid} --variant {variant} --dps 100",
            "evidence": evidence or {"verdict": verdict, "method": "m", "label": "", "summary": "",
                                     "details": {}, "margin": None, "reason": None}}


REFUTED_EV = {
    "verdict": "REFUTED", "method": "sympy exact witness", "label": "", "summary": "", "details": {},
    "margin": None, "reason": None,
    "counterexample": {"inputs": {"x": "3/7", "loss": "a description"},
                       "violation": "derived - printed = 9/49 (exact), must be 0",
                       "values": {}, "confirmed_dps": None, "rigorous": True},
    "derived": {"printed": "2*x**2", "derived": "x**2", "derived_minus_printed": "-x**2"},
}


def _report():
    claims = [
        _record("p.late", "printed", "REFUTED", "$y=1$", source="App. B, eq. (40)", evidence=REFUTED_EV),
        _record("p.early", "printed", "REFUTED", r"$f(x)=2x^2$", source="§1, eq. (2)", evidence=REFUTED_EV),
        _record("p.early", "reading", "PROVED", r"$f(x)=x^2$", source="§1, eq. (2)"),
        _record("p.fine", "printed", "PROVED", "$z=z$"),
        _record("p.readonly", "printed", "SUPPORTED", "$w>0$"),
        _record("p.readonly", "reading", "REFUTED", "$w>1$", evidence=REFUTED_EV),
        _record("p.crash", "printed", "ERROR", "$v=0$"),
    ]
    return {"meta": {"generated": "now", "budget": "quick", "dps": 50, "seed": 1, "papers": ["p"]},
            "summary": {}, "claims": claims}


def test_sympy_text_is_parsed_without_evaluation():
    x, lam = sp.symbols("x lambda")
    assert parse_sympy_text("2*x**2 - lambda/3") == 2 * x**2 - lam / 3
    assert parse_sympy_text("[1, -2/3]") == sp.Matrix([[1, sp.Rational(-2, 3)]])
    for hostile in ("__import__('os').system('true')", "x.__class__", "(lambda: 1)()", "x[0]",
                    "open('f')", "x if x else x", "2**99999999"):
        assert parse_sympy_text(hostile) is None, hostile


def test_latex_converts_or_falls_back_to_text():
    assert "<mfrac>" in tex_to_mathml(r"\frac{1}{2}")
    assert tex_to_mathml(r"\varepsilona") is None  # unknown command: not a broken formula
    assert tex_to_mathml(r"\frac{1}{") is None
    assert "𝐚" in tex_to_mathml(r"\mathbf a")  # bold survives MathML Core's mathvariant rules
    html = text_with_math(r"with $x^2$ and $\varepsilona$ and one $ sign")
    assert html.count("<math") == 1 and '<code class="tex"' in html and "one $ sign" in html
    assert text_with_math("a **plus** b, -u**3 + u**2") == "a <b>plus</b> b, -u**3 + u**2"


def test_errata_lists_refuted_printed_statements_in_paper_order():
    report = _report()
    items = entries(report, "p")
    assert [e.claim_id for e in items] == ["p.early", "p.late"]  # §1 before App. B; not p.readonly
    assert items[0].corrected and not items[1].corrected
    md = to_markdown(report, "p")
    assert "**Corrected statement** (PROVED by sympy exact witness). $f(x)=x^2$" in md
    assert "$x = \\frac{3}{7}$" in md and "`loss` = `a description`" in md
    assert "derived − printed: $- x^{2}$" in md
    tex = to_latex(report, "p")
    assert tex.count(r"\item") == 2 and r"\frac{3}{7}" in tex and r"\text{loss}" in tex
    assert location_key("§4.2, Lemma 3") < location_key("App. A, eq. (13)") < location_key("App. C.2")
    assert location_key("App. E, eq. (36)") < location_key("App. E, eq. (40)")


def test_errata_cli(tmp_path):
    path = tmp_path / "report.json"
    path.write_text(json.dumps(_report()))
    run = [sys.executable, "-m", "theorems", "errata", "--report", str(path)]
    p = subprocess.run(run + ["--paper", "p", "--format", "latex"], capture_output=True, text=True)
    assert p.returncode == 0 and r"\begin{enumerate}" in p.stdout
    p = subprocess.run(run + ["--paper", "nope"], capture_output=True, text=True)
    assert p.returncode == 2 and "not in the report" in p.stderr and "Traceback" not in p.stderr
    p = subprocess.run(run[:5] + [str(tmp_path / "missing.json"), "--paper", "p"],
                       capture_output=True, text=True)
    assert p.returncode == 2 and "no report at" in p.stderr


def test_markdown_keeps_math_and_counts_errors_apart():
    md = markdown(_report())
    assert "> **Statement (as printed).** $f(x)=2x^2$" in md
    assert "| p | 2 | 0 | 1 | 3 | 0 | 1 | 6 |" in md  # errors column 1, verdicts total 6
    assert "## Errors (1)" in md and "## p.crash (printed) — ERROR" in md


def test_variable_names_are_never_read_as_constants():
    """'I' (the conserved vector of a diagonal network) is a variable, not the imaginary unit."""
    from theorems.render_math import parse_sympy_text, sympy_html

    assert parse_sympy_text("I").is_Symbol and parse_sympy_text("E").is_Symbol
    assert "asinh" in sympy_html("asinh(theta/I)/2") and "<code>" not in sympy_html("asinh(theta/I)/2")
