"""Compatibility name for :mod:`theorems.conjectures` (the package that checks conjectures)."""

from .conjectures import (  # noqa: F401 - re-exported public API
    DEFAULT_OUT,
    KINDS,
    Conjecture,
    add_arguments,
    check_conjecture,
    conjecture_claim,
    list_models,
    load_claims_file,
    main,
    prepare,
)
