"""bw §3 (eq. (5)) and §1 Technical Overview: the Hessian at a minimiser, and the overview's
imbalance recursion."""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath as mp
import sympy as sp
from flint import arb, fmpq

from numeric import samplers
from numeric.precision import mpf_of

from ... import engines
from ...claim import Claim, Context, Kind, Outcome, all_of
from .common import component_sampler, model

# ------------------------------------------------------------------ eq. (5)


def _g(m) -> sp.Matrix:
    d = len(m.state) // 2
    a, b = m.state[:d], m.state[d:]
    return sp.Matrix([*b, *a])


def _hessian_parts(ctx: Context) -> list[Outcome]:
    parts = []
    for d in (1, 2, 3):
        m = model(d)
        g = _g(m)
        H = m.hessian()
        Hab = sp.hessian(m.quantity("ab"), m.state)
        e = m.quantity("eps")
        n = 2 * d
        # Hess L - g g^T = eps * Hess(a.b): vanishes exactly where eps = 0
        parts.append(all_of([engines.identity(H[i, j] - (g * g.T)[i, j], e * Hab[i, j], ctx)
                             for i in range(n) for j in range(i, n)]).named(f"d={d}: Hess L - g g^T = eps Hess(a.b)"))
        # at a minimiser (Phi = a.b) the Hessian is g g^T
        on_min = {m.params[0]: m.quantity("ab")}
        parts.append(all_of([engines.identity(H[i, j].xreplace(on_min), (g * g.T)[i, j], ctx)
                             for i in range(n) for j in range(i, n)]).named(f"d={d}: Hess L = g g^T on a.b = Phi (eq. 5)"))
        # g g^T has eigenvector g with eigenvalue ||g||^2 = lam; trace lam; rank one (PSD)
        G = g * g.T
        lam = m.quantity("lam")
        parts.append(all_of([engines.identity((G * g)[i], lam * g[i], ctx) for i in range(n)])
                     .named(f"d={d}: (g g^T) g = lam g"))
        parts.append(engines.identity(G.trace(), lam, ctx, label=f"d={d}: tr(g g^T) = lam"))
        if d <= 2:
            x = sp.Symbol("x")
            parts.append(engines.identity(G.charpoly(x).as_expr(), x ** (n - 1) * (x - lam), ctx,
                                          label=f"d={d}: charpoly(g g^T) = x^{n - 1} (x - lam): spectrum {{lam, 0}}"))
    return parts


