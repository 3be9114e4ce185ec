"""PATCH (RFC 7644 §3.5.2): apply a PatchOp request body to a stored resource.

:func:`apply_patch` works on a deep copy and returns it, so a request whose
third operation fails changes nothing (RFC 7644 §3.5.2: operations are applied
atomically). It enforces structure — paths, the shape of values, mutability —
and leaves types and required attributes to the caller's validation.

Choices where RFC 7644 is silent or clients stray from it:

- ``op`` is case-insensitive (Entra sends ``"Replace"``), and so are the keys
  ``schemas``, ``Operations``, ``op``, ``path`` and ``value`` (RFC 7643 §2.1).
- Without a ``path``, each key of the ``value`` object is read as a path, so
  ``{"name.givenName": "B"}`` and URN-qualified keys work; a key that is a schema
  URN carries an object of that schema's attributes. ``schemas`` is ignored.
- A ``null`` value, an empty list and an empty object all mean "unassigned"
  (RFC 7643 §2.5): writing one removes the target, and a multi-valued attribute
  left empty is removed, as is an extension object left empty (its URN then
  leaves ``schemas``; it joins ``schemas`` when the extension gets data).
- Adding an element whose ``value`` (and ``type``) equal an existing element's
  merges into it rather than duplicating it (RFC 7644 §3.5.2.1: a value already
  present SHOULD cause no change) — unless that would change an immutable
  sub-attribute (a group member's ``display``), when the element stays as it
  is; a new ``primary: true`` element clears the others' ``primary`` (RFC 7643 §2.4).
- ``add`` with a value filter updates the matching elements, like ``replace``;
  both answer 400 ``noTarget`` when nothing matches (RFC 7644 §3.5.2.3).
- ``remove`` with a value filter that matches nothing, or of an absent
  attribute, is not an error, so Okta's retried membership removals are
  idempotent; ``remove`` of ``members`` with a ``value`` list (a common non-RFC
  form) removes the elements with those values.
- A readOnly attribute (``id``, ``meta``, ``groups``) may be "written" only with
  what it already holds: Okta's group rename echoes the group ``id``.
- Sub-attribute keys inside values are written under their schema names when
  the schema knows them and kept as sent otherwise, for validation to judge.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Final

from ..core.text import shorten
from ..spec import PATCH_OP, Json
from .definitions import AttributeDef, ResourceTypeDef, SchemaDef
from .errors import ScimError, invalid_path, invalid_syntax, invalid_value, mutability, no_target
from .filtering import PatchPath, matches_element, parse_path, validate_element_filter

__all__ = ["PatchPath", "apply_patch", "parse_path"]

_OPS: Final = frozenset({"add", "remove", "replace"})
_MISSING: Final = object()


@dataclass(frozen=True, slots=True)
class _Target:
    """Where a path points: an attribute, stored at top level or under an extension URN."""

    attribute: AttributeDef
    extension: SchemaDef | None
    path: PatchPath
    text: str


def apply_patch(resource: Json, body: object, rt: ResourceTypeDef) -> Json:
    """Apply a PatchOp ``body`` to ``resource`` (of type ``rt``) and return the patched copy.

    Raises:
        ScimError: 400 with ``invalidSyntax`` (body structure, ``op``), ``invalidPath``
            (malformed or unknown path), ``invalidFilter`` (bad value filter),
            ``invalidValue`` (missing or ill-shaped value), ``noTarget`` (``remove``
            without a path, a value filter matching nothing) or ``mutability``
            (changing a readOnly attribute). The detail names the operation index.
    """
    operations = _operations(body)
    result = copy.deepcopy(resource)
    for index, operation in enumerate(operations):
        try:
            _apply_operation(result, operation, rt)
        except ScimError as error:
            raise ScimError(
                error.status, f"Operations[{index}]: {error.detail}", scim_type=error.scim_type
            ) from None
        except RecursionError:
            raise invalid_value(f"Operations[{index}]: the value is nested too deeply") from None
    return result


def _shown(value: object) -> str:
    """A client's value in an error detail, cut short: details are echoed in responses and logs."""
    return shorten(repr(value), 79)


def _operations(body: object) -> list[Json]:
    if not isinstance(body, dict):
        raise invalid_syntax("A PATCH body must be a JSON object with 'schemas' and 'Operations'")
    schemas = _lookup(body, "schemas")
    if not isinstance(schemas, list) or PATCH_OP.lower() not in [
        s.lower() for s in schemas if isinstance(s, str)
    ]:
        raise invalid_syntax(f"A PATCH body's 'schemas' must contain {PATCH_OP!r} (RFC 7644 §3.5.2)")
    operations = _lookup(body, "Operations")
    if not isinstance(operations, list) or not operations:
        raise invalid_syntax("A PATCH body needs a non-empty 'Operations' list (RFC 7644 §3.5.2)")
    for index, operation in enumerate(operations):
        if not isinstance(operation, dict):
            raise invalid_syntax(f"Operations[{index}] must be an object with 'op', 'path' and 'value'")
    return operations


