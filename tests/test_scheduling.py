"""Longest-processing-time-first start order of report runs (``run_many(expected=...)``)."""

from __future__ import annotations

from theorems import BUDGETS, Context, registry
from theorems.runner import longest_first, longest_first_units, run_many, units_of

IDS = ["bw.eq6", "bw.eq8", "bw.eq7"]


def _tasks():
    return [(registry.get(i), v.name) for i in IDS for v in registry.get(i).variants()]


def test_longest_first_orders_by_expected_seconds_unknown_first():
    tasks = _tasks()
    keys = [(c.id, v) for c, v in tasks]
    expected = {k: float(n) for n, k in enumerate(keys)}  # later tasks are longer
    del expected[keys[1]]  # no previous time: goes first (it may be long)
    order = [(c.id, v) for c, v in longest_first(tasks, expected)]
    assert order[0] == keys[1]
    rest = order[1:]
    assert [expected[k] for k in rest] == sorted((expected[k] for k in rest), reverse=True)
    assert sorted(order) == sorted(keys)  # a permutation: nothing lost or repeated


def test_run_many_starts_longest_first_and_returns_records_in_claim_order():
    claims = [registry.get(i) for i in IDS]
    keys = [(c.id, v.name) for c in claims for v in c.variants()]
    expected = {k: float(n) for n, k in enumerate(keys)}
    started = []
    records = run_many(claims, Context(budget=BUDGETS["quick"]), jobs=1, expected=expected,
                       progress=lambda rec, done, total: started.append((rec["id"], rec["variant"])))
    assert started == list(reversed(keys))  # one worker: finished in the order started
    assert [(r["id"], r["variant"]) for r in records] == keys


def _shared(claim, key: str):
    import dataclasses

    return dataclasses.replace(claim, shares=key)


def test_units_group_claims_that_share_runs_in_claim_order():
    a, b, c = (registry.get(i) for i in IDS)
    a, c = _shared(a, "runs"), _shared(c, "runs")
    todo = [(x, v.name) for x in (a, b, c) for v in x.variants()]
    units = units_of(todo)
    assert [[(x.id, v) for x, v in u] for u in units] == [
        [(x.id, v.name) for x in (a, c) for v in x.variants()],  # placed where its first member was
        *[[(b.id, v.name)] for v in b.variants()],
    ]
    expected = {(x.id, v): 1.0 for x, v in todo}
    order = longest_first_units(units, expected)
    assert [(x.id, v) for x, v in order[0]] == [(x.id, v.name) for x in (a, c) for v in x.variants()]  # summed time


def _load_shared(claim_id: str):
    """A picklable loader for the worker processes: IDS[:2] share runs; logs which process loads what."""
    import os

    with open(os.environ["SCHEDULING_LOG"], "a") as f:
        f.write(f"{claim_id} {os.getpid()}\n")
    c = registry.get(claim_id)
    return _shared(c, "runs") if claim_id in IDS[:2] else c


def test_shared_claims_run_in_one_worker_and_every_result_is_cached(tmp_path, monkeypatch):
    """With 2 local workers, the variants of claims sharing runs go to one worker process as one unit;
    every variant still gets its own record and cache entry (cached as soon as it is finished)."""
    log = tmp_path / "loads.txt"
    monkeypatch.setenv("SCHEDULING_LOG", str(log))
    claims = [_shared(registry.get(i), "runs") for i in IDS[:2]] + [registry.get(IDS[2])]
    keys = [(c.id, v.name) for c in claims for v in c.variants()]
    cache = tmp_path / "cache"
    records = run_many(claims, Context(budget=BUDGETS["quick"]), jobs=2, cache_dir=cache, loader=_load_shared)
    assert [(r["id"], r["variant"]) for r in records] == keys
    assert all(r["verdict"] != "ERROR" for r in records)
    assert len(list(cache.rglob("*.json"))) == len(keys)
    pids = {}
    for line in log.read_text().split("\n"):
        if line:
            cid, pid = line.split()
            pids.setdefault(cid, set()).add(pid)
    assert len(pids[IDS[0]] | pids[IDS[1]]) == 1  # the shared claims: one worker process
    plain = run_many([registry.get(i) for i in IDS], Context(budget=BUDGETS["quick"]), jobs=1)
    assert [r["verdict"] for r in records] == [r["verdict"] for r in plain]
