"""What a provider must store (CONTRACT §4), as the table ``stored.json``, and the two checks on it.

:func:`stored_differences` compares only the table's attributes — ``userName``,
``externalId``, ``name.givenName``, ``name.familyName``, the primary ``emails``
value, ``active`` (and for groups ``displayName`` and the members): each must
come back exactly as Okta last sent it, so every difference is an ``okta``
finding, and each line says how the value changed (lost, truncated,
case-folded, normalised, changed) and which Okta behaviour that breaks.

:func:`claimed_differences` compares every other attribute Okta sent, but only
those the provider's own ``/Schemas`` claims (:class:`~scim_conformance.claims.Claims`)
and only when it returns a *different non-empty* value: dropping or deriving
them is allowed (``displayName`` from the name, as Zentral does), corrupting one
the provider says it stores is ``rfc``.

Values compare as JSON and strings by code point, so NFC vs NFD, a folded case
or a stripped accent shows. Attribute names are looked up case-insensitively in
what came back (RFC 7643 §2.1).
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

from ..claims import Claims
from ..errors import HarnessError
from .resources import MISSING, show
from .responses import same_json

__all__ = [
    "StoredAttribute",
    "claimed_differences",
    "is_stored",
    "stored_attributes",
    "stored_differences",
    "stored_source",
    "stored_values",
]

# Never compared: the provider's own (id, meta), the envelope (schemas), write-only (password).
_NOT_ATTRIBUTES: Final = frozenset({"schemas", "id", "meta", "password"})


@dataclass(frozen=True, slots=True)
class StoredAttribute:
    """One attribute a provider must store, as the table names it."""

    path: str
    """SCIM attribute path as in ``/Schemas``: ``userName``, ``name.givenName``, ``emails.value``."""
    item: str | None
    """Of a multi-valued attribute: ``primary`` (that item's sub-attribute) or ``all`` (every item's)."""
    source: str
    """Where the contract says it is stored (``CONTRACT §4``)."""
    breaks: str
    """The Okta behaviour that breaks when it does not round-trip, citing okta-requests.md."""

    @property
    def label(self) -> str:
        return f"{self.path} (primary item)" if self.item == "primary" else self.path


@functools.cache
def _table() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("stored.json").read_text(encoding="utf-8")
    table: dict[str, Any] = json.loads(text)
    for name, resource in table["resources"].items():
        for attribute in resource["attributes"]:
            # An attribute or one sub-attribute (RFC 7643 §2.3.8: no deeper nesting).
            depth = attribute["path"].count(".")
            if attribute.get("item") not in (None, "primary", "all") or depth > 1:
                raise HarnessError(f"stored.json: {name} {attribute['path']}: not an entry this module reads")
    return table


def stored_source() -> str:
    """The contract section the table transcribes, for a finding's requirement line."""
    return str(_table()["source"])


@functools.cache
def stored_attributes(resource: str = "User") -> tuple[StoredAttribute, ...]:
    """The attributes of ``resource`` (``User`` or ``Group``) a provider must store, in table order."""
    entries = _table()["resources"][resource]["attributes"]
    return tuple(StoredAttribute(e["path"], e.get("item"), e["source"], e["breaks"]) for e in entries)


def is_stored(path: str, resource: str = "User") -> bool:
    """Whether the attribute ``path`` (any case) is in the table, for some item or all."""
    return any(a.path.lower() == path.lower() for a in stored_attributes(resource))


# -- reading values ------------------------------------------------------------


def _get(node: Any, key: str) -> Any:
    """``node[key]``, the key matched case-insensitively (RFC 7643 §2.1); MISSING when absent."""
    if not isinstance(node, dict):
        return MISSING
    if key in node:
        return node[key]
    lowered = key.lower()
    return next((v for k, v in node.items() if isinstance(k, str) and k.lower() == lowered), MISSING)


def _primary(items: Any) -> Any:
    """The item marked ``"primary": true``, else the first (a provider keeping one email may not mark it)."""
    objects = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    return next((i for i in objects if i.get("primary") is True), objects[0] if objects else MISSING)


def _value(resource: Any, attribute: StoredAttribute) -> Any:
    head, _, sub = attribute.path.partition(".")
    node = _get(resource, head)
    if attribute.item == "all":
        if not isinstance(node, list):
            return MISSING if node is MISSING else node
        return sorted(str(_get(i, sub)) for i in node if isinstance(i, dict))
    if attribute.item == "primary":
        node = _primary(node)
    return _get(node, sub) if sub else node


def _folded(text: str) -> str:
    kept = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(kept.casefold().split())


