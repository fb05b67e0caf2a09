"""Per-claim golden records (issue 12, point 7): one committed record per claim variant, from
which report.json / REPORT.md / report.html are assembled; a run replaces only its records."""

from __future__ import annotations

import json
from pathlib import Path

from theorems.cli import main
from theorems.records import (
    differences,
    from_report_json,
    golden,
    key_of,
    load_records,
    write_records,
)

SETTINGS = {"budget": "quick", "dps": 50, "seed": 20261122}


def _report(out: Path, *ids: str) -> int:
    return main(["report", "--ids", *ids, "--budget", "quick", "--out", str(out)])


def _fake(cid: str, verdict: str = "PROVED", method: str = "sympy", seconds: float = 1.5, **ev) -> dict:
    evidence = {"verdict": verdict, "method": method, "label": "", "summary": "", "reason": ev.pop("reason", None),
                "margin": ev.pop("margin", None), "details": {"seconds": seconds, "n": 3}, **ev}
    return {"id": cid, "paper": cid.split(".")[0], "variant": "printed", "title": "t", "source": "s",
            "kind": "identity", "statement": "s", "hypotheses": "h", "depends_on": [], "verdict": verdict,
            "method": method, "evidence": evidence, "seconds": seconds, "reproduce": "r"}


def test_report_writes_one_stable_record_per_variant_and_assembles_from_them(tmp_path, capsys):
    assert _report(tmp_path, "bw.eq6") == 0
    rec_file = tmp_path / "records" / "bw.eq6__printed.json"
    first = rec_file.read_text()
    rec = json.loads(first)
    assert rec["verdict"] == "PROVED" and rec["key"]["verdict"] == "PROVED" and rec["settings"] == SETTINGS
    assert '"seconds"' not in first  # no timings: records do not change from run to run
    # adding a claim adds one record; the other record is untouched and still in the report
    assert _report(tmp_path, "bw.eq8") == 0
    assert sorted(p.name for p in (tmp_path / "records").iterdir()) == ["bw.eq6__printed.json",
                                                                      "bw.eq8__printed.json"]
    assert rec_file.read_text() == first
    data = json.loads((tmp_path / "report.json").read_text())
    assert [(r["id"], r["verdict"]) for r in data["claims"]] == [("bw.eq6", "PROVED"), ("bw.eq8", "REFUTED")]
    assert data["summary"]["bw"]["REFUTED"] == 1 and data["summary"]["bw"]["errors"] == 0
    assert "## bw.eq8 (printed) — REFUTED" in (tmp_path / "REPORT.md").read_text()
    git = data["meta"]["git"]
    assert set(git) == {"commit", "dirty"} and (git["commit"] is None or len(git["commit"]) == 40)
    # re-running the same claim gives a byte-identical record
    assert _report(tmp_path, "bw.eq6") == 0
    assert rec_file.read_text() == first
    # the report can be rebuilt from the records alone, and a hand-added record appears in it
    other = json.loads(first)
    other.update(id="zz.extra", paper="zz")
    (tmp_path / "records" / "zz.extra__printed.json").write_text(json.dumps(other))
    (tmp_path / "report.json").unlink()
    assert main(["report", "--assemble", "--out", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "report.json").read_text())
    assert [r["id"] for r in data["claims"]] == ["bw.eq6", "bw.eq8", "zz.extra"]
    assert set(data["summary"]) == {"bw", "zz"}


def test_a_paper_run_replaces_only_that_papers_records(tmp_path):
    rdir = tmp_path / "records"
    write_records([_fake("aa.one"), _fake("aa.gone"), _fake("bb.kept")], rdir, SETTINGS)
    write_records([_fake("aa.one", "REFUTED", "search")], rdir, SETTINGS, replace_papers=["aa"])
    recs = {r["id"]: r["verdict"] for r in load_records(rdir)}
    assert recs == {"aa.one": "REFUTED", "bb.kept": "PROVED"}  # aa.gone dropped, bb untouched
    write_records([_fake("cc.new")], rdir, SETTINGS, replace_all=True)  # a full run
    assert [r["id"] for r in load_records(rdir)] == ["cc.new"]


