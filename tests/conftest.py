"""Shared configuration of the harness's own tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# The helper modules (suite_runs, live_targets, appserver, mock_target here; served in server/)
# are imported by plain name from tests/, tests/slow/ and tests/server/: one place puts both
# folders on sys.path, whatever folder a test file is in and whichever file pytest imports first.
_HERE = Path(__file__).resolve().parent
for _folder in (_HERE, _HERE / "server"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

# pytester runs the suites (and small made-up test files) in a fresh pytest session.
pytest_plugins = ["pytester"]


@pytest.fixture
def keep_hypothesis_profile() -> Iterator[None]:
    """An in-process suite run loads its profile process-wide: give the harness's own tests theirs back."""
    saved = settings.default
    yield
    settings.register_profile("scim-conformance-restored", saved)
    settings.load_profile("scim-conformance-restored")
