"""A fast yes for valid documents: jsonschema-rs, trusted only when it says valid and can be.

jsonschema judges an instance in about 0.35 ms (a User), jsonschema-rs in 5 us. Most
responses are valid, so the fast validator answers first, and only its "valid" is taken:
anything it refuses (or cannot judge) goes to jsonschema (:mod:`.keywords`), which grades
the violations and says why. Its "valid" is taken only where both validators agree by
construction: the same documents and registry, the same ``date-time`` check, and no float
in the instance (RFC 7643 §2.3.4: 3.0 is not an integer, which JSON Schema's ``integer``
and jsonschema-rs accept). ``tests/test_fast_validation.py`` checks the agreement on
mutated documents of every kind.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema_rs

from .documents import BASE_URI, documents, root_schema, unmarked
from .keywords import is_datetime


@cache
def _registry() -> jsonschema_rs.Registry:
    return jsonschema_rs.Registry([(BASE_URI + name, unmarked(doc)) for name, doc in documents().items()])


@cache
def _validator(kind: str) -> Any:
    return jsonschema_rs.Draft202012Validator(
        root_schema(kind),
        registry=_registry(),
        formats={"date-time": is_datetime},
        validate_formats=True,
    )


def _holds_float(value: object) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_holds_float(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_float(item) for item in value)
    return False


def surely_valid(kind: str, normalised: object) -> bool:
    """True when ``normalised`` (an instance as :mod:`.validation` normalises it) is valid for ``kind``.

    False means "ask jsonschema": invalid, or holding a float, or beyond what this
    validator can take (a number too large for it, nesting too deep).
    """
    try:
        return not _holds_float(normalised) and bool(_validator(kind).is_valid(normalised))
    except (RecursionError, ValueError, OverflowError):
        return False
