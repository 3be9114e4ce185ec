"""Probe: the requests a test sends and the findings its expectations raise or keep.

Every test drives a real Target through ``httpx.MockTransport``: what is judged is
what the target was sent and which finding came back, never the probe's insides.
"""

from __future__ import annotations

import json

import httpx
import pytest
from mock_target import TOKEN, MockTarget, error, group, list_response, scim, user

from scim_conformance.errors import ConformanceFailure, HarnessError
from scim_conformance.spec import ERROR, LIST_RESPONSE

OKTA_SENT = {
    "user-agent": "Okta SCIM Client 1.0.0",
    "accept": "application/scim+json",
    "accept-charset": "utf-8",
}


def answering(response: httpx.Response) -> MockTarget:
    """A target that answers every request with ``response``."""
    return MockTarget(lambda request: response)


def raised(excinfo: pytest.ExceptionInfo[ConformanceFailure]) -> tuple[str, str, str, str]:
    failure = excinfo.value
    return failure.check, failure.severity, failure.expected, failure.got


# -- requests ------------------------------------------------------------------


def test_request_sends_oktas_headers_and_the_token() -> None:
    mock = answering(scim(200, list_response([])))
    mock.probe().request("GET", "/Users")
    [sent] = mock.requests
    assert {name: sent.headers[name] for name in OKTA_SENT} == OKTA_SENT
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert "content-type" not in sent.headers
    assert sent.content == b""


def test_a_json_body_is_compact_utf8_with_oktas_content_type() -> None:
    mock = answering(scim(201, user("u1", "josé@example.com")))
    mock.probe().request("POST", "/Users", body={"userName": "josé@example.com", "active": True, "n": 1})
    [sent] = mock.requests
    assert sent.content == '{"userName":"josé@example.com","active":true,"n":1}'.encode()
    assert sent.headers["Content-Type"] == "application/scim+json; charset=utf-8"


def test_raw_content_is_sent_verbatim_and_a_given_content_type_wins() -> None:
    mock = answering(error(400, scim_type="invalidSyntax"))
    probe = mock.probe()
    probe.request("POST", "/Users", content=b'{"userName": ')
    probe.request("POST", "/Users", content="{}", headers={"Content-Type": "application/json"})
    first, second = mock.requests
    assert first.content == b'{"userName": '
    assert first.headers["Content-Type"] == "application/scim+json; charset=utf-8"
    assert (second.content, second.headers["Content-Type"]) == (b"{}", "application/json")


@pytest.mark.parametrize(
    "query",
    [
        "filter=userName%20eq%20%22ada%2Bokta%40example.com%22&startIndex=1&count=100",
        "filter=userName+eq+%22ada%40example.com%22&startIndex=1&count=100",
    ],
    ids=["percent-20", "plus"],
)
def test_query_is_sent_verbatim(query: str) -> None:
    """okta-requests.md §3: Okta encodes a space as %20 (older Okta as +); both reach the target as sent."""
    mock = answering(scim(200, list_response([])))
    mock.probe().request("GET", "/Users", query=query)
    assert mock.sent() == [("GET", f"/Users?{query}")]


def test_params_are_encoded() -> None:
    mock = answering(scim(200, list_response([])))
    mock.probe().request("GET", "/Groups", params={"startIndex": 1, "count": 100})
    assert mock.sent() == [("GET", "/Groups?startIndex=1&count=100")]


def test_anonymous_sends_no_authorization_and_headers_replace_the_token() -> None:
    mock = answering(error(401))
    probe = mock.probe()
    probe.request("GET", "/Users", anonymous=True)
    probe.request("GET", "/Users", headers={"Authorization": "Bearer not-the-token"})
    anonymous, other = mock.requests
    assert "authorization" not in anonymous.headers
    assert {name: anonymous.headers[name] for name in OKTA_SENT} == OKTA_SENT
    assert other.headers.get_list("Authorization") == ["Bearer not-the-token"]


def test_recorded_exchanges_are_redacted() -> None:
    mock = answering(scim(200, list_response([])))
    probe = mock.probe()
    probe.request("GET", "/Users")
    [exchange] = probe.exchanges()
    assert ("Authorization", "Bearer [REDACTED]") in exchange.request_headers
    assert TOKEN not in exchange.render() and TOKEN not in exchange.curl()


