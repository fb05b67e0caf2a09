"""Models for one-line conjectures: the built-in vocabulary plus models a user writes down."""

from __future__ import annotations

import sympy as sp

KINDS = ("identity", "inequality", "trajectory", "rate")
DEFAULT_OUT = "reports/conjectures"
D_SYMBOL = sp.Symbol("d", integer=True, positive=True)
