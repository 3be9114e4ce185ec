"""The operation matrix: outcomes per test, folded per Okta operation and profile."""

from __future__ import annotations

from scim_conformance.errors import ConformanceFailure
from scim_conformance.outcomes import Outcome, matrix, of_test, render


def finding(check: str, severity: str, operation: str = "") -> ConformanceFailure:
    return ConformanceFailure(
        check=check,
        title=check,
        severity=severity,
        requirement="r",
        expected="e",
        got="g",
        okta_operation=operation,
    )


def test_findings_count_against_the_operation_they_name_else_the_main_one() -> None:
    found = [finding("a", "okta", "deactivate"), finding("b", "rfc")]
    outcomes = of_test([], ("create-user", "deactivate"), ["aiw"], found)
    assert [(o.operation, o.status, o.severity, o.checks) for o in outcomes] == [
        ("create-user", "fail", "rfc", ("b",)),
        ("deactivate", "fail", "okta", ("a",)),
    ]
    assert [o.status for o in of_test([], ("create-user",), ["aiw", "oin"], [])] == ["pass", "pass"]


def test_recorded_outcomes_win() -> None:
    recorded = [Outcome("fetch-user", "oin", "not reached", blocked_by="step 1 create")]
    assert of_test(recorded, ("create-user",), ["oin"], [finding("a", "okta")]) == recorded


def test_the_matrix_fails_a_cell_on_any_failure_with_the_worst_severity() -> None:
    outcomes = [
        Outcome("create-user", "aiw", "pass"),
        Outcome("create-user", "aiw", "fail", "rfc", ("x",)),
        Outcome("create-user", "aiw", "fail", "okta", ("y",)),
        Outcome("fetch-user", "aiw", "not reached", blocked_by="step 3 create"),
        Outcome("fetch-user", "aiw", "pass"),
        Outcome("deactivate", "aiw", "not reached", blocked_by="step 3 create"),
    ]
    table = matrix(outcomes, ["aiw", "oin"])
    create = table["create-user"]["aiw"]
    assert create is not None and (create.status, create.severity, create.checks) == (
        "fail",
        "okta",
        ("x", "y"),
    )
    assert table["fetch-user"]["aiw"] == Outcome("fetch-user", "aiw", "pass")
    deactivate = table["deactivate"]["aiw"]
    assert deactivate is not None and deactivate.status == "not reached"
    assert table["create-user"]["oin"] is None
    lines = render(table, ["aiw", "oin"])
    assert lines[0].split() == ["Okta", "operation", "aiw", "oin"]
    assert any(line.startswith("Create user") and "FAIL okta: x, y" in line for line in lines)
    assert any("not reached (blocked by step 3 create)" in line for line in lines)
