"""The `scim-conformance run` command: the main job, its reports and its exit codes."""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
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


# -- exit codes (README: 0, 1, 2, 130), each with its one line ---------------------------


def test_a_gating_finding_is_exit_1(tmp_path: Path) -> None:
    result = run_cli(
        "run", "-q", "--scim-app", "scim_conformance.mutants:patch_not_applied", "--okta-profile", "oin",
        "-k", "lifecycle", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    summary = json.loads((tmp_path / "reports" / "summary.json").read_text())
    assert summary["exit_code"] == 1 and summary["counts"]["okta"] > 0 and summary["interrupted"] is False
    # The short summary names the test by its node id in the suites, not by a path from the cwd.
    assert "FAILED test_okta_sequences.py::test_user_lifecycle[oin]" in result.stdout


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--scim-urll", "http://x"], "unrecognized option --scim-urll (did you mean --scim-url?)"),
        (["--okta-profil=aiw"], "unrecognized option --okta-profil (did you mean --okta-profile?)"),
        (["--scim-examples", "0"], "argument --scim-examples: not a positive count: '0'"),
        (["--scim-timeout", "0"], "argument --scim-timeout: not a positive number of seconds: '0'"),
        (
            ["--hypothesis-profile", "bogus"],
            "--hypothesis-profile 'bogus' is not a registered profile (use one of dev, ci, thorough)",
        ),
        (
            ["--okta-profile", "x"],
            "argument --okta-profile: invalid choice: 'x' (choose from 'aiw', 'oin', 'all')",
        ),
        (["-k", "no_such_test"], "no test matches the selection (-k 'no_such_test')"),
        (["-n", "2", "-m", "no_such_marker"], "no test matches the selection (-m 'no_such_marker')"),
    ],
    ids=["misspelled", "misspelled-with-value", "examples-0", "timeout-0", "hypothesis-profile",
         "okta-profile", "no-test-selected", "no-test-selected-xdist"],
)  # fmt: skip
def test_a_usage_error_is_exit_2_and_one_line(tmp_path: Path, args: list[str], line: str) -> None:
    result = run_cli("run", "-q", *args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines() == [f"scim-conformance: error: {line}"]
    output = result.stdout + result.stderr
    for noise in ("usage:", "INTERNALERROR", "Traceback", "pytest.main()"):
        assert noise not in output, output


def test_real_pytest_options_still_pass_through(tmp_path: Path) -> None:
    result = run_cli("run", "-q", "-x", "--tb=line", "-p", "no:randomly", "-k", "connection", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_the_header_names_the_target_and_profiles_and_paths_are_the_suites(tmp_path: Path) -> None:
    result = run_cli("run", "--okta-profile", "aiw", "-k", "connection or round_trip", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "scim-conformance: target the embedded reference server (in-process); Okta profiles aiw; "
        "hypothesis profile dev"
    )
    # The suites' files, as from their own directory (not ../../…/site-packages/…).
    shown = [line.split()[0] for line in lines if line.startswith("test_") and ".py " in line]
    assert shown == ["test_connection.py", "test_okta_sequences.py", "test_properties.py"], lines


def test_version_and_help_exit_0(tmp_path: Path) -> None:
    version = run_cli("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("scim-conformance ")
    help_text = run_cli("run", "--help", cwd=tmp_path)
    assert help_text.returncode == 0 and "--scim-max-users N" in help_text.stdout


def test_ctrl_c_is_130_after_cleanup_and_reports(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if k not in ("SCIM_URL", "SCIM_TOKEN")}
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            # The property suites take a while: Ctrl-C lands mid-run.
            [sys.executable, "-m", "scim_conformance", "run", "-k", "properties", "--okta-profile", "aiw"],
            cwd=tmp_path, env=environ, stdout=stdout, stderr=stderr,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            # Once the first test has reported, some users exist to clean up.
            while "test_properties.py ." not in out.read_text():
                assert process.poll() is None and time.monotonic() < deadline, out.read_text()
                time.sleep(0.1)
            process.send_signal(signal.SIGINT)
            returncode = process.wait(timeout=120)
        finally:
            process.kill()
    stdout_text, stderr_text = out.read_text(), err.read_text()
    assert returncode == 130, stdout_text + stderr_text
    # (pytest's own "KeyboardInterrupt" banner is not asserted: its terminal reporter
    # sometimes fails to render the interrupted frame, and the CLI then goes on without it.)
    assert "Traceback" not in stdout_text + stderr_text
    assert stderr_text.splitlines() == [
        "scim-conformance: interrupted: cleaned up, reports written to reports/"
    ]
    reports = tmp_path / "reports"
    summary = json.loads((reports / "summary.json").read_text())
    assert summary["interrupted"] is True and summary["exit_code"] == 130
    # Cleanup ran before the reports: what was created is cleaned, nothing left over.
    assert summary["cleanup"]["created"] > 0 and summary["cleanup"]["leftovers"] == []
    assert summary["cleanup"]["requests"] == summary["cleanup"]["created"]
    assert summary["footprint"]["users"]["created"] > 0
    assert (reports / "junit.xml").exists() and (reports / "report.html").exists()


# -- a target that answers, but not as SCIM ---------------------------------------------

LOGIN_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Sign in - Example SSO</title></head><body>...</body></html>\n"
)


class _LoginPage(http.server.BaseHTTPRequestHandler):
    """What a proxy in front of the real service answers: an SSO login page, 200, for any path."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(LOGIN_PAGE)))
        self.end_headers()
        self.wfile.write(LOGIN_PAGE)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet test output


@pytest.fixture
def login_page_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _LoginPage)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/scim/v2"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_a_200_that_is_not_scim_stops_at_the_preflight(tmp_path: Path, login_page_url: str) -> None:
    result = run_cli("run", "-q", cwd=tmp_path, env={"SCIM_URL": login_page_url, "SCIM_TOKEN": "t0ken"})
    assert result.returncode == 2, result.stdout + result.stderr
    output = (result.stdout + result.stderr).splitlines()
    matching = [line for line in output if "answered 200" in line]
    assert matching == [
        f"scim-conformance: cannot test the target: GET {login_page_url}/Users answered 200 text/html; "
        "charset=utf-8, not a SCIM ListResponse: '<!DOCTYPE html> <html><head><title>Sign in - Example SSO"
        "</title></head><body>...…'; is --scim-url the SCIM root URL? It looks like "
        "https://zentral.example.com/public/realms/<realm uuid>/scim/v2 (an SSO login page or a web app "
        "answers when the URL misses the SCIM API or a proxy intercepts it)"
    ]
    assert " passed" not in result.stdout and " failed" not in result.stdout
    summary = json.loads((tmp_path / "reports" / "summary.json").read_text())
    assert summary["exit_code"] == 2 and "not a SCIM ListResponse" in summary["setup_error"]


def test_ctrl_c_under_xdist_is_130_and_adds_up_every_worker_s_cleanup(tmp_path: Path) -> None:
    from live_targets import read_log, reference_server, scim_path

    token, log = "ctrl-c-" + os.urandom(8).hex(), tmp_path / "requests.jsonl"
    environ = {k: v for k, v in os.environ.items() if k not in ("SCIM_URL", "SCIM_TOKEN")}
    out = tmp_path / "stdout"

    def created(kind: str) -> int:
        entries = read_log(log) if log.exists() else []
        return sum(
            1 for e in entries if e["method"] == "POST" and scim_path(e) == [kind] and e["status"] == 201
        )

    with reference_server(tmp_path, token, log=log) as served, out.open("w") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "scim_conformance", "run", "-n", "2", "-k", "properties"],
            cwd=tmp_path, env={**environ, "SCIM_URL": served.base_url, "SCIM_TOKEN": token},
            stdout=stdout, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 90
            while created("Users") < 3:  # both workers under way, users to clean up
                assert process.poll() is None and time.monotonic() < deadline, out.read_text()
                time.sleep(0.1)
            process.send_signal(signal.SIGINT)  # to the controller only: it interrupts the workers
            _, stderr_text = process.communicate(timeout=120)
        finally:
            process.kill()
        users, groups = created("Users"), created("Groups")
    assert process.returncode == 130, out.read_text() + stderr_text
    assert "Traceback" not in stderr_text
    summary = json.loads((tmp_path / "reports" / "summary.json").read_text())
    assert summary["interrupted"] is True and summary["exit_code"] == 130
    # The totals are every worker's, counted once: what the server saw created.
    footprint = summary["footprint"]
    assert (footprint["users"]["created"], footprint["groups"]["created"]) == (users, groups)
    assert summary["cleanup"]["created"] == users + groups
    assert summary["cleanup"]["requests"] == users + groups and summary["cleanup"]["leftovers"] == []
    assert footprint["groups"]["remaining"] == 0