def _numeric_sharpness(ctx: Context) -> Outcome:
    """Top eigenvalue of the Hessian (mp.eigsy) at random exact minimisers vs lam."""
    hess = {d: sp.lambdify([*model(d).state, model(d).params[0]], model(d).hessian(), "mpmath") for d in (1, 2, 3)}

    def sampler(rng: random.Random, i: int) -> dict:
        d = samplers.dimension(rng, i)
        Phi = samplers.log_uniform(rng, 1e-3, 1e3)
        while True:
            a = samplers.gaussian_vector(rng, d)
            b = samplers.gaussian_vector(rng, d)
            ab = sum(x * y for x, y in zip(a, b, strict=True))
            if ab != 0:
                break
        return {"a": tuple(x * Phi / ab for x in a), "b": b, "Phi": Phi}  # exactly a.b = Phi

    def slack(inst, dps):
        d = len(inst["a"])
        args = [mpf_of(v) for v in (*inst["a"], *inst["b"], inst["Phi"])]
        H = mp.matrix(hess[d](*args))
        top = max(mp.eigsy(H, eigvals_only=True))
        lam = mp.fsum(v * v for v in args[:-1])
        return -abs(top - lam) / lam

    return engines.sampled(slack, sampler, ctx, samples=max(6, ctx.budget.samples // 2),
                           label="lambda_max(Hess L) = lam at random minimisers (mp.eigsy; -relative error)",
                           method="mpmath eigenvalues")


def _flattest_parts(ctx: Context, printed: bool) -> list[Outcome]:
    parts = []
    for d in (1, 2, 3):
        m = model(d)
        a, b = m.state[:d], m.state[d:]
        lam, ab, Phi = m.quantity("lam"), m.quantity("ab"), m.params[0]
        # Cauchy-Schwarz as exact sums of squares: lam -/+ 2 a.b = ||a -/+ b||^2
        parts.append(engines.identity(lam - 2 * ab, sum((x - y) ** 2 for x, y in zip(a, b, strict=True)), ctx,
                                      label=f"d={d}: lam - 2 a.b = ||a - b||^2 (so lam >= 2 Phi on minimisers, = iff a = b)"))
        parts.append(engines.identity(lam + 2 * ab, sum((x + y) ** 2 for x, y in zip(a, b, strict=True)), ctx,
                                      label=f"d={d}: lam + 2 a.b = ||a + b||^2"))
        same = {x: y for x, y in zip(a, b, strict=True)}  # a = b, then Phi = ||b||^2 > 0
        parts.append(engines.identity((lam - 2 * Phi).xreplace(same).xreplace({Phi: ab.xreplace(same)}), 0, ctx,
                                      label=f"d={d}: a = b minimiser: lam = 2 Phi"))
        opposite = {x: -y for x, y in zip(a, b, strict=True)}  # a = -b, then Phi = a.b = -||b||^2
        lam_opp = lam.xreplace(opposite)
        Phi_opp = ab.xreplace(opposite)

        def sample(rng, b=b):  # a = -b and Phi = a.b are substituted: only b is free
            return {y: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for y in b}

        if printed:
            # The paper's target is Phi >= 0 (Phi > 0 for a nontrivial minimiser set).  For Phi > 0 no
            # point with a = -b is a minimiser: there a.b - Phi = -||b||^2 - Phi < 0.  So the "- sign"
            # branch of "coincide up to a sign" is vacuous, not false; test exactly that.
            parts.append(engines.inequality(-(Phi_opp - Phi), ctx, strict=True, constraints=[Phi > 0],
                                            label=f"d={d}: Phi > 0: no a = -b point is a minimiser "
                                            "(Phi - a.b = Phi + ||b||^2 > 0 there), so the '-' sign is vacuous"))
        else:
            parts.append(engines.identity(lam_opp - 2 * sp.Abs(Phi_opp), 0, ctx, sample=sample,
                                          label=f"d={d}: a = -b minimiser (Phi = -||b||^2 < 0): lam = 2|Phi|"))
    return parts


def _check_eq5(ctx: Context) -> Outcome:
    return all_of(_hessian_parts(ctx) + [_numeric_sharpness(ctx)] + _flattest_parts(ctx, printed=True))


def _check_eq5_reading(ctx: Context) -> Outcome:
    return all_of(_hessian_parts(ctx) + _flattest_parts(ctx, printed=False))


EQ5 = Claim(
    id="bw.eq5",
    title="Hessian at a minimiser, sharpness = lambda, flattest minimiser",
    source="§3, eq. (5) and the following sentence",
    statement=r"at $\mathbf a^\top\mathbf b=\Phi$: $\nabla^2L=\begin{bmatrix}\mathbf b\\\mathbf a\end{bmatrix}"
    r"\begin{bmatrix}\mathbf b\\\mathbf a\end{bmatrix}^\top$, top eigenvalue exactly $\lambda$; the flattest "
    r"minimiser has $\lambda=2\Phi$, achieved when $\mathbf a$ and $\mathbf b$ coincide up to a sign",
    kind=Kind.IDENTITY,
    hypotheses="Phi > 0 (the paper's target); explicit components d = 1, 2, 3 (charpoly for d = 1, 2); "
    "numeric: random exact minimisers (a rescaled so a.b = Phi), mp.eigsy; 'up to a sign': the a = b "
    "branch gives lam = 2 Phi, and for Phi > 0 the a = -b branch contains no minimiser at all (a = -b is "
    "a minimiser only when Phi = -||b||^2 < 0, covered by the reading)",
    check=_check_eq5,
    reading=r"for a target $\Phi\neq0$ of either sign, the flattest minimiser has $\lambda=2|\Phi|$, attained at "
    r"$\mathbf a=\mathrm{sign}(\Phi)\,\mathbf b$ (plus the Hessian statements as printed)",
    reading_check=_check_eq5_reading,
)


# ------------------------------------------------------------------ Technical Overview: Q(t+1)


def _fq(x) -> fmpq:
    x = Fraction(x)
    return fmpq(x.numerator, x.denominator)


def _one_step_exact(inst) -> tuple[Fraction, Fraction, Fraction, Fraction]:
    """(eps, eta, Q(t), Q(t+1)) exactly, for one GD step on components."""
    a = [Fraction(x) for x in inst["a"]]
    b = [Fraction(x) for x in inst["b"]]
    P, h = Fraction(inst["Phi"]), Fraction(inst["eta"])
    e = sum((x * y for x, y in zip(a, b, strict=True)), Fraction(0)) - P
    a1 = [x - h * e * y for x, y in zip(a, b, strict=True)]
    b1 = [y - h * e * x for x, y in zip(a, b, strict=True)]
    Q0 = sum((abs(x * x - y * y) for x, y in zip(a, b, strict=True)), Fraction(0))
    Q1 = sum((abs(x * x - y * y) for x, y in zip(a1, b1, strict=True)), Fraction(0))
    return e, h, Q0, Q1


def _overview_sampler(rng: random.Random, i: int) -> dict:
    """Any region, d = 1, 2, 3, eta = u * sqrt(2)/|eps| (u < 1; sqrt 2 rounded down)."""
    inst = samplers.shallow_init(rng, i)
    e = sum((x * y for x, y in zip(inst["a"], inst["b"], strict=True)), Fraction(0)) - inst["Phi"]
    sqrt2 = Fraction(14142135623730950488, 10**19)
    inst["eta"] = samplers.step_fraction(rng, i) * sqrt2 / abs(e) if e != 0 else Fraction(1, 3)
    return inst


def _overview_parts(ctx: Context, printed: bool) -> list[Outcome]:
    parts = []

    def factor(e, h):
        return (1 - h * h * e) ** 2 if printed else abs(1 - h * h * e * e)

    # d = 1 (Q = |Q_1|): squares of both sides, on components
    m = model(1)
    e = m.quantity("eps")
    q = m.quantity("Q1")
    claimed = ((1 - m.eta**2 * e) ** 4 if printed else (1 - m.eta**2 * e**2) ** 2) * q**2
    parts.append(engines.identity(m.after_step(q) ** 2, claimed, ctx, sample=component_sampler(m),
                                  label="d=1: Q(t+1)^2 = [" + ("|1-eta^2 eps|^2" if printed else "|1-eta^2 eps^2|")
                                  + "]^2 Q(t)^2"))

    # d = 1, 2, 3, exactly in rationals: Q = sum_i |Q_i|
    def slack(inst, dps):
        e, h, Q0, Q1 = _one_step_exact(inst)
        if Q0 == 0:
            return None
        return -mpf_of(abs(Q1 - factor(e, h) * Q0) / Q0)

    def certify(inst):
        e, h, Q0, Q1 = _one_step_exact(inst)
        return None if Q0 == 0 else -arb(_fq(abs(Q1 - factor(e, h) * Q0) / Q0))

    parts.append(engines.sampled(slack, _overview_sampler, ctx, certify=certify,
                                 label="Q(t+1) = " + ("|1-eta^2 eps|^2" if printed else "|1-eta^2 eps^2|")
                                 + " Q(t), Q = sum|Q_i|, d = 1, 2, 3 (exact rationals)", method="exact one GD step"))

    # "so the imbalance decreases for 0 < eta < sqrt2/|eps|" -- on the true dynamics
    def decrease(inst, dps):
        e, h, Q0, Q1 = _one_step_exact(inst)
        return None if Q0 == 0 else mpf_of((Q0 - Q1) / Q0)

    def decrease_cert(inst):
        e, h, Q0, Q1 = _one_step_exact(inst)
        return None if Q0 == 0 else arb(_fq((Q0 - Q1) / Q0))

    parts.append(engines.sampled(decrease, _overview_sampler, ctx, certify=decrease_cert,
                                 label="GD: Q(t+1) <= Q(t) for 0 < eta < sqrt2/|eps| (exact rationals)",
                                 method="exact one GD step"))
    return parts


def _overview_proof(ctx: Context) -> list[Outcome]:
    """The reading on all of R^d (d = 1, 2, 3): Q_i(t+1) = (1 - eta^2 eps^2) Q_i(t) coordinatewise
    (exact), hence sum_i |Q_i(t+1)| = |1 - eta^2 eps^2| sum_i |Q_i(t)| (|xy| = |x||y| on the factored
    forms), and |1 - eta^2 eps^2| <= 1 when eta^2 eps^2 <= 2 (sign cases, exact certificates)."""
    parts = []
    for d in (1, 2, 3):
        m = model(d)
        e, h = m.quantity("eps"), m.eta
        k = 1 - h**2 * e**2
        qs = [m.quantity(f"Q{i + 1}") for i in range(d)]
        nxt = [m.after_step(qi) for qi in qs]
        parts += [engines.identity(n, k * qi, ctx, sample=component_sampler(m),
                                   label=f"d={d}: Q_{i + 1}(t+1) = (1 - eta^2 eps^2) Q_{i + 1}(t)")
                  for i, (n, qi) in enumerate(zip(nxt, qs, strict=True))]
        # with Q_i(t+1) = k Q_i(t) just proved: sum_i |k Q_i| = |k| sum_i |Q_i| (|xy| = |x||y| for real
        # x, y), checked with k and the Q_i as free real symbols
        ks = sp.Symbol("k", real=True)
        qv = sp.symbols(f"Q1:{d + 1}", real=True)
        parts.append(engines.identity(sum(sp.Abs(ks * v) for v in qv), sp.Abs(ks) * sum(sp.Abs(v) for v in qv),
                                      ctx, label=f"d={d}: sum|k Q_i| = |k| sum|Q_i| (k = 1 - eta^2 eps^2)"))
    u = sp.Symbol("u", real=True)  # u = eta |eps| >= 0
    parts.append(engines.inequality(1 - sp.Abs(1 - u**2), ctx, strict=False, constraints=[2 - u**2 >= 0],
                                    label="|1 - eta^2 eps^2| <= 1 when eta^2 eps^2 <= 2 (u = eta|eps|)"))
    return parts


def _check_overview_q(ctx: Context) -> Outcome:
    return all_of(_overview_parts(ctx, printed=True))


def _check_overview_q_reading(ctx: Context) -> Outcome:
    from .common import proof_with_cross_checks

    return proof_with_cross_checks(_overview_proof(ctx), _overview_parts(ctx, printed=False))


OVERVIEW_Q = Claim(
    id="bw.overview_Q",
    title="Technical Overview: one-step change of the imbalance",
    source="§1, Technical Overview (first sentence); cf. eq. (8)",
    statement=r"$Q(t+1)=|1-\eta^2\varepsilon(t)|^2|Q(t)|$, so the imbalance decreases throughout optimization for "
    r"$0<\eta<\sqrt2/|\varepsilon(t)|$",
    kind=Kind.IDENTITY,
    hypotheses="one GD step from any (a, b), Phi > 0, d = 1, 2, 3, Q = sum_i |Q_i| > 0, eta = u sqrt2/|eps| "
    "(u < 1) for the sampled part; the d = 1 identity for any eta > 0. The overview's second sentence "
    "(PL constant) is bw.overview_pl",
    check=_check_overview_q,
    reading=r"$Q(t+1)=|1-\eta^2\varepsilon(t)^2|\,Q(t)$",
    reading_check=_check_overview_q_reading,
    depends_on=("bw.eq8",),
)


CLAIMS = [EQ5, OVERVIEW_Q]
