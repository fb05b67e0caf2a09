"""Hypothesis domains as objects: one definition gives the sampler, the search box, the
"not applicable" test and the hypotheses text of the report.

A :class:`Domain` is an ordered list of variables.  Each variable draws an exact value
(``Fraction``, a tuple of them for vectors and matrices, or a class member) from bounds that
may be open or closed and may depend on the variables before it (a step size as a fraction of
a cap that depends on the initial state).  ``derived`` names exact helper values (e.g. the
initial residual) usable in later bounds and in ``where`` predicates.  Edge cases (hand-picked
instances) are drawn first; after them the sampler cycles through dimensions, scales, both
closed endpoints and fractions of each cap close to 1, and never hits a strict bound.

Bounds and predicates are either SymPy expressions in the names of earlier variables and
derived values (then they are also constraints for the provers, and their text is printed from
the expression) or ``(text, callable)`` pairs evaluated on a :class:`State`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import mpmath as mp
import sympy as sp

from ..claim import ClaimError

if TYPE_CHECKING:
    import numpy as np

Bound = Any  # None | number | Fraction | sympy expression | (text, callable(State) -> value)

# Fractions of a dependent range drawn in turn after the edge cases (then uniform draws).
CAP_FRACTIONS = (Fraction(999, 1000), Fraction(1, 2), Fraction(1, 10), Fraction(99, 100),
                 Fraction(1, 1000), Fraction(9, 10), Fraction(3, 10))


def _frac(x: Any) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, sp.Rational):
        return Fraction(int(x.p), int(x.q))
    if isinstance(x, float):
        return Fraction(x).limit_denominator(10**12)
    raise TypeError(f"not an exact rational: {x!r}")


class State(Mapping[str, Any]):
    """The values drawn so far plus the derived helper values (computed on demand, exactly)."""

    def __init__(self, domain: Domain, values: Mapping[str, Any]):
        self._domain = domain
        self._values = dict(values)
        self._cache: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key in self._values:
            return self._values[key]
        if key in self._cache:
            return self._cache[key]
        if key in self._domain.derived:
            text, fn = self._domain.derived[key]
            self._cache[key] = value = _evaluate(fn, self)
            return value
        if key == "d":
            return self._domain.dimension_of(self._values)
        raise KeyError(key)

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _evaluate(fn: Any, state: State) -> Any:
    """A bound/derived value at a state: exact for SymPy expressions and callables."""
    if callable(fn) and not isinstance(fn, sp.Basic):
        return fn(state)
    e = sp.sympify(fn)
    if e.is_Number:
        return _frac(e) if e.is_Rational else e
    sub = {}
    for s in e.free_symbols:
        v = state[str(s)]
        if isinstance(v, tuple):
            raise ClaimError(f"bound {e} uses the vector {s}: give a callable for it")
        sub[s] = sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else v
    v = e.xreplace(sub)
    return _frac(v) if v.is_Rational else v


def _text(b: Any) -> str:
    if isinstance(b, tuple) and len(b) == 2 and isinstance(b[0], str):
        return b[0]
    if isinstance(b, Fraction):
        return str(b)
    return sp.sstr(sp.sympify(b))


def _below(cap: Any, u: Fraction, lo: Fraction) -> Fraction:
    """lo + u (cap - lo) as an exact rational, strictly inside when 0 < u < 1 (cap may be
    irrational: rounded inside the interval and checked exactly)."""
    if isinstance(cap, Fraction):
        return lo + u * (cap - lo)
    c = sp.nsimplify(cap) if not isinstance(cap, sp.Basic) else cap
    approx = Fraction(mp.mpf(sp.N(c, 40))).limit_denominator(10**15)
    x = lo + u * (approx - lo)
    for _ in range(60):
        if 0 < u < 1 and not (sp.Rational(x.numerator, x.denominator) < c):
            x = lo + (x - lo) * Fraction(999999, 1000000)
            continue
        break
    return x


@dataclass(frozen=True)
class Var:
    """Base of the domain's variables."""

    name: str

    def draw(self, rng: random.Random, j: int, state: State) -> Any:  # pragma: no cover
        raise NotImplementedError

    def admits(self, value: Any, state: State) -> bool:  # pragma: no cover
        raise NotImplementedError

    def text(self) -> str:  # pragma: no cover
        raise NotImplementedError

    def unit_size(self, d: int) -> int:
        return 1

    def from_unit(self, x: Sequence[float], state: State, d: int) -> Any:  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True)
