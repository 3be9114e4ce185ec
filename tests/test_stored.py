"""What a provider must store (CONTRACT §4, checks/stored.json) and the two checks on it."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from scim_conformance import checks
from scim_conformance.claims import NO_CLAIMS, Claims, claims_in
from scim_conformance.okta.bodies import SAMPLE_CREATE_USER
from scim_conformance.server import definitions
from scim_conformance.spec import GROUP_SCHEMA, USER_SCHEMA

REFERENCE = Claims(claims_in({"Resources": [s.raw for s in definitions.schemas().values()]}), "reference")


def sent() -> dict[str, Any]:
    """Okta's create body (okta-requests.md §4) with a middleName, a title and a second email."""
    body = copy.deepcopy(SAMPLE_CREATE_USER)
    body["name"]["middleName"] = "Excited"
    body["title"] = "Engineer"
    body["emails"].append({"primary": False, "value": "other@okta.local", "type": "home"})
    return body


def returned(**changes: Any) -> dict[str, Any]:
    """What a provider answers: Okta's body without password, plus id and meta, with ``changes``."""
    body = {k: v for k, v in sent().items() if k != "password"}
    body |= {"id": "5ad7", "meta": {"resourceType": "User", "location": "https://z/Users/5ad7"}}
    for pointer, value in changes.items():
        container: Any = body
        *parents, last = pointer.split("__")
        for key in parents:
            container = container[int(key) if key.isdigit() else key]
        if value is ...:
            del container[int(last) if last.isdigit() else last]
        else:
            container[int(last) if last.isdigit() else last] = value
    return body


# -- the table -------------------------------------------------------------------


def test_the_table_is_contract_section_4() -> None:
    user = [(a.path, a.item) for a in checks.stored_attributes("User")]
    assert user == [
        ("userName", None),
        ("externalId", None),
        ("name.givenName", None),
        ("name.familyName", None),
        ("emails.value", "primary"),
        ("active", None),
    ]
    assert [(a.path, a.item) for a in checks.stored_attributes("Group")] == [
        ("displayName", None),
        ("members.value", "all"),
    ]
    assert checks.stored_source() == "CONTRACT §4 (What a provider must store)"
    for attribute in (*checks.stored_attributes("User"), *checks.stored_attributes("Group")):
        assert attribute.source.startswith("CONTRACT §"), attribute
        # Each okta finding names the Okta behaviour that breaks (CONTRACT §5).
        assert re.search(r"okta-requests\.md §\d+", attribute.breaks), attribute


def test_is_stored_ignores_case_and_knows_only_the_table() -> None:
    assert checks.is_stored("username") and checks.is_stored("name.givenName")
    assert checks.is_stored("emails.value")  # of the primary item
    for path in ("displayName", "locale", "name.middleName", "title", "emails.type", "password"):
        assert not checks.is_stored(path), path
    assert checks.is_stored("members.value", "Group")


def test_the_table_ships_with_the_package() -> None:
    assert (Path(checks.__file__).parent / "stored.json").is_file()


# -- stored_differences ----------------------------------------------------------


def test_an_exact_round_trip_has_no_difference() -> None:
    assert checks.stored_differences(sent(), returned()) == []


def test_what_may_be_dropped_or_derived_is_no_stored_difference() -> None:
    got = returned(locale=..., name__middleName=..., title=..., displayName="Test User", emails__1=...)
    assert checks.stored_differences(sent(), got) == []


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        ({"userName": "TEST.USER@okta.local"}, 'userName case-folded: "TEST.USER@okta.local" instead of'),
        ({"externalId": ...}, 'externalId lost: missing instead of "00ujl29u0le5T6Aj10h7"'),
        ({"name__givenName": "Tes"}, 'name.givenName truncated: "Tes" instead of "Test"'),
        ({"name__familyName": ""}, 'name.familyName lost: "" instead of "User"'),
        ({"emails__0__value": "x@okta.local"}, "emails.value (primary item) changed:"),
        ({"active": False}, "active changed: false instead of true"),
        ({"name": ...}, "name.givenName lost: missing instead of"),
    ],
)
def test_each_stored_change_is_named_with_the_okta_behaviour_it_breaks(
    changes: dict[str, Any], line: str
) -> None:
    (found, *more) = checks.stored_differences(sent(), returned(**changes))
    assert found.startswith(line), found
    assert "— " in found and "okta-requests.md §" in found.split("— ", 1)[1]
    assert len(more) == (1 if "name" in changes else 0)


