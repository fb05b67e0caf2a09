"""Sample batches inside one sweep on Dask (issue 15, point 6): :mod:`theorems.parallel`.

Locally :func:`parallel.imap` is the serial loop.  Inside a claim variant run through
``--executor dask`` the sampled engine's instances (and an independent growth sweep's points)
go to the cluster in batches; the records are the same as the local run's, and the batches
really are separate tasks.  The test claims are in ``tests/parallel_claims.py``.
"""

from __future__ import annotations

import functools
import time

import parallel_claims as P  # tests/parallel_claims.py (tests/ is on sys.path)
import pytest

from theorems import BUDGETS, Context, parallel
from theorems.runner import VARIANT_RESOURCE, run_many, run_variant

CTX = Context(budget=BUDGETS["quick"])  # the test claims fix their own sample counts (40)


def _scrub(obj):
    """A record without its run times (and an ERROR's traceback, which names the frames of the
    process that raised it); everything else must be identical."""
    if isinstance(obj, dict):
        return {k: _scrub(v) for k, v in obj.items() if k not in ("seconds", "traceback")}
    if isinstance(obj, list):
        return [_scrub(v) for v in obj]
    return obj


# ------------------------------------------------------------------ local: the serial loop


def test_local_imap_is_the_serial_loop():
    calls: list[int] = []

    def f(x):
        calls.append(x)
        return x * x

    assert not parallel.distributing()
    assert list(parallel.imap(f, range(50))) == [(x, x * x) for x in range(50)]
    assert calls == list(range(50))  # in order, once each
    calls.clear()
    it = parallel.imap(f, iter(range(50)))
    assert next(it) == (0, 0) and next(it) == (1, 1)
    assert calls == [0, 1]  # lazy: nothing computed ahead of the consumer


def test_local_imap_raises_where_the_loop_raises():
    def f(x):
        if x == 3:
            raise ZeroDivisionError("at 3")
        return x

    seen = []
    with pytest.raises(ZeroDivisionError, match="at 3"):
        for x, _ in parallel.imap(f, range(10)):
            seen.append(x)
    assert seen == [0, 1, 2]


def test_split_covers_the_items_in_order():
    for n in (1, 3, 4, 24, 40, 41, 200):
        for workers in (1, 2, 16):
            ranges = parallel.split(n, workers)
            assert ranges[0][0] == 0 and ranges[-1][1] == n
            assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
            assert len(ranges) <= max(1, parallel.BATCHES_PER_THREAD * workers)
            sizes = [b - a for a, b in ranges]
            assert max(sizes) - min(sizes) <= 1
            assert len(ranges) == 1 or min(sizes) >= parallel.MIN_BATCH


def _spy_remote(monkeypatch) -> list[int]:
    sent: list[int] = []
    real = parallel._remote
    monkeypatch.setattr(parallel, "_remote", lambda fn, items, settings: sent.append(len(items))
                        or real(fn, items, settings))
    return sent


def test_only_slow_sweeps_are_sent(monkeypatch):
    """Cheap items stay in the task (the overhead would exceed the gain); items that would take
    MIN_REMOTE_SECONDS here after the timed probe go out, the probe items excepted."""
    monkeypatch.setattr(parallel, "MIN_REMOTE_SECONDS", 0.2)
    sent = _spy_remote(monkeypatch)
    with parallel.on_cluster(None, loopback=True):
        assert [v for _, v in parallel.imap(abs, range(-40, 0))] == list(range(40, 0, -1))
        assert sent == []

        def slow(x):
            time.sleep(0.01)
            return -x

        assert [v for _, v in parallel.imap(slow, range(40))] == [-x for x in range(40)]
        assert sent == [40 - parallel.PROBE_ITEMS]


@pytest.fixture
def eager(monkeypatch):
    """Send every sweep, however cheap (so that the tests are fast)."""
    for name, value in (("PROBE_ITEMS", 0), ("MIN_ITEMS_TO_DISTRIBUTE", 1), ("MIN_REMOTE_SECONDS", 0.0)):
        monkeypatch.setattr(parallel, name, value)


