"""Sequences of abstract Okta operations, each valid in the state the previous ones leave.

An operation names what Okta does and whom it concerns — users and groups by
their index in creation order — not the data: a runner draws bodies from
:func:`~.users.okta_users`, :func:`~.groups.group_names` and friends, and sends
the requests :attr:`OktaOperation.requests` lists for the profile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Final, Literal, get_args

from hypothesis import strategies as st

from ..core.terms import Profile
from ..okta.operations import OPERATIONS
from .groups import check_profile

__all__ = ["OPERATION_NAMES", "OktaOperation", "OperationName", "operation_sequences"]

OperationName = Literal[
    "create_user",
    "update_profile",
    "deactivate",
    "reactivate",
    "lookup",
    "import",
    "create_group",
    "add_members",
    "remove_members",
    "rename_group",
    "delete_group",
]
OPERATION_NAMES: Final[tuple[OperationName, ...]] = get_args(OperationName)

# Each abstract operation is one of Okta's (okta.operations), whose requests it lists.
_OKTA_OPERATION: Final[dict[OperationName, str]] = {
    "create_user": "create-user",
    "update_profile": "update-profile",
    "deactivate": "deactivate",
    "reactivate": "reactivate",
    "lookup": "lookup-user",
    "import": "import-users",
    "create_group": "create-group",
    "add_members": "add-members",
    "remove_members": "remove-members",
    "rename_group": "rename-group",
    "delete_group": "delete-group",
}


@dataclass(frozen=True, slots=True)
class OktaOperation:
    """One thing Okta does to the target under a profile."""

    name: OperationName
    profile: Profile
    user: int | None = None
    """The user concerned, by creation order (0 is the first ``create_user``)."""
    group: int | None = None
    """The group concerned, by creation order (0 is the first ``create_group``)."""
    members: tuple[int, ...] = ()
    """For ``add_members``/``remove_members``: the users added or removed, ascending."""

    @property
    def requests(self) -> tuple[str, ...]:
        """The requests Okta sends for it, in words (``METHOD path …``): ``okta.operations.OPERATIONS``."""
        return OPERATIONS[_OKTA_OPERATION[self.name]].requests[self.profile]

    def __str__(self) -> str:
        refs = [f"user={self.user}"] if self.user is not None else []
        refs += [f"group={self.group}"] if self.group is not None else []
        refs += [f"members={list(self.members)}"] if self.members else []
        return f"{self.name}({', '.join(refs)})"


# What Okta must have done before an operation that has nothing to act on yet.
_PREREQUISITE: Final[dict[str, OperationName]] = {
    "update_profile": "create_user",
    "deactivate": "create_user",
    "lookup": "create_user",
    "reactivate": "deactivate",
    "rename_group": "create_group",
    "delete_group": "create_group",
    "remove_members": "add_members",
}


@dataclass(slots=True)
class _World:
    """The state the operations so far leave: who is active, and each group's members."""

    profile: Profile
    active: list[bool] = field(default_factory=list)
    groups: list[set[int] | None] = field(default_factory=list)  # None once deleted

    def apply(self, name: OperationName, choice: int, picks: list[int]) -> OktaOperation | None:
        """The operation on a target ``choice`` selects, applied; None when nothing qualifies."""
        operation = partial(OktaOperation, name, self.profile)
        live = [g for g, _ in self._live()]
        if name == "create_user":
            self.active.append(True)
            return operation(user=len(self.active) - 1)
        if name == "create_group":
            self.groups.append(set())
            return operation(group=len(self.groups) - 1)
        if name == "import":
            return operation()
        if name in ("update_profile", "deactivate", "reactivate", "lookup"):
            # Okta pushes profiles to, and deactivates, assigned (active) users only.
            wanted = {"update_profile": True, "deactivate": True, "reactivate": False}.get(name)
            users = [u for u, is_active in enumerate(self.active) if wanted in (None, is_active)]
            if not users:
                return None
            user = users[choice % len(users)]
            if name in ("deactivate", "reactivate"):
                self.active[user] = name == "reactivate"
            return operation(user=user)
        if name in ("rename_group", "delete_group"):
            if not live:
                return None
            group = live[choice % len(live)]
            if name == "delete_group":
                self.groups[group] = None
            return operation(group=group)
        return self._membership(name, choice, picks)

    def _membership(self, name: OperationName, choice: int, picks: list[int]) -> OktaOperation | None:
        adding = name == "add_members"
        assignable = {u for u, is_active in enumerate(self.active) if is_active}
        candidates = {g: sorted(assignable - members if adding else members) for g, members in self._live()}
        eligible = [g for g, users in candidates.items() if users]
        if not eligible:
            return None
        group = eligible[choice % len(eligible)]
        users = candidates[group]
        chosen = tuple(sorted({users[p % len(users)] for p in picks} or {users[0]}))
        members = self.groups[group]
        assert members is not None
        if adding:
            members.update(chosen)
        else:
            members.difference_update(chosen)
        return OktaOperation(name, self.profile, group=group, members=chosen)

    def _live(self) -> list[tuple[int, set[int]]]:
        return [(g, members) for g, members in enumerate(self.groups) if members is not None]

    def prerequisite(self, name: OperationName) -> OperationName:
        if name == "add_members":
            # Either no group is left, or every active user is in every group.
            return "create_user" if self._live() else "create_group"
        return _PREREQUISITE[name]


def _resolve(profile: Profile, raw: Sequence[tuple[OperationName, int, list[int]]]) -> list[OktaOperation]:
    """Turn drawn (name, choice, picks) into operations, each valid where it stands.

    An operation with nothing to act on becomes what Okta must have done first
    (a deactivation before a reactivation, an addition before a removal, …), so
    deep states are reached by short sequences. Every chain ends in a
    ``create_user`` or ``create_group``, which always apply.
    """
    world = _World(profile)
    resolved: list[OktaOperation] = []
    for name, choice, picks in raw:
        operation = world.apply(name, choice, picks)
        while operation is None:
            name = world.prerequisite(name)
            operation = world.apply(name, choice, picks)
        resolved.append(operation)
    return resolved


def operation_sequences(profile: Profile, *, max_size: int = 20) -> st.SearchStrategy[list[OktaOperation]]:
    """Lists of Okta operations for ``profile``, each valid where it stands (Okta-only).

    Operations: ``create_user`` (lookup miss, then POST), ``update_profile``,
    ``deactivate``, ``reactivate``, ``lookup`` (of an existing user, deactivated
    ones included), ``import``, ``create_group``, ``add_members``,
    ``remove_members``, ``rename_group``, ``delete_group``. Only what Okta would
    do in the state reached: profile updates and deactivations go to active
    users, reactivations to deactivated ones, additions name active non-members,
    removals current members, and nothing touches a deleted group. A drawn
    operation with nothing to act on becomes its prerequisite (a removal with no
    member to remove becomes an addition), so short lists reach deep states.

    Shrinks toward short sequences (at most ``max_size`` operations), toward
    ``create_user``, and toward the first user and group.
    """
    checked = check_profile(profile)
    raw = st.tuples(
        st.sampled_from(OPERATION_NAMES),
        st.integers(min_value=0, max_value=63),
        st.lists(st.integers(min_value=0, max_value=63), max_size=4),
    )
    return st.lists(raw, max_size=max_size).map(partial(_resolve, checked))
