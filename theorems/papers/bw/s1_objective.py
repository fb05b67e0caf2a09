"""bw §1 / App. A: the objective and its reductions (Lemma 3 and eq. (13), the rescaling rule
(14), negative targets)."""

from __future__ import annotations

import random

import sympy as sp

from symbolic.models import shallow_linear

from ... import engines
from ...claim import Claim, Context, Kind, Outcome, all_of

# ------------------------------------------------------------------ Lemma 3, eq. (13)


def _data(n: int) -> tuple[tuple[sp.Symbol, ...], tuple[sp.Symbol, ...]]:
    xs = tuple(sp.Symbol(f"x{i + 1}", real=True) for i in range(n))
    ys = tuple(sp.Symbol(f"y{i + 1}", real=True) for i in range(n))
    return xs, ys


def _nonzero(rng: random.Random) -> sp.Rational:
    return sp.Rational(rng.choice([-1, 1]) * rng.randint(1, 9), rng.randint(1, 5))


def _data_sampler(symbols: tuple[sp.Symbol, ...]):
    """Exact rational witnesses: x_i nonzero (so sum x_i^2 > 0), everything else any sign."""

    def draw(rng: random.Random) -> dict:
        pt = {}
        for s in symbols:
            pt[s] = _nonzero(rng) if str(s).startswith("x") else sp.Rational(rng.randint(-9, 9), rng.randint(1, 5))
        return pt

    return draw


def _check_lemma3(ctx: Context) -> Outcome:
    m = sp.Symbol("m", real=True)  # m = a^T b: L-bar depends on (a, b) only through it
    parts = []
    for n in (1, 2, 3):
        xs, ys = _data(n)
        sx2 = sum(x**2 for x in xs)
        sxy = sum(x * y for x, y in zip(xs, ys, strict=True))
        sy2 = sum(y**2 for y in ys)
        lbar = sp.Rational(1, 2 * n) * sum((m * x - y) ** 2 for x, y in zip(xs, ys, strict=True))
        c = sxy / sx2
        const = sp.Rational(1, 2 * n) * (sy2 - sxy**2 / sx2)
        L = (m - c) ** 2 / 2  # L(a, b) with Phi = c
        sample = _data_sampler((m, *xs, *ys))
        parts.append(engines.identity(lbar, sx2 / (2 * n) * (m - c) ** 2 + const, ctx, sample=sample,
                                      label=f"n={n}: Lbar = sum x^2/(2n) (a.b - c)^2 + Const"))
        parts.append(engines.identity(lbar, (sx2 / n) * L + const, ctx, sample=sample,
                                      label=f"n={n}: Lbar = [sum x^2/n] L + Const"))
        # eq. (13), line by line
        line1 = sp.Rational(1, 2 * n) * (m**2 * sx2 - 2 * m * sxy + sy2)
        line2 = sx2 / (2 * n) * (m**2 - 2 * m * sxy / sx2 + sy2 / sx2)
        line3 = sx2 / (2 * n) * ((m - sxy / sx2) ** 2 + sy2 / sx2 - sxy**2 / sx2**2)
        for k, line in enumerate((line1, line2, line3), start=1):
            parts.append(engines.identity(lbar, line, ctx, sample=sample, label=f"n={n}: eq. (13) line {k}"))
    # the same on explicit components (d = 2), so a^T b really is the only dependence
    mdl = shallow_linear(2)
    xs, ys = _data(2)
    ab = mdl.quantity("ab")
    sx2 = sum(x**2 for x in xs)
    sxy = sum(x * y for x, y in zip(xs, ys, strict=True))
    lbar = sp.Rational(1, 4) * sum((ab * x - y) ** 2 for x, y in zip(xs, ys, strict=True))
    const = sp.Rational(1, 4) * (sum(y**2 for y in ys) - sxy**2 / sx2)
    parts.append(engines.identity(lbar, (sx2 / 2) * (ab - sxy / sx2) ** 2 / 2 + const, ctx,
                                  sample=_data_sampler((*mdl.state, *xs, *ys)),
                                  label="d=2, n=2 components: Lbar = [sum x^2/n] L(a,b; Phi=c) + Const"))
    return all_of(parts)


