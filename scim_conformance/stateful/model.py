"""The plain model the target is compared with: what Okta's requests so far should have left."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from ..spec import Json
from ..strategies import collision_key

USER_KEYS: Final = ("userName", "name", "emails", "displayName", "locale", "externalId")
"""The user attributes Okta sends and the model keeps, as last sent (okta-requests.md §4, §6).

The invariant compares the stored ones (CONTRACT §4, ``checks/stored.json``) at okta, and
the others only where the provider's ``/Schemas`` claims them, at rfc: a provider may
drop ``locale`` or derive ``displayName``."""


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
