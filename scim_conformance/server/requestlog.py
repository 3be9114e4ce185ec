"""``serve --log FILE``: every exchange the server receives, as JSON lines.

This is how a user sees exactly what their Okta tenant sent, and what the
replay command reads back. One object per line (format: docs/request-log.md):

    {"time", "client", "method", "path", "query", "headers", "body",
     "status", "response_headers", "response_body", "duration_ms"}

Secrets are redacted before anything is written: the Authorization header keeps
only its scheme (``Bearer [REDACTED]``), password values in request bodies are
replaced, and any configured secret value is replaced wherever else it appears.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REDACTED = "[REDACTED]"
_BODY_LIMIT = 1024 * 1024  # endpoints.MAX_BODY: the server refuses a larger body anyway
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
# Only credentials (RFC 9110 §11.4) start with a scheme worth keeping; in a
# cookie the first word is itself a secret (``session=…; other=…``).
_SCHEMED_HEADERS = frozenset({"authorization", "proxy-authorization"})


# A JSON member named "password" (any case) with a string value. Okta sends a
# random placeholder on create, but the user's real password when an admin turns
# password sync on: the log never keeps either.
_PASSWORD_MEMBER = re.compile(r'("password"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE)


def redact_passwords(body: str) -> str:
    """Replace password values in a JSON body, leaving every other byte as sent.

    Covers ``"password": "…"`` members and PATCH operations whose ``path`` is
    ``password`` (their ``value`` is the secret); such a PATCH body is
    re-serialised.
    """
    body = _PASSWORD_MEMBER.sub(lambda m: f'{m.group(1)}"{REDACTED}"', body)
    if "password" not in body.lower() or '"operations"' not in body.lower():
        return body
    try:
        parsed = json.loads(body)
    except ValueError:
        return body
    operations = parsed.get("Operations") if isinstance(parsed, dict) else None
    changed = False
    for op in operations if isinstance(operations, list) else ():
        if isinstance(op, dict) and str(op.get("path", "")).lower() == "password" and "value" in op:
            op["value"], changed = REDACTED, True
    return json.dumps(parsed, ensure_ascii=False, separators=(",", ":")) if changed else body


def _text(data: bytes) -> str | None:
    return data.decode("utf-8", "replace") if data else None


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
        self._secrets = [s for s in secrets if s]

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def _headers(self, raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
        headers: dict[str, str] = {}
        for key, value in raw:
            name, text = key.decode("latin-1").lower(), value.decode("latin-1")
            if name in _SECRET_HEADERS:
                scheme, _, rest = text.partition(" ")
                text = f"{scheme} {REDACTED}" if rest and name in _SCHEMED_HEADERS else REDACTED
            headers[name] = (
                self._scrub(text) if name not in headers else f"{headers[name]}, {self._scrub(text)}"
            )
        return headers

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
            body = _text(b"".join(request_body))
            answer = _text(b"".join(response_body))
            entry = {
                "time": received.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "client": scope["client"][0] if scope.get("client") else None,
                "method": scope["method"],
                "path": self._scrub(_request_path(scope)),
                "query": self._scrub(scope.get("query_string", b"").decode("latin-1")),
                "headers": self._headers(scope["headers"]),
                "body": redact_passwords(self._scrub(body)) if body is not None else None,
                "status": response["status"],
                "response_headers": self._headers(response["headers"]),
                "response_body": self._scrub(answer) if answer is not None else None,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
            }
            line = json.dumps(entry, ensure_ascii=False)
            with self._lock:
                self._file.write(line + "\n")
                self._file.flush()
