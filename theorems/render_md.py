"""REPORT.md: the report for a terminal or a code host.  Math stays as ``$...$`` (code hosts
render it; a terminal shows the LaTeX), derived formulas as SymPy text in code blocks."""

from __future__ import annotations

from collections import Counter
from typing import Any

from . import errata
from .claim import NOT_ENCODED
from .report_data import (
    CLAIMS_DIR,
    ERROR,
    VERDICTS,
    Record,
    all_figures,
    anchor,
    counts,
    derived_pairs,
    find,
    is_error,
    page_name,
    papers,
    seconds_text,
)


def _counter_table(report: dict[str, Any]) -> list[str]:
    cols = VERDICTS + [ERROR]
    lines = ["| paper | " + " | ".join(VERDICTS) + " | errors | verdicts |",
             "|---" + "|---:" * (len(cols) + 1) + "|"]
    per_paper = counts(report["claims"])
    totals: Counter[str] = Counter()
    for paper in papers(report):
        c = per_paper.get(paper, Counter())
        totals.update(c)
        lines.append(f"| {paper} | " + " | ".join(str(c.get(v, 0)) for v in cols)
                     + f" | {sum(c.get(v, 0) for v in VERDICTS)} |")
    lines.append("| **all** | " + " | ".join(f"**{totals.get(v, 0)}**" for v in cols)
                 + f" | **{sum(totals.get(v, 0) for v in VERDICTS)}** |")
    return lines


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _evidence_lines(ev: dict[str, Any], depth: int = 0) -> list[str]:
    pad = "  " * depth
    head = f"{pad}- **{ev.get('label') or ev.get('method', '')}**: {ev.get('verdict')} ({ev.get('method', '')})"
    if ev.get("summary") and not ev.get("parts"):
        head += f" — {ev['summary']}"
    lines = [head]
    if ev.get("margin") is not None:
        margin = ev["margin"]
        lines.append(f"{pad}  - margin (smallest slack): `{margin:.6g}`" if isinstance(margin, float)
                     else f"{pad}  - margin (smallest slack): `{margin}`")
    if ev.get("reason") and ev.get("verdict") != "PROVED":
        lines.append(f"{pad}  - reason: {ev['reason']}")
    for text in (ev.get("details") or {}).get(NOT_ENCODED) or []:
        lines.append(f"{pad}  - not covered by this verdict (named, not encoded): {text}")
    for part in ev.get("parts", []) or []:
        lines.extend(_evidence_lines(part, depth + 1))
    return lines


def _record_section(r: Record) -> list[str]:
    ev = r.get("evidence", {}) or {}
    deps = ", ".join(f"`{d}`" for d in r.get("depends_on", []) or [])
    lines = [
        f"## {r['id']} ({r['variant']}) — {r['verdict']}",
        f'<a id="{anchor(r)}"></a>',
        "",
        f"*{r.get('title', '')}* · {r.get('source', '')} · kind: {r.get('kind', '')}"
        + (f" · depends on {deps}" if deps else ""),
        "",
        f"> **Statement ({'as printed' if r['variant'] == 'printed' else r['variant']}).** "
        f"{r.get('statement', '')}",
        "",
        f"**Hypotheses.** {r.get('hypotheses', '')}",
        "",
    ]
    lines[3] += f" · [HTML page]({CLAIMS_DIR}/{page_name(r['id'])})"
    if is_error(r):
        lines += [f"**Error** (the check crashed; no verdict): {ev.get('reason') or ev.get('summary') or ''}", ""]
    else:
        lines += [f"**Verdict.** {r['verdict']} by {r.get('method', '')} in {seconds_text(r)}", ""]
    cex = find(ev, "counterexample") if r["verdict"] == "REFUTED" else None
    if cex:
        inputs = " · ".join(f"`{k} = {v}`" for k, v in (cex.get("inputs") or {}).items())
        lines += [f"**Counterexample** (exact inputs): {inputs or '(none)'}", "",
                  f"- **violated:** {cex.get('violation', '')}"]
        lines += [f"- {k}: {v}" for k, v in (cex.get("values") or {}).items()]
        lines.append("")
    derived = find(ev, "derived")
    if derived:
        lines += ["**Derived formula vs printed** (SymPy):", "", "```"]
        for pair in derived_pairs(derived):
            prefix = f"[{pair.prefix}] " if pair.prefix else ""
            for name, text in (("printed", pair.printed), ("derived", pair.derived),
                               ("derived - printed", pair.difference), ("derived / printed", pair.ratio),
                               *pair.extra.items()):
                if text is not None:
                    lines.append(f"{prefix}{name}: {text}")
        lines += ["```", ""]
    if r.get("reproduce"):
        lines += [f"Reproduce: `{r['reproduce']}`", ""]
    lines += ["**Evidence:**", "", *_evidence_lines(ev), ""]
    for fig in all_figures(ev):
        lines += [f"![{r['id']}]({fig})", ""]
    return lines


def markdown(report: dict[str, Any]) -> str:
    m = report.get("meta", {})
    records = report["claims"]
    lines = [
        "# Verification report",
        "",
        f"Generated {m.get('generated', '?')} — budget `{m.get('budget')}`, {m.get('dps')} digits, "
        f"seed {m.get('seed')}. Regenerate with `python -m theorems report --budget {m.get('budget')}`. "
        "The HTML version (`report.html`) has a page per claim and renders the math offline.",
        "",
        "## Summary",
        "",
        *_counter_table(report),
        "",
        "Errors are checks that crashed: they are not verdicts and are not counted among them.",
        "",
        "## Errata",
        "",
    ]
    for paper in papers(report):
        n = len(errata.entries(report, paper))
        lines.append(f"- **{paper}**: {n} printed statement{'s' if n != 1 else ''} refuted — "
                     f"`python -m theorems errata --paper {paper}` (add `--format latex` for LaTeX)")
    errs = [r for r in records if is_error(r)]
    if errs:
        lines += ["", f"## Errors ({len(errs)})", ""]
        lines += [f"- [{r['id']}](#{anchor(r)}) ({r['variant']})" for r in errs]
    lines += ["", "## Claims", "", "| claim | variant | verdict | method | seconds |", "|---|---|---|---|---:|"]
    for r in records:
        lines.append(f"| [{r['id']}](#{anchor(r)}) | {r['variant']} | **{r['verdict']}** | "
                     f"{_cell(r.get('method', ''))} | {seconds_text(r).removesuffix(' s')} |")
    lines.append("")
    for r in records:
        lines += _record_section(r)
    return "\n".join(lines) + "\n"