LEMMA3 = Claim(
    id="bw.lemma3",
    title="Lemma 3: the data loss is a rescaled L plus a constant",
    source="App. A, Lemma 3 and eq. (13); §1 footnote 1",
    statement=r"$\bar L(\mathbf a,\mathbf b)=\frac{\sum_ix_i^2}{2n}(\mathbf a^\top\mathbf b-c)^2+\mathrm{Const}"
    r"=\big[\frac1n\sum_ix_i^2\big]L(\mathbf a,\mathbf b)+\mathrm{Const}$, $c=\frac{\sum_ix_iy_i}{\sum_ix_i^2}$, "
    r"$\mathrm{Const}=\frac1{2n}\big(\sum_iy_i^2-\frac{(\sum_ix_iy_i)^2}{\sum_ix_i^2}\big)$; and each line of (13)",
    kind=Kind.IDENTITY,
    hypotheses="any a, b; data with sum x_i^2 > 0; n = 1, 2, 3 with m = a^T b symbolic, and explicit "
    "components d = 2, n = 2; L uses Phi = c",
    check=_check_lemma3,
)


# ------------------------------------------------------------------ eq. (14)


def _eq14_setup():
    """d = 2 components; by Lemma 3, Lbar = s/2 (a.b - c)^2 + Const with s = (1/n) sum x_i^2 > 0
    and c = <x, y>/||x||^2 (s, c, Const kept symbolic).  GD on Lbar with step eta."""
    mdl = shallow_linear(2)
    a, b = mdl.state[:2], mdl.state[2:]
    eta = sp.Symbol("eta", positive=True)
    s = sp.Symbol("s", positive=True)
    c, K = sp.symbols("c K", real=True)
    ab = sum(p * q for p, q in zip(a, b, strict=True))
    lbar = s / 2 * (ab - c) ** 2 + K
    gd_bar = {v: v - eta * sp.diff(lbar, v) for v in mdl.state}  # GD on Lbar, step eta
    eps = ab - c  # residual with Phi = c
    lam = sum(v**2 for v in mdl.state)
    Qi = [p**2 - q**2 for p, q in zip(a, b, strict=True)]

    def draw(rng):
        pt = {v: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for v in mdl.state}
        pt[s] = sp.Rational(rng.randint(1, 30), rng.randint(1, 7))
        pt[c] = sp.Rational(rng.randint(-9, 9), rng.randint(1, 5))
        pt[K] = sp.Rational(rng.randint(0, 9), rng.randint(1, 5))
        pt[eta] = sp.Rational(rng.randint(1, 9), rng.randint(2, 20))
        return pt

    return mdl, lbar, gd_bar, eta, s, c, eps, lam, Qi, draw


def _eq14_data_link(ctx: Context) -> list[Outcome]:
    """With the actual data (n = 2): GD on Lbar with step eta == GD on L (Phi = c) with step s eta."""
    mdl = shallow_linear(2)
    a, b = mdl.state[:2], mdl.state[2:]
    xs, ys = _data(2)
    eta = sp.Symbol("eta", positive=True)
    sx2 = sum(x**2 for x in xs)
    s, c = sx2 / 2, sum(x * y for x, y in zip(xs, ys, strict=True)) / sx2
    ab = sum(p * q for p, q in zip(a, b, strict=True))
    lbar = sp.Rational(1, 4) * sum((ab * x - y) ** 2 for x, y in zip(xs, ys, strict=True))
    sample = _data_sampler((*mdl.state, *xs, *ys, eta))
    return [engines.identity(v - eta * sp.diff(lbar, v), v - s * eta * sp.diff((ab - c) ** 2 / 2, v), ctx,
                             sample=sample, label=f"[eta] data n=2: GD on Lbar (eta) = GD on L (s eta): {v}")
            for v in mdl.state]


