"""Core benchmark, everything measured side by side in one run, ratios printed.

    python benchmarks/bench_core.py [--budget standard] [--jobs 2] [--papers bw,ahn]
                                    [--skip-report] [--tests] [--dask] [--startup-only]

1. GD kernel steps/s at 50 digits (170 bits) for d = 1 and d = 8: the suite's kernel
   (``numeric.shallow.gd_run``: MPFR, every step recorded, divergence and stopping checks,
   lazy mpf views) and its batched form, against the bare arithmetic limits measured in the
   same process: a plain gmpy2 loop (only the update, nothing recorded or checked), a plain
   mpmath loop, and the former mpmath kernel.  Same for the single-neuron kernel
   (``numeric.single_neuron.gd_run``, ell' = tanh) against a plain gmpy2 loop.
   Each rate is the best of ``--repeat`` interleaved repetitions (the machine is shared).
2. Start-up: median wall and CPU time over ``--startup-repeat`` (>= 5) fresh interpreters of
   ``import theorems``, ``python -m theorems list`` and a one-step one-line conjecture, a false
   one (REFUTED) and a true one (PROVED).  ``--startup-only`` runs just this section.
3. Report wall time per paper at ``--budget`` with ``--jobs`` workers, and claims/s.
4. ``--tests``: wall time of the default test run (``pytest -q``).
5. ``--dask``: the same paper report through the Dask executor (2 local workers) vs ``--jobs 2``;
   and one sampled-heavy variant (``--dask-variant``) here, on the cluster as one task, and
   with its sample batches on the cluster.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import gmpy2  # noqa: E402
import mpmath as mp  # noqa: E402

DPS = 50


def _instance(d: int):
    a = tuple(Fraction(1, k + 2) for k in range(d))
    b = tuple(Fraction(-1, k + 3) for k in range(d))
    return a, b, Fraction(1), Fraction(1, 1000)


def plain_gmpy2(d: int, steps: int) -> float:
    """The bare arithmetic: eps = a.b - Phi, a, b = a - eta eps b, b - eta eps a in mpfr."""
    a0, b0, P0, h0 = _instance(d)
    with gmpy2.context(gmpy2.get_context(), precision=mp.mp.prec):
        mpfr = gmpy2.mpfr
        P, h = mpfr(1), mpfr(h0.numerator) / h0.denominator
        if d == 1:
            a, b = mpfr(a0[0].numerator) / a0[0].denominator, mpfr(b0[0].numerator) / b0[0].denominator
            t0 = time.perf_counter()
            for _ in range(steps):
                e = a * b - P
                a, b = a - h * e * b, b - h * e * a
            return steps / (time.perf_counter() - t0)
        a = [mpfr(x.numerator) / x.denominator for x in a0]
        b = [mpfr(y.numerator) / y.denominator for y in b0]
        t0 = time.perf_counter()
        for _ in range(steps):
            e = sum(x * y for x, y in zip(a, b)) - P  # noqa: B905
            a, b = [x - h * e * y for x, y in zip(a, b)], [y - h * e * x for x, y in zip(a, b)]  # noqa: B905
        return steps / (time.perf_counter() - t0)


def plain_mpmath(d: int, steps: int) -> float:
    a0, b0, P0, h0 = _instance(d)
    a = [mp.mpf(x.numerator) / x.denominator for x in a0]
    b = [mp.mpf(y.numerator) / y.denominator for y in b0]
    P, h = mp.mpf(1), mp.mpf(h0.numerator) / h0.denominator
    t0 = time.perf_counter()
    for _ in range(steps):
        e = mp.fsum(x * y for x, y in zip(a, b)) - P  # noqa: B905
        a, b = [x - h * e * y for x, y in zip(a, b)], [y - h * e * x for x, y in zip(a, b)]  # noqa: B905
    return steps / (time.perf_counter() - t0)


def former_mpmath_kernel(d: int, steps: int) -> float:
    """The suite's kernel before the MPFR rewrite (state() with three fsums every step)."""
    a0, b0, P0, h0 = _instance(d)
    a = [mp.mpf(x.numerator) / x.denominator for x in a0]
    b = [mp.mpf(y.numerator) / y.denominator for y in b0]
    P, h = mp.mpf(1), mp.mpf(h0.numerator) / h0.denominator
    eps, lam, qi = [], [], []
    t0 = time.perf_counter()
    for _ in range(steps + 1):
        e = mp.fsum(x * y for x, y in zip(a, b)) - P  # noqa: B905
        ll = mp.fsum(x * x for x in a) + mp.fsum(y * y for y in b)
        q = [x * x - y * y for x, y in zip(a, b)]  # noqa: B905
        if not mp.isfinite(e) or abs(e) > 1e40 * (1 + abs(P)):
            raise ArithmeticError
        eps.append(e)
        lam.append(ll)
        qi.append(q)
        a, b = [x - h * e * y for x, y in zip(a, b)], [y - h * e * x for x, y in zip(a, b)]  # noqa: B905
    return steps / (time.perf_counter() - t0)


