"""ASGIPortalTransport: a sync httpx client driving small inline ASGI apps, without a socket."""

from __future__ import annotations

import contextlib
import gc
import gzip
import json
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from scim_conformance.traffic import Recorder
from scim_conformance.transport import ASGIPortalTransport, RecordingTransport, in_process_client


async def echo(request: Request) -> Response:
    body = await request.body()
    return JSONResponse(
        {
            "method": request.method,
            "path": request.url.path,
            "query": str(request.query_params),
            "headers": dict(request.headers),
            "body": body.decode(),
        },
        status_code=int(request.query_params.get("status", "200")),
        headers={"X-Echo": request.headers.get("x-ping", ""), "Location": "/Users/1"},
    )


async def empty(request: Request) -> Response:
    return Response(status_code=int(request.path_params["code"]))


async def stream(request: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        for i in range(100):
            await anyio.sleep(0)  # Yield to the loop between chunks, as a real stream would.
            yield f"chunk {i}\n".encode()

    return StreamingResponse(chunks(), media_type="text/plain")


async def gzipped(request: Request) -> Response:
    return Response(gzip.compress(b"squeezed" * 100), headers={"Content-Encoding": "gzip"})


async def slow(request: Request) -> Response:
    await anyio.sleep(0.001)
    return PlainTextResponse(request.query_params["n"])


async def boom(request: Request) -> Response:
    raise ValueError("boom from the app")


async def state(request: Request) -> Response:
    return JSONResponse({"store": request.state.store})


ROUTES = [
    Route("/echo", echo, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    Route("/status/{code:int}", empty),
    Route("/stream", stream),
    Route("/gzip", gzipped),
    Route("/slow", slow),
    Route("/boom", boom),
]
app = Starlette(routes=ROUTES)


def portal_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("asgi-portal")}


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with in_process_client(app) as client:
        yield client


def test_get_returns_status_headers_and_json_body(client: httpx.Client) -> None:
    response = client.get("/echo", params={"filter": 'userName eq "a"'}, headers={"X-Ping": "pong"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-echo"] == "pong"
    assert response.headers["location"] == "/Users/1"
    assert response.json()["query"] == "filter=userName+eq+%22a%22"
    assert response.json()["headers"]["host"] == "scim.test"
    assert response.elapsed.total_seconds() >= 0


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_request_body_and_headers_reach_the_app(client: httpx.Client, method: str) -> None:
    body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "zoë@example.com"}
    response = client.request(
        method, "/echo", json=body, headers={"Content-Type": "application/scim+json; charset=utf-8"}
    )

    seen = response.json()
    assert seen["method"] == method
    assert json.loads(seen["body"]) == body
    assert seen["headers"]["content-type"] == "application/scim+json; charset=utf-8"


def test_streamed_request_body_is_sent_whole(client: httpx.Client) -> None:
    # A sync iterator cannot be consumed on the portal's loop; the transport reads it first.
    response = client.post("/echo", content=iter([b"part one, ", b"part two"]))

    assert response.json()["body"] == "part one, part two"


@pytest.mark.parametrize("code", [201, 204, 400, 404, 409, 500, 503])
def test_status_codes_pass_through(client: httpx.Client, code: int) -> None:
    response = client.get(f"/status/{code}")

    assert response.status_code == code
    assert response.content == b""


def test_streaming_response_is_read_in_full(client: httpx.Client) -> None:
    response = client.get("/stream")

    assert response.text == "".join(f"chunk {i}\n" for i in range(100))


def test_streaming_client_api_sees_the_whole_body(client: httpx.Client) -> None:
    with client.stream("GET", "/stream") as response:
        lines = list(response.iter_lines())

    assert lines == [f"chunk {i}" for i in range(100)]


def test_content_encoding_is_left_for_the_client_to_undo(client: httpx.Client) -> None:
    response = client.get("/gzip")

    assert response.headers["content-encoding"] == "gzip"
    assert response.content == b"squeezed" * 100


def test_concurrent_use_from_eight_threads(client: httpx.Client) -> None:
    def fetch(n: int) -> str:
        return client.get("/slow", params={"n": n}).text

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fetch, range(400)))

    assert results == [str(n) for n in range(400)]
    assert len(portal_threads()) == 1, "all threads share one portal"


def test_portal_starts_lazily_and_close_stops_its_thread() -> None:
    baseline = set(threading.enumerate())
    transport = ASGIPortalTransport(app)
    assert set(threading.enumerate()) == baseline

    transport.handle_request(httpx.Request("GET", "http://scim.test/echo")).read()
    assert len(set(threading.enumerate()) - baseline) == 1

    transport.close()
    assert set(threading.enumerate()) == baseline
    transport.close()  # Idempotent.


def test_closing_the_client_stops_the_portal() -> None:
    baseline = set(threading.enumerate())
    with in_process_client(app) as client:
        client.get("/echo")
    assert set(threading.enumerate()) == baseline


