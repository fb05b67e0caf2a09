"""A cache key that sees dependencies (issue 12, point 5): editing an engine or a helper module
that a claim module imports (directly or transitively) changes the claim's fingerprint, so
``--resume`` recomputes it; editing an unrelated module does not."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from theorems import Context, registry
from theorems.runner import ENGINE_VERSION, fingerprint, project_dependencies

ROOT = Path(__file__).resolve().parent.parent
CLAIM = "bw.lemma7"  # defined in theorems/papers/bw/s5_conserved.py

_PRINT = ("from theorems import Context, registry; from theorems.runner import fingerprint; "
          f"print(fingerprint(registry.get({CLAIM!r}), Context()))")


def _fingerprint_in(tree: Path) -> str:
    p = subprocess.run([sys.executable, "-c", _PRINT], cwd=tree, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def _append(path: Path, text: str = "\n# edited\n") -> None:
    path.write_text(path.read_text() + text)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("project")
    for pkg in ("theorems", "symbolic", "numeric"):
        shutil.copytree(ROOT / pkg, dest / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def test_transitive_project_imports_are_found():
    deps = project_dependencies("theorems.papers.bw.s5_conserved")
    # direct (relative) import, transitive helpers, the engines, the parent packages
    for name in ("theorems.papers.bw.common", "theorems.engines", "numeric.shallow", "numeric.fit",
                 "theorems.papers.bw", "theorems"):
        assert name in deps, name
    assert not any(n.startswith("theorems.papers.ahn") for n in deps)
    assert all(Path(f).is_file() for f in deps.values())


def test_fingerprint_changes_with_engines_and_helpers_only(tree):
    base = _fingerprint_in(tree)
    assert base == _fingerprint_in(tree)  # deterministic across processes
    # an unrelated module (another paper's helper, the report writer) leaves it unchanged
    _append(tree / "theorems" / "papers" / "ahn" / "sn_common.py")
    _append(tree / "theorems" / "report.py")
    assert _fingerprint_in(tree) == base
    # the engines
    _append(tree / "theorems" / "engines.py")
    after_engine = _fingerprint_in(tree)
    assert after_engine != base
    # a helper reached only transitively (s5_conserved -> engines -> numeric.fit)
    _append(tree / "numeric" / "fit.py")
    after_transitive = _fingerprint_in(tree)
    assert after_transitive != after_engine
    # a numeric helper imported directly, and the paper's helper module (relative import)
    _append(tree / "numeric" / "shallow.py")
    after_numeric = _fingerprint_in(tree)
    assert after_numeric != after_transitive
    _append(tree / "theorems" / "papers" / "bw" / "common.py")
    assert _fingerprint_in(tree) != after_numeric


def test_fingerprint_covers_engine_version_and_settings(monkeypatch):
    import theorems.runner as runner

    claim = registry.get(CLAIM)
    ctx = Context()
    base = fingerprint(claim, ctx)
    assert fingerprint(claim, Context(dps=60)) != base
    monkeypatch.setattr(runner, "ENGINE_VERSION", ENGINE_VERSION + "+1")
    assert fingerprint(claim, ctx) != base
