"""Shared configuration of the harness's own tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

# pytester runs the suites (and small made-up test files) in a fresh pytest session.
pytest_plugins = ["pytester"]


@pytest.fixture
def keep_hypothesis_profile() -> Iterator[None]:
    """An in-process suite run loads its profile process-wide: give the harness's own tests theirs back."""
    saved = settings.default
    yield
    settings.register_profile("scim-conformance-restored", saved)
    settings.load_profile("scim-conformance-restored")
