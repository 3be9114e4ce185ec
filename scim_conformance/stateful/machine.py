"""Okta's operations under one profile, as the rules of a state machine, and the invariants after them.

Each rule sends what Okta sends for one operation (okta-requests.md), moves
the model as Okta intends, and skips (sending nothing) when there is nothing
to act on. The invariants GET every resource of the run and compare it with
the model.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Mapping
from functools import partial

import httpx
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, MultipleResults, initialize, invariant, multiple, precondition, rule

from ..checks import (
    MISSING,
    claimed_differences,
    same_json,
    show,
    stored_differences,
    stored_values,
    values_of,
)
from ..okta import ImportLoops, pages
from ..okta import requests as okta
from ..spec import GROUP_SCHEMA, Json
from ..strategies import (
    Marker,
    apply_membership_change,
    apply_profile_update,
    collision_key,
    group_names,
    okta_user_id_for,
    okta_users,
    profile_updates,
)
from .logins import similar_login
from .model import USER_KEYS, ModelGroup, ModelUser
from .steps import Session, StepMachine

_MARKER = Marker()
"""The running machine's marker, read at draw time: the strategies below are built once per process."""
_USERS = okta_users(marker=_MARKER)
# Values the running machine (``st.runner()``) has not used yet: its model is read at draw time.
_FREE_USERS = (
    st.tuples(st.runner(), _USERS)
    .filter(lambda drawn: collision_key(drawn[1]["userName"]) not in drawn[0].model.user_keys())
    .map(lambda drawn: drawn[1])
)
_FREE_GROUP_NAMES = (
    st.tuples(st.runner(), group_names(marker=_MARKER))
    .filter(lambda drawn: collision_key(drawn[1]) not in drawn[0].model.group_keys())
    .map(lambda drawn: drawn[1])
)
_PROFILE_UPDATES = profile_updates()