# ------------------------------------------------------------------ loopback: what travels


@pytest.fixture(autouse=True)
def _needs_cloudpickle(request):
    if "loopback" in request.node.name or "travel" in request.node.name or "state" in request.node.name:
        pytest.importorskip("cloudpickle")  # what makes functions travel (comes with distributed)


def test_loopback_gives_the_serial_results_and_order(monkeypatch, eager):
    sent = _spy_remote(monkeypatch)
    with parallel.on_cluster(None, loopback=True):
        assert parallel.distributing()
        out = list(parallel.imap(functools.partial(pow, 3), range(30)))
    assert sent and out == [(x, 3 ** x) for x in range(30)]


def test_loopback_raises_the_first_failure_in_item_order(eager):

    def items():
        yield from range(30)
        raise KeyError("the sampler failed after 30 items")

    def f(x):
        if x in (7, 20):
            raise ValueError(f"item {x}")
        return x

    with parallel.on_cluster(None, loopback=True):
        seen = []
        with pytest.raises(ValueError, match="item 7"):
            for x, _ in parallel.imap(f, items()):
                seen.append(x)
        assert seen == list(range(7))
        with pytest.raises(KeyError, match="sampler failed"):  # after every drawn item, as serially
            assert [x for x, _ in parallel.imap(abs, items())] == list(range(30))


def test_a_function_that_keeps_state_is_rerun_here(monkeypatch, eager):
    """A slack that records into a dict it captured (as paper checks do, e.g. runs by outcome)
    would lose those records on a worker: the change is detected and the sweep runs here."""
    monkeypatch.setattr(parallel, "_KEEPS_STATE", set())
    seen: dict[int, int] = {}

    def record(x):
        seen[x] = x
        return x

    with parallel.on_cluster(None, loopback=True):
        assert [v for _, v in parallel.imap(record, range(30))] == list(range(30))
    assert seen == {x: x for x in range(30)}  # the caller's dict saw every item
    assert parallel._code_key(record) in parallel._KEEPS_STATE


def test_mpmath_context_and_constants_travel_by_reference():
    import pickle

    from mpmath import mp

    def f(x):
        return mp.pi * x

    copy = pickle.loads(parallel.dumps(f))
    with mp.workdps(30):
        assert copy(2) == 2 * mp.pi
    assert len(parallel.dumps(f)) < 5000  # not a copy of the whole context


def test_a_batch_refuses_a_worker_with_other_sources():
    from theorems.claim import ClaimError
    from theorems.runner import fingerprint, same_sources

    payload, part = parallel.dumps(abs), parallel.dumps([-1, -2])
    good = (same_sources, "t.square", CTX, P.load, fingerprint(P.square, CTX))
    assert parallel._run_batch(payload, part, 50, None, good) is not None
    with pytest.raises(ClaimError, match="different sources"):
        parallel._run_batch(payload, part, 50, None, (same_sources, "t.square", CTX, P.load, "0" * 16))


@pytest.mark.parametrize("claim", [P.square, P.false, P.crash, P.GROWTH, P.STATEFUL], ids=lambda c: c.id)
def test_loopback_records_equal_local_records(claim, monkeypatch, eager):
    monkeypatch.setattr(parallel, "_KEEPS_STATE", set())
    for v in claim.variants():
        local = run_variant(claim, v.name, CTX).to_json()
        with parallel.on_cluster(None, loopback=True):
            remote = run_variant(claim, v.name, CTX).to_json()
        assert _scrub(remote) == _scrub(local)


# ------------------------------------------------------------------ a real LocalCluster


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  resources={VARIANT_RESOURCE: 1}) as c:
        with distributed.Client(c) as client:
            client.run(_send_every_sweep)  # the test slacks are fast: send them anyway
        yield c


