"""A provider doing only what the contract requires passes for okta-aiw and fails for okta-oin (issue 8 §7).

``scim_conformance.mutants:minimal_conformant`` answers PATCH with 405, drops
``locale`` and ``name.middleName``, derives ``displayName`` ("given family"),
sends no ``Location`` header and publishes an empty ``/Schemas`` — everything
CONTRACT §4 and §5 allow. ``scim-conformance run`` against it must exit 0 for an
AIW app with no ``security`` or ``okta`` finding (the rfc ones are the missing
Location header and the empty discovery documents), and exit 1 for an OIN app,
which deactivates and pushes memberships by PATCH (CONTRACT §2).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# Slow (`scim-conformance run` of every suite in a subprocess): not in `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

APP = "scim_conformance.mutants:minimal_conformant"
# What CONTRACT §5 rates rfc and this provider leaves out: the Location header (RFC 7644 §3.3),
# and /Schemas content (so /ResourceTypes names schemas it does not define; RFC 7643 §6, §7).
RFC = {
    "discovery.schemas",
    "discovery.resource-types",
    "resources.location",
    "user-lifecycle.create.location",
    "group-push.create-empty.location",
}
# What a provider may drop or derive is never a finding: the checks that used to call it one.
ROUND_TRIPS = {
    "properties.round-trip",
    "properties.round-trip.claimed",
    "properties.put-round-trip",
    "properties.put-round-trip.claimed",
    "user-lifecycle.update-put",
    "user-lifecycle.update-put.claimed",
    "stateful.model.claimed",
}
# Each OIN operation that PATCHes: refused with 405 (okta-requests.md §0: Okta never falls back to PUT).
PATCHES = {
    "user-lifecycle.deactivate-patch",
    "user-lifecycle.reactivate-patch",
    "group-push.patch-add",
    "group-push.rename-patch",
    "properties.deactivation",
    "properties.membership",
    "stateful.model",
}


def run(tmp_path: Path, profile: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    environ = {k: v for k, v in os.environ.items() if k not in ("SCIM_URL", "SCIM_TOKEN")}
    reports = tmp_path / "reports"
    command = [sys.executable, "-m", "scim_conformance", "run", "--reports", str(reports), "-q"]
    command += ["--scim-app", APP, "--okta-profile", profile, "--hypothesis-profile", "ci"]
    result = subprocess.run(command, cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=600)
    summary: dict[str, Any] = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    # The list, for whoever reads the test log (pytest -s).
    print(f"\nminimal_conformant --okta-profile {profile}: exit {result.returncode}")
    for finding in summary["findings"]:
        print(f"  [{finding['severity']}] {finding['check']}: {finding['title']}")
    return result, summary


def checks_of(summary: dict[str, Any], severity: str) -> set[str]:
    return {f["check"] for f in summary["findings"] if f["severity"] == severity}


def test_an_aiw_app_passes_with_rfc_findings_only(tmp_path: Path) -> None:
    result, summary = run(tmp_path, "aiw")
    assert result.returncode == 0, result.stdout + result.stderr
    assert summary["counts"]["security"] == summary["counts"]["okta"] == 0, summary["findings"]
    assert checks_of(summary, "rfc") == RFC
    assert summary["cleanup"]["leftovers"] == []


def test_an_oin_app_fails_on_every_patch(tmp_path: Path) -> None:
    result, summary = run(tmp_path, "oin")
    assert result.returncode == 1, result.stdout + result.stderr
    assert summary["counts"]["security"] == 0
    okta = checks_of(summary, "okta")
    assert PATCHES <= okta, okta
    assert not okta & ROUND_TRIPS
    assert not checks_of(summary, "rfc") & ROUND_TRIPS
    # Each of them is about the OIN app alone: an AIW app of the same provider works.
    assert all(f["profiles"] == ["oin"] for f in summary["findings"] if f["severity"] == "okta")
