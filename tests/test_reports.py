"""The reports' pieces, without a run: checks per test, summary.json and its schema, the HTML of a finding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from summaries import schema_errors

from scim_conformance.errors import ConformanceFailure
from scim_conformance.outcomes import Outcome
from scim_conformance.reporting import html
from scim_conformance.reporting.environment import EMBEDDED, target_label, versions
from scim_conformance.reporting.summary import write_summary
from scim_conformance.reporting.testcase import checks_of_test
from scim_conformance.results import RunResults
from scim_conformance.traffic import Exchange

TOKEN = "s3cr3t-Token-0123456789"

EXCHANGE = Exchange(
    number=7,
    method="POST",
    url="https://scim.example/scim/v2/Users",
    request_headers=(("Authorization", "Bearer [REDACTED]"),),
    request_body='{"userName": "<b>alice</b>"}',
    status=500,
    response_headers=(("content-type", "text/html"),),
    response_body=f"<h1>boom</h1> echoed {TOKEN}",
    duration_ms=1.5,
)


def failure(severity: str = "okta", check: str = "demo.create") -> ConformanceFailure:
    return ConformanceFailure(
        check=check,
        title="POST /Users: <script>alert(1)</script>",
        severity=severity,
        requirement="RFC 7644 §3.3 (MUST)",
        expected="201",
        got=f"500 with {TOKEN}",
        exchanges=(EXCHANGE,),
        operation="Create user",
    )


# -- each check a test ran ---------------------------------------------------------


def test_every_check_judged_is_listed_failed_only_with_a_finding() -> None:
    found = [{"check": "schema.user", "severity": "rfc"}, {"check": "schema.user", "severity": "okta"}]
    checks = checks_of_test(
        "t::a", ("demo.main", "okta"), {"demo.main": "okta", "schema.user": None}, found, outcome="ran"
    )
    assert [(c["check"], c["outcome"], c["severity"]) for c in checks] == [
        ("demo.main", "pass", "okta"),
        ("schema.user", "fail", "okta"),  # the worst of its findings
    ]
    assert {c["test"] for c in checks} == {"t::a"}


def test_an_error_leaves_the_main_check_without_verdict_and_a_skip_skips_it() -> None:
    errored = checks_of_test("t::a", ("demo.main", "okta"), {"schema.user": None}, [], outcome="error")
    assert [(c["check"], c["outcome"]) for c in errored] == [("demo.main", "error"), ("schema.user", "pass")]
    skipped = checks_of_test("t::a", ("demo.main", "rfc"), {}, [], outcome="skipped")
    assert [(c["check"], c["outcome"]) for c in skipped] == [("demo.main", "skipped")]


# -- summary.json and its schema ---------------------------------------------------------


def written_summary(tmp_path: Path) -> dict[str, object]:
    results = RunResults()
    for when, outcome in [("setup", "passed"), ("call", "passed"), ("call", "failed"), ("setup", "failed")]:
        results.add_test_report(when, outcome)
    from scim_conformance import findings

    results.add_findings("t::a", [findings.to_dict(failure(), "t::a")])
    results.checks += checks_of_test(
        "t::a", ("demo.create", "okta"), {}, results.findings["t::a"], outcome="ran"
    )
    results.errors.append(
        {"test": "t::b", "when": "setup", "check": "demo.b", "title": "boom", "detail": "x"}
    )
    results.add_outcomes([Outcome("create_user", "aiw", "fail", "okta", ("demo.create",)).to_dict()])
    path = tmp_path / "summary.json"
    write_summary(
        path, results, started=0.0, url=None, profiles="aiw", strict=False, exit_code=1, setup_error=None
    )
    loaded: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def test_a_summary_carries_versions_times_tests_checks_and_errors(tmp_path: Path) -> None:
    summary = written_summary(tmp_path)
    assert schema_errors(summary) == []
    assert summary["tests"] == {"passed": 1, "failed": 1, "errored": 1, "skipped": 0}
    assert summary["started"] == "1970-01-01T00:00:00+00:00"
    assert set(summary["versions"]) == {"scim-conformance", "pytest", "hypothesis", "httpx", "python"}  # type: ignore[arg-type]
    assert summary["checks"] == [
        {"test": "t::a", "check": "demo.create", "outcome": "fail", "severity": "okta"}
    ]
    assert summary["errors"][0]["title"] == "boom"  # type: ignore[index]
    # The keys CI scripts already read stay.
    assert {"operations", "root_causes", "findings", "footprint", "counts", "gating", "cleanup"} <= set(
        summary
    )


@pytest.mark.parametrize(
    ("broken", "where"),
    [
        (lambda s: s.pop("operations"), "(root)"),
        (lambda s: s["tests"].pop("errored"), "tests"),
        (lambda s: s["checks"][0].update(outcome="maybe"), "checks/0/outcome"),
        (lambda s: s["findings"][0].update(severity="minor"), "findings/0/severity"),
        (lambda s: s.update(started="yesterday"), "started"),
    ],
)
def test_the_schema_rejects_a_summary_of_another_shape(tmp_path: Path, broken: object, where: str) -> None:
    summary = written_summary(tmp_path)
    broken(summary)  # type: ignore[operator]
    assert any(error.startswith(f"{where}:") for error in schema_errors(summary)), schema_errors(summary)


def test_versions_and_the_target_s_name() -> None:
    assert versions()["python"].startswith("3.")
    assert target_label(None) == EMBEDDED
    assert target_label(None, "m:f") == f"{EMBEDDED}, --scim-app m:f"
    assert target_label("https://user:pw@scim.example/v2") == "https://[REDACTED]@scim.example/v2"


# -- the HTML of a finding ----------------------------------------------------------


def test_a_finding_is_inline_html_escaped_and_without_the_token() -> None:
    text = html.findings_html([failure()], [TOKEN])
    assert TOKEN not in text
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "&lt;b&gt;alice&lt;/b&gt;" in text  # the request body, in the transcript
    for part in ("RFC 7644 §3.3 (MUST)", "Expected", "Got", 'class="scim-transcript"', 'class="scim-curl"'):
        assert part in text, part
    assert "Bearer $SCIM_TOKEN" in text
    assert "data:" not in text and "href" not in text


def test_the_results_row_names_the_findings_checks_and_worst_severity() -> None:
    found = [{"check": "a.one", "severity": "security"}, {"check": "b.two", "severity": "rfc"}]
    assert html.row_cells([], found) == (
        '<td class="col-check">a.one, b.two</td>',
        '<td class="col-severity">security</td>',
    )
    declared = [{"check": "c.main", "severity": "okta"}]
    assert html.row_cells(declared, []) == (
        '<td class="col-check">c.main</td>',
        '<td class="col-severity">okta</td>',
    )
