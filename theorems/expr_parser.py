"""A restricted grammar for one-line conjectures, parsed with :mod:`ast` and a whitelist.

The text is parsed by Python's parser (``ast.parse(mode="eval")``) and *never* evaluated:
a walker accepts only whitelisted node types and builds SymPy expressions itself.  Accepted:

* numbers (``2``, ``0.1`` - taken exactly as 1/10 -, ``1e-3``), names from the model's
  vocabulary (checked by the caller's ``known`` predicate), ``t`` and ``d`` where allowed;
* ``+ - * / **`` and ``^`` (also power), unary ``-``/``+``, parentheses;
* calls of whitelisted functions (abs, sqrt, exp, log, min, max, tanh, sinh, cosh, atan) and,
  where allowed, ``O(...)``;
* time indices ``X[t]``, ``X[t+1]``, ``X[t-1]``, ``X[0]`` where allowed;
* comparisons ``< <= > >= ==`` including chains ``a < b < c``; ``and`` and ``,`` join them.

Anything else is a :class:`ClaimError` naming what is wrong and the column where it is.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp

from .claim import ClaimError

MAX_LENGTH = 2000
MAX_EXPONENT = 1000
MAX_DIGITS = 200

BigO = sp.Function("O")
DDT = sp.Function("ddt")  # d/dt along gradient flow; resolved by the conjecture compiler
MAX_RESULT_DIGITS = 4000  # an exact constant power: below Python's 4300-digit int-to-str limit
MAX_EXP_NESTING = 2  # exp(exp(x)) is fine, exp(exp(exp(x))) overflows every arithmetic

# Unicode a theorist types -> the ASCII names and operators of the grammar
UNICODE = {"η": "eta", "ε": "eps", "λ": "lam", "Φ": "Phi", "φ": "phi", "α": "alpha",
           "β": "beta", "γ": "gamma", "δ": "delta", "μ": "mu", "σ": "sigma", "θ": "theta",
           "ρ": "rho", "τ": "tau", "ω": "omega", "κ": "kappa", "ξ": "xi", "ζ": "zeta",
           "≤": "<=", "≥": ">=", "−": "-", "·": "*", "×": "*", "²": "**2", "³": "**3",
           "⩽": "<=", "⩾": ">="}

# functions of vectors/matrices (names declared as a[n] or W[m,n] in a user model)
MATRIX_FUNCTIONS = ("dot", "norm2", "sum", "tr", "det", "frob2", "T")

FUNCTIONS: dict[str, tuple[Callable[..., sp.Expr], int | None]] = {
    # name -> (SymPy constructor, arity; None = two or more)
    "abs": (sp.Abs, 1),
    "sqrt": (sp.sqrt, 1),
    "exp": (sp.exp, 1),
    "log": (sp.log, 1),
    "tanh": (sp.tanh, 1),
    "sinh": (sp.sinh, 1),
    "cosh": (sp.cosh, 1),
    "atan": (sp.atan, 1),
    "min": (sp.Min, None),
    "max": (sp.Max, None),
    "ddt": (DDT, 1),
}

_OPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "=="}

_SYNTAX_NAMES = {
    ast.Attribute: "attribute access", ast.Lambda: "lambda", ast.IfExp: "if-expression",
    ast.Dict: "dict", ast.Set: "set", ast.List: "list", ast.ListComp: "comprehension",
    ast.GeneratorExp: "generator", ast.JoinedStr: "f-string", ast.Starred: "starred argument",
    ast.NamedExpr: "assignment", ast.Slice: "slice",
}


@dataclass(frozen=True)
class Ref:
    """A use of a vocabulary name: ``when`` is "now", "next", ("t", k) for X[t+k] or
    ("abs", k) for X[k]."""

    name: str
    when: object
    col: int


@dataclass
class Relation:
    lhs: sp.Expr
    op: str  # "<", "<=", ">", ">=", "=="
    rhs: sp.Expr
    col: int  # 1-based column of the comparison's left operand
    text: str

    def slack_expr(self) -> tuple[sp.Expr, bool]:
        """(g, strict) with the relation equivalent to g > 0 (strict) or g >= 0; not for ==."""
        if self.op in ("<", "<="):
            return self.rhs - self.lhs, self.op == "<"
        if self.op in (">", ">="):
            return self.lhs - self.rhs, self.op == ">"
        raise ValueError("an equation has no one-sided slack")


@dataclass
class Parsed:
    relations: list[Relation]
    refs: dict[sp.Symbol, Ref] = field(default_factory=dict)  # placeholder -> first use


def placeholder(name: str, when: object) -> sp.Symbol:
    """The SymPy symbol standing for a vocabulary name at a time."""
    if when == "now":
        label = name
    elif when == "next":
        label = f"{name}_next"
    elif isinstance(when, tuple) and when[0] == "t":
        k = when[1]
        label = f"{name}[t{'+' if k >= 0 else '-'}{abs(k)}]" if k else f"{name}[t]"
    else:
        label = f"{name}[{when[1]}]"  # type: ignore[index]
    return sp.Symbol(label, real=True)


T_SYMBOL = sp.Symbol("t", integer=True, nonnegative=True)


class _Walker:
    def __init__(self, text: str, where: str, known: Callable[[str], bool],
                 vocabulary: list[str], allow_time: bool, allow_O: bool,
                 extra_names: dict[str, sp.Expr], columns: list[int] | None = None):
        self.text = text
        self.columns = columns  # column in the parsed text -> column in the user's text
        self.where = where
        self.known = known
        self.vocabulary = vocabulary
        self.allow_time = allow_time
        self.allow_O = allow_O
        self.extra = extra_names
        self.refs: dict[sp.Symbol, Ref] = {}

    # ---------------------------------------------------------------- errors
    def fail(self, node: ast.AST | None, msg: str) -> ClaimError:
        if node is None or not hasattr(node, "col_offset"):
            return ClaimError(f"{self.where}: {msg}")
        col = self.col(node.col_offset)
        seg = ast.get_source_segment(self.text, node) or ""
        seg = seg if len(seg) <= 30 else seg[:27] + "..."
        return ClaimError(f"{self.where} at column {col} ({seg!r}): {msg}")

    def col(self, offset: int) -> int:
        """1-based column in the user's text of a 0-based offset in the parsed text."""
        if self.columns and 0 <= offset < len(self.columns):
            return self.columns[offset] + 1
        return offset + 1

    # ---------------------------------------------------------------- top level
    def relations(self, node: ast.AST) -> list[Relation]:
        if isinstance(node, ast.Tuple):
            out = []
            for elt in node.elts:
                out.extend(self.relations(elt))
            return out
        if isinstance(node, ast.BoolOp):
            if isinstance(node.op, ast.Or):
                raise self.fail(node, "'or' is not supported; state each case as its own conjecture")
            out = []
            for v in node.values:
                out.extend(self.relations(v))
            return out
        if isinstance(node, ast.Compare):
            out = []
            left_node = node.left
            left = self.expr(left_node)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                if type(op) not in _OPS:
                    sym = {ast.NotEq: "!=", ast.In: "in", ast.NotIn: "not in", ast.Is: "is",
                           ast.IsNot: "is not"}.get(type(op), type(op).__name__)
                    raise self.fail(right_node, f"comparison {sym!r} is not supported "
                                    "(use <, <=, >, >=, ==)")
                right = self.expr(right_node)
                for side, nd in ((left, left_node), (right, right_node)):
                    if isinstance(side, sp.MatrixBase):
                        raise self.fail(nd, "a comparison needs scalars on both sides (use "
                                        + ", ".join(MATRIX_FUNCTIONS[:-1]) + ")")
                seg = self.text[left_node.col_offset:getattr(right_node, "end_col_offset", None)]
                rel = Relation(left, _OPS[type(op)], right, self.col(left_node.col_offset),
                               seg.strip().replace("**", "^") if self.columns else seg.strip())
                if isinstance(rel.lhs, sp.Basic) and rel.lhs.has(BigO):
                    raise self.fail(left_node, "O(...) may only appear on the right-hand side")
                out.append(rel)
                left_node, left = right_node, right
            return out
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            raise self.fail(node, "'not' is not supported; state the negated comparison")
        # a bare expression: check it is well formed first, then complain
        self.expr(node)
        raise self.fail(node, "expected a comparison such as 'X <= Y' or 'X == Y'")

    # ---------------------------------------------------------------- expressions
    def expr(self, node: ast.AST) -> sp.Expr:
        out = self._expr(node)
        self._check_value(node, out)
        return out

    def _check_value(self, node: ast.AST, value: sp.Expr) -> None:
        if isinstance(value, sp.MatrixBase):
            for v in value:
                self._check_value(node, v)
            return
        if not isinstance(value, sp.Basic):
            return
        if value.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
            raise self.fail(node, "non-finite value (division by zero, log(0), or an infinite "
                            "number)")
        if value.has(sp.I):
            raise self.fail(node, "the value is not real")
        if value.is_number and value.is_real is False:
            raise self.fail(node, "the value is not real")

    def _expr(self, node: ast.AST) -> sp.Expr:
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self.expr(node.operand)
            if isinstance(node.op, ast.UAdd):
                return self.expr(node.operand)
            raise self.fail(node, "unsupported unary operator (only - and +)")
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.Compare):
            raise self.fail(node, "a comparison cannot be used inside an expression")
        if isinstance(node, ast.BoolOp):
            raise self.fail(node, "'and'/'or' cannot be used inside an expression")
        if isinstance(node, ast.Tuple):
            raise self.fail(node, "unexpected ',' inside an expression")
        what = _SYNTAX_NAMES.get(type(node), type(node).__name__)
        raise self.fail(node, f"unsupported syntax ({what})")

    def number(self, node: ast.Constant) -> sp.Expr:
        v = node.value
        if isinstance(v, bool) or not isinstance(v, int | float):
            kind = "complex number" if isinstance(v, complex) else type(v).__name__
            raise self.fail(node, f"unsupported constant ({kind}); only real numbers")
        src = ast.get_source_segment(self.text, node) or repr(v)
        if isinstance(v, int):
            if len(str(abs(v))) > MAX_DIGITS:
                raise self.fail(node, f"number has more than {MAX_DIGITS} digits")
            return sp.Integer(v)
        if v != v or v in (float("inf"), float("-inf")):
            raise self.fail(node, "non-finite number")
        try:
            f = Fraction(src.replace("_", ""))
        except (ValueError, ZeroDivisionError):
            f = Fraction(v)
        if len(str(f.numerator)) > MAX_DIGITS or len(str(f.denominator)) > MAX_DIGITS:
            raise self.fail(node, f"number has more than {MAX_DIGITS} digits")
        return sp.Rational(f.numerator, f.denominator)

    def name(self, node: ast.Name) -> sp.Expr:
        n = node.id
        if n in self.extra:
            return self.extra[n]
        if n == "t":
            if not self.allow_time:
                raise self.fail(node, "'t' (time) is only meaningful with --kind trajectory or rate")
            return T_SYMBOL
        if n.lower() in ("inf", "infinity", "nan", "oo"):
            raise self.fail(node, "non-finite value: infinities and NaN are not allowed")
        if self.known(n):
            return self._ref(node, n, "now")
        base = n[:-5] if n.endswith("_next") else None
        if base and self.known(base):
            return self._ref(node, base, "next")
        if n in FUNCTIONS:
            raise self.fail(node, f"function {n!r} must be called, e.g. {n}(x)")
        close = difflib.get_close_matches(n, self.vocabulary, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise self.fail(node, f"unknown name {n!r}{hint}; see 'python -m theorems models'")

    def _ref(self, node: ast.AST, name: str, when: object) -> sp.Symbol:
        sym = placeholder(name, when)
        self.refs.setdefault(sym, Ref(name, when, self.col(node.col_offset)))
        return sym

    def binop(self, node: ast.BinOp) -> sp.Expr:
        if isinstance(node.op, ast.Pow):
            base = self.expr(node.left)
            ex = self.expr(node.right)
            if isinstance(base, sp.MatrixBase) or isinstance(ex, sp.MatrixBase):
                raise self.fail(node, "powers of vectors/matrices are not supported (use dot, "
                                "norm2, frob2 or '@')")
            if ex.is_number and (abs(ex) > MAX_EXPONENT):
                raise self.fail(node.right, f"exponent larger than {MAX_EXPONENT} in absolute value")
            if base.is_number and ex.is_number and base != 0:
                digits = abs(float(ex)) * abs(float(sp.log(abs(base), 10).evalf(15)))
                if digits > MAX_RESULT_DIGITS:
                    raise self.fail(node, f"number too large: about 10^{digits:.3g} (at most "
                                    f"{MAX_RESULT_DIGITS} digits)")
            if not ex.is_number and any(not p.exp.is_number for p in ex.atoms(sp.Pow)):
                raise self.fail(node, "power towers x^(y^z) with variable exponents are not "
                                "supported")
            if base.is_number and ex.is_number and ex.is_integer is False and base.is_negative:
                raise self.fail(node, "fractional power of a negative number is not real")
            if base == 0 and ex.is_number and ex.is_negative:
                raise self.fail(node, "non-finite value: 0 to a negative power")
            return base**ex
        left = self.expr(node.left)
        right = self.expr(node.right)
        if isinstance(node.op, ast.MatMult):
            if not (isinstance(left, sp.MatrixBase) and isinstance(right, sp.MatrixBase)):
                raise self.fail(node, "'@' multiplies vectors/matrices")
            if left.shape[1] != right.shape[0]:
                raise self.fail(node, f"'@': shapes {left.shape} and {right.shape} do not match")
            out = left @ right
            return out[0, 0] if out.shape == (1, 1) else out
        mats = isinstance(left, sp.MatrixBase), isinstance(right, sp.MatrixBase)
        if all(mats) and isinstance(node.op, ast.Add | ast.Sub) and left.shape != right.shape:
            raise self.fail(node, f"shapes {left.shape} and {right.shape} do not match")
        if any(mats) and not all(mats) and isinstance(node.op, ast.Add | ast.Sub):
            raise self.fail(node, "adding a scalar to a vector/matrix is ambiguous")
        if all(mats) and isinstance(node.op, ast.Mult):
            raise self.fail(node, "'*' of two vectors/matrices is ambiguous: use dot(x, y) or '@'")
        if mats[1] and isinstance(node.op, ast.Div):
            raise self.fail(node, "division by a vector/matrix")
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            if right == 0:
                raise self.fail(node, "non-finite value: division by zero")
            return left / right
        sym = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
               ast.RShift: ">>", ast.BitOr: "|", ast.BitAnd: "&"}.get(type(node.op), "?")
        raise self.fail(node, f"operator {sym!r} is not supported (use + - * / ** ^)")

    def call(self, node: ast.Call) -> sp.Expr:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, "only calls of whitelisted functions by name are allowed")
        fname = node.func.id
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail(node, f"{fname}() takes plain positional arguments only")
        if fname == "O":
            if not self.allow_O:
                raise self.fail(node, "O(...) is only allowed on the right of a --kind rate claim")
            if len(node.args) != 1:
                raise self.fail(node, "O() takes exactly one argument")
            return BigO(self.expr(node.args[0]))
        if fname in MATRIX_FUNCTIONS:
            return self.matrix_call(node, fname)
        if fname not in FUNCTIONS:
            close = difflib.get_close_matches(fname, list(FUNCTIONS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise self.fail(node, f"unknown function {fname!r}{hint}; allowed: "
                            + ", ".join(FUNCTIONS))
        ctor, arity = FUNCTIONS[fname]
        n = len(node.args)
        if (arity is not None and n != arity) or (arity is None and n < 2):
            want = f"exactly {arity}" if arity is not None else "at least 2"
            raise self.fail(node, f"{fname}() takes {want} argument(s), got {n}")
        args = [self.expr(a) for a in node.args]
        if any(isinstance(a, sp.MatrixBase) for a in args):
            raise self.fail(node, f"{fname}() applies to scalars; for a vector/matrix use one of "
                            + ", ".join(MATRIX_FUNCTIONS))
        if fname == "exp" and _exp_depth(args[0]) >= MAX_EXP_NESTING:
            raise self.fail(node, f"exp nested more than {MAX_EXP_NESTING} deep overflows every "
                            "arithmetic")
        if any(a.has(BigO) for a in args):
            raise self.fail(node, "O(...) cannot be nested inside a function")
        if fname == "log" and args[0].is_number and args[0] <= 0:
            raise self.fail(node, "non-finite value: log of a non-positive number")
        if fname == "sqrt" and args[0].is_number and args[0] < 0:
            raise self.fail(node, "the value is not real: sqrt of a negative number")
        return ctor(*args)

    def matrix_call(self, node: ast.Call, fname: str) -> sp.Expr:
        args = [self.expr(a) for a in node.args]
        want = 2 if fname == "dot" else 1
        if len(args) != want:
            raise self.fail(node, f"{fname}() takes exactly {want} argument(s), got {len(args)}")
        if not all(isinstance(a, sp.MatrixBase) for a in args):
            raise self.fail(node, f"{fname}() applies to vectors/matrices (declared as a[n] or "
                            "W[m,n])")
        a = args[0]
        if fname == "dot":
            b = args[1]
            if a.shape != b.shape:
                raise self.fail(node, f"dot(): shapes {a.shape} and {b.shape} differ")
            return sum((x * y for x, y in zip(a, b, strict=True)), sp.Integer(0))
        if fname in ("norm2", "frob2"):
            return sum((x**2 for x in a), sp.Integer(0))
        if fname == "sum":
            return sum(a, sp.Integer(0))
        if fname == "T":
            return a.T
        if a.shape[0] != a.shape[1]:
            raise self.fail(node, f"{fname}() needs a square matrix, got shape {a.shape}")
        return a.trace() if fname == "tr" else a.det()

    def subscript(self, node: ast.Subscript) -> sp.Expr:
        if not isinstance(node.value, ast.Name):
            raise self.fail(node, "only a vocabulary name can be indexed, e.g. eps[t]")
        n = node.value.id
        if not self.allow_time:
            raise self.fail(node, f"time index {n}[...] is only allowed with --kind trajectory or rate")
        if not self.known(n):
            if n.endswith("_next") and self.known(n[:-5]):
                raise self.fail(node, f"write {n[:-5]}[t+1] instead of {n}[...]")
            close = difflib.get_close_matches(n, self.vocabulary, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise self.fail(node.value, f"unknown name {n!r}{hint}")
        when = self._time_index(node.slice)
        return self._ref(node, n, when)

    def _time_index(self, idx: ast.AST) -> object:
        def bad() -> ClaimError:
            return self.fail(idx, "a time index must be t, t+k, t-k or a whole number k")

        if isinstance(idx, ast.Constant) and isinstance(idx.value, int) and not isinstance(idx.value, bool):
            if idx.value < 0:
                raise bad()
            return ("abs", idx.value)
        if isinstance(idx, ast.Name):
            if idx.id != "t":
                raise bad()
            return ("t", 0)
        if isinstance(idx, ast.BinOp) and isinstance(idx.op, ast.Add | ast.Sub):
            if (isinstance(idx.left, ast.Name) and idx.left.id == "t" and isinstance(idx.right, ast.Constant)
                    and isinstance(idx.right.value, int) and not isinstance(idx.right.value, bool)):
                k = idx.right.value if isinstance(idx.op, ast.Add) else -idx.right.value
                if abs(k) > 50:
                    raise self.fail(idx, "time offset larger than 50")
                return ("t", k)
        raise bad()


def parse(
    text: str,
    where: str,
    known: Callable[[str], bool],
    vocabulary: list[str],
    *,
    allow_time: bool = False,
    allow_O: bool = False,
    extra_names: dict[str, sp.Expr] | None = None,
) -> Parsed:
    """Parse ``text`` (one or more comparisons) into relations over placeholder symbols."""
    if not isinstance(text, str) or not text.strip():
        raise ClaimError(f"{where}: empty expression")
    if len(text) > MAX_LENGTH:
        raise ClaimError(f"{where}: expression longer than {MAX_LENGTH} characters")
    if any(ch in text for ch in "\n\r\x00"):
        raise ClaimError(f"{where}: expression must be a single line")
    lead = len(text) - len(text.lstrip())
    src, columns = _caret_to_power(text.strip(), lead)
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as exc:
        msg = " ".join((exc.msg or "invalid syntax").split())
        if not exc.offset:  # Python reports 0 when the text ends too early
            col = len(text.rstrip()) + 1
            msg = "unexpected end of expression" if msg == "invalid syntax" else msg
        else:
            off = exc.offset - 1
            col = columns[off] + 1 if 0 <= off < len(columns) else exc.offset + lead
            single_eq = [k for k, ch in enumerate(src) if ch == "=" and src[k - 1:k] not in "<>=!"
                         and src[k + 1:k + 2] != "="]
            if single_eq:
                col = columns[single_eq[0]] + 1
                msg = "'=' is not a comparison; write '==' for an equation"
        raise ClaimError(f"{where} at column {col}: malformed expression: {msg}") from None
    except (ValueError, MemoryError, RecursionError) as exc:
        raise ClaimError(f"{where}: malformed expression ({type(exc).__name__})") from None
    walker = _Walker(src, where, known, vocabulary, allow_time, allow_O, extra_names or {},
                     columns)
    try:
        rels = walker.relations(tree.body)
    except RecursionError:
        raise ClaimError(f"{where}: expression nested too deeply") from None
    return Parsed(rels, walker.refs)


def _exp_depth(e: sp.Basic) -> int:
    """How deeply exp is nested in ``e`` (exp(exp(x)) -> 2)."""
    if not isinstance(e, sp.Basic) or not e.args:
        return 0
    inner = max(_exp_depth(a) for a in e.args)
    return inner + 1 if isinstance(e, sp.exp) else inner


def parse_expression(text: str, where: str, names: dict[str, object]) -> sp.Expr:
    """Parse one expression (no comparison) over ``names`` (name -> SymPy expression, vector
    or matrix); the result may be a vector/matrix.  Never evaluated: the same whitelist."""
    if not isinstance(text, str) or not text.strip():
        raise ClaimError(f"{where}: empty expression")
    if len(text) > MAX_LENGTH:
        raise ClaimError(f"{where}: expression longer than {MAX_LENGTH} characters")
    if any(ch in text for ch in "\n\r\x00"):
        raise ClaimError(f"{where}: expression must be a single line")
    lead = len(text) - len(text.lstrip())
    src, columns = _caret_to_power(text.strip(), lead)
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as exc:
        msg = " ".join((exc.msg or "invalid syntax").split())
        raise ClaimError(f"{where}: malformed expression: {msg}") from None
    except (ValueError, MemoryError, RecursionError) as exc:
        raise ClaimError(f"{where}: malformed expression ({type(exc).__name__})") from None
    walker = _Walker(src, where, lambda n: False, sorted(names), False, False, dict(names), columns)
    if isinstance(tree.body, ast.Compare | ast.BoolOp | ast.Tuple):
        raise walker.fail(tree.body, "expected an expression, not a comparison or a list")
    try:
        return walker.expr(tree.body)
    except RecursionError:
        raise ClaimError(f"{where}: expression nested too deeply") from None


def _caret_to_power(text: str, lead: int) -> tuple[str, list[int]]:
    """Replace ``^`` by ``**`` (so that it binds like a power, not like Python's xor), with
    the map from columns of the new text to columns of the original one."""
    out, cols = [], []
    for k, ch in enumerate(text):
        if ch == "^":
            out.append("**")
            cols += [k + lead, k + lead]
        elif ch in UNICODE:
            out.append(UNICODE[ch])
            cols += [k + lead] * len(UNICODE[ch])
        else:
            out.append(ch)
            cols.append(k + lead)
    return "".join(out), cols


def split_top_level(text: str) -> list[str]:
    """``text`` split at the commas outside parentheses and brackets."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += (ch in "([") - (ch in ")]")
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


def parse_point(text: str, where: str = "--at") -> dict[str, Fraction | sp.Expr]:
    """``"a1=1/2, b1=-3, eta=0.25"`` -> exact values.  A value is an exact number (Fraction
    syntax) or a constant expression in the same restricted grammar as claims, e.g.
    ``a1=2*exp(exp(100))`` (a witness beyond every printable rational); never evaluated."""
    out: dict[str, Fraction | sp.Expr] = {}
    col = 1
    for part in split_top_level(text):
        piece = part.strip()
        if piece:
            if "=" not in piece:
                raise ClaimError(f"{where} at column {col}: expected name=value, got {piece!r}")
            name, _, value = piece.partition("=")
            name, value = name.strip(), value.strip()
            if not name.isidentifier():
                raise ClaimError(f"{where} at column {col}: bad name {name!r}")
            if value.lower().lstrip("+-") in ("inf", "infinity", "nan"):
                raise ClaimError(f"{where} at column {col}: non-finite value for {name}")
            try:
                out[name] = Fraction(value)
            except (ValueError, ZeroDivisionError):
                out[name] = _constant(value, f"{where} ({name})")
        col += len(part) + 1
    if not out:
        raise ClaimError(f"{where}: no values given")
    return out


def _constant(text: str, where: str) -> Fraction | sp.Expr:
    """A constant expression such as ``2*exp(exp(100))`` (exact; rationals become Fraction)."""
    if not text:
        raise ClaimError(f"{where}: empty value (write e.g. 3/7, -2, 0.125 or 2*exp(exp(100)))")
    e = parse_expression(text, where, {})
    if not isinstance(e, sp.Expr) or not e.is_number:
        raise ClaimError(f"{where}: {text!r} is not an exact number or a constant expression "
                         "(write e.g. 3/7, -2, 0.125 or 2*exp(exp(100)))")
    if e.is_Rational:
        return Fraction(int(e.p), int(e.q))
    return e
