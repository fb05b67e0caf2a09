"""Per-claim golden records: ``reports/records/<id>__<variant>.json``, one file per claim variant.

The records are the committed truth of the report: ``report.json``, ``REPORT.md`` and
``report.html`` are assembled from them (:func:`assemble`), so adding a claim adds one record and
a ``--paper`` run replaces only that paper's records.  A record holds

* the claim's metadata (id, paper, variant, title, source, kind, statement, hypotheses,
  depends_on, reproduce) and the settings it was run at (budget, dps, seed);
* ``verdict`` and ``method``;
* ``key``: the small, stable evidence the regression test compares (:func:`key_of`): verdict,
  method, margin (6 significant digits), reason, counterexample inputs, figure names, and the
  same for each part (label, verdict, method, margin);
* ``evidence``: the engine's evidence for rendering, with run times removed;
* ``cost_s``: a coarse cost class (an upper bound on the run time in seconds, from
  0.1, 0.3, 1, 3, ...; kept from the committed record unless it moved by more than one class),
  so records do not change with the machine's load.

No timings are stored beyond ``cost_s``.  :func:`from_report_json` converts an existing
``report.json`` (a one-off bootstrap).
"""

from __future__ import annotations

import json
import math
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .io import atomic_write_text

FORMAT = 1
RECORDS = "records"  # directory inside the report directory
_META_FIELDS = ("id", "paper", "variant", "title", "source", "kind", "statement", "hypotheses",
                "depends_on", "reproduce")
_TIMING_KEYS = {"seconds"}
_COST_CLASSES = (0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000, 3000)


def record_file(records_dir: Path | str, claim_id: str, variant: str) -> Path:
    return Path(records_dir) / f"{claim_id}__{variant}.json"


