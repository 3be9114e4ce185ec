"""The fixed-example check suites against every mutant: each caught by exactly the checks it names there.

``scim_conformance.mutants`` names, for each planted fault, every check that must
catch it (``catches``); ``bench/matrix.py`` prints the whole matrix over every
suite. Here the check suites (connection, errors, discovery, resources) run
against each mutant, and exactly its checks of these suites must fail: a check
that also fires for an unrelated fault is not specific. The catalogue's,
properties' and stateful model's checks are pinned by test_catalogue_faults.py,
test_properties_sensitivity.py and test_stateful_faults.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from suite_runs import check_suite_checks, found_checks, mutant_args, read_summary, run_suites

from scim_conformance.mutants import MUTANTS

pytestmark = pytest.mark.slow


def test_reference_server_gives_no_finding(pytester: pytest.Pytester, tmp_path: Path) -> None:
    summary_path = tmp_path / "summary.json"
    result = run_suites(pytester, "--scim-strict", f"--scim-json={summary_path}")
    assert result.ret == 0, result.stdout.str()
    summary = read_summary(summary_path)
    assert summary["findings"] == []
    assert summary["cleanup"]["leftovers"] == []


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_mutant_is_caught_by_its_checks(pytester: pytest.Pytester, tmp_path: Path, name: str) -> None:
    mutant = MUTANTS[name]
    summary_path = tmp_path / "summary.json"
    profile = ("--okta-profile", mutant.profile) if mutant.profile else ()
    result = run_suites(pytester, *mutant_args(name), *profile, f"--scim-json={summary_path}")
    found = found_checks(read_summary(summary_path))
    if not mutant.strict:
        # A variant doing only what Okta uses (minimal_conformant): rfc findings CONTRACT §5
        # allows, never a security or okta one (tests/slow/test_minimal_conformant.py lists them).
        assert not {"security", "okta"} & set(found.values()), result.stdout.str()
        assert result.ret == 0
        return
    # The probe's schema validation of every response (checks schema.*) is
    # cross-cutting and may fire too, but never instead.
    own = {check for check in found if not check.startswith("schema.")}
    assert own == check_suite_checks(mutant.catches), result.stdout.str()
    assert result.ret == (1 if {"security", "okta"} & set(found.values()) else 0)
