"""Properties over many requests: arbitrary JSON bodies never get a 5xx, and uniqueness holds
under concurrent creates (CONTRACT §4)."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_app import REALM, Scim, assert_error, group_body, okta_create_body, serving

from scim_conformance.server.errors import ScimError
from scim_conformance.server.store import USER, Store
from scim_conformance.spec import ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, Json

# -- any JSON body: never a 5xx, always a SCIM Error on 4xx ---------------------------------------

ENTERPRISE = ENTERPRISE_USER_SCHEMA
_WORDS = [
    "schemas", "Operations", "op", "path", "value", "id", "meta", "userName", "displayName", "externalId",
    "active", "name", "givenName", "emails", "type", "primary", "members", "groups", "display", "password",
    USER_SCHEMA, GROUP_SCHEMA, PATCH_OP, ENTERPRISE, "add", "remove", "replace", "Replace", "work",
]  # fmt: skip
# Paths the server knows, valid or subtly wrong; "$user" and "$group" become real ids when sent.
_PATHS = [
    "userName", "displayName", "title", "active", "name", "name.givenName", "NAME.familyname", "emails",
    'emails[type eq "work"]', 'emails[type eq "work"].value', 'emails[primary eq true]', "emails.value",
    "members", 'members[value eq "$user"]', 'members[value eq "$group"].display', "externalId", "groups",
    "id", "meta", "meta.created", ENTERPRISE, f"{ENTERPRISE}:department", f"{ENTERPRISE}:manager.value",
    f"{USER_SCHEMA}:userName", "password", "x509Certificates[value pr]",
]  # fmt: skip
_text = st.text(max_size=12)
_keys = st.sampled_from(_WORDS) | st.text(max_size=8)
_scalars = st.none() | st.booleans() | st.integers() | st.floats() | _text | st.sampled_from(_WORDS)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=5),
    max_leaves=20,
)
# Mostly well-shaped SCIM values, so that examples get past validation and reach the store,
# PATCH application and the membership bookkeeping; each may still be any JSON.
_names = st.fixed_dictionaries({}, optional={"givenName": _text, "familyName": _text, "middleName": _json})
_multi = st.lists(
    st.fixed_dictionaries(
        {"value": _text},
        optional={
            "type": st.sampled_from(["work", "home"]) | _json,
            "primary": st.booleans(),
            "display": _text,
        },
    ),
    max_size=3,
)
_members = st.lists(
    st.fixed_dictionaries(
        {"value": st.sampled_from(["$user", "$group", "$other", "nobody"])}, optional={"display": _text}
    ),
    max_size=3,
)
_values = st.one_of(
    _text,
    st.booleans(),
    _names,
    _multi,
    _members,
    st.dictionaries(
        st.sampled_from(["active", "displayName", "id", "name.familyName", "title", ENTERPRISE]),
        _text | st.booleans(),
        max_size=3,
    ),
    _json,
)
_present = st.text(min_size=1, max_size=12).filter(str.strip)
_users = st.fixed_dictionaries(
    {"schemas": st.sampled_from([[USER_SCHEMA], [USER_SCHEMA, ENTERPRISE]]), "userName": _present},
    optional={
        "displayName": _text,
        "name": _names,
        "emails": _multi,
        "active": st.booleans(),
        "externalId": _present,
        "id": _text,
        "meta": _json,
        "groups": _members,
        "password": _text,
        ENTERPRISE: st.fixed_dictionaries(
            {}, optional={"department": _text, "manager": st.fixed_dictionaries({"value": _text})}
        ),
    },
)
_groups = st.fixed_dictionaries(
    {"schemas": st.just([GROUP_SCHEMA]), "displayName": _present},
    optional={"members": _members, "externalId": _present, "id": _text, "meta": _json},
)
_paths = st.one_of(st.sampled_from(_PATHS), st.sampled_from(_PATHS), _text)
_path_ops = st.fixed_dictionaries(
    {"op": st.sampled_from(["add", "replace", "Replace"]), "path": _paths, "value": _values}
)
_operations = st.one_of(
    _path_ops,
    _path_ops,
    # Okta's path-less form: an object of attributes.
    st.fixed_dictionaries(
        {
            "op": st.sampled_from(["add", "replace"]),
            "value": st.dictionaries(
                st.sampled_from(
                    ["active", "displayName", "id", "name.familyName", "title", "members", ENTERPRISE]
                ),
                _values,
                max_size=3,
            ),
        }
    ),
    st.fixed_dictionaries({"op": st.sampled_from(["remove", "Remove"]), "path": _paths}),
    st.fixed_dictionaries({"op": _json}, optional={"path": _json, "value": _json}),
)
_patches = st.fixed_dictionaries(
    {"schemas": st.just([PATCH_OP]), "Operations": st.lists(_operations, min_size=1, max_size=2)}
)
_TARGETS = [(m, k) for m in ("POST", "PUT", "PATCH") for k in ("Users", "Groups")]


def _mutants(resources: st.SearchStrategy[Json]) -> st.SearchStrategy[Json]:
    """A well-formed resource with one attribute set to any JSON: the likeliest client mistake."""
    return st.tuples(resources, _keys, _json).map(lambda t: {**t[0], t[1]: t[2]})


def _requests(target: tuple[str, str]) -> st.SearchStrategy[tuple[tuple[str, str], object]]:
    """Bodies biased towards the target, so that examples also reach the store and PATCH logic."""
    method, kind = target
    shaped = _users if kind == "Users" else _groups
    if method == "PATCH":
        bodies = st.one_of(_patches, _patches, _patches, _json, shaped)
    else:
        bodies = st.one_of(shaped, shaped, _mutants(shaped), _json, _patches)
    return st.tuples(st.just(target), bodies)


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[tuple[Scim, dict[str, str]]]:
    with serving() as scim:
        ids = {
            "Users": scim.create_user("fuzz@x.io")["id"],
            "Groups": scim.create_group("Fuzz")["id"],
            "Other": scim.create_user("other@x.io")["id"],
        }
        yield scim, ids


@pytest.mark.slow  # deep fuzzing: seconds; the fast loop keeps this module's other tests
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=st.sampled_from(_TARGETS).flatmap(_requests))
def test_any_json_body_gets_no_5xx(
    fuzzed: tuple[Scim, dict[str, str]], request: tuple[tuple[str, str], object]
) -> None:
    """Arbitrary JSON to POST/PUT/PATCH on users and groups: never 5xx; every 4xx is a SCIM Error.

    Whatever is accepted must read back as answered, and what reads back a PUT accepts as it
    is (okta-aiw updates are a GET then a PUT of what it returned).
    """
    scim, ids = fuzzed
    (method, kind), body = request
    path = f"/{kind}" if method == "POST" else f"/{kind}/{ids[kind]}"
    content = json.dumps(body)
    for placeholder, real in (("$user", ids["Users"]), ("$group", ids["Groups"]), ("$other", ids["Other"])):
        content = content.replace(placeholder, real)
    response = scim.request(method, path, content.encode())
    assert response.status_code < 500, response.text
    event(f"{method} {kind} -> {response.status_code}")  # shown by --hypothesis-show-statistics
    if response.status_code >= 400:
        assert_error(response, response.status_code)
        return
    assert response.status_code in (200, 201), response.text
    resource = response.json()
    assert resource["id"]
    stored = scim.fetch(kind, resource["id"])
    assert stored == resource
    echoed = scim.put(f"/{kind}/{resource['id']}", stored)
    assert echoed.status_code == 200, echoed.text


# -- uniqueness under concurrency (CONTRACT §4) ---------------------------------------------------


@pytest.mark.parametrize("kind", ["Users", "Groups"])
def test_concurrent_creates_of_one_name_make_one_resource(kind: str) -> None:
    """32 threads POST the same userName (or displayName) at once: exactly one 201, the rest 409."""
    threads = 32
    with serving() as scim:
        barrier = threading.Barrier(threads)
        body = okta_create_body("race@x.io") if kind == "Users" else group_body("Race")

        def create(_: int) -> int:
            barrier.wait(timeout=10)
            return scim.post(f"/{kind}", body).status_code

        with ThreadPoolExecutor(threads) as pool:
            statuses = list(pool.map(create, range(threads)))
        assert sorted(statuses) == [201] + [409] * (threads - 1)
        assert scim.search(kind, "count=100")["totalResults"] == 1


def test_concurrent_creates_of_distinct_names_all_succeed() -> None:
    threads = 32
    with serving() as scim:
        barrier = threading.Barrier(threads)

        def create(i: int) -> int:
            barrier.wait(timeout=10)
            return scim.post("/Users", okta_create_body(f"user{i}@x.io", f"00u{i}")).status_code

        with ThreadPoolExecutor(threads) as pool:
            statuses = list(pool.map(create, range(threads)))
        assert statuses == [201] * threads
        assert scim.search("Users", "count=100")["totalResults"] == threads


def test_store_creates_are_atomic_across_threads() -> None:
    """The store's own lock, without the event loop: 32 threads calling Store.create at once.

    Through the in-process client every handler runs on the app's single event loop, which
    serialises the creates by itself; this calls the store from the threads directly, with
    a tiny GIL switch interval so that threads interleave inside create().
    """
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(20):
            assert _racing_creates(Store(), threads=32) == 1
    finally:
        sys.setswitchinterval(previous)


def _racing_creates(store: Store, *, threads: int) -> int:
    """How many of ``threads`` simultaneous creates of one userName the store accepted."""
    barrier = threading.Barrier(threads)

    def create(_: int) -> bool:
        barrier.wait(timeout=10)
        try:
            store.create(REALM, USER, {"schemas": [USER_SCHEMA], "userName": "race@x.io"})
        except ScimError as error:
            assert error.status == 409
            return False
        return True

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(create, range(threads)))
