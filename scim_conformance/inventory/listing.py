"""``scim-conformance checks``: every check id as a table for a terminal, or as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..core.text import shorten
from .registry import CheckInfo

__all__ = ["as_json", "as_table"]

_HEAD = ("check", "severity", "profiles", "suite", "requirement")


def _suite(info: CheckInfo) -> str:
    # The file name is enough in a table; a schema check is validated on every response.
    if info.origin == "schema":
        return "(every suite)"
    return info.suite.removeprefix("suites/") or "-"


def _row(info: CheckInfo) -> tuple[str, ...]:
    return (info.id, info.severity, ",".join(info.profiles), _suite(info), info.requirement)


def as_table(checks: Sequence[CheckInfo], width: int = 160) -> str:
    """One line per check, columns aligned; the requirement is cut to what ``width`` leaves."""
    rows = [_HEAD, *map(_row, checks)]
    widths = [max(len(row[col]) for row in rows) for col in range(len(_HEAD) - 1)]
    # The requirement gets what is left, but never less than 40 characters: a
    # narrow terminal wraps rather than showing nothing of it.
    room = max(40, width - sum(widths) - 2 * len(widths))
    # ``shorten`` adds its ellipsis past the limit: cut one character earlier.
    cells = [
        [*(c.ljust(w) for c, w in zip(row[:-1], widths, strict=True)), shorten(row[-1], room - 1)]
        for row in rows
    ]
    lines = ["  ".join(row) for row in cells]
    lines.append(f"{len(checks)} checks (--json for every field; docs/checks.md for the requirements)")
    return "\n".join(line.rstrip() for line in lines)


def as_json(checks: Sequence[CheckInfo]) -> str:
    """Every check as a JSON array of objects (id, severity, profiles, requirement, level, suite, …)."""
    return json.dumps(
        [
            {
                "id": info.id,
                "severity": info.severity,
                "severities": list(info.severities),
                "profiles": list(info.profiles),
                "requirement": info.requirement,
                "level": info.level,
                "suite": info.suite,
                "origin": info.origin,
            }
            for info in checks
        ],
        indent=2,
        ensure_ascii=False,
    )
