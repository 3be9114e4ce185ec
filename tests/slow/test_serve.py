"""``scim-conformance serve`` end to end: a real subprocess, a real socket, real signals.

What only the served path can show: what the command prints (and never prints),
how it fails on bad usage, that Ctrl-C stops it cleanly, that uniqueness holds
under 64 concurrent connections, that ``--data`` survives SIGKILL, and that
``--log`` records what Okta sent without the token. Endpoint semantics are
tested in-process elsewhere; here each is touched only to prove the socket path.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import ssl
import stat
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from appserver import self_signed_cert
from served import Served, run, serving

from scim_conformance.okta.protocol import OKTA_CONTENT_TYPE, OKTA_HEADERS
from scim_conformance.spec import ERROR, GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, Json

# Slow (`scim-conformance serve` subprocesses, signals, sockets): not in `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

OKTA_BODY = {"Content-Type": OKTA_CONTENT_TYPE}
ONE_MB = 1024 * 1024
TRACEBACK = "Traceback (most recent call last)"


def okta_user(user_name: str, external_id: str, given: str = "Zoë", family: str = "Ødegård") -> Json:
    """The body of Okta's ``POST /Users`` (okta-requests.md §4), non-ASCII names included."""
    return {
        "schemas": [USER_SCHEMA],
        "userName": user_name,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"primary": True, "value": user_name, "type": "work"}],
        "displayName": f"{given} {family}",
        "locale": "en-US",
        "externalId": external_id,
        "groups": [],
        "password": "gl^m&qWZ",
        "active": True,
    }


def okta_group(name: str, members: Sequence[str] = ()) -> Json:
    return {
        "schemas": [GROUP_SCHEMA],
        "displayName": name,
        "members": [{"value": m, "display": m} for m in members],
    }


def patch(*operations: Json) -> Json:
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def client(served: Served, token: str | None) -> httpx.Client:
    headers = dict(OKTA_HEADERS)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.Client(base_url=served.base_url, headers=headers, timeout=10.0)


def send(http: httpx.Client, method: str, url: str, body: Json | str | None = None) -> httpx.Response:
    """One request the way Okta sends it: a JSON text body with Okta's Content-Type."""
    if body is None:
        return http.request(method, url)
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return http.request(method, url, content=text.encode("utf-8"), headers=OKTA_BODY)


def assert_scim_error(response: httpx.Response, status: int, scim_type: str | None = None) -> None:
    __tracebackhide__ = True
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/scim+json")
    body = response.json()
    assert body["schemas"] == [ERROR] and body["status"] == str(status) and body["detail"], body
    if scim_type is not None:
        assert body.get("scimType") == scim_type, body


# -- 1. startup output and bad usage --------------------------------------------


def test_generated_token_is_printed_once_and_works(tmp_path: Path) -> None:
    """Without --token the server generates one and prints it exactly once; it authenticates."""
    with serving(tmp_path) as served:
        assert served.token is not None and re.fullmatch(r"[0-9a-f]{40}", served.token)
        assert (served.stdout + served.stderr).count(served.token) == 1
        port = int(served.base_url.split(":")[2].split("/")[0])
        assert port != 0 and str(uuid.UUID(served.realm)) == served.realm
        with client(served, served.token) as http:
            assert http.get("/Users", params={"startIndex": 1, "count": 2}).status_code == 200
        with client(served, "0" * 40) as http:
            assert_scim_error(http.get("/Users"), 401)
        assert served.interrupt() == 0
    assert TRACEBACK not in served.stderr


def test_given_token_and_realm_are_used_and_token_never_printed(tmp_path: Path) -> None:
    """--token sets the token and is printed nowhere; --realm (any case) sets the realm in the URL."""
    token, realm = "okta-" + uuid.uuid4().hex, uuid.uuid4()
    with serving(tmp_path, "--token", token, "--realm", str(realm).upper()) as served:
        assert served.realm == str(realm)
        assert served.token is None
        assert "Bearer token:  (as given by --token)" in served.stdout
        with client(served, token) as http:
            assert http.get("/Groups", params={"startIndex": 1, "count": 100}).status_code == 200
        # Another realm's root is unknown, even with the right token (CONTRACT §4).
        with client(served, token) as http:
            other = served.base_url.replace(served.realm, str(uuid.uuid4()))
            assert_scim_error(http.get(f"{other}/Users"), 404)
        assert served.interrupt() == 0
    assert token not in served.stdout + served.stderr


