"""Proof-search benchmark: time spent in SOS and in branch and bound, per claim variant.

    python benchmarks/bench_proofs.py [--budget standard] [--paper bw] [--ids bw.lemma10 bw.eq44]

Runs the selected claims in this process (serially, so the timers are per claim) and prints,
for each variant: verdict, total seconds, seconds inside the SOS search (SDP + rounding + exact
verification) and inside branch and bound, and how many SOS / branch-and-bound attempts proved
their part.  The last line gives the totals and their share of the wall time.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout, not an installed copy

from theorems import Budget, Context, engines, registry
from theorems.claim import Outcome
from theorems.runner import run_variant

_spent: dict[str, float] = defaultdict(float)
_count: dict[str, int] = defaultdict(int)


def _timed(name: str, fn):
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            out = fn(*args, **kwargs)
        finally:
            _spent[name] += time.perf_counter() - t0
        _count[name + "_calls"] += 1
        if isinstance(out, Outcome):
            _count[name + "_proved"] += 1
        return out

    return wrapper


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--budget", default="standard")
    p.add_argument("--paper", default="bw")
    p.add_argument("--ids", nargs="*", help="claim ids (default: every claim of the paper)")
    args = p.parse_args()
    # the entry point (memoised per process, so a repeated inequality costs nothing again);
    # _sos_search itself recurses (signs of |.| arguments), which would count twice
    engines._sos_attempt = _timed("sos", engines._sos_attempt)
    engines._branch_bound_attempt = _timed("bb", engines._branch_bound_attempt)
    claims = registry.select(ids=args.ids) if args.ids else registry.select(paper=args.paper)
    ctx = Context(budget=Budget.named(args.budget))
    rows = []
    t_all = time.perf_counter()
    for claim in claims:
        for v in claim.variants():
            _spent.clear()
            _count.clear()
            r = run_variant(claim, v.name, ctx)
            rows.append((claim.id, v.name, r.outcome.verdict.value, r.seconds, _spent["sos"], _spent["bb"],
                         f"{_count['sos_proved']}/{_count['sos_calls']}", f"{_count['bb_proved']}/{_count['bb_calls']}"))
    wall = time.perf_counter() - t_all
    print(f"{'claim':28s} {'variant':9s} {'verdict':12s} {'total s':>8s} {'SOS s':>7s} {'B&B s':>7s} "
          f"{'SOS proved':>10s} {'B&B proved':>10s}")
    for cid, var, verdict, total, s_sos, s_bb, n_sos, n_bb in rows:
        print(f"{cid:28s} {var:9s} {verdict:12s} {total:8.2f} {s_sos:7.2f} {s_bb:7.2f} {n_sos:>10s} {n_bb:>10s}")
    tot_sos = sum(r[4] for r in rows)
    tot_bb = sum(r[5] for r in rows)
    print(f"total: {wall:.1f} s wall for {len(rows)} variants; SOS {tot_sos:.1f} s "
          f"({100 * tot_sos / wall:.0f}%), branch and bound {tot_bb:.1f} s ({100 * tot_bb / wall:.0f}%)")


if __name__ == "__main__":
    main()
