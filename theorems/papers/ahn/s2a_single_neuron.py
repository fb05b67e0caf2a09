"""ahn §2.1-2.2 and App. C (basic properties): minimisers, GD update, eq. (8), sharpness on the
axis, the normalisation, Lemma 1 (GF conservation), the GF limit, the regimes heuristic (4),
Lemma 4 (invariant lines), Lemma 5 (properties of ell), Example 1, and the (s, r) form."""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp
import sympy as sp

from numeric import ball, samplers
from numeric.precision import mpf_of
from numeric.single_neuron import gd_run, gf_run
from symbolic.losses import (
    OO,
    Loss,
    Piece,
    beta_constants,
    ell_beta,
    ell_rsym,
    ell_sqr,
    huber,
    s,
    u,
)

from ... import engines
from ...claim import Claim, Context, Kind, Variant, all_of, implication
from ...spec import AllOf, Along, Domain, Identity, Real, claim
from .assumptions import (
    check_A1,
    check_A2,
    check_A2_global,
    check_A2_local,
    check_A2_witness,
    check_normalised,
    const_check,
    piece_ineq,
)
from .sn_common import (
    F,
    class_losses,
    loss_member,
    plot_run,
    sweep_growth,
)

x, y = sp.symbols("x y", real=True)
eta = sp.Symbol("eta", positive=True)
ell = sp.Function("ell")
L1 = sp.Function("Lp")  # ell'
f_xy = ell(x * y)


def _grad():
    return sp.diff(f_xy, x), sp.diff(f_xy, y)


def _dl(expr):
    """ell'(expr) written with the undefined function ell."""
    return sp.Subs(sp.Derivative(ell(s), s), s, expr).doit()


# ---------------------------------------------------------------- minimisers


def _max_loss() -> Loss:
    """ell(s) = max(|s| - 1, 0): minimised at 0, but not only at 0 (catalogue ahn.sec2.minimizers)."""
    return Loss("max(|s|-1,0)", (Piece(sp.Integer(0), sp.Integer(1), sp.Integer(0)), Piece(sp.Integer(1), OO, sp.Integer(1))),
                ell_expr=sp.Max(sp.Abs(s) - 1, 0))


def _minimizers(losses_of):
    def check(ctx: Context):
        parts = []
        for loss in losses_of(ctx):
            closed = loss.ell_expr is not None and not loss.ell_expr.has(sp.Piecewise)

            def slack(inst, dps, loss=loss):
                return loss.ell(mpf_of(inst["x"]) * mpf_of(inst["y"]))

            def certify(inst, loss=loss, closed=closed):
                if not closed:
                    return None
                v = inst["x"] * inst["y"]
                return ball.evaluate(loss.ell_expr - loss.ell_expr.subs(s, 0), {s: v})

            def sample(rng, i):
                if i < 4:
                    pts = [(F(1, 2), F(1)), (F(-3), F(1, 7)), (F(1, 1000), F(-2)), (F(5), F(5))]
                    return {"x": pts[i][0], "y": pts[i][1]}
                return {"x": samplers.log_uniform(rng, 1e-3, 1e2) * rng.choice([-1, 1]),
                        "y": samplers.log_uniform(rng, 1e-3, 1e2) * rng.choice([-1, 1])}

            out = engines.sampled(slack, sample, ctx, strict=True, certify=certify if closed else None,
                                  label=f"f(x,y) - min f > 0 off the axes [{loss.name}]",
                                  describe=lambda inst, dps, loss=loss: {"loss": loss.formula()})
            if out.counterexample is not None:
                out.counterexample.inputs["loss"] = loss.formula()
            parts.append(out)
        # on the axes f = ell(0): exact
        parts.append(engines.identity(f_xy.subs(x, 0), ell(0), ctx, label="f(0, y) = ell(0)"))
        parts.append(engines.identity(f_xy.subs(y, 0), ell(0), ctx, label="f(x, 0) = ell(0)"))
        return all_of(parts)

    return check


MINIMIZERS = Claim(
    id="ahn.sec2.minimizers",
    title="Global minimisers of f(x, y) = ell(xy) are the two axes",
    source="§2.1 'Basic properties'; App. C",
    statement=r"If $\ell$ is minimized at 0, then the global minimizers of $f$ are the $x$- and $y$-axes.",
    kind=Kind.QUALITATIVE,
    hypotheses="printed: any ell minimised at 0 -- tested on Example 1 and on ell(s) = max(|s|-1, 0) "
    "(minimised at 0, not uniquely); reading: ell satisfying (A1) (which forces a unique minimiser)",
    check=_minimizers(lambda ctx: [ell_rsym(), ell_sqr(), huber(), _max_loss()]),
    reading=r"If $\ell$ satisfies (A1) (so 0 is its unique minimiser), the global minimizers of $f$ are the axes.",
    reading_check=_minimizers(lambda ctx: [ell_rsym(), ell_sqr(), huber(), *class_losses(ctx, "minimizers", n=2)]),
    depends_on=("ahn.lemma5",),
)


