"""Report writer: ``report.json`` is the truth; ``REPORT.md`` (:mod:`theorems.render_md`) and
the HTML report (:mod:`theorems.render_html`: ``report.html`` with ``claims/`` and ``errata/``
pages) are rendered from it.  Every file is written atomically."""

from __future__ import annotations

import datetime as _dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from .claim import Verdict
from .io import atomic_write_text
from .report_data import find as _find  # noqa: F401  (cli and pytest_plugin import it from here)

VERDICTS = [v.value for v in Verdict]


def build(records: list[dict[str, Any]], meta: dict[str, Any]) -> dict[str, Any]:
    summary: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(VERDICTS, 0))
    for r in records:
        summary[r["paper"]][r["verdict"]] += 1
    clean = [{k: v for k, v in r.items() if k != "fingerprint"} for r in records]
    return {"meta": meta, "summary": dict(summary), "claims": clean}


def write(report: dict[str, Any], out_dir: Path | str) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "REPORT.md", out / "report.html"]
    atomic_write_text(paths[0], json.dumps(report, indent=1, sort_keys=False) + "\n")
    atomic_write_text(paths[1], markdown(report))
    from .render_html import write_html

    write_html(report, out)
    return paths


def meta(budget: str, dps: int, seed: int, papers: list[str]) -> dict[str, Any]:
    import mpmath
    import sympy

    return {
        "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "budget": budget,
        "dps": dps,
        "seed": seed,
        "papers": papers,
        "versions": {"sympy": sympy.__version__, "mpmath": mpmath.__version__},
    }


def markdown(report: dict[str, Any]) -> str:
    """REPORT.md (see :mod:`theorems.render_md`)."""
    from .render_md import markdown as _markdown

    return _markdown(report)


def to_html(report: dict[str, Any]) -> str:
    """The index page of the HTML report (claim and errata pages: :func:`write`)."""
    from .render_html import index_html

    return index_html(report)
