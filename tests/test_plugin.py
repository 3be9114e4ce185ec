"""The plugin's behaviour: severity gating, kept findings, the probe's requests, cleanup by DELETE or PUT."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from suite_runs import SUITES, found_checks, mutant_args, read_summary, run_suites

# -- severity gating (CONTRACT §5) ---------------------------------------------------
# Slow: the check suites in-process against a mutant, once or twice per test.


@pytest.mark.slow
def test_rfc_findings_pass_by_default_and_fail_strict(pytester: pytest.Pytester, tmp_path: Path) -> None:
    summary_path = tmp_path / "summary.json"
    lenient = run_suites(pytester, *mutant_args("text_json"), f"--scim-json={summary_path}")
    assert set(found_checks(read_summary(summary_path)).values()) == {"rfc"}
    assert lenient.ret == 0, lenient.stdout.str()
    lenient.stdout.fnmatch_lines(["*rfc findings do not fail the run without --scim-strict*"])
    strict = run_suites(pytester, *mutant_args("text_json"), "--scim-strict")
    assert strict.ret == 1, strict.stdout.str()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mutant", "severity"), [("uuid_ids_only", "okta"), ("any_bearer_token", "security")]
)
def test_okta_and_security_findings_fail_the_run(
    pytester: pytest.Pytester, tmp_path: Path, mutant: str, severity: str
) -> None:
    summary_path = tmp_path / "summary.json"
    result = run_suites(pytester, *mutant_args(mutant), f"--scim-json={summary_path}")
    summary = read_summary(summary_path)
    # (the schema checks may add rfc findings: the worst severity decides)
    assert severity in found_checks(summary).values()
    assert summary["counts"][{"okta": "security", "security": "okta"}[severity]] == 0
    assert result.ret == 1
    assert summary["exit_code"] == 1 and summary["gating"] is True


def test_a_harness_error_is_not_a_finding_and_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_without_marker(probe):
            pass
        """
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*uses the probe fixture without a @pytest.mark.check marker*"])
    assert result.ret == 1


# -- findings the probe kept --------------------------------------------------------

KEPT = """
import pytest

@pytest.mark.check("demo.kept", severity="rfc", requirement="RFC 0000 §0: demo (MUST)")
def test_two_rfc_deviations(probe):
    response = probe.request("GET", "/Users", query="startIndex=1&count=1")
    probe.expect(False, "first deviation", expected="a", got="b")
    probe.expect(False, "second deviation", expected="c", got="d")
    probe.expect_status(response, 200)  # the test goes on after kept findings

@pytest.mark.check("demo.clean", severity="rfc", requirement="RFC 0000 §0: demo (MUST)")
def test_no_deviation(probe):
    probe.expect(True, "never shown", expected="a", got="a")
"""


def test_kept_rfc_findings_fail_the_test_that_went_on(pytester: pytest.Pytester, tmp_path: Path) -> None:
    pytester.makepyfile(KEPT)
    summary_path = tmp_path / "summary.json"
    result = pytester.runpytest_inprocess(f"--scim-json={summary_path}", "--scim-strict")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*- first deviation*", "*- second deviation*"])
    titles = [f["title"] for f in read_summary(summary_path)["findings"]]
    assert titles == ["first deviation", "second deviation"]


def test_kept_rfc_findings_are_reported_on_a_passing_test_without_strict(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    pytester.makepyfile(KEPT)
    summary_path = tmp_path / "summary.json"
    result = pytester.runpytest_inprocess(f"--scim-json={summary_path}", "-rP", "-v")
    result.assert_outcomes(passed=2)
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        ["*test_two_rfc_deviations PASSED (findings that do not gate)*", "*- first deviation*"]
    )
    summary = read_summary(summary_path)
    assert [f["title"] for f in summary["findings"]] == ["first deviation", "second deviation"]
    assert summary["tests"]["passed"] == 2 and summary["gating"] is False


# -- the probe's requests -----------------------------------------------------------

CREDENTIALS = """
import pytest

@pytest.mark.check("demo.credentials", severity="rfc", requirement="RFC 0000 §0: demo (MUST)")
def test_credentials(probe):
    def authorization():
        headers = {k.lower(): v for k, v in probe.exchanges()[-1].request_headers}
        return headers.get("authorization")

    assert probe.request("GET", "/Users").status_code == 200
    assert authorization() == "Bearer [REDACTED]"
    assert probe.request("GET", "/Users", anonymous=True).status_code == 401
    assert authorization() is None
    assert probe.request("GET", "/Users", headers={"Authorization": "non-token"}).status_code == 401
    assert authorization() == "[REDACTED]"
"""


def test_probe_sends_the_token_none_or_another(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(CREDENTIALS)
    pytester.runpytest_inprocess().assert_outcomes(passed=1)


# -- cleanup: DELETE when the target deletes users, else deactivating PUTs ------------

# Records, after the last test body, which requests the cleanup sends.
CLEANUP_SPY = """
import json
import pytest
from scim_conformance import plugin

marks = []

@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    marks.append(plugin.session_target(item.config).recorder.mark())
    return result

def pytest_sessionfinish(session):
    recorder = plugin.session_target(session.config).recorder
    sent = [
        [e.method, e.url.rsplit("/scim/v2", 1)[1].split("/")[1], e.request_json()]
        for e in recorder.since(marks[-1])
    ]
    with open("cleanup.json", "w") as out:
        json.dump(sent, out)
"""


@pytest.mark.parametrize(("mutant", "user_method"), [("user_delete", "DELETE"), (None, "PUT")])
def test_cleanup_follows_what_the_user_delete_check_found(
    pytester: pytest.Pytester, mutant: str | None, user_method: str
) -> None:
    pytester.makepyfile(cleanup_spy=CLEANUP_SPY)
    pytester.syspathinsert()
    files = (str(SUITES / "test_resources.py"),)
    args = ("-p", "cleanup_spy", *(mutant_args(mutant) if mutant else ()))
    result = run_suites(pytester, *args, files=files)
    assert result.ret == 0, result.stdout.str()
    sent = json.loads((pytester.path / "cleanup.json").read_text())
    users = [(method, body) for method, kind, body in sent if kind == "Users"]
    groups = [method for method, kind, _ in sent if kind == "Groups"]
    assert users and groups
    assert {method for method, _ in users} == {user_method}
    assert set(groups) == {"DELETE"}
    if user_method == "PUT":
        assert all(body["active"] is False for _, body in users)
    result.stdout.fnmatch_lines(["cleanup: * requests for * created resources"])
    result.stdout.no_fnmatch_line("*not cleaned up*")


@pytest.mark.parametrize("wildcard", ["0.0.0.0", "::"])
def test_serve_prints_the_machine_name_for_every_interface(wildcard: str) -> None:
    """`serve --host 0.0.0.0` prints a URL a person can paste into Okta: the machine's name."""
    import socket

    from scim_conformance.cli import url_host

    assert url_host(wildcard) == socket.getfqdn() != wildcard
    assert url_host("127.0.0.1") == "127.0.0.1"
    assert url_host("::1") == "[::1]"