class ProvisioningMachine(StepMachine):
    """Okta's operations under one profile against the target, checked against the model.

    Build instances with :func:`~scim_conformance.stateful.machine_for`: an
    instance is one hypothesis example, with its own marker and model.
    """

    users: Bundle[str] = Bundle("users")
    """Ids of every user this run created, active or not."""
    groups: Bundle[str] = Bundle("groups")
    """Ids of every group this run created, deleted or not."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        _MARKER.set(self.marker)  # one machine runs at a time: this example's
        self._imported = False
        self._ever = {"deactivated": False, "member": False}
        examples = session.probe.examples
        # On a target with a budget (issue 8 §5) a run creates at most what its test
        # declares per example; the first user and group are always created.
        self._cap = examples.per_example if examples is not None and examples.limited else None
        self._posts = [0, 0]

    def _spent(self, kind: int) -> str | None:
        """Why this run may create no more users (``kind`` 0) or groups (1), else None."""
        if self._cap is None or self._posts[kind] < self._cap[kind]:
            return None
        what = ("users", "groups")[kind]
        return f"this run created the {self._cap[kind]} {what} the run's budget allows per run"

    # -- Okta's request shapes shared by rules ---------------------------------------

    def _post_user(self, rule_name: str, body: Json, description: str) -> str:
        label = f"user{len(self.model.users)}"
        self._posts[0] += 1
        with self._step(rule_name, f"{description} → {label}"):
            # CONTRACT §3: Okta looks the login up first, and creates the user on a miss.
            self._expect_found("Users", "userName", body["userName"], [])
            uid = self._created("Users", self.okta.create_user(body))
            self.model.users[uid] = ModelUser(label, {k: copy.deepcopy(body[k]) for k in USER_KEYS})
            return uid

    def _set_active(self, uid: str, active: bool) -> None:
        # AIW: GET then PUT of the full resource; OIN: PATCH without path (okta-requests.md §7).
        self._expect_status(self.okta.set_active(uid, active), *self._write_statuses())
        self.model.users[uid].active = active

    def _write_statuses(self) -> tuple[int, ...]:
        """What a PUT (AIW) or a PATCH (OIN, which may answer 204) is answered (CONTRACT §4)."""
        return (200,) if self.profile == "aiw" else (200, 204)

    def _change_members(
        self, gid: str, target: frozenset[str], operations: list[Json], *, name: str | None = None
    ) -> None:
        """Okta's membership request for ``gid`` (PUT or PATCH), with its group name update.

        okta-requests.md §8: "the group name update operation is triggered each time
        there's a group membership update operation". AIW sends the name in the PUT;
        OIN sends its rename PATCH after the membership PATCH. ``name`` is the name the
        group now has in Okta, when renamed there since the last push.
        """
        group = self.model.groups[gid]
        name = group.display_name if name is None else name
        if self.profile == "aiw":
            change: Json = {"members": self.model.member_list(target)}
        else:
            change = okta.patch_body(operations)
        for response in self.okta.push_membership(gid, change, name):
            self._expect_status(response, *self._write_statuses())
        group.members = apply_membership_change(group.members, change)
        group.display_name = name
        self._ever["member"] |= bool(group.members)

    def _renamed(self, data: st.DataObject) -> str | None:
        """The group's new name when Okta's admin renamed it since the last push, else None."""
        return self._group_name(data) if data.draw(st.booleans(), label="renamed in Okta") else None

    @staticmethod
    def _as(name: str | None) -> str:
        """The end of a step's description: the rename it carries, if any."""
        return "" if name is None else f", renamed to {name}"

    def _group_name(self, data: st.DataObject) -> str:
        return data.draw(_FREE_GROUP_NAMES, label="displayName")

    # -- rules: users ----------------------------------------------------------------

    # Every run starts with a user assigned and a group pushed, as provisioning does, so
    # that every rule can run from the first step.
    @initialize(target=users, data=st.data())
    def create_first_user(self, data: st.DataObject) -> str:
        return self._create_user(data)

    @rule(target=users, data=st.data())
    def create_user(self, data: st.DataObject) -> str | MultipleResults[str]:
        if spent := self._spent(0):
            self._skip("create_user", spent)
            return multiple()
        return self._create_user(data)

    def _create_user(self, data: st.DataObject) -> str:
        body = data.draw(_FREE_USERS, label="user")
        return self._post_user("create_user", body, body["userName"])

    @rule(target=users, like=users, longer=st.booleans(), data=st.data())
    def create_similar_user(self, like: str, longer: bool, data: st.DataObject) -> str | MultipleResults[str]:
        if spent := self._spent(0):
            self._skip("create_similar_user", spent)
            return multiple()
        original = self.model.users[like].attributes["userName"]
        name = similar_login(original, longer=longer, taken=self.model.user_keys())
        body = data.draw(_USERS, label="user")
        if name is None:
            self._skip("create_similar_user", f"no free login next to {self._name(like)}")
            return multiple()
        body.update(userName=name, externalId=okta_user_id_for(name))
        body["emails"][0]["value"] = name
        return self._post_user("create_similar_user", body, f"{name} (next to {self._name(like)})")

    @rule(user=users, data=st.data())
    def update_profile(self, user: str, data: st.DataObject) -> None:
        update = data.draw(_PROFILE_UPDATES, label="update")
        model = self.model.users[user]
        if not model.active:
            return self._skip(
                "update_profile", f"{model.label} is deactivated: Okta pushes to assigned users"
            )
        with self._step("update_profile", f"{self._name(user)} {show(update, 120)}"):
            _, response = self.okta.update_profile(
                user, lambda current: apply_profile_update(current, update)
            )
            self._expect_status(response, 200)
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
        self.probe.current_operation = "import-users" if kind == "Users" else "import-groups"
        seen = dict.fromkeys(ours, 0)
        clashes: list[str] = []
        keys = {collision_key(name): rid for rid, name in ours.items()}
        try:
            # Not validated as sent: other clients' resources are not this run's findings.
            send = partial(self._send_request, validate=False)
            for page in pages(lambda start, count: send(okta.list_page(kind, start, count))):  # type: ignore[arg-type]
                self._expect_status(page.response, 200)
                body = self._resource(
                    page.response, f"GET /{kind}?startIndex={page.start}&count={page.count}"
                )
                resources = [r for r in page.resources if isinstance(r, dict)] if body else []
                for resource in resources:
                    rid, value = resource.get("id"), resource.get(key)
                    if isinstance(rid, str) and rid in seen:
                        seen[rid] += 1
                    elif isinstance(value, str) and (owner := keys.get(collision_key(value))) is not None:
                        clashes.append(f"{rid} has the {key} of {self._name(owner)}")
                if page.number == 1 or any(str(r.get("id")) in seen for r in resources):
                    # Other clients' resources are not this run's findings: the first page (the
                    # list itself) and the pages listing ours are checked against the schemas.
                    self.probe.validate(page.response, operation=self._operation())
        except ImportLoops as loop:
            self._expect(
                False,
                f"the import of /{kind} did not end after {loop.limit} pages",
                kind="import",
                expected="startIndex to pass totalResults",
                got=f"still paging at startIndex={loop.start}: the import loops or totalResults grows",
            )
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
    def create_group(self, data: st.DataObject) -> str | MultipleResults[str]:
        if spent := self._spent(1):
            self._skip("create_group", spent)
            return multiple()
        return self._create_group(data)

    def _create_group(self, data: st.DataObject) -> str:
        self._posts[1] += 1
        name = self._group_name(data)
        label = f"group{len(self.model.groups) + len(self.model.deleted_groups)}"
        with self._step("create_group", f"{name} → {label}"):
            body = {"schemas": [GROUP_SCHEMA], "displayName": name, "members": []}
            gid = self._created("Groups", self.okta.create_group(body))
            self.model.groups[gid] = ModelGroup(label, name)
            return gid

    def _live(self, rule_name: str, gid: str) -> bool:
        if gid in self.model.groups:
            return True
        self._skip(rule_name, f"{self._name(gid)} is deleted")
        return False

    @rule(group=groups, users=st.lists(users, min_size=1, max_size=3, unique=True), data=st.data())
    def add_members(self, group: str, users: list[str], data: st.DataObject) -> None:
        if not self._live("add_members", group):
            return
        current = self.model.groups[group].members
        # Okta pushes assigned (active) users, and sends nothing for those pushed already.
        added = frozenset(u for u in users if self.model.users[u].active) - current
        if not added:
            return self._skip("add_members", f"no active non-member among {self._names(set(users))}")
        name = self._renamed(data)
        with self._step("add_members", f"{self._name(group)} + {self._names(added)}{self._as(name)}"):
            operation = okta.add_members_operation(self.model.member_list(added))
            self._change_members(group, current | added, [operation], name=name)
        return None

    @precondition(lambda self: self._ever["member"])
    @rule(
        group=groups,
        picks=st.lists(st.integers(min_value=0, max_value=63), min_size=1, max_size=3),
        data=st.data(),
    )
    def remove_members(self, group: str, picks: list[int], data: st.DataObject) -> None:
        if not self._live("remove_members", group):
            return
        current = [uid for uid in self.model.users if uid in self.model.groups[group].members]
        if not current:
            return self._skip("remove_members", f"{self._name(group)} has no member")
        removed = frozenset(current[p % len(current)] for p in picks)
        name = self._renamed(data)
        with self._step("remove_members", f"{self._name(group)} - {self._names(removed)}{self._as(name)}"):
            ops = [okta.remove_member_operation(u) for u in sorted(removed)]
            self._change_members(group, frozenset(current) - removed, ops, name=name)
        return None

    @rule(group=groups, users=st.lists(users, max_size=3, unique=True), data=st.data())
    def push_members(self, group: str, users: list[str], data: st.DataObject) -> None:
        if not self._live("push_members", group):
            return
        members = frozenset(u for u in users if self.model.users[u].active)
        name = self._renamed(data)
        with self._step("push_members", f"{self._name(group)} = {self._names(members)}{self._as(name)}"):
            operation = okta.replace_members_operation(self.model.member_list(members))
            self._change_members(group, members, [operation], name=name)

    @rule(group=groups, data=st.data())
    def rename_group(self, group: str, data: st.DataObject) -> None:
        name = self._group_name(data)
        if not self._live("rename_group", group):
            return
        with self._step("rename_group", f"{self._name(group)} to {name}"):
            members = self.model.member_list(self.model.groups[group].members)
            self._expect_status(self.okta.rename_group(group, name, members), *self._write_statuses())
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
            self._expect_status(self.okta.delete_group(group), 204, 200)
            self.model.deleted_groups[group] = self.model.groups.pop(group)

    def teardown(self) -> None:
        """Delete this run's groups, so that later runs' imports do not page through them.

        Not one of Okta's steps, and not judged (the run is over; a failure has
        been raised already): a group the target keeps is left to the session's
        cleanup. Users stay, as Okta never deletes them: the cleanup deactivates them.
        """
        for gid in self.model.groups:
            with contextlib.suppress(httpx.HTTPError):
                request = okta.delete_group(gid)
                response = self.probe.target.client.delete(request.path, headers=dict(request.headers))
                if response.status_code in (200, 204):
                    self.probe.tracker.gone(gid)

    # -- invariants ----------------------------------------------------------------

    @invariant()
    def users_match_model(self) -> None:
        """Each user's stored attributes and active flag are what Okta sent (okta); the attributes its
        /Schemas claims are not changed (rfc); its groups (rfc) are what lists it."""
        with self._reporting():
            for uid, user in self.model.users.items():
                resource = self._get("Users", uid)
                sent = {**user.attributes, "active": user.active}
                wrong = stored_differences(sent, resource)
                self._expect(
                    not wrong,
                    f"GET /Users/{{id}} of {user.label} differs from what Okta sent",
                    kind="user",
                    expected=json.dumps(stored_values(sent), ensure_ascii=False),
                    got="\n".join(wrong),
                )
                changed = claimed_differences(user.attributes, resource, self.probe.claims)
                self._expect(
                    not changed,
                    f"GET /Users/{{id}} of {user.label}: attributes /Schemas claims differ from Okta's",
                    kind="user-claimed",
                    expected="each attribute /Schemas claims as Okta last sent it, or not returned",
                    got="\n".join(changed),
                )
                listed, wanted = values_of(resource.get("groups")), self.model.groups_of(uid)
                self._expect(
                    listed == wanted,
                    f"the groups attribute of {user.label} does not match the groups listing it",
                    kind="user-groups",
                    expected=f"groups values {self._names(wanted)}",
                    got=f"groups values {self._names(listed)}",
                )

    @invariant()
    def neighbours_are_told_apart(self) -> None:
        """A login that another of this run's logins extends is found alone by ``userName eq``.

        Only those users are looked up: a prefix match (``LIKE 'v%'``) shows only for
        them, and looking every user up after every step would double a run's requests.
        """
        with self._reporting():
            keys = {uid: collision_key(u.attributes["userName"]) for uid, u in self.model.users.items()}
            for uid, key in keys.items():
                if any(other != uid and k.startswith(key) for other, k in keys.items()):
                    login = self.model.users[uid].attributes["userName"]
                    self._expect_found("Users", "userName", login, [uid])

    @invariant()
    def groups_match_model(self) -> None:
        """Each group's displayName and members are what Okta pushed."""
        with self._reporting():
            for gid, group in self.model.groups.items():
                resource = self._get("Groups", gid)
                members = values_of(resource.get("members", []))
                self._expect(
                    members == group.members,
                    f"{group.label} lists members {self._names(members)}",
                    kind="group",
                    expected=f"members {self._names(group.members)}",
                    got=f"members {self._names(members)}",
                )
                name = resource.get("displayName", MISSING)
                self._expect(
                    same_json(name, group.display_name),
                    f"{group.label} is named {show(name)}",
                    kind="group",
                    expected=f'"displayName": {show(group.display_name)}',
                    got=f'"displayName": {show(name)}',
                )

    @invariant()
    def deleted_groups_are_gone(self) -> None:
        """A deleted group answers 404."""
        with self._reporting():
            for gid, group in self.model.deleted_groups.items():
                response = self.okta.fetch("Groups", gid)
                self._expect(
                    response.status_code == 404,
                    f"GET /Groups/{{id}} of the deleted {group.label} answered {response.status_code}",
                    kind="deleted",
                    expected="404",
                    got=f"{response.status_code} {response.text[:300]}".rstrip(),
                )
