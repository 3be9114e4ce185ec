"""The catalogue runner: small sequences, written as catalogue JSON, replayed against a MockTransport.

What is judged is public: the requests the target saw (rendered values, captures,
derived bodies, pages) and the findings ``run_sequence`` raised or left on the probe.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, quote_plus

import httpx
import pytest
from mock_target import Answers, MockTarget, error, group, list_response, scim, user

from scim_conformance.catalogue import Sequence, load_sequence
from scim_conformance.claims import Claims
from scim_conformance.errors import ConformanceFailure, HarnessError
from scim_conformance.probe import Probe
from scim_conformance.replay import run_sequence
from scim_conformance.spec import USER_SCHEMA

RUN = "scimconf-0000abcd"


def sequence(tmp_path: Path, *steps: dict[str, Any], **fields: Any) -> Sequence:
    """A catalogue file ``demo.json`` with these steps, loaded (and so validated) as the suites load it."""
    data = {
        "id": "demo",
        "title": "Demo",
        "operation": "Demo operation",
        "source": "okta-requests.md §3",
        "requirement": "demo requirement (MUST)",
        "profiles": ["aiw", "oin"],
        **fields,
        "steps": list(steps),
    }
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return load_sequence(path)


def step(step_id: str, method: str, path: str, *expect: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A step; ``query``, ``headers`` and ``body`` go into its request, anything else into the step."""
    request = {"method": method, "path": path}
    request.update({key: fields.pop(key) for key in ("query", "headers", "body") if key in fields})
    return {
        "id": step_id,
        "operation": "create-user",
        "title": f"{step_id} title",
        "source": "okta-requests.md §4",
        "request": request,
        "expect": list(expect) or [{"status": [200]}],
        **fields,
    }


def replay(seq: Sequence, mock: MockTarget, *, profile: str = "aiw", **probe: Any) -> Probe:
    """Run ``seq`` for ``profile`` with a fresh probe of ``mock``; the probe (with its kept findings)."""
    used = mock.probe(**probe)
    run_sequence(seq, used, profile=profile, run=RUN)
    return used


def failing(seq: Sequence, mock: MockTarget, **probe: Any) -> ConformanceFailure:
    """The finding that stopped ``seq``."""
    with pytest.raises(ConformanceFailure) as excinfo:
        replay(seq, mock, **probe)
    return excinfo.value


def created(request: httpx.Request) -> httpx.Response:
    """POST /Users answered as a provider does: the body back with an id."""
    return scim(201, user("u-1", **json.loads(request.content)))


# -- requests ------------------------------------------------------------------

LOOKUP = "filter=userName%20eq%20%22{userName:url}%22&startIndex=1&count=100"
LOOKUP_PLUS = "filter=userName+eq+%22{userName:plus}%22&startIndex=1&count=100"


def lookup_and_create(tmp_path: Path) -> Sequence:
    return sequence(
        tmp_path,
        step("lookup", "GET", "/Users", query=LOOKUP),
        step("lookup-plus", "GET", "/Users", query=LOOKUP_PLUS, profiles=["oin"]),
        step(
            "create",
            "POST",
            "/Users",
            {"status": [201]},
            headers={"X-Okta-Demo": "{displayName}"},
            body={"userName": "{userName}", "displayName": "{displayName}", "groups": [], "active": True},
        ),
        values={"userName": "{run}.{seq}.u1+okta@example.com", "displayName": "Test User {run}"},
    )


@pytest.mark.parametrize("profile", ["aiw", "oin"])
def test_values_render_into_every_request_of_the_profile(tmp_path: Path, profile: str) -> None:
    answers: Answers = {("GET", "/Users"): scim(200, list_response([])), ("POST", "/Users"): created}
    mock = MockTarget(answers=answers)
    replay(lookup_and_create(tmp_path), mock, profile=profile)
    *lookups, post = mock.requests
    body = json.loads(post.content)
    name = body["userName"]
    assert re.fullmatch(rf"{RUN}\.[0-9a-f]{{6}}\.u1\+okta@example\.com", name)
    assert body == {"userName": name, "displayName": f"Test User {RUN}", "groups": [], "active": True}
    assert post.headers["X-Okta-Demo"] == f"Test User {RUN}"
    queries = [request.url.query.decode() for request in lookups]
    percent = f"filter=userName%20eq%20%22{quote(name, safe='')}%22&startIndex=1&count=100"
    plus = f"filter=userName+eq+%22{quote_plus(name, safe='')}%22&startIndex=1&count=100"
    assert queries == ([percent] if profile == "aiw" else [percent, plus])
    assert "%2Bokta%40example.com" in percent and "%2Bokta%40example.com" in plus


