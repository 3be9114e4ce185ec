"""Resource representation: ``meta``, ``Location``, content type, user deletion (RFC 7643 §3.1, RFC 7644 §3).

Content type: a response must be ``application/scim+json`` (RFC 7644 §3.1, §8.1).
``application/json`` passes too: Okta accepts it (CONTRACT §4) and the IANA
registration of ``application/scim+json`` calls the two equivalent for most
clients ("older versions of SCIM are known to informally use application/json").
Any other type — ``text/json`` as in Okta's own examples, ``text/html``, none —
is an ``rfc`` finding (CONTRACT §5): Okta tolerates it, other clients may not.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest

from scim_conformance.budget import ENDPOINTS_POSTED_ONCE
from scim_conformance.cleanup import Tracker
from scim_conformance.okta import requests as okta
from scim_conformance.okta.bodies import group_body, user_body
from scim_conformance.probe import Probe
from scim_conformance.spec import Json

_BODIES = {"/Users": user_body, "/Groups": group_body}
_KINDS = {"/Users": "User", "/Groups": "Group"}


def _datetime(value: Any) -> datetime | None:
    """An xsd:dateTime (RFC 7643 §2.3.5) as a datetime, or None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _meta_problems(resource: Any, endpoint: str, *, just_created: bool) -> list[str]:
    if not isinstance(resource, dict) or not isinstance(resource.get("meta"), dict):
        return ["no meta object"]
    meta: Json = resource["meta"]
    problems = []
    if meta.get("resourceType") != _KINDS[endpoint]:
        problems.append(f"meta.resourceType is {meta.get('resourceType')!r}, not {_KINDS[endpoint]!r}")
    created, modified = _datetime(meta.get("created")), _datetime(meta.get("lastModified"))
    if created is None:
        problems.append(f"meta.created is {meta.get('created')!r}, not a dateTime")
    if modified is None:
        problems.append(f"meta.lastModified is {meta.get('lastModified')!r}, not a dateTime")
    if just_created and created and modified and created != modified:
        problems.append("meta.lastModified differs from meta.created on a resource never modified")
    location = meta.get("location")
    if not (
        isinstance(location, str)
        and location.startswith(("http://", "https://"))
        and location.rstrip("/").endswith(f"{endpoint}/{resource.get('id')}")
    ):
        problems.append(f"meta.location is {location!r}, not the absolute URI of {endpoint}/{{id}}")
    if problems:
        problems.append(f"meta keys: {sorted(meta)}")
    return problems


@pytest.mark.check(
    "resources.meta",
    severity="rfc",
    requirement="RFC 7643 §3.1; CONTRACT §4: meta carries resourceType, created, lastModified and "
    "location, by these names (MUST)",
    operation="Create user / Create group",
)
@pytest.mark.parametrize("endpoint", ENDPOINTS_POSTED_ONCE)
def test_meta_uses_rfc_names(probe: Probe, scim_run: str, endpoint: str) -> None:
    """A created resource, and its GET, carry meta.resourceType/created/lastModified/location."""
    created = probe.create(endpoint, _BODIES[endpoint](scim_run, "meta"))
    fetched = probe.expect_json(probe.request("GET", f"{endpoint}/{created['id']}"))
    for method, resource in (("POST", created), ("GET", fetched)):
        problems = _meta_problems(resource, endpoint, just_created=True)
        probe.expect(
            not problems,
            f"{method} {endpoint}{'' if method == 'POST' else '/{id}'}: meta does not follow RFC 7643 §3.1",
            expected=f'"meta": {{"resourceType": "{_KINDS[endpoint]}", "created": dateTime, '
            f'"lastModified": dateTime (= created), "location": "https://…{endpoint}/{{id}}"}}',
            got="; ".join(problems),
        )


