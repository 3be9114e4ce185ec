"""What a run found: its findings, its tests and checks with their outcomes, its errors, and the cleanup.

The plugin fills one :class:`RunResults` per session (on the xdist controller,
from the workers' reports and cleanup outcomes); the terminal summary, the HTML
report and ``--scim-json`` (``reporting.summary``) read it. Whether a finding
fails the run is :func:`scim_conformance.core.terms.gates`, here applied to the
whole run (each test's report already follows it: ``reporting.testcase``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .core.terms import SEVERITIES, Severity, gates
from .outcomes import Outcome, matrix

if TYPE_CHECKING:
    from .baseline import Baseline

__all__ = ["TEST_OUTCOMES", "RunResults"]

TEST_OUTCOMES = ("passed", "failed", "errored", "skipped")
"""How summary.json and the HTML report count tests (pytest's outcomes; errors of setup or teardown)."""


@dataclass(slots=True)
class RunResults:
    """Findings and cleanup totals collected across a run."""

    findings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """The findings of each test, by node id (``findings.to_dict`` form): a test whose findings do
    not gate passed, and still has them."""
    cleanup: dict[str, int] = field(default_factory=lambda: {"created": 0, "requests": 0})
    """Resources the run created, and requests its cleanup sent."""
    leftovers: list[str] = field(default_factory=list)
    """Resources the cleanup could not remove, one line each."""
    outcomes: list[Outcome] = field(default_factory=list)
    """Each test's verdict per Okta operation and profile (:mod:`scim_conformance.outcomes`)."""
    tests: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TEST_OUTCOMES, 0))
    """How many tests passed, failed, errored (setup or teardown) and were skipped, as pytest counts."""
    checks: list[dict[str, Any]] = field(default_factory=list)
    """Every check each test ran, with its outcome (``reporting.testcase.checks_of_test``)."""
    errors: list[dict[str, Any]] = field(default_factory=list)
    """Each error of a test (not a finding: the harness or a fixture broke), with its traceback."""
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

    def add_test_report(self, when: str, outcome: str) -> None:
        """Count one phase's report as pytest does: the call's outcome; a setup or teardown failure errors."""
        if when == "call" and outcome in self.tests:
            self.tests[outcome] += 1
        elif outcome == "failed":
            self.tests["errored"] += 1
        elif when == "setup" and outcome == "skipped":
            self.tests["skipped"] += 1

    def add_findings(self, nodeid: str, found: Iterable[dict[str, Any]]) -> None:
        """A test's findings (in a failed test, or one whose findings do not gate and so passed)."""
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