def test_each_run_of_a_sequence_has_its_own_values(tmp_path: Path) -> None:
    seq = lookup_and_create(tmp_path)
    mock = MockTarget(answers={("GET", "/Users"): scim(200, list_response([])), ("POST", "/Users"): created})
    replay(seq, mock)
    replay(seq, mock)
    first, second = (body["userName"] for body in mock.bodies() if body)
    assert first != second


def test_a_profile_the_sequence_does_not_concern_is_a_harness_error(tmp_path: Path) -> None:
    seq = sequence(tmp_path, step("look", "GET", "/Widgets"), profiles=["oin"])
    mock = MockTarget(answers={})
    with pytest.raises(HarnessError, match="'demo' does not concern the aiw profile"):
        replay(seq, mock, profile="aiw")
    assert mock.requests == []


def test_captures_feed_later_paths_and_bodies_keeping_their_type(tmp_path: Path) -> None:
    seq = sequence(
        tmp_path,
        step(
            "create",
            "POST",
            "/Users",
            {"status": [201]},
            body={"userName": "ada@example.com"},
            capture={"userId": "/id"},
        ),
        step("count", "GET", "/Users", query="startIndex=1&count=1", capture={"total": "/totalResults"}),
        step("get", "GET", "/Users/{$userId}"),
        step(
            "push",
            "PUT",
            "/Groups/g-1",
            body={"members": [{"value": "{$userId}"}], "count": "{$total}", "label": "{$userId}:{$total}"},
        ),
        step("create-group", "POST", "/Groups", {"status": [201]}, body={"displayName": "x"}),
    )
    answers: Answers = {
        ("POST", "/Users"): created,
        ("GET", "/Users"): scim(200, list_response([user("u-0")], total=3)),
        ("GET", "/Users/u-1"): scim(200, user("u-1")),
        ("PUT", "/Groups/g-1"): scim(200, group("g-1")),
        ("POST", "/Groups"): scim(201, group("g-1")),
    }
    mock = MockTarget(answers=answers)
    probe = mock.probe()
    probe.tracker.created("Group", group("g-1"))  # the PUT names a group of the run
    run_sequence(seq, probe, profile="aiw", run=RUN)
    assert [path for _, path in mock.sent()][:4] == [
        "/Users",
        "/Users?startIndex=1&count=1",
        "/Users/u-1",
        "/Groups/g-1",
    ]
    assert mock.bodies()[3] == {"members": [{"value": "u-1"}], "count": 3, "label": "u-1:3"}


@pytest.mark.parametrize(
    "shown", [user("u-1"), {**user("u-1"), "meta": {"created": None}}], ids=["absent", "null"]
)
def test_a_capture_the_response_lacks_blocks_the_steps_that_need_it(
    tmp_path: Path, shown: dict[str, Any]
) -> None:
    seq = sequence(
        tmp_path,
        step("get", "GET", "/Users/u-1", capture={"created": "/meta/created"}, severity="rfc"),
        step("again", "GET", "/Users/{$created}", operation="fetch-user"),
        step("other", "GET", "/Users/u-1", operation="lookup-user"),
    )
    mock = MockTarget(answers={("GET", "/Users/u-1"): scim(200, shown)})
    failure = failing(seq, mock)
    assert (failure.check, failure.severity) == ("demo.get", "rfc")
    assert failure.title == (
        "Demo operation [aiw], step 1 get: the response has no /meta/created, "
        "which Okta reads (as $created) for its next requests"
    )
    assert (failure.expected, failure.got) == ("/meta/created in the response body", "no /meta/created")
    # The step needing $created is not reached (not sent); the independent one still runs.
    assert [path for _, path in mock.sent()] == ["/Users/u-1", "/Users/u-1"]


def test_a_put_body_is_the_fetched_resource_with_oktas_changes(tmp_path: Path) -> None:
    """okta-requests.md §6: Okta GETs the user, then PUTs what it got back with its changes."""
    fetched = user(
        "u-1",
        name={"givenName": "Ada", "familyName": "Lovelace"},
        emails=[{"value": "ada@example.com", "primary": True}],
        active=True,
        meta={"resourceType": "User"},
    )
    seq = sequence(
        tmp_path,
        step("create", "POST", "/Users", {"status": [201]}, body={"userName": "ada@example.com"}),
        step("get", "GET", "/Users/u-1"),
        step(
            "update",
            "PUT",
            "/Users/u-1",
            body={
                "$from": "get",
                "$set": {
                    "/name/givenName": "{givenName}",
                    "/emails/0/value": "ada.l@example.com",
                    "/active": False,
                    "/title/text": "Countess",
                },
            },
        ),
        values={"givenName": "Augusta {run}"},
    )
    answers: Answers = {
        ("POST", "/Users"): created,
        ("GET", "/Users/u-1"): scim(200, fetched),
        ("PUT", "/Users/u-1"): lambda request: scim(200, json.loads(request.content)),
    }
    mock = MockTarget(answers=answers)
    replay(seq, mock)
    assert mock.bodies()[2] == {
        **fetched,
        "name": {"givenName": f"Augusta {RUN}", "familyName": "Lovelace"},
        "emails": [{"value": "ada.l@example.com", "primary": True}],
        "active": False,
        "title": {"text": "Countess"},
    }


