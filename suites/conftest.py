"""Shared set-up of the conformance suites.

Before any suite runs, a read-only preflight checks that the target is reachable
and accepts the token; a broken set-up stops the run with one message (exit 2).
"""

from __future__ import annotations

import pytest

from scim_conformance.plugin import preflight_or_exit


def pytest_sessionstart(session: pytest.Session) -> None:
    preflight_or_exit(session.config)
