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
