"""SCIM filters (RFC 7644 §3.4.2.2): check a parsed filter against a resource type and evaluate it.

Evaluation follows RFC 7643: ``caseExact``, attribute types, and "any value"
for multi-valued attributes. The grammar (parsing, printing, PATCH paths) is in
:mod:`.filter_grammar`; its names are re-exported here, so callers import one
module.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final, TypeAlias

from ..spec import GROUP_SCHEMA, USER_SCHEMA, Json
from .definitions import AttributeDef, ResourceTypeDef
from .errors import invalid_filter
from .filter_grammar import (
    ORDERING_OPERATORS,
    SUBSTRING_OPERATORS,
    And,
    AttrPath,
    Compare,
    CompValue,
    Filter,
    Not,
    Or,
    PatchPath,
    Present,
    ValuePath,
    parse_filter,
    parse_path,
    render,
    render_path,
)

__all__ = [
    "And",
    "AttrPath",
    "CompValue",
    "Compare",
    "Filter",
    "Not",
    "Or",
    "PatchPath",
    "Present",
    "ValuePath",
    "index_key",
    "matches",
    "matches_element",
    "parse_filter",
    "parse_path",
    "render",
    "validate_element_filter",
    "validate_filter",
]


# -- lookup -----------------------------------------------------------------------


def _lookup(container: Json, name: str) -> Any:
    """``container[name]``, matching the key case-insensitively (RFC 7643 §2.1)."""
    if name in container:
        return container[name]
    lowered = name.lower()
    for key, value in container.items():
        if isinstance(key, str) and key.lower() == lowered:
            return value
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _top_attribute(rt: ResourceTypeDef, urn: str | None, name: str) -> tuple[AttributeDef, str | None] | None:
    """The top-level attribute and, for an extension attribute, the URN its data is stored under."""
    if urn is None or urn.lower() == rt.schema.id.lower():
        # The core URN also qualifies the common attributes (id, externalId, meta).
        attribute = rt.attribute(name)
        return (attribute, None) if attribute is not None else None
    schema = rt.schema_for(urn)
    attribute = schema.attribute(name) if schema is not None else None
    return (attribute, schema.id) if schema is not None and attribute is not None else None


def _resource_definition(rt: ResourceTypeDef, path: AttrPath) -> AttributeDef | None:
    found = _top_attribute(rt, path.urn, path.attr)
    if found is None or path.sub is None:
        return found[0] if found is not None else None
    return found[0].sub(path.sub)


def _element_definition(parent: AttributeDef, path: AttrPath) -> AttributeDef | None:
    return parent.sub(path.attr)


_Values: TypeAlias = tuple[AttributeDef, list[Any]]


def _sub_values(sub: AttributeDef, items: list[Any]) -> list[Any]:
    return [v for item in items if isinstance(item, dict) for v in _as_list(_lookup(item, sub.name))]


def _resource_values(resource: Json, rt: ResourceTypeDef, path: AttrPath) -> _Values | None:
    found = _top_attribute(rt, path.urn, path.attr)
    if found is None:
        return None
    attribute, extension = found
    container = resource if extension is None else _lookup(resource, extension)
    items = _as_list(_lookup(container, attribute.name)) if isinstance(container, dict) else []
    if path.sub is None:
        return attribute, items
    sub = attribute.sub(path.sub)
    return (sub, _sub_values(sub, items)) if sub is not None else None


def _element_values(element: Json, parent: AttributeDef, path: AttrPath) -> _Values | None:
    sub = parent.sub(path.attr)
    return (sub, _as_list(_lookup(element, sub.name))) if sub is not None else None


# -- evaluation -------------------------------------------------------------------


def matches(f: Filter, resource: Json, rt: ResourceTypeDef) -> bool:
    """Whether ``resource`` (stored JSON of type ``rt``) matches ``f`` (RFC 7644 §3.4.2.2).

    An expression naming an attribute that ``rt`` does not define is false (so
    ``not (nosuch eq "x")`` is true); so is a comparison whose literal cannot
    apply to the attribute's type (``active eq "yes"``), though ``ne`` is always
    exactly ``not eq``. :func:`validate_filter` rejects both up front.
    """
    return _evaluate(f, lambda path: _resource_values(resource, rt, path))


def matches_element(f: Filter, element: object, attribute: AttributeDef) -> bool:
    """Whether one element of the complex ``attribute`` matches a value filter's inner ``f``."""
    if not isinstance(element, dict):
        return False
    return _evaluate(f, lambda path: _element_values(element, attribute, path))