def test_a_body_from_a_step_without_a_json_object_stops_the_sequence(tmp_path: Path) -> None:
    seq = sequence(
        tmp_path,
        step("create", "POST", "/Users", {"status": [201]}, body={"userName": "ada@example.com"}),
        step("get", "GET", "/Widgets/u-1"),
        step("update", "PUT", "/Users/u-1", body={"$from": "get", "$set": {"/active": False}}),
    )
    answers: Answers = {
        ("POST", "/Users"): created,
        ("GET", "/Widgets/u-1"): scim(200, ["not", "an", "object"]),
    }
    mock = MockTarget(answers=answers)
    failure = failing(seq, mock)
    assert (failure.check, failure.severity) == ("demo.update", "okta")
    assert failure.title == (
        "Demo operation [aiw], step 3 update: cannot build Okta's PUT body: step get gave no JSON object"
    )
    assert failure.expected == "a JSON resource from step get to apply Okta's changes to"
    assert failure.got == '["not", "an", "object"]'
    assert len(mock.requests) == 2


# -- expectations ----------------------------------------------------------------

# (expectation, response body, headers, expected, got): one rfc expectation on GET /Widgets
# (a path without a response schema); expected/got None means the expectation holds.
E = dict[str, Any]
EXPECTATIONS: list[tuple[str, E, Any, dict[str, str], str | None, str | None]] = [
    ("equals", {"pointer": "/a", "equals": "x"}, {"a": "x"}, {}, None, None),
    ("equals-wrong", {"pointer": "/a", "equals": "x"}, {"a": "y"}, {}, '/a: "x"', '/a: "y"'),
    ("equals-true-is-not-1", {"pointer": "/a", "equals": 1}, {"a": True}, {}, "/a: 1", "/a: true"),
    ("equals-missing", {"pointer": "/a/b", "equals": "x"}, {"a": {}}, {}, '/a/b: "x"', "/a/b: missing"),
    ("equals-no-json", {"pointer": "/a", "equals": "x"}, None, {}, '/a: "x"', "/a: no JSON body"),
    ("present", {"pointer": "/a", "present": True}, {"a": 0}, {}, None, None),
    ("present-null", {"pointer": "/a", "present": True}, {"a": None}, {}, "/a present", "/a: missing"),
    (
        "absent",
        {"pointer": "/password", "present": False},
        {"password": "x"},
        {},
        "/password absent",
        '/password: "x"',
    ),
    ("type", {"pointer": "/n", "type": "integer"}, {"n": 3}, {}, None, None),
    (
        "type-bool-is-not-integer",
        {"pointer": "/n", "type": "integer"},
        {"n": True},
        {},
        "/n: a JSON integer",
        "/n: true (boolean)",
    ),
    (
        "type-missing",
        {"pointer": "/n", "type": "string"},
        {},
        {},
        "/n: a JSON string",
        "/n: missing (absent)",
    ),
    ("length", {"pointer": "/l", "length": 2}, {"l": [1, 2]}, {}, None, None),
    ("length-wrong", {"pointer": "/l", "length": 2}, {"l": [1]}, {}, "2 items", "[1]"),
    ("length-missing-is-empty", {"pointer": "/l", "length": 0}, {}, {}, None, None),
    ("max-length", {"pointer": "/l", "max_length": 2}, {"l": [1, 2]}, {}, None, None),
    (
        "max-length-over",
        {"pointer": "/l", "max_length": 2},
        {"l": [1, 2, 3]},
        {},
        "at most 2 items",
        "[1, 2, 3]",
    ),
    ("equals-length-of", {"pointer": "/n", "equals_length_of": "/l"}, {"n": 2, "l": [1, 2]}, {}, None, None),
    (
        "equals-length-of-wrong",
        {"pointer": "/n", "equals_length_of": "/l"},
        {"n": 3, "l": [1, 2]},
        {},
        "2 (the length of /l)",
        "3",
    ),
    (
        "equals-length-of-bool",
        {"pointer": "/n", "equals_length_of": "/l"},
        {"n": True, "l": [1]},
        {},
        "1 (the length of /l)",
        "true",
    ),
    (
        "values",
        {"pointer": "/m", "values": ["a", "b"]},
        {"m": [{"value": "b"}, {"value": "a"}]},
        {},
        None,
        None,
    ),
    (
        "values-twice",
        {"pointer": "/m", "values": ["a", "b"]},
        {"m": [{"value": "a"}, {"value": "a"}, {"value": "b"}]},
        {},
        "/m values: [a, b]",
        "/m values: [a, a, b]",
    ),
    (
        "values-missing-one",
        {"pointer": "/m", "values": ["a", "b"]},
        {"m": [{"value": "a"}]},
        {},
        "/m values: [a, b]",
        "/m values: [a]",
    ),
    ("values-absent", {"pointer": "/m", "values": []}, {}, {}, None, None),
    ("contains", {"pointer": "/l", "contains": {"x": 1}}, {"l": [{"x": 2}, {"x": 1}]}, {}, None, None),
    (
        "contains-not",
        {"pointer": "/l", "contains": {"x": 1}},
        {"l": [{"x": "1"}]},
        {},
        'an item {"x": 1}',
        '[{"x": "1"}]',
    ),
    ("pattern", {"pointer": "/s", "pattern": "^ab"}, {"s": "abc"}, {}, None, None),
    ("pattern-no-match", {"pointer": "/s", "pattern": "^ab"}, {"s": "cab"}, {}, "matching '^ab'", '"cab"'),
    ("pattern-not-string", {"pointer": "/s", "pattern": "^1"}, {"s": 1}, {}, "matching '^1'", "1"),
    (
        "each-once",
        {"pointer": "/R", "each_once": ["a", "b"]},
        {"R": [{"id": "b"}, {"id": "a"}, {"id": "c"}]},
        {},
        None,
        None,
    ),
    (
        "each-once-twice",
        {"pointer": "/R", "each_once": ["a", "b"]},
        {"R": [{"id": "a"}, {"id": "a"}]},
        {},
        "each of [a, b] exactly once",
        "a 2 times, b 0 times (among 2 resources listed)",
    ),
    ("unique-ids", {"pointer": "/R", "unique_ids": True}, {"R": [{"id": "a"}, {"id": "b"}]}, {}, None, None),
    (
        "unique-ids-twice",
        {"pointer": "/R", "unique_ids": True},
        {"R": [{"id": "b"}, {"id": "a"}, {"id": "b"}]},
        {},
        "every id once",
        "listed more than once: [b]",
    ),
    ("status", {"status": [200, 404]}, {}, {}, None, None),
    ("header-present", {"header": "Location", "present": True}, {}, {"Location": "/Users/1"}, None, None),
    (
        "header-missing",
        {"header": "Location", "present": True},
        {},
        {},
        "a Location header",
        "no such header",
    ),
    (
        "header-unwanted",
        {"header": "Location", "present": False},
        {},
        {"Location": "/x"},
        "no Location header",
        "Location: /x",
    ),
    ("header-pattern", {"header": "Content-Type", "pattern": "scim\\+json"}, {}, {}, None, None),
    (
        "header-pattern-wrong",
        {"header": "Retry-After", "pattern": "^[0-9]+$"},
        {},
        {"Retry-After": "soon"},
        "matching '^[0-9]+$'",
        "'soon'",
    ),
    (
        "header-pattern-absent",
        {"header": "Retry-After", "pattern": "^[0-9]+$"},
        {},
        {},
        "matching '^[0-9]+$'",
        "None",
    ),
    ("when-status-other", {"pointer": "/a", "present": True, "when_status": [201]}, {}, {}, None, None),
    (
        "when-status-met",
        {"pointer": "/a", "present": True, "when_status": [200]},
        {},
        {},
        "/a present",
        "/a: missing",
    ),
    ("list-response", {"list_response": True}, list_response([]), {}, None, None),
]


