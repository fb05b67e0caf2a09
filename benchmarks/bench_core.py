"""Core benchmark: prints wall time of the bw report, GD steps/s at 50 digits, claims/s.

    python benchmarks/bench_core.py [--budget standard] [--jobs 2] [--skip-report]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from fractions import Fraction

import mpmath as mp

from numeric.shallow import gd_run
from theorems import Budget, Context, registry
from theorems.runner import run_many


def gd_steps_per_second(d: int, steps: int = 3000) -> float:
    a = tuple(Fraction(1, k + 2) for k in range(d))
    b = tuple(Fraction(-1, k + 3) for k in range(d))
    with mp.workdps(50):
        t0 = time.perf_counter()
        run = gd_run(a, b, Fraction(1), Fraction(1, 1000), steps, tol=Fraction(0))
        dt = time.perf_counter() - t0
    return run.steps / dt


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--budget", default="standard")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--skip-report", action="store_true")
    args = p.parse_args()
    print(f"mpmath backend: {mp.libmp.BACKEND}")
    for d in (1, 8):
        print(f"GD steps/s at 50 digits, d={d}: {gd_steps_per_second(d):,.0f}")
    if args.skip_report:
        return
    claims = registry.select(paper="bw")
    ctx = Context(budget=Budget.named(args.budget))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        records = run_many(claims, ctx, jobs=args.jobs, cache_dir=None, time_limit=300)
        wall = time.perf_counter() - t0
    del tmp
    n = len(records)
    print(f"bw report ({args.budget}, jobs={args.jobs}): {wall:.1f} s wall for {len(claims)} claims "
          f"/ {n} variants")
    print(f"claims per second: {len(claims) / wall:.3f}  (variants per second: {n / wall:.3f})")
    slow = sorted(records, key=lambda r: -r["seconds"])[:5]
    print("slowest variants: " + ", ".join(f"{r['id']}[{r['variant']}] {r['seconds']:.1f}s" for r in slow))


if __name__ == "__main__":
    main()
