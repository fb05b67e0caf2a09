"""``@claim``: a paper's claim as metadata plus one statement.

    @claim("bw.lemma8", title="GD norm bound", source="App. C.2, Lemma 8",
           kind=Kind.INEQUALITY, statement=r"...", depends_on=("bw.lemma6",))
    def lemma8():
        return Along(gd_run, norm_bound, domain=GD, label="GD: lam(t) <= lambar")

    @lemma8.read_as(r"the same with $\\eta\\le 1/|\\varepsilon(0)|$")
    def _(printed):
        return printed.replace(domain=printed.domain.with_(Real("eta", 0, cap)))

The statement is built lazily (when the claim is checked), so listing claims stays cheap.
The report's hypotheses text comes from the statement's domain (plus ``hypotheses=``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..claim import Claim, ClaimError, Context, Kind, Outcome, Variant, error_outcome
from .statements import Statement, guarded


@dataclass(frozen=True)
class _Build:
    """A check function that builds the statement and runs it (in a guard)."""

    make: Callable[[], Statement]
    claim_id: str

    def statement(self) -> Statement:
        st = self.make()
        if not isinstance(st, Statement):
            raise ClaimError(f"{self.claim_id}: the claim function must return a statement, "
                             f"got {type(st).__name__}")
        return st

    def __call__(self, ctx: Context) -> Outcome:
        try:
            st = self.statement()
        except Exception as exc:  # noqa: BLE001 - a claim that cannot be built is an error
            import traceback

            return error_outcome(f"building the statement failed: {type(exc).__name__}: {exc}",
                                 trace=traceback.format_exc(limit=6))
        return guarded(st, ctx)

    def hypotheses(self) -> str:
        try:
            return self.statement().hypotheses()
        except Exception as exc:  # noqa: BLE001 - a text must never crash a listing
            return f"(hypotheses text unavailable: {type(exc).__name__})"


class StatementClaim(Claim):
    """A :class:`Claim` whose variants are statements (see the module docstring)."""

    def read_as(self, text: str, name: str = "reading") -> Callable[[Callable[[Statement], Statement]], StatementClaim]:
        """Declare a reading: the printed statement with a change.  ``name`` may be
        ``reading2``... for further interpretations (each gets its own verdict)."""

        def deco(fn: Callable[[Statement], Statement]) -> StatementClaim:
            printed: _Build = self.check  # type: ignore[assignment]
            build = _Build(lambda: fn(printed.statement()), self.id)
            if name == "reading":
                if self.reading is not None:
                    raise ClaimError(f"{self.id}: reading declared twice")
                object.__setattr__(self, "reading", text)
                object.__setattr__(self, "reading_check", build)
            else:
                if any(v.name == name for v in self.extra_variants) or name == "printed":
                    raise ClaimError(f"{self.id}: variant {name!r} declared twice")
                object.__setattr__(self, "extra_variants", (*self.extra_variants,
                                                            Variant(name, text, build, build.hypotheses)))
            return self

        return deco


def claim(claim_id: str, *, title: str, source: str, statement: str, kind: Kind,
          depends_on: tuple[str, ...] = (), hypotheses: str = "", notes: str = "") -> Callable[[Callable[[], Statement]], StatementClaim]:
    """Decorate a function returning the claim's statement (as printed)."""

    def deco(fn: Callable[[], Statement]) -> StatementClaim:
        if fn.__doc__ is None:
            raise ClaimError(f"{claim_id}: a claim function needs a docstring citing the paper")
        build = _Build(fn, claim_id)
        return StatementClaim(id=claim_id, title=title, source=source, statement=statement,
                              kind=kind, hypotheses=hypotheses, check=build, depends_on=depends_on,
                              notes=notes or fn.__doc__.strip())

    return deco


def statement_of(c: Claim, variant: str = "printed") -> Any:
    """The statement object behind a variant of a statement claim (for tests and tools)."""
    for v in c.variants():
        if v.name == variant and isinstance(v.check, _Build):
            return v.check.statement()
    raise ClaimError(f"{c.id} variant {variant!r} is not a statement")
