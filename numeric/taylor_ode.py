"""Taylor-series integration of an autonomous ODE dy/dt = F(y), F given as SymPy expressions,
at high precision in gmpy2 ``mpfr`` (much faster than mpmath's ``odefun`` at 50-150 digits).

The right-hand side is compiled once into a straight-line program (sums, products,
reciprocals, real powers, exp, log; sinh/cosh/tanh through exp); the Taylor coefficients of
y(t0 + s) are then computed order by order with the classical recurrences of automatic
differentiation (Moore; Jorba & Zou, *Exp. Math.* 14, 2005).  Each step uses order
N ~ 1.15 x digits and the step size from the decay of the last two coefficients, so that the
truncation error of a step stays below 10^-digits relative to the state (the same local error
control as mpmath's Taylor integrator).  Expressions the recurrences do not cover (abs, min,
max, atan) raise :class:`Unsupported`: callers fall back to :func:`numeric.dynamics.integrate_flow`.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from operator import mul

import gmpy2
import sympy as sp
from gmpy2 import mpfr


class Unsupported(Exception):
    """The right-hand side uses a function the coefficient recurrences do not cover."""


class Diverged(Exception):
    """The solution blew up, or the step size collapsed (a singularity ahead)."""


class TaylorFlow:
    """dy/dt = F(y, params) for ``field`` (SymPy expressions in ``state`` and ``params``)."""

    MAX_STEPS = 4000
    BLOW_UP = 1e60

    def __init__(self, field: Sequence[sp.Expr], state: Sequence[sp.Symbol],
                 params: Sequence[sp.Symbol] = ()):
        self.ops: list[tuple] = []
        self._index: dict[sp.Basic, int] = {}
        self.n = len(state)
        for i, s in enumerate(state):
            self._add(("var", i), s)
        for j, p in enumerate(params):
            self._add(("param", j), p)
        self.out = [self._node(sp.sympify(e)) for e in field]

    # ------------------------------------------------------------------ compiling
    def _add(self, op: tuple, key: sp.Basic | None = None) -> int:
        self.ops.append(op)
        k = len(self.ops) - 1
        if key is not None:
            self._index[key] = k
        return k

    def _node(self, e: sp.Basic) -> int:
        if e in self._index:
            return self._index[e]
        if e.is_Symbol:
            raise Unsupported(f"unknown symbol {e}")
        if e.is_Number:
            if not e.is_real:
                raise Unsupported(str(e))
            val = Fraction(int(e.p), int(e.q)) if e.is_Rational else str(sp.Float(e, 200))
            return self._add(("const", val), e)
        if e.is_number and not e.free_symbols:  # constants such as sqrt(2), exp(1)
            return self._add(("const", str(sp.N(e, 200))), e)
        if e.is_Add or e.is_Mul:
            kids = [self._node(a) for a in e.args]
            if e.is_Mul:  # constants and parameters first: they scale (O(1) per order)
                kids.sort(key=lambda k: not self._is_constant(k))
            cur = kids[0]
            for k in kids[1:]:
                if e.is_Add:
                    cur = self._add(("add", cur, k))
                elif self._is_constant(cur):
                    cur = self._add(("scale", k, cur))
                else:
                    cur = self._add(("mul", cur, k))
            self._index[e] = cur
            return cur
        if e.is_Pow:
            base, ex = e.base, e.exp
            if ex.is_Integer:
                n = int(ex)
                b = self._node(base)
                r = self._int_power(b, abs(n))
                out = self._add(("recip", r)) if n < 0 else r
            elif ex.is_Rational:
                out = self._add(("pow", self._node(base), Fraction(int(ex.p), int(ex.q))))
            else:  # b^x = exp(x log b)
                out = self._node(sp.exp(ex * sp.log(base)))
            self._index[e] = out
            return out
        if isinstance(e, sp.exp):
            return self._add(("exp", self._node(e.args[0])), e)
        if isinstance(e, sp.log):
            return self._add(("log", self._node(e.args[0])), e)
        if isinstance(e, sp.sinh | sp.cosh | sp.tanh):
            a = e.args[0]
            alt = {sp.sinh: (sp.exp(a) - sp.exp(-a)) / 2, sp.cosh: (sp.exp(a) + sp.exp(-a)) / 2,
                   sp.tanh: 1 - 2 / (sp.exp(2 * a) + 1)}[type(e)]
            out = self._node(alt)
            self._index[e] = out
            return out
        raise Unsupported(type(e).__name__)

    def _is_constant(self, k: int) -> bool:
        op = self.ops[k]
        if op[0] in ("const", "param"):
            return True
        if op[0] in ("add", "mul", "scale"):
            return self._is_constant(op[1]) and self._is_constant(op[2])
        return op[0] not in ("var",) and all(self._is_constant(a) for a in op[1:2])

    def _int_power(self, b: int, n: int) -> int:
        if n == 0:
            return self._add(("const", Fraction(1)))
        result, square = None, b
        while n:
            if n & 1:
                result = square if result is None else self._add(("mul", result, square))
            n >>= 1
            if n:
                square = self._add(("mul", square, square))
        assert result is not None
        return result

    # ------------------------------------------------------------------ one Taylor expansion
    def _coefficients(self, y: list, params: list, order: int) -> list[list]:
        """Taylor coefficients y_i[0..order] of the solution through y at s = 0."""
        ops = self.ops
        c: list[list] = [[] for _ in ops]
        ys = [[v] for v in y]
        zero = mpfr(0)
        for k in range(order):
            for idx, op in enumerate(ops):
                kind = op[0]
                cc = c[idx]
                if kind == "var":
                    cc.append(ys[op[1]][k])
                elif kind == "param":
                    cc.append(params[op[1]] if k == 0 else zero)
                elif kind == "const":
                    v = op[1]
                    cc.append((mpfr(v.numerator) / v.denominator if isinstance(v, Fraction) else mpfr(v))
                              if k == 0 else zero)
                elif kind == "add":
                    cc.append(c[op[1]][k] + c[op[2]][k])
                elif kind == "scale":  # node * constant
                    cc.append(c[op[1]][k] * c[op[2]][0])
                elif kind == "mul":
                    a, b = c[op[1]], c[op[2]]
                    cc.append(sum(map(mul, a[:k + 1], b[k::-1])) if k else a[0] * b[0])
                elif kind == "recip":
                    a = c[op[1]]
                    if k == 0:
                        if a[0] == 0:
                            raise Diverged("division by zero along the flow")
                        cc.append(1 / a[0])
                    else:
                        cc.append(-sum(map(mul, a[1:k + 1], cc[k - 1::-1])) / a[0])
                elif kind == "exp":
                    a = c[op[1]]
                    if k == 0:
                        cc.append(gmpy2.exp(a[0]))
                    else:
                        cc.append(sum(map(mul, map(mul, a[1:k + 1], range(1, k + 1)), cc[k - 1::-1])) / k)
                elif kind == "log":
                    a = c[op[1]]
                    if k == 0:
                        if a[0] <= 0:
                            raise Diverged("log of a non-positive value along the flow")
                        cc.append(gmpy2.log(a[0]))
                    else:
                        s = sum([j * cc[j] * a[k - j] for j in range(1, k)]) if k > 1 else zero
                        cc.append((a[k] - s / k) / a[0])
                elif kind == "pow":
                    a, alpha = c[op[1]], op[2]
                    al = mpfr(alpha.numerator) / alpha.denominator
                    if k == 0:
                        if a[0] <= 0:
                            raise Diverged("real power of a non-positive value along the flow")
                        cc.append(a[0] ** al)
                    else:
                        s = sum([(al * j - (k - j)) * a[j] * cc[k - j] for j in range(1, k + 1)])
                        cc.append(s / (k * a[0]))
            for i, o in enumerate(self.out):
                ys[i].append(c[o][k] / (k + 1))
        return ys

    # ------------------------------------------------------------------ integration
    def solve(self, y0: Sequence, times: Sequence, params: Sequence = (), digits: int = 50,
              max_steps: int | None = None) -> list[list]:
        """y at each of ``times`` (increasing, >= 0), as mpfr lists, to about ``digits``
        digits (local error per step below 10^-digits relative to the state); more than
        ``max_steps`` steps (default :attr:`MAX_STEPS`) raise :class:`Diverged`."""
        limit = self.MAX_STEPS if max_steps is None else max_steps
        bits = int(digits * 3.33) + 40
        with gmpy2.context(gmpy2.get_context(), precision=bits):
            y = [_mpfr(v) for v in y0]
            prm = [_mpfr(v) for v in params]
            order = max(12, int(1.15 * digits) + 6)
            tol = mpfr(10) ** (-digits - 6)
            t = mpfr(0)
            out = []
            steps = 0
            for target in times:
                target = _mpfr(target)
                while t < target:
                    steps += 1
                    if steps > limit:
                        raise Diverged("too many steps (a singularity or a stiff flow)")
                    ys = self._coefficients(y, prm, order)
                    scale = max(mpfr(1), max(abs(v) for v in y))
                    last = max(abs(col[order]) for col in ys)
                    prev = max(abs(col[order - 1]) for col in ys)
                    h = None
                    for m, size in ((order, last), (order - 1, prev)):
                        if size > 0:
                            r = (tol * scale / size) ** (mpfr(1) / m)
                            h = r if h is None else min(h, r)
                    h = (mpfr(target - t) if h is None else min(mpfr("0.9") * h, target - t))
                    if h <= 0 or h < mpfr(10) ** -30 * max(mpfr(1), target):
                        raise Diverged("step size collapsed (a singularity ahead)")
                    y = [_horner(col, h) for col in ys]
                    t = target if h == target - t else t + h
                    if any(not gmpy2.is_finite(v) or abs(v) > self.BLOW_UP for v in y):
                        raise Diverged(f"the flow blew up before t = {float(t):.4g}")
                out.append(list(y))
            return out


def _mpfr(v) -> mpfr:
    if isinstance(v, Fraction):
        return mpfr(v.numerator) / v.denominator
    if isinstance(v, int):
        return mpfr(v)
    return mpfr(str(v)) if not isinstance(v, mpfr) else v


def _horner(coeffs: list, h) -> mpfr:
    acc = coeffs[-1]
    for c in reversed(coeffs[:-1]):
        acc = acc * h + c
    return acc


__all__ = ["Diverged", "TaylorFlow", "Unsupported"]
