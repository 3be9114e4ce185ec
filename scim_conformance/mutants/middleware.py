"""Pure-ASGI middleware planting a fault around the reference app: rewrite a request, response or body."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..core import text

Headers = list[tuple[bytes, bytes]]
# (scope, status, headers, body) -> (status, headers, body)
Edit = Callable[[Scope, int, Headers, bytes], tuple[int, Headers, bytes]]


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


def json_edit(change: Callable[[str, Any], Any]) -> Edit:
    """An edit of JSON bodies: ``change(scim_path, parsed)`` returns the new document."""

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        if not body or "json" not in header(headers, b"content-type"):
            return status, headers, body
        return status, headers, json.dumps(change(scim_path(scope), json.loads(body))).encode()

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
