"""The validator class: 2020-12 keywords graded by ``x-severity``, and RFC 7643's integer and dateTime."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import cache
from typing import Any, Final

from jsonschema import (  # type: ignore[import-untyped, unused-ignore]
    Draft202012Validator,
    FormatChecker,
    ValidationError,
)
from jsonschema.validators import extend  # type: ignore[import-untyped, unused-ignore]

from .documents import registry, root_schema

SEVERITY_ATTR: Final = "_scim_severity"
"""The attribute a ValidationError carries its graded severity in."""


_Keyword = Callable[[Any, Any, Any, Any], Iterable[Any] | None]


def _graded(keyword: str, check: _Keyword) -> _Keyword:
    """Wrap a keyword so its errors take the nearest ``x-severity`` as they bubble up."""

    def graded(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[Any]:
        for error in check(validator, value, instance, schema) or ():
            if keyword == "$ref":
                # jsonschema leaves $ref out of schema_path; a keyword location keeps it.
                error.schema_path.appendleft("$ref")
            if not hasattr(error, SEVERITY_ATTR) and isinstance(schema, dict) and "x-severity" in schema:
                setattr(error, SEVERITY_ATTR, schema["x-severity"])
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


def is_datetime(value: object) -> bool:
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
    checker.checks("date-time")(is_datetime)
    return checker


@cache
def validator_class() -> Any:
    keywords = {name: _graded(name, check) for name, check in Draft202012Validator.VALIDATORS.items()}
    keywords["required"] = _graded("required", _required)
    return extend(
        Draft202012Validator,
        validators=keywords,
        type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
        format_checker=_format_checker(),
    )


@cache
def validator_for(kind: str) -> Any:
    cls = validator_class()
    return cls(root_schema(kind), registry=registry(), format_checker=cls.FORMAT_CHECKER)