@pytest.mark.parametrize(
    ("expectation", "body", "headers", "expected", "got"),
    [case[1:] for case in EXPECTATIONS],
    ids=[case[0] for case in EXPECTATIONS],
)
def test_each_expectation(
    tmp_path: Path,
    expectation: E,
    body: Any,
    headers: dict[str, str],
    expected: str | None,
    got: str | None,
) -> None:
    seq = sequence(tmp_path, step("look", "GET", "/Widgets", {**expectation, "severity": "rfc"}))
    response = scim(200, body, headers=headers) if body is not None else httpx.Response(200, headers=headers)
    probe = replay(seq, MockTarget(answers={("GET", "/Widgets"): response}))
    found = [(f.expected, f.got) for f in probe.kept]
    assert found == ([] if expected is None else [(expected, got)])


def test_a_failed_status_names_the_operation_and_step(tmp_path: Path) -> None:
    seq = sequence(
        tmp_path,
        step("look", "GET", "/Widgets", {"status": [201]}),
        step("next", "GET", "/Widgets"),
    )
    mock = MockTarget(answers={("GET", "/Widgets"): httpx.Response(200, text="fine")})
    failure = failing(seq, mock, check="demo.test", severity="rfc")
    assert failure.title == "Demo operation [aiw], step 1 look: GET /Widgets answered 200"
    assert (failure.check, failure.severity, failure.requirement) == (
        "demo.look",
        "okta",
        "demo requirement (MUST)",
    )
    assert (failure.expected, failure.got) == ("201", "200 fine")
    assert failure.operation == "Demo operation (aiw), step 1 of 2 look: look title — okta-requests.md §4"
    assert len(failure.exchanges) == 1  # the step's own exchanges so far
    assert len(mock.requests) == 2  # the next step does not depend on it: it still runs


