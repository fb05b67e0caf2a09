"""bw §3: the gradient, the GD update and the recursions (4)-(8), and GF conservation of Q_i."""

from __future__ import annotations

import sympy as sp

from symbolic.derive import one_step_change, time_derivative

from ... import engines
from ...claim import Claim, Context, Kind, all_of
from .common import R, eps, eta, identity_in_dims, lam, model, to_components

# ---------------------------------------------------------------- eq. (4)


def _check_eq4(ctx: Context):
    def build(m):
        d = len(m.state) // 2
        a, b = m.state[:d], m.state[d:]
        e = m.quantity("eps")
        printed = sp.Matrix([e * x for x in b] + [e * x for x in a])
        return sp.Matrix(m.gradient), printed

    parts = []
    for d in (1, 2, 3):
        actual, printed = build(model(d))
        parts.append(all_of([engines.identity(x, y, ctx, label=f"d={d} component {i}")
                             for i, (x, y) in enumerate(zip(actual, printed, strict=True))]).named(f"d={d}"))
    return all_of(parts)


EQ4 = Claim(
    id="bw.eq4",
    title="Gradient and GD update",
    source="§3, eq. (4)",
    statement=r"$\nabla L(a,b)=(a^\top b-\Phi)[b; a]$; GD: $a^+=a-\eta\varepsilon b$, $b^+=b-\eta\varepsilon a$",
    kind=Kind.IDENTITY,
    hypotheses="any a, b in R^d, Phi real; checked on explicit components for d = 1, 2, 3",
    check=_check_eq4,
)


# ---------------------------------------------------------------- eq. (6), (7)


def _recursion_check(quantity: str, printed_reduced: sp.Expr):
    def check(ctx: Context):
        def build(m):
            actual = m.after_step(m.quantity(quantity))
            return actual, to_components(m, printed_reduced)

        return identity_in_dims(ctx, build, label=f"{quantity}(t+1)")

    return check


EQ6 = Claim(
    id="bw.eq6",
    title="Residual recursion",
    source="§3, eq. (6)",
    statement=r"$\varepsilon(t+1)=\varepsilon(t)[1-\eta\lambda(t)+\eta^2\varepsilon(t)(\varepsilon(t)+\Phi)]$",
    kind=Kind.IDENTITY,
    hypotheses="any d, a, b, Phi, eta > 0 (explicit components d = 1, 2, 3)",
    check=_recursion_check("eps", eps * (1 - eta * lam + eta**2 * eps * (eps + R.Phi))),
    depends_on=("bw.eq4",),
)

EQ7 = Claim(
    id="bw.eq7",
    title="Norm recursion",
    source="§3, eq. (7)",
    statement=r"$\lambda(t+1)=[1+\eta^2\varepsilon(t)^2]\lambda(t)-4\eta\varepsilon(t)(\varepsilon(t)+\Phi)$",
    kind=Kind.IDENTITY,
    hypotheses="any d, a, b, Phi, eta > 0 (explicit components d = 1, 2, 3)",
    check=_recursion_check("lam", (1 + eta**2 * eps**2) * lam - 4 * eta * eps * (eps + R.Phi)),
    depends_on=("bw.eq4",),
)


# ---------------------------------------------------------------- eq. (8)


def _check_eq8(ctx: Context):
    def per_component(m):
        d = len(m.state) // 2
        e = m.quantity("eps")
        actual = sp.Matrix([m.after_step(m.quantity(f"Q{i + 1}")) for i in range(d)])
        printed = sp.Matrix([(1 - m.eta**2 * e**2) * m.quantity(f"Q{i + 1}") for i in range(d)])
        return actual, printed

    parts = []
    for d in (1, 2, 3):
        actual, printed = per_component(model(d))
        parts.append(all_of([engines.identity(x, y, ctx, label=f"d={d} Q{i + 1}")
                             for i, (x, y) in enumerate(zip(actual, printed, strict=True))]).named(f"d={d}"))
    # The range statement: |1 - x^2| in (0, 1) for x = eta|eps| in (0, sqrt 2) -- except x = 1.
    x = sp.Symbol("x", positive=True)
    parts.append(engines.inequality(1 - (1 - x**2) ** 2, ctx, strict=True,
                                    constraints=[x > 0, x**2 < 2], label="|1-x^2| < 1 on (0, sqrt2)"))
    parts.append(engines.inequality((1 - x**2) ** 2, ctx, strict=True, constraints=[x > 0, x**2 < 2],
                                    sample=lambda rng, i: {x: sp.Rational(1) if i == 0 else
                                                           sp.Rational(rng.randint(1, 140), 100)},
                                    label="|1-x^2| > 0 on (0, sqrt2) (fails at x = 1)"))
    return all_of(parts)


EQ8 = Claim(
    id="bw.eq8",
    title="Imbalance recursion and its consequence",
    source="§3, eq. (8) and following sentence",
    statement=r"$Q_i(t+1)=[1-\eta^2\varepsilon(t)^2]Q_i(t)$; whenever $\eta<\sqrt2/|\varepsilon(t)|$, "
    r"$|1-\eta^2\varepsilon(t)^2|\in(0,1)$",
    kind=Kind.IDENTITY,
    hypotheses="any d; the range statement for x = eta|eps| in (0, sqrt 2)",
    check=_check_eq8,
    depends_on=("bw.eq4",),
)


# ---------------------------------------------------------------- GF conserves Q_i


def _check_gf_qdot(ctx: Context):
    parts = []
    for d in (1, 2, 3):
        m = model(d)
        parts.extend(engines.identity(time_derivative(m, m.quantity(f"Q{i + 1}")), 0, ctx,
                                      label=f"d={d} dQ{i + 1}/dt") for i in range(d))
    # the displayed intermediate lines (d = 2, neuron 1): the chain rule 2(a_i a_i' - b_i b_i') with the flow
    # substituted, 2(a_i(-eps b_i) - b_i(-eps a_i)), and App. D.1's 2 eps (a_i b_i - a_i b_i)
    m = model(2)
    a1, b1 = m.state[0], m.state[2]
    e = m.quantity("eps")
    qdot = time_derivative(m, m.quantity("Q1"))
    parts.append(engines.identity(qdot, 2 * (a1 * (-e * b1) - b1 * (-e * a1)), ctx,
                                  label="d=2 dQ1/dt = 2(a_1(-eps b_1) - b_1(-eps a_1)) (§4 display)"))
    parts.append(engines.identity(qdot, 2 * e * (a1 * b1 - a1 * b1), ctx,
                                  label="d=2 dQ1/dt = 2 eps (a_1 b_1 - a_1 b_1) (App. D.1 display)"))
    return all_of(parts)


GF_QDOT = Claim(
    id="bw.gf_Qdot",
    title="GF conserves each Q_i",
    source="§4 display after Theorem 1; App. D.1",
    statement=r"$\dot Q_i=2(a_i\dot a_i-b_i\dot b_i)=2(a_i(-\varepsilon b_i)-b_i(-\varepsilon a_i))=0$ along "
    r"$\dot a=-\varepsilon b,\ \dot b=-\varepsilon a$ (App. D.1: $2\varepsilon(a_ib_i-a_ib_i)=0$)",
    kind=Kind.IDENTITY,
    hypotheses="gradient flow, any d (explicit components d = 1, 2, 3)",
    check=_check_gf_qdot,
)


def one_step_alpha_change(m) -> sp.Expr:
    """The exact one-step change of alpha under GD, on explicit components (used by Lemma 7)."""
    return one_step_change(m, m.quantity("alpha"))


CLAIMS = [EQ4, EQ6, EQ7, EQ8, GF_QDOT]
