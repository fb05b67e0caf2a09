"""Report writer: ``report.json`` is the truth; ``REPORT.md`` and ``report.html`` are
rendered from it.  Every file is written atomically."""

from __future__ import annotations

import datetime as _dt
import html
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from .claim import VERDICTS as _VERDICTS
from .claim import Verdict
from .io import atomic_write_text

# The verdict columns of the summary.  ERROR is not a verdict: it is counted as "errors".
VERDICTS = [v.value for v in _VERDICTS]


def build(records: list[dict[str, Any]], meta: dict[str, Any]) -> dict[str, Any]:
    """The report dict: meta, a per-paper summary (a count per verdict plus ``errors``, the
    claim variants whose check crashed), the claim records, and the list of ``errors``."""
    summary: dict[str, dict[str, int]] = defaultdict(lambda: {**dict.fromkeys(VERDICTS, 0), "errors": 0})
    for r in records:
        if r["verdict"] == Verdict.ERROR.value:
            summary[r["paper"]]["errors"] += 1
        else:
            summary[r["paper"]][r["verdict"]] += 1
    clean = [{k: v for k, v in r.items() if k != "fingerprint"} for r in records]
    return {"meta": meta, "summary": dict(summary), "claims": clean, "errors": errors_of(clean)}


def errors_of(records: list[dict[str, Any]]) -> list[dict[str, str]]:
    """One line per claim variant whose check crashed: id, variant, paper, the exception text."""
    return [{"id": r["id"], "variant": r["variant"], "paper": r["paper"],
             "error": r["evidence"].get("reason") or r["evidence"].get("summary") or ""}
            for r in records if r["verdict"] == Verdict.ERROR.value]


def write(report: dict[str, Any], out_dir: Path | str) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "REPORT.md", out / "report.html"]
    atomic_write_text(paths[0], json.dumps(report, indent=1, sort_keys=False) + "\n")
    atomic_write_text(paths[1], markdown(report))
    atomic_write_text(paths[2], to_html(report))
    return paths


def meta(budget: str, dps: int, seed: int, papers: list[str]) -> dict[str, Any]:
    """Run settings, library versions and the git state (``{"commit", "dirty"}``; dirty means
    uncommitted changes outside reports/) of the code that produced the report."""
    import mpmath
    import sympy

    from .records import git_state

    return {
        "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "budget": budget,
        "dps": dps,
        "seed": seed,
        "papers": papers,
        "versions": {"sympy": sympy.__version__, "mpmath": mpmath.__version__},
        "git": git_state(),
    }


def _counter_table(report: dict[str, Any]) -> list[str]:
    lines = ["| paper | " + " | ".join(VERDICTS) + " | total | errors |", "|---" * (len(VERDICTS) + 3) + "|"]
    totals: Counter[str] = Counter()
    for paper, counts in report["summary"].items():
        totals.update(counts)
        lines.append(f"| {paper} | " + " | ".join(str(counts.get(v, 0)) for v in VERDICTS)
                     + f" | {sum(counts.get(v, 0) for v in VERDICTS)} | {counts.get('errors', 0)} |")
    lines.append("| **all** | " + " | ".join(str(totals[v]) for v in VERDICTS)
                 + f" | {sum(totals[v] for v in VERDICTS)} | {totals['errors']} |")
    return lines


def _error_lines(report: dict[str, Any]) -> list[str]:
    """Crashed checks, listed apart from the verdicts (ERROR is not a verdict)."""
    errors = report.get("errors") or []
    if not errors:
        return []
    lines = ["## Errors (checks that crashed; not verdicts)", ""]
    lines += [f"- [{e['id']}](#{_anchor(e)}) ({e['variant']}): {e['error']}" for e in errors]
    return lines + [""]


def _evidence_lines(ev: dict[str, Any], depth: int = 0) -> list[str]:
    pad = "  " * depth
    head = f"{pad}- **{ev.get('label') or ev['method']}**: {ev['verdict']} ({ev['method']})"
    if ev.get("summary"):
        head += f" — {ev['summary']}"
    lines = [head]
    if ev.get("margin") is not None:
        lines.append(f"{pad}  - margin (smallest slack): `{ev['margin']:.6g}`")
    if ev.get("reason") and ev["verdict"] != "PROVED":
        lines.append(f"{pad}  - reason: {ev['reason']}")
    for part in ev.get("parts", []):
        lines.extend(_evidence_lines(part, depth + 1))
    return lines


def _find(ev: dict[str, Any], key: str):
    if ev.get(key):
        return ev[key]
    for p in ev.get("parts", []):
        found = _find(p, key)
        if found:
            return found
    return None


def _all_figures(ev: dict[str, Any]) -> list[str]:
    out = list(ev.get("figures", []))
    for p in ev.get("parts", []):
        out.extend(_all_figures(p))
    return list(dict.fromkeys(out))


