"""JSON Schemas (draft 2020-12) of what a SCIM service provider answers, and graded validation.

The documents beside this module describe each resource and message of RFC 7643/7644:
``user.json`` (with ``enterprise_user.json`` under the extension URN), ``group.json``,
``list_response.json``, ``error.json``, ``patch_op.json``, ``service_provider_config.json``,
``resource_type.json``, ``schema.json``, plus the shared ``meta.json`` and ``common.json``.
They resolve each other's ``$ref`` offline, through one `referencing` registry.

Severity is data: a schema node may carry ``"x-severity": "security" | "okta" | "rfc"``, and a
violation takes the nearest one on the path from the failing keyword up to the root (across
``$ref``), ``rfc`` when there is none (CONTRACT §5). A node may also carry ``"x-message"``, the
text for a failure of one of *its own* keywords (``{instance}`` is replaced by the value).

Before validation the instance is read the way RFC 7643 says a client reads it, so that no
correct server is flagged:

- attribute names are case-insensitive (§2.1): a key that differs from a schema's attribute
  name only by case is checked as that attribute (Okta too accepts ``resources``, okta-requests
  §9); the pointer of a violation still names the key as sent;
- a null value means unassigned (§2.5): members whose value is null are checked as absent.

A ``ListResponse:<kind>`` schema is ``list_response.json`` with its ``resource`` dynamic anchor
bound to the kind's schema, so each of ``Resources`` is checked as that resource.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Final
from urllib.parse import parse_qsl, unquote, urlsplit

from jsonschema import (  # type: ignore[import-untyped, unused-ignore]
    Draft202012Validator,
    FormatChecker,
    ValidationError,
)
from jsonschema.validators import extend  # type: ignore[import-untyped, unused-ignore]
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from ..spec import Json

__all__ = [
    "BASE_URI",
    "KINDS",
    "MAX_VIOLATIONS",
    "SEVERITIES",
    "Violation",
    "documents",
    "kind_for",
    "validate",
]

BASE_URI: Final = "https://scim-conformance.invalid/schemas/"
"""The base of every document's ``$id``; nothing is ever fetched from it."""

SEVERITIES: Final = ("security", "okta", "rfc")
"""The severities of CONTRACT §5, most severe first."""

MAX_VIOLATIONS: Final = 20
"""At most this many violations per instance; past it the last one says how many were left out."""

_ITEM_SCHEMAS: Final = {
    "User": "user.json",
    "Group": "group.json",
    "ResourceType": "resource_type.json",
    "Schema": "schema.json",
}
_SCHEMA_FILES: Final = {
    **_ITEM_SCHEMAS,
    "ListResponse": "list_response.json",
    "Error": "error.json",
    "PatchOp": "patch_op.json",
    "ServiceProviderConfig": "service_provider_config.json",
}
KINDS: Final = frozenset({*_SCHEMA_FILES, *(f"ListResponse:{kind}" for kind in _ITEM_SCHEMAS)})
"""What `validate` accepts: a resource or message name, or ``ListResponse:<resource>``."""

_RANK: Final = {severity: rank for rank, severity in enumerate(SEVERITIES)}
_SEVERITY_ATTR: Final = "_scim_severity"


@dataclass(frozen=True, slots=True)
class Violation:
    """One way an instance breaks its schema."""

    pointer: str
    """JSON pointer (RFC 6901) into the instance as sent; ``""`` is the whole document."""
    message: str
    """What is wrong, led by the pointer: ``/active: expected boolean, got string "true"``."""
    severity: str
    """``security``, ``okta`` or ``rfc`` (CONTRACT §5)."""
    schema_path: str
    """Where the failing keyword is, as a 2020-12 keyword location (``/allOf/0/required``)."""

    def __str__(self) -> str:
        return f"{self.message} [{self.severity}]"


# -- documents ------------------------------------------------------------------


@cache
def documents() -> Mapping[str, Json]:
    """Every schema document of the package, by file name (``user.json``). Do not mutate them."""
    folder = resources.files(__package__)
    return MappingProxyType(
        {
            entry.name: json.loads(entry.read_text("utf-8"))
            for entry in sorted(folder.iterdir(), key=lambda e: e.name)
            if entry.name.endswith(".json")
        }
    )


