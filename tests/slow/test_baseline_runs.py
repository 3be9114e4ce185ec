"""``run --write-baseline``, then ``run --baseline``: known findings pass, new ones fail, fixed ones show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import run_cli  # tests/slow/test_cli.py (the run command in a subprocess)

pytestmark = pytest.mark.slow

MUTANT = "scim_conformance.mutants:patch_not_applied"
KNOWN = [
    "user-lifecycle.deactivate-patch",
    "user-lifecycle.deactivated-get",
    "user-lifecycle.deactivated-lookup",
]


def _run(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = run_cli("run", "--check", "user-lifecycle", "-q", *args, cwd=tmp_path)
    return result.returncode, result.stdout + result.stderr


def test_baseline_round_trip(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "--scim-app", MUTANT, "--write-baseline", "baseline.json")
    assert code == 1, out
    written = json.loads((tmp_path / "baseline.json").read_text())
    assert sorted(written["checks"]) == KNOWN and "baseline of 3 gating check(s) written" in out

    code, out = _run(tmp_path, "--scim-app", MUTANT, "--baseline", "baseline.json")
    assert code == 0, out
    assert "baseline: 3 baselined, 0 new, 0 fixed" in out
    assert all(f"baselined (does not fail the run): {check}" in out for check in KNOWN)

    # Another fault: a duplicate create accepted is new, and fails the run.
    code, out = _run(
        tmp_path, "--scim-app", "scim_conformance.mutants:duplicates_accepted", "--baseline", "baseline.json"
    )
    assert code == 1, out
    assert "new: user-lifecycle.create-duplicate" in out

    # The reference server: the baselined checks are fixed; only --scim-strict fails on that.
    code, out = _run(tmp_path, "--baseline", "baseline.json")
    assert code == 0, out
    assert "baseline: 0 baselined, 0 new, 3 fixed" in out and "fixed: user-lifecycle.deactivate-patch" in out
    code, out = _run(tmp_path, "--baseline", "baseline.json", "--scim-strict")
    assert code == 1, out


def test_an_unreadable_baseline_is_one_line_and_exit_2(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "--baseline", "missing.json")
    assert code == 2 and out.count("\n") == 1 and "cannot read the baseline 'missing.json'" in out


def test_an_unwritable_baseline_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    code, out = _run(tmp_path, "--write-baseline", "file/baseline.json")
    assert code == 2 and "cannot write the baseline 'file/baseline.json'" in out and "Traceback" not in out
