"""The catalogue's sensitivity: each fault is caught by its check, and stops only the sequences it touches.

``suites/test_okta_sequences.py`` runs with pytester against the reference
server with one small fault each (a mutant of ``scim_conformance.mutants``,
``--scim-app scim_conformance.mutants:<name>``) and reports the expected check,
at the expected severity, and only in the sequences the fault touches (besides
it, only the probe's generic ``schema.*`` checks may fire); against the correct
server it reports nothing, also when the target already holds many resources
of others.
"""

from __future__ import annotations

from typing import Any

import pytest
from suite_runs import OKTA_SEQUENCES, catalogue_checks, mutant_args, read_summary, run_suites

from scim_conformance.mutants import MUTANTS

pytestmark = pytest.mark.slow

SEQUENCES = ("connection", "group_push", "imports", "user_lifecycle")
EVERY_TEST = {f"test_{s}[{p}]" for s in SEQUENCES for p in ("aiw", "oin")}


def run_suite(pytester: pytest.Pytester, name: str | None) -> tuple[pytest.RunResult, dict[str, Any]]:
    summary = pytester.path / "summary.json"
    app = mutant_args(name) if name else ()
    result = run_suites(pytester, *app, f"--scim-json={summary}", files=(OKTA_SEQUENCES,))
    return result, read_summary(summary)


def outcome(result: pytest.RunResult, summary: dict[str, Any]) -> dict[str, set[tuple[str, str]]]:
    """Each failed test -> its findings as (check, severity)."""
    failed: dict[str, set[tuple[str, str]]] = {}
    for report in result.reprec.getreports("pytest_runtest_logreport"):  # type: ignore[attr-defined]
        if report.failed:
            failed.setdefault(report.nodeid.rsplit("::", 1)[-1], set())
    for finding in summary["findings"]:
        failed.setdefault(finding["test"].rsplit("::", 1)[-1], set()).add(
            (finding["check"], finding["severity"])
        )
    return failed


def test_the_reference_server_passes_with_zero_findings(pytester: pytest.Pytester) -> None:
    result, summary = run_suite(pytester, None)
    result.assert_outcomes(passed=8)
    assert summary["counts"] == {"security": 0, "okta": 0, "rfc": 0}
    assert summary["cleanup"]["leftovers"] == []


def test_imports_see_this_run_s_resources_among_many_others(pytester: pytest.Pytester) -> None:
    result, summary = run_suite(pytester, "with_foreign_resources")
    result.assert_outcomes(passed=8)
    assert summary["counts"] == {"security": 0, "okta": 0, "rfc": 0}


