"""The property suite's sensitivity: each property catches its planted fault under the ci profile.

The faults (``scim_conformance.mutants``, check ids ``properties.*``) show only
for some of the values Okta can send: a prefix match only next to a login that
extends another, Unicode folding only on accented or compatibility text, a
filter-blind PATCH remove only when another member stays. The ci profile is
derandomized, so each run of the same code draws the same 25 examples, which
the reference server passes. (Hypothesis also draws constants from the modules
loaded, so other code draws other examples: ``bench/sensitivity.py`` measures
each fault's detection rate over random seeds.)

``test_mutants.py`` proves every mutant against the fixed-example check suites;
these run the property suite instead, one property at a time, and pin each
property fault's ``properties.*`` catches.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from suite_runs import SUITES, found_checks, mutant_args, read_summary, run_suites

from scim_conformance.mutants import MUTANTS

PROPERTIES = (str(SUITES / "test_properties.py"),)
STATEFUL = (str(SUITES / "test_stateful.py"),)
CI = ("--hypothesis-profile", "ci")

# Each property fault: the tests run against it, and those that must fail (the others
# must pass: a lookup of a lone user, say, cannot see a prefix match).
CASES: dict[str, tuple[tuple[str, ...], set[str]]] = {
    "lookup_prefix": (
        ("test_lookup_is_exact", "test_lookup_ignores_case", "test_deactivation_is_idempotent"),
        {"test_lookup_is_exact"},
    ),
    "unicode_folded": (
        ("test_created_user_round_trips", "test_profile_update_round_trips"),
        {"test_created_user_round_trips", "test_profile_update_round_trips"},
    ),
    "rename_drops_members": (
        ("test_membership_follows_okta",),
        {"test_membership_follows_okta[aiw]", "test_membership_follows_okta[oin]"},
    ),
    # Only okta-oin apps remove members by PATCH; okta-aiw PUTs the member list.
    "patch_remove_unfiltered": (("test_membership_follows_okta",), {"test_membership_follows_okta[oin]"}),
    "paging_off_by_one": (("test_pages_tile_the_listing",), {"test_pages_tile_the_listing"}),
    # rfc: an attribute outside the stored table that the provider claims in /Schemas (CONTRACT §4).
    "display_name_derived_claimed": (
        ("test_created_user_round_trips", "test_profile_update_round_trips"),
        {"test_created_user_round_trips", "test_profile_update_round_trips"},
    ),
    # The time-to-verdict fault (bench/verdict.py): most properties fail at once.
    "names_flattened": (
        (
            "round_trips",
            "test_lookup_is_exact",
            "test_deactivation_is_idempotent",
            "test_pages_tile_the_listing",
        ),
        {
            "test_created_user_round_trips",
            "test_profile_update_round_trips",
            "test_lookup_is_exact",
            "test_deactivation_is_idempotent[aiw]",
            "test_deactivation_is_idempotent[oin]",
        },
    ),
}
# Faults Okta tolerates: reported, the run still passes without --scim-strict (CONTRACT §5).
RFC_FAULTS = {"display_name_derived_claimed"}


# The in-process runs below load the ci profile process-wide (tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("keep_hypothesis_profile")]


def _property_checks(name: str) -> set[str]:
    return {check for check in MUTANTS[name].catches if check.startswith("properties.")}


def test_every_property_fault_has_a_case() -> None:
    assert {name for name in MUTANTS if _property_checks(name)} == set(CASES)


def test_reference_server_satisfies_every_property(pytester: pytest.Pytester, tmp_path: Path) -> None:
    summary_path = tmp_path / "summary.json"
    result = run_suites(pytester, *CI, "--scim-strict", f"--scim-json={summary_path}", files=PROPERTIES)
    assert result.ret == 0, result.stdout.str()
    result.assert_outcomes(passed=9)
    summary = read_summary(summary_path)
    assert summary["findings"] == []
    assert summary["cleanup"]["leftovers"] == []


def test_a_target_others_provision_meanwhile_gives_no_finding(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """Another client creates a user before every GET /Users: no finding, strict, and no flaky draw.

    A hypothesis draw whose bounds come from the target (say startIndex up to
    totalResults) changes between an example and its replay on a live target,
    and hypothesis then fails the test itself (FlakyStrategyDefinition).
    """
    summary_path = tmp_path / "summary.json"
    result = run_suites(
        pytester,
        *CI,
        *mutant_args("other_clients"),
        "--scim-strict",
        f"--scim-json={summary_path}",
        files=PROPERTIES + STATEFUL,
    )
    assert result.ret == 0, result.stdout.str()
    result.assert_outcomes(passed=11)
    assert read_summary(summary_path)["findings"] == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_property_catches_its_fault(pytester: pytest.Pytester, tmp_path: Path, name: str) -> None:
    tests, failing = CASES[name]
    catches = _property_checks(name)
    summary_path = tmp_path / "summary.json"
    result = run_suites(
        pytester,
        *CI,
        *mutant_args(name),
        "-k",
        " or ".join(tests),
        f"--scim-json={summary_path}",
        files=PROPERTIES,
    )
    summary = read_summary(summary_path)
    found = found_checks(summary)
    # The probe's schema validation of every response (schema.*) may fire too, never instead;
    # so may the rfc check of the same property on the attributes /Schemas claims (<check>.claimed):
    # a fault that folds the stored attributes folds the claimed ones too (unicode_folded).
    also = {f"{check}.claimed" for check in catches}
    own = {check for check in found if not check.startswith("schema.") and check not in also}
    assert own == catches, result.stdout.str()
    assert {f["test"].rsplit("::", 1)[-1] for f in summary["findings"]} == failing
    severity = "rfc" if name in RFC_FAULTS else "okta"
    assert {found[check] for check in catches} == {severity}
    assert result.ret == (0 if severity == "rfc" else 1)
    assert summary["cleanup"]["leftovers"] == []
