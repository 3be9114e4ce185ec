"""The check registry is complete and current, and docs/checks.md is what the generator writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scim_conformance.catalogue import load_catalogue
from scim_conformance.core.terms import PROFILES, SEVERITIES
from scim_conformance.inventory.docs import render, requirements, topics, unknown_checks
from scim_conformance.inventory.registry import all_checks, by_id, schema_check_ids
from scim_conformance.mutants import MUTANTS
from scim_conformance.schemas import kind_for
from scim_conformance.stateful.operations import CHECK, KIND_CHECKS, KINDS

ROOT = Path(__file__).resolve().parents[1]
SUITES = ROOT / "suites"
DOC_PATH = ROOT / "docs" / "checks.md"
# A check id written as a literal where it is passed on: check="…" or "check": "…".
_LITERAL = re.compile(r"""(?:\bcheck\s*=\s*|["']check["']\s*:\s*)f?["']([a-z][a-z0-9.-]*)["']""")
_LEVELS = {"MUST", "MUST NOT", "SHALL", "SHALL NOT", "SHOULD", "SHOULD NOT", "MAY"}


def test_docs_checks_md_is_generated() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == render(), (
        "docs/checks.md is out of date: run python -m scim_conformance.inventory.docs"
    )


def test_requirements_name_only_known_checks() -> None:
    assert unknown_checks() == {}


def test_each_requirement_is_checked_or_says_why() -> None:
    table = requirements()
    ids = [r.id for r in table]
    assert len(ids) == len(set(ids)), "requirement ids are unique"
    for requirement in table:
        assert requirement.topic in topics(), requirement
        assert requirement.level in _LEVELS, requirement
        assert requirement.source and requirement.text, requirement
        assert bool(requirement.checks) != bool(requirement.unchecked), (
            f"{requirement.id}: list its checks, or say in 'unchecked' why it has none (not both)"
        )


def test_registry_entries_are_well_formed() -> None:
    checks = all_checks()
    assert [c.id for c in checks] == sorted({c.id for c in checks})
    for info in checks:
        assert info.severity in SEVERITIES, info
        assert set(info.severities) <= set(SEVERITIES) and info.severity in info.severities, info
        assert info.profiles and set(info.profiles) <= set(PROFILES), info
        assert info.requirement, f"{info.id} cites no requirement"
        assert info.files and all((ROOT / f).is_file() for f in info.files), info
        assert info.origin in ("suite", "catalogue", "schema", "stateful"), info


def test_every_literal_check_id_is_registered() -> None:
    """Any check="…" in the suites or the package — however it is passed — is in the registry."""
    known = by_id()
    sources = [*SUITES.glob("test_*.py"), *(ROOT / "scim_conformance").rglob("*.py")]
    found = {
        (path.name, match)
        for path in sources
        for match in _LITERAL.findall(path.read_text(encoding="utf-8"))
        if not match.startswith(".")  # the catalogue's relative ids, in catalogue.py's docstrings
    }
    assert found, "the pattern finds the suites' inline check ids"
    assert {(name, c) for name, c in found if c not in known} == set()


def test_suite_checks_are_declared_in_their_files() -> None:
    """Nothing stale: a suite check's id is still written in the file the registry names."""
    for info in all_checks():
        if info.origin == "suite":
            assert any(info.id in (ROOT / f).read_text(encoding="utf-8") for f in info.files), info


def test_every_catalogue_check_is_registered() -> None:
    known = by_id()
    for sequence in load_catalogue():
        ids = {sequence.id} | {s.check for s in sequence.steps}
        ids |= {e.check for s in sequence.steps for e in s.expectations}
        assert ids - set(known) == set(), sequence.id
        assert known[sequence.id].severity == sequence.severity


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/Users/1", 200),
        ("GET", "/Groups/1", 200),
        ("GET", "/Users", 200),
        ("GET", "/Users", 404),
        ("GET", "/ServiceProviderConfig", 200),
        ("GET", "/ResourceTypes/User", 200),
        ("GET", "/Schemas/urn", 200),
    ],
)
def test_every_schema_check_is_registered(method: str, path: str, status: int) -> None:
    kind = kind_for(method, path, status)
    assert kind is not None
    assert f"schema.{kind.split(':')[0].lower()}" in by_id()
    assert schema_check_ids() <= set(by_id())


def test_stateful_kinds_are_registered() -> None:
    info = by_id()[CHECK]
    own = {kind: value for kind, value in KINDS.items() if kind not in KIND_CHECKS}
    assert info.kinds == tuple(own)
    assert set(info.severities) == {severity for severity, _ in own.values()} | {info.severity}
    for kind, check in KIND_CHECKS.items():
        assert (by_id()[check].kinds, by_id()[check].severity) == ((kind,), KINDS[kind][0])


def test_mutants_name_registered_checks() -> None:
    known = by_id()
    for name, mutant in MUTANTS.items():
        assert set(mutant.catches) <= set(known), f"mutant {name} names unknown checks"


def test_markers_agree_with_pytest_collection(pytester: pytest.Pytester) -> None:
    """The registry's parse of the suites says what pytest's own collection of them says."""
    items, _ = pytester.inline_genitems(str(SUITES), "-p", "no:randomly")
    assert items
    known = by_id()
    for item in items:
        marker = item.get_closest_marker("check")
        assert marker is not None, item.nodeid
        info = known.get(marker.args[0])
        assert info is not None, f"{item.nodeid}: {marker.args[0]} is not in the registry"
        assert info.severity == marker.kwargs["severity"], item.nodeid
        assert info.requirement == marker.kwargs["requirement"], item.nodeid
        assert set(marker.kwargs.get("profiles", PROFILES)) <= set(info.profiles), item.nodeid