# ---------------------------------------------------------------- GD update, eq. (8), sharpness on the axis


def _gd_update(ctx: Context):
    gx, gy = _grad()
    L = _dl(x * y)
    return all_of([engines.identity(x - eta * gx, x - eta * L * y, ctx, label="x_{t+1}"),
                   engines.identity(y - eta * gy, y - eta * L * x, ctx, label="y_{t+1}")])


GD_UPDATE = Claim(
    id="ahn.gd_update", title="GD iterates on f", source="§2.1 display; App. C after (8)",
    statement=r"$x_{t+1}=x_t-\eta\ell'(x_ty_t)y_t$, $y_{t+1}=y_t-\eta\ell'(x_ty_t)x_t$",
    kind=Kind.IDENTITY, hypotheses="ell differentiable (undefined SymPy function)", check=_gd_update,
    depends_on=("ahn.eq8",))


def _eq8(ctx: Context):
    gx, gy = _grad()
    L, L2 = _dl(x * y), sp.Subs(sp.Derivative(ell(s), s, 2), s, x * y).doit()
    H = sp.hessian(f_xy, (x, y))
    v = sp.Matrix([y, x])
    printed_H = L2 * v * v.T + L * sp.Matrix([[0, 1], [1, 0]])
    parts = [engines.identity(gx, L * y, ctx, label="df/dx"), engines.identity(gy, L * x, ctx, label="df/dy")]
    parts += [engines.identity(H[i, j], printed_H[i, j], ctx, label=f"Hessian[{i},{j}]") for i in range(2) for j in range(2)]
    return all_of(parts)


EQ8 = Claim(
    id="ahn.eq8", title="Gradient and Hessian of f", source="App. C, eq. (8)",
    statement=r"$\nabla f=\ell'(xy)[y;x]$, $\nabla^2f=\ell''(xy)[y;x]^{\otimes2}+\ell'(xy)\begin{bmatrix}0&1\\1&0\end{bmatrix}$",
    kind=Kind.IDENTITY, hypotheses="ell twice differentiable (undefined SymPy function)", check=_eq8)


def _sharpness_axis(ctx: Context):
    yy = sp.Symbol("y", real=True)
    l1, l2 = sp.symbols("l1 l2", real=True)
    # eq. (8) at (0, y): [y; 0]^{(x)2} ell''(0) + ell'(0) J, with ell'(0) = 0, ell''(0) = 1 (Lemma 5, (A1))
    H0 = l2 * sp.Matrix([[yy**2, 0], [0, 0]]) + l1 * sp.Matrix([[0, 1], [1, 0]])
    H0 = H0.subs({l1: 0, l2: 1})
    lam_max = sp.Max(*H0.eigenvals().keys())
    parts = [engines.identity(lam_max, yy**2, ctx, label="lambda_max(Hessian at (0, y)) = y^2")]
    parts += [check_normalised(loss, ctx) for loss in (ell_rsym(), ell_sqr(), huber(), ell_beta(F(3, 2)))]
    return all_of(parts)


SHARPNESS_AXIS = Claim(
    id="ahn.sharpness_axis", title="Sharpness at the limit (0, y_inf) equals y_inf^2", source="§2.2",
    statement=r"With $\ell''(0)=1$ (and $\ell'(0)=0$): $\lambda_{\max}(\nabla^2 f(0,y_\infty))=y_\infty^2$.",
    kind=Kind.IDENTITY, hypotheses="ell'(0) = 0, ell''(0) = 1 (checked for Example 1 losses)",
    check=_sharpness_axis, depends_on=("ahn.eq8", "ahn.lemma5"))


# ---------------------------------------------------------------- normalisation (wlog)


WLOG_STEPS = 1000  # per run (or until converged); convergence itself is Theorems 1 and 2


def _gd_states(inst, dps):
    run = gd_run(inst["loss"], mpf_of(inst["x0"]), mpf_of(inst["y0"]), inst["eta"], WLOG_STEPS)
    return list(zip(run.xs, run.ys, strict=True))


def _above_diagonal(state, inst):
    """(y_t - |x_t|) / y_t: > 0 iff y_t > |x_t|."""
    xx, yy = state
    return (yy - abs(xx)) / yy


