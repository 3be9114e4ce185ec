"""One line of the request log, built in one place; the format is documented in docs/request-log.md.

The reference server writes these lines (``serve --log``, ``server.requestlog``)
and the harness saves a failing state-machine run as the same lines
(``stateful.report``), so either file can be read, and replayed, alike::

    {"time", "client", "method", "path", "query", "headers", "body",
     "status", "response_headers", "response_body", "duration_ms"}

A writer may add keys after these (the harness adds ``error`` and the step of
each request); it never renames or removes one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

from .redaction import Redaction, redact_passwords

__all__ = ["LOG_KEYS", "log_line", "timestamp"]

LOG_KEYS: Final = (
    "time",
    "client",
    "method",
    "path",
    "query",
    "headers",
    "body",
    "status",
    "response_headers",
    "response_body",
    "duration_ms",
)
"""The keys of every line, in the order they are written."""

# Headers the HTTP server (uvicorn) adds after the application answered: not part of the answer.
_SERVER_HEADERS: Final = frozenset({"date", "server"})
_NO_SECRETS: Final = Redaction()


def timestamp(moment: datetime | None = None) -> str:
    """``moment`` (default: now) as a line's ``time``: UTC, ISO 8601 with milliseconds and ``Z``."""
    moment = datetime.now(UTC) if moment is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _header_object(headers: Iterable[tuple[str, str]], skip: frozenset[str] = frozenset()) -> dict[str, str]:
    # Names lower-cased, in the order received; a repeated header is one entry (RFC 9110 §5.3).
    merged: dict[str, str] = {}
    for name, value in headers:
        if (key := name.lower()) not in skip:
            merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged


def log_line(
    *,
    time: str,
    client: str | None,
    method: str,
    path: str,
    query: str,
    headers: Iterable[tuple[str, str]],
    body: str | None,
    status: int | None,
    response_headers: Iterable[tuple[str, str]],
    response_body: str | None,
    duration_ms: float,
    redaction: Redaction = _NO_SECRETS,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One exchange as a line of the request log, redacted, then ``extra`` keys.

    Values are given as sent (``path`` with its percent-encoding, ``query``
    without ``?``, bodies as text, headers as (name, value) pairs in order).
    ``redaction`` holds the secrets to scrub from every value; without it,
    credential headers, credential query parameters and the request body's
    passwords are still redacted, so a line made from values redacted already
    comes out the same.
    """
    return {
        "time": time,
        "client": client,
        "method": method,
        "path": redaction.text(path),
        "query": redaction.query(query),
        "headers": _header_object(redaction.headers(headers)),
        "body": redact_passwords(redaction.text(body)) if body is not None else None,
        "status": status,
        "response_headers": _header_object(redaction.headers(response_headers), _SERVER_HEADERS),
        "response_body": redaction.text(response_body) if response_body is not None else None,
        "duration_ms": round(duration_ms, 3),
        **(extra or {}),
    }
