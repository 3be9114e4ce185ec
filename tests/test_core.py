"""The shared vocabulary (``scim_conformance.core``): terms, text, redaction and the request-log line."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import scim_conformance
from scim_conformance.core.terms import PROFILES, SEVERITIES, gates, is_profile, is_severity, rank
from scim_conformance.schemas.documents import check_severities

PACKAGE = Path(scim_conformance.__file__).parent

# -- terms -----------------------------------------------------------------------------------


def test_severities_most_severe_first_and_profiles() -> None:
    assert SEVERITIES == ("security", "okta", "rfc")
    assert [rank(s) for s in SEVERITIES] == [0, 1, 2]
    assert PROFILES == ("aiw", "oin")
    assert is_severity("okta") and not is_severity("OKTA") and not is_severity(None)
    assert is_profile("oin") and not is_profile("all")


@pytest.mark.parametrize(
    ("severity", "strict", "gating"),
    [
        ("security", False, True),
        ("okta", False, True),
        ("rfc", False, False),
        ("security", True, True),
        ("okta", True, True),
        ("rfc", True, True),
    ],
)
def test_gates_security_and_okta_always_rfc_only_when_strict(
    severity: str, strict: bool, gating: bool
) -> None:
    """CONTRACT §5: security and okta findings fail the run; rfc ones only in strict mode."""
    assert is_severity(severity)
    assert gates(severity, strict=strict) is gating


def test_catalogue_schema_enums_are_the_terms() -> None:
    """The catalogue schema stays a data file; its enums must say what core.terms says."""
    schema = json.loads((PACKAGE / "catalogue.schema.json").read_text("utf-8"))
    assert tuple(schema["$defs"]["severity"]["enum"]) == SEVERITIES
    assert tuple(schema["$defs"]["profiles"]["items"]["enum"]) == PROFILES


def test_an_unknown_x_severity_is_refused_when_schemas_load() -> None:
    check_severities({"properties": {"a": {"x-severity": "okta"}}}, "ok.json")
    with pytest.raises(ValueError, match=r"bad\.json/properties/a: x-severity 'warning' is not one of"):
        check_severities({"properties": {"a": {"x-severity": "warning"}}}, "bad.json")


def test_core_imports_nothing_else_of_the_package() -> None:
    """``core`` is the leaf both the harness and the reference server import."""
    for module in (PACKAGE / "core").glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.level <= 1, f"{module.name} imports from {'.' * node.level}{node.module}"
                assert not (node.module or "").startswith("scim_conformance"), module.name
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("scim_conformance") for a in node.names), module.name
