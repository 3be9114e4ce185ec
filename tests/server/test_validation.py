"""Tests for the reference server's input validation and output projection."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scim_conformance.okta.bodies import SAMPLE_CREATE_USER, SAMPLE_PUT_USER
from scim_conformance.server.definitions import AttributeDef, ResourceTypeDef, SchemaDef, resource_types
from scim_conformance.server.errors import ScimError
from scim_conformance.server.validation import prepare, project
from scim_conformance.spec import ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, Json

USER = resource_types()["User"]
GROUP = resource_types()["Group"]

# okta-requests.md §4, verbatim (the Okta create body, S1/S7).
OKTA_CREATE: Json = copy.deepcopy(SAMPLE_CREATE_USER)

# okta-requests.md §6, verbatim (the AIW profile-update PUT, echoing id and meta).
OKTA_PUT: Json = copy.deepcopy(SAMPLE_PUT_USER)

# okta-requests.md §8: group push with members.
OKTA_GROUP: Json = {
    "schemas": [GROUP_SCHEMA],
    "displayName": "Test SCIMv2",
    "members": [{"value": "23a35c27-23d3-4c03-b4c5-6443c09e7173", "display": "test.user@okta.local"}],
}


def user(**attributes: Any) -> Json:
    return {"schemas": [USER_SCHEMA], "userName": "bjensen", **attributes}


def rejected(rt: ResourceTypeDef, body: object, scim_type: str, *, current: Json | None = None) -> str:
    with pytest.raises(ScimError) as caught:
        prepare(rt, body, current=current)
    assert caught.value.status == 400
    assert caught.value.scim_type == scim_type, caught.value.detail
    return caught.value.detail


# --- Okta's bodies -----------------------------------------------------------------------------


def test_okta_create_body_is_stored_without_password_and_groups() -> None:
    stored = prepare(USER, copy.deepcopy(OKTA_CREATE))
    assert stored == {
        "schemas": [USER_SCHEMA],
        "userName": "test.user@okta.local",
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": True, "value": "test.user@okta.local", "type": "work"}],
        "displayName": "Test User",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "active": True,
    }


def test_okta_create_keeps_unicode_exactly() -> None:
    body = copy.deepcopy(OKTA_CREATE)
    body["userName"] = "zoë.ångström+ops@exämple.org"
    body["name"] = {"givenName": "Zoë", "familyName": "Ångström 山田"}
    body["displayName"] = "Zoe\u0308 Ångström"  # decomposed ë must stay decomposed
    stored = prepare(USER, body)
    assert stored["userName"] == "zoë.ångström+ops@exämple.org"
    assert stored["name"] == {"givenName": "Zoë", "familyName": "Ångström 山田"}
    assert stored["displayName"] == "Zoe\u0308 Ångström"


def test_okta_put_body_with_echoed_id_and_meta_is_accepted() -> None:
    current = prepare(USER, copy.deepcopy(OKTA_CREATE))
    stored = prepare(USER, copy.deepcopy(OKTA_PUT), current=current)
    assert "id" not in stored and "meta" not in stored and "groups" not in stored
    assert stored["name"] == {"givenName": "Another", "middleName": "Excited", "familyName": "User"}
    assert stored["emails"][0]["display"] == "test.user@okta.local"


def test_okta_deactivation_put() -> None:
    assert prepare(USER, {**OKTA_PUT, "active": False})["active"] is False


def test_okta_group_bodies() -> None:
    assert prepare(GROUP, copy.deepcopy(OKTA_GROUP)) == OKTA_GROUP
    empty = {"schemas": [GROUP_SCHEMA], "displayName": "Test SCIMv2", "members": []}
    assert prepare(GROUP, empty) == {"schemas": [GROUP_SCHEMA], "displayName": "Test SCIMv2"}


def test_input_is_not_modified_and_output_shares_nothing() -> None:
    body = copy.deepcopy(OKTA_CREATE)
    stored = prepare(USER, body)
    assert body == OKTA_CREATE
    stored["emails"][0]["value"] = "changed"
    stored["name"]["givenName"] = "changed"
    assert body == OKTA_CREATE


# --- schemas -----------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [None, [], "x", 1, True, [OKTA_CREATE]])
def test_body_must_be_an_object(body: object) -> None:
    rejected(USER, body, "invalidSyntax")


@pytest.mark.parametrize(
    "schemas",
    [
        None,
        "urn:ietf:params:scim:schemas:core:2.0:User",
        [],
        [GROUP_SCHEMA],
        [USER_SCHEMA, 1],
        [[USER_SCHEMA]],
    ],
)
def test_schemas_must_list_the_core_schema(schemas: object) -> None:
    detail = rejected(USER, {**user(), "schemas": schemas}, "invalidSyntax")
    assert f"schemas must list {USER_SCHEMA}" in detail


def test_missing_schemas_is_invalid_syntax() -> None:
    rejected(USER, {"userName": "bjensen"}, "invalidSyntax")


def test_schema_urns_compare_case_insensitively_and_output_is_canonical() -> None:
    body = {
        "schemas": [USER_SCHEMA.upper(), ENTERPRISE_USER_SCHEMA.lower()],
        "userName": "bjensen",
        ENTERPRISE_USER_SCHEMA.upper(): {"EMPLOYEENUMBER": "42"},
    }
    assert prepare(USER, body) == {
        "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        "userName": "bjensen",
        ENTERPRISE_USER_SCHEMA: {"employeeNumber": "42"},
    }


@pytest.mark.parametrize("urn", ["urn:okta:custom:user:1.0", GROUP_SCHEMA + ":x", "not a urn"])
def test_unknown_schema_urn_is_ignored_with_its_data(urn: str) -> None:
    # Okta may send custom extension schemas; the contract says accept and ignore.
    prepared = prepare(USER, {**user(schemas=[USER_SCHEMA, urn]), urn: {"costCenter": "x"}})
    assert prepared == {"schemas": [USER_SCHEMA], "userName": "bjensen"}


def test_user_extension_on_a_group_is_ignored() -> None:
    prepared = prepare(GROUP, {**OKTA_GROUP, "schemas": [GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA]})
    assert prepared["schemas"] == [GROUP_SCHEMA]


def test_listed_extension_without_data_is_not_output() -> None:
    stored = prepare(USER, user(schemas=[USER_SCHEMA, ENTERPRISE_USER_SCHEMA]))
    assert stored["schemas"] == [USER_SCHEMA]


def test_extension_data_without_its_urn_in_schemas_is_accepted() -> None:
    stored = prepare(USER, user(**{ENTERPRISE_USER_SCHEMA: {"department": "IT", "manager": {"value": "m1"}}}))
    assert stored["schemas"] == [USER_SCHEMA, ENTERPRISE_USER_SCHEMA]
    assert stored[ENTERPRISE_USER_SCHEMA] == {"department": "IT", "manager": {"value": "m1"}}


def test_extension_is_validated() -> None:
    detail = rejected(USER, user(**{ENTERPRISE_USER_SCHEMA: {"employeeNumber": 7}}), "invalidValue")
    assert f'"{ENTERPRISE_USER_SCHEMA}:employeeNumber" must be a string, got 7' in detail
    rejected(USER, user(**{ENTERPRISE_USER_SCHEMA: "IT"}), "invalidValue")


def test_extension_read_only_sub_attribute_is_ignored() -> None:
    body = user(**{ENTERPRISE_USER_SCHEMA: {"manager": {"value": "m1", "displayName": "Boss"}}})
    assert prepare(USER, body)[ENTERPRISE_USER_SCHEMA] == {"manager": {"value": "m1"}}


# --- names, unknown, read-only, write-only -----------------------------------------------------


def test_attribute_names_are_case_insensitive_and_output_canonical() -> None:
    body = {
        "SCHEMAS": [USER_SCHEMA],
        "USERNAME": "bjensen",
        "Name": {"GIVENNAME": "Barbara"},
        "EMAILS": [{"VALUE": "b@example.com", "Primary": True}],
        "externalid": "x1",
    }
    assert prepare(USER, body) == {
        "schemas": [USER_SCHEMA],
        "userName": "bjensen",
        "name": {"givenName": "Barbara"},
        "emails": [{"value": "b@example.com", "primary": True}],
        "externalId": "x1",
    }


def test_same_attribute_twice_in_different_case_is_rejected() -> None:
    rejected(USER, user(USERNAME="other"), "invalidValue")


def test_unknown_attributes_and_sub_attributes_are_dropped() -> None:
    body = user(
        favouriteColour="blue",
        name={"givenName": "B", "nick": "x"},
        emails=[{"value": "b@example.com", "label": 1}],
        **{"urn:okta:custom:user:1.0": {"costCenter": "1"}},
    )
    assert prepare(USER, body) == user(name={"givenName": "B"}, emails=[{"value": "b@example.com"}])


def test_read_only_attributes_are_ignored_whatever_their_type() -> None:
    body = user(id=123, meta="junk", groups=[{"value": "g1"}], Groups="x")
    assert prepare(USER, body) == user()


def test_password_is_never_stored() -> None:
    assert "password" not in prepare(USER, user(password="s3cr3t!"))
    assert "password" not in prepare(USER, user(PASSWORD=12))


# --- unassigned --------------------------------------------------------------------------------


def test_null_and_empty_arrays_are_unassigned() -> None:
    body = user(displayName=None, emails=[], name={"givenName": None}, externalId=None, phoneNumbers=[{}])
    assert prepare(USER, body) == user()


def test_external_id_must_be_a_string() -> None:
    detail = rejected(USER, user(externalId=42), "invalidValue")
    assert '"externalId" must be a string, got 42' in detail


# --- types -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attributes", "fragment"),
    [
        ({"active": "yes"}, '"active" must be a boolean, got "yes"'),
        ({"active": "true"}, '"active" must be a boolean, got "true"'),
        ({"active": 1}, '"active" must be a boolean, got 1'),
        ({"active": [True]}, '"active" must be a boolean, got an array'),
        ({"userName": 5}, '"userName" must be a string, got 5'),
        ({"displayName": False}, '"displayName" must be a string, got false'),
        ({"name": "Barbara Jensen"}, '"name" must be an object, got "Barbara Jensen"'),
        ({"name": {"givenName": ["B"]}}, '"name.givenName" must be a string, got an array'),
        ({"emails": {"value": "b@example.com"}}, '"emails" must be an array'),
        ({"emails": "b@example.com"}, '"emails" must be an array'),
        ({"emails": [["b@example.com"]]}, '"emails[0]" must be an object, got an array'),
        ({"emails": [{"value": "a"}, "b"]}, '"emails[1]" must be an object, got "b"'),
        ({"emails": [None]}, '"emails[0]" must not be null'),
        ({"emails": [{"primary": "true"}]}, '"emails[0].primary" must be a boolean'),
        ({"photos": [{"value": 1}]}, '"photos[0].value" must be a string'),
        ({"x509Certificates": [{"value": "not base64!"}]}, '"x509Certificates[0].value" must be base64'),
        ({"x509Certificates": [{"value": "QUJD="}]}, "must be base64"),
        ({"x509Certificates": [{"value": "TWFu\n"}]}, "must be base64"),
        ({"x509Certificates": [{"value": "TWFuß="}]}, "must be base64"),
        ({"userName": 10**5000}, '"userName" must be a string, got a large integer'),
    ],
)
def test_wrong_types_are_invalid_value_naming_the_path(attributes: Json, fragment: str) -> None:
    assert fragment in rejected(USER, user(**attributes), "invalidValue")


def test_binary_accepts_base64() -> None:
    stored = prepare(USER, user(x509Certificates=[{"value": "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAw"}]))
    assert stored["x509Certificates"][0]["value"].startswith("MIID")


def _scratch_type(*attrs: AttributeDef) -> ResourceTypeDef:
    """A resource type with hand-made attributes, for types and characteristics no RFC schema uses."""
    urn = "urn:example:params:scim:schemas:core:2.0:Thing"
    schema = SchemaDef(urn, {a.name.lower(): a for a in attrs}, {"id": urn})
    return ResourceTypeDef("Thing", "/Things", schema, (), {"schema": urn})


THING = _scratch_type(
    AttributeDef("count", "integer"),
    AttributeDef("ratio", "decimal"),
    AttributeDef("when", "dateTime"),
    AttributeDef("serial", "string", mutability="immutable"),
    AttributeDef(
        "badge",
        "complex",
        sub_attributes={"code": AttributeDef("code", "string", mutability="immutable", required=True)},
    ),
    AttributeDef("tags", "string", multi_valued=True),
    AttributeDef("secret", "string", returned="never"),
    AttributeDef("audit", "string", returned="request"),
)


def thing(**attributes: Any) -> Json:
    return {"schemas": [THING.schema.id], **attributes}


@pytest.mark.parametrize(
    ("attributes", "ok"),
    [
        ({"count": 3}, True),
        ({"count": -(10**40)}, True),
        ({"count": True}, False),
        ({"count": 3.0}, False),
        ({"count": "3"}, False),
        ({"ratio": 1}, True),
        ({"ratio": 0.5}, True),
        ({"ratio": False}, False),
        ({"ratio": "0.5"}, False),
        ({"ratio": float("nan")}, False),
        ({"ratio": float("inf")}, False),
        ({"when": "2026-11-28T10:00:00Z"}, True),
        ({"when": "2026-11-28T10:00:00.123456789+05:30"}, True),
        ({"when": "2026-11-28T10:00:00-14:00"}, True),
        ({"when": "2026-11-28T10:00:00"}, True),
        ({"when": "2026-11-28"}, False),
        ({"when": "2026-11-28 10:00:00Z"}, False),
        ({"when": "2026-02-30T10:00:00Z"}, False),
        ({"when": "2026-11-28T25:00:00Z"}, False),
        ({"when": "2026-11-28T10:00:00+15:00"}, False),
        ({"when": "2026-11-28T10:00:00+05:60"}, False),
        ({"when": "２０２６-11-28T10:00:00Z"}, False),
        ({"when": 1764324000}, False),
        ({"tags": ["a", "b"]}, True),
        ({"tags": "a"}, False),
        ({"tags": [1]}, False),
        ({"tags": [["a"]]}, False),
    ],
)
def test_integer_decimal_datetime_and_simple_multi_valued(attributes: Json, ok: bool) -> None:
    if ok:
        assert prepare(THING, thing(**attributes)) == thing(**attributes)
    else:
        rejected(THING, thing(**attributes), "invalidValue")


def test_returned_never_is_not_stored() -> None:
    assert prepare(THING, thing(secret="x")) == thing()


# --- primary, required, immutable --------------------------------------------------------------


def test_at_most_one_primary() -> None:
    two = [{"value": "a@example.com", "primary": True}, {"value": "b@example.com", "primary": True}]
    detail = rejected(USER, user(emails=two), "invalidValue")
    assert '"emails" has more than one value with "primary": true' in detail
    one = [{"value": "a@example.com", "primary": True}, {"value": "b@example.com", "primary": False}]
    assert prepare(USER, user(emails=one))["emails"] == one


@pytest.mark.parametrize("value", [None, "", "   ", "\t\n", "\u3000"])
def test_user_name_is_required(value: object) -> None:
    body = user(userName=value)
    detail = rejected(USER, body, "invalidValue")
    assert '"userName" is required' in detail
    del body["userName"]
    rejected(USER, body, "invalidValue")


@pytest.mark.parametrize("value", [None, "", "  "])
def test_group_display_name_is_required(value: object) -> None:
    assert '"displayName" is required' in rejected(
        GROUP, {**OKTA_GROUP, "displayName": value}, "invalidValue"
    )
    rejected(GROUP, {"schemas": [GROUP_SCHEMA], "members": []}, "invalidValue")


def test_member_value_is_required_only_inside_a_member() -> None:
    detail = rejected(GROUP, {**OKTA_GROUP, "members": [{"display": "x"}]}, "invalidValue")
    assert '"members[0].value" is required' in detail
    rejected(GROUP, {**OKTA_GROUP, "members": [{}]}, "invalidValue")
    rejected(GROUP, {**OKTA_GROUP, "members": [{"value": " "}]}, "invalidValue")
    assert "members" not in prepare(GROUP, {**OKTA_GROUP, "members": None})


def test_immutable_value_may_be_repeated_kept_but_not_changed() -> None:
    current = prepare(THING, thing(serial="A1", badge={"code": "C"}))
    assert prepare(THING, thing(serial="A1", badge={"code": "C"}), current=current) == current
    # Omitting an immutable value keeps it: "Once set, the attribute SHALL NOT be updated".
    assert prepare(THING, thing(), current=current) == thing(serial="A1")
    # Inside a present complex value the same holds for its immutable sub-attribute.
    assert prepare(THING, thing(badge={}), current=current) == current
    assert "immutable" in rejected(THING, thing(serial="B2"), "mutability", current=current)
    rejected(THING, thing(badge={"code": "D"}), "mutability", current=current)
    # Without a current value (a create), or over an unassigned one, any value is fine.
    assert prepare(THING, thing(serial="B2"))["serial"] == "B2"
    assert prepare(THING, thing(serial="B2"), current=thing())["serial"] == "B2"


def test_members_are_replaced_as_a_whole() -> None:
    # members[].value is immutable, but a PUT replaces the member list, so it is not an update of a value.
    current = prepare(GROUP, OKTA_GROUP)
    body = {**OKTA_GROUP, "members": [{"value": "other-user"}]}
    assert prepare(GROUP, body, current=current)["members"] == [{"value": "other-user"}]


# --- fuzzing -----------------------------------------------------------------------------------

_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)
_names = st.sampled_from(
    [
        "userName", "name", "emails", "active", "displayName", "externalId", "id", "meta", "groups",
        "password", "x509Certificates", "phoneNumbers", "members", "value", "primary", "givenName",
        "type", "display", "manager", ENTERPRISE_USER_SCHEMA, "schemas",
    ]
)  # fmt: skip
_shaped = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_names, inner, max_size=5),
    max_leaves=25,
)


def _accepted_or_scim_error(rt: ResourceTypeDef, body: object) -> None:
    try:
        stored = prepare(rt, body)
    except ScimError as error:
        assert error.status == 400
        assert error.scim_type in {"invalidSyntax", "invalidValue"}
        return
    # What prepare stores, it accepts again unchanged.
    assert prepare(rt, copy.deepcopy(stored)) == stored
    assert "password" not in stored


@settings(max_examples=300)
@given(_json)
def test_prepare_raises_only_scim_error_on_arbitrary_json(body: object) -> None:
    _accepted_or_scim_error(USER, body)


@pytest.mark.slow  # deep fuzzing: seconds; the fast loop keeps this module's other tests
@settings(max_examples=500)
@given(st.sampled_from([USER, GROUP]), st.dictionaries(_names, _shaped, max_size=8))
def test_prepare_raises_only_scim_error_on_schema_shaped_junk(rt: ResourceTypeDef, body: Json) -> None:
    body["schemas"] = [rt.schema.id]
    _accepted_or_scim_error(rt, body)


def test_prepare_survives_deep_nesting() -> None:
    deep: object = "x"
    for _ in range(10_000):
        deep = [deep]
    _accepted_or_scim_error(USER, user(emails=deep, name={"givenName": deep}))
    _accepted_or_scim_error(USER, user(unknown=deep))


# --- project -----------------------------------------------------------------------------------

STORED_USER: Json = {
    "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    "id": "u1",
    "externalId": "00u1",
    "userName": "bjensen",
    "name": {"givenName": "Barbara", "familyName": "Jensen"},
    "emails": [{"value": "b@example.com", "type": "work", "primary": True}],
    "active": True,
    "password": "must never show",
    "groups": [{"value": "g1", "display": "Admins"}],
    ENTERPRISE_USER_SCHEMA: {"employeeNumber": "42", "department": "IT"},
    "meta": {"resourceType": "User", "location": "https://example.com/Users/u1"},
}


def test_project_default_drops_only_returned_never() -> None:
    expected = {k: v for k, v in STORED_USER.items() if k != "password"}
    assert project(USER, STORED_USER) == expected


def test_project_returns_a_copy() -> None:
    resource = copy.deepcopy(STORED_USER)
    projected = project(USER, resource)
    projected["name"]["givenName"] = "changed"
    projected["emails"][0]["value"] = "changed"
    assert resource == STORED_USER


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        (["userName"], {"userName": "bjensen"}),
        (["USERNAME", "nosuch", "name.nosuch", "a.b.c", ""], {"userName": "bjensen"}),
        (["name.givenName"], {"name": {"givenName": "Barbara"}}),
        (["name"], {"name": {"givenName": "Barbara", "familyName": "Jensen"}}),
        (["emails.value"], {"emails": [{"value": "b@example.com"}]}),
        (["password"], {}),
        (["groups"], {"groups": [{"value": "g1", "display": "Admins"}]}),
        ([f"{ENTERPRISE_USER_SCHEMA}:employeeNumber"], {ENTERPRISE_USER_SCHEMA: {"employeeNumber": "42"}}),
        ([ENTERPRISE_USER_SCHEMA], {ENTERPRISE_USER_SCHEMA: {"employeeNumber": "42", "department": "IT"}}),
        ([f"{USER_SCHEMA}:userName"], {"userName": "bjensen"}),
        (["meta.location"], {"meta": {"location": "https://example.com/Users/u1"}}),
    ],
)
def test_project_attributes(attributes: list[str], expected: Json) -> None:
    always = {"schemas": STORED_USER["schemas"], "id": "u1"}
    assert project(USER, STORED_USER, attributes=attributes) == {**always, **expected}


@pytest.mark.parametrize(
    ("excluded", "removed"),
    [
        (["emails"], {"emails"}),
        (["id", "schemas", "nosuch"], set()),
        (["name", "active", "meta"], {"name", "active", "meta"}),
        ([ENTERPRISE_USER_SCHEMA], {ENTERPRISE_USER_SCHEMA}),
    ],
)
def test_project_excluded_attributes(excluded: list[str], removed: set[str]) -> None:
    projected = project(USER, STORED_USER, excluded=excluded)
    assert projected == {k: v for k, v in STORED_USER.items() if k not in removed | {"password"}}


def test_project_excluded_sub_attributes() -> None:
    projected = project(
        USER, STORED_USER, excluded=["name.givenName", f"{ENTERPRISE_USER_SCHEMA}:department"]
    )
    assert projected["name"] == {"familyName": "Jensen"}
    assert projected[ENTERPRISE_USER_SCHEMA] == {"employeeNumber": "42"}


def test_project_group_without_members() -> None:
    stored = {**prepare(GROUP, OKTA_GROUP), "id": "g1"}
    assert project(GROUP, stored, excluded=["members"]) == {
        "schemas": [GROUP_SCHEMA],
        "displayName": "Test SCIMv2",
        "id": "g1",
    }


def test_project_returned_request_only_when_asked() -> None:
    stored = {"schemas": [THING.schema.id], "id": "t1", "audit": "x", "secret": "s", "count": 1}
    assert project(THING, stored) == {"schemas": [THING.schema.id], "id": "t1", "count": 1}
    assert project(THING, stored, attributes=["audit"]) == {
        "schemas": [THING.schema.id],
        "id": "t1",
        "audit": "x",
    }
    assert project(THING, stored, attributes=["secret"]) == {"schemas": [THING.schema.id], "id": "t1"}
