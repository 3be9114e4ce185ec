"""Each Okta operation's verdict: what a test did per operation and profile, and the matrix of a run.

A test records an :class:`Outcome` per Okta operation it exercised (a
catalogue sequence one per step): passed, failed (with the severities and
check ids of its findings), or not reached (an earlier step it needs gave
nothing to act on, named in ``blocked_by``). :func:`matrix` folds a run's
outcomes into one verdict per operation (rows, in
:data:`~scim_conformance.okta.operations.OPERATIONS` order) and profile
(columns) — what an admin debugging Okta reads first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from .core.terms import Severity, rank
from .errors import ConformanceFailure
from .okta.operations import OPERATIONS

Status = Literal["pass", "fail", "not reached"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one test found for one Okta operation under one profile."""

    operation: str
    """A name of :data:`~scim_conformance.okta.operations.OPERATIONS`."""
    profile: str
    status: Status
    severity: Severity | None = None
    """The worst severity of the findings (``fail`` only)."""
    checks: tuple[str, ...] = ()
    blocked_by: str = ""
    """For ``not reached``: the step or operation whose failure left nothing to act on."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outcome:
        return cls(**{**data, "checks": tuple(data.get("checks", ()))})


def failed(operation: str, profile: str, findings: Iterable[ConformanceFailure]) -> Outcome:
    """The outcome of an operation with these findings (``pass`` when there are none)."""
    found = list(findings)
    if not found:
        return Outcome(operation, profile, "pass")
    worst = min((f.severity for f in found), key=rank)
    return Outcome(operation, profile, "fail", worst, tuple(dict.fromkeys(f.check for f in found)))


def matrix(outcomes: Iterable[Outcome], profiles: Iterable[str]) -> dict[str, dict[str, Outcome | None]]:
    """operation → profile → the run's verdict (None: not exercised, e.g. deselected).

    A failure anywhere fails the cell (the worst severity, every check id); else a
    pass passes it; else it was not reached, blocked by the first blocker seen.
    """
    cells: dict[tuple[str, str], list[Outcome]] = {}
    for outcome in outcomes:
        cells.setdefault((outcome.operation, outcome.profile), []).append(outcome)
    result: dict[str, dict[str, Outcome | None]] = {}
    for name in OPERATIONS:
        row: dict[str, Outcome | None] = {}
        for profile in profiles:
            found = cells.get((name, profile), [])
            failures = [o for o in found if o.status == "fail"]
            if failures:
                worst = min((o.severity or "rfc" for o in failures), key=rank)
                checks = tuple(dict.fromkeys(c for o in failures for c in o.checks))
                row[profile] = Outcome(name, profile, "fail", worst, checks)
            elif any(o.status == "pass" for o in found):
                row[profile] = Outcome(name, profile, "pass")
            elif found:
                row[profile] = Outcome(name, profile, "not reached", blocked_by=found[0].blocked_by)
            else:
                row[profile] = None
        result[name] = row
    return result


def cell_text(outcome: Outcome | None) -> str:
    """A matrix cell in words: ``pass``, ``FAIL okta: check, …``, ``not reached (…)``, ``-``."""
    if outcome is None:
        return "-"
    if outcome.status == "fail":
        return f"FAIL {outcome.severity}: {', '.join(outcome.checks)}"
    if outcome.status == "not reached":
        return f"not reached (blocked by {outcome.blocked_by})" if outcome.blocked_by else "not reached"
    return "pass"


def render(table: dict[str, dict[str, Outcome | None]], profiles: Iterable[str]) -> list[str]:
    """The matrix as aligned text lines (terminal, report), one row per Okta operation."""
    shown = list(profiles)
    rows = [["Okta operation", *shown]]
    rows += [[OPERATIONS[name].title, *(cell_text(row[p]) for p in shown)] for name, row in table.items()]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def of_test(
    recorded: Iterable[Outcome],
    operations: tuple[str, ...],
    profiles: Iterable[str],
    findings: Iterable[ConformanceFailure],
) -> list[Outcome]:
    """A test's outcomes: those its driver recorded (a catalogue sequence), else from its findings.

    Each finding counts against the Okta operation it names (else the test's
    main operation, the first of ``operations``); each declared operation
    without a finding passed.
    """
    kept = list(recorded)
    if kept:
        return kept
    found = list(findings)
    named = list(dict.fromkeys([*operations, *(f.okta_operation for f in found if f.okta_operation)]))
    if not named:
        return []
    outcomes = []
    for profile in profiles:
        for name in named:
            mine = [f for f in found if (f.okta_operation or named[0]) == name]
            outcomes.append(failed(name, profile, mine))
    return outcomes
