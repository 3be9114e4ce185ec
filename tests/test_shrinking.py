"""Shrinking is bounded per test (issue 8 §6): hypothesis stops at the bound and reports what it has."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import engine

from scim_conformance.hypothesis_settings import PROFILES, SHRINKING, shrink_seconds, shrinking_within


def test_dev_and_ci_bound_shrinking_thorough_does_not() -> None:
    assert shrink_seconds(None) == shrink_seconds("dev") == SHRINKING["dev"]
    assert SHRINKING["dev"] is not None and SHRINKING["ci"] is not None
    assert SHRINKING["dev"] <= SHRINKING["ci"]
    assert shrink_seconds("thorough") is None
    # One failure per test is enough for a finding: no generating on after it, but in thorough.
    assert not PROFILES["dev"].report_multiple_bugs and not PROFILES["ci"].report_multiple_bugs
    assert PROFILES["thorough"].report_multiple_bugs


def test_the_bound_is_set_around_one_test_and_restored() -> None:
    saved = engine.MAX_SHRINKING_SECONDS
    with shrinking_within(1.5):
        assert engine.MAX_SHRINKING_SECONDS == 1.5
    assert engine.MAX_SHRINKING_SECONDS == saved
    with pytest.raises(RuntimeError), shrinking_within(2.0):
        raise RuntimeError
    assert engine.MAX_SHRINKING_SECONDS == saved
    with shrinking_within(None):
        assert engine.MAX_SHRINKING_SECONDS == saved


def _shrunk(bound: float | None) -> tuple[int, str]:
    """Examples run and the failure reported, for a property whose examples take 20 ms each."""
    calls: list[int] = []

    @settings(database=None, derandomize=True, max_examples=100, deadline=None, report_multiple_bugs=False)
    @given(st.lists(st.text(min_size=1), min_size=1))
    def slow_property(values: list[str]) -> None:
        calls.append(1)
        time.sleep(0.02)  # an HTTP round trip
        assert len("".join(values)) < 20 or len(values) < 3

    with pytest.raises(AssertionError) as failure, shrinking_within(bound):
        slow_property()
    return len(calls), "\n".join(getattr(failure.value, "__notes__", []))


def test_a_slow_shrink_stops_at_the_bound_and_still_reports_a_failing_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bounded_calls, bounded = _shrunk(0.2)
    full_calls, full = _shrunk(None)
    assert bounded_calls < full_calls
    # Either way hypothesis replays and reports a failing example (derandomized: the same
    # first failure, shrunk further without the bound).
    assert "Failing test case: slow_property(" in bounded
    assert "Failing test case: slow_property(" in full
    assert bounded != full
    # Hypothesis's own warning (about five minutes, and a plea to report a slow shrinker)
    # is not shown: the finding's notes say that shrinking stopped instead.
    assert "five minutes" not in capsys.readouterr().out