def _apply_operation(resource: Json, operation: Json, rt: ResourceTypeDef) -> None:
    op = _lookup(operation, "op")
    if not isinstance(op, str) or op.lower() not in _OPS:
        raise invalid_syntax(f"'op' must be one of add, remove, replace; got {_shown(op)}")
    op = op.lower()
    path = _lookup(operation, "path")
    if path is not None and not isinstance(path, str):
        raise invalid_syntax(f"'path' must be a string; got {_shown(path)}")
    value = _MISSING
    for key, item in operation.items():
        if isinstance(key, str) and key.lower() == "value":
            value = copy.deepcopy(item)
    if op == "remove":
        if path is None:
            # RFC 7644 §3.5.2.2: a remove without a path fails with noTarget.
            raise no_target("'remove' needs a 'path'")
        _remove(resource, _resolve(path, rt), value)
        return
    if value is _MISSING:
        raise invalid_value(f"'{op}' needs a 'value' (RFC 7644 §3.5.2.1, §3.5.2.3)")
    if path is None:
        if not isinstance(value, dict):
            raise invalid_value(f"Without a 'path', '{op}' needs an object of attributes as its 'value'")
        _write_object(resource, op, value, rt, None)
        return
    _write(resource, op, _resolve(path, rt), value, rt)


def _write_object(resource: Json, op: str, value: Json, rt: ResourceTypeDef, urn: str | None) -> None:
    """A path-less add/replace: each key names an attribute (RFC 7644 §3.5.2.1, §3.5.2.3)."""
    for key, item in value.items():
        if not isinstance(key, str):
            raise invalid_value(f"Attribute names must be strings; got {_shown(key)}")
        if urn is None and key.lower() == "schemas":
            continue  # the resource's own "schemas" follows its data, not the client's
        schema = rt.schema_for(key) if urn is None else None
        if schema is not None:
            _write_schema(resource, op, schema, item, rt)
            continue
        target = _resolve(f"{urn}:{key}" if urn is not None else key, rt)
        _write(resource, op, target, item, rt)


def _write_schema(resource: Json, op: str, schema: SchemaDef, value: Any, rt: ResourceTypeDef) -> None:
    """Add/replace with a whole schema as the target: ``{"urn:…:enterprise:2.0:User": {…}}``."""
    if value is None and schema.id != rt.schema.id:
        _drop_extension(resource, schema)
    elif isinstance(value, dict):
        _write_object(resource, op, value, rt, schema.id)
    else:
        raise invalid_value(f"The value for {schema.id!r} must be an object of its attributes")


def _resolve(text: str, rt: ResourceTypeDef) -> _Target | SchemaDef:
    path = parse_path(text)
    extension: SchemaDef | None = None
    if path.urn is None or path.urn.lower() == rt.schema.id.lower():
        attribute = rt.attribute(path.attr)
    else:
        schema = rt.schema_for(path.urn)
        if schema is None:
            # A whole extension as the path ("urn:…:enterprise:2.0:User"); the core
            # schema is not a removable or assignable unit.
            whole = rt.schema_for(f"{path.urn}:{path.attr}")
            if whole is not None and whole.id != rt.schema.id and path.sub is None and path.filter is None:
                return whole
            raise invalid_path(f"Unknown schema {path.urn!r} in path {_shown(text)}")
        attribute = schema.attribute(path.attr)
        extension = schema
    if attribute is None:
        raise invalid_path(f"Unknown attribute {path.attr!r} in path {_shown(text)}")
    if path.sub is not None and attribute.sub(path.sub) is None:
        raise invalid_path(f"{attribute.name!r} has no sub-attribute {path.sub!r} (path {_shown(text)})")
    if path.filter is not None:
        if attribute.type != "complex":
            raise invalid_path(
                f"{attribute.name!r} is not complex, so it takes no value filter (path {_shown(text)})"
            )
        validate_element_filter(path.filter, attribute)
    return _Target(attribute, extension, path, text)


# -- containers and keys ------------------------------------------------------------


def _lookup(container: Json, name: str) -> Any:
    key = _find_key(container, name)
    return container[key] if key is not None else None


def _find_key(container: Json, name: str) -> str | None:
    lowered = name.lower()
    if name in container:
        return name
    return next((k for k in container if isinstance(k, str) and k.lower() == lowered), None)


def _put(container: Json, name: str, value: Any) -> None:
    """Store under the schema's name, replacing differently-cased keys; empty means unassigned."""
    _drop_other_cases(container, name)
    if not _empty(value):
        container[name] = value  # an existing key keeps its place in the JSON object
    elif name in container:
        del container[name]


