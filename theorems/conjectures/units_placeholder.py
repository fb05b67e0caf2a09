"""SymPy's solver without building SymPy's unit system (start-up of one-line conjectures).

``sympy.simplify`` and ``sympy.solvers.checksol`` import ``sympy.physics.units`` on every call,
only to ask whether the expression contains a physical ``Quantity`` (``expr.has(Quantity)``,
``expr.as_independent(Unit)``; SymPy 1.14).  The first of these imports builds SymPy's whole SI
unit system: 0.1-0.2 s, the largest single cost of a one-step conjecture after importing SymPy.

While that module has never been imported, no expression can contain a ``Quantity`` (an instance
of a class defined there), so both questions have the answer "no".  :func:`units_placeholder`
stands in a placeholder module for the duration of a call: its ``Quantity``/``Unit`` is a class of
which nothing is an instance, which gives that same answer, so nothing computed changes.  Any
other name asked of the placeholder imports the real module (which then replaces it), so a SymPy
that uses more of the module is served by the real one.  Nothing is replaced when the real module
is already imported.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

UNITS = "sympy.physics.units"


class _NoQuantity:
    """Stands for ``sympy.physics.units.Quantity`` while no Quantity can exist."""


class _Placeholder(ModuleType):
    Quantity = Unit = _NoQuantity

    def __getattr__(self, name: str):  # any other name: the real module, from now on
        if name.startswith("__"):  # the import system's questions (__path__, __spec__ ...)
            raise AttributeError(name)
        if sys.modules.get(UNITS) is self:
            del sys.modules[UNITS]
        return getattr(importlib.import_module(UNITS), name)


@contextmanager
def units_placeholder() -> Iterator[None]:
    """Within the block, ``from sympy.physics.units import Quantity`` (or ``Unit``) does not
    import SymPy's unit system while it is not imported already (see the module doc)."""
    if any(m in sys.modules for m in ("sympy.physics", UNITS, UNITS + ".quantities")):
        yield
        return
    placeholder = _Placeholder(UNITS, "placeholder while SymPy's unit system is not imported")
    sys.modules[UNITS] = placeholder
    try:
        yield
    finally:
        if sys.modules.get(UNITS) is placeholder:
            del sys.modules[UNITS]