def _how(sent: Any, got: Any) -> str:
    """How a stored value changed, in the contract's words (CONTRACT §4)."""
    if got is MISSING or got is None or got == "":
        return "lost"
    if isinstance(sent, str) and isinstance(got, str):
        if sent.startswith(got):
            return "truncated"
        if got.casefold() == sent.casefold():
            return "case-folded"
        if _folded(got) == _folded(sent):
            return "normalised"
    return "changed"


def stored_values(resource_json: Any, *, resource: str = "User") -> dict[str, Any]:
    """The stored attributes (CONTRACT §4) ``resource_json`` holds, by label, for a finding's words."""
    values = {a.label: _value(resource_json, a) for a in stored_attributes(resource)}
    return {label: value for label, value in values.items() if value is not MISSING}


def stored_differences(sent: Any, got: Any, *, resource: str = "User") -> list[str]:
    """Each stored attribute (CONTRACT §4) Okta sent that ``got`` does not return exactly: okta findings.

    One line per attribute: its path, how it changed, what came back and what
    was sent, and the Okta behaviour that breaks. Attributes Okta did not send
    are not compared.
    """
    lines = []
    for attribute in stored_attributes(resource):
        wanted = _value(sent, attribute)
        if wanted is MISSING or wanted is None:
            continue
        found = _value(got, attribute)
        if found is not MISSING and same_json(wanted, found):
            continue
        lines.append(
            f"{attribute.label} {_how(wanted, found)}: {show(found)} instead of {show(wanted)} "
            f"— {attribute.breaks}"
        )
    return lines


# -- claimed attributes --------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is MISSING or value is None or value == "" or value == [] or value == {}


def _pairs(sent: list[Any], got: Any) -> Iterator[tuple[str, Any, Any]]:
    """Sent items of a multi-valued attribute with what came back for each: (which, sent, got).

    The primary item (``which`` is ``primary``) pairs with the primary one
    returned (:func:`_primary`); the others (``1``, ``2``, …) by their order
    among the rest.
    """
    sent_items = [i for i in sent if isinstance(i, dict)]
    primary = next((i for i in sent_items if i.get("primary") is True), None)
    got_primary = _primary(got) if primary is not None else MISSING
    rest = [i for i in (got if isinstance(got, list) else []) if isinstance(i, dict) and i is not got_primary]
    others = [i for i in sent_items if i is not primary]
    if primary is not None:
        yield "primary", primary, got_primary
    for index, item in enumerate(others):
        yield str(index + 1), item, rest[index] if index < len(rest) else MISSING


@dataclass(frozen=True, slots=True)
class _Walk:
    claims: Claims
    resource: str

    def leaf(self, schema: str, path: str, which: str, sent: Any, got: Any) -> Iterator[str]:
        if sent is None or _empty(got) or same_json(sent, got):
            return
        stored = [a for a in stored_attributes(self.resource) if a.path.lower() == path.lower()]
        if any(a.item is None or a.item == "all" or which == a.item for a in stored):
            return  # judged by stored_differences, at okta
        if self.claims.claims(path, schema):
            shown = {"": path, "primary": f"{path} (primary item)"}.get(which, f"{path} (item {which})")
            yield f"{shown}: {show(got)} instead of {show(sent)} (/Schemas claims {path})"

    def attribute(self, schema: str, name: str, sent: Any, got: Any) -> Iterator[str]:
        if isinstance(sent, dict):
            for sub, value in sent.items():
                yield from self.leaf(schema, f"{name}.{sub}", "", value, _get(got, sub))
        elif isinstance(sent, list) and sent and all(isinstance(i, dict) for i in sent):
            for which, item, returned in _pairs(sent, got):
                for sub, value in item.items():
                    yield from self.leaf(schema, f"{name}.{sub}", which, value, _get(returned, sub))
        else:
            yield from self.leaf(schema, name, "", sent, got)


def claimed_differences(sent: Any, got: Any, claims: Claims, *, resource: str = "User") -> list[str]:
    """Attributes Okta sent, outside the stored table, that the provider claims and returns changed: rfc.

    Only an attribute the provider's ``/Schemas`` claims (``claims``) and that
    comes back with a *different non-empty* value is a difference; one dropped
    or never claimed is none (CONTRACT §4). ``id``, ``meta``, ``schemas`` and
    ``password`` are never compared; an extension's attributes (a ``urn:…`` key)
    are looked up in that extension's schema.
    """
    if not isinstance(sent, dict) or not claims:
        return []
    walk = _Walk(claims, resource)
    schema = str(_table()["resources"][resource]["schema"])
    lines: list[str] = []
    for key, value in sent.items():
        if key.lower() in _NOT_ATTRIBUTES:
            continue
        returned = _get(got, key)
        if key.lower().startswith("urn:") and isinstance(value, dict):
            for name, inner in value.items():
                lines += walk.attribute(key, name, inner, _get(returned, name))
        else:
            lines += walk.attribute(schema, key, value, returned)
    return lines
