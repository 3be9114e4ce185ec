"""One root cause, one finding (issue 8 §3)."""

from __future__ import annotations

from scim_conformance.reporting.grouping import grouped


def finding(test: str, check: str, got: str, severity: str = "rfc") -> dict[str, str]:
    return {"test": test, "check": check, "severity": severity, "title": f"{test} title", "got": got}


def test_the_same_failure_on_many_responses_is_one_finding_with_its_count() -> None:
    misnamed = '/Resources/{}/meta/resource_type: meta attribute "resource_type" looks misnamed'
    findings = [finding(f"t{n}", "schema.listresponse", misnamed.format(n)) for n in range(48)]
    findings += [
        finding(
            "u1", "schema.user", "/meta/resource_type: misnamed (id 5ad716c0-1111-4222-8333-444455556666)"
        ),
        finding(
            "u2", "schema.user", "/meta/resource_type: misnamed (id 0b3e7c2a-9999-4aaa-8bbb-cccccccccccc)"
        ),
        finding("x", "schema.user", "/id: missing", severity="okta"),
    ]
    result = grouped(findings)
    assert [(g["check"], g["occurrences"]) for g in result] == [
        ("schema.listresponse", 48),
        ("schema.user", 2),
        ("schema.user", 1),
    ]
    assert [e["test"] for e in result[0]["examples"]] == ["t0", "t1", "t2"]
    assert result[0]["got"] == misnamed.format(0)  # the first occurrence, as it came back


def test_different_failures_of_one_check_stay_apart() -> None:
    result = grouped([finding("a", "c", "status 500"), finding("b", "c", "the body is not JSON")])
    assert [g["occurrences"] for g in result] == [1, 1]


def test_statuses_are_not_blanked() -> None:
    result = grouped([finding("a", "c", "500 boom"), finding("b", "c", "404 boom")])
    assert [g["occurrences"] for g in result] == [1, 1]
