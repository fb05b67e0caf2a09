"""docs/conjectures.md is true: every documented command gives the documented verdicts
(or the documented one-line error with exit status 2)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "conjectures.md"
VERDICT = re.compile(r"^(\S+) \((printed|reading)\): (PROVED|CERTIFIED|SUPPORTED|REFUTED|INCONCLUSIVE)\b")


def _examples():
    lines = DOC.read_text().splitlines()
    out = []
    for i, line in enumerate(lines):
        if not line.startswith("$ python -m theorems conjecture"):
            continue
        expected = []
        for nxt in lines[i + 1:]:
            if nxt.startswith("$") or nxt.startswith("```"):
                break
            if VERDICT.match(nxt) or nxt.startswith("error:"):
                expected.append(nxt)
        if expected:
            out.append(pytest.param(line[2:], expected, id=line[31:90]))
    return out


@pytest.mark.parametrize("command,expected", _examples())
def test_documented_command(command, expected, tmp_path):
    argv = shlex.split(command)[1:]  # drop "python"
    p = subprocess.run([sys.executable, *argv, "--out", str(tmp_path)], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    if expected[0].startswith("error:"):
        assert p.returncode == 2
        assert p.stderr.strip() == expected[0] and "Traceback" not in p.stderr
        return
    got = [m.group(0) for m in map(VERDICT.match, p.stdout.splitlines()) if m]
    want = [VERDICT.match(e).group(0) for e in expected]
    assert got == want, p.stdout + p.stderr


def _model_examples():
    lines = DOC.read_text().splitlines()
    out = []
    for i, line in enumerate(lines):
        if line.startswith("$ python -m theorems models"):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            first = "" if nxt.startswith(("$", "```")) else nxt
            out.append(pytest.param(line[2:], first, id=line[27:80] or "all"))
    return out


@pytest.mark.parametrize("command,first", _model_examples())
def test_documented_models_command(command, first):
    """``models`` commands print a vocabulary (the documented first line, when shown)."""
    argv = shlex.split(command)[1:]
    p = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0 and p.stdout.strip() and not p.stderr, p.stderr
    if first:
        assert p.stdout.splitlines()[0] == first


def test_doc_has_examples():
    kinds = {e.values[1][0].split(": ")[-1] for e in _examples() if not e.values[1][0].startswith("error")}
    assert {"PROVED", "REFUTED", "SUPPORTED"} <= {k.split()[0] for k in kinds}
