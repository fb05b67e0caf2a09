"""Losses ell: R -> R for the single-neuron model f(x, y) = ell(x y) (Ahn et al., Sec. 2, App. C).

A :class:`Loss` is given by its derivative on the half-line, ``g(u) = ell'(u)`` for ``u >= 0``,
as a list of SymPy pieces ``[lo, hi) -> expr(u)`` with exact rational breakpoints; for ``s < 0``
the derivative is the odd extension ``ell'(s) = -g(-s)`` (so ell is even by construction), unless
a separate ``neg`` branch is given (used to build *non-even* test losses that (A1) must reject).
``ell`` itself is ``ell(0) + int_0^{|s|} g``; a closed form ``ell_expr`` may be attached.

Everything a check needs is derived here: ell'' per piece (SymPy), mpmath evaluators of
ell, ell', ell'', ell'(s)/s, and a human-readable formula for counterexample reports.

Also here: the paper's Example-1 losses (``ell_sym``, ``ell_rsym``, ``ell_sqr``, ``huber``,
``ell_beta``) and :func:`admissible_loss`, a generator of members of the class defined by
(A1), (A2) (and (A3) where stated), parametrised by exact rationals.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import mpmath as mp
import sympy as sp

u = sp.Symbol("u", nonnegative=True)  # the half-line variable of g(u) = ell'(u), u >= 0
s = sp.Symbol("s", real=True)  # the variable of ell(s) on R
OO = sp.oo


def _gmpy_rpow(gmpy2):
    """b**(p/q) for mpfr b >= 0: the q-th root, correctly rounded (MPFR's sqrt and cbrt are
    several times faster than its general rootn and round identically), then the power p."""
    sqrt, cbrt, rootn = gmpy2.sqrt, gmpy2.cbrt, gmpy2.rootn

    def rpow(b, p, q):
        r = sqrt(b) if q == 2 else cbrt(b) if q == 3 else rootn(b, q)
        return r if p == 1 else r ** p

    return rpow


@dataclass(frozen=True)
class Piece:
    lo: sp.Rational
    hi: sp.Expr  # rational or sp.oo
    expr: sp.Expr  # in the symbol u

    def contains(self, x: Fraction) -> bool:
        return self.lo <= sp.Rational(x.numerator, x.denominator) and (
            self.hi is OO or sp.Rational(x.numerator, x.denominator) < self.hi)


def _R(x) -> sp.Rational:
    if isinstance(x, Fraction):
        return sp.Rational(x.numerator, x.denominator)
    return sp.nsimplify(x) if not isinstance(x, sp.Basic) else x


@dataclass
class Loss:
    """An even (by construction) loss given by ell' on [0, oo), see the module docstring.

    ``beta``: the exponent declared for (A2)/(A3) (``sp.oo`` for beta = +infinity);
    ``c_a2``: a declared witness c of (A2) (if known); ``C_a3``: a declared witness C of (A3)
    (None if (A3) is not claimed); ``family`` and ``params``: how the generator built it.
    """

    name: str
    pieces: tuple[Piece, ...]
    beta: sp.Expr = OO
    c_a2: sp.Rational | None = None
    C_a3: sp.Rational | None = None
    neg: tuple[Piece, ...] | None = None  # ell'(s) = -neg(-s) for s < 0 (None: odd extension)
    ell_expr: sp.Expr | None = None  # closed form of ell(s) on R, if known
    family: str = "example"
    curv: sp.Rational = sp.Integer(1)  # ell''(0) (1 under (A1); 1/4 for ell_sym)
    params: dict[str, Fraction] = field(default_factory=dict)
    notes: str = ""

    def __post_init__(self) -> None:
        ps = self.pieces
        if not ps or ps[0].lo != 0 or ps[-1].hi is not OO:
            raise ValueError(f"{self.name}: pieces must cover [0, oo)")
        for a, b in zip(ps, ps[1:], strict=False):
            if a.hi != b.lo:
                raise ValueError(f"{self.name}: pieces must be contiguous")

    # ------------------------------------------------------------ identity / display

    @property
    def key(self) -> str:
        return self.name + "|" + ",".join(f"{k}={v}" for k, v in sorted(self.params.items()))

    def formula(self) -> str:
        """ell'(s) written out, for counterexample reports."""
        def branch(pcs: Sequence[Piece]) -> str:
            parts = []
            for p in pcs:
                rng = f"{p.lo} <= u < {p.hi}" if p.hi is not OO else f"u >= {p.lo}"
                parts.append(f"{sp.sstr(p.expr)} if {rng}")
            return "; ".join(parts)

        text = f"ell'(s) = sgn(s) g(|s|), g(u) = {branch(self.pieces)}"
        if self.neg is not None:
            text += f"  [for s < 0: ell'(s) = -h(-s), h(u) = {branch(self.neg)}]"
        if self.ell_expr is not None:
            text += f"  (ell(s) = {sp.sstr(self.ell_expr)})"
        return text

    def __str__(self) -> str:
        return self.formula()

    def describe(self) -> dict[str, str]:
        out = {"loss": self.formula(), "beta": str(self.beta)}
        if self.c_a2 is not None:
            out["c (A2)"] = str(self.c_a2)
        if self.C_a3 is not None:
            out["C (A3)"] = str(self.C_a3)
        return out

    # ------------------------------------------------------------ symbolic pieces

    @cached_property
    def dpieces(self) -> tuple[Piece, ...]:
        """ell''(u) = g'(u) per piece (u > 0)."""
        return tuple(Piece(p.lo, p.hi, sp.diff(p.expr, u)) for p in self.pieces)

    def piece_at(self, x: Fraction, negative: bool = False) -> Piece:
        pcs = self.neg if (negative and self.neg is not None) else self.pieces
        for p in pcs:
            if p.contains(x):
                return p
        raise ValueError(x)

    @cached_property
    def ell_pieces(self) -> tuple[Piece, ...]:
        """ell(u) - ell(0) on [0, oo) per piece (antiderivatives, SymPy)."""
        out = []
        acc = sp.Integer(0)
        for p in self.pieces:
            prim = sp.integrate(p.expr, (u, p.lo, u))
            out.append(Piece(p.lo, p.hi, sp.simplify(acc + prim)))
            if p.hi is not OO:
                acc = sp.simplify(acc + prim.subs(u, p.hi))
        return tuple(out)

    # ------------------------------------------------------------ mpmath evaluation

    @cached_property
    def _fns(self):
        def lam(pcs):
            return [(mp.mpf(int(p.lo.p)) / int(p.lo.q),
                     None if p.hi is OO else mp.mpf(int(p.hi.p)) / int(p.hi.q),
                     sp.lambdify(u, p.expr, modules="mpmath")) for p in pcs]

        pos = lam(self.pieces)
        neg = lam(self.neg) if self.neg is not None else pos
        dpos = lam(self.dpieces)
        dneg = lam(tuple(Piece(p.lo, p.hi, sp.diff(p.expr, u)) for p in self.neg)) if self.neg else dpos
        return pos, neg, dpos, dneg

    @staticmethod
    def _eval(fns, x):
        for _lo, hi, f in fns:
            if hi is None or x < hi:
                return mp.mpf(f(x))
        raise ValueError(x)

    @cached_property
    def _gmpy_fns(self):
        """ell' per piece for gmpy2 (MPFR) evaluation, or None when a piece uses a function
        without an MPFR counterpart (callers then use the mpmath evaluators).

        Each piece becomes ``f(u, c0, c1, ...)``: rational powers ``b**(p/q)`` are written
        ``rootn(b, q)**p`` (much faster than a general power), and every constant subexpression
        that is not an integer (e.g. 6 sqrt(15)/125) is a parameter ``c_i``, evaluated once per
        run at the precision of the active gmpy2 context (see :meth:`gmpy_dl`)."""
        try:
            import gmpy2
        except ImportError:  # pragma: no cover - gmpy2 is the mpmath backend here
            return None
        names = {"mpf": gmpy2.mpfr, "sqrt": gmpy2.sqrt, "tanh": gmpy2.tanh, "exp": gmpy2.exp,
                 "log": gmpy2.log, "cosh": gmpy2.cosh, "sinh": gmpy2.sinh, "atan": gmpy2.atan,
                 "rpow": _gmpy_rpow(gmpy2)}
        allowed = {"sqrt", "tanh", "exp", "log", "cosh", "sinh", "atan"}
        rpow = sp.Function("rpow")

        def prepare(expr):
            consts: dict = {}

            def rec(e):
                if not e.has(u):
                    if e.is_Integer:
                        return e
                    return consts.setdefault(e, sp.Symbol(f"_c{len(consts)}"))
                if e.is_Pow and e.exp.is_Rational and not e.exp.is_Integer:
                    return rpow(rec(e.base), int(e.exp.p), int(e.exp.q))
                if not e.args:
                    return e
                return e.func(*[rec(a) for a in e.args], evaluate=False)

            body = rec(expr)
            syms = list(consts.values())
            return sp.lambdify([u, *syms], body, modules=[names, "mpmath"]), list(consts)

        def lam(pcs):
            out = []
            for p in pcs:
                fnames = {type(f).__name__.lower() for f in p.expr.atoms(sp.Function)}
                if not fnames <= allowed:
                    return None
                f, consts = prepare(p.expr)
                out.append((None if p.hi is OO else p.hi, f, consts))
            return out

        pos = lam(self.pieces)
        neg = lam(self.neg) if self.neg is not None else pos
        return None if pos is None or neg is None else (pos, neg)

    def gmpy_dl(self):
        """ell' on R as a function of gmpy2 mpfr values, with its constants evaluated in the
        active gmpy2 context (None if not available for this loss).

        The branch selection is compiled once per precision into straight-line Python
        (``if v >= 0: if v < hi_0: return f_0(v, ...)``), constant pieces are precomputed,
        and the result is not re-wrapped: every non-constant piece returns an mpfr."""
        fns = self._gmpy_fns
        if fns is None:
            return None
        import gmpy2

        prec = gmpy2.get_context().precision
        cache = self.__dict__.setdefault("_gmpy_dl_cache", {})
        if prec not in cache:
            cache[prec] = self._compile_gmpy_dl(fns, gmpy2)
        return cache[prec]

    def _compile_gmpy_dl(self, fns, gmpy2):
        mpfr = gmpy2.mpfr
        digits = int(gmpy2.get_context().precision * 0.30103) + 20

        def num(c):
            return mpfr(int(c.p)) / int(c.q) if c.is_Rational else mpfr(str(sp.N(c, digits)))

        namespace: dict = {}
        lines = ["def dl(v):"]

        def branch(br, tag: str, var: str, sign: str, indent: str) -> None:
            for i, (hi, f, cs) in enumerate(br):
                name = f"{tag}{i}"
                args = [var]
                for j, c in enumerate(cs):
                    namespace[f"{name}_c{j}"] = num(c)
                    args.append(f"{name}_c{j}")
                probe = f(mpfr(1), *[namespace[a] for a in args[1:]])
                if not isinstance(probe, mpfr) and isinstance(f(mpfr(2), *[namespace[a] for a in args[1:]]), int):
                    namespace[name] = -mpfr(probe) if sign == "-" else mpfr(probe)  # a constant piece
                    value = name
                else:
                    namespace[f"{name}_f"] = f
                    value = f"{sign}{name}_f({', '.join(args)})"
                if hi is None:
                    lines.append(f"{indent}return {value}")
                    return
                namespace[f"{name}_hi"] = num(hi)
                lines.append(f"{indent}if {var} < {name}_hi:")
                lines.append(f"{indent}    return {value}")
            lines.append(f"{indent}raise ValueError({var})")

        lines.append("    if v >= 0:")
        branch(fns[0], "p", "v", "", "        ")
        lines.append("    w = -v")
        branch(fns[1], "n", "w", "-", "    ")
        exec(compile("\n".join(lines), f"<ell' of {self.name}>", "exec"), namespace)  # noqa: S102 - our own code
        return namespace["dl"]

    def g(self, x) -> mp.mpf:
        """ell'(x) for x >= 0 (mpmath)."""
        return self._eval(self._fns[0], x)

    def dl(self, x) -> mp.mpf:
        """ell'(x) on R (mpmath)."""
        if x >= 0:
            return self._eval(self._fns[0], x)
        return -self._eval(self._fns[1], -x)

    def d2l(self, x) -> mp.mpf:
        """ell''(x) on R away from breakpoints (mpmath)."""
        return self._eval(self._fns[2], x) if x >= 0 else self._eval(self._fns[3], -x)

    def ratio(self, x) -> mp.mpf:
        """ell'(x)/x for x != 0."""
        return self.dl(x) / x

    @cached_property
    def _ell_closed(self):
        return None if self.ell_expr is None else sp.lambdify(s, self.ell_expr, modules="mpmath")

    def ell(self, x) -> mp.mpf:
        """ell(x) - ell(0) (mpmath; closed form if known, else quadrature of ell' piecewise)."""
        if self._ell_closed is not None:
            return mp.mpf(self._ell_closed(x)) - mp.mpf(self._ell_closed(0))
        a = abs(mp.mpf(x))
        pts = [mp.mpf(0)] + [mp.mpf(int(p.hi.p)) / int(p.hi.q) for p in self.pieces[:-1]
                             if mp.mpf(int(p.hi.p)) / int(p.hi.q) < a] + [a]
        if self.neg is not None and x < 0:
            return mp.quad(lambda v: self._eval(self._fns[1], v), pts)
        return mp.quad(self.g, pts)


