"""Okta's SCIM client under one profile: one method per Okta operation (okta-requests.md, CONTRACT §2–§3).

Every driver — the fixed-example suites (through the probe), the catalogue
replay and the state machine — sends Okta's requests through an
:class:`OktaClient`. The client knows what Okta sends for each operation and
profile (which requests, in which order, with which bodies); the driver knows
how to send a request (its records and notes) and how to judge an answer,
given to the client as two functions:

- ``send(request)`` sends one :class:`~scim_conformance.okta.requests.Request`
  and returns the response;
- ``read(response)`` judges a ``GET`` the client needs the body of (AIW's
  GET-then-PUT) and returns the resource; a driver raises its finding there
  when the answer is unusable.

The client judges nothing else: callers check the responses it returns with
:mod:`scim_conformance.checks`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx

from ..core.pointers import apply_set
from ..core.terms import Profile
from ..spec import Json
from . import requests as okta
from .imports import Page, pages
from .protocol import OKTA_PAGE
from .requests import Encoding, Kind, Request

Send = Callable[[Request], httpx.Response]
Read = Callable[[httpx.Response], Json]


class MissingInput(Exception):
    """A step cannot be built: an earlier step's answer it depends on is missing."""

    def __init__(self, needed: str, got: Any) -> None:
        super().__init__(needed)
        self.needed, self.got = needed, got


