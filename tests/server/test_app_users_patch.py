"""PATCH /Users/{id} over HTTP: each RFC 7644 §3.5.2 form, and Okta's path-less ones (okta-requests.md §7)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_app import SCIM_JSON, Scim, assert_error, okta_create_body, patch_body, serving

from scim_conformance.spec import ENTERPRISE_USER_SCHEMA, USER_SCHEMA, Json

ENTERPRISE = ENTERPRISE_USER_SCHEMA


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


def patched(scim: Scim, uid: str, *operations: Json) -> Json:
    """PATCH the user and return the response body, checking it matches a later GET."""
    __tracebackhide__ = True
    response = scim.patch(f"/Users/{uid}", patch_body(*operations))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(SCIM_JSON)
    body: Json = response.json()
    assert scim.fetch("Users", uid) == body
    return body


@pytest.fixture
def rich_user(scim: Scim) -> Json:
    return scim.create_user(
        "babs@example.com",
        name={"givenName": "Barbara", "middleName": "Jane", "familyName": "Jensen"},
        nickName="Babs",
        emails=[
            {"value": "babs@example.com", "type": "work", "primary": True},
            {"value": "babs@home.example", "type": "home"},
        ],
        phoneNumbers=[{"value": "555-1234", "type": "work"}],
        **{ENTERPRISE: {"employeeNumber": "701984", "manager": {"value": "mgr-1"}}},
        schemas=[USER_SCHEMA, ENTERPRISE],
    )


def test_patch_okta_deactivate_and_reactivate(scim: Scim, okta_user: Json) -> None:
    """okta-oin deactivation: replace without path, value {"active": false} (okta-requests.md §7)."""
    uid = okta_user["id"]
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": False}}],
    }
    response = scim.patch(f"/Users/{uid}", body)
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False
    assert scim.fetch("Users", uid)["active"] is False
    assert patched(scim, uid, {"op": "replace", "value": {"active": True}})["active"] is True
    after = scim.fetch("Users", uid)
    assert {k: v for k, v in after.items() if k != "meta"} == {
        k: v for k, v in okta_user.items() if k != "meta"
    }


@pytest.mark.parametrize("op", ["replace", "Replace", "REPLACE", "rePlace"])
def test_patch_op_names_are_case_insensitive(scim: Scim, okta_user: Json, op: str) -> None:
    """Entra sends "Replace"; RFC 7644 ops are matched case-insensitively."""
    assert (
        patched(scim, okta_user["id"], {"op": op, "path": "displayName", "value": "X"})["displayName"] == "X"
    )


@pytest.mark.parametrize("case", [str.lower, str.capitalize, str.upper])
def test_each_op_keeps_its_meaning_in_any_case(scim: Scim, rich_user: Json, case: Any) -> None:
    """ "Add" still appends and "Remove" still removes: the op is compared after case-folding."""
    uid = rich_user["id"]
    added = patched(scim, uid, {"op": case("add"), "path": "emails", "value": [{"value": "n@x.example"}]})
    assert len(added["emails"]) == 3
    only = [{"value": "r@x.example"}]
    replaced = patched(scim, uid, {"op": case("replace"), "path": "emails", "value": only})
    assert replaced["emails"] == only
    assert "nickName" not in patched(scim, uid, {"op": case("remove"), "path": "nickName"})


def test_patch_add_with_path(scim: Scim, rich_user: Json) -> None:
    uid = rich_user["id"]
    assert patched(scim, uid, {"op": "add", "path": "title", "value": "Tour Guide"})["title"] == "Tour Guide"
    # add to a multi-valued attribute appends (RFC 7644 §3.5.2.1).
    emails = patched(
        scim, uid, {"op": "add", "path": "emails", "value": [{"value": "b@other.example", "type": "other"}]}
    )["emails"]
    assert [e["value"] for e in emails] == ["babs@example.com", "babs@home.example", "b@other.example"]
    # add of a complex single-valued attribute merges sub-attributes.
    name = patched(scim, uid, {"op": "add", "path": "name", "value": {"honorificPrefix": "Ms."}})["name"]
    assert name == {
        "givenName": "Barbara",
        "middleName": "Jane",
        "familyName": "Jensen",
        "honorificPrefix": "Ms.",
    }


def test_patch_add_without_path(scim: Scim, rich_user: Json) -> None:
    """Without a path, the value is an object of attributes to add (RFC 7644 §3.5.2.1)."""
    user = patched(
        scim,
        rich_user["id"],
        {"op": "add", "value": {"title": "Boss", "emails": [{"value": "x@y.example", "type": "other"}]}},
    )
    assert user["title"] == "Boss"
    assert [e["value"] for e in user["emails"]][-1] == "x@y.example"
    assert len(user["emails"]) == 3


def test_patch_add_existing_value_does_not_duplicate(scim: Scim, rich_user: Json) -> None:
    """RFC 7644 §3.5.2.1: adding a value already present SHOULD cause no change."""
    user = patched(
        scim,
        rich_user["id"],
        {"op": "add", "path": "emails", "value": [{"value": "babs@home.example", "type": "home"}]},
    )
    assert len(user["emails"]) == 2


def test_patch_replace_with_path(scim: Scim, rich_user: Json) -> None:
    uid = rich_user["id"]
    assert patched(scim, uid, {"op": "replace", "path": "nickName", "value": "B"})["nickName"] == "B"
    # replace of a multi-valued attribute without a filter replaces all values (§3.5.2.3).
    emails = patched(
        scim, uid, {"op": "replace", "path": "emails", "value": [{"value": "only@x.example", "type": "work"}]}
    )["emails"]
    assert emails == [{"value": "only@x.example", "type": "work"}]


def test_patch_replace_sub_attribute(scim: Scim, rich_user: Json) -> None:
    user = patched(scim, rich_user["id"], {"op": "replace", "path": "name.givenName", "value": "Babs"})
    assert user["name"] == {"givenName": "Babs", "middleName": "Jane", "familyName": "Jensen"}


def test_patch_replace_with_value_filter(scim: Scim, rich_user: Json) -> None:
    """emails[type eq "work"].value changes only the work email (RFC 7644 §3.5.2.3)."""
    user = patched(
        scim,
        rich_user["id"],
        {"op": "replace", "path": 'emails[type eq "work"].value', "value": "new@example.com"},
    )
    assert user["emails"] == [
        {"value": "new@example.com", "type": "work", "primary": True},
        {"value": "babs@home.example", "type": "home"},
    ]


def test_patch_replace_element_with_value_filter(scim: Scim, rich_user: Json) -> None:
    user = patched(
        scim,
        rich_user["id"],
        {
            "op": "replace",
            "path": 'emails[type eq "home"]',
            "value": {"value": "h2@home.example", "display": "Home"},
        },
    )
    assert user["emails"][1] == {"value": "h2@home.example", "type": "home", "display": "Home"}


def test_patch_value_filter_matching_nothing_is_no_target(scim: Scim, rich_user: Json) -> None:
    response = scim.patch(
        f"/Users/{rich_user['id']}",
        patch_body({"op": "replace", "path": 'emails[type eq "fax"].value', "value": "x"}),
    )
    assert_error(response, 400, "noTarget")


def test_patch_replace_without_path(scim: Scim, rich_user: Json) -> None:
    """Path-less replace with several attributes, a dotted key and a URN key (RFC 7644 §3.5.2.3)."""
    user = patched(
        scim,
        rich_user["id"],
        {
            "op": "replace",
            "value": {
                "displayName": "Babs J",
                "name.familyName": "Doe",
                ENTERPRISE: {"department": "Tour Operations"},
                f"{ENTERPRISE}:costCenter": "4130",
            },
        },
    )
    assert user["displayName"] == "Babs J"
    assert user["name"]["familyName"] == "Doe"
    assert user["name"]["givenName"] == "Barbara"
    assert user[ENTERPRISE] == {
        "employeeNumber": "701984",
        "manager": {"value": "mgr-1"},
        "department": "Tour Operations",
        "costCenter": "4130",
    }


def test_patch_remove_with_paths(scim: Scim, rich_user: Json) -> None:
    uid = rich_user["id"]
    assert "nickName" not in patched(scim, uid, {"op": "remove", "path": "nickName"})
    assert patched(scim, uid, {"op": "remove", "path": "name.middleName"})["name"] == {
        "givenName": "Barbara",
        "familyName": "Jensen",
    }
    emails = patched(scim, uid, {"op": "remove", "path": 'emails[type eq "home"]'})["emails"]
    assert emails == [{"value": "babs@example.com", "type": "work", "primary": True}]
    emails = patched(scim, uid, {"op": "remove", "path": 'emails[type eq "work"].primary'})["emails"]
    assert emails == [{"value": "babs@example.com", "type": "work"}]
    assert "phoneNumbers" not in patched(scim, uid, {"op": "remove", "path": "phoneNumbers"})
    # Removing what is absent is not an error: Okta retries are idempotent.
    assert "nickName" not in patched(scim, uid, {"op": "remove", "path": "nickName"})


def test_patch_extension_urn_paths(scim: Scim, rich_user: Json) -> None:
    """Paths qualified with the enterprise extension URN (RFC 7644 §3.5.2, §3.10)."""
    uid = rich_user["id"]
    user = patched(scim, uid, {"op": "replace", "path": f"{ENTERPRISE}:employeeNumber", "value": "42"})
    assert user[ENTERPRISE]["employeeNumber"] == "42"
    user = patched(scim, uid, {"op": "add", "path": f"{ENTERPRISE}:manager.value", "value": "mgr-2"})
    assert user[ENTERPRISE]["manager"] == {"value": "mgr-2"}
    user = patched(scim, uid, {"op": "remove", "path": f"{ENTERPRISE}:manager"})
    assert user[ENTERPRISE] == {"employeeNumber": "42"}
    # Removing the whole extension removes it from schemas too (RFC 7643 §3).
    user = patched(scim, uid, {"op": "remove", "path": ENTERPRISE})
    assert ENTERPRISE not in user
    assert user["schemas"] == [USER_SCHEMA]
    # Adding extension data on a user without it lists the URN in schemas.
    user = patched(scim, uid, {"op": "add", "path": f"{ENTERPRISE}:department", "value": "R&D"})
    assert user[ENTERPRISE] == {"department": "R&D"}
    assert user["schemas"] == [USER_SCHEMA, ENTERPRISE]


def test_patch_core_urn_qualified_path(scim: Scim, rich_user: Json) -> None:
    user = patched(
        scim, rich_user["id"], {"op": "replace", "path": f"{USER_SCHEMA}:displayName", "value": "Q"}
    )
    assert user["displayName"] == "Q"


def test_patch_attribute_names_are_case_insensitive(scim: Scim, rich_user: Json) -> None:
    """RFC 7643 §2.1: "NAME.GIVENNAME" is name.givenName; the stored key keeps the schema's case."""
    user = patched(scim, rich_user["id"], {"op": "replace", "path": "NAME.GIVENNAME", "value": "B"})
    assert user["name"]["givenName"] == "B"
    assert "NAME" not in user


