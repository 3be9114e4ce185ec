"""Recording, redaction, curl reproduction and transcripts."""

from __future__ import annotations

import dataclasses
import gzip
import json
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scim_conformance.traffic import (
    REDACTED,
    Exchange,
    Recorder,
    redact_headers,
    redact_text,
    redact_url,
)
from scim_conformance.transport import RecordingTransport

TOKEN = "s3cr3t-T0ken-xyz"
BASE = "https://scim.example.com/public/realms/3f1b/scim/v2"


def echo_everything(request: httpx.Request) -> httpx.Response:
    """A careless server: echoes the credentials back in the body, headers and a URL."""
    auth = request.headers.get("authorization", "")
    return httpx.Response(
        201,
        json={"youSent": auth, "url": str(request.url), "body": request.content.decode()},
        headers={
            "Location": f"{BASE}/Users/1?access_token={TOKEN}",
            "Set-Cookie": f"session={TOKEN}; HttpOnly",
            "X-Debug": f"token was {TOKEN}",
        },
    )


def recording_client(handler: Callable[[httpx.Request], httpx.Response], recorder: Recorder) -> httpx.Client:
    transport = RecordingTransport(httpx.MockTransport(handler), recorder)
    return httpx.Client(transport=transport, headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.fixture
def recorder() -> Recorder:
    return Recorder(secrets=[TOKEN])


def all_output(recorder: Recorder) -> Iterator[str]:
    """Every way a recorded exchange can leave the process."""
    yield repr(recorder)
    yield recorder.render()
    for exchange in recorder.exchanges:
        yield repr(exchange)
        yield json.dumps(exchange.to_dict())
        yield exchange.render()
        yield exchange.curl()
        for field in dataclasses.fields(exchange):
            yield str(getattr(exchange, field.name))


# --- RecordingTransport ---------------------------------------------------------------------------


def test_token_is_redacted_everywhere_even_when_echoed(recorder: Recorder) -> None:
    with recording_client(echo_everything, recorder) as client:
        response = client.post(
            f"{BASE}/Users",
            params={"access_token": TOKEN, "filter": f'userName eq "{TOKEN}"'},
            json={"userName": "ada", "note": TOKEN},
        )

    (exchange,) = recorder.exchanges
    for text in all_output(recorder):
        assert TOKEN not in text
    assert ("Authorization", f"Bearer {REDACTED}") in exchange.request_headers
    assert ("Set-Cookie", REDACTED) in exchange.response_headers
    assert f"access_token={REDACTED}" in exchange.url
    assert exchange.response_json()["youSent"] == f"Bearer {REDACTED}"
    # The caller still gets the real, unredacted response.
    assert response.status_code == 201
    assert response.json()["youSent"] == f"Bearer {TOKEN}"
    assert response.headers["x-debug"] == f"token was {TOKEN}"


def test_encoded_spellings_of_the_token_are_redacted() -> None:
    token = "tok/with+odd=chars&é"
    recorder = Recorder(secrets=[token])
    with recording_client(echo_everything, recorder) as client:
        client.post(f"{BASE}/Users", params={"q": token}, json={"password": token})

    for text in all_output(recorder):
        assert token not in text
        assert str(httpx.QueryParams({"q": token}))[2:] not in text
        assert json.dumps(token)[1:-1] not in text


def test_sensitive_header_and_query_names_are_redacted(recorder: Recorder) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"X-Refresh-Token": "abc", "Content-Type": "text/plain"})

    with recording_client(handler, recorder) as client:
        client.get(
            "https://ada:hunter2@scim.example.com/Users",
            params={"api_key": "k1", "password": "p1", "count": "10"},
            headers={"X-Api-Key": "k2", "X-Client-Secret": "s1", "Cookie": "a=b", "Accept": "x"},
        )

    (exchange,) = recorder.exchanges
    assert (
        exchange.url
        == f"https://{REDACTED}@scim.example.com/Users?api_key={REDACTED}&password={REDACTED}&count=10"
    )
    headers = dict(exchange.request_headers)
    assert headers["X-Api-Key"] == headers["X-Client-Secret"] == headers["Cookie"] == REDACTED
    # httpx turned the userinfo into Basic auth; the scheme stays readable.
    assert headers["Authorization"] == f"Basic {REDACTED}"
    assert headers["Accept"] == "x"
    assert dict(exchange.response_headers)["X-Refresh-Token"] == REDACTED
    for text in all_output(recorder):
        assert "hunter2" not in text and "k1" not in text and "k2" not in text


