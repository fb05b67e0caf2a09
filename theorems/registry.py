"""The registry: every claim of every paper package under ``theorems.papers``.

A paper package (``theorems/papers/<paper>/``) holds one module per section of the
catalogue; each module defines ``CLAIMS: list[Claim]``.  Modules are discovered, so adding a
section never edits a shared list.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType

from .claim import Claim, ClaimError

PAPER_ORDER = ("bw", "ahn", "mmv", "loureiro", "mms")


def _paper_packages() -> list[str]:
    from . import papers

    found = [m.name for m in pkgutil.iter_modules(papers.__path__) if m.ispkg]
    return sorted(found, key=lambda p: (PAPER_ORDER.index(p) if p in PAPER_ORDER else 99, p))


def claims_of_module(module: ModuleType) -> list[Claim]:
    """``CLAIMS`` if the module defines it, else every module-level claim in definition order
    (statement modules declare claims with ``@claim`` and need no list)."""
    claims = getattr(module, "CLAIMS", None)
    if claims is None:
        seen: dict[int, Claim] = {}
        for value in vars(module).values():
            if isinstance(value, Claim) and _defined_in(value, module) and id(value) not in seen:
                seen[id(value)] = value
        return list(seen.values())
    if not all(isinstance(c, Claim) for c in claims):
        raise ClaimError(f"{module.__name__}.CLAIMS must be a list of Claim objects")
    return list(claims)


def _defined_in(c: Claim, module: ModuleType) -> bool:
    fn = getattr(c.check, "make", c.check)
    return getattr(fn, "__module__", None) == module.__name__


LOAD_ERRORS: dict[str, str] = {}


def _natural(name: str) -> list:
    """Sort key with numbers compared as numbers: s2_... before s10_... (catalogue order)."""
    import re

    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


@lru_cache(maxsize=1)
def all_claims() -> tuple[Claim, ...]:
    """Every registered claim.  A module that fails to import is recorded in
    ``LOAD_ERRORS`` (shown by the CLI and the report, and failed by the test suite) instead of
    taking every other paper down with it."""
    import sys
    import traceback

    out: list[Claim] = []
    for paper in _paper_packages():
        pkg = importlib.import_module(f"theorems.papers.{paper}")
        modules = sorted((m.name for m in pkgutil.iter_modules(pkg.__path__)), key=_natural)
        for name in modules:
            full = f"{pkg.__name__}.{name}"
            try:
                out.extend(claims_of_module(importlib.import_module(full)))
            except Exception as exc:  # noqa: BLE001 - reported, see docstring
                LOAD_ERRORS[full] = traceback.format_exception_only(type(exc), exc)[-1].strip()
                print(f"warning: could not load {full}: {LOAD_ERRORS[full]}", file=sys.stderr)
    ids = [c.id for c in out]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ClaimError(f"duplicate claim ids: {sorted(dup)}")
    return tuple(out)


def papers() -> list[str]:
    return list(dict.fromkeys(c.paper for c in all_claims()))


def get(claim_id: str) -> Claim:
    for c in all_claims():
        if c.id == claim_id:
            return c
    raise ClaimError(f"no claim with id {claim_id!r} (try 'python -m theorems list')")


def select(paper: str | None = None, ids: list[str] | None = None) -> list[Claim]:
    if ids:
        return [get(i) for i in ids]
    claims = list(all_claims())
    if paper:
        claims = [c for c in claims if c.paper == paper]
        if not claims:
            raise ClaimError(f"no claims for paper {paper!r}; known papers: {papers()}")
    return claims
