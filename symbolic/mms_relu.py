"""SymPy: gradient (26) and Hessian (27) of the ReLU-network loss (19) on one smooth piece, and the
algebra of the non-differentiable bound (Mulayoff-Michaeli-Soudry, Sec. 4).

On a fixed activation pattern act[i][j] in {0, 1}, f(x_j) = sum_i act_ij w2_i (w1_i x_j + b1_i) + b2
is a polynomial in theta (order (20)), so the loss is analytic there and SymPy differentiates it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp


def piece(act: Sequence[Sequence[int]]):
    """(theta, xs, ys, f-values, loss) for the pattern ``act`` (k rows, n columns)."""
    k, n = len(act), len(act[0])
    w1 = sp.symbols(f"w1_1:{k + 1}", real=True)
    b1 = sp.symbols(f"b1_1:{k + 1}", real=True)
    w2 = sp.symbols(f"w2_1:{k + 1}", real=True)
    b2 = sp.Symbol("b2", real=True)
    xs = sp.symbols(f"x1:{n + 1}", real=True)
    ys = sp.symbols(f"y1:{n + 1}", real=True)
    theta = [*w1, *b1, *w2, b2]
    fx = [sum(act[i][j] * w2[i] * (w1[i] * xs[j] + b1[i]) for i in range(k)) + b2 for j in range(n)]
    loss = sum((fx[j] - ys[j]) ** 2 for j in range(n)) / (2 * n)
    return theta, xs, ys, fx, loss


def gradient_26(act):
    """(derived gradient, printed (26)) as column matrices."""
    theta, _, ys, fx, loss = piece(act)
    n = len(fx)
    derived = sp.Matrix([sp.diff(loss, t) for t in theta])
    printed = sum((((fx[j] - ys[j]) / n) * sp.Matrix([sp.diff(fx[j], t) for t in theta]) for j in range(n)),
                  sp.zeros(len(theta), 1))
    return derived, printed


def hessian_27(act, drop_block: str | None = None):
    """(derived Hessian at f(x_j) = y_j, printed Phi Phi^T / n).  ``drop_block`` ('w1', 'b1' or
    'w2') zeroes that block of Phi in the printed side (a deliberately wrong formula for tests)."""
    theta, _, ys, fx, loss = piece(act)
    n, k = len(fx), len(act)
    H = sp.hessian(loss, theta).subs({ys[j]: fx[j] for j in range(n)})
    cols = [sp.Matrix([sp.diff(fx[j], t) for t in theta]) for j in range(n)]
    if drop_block is not None:
        start = {"w1": 0, "b1": k, "w2": 2 * k}[drop_block]
        for c in cols:
            for r in range(start, start + k):
                c[r] = 0
    Phi = sp.Matrix.hstack(*cols)
    return sp.expand(H), sp.expand(Phi * Phi.T / n)


eta, C, q = sp.symbols("eta C q", positive=True)


def printed_35(qq=q):
    """RHS of (35) with q = p_max / n."""
    return 2 / eta + 3 * C ** 2 * qq + C * sp.sqrt(3 * qq * (3 * C ** 2 * qq + 2 / eta))


def derived_35():
    """The largest lambda with lambda <= 2/eta + delta(lambda), delta = 2 sqrt(3) C sqrt(lambda q)
    (Lemma 2 with gamma = 0 and the delta of (34)): solve s^2 - a s - 2/eta = 0 for s = sqrt(lambda)."""
    a = 2 * sp.sqrt(3) * C * sp.sqrt(q)
    s = (a + sp.sqrt(a ** 2 + 8 / eta)) / 2
    return sp.expand(s ** 2)


def delta_25(qq=q):
    """Delta of (25) with q = (1 + k - L) / n."""
    return sp.Rational(3, 2) * C ** 2 * qq + C * sp.sqrt(sp.Rational(3, 4) * qq * (3 * C ** 2 * qq + 2 / eta))
