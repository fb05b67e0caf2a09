"""Errata per paper: every printed statement the suite REFUTED, in paper order, with the
correction where the suite derived or verified one and the witness.

``python -m theorems errata --paper bw [--format markdown|latex] [--report PATH] [--out FILE]``
reads a ``report.json`` (it runs nothing) and prints text an author can paste into a
correction note.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .claim import ClaimError
from .render_math import expr_latex, is_variable_name, parse_sympy_text
from .report_data import PASSING, DerivedPair, Record, derived_pairs, find, group_by_claim


@dataclass
class Erratum:
    """One refuted printed statement and what the suite knows about the correct one."""

    claim_id: str
    title: str
    source: str  # location in the paper
    printed: str  # LaTeX-with-text as printed
    hypotheses: str
    method: str  # the method that refuted it
    reproduce: str
    counterexample: dict[str, Any] | None
    derived: list[DerivedPair] = field(default_factory=list)
    reading: str | None = None  # the suite's reading of the statement
    reading_verdict: str | None = None
    reading_method: str | None = None

    @property
    def corrected(self) -> bool:
        """True when a corrected statement was verified (a reading that passes)."""
        return self.reading is not None and self.reading_verdict in PASSING


_LOCATION_PATTERNS = [
    (0, re.compile(r"§\s*(\d+(?:\.\d+)*)")),
    (0, re.compile(r"\bSec(?:tion)?\.?\s*(\d+(?:\.\d+)*)")),
    (1, re.compile(r"\bApp(?:endix)?\.?\s*([A-Z](?:\.\d+)*)")),
    (1, re.compile(r"(?<![\w.])([A-H](?:\.\d+)+)\b")),
]
_EQUATION = re.compile(r"\beqs?\.\s*\((\d+)\)")


def location_key(source: str) -> tuple:
    """A sort key placing a claim's ``source`` text in paper order: main-text sections by
    number, then appendices by letter and number, then the first equation number.  Sources
    with no recognisable location sort last (the sort is stable: report order is kept)."""
    hits = []
    for part, pattern in _LOCATION_PATTERNS:
        m = pattern.search(source)
        if m:
            hits.append((m.start(), part, m.group(1)))
    eq = _EQUATION.search(source)
    eq_no = int(eq.group(1)) if eq else 10**9
    if not hits:
        return (2, (), eq_no)
    _, part, where = min(hits)
    pieces = tuple(int(p) if p.isdigit() else ord(p) for p in where.split("."))
    return (part, pieces, eq_no)


def entries(report: dict[str, Any], paper: str) -> list[Erratum]:
    """The errata of one paper, in paper order."""
    records = [r for r in report.get("claims", []) if r.get("paper") == paper]
    out = []
    for cid, group in group_by_claim(records):
        printed = next((r for r in group if r["variant"] == "printed"), None)
        if printed is None or printed.get("verdict") != "REFUTED":
            continue
        readings = [r for r in group if r["variant"] != "printed"]
        # the corrected statement: the first reading that passes; else the first reading
        reading: Record | None = next((r for r in readings if r.get("verdict") in PASSING),
                                      readings[0] if readings else None)
        ev = printed.get("evidence", {})
        derived = find(ev, "derived")
        out.append(Erratum(
            claim_id=cid, title=printed.get("title", ""), source=printed.get("source", ""),
            printed=printed.get("statement", ""), hypotheses=printed.get("hypotheses", ""),
            method=printed.get("method", ""), reproduce=printed.get("reproduce", ""),
            counterexample=find(ev, "counterexample"),
            derived=derived_pairs(derived) if derived else [],
            reading=reading.get("statement", "") if reading else None,
            reading_verdict=reading.get("verdict") if reading else None,
            reading_method=reading.get("method") if reading else None,
        ))
    return sorted(out, key=lambda e: location_key(e.source))


def load_report(path: Path | str) -> dict[str, Any]:
    p = Path(path)
    try:
        data = json.loads(p.read_text())
    except FileNotFoundError:
        raise ClaimError(f"no report at {p}; write one with: python -m theorems report") from None
    except (OSError, ValueError) as exc:
        raise ClaimError(f"cannot read the report {p}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise ClaimError(f"{p} is not a report.json (no 'claims' list)")
    return data


def check_paper(report: dict[str, Any], paper: str) -> None:
    known = sorted({r.get("paper") for r in report["claims"]})
    if paper not in known:
        raise ClaimError(f"paper {paper!r} is not in the report; it has: {', '.join(known)}")


# --- formatting helpers ---------------------------------------------------------------------

LONG_FORMULA = 700  # characters of LaTeX beyond which a formula is given as SymPy text


def formula_latex(text: str) -> str | None:
    """LaTeX for SymPy ``sstr`` text, or None when it is not an expression or too long."""
    expr = parse_sympy_text(text)
    if expr is None:
        return None
    tex = expr_latex(expr)
    return tex if len(tex) <= LONG_FORMULA else None


def _input_latex(name: str, value: str) -> str:
    lhs = (formula_latex(name) if is_variable_name(name) else None) or r"\text{" + _tex_escape(name) + "}"
    rhs = formula_latex(value)
    if rhs is None:
        return f"${lhs}$: \\texttt{{{_tex_escape(value)}}}"
    return f"${lhs} = {rhs}$"


def _input_markdown(name: str, value: str) -> str:
    lhs = formula_latex(name) if is_variable_name(name) else None
    rhs = formula_latex(value)
    if lhs and rhs:
        return f"${lhs} = {rhs}$"
    return f"`{name}` = `{value}`"


def _confirmation(cex: dict[str, Any]) -> str:
    bits = []
    if cex.get("rigorous"):
        bits.append("exact or ball arithmetic")
    if cex.get("confirmed_dps"):
        bits.append(f"{cex['confirmed_dps']} digits")
    return "confirmed by " + " and at ".join(bits) if bits else ""


def _witness_lead(inputs: str) -> str:
    return f"At {inputs}: " if inputs else ""


_TEX_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                 "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                 "^": r"\textasciicircum{}", "§": r"\S{}"}


_TEX_UNICODE = {"−": "-", "–": "--", "—": "---", "…": r"\ldots{}", "≤": r"$\le$", "≥": r"$\ge$",
                "≈": r"$\approx$", "≠": r"$\ne$", "→": r"$\to$", "←": r"$\leftarrow$",
                "×": r"$\times$", "·": r"$\cdot$", "±": r"$\pm$", "∞": r"$\infty$",
                "√": r"$\surd$", "‖": r"$\|$", "∈": r"$\in$", "’": "'", "‘": "`", "“": "``",
                "”": "''", "\u00a0": "~"}


def _tex_char(ch: str) -> str:
    if ch in _TEX_SPECIALS:
        return _TEX_SPECIALS[ch]
    if ch in _TEX_UNICODE:
        return _TEX_UNICODE[ch]
    if ord(ch) > 127:
        import unicodedata

        name = unicodedata.name(ch, "")
        if name.startswith("GREEK SMALL LETTER ") or name.startswith("GREEK CAPITAL LETTER "):
            letter = name.split()[-1].lower()
            letter = letter.capitalize() if "CAPITAL" in name else letter
            return f"$\\{letter.replace('lamda', 'lambda').replace('Lamda', 'Lambda')}$"
    return ch


def _tex_escape(text: str) -> str:
    """Plain text for LaTeX (ASCII out, so pdflatex needs no Unicode setup)."""
    return "".join(_tex_char(ch) for ch in text)


def _statement_tex(text: str) -> str:
    """A catalogue statement (text with ``$...$`` math) as LaTeX: math kept, text escaped."""
    pieces = re.split(r"(?<!\\)\$", text)
    if len(pieces) % 2 == 0:
        return _tex_escape(text)
    return "".join(f"${p}$" if i % 2 else _tex_escape(p) for i, p in enumerate(pieces))


def _reading_note(e: Erratum) -> str:
    if e.reading is None:
        return ""
    return f"{e.reading_verdict} by {e.reading_method}"


# --- Markdown -------------------------------------------------------------------------------

def to_markdown(report: dict[str, Any], paper: str) -> str:
    items = entries(report, paper)
    m = report.get("meta", {})
    corrected = sum(e.corrected for e in items)
    lines = [
        f"# Errata: {paper}",
        "",
        f"{len(items)} printed statement(s) refuted by the suite; for {corrected} of them a "
        "corrected statement was verified. Generated from the report of "
        f"{m.get('generated', '?')} (budget `{m.get('budget', '?')}`, {m.get('dps', '?')} digits, "
        f"seed {m.get('seed', '?')}). Entries are in paper order; each witness reproduces with "
        "the command given.",
        "",
    ]
    for n, e in enumerate(items, 1):
        lines += [f"## {n}. {e.source} — {e.title}", "", f"`{e.claim_id}`", "",
                  f"**As printed.** {e.printed}", "",
                  f"**Hypotheses (as checked).** {e.hypotheses}", ""]
        if e.reading is not None:
            label = "Corrected statement" if e.corrected else "The suite's reading (not verified)"
            lines += [f"**{label}** ({_reading_note(e)}). {e.reading}", ""]
        for pair in e.derived:
            lines += _derived_markdown(pair)
        if e.counterexample:
            cex = e.counterexample
            inputs = ", ".join(_input_markdown(k, str(v)) for k, v in cex.get("inputs", {}).items())
            conf = "" if "confirmed" in str(cex.get("violation", "")) else _confirmation(cex)
            lines += [f"**Witness** ({e.method}). {_witness_lead(inputs)}{cex.get('violation', '')}"
                      + (f"; {conf}." if conf else "."), ""]
            for k, v in (cex.get("values") or {}).items():
                lines += [f"- {k}: {v}"]
            if cex.get("values"):
                lines.append("")
        else:
            lines += [f"**Refuted by** {e.method}.", ""]
        if e.reproduce:
            lines += [f"Reproduce: `{e.reproduce}`", ""]
    if not items:
        lines += ["No printed statement of this paper was refuted.", ""]
    return "\n".join(lines)


def _derived_markdown(pair: DerivedPair) -> list[str]:
    head = "**Derived formula** (SymPy, exact)" + (f", {pair.prefix}" if pair.prefix else "") + "."
    lines = [head, ""]
    for label, text in (("printed", pair.printed), ("derived", pair.derived),
                        ("derived − printed", pair.difference), ("derived / printed", pair.ratio)):
        if text is None:
            continue
        tex = formula_latex(text)
        if tex:
            lines.append(f"- {label}: ${tex}$")
        elif len(text) <= LONG_FORMULA:
            lines.append(f"- {label}: `{text}`")
        else:
            lines.append(f"- {label}: ({len(text)} characters of SymPy text; see the report)")
    return lines + [""]


# --- LaTeX ----------------------------------------------------------------------------------

def to_latex(report: dict[str, Any], paper: str) -> str:
    items = entries(report, paper)
    m = report.get("meta", {})
    lines = [
        f"% Errata for {_tex_escape(paper)}: generated by gd-theorem-suite from the report of "
        f"{m.get('generated', '?')} (budget {m.get('budget', '?')}, {m.get('dps', '?')} digits).",
        "% Needs amsmath and amssymb.",
        r"\section*{Errata}",
    ]
    if not items:
        return "\n".join(lines + ["No printed statement was found to be wrong.", ""])
    lines.append(r"\begin{enumerate}")
    for e in items:
        lines += [f"\\item \\textbf{{{_tex_escape(e.source)}}} ({_tex_escape(e.title)}).",
                  f"\\emph{{As printed:}} {_statement_tex(e.printed)}", ""]
        if e.reading is not None and e.corrected:
            lines += [f"\\emph{{Corrected statement}} (verified: {_tex_escape(_reading_note(e))}): "
                      f"{_statement_tex(e.reading)}", ""]
        for pair in e.derived:
            lines += _derived_latex(pair)
        if e.counterexample:
            cex = e.counterexample
            inputs = ", ".join(_input_latex(k, str(v)) for k, v in cex.get("inputs", {}).items())
            conf = "" if "confirmed" in str(cex.get("violation", "")) else _confirmation(cex)
            lead = f"at {inputs}: " if inputs else ""
            lines += [f"\\emph{{Counterexample:}} {lead}"
                      f"{_tex_escape(str(cex.get('violation', '')))}"
                      + (f" ({_tex_escape(conf)})." if conf else "."), ""]
    lines += [r"\end{enumerate}", ""]
    return "\n".join(lines)


def _derived_latex(pair: DerivedPair) -> list[str]:
    rows = []
    for label, text in (("printed", pair.printed), ("correct", pair.derived),
                        ("correct $-$ printed", pair.difference),
                        ("correct $/$ printed", pair.ratio)):
        if text is None:
            continue
        tex = formula_latex(text)
        if tex is not None:
            body = tex
        elif len(text) <= 200:
            body = r"\text{\texttt{" + _tex_escape(text) + "}}"
        else:
            body = r"\text{(long; see the report)}"
        rows.append(f"  &\\text{{{label}:}} && {body}")
    if not rows:
        return []
    intro = "\\emph{Exact formula} (derived with SymPy" + (
        f"; {_tex_escape(pair.prefix)}" if pair.prefix else "") + "):"
    return [intro, r"\begin{align*}", " \\\\\n".join(rows), r"\end{align*}", ""]


def main(args) -> int:
    report = load_report(args.report)
    check_paper(report, args.paper)
    text = to_latex(report, args.paper) if args.format == "latex" else to_markdown(report, args.paper)
    if args.out:
        from .io import atomic_write_text

        atomic_write_text(Path(args.out), text)
        print(f"wrote {args.out}")
    else:
        print(text, end="" if text.endswith("\n") else "\n")
    return 0
