"""Command line: ``python -m theorems list | check | report | errata | models | conjecture``.

Exit status of ``check`` (and ``conjecture``): 0 when every variant got a verdict other than
REFUTED, 1 when one was REFUTED, 2 on bad input (unknown id, bad option), 3 when a check
crashed (ERROR: not a verdict; the crash outranks a refutation because it hides what the
variant would have said).  ``report`` exits 0 when it wrote the report, 2 on bad options (an
unwritable ``--out``, another run holding its lock), 130 on Ctrl-C and 143 on SIGTERM (the
results finished before are cached: ``--resume`` continues).  The constants live in
:mod:`theorems.console`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .claim import ClaimError, Context
from .console import (  # noqa: F401 - re-exported: the exit statuses are part of the CLI's API
    EXIT_BAD_INPUT,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_REFUTED,
    EXIT_TERMINATED,
    _add_run_options,
    _context,
    _positive_int,
    _print_result,
    _time_limit,
    exit_status,
)

REPORTS = Path("reports")



def cmd_list(args) -> int:
    from . import registry

    # from the cached claim index: no paper module (and no SymPy) is imported when it is current
    for c in registry.claim_index(paper=args.paper):
        if args.ids:
            print(c["id"])
        else:
            print(f"{c['id']:<28} {c['kind']:<12} [{','.join(c['variants'])}] {c['title']}")
    return 0


def cmd_check(args) -> int:
    from . import registry
    from .runner import run_claim, run_variant

    ctx = _context(args)
    claims = [registry.get(cid) for cid in args.ids]  # unknown ids fail (status 2) before any run
    statuses = []
    for claim in claims:
        results = ([run_variant(claim, args.variant, ctx, _time_limit(args))] if args.variant
                   else run_claim(claim, ctx, _time_limit(args)))
        for r in results:
            _print_result(r.to_json())
            statuses.append(r.verdict.value)
    return exit_status(statuses)


def cmd_report(args) -> int:
    """Run claims, write their golden records (``<out>/records/<id>__<variant>.json``), then
    assemble report.json, REPORT.md and report.html from every record.

    ``--paper P`` / ``--ids ...`` replace only those records; ``--assemble`` runs nothing;
    ``--records-from REPORT_JSON`` creates the records from an existing report (bootstrap).
    A partial run into a directory that has a report.json but no records yet bootstraps the
    records from it first, so the other papers are kept."""
    ctx = _context(args)
    _time_limit(args)  # validated up front: a bad value exits 2 before anything runs
    out = Path(args.out)
    if args.scheduler and args.executor != "dask":
        raise ClaimError("--scheduler needs --executor dask")
    _check_writable(out)
    with _RunLock(out):
        return _report(args, ctx, out)


def _check_writable(out: Path) -> None:
    """``--out`` is usable before anything runs: created if missing, and writable."""
    import tempfile

    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise ClaimError(f"--out {out}: not a writable directory ({exc.strerror or exc})") from None


class _RunLock:
    """One report run per output directory at a time: ``<out>/.lock``, held with ``flock`` for
    the whole run (released by the kernel even if the run is killed), so a second run into the
    same directory stops at once with a clear error instead of overwriting the first one's
    files."""

    def __init__(self, out: Path) -> None:
        self.path = out / ".lock"
        self.fd: int | None = None

    def __enter__(self):
        import os

        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock
            return self
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            other = os.pread(self.fd, 64, 0).decode(errors="replace").strip()
            os.close(self.fd)
            self.fd = None
            raise ClaimError(f"another report run is writing into {self.path.parent}"
                             f"{f' (pid {other})' if other else ''}; wait for it to finish or "
                             "use another --out") from None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, str(os.getpid()).encode(), 0)
        return self

    def __exit__(self, *exc):
        import os

        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            os.close(self.fd)  # closing releases the flock
        return False


def _report(args, ctx: Context, out: Path) -> int:
    """The body of :func:`cmd_report`, once the options are checked and the lock is held."""
    from . import records as golden
    from . import registry, report
    from .progress import Progress
    from .runner import run_many

    rdir = out / golden.RECORDS
    settings = {"budget": ctx.budget.name, "dps": ctx.dps, "seed": ctx.seed}
    meta = report.meta(ctx.budget.name, ctx.dps, ctx.seed, [])  # git state before records change
    seconds = _previous_seconds(out / "report.json")
    partial = bool(args.paper or args.ids)
    has_records = rdir.is_dir() and any(rdir.glob("*__*.json"))
    if args.records_from or (partial and not has_records and (out / "report.json").exists()):
        source = Path(args.records_from or out / "report.json")
        paths = golden.from_report_json(source, rdir)
        seconds.update(_previous_seconds(source))
        print(f"created {len(paths)} records in {rdir} from {source}")
    ran = []
    if not (args.assemble or args.records_from):
        claims = registry.select(paper=args.paper, ids=args.ids)
        with Progress(sys.stderr) as progress:
            ran = run_many(claims, ctx, jobs=args.jobs, cache_dir=out / ".cache" / ctx.budget.name,
                           resume=args.resume, time_limit=_time_limit(args), progress=progress,
                           executor=args.executor, scheduler=args.scheduler,
                           expected=_expected_seconds(out, rdir, seconds))
        golden.write_records(ran, rdir, settings, replace_papers=[args.paper] if args.paper else None,
                             replace_all=not partial)
        seconds.update({(r["id"], r["variant"]): r["seconds"] for r in ran})
    data = golden.assemble(rdir, meta, [c.id for c in registry.all_claims()], seconds)
    paths = report.write(data, out)
    counts: dict[str, int] = {}
    for r in ran:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    if ran:
        print("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if data["errors"]:
        print(f"{len(data['errors'])} claim variant(s) crashed (ERROR): "
              + ", ".join(f"{e['id']}[{e['variant']}]" for e in data["errors"]), file=sys.stderr)
    print("wrote " + ", ".join(str(p) for p in paths) + f" from {len(data['claims'])} records in {rdir}")
    return 0


def _expected_seconds(out: Path, rdir: Path, seconds: dict[tuple[str, str], float]
                      ) -> dict[tuple[str, str], float]:
    """Run time to expect per claim variant, for the longest-first start order: the seconds
    measured by the previous report in ``out``, else by the committed report of the
    repository, else half the record's cost class (an upper bound, about twice the time)."""
    from . import records as golden
    from .runner import PROJECT_ROOT

    committed = PROJECT_ROOT / "reports"
    out_s: dict[tuple[str, str], float] = {}
    for d in dict.fromkeys([committed / golden.RECORDS, rdir]):
        try:
            recs = golden.load_records(d) if d.is_dir() else []
        except ValueError:  # an unreadable record: the order is only a heuristic
            recs = []
        for r in recs:
            if r.get("cost_s") is not None:
                out_s[(r["id"], r["variant"])] = float(r["cost_s"]) / 2
    out_s.update(_previous_seconds(committed / "report.json"))
    out_s.update(seconds)
    return out_s


