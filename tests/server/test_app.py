"""The reference server over HTTP, in-process: URL layout, realms, authentication and permissions.

The other ``test_app_*.py`` modules cover the resource endpoints; they share the
helpers defined here (:class:`Scim`, :func:`serving`, :func:`assert_error`), so
that every module talks to the server exactly as Okta does: a bearer token,
``application/scim+json; charset=utf-8`` bodies, and paths under the realm's
SCIM root ``/public/realms/{uuid}/scim/v2`` (CONTRACT §1).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from scim_conformance import spec
from scim_conformance.server.app import create_app
from scim_conformance.server.config import Realm, ServiceAccount
from scim_conformance.server.store import Store
from scim_conformance.spec import ERROR, GROUP_SCHEMA, LIST_RESPONSE, PATCH_OP, USER_SCHEMA, Json
from scim_conformance.transport import in_process_client

BASE_URL = "http://scim.test"
REALM = "0f4b6a8e-3c1d-4e2f-9a7b-5c6d7e8f9a01"
OTHER_REALM = "7d2e9c41-8b5a-4f3e-a6d7-1e2f3a4b5c6d"
# A realm that exists in Zentral but whose "SCIM enabled" option is off (CONTRACT §1).
DISABLED_REALM = "c3a1e5f7-2b4d-4c6e-8f0a-9b8c7d6e5f40"
TOKEN = "4c0ffee0ddba11c0ffee0ddba11c0ffee0ddba1"
SCIM_JSON = "application/scim+json"


def root(realm: str = REALM) -> str:
    """The realm's SCIM root path, as the admin pastes it into Okta (CONTRACT §1)."""
    return spec.REALM_SCIM_PREFIX.format(realm=realm)


def user_body(user_name: str, **attributes: Any) -> Json:
    return {"schemas": [USER_SCHEMA], "userName": user_name, **attributes}


def group_body(name: str, members: Sequence[str] = (), **attributes: Any) -> Json:
    return {
        "schemas": [GROUP_SCHEMA],
        "displayName": name,
        "members": [{"value": m} for m in members],
        **attributes,
    }


def patch_body(*operations: Json) -> Json:
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def okta_create_body(
    user_name: str = "test.user@okta.local", external_id: str = "00ujl29u0le5T6Aj10h7"
) -> Json:
    """okta-requests.md §4, verbatim apart from the userName and externalId a test may vary."""
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": user_name,
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": True, "value": user_name, "type": "work"}],
        "displayName": "Test User",
        "locale": "en-US",
        "externalId": external_id,
        "groups": [],
        "password": "1mz050nq",
        "active": True,
    }


def assert_error(response: httpx.Response, status: int, scim_type: str | None = None) -> Json:
    """The response is a SCIM Error (RFC 7644 §3.12) with this status and, if given, this scimType."""
    __tracebackhide__ = True
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.text}"
    assert response.headers["content-type"].startswith(SCIM_JSON), response.headers
    body: Json = response.json()
    assert body["schemas"] == [ERROR], body
    # RFC 7644 §3.12: "status" is a string.
    assert body["status"] == str(status), body
    assert isinstance(body.get("detail"), str) and body["detail"], body
    if scim_type is not None:
        assert body.get("scimType") == scim_type, body
    return body


def assert_list(response: httpx.Response) -> Json:
    """A 200 ListResponse with integer counters (CONTRACT §4); returns the body."""
    __tracebackhide__ = True
    assert response.status_code == 200, response.text
    body: Json = response.json()
    assert body["schemas"] == [LIST_RESPONSE], body
    for key in ("totalResults", "startIndex", "itemsPerPage"):
        assert type(body[key]) is int, (key, body)
    assert isinstance(body["Resources"], list), body
    assert body["itemsPerPage"] == len(body["Resources"]), body
    return body