def _unmarked(document: Json) -> Json:
    # jsonschema switches to the validator class a "$schema" names whenever it enters a
    # document that has one, which would drop the graded keywords below at every $ref; the
    # registry says 2020-12 explicitly instead.
    return {key: value for key, value in document.items() if key != "$schema"}


@cache
def _registry() -> Registry[Any]:
    pairs = [
        (BASE_URI + name, DRAFT202012.create_resource(_unmarked(doc))) for name, doc in documents().items()
    ]
    return Registry().with_resources(pairs).crawl()


@cache
def _attribute_names() -> Mapping[str, str]:
    """Every attribute name the schemas define, keyed by its lower-case form."""
    names: dict[str, str] = {}

    def collect(node: object) -> None:
        if isinstance(node, dict):
            for keyword in ("properties", "dependentSchemas"):
                if isinstance(node.get(keyword), dict):
                    names.update((name.lower(), name) for name in node[keyword])
            for child in node.values():
                collect(child)
        elif isinstance(node, list):
            for child in node:
                collect(child)

    collect(list(documents().values()))
    return MappingProxyType(names)


# -- the validator class: graded keywords, SCIM types and formats ------------------

_Keyword = Callable[[Any, Any, Any, Any], Iterable[Any] | None]


def _graded(keyword: str, check: _Keyword) -> _Keyword:
    """Wrap a keyword so its errors take the nearest ``x-severity`` as they bubble up."""

    def graded(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[Any]:
        for error in check(validator, value, instance, schema) or ():
            if keyword == "$ref":
                # jsonschema leaves $ref out of schema_path; a keyword location keeps it.
                error.schema_path.appendleft("$ref")
            if not hasattr(error, _SEVERITY_ATTR) and isinstance(schema, dict) and "x-severity" in schema:
                setattr(error, _SEVERITY_ATTR, schema["x-severity"])
            yield error

    return graded


def _required(validator: Any, required: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for name in required:
        if name not in instance:
            # validator_value carries the one missing name (jsonschema keeps a value already set).
            yield ValidationError(f"{name!r} is a required property", validator_value=name)


def _is_integer(checker: Any, instance: object) -> bool:
    # RFC 7643 §2.3.4: an integer has no fractional digits *or decimal*, so 3.0 is not one
    # (JSON Schema would take it); Okta needs whole JSON integers (okta-requests §9).
    return isinstance(instance, int) and not isinstance(instance, bool)


# xsd:dateTime (XML Schema 1.1 Part 2 §3.3.7), which RFC 7643 §2.3.5 names: the time zone is
# optional, fractional seconds have any length, and 24:00:00 is the end of the day.
_XSD_DATETIME = re.compile(
    r"-?(?P<year>[1-9][0-9]{3,}|0[0-9]{3})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"T(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
    r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?",
    re.ASCII,
)


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True  # format only constrains strings; "type" judges the rest
    match = _XSD_DATETIME.fullmatch(value)
    if match is None:
        return False
    # Leap years follow the proleptic Gregorian calendar; 2000 stands in for years date() cannot hold.
    year = int(match["year"])
    try:
        date(year if 1 <= year <= 9999 else 2000 + year % 400, int(match["month"]), int(match["day"]))
    except ValueError:
        return False
    return True


def _format_checker() -> Any:
    checker = FormatChecker(formats=())
    checker.checks("date-time")(_is_datetime)
    return checker


@cache
def _validator_class() -> Any:
    keywords = {name: _graded(name, check) for name, check in Draft202012Validator.VALIDATORS.items()}
    keywords["required"] = _graded("required", _required)
    return extend(
        Draft202012Validator,
        validators=keywords,
        type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
        format_checker=_format_checker(),
    )


def _root_schema(kind: str) -> Json:
    if kind.startswith("ListResponse:") and kind.removeprefix("ListResponse:") in _ITEM_SCHEMAS:
        item = _ITEM_SCHEMAS[kind.removeprefix("ListResponse:")]
        return {
            "$id": f"{BASE_URI}list_response-{item}",
            "$ref": "list_response.json",
            "$defs": {"resource": {"$dynamicAnchor": "resource", "$ref": item}},
        }
    if kind in _SCHEMA_FILES:
        return _unmarked(documents()[_SCHEMA_FILES[kind]])
    raise ValueError(f"no schema for {kind!r}; the kinds are {', '.join(sorted(KINDS))}")


@cache
def _validator(kind: str) -> Any:
    cls = _validator_class()
    return cls(_root_schema(kind), registry=_registry(), format_checker=cls.FORMAT_CHECKER)


# -- validation -------------------------------------------------------------------

# id of a normalised dict -> {name checked: key as sent} for the keys read case-insensitively.
_Renames = dict[int, dict[str, str]]


def _normalised(value: object, renames: _Renames) -> object:
    """The instance as RFC 7643 reads it: canonical attribute names, null members dropped."""
    if isinstance(value, list):
        return [_normalised(item, renames) for item in value]
    if not isinstance(value, dict):
        return value
    names = _attribute_names()
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


def validate(kind: str, instance: object) -> list[Violation]:
    """The ways ``instance`` (parsed JSON) breaks the schema of ``kind``, most severe first.

    Never raises for any instance. At most `MAX_VIOLATIONS` are returned; when more were
    found, the last one counts the rest and has the most severe of their severities.

    Raises:
        ValueError: ``kind`` is not one of `KINDS`.
    """
    validator = _validator(kind)
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
        if key not in found or _RANK[violation.severity] < _RANK[found[key][1].severity]:
            found[key] = (order, violation)
    ranked = [v for _, v in sorted(found.values(), key=lambda pair: (_RANK[pair[1].severity], pair[0]))]
    if len(ranked) <= MAX_VIOLATIONS:
        return ranked
    rest = ranked[MAX_VIOLATIONS - 1 :]
    summary = Violation("", f"... and {len(rest)} more violations not shown", rest[0].severity, "")
    return [*ranked[: MAX_VIOLATIONS - 1], summary]


# -- the fast path: validity remembered by JSON text ------------------------------------
#
# jsonschema takes about 0.6 ms to check one User, a page of 100 users 60 ms, and a run
# sees the same resource many times (its create, its GETs, every import page listing it).
# Most responses are valid: whether a document is valid is remembered by its JSON text as
# sent (it is normalised only when not known yet), and a list page is valid when its
# envelope and each of its resources are, so that each resource state is checked once per
# process. Anything not known valid takes the full, graded validation below, so the
# violations reported never change.

_VALIDITY_LIMIT: Final = 8192
_validity: dict[tuple[str, str], bool] = {}


def _is_valid(kind: str, sent: object) -> bool:
    try:
        key = (kind, json.dumps(sent, ensure_ascii=False, separators=(",", ":")))
    except (RecursionError, TypeError, ValueError):
        return False  # the full validation says why
    valid = _validity.get(key)
    if valid is None:
        try:
            valid = bool(_validator(kind).is_valid(_normalised(sent, {})))
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
    if not (item in _ITEM_SCHEMAS and isinstance(sent, dict) and isinstance(sent.get("Resources"), list)):
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
    text = _describe(error, _lookup(sent, segments[: len(path)]))
    severity = getattr(error, _SEVERITY_ATTR, "rfc")
    if severity not in _RANK:
        severity = "rfc"
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


# -- messages ---------------------------------------------------------------------------


def _show(value: object, limit: int = 80) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _got(value: object) -> str:
    return "null" if value is None else f"{_json_type(value)} {_show(value, 60)}"


def _describe(error: Any, sent_parent: object) -> str:
    schema, value, instance = error.schema, error.validator_value, error.instance
    custom = schema.get("x-message") if isinstance(schema, dict) else None
    if isinstance(custom, str):
        return custom.replace("{instance}", _show(instance))
    match error.validator:
        case "type":
            expected = " or ".join(value) if isinstance(value, list) else str(value)
            return f"expected {expected}, got {_got(instance)}"
        case "required":
            if isinstance(sent_parent, dict) and any(
                isinstance(k, str) and k.lower() == str(value).lower() and v is None
                for k, v in sent_parent.items()
            ):
                return f'required attribute "{value}" is null (RFC 7643 §2.5: null means unassigned)'
            return f'required attribute "{value}" is missing'
        case "const":
            return f"expected {_show(value)}, got {_got(instance)}"
        case "enum":
            return f"expected one of {', '.join(_show(v) for v in value)}; got {_got(instance)}"
        case "format" if value == "date-time":
            example = '"2008-01-23T04:56:22Z"'
            return f"expected an xsd:dateTime such as {example} (RFC 7643 §2.3.5), got {_got(instance)}"
        case "minLength" if value == 1:
            return "expected a non-empty string, got an empty one"
        case "minimum":
            return f"expected an integer of at least {value}, got {_show(instance)}"
        case "minItems":
            return f"expected at least {value} item(s), got an empty array"
    message = str(error.message)
    return message if len(message) <= 200 else message[:199] + "…"


# -- which schema a response should match ------------------------------------------------

_ROUTE = re.compile(
    r"/(?P<endpoint>Users|Groups|ServiceProviderConfig|ResourceTypes|Schemas|Me|Bulk|\.search)"
    r"(?:/(?P<rest>[^/]+))?/?"
)
_PROJECTION = frozenset({"attributes", "excludedattributes"})
_RESOURCE_METHODS = frozenset({"GET", "PUT", "PATCH"})  # answered with the resource itself


def kind_for(method: str, path: str, status: int) -> str | None:
    """The kind a response to ``method path`` with ``status`` should match, or None for no body.

    ``path`` is a path under the SCIM root or a full URL, with or without a query. Any 4xx/5xx
    is an ``Error``; 204 and non-2xx statuses carry no body to check. A request that asks for
    ``attributes``/``excludedAttributes`` may legally drop required attributes (RFC 7644
    §3.9), so a resource then has no kind and a list is checked as a generic ``ListResponse``.
    """
    if status >= 400:
        return "Error"
    if not 200 <= status < 300 or status == 204:
        return None
    split = urlsplit(path)
    route = unquote(split.path)
    # The leftmost "/" from which the rest is an endpoint and at most one segment: the SCIM
    # root may be any prefix, and /Users/Users is the user whose id is "Users".
    starts = (i for i, char in enumerate(route) if char == "/")
    match = next((m for i in starts if (m := _ROUTE.fullmatch(route, i)) is not None), None)
    if match is None:
        return None
    endpoint, rest, method = match["endpoint"], match["rest"], method.upper()
    projected = any(name.lower() in _PROJECTION for name, _ in parse_qsl(split.query, keep_blank_values=True))
    listing, single = _route_kinds(endpoint, rest, method)
    if listing is not None:
        return "ListResponse" if projected else listing
    if single is not None and not projected:
        return single
    return None


def _route_kinds(endpoint: str, rest: str | None, method: str) -> tuple[str | None, str | None]:
    """(list kind, resource kind) of a route; at most one is set."""
    if endpoint in ("Users", "Groups"):
        item = endpoint[:-1]
        if (rest, method) in ((None, "GET"), (".search", "POST")):
            return f"ListResponse:{item}", None
        if (rest is None and method == "POST") or (
            rest not in (None, ".search") and method in _RESOURCE_METHODS
        ):
            return None, item
        return None, None
    if method == "POST" and endpoint == ".search" and rest is None:
        return "ListResponse", None
    if endpoint == "Me" and rest is None and method in {*_RESOURCE_METHODS, "POST"}:
        return None, "User"  # RFC 7644 §3.11: /Me is an alias of the authenticated User
    if method != "GET":
        return None, None
    if endpoint == "ServiceProviderConfig" and rest is None:
        return None, "ServiceProviderConfig"
    if endpoint in ("ResourceTypes", "Schemas"):
        item = endpoint[:-1]
        return (f"ListResponse:{item}", None) if rest is None else (None, item)
    return None, None