class Real(Var):
    """A real number in (lo, hi) / [lo, hi] (bounds may depend on earlier variables).

    ``lo``/``hi`` None means unbounded on that side; ``log=True`` draws log-uniformly (positive
    ranges spanning decades; default when 0 <= lo and hi/lo > 100 or hi is unbounded).
    ``typical`` is the range searched and drawn when a side is unbounded (default 1e-3..1e3
    in magnitude)."""

    lo: Bound = None
    hi: Bound = None
    lo_open: bool = False
    hi_open: bool = False
    log: bool | None = None
    typical: tuple[float, float] = (1e-3, 1e3)

    def _bounds(self, state: State) -> tuple[Any, Any]:
        lo = None if self.lo is None else _evaluate(_fn(self.lo), state)
        hi = None if self.hi is None else _evaluate(_fn(self.hi), state)
        return lo, hi

    def admits(self, value: Any, state: State) -> bool:
        if not isinstance(value, Fraction):
            return False
        lo, hi = self._bounds(state)
        x = sp.Rational(value.numerator, value.denominator)
        if lo is not None:
            lo_ = _sym(lo)
            ok = bool(x > lo_) if self.lo_open else bool(x >= lo_)
            if not ok:
                return False
        if hi is not None:
            hi_ = _sym(hi)
            ok = bool(x < hi_) if self.hi_open else bool(x <= hi_)
            if not ok:
                return False
        return True

    def draw(self, rng: random.Random, j: int, state: State) -> Fraction:
        lo, hi = self._bounds(state)
        if lo is not None and hi is not None:
            lo_f = _frac_floor(lo)
            if _sym(hi) <= _sym(lo):
                raise _Empty(f"{self.name}: empty range {_text(self.lo)} .. {_text(self.hi)}")
            if j % 9 == 4 and not self.lo_open and isinstance(lo, Fraction):
                return lo
            if j % 9 == 8 and not self.hi_open and isinstance(hi, Fraction):
                return hi
            u = CAP_FRACTIONS[j % len(CAP_FRACTIONS)] if j < 3 * len(CAP_FRACTIONS) else \
                Fraction(rng.uniform(0.0005, 0.9995)).limit_denominator(10**6)
            if self._is_log(lo, hi):
                a, b = math.log(float(lo_f)), math.log(float(_frac_floor(hi)))
                return _frac(math.exp(a + float(u) * (b - a)))
            return _below(hi, u, lo_f)
        sign_lo = lo if lo is not None else None
        t_lo, t_hi = self.typical
        mag = _frac(math.exp(rng.uniform(math.log(t_lo), math.log(t_hi))))
        if lo is None and hi is None:
            return mag if rng.random() < 0.5 else -mag
        if hi is None:
            base = _frac_floor(sign_lo)
            x = base + mag
            return x if (x > base or not self.lo_open) else base + Fraction(1, 10**6)
        base = _frac_floor(hi)
        return base - mag

    def _is_log(self, lo: Any, hi: Any) -> bool:
        if self.log is not None:
            return self.log
        try:
            lf, hf = float(lo), float(hi)
        except TypeError:
            return False
        return lf > 0 and hf / lf > 100

    def text(self) -> str:
        lo = "" if self.lo is None else f"{_text(self.lo)} {'<' if self.lo_open else '<='} "
        hi = "" if self.hi is None else f" {'<' if self.hi_open else '<='} {_text(self.hi)}"
        if not lo and not hi:
            return f"{self.name} real"
        return f"{lo}{self.name}{hi}"

    def from_unit(self, x: Sequence[float], state: State, d: int) -> Fraction | None:
        lo, hi = self._bounds(state)
        u = min(max(float(x[0]), 1e-9), 1 - 1e-9)
        if lo is not None and hi is not None:
            if _sym(hi) <= _sym(lo):
                return None
            if self._is_log(lo, hi):
                a, b = math.log(float(lo)), math.log(float(_frac_floor(hi)))
                return _frac(math.exp(a + u * (b - a)))
            return _below(hi, _frac(u), _frac_floor(lo))
        t_lo, t_hi = self.typical
        mag = _frac(math.exp(math.log(t_lo) + u * (math.log(t_hi) - math.log(t_lo))))
        if lo is None and hi is None:
            return _frac((2 * u - 1) * t_hi)
        if hi is None:
            return _frac_floor(lo) + mag
        return _frac_floor(hi) - mag