# ---------------------------------------------------------------- Example 1 and friends


def ell_logi(z: sp.Expr) -> sp.Expr:
    return sp.log(1 + sp.exp(-z))


def ell_sym() -> Loss:
    """Symmetrised logistic loss (Sec. 1.2, footnote 2): ell'' (0) = 1/4, not normalised."""
    return Loss("ell_sym", (Piece(sp.Integer(0), OO, sp.tanh(u / 2) / 2),), beta=sp.Integer(2),
                ell_expr=(ell_logi(s) + ell_logi(-s)) / 2,
                curv=sp.Rational(1, 4), notes="ell''(0) = 1/4: violates the normalisation of (A1)")


def ell_rsym() -> Loss:
    """Example 1: ell_rsym(s) = 1/2 ell_logi(-2s) + 1/2 ell_logi(2s); the paper's constant c = 1/4."""
    return Loss("ell_rsym", (Piece(sp.Integer(0), OO, sp.tanh(u)),), beta=sp.Integer(2),
                c_a2=sp.Rational(1, 4), C_a3=sp.Rational(1, 3),
                ell_expr=(ell_logi(-2 * s) + ell_logi(2 * s)) / 2)


def ell_sqr() -> Loss:
    """Example 1: ell_sqr(s) = sqrt(1 + s^2); the paper's constant c = 2/5."""
    return Loss("ell_sqr", (Piece(sp.Integer(0), OO, u / sp.sqrt(1 + u**2)),), beta=sp.Integer(2),
                c_a2=sp.Rational(2, 5), C_a3=sp.Rational(1, 2), ell_expr=sp.sqrt(1 + s**2))