# Each mutant the catalogue catches -> the tests it fails -> their findings (check, severity).
FAULTS: dict[str, dict[str, set[tuple[str, str]]]] = {
    # A lookup by prefix finds the longer userName / displayName pushed first.
    "lookup_prefix": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.lookup-miss.exact-match", "okta")},
        "test_user_lifecycle[oin]": {("user-lifecycle.lookup-miss.exact-match", "okta")},
        "test_group_push[aiw]": {("group-push.lookup-hit", "okta")},
        "test_group_push[oin]": {("group-push.lookup-hit", "okta")},
    },
    # OIN deactivates with PATCH; AIW's PUT still works.
    "deactivate_ignored": {
        "test_user_lifecycle[oin]": {("user-lifecycle.deactivate-patch", "okta")},
    },
    # Every PATCH ignored: OIN's deactivation and membership push.
    "patch_not_applied": {
        "test_user_lifecycle[oin]": {("user-lifecycle.deactivate-patch", "okta")},
        "test_group_push[oin]": {("group-push.get-added", "okta")},
    },
    "put_keeps_members": {
        "test_group_push[aiw]": {("group-push.get-changed", "okta")},
    },
    "replace_empty_ignored": {
        "test_group_push[oin]": {("group-push.get-emptied", "okta")},
    },
    "rename_id_rejected": {
        "test_group_push[oin]": {("group-push.rename-patch", "okta")},
    },
    "rename_drops_members": {
        "test_group_push[aiw]": {("group-push.get-renamed", "okta")},
        "test_group_push[oin]": {("group-push.get-renamed", "okta")},
    },
    "created_without_id": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.create", "okta")},
        "test_user_lifecycle[oin]": {("user-lifecycle.create", "okta")},
        "test_group_push[aiw]": {("group-push.push-user", "okta")},
        "test_group_push[oin]": {("group-push.push-user", "okta")},
        "test_imports[aiw]": {("imports.push-user", "okta")},
        "test_imports[oin]": {("imports.push-user", "okta")},
    },
    "password_rejected": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.create", "okta")},
        "test_user_lifecycle[oin]": {("user-lifecycle.create", "okta")},
        "test_group_push[aiw]": {("group-push.push-user", "okta")},
        "test_group_push[oin]": {("group-push.push-user", "okta")},
        "test_imports[aiw]": {("imports.push-user", "okta")},
        "test_imports[oin]": {("imports.push-user", "okta")},
    },
    "total_as_string": {
        "test_connection[aiw]": {("connection.list-users", "okta")},
        "test_connection[oin]": {("connection.list-users", "okta")},
        "test_user_lifecycle[aiw]": {("user-lifecycle.lookup-miss", "okta")},
        "test_user_lifecycle[oin]": {("user-lifecycle.lookup-miss", "okta")},
        "test_group_push[aiw]": {("group-push.lookup-miss", "okta")},
        "test_group_push[oin]": {("group-push.lookup-miss", "okta")},
        "test_imports[aiw]": {("imports.users-100", "okta")},
        "test_imports[oin]": {("imports.users-100", "okta")},
    },
    # Page 1 again and again: the rfc echo check is kept, the import check stops.
    "start_index_ignored": {
        "test_imports[aiw]": {("imports.users-small.start-index", "rfc"), ("imports.users-small", "okta")},
        "test_imports[oin]": {("imports.users-small.start-index", "rfc"), ("imports.users-small", "okta")},
    },
    "pages_of_one": {
        "test_imports[aiw]": {("imports.users-100", "okta")},
        "test_imports[oin]": {("imports.users-100", "okta")},
    },
    "inactive_hidden": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.deactivated-lookup", "okta")},
        "test_user_lifecycle[oin]": {("user-lifecycle.deactivated-lookup", "okta")},
    },
    "duplicates_accepted": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.create-duplicate", "okta")},
        "test_user_lifecycle[oin]": {("user-lifecycle.create-duplicate", "okta")},
    },
    # The probe validates every response (after the step's own expectations): a
    # password in a User is the schema's security finding, in every sequence.
    "password_echoed": {
        f"test_{name}[{profile}]": {("schema.user", "security")}
        for name in ("user_lifecycle", "group_push", "imports")
        for profile in ("aiw", "oin")
    },
    # rfc only: reported, and the run still exits 0 (CONTRACT §5).
    "conflict_without_scim_type": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.create-duplicate.scim-type", "rfc")},
        "test_user_lifecycle[oin]": {("user-lifecycle.create-duplicate.scim-type", "rfc")},
    },
    "no_location": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.create.location", "rfc")},
        "test_user_lifecycle[oin]": {("user-lifecycle.create.location", "rfc")},
        "test_group_push[aiw]": {("group-push.create-empty.location", "rfc")},
        "test_group_push[oin]": {("group-push.create-empty.location", "rfc")},
    },
    "text_json": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.create.content-type", "rfc")},
        "test_user_lifecycle[oin]": {("user-lifecycle.create.content-type", "rfc")},
    },
    "meta_snake_case": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.create.meta", "rfc")},
        "test_user_lifecycle[oin]": {("user-lifecycle.create.meta", "rfc")},
        "test_group_push[aiw]": {("group-push.create-empty.meta", "rfc")},
        "test_group_push[oin]": {("group-push.create-empty.meta", "rfc")},
        # imports judge no meta themselves; the probe's schema check does.
        "test_imports[aiw]": {("schema.user", "rfc")},
        "test_imports[oin]": {("schema.user", "rfc")},
    },
    "filter_ignored": {
        "test_user_lifecycle[aiw]": {("user-lifecycle.lookup-miss.exact-match", "okta")},
        "test_user_lifecycle[oin]": {("user-lifecycle.lookup-miss.exact-match", "okta")},
        # group-push[aiw] runs first, when the target holds no group to list yet.
        "test_group_push[aiw]": {("group-push.lookup-hit", "okta")},
        "test_group_push[oin]": {("group-push.lookup-miss", "okta")},
    },
}


def test_every_catalogue_catch_of_a_mutant_is_pinned_here() -> None:
    """A mutant's catalogue checks (``catches``) are among the findings this file expects of it."""
    for name, mutant in MUTANTS.items():
        expected = {check for found in FAULTS.get(name, {}).values() for check, _ in found}
        assert catalogue_checks(mutant.catches) <= expected, name
    assert set(FAULTS) <= set(MUTANTS)


@pytest.mark.parametrize("name", FAULTS)
def test_each_fault_is_caught_by_its_check_and_stops_only_its_sequences(
    pytester: pytest.Pytester, name: str
) -> None:
    result, summary = run_suite(pytester, name)
    expected = FAULTS[name]
    found = outcome(result, summary)
    assert set(found) == set(expected), found
    for test, checks in expected.items():
        # The expected checks, and besides them at most the probe's generic schema checks.
        assert checks <= found[test], (test, found[test])
        assert all(check.startswith("schema.") for check, _ in found[test] - checks), (test, found[test])
    result.assert_outcomes(passed=len(EVERY_TEST - set(expected)), failed=len(expected))
    gating = any(sev != "rfc" for found in expected.values() for _, sev in found)
    assert result.ret == (1 if gating else 0)