@pytest.mark.check(
    "resources.location",
    severity="rfc",
    requirement="RFC 7644 §3.3: a create answers 201 with a Location header, the same URI as "
    "meta.location (MUST)",
    operation="Create user / Create group",
)
@pytest.mark.parametrize("endpoint", ENDPOINTS_POSTED_ONCE)
def test_created_resource_has_location(probe: Probe, scim_run: str, endpoint: str) -> None:
    """POST answers 201 Created with a Location header equal to the body's meta.location."""
    # Okta's create (okta-requests.md §4), as the Okta client sends it.
    response = probe.send(okta.create(endpoint.strip("/"), _BODIES[endpoint](scim_run, "location")))
    probe.expect_status(response, 201)
    created = probe.expect_json(response)
    meta = created.get("meta") if isinstance(created, dict) else None
    meta_location = meta.get("location") if isinstance(meta, dict) else None
    location = response.headers.get("location")
    probe.expect(
        location is not None and location == meta_location,
        f"POST {endpoint}: "
        + ("no Location header" if location is None else "Location differs from meta.location"),
        expected=f"Location: {meta_location or 'the URI of the new resource'} (= meta.location)",
        got=f"Location: {location}" if location is not None else "no Location header",
    )


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";", 1)[0].strip().lower()


@pytest.mark.check(
    "resources.content-type",
    severity="rfc",
    requirement="RFC 7644 §3.1, §8.1: SCIM responses are application/scim+json (application/json "
    "tolerated, CONTRACT §4) (MUST)",
)
@pytest.mark.footprint(users=1)
def test_responses_are_scim_json(probe: Probe, scim_run: str) -> None:
    """Lists, resources and errors are sent as application/scim+json (or application/json)."""
    created = probe.send(okta.create("Users", user_body(scim_run, "content-type")))
    responses = [created, probe.request("GET", "/Users", query="startIndex=1&count=1")]
    try:
        user_id = created.json()["id"]
    except (ValueError, TypeError, KeyError):
        user_id = None  # another check's business; this one types what it gets
    if isinstance(user_id, str):
        responses.append(probe.request("GET", f"/Users/{user_id}"))
    responses += [
        probe.request("GET", f"/Users/{uuid.uuid4()}"),
        probe.request("GET", "/Users", query="startIndex=1&count=1", anonymous=True),
    ]
    for response in responses:
        if not response.content:
            continue  # no body, nothing to type
        media = _media_type(response)
        request = response.request
        probe.expect(
            media in ("application/scim+json", "application/json"),
            f"{request.method} {request.url.path.rsplit('/scim/v2', 1)[-1]} ({response.status_code}) "
            f"is sent as {media or 'no content type'}",
            expected="Content-Type: application/scim+json",
            got=f"Content-Type: {response.headers.get('content-type', '(none)')}",
        )


@pytest.mark.check(
    "resources.user-delete",
    severity="rfc",
    requirement="RFC 7644 §3.6: DELETE answers 204 and the resource is then 404; a provider that "
    "does not delete users answers 405 or 501 with a SCIM Error (MUST)",
)
@pytest.mark.footprint(users=1)
def test_user_delete_is_done_or_refused(probe: Probe, scim_tracker: Tracker, scim_run: str) -> None:
    """DELETE /Users/{id} deletes the user (204, then GET 404) or is refused as unsupported (405/501).

    Okta never deletes users (CONTRACT §3), so either answer is fine; the answer
    tells the cleanup whether to delete this run's users or deactivate them.
    """
    user = probe.create("/Users", user_body(scim_run, "delete"))
    path = f"/Users/{user['id']}"
    response = probe.request("DELETE", path)
    status = response.status_code
    if status in (405, 501):
        scim_tracker.user_delete_supported = False
        probe.expect_scim_error(response, status)
        if status == 405:
            probe.expect(
                "allow" in response.headers,
                "DELETE /Users/{id}: 405 without an Allow header",
                expected="Allow: the methods /Users/{id} supports",
                got="no Allow header",
                requirement="RFC 9110 §15.5.6: a 405 response carries Allow (MUST)",
            )
        return
    if not probe.expect_status(response, 204, title=f"DELETE /Users/{{id}} answered {status}"):
        if not 200 <= status < 300:
            return
    after = probe.request("GET", path)
    if after.status_code == 404:
        scim_tracker.user_delete_supported = True
    probe.expect_scim_error(after, 404, title=f"GET of a deleted user answered {after.status_code}, not 404")