@dataclass(frozen=True)
class Vec(Var):
    """A vector of d reals, each in [lo, hi] (open ends as for :class:`Real`); ``dims`` lists
    the dimensions to cycle through (the first :class:`Vec` with ``dims`` fixes d for all
    vectors of the domain)."""

    lo: Fraction | int | None = -2
    hi: Fraction | int | None = 2
    dims: tuple[int, ...] | None = None
    lo_open: bool = False
    hi_open: bool = False
    nonzero: bool = False

    def _component(self) -> Real:
        return Real(self.name, self.lo, self.hi, self.lo_open, self.hi_open)

    def admits(self, value: Any, state: State) -> bool:
        if not isinstance(value, tuple) or not value:
            return False
        c = self._component()
        ok = all(c.admits(v, state) for v in value)
        return ok and (not self.nonzero or any(v != 0 for v in value))

    def draw(self, rng: random.Random, j: int, state: State) -> tuple[Fraction, ...]:
        d = state["d"]
        c = self._component()
        while True:
            out = tuple(c.draw(rng, j * 7 + k + rng.randint(0, 5), state) for k in range(d))
            if not self.nonzero or any(out):
                return out

    def text(self) -> str:
        dims = f", d in {{{', '.join(map(str, self.dims))}}}" if self.dims else ""
        lo = "-inf" if self.lo is None else str(self.lo)
        hi = "inf" if self.hi is None else str(self.hi)
        br = ("(" if self.lo_open else "[") + f"{lo}, {hi}" + (")" if self.hi_open else "]")
        return f"{self.name} in {br}^d{dims}" + (" (not all 0)" if self.nonzero else "")

    def unit_size(self, d: int) -> int:
        return d

    def from_unit(self, x: Sequence[float], state: State, d: int) -> tuple[Fraction, ...] | None:
        c = self._component()
        vals = [c.from_unit([xi], state, d) for xi in x]
        return None if any(v is None for v in vals) else tuple(vals)


@dataclass(frozen=True)
class Int(Var):
    """An integer in [lo, hi] (stored as an exact Fraction with denominator 1)."""

    lo: int = 1
    hi: int = 10

    def admits(self, value: Any, state: State) -> bool:
        return isinstance(value, Fraction) and value.denominator == 1 and self.lo <= value <= self.hi

    def draw(self, rng: random.Random, j: int, state: State) -> Fraction:
        span = self.hi - self.lo + 1
        return Fraction(self.lo + (j % span if j < span else rng.randrange(span)))

    def text(self) -> str:
        return f"{self.name} integer in [{self.lo}, {self.hi}]"

    def from_unit(self, x: Sequence[float], state: State, d: int) -> Fraction:
        return Fraction(self.lo + min(int(float(x[0]) * (self.hi - self.lo + 1)), self.hi - self.lo))


@dataclass(frozen=True)
class Member(Var):
    """A member of a class of objects (e.g. an admissible loss) drawn by ``generator(rng, j)``.

    The member's ``str()`` must state it exactly (a formula a reader can check): it is what a
    counterexample shows.  ``admissible(member)`` (optional) is the class's membership test."""

    generator: Callable[[random.Random, int], Any] = None  # type: ignore[assignment]
    description: str = ""
    admissible: Callable[[Any], bool] | None = None
    pool: int = 12  # members the search can move between

    def admits(self, value: Any, state: State) -> bool:
        return value is not None and (self.admissible is None or bool(self.admissible(value)))

    def draw(self, rng: random.Random, j: int, state: State) -> Any:
        return self.generator(rng, j)

    def text(self) -> str:
        return f"{self.name}: {self.description or 'a member of the class'}"

    def from_unit(self, x: Sequence[float], state: State, d: int) -> Any:
        k = min(int(float(x[0]) * self.pool), self.pool - 1)
        return self.generator(random.Random(f"member:{self.name}:{k}"), k)


