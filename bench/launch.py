"""Build one benchmarked app, seed it with Okta-shaped users, and serve it with uvicorn.

Run by ``bench/server.py`` as a subprocess, one per server::

    python bench/launch.py {floor,ours,scim2} --users N --token T --realm UUID

Seeding goes through each server's own storage API before the socket opens (it
is set-up, not measured): 100,000 users over HTTP would take minutes. Only the
measured requests go over HTTP. Once serving, the launcher prints one line,
``READY <base URL>``, on stdout.

Every app is served the same way, so that only the app differs, and the way
``scim-conformance serve`` serves: uvicorn, one worker, uvloop and httptools
(dependencies of the package; pinned here so that no app runs differently),
lifespan off, no access log, log level warning, on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
from pathlib import Path
from typing import Any

_REPO = Path(__file__).resolve().parents[1]
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))

from scim_conformance import spec  # noqa: E402

UVICORN_SETTINGS: dict[str, Any] = {
    "loop": "uvloop",
    "http": "httptools",
    "workers": 1,
    "lifespan": "off",
    "access_log": False,
    "log_level": "warning",
}

# RFC 7644 §3.4.2: the answer to Okta's lookup of a user that does not exist yet.
EMPTY_LIST_RESPONSE = {
    "schemas": [spec.LIST_RESPONSE],
    "totalResults": 0,
    "startIndex": 1,
    "itemsPerPage": 0,
    "Resources": [],
}

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def okta_id(n: int) -> str:
    """A 20-character Okta user id (``00u`` + 17 base-62 digits), unique per ``n``."""
    digits = []
    for _ in range(17):
        n, d = divmod(n, 62)
        digits.append(_ALPHABET[d])
    return "00u" + "".join(reversed(digits))


def user_name(n: int) -> str:
    return f"user{n}@okta.local"


def okta_user(n: int) -> dict[str, Any]:
    """Okta's create body (okta-requests.md §4); ``userName`` and ``externalId`` are unique per ``n``."""
    name = user_name(n)
    return {
        "schemas": [spec.USER_SCHEMA],
        "userName": name,
        "name": {"givenName": "Test", "familyName": f"User{n}"},
        "emails": [{"primary": True, "value": name, "type": "work"}],
        "displayName": f"Test User{n}",
        "locale": "en-US",
        "externalId": okta_id(n),
        "groups": [],
        "password": f"{n:08x}"[-8:],
        "active": True,
    }


# -- the apps --------------------------------------------------------------------


def floor_app() -> Any:
    """The framework floor: a minimal starlette endpoint answering a fixed ListResponse to anything."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    body = json.dumps(EMPTY_LIST_RESPONSE, separators=(",", ":")).encode()

    async def fixed(request: Request) -> Response:
        # Reads the request body, as any handler of Okta's POST and PUT must: answering
        # before the body has arrived would make the floor lower than any real server's.
        await request.body()
        return Response(body, media_type=spec.SCIM_MEDIA_TYPE)

    return Starlette(routes=[Route("/{path:path}", fixed, methods=["GET", "POST", "PUT"])])


def prepared_user(n: int) -> dict[str, Any]:
    """What ``validation.prepare`` makes of ``okta_user(n)``: no ``password`` (write-only), no ``groups``."""
    user = okta_user(n)
    del user["password"], user["groups"]
    return user


def seed_ours(store: Any, realm: str, users: int) -> None:
    """``Store.create`` of Okta users 0 to ``users - 1``, in the form a POST hands the store.

    ``validation.prepare`` runs on a few of them only, to check that form (keys in
    order, values): on all 100,000 it would more than double the seeding time.
    """
    from scim_conformance.server import definitions, validation
    from scim_conformance.server.store import USER

    rt = definitions.resource_types()[USER]
    for n in sorted({0, users // 2, users - 1} - {-1}):
        if list(validation.prepare(rt, okta_user(n)).items()) != list(prepared_user(n).items()):
            raise RuntimeError(f"prepared_user({n}) is no longer what validation.prepare stores; update it")
    for n in range(users):
        store.create(realm, USER, prepared_user(n))


def ours_app(store: Any, token: str, realm: str) -> Any:
    """The reference server over ``store``, for one realm and one service account."""
    from scim_conformance.server.app import create_app
    from scim_conformance.server.config import Realm, ServiceAccount

    return create_app(realms=[Realm(realm)], accounts=[ServiceAccount("okta", token)], store=store)


def scim2_app(users: int, token: str) -> Any:
    """scim2-server's ASGI app over its in-memory storage, as its test server builds it.

    Seeded through its own service and storage, the path of a POST without the
    HTTP: ``ScimService.read_creation`` (pydantic validation) then
    ``InMemoryStorage.create``.
    """
    from scim2_models import UnauthorizedException
    from scim2_server.applications.asgi import ASGIApplication
    from scim2_server.memory import AsyncInMemoryStorage, InMemoryStorage
    from scim2_server.requests import ScimRequest
    from scim2_server.service import ScimService
    from scim2_server.testserver.application import BEARER_TOKEN_SCHEME
    from scim2_server.utils import load_default_provider

    provider = load_default_provider()
    config = provider.config
    config.authentication_schemes = [*(config.authentication_schemes or []), BEARER_TOKEN_SCHEME]
    service = ScimService(provider, secret="bench")
    storage = InMemoryStorage()
    with provider:
        rt = service.get_resource_type("User")
        for n in range(users):
            body = json.dumps(okta_user(n)).encode()
            storage.create(rt, service.read_creation(rt, body, spec.SCIM_MEDIA_TYPE))

    class BearerApp(ASGIApplication):
        # What scim2_server.testserver.application.BearerTokenApplication does for WSGI.
        def check_auth(self, request: ScimRequest) -> None:
            scheme, _, given = (request.header("Authorization") or "").partition(" ")
            if scheme.lower() != "bearer" or given != token:
                raise UnauthorizedException

    return BearerApp(AsyncInMemoryStorage(storage), provider, service=service)


def base_path(kind: str, realm: str) -> str:
    """Where each app's SCIM root is (scim2-server serves ``/v2``, Zentral ``/public/realms/…``)."""
    if kind == "ours":
        return spec.REALM_SCIM_PREFIX.format(realm=realm)
    return "/v2"


def build(kind: str, users: int, token: str, realm: str) -> Any:
    if kind == "floor":
        return floor_app()
    if kind == "ours":
        from scim_conformance.server.store import Store

        store = Store()
        seed_ours(store, realm, users)
        return ours_app(store, token, realm)
    return scim2_app(users, token)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["floor", "ours", "scim2"])
    parser.add_argument("--users", type=int, default=0)
    parser.add_argument("--token", required=True)
    parser.add_argument("--realm", required=True)
    args = parser.parse_args()

    import uvicorn

    app = build(args.kind, args.users, args.token, args.realm)
    # IPPROTO_TCP given explicitly: asyncio sets TCP_NODELAY on accepted connections only
    # when the listening socket's proto is IPPROTO_TCP, and socket.socket(AF_INET) leaves it
    # 0. Without it, Nagle holds uvicorn's second write (the body) until the client's
    # delayed ACK: about 40 ms per response.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)  # listening now: a client connecting right after READY is queued, not refused
    port = sock.getsockname()[1]
    print(f"READY http://127.0.0.1:{port}{base_path(args.kind, args.realm)}", flush=True)
    config = uvicorn.Config(app, **UVICORN_SETTINGS)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
