"""The command line and the report writer."""

from __future__ import annotations

import json
import subprocess
import sys

from theorems import BUDGETS, Context, registry
from theorems.cli import main
from theorems.report import build, meta, write
from theorems.runner import run_many


def test_registry_loads_every_module_without_error():
    registry.all_claims()
    assert registry.LOAD_ERRORS == {}


def test_claim_ids_are_unique_and_papers_known():
    ids = [c.id for c in registry.all_claims()]
    assert len(ids) == len(set(ids))
    assert "bw" in registry.papers()


def test_list_ids(capsys):
    assert main(["list", "--ids"]) == 0
    out = capsys.readouterr().out.split()
    assert "bw.eq6" in out


def test_unknown_claim_is_exit_2_without_traceback():
    p = subprocess.run([sys.executable, "-m", "theorems", "check", "bw.nope"], capture_output=True, text=True)
    assert p.returncode == 2
    assert "no claim with id" in p.stderr and "Traceback" not in p.stderr


def test_check_refuted_claim_exits_1_and_prints_counterexample(capsys):
    assert main(["check", "bw.eq8", "--budget", "quick"]) == 1
    out = capsys.readouterr().out
    assert "REFUTED" in out and "reproduce:" in out


def test_report_roundtrip_is_complete_and_atomic(tmp_path):
    claims = [registry.get("bw.eq6"), registry.get("bw.eq8")]
    ctx = Context(budget=BUDGETS["quick"])
    records = run_many(claims, ctx, cache_dir=tmp_path / "cache")
    data = build(records, meta("quick", 50, ctx.seed, ["bw"]))
    paths = write(data, tmp_path)
    loaded = json.loads(paths[0].read_text())
    assert [r["id"] for r in loaded["claims"]] == ["bw.eq6", "bw.eq8"]
    assert loaded["summary"]["bw"]["PROVED"] == 1 and loaded["summary"]["bw"]["REFUTED"] == 1
    assert "## bw.eq8 (printed) — REFUTED" in paths[1].read_text()
    assert not list(tmp_path.glob(".*.tmp"))  # no temp files left behind
    # the cache lets an interrupted run resume without recomputation
    again = run_many(claims, ctx, cache_dir=tmp_path / "cache", resume=True)
    assert [r["seconds"] for r in again] == [r["seconds"] for r in records]


def test_pytest_claims_face(tmp_path):
    """pytest --claims FILE: one item per claim; REFUTED fails with the counterexample."""
    p = subprocess.run([sys.executable, "-m", "pytest", "--claims", "docs/examples/my_claims.py",
                        "--claims-report", str(tmp_path), "-q", "-p", "no:cacheprovider"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 1, p.stdout
    assert "1 failed, 3 passed" in p.stdout
    assert "counterexample:" in p.stdout and "reproduce:" in p.stdout
    assert json.loads((tmp_path / "report.json").read_text())["claims"]