@dataclass(frozen=True)
class Choice(Var):
    """One of finitely many exact options (numbers, tuples or labels)."""

    options: tuple[Any, ...] = ()

    def admits(self, value: Any, state: State) -> bool:
        return value in self.options

    def draw(self, rng: random.Random, j: int, state: State) -> Any:
        return self.options[j % len(self.options)] if j < 2 * len(self.options) else rng.choice(self.options)

    def text(self) -> str:
        return f"{self.name} in {{{', '.join(map(str, self.options))}}}"

    def from_unit(self, x: Sequence[float], state: State, d: int) -> Any:
        return self.options[min(int(float(x[0]) * len(self.options)), len(self.options) - 1)]


class _Empty(Exception):
    pass


def _fn(b: Bound) -> Any:
    if isinstance(b, tuple) and len(b) == 2 and isinstance(b[0], str):
        return b[1]
    return b


def _sym(v: Any) -> sp.Expr:
    if isinstance(v, Fraction):
        return sp.Rational(v.numerator, v.denominator)
    return sp.sympify(v)


def _frac_floor(v: Any) -> Fraction:
    """An exact rational for a bound (irrational bounds: a rational within 1e-15)."""
    if isinstance(v, Fraction):
        return v
    e = sp.sympify(v)
    if e.is_Rational:
        return _frac(e)
    return Fraction(mp.mpf(sp.N(e, 40))).limit_denominator(10**15)


Predicate = tuple[str, Callable[[State], bool]] | sp.Basic


