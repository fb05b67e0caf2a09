"""The committed golden records (``reports/records/<id>__<variant>.json``) are reproduced by the
engines.

Each record is re-run at the budget, digits and seed it records and must give the same key
evidence (:func:`theorems.records.differences`: verdict, method, part labels and verdicts, the
margin to 1e-3, counterexample input names, figure names).  A committed ERROR (a crashed check)
fails.  REFUTED records are always re-run; the rest are re-run cheapest-first up to a time budget
(``REGRESSION_SECONDS``, default 300 s of recorded cost); ``--run-deep`` re-runs every record.
Until the records are committed, they are derived from ``reports/report.json``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from theorems import Budget, Context, registry
from theorems.records import differences, golden, key_of, load_records
from theorems.runner import run_variant

REPORTS = Path(__file__).resolve().parent.parent / "reports"
RECORDS = REPORTS / "records"
REPORT = REPORTS / "report.json"


def _committed() -> list[dict]:
    if RECORDS.is_dir() and any(RECORDS.glob("*__*.json")):
        return load_records(RECORDS, [c.id for c in registry.all_claims()])
    if REPORT.exists():  # before the records were bootstrapped
        data = json.loads(REPORT.read_text())
        m = data["meta"]
        return [golden(r, m) for r in data["claims"]]
    return []


def _params():
    recs = _committed()
    budget = float(os.environ.get("REGRESSION_SECONDS", "300"))
    refuted = [r for r in recs if r["verdict"] == "REFUTED"]
    others = sorted((r for r in recs if r["verdict"] != "REFUTED"), key=lambda r: r.get("cost_s", 0))
    chosen, spent = [], sum(r.get("cost_s", 0) for r in refuted)
    for r in others:
        if spent + r.get("cost_s", 0) <= budget:
            chosen.append(r)
            spent += r.get("cost_s", 0)
    keep = {(r["id"], r["variant"]) for r in refuted + chosen}
    return [pytest.param(r, id=f"{r['id']}[{r['variant']}]",
                         marks=() if (r["id"], r["variant"]) in keep else pytest.mark.deep)
            for r in recs]


def test_records_exist_and_cover_registry():
    recs = _committed()
    assert recs, "run: python -m theorems report --budget standard"
    ids = {r["id"] for r in recs}
    missing = [c.id for c in registry.all_claims() if c.id not in ids]
    assert not missing, f"claims without a committed record (run report --paper/--ids): {missing}"
    errors = [f"{r['id']}[{r['variant']}]: {r['evidence'].get('reason')}" for r in recs if r["verdict"] == "ERROR"]
    assert not errors, "committed checks that crashed (ERROR is not a verdict):\n" + "\n".join(errors)
    for r in recs:
        assert {"id", "variant", "verdict", "method", "key", "evidence", "settings"} <= set(r)
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


@pytest.mark.parametrize("record", _params())
def test_record_reproduced(record, tmp_path):
    s = record["settings"]
    # figures are drawn only when the record names some: their names are part of the key
    ctx = Context(budget=Budget.named(s["budget"]), dps=s["dps"], seed=s["seed"],
                  figures_dir=str(tmp_path / "figures") if _has_figures(record) else None)
    claim = registry.get(record["id"])
    result = run_variant(claim, record["variant"], ctx, time_limit=600)
    now = key_of(result.outcome.to_json())
    diff = differences(record["key"], now)
    assert not diff, (f"{record['id']}[{record['variant']}] no longer reproduces its record:\n  "
                      + "\n  ".join(diff[:12]))


def _has_figures(record) -> bool:
    return "figures/" in json.dumps(record["key"])
