"""mms Sec. 4: proof-outline identities and bounds, eqs. (26)-(37), Lemmas 4-5."""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath as mp
import sympy as sp

from numeric import mms_relu as R
from numeric import mms_weight as Wt
from symbolic.mms_relu import C, derived_35, eta, gradient_26, hessian_27, printed_35, q
from theorems.claim import Kind
from theorems.spec import AllOf, Domain, ForEach, Holds, Identity, Real, claim

from .lib_network import (
    Minimum,
    beyond_edge_domain,
    eta_cap,
    flattest_rescaling,
    min_inf_norm_rescaling,
    minima_member,
    mpf,
    strong_stability_margin,
    toggle_domain,
)
from .lib_stability import BEYOND_2_OVER_ETA

F = Fraction
PATTERNS = (((1, 1, 0), (0, 1, 1)), ((1, 1, 1), (0, 0, 1)), ((1, 0), (1, 1), (0, 1)))


@claim("mms.eq26", title="Gradient of the loss", source="Sec. 4.1, eq. (26)", kind=Kind.IDENTITY,
       statement=r"$\nabla_\theta\mathcal L=\frac1n\sum_j(f(x_j)-y_j)\nabla_\theta f(x_j)$ (26).",
       hypotheses="on each smooth piece (fixed activation pattern); patterns with k = 2, n = 3 and k = 3, n = 2")
def eq26():
    """(26): SymPy gradient of (19) on a fixed activation pattern."""
    return ForEach(PATTERNS, lambda act: Identity(*gradient_26(act), label="grad L = (26)"), label="pattern {}")


@claim("mms.eq27", title="Hessian at an interpolating twice-differentiable minimum", source="Sec. 4.1, eq. (27)",
       kind=Kind.IDENTITY, depends_on=("mms.eq26",),
       statement=r"$\nabla^2_\theta\mathcal L=\frac1n\sum_j\nabla f(x_j)\nabla f(x_j)^T+\frac1n\sum_j(f(x_j)-y_j)"
       r"\nabla^2f(x_j)=\Phi\Phi^T/n$ when $f(x_j)=y_j$ (27).",
       hypotheses="symbolic on fixed patterns (y_j := f(x_j)); numeric at exact NUM-interp minima against a "
       "central finite-difference Hessian of the exact loss (step 1e-20 at the working precision)")