def test_a_list_response_problem_lists_every_problem(tmp_path: Path) -> None:
    seq = sequence(tmp_path, step("look", "GET", "/Widgets", {"list_response": True}))
    mock = MockTarget(answers={("GET", "/Widgets"): scim(200, {"totalResults": "1", "Resources": {}})})
    failure = failing(seq, mock)
    assert (
        failure.title == "Demo operation [aiw], step 1 look: GET /Widgets did not answer a valid ListResponse"
    )
    assert failure.got == (
        "schemas does not list urn:ietf:params:scim:api:messages:2.0:ListResponse; "
        'totalResults is "1", not an integer; startIndex is null, not an integer; '
        "itemsPerPage is null, not an integer; Resources is not an array"
    )


def test_titles_checks_and_requirements_come_from_the_catalogue(tmp_path: Path) -> None:
    seq = sequence(
        tmp_path,
        step(
            "look",
            "GET",
            "/Widgets",
            {"pointer": "/a", "present": True, "title": "Okta finds no a", "check": ".a", "severity": "rfc"},
            {"pointer": "/b", "present": True, "check": "other.b", "requirement": "RFC 7644 §3.4.2 (MUST)"},
            check="demo.custom",
            requirement="step requirement (SHOULD)",
            severity="rfc",
        ),
        severity="security",
    )
    probe = replay(seq, MockTarget(answers={("GET", "/Widgets"): scim(200, {})}))
    assert [(f.title, f.check, f.severity, f.requirement) for f in probe.kept] == [
        (
            "Demo operation [aiw], step 1 look: Okta finds no a (/a is missing)",
            "demo.custom.a",
            "rfc",
            "step requirement (SHOULD)",
        ),
        ("Demo operation [aiw], step 1 look: /b is missing", "other.b", "rfc", "RFC 7644 §3.4.2 (MUST)"),
    ]


MIDDLE_NAME = {
    "pointer": "/name/middleName",
    "equals": "Excited",
    "if_claimed": "name.middleName",
    "check": ".claimed",
    "severity": "rfc",
}


@pytest.mark.parametrize(
    ("claimed", "name", "found"),
    [
        # CONTRACT §4: not a stored attribute, so dropped or changed it is nothing unless claimed...
        ((), {"givenName": "Test", "middleName": "Calm"}, []),
        # ... and claimed, dropped is still allowed: only another non-empty value is rfc.
        (("name.middlename",), {"givenName": "Test"}, []),
        (("name.middlename",), {"givenName": "Test", "middleName": ""}, []),
        (("name.middlename",), {"givenName": "Test", "middleName": "Excited"}, []),
        (
            ("name.middlename",),
            {"givenName": "Test", "middleName": "Calm"},
            [("demo.get.claimed", "rfc", '/name/middleName: "Calm"')],
        ),
    ],
)
def test_an_expectation_if_claimed_is_judged_only_on_what_the_provider_claims_and_returns(
    tmp_path: Path, claimed: tuple[str, ...], name: dict[str, Any], found: list[tuple[str, str, str]]
) -> None:
    seq = sequence(tmp_path, step("get", "GET", "/Users/u-1", MIDDLE_NAME))
    claims = Claims(frozenset((USER_SCHEMA.lower(), path) for path in claimed), "test")
    mock = MockTarget(answers={("GET", "/Users/u-1"): scim(200, user("u-1", name=name))})
    probe = replay(seq, mock, claims=claims)
    assert [(f.check, f.severity, f.got) for f in probe.kept] == found


