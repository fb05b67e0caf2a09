"""Layering of the project, enforced: data flows one way.

* ``symbolic/`` and ``numeric/`` never import ``theorems``;
* a section module of a paper (``theorems/papers/<paper>/s<N>_*.py``, claims only) never
  imports another section module; library modules never import sections;
* no module under ``theorems/papers/`` names a verdict: the engines decide.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAPERS = ROOT / "theorems" / "papers"
SECTION = re.compile(r"s\d+[a-z]?_")
VERDICT_WORDS = re.compile(r"\bVerdict\b|[\"'](PROVED|CERTIFIED|SUPPORTED|REFUTED|INCONCLUSIVE|ERROR)[\"']")


def _imports(path: Path) -> list[tuple[int, str]]:
    """(level, module) of every import in the file, including function-level ones."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            out.append((node.level, node.module or ""))
            if node.level == 1 and not node.module:
                out.extend((1, a.name) for a in node.names)
        elif isinstance(node, ast.Import):
            out.extend((0, a.name) for a in node.names)
    return out


def test_symbolic_and_numeric_do_not_import_theorems():
    bad = []
    for pkg in ("symbolic", "numeric"):
        for path in (ROOT / pkg).rglob("*.py"):
            for level, mod in _imports(path):
                if level == 0 and mod.split(".")[0] == "theorems":
                    bad.append(f"{path.relative_to(ROOT)} imports {mod}")
    assert not bad, bad


def test_sections_import_only_libraries():
    bad = []
    for path in PAPERS.rglob("*.py"):
        for level, mod in _imports(path):
            target = mod.split(".")[0] if level == 1 else (
                mod.split(".")[3] if mod.startswith("theorems.papers.") and mod.count(".") >= 3 else "")
            if target and SECTION.match(target) and target != path.stem:
                bad.append(f"{path.relative_to(ROOT)} imports section {target}")
    assert not bad, bad


def test_paper_modules_never_name_a_verdict():
    bad = []
    for path in PAPERS.rglob("*.py"):
        for i, line in enumerate(path.read_text().splitlines(), 1):
            if VERDICT_WORDS.search(line.split("#")[0]):
                bad.append(f"{path.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not bad, bad


def test_the_checker_catches_a_section_import(tmp_path):
    """The layering rules themselves can fail."""
    p = tmp_path / "s9_demo.py"
    p.write_text("from .s3_location import gd\nfrom .lib_flow import cached\n")
    targets = [m.split(".")[0] for lvl, m in _imports(p) if lvl == 1]
    assert [t for t in targets if SECTION.match(t)] == ["s3_location"]
    assert VERDICT_WORDS.search("if out.verdict is Verdict.REFUTED:")
