"""How many users and groups a run may create on its target, and how the tests share them.

A live provider keeps what a run creates: Okta never deletes users (CONTRACT §3),
Zentral has no user deletion, so every user a run creates stays on the realm,
deactivated. Run nightly against a staging realm, unbounded runs bury it (issue 8
§5). So a run against a live target (``--scim-url``) has a budget: at most
:data:`DEFAULT_USERS` users and :func:`groups_for` of them groups, ``--scim-max-users
N`` to change it, :data:`THOROUGH_USERS` under ``--hypothesis-profile thorough``.
The embedded reference server is unlimited.

Each test declares what it sends (:class:`Footprint`, the ``footprint`` marker):
POSTs to ``/Users`` and ``/Groups``, fixed and per hypothesis example, and the
shared sets it draws on — the run's pool of users (``scim_conformance.pool``),
or another set a module fixture creates once for several tests, which sends
its POSTs as the set's own account.
POSTs are counted, not the 201s they get: a faulty target may create a user on
a request it should refuse (no token, a duplicate), and the budget must hold on
a faulty target above all. From the selected tests, :func:`plan` gives each test
an :class:`Allowance` — so many POSTs, so many examples — the same in every
xdist worker (each computes it from the same collection). The tracker refuses a
POST beyond a test's allowance (a harness error: the declaration is wrong), and
a shrinking example that would go past its test's share passes unsent (see
``scim_conformance.examples``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pytest

from .errors import HarnessError

DEFAULT_USERS = 50
"""Users a default run may create on a live target (issue 8 §5)."""
THOROUGH_USERS = 500
"""Users a ``--hypothesis-profile thorough`` run may create on a live target, announced before it starts."""
POOL = "(pool)"
"""The account of the run's shared pool of users and groups."""

KINDS = ("users", "groups")


def groups_for(users: int) -> int:
    """The group budget that goes with a user budget: two groups for every five users (20 for 50).

    One knob, not two: every group the harness pushes has members drawn from the
    run's users, so the two needs grow together; and groups do not outlive the
    run (the cleanup deletes them, CONTRACT §3), users do.
    """
    return math.ceil(users * 2 / 5)


ENDPOINTS_POSTED_ONCE = [
    pytest.param("/Users", marks=pytest.mark.footprint(users=1)),
    pytest.param("/Groups", marks=pytest.mark.footprint(groups=1)),
]
"""``endpoint`` parameters of a test that POSTs once to the endpoint it is given."""


class BudgetExceeded(HarnessError):
    """A test sent more POSTs than its allowance: its ``footprint`` marker is wrong.

    The fix is in the test, not in the target: declare what the test sends with
    ``@pytest.mark.footprint(users=…, groups=…)``.
    """


@dataclass(frozen=True, slots=True)
class Budget:
    """What a run may create on its target; None: unlimited (the embedded reference server)."""

    users: int | None
    groups: int | None

    @classmethod
    def for_target(cls, *, embedded: bool, max_users: int | None, thorough: bool) -> Budget:
        if max_users is not None:
            return cls(max_users, groups_for(max_users))
        if embedded:
            return cls(None, None)
        users = THOROUGH_USERS if thorough else DEFAULT_USERS
        return cls(users, groups_for(users))

    @property
    def limited(self) -> bool:
        return self.users is not None or self.groups is not None

    def __str__(self) -> str:
        if not self.limited:
            return "unlimited"
        return f"at most {self.users} users and {self.groups} groups"


