"""Shared pieces for the ahn single-neuron claims (§2, App. C): loss pools, eta sweeps, runs,
growth checks over a class of losses, and plots.  Nothing here decides a verdict."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from fractions import Fraction

import mpmath as mp
import sympy as sp

from numeric.single_neuron import Run, cached_run
from symbolic.losses import OO, Loss, admissible_loss, ell_beta, ell_rsym, ell_sqr, flat, huber

from ... import engines, figures
from ...claim import Context, Outcome, all_of

XT, YT = Fraction(3, 4), Fraction(5, 4)  # the catalogue's (x~, y~): y~^2 - x~^2 = 1
F = Fraction
ETA_START = F(1, 5)
ETA_TOP = F(9, 10)  # top of the standard eta grid (the standing assumption is eta < 1)
MIN_DECADES = 2  # catalogue convention: an O() pass needs a sweep spanning >= 2 decades of eta
EOS_STEP_FACTOR = 25  # EoS runs may take max_steps * 25 iterations (bouncing phase up to ~ eta^-3)
TAIL_REL = F(1, 20)
SWEEP_NOTE = ("; eta sweeps: log-spaced from 9/10 over 2 decades (9/10 .. 9/1000 at the standard budget), "
              "step cap 25 max_steps; a pass needs usable points spanning >= 2 decades")


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


def eos_steps(ctx: Context) -> int:
    """Step cap of the shared single-neuron runs (one value, so that claims share cached runs)."""
    return ctx.budget.max_steps * EOS_STEP_FACTOR


def decade_etas(ctx: Context, top: Fraction = ETA_TOP, points: int | None = None) -> list[Fraction]:
    """``points`` (default sweep_points) step sizes from ``top`` down, log-spaced over
    max(2, (points - 1)/3) decades (3 per decade beyond 2 decades), exact rationals; the end
    point is exactly top * 10^-2 when the span is 2 decades."""
    n = points if points is not None else ctx.budget.sweep_points
    span = max(F(MIN_DECADES), F(n - 1, 3))
    out = []
    for k in range(n):
        e = span * k / (n - 1)  # decades below top
        m = math.floor(e)
        frac = e - m
        mult = F(1) if frac == 0 else F(10 ** -float(frac)).limit_denominator(60)
        out.append(top * mult / 10**m)
    return out


def tail_etas(ctx: Context, top: Fraction = ETA_TOP, per_decade: int = 4) -> list[Fraction]:
    """Step sizes from ``top`` over MIN_DECADES decades, ``per_decade`` log-spaced points per
    decade (5 per decade beyond the standard budget): dense enough that the last decade alone
    holds the >= 5 points the growth engine's saturation test fits."""
    per = per_decade + (1 if ctx.budget.name == "deep" else 0)
    out = []
    for k in range(MIN_DECADES * per + 1):
        m, r = divmod(k, per)
        mult = F(1) if r == 0 else F(10 ** -(r / per)).limit_denominator(60)
        out.append(top * mult / 10**m)
    return out


def grid_text(ctx: Context, top: Fraction = ETA_TOP, points: int | None = None) -> str:
    ps = decade_etas(ctx, top, points)
    return f"eta from {ps[0]} to {ps[-1]} ({len(ps)} log-spaced points)"


def loss_inputs(loss: Loss, **kw) -> dict[str, str]:
    out = {"loss": loss.formula()}
    out.update({k: str(v) for k, v in kw.items()})
    return out


def run_of(loss: Loss, eta: Fraction, gamma: Fraction, ctx: Context, xt: Fraction = XT, yt: Fraction = YT,
           tail_rel: Fraction = TAIL_REL, max_steps: int | None = None) -> Run:
    return cached_run(loss, xt, yt, gamma, eta, max_steps or eos_steps(ctx), tail_rel)


ESCALATE_FACTOR = 10  # sweep values above this multiple of the first usable one are confirmed at higher precision


