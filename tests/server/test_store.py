"""Store semantics below the HTTP layer: write ordering against the journal, derived names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scim_conformance.server.store import GROUP, USER, Store
from scim_conformance.spec import GROUP_SCHEMA, USER_SCHEMA

REALM = "realm"


def user(name: str) -> dict[str, object]:
    return {"schemas": [USER_SCHEMA], "userName": name, "active": True}


def group(name: str, *members: str) -> dict[str, object]:
    return {"schemas": [GROUP_SCHEMA], "displayName": name, "members": [{"value": m} for m in members]}


class FailingJournal:
    """A journal whose disk is full after ``allowed`` writes."""

    def __init__(self, allowed: int) -> None:
        self.allowed = allowed

    def write(self, puts: object, deletes: object) -> None:
        if self.allowed == 0:
            raise OSError(28, "No space left on device")
        self.allowed -= 1

    def load(self) -> Iterator[tuple[str, str, str, str]]:
        return iter(())


def test_a_failed_journal_write_changes_nothing_in_memory() -> None:
    store = Store(FailingJournal(allowed=2))
    alice = store.create(REALM, USER, user("alice@example.com"))
    team = store.create(REALM, GROUP, group("Team", alice["id"]))
    with pytest.raises(OSError):
        store.create(REALM, USER, user("bob@example.com"))
    with pytest.raises(OSError):
        store.replace(REALM, USER, alice["id"], user("alice2@example.com"))
    with pytest.raises(OSError):
        store.delete_group(REALM, team["id"])
    # Nothing of the failed writes is visible, and the indexes were not touched.
    assert store.query(REALM, USER, None, 1, 10)[0] == 1
    assert store.get(REALM, USER, alice["id"])["userName"] == "alice@example.com"
    assert store.get(REALM, GROUP, team["id"]) is not None
    store._journal = None  # the disk has room again
    assert store.create(REALM, USER, user("bob@example.com"))["userName"] == "bob@example.com"


def test_renaming_a_member_renames_it_in_its_groups() -> None:
    store = Store()
    alice = store.create(REALM, USER, user("alice@example.com"))
    inner = store.create(REALM, GROUP, group("Inner", alice["id"]))
    outer = store.create(REALM, GROUP, group("Outer", alice["id"], inner["id"]))
    store.replace(REALM, USER, alice["id"], user("alice.smith@example.com"))
    store.replace(REALM, GROUP, inner["id"], group("Inner renamed", alice["id"]))
    members = {m["value"]: m["display"] for m in store.get(REALM, GROUP, outer["id"])["members"]}
    assert members == {alice["id"]: "alice.smith@example.com", inner["id"]: "Inner renamed"}
    groups = {g["value"]: g["display"] for g in store.get(REALM, USER, alice["id"])["groups"]}
    assert groups == {inner["id"]: "Inner renamed", outer["id"]: "Outer"}
