"""Long single-neuron GD runs for window scans: MPFR arithmetic, float64 records, exact replay.

:func:`numeric.single_neuron.gd_run` keeps every iterate as an exact number (about 190 bytes
per step at 50 digits), which limits runs to a few 10^5 steps.  The quasi-static claims of
Ahn et al. (App. C.5) need runs of 10^6 steps and more (the bouncing phase lasts ~ eta^-2 ..
eta^-beta/(beta-1) steps).  A :class:`Trace` therefore

* iterates x+ = x - eta ell'(xy) y, y+ = y - eta ell'(xy) x in MPFR (gmpy2) at the binary
  precision of the caller's mpmath context, with exactly the operations of ``gd_run`` (so its
  iterates are bit for bit those of ``gd_run`` from the same start);
* records each iterate only as two float64 numbers, x_t and y_t - sqrt(2/eta) (16 bytes per
  step; the second keeps delta_t = eta y_t^2 - 2 accurate to ~1e-16 relative where it is
  tiny), and an exact checkpoint every :data:`BLOCK` steps;
* recomputes any iterate exactly (:meth:`Trace.exact`) by replaying its block from the
  checkpoint with the same operations: bit for bit the iterate of the run.

Along a run y_t is non-increasing while y_t > 0 (y_{t+1} = y_t - eta ell'(s_t) s_t / y_t and
ell'(s) s >= 0), hence delta_t is non-increasing; :meth:`Trace.first_delta_below` finds
windows {t : a <= delta_t < b} as index ranges, exactly (the monotonicity is verified on the
records first).  :meth:`Trace.window_max` maximises a measured quantity over such a window:
float64 screening over the records, then the exact value (mpmath, at the run's precision) at
the screened maximisers.  Nothing here decides anything.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import gmpy2
import mpmath as mp
import numpy as np

from .dynamics import SimulationDiverged
from .kernels import mpfr_precision, to_mpf, to_mpfr
from .precision import mpf_of
from .single_neuron import standard_init

BLOCK = 256  # steps between exact checkpoints (a replay costs at most this many steps)
SCREEN_REL = 1e-10  # float64 screening keeps every candidate within this relative distance of the best
SCREEN_KEEP = 32  # at most this many screened candidates are evaluated exactly


@dataclass
class Trace:
    """A GD run from the standard initialisation, recorded as described in the module docstring.

    ``stopped``: "running" (may be extended), "x_zero" (x_t = 0 exactly: the run is at a fixed
    point), "y_nonpositive" (y left the positive half-line: the monotone scans do not apply)."""

    eta: Fraction
    prec: int
    h: Any  # eta in MPFR
    ystar: Any  # sqrt(2/eta) in MPFR
    dl: Callable
    block: Callable | None  # the inlined kernel of :func:`inline_block` (None: the loop calls dl)
    x: Any  # the last iterate, MPFR
    y: Any
    checkpoints: list = field(default_factory=list)  # (x, y) of iterate k * BLOCK
    segments: list = field(default_factory=list)  # [(xf, wf)] float64 arrays, in order
    n: int = 0  # number of recorded iterates (t = 0 .. n-1)
    stopped: str = "running"
    _cat: tuple | None = None
    _blocks: OrderedDict = field(default_factory=OrderedDict)
    _mono: bool | None = None
    _eta: Any = None
    _derived: dict = field(default_factory=dict)  # float64 arrays computed from the records

    # ------------------------------------------------------------ kernel

    def extend(self, steps: int) -> None:
        """Advance by at least ``steps`` steps (whole blocks), unless the run stops."""
        if self.stopped != "running" or steps <= 0:
            return
        blocks = -(-steps // BLOCK)
        xa, wa = np.empty(blocks * BLOCK), np.empty(blocks * BLOCK)
        done = 0
        with mpfr_precision(self.prec):
            x, y, h, dl, ystar = self.x, self.y, self.h, self.dl, self.ystar
            fin = gmpy2.is_finite
            block = self.block
            for _b in range(blocks):
                self.checkpoints.append((x, y))
                xs, ws = [], []
                px, pw = xs.append, ws.append
                if block is not None:
                    x, y = block(x, y, BLOCK, h, ystar, px, pw)
                else:
                    for _ in range(BLOCK):
                        hg = h * dl(x * y)
                        x, y = x - hg * y, y - hg * x
                        px(float(x))
                        pw(float(y - ystar))
                xa[done:done + BLOCK] = xs
                wa[done:done + BLOCK] = ws
                done += BLOCK
                if not (fin(x) and fin(y)):
                    raise SimulationDiverged(f"single-neuron GD left every bounded region before step {self.n + done}")
                if x == 0 or y <= 0:
                    break
            self.x, self.y = x, y
        self.segments.append((xa[:done], wa[:done]))
        self.n += done
        self._cat, self._mono = None, None
        self._derived.clear()
        if x == 0 or y <= 0:
            self._cut_at_first(lambda xx, yy: xx == 0 or yy <= 0)

    def _cut_at_first(self, bad: Callable) -> None:
        """Truncate after the first exact iterate with ``bad(x, y)`` (found by replaying the
        last block) and stop the run."""
        c = len(self.checkpoints) - 1  # the last block: iterates c * BLOCK .. n - 1
        first = c * BLOCK
        xs, ys = self._block(c)
        for i, (xx, yy) in enumerate(zip(xs, ys, strict=True)):
            if bad(xx, yy):
                t = first + i
                self.stopped = "x_zero" if xx == 0 else "y_nonpositive"
                self._truncate(t + 1)
                return

    def _truncate(self, n: int) -> None:
        xf, wf = self._arrays()
        self.segments = [(xf[:n].copy(), wf[:n].copy())]
        self.n = n
        self._cat, self._mono = None, None
        self._derived.clear()

    # ------------------------------------------------------------ records

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if self._cat is None:
            self._cat = (np.concatenate([a for a, _ in self.segments]), np.concatenate([b for _, b in self.segments]))
            self.segments = [self._cat]
        return self._cat

    @property
    def xf(self) -> np.ndarray:
        """x_t (float64)."""
        return self._arrays()[0]

    @property
    def delta_f(self) -> np.ndarray:
        """delta_t = eta y_t^2 - 2 = eta w (2 sqrt(2/eta) + w), w = y_t - sqrt(2/eta) (float64)."""
        got = self._derived.get("delta")
        if got is None:
            w = self._arrays()[1]
            got = self._derived["delta"] = float(self.h) * w * (2 * float(self.ystar) + w)
        return got

    @property
    def abs_s_f(self) -> np.ndarray:
        """|s_t| = |x_t y_t| (float64)."""
        got = self._derived.get("abs_s")
        if got is None:
            xf, wf = self._arrays()
            got = self._derived["abs_s"] = np.abs(xf * (float(self.ystar) + wf))
        return got

    @property
    def monotone(self) -> bool:
        """y_t > 0 and non-increasing along the records (so delta_t is non-increasing)."""
        if self._mono is None:
            xf, wf = self._arrays()
            self._mono = bool(self.stopped != "y_nonpositive" and np.all(np.diff(wf) <= 0)
                              and np.all(wf > -float(self.ystar)))
        return self._mono

    # ------------------------------------------------------------ exact values

    def _block(self, c: int) -> tuple[list, list]:
        got = self._blocks.get(c)
        if got is None:
            x, y = self.checkpoints[c]
            xs, ys = [x], [y]
            with mpfr_precision(self.prec):
                h, dl = self.h, self.dl
                for _ in range(BLOCK):
                    hg = h * dl(x * y)
                    x, y = x - hg * y, y - hg * x
                    xs.append(x)
                    ys.append(y)
            got = self._blocks[c] = (xs, ys)
            if len(self._blocks) > 16:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(c)
        return got

    def exact(self, t: int) -> tuple[mp.mpf, mp.mpf]:
        """(x_t, y_t) exactly as mpf (replayed from the checkpoint of its block)."""
        if not 0 <= t < self.n:
            raise IndexError(t)
        if t == self.n - 1 and self.stopped == "running":  # the current state
            return to_mpf(self.x), to_mpf(self.y)
        c = min(t // BLOCK, len(self.checkpoints) - 1)
        xs, ys = self._block(c)
        return to_mpf(xs[t - c * BLOCK]), to_mpf(ys[t - c * BLOCK])

    @property
    def eta_mpf(self) -> mp.mpf:
        e = self._eta
        if e is None:
            with mp.workprec(self.prec):
                e = mpf_of(self.eta)
            self._eta = e
        return e

    def delta(self, t: int) -> mp.mpf:
        """delta_t = eta y_t^2 - 2 in mpmath at the run's precision, from the exact y_t."""
        _, y = self.exact(t)
        with mp.workprec(self.prec):
            return self.eta_mpf * y * y - 2

    def s(self, t: int) -> mp.mpf:
        """s_t = x_t y_t in mpmath at the run's precision, from the exact iterate."""
        x, y = self.exact(t)
        with mp.workprec(self.prec):
            return x * y

    # ------------------------------------------------------------ scans

    def first_delta_below(self, level, *, strict: bool = True) -> int | None:
        """The first t with delta_t < ``level`` (``strict``; else delta_t <= ``level``), exact
        comparison, or None if no recorded iterate has it.  Requires :attr:`monotone`."""
        if not self.monotone:
            raise ValueError("delta_t is not monotone along this run")
        if self.n == 0:
            return None
        with mp.workprec(self.prec):
            lev = mpf_of(level) if isinstance(level, Fraction | int) else mp.mpf(level)
            below = (lambda t: self.delta(t) < lev) if strict else (lambda t: self.delta(t) <= lev)  # noqa: E731
            if not below(self.n - 1):
                return None
            # float64 guess, then an exact bisection on the (monotone) predicate around it
            guess = int(np.searchsorted(-self.delta_f, -float(lev), side="right"))
            lo, hi = max(0, guess - 4), min(self.n - 1, guess + 4)
            if lo > 0 and below(lo):
                lo = 0
            if not below(hi):
                hi = self.n - 1
            if below(lo):
                return lo
            while hi - lo > 1:  # invariant: not below(lo), below(hi)
                mid = (lo + hi) // 2
                if below(mid):
                    hi = mid
                else:
                    lo = mid
            return hi

    def window_max(self, lo: int, hi: int, screen: Callable[[slice], np.ndarray],
                   exact: Callable[[int], Any]) -> tuple[Any, int] | None:
        """max of ``exact(t)`` over lo <= t < hi, as (value, argmax): ``screen(slice)`` gives the
        float64 values of the records in the slice; the exact value is computed at the (at most
        :data:`SCREEN_KEEP`) screened maximisers within :data:`SCREEN_REL` of the best (and at
        every non-finite screened value).  None for an empty window."""
        if hi <= lo:
            return None
        v = np.asarray(screen(slice(lo, hi)), dtype=float)
        bad = np.flatnonzero(~np.isfinite(v))
        good = np.where(np.isfinite(v), v, -np.inf)
        top = float(good.max()) if len(good) else -np.inf
        cand = []
        if np.isfinite(top):
            near = np.flatnonzero(good >= top - SCREEN_REL * abs(top))
            order = near[np.argsort(-good[near], kind="stable")][:SCREEN_KEEP]
            cand = order.tolist()
        cand += bad[:SCREEN_KEEP].tolist()
        best = None
        with mp.workprec(self.prec):
            for i in cand:
                val = exact(lo + i)
                if val is not None and (best is None or val > best[0]):
                    best = (val, lo + i)
        return best


