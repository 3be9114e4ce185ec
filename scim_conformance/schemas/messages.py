"""What a violation says: one plain sentence per failing keyword, or the schema's own ``x-message``."""

from __future__ import annotations

import json
from typing import Any

from ..core.text import shorten


def show(value: object, limit: int = 79) -> str:
    """``value`` as JSON (its repr if it is not JSON), cut after ``limit`` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError):
        text = repr(value)
    return shorten(text, limit)


def json_type(value: object) -> str:
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


def got(value: object) -> str:
    return "null" if value is None else f"{json_type(value)} {show(value, 59)}"


def describe(error: Any, sent_parent: object) -> str:
    schema, value, instance = error.schema, error.validator_value, error.instance
    custom = schema.get("x-message") if isinstance(schema, dict) else None
    if isinstance(custom, str):
        return custom.replace("{instance}", show(instance))
    match error.validator:
        case "type":
            expected = " or ".join(value) if isinstance(value, list) else str(value)
            return f"expected {expected}, got {got(instance)}"
        case "required":
            if isinstance(sent_parent, dict) and any(
                isinstance(k, str) and k.lower() == str(value).lower() and v is None
                for k, v in sent_parent.items()
            ):
                return f'required attribute "{value}" is null (RFC 7643 §2.5: null means unassigned)'
            return f'required attribute "{value}" is missing'
        case "const":
            return f"expected {show(value)}, got {got(instance)}"
        case "enum":
            return f"expected one of {', '.join(show(v) for v in value)}; got {got(instance)}"
        case "format" if value == "date-time":
            example = '"2008-01-23T04:56:22Z"'
            return f"expected an xsd:dateTime such as {example} (RFC 7643 §2.3.5), got {got(instance)}"
        case "minLength" if value == 1:
            return "expected a non-empty string, got an empty one"
        case "minimum":
            return f"expected an integer of at least {value}, got {show(instance)}"
        case "minItems":
            return f"expected at least {value} item(s), got an empty array"
    return shorten(str(error.message), 199)
