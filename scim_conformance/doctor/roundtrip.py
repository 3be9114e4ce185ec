"""``doctor --write``: Okta's writes, once each, on a user and a group of the doctor's own.

Both carry the run marker (``scimconf-<8 hex>``) in their names, as a run's
resources do; the doctor touches nothing else. The user is created, updated by
PUT (the AIW way), deactivated by PATCH when the target may support it (the OIN
way) or else by PUT; the group is created with the user as member, renamed by PUT
and by PATCH, and deleted. The caller's :class:`~scim_conformance.cleanup.Tracker`
then removes what is left (the user: deleted where the target deletes users,
else it stays deactivated, as a run's do).
"""

from __future__ import annotations

import copy
import re
from typing import Any, Literal, NoReturn

import httpx

from ..cleanup import Tracker
from ..okta import requests as okta
from ..okta.bodies import group_body, user_body
from ..okta.protocol import OKTA_CONTENT_TYPE
from ..spec import Json
from ..target import Target
from .items import Item

__all__ = ["roundtrip"]

_ID = re.compile(r"^(/Users|/Groups)/.+$")
_SHOWN_ID = r"\1/{id}"


class _Stop(Exception):
    """A step failed: what depends on it is not tried."""


def _send(target: Target, request: okta.Request) -> httpx.Response:
    headers = dict(request.headers)
    if request.body is not None:
        headers.setdefault("Content-Type", OKTA_CONTENT_TYPE)
    return target.client.request(request.method, request.path, json=request.body, headers=headers)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


class _Round:
    def __init__(self, target: Target, tracker: Tracker) -> None:
        self.target, self.tracker = target, tracker
        self.items: list[Item] = []

    def step(self, name: str, request: okta.Request, statuses: tuple[int, ...]) -> Any:
        """Send ``request``; its answer must have one of ``statuses``. Returns the JSON body (or None)."""
        shown = f"{request.method} {_ID.sub(_SHOWN_ID, request.path)}"
        try:
            response = _send(self.target, request)
        except httpx.HTTPError as exc:
            self.fail(name, f"{shown}: {type(exc).__name__}: {exc}", "is the server still up?")
        body = _json(response)
        if response.status_code not in statuses:
            detail = body.get("detail") if isinstance(body, dict) else None
            self.fail(
                name,
                f"{shown} answered {response.status_code}{f' ({detail})' if detail else ''}, "
                f"not {' or '.join(map(str, statuses))}",
                "grant the permission named above"
                if response.status_code == 403
                else "`scim-conformance run` against this target shows the findings and their requirements",
            )
        if isinstance(body, dict) and body.get("id"):
            self.tracker.seen(body)
        return body

    def fetch(self, name: str, kind: okta.Kind, rid: str) -> dict[str, Any]:
        body = self.step(name, okta.fetch(kind, rid), (200,))
        if not isinstance(body, dict):
            self.fail(name, f"GET /{kind}/{{id}} answered no JSON object", "answer a SCIM resource")
        resource: dict[str, Any] = body
        return resource

    def expect(self, name: str, seen: str, ok: bool, fix: str) -> None:
        if not ok:
            self.fail(name, seen, fix)
        self.items.append(Item(name, True, seen))

    def fail(self, name: str, seen: str, fix: str) -> NoReturn:
        self.items.append(Item(name, False, seen, fix))
        raise _Stop

    def create(self, name: str, kind: Literal["User", "Group"], body: Json) -> tuple[Json, str]:
        """POST ``body`` to /Users or /Groups (``kind``: User, Group); the created resource and its id."""
        created = self.step(name, okta.create("Users" if kind == "User" else "Groups", body), (201,))
        if not isinstance(created, dict) or not isinstance(created.get("id"), str):
            self.fail(
                name,
                f"POST /{kind}s answered 201 without an id",
                f"return the created {kind.lower()} with its id",
            )
        self.tracker.created(kind, created)
        return created, created["id"]


def roundtrip(target: Target, tracker: Tracker, *, run: str, patch: bool) -> list[Item]:
    """A user created, updated, deactivated; a group created, renamed, deleted (``patch``: by PATCH too)."""
    steps = _Round(target, tracker)
    try:
        _user_and_group(steps, run, patch)
    except _Stop:
        pass
    return steps.items


def _user_and_group(steps: _Round, run: str, patch: bool) -> None:
    name = "write: create user"
    user, uid = steps.create(name, "User", user_body(run, "doctor"))
    steps.expect(name, f"POST /Users answered 201 (id {uid})", True, "")

    # AIW's profile push: GET, then PUT of the full resource with the change (okta-requests.md §6).
    name = "write: update user (PUT)"
    body = copy.deepcopy(steps.fetch(name, "Users", uid))
    body.setdefault("name", {})["givenName"] = "Doctor"
    steps.step(name, okta.replace("Users", uid, body), (200,))
    got = steps.fetch(name, "Users", uid).get("name", {}).get("givenName")
    steps.expect(name, f"GET shows givenName {got!r}", got == "Doctor", "store what a PUT sends")

    if patch:
        name = "write: deactivate user (PATCH)"
        steps.step(name, okta.patch("Users", uid, [okta.set_active_operation(False)]), (200, 204))
    else:
        name = "write: deactivate user (PUT)"
        body = copy.deepcopy(steps.fetch(name, "Users", uid))
        body["active"] = False
        steps.step(name, okta.replace("Users", uid, body), (200,))
    active = steps.fetch(name, "Users", uid).get("active")
    steps.expect(name, f"GET shows active {active!r}", active is False, "apply the deactivation")

    name = "write: create group"
    made = group_body(run, "doctor")
    made["members"] = [okta.member(uid, user.get("userName"))]
    _, gid = steps.create(name, "Group", made)
    steps.expect(name, f"POST /Groups answered 201 (id {gid}), the user as member", True, "")

    name = "write: rename group (PUT)"
    body = copy.deepcopy(steps.fetch(name, "Groups", gid))
    body["displayName"] = made["displayName"] + " renamed"
    steps.step(name, okta.replace("Groups", gid, body), (200,))
    got = steps.fetch(name, "Groups", gid).get("displayName")
    steps.expect(name, f"GET shows displayName {got!r}", got == body["displayName"], "store what a PUT sends")

    if patch:
        name = "write: rename group (PATCH)"
        wanted = made["displayName"] + " patched"
        steps.step(name, okta.patch("Groups", gid, [okta.rename_operation(gid, wanted)]), (200, 204))
        got = steps.fetch(name, "Groups", gid).get("displayName")
        steps.expect(name, f"GET shows displayName {got!r}", got == wanted, "apply Okta's path-less replace")

    name = "write: delete group"
    steps.step(name, okta.delete_group(gid), (204, 200))
    steps.tracker.gone(gid)
    steps.step(name, okta.fetch("Groups", gid), (404,))
    steps.expect(name, "DELETE /Groups/{id} answered 204, then GET 404", True, "")
