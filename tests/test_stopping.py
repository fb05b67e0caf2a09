"""Stopping and failing cleanly (issue 15, item 7): an interrupt stops a parallel report within
seconds, keeps what finished, leaves no worker behind and exits 130 (SIGTERM: 143); a killed run
leaves no orphan; bad options exit 2 before anything runs; one run per output directory; no
absolute local paths in the report; the time limit cannot be swallowed.

The report runs go through ``tests/stop_harness.py`` (test claims, sleeping rather than
computing); every subprocess is bounded in time and nothing listens on a network."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from theorems import BUDGETS, Claim, Context, Kind, Verdict, runner
from theorems.runner import run_variant

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HARNESS = HERE / "stop_harness.py"
FAST = [f"t.fast{i}" for i in range(6)]
SLOW = [f"t.slow{i}" for i in range(4)]


def _start(tmp_path: Path, *args: str) -> subprocess.Popen:
    pids = tmp_path / "pids"
    pids.mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, str(HARNESS), str(pids), "report", "--out",
                             str(tmp_path / "out"), "--budget", "quick", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, cwd=ROOT)


def _wait_for(cond, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _worker_pids(tmp_path: Path) -> list[int]:
    return [int(p.read_text()) for p in (tmp_path / "pids").glob("*.pid") if p.read_text()]


def _interrupted_run(tmp_path: Path, send, jobs: int = 2
                     ) -> tuple[subprocess.Popen, float, list[int], str]:
    proc = _start(tmp_path, "--jobs", str(jobs), "--ids", *FAST, *SLOW)
    try:
        _wait_for(lambda: len(list((tmp_path / "pids").glob("*.pid"))) >= jobs, 120,
                  "the slow claims to start")
        time.sleep(0.3)
        workers = _worker_pids(tmp_path)
        t0 = time.monotonic()
        send(proc)
        _, err = proc.communicate(timeout=30)
        took = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc, took, workers, err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
@pytest.mark.parametrize("how, jobs, status", [("ctrl-c", 2, 130), ("ctrl-c twice", 2, 130),
                                               ("sigterm", 2, 143), ("ctrl-c", 1, 130)])
def test_interrupt_stops_keeps_results_and_workers(tmp_path, how, jobs, status):
    if how.startswith("ctrl-c"):  # a terminal's Ctrl-C: SIGINT to the whole foreground process group
        def send(p):
            os.killpg(p.pid, signal.SIGINT)
            if how == "ctrl-c twice":  # an impatient user: the second one must not hang the exit
                time.sleep(0.2)
                os.killpg(p.pid, signal.SIGINT)
    else:  # SIGTERM to the main process only
        def send(p):
            p.send_signal(signal.SIGTERM)
    proc, took, workers, err = _interrupted_run(tmp_path, send, jobs)
    print(f"{how} (--jobs {jobs}): stopped in {took:.2f}s, status {proc.returncode}")
    assert proc.returncode == status, err
    assert took < 10, f"took {took:.1f}s to stop"
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert "interrupted" in err
    cached = {p.name.split("__")[0] for p in (tmp_path / "out" / ".cache" / "quick").glob("*.json")}
    assert set(FAST) <= cached  # everything finished before the interrupt is kept
    assert not cached & set(SLOW)
    _wait_for(lambda: not any(_alive(w) for w in workers), 10, "the workers to end")
    # resumable: the lock is released and --resume reuses the cache
    again = subprocess.run([sys.executable, str(HARNESS), str(tmp_path / "pids"), "report", "--out",
                            str(tmp_path / "out"), "--budget", "quick", "--resume", "--ids", *FAST],
                           capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert again.returncode == 0, again.stderr
    assert len(json.loads((tmp_path / "out" / "report.json").read_text())["claims"]) == len(FAST)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_no_orphan_after_sigkill(tmp_path):
    proc, _, workers, _ = _interrupted_run(tmp_path, lambda p: p.send_signal(signal.SIGKILL))
    assert proc.returncode == -signal.SIGKILL
    assert len(workers) == 2
    _wait_for(lambda: not any(_alive(w) for w in workers), 10, "orphaned workers to end")


def test_jobs_capped_at_the_task_count(monkeypatch):
    seen = []

    class Pool(runner.ProcessPoolExecutor):
        def __init__(self, max_workers=None, **kw):
            seen.append(max_workers)
            super().__init__(max_workers=max_workers, **kw)

    monkeypatch.setattr(runner, "ProcessPoolExecutor", Pool)
    from theorems import registry

    claims = [registry.get("bw.eq6")]  # one variant: runs in this process, no pool at all
    runner.run_many(claims, Context(budget=BUDGETS["quick"]), jobs=1000)
    assert seen == []
    two = [registry.get("bw.eq6"), registry.get("bw.eq8")]
    runner.run_many(two, Context(budget=BUDGETS["quick"]), jobs=1000)
    assert seen == [2]


def _catch_everything(ctx):
    while True:
        try:
            sum(range(10_000))
        except Exception:  # noqa: BLE001, S112 - a check that swallows ordinary exceptions
            continue


def _claim(check) -> Claim:
    return Claim(id="t.catchall", title="", source="", statement="s", kind=Kind.IDENTITY,
                 hypotheses="", check=check)


def test_time_limit_cannot_be_swallowed():
    r = run_variant(_claim(_catch_everything), "printed", Context(budget=BUDGETS["quick"]), 0.5)
    assert r.verdict is Verdict.INCONCLUSIVE and "time limit" in r.outcome.reason
    assert r.seconds < 5


def test_time_limit_outside_the_main_thread():
    """In a thread (as in a Dask worker) the limit is raised asynchronously, not by SIGALRM."""
    out = []
    t = threading.Thread(target=lambda: out.append(
        run_variant(_claim(_catch_everything), "printed", Context(budget=BUDGETS["quick"]), 0.5)))
    t.start()
    t.join(20)
    assert out and out[0].verdict is Verdict.INCONCLUSIVE and "time limit" in out[0].outcome.reason


def test_time_limit_applies_under_pytest_claims(tmp_path):
    f = tmp_path / "slow_claims.py"
    f.write_text(
        "from theorems import Claim, Kind\n"
        "def _spin(ctx):\n"
        "    while True:\n"
        "        try:\n"
        "            sum(range(10_000))\n"
        "        except Exception:\n"
        "            pass\n"
        "CLAIMS = [Claim(id='u.spin', title='t', source='s', statement='s', kind=Kind.IDENTITY,\n"
        "                hypotheses='', check=_spin)]\n")
    p = subprocess.run([sys.executable, "-m", "pytest", "--claims", str(f), "--claims-time-limit",
                        "1", "--claims-report", str(tmp_path / "rep"), "-q", "-n", "0",
                        "-p", "no:cacheprovider", "-rs"],
                       capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "1 skipped" in p.stdout and "time limit of 1s reached" in p.stdout


@pytest.mark.parametrize("args, message", [
    (["--time-limit", "-1"], "--time-limit"),
    (["--time-limit", "nan"], "--time-limit"),
    (["--time-limit", "inf"], "--time-limit"),
    (["--time-limit", "0"], "--time-limit"),
    (["--jobs", "0"], "--jobs"),
    (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --executor dask"),
])
def test_bad_options_exit_2_up_front(tmp_path, args, message):
    p = subprocess.run([sys.executable, str(HARNESS), str(tmp_path), "report", "--out",
                        str(tmp_path / "out"), "--ids", "t.fast0", *args],
                       capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert p.returncode == 2, p.stderr
    assert message in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "out" / ".cache").exists()  # nothing ran


def test_unwritable_out_exits_2_before_running(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    p = subprocess.run([sys.executable, str(HARNESS), str(tmp_path), "report", "--out",
                        str(blocker / "out"), "--ids", "t.fast0", "--budget", "quick"],
                       capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert p.returncode == 2 and "not a writable directory" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr


def test_a_second_run_into_the_same_directory_is_refused(tmp_path):
    proc = _start(tmp_path, "--ids", "t.slow0")
    try:
        _wait_for(lambda: (tmp_path / "pids" / "t.slow0.pid").exists(), 120, "the first run")
        p = subprocess.run([sys.executable, str(HARNESS), str(tmp_path / "pids"), "report", "--out",
                            str(tmp_path / "out"), "--ids", "t.fast0", "--budget", "quick"],
                           capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert p.returncode == 2, p.stderr
        assert "another report run is writing into" in p.stderr and f"pid {proc.pid}" in p.stderr
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_no_absolute_paths_in_the_report(tmp_path):
    out = tmp_path / "out"
    p = subprocess.run([sys.executable, str(HARNESS), str(tmp_path), "report", "--out", str(out),
                        "--ids", "t.boom", "t.fast0", "--budget", "quick", "--time-limit", "30"],
                       capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    for f in [out / "report.json", out / "REPORT.md", *sorted((out / "records").glob("*.json"))]:
        text = f.read_text()
        assert str(ROOT) not in text and str(tmp_path) not in text, f
    assert "kaboom" in (out / "report.json").read_text()
