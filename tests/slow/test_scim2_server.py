"""The suites against another SCIM server: scim2-server from PyPI, served on loopback.

A real third-party implementation must come out as a list of findings, each
with its check id and severity: the preflight passes (exit 0 or 1, never 2),
no test ERRORs, and nothing in the output is a traceback of the harness.
"""

from __future__ import annotations

import json
import secrets
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from live_targets import pretty, run_suites, scim2_server

from scim_conformance.core.terms import SEVERITIES

# Slow (scim2-server served, every suite run against it): not in `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

TOKEN = "scim2-" + secrets.token_hex(16)


def test_scim2_server_gives_findings_not_errors(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    with scim2_server(tmp_path, TOKEN) as url:
        result = run_suites(url, TOKEN, reports, "-q", f"--scim-json={tmp_path / 'findings.json'}")
    output = result.stdout + result.stderr
    assert result.returncode in (0, 1), pretty(result)
    assert "INTERNALERROR" not in output, pretty(result)
    assert "Traceback (most recent call last)" not in output, pretty(result)

    summary = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    assert summary["setup_error"] is None
    assert summary["exit_code"] == result.returncode
    assert summary["findings"], "scim2-server is not Okta's contract: the run should find something"
    for finding in summary["findings"]:
        assert finding["check"] and finding["title"], finding
        assert finding["severity"] in SEVERITIES, finding
    assert summary["gating"] == (result.returncode == 1)
    assert summary["cleanup"]["leftovers"] == []
    assert summary["cleanup"]["requests"] <= summary["cleanup"]["created"]

    # Only passed, skipped or failed-with-a-finding: no ERROR, no failure without a check.
    junit = ET.parse(reports / "junit.xml").getroot()
    cases = junit.findall(".//testcase")
    assert cases
    errors = [case.get("name") for case in cases if case.find("error") is not None]
    assert not errors, f"tests ERRORed: {errors}\n{pretty(result)}"
    for case in cases:
        if case.find("failure") is not None:
            names = {p.get("name") for p in case.iter("property")}
            assert {"check", "severity"} <= names, f"{case.get('name')} failed without a finding"

    # The list, for whoever reads the test log (pytest -s).
    print(f"\nscim2-server: exit {result.returncode}, {len(summary['findings'])} findings")
    for finding in summary["findings"]:
        print(f"  [{finding['severity']}] {finding['check']}: {finding['title']}")
