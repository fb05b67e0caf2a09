"""Library layer of the ``loureiro`` paper: designs (X, y, theta_0), their domains, tolerances.

A *design* is drawn exactly (rational entries) from a shape (n, d) and an integer seed, so an
instance of a domain is ``{"shape": (n, d), "seed": k, ...}`` and every computation (and every
re-evaluation at higher precision) starts from the same exact X, y, theta_0.  The exact inputs
are printed in each counterexample by :func:`describe_design`.

Design kinds (``kind`` argument): ``"generic"`` (Gaussian-like rationals, full rank, checked
exactly), ``"range"`` (y = X w: an interpolator exists even when n > d), ``"rowspace0"``
(theta_0 = X^T w lies in span(x_1..x_n)), ``"sparse"`` (y = X theta_star with a 2-sparse
theta_star, theta_0 = 0).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction as F
from functools import lru_cache
from typing import Any

import mpmath as mp
import sympy as sp
from flint import fmpq_mat

from numeric import least_squares as nls
from symbolic import least_squares as ls
from theorems.spec import Choice, Domain, Int


class Shape(tuple):
    """(n, d) as exact integers, printed as n x d."""

    def __str__(self) -> str:
        return f"{self[0]}x{self[1]}"

    __repr__ = __str__


def shapes(*pairs: tuple[int, int]) -> tuple[Shape, ...]:
    return tuple(Shape((F(n), F(d))) for n, d in pairs)


# catalogue sizes: n < d pairs and n >= d pairs (the largest ones only where cheap)
UNDER = shapes((2, 3), (4, 7), (3, 6), (10, 40))
UNDER_SMALL = shapes((2, 3), (4, 7), (3, 6))
OVER = shapes((7, 4), (8, 3), (3, 2))
SQUARE = shapes((2, 2), (3, 3))


@dataclass(frozen=True)
class Design:
    """Exact data: X (n x d, rows), y (n), theta0 (d)."""

    X: tuple[tuple[F, ...], ...]
    y: tuple[F, ...]
    theta0: tuple[F, ...]

    @property
    def n(self) -> int:
        return len(self.X)

    @property
    def d(self) -> int:
        return len(self.X[0])

    # exact SymPy views
    def Xs(self) -> sp.Matrix:
        return ls.as_matrix(self.X)

    def ys(self) -> sp.Matrix:
        return ls.as_vector(self.y)

    def t0s(self) -> sp.Matrix:
        return ls.as_vector(self.theta0)

    # mpmath views at the current precision
    def Xm(self) -> mp.matrix:
        return nls.matrix(self.X)

    def ym(self) -> mp.matrix:
        return nls.vector(self.y)

    def t0m(self) -> mp.matrix:
        return nls.vector(self.theta0)

    def text(self) -> dict[str, str]:
        return {"X (rows)": "; ".join("[" + ", ".join(map(str, r)) + "]" for r in self.X),
                "y": "[" + ", ".join(map(str, self.y)) + "]",
                "theta0": "[" + ", ".join(map(str, self.theta0)) + "]"}


def _q(rng: random.Random, scale: float = 1.0, den: int = 8) -> F:
    return F(round(rng.gauss(0.0, scale) * den), den)


def exact_rank(rows: Sequence[Sequence[F]]) -> int:
    """Exact rank of a rational matrix (python-flint)."""
    return fmpq_mat(len(rows), len(rows[0]), [_fq(x) for r in rows for x in r]).rank()


def _fq(x: F):
    from flint import fmpq

    return fmpq(x.numerator, x.denominator)


@lru_cache(maxsize=512)
def make_design(n: int, d: int, seed: int, kind: str = "generic") -> Design:
    """The exact design of the given shape/seed/kind (deterministic)."""
    rng = random.Random(f"loureiro:{kind}:{n}x{d}:{seed}")
    for _ in range(50):
        X = tuple(tuple(_q(rng) for _ in range(d)) for _ in range(n))
        if exact_rank(X) == min(n, d):
            break
    else:  # pragma: no cover - a Gaussian design is full rank almost surely
        raise ValueError("no full-rank design found")
    theta0 = tuple(_q(rng, 1.0, 4) for _ in range(d))
    if kind == "generic":
        y = tuple(_q(rng, 1.0, 4) for _ in range(n))
    elif kind == "range":
        w = tuple(_q(rng, 1.0, 4) for _ in range(d))
        y = tuple(sum(X[i][j] * w[j] for j in range(d)) for i in range(n))
    elif kind == "rowspace0":
        y = tuple(_q(rng, 1.0, 4) for _ in range(n))
        w = tuple(_q(rng, 1.0, 2) or F(1) for _ in range(n))
        theta0 = tuple(sum(X[i][j] * w[i] for i in range(n)) for j in range(d))
    elif kind == "sparse":
        star = [F(0)] * d
        star[0], star[min(2, d - 1)] = F(1), F(-3, 2)
        y = tuple(sum(X[i][j] * star[j] for j in range(d)) for i in range(n))
        theta0 = tuple(F(0) for _ in range(d))
    else:
        raise ValueError(f"unknown design kind {kind!r}")
    return Design(X, y, theta0)


def design_of(inst: Mapping[str, Any], kind: str | None = None) -> Design:
    """The design of a domain instance (``shape``, ``seed`` and optionally ``kind`` index)."""
    n, d = (int(x) for x in inst["shape"])
    k = kind if kind is not None else KINDS[int(inst.get("kind", F(0)))]
    return make_design(n, d, int(inst["seed"]), k)


KINDS = ("generic", "range", "rowspace0", "sparse")


def design_domain(shapes: Sequence[tuple[F, F]], kinds: Sequence[str] = ("generic",), *extra: Any,
                  note: str = "", where: Sequence[Any] = ()) -> Domain:
    """Domain over exact random designs: ``shape`` in ``shapes``, ``seed`` in 0..10^6, ``kind``
    among ``kinds`` (the data are built by :func:`make_design`), plus ``extra`` variables."""
    kind_var = Choice("kind", options=tuple(F(KINDS.index(k)) for k in kinds))
    text = {"generic": "generic y, theta0", "range": "y = X w in range(X)",
            "rowspace0": "theta0 = X^T w in span(x_i)", "sparse": "y = X theta* (2-sparse), theta0 = 0"}
    kinds_text = "; ".join(f"kind {KINDS.index(k)}: {text[k]}" for k in kinds)
    return Domain(Choice("shape", options=tuple(shapes)), kind_var, Int("seed", 0, 10**6), *extra,
                  where=where,
                  note=("designs X with exact rational entries (Gaussian, rounded to 1/8), full rank "
                        f"rank X = min(n, d) checked exactly; {kinds_text}. " + note).strip())


def describe_design(inst: Mapping[str, Any], _dps: int = 0, kind: str | None = None) -> dict[str, str]:
    return design_of(inst, kind).text()


def describer(*more: Callable[[Mapping[str, Any], int], Mapping[str, Any]]):
    """describe(inst, dps): the exact design plus further measured values."""

    def describe(inst, dps):
        out: dict[str, Any] = dict(describe_design(inst))
        for f in more:
            out.update(f(inst, dps))
        return out

    return describe


def tol(dps: int) -> mp.mpf:
    """Relative tolerance for high-precision identities: 10^(-0.8 dps)."""
    return mp.mpf(10) ** (-(4 * dps) // 5)


def flag(ok: bool) -> mp.mpf:
    """An exact yes/no as a slack (+1 holds, -1 violated)."""
    return mp.mpf(1) if ok else mp.mpf(-1)


def exact_certify(fn: Callable[[Mapping[str, Any]], Any]):
    """certify(inst) for slacks that are exact rationals: the arb ball of the exact value."""
    from flint import arb

    def certify(inst):
        v = fn(inst)
        if v is None:
            return None
        v = sp.Rational(v)
        return arb(int(v.p)) / int(v.q)

    return certify


def gen_rationals(rng: random.Random, symbols: Sequence[sp.Symbol], lo: int = -5, hi: int = 5,
                  nonzero: bool = True) -> dict[sp.Symbol, sp.Rational]:
    """Random small rationals for the symbols (a witness sampler for Identity)."""
    out = {}
    for s in symbols:
        while True:
            v = sp.Rational(rng.randint(lo, hi), rng.randint(1, 4))
            if v != 0 or not nonzero:
                break
        if s.is_positive:
            v = abs(v)
        if s.is_negative:
            v = -abs(v)
        out[s] = v
    return out


def witness_sampler(*exprs: Any, guard: Callable[[dict], bool] | None = None):
    """Identity ``sample``: random small rationals for every free symbol of ``exprs`` (redrawn
    until ``guard`` holds, e.g. a matrix stays invertible)."""
    syms = sorted(set().union(*(sp.sympify(e).free_symbols for e in exprs)), key=str)

    def draw(rng):
        for _ in range(200):
            pt = gen_rationals(rng, syms)
            if guard is None or guard(pt):
                return pt
        raise ValueError("no admissible witness point")

    return draw


def sqrt_factored(e: sp.Expr) -> sp.Expr:
    """Rewrite every sqrt(a) as sqrt(factor(a)) so perfect squares come out (|.| of them)."""
    return e.replace(lambda x: isinstance(x, sp.Pow) and x.exp.is_Rational and x.exp.q == 2,
                     lambda x: sp.Pow(sp.factor(x.base), x.exp))


def on_designs(slack: Callable[[Mapping[str, Any], int], Any], domain: Domain, label: str, *,
               exact: Callable[[Mapping[str, Any]], Any] | None = None, samples: int | None = None,
               more: Sequence[Callable[[Mapping[str, Any], int], Mapping[str, Any]]] = (),
               figure: Callable[[Mapping[str, Any], str], None] | None = None,
               float64: bool = False, method: str = "mpmath sampling"):
    """A :class:`Holds` over designs: counterexamples print the exact X, y, theta0;
    ``exact(inst)`` (the slack as an exact rational) makes the evidence rigorous (ball
    arithmetic of the exact value)."""
    from theorems.spec import Holds

    return Holds(slack, domain, label=label, describe=describer(*more), figure=figure,
                 certify=exact_certify(exact) if exact is not None else None, samples=samples,
                 search=False, float64=float64, method=method)


def mpf_exact(v: Any) -> mp.mpf:
    """An mpf of an exact SymPy rational / Fraction at the current precision."""
    v = sp.Rational(v)
    return mp.mpf(int(v.p)) / int(v.q)


def cayley(k: int, name: str) -> sp.Matrix:
    """A k x k orthogonal matrix with symbolic entries: the Cayley transform (I - S)(I + S)^{-1}
    of a skew-symmetric S with free real parameters name1, name2, ... (it is orthogonal
    identically; such matrices are dense among orthogonal matrices without eigenvalue -1)."""
    S = sp.zeros(k, k)
    c = 0
    for i in range(k):
        for j in range(i + 1, k):
            c += 1
            s = sp.Symbol(f"{name}{c}", real=True)
            S[i, j], S[j, i] = s, -s
    Q = (sp.eye(k) - S) * (sp.eye(k) + S).inv()
    return Q.applyfunc(sp.cancel)


def svd_symbolic(n: int, d: int) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix, list[sp.Symbol]]:
    """(U, D, V, sigmas): X = U D V^T with U, V symbolic orthogonal (Cayley), D n x d diagonal
    with positive symbols sigma1..sigma_min(n,d)."""
    U, V = cayley(n, "a"), cayley(d, "b")
    sig = [sp.Symbol(f"sigma{j + 1}", positive=True) for j in range(min(n, d))]
    D = sp.zeros(n, d)
    for j, s in enumerate(sig):
        D[j, j] = s
    return U, D, V, sig
