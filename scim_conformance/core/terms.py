"""The terms every part of the project shares: severities, Okta's client profiles, and what gates a run.

Each is a ``Literal`` (findings, markers, the catalogue and summary.json carry
them as plain strings) with the tuple of its values in their order.
"""

from __future__ import annotations

from typing import Final, Literal, TypeGuard, get_args

Severity = Literal["security", "okta", "rfc"]
"""How bad a finding is (CONTRACT §5)."""

SEVERITIES: Final[tuple[Severity, ...]] = get_args(Severity)
"""The severities, most severe first: security > okta > rfc."""

Profile = Literal["aiw", "oin"]
"""Okta's client profile (CONTRACT §2): ``aiw`` (custom app, every change a PUT) or ``oin``
(catalogue app, PATCH)."""

PROFILES: Final[tuple[Profile, ...]] = get_args(Profile)
"""The profiles, in the order the suites run them."""


def is_severity(value: object) -> TypeGuard[Severity]:
    """Whether ``value`` is one of :data:`SEVERITIES`."""
    return value in SEVERITIES


def is_profile(value: object) -> TypeGuard[Profile]:
    """Whether ``value`` is one of :data:`PROFILES`."""
    return value in PROFILES


def rank(severity: Severity) -> int:
    """The position of ``severity`` in :data:`SEVERITIES`: 0 is the most severe (sorts first)."""
    return SEVERITIES.index(severity)


def gates(severity: Severity, *, strict: bool) -> bool:
    """Whether a finding of ``severity`` fails the run (CONTRACT §5).

    ``security`` and ``okta`` findings always do; ``rfc`` findings are reported,
    and fail the run only in strict mode (``--scim-strict``).
    """
    return severity != "rfc" or strict
