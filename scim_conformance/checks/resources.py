"""Checks on resources: one against what Okta sent, a group's members, a lookup's hits."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Final

from ..core.text import shorten
from .responses import same_json
from .verdict import Verdict

MISSING: Final = object()
"""An attribute the response lacks (``None`` would be JSON null)."""


def show(value: Any, limit: int = 200) -> str:
    """A JSON value as sent, plus its escaped form when it holds non-ASCII (mangled Unicode shows)."""
    if value is MISSING:
        return "missing"
    text = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and not value.isascii():
        text += f" (= {json.dumps(value)})"
    return shorten(text, limit)


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` differs from ``expected``, as JSON pointers; keys only ``actual`` has are allowed.

    Objects compare key by key (a provider may add attributes, e.g. an email's
    ``display``); arrays item by item, in order; values as JSON (``true`` is not
    ``1``) and strings by code point, so NFC vs NFD or a folded case shows.
    """
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path or '/'}: {show(actual)}, not an object"]
        return [d for k, v in expected.items() for d in differences(v, actual.get(k, MISSING), f"{path}/{k}")]
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: {show(actual)} instead of {show(expected)}"]
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in differences(e, a, f"{path}/{i}")
        ]
    if actual is MISSING or not same_json(expected, actual):
        return [f"{path}: {show(actual)} instead of {show(expected)}"]
    return []


def values_of(items: Any) -> set[str]:
    """The ``value`` of each object of a multi-valued attribute (``members``, ``groups``), as strings."""
    return {str(i.get("value")) for i in items if isinstance(i, dict)} if isinstance(items, list) else set()


def member_ids(group: Any) -> list[Any]:
    """The ``value`` of each of a group's ``members``, in the order listed (duplicates kept)."""
    members = group.get("members") if isinstance(group, dict) else None
    return [
        m.get("value") if isinstance(m, dict) else m for m in (members if isinstance(members, list) else [])
    ]


def members(group: Any, expected: Iterable[str], *, name: Any = str) -> Verdict:
    """The group lists exactly the ``expected`` member ids, each once (CONTRACT §4, Group members)."""
    listed = member_ids(group)
    wanted = sorted(expected)

    def shown(ids: Iterable[Any]) -> str:
        return "[" + ", ".join(name(i) for i in ids) + "]"

    return Verdict(
        sorted(map(str, listed)) == wanted,
        f"the group lists members {shown(listed)}",
        f"members {shown(wanted)}",
        f"members {shown(listed)}",
    )


def listed_ids(body: Any) -> list[Any]:
    """The ``id`` of each resource of a ListResponse, in order (None for a non-object)."""
    resources = body.get("Resources") if isinstance(body, dict) else None
    return [
        r.get("id") if isinstance(r, dict) else None
        for r in (resources if isinstance(resources, list) else [])
    ]
