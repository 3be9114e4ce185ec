"""The sensitivity matrix: each mutant is caught by exactly the checks it names, the reference by none."""

from __future__ import annotations

from pathlib import Path

import pytest
from suite_runs import found_checks, mutant_args, read_summary, run_suites

from scim_conformance.mutants import MUTANTS

pytestmark = pytest.mark.slow

# Faults that only drawn examples show: tests/test_properties_sensitivity.py runs the
# property suite against them (check ids properties.*), under hypothesis's ci profile.
PROPERTY_FAULTS = {name for name, m in MUTANTS.items() if any(c.startswith("properties.") for c in m.catches)}


def test_reference_server_gives_no_finding(pytester: pytest.Pytester, tmp_path: Path) -> None:
    summary_path = tmp_path / "summary.json"
    result = run_suites(pytester, "--scim-strict", f"--scim-json={summary_path}")
    assert result.ret == 0, result.stdout.str()
    summary = read_summary(summary_path)
    assert summary["findings"] == []
    assert summary["cleanup"]["leftovers"] == []


@pytest.mark.parametrize("name", sorted(set(MUTANTS) - PROPERTY_FAULTS))
def test_mutant_is_caught_by_its_checks(pytester: pytest.Pytester, tmp_path: Path, name: str) -> None:
    mutant = MUTANTS[name]
    summary_path = tmp_path / "summary.json"
    result = run_suites(pytester, *mutant_args(name), f"--scim-json={summary_path}")
    found = found_checks(read_summary(summary_path))
    # Exactly the named checks of these suites fail: a check that also fires for an
    # unrelated fault is not specific. The probe's schema validation of every response
    # (checks schema.*) is cross-cutting and may fire too, but never instead.
    own = {check for check in found if not check.startswith("schema.")}
    assert own == set(mutant.catches), result.stdout.str()
    assert mutant.doc, f"mutant {name} has no docstring naming the requirement it breaks"
    assert result.ret == (1 if {"security", "okta"} & set(found.values()) else 0)
