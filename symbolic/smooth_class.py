"""Members of the class of L-smooth (and mu-PL) functions with minimum value 0.

A counterexample search over "every L-smooth function" needs concrete functions that a
reader can check.  Each member is a formula with exact rational coefficients, with its
smoothness constant ``L`` and (where known) a PL constant ``mu``, both exact, and the
one-line reason they are valid (``certificate``).  Members are built from a *family* and an
exact parameter dict, so a search can move through a family continuously and a
counterexample is reproducible from its parameters.

Families (``FAMILIES``):

* ``quadratic``: 1/2 (x - c)^T R^T diag(h1, h2) R (x - c), R the rational rotation of
  parameter ``r`` (cos = (1 - r^2)/(1 + r^2), sin = 2 r/(1 + r^2)); L = max h, mu = min h
  (exact: the Hessian is constant with eigenvalues h1, h2, and 1/2 |Q z|^2 >= h_min f).
* ``trig``: p (x - c)^2 + q sin(x - c)^2, p > 0, q >= 0; f'' = 2 p + 2 q cos(2(x - c)), so
  L = 2 p + 2 q; non-convex when q > p; mu = 2 (p - q) when q < p (strong convexity), else
  unknown (None) except the catalogue's x^2 + 3 sin^2 x (mu = 1/32, see
  :func:`pl_certificate_trig`).
* ``trig2``: 1/2 (h1 x1^2 + h2 x2^2) + q (sin^2 x1 + sin^2 x2); L = max h + 2 q (Hessian is
  diagonal), non-convex when 2 q > min h; mu unknown (None).
* ``least_squares``: f_X composed with the squared loss, 1/2 |y - J theta|^2 with J the
  2 x 3 matrix of ``J`` entries and y = J theta* (so min f = 0); L = lambda_max(J^T J),
  mu = lambda_min(J J^T) (exact algebraic numbers; PL because 1/2 |J^T r|^2 >= mu 1/2 |r|^2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import sympy as sp

FAMILIES = ("quadratic", "trig", "trig2", "least_squares")


@dataclass(frozen=True)
class ClassMember:
    family: str
    variables: tuple[sp.Symbol, ...]
    expr: sp.Expr
    L: sp.Expr
    mu: sp.Expr | None
    convex: bool
    certificate: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.text()

    @property
    def dim(self) -> int:
        return len(self.variables)

    def text(self) -> str:
        v = ", ".join(map(str, self.variables))
        mu = "unknown" if self.mu is None else sp.sstr(self.mu)
        return (f"f({v}) = {sp.sstr(self.expr)}; L = {sp.sstr(self.L)}, mu = {mu} "
                f"({'convex' if self.convex else 'non-convex'}; {self.certificate})")

    @cached_property
    def gradient(self) -> tuple[sp.Expr, ...]:
        return tuple(sp.diff(self.expr, x) for x in self.variables)

    @cached_property
    def _num(self):
        f = sp.lambdify(self.variables, self.expr, modules="mpmath")
        g = sp.lambdify(self.variables, list(self.gradient), modules="mpmath")
        return f, g

    def value(self, x) -> object:
        return self._num[0](*x)

    def grad(self, x) -> list:
        return list(self._num[1](*x))

    def L_mpf(self):
        import mpmath as mp

        return mp.mpf(sp.N(self.L, mp.mp.dps + 10))

    def mu_mpf(self):
        import mpmath as mp

        return None if self.mu is None else mp.mpf(sp.N(self.mu, mp.mp.dps + 10))


def _q(v: object) -> sp.Rational:
    f = Fraction(v)  # type: ignore[arg-type]
    return sp.Rational(f.numerator, f.denominator)


def build(family: str, params: Mapping[str, object]) -> ClassMember:
    """The member of ``family`` with exact parameters ``params`` (see the module docstring)."""
    p = {k: (tuple(_q(x) for x in v) if isinstance(v, tuple) else _q(v)) for k, v in params.items()}
    if family == "quadratic":
        x = sp.symbols("x1 x2", real=True)
        h1, h2, r = p["h1"], p["h2"], p["r"]
        c1, c2 = p.get("c", (0, 0))
        if h1 <= 0 or h2 <= 0:
            raise ValueError("quadratic: curvatures must be > 0")
        co, si = (1 - r**2) / (1 + r**2), 2 * r / (1 + r**2)
        R = sp.Matrix([[co, si], [-si, co]])
        z = sp.Matrix([x[0] - c1, x[1] - c2])
        expr = sp.expand((z.T * R.T * sp.diag(h1, h2) * R * z)[0] / 2)
        return ClassMember(family, x, expr, max(h1, h2), min(h1, h2), True,
                           "constant Hessian R^T diag(h) R", dict(params))
    if family == "trig":
        (x,) = sp.symbols("x1", real=True),
        a, b, c = p["p"], p["q"], p.get("c", sp.Integer(0))
        if a <= 0 or b < 0:
            raise ValueError("trig: need p > 0 and q >= 0")
        expr = a * (x - c) ** 2 + b * sp.sin(x - c) ** 2
        mu: sp.Expr | None = 2 * (a - b) if b < a else None
        cert = "f'' = 2p + 2q cos(2(x - c)) in [2p - 2q, 2p + 2q]"
        if (a, b) == (1, 3):
            mu, cert = sp.Rational(1, 32), cert + "; mu = 1/32 by pl_certificate_trig"
        return ClassMember(family, (x,), expr, 2 * a + 2 * b, mu, b <= a, cert, dict(params))
    if family == "trig2":
        x = sp.symbols("x1 x2", real=True)
        h1, h2, b = p["h1"], p["h2"], p["q"]
        if h1 <= 0 or h2 <= 0 or b < 0:
            raise ValueError("trig2: need h > 0, q >= 0")
        expr = (h1 * x[0] ** 2 + h2 * x[1] ** 2) / 2 + b * (sp.sin(x[0]) ** 2 + sp.sin(x[1]) ** 2)
        return ClassMember(family, x, expr, max(h1, h2) + 2 * b, None, 2 * b <= min(h1, h2),
                           "diagonal Hessian h_i + 2q cos(2 x_i)", dict(params))
    if family == "least_squares":
        th = sp.symbols("t1 t2 t3", real=True)
        J = sp.Matrix(2, 3, list(p["J"]))
        ts = sp.Matrix(list(p.get("theta_star", (0, 0, 0))))
        if J.rank() < 2:
            raise ValueError("least_squares: J must have full row rank 2")
        r = J * ts - J * sp.Matrix(th)
        expr = sp.expand((r.T * r)[0] / 2)
        G = J * J.T  # 2x2: eigenvalues (tr +- sqrt(tr^2 - 4 det)) / 2
        tr, det = G.trace(), G.det()
        disc = sp.sqrt(tr**2 - 4 * det)
        return ClassMember(family, th, expr, (tr + disc) / 2, (tr - disc) / 2, True,
                           "L = lambda_max(J J^T) = lambda_max(J^T J), mu = lambda_min(J J^T)", dict(params))
    raise ValueError(f"unknown family {family!r}; choose one of {FAMILIES}")


def sample_params(family: str, rng, scale: int = 1) -> dict[str, object]:
    """Exact random parameters of ``family`` (edges: tiny/huge curvature ratios, q around p)."""
    def rat(lo: int, hi: int, den: int = 8) -> Fraction:
        return Fraction(rng.randint(lo, hi), rng.randint(1, den))

    if family == "quadratic":
        h1 = rat(1, 40) * scale
        h2 = h1 * Fraction(rng.choice([1, 2, 10, 1000]), rng.choice([1, 3, 7, 100]))
        return {"h1": h1, "h2": h2, "r": rat(-5, 5, 4), "c": (rat(-3, 3), rat(-3, 3))}
    if family == "trig":
        a = rat(1, 8, 4)
        return {"p": a, "q": a * Fraction(rng.choice([0, 1, 2, 5, 3]), rng.choice([1, 2, 4])),
                "c": rat(-2, 2, 3)}
    if family == "trig2":
        return {"h1": rat(1, 8, 3), "h2": rat(1, 8, 3), "q": rat(0, 10, 3)}
    if family == "least_squares":
        while True:
            J = tuple(rat(-4, 4, 3) for _ in range(6))
            if sp.Matrix(2, 3, [_q(v) for v in J]).rank() == 2:
                return {"J": J, "theta_star": tuple(rat(-2, 2, 3) for _ in range(3))}
    raise ValueError(f"unknown family {family!r}")


def pl_certificate_trig(mu: Fraction = Fraction(1, 32), grid: int = 6001) -> dict[str, object]:
    """Evidence that f = x^2 + 3 sin^2 x is mu-PL: |x| >= 3 by the tail argument
    (|f'| >= 2|x| - 3 >= |x| and f <= x^2 + 3 <= 2 x^2 there, so f'^2 / (2 f) >= 1/4);
    on [-3, 3] the ratio f'^2 / (2 f) is evaluated on a grid at 30 digits (near 0 it tends
    to 8 since f ~ 4 x^2).  Returns the grid minimum (a numeric check, not a proof)."""
    import mpmath as mp

    with mp.workdps(30):
        m = mp.inf
        for k in range(grid):
            x = -3 + mp.mpf(6) * k / (grid - 1)
            if x == 0:
                continue
            f = x**2 + 3 * mp.sin(x) ** 2
            g = 2 * x + 3 * mp.sin(2 * x)
            m = min(m, g**2 / (2 * f))
    return {"grid_min_ratio": float(m), "mu": str(mu), "holds_on_grid": bool(m >= mp.mpf(mu.numerator) / mu.denominator)}
