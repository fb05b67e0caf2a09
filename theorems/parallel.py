"""Map a function over the independent items of one sweep, in item order: here, or in batches
on the Dask cluster the current claim variant runs on.

:func:`imap` is a plain lazy loop in this process (the default: no Dask import, no overhead,
exactly the serial semantics).  Only inside a claim variant that the runner executes as a Dask
task (``report --executor dask``: :func:`theorems.runner._dask_task` enters :func:`on_cluster`)
does it send batches of items to the same cluster from inside the task (the task secedes
from its worker's thread pool while it waits, so that its slot runs batches, and rejoins
before it computes again), and yield the results in item order, never in completion order.  Paper code never selects the mode.

Each remote batch runs at the caller's mpmath precision and under what is left of the
variant's time limit (a batch that runs out of time ends the variant with
:class:`~theorems.claim.TimeLimitReached`, as a local run would).  Within a batch the items
run in order and the batch stops at the first exception; the consumer sees that exception at
that item's position, so the first failure in item order is the one raised, as in a serial
loop.  An exception raised by the item iterator itself (a sampler) is raised after the items
drawn before it, as in a serial loop.  What cannot travel (a function or an item that does
not pickle, a result that does not pickle back) is computed here instead: distribution changes
where items are computed, never what the consumer sees.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from .claim import TimeLimitReached

T = TypeVar("T")
R = TypeVar("R")

# Only batch when it pays.  The first PROBE_ITEMS items are computed here and timed; the rest
# go to the cluster only if there are at least MIN_ITEMS_TO_DISTRIBUTE of them and they would
# take at least MIN_REMOTE_SECONDS here, at the fastest probe item's pace (the first item often
# pays for warming caches).  Sending costs about a second or two per sweep on a 2-worker local
# cluster (pickling the function and its closure, scheduling, the workers unpickling it and
# rebuilding whatever per-process caches the items need: measured on bw.lemma19 at --budget
# deep, 200 instances of ~15 ms, batching was slower than one task), so only sweeps of tens of
# seconds go out; one-step slacks (milliseconds per instance) never do.
PROBE_ITEMS = 3
MIN_ITEMS_TO_DISTRIBUTE = 8
MIN_REMOTE_SECONDS = 10.0
# Items per remote task at least (the same overhead, per batch), and at most this many batches
# per worker thread of the cluster (a few per thread balance uneven item costs).
MIN_BATCH = 4
BATCHES_PER_THREAD = 2
# Remote batches start before queued claim variants: the variant that waits for them holds
# its state in memory and its time limit runs.
BATCH_PRIORITY = 1_000_000
# Waiting for the batches: this long after the variant's deadline (the batches' own timers
# fire at the deadline) the caller gives up on a lost batch.
DEADLINE_GRACE_S = 5.0
LOOPBACK_THREADS = 2  # batches as for a cluster of this many worker threads (loopback mode)
BATCH_KEY = "theorems-batch"  # the prefix of every batch task's key (to count them)


@dataclass(frozen=True)
class _OnCluster:
    deadline: float | None  # time.monotonic() when the variant's time limit is reached
    loopback: bool = False  # batches pickled and run here (tests): see on_cluster
    sources: tuple | None = None  # (check, claim id, ctx, loader, fingerprint): see on_cluster


_ON_CLUSTER: ContextVar[_OnCluster | None] = ContextVar("theorems_parallel_on_cluster", default=None)


@contextmanager
def on_cluster(time_limit: float | None, *, loopback: bool = False, sources: tuple | None = None
               ) -> Iterator[None]:
    """Within this block (entered by the runner around a variant run as a Dask task), long
    sweeps send their batches to the cluster, under ``time_limit`` seconds from now.

    ``loopback=True`` (for tests, no cluster needed): the batches are pickled, run in this
    process on an unpickled copy of the function exactly as a worker runs them, and pickled
    back; a function whose state does not travel (a counter it increments, a list it fills)
    then shows as a difference from the local run.

    ``sources = (check, claim id, ctx, loader, fingerprint)``: a worker runs a batch only
    after ``check(claim id, ctx, loader, fingerprint)`` (the runner's ``same_sources``: its
    sources of that claim have the submitting process's fingerprint; a stale worker would
    compute with other code) passed in that worker process."""
    deadline = time.monotonic() + time_limit if time_limit else None
    token = _ON_CLUSTER.set(_OnCluster(deadline, loopback, sources))
    try:
        yield
    finally:
        _ON_CLUSTER.reset(token)


def distributing() -> bool:
    """True inside :func:`on_cluster` (a variant running as a Dask task)."""
    return _ON_CLUSTER.get() is not None


def imap(fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
    """``(item, fn(item))`` for each item, in item order.

    Locally: a lazy serial loop (an item is drawn and computed only when the consumer asks for
    it).  On a cluster (see :func:`on_cluster`): every item is drawn first; the first items are
    computed here and timed, and when the rest would take long enough here (see
    :data:`MIN_REMOTE_SECONDS`) they go out in batches and their results come back in item
    order.  An exception is raised at the position where a serial loop would raise it.  A
    consumer that stops early gets the same values; on the cluster the later items were
    computed in vain."""
    settings = _ON_CLUSTER.get()
    if settings is None:
        for item in items:
            yield item, fn(item)
        return
    drawn: list[T] = []
    stopped: Exception | None = None
    try:
        for item in items:
            drawn.append(item)
    except Exception as exc:  # noqa: BLE001 - re-raised after the items drawn before it
        stopped = exc
    fastest, tried, i = 0.0, False, 0
    while i < len(drawn):
        left = len(drawn) - i
        if (not tried and i >= PROBE_ITEMS and left >= MIN_ITEMS_TO_DISTRIBUTE
                and fastest * left >= MIN_REMOTE_SECONDS):
            tried = True
            batches = _distribute(fn, drawn[i:], settings)
            if batches is not None:
                yield from _in_order(fn, batches)
                break
        t0 = time.perf_counter()
        value = fn(drawn[i])
        took = time.perf_counter() - t0
        fastest = took if i == 0 else min(fastest, took)
        yield drawn[i], value
        i += 1
    if stopped is not None:
        raise stopped


def _distribute(fn: Callable[[T], R], items: Sequence[T], settings: _OnCluster) -> Any:
    """The batches of :func:`_remote`, or None: computed here (``fn`` cannot travel, or it
    changed its captured state on a worker and is remembered in :data:`_KEEPS_STATE`)."""
    key = _code_key(fn)
    if key in _KEEPS_STATE:
        return None
    batches = _remote(fn, items, settings)
    if batches is _STATE_CHANGED:  # the remote results may lack what fn records: redo here
        _KEEPS_STATE.add(key)
        return None
    return batches


def _in_order(fn: Callable[[T], R], batches: Any) -> Iterator[tuple[T, R]]:
    for part, results in batches:
        if results is None:  # this batch could not travel: computed here
            for item in part:
                yield item, fn(item)
            continue
        for item, (ok, value) in zip(part, results, strict=False):
            if not ok:
                raise value
            yield item, value


def split(n: int, workers: int) -> list[tuple[int, int]]:
    """Contiguous ``[start, stop)`` ranges covering ``range(n)`` in order: at most
    ``BATCHES_PER_THREAD * workers`` batches of at least :data:`MIN_BATCH` items, sizes
    differing by at most one."""
    count = max(1, min(n // MIN_BATCH, BATCHES_PER_THREAD * max(1, workers)))
    size, extra = divmod(n, count)
    out, start = [], 0
    for b in range(count):
        stop = start + size + (1 if b < extra else 0)
        out.append((start, stop))
        start = stop
    return out


def _remote(fn: Callable[[T], R], items: Sequence[T], settings: _OnCluster) -> Any:
    """Run ``items`` in batches on the cluster: ``[(batch items, [(ok, value), ...] or None)]``
    in item order (None: that batch is to be computed here); None when nothing can travel;
    :data:`_STATE_CHANGED` when ``fn`` changed its own captured state on a worker."""
    try:
        import cloudpickle  # noqa: F401 - what makes functions travel (installed with distributed)
    except ImportError:  # pragma: no cover
        return None
    import mpmath

    dps = mpmath.mp.dps
    if settings.loopback:
        return _unpack(items, *_send(fn, items, split(len(items), LOOPBACK_THREADS),
                                     lambda payload, parts: [_run_batch(payload, part, dps, None)
                                                             for part in parts]))
    try:
        from distributed import worker_client
        from distributed.worker import get_worker

        get_worker()
    except (ImportError, ValueError):  # not inside a Dask task after all: nothing to send to
        return None
    # The task leaves its worker's thread pool while it waits (its slot runs batches) and
    # rejoins before it computes again: mpmath's precision is per process, so no two threads
    # of one worker may compute at once.  The runner has each variant hold its worker's
    # "variant" resource (runner.VARIANT_RESOURCE), so the slot runs batches while the variant
    # waits, never another variant (which the rejoin would have to wait for).
    with worker_client(separate_thread=True) as client:
        threads = client.nthreads()
        ranges = split(len(items), sum(threads.values()))
        return _unpack(items, *_send(fn, items, ranges, lambda payload, parts: _on_workers(
            client, list(threads), payload, parts, dps, settings)))


def _send(fn: Callable[[T], R], items: Sequence[T], ranges: list[tuple[int, int]],
          run: Callable[[bytes, list[bytes]], list[bytes | None]]
          ) -> tuple[list[tuple[int, int]], list[bytes | None] | None]:
    """Pickle the function and the batches and ``run`` them; (ranges, None) if they cannot travel."""
    try:
        payload = dumps(fn)
        parts = [dumps(list(items[a:b])) for a, b in ranges]
    except Exception:  # noqa: BLE001 - a function or item that cannot travel is computed here
        return ranges, None
    return ranges, run(payload, parts)


def _on_workers(client, workers: list[str], payload: bytes, parts: list[bytes], dps: int,
                settings: _OnCluster) -> list[bytes | None]:
    """Submit one task per batch and wait for all of them (at most until the variant's time
    limit, plus :data:`DEADLINE_GRACE_S`).

    The batches name the workers they may run on (all of them): a task with a restriction is
    assigned to a worker at once, where it runs by priority in the slot its waiting variant
    left, instead of waiting in the scheduler's queue, which counts the variants assigned to a
    worker (waiting there for the "variant" resource) as occupying it (that deadlocked)."""
    from distributed import wait

    left = _seconds_left(settings)
    futs = [client.submit(_run_batch, payload, part, dps, left, settings.sources, pure=False,
                          priority=BATCH_PRIORITY, workers=workers,
                          key=f"{BATCH_KEY}-{time.time_ns()}-{i}")
            for i, part in enumerate(parts)]
    try:
        try:
            wait(futs, timeout=None if left is None else left + DEADLINE_GRACE_S)
        except TimeoutError:
            raise TimeLimitReached() from None
        return [fut.result() for fut in futs]  # a batch that crashed as a whole raises here
    except BaseException:
        client.cancel(futs)
        raise


def _unpack(items: Sequence[T], ranges: list[tuple[int, int]], replies: list[bytes | None] | None) -> Any:
    if replies is None:
        return None
    if _TIME_LIMIT in replies:
        raise TimeLimitReached()
    if _STATE_CHANGED in replies:
        return _STATE_CHANGED
    return [(items[a:b], None if reply is None else pickle.loads(reply))
            for (a, b), reply in zip(ranges, replies, strict=True)]


# Functions (by the code objects they are made of) seen changing their captured state on a
# worker, e.g. a slack that records each run's outcome in a dict the evidence reads: their
# sweeps run here from then on (in this process).
_KEEPS_STATE: set[tuple] = set()


def _code_key(fn: Any, depth: int = 0) -> tuple:
    """The code objects ``fn`` is made of: its own and, recursively, those of the functions in
    its closure (a generic wrapper such as an engine's per-item function is told apart by the
    slack it wraps)."""
    fn = getattr(fn, "func", fn)  # functools.partial
    fn = getattr(fn, "__func__", fn)  # bound method
    code = getattr(fn, "__code__", None)
    if code is None or depth > 4:
        return (type(fn).__qualname__,)
    inner: tuple = ()
    for cell in getattr(fn, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if callable(value):
            inner += _code_key(value, depth + 1)
    return (code, *inner)


def dumps(obj: Any) -> bytes:
    """cloudpickle, except that mpmath's global contexts (``mpmath.mp``, ``fp``, ``iv``) and
    their constants (``mp.pi``) go by reference: a function that uses ``from mpmath import
    mp`` would otherwise carry a copy of the context, which is broken where it is unpickled
    (and, unpickled in the same process, rebinds the classes of the live one)."""
    import io

    buf = io.BytesIO()
    _pickler_class()(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buf.getvalue()


_PICKLER: list[type] = []


def _pickler_class() -> type:
    if not _PICKLER:
        import cloudpickle
        import mpmath

        by_reference: dict[int, tuple[Any, str]] = {}
        for name in ("mp", "fp", "iv"):
            context = getattr(mpmath, name)
            by_reference[id(context)] = (mpmath, name)
            for attr in dir(context):  # its constants (mp.pi, ...): instances that do not pickle
                value = getattr(context, attr, None)
                if isinstance(value, mpmath.ctx_mp_python._constant):
                    by_reference.setdefault(id(value), (context, attr))

        class Pickler(cloudpickle.CloudPickler):
            def reducer_override(self, obj: Any) -> Any:
                where = by_reference.get(id(obj))
                if where is not None:
                    return getattr, where
                return super().reducer_override(obj)

        _PICKLER.append(Pickler)
    return _PICKLER[0]


def _seconds_left(settings: _OnCluster) -> float | None:
    if settings.deadline is None:
        return None
    left = settings.deadline - time.monotonic()
    if left <= 0:
        raise TimeLimitReached()
    return left


_SAME_SOURCES: set[tuple] = set()  # (claim id, fingerprint) checked in this worker process
_TIME_LIMIT = b"time limit"  # a batch's reply when the variant's time limit was reached in it
_STATE_CHANGED = b"state changed"  # ... when the function's captured state changed while it ran


def _run_batch(payload: bytes, part: bytes, dps: int, seconds: float | None,
               sources: tuple | None = None) -> bytes | None:
    """On a worker: ``fn(item)`` for each item in order, at ``dps`` digits and within
    ``seconds``; stops at the first exception, which is returned in its place.  Returns the
    pickled ``[(ok, value), ...]``; :data:`_TIME_LIMIT`; :data:`_STATE_CHANGED` when ``fn``
    pickles differently after the batch than before (it changed state it captured, which the
    caller's copy would not see); or None when a result does not pickle (the caller then
    computes this batch itself)."""
    import mpmath

    from .timelimit import ThreadTimer

    if sources is not None:
        check, claim_id, ctx, loader, expected = sources
        if (claim_id, expected) not in _SAME_SOURCES:
            check(claim_id, ctx, loader, expected)  # a ClaimError on a stale worker: ERROR
            _SAME_SOURCES.add((claim_id, expected))
    fn = pickle.loads(payload)  # cloudpickle output: plain pickle loads it (cloudpickle installed)
    items = pickle.loads(part)
    before = dumps(fn)  # here, not the caller's bytes: set orders may differ between processes
    results: list[tuple[bool, Any]] = []
    timer = ThreadTimer(seconds) if seconds is not None else None
    try:
        try:
            with mpmath.workdps(dps):
                for item in items:
                    try:
                        results.append((True, fn(item)))
                    except Exception as exc:  # noqa: BLE001 - handed back, raised in item order
                        results.append((False, exc))
                        break
        finally:
            if timer is not None:
                timer.stop()
    except TimeLimitReached:
        return _TIME_LIMIT
    try:
        if dumps(fn) != before:
            return _STATE_CHANGED
        reply = dumps(results)
        pickle.loads(reply)  # an exception whose arguments do not rebuild it must not travel
    except Exception:  # noqa: BLE001 - computed by the caller instead
        return None
    return reply