def test_a_timeout_is_an_okta_finding_whatever_the_tests_severity() -> None:
    """okta-requests.md §10: Okta drops a request after 60 s."""

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    probe = MockTarget(slow).probe(check="demo.slow", severity="rfc")
    with pytest.raises(ConformanceFailure) as excinfo:
        probe.request("GET", "/Users", operation="Import users")
    failure = excinfo.value
    assert raised(excinfo) == (
        "demo.slow",
        "okta",
        "a response within Okta's 60 s limit",
        "no response (timeout)",
    )
    assert failure.title.startswith("GET /Users: no response within ")
    assert failure.requirement.startswith("okta-requests.md §10")
    assert failure.operation == "Import users"
    [exchange] = failure.exchanges
    assert exchange.status is None and exchange.error == "ReadTimeout: timed out"


def test_a_transport_error_is_a_harness_error_not_a_finding() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    probe = MockTarget(refused).probe()
    with pytest.raises(
        HarnessError, match=r"^GET https://zentral\.example\.test/.*/Users failed: ConnectError"
    ):
        probe.request("GET", "/Users")
    assert probe.kept == []


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "put"])
@pytest.mark.parametrize("path", ["/Users/foreign-1", "/Groups/foreign-1", "/Users/foreign-1/"])
def test_writes_to_resources_the_run_did_not_create_are_never_sent(method: str, path: str) -> None:
    mock = answering(scim(200, user("foreign-1")))
    probe = mock.probe()
    with pytest.raises(HarnessError, match="'foreign-1' is not a resource this run created"):
        probe.request(method, path, body={"active": False})
    assert mock.requests == []