def huber() -> Loss:
    """Example 1: Huber loss, (A2) with beta = +oo."""
    return Loss("huber", (Piece(sp.Integer(0), sp.Integer(1), u), Piece(sp.Integer(1), OO, sp.Integer(1))),
                beta=OO, ell_expr=sp.Piecewise((s**2 / 2, sp.Abs(s) <= 1), (sp.Abs(s) - sp.Rational(1, 2), True)))


def beta_constants(beta: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(c_beta, r_beta) of Example 1: c = (beta/(beta+1))^beta/(beta+1), r = (beta+1)/beta."""
    return (beta / (beta + 1)) ** beta / (beta + 1), (beta + 1) / beta


def ell_beta(beta) -> Loss:
    """Example 1: ell_beta'(s) = s(1 - c_beta |s|^beta) for |s| < r_beta, sgn(s) beyond.

    For rational beta = p/q, r_beta^beta is rational only for special beta; the breakpoint
    r_beta = (beta+1)/beta is rational and c_beta may be an algebraic number (exact in SymPy).
    """
    b = _R(Fraction(beta))
    c, r = beta_constants(b)
    c = sp.nsimplify(c)
    c_l = sp.Min(c, r)
    return Loss(f"ell_beta[{b}]", (Piece(sp.Integer(0), r, u * (1 - c * u**b)), Piece(r, OO, sp.Integer(1))),
                beta=b, c_a2=c_l, C_a3=c, family="ell_beta", params={"beta": Fraction(beta)})


def example1(betas: Sequence = (Fraction(3, 2), Fraction(2), Fraction(3))) -> list[Loss]:
    return [ell_rsym(), ell_sqr(), huber(), *[ell_beta(b) for b in betas]]


# ---------------------------------------------------------------- generator of admissible losses
#
# Families (all exact rational parameters; ell' = odd extension of g):
#   "algebraic": g(u) = u (1 + (k u)^p)^(-1/p),  p > 1, k >= 1: smooth, beta = p, (A3) holds.
#   "capped":    g(u) = u - a u^(b+1) on [0, u1), constant g(u1) beyond; u1 <= the point where
#                g' = 0 (convexity boundary when equal); cap level <= 1 (Lipschitz boundary at 1).
#   "kinked":    like "capped" but after a flat stretch of ell' (ell'' = 0 on [u1, u2]) ell'
#                rises again linearly with slope m <= 1 to a level h2 <= 1: ell'' vanishes on
#                an interval (boundary of strict convexity) and has two kinks.
#   "flat":      g(u) = u - a u^3 on [0, u1], then linear up to the diagonal at u2, g(u) = u on
#                [u2, u3] (ell'(s)/s = 1 on a stretch away from 0: (A2) holds, (A2+) fails),
#                constant u3 <= 1 beyond; beta = 2.
#   "huberlike": g(u) = u on [0, a], constant a <= 1 beyond (beta = +oo).


def _q(x: Fraction) -> sp.Rational:
    return sp.Rational(x.numerator, x.denominator)


def algebraic(p: Fraction, k: Fraction) -> Loss | None:
    if not (p > 1 and k >= 1):
        return None
    P, K = _q(p), _q(k)
    expr = u * (1 + (K * u) ** P) ** (-1 / P)
    # 1 - g/u = (k u)^p / p + O(u^{2p}); (A2): c = min(k^p/(2p), ...) -- a safe witness:
    # (1+z)^(-1/p) <= 1 - z/(2p) for 0 <= z <= 1, so c = min(k^p/(2p), 1/k) works.
    c = sp.Min(K**P / (2 * P), 1 / K)
    return Loss(f"algebraic[p={p},k={k}]", (Piece(sp.Integer(0), OO, expr),), beta=P, c_a2=c,
                C_a3=K**P / P, family="algebraic", params={"p": p, "k": k})


def capped(b: Fraction, a: Fraction, frac: Fraction) -> Loss | None:
    """g = u - a u^(b+1) up to u1 = frac * u*, u* = (1/(a(b+1)))^(1/b) the top of the hump.

    ``b`` must be an integer or ``u1`` must make u1^b rational: we take b integer or 1/2-integer
    and round u1 to a rational; the constraints are re-checked exactly."""
    if not (b > 1 and a > 0 and 0 < frac <= 1):
        return None
    B, A = _q(b), _q(a)
    ustar = (1 / (A * (B + 1))) ** (1 / B)
    u1 = sp.Rational(Fraction(float(ustar * _q(frac))).limit_denominator(1000))
    if u1 <= 0 or sp.N(u1 - ustar, 30) > 0:
        u1 = sp.Rational(Fraction(float(ustar)).limit_denominator(1000))
        while sp.N(u1 - ustar, 30) > 0:
            u1 -= sp.Rational(1, 1000)
    expr = u - A * u ** (B + 1)
    level = sp.nsimplify(expr.subs(u, u1))
    if sp.N(level - 1, 30) > 0 or level <= 0:
        return None
    c = sp.Min(A, u1)
    # (A3): 1 - g/u <= max(a, 1/level^2) u^b ... on the cap 1 - level/u <= 1 <= (u/u1)^b; take
    # C = max(a, u1^-b).
    C = sp.Max(A, u1 ** (-B))
    return Loss(f"capped[b={b},a={a},u1={u1}]", (Piece(sp.Integer(0), u1, expr), Piece(u1, OO, level)),
                beta=B, c_a2=c, C_a3=C, family="capped", params={"b": b, "a": a, "frac": frac})


def kinked(b: Fraction, a: Fraction, stretch: Fraction, m: Fraction) -> Loss | None:
    """g = u - a u^(b+1) up to its top u*, flat (ell'' = 0) on [u*, u* + stretch], then slope m
    until level 1, constant 1 beyond.  b integer (so u* is rational when chosen below)."""
    if not (b > 1 and b.denominator == 1 and a > 0 and stretch > 0 and 0 < m <= 1):
        return None
    B, A = _q(b), _q(a)
    # choose u* rational: a = 1/((b+1) u*^b) would make u* rational if we fix u* instead of a
    ustar = sp.Rational(Fraction(float((1 / (A * (B + 1))) ** (1 / B))).limit_denominator(100))
    A = 1 / ((B + 1) * ustar**B)
    h1 = ustar - A * ustar ** (B + 1)
    if h1 >= 1:
        return None
    u2 = ustar + _q(stretch)
    u3 = u2 + (1 - h1) / _q(m)
    pieces = (Piece(sp.Integer(0), ustar, u - A * u ** (B + 1)), Piece(ustar, u2, h1),
              Piece(u2, u3, h1 + _q(m) * (u - u2)), Piece(u3, OO, sp.Integer(1)))
    return Loss(f"kinked[b={b},u*={ustar},u2={u2},m={m}]", pieces, beta=B, c_a2=sp.Min(A, ustar),
                C_a3=sp.Max(A, ustar ** (-B)), family="kinked",
                params={"b": b, "a": Fraction(int(A.p), int(A.q)), "stretch": stretch, "m": m})


def flat(a: Fraction, u1: Fraction, u2: Fraction, u3: Fraction) -> Loss | None:
    """The (A2)-but-not-(A2+) family: ell'(s)/s = 1 on [u2, u3] (catalogue ahn.A2plus/theorem2)."""
    if not (a > 0 and 0 < u1 < u2 < u3 <= 1 and 3 * a * u1 * u1 <= 1):
        return None
    A, U1, U2, U3 = _q(a), _q(u1), _q(u2), _q(u3)
    g1 = U1 - A * U1**3
    slope = (U2 - g1) / (U2 - U1)
    pieces = (Piece(sp.Integer(0), U1, u - A * u**3), Piece(U1, U2, g1 + slope * (u - U1)),
              Piece(U2, U3, u), Piece(U3, OO, U3))
    return Loss(f"flat[a={a},u1={u1},u2={u2},u3={u3}]", pieces, beta=sp.Integer(2), c_a2=sp.Min(A, U1),
                C_a3=sp.Max(A, 1 / U3**2), family="flat", params={"a": a, "u1": u1, "u2": u2, "u3": u3},
                notes="ell'(s)/s = 1 on [u2, u3]: satisfies (A2), violates (A2+)")


def huberlike(a: Fraction) -> Loss | None:
    if not (0 < a <= 1):
        return None
    A = _q(a)
    return Loss(f"huberlike[a={a}]", (Piece(sp.Integer(0), A, u), Piece(A, OO, A)), beta=OO,
                family="huberlike", params={"a": a})


FAMILIES = ("algebraic", "capped", "kinked", "flat", "huberlike")


def build(family: str, params: Sequence[Fraction]) -> Loss | None:
    """A member of ``family`` from exact parameters (None outside the family's constraints)."""
    f = {"algebraic": algebraic, "capped": capped, "kinked": kinked, "flat": flat,
         "huberlike": huberlike}[family]
    try:
        return f(*params)
    except (ValueError, ZeroDivisionError):
        return None


def _fr(rng: random.Random, lo: float, hi: float, den: int = 100) -> Fraction:
    return Fraction(rng.uniform(lo, hi)).limit_denominator(den)


def admissible_loss(rng: random.Random, i: int, families: Sequence[str] = FAMILIES,
                    finite_beta: bool = False, betas: Sequence[Fraction] | None = None) -> Loss:
    """The i-th member drawn from the class (cycling through the families and their edges).

    ``finite_beta``: only members with beta < oo; ``betas``: restrict the (A2) exponent."""
    fams = [f for f in families if not (finite_beta and f == "huberlike")]
    fam = fams[i % len(fams)]
    edge = (i // len(fams)) % 3  # 0: interior, 1: near a boundary, 2: at a boundary
    for _ in range(200):
        bsel = Fraction(rng.choice(list(betas))) if betas else None
        if fam == "algebraic":
            p = bsel or rng.choice([Fraction(3, 2), Fraction(2), Fraction(3), Fraction(4)])
            k = [_fr(rng, 1, 3), Fraction(101, 100), Fraction(1)][edge]
            loss = algebraic(p, k)
        elif fam == "capped":
            b = bsel or rng.choice([Fraction(2), Fraction(3), Fraction(4)])
            if b.denominator != 1:
                b = Fraction(2)
            a = _fr(rng, 0.05, 0.5)
            frac = [_fr(rng, 0.5, 0.95), Fraction(99, 100), Fraction(1)][edge]
            loss = capped(b, a, frac)
        elif fam == "kinked":
            b = bsel if bsel is not None and bsel.denominator == 1 else rng.choice([Fraction(2), Fraction(3)])
            a = _fr(rng, 0.1, 0.6)
            stretch = [_fr(rng, 0.1, 1), Fraction(1, 100), Fraction(2)][edge]
            m = [_fr(rng, 0.2, 1), Fraction(1), Fraction(1, 20)][edge]
            loss = kinked(b, a, stretch, m)
        elif fam == "flat":
            a = _fr(rng, 0.3, 2, 10)
            u1 = Fraction(rng.randint(10, 35), 100)
            u2 = u1 + Fraction(rng.randint(5, 20), 100)
            u3 = min(Fraction(1), u2 + [Fraction(rng.randint(10, 50), 100), Fraction(1, 100), Fraction(1)][edge])
            loss = flat(a, u1, u2, u3)
        else:
            a = [_fr(rng, 0.3, 1), Fraction(99, 100), Fraction(1)][edge]
            loss = huberlike(a)
        if loss is not None:
            return loss
    raise ValueError(f"could not draw a member of family {fam}")
