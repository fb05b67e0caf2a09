"""Edge-of-stability examples of the survey (Section III) as SymPy models.

* :func:`exp_valley` - L(theta) = exp(-theta_1) theta_2^2, valley M = span{(1, 0)},
  sharpness on M lambda = 2 exp(-theta_1).
* :func:`logistic_pair` - eq. (36): L = 1/2 (ell(z_1.theta) + ell(z_2.theta)),
  ell(s) = log(1 + e^{-s}), with z_1 = (cos b, sin b), z_2 = (cos b, -sin b)
  (i.e. x_1 = z_1, x_2 = -z_2, |x_1| = |x_2| = 1, angle omega = pi - 2 b between x_1, x_2).
* :func:`sharpness` - the largest Hessian eigenvalue of a 2-D model in closed form.
"""

from __future__ import annotations

import sympy as sp

from .models import Model

th1, th2 = sp.symbols("theta1 theta2", real=True)
beta = sp.Symbol("beta", positive=True)


def exp_valley() -> Model:
    L = sp.exp(-th1) * th2**2
    lam_par = 2 * sp.exp(-th1)
    return Model(
        name="eos_valley",
        state=(th1, th2),
        params=(),
        loss=L,
        quantities={"loss": L, "lam_par": lam_par, "sharpness": sharpness_expr(L, (th1, th2)),
                    "theta1": th1, "theta2": th2},
        descriptions={"loss": "exp(-theta1) theta2^2",
                      "lam_par": "sharpness on the valley, 2 exp(-theta1)",
                      "sharpness": "largest Hessian eigenvalue",
                      "theta1": "coordinate along the valley M",
                      "theta2": "coordinate across the valley"},
    )


def ell(x: sp.Expr) -> sp.Expr:
    return sp.log(1 + sp.exp(-x))


def logistic_pair(b: sp.Expr = beta) -> Model:
    z1 = (sp.cos(b), sp.sin(b))
    z2 = (sp.cos(b), -sp.sin(b))
    L = (ell(z1[0] * th1 + z1[1] * th2) + ell(z2[0] * th1 + z2[1] * th2)) / 2
    return Model(name="eos_logistic", state=(th1, th2), params=(b,) if isinstance(b, sp.Symbol) else (),
                 loss=L, quantities={"loss": L}, descriptions={"loss": "eq. (36)"})


def sharpness_expr(L: sp.Expr, xs: tuple[sp.Symbol, sp.Symbol]) -> sp.Expr:
    """Largest eigenvalue of the 2x2 Hessian: tr/2 + sqrt((a-c)^2/4 + b^2)."""
    H = sp.hessian(L, xs)
    a, b, c = H[0, 0], H[0, 1], H[1, 1]
    return (a + c) / 2 + sp.sqrt((a - c) ** 2 / 4 + b**2)
