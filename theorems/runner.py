"""Run claims: each variant under a time limit, in worker processes for ``--jobs``.

Results are cached one file per claim variant as soon as they are computed (atomic write),
so an interrupted run loses nothing already computed; ``--resume`` reuses them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import signal
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .claim import (
    Claim,
    ClaimError,
    Context,
    Outcome,
    TimeLimitReached,
    Verdict,
    guarded,
    inconclusive,
)
from .io import atomic_write_text


@dataclass
class ClaimResult:
    id: str
    variant: str
    title: str
    source: str
    kind: str
    statement: str
    hypotheses: str
    outcome: Outcome
    seconds: float
    reproduce: str
    depends_on: tuple[str, ...] = ()

    @property
    def verdict(self) -> Verdict:
        return self.outcome.verdict

    def to_json(self) -> dict[str, Any]:
        o = self.outcome.to_json()
        return {
            "id": self.id,
            "paper": self.id.split(".", 1)[0],
            "variant": self.variant,
            "title": self.title,
            "source": self.source,
            "kind": self.kind,
            "statement": self.statement,
            "hypotheses": self.hypotheses,
            "depends_on": list(self.depends_on),
            "verdict": o["verdict"],
            "method": o["method"],
            "evidence": o,
            "seconds": round(self.seconds, 3),
            "reproduce": self.reproduce,
        }


def _alarm(signum, frame):  # pragma: no cover - exercised only on timeouts
    raise TimeLimitReached()


def reproduce_command(claim_id: str, variant: str, ctx: Context) -> str:
    return (f"python -m theorems check {claim_id} --variant {variant} --budget {ctx.budget.name}"
            f" --dps {2 * ctx.dps}")


def run_variant(claim: Claim, variant_name: str, ctx: Context, time_limit: float | None = None) -> ClaimResult:
    variant = next((v for v in claim.variants() if v.name == variant_name), None)
    if variant is None:
        raise ClaimError(f"{claim.id} has no variant {variant_name!r}")
    ctx = dataclasses.replace(ctx, figure_prefix=f"{claim.id}-{variant.name}")
    t0 = time.perf_counter()
    use_alarm = time_limit and hasattr(signal, "SIGALRM") and _main_thread()
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        # A crash (any exception, ClaimError included) is an ERROR, not a verdict.
        outcome = guarded(variant.check, ctx)
    except TimeLimitReached:
        outcome = inconclusive(f"time limit of {time_limit:.0f}s reached (raise --budget or the limit)",
                               "time limit")
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    seconds = time.perf_counter() - t0
    return ClaimResult(claim.id, variant.name, claim.title, claim.source, claim.kind.value,
                       variant.statement, claim.hypotheses_of(variant), outcome, seconds,
                       reproduce_command(claim.id, variant.name, ctx), claim.depends_on)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def run_claim(claim: Claim, ctx: Context, time_limit: float | None = None) -> list[ClaimResult]:
    return [run_variant(claim, v.name, ctx, time_limit) for v in claim.variants()]


# ---------------------------------------------------------------- cache + parallel runs


# Bump when the runner or the record format changes what a cached result means (the sources of
# the engines and helpers are hashed anyway; this covers changes outside the project's modules).
ENGINE_VERSION = "2"

# Top-level packages whose modules count as project dependencies of a claim module.
PROJECT_PACKAGES = ("theorems", "symbolic", "numeric")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def fingerprint(claim: Claim, ctx: Context) -> str:
    """Cache key of a claim's results: the sources of the modules that define its checks and of
    every project module they import, transitively (see :func:`project_dependencies`), the
    :data:`ENGINE_VERSION`, and the run settings (budget, digits, seed)."""
    h = hashlib.sha256(f"{ENGINE_VERSION}|{claim.id}|{ctx.budget}|{ctx.dps}|{ctx.seed}".encode())
    modules = dict.fromkeys(m for v in claim.variants() for m in _modules_of(v.check))
    files: dict[str, Path] = {}
    for name in modules:
        files.update(project_dependencies(name))
    if not files:  # a check defined nowhere we can read (e.g. in an interactive session)
        h.update(repr(sorted(modules)).encode())
    for name in sorted(files):
        h.update(f"|{name}|".encode())
        h.update(_file_digest(files[name]))
    return h.hexdigest()[:16]


def _modules_of(check: Any) -> list[str]:
    """Modules defining a check: the callable's own, and that of the function it wraps (a spec
    claim's ``make``, a ``functools.partial``'s ``func``)."""
    out = []
    for obj in (check, getattr(check, "make", None), getattr(check, "func", None)):
        name = getattr(obj, "__module__", None) if obj is not None else None
        if isinstance(name, str):
            out.append(name)
    return out


def project_dependencies(module_name: str, root: Path | None = None) -> dict[str, Path]:
    """The module ``module_name`` (a project module, or any imported module with a source file,
    e.g. a user's claims file) and every project module it reaches by import statements,
    transitively, as ``{module name: source file}``.  Imports anywhere in a module count (also
    those inside functions); relative imports are resolved; the packages' ``__init__`` files
    (run on import) are included.  Modules outside :data:`PROJECT_PACKAGES` are not followed."""
    root = root or PROJECT_ROOT
    start = _module_file(module_name, root)
    if start is None:
        mod = sys.modules.get(module_name)
        file = getattr(mod, "__file__", None)
        if not file or not Path(file).is_file():
            return {}
        start = Path(file)
    seen: dict[str, Path] = {}
    stack = [(module_name, start)]
    while stack:
        name, file = stack.pop()
        if name in seen:
            continue
        seen[name] = file
        for dep in _imports_of(name, file, root):
            if dep not in seen:
                dep_file = _module_file(dep, root)
                if dep_file is not None:
                    stack.append((dep, dep_file))
    return seen


def _module_file(name: str, root: Path) -> Path | None:
    parts = name.split(".")
    if parts[0] not in PROJECT_PACKAGES:
        return None
    base = root.joinpath(*parts)
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def _imports_of(name: str, file: Path, root: Path) -> list[str]:
    """Project module names imported by ``file`` (module ``name``), plus the parent packages."""
    key = (str(file), file.stat().st_mtime_ns)
    cached = _IMPORTS.get(key)
    if cached is not None:
        return cached
    import ast

    is_package = file.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    out: list[str] = []
    parts = name.split(".")
    out += [".".join(parts[:i]) for i in range(1, len(parts))]  # parent packages run on import
    try:
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    except (OSError, SyntaxError, UnicodeDecodeError):
        tree = None
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Import):
            for alias in node.names:
                pieces = alias.name.split(".")
                out += [".".join(pieces[:i]) for i in range(1, len(pieces) + 1)]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                if node.level > 1:
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if not base:
                continue
            pieces = base.split(".")
            out += [".".join(pieces[:i]) for i in range(1, len(pieces) + 1)]
            out += [f"{base}.{alias.name}" for alias in node.names if alias.name != "*"]  # submodules
    deps = [d for d in dict.fromkeys(out) if d.split(".")[0] in PROJECT_PACKAGES and d != name]
    _IMPORTS[key] = deps
    return deps


_IMPORTS: dict[tuple[str, int], list[str]] = {}


def _file_digest(file: Path) -> bytes:
    try:
        return hashlib.sha256(file.read_bytes()).digest()
    except OSError:
        return b"unreadable"


def _cache_file(cache_dir: Path, claim_id: str, variant: str) -> Path:
    return cache_dir / f"{claim_id}__{variant}.json"


def _worker(claim_id: str, variant: str, ctx: Context, time_limit: float | None,
            loader: Callable[[str], Claim] | None) -> dict[str, Any]:
    from . import registry

    claim = loader(claim_id) if loader else registry.get(claim_id)
    return run_variant(claim, variant, ctx, time_limit).to_json()


def run_many(
    claims: Iterable[Claim],
    ctx: Context,
    jobs: int = 1,
    cache_dir: Path | None = None,
    resume: bool = False,
    time_limit: float | None = None,
    progress: Callable[[dict[str, Any], int, int], None] | None = None,
    loader: Callable[[str], Claim] | None = None,
) -> list[dict[str, Any]]:
    """Run every variant of every claim; returns JSON records in claim order."""
    claims = list(claims)
    tasks = [(c, v.name) for c in claims for v in c.variants()]
    results: dict[tuple[str, str], dict[str, Any]] = {}
    prints = {c.id: fingerprint(c, ctx) for c in claims}
    todo = []
    for c, v in tasks:
        if cache_dir and resume:
            f = _cache_file(cache_dir, c.id, v)
            if f.exists():
                try:
                    rec = json.loads(f.read_text())
                    if rec.get("fingerprint") == prints[c.id]:
                        results[(c.id, v)] = rec
                        continue
                except (OSError, json.JSONDecodeError):
                    pass
        todo.append((c, v))
    done = len(results)
    total = len(tasks)

    def finish(rec: dict[str, Any]) -> None:
        nonlocal done
        rec["fingerprint"] = prints[rec["id"]]
        results[(rec["id"], rec["variant"])] = rec
        done += 1
        if cache_dir:
            atomic_write_text(_cache_file(cache_dir, rec["id"], rec["variant"]), json.dumps(rec))
        if progress:
            progress(rec, done, total)

    if jobs <= 1 or len(todo) <= 1:
        for c, v in todo:
            finish(run_variant(c, v, ctx, time_limit).to_json())
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futs = [pool.submit(_worker, c.id, v, ctx, time_limit, loader) for c, v in todo]
            for fut in as_completed(futs):
                finish(fut.result())
    return [results[(c.id, v)] for c, v in tasks]
