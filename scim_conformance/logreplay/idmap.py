"""Ids the recorded answers returned, mapped to the ids the target returned for the same request.

A create's ``id`` maps to the new create's ``id``; a resource fetched or listed
maps by position within the same answer when both answers list the same
userNames/displayNames in the same order. Later requests are rewritten with the
map: an id is replaced where it stands as a whole token (a path segment, inside
``members[value eq "…"]``, a JSON string), never inside a longer word.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["IdMap"]


def _resources(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        return []
    if isinstance(body.get("Resources"), list):
        return [r for r in body["Resources"] if isinstance(r, dict)]
    return [body] if "id" in body else []


def _name(resource: dict[str, Any]) -> Any:
    return resource.get("userName", resource.get("displayName"))


class IdMap:
    """Recorded id → new id, learnt answer by answer."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None

    def learn(self, recorded: Any, new: Any) -> None:
        """Map the ids of a recorded answer's resources to those of the new answer's."""
        old_list, new_list = _resources(recorded), _resources(new)
        if len(old_list) != len(new_list):
            return
        for old, made in zip(old_list, new_list, strict=True):
            old_id, new_id = old.get("id"), made.get("id")
            if isinstance(old_id, str) and isinstance(new_id, str) and old_id and _name(old) == _name(made):
                if self.ids.get(old_id) != new_id:
                    self.ids[old_id] = new_id
                    self._pattern = None

    def rewrite(self, text: str) -> str:
        """``text`` with every mapped id replaced, where it stands as a whole token."""
        if not self.ids:
            return text
        if self._pattern is None:
            alternatives = "|".join(re.escape(i) for i in sorted(self.ids, key=len, reverse=True))
            self._pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")
        return self._pattern.sub(lambda m: self.ids[m.group(0)], text)

    def new_ids(self) -> set[str]:
        return set(self.ids.values())
