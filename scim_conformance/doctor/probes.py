"""The doctor's read-only examination: URL, connection, realm, token, permissions, profiles.

Nothing here changes the target. A permission is probed with a request that
needs it but can change nothing: a malformed body (``{``) to ``POST``, or an id
generated here, which names no resource, to ``PUT`` and ``DELETE``. A target
missing the permission refuses it with ``403`` (CONTRACT §4); one holding it
answers something else (``400``, ``404``) — Zentral, like the reference server,
checks the permission before reading the body or the id.
"""

from __future__ import annotations

import re
import secrets
import ssl
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from .. import spec
from ..cleanup import Tracker
from ..errors import HarnessError
from ..okta.protocol import OKTA_CONTENT_TYPE, OKTA_TIMEOUT
from ..preflight import connect_message  # the preflight's wording of the fix
from ..target import Target, remote_target
from .items import Item
from .roundtrip import roundtrip

__all__ = ["examine"]

_ZENTRAL_ROOT = re.compile(r"/public/realms/[0-9a-fA-F-]{36}/scim/v2/?")
_ENDPOINTS = ("/Users", "/Groups", "/ServiceProviderConfig", "/Schemas", "/ResourceTypes")
_ROOT_FIX = (
    "use the SCIM root URL shown on the realm's page in Zentral: https://<host>/public/realms/<uuid>/scim/v2"
)
_GRANT = "add {} to the Zentral group of the service account Okta uses (CONTRACT §1: eight permissions)"


def examine(
    url: str,
    token: str | None,
    *,
    insecure: bool = False,
    ca_bundle: str | None = None,
    timeout: float = OKTA_TIMEOUT,
    write: bool = False,
) -> list[Item]:
    """Every item, in order; a failed item the others depend on (the URL, the token) ends the list."""
    items = [_url(url)]
    if not items[0].ok:
        return items
    try:
        target = remote_target(url, token, insecure=insecure, ca_bundle=ca_bundle, timeout=timeout)
    except HarnessError as exc:
        return [*items, Item("TLS", False, str(exc), "pass a readable PEM file to --scim-ca-bundle")]
    try:
        items += _connection(target, insecure=insecure, ca_bundle=ca_bundle)
        if not all(item.ok for item in items):
            return items
        tracker = Tracker(target)
        items += [_permission(target, tracker, probe) for probe in _PROBES]
        config, config_item = _service_provider_config(target)
        items.append(config_item)
        patch = _patch_supported(config)
        items.append(_profiles(patch))
        if write:
            marker = f"scimconf-{secrets.token_hex(4)}"
            items += roundtrip(target, tracker, run=marker, patch=patch is not False)
        if _created(tracker):
            outcome = tracker.clean_up()
            left = outcome["leftovers"]
            items.append(
                Item(
                    "clean-up",
                    not left,
                    "; ".join(left) or _cleaned(tracker),
                    "remove these by hand: the doctor created them (names starting scimconf-)",
                )
            )
    finally:
        target.close()
    return items


def _created(tracker: Tracker) -> int:
    made = tracker.footprint()
    return made["users"]["created"] + made["groups"]["created"]


def _cleaned(tracker: Tracker) -> str:
    made = tracker.footprint()
    users, groups = made["users"], made["groups"]
    kept = users["remaining"]
    said = f"{groups['created']} group(s) deleted; {users['created'] - kept} user(s) deleted"
    return said + (f", {kept} deactivated and left (the target does not delete users)" if kept else "")


def _url(url: str) -> Item:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        return Item("URL", False, f"not a URL ({exc})", _ROOT_FIX)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return Item("URL", False, f"{url!r} is not an http(s) URL with a host", _ROOT_FIX)
    if parsed.query or parsed.fragment:
        return Item("URL", False, "has a query or a fragment; a SCIM root has neither", _ROOT_FIX)
    path = parsed.path.rstrip("/")
    if endpoint := next((e for e in _ENDPOINTS if path.endswith(e)), None):
        return Item("URL", False, f"ends with {endpoint}: an endpoint, not the SCIM root", f"drop {endpoint}")
    if _ZENTRAL_ROOT.fullmatch(parsed.path):
        return Item("URL", True, "a Zentral SCIM root (…/public/realms/<uuid>/scim/v2)")
    return Item(
        "URL", True, f"{parsed.path or '/'} (not Zentral's /public/realms/<uuid>/scim/v2: another provider)"
    )


