"""A Ctrl-C waits for the request in flight to be tracked, then lands (scim_conformance.interrupts)."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from scim_conformance.interrupts import interrupt_between_requests, one_request


@pytest.fixture
def handler() -> Iterator[None]:
    previous = signal.signal(signal.SIGINT, interrupt_between_requests)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_sigint_during_a_request_lands_when_it_is_tracked(handler: None) -> None:
    done = []
    with pytest.raises(KeyboardInterrupt):
        with one_request():
            signal.raise_signal(signal.SIGINT)
            done.append("sent")  # the rest of the request still runs...
            done.append("tracked")
    assert done == ["sent", "tracked"]  # ... and the interrupt came after it
    with one_request():  # and only once
        pass


def test_a_sigint_between_requests_lands_at_once(handler: None) -> None:
    with pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGINT)


def test_nested_blocks_wait_for_the_outermost(handler: None) -> None:
    done = []
    with pytest.raises(KeyboardInterrupt):
        with one_request():
            with one_request():
                signal.raise_signal(signal.SIGINT)
            done.append("outer still running")
    assert done == ["outer still running"]
