"""The spec layer: claims as statements.

One language for paper claims and user conjectures: a claim is metadata plus a statement
(:mod:`.statements`) over a domain (:mod:`.domain`); statements compile to the engines in
:mod:`theorems.engines`, which stay the only place verdicts are decided.  See
``docs/authoring.md`` and the template ``docs/examples/template_claim.py``.
"""

from .claims import StatementClaim, claim, statement_of
from .domain import Choice, Domain, Int, Member, Real, State, Vec
from .relations import RelationDomain
from .statements import (
    AllOf,
    Along,
    Custom,
    FiniteLimit,
    ForEach,
    Holds,
    Identity,
    Inequality,
    Order,
    ProofWithCrossChecks,
    Statement,
    Uncheckable,
    guarded,
)

__all__ = ["AllOf", "Along", "Choice", "Custom", "Domain", "FiniteLimit", "ForEach", "Holds", "Identity",
           "Inequality", "Int", "Member", "Order", "ProofWithCrossChecks", "Real", "RelationDomain", "State", "Statement", "StatementClaim",
           "Uncheckable", "Vec", "claim", "guarded", "statement_of"]