def _send_every_sweep() -> None:  # on each worker
    from theorems import parallel

    parallel.PROBE_ITEMS, parallel.MIN_ITEMS_TO_DISTRIBUTE, parallel.MIN_REMOTE_SECONDS = 0, 1, 0.0


def _through_dask(cluster, claims, time_limit=None):
    """run_many through the Dask executor, and the batch tasks the scheduler saw."""
    import distributed

    with distributed.Client(cluster) as client, distributed.get_task_stream(client) as stream:
        records = run_many(claims, CTX, executor="dask", scheduler=cluster.scheduler_address,
                           loader=P.load, time_limit=time_limit)
        time.sleep(0.2)  # the stream reaches the client shortly after the tasks finish
    batches = [t for t in stream.data if str(t["key"]).startswith(parallel.BATCH_KEY)]
    return records, batches


def test_cluster_batches_give_the_local_records(cluster):
    """A true claim passes, a false one is REFUTED with the same witness, and an O() sweep
    decides the same, locally and through the cluster, whose batches ran as separate tasks on
    both workers."""
    claims = [P.square, P.false, P.GROWTH, P.STATEFUL]
    local = run_many(claims, CTX)
    remote, batches = _through_dask(cluster, claims)
    assert [_scrub(r) for r in remote] == [_scrub(r) for r in local]
    verdicts = [r["verdict"] for r in local]
    assert verdicts == ["SUPPORTED", "REFUTED", "REFUTED", "SUPPORTED", "SUPPORTED"]
    # 4 sampled/swept variants that travel (the stateful one is computed remotely, then again
    # here), each in several batches, on both workers
    assert len(batches) >= 4 * 2
    assert len({t["worker"] for t in batches}) == 2


def test_many_variants_batching_at_once_do_not_wait_on_each_other(cluster):
    """More variants than workers, all sending batches: the batches must not queue behind the
    variants assigned to the workers (each waiting for a worker's variant resource); this
    deadlocked before batches named their workers."""
    import threading

    claims = [P.square, P.false, P.STATEFUL, P.GROWTH] * 3
    out: list = []
    run = threading.Thread(target=lambda: out.append(_through_dask(cluster, claims)), daemon=True)
    run.start()
    run.join(timeout=90)
    assert out, "the run did not finish within 90 s"
    remote, batches = out[0]
    assert [_scrub(r) for r in remote] == [_scrub(r) for r in run_many(claims[:4], CTX)] * 3
    assert len(batches) >= 12


def test_cluster_batch_crash_is_an_error(cluster):
    local = run_many([P.crash], CTX)
    remote, batches = _through_dask(cluster, [P.crash])
    assert remote[0]["verdict"] == local[0]["verdict"] == "ERROR"
    assert remote[0]["evidence"]["reason"] == local[0]["evidence"]["reason"]
    assert "deliberate crash at x = " in remote[0]["evidence"]["reason"]
    assert batches


def test_cluster_batch_time_limit_is_the_time_limit_outcome(cluster):
    t0 = time.perf_counter()
    remote, batches = _through_dask(cluster, [P.slow], time_limit=2)
    assert time.perf_counter() - t0 < 15  # 40 x 0.25 s would be 10 s per worker: stopped at ~2 s
    assert batches
    out = remote[0]
    assert out["verdict"] == "INCONCLUSIVE"
    assert out["evidence"]["reason"] == "time limit of 2s reached (raise --budget or the limit)"
    local = run_many([P.slow], CTX, time_limit=2)[0]
    assert _scrub(out["evidence"]) == _scrub(local["evidence"])


def test_workers_without_the_variant_resource_get_no_batches():
    """A cluster whose workers do not reserve a slot per variant (no --resources variant=1):
    a waiting variant could find its slot taken by another variant, so nothing is batched."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as plain:
        with distributed.Client(plain) as client:
            client.run(_send_every_sweep)
        remote, batches = _through_dask(plain, [P.square])
    assert batches == []
    assert _scrub(remote[0]) == _scrub(run_many([P.square], CTX)[0])
