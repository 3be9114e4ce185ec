"""The Okta catalogue (``fixtures/okta/``), its loader and its replay.

- the shipped catalogue loads, validates, and carries Okta's bodies and encodings;
- placeholders render as Okta sends them (``%20`` vs ``+``, captures, ``$from``/``$set``);
- a malformed catalogue is a :class:`HarnessError` naming the file and the JSON path;
- sensitivity: ``suites/test_okta_sequences.py`` run with pytester against the
  reference server with one small fault each (``--scim-app test_catalogue:<fault>``)
  reports the expected check, at the expected severity, and only in the sequences
  the fault touches (besides it, only the probe's generic ``schema.*`` checks may
  fire); against the correct server it reports nothing, also when the target
  already holds many resources of others.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import pytest

from scim_conformance import catalogue
from scim_conformance.catalogue import (
    Scope,
    apply_set,
    generate_values,
    load_catalogue,
    load_sequence,
    render,
)
from scim_conformance.errors import HarnessError
from scim_conformance.okta.bodies import SAMPLE_CREATE_USER
from scim_conformance.resources import fixtures_dir
from scim_conformance.server.app import create_app
from scim_conformance.server.config import Realm, ServiceAccount
from scim_conformance.server.store import GROUP, USER, Store
from scim_conformance.spec import ERROR, GROUP_SCHEMA, PATCH_OP, USER_SCHEMA

OKTA = fixtures_dir() / "okta"
SUITE = Path(__file__).resolve().parents[1] / "suites" / "test_okta_sequences.py"


def sequence(name: str) -> catalogue.Sequence:
    return next(s for s in load_catalogue() if s.id == name)


def step(seq: str, step_id: str) -> catalogue.Step:
    return next(s for s in sequence(seq).steps if s.id == step_id)


# -- the shipped catalogue -----------------------------------------------------


def test_the_catalogue_loads_four_sequences_for_both_profiles() -> None:
    sequences = load_catalogue()
    assert [s.id for s in sequences] == ["connection", "group-push", "imports", "user-lifecycle"]
    for seq in sequences:
        assert seq.profiles == ("aiw", "oin")
        for profile in seq.profiles:
            assert seq.steps_for(profile)
        for st in seq.steps:
            assert re.match(r"okta-requests\.md §\d+", st.source), st.id
            assert st.expectations


def test_a_check_id_always_has_the_same_severity_and_requirement() -> None:
    seen: dict[str, tuple[str, str]] = {}
    for seq in load_catalogue():
        for st in seq.steps:
            for e in st.expectations:
                assert e.severity in ("security", "okta", "rfc")
                assert re.search(r"\((MUST|SHOULD|SHALL)( NOT)?\)$", e.requirement), e.check
                first = seen.setdefault(e.check, (e.severity, e.requirement))
                assert first == (e.severity, e.requirement), f"{e.check} in {seq.id}/{st.id}"


def test_the_profiles_get_their_own_methods() -> None:
    lifecycle = sequence("user-lifecycle")
    methods = {p: [(s.method, s.path) for s in lifecycle.steps_for(p)] for p in ("aiw", "oin")}
    assert ("PATCH", "/Users/{$userId}") not in methods["aiw"]
    assert ("PATCH", "/Users/{$userId}") in methods["oin"]
    group_push = sequence("group-push")
    assert {s.method for s in group_push.steps_for("aiw") if s.path == "/Groups/{$groupId}"} == {
        "GET",
        "PUT",
        "DELETE",
    }
    assert "PUT" not in {s.method for s in group_push.steps_for("oin")}


def test_bodies_are_okta_s_own() -> None:
    # okta-requests.md §4: the keys of Okta's create body, in Okta's order.
    create = step("user-lifecycle", "create").body
    assert list(create) == list(SAMPLE_CREATE_USER)  # Okta's documented sample, verbatim
    assert create["groups"] == [] and create["locale"] == "en-US" and create["active"] is True
    assert create["emails"] == [{"primary": True, "value": "{userName}", "type": "work"}]
    # §7: replace without path, value an object, lowercase op.
    assert step("user-lifecycle", "deactivate-patch").body == {
        "schemas": [PATCH_OP],
        "Operations": [{"op": "replace", "value": {"active": False}}],
    }
    # §6: the PUT is the SP's GET response with Okta's changes.
    assert step("user-lifecycle", "update-put").body["$from"] == "update-get"
    # §8: group create with an empty members list; remove by filter, then one add.
    assert step("group-push", "create-empty").body == {
        "schemas": [GROUP_SCHEMA],
        "displayName": "{groupName}",
        "members": [],
    }
    ops = step("group-push", "patch-remove-add").body["Operations"]
    assert [op["op"] for op in ops] == ["remove", "remove", "add"]
    assert ops[0]["path"] == 'members[value eq "{$user1Id}"]'
    assert ops[2]["value"] == [{"value": "{$user3Id}", "display": "{user3Name}"}]
    assert step("group-push", "patch-replace-empty").body["Operations"] == [
        {"op": "replace", "path": "members", "value": []}
    ]
    assert step("group-push", "rename-patch").body["Operations"] == [
        {"op": "replace", "value": {"id": "{$groupId}", "displayName": "{renamedGroupName}"}}
    ]
    for seq in load_catalogue():
        for st in seq.steps:
            if st.body is not None or st.method == "DELETE":
                assert dict(st.headers) == {"Content-Type": "application/scim+json; charset=utf-8"}, st.id


def test_lookups_use_both_of_okta_s_encodings() -> None:
    # okta-requests.md §3: %20 today, + in 2018; both must work.
    assert step("user-lifecycle", "lookup-miss").query == (
        "filter=userName%20eq%20%22{userName:url}%22&startIndex=1&count=100"
    )
    assert step("user-lifecycle", "lookup-hit").query == (
        "filter=userName+eq+%22{userName:plus}%22&startIndex=1&count=100"
    )
    assert step("group-push", "lookup-miss").query == (
        "filter=displayName%20eq%20%22{groupName:url}%22&startIndex=1&count=100"
    )
    assert step("connection", "list-users").query == "startIndex=1&count=2"
    assert step("connection", "list-groups").query == "startIndex=1&count=100"
    assert {step("imports", i).page_size for i in ("users-100", "groups-100")} == {100}


# -- placeholders ----------------------------------------------------------------


SCOPE = Scope(
    {"userName": "o'neil+jo ann@example.com", "startIndex": 101},
    {"userId": "a1", "ids": ["a1", "b2"], "count": 3},
)


@pytest.mark.parametrize(
    ("template", "rendered"),
    [
        ("{userName}", "o'neil+jo ann@example.com"),
        ("{userName:url}", "o%27neil%2Bjo%20ann%40example.com"),
        ("{userName:plus}", "o%27neil%2Bjo+ann%40example.com"),
        (
            "filter=userName+eq+%22{userName:plus}%22",
            "filter=userName+eq+%22o%27neil%2Bjo+ann%40example.com%22",
        ),
        ("/Users/{$userId}", "/Users/a1"),
        ("{$ids}", ["a1", "b2"]),
        ("{startIndex}", 101),
        ("startIndex={startIndex}&count={$count}", "startIndex=101&count=3"),
        ({"members": "{$ids}", "n": ["{$count}"]}, {"members": ["a1", "b2"], "n": [3]}),
        ('members[value eq "{$userId}"]', 'members[value eq "a1"]'),
    ],
)
def test_placeholders_render_as_okta_sends_them(template: Any, rendered: Any) -> None:
    assert render(template, SCOPE) == rendered


def test_an_undefined_placeholder_is_a_harness_error() -> None:
    with pytest.raises(HarnessError, match=r"captured value \$'nope'"):
        render("{$nope}", SCOPE)


def test_generated_values_are_marked_unique_and_okta_shaped() -> None:
    templates = {
        "userName": "{run}.{seq}.u1@example.com",
        "externalId": "00u{alnum:17}",
        "pw": "{password:8}",
    }
    first, second = (
        generate_values(templates, "scimconf-ab12cd34"),
        generate_values(templates, "scimconf-ab12cd34"),
    )
    assert re.fullmatch(r"scimconf-ab12cd34\.[0-9a-f]{6}\.u1@example\.com", first["userName"])
    assert first["userName"] != second["userName"]
    assert re.fullmatch(r"00u[A-Za-z0-9]{17}", first["externalId"])
    assert len(first["pw"]) == 8


def test_from_and_set_apply_okta_s_changes_to_a_copy() -> None:
    got = {"id": "a1", "name": {"givenName": "Test"}, "emails": [{"value": "x"}], "active": True}
    body = apply_set(got, {"/name/givenName": "Another", "/name/middleName": "Excited", "/active": False})
    assert body == {
        "id": "a1",
        "name": {"givenName": "Another", "middleName": "Excited"},
        "emails": [{"value": "x"}],
        "active": False,
    }
    assert got["name"] == {"givenName": "Test"} and got["active"] is True
    assert apply_set(got, {"/emails/0/display": "x", "/meta/resourceType": "User"})["meta"] == {
        "resourceType": "User"
    }
    assert catalogue.resolve({"a/b": [{"~": 1}]}, "/a~1b/0/~0") == (True, 1)
    assert catalogue.resolve({"a": []}, "/a/0") == (False, None)


# -- malformed catalogues ----------------------------------------------------------


def _broken(tmp_path: Path, edit: Callable[[dict[str, Any]], None], name: str = "user-lifecycle") -> Path:
    data = json.loads((OKTA / f"{name}.json").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _set(pointer: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.update(apply_set(data, {pointer: value}))


def _delete(path: Sequence[Any]) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        node: Any = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return edit


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            _set("/steps/2/expect/0/severity", "fatal"),
            r"\$\.steps\[2\]\.expect\[0\]\.severity: 'fatal' is not one of",
        ),
        (_delete(["steps", 1, "source"]), r"\$\.steps\[1\]: 'source' is a required property"),
        (_set("/steps/1/source", "RFC 7644"), r"\$\.steps\[1\]\.source: 'RFC 7644' does not match"),
        (_set("/steps/2/expect/1/length", 3), r"\$\.steps\[2\]\.expect\[1\]"),
        (_set("/steps/2/requirement", "no level"), r"\$\.steps\[2\]\.requirement: 'no level' does not match"),
        (_set("/steps/1/request/query", "filter={nope:url}"), r"\$\.steps\[1\]: \{nope\} is not one of"),
        (
            _set("/steps/1/request/path", "/Users/{$userId}"),
            r"\$\.steps\[1\]: \{\$userId\} is not captured by",
        ),
        (
            _set("/steps/6/request/body/$from", "reactivate-get"),
            r"\$\.steps\[6\]\.request\.body\.\$from: step",
        ),
        (
            _set("/steps/7/profiles", ["oin"]),
            r"\$\.steps\[8\]\.request\.body\.\$from: .* for the aiw profile",
        ),
        (_set("/steps/3/id", "create"), r"\$\.steps\[3\]\.id: step id 'create' is used twice"),
        (_set("/id", "other"), r"\$\.id: 'other' must equal the file name"),
        (_set("/values/userName", "{who}@example.com"), r"\$\.values\.userName: unknown generator"),
        (_set("/steps/0/bogus", 1), r"\$\.steps\[0\]: Additional properties are not allowed \('bogus'"),
    ],
)
def test_a_malformed_catalogue_names_the_file_and_the_json_path(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], message: str
) -> None:
    path = _broken(tmp_path, edit)
    with pytest.raises(HarnessError, match=message) as caught:
        load_sequence(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_a_paginated_step_must_page(tmp_path: Path) -> None:
    path = _broken(tmp_path, _set("/steps/5/request/query", "startIndex=1&count={count}"), "imports")
    with pytest.raises(
        HarnessError, match=r"imports\.json: \$\.steps\[5\]\.request\.query: .*\{startIndex\}"
    ):
        load_sequence(path)


def test_invalid_json_and_an_empty_directory_are_harness_errors(tmp_path: Path) -> None:
    (tmp_path / "connection.json").write_text('{"id": "connection",\n "title": }', encoding="utf-8")
    with pytest.raises(HarnessError, match=r"connection\.json: line 2 column 11: not valid JSON"):
        load_catalogue(tmp_path)
    with pytest.raises(HarnessError, match="no Okta sequence"):
        load_catalogue(tmp_path / "empty")


def test_a_copy_of_the_catalogue_loads_from_any_directory(tmp_path: Path) -> None:
    shutil.copytree(OKTA, tmp_path / "okta")
    assert [s.id for s in load_catalogue(tmp_path / "okta")] == [s.id for s in load_catalogue()]


# -- faulty servers (used as --scim-app test_catalogue:<name>) ----------------------

AsgiScope = dict[str, Any]
Headers = list[tuple[bytes, bytes]]
Reply = tuple[int, Headers, bytes]


async def _call(app: Any, scope: AsgiScope, body: bytes) -> Reply:
    """Run one request through an ASGI app and collect its response."""
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status, headers, chunks = 0, [], []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status, headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, headers, b"".join(chunks)


def fault(
    app: Any,
    request: Callable[[Any, AsgiScope, bytes], Awaitable[tuple[AsgiScope, bytes] | Reply]] | None = None,
    response: Callable[[AsgiScope, Reply], Reply] | None = None,
) -> Any:
    """A pure-ASGI middleware: ``request`` rewrites (or answers) a request, ``response`` its answer."""

    async def middleware(scope: AsgiScope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        changed = await request(app, scope, body) if request is not None else (scope, body)
        if len(changed) == 3:  # the fault answers itself
            status, headers, out = changed
        else:
            scope, body = changed
            status, headers, out = await _call(app, scope, body)
        if response is not None:
            status, headers, out = response(scope, (status, headers, out))
        headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [*headers, (b"content-length", str(len(out)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": out})

    return middleware


def _scim_path(scope: AsgiScope) -> str:
    return str(scope["path"]).rsplit("/scim/v2", 1)[-1]


def _query(scope: AsgiScope, change: Callable[[list[tuple[str, str]]], list[tuple[str, str]]]) -> AsgiScope:
    pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
    return {**scope, "query_string": urlencode(change(pairs), safe="", quote_via=quote).encode("latin-1")}


def _json_response(change: Callable[[AsgiScope, Any], Any]) -> Callable[[AsgiScope, Reply], Reply]:
    def edit(scope: AsgiScope, reply: Reply) -> Reply:
        status, headers, body = reply
        if not body:
            return reply
        return status, headers, json.dumps(change(scope, json.loads(body))).encode()

    return edit


def _as_get(scope: AsgiScope) -> AsgiScope:
    return {**scope, "method": "GET"}


def prefix_lookup(*, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> Any:
    """Matches ``eq`` as a prefix (``sw``), as a ``LIKE 'x%'`` query would (CONTRACT §4: okta)."""

    async def request(app: Any, scope: AsgiScope, body: bytes) -> tuple[AsgiScope, bytes]:
        return _query(scope, lambda pairs: [(k, v.replace(" eq ", " sw ")) for k, v in pairs]), body

    return fault(create_app(realms=realms, accounts=accounts), request)


def deactivate_ignored(*, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> Any:
    """Answers ``PATCH /Users/{id}`` 200 with the user unchanged: Okta's (OIN) deactivation is lost."""

    async def request(app: Any, scope: AsgiScope, body: bytes) -> tuple[AsgiScope, bytes]:
        if scope["method"] == "PATCH" and _scim_path(scope).startswith("/Users/"):
            return _as_get(scope), b""
        return scope, body

    return fault(create_app(realms=realms, accounts=accounts), request)


