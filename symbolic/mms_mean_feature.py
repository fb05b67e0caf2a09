"""SymPy: the algebraic steps of the mean-feature proof that a linearly strongly stable
non-differentiable minimum with sign-consistent toggles has 1 + 2 W <= 2/eta
(Mulayoff-Michaeli-Soudry, Theorem 2; the chain is stated in ``numeric/mms_mean_feature.py``).

Each function returns ``(derived, printed)``: two expressions whose difference must reduce to 0.
"""

from __future__ import annotations

import sympy as sp

eta = sp.Symbol("eta", positive=True)
n = sp.Symbol("n", integer=True, positive=True)
c = sp.Symbol("c", real=True)          # the knot = the data point x_j the neuron toggles at
E1 = sp.Symbol("E1", real=True)        # E[X 1_S] over the data strictly on the active side S
P = sp.Symbol("P", nonnegative=True)   # P(S)


def one_step_expansion():
    """|(I - eta H) v|^2 - |v|^2 = eta^2 |H v|^2 - 2 eta v^T H v, coordinatewise with a = v, b = H v
    in any dimension d; so non-expansiveness on a cone is eta |H v|^2 <= 2 v^T H v there."""
    d = sp.Symbol("d", integer=True, positive=True)
    i = sp.Symbol("i", integer=True)
    a, b = sp.IndexedBase("a"), sp.IndexedBase("b")
    derived = sp.Sum((a[i] - eta * b[i]) ** 2, (i, 1, d)) - sp.Sum(a[i] ** 2, (i, 1, d))
    printed = eta ** 2 * sp.Sum(b[i] ** 2, (i, 1, d)) - 2 * eta * sp.Sum(a[i] * b[i], (i, 1, d))
    return sp.expand(derived).doit(), sp.expand(printed).doit()


def mean_square_split():
    """(1/n) sum a_j^2 = ((1/n) sum a_j)^2 + (1/n) sum (a_j - abar)^2: the Rayleigh quotient of a
    mode Hessian at v is at least (vbar . v)^2 / |v|^2 (a_j = grad f(x_j) . v)."""
    j = sp.Symbol("j", integer=True)
    a = sp.IndexedBase("a")
    mean = sp.Sum(a[j], (j, 1, n)) / n
    derived = sp.Sum(a[j] ** 2, (j, 1, n)) / n
    printed = mean ** 2 + sp.Sum((a[j] - mean) ** 2, (j, 1, n)) / n
    return sp.expand(derived).doit(), sp.expand(printed).doit()


def own_point_shift():
    """<u, e^1> - <u, e^0> = (1 + c^2)/n: counting the neuron's own point x_j = c in its active
    set adds (c, 1)/n to e = E[(X, 1) 1_S], and u = (c, 1)."""
    inner0 = c * E1 + P
    inner1 = c * (E1 + c / n) + (P + 1 / n)
    return sp.expand(inner1 - inner0), (1 + c ** 2) / n


def own_point_norm_change():
    """|e^1|^2 - |e^0|^2 = (<u, e^0> + <u, e^1>)/n: B of (23) grows with the own point exactly when
    <u, e^0> + <u, e^1> > 0 (so bit 1 with <u, e^0> > 0 keeps at least the strict g^side)."""
    inner0 = c * E1 + P
    inner1 = c * (E1 + c / n) + (P + 1 / n)
    derived = (E1 + c / n) ** 2 + (P + 1 / n) ** 2 - (E1 ** 2 + P ** 2)
    return sp.expand(derived), sp.expand((inner0 + inner1) / n)


def neuron_am_gm():
    """w2^2 B + w1^2 A^2 - 2 |w1 w2| A sqrt(B) = (|w2| sqrt(B) - |w1| A)^2 >= 0: a neuron's part of
    |vbar|^2 ((w1, b1) block w2 e, w2 entry E relu = |w1| A) is at least 2 |s| A sqrt(B), s = w2 |w1|."""
    a1, a2, A, B = sp.symbols("abs_w1 abs_w2 A B", nonnegative=True)
    derived = a2 ** 2 * B + a1 ** 2 * A ** 2 - 2 * a1 * a2 * A * sp.sqrt(B)
    return sp.expand(derived), sp.expand((a2 * sp.sqrt(B) - a1 * A) ** 2)


def final_step():
    """From q <= (2/eta) N (q = v^T H v, Rayleigh bound) and q >= N^2 (the split, v = +-vbar):
    N^2 <= (2/eta) N, i.e. N (2/eta - N) >= 0, and N >= 1 + 2 W gives W <= 1/eta - 1/2.  Here: the
    bound 1/eta - 1/2 is (2/eta - 1)/2, the W at which N = 1 + 2 W reaches 2/eta."""
    W = sp.Symbol("W", nonnegative=True)
    return sp.solve(sp.Eq(1 + 2 * W, 2 / eta), W)[0], 1 / eta - sp.Rational(1, 2)


def projection_split():
    """|e|^2 (1 + c^2) = <u, e>^2 + <u^perp, e>^2 with u = (c, 1), u^perp = (1, -c), e = (E1, P)
    (Lagrange's identity); <u^perp, e> = E[(X - c) 1_S] = +-A, so the block of a blocking neuron
    projected onto u^perp keeps norm A / sqrt(1 + c^2)."""
    return sp.expand((E1 ** 2 + P ** 2) * (1 + c ** 2)), sp.expand((c * E1 + P) ** 2 + (E1 - c * P) ** 2)