def test_reads_of_any_resource_and_writes_to_created_ones_are_sent() -> None:
    created = user("mine-1")

    def target(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return scim(201, created)
        if request.method == "DELETE":
            return scim(204)
        return scim(200, user(request.url.path.rsplit("/", 1)[-1]))

    mock = MockTarget(target)
    probe = mock.probe()
    probe.request("GET", "/Users/foreign-1")
    probe.request("POST", "/Users", body={"userName": "ada@example.com"})
    probe.request("PUT", "/Users/mine-1", body={**created, "active": False})
    probe.request("PATCH", "/Users/mine-1", body={"Operations": []})
    probe.request("DELETE", "/Users/mine-1")
    assert [method for method, _ in mock.sent()] == ["GET", "POST", "PUT", "PATCH", "DELETE"]


def test_resources_created_through_requests_are_cleaned_up() -> None:
    """A POST answered 201 is the run's; a later 200 shows its state; a DELETE answered 204 removes it."""

    def target(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/Users"):
            return scim(201, user("u1", active=True))
        if request.method == "POST":
            return scim(201, group("g1"))
        if request.method == "GET":
            return scim(200, user("u1", title="seen later", active=True))
        if request.method == "PUT":
            return scim(200, json.loads(request.content))
        return scim(204)

    mock = MockTarget(target)
    probe = mock.probe()
    probe.request("POST", "/Users", body={})
    probe.request("POST", "/Groups", body={})
    probe.request("GET", "/Users/u1")
    probe.request("DELETE", "/Groups/g1")
    assert probe.tracker.owns("u1") and probe.tracker.owns("g1")
    del mock.requests[:]
    outcome = probe.tracker.clean_up()
    assert outcome == {"created": 2, "requests": 1, "leftovers": []}
    assert mock.sent() == [("PUT", "/Users/u1")]
    assert mock.bodies() == [user("u1", title="seen later", active=False)]


def test_failed_creates_and_other_endpoints_are_not_tracked() -> None:
    answers = {
        ("POST", "/Users"): error(409, scim_type="uniqueness"),
        ("POST", "/Widgets"): scim(201, {"id": "w1"}),
    }
    probe = MockTarget(answers=answers).probe(severity="rfc")
    probe.request("POST", "/Users", body={})
    probe.request("POST", "/Widgets", body={})
    assert not probe.tracker.owns("w1")
    assert probe.tracker.clean_up() == {"created": 0, "requests": 0, "leftovers": []}


# -- schema validation of every response ---------------------------------------


def test_every_response_is_validated_at_the_schemas_severity() -> None:
    """A User without id breaks Okta, whatever the test's own severity."""
    probe = answering(scim(200, {"schemas": [], "userName": "ada"})).probe(check="demo.rfc", severity="rfc")
    with pytest.raises(ConformanceFailure) as excinfo:
        probe.request("GET", "/Users/u1", operation="Fetch user")
    failure = excinfo.value
    assert (failure.check, failure.severity) == ("schema.user", "okta")
    assert failure.title == "GET /Users/u1: 200 is not a valid User"
    assert failure.expected == "a body matching the User schema (RFC 7643 §4.1, §3.1)"
    assert failure.got == '(root): required attribute "id" is missing'
    # An okta schema finding names the Okta behaviour that breaks (CONTRACT §5).
    assert failure.requirement == (
        "RFC 7643 §4.1, §3.1 (MUST); okta-requests.md §4, §5: Okta reads the user's id, stores it and "
        "sends it back in every later request"
    )
    assert failure.operation == "Fetch user"


def test_the_most_severe_violation_stops_first() -> None:
    leaky = user("u1", password="hunter2", timezone=5)
    with pytest.raises(ConformanceFailure) as excinfo:
        answering(scim(200, leaky)).probe().request("GET", "/Users/u1")
    assert (excinfo.value.check, excinfo.value.severity) == ("schema.user", "security")
    assert excinfo.value.got.startswith("/password: ")
    assert excinfo.value.others == ()


def test_an_rfc_violation_is_kept_once_and_the_test_goes_on() -> None:
    mock = answering(scim(200, user("u1", timezone=5)))
    probe = mock.probe()
    for _ in range(3):
        response = probe.request("GET", "/Users/u1")
        assert response.status_code == 200
    [kept] = probe.kept
    assert (kept.check, kept.severity, kept.got) == (
        "schema.user",
        "rfc",
        "/timezone: expected string, got integer 5",
    )
    assert len(kept.exchanges) == 1


def _page_of(broken: set[int], own: str = "") -> dict[str, object]:
    """A Users page of ten users, those at ``broken`` with a string ``active``; user ``own`` at 5."""
    users = [user(own if i == 5 and own else f"f{i}", f"u{i}@example.com") for i in range(10)]
    for i in broken:
        users[i]["active"] = "true"
    return list_response(users)


def _findings(probe_answers: dict[str, object], *, own: str = "") -> list[str]:
    """The pointers of the findings a GET of the page gets, from a probe that created ``own`` first."""
    answers = {("GET", "/Users"): scim(200, probe_answers)}
    if own:
        answers[("POST", "/Users")] = scim(201, user(own))
    probe = MockTarget(answers=answers).probe(severity="rfc")
    if own:
        probe.request("POST", "/Users", body={})
    try:
        probe.request("GET", "/Users")
    except ConformanceFailure as failure:  # an okta violation stops at once
        probe.kept.append(failure)
    return sorted(line.split(":")[0] for kept in probe.kept for line in kept.got.splitlines())


def test_a_page_checks_the_runs_resources_and_a_sample_of_the_others() -> None:
    """Of other clients' users a page checks the first, the last and one between, not every one."""
    assert _findings(_page_of({0, 9})) == ["/Resources/0/active", "/Resources/9/active"]
    assert _findings(_page_of({3})) == []  # another client's user, not in the sample
    assert _findings(_page_of({5}, own="mine"), own="mine") == ["/Resources/5/active"]
    assert _findings(_page_of({4})) == ["/Resources/4/active"]  # the sample's middle one


def test_a_planted_resource_is_not_judged_on_later_pages() -> None:
    """A user the run created with a request Okta never sends (Tracker.plant) is no finding when listed."""
    for size in (1, 10):  # a page under the sample's size is judged whole otherwise
        users = [user(f"f{i}", f"u{i}@example.com") for i in range(size)]
        users[0] = {**user("planted", "x@example.com"), "userName": ""}
        answers = {
            ("GET", "/Users"): scim(200, list_response(users)),
            ("POST", "/Users"): scim(201, users[0]),
        }
        probe = MockTarget(answers=answers).probe(severity="rfc")
        probe.request("POST", "/Users", body={}, validate=False)
        with pytest.raises(ConformanceFailure, match="ListResponse:User"):
            probe.request("GET", "/Users")  # the run's own user, unplanted: an okta finding
        probe.tracker.plant("planted")
        probe.request("GET", "/Users")
        assert [f.check for f in probe.kept] == []


def test_a_listed_resource_without_an_id_is_always_checked() -> None:
    page = _page_of(set())
    del page["Resources"][3]["id"]  # type: ignore[index]
    assert _findings(page) == ["/Resources/3"]


def test_validate_false_defers_the_schema_check_to_the_caller() -> None:
    probe = answering(scim(200, {"userName": "ada"})).probe()
    response = probe.request("GET", "/Users/u1", validate=False)
    assert probe.kept == []
    with pytest.raises(ConformanceFailure, match="is not a valid User"):
        probe.validate(response)


def test_discovery_faults_are_rfc_at_most() -> None:
    """okta-requests.md §10: Okta reads no discovery endpoint."""
    broken = {"schemas": [LIST_RESPONSE], "totalResults": "1", "Resources": []}
    probe = answering(scim(200, broken)).probe()
    probe.request("GET", "/Schemas")
    [kept] = probe.kept
    assert (kept.check, kept.severity) == ("schema.listresponse", "rfc")
    assert kept.title == "GET /Schemas: 200 is not a valid ListResponse:Schema"
    with pytest.raises(ConformanceFailure) as excinfo:
        probe.request("GET", "/Users")
    assert (excinfo.value.check, excinfo.value.severity) == ("schema.listresponse", "okta")
    assert excinfo.value.others == (kept,)


def test_error_bodies_are_validated_and_bodiless_answers_are_not() -> None:
    probe = MockTarget(
        answers={
            ("GET", "/Users/u1"): scim(404, {"schemas": [ERROR], "status": 404}),
            ("GET", "/Users/u2"): scim(404),
            ("GET", "/Widgets"): scim(200, {"anything": True}),
        }
    ).probe()
    probe.request("GET", "/Users/u1")
    probe.request("GET", "/Widgets")
    [kept] = probe.kept
    assert (kept.check, kept.severity, kept.got) == (
        "schema.error",
        "rfc",
        "/status: expected string, got integer 404",
    )
    probe.request("GET", "/Users/u2")
    assert probe.kept[1].got == "an empty body"


# -- findings: expect and fail --------------------------------------------------


def test_expect_ok_is_true_and_keeps_nothing() -> None:
    probe = MockTarget(answers={}).probe(severity="rfc")
    assert probe.expect(True, "fine", expected="x", got="x") is True
    assert probe.kept == []


@pytest.mark.parametrize("severity", ["security", "okta"])
def test_security_and_okta_expectations_stop_the_test(severity: str) -> None:
    probe = MockTarget(answers={}).probe(check="demo.stop", severity=severity, operation="Push user")
    with pytest.raises(ConformanceFailure) as excinfo:
        probe.expect(False, "it broke", expected="a", got="b")
    failure = excinfo.value
    assert (failure.title, failure.check, failure.severity) == ("it broke", "demo.stop", severity)
    assert (failure.expected, failure.got, failure.requirement) == ("a", "b", "demo requirement (MUST)")
    assert (failure.profiles, failure.operation) == (("aiw", "oin"), "Push user")


def test_an_expectation_may_raise_above_or_keep_below_the_tests_severity() -> None:
    probe = MockTarget(answers={}).probe(severity="okta")
    assert (
        probe.expect(False, "tolerated", expected="a", got="b", severity="rfc", check="demo.other") is False
    )
    [kept] = probe.kept
    assert (kept.check, kept.severity) == ("demo.other", "rfc")
    lenient = MockTarget(answers={}).probe(severity="rfc")
    with pytest.raises(ConformanceFailure) as excinfo:
        lenient.expect(
            False, "leak", expected="a", got="b", severity="security", requirement="RFC 7643 §4.1.1"
        )
    assert (excinfo.value.severity, excinfo.value.requirement) == ("security", "RFC 7643 §4.1.1")


def test_rfc_findings_are_kept_once_per_check_and_got() -> None:
    probe = MockTarget(answers={}).probe(check="demo.rfc", severity="rfc")
    probe.expect(False, "first", expected="a", got="b")
    probe.expect(False, "again", expected="a", got="b")
    probe.expect(False, "other value", expected="a", got="c")
    probe.expect(False, "other check", expected="a", got="b", check="demo.second")
    assert [(f.title, f.check, f.got) for f in probe.kept] == [
        ("first", "demo.rfc", "b"),
        ("other value", "demo.rfc", "c"),
        ("other check", "demo.second", "b"),
    ]


def test_a_stopping_finding_carries_the_kept_ones() -> None:
    probe = MockTarget(answers={}).probe(severity="rfc")
    probe.expect(False, "kept", expected="a", got="b")
    with pytest.raises(ConformanceFailure) as excinfo:
        probe.fail("stop", expected="c", got="d")
    assert [f.title for f in excinfo.value.others] == ["kept"]
    assert [f.title for f in excinfo.value.all()] == ["stop", "kept"]
    assert probe.kept == []


def test_fail_stops_even_an_rfc_test() -> None:
    probe = MockTarget(answers={}).probe(check="demo.rfc", severity="rfc")
    with pytest.raises(ConformanceFailure) as excinfo:
        probe.fail("cannot go on", expected="a", got="b", check="demo.step")
    assert (excinfo.value.check, excinfo.value.severity) == ("demo.step", "rfc")


# -- common expectations -------------------------------------------------------


def test_expect_status() -> None:
    mock = MockTarget(
        answers={("GET", "/Users/u1"): error(500, detail="boom"), ("GET", "/Users/u2"): scim(200, user("u2"))}
    )
    probe = mock.probe(severity="rfc")
    assert probe.expect_status(probe.request("GET", "/Users/u2"), 200) is True
    response = probe.request("GET", "/Users/u1")
    assert probe.expect_status(response, 200, 404) is False
    [kept] = probe.kept
    assert kept.title == "GET /Users/u1 answered 500"
    assert kept.expected == "200 or 404"
    assert kept.got == f"500 {response.text}"
    assert probe.expect_status(response, 200, title="custom title", check="demo.custom") is False
    assert (probe.kept[1].title, probe.kept[1].check) == ("custom title", "demo.custom")


def test_expect_status_shortens_a_long_body() -> None:
    long = "x" * 1000
    probe = answering(httpx.Response(502, text=long)).probe()
    with pytest.raises(ConformanceFailure) as excinfo:
        probe.expect_status(probe.request("GET", "/Widgets"), 200)
    assert excinfo.value.got == "502 " + "x" * 300 + "…"


def test_expect_json() -> None:
    answers = {
        ("GET", "/Users/u1"): scim(200, user("u1")),
        ("GET", "/Widgets"): httpx.Response(200, text="<html>oops</html>"),
        ("GET", "/Empty"): httpx.Response(200),
    }
    probe = MockTarget(answers=answers).probe(severity="rfc")
    assert probe.expect_json(probe.request("GET", "/Users/u1")) == user("u1")
    for path, got in (("/Widgets", "<html>oops</html>"), ("/Empty", "an empty body")):
        with pytest.raises(ConformanceFailure) as excinfo:
            probe.expect_json(probe.request("GET", path), check="demo.json")
        assert excinfo.value.title == f"GET {path}: the body is not JSON"
        assert (excinfo.value.check, excinfo.value.got) == ("demo.json", got)
        assert excinfo.value.expected == "a JSON body (application/scim+json)"


def test_expect_scim_error_accepts_a_proper_error() -> None:
    probe = answering(error(409, scim_type="uniqueness")).probe()
    probe.expect_scim_error(probe.request("POST", "/Users", body={}), (400, 409), "uniqueness")
    assert probe.kept == []


def test_expect_scim_error_judges_the_status_at_the_tests_severity() -> None:
    probe = answering(scim(201, user("u1"))).probe(check="demo.duplicate", severity="okta")
    with pytest.raises(ConformanceFailure) as excinfo:
        probe.expect_scim_error(probe.request("POST", "/Users", body={}), 409, "uniqueness")
    assert (excinfo.value.check, excinfo.value.expected) == ("demo.duplicate", "409")
    assert excinfo.value.title == "POST /Users answered 201"


def test_expect_scim_error_on_a_wrong_status_judges_no_body() -> None:
    probe = answering(httpx.Response(500, text="boom")).probe(severity="rfc")
    probe.expect_scim_error(probe.request("GET", "/Users/u1", validate=False), 404)
    assert [f.title for f in probe.kept] == ["GET /Users/u1 answered 500"]


@pytest.mark.parametrize(
    ("body", "title", "got"),
    [
        (
            {"schemas": [ERROR], "status": 404, "detail": "x"},
            "GET /Users/u1 answered 404: the Error body's status is the integer 404; RFC 7644 §3.12 wants "
            'the string "404"',
            "the Error body's status is the integer 404",
        ),
        (
            {"status": "404", "detail": "x"},
            f"GET /Users/u1 answered 404: schemas is null, without {ERROR}",
            f"schemas is null, without {ERROR}",
        ),
        (
            {"schemas": [ERROR], "status": "400", "detail": "x"},
            'GET /Users/u1 answered 404: the Error body\'s status is "400", not "404" (the HTTP status)',
            'status is "400", not "404"',
        ),
        (None, "GET /Users/u1: 404 without a SCIM Error body", "the body is empty"),
    ],
    ids=["status-integer", "no-schemas", "status-mismatch", "no-body"],
)
def test_expect_scim_error_keeps_a_bad_body_as_rfc(body: object, title: str, got: str) -> None:
    response = scim(404, body)
    probe = answering(response).probe(check="demo.missing", severity="okta")
    probe.expect_scim_error(probe.request("GET", "/Users/u1", validate=False), 404)
    [kept] = probe.kept
    assert (kept.check, kept.severity) == ("demo.missing", "rfc")
    # issue 8 §3: the title says exactly what is wrong with the Error body.
    assert kept.title == title
    assert kept.expected == f'{{"schemas": ["{ERROR}"], "status": "404", "detail": "…"}}'
    assert got in kept.got
    assert kept.requirement.startswith("RFC 7644 §3.12")


def test_expect_scim_error_body_severity_can_stop() -> None:
    probe = answering(scim(404, {"detail": "x"})).probe(severity="rfc")
    with pytest.raises(ConformanceFailure) as excinfo:
        probe.expect_scim_error(probe.request("GET", "/Users/u1", validate=False), 404, body_severity="okta")
    assert excinfo.value.severity == "okta"


def test_expect_scim_error_checks_the_scim_type_only_when_asked() -> None:
    probe = answering(error(400, scim_type="invalidValue")).probe(check="demo.filter", severity="okta")
    response = probe.request("GET", "/Users", query="filter=bogus")
    probe.expect_scim_error(response, 400)
    assert probe.kept == []
    probe.expect_scim_error(response, 400, "invalidFilter")
    [kept] = probe.kept
    assert (kept.check, kept.severity) == ("demo.filter", "rfc")
    assert kept.title == 'GET /Users: 400 without scimType "invalidFilter"'
    assert (kept.expected, kept.got) == ('"scimType": "invalidFilter"', "scimType 'invalidValue'")


# -- create ----------------------------------------------------------------------


def test_create_returns_the_created_resource_and_tracks_it() -> None:
    mock = answering(scim(201, user("u1")))
    probe = mock.probe()
    assert probe.create("/Users", {"userName": "ada@example.com"}) == user("u1")
    assert mock.sent() == [("POST", "/Users")]
    assert mock.bodies() == [{"userName": "ada@example.com"}]
    assert probe.tracker.owns("u1")


@pytest.mark.parametrize(
    ("path", "operation"), [("/Users", "Create user"), ("/Groups", "Create group")], ids=["user", "group"]
)
def test_a_failed_create_is_an_okta_finding_of_its_own_check(path: str, operation: str) -> None:
    probe = answering(error(400, scim_type="invalidValue")).probe(check="demo.later", severity="rfc")
    with pytest.raises(ConformanceFailure) as excinfo:
        probe.create(path, {})
    failure = excinfo.value
    assert (failure.check, failure.severity, failure.operation) == ("resources.create", "okta", operation)
    assert failure.title == f"POST {path} answered 400"
    assert failure.expected == "200 or 201"
    assert failure.requirement.startswith("okta-requests.md §4, §8")


def test_a_created_user_without_id_is_an_okta_finding() -> None:
    probe = answering(scim(201, {"userName": "ada@example.com"})).probe(severity="rfc")
    with pytest.raises(ConformanceFailure) as excinfo:
        probe.create("/Users", {"userName": "ada@example.com"})
    assert (excinfo.value.check, excinfo.value.severity) == ("schema.user", "okta")
    assert probe.tracker.clean_up()["created"] == 0


@pytest.mark.parametrize(
    "created", [{"name": "w"}, {"id": ""}, {"id": 7}, []], ids=["no-id", "empty", "int", "array"]
)
def test_create_checks_the_id_where_no_schema_applies(created: object) -> None:
    probe = answering(scim(201, created)).probe(severity="rfc")
    with pytest.raises(ConformanceFailure) as excinfo:
        probe.create("/Widgets", {}, operation="Create widget")
    failure = excinfo.value
    assert (failure.check, failure.severity, failure.operation) == (
        "resources.create",
        "okta",
        "Create widget",
    )
    assert failure.title == "POST /Widgets: the created resource has no id"
    assert failure.got == json.dumps(created)


def test_create_needs_json() -> None:
    probe = answering(httpx.Response(201, text="created")).probe()
    with pytest.raises(ConformanceFailure) as excinfo:
        probe.create("/Widgets", {})
    assert (excinfo.value.check, excinfo.value.title) == (
        "resources.create",
        "POST /Widgets: the body is not JSON",
    )


# -- expect_list_response ------------------------------------------------------


def test_a_valid_list_response_is_returned() -> None:
    body = list_response([user("u1")])
    probe = answering(scim(200, body)).probe()
    assert probe.expect_list_response(probe.request("GET", "/Users")) == body
    assert probe.kept == []


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        (
            {"schemas": [], "totalResults": "1", "startIndex": True, "Resources": {}},
            # Values as JSON spells them, as the catalogue runner has always shown them (one
            # ListResponse check since checks/; the probe's own copy showed Python's '1', True, None).
            f'schemas does not list {LIST_RESPONSE}; totalResults is "1", not an integer; '
            "startIndex is true, not an integer; itemsPerPage is null, not an integer; "
            "Resources is not an array",
        ),
        ([1, 2], "the body is not a JSON object"),
    ],
    ids=["bad-counters", "array"],
)
def test_list_response_problems_are_one_finding(body: object, problems: str) -> None:
    probe = answering(scim(200, body)).probe(check="demo.list", severity="rfc", operation="Import users")
    parsed = probe.expect_list_response(probe.request("GET", "/Users", validate=False), requirement="ignored")
    assert parsed == (body if isinstance(body, dict) else {})
    [kept] = probe.kept
    assert (kept.check, kept.got, kept.operation) == ("demo.list", problems, "Import users")
    assert kept.title == "GET /Users: not a valid ListResponse"
    assert kept.requirement == "RFC 7644 §3.4.2; okta-requests.md §9: counters are JSON integers (MUST)"