def _listening_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    return sock


def test_bad_usage_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    """Bad --realm, --port, --token, unusable --data/--log paths or a taken port: one line, exit 2."""
    missing = tmp_path / "no-such-dir"
    (tmp_path / "not-sqlite").write_text("hello, not a database\n")
    with _listening_socket() as taken:
        cases = {
            "realm": ["--realm", "not-a-uuid"],
            "port range": ["--port", "70000"],
            "port text": ["--port", "http"],
            "empty token": ["--token", ""],
            "token with space": ["--token", "a b"],
            "data in missing dir": ["--port", "0", "--data", str(missing / "data.sqlite3")],
            "data is a directory": ["--port", "0", "--data", str(tmp_path)],
            "data not sqlite": ["--port", "0", "--data", str(tmp_path / "not-sqlite")],
            "log in missing dir": ["--port", "0", "--log", str(missing / "log.jsonl")],
            "log is a directory": ["--port", "0", "--log", str(tmp_path)],
            "port taken": ["--port", str(taken.getsockname()[1])],
        }
        # All at once: each is a Python start-up, and they are independent.
        with ThreadPoolExecutor(len(cases)) as pool:
            results = dict(zip(cases, pool.map(lambda args: run(*args), cases.values()), strict=True))
    for name, result in results.items():
        assert result.returncode == 2, (name, result.returncode, result.stderr)
        assert result.stdout == "", (name, result.stdout)
        one_line = re.fullmatch(r"scim-conformance( serve)?: error: [^\n]+\n", result.stderr)
        assert one_line, (name, result.stderr)
        assert TRACEBACK not in result.stderr


def test_failed_start_does_not_store_an_unseen_token(tmp_path: Path) -> None:
    """A start that fails after opening --data must not keep a generated token nobody saw."""
    data = tmp_path / "data.sqlite3"
    failed = run("--port", "0", "--data", str(data), "--log", str(tmp_path / "missing" / "log.jsonl"))
    assert failed.returncode == 2, failed.stderr
    with serving(tmp_path, "--data", str(data)) as served:
        assert served.token is not None, "the token of the first start was stored but never shown"
        with client(served, served.token) as http:
            assert http.get("/Users").status_code == 200


# -- 2. Ctrl-C --------------------------------------------------------------------


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    """SIGINT with a keep-alive connection open: exit 0 within seconds, no traceback, journal closed."""
    data = tmp_path / "data.sqlite3"
    with serving(tmp_path, "--data", str(data)) as served, client(served, served.token) as http:
        assert send(http, "POST", "/Users", okta_user("ctrl.c@example.com", "00uctrlc")).status_code == 201
        started = time.monotonic()
        assert served.interrupt() == 0
        assert time.monotonic() - started < 5
    assert TRACEBACK not in served.stderr, served.stderr
    # The last connection's close checkpoints the WAL into the database and removes it.
    assert not Path(f"{data}-wal").exists()


# -- 3. uniqueness under concurrency ----------------------------------------------


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(tmp_path_factory.mktemp("shared")) as served:
        yield served


def _concurrent_posts(served: Served, path: str, body: Json, n: int = 64) -> list[httpx.Response]:
    """``n`` threads, one connection each, released together by a barrier."""
    barrier = threading.Barrier(n)

    def post(_: int) -> httpx.Response:
        with client(served, served.token) as http:
            # Connect first, so the POSTs race on the server, not in the TCP handshake.
            http.get("/ServiceProviderConfig").raise_for_status()
            barrier.wait(timeout=20)
            return send(http, "POST", path, body)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(post, range(n)))