def test_unicode_normalisation_shows_with_escapes() -> None:
    body = sent() | {"name": {"givenName": "Zoë", "familyName": "Ng"}}
    got = returned() | {"name": {"givenName": "Zoe", "familyName": "Ng"}}
    (line,) = checks.stored_differences(body, got)
    assert line.startswith('name.givenName normalised: "Zoe" instead of "Zoë" (= "Zo\\u00eb")'), line
    nfd = returned() | {"name": {"givenName": "Zoe\u0308", "familyName": "Ng"}}
    (line,) = checks.stored_differences(body, nfd)
    assert line.startswith("name.givenName normalised:"), line


def test_the_primary_email_is_found_wherever_it_is_listed() -> None:
    got = returned()
    got["emails"] = list(reversed(got["emails"]))
    assert checks.stored_differences(sent(), got) == []
    # One email kept, not marked primary: it is the user's email.
    got["emails"] = [{"value": "test.user@okta.local"}]
    assert checks.stored_differences(sent(), got) == []


def test_attribute_names_come_back_in_any_case() -> None:
    got = returned()
    got["USERNAME"] = got.pop("userName")
    assert checks.stored_differences(sent(), got) == []


def test_what_okta_did_not_send_is_not_compared() -> None:
    body = {"schemas": [USER_SCHEMA], "userName": "a@b", "active": True}
    assert checks.stored_differences(body, {"userName": "a@b", "active": True, "externalId": "x"}) == []


def test_group_members_compare_as_a_set() -> None:
    body = {"schemas": [GROUP_SCHEMA], "displayName": "Eng", "members": [{"value": "1"}, {"value": "2"}]}
    same = {"displayName": "Eng", "members": [{"value": "2", "display": "b"}, {"value": "1"}]}
    assert checks.stored_differences(body, same, resource="Group") == []
    (line,) = checks.stored_differences(
        body, {"displayName": "Eng", "members": [{"value": "1"}]}, resource="Group"
    )
    assert line.startswith('members.value changed: ["1"] instead of ["1", "2"]'), line


def test_stored_values_name_each_stored_attribute() -> None:
    assert checks.stored_values(sent()) == {
        "userName": "test.user@okta.local",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "name.givenName": "Test",
        "name.familyName": "User",
        "emails.value (primary item)": "test.user@okta.local",
        "active": True,
    }


# -- claimed_differences ----------------------------------------------------------


def test_without_claims_nothing_outside_the_table_is_compared() -> None:
    got = returned(displayName="Other", locale="fr_FR", name__middleName="Calm")
    assert checks.claimed_differences(sent(), got, NO_CLAIMS) == []


def test_a_claimed_attribute_with_another_non_empty_value_is_a_difference() -> None:
    got = returned(displayName="Other", locale="fr_FR", name__middleName="Calm", emails__0__type="home")
    assert checks.claimed_differences(sent(), got, REFERENCE) == [
        'name.middleName: "Calm" instead of "Excited" (/Schemas claims name.middleName)',
        'emails.type (primary item): "home" instead of "work" (/Schemas claims emails.type)',
        'displayName: "Other" instead of "Test User" (/Schemas claims displayName)',
        'locale: "fr_FR" instead of "en-US" (/Schemas claims locale)',
    ]


def test_a_claimed_attribute_dropped_is_no_difference() -> None:
    got = returned(displayName=..., locale="", name__middleName=None, title=..., emails__1=...)
    assert checks.claimed_differences(sent(), got, REFERENCE) == []


def test_stored_attributes_are_left_to_stored_differences() -> None:
    got = returned(userName="other@okta.local", active=False, emails__0__value="x@okta.local")
    assert checks.claimed_differences(sent(), got, REFERENCE) == []


def test_other_items_of_a_multi_valued_attribute_pair_in_order() -> None:
    got = returned(emails__1__value="changed@okta.local")
    assert checks.claimed_differences(sent(), got, REFERENCE) == [
        'emails.value (item 1): "changed@okta.local" instead of "other@okta.local" '
        "(/Schemas claims emails.value)"
    ]


def test_the_providers_own_and_write_only_attributes_are_never_compared() -> None:
    claims = Claims(
        frozenset({(USER_SCHEMA.lower(), "password"), (USER_SCHEMA.lower(), "id")}), "claims everything"
    )
    got = returned(id="other")
    got["password"] = "hashed"
    assert checks.claimed_differences(sent() | {"id": "5ad7"}, got, claims) == []


def test_an_extensions_attributes_are_claimed_in_its_schema() -> None:
    urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    body = sent() | {urn: {"department": "R&D"}}
    got = returned() | {urn: {"department": "Sales"}}
    assert checks.claimed_differences(body, got, REFERENCE) == [
        'department: "Sales" instead of "R&D" (/Schemas claims department)'
    ]
    only_core = Claims(frozenset({(USER_SCHEMA.lower(), "department")}), "core only")
    assert checks.claimed_differences(body, got, only_core) == []
