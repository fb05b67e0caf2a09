"""The committed golden records (``reports/records/<id>__<variant>.json``) are reproduced by the
engines.

Each record is re-run at the budget, digits and seed it records and must give the same key
evidence (:func:`theorems.records.differences`: verdict, method, part labels and verdicts, the
margin to 1e-3, counterexample input names, figure names).  A committed ERROR (a crashed check)
fails.  Until the records are committed, they are derived from ``reports/report.json``.

**Which records the default run re-runs.**  The default ``pytest`` must stay fast as papers
grow, so it re-runs a fixed, representative sample (:func:`default_sample`, deterministic: the
same records on every machine), chosen within ``REGRESSION_SECONDS`` (default 600) of recorded
cost (``cost_s``, an upper bound class, about twice the real run time):

1. coverage: for every (paper, verdict) pair, its cheapest record;
2. every REFUTED record, cheapest first (a false alarm is the worst defect);
3. the rest in a fixed pseudo-random order (a hash of id and variant), so the sample is spread
   over papers, kinds and cost classes rather than being the cheapest records only.

Records costlier than ``REGRESSION_ITEM_CAP`` (default 30 s class) are never in the default
sample.  The records of claims that share their runs (``Claim.shares``: the report runs them one
after another in one worker, and the first one pays for the runs) are one item: their summed cost
decides, they are in the sample all or none, and they run in one xdist worker in registry order
(``xdist_group``, ``--dist loadgroup``), as in the report.  Every other record is marked ``full_regression`` and runs with
``--run-full-regression`` (or ``--run-deep``): the full re-run of every verdict at its recorded
budget, which ``.ci/run`` runs after the default tests when time allows.  Each re-run has a time
limit of ``max(120, 10 * cost_s)`` seconds (at most 600), so a check that became an order of
magnitude slower fails with a time-limit reason instead of stalling the suite.
"""

from __future__ import annotations

import hashlib
import json
import os
from fractions import Fraction
from pathlib import Path

import pytest

from theorems import Budget, Context, registry
from theorems.records import differences, golden, key_of, load_records
from theorems.runner import run_variant

REPORTS = Path(__file__).resolve().parent.parent / "reports"
RECORDS = REPORTS / "records"
REPORT = REPORTS / "report.json"


def _committed() -> list[dict]:
    if RECORDS.is_dir() and any(RECORDS.glob("*__*.json")):
        return load_records(RECORDS, [c.id for c in registry.all_claims()])
    if REPORT.exists():  # before the records were bootstrapped
        data = json.loads(REPORT.read_text())
        m = data["meta"]
        return [golden(r, m) for r in data["claims"]]
    return []


def _cost(r: dict) -> float:
    return float(r.get("cost_s") or 0)


def _stable_hash(r: dict) -> str:
    return hashlib.sha256(f"{r['id']}[{r['variant']}]".encode()).hexdigest()


def _shares() -> dict[str, str]:
    """claim id -> its Claim.shares key (claims that share runs)."""
    return {c.id: c.shares for c in registry.all_claims() if c.shares}


def default_sample(recs: list[dict], budget: float, cap: float,
                   shares: dict[str, str] | None = None) -> set[tuple[str, str]]:
    """The (id, variant) pairs the default run re-runs: see the module docstring."""
    shares = _shares() if shares is None else shares
    group_cost: dict[str, Fraction] = {}
    for r in recs:
        if r["id"] in shares:
            key = shares[r["id"]]
            group_cost[key] = group_cost.get(key, Fraction(0)) + Fraction(_cost(r))
    # a shared group is one item: it enters whole (its members in record order) or not at all
    eligible = [r for r in recs if (group_cost[shares[r["id"]]] <= cap if r["id"] in shares else _cost(r) <= cap)]
    chosen: dict[tuple[str, str], dict] = {}
    spent = Fraction(0)  # exact: float sums drift past the budget (600.0000000000007 > 600)
    limit = Fraction(budget)

    def take(r: dict) -> None:
        nonlocal spent
        members = ([m for m in eligible if shares.get(m["id"]) == shares[r["id"]]] if r["id"] in shares else [r])
        keys = [(m["id"], m["variant"]) for m in members]
        cost = sum((Fraction(_cost(m)) for m in members), Fraction(0))
        if not any(k in chosen for k in keys) and spent + cost <= limit:
            chosen.update(zip(keys, members, strict=True))
            spent += cost

    groups: dict[tuple[str, str], list[dict]] = {}
    for r in eligible:
        groups.setdefault((r.get("paper") or r["id"].split(".")[0], r["verdict"]), []).append(r)
    for _, members in sorted(groups.items()):
        take(min(members, key=lambda r: (_cost(r), _stable_hash(r))))
    for r in sorted((r for r in eligible if r["verdict"] == "REFUTED"),
                    key=lambda r: (_cost(r), _stable_hash(r))):
        take(r)
    for r in sorted(eligible, key=_stable_hash):
        take(r)
    return set(chosen)


