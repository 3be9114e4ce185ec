"""What each test's report carries: its findings, the gate's verdict on it, the checks it ran, its error.

One verdict everywhere (issue 9 §3): a test case fails exactly when it has a
finding that gates (:func:`~scim_conformance.core.terms.gates`: ``security``,
``okta``, and ``rfc`` with ``--scim-strict``) or an error. A test whose findings
all do not gate passes — in the terminal, JUnit XML and pytest-html alike —
and carries them as JUnit ``<property>`` entries and as captured output (JUnit
``<system-out>`` with ``junit_logging = system-out``, which the suites'
``pytest.ini`` sets), so GitHub, GitLab and Jenkins show the verdict the exit
code gives.

Whatever is put on a report is a plain string (JSON): xdist serialises the
workers' reports to the controller and keeps such attributes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import pytest

from .. import findings
from ..core.redaction import redact_text
from ..core.terms import Severity, rank
from ..errors import ConformanceFailure

__all__ = ["REPORTED_HEADING", "annotate", "checks_of_test"]

REPORTED_HEADING: Final = "scim-conformance: findings that do not fail the run (reported only)"
"""The first line of a passing test's findings in its captured output."""

_DETAIL_LIMIT: Final = 4000
"""Characters of an error's traceback kept in summary.json (its end: where it was raised)."""


def annotate(
    item: pytest.Item,
    report: pytest.TestReport,
    call: pytest.CallInfo[None],
    *,
    gate: Callable[[Mapping[str, Any]], bool],
    secrets: list[str],
) -> None:
    """Put the test's findings, checks and error on ``report``; a test whose findings do not gate passes.

    The checks are those of a conformance test (one with a ``check`` marker); the
    plugin loads in every pytest run of an environment where the package is
    installed, and a test without one has no check to list.
    """
    marker = item.get_closest_marker("check")
    check = str(marker.args[0]) if marker is not None and marker.args else None
    error = call.excinfo.value if call.excinfo is not None else None
    found: list[dict[str, Any]] = []
    if report.when == "call" and isinstance(error, ConformanceFailure):
        found = _findings(item, report, error, gate=gate, secrets=secrets)
    elif report.failed:
        report.scim_error = json.dumps(_error(report, check, secrets))  # type: ignore[attr-defined]
    if marker is None or check is None:
        return
    # The checks' verdicts come from the call, or from a setup that skipped or errored
    # (then nothing ran); a teardown error is an error of its own, the verdicts stand.
    if report.when == "call" or (report.when == "setup" and not report.passed):
        probe = getattr(item, "funcargs", {}).get("probe")
        judged: Mapping[str, Severity | None] = getattr(probe, "judged", {}) if report.when == "call" else {}
        checks = checks_of_test(
            report.nodeid,
            (check, marker.kwargs.get("severity")),
            judged,
            found,
            outcome="error" if report.failed and not found else "skipped" if report.skipped else "ran",
        )
        report.scim_checks = json.dumps(checks)  # type: ignore[attr-defined]


def _findings(
    item: pytest.Item,
    report: pytest.TestReport,
    failure: ConformanceFailure,
    *,
    gate: Callable[[Mapping[str, Any]], bool],
    secrets: list[str],
) -> list[dict[str, Any]]:
    # Exchanges were redacted when recorded; the rest of a finding (hypothesis's notes
    # on the failing example, say) is scrubbed of the token here.
    text = redact_text(findings.render(failure), secrets)
    found = [findings.to_dict(f, item.nodeid) for f in failure.all()]
    report.scim_findings = redact_text(json.dumps(found), secrets)  # type: ignore[attr-defined]
    gating = any(gate(f) for f in found)
    properties = [
        ("check", failure.check),
        ("severity", failure.severity),
        ("requirement", failure.requirement),
        ("profiles", ",".join(failure.profiles)),
        # Whether this case's findings fail the run: a passing case may carry rfc findings.
        ("gating", "true" if gating else "false"),
    ]
    # Each report copies item.user_properties when it is made, and JUnit XML
    # writes those of the teardown report: the item must hold them too.
    item.user_properties.extend(properties)
    report.user_properties += properties
    if gating:
        report.longrepr = text
    else:
        # Reported, not failed (CONTRACT §5): the case passes, its findings in its output.
        report.outcome = "passed"
        report.longrepr = None
        # As captured stdout of the call: pytest's JUnit writer takes <system-out> from the
        # teardown report, which copies the item's sections; the call's report is made already.
        output = f"{REPORTED_HEADING}\n\n{text}\n"
        item.add_report_section("call", "stdout", output)
        report.sections.append(("Captured stdout call", output))
    from .html import findings_html

    _add_html(report, findings_html(failure.all(), secrets))
    return found


def _add_html(report: pytest.TestReport, html: str) -> None:
    try:
        from pytest_html import extras
    except ImportError:  # pragma: no cover - pytest-html is a dependency
        return
    # Inline HTML, not a text extra: in a self-contained report pytest-html turns a
    # text extra into a data: link, which browsers refuse to open from a file.
    report.extras = [*getattr(report, "extras", []), extras.html(html)]  # type: ignore[attr-defined]


def _error(report: pytest.TestReport, check: str | None, secrets: list[str]) -> dict[str, Any]:
    """A test's error (a harness error, a bug, a failed fixture) as an entry of summary.json."""
    crash = getattr(report.longrepr, "reprcrash", None)
    lines = str(getattr(crash, "message", "") or report.longreprtext).strip().splitlines()
    detail = report.longreprtext
    if len(detail) > _DETAIL_LIMIT:
        detail = "…" + detail[-_DETAIL_LIMIT:]
    return {
        "test": report.nodeid,
        "when": report.when,
        "check": check,
        "title": redact_text(lines[0] if lines else f"{report.when} failed", secrets),
        "detail": redact_text(detail, secrets),
    }


def checks_of_test(
    nodeid: str,
    declared: tuple[str, Severity | None],
    judged: Mapping[str, Severity | None],
    found: Iterable[Mapping[str, Any]],
    *,
    outcome: str,
) -> list[dict[str, Any]]:
    """Each check a test ran and how it came out: ``pass``, ``fail``, ``error`` or ``skipped``.

    ``declared`` is the test's ``check`` marker (its main check and severity),
    ``judged`` every check the probe judged, ``found`` the test's findings;
    ``outcome`` is ``ran``, ``error`` (the test errored: its main check has no
    verdict) or ``skipped``. A check with a finding failed, with the worst
    severity of its findings; one judged without a finding passed.
    """
    checks: dict[str, Severity | None] = {declared[0]: declared[1], **judged}
    failing: dict[str, list[Severity]] = {}
    for finding in found:
        checks.setdefault(finding["check"], finding["severity"])
        failing.setdefault(finding["check"], []).append(finding["severity"])
    entries = []
    for check, declared_severity in checks.items():
        severity: Severity | None = declared_severity
        if check in failing:
            worst: Severity = min(failing[check], key=rank)
            status, severity = "fail", worst
        elif outcome == "skipped":
            status = "skipped"
        elif outcome == "error" and check == declared[0]:
            status = "error"
        else:
            status = "pass"
        entries.append({"test": nodeid, "check": check, "outcome": status, "severity": severity})
    return entries
