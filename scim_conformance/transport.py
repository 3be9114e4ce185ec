"""httpx transports: the one seam between the harness and a target (STYLE Lesson 5).

A remote target and the in-process reference server differ only in `transport=`:

- `ASGIPortalTransport` lets a *sync* `httpx.Client` drive an ASGI app without a socket.
  httpx's own `ASGITransport` is async-only, so this one runs it on an event loop in a
  background thread (an anyio blocking portal), as starlette's `TestClient` does.
- `RecordingTransport` wraps any transport and records each exchange, redacted, into a
  `traffic.Recorder`. It wraps rather than hooks: httpx event hooks see unread bodies.
"""

from __future__ import annotations

import contextlib
import threading
import time
import weakref
from collections.abc import AsyncIterator, MutableMapping
from typing import TYPE_CHECKING, Any

import anyio
import anyio.from_thread
import httpx
from anyio.from_thread import start_blocking_portal
from anyio.lowlevel import EventLoopToken, current_token

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from scim_conformance.traffic import Recorder

__all__ = ["ASGIPortalTransport", "RecordingTransport", "in_process_client"]


class ASGIPortalTransport(httpx.BaseTransport):
    """A sync transport that calls an ASGI app in-process, through an anyio blocking portal.

    The portal (an event loop in a daemon thread) starts on the first request and stops in
    `close()`; a transport that is garbage-collected or still open at interpreter exit is
    closed by a `weakref.finalize` safety net. One portal serves every thread: concurrent
    requests run as concurrent tasks on its loop, which is also what an app expects (its
    locks and pools belong to one loop). `close()` lets requests in flight finish; a closed
    transport does not reopen.

    The app's ASGI lifespan runs when the portal starts (startup) and in `close()`
    (shutdown), with lifespan state handed to each request as the spec says. An app that
    raises on the lifespan scope is taken not to support it and runs without, as under
    uvicorn's `lifespan="auto"`; pass `lifespan=False` to skip it altogether.

    Args:
        app: The ASGI application.
        raise_app_exceptions: Re-raise an exception from the app in the calling thread
            (httpx's default). If False, the caller gets a 500 response instead.
        root_path: The ASGI `root_path` the app is mounted at.
        client: The `(host, port)` the app sees as the client address.
        lifespan: Run the app's lifespan startup and shutdown around the portal.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        raise_app_exceptions: bool = True,
        root_path: str = "",
        client: tuple[str, int] = ("127.0.0.1", 123),
        lifespan: bool = True,
    ) -> None:
        self._app = app
        self._options: dict[str, Any] = {
            "raise_app_exceptions": raise_app_exceptions,
            "root_path": root_path,
            "client": client,
        }
        self._lifespan = lifespan
        self._asgi = httpx.ASGITransport(app, **self._options)
        # Guards start, close and the in-flight count; close() waits on it for a drain.
        self._lock = threading.Condition(threading.Lock())
        self._token: EventLoopToken | None = None
        self._loop_thread: int | None = None
        self._in_flight = 0
        self._closed = False
        self._finalizer: weakref.finalize[[contextlib.ExitStack, int], ASGIPortalTransport] | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` to the app and return its response, fully read."""
        # A sync iterator body cannot be consumed on the loop; reading turns any body into
        # a ByteStream, which is both a sync and an async stream.
        request.read()
        with self._lock:
            token = self._token or self._start()
            if threading.get_ident() == self._loop_thread:
                # Blocking the loop to wait for a task on that same loop would hang forever.
                raise RuntimeError(
                    "ASGIPortalTransport was called from its own event loop (an app calling itself "
                    "through a sync client); use httpx.AsyncClient with httpx.ASGITransport there."
                )
            self._in_flight += 1
        try:
            # from_thread.run with the portal loop's token is one round trip to the loop
            # thread; portal.call is two (it waits for the task to be spawned, then for its
            # result), which measured ~40% slower per request.
            status, headers, body = anyio.from_thread.run(self._send, request, token=token)
        finally:
            with self._lock:
                self._in_flight -= 1
                self._lock.notify_all()
        # `stream=` rather than `content=`: the latter would add Content-Length and decode a
        # Content-Encoding here, while the client must see exactly what the app sent.
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))

    async def _send(self, request: httpx.Request) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        # Send and read the body in one trip to the loop: each trip is a thread hop, the main cost.
        response = await self._asgi.handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        body = b"".join([chunk async for chunk in response.stream])
        return response.status_code, response.headers.raw, body

    def _start(self) -> EventLoopToken:
        # Called with the lock held, so one thread starts the portal and the others wait.
        if self._closed:
            raise RuntimeError("This ASGIPortalTransport is closed; create a new one to send requests.")
        stack = contextlib.ExitStack()
        try:
            portal = stack.enter_context(start_blocking_portal(name=f"asgi-portal-{id(self):x}"))
            state: dict[str, Any] = {}
            if self._lifespan:
                stack.enter_context(portal.wrap_async_context_manager(_lifespan(self._app, state)))
            loop_thread = portal.call(threading.get_ident)
            token = portal.call(current_token)
        except BaseException:
            stack.close()
            raise
        if state:
            self._asgi = httpx.ASGITransport(_with_state(self._app, state), **self._options)
        self._finalizer = weakref.finalize(self, _shut_down, stack, loop_thread)
        self._loop_thread = loop_thread
        self._token = token
        return token

    def close(self) -> None:
        """Wait for requests in flight, run the app's lifespan shutdown, stop the portal thread.

        Idempotent. Requests sent after `close()` raise RuntimeError.
        """
        with self._lock:
            self._closed = True
            self._lock.wait_for(lambda: not self._in_flight)
            finalizer, self._finalizer, self._token = self._finalizer, None, None
        if finalizer is not None:
            finalizer()


