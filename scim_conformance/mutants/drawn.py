"""Faults that only drawn examples show: the property and stateful suites catch them.

Proven under ``--hypothesis-profile ci`` (tests/test_properties_sensitivity.py,
tests/test_stateful_faults.py); bench/sensitivity.py measures how often a random
seed finds each.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Scope

from ..server import filtering
from ..server.app import create_app
from ..server.config import Realm, ServiceAccount
from ..server.store import GROUP, Store
from ..spec import Json
from .middleware import (
    on_body,
    on_request,
)
from .registry import mutant

# -- property faults (suites/test_properties.py, proven under --hypothesis-profile ci) --
#
# Subtle faults that a fixed example misses: each shows only for some of the values
# Okta can send, which the property suite draws (tests/test_properties_sensitivity.py).


@mutant(catches=("properties.lookup-exact",))
def lookup_prefix(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Answers ``userName eq "v"`` with every user whose login starts with v, as ``LIKE 'v%'`` would.

    Breaks CONTRACT §4 "an eq filter is an exact match, never a prefix" (okta): a lookup
    finds two users only when one login extends another, so only near-miss neighbours show it.
    """
    eq = re.compile(r'(?is)^\s*userName\s+eq\s+(".*")\s*$')

    def as_prefix(scope: Scope) -> Scope:
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        changed = [(k, eq.sub(r"userName sw \1", v) if k == "filter" else v) for k, v in query]
        return {**scope, "query_string": urlencode(changed).encode("latin-1")}

    return on_request(create_app(realms=realms, accounts=accounts), as_prefix)


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


@mutant(catches=("properties.round-trip", "properties.put-round-trip"))
def unicode_folded(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Stores text folded as a search collation would: NFKC, combining marks stripped ("Zoë" → "Zoe").

    Breaks CONTRACT §4 "stored values round-trip exactly, Unicode included" (okta); ASCII
    names, and most fixed examples, come back intact.
    """
    return create_app(realms=realms, accounts=accounts, store=_FoldingStore())


class _RenameDropsMembersStore(Store):
    """The reference store, re-creating a group's membership empty when its name changes."""

    def replace(self, realm: str, kind: str, rid: str, resource: Json) -> Json:
        with self.lock:
            current = self._current(realm, kind, rid)
            if kind == GROUP and resource.get("displayName") != current.get("displayName"):
                resource = {**resource, "members": []}
            return super().replace(realm, kind, rid, resource)


@mutant(catches=("properties.membership",))
def rename_drops_members(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Empties a group whenever its ``displayName`` changes (PUT or PATCH), keeping the new name.

    Breaks CONTRACT §4 "after any membership request the group lists exactly the intended
    members" (okta): Okta sends its group name update with every membership push.
    """
    return create_app(realms=realms, accounts=accounts, store=_RenameDropsMembersStore())


@mutant(catches=("properties.membership",))
def patch_remove_unfiltered(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Ignores the filter of a PATCH ``remove`` path: ``members[value eq "<id>"]`` removes every member.

    Breaks RFC 7644 §3.5.2.2 / CONTRACT §2 (okta-oin membership removal): unassigning one
    user in Okta empties the group (okta). AIW apps, which PUT the member list, are unaffected.
    """

    def unfiltered(scope: Scope, body: Any) -> Any:
        operations = body.get("Operations") if isinstance(body, dict) else None
        for operation in operations if scope["method"] == "PATCH" and isinstance(operations, list) else []:
            path = operation.get("path") if isinstance(operation, dict) else None
            if isinstance(path, str) and operation.get("op") == "remove":
                operation["path"] = path.split("[", 1)[0]
        return body

    return on_body(create_app(realms=realms, accounts=accounts), unfiltered)


class _OffByOneStore(Store):
    """The reference store, paging the plain listing from ``startIndex`` as a 0-based offset."""

    def query(
        self, realm: str, kind: str, flt: filtering.Filter | None, start: int, count: int
    ) -> tuple[int, list[Json]]:
        # Filtered lookups page right: only an import (no filter) is off by one.
        return super().query(realm, kind, flt, start + 1 if flt is None else start, count)


@mutant(catches=("properties.pagination",))
def paging_off_by_one(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Pages the plain listings from ``startIndex`` counted from 0: the first resource is never listed.

    Breaks RFC 7644 §3.4.2.4 "startIndex is 1-based" / okta-requests.md §9 (okta): an Okta
    import misses a user. Counters are right (startIndex echoed, totalResults exact), so only
    tiling the pages shows it.
    """
    return create_app(realms=realms, accounts=accounts, store=_OffByOneStore())