def eq27():
    """(27): the residual term vanishes at interpolation, leaving the Gauss-Newton matrix."""
    def fd_slack(inst, dps):
        m: Minimum = inst["theta*"]
        th = [mpf(v) for v in m.net.theta()]
        xs = [mpf(x) for x in m.xs]
        ys = [mpf(y) for y in m.ys]
        k = m.k

        def loss(t):
            s = mp.mpf(0)
            for x, y in zip(xs, ys, strict=True):
                f = mp.fsum(t[2 * k + i] * max(t[i] * x + t[k + i], 0) for i in range(k)) + t[3 * k]
                s += (f - y) ** 2
            return s / (2 * len(xs))

        h = mp.mpf(10) ** (-(dps // 3))
        Hp = R.to_mp(R.hessian(m.net, m.xs))
        rng = random.Random(str(m))
        worst = mp.mpf(0)
        for _ in range(6):
            a, b = rng.randrange(3 * k + 1), rng.randrange(3 * k + 1)
            def at(da, db, a=a, b=b):
                t = list(th)
                t[a] += da
                t[b] += db
                return loss(t)
            fd = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)
            worst = max(worst, abs(fd - Hp[a, b]) / (1 + abs(Hp[a, b])))
        return mp.mpf(10) ** (-(dps // 4)) - worst

    sym = ForEach(PATTERNS, lambda act: Identity(*hessian_27(act), label="Hessian at y = f(x) equals Phi Phi^T / n"),
                  label="pattern {}")
    num = Holds(fd_slack, Domain(minima_member()), search=False, samples=6,
                label="finite-difference Hessian = Phi Phi^T / n (to 1e-(dps/4))")
    return AllOf(sym, num)


def _eq28_slack(inst):
    """Exact: the nonzero spectra of Phi Phi^T / n and Phi^T Phi / n agree (charpolys differ by a
    power of mu), and a rescaled implementation of the same f has a different top eigenvalue."""
    m: Minimum = inst["theta*"]
    d, n = 3 * m.k + 1, m.n
    Hc = R.hessian(m.net, m.xs).charpoly()
    Gc = R.gram(m.net, m.xs).charpoly()
    x = list(Hc.coeffs())
    y = list(Gc.coeffs())
    same = x[d - n:] == y if len(x) == d + 1 else False
    return F(0) if same and all(c == 0 for c in x[:d - n]) else F(-1)


@claim("mms.eq28", title="Variational forms of the top eigenvalue; implementation dependence", source="Sec. 4.1, eq. (28)",
       kind=Kind.IDENTITY, depends_on=("mms.eq27",),
       statement=r"$\lambda_{\max}(\nabla^2\mathcal L)=\max_{v}v^T\nabla^2\mathcal Lv=\max_v\frac1n\|\Phi^Tv\|^2="
       r"\max_{u\in\mathbb S^{n-1}}\frac1n\|\Phi u\|^2$ (28); this eigenvalue is implementation dependent.")
def eq28():
    """(28): Phi Phi^T and Phi^T Phi share their nonzero spectrum (exact characteristic polynomials);
    a neuron rescaling changes lambda_max while keeping f."""
    def differs(inst, dps):
        m: Minimum = inst["theta*"]
        a = m.sharpness()
        return max(abs(a - b) / (a + b) for b in (m.rescaled([F(3)] * m.k).sharpness(),
                                                  m.rescaled([F(1, 3)] * m.k).sharpness()))

    return AllOf(
        Holds(lambda inst, dps: mpf(_eq28_slack(inst)), Domain(minima_member()), exact=_eq28_slack, search=False,
              label="charpoly(Phi Phi^T/n) = mu^(d-n) charpoly(Phi^T Phi/n) (exact)"),
        Holds(differs, Domain(minima_member()), strict=True, search=False,
              label="rescaling all neurons by 3 or 1/3 changes lambda_max (strictly)"),
    )


# ------------------------------------------------------------------ Lemma 4 and (31)-(32)

def _lemma4_slack(inst, dps):
    m: Minimum = inst["theta*"]
    return m.sharpness() - 1 - 2 * m.W()


def _lemma4_lower(inst):
    """A rigorous lower bound of the slack: ||mean grad f||^2 (exact Rayleigh quotient at u = 1/sqrt(n))
    - 1 - 2W in arb."""
    import flint

    m: Minimum = inst["theta*"]
    r = R.mean_feature_sq(m.net, m.xs) - 1
    return flint.arb(flint.fmpq(r.numerator, r.denominator)) - 2 * Wt.weighted_curvature_arb(m.net, m.xs)


@claim("mms.lemma4", title="Top-eigenvalue lower bound (Lemma 4)", source="Sec. 4.1, Lemma 4, eq. (30)",
       kind=Kind.INEQUALITY, depends_on=("mms.eq27", "mms.eq28", "mms.g"),
       statement=r"For a twice-differentiable minimizer $f$: $\min_{\theta\in\Omega(f)}\lambda_{\max}(\nabla^2_\theta"
       r"\mathcal L)\ge1+2\int|f''|g$ (30).",
       hypotheses="the bound must hold at every implementation, so it is checked at NUM-interp minima (knots off the "
       "data) and at their flattest neuron rescalings found by L-BFGS (the push toward the minimum over Omega(f))")
def lemma4():
    """Lemma 4 (App. VI, not in the source): take u = 1/sqrt(n) in (28); per neuron, AM-GM over the
    rescaling gives 2|jump| g^+-(c_i); the triangle inequality merges neurons sharing a knot."""
    dom = Domain(minima_member(flatten=True))
    return AllOf(
        Holds(_lemma4_slack, dom, search=False, certify=_lemma4_lower, samples=24,
              label="lambda_max - 1 - 2W >= 0 (certified through ||mean grad f||^2 >= 1 + 2W)",
              describe=lambda inst, dps: {"lambda_max": inst["theta*"].sharpness(), "1 + 2W": 1 + 2 * inst["theta*"].W()}),
        Holds(_rayleigh_slack, dom, search=False, samples=8,
              label="u = 1/sqrt(n) step of (28): ||mean grad f||^2 <= lambda_max"),
    )


def _rayleigh_slack(inst, dps):
    m: Minimum = inst["theta*"]
    return m.sharpness() - mpf(R.mean_feature_sq(m.net, m.xs))


@claim("mms.proof_thm1", title="Chain (31)-(32)", source="Sec. 4.1, eqs. (31)-(32)", kind=Kind.INEQUALITY,
       depends_on=("mms.lemma1", "mms.lemma4"),
       statement=r"$1+2\int|f''|g\le\min_{\Omega(f)}\lambda_{\max}\le\lambda_{\max}(\theta^*)\le2/\eta$ (31) $\Rightarrow"
       r"\int|f''|g\le1/\eta-1/2$ (32).",
       hypotheses="each link checked on its own (named): (a) 1 + 2W <= lambda at flattest rescalings, (b) "
       "min over Omega <= lambda(theta*) (the flattest rescaling found is never sharper than theta*), (c) "
       "lambda(theta*) <= 2/eta for eta <= 2/lambda, (d) the algebra (31) => (32)")
def proof_thm1():
    """(31)-(32): Lemma 4, the definition of a minimum over Omega(f), Lemma 1, and algebra."""
    Wv = sp.Symbol("W", nonnegative=True)
    dom = Domain(minima_member())
    return AllOf(
        Holds(lambda inst, dps: flattest_rescaling(inst["theta*"]).sharpness() - 1 - 2 * inst["theta*"].W(), dom,
              search=False, samples=8, label="(a) 1 + 2W <= lambda at the flattest rescaling found"),
        Holds(lambda inst, dps: inst["theta*"].sharpness() - flattest_rescaling(inst["theta*"]).sharpness(), dom,
              search=False, samples=8, label="(b) flattest rescaling <= lambda(theta*)"),
        Holds(lambda inst, dps: 2 / mpf(inst["eta"]) - inst["theta*"].sharpness(),
              Domain(minima_member(), Real("eta", 0, ("2/lambda_max (rounded down)",
                                                      lambda s: eta_cap(s["theta*"].sharpness())), lo_open=True)),
              search=False, samples=8, label="(c) lambda(theta*) <= 2/eta"),
        Identity(sp.expand((2 / eta - 1 - 2 * Wv) / 2), sp.expand(1 / eta - sp.Rational(1, 2) - Wv),
                 label="(d) (2/eta - (1 + 2W))/2 = 1/eta - 1/2 - W"),
    )


# ------------------------------------------------------------------ modes, Lemma 5, (34), C, p_max

def _modes_slack(inst):
    """2^p sign cones (the normals u_i sit on disjoint coordinates, so every sign pattern is a
    nonempty open cone) and 2^p distinct mode Hessians when every toggling neuron has w2 != 0."""
    m: Minimum = inst["theta*"]
    modes = R.modes(m.net, m.xs)
    Hs = {tuple(tuple(row) for row in R.hessian(m.net, m.xs, md).tolist()) for md in modes}
    disjoint = len({i for i, _ in m.toggles}) == m.p
    return F(0) if len(modes) == 2 ** m.p and len(Hs) == 2 ** m.p and disjoint else F(-1)


@claim("mms.claim.modes", title="2^p relevant modes; non-differentiable minima have a knot on a data point",
       source="Sec. 4.2, first paragraph", kind=Kind.QUALITATIVE,
       statement=r"A minimum that is not twice differentiable has a neuron knot on a data point; with $p=\sum_jp_j$ "
       r"toggling neurons there are $2^p$ relevant modes and a set $\mathcal H$ of $2^p$ Hessians.")
def modes():
    """Sec. 4.2: each toggling neuron splits parameter space along <u_i, theta - theta*> = 0; with knots
    off the data (p = 0) the loss is analytic near theta* (one mode)."""
    return AllOf(
        Holds(lambda inst, dps: mpf(_modes_slack(inst)), toggle_domain(toggles=(0, 1, 2, 3)), exact=_modes_slack,
              search=False, label="2^p cones and 2^p distinct Hessians (exact)"),
    )


def _q_top(m: Minimum, mode) -> tuple[mp.mpf, mp.matrix]:
    """Top eigenpair of the mode Hessian via the Gram matrix: q = Phi u / |Phi u|."""
    lam, u = R.top_eigenpair(R.gram(m.net, m.xs, mode))
    Phi = _phi(m, mode)
    v = Phi * u
    return lam, v / mp.norm(v)


def _phi(m: Minimum, mode) -> mp.matrix:
    cols = R.phi_columns(m.net, m.xs, mode)
    return mp.matrix([[mpf(cols[j][r]) for j in range(len(cols))] for r in range(len(cols[0]))])


def _lemma5_slack(inst, dps, specialise: bool = False):
    m: Minimum = inst["theta*"]
    modes_ = R.modes(m.net, m.xs)
    Phis = [_phi(m, md) for md in modes_]
    lams = [R.sharpness(m.net, m.xs, md) for md in modes_]
    Cv = mpf(m.C_features())
    rate = mp.sqrt(mp.mpf(m.p_max) / m.n)
    worst = mp.inf
    sources = [max(range(len(modes_)), key=lambda i: lams[i])] if specialise else range(len(modes_))
    for a in sources:
        lam, qv = _q_top(m, modes_[a])
        for b in range(len(modes_)):
            Hq = Phis[b] * (Phis[b].T * qv) / m.n
            lhs = mp.norm(Hq - lam * qv)
            rhs = mp.sqrt(3) * Cv * (mp.sqrt(lam) + mp.sqrt(lams[b])) * rate
            if specialise:  # both links of (34), normalised by the final bound
                rhs2 = 2 * mp.sqrt(3) * Cv * mp.sqrt(lam) * rate
                worst = min(worst, (rhs - lhs) / rhs2, (rhs2 - rhs) / rhs2)
            else:
                worst = min(worst, (rhs - lhs) / rhs)
    return worst


@claim("mms.lemma5", title="Approximate common top eigenvector of the mode Hessians (Lemma 5)",
       source="Sec. 4.2, Lemma 5, eq. (33)", kind=Kind.INEQUALITY, depends_on=("mms.claim.modes",),
       statement=r"If $\|\nabla\phi(x_j,\theta^*,\mathbf m_j)\|_\infty\le C$, $p_{\max}=\max_jp_j$ and $(q,\lambda_{\max}(H))$ "
       r"is a top eigenpair of $H\in\mathcal H$, then for all $\tilde H\in\mathcal H$: $\|\tilde Hq-\lambda_{\max}(H)q\|"
       r"\le\sqrt3C(\sqrt{\lambda_{\max}(H)}+\sqrt{\lambda_{\max}(\tilde H)})\sqrt{p_{\max}/n}$ (33).",
       hypotheses="C = max over data points and modes of ||grad phi||_inf (exact); all ordered pairs of the 2^p modes; "
       "1-3 toggling neurons, every third draw stacked on one data point")
def lemma5():
    """Lemma 5 (App. VIII, not in the source): H~ - H = (Phi~ D^T + D Phi^T)/n with D supported on the
    toggling neurons' rows (disjoint supports across data points)."""
    return Holds(_lemma5_slack, toggle_domain(toggles=(1, 2, 3)), search=False,
                 label="(RHS - LHS)/RHS of (33) >= 0 over all ordered mode pairs")


@claim("mms.eq34", title="Specialisation of Lemma 5 to the sharpest mode", source="Sec. 4.2, eq. (34)",
       kind=Kind.INEQUALITY, depends_on=("mms.lemma5",),
       statement=r"With $H$ the mode of largest top eigenvalue $\lambda^{\rm upper}_{\max}$: $\|H_mq-\lambda^{\rm upper}_{\max}"
       r"q\|\le\sqrt3C(\sqrt{\lambda^{\rm upper}_{\max}}+\sqrt{\lambda_{\max}(H_m)})\sqrt{p_{\max}/n}\le2\sqrt3C"
       r"\sqrt{\lambda^{\rm upper}_{\max}}\sqrt{p_{\max}/n}$ (34).",
       hypotheses="'largest top eigenvector' read as largest top eigenvalue; both inequalities of the chain")
def eq34():
    """(34): Lemma 5 with H the sharpest mode; the second step uses lambda_max(H_m) <= lambda_upper."""
    return Holds(lambda inst, dps: _lemma5_slack(inst, dps, specialise=True), toggle_domain(toggles=(1, 2, 3)),
                 search=False, label="both links of (34), normalised by 2 sqrt(3) C sqrt(lambda_upper p_max/n)")


def _cbound_slack(inst):
    m: Minimum = inst["theta*"]
    worst = None
    for impl in (m, min_inf_norm_rescaling(m), m.rescaled([F(3)] * m.k)):
        s = impl.C_paper() - impl.C_features()
        worst = s if worst is None else min(worst, s)
    return worst


@claim("mms.claim.Cbound", title="Explicit C = max{1, rho(1+M)}", source="Sec. 4.2, before (35)", kind=Kind.INEQUALITY,
       statement=r"If $\|\theta^*\|_\infty\le\rho$ then $\|\nabla_\theta\phi(x_j,\theta,\mathbf m_j)\|_\infty\le\max\{1,"
       r"\rho(1+M)\}$, $M=\max_j|x_j|$.")
def cbound():
    """Before (35): the entries are w2 x 1, w2 1, relu(w1 x + b1) <= rho (1 + M) and 1 (exact)."""
    return Holds(lambda inst, dps: mpf(_cbound_slack(inst)), toggle_domain(toggles=(0, 1, 2)), exact=_cbound_slack,
                 search=False, label="max{1, rho(1+M)} - max_{j,m} ||grad phi||_inf >= 0 (three implementations)")


def _pmax_slack(inst):
    m: Minimum = inst["theta*"]
    return F(1 + m.k - m.L - m.p_max)


@claim("mms.claim.pmax", title="p_max <= 1 + k - L", source="Sec. 4.2, after (35)", kind=Kind.INEQUALITY,
       depends_on=("mms.claim.modes",),
       statement=r"If $f\in\mathcal F$ has $L\le k$ knots, then $p_{\max}\le1+k-L$.")
def pmax():
    """After (35): a data point that is a knot of f takes at most k - (L - 1) neurons."""
    dom = toggle_domain(toggles=(1, 2, 3, 4), stack=True, width=(2, 2))
    return Holds(lambda inst, dps: mpf(_pmax_slack(inst)), dom, exact=_pmax_slack, search=False,
                 label="1 + k - L - p_max >= 0 (neurons stacked on one data point)")


# ------------------------------------------------------------------ (35)-(37)

def _strong_domain() -> Domain:
    return Domain(
        minima_member("theta*", toggles=(1, 2, 2), width=(1, 1), n_range=(3, 5)),
        Real("eta", 0, ("1.3 * 2/lambda_upper (strong stability decided per instance)",
                        lambda s: eta_cap(s["theta*"].sharpness_upper() / F(13, 10))), lo_open=True),
    )


def _rhs_slack(use_kL: bool):
    def slack(inst, dps):
        m, e = inst["theta*"], inst["eta"]
        marg = strong_stability_margin(m, e)
        if marg is None or marg < -mp.mpf(10) ** (-(dps // 2)):
            return None
        Cv = m.C_features() if not use_kL else min_inf_norm_rescaling(m).C_paper()
        qq = F(1 + m.k - m.L, m.n) if use_kL else F(m.p_max, m.n)
        rhs = printed_35(sp.Rational(qq.numerator, qq.denominator)).subs(
            {C: sp.Rational(Cv.numerator, Cv.denominator), eta: sp.Rational(e.numerator, e.denominator)})
        r = mp.mpf(sp.N(rhs, dps + 10))
        return (r - m.sharpness_upper()) / r

    return slack


def _rhs_describe(inst, dps):
    m, e = inst["theta*"], inst["eta"]
    return {"lambda_upper": m.sharpness_upper(), "2/eta": 2 / mpf(e), "eta lambda_upper / 2": m.sharpness_upper() * mpf(e) / 2,
            "strong-stability margin": strong_stability_margin(m, e), "p_max": m.p_max, "n": m.n, "k": m.k, "L": m.L}


@claim("mms.eq35", title="Necessary condition for strong stability at a non-differentiable minimum",
       source="Sec. 4.2, eq. (35) (App. IX not in the source)", kind=Kind.INEQUALITY,
       depends_on=("mms.lemma2", "mms.eq34", "mms.claim.zero_grad_modes"),
       statement=r"Using Lemma 2 with $\gamma=0$, $\delta=2\sqrt3C\sqrt{\lambda^{\rm upper}_{\max}}\sqrt{p_{\max}/n}$, "
       r"$\lambda_m=\lambda^{\rm upper}_{\max}$: if $\theta^*$ is strongly stable then $\lambda^{\rm upper}_{\max}\le"
       r"\frac2\eta+3C^2\frac{p_{\max}}n+C\sqrt{3\frac{p_{\max}}n(3C^2\frac{p_{\max}}n+\frac2\eta)}$ (35).",
       hypotheses="(a) the printed RHS against the solution of Lemma 2's condition lambda <= 2/eta + delta(lambda) "
       "with the stated delta (q = p_max/n); (b) the inequality itself at GD minima whose strong stability is "
       "decided at the working precision (KKT over the faces of each cone), C = max ||grad phi||_inf (Lemma 5's "
       "C): minima built to be strongly stable beyond 2/lambda_upper (the only place (35) can fail; with one toggling neuron, or generic random minima, strong "
       "stability forces lambda_upper <= 2/eta) and random NUM-interp minima")
def eq35():
    """(35): Lemma 2 says strong stability needs lambda <= 2/eta + 2 sqrt(3) C sqrt(lambda q); its
    largest solution is derived by SymPy and compared with the printed right-hand side."""
    return AllOf(
        Identity(derived_35(), printed_35(), label="(35) = largest lambda with lambda <= 2/eta + 2 sqrt(3) C sqrt(lambda q)"),
        Holds(_rhs_slack(False), beyond_edge_domain(), samples=8, search=False, informative=BEYOND_2_OVER_ETA,
              describe=_rhs_describe, label="lambda_upper <= RHS(35) at minima strongly stable beyond 2/eta"),
        Holds(_rhs_slack(False), _strong_domain(), samples=4, search=False, informative=BEYOND_2_OVER_ETA,
              label="lambda_upper <= RHS(35) at strongly stable random minima"),
    )


@eq35.read_as(r"only the final inequality (35) as a necessary condition for strong stability (not its derivation)")
def _(printed):
    return printed.replace(parts=printed.parts[1:])


@claim("mms.eq36", title="(35) with p_max <= 1 + k - L", source="Sec. 4.2, eq. (36)", kind=Kind.INEQUALITY,
       depends_on=("mms.eq35", "mms.claim.pmax"),
       statement=r"$\lambda^{\rm upper}_{\max}(\theta^*)\le\frac2\eta+3C^2\frac{1+k-L}n+C\sqrt{3\frac{1+k-L}n(3C^2"
       r"\frac{1+k-L}n+\frac2\eta)}$ (36).",
       hypotheses="(a) the substitution step: the RHS of (35) is nondecreasing in p_max (exact derivative); (b) (36) at "
       "strongly stable GD minima (decided at the working precision; minima built to be strongly stable beyond "
       "2/lambda_upper, and random NUM-interp minima), C from the smallest-sup-norm rescaling")
def eq36():
    """(36): monotone substitution of p_max <= 1 + k - L into (35)."""
    dr = sp.diff(printed_35(), q)
    f = sp.lambdify((C, q, eta), dr, modules="mpmath")
    grid = Domain(Real("C", 1, 10), Real("q", 0, 3, lo_open=True), Real("eta", 0, 4, lo_open=True))
    return AllOf(
        Holds(lambda inst, dps: f(mpf(inst["C"]), mpf(inst["q"]), mpf(inst["eta"])), grid, search=False,
              label="d RHS(35) / d q >= 0 (the substitution p_max -> 1 + k - L is monotone)"),
        Holds(_rhs_slack(True), beyond_edge_domain(), samples=8, search=False, informative=BEYOND_2_OVER_ETA,
              describe=_rhs_describe, label="lambda_upper <= RHS(36) at minima strongly stable beyond 2/eta"),
        Holds(_rhs_slack(True), _strong_domain(), samples=4, search=False, informative=BEYOND_2_OVER_ETA,
              label="lambda_upper <= RHS(36) at strongly stable random minima"),
    )


def _r(v: Fraction) -> sp.Rational:
    return sp.Rational(v.numerator, v.denominator)


def _eq37_slack(inst, dps):
    m: Minimum = inst["theta*"]
    return m.sharpness_upper() - 1 - 2 * m.W()


def _eq37_inactive(weight_strict: bool = True):
    def slack(inst, dps):
        m: Minimum = inst["theta*"]
        return m.sharpness(m.inactive_mode()) - 1 - 2 * m.W(strict=weight_strict)

    return slack


@claim("mms.eq37", title="Lower bound on the max-mode sharpness", source="Sec. 4.2, eq. (37) (App. X not in the source)",
       kind=Kind.INEQUALITY, depends_on=("mms.lemma4", "mms.claim.modes"),
       statement=r"$\min_{\theta\in\Omega(f)}\lambda^{\rm upper}_{\max}(\theta)\ge1+2\int|f''|g$ (37), $g$ by (22) with "
       r"strict inequalities.",
       hypotheses="minima with 1-3 knots on data points and their flattest rescalings; also the proof step: the "
       "all-inactive mode alone already satisfies the bound")
def eq37():
    """(37): the all-inactive mode reproduces Lemma 4's computation with strict inequalities."""
    dom = Domain(minima_member("theta*", toggles=(1, 2, 3), flatten=True))
    return AllOf(
        Holds(_eq37_slack, dom, search=False, samples=16, label="lambda_upper - 1 - 2W >= 0"),
        Holds(_eq37_inactive(True), dom, search=False, samples=16, label="all-inactive mode: lambda - 1 - 2W >= 0"),
    )
