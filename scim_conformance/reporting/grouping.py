"""One root cause, one finding: the same check failing the same way on many responses is reported once.

A misnamed ``meta`` attribute shows on every user of every list a run reads:
each test reports it, and a run would list it a hundred times. For the run's
summary (terminal, summary.json) findings are grouped by check, severity and
what came back — with the parts that differ from one response to the next
(ids, array indices, run markers, numbers) blanked — into one finding with its
occurrence count and the first few examples (test and title).
"""

from __future__ import annotations

import re
from typing import Any

EXAMPLES = 3
"""Examples kept per grouped finding (the first ones, in run order)."""

_VARYING = [
    (re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"), "<id>"),
    (re.compile(r"scimconf-[0-9a-f]+(?:-gw\d+)?[\w.+-]*"), "<run>"),
    (re.compile(r"/\d+(?=/|\b)"), "/<n>"),
    (re.compile(r"\b\d{4,}\b"), "<n>"),  # counts and timings; a status (3 digits) stays
]


def root_cause(finding: dict[str, Any]) -> tuple[str, str, str]:
    """What makes two findings the same failure: check, severity, and ``got`` without what varies."""
    got = str(finding.get("got", ""))
    for pattern, blank in _VARYING:
        got = pattern.sub(blank, got)
    return finding["check"], finding["severity"], got


def grouped(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings with each root cause once: the first occurrence, its count and first examples."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for finding in findings:
        key = root_cause(finding)
        example = {"test": finding.get("test"), "title": finding.get("title")}
        if key not in groups:
            groups[key] = {**finding, "occurrences": 1, "examples": [example]}
            continue
        group = groups[key]
        group["occurrences"] += 1
        if len(group["examples"]) < EXAMPLES:
            group["examples"].append(example)
    return list(groups.values())