def _evaluate(f: Filter, resolve: Callable[[AttrPath], _Values | None]) -> bool:
    match f:
        case And(left, right):
            return _evaluate(left, resolve) and _evaluate(right, resolve)
        case Or(left, right):
            return _evaluate(left, resolve) or _evaluate(right, resolve)
        case Not(inner):
            return not _evaluate(inner, resolve)
        case Present(path):
            found = resolve(path)
            return found is not None and any(_present(v) for v in found[1])
        case ValuePath(path, inner):
            found = resolve(path)
            return found is not None and any(matches_element(inner, item, found[0]) for item in found[1])
        case Compare(path, op, literal):
            found = resolve(path)
            if found is None:
                return False
            attribute, values = found
            if attribute.type == "complex":
                # RFC 7644 §3.4.2.2: "emails co "@x"" compares the elements' "value".
                value_sub = attribute.sub("value")
                if value_sub is None:
                    return False
                attribute, values = value_sub, _sub_values(value_sub, values)
            return _compare(attribute, [v for v in values if _present(v)], op, literal)


def _present(value: Any) -> bool:
    """RFC 7644 §3.4.2.2 ``pr``: a non-empty value; a complex value needs a non-empty sub-attribute."""
    if value is None or value == "" or value == [] or value == {}:
        return False
    if isinstance(value, dict):
        return any(_present(v) for v in value.values())
    if isinstance(value, list):
        return any(_present(v) for v in value)
    return True


def _compare(attribute: AttributeDef, values: list[Any], op: str, literal: CompValue) -> bool:
    if literal is None:
        # RFC 7643 §2.5: null and unassigned are the same state.
        return (not values) if op == "eq" else bool(values) if op == "ne" else False
    if op == "ne":
        return not any(_compare_one(attribute, v, "eq", literal) for v in values)
    # RFC 7644 §3.4.2.2: a multi-valued attribute matches when any value does.
    return any(_compare_one(attribute, v, op, literal) for v in values)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _order(op: str, actual: Any, literal: Any) -> bool:
    if op == "eq":
        return bool(actual == literal)
    if op == "gt":
        return bool(actual > literal)
    if op == "ge":
        return bool(actual >= literal)
    if op == "lt":
        return bool(actual < literal)
    return op == "le" and bool(actual <= literal)