def escalated(at: Callable[[Fraction, int], object], p: Fraction, dps: int, base_dps: int, first: list,
              unresolved: list[str]):
    """The sweep value ``at(p, dps)`` (None: no usable point), confirmed when it could feed a blow-up
    verdict (above :data:`ESCALATE_FACTOR` times the first usable value, kept in ``first``):
    EoS trajectories are ill-conditioned (a 1e-80 perturbation can grow to 1e-7 over 10^4 steps),
    so the precision is raised until two precisions 40 digits apart agree to 1e-9 (relative).
    A point that does not settle is not used (None) and, at the base precision, is listed in
    ``unresolved``."""
    v = at(p, dps)
    if v is None:
        return None
    if not first:
        first.append(abs(v))
    if abs(v) <= ESCALATE_FACTOR * first[0] and dps == base_dps:
        return v
    d = dps
    for _ in range(4):
        w = at(p, d + 40)
        if w is None:
            return None
        if abs(w - v) <= mp.mpf(10) ** -9 * abs(w):
            return w
        v, d = w, d + 40
    if dps == base_dps:
        unresolved.append(f"{p} (values at {dps}..{d} digits disagree beyond 1e-9 relative, last {mp.nstr(w, 8)})")
    return None


def sweep_growth(ctx: Context, loss: Loss, gamma: Fraction, measure: Callable[[Run, Fraction], object],
                 label: str, family: str, *, need_converged: bool = True,
                 params: Sequence[Fraction] | None = None, xt: Fraction = XT, yt: Fraction = YT,
                 max_steps: int | Callable[[Fraction], int] | None = None) -> Outcome:
    """engines.growth of ``measure(run, eta)`` (= measured / claimed order) along eta -> 0 from the
    standard initialisation with ``gamma``; runs that do not converge within the step cap
    (``max_steps``, default :func:`eos_steps`), or hit x_t = 0, are not usable points (None).

    Default sweep: :func:`decade_etas` (9/10 down to 9/1000 at the standard budget).  The
    engine's ``min_decades=MIN_DECADES`` makes a bounded sweep over fewer decades of eta
    INCONCLUSIVE (the catalogue's power convention for O() passes).

    ``max_steps`` may be a function of eta (a cap derived from when the measured event occurs,
    e.g. the crossing): runs are then cut there, and a run that ends at its cap without the
    event gives no value."""
    cap = max_steps if callable(max_steps) else (lambda p: max_steps or eos_steps(ctx))
    steps = "per-eta" if callable(max_steps) else cap(F(1))

    failed: list[Fraction] = []  # runs get longer as eta decreases: once max_steps is hit, skip smaller eta
    unresolved: list[str] = []  # points dropped because precision escalation did not settle them

    first: list = []

    def at(p: Fraction, d: int):
        with mp.workdps(d):
            run = run_of(loss, p, gamma, ctx, xt, yt, max_steps=cap(p))
            if run.stopped == "max_steps":
                failed.append(p)
            if run.stopped == "x_zero" or (need_converged and not run.converged):
                return None
            v = measure(run, p)
            return None if v is None else mp.mpf(v)

    def ratio(p: Fraction, dps: int):
        if failed and p < min(failed) and dps == ctx.dps:
            return None
        return escalated(at, p, dps, ctx.dps, first, unresolved)

    ps = list(params) if params is not None else decade_etas(ctx)
    fam = f"{family}; eta in {{{', '.join(str(p) for p in ps)}}}, step cap {steps}"
    out = engines.growth(ps, ratio, ctx, label=f"{label} [{loss.name}]", family=fam, min_decades=MIN_DECADES,
                         inputs_of=lambda p: loss_inputs(loss, eta=p, gamma=gamma, **{"x~": xt, "y~": yt}))
    out.details["loss"] = loss.formula()
    if unresolved:
        out.details["points dropped: not resolved by precision escalation (chaotic bouncing phase)"] = unresolved
    if failed:
        out.details["points dropped: run did not converge within the step cap"] = [str(p) for p in sorted(set(failed))]
    _note_missing_points(out, steps, ps)
    return out


def _note_missing_points(out: Outcome, steps: int, params: Sequence[Fraction]) -> None:
    """Say in the evidence which sweep points gave no value (the engine's decade rule may
    have made the outcome INCONCLUSIVE because of them)."""
    used = {Fraction(p) for p, _ in out.details.get("points", [])}
    missing = [str(p) for p in params if Fraction(p) not in used]
    if missing:
        out.details["no usable value at eta"] = (
            f"{', '.join(missing)}: the measured event does not occur there, or the run did not converge "
            f"within the step cap {steps} or was not resolved (see details)")


