"""``--scim-json PATH``: the machine-readable summary a CI pipeline reads.

    {"target", "embedded", "profiles", "strict", "exit_code", "setup_error",
     "counts": {"security", "okta", "rfc"}, "gating": bool,
     "findings": [finding…], "cleanup": {"created", "requests", "leftovers"}}

Each finding is the dict of :func:`scim_conformance.findings.to_dict`; its
exchanges are redacted at recording time, so the file holds no secret.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..plugin import setup_error

if TYPE_CHECKING:
    from ..plugin import _Session


def write_summary(path: Path, session: _Session, exit_code: int) -> None:
    config = session.config
    findings = session.all_findings()
    counts = {s: sum(1 for f in findings if f["severity"] == s) for s in ("security", "okta", "rfc")}
    strict = bool(config.getoption("scim_strict"))
    summary: dict[str, Any] = {
        "target": config.getoption("scim_url") or "embedded reference server (in-process)",
        "embedded": not config.getoption("scim_url"),
        "profiles": config.getoption("okta_profile"),
        "strict": strict,
        "exit_code": exit_code,
        "setup_error": setup_error(config),
        "counts": counts,
        "gating": bool(counts["security"] or counts["okta"] or (strict and counts["rfc"])),
        "findings": findings,
        "cleanup": {**session.cleanup, "leftovers": session.leftovers},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
