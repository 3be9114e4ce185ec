"""Lookups answered wrong: a filter matched loosely, ignored, or hiding resources Okta looks for."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from starlette.types import ASGIApp, Scope

from ..server import filtering
from ..server.app import create_app
from ..server.config import Realm, ServiceAccount
from ..server.errors import ScimError
from .middleware import Query, json_edit, on_query, on_response
from .registry import mutant

_EQ = re.compile(r'(?is)^\s*(\w+)\s+eq\s+(".*")\s*$')


@mutant(
    catches=(
        "properties.lookup-exact",
        "stateful.model",
        "user-lifecycle.lookup-miss.exact-match",
        "group-push.lookup-hit",
    )
)
def lookup_prefix(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Answers ``userName eq "v"`` (or ``displayName eq``) with all that start with v, as ``LIKE 'v%'``.

    Breaks CONTRACT §4 "an eq filter is an exact match, never a prefix" (okta): a lookup
    finds two resources only when one name extends another, so only near-miss neighbours show it.
    """

    def as_prefix(query: Query) -> Query:
        return [(k, _EQ.sub(r"\1 sw \2", v) if k == "filter" else v) for k, v in query]

    return on_query(create_app(realms=realms, accounts=accounts), as_prefix)


def _without_filter(keep: Callable[[str], bool]) -> Callable[[Query], Query]:
    return lambda query: [(k, v) for k, v in query if k != "filter" or keep(v)]


def _parses(text: str) -> bool:
    try:
        filtering.parse_filter(text)
    except ScimError:
        return False
    return True


@mutant(catches=("errors.invalid-filter",))
def invalid_filter_ignored(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Drops a filter it cannot parse and lists everything instead of answering 400.

    Breaks RFC 7644 §3.4.2.2 / §3.12 "an invalid filter → 400 invalidFilter" (rfc).
    """
    return on_query(create_app(realms=realms, accounts=accounts), _without_filter(_parses))


@mutant(
    catches=(
        "errors.invalid-filter",
        "discovery.filter-advertised",
        "user-lifecycle.lookup-miss.exact-match",
        # The group lookup that shows it depends on the groups the target holds (the
        # first push on an empty target gets a hit): the miss, later, is always wrong.
        "group-push.lookup-miss",
        "requirements.filter-case",
    )
)
def filter_ignored(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Advertises ``filter.supported`` but ignores every filter, listing all resources.

    Breaks RFC 7643 §5 "what is advertised works" and RFC 7644 §3.4.2.2 (rfc), and
    CONTRACT §4 "a lookup hit is exactly the matching resource" (okta: Okta links the wrong user).
    """
    return on_query(create_app(realms=realms, accounts=accounts), _without_filter(lambda _: False))


@mutant(catches=("user-lifecycle.deactivated-lookup",))
def inactive_hidden(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Leaves deactivated users out of filtered lists, as an ``is_active=True`` queryset would.

    Breaks CONTRACT §4 "a deactivated user is still found by its userName" (okta: Okta
    re-creates the user and gets 409).
    """

    def change(scope: Scope, doc: Any) -> Any:
        if isinstance(doc, dict) and "Resources" in doc and b"filter" in scope["query_string"]:
            doc["Resources"] = [r for r in doc["Resources"] if r.get("active", True)]
            doc["totalResults"] = doc["itemsPerPage"] = len(doc["Resources"])
        return doc

    return on_response(create_app(realms=realms, accounts=accounts), json_edit(change))