def test_patch_is_atomic(scim: Scim, rich_user: Json) -> None:
    """A request whose second operation fails changes nothing (RFC 7644 §3.5.2)."""
    response = scim.patch(
        f"/Users/{rich_user['id']}",
        patch_body(
            {"op": "replace", "path": "displayName", "value": "Changed"},
            {"op": "replace", "path": "nope", "value": 1},
        ),
    )
    assert_error(response, 400, "invalidPath")
    assert scim.fetch("Users", rich_user["id"]) == rich_user


def test_patch_cannot_change_read_only_attributes(scim: Scim, okta_user: Json) -> None:
    """id and meta are readOnly: echoing them is fine, changing them is 400 mutability."""
    uid = okta_user["id"]
    patched(scim, uid, {"op": "replace", "value": {"id": uid, "active": False}})
    response = scim.patch(f"/Users/{uid}", patch_body({"op": "replace", "path": "id", "value": "other"}))
    assert_error(response, 400, "mutability")


def test_patch_invalid_value_type_is_400(scim: Scim, okta_user: Json) -> None:
    response = scim.patch(
        f"/Users/{okta_user['id']}", patch_body({"op": "replace", "value": {"active": "false"}})
    )
    assert_error(response, 400, "invalidValue")


def test_patch_removing_user_name_is_400(scim: Scim, okta_user: Json) -> None:
    """userName is required: a PATCH cannot leave the user without it."""
    response = scim.patch(f"/Users/{okta_user['id']}", patch_body({"op": "remove", "path": "userName"}))
    assert_error(response, 400, "invalidValue")
    assert scim.fetch("Users", okta_user["id"]) == okta_user


def test_patch_updates_last_modified_only(scim: Scim, okta_user: Json) -> None:
    user = patched(scim, okta_user["id"], {"op": "replace", "path": "locale", "value": "en_US"})
    assert user["meta"]["created"] == okta_user["meta"]["created"]
    assert user["meta"]["lastModified"] >= okta_user["meta"]["lastModified"]
    assert user["meta"]["location"] == okta_user["meta"]["location"]