def test_connection_error_is_recorded_and_reraised(recorder: Recorder) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"connection refused to {request.url}")

    with recording_client(refuse, recorder) as client, pytest.raises(httpx.ConnectError):
        client.get(f"{BASE}/Users", params={"access_token": TOKEN})

    (exchange,) = recorder.exchanges
    assert exchange.status is None
    assert exchange.response_body is None
    assert exchange.error is not None and exchange.error.startswith("ConnectError: connection refused")
    assert exchange.duration_ms >= 0
    assert "ConnectError" in exchange.render()
    for text in all_output(recorder):
        assert TOKEN not in text


def test_error_while_reading_the_body_keeps_the_status(recorder: Recorder) -> None:
    class Broken(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield b'{"partial": '
            raise httpx.ReadError("peer reset")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Broken())

    with recording_client(handler, recorder) as client, pytest.raises(httpx.ReadError):
        client.get(f"{BASE}/Users")

    (exchange,) = recorder.exchanges
    assert exchange.status == 200
    assert exchange.error == "ReadError: peer reset"


def test_duration_is_recorded(recorder: Recorder) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        time.sleep(0.02)
        return httpx.Response(204)

    with recording_client(slow, recorder) as client:
        client.delete(f"{BASE}/Users/1")

    assert recorder.exchanges[0].duration_ms >= 20


def test_caller_can_stream_the_recorded_response(recorder: Recorder) -> None:
    body = gzip.compress(b'{"totalResults": 0}')

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, stream=httpx.ByteStream(body), headers={"Content-Encoding": "gzip", "X-N": "1"}
        )

    with recording_client(handler, recorder) as client, client.stream("GET", f"{BASE}/Users") as response:
        assert b"".join(response.iter_raw()) == body
        assert response.headers["x-n"] == "1"

    with recording_client(handler, recorder) as client:
        assert client.get(f"{BASE}/Users").json() == {"totalResults": 0}
    # The recording undoes the Content-Encoding, as a reader wants.
    assert recorder.exchanges[0].response_json() == {"totalResults": 0}


@pytest.mark.parametrize(
    ("content_type", "raw", "text"),
    [
        ("text/plain; charset=iso-8859-1", b"caf\xe9", "café"),
        ("application/scim+json", "zoë".encode(), "zoë"),
        ("text/plain; charset=x-no-such-charset", b"ok\xff", "ok\ufffd"),
    ],
)
def test_response_body_is_decoded_by_its_charset(
    recorder: Recorder, content_type: str, raw: bytes, text: str
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=raw, headers={"Content-Type": content_type})

    with recording_client(handler, recorder) as client:
        assert client.get(f"{BASE}/Users").content == raw

    assert recorder.exchanges[0].response_body == text


def test_numbering_marks_and_clear(recorder: Recorder) -> None:
    with recording_client(echo_everything, recorder) as client:
        client.get(f"{BASE}/Users")
        mark = recorder.mark()
        client.get(f"{BASE}/Groups")
        client.get(f"{BASE}/Schemas")
        assert [e.number for e in recorder.since(mark)] == [2, 3]
        recorder.clear()
        assert recorder.since(mark) == [] and len(recorder) == 0
        client.get(f"{BASE}/ResourceTypes")

    assert [e.number for e in recorder.exchanges] == [4]
    assert [e.url for e in recorder.since(mark)] == [f"{BASE}/ResourceTypes"]


def test_secret_added_later_is_scrubbed_from_new_records_and_renders() -> None:
    recorder = Recorder()
    with recording_client(echo_everything, recorder) as client:
        client.get(f"{BASE}/Users", headers={"X-Note": "late-secret"})
        recorder.add_secret("late-secret")
        client.get(f"{BASE}/Users", headers={"X-Note": "late-secret"})

    assert "late-secret" in recorder.exchanges[0].render()  # Recorded before it was a secret...
    assert "late-secret" not in recorder.render()  # ...but not in what the recorder renders.
    assert dict(recorder.exchanges[1].request_headers)["X-Note"] == REDACTED


# --- Exchange: to_dict and render -----------------------------------------------------------------

PATCH = Exchange(
    number=3,
    method="PATCH",
    url=f"{BASE}/Users/abc",
    request_headers=(
        ("Host", "scim.example.com"),
        ("Accept-Encoding", "gzip"),
        ("Content-Length", "99"),
        ("User-Agent", "Okta SCIM Client 1.0.0"),
        ("Authorization", f"Bearer {REDACTED}"),
        ("Content-Type", "application/scim+json; charset=utf-8"),
    ),
    request_body='{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}',
    status=200,
    response_headers=(("Content-Type", "application/scim+json"), ("Date", "today"), ("Location", "/x")),
    response_body='{"id":"abc","userName":"zoë"}',
    duration_ms=12.4,
)


