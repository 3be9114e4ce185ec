"""``scim-conformance replay``: a captured request log replayed on served targets (tests/appserver.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from appserver import serving  # tests/appserver.py

from scim_conformance import cli
from scim_conformance.okta import requests as okta
from scim_conformance.okta.bodies import SAMPLE_CREATE_USER
from scim_conformance.okta.protocol import OKTA_CONTENT_TYPE, OKTA_HEADERS
from scim_conformance.server.app import create_app
from scim_conformance.server.config import Realm, ServiceAccount, new_realm_id
from scim_conformance.server.requestlog import RequestLog
from scim_conformance.spec import GROUP_SCHEMA
from scim_conformance.transport import in_process_client

pytestmark = pytest.mark.slow

TOKEN = "replay-test-token-0123456789abcdef"


def _capture(log: Path) -> None:
    """Okta's user and group requests, as an OIN app sends them, through the in-process RequestLog."""
    realm = new_realm_id()
    app = RequestLog(
        create_app(realms=[Realm(realm)], accounts=[ServiceAccount("okta", TOKEN)]), log, [TOKEN]
    )
    base = f"http://reference.scim.test/public/realms/{realm}/scim/v2"
    headers = {**OKTA_HEADERS, "Authorization": f"Bearer {TOKEN}"}
    with in_process_client(app, base_url=base, headers=headers) as client:

        def send(request: okta.Request) -> Any:
            url = request.path + (f"?{request.query}" if request.query else "")
            extra = {"Content-Type": OKTA_CONTENT_TYPE} if request.body is not None else {}
            response = client.request(request.method, url, json=request.body, headers=extra)
            return response.json() if response.content else None

        for listing in okta.connection_test():
            send(listing)
        send(okta.lookup_user(SAMPLE_CREATE_USER["userName"]))
        uid = send(okta.create("Users", SAMPLE_CREATE_USER))["id"]
        send(okta.fetch("Users", uid))
        send(okta.patch("Users", uid, [okta.set_active_operation(False)]))
        send(okta.fetch("Users", uid))
        group = {"schemas": [GROUP_SCHEMA], "displayName": "Okta Admins", "members": [okta.member(uid)]}
        gid = send(okta.create("Groups", group))["id"]
        send(okta.patch("Groups", gid, [okta.rename_operation(gid, "Okta Admins 2")]))
        send(okta.fetch("Groups", gid))
        send(okta.delete_group(gid))
    app.close()


def _replay(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, log: Path, url: str
) -> tuple[int, list[str]]:
    monkeypatch.setenv("SCIM_TOKEN", TOKEN)
    code = cli.main(["replay", str(log), "--scim-url", url])
    out = capsys.readouterr()
    assert TOKEN not in out.out + out.err
    return code, out.out.splitlines()


def test_replay_against_the_reference_is_the_same_and_against_a_mutant_differs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "okta.jsonl"
    _capture(log)
    assert len(log.read_text().splitlines()) == 11
    with serving(tmp_path, token=TOKEN, name="reference") as url:
        code, lines = _replay(capsys, monkeypatch, log, url)
    assert code == 0, "\n".join(lines)
    assert lines[-1] == "11 requests: 11 same, 0 differ, 0 skipped"
    # The ids of the new target, not the recorded ones, were sent.
    recorded = json.loads(log.read_text().splitlines()[3])["response_body"]
    assert json.loads(recorded)["id"] not in "\n".join(lines)

    with serving(
        tmp_path, token=TOKEN, app="scim_conformance.mutants:patch_not_applied", name="mutant"
    ) as url:
        code, lines = _replay(capsys, monkeypatch, log, url)
    assert code == 1
    differing = [line for line in lines if line.endswith("DIFFERS")]
    # The deactivating PATCH answers the user still active, and so does the GET after it.
    assert differing[0].startswith("#6 PATCH /Users/") and "200 → 200" in differing[0]
    assert lines[lines.index(differing[0]) + 1] == "    /active: false → true"
    assert lines[-1].startswith("11 requests: ") and " 0 skipped" in lines[-1]


def test_a_write_to_a_resource_the_replay_did_not_create_is_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "okta.jsonl"
    _capture(log)
    # Without the creates, the PATCHes and the DELETE name ids the replay never made.
    kept = [line for line in log.read_text().splitlines() if json.loads(line)["method"] != "POST"]
    log.write_text("\n".join(kept) + "\n")
    with serving(tmp_path, token=TOKEN) as url:
        code, lines = _replay(capsys, monkeypatch, log, url)
    assert code == 1
    assert sum("skipped: names a resource the replay did not create" in line for line in lines) == 3


def test_a_file_that_is_not_a_log_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"method": "GET"}\n')
    assert cli.main(["replay", str(bad), "--scim-url", "http://127.0.0.1:1/scim/v2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.jsonl:1: not a request-log line" in err
