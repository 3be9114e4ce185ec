"""Shared configuration of the harness's own tests."""

from __future__ import annotations

import json
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

# Imported here, once, not inside a test: pytester takes modules imported during a test out
# of sys.modules again, and a second import makes classes that no longer match the first.
# httpx imports httpcore lazily (its first transport) and keeps a map of httpcore's exception
# classes: were httpcore first imported inside a pytester run, the next run's httpcore would
# raise classes that map misses (a TLS ConnectError escaping the preflight as an INTERNALERROR).
import httpcore  # noqa: E402, F401
from summaries import schema_errors, summaries_in  # noqa: E402

# pytester runs the suites (and small made-up test files) in a fresh pytest session.
pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _summaries_match_their_schema(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every summary.json a test produces (pytester or CLI runs) is valid against the shipped schema.

    CI scripts read summary.json: a key renamed or a value of another shape must
    fail here, in the test that wrote it, not in someone's pipeline.
    """
    # Asked for only by tests that have them anyway; taken now, so they are torn down after the check.
    folders = [request.getfixturevalue("tmp_path")] if "tmp_path" in request.fixturenames else []
    if "pytester" in request.fixturenames:
        folders.append(request.getfixturevalue("pytester").path)
    yield
    for folder in folders:
        for path in summaries_in(folder):
            errors = schema_errors(json.loads(path.read_text(encoding="utf-8")))
            assert not errors, f"{path} does not match summary.schema.json:\n" + "\n".join(errors[:20])


@pytest.fixture
def keep_hypothesis_profile() -> Iterator[None]:
    """An in-process suite run loads its profile process-wide: give the harness's own tests theirs back."""
    saved = settings.default
    yield
    settings.register_profile("scim-conformance-restored", saved)
    settings.load_profile("scim-conformance-restored")