def _eq14_parts(ctx: Context, rule: str) -> list[Outcome]:
    mdl, lbar, gd_bar, eta, s, c, eps, lam, Qi, draw = _eq14_setup()
    parts = []
    # eq. (8) transferred to Lbar.  Derived: Q_i after one GD step on Lbar with step eta.
    for i, q in enumerate(Qi):
        derived = q.xreplace(gd_bar)
        if rule == "printed":  # Q -> sQ, eps -> s eps, eta -> s eta in (8): sQ+ = (1 - (s eta)^2 (s eps)^2) sQ
            claimed = (1 - (s * eta) ** 2 * (s * eps) ** 2) * q
        elif rule == "eta":  # eta -> s eta only
            claimed = (1 - (s * eta) ** 2 * eps**2) * q
        else:  # (eps, lam, Q) -> s(.), eta unchanged: sQ+ = (1 - eta^2 (s eps)^2) sQ
            claimed = (1 - eta**2 * (s * eps) ** 2) * q
        parts.append(engines.identity(derived, claimed, ctx, sample=draw,
                                      label=f"[{rule}] eq. (8) for GD on Lbar: Q{i + 1}(t+1)"))
    # the stability product eta * sharpness: Lbar's Hessian at a minimiser is rank one (eq. (5) for
    # s L + Const), so its top eigenvalue is its trace; derived: eta * tr(Hess Lbar)
    derived = eta * sp.hessian(lbar, mdl.state).trace()
    claimed = {"printed": (s * eta) * (s * lam), "eta": (s * eta) * lam, "scale": eta * (s * lam)}[rule]
    parts.append(engines.identity(derived, claimed, ctx, sample=draw,
                                  label=f"[{rule}] eta * lambda_max(Hess Lbar at a minimiser)"))
    if rule == "eta":
        # the whole GD map: GD on Lbar with step eta == GD on L (Phi = c) with step s eta
        for v in mdl.state:
            grad_L = sp.diff((eps**2) / 2, v)
            parts.append(engines.identity(gd_bar[v], v - s * eta * grad_L, ctx, sample=draw,
                                          label=f"[eta] GD on Lbar (eta) = GD on L (s eta): {v}"))
    return parts


def _check_eq14(ctx: Context) -> Outcome:
    return all_of(_eq14_parts(ctx, "printed"))


def _check_eq14_reading(ctx: Context) -> Outcome:
    return all_of(_eq14_parts(ctx, "eta") + _eq14_parts(ctx, "scale") + _eq14_data_link(ctx))


EQ14 = Claim(
    id="bw.eq14",
    title="Rescaling rule from L to the data loss Lbar",
    source="App. A, eq. (14)",
    statement=r"results for $L$ transfer to $\bar L$ by $\lambda\curvearrowleft s\lambda,\ Q\curvearrowleft sQ,\ "
    r"\varepsilon\curvearrowleft s\varepsilon,\ \eta\curvearrowleft s\eta$, $s=\frac1n\sum_ix_i^2$ (all four at once)",
    kind=Kind.IDENTITY,
    hypotheses="d = 2 components; Lbar = s/2 (a.b - c)^2 + Const (Lemma 3; s > 0, c, Const symbolic; "
    "the reading also with n = 2 explicit data points), eta > 0; eps, lam, Q of L with Phi = c; tested on eq. (8) (Q_i(t+1) under one GD step on Lbar with step eta) and on the "
    "stability product eta * sharpness (trace of Lbar's Hessian, = top eigenvalue at a minimiser)",
    check=_check_eq14,
    reading=r"either $\eta\curvearrowleft s\eta$ alone (GD on $\bar L$ with step $\eta$ is GD on $L$ with step $s\eta$), "
    r"or $(\varepsilon,\lambda,Q)\curvearrowleft s(\cdot)$ with $\eta$ unchanged -- not both",
    reading_check=_check_eq14_reading,
    depends_on=("bw.lemma3",),
)


