"""Which schema a response should match, from its request's method and path and its status."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

_ROUTE = re.compile(
    r"/(?P<endpoint>Users|Groups|ServiceProviderConfig|ResourceTypes|Schemas|Me|Bulk|\.search)"
    r"(?:/(?P<rest>[^/]+))?/?"
)
_PROJECTION = frozenset({"attributes", "excludedattributes"})
_RESOURCE_METHODS = frozenset({"GET", "PUT", "PATCH"})  # answered with the resource itself


def kind_for(method: str, path: str, status: int) -> str | None:
    """The kind a response to ``method path`` with ``status`` should match, or None for no body.

    ``path`` is a path under the SCIM root or a full URL, with or without a query. Any 4xx/5xx
    is an ``Error``; 204 and non-2xx statuses carry no body to check. A request that asks for
    ``attributes``/``excludedAttributes`` may legally drop required attributes (RFC 7644
    §3.9), so a resource then has no kind and a list is checked as a generic ``ListResponse``.
    """
    if status >= 400:
        return "Error"
    if not 200 <= status < 300 or status == 204:
        return None
    split = urlsplit(path)
    route = unquote(split.path)
    # The leftmost "/" from which the rest is an endpoint and at most one segment: the SCIM
    # root may be any prefix, and /Users/Users is the user whose id is "Users".
    starts = (i for i, char in enumerate(route) if char == "/")
    match = next((m for i in starts if (m := _ROUTE.fullmatch(route, i)) is not None), None)
    if match is None:
        return None
    endpoint, rest, method = match["endpoint"], match["rest"], method.upper()
    projected = any(name.lower() in _PROJECTION for name, _ in parse_qsl(split.query, keep_blank_values=True))
    listing, single = _route_kinds(endpoint, rest, method)
    if listing is not None:
        return "ListResponse" if projected else listing
    if single is not None and not projected:
        return single
    return None


def _route_kinds(endpoint: str, rest: str | None, method: str) -> tuple[str | None, str | None]:
    """(list kind, resource kind) of a route; at most one is set."""
    if endpoint in ("Users", "Groups"):
        item = endpoint[:-1]
        if (rest, method) in ((None, "GET"), (".search", "POST")):
            return f"ListResponse:{item}", None
        if (rest is None and method == "POST") or (
            rest not in (None, ".search") and method in _RESOURCE_METHODS
        ):
            return None, item
        return None, None
    if method == "POST" and endpoint == ".search" and rest is None:
        return "ListResponse", None
    if endpoint == "Me" and rest is None and method in {*_RESOURCE_METHODS, "POST"}:
        return None, "User"  # RFC 7644 §3.11: /Me is an alias of the authenticated User
    if method != "GET":
        return None, None
    if endpoint == "ServiceProviderConfig" and rest is None:
        return None, "ServiceProviderConfig"
    if endpoint in ("ResourceTypes", "Schemas"):
        item = endpoint[:-1]
        return (f"ListResponse:{item}", None) if rest is None else (None, item)
    return None, None