@dataclass(frozen=True)
class Domain:
    """The hypotheses of a claim as an object (see the module docstring)."""

    variables: tuple[Var, ...]
    derived: Mapping[str, tuple[str, Any]] = field(default_factory=dict)
    where: tuple[Predicate, ...] = ()
    edges: tuple[Mapping[str, Any], ...] = ()
    note: str = ""
    max_tries: int = 400

    def __init__(self, *variables: Var, derived: Mapping[str, Any] | None = None,
                 where: Iterable[Predicate] = (), edges: Iterable[Mapping[str, Any]] = (),
                 note: str = "", max_tries: int = 400):
        names = [v.name for v in variables]
        if len(set(names)) != len(names):
            raise ClaimError(f"domain has repeated variable names: {names}")
        der = {}
        for k, v in (derived or {}).items():
            der[k] = v if (isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str)) else (
                sp.sstr(v), v)
        object.__setattr__(self, "variables", tuple(variables))
        object.__setattr__(self, "derived", der)
        object.__setattr__(self, "where", tuple(where))
        object.__setattr__(self, "edges", tuple(dict(e) for e in edges))
        object.__setattr__(self, "note", note)
        object.__setattr__(self, "max_tries", max_tries)

    # ------------------------------------------------------------------ structure

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]

    def var(self, name: str) -> Var:
        for v in self.variables:
            if v.name == name:
                return v
        raise ClaimError(f"domain has no variable {name!r} (has {self.names})")

    @property
    def dims(self) -> tuple[int, ...]:
        for v in self.variables:
            if isinstance(v, Vec) and v.dims:
                return v.dims
        return (1,)

    def dimension_of(self, values: Mapping[str, Any]) -> int:
        for v in self.variables:
            if isinstance(v, Vec) and isinstance(values.get(v.name), tuple):
                return len(values[v.name])
        return values.get("__d__", self.dims[0])

    def with_(self, *variables: Var, where: Iterable[Predicate] | None = None,
              edges: Iterable[Mapping[str, Any]] | None = None, note: str | None = None,
              derived: Mapping[str, Any] | None = None) -> Domain:
        """The same domain with the named variables replaced (or appended), optionally new
        ``where``/``edges``/``note``/extra ``derived`` values: how a reading changes a hypothesis."""
        new = list(self.variables)
        for v in variables:
            idx = next((i for i, w in enumerate(new) if w.name == v.name), None)
            if idx is None:
                new.append(v)
            else:
                new[idx] = v
        der = dict(self.derived)
        der.update(derived or {})
        return Domain(*new, derived=der, where=self.where if where is None else where,
                      edges=self.edges if edges is None else edges,
                      note=self.note if note is None else note, max_tries=self.max_tries)

    def restrict(self, *predicates: Predicate, note: str | None = None) -> Domain:
        """The same domain with extra predicates."""
        return Domain(*self.variables, derived=self.derived, where=(*self.where, *predicates),
                      edges=[e for e in self.edges if self._where_ok(e, predicates)],
                      note=self.note if note is None else note, max_tries=self.max_tries)

    # ------------------------------------------------------------------ membership

    def contains(self, inst: Mapping[str, Any]) -> bool:
        """Exact membership: every variable within its bounds and every predicate true."""
        if any(n not in inst for n in self.names):
            return False
        state = State(self, {})
        for v in self.variables:
            try:
                if not v.admits(inst[v.name], State(self, _partial(inst, self.names, v.name))):
                    return False
            except (TypeError, ZeroDivisionError, KeyError):
                return False
        state = State(self, {n: inst[n] for n in self.names})
        return self._where_ok(state, self.where)

    def _where_ok(self, values: Mapping[str, Any], preds: Iterable[Predicate]) -> bool:
        state = values if isinstance(values, State) else State(self, values)
        for p in preds:
            try:
                if isinstance(p, tuple):
                    ok = bool(p[1](state))
                else:
                    ok = bool(_evaluate_rel(p, state))
            except (ZeroDivisionError, KeyError, TypeError):
                return False
            if not ok:
                return False
        return True

    # ------------------------------------------------------------------ sampling

    def sample(self, rng: random.Random, i: int) -> dict[str, Any]:
        """The i-th instance: edge cases first, then draws cycling through the edges of every
        variable's range.  Every instance is inside the domain (checked exactly)."""
        if i < len(self.edges):
            e = self.edges[i]
            if not self.contains(e):
                raise ClaimError(f"edge case {e} lies outside the domain ({self.text()})")
            return {n: e[n] for n in self.names}
        j = i - len(self.edges)
        dims = self.dims
        last = "no draw"
        for attempt in range(self.max_tries):
            d = dims[(j + attempt) % len(dims)] if j < 3 * len(dims) else rng.choice(dims)
            values: dict[str, Any] = {"__d__": d}
            try:
                for v in self.variables:
                    values[v.name] = v.draw(rng, j + attempt * 13, State(self, values))
            except _Empty as exc:
                last = str(exc)
                continue
            except ZeroDivisionError:
                last = "a bound divides by zero"
                continue
            inst = {n: values[n] for n in self.names}
            if self.contains(inst):
                return inst
            last = "a predicate failed"
        raise ClaimError(f"empty hypothesis region? no instance found in {self.max_tries} draws "
                         f"({last}): {self.text()}")

    def sampler(self) -> Callable[[random.Random, int], dict[str, Any]]:
        return self.sample

    # ------------------------------------------------------------------ search box

    def search_layout(self, d: int | None = None) -> list[tuple[Var, int]]:
        d = d or self.dims[0]
        return [(v, v.unit_size(d)) for v in self.variables]

    def from_unit(self, x: Sequence[float], d: int | None = None) -> dict[str, Any] | None:
        """Map a point of the unit cube to an instance (None outside the hypotheses)."""
        d = d or self.dims[0]
        values: dict[str, Any] = {"__d__": d}
        k = 0
        for v, size in self.search_layout(d):
            try:
                val = v.from_unit(x[k:k + size], State(self, values), d)
            except (ZeroDivisionError, _Empty, TypeError):
                return None
            if val is None:
                return None
            values[v.name] = val
            k += size
        inst = {n: values[n] for n in self.names}
        return inst if self.contains(inst) else None

    def search_dimension(self, d: int | None = None) -> int:
        return sum(size for _, size in self.search_layout(d))

    # ------------------------------------------------------------------ text and constraints

    def text(self) -> str:
        parts = [v.text() for v in self.variables]
        for k, (t, _) in self.derived.items():
            parts.append(f"{k} := {t}")
        for p in self.where:
            parts.append(p[0] if isinstance(p, tuple) else sp.sstr(p))
        out = "; ".join(parts)
        if self.edges:
            out += f"; {len(self.edges)} hand-picked edge case(s) drawn first"
        return out + (f". {self.note}" if self.note else "")

    def constraints(self) -> list[sp.Basic] | None:
        """The domain as SymPy relations over scalar variables, when every bound and predicate
        is symbolic (None otherwise): what the exact provers receive."""
        out: list[sp.Basic] = []
        subs = {k: sp.sympify(fn) for k, (t, fn) in self.derived.items()
                if isinstance(fn, sp.Basic | int | Fraction)}
        if len(subs) != len(self.derived):
            return None
        for v in self.variables:
            if not isinstance(v, Real):
                return None
            x = sp.Symbol(v.name, real=True)
            for b, op in ((v.lo, ">" if v.lo_open else ">="), (v.hi, "<" if v.hi_open else "<=")):
                if b is None:
                    continue
                if isinstance(b, tuple) or callable(b) and not isinstance(b, sp.Basic):
                    return None
                rhs = _sym(_frac(b) if isinstance(b, int | float) else b)
                out.append(sp.Rel(x, _resolve(rhs, subs), op))
        for p in self.where:
            if isinstance(p, tuple):
                return None
            out.append(_resolve(p, subs))
        return out


