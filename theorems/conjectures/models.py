"""Models for one-line conjectures: the built-in vocabulary plus models a user writes down."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from symbolic.models import Model

from ..claim import ClaimError
from ..expr_parser import (
    DDT,
    FUNCTIONS,
    MATRIX_FUNCTIONS,
    UNICODE,
    parse,
    parse_expression,
    split_top_level,
)
from ..regions import make_relation
from ..vocabulary import Instance, ModelSpec, Term
from .constants import DEFAULT_OUT, KINDS  # noqa: F401 - re-exported (their former home)

D_SYMBOL = sp.Symbol("d", integer=True, positive=True)


# ====================================================================== user-defined models


@dataclass(frozen=True)
class Declared:
    """A declared variable: a scalar (shape ()), a vector a[n] or a[d] (shape (n,) or ("d",)),
    or a matrix W[m,n]."""

    name: str
    shape: tuple

    def text(self) -> str:
        return self.name + (f"[{', '.join(map(str, self.shape))}]" if self.shape else "")


_DECL = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)\s*(?:\[\s*([0-9]+|d)\s*(?:,\s*([0-9]+)\s*)?\])?$")
RESERVED = {"eta", "t", "d", "loss", "gnorm2", "O", "ddt", *FUNCTIONS, *MATRIX_FUNCTIONS}
MAX_COMPONENTS = 12
MAX_DIM = 4


def _normalise(text: str) -> str:
    return "".join(UNICODE.get(ch, ch) for ch in text)


def parse_declarations(text: str, where: str = "--vars") -> list[Declared]:
    """``"u, v, w"``, ``"a[3], b[3]"``, ``"a[d], b[d]"``, ``"W[2,2]"`` -> declarations."""
    out: list[Declared] = []
    for part in split_top_level(_normalise(text)):
        piece = part.strip()
        if not piece:
            continue
        m = _DECL.match(piece)
        if not m:
            raise ClaimError(f"{where}: cannot read {piece!r}; write names like 'u, v', vectors "
                             "'a[3]' or 'a[d]', matrices 'W[2,2]'")
        name, n1, n2 = m.groups()
        if name in RESERVED or name.endswith("_next") or name.endswith("_i"):
            raise ClaimError(f"{where}: {name!r} is a reserved name; choose another")
        if n1 is None:
            shape: tuple = ()
        elif n1 == "d":
            if n2 is not None:
                raise ClaimError(f"{where}: a matrix needs fixed sizes, e.g. {name}[2,2]")
            shape = ("d",)
        else:
            shape = (int(n1),) if n2 is None else (int(n1), int(n2))
            if any(k < 1 for k in shape):
                raise ClaimError(f"{where}: {piece!r}: sizes must be at least 1")
        if any(o.name == name for o in out):
            raise ClaimError(f"{where}: {name!r} declared twice")
        out.append(Declared(name, shape))
    if not out:
        raise ClaimError(f"{where}: no variables declared")
    return out


def _components(dec: Declared, d: int) -> tuple[list[sp.Symbol], object]:
    """The SymPy symbols of a declared variable in dimension d and its value (scalar, column
    vector or matrix)."""
    if not dec.shape:
        s = sp.Symbol(dec.name, real=True)
        return [s], s
    if len(dec.shape) == 1:
        n = d if dec.shape[0] == "d" else dec.shape[0]
        syms = [sp.Symbol(f"{dec.name}{i + 1}", real=True) for i in range(n)]
        return syms, sp.Matrix(syms)
    m, n = dec.shape
    syms = [sp.Symbol(f"{dec.name}{i + 1}{j + 1}", real=True) for i in range(m) for j in range(n)]
    return syms, sp.Matrix(m, n, syms)


@dataclass
class UserModel:
    """A model a user writes down: variables, a loss, parameters with standing hypotheses and
    definitions.  Everything is parsed with the restricted grammar (never evaluated).

    ``variables``: text like ``"u, v, w"`` / ``"a[d], b[d]"`` / ``"W[2,2], x[2]"``;
    ``loss``: an expression in them and the parameters; ``params``: texts like ``"Phi > 0"``,
    ``"0 < c <= 1"`` or a bare ``"c"`` (every name in a param text that is not a variable
    is a parameter); ``lets``: ``"C = u^2 - v^2"`` definitions (in any order, no cycles)."""

    variables: str
    loss: str
    params: Sequence[str] = ()
    lets: Sequence[str] = ()
    name: str = "user"
    source: str = ""  # a model file, if the model came from one

    def spec(self) -> ModelSpec:
        return user_spec(self)


def _param_names(texts: Sequence[str], taken: set[str]) -> list[str]:
    import ast

    names: list[str] = []
    for text in texts:
        src = _normalise(text).replace("^", "**")
        try:
            tree = ast.parse(src.strip(), mode="eval")
        except SyntaxError:
            raise ClaimError(f"--param: malformed {text!r}; write e.g. 'Phi > 0' or 'c'") from None
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id not in taken and node.id not in names:
                if node.id in RESERVED:
                    raise ClaimError(f"--param: {node.id!r} is a reserved name")
                names.append(node.id)
    return names


def user_spec(um: UserModel) -> ModelSpec:
    """The :class:`ModelSpec` of a user model (vocabulary, standing hypotheses, instances)."""
    decls = parse_declarations(um.variables)
    has_dim = any(dec.shape == ("d",) for dec in decls)
    pnames = _param_names(um.params, {dec.name for dec in decls})
    for n in pnames:
        if any(n == dec.name for dec in decls):
            raise ClaimError(f"--param: {n!r} is a variable")
    params = {n: sp.Symbol(n, real=True) for n in pnames}
    eta = sp.Symbol("eta", positive=True)

    def names_at(d: int) -> tuple[dict[str, object], list[sp.Symbol], dict[str, tuple]]:
        names: dict[str, object] = {}
        state: list[sp.Symbol] = []
        comps: dict[str, tuple] = {}
        for dec in decls:
            syms, value = _components(dec, d)
            names[dec.name] = value
            state += syms
            if dec.shape:
                comps[dec.name] = tuple(syms)
                for s in syms:
                    names[str(s)] = s
        if len(state) > MAX_COMPONENTS * (2 if has_dim else 1):
            raise ClaimError(f"--vars: {len(state)} coordinates; at most {MAX_COMPONENTS} are "
                             "supported")
        names.update(params)
        names["eta"] = eta
        return names, state, comps

    # validate once (d = 1): the loss, the standing hypotheses, the definitions
    build_cache: dict[int, Instance] = {}

    def build(d: int) -> Instance:
        if d in build_cache:
            return build_cache[d]
        names, state, comps = names_at(d)
        loss = parse_expression(um.loss, "--loss", {k: v for k, v in names.items() if k != "eta"})
        if isinstance(loss, sp.MatrixBase):
            raise ClaimError("--loss: the loss must be a scalar (use norm2/frob2/dot of vectors)")
        if not loss.free_symbols & set(state):
            raise ClaimError("--loss: the loss does not depend on the variables")
        standing: list[sp.Basic] = []
        positive: set[sp.Symbol] = {eta}
        for text in um.params:
            rels = parse(text, "--param", lambda n: False, sorted(names), extra_names=dict(names))
            for r in rels.relations:
                if r.op == "==":
                    raise ClaimError(f"--param {text!r}: fix a value with --assume, not --param")
                rel = make_relation(r.lhs, r.op, r.rhs)
                if rel is sp.false:
                    raise ClaimError(f"--param {text!r} can never hold")
                if rel is not sp.true:
                    standing.append(rel)
                g, strict = r.slack_expr()
                if strict and isinstance(g, sp.Symbol) and g in params.values():
                    positive.add(g)
        quantities: dict[str, sp.Expr] = {"loss": loss}
        model = Model(um.name, tuple(state), tuple(params.values()), loss, quantities, eta=eta)
        quantities["gnorm2"] = sum((g**2 for g in model.gradient), sp.Integer(0))
        values: dict[str, sp.Expr] = {k: v for k, v in names.items()
                                      if not isinstance(v, sp.MatrixBase)}
        values.update(quantities)
        indexed = {f"{n}_i": syms for n, syms in comps.items()
                   if len(next(dec for dec in decls if dec.name == n).shape) == 1}
        inst = Instance(d, model, (*state, *params.values(), eta), tuple(state), values, indexed,
                        standing=standing, cumulative={}, positive_inputs=frozenset(positive),
                        arrays={k: v for k, v in names.items() if isinstance(v, sp.MatrixBase)})
        build_cache[d] = inst
        return inst

    build(1)  # bad input is reported before anything runs
    terms: dict[str, Term] = {}
    for dec in decls:
        if not dec.shape:
            terms[dec.name] = Term(dec.name, "variable", "state")
        elif len(dec.shape) == 1:
            terms[f"{dec.name}_i"] = Term(f"{dec.name}_i", f"component i of {dec.text()} (for every i)",
                                          "state", indexed=True)
            if dec.shape != ("d",):
                for k in range(dec.shape[0]):
                    terms[f"{dec.name}{k + 1}"] = Term(f"{dec.name}{k + 1}", f"component {k + 1} of "
                                                       f"{dec.name}", "state")
        else:
            for i in range(dec.shape[0]):
                for j in range(dec.shape[1]):
                    nm = f"{dec.name}{i + 1}{j + 1}"
                    terms[nm] = Term(nm, f"entry ({i + 1},{j + 1}) of {dec.name}", "state")
    terms["loss"] = Term("loss", f"the loss L = {um.loss.strip()}", "state")
    terms["gnorm2"] = Term("gnorm2", "squared gradient norm |grad L|^2", "state")
    for n in pnames:
        terms[n] = Term(n, "parameter (fixed)", "param")
    terms["eta"] = Term("eta", "step size, eta > 0", "param")
    if has_dim:
        terms["d"] = Term("d", "dimension of the a[d] vectors", "param")
    standing_text = ", ".join([*(p.strip() for p in um.params if any(c in p for c in "<>")),
                               "eta > 0"])
    words = ["--vars", um.variables, "--loss", um.loss]
    for p in um.params:
        words += ["--param", p]
    if um.source:
        words = ["--model-file", um.source]
    spec = ModelSpec(um.name, f"user model: L({', '.join(d.text() for d in decls)}) = "
                     f"{um.loss.strip()}", has_dim, terms, standing_text, build,
                     notes="GD: x+ = x - eta grad L(x); GF: dx/dt = -grad L(x) (ddt(X) in a claim)",
                     max_dim=MAX_DIM, default_dims=(1, 2, 3))
    spec.cli_words = words  # type: ignore[attr-defined]
    spec.instance = build  # type: ignore[method-assign]  # instances cached per spec, not by name
    return with_lets(spec, um.lets)


# ====================================================================== --let definitions


_LET = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*=(?!=)(.*)$")


def with_lets(spec: ModelSpec, lets: Sequence[str]) -> ModelSpec:
    """The model with definitions ``NAME = expression`` added to its vocabulary.  A definition
    may use the model's names (at the current state) and other definitions; unknown names and
    cycles are errors."""
    if not lets:
        return spec
    defs: dict[str, str] = {}
    for text in lets:
        m = _LET.match(_normalise(text))
        if not m:
            raise ClaimError(f"--let: cannot read {text!r}; write e.g. 'C = u^2 - v^2'")
        name, body = m.group(1), m.group(2).strip()
        if name in spec.terms or name in RESERVED or name.endswith("_next") or name in defs:
            raise ClaimError(f"--let: {name!r} is already a name of the model (or defined twice)")
        defs[name] = body
    order = _definition_order(defs, spec)
    base_instance = spec.instance
    cache: dict[int, Instance] = {}

    def build(d: int) -> Instance:
        if d in cache:
            return cache[d]
        inst = base_instance(d)
        values = dict(inst.values)
        names: dict[str, object] = {**values, **inst.arrays}
        for name in order:
            v = parse_expression(defs[name], f"--let {name}", names)
            if isinstance(v, sp.MatrixBase):
                raise ClaimError(f"--let {name}: a definition must be a scalar")
            if v.has(DDT):
                raise ClaimError(f"--let {name}: ddt(...) belongs in a claim, not a definition")
            values[name] = names[name] = v
        out = Instance(inst.d, inst.model, inst.inputs, inst.state, values, inst.indexed,
                       inst.standing, inst.cumulative, inst.positive_inputs, inst.arrays)
        cache[d] = out
        return out

    terms = dict(spec.terms)
    for name in order:
        terms[name] = Term(name, f"defined: {name} = {defs[name]}", "state")
    new = ModelSpec(spec.name, spec.title, spec.has_dim, terms, spec.standing_text, build,
                    notes=spec.notes, max_dim=spec.max_dim, default_dims=spec.default_dims,
                    cumulative_text=spec.cumulative_text)
    new.cli_words = [*getattr(spec, "cli_words", ["--model", spec.name]),  # type: ignore[attr-defined]
                     *(w for text in lets for w in ("--let", text))]
    new.instance = build  # type: ignore[method-assign]
    build(spec.default_dims[0] if spec.has_dim else 1)  # unknown names reported now
    return new


def _definition_order(defs: dict[str, str], spec: ModelSpec) -> list[str]:
    """Definitions in dependency order; a cycle is an error naming it."""
    import ast

    deps: dict[str, set[str]] = {}
    for name, body in defs.items():
        try:
            tree = ast.parse(body.replace("^", "**"), mode="eval")
        except SyntaxError:
            raise ClaimError(f"--let {name}: malformed expression {body!r}") from None
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        deps[name] = used & set(defs)
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(n: str, path: list[str]) -> None:
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            cyc = path[path.index(n):] + [n]
            raise ClaimError("--let: cyclic definitions " + " -> ".join(cyc))
        state[n] = 1
        for m in sorted(deps[n]):
            visit(m, [*path, n])
        state[n] = 2
        order.append(n)

    for n in defs:
        visit(n, [])
    return order


# ====================================================================== model files


MODEL_FILE_KEYS = ("name", "vars", "loss", "param", "let")


def load_model_file(path: str) -> UserModel:
    """A model file: ``key: value`` lines (``name``, ``vars``, ``loss``, ``param`` and ``let``
    repeatable), ``#`` comments.  Plain text, parsed like the options: nothing is executed."""
    from pathlib import Path

    p = Path(path)
    if not str(path).strip() or not p.is_file():
        raise ClaimError(f"no such model file: {path}")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ClaimError(f"cannot read model file {p}: {type(exc).__name__}") from None
    if len(text) > 20_000:
        raise ClaimError(f"model file {p} is larger than 20000 characters")
    got: dict[str, list[str]] = {k: [] for k in MODEL_FILE_KEYS}
    for k, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or key not in got:
            raise ClaimError(f"{p}:{k}: expected 'key: value' with key one of "
                             + ", ".join(MODEL_FILE_KEYS))
        got[key].append(value.strip())
    for key in ("vars", "loss"):
        if len(got[key]) != 1:
            raise ClaimError(f"{p}: needs exactly one '{key}:' line")
    if len(got["name"]) > 1:
        raise ClaimError(f"{p}: at most one 'name:' line")
    name = got["name"][0] if got["name"] else p.stem
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
        raise ClaimError(f"{p}: bad model name {name!r}")
    return UserModel(got["vars"][0], got["loss"][0], tuple(got["param"]), tuple(got["let"]),
                     name=name, source=str(path))


