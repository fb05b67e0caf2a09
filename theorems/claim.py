"""The public claim API: claims, verdicts, outcomes.

A :class:`Claim` is plain data plus check functions.  A check function takes a
:class:`Context` (budget, precision, seed) and returns an :class:`Outcome`
produced by one of the engines in :mod:`theorems.engines`.  Nothing in a claim
states what its verdict should be: the engines decide.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# Details key under which a claim names the sub-statements of its entry that it does not check
# (the report shows them beside the verdict, as its scope).
NOT_ENCODED = "sub-statements not encoded here"

class Verdict(enum.StrEnum):
    """The status of a claim variant: one of five verdicts, or ERROR.

    ``ERROR`` is **not a verdict**: it says the check crashed (a bug in a claim module, an
    engine or a library), so nothing was decided.  It lives in the same field as the verdicts
    so that every record, cache file and report keeps one status per claim variant, and every
    consumer that switches on the status sees it (a separate field could be silently ignored).
    It never passes (``passes`` is False), fails ``pytest --claims`` and the regression test, is
    counted apart from the verdicts in the report (``errors``), and makes
    ``python -m theorems check`` exit with status 3.  See :data:`VERDICTS` for the verdicts proper.
    """

    PROVED = "PROVED"
    CERTIFIED = "CERTIFIED"
    SUPPORTED = "SUPPORTED"
    REFUTED = "REFUTED"
    INCONCLUSIVE = "INCONCLUSIVE"
    ERROR = "ERROR"  # not a verdict: the check crashed

    @property
    def passes(self) -> bool:
        return self in (Verdict.PROVED, Verdict.CERTIFIED, Verdict.SUPPORTED)

    @property
    def is_error(self) -> bool:
        return self is Verdict.ERROR


# The verdicts proper (ERROR excluded), in report order.
VERDICTS: tuple[Verdict, ...] = tuple(v for v in Verdict if v is not Verdict.ERROR)


# Strength order of the positive verdicts: a conjunction is only as strong as its weakest part.
_STRENGTH = {Verdict.PROVED: 3, Verdict.CERTIFIED: 2, Verdict.SUPPORTED: 1}


class Kind(enum.StrEnum):
    IDENTITY = "identity"
    INEQUALITY = "inequality"
    RATE = "rate"
    ASYMPTOTIC = "asymptotic"
    LIMIT = "limit"
    QUALITATIVE = "qualitative"
    EXISTENCE = "existence"
    DEFINITION = "definition"
    EMPIRICAL = "empirical"


class ClaimError(ValueError):
    """A malformed claim or conjecture, or an input outside what an engine accepts."""


@dataclass(frozen=True)
class Budget:
    """How much work a check may do.  Engines scale samples/steps/search by these."""

    name: str
    samples: int  # random instances per sampled check
    search_iters: int  # counterexample-search evaluations
    max_steps: int  # cap on simulated GD steps
    sweep_points: int  # points in a parameter sweep (asymptotic fits)

    @staticmethod
    def named(name: str) -> Budget:
        try:
            return BUDGETS[name]
        except KeyError:
            raise ClaimError(f"unknown budget {name!r}; choose one of {sorted(BUDGETS)}") from None


BUDGETS = {
    "quick": Budget("quick", samples=12, search_iters=60, max_steps=4_000, sweep_points=5),
    "standard": Budget("standard", samples=40, search_iters=200, max_steps=20_000, sweep_points=7),
    "deep": Budget("deep", samples=200, search_iters=1500, max_steps=200_000, sweep_points=12),
}


@dataclass(frozen=True)
class Context:
    """Run-time settings handed to every check."""

    budget: Budget = BUDGETS["standard"]
    dps: int = 50
    seed: int = 20261122
    figures_dir: str | None = None  # where checks may save plots (None: no plots)
    figure_prefix: str = ""  # set by the runner to "<claim id>-<variant>" for figure names

    def rng(self, salt: str = ""):
        import random

        return random.Random(f"{self.seed}:{salt}")


@dataclass
class Counterexample:
    """A concrete violation at exact (rational) inputs."""

    inputs: dict[str, str]  # name -> exact rational as text ("3/7"), or vector "[1, -2/3]"
    violation: str  # e.g. "lhs - rhs = 1.2e-3 (must be <= 0)"
    values: dict[str, str] = field(default_factory=dict)  # quantities at the instance
    confirmed_dps: int | None = None  # precision of the confirming re-evaluation
    rigorous: bool = False  # confirmed by exact or ball arithmetic

    def to_json(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "violation": self.violation,
            "values": self.values,
            "confirmed_dps": self.confirmed_dps,
            "rigorous": self.rigorous,
        }


@dataclass
class Outcome:
    """An engine's verdict and the evidence behind it."""

    verdict: Verdict
    method: str
    summary: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    margin: float | None = None  # smallest slack seen (positive = claim held with room)
    counterexample: Counterexample | None = None
    derived: dict[str, str] | None = None  # {"printed": ..., "derived": ...}
    reason: str | None = None  # why INCONCLUSIVE / what failed
    figures: list[str] = field(default_factory=list)
    parts: list[Outcome] = field(default_factory=list)
    label: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "verdict": self.verdict.value,
            "method": self.method,
            "label": self.label,
            "summary": self.summary,
            "details": _jsonable(self.details),
            "margin": self.margin,
            "reason": self.reason,
        }
        if self.counterexample:
            out["counterexample"] = self.counterexample.to_json()
        if self.derived:
            out["derived"] = self.derived
        if self.figures:
            out["figures"] = list(self.figures)
        if self.parts:
            out["parts"] = [p.to_json() for p in self.parts]
        return out

    def named(self, label: str) -> Outcome:
        self.label = label
        return self