_CACHE: OrderedDict[tuple, Trace] = OrderedDict()
_CACHE_MAX_STEPS = 40_000_000  # least recently used traces are dropped beyond this many recorded steps (16 bytes each)


_BLOCKS: dict[tuple, Callable | None] = {}


def inline_block(loss, dl) -> Callable | None:
    """``block(x, y, n, h, ystar, put_x, put_w)``: n GD steps with ell' written into the loop
    (no Python call per step), returning the new (x, y).  Built from the pieces of
    ``loss.gmpy_dl()`` (``dl``, compiled at the active precision) with its constants, so every
    step performs exactly the operations of ``h * dl(x * y)``: the iterates are bit for bit
    those of the plain loop (a test checks it).  None when ``dl`` is not such a function."""
    import ast
    import inspect

    fns = getattr(loss, "_gmpy_fns", None)
    ns0 = getattr(dl, "__globals__", {})
    if not fns or "dl" not in ns0 or ns0.get("dl") is not dl:
        return None
    key = (loss.key, gmpy2.get_context().precision, id(dl))
    if key in _BLOCKS:
        return _BLOCKS[key]
    ns: dict = {}

    class Inline(ast.NodeTransformer):
        def __init__(self, var: str, prefix: str):
            self.var, self.prefix = var, prefix

        def visit_Name(self, node):
            if node.id == "u":
                return ast.copy_location(ast.Name(self.var, ast.Load()), node)
            if node.id.startswith("_c") and node.id[2:].isdigit():
                return ast.copy_location(ast.Name(f"{self.prefix}_c{node.id[2:]}", ast.Load()), node)
            return node

        def visit_Call(self, node):
            self.generic_visit(node)
            if isinstance(node.func, ast.Name) and node.func.id == "rpow":  # b**(p/q): see symbolic.losses._gmpy_rpow
                b, p, q = node.args
                p, q = ast.literal_eval(p), ast.literal_eval(q)
                root = {2: "_sqrt", 3: "_cbrt"}.get(q)
                r = ast.Call(ast.Name(root or "_rootn", ast.Load()), [b] if root else [b, ast.Constant(q)], [])
                return r if p == 1 else ast.BinOp(r, ast.Pow(), ast.Constant(p) if p > 0 else
                                                  ast.UnaryOp(ast.USub(), ast.Constant(-p)))
            return node

    def expr_of(f, var: str, prefix: str) -> str:
        tree = ast.parse(inspect.getsource(f))
        ret = tree.body[0].body[-1]
        if not isinstance(ret, ast.Return):
            raise ValueError("unexpected lambdified source")
        ns.update({k: v for k, v in f.__globals__.items() if not k.startswith("__")})
        return ast.unparse(Inline(var, prefix).visit(ret.value))

    lines = ["def block(x, y, n, h, ystar, px, pw):", "    for _ in range(n):", "        v = x * y",
             "        if v >= 0:"]

    def branch(br, tag: str, var: str, sign: str, indent: str) -> None:
        for i, (hi, f, _cs) in enumerate(br):
            name = f"{tag}{i}"
            value = name if name in ns0 else f"{sign}({expr_of(f, var, name)})"
            if hi is None:
                if i == 0:
                    lines.append(f"{indent}g = {value}")
                else:
                    lines.extend([f"{indent}else:", f"{indent}    g = {value}"])
                return
            lines.append(f"{indent}{'if' if i == 0 else 'elif'} {var} < {name}_hi:")
            lines.append(f"{indent}    g = {value}")
        lines.append(f"{indent}else:")
        lines.append(f"{indent}    raise ValueError({var})")

    try:
        branch(fns[0], "p", "v", "", "            ")
        lines.append("        else:")
        lines.append("            w = -v")
        branch(fns[1], "n", "w", "-", "            ")
        lines += ["        hg = h * g", "        x, y = x - hg * y, y - hg * x", "        px(float(x))",
                  "        pw(float(y - ystar))", "    return x, y"]
        ns.update({k: v for k, v in ns0.items() if not k.startswith("__")})
        ns.update(_sqrt=gmpy2.sqrt, _cbrt=gmpy2.cbrt, _rootn=gmpy2.rootn)
        exec(compile("\n".join(lines), f"<GD block of {loss.name}>", "exec"), ns)  # noqa: S102 - our own code
        out = ns["block"]
    except (OSError, TypeError, ValueError, SyntaxError):  # no source or an unexpected form: the plain loop
        out = None
    _BLOCKS[key] = out
    return out


