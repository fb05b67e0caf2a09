"""Progress of a report run on stderr: a one-line progress bar on a terminal, plain lines
(one per finished claim variant) otherwise (logs, CI, pipes)."""

from __future__ import annotations

import shutil
import sys
import time
from typing import Any, TextIO


class Progress:
    """Callable as ``progress(record, done, total)`` (see :func:`theorems.runner.run_many`);
    use as a context manager so the bar's line is ended when the run stops."""

    def __init__(self, stream: TextIO | None = None, tty: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.t0 = time.monotonic()
        self.first_done: int | None = None
        self.drawn = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: Any) -> bool:
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()
        return False

    def __call__(self, rec: dict[str, Any], done: int, total: int) -> None:
        if self.first_done is None:  # results reused from the cache arrive first, not timed
            self.first_done = done - 1
        if not self.tty:
            print(f"[{done:>3}/{total}] {rec['id']:<28} {rec['variant']:<8} {rec['verdict']:<12} "
                  f"{rec['seconds']:7.2f}s", file=self.stream, flush=True)
            return
        if rec["verdict"] == "ERROR":  # a crash stays visible above the bar
            self.stream.write("\r\033[K" + f"ERROR {rec['id']} [{rec['variant']}]\n")
        self.stream.write("\r\033[K" + self.line(rec, done, total))
        self.stream.flush()
        self.drawn = True

    def line(self, rec: dict[str, Any], done: int, total: int) -> str:
        elapsed = time.monotonic() - self.t0
        ran = done - (self.first_done or 0)
        rate = ran / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate > 0 else 0.0
        width = max(10, min(30, shutil.get_terminal_size((80, 20)).columns - 60))
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        return (f"[{bar}] {done}/{total} {rate:.2f}/s {_clock(elapsed)} elapsed, ~{_clock(left)} "
                f"left  {rec['id']}[{rec['variant']}] {rec['verdict']}")[
                    : shutil.get_terminal_size((120, 20)).columns - 1]


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m}:{s:02d}"
