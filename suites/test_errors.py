"""Errors: authentication, unknown ids, malformed bodies and filters (RFC 7644 §3.12, CONTRACT §4).

Every request here either touches a resource this run created or an id that
cannot exist (a fresh UUID, or the ids Okta's Runscope suite uses), so a
production target loses nothing, whatever it does wrong.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from scim_conformance.budget import ENDPOINTS_POSTED_ONCE
from scim_conformance.okta import requests as okta
from scim_conformance.okta.bodies import group_body, user_body
from scim_conformance.probe import Probe
from scim_conformance.traffic import redact_text

_HTTP_401 = "RFC 7644 §3.12: a missing or invalid authorization header answers 401 (MUST)"
_WWW_AUTHENTICATE = "RFC 9110 §11.6.1, §15.5.2: a 401 response carries WWW-Authenticate (MUST)"


def _refused_everywhere(probe: Probe, run: str, how: str, **credentials: Any) -> None:
    """Every Okta request sent ``how`` (no token, a bad one) is refused: none is served."""
    __tracebackhide__ = True
    # The lists first: they need nothing created, so a target that cannot create
    # still has its authentication checked.
    _refused(probe, how, okta.list_page("Users", 1, 1), **credentials)
    _refused(probe, how, okta.list_page("Groups", 1, 1), **credentials)
    # Then reads and writes, each on a resource of this run: a server that checks the
    # token for some methods only is caught, and nothing of anyone else is touched.
    user = probe.create("/Users", user_body(run, "auth"))
    group = probe.create("/Groups", group_body(run, "auth"))
    uid, gid = user["id"], group["id"]
    _refused(probe, how, okta.fetch("Users", uid), **credentials)
    _refused(probe, how, okta.create("Users", user_body(run, "auth")), **credentials)
    _refused(probe, how, okta.replace("Users", uid, user), **credentials)
    _refused(probe, how, okta.patch("Users", uid, [okta.set_active_operation(True)]), **credentials)
    _refused(probe, how, okta.delete_group(gid), **credentials)


def _refused(
    probe: Probe,
    how: str,
    request: okta.Request,
    *,
    anonymous: bool = False,
    headers: dict[str, str] | None = None,
) -> None:
    """One of Okta's requests sent ``how`` (no or a bad token) gets 401, a SCIM Error, WWW-Authenticate."""
    __tracebackhide__ = True
    method, path = request.method, request.path
    response = probe.request(
        method,
        path,
        query=request.query,
        body=request.body,
        headers={**dict(request.headers), **(headers or {})},
        anonymous=anonymous,
    )
    shown = re.sub(r"^/(Users|Groups)/.+$", r"/\1/{id}", path)
    status = response.status_code
    probe.expect(
        not 200 <= status < 300,
        f"{method} {shown} {how} was served ({status})",
        expected="401 Unauthorized: the request is refused",
        got=f"{status}: the request was carried out without valid credentials",
    )
    probe.expect_scim_error(
        response,
        401,
        title=f"{method} {shown} {how} answered {status}, not 401",
        severity="rfc",
        requirement=_HTTP_401,
    )
    if status == 401:
        probe.expect(
            "www-authenticate" in response.headers,
            f"{method} {shown} {how}: 401 without a WWW-Authenticate header",
            expected='WWW-Authenticate: Bearer realm="…"',
            got="no WWW-Authenticate header",
            severity="rfc",
            requirement=_WWW_AUTHENTICATE,
        )


@pytest.mark.check(
    "errors.auth.missing-token",
    severity="security",
    requirement="RFC 7644 §2, §3.12; CONTRACT §4: a request without a token is refused with 401 (MUST)",
)
@pytest.mark.footprint(users=2, groups=1)
def test_missing_token_is_refused(probe: Probe, scim_run: str) -> None:
    """A request without an Authorization header is refused (401), for reads and writes alike."""
    _refused_everywhere(probe, scim_run, "without a token", anonymous=True)


_BAD_CREDENTIALS: dict[str, Callable[[], str]] = {
    # A well-formed bearer token that the target never issued.
    "random-bearer-token": lambda: f"Bearer {secrets.token_hex(20)}",
    # Okta's Runscope suite sends exactly this (okta-requests.md §10).
    "runscope-non-token": lambda: "non-token",
}


@pytest.mark.check(
    "errors.auth.bad-token",
    severity="security",
    requirement="RFC 7644 §3.12; okta-requests.md §10 (Runscope); CONTRACT §4: a request with an "
    "invalid token is refused with 401 and a SCIM Error body (MUST)",
)
@pytest.mark.parametrize("credential", list(_BAD_CREDENTIALS))
@pytest.mark.footprint(users=2, groups=1)
def test_bad_token_is_refused(probe: Probe, scim_run: str, credential: str) -> None:
    """A request with a token the target never issued is refused (401), for reads and writes alike."""
    authorization = _BAD_CREDENTIALS[credential]()
    _refused_everywhere(probe, scim_run, "with an invalid token", headers={"Authorization": authorization})


