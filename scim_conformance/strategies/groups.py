"""Pushed groups: names, member sets, and membership requests per Okta profile (okta-requests.md §8).

A membership change is the request body Okta sends, as data:

- ``aiw``: a full member list for ``PUT /Groups/{id}``,
  ``{"schemas": [Group], "members": [{"value", "display"}, …]}`` (add the
  group's ``displayName`` — and ``id`` if you like — from its GET response);
- ``oin``: a PatchOp body for ``PATCH /Groups/{id}``: one
  ``{"op": "remove", "path": "members[value eq \\"<id>\\"]"}`` per removed member
  then one ``{"op": "add", "path": "members", "value": […]}``, at most 100
  changes per body (Okta's default chunk, S9); or a full push
  ``{"op": "replace", "path": "members", "value": […]}`` (``[]`` to empty it).

:func:`apply_membership_change` is the oracle: the member ids a correct target
holds after the change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..core.terms import PROFILES, Profile, is_profile
from ..okta import requests as okta
from ..okta.protocol import OKTA_PATCH_CHUNK
from ..spec import GROUP_SCHEMA, Json
from .names import MARKER_MAX, Marker, Slot, check_marker, markers, values
from .users import free_texts

__all__ = [
    "OKTA_PATCH_CHUNK",
    "apply_membership_change",
    "group_names",
    "member_sets",
    "membership_changes",
    "okta_groups",
]


_REMOVE_PATH: Final = re.compile(r'members\[value eq ("(?:[^"\\]|\\.)*")\]')


def check_profile(profile: object) -> Profile:
    """``profile`` if it is one of Okta's client profiles, else InvalidArgument (hypothesis's error)."""
    if is_profile(profile):
        return profile
    choices = " or ".join(repr(p) for p in PROFILES)
    raise InvalidArgument(f"profile={profile!r} must be {choices} (CONTRACT §2)")


def group_names(*, marker: str | Marker, max_size: int = 255) -> st.SearchStrategy[str]:
    """Group ``displayName`` values as Okta pushes them (Okta-only), carrying ``marker``.

    Free text like :func:`~.users.profile_texts` (any script, emoji, NFC, no
    control characters, no whitespace at the ends) before and after the marker,
    1 to ``max_size`` characters in all. No ``"`` or ``\\``: these names go into
    ``displayName eq "<name>"`` lookups and Okta's escaping of them there is
    unknown. Draw several with ``unique_by=collision_key`` (``displayName`` is
    unique and caseExact=false).

    ``marker`` may be a :class:`~.names.Marker` slot, read at draw time: the text
    around it is then sized for the longest marker.

    Shrinks toward the marker alone.
    """
    longest = len(check_marker(marker)) if isinstance(marker, str) else MARKER_MAX
    if max_size < longest + 4:
        raise InvalidArgument(f"max_size={max_size!r} must be at least len(marker) + 4 = {longest + 4}")
    side = st.none() | free_texts(max_size=(max_size - longest - 2) // 2, exclude='"\\')
    return st.builds(
        lambda before, mark, after: " ".join(part for part in (before, mark, after) if part),
        side,
        markers(marker),
        side,
    )


def _group_body(display_name: str) -> Json:
    return {"schemas": [GROUP_SCHEMA], "displayName": display_name, "members": []}


def okta_groups(*, marker: str | Marker) -> st.SearchStrategy[Json]:
    """``POST /Groups`` bodies exactly as Okta sends them (Okta-only; okta-requests.md §8).

    ``{"schemas": [Group], "displayName": <group_names()>, "members": []}``.
    Shrinks toward the marker as the name.
    """
    return st.builds(_group_body, group_names(marker=marker))


def member_sets(
    ids: Sequence[str] | Slot[Sequence[str]], *, max_size: int | None = None
) -> st.SearchStrategy[frozenset[str]]:
    """Sets of member ids drawn from ``ids`` (Okta-only when ``ids`` are users of the target).

    ``ids`` may be a :class:`~.names.Slot`, read at draw time (the strategy is then
    built once for every example): positions are drawn, and name its ids.

    Shrinks toward the empty set, then toward the first ids.
    """
    if isinstance(ids, Slot):
        return st.builds(_members_at, values(ids), st.frozensets(_POSITIONS, max_size=max_size))
    if not ids:
        return st.just(frozenset())
    return st.frozensets(st.sampled_from(list(ids)), max_size=max_size)


_POSITIONS = st.integers(min_value=0, max_value=63)
"""A member's position among the ids (modulo their number)."""


def _members_at(ids: Sequence[str], positions: frozenset[int]) -> frozenset[str]:
    order = list(ids)
    return frozenset(order[i % len(order)] for i in positions) if order else frozenset()


def _member(displays: Mapping[str, str] | None, member_id: str) -> Json:
    return okta.member(member_id, None if displays is None else displays[member_id])


