"""What a user sees of a conformance failure: one shape for terminal, HTML, JUnit and JSON.

- <title>
  Check:        <id> (<severity>; Okta profiles: aiw, oin)
  Okta operation: <operation>
  Requirement:  <source (MUST/SHOULD)>
  Expected:     ...
  Got:          ...
  Exchanges so far: (numbered, redacted)
  Reproduce with:
    curl ... -H "Authorization: Bearer $SCIM_TOKEN" ...
"""

from __future__ import annotations

import dataclasses
import textwrap
from typing import Any

from .errors import ConformanceFailure
from .traffic import Exchange


def renumbered(exchanges: tuple[Exchange, ...]) -> tuple[Exchange, ...]:
    """Number a sequence's exchanges from 1, as the user reads them."""
    return tuple(dataclasses.replace(e, number=i) for i, e in enumerate(exchanges, 1))


def render(failure: ConformanceFailure) -> str:
    """Every finding of a failed test, most severe first."""
    return "\n\n".join(_render_one(f) for f in failure.all())


def _render_one(failure: ConformanceFailure) -> str:
    exchanges = renumbered(failure.exchanges)
    lines = [
        f"- {failure.title}",
        f"  Check:          {failure.check} ({failure.severity}; "
        f"Okta profiles: {', '.join(failure.profiles)})",
    ]
    if failure.operation:
        lines.append(f"  Okta operation: {failure.operation}")
    lines += [
        f"  Requirement:    {failure.requirement}",
        f"  Expected:       {_indent_rest(failure.expected)}",
        f"  Got:            {_indent_rest(failure.got)}",
    ]
    # The exception's notes (hypothesis's falsifying example, a state machine's steps):
    # this text replaces pytest's rendering, which would have shown them.
    if notes := _notes(failure):
        lines += ["", textwrap.indent("\n".join(notes), "  ")]
    if exchanges:
        lines += ["", f"  Exchanges so far ({len(exchanges)}):", ""]
        lines += [textwrap.indent(e.render(), "    ") + "\n" for e in exchanges]
        lines += ["  Reproduce with:", f"    {exchanges[-1].curl()}"]
    return "\n".join(lines)


def _notes(failure: ConformanceFailure) -> list[str]:
    return [str(note) for note in getattr(failure, "__notes__", ())]


def _indent_rest(text: str) -> str:
    first, *rest = text.splitlines() or [""]
    return "\n".join([first, *("                  " + line for line in rest)])


def to_dict(failure: ConformanceFailure, nodeid: str) -> dict[str, Any]:
    """The JSON form of a finding (reports/summary.json)."""
    exchanges = renumbered(failure.exchanges)
    return {
        "test": nodeid,
        "check": failure.check,
        "title": failure.title,
        "severity": failure.severity,
        "profiles": list(failure.profiles),
        "operation": failure.operation,
        "requirement": failure.requirement,
        "expected": failure.expected,
        "got": failure.got,
        "exchanges": [e.to_dict() for e in exchanges],
        "reproduce": exchanges[-1].curl() if exchanges else None,
        "notes": _notes(failure),
    }