def test_garbage_collected_transport_stops_its_thread() -> None:
    baseline = set(threading.enumerate())
    transport = ASGIPortalTransport(app)
    transport.handle_request(httpx.Request("GET", "http://scim.test/echo")).read()
    assert len(set(threading.enumerate()) - baseline) == 1

    del transport
    gc.collect()
    assert set(threading.enumerate()) == baseline


def test_close_waits_for_requests_in_flight() -> None:
    entered = threading.Event()

    async def unhurried(request: Request) -> Response:
        entered.set()
        await anyio.sleep(0.2)
        return PlainTextResponse("finished")

    transport = ASGIPortalTransport(Starlette(routes=[Route("/", unhurried)]))
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(transport.handle_request, httpx.Request("GET", "http://scim.test/"))
        assert entered.wait(5)
        transport.close()
        assert pending.done(), "close() returned only after the request finished"
        assert pending.result().read() == b"finished"


def test_closed_transport_refuses_requests() -> None:
    transport = ASGIPortalTransport(app)
    transport.close()

    with pytest.raises(RuntimeError, match="closed"):
        transport.handle_request(httpx.Request("GET", "http://scim.test/echo"))


def test_app_exception_propagates_to_the_caller(client: httpx.Client) -> None:
    with pytest.raises(ValueError, match="boom from the app"):
        client.get("/boom")

    assert client.get("/status/204").status_code == 204, "the transport survives an app error"


def test_calling_itself_from_the_loop_raises_instead_of_hanging() -> None:
    transports: list[ASGIPortalTransport] = []

    async def reentrant(request: Request) -> Response:
        transports[0].handle_request(httpx.Request("GET", "http://scim.test/"))
        return PlainTextResponse("unreachable")

    transports.append(ASGIPortalTransport(Starlette(routes=[Route("/", reentrant)])))
    with pytest.raises(RuntimeError, match="its own event loop"):
        transports[0].handle_request(httpx.Request("GET", "http://scim.test/"))
    transports[0].close()


def test_app_exception_becomes_500_when_asked() -> None:
    transport = ASGIPortalTransport(Starlette(routes=ROUTES), raise_app_exceptions=False)
    with httpx.Client(transport=transport, base_url="http://scim.test") as client:
        response = client.get("/boom")

    assert response.status_code == 500


def test_lifespan_runs_startup_and_shutdown_and_shares_state() -> None:
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        events.append("startup")
        yield {"store": "memory"}
        events.append("shutdown")

    with in_process_client(Starlette(routes=[Route("/state", state)], lifespan=lifespan)) as client:
        assert events == []  # Lazy: nothing runs before the first request.
        assert client.get("/state").json() == {"store": "memory"}
        assert events == ["startup"]
    assert events == ["startup", "shutdown"]


def test_app_without_lifespan_support_still_serves() -> None:
    async def http_only(scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] == "http", "this app rejects lifespan, as the ASGI spec allows"
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"plain ASGI"})

    with in_process_client(http_only) as client:
        assert client.get("/").text == "plain ASGI"


def test_lifespan_startup_failure_is_raised() -> None:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        raise ConnectionError("database is down")
        yield

    baseline = set(threading.enumerate())
    with in_process_client(Starlette(routes=ROUTES, lifespan=lifespan)) as client:
        with pytest.raises(RuntimeError, match="lifespan startup failed"):
            client.get("/echo")
    assert set(threading.enumerate()) == baseline


def test_lifespan_can_be_skipped() -> None:
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        events.append("startup")
        yield

    transport = ASGIPortalTransport(Starlette(routes=ROUTES, lifespan=lifespan), lifespan=False)
    with httpx.Client(transport=transport, base_url="http://scim.test") as client:
        client.get("/echo")
    assert events == []


def test_recording_an_in_process_app() -> None:
    baseline = set(threading.enumerate())
    recorder = Recorder(secrets=["s3cr3t-T0ken-xyz"])
    transport = RecordingTransport(ASGIPortalTransport(app), recorder)
    with httpx.Client(transport=transport, base_url="http://scim.test") as client:
        response = client.post("/echo", json={"a": 1}, headers={"Authorization": "Bearer s3cr3t-T0ken-xyz"})

    assert response.json()["headers"]["authorization"] == "Bearer s3cr3t-T0ken-xyz"
    (exchange,) = recorder.exchanges
    assert exchange.status == 200
    assert exchange.request_json() == {"a": 1}
    assert exchange.response_json()["headers"]["authorization"] == "Bearer [REDACTED]"
    assert set(threading.enumerate()) == baseline, "closing the recorder closed the wrapped portal"


def test_recording_from_eight_threads_numbers_each_exchange_once() -> None:
    recorder = Recorder()
    transport = RecordingTransport(ASGIPortalTransport(app), recorder)
    with httpx.Client(transport=transport, base_url="http://scim.test") as client:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda n: client.get("/slow", params={"n": n}), range(200)))

    exchanges = recorder.exchanges
    assert [e.number for e in exchanges] == list(range(1, 201))
    assert sorted(int(e.response_body or "") for e in exchanges) == list(range(200))
