"""Running the conformance suites from a test, through pytester."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from scim_conformance.catalogue import load_catalogue

SUITES = Path(__file__).resolve().parents[1] / "suites"
# The fixed-example suites that judge one requirement per check (tests/slow/test_mutants.py).
CHECK_SUITES = tuple(
    str(SUITES / name)
    for name in (
        "test_connection.py",
        "test_errors.py",
        "test_discovery.py",
        "test_resources.py",
        "test_requirements.py",
    )
)
OKTA_SEQUENCES = str(SUITES / "test_okta_sequences.py")
# The check ids of the catalogue's sequences (suites/test_okta_sequences.py): each step's and expectation's.
CATALOGUE_CHECKS = frozenset(
    check
    for sequence in load_catalogue()
    for step in sequence.steps
    for check in (step.check, *(e.check for e in step.expectations))
)
# Checks that are not CHECK_SUITES': the drawn suites' and the probe's schema validation of any response.
_DRAWN_OR_SCHEMA = ("properties.", "stateful.", "schema.")
_NOTHING_RAN = re.compile(r"^(=+ )?no tests ran in [\d.]+s( =+)?$")


def run_suites(
    pytester: pytest.Pytester, *args: str, files: tuple[str, ...] = CHECK_SUITES
) -> pytest.RunResult:
    """The suites in a fresh in-process session (``-p no:randomly``-free, quiet)."""
    return pytester.runpytest_inprocess(*files, "-q", *args)


def mutant_args(name: str) -> tuple[str, ...]:
    return ("--scim-app", f"scim_conformance.mutants:{name}")


def read_summary(path: Path) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return summary


def found_checks(summary: dict[str, Any]) -> dict[str, str]:
    """check id -> severity of the findings in a --scim-json summary."""
    return {f["check"]: f["severity"] for f in summary["findings"]}


def check_suite_checks(catches: tuple[str, ...]) -> set[str]:
    """The checks among a mutant's ``catches`` that CHECK_SUITES hold."""
    return {c for c in catches if c not in CATALOGUE_CHECKS and not c.startswith(_DRAWN_OR_SCHEMA)}


def catalogue_checks(catches: tuple[str, ...]) -> set[str]:
    """The checks among a mutant's ``catches`` that the catalogue's sequences hold."""
    return {c for c in catches if c in CATALOGUE_CHECKS}


def ran_nothing(result: pytest.RunResult) -> bool:
    """True when the session ran no test at all (pytest's 'no tests ran' summary line)."""
    return any(_NOTHING_RAN.match(line) for line in result.stdout.lines)
