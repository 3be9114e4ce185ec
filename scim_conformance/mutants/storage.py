"""Storage that does not keep what Okta sent: text altered on the way in, or uniqueness not enforced."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp

from ..server.app import create_app
from ..server.config import Realm, ServiceAccount
from ..server.store import Store
from ..spec import Json
from .registry import mutant


def _folded(node: Any) -> Any:
    """Strings NFKC-normalised without combining marks ("Zoë" → "Zoe", "ﬁ" → "fi"), recursively."""
    if isinstance(node, str):
        kept = "".join(c for c in unicodedata.normalize("NFKD", node) if not unicodedata.combining(c))
        return unicodedata.normalize("NFC", kept)
    if isinstance(node, list):
        return [_folded(n) for n in node]
    if isinstance(node, dict):
        return {k: _folded(v) for k, v in node.items()}
    return node


class _FoldingStore(Store):
    """The reference store, keeping every string accent- and compatibility-folded."""

    def create(self, realm: str, kind: str, resource: Json) -> Json:
        return super().create(realm, kind, _folded(resource))

    def replace(self, realm: str, kind: str, rid: str, resource: Json) -> Json:
        return super().replace(realm, kind, rid, _folded(resource))


@mutant(catches=("properties.round-trip", "properties.put-round-trip", "stateful.model"))
def unicode_folded(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Stores text folded as a search collation would: NFKC, combining marks stripped ("Zoë" → "Zoe").

    Breaks CONTRACT §4 "stored values round-trip exactly, Unicode included" (okta); ASCII
    names, and most fixed examples, come back intact.
    """
    return create_app(realms=realms, accounts=accounts, store=_FoldingStore())


class _NoUniquenessStore(Store):
    """The reference store, never refusing a clash of unique attributes."""

    def _check_unique(self, *args: Any) -> None:
        pass


@mutant(catches=("user-lifecycle.create-duplicate", "requirements.uniqueness"))
def duplicates_accepted(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Stores a second user with the same ``userName`` (or a group with the same name) instead of 409.

    Breaks RFC 7644 §3.3 / CONTRACT §4 "a duplicate gets 409 uniqueness" (okta: Okta
    duplicates the user instead of linking it).
    """
    return create_app(realms=realms, accounts=accounts, store=_NoUniquenessStore())


def _flat(value: object) -> object:
    return value.encode("ascii", "ignore").decode().lower() if isinstance(value, str) else value


def _flattened(resource: Json) -> Json:
    """The names a person types (userName, name parts, displayName, email values) in lower-case ASCII."""
    flat = {k: _flat(v) if k in ("userName", "displayName") else v for k, v in resource.items()}
    if isinstance(name := flat.get("name"), dict):
        flat["name"] = {k: _flat(v) for k, v in name.items()}
    if isinstance(emails := flat.get("emails"), list):
        flat["emails"] = [{**e, "value": _flat(e.get("value"))} if isinstance(e, dict) else e for e in emails]
    return flat


class _FlatteningStore(Store):
    """The reference store, keeping the names a person types in lower-case ASCII."""

    def create(self, realm: str, kind: str, resource: Json) -> Json:
        return super().create(realm, kind, _flattened(resource))

    def replace(self, realm: str, kind: str, rid: str, resource: Json) -> Json:
        return super().replace(realm, kind, rid, _flattened(resource))


@mutant(
    catches=(
        "properties.round-trip",
        "properties.put-round-trip",
        "properties.lookup-exact",
        "properties.deactivation",
        "stateful.model",
    )
)
def names_flattened(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Stores names as a naive search index would: lower case, non-ASCII letters dropped ("Zoë" → "zo").

    The fault ``bench/verdict.py`` times a verdict against: it breaks most properties at
    once. Breaks CONTRACT §4 "stored values round-trip exactly, Unicode included" (okta) on
    every userName, name, displayName and email Okta sends with a capital or an accent:
    round trips, profile updates, lookups of accented logins, deactivated users'
    lookups and the state machine all fail (a lookup in another case too: rfc), and so
    do the catalogue's user and group pushes (their names have capitals).
    """
    return create_app(realms=realms, accounts=accounts, store=_FlatteningStore())
