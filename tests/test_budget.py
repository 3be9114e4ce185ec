"""The run's budget on a live target: the plan that shares it, the tracker that enforces it, the pool.

Pure functions and ``httpx.MockTransport`` targets: milliseconds each.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mock_target import MockTarget, group, path_of, scim, user
from suite_runs import SUITES, read_summary, run_suites

from scim_conformance.budget import (
    POOL,
    Allowance,
    Budget,
    BudgetExceeded,
    Footprint,
    groups_for,
    plan,
)
from scim_conformance.cleanup import Tracker
from scim_conformance.errors import ConformanceFailure, HarnessError
from scim_conformance.examples import Examples
from scim_conformance.pool import POOL_GROUPS, POOL_USERS, Pool
from scim_conformance.reporting.footprint import RunFootprint

LIVE = Budget(50, 20)
POOLED = Footprint(users=5, groups=1)


# -- the budget ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("embedded", "max_users", "thorough", "expected"),
    [
        (True, None, False, Budget(None, None)),
        (True, None, True, Budget(None, None)),
        (False, None, False, Budget(50, 20)),
        (False, None, True, Budget(500, 200)),
        (False, 10, True, Budget(10, 4)),
        (True, 7, False, Budget(7, 3)),
        (False, 0, False, Budget(0, 0)),
    ],
)
def test_a_live_target_has_a_budget_the_embedded_server_none(
    embedded: bool, max_users: int | None, thorough: bool, expected: Budget
) -> None:
    assert Budget.for_target(embedded=embedded, max_users=max_users, thorough=thorough) == expected


def test_groups_go_two_for_every_five_users() -> None:
    assert [groups_for(n) for n in (0, 1, 5, 50, 51, 500)] == [0, 1, 2, 20, 21, 200]


def test_a_footprint_is_counts() -> None:
    with pytest.raises(HarnessError, match="users=-1"):
        Footprint(users=-1)
    with pytest.raises(HarnessError, match="example_groups='2'"):
        Footprint(example_groups="2")  # type: ignore[arg-type]
    # Per example: the examples, plus hypothesis's final replay of a failing one.
    assert Footprint(users=1, example_users=2, example_groups=1).cost(3) == (1 + 2 * 4, 4)
    assert Footprint(users=2, groups=1).cost(15) == (2, 1)


# -- the plan ------------------------------------------------------------------


def test_an_unlimited_budget_gives_every_test_what_it_declares() -> None:
    made = plan(
        Budget(None, None),
        [("fixed", Footprint(users=2, groups=1)), ("scaled", Footprint(example_users=1))],
        examples=15,
        pool=POOLED,
    )
    assert made.allowance("fixed") == Allowance(2, 1)
    assert made.allowance("scaled") == Allowance(None, None)
    assert made.allowance(POOL) == Allowance(5, 1)
    # A test the plan does not know declared nothing: it may send no POST at all.
    assert made.allowance("undeclared") == Allowance(0, 0)


def test_fixed_tests_first_then_the_pool_then_equal_examples() -> None:
    made = plan(
        LIVE,
        [
            ("a", Footprint(users=30, groups=10)),
            ("round-trip", Footprint(example_users=1)),
            ("pooled", Footprint(pool=True)),
            ("stateful", Footprint(example_users=2, example_groups=1)),
        ],
        examples=15,
        pool=POOLED,
    )
    assert made.allowance("a") == Allowance(30, 10)
    assert made.allowance("pooled") == Allowance(0, 0)
    assert made.allowance(POOL) == Allowance(5, 1)
    # 15 users and 9 groups left; e examples each (plus the final replay) cost e + 1 users
    # for round-trip, 2(e + 1) users and e + 1 groups for stateful: four each use all 15.
    assert made.allowance("stateful") == Allowance(10, 5, examples=4)
    assert made.allowance("round-trip") == Allowance(5, 0, examples=4)
    assert made.reserved == (50, 16)


def test_what_equal_examples_leave_goes_to_the_cheapest_per_example() -> None:
    made = plan(
        Budget(12, 20),
        [
            ("stateful", Footprint(example_users=2, example_groups=1)),
            ("round-trip", Footprint(example_users=1)),
        ],
        examples=15,
        pool=POOLED,
    )
    # Three examples each: 8 + 4 = 12 users, all of them.
    assert made.allowance("stateful") == Allowance(8, 4, examples=3)
    assert made.allowance("round-trip") == Allowance(4, 0, examples=3)
    made = plan(
        Budget(14, 20),
        [
            ("stateful", Footprint(example_users=2, example_groups=1)),
            ("round-trip", Footprint(example_users=1)),
        ],
        examples=15,
        pool=POOLED,
    )
    # Three each use 12 users; four each would need 15: the 2 left go to round-trip.
    assert made.allowance("stateful") == Allowance(8, 4, examples=3)
    assert made.allowance("round-trip") == Allowance(6, 0, examples=5)


def test_a_test_that_no_longer_fits_is_skipped_saying_why() -> None:
    made = plan(
        Budget(10, 4),
        [("first", Footprint(users=6)), ("second", Footprint(users=6)), ("third", Footprint(users=4))],
        examples=15,
        pool=POOLED,
    )
    assert made.allowance("first") == Allowance(6, 0)
    skipped = made.allowance("second")
    assert (skipped.users, skipped.groups, skipped.examples) == (0, 0, 0)
    assert skipped.skip == (
        "the run's budget on this target (at most 10 users and 4 groups) leaves 4 POSTs to /Users and "
        "4 to /Groups for this test, which needs 6 and 0 to run once; raise it with --scim-max-users N"
    )
    assert made.allowance("third") == Allowance(4, 0)


def test_the_most_expensive_scaled_test_goes_first_when_one_example_each_does_not_fit() -> None:
    made = plan(
        Budget(7, 4),
        [
            ("stateful[aiw]", Footprint(example_users=2, example_groups=1)),
            ("stateful[oin]", Footprint(example_users=2, example_groups=1)),
            ("round-trip", Footprint(example_users=1)),
        ],
        examples=15,
        pool=POOLED,
    )
    assert made.allowance("stateful[oin]").skip is not None  # the later of two alike
    assert made.allowance("stateful[aiw]") == Allowance(4, 2, examples=1)
    assert made.allowance("round-trip") == Allowance(3, 0, examples=2)


def test_the_pool_is_reserved_once_per_xdist_worker_and_only_when_used() -> None:
    pooled = [("pooled", Footprint(pool=True))]
    assert plan(LIVE, pooled, examples=15, pool=POOLED, workers=2).reserved == (10, 2)
    assert plan(LIVE, [("a", Footprint(users=1))], examples=15, pool=POOLED, workers=2).reserved == (1, 0)
    # No room for the pool: the tests that use it cannot run.
    made = plan(Budget(4, 1), pooled, examples=15, pool=POOLED)
    assert made.allowance(POOL) == Allowance(0, 0)
    assert "needs 5 and 1 to run once" in str(made.allowance("pooled").skip)


def test_a_set_a_fixture_shares_is_reserved_once_per_worker_for_the_tests_that_declare_it() -> None:
    many = ("many-users", 20, 0)
    items = [
        ("large[aiw]", Footprint(groups=1, shared=many)),
        ("large[oin]", Footprint(groups=1, shared=many)),
        ("other", Footprint(users=2)),
    ]
    made = plan(Budget(100, 40), items, examples=15, pool=POOLED, workers=2)
    assert made.allowance("many-users") == Allowance(20, 0)
    assert made.allowance("large[oin]") == Allowance(0, 1)
    assert made.reserved == (42, 2)
    # It does not fit: the tests that use it are skipped, the others run.
    made = plan(Budget(30, 12), items, examples=15, pool=POOLED, workers=2)
    assert made.allowance("many-users") == Allowance(0, 0)
    assert "which needs 40 and 1 to run once" in str(made.allowance("large[aiw]").skip)
    assert made.allowance("other") == Allowance(2, 0)
    with pytest.raises(HarnessError, match=r"expected \(name, users, groups\)"):
        Footprint(shared=("many-users", 20))  # type: ignore[arg-type]


_FOOTPRINTS = st.builds(
    Footprint,
    users=st.integers(0, 8),
    groups=st.integers(0, 4),
    example_users=st.integers(0, 3),
    example_groups=st.integers(0, 2),
    pool=st.booleans(),
)


@given(
    users=st.integers(0, 120),
    footprints=st.lists(_FOOTPRINTS, max_size=12),
    examples=st.integers(1, 30),
    workers=st.integers(1, 3),
)
def test_a_plan_never_hands_out_more_than_the_budget(
    users: int, footprints: list[Footprint], examples: int, workers: int
) -> None:
    budget = Budget(users, groups_for(users))
    items = [(f"t{n}", fp) for n, fp in enumerate(footprints)]
    made = plan(budget, items, examples=examples, pool=POOLED, workers=workers)
    allowances = [made.allowance(nodeid) for nodeid, _ in items]
    pool = made.allowance(POOL)
    handed = (
        sum(a.users or 0 for a in allowances) + (pool.users or 0) * workers,
        sum(a.groups or 0 for a in allowances) + (pool.groups or 0) * workers,
    )
    assert handed == made.reserved
    assert handed[0] <= users and handed[1] <= groups_for(users)
    for (_, fp), allowance in zip(items, allowances, strict=True):
        if allowance.skip is None and fp.scaled:
            assert allowance.examples is not None and 1 <= allowance.examples <= examples
            assert (allowance.users, allowance.groups) == fp.cost(allowance.examples)
        if allowance.skip is None and fp.pool:
            assert pool == Allowance(5, 1)


# -- the tracker enforces it -----------------------------------------------------


def _tracked(users: int, groups: int = 0) -> Tracker:
    made = plan(Budget(50, 20), [("t", Footprint(users=users, groups=groups))], examples=1, pool=POOLED)
    return Tracker(MockTarget(lambda request: scim(500)).target, plan=made)


def test_the_tracker_counts_posts_per_test_and_refuses_one_past_the_allowance() -> None:
    tracker = _tracked(2, 1)
    assert (tracker.left("users", "t"), tracker.left("groups", "t")) == (2, 1)
    tracker.reserve("users", "t")
    tracker.reserve("groups", "t")
    tracker.reserve("users", "t")
    assert (tracker.left("users", "t"), tracker.posted("users"), tracker.posted("groups")) == (0, 2, 1)
    with pytest.raises(
        BudgetExceeded, match=r"^t: POST /Users not sent, this test's allowance of 2 is spent"
    ):
        tracker.reserve("users", "t")
    with pytest.raises(BudgetExceeded, match=r"@pytest\.mark\.footprint"):
        tracker.reserve("users", "another test")
    assert tracker.posted("users") == 2


def test_without_a_plan_nothing_is_counted_against_anyone() -> None:
    tracker = Tracker(MockTarget(lambda request: scim(500)).target)
    for _ in range(100):
        tracker.reserve("users", "")
    assert tracker.left("users", "") is None


def test_a_probe_post_past_the_allowance_is_never_sent() -> None:
    mock = MockTarget(lambda request: scim(201, user(f"u{len(mock.requests)}")))
    probe = mock.probe(tracker=_tracked(1))
    probe.account = "t"
    probe.create("/Users", {"userName": "a@example.com"})
    with pytest.raises(BudgetExceeded):
        probe.request("POST", "/Users", body={"userName": "b@example.com"})
    # A request that creates nothing costs nothing.
    probe.request("GET", "/Users", validate=False)
    assert mock.sent() == [("POST", "/Users"), ("GET", "/Users")]


def test_a_refused_post_counts_too() -> None:
    mock = MockTarget(lambda request: scim(401, {"detail": "no"}))
    probe = mock.probe(tracker=_tracked(1))
    probe.account = "t"
    probe.request("POST", "/Users", body={}, anonymous=True, validate=False)
    with pytest.raises(BudgetExceeded):
        probe.request("POST", "/Users", body={}, anonymous=True, validate=False)
    assert len(mock.requests) == 1


def test_an_example_past_its_share_is_not_afforded_but_its_final_replay_is_kept() -> None:
    made = plan(LIVE, [("t", Footprint(example_users=1))], examples=2, pool=POOLED)
    tracker = Tracker(MockTarget(lambda request: scim(500)).target, plan=made)
    examples = Examples(tracker, "t", per_example=(1, 0), count=2)
    assert examples.limited
    assert made.allowance("t") == Allowance(3, 0, examples=2)
    assert examples.affords()  # 3 left: this one, and a final replay
    tracker.reserve("users", "t")
    assert examples.affords()  # 2 left
    tracker.reserve("users", "t")
    assert not examples.affords()  # 1 left: kept for the final replay
    assert examples.unsent == 1
    assert not Examples(Tracker(tracker.target), "t", per_example=(1, 0)).limited


# -- what the run left ---------------------------------------------------------------


def test_the_footprint_says_what_was_created_and_what_remains() -> None:
    def provider(request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            return scim(200, json.loads(request.content))
        return scim(204) if path_of(request).startswith("/Groups/") else scim(405)

    tracker = Tracker(MockTarget(provider).target)
    for resource in (user("u1", active=True), user("u2", active=False), group("g1")):
        tracker.created("Group" if "displayName" in resource else "User", resource)
    tracker.reserve("users", "t")
    tracker.clean_up()
    assert tracker.footprint() == {
        "users": {"posted": 1, "created": 2, "remaining": 2},
        "groups": {"posted": 0, "created": 1, "remaining": 0},
    }
    totals = RunFootprint()
    totals.add({"footprint": tracker.footprint(), "examples": {"suites/x.py::test_a": 3}})
    totals.add({"footprint": tracker.footprint(), "examples": {}})
    assert totals.to_dict(LIVE) == {
        "budget": {"users": 50, "groups": 20},
        "users": {"posted": 2, "created": 4, "remaining": 4},
        "groups": {"posted": 0, "created": 2, "remaining": 0},
        "examples": {"suites/x.py::test_a": 3},
    }
    assert totals.lines(LIVE) == [
        "footprint: 4 users and 2 groups created (budget: 50 and 20); 4 users and 0 groups remain on "
        "the target (users deactivated: the target does not delete users)",
        "  examples within the budget: test_a 3 (--scim-max-users N for more)",
    ]
    assert RunFootprint().lines(Budget(None, None)) == [
        "footprint: 0 users and 0 groups created; 0 users and 0 groups remain on the target"
    ]


# -- the pool --------------------------------------------------------------------------


class _Provider:
    """A target that creates users and groups and answers GET and PUT with what it stores."""

    def __init__(self, *, refuse_users: bool = False) -> None:
        self.stored: dict[str, Any] = {}
        self.ids = itertools.count(1)
        self.refuse_users = refuse_users

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = path_of(request)
        if request.method == "POST":
            if self.refuse_users and path == "/Users":
                return scim(400, {"detail": "no"})
            rid = f"{path[1]}{next(self.ids)}"
            sent = json.loads(request.content)
            body = {k: v for k, v in sent.items() if k not in ("password", "groups")} | {"id": rid}
            self.stored[rid] = body
            return scim(201, body)
        rid = path.rsplit("/", 1)[1]
        if request.method == "PUT":
            self.stored[rid] = json.loads(request.content)
        return scim(200, self.stored[rid])


def _pool_probe(provider: _Provider) -> tuple[MockTarget, Any]:
    mock = MockTarget(provider)
    made = plan(LIVE, [("t", Footprint(pool=True))], examples=15, pool=POOLED)
    probe = mock.probe(tracker=Tracker(mock.target, plan=made))
    probe.account = "t"
    return mock, probe


def test_the_pool_creates_once_then_gives_users_each_examples_profile() -> None:
    provider = _Provider()
    mock, probe = _pool_probe(provider)
    pool = Pool("scimconf-test")
    drawn = {
        "userName": "Zoë@example.com",
        "name": {"givenName": "Zoë"},
        "externalId": "other",
        "active": False,
    }
    [uid] = pool.users(probe, [drawn])
    assert mock.sent()[: POOL_USERS + POOL_GROUPS] == [("POST", "/Users")] * POOL_USERS + [
        ("POST", "/Groups")
    ]
    assert mock.sent()[POOL_USERS + POOL_GROUPS :] == [("GET", f"/Users/{uid}"), ("PUT", f"/Users/{uid}")]
    profiled = provider.stored[uid]
    # Okta's profile push: the drawn profile, active; externalId (Okta's own id) unchanged.
    assert (profiled["userName"], profiled["name"], profiled["active"]) == (
        "Zoë@example.com",
        {"givenName": "Zoë"},
        True,
    )
    assert profiled["externalId"] != "other"
    assert pool.names([uid]) == {uid: "Zoë@example.com"}
    # Its POSTs count against the pool, not the test.
    assert probe.tracker.left("users", POOL) == 0 and probe.tracker.left("users", "t") == 0
    mock.requests.clear()
    assert pool.users(probe, [drawn, {**drawn, "userName": "b@example.com"}]) == pool.fill(probe)[:2]
    assert [m for m, _ in mock.sent()] == ["GET", "PUT", "GET", "PUT"]


def test_the_pool_pushes_its_group_as_the_profile_does() -> None:
    provider = _Provider()
    mock, probe = _pool_probe(provider)
    pool = Pool("scimconf-test")
    members = [{"value": "U1", "display": "a@example.com"}]
    gid = pool.push_group(probe, "aiw", "Renamed", members)
    assert provider.stored[gid]["displayName"] == "Renamed"
    assert provider.stored[gid]["members"] == members
    mock.requests.clear()
    assert pool.push_group(probe, "oin", "Again", members) == gid
    # OIN: a full push replaces the members, then Okta's rename PATCH (okta-requests.md §8).
    assert mock.sent() == [("PATCH", f"/Groups/{gid}")] * 2
    replace, rename = (body["Operations"] for body in mock.bodies())
    assert replace == [{"op": "replace", "path": "members", "value": members}]
    assert rename == [{"op": "replace", "value": {"id": gid, "displayName": "Again"}}]


def test_a_pool_the_target_refuses_is_tried_once_and_fails_alike_after() -> None:
    mock, probe = _pool_probe(_Provider(refuse_users=True))
    pool = Pool("scimconf-test")
    with pytest.raises(ConformanceFailure) as first:
        pool.users(probe, [{"userName": "a@example.com"}])
    assert first.value.check == "resources.create"
    sent = len(mock.requests)
    with pytest.raises(ConformanceFailure) as again:
        pool.fill(probe)
    # The same finding again (one root cause), its title saying where it came from.
    assert (again.value.check, again.value.got) == (first.value.check, first.value.got)
    assert (
        again.value.title
        == f"{first.value.title} (creating the run's pool of users and group, earlier in this run)"
    )
    assert len(mock.requests) == sent


# -- the plugin ------------------------------------------------------------------------

PROPERTIES = str(SUITES / "test_properties.py")


def test_thorough_says_before_it_starts_that_it_may_create_more(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    live = ("--scim-url", "http://127.0.0.1:9/scim/v2", "-q")
    thorough = pytester.runpytest_inprocess(*live, "--hypothesis-profile", "thorough")
    assert thorough.ret == 0
    first = thorough.stdout.lines[0]
    assert first == (
        "scim-conformance: --hypothesis-profile thorough may create up to 500 users and 200 groups on "
        "the target (a default run: 50 and 20); users stay, deactivated, on a target that does not "
        "delete users (--scim-max-users N to bound it)"
    )
    for quiet in (
        pytester.runpytest_inprocess(*live),
        pytester.runpytest_inprocess(*live, "--hypothesis-profile", "thorough", "--scim-max-users", "80"),
        pytester.runpytest_inprocess("-q", "--hypothesis-profile", "thorough"),
    ):
        assert not any("may create" in line for line in quiet.stdout.lines), quiet.stdout.str()


def test_a_budget_too_small_for_a_test_skips_it_saying_so(pytester: pytest.Pytester) -> None:
    result = run_suites(
        pytester, "--scim-max-users", "1", "-k", "test_created_user_round_trips", "-rs", files=(PROPERTIES,)
    )
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        ["*the run's budget on this target (at most 1 users and 1 groups) leaves 1 POSTs to /Users and 1 to "
         "/Groups for this test, which needs 2 and 0 to run once; raise it with --scim-max-users N"]
    )  # fmt: skip


def test_the_examples_follow_the_budget(pytester: pytest.Pytester, tmp_path: Path) -> None:
    summary_path = tmp_path / "summary.json"
    result = run_suites(
        pytester,
        "--scim-max-users",
        "4",
        "-k",
        "test_created_user_round_trips",
        f"--scim-json={summary_path}",
        files=(PROPERTIES,),
    )
    result.assert_outcomes(passed=1)
    footprint = read_summary(summary_path)["footprint"]
    # Four POSTs: three examples, and room for the final replay of a failure (unused).
    assert footprint["examples"] == {"test_properties.py::test_created_user_round_trips": 3}
    assert footprint["users"] == {"posted": 3, "created": 3, "remaining": 3}
    result.stdout.fnmatch_lines(["  examples within the budget: test_created_user_round_trips 3 *"])
