"""Report figures for the bw claims: the monitored quantity of a trajectory check against its bound.

Nothing here decides or influences a verdict.  Two ways in:

* checks built on :func:`theorems.engines.sampled` pass ``figure=fn`` with ``fn(instance, path)``
  (the engine picks the file and calls it only when the run has a figures directory);
* checks built on other engines call :func:`save` with a short name, which writes
  ``<figures_dir>/<claim>-<variant>-<short>.png`` and returns the relative path for
  ``Outcome.figures`` (or ``[]`` when figures are off or drawing failed).

matplotlib is imported lazily (Agg backend), so runs without figures do not pay for it.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import mpmath as mp

from ... import figures
from ...claim import Context, Outcome

REGION_COLORS = {"A": "#cfe3ff", "B": "#d7f2d0", "C": "#ffd9d4"}
REGION_NAMES = {"A": "Region A (eps > 0)", "B": "Region B (-Phi < eps < 0)", "C": "Region C (a.b < 0)"}


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


# ------------------------------------------------------------------ text


def short(x: Any, digits: int = 8) -> str:
    """Exact text of a rational (or tuple) when it is short, else '~' and a decimal."""
    if isinstance(x, tuple | list):
        return "(" + ", ".join(short(v, digits) for v in x) + ")"
    if isinstance(x, Fraction):
        s = str(x)
        return s if len(s) <= 16 else "~" + mp.nstr(mp.mpf(x.numerator) / x.denominator, digits)
    if isinstance(x, mp.mpf | float):
        return mp.nstr(x, digits)
    return str(x)


def inputs_text(inst: Mapping[str, Any], keys: Sequence[str] | None = None) -> str:
    ks = keys if keys is not None else list(inst)
    return ", ".join(f"{k} = {short(inst[k])}" for k in ks if k in inst)


def title_of(tag: str, what: str, inst: Mapping[str, Any] | str | None = None, width: int = 110) -> str:
    """'<claim>-<variant>: <what>' and the instance's inputs (wrapped)."""
    head = f"{tag}: {what}" if tag else what
    lines = textwrap.wrap(head, width)
    if inst:
        text = inst if isinstance(inst, str) else "inputs: " + inputs_text(inst)
        lines += textwrap.wrap(text, width)
    return "\n".join(lines)


def part_tag(ctx: Context, claim_id: str) -> str:
    return ctx.figure_prefix or claim_id


# ------------------------------------------------------------------ numbers


def fl(x: Any) -> float:
    """A float for plotting (mpf outside the double range -> 0 or +-inf)."""
    try:
        return float(x)
    except (TypeError, ValueError, OverflowError):
        return math.nan


def fls(xs: Iterable[Any]) -> list[float]:
    return [fl(x) for x in xs]


def positive(ts: Sequence[float], ys: Sequence[Any]) -> tuple[list[float], list[float]]:
    """Points with y > 0 and finite (for log axes); mpf values are converted via log10 so that
    values below the double range are still placed (clamped to 1e-300)."""
    out_t, out_y = [], []
    for t, y in zip(ts, ys, strict=True):
        if y is None:
            continue
        if isinstance(y, mp.mpf):
            if not mp.isfinite(y) or y <= 0:
                continue
            v = 10 ** max(float(mp.log10(y)), -300.0)
        else:
            v = fl(y)
            if not (math.isfinite(v) and v > 0):
                continue
        out_t.append(t)
        out_y.append(v)
    return out_t, out_y


def auto_scale(ax, ys: Sequence[float], axis: str = "y", ratio: float = 30.0) -> None:
    """Log scale when every value is positive and they span more than ``ratio``."""
    vals = [v for v in ys if v is not None and math.isfinite(v)]
    if vals and min(vals) > 0 and max(vals) / min(vals) > ratio:
        (ax.set_yscale if axis == "y" else ax.set_xscale)("log")


# ------------------------------------------------------------------ decorations


def shade_regions(ax, ts: Sequence[float], regions: Sequence[str]) -> None:
    """Background spans coloured by region letter (A/B/C) over consecutive steps."""
    seen: set[str] = set()
    i = 0
    while i < len(regions):
        j = i
        while j + 1 < len(regions) and regions[j + 1] == regions[i]:
            j += 1
        r = regions[i]
        if r in REGION_COLORS:
            x0 = ts[i] - 0.5
            x1 = ts[j] + 0.5
            ax.axvspan(x0, x1, color=REGION_COLORS[r], alpha=0.6, lw=0,
                       label=None if r in seen else REGION_NAMES[r], zorder=0)
            seen.add(r)
        i = j + 1