@pytest.mark.parametrize(
    ("path", "body", "lookup"),
    [
        ("/Users", okta_user("race@example.com", "00urace"), 'userName eq "race@example.com"'),
        ("/Groups", okta_group("Race Group"), 'displayName eq "Race Group"'),
    ],
    ids=["users", "groups"],
)
def test_64_concurrent_duplicate_creates(shared: Served, path: str, body: Json, lookup: str) -> None:
    """64 concurrent identical creates: exactly one 201, 63 × 409 uniqueness, one stored resource."""
    responses = _concurrent_posts(shared, path, body)
    assert Counter(r.status_code for r in responses) == {201: 1, 409: 63}
    for response in responses:
        if response.status_code == 409:
            assert_scim_error(response, 409, "uniqueness")
    with client(shared, shared.token) as http:
        found = http.get(path, params={"filter": lookup}).json()
    created = next(r for r in responses if r.status_code == 201).json()
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == created["id"]


# -- 4. persistence across SIGKILL --------------------------------------------------


def _snapshot(http: httpx.Client, urls: list[str]) -> dict[str, str]:
    return {url: http.get(url).text for url in urls}


def test_data_survives_sigkill(tmp_path: Path) -> None:
    """Every acknowledged write survives SIGKILL: bodies byte-identical, order, uniqueness, deletes."""
    data = tmp_path / "data.sqlite3"
    with serving(tmp_path, "--data", str(data), name="first") as first, client(first, first.token) as http:
        assert first.token is not None
        ids = []
        for i, (given, family) in enumerate([("José", "Müller"), ("Åsa", "Ng"), ("Li", "王")]):
            body = okta_user(f"user{i}@example.com", f"00u{i}", given, family)
            response = send(http, "POST", "/Users", body)
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
        u0, u1, u2 = ids
        groups = {}
        for name, members in [("Engineering", [u0, u1]), ("Doomed", [u2]), ("Sales", [])]:
            response = send(http, "POST", "/Groups", okta_group(name, members))
            assert response.status_code == 201, response.text
            groups[name] = response.json()["id"]
        # AIW profile update and deactivation: GET, then PUT the full resource.
        user = http.get(f"/Users/{u1}").json()
        user["name"]["givenName"], user["active"] = "Åse", False
        assert send(http, "PUT", f"/Users/{u1}", user).status_code == 200
        # OIN deactivation, membership change and rename: PATCH.
        oin_deactivate = patch({"op": "replace", "value": {"active": False}})
        assert send(http, "PATCH", f"/Users/{u2}", oin_deactivate).status_code in (200, 204)
        membership = patch(
            {"op": "remove", "path": f'members[value eq "{u0}"]'},
            {"op": "add", "path": "members", "value": [{"value": u2, "display": "user2@example.com"}]},
        )
        assert send(http, "PATCH", f"/Groups/{groups['Engineering']}", membership).status_code in (200, 204)
        rename = patch({"op": "replace", "value": {"id": groups["Sales"], "displayName": "Sales EMEA"}})
        assert send(http, "PATCH", f"/Groups/{groups['Sales']}", rename).status_code in (200, 204)
        assert http.delete(f"/Groups/{groups['Doomed']}").status_code == 204

        urls = [f"/Users/{u}" for u in ids] + [f"/Groups/{g}" for g in groups.values()]
        urls += ["/Users?startIndex=1&count=100", "/Groups?startIndex=1&count=100"]
        before = _snapshot(http, urls)
        # The last acknowledged write, then SIGKILL at once: no shutdown, no handler, no flush.
        last = send(http, "POST", "/Users", okta_user("last@example.com", "00ulast", "Ëva", "Last"))
        assert last.status_code == 201, last.text
        assert first.kill() == -signal.SIGKILL
    port = first.base_url.split(":")[2].split("/")[0]

    assert stat.S_IMODE(data.stat().st_mode) == 0o600  # it holds the token
    # The same port, so that meta.location (and so every body) can be compared byte for byte.
    with serving(tmp_path, "--data", str(data), "--port", port, name="second") as second:
        assert second.base_url == first.base_url
        assert second.token is None and first.token not in second.stdout + second.stderr
        assert f"Bearer token:  (stored in {data})" in second.stdout
        with client(second, first.token) as http:
            after = _snapshot(http, urls)
            last_id = last.json()["id"]
            assert http.get(f"/Users/{last_id}").text == last.text
            for url in urls[:-2]:
                assert after[url] == before[url], url
            assert after[urls[-1]] == before[urls[-1]]  # groups: order and bodies unchanged
            users_after = http.get("/Users?startIndex=1&count=100").json()
            assert [u["id"] for u in users_after["Resources"]] == [*ids, last_id]
            assert users_after["Resources"][:3] == json.loads(before[urls[-2]])["Resources"]

            assert http.get(f"/Groups/{groups['Doomed']}").status_code == 404
            # Uniqueness indexes are rebuilt from the data, and a deleted group frees its name.
            dup = send(http, "POST", "/Users", okta_user("USER0@example.com", "00uother"))
            assert_scim_error(dup, 409, "uniqueness")
            assert_scim_error(send(http, "POST", "/Groups", okta_group("sales emea")), 409, "uniqueness")
            assert send(http, "POST", "/Groups", okta_group("Doomed")).status_code == 201
            lookup = http.get("/Users", params={"filter": 'userName eq "last@example.com"'}).json()
            assert [r["id"] for r in lookup["Resources"]] == [last_id]
        assert second.interrupt() == 0
    assert TRACEBACK not in first.stderr + second.stderr


