"""Pure-ASGI middleware planting a fault around the reference app: rewrite a request, response or body."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..core import text
from ..server.errors import ScimError

Headers = list[tuple[bytes, bytes]]
Reply = tuple[int, Headers, bytes]
"""A whole response: status, headers and body."""
# (scope, status, headers, body) -> (status, headers, body)
Edit = Callable[[Scope, int, Headers, bytes], Reply]
Query = list[tuple[str, str]]


def scim_path(scope: Scope) -> str:
    """The path below the SCIM root (``/Users/…``), or "" outside it (and for the root itself)."""
    path: str = scope.get("path", "")
    below = text.scim_path(path)
    return "" if below == path else below


def on_request(app: ASGIApp, change: Callable[[Scope], Scope]) -> ASGIApp:
    """Middleware that rewrites each HTTP request's scope before the app sees it."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        await app(change(scope) if scope["type"] == "http" else scope, receive, send)

    return middleware


def on_query(app: ASGIApp, change: Callable[[Query], Query]) -> ASGIApp:
    """Middleware that rewrites each request's decoded query parameters, in order."""

    def rewrite(scope: Scope) -> Scope:
        pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        query = urlencode(change(pairs), quote_via=quote, safe="")
        return {**scope, "query_string": query.encode("latin-1")}

    return on_request(app, rewrite)


def on_response(app: ASGIApp, edit: Edit) -> ASGIApp:
    """Middleware that buffers each HTTP response and rewrites its status, headers and body."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            status, headers, body = edit(
                scope, start["status"], list(start.get("headers", [])), b"".join(chunks)
            )
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, buffered)

    return middleware


def header(headers: Headers, name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in headers if k.lower() == name), "")


def json_edit(change: Callable[[Scope, Any], Any]) -> Edit:
    """An edit of JSON response bodies: ``change(scope, parsed)`` returns the new document."""

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> Reply:
        if not body or "json" not in header(headers, b"content-type"):
            return status, headers, body
        return status, headers, json.dumps(change(scope, json.loads(body))).encode()

    return edit


TEXT_HTML: Headers = [(b"content-type", b"text/html; charset=utf-8")]
SCIM_JSON: Headers = [(b"content-type", b"application/scim+json")]
SERVER_ERROR = b"<h1>Server Error (500)</h1>"


async def read_body(receive: Receive) -> bytes:
    """The whole request body, read from every ``http.request`` message."""
    chunks: list[bytes] = []
    message: Message = {"more_body": True}
    while message.get("more_body"):
        message = await receive()
        chunks.append(message.get("body", b""))
    return b"".join(chunks)


def replaying(body: bytes) -> Receive:
    """A ``receive`` that hands the app a body already read, in one message."""

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def respond(send: Send, reply: Reply) -> None:
    """Answer a request with a whole response, as the app would."""
    status, headers, body = reply
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def scim_error(status: int, scim_type: str, detail: str) -> Reply:
    """A SCIM Error response (RFC 7644 §3.12)."""
    error = ScimError(status, detail, scim_type=scim_type)
    return status, SCIM_JSON, json.dumps(error.body()).encode()


async def call(app: ASGIApp, scope: Scope, body: bytes) -> Reply:
    """Run one more request through the app (``scope`` with ``body``) and collect its whole response."""
    start: Message = {}
    chunks: list[bytes] = []

    async def collect(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        else:
            chunks.append(message.get("body", b""))

    await app(scope, replaying(body), collect)
    return start["status"], list(start.get("headers", [])), b"".join(chunks)


def on_json_request(app: ASGIApp, handle: Callable[[Scope, Any], Scope | Reply]) -> ASGIApp:
    """Middleware that reads each JSON request body: ``handle(scope, parsed)`` gives the scope to
    pass on (changed or not), or a :data:`Reply` to answer instead of the app. Other requests pass.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await app(scope, receive, send)
        body = await read_body(receive)
        try:
            parsed = json.loads(body)
        except ValueError:
            return await app(scope, replaying(body), send)  # not JSON: the app answers it as it would
        handled = handle(scope, parsed)
        if isinstance(handled, tuple):
            return await respond(send, handled)
        await app(handled, replaying(body), send)

    return middleware


def on_body(app: ASGIApp, change: Callable[[Scope, Any], Any]) -> ASGIApp:
    """Middleware that rewrites each JSON request body, ``change(scope, parsed)``, before the app reads it."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await app(scope, receive, send)
        body = await read_body(receive)
        try:
            body = json.dumps(change(scope, json.loads(body))).encode()
        except ValueError:
            pass  # not JSON: the app answers it as it would

        await app(scope, replaying(body), send)

    return middleware