def _drop_other_cases(container: Json, name: str) -> None:
    for key in [k for k in container if isinstance(k, str) and k.lower() == name.lower() and k != name]:
        del container[key]


def _empty(value: Any) -> bool:
    # RFC 7643 §2.5: unassigned, null and an empty list are the same state.
    return value is None or value == [] or value == {}


def _container(resource: Json, extension: SchemaDef | None, create: bool) -> Json | None:
    if extension is None:
        return resource
    data = _lookup(resource, extension.id)
    if not isinstance(data, dict):
        if not create:
            return None
        data = {}
    _drop_other_cases(resource, extension.id)
    resource[extension.id] = data
    schemas = resource.get("schemas")
    if isinstance(schemas, list) and extension.id.lower() not in [str(s).lower() for s in schemas]:
        # RFC 7643 §3: "schemas" lists every extension the resource carries.
        schemas.append(extension.id)
    return data


def _tidy(resource: Json, extension: SchemaDef | None) -> None:
    if extension is not None and resource.get(extension.id) == {}:
        _drop_extension(resource, extension)


def _drop_extension(resource: Json, extension: SchemaDef) -> None:
    _put(resource, extension.id, None)
    schemas = resource.get("schemas")
    if isinstance(schemas, list):
        schemas[:] = [s for s in schemas if not (isinstance(s, str) and s.lower() == extension.id.lower())]


def _guarded(target: _Target, before: Any, after: Any) -> None:
    """RFC 7643 §2.2 readOnly: accept a write only when it changes nothing (an echo)."""
    sub = target.attribute.sub(target.path.sub) if target.path.sub is not None else None
    read_only = target.attribute.mutability == "readOnly" or (
        sub is not None and sub.mutability == "readOnly"
    )
    if read_only and _normal(before) != _normal(after):
        raise mutability(f"{_shown(target.text)} is readOnly and cannot be changed")


def _normal(value: Any) -> Any:
    return None if _empty(value) else value


# -- values -------------------------------------------------------------------------


def _canonical(attribute: AttributeDef, value: Any) -> Any:
    """A value for ``attribute`` with known sub-attribute keys renamed to the schema's names."""
    if attribute.type != "complex" or not isinstance(value, dict):
        return value
    result: Json = {}
    for key, item in value.items():
        sub = attribute.sub(key) if isinstance(key, str) else None
        if item is not None:
            result[sub.name if sub is not None else key] = item
    return result


def _merge(attribute: AttributeDef, current: Any, value: Any, text: str) -> Json:
    """RFC 7644 §3.5.2.1/§3.5.2.3: sub-attributes given replace, others stay."""
    if not isinstance(value, dict):
        raise invalid_value(f"{_shown(text)} is complex: its value must be an object of sub-attributes")
    merged: Json = dict(current) if isinstance(current, dict) else {}
    for key, item in value.items():
        sub = attribute.sub(key) if isinstance(key, str) else None
        _put(merged, sub.name if sub is not None else str(key), item)
    return merged


