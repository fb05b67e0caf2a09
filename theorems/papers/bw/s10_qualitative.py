"""bw §1, §5, §7: the remaining qualitative claims (speed/regularization trade-off; the PL
constant along the trajectory), made measurable."""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath as mp

from numeric import samplers
from numeric.dynamics import SimulationDiverged
from numeric.shallow import theorem_cap

from ... import engines
from ...claim import Claim, Context, Kind, Outcome, all_of
from . import plots
from .common import model
from .lib_trajectory import gd, steps_cap

DELTA = mp.mpf(10) ** -20  # T(delta): first t with L = eps^2/2 <= delta


# ------------------------------------------------------------------ Takeaway 2


def _ranks(xs: list) -> list[Fraction]:
    """Average ranks (ties share their mean rank), exact."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    ranks: list[Fraction] = [Fraction(0)] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = Fraction(i + j, 2) + 1
        i = j + 1
    return ranks


def spearman(xs: list, ys: list) -> mp.mpf:
    rx, ry = _ranks(xs), _ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    v = vx * vy
    return mp.mpf(cov.numerator) / cov.denominator / mp.sqrt(mp.mpf(v.numerator) / v.denominator)


SCALES = (Fraction(1, 4), Fraction(1, 2), Fraction(1), Fraction(2), Fraction(4))
FRACTIONS = (Fraction(1, 10), Fraction(3, 10), Fraction(1, 2), Fraction(7, 10), Fraction(9, 10))


def _grid(inst: dict, max_steps: int) -> list[tuple[int, mp.mpf]] | None:
    """(T(delta), -log(Q(inf)/Q(0))) over the Figure-3 grid: scales x step fractions of the cap."""
    out = []
    for s in SCALES:
        a = tuple(s * x for x in inst["a"])
        b = tuple(s * x for x in inst["b"])
        cap = theorem_cap(a, b, inst["Phi"])
        for u in FRACTIONS:
            run = gd({"a": a, "b": b, "Phi": inst["Phi"], "eta": u * cap}, max_steps)
            if not run.converged:
                return None
            T = run.hitting_time(DELTA)
            q0 = run.Q(0)
            if T is None or q0 == 0:
                return None
            out.append((T, -mp.log(run.Q(run.steps) / q0)))
    return out


def _grid_sampler(rng: random.Random, i: int) -> dict:
    d = 1 + i % 2
    return {"a": samplers.gaussian_vector(rng, d), "b": samplers.gaussian_vector(rng, d), "Phi": Fraction(1)}


# fixed-eta family: the same direction at scales s = 2^-j (Q(0) = s^2 Q(0)|_{s=1} -> 0), one eta for all
FAMILY_SCALES = tuple(Fraction(1, 2 ** (2 * j)) for j in range(8))  # 1, 1/4, ..., 2^-14
FAMILY_FRACTIONS = (Fraction(1, 2), Fraction(1, 10), Fraction(9, 10))  # eta = u * min_s cap(s), cycled
# edge-of-stability grid: eta = v * 2/lam_bar (beyond the 2/lam_bar threshold), scales s >= 1
EOS_SCALES = (Fraction(1), Fraction(2), Fraction(4), Fraction(8))
EOS_FACTORS = (Fraction(21, 20), Fraction(11, 10), Fraction(6, 5), Fraction(3, 2), Fraction(2))
EOS_STEPS = 5000  # a grid point counts as 'GD still converges' if |eps| < 1e-30 (1 + Phi) within this many steps
MIN_POINTS = 4  # a correlation needs at least this many converged points


def _scaled(inst: dict, s: Fraction) -> tuple[tuple, tuple]:
    return tuple(s * x for x in inst["a"]), tuple(s * x for x in inst["b"])


def _point(a: tuple, b: tuple, Phi: Fraction, eta: Fraction, max_steps: int) -> tuple[int, mp.mpf] | None:
    """(T(delta), -log(Q(inf)/Q(0))) of one converged run, None if it does not converge (or diverges)."""
    try:
        run = gd({"a": a, "b": b, "Phi": Phi, "eta": eta}, max_steps)
    except SimulationDiverged:
        return None
    if not run.converged:
        return None
    T, q0 = run.hitting_time(DELTA), run.Q(0)
    if T is None or q0 == 0:
        return None
    return T, -mp.log(run.Q(run.steps) / q0)


def _family_eta(inst: dict) -> Fraction:
    u = inst.get("u", FAMILY_FRACTIONS[0])
    return u * min(theorem_cap(*_scaled(inst, s), inst["Phi"]) for s in FAMILY_SCALES)


def _scale_family(inst: dict, max_steps: int) -> list[tuple[int, mp.mpf]] | None:
    """Fixed eta (below the cap of every member), initial scale s -> 0 (Q(0) -> 0)."""
    if not (0 < inst.get("u", FAMILY_FRACTIONS[0]) < 1 and inst["Phi"] > 0):
        return None  # outside the hypotheses (e.g. after shrinking an instance)
    eta_ = _family_eta(inst)
    out = []
    for s in FAMILY_SCALES:
        pt = _point(*_scaled(inst, s), inst["Phi"], eta_, max_steps)
        if pt is None:
            return None  # below the cap every run converges (Theorem 2); a miss is the step cap
        out.append(pt)
    return out


def _eos_eta(a: tuple, b: tuple, Phi: Fraction, v: Fraction) -> Fraction:
    with mp.workdps(60):
        lam0 = sum(mp.mpf(x.numerator) / x.denominator for x in (y * y for y in a + b))
        P = mp.mpf(Phi.numerator) / Phi.denominator
        two_over = 2 / mp.sqrt(lam0**2 + 4 * P**2)
        return v * Fraction(int(mp.floor(two_over * mp.mpf(10) ** 45)), 10**45)


def _eos(inst: dict) -> list[tuple[int, mp.mpf]] | None:
    """eta = v * 2/lam_bar with v > 1 over scales s >= 1; only the grid points where GD converges."""
    out = []
    for s in EOS_SCALES:
        a, b = _scaled(inst, s)
        for v in EOS_FACTORS:
            pt = _point(a, b, inst["Phi"], _eos_eta(a, b, inst["Phi"], v), EOS_STEPS)
            if pt is not None:
                out.append(pt)
    return out if len(out) >= MIN_POINTS else None


def _family_sampler(rng: random.Random, i: int) -> dict:
    inst = _grid_sampler(rng, i)
    inst["u"] = FAMILY_FRACTIONS[i % len(FAMILY_FRACTIONS)]
    return inst


def _rho(pts: list[tuple[int, mp.mpf]]) -> mp.mpf:
    return spearman([p[0] for p in pts], [p[1] for p in pts])


def _fmt(pts) -> str:
    return "; ".join(f"({t}, {mp.nstr(r, 4)})" for t, r in pts)


def _recording(points, ctx: Context, record: list):
    """Slack = Spearman(T, -log Q(inf)/Q(0)) over ``points(inst)``; each value at the working
    precision is recorded (for the per-part report in the outcome's details)."""

    def slack(inst, dps):
        pts = points(inst)
        if pts is None:
            return None
        rho = _rho(pts)
        if dps == ctx.dps:
            record.append(float(rho))
        return rho

    return slack


def _check_takeaway2(ctx: Context) -> Outcome:
    ms = steps_cap(ctx)
    n = max(2, ctx.budget.samples // 10)
    records: dict[str, list] = {"grid": [], "family": [], "eos": []}

    def describe(inst, dps):
        with mp.workdps(dps):
            pts = _grid(inst, ms) or []
            k = len(FRACTIONS)
            per_u = {f"Spearman across scales at u={u}": spearman([p[0] for p in pts[j::k]], [p[1] for p in pts[j::k]])
                     for j, u in enumerate(FRACTIONS)} if pts else {}
            per_s = {f"Spearman across u at scale {sc}": spearman([p[0] for p in pts[j * k:(j + 1) * k]],
                                                                  [p[1] for p in pts[j * k:(j + 1) * k]])
                     for j, sc in enumerate(SCALES)} if pts else {}
        return {"(T, -log Q(inf)/Q(0)) over the grid (scale-major)": _fmt(pts), **per_u, **per_s}

    def describe_family(inst, dps):
        with mp.workdps(dps):
            pts = _scale_family(inst, ms) or []
        return {"eta (fixed)": _family_eta(inst), "scales s": ", ".join(map(str, FAMILY_SCALES)),
                "(T, -log Q(inf)/Q(0)) per scale": _fmt(pts)}

    def describe_eos(inst, dps):
        with mp.workdps(dps):
            rows = []
            for s in EOS_SCALES:
                a, b = _scaled(inst, s)
                for v in EOS_FACTORS:
                    pt = _point(a, b, inst["Phi"], _eos_eta(a, b, inst["Phi"], v), EOS_STEPS)
                    rows.append(f"s={s}, v={v}: " + ("no convergence" if pt is None else f"({pt[0]}, {mp.nstr(pt[1], 4)})"))
        return {"eta = v * 2/lam_bar; (T, -log Q(inf)/Q(0))": "; ".join(rows)}

    label = ("grid below the cap: Spearman(T(1e-20), -log Q(inf)/Q(0)) > 0 across eta = u * cap and initial "
             "scale s (Figure-3 grid)")

    def figure(inst, path):
        pts = _grid(inst, ms)
        if pts is None:
            raise ValueError("grid with a non-converged run")
        k = len(FRACTIONS)
        fig_, (ax,) = plots.new(width=7.0)
        markers = ("o", "s", "^", "D", "v")
        cmap = plots.pyplot().get_cmap("viridis")
        for j, sc in enumerate(SCALES):
            for m in range(k):
                T, reg = pts[j * k + m]
                x, y = plots.positive([float(T)], [reg])
                ax.plot(x, y, markers[j], ms=6, color=cmap(m / max(1, k - 1)))
            ax.plot([], [], markers[j], color="0.5", label=f"scale s = {sc} (grey lines join equal s)")
            xs, ys = plots.positive([float(p[0]) for p in pts[j * k:(j + 1) * k]], [p[1] for p in pts[j * k:(j + 1) * k]])
            ax.plot(xs, ys, "-", color="0.75", lw=0.6, zorder=0)
        for m, u in enumerate(FRACTIONS):
            ax.plot([], [], "o", color=cmap(m / max(1, k - 1)), label=f"eta = {u} x cap")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("T = first t with L(t) <= 1e-20 (slower convergence ->)")
        ax.set_ylabel("regularisation -log(Q(inf)/Q(0)) (stronger ->)")
        ax.grid(alpha=0.3, which="both")
        plots.legend(ax, ncol=3)
        rho = spearman([p[0] for p in pts], [p[1] for p in pts])
        plots.finish(fig_, path, plots.title_of(plots.part_tag(ctx, "bw.takeaway2"),
                                                f"T vs regularisation over the Figure-3 grid; Spearman = "
                                                f"{mp.nstr(rho, 4)} (claim: > 0)", inst))

    parts = [
        engines.sampled(_recording(lambda inst: _grid(inst, ms), ctx, records["grid"]), _grid_sampler, ctx,
                        strict=True, samples=n, describe=describe,
                        method="mpmath GD grid + Spearman rank correlation", label=label, figure=figure),
        engines.sampled(_recording(lambda inst: _scale_family(inst, ms), ctx, records["family"]), _family_sampler, ctx,
                        strict=True, samples=n, describe=describe_family,
                        method="mpmath GD family + Spearman rank correlation",
                        label="fixed eta, initial scale s = 1 ... 2^-14 (Q(0) -> 0): Spearman(T(1e-20), "
                        "-log Q(inf)/Q(0)) > 0"),
        engines.sampled(_recording(_eos, ctx, records["eos"]), _grid_sampler, ctx, strict=True, samples=n,
                        describe=describe_eos, method="mpmath GD edge-of-stability grid + Spearman rank correlation",
                        label="edge of stability: eta = v * 2/lam_bar, v in (1, 2], s in {1, 2, 4, 8}, converged "
                        "runs only: Spearman(T(1e-20), -log Q(inf)/Q(0)) > 0"),
    ]
    out = all_of(parts)
    out.details["per_part_spearman (each sampled instance, working precision)"] = {
        "grid below the cap (eta and scale vary)": records["grid"],
        "fixed eta, scale -> 0 (Q(0) -> 0)": records["family"],
        "edge of stability (eta > 2/lam_bar, converged points)": records["eos"]}
    return out


TAKEAWAY2 = Claim(
    id="bw.takeaway2",
    title="Takeaway 2: stronger implicit regularization goes with slower convergence",
    source="§5 Takeaway 2 and Figure 3; §1 (iii); §5 EoS paragraph; §7",
    statement=r"stronger implicit regularization of $Q$ (smaller $Q(\infty)/Q(0)$) goes with slower convergence "
    r"and vice versa; 'the slower the convergence and the larger $\eta$, the smaller the imbalance $Q$'",
    kind=Kind.QUALITATIVE,
    hypotheses="What is measured: the Spearman rank correlation of the convergence time T(delta) (first t with "
    "L(t) <= delta = 1e-20) with the regularization -log(Q(inf)/Q(0)) (Q(inf) at |eps| < 1e-30 (1 + Phi)), "
    "required > 0 in each of three separately reported parts, all with Phi = 1 and a random direction (a, b), "
    "d = 1, 2: (1) across eta and initial scale below the Theorem-1/2 cap min{1/(2|eps0|), 2/sqrt(lam0^2+4Phi^2)} "
    "(Figure-3 grid: scale s in {1/4, 1/2, 1, 2, 4}, eta = u * cap(s), u in {0.1, 0.3, 0.5, 0.7, 0.9}; grids with "
    "a non-converged run are not applicable); (2) fixed eta = u * min_s cap(s) (u cycled in {1/2, 1/10, 9/10}) "
    "and initial scale s = 4^-j, j = 0..7 (Q(0) -> 0); (3) edge of stability: eta = v * 2/lam_bar beyond the "
    "threshold, v in {1.05, 1.1, 1.2, 1.5, 2}, s in {1, 2, 4, 8}, only the points where GD still converges "
    f"(within {EOS_STEPS} steps), at least {MIN_POINTS} of them.  The correlation of every sampled instance is "
    "reported per part in the details; at a counterexample the per-u and per-scale correlations (part 1) or "
    "the measured points (parts 2, 3) are shown.",
    check=_check_takeaway2,
    depends_on=("bw.theorem1", "bw.theorem2"),
)


# ------------------------------------------------------------------ PL constant = min lambda ~ Q(tau)


def _pl_identity(ctx: Context) -> Outcome:
    parts = []
    for d in (1, 2, 3):
        m = model(d)
        grad2 = sum(g**2 for g in m.gradient)
        parts.append(engines.identity(grad2, 2 * m.quantity("lam") * m.loss, ctx,
                                      label=f"d={d}: ||grad L||^2 = 2 lam L (PL ratio at each point is lam)"))
    return all_of(parts)


def _family(d: int):
    """Region C near a = -b: Phi = 1, eta = 1/10, a0 = v, b0 = -(1 - 10^-k) v, v = (1) or (1, 1/2)."""
    v = (Fraction(1),) if d == 1 else (Fraction(1), Fraction(1, 2))

    def inst(k: Fraction) -> dict:
        f = 1 - Fraction(1, 10 ** int(k))
        return {"a": v, "b": tuple(-f * x for x in v), "Phi": Fraction(1), "eta": Fraction(1, 10)}

    return inst


def _min_lam_over_q_tau(inst: dict, max_steps: int) -> mp.mpf | None:
    run = gd(inst, max_steps)
    if not run.converged:
        return None
    tau = run.first_exit_C()
    if tau is None:
        return None
    return min(run.lam) / run.Q(tau)


def _check_overview_pl(ctx: Context) -> Outcome:
    ms = steps_cap(ctx)
    parts = [_pl_identity(ctx)]
    # k = 2..26 left the d = 1 ratio rising at the end (1.0006 .. 1.0107).  Swept further it is a
    # sawtooth in k = log10(1/Q(0)) of period about 32 (1.0107 at k = 26, back to 1.00002 at k = 34,
    # 1.0112 at k = 62): every budget sweeps k = 2..42, one period and the start of the next (the deep
    # budget twice as densely).  Q(0) = 10^-k needs about 2k digits (at k = 50 a 50-digit run is wrong in
    # the first digit), so each point runs at max(dps, 2k + 20) digits (agreeing with 4k + 40 to 10 digits).
    k_step = 2 if ctx.budget.name == "deep" else 4
    ks = [Fraction(k) for k in range(2, 43, k_step)]

    def ratio_at(fam, k: Fraction, dps: int):
        with mp.workdps(max(dps, 2 * int(k) + 20)):
            return _min_lam_over_q_tau(fam(k), ms)

    for d in (1, 2):
        fam = _family(d)
        assert all(fam(k)["eta"] < theorem_cap(fam(k)["a"], fam(k)["b"], fam(k)["Phi"]) for k in ks)
        parts.append(engines.growth(
            ks, lambda k, dps, fam=fam: ratio_at(fam, k, dps), ctx, bounded_by=None,
            family=f"d={d}, a0 = v, b0 = -(1-10^-k) v, Phi = 1, eta = 1/10, k = {ks[0]}..{ks[-1]}",
            inputs_of=lambda k, fam=fam: {key: str(val) for key, val in fam(k).items()},
            label=f"d={d}: min_t lam(t) / Q(tau) stays bounded as Q(0) -> 0"))
        parts.append(engines.growth(
            ks, lambda k, dps, fam=fam: (None if (r := ratio_at(fam, k, dps)) is None else 1 / r), ctx,
            family=f"d={d}, a0 = v, b0 = -(1-10^-k) v, Phi = 1, eta = 1/10, k = {ks[0]}..{ks[-1]}",
            inputs_of=lambda k, fam=fam: {key: str(val) for key, val in fam(k).items()},
            label=f"d={d}: Q(tau) / min_t lam(t) stays bounded as Q(0) -> 0"))
    out = all_of(parts)
    # for information: the ratio at random Region-C inits (Theorem-1 step sizes)
    rng = ctx.rng("overview_pl-random")
    ratios = []
    for i in range(8):
        inst = samplers.shallow_init(rng, i, region="C")
        inst["eta"] = samplers.step_fraction(rng, i) * theorem_cap(inst["a"], inst["b"], inst["Phi"])
        try:
            with mp.workdps(ctx.dps):
                r = _min_lam_over_q_tau(inst, ms)
        except SimulationDiverged:
            r = None
        if r is not None:
            ratios.append(mp.nstr(r, 5))
    out.details["min lam / Q(tau) at random Region-C inits"] = ratios
    return out


OVERVIEW_PL = Claim(
    id="bw.overview_pl",
    title="Technical Overview: PL constant = min lambda(t), approximately Q at the exit from Region C",
    source="§1, Technical Overview (second observation); cf. §6 and App. D",
    statement=r"the PL constant along the GD trajectory is equal to the smallest value of $\lambda(t)$ encountered, "
    r"which is itself approximately equal to $Q(t)$ at the first time that $\mathbf a(t)^\top\mathbf b(t)>0$",
    kind=Kind.QUALITATIVE,
    hypotheses="PL part: ||grad L||^2 = 2 lam L exactly (d = 1, 2, 3), so the best PL constant along a "
    "trajectory is inf_t lam(t); 'approximately equal' read as: min_t lam(t) / Q(tau) and its "
    "reciprocal stay bounded (growth engine: no monotone 100x growth) along Region-C families "
    "approaching a = -b (Q(0) ~ 10^-k -> 0), tau = first t with a.b > 0, runs to convergence; "
    "values at random Region-C inits reported in details",
    check=_check_overview_pl,
    depends_on=("bw.overview_Q", "bw.lemma13"),
)


CLAIMS = [TAKEAWAY2, OVERVIEW_PL]
