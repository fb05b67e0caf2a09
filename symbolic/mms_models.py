"""Models of Mulayoff-Michaeli-Soudry for one-line conjectures (SymPy, never imports ``theorems``).

* :func:`relu_univariate` - f(x) = sum_i w2_i relu(w1_i x + b1_i) + b2 with k neurons on two data
  points (x1, y1), (x2, y2) (parameters), quadratic loss (19).  Quantities: the loss, the outputs,
  ``Wn`` = sum_i |w2_i w1_i| g(c_i) (the weighted curvature int |f''| g when the knots are distinct),
  ``meanfeat2`` = ||mean_j grad f(x_j)||^2 (the Rayleigh quotient of Lemma 4's proof) and
  ``sharpness_gn`` = lambda_max(Phi^T Phi / n) (the Gauss-Newton top eigenvalue: the sharpness at an
  interpolating minimum, eq. (27)-(28)); g of (22)-(23) with strict inequalities.
* :func:`linear_stability` - the linearised SGD of a scalar minimum with two samples of curvature
  h1, h2 >= 0 and batches of one: GD factor 1 - eta hbar, the first-moment factor
  E|1 - eta h_b| and the second-moment factor E(1 - eta h_b)^2 (mean-square stability <=> <= 1).
"""

from __future__ import annotations

import sympy as sp

from .models import Model


def _pos(z: sp.Expr) -> sp.Expr:
    return sp.Piecewise((z, z > 0), (0, True))


def _ind(cond) -> sp.Expr:
    return sp.Piecewise((1, cond), (0, True))


def weight_g(c: sp.Expr, xs: tuple[sp.Expr, ...]) -> sp.Expr:
    """g(c) of (22)-(23) for the empirical law of ``xs`` (strict inequalities)."""
    n = len(xs)
    gp = sum(_pos(x - c) for x in xs) / n * sp.sqrt(
        (sum(_ind(x > c) for x in xs) / n) ** 2 + (sum(x * _ind(x > c) for x in xs) / n) ** 2)
    gm = sum(_pos(c - x) for x in xs) / n * sp.sqrt(
        (sum(_ind(x < c) for x in xs) / n) ** 2 + (sum(x * _ind(x < c) for x in xs) / n) ** 2)
    inside = sp.And(c >= sp.Min(*xs), c <= sp.Max(*xs))
    return sp.Piecewise((sp.Min(gp, gm), inside), (0, True))


def relu_univariate(k: int) -> Model:
    w1 = sp.symbols(f"w1_1:{k + 1}", real=True)
    b1 = sp.symbols(f"b1_1:{k + 1}", real=True)
    w2 = sp.symbols(f"w2_1:{k + 1}", real=True)
    b2 = sp.Symbol("b2", real=True)
    xs = sp.symbols("x1 x2", real=True)
    ys = sp.symbols("y1 y2", real=True)
    n = 2

    def f(x):
        return sum(w2[i] * _pos(w1[i] * x + b1[i]) for i in range(k)) + b2

    def grad(x):
        act = [_ind(w1[i] * x + b1[i] > 0) for i in range(k)]
        return [w2[i] * x * act[i] for i in range(k)] + [w2[i] * act[i] for i in range(k)] + \
               [_pos(w1[i] * x + b1[i]) for i in range(k)] + [sp.Integer(1)]

    loss = sum((f(x) - y) ** 2 for x, y in zip(xs, ys, strict=True)) / (2 * n)
    G = [[sum(a * b for a, b in zip(grad(xi), grad(xj), strict=True)) / n for xj in xs] for xi in xs]
    sharp = (G[0][0] + G[1][1]) / 2 + sp.sqrt(((G[0][0] - G[1][1]) / 2) ** 2 + G[0][1] ** 2)
    mean = [(a + b) / n for a, b in zip(grad(xs[0]), grad(xs[1]), strict=True)]
    Wn = sum(sp.Abs(w2[i] * w1[i]) * weight_g(-b1[i] / w1[i], xs) for i in range(k))
    q = {"loss": loss, "f1": f(xs[0]), "f2": f(xs[1]), "Wn": Wn, "meanfeat2": sum(m ** 2 for m in mean),
         "sharpness_gn": sharp}
    desc = {"loss": "L = ((f(x1)-y1)^2 + (f(x2)-y2)^2) / 4 (eq. 19, n = 2)",
            "f1": "f(x1)", "f2": "f(x2)",
            "Wn": "sum_i |w2_i w1_i| g(c_i), c_i = -b1_i/w1_i (= int |f''| g when knots are distinct)",
            "meanfeat2": "||mean_j grad_theta f(x_j)||^2 (Lemma 4's Rayleigh quotient, <= sharpness_gn)",
            "sharpness_gn": "lambda_max(Phi^T Phi / n): the sharpness at an interpolating minimum (27)-(28)"}
    return Model(name=f"relu_univariate(k={k})", state=(*w1, *b1, *w2, b2), params=(*xs, *ys), loss=loss,
                 quantities=q, descriptions=desc, eta=sp.Symbol("eta", positive=True))


def linear_stability() -> Model:
    v = sp.Symbol("v", real=True)
    h1, h2 = sp.Symbol("h1", nonnegative=True), sp.Symbol("h2", nonnegative=True)
    eta = sp.Symbol("eta", positive=True)
    hbar = (h1 + h2) / 2
    q = {"v": v, "hbar": hbar, "gd_factor": 1 - eta * hbar,
         "first_moment": (sp.Abs(1 - eta * h1) + sp.Abs(1 - eta * h2)) / 2,
         "second_moment": ((1 - eta * h1) ** 2 + (1 - eta * h2) ** 2) / 2}
    desc = {"v": "distance theta - theta* (scalar)", "hbar": "mean Hessian (h1 + h2)/2 = the GD sharpness",
            "gd_factor": "GD / mean-dynamics factor 1 - eta hbar",
            "first_moment": "E|v_{t+1}| / |v_t| = E_b|1 - eta h_b| (SGD, B = 1)",
            "second_moment": "E v_{t+1}^2 / v_t^2 = E_b (1 - eta h_b)^2 (mean-square stability iff <= 1)"}
    return Model(name="linear_stability", state=(v,), params=(h1, h2), loss=hbar * v ** 2 / 2, quantities=q,
                 descriptions=desc, eta=eta)
