"""Errors answered wrong: a crash (500, HTML) where a SCIM Error belongs, or an Error without its type."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from ..server.app import create_app
from ..server.config import Realm, ServiceAccount
from .middleware import SERVER_ERROR, TEXT_HTML, Headers, Reply, json_edit, on_response, respond, scim_path
from .registry import mutant


@mutant(catches=("errors.not-found",))
def uuid_ids_only(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Parses ids as UUIDs and crashes (500, HTML page) on any other shape, as an ORM lookup would.

    Breaks okta-requests.md §5 (Runscope) / CONTRACT §4 "an unknown id of any shape → 404" (okta).
    """
    app = create_app(realms=realms, accounts=accounts)

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        parts = scim_path(scope).strip("/").split("/")
        if scope["type"] == "http" and len(parts) == 2 and parts[0] in ("Users", "Groups"):
            try:
                uuid.UUID(parts[1])
            except ValueError:
                return await respond(send, (500, TEXT_HTML, SERVER_ERROR))
        await app(scope, receive, send)

    return middleware


@mutant(catches=("errors.malformed-json",))
def malformed_json_500(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Lets the JSON parser's exception escape: a body that is not JSON gets a 500 HTML page.

    Breaks RFC 7644 §3.12 "malformed body → 400 invalidSyntax" (rfc).
    """

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> Reply:
        if status == 400 and b'"invalidSyntax"' in body:
            return 500, TEXT_HTML, SERVER_ERROR
        return status, headers, body

    return on_response(create_app(realms=realms, accounts=accounts), edit)


@mutant(catches=("resources.user-delete",))
def user_delete_crash(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Crashes on ``DELETE /Users/{id}`` (500) instead of refusing it (405) or deleting.

    Breaks RFC 7644 §3.6 / §3.12: an unsupported method answers 405 or 501 (rfc).
    """

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> Reply:
        if scope["method"] == "DELETE" and scim_path(scope).startswith("/Users/") and status == 405:
            return 500, TEXT_HTML, SERVER_ERROR
        return status, headers, body

    return on_response(create_app(realms=realms, accounts=accounts), edit)


# The requirement suite's duplicates (externalId, userName in another case, group name) meet it too.
@mutant(catches=("user-lifecycle.create-duplicate.scim-type", "requirements.uniqueness"))
def conflict_without_scim_type(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Answers a duplicate (409) without ``scimType``.

    Breaks RFC 7644 §3.12 "409 with scimType uniqueness" (rfc: Okta reads the status only).
    """

    def change(scope: Scope, doc: Any) -> Any:
        if isinstance(doc, dict) and doc.get("status") == "409":
            doc.pop("scimType", None)
        return doc

    return on_response(create_app(realms=realms, accounts=accounts), json_edit(change))