def _previous_seconds(report_json: Path) -> dict[tuple[str, str], float]:
    """Measured run times of an earlier report.json (records store no timings)."""
    import json

    try:
        data = json.loads(report_json.read_text())
        return {(r["id"], r["variant"]): float(r["seconds"]) for r in data.get("claims", [])
                if "seconds" in r and not r.get("seconds_is_cost_class")}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def cmd_errata(args) -> int:
    from .errata import main as errata_main

    return errata_main(args)


def cmd_models(args) -> int:
    try:
        from .conjectures import list_models
    except ImportError:
        print("no conjecture models are available in this version", file=sys.stderr)
        return 2
    print(list_models())
    return 0


def cmd_conjecture(args) -> int:
    try:
        from .conjectures import main as conj_main
    except ImportError:
        print("error: conjectures are not available in this version", file=sys.stderr)
        return 2
    return conj_main(args)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The CLI parser; with ``argv`` given, options of commands not named in it are not loaded."""
    p = argparse.ArgumentParser(prog="python -m theorems",
                                description="Symbolic-numeric verification of GD/GF theorems")
    sub = p.add_subparsers(dest="cmd", required=True)
    pl = sub.add_parser("list", help="list registered claims")
    pl.add_argument("--ids", action="store_true", help="ids only")
    pl.add_argument("--paper")
    pl.set_defaults(func=cmd_list)

    pc = sub.add_parser("check", help="check claims by id")
    pc.add_argument("ids", nargs="+")
    pc.add_argument("--variant", help="printed, reading, or an extra variant a claim names (e.g. reading2)")
    _add_run_options(pc)
    pc.set_defaults(func=cmd_check)

    pr = sub.add_parser("report", help="run claims and write reports/")
    pr.add_argument("--paper", help="run only this paper's claims (replaces only its records)")
    pr.add_argument("--ids", nargs="+", metavar="ID", help="run only these claims (replaces only their records)")
    pr.add_argument("--assemble", action="store_true",
                    help="run nothing: rebuild the report files from the records")
    pr.add_argument("--records-from", metavar="REPORT_JSON",
                    help="run nothing: create the records from an existing report.json, then assemble")
    pr.add_argument("--jobs", type=_positive_int, default=1,
                    help="worker processes (at most one per claim variant to run); with "
                    "--executor dask and no --scheduler, the local cluster's workers")
    pr.add_argument("--executor", choices=["local", "dask"], default="local",
                    help="local: a process pool on this machine (default); dask: a Dask cluster")
    pr.add_argument("--scheduler", metavar="ADDRESS",
                    help="Dask scheduler address (tcp://host:8786); without it --executor dask "
                    "starts a local cluster of --jobs workers")
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
    add_arguments = None
    if argv is None or "conjecture" in argv:  # the conjecture package (SymPy) only when needed
        try:
            from .conjectures import add_arguments
        except ImportError:
            add_arguments = None
    if add_arguments:
        add_arguments(pj)
    _add_run_options(pj)
    pj.set_defaults(func=cmd_conjecture)
    return p


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ClaimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into head & co.: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM during a run (runner.Terminated)
        import signal

        from .runner import Terminated

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # already stopping: a second Ctrl-C waits

        print("interrupted: results computed so far are cached; rerun with --resume",
              file=sys.stderr)
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
