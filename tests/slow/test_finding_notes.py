"""Whatever else a finding carries (hypothesis's notes on the failing example), the token is scrubbed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# Slow (a pytest subprocess): not in `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

SUITE = """
import os
import pytest
from scim_conformance.probe import Probe

@pytest.mark.check("demo.notes", severity="okta", requirement="demo (MUST)")
def test_leaky(probe: Probe, scim_target) -> None:
    probe.request("GET", "/Users")
    with open(os.environ["TOKEN_FILE"], "w") as out:  # a side channel, for the assertion only
        out.write(scim_target.token)
    failure = probe.finding("demo", expected="x", got="y")
    failure.add_note(f"falsifying example: token={scim_target.token}")
    raise failure
"""


def test_notes_are_redacted_in_every_report(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token_file = tmp_path / "token"
    monkeypatch.setenv("TOKEN_FILE", str(token_file))
    pytester.makepyfile(SUITE)
    summary = tmp_path / "summary.json"
    junit = tmp_path / "junit.xml"
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", f"--scim-json={summary}", f"--junitxml={junit}", "-rA"
    )
    result.assert_outcomes(failed=1)
    output = result.stdout.str() + result.stderr.str()
    assert "falsifying example: token=[REDACTED]" in output
    found = json.loads(summary.read_text())["findings"]
    assert found[0]["notes"] == ["falsifying example: token=[REDACTED]"]
    token = token_file.read_text()
    assert len(token) == 40
    for text in (output, summary.read_text(), junit.read_text()):
        assert token not in text
