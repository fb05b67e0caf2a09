"""``python tests/stop_harness.py DIR ARGS...``: ``python -m theorems report ARGS`` with the
registry replaced by test claims, for the subprocess tests of tests/test_stopping.py.

Claims ``t.fast0`` ... ``t.fast5`` finish at once; ``t.slow0`` ... ``t.slow3`` write their pid to
``DIR/<id>.pid`` and sleep 120 s (a worker to be stopped); ``t.catchall`` loops inside
``except Exception`` (only a BaseException time limit ends it); ``t.boom`` crashes with an
absolute path in its message.  Worker processes are forked, so they see the same registry.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from theorems import Claim, Kind, Outcome, Verdict, registry  # noqa: E402
from theorems.claim import ClaimError  # noqa: E402
from theorems.cli import main  # noqa: E402

PIDS = Path(sys.argv[1])


def _fast(ctx):
    return Outcome(Verdict.SUPPORTED, "test", summary="fast", margin=1.0)


def _slow(name):
    def check(ctx):
        (PIDS / f"{name}.pid").write_text(str(os.getpid()))
        time.sleep(120)
        return Outcome(Verdict.SUPPORTED, "test", summary="slow", margin=1.0)
    return check


def _catchall(ctx):
    while True:
        try:
            time.sleep(0.01)
        except Exception:  # noqa: BLE001, S112 - the point of the test
            continue


def _boom(ctx):
    raise RuntimeError(f"kaboom in {ROOT}/theorems/somewhere.py")


def _claim(cid, check):
    return Claim(id=cid, title=cid, source="test", statement="s", kind=Kind.IDENTITY,
                 hypotheses="", check=check)


CLAIMS = ([_claim(f"t.fast{i}", _fast) for i in range(6)]
          + [_claim(f"t.slow{i}", _slow(f"t.slow{i}")) for i in range(4)]
          + [_claim("t.catchall", _catchall), _claim("t.boom", _boom)])
BY_ID = {c.id: c for c in CLAIMS}


def _get(cid):
    try:
        return BY_ID[cid]
    except KeyError:
        raise ClaimError(f"no claim with id {cid!r}") from None


def _select(paper=None, ids=None):
    return [_get(i) for i in ids] if ids else list(CLAIMS)


registry.all_claims = lambda: tuple(CLAIMS)
registry.get = _get
registry.select = _select

if __name__ == "__main__":
    sys.exit(main(sys.argv[2:]))
