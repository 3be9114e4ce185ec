"""Okta's operations in random order, checked against a plain model after every step (STYLE Lesson 9).

:class:`ProvisioningMachine` is a hypothesis ``RuleBasedStateMachine`` whose
rules are what Okta does under one client profile (CONTRACT §2, §3), with the
request shapes of okta-requests.md: create a user (lookup, then POST), push a
profile update, deactivate, reactivate, look a user or group up, import, push a
group, add, remove or push its members, rename it, delete it. :class:`Model` is
plain dicts: what Okta set on each user and whether it is active, each group's
name and members, the groups deleted. After every step the invariants GET every
resource from the target and compare it with the model.

Every request goes through the test's :class:`~scim_conformance.probe.Probe`: a
mismatch is a finding of check ``stateful.model`` with the severity of its kind,
and every created resource is tracked for cleanup. Each run of the machine (one
hypothesis example) has a fresh marker, so no name is taken twice on a target
that keeps its users. A failure shrinks to a minimal sequence of rules; its
notes list that final run's requests step by step, and :func:`run_machine`
saves them as JSON lines in the request-log format (docs/request-log.md) that
the replay command reads.

Shrinking: every rule can run in every state (the first user and group are
created by ``@initialize`` rules, bundles are never consumed, the one
``@precondition`` only ever turns true), and a rule with nothing to act on
sends nothing, as Okta would. Hypothesis picks each step's rule by rejection
sampling among the runnable ones, so a precondition that turns false again (a
consumed bundle, an "imported already" flag) lets a step the shrinker deletes
change which rule a later step draws: shrunk sequences then keep steps they do
not need.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import os
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote, urlsplit

import httpx
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from .errors import ConformanceFailure
from .probe import Probe
from .server.requestlog import redact_passwords
from .spec import GROUP_SCHEMA, PATCH_OP, Json
from .strategies import (
    OKTA_USER_NAME_MAX,
    Profile,
    apply_membership_change,
    apply_profile_update,
    collision_key,
    group_names,
    is_okta_user_name,
    okta_user_id_for,
    okta_users,
    profile_updates,
)
from .target import OKTA_CONTENT_TYPE
from .traffic import Exchange

__all__ = ["CHECK", "Model", "ProvisioningMachine", "machine_for", "request_log_line", "run_machine"]

CHECK: Final = "stateful.model"
OKTA_PAGE: Final = 100  # okta-requests.md §9: imports page with count=100
_MISSING: Final = object()
# Headers the HTTP server adds itself, which the request log leaves out (docs/request-log.md).
_SERVER_HEADERS: Final = frozenset({"date", "server"})

# Each kind of mismatch: its severity (CONTRACT §5) and the requirement it breaks.
_KINDS: Final[dict[str, tuple[str, str]]] = {
    "request": ("okta", "CONTRACT §2-§4: each of Okta's requests succeeds with the documented status (MUST)"),
    "user": (
        "okta",
        "CONTRACT §4: a user's attributes round-trip exactly (Unicode included), PUT replaces them, "
        "and active follows deactivation and reactivation (MUST)",
    ),
    "group": (
        "okta",
        "CONTRACT §4: after any membership or rename request, GET /Groups/{id} shows the new "
        "displayName and exactly the intended members (MUST)",
    ),
    "deleted": ("okta", "CONTRACT §4: DELETE /Groups/{id} answers 204, and a later GET gives 404 (MUST)"),
    "lookup": (
        "okta",
        "CONTRACT §4: an eq lookup returns exactly the matching resource, never a prefix or "
        "substring match; a deactivated user is still found, a deleted group is not (MUST)",
    ),
    "import": (
        "okta",
        "CONTRACT §3, §4: an import pages with count=100 until totalResults and lists each "
        "resource exactly once (MUST)",
    ),
    "user-groups": (
        "rfc",
        "RFC 7643 §4.1.2; CONTRACT §4: a user's read-only groups attribute lists the groups that "
        "list the user as a member (MUST)",
    ),
}

_USER_PUT = "GET /Users/{id}, then PUT /Users/{id} with the full resource"
_GROUP_PUT = "GET /Groups/{id}, then PUT /Groups/{id} with the displayName and full member list"
_OPERATIONS: Final[dict[str, str]] = {
    "create_user": "Create user: GET /Users?filter=userName eq … (a miss), then POST /Users",
    "create_similar_user": "Create user (login a prefix or an extension of another's): lookup, then POST",
    "update_profile": f"Push profile update: {_USER_PUT}",
    "deactivate_user:aiw": f"Deactivate user: {_USER_PUT}, active false",
    "deactivate_user:oin": 'Deactivate user: PATCH /Users/{id} {"op":"replace","value":{"active":false}}',
    "reactivate_user:aiw": f"Reactivate (re-assign) user: userName eq lookup, {_USER_PUT}, active true",
    "reactivate_user:oin": "Reactivate (re-assign) user: userName eq lookup, then PATCH /Users/{id} "
    '{"op":"replace","value":{"active":true}}',
    "lookup_user": "User lookup: GET /Users?filter=userName eq …&startIndex=1&count=100",
    "import_resources": "Import: GET /Users?startIndex=1&count=100, 101, … until totalResults; then /Groups",
    "create_group": "Push group: POST /Groups",
    "lookup_group": "Group lookup: GET /Groups?filter=displayName eq …&startIndex=1&count=100",
    "add_members:aiw": f"Push membership: {_GROUP_PUT}",
    "add_members:oin": 'Push membership: PATCH /Groups/{id} {"op":"add","path":"members","value":[…]}',
    "remove_members:aiw": f"Push membership: {_GROUP_PUT}",
    "remove_members:oin": 'Push membership: PATCH /Groups/{id} {"op":"remove","path":"members[value eq …]"}',
    "push_members:aiw": f"Full group push: {_GROUP_PUT}",
    "push_members:oin": 'Full group push: PATCH /Groups/{id} {"op":"replace","path":"members",…}',
    "rename_group:aiw": f"Rename group: {_GROUP_PUT}",
    "rename_group:oin": 'Rename group: PATCH /Groups/{id} {"op":"replace","value":{"id","displayName"}}',
    "delete_group": "Delete group (unlink pushed group): DELETE /Groups/{id}",
}


# -- the model -----------------------------------------------------------------


@dataclass(slots=True)
class ModelUser:
    """What Okta set on a user, and whether the user is active."""

    label: str
    attributes: Json
    """``userName``, ``name``, ``emails``, ``displayName``, ``locale``, ``externalId``, as last sent."""
    active: bool = True


@dataclass(slots=True)
class ModelGroup:
    """A pushed group as Okta knows it."""

    label: str
    display_name: str
    members: frozenset[str] = frozenset()
    """The ids of its member users."""


@dataclass(slots=True)
class Model:
    """The target as Okta's requests so far should have left it, keyed by the target's ids."""

    users: dict[str, ModelUser] = field(default_factory=dict)
    groups: dict[str, ModelGroup] = field(default_factory=dict)
    deleted_groups: dict[str, ModelGroup] = field(default_factory=dict)
    """The groups deleted, which must now be 404."""

    def groups_of(self, uid: str) -> set[str]:
        return {gid for gid, group in self.groups.items() if uid in group.members}

    def user_keys(self) -> set[str]:
        return {collision_key(u.attributes["userName"]) for u in self.users.values()}

    def group_keys(self) -> set[str]:
        """The names in use, deleted groups' included: a lookup of a deleted group's name finds nothing."""
        return {collision_key(g.display_name) for g in (*self.groups.values(), *self.deleted_groups.values())}

    def member_list(self, members: frozenset[str]) -> list[Json]:
        """Okta's member objects, ``value`` and ``display`` only (okta-requests.md §8), in creation order."""
        return [
            {"value": uid, "display": user.attributes["userName"]}
            for uid, user in self.users.items()
            if uid in members
        ]


