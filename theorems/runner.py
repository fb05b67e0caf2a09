"""Run claims: each variant under a time limit, in worker processes for ``--jobs`` or on a
Dask cluster (``executor="dask"``).

Results are cached one file per claim variant as soon as they are computed (atomic write),
so an interrupted run loses nothing already computed; ``--resume`` reuses them.

Stopping: an interrupt (Ctrl-C, i.e. SIGINT, or SIGTERM) raises :class:`KeyboardInterrupt` /
:class:`Terminated` in the main process, which cancels what has not started, terminates the
worker processes (they ignore SIGINT themselves, so a terminal's Ctrl-C reaches only the main
process) and re-raises; every result finished before is already in the cache.  A worker whose
parent dies gets SIGTERM from the kernel (``PR_SET_PDEATHSIG`` on Linux), so no worker outlives
its run, even after SIGKILL of the main process.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
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
from .timelimit import ThreadTimer as _ThreadTimer


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


class Terminated(KeyboardInterrupt):
    """SIGTERM received by a run: stops it like Ctrl-C (exit status 143 instead of 130)."""


def reproduce_command(claim_id: str, variant: str, ctx: Context) -> str:
    return (f"python -m theorems check {claim_id} --variant {variant} --budget {ctx.budget.name}"
            f" --dps {2 * ctx.dps}")


def run_variant(claim: Claim, variant_name: str, ctx: Context, time_limit: float | None = None) -> ClaimResult:
    variant = next((v for v in claim.variants() if v.name == variant_name), None)
    if variant is None:
        raise ClaimError(f"{claim.id} has no variant {variant_name!r}")
    ctx = dataclasses.replace(ctx, figure_prefix=f"{claim.id}-{variant.name}")
    t0 = time.perf_counter()
    use_alarm = bool(time_limit) and hasattr(signal, "SIGALRM") and _main_thread()
    timer = _ThreadTimer(time_limit) if time_limit and not use_alarm else None
    try:
        if use_alarm:
            old = signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, time_limit)
        try:
            # A crash (any exception, ClaimError included) is an ERROR, not a verdict.  The check runs at
            # the working precision whatever the caller's mpmath state (a hypothesis bound or a helper
            # evaluated outside an explicit workdps must not depend on the process it runs in).
            import mpmath  # lazily: `list` and the CLI's start-up never need it

            with mpmath.workdps(ctx.dps):
                outcome = guarded(variant.check, ctx)
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old)
            if timer:
                timer.stop()
    except TimeLimitReached:
        outcome = inconclusive(f"time limit of {time_limit:.0f}s reached (raise --budget or the limit)",
                               "time limit")
    seconds = time.perf_counter() - t0
    return ClaimResult(claim.id, variant.name, claim.title, claim.source, claim.kind.value,
                       variant.statement, claim.hypotheses_of(variant), outcome, seconds,
                       reproduce_command(claim.id, variant.name, ctx), claim.depends_on)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def run_claim(claim: Claim, ctx: Context, time_limit: float | None = None) -> list[ClaimResult]:
    return [run_variant(claim, v.name, ctx, time_limit) for v in claim.variants()]


# ---------------------------------------------------------------- cache + parallel runs


# Bump when the runner or the record format changes what a cached result means (the sources of
# the engines and helpers are hashed anyway; this covers changes outside the project's modules).
ENGINE_VERSION = "3"  # 3: checks run at the working precision (mp.workdps(ctx.dps))

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
    _save_import_graph(root)
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
    """Project module names imported by ``file`` (module ``name``), plus the parent packages.
    Memoised in the process (by modification time) and on disk (:data:`IMPORT_GRAPH_FILE`, by
    content): parsing the ~50 modules behind a check takes longer than a one-step conjecture."""
    key = (str(file), file.stat().st_mtime_ns)
    cached = _IMPORTS.get(key)
    if cached is not None:
        return cached
    try:
        source = file.read_bytes()
    except OSError:
        _IMPORTS[key] = deps = _scan_imports(name, file, None)
        return deps
    disk_key = hashlib.sha256(f"{_IMPORT_GRAPH_FORMAT}|{name}|".encode() + source).hexdigest()
    graph = _import_graph(root)
    deps = graph.get(disk_key)
    if not (isinstance(deps, list) and all(isinstance(d, str) for d in deps)):
        deps = _scan_imports(name, file, source)
        graph[disk_key] = deps
        _UNSAVED.add(root)
    _IMPORTS[key] = deps
    return deps


# the import lists of project modules by content, shared between runs (git-ignored)
IMPORT_GRAPH_FILE = ".import-graph.json"
_IMPORT_GRAPH_FORMAT = 1  # bump when _scan_imports changes what it returns
_IMPORT_GRAPH_MAX = 2000  # entries kept on disk (old versions of edited files accumulate)
_GRAPHS: dict[Path, dict[str, list[str]]] = {}
_UNSAVED: set[Path] = set()  # roots whose graph gained entries since it was last written


def _import_graph(root: Path) -> dict[str, list[str]]:
    """The on-disk import lists under ``root`` (read once per process; empty when missing or
    unreadable: then every module is parsed, which only costs time)."""
    if root not in _GRAPHS:
        try:
            data = json.loads((root / IMPORT_GRAPH_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        _GRAPHS[root] = data if isinstance(data, dict) else {}
    return _GRAPHS[root]


def _save_import_graph(root: Path) -> None:
    if root not in _UNSAVED:
        return
    _UNSAVED.discard(root)
    graph = _GRAPHS[root]
    if len(graph) > _IMPORT_GRAPH_MAX:  # keep the newest half (dicts keep insertion order)
        for k in list(graph)[: len(graph) - _IMPORT_GRAPH_MAX // 2]:
            del graph[k]
    try:
        atomic_write_text(root / IMPORT_GRAPH_FILE, json.dumps(graph))
    except OSError:  # a read-only installation: the graph is parsed again next time
        pass


def _scan_imports(name: str, file: Path, source: bytes | None) -> list[str]:
    """Project module names imported by ``file`` (module ``name``, its contents ``source``;
    None: unreadable), parsed with :mod:`ast`."""
    import ast

    is_package = file.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    out: list[str] = []
    parts = name.split(".")
    out += [".".join(parts[:i]) for i in range(1, len(parts))]  # parent packages run on import
    try:
        tree = ast.parse(source.decode("utf-8"), filename=str(file)) if source is not None else None
    except (SyntaxError, UnicodeDecodeError, ValueError):
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
    return [d for d in dict.fromkeys(out) if d.split(".")[0] in PROJECT_PACKAGES and d != name]


_IMPORTS: dict[tuple[str, int], list[str]] = {}


def _file_digest(file: Path) -> bytes:
    try:
        return hashlib.sha256(file.read_bytes()).digest()
    except OSError:
        return b"unreadable"


def _cache_file(cache_dir: Path, claim_id: str, variant: str) -> Path:
    return cache_dir / f"{claim_id}__{variant}.json"


def _worker(claim_id: str, variant: str, ctx: Context, time_limit: float | None,
            loader: Callable[[str], Claim] | None, expected: str | None = None) -> dict[str, Any]:
    """Run one claim variant in a worker; ``expected`` is the fingerprint the submitting process
    computed: a worker with other sources (a stale cluster) refuses instead of caching a result
    under the wrong key."""
    claim = same_sources(claim_id, ctx, loader, expected)
    return run_variant(claim, variant, ctx, time_limit).to_json()


def same_sources(claim_id: str, ctx: Context, loader: Callable[[str], Claim] | None,
                 expected: str | None) -> Claim:
    """The claim, loaded in this (worker) process; a :class:`ClaimError` if its fingerprint
    differs from ``expected`` (the submitting process's)."""
    from . import registry

    claim = loader(claim_id) if loader else registry.get(claim_id)
    if expected is not None and fingerprint(claim, ctx) != expected:
        raise ClaimError(f"worker has different sources for {claim_id} than the submitting "
                         "process (install the same version of the suite on every worker)")
    return claim


def _dask_task(claim_id: str, variant: str, ctx: Context, time_limit: float | None,
               loader: Callable[[str], Claim] | None, expected: str | None = None,
               batches: bool = False) -> dict[str, Any]:
    """:func:`_worker` as a Dask task.  ``batches``: long sweeps inside the variant send their
    batches to the same cluster (:mod:`theorems.parallel`), under the variant's time limit; a
    worker that runs a batch checks its sources first, as the variant's worker does."""
    if not batches:
        return _worker(claim_id, variant, ctx, time_limit, loader, expected)
    from . import parallel

    with parallel.on_cluster(time_limit, sources=(same_sources, claim_id, ctx, loader, expected)):
        return _worker(claim_id, variant, ctx, time_limit, loader, expected)


def _worker_unit(unit: list[tuple[str, str]], ctx: Context, time_limit: float | None,
                 loader: Callable[[str], Claim] | None, expected: list[str | None],
                 cache_dir: Path | None = None, batches: bool = False) -> list[dict[str, Any]]:
    """Run the variants of one unit (see :func:`units_of`) one after another in this worker.
    With ``cache_dir`` each result is cached as soon as it is finished (with its fingerprint), so
    an interrupted unit keeps its finished variants for ``--resume``.  ``batches`` (a Dask task
    on workers that reserve a slot per unit): see :func:`_dask_task`."""
    out = []
    for (claim_id, variant), fp in zip(unit, expected, strict=True):
        rec = _dask_task(claim_id, variant, ctx, time_limit, loader, fp, batches)
        if cache_dir is not None and fp is not None:
            atomic_write_text(_cache_file(cache_dir, claim_id, variant), json.dumps({**rec, "fingerprint": fp}))
        out.append(rec)
    return out


def units_of(todo: list[tuple[Claim, str]]) -> list[list[tuple[Claim, str]]]:
    """The scheduling units: every variant alone, except that the variants of claims with the same
    non-empty ``Claim.shares`` key form one unit (in ``todo`` order, placed where its first member
    was), run one after another in one worker so that their shared runs are computed once."""
    units: list[list[tuple[Claim, str]]] = []
    shared: dict[str, list[tuple[Claim, str]]] = {}
    for c, v in todo:
        key = c.shares
        if key:
            if key not in shared:
                shared[key] = []
                units.append(shared[key])
            shared[key].append((c, v))
        else:
            units.append([(c, v)])
    return units


def _init_worker(parent: int) -> None:
    """Process-pool worker set-up: ignore SIGINT (the parent decides how to stop) and die with
    the parent (SIGTERM when it exits, however it exits)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(1)


def die_with_parent() -> bool:
    """Ask the kernel to send this process SIGTERM when its parent exits (Linux
    ``prctl(PR_SET_PDEATHSIG)``); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1  # noqa: N806 - the C constant's name
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _raise_terminated(signum, frame):
    raise Terminated()


class _StopOnSigterm:
    """In the main thread: SIGTERM raises :class:`Terminated` (a KeyboardInterrupt) for the
    duration of the block, so a run stops the same way on SIGTERM as on Ctrl-C."""

    def __enter__(self):
        self.old = None
        if _main_thread():
            self.old = signal.signal(signal.SIGTERM, _raise_terminated)
        return self

    def __exit__(self, *exc):
        if self.old is not None:
            signal.signal(signal.SIGTERM, self.old)
        return False


EXECUTORS = ("local", "dask")
DASK_CONNECT_TIMEOUT = "20s"  # to reach a --scheduler


def run_many(
    claims: Iterable[Claim],
    ctx: Context,
    jobs: int = 1,
    cache_dir: Path | None = None,
    resume: bool = False,
    time_limit: float | None = None,
    progress: Callable[[dict[str, Any], int, int], None] | None = None,
    loader: Callable[[str], Claim] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    expected: Mapping[tuple[str, str], float] | None = None,
) -> list[dict[str, Any]]:
    """Run every variant of every claim; returns JSON records in claim order.

    ``executor="local"``: ``jobs`` worker processes (capped at the number of variants to run;
    1 runs in this process).  ``executor="dask"``: the variants are submitted to the Dask
    scheduler at ``scheduler`` (``"tcp://host:8786"``), or to a local cluster of ``jobs``
    single-threaded worker processes started for this run.  Either way each result is cached as
    it arrives and the records are the same.

    ``expected`` maps (id, variant) to a previous run time: with several workers, the variants
    start longest first (:func:`longest_first`), so that the run's wall time approaches the
    total divided by the workers instead of ending on one long variant started last."""
    if executor not in EXECUTORS:
        raise ClaimError(f"unknown executor {executor!r}; choose one of {list(EXECUTORS)}")
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
    units = units_of(todo)
    if expected is not None:
        units = longest_first_units(units, expected)

    def finish(rec: dict[str, Any]) -> None:
        nonlocal done
        rec["fingerprint"] = prints[rec["id"]]
        results[(rec["id"], rec["variant"])] = rec
        done += 1
        if cache_dir:
            atomic_write_text(_cache_file(cache_dir, rec["id"], rec["variant"]), json.dumps(rec))
        if progress:
            progress(rec, done, total)

    jobs = max(1, min(jobs, len(units)))
    with _StopOnSigterm():
        if executor == "dask":
            if units:
                _run_dask(units, ctx, jobs, time_limit, loader, prints, scheduler, finish)
        elif jobs <= 1:
            for unit in units:
                for c, v in unit:
                    finish(run_variant(c, v, ctx, time_limit).to_json())
        else:
            _run_pool(units, ctx, jobs, time_limit, loader, prints, finish, cache_dir)
    return [results[(c.id, v)] for c, v in tasks]


def longest_first(todo: list[tuple[Claim, str]], expected: Mapping[tuple[str, str], float]
                  ) -> list[tuple[Claim, str]]:
    """Longest-processing-time-first order: by decreasing ``expected`` seconds; a variant with
    no previous time (a new claim) goes first (it may be long), ties keep their order.  With
    ``jobs`` workers this list-schedules within 4/3 of the best possible wall time."""
    def key(task: tuple[Claim, str]) -> float:
        t = expected.get((task[0].id, task[1]))
        return -math.inf if t is None else -float(t)

    return sorted(todo, key=key)


def longest_first_units(units: list[list[tuple[Claim, str]]], expected: Mapping[tuple[str, str], float]
                        ) -> list[list[tuple[Claim, str]]]:
    """:func:`longest_first` for units: a unit's expected time is the sum of its variants' (a unit
    with a variant that has no previous time goes first)."""
    def key(unit: list[tuple[Claim, str]]) -> float:
        times = [expected.get((c.id, v)) for c, v in unit]
        return -math.inf if any(t is None for t in times) else -sum(float(t) for t in times)

    return sorted(units, key=key)


def _unit_args(unit: list[tuple[Claim, str]], prints: Mapping[str, str]) -> tuple[list[tuple[str, str]], list[str]]:
    """What a worker needs of a unit: its (claim id, variant) pairs and their fingerprints."""
    return [(c.id, v) for c, v in unit], [prints[c.id] for c, _ in unit]


def _run_pool(units, ctx, jobs, time_limit, loader, prints, finish, cache_dir=None) -> None:
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(os.getpid(),))
    try:
        futs = []
        for u in units:
            ids, fps = _unit_args(u, prints)
            futs.append(pool.submit(_worker_unit, ids, ctx, time_limit, loader, fps,
                                    cache_dir if len(u) > 1 else None))
        for fut in as_completed(futs):
            for rec in fut.result():
                finish(rec)
    except BaseException:
        _stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop now: nothing new starts, running workers are terminated (their unfinished work is
    lost; everything finished is cached already)."""
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main_thread() else None
    try:
        procs = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)


# Held by each unit (claim variant) on its worker (dask worker --resources variant=1); sample
# batches need none, so a worker whose variant waits for its batches runs batches, not a second
# unit.
VARIANT_RESOURCE = "variant"


def _every_worker_has(client, resource: str) -> bool:
    workers = client.scheduler_info(n_workers=-1).get("workers", {})
    return bool(workers) and all(w.get("resources", {}).get(resource, 0) >= 1 for w in workers.values())


def _run_dask(units, ctx, jobs, time_limit, loader, prints, scheduler, finish) -> None:
    """Submit each unit (a variant, or the variants sharing runs) as one Dask task (pure=False:
    a re-run recomputes) and cache the results as they complete; long sweeps inside a variant
    send their batches to the same cluster (:func:`_dask_task`)."""
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError as exc:
        raise ClaimError("--executor dask needs Dask distributed: pip install 'dask[distributed]'"
                         ) from exc
    cluster = None
    if scheduler is None:
        # single-threaded worker processes: the time limit and mpmath's precision are per process;
        # started with SIGINT ignored (inherited), so a terminal's Ctrl-C reaches only this
        # process, which then closes the cluster
        old = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main_thread() else None
        try:
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                   dashboard_address=None, host="127.0.0.1",
                                   resources={VARIANT_RESOURCE: 1})
        finally:
            if old is not None:
                signal.signal(signal.SIGINT, old)
    client = None
    try:
        try:
            client = Client(cluster if cluster is not None else scheduler, timeout=DASK_CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise ClaimError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        # priority: the scheduler starts the variants in the order given (longest first, see
        # longest_first), not in its own order
        # a unit of shared variants is one task (workers may not share a file system with this
        # process: the results are cached here, as they arrive).  Sample batches
        # (theorems.parallel) only where every worker has the VARIANT_RESOURCE: a unit holds it,
        # so a worker whose variant waits for its batches runs batches meanwhile, never a second
        # unit.
        batches = _every_worker_has(client, VARIANT_RESOURCE)
        extra = {"resources": {VARIANT_RESOURCE: 1}} if batches else {}
        futs = []
        for i, u in enumerate(units):
            ids, fps = _unit_args(u, prints)
            (cid, v), more = ids[0], len(ids) - 1
            futs.append(client.submit(_worker_unit, ids, ctx, time_limit, loader, fps, None, batches,
                                      pure=False, priority=len(units) - i,
                                      key=f"{cid}__{v}+{more}-{fps[0]}-{os.getpid()}-{time.time_ns()}",
                                      **extra))
        try:
            for fut in dask_completed(futs):
                for rec in fut.result():
                    finish(rec)
        except BaseException:
            client.cancel(futs)
            raise
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
