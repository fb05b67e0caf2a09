"""What every command shares: exit statuses, the run context from the options, and printing a
result.  Imported by :mod:`theorems.cli` and :mod:`theorems.conjectures` (neither imports the
other's internals, so there is no import cycle).

Exit status of ``check`` and ``conjecture``: 0 when every variant got a verdict other than
REFUTED, 1 when one was REFUTED, 2 on bad input (unknown id, bad option), 3 when a check
crashed or an internal error occurred (ERROR: not a verdict; it outranks a refutation because
it hides what the variant would have said).  ``conjecture`` also says when nothing was decided:
4 when every verdict is INCONCLUSIVE (0 needs at least one PROVED, CERTIFIED or SUPPORTED).
"""

from __future__ import annotations

import math
from pathlib import Path

from .claim import BUDGETS, Budget, ClaimError, Context

EXIT_REFUTED = 1
EXIT_BAD_INPUT = 2
EXIT_ERROR = 3
EXIT_UNDECIDED = 4  # conjecture: every verdict INCONCLUSIVE (nothing decided, nothing refuted)
EXIT_INTERRUPTED = 130  # report: Ctrl-C (128 + SIGINT); finished results stay cached
EXIT_TERMINATED = 143  # report: SIGTERM (128 + SIGTERM)
MIN_DPS, MAX_DPS = 15, 2000  # the --dps the commands accept (a reproduce line never asks more)


def exit_status(verdicts, undecided: bool = False) -> int:
    """The documented exit status for a run's statuses (see the module docstring);
    ``undecided``: all-INCONCLUSIVE runs get :data:`EXIT_UNDECIDED` instead of 0."""
    values = {str(v) for v in verdicts}
    if "ERROR" in values:
        return EXIT_ERROR
    if "REFUTED" in values:
        return EXIT_REFUTED
    return EXIT_UNDECIDED if undecided and values == {"INCONCLUSIVE"} else 0


def _context(args) -> Context:
    dps = args.dps
    if dps < MIN_DPS or dps > MAX_DPS:
        raise ClaimError(f"--dps must be between {MIN_DPS} and {MAX_DPS} (got {dps})")
    out = getattr(args, "out", None)
    if out is not None and not str(out).strip():
        raise ClaimError("--out must name a directory (got an empty path)")
    figures = str(Path(args.out) / "figures") if out else None
    return Context(budget=Budget.named(args.budget), dps=dps, seed=args.seed, figures_dir=figures)


def _positive_int(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


DEFAULT_TIME_LIMITS = {"quick": 120.0, "standard": 300.0}


def _add_run_options(p) -> None:
    p.add_argument("--budget", default="standard", choices=sorted(BUDGETS))
    p.add_argument("--dps", type=int, default=50, help="working decimal digits (default 50, 15..2000)")
    p.add_argument("--seed", type=int, default=20261122)
    p.add_argument("--time-limit", default=None, metavar="SECONDS",
                   help="seconds per claim variant (0.5..86400), or 'none' (default: 120 at quick, "
                   "300 at standard, none at deep)")


def _time_limit(args) -> float | None:
    """``--time-limit``: seconds in [0.5, 86400], or ``none`` for no limit; 0, negative, infinite
    or NaN values are refused (one-line error, exit 2) rather than read as "no limit"."""
    text = args.time_limit
    if text is None:
        return DEFAULT_TIME_LIMITS.get(args.budget)
    text = str(text).strip()
    if text.lower() == "none":
        return None
    try:
        t = float(text)
    except ValueError:
        raise ClaimError(f"--time-limit must be a number of seconds or 'none' (got {text!r})") from None
    if not math.isfinite(t) or t < 0.5 or t > 86_400:
        raise ClaimError(f"--time-limit must be between 0.5 and 86400 seconds, or 'none' (got {text})")
    return t


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
