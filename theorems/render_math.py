"""Math for the HTML report, converted at report time so the page needs no network.

* LaTeX (statements, readings, ``$...$`` segments of mixed text) becomes MathML with
  ``latex2mathml``; browsers render MathML natively.
* SymPy expressions stored as ``sstr`` text (derived formulas, exact inputs) are parsed by
  an :mod:`ast` walker that accepts only arithmetic, whitelisted functions and names (nothing
  is evaluated), printed by SymPy's LaTeX printer and converted like any other LaTeX.
* Whatever cannot be converted is shown as readable text (``<code>``), never as a broken
  formula.
"""

from __future__ import annotations

import ast
import html
import re
from functools import lru_cache

import sympy as sp
from latex2mathml.converter import convert as _latex2mathml

MAX_FORMULA_CHARS = 6000  # beyond this a formula is shown as text (a page is not a CAS)

# Operator names latex2mathml does not know; rewritten to \operatorname{...}.
_OPERATOR_NAMES = ("arg", "tr", "diag", "sgn", "sign", "rank")
_OPERATOR_RE = re.compile(r"\\(" + "|".join(_OPERATOR_NAMES) + r")(?![A-Za-z])")

# latex2mathml marks \mathbf, \mathbb, \mathcal with mathvariant, which MathML Core (Chromium)
# ignores on <mi>; map the letters to the Unicode mathematical alphanumerics instead.
_ALPHABETS = {
    # variant: (A, a, 0, Greek capital Alpha, Greek small alpha, exceptions) code points
    "bold": (0x1D400, 0x1D41A, 0x1D7CE, 0x1D6A8, 0x1D6C2, {}),
    "bold-italic": (0x1D468, 0x1D482, 0x1D7CE, 0x1D71C, 0x1D736, {}),
    "double-struck": (0x1D538, 0x1D552, 0x1D7D8, None, None,
                      {"C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"}),
    "script": (0x1D49C, 0x1D4B6, None, None, None,
               {"B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ",
                "R": "ℛ", "e": "ℯ", "g": "ℊ", "o": "ℴ"}),
    "fraktur": (0x1D504, 0x1D51E, None, None, None,
                {"C": "ℭ", "H": "ℌ", "I": "ℑ", "R": "ℜ", "Z": "ℨ"}),
    "sans-serif": (0x1D5A0, 0x1D5BA, 0x1D7E2, None, None, {}),
}
# Greek letter variants after omega in the bold / bold-italic blocks: ∂ ϵ ϑ ϰ ϕ ϱ ϖ
_GREEK_EXTRA = "∂ϵϑϰϕϱϖ"
_VARIANT_RE = re.compile(
    r'<(mi|mn|mtext)([^>]*?) mathvariant="(' + "|".join(_ALPHABETS) + r')"([^>]*)>([^<]*)</\1>')
_LEFTOVER_COMMAND = re.compile(r">[^<]*\\[A-Za-z]+[^<]*<")
# A bare | or ‖ in the middle of a row is an infix operator in MathML Core and gets relation
# spacing ("| Q(0) |"); in this domain bars are absolute values and norms: no spacing.
_BARS = re.compile(r'<mo( stretchy="false"| fence="false" stretchy="false")?>(&#x0007C;|&#x02016;)</mo>')


def _map_letters(text: str, variant: str) -> str:
    upper, lower, digit, greek_upper, greek_lower, exceptions = _ALPHABETS[variant]
    out = []
    for ch in html.unescape(text):
        code = ord(ch)
        if ch in exceptions:
            out.append(exceptions[ch])
        elif "A" <= ch <= "Z":
            out.append(chr(upper + code - ord("A")))
        elif "a" <= ch <= "z":
            out.append(chr(lower + code - ord("a")))
        elif digit is not None and "0" <= ch <= "9":
            out.append(chr(digit + code - ord("0")))
        elif greek_upper is not None and 0x391 <= code <= 0x3A9:
            out.append(chr(greek_upper + code - 0x391))
        elif greek_lower is not None and 0x3B1 <= code <= 0x3C9:
            out.append(chr(greek_lower + code - 0x3B1))
        elif greek_lower is not None and ch in _GREEK_EXTRA:
            out.append(chr(greek_lower + 0x19 + _GREEK_EXTRA.index(ch)))
        else:
            out.append(ch)
    return html.escape("".join(out), quote=False)


