"""What ``replay`` reads (request-log lines, HAR), how it maps ids and what it compares."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scim_conformance.logreplay.compare import differences
from scim_conformance.logreplay.idmap import IdMap
from scim_conformance.logreplay.records import LogError, read_records
from scim_conformance.spec import ERROR, USER_SCHEMA

ROOT = "/public/realms/5f0a3c1e-8d2b-4b7a-9c41-2e6f1d9a7b30/scim/v2"


def test_request_log_and_stateful_lines_are_rerooted(tmp_path: Path) -> None:
    line = {"method": "GET", "path": ROOT + "/Users/a%2Fb", "query": "x=1", "headers": {"accept": "*/*"},
            "body": None, "status": 404, "response_body": None, "step": 3, "rule": "create_user"}  # fmt: skip
    log = tmp_path / "stateful-aiw-failure.jsonl"
    log.write_text(json.dumps(line) + "\n\n")
    (record,) = read_records(log)
    assert (record.method, record.path, record.query, record.status) == ("GET", "/Users/a%2Fb", "x=1", 404)
    assert record.headers == (("accept", "*/*"),)


def test_har_entries_are_read(tmp_path: Path) -> None:
    har = {"log": {"version": "1.2", "entries": [{
        "request": {"method": "POST", "url": "https://z.example/v2/Users?a=b",
                    "headers": [{"name": "Content-Type", "value": "application/scim+json"}],
                    "postData": {"text": "{}"}},
        "response": {"status": 0, "content": {"text": ""}},
    }]}}  # fmt: skip
    path = tmp_path / "okta.har"
    path.write_text(json.dumps(har))
    (record,) = read_records(path)
    assert (record.path, record.query, record.body, record.status) == ("/Users", "a=b", "{}", None)
    assert record.headers == (("content-type", "application/scim+json"),)


def test_a_line_without_a_path_is_a_log_error(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"method": "GET"}\n')
    with pytest.raises(LogError, match=r"x\.jsonl:1: not a request-log line"):
        read_records(path)


def test_ids_are_mapped_from_answers_and_replaced_as_whole_tokens() -> None:
    ids = IdMap()
    ids.learn({"id": "u1", "userName": "a"}, {"id": "N-1", "userName": "a"})
    ids.learn(
        {"Resources": [{"id": "g1", "displayName": "G"}]}, {"Resources": [{"id": "N-2", "displayName": "H"}]}
    )
    assert ids.ids == {"u1": "N-1"}  # a listed resource of another name is not the same one
    assert (
        ids.rewrite('/Users/u1 members[value eq "u1"] u10 xu1')
        == '/Users/N-1 members[value eq "N-1"] u10 xu1'
    )


def test_volatile_fields_and_mapped_ids_are_not_differences() -> None:
    ids = IdMap()
    ids.learn({"id": "u1", "userName": "a"}, {"id": "N-1", "userName": "a"})
    meta = {"created": "2026-01-01", "version": "W/1", "location": f"http://old{ROOT}/Users/u1"}
    old = {"schemas": [USER_SCHEMA], "id": "u1", "userName": "a", "active": False, "meta": meta}
    new = {
        **old,
        "id": "N-1",
        "meta": {"created": "2027", "version": "W/9", "location": "https://z/v2/Users/N-1"},
    }
    assert differences(200, json.dumps(old), 200, json.dumps(new), ids) == []
    assert differences(200, json.dumps(old), 201, json.dumps({**new, "active": True}), ids) == [
        "status: 200 → 201",
        "/active: false → true",
    ]
    error = {"schemas": [ERROR], "status": "404", "detail": "no such user"}
    assert differences(404, json.dumps(error), 404, json.dumps({**error, "detail": "unknown"}), ids) == []


def test_render_says_when_nothing_was_recorded_to_compare_with() -> None:
    from scim_conformance.logreplay import Recorded, Replayed, render

    unanswered = Recorded(1, "GET", "/Users", "", (), None, None, None)
    answered = Recorded(2, "PATCH", "/Users/u1", "", (), "{}", 200, "{}")
    lines = render(
        [
            Replayed(unanswered, "/Users", 200),
            Replayed(answered, "/Users/N-1", 200, ("/active: false → true",)),
        ]
    )
    assert lines == [
        "#1 GET /Users  - → 200  sent (no answer was recorded to compare with)",
        "#2 PATCH /Users/N-1  200 → 200  DIFFERS",
        "    /active: false → true",
        "2 requests: 1 same, 1 differ, 0 skipped",
    ]