def _tls_cause(exc: BaseException) -> ssl.SSLError | None:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return cause
        cause = cause.__cause__ or cause.__context__
    return None


def _connection(target: Target, *, insecure: bool, ca_bundle: str | None) -> list[Item]:
    """Reachability, TLS, realm and token, from the preflight's first request (GET /Users)."""
    path = "/Users?startIndex=1&count=1"
    try:
        response = target.client.get("/Users", params={"startIndex": 1, "count": 1})
    except httpx.ConnectError as exc:
        message = connect_message(target.url(path), exc)
        if _tls_cause(exc) is not None:
            return [Item("reachable", True, "the host accepts connections"), Item("TLS", False, message)]
        return [Item("reachable", False, message.split(": ", 1)[0], message.split(": ", 1)[-1])]
    except httpx.TimeoutException:
        return [Item("reachable", False, f"no answer within {target.client.timeout.read} s", "is it up?")]
    except httpx.HTTPError as exc:
        return [Item("reachable", False, f"{type(exc).__name__}: {exc}", "check the host and port")]
    status = response.status_code
    items = [Item("reachable", True, f"GET /Users answered {status}"), _tls(target, insecure, ca_bundle)]
    if status == 404:
        return [
            *items,
            Item(
                "realm",
                False,
                "GET /Users answered 404: no SCIM realm at this URL",
                "check the realm's uuid in the URL, and its 'SCIM enabled' option in Zentral",
            ),
        ]
    if status == 401:
        fix = (
            "set SCIM_TOKEN (or --scim-token)" if not target.token else "use the service account's API token"
        )
        return [*items, Item("token", False, "GET /Users answered 401: the bearer token was refused", fix)]
    if status not in (200, 403):
        return [*items, Item("realm", False, f"GET /Users answered {status}", "is the URL the SCIM root?")]
    return [*items, Item("realm", True, "answers at this SCIM root"), Item("token", True, "accepted")]


def _tls(target: Target, insecure: bool, ca_bundle: str | None) -> Item:
    if not target.base_url.startswith("https:"):
        return Item("TLS", True, "none (http)")
    if insecure:
        return Item("TLS", True, "not verified (--scim-insecure); Okta will verify the certificate")
    if ca_bundle:
        return Item("TLS", True, "verified with --scim-ca-bundle; Okta will verify against public CAs")
    return Item("TLS", True, "certificate verified")


@dataclass(frozen=True, slots=True)
class _Probe:
    """A request that needs ``permission`` and can change nothing."""

    permission: str
    method: str
    kind: str
    """``Users`` or ``Groups``."""
    new_id: bool = False
    """Aimed at ``/{kind}/<an id generated now>``, which names no resource."""
    body: bytes | None = None

    def path(self) -> str:
        if self.new_id:
            return f"/{self.kind}/{uuid.uuid4()}"
        return f"/{self.kind}?startIndex=1&count=1" if self.method == "GET" else f"/{self.kind}"

    def shown(self) -> str:
        body = " with a malformed body" if self.body else ""
        return f"{self.method} /{self.kind}{'/<new id>' if self.new_id else ''}{body}"


