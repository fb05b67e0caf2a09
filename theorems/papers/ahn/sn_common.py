"""Shared pieces for the ahn single-neuron claims (§2, App. C): loss pools, eta sweeps, runs,
growth checks over a class of losses, and plots.  Nothing here decides a verdict."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from fractions import Fraction

import mpmath as mp
import sympy as sp

from numeric.single_neuron import Run, cached_run
from symbolic.losses import OO, Loss, admissible_loss, ell_beta, ell_rsym, ell_sqr, huber

from ... import engines
from ...claim import Context, Outcome, Verdict, all_of, inconclusive

XT, YT = Fraction(3, 4), Fraction(5, 4)  # the catalogue's (x~, y~): y~^2 - x~^2 = 1
F = Fraction
ETA_START = F(1, 5)
TAIL_REL = F(1, 20)


def n_class(ctx: Context) -> int:
    """How many generated class members a theorem check draws."""
    return {"quick": 2, "standard": 4, "deep": 12}.get(ctx.budget.name, 4)


def example_losses(betas: Sequence[Fraction] = (F(3, 2), F(2), F(3), F(10)), huber_too: bool = True) -> list[Loss]:
    out = [ell_rsym(), ell_sqr()]
    if huber_too:
        out.append(huber())
    return out + [ell_beta(b) for b in betas]


def class_losses(ctx: Context, salt: str, *, finite_beta: bool = False, a3: bool = False,
                 n: int | None = None, betas: Sequence[Fraction] | None = None) -> list[Loss]:
    """Members of the class drawn by the generator (deterministic per claim)."""
    rng = random.Random(f"{ctx.seed}:{salt}")
    fams = ("algebraic", "capped", "kinked", "flat", "huberlike")
    if finite_beta or a3:
        fams = fams[:-1]
    return [admissible_loss(rng, i, families=fams, finite_beta=finite_beta or a3, betas=betas)
            for i in range(n if n is not None else n_class(ctx))]


def etas(ctx: Context, start: Fraction = ETA_START, factor: int = 2, points: int | None = None) -> list[Fraction]:
    k = points if points is not None else ctx.budget.sweep_points
    return [start / factor**i for i in range(k)]


def loss_inputs(loss: Loss, **kw) -> dict[str, str]:
    out = {"loss": loss.formula()}
    out.update({k: str(v) for k, v in kw.items()})
    return out


def run_of(loss: Loss, eta: Fraction, gamma: Fraction, ctx: Context, xt: Fraction = XT, yt: Fraction = YT,
           tail_rel: Fraction = TAIL_REL) -> Run:
    return cached_run(loss, xt, yt, gamma, eta, ctx.budget.max_steps, tail_rel)


def sweep_growth(ctx: Context, loss: Loss, gamma: Fraction, measure: Callable[[Run, Fraction], object],
                 label: str, family: str, *, start: Fraction = ETA_START, need_converged: bool = True,
                 params: Sequence[Fraction] | None = None, xt: Fraction = XT, yt: Fraction = YT) -> Outcome:
    """engines.growth of ``measure(run, eta)`` (= measured / claimed order) along eta -> 0 from the
    standard initialisation with ``gamma``; runs that do not converge within max_steps, or hit
    x_t = 0, are not usable points (None)."""

    failed: list[Fraction] = []  # runs get longer as eta decreases: once max_steps is hit, skip smaller eta

    first: list = []

    def at(p: Fraction, d: int):
        with mp.workdps(d):
            run = run_of(loss, p, gamma, ctx, xt, yt)
            if run.stopped == "max_steps":
                failed.append(p)
            if run.stopped == "x_zero" or (need_converged and not run.converged):
                return None
            v = measure(run, p)
            return None if v is None else mp.mpf(v)

    def ratio(p: Fraction, dps: int):
        if failed and p < min(failed) and dps == ctx.dps:
            return None
        v = at(p, dps)
        if v is None:
            return None
        if not first:
            first.append(abs(v))
        if abs(v) <= 10 * first[0] and dps == ctx.dps:
            return v
        # a value that could feed a blow-up verdict: EoS trajectories are ill-conditioned (a 1e-80
        # perturbation can grow to 1e-7 over 10^4 steps), so escalate the precision until two
        # precisions 40 digits apart agree to 1e-9 (relative); unresolved points are not used
        d = dps
        for _ in range(4):
            w = at(p, d + 40)
            if w is None:
                return None
            if abs(w - v) <= mp.mpf(10) ** -9 * abs(w):
                return w
            v, d = w, d + 40
        return None

    ps = list(params) if params is not None else etas(ctx, start)
    out = engines.growth(ps, ratio, ctx, label=f"{label} [{loss.name}]", family=family,
                         inputs_of=lambda p: loss_inputs(loss, eta=p, gamma=gamma, **{"x~": xt, "y~": yt}))
    out.details["loss"] = loss.formula()
    return out


def implication(hyps: Sequence[Outcome], conclusion: Callable[[], Outcome], what: str) -> Outcome:
    """Check a conclusion only where the hypotheses were established (else INCONCLUSIVE)."""
    if not all(h.verdict.passes for h in hyps):
        bad = [h.label for h in hyps if not h.verdict.passes]
        return inconclusive(f"{what}: hypotheses not established ({', '.join(bad)})", "hypotheses")
    return all_of([*hyps, conclusion()])


def add_loss_to_cex(out: Outcome, loss_of: Callable[[dict], Loss | None]) -> Outcome:
    """Put the loss formula into a counterexample's inputs (instances carry loss parameters)."""
    stack = [out]
    while stack:
        o = stack.pop()
        stack.extend(o.parts)
        if o.verdict is Verdict.REFUTED and o.counterexample is not None and "loss" not in o.counterexample.inputs:
            try:
                inst = {k: Fraction(v) for k, v in o.counterexample.inputs.items() if "[" not in v}
                loss = loss_of(inst)
            except (ValueError, KeyError, IndexError):
                loss = None
            if loss is not None:
                o.counterexample.inputs["loss"] = loss.formula()
    return out


