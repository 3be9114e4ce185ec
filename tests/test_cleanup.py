"""Tracker: exactly what the run created is cleaned, one request per resource at most, leftovers reported."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from mock_target import MockTarget, group, path_of, scim, user

from scim_conformance.cleanup import Tracker

Answer = Callable[[httpx.Request], httpx.Response]


def provider(*, user_delete: int = 405, fail: dict[tuple[str, str], httpx.Response] | None = None) -> Answer:
    """A target that deletes groups (204), answers a user PUT with its body, a user DELETE ``user_delete``."""

    def handler(request: httpx.Request) -> httpx.Response:
        key = (request.method, path_of(request))
        if fail and key in fail:
            return fail[key]
        if request.method == "PUT":
            return scim(200, json.loads(request.content))
        if request.method == "DELETE" and key[1].startswith("/Groups/"):
            return scim(204)
        if request.method == "DELETE":
            return scim(user_delete)
        raise AssertionError(f"cleanup sent {request.method} {request.url}")

    return handler


def tracked(mock: MockTarget, *resources: dict[str, object]) -> Tracker:
    tracker = Tracker(mock.target)
    for resource in resources:
        tracker.created("Group" if "displayName" in resource else "User", resource)
    return tracker


def test_groups_are_deleted_then_users_deactivated_one_request_each() -> None:
    mock = MockTarget(provider())
    tracker = tracked(mock, user("u1", "ada@example.com", active=True), group("g1"), user("u2", active=True))
    tracker.user_delete_supported = False
    assert tracker.clean_up() == {"created": 3, "requests": 3, "leftovers": []}
    assert mock.sent() == [("DELETE", "/Groups/g1"), ("PUT", "/Users/u1"), ("PUT", "/Users/u2")]
    assert mock.bodies()[1:] == [user("u1", "ada@example.com", active=False), user("u2", active=False)]
    for request in mock.requests:
        assert request.headers["Content-Type"] == "application/scim+json; charset=utf-8"
        assert request.headers["User-Agent"] == "Okta SCIM Client 1.0.0"


def test_a_user_is_deactivated_with_its_last_seen_representation() -> None:
    mock = MockTarget(provider())
    tracker = tracked(mock, user("u1", active=True))
    tracker.seen(user("u1", title="Countess", active=True, groups=[{"value": "g9"}]))
    tracker.seen(user("someone-else", active=True))
    tracker.user_delete_supported = False
    assert tracker.clean_up()["requests"] == 1
    assert mock.bodies() == [user("u1", title="Countess", active=False, groups=[{"value": "g9"}])]
    assert not tracker.owns("someone-else")


def test_what_needs_no_cleaning_gets_no_request() -> None:
    """A group deleted and a user deactivated already; a resource without id was never the run's."""
    mock = MockTarget(provider())
    tracker = tracked(mock, group("g1"), user("u1", active=True), user("u2"), {"userName": "no-id"})
    tracker.gone("g1")
    tracker.seen(user("u1", active=False))
    tracker.gone("not-ours")
    tracker.user_delete_supported = False
    assert tracker.clean_up() == {"created": 3, "requests": 1, "leftovers": []}
    assert mock.sent() == [("PUT", "/Users/u2")]


def test_a_resource_seen_after_its_delete_is_cleaned_after_all() -> None:
    mock = MockTarget(provider())
    tracker = tracked(mock, group("g1"))
    tracker.gone("g1")
    tracker.seen(group("g1", members=[]))
    assert tracker.clean_up()["requests"] == 1
    assert mock.sent() == [("DELETE", "/Groups/g1")]


def test_users_are_deleted_when_the_target_deletes_users() -> None:
    mock = MockTarget(provider(user_delete=204))
    tracker = tracked(mock, user("u1", active=True), user("u2", active=False))
    tracker.user_delete_supported = True
    assert tracker.clean_up() == {"created": 2, "requests": 2, "leftovers": []}
    assert mock.sent() == [("DELETE", "/Users/u1"), ("DELETE", "/Users/u2")]


