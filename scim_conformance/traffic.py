"""Recorded HTTP traffic: exchanges, curl reproduction and transcripts.

A failure message shows the numbered exchanges that led to it and a curl command to replay
the last one (STYLE Lesson 4). Redaction happens when an exchange is recorded, never when
it is shown (Lesson 5): an `Exchange` holds no secret, so no repr, report, transcript or
snapshot can leak one. The redaction itself is `scim_conformance.core.redaction`, which the
reference server's request log uses too; its public names are re-exported here. This module
is plain data and text; it does not import httpx, so reports can load a JSON-lines
transcript without the transport stack.
"""

from __future__ import annotations

import http
import json
import re
import shlex
import threading
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Final

from .core.redaction import (
    AUTH_SCHEME,
    REDACTED,
    Headers,
    Redaction,
    is_sensitive_name,
    redact_headers,
    redact_text,
    redact_url,
)

__all__ = [
    "REDACTED",
    "Exchange",
    "Headers",
    "Recorder",
    "is_sensitive_name",
    "redact_headers",
    "redact_text",
    "redact_url",
]

# Headers curl sets itself or that only describe one connection (RFC 9110 §7.6.1).
_NOISE_HEADERS: Final = frozenset(
    "host content-length connection keep-alive transfer-encoding te upgrade accept-encoding".split()
)
_RESPONSE_HEADERS_SHOWN: Final = ("content-type", "location", "retry-after")
# Schemes safe to place inside shell double quotes (no `$`, backquote or `!`).
_SHELL_SAFE_SCHEME = re.compile(r"[0-9A-Za-z._~+-]+")
MAX_BODY_CHARS: Final = 4096


def _parse_json(body: str | None) -> Any:
    if body is None:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def _pretty(body: str, limit: int) -> str:
    try:
        text = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        text = body
    if len(text) > limit:
        return f"{text[:limit]}\n… truncated: {len(text) - limit} more characters ({len(text)} in all)"
    return text


def _quote(word: str) -> str:
    # shlex.quote leaves "safe" words bare; always quoting keeps every command the same shape.
    quoted = shlex.quote(word)
    return quoted if quoted.startswith("'") else f"'{word}'"