class OktaClient:
    """What Okta sends for each operation under ``profile`` (``aiw``: PUT; ``oin``: PATCH).

    ``begin``, when given, is told the name of each Okta operation
    (:data:`~scim_conformance.okta.operations.OPERATIONS`) as it starts, so the
    driver attributes what it then finds to that operation.
    """

    def __init__(
        self, profile: Profile, send: Send, read: Read, begin: Callable[[str], None] | None = None
    ) -> None:
        self.profile = profile
        self.send = send
        self.read = read
        self._begin = begin or (lambda name: None)

    # -- users -------------------------------------------------------------------------------

    def connection_test(self) -> tuple[httpx.Response, httpx.Response]:
        """Saving the app: ``GET /Users?startIndex=1&count=2``, ``GET /Groups?startIndex=1&count=100``."""
        self._begin("connection-test")
        users, groups = okta.connection_test()
        return self.send(users), self.send(groups)

    def lookup_user(self, user_name: str, *, encoding: Encoding = "%20") -> httpx.Response:
        self._begin("lookup-user")
        return self.send(okta.lookup_user(user_name, encoding=encoding))

    def create_user(self, body: Json) -> httpx.Response:
        """``POST /Users`` alone (the lookup before it is :meth:`push_user`'s)."""
        self._begin("create-user")
        return self.send(okta.create("Users", body))

    def push_user(self, body: Json, on_lookup: Callable[[httpx.Response], None]) -> httpx.Response:
        """Push New Users: the ``userName`` lookup, judged by ``on_lookup`` (a miss), then ``POST /Users``."""
        on_lookup(self.lookup_user(body["userName"]))
        return self.create_user(body)

    def fetch(self, kind: Kind, rid: str) -> httpx.Response:
        return self.send(okta.fetch(kind, rid))

    def current(self, kind: Kind, rid: str) -> Json:
        """The resource as the provider shows it now (``GET``, judged by ``read``)."""
        return self.read(self.fetch(kind, rid))

    def update_profile(self, uid: str, change: Callable[[Json], Json]) -> tuple[Json, httpx.Response]:
        """Push Profile Updates, both profiles: GET, Okta's changes on the provider's own body, PUT.

        Returns the PUT body and the PUT response (okta-requests.md §6).
        """
        self._begin("update-profile")
        body = change(self.current("Users", uid))
        return body, self.send(okta.replace("Users", uid, body))

    def set_active(self, uid: str, active: bool) -> httpx.Response:
        """Deactivate (``active`` False) or reactivate: AIW GET + PUT, OIN PATCH (okta-requests.md §7)."""
        self._begin("reactivate" if active else "deactivate")
        if self.profile == "aiw":
            body = {**self.current("Users", uid), "active": active}
            return self.send(okta.replace("Users", uid, body))
        return self.send(okta.patch("Users", uid, [okta.set_active_operation(active)]))

    # -- groups ------------------------------------------------------------------------------

    def lookup_group(self, name: str) -> httpx.Response:
        self._begin("lookup-group")
        return self.send(okta.lookup_group(name))

    def create_group(self, body: Json) -> httpx.Response:
        self._begin("create-group")
        return self.send(okta.create("Groups", body))

    def push_membership(self, gid: str, change: Json, name: str) -> list[httpx.Response]:
        """One membership push with the group name update Okta sends alongside (okta-requests.md §8).

        ``change`` is in the profile's shape (as
        :func:`~scim_conformance.strategies.membership_changes` draws it): for
        ``aiw`` an object with the full ``members`` list, sent as GET then PUT of
        the group with ``displayName`` ``name``; for ``oin`` a PatchOp body, sent
        as is, then the rename PATCH ``{"op":"replace","value":{"id","displayName"}}``.
        """
        self._begin(_membership_operation(self.profile, change))
        if self.profile == "aiw":
            body = {**self.current("Groups", gid), "displayName": name, "members": change["members"]}
            return [self.send(okta.replace("Groups", gid, body))]
        sent = self.send(okta.patch("Groups", gid, change["Operations"]))
        return [sent, self.send(okta.patch("Groups", gid, [okta.rename_operation(gid, name)]))]

    def rename_group(self, gid: str, name: str, members: list[Json] | None = None) -> httpx.Response:
        """AIW: GET then PUT with the new ``displayName``; OIN: the rename PATCH (okta-requests.md §8).

        AIW's rename is "the same PUT body" as its membership push: ``members``
        is the list Okta pushes (None: the members the GET showed).
        """
        self._begin("rename-group")
        if self.profile == "aiw":
            body = {**self.current("Groups", gid), "displayName": name}
            if members is not None:
                body["members"] = members
            return self.send(okta.replace("Groups", gid, body))
        return self.send(okta.patch("Groups", gid, [okta.rename_operation(gid, name)]))

    def delete_group(self, gid: str) -> httpx.Response:
        self._begin("delete-group")
        return self.send(okta.delete_group(gid))

    # -- imports -----------------------------------------------------------------------------

    def import_pages(self, kind: Kind, *, count: int = OKTA_PAGE, max_pages: int = 10) -> Iterator[Page]:
        """An import of ``kind``, page by page (:func:`~scim_conformance.okta.imports.pages`)."""
        self._begin("import-users" if kind == "Users" else "import-groups")
        return pages(
            lambda start, size: self.send(okta.list_page(kind, start, size)), count=count, max_pages=max_pages
        )


def _membership_operation(profile: Profile, change: Json) -> str:
    """Which membership operation a push is: OIN's PATCH says which; AIW's PUT is a full push."""
    ops = {operation.get("op") for operation in change.get("Operations", [])} if profile == "oin" else set()
    if ops == {"add"}:
        return "add-members"
    if "remove" in ops:
        return "remove-members"
    return "push-members"


# -- the catalogue's steps -----------------------------------------------------------------------


def step_request(
    method: str,
    path: str,
    query: str | None,
    headers: Mapping[str, str],
    body: Any,
    responses: Mapping[str, Any],
) -> Request:
    """A catalogue step's request, rendered: a ``$from``/``$set`` body is Okta's GET-then-PUT body.

    ``{"$from": step, "$set": {pointer: value}}`` is the answer of an earlier
    step with Okta's changes applied (okta-requests.md §6: the PUT body echoes
    the provider's GET response); :class:`MissingInput` when that step gave no
    JSON object.
    """
    if isinstance(body, dict) and "$from" in body:
        source = responses.get(body["$from"])
        if not isinstance(source, dict):
            raise MissingInput(body["$from"], source)
        body = apply_set(source, body.get("$set", {}))
    return Request(method, path, query, body, tuple(headers.items()))
