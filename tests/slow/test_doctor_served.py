"""``scim-conformance doctor`` against the reference server served on loopback (tests/appserver.py)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from appserver import serving  # tests/appserver.py

from scim_conformance import cli
from scim_conformance.spec import ADD_GROUPS

pytestmark = pytest.mark.slow

TOKEN = "doctor-test-token-0123456789abcdef"


def _doctor(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str, *args: str
) -> tuple[int, list[str]]:
    monkeypatch.setenv("SCIM_TOKEN", TOKEN)
    code = cli.main(["doctor", "--scim-url", url, *args])
    out = capsys.readouterr().out
    assert TOKEN not in out
    return code, out.splitlines()


def test_a_token_lacking_one_permission_is_the_one_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(tmp_path, token=TOKEN, without=[ADD_GROUPS]) as url:
        code, lines = _doctor(capsys, monkeypatch, url)
    assert code == 1
    failed = [line for line in lines if line.startswith("FAIL")]
    assert len(failed) == 1 and f"permission {ADD_GROUPS}" in failed[0]
    assert "answered 403" in failed[0] and f"fix: add {ADD_GROUPS} to the Zentral group" in failed[0]
    assert sum(1 for line in lines if line.startswith("OK    permission ")) == 7
    assert lines[-1] == f"{len(lines) - 2} OK, 1 FAIL"


def test_write_round_on_a_full_token_is_all_ok_and_leaves_no_group(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(tmp_path, token=TOKEN) as url:
        code, lines = _doctor(capsys, monkeypatch, url, "--write")
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
            groups = client.get("/Groups").json()
            users = client.get("/Users", params={"filter": 'userName sw "scimconf-"'}).json()
    assert code == 0, "\n".join(lines)
    assert not [line for line in lines if line.startswith("FAIL")]
    names = [line[6:].split("  ")[0] for line in lines[:-1]]
    assert "write: deactivate user (PATCH)" in names and "write: rename group (PATCH)" in names
    assert "write: delete group" in names and "clean-up" in names
    # The group is deleted; the user (the reference server does not delete users) stays deactivated.
    assert groups["totalResults"] == 0
    assert [u["active"] for u in users["Resources"]] == [False]


def test_a_wrong_token_and_a_wrong_realm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(tmp_path, token=TOKEN) as url:
        code, lines = _doctor(capsys, monkeypatch, url, "--scim-token", "another-token-0123456789")
        assert code == 1 and lines[-2].startswith("FAIL  token") and "401" in lines[-2]
        assert "another-token" not in "\n".join(lines)
        realm = url.split("/")[-3]
        code, lines = _doctor(capsys, monkeypatch, url.replace(realm, "00000000-0000-4000-8000-000000000000"))
        assert code == 1 and lines[-2].startswith("FAIL  realm") and "404" in lines[-2]
