"""The catalogue's tests on a JSON pointer, as a registry: test name → check function.

A catalogue expectation names one of these (``{"pointer": "/active", "equals":
false}``); the loader refuses a name the registry lacks, so an unknown test is
an error at load time, never a silent fall-through. Each test gets the pointer,
what it resolved to, the whole body, its argument (placeholders rendered) and
:class:`Labels` to show captured ids by name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

from ..core.pointers import resolve
from .resources import show
from .responses import same_json
from .verdict import Verdict


@dataclass(frozen=True, slots=True)
class Labels:
    """Shows captured ids with their names (``$user1Id (5ad7…)``): ids alone are unreadable."""

    captures: dict[str, Any]

    def label(self, value: Any) -> str:
        for name, captured in self.captures.items():
            if captured == value:
                return f"${name} ({value})"
        return str(value)

    def name(self, value: Any) -> str:
        return next((f"${n}" for n, captured in self.captures.items() if captured == value), str(value))

    def labels(self, values: Iterable[Any]) -> str:
        return "[" + ", ".join(self.label(v) for v in values) + "]"

    def any(self, value: Any) -> str:
        """A captured id by name, anything else as JSON: ``"409"`` (a string) is not ``409``."""
        captured = isinstance(value, str) and any(c == value for c in self.captures.values())
        return self.label(value) if captured else show(value)


@dataclass(frozen=True, slots=True)
class At:
    """What a pointer test looks at."""

    pointer: str
    found: bool
    value: Any
    body: Any
    """The whole parsed body (None when not JSON)."""

    @property
    def present(self) -> bool:
        return self.found and self.value is not None

    @property
    def shown(self) -> str:
        return show(self.value) if self.present else ("no JSON body" if self.body is None else "missing")

    @property
    def items(self) -> list[Any] | None:
        """The value as a list; [] when absent; None when present but not a list."""
        return self.value if isinstance(self.value, list) else [] if not self.present else None


PointerTest = Callable[[At, Any, Labels], Verdict]
POINTER_TESTS: dict[str, PointerTest] = {}
AGGREGATE_TESTS: Final = frozenset({"each_once", "unique_ids"})
"""Tests judged once over the resources of all pages of a paginated step."""

_TYPES: Final[dict[str, tuple[type, ...]]] = {
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def pointer_test(name: str) -> Callable[[PointerTest], PointerTest]:
    """Register the decorated function in :data:`POINTER_TESTS` as the catalogue's test ``name``."""

    def register(function: PointerTest) -> PointerTest:
        POINTER_TESTS[name] = function
        return function

    return register


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _json_type(at: At) -> str:
    if not at.present:
        return "absent"
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}
    return names.get(type(at.value), type(at.value).__name__)


@pointer_test("equals")
def _equals(at: At, wanted: Any, labels: Labels) -> Verdict:
    shown = labels.any(at.value) if at.present else at.shown
    return Verdict(
        at.present and same_json(at.value, wanted),
        f"{at.pointer} is {at.shown}",
        f"{at.pointer}: {labels.any(wanted)}",
        f"{at.pointer}: {shown}",
    )


@pointer_test("present")
def _present(at: At, wanted: Any, labels: Labels) -> Verdict:
    return Verdict(
        at.present == wanted,
        f"{at.pointer} is {at.shown}",
        f"{at.pointer} {'present' if wanted else 'absent'}",
        f"{at.pointer}: {at.shown}",
    )


@pointer_test("type")
def _type(at: At, wanted: Any, labels: Labels) -> Verdict:
    ok = isinstance(at.value, _TYPES[wanted]) and not (wanted == "integer" and isinstance(at.value, bool))
    return Verdict(
        ok,
        f"{at.pointer} is {at.shown}",
        f"{at.pointer}: a JSON {wanted}",
        f"{at.pointer}: {at.shown} ({_json_type(at)})",
    )


def _size(at: At) -> int | None:
    items = at.items
    return len(items) if items is not None else None


@pointer_test("length")
def _length(at: At, wanted: Any, labels: Labels) -> Verdict:
    size = _size(at)
    return Verdict(
        size is not None and size == wanted, f"{at.pointer} has {size} items", f"{wanted} items", at.shown
    )


@pointer_test("max_length")
def _max_length(at: At, wanted: Any, labels: Labels) -> Verdict:
    size = _size(at)
    return Verdict(
        size is not None and size <= wanted,
        f"{at.pointer} has {size} items",
        f"at most {wanted} items",
        at.shown,
    )


@pointer_test("equals_length_of")
def _equals_length_of(at: At, other_pointer: Any, labels: Labels) -> Verdict:
    _, other = resolve(at.body, other_pointer)
    size = len(other) if isinstance(other, list) else 0
    return Verdict(
        _is_int(at.value) and at.value == size,
        f"{at.pointer} is {at.shown}",
        f"{size} (the length of {other_pointer})",
        at.shown,
    )


@pointer_test("values")
def _values(at: At, wanted: Any, labels: Labels) -> Verdict:
    wanted_ids = {str(v) for v in wanted}
    items = at.items
    listed = [m.get("value") if isinstance(m, dict) else m for m in items or []]
    ok = items is not None and set(map(str, listed)) == wanted_ids and len(listed) == len(set(listed))
    return Verdict(
        ok,
        f"{at.pointer} lists {', '.join(map(labels.name, listed)) or 'nothing'}",
        f"{at.pointer} values: {labels.labels(sorted(wanted_ids))}",
        f"{at.pointer} values: {labels.labels(listed) if items is not None else at.shown}",
    )


@pointer_test("contains")
def _contains(at: At, wanted: Any, labels: Labels) -> Verdict:
    items = at.items
    ok = items is not None and any(same_json(item, wanted) for item in items)
    return Verdict(ok, f"{at.pointer} does not contain {show(wanted)}", f"an item {show(wanted)}", at.shown)


@pointer_test("pattern")
def _pattern(at: At, wanted: Any, labels: Labels) -> Verdict:
    ok = isinstance(at.value, str) and re.search(wanted, at.value) is not None
    return Verdict(ok, f"{at.pointer} is {at.shown}", f"matching {wanted!r}", at.shown)


def _ids(at: At) -> Counter[str]:
    return Counter(str(item.get("id")) if isinstance(item, dict) else "" for item in at.items or [])


@pointer_test("each_once")
def _each_once(at: At, wanted: Any, labels: Labels) -> Verdict:
    ids = _ids(at)
    expected_ids = [str(v) for v in wanted]
    wrong = {rid: ids[rid] for rid in expected_ids if ids[rid] != 1}
    shown = ", ".join(f"{labels.label(rid)} {n} times" for rid, n in wrong.items())
    return Verdict(
        not wrong,
        f"{len(wrong)} of {len(expected_ids)} not exactly once in {at.pointer}",
        f"each of {labels.labels(expected_ids)} exactly once",
        f"{shown} (among {sum(ids.values())} resources listed)",
    )


@pointer_test("unique_ids")
def _unique_ids(at: At, wanted: Any, labels: Labels) -> Verdict:
    twice = sorted(rid for rid, n in _ids(at).items() if n > 1)
    return Verdict(
        not twice,
        f"{at.pointer} lists {len(twice)} resources more than once",
        "every id once",
        f"listed more than once: {labels.labels(twice)}",
    )