def _elements(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _same_element(a: Any, b: Any) -> bool:
    """Two elements are one when their ``value`` and ``type`` agree (or, without ``value``, when equal)."""
    if isinstance(a, dict) and isinstance(b, dict) and "value" in a and "value" in b:
        return bool(a["value"] == b["value"] and a.get("type") == b.get("type"))
    return bool(a == b)


def _extend(attribute: AttributeDef, elements: list[Any], added: list[Any]) -> list[Any]:
    written: list[Any] = []
    for item in added:
        element = _canonical(attribute, item)
        if _empty(element):
            continue
        existing = next((e for e in elements if _same_element(e, element)), None)
        if existing is None:
            elements.append(element)
            written.append(element)
        elif (
            isinstance(existing, dict)
            and isinstance(element, dict)
            and not _touches_immutable(attribute, existing, element)
        ):
            existing.update(element)
            written.append(existing)
    _single_primary(elements, written)
    return elements


def _touches_immutable(attribute: AttributeDef, existing: Json, element: Json) -> bool:
    """Whether merging would change an immutable sub-attribute (RFC 7643 §2.2), e.g. a member's ``display``.

    Such an element is already present, so the add leaves it as it is.
    """
    for key, item in element.items():
        sub = attribute.sub(key)
        if sub is not None and sub.mutability == "immutable" and existing.get(key) != item:
            return True
    return False


def _single_primary(elements: list[Any], written: list[Any]) -> None:
    """RFC 7643 §2.4: at most one ``primary: true``; the one just written wins."""
    winners = [e for e in written if isinstance(e, dict) and e.get("primary") is True]
    if not winners:
        return
    for element in elements:
        if isinstance(element, dict) and element is not winners[-1] and element.get("primary") is True:
            element["primary"] = False


# -- add / replace ------------------------------------------------------------------


def _write(resource: Json, op: str, target: _Target | SchemaDef, value: Any, rt: ResourceTypeDef) -> None:
    if isinstance(target, SchemaDef):
        _write_schema(resource, op, target, value, rt)
        return
    if value is None:
        # RFC 7643 §2.5: assigning null unassigns.
        _remove(resource, target, _MISSING)
        return
    container = _container(resource, target.extension, create=True)
    assert container is not None  # created on demand
    attribute, path = target.attribute, target.path
    key = _find_key(container, attribute.name)
    current = container.get(key) if key is not None else None
    before = copy.deepcopy(current)
    if path.filter is not None:
        after: Any = _write_matching(attribute, current, path, value, target.text)
    elif path.sub is not None:
        after = _write_sub(attribute, current, path.sub, value)
    elif attribute.multi_valued:
        added = value if isinstance(value, list) else [value]
        # RFC 7644 §3.5.2.1: add appends; §3.5.2.3: replace without a filter replaces all values.
        after = _extend(attribute, _elements(current) if op == "add" else [], added)
    elif attribute.type == "complex":
        after = _merge(attribute, current, value, target.text)
    else:
        after = value
    _guarded(target, before, after)
    _put(container, attribute.name, after)
    _tidy(resource, target.extension)


def _write_matching(attribute: AttributeDef, current: Any, path: PatchPath, value: Any, text: str) -> Any:
    assert path.filter is not None
    elements = _elements(current)
    matched = [e for e in elements if matches_element(path.filter, e, attribute)]
    if not matched:
        # RFC 7644 §3.5.2.3: a filter that matches no element is noTarget.
        raise no_target(f"No element of {attribute.name!r} matches {_shown(text)}")
    for element in matched:
        if path.sub is not None:
            sub = attribute.sub(path.sub)
            assert sub is not None
            _put(element, sub.name, value)
        else:
            merged = _merge(attribute, element, value, text)
            element.clear()
            element.update(merged)
    _single_primary(elements, matched)
    return elements if attribute.multi_valued else elements[0]


def _write_sub(attribute: AttributeDef, current: Any, name: str, value: Any) -> Any:
    sub = attribute.sub(name)
    assert sub is not None
    if not attribute.multi_valued:
        parent = dict(current) if isinstance(current, dict) else {}
        _put(parent, sub.name, value)
        return parent
    # "emails.type" without a filter targets every element; with none, it creates one.
    elements = _elements(current)
    if not any(isinstance(e, dict) for e in elements):
        elements.append({})
    for element in elements:
        if isinstance(element, dict):
            _put(element, sub.name, value)
    if sub.name == "primary":
        _single_primary(elements, elements[-1:])
    return elements


# -- remove -------------------------------------------------------------------------


def _remove(resource: Json, target: _Target | SchemaDef, value: Any) -> None:
    if isinstance(target, SchemaDef):
        _drop_extension(resource, target)
        return
    container = _container(resource, target.extension, create=False)
    key = _find_key(container, target.attribute.name) if container is not None else None
    if container is None or key is None:
        return  # nothing to remove: removal is idempotent
    attribute, path = target.attribute, target.path
    current = container[key]
    before = copy.deepcopy(current)
    after: Any = None
    if path.filter is not None:
        elements = _elements(current)
        flt = path.filter
        if path.sub is None:
            after = [e for e in elements if not matches_element(flt, e, attribute)]
        else:
            for element in elements:
                if matches_element(flt, element, attribute):
                    _put(element, _sub_name(attribute, path.sub), None)
            after = [e for e in elements if not _empty(e)]
        if not attribute.multi_valued:
            after = after[0] if after else None
    elif path.sub is not None:
        name = _sub_name(attribute, path.sub)
        if attribute.multi_valued:
            elements = _elements(current)
            for element in elements:
                if isinstance(element, dict):
                    _put(element, name, None)
            after = [e for e in elements if not _empty(e)]
        elif isinstance(current, dict):
            after = dict(current)
            _put(after, name, None)
    elif value is not _MISSING and value is not None and attribute.multi_valued:
        # Non-RFC but common: {"op":"remove","path":"members","value":[{"value":"id"}]}.
        doomed = value if isinstance(value, list) else [value]
        after = [e for e in _elements(current) if not any(_same_member(e, d) for d in doomed)]
    _guarded(target, before, after)
    _put(container, attribute.name, after)
    _tidy(resource, target.extension)


def _sub_name(attribute: AttributeDef, name: str) -> str:
    sub = attribute.sub(name)
    return sub.name if sub is not None else name


def _same_member(element: Any, doomed: Any) -> bool:
    if isinstance(element, dict) and isinstance(doomed, dict) and _lookup(doomed, "value") is not None:
        return bool(_lookup(element, "value") == _lookup(doomed, "value"))
    return bool(element == doomed)
