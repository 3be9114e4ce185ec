"""Group memberships that do not end as Okta pushed them (RFC 7644 §3.5.1, §3.5.2; CONTRACT §2, §4)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from ..server.app import create_app
from ..server.config import Realm, ServiceAccount
from ..server.store import GROUP, Store
from ..spec import Json
from .middleware import Reply, call, on_body, on_json_request, read_body, replaying, scim_path
from .registry import mutant


class _RenameDropsMembersStore(Store):
    """The reference store, re-creating a group's membership empty when its name changes."""

    def replace(self, realm: str, kind: str, rid: str, resource: Json) -> Json:
        with self.lock:
            current = self.get(realm, kind, rid) or {}
            if kind == GROUP and resource.get("displayName") != current.get("displayName"):
                resource = {**resource, "members": []}
            return super().replace(realm, kind, rid, resource)


@mutant(catches=("properties.membership", "stateful.model", "group-push.get-renamed"))
def rename_drops_members(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Empties a group whenever its ``displayName`` changes (PUT or PATCH), keeping the new name.

    Breaks CONTRACT §4 "after any membership request the group lists exactly the intended
    members" (okta): Okta sends its group name update with every membership push.
    """
    return create_app(realms=realms, accounts=accounts, store=_RenameDropsMembersStore())


def _operations(body: Any) -> list[Any]:
    operations = body.get("Operations") if isinstance(body, dict) else None
    return [op for op in operations if isinstance(op, dict)] if isinstance(operations, list) else []


@mutant(catches=("properties.membership",))
def patch_remove_unfiltered(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Ignores the filter of a PATCH ``remove`` path: ``members[value eq "<id>"]`` removes every member.

    Breaks RFC 7644 §3.5.2.2 / CONTRACT §2 (okta-oin membership removal): unassigning one
    user in Okta empties the group (okta). AIW apps, which PUT the member list, are unaffected.
    """

    def unfiltered(scope: Scope, body: Any) -> Any:
        for operation in _operations(body) if scope["method"] == "PATCH" else []:
            if isinstance(operation.get("path"), str) and operation.get("op") == "remove":
                operation["path"] = operation["path"].split("[", 1)[0]
        return body

    return on_body(create_app(realms=realms, accounts=accounts), unfiltered)


@mutant(catches=("group-push.get-changed",))
def put_keeps_members(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """``PUT /Groups/{id}`` adds the members listed but never removes one.

    Breaks RFC 7644 §3.5.1 "PUT replaces" / CONTRACT §2 (okta-aiw pushes the full member
    list): a user unassigned in Okta stays in the group (okta).
    """
    app = create_app(realms=realms, accounts=accounts)

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "PUT" or not scim_path(scope).startswith("/Groups/"):
            return await app(scope, receive, send)
        body = await read_body(receive)
        _, _, current = await call(app, {**scope, "method": "GET"}, b"")
        try:
            sent = json.loads(body)
            listed = {m["value"] for m in sent.get("members", [])}
            kept = [m for m in json.loads(current).get("members", []) if m["value"] not in listed]
            sent["members"] = [*sent.get("members", []), *({"value": m["value"]} for m in kept)]
            body = json.dumps(sent).encode()
        except (ValueError, TypeError, KeyError, AttributeError):
            pass  # not a group and a member list: the app answers it as it would
        await app(scope, replaying(body), send)

    return middleware


@mutant(catches=("group-push.get-emptied",))
def replace_empty_ignored(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Treats a PATCH ``replace`` of ``members`` with ``[]`` as nothing to do, answering 200 unchanged.

    Breaks RFC 7644 §3.5.2.3 / CONTRACT §2 (okta-oin's full push of an empty group): the
    members Okta removed stay (okta).
    """

    def ignored(scope: Scope, body: Any) -> Scope | Reply:
        emptying = any(op.get("op") == "replace" and op.get("value") == [] for op in _operations(body))
        return {**scope, "method": "GET"} if scope["method"] == "PATCH" and emptying else scope

    return on_json_request(create_app(realms=realms, accounts=accounts), ignored)