def test_captured_ids_are_shown_by_name(tmp_path: Path) -> None:
    seq = sequence(
        tmp_path,
        step(
            "create",
            "POST",
            "/Users",
            {"status": [201]},
            body={"userName": "a@example.com"},
            capture={"userId": "/id"},
        ),
        step(
            "get",
            "GET",
            "/Groups/g-1",
            {"pointer": "/id", "equals": "{$userId}", "severity": "rfc"},
            {"pointer": "/members", "values": ["{$userId}"], "severity": "rfc", "check": ".members"},
        ),
    )
    answers: Answers = {
        ("POST", "/Users"): created,
        ("GET", "/Groups/g-1"): scim(200, group("g-1", members=[{"value": "u-9"}])),
    }
    probe = replay(seq, MockTarget(answers=answers))
    assert [(f.title, f.expected, f.got) for f in probe.kept] == [
        ('Demo operation [aiw], step 2 get: /id is "g-1"', "/id: $userId (u-1)", '/id: "g-1"'),
        (
            "Demo operation [aiw], step 2 get: /members lists u-9",
            "/members values: [$userId (u-1)]",
            "/members values: [u-9]",
        ),
    ]


def test_an_okta_failure_ends_its_step_and_carries_the_rfc_findings_kept_once(tmp_path: Path) -> None:
    seq = sequence(
        tmp_path,
        step(
            "one", "GET", "/Widgets/1", {"pointer": "/a", "equals": 1, "severity": "rfc", "check": "demo.a"}
        ),
        step(
            "two", "GET", "/Widgets/2", {"pointer": "/a", "equals": 1, "severity": "rfc", "check": "demo.a"}
        ),
        step("three", "GET", "/Widgets/3", {"pointer": "/b", "present": True}),
        step("four", "GET", "/Widgets/4"),
    )
    answers: Answers = {("GET", f"/Widgets/{n}"): scim(200, {"a": n + 1}) for n in range(1, 5)}
    mock = MockTarget(answers=answers)
    failure = failing(seq, mock)
    assert (failure.check, failure.severity) == ("demo.three", "okta")
    [kept] = failure.others
    assert (kept.check, kept.got, kept.title) == (
        "demo.a",
        "/a: 2",
        "Demo operation [aiw], step 1 one: /a is 2",
    )
    # Step four needs nothing of step three: it runs, and passes.
    assert [path for _, path in mock.sent()] == ["/Widgets/1", "/Widgets/2", "/Widgets/3", "/Widgets/4"]


def test_later_steps_report_their_own_findings_and_outcomes(tmp_path: Path) -> None:
    """issue 8 §2: a failed step does not hide what later, independent steps would show."""
    seq = sequence(
        tmp_path,
        step("create", "POST", "/Users", {"status": [201]}, body={"userName": "a"}, capture={"uid": "/id"}),
        step("get", "GET", "/Users/{$uid}", {"pointer": "/active", "equals": True}, operation="fetch-user"),
        step(
            "put",
            "PUT",
            "/Users/{$uid}",
            body={"$from": "get", "$set": {"/active": False}},
            operation="deactivate",
        ),
        step("lookup", "GET", "/Users", {"status": [200]}, query="filter=x", operation="lookup-user"),
    )
    mock = MockTarget(
        answers={
            ("POST", "/Users"): scim(200, user("u-1")),  # 200, not 201: the id is still there
            ("GET", "/Users/u-1"): scim(200, {**user("u-1"), "active": False}),
            ("PUT", "/Users/u-1"): scim(200, user("u-1")),
            ("GET", "/Users"): httpx.Response(500, text="boom"),
        }
    )
    probe = mock.probe()
    with pytest.raises(ConformanceFailure) as raised:
        run_sequence(seq, probe, profile="aiw", run=RUN)
    found = [(f.check, f.okta_operation) for f in raised.value.all()]
    assert found == [
        ("demo.create", "create-user"),
        ("demo.get", "fetch-user"),
        ("demo.lookup", "lookup-user"),
    ]
    assert [(o.operation, o.status) for o in probe.outcomes] == [
        ("create-user", "fail"),
        ("fetch-user", "fail"),
        ("deactivate", "pass"),
        ("lookup-user", "fail"),
    ]


def test_a_step_without_its_input_is_not_reached(tmp_path: Path) -> None:
    seq = sequence(
        tmp_path,
        step("create", "POST", "/Users", {"status": [201]}, body={"userName": "a"}, capture={"uid": "/id"}),
        step("get", "GET", "/Users/{$uid}", operation="fetch-user"),
        step("put", "PUT", "/Users/{$uid}", body={"$from": "get", "$set": {}}, operation="deactivate"),
    )
    mock = MockTarget(answers={("POST", "/Users"): httpx.Response(500, text="no")})
    probe = mock.probe()
    with pytest.raises(ConformanceFailure):
        run_sequence(seq, probe, profile="aiw", run=RUN)
    assert len(mock.requests) == 1
    assert [(o.operation, o.status, o.blocked_by) for o in probe.outcomes] == [
        ("create-user", "fail", ""),
        ("fetch-user", "not reached", "step 1 create (no $uid)"),
        ("deactivate", "not reached", "step 1 create (no $uid)"),
    ]


