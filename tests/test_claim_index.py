"""``python -m theorems list`` reads a claim index cached by source hash (issue 15, item 3):
the same listing as the registry, without importing the paper modules or SymPy when current."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from theorems import registry

ROOT = Path(__file__).resolve().parent.parent


def test_index_matches_the_registry():
    index = registry.claim_index()
    assert [e["id"] for e in index] == [c.id for c in registry.all_claims()]
    for e, c in zip(index, registry.all_claims(), strict=True):
        assert e == {"id": c.id, "paper": c.paper, "kind": c.kind.value,
                     "variants": [v.name for v in c.variants()], "title": c.title}
    assert {e["paper"] for e in registry.claim_index(paper="bw")} == {"bw"}


def test_a_current_index_is_used_without_importing_the_papers():
    registry.claim_index()  # writes the index for the current sources
    code = ("import sys; from theorems import registry; n = len(registry.claim_index()); "
            "print(n, 'sympy' in sys.modules, any(m.startswith('theorems.papers.') for m in sys.modules))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       timeout=120)
    n, sympy_loaded, papers_loaded = p.stdout.split()
    assert int(n) == len(registry.all_claims())
    assert sympy_loaded == "False" and papers_loaded == "False", p.stdout


def test_a_stale_index_is_rebuilt(monkeypatch, tmp_path):
    path = ROOT / registry.INDEX_FILE
    registry.claim_index()
    stale = json.loads(path.read_text())
    stale["claims"] = stale["claims"][:1]  # as if a paper module had changed since
    stale["source_hash"] = "0" * 64
    path.write_text(json.dumps(stale))
    assert len(registry.claim_index()) == len(registry.all_claims())
    assert json.loads(path.read_text())["source_hash"] == registry.source_hash()
