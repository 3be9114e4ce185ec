"""``--scim-json PATH``: the machine-readable summary a CI pipeline reads.

Its JSON Schema ships beside this module (``summary.schema.json``, draft 2020-12;
:func:`schema`), and the harness's own tests validate every summary they produce.

    {"target", "embedded", "profiles", "strict", "exit_code", "interrupted", "setup_error",
     "versions": {"scim-conformance", "pytest", "hypothesis", "httpx", "python"},
     "started": ISO 8601 (UTC), "duration": seconds,
     "tests": {"passed", "failed", "errored", "skipped"},
     "counts": {"security", "okta", "rfc"}, "gating": bool,
     "operations": {operation: {profile: outcome or null}},
     "checks": [{"test", "check", "outcome", "severity"}…],
     "findings": [finding…], "root_causes": [finding + occurrences, examples…],
     "errors": [{"test", "when", "check", "title", "detail"}…],
     "cleanup": {"created", "requests", "leftovers"},
     "footprint": {"budget": {"users", "groups"}, "users": {"posted", "created", "remaining"},
                   "groups": {…}, "examples": {test: count}}}

``operations`` is the operation matrix (:mod:`scim_conformance.outcomes`): per
Okta operation and profile, ``{"status": "pass" | "fail" | "not reached",
"severity", "checks", "blocked_by"}``, or null when no test exercised it.
Each finding is the dict of :func:`scim_conformance.findings.to_dict`, test by
test; ``root_causes`` holds each root cause once (:mod:`.grouping`) with its
``occurrences`` and first ``examples`` (test, title), as the terminal lists them. Exchanges are
redacted at recording time, so the file holds no secret.
``interrupted`` is true when Ctrl-C stopped the run (what ran is reported, and cleaned up).
``gating`` says whether some finding fails the run (:func:`scim_conformance.core.terms.gates`).
``checks`` lists every check each test ran — its main check (the ``check``
marker) and every other it judged — as ``pass``, ``fail`` (with the worst
severity of its findings), ``error`` (the test broke before a verdict) or
``skipped``; ``findings`` holds what the failed ones found, a passing test's
reported-only findings included. ``errors`` are a run's other failures, each an
entry of its own: not the target's fault but the harness's or the set-up's (a
fixture that broke, a bug), with its traceback; ``tests`` counts tests as pytest does.
``footprint`` is what the run sent and left on the target (``reporting.footprint``):
``remaining`` users stay, deactivated, on a target that does not delete users.
"""

from __future__ import annotations

import functools
import json
import time
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.terms import PROFILES
from ..results import RunResults
from .environment import target_label, versions
from .grouping import grouped


def write_summary(
    path: Path,
    results: RunResults,
    *,
    started: float,
    url: str | None,
    profiles: str,
    strict: bool,
    exit_code: int,
    setup_error: str | None,
    footprint: dict[str, Any] | None = None,
    interrupted: bool = False,
) -> None:
    """Write the summary of a run against ``url`` (None: the embedded reference server)."""
    summary: dict[str, Any] = {
        "target": target_label(url),
        "embedded": not url,
        "profiles": profiles,
        "strict": strict,
        "exit_code": exit_code,
        "interrupted": interrupted,
        "setup_error": setup_error,
        "versions": versions(),
        "started": datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds"),
        "duration": round(time.time() - started, 3),
        "tests": dict(results.tests),
        "counts": results.counts(),
        "gating": results.gating(strict=strict),
        # What an admin debugging Okta reads first: each Okta operation's verdict per profile.
        "operations": {
            name: {p: (o.to_dict() if o else None) for p, o in row.items()}
            for name, row in results.matrix(_profiles(profiles)).items()
        },
        "checks": results.checks,
        "findings": results.all_findings(),
        # One root cause, one finding: the same failure on many responses, with its count.
        "root_causes": grouped(results.all_findings()),
        "errors": results.errors,
        "cleanup": {**results.cleanup, "leftovers": results.leftovers},
        "footprint": footprint,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@functools.cache
def schema() -> dict[str, Any]:
    """The JSON Schema of summary.json (draft 2020-12), shipped in the package."""
    text = (
        resources.files("scim_conformance.reporting")
        .joinpath("summary.schema.json")
        .read_text(encoding="utf-8")
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _profiles(chosen: str) -> tuple[str, ...]:
    return PROFILES if chosen == "all" else (chosen,)
