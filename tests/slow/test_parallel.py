"""The suites under pytest-xdist (``-n 2``): workers never interfere, and cleanup adds up.

Each worker has its own run marker, its own client and its own cleanup tracker;
the controller sums the workers' cleanup outcomes (``workeroutput`` sent at
``pytest_testnodedown``) into summary.json.
"""

from __future__ import annotations

import json
import re
import secrets
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest
from live_targets import pretty, read_log, reference_server, run_suites, scim_path

from scim_conformance.cleanup import Tracker
from scim_conformance.okta.bodies import user_body
from scim_conformance.target import embedded_target

# Slow (whole suites under xdist against a served server): not in `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

TOKEN = "parallel-" + secrets.token_hex(16)
WORKER_MARKER = re.compile(r"scimconf-[0-9a-f]{8}-(gw\d+)")


def test_two_workers_against_one_server(tmp_path: Path) -> None:
    """``-n 2`` against one served reference server: no finding, and each worker's resources cleaned."""
    log = tmp_path / "requests.jsonl"
    reports = tmp_path / "reports"
    with reference_server(tmp_path, TOKEN, log=log) as served:
        result = run_suites(served.base_url, TOKEN, reports, "-n", "2")
        assert result.returncode == 0, pretty(result)
        summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
        assert summary["counts"] == {"security": 0, "okta": 0, "rfc": 0}
        assert not ET.parse(reports / "junit.xml").getroot().findall(".//error")

        created: dict[str, tuple[str, str]] = {}  # id -> (endpoint, worker)
        for entry in read_log(log):
            segments = scim_path(entry)
            if entry["method"] == "POST" and len(segments) == 1 and entry["status"] == 201:
                resource = json.loads(entry["response_body"])
                label = resource.get("userName") or resource.get("displayName")
                found = WORKER_MARKER.search(label)
                assert found, f"{segments[0]} {label!r} has no worker's run marker"
                created[resource["id"]] = (segments[0], found[1])
        workers = {worker for _, worker in created.values()}
        assert workers == {"gw0", "gw1"}, "both workers should have created resources"

        # The controller's summary holds both workers' outcomes, not one of them.
        cleanup = summary["cleanup"]
        assert cleanup["created"] == len(created), cleanup
        assert 0 < cleanup["requests"] <= cleanup["created"], cleanup
        assert cleanup["leftovers"] == []
        line = f"cleanup: {cleanup['requests']} requests for {len(created)} created resources"
        assert line in result.stdout

        with httpx.Client(base_url=served.base_url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
            for rid, (endpoint, worker) in created.items():
                response = client.get(f"/{endpoint}/{rid}")
                if endpoint == "Groups":
                    assert response.status_code == 404, f"{worker} left group {rid}"
                else:
                    assert response.json()["active"] is False, f"{worker} left user {rid} active"


@pytest.mark.parametrize(
    ("app", "supported"), [("scim_conformance.mutants:user_delete", True), (None, False)]
)
def test_cleanup_learns_user_delete(app: str | None, supported: bool) -> None:
    """A tracker that did not run the user-delete suite (another worker did) finds out itself.

    It asks on a user already deactivated, which needs no request otherwise, so
    a target that deletes users gets its users deleted within one request each.
    """
    target = embedded_target(app)
    try:
        client = target.client
        tracker = Tracker(target)
        users = []
        for label in ("one", "two", "three"):
            response = client.post("/Users", json=user_body("scimconf-0000abcd", label))
            assert response.status_code == 201
            users.append(response.json())
            tracker.created("User", users[-1])
        deactivated = {**users[0], "active": False}
        response = client.put(f"/Users/{users[0]['id']}", json=deactivated)
        assert response.status_code == 200
        tracker.seen(response.json())
        outcome = tracker.clean_up()
        assert outcome == {"created": 3, "requests": 3, "leftovers": []}
        assert tracker.user_delete_supported is supported
        for user in users:
            shown = client.get(f"/Users/{user['id']}")
            if supported:
                assert shown.status_code == 404
            else:
                assert shown.json()["active"] is False
    finally:
        target.close()
