"""``--scim-json PATH``: the machine-readable summary a CI pipeline reads.

    {"target", "embedded", "profiles", "strict", "exit_code", "interrupted", "setup_error",
     "counts": {"security", "okta", "rfc"}, "gating": bool,
     "operations": {operation: {profile: outcome or null}},
     "findings": [finding…], "root_causes": [finding + occurrences, examples…],
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
``footprint`` is what the run sent and left on the target (``reporting.footprint``):
``remaining`` users stay, deactivated, on a target that does not delete users.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.terms import PROFILES
from ..results import RunResults
from .grouping import grouped


def write_summary(
    path: Path,
    results: RunResults,
    *,
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
        "target": url or "embedded reference server (in-process)",
        "embedded": not url,
        "profiles": profiles,
        "strict": strict,
        "exit_code": exit_code,
        "interrupted": interrupted,
        "setup_error": setup_error,
        "counts": results.counts(),
        "gating": results.gating(strict=strict),
        # What an admin debugging Okta reads first: each Okta operation's verdict per profile.
        "operations": {
            name: {p: (o.to_dict() if o else None) for p, o in row.items()}
            for name, row in results.matrix(_profiles(profiles)).items()
        },
        "findings": results.all_findings(),
        # One root cause, one finding: the same failure on many responses, with its count.
        "root_causes": grouped(results.all_findings()),
        "cleanup": {**results.cleanup, "leftovers": results.leftovers},
        "footprint": footprint,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _profiles(chosen: str) -> tuple[str, ...]:
    return PROFILES if chosen == "all" else (chosen,)
