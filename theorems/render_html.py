"""The HTML report: an index page (summary, errata links, filterable claims table), one page
per claim that reads like a referee's note, and one errata page per paper.

Every page is self-contained and offline: the stylesheet and script are inlined, math is
MathML produced at report time (:mod:`theorems.render_math`), figures are local files, and a
Content-Security-Policy forbids loading anything from the network.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import sympy as sp

from . import errata
from .claim import NOT_ENCODED
from .io import atomic_write_text
from .render_math import (
    highlighted_sum_html,
    is_variable_name,
    parse_sympy_text,
    sympy_html,
    text_with_math,
)
from .report_data import (
    CLAIMS_DIR,
    ERRATA_DIR,
    ERROR,
    VERDICTS,
    DerivedPair,
    Record,
    anchor,
    counts,
    derived_pairs,
    figures_with_labels,
    find,
    group_by_claim,
    is_error,
    page_name,
    papers,
    seconds_text,
)

_CSP = ("default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'")
_RATIO_MAX_CHARS = 400  # only small formulas get a derived/printed ratio computed


def _asset(name: str) -> str:
    return resources.files("theorems").joinpath("assets", name).read_text(encoding="utf-8")


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def badge(verdict: str) -> str:
    v = verdict if verdict in VERDICTS else ERROR
    return f'<span class="v v-{v}">{esc(verdict)}</span>'


def page(title: str, body: str) -> str:
    """A complete, self-contained page: inlined stylesheet and script, no external resource."""
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_asset('report.css')}</style></head>"
        f"<body><main>{body}</main><script>{_asset('report.js')}</script></body></html>\n"
    )


def _nav(up: str, paper: str | None = None, extra: str = "") -> str:
    links = [f'<a href="{up}report.html">← all claims</a>']
    if paper:
        links.append(f'<a href="{up}{ERRATA_DIR}/{esc(paper)}.html">errata: {esc(paper)}</a>')
    return f'<nav class="crumbs">{"".join(links)}{extra}</nav>'


# --- index ----------------------------------------------------------------------------------

def _summary_table(report: dict[str, Any]) -> str:
    per_paper = counts(report["claims"])
    cols = VERDICTS + [ERROR]
    head = "".join(f"<th>{'errors' if v == ERROR else esc(v)}</th>" for v in cols)
    rows = []
    totals: Counter[str] = Counter()
    for paper in papers(report):
        c = per_paper.get(paper, Counter())
        totals.update(c)
        rows.append(_summary_row(esc(paper), c, cols, paper))
    rows.append(_summary_row("all", totals, cols, "", total=True))
    return (f'<table class="summary"><thead><tr><th>paper</th>{head}<th>verdicts</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            '<p class="small muted">Errors are checks that crashed: they are not verdicts and are '
            'not counted among them. Click a count to filter the table.</p>')


def _summary_row(name: str, c: Counter[str], cols: list[str], paper: str, total: bool = False) -> str:
    cells = []
    for v in cols:
        n = c.get(v, 0)
        cls = "n zero" if n == 0 else ("n err" if v == ERROR else "n")
        link = (f'<a class="cell" href="#" data-paper="{esc(paper)}" data-verdict="{esc(v)}">{n}</a>'
                if n else "0")
        cells.append(f'<td class="{cls}">{link}</td>')
    verdicts = sum(c.get(v, 0) for v in VERDICTS)
    return (f'<tr{" class=total" if total else ""}><td>{name}</td>{"".join(cells)}'
            f'<td class="n">{verdicts}</td></tr>')


def _errata_links(report: dict[str, Any]) -> str:
    items = []
    for paper in papers(report):
        found = errata.entries(report, paper)
        n, fixed = len(found), sum(e.corrected for e in found)
        items.append(f'<li><a href="{ERRATA_DIR}/{esc(paper)}.html">errata for <b>{esc(paper)}</b></a>'
                     f' — {n} printed statement{"s" if n != 1 else ""} refuted, '
                     f'{fixed} with a verified correction</li>')
    return f'<ul class="errata-links">{"".join(items)}</ul>'


def _crashed_parts(ev: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for p in ev.get("parts", []) or []:
        out += [p] if is_error(p) else _crashed_parts(p)
    return out


def _error_item(r: Record, ev: dict[str, Any], where: str = "") -> str:
    first = (_error_text(ev).strip().splitlines() or [""])[0][:300]
    return (f'<li><a href="{CLAIMS_DIR}/{page_name(r["id"])}#{anchor(r)}">{esc(r["id"])}</a> '
            f'({esc(r["variant"])}){where}: <code>{esc(first)}</code></li>')


def _errors_section(report: dict[str, Any]) -> str:
    errs = [r for r in report["claims"] if is_error(r)]
    inner = [(r, p) for r in report["claims"] if not is_error(r)
             for p in _crashed_parts(r.get("evidence", {}) or {})]
    if not errs and not inner:
        return ""
    html_ = f'<h2 id="errors">Errors ({len(errs)})</h2>'
    if errs:
        html_ += ("<p>These checks crashed: they have no verdict until the error is fixed.</p><ul>"
                  + "".join(_error_item(r, r.get("evidence", {}) or {}) for r in errs) + "</ul>")
    if inner:
        html_ += ("<p>Sub-checks that crashed inside claims that were decided by their other parts "
                  "(the verdict stands on those parts):</p><ul>"
                  + "".join(_error_item(r, p, f", sub-check “{esc(p.get('label', ''))}”")
                            for r, p in inner) + "</ul>")
    return html_


def _error_text(ev: dict[str, Any]) -> str:
    details = ev.get("details") or {}
    for key in ("reason", "summary"):
        if ev.get(key):
            return str(ev[key])
    for key in ("error", "exception", "traceback"):
        if details.get(key):
            return str(details[key])
    return "the check raised an error"


def _options(values: list[str], all_label: str) -> str:
    return f'<option value="">{all_label}</option>' + "".join(
        f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)


def index_html(report: dict[str, Any]) -> str:
    m = report.get("meta", {})
    records = report["claims"]
    kinds = sorted({r.get("kind", "") for r in records})
    verdicts = VERDICTS + ([ERROR] if any(is_error(r) for r in records) else [])
    rows = []
    for r in records:
        v = ERROR if is_error(r) else r["verdict"]
        search = " ".join(str(r.get(k, "")) for k in ("id", "title", "source", "statement",
                                                       "method", "kind", "variant", "verdict"))
        rows.append(
            f'<tr data-paper="{esc(r["paper"])}" data-verdict="{esc(v)}" data-kind="{esc(r.get("kind", ""))}"'
            f' data-search="{esc(search.lower())}">'
            f'<td><a href="{CLAIMS_DIR}/{page_name(r["id"])}#{anchor(r)}" class="mono">{esc(r["id"])}</a></td>'
            f'<td>{esc(r["variant"])}</td><td>{esc(r.get("kind", ""))}</td><td>{badge(r["verdict"])}</td>'
            f'<td>{esc(r.get("title", ""))}<br><span class="small muted">{esc(r.get("source", ""))}</span></td>'
            f'<td class="small">{esc(r.get("method", ""))}</td></tr>')
    filters = (
        '<div class="filters">'
        f'<label>paper <select id="f-paper">{_options(papers(report), "all")}</select></label>'
        f'<label>verdict <select id="f-verdict">{_options(verdicts, "all")}</select></label>'
        f'<label>kind <select id="f-kind">{_options(kinds, "all")}</select></label>'
        '<label>search <input id="f-search" type="search" placeholder="id, title, statement, method…"></label>'
        '<span id="shown"></span></div>')
    body = (
        "<h1>Verification report</h1>"
        f'<p class="muted">Generated {esc(m.get("generated", "?"))} · budget <code>{esc(m.get("budget"))}</code> · '
        f'{esc(m.get("dps"))} digits · seed {esc(m.get("seed"))} · {len(records)} claim variants. '
        f'Regenerate with <code>python -m theorems report --budget {esc(m.get("budget"))}</code>.</p>'
        "<h2>Summary by paper and verdict</h2>" + _summary_table(report)
        + "<h2>Errata</h2><p>Printed statements the suite refuted, with corrections where it found one:</p>"
        + _errata_links(report) + _errors_section(report)
        + "<h2>Claims</h2>" + filters
        + '<table class="claims" id="claims"><colgroup><col class="c-id"><col class="c-var">'
        '<col class="c-kind"><col class="c-verdict"><col class="c-title"><col class="c-method">'
        "</colgroup><thead><tr><th>claim</th><th>variant</th><th>kind</th><th>verdict</th>"
        "<th>title / source</th><th>method</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>")
    return page("Verification report", body)


# --- claim pages ----------------------------------------------------------------------------

def _variant_title(r: Record) -> str:
    """"As printed", "Reading", "Reading 2", ..."""
    name = r["variant"]
    if name == "printed":
        return "As printed"
    head = name.rstrip("0123456789")
    return head.capitalize() + (f" {name[len(head):]}" if name != head else "")


def _value_html(text: str) -> str:
    """An exact input or a measured value: math when it is an expression, else text."""
    expr = parse_sympy_text(text) if len(text) < 400 else None
    if expr is not None:
        return sympy_html(text)
    return text_with_math(text)


def _name_html(name: str) -> str:
    """An input's name: math when it reads as a variable (``eta``, ``a1``, ``Phi``, ``x_0``),
    otherwise text (``loss``, ``eps0`` would print as a product of italic letters)."""
    if is_variable_name(name):
        return sympy_html(name)
    return f"<code>{esc(name)}</code>"


def counterexample_html(cex: dict[str, Any]) -> str:
    inputs = "".join(f'<span class="inp">{_name_html(k)}<span class="eq"> = </span>{_value_html(str(v))}</span>'
                     for k, v in (cex.get("inputs") or {}).items())
    rows = [f'<tr class="violation"><th>violated</th><td>{text_with_math(str(cex.get("violation", "")))}</td></tr>']
    rows += [f"<tr><th>{esc(k)}</th><td>{_value_html(str(v))}</td></tr>"
             for k, v in (cex.get("values") or {}).items()]
    conf = []
    if cex.get("rigorous"):
        conf.append("rigorous (exact or ball arithmetic)")
    if cex.get("confirmed_dps"):
        conf.append(f"re-confirmed at {esc(cex['confirmed_dps'])} digits")
    note = f'<p class="small muted">{"; ".join(conf)}</p>' if conf else ""
    return ('<div class="box"><h4>Counterexample (exact inputs)</h4>'
            + (f'<div class="inputs">{inputs}</div>' if inputs else "")
            + f'<table class="kv">{"".join(rows)}</table>{note}</div>')


def _ratio(pair: DerivedPair) -> str | None:
    """derived / printed when it is a constant (computed only for small formulas)."""
    if pair.ratio is not None:
        return pair.ratio
    if not pair.printed or not pair.derived or max(len(pair.printed), len(pair.derived)) > _RATIO_MAX_CHARS:
        return None
    p, d = parse_sympy_text(pair.printed), parse_sympy_text(pair.derived)
    if p is None or d is None or p == 0 or isinstance(p, sp.MatrixBase) or isinstance(d, sp.MatrixBase):
        return None
    try:
        q = sp.cancel(d / p)
    except (TypeError, ValueError, ZeroDivisionError, sp.PolynomialError):
        return None
    return str(q) if q.is_number and q != 1 and q.is_finite else None


def _highlighted(pair: DerivedPair) -> tuple[str | None, str | None]:
    """Printed and derived with the terms they do not share highlighted, when both are sums
    sharing at least one term; otherwise (None, None)."""
    if not pair.printed or not pair.derived:
        return None, None
    p, d = parse_sympy_text(pair.printed), parse_sympy_text(pair.derived)
    if not isinstance(p, sp.Add) or not isinstance(d, sp.Add):
        return None, None
    pt, dt = set(sp.Add.make_args(p)), set(sp.Add.make_args(d))
    shared = pt & dt
    if not shared or len(pt | dt) > 60:
        return None, None
    return highlighted_sum_html(p, pt - shared), highlighted_sum_html(d, dt - shared)


def _terms_note(text: str) -> str:
    """For a long sum: how many terms (the formula scrolls sideways in its cell)."""
    expr = parse_sympy_text(text)
    n = len(sp.Add.make_args(expr)) if isinstance(expr, sp.Add) else 0
    return f'<br><span class="small muted">{n} terms, scroll →</span>' if n > 12 else ""


def derived_html(pair: DerivedPair, label: str = "") -> str:
    hp, hd = _highlighted(pair)
    rows = []
    if pair.printed is not None:
        rows.append(f'<tr><th>printed</th><td class="formula">{hp or sympy_html(pair.printed)}</td></tr>')
    if pair.derived is not None:
        rows.append(f'<tr><th>derived (exact)</th><td class="formula">{hd or sympy_html(pair.derived)}</td></tr>')
    if pair.difference is not None:
        rows.append(f'<tr class="diff"><th>derived − printed{_terms_note(pair.difference)}</th>'
                    f'<td class="formula">{sympy_html(pair.difference)}</td></tr>')
    ratio = _ratio(pair)
    if ratio is not None:
        rows.append(f'<tr class="diff"><th>derived ÷ printed</th><td class="formula">{sympy_html(ratio)}</td></tr>')
    rows += [f"<tr><th>{esc(k)}</th><td class='formula'>{sympy_html(v)}</td></tr>" for k, v in pair.extra.items()]
    title = "Derived formula against the printed one"
    context = " — ".join(x for x in (label, pair.prefix) if x)
    note = ('<p class="small muted">Highlighted: the terms the two formulas do not share.</p>'
            if hp else "")
    return (f'<div class="box"><h4>{title}{": " + text_with_math(context) if context else ""}</h4>'
            f'<table class="derived">{"".join(rows)}</table>{note}</div>')


def _collect_derived(ev: dict[str, Any], label: str = "") -> list[tuple[str, str, dict]]:
    """Distinct derived dicts in an evidence tree: (label of the owning check, verdict, dict)."""
    here = ev.get("label") or label
    out = [(here, ev.get("verdict", ""), ev["derived"])] if ev.get("derived") else []
    for p in ev.get("parts", []) or []:
        out.extend(_collect_derived(p, here))
    seen, unique = set(), []
    for lab, verdict, d in out:
        key = json.dumps(d, sort_keys=True)
        if key not in seen:
            seen.add(key)
            unique.append((lab, verdict, d))
    return unique


def _details_value(v: Any) -> str:
    if isinstance(v, str):
        return text_with_math(v) if len(v) < 2000 else f"<pre>{esc(v)}</pre>"
    if isinstance(v, float):
        return f"<span class='mono'>{v:.6g}</span>"
    if isinstance(v, int | bool) or v is None:
        return f"<span class='mono'>{esc(v)}</span>"
    text = json.dumps(v, ensure_ascii=False)
    if len(text) <= 160:
        return f"<code>{esc(text)}</code>"
    return f"<pre>{esc(json.dumps(v, ensure_ascii=False, indent=1)[:20000])}</pre>"


def _key(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True)


def _node_body(ev: dict[str, Any], top: bool, shown: frozenset[str] = frozenset()) -> str:
    """A check's own evidence; counterexamples and derived formulas already shown at the top
    of the section (keys in ``shown``) are referred to, not repeated."""
    bits = []
    if ev.get("summary") and not ev.get("parts"):
        bits.append(f"<p>{text_with_math(ev['summary'])}</p>")
    if ev.get("reason") and ev.get("reason") != ev.get("summary"):
        bits.append(f"<p><b>reason:</b> {text_with_math(ev['reason'])}</p>")
    if ev.get("margin") is not None and not (ev.get("verdict") == "PROVED" and ev["margin"] == 0):
        bits.append(f"<p class='small'>smallest slack (margin): <span class='mono'>{_fmt(ev['margin'])}</span></p>")
    if not top:
        cex = ev.get("counterexample")
        if cex and ev.get("verdict") == "REFUTED":
            bits.append("<p class='small muted'>counterexample: shown above</p>" if _key(cex) in shown
                        else counterexample_html(cex))
        if ev.get("derived"):
            if _key(ev["derived"]) in shown:
                bits.append("<p class='small muted'>derived formula: shown above</p>")
            else:
                bits.extend(derived_html(pair) for pair in derived_pairs(ev["derived"]))
        for f in ev.get("figures", []) or []:
            bits.append(f"<p class='small'>figure: <code>{esc(Path(f).name)}</code> (shown above)</p>")
    not_encoded = (ev.get("details") or {}).get(NOT_ENCODED) or []
    if not_encoded:  # the verdict's scope: shown, not folded into the details
        items = "".join(f"<li>{text_with_math(str(t))}</li>" for t in not_encoded)
        bits.append(f"<div class='not-encoded small'><b>not covered by this verdict</b> (named, not encoded):"
                    f"<ul>{items}</ul></div>")
    details = {k: v for k, v in (ev.get("details") or {}).items() if k not in ("seconds", NOT_ENCODED)}
    if details:
        rows = "".join(f"<tr><th>{esc(k)}</th><td>{_details_value(v)}</td></tr>" for k, v in details.items())
        bits.append(f"<details class='kvd'><summary class='small muted'>details ({len(details)})</summary>"
                    f"<table class='kv small'>{rows}</table></details>")
    return "".join(bits)


def _fmt(x: Any) -> str:
    return f"{x:.6g}" if isinstance(x, float) else esc(x)


def tree_html(ev: dict[str, Any], open_refuted: bool, shown: frozenset[str] = frozenset()) -> str:
    label = ev.get("label") or ev.get("method") or "check"
    head = (f"{badge(ev.get('verdict', ERROR))} <span class='label'>{text_with_math(label)}</span> "
            f"<span class='small muted'>{esc(ev.get('method', ''))}</span>")
    children = "".join(tree_html(p, open_refuted, shown) for p in ev.get("parts", []) or [])
    summary = ev.get("summary") or ""
    if not children and len(summary) <= 160 and not _node_body({**ev, "summary": ""}, False, shown):
        # a leaf whose only content is a short summary ("difference is exactly 0"): one line
        return f"<div class='leaf'>{head}{' — ' + text_with_math(summary) if summary else ''}</div>"
    body = _node_body(ev, top=False, shown=shown)
    is_open = " open" if open_refuted and ev.get("verdict") == "REFUTED" else ""
    return f"<details{is_open}><summary>{head}</summary><div class='body'>{body}</div>{children}</details>"


def _repro(r: Record) -> str:
    if not r.get("reproduce"):
        return ""
    cid = "repro-" + anchor(r)
    return (f'<div class="repro"><code id="{cid}">{esc(r["reproduce"])}</code>'
            f'<button type="button" data-copy="{cid}">copy</button></div>')


def _figures(ev: dict[str, Any], up: str) -> str:
    figs = figures_with_labels(ev)
    if not figs:
        return ""
    out = []
    for f, label in figs:
        src = f if Path(f).is_absolute() else up + f
        out.append(f'<figure><img src="{esc(src)}" alt="{esc(label or Path(f).name)}">'
                   f"<figcaption>{text_with_math(label) if label else esc(Path(f).name)}</figcaption></figure>")
    return f"<h3>Figures</h3><div class='figures'>{''.join(out)}</div>"


def _variant_section(r: Record, up: str) -> str:
    ev = r.get("evidence", {}) or {}
    v = r["verdict"]
    parts = [f'<section class="variant" id="{anchor(r)}">'
             f"<h2>{_variant_title(r)} — {badge(v)}</h2>"]
    if is_error(r):
        trace = (ev.get("details") or {}).get("traceback")
        parts.append('<div class="box errorbox"><h4>The check crashed (no verdict)</h4>'
                     f"<pre>{esc(_error_text(ev))}</pre>"
                     + (f"<details><summary>traceback</summary><pre>{esc(trace)}</pre></details>"
                        if trace else "") + "</div>")
    else:
        parts.append(f'<p class="lead">Decided by <b>{esc(r.get("method", ""))}</b> '
                     f'in {esc(seconds_text(r))}.</p>')
        parts.append(_node_body(ev, top=True))
    cex = ev.get("counterexample") if v == "REFUTED" else None
    if cex is None and v == "REFUTED":
        cex = find(ev, "counterexample")
    shown = set()
    if cex:
        parts.append(counterexample_html(cex))
        shown.add(_key(cex))
    for label, _verdict, d in _collect_derived(ev):
        shown.add(_key(d))
        for pair in derived_pairs(d):
            parts.append(derived_html(pair, label if label else ""))
    if r.get("reproduce"):
        parts.append("<h3>Reproduce</h3>" + _repro(r))
    parts.append(_figures(ev, up))
    if ev.get("parts"):
        tid = "tree-" + anchor(r)
        parts.append(f'<h3>Sub-checks</h3><div class="toolbar"><button type="button" '
                     f'data-open="{tid}">expand all</button></div><div class="tree" id="{tid}">'
                     + "".join(tree_html(p, v == "REFUTED", frozenset(shown)) for p in ev["parts"]) + "</div>")
    parts.append("</section>")
    return "".join(parts)


def claim_html(claim_id: str, records: list[Record], neighbours: tuple[str | None, str | None]) -> str:
    up = "../"
    first = records[0]
    prev_id, next_id = neighbours
    extra = "".join(f'<a href="{page_name(n)}">{arrow} {esc(n)}</a>'
                    for n, arrow in ((prev_id, "‹"), (next_id, "›")) if n)
    deps = ", ".join(f'<a href="{page_name(d)}">{esc(d)}</a>' for d in first.get("depends_on", []) or [])
    cards = []
    for r in records:
        v = ERROR if is_error(r) else r["verdict"]
        cards.append(
            f'<div class="card {esc(v)}"><h3>{_variant_title(r)} {badge(r["verdict"])}</h3>'
            f'<div class="stmt">{text_with_math(r.get("statement", ""))}</div>'
            f'<p class="small muted">{esc(r.get("method", ""))} · <a href="#{anchor(r)}">evidence ↓</a></p></div>')
    hyps = list(dict.fromkeys(r.get("hypotheses", "") for r in records))
    hyp_html = "".join(f"<p>{text_with_math(h)}</p>" for h in hyps if h)
    body = (
        _nav(up, first["paper"], extra)
        + f'<header class="claimhead"><h1><span class="mono">{esc(claim_id)}</span> — {esc(first.get("title", ""))}</h1>'
        f'<p class="meta">{esc(first.get("source", ""))} · kind: {esc(first.get("kind", ""))}'
        + (f" · depends on {deps}" if deps else "") + "</p></header>"
        + f'<div class="pair">{"".join(cards)}</div>'
        + (f'<div class="box"><h4>Hypotheses (as checked)</h4>{hyp_html}</div>' if hyp_html else "")
        + "".join(_variant_section(r, up) for r in records))
    return page(f"{claim_id} — {first.get('title', '')}", body)


# --- errata pages ---------------------------------------------------------------------------

def errata_html(report: dict[str, Any], paper: str) -> str:
    up = "../"
    items = errata.entries(report, paper)
    blocks = []
    for n, e in enumerate(items, 1):
        link = f"{up}{CLAIMS_DIR}/{page_name(e.claim_id)}"
        reading = ""
        if e.reading is not None:
            label = "Corrected statement" if e.corrected else "The suite's reading (not verified)"
            reading = (f'<div class="card {esc(e.reading_verdict or "")}"><h3>{label} '
                       f'{badge(e.reading_verdict or ERROR)}</h3><div class="stmt">{text_with_math(e.reading)}</div>'
                       f'<p class="small muted">{esc(e.reading_method or "")}</p></div>')
        witness = counterexample_html(e.counterexample) if e.counterexample else ""
        derived = "".join(derived_html(p) for p in e.derived)
        blocks.append(
            f'<section class="variant" id="{esc(e.claim_id)}"><h2>{n}. {esc(e.source)}</h2>'
            f'<p class="meta"><a class="mono" href="{link}">{esc(e.claim_id)}</a> — {esc(e.title)}</p>'
            f'<div class="pair"><div class="card REFUTED"><h3>As printed {badge("REFUTED")}</h3>'
            f'<div class="stmt">{text_with_math(e.printed)}</div>'
            f'<p class="small muted">{esc(e.method)}</p></div>{reading}</div>'
            f"{derived}{witness}"
            + (f'<div class="repro"><code id="r{n}">{esc(e.reproduce)}</code>'
               f'<button type="button" data-copy="r{n}">copy</button></div>' if e.reproduce else "")
            + "</section>")
    md = errata.to_markdown(report, paper)
    tex = errata.to_latex(report, paper)
    corrected = sum(e.corrected for e in items)
    body = (
        _nav(up, None)
        + f"<h1>Errata: {esc(paper)}</h1>"
        f"<p>{len(items)} printed statement{'s' if len(items) != 1 else ''} refuted by the suite, in paper "
        f"order; for {corrected} a corrected statement was verified. Also on the command line: "
        f"<code>python -m theorems errata --paper {esc(paper)} [--format latex]</code>.</p>"
        '<details class="source"><summary>LaTeX for a correction note</summary><div class="toolbar">'
        '<button type="button" data-copy="errata-tex">copy</button></div>'
        f'<pre id="errata-tex">{esc(tex)}</pre></details>'
        '<details class="source"><summary>Markdown</summary><div class="toolbar">'
        '<button type="button" data-copy="errata-md">copy</button></div>'
        f'<pre id="errata-md">{esc(md)}</pre></details>'
        + ("".join(blocks) if blocks else "<p>No printed statement of this paper was refuted.</p>"))
    return page(f"Errata: {paper}", body)


# --- writing --------------------------------------------------------------------------------

def write_html(report: dict[str, Any], out_dir: Path | str) -> Path:
    """Write report.html, claims/*.html and errata/*.html; returns the index path.  Claim
    pages of claims no longer in the report are removed."""
    out = Path(out_dir)
    claims_dir, errata_dir = out / CLAIMS_DIR, out / ERRATA_DIR
    claims_dir.mkdir(parents=True, exist_ok=True)
    errata_dir.mkdir(parents=True, exist_ok=True)
    groups = group_by_claim(report["claims"])
    written = set()
    for i, (cid, records) in enumerate(groups):
        prev_id = groups[i - 1][0] if i > 0 else None
        next_id = groups[i + 1][0] if i + 1 < len(groups) else None
        path = claims_dir / page_name(cid)
        atomic_write_text(path, claim_html(cid, records, (prev_id, next_id)))
        written.add(path.name)
    for stale in claims_dir.glob("*.html"):
        if stale.name not in written:
            stale.unlink()
    for paper in papers(report):
        atomic_write_text(errata_dir / f"{paper}.html", errata_html(report, paper))
    index = out / "report.html"
    atomic_write_text(index, index_html(report))
    return index