def test_list_response_needs_200_first() -> None:
    probe = answering(error(403)).probe(check="demo.list", severity="okta")
    with pytest.raises(ConformanceFailure) as excinfo:
        probe.expect_list_response(probe.request("GET", "/Users"))
    assert excinfo.value.title == "GET /Users answered 403"


# -- exchanges of a test and of a hypothesis example -----------------------------


def test_exchanges_are_the_tests_own_and_an_example_starts_afresh() -> None:
    mock = answering(scim(200, list_response([])))
    probe = mock.probe(severity="rfc")
    probe.request("GET", "/Users", query="startIndex=1&count=1")
    probe.request("GET", "/Groups")
    assert [(e.method, e.url.split("/scim/v2")[1]) for e in probe.exchanges()] == [
        ("GET", "/Users?startIndex=1&count=1"),
        ("GET", "/Groups"),
    ]
    probe.expect(False, "first example", expected="a", got="b")
    probe.begin_example()
    assert probe.exchanges() == ()
    probe.request("GET", "/Users", query="startIndex=2")
    with pytest.raises(ConformanceFailure) as excinfo:
        probe.fail("second example", expected="a", got="c")
    assert [e.url.split("/scim/v2")[1] for e in excinfo.value.exchanges] == ["/Users?startIndex=2"]
    [first] = excinfo.value.others
    assert len(first.exchanges) == 2


def test_a_finding_shows_the_exchanges_so_far() -> None:
    mock = answering(scim(200, list_response([])))
    probe = mock.probe()
    probe.request("GET", "/Users")
    finding = probe.finding("demo", expected="a", got="b")
    assert [e.number for e in finding.exchanges] == [e.number for e in probe.exchanges()]
    assert len(finding.exchanges) == 1