def _changes(
    profile: Profile,
    order: list[str],
    displays: Mapping[str, str] | None,
    initial: frozenset[str],
    steps: list[tuple[frozenset[str], str]],
) -> list[Json]:
    current, bodies = initial, list[Json]()
    for target, form in steps:
        members = [_member(displays, i) for i in order if i in target]
        if profile == "aiw":
            bodies.append({"schemas": [GROUP_SCHEMA], "members": members})
        elif form == "replace":
            bodies.append(okta.patch_body([okta.replace_members_operation(members)]))
        else:
            delta = [("remove", i) for i in order if i in current - target]
            delta += [("add", i) for i in order if i in target - current]
            for start in range(0, len(delta), OKTA_PATCH_CHUNK):
                chunk = delta[start : start + OKTA_PATCH_CHUNK]
                operations = [okta.remove_member_operation(i) for op, i in chunk if op == "remove"]
                added = [_member(displays, i) for op, i in chunk if op == "add"]
                if added:
                    operations.append(okta.add_members_operation(added))
                bodies.append(okta.patch_body(operations))
        current = target
    return bodies


def membership_changes(
    profile: Profile,
    ids: Mapping[str, str] | Sequence[str] | Slot[Mapping[str, str]],
    *,
    initial: frozenset[str] | Slot[frozenset[str]] = frozenset(),
    max_size: int = 5,
) -> st.SearchStrategy[list[Json]]:
    """Sequences of membership requests to one group, in ``profile``'s body shapes (Okta-only).

    Args:
        profile: ``"aiw"`` (full member lists, PUT) or ``"oin"`` (PatchOp bodies).
        ids: The member ids to draw from — a mapping of id to ``display`` (the
            user's ``userName``, which Okta sends with each member), or a plain
            sequence, whose members then carry ``value`` only.
        initial: The members the group starts with (``[]`` when Okta creates it).
        max_size: The most target member sets per sequence.

    The strategy draws up to ``max_size`` target member sets; each becomes what
    Okta sends to get there from the previous one. For ``oin`` a step is either
    the delta (removes, then one add; nothing when the set is unchanged, as Okta
    sends nothing) or a full ``replace``. Removals only name current members and
    additions only new ones, as Okta's own deltas do.

    ``ids`` and ``initial`` may be :class:`~.names.Slot` s, read at draw time (the
    strategy is then built once for every example; ``initial`` is checked there).

    Shrinks toward fewer steps, smaller member sets, and delta bodies.
    """
    checked = check_profile(profile)
    forms = st.sampled_from(("delta", "replace")) if checked == "oin" else st.just("put")
    if isinstance(ids, Slot) or isinstance(initial, Slot):
        steps = st.lists(st.tuples(st.frozensets(_POSITIONS), forms), max_size=max_size)
        return st.builds(partial(_changes_at, checked), values(ids), values(initial), steps)
    order = list(ids)
    displays = ids if isinstance(ids, Mapping) else None
    if not initial <= set(order):
        raise InvalidArgument(f"initial={set(initial)!r} must be a subset of ids")
    steps = st.lists(st.tuples(member_sets(order), forms), max_size=max_size)
    return steps.map(partial(_changes, checked, order, displays, frozenset(initial)))


def _changes_at(
    profile: Profile,
    ids: Mapping[str, str] | Sequence[str],
    initial: frozenset[str],
    steps: list[tuple[frozenset[int], str]],
) -> list[Json]:
    """:func:`_changes` for member sets drawn as positions among ``ids`` (known at draw time only)."""
    order = list(ids)
    if not initial <= set(order):
        raise InvalidArgument(f"initial={set(initial)!r} must be a subset of ids")
    displays = ids if isinstance(ids, Mapping) else None
    resolved = [(_members_at(order, positions), form) for positions, form in steps]
    return _changes(profile, order, displays, frozenset(initial), resolved)


def apply_membership_change(current: frozenset[str], change: Json) -> frozenset[str]:
    """The member ids after Okta's ``change`` to a group holding ``current`` (the oracle).

    ``change`` is a body from :func:`membership_changes`: a PUT body with
    ``members`` (the new list), or a PatchOp body of Okta's membership
    operations, applied in order. Raises ValueError for any other operation.
    """
    if "Operations" not in change:
        return frozenset(member["value"] for member in change.get("members", []))
    members = set(current)
    for operation in change["Operations"]:
        op, path = operation.get("op"), operation.get("path")
        removal = _REMOVE_PATH.fullmatch(path) if op == "remove" and isinstance(path, str) else None
        if removal is not None:
            members.discard(json.loads(removal.group(1)))
        elif op == "add" and path == "members":
            members |= {member["value"] for member in operation["value"]}
        elif op == "replace" and path == "members":
            members = {member["value"] for member in operation["value"]}
        else:
            raise ValueError(f"Not one of Okta's membership operations: {operation!r}")
    return frozenset(members)