# -- helpers ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Note:
    """What an exchange was for: its step, and whether the rule or an invariant sent it."""

    step: int
    rule: str
    purpose: str
    time: str


@dataclass(slots=True)
class _Session:
    """What the runs of one test share: who runs, and the last failure with its request-log lines."""

    probe: Probe
    profile: Profile
    run: str
    replay_file: Path | None
    kept: set[str] = field(default_factory=set)
    """Kinds of rfc mismatch already reported: one finding per kind and test."""
    last_failure: ConformanceFailure | None = None
    last_lines: list[Json] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _show(value: Any, limit: int = 200) -> str:
    if value is _MISSING:
        return "missing"
    text = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and not value.isascii():
        text += f" (= {json.dumps(value)})"  # mangled Unicode shows in the escapes
    return text if len(text) <= limit else text[:limit] + "…"


def _same(a: Any, b: Any) -> bool:
    """JSON equality: ``true`` is not ``1``, and strings compare code point by code point."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` differs from ``expected``; keys that only ``actual`` has are allowed."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path or '/'}: {_show(actual)}, not an object"]
        return [
            d for k, v in expected.items() for d in _differences(v, actual.get(k, _MISSING), f"{path}/{k}")
        ]
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: {_show(actual)} instead of {_show(expected)}"]
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in _differences(e, a, f"{path}/{i}")
        ]
    if actual is _MISSING or not _same(expected, actual):
        return [f"{path}: {_show(actual)} instead of {_show(expected)}"]
    return []


def _similar_login(original: str, *, longer: bool, taken: set[str]) -> str | None:
    """A free Okta login that extends ``original`` (``longer``) or that ``original`` extends.

    The neighbours a prefix-matching ``userName eq`` confuses (CONTRACT §4):
    ``ann@x.com`` next to ``ann@x.comm`` or ``ann@x.co``. The other direction is
    tried when one has no free valid login; None when neither has.
    """
    shorter = [original[:-1]]
    extended = [original + "m" * n for n in range(1, 4)]
    for name in (extended + shorter) if longer else (shorter + extended):
        if len(name) <= OKTA_USER_NAME_MAX and is_okta_user_name(name) and collision_key(name) not in taken:
            return name
    return None


def _json(response: httpx.Response) -> Any:
    try:
        return response.json() if response.content else None
    except ValueError:
        return None


def _values(items: Any) -> set[str]:
    """The ``value`` of each object of a multi-valued attribute (``members``, ``groups``)."""
    return {str(i.get("value")) for i in items if isinstance(i, dict)} if isinstance(items, list) else set()


# -- the machine -----------------------------------------------------------------


class ProvisioningMachine(RuleBasedStateMachine):
    """Okta's operations under one profile against the target, checked against :class:`Model`.

    Build instances with :func:`machine_for`: an instance is one hypothesis
    example, with its own marker and model.
    """

    users: Bundle[str] = Bundle("users")
    """Ids of every user this run created, active or not."""
    groups: Bundle[str] = Bundle("groups")
    """Ids of every group this run created, deleted or not."""

    def __init__(self, session: _Session) -> None:
        super().__init__()
        self.session = session
        self.probe = session.probe
        self.profile: Profile = session.profile
        self.probe.begin_example()
        # Fixed length: no run's marker is a prefix of another's.
        self.marker = f"{session.run}-{secrets.token_hex(4)}"
        self.model = Model()
        self.steps: list[str] = []
        self.notes: dict[int, _Note] = {}
        self.rule = ""
        self._purpose = "invariant"
        self._imported = False
        self._ever = {"deactivated": False, "member": False}

    # -- requests and findings ---------------------------------------------------

    def _send(
        self, method: str, path: str, *, query: str | None = None, body: Any = None, validate: bool = True
    ) -> httpx.Response:
        recorder = self.probe.target.recorder
        mark, sent = recorder.mark(), _now()
        try:
            return self.probe.request(
                method, path, query=query, body=body, operation=self._operation(), validate=validate
            )
        finally:
            for exchange in recorder.since(mark):
                self.notes[exchange.number] = _Note(len(self.steps), self.rule, self._purpose, sent)

    def _operation(self) -> str:
        if not self.rule:
            return ""
        text = _OPERATIONS.get(f"{self.rule}:{self.profile}") or _OPERATIONS[self.rule]
        checked = ", checked after it" if self._purpose == "invariant" else ""
        return f"{text} ({self.profile}; step {len(self.steps)}{checked})"

    def _expect(self, ok: bool, what: str, *, kind: str, expected: str, got: str) -> None:
        __tracebackhide__ = True
        if ok:
            return
        severity, requirement = _KINDS[kind]
        if severity == "rfc":
            if kind in self.session.kept:
                return
            self.session.kept.add(kind)
        self.probe.expect(
            False,
            f"stateful [{self.profile}], step {len(self.steps)} {self.rule}: {what}",
            expected=expected,
            got=got,
            check=CHECK,
            severity=severity,
            requirement=requirement,
            operation=self._operation(),
        )

    def _expect_status(self, response: httpx.Response, *allowed: int, what: str = "") -> None:
        __tracebackhide__ = True
        request = response.request
        path = request.url.path.rsplit("/scim/v2", 1)[-1]
        self._expect(
            response.status_code in allowed,
            what or f"{request.method} {path} answered {response.status_code}",
            kind="request",
            expected=" or ".join(map(str, allowed)),
            got=f"{response.status_code} {response.text[:300]}".rstrip(),
        )

    def _resource(self, response: httpx.Response, what: str) -> Json:
        """The JSON object of a response; anything else is a finding."""
        __tracebackhide__ = True
        body = _json(response)
        self._expect(
            isinstance(body, dict),
            f"{what}: the response is not a JSON resource",
            kind="request",
            expected="a JSON object",
            got=response.text[:300] or "an empty body",
        )
        return body if isinstance(body, dict) else {}

    def _name(self, rid: str) -> str:
        if (user := self.model.users.get(rid)) is not None:
            return f"{user.label} ({user.attributes['userName']})"
        group = self.model.groups.get(rid) or self.model.deleted_groups.get(rid)
        return f"{group.label} ({group.display_name})" if group is not None else rid

    def _names(self, ids: set[str] | frozenset[str]) -> str:
        return "[" + ", ".join(sorted(self._name(i) for i in ids)) + "]"

    # -- steps and their report ----------------------------------------------------

    @contextlib.contextmanager
    def _step(self, rule_name: str, description: str) -> Iterator[None]:
        """One rule: its requests are numbered under a new step; a failure lists the run's requests."""
        self.steps.append(f"{rule_name} {description}".rstrip())
        self.rule, self._purpose = rule_name, "rule"
        with self._reporting():
            yield
        self._purpose = "invariant"

    def _skip(self, rule_name: str, reason: str) -> None:
        """A step with nothing to act on: Okta sends nothing."""
        self.steps.append(f"{rule_name}: nothing to send ({reason})")
        self.rule = rule_name

    @contextlib.contextmanager
    def _reporting(self) -> Iterator[None]:
        try:
            yield
        except ConformanceFailure as failure:
            self._report(failure)
            raise

    def _report(self, failure: ConformanceFailure) -> None:
        """Note this run's requests on the failure, and keep them to save should this run be the last."""
        lines = []
        for exchange in failure.exchanges:
            note = self.notes.get(exchange.number) or _Note(0, "", "", _now())
            extra = {"step": note.step, "rule": note.rule, "purpose": note.purpose}
            lines.append(request_log_line(exchange, time=note.time, extra=extra))
        failure.add_note(self._sequence(failure.exchanges))
        self.session.last_failure, self.session.last_lines = failure, lines

    def _sequence(self, exchanges: tuple[Exchange, ...]) -> str:
        """The steps of this run and their requests, numbered as the finding's exchanges."""
        replay = self.session.replay_file
        saved = f"; saved for replay as {replay} (request-log JSON lines)" if replay else ""
        lines = [f"Failing sequence: {len(self.steps)} steps, {len(exchanges)} requests{saved}"]
        names = [f"{u.label} = {uid}" for uid, u in self.model.users.items()]
        names += [f"{g.label} = {gid}" for gid, g in self.model.groups.items()]
        names += [f"{g.label} = {gid} (deleted)" for gid, g in self.model.deleted_groups.items()]
        lines += ["  " + "; ".join(names)] if names else []
        base, requests = self.probe.target.base_url, dict[int, list[str]]()
        for number, exchange in enumerate(exchanges, 1):
            note = self.notes.get(exchange.number)
            outcome = exchange.status if exchange.error is None else exchange.error
            check = "   (invariant)" if note is not None and note.purpose == "invariant" else ""
            line = f"    {number:>3}. {exchange.method} {exchange.url.removeprefix(base)} → {outcome}{check}"
            requests.setdefault(note.step if note is not None else 0, []).append(line)
        lines += requests.get(0, [])
        for step, description in enumerate(self.steps, 1):
            lines += [f"  step {step}: {description}", *requests.get(step, [])]
        return "\n".join(lines)

    # -- request shapes shared by rules --------------------------------------------

    def _get(self, kind: str, rid: str) -> Json:
        response = self._send("GET", f"/{kind}/{rid}")
        self._expect_status(
            response, 200, what=f"GET /{kind}/{{id}} of {self._name(rid)} answered {response.status_code}"
        )
        return self._resource(response, f"GET /{kind}/{{id}}")

    def _lookup(self, kind: str, attribute: str, value: str) -> list[Json]:
        # okta-requests.md §3, §8: %20 for spaces, the value percent-encoded (%22, %40, UTF-8).
        query = f"filter={attribute}%20eq%20%22{quote(value, safe='')}%22&startIndex=1&count=100"
        response = self._send("GET", f"/{kind}", query=query)
        if response.status_code == 404:
            return []  # Okta reads a 404 as "not found" too (okta-requests.md §3)
        self._expect_status(response, 200)
        found = self._resource(response, f"GET /{kind}?filter=…").get("Resources", [])
        return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []

    def _expect_found(self, kind: str, attribute: str, value: str, wanted: list[str]) -> None:
        found = self._lookup(kind, attribute, value)
        self._expect(
            [r.get("id") for r in found] == wanted,
            f"{attribute} eq {_show(value)} returned {len(found)} resource(s)",
            kind="lookup",
            expected=f"exactly {self._names(set(wanted))}" if wanted else "no resource",
            got="; ".join(f"{r.get('id')} {attribute} {_show(r.get(attribute))}" for r in found) or "nothing",
        )

    def _create(self, kind: str, body: Json) -> str:
        response = self._send("POST", f"/{kind}", body=body)
        self._expect_status(response, 200, 201)
        rid = self._resource(response, f"POST /{kind}").get("id")
        self._expect(
            isinstance(rid, str) and bool(rid),
            f"POST /{kind}: the created resource has no id",
            kind="request",
            expected='a non-empty string "id"',
            got=response.text[:300],
        )
        return str(rid)

    def _post_user(self, rule_name: str, body: Json, description: str) -> str:
        label = f"user{len(self.model.users)}"
        with self._step(rule_name, f"{description} → {label}"):
            # CONTRACT §3: Okta looks the login up first, and creates the user on a miss.
            self._expect_found("Users", "userName", body["userName"], [])
            uid = self._create("Users", body)
            self.model.users[uid] = ModelUser(label, {k: copy.deepcopy(body[k]) for k in _USER_KEYS})
            return uid

    def _set_active(self, uid: str, active: bool) -> None:
        if self.profile == "aiw":
            # AIW: every change to a user is a PUT of the full resource (okta-requests.md §7).
            body = self._get("Users", uid)
            body["active"] = active
            self._expect_status(self._send("PUT", f"/Users/{uid}", body=body), 200)
        else:
            patch = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": active}}]}
            self._expect_status(self._send("PATCH", f"/Users/{uid}", body=patch), 200, 204)
        self.model.users[uid].active = active

    def _put_group(self, gid: str, *, members: frozenset[str] | None = None, name: str | None = None) -> Json:
        """AIW: GET the group, then PUT it back with Okta's displayName and full member list."""
        group = self.model.groups[gid]
        body = self._get("Groups", gid)
        body["displayName"] = group.display_name if name is None else name
        body["members"] = self.model.member_list(group.members if members is None else members)
        self._expect_status(self._send("PUT", f"/Groups/{gid}", body=body), 200)
        return body

    def _change_members(self, gid: str, target: frozenset[str], operations: list[Json]) -> None:
        """Okta's membership request for ``gid`` (PUT or PATCH); the oracle moves the model."""
        if self.profile == "aiw":
            change = self._put_group(gid, members=target)
        else:
            change = {"schemas": [PATCH_OP], "Operations": operations}
            self._expect_status(self._send("PATCH", f"/Groups/{gid}", body=change), 200, 204)
        group = self.model.groups[gid]
        group.members = apply_membership_change(group.members, change)
        self._ever["member"] |= bool(group.members)

    def _group_name(self, data: st.DataObject) -> str:
        taken = self.model.group_keys()
        names = group_names(marker=self.marker).filter(lambda n: collision_key(n) not in taken)
        return data.draw(names, label="displayName")

    # -- rules: users ----------------------------------------------------------------

    # Every run starts with a user assigned and a group pushed, as provisioning does, so
    # that every rule can run from the first step.
    @initialize(target=users, data=st.data())
    def create_first_user(self, data: st.DataObject) -> str:
        return self._create_user(data)

    @rule(target=users, data=st.data())
    def create_user(self, data: st.DataObject) -> str:
        return self._create_user(data)

    def _create_user(self, data: st.DataObject) -> str:
        taken = self.model.user_keys()
        users = okta_users(marker=self.marker).filter(lambda b: collision_key(b["userName"]) not in taken)
        body = data.draw(users, label="user")
        return self._post_user("create_user", body, body["userName"])

    @rule(target=users, like=users, longer=st.booleans(), data=st.data())
    def create_similar_user(self, like: str, longer: bool, data: st.DataObject) -> str | MultipleResults[str]:
        original = self.model.users[like].attributes["userName"]
        name = _similar_login(original, longer=longer, taken=self.model.user_keys())
        body = data.draw(okta_users(marker=self.marker), label="user")
        if name is None:
            self._skip("create_similar_user", f"no free login next to {self._name(like)}")
            return multiple()
        body.update(userName=name, externalId=okta_user_id_for(name))
        body["emails"][0]["value"] = name
        return self._post_user("create_similar_user", body, f"{name} (next to {self._name(like)})")

    @rule(user=users, data=st.data())
    def update_profile(self, user: str, data: st.DataObject) -> None:
        update = data.draw(profile_updates(), label="update")
        model = self.model.users[user]
        if not model.active:
            return self._skip(
                "update_profile", f"{model.label} is deactivated: Okta pushes to assigned users"
            )
        with self._step("update_profile", f"{self._name(user)} {_show(update, 120)}"):
            body = apply_profile_update(self._get("Users", user), update)
            self._expect_status(self._send("PUT", f"/Users/{user}", body=body), 200)
            model.attributes = apply_profile_update(model.attributes, update)
        return None

    @rule(user=users)
    def deactivate_user(self, user: str) -> None:
        if not self.model.users[user].active:
            return self._skip("deactivate_user", f"{self.model.users[user].label} is deactivated already")
        with self._step("deactivate_user", self._name(user)):
            self._set_active(user, False)
            self._ever["deactivated"] = True
        return None

    @precondition(lambda self: self._ever["deactivated"])
    @rule(user=users)
    def reactivate_user(self, user: str) -> None:
        if self.model.users[user].active:
            return self._skip("reactivate_user", f"{self.model.users[user].label} is active")
        with self._step("reactivate_user", self._name(user)):
            # Re-assignment: Okta looks the login up, links the deactivated user it finds
            # (CONTRACT §4: else it re-creates it and hits 409), then reactivates it.
            self._expect_found("Users", "userName", self.model.users[user].attributes["userName"], [user])
            self._set_active(user, True)
        return None

    @rule(user=users)
    def lookup_user(self, user: str) -> None:
        with self._step("lookup_user", self._name(user)):
            self._expect_found("Users", "userName", self.model.users[user].attributes["userName"], [user])

    @rule()
    def import_resources(self) -> None:
        # Okta imports on a schedule, and each import pages through the whole target (other
        # runs' users included, and those only grow): once per run is enough to compare.
        if self._imported:
            return self._skip("import_resources", "imported already in this run")
        self._imported = True
        with self._step("import_resources", "(users, then groups)"):
            users = {uid: u.attributes["userName"] for uid, u in self.model.users.items()}
            self._import("Users", users, "userName")
            self._import(
                "Groups", {gid: g.display_name for gid, g in self.model.groups.items()}, "displayName"
            )
        return None

    def _import(self, kind: str, ours: Mapping[str, str], key: str) -> None:
        """Page as an Okta import: each of this run's resources listed once, whatever else is there."""
        seen = dict.fromkeys(ours, 0)
        clashes: list[str] = []
        keys = {collision_key(name): rid for rid, name in ours.items()}
        start, pages, limit = 1, 0, 10
        while True:
            pages += 1
            self._expect(
                pages <= limit,
                f"the import of /{kind} did not end after {limit} pages",
                kind="import",
                expected="startIndex to pass totalResults",
                got=f"still paging at startIndex={start}: the import loops or totalResults grows",
            )
            query = f"startIndex={start}&count={OKTA_PAGE}"
            response = self._send("GET", f"/{kind}", query=query, validate=False)
            self._expect_status(response, 200)
            body = self._resource(response, f"GET /{kind}?{query}")
            page, total = body.get("Resources"), body.get("totalResults")
            resources = [r for r in page if isinstance(r, dict)] if isinstance(page, list) else []
            for resource in resources:
                rid, value = resource.get("id"), resource.get(key)
                if isinstance(rid, str) and rid in seen:
                    seen[rid] += 1
                elif isinstance(value, str) and (owner := keys.get(collision_key(value))) is not None:
                    clashes.append(f"{rid} has the {key} of {self._name(owner)}")
            if pages == 1 or any(str(r.get("id")) in seen for r in resources):
                # Other clients' resources are not this run's findings: the first page (the
                # list itself) and the pages listing ours are checked against the schemas.
                self.probe.validate(response, operation=self._operation())
            if not (isinstance(total, int) and resources) or start + OKTA_PAGE > total:
                break
            start += OKTA_PAGE
            if pages == 1:
                limit = math.ceil(total / OKTA_PAGE) + 10  # room for other clients' creations
        wrong = [f"{self._name(rid)} listed {n} times" for rid, n in seen.items() if n != 1]
        self._expect(
            not wrong and not clashes,
            f"the import of /{kind} does not list each of this run's resources once",
            kind="import",
            expected=f"each of {self._names(set(ours))} exactly once",
            got="; ".join(wrong + clashes),
        )

    # -- rules: groups -------------------------------------------------------------

    @initialize(target=groups, data=st.data())
    def create_first_group(self, data: st.DataObject) -> str:
        return self._create_group(data)

    @rule(target=groups, data=st.data())
    def create_group(self, data: st.DataObject) -> str:
        return self._create_group(data)

    def _create_group(self, data: st.DataObject) -> str:
        name = self._group_name(data)
        label = f"group{len(self.model.groups) + len(self.model.deleted_groups)}"
        with self._step("create_group", f"{name} → {label}"):
            gid = self._create("Groups", {"schemas": [GROUP_SCHEMA], "displayName": name, "members": []})
            self.model.groups[gid] = ModelGroup(label, name)
            return gid

    def _live(self, rule_name: str, gid: str) -> bool:
        if gid in self.model.groups:
            return True
        self._skip(rule_name, f"{self._name(gid)} is deleted")
        return False

    @rule(group=groups, users=st.lists(users, min_size=1, max_size=3, unique=True))
    def add_members(self, group: str, users: list[str]) -> None:
        if not self._live("add_members", group):
            return
        current = self.model.groups[group].members
        # Okta pushes assigned (active) users, and sends nothing for those pushed already.
        added = frozenset(u for u in users if self.model.users[u].active) - current
        if not added:
            return self._skip("add_members", f"no active non-member among {self._names(set(users))}")
        with self._step("add_members", f"{self._name(group)} + {self._names(added)}"):
            operation = {"op": "add", "path": "members", "value": self.model.member_list(added)}
            self._change_members(group, current | added, [operation])
        return None

    @precondition(lambda self: self._ever["member"])
    @rule(group=groups, picks=st.lists(st.integers(min_value=0, max_value=63), min_size=1, max_size=3))
    def remove_members(self, group: str, picks: list[int]) -> None:
        if not self._live("remove_members", group):
            return
        current = [uid for uid in self.model.users if uid in self.model.groups[group].members]
        if not current:
            return self._skip("remove_members", f"{self._name(group)} has no member")
        removed = frozenset(current[p % len(current)] for p in picks)
        with self._step("remove_members", f"{self._name(group)} - {self._names(removed)}"):
            ops = [{"op": "remove", "path": f"members[value eq {json.dumps(u)}]"} for u in sorted(removed)]
            self._change_members(group, frozenset(current) - removed, ops)
        return None

    @rule(group=groups, users=st.lists(users, max_size=3, unique=True))
    def push_members(self, group: str, users: list[str]) -> None:
        if not self._live("push_members", group):
            return
        members = frozenset(u for u in users if self.model.users[u].active)
        with self._step("push_members", f"{self._name(group)} = {self._names(members)}"):
            operation = {"op": "replace", "path": "members", "value": self.model.member_list(members)}
            self._change_members(group, members, [operation])

    @rule(group=groups, data=st.data())
    def rename_group(self, group: str, data: st.DataObject) -> None:
        name = self._group_name(data)
        if not self._live("rename_group", group):
            return
        with self._step("rename_group", f"{self._name(group)} to {name}"):
            if self.profile == "aiw":
                self._put_group(group, name=name)
            else:
                value = {"id": group, "displayName": name}  # the id inside value: okta-requests.md §8
                patch = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": value}]}
                self._expect_status(self._send("PATCH", f"/Groups/{group}", body=patch), 200, 204)
            self.model.groups[group].display_name = name

    @rule(group=groups)
    def lookup_group(self, group: str) -> None:
        live = self.model.groups.get(group)
        name = (live or self.model.deleted_groups[group]).display_name
        with self._step("lookup_group", self._name(group) + ("" if live else ", deleted")):
            self._expect_found("Groups", "displayName", name, [group] if live else [])

    @rule(group=groups)
    def delete_group(self, group: str) -> None:
        if not self._live("delete_group", group):
            return
        with self._step("delete_group", self._name(group)):
            self._expect_status(self._send("DELETE", f"/Groups/{group}"), 204, 200)
            self.model.deleted_groups[group] = self.model.groups.pop(group)

    def teardown(self) -> None:
        """Delete this run's groups, so that later runs' imports do not page through them.

        Not one of Okta's steps, and not judged (the run is over; a failure has
        been raised already): a group the target keeps is left to the session's
        cleanup. Users stay, as Okta never deletes them: the cleanup deactivates them.
        """
        for gid in self.model.groups:
            with contextlib.suppress(httpx.HTTPError):
                response = self.probe.target.client.delete(
                    f"/Groups/{gid}", headers={"Content-Type": OKTA_CONTENT_TYPE}
                )
                if response.status_code in (200, 204):
                    self.probe.tracker.gone(gid)

    # -- invariants ----------------------------------------------------------------

    @invariant()
    def users_match_model(self) -> None:
        """Each user's attributes and active flag are what Okta sent; its groups (rfc) what lists it."""
        with self._reporting():
            for uid, user in self.model.users.items():
                resource = self._get("Users", uid)
                wrong = _differences(user.attributes, resource)
                self._expect(
                    not wrong,
                    f"GET /Users/{{id}} of {user.label} differs from what Okta sent",
                    kind="user",
                    expected=json.dumps(user.attributes, ensure_ascii=False),
                    got="\n".join(wrong),
                )
                active = resource.get("active", _MISSING)
                self._expect(
                    active is user.active,
                    f"{user.label} is active={_show(active)}, not {json.dumps(user.active)}",
                    kind="user",
                    expected=f'"active": {json.dumps(user.active)}',
                    got=f'"active": {_show(active)}',
                )
                listed, wanted = _values(resource.get("groups")), self.model.groups_of(uid)
                self._expect(
                    listed == wanted,
                    f"the groups attribute of {user.label} does not match the groups listing it",
                    kind="user-groups",
                    expected=f"groups values {self._names(wanted)}",
                    got=f"groups values {self._names(listed)}",
                )

    @invariant()
    def groups_match_model(self) -> None:
        """Each group's displayName and members are what Okta pushed."""
        with self._reporting():
            for gid, group in self.model.groups.items():
                resource = self._get("Groups", gid)
                members = _values(resource.get("members", []))
                self._expect(
                    members == group.members,
                    f"{group.label} lists members {self._names(members)}",
                    kind="group",
                    expected=f"members {self._names(group.members)}",
                    got=f"members {self._names(members)}",
                )
                name = resource.get("displayName", _MISSING)
                self._expect(
                    _same(name, group.display_name),
                    f"{group.label} is named {_show(name)}",
                    kind="group",
                    expected=f'"displayName": {_show(group.display_name)}',
                    got=f'"displayName": {_show(name)}',
                )

    @invariant()
    def deleted_groups_are_gone(self) -> None:
        """A deleted group answers 404."""
        with self._reporting():
            for gid, group in self.model.deleted_groups.items():
                response = self._send("GET", f"/Groups/{gid}")
                self._expect(
                    response.status_code == 404,
                    f"GET /Groups/{{id}} of the deleted {group.label} answered {response.status_code}",
                    kind="deleted",
                    expected="404",
                    got=f"{response.status_code} {response.text[:300]}".rstrip(),
                )


