"""Longest-processing-time-first start order of report runs (``run_many(expected=...)``)."""

from __future__ import annotations

from theorems import BUDGETS, Context, registry
from theorems.runner import longest_first, run_many

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