_UNKNOWN_IDS: dict[str, Callable[[], str]] = {
    "uuid4": lambda: str(uuid.uuid4()),
    # The unknown ids of Okta's Runscope spec test (okta-requests.md §5): not UUIDs,
    # so a server that parses ids as UUIDs must still answer 404, not 400 or 500.
    "runscope-30-digits": lambda: "010101001010101011001010101011",
    "runscope-17-digits": lambda: "00919288221112222",
}


@pytest.mark.check(
    "errors.not-found",
    operations=("fetch-user",),
    severity="okta",
    requirement="okta-requests.md §5 (Runscope), §8; CONTRACT §4: an unknown id, of any shape, "
    "answers 404 with a SCIM Error (MUST)",
    operation="Fetch user / Fetch group",
)
@pytest.mark.parametrize("shape", list(_UNKNOWN_IDS))
@pytest.mark.parametrize("endpoint", ["/Users", "/Groups"])
def test_unknown_id_is_not_found(probe: Probe, endpoint: str, shape: str) -> None:
    """GET of an id that does not exist answers 404 with a SCIM Error body, whatever the id looks like."""
    response = probe.request("GET", f"{endpoint}/{_UNKNOWN_IDS[shape]()}")
    probe.expect_scim_error(response, 404)


# A body cut short: no JSON parser accepts it.
_MALFORMED = '{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:{kind}"], "displayName": "x", '


@pytest.mark.check(
    "errors.malformed-json",
    severity="rfc",
    requirement="RFC 7644 §3.12 (invalidSyntax); CONTRACT §4: a body that is not JSON answers 400 "
    "with a SCIM Error, never 5xx (MUST)",
)
@pytest.mark.parametrize("endpoint", ENDPOINTS_POSTED_ONCE)
def test_malformed_json_is_a_client_error(probe: Probe, endpoint: str) -> None:
    """A POST whose body is not valid JSON answers 400 invalidSyntax, not a server error."""
    kind = endpoint[1:-1]
    response = probe.request("POST", endpoint, content=_MALFORMED.replace("{kind}", kind))
    probe.expect_scim_error(response, 400)
    body = _json_object(response)
    if response.status_code == 400 and body is not None:
        probe.expect(
            body.get("scimType") in ("invalidSyntax", "invalidValue"),
            f"POST {endpoint} with malformed JSON: 400 without scimType invalidSyntax",
            expected='"scimType": "invalidSyntax" (CONTRACT §4 also accepts "invalidValue")',
            got=f"scimType {body.get('scimType')!r}",
        )


_INVALID_FILTERS = {
    "unknown-operator": 'userName zz "{run}@example.com"',
    "unbalanced-parenthesis": '(userName eq "{run}@example.com"',
}


@pytest.mark.check(
    "errors.invalid-filter",
    severity="rfc",
    requirement="RFC 7644 §3.4.2.2, §3.12: a filter the provider cannot apply answers 400 "
    "invalidFilter (MUST)",
)
@pytest.mark.parametrize("case", list(_INVALID_FILTERS))
def test_invalid_filter_is_refused(probe: Probe, scim_run: str, case: str) -> None:
    """An invalid filter answers 400 invalidFilter; ignoring it would return unfiltered results."""
    text = _INVALID_FILTERS[case].format(run=scim_run)
    response = probe.request("GET", "/Users", query=f"filter={quote(text, safe='')}&startIndex=1&count=1")
    probe.expect_scim_error(response, 400, "invalidFilter")


@pytest.mark.check(
    "errors.token-not-echoed",
    severity="security",
    requirement="CONTRACT §5 (a secret exposed); okta-requests.md §10: Okta shows the provider's error "
    "messages in its admin UI, so no response may contain the token (MUST)",
)
@pytest.mark.footprint(users=1)
def test_token_is_never_echoed(probe: Probe) -> None:
    """No response, success or error, repeats the bearer token in a header or the body."""
    token = probe.target.token
    if not token or len(token) < 8:
        pytest.skip("the run has no token (of 8 characters or more) to look for")
    responses = [
        probe.request("GET", "/Users", query="startIndex=1&count=1"),
        probe.request("GET", f"/Users/{uuid.uuid4()}"),
        probe.request("POST", "/Users", content=_MALFORMED.replace("{kind}", "User")),
        probe.request("GET", "/Users", query="startIndex=1&count=1", headers={"Authorization": "non-token"}),
    ]
    for response in responses:
        where = _echo(response, token)
        probe.expect(
            where is None,
            f"{response.request.method} {response.request.url.path.rsplit('/scim/v2', 1)[-1]}: "
            "the response contains the bearer token",
            expected="no header and no body that contains the token",
            got=f"the token appears in {where} (recorded as [REDACTED])",
        )


def _echo(response: httpx.Response, token: str) -> str | None:
    """Where the response repeats ``token`` (in any encoding the recorder redacts), or None."""
    for name, value in response.headers.raw:
        text = value.decode("latin-1")
        if redact_text(text, [token]) != text:
            return f"the {name.decode('latin-1')} header"
    body = response.content.decode("utf-8", "replace")
    return "the body" if redact_text(body, [token]) != body else None


def _json_object(response: httpx.Response) -> dict[str, object] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
