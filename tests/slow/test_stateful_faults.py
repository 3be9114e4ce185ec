"""The stateful suite finds the planted faults, shrinks each to at most 5 steps, and saves the replay.

The faults are the mutants of ``scim_conformance.mutants`` whose ``catches``
name ``stateful.model``: most are ones a fixed example misses (a ``userName eq``
lookup matching by prefix, a group emptied when it is renamed, Unicode folded on
the way to storage), one is plain (Okta's create refused for its ``password``). Under the ci profile
(derandomized) the suite draws the same runs for the same code, and the
reference server passes those same runs. The same code only: hypothesis also
draws constants from the modules loaded (so an edit, or other tests imported in
the same xdist worker, changes the runs), and a user's seed is any seed;
``bench/sensitivity.py`` measures each fault's detection rate over random seeds.
"""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from suite_runs import SUITES, mutant_args, read_summary, run_suites

from scim_conformance.hypothesis_settings import SHRINKING
from scim_conformance.mutants import MUTANTS

STATEFUL = (str(SUITES / "test_stateful.py"),)
CI = ("--hypothesis-profile", "ci")
MAX_STEPS = 5
# docs/request-log.md: the keys of a request-log line, which the replay command reads.
LOG_KEYS = {
    "time", "client", "method", "path", "query", "headers", "body",
    "status", "response_headers", "response_body", "duration_ms",
}  # fmt: skip
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
NOT_RULES = {
    "users_match_model", "neighbours_are_told_apart", "groups_match_model", "deleted_groups_are_gone",
    "teardown",
}  # fmt: skip
_SEQUENCE = re.compile(r"Failing sequence: (\d+) steps, (\d+) requests; saved for replay as (\S+)")

# Each fault the state machine must catch (catches "stateful.model"), and what the
# finding it gives is about (its requirement).
FAULTS = {
    "lookup_prefix": ("never a prefix",),
    "password_rejected": ("succeeds with the documented status",),
    "rename_drops_members": ("exactly the intended members",),
    "unicode_folded": ("round-trip exactly", "displayName"),
    "names_flattened": ("round-trip exactly",),
}


# The in-process runs below load the ci profile process-wide (tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("keep_hypothesis_profile")]


def test_every_stateful_fault_has_its_requirement() -> None:
    assert set(FAULTS) == {name for name, m in MUTANTS.items() if "stateful.model" in m.catches}


def _log_lines(path: Path) -> list[dict[str, Any]]:
    # Split on "\n" only: the log writes U+2028/U+2029 unescaped (docs/request-log.md).
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


