"""Before any suite: is the target reachable, is it a SCIM service, and does it accept the token?

A broken set-up is not a conformance failure. These read-only requests find it
first, and the run stops with one message naming the cause and the fix, rather
than hundreds of red tests. Hints are generic first (any SCIM server), then
Zentral's (the realm, its "SCIM enabled" option, the service account).
"""

from __future__ import annotations

import json
import re
import ssl

import httpx

from .core.redaction import redact_text, redact_url
from .core.text import shorten
from .errors import HarnessError
from .spec import LIST_RESPONSE
from .target import Target

_ROOT_EXAMPLE = "https://zentral.example.com/public/realms/<realm uuid>/scim/v2"
_SNIPPET = 80

_PERMISSIONS = (
    "give the service account's Zentral group the eight permissions realms.realmuser and "
    "realms.realmgroup add/change/delete/view (CONTRACT §1)"
)


def preflight(target: Target) -> None:
    """Raise :class:`HarnessError` with the cause and the fix if the target cannot be tested."""
    base = target.base_url.rstrip("/")
    endpoint = base.rsplit("/", 1)[-1]
    if endpoint.lower() in ("users", "groups"):
        # The preflight would ask for …/Users/Users: the answer (a 404, or a resource
        # lookup) would name the wrong cause.
        raise HarnessError(
            f"--scim-url {_shown(target, base)} ends in /{endpoint}: drop the trailing /{endpoint} "
            f"(the SCIM root URL is the one /Users and /Groups are under, e.g. {_ROOT_EXAMPLE})"
        )
    for path in ("/Users", "/Groups"):
        url = _shown(target, target.url(path))
        try:
            response = target.client.get(path, params={"startIndex": 1, "count": 1})
        except httpx.ConnectError as exc:
            raise HarnessError(connect_message(url, exc)) from None
        except httpx.TimeoutException:
            raise HarnessError(
                f"no answer from {url} within {target.client.timeout.read} s: is the server up? "
                "(Okta gives up after 60 s too; --scim-timeout changes the limit)"
            ) from None
        except httpx.HTTPError as exc:
            raise HarnessError(f"cannot reach {url}: {type(exc).__name__}: {exc}") from None
        status = response.status_code
        if status == 200:
            if not _is_list_response(response):
                raise HarnessError(redact_text(_not_scim_message(url, response), _secrets(target)))
            continue
        if status == 401:
            hint = (
                "no token was given: set SCIM_TOKEN" if not target.token else "set SCIM_TOKEN to a valid one"
            )
            raise HarnessError(
                f"GET {url} answered 401: the bearer token was refused ({hint}; in Zentral it is the "
                "API token of the service account configured in Okta)"
            )
        if status == 403:
            raise HarnessError(f"GET {url} answered 403: the token lacks a permission: {_PERMISSIONS}")
        if status == 404:
            raise HarnessError(
                f"GET {url} answered 404: wrong path, or (Zentral) the realm is unknown or SCIM is not "
                f"enabled on it (--scim-url must be the SCIM root URL, e.g. {_ROOT_EXAMPLE}, as shown on "
                "the realm's page; check the realm's 'SCIM enabled' option)"
            )
        raise HarnessError(
            f"GET {url} answered {status}, not 200: the target cannot be tested "
            "(is --scim-url the SCIM root?)"
        )


def _shown(target: Target, url: str) -> str:
    """A URL as a message may show it: userinfo and the token redacted."""
    return redact_url(url, _secrets(target))


def _secrets(target: Target) -> list[str]:
    return [target.token] if target.token else []


def _is_list_response(response: httpx.Response) -> bool:
    """Whether a 200 is a SCIM ListResponse, or close enough for the suites to judge the rest.

    The content type is not required (a JSON body under text/plain is a finding for
    the suites, not a reason to stop); a JSON object naming the ListResponse schema,
    or carrying ``totalResults``, is.
    """
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    if not isinstance(body, dict):
        return False
    schemas = body.get("schemas")
    return (isinstance(schemas, list) and LIST_RESPONSE in schemas) or "totalResults" in body


def _not_scim_message(url: str, response: httpx.Response) -> str:
    content_type = response.headers.get("content-type", "no content type")
    # One line: the snippet's whitespace (an HTML page's newlines) folded.
    snippet = shorten(re.sub(r"\s+", " ", response.text).strip(), _SNIPPET) or "(empty body)"
    return (
        f"GET {url} answered 200 {content_type}, not a SCIM ListResponse: {snippet!r}; "
        f"is --scim-url the SCIM root URL? It looks like {_ROOT_EXAMPLE} (an SSO login page or a web "
        "app answers when the URL misses the SCIM API or a proxy intercepts it)"
    )


def connect_message(url: str, exc: httpx.ConnectError) -> str:
    """Why ``url`` could not be reached and how to fix it, in one sentence (preflight and doctor)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return (
                f"TLS verification of {url} failed ({cause.verify_message}): pass --scim-ca-bundle PATH "
                "for a private CA, or --scim-insecure for a test server"
            )
        if isinstance(cause, ssl.SSLError):
            return f"TLS handshake with {url} failed ({cause.reason}): is it an https server?"
        if isinstance(cause, ConnectionRefusedError):
            break
        cause = cause.__cause__ or cause.__context__
    text = str(exc)
    if "refused" in text.lower() or isinstance(cause, ConnectionRefusedError):
        return (
            f"connection to {url} refused: is the server running, and are the host and port "
            "in --scim-url right?"
        )
    if "name or service not known" in text.lower() or "nodename nor servname" in text.lower():
        return f"cannot resolve the host of {url}: check --scim-url"
    return f"cannot connect to {url}: {text}"