def test_the_steps_expectations_judge_before_the_response_schema(tmp_path: Path) -> None:
    seq = sequence(
        tmp_path,
        step(
            "get",
            "GET",
            "/Users/u-1",
            {"pointer": "/id", "present": True, "title": "Okta cannot link the user"},
        ),
    )
    failure = failing(seq, MockTarget(answers={("GET", "/Users/u-1"): scim(200, {"userName": "ada"})}))
    assert (failure.check, failure.title) == (
        "demo.get",
        "Demo operation [aiw], step 1 get: Okta cannot link the user (/id is missing)",
    )


def test_the_response_schema_is_judged_after_a_step_that_passed(tmp_path: Path) -> None:
    seq = sequence(tmp_path, step("get", "GET", "/Users/u-1"))
    probe = replay(seq, MockTarget(answers={("GET", "/Users/u-1"): scim(200, user("u-1", timezone=5))}))
    [kept] = probe.kept
    assert (kept.check, kept.severity) == ("schema.user", "rfc")
    assert kept.operation.startswith("Demo operation (aiw), step 1 of 1 get:")
    with pytest.raises(ConformanceFailure, match="not a valid User"):
        replay(seq, MockTarget(answers={("GET", "/Users/u-1"): scim(200, {"userName": "ada"})}))


# -- pagination ------------------------------------------------------------------


def pages(ids: list[str], *, total: Any = None, repeat: dict[int, list[str]] | None = None) -> Any:
    """GET /Users answered page by page from ``ids`` (``repeat``: ids shown at a startIndex instead)."""

    def handler(request: httpx.Request) -> httpx.Response:
        query = parse_qs(request.url.query.decode())
        start, count = int(query["startIndex"][0]), int(query["count"][0])
        shown = (repeat or {}).get(start, ids[start - 1 : start - 1 + count])
        return scim(
            200,
            list_response(
                [user(i, f"{i}@example.com") for i in shown],
                total=len(ids) if total is None else total,
                start=start,
            ),
        )

    return handler


def import_step(*expect: dict[str, Any], count: int = 2, **paginate: int) -> dict[str, Any]:
    return step(
        "import",
        "GET",
        "/Users",
        *expect,
        query="startIndex={startIndex}&count={count}",
        paginate={"count": count, **paginate},
    )


def test_an_import_pages_until_total_results(tmp_path: Path) -> None:
    ids = [f"u{n}" for n in range(1, 6)]
    seq = sequence(
        tmp_path,
        import_step(
            {"list_response": True},
            {"pointer": "/Resources", "each_once": ids},
            {"pointer": "/Resources", "unique_ids": True},
        ),
    )
    mock = MockTarget(pages(ids))
    probe = replay(seq, mock)
    assert probe.kept == []
    assert mock.sent() == [
        ("GET", "/Users?startIndex=1&count=2"),
        ("GET", "/Users?startIndex=3&count=2"),
        ("GET", "/Users?startIndex=5&count=2"),
    ]


def test_resources_are_judged_over_all_pages_once(tmp_path: Path) -> None:
    """A page that repeats a resource and skips another: one finding per check, for the whole import."""
    ids = [f"u{n}" for n in range(1, 6)]
    seq = sequence(
        tmp_path,
        import_step(
            {"pointer": "/Resources", "each_once": ids, "check": ".once", "severity": "rfc"},
            {"pointer": "/Resources", "unique_ids": True, "check": ".unique", "severity": "rfc"},
        ),
    )
    probe = replay(seq, MockTarget(pages(ids, repeat={3: ["u2", "u4"]})))
    assert [(f.check, f.expected, f.got) for f in probe.kept] == [
        (
            "demo.import.once",
            "each of [u1, u2, u3, u4, u5] exactly once",
            "u2 2 times, u3 0 times (among 5 resources listed)",
        ),
        ("demo.import.unique", "every id once", "listed more than once: [u2]"),
    ]


