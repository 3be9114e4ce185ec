"""Checks on one HTTP answer: its status, its JSON, a ListResponse, a SCIM Error, a created resource."""

from __future__ import annotations

import json
import weakref
from typing import Any

import httpx

from ..core.text import scim_path, shorten
from ..spec import ERROR, LIST_RESPONSE
from .verdict import Verdict

_COUNTERS = ("totalResults", "startIndex", "itemsPerPage")


def json_or_none(response: httpx.Response) -> Any:
    """The parsed JSON body of a response; None when it is empty or not JSON."""
    try:
        return response.json() if response.content else None
    except ValueError:
        return None


_PARSED: weakref.WeakKeyDictionary[httpx.Response, Any] = weakref.WeakKeyDictionary()


def read_json(response: httpx.Response) -> Any:
    """:func:`json_or_none`, parsed once per response: the same object on every call.

    For reading only. A response is judged by several checks (its schema, its JSON,
    the tracker's ids) and a page of 100 users took 0.5 ms to parse each time: on a
    target holding 10,000 users, parsing again was a fifth of a run. A caller that
    changes what it gets (a suite building a PUT body) takes :func:`json_or_none`'s copy.
    """
    try:
        return _PARSED[response]
    except KeyError:
        parsed = _PARSED[response] = json_or_none(response)
        return parsed


def same_json(a: Any, b: Any) -> bool:
    """JSON equality: ``true`` is not ``1``, ``"1"`` is not ``1``; strings compare by code point."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _request_line(response: httpx.Response) -> str:
    return f"{response.request.method} {scim_path(response.request.url.path)}"


def status(response: httpx.Response, *allowed: int) -> Verdict:
    """The response's status is one of ``allowed``."""
    code = response.status_code
    return Verdict(
        code in allowed,
        f"{_request_line(response)} answered {code}",
        " or ".join(map(str, allowed)),
        f"{code} {shorten(response.text, 300)}".rstrip(),
    )


def json_body(response: httpx.Response) -> Verdict:
    """The body is JSON (application/scim+json)."""
    return Verdict(
        read_json(response) is not None,
        f"{_request_line(response)}: the body is not JSON",
        "a JSON body (application/scim+json)",
        shorten(response.text, 300) or "an empty body",
    )


def json_object(response: httpx.Response) -> Verdict:
    """The body is a JSON object: a resource, a list, an error."""
    return Verdict(
        isinstance(read_json(response), dict),
        f"{_request_line(response)}: the response is not a JSON resource",
        "a JSON object",
        shorten(response.text, 300) or "an empty body",
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def list_problems(body: Any) -> list[str]:
    """What keeps ``body`` from being a ListResponse Okta can page (RFC 7644 §3.4.2, okta-requests.md §9)."""
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    problems = []
    if LIST_RESPONSE not in (body.get("schemas") or []):
        problems.append(f"schemas does not list {LIST_RESPONSE}")
    for key in _COUNTERS:
        if not _is_int(body.get(key)):
            problems.append(
                f"{key} is {shorten(json.dumps(body.get(key), ensure_ascii=False), 200)}, not an integer"
            )
    if not isinstance(body.get("Resources", []), list):
        problems.append("Resources is not an array")
    return problems


def list_response(response: httpx.Response, body: Any) -> Verdict:
    """A ListResponse with integer counters and a Resources array."""
    problems = list_problems(body)
    return Verdict(
        not problems,
        f"{_request_line(response)}: not a valid ListResponse",
        "ListResponse with integer totalResults, startIndex, itemsPerPage and a Resources array",
        "; ".join(problems),
    )


def created_id(response: httpx.Response, body: Any) -> Verdict:
    """A create answered the resource with its id, which Okta reads (okta-requests.md §4)."""
    ok = isinstance(body, dict) and isinstance(body.get("id"), str) and bool(body["id"])
    return Verdict(
        ok,
        f"{_request_line(response)}: the created resource has no id",
        'a resource with a non-empty string "id"',
        shorten(response.text, 300),
    )


def error_body_problems(response: httpx.Response) -> list[str]:
    """What keeps the body from being an RFC 7644 §3.12 Error for this response, exactly."""
    body = read_json(response)
    code = response.status_code
    if not isinstance(body, dict):
        return ["the body is not a JSON object" if response.content else "the body is empty"]
    problems = []
    if ERROR not in (body.get("schemas") or []):
        problems.append(f"schemas is {json.dumps(body.get('schemas'))}, without {ERROR}")
    status = body.get("status")
    if "status" not in body:
        problems.append("the Error body has no status")
    elif isinstance(status, int) and not isinstance(status, bool):
        # The most common slip (an integer, as in the HTTP status line): say it in so many words.
        problems.append(
            f'the Error body\'s status is the integer {status}; RFC 7644 §3.12 wants the string "{code}"'
        )
    elif status != str(code):
        problems.append(f'the Error body\'s status is {json.dumps(status)}, not "{code}" (the HTTP status)')
    return problems


def scim_error_body(response: httpx.Response) -> Verdict:
    """An RFC 7644 §3.12 Error body whose ``status`` is the response's, as a string."""
    problems = error_body_problems(response)
    code = response.status_code
    body = read_json(response)
    line = _request_line(response)
    if not isinstance(body, dict):
        what = f"{line}: {code} without a SCIM Error body"
    else:
        what = f"{line} answered {code}: " + (problems[0] if problems else "a SCIM Error body")
    return Verdict(
        not problems,
        what,
        f'{{"schemas": ["{ERROR}"], "status": "{code}", "detail": "…"}}',
        "; ".join(problems) + (f": {shorten(response.text, 300)}" if problems and response.content else ""),
    )


def scim_type(response: httpx.Response, wanted: str) -> Verdict:
    """The Error body's ``scimType`` is ``wanted`` (RFC 7644 §3.12, Table 9)."""
    body = read_json(response)
    found = body.get("scimType") if isinstance(body, dict) else None
    return Verdict(
        found == wanted,
        f'{_request_line(response)}: {response.status_code} without scimType "{wanted}"',
        f'"scimType": "{wanted}"',
        f"scimType {found!r}",
    )
