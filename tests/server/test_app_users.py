"""/Users over HTTP: Okta's create, lookup, fetch and PUT; uniqueness; no DELETE (CONTRACT §3, §4).

PATCH is in ``test_app_users_patch.py``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from test_app import (
    BASE_URL,
    SCIM_JSON,
    Scim,
    assert_error,
    okta_create_body,
    patch_body,
    root,
    serving,
    user_body,
)

from scim_conformance.spec import USER_SCHEMA, Json


@pytest.fixture
def scim() -> Iterator[Scim]:
    with serving() as client:
        yield client


@pytest.fixture
def okta_user(scim: Scim) -> Json:
    """The user Okta creates with its verbatim create body (okta-requests.md §4)."""
    response = scim.post("/Users", okta_create_body())
    assert response.status_code == 201, response.text
    created: Json = response.json()
    return created


def lookup(scim: Scim, user_name_query: str) -> list[Json]:
    """Okta's lookup before create, the value already encoded (okta-requests.md §3)."""
    body = scim.search("Users", f"filter=userName%20eq%20%22{user_name_query}%22&startIndex=1&count=100")
    resources: list[Json] = body["Resources"]
    assert body["totalResults"] == len(resources)
    return resources


# -- create ---------------------------------------------------------------------------------


def test_okta_create_returns_the_full_resource(scim: Scim) -> None:
    """POST /Users with Okta's body: 201, Location = meta.location, SCIM JSON, id and RFC 7643 meta."""
    response = scim.post("/Users", okta_create_body())
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith(SCIM_JSON)
    user = response.json()
    uid = user["id"]
    assert isinstance(uid, str) and uid
    meta = user["meta"]
    assert meta["resourceType"] == "User"
    assert meta["location"] == f"{BASE_URL}{root()}/Users/{uid}"
    assert response.headers["location"] == meta["location"]
    assert meta["created"] == meta["lastModified"]
    assert meta["created"].endswith("Z")
    assert user["schemas"] == [USER_SCHEMA]
    # Every attribute Okta sent comes back as sent, except the write-only password and the
    # read-only groups (CONTRACT §4: accepted and ignored, not rejected).
    sent = okta_create_body()
    for key in ("userName", "name", "emails", "displayName", "locale", "externalId", "active"):
        assert user[key] == sent[key], key
    assert "password" not in user
    assert "groups" not in user  # no membership yet
    assert set(user) == {
        "schemas",
        "id",
        "meta",
        "userName",
        "name",
        "emails",
        "displayName",
        "locale",
        "externalId",
        "active",
    }


