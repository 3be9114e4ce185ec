"""Redaction: secrets out of what is recorded, before it is kept anywhere.

One implementation for the harness's traffic recorder (``traffic.Recorder``)
and the reference server's request log (``server.requestlog``):

- credential headers (:func:`is_sensitive_name`) become ``[REDACTED]``; an
  ``Authorization`` header keeps its scheme (``Bearer [REDACTED]``), which tells
  a reader which scheme was used;
- URL userinfo and the values of credential query parameters become ``[REDACTED]``;
- each known secret (the bearer token) is replaced wherever else it appears, in
  every spelling a server may echo it in: raw, percent-encoded, form-encoded and
  JSON-escaped;
- :func:`redact_passwords` replaces the password values of a JSON body (Okta's
  create body carries one).

A :class:`Redaction` computes the spellings of its secrets once; the module
functions take the secrets for a single use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Final, TypeAlias
from urllib.parse import quote, quote_plus, unquote_plus, urlsplit, urlunsplit

__all__ = [
    "REDACTED",
    "SENSITIVE_HEADERS",
    "SENSITIVE_NAME_PARTS",
    "Headers",
    "Redaction",
    "is_sensitive_name",
    "redact_headers",
    "redact_passwords",
    "redact_text",
    "redact_url",
]

Headers: TypeAlias = tuple[tuple[str, str], ...]

REDACTED: Final = "[REDACTED]"

SENSITIVE_HEADERS: Final = frozenset("authorization proxy-authorization cookie set-cookie x-api-key".split())
SENSITIVE_NAME_PARTS: Final = ("token", "secret", "key", "password")
_SENSITIVE_PART = re.compile("|".join(SENSITIVE_NAME_PARTS))
# An auth-scheme is an RFC 9110 §11.1 token; keeping it tells a reader which scheme failed.
AUTH_SCHEME: Final = re.compile(r"([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s+\S")
"""The scheme of a credential (``Bearer`` of ``Bearer abc``), as group 1 of a match at its start."""

# A JSON member named "password" (any case) with a string value. Okta sends a
# random placeholder on create, but the user's real password when an admin turns
# password sync on: nothing recorded keeps either.
_PASSWORD_MEMBER = re.compile(r'("password"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE)


def is_sensitive_name(name: str) -> bool:
    """Whether a header or query parameter of this name carries a credential.

    True for the names in `SENSITIVE_HEADERS` and any name containing one of
    `SENSITIVE_NAME_PARTS` (case-insensitive): `X-Auth-Token`, `client_secret`, `api_key`.
    """
    lowered = name.lower()
    return lowered in SENSITIVE_HEADERS or _SENSITIVE_PART.search(lowered) is not None


def _secret_forms(secrets: Iterable[str]) -> tuple[str, ...]:
    """Each secret as it may appear in text: raw, percent-encoded, form-encoded, JSON-escaped."""
    forms: set[str] = set()
    for secret in secrets:
        if secret:  # Replacing "" would insert the marker between every character.
            forms.update(
                (
                    secret,
                    quote(secret, safe=""),
                    quote(secret),
                    quote_plus(secret),
                    json.dumps(secret)[1:-1],
                    json.dumps(secret, ensure_ascii=False)[1:-1],
                )
            )
    # Longest first, so a secret that contains another is replaced whole.
    return tuple(sorted(forms, key=len, reverse=True))


def _redact_header_value(name: str, value: str) -> str:
    # Only credentials (RFC 9110 §11.4) start with a scheme worth keeping; in a
    # cookie the first word is itself a secret (``session=…; other=…``).
    if "authorization" in name.lower() and (match := AUTH_SCHEME.match(value)):
        return f"{match[1]} {REDACTED}"
    return REDACTED


def _redact_parameter(parameter: str) -> str:
    name, sep, _ = parameter.partition("=")
    return f"{name}={REDACTED}" if sep and is_sensitive_name(unquote_plus(name)) else parameter


class Redaction:
    """The redactions for one set of secrets, whose spellings are computed once.

    Recording scrubs a dozen fields per exchange; building the spellings once
    per set of secrets keeps that cheap. The repr never shows the secrets.
    """

    __slots__ = ("_forms",)

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        """Redact each of ``secrets`` (empty ones are ignored), besides credential headers and parameters."""
        self._forms = _secret_forms(secrets)

    def __repr__(self) -> str:
        return f"<Redaction of {len(self._forms)} secret spellings>"

    def text(self, text: str) -> str:
        """``text`` with every spelling of every secret replaced by ``[REDACTED]``."""
        for form in self._forms:
            text = text.replace(form, REDACTED)
        return text

    def headers(self, headers: Iterable[tuple[str, str]]) -> Headers:
        """Credential headers redacted (keeping an Authorization scheme), and any secret in the rest."""
        return tuple(
            (
                self.text(name),
                self.text(_redact_header_value(name, value) if is_sensitive_name(name) else value),
            )
            for name, value in headers
        )

    def query(self, query: str) -> str:
        """A query string (without ``?``) with credential parameters' values and any secret redacted.

        Every other byte is kept: ``%20`` stays ``%20`` and ``+`` stays ``+``.
        """
        redacted = "&".join(_redact_parameter(p) for p in query.split("&"))
        return self.text(redacted)

    def url(self, url: str) -> str:
        """URL userinfo, the values of credential query parameters, and any secret value redacted.

        The rest of the URL is kept byte for byte, so a transcript shows what was sent.
        """
        parts = urlsplit(url)
        netloc = f"{REDACTED}@{parts.netloc.rpartition('@')[2]}" if "@" in parts.netloc else parts.netloc
        query = "&".join(_redact_parameter(p) for p in parts.query.split("&"))
        if (netloc, query) != (parts.netloc, parts.query):
            url = urlunsplit(parts._replace(netloc=netloc, query=query))
        return self.text(url)


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret in `text` with `[REDACTED]`.

    Percent-encoded and JSON-escaped spellings are replaced too, since a server that echoes a
    token back usually does so inside a URL or a JSON string. Empty secrets are ignored.
    """
    return Redaction(secrets).text(text)


def redact_headers(headers: Iterable[tuple[str, str]], secrets: Iterable[str] = ()) -> Headers:
    """Redact credential headers (keeping an Authorization scheme) and any secret value.

    `Authorization: Bearer abc` becomes `Authorization: Bearer [REDACTED]`; other headers named
    by `is_sensitive_name` become `[REDACTED]` entirely. Order and repeats are kept.
    """
    return Redaction(secrets).headers(headers)


def redact_url(url: str, secrets: Iterable[str] = ()) -> str:
    """Redact URL userinfo, the values of credential query parameters, and any secret value.

    The rest of the URL is kept byte for byte, so the transcript shows what was sent.
    """
    return Redaction(secrets).url(url)


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