def inconclusive(reason: str, method: str = "none", **details: Any) -> Outcome:
    return Outcome(Verdict.INCONCLUSIVE, method, summary=reason, reason=reason, details=details)


def implication(hyps: Sequence[Outcome], conclusion: Callable[[], Outcome], what: str) -> Outcome:
    """Check a conclusion only where its hypotheses were established: INCONCLUSIVE (naming the
    hypotheses that were not) unless every hypothesis passes, else the conjunction."""
    if not all(h.verdict.passes for h in hyps):
        bad = [h.label for h in hyps if not h.verdict.passes]
        return inconclusive(f"{what}: hypotheses not established ({', '.join(bad)})", "hypotheses")
    return all_of([*hyps, conclusion()])


def proof_with_cross_checks(proof: Sequence[Outcome], checks: Sequence[Outcome]) -> Outcome:
    """Conjunction of the ``proof`` parts and the exact-point ``checks``.

    When every proof part is PROVED, the checks are cross-checks: a passing one is reported in
    the details (it cannot add to a proof), a failing one still enters the verdict (so it can
    refute, or expose a contradiction).  Otherwise the checks are part of the conjunction."""
    proved = all(p.verdict is Verdict.PROVED for p in proof)
    parts = list(proof) + [c for c in checks if not (proved and c.verdict.passes)]
    out = all_of(parts)
    if proved:
        out.details["cross_checks (exact points; a proof covers them)"] = [
            {"label": c.label, "verdict": c.verdict.value, "summary": c.summary} for c in checks if c.verdict.passes]
    return out


def is_uninformative(outcome: Outcome) -> bool:
    """An INCONCLUSIVE part marked by an engine as unable to fail (e.g. a family along which the
    claimed bound exceeds the measured quantity by 100 orders of magnitude): no evidence either way."""
    return outcome.verdict is Verdict.INCONCLUSIVE and bool(outcome.details.get("uninformative"))


