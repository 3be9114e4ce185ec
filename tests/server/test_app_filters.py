"""Filters (RFC 7644 §3.4.2.2) and pagination (§3.4.2.4, CONTRACT §4) through the HTTP API."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from test_app import REALM, Scim, assert_error, assert_list, serving

from scim_conformance.server import filtering
from scim_conformance.server.definitions import ResourceTypeDef
from scim_conformance.server.store import USER, Store
from scim_conformance.spec import ENTERPRISE_USER_SCHEMA, USER_SCHEMA, Json

# -- filters ----------------------------------------------------------------------------------


def flt(text: str) -> str:
    """The ``filter`` query parameter, percent-encoded as Okta sends it (okta-requests.md §3)."""
    return "filter=" + quote(text, safe="")


@pytest.fixture(scope="module")
def people() -> Iterator[tuple[Scim, dict[str, str]]]:
    """Four users with varied attributes, shared by the read-only filter tests; name -> id."""
    with serving() as scim:
        ids = {
            "alice": scim.create_user(
                "alice@example.com",
                name={"givenName": "Alice", "familyName": "Smith"},
                title="Engineer",
                nickName="Al",
                active=True,
                externalId="00u-alice",
                emails=[
                    {"value": "alice@example.com", "type": "work", "primary": True},
                    {"value": "alice@home.org", "type": "home"},
                ],
            )["id"],
            "bob": scim.create_user(
                "bob@example.com",
                name={"givenName": "Bob", "familyName": "Jones"},
                title="Manager",
                active=False,
                emails=[{"value": "bob@example.com", "type": "work"}],
            )["id"],
            "carol": scim.create_user(
                "carol@test.org",
                name={"givenName": "Carol", "familyName": "Smithson"},
                active=True,
                emails=[{"value": "carol@test.org", "type": "home"}],
            )["id"],
            "dave": scim.create_user(
                "dave@example.com",
                schemas=[USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
                **{ENTERPRISE_USER_SCHEMA: {"employeeNumber": "100", "manager": {"value": "m-1"}}},
            )["id"],
        }
        yield scim, ids


def found(scim: Scim, ids: dict[str, str], text: str) -> set[str]:
    """The names of the users ``GET /Users?filter=<text>`` returns (the filter percent-encoded)."""
    __tracebackhide__ = True
    body = scim.search("Users", flt(text) + "&count=100")
    assert body["totalResults"] == len(body["Resources"])
    names = {rid: name for name, rid in ids.items()}
    return {names[r["id"]] for r in body["Resources"]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('userName eq "alice@example.com"', {"alice"}),
        ('userName ne "alice@example.com"', {"bob", "carol", "dave"}),
        ('userName co "example"', {"alice", "bob", "dave"}),
        ('userName sw "CA"', {"carol"}),
        ('userName ew ".ORG"', {"carol"}),
        ("title pr", {"alice", "bob"}),
        ("name pr", {"alice", "bob", "carol"}),
        ('name.familyName sw "Smith"', {"alice", "carol"}),
        ('userName gt "bob@example.com"', {"carol", "dave"}),
        ('userName ge "bob@example.com"', {"bob", "carol", "dave"}),
        ('userName lt "bob"', {"alice"}),
        ('userName le "bob@example.com"', {"alice", "bob"}),
        ("active eq true", {"alice", "carol"}),
        ("active eq false", {"bob"}),
        ('title eq "Engineer" or title eq "Manager"', {"alice", "bob"}),
        ('userName co "example" and active eq true', {"alice"}),
        ('(userName sw "a" or userName sw "b") and not (active eq false)', {"alice"}),
        ('userName sw "a" or (userName sw "b" and active eq true)', {"alice"}),
        ("not (active eq true)", {"bob", "dave"}),
        ('not(title pr) and not (userName ew ".org")', {"dave"}),
        ('emails.value ew "home.org"', {"alice"}),
        ('emails co "test.org"', {"carol"}),
        ('emails[type eq "work"]', {"alice", "bob"}),
        ('emails[type eq "work" and value co "bob"]', {"bob"}),
        ('emails[type eq "home"] and active eq true', {"alice", "carol"}),
        ('emails.type eq "home" and emails.value co "example"', {"alice"}),
        ('externalId eq "00u-alice"', {"alice"}),
        ('externalId eq "00U-ALICE"', set()),  # externalId is caseExact
        (f'{ENTERPRISE_USER_SCHEMA}:employeeNumber eq "100"', {"dave"}),
        (f'{ENTERPRISE_USER_SCHEMA}:manager.value eq "m-1"', {"dave"}),
        (f'{USER_SCHEMA}:userName eq "bob@example.com"', {"bob"}),
        ('meta.resourceType eq "User"', {"alice", "bob", "carol", "dave"}),
        ('meta.lastModified gt "2000-01-01T00:00:00Z"', {"alice", "bob", "carol", "dave"}),
        ('meta.created lt "2000-01-01T00:00:00Z"', set()),
        # Attribute names and operators are case-insensitive (RFC 7644 §3.4.2.2).
        ('USERNAME EQ "ALICE@EXAMPLE.COM"', {"alice"}),
        ('Name.FamilyName Sw "smith"', {"alice", "carol"}),
        ('userName Co "EXAMPLE" AND Active Eq true', {"alice"}),
        ('EMAILS[TYPE EQ "work"] Or TITLE PR', {"alice", "bob"}),
        ("NOT (active EQ true)", {"bob", "dave"}),
    ],
)
def test_filter(people: tuple[Scim, dict[str, str]], text: str, expected: set[str]) -> None:
    scim, ids = people
    assert found(scim, ids, text) == expected


def test_filter_by_id(people: tuple[Scim, dict[str, str]]) -> None:
    scim, ids = people
    assert found(scim, ids, f'id eq "{ids["carol"]}"') == {"carol"}


def test_filter_on_last_modified() -> None:
    """meta.lastModified gt "<instant>" returns exactly what changed since (RFC 7644 §3.4.2.2)."""
    with serving() as scim:
        users = [scim.create_user(f"u{i}@x.io") for i in range(3)]
        since = max(u["meta"]["lastModified"] for u in users)
        time.sleep(0.005)  # meta times have millisecond precision
        response = scim.patch(
            f"/Users/{users[1]['id']}",
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "add", "path": "title", "value": "T"}],
            },
        )
        changed = response.json()
        assert changed["meta"]["lastModified"] > since
        assert scim.ids("Users", flt(f'meta.lastModified gt "{since}"')) == [users[1]["id"]]
        assert scim.ids("Users", flt(f'meta.lastModified le "{since}"')) == [
            users[0]["id"],
            users[2]["id"],
        ]
        # An offset form of the same instant compares as an instant, not as text.
        assert len(scim.ids("Users", flt('meta.created ge "1999-12-31T23:00:00-01:00"'))) == 3


def test_group_filters() -> None:
    """displayName and members filters on /Groups."""
    with serving() as scim:
        uid = scim.create_user("m@x.io")["id"]
        eng = scim.create_group("Engineering", [uid])["id"]
        scim.create_group("Sales")
        assert scim.ids("Groups", flt('displayName sw "eng"')) == [eng]
        assert scim.ids("Groups", flt(f'members.value eq "{uid}"')) == [eng]
        assert scim.ids("Groups", flt(f'members[value eq "{uid}"]')) == [eng]
        assert scim.ids("Groups", flt("members pr")) == [eng]
        assert scim.search("Groups", flt('displayName co "x"'))["Resources"] == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "userName",
        "userName eq",
        'userName xx "a"',
        'userName eq "unterminated',
        '(userName eq "a"',
        'userName eq "a")',
        'userName eq "a" and',
        'userName eq "a" or or userName eq "b"',
        'not userName eq "a"',
        'nosuchattr eq "x"',
        'name.nosuch eq "x"',
        'urn:nope:schema:userName eq "x"',
        'emails[type eq "work"',
        'emails[nosuch eq "x"]',
        'userName[value eq "x"]',
        "userName eq alice",
        'userName eq "a" "b"',
        # Types that do not fit the attribute (RFC 7644 §3.4.2.2).
        "active gt true",
        "active ge false",
        'active eq "yes"',
        'active co "t"',
        "userName eq 1",
        'meta.lastModified gt "yesterday"',
        'name gt "x"',
        "title lt null",
        # Deep nesting is refused, not a RecursionError.
        "(" * 200 + 'userName eq "a"' + ")" * 200,
        " or ".join(['userName eq "a"'] * 500),
    ],
)
def test_invalid_filter_is_400_invalid_filter(people: tuple[Scim, dict[str, str]], text: str) -> None:
    scim, _ = people
    assert_error(scim.get("/Users?" + flt(text)), 400, "invalidFilter")


def test_invalid_group_filter_is_400(people: tuple[Scim, dict[str, str]]) -> None:
    scim, _ = people
    assert_error(scim.get("/Groups?" + flt('userName eq "x"')), 400, "invalidFilter")


# -- userName eq uses the index (CONTRACT §4: Okta looks up before every create) ------------------


def test_user_name_lookup_is_indexed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Among 5,000 users, a userName eq lookup evaluates the filter on at most one candidate.

    A scan would call filtering.matches once per user; the spy makes the difference visible
    without timing anything.
    """
    store = Store()
    for i in range(5000):
        store.create(REALM, USER, {"schemas": [USER_SCHEMA], "userName": f"user{i:04d}@example.com"})
    calls = 0
    real = filtering.matches

    def spy(f: filtering.Filter, resource: Json, rt: ResourceTypeDef) -> bool:
        nonlocal calls
        calls += 1
        return real(f, resource, rt)

    monkeypatch.setattr(filtering, "matches", spy)
    with serving(store=store) as scim:
        for query in (
            "filter=userName%20eq%20%22user4321%40example.com%22&startIndex=1&count=100",
            "filter=userName+eq+%22USER4321%40EXAMPLE.COM%22&startIndex=1&count=100",
        ):
            calls = 0
            body = scim.search("Users", query)
            assert [r["userName"] for r in body["Resources"]] == ["user4321@example.com"]
            assert calls <= 1
        calls = 0
        assert scim.search("Users", "filter=userName%20eq%20%22nobody%40example.com%22")["totalResults"] == 0
        assert calls == 0
        # The spy is on the evaluation path: a filter no index serves calls it for every user.
        calls = 0
        assert scim.search("Users", "filter=title%20pr&count=1")["totalResults"] == 0
        assert calls == 5000


