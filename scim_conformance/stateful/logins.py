"""Comparing what came back with the model, and showing values in a finding."""

from __future__ import annotations

import json
from typing import Any, Final

from ..probe import same_json
from ..strategies import OKTA_USER_NAME_MAX, collision_key, is_okta_user_name

MISSING: Final = object()
"""An attribute the response lacks (``None`` would be JSON null)."""


def show(value: Any, limit: int = 200) -> str:
    if value is MISSING:
        return "missing"
    text = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and not value.isascii():
        text += f" (= {json.dumps(value)})"  # mangled Unicode shows in the escapes
    return text if len(text) <= limit else text[:limit] + "…"


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` differs from ``expected``; keys that only ``actual`` has are allowed."""
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


def similar_login(original: str, *, longer: bool, taken: set[str]) -> str | None:
    """A free Okta login that extends ``original`` (``longer``) or that ``original`` extends.

    The neighbours a prefix-matching ``userName eq`` confuses (CONTRACT §4):
    ``ann@x.com`` next to ``ann@x.comm`` or ``ann@x.co``. The other direction is
    tried when one has no free valid login; None when neither has.
    """
    shorter = [original[:-1]]
    extended = [original + "m" * n for n in range(1, 4)]
    for name in (extended + shorter) if longer else (shorter + extended):
        if len(name) <= OKTA_USER_NAME_MAX and is_okta_user_name(name) and collision_key(name) not in taken:
            return name
    return None


def values_of(items: Any) -> set[str]:
    """The ``value`` of each object of a multi-valued attribute (``members``, ``groups``)."""
    return {str(i.get("value")) for i in items if isinstance(i, dict)} if isinstance(items, list) else set()
