"""Graded validation of an instance against the schema of its kind, with a fast path for known-valid JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from ..core.terms import Severity, rank
from .documents import ITEM_SCHEMAS, attribute_names
from .fast import surely_valid
from .keywords import SEVERITY_ATTR, validator_for
from .messages import describe

MAX_VIOLATIONS: Final = 20
"""At most this many violations per instance; past it the last one says how many were left out."""


@dataclass(frozen=True, slots=True)
class Violation:
    """One way an instance breaks its schema."""

    pointer: str
    """JSON pointer (RFC 6901) into the instance as sent; ``""`` is the whole document."""
    message: str
    """What is wrong, led by the pointer: ``/active: expected boolean, got string "true"``."""
    severity: Severity
    """``security``, ``okta`` or ``rfc`` (CONTRACT §5)."""
    schema_path: str
    """Where the failing keyword is, as a 2020-12 keyword location (``/allOf/0/required``)."""

    def __str__(self) -> str:
        return f"{self.message} [{self.severity}]"


# id of a normalised dict -> {name checked: key as sent} for the keys read case-insensitively.
_Renames = dict[int, dict[str, str]]


def _normalised(value: object, renames: _Renames) -> object:
    """The instance as RFC 7643 reads it: canonical attribute names, null members dropped."""
    if isinstance(value, list):
        return [_normalised(item, renames) for item in value]
    if not isinstance(value, dict):
        return value
    names = attribute_names()
    out: dict[Any, object] = {}
    renamed: dict[str, str] = {}
    for key, item in value.items():
        if item is None:
            continue  # RFC 7643 §2.5: null is unassigned
        name = names.get(key.lower(), key) if isinstance(key, str) else key
        if name != key and (name in value or name in out):
            name = key  # an exact match wins over a case variant
        if name != key:
            renamed[name] = key
        out[name] = _normalised(item, renames)
    if renamed:
        renames[id(out)] = renamed
    return out


def validate(kind: str, instance: object, *, resources: Sequence[int] | None = None) -> list[Violation]:
    """The ways ``instance`` (parsed JSON) breaks the schema of ``kind``, most severe first.

    Never raises for any instance. At most `MAX_VIOLATIONS` are returned; when more were
    found, the last one counts the rest and has the most severe of their severities.

    ``resources``: for a list page (a ``ListResponse`` kind whose ``Resources`` is an array),
    the positions of the resources to check, ascending; the envelope is always checked, the
    other resources are not (None: all of them). Pointers still name the positions as sent.

    Raises:
        ValueError: ``kind`` is not one of `KINDS`.
    """
    if resources is not None and kind.startswith("ListResponse") and isinstance(instance, dict):
        listed = instance.get("Resources")
        if isinstance(listed, list) and len(resources) < len(listed):
            return _page_part(kind, instance, listed, resources)
    validator = validator_for(kind)
    if _known_valid(kind, instance):
        return []
    renames: _Renames = {}
    try:
        checked = _normalised(instance, renames)
    except RecursionError:
        checked, renames = instance, {}
    try:
        errors = list(validator.iter_errors(checked))
    except RecursionError:
        return [Violation("", "(root): nested too deeply to validate", "rfc", "")]
    found: dict[tuple[str, str], tuple[tuple[Any, ...], Violation]] = {}
    for error in errors:
        order, violation = _violation(error, checked, instance, renames)
        key = (violation.pointer, violation.message)
        if key not in found or rank(violation.severity) < rank(found[key][1].severity):
            found[key] = (order, violation)
    ranked = [v for _, v in sorted(found.values(), key=lambda pair: (rank(pair[1].severity), pair[0]))]
    if len(ranked) <= MAX_VIOLATIONS:
        return ranked
    rest = ranked[MAX_VIOLATIONS - 1 :]
    summary = Violation("", f"... and {len(rest)} more violations not shown", rest[0].severity, "")
    return [*ranked[: MAX_VIOLATIONS - 1], summary]


_RESOURCE_POINTER = re.compile(r"/Resources/(\d+)")


def _page_part(
    kind: str, page: dict[str, Any], listed: list[Any], positions: Sequence[int]
) -> list[Violation]:
    """:func:`validate` of the page holding only the resources at ``positions``, pointers as sent.

    The page keeps its envelope as sent (counters included): only the resources left
    out are not judged. Positions are ascending, so the order of the violations found
    in the smaller page is their order in the page as sent.
    """
    kept = [listed[i] for i in positions]

    def as_sent(violation: Violation) -> Violation:
        match = _RESOURCE_POINTER.match(violation.pointer)
        if match is None or (match.end() < len(violation.pointer) and violation.pointer[match.end()] != "/"):
            return violation
        sent = f"/Resources/{positions[int(match[1])]}"
        rest = violation.pointer[match.end() :]
        message = violation.message.removeprefix(violation.pointer)
        return replace(violation, pointer=sent + rest, message=sent + rest + message)

    return [as_sent(v) for v in validate(kind, {**page, "Resources": kept})]


# -- the fast path: validity remembered by JSON text ------------------------------------
#
# jsonschema takes about 0.6 ms to check one User, a page of 100 users 60 ms, and a run
# sees the same resource many times (its create, its GETs, every import page listing it).
# Most responses are valid: whether a document is valid is remembered by its JSON text as
# sent (it is normalised only when not known yet), and a list page is valid when its
# envelope and each of its resources are, so that each resource state is checked once per
# process. A document not known yet is first put to jsonschema-rs (.fast), whose "valid"
# alone is taken (5 us instead of 0.35 ms); jsonschema judges the rest. Anything not known
# valid takes the full, graded validation below, so the violations reported never change.

_VALIDITY_LIMIT: Final = 8192
_validity: dict[tuple[str, str], bool] = {}


def forget_known_valid() -> None:
    """Forget which documents are known valid, so that each is validated afresh (a run starts so)."""
    _validity.clear()


def _is_valid(kind: str, sent: object) -> bool:
    try:
        key = (kind, json.dumps(sent, ensure_ascii=False, separators=(",", ":")))
    except (RecursionError, TypeError, ValueError):
        return False  # the full validation says why
    valid = _validity.get(key)
    if valid is None:
        try:
            checked = _normalised(sent, {})
            valid = surely_valid(kind, checked) or bool(validator_for(kind).is_valid(checked))
        except RecursionError:
            valid = False
        if len(_validity) >= _VALIDITY_LIMIT:
            _validity.clear()
        _validity[key] = valid
    return valid


def _known_valid(kind: str, sent: object) -> bool:
    """True when ``sent`` is valid for ``kind``; False when invalid or unsure.

    A ``ListResponse:<item>`` is valid exactly when the page with an empty ``Resources``
    is, and each resource is a valid ``<item>``: the list schema applies to
    ``Resources`` only ``type: array`` and, through its dynamic anchor, the item's
    schema to each element (``list_response.json``). Normalising commutes with the
    split: ``Resources`` is its own canonical name, and each resource is normalised
    alone. A page that spells it otherwise (``resources``) is judged whole.
    """
    item = kind.removeprefix("ListResponse:")
    if not (item in ITEM_SCHEMAS and isinstance(sent, dict) and isinstance(sent.get("Resources"), list)):
        return _is_valid(kind, sent)
    envelope = {**sent, "Resources": []}
    return _is_valid(kind, envelope) and all(_is_valid(item, resource) for resource in sent["Resources"])


def _violation(
    error: Any, checked: object, sent: object, renames: _Renames
) -> tuple[tuple[Any, ...], Violation]:
    path = list(error.absolute_path)
    segments = _segments(path, checked, renames)
    schema_path = list(error.absolute_schema_path)
    if "propertyNames" in schema_path and isinstance(error.instance, str):
        segments.append(error.instance)  # the key itself is at fault, not its object
    pointer = "".join("/" + s.replace("~", "~0").replace("/", "~1") for s in segments)
    text = describe(error, _lookup(sent, segments[: len(path)]))
    # Every x-severity is one of SEVERITIES: documents() checks them when it loads the files.
    severity: Severity = getattr(error, SEVERITY_ATTR, "rfc")
    order = tuple((0, s, "") if isinstance(s, int) else (1, 0, str(s)) for s in path)
    keyword_location = "".join(f"/{s}" for s in schema_path)
    return order, Violation(pointer, f"{pointer or '(root)'}: {text}", severity, keyword_location)


def _segments(path: list[Any], checked: object, renames: _Renames) -> list[str]:
    """The path's keys as sent (undoing the case-insensitive renames)."""
    segments: list[str] = []
    node = checked
    for step in path:
        if isinstance(node, dict):
            segments.append(str(renames.get(id(node), {}).get(step, step)))
            node = node.get(step)
        else:
            segments.append(str(step))
            node = node[step] if isinstance(node, list) and isinstance(step, int) else None
    return segments


def _lookup(document: object, segments: list[str]) -> object:
    node = document
    for step in segments:
        if isinstance(node, dict):
            node = node.get(step)
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            return None
    return node