# -- 5. request log -------------------------------------------------------------------

LOG_KEYS = {
    "time",
    "client",
    "method",
    "path",
    "query",
    "headers",
    "body",
    "status",
    "response_headers",
    "response_body",
    "duration_ms",
}


def _log_lines(path: Path, n: int) -> list[Json]:
    """The first ``n`` lines once written: a line is appended after its response has gone."""
    deadline = time.monotonic() + 10
    while (lines := path.read_bytes().splitlines()) and len(lines) < n and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(lines) == n, f"expected {n} log lines, found {len(lines)}"
    entries = [json.loads(line) for line in lines]
    assert all(isinstance(e, dict) for e in entries)
    return entries


def test_request_log_records_what_okta_sent(tmp_path: Path) -> None:
    """--log: one JSON line per exchange, exact text, Authorization redacted, the token nowhere."""
    log = tmp_path / "okta.jsonl"
    with serving(tmp_path, "--log", str(log)) as served:
        token = served.token
        assert token is not None
        sent: list[tuple[str, str, str, str | None]] = []  # method, path, raw query, body
        responses: list[httpx.Response] = []

        def exchange(http: httpx.Client, method: str, url: str, body: Json | str | None = None) -> Json:
            response = send(http, method, url, body)
            path, _, query = url.partition("?")
            text = body if body is None or isinstance(body, str) else json.dumps(body, ensure_ascii=False)
            sent.append((method, path, query, text))
            responses.append(response)
            return response.json() if response.content else {}

        with (
            client(served, token) as okta,
            client(served, None) as anonymous,
            client(served, "0" * 40) as wrong,
        ):
            exchange(okta, "GET", "/Users?startIndex=1&count=2")
            # okta-requests.md §3: lookup (a miss), create, then the lookup again
            # with %20 (current Okta) and + (older Okta) for spaces: both must hit.
            value = "%22j%C3%BCrgen%40example.com%22&startIndex=1&count=100"
            exchange(okta, "GET", f"/Users?filter=userName%20eq%20{value}")
            new_user = okta_user("jürgen@example.com", "00ujurgen", "Jürgen", "Groß")
            uid = exchange(okta, "POST", "/Users", new_user)["id"]
            exchange(okta, "GET", f"/Users?filter=userName%20eq%20{value}")
            exchange(okta, "GET", f"/Users?filter=userName+eq+{value}")
            current = exchange(okta, "GET", f"/Users/{uid}")
            current["name"]["givenName"] = "Jürgen-Paul"
            exchange(okta, "PUT", f"/Users/{uid}", current)
            exchange(okta, "PATCH", f"/Users/{uid}", patch({"op": "replace", "value": {"active": False}}))
            # The path is logged as sent too, not percent-decoded (%2F would read as a "/").
            exchange(okta, "GET", "/Users/j%C3%BCrgen%2F00u")
            group_lookup = "/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100"
            exchange(okta, "GET", group_lookup)
            exchange(okta, "POST", "/Groups", okta_group("Test SCIMv2", [uid]))
            exchange(anonymous, "GET", "/Users?startIndex=1&count=2")
            # Refused before the server reads the body: the log still shows the body sent.
            wrong.cookies.set("session", "cookie-secret")
            exchange(wrong, "POST", "/Users", okta_user("refused@example.com", "00urefused"))
            exchange(okta, "POST", "/Users", '{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], ')
            # A secret that leaks into a URL is scrubbed there too.
            exchange(okta, "GET", f"/Users?filter=userName%20eq%20%22{token}%22")
        entries = _log_lines(log, len(sent))
        assert served.interrupt() == 0

    raw = log.read_bytes()
    assert token.encode() not in raw and b"cookie-secret" not in raw
    assert b"gl^m&qWZ" not in raw  # the password Okta sent on create
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    statuses = [200, 200, 201, 200, 200, 200, 200, 200, 404, 200, 201, 401, 401, 400, 200]
    assert [r.status_code for r in responses] == statuses
    prefix = f"/public/realms/{served.realm}/scim/v2"
    for entry, (method, path, query, body), response in zip(entries, sent, responses, strict=True):
        assert set(entry) == LOG_KEYS
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["time"])
        assert entry["client"] == "127.0.0.1"
        assert entry["method"] == method and entry["path"] == prefix + path
        assert entry["status"] == response.status_code
        if token in query:
            assert entry["query"] == query.replace(token, "[REDACTED]")
        else:
            assert entry["query"] == query  # as sent: %20 stays %20, + stays +
        # Exact text, None when there was no body — but for the password value,
        # which the log never keeps (Okta sends the real one when sync is on).
        expected_body = body.replace('"gl^m&qWZ"', '"[REDACTED]"') if body else body
        assert entry["body"] == expected_body
        assert entry["response_body"] == (response.text or None)
        assert isinstance(entry["duration_ms"], int | float) and entry["duration_ms"] >= 0
        assert entry["headers"]["user-agent"] == "Okta SCIM Client 1.0.0"
        assert entry["response_headers"]["content-type"] == response.headers["content-type"]
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in entry["headers"].items())
        if response.request.headers.get("authorization") is None:
            assert "authorization" not in entry["headers"]
        else:
            assert entry["headers"]["authorization"] == "Bearer [REDACTED]"
    # Sequential requests: ``time`` is when each arrived, so the lines are in order.
    assert [e["time"] for e in entries] == sorted(e["time"] for e in entries)
    # Both encodings of the lookup found the user just created.
    hits = [json.loads(entries[i]["response_body"]) for i in (3, 4)]
    assert hits[0] == hits[1] and [r["id"] for r in hits[0]["Resources"]] == [uid]
    assert entries[12]["headers"]["cookie"] == "[REDACTED]"
    assert json.loads(entries[13]["response_body"])["scimType"] == "invalidSyntax"