# ------------------------------------------------------------------ negative target


def _sym_map(m):
    d = len(m.state) // 2
    Phi = m.params[0]
    return {**{m.state[j]: -m.state[j] for j in range(d)}, Phi: -Phi}


def _check_phi_sign(ctx: Context) -> Outcome:
    """Printed: 'nothing changes in the analysis': the quantities the analysis runs on are
    invariant under S: (a, b, Phi) -> (-a, b, -Phi) (eps changes sign)."""
    parts = []
    for d in (1, 2):
        m = shallow_linear(d)
        S = _sym_map(m)
        Phi = m.params[0]
        e = m.quantity("eps")
        lam = m.quantity("lam")
        checks = {
            "L": m.loss,
            "lam": lam,
            "eps^2": e**2,
            "eps(eps+Phi)": e * (e + Phi),
            "lam^2 + 4 Phi^2": lam**2 + 4 * Phi**2,
            "alpha": m.quantity("alpha"),
            **{f"Q{j + 1}": m.quantity(f"Q{j + 1}") for j in range(d)},
        }
        for name, q in checks.items():
            parts.append(engines.identity(q.xreplace(S), q, ctx, label=f"d={d}: {name} invariant under S"))
        parts.append(engines.identity(e.xreplace(S), -e, ctx, label=f"d={d}: eps -> -eps under S"))
        # one GD step of the reduced quantities commutes with S as well
        for name in ("lam", *[f"Q{j + 1}" for j in range(d)]):
            q = m.quantity(name)
            parts.append(engines.identity(m.after_step(q).xreplace(S), m.after_step(q), ctx,
                                          label=f"d={d}: {name}(t+1) invariant under S"))
        parts.append(engines.identity(m.after_step(e).xreplace(S), -m.after_step(e), ctx,
                                      label=f"d={d}: eps(t+1) -> -eps(t+1) under S"))
    return all_of(parts)


def _check_phi_sign_reading(ctx: Context) -> Outcome:
    """GD on L(.;Phi) from (a, b) equals, after a -> -a, GD on L(.;-Phi): G_{-Phi}(-a, b) = (-a+, b+)."""
    parts = []
    for d in (1, 2, 3):
        m = shallow_linear(d)
        S = _sym_map(m)
        parts.append(engines.identity(m.loss.xreplace(S), m.loss, ctx, label=f"d={d}: L(-a, b; -Phi) = L(a, b; Phi)"))
        for j, v in enumerate(m.state):
            sign = -1 if j < d else 1
            parts.append(engines.identity(m.gd_map[v].xreplace(S), sign * m.gd_map[v], ctx,
                                          label=f"d={d}: GD map conjugated by S, component {v}"))
    return all_of(parts)


PHI_SIGN = Claim(
    id="bw.phi_sign",
    title="Negative targets reduce to positive ones",
    source="App. A, last paragraph",
    statement=r"if $\Phi<0$ nothing changes in the analysis of the dynamics; when $\mathbf a\ne-\mathbf b$ "
    r"just change $\mathbf a$ to $-\mathbf a$ and apply the same analysis",
    kind=Kind.IDENTITY,
    hypotheses="any a, b, Phi (d = 1, 2 explicit components); 'nothing changes' tested as: L, lam, "
    "eps^2, eps(eps+Phi), lam^2 + 4 Phi^2, alpha, Q_i and their one-step GD updates are invariant "
    "under S: (a, b, Phi) -> (-a, b, -Phi), eps -> -eps",
    check=_check_phi_sign,
    reading=r"GD on $L(\cdot,\cdot;\Phi)$ from $(\mathbf a,\mathbf b)$ equals, after $\mathbf a\mapsto-\mathbf a$, "
    r"GD on $L(\cdot,\cdot;-\Phi)$",
    reading_check=_check_phi_sign_reading,
)


CLAIMS = [LEMMA3, EQ14, PHI_SIGN]
