"""The shared checks: each verdict holds exactly when the requirement does, and says what it saw."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from scim_conformance import checks
from scim_conformance.catalogue import load_sequence
from scim_conformance.checks import POINTER_TESTS, Labels
from scim_conformance.checks.pointers import At
from scim_conformance.errors import HarnessError
from scim_conformance.resources import fixtures_dir
from scim_conformance.spec import ERROR, LIST_RESPONSE


def answer(
    status: int, body: Any = None, *, text: str | None = None, url: str = "/Users/1"
) -> httpx.Response:
    request = httpx.Request("GET", f"https://z.example/public/realms/r/scim/v2{url}")
    if text is not None:
        return httpx.Response(status, text=text, request=request)
    return httpx.Response(status, json=body, request=request)


def test_status_names_the_request_and_what_came_back() -> None:
    verdict = checks.status(answer(500, text="boom"), 200, 201)
    assert not verdict
    assert verdict.what == "GET /Users/1 answered 500"
    assert (verdict.expected, verdict.got) == ("200 or 201", "500 boom")
    assert checks.status(answer(201, {}), 200, 201)


def test_json_checks_tell_no_json_from_not_an_object() -> None:
    assert not checks.json_body(answer(200, text="<html>"))
    assert checks.json_body(answer(200, [1]))
    assert not checks.json_object(answer(200, [1]))
    assert checks.json_object(answer(200, {"id": "1"}))


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"schemas": [], "totalResults": 0, "startIndex": 1, "itemsPerPage": 0}, "schemas does not list"),
        (
            {"schemas": [LIST_RESPONSE], "totalResults": "1", "startIndex": 1, "itemsPerPage": 0},
            "totalResults",
        ),
        (
            {"schemas": [LIST_RESPONSE], "totalResults": 1, "startIndex": True, "itemsPerPage": 0},
            "startIndex",
        ),
        (
            {
                "schemas": [LIST_RESPONSE],
                "totalResults": 1,
                "startIndex": 1,
                "itemsPerPage": 1,
                "Resources": {},
            },
            "array",
        ),
        ([], "not a JSON object"),
    ],
)
def test_list_response_names_each_problem(body: Any, problem: str) -> None:
    verdict = checks.list_response(answer(200, body), body)
    assert not verdict and problem in verdict.got


def test_a_valid_list_response_passes() -> None:
    body = {
        "schemas": [LIST_RESPONSE],
        "totalResults": 0,
        "startIndex": 1,
        "itemsPerPage": 0,
        "Resources": [],
    }
    assert checks.list_response(answer(200, body), body)


def test_scim_error_body_wants_the_status_as_a_string() -> None:
    good = answer(404, {"schemas": [ERROR], "status": "404", "detail": "no"})
    assert checks.scim_error_body(good)
    assert not checks.scim_error_body(answer(404, {"schemas": [ERROR], "status": 404}))
    assert not checks.scim_error_body(answer(404, text="Not Found"))
    integer = checks.scim_error_body(answer(401, {"schemas": [ERROR], "status": 401}))
    # issue 8 §3: say exactly what is wrong, not "without a SCIM Error body".
    assert integer.what == (
        "GET /Users/1 answered 401: the Error body's status is the integer 401; RFC 7644 §3.12 wants "
        'the string "401"'
    )
    assert "without" in checks.scim_error_body(answer(401, {"status": "401"})).got
    assert (
        checks.scim_error_body(answer(401, text="no")).what == "GET /Users/1: 401 without a SCIM Error body"
    )
    assert checks.scim_type(answer(409, {"scimType": "uniqueness"}), "uniqueness")
    assert not checks.scim_type(answer(409, {}), "uniqueness")


def test_created_id_wants_a_non_empty_string() -> None:
    assert checks.created_id(answer(201, {}), {"id": "5"})
    assert not checks.created_id(answer(201, {}), {"id": ""})
    assert not checks.created_id(answer(201, {}), {"id": 5})


def test_differences_ignore_added_attributes_but_not_changed_ones() -> None:
    sent = {
        "userName": "Åsa@x.com",
        "name": {"givenName": "Åsa"},
        "emails": [{"value": "a", "primary": True}],
    }
    added = {**sent, "id": "1", "emails": [{"value": "a", "primary": True, "display": "a"}]}
    assert checks.differences(sent, added) == []
    folded = {**sent, "userName": "A\u030asa@x.com"}  # NFD: the same text to a person, not to Okta
    (difference,) = checks.differences(sent, folded)
    # Both forms show escaped, so a reader sees the normalisation that a terminal hides.
    assert difference.startswith("/userName: ") and '(= "A\\u030asa@x.com") instead of' in difference
    assert difference.endswith('(= "\\u00c5sa@x.com")')
    assert checks.differences({"active": True}, {"active": 1}) == ["/active: 1 instead of true"]
    assert checks.differences({"active": True}, {}) == ["/active: missing instead of true"]


def test_members_compares_ids_as_a_set_once_each() -> None:
    group = {"members": [{"value": "a"}, {"value": "b"}]}
    assert checks.members(group, {"a", "b"})
    verdict = checks.members(group, {"a"})
    assert not verdict and verdict.got == "members [a, b]"


def _at(value: Any, body: Any = None) -> At:
    return At("/x", value is not None, value, body if body is not None else {"x": value})


def test_every_pointer_test_can_fail() -> None:
    labels = Labels({"uid": "u1"})
    cases = {
        "equals": (_at("u2"), "u1"),
        "present": (_at(None), True),
        "type": (_at(True), "integer"),
        "length": (_at([1]), 2),
        "max_length": (_at([1, 2, 3]), 2),
        "equals_length_of": (_at(2, {"x": 2, "list": [1]}), "/list"),
        "values": (_at([{"value": "u1"}, {"value": "u1"}]), ["u1"]),
        "contains": (_at([{"a": 1}]), {"a": 2}),
        "pattern": (_at("abc"), "^b"),
        "each_once": (_at([{"id": "u1"}, {"id": "u1"}]), ["u1"]),
        "unique_ids": (_at([{"id": "u1"}, {"id": "u1"}]), None),
    }
    assert set(cases) == set(POINTER_TESTS)
    for name, (at, argument) in cases.items():
        assert not POINTER_TESTS[name](at, argument, labels), name
    # A captured id shows with its name.
    assert POINTER_TESTS["equals"](_at("u2"), "u1", labels).expected == "/x: $uid (u1)"


def test_a_test_the_registry_lacks_is_an_error_at_load(monkeypatch: pytest.MonkeyPatch) -> None:
    # The schema lists the tests too; should the two drift apart, loading says so instead of
    # judging the expectation with some other test.
    monkeypatch.delitem(POINTER_TESTS, "equals")
    with pytest.raises(HarnessError, match=r"connection\.json: \$\.steps\[0\]\.expect: .*exactly one of"):
        load_sequence(fixtures_dir() / "okta" / "connection.json")


def test_read_json_parses_once_and_json_or_none_gives_a_copy_to_change() -> None:
    response = httpx.Response(
        200, json={"id": "1", "members": []}, request=httpx.Request("GET", "https://x.test/Groups/1")
    )
    first = checks.read_json(response)
    assert first == {"id": "1", "members": []}
    assert checks.read_json(response) is first
    copy = checks.json_or_none(response)
    assert copy == first and copy is not first
    not_json = httpx.Response(200, content=b"<html>", request=httpx.Request("GET", "https://x.test/Users"))
    assert checks.read_json(not_json) is None