def put_keeps_members(*, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> Any:
    """``PUT /Groups/{id}`` adds the members listed but never removes one (AIW membership removals lost)."""

    async def request(app: Any, scope: AsgiScope, body: bytes) -> tuple[AsgiScope, bytes]:
        if scope["method"] != "PUT" or not _scim_path(scope).startswith("/Groups/"):
            return scope, body
        _, _, current = await _call(app, _as_get(scope), b"")
        sent = json.loads(body)
        listed = {m["value"] for m in sent.get("members", [])}
        kept = [m for m in json.loads(current).get("members", []) if m["value"] not in listed]
        sent["members"] = [*sent.get("members", []), *({"value": m["value"]} for m in kept)]
        return scope, json.dumps(sent).encode()

    return fault(create_app(realms=realms, accounts=accounts), request)


def replace_empty_ignored(*, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> Any:
    """Treats a PATCH ``replace`` of members with ``[]`` as nothing to do (OIN 'remove all' lost)."""

    async def request(app: Any, scope: AsgiScope, body: bytes) -> tuple[AsgiScope, bytes]:
        if scope["method"] == "PATCH" and body:
            ops = json.loads(body).get("Operations", [])
            if any(op.get("op") == "replace" and op.get("value") == [] for op in ops):
                return _as_get(scope), b""
        return scope, body

    return fault(create_app(realms=realms, accounts=accounts), request)


def rename_id_rejected(*, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> Any:
    """Refuses Okta's (OIN) rename, whose value carries the read-only ``id``, with 400 invalidValue."""

    async def request(app: Any, scope: AsgiScope, body: bytes) -> tuple[AsgiScope, bytes] | Reply:
        if scope["method"] == "PATCH" and body:
            ops = json.loads(body).get("Operations", [])
            if any("path" not in op and "id" in (op.get("value") or {}) for op in ops):
                error = {
                    "schemas": [ERROR],
                    "status": "400",
                    "scimType": "mutability",
                    "detail": "id is readOnly",
                }
                return 400, [(b"content-type", b"application/scim+json")], json.dumps(error).encode()
        return scope, body

    return fault(create_app(realms=realms, accounts=accounts), request)


def created_without_id(*, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> Any:
    """Answers 201 without ``id`` (Okta: "Create new user returned empty user")."""

    def change(scope: AsgiScope, body: Any) -> Any:
        if scope["method"] == "POST" and isinstance(body, dict):
            body.pop("id", None)
        return body

    return fault(create_app(realms=realms, accounts=accounts), response=_json_response(change))


def total_as_string(*, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> Any:
    """Serialises ``totalResults`` as a string, as a template engine might (okta-requests.md §9: okta)."""

    def change(scope: AsgiScope, body: Any) -> Any:
        if isinstance(body, dict) and "totalResults" in body:
            body["totalResults"] = str(body["totalResults"])
        return body

    return fault(create_app(realms=realms, accounts=accounts), response=_json_response(change))


def start_index_ignored(*, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> Any:
    """Always serves the first page: ``startIndex`` is dropped (an import repeats page 1)."""

    async def request(app: Any, scope: AsgiScope, body: bytes) -> tuple[AsgiScope, bytes]:
        return _query(scope, lambda pairs: [(k, v) for k, v in pairs if k != "startIndex"]), body

    return fault(create_app(realms=realms, accounts=accounts), request)


def pages_of_one(*, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> Any:
    """Caps every page at one resource: Okta steps startIndex by its count and skips the rest."""

    async def request(app: Any, scope: AsgiScope, body: bytes) -> tuple[AsgiScope, bytes]:
        return _query(scope, lambda pairs: [(k, "1" if k == "count" else v) for k, v in pairs]), body

    return fault(create_app(realms=realms, accounts=accounts), request)


def inactive_hidden(*, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> Any:
    """Leaves deactivated users out of filtered lists (an ``is_active=True`` queryset)."""

    def change(scope: AsgiScope, body: Any) -> Any:
        if isinstance(body, dict) and "Resources" in body and b"filter" in scope["query_string"]:
            body["Resources"] = [r for r in body["Resources"] if r.get("active", True)]
            body["totalResults"] = body["itemsPerPage"] = len(body["Resources"])
        return body

    return fault(create_app(realms=realms, accounts=accounts), response=_json_response(change))


def password_echoed(*, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> Any:
    """Returns the user's password (a secret exposed: security)."""

    def change(scope: AsgiScope, body: Any) -> Any:
        if isinstance(body, dict) and USER_SCHEMA in body.get("schemas", []):
            body["password"] = "gl^m&qWZ"
        return body

    return fault(create_app(realms=realms, accounts=accounts), response=_json_response(change))


def conflict_without_scim_type(*, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> Any:
    """Answers 409 without ``scimType`` (an rfc deviation Okta tolerates)."""

    def change(scope: AsgiScope, body: Any) -> Any:
        if isinstance(body, dict):
            body.pop("scimType", None)
        return body

    return fault(create_app(realms=realms, accounts=accounts), response=_json_response(change))


class _NoUniqueness(Store):
    def _check_unique(self, *args: Any) -> None:
        pass


def duplicates_accepted(*, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> Any:
    """Stores a second user with the same userName (no uniqueness: Okta duplicates the user)."""
    return create_app(realms=realms, accounts=accounts, store=_NoUniqueness())


def with_foreign_resources(*, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> Any:
    """Not a fault: the reference server already holding 105 users and 103 groups of others."""
    store, realm = Store(), realms[0].id
    users = [
        store.create(
            realm,
            USER,
            {"schemas": [USER_SCHEMA], "userName": f"someone{i}@example.org", "active": i % 4 != 0},
        )
        for i in range(105)
    ]
    for i in range(103):
        members = [{"value": users[i]["id"]}] if i % 2 else []
        store.create(
            realm, GROUP, {"schemas": [GROUP_SCHEMA], "displayName": f"Other {i}", "members": members}
        )
    return create_app(realms=realms, accounts=accounts, store=store)


# -- sensitivity -------------------------------------------------------------------

SEQUENCES = ("connection", "group_push", "imports", "user_lifecycle")
EVERY_TEST = {f"test_{s}[{p}]" for s in SEQUENCES for p in ("aiw", "oin")}


def run_suite(pytester: pytest.Pytester, app: str | None) -> tuple[pytest.RunResult, dict[str, Any]]:
    pytester.syspathinsert(Path(__file__).parent)
    summary = pytester.path / "summary.json"
    args = [str(SUITE), "-p", "no:cacheprovider", "-q", f"--scim-json={summary}"]
    if app:
        args.append(f"--scim-app={app}")
    result = pytester.runpytest_inprocess(*args)
    return result, json.loads(summary.read_text(encoding="utf-8"))


def outcome(result: pytest.RunResult, summary: dict[str, Any]) -> dict[str, set[tuple[str, str]]]:
    """Each failed test -> its findings as (check, severity)."""
    failed: dict[str, set[tuple[str, str]]] = {}
    for report in result.reprec.getreports("pytest_runtest_logreport"):  # type: ignore[attr-defined]
        if report.failed:
            failed.setdefault(report.nodeid.rsplit("::", 1)[-1], set())
    for finding in summary["findings"]:
        failed.setdefault(finding["test"].rsplit("::", 1)[-1], set()).add(
            (finding["check"], finding["severity"])
        )
    return failed


def test_the_reference_server_passes_with_zero_findings(pytester: pytest.Pytester) -> None:
    result, summary = run_suite(pytester, None)
    result.assert_outcomes(passed=8)
    assert summary["counts"] == {"security": 0, "okta": 0, "rfc": 0}
    assert summary["cleanup"]["leftovers"] == []


def test_imports_see_this_run_s_resources_among_many_others(pytester: pytest.Pytester) -> None:
    result, summary = run_suite(pytester, "test_catalogue:with_foreign_resources")
    result.assert_outcomes(passed=8)
    assert summary["counts"] == {"security": 0, "okta": 0, "rfc": 0}


OKTA_STOP = "okta"
FAULTS: dict[str, dict[str, set[tuple[str, str]]]] = {
    # A lookup by prefix finds the longer userName / displayName pushed first.
    "prefix_lookup": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.lookup-miss.exact-match", "okta")},
        "test_user_lifecycle[oin]": {("user-lifecycle.lookup-miss.exact-match", "okta")},
        "test_group_push[aiw]": {("group-push.lookup-hit", "okta")},
        "test_group_push[oin]": {("group-push.lookup-hit", "okta")},
    },
    # OIN deactivates with PATCH; AIW's PUT still works.
    "deactivate_ignored": {
        "test_user_lifecycle[oin]": {("user-lifecycle.deactivate-patch", "okta")},
    },
    "put_keeps_members": {
        "test_group_push[aiw]": {("group-push.get-changed", "okta")},
    },
    "replace_empty_ignored": {
        "test_group_push[oin]": {("group-push.get-emptied", "okta")},
    },
    "rename_id_rejected": {
        "test_group_push[oin]": {("group-push.rename-patch", "okta")},
    },
    "created_without_id": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.create", "okta")},
        "test_user_lifecycle[oin]": {("user-lifecycle.create", "okta")},
        "test_group_push[aiw]": {("group-push.push-user", "okta")},
        "test_group_push[oin]": {("group-push.push-user", "okta")},
        "test_imports[aiw]": {("imports.push-user", "okta")},
        "test_imports[oin]": {("imports.push-user", "okta")},
    },
    "total_as_string": {
        "test_connection[aiw]": {("connection.list-users", "okta")},
        "test_connection[oin]": {("connection.list-users", "okta")},
        "test_user_lifecycle[aiw]": {("user-lifecycle.lookup-miss", "okta")},
        "test_user_lifecycle[oin]": {("user-lifecycle.lookup-miss", "okta")},
        "test_group_push[aiw]": {("group-push.lookup-miss", "okta")},
        "test_group_push[oin]": {("group-push.lookup-miss", "okta")},
        "test_imports[aiw]": {("imports.users-100", "okta")},
        "test_imports[oin]": {("imports.users-100", "okta")},
    },
    # Page 1 again and again: the rfc echo check is kept, the import check stops.
    "start_index_ignored": {
        "test_imports[aiw]": {("imports.users-small.start-index", "rfc"), ("imports.users-small", "okta")},
        "test_imports[oin]": {("imports.users-small.start-index", "rfc"), ("imports.users-small", "okta")},
    },
    "pages_of_one": {
        "test_imports[aiw]": {("imports.users-100", "okta")},
        "test_imports[oin]": {("imports.users-100", "okta")},
    },
    "inactive_hidden": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.deactivated-lookup", "okta")},
        "test_user_lifecycle[oin]": {("user-lifecycle.deactivated-lookup", "okta")},
    },
    "duplicates_accepted": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.create-duplicate", "okta")},
        "test_user_lifecycle[oin]": {("user-lifecycle.create-duplicate", "okta")},
    },
    # The probe validates every response (after the step's own expectations): a
    # password in a User is the schema's security finding, in every sequence.
    "password_echoed": {
        f"test_{name}[{profile}]": {("schema.user", "security")}
        for name in ("user_lifecycle", "group_push", "imports")
        for profile in ("aiw", "oin")
    },
    # rfc only: reported, and the run still exits 0 (CONTRACT §5).
    "conflict_without_scim_type": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.create-duplicate.scim-type", "rfc")},
        "test_user_lifecycle[oin]": {("user-lifecycle.create-duplicate.scim-type", "rfc")},
    },
    # The mutants registry's faults, as the catalogue sees them.
    "scim_conformance.mutants:no_location": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.create.location", "rfc")},
        "test_user_lifecycle[oin]": {("user-lifecycle.create.location", "rfc")},
        "test_group_push[aiw]": {("group-push.create-empty.location", "rfc")},
        "test_group_push[oin]": {("group-push.create-empty.location", "rfc")},
    },
    "scim_conformance.mutants:meta_snake_case": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.create.meta", "rfc")},
        "test_user_lifecycle[oin]": {("user-lifecycle.create.meta", "rfc")},
        "test_group_push[aiw]": {("group-push.create-empty.meta", "rfc")},
        "test_group_push[oin]": {("group-push.create-empty.meta", "rfc")},
        # imports judge no meta themselves; the probe's schema check does.
        "test_imports[aiw]": {("schema.user", "rfc")},
        "test_imports[oin]": {("schema.user", "rfc")},
    },
    "scim_conformance.mutants:filter_ignored": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.lookup-miss.exact-match", "okta")},
        "test_user_lifecycle[oin]": {("user-lifecycle.lookup-miss.exact-match", "okta")},
        # group-push[aiw] runs first, when the target holds no group to list yet.
        "test_group_push[aiw]": {("group-push.lookup-hit", "okta")},
        "test_group_push[oin]": {("group-push.lookup-miss", "okta")},
    },
}


@pytest.mark.parametrize("name", FAULTS)
def test_each_fault_is_caught_by_its_check_and_stops_only_its_sequences(
    pytester: pytest.Pytester, name: str
) -> None:
    app = name if ":" in name else f"test_catalogue:{name}"
    result, summary = run_suite(pytester, app)
    expected = FAULTS[name]
    found = outcome(result, summary)
    assert set(found) == set(expected), found
    for test, checks in expected.items():
        # The expected checks, and besides them at most the probe's generic schema checks.
        assert checks <= found[test], (test, found[test])
        assert all(check.startswith("schema.") for check, _ in found[test] - checks), (test, found[test])
    result.assert_outcomes(passed=len(EVERY_TEST - set(expected)), failed=len(expected))
    gating = any(sev != "rfc" for found in expected.values() for _, sev in found)
    assert result.ret == (1 if gating else 0)
