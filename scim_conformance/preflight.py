"""Before any suite: is the target reachable, and does it accept the token?

A broken set-up is not a conformance failure. These read-only requests find it
first, and the run stops with one message naming the cause and the fix, rather
than hundreds of red tests.
"""

from __future__ import annotations

import ssl

import httpx

from .errors import HarnessError
from .target import Target

_PERMISSIONS = (
    "give the service account's Zentral group the eight permissions realms.realmuser and "
    "realms.realmgroup add/change/delete/view (CONTRACT §1)"
)


def preflight(target: Target) -> None:
    """Raise :class:`HarnessError` with the cause and the fix if the target cannot be tested."""
    for path in ("/Users", "/Groups"):
        url = target.url(path)
        try:
            response = target.client.get(path, params={"startIndex": 1, "count": 1})
        except httpx.ConnectError as exc:
            raise HarnessError(_connect_message(url, exc)) from None
        except httpx.TimeoutException:
            raise HarnessError(
                f"no answer from {url} within {target.client.timeout.read} s: is the server up? "
                "(Okta gives up after 60 s too; --scim-timeout changes the limit)"
            ) from None
        except httpx.HTTPError as exc:
            raise HarnessError(f"cannot reach {url}: {type(exc).__name__}: {exc}") from None
        status = response.status_code
        if status == 200:
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
                f"GET {url} answered 404: the realm is unknown or SCIM is not enabled on it "
                "(check --scim-url against the SCIM root URL on the realm's page, and the realm's "
                "'SCIM enabled' option)"
            )
        raise HarnessError(
            f"GET {url} answered {status}, not 200: the target cannot be tested "
            "(is --scim-url the SCIM root?)"
        )


def _connect_message(url: str, exc: httpx.ConnectError) -> str:
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
