"""The ASGI application: route table, authentication, realm and permission gate.

Order of checks for a request under a realm's SCIM root, each answered with a
SCIM Error (RFC 7644 §3.12): bearer token (401), realm known and SCIM enabled
(404), method supported by the endpoint (405), the account's permission for it
(403); then the handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import URL
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Scope

from .. import spec
from . import endpoints as ep
from .config import Accounts, Realm, ServiceAccount
from .errors import ScimError, not_found
from .responses import scim_error
from .store import GROUP, USER, Store

# method -> (permission needed or None for any authenticated account, handler)
Methods = dict[str, tuple[str | None, Callable[..., Awaitable[Response]]]]

_USERS: Methods = {
    "GET": (spec.VIEW_USERS, partial(ep.list_resources, kind=USER)),
    "POST": (spec.ADD_USERS, partial(ep.create_resource, kind=USER)),
}
# CONTRACT §3: Okta never deletes a user; a deactivated user stays, so
# DELETE /Users/{id} is not part of the contract and answers 405.
_USER: Methods = {
    "GET": (spec.VIEW_USERS, partial(ep.get_resource, kind=USER)),
    "PUT": (spec.CHANGE_USERS, partial(ep.replace_resource, kind=USER)),
    "PATCH": (spec.CHANGE_USERS, partial(ep.patch_resource, kind=USER)),
}
_GROUPS: Methods = {
    "GET": (spec.VIEW_GROUPS, partial(ep.list_resources, kind=GROUP)),
    "POST": (spec.ADD_GROUPS, partial(ep.create_resource, kind=GROUP)),
}
_GROUP: Methods = {
    "GET": (spec.VIEW_GROUPS, partial(ep.get_resource, kind=GROUP)),
    "PUT": (spec.CHANGE_GROUPS, partial(ep.replace_resource, kind=GROUP)),
    "PATCH": (spec.CHANGE_GROUPS, partial(ep.patch_resource, kind=GROUP)),
    "DELETE": (spec.DELETE_GROUPS, ep.delete_group),
}
_ANY = ("GET", "POST", "PUT", "PATCH", "DELETE")

_TABLE: list[tuple[str, Methods]] = [
    ("/Users", _USERS),
    ("/Users/{rid}", _USER),
    ("/Groups", _GROUPS),
    ("/Groups/{rid}", _GROUP),
    ("/ServiceProviderConfig", {"GET": (None, ep.service_provider_config)}),
    ("/ResourceTypes", {"GET": (None, ep.list_resource_types)}),
    ("/ResourceTypes/{name}", {"GET": (None, ep.get_resource_type)}),
    ("/Schemas", {"GET": (None, ep.list_schemas)}),
    ("/Schemas/{urn}", {"GET": (None, ep.get_schema)}),
    ("/Bulk", {m: (None, partial(ep.not_implemented, feature="bulk")) for m in _ANY}),
    ("/Me", {m: (None, partial(ep.not_implemented, feature="/Me")) for m in _ANY}),
]


@dataclass(frozen=True, slots=True)
class _Server:
    store: Store
    accounts: Accounts
    realms: dict[str, Realm]


def _endpoint(server: _Server, methods: Methods) -> Callable[[Request], Awaitable[Response]]:
    allow = ", ".join(methods)

    async def endpoint(request: Request) -> Response:
        params = dict(request.path_params)
        realm_id = params.pop("realm")
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        account = server.accounts.authenticate(token.strip()) if scheme.lower() == "bearer" else None
        if account is None:
            raise ScimError(
                401,
                "missing or invalid bearer token"
                if token
                else "authentication required: send a bearer token",
                headers={"WWW-Authenticate": 'Bearer realm="SCIM"'},
            )
        realm = server.realms.get(realm_id.lower())
        if realm is None:
            raise not_found(f"realm {realm_id!r} does not exist")
        if not realm.scim_enabled:
            raise not_found(f"SCIM is not enabled for realm {realm_id!r}")
        entry = methods.get(request.method)
        if entry is None:
            raise ScimError(405, f"{request.method} is not supported here", headers={"Allow": allow})
        permission, handler = entry
        if permission is not None and permission not in account.permissions:
            raise ScimError(403, f"the service account lacks the {permission} permission")
        base = _origin(request.scope) + request.scope.get("root_path", "")
        ctx = ep.Context(
            request, server.store, realm.id, base + spec.REALM_SCIM_PREFIX.format(realm=realm.id)
        )
        return await handler(ctx, **params)

    return endpoint


def _origin(scope: Scope) -> str:
    """``scheme://netloc`` of the request, exactly as ``request.url`` gives them.

    Only the scheme, the first Host header and the server address go into them (the
    path, under the fixed SCIM prefix, cannot change them), so they are computed once
    per distinct triple rather than per request (building ``request.url`` took about
    7 µs of every request).
    """
    scheme = scope.get("scheme", "http")
    host = next((value for key, value in scope["headers"] if key == b"host"), None)
    server = scope.get("server")
    try:
        return _cached_origin(scheme, host, None if server is None else tuple(server))
    except TypeError:  # an unhashable or odd scope value: computed as starlette does, uncached
        return _uncached_origin(scheme, host, server)


def _uncached_origin(scheme: str, host: bytes | None, server: Any) -> str:
    headers = [] if host is None else [(b"host", host)]
    scope = {"scheme": scheme, "server": server, "path": "/", "query_string": b"", "headers": headers}
    url = URL(scope=scope)
    return f"{url.scheme}://{url.netloc}"


# Bounded: the Host header is the client's to choose.
_cached_origin = lru_cache(maxsize=256)(_uncached_origin)


async def _scim_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ScimError)
    return scim_error(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = "no such endpoint" if exc.status_code == 404 else str(exc.detail)
    return scim_error(ScimError(exc.status_code, detail))


async def _server_error(request: Request, exc: Exception) -> Response:
    # Never expected; still answered as a SCIM Error rather than a traceback.
    return scim_error(ScimError(500, "internal server error"))


def create_app(
    *,
    realms: Sequence[Realm],
    accounts: Sequence[ServiceAccount],
    store: Store | None = None,
) -> ASGIApp:
    """The reference server for these realms and service accounts (in memory unless ``store`` persists)."""
    server = _Server(store or Store(), Accounts(accounts), {r.id.lower(): r for r in realms})
    prefix = spec.REALM_SCIM_PREFIX
    # Every method reaches the endpoint, which answers 405 itself with a SCIM
    # Error and an Allow header (starlette's own 405 is plain text).
    every = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
    routes = [Route(prefix + path, _endpoint(server, methods), methods=every) for path, methods in _TABLE]
    return Starlette(
        routes=routes,
        exception_handlers={ScimError: _scim_error, HTTPException: _http_error, Exception: _server_error},
    )
