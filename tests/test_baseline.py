"""Baselines (``scim_conformance.baseline``): what they cover, what counts as fixed, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scim_conformance.baseline import Baseline, BaselineError, judge, read_baseline, write_baseline
from scim_conformance.results import RunResults


def _finding(check: str, severity: str = "okta", test: str = "t.py::test_x") -> dict[str, str]:
    return {"check": check, "severity": severity, "test": test}


def test_write_keeps_the_gating_checks_and_read_gives_them_back(tmp_path: Path) -> None:
    path = tmp_path / "ci" / "baseline.json"
    found = [_finding("a.b"), _finding("a.b", "security"), _finding("c", "rfc")]
    assert write_baseline(path, found, strict=False) == 1  # rfc does not gate without strict
    assert json.loads(path.read_text())["checks"] == {
        "a.b": {"severity": "security", "tests": ["t.py::test_x"]}
    }
    assert read_baseline(path) == Baseline({"a.b": "security"})


def test_a_baseline_covers_its_checks_at_their_severity_or_milder() -> None:
    baseline = Baseline({"a.b": "okta"})
    assert baseline.covers(_finding("a.b", "okta")) and baseline.covers(_finding("a.b", "rfc"))
    assert not baseline.covers(_finding("a.b", "security")) and not baseline.covers(_finding("a.c"))


def test_baselined_findings_do_not_gate_the_run_and_new_ones_do() -> None:
    results = RunResults(baseline=Baseline({"a.b": "okta"}))
    results.add_findings("t::one", [_finding("a.b")])
    assert not results.gating(strict=False)
    assert not results.finding_gates(_finding("a.b"), strict=False)
    results.add_findings("t::two", [_finding("a.c")])
    assert results.gating(strict=False) and results.finding_gates(_finding("a.c"), strict=False)


def test_fixed_means_a_test_holding_the_check_ran_and_found_nothing() -> None:
    baseline = Baseline({"user-lifecycle.deactivate-patch": "okta", "group-push.get-added": "okta"})
    judged = judge(
        baseline, [_finding("errors.auth.bad-token", "security")], {"user-lifecycle"}, strict=False
    )
    # group-push did not run: not fixed, only not seen.
    assert judged.fixed == ("user-lifecycle.deactivate-patch",)
    assert judged.new == ("errors.auth.bad-token",) and judged.baselined == ()
    schema = judge(Baseline({"schema.user": "rfc"}), [], {"connection.users"}, strict=True)
    assert schema.fixed == ("schema.user",)  # validated on every response: any test ran it


@pytest.mark.parametrize("text", ["", "[]", '{"checks": {"a": {"severity": "bad"}}}'])
def test_a_file_that_is_not_a_baseline_is_an_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text)
    with pytest.raises(BaselineError, match=r"b\.json"):
        read_baseline(path)
