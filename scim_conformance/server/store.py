"""Realm-scoped storage of Users and Groups, with the indexes Okta's requests need.

Each resource is kept as its compact JSON text (about 0.5 KB for an Okta user)
rather than as nested dicts (about 3 KB): memory per stored user is a target of
the project. ``userName``/``displayName``/``externalId``/``id`` lookups go
through dict indexes, so Okta's ``userName eq`` lookup is O(1) whatever the size.

Every public method takes the store's lock: the served server runs one event
loop, but in-process clients may drive the same app from several threads, and
uniqueness must hold under concurrent creates either way.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Protocol

from ..spec import Json
from . import definitions, filtering
from .errors import ScimError, invalid_value, not_found, uniqueness

USER = "User"
GROUP = "Group"

# The attributes whose values are unique per resource type, and whether the
# comparison ignores case (RFC 7643 caseExact: userName and displayName are
# case-insensitive, externalId is case-sensitive).
_UNIQUE: dict[str, tuple[tuple[str, str, bool], ...]] = {
    USER: (("username", "userName", True), ("externalid", "externalId", False)),
    GROUP: (("displayname", "displayName", True), ("externalid", "externalId", False)),
}


class Journal(Protocol):
    """Where acknowledged writes go before the response is sent (see ``persistence.py``)."""

    def write(self, puts: list[tuple[str, str, str, str]], deletes: list[tuple[str, str, str]]) -> None:
        """Durably apply ``puts`` (realm, type, id, json) and ``deletes`` (realm, type, id) at once."""

    def load(self) -> Iterator[tuple[str, str, str, str]]:
        """Every stored row, in creation order."""
        ...


def _dumps(resource: Json) -> str:
    return json.dumps(resource, ensure_ascii=False, separators=(",", ":"))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(slots=True)
class _Collection:
    rows: dict[str, str] = field(default_factory=dict)
    # index name -> normalised value -> id
    unique: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(slots=True)
class _Realm:
    users: _Collection = field(default_factory=_Collection)
    groups: _Collection = field(default_factory=_Collection)
    # member id (user or group) -> ids of the groups listing it, for the
    # users' read-only ``groups`` attribute (RFC 7643 §4.1.2).
    member_of: dict[str, set[str]] = field(default_factory=dict)
    group_names: dict[str, str] = field(default_factory=dict)

    def collection(self, kind: str) -> _Collection:
        return self.users if kind == USER else self.groups


def _keys(kind: str, resource: Json) -> Iterator[tuple[str, str, str]]:
    """(index, normalised key, attribute name) for each unique attribute the resource sets."""
    for index, attr, fold in _UNIQUE[kind]:
        value = resource.get(attr)
        if isinstance(value, str):
            yield index, value.lower() if fold else value, attr


class Store:
    """In-memory storage of several realms, optionally written through to a journal."""

    def __init__(self, journal: Journal | None = None) -> None:
        self.lock = threading.RLock()
        self._realms: dict[str, _Realm] = {}
        self._journal = journal
        if journal is not None:
            for realm, kind, rid, text in journal.load():
                self._load_row(realm, kind, rid, text)

    # -- reading ---------------------------------------------------------------

    def get(self, realm: str, kind: str, rid: str) -> Json | None:
        """The resource as stored plus, for users, the derived ``groups``; None when unknown."""
        with self.lock:
            data = self._realms.get(realm)
            text = data.collection(kind).rows.get(rid) if data is not None else None
            if data is None or text is None:
                return None
            resource: Json = json.loads(text)
            if kind == USER:
                self._add_groups(data, resource)
            return resource

    def query(
        self, realm: str, kind: str, flt: filtering.Filter | None, start: int, count: int
    ) -> tuple[int, list[Json]]:
        """(total matches, the page) for a 1-based ``start`` and a ``count``, in creation order."""
        rt = definitions.resource_types()[kind]
        with self.lock:
            data = self._realms.get(realm)
            if data is None:
                return 0, []
            coll = data.collection(kind)
            texts: Iterator[str]
            if flt is None:
                total = len(coll.rows)
                # Clamped to the collection: islice refuses bounds above sys.maxsize, and a
                # client may send any integer as startIndex or count.
                first = min(start - 1, total)
                texts = islice(coll.rows.values(), first, min(first + count, total))
                page = [json.loads(t) for t in texts]
            else:
                matched = [r for r in self._candidates(coll, flt) if filtering.matches(flt, r, rt)]
                total = len(matched)
                page = matched[start - 1 : start - 1 + count]
            if kind == USER:
                for resource in page:
                    self._add_groups(data, resource)
            return total, page

    def _candidates(self, coll: _Collection, flt: filtering.Filter) -> Iterator[Json]:
        key = filtering.index_key(flt)
        if key is None:
            return (json.loads(t) for t in coll.rows.values())
        index, value = key
        if index == "id":
            rid: str | None = value
        elif index in coll.unique:
            fold = index in ("username", "displayname")
            rid = coll.unique[index].get(value.lower() if fold else value)
        else:
            return (json.loads(t) for t in coll.rows.values())
        text = coll.rows.get(rid) if rid is not None else None
        return iter([json.loads(text)] if text is not None else [])

    # -- writing ---------------------------------------------------------------

    def create(self, realm: str, kind: str, resource: Json) -> Json:
        """Store a validated resource under a new id; 409 uniqueness on a clash."""
        with self.lock:
            data = self._realms.setdefault(realm, _Realm())
            coll = data.collection(kind)
            self._check_unique(kind, coll, resource, None)
            rid = str(uuid.uuid4())
            now = _now()
            stored: Json = {
                "schemas": resource["schemas"],
                "id": rid,
                **{k: v for k, v in resource.items() if k not in ("schemas", "id", "meta")},
                "meta": {"resourceType": kind, "created": now, "lastModified": now},
            }
            row = self._stage(realm, data, kind, rid, stored)
            self._commit([row], [])
            self._apply(data, kind, rid, stored, None, row[3])
            return self.get(realm, kind, rid) or stored

    def replace(self, realm: str, kind: str, rid: str, resource: Json) -> Json:
        """Replace a resource's attributes, keeping its id and ``meta.created``; 404 when unknown."""
        with self.lock:
            current = self._current(realm, kind, rid)
            data = self._realms[realm]
            self._check_unique(kind, data.collection(kind), resource, rid)
            stored: Json = {
                "schemas": resource["schemas"],
                "id": rid,
                **{k: v for k, v in resource.items() if k not in ("schemas", "id", "meta")},
                "meta": {**current["meta"], "lastModified": _now()},
            }
            rows = [self._stage(realm, data, kind, rid, stored)]
            # Group members carry their display name (RFC 7643 §4.2): a renamed user
            # or group is renamed in the groups that list it, in the same write.
            renamed = self._renamed_in_groups(realm, data, kind, rid, current, stored)
            self._commit(rows + [row for _, _, _, row in renamed], [])
            self._apply(data, kind, rid, stored, current, rows[0][3])
            for gid, before, group, row in renamed:
                self._apply(data, GROUP, gid, group, before, row[3])
            return self.get(realm, kind, rid) or stored

    def update(self, realm: str, kind: str, rid: str, change: Callable[[Json], Json]) -> Json:
        """Read-modify-write under the lock: ``change`` maps the current resource to its new form."""
        with self.lock:
            return self.replace(realm, kind, rid, change(self._current(realm, kind, rid)))

    def delete_group(self, realm: str, rid: str) -> None:
        """Delete a group, dropping it from the groups that nest it; 404 when unknown."""
        with self.lock:
            current = self._current(realm, GROUP, rid)
            data = self._realms[realm]
            parents: list[tuple[str, Json, Json, str]] = []
            for parent_id in sorted(data.member_of.get(rid, ())):
                before: Json = json.loads(data.groups.rows[parent_id])
                parent = {**before, "members": [m for m in before.get("members", []) if m["value"] != rid]}
                parents.append(
                    (parent_id, before, parent, self._stage(realm, data, GROUP, parent_id, parent)[3])
                )
            self._commit([(realm, GROUP, pid, text) for pid, _, _, text in parents], [(realm, GROUP, rid)])
            for parent_id, before, parent, text in parents:
                self._apply(data, GROUP, parent_id, parent, before, text)
            self._unindex(data, GROUP, rid, current)
            del data.groups.rows[rid]
            data.member_of.pop(rid, None)

    # -- internals -------------------------------------------------------------

    def _current(self, realm: str, kind: str, rid: str) -> Json:
        data = self._realms.get(realm)
        text = data.collection(kind).rows.get(rid) if data is not None else None
        if text is None:
            raise not_found(f"{kind} {rid!r} not found")
        current: Json = json.loads(text)
        return current

    def _check_unique(self, kind: str, coll: _Collection, resource: Json, rid: str | None) -> None:
        for index, key, attr in _keys(kind, resource):
            owner = coll.unique.get(index, {}).get(key)
            if owner is not None and owner != rid:
                raise uniqueness(f"{attr} {resource[attr]!r} is already used by another {kind}")

    # A write is staged (validated, serialised), committed to the journal, and only
    # then applied in memory: when the journal fails, memory still matches the disk.

    def _stage(
        self, realm: str, data: _Realm, kind: str, rid: str, stored: Json
    ) -> tuple[str, str, str, str]:
        if kind == GROUP:
            self._resolve_members(data, rid, stored)
        return (realm, kind, rid, _dumps(stored))

    def _apply(
        self, data: _Realm, kind: str, rid: str, stored: Json, current: Json | None, text: str
    ) -> None:
        if current is not None:
            self._unindex(data, kind, rid, current)
        data.collection(kind).rows[rid] = text
        self._index(data, kind, rid, stored)

    def _renamed_in_groups(
        self, realm: str, data: _Realm, kind: str, rid: str, current: Json, stored: Json
    ) -> list[tuple[str, Json, Json, tuple[str, str, str, str]]]:
        attr = "userName" if kind == USER else "displayName"
        if current.get(attr) == stored.get(attr):
            return []
        renamed = []
        for gid in sorted(data.member_of.get(rid, ())):
            before: Json = json.loads(data.groups.rows[gid])
            members = [{**m, "display": stored[attr]} if m["value"] == rid else m for m in before["members"]]
            group = {**before, "members": members}
            renamed.append((gid, before, group, (realm, GROUP, gid, _dumps(group))))
        return renamed

    def _resolve_members(self, data: _Realm, gid: str, group: Json) -> None:
        """Check each member exists; store value, type and current display name (RFC 7643 §4.2)."""
        members: list[Json] = []
        seen: set[str] = set()
        for member in group.get("members", []):
            value = member["value"]
            if value in seen:
                continue
            seen.add(value)
            if value in data.users.rows:
                user = json.loads(data.users.rows[value])
                members.append({"value": value, "display": user["userName"], "type": USER})
            elif value in data.groups.rows and value != gid:
                members.append({"value": value, "display": data.group_names[value], "type": GROUP})
            else:
                raise invalid_value(
                    f"members: {value!r} is not the id of a user or another group of this realm"
                )
        if members:
            group["members"] = members
        else:
            group.pop("members", None)

    def _index(self, data: _Realm, kind: str, rid: str, resource: Json) -> None:
        coll = data.collection(kind)
        for index, key, _ in _keys(kind, resource):
            coll.unique.setdefault(index, {})[key] = rid
        if kind == GROUP:
            data.group_names[rid] = resource["displayName"]
            for member in resource.get("members", []):
                data.member_of.setdefault(member["value"], set()).add(rid)

    def _unindex(self, data: _Realm, kind: str, rid: str, resource: Json) -> None:
        coll = data.collection(kind)
        for index, key, _ in _keys(kind, resource):
            coll.unique.get(index, {}).pop(key, None)
        if kind == GROUP:
            data.group_names.pop(rid, None)
            for member in resource.get("members", []):
                groups = data.member_of.get(member["value"])
                if groups is not None:
                    groups.discard(rid)
                    if not groups:
                        del data.member_of[member["value"]]

    def _add_groups(self, data: _Realm, user: Json) -> None:
        gids = data.member_of.get(user["id"])
        if gids:
            user["groups"] = [
                {"value": gid, "display": data.group_names[gid], "type": "direct"} for gid in sorted(gids)
            ]

    def _commit(self, puts: list[tuple[str, str, str, str]], deletes: list[tuple[str, str, str]]) -> None:
        if self._journal is not None:
            self._journal.write(puts, deletes)

    def _load_row(self, realm: str, kind: str, rid: str, text: str) -> None:
        data = self._realms.setdefault(realm, _Realm())
        resource: Json = json.loads(text)
        data.collection(kind).rows[rid] = text
        self._index(data, kind, rid, resource)


__all__ = ["GROUP", "USER", "Journal", "ScimError", "Store"]