def from_model(model: Model, name: str | None = None) -> ModelSpec:
    """A :class:`symbolic.models.Model` (state, params, loss, quantities) as a conjecture model:
    the state coordinates, parameters and quantities by name, plus loss and gnorm2."""
    if not isinstance(model, Model):
        raise ClaimError(f"expected a symbolic.models.Model, got {type(model).__name__}")
    name = name or model.name
    values: dict[str, sp.Expr] = {str(s): s for s in (*model.state, *model.params)}
    values["eta"] = model.eta
    values.update(model.quantities)
    values.setdefault("loss", model.loss)
    values.setdefault("gnorm2", sum((g**2 for g in model.gradient), sp.Integer(0)))
    terms = {str(s): Term(str(s), "coordinate", "state") for s in model.state}
    terms.update({str(s): Term(str(s), "parameter", "param") for s in model.params})
    for k in model.quantities:
        terms.setdefault(k, Term(k, model.descriptions.get(k, "quantity"), "state"))
    terms.setdefault("loss", Term("loss", "the loss", "state"))
    terms.setdefault("gnorm2", Term("gnorm2", "squared gradient norm", "state"))
    terms["eta"] = Term("eta", "step size, eta > 0", "param")
    inst = Instance(1, model, (*model.state, *model.params, model.eta), tuple(model.state), values,
                    {}, standing=[], cumulative={}, positive_inputs=frozenset({model.eta}))
    spec = ModelSpec(name, f"model {name} (symbolic.models.Model)", False, terms, "eta > 0",
                     lambda d: inst)
    spec.instance = lambda d: inst  # type: ignore[method-assign]
    spec.cli_words = ["--model", name]  # type: ignore[attr-defined]
    return spec


def resolve(model: object) -> ModelSpec:
    """A built-in model's name, a :class:`ModelSpec`, a :class:`UserModel` or a
    :class:`symbolic.models.Model` -> the :class:`ModelSpec` a conjecture is checked on."""
    from ..vocabulary import get_model

    if isinstance(model, str):
        return get_model(model)
    if isinstance(model, ModelSpec):
        return model
    if isinstance(model, UserModel):
        return model.spec()
    if isinstance(model, Model):
        return from_model(model)
    raise ClaimError(f"a conjecture's model is a name, a ModelSpec, a UserModel or a "
                     f"symbolic.models.Model, not {type(model).__name__}")
