"""The shared vocabulary (``scim_conformance.core``): terms, text, redaction and the request-log line."""

from __future__ import annotations

import ast
import contextlib
import json
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import scim_conformance
from scim_conformance.core.logline import LOG_KEYS, log_line
from scim_conformance.core.redaction import REDACTED, Redaction, redact_passwords
from scim_conformance.core.terms import PROFILES, SEVERITIES, gates, is_profile, is_severity, rank
from scim_conformance.core.text import scim_path, shorten
from scim_conformance.schemas.documents import check_severities
from scim_conformance.server.requestlog import RequestLog
from scim_conformance.stateful.report import request_log_line
from scim_conformance.traffic import Recorder
from scim_conformance.transport import ASGIPortalTransport, RecordingTransport

PACKAGE = Path(scim_conformance.__file__).parent

# -- terms -----------------------------------------------------------------------------------


def test_severities_most_severe_first_and_profiles() -> None:
    assert SEVERITIES == ("security", "okta", "rfc")
    assert [rank(s) for s in SEVERITIES] == [0, 1, 2]
    assert PROFILES == ("aiw", "oin")
    assert is_severity("okta") and not is_severity("OKTA") and not is_severity(None)
    assert is_profile("oin") and not is_profile("all")


@pytest.mark.parametrize(
    ("severity", "strict", "gating"),
    [
        ("security", False, True),
        ("okta", False, True),
        ("rfc", False, False),
        ("security", True, True),
        ("okta", True, True),
        ("rfc", True, True),
    ],
)
def test_gates_security_and_okta_always_rfc_only_when_strict(
    severity: str, strict: bool, gating: bool
) -> None:
    """CONTRACT §5: security and okta findings fail the run; rfc ones only in strict mode."""
    assert is_severity(severity)
    assert gates(severity, strict=strict) is gating


def test_catalogue_schema_enums_are_the_terms() -> None:
    """The catalogue schema stays a data file; its enums must say what core.terms says."""
    schema = json.loads((PACKAGE / "catalogue.schema.json").read_text("utf-8"))
    assert tuple(schema["$defs"]["severity"]["enum"]) == SEVERITIES
    assert tuple(schema["$defs"]["profiles"]["items"]["enum"]) == PROFILES


def test_an_unknown_x_severity_is_refused_when_schemas_load() -> None:
    check_severities({"properties": {"a": {"x-severity": "okta"}}}, "ok.json")
    with pytest.raises(ValueError, match=r"bad\.json/properties/a: x-severity 'warning' is not one of"):
        check_severities({"properties": {"a": {"x-severity": "warning"}}}, "bad.json")


def test_core_imports_nothing_else_of_the_package() -> None:
    """``core`` is the leaf both the harness and the reference server import."""
    for module in (PACKAGE / "core").glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.level <= 1, f"{module.name} imports from {'.' * node.level}{node.module}"
                assert not (node.module or "").startswith("scim_conformance"), module.name
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("scim_conformance") for a in node.names), module.name


# -- text ------------------------------------------------------------------------------------


def test_shorten_cuts_after_limit_with_an_ellipsis() -> None:
    assert shorten("abc", 3) == "abc"
    assert shorten("abcd", 3) == "abc…"
    assert shorten("", 0) == ""
    assert shorten("x" * 301) == "x" * 300 + "…"


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://z.example/public/realms/5f0a/scim/v2/Users/1?x=y", "/Users/1?x=y"),
        ("/public/realms/5f0a/scim/v2/Groups", "/Groups"),
        ("http://localhost:8000/v2/Users", "http://localhost:8000/v2/Users"),  # another provider's root
        ("https://z.example/public/realms/5f0a/scim/v2", "https://z.example/public/realms/5f0a/scim/v2"),
    ],
)
def test_scim_path_strips_up_to_the_scim_root(url: str, path: str) -> None:
    assert scim_path(url) == path


# -- redaction and the request-log line ------------------------------------------------------

TOKEN = "tok/en+42"
REALM = "/public/realms/5f0a3c1e-8d2b-4b7a-9c41-2e6f1d9a7b30/scim/v2"


