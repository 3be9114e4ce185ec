"""The Okta client sends exactly Okta's requests per profile (okta-requests.md), and nothing else."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from scim_conformance.okta import ImportLoops, MissingInput, OktaClient, Request, pages, step_request
from scim_conformance.okta import requests as okta
from scim_conformance.okta.operations import OPERATIONS
from scim_conformance.spec import PATCH_OP

GROUP = {"id": "g1", "displayName": "Old", "members": [{"value": "u9", "display": "nine"}], "meta": {}}
USER = {"id": "u1", "userName": "ann@example.com", "active": True, "meta": {"resourceType": "User"}}


class Recorder:
    """A send function that answers from a table and keeps every request it was given."""

    def __init__(self) -> None:
        self.sent: list[Request] = []

    def __call__(self, request: Request) -> httpx.Response:
        self.sent.append(request)
        resource = GROUP if request.path.startswith("/Groups") else USER
        body = resource if request.method in ("GET", "PUT") else {}
        return httpx.Response(
            200, json=body, request=httpx.Request(request.method, "http://t" + request.path)
        )

    def lines(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.sent]


def client(profile: str) -> tuple[OktaClient, Recorder]:
    recorder = Recorder()
    return OktaClient(profile, recorder, lambda response: response.json()), recorder  # type: ignore[arg-type]


def test_lookups_encode_the_filter_as_okta_does() -> None:
    # okta-requests.md §3: %20 today, + before 2019; @ → %40, + → %2B, quotes %22.
    assert okta.lookup_user("a+b@x.com").query == (
        "filter=userName%20eq%20%22a%2Bb%40x.com%22&startIndex=1&count=100"
    )
    assert (
        okta.lookup_user("a b", encoding="+").query == "filter=userName+eq+%22a+b%22&startIndex=1&count=100"
    )
    assert okta.lookup_group("Test SCIMv2").query == (
        "filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100"
    )


def test_connection_test_is_the_two_fixed_lists() -> None:
    users, groups = okta.connection_test()
    assert (users.path, users.query) == ("/Users", "startIndex=1&count=2")
    assert (groups.path, groups.query) == ("/Groups", "startIndex=1&count=100")


def test_aiw_deactivates_with_get_then_put_of_the_full_resource() -> None:
    okta_client, sent = client("aiw")
    okta_client.set_active("u1", False)
    assert sent.lines() == ["GET /Users/u1", "PUT /Users/u1"]
    assert sent.sent[1].body == {**USER, "active": False}


def test_oin_deactivates_with_a_pathless_patch() -> None:
    okta_client, sent = client("oin")
    okta_client.set_active("u1", True)
    assert sent.lines() == ["PATCH /Users/u1"]
    assert sent.sent[0].body == {
        "schemas": [PATCH_OP],
        "Operations": [{"op": "replace", "value": {"active": True}}],
    }


@pytest.mark.parametrize("profile", ["aiw", "oin"])
def test_profile_updates_are_get_then_put_in_both_profiles(profile: str) -> None:
    okta_client, sent = client(profile)
    body, _ = okta_client.update_profile("u1", lambda current: {**current, "title": "x"})
    assert sent.lines() == ["GET /Users/u1", "PUT /Users/u1"]
    assert body == sent.sent[1].body == {**USER, "title": "x"}


def test_aiw_membership_push_is_get_then_put_with_okta_members_and_name() -> None:
    okta_client, sent = client("aiw")
    members = [okta.member("u1", "ann@example.com")]
    okta_client.push_membership("g1", {"members": members}, "New")
    assert sent.lines() == ["GET /Groups/g1", "PUT /Groups/g1"]
    # The provider's own body comes back (meta, id), with Okta's name and full member list.
    assert sent.sent[1].body == {**GROUP, "displayName": "New", "members": members}


def test_oin_membership_push_is_the_patch_then_the_name_update() -> None:
    okta_client, sent = client("oin")
    change = okta.patch_body([okta.remove_member_operation("u9")])
    okta_client.push_membership("g1", change, "Old")
    assert sent.lines() == ["PATCH /Groups/g1", "PATCH /Groups/g1"]
    assert sent.sent[0].body["Operations"] == [{"op": "remove", "path": 'members[value eq "u9"]'}]
    assert sent.sent[1].body["Operations"] == [{"op": "replace", "value": {"id": "g1", "displayName": "Old"}}]


def test_aiw_rename_keeps_the_members_okta_pushes() -> None:
    okta_client, sent = client("aiw")
    okta_client.rename_group("g1", "Renamed", [okta.member("u1", "ann")])
    assert sent.sent[1].body["members"] == [{"value": "u1", "display": "ann"}]
    assert sent.sent[1].body["displayName"] == "Renamed"


def test_push_user_looks_up_before_it_creates() -> None:
    okta_client, sent = client("aiw")
    seen: list[str] = []
    okta_client.push_user({"userName": "ann@example.com"}, lambda response: seen.append(sent.lines()[-1]))
    assert seen == ["GET /Users"]
    assert sent.lines() == ["GET /Users", "POST /Users"]


def test_group_delete_carries_oktas_content_type_without_a_body() -> None:
    request = okta.delete_group("g1")
    assert (request.method, request.path, request.body) == ("DELETE", "/Groups/g1", None)
    assert dict(request.headers)["Content-Type"] == "application/scim+json; charset=utf-8"


def _pages_of(total: int | None, sizes: list[int], grow: bool = False) -> Any:
    asked: list[tuple[int, int]] = []

    def send_page(start: int, count: int) -> httpx.Response:
        asked.append((start, count))
        listed = [{"id": str(i)} for i in range(start, min(start + count, (total or 0) + 1))]
        return httpx.Response(200, json={"totalResults": total, "Resources": listed or [{"id": "x"}]})

    return send_page, asked


def test_pages_walk_startindex_until_totalresults() -> None:
    send_page, asked = _pages_of(250, [])
    walked = list(pages(send_page, count=100, max_pages=10))
    assert asked == [(1, 100), (101, 100), (201, 100)]
    assert [p.number for p in walked] == [1, 2, 3]


def test_a_small_page_grows_on_a_large_target() -> None:
    send_page, asked = _pages_of(1000, [])
    list(pages(send_page, count=2, max_pages=5))
    assert asked[0] == (1, 2) and asked[1] == (3, 100)  # ceil(1000/5) = 200, capped at Okta's 100


def test_the_loop_guard_stops_an_import_that_never_ends() -> None:
    def send_page(start: int, count: int) -> httpx.Response:
        # totalResults grows with every page: an import would never end.
        return httpx.Response(
            200, json={"totalResults": start + 10 * count, "Resources": [{"id": str(start)}]}
        )

    with pytest.raises(ImportLoops) as raised:
        list(pages(send_page, count=100, max_pages=10))
    # The first totalResults (1,001) needs 11 pages of 100: twice that, plus 10.
    assert raised.value.limit == 32 and raised.value.start == 3201


def test_an_import_ends_while_others_create_half_a_page_per_page() -> None:
    # A shared target: another client creates a resource before every page of count=2.
    total = 60

    def send_page(start: int, count: int) -> httpx.Response:
        nonlocal total
        total += 1
        listed = [{"id": str(i)} for i in range(start, min(start + count, total + 1))]
        return httpx.Response(200, json={"totalResults": total, "Resources": listed})

    walked = list(pages(send_page, count=2, max_pages=50))
    assert walked[-1].start + 2 > total  # it reached the end, without ImportLoops


def test_step_request_applies_okta_changes_to_an_earlier_answer() -> None:
    body = {"$from": "get", "$set": {"/active": False}}
    request = step_request("PUT", "/Users/u1", None, {}, body, {"get": USER})
    assert request.body == {**USER, "active": False}
    with pytest.raises(MissingInput):
        step_request("PUT", "/Users/u1", None, {}, body, {"get": None})


def test_every_operation_names_requests_for_both_profiles() -> None:
    for operation in OPERATIONS.values():
        assert set(operation.requests) == {"aiw", "oin"}, operation.name
        assert all(operation.requests.values()), operation.name
        assert operation.source.startswith("okta-requests.md")
    # CONTRACT §2: the method of a change depends on the profile.
    for name in ("deactivate", "add-members", "rename-group"):
        assert OPERATIONS[name].requests["aiw"][-1].startswith("PUT")
        assert OPERATIONS[name].requests["oin"][0].startswith("PATCH")
    assert json.dumps(sorted(OPERATIONS))  # names are plain strings
