"""JUnit XML, report.html and summary.json give the verdict the exit code gives (issue 9 §3).

A test case fails exactly when it has a finding that gates (security, okta; rfc
with ``--scim-strict``) or an error; rfc findings without ``--scim-strict`` are
properties and system-out of a passing case, so CI servers that read JUnit show
the run as green as its exit code says.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

# Slow (`scim-conformance run` in a subprocess, a pytester run): not in `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

# A server whose only fault is rfc: no Location header on a create (RFC 7644 §3.3).
RFC_ONLY = ("--scim-app", "scim_conformance.mutants:no_location", "-k", "location")


def run(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    environ = {k: v for k, v in os.environ.items() if k not in ("SCIM_URL", "SCIM_TOKEN")}
    reports = tmp_path / "reports"
    result = subprocess.run(
        [sys.executable, "-m", "scim_conformance", "run", "--reports", str(reports), "-q", *args],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result, reports


def suite_of(reports: Path) -> ET.Element:
    suite = ET.parse(reports / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    return suite


def properties(case: ET.Element) -> dict[str, str | None]:
    return {p.get("name", ""): p.get("value") for p in case.iter("property")}


def summary_of(reports: Path) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    return summary


def test_an_rfc_only_run_is_green_in_junit_with_the_finding_as_property_and_output(tmp_path: Path) -> None:
    result, reports = run(tmp_path, *RFC_ONLY)
    assert result.returncode == 0, result.stdout + result.stderr
    suite = suite_of(reports)
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "0", "0")
    cases = suite.findall("testcase")
    assert {c.get("name") for c in cases} == {
        "test_created_resource_has_location[/Users]",
        "test_created_resource_has_location[/Groups]",
    }
    for case in cases:
        assert case.find("failure") is None and case.find("error") is None
        found = properties(case)
        assert found["check"] == "resources.location"
        assert found["severity"] == "rfc"
        assert found["gating"] == "false"
        assert str(found["requirement"]).startswith("RFC 7644 §3.3")
        output = case.findtext("system-out") or ""
        assert "findings that do not fail the run" in output
        assert "no Location header" in output and "Reproduce with:" in output
    # The terminal, the HTML report and summary.json say the same.
    assert "2 passed" in result.stdout
    summary = summary_of(reports)
    assert summary["exit_code"] == 0 and summary["gating"] is False
    assert summary["tests"] == {"passed": 2, "failed": 0, "errored": 0, "skipped": 0}
    assert summary["counts"] == {"security": 0, "okta": 0, "rfc": 2}
    located = [c for c in summary["checks"] if c["check"] == "resources.location"]
    assert [(c["outcome"], c["severity"]) for c in located] == [("fail", "rfc")] * 2
    # Checks that passed are listed too: each response's schema validation.
    assert {"schema.user", "schema.group"} <= {
        c["check"] for c in summary["checks"] if c["outcome"] == "pass"
    }
    html = (reports / "report.html").read_text(encoding="utf-8")
    assert '<title id="head-title">SCIM conformance — embedded reference server' in html
    assert '<span class="failed">0 Failed,' in html and '<span class="passed">2 Passed,' in html


def test_the_same_run_strict_fails_those_cases(tmp_path: Path) -> None:
    result, reports = run(tmp_path, *RFC_ONLY, "--scim-strict")
    assert result.returncode == 1, result.stdout + result.stderr
    suite = suite_of(reports)
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "2", "0")
    for case in suite.findall("testcase"):
        assert properties(case)["gating"] == "true"
        failure = case.find("failure")
        assert failure is not None and "no Location header" in str(failure.text)
    summary = summary_of(reports)
    assert summary["exit_code"] == 1 and summary["gating"] is True
    assert summary["tests"]["failed"] == 2


ERRORS = """
import pytest

@pytest.fixture
def broken():
    raise RuntimeError("fixture broke")

@pytest.mark.check("demo.error", severity="okta", requirement="demo (MUST)")
def test_setup_error(broken):
    pass

@pytest.mark.check("demo.bug", severity="okta", requirement="demo (MUST)")
def test_call_error():
    raise KeyError("a bug in a suite")

@pytest.mark.check("demo.skipped", severity="rfc", requirement="demo (MUST)")
def test_skipped():
    pytest.skip("nothing to do")
"""


def test_errors_are_entries_of_their_own_and_fail_the_run(pytester: pytest.Pytester, tmp_path: Path) -> None:
    pytester.makepyfile(ERRORS)
    summary_path, junit = tmp_path / "summary.json", tmp_path / "junit.xml"
    result = pytester.runpytest_inprocess(f"--scim-json={summary_path}", f"--junitxml={junit}")
    result.assert_outcomes(failed=1, errors=1, skipped=1)
    assert result.ret == 1
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    assert summary["exit_code"] == 1
    assert summary["tests"] == {"passed": 0, "failed": 1, "errored": 1, "skipped": 1}
    assert summary["findings"] == []
    errors = {e["check"]: e for e in summary["errors"]}
    assert set(errors) == {"demo.error", "demo.bug"}
    assert errors["demo.error"]["when"] == "setup" and "fixture broke" in errors["demo.error"]["title"]
    assert errors["demo.bug"]["when"] == "call" and "a bug in a suite" in errors["demo.bug"]["detail"]
    outcomes = {c["check"]: c["outcome"] for c in summary["checks"]}
    assert outcomes == {"demo.error": "error", "demo.bug": "error", "demo.skipped": "skipped"}
    root = ET.parse(junit).getroot().find("testsuite")
    assert root is not None and (root.get("failures"), root.get("errors")) == ("1", "1")