def _params():
    recs = _committed()
    budget = float(os.environ.get("REGRESSION_SECONDS", "600"))
    cap = float(os.environ.get("REGRESSION_ITEM_CAP", "30"))
    shares = _shares()
    keep = default_sample(recs, budget, cap, shares)

    def marks(r: dict) -> list:
        out = [] if (r["id"], r["variant"]) in keep else [pytest.mark.full_regression]
        if r["id"] in shares:  # one worker, in record order, as the report runs them (Claim.shares)
            out.append(pytest.mark.xdist_group(shares[r["id"]]))
        return out

    return [pytest.param(r, id=f"{r['id']}[{r['variant']}]", marks=marks(r)) for r in recs]


def test_records_exist_and_cover_registry():
    recs = _committed()
    assert recs, "run: python -m theorems report --budget standard"
    ids = {r["id"] for r in recs}
    missing = [c.id for c in registry.all_claims() if c.id not in ids]
    assert not missing, f"claims without a committed record (run report --paper/--ids): {missing}"
    errors = [f"{r['id']}[{r['variant']}]: {r['evidence'].get('reason')}" for r in recs if r["verdict"] == "ERROR"]
    assert not errors, "committed checks that crashed (ERROR is not a verdict):\n" + "\n".join(errors)
    for r in recs:
        assert {"id", "variant", "verdict", "method", "key", "evidence", "settings"} <= set(r)
        if r["verdict"] == "REFUTED":
            cex = _find_cex(r["evidence"])
            # exact inputs, or none at all for a constant statement refuted exactly
            assert cex and (cex["inputs"] or cex["rigorous"]), f"{r['id']} REFUTED without exact inputs"
        if r["verdict"] == "INCONCLUSIVE":
            assert r["evidence"].get("reason"), f"{r['id']} INCONCLUSIVE without a reason"


def test_default_sample_is_representative_and_bounded():
    """The default sample covers every (paper, verdict) pair that has an affordable record,
    stays within its cost budget, and is the same on every call (deterministic)."""
    recs = _committed()
    budget, cap = 600.0, 30.0
    shares = _shares()
    sample = default_sample(recs, budget, cap)
    assert sample == default_sample(list(reversed(recs)), budget, cap)
    by_key = {(r["id"], r["variant"]): r for r in recs}
    assert sum(Fraction(_cost(by_key[k])) for k in sample) <= Fraction(budget)
    group_cost: dict[str, float] = {}
    for r in recs:
        if r["id"] in shares:
            group_cost[shares[r["id"]]] = group_cost.get(shares[r["id"]], 0.0) + _cost(r)

    def item_cost(r: dict) -> float:
        return group_cost[shares[r["id"]]] if r["id"] in shares else _cost(r)

    assert all(item_cost(by_key[k]) <= cap for k in sample)
    pairs = {(r["id"].split(".")[0], r["verdict"]) for r in recs if item_cost(r) <= cap}
    covered = {(k[0].split(".")[0], by_key[k]["verdict"]) for k in sample}
    assert pairs <= covered


def test_default_sample_takes_shared_claims_whole_or_not_at_all():
    """Records of claims sharing their runs (Claim.shares) are one item: summed cost, all or none."""
    def rec(i, cost, verdict="SUPPORTED"):
        return {"id": f"p.c{i}", "variant": "printed", "verdict": verdict, "paper": "p", "cost_s": cost}

    recs = [rec(1, 5), rec(2, 5), rec(3, 25), rec(4, 1)]
    shares = {"p.c1": "g", "p.c2": "g", "p.c3": "g"}
    assert default_sample(recs, 600, 30, shares) == {("p.c4", "printed")}  # the group costs 35 > 30
    assert default_sample(recs, 600, 40, shares) == {(f"p.c{i}", "printed") for i in (1, 2, 3, 4)}
    assert default_sample(recs, 20, 40, shares) == {("p.c4", "printed")}  # the group does not fit the budget


def _find_cex(ev):
    if ev.get("counterexample"):
        return ev["counterexample"]
    for p in ev.get("parts", []):
        c = _find_cex(p)
        if c:
            return c
    return None


@pytest.mark.parametrize("record", _params())
def test_record_reproduced(record, tmp_path):
    s = record["settings"]
    # figures are drawn only when the record names some: their names are part of the key
    ctx = Context(budget=Budget.named(s["budget"]), dps=s["dps"], seed=s["seed"],
                  figures_dir=str(tmp_path / "figures") if _has_figures(record) else None)
    claim = registry.get(record["id"])
    limit = min(600.0, max(120.0, 10 * _cost(record)))
    result = run_variant(claim, record["variant"], ctx, time_limit=limit)
    now = key_of(result.outcome.to_json())
    diff = differences(record["key"], now)
    assert not diff, (f"{record['id']}[{record['variant']}] no longer reproduces its record:\n  "
                      + "\n  ".join(diff[:12]))


def _has_figures(record) -> bool:
    return "figures/" in json.dumps(record["key"])
