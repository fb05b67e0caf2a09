"""pytest face for users: one test item per claim variant.

    pytest --claims                 # every registered claim
    pytest --claims -k bw.lemma7    # one claim (both variants)
    pytest --claims my_claims.py    # a user's conjecture file

PROVED / CERTIFIED / SUPPORTED pass, REFUTED fails with the counterexample in the message,
ERROR (a crash inside the check; not a verdict) fails with the exception text,
INCONCLUSIVE skips with its reason.  The session writes a report (``--claims-report DIR``,
default ``reports/pytest``).  Each variant runs under the same time limit as on the command line
(``--claims-time-limit``; default 120 s at quick, 300 s at standard, none at deep).

Works under pytest-xdist (``-n 2``): each item's record travels to the controlling process in
the test report's ``user_properties``, and only that process writes the report.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

_RECORDS_KEY = pytest.StashKey[list]()
_RECORD_PROPERTY = "gd_theorem_claim_record"
DEFAULT_TIME_LIMITS = {"quick": 120.0, "standard": 300.0}  # seconds per variant; deep: none


def _time_limit_option(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise pytest.UsageError(f"--claims-time-limit: not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise pytest.UsageError(f"--claims-time-limit must be a finite number of seconds > 0 "
                                f"(got {text})")
    return value


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("claims", "theorem claims")
    group.addoption("--claims", nargs="?", const="all", default=None, metavar="FILE|PAPER|all",
                    help="collect one test per claim: 'all', a paper id (bw, ahn, ...), or a "
                    "Python file defining CLAIMS")
    group.addoption("--claims-budget", default="quick", choices=["quick", "standard", "deep"])
    group.addoption("--claims-dps", type=int, default=50)
    group.addoption("--claims-time-limit", type=_time_limit_option, default=None, metavar="SECONDS",
                    help="seconds per claim variant (default 120 at quick, 300 at standard, "
                    "none at deep)")
    group.addoption("--claims-report", default="reports/pytest",
                    help="directory for the report written at the end of the session")


def _selected_claims(config: pytest.Config):
    from . import registry
    from .claim import ClaimError

    spec = config.getoption("--claims")
    if spec in (None, ""):
        return None, None
    if spec == "all":
        return list(registry.all_claims()), None
    if spec.endswith(".py") or Path(spec).exists():
        try:
            from .conjectures import load_claims_file
        except ImportError as exc:  # pragma: no cover
            raise pytest.UsageError(f"--claims {spec}: conjecture files are not supported ({exc})") from exc
        try:
            claims = load_claims_file(spec)
        except ClaimError as exc:
            raise pytest.UsageError(f"--claims {spec}: {exc}") from exc
        return claims, {c.id: c for c in claims}
    try:
        return registry.select(paper=spec), None
    except ClaimError as exc:
        raise pytest.UsageError(f"--claims {spec}: {exc}") from exc


class ClaimItem(pytest.Item):
    def __init__(self, *, claim, variant: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.claim = claim
        self.variant = variant
        self.add_marker(pytest.mark.claim)

    def runtest(self) -> None:
        from .claim import Budget, Context
        from .runner import run_variant

        cfg = self.config
        budget = cfg.getoption("--claims-budget")
        ctx = Context(budget=Budget.named(budget), dps=cfg.getoption("--claims-dps"))
        limit = cfg.getoption("--claims-time-limit") or DEFAULT_TIME_LIMITS.get(budget)
        result = run_variant(self.claim, self.variant, ctx, time_limit=limit)
        rec = result.to_json()
        # to the report, also from an xdist worker (see pytest_runtest_logreport)
        self.user_properties.append((_RECORD_PROPERTY, json.dumps(rec)))
        verdict = rec["verdict"]
        if verdict == "REFUTED":
            raise ClaimRefuted(rec)
        if verdict == "ERROR":
            raise ClaimCrashed(rec)
        if verdict == "INCONCLUSIVE":
            pytest.skip(f"INCONCLUSIVE: {rec['evidence'].get('reason') or rec['evidence'].get('summary')}")

    def repr_failure(self, excinfo, style=None):  # type: ignore[override]
        if isinstance(excinfo.value, ClaimRefuted | ClaimCrashed):
            return excinfo.value.describe()
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.claim.id}[{self.variant}]"


class _ClaimFailure(AssertionError):
    """A claim item that fails, carrying its report record."""

    def __init__(self, rec: dict[str, Any]) -> None:
        super().__init__(rec["id"])
        self.rec = rec


class ClaimRefuted(_ClaimFailure):
    def describe(self) -> str:
        from .report import _find

        rec = self.rec
        ev = rec["evidence"]
        lines = [f"{rec['id']} ({rec['variant']}) REFUTED by {rec['method']}",
                 f"statement: {rec['statement']}"]
        cex = _find(ev, "counterexample")
        if cex:
            lines.append("counterexample: " + ", ".join(f"{k}={v}" for k, v in cex["inputs"].items()))
            lines.append(f"violation: {cex['violation']}")
        derived = _find(ev, "derived")
        if derived:
            lines += [f"{k}: {v}" for k, v in derived.items()]
        lines.append(f"reproduce: {rec['reproduce']}")
        return "\n".join(lines)


class ClaimCrashed(_ClaimFailure):
    """The check crashed: ERROR is not a verdict, and it fails the test."""

    def describe(self) -> str:
        rec = self.rec
        ev = rec["evidence"]
        lines = [f"{rec['id']} ({rec['variant']}) ERROR (the check crashed; no verdict)",
                 f"statement: {rec['statement']}"]
        lines += _error_texts(ev)
        lines.append(f"reproduce: {rec['reproduce']}")
        return "\n".join(lines)


def _error_texts(ev: dict[str, Any]) -> list[str]:
    """The reason of every crashed part of an evidence tree (the part that crashed first)."""
    out = [f"{ev.get('label') or 'check'}: {ev.get('reason')}"] if ev.get("method") == "error" else []
    for p in ev.get("parts", []):
        out += _error_texts(p)
    return out or [str(ev.get("reason"))]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    claims, _ = _selected_claims(config)
    if claims is None:
        return
    # With --claims the session is about claims: the project's own tests are not collected.
    items[:] = [ClaimItem.from_parent(session, name=f"{claim.id}[{v.name}]", claim=claim, variant=v.name)
                for claim in claims for v in claim.variants()]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "claim: a theorem claim collected by --claims")


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Collect each claim's record in the process that writes the report (the only process, or
    the xdist controller, which receives the workers' reports)."""
    if report.when != "call" or not report.user_properties:
        return
    for name, value in report.user_properties:
        if name == _RECORD_PROPERTY:
            _CURRENT_RECORDS.append(json.loads(value))


_CURRENT_RECORDS: list[dict[str, Any]] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    _CURRENT_RECORDS.clear()
    session.config.stash[_RECORDS_KEY] = _CURRENT_RECORDS


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    records = session.config.stash.get(_RECORDS_KEY, None)
    if not records or _is_xdist_worker(session.config):
        return
    from . import report

    cfg = session.config
    data = report.build(records, report.meta(cfg.getoption("--claims-budget"), cfg.getoption("--claims-dps"),
                                             20261122, sorted({r["paper"] for r in records})))
    report.write(data, cfg.getoption("--claims-report"))
