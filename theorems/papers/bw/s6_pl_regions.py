"""bw App. D.3, App. F intro and §6: the PL constant mu(t) = lam(t) by region, eq. (35), and
the per-region contraction rates of the proof sketch.

GD trajectories use the exact reduced recursion (eps, lam) of eqs. (6)-(7) (proved in
:mod:`.s2_updates`) and Q(t) = sum_i |Q_i(0)| prod_{k<t} |1 - eta^2 eps_k^2| (eq. (8)), at the
working precision from exact rational inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import mpmath as mp
import sympy as sp

from numeric import samplers
from numeric.dynamics import SimulationDiverged
from numeric.precision import mpf_of
from numeric.shallow import reduced_step, theorem_cap
from symbolic.derive import one_step_change, time_derivative
from symbolic.models import Model

from ... import engines
from ...claim import Claim, Context, Kind, Outcome, all_of
from . import plots
from .common import R, model
from .lib_flow import below_thm_cap, cached, exact_state, fixed_rng, lam_bar

Inst = dict

# ------------------------------------------------------------------ GD runs (reduced, exact inputs)


class RRun:
    """eps_t, lam_t, Q_t (= sum |Q_i(t)|), ab_t for a GD run of the reduced recursion."""

    def __init__(self, inst: Inst, max_steps: int, dps: int):
        a, b, Phi, eta = inst["a"], inst["b"], inst["Phi"], inst["eta"]
        e0, l0, q0 = exact_state(a, b, Phi)
        self.P, self.h = mpf_of(Phi), mpf_of(eta)
        self.lam_bar = lam_bar(mpf_of(l0), self.P)
        e, lam = mpf_of(e0), mpf_of(l0)
        Q = mp.fsum(abs(mpf_of(q)) for q in q0)
        self.eps, self.lam, self.Q = [e], [lam], [Q]
        # fixed stopping tolerance, so that re-evaluations at 2x/3x digits follow the same steps
        tol = mp.mpf(10) ** -min(25, (dps * 3) // 5) * (1 + self.P)
        for _ in range(max_steps):
            if abs(e) < tol:
                break
            Q = Q * abs(1 - self.h**2 * e**2)
            e, lam = reduced_step(e, lam, self.P, self.h)
            if not mp.isfinite(e) or abs(e) > 1e40 * (1 + self.P):
                raise SimulationDiverged("GD diverged")
            self.eps.append(e)
            self.lam.append(lam)
            self.Q.append(Q)
        self.converged = abs(self.eps[-1]) < tol

    @property
    def ab(self) -> list:
        return [e + self.P for e in self.eps]

    def tau(self) -> int | None:
        """First t with a(t).b(t) > 0 (exit from Region C)."""
        return next((t for t, x in enumerate(self.ab) if x > 0), None)

    def exit_times(self) -> list:
        """tau(t) for each t: for t in Region C, the exit time of the current C stay (first s > t with
        a.b > 0; None if the run never exits); otherwise the last exit time s <= t (s = 0 when the run
        did not start in C).  This is the tau of App. E/F applied to every Region-C stay."""
        n = len(self.eps)
        ab = self.ab
        nxt: list = [None] * n
        upcoming = None
        for t in range(n - 1, -1, -1):
            if ab[t] > 0:
                upcoming = t
            nxt[t] = upcoming
        out, last = [], None
        for t in range(n):
            if ab[t] > 0 and (t == 0 or ab[t - 1] <= 0):
                last = t
            out.append(nxt[t] if ab[t] <= 0 else last)
        return out

    def region(self, t: int) -> str:
        e = self.eps[t]
        return "A" if e > 0 else ("B" if e + self.P > 0 else ("C" if e + self.P < 0 else "boundary"))


def run_for(inst: Inst, dps: int, max_steps: int) -> RRun:
    return cached(f"s6run{max_steps}", inst, dps, lambda: RRun(inst, max_steps, dps))


def thm2_instance(salt: str, region: str | None) -> Callable:
    """Theorem-2 hypotheses: eta = u * min{1/(2|eps0|), 2/lam_bar}, Q(0) != 0 (checked in slacks)."""

    def draw(ctx: Context, i: int) -> Inst:
        rng = fixed_rng(ctx, salt, i)
        regions = ("A", "B", "C") if region is None else (region,)
        init = samplers.shallow_init(rng, i, region=regions[i % len(regions)],
                                     d=samplers.dimension(rng, i // len(regions)))
        init["eta"] = samplers.step_fraction(rng, i) * theorem_cap(init["a"], init["b"], init["Phi"])
        return init

    return draw


def q0_nonzero(inst: Inst) -> bool:
    return any(x * x != y * y for x, y in zip(inst["a"], inst["b"], strict=True))


def init_region(inst: Inst) -> str:
    e0, _, _ = exact_state(inst["a"], inst["b"], inst["Phi"])
    return "A" if e0 > 0 else ("B" if e0 + inst["Phi"] > 0 else ("C" if e0 + inst["Phi"] < 0 else "boundary"))


def thm2_ok(inst: Inst, region: str | None = None) -> bool:
    """Theorem-2 hypotheses (exact): step-size cap, Q(0) != 0, and the stated initial region."""
    return below_thm_cap(inst) and q0_nonzero(inst) and (region is None or init_region(inst) == region)


def n_samples(ctx: Context) -> int:
    return max(10, ctx.budget.samples // 2)


# ------------------------------------------------------------------ figures (never part of a verdict)


def _region_figure(tag: str, what: str, kind: str):
    """lam(t) against the region's bounds (kind 'A': 2 Phi and lam_bar; 'B': lam(0) and 2 Phi;
    'C': 2 Phi and min{lam(tau-1), lam(tau)}), and |eps_t|; steps shaded by region."""

    def fig(inst: Inst, path: str):
        run = run_for(inst, mp.mp.dps, 6000)
        n = len(run.eps)
        ts = list(range(n))
        regs = [run.region(t) for t in ts]
        fig_, (ax, ax2) = plots.new(ncols=2, width=5.6)
        plots.shade_regions(ax, ts, regs)
        ax.plot(ts, plots.fls(run.lam), ".-", ms=2, lw=1.2, color="tab:blue", label=r"$\lambda(t)=\mu(t)$")
        lines = {"A": [(2 * run.P, r"lower bound $2\Phi$ (in A)", "tab:red"),
                       (run.lam_bar, r"upper bound $\bar\lambda$ (in A)", "k")],
                 "B": [(run.lam[0], r"lower bound $\lambda(0)$ (initial B stay)", "tab:red"),
                       (2 * run.P, r"upper bound $2\Phi$ (initial B stay)", "k")],
                 "C": [(2 * run.P, r"upper bound $2\Phi$ (in C, $t<\tau$)", "k")]}[kind]
        tau = run.tau()
        if kind == "C" and tau:
            lines.append((min(run.lam[tau - 1], run.lam[tau]), r"lower bound $\min\{\lambda(\tau-1),\lambda(\tau)\}$",
                          "tab:red"))
        for y, lab, col in lines:
            ax.axhline(plots.fl(y), color=col, ls="--", lw=1, label=lab)
        if tau is not None:
            plots.mark(ax, tau, f"tau = {tau} (first a.b > 0)")
        plots.steps_axis(ax, n=n)
        plots.auto_scale(ax, plots.fls(run.lam))
        ax.set_ylabel(r"$\lambda(t)$")
        ax.grid(alpha=0.3, which="both")
        plots.legend(ax, ncol=2)
        plots.shade_regions(ax2, ts, regs)
        x, y = plots.positive(ts, [abs(e) for e in run.eps])
        ax2.plot(x, y, ".-", ms=2, lw=1.2, color="tab:purple", label=r"$|\varepsilon_t|$")
        ax2.axhline(plots.fl(run.P), color="0.4", ls=":", lw=1, label=r"$\Phi$ ($|\varepsilon|>\Phi$: Region C)")
        ax2.set_yscale("log")
        plots.steps_axis(ax2, n=n)
        ax2.set_ylabel(r"$|\varepsilon_t|$")
        ax2.grid(alpha=0.3, which="both")
        plots.legend(ax2)
        plots.finish(fig_, path, plots.title_of(tag, what, inst))

    return fig


def _sec6_figure(tag: str, what: str, b_factor: int):
    """Per-step ratios |eps_{t+1}|/|eps_t| against the claimed region rates (regions shaded),
    lam(t) against lam(entry into B), and |eps_t| against (1 - eta Q(tau*))^t |eps_0|."""

    def fig(inst: Inst, path: str):
        run = run_for(inst, mp.mp.dps, steps_for_default)
        n = len(run.eps) - 1
        ts = list(range(n + 1))
        regs = [run.region(t) for t in ts]
        entry = _entry_lams(run)
        fig_, (ax, ax2, ax3) = plots.new(ncols=3, width=4.6, height=4.4)
        plots.shade_regions(ax, ts, regs)
        ratio = [abs(run.eps[t + 1]) / abs(run.eps[t]) if run.eps[t] != 0 else None for t in range(n)]
        ax.plot(ts[:-1], plots.fls(ratio), ".-", ms=3, lw=0.8, color="tab:blue", label=r"$|\varepsilon_{t+1}|/|\varepsilon_t|$")
        rA = [1 - 2 * run.h * run.P if regs[t] == "A" else None for t in range(n)]
        rB = [1 - b_factor * run.h * entry[t] if entry[t] is not None else None for t in range(n)]
        ax.plot(ts[:-1], plots.fls(rA), "_", ms=8, color="tab:red", label=r"(A) claimed $1-2\eta\Phi$")
        ax.plot(ts[:-1], plots.fls(rB), "_", ms=8, color="tab:green",
                label=rf"(B) claimed $1-{b_factor if b_factor != 1 else ''}\eta\lambda(\mathrm{{entry}})$")
        plots.steps_axis(ax, n=n + 1)
        ax.set_ylabel("contraction factor (must be <= claimed)")
        ax.grid(alpha=0.3)
        plots.legend(ax)
        plots.shade_regions(ax2, ts, regs)
        ax2.plot(ts, plots.fls(run.lam), ".-", ms=2, lw=1.0, label=r"$\lambda(t)$")
        ax2.plot(ts, plots.fls(entry), "_--", ms=6, color="tab:green", lw=1.2,
                 label=r"bound $\lambda(\mathrm{entry\ into\ B})$ (in B; must stay above)")
        plots.steps_axis(ax2, n=n + 1)
        ax2.set_ylabel(r"$\lambda(t)$")
        ax2.grid(alpha=0.3)
        plots.legend(ax2)
        tstar = min(range(n + 1), key=lambda t: run.lam[t])
        rate = 1 - run.h * run.Q[tstar]
        plots.shade_regions(ax3, ts, regs)
        x, y = plots.positive(ts, [abs(e) for e in run.eps])
        ax3.plot(x, y, ".-", ms=2, lw=1.0, color="tab:purple", label=r"$|\varepsilon_t|$")
        if rate > 0:
            x2, y2 = plots.positive(ts, [rate**t * abs(run.eps[0]) for t in ts])
            ax3.plot(x2, y2, "--", color="tab:red", lw=1.2,
                     label=rf"claimed $(1-\eta Q(\tau^*))^t|\varepsilon_0|$, $\tau^*={tstar}$")
        else:
            ax3.text(0.03, 0.05, f"1 - eta Q(tau*) = {mp.nstr(rate, 4)} <= 0:\nfinal rate not applicable (tau* = {tstar})",
                     transform=ax3.transAxes, fontsize=7)
        ax3.set_yscale("log")
        plots.steps_axis(ax3, n=n + 1)
        ax3.set_ylabel(r"$|\varepsilon_t|$")
        ax3.grid(alpha=0.3, which="both")
        plots.legend(ax3)
        plots.finish(fig_, path, plots.title_of(tag, what, inst))

    return fig


# ------------------------------------------------------------------ eq. (35)


def _data_model(n: int, d: int = 2) -> tuple[Model, sp.Expr, sp.Expr]:
    a = tuple(sp.Symbol(f"a{i + 1}", real=True) for i in range(d))
    b = tuple(sp.Symbol(f"b{i + 1}", real=True) for i in range(d))
    xs = tuple(sp.Symbol(f"x{k + 1}", positive=True) for k in range(n))
    ys = tuple(sp.Symbol(f"y{k + 1}", real=True) for k in range(n))
    ab = sum(p * q for p, q in zip(a, b, strict=True))
    loss = sum((ab * x - y) ** 2 for x, y in zip(xs, ys, strict=True)) / (2 * n)
    m = Model(name=f"data loss n={n}", state=(*a, *b), params=(*xs, *ys), loss=loss)
    s = sum(x**2 for x in xs) / n
    Phi = sum(x * y for x, y in zip(xs, ys, strict=True)) / n / s
    return m, s, Phi


def _check_eq35(ctx: Context) -> Outcome:
    parts = []
    for n in (1, 2):
        m, s, Phi = _data_model(n)
        d = len(m.state) // 2
        a, b = m.state[:d], m.state[d:]
        ab = sum(p * q for p, q in zip(a, b, strict=True))
        mu = s * sum(v**2 for v in m.state)
        printed = -4 * s**2 * (ab - Phi) * ab
        parts.append(engines.identity(time_derivative(m, mu), printed, ctx,
                                      label=f"n={n} data points, d=2: d mu/dt along GF on L-bar"))
    p = sp.Symbol("p", real=True)  # a.b
    P = sp.Symbol("Phi", positive=True)
    parts.append(engines.inequality((p - P) * p, ctx, strict=True, constraints=[p > P, p > 0],
                                    label="a.b > Phi: mu decreases"))
    parts.append(engines.inequality((p - P) * p, ctx, strict=True, constraints=[p < 0, P - p > 0],
                                    label="a.b < 0: mu decreases"))
    parts.append(engines.inequality(-(p - P) * p, ctx, strict=True, constraints=[p > 0, P - p > 0],
                                    label="0 < a.b < Phi: mu grows"))
    # GD analogue: lam(t+1) - lam(t) = eta^2 eps^2 lam - 4 eta eps a.b
    for d in (1, 2):
        mm = model(d)
        e, lam, abq = mm.quantity("eps"), mm.quantity("lam"), mm.quantity("ab")
        parts.append(engines.identity(one_step_change(mm, lam), mm.eta**2 * e**2 * lam - 4 * mm.eta * e * abq, ctx,
                                      label=f"d={d} GD: lam(t+1)-lam(t) = eta^2 eps^2 lam - 4 eta eps a.b"))
    out = all_of(parts)
    # where GD differs from GF (exact evaluation at witnesses; recorded, not a verdict)
    e_, l_, ab_, h_ = sp.symbols("eps lam ab eta")
    dl = h_**2 * e_**2 * l_ - 4 * h_ * e_ * ab_
    witnesses = {
        "Region A (a=3, b=1, Phi=1, eta=1): GF lam decreases, GD lam change": dl.subs({e_: 2, l_: 10, ab_: 3, h_: 1}),
        "Region C (a=3, b=-1, Phi=1, eta=1/2): GF lam decreases, GD lam change": dl.subs(
            {e_: -4, l_: 10, ab_: -3, h_: sp.Rational(1, 2)}),
        "Region B: GD change = eta|eps|(eta|eps| lam + 4 a.b) > 0, same sign as GF": "always",
    }
    out.details["GD vs GF sign of the lam change"] = {k: str(v) for k, v in witnesses.items()}
    out.details["GD increases lam in A iff eta eps lam > 4 a.b; in C iff eta|eps| lam > 4|a.b|"] = True
    return out


EQ35 = Claim(
    id="bw.eq35",
    title="Derivative of mu along GF",
    source="App. D.3, eq. (35) and following sentence",
    statement=r"$\dot\mu=-4[\tfrac1n\sum x_i^2]^2(\mathbf a^\top\mathbf b-\Phi)\mathbf a^\top\mathbf b$; $\mu$ decreases "
    r"when $\mathbf a^\top\mathbf b>\Phi$ and when $\mathbf a^\top\mathbf b<0$, grows when $0<\mathbf a^\top\mathbf b<\Phi$",
    kind=Kind.IDENTITY,
    hypotheses="GF on L-bar = (1/2n) sum (a.b x_k - y_k)^2 with mu = s lam, s = (1/n) sum x_k^2, "
    "Phi = (1/n) sum x_k y_k / s (the minimiser of L-bar in a.b), n = 1, 2 data points, d = 2; Phi > 0 for "
    "the sign table.  GD analogue: exact one-step change of lam, sign differences recorded in details.",
    check=_check_eq35,
)


# ------------------------------------------------------------------ Region A


def _regionA_slack(kind: str, only_in_A: bool = True):
    def slack(inst: Inst, dps: int):
        if not thm2_ok(inst, "A"):
            return None
        run = run_for(inst, dps, 6000)
        vals = []
        for t, lam in enumerate(run.lam):
            if only_in_A and run.region(t) != "A":
                continue
            vals.append(lam / (2 * run.P) - 1 if kind == "lower" else 1 - lam / run.lam_bar)
        return min(vals) if vals else None

    return slack


def _describe_run(inst: Inst, dps: int) -> dict:
    run = RRun(inst, 6000, dps)
    return {"steps": len(run.eps) - 1, "converged": run.converged, "min_t lam / 2Phi": min(run.lam) / (2 * run.P),
            "max_t lam / lam_bar": max(run.lam) / run.lam_bar, "tau (exit from C)": run.tau(),
            "regions visited": "".join(dict.fromkeys(run.region(t) for t in range(len(run.eps))))}


def _check_regionA(in_A_only: bool):
    return lambda ctx: _regionA_parts(ctx, in_A_only)


def _regionA_parts(ctx: Context, in_A_only: bool) -> Outcome:
    parts = []
    for d in (1, 2, 3):
        m = model(d)
        a, b = m.state[:d], m.state[d:]
        parts.append(engines.identity(m.quantity("lam") - 2 * m.params[0],
                                      sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) + 2 * m.quantity("eps"),
                                      ctx, label=f"d={d} lam - 2Phi = |a-b|^2 + 2 eps (>= 0 when eps > 0)"))
    draw = thm2_instance("regionA", "A")
    # printed: D.3 states mu(t) >= 2 Phi for the trajectory started in A (every t); reading: the
    # catalogue's "in this area" = the steps with eps_t > 0 (where the identity above makes the lower
    # bound automatic, so the sampled part only confirms it); lam <= lam_bar at every t in both
    lower = (("lower", True, "lam(t) >= 2 Phi at every t with eps_t > 0") if in_A_only else
             ("lower", False, "lam(t) >= 2 Phi at every step t of the GD trajectory from A"))
    for kind, only_A, lab in (lower, ("upper", False, "lam(t) <= lam_bar at every step t of the GD trajectory from A")):
        parts.append(engines.sampled(_regionA_slack(kind, only_A), lambda rng, i: draw(ctx, i), ctx,
                                     samples=n_samples(ctx),
                                     label=lab, describe=_describe_run, method="mpmath GD (reduced recursion)",
                                     figure=_region_figure(plots.part_tag(ctx, "bw.d3_regionA"), lab, "A")))
    return all_of(parts)


D3_REGIONA = Claim(
    id="bw.d3_regionA",
    title="Region A: 2 Phi <= lam <= lam_bar",
    source="App. D.3, Region A bullet",
    statement=r"When $\mathbf a(0)^\top\mathbf b(0)>\Phi$: $\mu(t)\ge\inf_{\mathbf a^\top\mathbf b>\Phi}s(\|\mathbf a\|^2+"
    r"\|\mathbf b\|^2)=2\Phi$; in this area $2\Phi\le\lambda\le\bar\lambda$",
    kind=Kind.INEQUALITY,
    hypotheses="GD from Region-A inits (eps(0) > 0), Theorem-2 hypotheses (eta = u * min{1/(2|eps0|), "
    "2/lam_bar}, Q(0) != 0), s = 1, d = 1, 2, 3; printed: mu(t) >= 2 Phi, as D.3 states it, along the whole "
    "discrete trajectory from A; lam <= lam_bar at every t. "
    "Measured: min over t of lam_t/(2Phi) - 1 and of 1 - lam_t/lam_bar (run to |eps| < 1e-30 or 6000 steps).",
    check=_check_regionA(False),
    reading=r"'In this area' = the steps with $\varepsilon_t>0$ (the catalogue's plan: $\min_{t:\varepsilon_t>0}"
    r"\lambda(t)/2\Phi$): $2\Phi\le\lambda(t)$ there, and $\lambda(t)\le\bar\lambda$ at every $t$",
    reading_check=_check_regionA(True),
    depends_on=("bw.lemma8",),
)


# ------------------------------------------------------------------ Region B


def _regionB_instance(ctx: Context, i: int) -> Inst:
    if i == 0:
        a, b, Phi = (Fraction(10),), (Fraction(1, 1000),), Fraction(1)
        return {"a": a, "b": b, "Phi": Phi, "eta": Fraction(1, 2) * theorem_cap(a, b, Phi)}
    return thm2_instance("regionB", "B")(ctx, i)


def _regionB_slack(kind: str):
    def slack(inst: Inst, dps: int):
        if not thm2_ok(inst, "B"):
            return None
        run = run_for(inst, dps, 6000)
        vals = []
        for t in range(len(run.eps)):
            if run.region(t) != "B":
                break  # the initial stay in Region B
            if kind == "upper":
                vals.append(1 - run.lam[t] / (2 * run.P))
            else:
                vals.append(run.lam[t] / run.lam[0] - 1)
        return min(vals) if vals else None

    return slack


def _check_regionB(ctx: Context) -> Outcome:
    e, f, h, lam, l0, P = sp.symbols("e f eta lambda lambda0 Phi", positive=True)
    parts = [
        engines.identity(R.lam_next.xreplace({R.eps: -e, R.Phi: e + f, R.eta: h, R.lam: lam}) - lam,
                         h**2 * e**2 * lam + 4 * h * e * f, ctx,
                         label="in B (eps = -e, Phi = e + f; e, f > 0): lam(t+1) - lam(t)"),
        engines.inequality(h**2 * e**2 * lam + 4 * h * e * f, ctx, strict=True, label="... > 0 (lam grows in B)"),
        engines.inequality((l0**2 + 4 * P**2) - 4 * P**2, ctx, strict=False, label="lam_bar^2 - (2 Phi)^2 >= 0"),
    ]
    x, y = sp.symbols("x y", real=True)
    parts.append(engines.inequality(2 * y**2, ctx, strict=False, label="lam >= Q per neuron: (a^2+b^2) - (a^2-b^2) >= 0"))
    parts.append(engines.inequality(2 * x**2, ctx, strict=False, label="lam >= Q per neuron: (a^2+b^2) + (a^2-b^2) >= 0"))
    for kind, lab in (("lower", "lam(t) >= lam(0) during the initial stay in Region B"),
                      ("upper", "lam(t) <= 2 Phi during the initial stay in Region B")):
        parts.append(engines.sampled(_regionB_slack(kind), lambda rng, i: _regionB_instance(ctx, i), ctx,
                                     samples=n_samples(ctx), label=lab, describe=_describe_run,
                                     method="mpmath GD (reduced recursion)",
                                     figure=_region_figure(plots.part_tag(ctx, "bw.d3_regionB"), lab, "B")))
    return all_of(parts)


D3_REGIONB = Claim(
    id="bw.d3_regionB",
    title="Region B: lam(0) <= lam <= 2 Phi <= lam_bar",
    source="App. D.3, Region B bullet",
    statement=r"When $0<\mathbf a(0)^\top\mathbf b(0)<\Phi$: $\mu(t)\ge\mu(0)$; in this area $\lambda(0)\le\lambda\le2\Phi"
    r"\le\bar\lambda$, where $\lambda(0)\ge Q_0>0$",
    kind=Kind.INEQUALITY,
    hypotheses="GD from Region-B inits (-Phi < eps(0) < 0), Theorem-2 hypotheses, Q(0) != 0, d = 1, 2, 3, "
    "including the catalogue point a = 10, b = 1/1000, Phi = 1 (eta = cap/2); 'in this area' = the initial "
    "stay in Region B.  Symbolic: one-step increase of lam in B, 2Phi <= lam_bar, lam >= Q.",
    check=_check_regionB,
    depends_on=("bw.eq7",),
)


# ------------------------------------------------------------------ Region C


def _regionC_instance(ctx: Context, i: int) -> Inst:
    rng = fixed_rng(ctx, "regionC", i)
    init = samplers.shallow_init(rng, i, region="C", d=1 + i % 2)
    e0, l0, _ = exact_state(init["a"], init["b"], init["Phi"])
    init["eta"] = samplers.step_fraction(rng, i) * min(1 / (2 * abs(e0)), 2 / l0)
    return init


def _regionC_slack(kind: str):
    def slack(inst: Inst, dps: int):
        e0, l0, _ = exact_state(inst["a"], inst["b"], inst["Phi"])
        eta = inst["eta"]
        if not (q0_nonzero(inst) and inst["Phi"] > 0 and init_region(inst) == "C" and 0 < eta
                and 2 * abs(e0) * eta < 1 and eta * l0 < 2):
            return None
        run = run_for(inst, dps, 6000)
        tau = run.tau()
        if tau is None:
            return None  # the run did not leave Region C within the step cap
        if kind == "decrease":
            return min((abs(run.eps[t]) - abs(run.eps[t + 1])) / abs(run.eps[t]) for t in range(tau))
        if kind == "min":
            ref = min(run.lam[tau - 1], run.lam[tau])
            return min(run.lam) / ref - 1
        return min(1 - run.lam[t] / (2 * run.P) for t in range(tau))

    return slack


def _describe_C(inst: Inst, dps: int) -> dict:
    run = RRun(inst, 6000, dps)
    tau = run.tau()
    arg = min(range(len(run.lam)), key=lambda t: run.lam[t])
    inc = [t for t in range(min(tau or 0, len(run.lam) - 1)) if run.lam[t + 1] > run.lam[t]]
    return {"tau": tau, "argmin_t lam": arg, "lam(tau-1), lam(tau)": f"{mp.nstr(run.lam[tau - 1], 8)}, "
            f"{mp.nstr(run.lam[tau], 8)}" if tau else "-", "min_t lam": min(run.lam),
            "lam increased during a Region-C step": bool(inc), "max_{t<tau} lam / 2Phi":
            max(run.lam[:tau]) / (2 * run.P) if tau else "-", "converged": run.converged}


def _check_regionC(ctx: Context) -> Outcome:
    parts = []
    for kind, lab, strict in (
            ("decrease", "|eps_t| strictly decreases until a.b > 0 (steps t < tau)", True),
            ("min", "min_t lam(t) >= min{lam(tau-1), lam(tau)}", False),
            ("upper", "lam(t) <= 2 Phi in Region C (t < tau)", False)):
        parts.append(engines.sampled(_regionC_slack(kind), lambda rng, i: _regionC_instance(ctx, i), ctx,
                                     samples=n_samples(ctx), strict=strict, label=lab, describe=_describe_C,
                                     method="mpmath GD (reduced recursion)",
                                     figure=_region_figure(plots.part_tag(ctx, "bw.d3_regionC"), lab, "C")))
    l0, P = sp.symbols("lambda0 Phi", positive=True)  # the last link 2 Phi <= lam_bar, as in Region B
    parts.append(engines.inequality((l0**2 + 4 * P**2) - 4 * P**2, ctx, strict=False, label="lam_bar^2 - (2 Phi)^2 >= 0"))
    return all_of(parts)


D3_REGIONC = Claim(
    id="bw.d3_regionC",
    title="Region C: minimum of lam at tau or tau-1",
    source="App. D.3, Region C bullet",
    statement=r"When $\mathbf a(0)^\top\mathbf b(0)<0$ the residuals decrease until $\mathbf a^\top\mathbf b=0$; $\lambda$ is "
    r"minimal at $\tau$ or $\tau-1$: $\mu(t)\ge\min\{\mu(\tau-1),\mu(\tau)\}$, $\tau=\min\{t:\mathbf a(t)^\top\mathbf b(t)>0\}$; "
    r"$\mu(t)\ge Q(\tau_1)$; $Q(\tau_1)\le\lambda\le2\Phi\le\bar\lambda$",
    kind=Kind.INEQUALITY,
    hypotheses="GD from Region-C inits, d = 1, 2, eta = u * min{1/(2|eps0|), 2/lam0} (catalogue plan), "
    "Q(0) != 0; runs to |eps| < 1e-30 or 6000 steps; instances that do not leave C are not applicable.  "
    "The bound by Q(tau_1) (Definition 2 sequences) is covered by bw.lemma12/13 and not re-checked here.",
    check=_check_regionC,
    depends_on=("bw.lemma12", "bw.lemma13"),
)


# ------------------------------------------------------------------ App. F intro


def _region_mu(run: RRun, t: int, Qtau) -> tuple:
    e, P = run.eps[t], run.P
    if e >= 0:
        return "A", 2 * P
    if e < -P / 2:
        return "C-ish", Qtau
    return "B-ish", P


def _f_slack(variant: str):
    def slack(inst: Inst, dps: int):
        if not thm2_ok(inst):
            return None
        run = run_for(inst, dps, steps_for_default)
        taus = run.exit_times()
        vals = []
        last = len(run.eps) - 1 if variant == "reading" else len(run.eps)
        for t in range(last):
            if taus[t] is None:
                continue  # a Region-C stay that does not end within the run: tau undefined
            name, mu = _region_mu(run, t, run.Q[taus[t]])
            if variant == "printed_A" and name == "A":
                vals.append(run.lam[t] / mu - 1)
            elif variant == "printed_rest" and name != "A":
                vals.append(run.lam[t] / mu - 1)
            elif variant == "reading":
                bound = (1 - run.h * mu) * abs(run.eps[t])
                vals.append((bound - abs(run.eps[t + 1])) / abs(run.eps[t]))
        return min(vals) if vals else None

    return slack


steps_for_default = 6000


def _check_f_printed(ctx: Context) -> Outcome:
    draw = thm2_instance("f_intro", None)
    return all_of([
        engines.sampled(_f_slack("printed_A"), lambda rng, i: draw(ctx, i), ctx, samples=n_samples(ctx), strict=True,
                        label="eps_t >= 0 => mu_t = lam_t > 2 Phi", describe=_describe_run,
                        method="mpmath GD (reduced recursion)"),
        engines.sampled(_f_slack("printed_rest"), lambda rng, i: draw(ctx, i), ctx, samples=n_samples(ctx),
                        label="eps_t < -Phi/2 => lam_t >= Q(tau); -Phi/2 <= eps_t < 0 => lam_t >= Phi",
                        describe=_describe_run, method="mpmath GD (reduced recursion)")])


def _check_f_reading(ctx: Context) -> Outcome:
    draw = thm2_instance("f_intro", None)
    return engines.sampled(_f_slack("reading"), lambda rng, i: draw(ctx, i), ctx, samples=n_samples(ctx),
                           label="|eps_{t+1}| <= (1 - eta mu_region)|eps_t|", describe=_describe_f,
                           method="mpmath GD (reduced recursion)")


def _describe_f(inst: Inst, dps: int) -> dict:
    run = RRun(inst, 6000, dps)
    taus = run.exit_times()
    worst = None
    for t in range(len(run.eps) - 1):
        if taus[t] is None:
            continue
        name, mu = _region_mu(run, t, run.Q[taus[t]])
        r = abs(run.eps[t + 1]) / abs(run.eps[t])
        s = (1 - run.h * mu) - r
        if worst is None or s < worst[0]:
            worst = (s, t, name, r, 1 - run.h * mu)
    out = _describe_run(inst, dps)
    if worst:
        out.update({"worst step t": worst[1], "region case": worst[2], "|eps_{t+1}|/|eps_t|": worst[3],
                    "claimed factor 1 - eta mu": worst[4], "eta lam_bar": run.h * run.lam_bar})
    return out


F_INTRO = Claim(
    id="bw.f_intro",
    title="PL constants by region",
    source="App. F, introductory paragraph",
    statement=r"If $\varepsilon\ge0$ then $\mu>2\Phi$, if $\varepsilon<-\Phi/2$ then $\mu=Q(\tau)$, and if "
    r"$-\Phi/2\le\varepsilon<0$ then $\mu=\Phi$",
    kind=Kind.RATE,
    hypotheses="GD under Theorem-2 hypotheses (eta = u * min{1/(2|eps0|), 2/lam_bar}, Q(0) != 0), inits in "
    "Regions A, B, C, d = 1, 2, 3; tau = exit time from Region C (a.b > 0) of the current Region-C stay "
    "(for t in C: the next exit; otherwise the last exit, 0 if the run did not start in C); steps in a "
    "C stay that does not end within the run are skipped.  Printed, read as PL constants in the App. D sense (mu_t = lam_t is a valid PL "
    "constant, so 'mu = X' = lam_t >= X along the trajectory in that residual range; 'mu > 2Phi' strict).  "
    "Reading: the per-step factor (1 - eta mu) is a stronger statement than App. F proves for large eta: "
    "for eps > 0, F.2 gives only (1 - 2 delta) at eta ~ 2(1-delta)/lam (eq. (70)) and (1 - eta^2 Phi^2) near "
    "eta ~ 2/lam (eq. (71)), both weaker than (1 - 2 eta Phi) as eta approaches the cap; a violation of the "
    "reading at large eta therefore tests this per-step strengthening, not App. F.2's own rates.",
    check=_check_f_printed,
    reading=r"'$\mu\ge$' in each case, $\mu$ the per-step contraction exponent: $|\varepsilon(t+1)|\le(1-\eta\mu)"
    r"|\varepsilon(t)|$ with $\mu=2\Phi$ ($\varepsilon_t\ge0$), $Q(\tau)$ ($\varepsilon_t<-\Phi/2$), $\Phi$ "
    r"($-\Phi/2\le\varepsilon_t<0$) (per step, at every step: stronger than App. F.2's $(1-2\delta)$ and "
    r"$(1-\eta^2\Phi^2)$ rates for large $\eta$)",
    reading_check=_check_f_reading,
    depends_on=("bw.eq69", "bw.eq70", "bw.eq71", "bw.eq72", "bw.eq74", "bw.eq76"),
)


# ------------------------------------------------------------------ §6 region sketch


def _entry_lams(run: RRun) -> list:
    """lam at the time of entry into the current stay in Region B (None outside B), one pass."""
    out, entry = [], None
    for t in range(len(run.eps)):
        if run.region(t) == "B":
            entry = run.lam[t] if entry is None else entry
        else:
            entry = None
        out.append(entry)
    return out


def _sec6_slack(kind: str, factor: int = 2):
    def slack(inst: Inst, dps: int):
        if not thm2_ok(inst):
            return None
        run = run_for(inst, dps, steps_for_default)
        n = len(run.eps) - 1
        vals = []
        # a printed rate 1 - c eta X < 0 is not a contraction factor: such steps are not applicable
        # (as for the final rate below, which needs 1 - eta Q(tau*) > 0 for its logarithm)
        if kind == "A":
            rate_a = 1 - 2 * run.h * run.P
            for t in range(n):
                if run.region(t) == "A" and rate_a >= 0:
                    vals.append((rate_a * run.eps[t] - abs(run.eps[t + 1])) / run.eps[t])
        elif kind == "B_lam":
            for t, lt in enumerate(_entry_lams(run)):
                if lt is not None:
                    vals.append(run.lam[t] / lt - 1)
        elif kind == "B_rate":
            for t, lt in enumerate(_entry_lams(run)[:n]):
                rate_b = None if lt is None else 1 - factor * run.h * lt
                if rate_b is not None and rate_b >= 0:
                    vals.append((rate_b * abs(run.eps[t]) - abs(run.eps[t + 1])) / abs(run.eps[t]))
        elif kind == "final":  # log form: t log|1 - eta Q(tau*)| + log|eps_0| - log|eps_t| >= 0
            ts = min(range(n + 1), key=lambda t: run.lam[t])
            rate = 1 - run.h * run.Q[ts]
            if rate <= 0:
                return None  # eta Q(tau*) >= 1: the printed rate is not a contraction factor
            for t in range(1, n + 1):
                vals.append(t * mp.log(rate) + mp.log(abs(run.eps[0])) - mp.log(abs(run.eps[t])))
        return min(vals) if vals else None

    return slack


def _describe_sec6(inst: Inst, dps: int) -> dict:
    run = RRun(inst, 6000, dps)
    out = _describe_run(inst, dps)
    tau = run.tau()
    if tau is not None and tau > 0:
        out["Region C phase: Q(tau)/Q(0)"] = run.Q[tau] / run.Q[0]
        out["(1 - eta)"] = 1 - run.h
        out["Region C steps * eta"] = tau * run.h
    ts = min(range(len(run.lam)), key=lambda t: run.lam[t])
    out["tau* = argmin lam"] = ts
    out["1 - eta Q(tau*)"] = 1 - run.h * run.Q[ts]
    if len(run.eps) > 3:
        out["asymptotic |eps_{t+1}/eps_t|"] = abs(run.eps[-1] / run.eps[-2])
    return out


def _sec6_check(b_factor: int):
    def check(ctx: Context) -> Outcome:
        parts = []
        for d in (1, 2, 3):
            m = model(d)
            a, b = m.state[:d], m.state[d:]
            parts.append(engines.identity(m.quantity("lam") - 2 * m.quantity("ab"),
                                          sum((x - y) ** 2 for x, y in zip(a, b, strict=True)), ctx,
                                          label=f"d={d} lam - 2 a.b = |a-b|^2 >= 0 (Cauchy-Schwarz step)"))
        draw = thm2_instance("sec6", None)
        specs = [("A", "(A) eps_t > 0: |eps_{t+1}| <= (1 - 2 eta Phi) eps_t", 2),
                 ("B_lam", "(B) lam(t) >= lam(entry into B) while in B", 2),
                 ("B_rate", f"(B) |eps_{{t+1}}| <= (1 - {b_factor} eta lam(entry))|eps_t| while in B", b_factor),
                 ("final", "|eps_t| <= (1 - eta Q(tau*))^t |eps_0|, tau* = argmin lam", 2)]
        for kind, lab, fac in specs:
            parts.append(engines.sampled(_sec6_slack(kind, fac), lambda rng, i: draw(ctx, i), ctx,
                                         samples=n_samples(ctx), label=lab, describe=_describe_sec6,
                                         method="mpmath GD (reduced recursion)",
                                         figure=_sec6_figure(plots.part_tag(ctx, "bw.sec6_regions"), lab, b_factor)))
        return all_of(parts)

    return check


SEC6_REGIONS = Claim(
    id="bw.sec6_regions",
    title="Section-6 sketch rates by region",
    source="§6, Region A/B/C items and final paragraph",
    statement=r"(A) $\varepsilon>0$: $2\Phi\le2\mathbf a^\top\mathbf b\le\lambda$, $\varepsilon$ shrinks at rate $(1-2\eta\Phi)$; "
    r"(B) $\lambda(t)\ge\lambda(\tau)$, $\tau$ = entry into B, $\varepsilon$ shrinks at rate at least $(1-2\eta\lambda(\tau))$, "
    r"$\lambda(\tau)\ge Q(\tau)$; (C) $\varepsilon(t+1)\approx(1-\eta Q(t))\varepsilon(t)$, in $O(\eta^{-1})$ steps $Q$ "
    r"decreases only by $(1-\eta)$; with $\tau=\arg\min_t\lambda(t)$, linear convergence with rate $(1-\eta Q(\tau))$",
    kind=Kind.RATE,
    hypotheses="GD under Theorem-2 hypotheses (eta = u * min{1/(2|eps0|), 2/lam_bar}, Q(0) != 0), inits in "
    "A, B, C, d = 1, 2, 3.  Rates are per-step bounds at every step in the region; the final rate is "
    "|eps_t| <= (1-eta Q(tau*))^t |eps_0| at every t, on runs with eta Q(tau*) < 1 (slack in log form); "
    "likewise a per-step rate (1 - 2 eta Phi) in A or (1 - c eta lam(entry)) in B that is negative is not a "
    "contraction factor, and such steps are not applicable.  (C) is approximate: Q(tau)/Q(0), (1-eta) and "
    "tau*eta are recorded in the outcome details (not a verdict; the comparison with (1-eta) is not "
    "scale covariant).  lam(tau) >= Q(tau) is the proved lam >= Q (bw.lemma9).",
    check=_sec6_check(2),
    reading=r"(B) with the printed '(1 2$\eta\lambda(\tau)$)' read as $(1-\eta\lambda(\tau))$ (the rate of eq. (12)); "
    r"rest as printed",
    reading_check=_sec6_check(1),
    depends_on=("bw.lemma8", "bw.d3_regionA", "bw.d3_regionB", "bw.d3_regionC"),
)

CLAIMS = [EQ35, D3_REGIONA, D3_REGIONB, D3_REGIONC, F_INTRO, SEC6_REGIONS]