def _shut_down(stack: contextlib.ExitStack, loop_thread: int) -> None:
    if threading.get_ident() == loop_thread:
        # Garbage collection may run the finalizer on the portal's own thread, which cannot
        # stop and join itself: hand the shutdown to a helper thread.
        threading.Thread(target=stack.close, name="asgi-portal-shutdown", daemon=True).start()
    else:
        stack.close()


def _with_state(app: ASGIApp, state: dict[str, Any]) -> ASGIApp:
    async def app_with_state(scope: Scope, receive: Receive, send: Send) -> None:
        # ASGI lifespan spec: each request gets a shallow copy of the state startup filled.
        scope["state"] = state.copy()
        await app(scope, receive, send)

    return app_with_state


@contextlib.asynccontextmanager
async def _lifespan(app: ASGIApp, state: dict[str, Any]) -> AsyncIterator[None]:
    """Run the app's lifespan protocol around the body: startup before, shutdown after."""
    to_app, app_inbox = anyio.create_memory_object_stream[MutableMapping[str, Any]](2)
    app_outbox, from_app = anyio.create_memory_object_stream[MutableMapping[str, Any]](2)
    crash: list[Exception] = []
    failure: str | None = None
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": state}

    async def run() -> None:
        async with app_outbox:
            try:
                await app(scope, app_inbox.receive, app_outbox.send)
            except Exception as exc:
                crash.append(exc)

    async def reply() -> str | None:
        try:
            return str((await from_app.receive())["type"])
        except anyio.EndOfStream:  # The app returned or raised without answering.
            return None

    async with to_app, app_inbox, from_app, anyio.create_task_group() as tasks:
        tasks.start_soon(run)
        await to_app.send({"type": "lifespan.startup"})
        started = await reply()
        if started == "lifespan.startup.failed":
            failure = "startup"
        else:
            # started is None: the app does not speak lifespan (ASGI spec: carry on without).
            try:
                yield
            finally:
                if started is not None:
                    await to_app.send({"type": "lifespan.shutdown"})
                    if await reply() != "lifespan.shutdown.complete":
                        failure = "shutdown"
        tasks.cancel_scope.cancel()  # An app that lingers after answering must not block close().
    if failure is not None:
        cause = crash[0] if crash else None
        raise RuntimeError(f"The ASGI app reported lifespan {failure} failed.") from cause


