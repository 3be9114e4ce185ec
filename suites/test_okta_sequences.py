"""Okta's request sequences, replayed from the catalogue in ``fixtures/okta/``.

One test per sequence and Okta client profile (``test_user_lifecycle[aiw]``):
a step that fails stops its own sequence, never the others. The requests,
their sources and the expectations are data (STYLE Lesson 6); this module only
turns each sequence into a test.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scim_conformance.catalogue import Sequence, load_catalogue
from scim_conformance.probe import Probe
from scim_conformance.replay import run_sequence


def _test_of(sequence: Sequence) -> Callable[..., None]:
    def test(probe: Probe, okta_profile: str, scim_run: str) -> None:
        run_sequence(sequence, probe, profile=okta_profile, run=scim_run)

    test.__name__ = test.__qualname__ = "test_" + sequence.id.replace("-", "_")
    test.__doc__ = f"{sequence.title}: {sequence.requirement} (catalogue: {sequence.path.name})"
    marker = pytest.mark.check(
        sequence.id,
        severity=sequence.severity,
        requirement=sequence.requirement,
        profiles=sequence.profiles,
        operation=sequence.operation,
        operations=tuple(dict.fromkeys(step.okta_operation for step in sequence.steps)),
    )
    footprint = pytest.mark.footprint(users=_posts(sequence, "/Users"), groups=_posts(sequence, "/Groups"))
    return footprint(marker(test))


def _posts(sequence: Sequence, path: str) -> int:
    """The POSTs to ``path`` the sequence sends under the profile that sends most (the run's budget)."""
    return max(
        sum(
            1
            for step in sequence.steps
            if step.method == "POST" and step.path == path and profile in step.profiles
        )
        for profile in sequence.profiles
    )


for _sequence in load_catalogue():
    globals()["test_" + _sequence.id.replace("-", "_")] = _test_of(_sequence)
