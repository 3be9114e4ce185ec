"""Listings paged wrong: an Okta import (okta-requests.md §9) misses, repeats or misreads a page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Scope

from ..server import filtering
from ..server.app import create_app
from ..server.config import Realm, ServiceAccount
from ..server.store import Store
from ..spec import Json
from .middleware import Query, json_edit, on_query, on_response
from .registry import mutant


class _OffByOneStore(Store):
    """The reference store, paging the plain listing from ``startIndex`` as a 0-based offset."""

    def query(
        self, realm: str, kind: str, flt: filtering.Filter | None, start: int, count: int
    ) -> tuple[int, list[Json]]:
        # Filtered lookups page right: only an import (no filter) is off by one.
        return super().query(realm, kind, flt, start + 1 if flt is None else start, count)


@mutant(catches=("properties.pagination",))
def paging_off_by_one(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Pages the plain listings from ``startIndex`` counted from 0: the first resource is never listed.

    Breaks RFC 7644 §3.4.2.4 "startIndex is 1-based" / okta-requests.md §9 (okta): an Okta
    import misses a user. Counters are right (startIndex echoed, totalResults exact), so only
    tiling the pages shows it.
    """
    return create_app(realms=realms, accounts=accounts, store=_OffByOneStore())


@mutant(catches=("imports.users-small", "imports.users-small.start-index"))
def start_index_ignored(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Always serves the first page: ``startIndex`` is dropped.

    Breaks RFC 7644 §3.4.2.4 (rfc: startIndex echoed) and okta-requests.md §9 (okta): an
    import repeats page 1 and never sees the rest.
    """

    def first_page(query: Query) -> Query:
        return [(k, v) for k, v in query if k != "startIndex"]

    return on_query(create_app(realms=realms, accounts=accounts), first_page)


@mutant(catches=("imports.users-100",))
def pages_of_one(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Caps every page at one resource, whatever ``count`` asks.

    Breaks RFC 7644 §3.4.2.4 / okta-requests.md §9 (okta): Okta steps ``startIndex`` by
    the count it asked for, so it skips the rest of every page.
    """

    def one(query: Query) -> Query:
        return [(k, "1" if k == "count" else v) for k, v in query]

    return on_query(create_app(realms=realms, accounts=accounts), one)


@mutant(
    catches=(
        "connection.list-users",
        "discovery.resource-types",
        "discovery.schemas",
        "user-lifecycle.lookup-miss",
        "group-push.lookup-miss",
        "imports.users-100",
    )
)
def total_as_string(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Serialises ``totalResults`` as a string, as a template engine might.

    Breaks RFC 7644 §3.4.2 "totalResults is an integer" / okta-requests.md §9 (okta:
    Okta's import and lookups read it as a number; rfc in the discovery lists).
    """

    def change(scope: Scope, doc: Any) -> Any:
        if isinstance(doc, dict) and "totalResults" in doc:
            doc["totalResults"] = str(doc["totalResults"])
        return doc

    return on_response(create_app(realms=realms, accounts=accounts), json_edit(change))