def test_to_dict_is_json_and_mirrors_the_fields() -> None:
    data = json.loads(json.dumps(PATCH.to_dict()))

    assert data["number"] == 3
    assert data["request_headers"][3] == ["User-Agent", "Okta SCIM Client 1.0.0"]
    assert data["status"] == 200 and data["error"] is None
    assert Exchange.from_dict(data) == PATCH


def test_json_accessors() -> None:
    assert PATCH.request_json()["Operations"] == []
    assert PATCH.response_json() == {"id": "abc", "userName": "zoë"}
    assert dataclasses.replace(PATCH, response_body="<html>").response_json() is None
    assert dataclasses.replace(PATCH, request_body=None).request_json() is None


def test_render_shows_a_readable_block() -> None:
    assert PATCH.render() == "\n".join(
        [
            f"#3 PATCH {BASE}/Users/abc → 200 (12 ms)",
            "> User-Agent: Okta SCIM Client 1.0.0",
            f"> Authorization: Bearer {REDACTED}",
            "> Content-Type: application/scim+json; charset=utf-8",
            ">",
            "> {",
            '>   "schemas": [',
            '>     "urn:ietf:params:scim:api:messages:2.0:PatchOp"',
            ">   ],",
            '>   "Operations": []',
            "> }",
            "< 200 OK",
            "< Content-Type: application/scim+json",
            "< Location: /x",
            "<",
            "< {",
            '<   "id": "abc",',
            '<   "userName": "zoë"',
            "< }",
        ]
    )


def test_render_truncates_long_bodies() -> None:
    big = dataclasses.replace(PATCH, response_body="x" * 10_000, duration_ms=0.42)
    text = big.render()

    assert text.splitlines()[0].endswith("→ 200 (0.4 ms)")
    assert "… truncated: 5904 more characters (10000 in all)" in text
    assert len(text) < 6000


def test_recorder_render_numbers_the_transcript() -> None:
    recorder = Recorder()
    recorder.record(method="GET", url=f"{BASE}/Users", status=200)
    recorder.record(method="GET", url=f"{BASE}/Groups", error="ConnectTimeout: timed out")

    assert recorder.render() == (
        f"#1 GET {BASE}/Users → 200 (0.0 ms)\n< 200 OK\n\n"
        f"#2 GET {BASE}/Groups → ConnectTimeout: timed out (0.0 ms)"
    )


# --- curl -----------------------------------------------------------------------------------------


def parse_curl(command: str) -> dict[str, object]:
    """Read back what a curl argv would send: method, URL, headers and body."""
    argv = shlex.split(command)
    assert argv[:2] == ["curl", "-sS"]
    parsed: dict[str, object] = {"headers": [], "body": None, "globoff": False}
    words = iter(argv[2:])
    for word in words:
        if word == "-X":
            parsed["method"] = next(words)
        elif word == "--head":
            parsed["method"] = "HEAD"
        elif word == "-g":
            parsed["globoff"] = True
        elif word == "-H":
            name, _, value = next(words).partition(": ")
            parsed["headers"].append((name, value))  # type: ignore[attr-defined]
        elif word in ("--data-binary", "--data-raw"):
            parsed["body"] = next(words)
        else:
            parsed["url"] = word
    return parsed


def test_curl_replays_the_request() -> None:
    command = PATCH.curl()

    assert command.startswith(f"curl -sS -X PATCH '{BASE}/Users/abc' -H 'User-Agent: Okta SCIM Client 1.0.0'")
    assert ' -H "Authorization: Bearer $SCIM_TOKEN" ' in command
    assert parse_curl(command) == {
        "method": "PATCH",
        "url": f"{BASE}/Users/abc",
        "globoff": False,
        "headers": [
            ("User-Agent", "Okta SCIM Client 1.0.0"),
            ("Authorization", "Bearer $SCIM_TOKEN"),
            ("Content-Type", "application/scim+json; charset=utf-8"),
        ],
        "body": PATCH.request_body,
    }


@pytest.mark.parametrize(
    "body",
    [
        """{"name": {"familyName": "O'Brien"}}""",
        '{"displayName": "Zoë 日本 🎉"}',
        '{\n  "a": "line\\nbreak",\n  "b": "\'\'"\n}',
        "'",
        "",
        "$SCIM_TOKEN `rm -rf /` $(whoami) \\ ! *",
    ],
)
def test_curl_bodies_survive_shell_quoting(body: str) -> None:
    exchange = dataclasses.replace(PATCH, request_body=body)

    assert parse_curl(exchange.curl())["body"] == body