_MALFORMED = b"{"
_PROBES: tuple[_Probe, ...] = (
    _Probe(spec.VIEW_USERS, "GET", "Users"),
    _Probe(spec.ADD_USERS, "POST", "Users", body=_MALFORMED),
    _Probe(spec.CHANGE_USERS, "PUT", "Users", new_id=True, body=_MALFORMED),
    _Probe(spec.DELETE_USERS, "DELETE", "Users", new_id=True),
    _Probe(spec.VIEW_GROUPS, "GET", "Groups"),
    _Probe(spec.ADD_GROUPS, "POST", "Groups", body=_MALFORMED),
    _Probe(spec.CHANGE_GROUPS, "PUT", "Groups", new_id=True, body=_MALFORMED),
    _Probe(spec.DELETE_GROUPS, "DELETE", "Groups", new_id=True),
)


def _permission(target: Target, tracker: Tracker, probe: _Probe) -> Item:
    name, shown = f"permission {probe.permission}", probe.shown()
    # Okta sends its Content-Type on a DELETE too (okta-requests.md §1).
    headers = (
        {"Content-Type": OKTA_CONTENT_TYPE} if probe.body is not None or probe.method == "DELETE" else {}
    )
    try:
        response = target.client.request(probe.method, probe.path(), content=probe.body, headers=headers)
    except httpx.HTTPError as exc:
        return Item(name, False, f"{shown}: {type(exc).__name__}: {exc}", "is the server still up?")
    status = response.status_code
    if status == 403:
        return Item(name, False, f"{shown} answered 403{_detail(response)}", _GRANT.format(probe.permission))
    if 200 <= status < 300 and probe.method == "POST":
        # The doctor made it, so the doctor cleans it up.
        created = _json(response)
        if isinstance(created, dict):
            tracker.created(probe.kind[:-1], created)
        return Item(
            name,
            False,
            f"{shown} answered {status}: granted, but it created a resource",
            "refuse malformed JSON with 400 invalidSyntax (CONTRACT §4)",
        )
    if status >= 500:
        return Item(
            name, False, f"{shown} answered {status}: cannot tell", "the server fails on this request"
        )
    if probe.method == "DELETE" and probe.kind == "Users" and status in (405, 501):
        return Item(
            name, True, f"{shown} answered {status}: the target does not delete users (Okta never does)"
        )
    if status == 200 and probe.method == "GET":
        return Item(name, True, f"{shown} answered 200: granted")
    return Item(name, True, f"{shown} answered {status}: granted (not refused for a permission)")


def _detail(response: httpx.Response) -> str:
    body = _json(response)
    detail = body.get("detail") if isinstance(body, dict) else None
    return f" ({detail})" if isinstance(detail, str) and detail else ""


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _service_provider_config(target: Target) -> tuple[Any, Item]:
    name = "ServiceProviderConfig"
    try:
        response = target.client.get("/ServiceProviderConfig")
    except httpx.HTTPError as exc:
        return None, Item(name, False, f"{type(exc).__name__}: {exc}", "is the server still up?")
    config = _json(response)
    if response.status_code != 200 or not isinstance(config, dict):
        return None, Item(
            name,
            False,
            f"GET /ServiceProviderConfig answered {response.status_code}{'' if config else ' without JSON'}",
            "serve it (RFC 7644 §4): Okta does not read it, but it is how a client learns PATCH support",
        )
    patch = _patch_supported(config)
    return config, Item(name, True, f"patch.supported: {'unknown' if patch is None else str(patch).lower()}")


def _patch_supported(config: Any) -> bool | None:
    patch = config.get("patch") if isinstance(config, dict) else None
    supported = patch.get("supported") if isinstance(patch, dict) else None
    return supported if isinstance(supported, bool) else None


def _profiles(patch: bool | None) -> Item:
    # AIW apps (Zentral's documented set-up) send PUT, which every provider has (RFC 7644 §3.5.1);
    # OIN apps send PATCH and never fall back to PUT (CONTRACT §2).
    if patch is None:
        oin = "oin (PATCH) unknown: /ServiceProviderConfig does not say (--write tries it)"
    else:
        oin = "oin (PATCH) yes" if patch else "oin (PATCH) no: use a custom (AIW) Okta app, an OIN app fails"
    return Item("Okta profiles", True, f"aiw (PUT) yes; {oin}")
