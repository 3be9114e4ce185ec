"""A target answered by a plain function, for unit tests of the probe, the catalogue runner and cleanup.

:class:`MockTarget` builds a :class:`~scim_conformance.target.Target` the way the
session builds one — Okta's headers, a bearer token, a ``RecordingTransport`` — around
``httpx.MockTransport(handler)`` (STYLE Lesson 5: the transport is the one seam). Each
request the handler was given is kept, in order, in :attr:`MockTarget.requests`: the
tests judge what was sent as the target saw it. A handler that raises (an
``AssertionError`` for a request the test did not expect) fails the test.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote

import httpx

from scim_conformance.claims import NO_CLAIMS, Claims
from scim_conformance.cleanup import Tracker
from scim_conformance.probe import Probe
from scim_conformance.spec import ERROR, GROUP_SCHEMA, LIST_RESPONSE, USER_SCHEMA
from scim_conformance.target import OKTA_HEADERS, Target
from scim_conformance.traffic import Recorder
from scim_conformance.transport import RecordingTransport

__all__ = [
    "BASE_URL",
    "TOKEN",
    "Answers",
    "MockTarget",
    "error",
    "group",
    "list_response",
    "path_of",
    "scim",
    "user",
]

ROOT = "/public/realms/6c0d5a8e-0000-4000-8000-00000000beef/scim/v2"
BASE_URL = "https://zentral.example.test" + ROOT
TOKEN = "mock-token-0123456789abcdef"
SCIM_JSON = "application/scim+json"

Handler = Callable[[httpx.Request], httpx.Response]
Answers = Mapping[tuple[str, str], httpx.Response | Handler]
"""(method, path under the SCIM root) -> the response, or a function of the request returning it."""


class MockTarget:
    """A Target whose every request is answered by ``handler``; the requests are kept.

    ``answers`` instead of a handler: a table from ``(method, path under the SCIM
    root)`` to a response, or to a function of the request returning one.
    """

    def __init__(
        self,
        handler: Handler | None = None,
        *,
        answers: Answers | None = None,
    ) -> None:
        if (handler is None) == (answers is None):
            raise TypeError("give a handler or an answers table")
        self.requests: list[httpx.Request] = []
        self._handler = handler or _table(answers or {})
        recorder = Recorder([TOKEN])
        headers = {**OKTA_HEADERS, "Authorization": f"Bearer {TOKEN}"}
        transport = httpx.MockTransport(self._answer)
        client = httpx.Client(
            base_url=BASE_URL, headers=headers, transport=RecordingTransport(transport, recorder)
        )
        self.target = Target(BASE_URL, client, recorder, token=TOKEN)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self._handler(request)

    def probe(
        self,
        *,
        check: str = "demo.check",
        severity: str = "okta",
        requirement: str = "demo requirement (MUST)",
        profiles: tuple[str, ...] = ("aiw", "oin"),
        operation: str = "",
        tracker: Tracker | None = None,
        claims: Claims = NO_CLAIMS,
    ) -> Probe:
        """A probe of one test with these marker values, tracking into ``tracker`` (a new one).

        ``claims``: what the target's /Schemas is taken to claim (the session reads it once).
        """
        return Probe(
            self.target,
            tracker if tracker is not None else Tracker(self.target),
            check=check,
            severity=severity,
            requirement=requirement,
            profiles=profiles,
            operation=operation,
            claims=claims,
        )

    def sent(self) -> list[tuple[str, str]]:
        """(method, path under the SCIM root with its raw query) of every request, in order."""
        return [
            (r.method, path_of(r) + (f"?{r.url.query.decode()}" if r.url.query else ""))
            for r in self.requests
        ]

    def bodies(self) -> list[Any]:
        """The JSON body of every request (None without one), in order."""
        return [json.loads(r.content) if r.content else None for r in self.requests]


def path_of(request: httpx.Request) -> str:
    """The request's path under the SCIM root, percent-decoded."""
    path = unquote(request.url.path)
    return path[len(ROOT) :] if path.startswith(ROOT) else path


def _table(answers: Answers) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        key = (request.method, path_of(request))
        if key not in answers:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = answers[key]
        return answer if isinstance(answer, httpx.Response) else answer(request)

    return handler


# -- responses -----------------------------------------------------------------


def scim(status: int, body: Any = None, *, headers: Mapping[str, str] | None = None) -> httpx.Response:
    """A response with a JSON body (none when ``body`` is None), as application/scim+json."""
    if body is None:
        return httpx.Response(status, headers=dict(headers or {}))
    content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return httpx.Response(status, content=content, headers={"Content-Type": SCIM_JSON, **(headers or {})})


def user(rid: str, user_name: str = "ada@example.com", **attributes: Any) -> dict[str, Any]:
    """A valid SCIM User."""
    return {"schemas": [USER_SCHEMA], "id": rid, "userName": user_name, **attributes}


def group(rid: str, display_name: str = "Engineers", **attributes: Any) -> dict[str, Any]:
    """A valid SCIM Group."""
    return {"schemas": [GROUP_SCHEMA], "id": rid, "displayName": display_name, **attributes}


def list_response(resources: list[dict[str, Any]], *, total: Any = None, start: int = 1) -> dict[str, Any]:
    """A ListResponse of ``resources`` (``total`` defaults to their number)."""
    return {
        "schemas": [LIST_RESPONSE],
        "totalResults": len(resources) if total is None else total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def error(status: int, detail: str = "demo", scim_type: str | None = None) -> httpx.Response:
    """A SCIM Error response (RFC 7644 §3.12)."""
    body: dict[str, Any] = {"schemas": [ERROR], "status": str(status), "detail": detail}
    if scim_type is not None:
        body["scimType"] = scim_type
    return scim(status, body)
