"""Authentication and secrets: a request let in that must be refused, a secret sent back out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Scope

from ..server.app import create_app
from ..server.config import Realm, ServiceAccount
from ..spec import USER_SCHEMA
from .middleware import Headers, Reply, header, json_edit, on_request, on_response
from .registry import mutant


@mutant(catches=("errors.auth.missing-token", "errors.auth.bad-token"))
def no_auth(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Serves every request as the first account: no token and a wrong token are let through.

    Breaks RFC 7644 §3.12 / CONTRACT §4 "missing or bad token → 401" (security).
    """
    valid = (b"authorization", f"Bearer {accounts[0].token}".encode())

    def authenticate(scope: Scope) -> Scope:
        headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"]
        return {**scope, "headers": [*headers, valid]}

    return on_request(create_app(realms=realms, accounts=accounts), authenticate)


@mutant(catches=("errors.auth.bad-token",))
def any_bearer_token(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Checks that a ``Bearer`` token is present, not that it is valid (a common shortcut).

    Breaks RFC 7644 §3.12 "an invalid token → 401" (security); a missing token is still refused.
    """
    valid = f"Bearer {accounts[0].token}".encode()

    def authenticate(scope: Scope) -> Scope:
        headers = [
            (k, valid if k == b"authorization" and v.startswith(b"Bearer ") else v)
            for k, v in scope["headers"]
        ]
        return {**scope, "headers": headers}

    return on_request(create_app(realms=realms, accounts=accounts), authenticate)


@mutant(catches=("errors.auth.missing-token", "errors.auth.bad-token", "resources.content-type"))
def plain_text_401(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Refuses bad credentials with a bare ``401 Unauthorized`` text page: no SCIM Error, no WWW-Authenticate.

    Breaks RFC 7644 §3.12 (Error body), RFC 9110 §15.5.2 (WWW-Authenticate) and
    the content type of responses: rfc findings only, authentication itself holds.
    """

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> Reply:
        if status != 401:
            return status, headers, body
        return 401, [(b"content-type", b"text/plain")], b"Unauthorized"

    return on_response(create_app(realms=realms, accounts=accounts), edit)


@mutant(catches=("errors.token-not-echoed",))
def token_echo(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Echoes the request's Authorization header back in ``X-Debug-Authorization`` and in error details.

    Breaks CONTRACT §5 "no secret exposed": Okta shows error details in its admin UI (security).
    """

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> Reply:
        sent = header(scope["headers"], b"authorization")
        headers = [*headers, (b"x-debug-authorization", sent.encode("latin-1"))]
        if status >= 400 and body:
            error = json.loads(body)
            error["detail"] = f"{error.get('detail')} (request authorization: {sent})"
            body = json.dumps(error).encode()
        return status, headers, body

    return on_response(create_app(realms=realms, accounts=accounts), edit)


@mutant(catches=("schema.user",))
def password_echoed(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Returns a ``password`` in every User it answers with.

    Breaks RFC 7643 §4.1.1 "password is never returned" (returned: never) and CONTRACT §5
    "no secret exposed" (security); the probe's schema validation of every response catches it.
    """

    def change(scope: Scope, doc: Any) -> Any:
        if isinstance(doc, dict) and USER_SCHEMA in doc.get("schemas", []):
            doc["password"] = "gl^m&qWZ"
        return doc

    return on_response(create_app(realms=realms, accounts=accounts), json_edit(change))
