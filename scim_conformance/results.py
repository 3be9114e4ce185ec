"""What a run found: its findings, its failed tests, and what the cleanup did.

The plugin fills one :class:`RunResults` per session (on the xdist controller,
from the workers' reports and cleanup outcomes); the exit status, the terminal
summary and ``--scim-json`` (``reporting.summary``) read it. Whether a finding
fails the run is :func:`scim_conformance.core.terms.gates`, here applied to the
whole run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .core.terms import SEVERITIES, Severity, gates
from .outcomes import Outcome, matrix

if TYPE_CHECKING:
    from .baseline import Baseline

__all__ = ["RunResults"]


@dataclass(slots=True)
class RunResults:
    """Findings and cleanup totals collected across a run."""

    findings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """The findings of each test that failed on a finding, by node id (``findings.to_dict`` form)."""
    failed: set[str] = field(default_factory=set)
    """Node ids of the tests that failed, with a finding or not (a harness error has none)."""
    cleanup: dict[str, int] = field(default_factory=lambda: {"created": 0, "requests": 0})
    """Resources the run created, and requests its cleanup sent."""
    leftovers: list[str] = field(default_factory=list)
    """Resources the cleanup could not remove, one line each."""
    outcomes: list[Outcome] = field(default_factory=list)
    """Each test's verdict per Okta operation and profile (:mod:`scim_conformance.outcomes`)."""
    ran: set[str] = field(default_factory=set)
    """The check ids marked on the tests that ran (a call phase), to tell a fixed check from one not run."""
    baseline: Baseline | None = None
    """``--scim-baseline``: the findings it covers are reported, not gating (:mod:`.baseline`)."""

    def finding_gates(self, finding: Mapping[str, Any], *, strict: bool) -> bool:
        """Whether this finding fails the run: its severity gates, and no baseline covers it."""
        if not gates(finding["severity"], strict=strict):
            return False
        return self.baseline is None or not self.baseline.covers(finding)

    def add_outcomes(self, outcomes: Iterable[dict[str, Any]]) -> None:
        """A test's outcomes, in their JSON form (from a report, possibly another process's)."""
        self.outcomes += [Outcome.from_dict(o) for o in outcomes]

    def matrix(self, profiles: Iterable[str]) -> dict[str, dict[str, Outcome | None]]:
        """The run's verdict per Okta operation (rows) and profile (columns)."""
        return matrix(self.outcomes, list(profiles))

    def add_failure(self, nodeid: str, found: Iterable[dict[str, Any]] | None = None) -> None:
        """A failed test, and its findings if it failed on a finding (None: it did not)."""
        self.failed.add(nodeid)
        if found is not None:
            self.findings[nodeid] = list(found)

    def add_cleanup(self, outcome: Mapping[str, Any]) -> None:
        """One process's cleanup outcome (``cleanup.Tracker.clean_up``): totals add up."""
        self.leftovers += outcome["leftovers"]
        self.cleanup["created"] += outcome["created"]
        self.cleanup["requests"] += outcome["requests"]

    def all_findings(self) -> list[dict[str, Any]]:
        """Every finding of the run, test by test."""
        return [f for found in self.findings.values() for f in found]

    def counts(self) -> dict[Severity, int]:
        """How many findings of each severity, most severe first."""
        findings = self.all_findings()
        return {s: sum(1 for f in findings if f["severity"] == s) for s in SEVERITIES}

    def gating(self, *, strict: bool) -> bool:
        """Whether some finding fails the run."""
        return any(self.finding_gates(f, strict=strict) for f in self.all_findings())

    def only_findings_that_do_not_gate(self, *, strict: bool) -> bool:
        """Whether tests failed, and each only on findings that do not fail the run.

        A failed test without a finding (a harness error) is not one of those: it
        always fails the run.
        """
        return bool(self.failed) and all(
            nodeid in self.findings
            and not any(self.finding_gates(f, strict=strict) for f in self.findings[nodeid])
            for nodeid in self.failed
        )