async def careless(request: Request) -> Response:
    """Echoes the token back everywhere (not the password, which only a request body carries)."""
    note = json.loads(await request.body())["note"]
    return JSONResponse(
        {"auth": request.headers.get("authorization"), "query": str(request.url.query), "note": note},
        status_code=201,
        headers={"Location": f"{REALM}/Users/1?access_token={TOKEN}", "Set-Cookie": f"s={TOKEN}"},
    )


def test_recorder_and_request_log_redact_alike(tmp_path: Path) -> None:
    """The harness's log line of an exchange is the line the server's request log writes for it."""
    log = tmp_path / "log.jsonl"
    app = RequestLog(Starlette(routes=[Route(REALM + "/Users", careless, methods=["POST"])]), log, [TOKEN])
    recorder = Recorder([TOKEN])
    transport = RecordingTransport(ASGIPortalTransport(app), recorder)
    body = json.dumps({"userName": f"x{TOKEN}", "password": "gl^m&qWZ", "note": TOKEN})
    with contextlib.closing(app), httpx.Client(transport=transport, base_url="http://scim.test") as client:
        client.post(
            f"{REALM}/Users?filter=userName%20eq%20%22tok%2Fen%2B42%22&access_token={TOKEN}",
            content=body,
            headers={
                "Authorization": f"Bearer {TOKEN}",
                "Cookie": f"session={TOKEN}",
                "X-Auth-Token": "other",
                "Content-Type": "application/scim+json",
            },
        )
    server = json.loads(log.read_text("utf-8"))
    harness = request_log_line(recorder.exchanges[0], time=server["time"])
    assert tuple(server) == LOG_KEYS
    assert {k: v for k, v in harness.items() if k in LOG_KEYS and k not in ("client", "duration_ms")} == {
        k: v for k, v in server.items() if k not in ("client", "duration_ms")
    }
    text = log.read_text("utf-8")
    assert TOKEN not in text and "tok%2Fen%2B42" not in text and "gl^m&qWZ" not in text
    assert server["headers"]["authorization"] == f"Bearer {REDACTED}"
    assert server["headers"]["cookie"] == server["headers"]["x-auth-token"] == REDACTED
    assert server["query"] == f"filter=userName%20eq%20%22{REDACTED}%22&access_token={REDACTED}"
    assert json.loads(server["body"]) == {"userName": f"x{REDACTED}", "password": REDACTED, "note": REDACTED}


def test_log_line_of_redacted_values_is_unchanged() -> None:
    """Redacting twice changes nothing: the harness builds lines from exchanges redacted already."""
    redaction = Redaction([TOKEN])
    once = log_line(
        time="2026-11-28T22:31:03.797Z",
        client=None,
        method="PATCH",
        path=f"{REALM}/Users/{TOKEN}",
        query=f"api_key={TOKEN}&count=2",
        headers=[("Authorization", f"Bearer {TOKEN}"), ("Accept", "a"), ("accept", "b")],
        body=json.dumps({"Operations": [{"op": "replace", "path": "password", "value": "s3cret"}]}),
        status=204,
        response_headers=[("Date", "today"), ("Server", "uvicorn"), ("X-Secret", "x")],
        response_body=None,
        duration_ms=1.23456,
        redaction=redaction,
    )
    assert once["headers"] == {"authorization": f"Bearer {REDACTED}", "accept": "a, b"}
    assert once["response_headers"] == {"x-secret": REDACTED}  # date and server are uvicorn's
    assert once["path"] == f"{REALM}/Users/{REDACTED}" and once["duration_ms"] == 1.235
    assert json.loads(once["body"])["Operations"][0]["value"] == REDACTED
    fields = {k: once[k] for k in ("time", "client", "method", "path", "query", "body", "status")}
    again = log_line(
        **fields,
        headers=once["headers"].items(),
        response_headers=once["response_headers"].items(),
        response_body=None,
        duration_ms=once["duration_ms"],
    )
    assert again == once
    assert redact_passwords(once["body"]) == once["body"]