def test_curl_body_starting_with_at_is_not_a_file_name() -> None:
    command = dataclasses.replace(PATCH, request_body="@/etc/passwd").curl()

    assert "--data-raw '@/etc/passwd'" in command


def test_curl_turns_off_globbing_for_brackets_and_uses_head() -> None:
    url = f'{BASE}/Users?filter=emails[type eq "work"]'
    exchange = dataclasses.replace(PATCH, method="HEAD", url=url, request_body=None)

    parsed = parse_curl(exchange.curl())
    assert parsed["globoff"] is True
    assert parsed["method"] == "HEAD"
    assert parsed["url"] == url
    assert parsed["body"] is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (REDACTED, "$TOK"),
        (f"Basic {REDACTED}", "Basic $TOK"),
        ("Bearer not-redacted-by-a-recorder", "Bearer $TOK"),
        (f"we$ird {REDACTED}", "$TOK"),  # Not safe inside double quotes: the scheme is dropped.
    ],
)
def test_curl_authorization_always_comes_from_the_variable(value: str, expected: str) -> None:
    exchange = dataclasses.replace(PATCH, request_headers=(("Authorization", value),))

    assert parse_curl(exchange.curl(token_variable="TOK"))["headers"] == [("Authorization", expected)]


header_values = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=30)


@given(
    body=st.text(),
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    path=st.text(max_size=20),
    value=header_values,
)
def test_curl_round_trips_arbitrary_requests(body: str, method: str, path: str, value: str) -> None:
    exchange = Exchange(
        number=1,
        method=method,
        url=f"{BASE}/{path}",
        request_headers=(("X-Custom", value), ("Authorization", f"Bearer {REDACTED}")),
        request_body=body,
    )

    parsed = parse_curl(exchange.curl())
    assert parsed["method"] == method
    assert parsed["url"] == exchange.url
    assert parsed["headers"] == [("X-Custom", value), ("Authorization", "Bearer $SCIM_TOKEN")]
    assert parsed["body"] == body


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_curl_runs_in_a_real_shell_and_expands_the_token() -> None:
    body = """{"note": "it's $HOME, \\"quoted\\" `not run`\nline two ✓"}"""
    command = dataclasses.replace(PATCH, request_body=body).curl()
    # A stand-in curl prints its argv NUL-separated, so the test sees what bash passed.
    script = f'curl() {{ printf "%s\\0" "$@"; }}\n{command}'

    result = subprocess.run(
        ["bash", "-c", script], env={"SCIM_TOKEN": TOKEN}, capture_output=True, check=True
    )

    argv = result.stdout.decode().split("\0")[:-1]
    assert f"Authorization: Bearer {TOKEN}" in argv
    assert argv[-1] == body
    assert argv[:4] == ["-sS", "-X", "PATCH", f"{BASE}/Users/abc"]


# --- building blocks ------------------------------------------------------------------------------


def test_redact_headers_keeps_the_scheme_and_order() -> None:
    headers = [
        ("Authorization", "Bearer abc"),
        ("Proxy-Authorization", "Basic dXNlcjpwYXNz"),
        ("authorization", "abc"),
        ("X-Trace", "1"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
    ]

    assert redact_headers(headers) == (
        ("Authorization", f"Bearer {REDACTED}"),
        ("Proxy-Authorization", f"Basic {REDACTED}"),
        ("authorization", REDACTED),
        ("X-Trace", "1"),
        ("Set-Cookie", REDACTED),
        ("Set-Cookie", REDACTED),
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://h/p?a=1&b=%20&c", "https://h/p?a=1&b=%20&c"),
        ("https://u:p@h:8443/p", f"https://{REDACTED}@h:8443/p"),
        ("https://h/p?Access_Token=x&x=1#frag", f"https://h/p?Access_Token={REDACTED}&x=1#frag"),
        (f"https://h/Users/{TOKEN}", f"https://h/Users/{REDACTED}"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url, [TOKEN]) == expected


def test_redact_text_handles_overlapping_and_empty_secrets() -> None:
    assert redact_text("abcdef abc", ["abc", "abcdef", ""]) == f"{REDACTED} {REDACTED}"
    assert redact_text("nothing here", []) == "nothing here"


token_text = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_.~+/=", min_size=8, max_size=40)


@given(secret=token_text, before=st.text(), after=st.text())
def test_redact_text_leaves_no_trace_of_a_token(secret: str, before: str, after: str) -> None:
    text = f"{before}{secret}{after} {json.dumps(secret)} {httpx.QueryParams({'t': secret})}"

    assert secret not in redact_text(text, [secret])
