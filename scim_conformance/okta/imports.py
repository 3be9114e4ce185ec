"""Paging as an Okta import does, with the one loop guard every driver shares (okta-requests.md §9).

Okta asks ``startIndex=1, 1+count, …`` until ``startIndex`` passes
``totalResults``. A provider whose ``totalResults`` grows without end, or whose
pages never run out, would keep an import running for ever: the guard stops
after twice the pages the first ``totalResults`` needs, plus ten. Twice: on a
shared target other clients create resources while the import pages; at up to
half a page of new resources per page the walk still ends (it gains at least
half a page each time), and it does for Okta too — a faster growth never ends
for anyone. A small page (the harness's ``count=2`` walk) meets this sooner
than Okta's 100.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from ..checks import read_json
from .protocol import OKTA_PAGE

_ROOM = 10
"""Pages allowed beyond twice what the first totalResults needs."""


@dataclass(frozen=True, slots=True)
class Page:
    """One page of an import: what was asked, and what came back."""

    start: int
    count: int
    response: httpx.Response
    body: Any
    """The parsed JSON body (None when not JSON), shared as ``checks.read_json`` shares it: read only."""
    number: int
    """1 for the first page."""

    @property
    def resources(self) -> list[Any]:
        found = self.body.get("Resources") if isinstance(self.body, dict) else None
        return found if isinstance(found, list) else []


class ImportLoops(Exception):
    """The import did not end within the pages ``totalResults`` allows: it loops, or totalResults grows."""

    def __init__(self, start: int, count: int, limit: int) -> None:
        super().__init__(f"still paging at startIndex={start} after {limit} pages of count={count}")
        self.start, self.count, self.limit = start, count, limit


def pages(
    send_page: Callable[[int, int], httpx.Response], *, count: int = OKTA_PAGE, max_pages: int = 10
) -> Iterator[Page]:
    """The pages of one import, as Okta walks them; raises :class:`ImportLoops` past the guard.

    ``count`` smaller than Okta's 100 exercises paging on a small realm; on a
    large one (a production target) it grows after the first page so that the
    walk takes at most ``max_pages`` pages — never beyond Okta's own 100. The
    walk ends on a page that is not a list of resources, an empty page, or once
    ``startIndex`` passes ``totalResults``. A consumer that stops early (a
    finding) simply stops iterating.
    """
    start, number, limit, size = 1, 0, max_pages, count
    while True:
        number += 1
        if number > limit:
            raise ImportLoops(start, size, limit)
        response = send_page(start, size)
        page = Page(start, size, response, read_json(response), number)
        yield page
        total = page.body.get("totalResults") if isinstance(page.body, dict) else None
        if not (isinstance(total, int) and not isinstance(total, bool)) or not page.resources:
            return
        start += size
        if start > total:
            return
        if number == 1:
            if size < OKTA_PAGE and math.ceil(total / size) > max_pages:
                size = min(OKTA_PAGE, math.ceil(total / max_pages))
            limit = 2 * math.ceil(total / size) + _ROOM
