"""Models and their vocabularies for one-line conjectures (``python -m theorems models``).

A :class:`ModelSpec` names a model of :mod:`symbolic`, the quantities a conjecture may use,
the standing hypotheses of the model (e.g. ``Phi > 0``) and how to instantiate it in a given
dimension.  Every state-dependent quantity ``X`` also exists

* after one GD step as ``X_next`` (the SymPy expression evaluated at x - eta grad L(x)),
* along a GD trajectory as ``X[t]``, ``X[t+1]``, ``X[0]`` (``--kind trajectory`` / ``rate``).

Names ending in ``_i`` (``Q_i``, ``a_i``, ``h_i`` ...) carry a neuron/coordinate index: a
conjecture using them must hold for every i = 1..d.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property

import sympy as sp

from symbolic.catalog_models import diagonal_quadratic, single_neuron
from symbolic.models import Model, shallow_linear

from .claim import ClaimError


@dataclass(frozen=True)
class Term:
    """One name of a model's vocabulary."""

    name: str
    description: str
    role: str  # "state" (moves with GD: has _next and [t]), "param" (fixed), "special"
    indexed: bool = False  # name ends in _i: one value per neuron/coordinate
    d1_only: bool = False  # a scalar only when d = 1 (e.g. the weights a, b)


@dataclass
class Instance:
    """A model instantiated in one dimension: the SymPy expression of every term."""

    d: int
    model: Model
    inputs: tuple[sp.Symbol, ...]  # sampled variables: state, params, eta
    state: tuple[sp.Symbol, ...]
    values: dict[str, sp.Expr]  # non-indexed terms
    indexed: dict[str, tuple[sp.Expr, ...]]  # indexed terms, one expression per i
    standing: list[sp.Basic]  # standing hypotheses as SymPy relations
    cumulative: dict[str, tuple[str, sp.Expr]]  # name -> (description, summand at step k)
    positive_inputs: frozenset[sp.Symbol] = frozenset()
    arrays: dict[str, sp.MatrixBase] = field(default_factory=dict)  # vectors/matrices by name


@dataclass
class ModelSpec:
    """A model a conjecture can talk about.

    ``vocabulary`` is the dict of its names, or a function building it: then it is built on first
    use of :attr:`terms` (some models' names come from a SymPy model that is slow to build, and a
    conjecture on another model never needs them)."""

    name: str
    title: str
    has_dim: bool
    vocabulary: dict[str, Term] | Callable[[], dict[str, Term]]
    standing_text: str
    build: Callable[[int], Instance]
    notes: str = ""
    max_dim: int = 8
    default_dims: tuple[int, ...] = (1, 2, 3)
    cumulative_text: dict[str, str] = field(default_factory=dict)

    @cached_property
    def terms(self) -> dict[str, Term]:
        """The model's names (built on first use when :attr:`vocabulary` is a function)."""
        return self.vocabulary() if callable(self.vocabulary) else self.vocabulary

    def instance(self, d: int) -> Instance:
        if not self.has_dim:
            d = 1
        return _instance_cached(self.name, d)

    def describe(self) -> str:
        lines = [f"{self.name}: {self.title}"]
        lines.append(f"  standing hypotheses: {self.standing_text}")
        if self.has_dim:
            lines.append(f"  dimension: d (default: try d = {', '.join(map(str, self.default_dims))}; "
                         f"select with an assumption such as 'd == 2'; d <= {self.max_dim})")
        width = max(len(t) for t in self.terms) + 2
        groups = (("state quantities (also X_next after one GD step, X[t] along a trajectory)",
                   "state"), ("parameters (fixed along a run)", "param"))
        for head, role in groups:
            lines.append(f"  {head}:")
            for t in self.terms.values():
                if t.role == role:
                    lines.append(f"    {t.name:<{width}}{t.description}")
        if self.cumulative_text:
            lines.append("  trajectory sums (only as S[t], --kind trajectory/rate):")
            for name, text in self.cumulative_text.items():
                lines.append(f"    {name + '[t]':<{width}}{text}")
        if self.notes:
            lines.append(f"  notes: {self.notes}")
        return "\n".join(lines)


# ------------------------------------------------------------------ shallow linear network


def _shallow(d: int) -> Instance:
    m = shallow_linear(d)
    a, b = m.state[:d], m.state[d:]
    (Phi,) = m.params
    values = {k: v for k, v in m.quantities.items() if not (k[0] == "Q" and k[1:].isdigit())}
    values["Phi"] = Phi
    values["eta"] = m.eta
    if d == 1:
        values["a"], values["b"] = a[0], b[0]
    indexed = {
        "a_i": tuple(a),
        "b_i": tuple(b),
        "Q_i": tuple(m.quantity(f"Q{i + 1}") for i in range(d)),
    }
    return Instance(d, m, (*m.state, Phi, m.eta), m.state, values, indexed,
                    standing=[Phi > 0],
                    cumulative={"S": ("sum_{k<t} eps[k]^2", m.quantity("eps") ** 2)},
                    positive_inputs=frozenset({Phi, m.eta}))


def _shallow_terms() -> dict[str, Term]:
    m = shallow_linear(2)
    terms = [Term(k, v, "state") for k, v in m.descriptions.items()
             if not (k[0] == "Q" and k[1:].isdigit())]
    terms += [
        Term("a", "the weight a (a scalar: only when d = 1; else use a_i)", "state", d1_only=True),
        Term("b", "the weight b (a scalar: only when d = 1; else use b_i)", "state", d1_only=True),
        Term("a_i", "component i of a (for every i)", "state", indexed=True),
        Term("b_i", "component i of b (for every i)", "state", indexed=True),
        Term("Q_i", "per-neuron imbalance a_i^2 - b_i^2 (for every i)", "state", indexed=True),
        Term("Phi", "target, Phi > 0", "param"),
        Term("eta", "step size, eta > 0", "param"),
        Term("d", "width (number of neurons)", "param"),
    ]
    return {t.name: t for t in terms}


