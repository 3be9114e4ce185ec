"""Okta's requests, one function per shape: method, path, query and body (okta-requests.md).

Nothing here sends anything: :class:`~scim_conformance.okta.client.OktaClient`
sends these through a driver's ``send``. This is the one place a request shape
of Okta's is written down in code; the catalogue (``fixtures/okta/``) writes
the same requests as cited data, and the client executes its steps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, quote_plus

from ..spec import PATCH_OP, Json
from .protocol import OKTA_CONTENT_TYPE, OKTA_PAGE

Kind = Literal["Users", "Groups"]
Encoding = Literal["%20", "+"]

# okta-requests.md §3: today's Okta encodes the filter with %20, Okta before 2019 with +
# (Java's URLEncoder); both encode every other reserved character (@ → %40, + → %2B, ' → %27).
ENCODINGS: dict[str, Any] = {"%20": quote, "+": quote_plus}


@dataclass(frozen=True, slots=True)
class Request:
    """One request as Okta sends it, relative to the SCIM root."""

    method: str
    path: str
    query: str | None = None
    """Appended verbatim: ``%20`` vs ``+`` matters (okta-requests.md §3)."""
    body: Any = None
    headers: tuple[tuple[str, str], ...] = ()
    """Beyond Okta's usual ones (a body's Content-Type is added when it is sent)."""


def list_page(kind: Kind, start: int = 1, count: int = OKTA_PAGE) -> Request:
    """``GET /Users?startIndex=…&count=…``: the connection test, an import page (okta-requests.md §2, §9)."""
    return Request("GET", f"/{kind}", f"startIndex={start}&count={count}")


def connection_test() -> tuple[Request, Request]:
    """What Okta sends when an admin saves the app (okta-requests.md §2): fixed queries."""
    return list_page("Users", 1, 2), list_page("Groups", 1, OKTA_PAGE)


def lookup(kind: Kind, attribute: str, value: str, *, encoding: Encoding = "%20") -> Request:
    """``GET /Users?filter=userName eq "<value>"&startIndex=1&count=100`` (okta-requests.md §3, §8)."""
    encoded = ENCODINGS[encoding](f'{attribute} eq "{value}"', safe="")
    return Request("GET", f"/{kind}", f"filter={encoded}&startIndex=1&count={OKTA_PAGE}")


def lookup_user(user_name: str, *, encoding: Encoding = "%20") -> Request:
    """Okta's lookup before create (okta-requests.md §3)."""
    return lookup("Users", "userName", user_name, encoding=encoding)


def lookup_group(name: str) -> Request:
    """Okta's group lookup by name (okta-requests.md §8)."""
    return lookup("Groups", "displayName", name)


def create(kind: Kind, body: Json) -> Request:
    """``POST /Users`` (okta-requests.md §4) or ``POST /Groups`` (§8) with Okta's body."""
    return Request("POST", f"/{kind}", body=body)


def fetch(kind: Kind, rid: str) -> Request:
    """``GET /Users/{id}``, the first half of every PUT update (okta-requests.md §5, §6, §8)."""
    return Request("GET", f"/{kind}/{rid}")


def replace(kind: Kind, rid: str, body: Json) -> Request:
    """``PUT`` of the full resource: AIW's every change (okta-requests.md §0, §6, §7, §8)."""
    return Request("PUT", f"/{kind}/{rid}", body=body)


def patch_body(operations: list[Json]) -> Json:
    """A PatchOp body (RFC 7644 §3.5.2) holding Okta's ``operations``."""
    return {"schemas": [PATCH_OP], "Operations": operations}


def patch(kind: Kind, rid: str, operations: list[Json]) -> Request:
    """``PATCH`` with Okta's operations (okta-requests.md §7, §8): OIN's changes."""
    return Request("PATCH", f"/{kind}/{rid}", body=patch_body(operations))


def delete_group(gid: str) -> Request:
    """``DELETE /Groups/{id}``, with the Content-Type Okta sends without a body (okta-requests.md §1, §8)."""
    return Request("DELETE", f"/Groups/{gid}", headers=(("Content-Type", OKTA_CONTENT_TYPE),))


# -- the PATCH operations Okta sends (okta-requests.md §7, §8, §11: lowercase ops) ------------------


def set_active_operation(active: bool) -> Json:
    """OIN deactivation/reactivation: ``replace`` without ``path``, an object ``value``."""
    return {"op": "replace", "value": {"active": active}}


def rename_operation(gid: str, name: str) -> Json:
    """OIN group name update: no ``path``, the group's ``id`` inside ``value``."""
    return {"op": "replace", "value": {"id": gid, "displayName": name}}


def member(uid: str, display: str | None = None) -> Json:
    """A member as Okta sends it: ``value`` and ``display`` only, no ``type`` or ``$ref`` (S10)."""
    return {"value": uid} if display is None else {"value": uid, "display": display}


def add_members_operation(members: list[Json]) -> Json:
    return {"op": "add", "path": "members", "value": members}


def remove_member_operation(uid: str) -> Json:
    """One ``remove`` per member, by filter: ``members[value eq "<id>"]``."""
    return {"op": "remove", "path": f"members[value eq {json.dumps(uid)}]"}


def replace_members_operation(members: list[Json]) -> Json:
    """A full push: ``replace`` of ``members``."""
    return {"op": "replace", "path": "members", "value": members}