# -- pagination (CONTRACT §4, okta-requests.md §9) --------------------------------------------


@pytest.fixture(scope="module")
def twenty_five() -> Iterator[tuple[Scim, list[str]]]:
    """25 users and their ids in the server's order."""
    with serving() as scim:
        for i in range(25):
            scim.create_user(f"user{i:02d}@x.io")
        ordered = scim.ids("Users", "startIndex=1&count=100")
        assert len(ordered) == 25
        yield scim, ordered


def page(scim: Scim, start: object, count: object, extra: str = "") -> Json:
    return scim.search("Users", f"startIndex={start}&count={count}{extra}")


@pytest.mark.parametrize("count", [1, 2, 7, 10, 25, 100])
def test_pages_tile_the_set(twenty_five: tuple[Scim, list[str]], count: int) -> None:
    """Okta's import loop (startIndex += count until totalResults) sees every user exactly once."""
    scim, ordered = twenty_five
    seen: list[str] = []
    start = 1
    while start <= 25:
        body = page(scim, start, count)
        assert body["totalResults"] == 25
        assert body["startIndex"] == start
        assert body["itemsPerPage"] == len(body["Resources"]) == min(count, 26 - start)
        seen += [r["id"] for r in body["Resources"]]
        start += count
    assert seen == ordered
    # Every other startIndex gives the same window of the same order, past the end included.
    for start in range(1, 28):
        body = page(scim, start, count)
        assert [r["id"] for r in body["Resources"]] == ordered[start - 1 : start - 1 + count], (start, count)
        assert body["startIndex"] == start
        assert body["totalResults"] == 25