@dataclass(frozen=True, slots=True)
class Footprint:
    """The POSTs a test sends to ``/Users`` and ``/Groups`` (its ``footprint`` marker)."""

    users: int = 0
    groups: int = 0
    example_users: int = 0
    """POSTs to /Users per hypothesis example (the most one example sends)."""
    example_groups: int = 0
    pool: bool = False
    """The test reuses the run's pool of users (``scim_conformance.pool``)."""
    shared: tuple[str, int, int] | None = None
    """(name, users, groups) of a set a fixture creates once per process for the tests that
    declare it; the fixture's POSTs count against the account ``name``."""

    def __post_init__(self) -> None:
        counts = [
            (name, getattr(self, name)) for name in ("users", "groups", "example_users", "example_groups")
        ]
        if self.shared is not None:
            if not (
                isinstance(self.shared, tuple) and len(self.shared) == 3 and isinstance(self.shared[0], str)
            ):
                raise HarnessError(f"footprint shared={self.shared!r}: expected (name, users, groups)")
            counts += [("shared users", self.shared[1]), ("shared groups", self.shared[2])]
        for name, value in counts:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise HarnessError(f"footprint {name}={value!r}: expected a count, an int >= 0")

    def sets(self, pool: Footprint) -> dict[str, Footprint]:
        """The shared sets the test draws on, by account (``pool``: the pool's own footprint)."""
        sets = {POOL: pool} if self.pool else {}
        if self.shared is not None:
            name, users, groups = self.shared
            sets[name] = Footprint(users, groups)
        return sets

    @property
    def scaled(self) -> bool:
        """True when the test creates per example: its example count adapts to the budget."""
        return bool(self.example_users or self.example_groups)

    def cost(self, examples: int) -> tuple[int, int]:
        """POSTs for ``examples`` examples plus the final replay of a failing one (hypothesis reruns it)."""
        runs = examples + 1 if self.scaled else 0
        return self.users + self.example_users * runs, self.groups + self.example_groups * runs


@dataclass(frozen=True, slots=True)
class Allowance:
    """What one test (or the pool) may send: POSTs to /Users and /Groups, and examples."""

    users: int | None
    groups: int | None
    examples: int | None = None
    """Examples per run of the test; None: the hypothesis profile's."""
    skip: str | None = None
    """Why the test cannot run meaningfully within the budget, or None."""

    def limit(self, kind: str) -> int | None:
        return self.users if kind == "users" else self.groups


UNLIMITED = Allowance(None, None)


@dataclass(frozen=True, slots=True)
class Plan:
    """Each selected test's allowance within the run's budget."""

    budget: Budget
    allowances: dict[str, Allowance] = field(default_factory=dict)
    shared: dict[str, Allowance] = field(default_factory=dict)
    """Each shared set's allowance (the pool's under :data:`POOL`), in each process that runs
    tests: each xdist worker creates its own."""
    reserved: tuple[int, int] = (0, 0)
    """Users and groups the plan hands out, shared sets included (once per xdist worker)."""

    def allowance(self, account: str) -> Allowance:
        """A test's (or a shared set's) allowance; an account the plan does not know may send no POST."""
        if account in self.shared:
            return self.shared[account]
        return self.allowances.get(account, Allowance(0, 0))

    def scaled_examples(self) -> dict[str, int]:
        """The example counts the budget set, by test."""
        return {
            nodeid: a.examples
            for nodeid, a in self.allowances.items()
            if a.examples is not None and a.skip is None
        }


def plan(
    budget: Budget,
    footprints: Iterable[tuple[str, Footprint]],
    *,
    examples: int,
    pool: Footprint,
    workers: int = 1,
) -> Plan:
    """Share ``budget`` among the tests, in three rounds.

    1. Tests that create a fixed number of resources, in collection order, while
       they fit; a test that no longer fits is skipped (it cannot run with fewer).
    2. The shared sets the selected tests use (the pool, ``pool``, first), each
       once per xdist worker, while they fit; then the tests that use them. A
       test whose set does not fit is skipped.
    3. Tests that create per example: the same number of examples for each (up
       to ``examples``, the profile's), as many as fit; then what is left goes to
       the cheapest, one more example each in turn. A test that cannot have
       one example (plus the final replay of a failure) is skipped, the most
       expensive first.

    On an unlimited budget every test gets what it declares and the profile's
    examples; the declarations still bind (a test sending more POSTs than it
    declares is a harness error, whatever the target).
    """
    items = list(footprints)
    sets: dict[str, Footprint] = {POOL: pool}
    for _, fp in items:
        sets.update(fp.sets(pool))
    if not budget.limited:
        declared = {
            nodeid: UNLIMITED if fp.scaled else Allowance(fp.users, fp.groups) for nodeid, fp in items
        }
        return Plan(budget, declared, {name: Allowance(fp.users, fp.groups) for name, fp in sets.items()})
    left = [_or_max(budget.users), _or_max(budget.groups)]
    allowances: dict[str, Allowance] = {}

    def take(cost: tuple[int, int]) -> bool:
        if cost[0] > left[0] or cost[1] > left[1]:
            return False
        left[0] -= cost[0]
        left[1] -= cost[1]
        return True

    for nodeid, fp in items:
        if not fp.scaled and not fp.sets(pool):
            fits = take(fp.cost(0))
            allowances[nodeid] = (
                Allowance(fp.users, fp.groups) if fits else _skipped(budget, fp.cost(0), left)
            )
    # Each shared set is reserved once per xdist worker: each worker creates its own.
    used = {name: fp for _, item in items for name, fp in item.sets(pool).items()}
    shared = {name: Allowance(0, 0) for name in sets}
    for name in sorted(used, key=lambda n: n != POOL):
        if take((used[name].users * workers, used[name].groups * workers)):
            shared[name] = Allowance(used[name].users, used[name].groups)
    for nodeid, fp in items:
        absent = [
            name for name in fp.sets(pool) if shared[name] != Allowance(used[name].users, used[name].groups)
        ]
        if absent:
            needs = fp.cost(1)
            for name in absent:
                needs = (needs[0] + used[name].users * workers, needs[1] + used[name].groups * workers)
            allowances[nodeid] = _skipped(budget, needs, left)
        elif fp.sets(pool) and not fp.scaled:
            fits = take(fp.cost(0))
            allowances[nodeid] = (
                Allowance(fp.users, fp.groups) if fits else _skipped(budget, fp.cost(0), left)
            )
    scaled = [(nodeid, fp) for nodeid, fp in items if fp.scaled and nodeid not in allowances]
    allowances.update(_share(budget, scaled, examples, left))
    reserved = (_or_max(budget.users) - left[0], _or_max(budget.groups) - left[1])
    return Plan(budget, allowances, shared, reserved=reserved)


def _share(
    budget: Budget, scaled: list[tuple[str, Footprint]], wanted: int, left: list[int]
) -> dict[str, Allowance]:
    """Round 3 of :func:`plan`: equal examples for the tests that create per example, then the rest."""
    running = list(scaled)
    skipped: dict[str, Allowance] = {}

    def total(counts: dict[str, int]) -> tuple[int, int]:
        costs = [fp.cost(counts[nodeid]) for nodeid, fp in running]
        return sum(c[0] for c in costs), sum(c[1] for c in costs)

    def fits(counts: dict[str, int]) -> bool:
        used = total(counts)
        return used[0] <= left[0] and used[1] <= left[1]

    while running and not fits({nodeid: 1 for nodeid, _ in running}):
        # The most expensive single example goes first (the later one on a tie).
        index = max(range(len(running)), key=lambda i: (sum(running[i][1].cost(1)), i))
        nodeid, fp = running.pop(index)
        skipped[nodeid] = _skipped(budget, fp.cost(1), left, others=total({n: 1 for n, _ in running}))
    counts = {nodeid: 1 for nodeid, _ in running}
    while running and min(counts.values()) < wanted:
        more = {nodeid: min(n + 1, wanted) for nodeid, n in counts.items()}
        if not fits(more):
            break
        counts = more
    for nodeid, _ in sorted(running, key=lambda item: sum(item[1].cost(1)) - sum(item[1].cost(0))):
        while counts[nodeid] < wanted and fits({**counts, nodeid: counts[nodeid] + 1}):
            counts[nodeid] += 1
    used = total(counts) if running else (0, 0)
    left[0] -= used[0]
    left[1] -= used[1]
    shared = {nodeid: Allowance(*fp.cost(counts[nodeid]), examples=counts[nodeid]) for nodeid, fp in running}
    return {**shared, **skipped}


def _skipped(
    budget: Budget, needs: tuple[int, int], left: list[int], *, others: tuple[int, int] = (0, 0)
) -> Allowance:
    free = (max(left[0] - others[0], 0), max(left[1] - others[1], 0))
    return Allowance(
        0,
        0,
        examples=0,
        skip=(
            f"the run's budget on this target ({budget}) leaves {free[0]} POSTs to /Users and {free[1]} "
            f"to /Groups for this test, which needs {needs[0]} and {needs[1]} to run once; raise it with "
            "--scim-max-users N"
        ),
    )


def _or_max(value: int | None) -> int:
    return value if value is not None else 1 << 62