def lipschitz_only(ctx: Context, losses: Sequence[Loss]) -> tuple[list[Loss], list[Outcome], list[str]]:
    """The losses for which "ell' is 1-Lipschitz" (ell'' <= 1) is established by the predicate
    :func:`.assumptions.check_dl_lipschitz`; returns (kept, their predicate outcomes, excluded)."""
    from .assumptions import check_dl_lipschitz

    kept, checks, dropped = [], [], []
    for loss in losses:
        out = check_dl_lipschitz(loss, ctx)
        if out.verdict.passes:
            kept.append(loss)
            checks.append(out.named(f"hypothesis: {out.label}"))
        else:
            dropped.append(f"{loss.name} ({out.verdict.value})")
    return kept, checks, dropped


def with_hypotheses(checks: Sequence[Outcome], parts: Sequence[Outcome], dropped: Sequence[str]) -> Outcome:
    """all_of of the established hypotheses and the claim's parts, noting excluded losses."""
    out = all_of([*checks, *parts])
    out.details["losses excluded (ell'' <= 1 not established)"] = list(dropped)
    return out


def add_loss_to_cex(out: Outcome, loss_of: Callable[[dict], Loss | None]) -> Outcome:
    """Put the loss formula into a counterexample's inputs (instances carry loss parameters)."""
    stack = [out]
    while stack:
        o = stack.pop()
        stack.extend(o.parts)
        if o.counterexample is not None and "loss" not in o.counterexample.inputs:
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


def plot_run(ctx: Context, run: Run, name: str, title: str, d0=None,
             out: Outcome | None = None) -> list[str]:
    """Trajectory (x_t, y_t) with the invariant hyperbola y^2 - x^2 = D0, and y_t^2 vs 2/eta,
    saved as figures/<claim>-<variant>-<name>.png (:func:`theorems.figures.save_plot`; a plotting
    failure is recorded in ``out.details`` and never changes a verdict)."""

    def draw(fig, ax) -> None:
        xs = [float(x) for x in run.xs]
        ys = [float(y) for y in run.ys]
        d = float(d0 if d0 is not None else run.ys[0] ** 2 - run.xs[0] ** 2)
        _draw_run(fig, ax, run, xs, ys, d, title)

    return figures.save_plot(ctx, name, draw, out, figsize=(10, 4), ncols=2)


def _draw_run(fig, ax, run: Run, xs: list[float], ys: list[float], d0: float, title: str) -> None:
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


# ---------------------------------------------------------------- domains (statement layer)


def loss_member(name: str = "loss", betas: Sequence[Fraction] = (F(3, 2), F(3)),
                families: Sequence[str] = ("algebraic", "capped", "kinked", "flat", "huberlike")):
    """A loss of the class (A1)-(A2) as a domain variable: Example 1's losses first (rsym, sqr,
    Huber, ell_beta for ``betas``), then members drawn by the generator, cycling through its
    families and their edges (including flat stretches).  A counterexample shows ell' exactly."""
    from ...spec import Member

    examples = example_losses(betas=betas)

    def generate(rng: random.Random, j: int) -> Loss:
        return examples[j] if j < len(examples) else admissible_loss(rng, j, families=families)

    return Member(name, generate, description="ell satisfying (A1)-(A2): Example 1 and the class generator "
                  f"(families {', '.join(families)})")


def adversarial():
    """Catalogue (ahn.theorem2, ahn.A2plus): ell' = s - s^3 on [0, 3/10], linear to the diagonal at 2/5,
    ell'(s) = s on [2/5, 4/5], 4/5 beyond (odd extension)."""
    return flat(F(1), F(3, 10), F(2, 5), F(4, 5))




def flat_etas(ctx: Context) -> list[Fraction]:
    """Extended sweep for the flat family (its runs are short): halvings from 9/10, two more
    points than sweep_points (9/10 .. 9/2560 at the standard budget, 3.45 decades)."""
    return [ETA_TOP / 2**k for k in range(ctx.budget.sweep_points + 2)]