def all_of(parts: Sequence[Outcome], method: str | None = None) -> Outcome:
    """Conjunction: REFUTED if any part is; else ERROR if any part crashed; else INCONCLUSIVE
    if any part is; else the weakest.  Every part is kept in ``parts`` (the evidence).
    Uninformative parts (:func:`is_uninformative`) are neither support nor doubt when the same
    check (same method) was informative on another part (e.g. other families of one sweep): they
    are listed but do not decide.  An uninformative part with no informative sibling of its
    method is a conjunct with no evidence: it keeps the conjunction INCONCLUSIVE."""
    if not parts:
        raise ClaimError("all_of() needs at least one outcome")
    refuted = [p for p in parts if p.verdict is Verdict.REFUTED]
    crashed = [p for p in parts if p.verdict is Verdict.ERROR]
    def base(p: Outcome) -> str:  # the kind of check: "parameter sweep", "mpmath sampling", ...
        return p.method.split(" + ")[0]

    carried = {base(p) for p in parts if not is_uninformative(p)}
    informative = [p for p in parts if not is_uninformative(p) or base(p) not in carried]
    undecided = [p for p in informative if p.verdict is Verdict.INCONCLUSIVE] or (
        [] if informative else list(parts))
    if refuted:
        head = refuted[0]
        verdict = Verdict.REFUTED
    elif crashed:
        head = crashed[0]
        verdict = Verdict.ERROR
    elif undecided:
        head = undecided[0]
        verdict = Verdict.INCONCLUSIVE
    else:
        head = min(informative, key=lambda p: _STRENGTH[p.verdict])
        verdict = head.verdict
    margins = [p.margin for p in parts if p.margin is not None]
    derived = next((p.derived for p in parts if p.derived), None)
    if method is None:
        deciding = [head] if verdict in (Verdict.REFUTED, Verdict.ERROR, Verdict.INCONCLUSIVE) else informative
        method = " + ".join(dict.fromkeys(p.method for p in deciding))
    return Outcome(
        verdict,
        method,
        summary="; ".join(f"{p.label or p.method}: {p.verdict.value}"
                          + (" (uninformative)" if is_uninformative(p) else "") for p in parts),
        margin=min(margins) if margins else None,
        counterexample=head.counterexample if verdict is Verdict.REFUTED else None,
        derived=derived,
        reason=head.reason if verdict is not Verdict.PROVED else None,
        figures=[f for p in parts for f in p.figures],
        parts=list(parts),
    )


CheckFn = Callable[[Context], Outcome]


class TimeLimitReached(BaseException):  # noqa: N818 - a signal, not an error
    """Raised (by the runner's alarm) when a claim variant runs out of time.

    A ``BaseException`` so that neither :func:`guarded` nor a stray ``except Exception`` in a
    claim or engine can swallow it: the time limit ends in INCONCLUSIVE with its reason.
    """


def error_outcome(message: str, label: str = "", trace: str | None = None) -> Outcome:
    """A check that crashed: status ERROR (not a verdict) with the exception text ``message`` and
    an optional traceback, both with local paths made relative (:func:`scrub_paths`)."""
    message = scrub_paths(message)
    details: dict[str, Any] = {"traceback": scrub_paths(trace)} if trace else {}
    return Outcome(Verdict.ERROR, "error", summary=message, reason=message, details=details, label=label)


def exception_outcome(exc: BaseException, label: str = "", where: str = "check") -> Outcome:
    """:func:`error_outcome` for an exception caught in ``where``: its last line and a short
    traceback."""
    import traceback

    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    kind = "invalid claim or input" if isinstance(exc, ClaimError) else "crash"
    text = f"{kind} in {where}{f' {label!r}' if label else ''}: {last}"
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-8))
    return error_outcome(text, label, trace)


def guarded(fn: CheckFn, ctx: Context, label: str = "") -> Outcome:
    """Run one part of a claim, ``fn(ctx)``, so that a crash becomes an ERROR outcome.

    Any exception (a :class:`ClaimError` inside a paper check is a bug too) gives
    ``Outcome(Verdict.ERROR, "error", reason=<exception text>)`` labelled ``label``; a
    result that is not an :class:`Outcome` is an error as well.  The time limit
    (:class:`TimeLimitReached`) and ``KeyboardInterrupt`` pass through.  Combine the guarded
    parts with :func:`all_of` so one crash does not erase the other parts' evidence.
    """
    try:
        out = fn(ctx)
        if not isinstance(out, Outcome):
            raise ClaimError(f"returned {type(out).__name__}, not Outcome")
    except Exception as exc:  # noqa: BLE001 - a crash is reported as ERROR, never lost
        return exception_outcome(exc, label)
    if label and not out.label:
        out.label = label
    return out