def test_reference_server_passes_and_a_stale_replay_file_goes(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    stale = tmp_path / "stateful-aiw-failure.jsonl"
    stale.write_text("{}\n")
    summary_path = tmp_path / "summary.json"
    result = run_suites(pytester, *CI, "--scim-strict", f"--scim-json={summary_path}", files=STATEFUL)
    assert result.ret == 0, result.stdout.str()
    result.assert_outcomes(passed=2)
    summary = read_summary(summary_path)
    assert summary["findings"] == []
    assert summary["cleanup"]["leftovers"] == []
    assert not stale.exists()


def test_what_a_provider_may_drop_or_derive_is_no_finding(pytester: pytest.Pytester, tmp_path: Path) -> None:
    """CONTRACT §4: locale, middleName dropped, displayName derived, nothing claimed: strict, no finding."""
    summary_path = tmp_path / "summary.json"
    result = run_suites(
        pytester,
        *CI,
        *mutant_args("minimal_conformant"),
        "--okta-profile",
        "aiw",
        "--scim-strict",
        f"--scim-json={summary_path}",
        files=STATEFUL,
    )
    assert result.ret == 0, result.stdout.str()
    assert read_summary(summary_path)["findings"] == []


def test_a_claimed_attribute_changed_is_one_rfc_finding_and_no_stop(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """displayName derived though /Schemas claims it: rfc, reported once, under its own check id."""
    summary_path = tmp_path / "summary.json"
    result = run_suites(
        pytester,
        *CI,
        *mutant_args("display_name_derived_claimed"),
        "--okta-profile",
        "aiw",
        f"--scim-json={summary_path}",
        files=STATEFUL,
    )
    assert result.ret == 0, result.stdout.str()  # rfc: reported, gating only with --scim-strict
    (finding,) = read_summary(summary_path)["findings"]
    assert (finding["check"], finding["severity"]) == ("stateful.model.claimed", "rfc")
    assert "displayName" in finding["got"] and "/Schemas claims displayName" in finding["got"]


@pytest.mark.parametrize("profile", ["aiw", "oin"])
@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_is_found_and_shrunk(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, profile: str
) -> None:
    # Shrinking to the end, as under thorough: the ci profile's time bound makes how far it
    # gets depend on the machine's load (9 steps on a busy one), and the step bound below is
    # about what shrinking finds. tests/test_shrinking.py covers the bound itself.
    monkeypatch.setitem(SHRINKING, "ci", None)
    summary_path = tmp_path / "summary.json"
    result = run_suites(
        pytester,
        *CI,
        *mutant_args(name),
        "--okta-profile",
        profile,
        f"--scim-json={summary_path}",
        files=STATEFUL,
    )
    output = result.stdout.str()
    assert result.ret == 1, output
    findings = [f for f in read_summary(summary_path)["findings"] if f["check"] == "stateful.model"]
    assert len(findings) == 1, output
    finding = findings[0]
    assert finding["severity"] == "okta"
    assert finding["profiles"] == [profile]
    assert any(about in finding["requirement"] for about in FAULTS[name]), finding["requirement"]

    # The minimal sequence, as the final run's numbered requests by step...
    sequence = finding["notes"][0]
    match = _SEQUENCE.match(sequence)
    assert match is not None, sequence
    steps, requests = int(match[1]), int(match[2])
    assert 1 <= steps <= MAX_STEPS, sequence
    assert len(re.findall(r"^  step \d+: ", sequence, re.MULTILINE)) == steps
    assert len(finding["exchanges"]) == requests
    # ... hypothesis's own reproduction after it, the same steps...
    reproduction = "\n".join(finding["notes"][1:])
    assert "state = ProvisioningMachine()" in reproduction and "state.teardown()" in reproduction
    calls = re.findall(r"^(?:\w+ = )?state\.(\w+)\(", reproduction, re.MULTILINE)
    assert len([c for c in calls if c not in NOT_RULES]) == steps, reproduction
    # ... both shown in the terminal.
    assert match[0] in output and "state = ProvisioningMachine()" in output

    # The replay file: where the finding says, owner-only, one request-log line per request.
    replay = Path(match[3])
    assert replay == tmp_path / f"stateful-{profile}-failure.jsonl"
    assert stat.S_IMODE(replay.stat().st_mode) == 0o600
    lines = _log_lines(replay)
    assert len(lines) == requests
    for line, exchange in zip(lines, finding["exchanges"], strict=True):
        assert LOG_KEYS <= set(line), line
        assert _TIME.fullmatch(line["time"])
        assert line["path"].startswith("/public/realms/") and "?" not in line["path"]
        assert line["method"] == exchange["method"] and line["status"] == exchange["status"]
        assert line["headers"]["authorization"] == "Bearer [REDACTED]"
        assert line["headers"]["user-agent"] == "Okta SCIM Client 1.0.0"
        assert line["purpose"] in ("rule", "invariant") and 1 <= line["step"] <= steps
        if line["body"] is not None:
            body = json.loads(line["body"])
            assert body.get("password", "[REDACTED]") == "[REDACTED]"
    assert {line["step"] for line in lines if line["purpose"] == "rule"} <= set(range(1, steps + 1))


def test_replay_file_goes_to_reports_in_the_working_directory(pytester: pytest.Pytester) -> None:
    result = run_suites(
        pytester, *CI, *mutant_args("unicode_folded"), "--okta-profile", "aiw", files=STATEFUL
    )
    assert result.ret == 1, result.stdout.str()
    replay = pytester.path / "reports" / "stateful-aiw-failure.jsonl"
    result.stdout.fnmatch_lines([f"*saved for replay as {Path('reports') / replay.name}*"])
    assert _log_lines(replay)