def _fix_variants(mathml: str) -> str:
    def repl(m: re.Match) -> str:
        tag, before, variant, after, text = m.groups()
        return f'<{tag}{before} mathvariant="normal"{after}>{_map_letters(text, variant)}</{tag}>'

    return _VARIANT_RE.sub(repl, mathml)


@lru_cache(maxsize=4096)
def tex_to_mathml(tex: str, display: bool = False) -> str | None:
    """MathML for a LaTeX formula (without dollars), or None when it cannot be converted
    faithfully (a conversion error, or a command the converter left as text)."""
    tex = tex.strip()
    if not tex or len(tex) > MAX_FORMULA_CHARS:
        return None
    try:
        out = _latex2mathml(_OPERATOR_RE.sub(r"\\operatorname{\1}", tex),
                            display="block" if display else "inline")
    except Exception:  # latex2mathml raises many exception types on malformed input
        return None
    if _LEFTOVER_COMMAND.search(out) or "<merror" in out:
        return None
    out = _BARS.sub(r'<mo lspace="0" rspace="0"\1>\2</mo>', _fix_variants(out))
    alt = html.escape(tex, quote=True)
    return out.replace("<math ", f'<math alttext="{alt}" ', 1)


def _tex_fallback(tex: str) -> str:
    return f'<code class="tex" title="LaTeX that could not be rendered">{html.escape(tex)}</code>'


def math_html(tex: str, display: bool = False) -> str:
    """A formula as MathML, or its LaTeX source as readable text."""
    return tex_to_mathml(tex, display) or _tex_fallback(tex)


_DOLLAR_SPLIT = re.compile(r"(?<!\\)\$")
# Markdown emphasis used in some statements ("**plus**"), not powers ("u**3 + u**2")
_BOLD = re.compile(r"(?<![\w*])\*\*(\w[^*\n]{0,78}\w|\w)\*\*(?![\w*])")


def text_with_math(text: str | None) -> str:
    """Mixed text with ``$...$`` segments as HTML: text escaped, segments as MathML.

    An unbalanced ``$`` leaves the rest as text (never a half-converted formula); ``\\$`` is
    a literal dollar.
    """
    if not text:
        return ""
    pieces = _DOLLAR_SPLIT.split(text)
    if len(pieces) % 2 == 0:  # odd number of dollars: the last one is not a delimiter
        pieces[-2:] = [pieces[-2] + "$" + pieces[-1]]
    out = []
    for i, piece in enumerate(pieces):
        if i % 2:
            out.append(math_html(piece))
        else:
            text_html = html.escape(piece.replace(r"\$", "$"), quote=False).replace("--", "–")
            out.append(_BOLD.sub(r"<b>\1</b>", text_html))
    return "".join(out)


# --- SymPy text -> expression, without evaluating anything -------------------------------

_FUNCTIONS = {
    "Abs": sp.Abs, "sqrt": sp.sqrt, "exp": sp.exp, "log": sp.log, "sin": sp.sin,
    "cos": sp.cos, "tan": sp.tan, "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh,
    "atan": sp.atan, "Max": sp.Max, "Min": sp.Min, "sign": sp.sign, "floor": sp.floor,
    "ceiling": sp.ceiling, "Rational": sp.Rational, "Integer": sp.Integer,
    "asinh": sp.asinh, "acosh": sp.acosh, "atanh": sp.atanh, "asin": sp.asin, "acos": sp.acos,
    "erf": sp.erf, "gamma": sp.gamma,
}
# "I" and "E" stay symbols: in these papers they are variables (the conserved vector I of a
# diagonal network, bw's E), and an imaginary unit never occurs in a real-analysis report.
_CONSTANTS = {"pi": sp.pi, "oo": sp.oo, "zoo": sp.zoo, "nan": sp.nan}
_KEYWORD_NAMES = {"lambda_": "lambda"}
_MAX_EXPONENT = 10_000


