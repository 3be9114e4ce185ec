"""Not faults: servers unlike the reference that a conformant provider may be; they must pass."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence

from starlette.types import ASGIApp, Scope

from ..server.app import create_app
from ..server.config import Realm, ServiceAccount
from ..server.errors import ScimError, not_found
from ..server.store import GROUP, USER, Store
from ..spec import GROUP_SCHEMA, USER_SCHEMA
from .middleware import Headers, Reply, on_request, on_response
from .registry import mutant


class _DeletingStore(Store):
    """The reference store plus user deletion (the contract has none: Okta never deletes users)."""

    def delete_user(self, realm: str, rid: str) -> ScimError | None:
        """Delete a user who is in no group; otherwise the error to answer."""
        with self.lock:
            data = self._realms.get(realm)
            if data is None or rid not in data.users.rows:
                return not_found(f"User {rid!r} not found")
            if data.member_of.get(rid):
                return ScimError(409, "the user is still a member of a group")
            self._unindex(data, USER, rid, self._current(realm, USER, rid))
            del data.users.rows[rid]
            self._commit([], [(realm, USER, rid)])
            return None


@mutant(catches=())
def user_delete(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Not a fault: the reference server plus ``DELETE /Users/{id}`` → 204, so cleanup deletes users.

    Must give no finding; proves the suites accept a provider that deletes users
    (RFC 7644 §3.6) and that the cleanup then deletes rather than deactivates.
    """
    store = _DeletingStore()
    app = create_app(realms=realms, accounts=accounts, store=store)

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> Reply:
        # 405 comes after authentication and the realm check, so only an allowed request gets here.
        realm, _, rid = scope["path"].partition("/realms/")[2].partition("/scim/v2/Users/")
        if scope["method"] != "DELETE" or status != 405 or not rid:
            return status, headers, body
        error = store.delete_user(realm, rid)
        if error is None:
            return 204, [], b""
        return error.status, [(b"content-type", b"application/scim+json")], json.dumps(error.body()).encode()

    return on_response(app, edit)


@mutant(catches=())
def other_clients(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Not a fault: another client creates a user before every ``GET /Users``, as on a live target.

    Must give no finding: on a production server Okta (or anyone) provisions while
    the suites run, so ``totalResults`` grows between and within examples, and
    imports meet users no run created. Proves the suites judge only their own
    resources, and that no hypothesis draw depends on what the target holds
    (a replayed example would draw differently: FlakyStrategyDefinition).
    """
    store = Store()
    ids = {realm.id for realm in realms}
    numbers = itertools.count()

    def create_foreign_user(scope: Scope) -> Scope:
        realm, _, rest = scope["path"].partition("/realms/")[2].partition("/scim/v2")
        if scope["method"] == "GET" and rest.rstrip("/") == "/Users" and realm in ids:
            login = f"other.client.{next(numbers)}@example.com"
            store.create(realm, USER, {"schemas": [USER_SCHEMA], "userName": login, "active": True})
        return scope

    return on_request(create_app(realms=realms, accounts=accounts, store=store), create_foreign_user)


@mutant(catches=())
def with_foreign_resources(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Not a fault: the reference server already holding 105 users and 103 groups of others.

    Must give no finding: imports page through resources no run created (more than
    one Okta page of 100), and lookups meet names of others (okta-requests.md §9).
    """
    store, realm = Store(), realms[0].id
    users = []
    for i in range(105):
        user = {"schemas": [USER_SCHEMA], "userName": f"someone{i}@example.org", "active": i % 4 != 0}
        users.append(store.create(realm, USER, user))
    for i in range(103):
        members = [{"value": users[i]["id"]}] if i % 2 else []
        group = {"schemas": [GROUP_SCHEMA], "displayName": f"Other {i}", "members": members}
        store.create(realm, GROUP, group)
    return create_app(realms=realms, accounts=accounts, store=store)