def plot_slack(ax, ts: Sequence[float], slack: Sequence[Any], ylabel: str, strict: bool = False,
               title: str | None = None) -> None:
    """The normalised margin along the run (>= 0, or > 0 if strict, means the claim holds there),
    on a symmetric-log axis so that zero and violations are visible next to tiny margins.  Values
    within roundoff of 0 at the working precision (|v| <= 10^(-3 dps/4), the engine's threshold)
    are drawn as 'zero within roundoff', not as violations."""
    tiny = 10.0 ** max(-(mp.mp.dps * 3) // 4, -300)
    pts = [(t, fl(s)) for t, s in zip(ts, slack, strict=True) if s is not None and math.isfinite(fl(s))]
    if title:
        ax.set_title(title, fontsize=8)
    if not pts:
        ax.text(0.5, 0.5, "no step in scope", ha="center", transform=ax.transAxes)
        return
    xs, ys = zip(*pts, strict=True)
    zero = [(x, y) for x, y in pts if abs(y) <= tiny]
    good = [(x, y) for x, y in pts if y > tiny]
    bad = [(x, y) for x, y in pts if y < -tiny]
    ax.plot(xs, ys, "-", color="0.7", lw=0.5)
    if good:
        ax.plot(*zip(*good, strict=True), ".", ms=3, color="tab:green", label="holds")
    if zero:
        ax.plot(*zip(*zero, strict=True), "o", ms=4, mfc="none", color="tab:orange",
                label="0 within roundoff" + (" (a strict bound fails only if exactly 0)" if strict else ""))
    if bad:
        ax.plot(*zip(*bad, strict=True), "x", ms=6, color="tab:red", label="violated")
    ax.axhline(0, color="k", lw=1, ls="--", label="bound (margin " + ("> 0)" if strict else ">= 0)"))
    big = max(abs(y) for y in ys)
    nz = [abs(y) for y in ys if abs(y) > tiny]
    if nz and big > 0:
        lt = max(min(nz), big * 1e-12, tiny)
        ax.set_yscale("symlog", linthresh=lt)
        top = math.floor(math.log10(big))
        bot = math.ceil(math.log10(lt))
        step = max(1, math.ceil((top - bot + 1) / 3))
        decades = [10.0**k for k in range(top, bot - 1, -step)]
        ticks = [0.0] + (decades if max(ys) > 0 else []) + ([-d for d in decades] if min(ys) < 0 else [])
        ax.set_yticks(sorted(set(ticks)))
    ax.set_ylabel(ylabel)
    legend(ax)


def mark(ax, x: float, label: str, color: str = "0.3", ls: str = ":") -> None:
    ax.axvline(x, color=color, lw=1, ls=ls, label=label)


# ------------------------------------------------------------------ figures


def new(ncols: int = 1, nrows: int = 1, width: float = 6.4, height: float = 4.2):
    plt = pyplot()
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols if ncols > 1 else width, height * nrows),
                             squeeze=False)
    return fig, [ax for row in axes for ax in row]


def finish(fig, path: str, title: str) -> None:
    """Title (re-wrapped to the figure width), layout, save, close."""
    plt = pyplot()
    width = max(40, int(fig.get_figwidth() * 15))
    title = "\n".join(w for line in title.split("\n") for w in (textwrap.wrap(line, width) or [""]))
    try:
        fig.suptitle(title, fontsize=8)
        fig.tight_layout()
        fig.savefig(path, dpi=100)
    finally:
        plt.close(fig)


def save(ctx: Context, name: str, draw: Callable[[str], None], out: Outcome | None = None) -> list[str]:
    """Run ``draw(path)`` for figures/<claim>-<variant>-<name>.png when figures are enabled
    (:func:`theorems.figures.save`). A drawing failure is recorded in ``out.details`` (if given)
    and never raised."""
    return figures.save(ctx, name, draw, out)


def attach(ctx: Context, out: Outcome, name: str, draw: Callable[[str], None]) -> Outcome:
    """:func:`save` and append the figure to ``out.figures``; returns ``out``."""
    out.figures.extend(save(ctx, name, draw, out))
    return out


def growth_points(out: Outcome) -> list[tuple[float, float, str]]:
    """(parameter, ratio, part label) recorded by engines.growth in an outcome tree."""
    pts: list[tuple[float, float, str]] = []
    stack = [out]
    while stack:
        o = stack.pop()
        stack.extend(reversed(o.parts))
        for p, r in o.details.get("points", []) if isinstance(o.details.get("points"), list) else []:
            pts.append((fl(Fraction(p)), fl(mp.mpf(r)), o.label))
    return pts


def growth_figure(ctx: Context, out: Outcome, name: str, what: str, xlabel: str, ylabel: str,
                  inputs: str, logx: bool = True) -> Outcome:
    """Ratio measured/claimed along each family recorded in ``out`` (log axes)."""

    def draw(path: str) -> None:
        pts = growth_points(out)
        if not pts:
            raise ValueError("no sweep points recorded")
        fig, (ax,) = new()
        for lab in dict.fromkeys(p[2] for p in pts):
            xs = [p[0] for p in pts if p[2] == lab]
            ys = [p[1] for p in pts if p[2] == lab]
            ax.plot(xs, ys, "o-", ms=4, label=lab)
        if logx:
            ax.set_xscale("log")
        ys_all = [p[1] for p in pts]
        if min(ys_all) > 0:
            ax.set_yscale("log")
        ax.axhline(1, color="k", ls="--", lw=1, label="ratio = 1 (constant 1 in the O())")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3, which="both")
        legend(ax)
        finish(fig, path, title_of(part_tag(ctx, ""), what, inputs))

    return attach(ctx, out, name, draw)


def legend(ax, ncol: int = 1) -> None:
    """Legend below the axes (never over the curves)."""
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=ncol, frameon=False)


def steps_axis(ax, label: str = "GD step t", n: int | None = None) -> None:
    """Step counts on a symmetric-log axis from 0 (keeps t = 0 and the long tail readable)."""
    if n is None or n > 60:
        ax.set_xscale("symlog", linthresh=1)
    ax.set_xlim(left=0)
    ax.set_xlabel(label)
