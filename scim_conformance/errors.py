"""The harness's two error families, kept apart so pytest tells them apart.

AssertionError
 └── ConformanceFailure   the target broke a requirement: a finding (FAILED)
Exception
 └── HarnessError         the set-up is broken (unreachable target, bad token,
                          bad option): not a finding; stops the run (exit 2)
"""

from __future__ import annotations

from collections.abc import Sequence

from .core.terms import PROFILES, SEVERITIES, Severity, is_severity, rank
from .traffic import Exchange

# PROFILES and SEVERITIES are defined in core.terms; re-exported for the modules that import them here.
__all__ = ["PROFILES", "SEVERITIES", "ConformanceFailure", "HarnessError"]


class ConformanceFailure(AssertionError):
    """A requirement the target does not meet, with everything needed to act on it."""

    def __init__(
        self,
        *,
        check: str,
        title: str,
        severity: str,
        requirement: str,
        expected: str,
        got: str,
        exchanges: Sequence[Exchange] = (),
        profiles: Sequence[str] = PROFILES,
        operation: str = "",
        okta_operation: str = "",
        others: Sequence[ConformanceFailure] = (),
    ) -> None:
        if not is_severity(severity):
            raise ValueError(f"severity must be one of {SEVERITIES}, got {severity!r}")
        super().__init__(title)
        self.check = check
        self.title = title
        self.severity: Severity = severity
        self.requirement = requirement
        self.expected = expected
        self.got = got
        self.exchanges = tuple(exchanges)
        self.profiles = tuple(profiles)
        self.operation = operation
        self.okta_operation = okta_operation
        """The name of the Okta operation that breaks (``okta.operations.OPERATIONS``), when known."""
        self.others = tuple(others)
        """Further findings of the same test (e.g. rfc findings met before this one)."""

    def all(self) -> tuple[ConformanceFailure, ...]:
        """This finding and the others, most severe first."""
        found = (self, *self.others)
        return tuple(sorted(found, key=lambda f: rank(f.severity)))


class HarnessError(Exception):
    """The run cannot judge the target: say the cause and the fix, in one message."""
