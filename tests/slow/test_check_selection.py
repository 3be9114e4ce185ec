"""``scim-conformance run --check ID`` runs only the tests holding those checks."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_cli import run_cli  # tests/slow/test_cli.py (the run command in a subprocess)

pytestmark = pytest.mark.slow


def _cases(reports: Path) -> list[str]:
    return [case.get("name", "") for case in ET.parse(reports / "junit.xml").iter("testcase")]


def test_run_check_prefix_runs_the_tests_holding_it(tmp_path: Path) -> None:
    result = run_cli("run", "--check", "user-lifecycle", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _cases(tmp_path / "reports") == ["test_user_lifecycle[aiw]", "test_user_lifecycle[oin]"]
    assert "deselected" in result.stdout


def test_run_two_checks_of_different_suites(tmp_path: Path) -> None:
    result = run_cli(
        "run", "--check", "errors.auth.bad-token", "--check", "group-push.rename-patch", "-q", cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    names = sorted(_cases(tmp_path / "reports"))
    # group-push.rename-patch is a step of the catalogue's group-push sequence, which runs per profile.
    assert [n for n in names if not n.startswith("test_bad_token_is_refused[")] == [
        "test_group_push[aiw]",
        "test_group_push[oin]",
    ]
    assert len(names) > 2
    summary = json.loads((tmp_path / "reports" / "summary.json").read_text())
    assert summary["exit_code"] == 0


def test_checks_into_a_closed_pipe_is_no_traceback() -> None:
    import subprocess
    import sys

    # The reader is gone before the command writes (``checks | head -1`` when head has exited).
    process = subprocess.Popen(
        [sys.executable, "-m", "scim_conformance", "checks"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    with process.stderr:
        err = process.stderr.read().decode()
    assert process.wait(60) == 1 and "Traceback" not in err, err
