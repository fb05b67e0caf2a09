"""Template: one claim written as a statement (copy this file to start a paper section).

A section module under ``theorems/papers/<paper>/`` holds claims only.  Models, domains,
measures and figure helpers live in the paper's library modules (``lib*.py``, ``common.py``,
``plots.py``) or in ``symbolic/`` and ``numeric/``.  No section imports another section, and no
module under ``theorems/papers/`` names a verdict: the engines decide.

Run it:  python -m theorems conjecture docs/examples/template_claim.py
"""

from fractions import Fraction

import mpmath as mp
import sympy as sp

from theorems.claim import Kind
from theorems.spec import AllOf, Domain, ForEach, Holds, Identity, Real, claim

x, eta = sp.symbols("x eta", real=True)

# 1. The hypotheses, once, as a domain: exact rationals, open/closed bounds, a step size
#    whose cap depends on the state, hand-picked edge cases drawn first.
QUADRATIC = Domain(
    Real("h", 0, 10, lo_open=True),                       # curvature h in (0, 10]
    Real("x", -5, 5),                                     # the iterate
    Real("eta", 0, ("2/h", lambda s: 2 / s["h"]), lo_open=True, hi_open=True),  # 0 < eta < 2/h
    edges=[{"h": Fraction(1), "x": Fraction(3), "eta": Fraction(1999, 1000)}],
)


def one_step(h, xv, step):
    """GD on f(x) = h x^2 / 2: x - eta h x."""
    return xv - step * h * xv


# 2. The claim: metadata as printed, and one statement.
@claim("demo.contraction", title="GD contracts on a quadratic", source="Demo, eq. (1)",
       kind=Kind.INEQUALITY, statement=r"For $0<\eta<2/h$: $|x_{t+1}|<|x_t|$ unless $x_t=0$")
def contraction():
    """eq. (1): |1 - eta h| < 1 inside the step-size window, so |x| decreases strictly."""

    def slack(inst, dps):                                 # >= 0 holds; None = not applicable
        h, xv, step = (mp.mpf(inst[k].numerator) / inst[k].denominator for k in ("h", "x", "eta"))
        if xv == 0:
            return None
        return (abs(xv) - abs(one_step(h, xv, step))) / abs(xv)

    def exact(inst):                                      # the same slack in exact rationals:
        h, xv, step = inst["h"], inst["x"], inst["eta"]   # certifies (CERTIFIED) and decides
        return None if xv == 0 else (abs(xv) - abs(one_step(h, xv, step))) / abs(xv)  # zero slack

    return AllOf(
        Identity(sp.expand(one_step(sp.Symbol("h"), x, eta)), x * (1 - eta * sp.Symbol("h")),
                 label="x_{t+1} = (1 - eta h) x_t"),
        Holds(slack, QUADRATIC, strict=True, exact=exact, label="|x_{t+1}| < |x_t|"),
    )


# 3. A reading is the printed statement with a change (here: a closed window, which is false
#    at eta = 2/h exactly, so this variant is refuted with that exact witness).
@contraction.read_as(r"the same for $0<\eta\le2/h$")
def _(printed):
    identity, holds = printed.parts
    wider = holds.domain.with_(Real("eta", 0, ("2/h", lambda s: 2 / s["h"]), lo_open=True))
    return printed.replace(parts=(identity, holds.replace(domain=wider)))


# 4. Recurring shapes: one statement per dimension, per interpretation, ...
@claim("demo.linear_in_x", title="The GD map is linear", source="Demo, eq. (2)",
       kind=Kind.IDENTITY, statement=r"$x_{t+1}=(1-\eta h)x_t$ for every power $k$ of the loss $x^{2k}/(2k)$, $k=1$")
def linear_in_x():
    """eq. (2): checked for the loss x^(2k)/(2k) with k = 1 (true) — a template for ForEach."""
    return ForEach((1,), lambda k: Identity(x - eta * sp.diff(x ** (2 * k) / (2 * k), x),
                                            x * (1 - eta * x ** (2 * k - 2)), label=f"k={k}"),
                   label="")
