"""bw library: helpers moved out of s3_location so that sections do not import sections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mpmath as mp

from numeric.shallow import Run, gd_run

from ...claim import Context

#: "converged" (a stand-in for t = infinity): |eps| < TOL (1 + Phi), independent of the working
#: precision so that the same step T is reached at 1x, 2x and 3x digits.
TOL = mp.mpf(10) ** -30


_RUNS: dict[tuple, Run] = {}


def gd(inst: Mapping[str, Any], max_steps: int, tol=TOL) -> Run:
    """GD on explicit components until |eps| < tol (1 + Phi) or max_steps (memoised per
    instance, step cap and working precision)."""
    key = (tuple((k, str(v)) for k, v in sorted(inst.items())), max_steps, str(tol), mp.mp.dps)
    run = _RUNS.get(key)
    if run is None:
        if len(_RUNS) > 400:
            _RUNS.clear()
        run = gd_run(inst["a"], inst["b"], inst["Phi"], inst["eta"], max_steps, tol=tol)
        _RUNS[key] = run
    return run


def steps_cap(ctx: Context) -> int:
    return ctx.budget.max_steps