@dataclass
class Scim:
    """An Okta-like client of one realm: relative paths, JSON bodies sent as Okta sends them."""

    http: httpx.Client
    realm: str = REALM
    store: Store | None = None

    def url(self, path: str) -> str:
        return root(self.realm) + path

    def request(
        self, method: str, path: str, body: object = None, *, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        content = None
        sent = dict(headers or {})
        if body is not None:
            content = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
            sent.setdefault("Content-Type", "application/scim+json; charset=utf-8")
        return self.http.request(method, self.url(path), content=content, headers=sent)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: object, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, body, **kwargs)

    def put(self, path: str, body: object, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, body, **kwargs)

    def patch(self, path: str, body: object, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    # -- shortcuts that assert success -------------------------------------------------

    def create_user(self, user_name: str, **attributes: Any) -> Json:
        __tracebackhide__ = True
        response = self.post("/Users", user_body(user_name, **attributes))
        assert response.status_code == 201, response.text
        created: Json = response.json()
        return created

    def create_group(self, name: str, members: Sequence[str] = (), **attributes: Any) -> Json:
        __tracebackhide__ = True
        response = self.post("/Groups", group_body(name, members, **attributes))
        assert response.status_code == 201, response.text
        created: Json = response.json()
        return created

    def fetch(self, kind: str, rid: str) -> Json:
        """GET /Users/{id} or /Groups/{id}, asserting 200."""
        __tracebackhide__ = True
        response = self.get(f"/{kind}/{rid}")
        assert response.status_code == 200, response.text
        resource: Json = response.json()
        return resource

    def search(self, kind: str, query: str) -> Json:
        """GET /{kind}?{query}, the query written as it goes on the wire; asserts a ListResponse."""
        __tracebackhide__ = True
        return assert_list(self.get(f"/{kind}?{query}"))

    def ids(self, kind: str, query: str) -> list[str]:
        return [r["id"] for r in self.search(kind, query)["Resources"]]


def default_realms() -> list[Realm]:
    return [Realm(REALM), Realm(OTHER_REALM, name="Other"), Realm(DISABLED_REALM, scim_enabled=False)]


@contextmanager
def serving(
    *,
    accounts: Sequence[ServiceAccount] | None = None,
    store: Store | None = None,
    token: str = TOKEN,
    realm: str = REALM,
) -> Iterator[Scim]:
    """A fresh in-process server and a client of ``realm`` authenticated with ``token``."""
    store = store if store is not None else Store()
    app = create_app(
        realms=default_realms(), accounts=accounts or [ServiceAccount("okta", TOKEN)], store=store
    )
    http = in_process_client(
        app,
        base_url=BASE_URL,
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": SCIM_JSON,
            "User-Agent": "Okta SCIM Client 1.0.0",
        },
    )
    try:
        yield Scim(http, realm, store)
    finally:
        http.close()


@pytest.fixture
def scim() -> Iterator[Scim]:
    with serving() as client:
        yield client


# -- URL layout and realms (CONTRACT §1) ------------------------------------------------


def test_scim_root_is_under_the_realm_uuid(scim: Scim) -> None:
    """The SCIM root is /public/realms/{uuid}/scim/v2 and Okta's test-connection requests succeed."""
    users = scim.http.get(f"/public/realms/{REALM}/scim/v2/Users?startIndex=1&count=2")
    groups = scim.http.get(f"/public/realms/{REALM}/scim/v2/Groups?startIndex=1&count=100")
    assert_list(users)
    assert_list(groups)
    assert users.headers["content-type"].startswith(SCIM_JSON)


def test_realms_are_isolated(scim: Scim) -> None:
    """A resource created in realm A is invisible in realm B; the same names are allowed in both."""
    other = Scim(scim.http, OTHER_REALM)
    alice = scim.create_user("alice@example.com", externalId="00u-alice")
    group = scim.create_group("Engineering")

    assert scim.ids("Users", "filter=userName%20eq%20%22alice@example.com%22") == [alice["id"]]
    assert other.search("Users", "filter=userName%20eq%20%22alice@example.com%22")["totalResults"] == 0
    assert other.search("Users", "startIndex=1&count=100")["totalResults"] == 0
    assert other.search("Groups", "startIndex=1&count=100")["totalResults"] == 0
    for kind, rid in (("Users", alice["id"]), ("Groups", group["id"])):
        assert_error(other.get(f"/{kind}/{rid}"), 404)
        assert_error(other.patch(f"/{kind}/{rid}", patch_body({"op": "remove", "path": "externalId"})), 404)
    assert_error(other.put(f"/Users/{alice['id']}", user_body("alice@example.com")), 404)
    assert_error(other.delete(f"/Groups/{group['id']}"), 404)

    # The same userName, externalId and displayName are free in the other realm.
    twin = other.create_user("alice@example.com", externalId="00u-alice")
    other_group = other.create_group("Engineering")
    assert twin["id"] != alice["id"]
    assert other_group["id"] != group["id"]
    # A member id from realm A is not a user of realm B.
    assert_error(other.post("/Groups", group_body("Mixed", [alice["id"]])), 400, "invalidValue")
    assert scim.fetch("Users", alice["id"])["userName"] == "alice@example.com"
    assert scim.search("Users", "count=100")["totalResults"] == 1


@pytest.mark.parametrize(
    "realm",
    [
        pytest.param("1b7e3f10-0000-4000-8000-000000000000", id="unknown-uuid"),
        pytest.param(DISABLED_REALM, id="scim-disabled"),
        pytest.param("okta", id="not-a-uuid"),
        pytest.param("0f4b6a8e3c1d4e2f9a7b5c6d7e8f9a01", id="uuid-without-dashes"),
    ],
)
@pytest.mark.parametrize("path", ["/Users", "/Groups", "/ServiceProviderConfig", "/Users/x"])
def test_unknown_or_disabled_realm_is_404(scim: Scim, realm: str, path: str) -> None:
    """An unknown realm, a non-UUID realm segment and a realm without SCIM answer 404 with a SCIM Error."""
    assert_error(scim.http.get(root(realm) + path), 404)