def test_get_round_trips_the_created_user(scim: Scim, okta_user: Json) -> None:
    """GET /Users/{id} answers exactly what the create answered (CONTRACT §4)."""
    response = scim.get(f"/Users/{okta_user['id']}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(SCIM_JSON)
    assert response.json() == okta_user
    assert "location" not in response.headers  # only a 201 carries Location


def test_application_json_is_accepted(scim: Scim) -> None:
    """Runscope's POSTs use Content-Type application/json (okta-requests.md §1)."""
    response = scim.post("/Users", okta_create_body(), headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.text


COMPOSED = unicodedata.normalize("NFC", "Zoë Ünïcødé")
DECOMPOSED = unicodedata.normalize("NFD", "Zoë Ünïcødé")


def test_unicode_round_trips_unnormalised(scim: Scim) -> None:
    """Non-ASCII values (accents, CJK, emoji) round-trip byte for byte; NFC and NFD are not normalised."""
    assert COMPOSED != DECOMPOSED
    body = okta_create_body("zoë.山田@example.com")
    body["name"] = {"givenName": COMPOSED, "familyName": "山田 😀", "middleName": DECOMPOSED}
    body["displayName"] = "Zoë Ünïcødé 山田 😀"
    created = scim.post("/Users", body).json()
    fetched = scim.fetch("Users", created["id"])
    for resource in (created, fetched):
        assert resource["userName"] == "zoë.山田@example.com"
        assert resource["name"] == body["name"]
        assert resource["name"]["givenName"] == COMPOSED
        assert resource["name"]["middleName"] == DECOMPOSED
        assert resource["displayName"] == "Zoë Ünïcødé 山田 😀"
    # The JSON is sent as UTF-8 text, not \\u escapes that a lenient client might mangle.
    raw = scim.get(f"/Users/{created['id']}").content
    assert "山田 😀".encode() in raw


def test_composed_and_decomposed_user_names_are_distinct(scim: Scim) -> None:
    """The server does not normalise: an NFC and an NFD userName are two users, each found exactly."""
    nfc = scim.create_user(COMPOSED)
    nfd = scim.create_user(DECOMPOSED)
    assert nfc["id"] != nfd["id"]
    assert [u["id"] for u in lookup(scim, COMPOSED)] == [nfc["id"]]
    assert [u["id"] for u in lookup(scim, DECOMPOSED)] == [nfd["id"]]


def test_create_ignores_client_id_and_meta(scim: Scim) -> None:
    """id and meta are readOnly (RFC 7643 §3.1): the server assigns them whatever the client sends."""
    created = scim.create_user(
        "ro@x.io", id="client-chosen", meta={"resourceType": "Group", "created": "2000-01-01T00:00:00Z"}
    )
    assert created["id"] != "client-chosen"
    assert created["meta"]["resourceType"] == "User"
    assert created["meta"]["created"] != "2000-01-01T00:00:00Z"


# -- lookup (okta-requests.md §3) -----------------------------------------------------------


def test_lookup_with_percent_and_plus_encodings(scim: Scim, okta_user: Json) -> None:
    """Both %20 and + spaces, and an encoded or raw @, find the user (CONTRACT §3)."""
    uid = okta_user["id"]
    queries = [
        "filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100",
        "filter=userName+eq+%22test.user%40okta.local%22&startIndex=1&count=100",
        'filter=userName eq "test.user@okta.local"',
        "filter=userName%20eq%20%22test.user@okta.local%22",
    ]
    for query in queries:
        body = scim.search("Users", query)
        assert [r["id"] for r in body["Resources"]] == [uid], query
        assert body["totalResults"] == 1
        assert body["Resources"][0] == okta_user


def test_lookup_is_case_insensitive(scim: Scim, okta_user: Json) -> None:
    """userName has caseExact false (RFC 7643 §4.1.1): the Runscope all-caps lookup finds the user."""
    assert [u["id"] for u in lookup(scim, "TEST.USER%40OKTA.LOCAL")] == [okta_user["id"]]
    assert [u["id"] for u in lookup(scim, "Test.User%40Okta.Local")] == [okta_user["id"]]


def test_lookup_is_exact_not_prefix_or_substring(scim: Scim) -> None:
    """eq is an exact match: neither a longer name nor a name containing the value matches."""
    ann = scim.create_user("ann@x.io")
    scim.create_user("ann@x.io.uk")
    scim.create_user("joann@x.io")
    scim.create_user("an@x.io")
    assert [u["id"] for u in lookup(scim, "ann%40x.io")] == [ann["id"]]
    assert lookup(scim, "ann") == []
    assert lookup(scim, "x.io") == []


@pytest.mark.parametrize(
    "user_name",
    ["o'brien+tag@example.com", "first_last-1@sub.example.co", "émilie.ñandú@exämple.com", "plain"],
)
def test_lookup_of_names_with_special_characters(scim: Scim, user_name: str) -> None:
    """Okta's values are emails or logins with @ + . - _ ' and non-ASCII letters (CONTRACT §3)."""
    created = scim.create_user(user_name)
    assert [u["id"] for u in lookup(scim, quote(user_name, safe=""))] == [created["id"]]


def test_lookup_miss_is_an_empty_list_response(scim: Scim, okta_user: Json) -> None:
    """A miss is 200 with totalResults 0 and Resources: [] (okta-requests.md §3)."""
    body = scim.search("Users", "filter=userName%20eq%20%22nobody%40okta.local%22&startIndex=1&count=100")
    assert body["totalResults"] == 0
    assert body["Resources"] == []
    assert body["startIndex"] == 1
    assert body["itemsPerPage"] == 0


def test_deactivated_user_is_still_found(scim: Scim, okta_user: Json) -> None:
    """A deactivated user is found by userName, or Okta would re-create it and hit 409 (CONTRACT §4)."""
    response = scim.patch(
        f"/Users/{okta_user['id']}", patch_body({"op": "replace", "value": {"active": False}})
    )
    assert response.status_code == 200, response.text
    found = lookup(scim, "test.user%40okta.local")
    assert [u["id"] for u in found] == [okta_user["id"]]
    assert found[0]["active"] is False


# -- uniqueness (CONTRACT §4) -----------------------------------------------------------------


@pytest.mark.parametrize(
    "second",
    [
        pytest.param(okta_create_body(external_id="00u-other"), id="same-userName"),
        pytest.param(okta_create_body("TEST.User@OKTA.local", "00u-other"), id="case-variant-userName"),
        pytest.param(okta_create_body("other@okta.local"), id="same-externalId"),
    ],
)
def test_duplicate_create_is_409_uniqueness(scim: Scim, okta_user: Json, second: Json) -> None:
    """A second user with the same userName (any case) or externalId gets 409 uniqueness."""
    assert_error(scim.post("/Users", second), 409, "uniqueness")
    assert scim.search("Users", "count=100")["totalResults"] == 1


def test_external_id_is_case_exact(scim: Scim, okta_user: Json) -> None:
    """externalId is caseExact (RFC 7643 §3.1): a case variant is another value."""
    scim.create_user("other@okta.local", externalId=okta_user["externalId"].upper())


def test_put_taking_another_users_name_is_409(scim: Scim, okta_user: Json) -> None:
    """PUT changing userName (or externalId) to another user's gets 409 and changes nothing."""
    other = scim.create_user("other@okta.local", externalId="00u-other")
    for body in (
        user_body("test.user@okta.local"),
        user_body("Test.User@okta.local"),
        user_body("other@okta.local", externalId=okta_user["externalId"]),
    ):
        assert_error(scim.put(f"/Users/{other['id']}", body), 409, "uniqueness")
    assert scim.fetch("Users", other["id"]) == other
    # A user may keep its own name, or change only its case.
    response = scim.put(f"/Users/{other['id']}", user_body("OTHER@okta.local", externalId="00u-other"))
    assert response.status_code == 200, response.text


def test_patch_taking_another_users_name_is_409(scim: Scim, okta_user: Json) -> None:
    other = scim.create_user("other@okta.local")
    response = scim.patch(
        f"/Users/{other['id']}",
        patch_body({"op": "replace", "path": "userName", "value": "test.user@okta.local"}),
    )
    assert_error(response, 409, "uniqueness")


def test_freed_user_name_can_be_reused(scim: Scim, okta_user: Json) -> None:
    """After a rename, the old userName is free again (the index follows the change)."""
    scim.put(f"/Users/{okta_user['id']}", user_body("renamed@okta.local")).raise_for_status()
    again = scim.create_user("test.user@okta.local")
    assert [u["id"] for u in lookup(scim, "test.user%40okta.local")] == [again["id"]]
    assert [u["id"] for u in lookup(scim, "renamed%40okta.local")] == [okta_user["id"]]


# -- PUT (okta-requests.md §6, §7) ----------------------------------------------------------


def okta_put_body(user: Json, **changes: Any) -> Json:
    """okta-requests.md §6: the SP's GET response with Okta's changes, echoing id and meta."""
    body: Json = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": user["id"],
        "userName": "test.user@okta.local",
        "name": {"givenName": "Another", "middleName": "Excited", "familyName": "User"},
        "emails": [
            {
                "primary": True,
                "value": "test.user@okta.local",
                "type": "work",
                "display": "test.user@okta.local",
            }
        ],
        "active": True,
        "groups": [],
        "meta": {"resourceType": "User"},
    }
    body.update(changes)
    return body


def test_okta_put_replaces_the_user(scim: Scim, okta_user: Json) -> None:
    """PUT replaces: sent attributes are stored, omitted ones are removed, id and meta.created kept."""
    uid = okta_user["id"]
    response = scim.put(f"/Users/{uid}", okta_put_body(okta_user))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(SCIM_JSON)
    updated = response.json()
    assert updated["id"] == uid
    assert updated["name"] == {"givenName": "Another", "middleName": "Excited", "familyName": "User"}
    assert updated["emails"][0]["display"] == "test.user@okta.local"
    # §6's body has no displayName, locale or externalId: a replace removes them.
    for omitted in ("displayName", "locale", "externalId", "password", "groups"):
        assert omitted not in updated, omitted
    assert updated["meta"]["created"] == okta_user["meta"]["created"]
    assert updated["meta"]["lastModified"] >= okta_user["meta"]["lastModified"]
    assert updated["meta"]["location"] == okta_user["meta"]["location"]
    assert scim.fetch("Users", uid) == updated
    # The removed externalId is free again.
    scim.create_user("someone@okta.local", externalId=okta_user["externalId"])


def test_put_active_false_deactivates_and_true_reactivates(scim: Scim, okta_user: Json) -> None:
    """AIW deactivation is a PUT of the full resource with active false (okta-requests.md §7)."""
    uid = okta_user["id"]
    current = scim.fetch("Users", uid)
    deactivated = scim.put(f"/Users/{uid}", {**current, "active": False, "password": "x"})
    assert deactivated.status_code == 200, deactivated.text
    assert deactivated.json()["active"] is False
    assert scim.fetch("Users", uid)["active"] is False
    current = scim.fetch("Users", uid)
    reactivated = scim.put(f"/Users/{uid}", {**current, "active": True})
    assert reactivated.json()["active"] is True
    assert {k: v for k, v in reactivated.json().items() if k != "meta"} == {
        k: v for k, v in okta_user.items() if k != "meta"
    }


def test_put_echoing_a_different_id_keeps_the_path_id(scim: Scim, okta_user: Json) -> None:
    """id is readOnly: the resource is the one in the path, whatever id the body echoes."""
    response = scim.put(f"/Users/{okta_user['id']}", okta_put_body(okta_user, id="someone-else"))
    assert response.status_code == 200, response.text
    assert response.json()["id"] == okta_user["id"]


def test_put_without_user_name_is_400(scim: Scim, okta_user: Json) -> None:
    """userName is required (RFC 7643 §4.1.1), in a replacement too."""
    body = okta_put_body(okta_user)
    del body["userName"]
    assert_error(scim.put(f"/Users/{okta_user['id']}", body), 400, "invalidValue")
    assert scim.fetch("Users", okta_user["id"]) == okta_user


# -- DELETE (CONTRACT §3: Okta never deletes users) -------------------------------------------


def test_delete_user_is_405_with_allow(scim: Scim, okta_user: Json) -> None:
    """DELETE /Users/{id} is not part of the contract: 405 SCIM Error with an Allow header; user kept."""
    response = scim.delete(f"/Users/{okta_user['id']}")
    assert_error(response, 405)
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert allowed == {"GET", "PUT", "PATCH"}
    assert scim.fetch("Users", okta_user["id"]) == okta_user


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/Users", {"GET", "POST"}),
        ("PUT", "/Users", {"GET", "POST"}),
        ("POST", "/Users/x", {"GET", "PUT", "PATCH"}),
        ("PATCH", "/Groups", {"GET", "POST"}),
        ("POST", "/Groups/x", {"GET", "PUT", "PATCH", "DELETE"}),
        ("POST", "/ServiceProviderConfig", {"GET"}),
        ("DELETE", "/Schemas", {"GET"}),
    ],
)
def test_unsupported_methods_are_405(scim: Scim, method: str, path: str, allowed: set[str]) -> None:
    response = scim.request(method, path)
    assert_error(response, 405)
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed
