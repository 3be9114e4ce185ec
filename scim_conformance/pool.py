"""The run's reusable users and group: property examples re-profile them instead of creating more.

A property about what Okta does to an existing user (a profile push, a
deactivation, a lookup, a membership push) holds for any user of the run, so
its examples need not create one each (issue 8 §5): on a live target every
user created stays. The pool creates :data:`POOL_USERS` plain Okta users and
:data:`POOL_GROUPS` group once per process (each xdist worker has its own), on
first use; an example then pushes what it drew onto them as Okta would — a
profile push (GET, then PUT with the drawn login, name, emails and ``active``
true, as a re-assigned user gets), a group push (the members and name, PUT or
PATCH by profile). Tests run one at a time in a process, so no two examples
share a pool user at once.

The pool's POSTs count against its own allowance (``budget.POOL``). It is
filled once: a target that refuses a plain user makes every later test that
uses the pool fail with the same finding (check, severity, what came back),
sending nothing more.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from .budget import POOL, Footprint
from .core.terms import Profile
from .errors import ConformanceFailure
from .okta import requests as okta
from .okta.bodies import group_body, user_body
from .probe import Probe
from .spec import Json

POOL_USERS = 5
"""Enough for the largest example of a property that reuses users: a login and four near misses."""
POOL_GROUPS = 1
FOOTPRINT = Footprint(users=POOL_USERS, groups=POOL_GROUPS)
"""What the pool sends, once per process: the plan reserves it (``budget.plan``)."""

# The attributes of a drawn Okta body a re-profiling PUT carries over (okta-requests.md §6).
# externalId stays: it is Okta's own id of the user, which a profile push never changes.
_PROFILE = ("userName", "name", "emails", "displayName", "locale")


@dataclass
class Pool:
    """This process's reusable users and group (created on first use, through the using test's probe)."""

    run: str
    """The run's marker (``scim_run``): the pool's resources carry it."""
    _users: list[str] = field(default_factory=list)
    _names: dict[str, str] = field(default_factory=dict)
    _groups: list[str] = field(default_factory=list)
    _tried: bool = False
    _refused: ConformanceFailure | None = None

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # hypothesis prints a failing example's arguments (fixtures too) field by field:
        # every id of the pool would crowd the example out. One line instead.
        printer.text(f"Pool({self.run!r}, {len(self._users)} users, {len(self._groups)} group)")

    def fill(self, probe: Probe) -> list[str]:
        """The pool's user ids, created (plain Okta users) by the first call; a refusal is a finding."""
        __tracebackhide__ = True
        if not self._tried:
            self._tried = True
            try:
                for n in range(POOL_USERS):
                    body = user_body(self.run, f"pool{n}")
                    uid = probe.create("/Users", body, account=POOL)["id"]
                    self._users.append(uid)
                    self._names[uid] = body["userName"]
                for n in range(POOL_GROUPS):
                    self._groups.append(
                        probe.create("/Groups", group_body(self.run, f"pool{n}"), account=POOL)["id"]
                    )
            except ConformanceFailure as failure:
                self._refused = failure
                raise
        if (refused := self._refused) is not None:
            # The same finding as the POST that failed (one root cause), with no request sent.
            probe.fail(
                f"{refused.title} (creating the run's pool of users and group, earlier in this run)",
                expected=refused.expected,
                got=refused.got,
                check=refused.check,
                severity=refused.severity,
                requirement=refused.requirement,
            )
        return list(self._users)

    def users(self, probe: Probe, bodies: Sequence[Json]) -> list[str]:
        """One pool user per body, each given the body's profile by Okta's profile push, and active.

        The push is GET then PUT (both profiles, okta-requests.md §6); a refusal is
        a finding of the test's check.
        """
        __tracebackhide__ = True
        if len(bodies) > POOL_USERS:
            raise ValueError(f"{len(bodies)} users asked of a pool of {POOL_USERS}")
        ids = self.fill(probe)[: len(bodies)]
        client = probe.okta("aiw")
        for number, (uid, body) in enumerate(zip(ids, bodies, strict=True), 1):
            _, response = client.update_profile(uid, partial(_profiled, body=body))
            probe.expect_status(
                response,
                200,
                title=f"PUT /Users/{{id}} giving user {number} of the run's pool this example's profile "
                "(Okta's profile push) was refused",
            )
            self._names[uid] = body["userName"]
        return ids

    def resources(self, probe: Probe, count: int, kind: str = "Users") -> list[Json]:
        """The first ``count`` users (or the group) of the pool as the target shows them now (GET).

        For a fixed-example test that needs a user or group of the run and changes
        nothing the pool's next users depend on (the properties give them their
        profile each example anyway).
        """
        __tracebackhide__ = True
        ids = self.fill(probe)[:count] if kind == "Users" else self._groups[:count]
        client = probe.okta("aiw")
        return [client.current(kind, rid) for rid in ids]  # type: ignore[arg-type]

    def names(self, ids: Sequence[str]) -> dict[str, str]:
        """The logins the pool last gave these users."""
        return {uid: self._names[uid] for uid in ids}

    def group(self, probe: Probe) -> str:
        """The pool's group (created with the users by the first :meth:`fill`)."""
        __tracebackhide__ = True
        self.fill(probe)
        return self._groups[0]

    def push_group(self, probe: Probe, profile: Profile, name: str, members: list[Json]) -> str:
        """The pool's group, pushed by Okta under ``profile`` with ``name`` and exactly ``members``.

        AIW: GET then PUT of the group; OIN: ``replace`` of ``members``, then the
        rename PATCH (okta-requests.md §8, a full push). A refusal is a finding.
        """
        __tracebackhide__ = True
        gid = self.group(probe)
        if profile == "aiw":
            change: Json = {"members": members}
        else:
            change = okta.patch_body([{"op": "replace", "path": "members", "value": members}])
        # CONTRACT §4: PUT answers 200; PATCH 200 or 204.
        statuses = (200,) if profile == "aiw" else (200, 204)
        for response in probe.okta(profile).push_membership(gid, change, name):
            probe.expect_status(
                response,
                *statuses,
                title="pushing the run's pool group with this example's name and members was refused",
            )
        return gid


def _profiled(current: Json, body: Json) -> Json:
    profiled = copy.deepcopy(current)
    profiled.update({key: copy.deepcopy(body[key]) for key in _PROFILE if key in body})
    profiled["active"] = True
    return profiled
