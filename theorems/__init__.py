"""Verification suite for theorems about gradient-descent dynamics.

Public API for claim authors (paper modules and user conjectures)::

    from theorems import Claim, Kind, Context, Outcome, Verdict, engines
"""

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


def __getattr__(name: str):
    """``theorems.engines`` is imported on first use (it pulls in SymPy and NumPy), so that
    ``import theorems.cli`` and ``python -m theorems --help`` start fast."""
    if name == "engines":
        import importlib

        return importlib.import_module(".engines", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