class _Unsupported(ValueError):
    pass


def _symbol(name: str) -> sp.Symbol:
    return sp.Symbol(_KEYWORD_NAMES.get(name, name))


def _build(node: ast.AST) -> sp.Basic:
    if isinstance(node, ast.Expression):
        return _build(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) \
            and not isinstance(node.value, bool):
        return sp.Integer(node.value) if isinstance(node.value, int) else sp.Float(repr(node.value))
    if isinstance(node, ast.Name):
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        if node.id.startswith("_"):
            raise _Unsupported(node.id)
        return _symbol(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _build(node.operand)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        left, right = _build(node.left), _build(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            return left / right
        if isinstance(node.op, ast.Pow):
            if right.is_Number and abs(right) > _MAX_EXPONENT:
                raise _Unsupported("exponent too large")
            return left**right
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in _FUNCTIONS and not node.keywords:
        return _FUNCTIONS[node.func.id](*[_build(a) for a in node.args])
    if isinstance(node, ast.List | ast.Tuple):
        return sp.Matrix([[_build(e) for e in node.elts]])
    raise _Unsupported(type(node).__name__)


@lru_cache(maxsize=4096)
def parse_sympy_text(text: str) -> sp.Basic | None:
    """A SymPy expression for ``sstr`` text (``a1**2 - 2*eta*Phi``, ``3/7``, ``[1, -2/3]``),
    or None if the text is not plain arithmetic over names and whitelisted functions."""
    text = text.strip()
    if not text or len(text) > MAX_FORMULA_CHARS or "__" in text:
        return None
    # "lambda" is a Python keyword but a common symbol name in sstr output
    source = re.sub(r"\blambda\b", "lambda_", text)
    try:
        tree = ast.parse(source, mode="eval")
        return _build(tree)
    except (SyntaxError, _Unsupported, TypeError, ValueError, ZeroDivisionError,
            RecursionError, sp.SympifyError):
        return None


_GREEK = ("alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|iota|kappa|lambda|mu|nu|xi|"
          "pi|rho|sigma|tau|upsilon|phi|chi|psi|omega")
_VARIABLE_NAME = re.compile(rf"^([A-Za-z]|(?i:{_GREEK}))(_?\d+|_[A-Za-z0-9]{{1,3}})?$")


def is_variable_name(name: str) -> bool:
    """True for names that print well as a math variable (``eta``, ``a1``, ``Phi``, ``x_0``);
    ``loss`` or ``eps0`` would print as a product of italic letters."""
    return bool(_VARIABLE_NAME.match(name))


def expr_latex(expr: sp.Basic) -> str:
    if isinstance(expr, sp.MatrixBase) and expr.rows == 1:
        return r"\left(" + ", ".join(sp.latex(e) for e in expr) + r"\right)"
    return sp.latex(expr)


def sympy_html(text: str, display: bool = False) -> str:
    """SymPy ``sstr`` text as MathML; text that is not an expression stays readable text."""
    expr = parse_sympy_text(text)
    if expr is not None:
        converted = tex_to_mathml(expr_latex(expr), display)
        if converted:
            return converted
    return f"<code>{html.escape(text)}</code>"


def highlighted_sum_html(expr: sp.Basic, marked: set[sp.Basic]) -> str | None:
    """A sum as MathML with the terms in ``marked`` wrapped in ``<mrow class="hl">`` (the
    terms that differ from the formula it is compared with); None if it cannot be built."""
    terms = sp.Add.make_args(expr)
    pieces = []
    for i, term in enumerate(terms):
        negative = term.could_extract_minus_sign()
        body = tex_to_mathml(sp.latex(-term if negative else term))
        if body is None:
            return None
        inner = re.sub(r"^<math[^>]*>|</math>$", "", body)
        if term in marked:
            inner = f'<mrow class="hl">{inner}</mrow>'
        if i == 0:
            pieces.append(("<mo>−</mo>" if negative else "") + inner)
        else:
            pieces.append(("<mo>−</mo>" if negative else "<mo>+</mo>") + inner)
    return ('<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow>'
            + "".join(pieces) + "</mrow></math>")