def test_realm_404_for_writes_too(scim: Scim) -> None:
    """A write to a realm without SCIM is refused before any handler runs."""
    disabled = Scim(scim.http, DISABLED_REALM)
    assert_error(disabled.post("/Users", okta_create_body()), 404)
    assert scim.search("Users", "count=10")["totalResults"] == 0


@pytest.mark.parametrize(
    "path",
    [
        f"{root()}/Foo",
        f"{root()}/users/x/y",
        f"{root()}/Users/a/b",
        f"{root()}/Users/.search",
        "/public/realms",
        f"/public/realms/{REALM}/scim/v1/Users",
        "/",
    ],
)
def test_unknown_endpoint_is_404_scim_error(scim: Scim, path: str) -> None:
    """Any path the server does not serve answers 404 with a SCIM Error body, not an HTML page."""
    assert_error(scim.http.get(path), 404)


# -- authentication (CONTRACT §4, okta-requests.md §10) -------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="missing"),
        pytest.param("Bearer wrong-token", id="wrong-token"),
        pytest.param(f"Bearer {TOKEN}x", id="token-with-suffix"),
        pytest.param(f"Bearer {TOKEN[:-1]}", id="token-prefix"),
        pytest.param(f"Basic {TOKEN}", id="basic-scheme"),
        pytest.param("Basic b2t0YTpzZWNyZXQ=", id="basic-credentials"),
        pytest.param(TOKEN, id="no-scheme"),
        pytest.param("Bearer ", id="empty-bearer"),
        pytest.param("Bearer", id="bare-bearer"),
        pytest.param("non-token", id="runscope-non-token"),
        pytest.param("", id="empty-header"),
    ],
)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/Users", None),
        ("POST", "/Users", okta_create_body()),
        ("GET", "/Groups/x", None),
        ("DELETE", "/Groups/x", None),
        ("GET", "/ServiceProviderConfig", None),
    ],
)
def test_bad_credentials_are_401(
    scim: Scim, authorization: str | None, method: str, path: str, body: Json | None
) -> None:
    """A missing, wrong or non-bearer credential gets 401, a SCIM Error and a WWW-Authenticate challenge."""
    headers = {} if authorization is None else {"Authorization": authorization}
    if authorization is None:
        del scim.http.headers["Authorization"]
    response = scim.request(method, path, body, headers=headers)
    assert_error(response, 401)
    assert response.headers["www-authenticate"].lower().startswith("bearer")
    # Nothing was written.
    scim.http.headers["Authorization"] = f"Bearer {TOKEN}"
    assert scim.search("Users", "count=10")["totalResults"] == 0


def test_bearer_scheme_is_case_insensitive(scim: Scim) -> None:
    """RFC 7235 §2.1: the auth scheme is case-insensitive, so "bearer" works like "Bearer"."""
    assert_list(scim.get("/Users", headers={"Authorization": f"bearer {TOKEN}"}))


def test_token_is_checked_before_realm_and_method(scim: Scim) -> None:
    """401 comes first: an unauthenticated caller learns nothing about realms or endpoints."""
    headers = {"Authorization": "Bearer wrong"}
    assert_error(scim.http.get(root("1b7e3f10-0000-4000-8000-000000000000") + "/Users", headers=headers), 401)
    assert_error(scim.http.get(root(DISABLED_REALM) + "/Users", headers=headers), 401)
    assert_error(scim.http.delete(root() + "/Users/x", headers=headers), 401)


def test_realm_is_checked_before_method(scim: Scim) -> None:
    """404 for a realm without SCIM comes before 405 for an unsupported method."""
    assert_error(scim.http.delete(root(DISABLED_REALM) + "/Users/x"), 404)


# -- permissions (CONTRACT §1: eight permissions) -------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One request Okta makes, the permission it needs and the status it gets when allowed."""

    name: str
    permission: str | None
    method: str
    path: str
    body: Callable[[str], object] | None
    success: int


