"""The preflight's verdict on each answer, over httpx.MockTransport (slow/test_preflight.py: for real).

A target that can be tested gets two read-only GETs and nothing else; each set-up
fault is one HarnessError naming the cause and the fix.
"""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from mock_target import BASE_URL, TOKEN, MockTarget, error, list_response, scim

from scim_conformance.errors import HarnessError
from scim_conformance.preflight import preflight


def test_a_testable_target_gets_two_read_only_requests() -> None:
    mock = MockTarget(lambda request: scim(200, list_response([])))
    preflight(mock.target)
    assert mock.sent() == [("GET", "/Users?startIndex=1&count=1"), ("GET", "/Groups?startIndex=1&count=1")]


@pytest.mark.parametrize(
    ("status", "phrases"),
    [
        (401, ("answered 401: the bearer token was refused", "set SCIM_TOKEN to a valid one")),
        (403, ("answered 403: the token lacks a permission", "eight permissions")),
        (
            404,
            # Generic first (any SCIM server), then Zentral's causes.
            (
                "answered 404: wrong path, or (Zentral) the realm is unknown or SCIM is not enabled",
                "'SCIM enabled' option",
            ),
        ),
        (500, ("answered 500, not 200: the target cannot be tested", "is --scim-url the SCIM root?")),
    ],
)
def test_each_refusal_names_its_cause_and_fix(status: int, phrases: tuple[str, ...]) -> None:
    mock = MockTarget(lambda request: error(status))
    with pytest.raises(HarnessError) as excinfo:
        preflight(mock.target)
    message = str(excinfo.value)
    assert message.startswith(f"GET {BASE_URL}/Users answered {status}")
    assert all(phrase in message for phrase in phrases), message
    assert len(mock.requests) == 1


def test_a_refused_group_listing_stops_too() -> None:
    mock = MockTarget(
        answers={("GET", "/Users"): scim(200, list_response([])), ("GET", "/Groups"): error(403)}
    )
    with pytest.raises(HarnessError, match=r"/Groups answered 403"):
        preflight(mock.target)


def test_a_401_without_a_token_says_to_set_one() -> None:
    mock = MockTarget(lambda request: error(401))
    with pytest.raises(HarnessError, match="no token was given: set SCIM_TOKEN"):
        preflight(dataclasses.replace(mock.target, token=None))


@pytest.mark.parametrize(
    ("raised", "message"),
    [
        (
            httpx.ConnectError("[Errno 111] Connection refused"),
            "connection to .* refused: is the server running",
        ),
        (
            httpx.ConnectError("[Errno -2] Name or service not known"),
            "cannot resolve the host of .*: check --scim-url",
        ),
        (httpx.ConnectError("network is down"), "cannot connect to .*: network is down"),
        (httpx.ReadTimeout("timed out"), "no answer from .* within .* s: is the server up"),
        (httpx.RemoteProtocolError("peer closed"), "cannot reach .*: RemoteProtocolError: peer closed"),
    ],
    ids=["refused", "unknown-host", "other-connect", "timeout", "protocol"],
)
def test_an_unreachable_target_is_one_harness_error(raised: httpx.HTTPError, message: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise raised

    with pytest.raises(HarnessError, match=f"^{message}"):
        preflight(MockTarget(handler).target)


LOGIN_PAGE = (
    "<!DOCTYPE html>\n<html>\n  <head><title>Sign in</title></head>\n"
    "  <body>Sign in with SSO</body>\n</html>\n"
)


@pytest.mark.parametrize(
    ("answer", "got"),
    [
        (
            httpx.Response(200, text=LOGIN_PAGE, headers={"Content-Type": "text/html; charset=utf-8"}),
            "answered 200 text/html; charset=utf-8, not a SCIM ListResponse: "
            "'<!DOCTYPE html> <html> <head><title>Sign in</title></head> <body>Sign in with SS…'",
        ),
        (
            httpx.Response(200, json={"status": "ok", "users": []}),
            """answered 200 application/json, not a SCIM ListResponse: '{"status":"ok","users":[]}'""",
        ),
        (httpx.Response(200, json=[]), "answered 200 application/json, not a SCIM ListResponse: '[]'"),
        (httpx.Response(200), "answered 200 no content type, not a SCIM ListResponse: '(empty body)'"),
    ],
    ids=["sso-login-page", "json-not-a-list-response", "json-array", "empty"],
)
def test_a_200_that_is_not_scim_says_what_came_back(answer: httpx.Response, got: str) -> None:
    mock = MockTarget(lambda request: answer)
    with pytest.raises(HarnessError) as excinfo:
        preflight(mock.target)
    message = str(excinfo.value)
    assert message.startswith(f"GET {BASE_URL}/Users {got}; "), message
    assert "\n" not in message
    assert (
        "is --scim-url the SCIM root URL? It looks like https://zentral.example.com/public/realms/" in message
    )
    assert len(mock.requests) == 1


def test_a_list_response_without_its_schema_urn_is_left_to_the_suites() -> None:
    # A schemas attribute missing is a finding for the suites (schema checks), not a set-up fault.
    mock = MockTarget(lambda request: httpx.Response(200, json={"totalResults": 0, "Resources": []}))
    preflight(mock.target)
    assert len(mock.requests) == 2


def test_the_snippet_never_shows_the_token() -> None:
    page = f"<html>debug: Authorization: Bearer {TOKEN}</html>"
    mock = MockTarget(lambda request: httpx.Response(200, text=page, headers={"Content-Type": "text/html"}))
    with pytest.raises(HarnessError) as excinfo:
        preflight(mock.target)
    assert TOKEN not in str(excinfo.value) and "[REDACTED]" in str(excinfo.value)


@pytest.mark.parametrize("endpoint", ["Users", "Groups", "Users/"])
def test_a_url_ending_in_an_endpoint_says_drop_it(endpoint: str) -> None:
    mock = MockTarget(lambda request: scim(200, list_response([])))
    target = dataclasses.replace(mock.target, base_url=f"{BASE_URL}/{endpoint}")
    with pytest.raises(HarnessError) as excinfo:
        preflight(target)
    name = endpoint.rstrip("/")
    assert str(excinfo.value).startswith(
        f"--scim-url {BASE_URL}/{name} ends in /{name}: drop the trailing /{name} (the SCIM root URL is"
    )
    assert mock.requests == []  # said before any request