def finite(beta) -> bool:
    return beta is not OO


def beta_f(loss: Loss) -> float:
    return float(loss.beta) if finite(loss.beta) else float("inf")


def gap_exponent(loss: Loss) -> sp.Expr:
    """1/(beta - 1) (0 for beta = oo: eta^(1/(beta-1)) := 1)."""
    return 1 / (loss.beta - 1) if finite(loss.beta) else sp.Integer(0)


def mpow(eta: Fraction, e: sp.Expr):
    return mp.power(mp.mpf(eta.numerator) / eta.denominator, mp.mpf(sp.Rational(e).p) / sp.Rational(e).q)


# ---------------------------------------------------------------- plots


def plot_run(ctx: Context, run: Run, name: str, title: str, d0=None) -> list[str]:
    """Trajectory (x_t, y_t) with the invariant hyperbola y^2 - x^2 = D0, and y_t^2 vs 2/eta."""
    if not ctx.figures_dir:
        return []
    import os

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(ctx.figures_dir, exist_ok=True)
    xs = [float(x) for x in run.xs]
    ys = [float(y) for y in run.ys]
    d0 = float(d0 if d0 is not None else run.ys[0] ** 2 - run.xs[0] ** 2)
    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    ax[0].plot(xs, ys, ".-", ms=2, lw=0.4, label="GD iterates")
    import numpy as np

    xx = np.linspace(min(xs + [0.0]) - 0.1, max(xs) + 0.1, 400)
    ax[0].plot(xx, np.sqrt(xx**2 + d0), "r--", lw=1, label=r"$y^2-x^2=y_0^2-x_0^2$ (GF invariant)")
    ax[0].axhline(float(mp.sqrt(2 / run.eta)), color="k", lw=0.6, ls=":", label=r"$y=\sqrt{2/\eta}$")
    ax[0].set_xlabel("x")
    ax[0].set_ylabel("y")
    ax[0].legend(fontsize=7)
    ax[1].plot(range(len(ys)), [y * y for y in ys], lw=0.8, label=r"$y_t^2$")
    ax[1].axhline(float(2 / run.eta), color="k", ls="--", lw=0.8, label=r"$2/\eta$")
    ax[1].set_xscale("symlog")
    ax[1].set_xlim(left=0)
    ax[1].set_xlabel("t")
    ax[1].legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    path = os.path.join(ctx.figures_dir, f"{name}.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [f"figures/{name}.png"]
