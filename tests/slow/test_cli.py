"""The `scim-conformance run` command: the main job, its reports and its exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

# Slow (each test runs `python -m scim_conformance` in a subprocess): not in `pytest -m "not slow"`.
pytestmark = pytest.mark.slow


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("SCIM_URL", "SCIM_TOKEN")}
    return subprocess.run(
        [sys.executable, "-m", "scim_conformance", *args],
        cwd=cwd,
        env={**environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_run_against_the_embedded_server_writes_three_reports(tmp_path: Path) -> None:
    # A project file with warnings-as-errors around the working directory must not
    # leak into the suites' configuration.
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\nfilterwarnings = ["error"]\n')
    result = run_cli("run", "-q", "-k", "connection or lifecycle", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    reports = tmp_path / "reports"
    summary = json.loads((reports / "summary.json").read_text())
    assert summary["exit_code"] == 0 and summary["embedded"] is True
    assert summary["counts"] == {"security": 0, "okta": 0, "rfc": 0}
    assert summary["cleanup"]["created"] > 0 and summary["cleanup"]["leftovers"] == []
    junit = ET.parse(reports / "junit.xml").getroot()
    assert int(junit.find("testsuite").get("tests")) >= 4  # type: ignore[union-attr]
    assert "<html" in (reports / "report.html").read_text()[:500].lower()


def test_run_with_a_custom_report_directory_and_profile(tmp_path: Path) -> None:
    result = run_cli(
        "run", "--reports", "out", "--okta-profile", "aiw", "-q", "-k", "lifecycle", cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["profiles"] == "aiw"
    names = [case.get("name", "") for case in ET.parse(tmp_path / "out" / "junit.xml").iter("testcase")]
    assert names == ["test_user_lifecycle[aiw]"]


def test_unreachable_target_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli(
        "run", "-q", cwd=tmp_path, env={"SCIM_URL": "http://127.0.0.1:1/scim/v2", "SCIM_TOKEN": "t"}
    )
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert "refused" in output and "Traceback" not in output
    assert " passed" not in output and " failed" not in output


def test_unwritable_report_directory_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    result = run_cli("run", "--reports", "file/reports", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("scim-conformance: error: cannot create the report directory")
    assert "Traceback" not in result.stderr


def test_serve_rejects_unknown_options(tmp_path: Path) -> None:
    result = run_cli("serve", "--bogus", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