_USER_KEYS: Final = ("userName", "name", "emails", "displayName", "locale", "externalId")


# -- running it ------------------------------------------------------------------


def machine_for(
    probe: Probe, profile: Profile, run: str, *, replay_file: Path | None = None
) -> tuple[_Session, Callable[[], ProvisioningMachine]]:
    """A factory of machines for ``run_state_machine_as_test``, and the session its runs share.

    ``run`` is the run marker (the ``scim_run`` fixture): each machine adds a
    fresh suffix to it. ``replay_file`` is only named in failure notes:
    :func:`run_machine` writes it.
    """
    session = _Session(probe, profile, run, replay_file)
    return session, lambda: ProvisioningMachine(session)


def run_machine(probe: Probe, profile: Profile, run: str, *, replay_file: Path) -> None:
    """Run the machine under the loaded hypothesis profile; save the shrunk failure's requests.

    On a failure, the final (shrunk) run's requests are written to
    ``replay_file``, created ``0600`` as bodies hold user profiles; without
    one, a stale file of an earlier run is removed.
    """
    __tracebackhide__ = True
    session, factory = machine_for(probe, profile, run, replay_file=replay_file)
    try:
        # Any callable returning a machine will do (hypothesis's docstring); the annotation
        # asks for the class.
        run_state_machine_as_test(factory, settings=_settings())  # type: ignore[arg-type]
    except ConformanceFailure as failure:
        if failure is session.last_failure:
            _write_lines(replay_file, session.last_lines)
        raise
    replay_file.unlink(missing_ok=True)