# In this order: the DELETE comes last, since it removes the group the others use.
OPERATIONS: tuple[Operation, ...] = (
    Operation("list users", spec.VIEW_USERS, "GET", "/Users?startIndex=1&count=2", None, 200),
    Operation(
        "lookup user",
        spec.VIEW_USERS,
        "GET",
        "/Users?filter=userName%20eq%20%22u1%40x.io%22&startIndex=1&count=100",
        None,
        200,
    ),
    Operation("get user", spec.VIEW_USERS, "GET", "/Users/{uid}", None, 200),
    Operation("create user", spec.ADD_USERS, "POST", "/Users", lambda _: okta_create_body("new@x.io"), 201),
    Operation(
        "replace user",
        spec.CHANGE_USERS,
        "PUT",
        "/Users/{uid}",
        lambda _: user_body("u1@x.io", active=False),
        200,
    ),
    Operation(
        "patch user",
        spec.CHANGE_USERS,
        "PATCH",
        "/Users/{uid}",
        lambda _: patch_body({"op": "replace", "value": {"active": True}}),
        200,
    ),
    Operation("list groups", spec.VIEW_GROUPS, "GET", "/Groups?startIndex=1&count=100", None, 200),
    Operation("get group", spec.VIEW_GROUPS, "GET", "/Groups/{gid}", None, 200),
    Operation("create group", spec.ADD_GROUPS, "POST", "/Groups", lambda _: group_body("New"), 201),
    Operation(
        "replace group", spec.CHANGE_GROUPS, "PUT", "/Groups/{gid}", lambda uid: group_body("G1", [uid]), 200
    ),
    Operation(
        "patch group",
        spec.CHANGE_GROUPS,
        "PATCH",
        "/Groups/{gid}",
        lambda uid: patch_body({"op": "remove", "path": f'members[value eq "{uid}"]'}),
        200,
    ),
    Operation("service provider config", None, "GET", "/ServiceProviderConfig", None, 200),
    Operation("delete group", spec.DELETE_GROUPS, "DELETE", "/Groups/{gid}", None, 204),
)


@pytest.mark.parametrize("missing", sorted(spec.ALL_PERMISSIONS))
def test_each_permission_guards_exactly_its_operations(missing: str) -> None:
    """A token lacking one permission gets 403 on exactly the operations needing it, success elsewhere.

    delete_realmuser guards nothing: Okta never deletes users and DELETE /Users/{id} is 405.
    """
    limited_token = "limited-" + missing
    accounts = [
        ServiceAccount("admin", TOKEN),
        ServiceAccount("limited", limited_token, spec.ALL_PERMISSIONS - {missing}),
    ]
    with serving(accounts=accounts) as admin:
        uid = admin.create_user("u1@x.io")["id"]
        gid = admin.create_group("G1")["id"]
        limited = Scim(admin.http, REALM)
        auth = {"Authorization": f"Bearer {limited_token}"}
        outcomes: dict[str, int] = {}
        for op in OPERATIONS:
            body = op.body(uid) if op.body is not None else None
            response = limited.request(op.method, op.path.format(uid=uid, gid=gid), body, headers=auth)
            outcomes[op.name] = response.status_code
            if response.status_code == 403:
                assert_error(response, 403)
        expected = {op.name: 403 if op.permission == missing else op.success for op in OPERATIONS}
        assert outcomes == expected
        # A refused write changed nothing.
        if missing == spec.ADD_USERS:
            assert admin.search("Users", "filter=userName%20eq%20%22new%40x.io%22")["totalResults"] == 0
        if missing == spec.ADD_GROUPS:
            assert admin.search("Groups", "filter=displayName%20eq%20%22New%22")["totalResults"] == 0
        if missing == spec.CHANGE_USERS:
            assert admin.fetch("Users", uid).get("active") is None
        if missing == spec.DELETE_GROUPS:
            assert admin.fetch("Groups", gid)["displayName"] == "G1"
        else:
            assert_error(admin.get(f"/Groups/{gid}"), 404)


def test_account_without_permissions_still_reads_discovery() -> None:
    """Discovery needs authentication only; every resource operation is 403 without permissions."""
    accounts = [ServiceAccount("admin", TOKEN), ServiceAccount("none", "no-perms", frozenset())]
    with serving(accounts=accounts, token="no-perms") as scim:
        for path in ("/ServiceProviderConfig", "/ResourceTypes", "/Schemas"):
            assert scim.get(path).status_code == 200
        for method, path in (("GET", "/Users"), ("GET", "/Groups"), ("DELETE", "/Groups/x")):
            assert_error(scim.request(method, path), 403)
        assert_error(scim.post("/Users", okta_create_body()), 403)
        # The realm is checked before the permission: 404, not 403, for a realm without SCIM.
        assert_error(Scim(scim.http, DISABLED_REALM).get("/Users"), 404)


def test_method_is_checked_before_permission() -> None:
    """DELETE /Users/{id} is 405 even for a token without delete_realmuser: no such operation exists."""
    accounts = [ServiceAccount("none", "no-perms", frozenset())]
    with serving(accounts=accounts, token="no-perms") as scim:
        response = scim.delete("/Users/x")
        assert_error(response, 405)
        assert "DELETE" not in response.headers["allow"]
