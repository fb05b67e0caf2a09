"""Report writer: ``report.json`` is the truth; ``REPORT.md`` (:mod:`theorems.render_md`) and
the HTML report (:mod:`theorems.render_html`: ``report.html`` with ``claims/`` and ``errata/``
pages) are rendered from it.  Every file is written atomically."""

from __future__ import annotations

import datetime as _dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from .claim import VERDICTS as _VERDICTS
from .claim import Verdict
from .io import atomic_write_text
from .report_data import find as _find  # noqa: F401  (cli and pytest_plugin import it from here)

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
    from .render_html import write_html

    write_html(report, out)  # report.html, claims/*.html, errata/*.html
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


def markdown(report: dict[str, Any]) -> str:
    """REPORT.md (see :mod:`theorems.render_md`)."""
    from .render_md import markdown as _markdown

    return _markdown(report)


def to_html(report: dict[str, Any]) -> str:
    """The index page of the HTML report (claim and errata pages: :func:`write`)."""
    from .render_html import index_html

    return index_html(report)
