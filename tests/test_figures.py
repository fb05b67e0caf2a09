"""One figure API (issue 12, point 6): figure files are named ``<id>-<variant>-<label>``, so two
variants never overwrite each other's figures, and a plotting failure never changes a verdict."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import mpmath as mp
import sympy as sp

from numeric.single_neuron import Run
from theorems import BUDGETS, Claim, Context, Kind, Verdict, engines, figures
from theorems.papers.ahn.s3_mean_model import plot_mm_trajectory, save_figure
from theorems.papers.ahn.sn_common import plot_run
from theorems.papers.bw import plots
from theorems.runner import run_variant

CTX = Context(budget=BUDGETS["quick"])


def _ctx(tmp_path: Path, variant: str, claim: str = "ahn.eq4") -> Context:
    return dataclasses.replace(CTX, figures_dir=str(tmp_path / "figures"), figure_prefix=f"{claim}-{variant}")


def _write(path: str) -> None:
    Path(path).write_bytes(b"\x89PNG fake")


def test_names_carry_id_variant_label_and_are_sanitised(tmp_path):
    ctx = _ctx(tmp_path, "printed")
    assert figures.figure_name(ctx, "y_t^2 vs 2/eta") == "ahn.eq4-printed-y_t_2_vs_2_eta.png"
    assert figures.save(ctx, "a b", _write) == ["figures/ahn.eq4-printed-a_b.png"]
    assert (tmp_path / "figures" / "ahn.eq4-printed-a_b.png").is_file()
    assert figures.save(dataclasses.replace(ctx, figures_dir=None), "a", _write) == []  # figures off


def _variant_claim(draw_label: str) -> Claim:
    def check(ctx: Context):
        x = sp.Symbol("x")
        out = engines.identity((x + 1) ** 2, x**2 + 2 * x + 1, ctx)
        return figures.attach(ctx, out, draw_label, _write)

    return Claim(id="t.fig", title="", source="", statement="s", kind=Kind.IDENTITY, hypotheses="",
                 check=check, reading="r", reading_check=check)


def test_two_variants_write_distinct_files(tmp_path):
    claim = _variant_claim("trajectory")
    ctx = dataclasses.replace(CTX, figures_dir=str(tmp_path / "figures"))
    printed = run_variant(claim, "printed", ctx).outcome.figures
    reading = run_variant(claim, "reading", ctx).outcome.figures
    assert printed == ["figures/t.fig-printed-trajectory.png"]
    assert reading == ["figures/t.fig-reading-trajectory.png"]
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == [
        "t.fig-printed-trajectory.png", "t.fig-reading-trajectory.png"]


def test_ahn_figure_helpers_use_the_prefix(tmp_path):
    """Today's ahn helpers ignore the prefix: printed and reading wrote the same file."""
    run = Run(eta=mp.mpf(1) / 4, xs=[mp.mpf(3), mp.mpf(1), mp.mpf(0)], ys=[mp.mpf(4), mp.mpf(3), mp.mpf(2)],
              stopped="converged")
    names = set()
    for variant in ("printed", "reading"):
        ctx = _ctx(tmp_path, variant)
        got = plot_run(ctx, run, "eq4_sqr_3_4", "title")
        got += save_figure(ctx, "fig1_mean", lambda fig, ax: ax.plot([0, 1], [1, 0]))
        assert len(got) == 2 and all(variant in g for g in got), got
        names.update(got)
    assert len(names) == 4
    assert all((tmp_path / n).is_file() for n in names)


def test_bw_helper_uses_the_same_api(tmp_path):
    ctx = _ctx(tmp_path, "reading", "bw.lemma7")
    assert plots.save(ctx, "Q_t", _write) == [f"figures/{figures.figure_name(ctx, 'Q_t')}"]


def test_a_raising_draw_never_changes_the_verdict(tmp_path):
    def broken(path: str) -> None:
        raise RuntimeError("no display")

    def check(ctx: Context):
        x = sp.Symbol("x")
        out = engines.identity((x + 1) ** 2, x**2 + 2 * x + 1, ctx)
        return figures.attach(ctx, out, "broken", broken)

    claim = Claim(id="t.broken", title="", source="", statement="s", kind=Kind.IDENTITY, hypotheses="",
                  check=check)
    ctx = dataclasses.replace(CTX, figures_dir=str(tmp_path / "figures"))
    res = run_variant(claim, "printed", ctx)
    assert res.verdict is Verdict.PROVED and res.outcome.figures == []
    assert "no display" in res.outcome.details["figure_error"]
    # the ahn helpers too: a failing run inside the plot is recorded, not raised
    out = engines.identity(sp.Integer(1), sp.Integer(1), ctx)
    assert plot_mm_trajectory(_ctx(tmp_path, "printed", "ahn.theorem4"), "cex", "not a number", 1, 1, 5,
                              out=out) == []
    assert out.verdict is Verdict.PROVED and "cex" in out.details["figure_error"]