def _instant(text: str) -> datetime | None:
    """An xsd:dateTime (RFC 7643 §2.3.5) as an aware datetime; no offset means UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _compare_one(attribute: AttributeDef, actual: Any, op: str, literal: CompValue) -> bool:
    kind = attribute.type
    if kind == "boolean":
        return op == "eq" and isinstance(actual, bool) and isinstance(literal, bool) and actual is literal
    if kind in ("integer", "decimal"):
        return (
            op not in SUBSTRING_OPERATORS
            and _is_number(actual)
            and _is_number(literal)
            and _order(op, actual, literal)
        )
    if not isinstance(actual, str) or not isinstance(literal, str):
        return False
    if kind == "dateTime" and op not in SUBSTRING_OPERATORS:
        # RFC 7644 §3.4.2.2: dateTime ordering is chronological, so offsets are honoured.
        moment, bound = _instant(actual), _instant(literal)
        return moment is not None and bound is not None and _order(op, moment, bound)
    if kind == "binary" and op in ORDERING_OPERATORS:
        return False
    # RFC 7644 §3.4.2.2: string case sensitivity follows "caseExact" (RFC 7643 §2.2).
    text: str = actual if attribute.case_exact else actual.lower()
    wanted: str = literal if attribute.case_exact else literal.lower()
    if op == "co":
        return wanted in text
    if op == "sw":
        return text.startswith(wanted)
    if op == "ew":
        return text.endswith(wanted)
    return _order(op, text, wanted)


# -- validation -------------------------------------------------------------------


def validate_filter(f: Filter, rt: ResourceTypeDef) -> None:
    """Reject what RFC 7644 §3.12 calls an unsupported "attribute and filter comparison combination".

    Raises:
        ScimError: 400 ``invalidFilter`` for an attribute ``rt`` does not define; a
            comparison (other than ``pr``) on a complex attribute without a ``value``
            sub-attribute; ``gt``/``ge``/``lt``/``le`` on a boolean, binary or complex
            attribute (RFC 7644 §3.4.2.2); ``co``/``sw``/``ew`` on a boolean or number;
            ``null`` with anything but ``eq``/``ne``; a literal of the wrong JSON type
            (``active eq "yes"``, ``userName eq 1``) or a dateTime literal that is not
            ISO 8601; a value filter on a non-complex attribute.
    """
    _validate(f, lambda path: _resource_definition(rt, path))


def validate_element_filter(f: Filter, attribute: AttributeDef) -> None:
    """:func:`validate_filter` for the inside of a value filter on the complex ``attribute``."""
    _validate(f, lambda path: _element_definition(attribute, path))


def _validate(f: Filter, resolve: Callable[[AttrPath], AttributeDef | None]) -> None:
    match f:
        case And(left, right) | Or(left, right):
            _validate(left, resolve)
            _validate(right, resolve)
        case Not(inner):
            _validate(inner, resolve)
        case Present(path):
            _defined(path, resolve)
        case ValuePath(path, inner):
            attribute = _defined(path, resolve)
            if attribute.type != "complex":
                raise invalid_filter(f"{render_path(path)!r} is not complex, so it takes no value filter")
            validate_element_filter(inner, attribute)
        case Compare(path=path):
            _check_comparison(_defined(path, resolve), f)


def _defined(path: AttrPath, resolve: Callable[[AttrPath], AttributeDef | None]) -> AttributeDef:
    attribute = resolve(path)
    if attribute is None:
        raise invalid_filter(f"Unknown attribute {render_path(path)!r} in filter")
    return attribute


def _check_comparison(attribute: AttributeDef, f: Compare) -> None:
    shown = render(f)
    if attribute.type == "complex":
        if f.op in ORDERING_OPERATORS:
            raise invalid_filter(
                f"{shown!r}: {f.op} does not apply to the complex attribute {attribute.name!r}"
            )
        value_sub = attribute.sub("value")
        if value_sub is None:
            names = ", ".join(sorted(s.name for s in attribute.sub_attributes.values()))
            raise invalid_filter(f"{shown!r}: compare a sub-attribute of {attribute.name!r} ({names})")
        attribute = value_sub
    kind = attribute.type
    if f.value is None:
        if f.op not in ("eq", "ne"):
            raise invalid_filter(f"{shown!r}: null can only be compared with eq or ne")
        return
    if kind in ("boolean", "binary") and f.op in ORDERING_OPERATORS:
        raise invalid_filter(f"{shown!r}: {f.op} does not apply to the {kind} attribute {attribute.name!r}")
    if kind in ("boolean", "integer", "decimal") and f.op in SUBSTRING_OPERATORS:
        raise invalid_filter(f"{shown!r}: {f.op} does not apply to the {kind} attribute {attribute.name!r}")
    if kind == "boolean":
        fits = isinstance(f.value, bool)
    elif kind in ("integer", "decimal"):
        fits = _is_number(f.value)
    else:
        fits = isinstance(f.value, str)
        if fits and kind == "dateTime" and f.op not in SUBSTRING_OPERATORS:
            fits = _instant(str(f.value)) is not None
    if not fits:
        raise invalid_filter(f"{shown!r}: {attribute.name!r} is of type {kind}; the value does not fit")


# -- indexing ---------------------------------------------------------------------

_INDEXED: Final = frozenset({"id", "externalid", "username", "displayname"})
_CORE_URNS: Final = frozenset({USER_SCHEMA.lower(), GROUP_SCHEMA.lower()})


def index_key(f: Filter) -> tuple[str, str] | None:
    """``(attribute, value)`` when ``f`` is, or has a conjunct that is, ``<indexed> eq "<string>"``.

    The attribute is one of ``id``, ``externalid``, ``username``, ``displayname``
    (lower-case), unqualified or qualified with a core URN; the value is the
    literal as written (folding it for caseExact=false attributes is the index's
    job). A store may look the candidate up directly and must still apply
    :func:`matches`, which checks the rest of the filter and the resource type.
    """
    match f:
        case Compare(AttrPath(urn, attr, None), "eq", str() as value) if attr.lower() in _INDEXED and (
            urn is None or urn.lower() in _CORE_URNS
        ):
            return attr.lower(), value
        case And(left, right):
            return index_key(left) or index_key(right)
    return None