def _mpfr_dl(loss):
    fast = getattr(loss, "gmpy_dl", None)
    dl = fast() if fast is not None else None
    if dl is None:  # no MPFR form: ell' in mpmath, converted exactly both ways (slow, correct)
        def dl(v, f=loss.dl):
            return to_mpfr(f(to_mpf(v)))
    return dl


def trace_until(loss, xt: Fraction, yt: Fraction, gamma: Fraction, eta: Fraction, *, delta_below,
                max_steps: int) -> Trace:
    """The (cached) trace of GD on ``loss`` from sqrt(gamma/eta)(xt, yt) at the current mpmath
    precision, extended until delta_t < ``delta_below`` (checked at block ends), the run stops,
    or it holds more than ``max_steps`` steps.  A cached trace is extended in place, so traces
    asked for with different levels share their steps."""
    prec = mp.mp.prec
    key = (loss.key, Fraction(xt), Fraction(yt), Fraction(gamma), Fraction(eta), prec)
    tr = _CACHE.get(key)
    if tr is None:
        x0, y0 = standard_init(xt, yt, gamma, eta)
        with mpfr_precision(prec):
            h = to_mpfr(Fraction(eta))
            x, y = to_mpfr(x0), to_mpfr(y0)
            dl = _mpfr_dl(loss)
            tr = Trace(Fraction(eta), prec, h, gmpy2.sqrt(2 / h), dl, inline_block(loss, dl), x, y)
            tr.segments.append((np.array([float(x)]), np.array([float(y - tr.ystar)])))
            tr.n = 1
            _CACHE[key] = tr
    else:
        _CACHE.move_to_end(key)
    with mp.workprec(prec):
        level = mpf_of(delta_below) if isinstance(delta_below, Fraction | int) else mp.mpf(delta_below)
        while tr.stopped == "running" and tr.n - 1 < max_steps and not tr.delta(tr.n - 1) < level:
            # steps in chunks of 1/8 of the run so far: at most ~12% beyond the level is computed
            tr.extend(min(max(4 * BLOCK, tr.n // 8), max_steps - (tr.n - 1)))
    total = sum(t.n for t in _CACHE.values())
    while total > _CACHE_MAX_STEPS and len(_CACHE) > 1:
        _, old = _CACHE.popitem(last=False)
        total -= old.n
    return tr


def clear_cache() -> None:
    _CACHE.clear()
