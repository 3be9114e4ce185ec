"""Ctrl-C lands between requests, never inside one, so every resource the target created is tracked.

Python raises ``KeyboardInterrupt`` in whatever frame runs when SIGINT arrives. Inside
a POST that the target has already answered with 201, that loses the new id before
the run's tracker records it: the resource would stay on the target, uncleaned (seen
under xdist: a group the server created, absent from the cleanup). So while a
request is in flight — from sending it to tracking its answer — a SIGINT is only
noted, and raised as soon as that request is done.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["interrupt_between_requests", "one_request"]

_in_flight = 0
_pending = False


@contextmanager
def one_request() -> Iterator[None]:
    """Send and track one request: a Ctrl-C meanwhile is raised when the block is done."""
    global _in_flight, _pending
    _in_flight += 1
    try:
        yield
    finally:
        _in_flight -= 1
        if _pending and not _in_flight:
            _pending = False
            raise KeyboardInterrupt


def interrupt_between_requests(signum: int, frame: FrameType | None) -> None:
    """A SIGINT handler: ``KeyboardInterrupt`` now, or after the request in flight."""
    global _pending
    if _in_flight and threading.current_thread() is threading.main_thread():
        _pending = True
        return
    raise KeyboardInterrupt