def in_process_client(app: ASGIApp, base_url: str = "http://scim.test", **kwargs: Any) -> httpx.Client:
    """A sync `httpx.Client` wired to `app` in-process; closing the client stops the portal."""
    return httpx.Client(transport=ASGIPortalTransport(app), base_url=base_url, **kwargs)


class RecordingTransport(httpx.BaseTransport):
    """Wraps a transport and records each exchange, redacted, into a `Recorder`.

    The response is read in full here (so the recording has its body), then handed back to
    the caller as a fresh, unread response with the same status, headers and raw bytes.
    An exception from the inner transport is recorded as an exchange without a response and
    re-raised unchanged.
    """

    def __init__(self, inner: httpx.BaseTransport, recorder: Recorder) -> None:
        self._inner = inner
        self._recorder = recorder

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Forward `request` to the inner transport, record the exchange, return the response."""
        request.read()  # Makes a streamed body replayable for the inner transport and the record.
        started = time.perf_counter()
        response: httpx.Response | None = None
        try:
            response = self._inner.handle_request(request)
            try:
                raw = _read_raw(response)
            finally:
                response.close()
        except Exception as exc:
            self._record(request, started, response, None, error=f"{type(exc).__name__}: {exc}")
            raise
        replay = httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=httpx.ByteStream(raw),
            extensions=response.extensions,
        )
        self._record(request, started, replay, raw, error=None)
        return replay

    def _record(
        self,
        request: httpx.Request,
        started: float,
        response: httpx.Response | None,
        raw: bytes | None,
        *,
        error: str | None,
    ) -> None:
        duration_ms = (time.perf_counter() - started) * 1000
        self._recorder.record(
            method=request.method,
            url=str(request.url),
            request_headers=_as_sent(request.headers),
            request_body=request.content.decode("utf-8", "replace") or None,
            status=None if response is None else response.status_code,
            response_headers=() if response is None else _as_sent(response.headers),
            response_body=None if response is None or raw is None else _decoded_text(response, raw),
            duration_ms=duration_ms,
            error=error,
        )

    @property
    def recorder(self) -> Recorder:
        """Where the exchanges go."""
        return self._recorder

    def close(self) -> None:
        """Close the inner transport."""
        self._inner.close()


def _as_sent(headers: httpx.Headers) -> list[tuple[str, str]]:
    # `.raw` keeps each name's original case (multi_items() lowercases): the transcript
    # should show `Content-Type` when that is what went over the wire.
    encoding = headers.encoding  # A property that sniffs every header: read it once.
    return [(name.decode(encoding), value.decode(encoding)) for name, value in headers.raw]


def _read_raw(response: httpx.Response) -> bytes:
    # The stream itself, not iter_raw(): a response built with `content=` (MockTransport
    # handlers) is already read, and only its ByteStream can be iterated again.
    if not isinstance(response.stream, httpx.SyncByteStream):
        raise TypeError("RecordingTransport needs a sync inner transport; got an async response stream.")
    return b"".join(response.stream)


def _decoded_text(response: httpx.Response, raw: bytes) -> str | None:
    if "content-encoding" in response.headers:
        # A private copy undoes the Content-Encoding (gzip, br, ...) and leaves the
        # caller's response unread.
        probe = httpx.Response(response.status_code, headers=response.headers, stream=httpx.ByteStream(raw))
        try:
            probe.read()
        except httpx.DecodingError:
            return raw.decode("utf-8", "replace") or None
        return probe.text or None
    # The common case, decoded directly: a probe Response costs more than the rest of the
    # recording. The declared charset wins, then UTF-8 (which SCIM requires).
    try:
        return raw.decode(response.charset_encoding or "utf-8", "replace") or None
    except LookupError:  # A charset Python does not know.
        return raw.decode("utf-8", "replace") or None
