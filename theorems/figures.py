"""One figure API for every claim: file names always carry ``<claim id>-<variant>-<label>``.

    from theorems import figures

    def draw(path: str) -> None:          # writes one PNG at ``path``
        ...
    out.figures += figures.save(ctx, "trajectory", draw, out)

* The name is ``<ctx.figure_prefix>-<label>`` (the runner sets the prefix to
  ``<claim id>-<variant>``), sanitised to ``[A-Za-z0-9_.-]`` and at most 120 characters, so two
  variants (or two claims) never write the same file.
* Failure-safe: a plotting failure (any exception in ``draw``) never changes a verdict; it is
  recorded as text in ``details["figure_error"]`` of the outcome (or dict) passed as ``record``,
  and no path is returned.
* Returns ``[]`` when the run has no figures directory (``ctx.figures_dir`` is None), else the
  path relative to the report directory, ``["figures/<name>.png"]``.

:func:`save_plot` is the same for a ``draw(fig, ax)`` on a fresh matplotlib (Agg) figure.
matplotlib is imported lazily, so runs without figures do not pay for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mpmath as mp

from .claim import Context, Outcome

MAX_NAME = 120


def figure_name(ctx: Context, label: str) -> str:
    """The file name (``<claim id>-<variant>-<label>.png``, sanitised) of a claim's figure."""
    stem = f"{ctx.figure_prefix}-{label}" if ctx.figure_prefix else label
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("_")[:MAX_NAME]
    if not stem:
        raise ValueError("a figure needs a non-empty label")
    return stem + ".png"


def save(ctx: Context, label: str, draw: Callable[[str], Any],
         record: Outcome | dict[str, Any] | None = None) -> list[str]:
    """Run ``draw(path)`` for ``<figures_dir>/<claim>-<variant>-<label>.png``; return
    ``["figures/<name>.png"]``, or ``[]`` when figures are off or drawing failed (the failure
    is then written to ``details["figure_error"]`` of ``record``)."""
    if not ctx.figures_dir:
        return []
    try:
        name = figure_name(ctx, label)
        path = Path(ctx.figures_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with mp.workdps(ctx.dps):
            draw(str(path))
        if not path.is_file():
            raise FileNotFoundError(f"draw() wrote no file for figure {label!r}")
    except Exception as exc:  # noqa: BLE001 - a plot must never change a verdict
        _record_failure(record, label, exc)
        return []
    return [f"figures/{name}"]


def save_plot(ctx: Context, label: str, draw: Callable[[Any, Any], Any],
              record: Outcome | dict[str, Any] | None = None, *,
              figsize: tuple[float, float] = (6.4, 4.0), ncols: int = 1, dpi: int = 110) -> list[str]:
    """:func:`save` for ``draw(fig, ax)`` on a fresh Agg figure (``ax`` is a list when
    ``ncols > 1``); the figure is laid out, saved and closed here."""

    def draw_file(path: str) -> None:
        plt = pyplot()
        fig, ax = plt.subplots(1, ncols, figsize=figsize)
        try:
            draw(fig, list(ax) if ncols > 1 else ax)
            fig.tight_layout()
            fig.savefig(path, dpi=dpi)
        finally:
            plt.close(fig)

    return save(ctx, label, draw_file, record)


def attach(ctx: Context, out: Outcome, label: str, draw: Callable[[str], Any]) -> Outcome:
    """:func:`save` and append the figure to ``out.figures``; returns ``out``."""
    out.figures.extend(save(ctx, label, draw, out))
    return out


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _record_failure(record: Outcome | dict[str, Any] | None, label: str, exc: Exception) -> None:
    if record is None:
        return
    details = record.details if isinstance(record, Outcome) else record
    text = f"{label}: {type(exc).__name__}: {exc}"
    old = details.get("figure_error")
    details["figure_error"] = f"{old}; {text}" if old else text
