"""JSON pointers (RFC 6901): read one, or set several in a copy of a document."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any


def tokens(pointer: str) -> list[str]:
    """The reference tokens of ``pointer`` (``~1`` is ``/``, ``~0`` is ``~``); ``""``: the whole document."""
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]] if pointer else []


def resolve(document: Any, pointer: str) -> tuple[bool, Any]:
    """(found, value) of a JSON pointer in a document."""
    current = document
    for token in tokens(pointer):
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return False, None
    return True, current


def apply_set(document: Any, changes: Mapping[str, Any]) -> Any:
    """A copy of ``document`` with each pointer of ``changes`` set (missing objects on the way created)."""
    result = copy.deepcopy(document)
    for pointer, value in changes.items():
        *parents, last = tokens(pointer)
        current = result
        for token in parents:
            if isinstance(current, list):
                current = current[int(token)]
            else:
                current = current.setdefault(token, {})
        if isinstance(current, list):
            if last == "-":
                current.append(copy.deepcopy(value))
            else:
                current[int(last)] = copy.deepcopy(value)
        else:
            current[last] = copy.deepcopy(value)
    return result
