"""Verification suite for theorems about gradient-descent dynamics.

Public API for claim authors (paper modules and user conjectures)::

    from theorems import Claim, Kind, Context, Outcome, Verdict, engines
"""

from . import engines
from .claim import (
    BUDGETS,
    Budget,
    Claim,
    ClaimError,
    Context,
    Counterexample,
    Kind,
    Outcome,
    Verdict,
    all_of,
    guarded,
    inconclusive,
)

__all__ = ["BUDGETS", "Budget", "Claim", "ClaimError", "Context", "Counterexample", "Kind",
           "Outcome", "Verdict", "all_of", "engines", "guarded", "inconclusive"]
