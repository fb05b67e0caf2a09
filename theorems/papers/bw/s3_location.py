"""bw §4 and App. H: where GD converges (Theorem 1, eq. (9), Lemmas 18-20)."""

from __future__ import annotations

import mpmath as mp

from ... import engines
from ...claim import Claim, Context, Kind
from .common import init_instance, run_of


def _lemma18_slack(start_t: int):
    """min over steps t >= start_t and neurons i of
    (|Q_i(0)| exp(-eta^2 sum_{k<t} eps_k^2) - |Q_i(t)|) / |Q_i(0)|;
    None (not applicable) unless eta|eps_t| < 1 along the whole computed run."""

    def slack(inst, dps):
        run = run_of(inst, 4000)
        h = run.eta
        if any(h * abs(e) >= 1 for e in run.eps):
            return None
        q0 = run.Qi[0]
        worst = None
        partial = mp.mpf(0)
        for t in range(run.steps + 1):
            if t >= start_t:
                bound_factor = mp.exp(-h * h * partial)
                for i, q in enumerate(run.Qi[t]):
                    if q0[i] == 0:
                        continue
                    s = bound_factor - abs(q) / abs(q0[i])
                    worst = s if worst is None or s < worst else worst
            partial += run.eps[t] ** 2
        return worst

    return slack


def _lemma18(start_t: int):
    def check(ctx: Context):
        return engines.sampled(
            _lemma18_slack(start_t), lambda rng, i: init_instance(rng, i), ctx, strict=True,
            label=f"bound at every t >= {start_t}", method="mpmath GD trajectories")

    return check


LEMMA18 = Claim(
    id="bw.lemma18",
    title="Upper bound on imbalance (1)",
    source="App. H, Lemma 18",
    statement=r"If $\eta|\varepsilon(t)|<1$ for all $t\in\mathbb N$, then for all $t\in\mathbb N$: "
    r"$|Q_i(t)|<|Q_i(0)|\exp(-\eta^2\sum_{k=0}^{t-1}\varepsilon_k^2)$",
    kind=Kind.INEQUALITY,
    hypotheses="eta |eps(t)| < 1 along the trajectory; inits from all regions, d = 1, 2, 3, "
    "eta a fraction of the Theorem-1 cap; neurons with Q_i(0) = 0 excluded",
    check=_lemma18(0),
    reading=r"the same bound for all $t\ge1$ (at $t=0$ the sum is empty and the strict "
    r"inequality is an equality)",
    reading_check=_lemma18(1),
    depends_on=("bw.eq8", "bw.eq92"),
)

CLAIMS = [LEMMA18]
