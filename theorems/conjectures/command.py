"""``python -m theorems conjecture``: options, claims files, and printing the verdicts."""

from __future__ import annotations

import argparse
import importlib.util
import shlex
import sys
from pathlib import Path
from typing import Any

from .. import console
from ..claim import Claim, ClaimError, Context
from ..console import MAX_DPS, _context, _time_limit
from .constants import DEFAULT_OUT, KINDS

# SymPy and the engines (.check, .models, ..vocabulary) are imported by the functions that use
# them: building the option parser (``--help``, option errors) must not wait for them.

# ====================================================================== the three CLI hooks


def list_models() -> str:
    """The models and their vocabularies, as printed by ``python -m theorems models``."""
    from ..vocabulary import describe_all

    return describe_all()


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m theorems models``: no option lists every built-in model; a name
    (``models NAME`` or ``--describe NAME``), or a model of your own (``--vars``/``--loss``/
    ``--param`` or ``--model-file``), plus ``--let``, prints just that vocabulary - the same
    text as ``conjecture --describe``."""
    parser.add_argument("name", nargs="?", help="a built-in model (default: list them all)")
    parser.add_argument("--describe", metavar="NAME", help="the same as giving NAME")
    parser.add_argument("--vars", help="a model of your own: its variables, e.g. \"u, v, w\"")
    parser.add_argument("--loss", help="the loss of your model, e.g. \"(u*v*w - 1)^2/2\"")
    parser.add_argument("--param", action="append", default=[],
                        help="a parameter with its standing hypothesis, e.g. \"Phi > 0\" (repeatable)")
    parser.add_argument("--model-file", help="a model file (see docs/conjectures.md)")
    parser.add_argument("--let", action="append", default=[],
                        help="a definition, e.g. \"C = u^2 - v^2\" (repeatable)")


def models_main(args: argparse.Namespace) -> int:
    """``python -m theorems models``: every model's vocabulary, or one model's."""
    try:
        return _models_main(args)
    except (ClaimError, BrokenPipeError):
        raise
    except RecursionError:
        raise ClaimError("expression nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - an internal error: one line and its own status
        print(f"internal error: {' '.join(f'{type(exc).__name__}: {exc}'.split())[:300]}",
              file=sys.stderr)
        return console.EXIT_ERROR


def _models_main(args: argparse.Namespace) -> int:
    name = getattr(args, "name", None)
    describe = getattr(args, "describe", None)
    if name and describe and name != describe:
        raise ClaimError(f"give one model name (got {name!r} and --describe {describe!r})")
    model = name or describe
    user = bool(args.vars or args.loss or args.param or args.model_file)
    if not model and not user:
        if args.let:
            raise ClaimError("--let defines a name in one model: give the model (a name, "
                             "--vars/--loss or --model-file)")
        print(list_models())
        return 0
    ns = argparse.Namespace(model=model, vars=args.vars, loss=args.loss, param=args.param,
                            model_file=args.model_file, let=args.let)
    from .models import resolve

    print(resolve(_model_of(ns)).describe())
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m theorems conjecture`` (run options are added by the CLI)."""
    parser.add_argument("file", nargs="?", help="a Python file defining CLAIMS (claims-file mode)")
    parser.add_argument("--model", help="built-in model of a one-line conjecture (see 'python -m theorems models')")
    parser.add_argument("--vars", help="a model of your own: its variables, e.g. \"u, v, w\", "
                        "\"a[d], b[d]\" (d tried over 1..3 or fixed by --assume 'd == 2'), \"W[2,2], x[2]\"")
    parser.add_argument("--loss", help="the loss of your model, e.g. \"(u*v*w - 1)^2/2\" "
                        "(vectors/matrices through dot, norm2, sum, tr, det, frob2, T, @)")
    parser.add_argument("--param", action="append", default=[],
                        help="a parameter of your model with its standing hypothesis, e.g. "
                        "\"Phi > 0\" or just \"c\" (repeatable)")
    parser.add_argument("--let", action="append", default=[],
                        help="a definition usable in claims and assumptions, e.g. "
                        "\"C = u^2 - v^2\" (repeatable, any order, no cycles)")
    parser.add_argument("--model-file", help="a model file (lines 'vars: ...', 'loss: ...', "
                        "'param: ...', 'let: ...', 'name: ...'); plain text, nothing executed")
    parser.add_argument("--claim", help="the conjecture, e.g. \"alpha_next <= alpha\"")
    parser.add_argument("--assume", action="append", default=[],
                        help="assumptions, e.g. \"eta*abs(eps) < 1, d == 2\" (repeatable)")
    parser.add_argument("--describe", action="store_true",
                        help="print the model's vocabulary (as 'python -m theorems models' does) "
                        "and stop; with --vars/--loss, --model-file or --model, plus --let")
    parser.add_argument("--kind", choices=KINDS, help="default: inferred from the claim")
    parser.add_argument("--steps", type=int, default=None,
                        help="GD steps for trajectory/rate conjectures (default 400)")
    parser.add_argument("--flow", choices=("gd", "gf"), default="gd",
                        help="trajectory claims: along GD steps (default) or along gradient flow")
    parser.add_argument("--times", help="--flow gf: the times at which X[t] is checked, e.g. "
                        "\"1/2, 1, 2\" (X[0] is the initial point; error-controlled integration)")
    parser.add_argument("--at", help="check only at this exact point, e.g. \"d=2, a1=1/2, ...\" "
                        "(the reproduction of a counterexample); a value may be a constant "
                        "expression such as 2*exp(exp(100)) (decided in ball arithmetic)")
    parser.add_argument("--only", action="append", default=[],
                        help="claims-file mode: run only this claim id (repeatable)")
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"report directory (default {DEFAULT_OUT})")
    parser.add_argument("--no-report", action="store_true", help="do not write a report")


