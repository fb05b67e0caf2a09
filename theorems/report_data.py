"""Read-only views of a report dict (the ``report.json`` schema) shared by the renderers.

A record whose ``verdict`` is not one of the five verdicts (``"ERROR"``: the check crashed)
is an error: it is counted and listed apart and never as a verdict.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from .claim import VERDICTS as _VERDICTS

VERDICTS = [v.value for v in _VERDICTS]
ERROR = "ERROR"
PASSING = ("PROVED", "CERTIFIED", "SUPPORTED")
CLAIMS_DIR = "claims"  # HTML report: one page per claim
ERRATA_DIR = "errata"  # HTML report: one page per paper

Record = dict[str, Any]


def is_error(record_or_evidence: dict[str, Any]) -> bool:
    return record_or_evidence.get("verdict") not in VERDICTS


def find(ev: dict[str, Any], key: str) -> Any:
    """The first non-empty ``key`` in an evidence tree (depth first), or None."""
    if ev.get(key):
        return ev[key]
    for p in ev.get("parts", []) or []:
        found = find(p, key)
        if found:
            return found
    return None


def all_figures(ev: dict[str, Any]) -> list[str]:
    out = list(ev.get("figures", []) or [])
    for p in ev.get("parts", []) or []:
        out.extend(all_figures(p))
    return list(dict.fromkeys(out))


def figures_with_labels(ev: dict[str, Any], label: str = "") -> list[tuple[str, str]]:
    """(figure path, label of the sub-check that drew it), each figure once."""
    here = ev.get("label") or label
    out = [(f, here) for f in ev.get("figures", []) or []]
    for p in ev.get("parts", []) or []:
        out.extend(figures_with_labels(p, here))
    seen: dict[str, str] = {}
    for f, lab in out:  # a conjunction lists its parts' figures too: keep the part's label
        if not seen.get(f):
            seen[f] = lab
    return list(seen.items())


def seconds_text(r: Record) -> str:
    """Run time of a record: measured ("0.52 s"), or the upper bound of its cost class when the
    report was assembled from records that store no timings ("≤ 10 s")."""
    sec = r.get("seconds")
    if not isinstance(sec, int | float):
        return "?"
    if r.get("seconds_is_cost_class"):
        return f"≤ {sec:g} s"
    return f"{sec:.2f} s"


def anchor(r: Record) -> str:
    return (r["id"] + "-" + r["variant"]).replace(".", "-").lower()


def page_name(claim_id: str) -> str:
    """File name of a claim's HTML page (ids are ``paper.tag``; keep it filesystem-safe)."""
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in claim_id)
    return f"{safe}.html"


def counts(records: list[Record]) -> dict[str, Counter[str]]:
    """Per paper: verdict counts, with errors under ``ERROR`` (never a verdict)."""
    out: dict[str, Counter[str]] = {}
    for r in records:
        c = out.setdefault(r.get("paper", r["id"].split(".", 1)[0]), Counter())
        c[ERROR if is_error(r) else r["verdict"]] += 1
    return out


def papers(report: dict[str, Any]) -> list[str]:
    listed = list(report.get("meta", {}).get("papers", []))
    for r in report.get("claims", []):
        if r["paper"] not in listed:
            listed.append(r["paper"])
    return listed


def group_by_claim(records: list[Record]) -> list[tuple[str, list[Record]]]:
    """Records grouped by claim id in report order; variants printed first."""
    groups: dict[str, list[Record]] = {}
    for r in records:
        groups.setdefault(r["id"], []).append(r)
    order = {"printed": 0}
    return [(cid, sorted(rs, key=lambda r: order.get(r["variant"], 1))) for cid, rs in groups.items()]


@dataclass
class DerivedPair:
    """One printed-vs-derived comparison from an evidence ``derived`` dict."""

    prefix: str  # "" or the context label of a prefixed key set
    printed: str | None
    derived: str | None
    difference: str | None  # derived - printed as stored
    ratio: str | None  # derived / printed as stored
    extra: dict[str, str]  # any other key


_ROLES = {"printed": "printed", "derived": "derived", "derived_minus_printed": "difference",
          "derived_over_printed": "ratio"}


def derived_pairs(derived: dict[str, str]) -> list[DerivedPair]:
    """Split keys like ``printed``/``derived``/``derived_minus_printed`` (optionally prefixed
    ``"<context>, printed"``) into one comparison per context."""
    groups: dict[str, dict[str, str]] = {}
    for key, value in derived.items():
        prefix, _, role = key.rpartition(", ")
        if role not in _ROLES:
            prefix, role = "", key
        groups.setdefault(prefix, {})[role] = str(value)
    out = []
    for prefix, g in groups.items():
        out.append(DerivedPair(prefix, g.pop("printed", None), g.pop("derived", None),
                               g.pop("derived_minus_printed", None),
                               g.pop("derived_over_printed", None), g))
    return out


def deciding_counterexample(r: Record) -> dict[str, Any] | None:
    """The counterexample behind a REFUTED record (None otherwise)."""
    if r.get("verdict") != "REFUTED":
        return None
    return find(r.get("evidence", {}), "counterexample")
