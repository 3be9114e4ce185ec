"""RFC 7643/7644 rules kept only in part: case-sensitive filter names, uniqueness of userName alone,
every email primary, userName optional, 404 for an unsupported method, a PATCH applied halfway,
large groups truncated."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..server.app import create_app
from ..server.config import Realm, ServiceAccount
from ..server.errors import ScimError, invalid_filter, uniqueness
from ..server.store import USER, Store
from ..spec import PATCH_OP
from .middleware import (
    SCIM_JSON,
    Headers,
    json_edit,
    on_body,
    on_response,
    read_body,
    replaying,
    scim_path,
)
from .registry import mutant

# The attribute names and operator of a filter exactly as the reference's documents spell them.
_CANONICAL = re.compile(r"^\(?(userName|displayName|externalId|id|active) (eq|ne|co|sw|ew|gt|ge|lt|le|pr)\b")


@mutant(catches=("requirements.filter-case",))
def filter_names_case_sensitive(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Matches filter attribute names and operators case-sensitively: ``USERNAME EQ`` is an unknown attribute.

    Breaks RFC 7644 §3.4.2.2 "attribute names and operators in filters are case insensitive" (rfc).
    """
    app = create_app(realms=realms, accounts=accounts)
    refusal = json.dumps(invalid_filter("unknown attribute or operator").body()).encode()

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        query = (
            dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            if scope["type"] == "http"
            else {}
        )
        text = query.get("filter")
        if text is not None and not _CANONICAL.match(text):
            await send({"type": "http.response.start", "status": 400, "headers": SCIM_JSON})
            return await send({"type": "http.response.body", "body": refusal})
        await app(scope, receive, send)

    return middleware


class _UserNameOnlyStore(Store):
    """Checks the uniqueness of userName alone, and case-sensitively (as a plain UNIQUE column would)."""

    def _check_unique(self, kind: str, coll: Any, resource: Any, rid: str | None) -> None:
        name = resource.get("userName") if kind == USER else None
        owner = coll.unique.get("username", {}).get(name.lower()) if isinstance(name, str) else None
        if owner is not None and owner != rid and json.loads(coll.rows[owner]).get("userName") == name:
            raise uniqueness(f"userName {name!r} is already used by another User")


@mutant(catches=("requirements.uniqueness",))
def uniqueness_user_name_only(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Refuses only an exact duplicate userName: externalId, userName in another case, group names pass.

    Breaks CONTRACT §4 (uniqueness of externalId and group displayName) and RFC 7643 §4.1.1
    (userName is unique case-insensitively) (rfc).
    """
    return create_app(realms=realms, accounts=accounts, store=_UserNameOnlyStore())


@mutant(catches=("requirements.primary-once",))
def every_email_primary(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Answers every email of a user as ``primary: true`` (a boolean column defaulting to true).

    Breaks RFC 7643 §2.4 "primary true appears no more than once" (rfc).
    """

    def change(scope: Scope, doc: Any) -> Any:
        if isinstance(doc, dict) and isinstance(doc.get("emails"), list):
            doc["emails"] = [{**e, "primary": True} if isinstance(e, dict) else e for e in doc["emails"]]
        return doc

    return on_response(create_app(realms=realms, accounts=accounts), json_edit(change))


@mutant(catches=("requirements.invalid-resource",))
def user_name_optional(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Creates a user without userName, making one up, instead of refusing the invalid resource.

    Breaks RFC 7644 §3.3 / RFC 7643 §4.1.1 (userName REQUIRED) / CONTRACT §4 "invalid resource → 400" (rfc).
    """

    def fill(scope: Scope, body: Any) -> Any:
        if scope["method"] == "POST" and scim_path(scope) == "/Users" and isinstance(body, dict):
            body.setdefault("userName", f"generated-{secrets.token_hex(4)}")
        return body

    return on_body(create_app(realms=realms, accounts=accounts), fill)


@mutant(catches=("requirements.method-not-allowed",))
def discovery_method_404(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Answers a method a discovery endpoint does not support with 404, as if the route did not exist.

    Breaks CONTRACT §4 "unsupported method → 405" and RFC 9110 §15.5.6 (Allow) (rfc).
    """
    discovery = ("/ServiceProviderConfig", "/ResourceTypes", "/Schemas")

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        if status != 405 or not scim_path(scope).startswith(discovery):
            return status, headers, body
        return 404, SCIM_JSON, json.dumps(ScimError(404, "no such endpoint").body()).encode()

    return on_response(create_app(realms=realms, accounts=accounts), edit)


@mutant(catches=("requirements.patch-atomic",))
def patch_not_atomic(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Applies a PATCH's operations one by one, keeping those before the first that fails.

    Breaks RFC 7644 §3.5.2 "a PATCH request is atomic" (rfc).
    """
    app = create_app(realms=realms, accounts=accounts)

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "PATCH":
            return await app(scope, receive, send)
        body = await read_body(receive)
        try:
            operations = json.loads(body)["Operations"]
        except (ValueError, KeyError, TypeError):
            return await app(scope, replaying(body), send)
        messages: list[Message] = []
        for operation in operations:
            messages.clear()
            one = json.dumps({"schemas": [PATCH_OP], "Operations": [operation]}).encode()
            await app(scope, replaying(one), _collect(messages))
            if messages[0]["status"] >= 400:
                break
        for message in messages:
            await send(message)

    return middleware


def _collect(messages: list[Message]) -> Send:
    async def send(message: Message) -> None:
        messages.append(message)

    return send


_KEPT_MEMBERS = 10


@mutant(catches=("requirements.large-group",))
def large_groups_truncated(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Keeps the first 10 members of any membership request (a page-sized batch), dropping the rest.

    Breaks okta-requests.md §8: a membership push of many members in one request is applied whole (okta).
    """

    def cut(members: Any) -> Any:
        return members[:_KEPT_MEMBERS] if isinstance(members, list) else members

    def truncate(scope: Scope, body: Any) -> Any:
        if not scim_path(scope).startswith("/Groups") or not isinstance(body, dict):
            return body
        if "members" in body:
            body["members"] = cut(body["members"])
        for operation in body.get("Operations") or []:
            if isinstance(operation, dict) and operation.get("path") == "members":
                operation["value"] = cut(operation.get("value"))
        return body

    return on_body(create_app(realms=realms, accounts=accounts), truncate)
