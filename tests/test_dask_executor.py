"""``report --executor dask`` (issue 15, item 6): claim variants sent to a Dask cluster give the
same records as the local runner, are cached the same way (resumable), and a stale worker is
refused.  The cluster is a small LocalCluster on the loopback interface, started by the test."""

from __future__ import annotations

import json

import pytest

from theorems import BUDGETS, Context, registry
from theorems.cli import main
from theorems.records import key_of
from theorems.runner import run_many

distributed = pytest.importorskip("distributed")

IDS = ["bw.eq6", "bw.eq8", "ahn.mm_init", "bw.overview_Q"]  # fast ones, PROVED and REFUTED among them
CTX = Context(budget=BUDGETS["quick"])


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as c:
        yield c


def _keys(records):
    return [(r["id"], r["variant"], key_of(r["evidence"])) for r in records]


def test_dask_gives_the_local_verdicts(cluster, tmp_path):
    claims = [registry.get(i) for i in IDS]
    local = run_many(claims, CTX)
    remote = run_many(claims, CTX, executor="dask", scheduler=cluster.scheduler_address,
                      cache_dir=tmp_path / "cache")
    assert _keys(remote) == _keys(local)
    assert {r["verdict"] for r in remote} >= {"PROVED", "REFUTED"}  # not a trivial comparison
    cached = sorted(p.name for p in (tmp_path / "cache").glob("*.json"))
    assert len(cached) == len(local)
    # resumable: a second run reuses every cached result and submits nothing
    again = run_many(claims, CTX, executor="dask", scheduler="tcp://127.0.0.1:9",  # unreachable
                     cache_dir=tmp_path / "cache", resume=True)
    assert _keys(again) == _keys(local)


def test_report_command_through_dask(cluster, tmp_path):
    out = tmp_path / "out"
    status = main(["report", "--ids", *IDS[:2], "--budget", "quick", "--out", str(out),
                   "--executor", "dask", "--scheduler", cluster.scheduler_address])
    assert status == 0
    data = json.loads((out / "report.json").read_text())
    local = run_many([registry.get(i) for i in IDS[:2]], CTX)
    assert [(r["id"], r["variant"], r["verdict"]) for r in data["claims"]] == \
        [(r["id"], r["variant"], r["verdict"]) for r in local]


def test_unreachable_scheduler_is_a_clear_error(tmp_path, capsys, monkeypatch):
    from theorems import runner

    monkeypatch.setattr(runner, "DASK_CONNECT_TIMEOUT", "2s")
    status = main(["report", "--ids", "bw.eq6", "--budget", "quick", "--out", str(tmp_path),
                   "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert status == 2
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err


def test_without_a_scheduler_a_local_cluster_is_started(tmp_path):
    claims = [registry.get("bw.eq8")]
    records = run_many(claims, CTX, jobs=1, executor="dask", cache_dir=tmp_path)
    assert _keys(records) == _keys(run_many(claims, CTX))