@claim("ahn.wlog", title="Normalisation: y_t > |x_t| for all t", source="§2.2, first display",
       kind=Kind.QUALITATIVE, depends_on=("ahn.lemma4", "ahn.lemma6"),
       statement=r"GD is symmetric in $x,y$ and $y=\pm x$ are invariant; wlog $y_0>x_0>0$, $y_t>|x_t|$ for all "
       r"$t\ge1$, and GD converges to $(0,y_\infty)$, $y_\infty>0$.",
       hypotheses=f"runs of up to {WLOG_STEPS} steps (or until converged); convergence itself is checked by "
       "Theorems 1 and 2")
def wlog():
    """§2.2: D = y^2 - x^2 obeys D_{t+1} = (1 - eta^2 ell'^2) D_t (derived), and y_t > |x_t| along GD
    for every loss of the class, 0 < x0 < y0 (any scale) and 0 < eta < 1."""
    Lsym = sp.Symbol("L", real=True)
    D = lambda X, Y: Y**2 - X**2  # noqa: E731
    domain = Domain(
        loss_member(),
        Real("y0", F(1, 10), 20),
        Real("x0", 0, ("y0", lambda s: s["y0"]), lo_open=True, hi_open=True),
        Real("eta", 0, 1, lo_open=True, hi_open=True),
    )
    return AllOf(
        Identity(D(x - eta * Lsym * y, y - eta * Lsym * x), (1 - eta**2 * Lsym**2) * D(x, y),
                 label="D_{t+1} = (1 - eta^2 ell'^2) D_t"),
        Along(_gd_states, _above_diagonal, domain, strict=True, samples=20,
              label="y_t > |x_t| along GD (y0 > x0 > 0, eta < 1)", method="mpmath GD trajectories"),
        *_symmetry_identities(),
    )


def _gd_map(X, Y):
    """One GD step on f(x, y) = ell(x y) with ell abstract: (X - eta ell'(XY) Y, Y - eta ell'(XY) X)."""
    L = _dl(X * Y)
    return X - eta * L * Y, Y - eta * L * X


def _symmetry_identities() -> list:
    """§2.2: 'the GD dynamics are symmetric in x, y' (the swap commutes with the GD map) and 'the lines
    y = +-x are invariant' (ell' odd, as in ahn.lemma4: ell'(-x^2) = -ell'(x^2) substituted by hand)."""
    gx, gy = _gd_map(x, y)
    sx, sy = _gd_map(y, x)
    m = -_dl(x**2)  # ell'(x * (-x)) for odd ell'
    return [
        Identity(sx, gy, label="GD symmetric in x, y: GD(y, x)_1 = GD(x, y)_2 (abstract ell)"),
        Identity(sy, gx, label="GD symmetric in x, y: GD(y, x)_2 = GD(x, y)_1 (abstract ell)"),
        Identity(_gd_map(x, x)[1] - _gd_map(x, x)[0], 0, label="y = x invariant: y_t = x_t => y_(t+1) = x_(t+1)"),
        Identity((-x - eta * m * x) + (x - eta * m * (-x)), 0,
                 label="y = -x invariant (ell' odd): y_t = -x_t => y_(t+1) = -x_(t+1)"),
    ]


# ---------------------------------------------------------------- Lemma 1, GF limit


def _lemma1(proof_factor):
    """The lemma (d/dt (y^2 - x^2) = 0 along x' = -ell'(xy) y, y' = -ell'(xy) x) and the proof's
    display 2y(-g x) - 2x(-g y) = 0 with g = ``proof_factor(xy)`` (ell as printed, ell' as read)."""
    def check(ctx: Context):
        L = _dl(x * y)
        xdot, ydot = -L * y, -L * x
        lemma = engines.identity(2 * y * ydot - 2 * x * xdot, 0, ctx, label="d/dt (y^2 - x^2) along GF")
        g = proof_factor(x * y)
        proof = engines.identity(2 * y * (-g * x) - 2 * x * (-g * y), 0, ctx,
                                 label=f"proof display with {'ell' if proof_factor is ell else 'ell prime'}(x_t y_t): "
                                 "2y_t(-g x_t) - 2x_t(-g y_t) = 0")
        return all_of([lemma, proof])

    return check


LEMMA1 = Claim(
    id="ahn.lemma1", title="GF conserves y^2 - x^2", source="Lemma 1 (§2.2) and its proof",
    statement=r"Along the gradient flow for $f$, the quantity $y^2-x^2$ is conserved; proof as printed: "
    r"$rac{d}{dt}(y_t^2-x_t^2)=2y_t(-\ell(x_ty_t)x_t)-2x_t(-\ell(x_ty_t)y_t)=0$.",
    kind=Kind.IDENTITY, hypotheses="ell differentiable", check=_lemma1(ell),
    reading=r"The proof's display with $\ell'$ in place of $\ell$ (the catalogue's reading): "
    r"$2y_t(-\ell'(x_ty_t)x_t)-2x_t(-\ell'(x_ty_t)y_t)=0$, and the lemma itself.",
    reading_check=_lemma1(_dl),
    notes="The proof text writes ell(x_t y_t) where ell'(x_t y_t) is meant (catalogue reading); the display "
    "vanishes with either factor, so the typo does not affect the argument.")


