"""The catalogue's sensitivity: each fault is caught by its checks, and fails only the sequences it touches.

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
    """Each test that failed or found something (rfc findings alone leave it passing) -> its findings."""
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
# A failed step ends its own judging, not the sequence: later steps the fault also
# breaks report their own findings (an ignored deactivation is also seen by the GET
# and the lookup after it).
BOTH = ("aiw", "oin")


def _fails(
    test: str, profiles: tuple[str, ...], *checks: str, rfc: tuple[str, ...] = ()
) -> dict[str, set[tuple[str, str]]]:
    """The test of a sequence, per profile, failing with these okta checks and ``rfc`` checks."""
    found = {(check, "okta") for check in checks} | {(check, "rfc") for check in rfc}
    return {f"test_{test}[{profile}]": found for profile in profiles}


_DEACTIVATION_LOST = (
    "user-lifecycle.deactivate-patch",
    "user-lifecycle.deactivated-get",
    "user-lifecycle.deactivated-lookup",
)
_USER_LOOKUPS = ("user-lifecycle.lookup-hit", "user-lifecycle.deactivated-lookup")
_MEMBERS_KEPT = (
    "group-push.get-changed",
    "group-push.get-emptied",
    "group-push.get-full",
    "group-push.get-renamed",
)
_IMPORTS = ("imports.users-100", "imports.users-small", "imports.groups-100", "imports.groups-small")

FAULTS: dict[str, dict[str, set[tuple[str, str]]]] = {
    # A lookup by prefix finds the longer userName / displayName pushed first.
    "lookup_prefix": {
        **_fails("user_lifecycle", BOTH, "user-lifecycle.lookup-miss.exact-match", *_USER_LOOKUPS),
        **_fails("group_push", BOTH, "group-push.lookup-hit"),
    },
    # OIN deactivates with PATCH; AIW's PUT still works.
    "deactivate_ignored": _fails("user_lifecycle", ("oin",), *_DEACTIVATION_LOST),
    # Every PATCH ignored: OIN's deactivation and every membership push.
    "patch_not_applied": {
        **_fails("user_lifecycle", ("oin",), *_DEACTIVATION_LOST),
        **_fails(
            "group_push", ("oin",), "group-push.get-added", *_MEMBERS_KEPT, rfc=("group-push.user-groups",)
        ),
    },
    "put_keeps_members": _fails("group_push", ("aiw",), *_MEMBERS_KEPT, rfc=("group-push.user-groups",)),
    "replace_empty_ignored": _fails(
        "group_push", ("oin",), "group-push.get-emptied", rfc=("group-push.user-groups",)
    ),
    "rename_id_rejected": _fails("group_push", ("oin",), "group-push.rename-patch", "group-push.get-renamed"),
    "rename_drops_members": _fails("group_push", BOTH, "group-push.get-renamed"),
    "created_without_id": {
        **_fails("user_lifecycle", BOTH, "user-lifecycle.create"),
        **_fails("group_push", BOTH, "group-push.push-user", "group-push.create-empty"),
        **_fails("imports", BOTH, "imports.push-user", "imports.push-group"),
    },
    # No user is created, so the duplicate create gets 400 too, and the 400 has no Location or meta.
    "password_rejected": {
        **_fails(
            "user_lifecycle",
            BOTH,
            "user-lifecycle.create",
            "user-lifecycle.create-duplicate",
            rfc=("user-lifecycle.create.location", "user-lifecycle.create.meta"),
        ),
        **_fails(
            "group_push", BOTH, "group-push.push-user", "group-push.push-user2", "group-push.push-user3"
        ),
        **_fails("imports", BOTH, "imports.push-user", "imports.push-user2", "imports.push-user3"),
    },
    "total_as_string": {
        **_fails("connection", BOTH, "connection.list-users", "connection.list-groups"),
        **_fails("user_lifecycle", BOTH, "user-lifecycle.lookup-miss", *_USER_LOOKUPS),
        **_fails("group_push", BOTH, "group-push.lookup-miss", "group-push.lookup-hit"),
        **_fails("imports", BOTH, *_IMPORTS),
    },
    # Page 1 again and again: the rfc echo check is kept, the import check fails.
    "start_index_ignored": _fails(
        "imports",
        BOTH,
        "imports.users-small",
        "imports.groups-small",
        rfc=("imports.users-small.start-index", "imports.groups-small.start-index"),
    ),
    "pages_of_one": _fails("imports", BOTH, *_IMPORTS),
    "inactive_hidden": _fails("user_lifecycle", BOTH, "user-lifecycle.deactivated-lookup"),
    "duplicates_accepted": _fails("user_lifecycle", BOTH, "user-lifecycle.create-duplicate"),
    # The probe validates every response (after the step's own expectations): a
    # password in a User is the schema's security finding, in every sequence.
    "password_echoed": {
        f"test_{name}[{profile}]": {("schema.user", "security")}
        for name in ("user_lifecycle", "group_push", "imports")
        for profile in BOTH
    },
    # rfc only: reported, and the run still exits 0 (CONTRACT §5).
    "conflict_without_scim_type": _fails(
        "user_lifecycle", BOTH, rfc=("user-lifecycle.create-duplicate.scim-type",)
    ),
    "no_location": {
        **_fails("user_lifecycle", BOTH, rfc=("user-lifecycle.create.location",)),
        **_fails("group_push", BOTH, rfc=("group-push.create-empty.location",)),
    },
    "text_json": _fails("user_lifecycle", BOTH, rfc=("user-lifecycle.create.content-type",)),
    "meta_snake_case": {
        **_fails("user_lifecycle", BOTH, rfc=("user-lifecycle.create.meta",)),
        **_fails("group_push", BOTH, rfc=("group-push.create-empty.meta",)),
        # imports judge no meta themselves; the probe's schema check does.
        **_fails("imports", BOTH, rfc=("schema.user",)),
    },
    "filter_ignored": {
        **_fails("user_lifecycle", BOTH, "user-lifecycle.lookup-miss.exact-match", *_USER_LOOKUPS),
        # group-push[aiw] runs first, when the target holds no group to list yet.
        **_fails("group_push", ("aiw",), "group-push.lookup-hit"),
        **_fails("group_push", ("oin",), "group-push.lookup-hit", "group-push.lookup-miss"),
    },
}


def test_every_catalogue_catch_of_a_mutant_is_pinned_here() -> None:
    """A mutant's catalogue checks (``catches``) are among the findings this file expects of it."""
    for name, mutant in MUTANTS.items():
        expected = {check for found in FAULTS.get(name, {}).values() for check, _ in found}
        assert catalogue_checks(mutant.catches) <= expected, name
    assert set(FAULTS) <= set(MUTANTS)


@pytest.mark.parametrize("name", FAULTS)
def test_each_fault_is_caught_by_its_checks_and_fails_only_its_sequences(
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
    # A test fails only on a finding that gates: one with rfc findings alone passes, reporting them.
    failing = {test for test, found in expected.items() if any(sev != "rfc" for _, sev in found)}
    result.assert_outcomes(passed=len(EVERY_TEST - failing), failed=len(failing))
    gating = bool(failing)
    assert result.ret == (1 if gating else 0)
