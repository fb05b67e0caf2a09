"""Command line: ``python -m theorems list | check | report | errata | models | conjecture``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .claim import BUDGETS, Budget, ClaimError, Context

REPORTS = Path("reports")


def _context(args) -> Context:
    dps = args.dps
    if dps < 15 or dps > 2000:
        raise ClaimError(f"--dps must be between 15 and 2000 (got {dps})")
    figures = str(Path(args.out) / "figures") if getattr(args, "out", None) else None
    return Context(budget=Budget.named(args.budget), dps=dps, seed=args.seed, figures_dir=figures)


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--budget", default="standard", choices=sorted(BUDGETS))
    p.add_argument("--dps", type=int, default=50, help="working decimal digits (default 50)")
    p.add_argument("--seed", type=int, default=20261122)
    p.add_argument("--time-limit", type=float, default=None,
                   help="seconds per claim variant (default: 300 at standard, none at deep)")


def _time_limit(args) -> float | None:
    if args.time_limit is not None:
        return args.time_limit
    return {"quick": 120.0, "standard": 300.0}.get(args.budget)


def _progress(rec, done, total) -> None:
    print(f"[{done:>3}/{total}] {rec['id']:<28} {rec['variant']:<8} {rec['verdict']:<12} "
          f"{rec['seconds']:7.2f}s", file=sys.stderr, flush=True)


def cmd_list(args) -> int:
    from . import registry

    for c in registry.select(paper=args.paper):
        if args.ids:
            print(c.id)
        else:
            variants = ",".join(v.name for v in c.variants())
            print(f"{c.id:<28} {c.kind.value:<12} [{variants}] {c.title}")
    return 0


def cmd_check(args) -> int:
    from . import registry
    from .runner import run_claim, run_variant

    ctx = _context(args)
    status = 0
    for cid in args.ids:
        claim = registry.get(cid)
        results = ([run_variant(claim, args.variant, ctx, _time_limit(args))] if args.variant
                   else run_claim(claim, ctx, _time_limit(args)))
        for r in results:
            _print_result(r.to_json())
            if r.verdict.value == "REFUTED":
                status = 1
    return status


def _print_result(rec) -> None:
    ev = rec["evidence"]
    print(f"{rec['id']} ({rec['variant']}): {rec['verdict']}  [{rec['method']}, {rec['seconds']:.2f}s]")
    print(f"  statement: {rec['statement']}")
    text = ev.get("summary") or ev.get("reason")
    if text:
        print(f"  {text}")
    from .report import _find

    derived = _find(ev, "derived")
    if derived:
        for k, v in derived.items():
            print(f"  {k}: {v}")
    cex = _find(ev, "counterexample")
    if cex and rec["verdict"] == "REFUTED":
        print("  counterexample (exact inputs): " + ", ".join(f"{k}={v}" for k, v in cex["inputs"].items()))
        print(f"  violation: {cex['violation']}")
        print(f"  reproduce: {rec['reproduce']}")


def cmd_report(args) -> int:
    from . import registry, report
    from .runner import run_many

    ctx = _context(args)
    claims = registry.select(paper=args.paper)
    out = Path(args.out)
    records = run_many(claims, ctx, jobs=args.jobs, cache_dir=out / ".cache" / ctx.budget.name,
                       resume=args.resume, time_limit=_time_limit(args), progress=_progress)
    papers = list(dict.fromkeys(c.paper for c in claims))
    data = report.build(records, report.meta(ctx.budget.name, ctx.dps, ctx.seed, papers))
    if args.paper and (out / "report.json").exists():
        data = _merge(out / "report.json", data, args.paper)
    paths = report.write(data, out)
    counts = {}
    for r in records:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    print("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0


def _merge(existing: Path, new: dict, paper: str) -> dict:
    """A --paper run replaces that paper's records in an existing report, keeping the rest."""
    import json

    from . import report

    try:
        old = json.loads(existing.read_text())
    except (OSError, ValueError):
        return new
    keep = [r for r in old.get("claims", []) if r.get("paper") != paper]
    if old.get("meta", {}).get("budget") != new["meta"]["budget"]:
        return new
    records = keep + new["claims"]
    papers = list(dict.fromkeys(r["paper"] for r in records))
    return report.build(records, {**new["meta"], "papers": papers})


def cmd_errata(args) -> int:
    from .errata import main as errata_main

    return errata_main(args)


def cmd_models(args) -> int:
    try:
        from .conjecture import list_models
    except ImportError:
        print("no conjecture models are available in this version", file=sys.stderr)
        return 2
    print(list_models())
    return 0


def cmd_conjecture(args) -> int:
    try:
        from .conjecture import main as conj_main
    except ImportError:
        print("error: conjectures are not available in this version", file=sys.stderr)
        return 2
    return conj_main(args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m theorems",
                                description="Symbolic-numeric verification of GD/GF theorems")
    sub = p.add_subparsers(dest="cmd", required=True)
    pl = sub.add_parser("list", help="list registered claims")
    pl.add_argument("--ids", action="store_true", help="ids only")
    pl.add_argument("--paper")
    pl.set_defaults(func=cmd_list)

    pc = sub.add_parser("check", help="check claims by id")
    pc.add_argument("ids", nargs="+")
    pc.add_argument("--variant", choices=["printed", "reading"])
    _add_run_options(pc)
    pc.set_defaults(func=cmd_check)

    pr = sub.add_parser("report", help="run claims and write reports/")
    pr.add_argument("--paper")
    pr.add_argument("--jobs", type=int, default=1, help="worker processes")
    pr.add_argument("--out", default=str(REPORTS))
    pr.add_argument("--resume", action="store_true",
                    help="reuse results cached by an earlier (possibly interrupted) run")
    _add_run_options(pr)
    pr.set_defaults(func=cmd_report)

    pe = sub.add_parser("errata", help="printed statements the report refuted, with corrections")
    pe.add_argument("--paper", required=True)
    pe.add_argument("--format", choices=["markdown", "latex"], default="markdown")
    pe.add_argument("--report", default=str(REPORTS / "report.json"), help="report.json to read")
    pe.add_argument("--out", help="write to this file instead of stdout")
    pe.set_defaults(func=cmd_errata)

    pm = sub.add_parser("models", help="list models and their vocabularies for conjectures")
    pm.set_defaults(func=cmd_models)

    pj = sub.add_parser("conjecture", help="check a user's conjectures")
    try:
        from .conjecture import add_arguments
    except ImportError:
        add_arguments = None
    if add_arguments:
        add_arguments(pj)
    _add_run_options(pj)
    pj.set_defaults(func=cmd_conjecture)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ClaimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head & co.: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted: results computed so far are cached; rerun with --resume",
              file=sys.stderr)
        return 130
