"""Running the conformance suites from a test, through pytester."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

SUITES = Path(__file__).resolve().parents[1] / "suites"
# The suites whose checks the mutants of scim_conformance.mutants target.
CHECK_SUITES = tuple(
    str(SUITES / name)
    for name in ("test_connection.py", "test_errors.py", "test_discovery.py", "test_resources.py")
)
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


def ran_nothing(result: pytest.RunResult) -> bool:
    """True when the session ran no test at all (pytest's 'no tests ran' summary line)."""
    return any(_NOTHING_RAN.match(line) for line in result.stdout.lines)
