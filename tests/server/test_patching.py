"""Tests for PATCH paths and PatchOp application (RFC 7644 §3.5.2) with Okta's bodies."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scim_conformance.server.definitions import resource_types
from scim_conformance.server.errors import ScimError
from scim_conformance.server.filtering import AttrPath, Compare, Or
from scim_conformance.server.patching import PatchPath, apply_patch, parse_path
from scim_conformance.spec import ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, Json

USER = resource_types()["User"]
GROUP = resource_types()["Group"]

ALICE: Json = {
    "schemas": [USER_SCHEMA],
    "id": "u1",
    "userName": "Alice@Example.com",
    "name": {"givenName": "Alice", "familyName": "Liddell"},
    "emails": [{"value": "a@x.org", "type": "work", "primary": True}],
    "active": True,
    "meta": {
        "resourceType": "User",
        "created": "2024-01-01T00:00:00Z",
        "lastModified": "2024-01-01T00:00:00Z",
    },
}

MEMBER_1 = "89bb1940-b905-4575-9e7f-6f887cfb368e"
MEMBER_2 = "23a35c27-23d3-4c03-b4c5-6443c09e7173"
GID = "abf4dd94-a4c0-4f67-89c9-76b03340cb9b"

TEAM: Json = {
    "schemas": [GROUP_SCHEMA],
    "id": GID,
    "displayName": "Test SCIMv2",
    "members": [{"value": MEMBER_1, "display": "old.user@okta.local"}],
    "meta": {"resourceType": "Group"},
}


def patch(*operations: Any) -> Json:
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def applied(resource: Json, *operations: Any, rt: Any = USER) -> Json:
    before = copy.deepcopy(resource)
    result = apply_patch(resource, patch(*operations), rt)
    assert resource == before, "apply_patch must not modify its input"
    return result


def refused(resource: Json, body: object, scim_type: str, rt: Any = USER) -> str:
    before = copy.deepcopy(resource)
    with pytest.raises(ScimError) as caught:
        apply_patch(resource, body, rt)
    assert resource == before
    assert caught.value.status == 400
    assert caught.value.scim_type == scim_type, caught.value.detail
    return caught.value.detail


def without(resource: Json, *keys: str) -> Json:
    return {k: v for k, v in resource.items() if k not in keys}


# --- parse_path -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("userName", PatchPath(None, "userName")),
        ("name.givenName", PatchPath(None, "name", None, "givenName")),
        ("members", PatchPath(None, "members")),
        (
            'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
            PatchPath(
                None,
                "members",
                Compare(AttrPath(None, "value"), "eq", "2819c223-7f76-453a-919d-413861904646"),
            ),
        ),
        (
            'addresses[type eq "work"].streetAddress',
            PatchPath(None, "addresses", Compare(AttrPath(None, "type"), "eq", "work"), "streetAddress"),
        ),
        (
            'emails[type eq "work" or type eq "home"].value',
            PatchPath(
                None,
                "emails",
                Or(
                    Compare(AttrPath(None, "type"), "eq", "work"),
                    Compare(AttrPath(None, "type"), "eq", "home"),
                ),
                "value",
            ),
        ),
        (
            f"{ENTERPRISE_USER_SCHEMA}:manager.value",
            PatchPath(ENTERPRISE_USER_SCHEMA, "manager", None, "value"),
        ),
        (f"{USER_SCHEMA}:userName", PatchPath(USER_SCHEMA, "userName")),
        ("  userName  ", PatchPath(None, "userName")),
        ("USERNAME", PatchPath(None, "USERNAME")),
    ],
)
def test_parse_path(text: str, expected: PatchPath) -> None:
    assert parse_path(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "a.b.c",
        ".userName",
        "userName.",
        "userName eq",
        'userName eq "x"',
        "userName pr",
        "(userName)",
        "members]",
        'members [value eq "x"]',
        'members[value eq "x"] .display',
        'members[value eq "x"]display',
        'members[value eq "x"].display.x',
        'members[value eq "x"][type eq "y"]',
        'name.givenName[value eq "x"]',
        "urn::userName",
        "user name",
        '"userName"',
    ],
)
def test_malformed_paths_are_invalid_path(text: str) -> None:
    with pytest.raises(ScimError) as caught:
        parse_path(text)
    assert (caught.value.status, caught.value.scim_type) == (400, "invalidPath")


@pytest.mark.parametrize(
    "text",
    [
        "members[",
        "members[]",
        "members[value eq]",
        "members[value]",
        'members[value eq "x"',
        "members[value eq x]",
        "emails[(]",
    ],
)
def test_malformed_path_filters_are_invalid_filter(text: str) -> None:
    # RFC 7644 §3.12 lists "PATCH (Path Filter)" among the uses of invalidFilter.
    with pytest.raises(ScimError) as caught:
        parse_path(text)
    assert (caught.value.status, caught.value.scim_type) == (400, "invalidFilter")


# --- body structure -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "patch",
        {},
        {"Operations": [{"op": "replace", "value": {"active": False}}]},
        {"schemas": PATCH_OP, "Operations": [{"op": "replace", "value": {"active": False}}]},
        {"schemas": [USER_SCHEMA], "Operations": [{"op": "replace", "value": {"active": False}}]},
        {"schemas": [PATCH_OP]},
        {"schemas": [PATCH_OP], "Operations": []},
        {"schemas": [PATCH_OP], "Operations": {"op": "replace", "value": {"active": False}}},
        {"schemas": [PATCH_OP], "Operations": ["replace"]},
        {"schemas": [PATCH_OP], "Operations": [None]},
        patch({"path": "active", "value": False}),
        patch({"op": "update", "path": "active", "value": False}),
        patch({"op": "move", "path": "active", "value": False}),
        patch({"op": "test", "path": "active", "value": False}),
        patch({"op": ["replace"], "path": "active", "value": False}),
        patch({"op": "replace", "path": 5, "value": False}),
        patch({"op": "replace", "path": ["active"], "value": False}),
        patch({"op": "replace", "value": {"active": False}}, {"op": "bogus"}),
    ],
)
def test_malformed_bodies_are_invalid_syntax(body: object) -> None:
    refused(ALICE, body, "invalidSyntax")


@pytest.mark.parametrize("op", ["replace", "Replace", "REPLACE", "rEpLaCe"])
def test_op_is_case_insensitive(op: str) -> None:
    # Entra sends "Replace"; Okta sends "replace" (okta-requests.md §11).
    assert applied(ALICE, {"op": op, "path": "active", "value": False})["active"] is False


def test_message_keys_are_case_insensitive() -> None:
    body = {"SCHEMAS": [PATCH_OP.upper()], "operations": [{"OP": "Add", "Path": "title", "VALUE": "Boss"}]}
    assert apply_patch(ALICE, body, USER)["title"] == "Boss"


def test_patch_op_urn_among_other_schemas() -> None:
    body = {"schemas": [USER_SCHEMA, PATCH_OP], "Operations": [{"op": "add", "path": "title", "value": "X"}]}
    assert apply_patch(ALICE, body, USER)["title"] == "X"


@pytest.mark.parametrize("op", ["add", "replace"])
def test_add_and_replace_need_a_value(op: str) -> None:
    refused(ALICE, patch({"op": op, "path": "title"}), "invalidValue")
    refused(ALICE, patch({"op": op}), "invalidValue")


@pytest.mark.parametrize("value", [False, "x", ["a"], 1, None])
def test_without_path_the_value_must_be_an_object(value: Any) -> None:
    refused(ALICE, patch({"op": "replace", "value": value}), "invalidValue")


def test_remove_without_path_is_no_target() -> None:
    # RFC 7644 §3.5.2.2.
    refused(ALICE, patch({"op": "remove"}), "noTarget")
    refused(ALICE, patch({"op": "remove", "value": {"title": "x"}}), "noTarget")
    refused(ALICE, patch({"op": "remove", "path": None}), "noTarget")


# --- Okta's bodies, verbatim (okta-requests.md §7, §8) ------------------------------------------------


def test_okta_deactivate() -> None:
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": False}}],
    }
    result = apply_patch(ALICE, body, USER)
    assert result == {**ALICE, "active": False}


def test_okta_reactivate() -> None:
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": True}}],
    }
    assert apply_patch({**ALICE, "active": False}, body, USER) == ALICE


def test_okta_group_rename_echoes_the_id() -> None:
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"id": GID, "displayName": "New Name"}}],
    }
    assert apply_patch(TEAM, body, GROUP) == {**TEAM, "displayName": "New Name"}


def test_okta_group_rename_with_another_id_is_refused() -> None:
    body = patch({"op": "replace", "value": {"id": "other", "displayName": "New Name"}})
    assert "id" in refused(TEAM, body, "mutability", GROUP)


def test_okta_membership_update() -> None:
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "remove", "path": 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]'},
            {
                "op": "add",
                "path": "members",
                "value": [
                    {"value": "23a35c27-23d3-4c03-b4c5-6443c09e7173", "display": "test.user@okta.local"}
                ],
            },
        ],
    }
    result = apply_patch(TEAM, body, GROUP)
    assert result["members"] == [{"value": MEMBER_2, "display": "test.user@okta.local"}]
    assert apply_patch(result, body, GROUP) == result  # a retried PATCH changes nothing


def test_okta_several_removes_then_one_add() -> None:
    group = {**TEAM, "members": [{"value": "m1"}, {"value": "m2"}, {"value": "m3"}, {"value": "m4"}]}
    body = patch(
        {"op": "remove", "path": 'members[value eq "m1"]'},
        {"op": "remove", "path": 'members[value eq "m3"]'},
        {"op": "remove", "path": 'members[value eq "m9"]'},  # not a member: not an error
        {"op": "add", "path": "members", "value": [{"value": "m5", "display": "five"}]},
    )
    result = applied(group, *body["Operations"], rt=GROUP)
    assert result["members"] == [{"value": "m2"}, {"value": "m4"}, {"value": "m5", "display": "five"}]


def test_okta_removing_the_last_member_unassigns_members() -> None:
    result = applied(TEAM, {"op": "remove", "path": f'members[value eq "{MEMBER_1}"]'}, rt=GROUP)
    assert "members" not in result
    again = applied(result, {"op": "remove", "path": f'members[value eq "{MEMBER_1}"]'}, rt=GROUP)
    assert again == result


def test_okta_full_push_replaces_members() -> None:
    members = [
        {"value": MEMBER_2, "display": "test.user@okta.local"},
        {"value": "u3", "display": "u3@okta.local"},
    ]
    result = applied(TEAM, {"op": "replace", "path": "members", "value": members}, rt=GROUP)
    assert result["members"] == members


def test_okta_full_push_with_no_members() -> None:
    result = applied(TEAM, {"op": "replace", "path": "members", "value": []}, rt=GROUP)
    assert result == without(TEAM, "members")


def test_okta_add_members_to_a_new_group() -> None:
    # okta-requests.md §8: POST with "members":[] then PATCH add (the 2021 OIN capture).
    group = without(TEAM, "members")
    value = [{"value": MEMBER_2, "display": "test.user@okta.local"}]
    assert applied(group, {"op": "add", "path": "members", "value": value}, rt=GROUP)["members"] == value


def test_okta_adding_a_present_member_does_not_duplicate_it() -> None:
    value = [{"value": MEMBER_1, "display": "renamed@okta.local"}, {"value": MEMBER_1}]
    result = applied(TEAM, {"op": "add", "path": "members", "value": value}, rt=GROUP)
    # members.display is immutable (RFC 7643 §8.7.1): the element stays as it is.
    assert result["members"] == TEAM["members"]


def test_remove_members_by_value_list() -> None:
    # The common non-RFC form: {"op":"remove","path":"members","value":[{"value":"id"}]}.
    group = {**TEAM, "members": [{"value": "m1", "display": "one"}, {"value": "m2"}, {"value": "m3"}]}
    result = applied(
        group, {"op": "Remove", "path": "members", "value": [{"value": "m1"}, {"value": "m3"}]}, rt=GROUP
    )
    assert result["members"] == [{"value": "m2"}]
    single = applied(group, {"op": "remove", "path": "members", "value": {"value": "m2"}}, rt=GROUP)
    assert [m["value"] for m in single["members"]] == ["m1", "m3"]
    gone = applied(group, {"op": "remove", "path": "members", "value": group["members"]}, rt=GROUP)
    assert "members" not in gone


# --- RFC 7644 §3.5.2.1 add ---------------------------------------------------------------------------


def test_rfc_add_member() -> None:
    value = [
        {
            "display": "Babs Jensen",
            "$ref": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
            "value": "2819c223-7f76-453a-919d-413861904646",
        }
    ]
    result = applied(TEAM, {"op": "add", "path": "members", "value": value}, rt=GROUP)
    assert result["members"] == [*TEAM["members"], value[0]]


def test_rfc_add_without_path() -> None:
    # RFC 7644 §3.5.2.1 example; note the lower-case "nickname", written under the schema's name.
    op = {
        "op": "add",
        "value": {"emails": [{"value": "babs@jensen.org", "type": "home"}], "nickname": "Babs"},
    }
    result = applied(ALICE, op)
    assert result["nickName"] == "Babs" and "nickname" not in result
    assert result["emails"] == [*ALICE["emails"], {"value": "babs@jensen.org", "type": "home"}]


def test_add_single_valued_replaces() -> None:
    assert applied(ALICE, {"op": "add", "path": "userName", "value": "bob"})["userName"] == "bob"


def test_add_single_element_without_a_list() -> None:
    result = applied(ALICE, {"op": "add", "path": "emails", "value": {"value": "b@x.org", "type": "home"}})
    assert result["emails"][-1] == {"value": "b@x.org", "type": "home"}


def test_add_exact_duplicate_is_skipped() -> None:
    result = applied(ALICE, {"op": "add", "path": "emails", "value": ALICE["emails"]})
    assert result == ALICE


def test_add_same_value_merges_into_the_element() -> None:
    result = applied(
        ALICE,
        {"op": "add", "path": "emails", "value": [{"value": "a@x.org", "type": "work", "display": "A"}]},
    )
    assert result["emails"] == [{"value": "a@x.org", "type": "work", "primary": True, "display": "A"}]


def test_add_new_primary_clears_the_old_one() -> None:
    # RFC 7643 §2.4: at most one primary value.
    result = applied(ALICE, {"op": "add", "path": "emails", "value": [{"value": "b@x.org", "primary": True}]})
    assert [e.get("primary") for e in result["emails"]] == [False, True]


def test_add_complex_merges_sub_attributes() -> None:
    result = applied(ALICE, {"op": "add", "path": "name", "value": {"middleName": "P", "GIVENNAME": "Al"}})
    assert result["name"] == {"givenName": "Al", "familyName": "Liddell", "middleName": "P"}


def test_add_sub_attribute_creates_the_parent() -> None:
    result = applied(without(ALICE, "name"), {"op": "add", "path": "name.givenName", "value": "Al"})
    assert result["name"] == {"givenName": "Al"}


def test_add_sub_attribute_to_every_element() -> None:
    user = {**ALICE, "emails": [{"value": "a@x.org"}, {"value": "b@x.org"}]}
    result = applied(user, {"op": "add", "path": "emails.type", "value": "work"})
    assert result["emails"] == [{"value": "a@x.org", "type": "work"}, {"value": "b@x.org", "type": "work"}]
    created = applied(without(ALICE, "emails"), {"op": "add", "path": "emails.value", "value": "c@x.org"})
    assert created["emails"] == [{"value": "c@x.org"}]


def test_add_with_value_filter_updates_matching_elements() -> None:
    result = applied(ALICE, {"op": "add", "path": 'emails[type eq "work"].display', "value": "Work"})
    assert result["emails"][0]["display"] == "Work"


# --- RFC 7644 §3.5.2.3 replace -----------------------------------------------------------------------

BJENSEN: Json = {
    "schemas": [USER_SCHEMA],
    "id": "2819c223-7f76-453a-919d-413861904646",
    "userName": "bjensen",
    "addresses": [
        {
            "type": "work",
            "streetAddress": "100 Universal City Plaza",
            "locality": "Hollywood",
            "primary": True,
        },
        {"type": "home", "streetAddress": "456 Hollywood Blvd", "locality": "Hollywood"},
    ],
    "emails": [
        {"value": "bjensen@example.com", "type": "work"},
        {"value": "babs@jensen.org", "type": "home"},
    ],
}


def test_rfc_replace_members() -> None:
    value = [
        {
            "display": "Babs Jensen",
            "$ref": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
            "value": "2819c223-7f76-453a-919d-413861904646",
        },
        {
            "display": "James Smith",
            "$ref": "https://example.com/v2/Users/08e1d05d-121c-4561-8b96-473d93df9210",
            "value": "08e1d05d-121c-4561-8b96-473d93df9210",
        },
    ]
    assert applied(TEAM, {"op": "replace", "path": "members", "value": value}, rt=GROUP)["members"] == value


def test_rfc_replace_filtered_element() -> None:
    value = {
        "type": "work",
        "streetAddress": "911 Universal City Plaza",
        "locality": "Hollywood",
        "region": "CA",
        "postalCode": "91608",
        "country": "US",
        "formatted": "911 Universal City Plaza\nHollywood, CA 91608 US",
        "primary": True,
    }
    result = applied(BJENSEN, {"op": "replace", "path": 'addresses[type eq "work"]', "value": value})
    assert result["addresses"] == [value, BJENSEN["addresses"][1]]


def test_rfc_replace_filtered_sub_attribute() -> None:
    op = {"op": "replace", "path": 'addresses[type eq "work"].streetAddress', "value": "1010 Broadway Ave"}
    result = applied(BJENSEN, op)
    assert result["addresses"][0]["streetAddress"] == "1010 Broadway Ave"
    assert result["addresses"][1] == BJENSEN["addresses"][1]


def test_rfc_replace_without_path() -> None:
    op = {
        "op": "replace",
        "value": {
            "emails": [{"value": "bjensen@example.com", "type": "work", "primary": True}],
            "nickname": "Babs",
        },
    }
    result = applied(BJENSEN, op)
    assert result["emails"] == [{"value": "bjensen@example.com", "type": "work", "primary": True}]
    assert result["nickName"] == "Babs"


def test_replace_filter_without_a_match_is_no_target() -> None:
    op = {"op": "replace", "path": 'emails[type eq "other"].value', "value": "x@x.org"}
    refused(ALICE, patch(op), "noTarget")
    refused(without(ALICE, "emails"), patch(op), "noTarget")


def test_replace_filter_merges_into_every_match() -> None:
    user = {**ALICE, "emails": [{"value": "a@x.org", "type": "work"}, {"value": "b@x.org", "type": "work"}]}
    result = applied(user, {"op": "replace", "path": 'emails[type eq "work"]', "value": {"type": "home"}})
    assert [e["type"] for e in result["emails"]] == ["home", "home"]


def test_replace_filter_with_a_non_object_is_invalid_value() -> None:
    refused(ALICE, patch({"op": "replace", "path": 'emails[type eq "work"]', "value": "x"}), "invalidValue")


def test_replace_complex_keeps_unnamed_sub_attributes() -> None:
    # RFC 7644 §3.5.2.3: "Sub-attributes that are not specified in the value parameter are left unchanged."
    assert applied(ALICE, {"op": "replace", "path": "name", "value": {"givenName": "Al"}})["name"] == {
        "givenName": "Al",
        "familyName": "Liddell",
    }
    assert applied(ALICE, {"op": "replace", "value": {"name": {"givenName": "Al"}}})["name"] == {
        "givenName": "Al",
        "familyName": "Liddell",
    }


def test_replace_complex_with_a_non_object_is_invalid_value() -> None:
    refused(ALICE, patch({"op": "replace", "path": "name", "value": "Al"}), "invalidValue")


def test_replace_multi_valued_replaces_all_values() -> None:
    value = {"value": "z@x.org", "type": "home"}
    assert applied(ALICE, {"op": "replace", "path": "emails", "value": value})["emails"] == [value]


def test_replace_with_null_or_empty_unassigns() -> None:
    # RFC 7643 §2.5: null and an empty array mean unassigned.
    assert "name" not in applied(ALICE, {"op": "replace", "path": "name", "value": None})
    assert "emails" not in applied(ALICE, {"op": "replace", "path": "emails", "value": []})
    assert (
        "givenName" not in applied(ALICE, {"op": "replace", "path": "name.givenName", "value": None})["name"]
    )
    assert "active" not in applied(ALICE, {"op": "replace", "value": {"active": None}})
    assert applied(ALICE, {"op": "replace", "path": "name", "value": {"givenName": None}})["name"] == {
        "familyName": "Liddell"
    }


def test_replace_sub_attribute_on_every_element() -> None:
    user = {**ALICE, "emails": [{"value": "a@x.org", "type": "work"}, {"value": "b@x.org", "type": "home"}]}
    result = applied(user, {"op": "replace", "path": "emails.type", "value": "other"})
    assert [e["type"] for e in result["emails"]] == ["other", "other"]
    primaries = applied(user, {"op": "replace", "path": "emails.primary", "value": True})
    assert [e["primary"] for e in primaries["emails"]] == [False, True]


def test_replace_filter_making_another_element_primary() -> None:
    user = {**ALICE, "emails": [*ALICE["emails"], {"value": "b@x.org", "type": "home"}]}
    result = applied(user, {"op": "replace", "path": 'emails[type eq "home"].primary', "value": True})
    assert [e["primary"] for e in result["emails"]] == [False, True]


def test_value_filters_honour_case_exact() -> None:
    # emails.type is caseExact=false, so "WORK" matches "work".
    result = applied(ALICE, {"op": "replace", "path": 'emails[type eq "WORK"].value', "value": "w@x.org"})
    assert result["emails"][0]["value"] == "w@x.org"


def test_entra_style_operations() -> None:
    ops = [
        {"op": "Replace", "path": "displayName", "value": "Alice L."},
        {"op": "Add", "path": "name.givenName", "value": "Al"},
        {"op": "Replace", "path": f"{ENTERPRISE_USER_SCHEMA}:employeeNumber", "value": "42"},
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "al@x.org"},
        {"op": "Replace", "value": {"name.familyName": "L", f"{ENTERPRISE_USER_SCHEMA}:department": "R&D"}},
    ]
    result = applied(ALICE, *ops)
    assert result["displayName"] == "Alice L."
    assert result["name"] == {"givenName": "Al", "familyName": "L"}
    assert result[ENTERPRISE_USER_SCHEMA] == {"employeeNumber": "42", "department": "R&D"}
    assert result["schemas"] == [USER_SCHEMA, ENTERPRISE_USER_SCHEMA]
    assert result["emails"][0]["value"] == "al@x.org"


# --- RFC 7644 §3.5.2.2 remove -----------------------------------------------------------------------


def test_rfc_remove_single_member() -> None:
    group = {**TEAM, "members": [{"value": "2819c223-7f76-453a-919d-413861904646"}, {"value": "x"}]}
    op = {"op": "remove", "path": 'members[value eq "2819c223-7f76-453a-919d-413861904646"]'}
    assert applied(group, op, rt=GROUP)["members"] == [{"value": "x"}]


def test_rfc_remove_all_members() -> None:
    assert applied(TEAM, {"op": "remove", "path": "members"}, rt=GROUP) == without(TEAM, "members")


def test_rfc_remove_then_add_to_replace_members() -> None:
    value = [{"value": "2819c223-7f76-453a-919d-413861904646", "display": "Babs Jensen"}]
    result = applied(
        TEAM, {"op": "remove", "path": "members"}, {"op": "add", "path": "members", "value": value}, rt=GROUP
    )
    assert result["members"] == value


def test_rfc_remove_with_a_compound_filter() -> None:
    op = {"op": "remove", "path": 'emails[type eq "work" and value ew "example.com"]'}
    assert applied(BJENSEN, op)["emails"] == [{"value": "babs@jensen.org", "type": "home"}]


def test_rfc_remove_x509_certificate() -> None:
    cert = "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx"
    user = {**ALICE, "x509Certificates": [{"value": cert}, {"value": "other"}]}
    result = applied(user, {"op": "remove", "path": f'x509Certificates[value eq "{cert}"]'})
    assert result["x509Certificates"] == [{"value": "other"}]


@pytest.mark.parametrize(
    ("path", "check"),
    [
        ("title", lambda r: r == ALICE),  # absent: nothing to do
        ("name.givenName", lambda r: r["name"] == {"familyName": "Liddell"}),
        ("name", lambda r: "name" not in r),
        ("emails.primary", lambda r: r["emails"] == [{"value": "a@x.org", "type": "work"}]),
        ('emails[type eq "work"].primary', lambda r: r["emails"] == [{"value": "a@x.org", "type": "work"}]),
        ('emails[type eq "home"]', lambda r: r == ALICE),
        ('emails[type eq "work"]', lambda r: "emails" not in r),
        ("USERNAME", lambda r: "userName" not in r),
        (f"{USER_SCHEMA}:active", lambda r: "active" not in r),
        (f"{ENTERPRISE_USER_SCHEMA}:employeeNumber", lambda r: r == ALICE),
        (ENTERPRISE_USER_SCHEMA, lambda r: r == ALICE),
    ],
)
def test_remove(path: str, check: Any) -> None:
    assert check(applied(ALICE, {"op": "remove", "path": path}))


def test_remove_ignores_value_for_single_valued_attributes() -> None:
    assert "active" not in applied(ALICE, {"op": "remove", "path": "active", "value": True})


def test_remove_sub_attribute_emptying_elements_drops_them() -> None:
    user = {**ALICE, "emails": [{"value": "a@x.org"}, {"value": "b@x.org", "type": "home"}]}
    assert applied(user, {"op": "remove", "path": "emails.value"})["emails"] == [{"type": "home"}]
    only = applied(user, {"op": "remove", "path": 'emails[type eq "home"].type'})
    assert only["emails"] == [{"value": "a@x.org"}, {"value": "b@x.org"}]
    assert "emails" not in applied(
        user, {"op": "remove", "path": "emails[value pr].value"} | {"path": "emails"}
    )


# --- extensions -------------------------------------------------------------------------------------


def test_extension_object_without_path() -> None:
    op = {"op": "add", "value": {ENTERPRISE_USER_SCHEMA: {"employeeNumber": "7", "manager": {"value": "m1"}}}}
    result = applied(ALICE, op)
    assert result[ENTERPRISE_USER_SCHEMA] == {"employeeNumber": "7", "manager": {"value": "m1"}}
    assert result["schemas"] == [USER_SCHEMA, ENTERPRISE_USER_SCHEMA]


def test_extension_as_the_path() -> None:
    op = {"op": "replace", "path": ENTERPRISE_USER_SCHEMA, "value": {"costCenter": "4130"}}
    result = applied(ALICE, op)
    assert result[ENTERPRISE_USER_SCHEMA] == {"costCenter": "4130"}
    removed = applied(result, {"op": "remove", "path": ENTERPRISE_USER_SCHEMA})
    assert removed == ALICE


def test_removing_the_last_extension_attribute_drops_the_extension() -> None:
    user = {
        **ALICE,
        "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        ENTERPRISE_USER_SCHEMA: {"division": "x"},
    }
    result = applied(user, {"op": "remove", "path": f"{ENTERPRISE_USER_SCHEMA}:division"})
    assert result == ALICE


def test_extension_sub_attribute_and_case_insensitive_urn() -> None:
    user = {**ALICE, ENTERPRISE_USER_SCHEMA.lower(): {"division": "x"}}
    op = {"op": "add", "path": f"{ENTERPRISE_USER_SCHEMA.upper()}:manager.value", "value": "m2"}
    result = applied(user, op)
    assert result[ENTERPRISE_USER_SCHEMA] == {"division": "x", "manager": {"value": "m2"}}
    assert ENTERPRISE_USER_SCHEMA.lower() not in result


def test_extension_set_to_null_is_removed() -> None:
    user = {
        **ALICE,
        "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        ENTERPRISE_USER_SCHEMA: {"division": "x"},
    }
    assert applied(user, {"op": "replace", "value": {ENTERPRISE_USER_SCHEMA: None}}) == ALICE


def test_extension_value_must_be_an_object() -> None:
    refused(ALICE, patch({"op": "add", "value": {ENTERPRISE_USER_SCHEMA: "x"}}), "invalidValue")
    refused(ALICE, patch({"op": "add", "path": ENTERPRISE_USER_SCHEMA, "value": ["x"]}), "invalidValue")


def test_core_schema_urn_as_a_value_key() -> None:
    result = applied(ALICE, {"op": "replace", "value": {USER_SCHEMA: {"userName": "bob"}}})
    assert result["userName"] == "bob"


# --- names ---------------------------------------------------------------------------------------------


def test_attribute_names_are_written_canonically() -> None:
    user = {**without(ALICE, "userName"), "username": "old"}
    result = applied(user, {"op": "replace", "path": "USERNAME", "value": "new"})
    assert result["userName"] == "new" and "username" not in result and "USERNAME" not in result
    emails = applied(
        ALICE, {"op": "replace", "path": "EMAILS", "value": [{"VALUE": "z@x.org", "Type": "work"}]}
    )
    assert emails["emails"] == [{"value": "z@x.org", "type": "work"}]


def test_existing_keys_keep_their_place() -> None:
    result = applied(ALICE, {"op": "replace", "value": {"userName": "bob", "active": False}})
    assert list(result) == list(ALICE)


def test_schemas_in_a_value_object_is_ignored() -> None:
    op = {"op": "replace", "value": {"schemas": ["urn:evil"], "displayName": "A"}}
    assert applied(ALICE, op)["schemas"] == [USER_SCHEMA]


def test_unknown_sub_attribute_keys_inside_values_are_kept_for_validation() -> None:
    result = applied(ALICE, {"op": "add", "path": "emails", "value": [{"value": "b@x.org", "label": "x"}]})
    assert result["emails"][-1] == {"value": "b@x.org", "label": "x"}


@pytest.mark.parametrize(
    "operation",
    [
        {"op": "add", "path": "nosuch", "value": "x"},
        {"op": "replace", "path": "name.nosuch", "value": "x"},
        {"op": "remove", "path": "nosuch"},
        {"op": "remove", "path": "title.sub"},
        {"op": "replace", "path": "urn:example:unknown:1.0:User:x", "value": "x"},
        {"op": "replace", "path": "members", "value": []},  # a Group attribute, not a User one
        {"op": "replace", "path": 'userName[value eq "x"]', "value": "x"},
        {"op": "replace", "path": USER_SCHEMA, "value": {"userName": "x"}},
        {"op": "remove", "path": USER_SCHEMA},
        {"op": "replace", "path": "schemas", "value": [USER_SCHEMA]},
        {"op": "replace", "value": {"nosuch": "x"}},
        {"op": "replace", "value": {"name.nosuch": "x"}},
        {"op": "replace", "value": {"bad key": "x"}},
        {"op": "replace", "path": "a.b.c", "value": "x"},
        {"op": "replace", "path": "", "value": "x"},
    ],
)
def test_unknown_or_malformed_paths_are_invalid_path(operation: Json) -> None:
    refused(ALICE, patch(operation), "invalidPath")


@pytest.mark.parametrize(
    "path",
    ['emails[nosuch eq "x"]', 'emails[primary eq "yes"]', "emails[value gt true]", "emails[value eq]"],
)
def test_bad_path_filters_are_invalid_filter(path: str) -> None:
    refused(ALICE, patch({"op": "remove", "path": path}), "invalidFilter")


# --- readOnly ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "operation",
    [
        {"op": "replace", "value": {"id": "u1"}},
        {"op": "replace", "path": "id", "value": "u1"},
        {"op": "add", "path": "ID", "value": "u1"},
        {"op": "replace", "value": {"meta": {"resourceType": "User"}}},
        {"op": "replace", "path": "meta.created", "value": "2024-01-01T00:00:00Z"},
        {"op": "add", "value": {"groups": []}},
        {"op": "remove", "path": "groups"},
        {"op": "remove", "path": 'groups[value eq "g1"]'},
    ],
)
def test_read_only_echoes_are_ignored(operation: Json) -> None:
    assert applied(ALICE, operation) == ALICE


@pytest.mark.parametrize(
    "operation",
    [
        {"op": "replace", "value": {"id": "u2"}},
        {"op": "replace", "path": "id", "value": "u2"},
        {"op": "remove", "path": "id"},
        {"op": "replace", "path": "id", "value": None},
        {"op": "replace", "value": {"meta": {"resourceType": "Group"}}},
        {"op": "replace", "path": "meta.lastModified", "value": "2030-01-01T00:00:00Z"},
        {"op": "remove", "path": "meta.created"},
        {"op": "remove", "path": "meta"},
        {"op": "add", "path": "groups", "value": [{"value": "g1"}]},
    ],
)
def test_read_only_changes_are_mutability_errors(operation: Json) -> None:
    refused(ALICE, patch(operation), "mutability")


def test_user_groups_are_read_only() -> None:
    user = {**ALICE, "groups": [{"value": "g1", "display": "G"}]}
    assert applied(user, {"op": "add", "path": "groups", "value": [{"value": "g1", "display": "G"}]}) == user
    refused(user, patch({"op": "remove", "path": 'groups[value eq "g1"]'}), "mutability")
    refused(user, patch({"op": "replace", "path": "groups", "value": []}), "mutability")


# --- atomicity ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failing", "scim_type"),
    [
        ({"op": "replace", "path": "nosuch", "value": "x"}, "invalidPath"),
        ({"op": "replace", "path": 'emails[type eq "other"].value', "value": "x"}, "noTarget"),
        ({"op": "replace", "value": {"id": "other"}}, "mutability"),
        ({"op": "remove"}, "noTarget"),
        ({"op": "frobnicate"}, "invalidSyntax"),
    ],
)
def test_a_failing_operation_leaves_nothing_applied(failing: Json, scim_type: str) -> None:
    body = patch(
        {"op": "replace", "value": {"active": False}},
        {"op": "add", "path": "emails", "value": [{"value": "n@x.org"}]},
        failing,
    )
    resource = copy.deepcopy(ALICE)
    detail = refused(resource, body, scim_type)
    assert detail.startswith("Operations[2]: ")
    assert resource == ALICE


def test_the_result_shares_nothing_with_its_inputs() -> None:
    value = [{"value": MEMBER_2, "display": "x"}]
    body = patch({"op": "add", "path": "members", "value": value})
    group = copy.deepcopy(TEAM)
    result = apply_patch(group, body, GROUP)
    result["members"][0]["display"] = "changed"
    result["members"][1]["display"] = "changed"
    result["meta"]["resourceType"] = "changed"
    assert group == TEAM
    assert value == [{"value": MEMBER_2, "display": "x"}]


def test_operations_apply_in_order() -> None:
    result = applied(
        ALICE,
        {"op": "add", "path": "title", "value": "A"},
        {"op": "replace", "path": "title", "value": "B"},
        {"op": "remove", "path": "title"},
        {"op": "add", "path": "title", "value": "C"},
    )
    assert result["title"] == "C"


# --- properties -------------------------------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
_PATHS = st.one_of(
    st.sampled_from(
        [
            "userName",
            "name",
            "name.givenName",
            "emails",
            "emails.value",
            "emails.primary",
            'emails[type eq "work"]',
            'emails[type eq "work"].value',
            'emails[value co "@"]',
            "members",
            'members[value eq "m1"]',
            "id",
            "meta",
            "meta.created",
            "groups",
            "active",
            "schemas",
            ENTERPRISE_USER_SCHEMA,
            f"{ENTERPRISE_USER_SCHEMA}:manager",
            f"{ENTERPRISE_USER_SCHEMA}:manager.value",
            f"{USER_SCHEMA}:name.familyName",
            "x509Certificates[value pr]",
            "displayName",
        ]
    ),
    st.text(max_size=20),
)
_OPERATIONS = st.fixed_dictionaries(
    {"op": st.sampled_from(["add", "remove", "replace", "Add", "Replace", "bogus"])},
    optional={"path": _PATHS | _JSON, "value": _JSON},
)
_BODIES = st.one_of(
    _JSON,
    st.builds(patch),
    st.lists(_OPERATIONS | _JSON, min_size=1, max_size=5).map(lambda ops: patch(*ops)),
    st.fixed_dictionaries({"schemas": _JSON, "Operations": _JSON}),
)


def _resources() -> st.SearchStrategy[Json]:
    """Stored-looking users and groups, plus odd shapes under known names; shrink towards ALICE."""
    odd = st.dictionaries(
        st.sampled_from(["emails", "name", "meta", "members", ENTERPRISE_USER_SCHEMA]), _JSON
    )
    return st.one_of(
        st.just(ALICE), st.just(TEAM), st.just(BJENSEN), odd.map(lambda extra: {**ALICE, **extra})
    )


@pytest.mark.slow  # deep fuzzing: seconds; the fast loop keeps this module's other tests
@settings(max_examples=500)
@given(_resources(), _BODIES, st.sampled_from([USER, GROUP]))
def test_apply_patch_raises_only_scim_errors_and_never_mutates(resource: Json, body: Any, rt: Any) -> None:
    before = copy.deepcopy(resource)
    body_before = copy.deepcopy(body)
    try:
        result = apply_patch(resource, body, rt)
    except ScimError as error:
        assert error.status == 400
        assert error.scim_type in {
            "invalidSyntax",
            "invalidPath",
            "invalidFilter",
            "invalidValue",
            "noTarget",
            "mutability",
        }
    else:
        assert isinstance(result, dict)
        assert result.get("id") == resource.get("id")  # id is readOnly
    assert resource == before
    assert body == body_before


_MEMBER_IDS = st.lists(st.sampled_from(["m1", "m2", "m3", "m4", MEMBER_1, MEMBER_2]), max_size=4, unique=True)


@settings(max_examples=200)
@given(_MEMBER_IDS, _MEMBER_IDS, _MEMBER_IDS)
def test_okta_membership_patches_are_idempotent(
    current: list[str], removed: list[str], added: list[str]
) -> None:
    group = {**TEAM, "members": [{"value": m} for m in current]}
    ops: list[Json] = [{"op": "remove", "path": f'members[value eq "{m}"]'} for m in removed]
    ops.append({"op": "add", "path": "members", "value": [{"value": m, "display": m} for m in added]})
    once = apply_patch(group, patch(*ops), GROUP)
    # Multi-valued attributes are unordered (RFC 7643 §2.4): compare member sets.
    assert sorted(m["value"] for m in apply_patch(once, patch(*ops), GROUP).get("members", [])) == sorted(
        m["value"] for m in once.get("members", [])
    )
    expected = {m for m in current if m not in removed} | set(added)
    values = [m["value"] for m in once.get("members", [])]
    assert len(values) == len(set(values)) and set(values) == expected


@settings(max_examples=200)
@given(
    st.text(min_size=1), st.sampled_from(["userName", "displayName", "title", "USERNAME", "name.givenName"])
)
def test_replace_then_read_back(value: str, path: str) -> None:
    result = apply_patch(ALICE, patch({"op": "replace", "path": path, "value": value}), USER)
    name, _, sub = path.partition(".")
    attribute = USER.attribute(name)
    assert attribute is not None
    stored = result[attribute.name]
    if sub:
        sub_attribute = attribute.sub(sub)
        assert sub_attribute is not None
        stored = stored[sub_attribute.name]
    assert stored == value
