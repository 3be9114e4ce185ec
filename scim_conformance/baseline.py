"""Baselines for CI: today's gating findings recorded by check id, so only new ones fail a build.

``--scim-write-baseline FILE`` writes the checks whose findings gate this run
(:func:`~scim_conformance.core.terms.gates`); ``--scim-baseline FILE`` reads them
back: a finding of a baselined check (no worse than its recorded severity) is
reported as ``baselined`` and does not gate; any other gating finding does. A
baselined check whose test ran and found nothing is reported ``fixed`` — and
fails the run under ``--scim-strict``, so that a baseline only ever shrinks
(delete the entry, or write the baseline again).

The file (JSON)::

    {"version": 1, "strict": false,
     "checks": {"user-lifecycle.deactivate-patch": {"severity": "okta", "tests": ["…"]}}}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core.terms import gates, is_severity, rank
from .inventory.selection import owner

__all__ = ["Baseline", "BaselineError", "Judgement", "judge", "read_baseline", "write_baseline"]

VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be read (the message names the file and the problem)."""


@dataclass(frozen=True, slots=True)
class Baseline:
    """Check id → the severity of its findings when the baseline was written."""

    checks: Mapping[str, str]

    def covers(self, finding: Mapping[str, Any]) -> bool:
        """Whether ``finding`` is known: its check is baselined, at this severity or a milder one."""
        known = self.checks.get(str(finding.get("check")))
        severity = finding.get("severity")
        return (
            known is not None
            and is_severity(known)
            and is_severity(severity)
            and rank(severity) >= rank(known)
        )


def read_baseline(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        checks = {str(check): str(entry["severity"]) for check, entry in data["checks"].items()}
    except OSError as exc:
        raise BaselineError(f"cannot read the baseline {str(path)!r}: {exc.strerror}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BaselineError(
            f"{str(path)!r} is not a baseline written by --scim-write-baseline ({type(exc).__name__}: {exc})"
        ) from None
    if unknown := [s for s in checks.values() if not is_severity(s)]:
        raise BaselineError(f"{str(path)!r}: unknown severity {unknown[0]!r}")
    return Baseline(checks)


def write_baseline(path: Path, findings: Iterable[Mapping[str, Any]], *, strict: bool) -> int:
    """Write the checks of the gating ``findings`` (``findings.to_dict`` form); returns how many."""
    checks: dict[str, dict[str, Any]] = {}
    for finding in findings:
        severity = finding["severity"]
        if not gates(severity, strict=strict):
            continue
        entry = checks.setdefault(finding["check"], {"severity": severity, "tests": []})
        if rank(severity) < rank(entry["severity"]):
            entry["severity"] = severity
        if finding.get("test") and finding["test"] not in entry["tests"]:
            entry["tests"].append(finding["test"])
    document = {"version": VERSION, "strict": strict, "checks": dict(sorted(checks.items()))}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(checks)


@dataclass(frozen=True, slots=True)
class Judgement:
    """A run's findings against its baseline."""

    baselined: tuple[str, ...]
    """Baselined checks found again: reported, not gating."""
    new: tuple[str, ...]
    """Gating checks the baseline does not hold: these gate."""
    fixed: tuple[str, ...]
    """Baselined checks whose tests ran and found nothing: gate under ``--scim-strict``."""

    def lines(self) -> list[str]:
        said = [
            f"baseline: {len(self.baselined)} baselined, {len(self.new)} new, {len(self.fixed)} fixed",
        ]
        said += [f"  baselined (does not fail the run): {c}" for c in self.baselined]
        said += [f"  new: {c}" for c in self.new]
        said += [
            f"  fixed: {c} (remove it from the baseline; it fails the run under --scim-strict)"
            for c in self.fixed
        ]
        return said


def judge(
    baseline: Baseline, findings: Iterable[Mapping[str, Any]], ran: Iterable[str], *, strict: bool
) -> Judgement:
    """Compare a run's findings with ``baseline``; ``ran``: the check ids marked on the tests that ran.

    A baselined check counts as run when a test marked with it (or a dotted
    prefix of it) ran; a check no test is marked with (``schema.*``, validated on
    every response) when any test ran.
    """
    findings, ran = list(findings), set(ran)
    found = {str(f["check"]) for f in findings}
    baselined = sorted({str(f["check"]) for f in findings if baseline.covers(f)})
    new = sorted(
        {str(f["check"]) for f in findings if gates(f["severity"], strict=strict) and not baseline.covers(f)}
    )
    fixed = sorted(c for c in baseline.checks if c not in found and _ran(c, ran))
    return Judgement(tuple(baselined), tuple(new), tuple(fixed))


def _ran(check: str, ran: set[str]) -> bool:
    from .inventory.registry import by_id

    if owner(check, ran) is not None:
        return True
    info = by_id().get(check)
    return bool(ran) and info is not None and info.origin == "schema"