def _gf_limit(ctx: Context):
    pool = [ell_rsym(), ell_sqr(), huber(), ell_beta(F(3, 2)), *class_losses(ctx, "gf_limit", n=2)]

    def slack(inst, dps):
        loss = pool[int(inst["loss_index"])]
        x0, y0 = mpf_of(inst["x0"]), mpf_of(inst["y0"])
        D = y0**2 - x0**2
        T = 60 / D + 4 * x0 * y0
        h = 1 / (40 * y0**2)
        _, ys = gf_run(loss, x0, y0, T, h)
        xT, yT = ys[-1]
        return 1 - max(abs(xT) / x0, abs(yT - mp.sqrt(D)) / mp.sqrt(D)) * mp.mpf(10) ** 8

    def sample(rng, i):
        y0 = samplers.uniform(rng, 0.8, 3)
        return {"loss_index": F(i % len(pool)), "x0": y0 * samplers.uniform(rng, 0.05, 0.9), "y0": y0}

    out = engines.sampled(slack, sample, ctx, samples=max(6, ctx.budget.samples // 5),
                          label="|x(T)|/x0 <= 1e-8 and |y(T) - sqrt(y0^2 - x0^2)| <= 1e-8 sqrt(y0^2 - x0^2)",
                          method="mpmath RK4 gradient flow",
                          describe=lambda inst, dps: {"loss": pool[int(inst["loss_index"])].formula()})
    if out.counterexample is not None:
        out.counterexample.inputs["loss"] = pool[int(Fraction(out.counterexample.inputs["loss_index"]))].formula()
    return out


GF_LIMIT = Claim(
    id="ahn.gf_limit", title="Gradient-flow limit point (0, sqrt(y0^2 - x0^2))", source="§2.2 after Lemma 1",
    statement=r"The gradient flow converges to $(0,y^{\rm GF}_\infty)=(0,\sqrt{y_0^2-x_0^2})$ (for $y_0>x_0>0$).",
    kind=Kind.LIMIT,
    hypotheses="y0 in (0.8, 3), x0/y0 in (0.05, 0.9); ell from Example 1 and the generator; RK4 with "
    "h = 1/(40 y0^2) up to T = 60/(y0^2 - x0^2) + 4 x0 y0 (the flow is monotone, so 'converged' means "
    "|x(T)| below 1e-8 x0 and y(T) within relative 1e-8 of the limit)",
    check=_gf_limit, depends_on=("ahn.lemma1",))


# ---------------------------------------------------------------- heuristic (4): two regimes


def _eq4(reading: bool):
    def check(ctx: Context):
        parts = []
        for loss in (ell_sqr(), ell_beta(F(3))):
            for gamma in (F(1), F(3)):
                def measure(run, p, gamma=gamma):
                    yinf2 = run.ys[-1] ** 2
                    if reading:
                        target = min(mpf_of(gamma) / mpf_of(p), 2 / run.eta)
                        return abs(yinf2 - target) / target / run.eta
                    if gamma > 2:  # printed, EoS regime (i): the limit point '(0, 2/eta)'
                        target = 2 / run.eta
                        return abs(mp.sqrt(yinf2) - target) / target / run.eta
                    # printed, GF regime (gamma < 2): (0, 2/eta) is not claimed there; the printed
                    # display min{y0^2 - x0^2, 2/eta} = y0^2 - x0^2 (the GF limit) is compared instead
                    target = mpf_of(gamma) / mpf_of(p)
                    return abs(yinf2 - target) / target / run.eta

                if reading:
                    what = " of y_inf^2 from min{y0^2-x0^2, 2/eta}"
                elif gamma > 2:
                    what = " of y_inf from 2/eta (EoS regime: the printed limit point (0, 2/eta))"
                else:
                    what = " of y_inf^2 from y0^2 - x0^2 (GF regime: the printed min{...} = y0^2 - x0^2)"
                parts.append(sweep_growth(ctx, loss, gamma, measure, f"relative deviation / eta (gamma = {gamma})" + what,
                                          f"eta -> 0, y0^2 - x0^2 = {gamma}/eta"))
        # the catalogue's Fig.-9 instances: ell_sqr, eta = 1/4, (3, 4) and (3, 6)
        figs = []
        for x0, y0 in ((3, 4), (3, 6)):
            run = gd_run(ell_sqr(), mp.mpf(x0), mp.mpf(y0), F(1, 4), ctx.budget.max_steps)
            figs += plot_run(ctx, run, f"eq4_sqr_{x0}_{y0}", f"ell_sqr, eta = 1/4, (x0, y0) = ({x0}, {y0})",
                             out=parts[0])
            parts[0].details[f"fig9 ({x0},{y0}): y_inf^2"] = mp.nstr(run.ys[-1] ** 2, 10)
            parts[0].details[f"fig9 ({x0},{y0}): min(D0, 2/eta)"] = str(min(y0 * y0 - x0 * x0, 8))
        parts += _eq4_linear_parts(ctx)
        out = all_of(parts)
        out.figures += figs
        return out

    return check


EQ4_LOSSES = (ell_rsym, ell_sqr, lambda: ell_beta(F(3)))


def _eq4_linear_parts(ctx: Context) -> list:
    """(4) x_{t0+1} ~ (1 - eta y_{t0}^2) x_{t0} for |x y| << 1, and items (i)-(ii) in that regime."""
    out = [engines.identity(_gd_map(x, y)[0] - (1 - eta * y**2) * x, -eta * y * (_dl(x * y) - x * y), ctx,
                            label="(4): x_{t+1} - (1 - eta y^2) x_t = -eta y (ell'(x y) - x y) (abstract ell; "
                            "ell'(s) - s = O(s^3) as ell'(0) = ell^(3)(0) = 0, ell''(0) = 1)")]
    pool = [mk() for mk in EQ4_LOSSES]

    def describe(inst, dps):
        return {"loss": pool[int(inst["loss_index"])].formula()}

    def start(inst):
        e = mpf_of(inst["eta"])
        yy = mp.sqrt(mpf_of(inst["c"]) / e)
        return e, mpf_of(inst["s0"]) / yy, yy

    def flips(inst, dps):
        """(ii): at y^2 = c/eta > 2/eta, |x y| = s0 <= 1e-3: x_{t+1}/x_t < -1 (slack -x1/x - 1)."""
        e, xx, yy = start(inst)
        g = pool[int(inst["loss_index"])].dl(xx * yy)
        return -(xx - e * g * yy) / xx - 1

    def contracts(inst, dps):
        """(i): at y^2 = c/eta < 2/eta, |x y| = s0: min over the run of 1 - |1 - eta y_t^2| (> 0) and
        |x_T| < |x_0| after the run (slack: the smaller of the two, the second as 1 - |x_T|/|x_0|)."""
        e, xx, yy = start(inst)
        run = gd_run(pool[int(inst["loss_index"])], xx, yy, inst["eta"], 400, stop_at_converged=False)
        return min(min(1 - abs(1 - e * v * v) for v in run.ys), 1 - abs(run.xs[-1]) / abs(xx))

    def sample(lo, hi):
        def draw(rng, i):
            return {"loss_index": F(i % len(pool)), "eta": [F(1, 10), F(1, 100)][(i // 3) % 2],
                    "c": samplers.uniform(rng, lo, hi), "s0": [F(1, 10**3), F(1, 10**6)][(i // 6) % 2]}
        return draw

    out.append(engines.sampled(flips, sample(2.1, 4), ctx, strict=True, samples=12, describe=describe,
                               label="(ii) y^2 = c/eta, c in [2.1, 4], |x y| in {1e-3, 1e-6}: x_(t+1)/x_t < -1 "
                               "(x flips sign and grows)", method="mpmath one GD step"))
    out.append(engines.sampled(contracts, sample(0.2, 1.9), ctx, strict=True, samples=12, describe=describe,
                               label="(i) y^2 = c/eta, c in [0.2, 1.9], |x y| in {1e-3, 1e-6}: |1 - eta y_t^2| < 1 "
                               "along 400 GD steps and |x_400| < |x_0|", method="mpmath GD trajectories"))
    return out


EQ4 = Claim(
    id="ahn.eq4_regimes", title="Linearised x-dynamics (4) and the two regimes (heuristic)",
    source="§2.2, eq. (4), items (i)-(ii) and the display 'sharpness ~ min{...}'",
    statement=r"$x_{t_0+1}\approx(1-\eta y_{t_0}^2)x_{t_0}$; if $y_{t_0}^2>2/\eta$, $x$ bounces until $y_t^2$ "
    r"passes $2/\eta$, 'at which point GD approximately converges to $(0,2/\eta)$'; hence "
    r"$\mathrm{sharpness}(0,y_\infty)\approx\min\{y_0^2-x_0^2,2/\eta\}$.",
    kind=Kind.QUALITATIVE,
    hypotheses="'approximately' encoded as relative error O(eta) (catalogue); losses ell_sqr and ell_beta[3]; "
    "(x~, y~) = (3/4, 5/4), y0^2 - x0^2 = gamma/eta with gamma = 1 (GF regime) and 3 (EoS regime); eta from "
    "9/10 to 9/1000 (standard budget); printed: the limit point '(0, 2/eta)' is compared (as printed, y_inf "
    "against 2/eta) in the EoS regime only, where item (ii) states it; in the GF regime y_inf^2 is compared "
    "with y0^2 - x0^2, the printed min{y0^2 - x0^2, 2/eta} there",
    check=_eq4(False),
    reading=r"GD converges to $(0,\sqrt{2/\eta})$ in the EoS regime, and $y_\infty^2\approx\min\{y_0^2-x_0^2,2/\eta\}$ "
    r"(relative error $O(\eta)$).",
    reading_check=_eq4(True),
    depends_on=("ahn.theorem1", "ahn.theorem2"),
)


# ---------------------------------------------------------------- Lemma 4


def _lemma4(ctx: Context):
    parts = []
    for sign in (1, -1):
        yy = sign * x
        # ell'(x * yy) = ell'(sign x^2) = sign ell'(x^2) since ell' is odd
        L = sign * _dl(x**2)
        x1 = x - eta * L * yy
        y1 = yy - eta * L * x
        tag = "+" if sign == 1 else "-"
        parts.append(engines.identity(y1 - sign * x1, 0, ctx, label=f"y_(t+1) = {tag}x_(t+1) when y_t = {tag}x_t"))
        parts.append(engines.identity(x1, x - eta * sp.diff(ell(x**2) / 2, x), ctx,
                                      label=f"x-iterates = GD on ell(x^2)/2 (y = {tag}x)"))
    return all_of(parts)


LEMMA4 = Claim(
    id="ahn.lemma4", title="Invariant lines y = +-x", source="Lemma 4, App. C",
    statement=r"If $\ell$ is even ($\ell'$ odd), the lines $y=\pm x$ are invariant for GD on $f$; on them "
    r"$(x_t)$ is GD with step $\eta$ on $x\mapsto\frac12\ell(x^2)$.",
    kind=Kind.IDENTITY, hypotheses="ell' odd (substituted as ell'(-v) = -ell'(v))", check=_lemma4)


# ---------------------------------------------------------------- Lemma 5


def _lemma5_loss() -> Loss:
    """Catalogue: ell'(s) = s - s^3 on [0, 3/10], linear to (1/2, 3/5), constant 3/5 after (odd ext.)."""
    g1 = sp.Rational(3, 10) - sp.Rational(27, 1000)
    slope = (sp.Rational(3, 5) - g1) / (sp.Rational(1, 2) - sp.Rational(3, 10))
    return Loss("lemma5_adversarial", (Piece(sp.Integer(0), sp.Rational(3, 10), u - u**3),
                                       Piece(sp.Rational(3, 10), sp.Rational(1, 2), g1 + slope * (u - sp.Rational(3, 10))),
                                       Piece(sp.Rational(1, 2), OO, sp.Rational(3, 5))), beta=sp.Integer(2))


def _fourth(loss: Loss):
    return sp.limit(sp.diff(loss.pieces[0].expr, u, 3), u, 0, "+")


def _lemma5(reading: bool, local: bool = False):
    """reading: the catalogue's reading (the proof's bound is 1 - eps s^2/6), conclusion as printed
    (global (A2) with beta = 2); local (reading2): the conclusion weakened to the local part of (A2)."""
    def check(ctx: Context):
        parts = []
        # (1): minimised at 0 and ell'(0) = 0, for (A1) losses
        for loss in [ell_rsym(), ell_sqr(), huber(), ell_beta(F(3, 2)), *class_losses(ctx, "lemma5", n=2)]:
            parts.append(check_normalised(loss, ctx))
            parts.append(piece_ineq(loss.ell_pieces[0].expr if loss.ell_expr is None or loss.ell_expr.has(sp.Piecewise)
                                    else (loss.ell_expr - loss.ell_expr.subs(s, 0)).subs(s, u),
                                    0, loss.pieces[0].hi, ctx, f"ell(u) >= ell(0) on the first piece [{loss.name}]")
                         if loss.family in ("example", "capped", "flat", "huberlike", "kinked") else
                         check_A2_global(loss, ctx))
        # identity (9) for a generic C^3 ell' with ell'(0) = 0, ell''(0) = 1 (Taylor polynomial + remainder term)
        a = sp.symbols("a2:8", real=True)
        r_, sv = sp.symbols("r s", positive=True)
        g = sv + sum(a[k] * sv ** (k + 2) for k in range(6))
        rhs = 1 + sp.integrate((1 - r_ / sv) * sp.diff(g, sv, 2).subs(sv, r_), (r_, 0, sv))  # ell''' = g''
        parts.append(engines.identity(g / sv, rhs, ctx, label="(9) for ell'(s) = s + sum_{k=2..7} a_k s^k"))
        # (2) forward: (A2) and C^4 near 0 => ell''''(0) <= 0
        for loss in (ell_rsym(), ell_sqr(), ell_beta(F(2)), ell_beta(F(3)), *class_losses(ctx, "lemma5b", finite_beta=True, n=2)):
            d4 = _fourth(loss)
            if d4.is_finite:
                parts.append(implication([check_A2(loss, ctx)], lambda d4=d4, loss=loss: const_check(
                    -d4, ctx, f"ell''''(0) = {d4} <= 0 [{loss.name}]", strict=False), "Lemma 5(2) forward"))
        # (2) converse: ell''''(0) < 0 => (A2) with beta = 2 (printed: the global assumption)
        adv = _lemma5_loss()
        hyps = [check_A1(adv, ctx), const_check(-_fourth(adv), ctx, f"ell''''(0) = {_fourth(adv)} < 0", strict=True)]
        if reading:
            e_ = sp.Symbol("e", positive=True)
            step = engines.identity(sp.integrate((1 - r_ / sv) * (-e_ * r_), (r_, 0, sv)), -e_ * sv**2 / 6, ctx,
                                    label="int_0^s (1 - r/s)(-eps r) dr = -eps s^2/6 (proof step)")
            a2 = (lambda: check_A2_local(adv, sp.Integer(2), ctx)) if local else (
                lambda: check_A2(adv, ctx, beta=sp.Integer(2)))
            concl = lambda: all_of([a2(), step])  # noqa: E731
        else:
            concl = lambda: check_A2(adv, ctx, beta=sp.Integer(2))  # noqa: E731
        out = implication(hyps, concl, "Lemma 5(2) converse")
        _tag_loss(out, adv)
        parts.append(out.named("converse on the catalogue's loss"))
        return all_of(parts, method="SymPy identities + assumption predicates (exact / arb)")

    return check


def _tag_loss(out, loss: Loss) -> None:
    stack = [out]
    while stack:
        o = stack.pop()
        stack.extend(o.parts)
        if o.counterexample is not None:
            o.counterexample.inputs["loss"] = loss.formula()


LEMMA5 = Claim(
    id="ahn.lemma5", title="Properties of ell", source="Lemma 5, App. C, eq. (9)",
    statement=r"Under (A1): (1) $\ell$ is minimized at 0 and $\ell'(0)=0$. (2) If $\ell$ is $\mathcal C^4$ near 0: "
    r"(A2) $\Rightarrow\ell^{(4)}(0)\le0$; conversely $\ell^{(4)}(0)<0\Rightarrow$ (A2) with $\beta=2$. "
    r"(9): $\ell'(s)/s=1+\int_0^s(1-r/s)\ell'''(r)\,dr$.",
    kind=Kind.QUALITATIVE,
    hypotheses="(1) on Example 1 + generated losses; (9) for a generic C^3 Taylor form; (2) forward on smooth "
    "(A2) losses; converse on the catalogue's loss ell'(s) = s - s^3 on [0, 3/10], linear to (1/2, 3/5), "
    "constant 3/5 after (satisfies (A1), ell''''(0) = -6)",
    check=_lemma5(False),
    reading=r"As printed, with the proof's bound read as $\ell'(s)/s\le1-\varepsilon\int_0^s(1-r/s)r\,dr="
    r"1-\varepsilon s^2/6$ (printed: $\varepsilon s^2/2$), the catalogue's reading; the converse still concludes (A2) "
    r"with $\beta=2$.",
    reading_check=_lemma5(True),
    extra_variants=(Variant(
        "reading2", r"Conversely, $\ell^{(4)}(0)<0$ implies only the *local* part of (A2) with $\beta=2$ "
        r"($\ell'(s)/s\le1-cs^2$ for $0<|s|\le c$), with the proof's bound $1-\varepsilon s^2/6$",
        _lemma5(True, local=True)),),
    depends_on=("ahn.A1", "ahn.A2"),
)


# ---------------------------------------------------------------- Example 1


def _example1(reading: bool):
    def check(ctx: Context):
        parts = []
        R, Q = ell_rsym(), ell_sqr()
        parts.append(engines.identity(sp.diff(R.ell_expr, s).rewrite(sp.exp), sp.tanh(s).rewrite(sp.exp), ctx,
                                      label="ell_rsym' = tanh"))
        parts.append(engines.identity(sp.diff(Q.ell_expr, s), s / sp.sqrt(1 + s**2), ctx, label="ell_sqr' = s/sqrt(1+s^2)"))
        H = huber()
        parts.append(engines.identity(sp.diff(s**2 / 2, s), s, ctx, label="Huber' = s on [-1, 1]"))
        parts.append(engines.identity(sp.diff(s - sp.Rational(1, 2), s), 1, ctx, label="Huber' = 1 on s > 1"))
        B = sp.Symbol("beta", positive=True)
        cb, rb = beta_constants(B)
        parts.append(engines.identity(sp.powsimp(sp.expand_power_base(rb * (1 - cb * rb**B), force=True), force=True), 1, ctx,
                                      label="ell_beta' continuous at r_beta"))
        parts.append(engines.identity(sp.powsimp(sp.expand_power_base(1 - (B + 1) * cb * rb**B, force=True), force=True), 0, ctx,
                                      label="ell_beta'' = 0 at r_beta (C^1 ell', convex cap)"))
        losses = [(R, sp.Rational(1, 4)), (Q, sp.Rational(2, 5)),
                  *[(ell_beta(b), ell_beta(b).c_a2) for b in (F(3, 2), F(2), F(3))]]
        for loss, c in losses:
            parts.append(check_A1(loss, ctx))
            parts.append(check_A2(loss, ctx))
            if reading:
                parts.append(check_A2_witness(loss, loss.beta, c, ctx,
                                              label=f"ell'(s)/s <= 1 - {sp.sstr(c)}|s|^beta for |s| <= {sp.sstr(c)} [{loss.name}]"))
            else:  # as printed: ell''(s)/s <= 1 - c|s|^beta on 0 < s < c
                p = loss.pieces[0]
                parts.append(piece_ineq(u * (1 - c * u**loss.beta) - sp.diff(p.expr, u), 0, c, ctx,
                                        f"ell''(s)/s <= 1 - {sp.sstr(c)}|s|^beta for 0 < s <= {sp.sstr(c)} [{loss.name}]",
                                        open_lo=True))
            _tag_loss(parts[-1], loss)
        parts.append(check_A1(H, ctx))
        parts.append(check_A2(H, ctx))
        return all_of(parts, method="SymPy identities + piecewise inequalities (exact / arb) + assumption predicates")

    return check


EXAMPLE1 = Claim(
    id="ahn.example1", title="Losses satisfying (A1)-(A2)", source="Example 1, App. C",
    statement=r"$\ell'_{\rm rsym}=\tanh$, $\ell'/s\le1$, $\ell''_{\rm rsym}(s)/s\le1-\frac14|s|^2$ ($|s|<\frac14$); "
    r"$\ell'_{\rm sqr}=s/\sqrt{1+s^2}$, $\ell''_{\rm sqr}(s)/s\le1-\frac25|s|^2$ ($|s|<\frac25$); Huber: "
    r"$\ell'/s\le1$ ($\beta=\infty$); $\ell_\beta$: $\ell''_\beta(s)/s\le1-c_\ell|s|^\beta$, $c_\ell=c_\beta\wedge r_\beta$; "
    r"each satisfies (A1) and (A2) with $\beta=2,2,\infty,\beta$.",
    kind=Kind.INEQUALITY, hypotheses="beta = 3/2, 2, 3 for ell_beta; the printed ranges",
    check=_example1(False),
    reading=r"the second inequalities are meant with $\ell'$: $\tanh(s)/s\le1-\frac14s^2$ ($|s|<\frac14$), "
    r"$1/\sqrt{1+s^2}\le1-\frac25s^2$ ($|s|<\frac25$), $\ell'_\beta(s)/s\le1-c_\ell|s|^\beta$ ($|s|\le c_\ell$).",
    reading_check=_example1(True),
    depends_on=("ahn.A1", "ahn.A2"),
)


# ---------------------------------------------------------------- (s, r) form


def _rform(ctx: Context):
    r = sp.Symbol("r", real=True)
    L = r * x * y  # ell'(s_t) = r_t s_t
    return all_of([engines.identity(x - eta * L * y, (1 - eta * r * y**2) * x, ctx, label="x_{t+1}"),
                   engines.identity(y - eta * L * x, (1 - eta * r * x**2) * y, ctx, label="y_{t+1}")])


RFORM = Claim(
    id="ahn.rform", title="GD in (s_t, r_t) form", source="App. C.4, first display",
    statement=r"$x_{t+1}=(1-\eta r_ty_t^2)x_t$, $y_{t+1}=(1-\eta r_tx_t^2)y_t$, $s_t=x_ty_t$, $r_t=\ell'(s_t)/s_t$",
    kind=Kind.IDENTITY, hypotheses="s_t != 0", check=_rform, depends_on=("ahn.gd_update",))


CLAIMS = [MINIMIZERS, GD_UPDATE, EQ8, SHARPNESS_AXIS, wlog, LEMMA1, GF_LIMIT, EQ4, LEMMA4, LEMMA5, EXAMPLE1, RFORM]