def test_each_page_is_judged_with_its_own_start_index_and_count(tmp_path: Path) -> None:
    """okta-requests.md §9: a page holds at most ``count`` resources and echoes ``startIndex``."""
    ids = [f"u{n}" for n in range(1, 6)]
    seq = sequence(
        tmp_path,
        import_step(
            {"pointer": "/Resources", "max_length": "{count}", "severity": "rfc", "check": ".count"},
            {"pointer": "/startIndex", "equals": "{startIndex}", "severity": "rfc", "check": ".start"},
        ),
    )
    assert replay(seq, MockTarget(pages(ids))).kept == []

    def sloppy(request: httpx.Request) -> httpx.Response:
        start = int(parse_qs(request.url.query.decode())["startIndex"][0])
        shown = [user(i, f"{i}@example.com") for i in ids[start - 1 : start + 2]]  # one too many
        return scim(200, list_response(shown, total=len(ids), start=1))

    probe = replay(seq, MockTarget(sloppy))
    assert [(f.check, f.expected, f.got) for f in probe.kept] == [
        ("demo.import.count", "at most 2 items", _shown(ids[0:3])),
        ("demo.import.start", "/startIndex: 3", "/startIndex: 1"),
    ]


def _shown(ids: list[str]) -> str:
    """A value as a finding shows it: JSON, cut at 200 characters."""
    return json.dumps([user(i, f"{i}@example.com") for i in ids], ensure_ascii=False)[:200] + "…"


def test_an_empty_page_ends_the_import(tmp_path: Path) -> None:
    seq = sequence(tmp_path, import_step({"pointer": "/Resources", "each_once": ["u1", "u2", "u3"]}))
    mock = MockTarget(pages(["u1", "u2"], total=3))
    failure = failing(seq, mock)
    assert failure.got == "u3 0 times (among 2 resources listed)"
    assert len(mock.requests) == 2


def test_the_page_grows_on_a_large_realm_but_never_past_oktas_100(tmp_path: Path) -> None:
    ids = [f"u{n}" for n in range(1, 6)]
    seq = sequence(tmp_path, import_step(count=1, max_pages=2))
    mock = MockTarget(pages(ids))
    replay(seq, mock)
    assert mock.sent() == [
        ("GET", "/Users?startIndex=1&count=1"),
        ("GET", "/Users?startIndex=2&count=3"),
        ("GET", "/Users?startIndex=5&count=3"),
    ]
    big = sequence(tmp_path, import_step(count=10, max_pages=1))
    mock = MockTarget(pages([f"u{n}" for n in range(1, 11)], total=100_000))
    replay(big, mock)  # the target claims more than it lists: the empty second page ends the import
    assert mock.sent()[:2] == [
        ("GET", "/Users?startIndex=1&count=10"),
        ("GET", "/Users?startIndex=11&count=100"),
    ]


def test_an_import_that_never_ends_is_stopped_and_reported(tmp_path: Path) -> None:
    """okta-requests.md §9: an import looping forever is an okta finding, and the loop guard bounds it."""

    def growing(request: httpx.Request) -> httpx.Response:
        start = int(parse_qs(request.url.query.decode())["startIndex"][0])
        page = [
            user(f"u{start}", f"u{start}@example.com"),
            user(f"u{start + 1}", f"u{start + 1}@example.com"),
        ]
        return scim(200, list_response(page, total=start + 3, start=start))

    seq = sequence(tmp_path, import_step({"status": [200]}))
    mock = MockTarget(growing)
    failure = failing(seq, mock, severity="rfc")
    assert (failure.check, failure.severity) == ("demo.import", "okta")
    assert (
        failure.title
        == "Demo operation [aiw], step 1 import: paging /Users with count=2 did not end after 14 pages"
    )
    assert failure.got == "still paging at startIndex=29: the import loops or totalResults grows"
    # The guard: twice the pages the first totalResults (4, at count=2) needs, plus ten.
    assert len(mock.requests) == 14


def test_an_import_ends_when_total_results_is_not_an_integer(tmp_path: Path) -> None:
    seq = sequence(tmp_path, import_step({"status": [200]}))
    mock = MockTarget(pages(["u1", "u2", "u3"], total="3"))
    with pytest.raises(ConformanceFailure) as excinfo:
        replay(seq, mock)
    assert (excinfo.value.check, excinfo.value.severity) == ("schema.listresponse", "okta")
    assert len(mock.requests) == 1


def test_error_answers_in_a_sequence(tmp_path: Path) -> None:
    """A duplicate create is judged on its status and error body like any step."""
    seq = sequence(
        tmp_path,
        step(
            "duplicate",
            "POST",
            "/Users",
            {"status": [409]},
            {"pointer": "/scimType", "equals": "uniqueness", "severity": "rfc"},
            body={"userName": "ada@example.com"},
        ),
    )
    probe = replay(seq, MockTarget(answers={("POST", "/Users"): error(409, scim_type="invalidValue")}))
    assert [(f.expected, f.got) for f in probe.kept] == [
        ('/scimType: "uniqueness"', '/scimType: "invalidValue"')
    ]
    assert probe.tracker.clean_up()["created"] == 0
