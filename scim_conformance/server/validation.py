"""Request bodies to stored resources (:func:`prepare`), stored resources to responses (:func:`project`).

:func:`prepare` applies RFC 7643 to a POST/PUT body, or to the result of a PATCH,
and returns the exact resource the server stores: canonical attribute names,
checked types, no read-only or write-only data. It raises nothing but
:class:`~.errors.ScimError` (status 400), whatever JSON it is given, so a
malformed body always becomes a SCIM Error response.

:func:`project` applies the ``returned`` characteristic and the
``attributes``/``excludedAttributes`` parameters (RFC 7644 §3.4.2.5, §3.9).
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeAlias

from ..core.text import shorten
from ..spec import Json
from .definitions import AttributeDef, ResourceTypeDef, SchemaDef
from .errors import ScimError, invalid_syntax, invalid_value, mutability

__all__ = ["prepare", "project"]

Lookup: TypeAlias = Callable[[str], AttributeDef | None]
Path: TypeAlias = tuple[str, ...]

# xsd:dateTime (XML Schema 1.0 Part 2 §3.2.7), which RFC 7643 §2.3.5 requires: date, "T", time,
# optional fraction, optional zone. re.ASCII, so that only the digits 0-9 count.
_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))?", re.ASCII
)


def prepare(rt: ResourceTypeDef, body: object, *, current: Json | None = None) -> Json:
    """Validate a request body against ``rt`` and return the resource to store.

    Args:
        rt: The resource type the body is for.
        body: The parsed JSON body (any value: a non-object is an error).
        current: The stored resource being replaced, if any; its ``immutable``
            attributes may not change (RFC 7643 §7) and are kept when omitted.

    Returns:
        A new object: ``schemas`` (core URN, then each extension with data),
        ``externalId`` and the schema attributes under their canonical names.
        ``id``, ``meta`` and other read-only attributes are left for the server
        to set; ``password`` and other write-only attributes are never kept.

    Raises:
        ScimError: 400 ``invalidSyntax`` (not an object, bad ``schemas``),
            ``invalidValue`` (wrong type, missing required attribute, unknown
            schema URN, two primary values) or ``mutability``.
    """
    if not isinstance(body, dict):
        raise invalid_syntax(f"The request body must be a JSON object, got {_show(body)}")
    schemas: object = None
    extensions: dict[str, object] = {}
    attributes: dict[str, object] = {}
    for key, value in body.items():
        if not isinstance(key, str):
            continue
        lowered = key.lower()
        extension = _extension(rt, lowered)
        if lowered == "schemas":
            schemas = value
        elif extension is not None:
            if extension.id in extensions:
                raise invalid_value(f'"{extension.id}" is given twice (URNs are case-insensitive)')
            extensions[extension.id] = value
        else:
            attributes[key] = value
    _check_schemas(rt, schemas)

    stored = _attributes(rt.attribute, attributes, "", current)
    _require(rt.schema.attributes.values(), stored, "")
    for extension in rt.extensions:
        value = extensions.get(extension.id)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise invalid_value(f'"{extension.id}" must be an object, got {_show(value)}')
        previous = current.get(extension.id) if current is not None else None
        data = _attributes(
            extension.attribute, value, extension.id + ":", previous if isinstance(previous, dict) else None
        )
        _require(extension.attributes.values(), data, extension.id + ":")
        if data:
            stored[extension.id] = data
    for entry in rt.raw.get("schemaExtensions", ()):
        # RFC 7643 §6: a required extension must be present in every resource of the type.
        if entry.get("required") and entry["schema"] not in stored:
            raise invalid_value(f'The extension "{entry["schema"]}" is required for {rt.name} resources')
    listed = [rt.schema.id, *(e.id for e in rt.extensions if e.id in stored)]
    return {"schemas": listed, **stored}


def project(
    rt: ResourceTypeDef,
    resource: Json,
    *,
    attributes: list[str] | None = None,
    excluded: list[str] | None = None,
) -> Json:
    """Copy a stored resource, keeping what a response may carry (RFC 7644 §3.4.2.5, §3.9).

    ``returned: never`` attributes are never included and ``returned: always``
    ones (``id``, and ``schemas``) always are. With ``attributes`` only the
    listed attributes (``userName``, ``name.givenName``, or URN-qualified
    ``urn:…:enterprise:2.0:User:employeeNumber``; an extension URN alone means
    all of it) are kept; ``excluded`` removes the listed ones; ``returned:
    request`` attributes appear only when listed in ``attributes``. Names the
    resource type does not define are ignored.
    """
    wanted = None if attributes is None else _paths(rt, attributes)
    unwanted = _paths(rt, excluded or [])
    projected: Json = {}
    if "schemas" in resource:
        projected["schemas"] = copy.deepcopy(resource["schemas"])
    core = {k: v for k, v in resource.items() if k != "schemas" and _extension(rt, k.lower()) is None}
    projected.update(_pick(rt.attribute, core, ("",), wanted, unwanted))
    for extension in rt.extensions:
        data = resource.get(extension.id)
        if isinstance(data, dict):
            kept = _pick(extension.attribute, data, (extension.id.lower(),), wanted, unwanted)
            if kept:
                projected[extension.id] = kept
    return projected


# --- prepare -----------------------------------------------------------------------------------


def _check_schemas(rt: ResourceTypeDef, schemas: object) -> None:
    # RFC 7643 §3: "schemas" is REQUIRED and lists the core schema and the extensions used;
    # RFC 7644 §3.12 names a body that is not a valid resource "invalidSyntax".
    message = f"schemas must list {rt.schema.id}"
    if not isinstance(schemas, list) or not all(isinstance(urn, str) for urn in schemas):
        raise invalid_syntax(f"{message}, got {_show(schemas)}")
    if rt.schema.id.lower() not in {urn.lower() for urn in schemas}:
        raise invalid_syntax(message)
    # Other URNs (Okta's custom ones, "urn:okta:…") are ignored with their data, like
    # unknown attributes: the contract says what Okta sends is accepted, not rejected.


def _extension(rt: ResourceTypeDef, lowered: str) -> SchemaDef | None:
    for extension in rt.extensions:
        if extension.id.lower() == lowered:
            return extension
    return None


def _attributes(
    lookup: Lookup, data: Mapping[Any, object], prefix: str, current: Mapping[str, Any] | None
) -> Json:
    """Validate the attributes of one object (a resource, an extension, a complex value)."""
    result: Json = {}
    seen: set[str] = set()
    for key, value in data.items():
        if not isinstance(key, str):
            continue
        attr = lookup(key)
        if attr is None:
            # CONTRACT §4: Okta sends attributes the provider may not know; ignore them, do not fail.
            continue
        if attr.mutability == "readOnly":
            # RFC 7644 §3.5.1: read-only values in a request "SHALL be ignored" (Okta echoes id, meta).
            continue
        if attr.mutability == "writeOnly" or attr.returned == "never":
            # Never keep a secret: a password can then never leak through a response (CONTRACT §5).
            continue
        path = _join(prefix, attr.name)
        if attr.name in seen:
            # RFC 7643 §2.1: names are case-insensitive, so "userName" and "USERNAME" are one attribute.
            raise invalid_value(f'"{path}" is given twice (attribute names are case-insensitive)')
        seen.add(attr.name)
        old = current.get(attr.name) if current is not None else None
        new = _value(attr, value, path, None if attr.multi_valued else old)
        if attr.mutability == "immutable" and not _unassigned(old):
            # RFC 7643 §7: "Once set, the attribute SHALL NOT be updated" — omitting it keeps it.
            if new is None:
                new = copy.deepcopy(old)
            elif new != old:
                raise mutability(f'"{path}" is immutable: it is {_show(old)} and cannot become {_show(new)}')
        if new is not None:
            result[attr.name] = new
    for key, old in (current or {}).items():
        attr = lookup(key)
        if (
            attr is not None
            and attr.mutability == "immutable"
            and attr.name not in seen
            and not _unassigned(old)
        ):
            # Omitted from a replacement: keep it (RFC 7643 §7, immutable).
            result[attr.name] = copy.deepcopy(old)
    return result


def _value(attr: AttributeDef, value: object, path: str, old: object) -> object:
    """The checked value to store, or None when it is unassigned (RFC 7643 §2.5)."""
    if value is None:
        return None
    if not attr.multi_valued:
        return _single(attr, value, path, old)
    if not isinstance(value, list):
        raise invalid_value(f'"{path}" must be an array (it is multi-valued), got {_show(value)}')
    items: list[object] = []
    for index, item in enumerate(value):
        item_path = f"{path}[{index}]"
        if item is None:
            raise invalid_value(f'"{item_path}" must not be null')
        checked = _single(attr, item, item_path, None)
        if checked is not None:
            items.append(checked)
    # RFC 7643 §2.4: the primary value "true" MUST appear no more than once.
    if sum(1 for item in items if isinstance(item, dict) and item.get("primary") is True) > 1:
        raise invalid_value(f'"{path}" has more than one value with "primary": true')
    return items or None


def _single(attr: AttributeDef, value: object, path: str, old: object) -> object:
    if attr.type == "complex":
        if not isinstance(value, dict):
            raise invalid_value(f'"{path}" must be an object, got {_show(value)}')
        checked = _attributes(attr.sub, value, path, old if isinstance(old, dict) else None)
        # A complex value that is present must carry its required sub-attributes (members[].value).
        _require(attr.sub_attributes.values(), checked, path)
        return checked or None
    return _scalar(attr, value, path)


def _scalar(attr: AttributeDef, value: object, path: str) -> object:
    # RFC 7643 §2.3: JSON types per attribute type. A boolean is not an integer and "true" is
    # not a boolean, even though Python and some clients treat them alike.
    kind = attr.type
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        raise _wrong(path, "a boolean", value)
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _wrong(path, "an integer", value)
    if kind == "decimal":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _wrong(path, "a number", value)
        if isinstance(value, float) and not math.isfinite(value):
            raise _wrong(path, "a finite number", value)
        return value
    if not isinstance(value, str):
        raise _wrong(path, "a string", value)
    if kind == "binary" and not _is_base64(value):
        raise _wrong(path, "base64 (RFC 7643 §2.3.6)", value)
    if kind == "dateTime" and not _is_datetime(value):
        raise _wrong(path, "an xsd:dateTime such as 2015-07-28T10:00:00Z (RFC 7643 §2.3.5)", value)
    return value


def _is_base64(value: str) -> bool:
    # RFC 4648 §4 strictly: Python's decoder tolerates surplus padding, so also require that the
    # text is the canonical encoding of what it decodes to.
    try:
        return base64.b64encode(base64.b64decode(value, validate=True)).decode("ascii") == value
    except (binascii.Error, ValueError):
        return False


def _is_datetime(value: str) -> bool:
    match = _DATETIME.fullmatch(value)
    if match is None:
        return False
    year, month, day, hour, minute, second, zone_hours, zone_minutes = match.groups()
    try:
        datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        return False
    if zone_hours is None:
        return True
    # xsd:dateTime zones run from -14:00 to +14:00.
    offset = int(zone_hours) * 60 + int(zone_minutes)
    return int(zone_minutes) < 60 and offset <= 14 * 60


def _require(attrs: Iterable[AttributeDef], values: Json, prefix: str) -> None:
    for attr in attrs:
        if attr.required and attr.mutability != "readOnly" and _unassigned(values.get(attr.name)):
            raise invalid_value(f'"{_join(prefix, attr.name)}" is required and must not be empty')


def _unassigned(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == [] or value == {}


def _join(prefix: str, name: str) -> str:
    # RFC 7644 §3.10 attribute notation: "name.givenName", "urn:…:User:employeeNumber".
    if not prefix or prefix.endswith(":"):
        return prefix + name
    return f"{prefix}.{name}"


def _wrong(path: str, expected: str, value: object) -> ScimError:
    return invalid_value(f'"{path}" must be {expected}, got {_show(value)}')


def _show(value: object) -> str:
    """A short rendering of a client value for an error detail; never fails, never huge."""
    if isinstance(value, str):
        return json.dumps(shorten(value, 60), ensure_ascii=False)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        # str() of a huge int raises ValueError (the 4300-digit limit); say what it is instead.
        return str(value) if value.bit_length() <= 64 else "a large integer"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# --- project -----------------------------------------------------------------------------------


def _paths(rt: ResourceTypeDef, names: Iterable[object]) -> set[Path]:
    paths = set()
    for name in names:
        path = _path(rt, name.strip()) if isinstance(name, str) else None
        if path is not None:
            paths.add(path)
    return paths


def _path(rt: ResourceTypeDef, name: str) -> Path | None:
    """``(scope, attribute[, sub-attribute])``, lower-cased; scope "" is the core schema."""
    rest = name.lower()
    scope, schema = "", rt.schema
    # Longest URN first, so that one URN being a prefix of another cannot misroute a name.
    for candidate in sorted((rt.schema, *rt.extensions), key=lambda s: len(s.id), reverse=True):
        urn = candidate.id.lower()
        if candidate is not rt.schema and rest == urn:
            return (urn,)
        if rest.startswith(urn + ":"):
            scope = "" if candidate is rt.schema else urn
            schema, rest = candidate, rest[len(urn) + 1 :]
            break
    parts = rest.split(".")
    if len(parts) > 2:
        return None
    attr = rt.attribute(parts[0]) if scope == "" else schema.attribute(parts[0])
    if attr is None:
        return None
    if len(parts) == 1:
        return (scope, attr.name.lower())
    sub = attr.sub(parts[1])
    return (scope, attr.name.lower(), sub.name.lower()) if sub is not None else None


def _pick(
    lookup: Lookup, data: Mapping[str, Any], prefix: Path, wanted: set[Path] | None, unwanted: set[Path]
) -> Json:
    picked: Json = {}
    for key, value in data.items():
        attr = lookup(key)
        path = (*prefix, key.lower())
        returned = attr.returned if attr is not None else "default"
        if returned == "never":
            continue
        if returned != "always":
            if wanted is None and returned == "request":
                continue
            # A listed attribute brings all its sub-attributes; a listed sub-attribute brings its parent.
            if wanted is not None and not any(_within(p, path) or _within(path, p) for p in wanted):
                continue
            if any(_within(path, p) for p in unwanted):
                continue
        if attr is not None and attr.type == "complex" and attr.sub_attributes:
            # RFC 7644 §3.9 says "always" wins over both lists; extend that to the sub-attributes.
            inner_wanted = None if returned == "always" else wanted
            inner_unwanted = set() if returned == "always" else unwanted
            if isinstance(value, list):
                value = [
                    _pick(attr.sub, item, path, inner_wanted, inner_unwanted)
                    for item in value
                    if isinstance(item, dict)
                ]
                value = [item for item in value if item]
            elif isinstance(value, dict):
                value = _pick(attr.sub, value, path, inner_wanted, inner_unwanted)
            if not value:
                continue
        else:
            value = copy.deepcopy(value)
        picked[attr.name if attr is not None else key] = value
    return picked


def _within(path: Path, ancestor: Path) -> bool:
    """Whether ``ancestor`` is ``path`` or one of its parents."""
    return path[: len(ancestor)] == ancestor