def _resolve(e: sp.Basic, subs: Mapping[str, sp.Basic]) -> sp.Basic:
    """Replace derived names by their definitions, and symbols by real symbols of that name."""
    e = sp.sympify(e)
    for _ in range(5):
        rep = {s: subs[str(s)] for s in e.free_symbols if str(s) in subs}
        if not rep:
            break
        e = e.xreplace(rep)
    return e.xreplace({s: sp.Symbol(str(s), real=True) for s in e.free_symbols})


def _partial(inst: Mapping[str, Any], names: list[str], upto: str) -> dict[str, Any]:
    out = {}
    for n in names:
        if n == upto:
            break
        out[n] = inst[n]
    return out


def _evaluate_rel(rel: sp.Basic, state: State) -> bool:
    sub = {}
    for s in rel.free_symbols:
        v = state[str(s)]
        sub[s] = sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else v
    out = rel.xreplace(sub)
    if out not in (sp.true, sp.false):
        out = sp.simplify(out)
    if out not in (sp.true, sp.false):
        raise TypeError(f"predicate {rel} undecided at {dict(state)}")
    return bool(out)


def symbols_point(inst: Mapping[str, Any], symbols: Iterable[sp.Symbol]) -> dict[sp.Symbol, sp.Rational]:
    """Map an instance to exact values for SymPy symbols: scalar ``x`` -> x, vector ``a`` ->
    a1..ad (1-based, as :mod:`symbolic.models` names components), matrix ``X`` -> X_i_j."""
    out: dict[sp.Symbol, sp.Rational] = {}
    for s in symbols:
        name = str(s)
        if name in inst and isinstance(inst[name], Fraction):
            v = inst[name]
        else:
            v = _component(inst, name)
            if v is None:
                raise ClaimError(f"no value for symbol {name} in the domain's instance {sorted(inst)}")
        out[s] = sp.Rational(v.numerator, v.denominator)
    return out


def _component(inst: Mapping[str, Any], name: str) -> Fraction | None:
    import re

    m = re.fullmatch(r"([A-Za-z]+?)_?(\d+)(?:_(\d+))?", name)
    if not m:
        return None
    base, i, j = m.group(1), int(m.group(2)), m.group(3)
    val = inst.get(base)
    if not isinstance(val, tuple):
        return None
    if j is None:
        return val[i - 1] if 1 <= i <= len(val) and isinstance(val[i - 1], Fraction) else None
    row = val[i - 1] if 1 <= i <= len(val) else None
    jj = int(j)
    return row[jj - 1] if isinstance(row, tuple) and 1 <= jj <= len(row) else None


def replace_var(var: Var, **changes: Any) -> Var:
    """A copy of a variable with some fields changed (e.g. a closed bound made open)."""
    return replace(var, **changes)


def unit_box(n: int) -> list[tuple[float, float]]:
    return [(0.0, 1.0)] * n


def as_array(x: Sequence[float]) -> np.ndarray:
    import numpy as np  # here: start-up of one-line conjectures

    return np.asarray(x, dtype=float)
