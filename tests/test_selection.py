"""Selecting tests by check id (``inventory.selection``), and the ``checks`` listing."""

from __future__ import annotations

import json

import pytest

from scim_conformance import cli
from scim_conformance.inventory import selection
from scim_conformance.inventory.listing import as_table
from scim_conformance.inventory.registry import all_checks
from scim_conformance.inventory.selection import matching, owner, unknown

MARKED = {
    "test_okta_sequences.py::test_user_lifecycle": "user-lifecycle",
    "test_properties.py::test_pagination": "properties.pagination",
    "test_properties.py::test_round_trip": "properties.round-trip",
    "test_errors.py::test_bad_token": "errors.auth.bad-token",
}


def test_a_check_belongs_to_its_longest_marked_prefix() -> None:
    assert owner("user-lifecycle.deactivate-patch", MARKED.values()) == "user-lifecycle"
    nested = [*MARKED.values(), "properties"]
    assert owner("properties.pagination.counters", nested) == "properties.pagination"
    # A dotted prefix, not a string prefix: user-lifecycles is not under user-lifecycle.
    assert owner("user-lifecycles.x", MARKED.values()) is None


def test_tests_holding_several_checks_and_a_check_no_test_is_marked_with() -> None:
    held = selection.tests_holding(["user-lifecycle.create", "properties.pagination"], MARKED)
    assert held == ("test_okta_sequences.py::test_user_lifecycle", "test_properties.py::test_pagination")
    assert selection.tests_holding(["schema.user"], MARKED) == ()  # fires in any test: the caller runs all


def test_a_prefix_matches_the_family_below_it() -> None:
    known = ["errors.auth.bad-token", "errors.auth.missing-token", "errors.not-found", "errorsx"]
    assert matching("errors.auth", known) == ["errors.auth.bad-token", "errors.auth.missing-token"]
    assert matching("errors", known) == [*matching("errors.auth", known), "errors.not-found"]
    requested = ["user-lifecycle", "user-lifecycle.deactivate-patch", "no-such-check"]
    assert unknown(requested) == ["no-such-check"]


def test_checks_lists_every_check_of_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["checks"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["check", "severity", "profiles", "suite", "requirement"]
    rows = {line.split()[0]: line.split()[1:4] for line in out[1:-1]}
    assert rows["user-lifecycle.deactivate-patch"] == ["okta", "oin", "test_okta_sequences.py"]
    assert rows["errors.auth.bad-token"][0] == "security"
    assert len(rows) == len(all_checks()) and out[-1].startswith(f"{len(all_checks())} checks")


def test_checks_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["checks", "--json"]) == 0
    listed = {c["id"]: c for c in json.loads(capsys.readouterr().out)}
    entry = listed["errors.auth.bad-token"]
    assert entry["severity"] == "security" and entry["suite"] == "suites/test_errors.py"
    assert entry["level"] == "MUST" and entry["profiles"] == ["aiw", "oin"]


def test_the_table_cuts_long_requirements_to_the_width() -> None:
    table = as_table(all_checks(), width=200)
    assert max(len(line) for line in table.splitlines()) <= 200
    assert "…" in table


def test_an_unknown_check_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "--check", "user-lifecycle", "--check", "nope.nothing"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--check nope.nothing: no check has this id" in err