# -- 6. bad input over the socket ---------------------------------------------------


def test_malformed_json_is_400_invalid_syntax(shared: Served) -> None:
    """Malformed JSON over the socket: 400 invalidSyntax with a SCIM Error body."""
    with client(shared, shared.token) as http:
        assert_scim_error(send(http, "POST", "/Users", '{"userName": "x@example.com",'), 400, "invalidSyntax")


def assert_not_stored(served: Served, user_name: str) -> None:
    __tracebackhide__ = True
    with client(served, served.token) as http:
        found = http.get("/Users", params={"filter": f'userName eq "{user_name}"'})
    assert found.status_code == 200 and found.json()["totalResults"] == 0, found.text


def _oversized_body() -> bytes:
    body = okta_user("big@example.com", "00ubig")
    body["nickName"] = "x" * ONE_MB
    return json.dumps(body).encode()


def test_body_over_1_mb_is_413(shared: Served) -> None:
    """A body over 1 MB with Content-Length: 413 with a SCIM Error body; the server keeps serving."""
    with client(shared, shared.token) as http:
        response = http.post("/Users", content=_oversized_body(), headers=OKTA_BODY)
        assert_scim_error(response, 413)
    assert_not_stored(shared, "big@example.com")


def test_chunked_body_over_1_mb_is_413(shared: Served) -> None:
    """A chunked body (no Content-Length) over 1 MB: 413 with a SCIM Error body."""
    payload = _oversized_body()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(payload), 64 * 1024):
            yield payload[start : start + 64 * 1024]

    with client(shared, shared.token) as http:
        request = http.build_request("POST", "/Users", content=chunks(), headers=OKTA_BODY)
        assert "content-length" not in request.headers and request.headers["transfer-encoding"] == "chunked"
        assert_scim_error(http.send(request), 413)
    assert_not_stored(shared, "big@example.com")