def golden(rec: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """The golden record of a run record (``ClaimResult.to_json()``) run at ``settings``
    (``{"budget", "dps", "seed"}``)."""
    ev = _strip_timings(rec["evidence"])
    verdict = rec["verdict"]
    if verdict == "INCONCLUSIVE" and rec["method"] == "error":  # a crash, as reported before ERROR
        verdict = "ERROR"
        ev["verdict"] = "ERROR"
    if verdict == "ERROR":  # tracebacks: no absolute local paths in a committed file
        from .claim import scrub_paths

        ev = json.loads(scrub_paths(json.dumps(ev)))
    out = {"format": FORMAT, **{k: rec.get(k) for k in _META_FIELDS}}
    out["depends_on"] = list(out.get("depends_on") or [])
    out.update({
        "settings": {k: settings[k] for k in ("budget", "dps", "seed")},
        "verdict": verdict,
        "method": rec["method"],
        "key": key_of(ev),
        "cost_s": cost_class(rec.get("seconds")),
        "evidence": ev,
    })
    return out


def key_of(ev: dict[str, Any]) -> dict[str, Any]:
    """The key evidence of an outcome tree: what the regression test compares."""
    key: dict[str, Any] = {"verdict": ev["verdict"], "method": ev["method"]}
    if ev.get("label"):
        key["label"] = ev["label"]
    if ev.get("margin") is not None:
        key["margin"] = _sig(ev["margin"])
    if ev.get("reason") and ev["verdict"] != "PROVED":
        key["reason"] = ev["reason"]
    cex = ev.get("counterexample")
    if cex:
        key["counterexample"] = {"inputs": cex.get("inputs", {}), "rigorous": bool(cex.get("rigorous"))}
    if ev.get("figures"):
        key["figures"] = list(ev["figures"])
    if ev.get("parts"):
        key["parts"] = [key_of(p) for p in ev["parts"]]
    return key


def differences(committed: dict[str, Any], now: dict[str, Any], rel: float = 1e-3, path: str = "") -> list[str]:
    """Where two keys (:func:`key_of`) disagree: verdict, method, part labels, the margin
    (sign and value to ``rel``), counterexample input names, figure names.  Reason texts and
    exact counterexample values are not compared (a search may land on another witness)."""
    out: list[str] = []
    where = path or "claim"
    for field in ("verdict", "method", "label"):
        if committed.get(field) != now.get(field):
            out.append(f"{where}: {field} {committed.get(field)!r} -> {now.get(field)!r}")
    m0, m1 = committed.get("margin"), now.get("margin")
    if (m0 is None) != (m1 is None):
        out.append(f"{where}: margin {m0!r} -> {m1!r}")
    elif isinstance(m0, int | float) and isinstance(m1, int | float):
        if (m0 > 0) != (m1 > 0) or (m0 < 0) != (m1 < 0) or not math.isclose(m0, m1, rel_tol=rel, abs_tol=1e-12):
            out.append(f"{where}: margin {m0!r} -> {m1!r}")
    c0, c1 = committed.get("counterexample"), now.get("counterexample")
    if (c0 is None) != (c1 is None) or (c0 and c1 and sorted(c0["inputs"]) != sorted(c1["inputs"])):
        out.append(f"{where}: counterexample {c0!r} -> {c1!r}")
    if committed.get("figures", []) != now.get("figures", []):
        out.append(f"{where}: figures {committed.get('figures', [])} -> {now.get('figures', [])}")
    p0, p1 = committed.get("parts", []), now.get("parts", [])
    if len(p0) != len(p1):
        out.append(f"{where}: {len(p0)} parts -> {len(p1)} parts")
    else:
        for i, (a, b) in enumerate(zip(p0, p1, strict=True)):
            out += differences(a, b, rel, f"{where}/{a.get('label') or i}")
    return out


def write_records(records: Iterable[dict[str, Any]], records_dir: Path | str, settings: dict[str, Any],
                  replace_papers: Sequence[str] | None = None, replace_all: bool = False) -> list[Path]:
    """Write the golden record of each run record; with ``replace_all`` (a full run) or
    ``replace_papers``, first drop the existing records of those papers that this run did not
    produce (claims removed or renamed).  Unchanged files are not rewritten."""
    records = list(records)
    rdir = Path(records_dir)
    rdir.mkdir(parents=True, exist_ok=True)
    fresh = {record_file(rdir, r["id"], r["variant"]).name for r in records}
    if replace_all or replace_papers:
        for f in rdir.glob("*__*.json"):
            paper = f.name.split(".", 1)[0]
            if f.name not in fresh and (replace_all or paper in (replace_papers or ())):
                f.unlink()
    paths = []
    for r in records:
        path = record_file(rdir, r["id"], r["variant"])
        g = golden(r, settings)
        g["cost_s"] = _steady_cost(path, g["cost_s"])
        text = json.dumps(g, indent=1, sort_keys=False) + "\n"
        if not path.exists() or path.read_text() != text:
            atomic_write_text(path, text)
        paths.append(path)
    return paths


def load_records(records_dir: Path | str, order: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Every record in ``records_dir``, in claim order (``order``: claim ids, e.g. the registry's;
    unknown ids last, by id), printed before reading."""
    rank = {cid: i for i, cid in enumerate(order)}
    recs = []
    for f in Path(records_dir).glob("*__*.json"):
        try:
            recs.append(json.loads(f.read_text()))
        except (OSError, ValueError) as exc:
            raise ValueError(f"unreadable record {f}: {exc}") from None
    return sorted(recs, key=lambda r: (rank.get(r["id"], len(rank)), r["id"], r["variant"] != "printed",
                                       r["variant"]))


def assemble(records_dir: Path | str, meta: dict[str, Any], order: Sequence[str] = (),
             seconds: dict[tuple[str, str], float] | None = None) -> dict[str, Any]:
    """The report dict (:func:`theorems.report.build`) of every record in ``records_dir``.

    ``seconds`` gives the run times measured in this run; the other variants show their
    record's cost class (an upper bound) as ``seconds``, flagged ``seconds_is_cost_class``."""
    from . import report

    seconds = seconds or {}
    rows = []
    for g in load_records(records_dir, order):
        row = {k: g.get(k) for k in _META_FIELDS}
        row.update(verdict=g["verdict"], method=g["method"], evidence=g["evidence"], settings=g["settings"])
        measured = seconds.get((g["id"], g["variant"]))
        row["seconds"] = round(measured, 3) if measured is not None else g.get("cost_s") or 0.0
        if measured is None:
            row["seconds_is_cost_class"] = True
        rows.append(row)
    papers = list(dict.fromkeys(r["paper"] for r in rows))
    return report.build(rows, {**meta, "papers": papers})


def from_report_json(report_json: Path | str, records_dir: Path | str) -> list[Path]:
    """One-off bootstrap: golden records from an existing ``report.json`` (its meta gives the
    settings).  A record reported as ``INCONCLUSIVE`` by method ``error`` (a crash, before ERROR
    existed) becomes ERROR."""
    data = json.loads(Path(report_json).read_text())
    m = data["meta"]
    return write_records(data["claims"], records_dir, {"budget": m["budget"], "dps": m["dps"], "seed": m["seed"]})


def git_state(cwd: Path | str | None = None) -> dict[str, Any]:
    """``{"commit": <HEAD sha>, "dirty": <uncommitted changes outside reports/>}`` of the checkout
    holding this code (or ``cwd``), or
    ``{"commit": None}`` outside a git checkout."""
    try:
        cwd = cwd or Path(__file__).resolve().parent.parent
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=20)
        if head.returncode != 0:
            return {"commit": None, "dirty": None}
        status = subprocess.run(["git", "status", "--porcelain", "--", ".", ":(exclude)reports"], cwd=cwd,
                                capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": head.stdout.strip(), "dirty": bool(status.stdout.strip()) if status.returncode == 0 else None}


def _steady_cost(path: Path, new: float) -> float:
    """Keep the committed cost class unless the run time moved by more than one class (so a
    re-run near a class boundary does not rewrite the record)."""
    try:
        old = json.loads(path.read_text()).get("cost_s")
        i, j = _COST_CLASSES.index(old), _COST_CLASSES.index(new)
    except (OSError, ValueError, AttributeError):
        return new
    return old if abs(i - j) <= 1 else new


def cost_class(seconds: float | None) -> float:
    if seconds is None:
        return _COST_CLASSES[0]
    return next((c for c in _COST_CLASSES if seconds <= c), _COST_CLASSES[-1])


def _sig(x: Any, digits: int = 6) -> Any:
    if isinstance(x, int | float) and math.isfinite(x) and x != 0:
        return float(f"{x:.{digits - 1}e}")
    return x


def _strip_timings(ev: Any) -> Any:
    if isinstance(ev, dict):
        return {k: _strip_timings(v) for k, v in ev.items() if k not in _TIMING_KEYS}
    if isinstance(ev, list):
        return [_strip_timings(v) for v in ev]
    return ev
