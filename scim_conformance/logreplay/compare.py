"""What differs between a recorded answer and the target's, volatile fields aside.

Ignored: ``meta.created``, ``meta.lastModified`` and ``meta.version`` (times and
versions of this target), the scheme, host and SCIM root of ``meta.location``
(another server), ids already mapped (:mod:`.idmap`: the recorded id is rewritten to the
new one before comparing), and a SCIM Error's ``detail`` (free text each server
words its own way; ``status`` and ``scimType`` carry the meaning).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from ..core.text import shorten
from ..spec import ERROR
from .idmap import IdMap
from .records import relative_path

__all__ = ["differences"]

_VOLATILE_META = ("created", "lastModified", "version")


def _parsed(text: str | None) -> tuple[bool, Any]:
    if text is None:
        return True, None
    try:
        return True, json.loads(text)
    except ValueError:
        return False, text


def _normal(value: Any) -> Any:
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _normal(v) for k, v in value.items()}
    if ERROR in (out.get("schemas") or ()):
        out.pop("detail", None)
    meta = out.get("meta")
    if isinstance(meta, dict):
        meta = {k: v for k, v in meta.items() if k not in _VOLATILE_META}
        if isinstance(meta.get("location"), str):
            parts = urlsplit(meta["location"])
            meta["location"] = relative_path(parts.path)
        out["meta"] = meta
    return out


def _walk(old: Any, new: Any, pointer: str, found: list[str]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            _walk(old.get(key, _MISSING), new.get(key, _MISSING), f"{pointer}/{key}", found)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            _walk(a, b, f"{pointer}/{index}", found)
    elif old != new:
        found.append(f"{pointer or '/'}: {_shown(old)} → {_shown(new)}")


class _Missing:
    def __repr__(self) -> str:
        return "(absent)"


_MISSING = _Missing()


def _shown(value: Any) -> str:
    if value is _MISSING:
        return "(absent)"
    return shorten(json.dumps(value, ensure_ascii=False), 120)


def differences(
    recorded_status: int | None,
    recorded_body: str | None,
    status: int,
    body: str | None,
    ids: IdMap,
) -> list[str]:
    """One line per difference: the status, then each JSON pointer whose value differs."""
    found = [] if recorded_status in (None, status) else [f"status: {recorded_status} → {status}"]
    if recorded_status is None:
        return found  # nothing was recorded to compare the body with
    old_json, old = _parsed(ids.rewrite(recorded_body) if recorded_body is not None else None)
    new_json, new = _parsed(body)
    if not (old_json and new_json):
        if old != new:
            found.append(f"body: {_shown(old)} → {_shown(new)}")
        return found
    _walk(_normal(old), _normal(new), "", found)
    return found
