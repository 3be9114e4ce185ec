"""What a user reads: the failure text, the JSON summary, JUnit properties, and no secret anywhere."""

from __future__ import annotations

import re
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from appserver import serving
from suite_runs import CHECK_SUITES, mutant_args, read_summary, run_suites

# Slow (whole suites against mutants; a CLI subprocess): not in `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

CURL_AUTH = '"Authorization: Bearer $SCIM_TOKEN"'


def test_failure_shows_requirement_exchanges_and_curl(pytester: pytest.Pytester) -> None:
    # Strict: an rfc finding fails its test only then (without, it is the passing test's output).
    result = run_suites(pytester, *mutant_args("no_location"), "--scim-strict", "-k", "location and Users")
    result.assert_outcomes(failed=1, deselected=result.parseoutcomes()["deselected"])
    result.stdout.fnmatch_lines(
        [
            "- POST /Users: no Location header",
            "  Check:          resources.location (rfc; Okta profiles: aiw, oin)",
            "  Okta operation: Create user / Create group",
            "  Requirement:    RFC 7644 §3.3: * (MUST)",
            "  Expected:       Location: http://reference.scim.test/*/Users/* (= meta.location)",
            "  Got:            no Location header",
            "  Exchanges so far (1):",
            "    #1 POST http://reference.scim.test/public/realms/*/scim/v2/Users → 201 (*",
            "    > Authorization: Bearer [REDACTED]",
            "    < 201 Created",
            "  Reproduce with:",
            f"    curl -sS -X POST 'http://reference.scim.test/*/Users' *-H {CURL_AUTH}*--data-binary '{{*",
        ]
    )


def test_json_summary_lists_each_finding_fully(pytester: pytest.Pytester, tmp_path: Path) -> None:
    summary_path = tmp_path / "reports" / "summary.json"
    result = run_suites(pytester, *mutant_args("uuid_ids_only"), f"--scim-json={summary_path}")
    summary = read_summary(summary_path)
    assert result.ret == summary["exit_code"] == 1
    assert summary["embedded"] is True and summary["strict"] is False and summary["gating"] is True
    assert summary["counts"]["security"] == 0
    assert summary["counts"]["okta"] == 4  # 2 endpoints x 2 non-UUID ids
    assert summary["setup_error"] is None
    not_found = [f for f in summary["findings"] if f["check"] == "errors.not-found"]
    assert len(not_found) == 4
    for finding in not_found:
        assert finding["check"] == "errors.not-found"
        assert finding["severity"] == "okta"
        assert finding["profiles"] == ["aiw", "oin"]
        assert finding["requirement"].endswith("(MUST)")
        assert finding["expected"] == "404"
        assert finding["got"].startswith("500 <h1>Server Error")
        assert "test_errors.py::test_unknown_id_is_not_found[" in finding["test"]
        assert [e["number"] for e in finding["exchanges"]] == [1]
        assert finding["exchanges"][0]["status"] == 500
        assert CURL_AUTH in finding["reproduce"]
    assert summary["cleanup"]["leftovers"] == []


def test_junit_properties_name_the_check(pytester: pytest.Pytester, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    # Strict, so the rfc finding fails its case (tests/slow/test_reports_agree.py: without it).
    run_suites(pytester, *mutant_args("no_location"), "--scim-strict", f"--junitxml={junit}")
    failed = [case for case in ET.parse(junit).iter("testcase") if case.find("failure") is not None]
    assert len(failed) == 2  # /Users and /Groups
    for case in failed:
        properties = {p.get("name"): p.get("value") for p in case.iter("property")}
        assert properties["check"] == "resources.location"
        assert properties["severity"] == "rfc"
        assert properties["profiles"] == "aiw,oin"
        assert str(properties["requirement"]).startswith("RFC 7644 §3.3")
        failure = case.find("failure")
        assert failure is not None and "no Location header" in str(failure.text)


# -- secrets: a served target that echoes the token ----------------------------------


@pytest.fixture(scope="module")
def echoing_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    token = f"SEKRIT{secrets.token_hex(16)}"
    app = "scim_conformance.mutants:token_echo"
    with serving(tmp_path_factory.mktemp("echo"), token=token, app=app, name="echo") as url:
        yield url, token


def test_token_appears_in_no_report(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, echoing_target: tuple[str, str]
) -> None:
    url, token = echoing_target
    monkeypatch.setenv("SCIM_TOKEN", token)
    reports = pytester.path / "reports"
    result = pytester.runpytest_subprocess(
        *CHECK_SUITES,
        f"--scim-url={url}",
        f"--html={reports / 'report.html'}",
        "--self-contained-html",
        f"--junitxml={reports / 'junit.xml'}",
        f"--scim-json={reports / 'summary.json'}",
        "-rA",
        timeout=120,
    )
    # The echo was seen (a security finding), so responses carrying the token were recorded.
    summary = read_summary(reports / "summary.json")
    assert [f["check"] for f in summary["findings"]] == ["errors.token-not-echoed"], result.stdout.str()
    assert result.ret == 1
    texts = {
        "terminal": result.stdout.str() + result.stderr.str(),
        **{p.name: p.read_text(encoding="utf-8") for p in reports.iterdir()},
    }
    assert set(texts) == {"terminal", "report.html", "junit.xml", "summary.json"}
    for name, text in texts.items():
        assert token not in text, f"the token leaked into {name}"
        assert token[6:] not in text, f"part of the token leaked into {name}"
    # And the echoes are visibly redacted, in the error detail and (JSON) the header.
    for name in ("terminal", "summary.json", "report.html", "junit.xml"):
        assert "(request authorization: Bearer [REDACTED])" in texts[name], name
    assert re.search(r'"x-debug-authorization",\s*"Bearer \[REDACTED\]"', texts["summary.json"])
