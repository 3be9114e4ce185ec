"""Tests for the SCIM filter grammar and its evaluation (RFC 7644 §3.4.2.2)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scim_conformance.server.definitions import AttributeDef, ResourceTypeDef, SchemaDef, resource_types
from scim_conformance.server.errors import ScimError
from scim_conformance.server.filtering import (
    And,
    AttrPath,
    Compare,
    Filter,
    Not,
    Or,
    Present,
    ValuePath,
    index_key,
    matches,
    matches_element,
    parse_filter,
    render,
    validate_element_filter,
    validate_filter,
)
from scim_conformance.spec import ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, Json

USER = resource_types()["User"]
GROUP = resource_types()["Group"]

ALICE: Json = {
    "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    "id": "u1",
    "externalId": "00uAbC",
    "userName": "Alice@Example.com",
    "name": {"givenName": "Alice", "familyName": "Liddell"},
    "displayName": "Alice Liddell",
    "emails": [
        {"value": "a@x.org", "type": "work", "primary": True},
        {"value": "alice@home.example", "type": "home"},
    ],
    "active": True,
    "meta": {
        "resourceType": "User",
        "created": "2024-03-01T10:00:00Z",
        "lastModified": "2024-03-02T10:00:00.5Z",
    },
    ENTERPRISE_USER_SCHEMA: {"employeeNumber": "701984", "manager": {"value": "m1", "displayName": "Bob"}},
}

GROUP_RESOURCE: Json = {
    "schemas": [GROUP_SCHEMA],
    "id": "g1",
    "displayName": "Test SCIMv2",
    "members": [{"value": "u1", "display": "alice"}, {"value": "u2"}],
}


def a(name: str, sub: str | None = None, urn: str | None = None) -> AttrPath:
    return AttrPath(urn, name, sub)


def eq(name: str, value: Any) -> Compare:
    return Compare(a(name), "eq", value)


def pr(name: str) -> Present:
    return Present(a(name))


def invalid(text: str) -> ScimError:
    with pytest.raises(ScimError) as caught:
        parse_filter(text)
    assert caught.value.status == 400
    assert caught.value.scim_type == "invalidFilter"
    return caught.value


def rejected(text: str, rt: ResourceTypeDef = USER) -> str:
    f = parse_filter(text)
    with pytest.raises(ScimError) as caught:
        validate_filter(f, rt)
    assert (caught.value.status, caught.value.scim_type) == (400, "invalidFilter")
    return caught.value.detail


def user_matches(text: str, resource: Json = ALICE) -> bool:
    f = parse_filter(text)
    return matches(f, resource, USER)


# --- grammar ------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"])
def test_every_comparison_operator(op: str) -> None:
    assert parse_filter(f'userName {op} "x"') == Compare(a("userName"), op, "x")


def test_present() -> None:
    assert parse_filter("title pr") == pr("title")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # not > and > or (RFC 7644 §3.4.2.2 order of operations)
        ("a pr or b pr and c pr", Or(pr("a"), And(pr("b"), pr("c")))),
        ("a pr and b pr or c pr", Or(And(pr("a"), pr("b")), pr("c"))),
        ("(a pr or b pr) and c pr", And(Or(pr("a"), pr("b")), pr("c"))),
        ("a pr and (b pr or c pr)", And(pr("a"), Or(pr("b"), pr("c")))),
        ("not (a pr) and b pr", And(Not(pr("a")), pr("b"))),
        ("not (a pr and b pr)", Not(And(pr("a"), pr("b")))),
        ("b pr or not (a pr)", Or(pr("b"), Not(pr("a")))),
        ("not(a pr)", Not(pr("a"))),
        ("not (not (a pr))", Not(Not(pr("a")))),
        ("a pr and b pr and c pr", And(And(pr("a"), pr("b")), pr("c"))),
        ("a pr or b pr or c pr", Or(Or(pr("a"), pr("b")), pr("c"))),
        ("((a pr))", pr("a")),
        ("not pr", pr("not")),  # an attribute may be called "not"
        ("not pr and and pr or or pr", Or(And(pr("not"), pr("and")), pr("or"))),
        ("( a pr )", pr("a")),
        ("a pr or b pr and c pr or d pr", Or(Or(pr("a"), And(pr("b"), pr("c"))), pr("d"))),
    ],
)
def test_precedence_and_grouping(text: str, expected: Filter) -> None:
    assert parse_filter(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        'userName Eq "john"',
        'Username eq "john"',
        'USERNAME EQ "john"',
        'userName eq "john" AND title PR',
        'userName eq "john" And title pR',
    ],
)
def test_names_operators_and_keywords_are_case_insensitive(text: str) -> None:
    f = parse_filter(text)
    first = f.left if isinstance(f, And) else f
    assert isinstance(first, Compare) and first.op == "eq" and first.path.attr.lower() == "username"


def test_not_and_or_keywords_in_upper_case() -> None:
    assert parse_filter("NOT (a pr) OR b pr") == Or(Not(pr("a")), pr("b"))


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ('"plain"', "plain"),
        (r'"say \"hi\""', 'say "hi"'),
        (r'"back\\slash"', "back\\slash"),
        (r'"\u00e9t\u00E9"', "été"),
        ('"été 山田"', "été 山田"),
        (r'"tab\there"', "tab\there"),
        (r'"\/"', "/"),
        ('""', ""),
        ("\"with (parens) and [brackets] and 'quote'\"", "with (parens) and [brackets] and 'quote'"),
        ('"a and b or not c pr"', "a and b or not c pr"),
        ("true", True),
        ("false", False),
        ("null", None),
        ("0", 0),
        ("42", 42),
        ("-7", -7),
        ("1.5", 1.5),
        ("-0.25", -0.25),
        ("1e3", 1000.0),
        ("2.5E-2", 0.025),
        ("1e+2", 100.0),
    ],
)
def test_literals_are_json(literal: str, value: Any) -> None:
    f = parse_filter(f"x eq {literal}")
    assert isinstance(f, Compare)
    assert f.value == value and type(f.value) is type(value)


def test_okta_lookup_values_with_special_characters() -> None:
    # CONTRACT §3: userName values are emails or logins with @ + . - _ ' and non-ASCII letters.
    value = "zoë.o'brien+ops_1-x@exämple.org"
    assert parse_filter(f'userName eq "{value}"') == eq("userName", value)


@pytest.mark.parametrize(
    ("text", "path"),
    [
        (f"{USER_SCHEMA}:userName pr", AttrPath(USER_SCHEMA, "userName")),
        (f"{USER_SCHEMA}:name.givenName pr", AttrPath(USER_SCHEMA, "name", "givenName")),
        (f"{ENTERPRISE_USER_SCHEMA}:employeeNumber pr", AttrPath(ENTERPRISE_USER_SCHEMA, "employeeNumber")),
        (f"{ENTERPRISE_USER_SCHEMA}:manager.value pr", AttrPath(ENTERPRISE_USER_SCHEMA, "manager", "value")),
        ("name.givenName pr", AttrPath(None, "name", "givenName")),
        ("members.$ref pr", AttrPath(None, "members", "$ref")),
        ("x509Certificates pr", AttrPath(None, "x509Certificates")),
        ("my-attr_2 pr", AttrPath(None, "my-attr_2")),
    ],
)
def test_attribute_paths(text: str, path: AttrPath) -> None:
    assert parse_filter(text) == Present(path)


def test_value_path() -> None:
    assert parse_filter('emails[type eq "work" and value co "@example.com"]') == ValuePath(
        a("emails"), And(eq("type", "work"), Compare(a("value"), "co", "@example.com"))
    )


def test_value_path_with_not_and_grouping_inside() -> None:
    assert parse_filter('emails[not (type eq "work") or (primary eq true)]') == ValuePath(
        a("emails"), Or(Not(eq("type", "work")), eq("primary", True))
    )


def test_value_path_combined_with_other_expressions() -> None:
    f = parse_filter('userType eq "Employee" and (emails[type eq "work"] or emails.value co "@x")')
    assert f == And(
        eq("userType", "Employee"),
        Or(ValuePath(a("emails"), eq("type", "work")), Compare(a("emails", "value"), "co", "@x")),
    )


def test_urn_qualified_value_path() -> None:
    f = parse_filter(f'{USER_SCHEMA}:emails[type eq "work"]')
    assert f == ValuePath(AttrPath(USER_SCHEMA, "emails"), eq("type", "work"))


@pytest.mark.parametrize("text", ['userName  eq\t"x"', ' userName eq "x" ', 'userName eq "x"\n'])
def test_whitespace_is_tolerated(text: str) -> None:
    assert parse_filter(text) == eq("userName", "x")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "userName",
        "userName eq",
        "userName eq alice",
        'userName eq "unterminated',
        'userName eq "x',
        'userName eq "x"" "',
        'userName xx "x"',
        'userName == "x"',
        'userName = "x"',
        'eq "x"',
        '"x" eq userName',
        'userName pr "x"',
        'userName eq "x" and',
        'userName eq "x" or',
        'and userName eq "x"',
        'userName eq "x" and or title pr',
        'userName eq "x" title pr',
        'not userName eq "x"',
        "not",
        "not ()",
        "()",
        "(userName pr",
        "userName pr)",
        "((userName pr)",
        'emails[type eq "work"',
        "emails[]",
        'emails type eq "work"]',
        'emails[type eq "work"]]',
        'emails [type eq "work"]',
        'emails[type eq "work"].value eq "x"',
        'emails[type[value eq "x"] pr]',
        'emails[value.x eq "x"]',
        f'emails[{USER_SCHEMA}:value eq "x"]',
        'name.givenName[value eq "x"]',
        'a.b.c eq "x"',
        '.userName eq "x"',
        'userName. eq "x"',
        '1userName eq "x"',
        '-userName eq "x"',
        'user$Name eq "x"',
        ':userName eq "x"',
        'urn::userName eq "x"',
        'urn:ietf:: eq "x"',
        '1urn:x:userName eq "x"',
        "userName eq True",
        "userName eq FALSE",
        "userName eq Null",
        "userName eq 01",
        "userName eq 1.",
        "userName eq .5",
        "userName eq +1",
        "userName eq 1e",
        "userName eq 0x10",
        "userName eq 1e999",
        "userName eq " + "9" * 5000,
        "userName eq 'x'",
        r'userName eq "\q"',
        r'userName eq "\u12"',
        'userName eq "tab\there"',
        'userName eq "x" # comment',
        'userName eq "x";',
        'userName eq "x" && title pr',
        "userName eq {}",
        "userName eq [1]",
        "userName%20eq%20%22x%22",
        "userName+eq+%22x%22",
        "userNäme pr",
        'not[value eq "x"] and',
        "not not (a pr)",
        "(" * 40 + "a pr" + ")" * 40,
        "not (" * 40 + "a pr" + ")" * 40,
        " and ".join(["a pr"] * 201),
    ],
)
def test_malformed_filters_are_invalid_filter(text: str) -> None:
    invalid(text)


def test_error_detail_names_the_column() -> None:
    assert "column 10" in invalid('userName xx "x"').detail
    assert "column 13" in invalid("userName eq alice").detail
    assert "column 1" in invalid("").detail


def test_sub_attribute_after_value_path_is_only_for_patch() -> None:
    assert "PATCH" in invalid('emails[type eq "work"].value eq "x"').detail


def test_deep_but_bounded_nesting_and_long_chains_parse() -> None:
    parse_filter("(" * 30 + "a pr" + ")" * 30)
    parse_filter(" or ".join(["a pr"] * 200))


@pytest.mark.parametrize(
    "text",
    [
        'userName eq "bjensen"',
        'name.familyName co "O\'Malley"',
        'userName sw "J"',
        f'{USER_SCHEMA}:name.familyName co "O\'Malley"',
        "title pr",
        'meta.lastModified gt "2011-05-13T04:42:34Z"',
        'meta.lastModified ge "2011-05-13T04:42:34Z"',
        'meta.lastModified lt "2011-05-13T04:42:34Z"',
        'meta.lastModified le "2011-05-13T04:42:34Z"',
        'title pr and userType eq "Employee"',
        'title pr or userType eq "Intern"',
        'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
        'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
        'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
        'userType eq "Employee" and (emails.type eq "work")',
        'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
        'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    ],
)
def test_rfc_7644_examples_parse_and_round_trip(text: str) -> None:
    # The examples of RFC 7644 §3.4.2.2, verbatim.
    f = parse_filter(text)
    assert parse_filter(render(f)) == f


@pytest.mark.parametrize(
    ("f", "text"),
    [
        (And(pr("a"), And(pr("b"), pr("c"))), "a pr and (b pr and c pr)"),
        (And(Or(pr("a"), pr("b")), pr("c")), "(a pr or b pr) and c pr"),
        (Or(pr("a"), Or(pr("b"), pr("c"))), "a pr or (b pr or c pr)"),
        (Or(And(pr("a"), pr("b")), pr("c")), "a pr and b pr or c pr"),
        (Not(Or(pr("a"), pr("b"))), "not (a pr or b pr)"),
        (eq("x", 'q"\\é'), 'x eq "q\\"\\\\é"'),
        (eq("x", None), "x eq null"),
        (Compare(a("x", urn="urn:a:b"), "gt", 1.5), "urn:a:b:x gt 1.5"),
    ],
)
def test_render(f: Filter, text: str) -> None:
    assert render(f) == text
    assert parse_filter(text) == f


# --- evaluation: strings and caseExact ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # userName is caseExact=false (RFC 7643 §4.1.1): the Okta lookup is case-insensitive.
        ('userName eq "alice@example.com"', True),
        ('userName eq "ALICE@EXAMPLE.COM"', True),
        ('userName eq "Alice@Example.com"', True),
        ('userName eq "alice@example.co"', False),
        ('userName eq "alice"', False),  # eq is exact, never a prefix (CONTRACT §4)
        ('userName co "EXAMPLE"', True),
        ('userName sw "alice@"', True),
        ('userName ew ".COM"', True),
        ('userName ew "example"', False),
        ('userName gt "alice"', True),
        ('userName lt "alice"', False),
        ('userName ge "ALICE@EXAMPLE.COM"', True),
        ('userName le "alice@example.com"', True),
        ('displayName eq "alice liddell"', True),
        # id and externalId are caseExact=true (RFC 7643 §3.1).
        ('externalId eq "00uAbC"', True),
        ('externalId eq "00uabc"', False),
        ('externalId sw "00uA"', True),
        ('externalId sw "00ua"', False),
        ('id eq "u1"', True),
        ('id eq "U1"', False),
        ('name.givenName eq "ALICE"', True),
        ('name.familyName co "iddel"', True),
        ('meta.resourceType eq "User"', True),
        ('meta.resourceType eq "user"', False),  # caseExact=true
    ],
)
def test_string_comparisons_follow_case_exact(text: str, expected: bool) -> None:
    assert user_matches(text) is expected


def test_unicode_values_compare_exactly() -> None:
    resource = {**ALICE, "userName": "Zoë.Ångström@exämple.org"}
    assert user_matches('userName eq "zoë.ångström@exämple.org"', resource)
    assert not user_matches('userName eq "zoe.angstrom@example.org"', resource)
    assert user_matches(r'userName eq "zo\u00eb.\u00e5ngstr\u00f6m@ex\u00e4mple.org"', resource)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('title ne "x"', True),  # ne is "not eq": true when absent
        ('userName ne "alice@example.com"', False),
        ('userName ne "bob"', True),
        ("title eq null", True),
        ("title ne null", False),
        ("userName eq null", False),
        ("userName ne null", True),
        ('title co ""', False),  # an absent attribute matches nothing but ne/eq null/not
        ('title eq ""', False),
    ],
)
def test_ne_and_null(text: str, expected: bool) -> None:
    assert user_matches(text) is expected


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ({"title": "Boss"}, True),
        ({"title": ""}, False),
        ({"title": None}, False),
        ({}, False),
        ({"emails": []}, False),
        ({"emails": [{}]}, False),
        ({"emails": [{"value": None}]}, False),
        ({"emails": [{"type": "work"}]}, True),
        ({"active": False}, True),
        ({"name": {}}, False),
        ({"name": {"givenName": ""}}, False),
        ({"name": {"givenName": "A"}}, True),
    ],
)
def test_present_means_non_empty(resource: Json, expected: bool) -> None:
    [name] = resource or ["title"]
    assert user_matches(f"{name} pr", resource) is expected


# --- evaluation: multi-valued and complex -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('emails.value eq "alice@home.example"', True),  # any value matches
        ('emails.value eq "A@X.ORG"', True),  # emails.value is caseExact=false
        ('emails.type eq "home"', True),
        ('emails.type eq "other"', False),
        ('emails.type ne "home"', False),  # not (any type eq "home")
        ('emails co "@home"', True),  # complex without a sub-attribute compares "value"
        ('emails eq "a@x.org"', True),
        ('emails sw "nobody"', False),
        ("emails.primary eq true", True),
        ("emails pr", True),
        ("emails.display pr", False),
        ('emails[type eq "work"]', True),
        ('emails[type eq "work" and value co "@x.org"]', True),
        ('emails[TYPE eq "WORK"]', True),
        # Both conditions must hold on one element: the work email is not the home domain.
        ('emails[type eq "work" and value co "home"]', False),
        ('emails.type eq "work" and emails.value co "home"', True),
        ('emails[not (type eq "work")]', True),
        ('emails[primary eq true and type eq "home"]', False),
        ("emails[display pr]", False),
        ('name.givenName eq "Alice" and emails[type eq "home"]', True),
    ],
)
def test_multi_valued_attributes(text: str, expected: bool) -> None:
    assert user_matches(text) is expected


def test_complex_without_value_sub_attribute_does_not_match() -> None:
    assert not user_matches('name eq "Alice"')


def test_single_element_stored_without_a_list_still_matches() -> None:
    assert user_matches('emails.value eq "z@x.org"', {"emails": {"value": "z@x.org"}})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('members[value eq "u2"]', True),
        ('members.value eq "u1"', True),
        ('members eq "u3"', False),
        ('members[display eq "ALICE"]', True),
        ('displayName eq "test scimv2"', True),  # caseExact=false (RFC 7643 §4.2)
        ('displayName eq "Test"', False),
        ("members pr", True),
    ],
)
def test_group_filters(text: str, expected: bool) -> None:
    assert matches(parse_filter(text), GROUP_RESOURCE, GROUP) is expected


def test_empty_group_members() -> None:
    empty = {"schemas": [GROUP_SCHEMA], "id": "g2", "displayName": "Empty"}
    assert not matches(parse_filter('members[value eq "u1"]'), empty, GROUP)
    assert matches(parse_filter("not (members pr)"), empty, GROUP)


# --- evaluation: types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("active eq true", True),
        ("active eq false", False),
        ("active ne false", True),
        ('active eq "true"', False),  # a literal of the wrong type never matches
        ("active eq 1", False),
        ("active gt false", False),
        ('active co "t"', False),
    ],
)
def test_booleans(text: str, expected: bool) -> None:
    assert user_matches(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('meta.created eq "2024-03-01T10:00:00Z"', True),
        ('meta.created eq "2024-03-01T11:00:00+01:00"', True),  # the same instant
        ('meta.created eq "2024-03-01T10:00:00.000Z"', True),
        ('meta.created eq "2024-03-01T10:00:00"', True),  # no offset: UTC
        ('meta.created gt "2024-03-01T10:30:00+01:00"', True),  # 09:30Z: chronological, not lexicographic
        ('meta.created gt "2024-03-01T09:30:00Z"', True),
        ('meta.created lt "2024-03-01T09:30:00-01:00"', True),  # 10:30Z
        ('meta.created ge "2024-03-01T10:00:00Z"', True),
        ('meta.created le "2024-03-01T09:59:59.999Z"', False),
        ('meta.lastModified gt "2024-03-02T10:00:00Z"', True),  # fractional seconds count
        ('meta.lastModified gt "2024-03-02T10:00:00.6Z"', False),
        ('meta.created sw "2024-03"', True),  # substring operators read the text
        ('meta.created gt "not a date"', False),
    ],
)
def test_date_times_compare_chronologically(text: str, expected: bool) -> None:
    assert user_matches(text) is expected


def test_unparsable_stored_date_time_never_orders() -> None:
    resource = {"meta": {"created": "yesterday"}}
    assert not user_matches('meta.created gt "2000-01-01T00:00:00Z"', resource)
    assert not user_matches('meta.created lt "2100-01-01T00:00:00Z"', resource)


NUMBERS = ResourceTypeDef(
    name="Widget",
    endpoint="/Widgets",
    schema=SchemaDef(
        id="urn:example:Widget",
        attributes={
            "count": AttributeDef("count", "integer"),
            "weight": AttributeDef("weight", "decimal"),
            "sizes": AttributeDef("sizes", "integer", multi_valued=True),
            "blob": AttributeDef("blob", "binary", case_exact=True),
            "code": AttributeDef("code", "string", case_exact=True),
        },
        raw={},
    ),
    extensions=(),
    raw={},
)
WIDGET: Json = {"count": 10, "weight": 2.5, "sizes": [1, 5, 9], "blob": "QUJD", "code": "Ab"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("count eq 10", True),
        ("count eq 10.0", True),
        ("count gt 9", True),
        ("count gt 10", False),
        ("count ge 10", True),
        ("count lt 100", True),  # numeric, not lexicographic ("10" > "100" as text)
        ("count le 9.5", False),
        ("weight gt 2", True),
        ("weight lt 2.5", False),
        ("weight eq 2.5", True),
        ('count eq "10"', False),
        ("count eq true", False),
        ("sizes eq 5", True),
        ("sizes gt 8", True),
        ("sizes lt 1", False),
        ("sizes ne 5", False),
        ('blob eq "QUJD"', True),
        ('blob eq "qujd"', False),  # binary is caseExact
        ('blob gt "A"', False),  # ordering does not apply to binary
        ('code eq "ab"', False),
        ('code gt "AA"', True),  # lexicographic, case-sensitive
    ],
)
def test_numbers_and_binary(text: str, expected: bool) -> None:
    assert matches(parse_filter(text), WIDGET, NUMBERS) is expected


def test_booleans_stored_as_numbers_do_not_compare_as_numbers() -> None:
    assert not matches(parse_filter("count eq 1"), {"count": True}, NUMBERS)


# --- evaluation: schemas and keys ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f'{ENTERPRISE_USER_SCHEMA}:employeeNumber eq "701984"', True),
        (f'{ENTERPRISE_USER_SCHEMA.upper()}:employeeNumber eq "701984"', True),
        (f'{ENTERPRISE_USER_SCHEMA}:manager.value eq "m1"', True),
        (f'{ENTERPRISE_USER_SCHEMA}:manager.displayName eq "BOB"', True),
        (f"{ENTERPRISE_USER_SCHEMA}:department pr", False),
        (f'{USER_SCHEMA}:userName eq "alice@example.com"', True),
        (f'{USER_SCHEMA}:id eq "u1"', True),
        (f'{USER_SCHEMA}:name.givenName eq "Alice"', True),
        ('employeeNumber eq "701984"', False),  # extension attributes need their URN
        (f'{GROUP_SCHEMA}:displayName eq "Alice Liddell"', False),  # not a User schema
        ('urn:example:unknown:userName eq "alice@example.com"', False),
    ],
)
def test_urn_qualified_attributes(text: str, expected: bool) -> None:
    assert user_matches(text) is expected


def test_extension_data_under_a_differently_cased_urn_key() -> None:
    resource = {ENTERPRISE_USER_SCHEMA.lower(): {"employeeNumber": "7"}}
    assert user_matches(f'{ENTERPRISE_USER_SCHEMA}:employeeNumber eq "7"', resource)


def test_resource_keys_match_case_insensitively() -> None:
    resource = {"USERNAME": "bob", "Emails": [{"VALUE": "b@x.org", "Type": "work"}]}
    assert user_matches('userName eq "bob"', resource)
    assert user_matches('emails[type eq "work" and value eq "b@x.org"]', resource)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('nosuch eq "x"', False),
        ('nosuch ne "x"', False),
        ("nosuch pr", False),
        ("nosuch eq null", False),
        ('not (nosuch eq "x")', True),
        ('name.nosuch eq "x"', False),
        ('emails[nosuch eq "x"]', False),
        ('nosuch[value eq "x"]', False),
        ('userName eq "alice@example.com" or nosuch pr', True),
    ],
)
def test_unknown_attributes_do_not_match(text: str, expected: bool) -> None:
    assert user_matches(text) is expected


def test_matching_tolerates_malformed_stored_data() -> None:
    weird: Json = {
        "userName": 5,
        "emails": ["not-a-dict", None, [1], {"value": 3}],
        "name": "flat",
        "meta": [],
        ENTERPRISE_USER_SCHEMA: "oops",
    }
    for text in [
        'userName eq "5"',
        'emails.value eq "x"',
        'emails[value eq "x"]',
        'name.givenName eq "x"',
        'meta.created gt "2020-01-01T00:00:00Z"',
        f'{ENTERPRISE_USER_SCHEMA}:employeeNumber eq "x"',
        'emails co "x"',
    ]:
        assert not user_matches(text, weird)


def test_matches_element() -> None:
    emails = USER.attribute("emails")
    assert emails is not None
    f = parse_filter('type eq "WORK" and primary eq true')
    assert matches_element(f, {"type": "work", "primary": True}, emails)
    assert not matches_element(f, {"type": "home", "primary": True}, emails)
    assert not matches_element(f, "work", emails)


# --- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'userName eq "x"',
        'userName gt "x"',
        "title pr",
        "name pr",
        "emails pr",
        'emails co "@x"',
        'emails[type eq "work" and value co "@x"]',
        "emails[primary eq true]",
        "active eq true",
        "active ne false",
        "title eq null",
        "title ne null",
        "active eq null",
        'meta.created gt "2024-01-01T00:00:00Z"',
        'meta.created sw "2024"',
        f'{ENTERPRISE_USER_SCHEMA}:manager.value eq "m"',
        f'{USER_SCHEMA}:id eq "u1"',
        'ID eq "u1"',
        'externalId eq "x"',
        'groups[value eq "g1"]',
        'not (userName eq "x") or displayName co "y"',
    ],
)
def test_valid_user_filters(text: str) -> None:
    validate_filter(parse_filter(text), USER)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ('nosuch eq "x"', "nosuch"),
        ('name.nosuch eq "x"', "name.nosuch"),
        ('title.sub eq "x"', "title.sub"),
        ('emails[nosuch eq "x"]', "nosuch"),
        ('nosuch[value eq "x"]', "nosuch"),
        ('employeeNumber eq "1"', "employeeNumber"),
        ('urn:example:x:userName eq "x"', "urn:example:x:userName"),
        ('members[value eq "x"]', "members"),
        ('userName[value eq "x"]', "not complex"),
        ("active gt true", "gt"),
        ("active le false", "le"),
        ('active co "t"', "co"),
        ('active eq "yes"', "boolean"),
        ("active eq 1", "boolean"),
        ('emails gt "a"', "complex"),
        ('name eq "x"', "sub-attribute"),
        ('name co "x"', "givenName"),
        ('meta lt "x"', "complex"),
        ("userName eq 1", "string"),
        ("userName eq true", "string"),
        ('emails[primary eq "true"]', "boolean"),
        ('meta.created gt "yesterday"', "dateTime"),
        ('meta.created eq "2024-13-01"', "dateTime"),
        ("meta.created gt 5", "dateTime"),
        ("userName gt null", "null"),
        ("userName co null", "null"),
        ('userName eq "x" and nosuch pr', "nosuch"),
        ("not (nosuch pr)", "nosuch"),
    ],
)
def test_invalid_user_filters(text: str, word: str) -> None:
    assert word in rejected(text)


@pytest.mark.parametrize(
    "text",
    ["count co 1", "count sw 1", 'count eq "1"', "count eq true", 'blob gt "A"', "weight ew 2", "blob eq 1"],
)
def test_invalid_typed_filters(text: str) -> None:
    rejected(text, NUMBERS)


def test_valid_group_filters() -> None:
    for text in [
        'displayName eq "x"',
        'members[value eq "u1"]',
        'members.value eq "u1"',
        'externalId eq "e"',
    ]:
        validate_filter(parse_filter(text), GROUP)
    rejected('userName eq "x"', GROUP)


def test_validate_element_filter() -> None:
    members = GROUP.attribute("members")
    assert members is not None
    validate_element_filter(parse_filter('value eq "u1"'), members)
    with pytest.raises(ScimError) as caught:
        validate_element_filter(parse_filter('nosuch eq "u1"'), members)
    assert caught.value.scim_type == "invalidFilter"


# --- index_key ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('userName eq "Alice@Example.com"', ("username", "Alice@Example.com")),
        ('USERNAME EQ "x"', ("username", "x")),
        ('id eq "u1"', ("id", "u1")),
        ('externalId eq "00u1"', ("externalid", "00u1")),
        ('displayName eq "Test SCIMv2"', ("displayname", "Test SCIMv2")),
        (f'{USER_SCHEMA}:userName eq "x"', ("username", "x")),
        (f'{GROUP_SCHEMA}:displayName eq "g"', ("displayname", "g")),
        ('userName eq "x" and active eq true', ("username", "x")),
        ('active eq true and userName eq "x"', ("username", "x")),
        ('active eq true and (title pr and id eq "u9")', ("id", "u9")),
        ('userName eq "x" or id eq "y"', None),
        ('userName ne "x"', None),
        ('userName co "x"', None),
        ("userName pr", None),
        ("userName eq null", None),
        ("externalId eq 5", None),
        ('title eq "x"', None),
        ('name.givenName eq "x"', None),
        ('emails eq "x"', None),
        ('emails[value eq "x"]', None),
        ('not (userName eq "x")', None),
        (f'{ENTERPRISE_USER_SCHEMA}:employeeNumber eq "x"', None),
        ('urn:example:other:userName eq "x"', None),
    ],
)
def test_index_key(text: str, key: tuple[str, str] | None) -> None:
    assert index_key(parse_filter(text)) == key


def test_index_key_agrees_with_matches() -> None:
    # The store looks the candidate up by the key, then still applies matches().
    f = parse_filter('userName eq "ALICE@example.com" and active eq false')
    assert index_key(f) == ("username", "ALICE@example.com")
    assert not matches(f, ALICE, USER)


# --- properties -----------------------------------------------------------------------------------

_NAMES = st.sampled_from(
    ["userName", "title", "active", "displayName", "externalId", "id", "x", "ims", "$ref", "my-attr_2"]
)
_SUB_NAMES = st.sampled_from(["value", "type", "primary", "display", "givenName"])
_URNS = st.sampled_from([None, USER_SCHEMA, ENTERPRISE_USER_SCHEMA, "urn:example:x"])
_LITERALS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)
_OPS = st.sampled_from(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"])


def _leaves(paths: st.SearchStrategy[AttrPath]) -> st.SearchStrategy[Filter]:
    return st.one_of(st.builds(Compare, paths, _OPS, _LITERALS), st.builds(Present, paths))


def _trees(leaves: st.SearchStrategy[Filter]) -> st.SearchStrategy[Filter]:
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(And, inner, inner), st.builds(Or, inner, inner), st.builds(Not, inner)
        ),
        max_leaves=12,
    )


_TOP_PATHS = st.builds(AttrPath, _URNS, _NAMES, st.none() | _SUB_NAMES) | st.sampled_from(
    [a("emails", "value"), a("emails"), a("name", "givenName"), a("meta", "created"), a("emails", "type")]
)
_ELEMENT_FILTERS = _trees(_leaves(st.builds(AttrPath, st.none(), _SUB_NAMES, st.none())))


def filters() -> st.SearchStrategy[Filter]:
    """Filter trees over User-like paths, including value paths; shrink towards a single leaf."""
    value_paths = st.builds(
        ValuePath, st.builds(AttrPath, _URNS, st.sampled_from(["emails", "ims"])), _ELEMENT_FILTERS
    )
    return _trees(st.one_of(_leaves(_TOP_PATHS), value_paths))


_JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)
)
_JSON = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10,
)


def resources() -> st.SearchStrategy[Json]:
    """User-shaped resources with arbitrary values under known names; shrink towards ``{}``."""
    keys = st.sampled_from(
        ["userName", "title", "active", "emails", "name", "meta", "externalId", "id", ENTERPRISE_USER_SCHEMA]
    )
    good = st.fixed_dictionaries(
        {},
        optional={
            "userName": st.text(max_size=5),
            "active": st.booleans(),
            "emails": st.lists(
                st.fixed_dictionaries(
                    {}, optional={"value": st.text(max_size=5), "type": st.sampled_from(["work", "home"])}
                ),
                max_size=3,
            ),
            "meta": st.fixed_dictionaries({"created": st.sampled_from(["2024-01-01T00:00:00Z", "bad"])}),
        },
    )
    return st.one_of(good, st.dictionaries(keys, _JSON, max_size=5))


@settings(max_examples=300)
@given(st.text())
def test_parse_filter_raises_only_scim_errors(text: str) -> None:
    try:
        parse_filter(text)
    except ScimError as error:
        assert (error.status, error.scim_type) == (400, "invalidFilter")


_FRAGMENTS = st.sampled_from(
    [
        "userName",
        "emails",
        "name.givenName",
        " ",
        "eq",
        "pr",
        "and",
        "or",
        "not",
        "(",
        ")",
        "[",
        "]",
        '"x"',
        '"',
        "\\",
        "1",
        "-1.5e3",
        "true",
        "null",
        ".",
        ":",
        "urn:a:b:",
        "type",
        "value",
        "$ref",
        "é",
    ]
)


@settings(max_examples=500)
@given(st.lists(_FRAGMENTS, max_size=20).map(" ".join) | st.lists(_FRAGMENTS, max_size=20).map("".join))
def test_near_miss_filters_raise_only_scim_errors(text: str) -> None:
    try:
        f = parse_filter(text)
    except ScimError as error:
        assert (error.status, error.scim_type) == (400, "invalidFilter")
        return
    assert parse_filter(render(f)) == f
    matches(f, ALICE, USER)
    try:
        validate_filter(f, USER)
    except ScimError as error:
        assert error.scim_type == "invalidFilter"


@pytest.mark.slow  # deep fuzzing: seconds; the fast loop keeps this module's other tests
@settings(max_examples=300)
@given(filters(), resources())
def test_rendered_filters_parse_back_and_evaluate_identically(f: Filter, resource: Json) -> None:
    again = parse_filter(render(f))
    assert again == f
    assert render(again) == render(f)
    assert matches(again, resource, USER) == matches(f, resource, USER)
    assert matches(again, ALICE, USER) == matches(f, ALICE, USER)


@pytest.mark.slow  # deep fuzzing: seconds; the fast loop keeps this module's other tests
@settings(max_examples=300)
@given(filters(), resources())
def test_logical_operators_are_boolean(f: Filter, resource: Json) -> None:
    result = matches(f, resource, USER)
    assert matches(Not(f), resource, USER) is not result
    assert matches(And(f, f), resource, USER) is result
    assert matches(Or(f, Not(f)), resource, USER) is True


_KNOWN_PATHS = st.sampled_from(
    [
        a("userName"),
        a("title"),
        a("active"),
        a("id"),
        a("emails"),
        a("emails", "value"),
        a("emails", "type"),
        a("name", "givenName"),
        a("meta", "created"),
        AttrPath(ENTERPRISE_USER_SCHEMA, "employeeNumber"),
    ]
)


@settings(max_examples=300)
@given(_KNOWN_PATHS, _LITERALS, resources())
def test_ne_is_the_negation_of_eq(path: AttrPath, literal: Any, resource: Json) -> None:
    equal = matches(Compare(path, "eq", literal), resource, USER)
    assert matches(Compare(path, "ne", literal), resource, USER) is not equal


@settings(max_examples=200)
@given(filters())
def test_validation_raises_only_invalid_filter(f: Filter) -> None:
    for rt in (USER, GROUP, NUMBERS):
        try:
            validate_filter(f, rt)
        except ScimError as error:
            assert (error.status, error.scim_type) == (400, "invalidFilter")