# ------------------------------------------------------------------ single neuron


def _neuron(d: int) -> Instance:
    m = single_neuron()
    values = dict(m.quantities)
    values["eta"] = m.eta
    return Instance(1, m, (*m.state, m.eta), m.state, values, {}, standing=[], cumulative={},
                    positive_inputs=frozenset({m.eta}))


def _neuron_terms() -> dict[str, Term]:
    m = single_neuron()
    terms = [Term(k, v, "state") for k, v in m.descriptions.items()]
    terms.append(Term("eta", "step size, eta > 0", "param"))
    return {t.name: t for t in terms}


# ------------------------------------------------------------------ diagonal quadratic


def _quadratic(d: int) -> Instance:
    m = diagonal_quadratic(d)
    xs, hs = m.state, m.params
    values = {k: v for k, v in m.quantities.items() if not (k[0] in "xh" and k[1:].isdigit())}
    values["eta"] = m.eta
    if d == 1:
        values["x"], values["h"] = xs[0], hs[0]
    indexed = {"x_i": tuple(xs), "h_i": tuple(hs)}
    return Instance(d, m, (*xs, *hs, m.eta), m.state, values, indexed, standing=[],
                    cumulative={"G": ("sum_{k<t} ||grad L(x_k)||^2", m.quantities["gnorm2"])},
                    positive_inputs=frozenset({*hs, m.eta}))


def _quadratic_terms() -> dict[str, Term]:
    m = diagonal_quadratic(2)
    terms = [Term(k, v, "state") for k, v in m.descriptions.items()
             if not (k[0] in "xh" and k[1:].isdigit()) and k not in ("hmax", "hmin")]
    terms += [
        Term("x", "the coordinate (a scalar: only when d = 1; else use x_i)", "state", d1_only=True),
        Term("x_i", "coordinate i (for every i)", "state", indexed=True),
        Term("h", "the curvature (only when d = 1; else use h_i, hmax, hmin)", "param", d1_only=True),
        Term("h_i", "curvature i > 0 (for every i)", "param", indexed=True),
        Term("hmax", "largest curvature (the sharpness)", "param"),
        Term("hmin", "smallest curvature", "param"),
        Term("eta", "step size, eta > 0", "param"),
        Term("d", "dimension", "param"),
    ]
    return {t.name: t for t in terms}


# ------------------------------------------------------------------ registry of models


@cache
def _specs() -> dict[str, ModelSpec]:
    specs = [
        ModelSpec("shallow_linear",
                  "two-layer scalar linear network L(a, b) = (a.b - Phi)^2 / 2 on R^d x R^d "
                  "(Beneventano & Woodworth)",
                  True, _shallow_terms, "Phi > 0, eta > 0", _shallow,
                  cumulative_text={"S": "sum_{k<t} eps[k]^2 (S[0] = 0)"},
                  notes="GD: a+ = a - eta eps b, b+ = b - eta eps a. "
                  "Q = sum_i |Q_i|; Q2gram = lam^2 - 4 ab^2 equals Q^2 only when d = 1."),
        ModelSpec("single_neuron",
                  "single neuron f(x, y) = ell_sym(x y), ell_sym(s) = log(1+e^-s)/2 + "
                  "log(1+e^s)/2 (Ahn et al., Sec. 2)",
                  False, _neuron_terms, "eta > 0", _neuron,
                  notes="GD: x+ = x - eta ell'(s) y, y+ = y - eta ell'(s) x; ell''(0) = 1/4."),
        ModelSpec("diagonal_quadratic",
                  "quadratic L(x) = sum_i h_i x_i^2 / 2 on R^d with curvatures h_i > 0",
                  True, _quadratic_terms, "h_i > 0, eta > 0", _quadratic,
                  cumulative_text={"G": "sum_{k<t} ||grad L(x_k)||^2 (G[0] = 0)"},
                  notes="GD: x_i+ = (1 - eta h_i) x_i."),
    ]
    from .vocabulary_loureiro import specs as loureiro_specs  # least squares, diagonal network
    from .vocabulary_mms import mms_specs  # local: vocabulary_mms builds on this module's types

    specs += mms_specs()
    specs += loureiro_specs()
    from .vocabulary_mmv import mmv_specs  # the mmv survey's models

    specs += mmv_specs()
    return {s.name: s for s in specs}


@cache
def _instance_cached(name: str, d: int) -> Instance:
    return _specs()[name].build(d)


def model_names() -> list[str]:
    return list(_specs())


def get_model(name: str) -> ModelSpec:
    try:
        return _specs()[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, list(_specs()), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ClaimError(f"unknown model {name!r}{hint}; known models: "
                         f"{', '.join(_specs())} (see 'python -m theorems models')") from None


def describe_all() -> str:
    parts = [s.describe() for s in _specs().values()]
    parts.append(
        "Grammar: numbers (exact: 0.1 means 1/10), + - * / ** (or ^), parentheses, comparisons "
        "< <= > >= == (chains a < b < c allowed), 'and' / ',' between assumptions; functions: "
        "abs, sqrt, exp, log, min, max, tanh, sinh, cosh, atan; O(...) on the right of a "
        "--kind rate claim.")
    return "\n\n".join(parts)