def suite_kernel(d: int, steps: int) -> float:
    from numeric.shallow import gd_run

    a, b, P, h = _instance(d)
    t0 = time.perf_counter()
    run = gd_run(a, b, P, h, steps, tol=Fraction(0))
    dt = time.perf_counter() - t0
    assert run.steps == steps
    return steps / dt


def batch_kernel(d: int, steps: int, n: int = 16) -> float:
    from numeric.kernels import shallow_gd_batch

    a, b, P, _h = _instance(d)
    insts = [(a, b, P, Fraction(1, 1000 + k)) for k in range(n)]
    per = max(1, steps // n)
    t0 = time.perf_counter()
    shallow_gd_batch(insts, per, Fraction(0))
    return n * per / (time.perf_counter() - t0)


def plain_gmpy2_neuron(steps: int) -> float:
    with gmpy2.context(gmpy2.get_context(), precision=mp.mp.prec):
        mpfr, tanh = gmpy2.mpfr, gmpy2.tanh
        x, y, h = mpfr(1) / 3, mpfr(3), mpfr(1) / 10**7  # the suite kernel's run below
        t0 = time.perf_counter()
        for _ in range(steps):
            g = tanh(x * y)
            x, y = x - h * g * y, y - h * g * x
        return steps / (time.perf_counter() - t0)


def suite_neuron(steps: int) -> float:
    from numeric.single_neuron import gd_run
    from symbolic.losses import ell_rsym

    loss = ell_rsym()
    loss.gmpy_dl  # noqa: B018 - compile outside the timing
    # a start that stays far from convergence for `steps` steps: y^2 above 2/eta is
    # impossible to sustain, so use a tiny step size instead (slow drift, no stop)
    t0 = time.perf_counter()
    run = gd_run(loss, mp.mpf(1) / 3, mp.mpf(3), Fraction(1, 10**7), steps, stop_at_converged=False)
    dt = time.perf_counter() - t0
    assert run.steps == steps
    return steps / dt


def best(f, *args, repeat: int) -> float:
    return max(f(*args) for _ in range(repeat))


def kernels(repeat: int) -> None:
    print(f"== GD kernels at {DPS} digits ({mp.mp.prec} bits), best of {repeat}; mpmath backend "
          f"{mp.libmp.BACKEND}")
    for d, steps in ((1, 40_000), (8, 8_000)):
        rates: dict[str, float] = {}
        for _ in range(repeat):  # interleaved, so that load changes hit every variant alike
            for name, f in (("plain gmpy2 loop", plain_gmpy2), ("suite kernel", suite_kernel),
                            ("batched kernel (16)", batch_kernel), ("plain mpmath loop", plain_mpmath),
                            ("former mpmath kernel", former_mpmath_kernel)):
                n = steps if "mpmath" not in name else steps // 8
                rates[name] = max(rates.get(name, 0.0), f(d, n))
        ref = rates["plain gmpy2 loop"]
        print(f"d = {d}:")
        for name, r in rates.items():
            print(f"  {name:<22} {r:>11,.0f} steps/s   {r / ref:6.1%} of plain gmpy2")
        print(f"  speed-up over the former kernel: {rates['suite kernel'] / rates['former mpmath kernel']:.1f}x")
    pr, sr = 0.0, 0.0
    for _ in range(repeat):
        pr = max(pr, plain_gmpy2_neuron(20_000))
        sr = max(sr, suite_neuron(20_000))
    print(f"single neuron (ell' = tanh): plain gmpy2 {pr:,.0f} steps/s, suite kernel {sr:,.0f} steps/s "
          f"({sr / pr:.1%})")


# One-step one-line conjectures timed by startup(): a false one (REFUTED by the first exact
# sample, after probing the equality set of the strict inequality with SymPy's solver) and a
# true one (PROVED by exact expansion in d = 1, 2, 3), both from docs/conjectures.md.
ONE_STEP_FALSE = ["--model", "shallow_linear", "--claim", "eps < 10", "--steps", "1"]
ONE_STEP_TRUE = ["--model", "shallow_linear", "--claim",
                 "eps_next == eps*(1 - eta*lam + eta^2*eps*(eps+Phi))"]


def _timed(cmd: list[str], repeat: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds (user + system of the child) of ``cmd`` over ``repeat``
    fresh interpreters, and its exit status.  CPU time is printed beside the wall time because
    the machine is shared: under load the wall time also counts the waiting."""
    import resource
    import statistics

    walls, cpus, status = [], [], 0
    for _ in range(repeat):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        status = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                check=False).returncode
        walls.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    return statistics.median(walls), statistics.median(cpus), status


def startup(repeat: int = 7) -> None:
    py = sys.executable
    print(f"== start-up (median of {repeat} fresh interpreters; wall / CPU seconds; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    conj = [py, "-m", "theorems", "conjecture", "--no-report"]
    rows = [("python -c pass", [py, "-c", "pass"]),
            ("import theorems", [py, "-c", "import theorems"]),
            ("theorems list", [py, "-m", "theorems", "list"]),
            ("one-step conj. false", conj + ONE_STEP_FALSE),
            ("one-step conj. true", conj + ONE_STEP_TRUE)]
    for name, cmd in rows:
        wall, cpu, status = _timed(cmd, repeat)
        print(f"  {name:<22} {wall:6.3f} s wall  {cpu:6.3f} s CPU  (exit {status})")


def reports(papers: list[str], budget: str, jobs: int) -> None:
    from theorems import Budget, Context, registry
    from theorems.runner import run_many

    print(f"== report per paper (budget {budget}, jobs {jobs})")
    ctx = Context(budget=Budget.named(budget))
    total_t, total_n = 0.0, 0
    for paper in papers:
        claims = registry.select(paper=paper)
        t0 = time.perf_counter()
        records = run_many(claims, ctx, jobs=jobs, cache_dir=None, time_limit=300)
        wall = time.perf_counter() - t0
        total_t += wall
        total_n += len(records)
        slow = sorted(records, key=lambda r: -r["seconds"])[:3]
        print(f"  {paper:<6} {wall:7.1f} s for {len(claims)} claims / {len(records)} variants: "
              f"{len(claims) / wall:.2f} claims/s, {len(records) / wall:.2f} variants/s; slowest "
              + ", ".join(f"{r['id']}[{r['variant']}] {r['seconds']:.1f}s" for r in slow))
    print(f"  all    {total_t:7.1f} s for {total_n} variants")


def tests() -> None:
    print("== default test run")
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=ROOT, capture_output=True, text=True, check=False)
    tail = (r.stdout.strip().splitlines() or [""])[-1]
    print(f"  pytest -q: {time.perf_counter() - t0:.1f} s  ({tail})")


def dask(papers: list[str], budget: str) -> None:
    """The same claims through ``--jobs 2`` and through the Dask executor with 2 local
    single-threaded worker processes (started before timing; the start-up is printed apart)."""
    from theorems import Budget, Context, registry
    from theorems.runner import VARIANT_RESOURCE, run_many

    try:
        from distributed import LocalCluster
    except ImportError:
        print("== dask: dask[distributed] is not installed")
        return
    ctx = Context(budget=Budget.named(budget))
    claims = [c for p in papers for c in registry.select(paper=p)]
    if not claims:
        return
    t0 = time.perf_counter()
    local = run_many(claims, ctx, jobs=2, cache_dir=None, time_limit=300)
    t_local = time.perf_counter() - t0
    t0 = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, resources={VARIANT_RESOURCE: 1}) as cluster:
        t_start = time.perf_counter() - t0
        t0 = time.perf_counter()
        remote = run_many(claims, ctx, cache_dir=None, time_limit=300, executor="dask",
                          scheduler=cluster.scheduler_address)
        t_dask = time.perf_counter() - t0
    same = ([(r["id"], r["variant"], r["verdict"]) for r in local]
            == [(r["id"], r["variant"], r["verdict"]) for r in remote])
    print(f"== dask (2 local workers) {t_dask:.1f} s (+{t_start:.1f} s cluster start-up) vs "
          f"--jobs 2 {t_local:.1f} s for {len(local)} variants: speed-up {t_local / t_dask:.2f}x "
          f"({t_local / (t_dask + t_start):.2f}x with start-up); same verdicts: {same}")


def _set_batch_threshold(n: int, claim_id: str) -> None:  # on each Dask worker (client.run)
    from theorems import parallel, registry

    parallel.MIN_ITEMS_TO_DISTRIBUTE = n
    registry.get(claim_id)  # warm: the imports (SymPy, the paper's modules) are not timed


def dask_batches(spec: str, budget: str) -> None:
    """One sampled-heavy claim variant (``ID:VARIANT``): in this process, through a 2-worker
    local Dask cluster as one task (batching off), and with its sample batches sent to the
    cluster (:mod:`theorems.parallel`); the records must agree."""
    from theorems import Budget, Context, parallel, registry
    from theorems.runner import VARIANT_RESOURCE, run_many, run_variant

    try:
        from distributed import Client, LocalCluster, get_task_stream
    except ImportError:
        print("== dask batches: dask[distributed] is not installed")
        return
    cid, _, variant = spec.partition(":")
    claim, ctx = registry.get(cid), Context(budget=Budget.named(budget))
    variant = variant or "printed"

    def key(rec):  # the record without run times (and the cache's fingerprint)
        if isinstance(rec, dict):
            return {k: key(v) for k, v in rec.items() if k not in ("seconds", "fingerprint")}
        return [key(v) for v in rec] if isinstance(rec, list) else rec

    t0 = time.perf_counter()
    local = run_variant(claim, variant, ctx).to_json()
    t_local = time.perf_counter() - t0
    times, same, batches = {}, [], {}
    # a fresh cluster for each mode: the workers' per-process caches must not carry over (the
    # workers import the claim's modules before the timing starts)
    for mode, threshold in (("batched", parallel.MIN_ITEMS_TO_DISTRIBUTE), ("one task", 10**9)):
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None, resources={VARIANT_RESOURCE: 1}) as cluster, \
                Client(cluster) as client:
            client.run(_set_batch_threshold, threshold, cid)
            with get_task_stream(client) as stream:
                t0 = time.perf_counter()
                recs = run_many([claim], ctx, executor="dask", scheduler=cluster.scheduler_address,
                                time_limit=600)  # every variant; the one asked for is compared
                times[mode] = time.perf_counter() - t0
                time.sleep(0.5)  # the task stream reaches this client shortly after the tasks end
            batches[mode] = sum(str(t["key"]).startswith(parallel.BATCH_KEY) for t in stream.data)
        rec = next(r for r in recs if r["variant"] == variant)
        same.append(key(rec) == key(local))
    print(f"== dask batches: {cid} ({variant}, {budget}, {local['verdict']}): here {t_local:.1f} s; "
          f"2 local workers, one task {times['one task']:.1f} s, batched {times['batched']:.1f} s "
          f"({batches['batched']} batch tasks; speed-up {t_local / times['batched']:.2f}x over here, "
          f"{times['one task'] / times['batched']:.2f}x over one task); same record: {all(same)}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--budget", default="standard")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--papers", default="bw", help="comma-separated papers for the report timing")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--skip-report", action="store_true")
    p.add_argument("--skip-kernels", action="store_true", help="no kernel and start-up timings")
    p.add_argument("--tests", action="store_true", help="also time the default pytest run")
    p.add_argument("--dask", action="store_true", help="also time the Dask executor against --jobs 2")
    p.add_argument("--dask-variant", default="bw.lemma19:printed",
                   help="with --dask: a sampled-heavy ID:VARIANT timed with and without its sample "
                   "batches on the cluster")
    p.add_argument("--startup-repeat", type=int, default=7, help="fresh interpreters per start-up figure")
    p.add_argument("--startup-only", action="store_true", help="only the start-up timings")
    args = p.parse_args()
    os.chdir(ROOT)
    if args.startup_only:
        startup(max(args.startup_repeat, 5))
        return
    if not args.skip_kernels:
        with mp.workdps(DPS):
            kernels(args.repeat)
        startup(max(args.startup_repeat, 5))
    papers = [x for x in args.papers.split(",") if x]
    if not args.skip_report:
        reports(papers, args.budget, args.jobs)
    if args.tests:
        tests()
    if args.dask:
        dask(papers, args.budget)
        dask_batches(args.dask_variant, args.budget)


if __name__ == "__main__":
    main()