def test_records_carry_key_evidence_without_timings():
    rec = _fake("aa.x", "REFUTED", "search", margin=-0.001234567891, reason="violated",
                counterexample={"inputs": {"eta": "1/3"}, "violation": "v", "rigorous": True},
                figures=["figures/aa.x-printed-f.png"])
    g = golden(rec, SETTINGS)
    assert g["key"] == {"verdict": "REFUTED", "method": "search", "margin": -0.00123457, "reason": "violated",
                        "counterexample": {"inputs": {"eta": "1/3"}, "rigorous": True},
                        "figures": ["figures/aa.x-printed-f.png"]}
    assert "seconds" not in g["evidence"]["details"] and g["evidence"]["details"]["n"] == 3
    assert g["cost_s"] == 3


def test_differences_see_verdict_margin_and_parts():
    base = key_of({"verdict": "SUPPORTED", "method": "m", "margin": 0.5,
                   "parts": [{"verdict": "SUPPORTED", "method": "a", "label": "p1", "margin": 0.5}]})
    assert differences(base, json.loads(json.dumps(base))) == []
    moved = json.loads(json.dumps(base))
    moved["parts"][0]["margin"] = 0.4
    assert differences(base, moved) == ["claim/p1: margin 0.5 -> 0.4"]
    flipped = dict(base, verdict="REFUTED")
    assert any("verdict" in d for d in differences(base, flipped))


def test_bootstrap_from_report_json_turns_old_crashes_into_errors(tmp_path):
    crash = _fake("aa.crash", "INCONCLUSIVE", "error", reason="internal error in check: boom",
                  details={"traceback": 'File "/work/main/theorems/engines.py", line 3'})
    report = {"meta": {"budget": "standard", "dps": 50, "seed": 1}, "claims": [_fake("aa.ok"), crash]}
    (tmp_path / "report.json").write_text(json.dumps(report))
    assert main(["report", "--records-from", str(tmp_path / "report.json"), "--out", str(tmp_path / "out")]) == 0
    recs = {r["id"]: r for r in load_records(tmp_path / "out" / "records")}
    assert recs["aa.ok"]["verdict"] == "PROVED" and recs["aa.ok"]["settings"]["budget"] == "standard"
    assert recs["aa.crash"]["verdict"] == "ERROR" and recs["aa.crash"]["key"]["verdict"] == "ERROR"
    assert "/work/" not in json.dumps(recs["aa.crash"])
    data = json.loads((tmp_path / "out" / "report.json").read_text())
    assert data["summary"]["aa"]["errors"] == 1 and [e["id"] for e in data["errors"]] == ["aa.crash"]
    assert from_report_json(tmp_path / "report.json", tmp_path / "again")  # the function behind it


def test_a_partial_run_into_an_old_report_keeps_the_other_claims(tmp_path):
    """A report directory with report.json but no records yet: the records are bootstrapped first."""
    report = {"meta": {"budget": "quick", "dps": 50, "seed": 20261122}, "claims": [_fake("aa.ok")]}
    (tmp_path / "report.json").write_text(json.dumps(report))
    assert _report(tmp_path, "bw.eq6") == 0
    assert sorted(r["id"] for r in load_records(tmp_path / "records")) == ["aa.ok", "bw.eq6"]
    data = json.loads((tmp_path / "report.json").read_text())
    assert {r["id"] for r in data["claims"]} == {"aa.ok", "bw.eq6"}


def test_cost_class_does_not_flip_at_a_boundary(tmp_path):
    rdir = tmp_path / "records"
    cost = lambda: load_records(rdir)[0]["cost_s"]  # noqa: E731
    write_records([_fake("aa.x", seconds=0.09)], rdir, SETTINGS)
    assert cost() == 0.1
    write_records([_fake("aa.x", seconds=0.12)], rdir, SETTINGS)  # one class up: record unchanged
    assert cost() == 0.1
    write_records([_fake("aa.x", seconds=5.0)], rdir, SETTINGS)  # really slower: updated
    assert cost() == 10
