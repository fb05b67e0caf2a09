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
"""

from .check import check_conjecture, conjecture_claim, prepare
from .command import (
           add_arguments,
           add_model_arguments,
           list_models,
           load_claims_file,
           main,
           models_main,
)
from .models import DEFAULT_OUT, KINDS
from .parse import Conjecture

__all__ = ["DEFAULT_OUT", "KINDS", "Conjecture", "add_arguments", "add_model_arguments",
           "check_conjecture", "conjecture_claim", "list_models", "load_claims_file", "main",
           "models_main", "prepare"]