@pytest.mark.parametrize(("status", "supported"), [(204, True), (200, True), (405, False), (501, False)])
def test_a_tracker_learns_user_delete_on_a_user_already_deactivated(status: int, supported: bool) -> None:
    """The user-delete suite ran in another worker: ask on a user that needs no request otherwise."""
    mock = MockTarget(provider(user_delete=status))
    tracker = tracked(mock, user("u1", active=True), user("u2", active=False), user("u3", active=True))
    assert tracker.clean_up() == {"created": 3, "requests": 3, "leftovers": []}
    assert tracker.user_delete_supported is supported
    rest = ("DELETE" if supported else "PUT", "/Users/u1"), ("DELETE" if supported else "PUT", "/Users/u3")
    assert mock.sent() == [("DELETE", "/Users/u2"), *rest]


def test_without_a_deactivated_user_nothing_is_asked() -> None:
    mock = MockTarget(provider(user_delete=204))
    tracker = tracked(mock, user("u1", active=True))
    assert tracker.clean_up() == {"created": 1, "requests": 1, "leftovers": []}
    assert tracker.user_delete_supported is None
    assert mock.sent() == [("PUT", "/Users/u1")]


def test_an_unclear_answer_teaches_nothing_and_users_are_deactivated() -> None:
    mock = MockTarget(provider(user_delete=500))
    tracker = tracked(mock, user("u1", active=False), user("u2", active=True))
    assert tracker.clean_up() == {"created": 2, "requests": 2, "leftovers": []}
    assert tracker.user_delete_supported is None
    assert mock.sent() == [("DELETE", "/Users/u1"), ("PUT", "/Users/u2")]


def test_a_deleted_group_already_gone_is_clean() -> None:
    mock = MockTarget(provider(fail={("DELETE", "/Groups/g1"): scim(404)}))
    assert tracked(mock, group("g1")).clean_up() == {"created": 1, "requests": 1, "leftovers": []}


def test_what_could_not_be_cleaned_is_reported() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    failures = {
        ("DELETE", "/Groups/g1"): scim(500),
        ("PUT", "/Users/u1"): scim(400),
        ("DELETE", "/Groups/g2"): scim(403),
    }
    mock = MockTarget(provider(fail=failures))
    tracker = tracked(
        mock, group("g1", "Engineers"), user("u1", "ada@example.com", active=True), group("g2", "Ops")
    )
    tracker.user_delete_supported = False
    outcome = tracker.clean_up()
    assert outcome == {
        "created": 3,
        "requests": 3,
        "leftovers": [
            "Group g1 (Engineers): cleanup DELETE answered 500",
            "Group g2 (Ops): cleanup DELETE answered 403",
            "User u1 (ada@example.com): cleanup PUT answered 400",
        ],
    }
    unreachable = tracked(MockTarget(refused), user("u9", "bob@example.com", active=True))
    unreachable.user_delete_supported = False
    assert unreachable.clean_up()["leftovers"] == [
        "User u9 (bob@example.com): ConnectError: connection refused"
    ]


def test_a_transport_error_while_learning_still_counts_one_request() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    tracker = tracked(MockTarget(refused), user("u1", active=False))
    assert tracker.clean_up() == {"created": 1, "requests": 1, "leftovers": []}
    assert tracker.user_delete_supported is None


def test_owns_only_what_was_created() -> None:
    tracker = tracked(MockTarget(provider()), user("u1"), group("g1"))
    tracker.created("User", {"id": "", "userName": "blank"})
    assert (tracker.owns("u1"), tracker.owns("g1"), tracker.owns(""), tracker.owns("u2")) == (
        True,
        True,
        False,
        False,
    )
    tracker.gone("u1")
    assert tracker.owns("u1")  # gone, but still the run's: a later write to it is allowed
