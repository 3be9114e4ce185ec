"""Answers shaped wrong on the wire: the content type, the Location header, ``meta``, a created id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Scope

from ..server.app import create_app
from ..server.config import Realm, ServiceAccount
from .middleware import Headers, Reply, json_edit, on_response
from .registry import mutant


@mutant(catches=("resources.content-type", "user-lifecycle.create.content-type"))
def text_json(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Sends every JSON response as ``text/json;charset=UTF-8``, as Okta's own examples do.

    Breaks RFC 7644 §3.1, §8.1 "application/scim+json" (rfc: Okta tolerates it, CONTRACT §5).
    """

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> Reply:
        kept = [(k, v) for k, v in headers if k.lower() != b"content-type"]
        return status, [*kept, (b"content-type", b"text/json;charset=UTF-8")] if body else headers, body

    return on_response(create_app(realms=realms, accounts=accounts), edit)


@mutant(
    catches=(
        "resources.location",
        "user-lifecycle.create.location",
        "group-push.create-empty.location",
    )
)
def no_location(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Answers 201 without a ``Location`` header.

    Breaks RFC 7644 §3.3: the created resource's URI is in Location (rfc).
    """

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> Reply:
        return status, [(k, v) for k, v in headers if k.lower() != b"location"], body

    return on_response(create_app(realms=realms, accounts=accounts), edit)


def _snake_meta(node: Any) -> Any:
    names = {"resourceType": "resource_type", "lastModified": "last_modified"}
    if isinstance(node, list):
        return [_snake_meta(n) for n in node]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("meta"), dict):
        node["meta"] = {names.get(k, k): v for k, v in node["meta"].items()}
    return {k: _snake_meta(v) for k, v in node.items()}


@mutant(
    catches=(
        "resources.meta",
        "user-lifecycle.create.meta",
        "group-push.create-empty.meta",
    )
)
def meta_snake_case(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Names meta's attributes in snake case (``resource_type``, ``last_modified``), as an ORM would.

    Breaks RFC 7643 §3.1 / CONTRACT §4 "meta uses RFC 7643 names" (rfc).
    """
    return on_response(
        create_app(realms=realms, accounts=accounts), json_edit(lambda _, doc: _snake_meta(doc))
    )


@mutant(
    catches=(
        "user-lifecycle.create",
        "group-push.push-user",
        "imports.push-user",
    )
)
def created_without_id(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Answers 201 without ``id``.

    Breaks RFC 7643 §3.1 / CONTRACT §4 "create returns the resource with its id" (okta:
    "Create new user returned empty user", and Okta cannot address the user again).
    """

    def change(scope: Scope, doc: Any) -> Any:
        if scope["method"] == "POST" and isinstance(doc, dict):
            doc.pop("id", None)
        return doc

    return on_response(create_app(realms=realms, accounts=accounts), json_edit(change))