def _settings() -> settings:
    """The loaded profile (``--hypothesis-profile``, ``--scim-examples``), health checks off, no explain.

    Health checks are off as hypothesis has them for state machines by default.
    The explain phase reruns the shrunk sequence with variations to say which
    lines every failing run reached: over HTTP that doubles the time a failure
    takes, to print what the numbered requests already show.
    """
    current = settings()
    phases = [phase for phase in current.phases if phase is not Phase.explain]
    return settings(current, suppress_health_check=list(HealthCheck), phases=phases)


def _write_lines(path: Path, lines: list[Json]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
        out.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def _header_dict(headers: tuple[tuple[str, str], ...], skip: frozenset[str] = frozenset()) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name, value in headers:
        if (key := name.lower()) not in skip:
            merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged


def request_log_line(exchange: Exchange, *, time: str, extra: Mapping[str, Any] | None = None) -> Json:
    """A recorded exchange as a line of the request log (docs/request-log.md), plus ``extra`` keys.

    The exchange is redacted already (``authorization: Bearer [REDACTED]``); the
    body's ``password`` values are redacted as the log does. ``client`` is null
    (the harness is the client); ``error`` says why no response came, if so.
    """
    parts = urlsplit(exchange.url)
    body = exchange.request_body
    return {
        "time": time,
        "client": None,
        "method": exchange.method,
        "path": parts.path,
        "query": parts.query,
        "headers": _header_dict(exchange.request_headers),
        "body": redact_passwords(body) if body is not None else None,
        "status": exchange.status,
        "response_headers": _header_dict(exchange.response_headers, _SERVER_HEADERS),
        "response_body": exchange.response_body,
        "duration_ms": round(exchange.duration_ms, 3),
        "error": exchange.error,
        **(extra or {}),
    }