def main(args: argparse.Namespace) -> int:
    """Run ``python -m theorems conjecture``; 0 = decided and nothing refuted, 1 = REFUTED,
    2 = bad input (one line on stderr), 3 = an internal error (one line on stderr, never 0),
    4 = nothing decided (every verdict INCONCLUSIVE)."""
    try:
        return _main(args)
    except (ClaimError, BrokenPipeError):
        raise
    except RecursionError:
        raise ClaimError("expression nested too deeply") from None
    except (MemoryError, OverflowError) as exc:
        raise ClaimError(f"numbers too large to handle ({type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - an internal error: one line and its own status
        text = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        print(f"internal error: {text}", file=sys.stderr)
        return console.EXIT_ERROR


# ====================================================================== claims files


def load_claims_file(path: str | Path) -> list[Claim]:
    """Import a user's claims file and return its claims: ``CLAIMS`` (a list of :class:`Claim`)
    or, without it, every claim the module defines (e.g. with ``theorems.spec.claim``).

    Raises :class:`ClaimError` (one line) for a missing file, a syntax error, an exception
    while importing, a missing or malformed ``CLAIMS``, or duplicate ids.
    """
    p = Path(path)
    if not p.is_file():
        raise ClaimError(f"no such claims file: {p}")
    try:
        source = p.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise ClaimError(f"cannot read claims file {p}: {exc}") from None
    try:
        compile(source, str(p), "exec")
    except SyntaxError as exc:
        raise ClaimError(f"{p}:{exc.lineno}:{exc.offset}: syntax error: {exc.msg}") from None
    import hashlib

    name = "user_claims_" + p.stem.replace("-", "_") + "_" + hashlib.sha1(
        str(p.resolve()).encode()).hexdigest()[:8]
    spec = importlib.util.spec_from_file_location(name, p)
    if spec is None or spec.loader is None:
        raise ClaimError(f"cannot import claims file {p}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # the runner fingerprints claims by their module's source
    try:
        spec.loader.exec_module(module)
    except ClaimError as exc:
        raise ClaimError(f"{p}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - a user's file: report in one line
        import traceback

        line = next((f.lineno for f in reversed(traceback.extract_tb(exc.__traceback__))
                     if f.filename == str(p)), None)
        where = f"{p}:{line}" if line else str(p)
        text = " ".join(str(exc).split())[:200]
        raise ClaimError(f"{where}: error while loading: {type(exc).__name__}: {text}") from None
    claims = getattr(module, "CLAIMS", None)
    if claims is None:
        from ..registry import claims_of_module

        claims = claims_of_module(module) or None
    if claims is None:
        raise ClaimError(f"{p} defines no claims (@claim statements, or CLAIMS: a list of theorems.Claim)")
    if not isinstance(claims, list | tuple) or not all(isinstance(c, Claim) for c in claims):
        raise ClaimError(f"{p}: CLAIMS must be a list of theorems.Claim objects")
    if not claims:
        raise ClaimError(f"{p}: CLAIMS is empty")
    ids = [c.id for c in claims]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ClaimError(f"{p}: duplicate claim ids {dup}")
    return list(claims)



# ====================================================================== CLI


def _main(args: argparse.Namespace) -> int:

    user = bool(args.vars or args.loss or args.param or args.model_file)
    if args.file and (args.claim or args.model or user or args.let):
        raise ClaimError("give either a claims file or a one-line conjecture (--claim), not both")
    if args.describe:
        if args.file or args.claim:
            raise ClaimError("--describe prints a model's vocabulary; give no claim or file")
        from .models import resolve

        print(resolve(_model_of(args)).describe())
        return 0
    if not args.file and not args.claim:
        raise ClaimError("nothing to check: give a claims file, or --model NAME (or --vars/--loss) "
                         "--claim \"...\"")
    if args.file and (args.assume or args.kind or args.at or args.steps):
        raise ClaimError("--assume/--kind/--at/--steps apply to one-line conjectures, not to a file")
    model = None if args.file else _model_of(args)
    ctx = _context(args)
    if args.no_report:
        ctx = Context(budget=ctx.budget, dps=ctx.dps, seed=ctx.seed, figures_dir=None)
    if args.file:
        claims = load_claims_file(args.file)
        if args.only:
            unknown = sorted(set(args.only) - {c.id for c in claims})
            if unknown:
                raise ClaimError(f"--only: no claim with id {unknown[0]!r} in {args.file}")
            claims = [c for c in claims if c.id in args.only]
        repro = {c.id: "python -m theorems conjecture " + " ".join(
            shlex.quote(w) for w in [str(args.file), "--only", c.id, "--dps", str(min(2 * ctx.dps, MAX_DPS))])
            for c in claims}
        label = str(args.file)
    else:
        from .check import conjecture_claim

        claim = conjecture_claim(model, args.claim, args.assume, args.kind, steps=args.steps,
                                 at=args.at, flow=args.flow, times=args.times)
        claims = [claim]
        repro = {}
        label = f"{claim.id.removeprefix('conjecture.')}: {args.claim}"
    from ..runner import run_many

    by_id = {c.id: c for c in claims}
    records = run_many(claims, ctx, jobs=1, time_limit=_time_limit(args), loader=by_id.__getitem__)
    for rec in records:
        ev = rec["evidence"]
        rec["reproduce"] = ev.get("details", {}).get("reproduce") or repro.get(rec["id"], rec["reproduce"])
        _print_record(rec)
    status = console.exit_status((r["verdict"] for r in records), undecided=True)
    if not args.no_report:
        from .. import report

        data = report.build(records, {**report.meta(ctx.budget.name, ctx.dps, ctx.seed,
                                                    list(dict.fromkeys(r["paper"] for r in records))),
                                      "source": label})
        paths = report.write(data, Path(args.out))
        print("wrote " + ", ".join(str(p) for p in paths))
    return status


def _model_of(args: argparse.Namespace):
    """The model named by the options: --model, --vars/--loss/--param, or --model-file (plus --let)."""
    given = [o for o, v in (("--model", args.model), ("--vars/--loss", args.vars or args.loss),
                            ("--model-file", args.model_file)) if v]
    if len(given) != 1:
        raise ClaimError("give exactly one model: --model NAME, --vars ... --loss ..., or "
                         "--model-file FILE" + (f" (got {' and '.join(given)})" if given else ""))
    if args.param and not (args.vars or args.loss):
        raise ClaimError("--param declares a parameter of your own model (--vars/--loss); with "
                         "--model or --model-file use --assume")
    from ..vocabulary import get_model
    from .models import UserModel, load_model_file, with_lets

    if args.model:
        return with_lets(get_model(args.model), args.let)
    if args.model_file:
        um = load_model_file(args.model_file)
        return UserModel(um.variables, um.loss, um.params, (*um.lets, *args.let), name=um.name,
                         source=um.source)
    if not (args.vars and args.loss):
        raise ClaimError("a model of your own needs both --vars and --loss")
    return UserModel(args.vars, args.loss, tuple(args.param), tuple(args.let))


def _print_record(rec: dict[str, Any]) -> None:
    console._print_result(rec)
    ev = rec["evidence"]
    for note in ev.get("details", {}).get("notes", []) or []:
        print(f"  note: {note}")