def markdown(report: dict[str, Any]) -> str:
    m = report["meta"]
    lines = [
        "# Verification report",
        "",
        f"Generated {m.get('generated', '?')} — budget `{m.get('budget')}`, {m.get('dps')} digits, "
        f"seed {m.get('seed')}. Regenerate with `python -m theorems report --budget {m.get('budget')}`.",
        "",
        "## Summary",
        "",
        *_counter_table(report),
        "",
        *_error_lines(report),
        "| claim | variant | verdict | method | seconds |",
        "|---|---|---|---|---|",
    ]
    for r in report["claims"]:
        lines.append(f"| [{r['id']}](#{_anchor(r)}) | {r['variant']} | **{r['verdict']}** | "
                     f"{r['method']} | {r['seconds']:.2f} |")
    lines.append("")
    for r in report["claims"]:
        ev = r["evidence"]
        lines += [
            f"## {r['id']} ({r['variant']}) — {r['verdict']}",
            f'<a id="{_anchor(r)}"></a>',
            "",
            f"*{r['title']}* — {r['source']} — kind: {r['kind']}",
            "",
            f"**Statement ({r['variant']}):** {r['statement']}",
            "",
            f"**Hypotheses:** {r['hypotheses']}",
            "",
            f"**Verdict:** {r['verdict']} by {r['method']} in {r['seconds']:.2f} s",
            "",
            "**Evidence:**",
            *_evidence_lines(ev),
            "",
        ]
        derived = _find(ev, "derived")
        if derived:
            lines += ["**Derived formula vs printed:**", "", "```"]
            lines += [f"{k}: {v}" for k, v in derived.items()]
            lines += ["```", ""]
        cex = _find(ev, "counterexample")
        if cex and r["verdict"] == "REFUTED":
            lines += ["**Counterexample** (exact inputs):", "", "```"]
            lines += [f"{k} = {v}" for k, v in cex["inputs"].items()]
            lines += [f"violation: {cex['violation']}"]
            lines += [f"{k}: {v}" for k, v in cex.get("values", {}).items()]
            lines += ["```", "", f"Reproduce: `{r['reproduce']}`", ""]
        for fig in _all_figures(ev):
            lines += [f"![{r['id']}]({fig})", ""]
    return "\n".join(lines) + "\n"


def _anchor(r: dict[str, Any]) -> str:
    return (r["id"] + "-" + r["variant"]).replace(".", "-").lower()


def _html_summary(report: dict[str, Any]) -> str:
    head = "".join(f"<th>{v}</th>" for v in VERDICTS)
    rows = []
    totals: Counter[str] = Counter()
    for paper, counts in report["summary"].items():
        totals.update(counts)
        rows.append(f"<tr><td>{html.escape(paper)}</td>"
                    + "".join(f"<td>{counts.get(v, 0)}</td>" for v in VERDICTS)
                    + f"<td>{sum(counts.get(v, 0) for v in VERDICTS)}</td><td>{counts.get('errors', 0)}</td></tr>")
    rows.append("<tr><td><b>all</b></td>" + "".join(f"<td><b>{totals[v]}</b></td>" for v in VERDICTS)
                + f"<td><b>{sum(totals[v] for v in VERDICTS)}</b></td><td><b>{totals['errors']}</b></td></tr>")
    return f"<table><tr><th>paper</th>{head}<th>total</th><th>errors</th></tr>{''.join(rows)}</table>"


def _html_errors(report: dict[str, Any]) -> str:
    errors = report.get("errors") or []
    if not errors:
        return ""
    items = "".join(f"<li><a href='#{_anchor(e)}'>{html.escape(e['id'])}</a> ({html.escape(e['variant'])}): "
                    f"{html.escape(e['error'])}</li>" for e in errors)
    return f"<h2>Errors (checks that crashed; not verdicts)</h2><ul>{items}</ul>"


def to_html(report: dict[str, Any]) -> str:
    m = report["meta"]
    colors = {"PROVED": "#1b7f3b", "CERTIFIED": "#2d8f6f", "SUPPORTED": "#5a7d1a",
              "REFUTED": "#b3261e", "INCONCLUSIVE": "#8a6d00", "ERROR": "#6a1b9a"}
    rows = []
    for r in report["claims"]:
        ev = r["evidence"]
        cex = _find(ev, "counterexample") if r["verdict"] == "REFUTED" else None
        derived = _find(ev, "derived")
        figs = "".join(f'<div><img src="{html.escape(f)}" style="max-width:640px"></div>'
                       for f in _all_figures(ev))
        extra = ""
        if derived:
            extra += "<pre>" + html.escape("\n".join(f"{k}: {v}" for k, v in derived.items())) + "</pre>"
        if cex:
            lines = [f"{k} = {v}" for k, v in cex["inputs"].items()] + [f"violation: {cex['violation']}"]
            extra += "<pre>" + html.escape("\n".join(lines)) + "</pre>"
            extra += f"<code>{html.escape(r['reproduce'])}</code>"
        summary = html.escape(ev.get("summary") or ev.get("reason") or "")
        rows.append(
            f"<tr><td id='{_anchor(r)}'><b>{html.escape(r['id'])}</b><br><small>{html.escape(r['variant'])}"
            f"<br>{html.escape(r['source'])}</small></td>"
            f"<td style='color:{colors.get(r['verdict'], '#000')}'><b>{r['verdict']}</b></td>"
            f"<td>{html.escape(r['statement'])}<br><small>{summary}</small>{extra}{figs}</td>"
            f"<td>{html.escape(r['method'])}</td><td>{r['seconds']:.2f}</td></tr>")
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Verification report</title>"
        "<script>window.MathJax={tex:{inlineMath:[['$','$']]}};</script>"
        "<script async src='https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js'></script>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{vertical-align:top;border-bottom:1px solid #ddd;"
        "padding:6px;text-align:left}pre{background:#f6f6f6;padding:4px;white-space:pre-wrap}</style>"
        "</head><body><h1>Verification report</h1>"
        f"<p>Generated {html.escape(str(m.get('generated')))}; budget {html.escape(str(m.get('budget')))}, "
        f"{m.get('dps')} digits, seed {m.get('seed')}.</p>"
        + _html_summary(report)
        + _html_errors(report)
        + "<h2>Claims</h2><table><tr><th>claim</th><th>verdict</th><th>statement / evidence</th>"
        "<th>method</th><th>s</th></tr>"
        + "\n".join(rows) + "</table></body></html>\n"
    )
