"""Example claims file: ``python -m theorems conjecture docs/examples/my_claims.py``.

A claims file is plain Python defining ``CLAIMS``, a list of ``theorems.Claim``.  A check
never states its verdict: it builds what to compare and hands it to an engine.
"""


from symbolic.catalog_models import diagonal_quadratic
from symbolic.derive import one_step_change
from symbolic.models import shallow_linear
from theorems import Claim, Context, Kind, all_of, engines
from theorems.conjecture import conjecture_claim


# 1. Written by hand with the engines: the one-step change of the per-neuron imbalance.
def _qi_step(ctx: Context):
    parts = []
    for d in (1, 2):
        m = shallow_linear(d)
        eps = m.quantity("eps")
        for i in range(d):
            q = m.quantity(f"Q{i + 1}")
            parts.append(engines.identity(one_step_change(m, q), -m.eta**2 * eps**2 * q, ctx,
                                          label=f"d={d} Q{i + 1}"))
    return all_of(parts)


# 2. By hand, an inequality on the quadratic model: GD decreases the loss when eta*h < 2.
def _quadratic_descent(ctx: Context):
    m = diagonal_quadratic(1)
    (h,) = m.params
    drop = m.quantities["loss"] - m.after_step(m.quantities["loss"])
    return engines.inequality(drop, ctx, strict=False, constraints=[m.eta * h < 2])


CLAIMS = [
    Claim(id="mine.qi_step", title="One-step change of Q_i", source="my notes, (1)",
          statement=r"$Q_i(t+1)-Q_i(t)=-\eta^2\varepsilon(t)^2Q_i(t)$", kind=Kind.IDENTITY,
          hypotheses="any a, b, Phi, eta; d = 1, 2", check=_qi_step),
    Claim(id="mine.quadratic_descent", title="GD descends on a quadratic below 2/h",
          source="my notes, (2)", statement=r"$L(x^+)\le L(x)$ if $\eta h<2$",
          kind=Kind.INEQUALITY, hypotheses="h > 0, 0 < eta < 2/h", check=_quadratic_descent),
    # 3. One-line conjectures, with the same grammar as --claim/--assume:
    conjecture_claim("shallow_linear", "Q_next <= Q", "eta*abs(eps) < 1",
                     id="mine.Q_decreases", title="Q does not increase when eta|eps| < 1"),
    conjecture_claim("shallow_linear", "Qsigned^2 == Q2gram", id="mine.gram",
                     title="(sum Q_i)^2 equals lam^2 - 4 (a.b)^2"),
]
