"""``serve --log FILE``: every exchange the server receives, as JSON lines.

This is how a user sees exactly what their Okta tenant sent, and what the
replay command reads back. One object per line, built by
:func:`scim_conformance.core.logline.log_line` (format: docs/request-log.md):

    {"time", "client", "method", "path", "query", "headers", "body",
     "status", "response_headers", "response_body", "duration_ms"}

Secrets are redacted before anything is written, as the harness's recorder
redacts them (``core.redaction``): the Authorization header keeps only its
scheme (``Bearer [REDACTED]``), password values in request bodies are
replaced, and any configured secret is replaced wherever else it appears.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..core.logline import log_line, timestamp
from ..core.redaction import Redaction

__all__ = ["RequestLog"]

_BODY_LIMIT = 1024 * 1024  # endpoints.MAX_BODY: the server refuses a larger body anyway


def _text(data: bytes) -> str | None:
    return data.decode("utf-8", "replace") if data else None


def _decoded(raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw]


def _request_path(scope: Scope) -> str:
    # The path as sent, like ``query``: ``scope["path"]`` is percent-decoded, so
    # ``/Users/a%2Fb`` would read (and replay) as ``/Users/a/b``.
    raw: bytes | None = scope.get("raw_path")
    if raw is None:  # optional in ASGI; a server without it gives the decoded path
        return str(scope.get("root_path", "") + scope["path"])
    return raw.decode("latin-1")


class RequestLog:
    """Pure ASGI middleware appending one JSON line per HTTP exchange to ``path``."""

    def __init__(self, app: ASGIApp, path: str | Path, secrets: Iterable[str] = ()) -> None:
        self.app = app
        # Owner-only, as the data file: bodies carry user profiles and the
        # random ``password`` Okta sends on create.
        self._file = open(path, "a", encoding="utf-8", opener=lambda p, f: os.open(p, f, 0o600))
        self._lock = threading.Lock()
        self._redaction = Redaction(secrets)

    def close(self) -> None:
        """Close the log file; exchanges that end later are not logged."""
        with self._lock:
            self._file.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received = datetime.now(UTC)
        started = time.perf_counter()
        request_body: list[bytes] = []
        response_body: list[bytes] = []
        response: dict[str, Any] = {"status": None, "headers": []}

        async def logged_receive() -> Message:
            if buffered:  # read ahead below, already recorded
                return buffered.pop(0)
            message = await receive()
            if message["type"] == "http.request":
                request_body.append(message.get("body", b""))
            return message

        buffered: list[Message] = []

        async def read_ahead() -> None:
            # Read the body (up to the server's 1 MB limit) before the app runs:
            # a request refused before its body is read (401, 403, 404, 405)
            # must still show what the client sent. The app gets the same messages.
            size, more = 0, True
            while more and size <= _BODY_LIMIT:
                message = await receive()
                buffered.append(message)
                if message["type"] != "http.request":
                    break
                request_body.append(message.get("body", b""))
                size += len(request_body[-1])
                more = message.get("more_body", False)

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
                response["headers"] = message.get("headers", [])
            elif message["type"] == "http.response.body":
                response_body.append(message.get("body", b""))
            await send(message)

        try:
            await read_ahead()
            await self.app(scope, logged_receive, logged_send)
        finally:
            entry = log_line(
                time=timestamp(received),
                client=scope["client"][0] if scope.get("client") else None,
                method=scope["method"],
                path=_request_path(scope),
                query=scope.get("query_string", b"").decode("latin-1"),
                headers=_decoded(scope["headers"]),
                body=_text(b"".join(request_body)),
                status=response["status"],
                response_headers=_decoded(response["headers"]),
                response_body=_text(b"".join(response_body)),
                duration_ms=(time.perf_counter() - started) * 1000,
                redaction=self._redaction,
            )
            line = json.dumps(entry, ensure_ascii=False)
            with self._lock:
                if not self._file.closed:
                    self._file.write(line + "\n")
                    self._file.flush()
