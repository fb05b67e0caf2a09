"""The registry: every claim of every paper package under ``theorems.papers``.

A paper package (``theorems/papers/<paper>/``) holds one module per section of the
catalogue; each module defines ``CLAIMS: list[Claim]``.  Modules are discovered, so adding a
section never edits a shared list.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

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


# ---------------------------------------------------------------- the claim index (fast listing)

INDEX_FILE = ".claim-index.json"  # in the project root, next to the packages (git-ignored)
_INDEX_FORMAT = 1


def _project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def source_hash(root: Path | None = None) -> str:
    """SHA-256 of every Python source of the project packages (``theorems``, ``symbolic``,
    ``numeric``), names and contents: any edit that could change a claim's metadata changes it."""
    import hashlib

    root = root or _project_root()
    h = hashlib.sha256(f"{_INDEX_FORMAT}".encode())
    for package in ("theorems", "symbolic", "numeric"):
        for f in sorted((root / package).rglob("*.py")):
            h.update(f"|{f.relative_to(root).as_posix()}|".encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def claim_index(paper: str | None = None) -> list[dict[str, Any]]:
    """Every claim's listing metadata (``id``, ``paper``, ``kind``, ``variants``, ``title``) in
    registry order, without importing the paper modules (and SymPy) when a cached index of the
    same sources exists (:data:`INDEX_FILE`, keyed by :func:`source_hash`); otherwise the claims
    are loaded and the index is written for next time (not when a module failed to load, so
    its warning is shown again)."""
    import json

    root = _project_root()
    path = root / INDEX_FILE
    digest = source_hash(root)
    entries = None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("source_hash") == digest:
            entries = data["claims"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    if entries is None:
        entries = [{"id": c.id, "paper": c.paper, "kind": c.kind.value,
                    "variants": [v.name for v in c.variants()], "title": c.title}
                   for c in all_claims()]
        if not LOAD_ERRORS:
            try:
                from .io import atomic_write_text

                atomic_write_text(path, json.dumps({"source_hash": digest, "claims": entries}))
            except OSError:  # a read-only installation: list without a cache
                pass
    if paper:
        entries = [e for e in entries if e["paper"] == paper]
        if not entries:
            known = list(dict.fromkeys(e["paper"] for e in claim_index()))
            raise ClaimError(f"no claims for paper {paper!r}; known papers: {known}")
    return entries


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
