"""User conjectures: claims files and one-line conjectures (``python -m theorems conjecture``).

* :mod:`.models` - the models a conjecture talks about: built-in ones (:mod:`theorems.vocabulary`)
  and models a user writes down (``--vars``/``--loss``/``--param``, ``--model-file``), with
  ``--let`` definitions;
* :mod:`.parse` - parsing and validating a one-line conjecture (restricted grammar of
  :mod:`theorems.expr_parser`: never evaluated);
* :mod:`.compile` - the conjecture in one dimension, compiled to spec statements
  (:mod:`theorems.spec`) and engines, which alone decide the verdicts;
* :mod:`.check` - every dimension, the reproduce line, and :func:`conjecture_claim`;
* :mod:`.command` - the command line and claims files.

The names below are imported from their submodule on first use (PEP 562), so that importing
the package (e.g. to build the command line's parser) does not import SymPy and the engines.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, for readers and type checkers
    from .check import check_conjecture, conjecture_claim, prepare
    from .command import (
        add_arguments,
        add_model_arguments,
        list_models,
        load_claims_file,
        main,
        models_main,
    )
    from .constants import DEFAULT_OUT, KINDS
    from .parse import Conjecture

# public name -> submodule defining it
_HOME = {
    "check_conjecture": "check", "conjecture_claim": "check", "prepare": "check",
    "add_arguments": "command", "add_model_arguments": "command", "list_models": "command",
    "load_claims_file": "command", "main": "command", "models_main": "command",
    "DEFAULT_OUT": "constants", "KINDS": "constants",
    "Conjecture": "parse",
}

__all__ = ["DEFAULT_OUT", "KINDS", "Conjecture", "add_arguments", "add_model_arguments",
           "check_conjecture", "conjecture_claim", "list_models", "load_claims_file", "main",
           "models_main", "prepare"]


_SUBMODULES = ("check", "command", "compile", "constants", "models", "parse", "probes",
               "witness")


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:  # ``theorems.conjectures.parse`` as an attribute, as before
        return importlib.import_module(f".{name}", __name__)
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
