"""ahn §2.1 and App. C.5: assumptions (A1), (A2), (A3) as predicates, evaluated on the
paper's Example-1 losses and on generated members of the class (each its own verdict).

The predicates themselves are in :mod:`.assumptions`; tests/test_ahn_assumptions.py shows that
each can reject a violating loss."""

from __future__ import annotations

from fractions import Fraction

from symbolic.losses import OO

from ...claim import Claim, Context, Kind, all_of
from .assumptions import check_A1, check_A2, check_A3
from .sn_common import class_losses, example_losses, n_class


def _pool(ctx: Context, salt: str, a3: bool = False):
    ex = example_losses(betas=(Fraction(3, 2), Fraction(2), Fraction(3), Fraction(10)), huber_too=not a3)
    return ex + class_losses(ctx, salt, a3=a3, n=n_class(ctx) + 1)


def _a1(ctx: Context):
    return all_of([check_A1(loss, ctx) for loss in _pool(ctx, "A1")], method="(A1) predicate per loss")


def _a2(ctx: Context):
    parts = []
    for loss in _pool(ctx, "A2"):
        parts.append(check_A2(loss, ctx, witness=loss.family != "example"))
    return all_of(parts, method="assumption predicate per loss")


def _a3(ctx: Context):
    parts = [check_A3(loss, ctx, witness=True) for loss in _pool(ctx, "A3", a3=True) if loss.beta is not OO]
    return all_of(parts, method="assumption predicate per loss")


A1 = Claim(
    id="ahn.A1",
    title="Assumption (A1) on ell, evaluated on Example 1 and generated class members",
    source="§2.1, Assumption (A1)",
    statement=r"(A1) $\ell$ is convex, even, 1-Lipschitz, and of class $\mathcal C^2$ near the origin with "
    r"$\ell''(0)=1$.",
    kind=Kind.DEFINITION,
    hypotheses="losses: ell_rsym, ell_sqr, Huber, ell_beta (beta = 3/2, 2, 3, 10) and generated members "
    "(families algebraic, capped, kinked, flat, huberlike; exact rational parameters)",
    check=_a1,
    notes="Per loss: evenness (SymPy identity of the branches / closed form), ell'(0) = 0 and ell''(0) = 1 "
    "(exact one-sided limits), ell'' >= 0 and |ell'| <= 1 on each piece (exact certificate for polynomial "
    "pieces, else arb balls at sampled exact points + search), no downward jumps of ell'.",
)

A2 = Claim(
    id="ahn.A2",
    title="Assumption (A2) on ell, evaluated on Example 1 and generated class members",
    source="§2.1, Assumption (A2)",
    statement=r"(A2) $\exists\beta>1,c>0$: $\forall s\ne0$: $\ell'(s)/s\le1-c|s|^\beta\mathbb 1\{|s|\le c\}$ "
    r"($\beta=+\infty$: $\ell'(s)/s\le1$).",
    kind=Kind.DEFINITION,
    hypotheses="beta as declared by each loss (2 for ell_rsym, ell_sqr; oo for Huber; beta for ell_beta)",
    check=_a2,
    notes="Global part ell'(s)/s <= 1 per piece; local part as an existence statement decided exactly from "
    "the leading term a u^k of u - ell'(u) at 0 (some c works iff a > 0 and k <= beta + 1); for generated "
    "members also the declared witness c.",
)

A3 = Claim(
    id="ahn.A3",
    title="Assumption (A3) on ell, evaluated on Example 1 and generated class members",
    source="App. C.5, Assumption (A3)",
    statement=r"(A3) $\exists C>0$: $\ell'(s)/s\ge1-C|s|^\beta$ for all $s\ne0$.",
    kind=Kind.DEFINITION,
    hypotheses="beta as declared (finite); witnesses C = 1/3 (rsym), 1/2 (sqr), c_beta (ell_beta), "
    "generator's C for generated members",
    check=_a3,
)

CLAIMS = [A1, A2, A3]