# -- 6. ready to paste into Okta: one realm per data file, HTTPS ---------------------


def test_data_of_another_realm_is_refused_never_hidden(tmp_path: Path) -> None:
    """--data holding realm A with --realm B: one line naming A, exit 2; A's users stay served."""
    data, realm = tmp_path / "data.sqlite3", str(uuid.uuid4())
    with serving(tmp_path, "--data", str(data), "--realm", realm) as served:
        token = served.token
        with client(served, token) as http:
            assert send(http, "POST", "/Users", okta_user("kept@example.com", "00ukept")).status_code == 201
        assert served.interrupt() == 0
    other = str(uuid.uuid4())
    refused = run("--port", "0", "--data", str(data), "--realm", other)
    assert refused.returncode == 2, refused.stderr
    assert re.fullmatch(rf"scim-conformance: error: data file .* holds realm {realm}, not {other}: [^\n]+\n",
                        refused.stderr), refused.stderr  # fmt: skip
    # The refusal changed nothing: the stored realm still serves its user.
    with serving(tmp_path, "--data", str(data), name="again") as served, client(served, token) as http:
        assert served.realm == realm
        found = http.get("/Users", params={"filter": 'userName eq "kept@example.com"'}).json()
        assert found["totalResults"] == 1


def test_https_with_tls_cert_and_key(tmp_path: Path) -> None:
    """--tls-cert/--tls-key: the printed URL is https and answers over TLS (verified with the cert)."""
    files = self_signed_cert(tmp_path)
    assert files is not None, "the openssl command makes the test certificate"
    cert, key = files
    with serving(tmp_path, "--tls-cert", str(cert), "--tls-key", str(key)) as served:
        assert served.base_url.startswith("https://127.0.0.1:")
        headers = {**OKTA_HEADERS, "Authorization": f"Bearer {served.token}"}
        with httpx.Client(
            base_url=served.base_url,
            headers=headers,
            verify=ssl.create_default_context(cafile=cert),
            timeout=10,
        ) as http:
            assert http.get("/Users", params={"startIndex": 1, "count": 1}).status_code == 200
        assert served.interrupt() == 0
    assert TRACEBACK not in served.stderr


def test_tls_options_errors_are_one_line(tmp_path: Path) -> None:
    files = self_signed_cert(tmp_path)
    assert files is not None
    cert, key = files
    cases = {
        "cert without key": ["--port", "0", "--tls-cert", str(cert)],
        "key without cert": ["--port", "0", "--tls-key", str(key)],
        "missing cert": ["--port", "0", "--tls-cert", str(tmp_path / "none.pem"), "--tls-key", str(key)],
        "key is no key": ["--port", "0", "--tls-cert", str(cert), "--tls-key", str(cert)],
    }
    with ThreadPoolExecutor(len(cases)) as pool:
        results = dict(zip(cases, pool.map(lambda args: run(*args), cases.values()), strict=True))
    for name, result in results.items():
        assert result.returncode == 2, (name, result.stderr)
        assert re.fullmatch(r"scim-conformance: error: [^\n]+\n", result.stderr), (name, result.stderr)
        assert "tls" in result.stderr.lower() or "https" in result.stderr.lower(), (name, result.stderr)
