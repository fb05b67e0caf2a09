"""The committed reports/report.json is reproduced by the engines.

Each record is re-run at the budget, digits and seed recorded in the report's meta and
must get the same verdict.  REFUTED records are always re-run; the rest are re-run
cheapest-first up to a time budget (``REGRESSION_SECONDS``, default 300 s of recorded run
time); ``--run-deep`` re-runs every record.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from theorems import Budget, Context, registry
from theorems.runner import run_variant

REPORT = Path(__file__).resolve().parent.parent / "reports" / "report.json"


def _records():
    if not REPORT.exists():
        return []
    data = json.loads(REPORT.read_text())
    recs = data["claims"]
    budget = float(os.environ.get("REGRESSION_SECONDS", "300"))
    refuted = [r for r in recs if r["verdict"] == "REFUTED"]
    others = sorted((r for r in recs if r["verdict"] != "REFUTED"), key=lambda r: r["seconds"])
    chosen, spent = [], sum(r["seconds"] for r in refuted)
    for r in others:
        if spent + r["seconds"] <= budget:
            chosen.append(r)
            spent += r["seconds"]
    keep = {(r["id"], r["variant"]) for r in refuted + chosen}
    return [pytest.param(data["meta"], r, id=f"{r['id']}[{r['variant']}]",
                         marks=() if (r["id"], r["variant"]) in keep else pytest.mark.deep)
            for r in recs]


def test_report_exists_and_covers_registry():
    assert REPORT.exists(), "run: python -m theorems report --budget standard"
    data = json.loads(REPORT.read_text())
    ids = {r["id"] for r in data["claims"]}
    missing = [c.id for c in registry.all_claims() if c.id not in ids]
    assert not missing, f"claims not in the committed report (regenerate it): {missing}"
    for r in data["claims"]:
        assert {"id", "variant", "verdict", "method", "evidence", "seconds"} <= set(r)
        if r["verdict"] == "REFUTED":
            cex = _find_cex(r["evidence"])
            # exact inputs, or none at all for a constant statement refuted exactly
            assert cex and (cex["inputs"] or cex["rigorous"]), f"{r['id']} REFUTED without exact inputs"
        if r["verdict"] == "INCONCLUSIVE":
            assert r["evidence"].get("reason"), f"{r['id']} INCONCLUSIVE without a reason"


def _find_cex(ev):
    if ev.get("counterexample"):
        return ev["counterexample"]
    for p in ev.get("parts", []):
        c = _find_cex(p)
        if c:
            return c
    return None


@pytest.mark.parametrize("meta,record", _records())
def test_verdict_reproduced(meta, record):
    ctx = Context(budget=Budget.named(meta["budget"]), dps=meta["dps"], seed=meta["seed"])
    claim = registry.get(record["id"])
    result = run_variant(claim, record["variant"], ctx, time_limit=600)
    if result.verdict.value == "PROVED" and record["verdict"] in ("CERTIFIED", "SUPPORTED"):
        return  # a new exact proof strengthens a passing verdict; it never flips one
    assert result.verdict.value == record["verdict"], (
        f"{record['id']}[{record['variant']}]: committed {record['verdict']}, now "
        f"{result.verdict.value}: {result.outcome.reason or result.outcome.summary}")
