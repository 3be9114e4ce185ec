"""A provider implementing only what the contract requires (issue 8 §7), and the one way it may not.

``minimal_conformant`` is not a fault: a provider shaped like Zentral — it
keeps what a realm user keeps and no more, supports no PATCH, and says nothing
in its discovery documents — gets no ``security`` or ``okta`` finding for an
``okta-aiw`` app (exit 0), and fails for an ``okta-oin`` app, which needs PATCH
(CONTRACT §2). ``tests/slow/test_minimal_conformant.py`` runs the suites
against it for both profiles.

``display_name_derived_claimed`` derives ``displayName`` the same way but claims
in ``/Schemas`` to store it: that is the ``rfc`` case of CONTRACT §4.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from starlette.types import ASGIApp, Scope

from ..server.app import create_app
from ..server.config import Realm, ServiceAccount
from ..server.errors import ScimError
from ..server.responses import list_response
from ..server.store import USER, Store
from ..spec import Json
from .middleware import SCIM_JSON, Headers, header, on_request, on_response, scim_path
from .registry import mutant


def _derived_display_name(resource: Json) -> Json:
    """``displayName`` as Zentral shows a realm user: "given family" (CONTRACT §4)."""
    name = resource.get("name")
    parts = [name.get(k) for k in ("givenName", "familyName")] if isinstance(name, dict) else []
    derived = " ".join(p for p in parts if isinstance(p, str) and p)
    kept = {k: v for k, v in resource.items() if k != "displayName"}
    return {**kept, "displayName": derived} if derived else kept


def _as_zentral_keeps(resource: Json) -> Json:
    """A realm user: no ``locale``, no ``name.middleName``, ``displayName`` derived (CONTRACT §4)."""
    kept = {k: v for k, v in resource.items() if k != "locale"}
    if isinstance(kept.get("name"), dict):
        kept["name"] = {k: v for k, v in kept["name"].items() if k != "middleName"}
    return _derived_display_name(kept)


class _UserStore(Store):
    """The reference store, keeping of a user what :attr:`keep` makes of it."""

    keep: Callable[[Json], Json] = staticmethod(_as_zentral_keeps)

    def create(self, realm: str, kind: str, resource: Json) -> Json:
        return super().create(realm, kind, self.keep(resource) if kind == USER else resource)

    def replace(self, realm: str, kind: str, rid: str, resource: Json) -> Json:
        return super().replace(realm, kind, rid, self.keep(resource) if kind == USER else resource)


class _DerivingStore(_UserStore):
    """The reference store, deriving a user's displayName; every other attribute kept."""

    keep = staticmethod(_derived_display_name)


def _error(status: int, detail: str, headers: Headers | None = None) -> tuple[int, Headers, bytes]:
    return status, [*SCIM_JSON, *(headers or [])], json.dumps(ScimError(status, detail).body()).encode()


def _edit(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    path = scim_path(scope)
    # No PATCH anywhere: the method is refused after authentication and the realm check,
    # as any unsupported method is (see _no_patch), and no Allow header offers it.
    allow = ", ".join(m for m in header(headers, b"allow").split(", ") if m and m != "PATCH")
    headers = [(k, v) for k, v in headers if k.lower() not in (b"location", b"allow")]
    if allow:
        headers.append((b"allow", allow.encode()))
    if scope["method"] == "PATCH" and status == 405:
        return _error(405, "PATCH is not supported: update with PUT", [(b"allow", allow.encode())])
    if status != 200:
        return status, headers, body
    if path.rstrip("/") == "/Schemas":
        return status, headers, json.dumps(list_response(0, 1, [])).encode()
    if path.startswith("/Schemas/"):
        return _error(404, "no schema is published")
    if path == "/ServiceProviderConfig":
        config: Any = json.loads(body)
        config["patch"] = {"supported": False}
        return status, headers, json.dumps(config).encode()
    return status, headers, body


def _no_patch(scope: Scope) -> Scope:
    # TRACE is supported by no endpoint: the app authenticates, checks the realm, answers 405.
    return {**scope, "method": "TRACE"} if scope["method"] == "PATCH" else scope


@mutant(catches=(), profile="aiw", strict=False)
def minimal_conformant(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Not a fault: only what the contract requires, as Zentral provides it (issue 8 §7).

    PATCH answers 405 (okta-aiw apps only: they update with PUT, CONTRACT §2);
    ``locale`` and ``name.middleName`` are dropped and ``displayName`` is derived
    ("given family"), as CONTRACT §4 allows; no ``Location`` header (rfc, RFC 7644
    §3.3); ``/Schemas`` is an empty ListResponse, so nothing is claimed, and
    ServiceProviderConfig says ``patch.supported`` false. Must give no security or
    okta finding with ``--okta-profile aiw`` (exit 0), and fail ``--okta-profile oin``.
    """
    app = create_app(realms=realms, accounts=accounts, store=_UserStore())
    return on_response(on_request(app, _no_patch), _edit)


@mutant(
    catches=("properties.round-trip.claimed", "properties.put-round-trip.claimed", "stateful.model.claimed")
)
def display_name_derived_claimed(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Derives ``displayName`` ("given family") while its /Schemas claims to store the one sent.

    Breaks CONTRACT §4 (last sentence) / RFC 7643 §7: an attribute the provider claims
    must not come back with another non-empty value (rfc). The same derivation without
    the claim is allowed (``minimal_conformant``).
    """
    return create_app(realms=realms, accounts=accounts, store=_DerivingStore())