def _prefixed(prefix: str, text: str) -> list[str]:
    return [f"{prefix} {line}".rstrip() for line in text.splitlines() or [""]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Exchange:
    """One request and its response (or the error that replaced it), already redacted.

    Build exchanges through `Recorder.record`, which redacts; constructing one directly
    trusts the caller to have done so.
    """

    number: int
    """Position within its recorder, from 1."""
    method: str
    url: str
    request_headers: Headers = ()
    request_body: str | None = None
    """Decoded request body; None when the request had none."""
    status: int | None = None
    """Response status; None when no response arrived (see `error`)."""
    response_headers: Headers = ()
    response_body: str | None = None
    """Decoded (and content-decoded) response body; None when empty or absent."""
    duration_ms: float = 0.0
    error: str | None = None
    """`ErrorClass: message` of the exception that ended the exchange, if any."""

    def request_json(self) -> Any:
        """The request body parsed as JSON, or None if absent or not JSON."""
        return _parse_json(self.request_body)

    def response_json(self) -> Any:
        """The response body parsed as JSON, or None if absent or not JSON."""
        return _parse_json(self.response_body)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Exchange:
        """The inverse of `to_dict`: read one line of a JSON-lines transcript back."""
        return cls(
            **{
                **data,
                "request_headers": tuple((name, value) for name, value in data["request_headers"]),
                "response_headers": tuple((name, value) for name, value in data["response_headers"]),
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict: one line of a JSON-lines transcript, or a report entry."""
        return {
            "number": self.number,
            "method": self.method,
            "url": self.url,
            "request_headers": [list(pair) for pair in self.request_headers],
            "request_body": self.request_body,
            "status": self.status,
            "response_headers": [list(pair) for pair in self.response_headers],
            "response_body": self.response_body,
            "duration_ms": round(self.duration_ms, 3),
            "error": self.error,
        }

    def curl(self, token_variable: str = "SCIM_TOKEN") -> str:
        """A one-line curl command that replays the request.

        The Authorization header refers to `$SCIM_TOKEN` inside double quotes so the shell
        expands it; every other value is single-quoted (`shlex.quote` escaping). Bodies are sent
        byte for byte (`--data-binary`; `--data-raw` when the body starts with `@`, which
        curl would read as a file name). A body containing NUL cannot be a shell argument.
        """
        words = ["curl", "-sS"]
        if any(c in self.url for c in "[]{}"):
            words.append("-g")  # SCIM filters and `[REDACTED]` hold brackets, which curl globs.
        words += ["--head"] if self.method == "HEAD" else ["-X", self.method]
        words.append(_quote(self.url))
        for name, value in self.request_headers:
            if name.lower() in _NOISE_HEADERS:
                continue
            words.append("-H")
            if name.lower() == "authorization":
                # Whatever the recorded credential was, the replay takes it from the shell.
                scheme = match[1] if (match := AUTH_SCHEME.match(value)) else ""
                if _SHELL_SAFE_SCHEME.fullmatch(scheme):
                    words.append(f'"{name}: {scheme} ${token_variable}"')
                else:
                    words.append(f'{_quote(f"{name}: ")}"${token_variable}"')
            else:
                words.append(_quote(f"{name}: {value}"))
        if self.request_body is not None:
            flag = "--data-raw" if self.request_body.startswith("@") else "--data-binary"
            words += [flag, _quote(self.request_body)]
        return " ".join(words)

    def render(self, max_body: int = MAX_BODY_CHARS) -> str:
        """A human-readable block: summary line, request (`>`) and response (`<`) sides."""
        outcome = f"{self.status}" if self.error is None else f"{self.error}"
        if self.error is not None and self.status is not None:
            outcome = f"{self.status}, then {self.error}"
        duration = f"{self.duration_ms:.0f}" if self.duration_ms >= 10 else f"{self.duration_ms:.1f}"
        lines = [f"#{self.number} {self.method} {self.url} → {outcome} ({duration} ms)"]
        for name, value in self.request_headers:
            if name.lower() not in _NOISE_HEADERS:
                lines.append(f"> {name}: {value}")
        if self.request_body is not None:
            lines += [">", *_prefixed(">", _pretty(self.request_body, max_body))]
        if self.status is not None:
            lines.append(f"< {self.status} {_reason(self.status)}".rstrip())
            for name, value in self.response_headers:
                if name.lower() in _RESPONSE_HEADERS_SHOWN:
                    lines.append(f"< {name}: {value}")
            if self.response_body is not None:
                lines += ["<", *_prefixed("<", _pretty(self.response_body, max_body))]
        return "\n".join(lines)


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


class Recorder:
    """Collects the exchanges of a session, redacting each as it is recorded.

    Thread-safe. Numbers start at 1 and keep rising across `clear()`, so a `mark()` taken
    before a clear stays meaningful and numbers in a session log are unique.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        """Create a recorder that scrubs `secrets` (e.g. the bearer token) from every field."""
        self._lock = threading.Lock()
        self._secrets = tuple(secrets)
        # Every spelling of every secret, computed once: each record scrubs a dozen fields.
        self._redaction = Redaction(self._secrets)
        self._exchanges: list[Exchange] = []
        self._count = 0

    def __repr__(self) -> str:
        # Deliberately omits the secrets themselves.
        return f"<Recorder exchanges={len(self._exchanges)}>"

    def __len__(self) -> int:
        return len(self._exchanges)

    def add_secret(self, secret: str) -> None:
        """Scrub one more value from exchanges recorded from now on (e.g. a refreshed token)."""
        if secret:
            with self._lock:
                self._secrets += (secret,)
                self._redaction = Redaction(self._secrets)

    def record(
        self,
        *,
        method: str,
        url: str,
        request_headers: Iterable[tuple[str, str]] = (),
        request_body: str | None = None,
        status: int | None = None,
        response_headers: Iterable[tuple[str, str]] = (),
        response_body: str | None = None,
        duration_ms: float = 0.0,
        error: str | None = None,
    ) -> Exchange:
        """Redact the given raw values, number them, store and return the exchange."""
        redaction = self._redaction

        def scrub(text: str | None) -> str | None:
            return None if text is None else redaction.text(text)

        fields: dict[str, Any] = {
            "method": method,
            "url": redaction.url(url),
            "request_headers": redaction.headers(request_headers),
            "request_body": scrub(request_body),
            "status": status,
            "response_headers": redaction.headers(response_headers),
            "response_body": scrub(response_body),
            "duration_ms": duration_ms,
            "error": scrub(error),
        }
        with self._lock:
            self._count += 1
            exchange = Exchange(number=self._count, **fields)
            self._exchanges.append(exchange)
        return exchange

    @property
    def exchanges(self) -> list[Exchange]:
        """A snapshot of the stored exchanges, oldest first."""
        with self._lock:
            return list(self._exchanges)

    def clear(self) -> None:
        """Forget the stored exchanges (numbering continues)."""
        with self._lock:
            self._exchanges.clear()

    def mark(self) -> int:
        """A bookmark: pass it to `since` to get the exchanges recorded after this call."""
        with self._lock:
            return self._count

    def since(self, mark: int) -> list[Exchange]:
        """The stored exchanges recorded after `mark` was taken."""
        with self._lock:
            start = bisect_right(self._exchanges, mark, key=attrgetter("number"))
            return self._exchanges[start:]

    def render(self, exchanges: Iterable[Exchange] | None = None) -> str:
        """The numbered transcript of `exchanges` (default: all stored), blank-line separated."""
        chosen = self.exchanges if exchanges is None else list(exchanges)
        # Re-scrub: a secret added with add_secret after an exchange was recorded.
        return "\n\n".join(self._redaction.text(exchange.render()) for exchange in chosen)
