"""Run claims: each variant under a time limit, in worker processes for ``--jobs``.

Results are cached one file per claim variant as soon as they are computed (atomic write),
so an interrupted run loses nothing already computed; ``--resume`` reuses them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .claim import Claim, ClaimError, Context, Outcome, Verdict, inconclusive
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


class _TimeLimit(Exception):
    pass


def _alarm(signum, frame):  # pragma: no cover - exercised only on timeouts
    raise _TimeLimit()


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
        outcome = variant.check(ctx)
        if not isinstance(outcome, Outcome):
            raise ClaimError(f"check of {claim.id} returned {type(outcome).__name__}, not Outcome")
    except _TimeLimit:
        outcome = inconclusive(f"time limit of {time_limit:.0f}s reached (raise --budget or the limit)",
                               "time limit")
    except ClaimError as exc:
        outcome = inconclusive(f"invalid claim or input: {exc}", "error")
    except Exception as exc:  # noqa: BLE001 - an engine failure must not lose the run
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        outcome = inconclusive(f"internal error in check: {last}", "error",
                               traceback=traceback.format_exc(limit=6))
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


def fingerprint(claim: Claim, ctx: Context) -> str:
    try:
        src = inspect.getsource(sys.modules[claim.check.__module__])
    except (OSError, TypeError, KeyError):
        src = claim.id
    key = f"{src}|{ctx.budget}|{ctx.dps}|{ctx.seed}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


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
