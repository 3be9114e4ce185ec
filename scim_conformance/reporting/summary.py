"""``--scim-json PATH``: the machine-readable summary a CI pipeline reads.

    {"target", "embedded", "profiles", "strict", "exit_code", "setup_error",
     "counts": {"security", "okta", "rfc"}, "gating": bool,
     "findings": [finding…], "cleanup": {"created", "requests", "leftovers"}}

Each finding is the dict of :func:`scim_conformance.findings.to_dict`; its
exchanges are redacted at recording time, so the file holds no secret.
``gating`` says whether some finding fails the run (:func:`scim_conformance.core.terms.gates`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..results import RunResults


def write_summary(
    path: Path,
    results: RunResults,
    *,
    url: str | None,
    profiles: str,
    strict: bool,
    exit_code: int,
    setup_error: str | None,
) -> None:
    """Write the summary of a run against ``url`` (None: the embedded reference server)."""
    summary: dict[str, Any] = {
        "target": url or "embedded reference server (in-process)",
        "embedded": not url,
        "profiles": profiles,
        "strict": strict,
        "exit_code": exit_code,
        "setup_error": setup_error,
        "counts": results.counts(),
        "gating": results.gating(strict=strict),
        "findings": results.all_findings(),
        "cleanup": {**results.cleanup, "leftovers": results.leftovers},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
