"""Faults the fixed-example suites catch (tests/test_mutants.py), and variants that must pass."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

from ..server import filtering
from ..server.app import create_app
from ..server.config import Realm, ServiceAccount
from ..server.errors import ScimError, not_found
from ..server.store import USER, Store
from ..spec import USER_SCHEMA
from .middleware import (
    SCIM_JSON,
    SERVER_ERROR,
    TEXT_HTML,
    Headers,
    header,
    json_edit,
    on_request,
    on_response,
    read_body,
    replaying,
    scim_path,
)
from .registry import mutant

# -- authentication ------------------------------------------------------------


@mutant(catches=("errors.auth.missing-token", "errors.auth.bad-token"))
def no_auth(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Serves every request as the first account: no token and a wrong token are let through.

    Breaks RFC 7644 §3.12 / CONTRACT §4 "missing or bad token → 401" (security).
    """
    valid = (b"authorization", f"Bearer {accounts[0].token}".encode())

    def authenticate(scope: Scope) -> Scope:
        headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"]
        return {**scope, "headers": [*headers, valid]}

    return on_request(create_app(realms=realms, accounts=accounts), authenticate)


@mutant(catches=("errors.auth.bad-token",))
def any_bearer_token(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Checks that a ``Bearer`` token is present, not that it is valid (a common shortcut).

    Breaks RFC 7644 §3.12 "an invalid token → 401" (security); a missing token is still refused.
    """
    valid = f"Bearer {accounts[0].token}".encode()

    def authenticate(scope: Scope) -> Scope:
        headers = [
            (k, valid if k == b"authorization" and v.startswith(b"Bearer ") else v)
            for k, v in scope["headers"]
        ]
        return {**scope, "headers": headers}

    return on_request(create_app(realms=realms, accounts=accounts), authenticate)


@mutant(catches=("errors.auth.missing-token", "errors.auth.bad-token", "resources.content-type"))
def plain_text_401(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Refuses bad credentials with a bare ``401 Unauthorized`` text page: no SCIM Error, no WWW-Authenticate.

    Breaks RFC 7644 §3.12 (Error body), RFC 9110 §15.5.2 (WWW-Authenticate) and
    the content type of responses: rfc findings only, authentication itself holds.
    """

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        if status != 401:
            return status, headers, body
        return 401, [(b"content-type", b"text/plain")], b"Unauthorized"

    return on_response(create_app(realms=realms, accounts=accounts), edit)


@mutant(catches=("errors.token-not-echoed",))
def token_echo(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Echoes the request's Authorization header back in ``X-Debug-Authorization`` and in error details.

    Breaks CONTRACT §5 "no secret exposed": Okta shows error details in its admin UI (security).
    """

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        sent = header(scope["headers"], b"authorization")
        headers = [*headers, (b"x-debug-authorization", sent.encode("latin-1"))]
        if status >= 400 and body:
            error = json.loads(body)
            error["detail"] = f"{error.get('detail')} (request authorization: {sent})"
            body = json.dumps(error).encode()
        return status, headers, body

    return on_response(create_app(realms=realms, accounts=accounts), edit)


# -- errors --------------------------------------------------------------------


@mutant(catches=("errors.not-found",))
def uuid_ids_only(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Parses ids as UUIDs and crashes (500, HTML page) on any other shape, as an ORM lookup would.

    Breaks okta-requests.md §5 (Runscope) / CONTRACT §4 "an unknown id of any shape → 404" (okta).
    """
    import uuid

    app = create_app(realms=realms, accounts=accounts)

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        parts = scim_path(scope).strip("/").split("/")
        if scope["type"] == "http" and len(parts) == 2 and parts[0] in ("Users", "Groups"):
            try:
                uuid.UUID(parts[1])
            except ValueError:
                await send({"type": "http.response.start", "status": 500, "headers": TEXT_HTML})
                await send({"type": "http.response.body", "body": SERVER_ERROR})
                return
        await app(scope, receive, send)

    return middleware


@mutant(catches=("errors.malformed-json",))
def malformed_json_500(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Lets the JSON parser's exception escape: a body that is not JSON gets a 500 HTML page.

    Breaks RFC 7644 §3.12 "malformed body → 400 invalidSyntax" (rfc).
    """

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        if status == 400 and b'"invalidSyntax"' in body:
            return 500, TEXT_HTML, SERVER_ERROR
        return status, headers, body

    return on_response(create_app(realms=realms, accounts=accounts), edit)


def _without_filter(scope: Scope, keep: Callable[[str], bool]) -> Scope:
    query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    kept = [(k, v) for k, v in query if k != "filter" or keep(v)]
    return {**scope, "query_string": urlencode(kept).encode("latin-1")}


def _parses(text: str) -> bool:
    try:
        filtering.parse_filter(text)
    except ScimError:
        return False
    return True


@mutant(catches=("errors.invalid-filter",))
def invalid_filter_ignored(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Drops a filter it cannot parse and lists everything instead of answering 400.

    Breaks RFC 7644 §3.4.2.2 / §3.12 "an invalid filter → 400 invalidFilter" (rfc).
    """
    return on_request(
        create_app(realms=realms, accounts=accounts), lambda scope: _without_filter(scope, _parses)
    )


# -- discovery -----------------------------------------------------------------


@mutant(catches=("errors.invalid-filter", "discovery.filter-advertised"))
def filter_ignored(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Advertises ``filter.supported`` but ignores every filter, listing all resources.

    Breaks RFC 7643 §5 "what is advertised works" and RFC 7644 §3.4.2.2 (rfc here;
    the Okta lookup suites rate the same fault okta).
    """
    return on_request(
        create_app(realms=realms, accounts=accounts), lambda scope: _without_filter(scope, lambda _: False)
    )


@mutant(catches=("discovery.patch-advertised",))
def patch_not_applied(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Advertises ``patch.supported``, answers PATCH with 200 and the resource, changes nothing.

    Breaks RFC 7643 §5 / RFC 7644 §3.5.2 "PATCH advertised means PATCH works" (rfc).
    """

    def as_get(scope: Scope) -> Scope:
        return {**scope, "method": "GET"} if scope["method"] == "PATCH" else scope

    return on_request(create_app(realms=realms, accounts=accounts), as_get)


@mutant(catches=("discovery.service-provider-config",))
def config_incomplete(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Serves a ServiceProviderConfig without ``etag``, ``sort`` or ``authenticationSchemes``.

    Breaks RFC 7643 §5: those attributes are REQUIRED (rfc).
    """

    def change(path: str, doc: Any) -> Any:
        if path == "/ServiceProviderConfig":
            for name in ("etag", "sort", "authenticationSchemes"):
                doc.pop(name, None)
        return doc

    return on_response(create_app(realms=realms, accounts=accounts), json_edit(change))


@mutant(catches=("discovery.schemas", "discovery.resource-types"))
def discovery_bare_arrays(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Answers /Schemas and /ResourceTypes with bare JSON arrays instead of ListResponses.

    Breaks RFC 7644 §4: discovery lists are ListResponses (rfc).
    """

    def change(path: str, doc: Any) -> Any:
        return doc["Resources"] if path in ("/Schemas", "/ResourceTypes") else doc

    return on_response(create_app(realms=realms, accounts=accounts), json_edit(change))


@mutant(catches=("discovery.schemas",))
def schemas_without_attributes(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Lists the schemas by id and name only, with no attribute definitions.

    Breaks RFC 7643 §7: a schema defines its attributes (rfc).
    """

    def change(path: str, doc: Any) -> Any:
        if path == "/Schemas":
            doc["Resources"] = [{"id": s["id"], "name": s.get("name")} for s in doc["Resources"]]
        return doc

    return on_response(create_app(realms=realms, accounts=accounts), json_edit(change))


# -- resources -----------------------------------------------------------------


@mutant(catches=("resources.create", "resources.location"))
def password_rejected(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Refuses (400) the ``password`` Okta sends on every user create, even with password sync off.

    Breaks CONTRACT §4 "attributes Okta always sends are accepted and ignored": no user is created (okta).
    """
    app = create_app(realms=realms, accounts=accounts)
    error = ScimError(400, "attribute 'password' is not supported", scim_type="invalidValue")
    refusal = json.dumps(error.body()).encode()

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scim_path(scope) != "/Users":
            return await app(scope, receive, send)
        body = await read_body(receive)
        if b'"password"' in body:
            await send({"type": "http.response.start", "status": 400, "headers": SCIM_JSON})
            return await send({"type": "http.response.body", "body": refusal})

        await app(scope, replaying(body), send)

    return middleware


@mutant(catches=("resources.meta",))
def meta_snake_case(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Names meta's attributes in snake case (``resource_type``, ``last_modified``), as an ORM would.

    Breaks RFC 7643 §3.1 / CONTRACT §4 "meta uses RFC 7643 names" (rfc).
    """
    names = {"resourceType": "resource_type", "lastModified": "last_modified"}

    def rename(node: Any) -> Any:
        if isinstance(node, list):
            return [rename(n) for n in node]
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("meta"), dict):
            node["meta"] = {names.get(k, k): v for k, v in node["meta"].items()}
        return {k: rename(v) for k, v in node.items()}

    return on_response(create_app(realms=realms, accounts=accounts), json_edit(lambda _, doc: rename(doc)))


@mutant(catches=("resources.location",))
def no_location(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Answers 201 without a ``Location`` header.

    Breaks RFC 7644 §3.3: the created resource's URI is in Location (rfc).
    """

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        return status, [(k, v) for k, v in headers if k.lower() != b"location"], body

    return on_response(create_app(realms=realms, accounts=accounts), edit)


@mutant(catches=("resources.content-type",))
def text_json(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Sends every JSON response as ``text/json;charset=UTF-8``, as Okta's own examples do.

    Breaks RFC 7644 §3.1, §8.1 "application/scim+json" (rfc: Okta tolerates it, CONTRACT §5).
    """

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        kept = [(k, v) for k, v in headers if k.lower() != b"content-type"]
        return status, [*kept, (b"content-type", b"text/json;charset=UTF-8")] if body else headers, body

    return on_response(create_app(realms=realms, accounts=accounts), edit)


@mutant(catches=("resources.user-delete",))
def user_delete_crash(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Crashes on ``DELETE /Users/{id}`` (500) instead of refusing it (405) or deleting.

    Breaks RFC 7644 §3.6 / §3.12: an unsupported method answers 405 or 501 (rfc).
    """

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        if scope["method"] == "DELETE" and scim_path(scope).startswith("/Users/") and status == 405:
            return 500, TEXT_HTML, SERVER_ERROR
        return status, headers, body

    return on_response(create_app(realms=realms, accounts=accounts), edit)


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

    def edit(scope: Scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
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