def scrub_paths(text: str) -> str:
    """Make file paths in ``text`` relative: the project root and site-packages prefixes go."""
    import re
    import site
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parent.parent) + "/"
    prefixes = [root]
    try:
        prefixes += [p.rstrip("/") + "/" for p in site.getsitepackages() + [site.getusersitepackages()]]
    except AttributeError:  # pragma: no cover - virtualenvs without site helpers
        pass
    prefixes += [p.rstrip("/") + "/" for p in sys.path if p.startswith("/") and len(p) > 1]
    for pre in sorted(set(prefixes), key=len, reverse=True):
        text = text.replace(pre, "")
    # whatever absolute path is left (another checkout, /tmp, ...): keep its last two parts
    return re.sub(r"(?<![\w.])/(?:[^/\s\"':]+/)+([^/\s\"':]+/[^/\s\"':]+)", r"\1", text)


@dataclass(frozen=True)
class Variant:
    name: str  # "printed" | "reading" | "reading2" ...
    statement: str
    check: CheckFn
    hypotheses: Callable[[], str] | None = None  # derived from the statement's domain


@dataclass(frozen=True)
class Claim:
    """One claim of a paper (or a user's conjecture).

    ``check`` tests the statement as printed; ``reading_check`` (with ``reading``)
    tests the most plausible reading when the printed text is garbled.
    """

    id: str
    title: str
    source: str
    statement: str
    kind: Kind
    hypotheses: str
    check: CheckFn
    reading: str | None = None
    reading_check: CheckFn | None = None
    depends_on: tuple[str, ...] = ()
    notes: str = ""
    extra_variants: tuple[Variant, ...] = ()  # further interpretations ("reading2", ...)
    # Claims with the same non-empty ``shares`` key compute the same expensive runs (e.g. the long GD
    # traces of numeric.sn_trace, cached per process): the runner runs their variants one after another
    # in one worker process, so the runs are computed once.  Each variant still gets its own result,
    # time limit and cache entry; run alone (a reproduce line) it computes what it needs itself.
    shares: str = ""

    def __post_init__(self) -> None:
        if "." not in self.id:
            raise ClaimError(f"claim id {self.id!r} must look like '<paper>.<tag>'")
        if (self.reading is None) != (self.reading_check is None):
            raise ClaimError(f"{self.id}: 'reading' and 'reading_check' go together")

    @property
    def paper(self) -> str:
        return self.id.split(".", 1)[0]

    def variants(self) -> Iterable[Variant]:
        yield Variant("printed", self.statement, self.check, _hyp(self.check))
        if self.reading is not None and self.reading_check is not None:
            yield Variant("reading", self.reading, self.reading_check, _hyp(self.reading_check))
        yield from self.extra_variants

    def hypotheses_of(self, variant: Variant) -> str:
        """The hypotheses text of a variant: derived from its statement where there is one."""
        derived = variant.hypotheses() if variant.hypotheses else ""
        return "; ".join(t for t in (derived, self.hypotheses) if t)


def _hyp(check: Any) -> Callable[[], str] | None:
    fn = getattr(check, "hypotheses", None)
    return fn if callable(fn) else None


def _jsonable(value: Any) -> Any:
    """Make evidence JSON-safe: numbers stay numbers when finite, everything else becomes text."""
    import math

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    try:
        f = float(value)
        if math.isfinite(f) and abs(f) < 1e300 and (f == 0 or abs(f) > 1e-300):
            return f
    except (TypeError, ValueError):
        pass
    return str(value)
