"""RFC 7643/7644 and CONTRACT requirements on Okta's operations that no other suite checks.

Each test closes one gap of the requirement table (``docs/checks.md``): filter
names in any case, uniqueness beyond ``userName``, one primary email, invalid
resources, unsupported methods, atomic PATCH, and a large group pushed in one
request. Every resource written is one this run created; the only request to
something else is a ``DELETE`` of the read-only ``/ServiceProviderConfig``.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import quote

import pytest

from scim_conformance import checks
from scim_conformance.okta import requests as okta
from scim_conformance.okta.bodies import group_body, user_body
from scim_conformance.pool import Pool
from scim_conformance.probe import Probe
from scim_conformance.spec import Json
from scim_conformance.strategies import Profile

# -- filters -----------------------------------------------------------------------------------


@pytest.mark.check(
    "requirements.filter-case",
    severity="rfc",
    requirement="RFC 7644 §3.4.2.2: attribute names and attribute operators used in filters are case "
    "insensitive (MUST); Okta sends `userName eq`, so only other clients break",
    operation="Look up user before create",
    operations=("lookup-user",),
)
@pytest.mark.footprint(pool=True)
def test_filter_names_ignore_case(probe: Probe, scim_pool: Pool) -> None:
    """``USERNAME EQ "<v>"`` finds the user (of the run's pool) exactly as ``userName eq "<v>"`` does."""
    (user,) = scim_pool.resources(probe, 1)
    text = f'USERNAME EQ "{user["userName"]}"'
    response = probe.request("GET", "/Users", query=f"filter={quote(text, safe='')}&startIndex=1&count=100")
    if not probe.expect_status(
        response, 200, title=f"GET /Users?filter={text} answered {response.status_code}"
    ):
        return
    body = probe.expect_list_response(response)
    ids = checks.listed_ids(body)
    probe.expect(
        ids == [user["id"]],
        "a filter naming userName in capitals with the operator EQ does not find the user",
        expected=f"exactly user {user['id']} (attribute names and operators are case-insensitive)",
        got=f"{len(ids)} resources: {ids[:5]}",
    )


# -- uniqueness --------------------------------------------------------------------------------


def _duplicate(probe: Probe, pool: Pool, run: str, case: str) -> tuple[str, Json]:
    """The first resource (of the run's pool); return the endpoint and a second body that duplicates it."""
    if case == "group-display-name":
        (first,) = pool.resources(probe, 1, "Groups")
        return "/Groups", {**group_body(run, "unique"), "displayName": first["displayName"]}
    # A pool user given a plain ASCII login first (Okta's profile push): the properties give pool
    # users drawn logins, whose upper case need not be the same login (ß, ŉ, …).
    pool.users(probe, [user_body(run, "unique")])
    (first,) = pool.resources(probe, 1)
    second = user_body(run, "unique")
    if case == "user-external-id":
        second["externalId"] = first["externalId"]
    else:  # user-name-case
        second["userName"] = first["userName"].upper()
    return "/Users", second


_UNIQUENESS_CASES = (
    # The duplicate of a resource of the run's pool: one POST to the endpoint.
    pytest.param("user-external-id", marks=pytest.mark.footprint(users=1, pool=True)),
    pytest.param("user-name-case", marks=pytest.mark.footprint(users=1, pool=True)),
    pytest.param("group-display-name", marks=pytest.mark.footprint(groups=1, pool=True)),
)


@pytest.mark.check(
    "requirements.uniqueness",
    severity="rfc",
    requirement="CONTRACT §4 (Uniqueness): a second user with the same externalId, or a second group "
    "with the same displayName, gets 409 uniqueness; RFC 7643 §4.1.1, §2.2: userName is unique and "
    "case-insensitive, so a userName differing only in case is the same; RFC 7644 §3.3 (MUST). Okta "
    "looks up a user or group before creating it (okta-requests.md §3, §8), so it does not rely on "
    "these 409s (the userName duplicate it does rely on is user-lifecycle.create-duplicate)",
    operation="Create user / Create group",
    operations=("create-user", "create-group"),
)
@pytest.mark.parametrize("case", _UNIQUENESS_CASES)
def test_duplicates_are_refused(probe: Probe, scim_run: str, scim_pool: Pool, case: str) -> None:
    """A duplicate externalId, a userName in another case, a group's displayName: each answers 409."""
    endpoint, body = _duplicate(probe, scim_pool, scim_run, case)
    response = probe.request("POST", endpoint, body=body)
    probe.expect_scim_error(
        response,
        409,
        "uniqueness",
        title=f"POST {endpoint} duplicating an existing resource ({case}) answered {response.status_code}",
    )


# -- multi-valued attributes -------------------------------------------------------------------


@pytest.mark.check(
    "requirements.primary-once",
    severity="rfc",
    requirement="RFC 7643 §2.4: the primary attribute value true appears no more than once in a "
    "multi-valued attribute (MUST)",
    operation="Push profile update (GET + PUT)",
    operations=("update-profile",),
)
@pytest.mark.footprint(pool=True)
def test_at_most_one_primary_email(probe: Probe, scim_pool: Pool) -> None:
    """After Okta adds a second, non-primary work email (GET + PUT) to a pool user, one email is primary."""
    client = probe.okta("aiw")
    (user,) = scim_pool.resources(probe, 1)
    second = {"primary": False, "value": f"second.{user['userName']}", "type": "work"}

    def add_email(current: Json) -> Json:
        changed = copy.deepcopy(current)
        changed["emails"] = [*(changed.get("emails") or []), second]
        return changed

    _, response = client.update_profile(user["id"], add_email)
    if not probe.expect_status(response, 200, title=f"PUT /Users/{{id}} answered {response.status_code}"):
        return
    shown = client.current("Users", user["id"])
    for where, resource in (("PUT response", probe.expect_json(response)), ("GET", shown)):
        emails = resource.get("emails") if isinstance(resource, dict) else None
        primaries = [e for e in emails or [] if isinstance(e, dict) and e.get("primary") is True]
        probe.expect(
            len(primaries) <= 1,
            f"{where}: {len(primaries)} emails are primary",
            expected="at most one email with primary true",
            got=checks.show(emails),
        )


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.check(
    "requirements.invalid-resource",
    severity="rfc",
    requirement="RFC 7644 §3.3, §3.12; RFC 7643 §4.1.1 (userName REQUIRED); CONTRACT §4: a resource "
    "that is not valid (a user without userName) answers 400 invalidValue or invalidSyntax (MUST)",
    operation="Create user",
)
@pytest.mark.footprint(users=1)
def test_user_without_user_name_is_refused(probe: Probe, scim_run: str) -> None:
    """POST /Users without the REQUIRED userName answers 400 with a SCIM Error, and creates nothing."""
    body = user_body(scim_run, "invalid")
    del body["userName"]
    # Not validated as a User: a provider that wrongly creates it answers a user without
    # userName, which the User schema grades okta — but Okta never sends such a request.
    response = probe.request("POST", "/Users", body=body, validate=False)
    created = checks.json_or_none(response) if response.status_code in (200, 201) else None
    if isinstance(created, dict) and isinstance(created.get("id"), str):
        # Listed on later pages, it is no user of Okta's: not judged there (this test's finding says it).
        probe.tracker.plant(created["id"])
    probe.expect_scim_error(
        response, 400, title=f"POST /Users without userName answered {response.status_code}, not 400"
    )
    parsed = checks.json_or_none(response)
    if response.status_code == 400 and isinstance(parsed, dict):
        probe.expect(
            parsed.get("scimType") in ("invalidValue", "invalidSyntax"),
            "POST /Users without userName: 400 without scimType invalidValue",
            expected='"scimType": "invalidValue" (CONTRACT §4 also accepts "invalidSyntax")',
            got=f"scimType {parsed.get('scimType')!r}",
        )


@pytest.mark.check(
    "requirements.method-not-allowed",
    severity="rfc",
    requirement="CONTRACT §4 (Errors): an unsupported method answers 405 with a SCIM Error; RFC 9110 "
    "§15.5.6: with an Allow header (MUST)",
)
def test_unsupported_method_is_405(probe: Probe) -> None:
    """``DELETE /ServiceProviderConfig`` (a read-only document, RFC 7644 §4) answers 405 with Allow."""
    response = probe.request("DELETE", "/ServiceProviderConfig")
    probe.expect_scim_error(
        response, 405, title=f"DELETE /ServiceProviderConfig answered {response.status_code}, not 405"
    )
    if response.status_code == 405:
        probe.expect(
            "allow" in response.headers,
            "DELETE /ServiceProviderConfig: 405 without an Allow header",
            expected="Allow: GET",
            got="no Allow header",
        )


# -- PATCH -------------------------------------------------------------------------------------


@pytest.mark.check(
    "requirements.patch-atomic",
    severity="rfc",
    requirement="RFC 7644 §3.5.2: a PATCH request is atomic — if one operation fails, the resource is "
    "left as it was and an error is returned (MUST); removing a REQUIRED attribute is invalid (400)",
    profiles=("oin",),
    operation="Rename group (PATCH)",
    operations=("rename-group",),
)
@pytest.mark.footprint(groups=1)
def test_patch_is_atomic(probe: Probe, scim_run: str, okta_profile: Profile) -> None:
    """Okta's rename PATCH followed by one removing the REQUIRED displayName: 400, and no rename applied."""
    group = probe.create("/Groups", group_body(scim_run, "atomic"))
    gid, name = group["id"], group["displayName"]
    operations: list[Json] = [
        okta.rename_operation(gid, f"{name} renamed"),
        # Removing the REQUIRED displayName leaves an invalid group: the request must fail whole.
        {"op": "remove", "path": "displayName"},
    ]
    response = probe.send(okta.patch("Groups", gid, operations))
    probe.expect_scim_error(
        response,
        400,
        title=f"PATCH with an invalid second operation answered {response.status_code}, not 400",
    )
    shown = probe.okta(okta_profile).current("Groups", gid)
    probe.expect(
        shown.get("displayName") == name,
        "a PATCH that failed was partly applied: the first operation's rename is kept",
        expected=f"displayName {name!r} (the resource as it was)",
        got=f"displayName {shown.get('displayName')!r}",
    )


# -- large groups ------------------------------------------------------------------------------

# Okta sends up to 100 membership changes per PATCH (okta-requests.md §8) and AIW pushes the
# full list; 20 members keep the run within a live target's user budget (issue 8 §5).
_LARGE = 20
# Created once per process for both profiles: a shared set of the run's budget (budget.plan).
_MANY_USERS = ("requirements.many-users", _LARGE, 0)


@pytest.fixture(scope="module")
def many_users(scim_target: Any, scim_tracker: Any, scim_run: str) -> list[Json]:
    """Users for the large group, created once for both profiles."""
    probe = Probe(scim_target, scim_tracker, "requirements.large-group", "okta", "", account=_MANY_USERS[0])
    return [probe.create("/Users", user_body(scim_run, f"large{n}")) for n in range(_LARGE)]


@pytest.mark.check(
    "requirements.large-group",
    severity="okta",
    requirement=f"okta-requests.md §8: a membership push carries many members in one request (AIW: PUT "
    f"with the full list; OIN: PATCH add of up to 100); GET /Groups/{{id}} then lists them all "
    f"({_LARGE} here) (MUST)",
    operation="Push group memberships",
    operations=("push-members", "add-members"),
)
@pytest.mark.footprint(groups=1, shared=_MANY_USERS)
def test_large_group_in_one_request(
    probe: Probe, scim_run: str, okta_profile: Profile, many_users: list[Json]
) -> None:
    """A group gets many members in one Okta membership push, and GET lists every one of them."""
    client = probe.okta(okta_profile)
    group = probe.create("/Groups", group_body(scim_run, "large"))
    gid, name = group["id"], group["displayName"]
    members = [okta.member(u["id"], u["userName"]) for u in many_users]
    change: Json = (
        {"members": members}
        if okta_profile == "aiw"
        else okta.patch_body([okta.add_members_operation(members)])
    )
    for response in client.push_membership(gid, change, name):
        probe.expect_status(response, 200, 204)
    shown = client.current("Groups", gid)
    got = set(checks.member_ids(shown))
    wanted = {u["id"] for u in many_users}
    probe.expect(
        got == wanted,
        f"after one push of {_LARGE} members GET /Groups/{{id}} lists {len(got)}",
        expected=f"all {_LARGE} members",
        got=f"{len(got & wanted)} of them, {len(got - wanted)} others",
    )