def test_order_is_stable_across_updates(twenty_five: tuple[Scim, list[str]]) -> None:
    """Changing users during an import does not reorder them (okta-requests.md §9: stable ordering)."""
    scim, ordered = twenty_five
    for rid in (ordered[3], ordered[17]):
        response = scim.patch(
            f"/Users/{rid}",
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "replace", "path": "nickName", "value": "n"}],
            },
        )
        assert response.status_code == 200
    assert scim.ids("Users", "startIndex=1&count=100") == ordered


def test_counters_are_integers(twenty_five: tuple[Scim, list[str]]) -> None:
    scim, _ = twenty_five
    raw = scim.get("/Users?startIndex=3&count=2").text
    assert '"totalResults":25' in raw.replace(" ", "")
    assert '"startIndex":3' in raw.replace(" ", "")
    assert '"itemsPerPage":2' in raw.replace(" ", "")


@pytest.mark.parametrize("start", ["0", "-1", "-100"])
def test_start_index_below_one_is_one(twenty_five: tuple[Scim, list[str]], start: str) -> None:
    """RFC 7644 §3.4.2.4: a startIndex less than 1 is interpreted as 1."""
    scim, ordered = twenty_five
    body = page(scim, start, 5)
    assert [r["id"] for r in body["Resources"]] == ordered[:5]
    assert body["startIndex"] == 1
    assert body["totalResults"] == 25


