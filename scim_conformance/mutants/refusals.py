"""Okta's own requests refused: a provider stricter than the requests Okta always sends (CONTRACT §3, §4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Scope

from ..server.app import create_app
from ..server.config import Realm, ServiceAccount
from .middleware import Reply, on_json_request, scim_error, scim_path
from .registry import mutant


def _keys(node: Any) -> list[str]:
    return list(node) if isinstance(node, dict) else []


@mutant(
    catches=(
        "resources.create",
        "resources.location",
        "user-lifecycle.create",
        "group-push.push-user",
        "imports.push-user",
        "stateful.model",
    )
)
def password_rejected(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Refuses (400) the ``password`` Okta sends on every user create, even with password sync off.

    Breaks CONTRACT §4 "attributes Okta always sends are accepted and ignored": no user is created (okta).
    """

    def refuse(scope: Scope, body: Any) -> Scope | Reply:
        if scope["method"] == "POST" and scim_path(scope) == "/Users" and "password" in _keys(body):
            return scim_error(400, "invalidValue", "attribute 'password' is not supported")
        return scope

    return on_json_request(create_app(realms=realms, accounts=accounts), refuse)


# Every OIN membership push carries the rename PATCH (okta-requests.md §8): the large-group push too.
@mutant(catches=("group-push.rename-patch", "requirements.large-group"))
def rename_id_rejected(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Refuses Okta's (OIN) group rename, whose path-less value carries the read-only ``id``, with 400.

    Breaks CONTRACT §2 (okta-oin renames with ``{"op":"replace","value":{"id":…,"displayName":…}}``)
    and RFC 7644 §3.5.2 (a read-only value equal to the current one is no change): the rename is lost (okta).
    """

    def refuse(scope: Scope, body: Any) -> Scope | Reply:
        operations = body.get("Operations") if scope["method"] == "PATCH" and isinstance(body, dict) else None
        for op in operations if isinstance(operations, list) else []:
            if isinstance(op, dict) and "path" not in op and "id" in _keys(op.get("value")):
                return scim_error(400, "mutability", "id is readOnly")
        return scope

    return on_json_request(create_app(realms=realms, accounts=accounts), refuse)