@pytest.mark.parametrize("count", ["0", "-1", "-50"])
def test_count_zero_or_negative_returns_only_the_total(
    twenty_five: tuple[Scim, list[str]], count: str
) -> None:
    """RFC 7644 §3.4.2.4: count 0 returns no resources but totalResults; a negative count is 0."""
    scim, _ = twenty_five
    body = page(scim, 1, count)
    assert body["Resources"] == []
    assert body["itemsPerPage"] == 0
    assert body["totalResults"] == 25


def test_defaults_without_parameters(twenty_five: tuple[Scim, list[str]]) -> None:
    scim, ordered = twenty_five
    body = scim.search("Users", "")
    assert [r["id"] for r in body["Resources"]] == ordered
    assert body["startIndex"] == 1


def test_filtered_pagination(twenty_five: tuple[Scim, list[str]]) -> None:
    """totalResults counts all matches of the filter, not the page."""
    scim, ordered = twenty_five
    query = "&" + flt('userName sw "user1"')  # user10 … user19
    body = page(scim, 3, 4, query)
    assert body["totalResults"] == 10
    assert [r["id"] for r in body["Resources"]] == ordered[12:16]
    body = page(scim, 9, 4, query)
    assert [r["id"] for r in body["Resources"]] == ordered[18:20]
    assert body["itemsPerPage"] == 2


@pytest.mark.parametrize("name", ["startIndex", "count"])
@pytest.mark.parametrize("value", ["abc", "1.5", "1e2", "%20", "0x10", "1_0", "٣", "true", "9" * 5000])
def test_non_integer_paging_is_400_invalid_value(
    twenty_five: tuple[Scim, list[str]], name: str, value: str
) -> None:
    scim, _ = twenty_five
    assert_error(scim.get(f"/Users?{name}={value}"), 400, "invalidValue")
    assert_error(scim.get(f"/Groups?{name}={value}"), 400, "invalidValue")


def test_huge_integers_are_accepted(twenty_five: tuple[Scim, list[str]]) -> None:
    """A valid but huge startIndex or count is an integer: an empty page or a capped count, not an error."""
    scim, _ = twenty_five
    body = page(scim, 10**30, 10)
    assert body["Resources"] == [] and body["totalResults"] == 25
    assert len(page(scim, 1, 10**30)["Resources"]) == 25


def test_count_is_capped_at_max_results() -> None:
    """count above ServiceProviderConfig filter.maxResults (1000) returns 1000 per page."""
    store = Store()
    for i in range(1001):
        store.create(REALM, USER, {"schemas": [USER_SCHEMA], "userName": f"bulk{i}"})
    with serving(store=store) as scim:
        config = scim.get("/ServiceProviderConfig").json()
        assert config["filter"]["maxResults"] == 1000
        for query in ("count=5000", "count=1001", "", "startIndex=1"):
            body = assert_list(scim.get(f"/Users?{query}"))
            assert body["itemsPerPage"] == 1000, query
            assert body["totalResults"] == 1001
        assert page(scim, 1000, 5000)["itemsPerPage"] == 2
