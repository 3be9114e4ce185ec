"""Discovery: what the provider says about itself is true (RFC 7643 §5–7, RFC 7644 §4).

Okta does not read these endpoints for plain provisioning (okta-requests.md §10),
so every finding here is ``rfc``: a ServiceProviderConfig that advertises PATCH
or filtering which does not work misleads every other SCIM client.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from scim_conformance.pool import Pool
from scim_conformance.probe import Probe
from scim_conformance.spec import (
    GROUP_SCHEMA,
    PATCH_OP,
    SERVICE_PROVIDER_CONFIG_SCHEMA,
    USER_SCHEMA,
    Json,
)

# RFC 7643 §5: each feature is a complex attribute with a REQUIRED boolean "supported",
# plus REQUIRED integers for bulk and filter.
_FEATURES = {
    "patch": (),
    "bulk": ("maxOperations", "maxPayloadSize"),
    "filter": ("maxResults",),
    "changePassword": (),
    "sort": (),
    "etag": (),
}


def _config(probe: Probe) -> Json:
    """GET /ServiceProviderConfig as a JSON object ({} when it is something else: a finding)."""
    __tracebackhide__ = True
    response = probe.request("GET", "/ServiceProviderConfig")
    probe.expect_status(response, 200)
    body = probe.expect_json(response)
    probe.expect(
        isinstance(body, dict),
        "GET /ServiceProviderConfig: not a JSON object",
        expected="a ServiceProviderConfig object",
        got=type(body).__name__,
    )
    return body if isinstance(body, dict) else {}


def _advertised(config: Json, feature: str) -> bool:
    section = config.get(feature)
    return isinstance(section, dict) and section.get("supported") is True


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@pytest.mark.check(
    "discovery.service-provider-config",
    severity="rfc",
    requirement="RFC 7643 §5, RFC 7644 §4: /ServiceProviderConfig describes patch, bulk, filter, "
    "changePassword, sort, etag and authenticationSchemes (MUST)",
)
def test_service_provider_config(probe: Probe) -> None:
    """GET /ServiceProviderConfig answers the RFC 7643 §5 document with every REQUIRED attribute."""
    config = _config(probe)
    problems = []
    if SERVICE_PROVIDER_CONFIG_SCHEMA not in (config.get("schemas") or []):
        problems.append(f"schemas does not list {SERVICE_PROVIDER_CONFIG_SCHEMA}")
    for feature, integers in _FEATURES.items():
        section = config.get(feature)
        if not isinstance(section, dict) or not isinstance(section.get("supported"), bool):
            problems.append(f"{feature}.supported is not a boolean")
            continue
        problems += [
            f"{feature}.{name} is not an integer" for name in integers if not _is_int(section.get(name))
        ]
    schemes = config.get("authenticationSchemes")
    if not (isinstance(schemes, list) and schemes):
        problems.append("authenticationSchemes is not a non-empty array")
    else:
        for scheme in schemes:
            missing = [
                k for k in ("type", "name", "description") if not isinstance(scheme, dict) or k not in scheme
            ]
            if missing:
                problems.append(f"an authenticationSchemes entry lacks {', '.join(missing)}")
    probe.expect(
        not problems,
        "/ServiceProviderConfig lacks REQUIRED attributes",
        expected="schemas, patch/bulk/filter/changePassword/sort/etag with a boolean 'supported' "
        "(bulk.maxOperations, bulk.maxPayloadSize, filter.maxResults integers), authenticationSchemes",
        got="; ".join(problems),
    )


@pytest.mark.check(
    "discovery.patch-advertised",
    severity="rfc",
    requirement="RFC 7643 §5 (patch.supported), RFC 7644 §3.5.2: PATCH advertised means PATCH works (MUST)",
)
@pytest.mark.footprint(pool=True)
def test_advertised_patch_works(probe: Probe, scim_pool: Pool) -> None:
    """If ServiceProviderConfig says patch.supported, a PATCH replace on a user (the pool's) is applied."""
    if not _advertised(_config(probe), "patch"):
        pytest.skip("the target does not advertise PATCH (patch.supported is not true)")
    (user,) = scim_pool.resources(probe, 1)
    path = f"/Users/{user['id']}"
    # A stored attribute (CONTRACT §4): a provider may derive displayName, never givenName.
    wanted = f"{user['name']['givenName']} patched"
    patch = {
        "schemas": [PATCH_OP],
        "Operations": [{"op": "replace", "path": "name.givenName", "value": wanted}],
    }
    response = probe.request("PATCH", path, body=patch)
    if not probe.expect_status(
        response, 200, 204, title=f"PATCH /Users/{{id}} answered {response.status_code} though advertised"
    ):
        return
    shown = probe.expect_json(probe.request("GET", path))
    name = shown.get("name") if isinstance(shown, dict) else None
    got = name.get("givenName") if isinstance(name, dict) else None
    probe.expect(
        got == wanted,
        "PATCH replace of name.givenName was answered with success but not applied",
        expected=f"GET /Users/{{id}} shows name.givenName {wanted!r}",
        got=f"name.givenName {got!r}",
    )


@pytest.mark.check(
    "discovery.filter-advertised",
    severity="rfc",
    requirement="RFC 7643 §5 (filter.supported), RFC 7644 §3.4.2.2: filtering advertised means an "
    "eq filter returns exactly the matching resources (MUST)",
)
@pytest.mark.footprint(pool=True)
def test_advertised_filter_works(probe: Probe, scim_pool: Pool) -> None:
    """If ServiceProviderConfig says filter.supported, `userName eq` returns exactly the one user."""
    if not _advertised(_config(probe), "filter"):
        pytest.skip("the target does not advertise filtering (filter.supported is not true)")
    # Users of the run's pool: more than one, so a target that ignores the filter cannot
    # pass by holding only one.
    user, *_ = scim_pool.resources(probe, 2)
    query = quote(f'userName eq "{user["userName"]}"', safe="")
    body = probe.expect_list_response(probe.request("GET", "/Users", query=f"filter={query}"))
    ids = [r.get("id") for r in body.get("Resources") or [] if isinstance(r, dict)]
    probe.expect(
        body.get("totalResults") == 1 and ids == [user["id"]],
        "the advertised filter does not select the one matching user",
        expected=f"totalResults 1 and Resources holding only {user['id']}",
        got=f"totalResults {body.get('totalResults')!r}, {len(ids)} resources",
    )


def _definitions(probe: Probe, endpoint: str) -> list[Json]:
    """The Resources of a discovery ListResponse (RFC 7644 §4: /Schemas and /ResourceTypes are lists)."""
    __tracebackhide__ = True
    body = probe.expect_list_response(
        probe.request("GET", endpoint),
        requirement="RFC 7644 §4, §3.4.2: discovery endpoints answer a ListResponse (MUST)",
    )
    return [r for r in body.get("Resources") or [] if isinstance(r, dict)]


# What each schema must define, at least: what Okta sends and reads (CONTRACT §3).
_REQUIRED_ATTRIBUTES = {
    # (externalId is a common attribute, RFC 7643 §3.1: in no schema.)
    USER_SCHEMA: ("userName", "name", "emails", "active"),
    GROUP_SCHEMA: ("displayName", "members"),
}


@pytest.mark.check(
    "discovery.schemas",
    severity="rfc",
    requirement="RFC 7643 §7, RFC 7644 §4: /Schemas lists the User and Group schemas with their "
    "attribute definitions (MUST)",
)
def test_schemas_define_user_and_group(probe: Probe) -> None:
    """GET /Schemas is a ListResponse whose User and Group schemas define their attributes."""
    schemas = {s.get("id"): s for s in _definitions(probe, "/Schemas")}
    problems = []
    for urn, names in _REQUIRED_ATTRIBUTES.items():
        schema = schemas.get(urn)
        if schema is None:
            problems.append(f"no schema with id {urn}")
            continue
        attributes = schema.get("attributes")
        if not isinstance(attributes, list):
            problems.append(f"{urn}: attributes is not an array")
            continue
        defined = {a.get("name", "").lower(): a for a in attributes if isinstance(a, dict)}
        problems += [f"{urn}: no definition of {n}" for n in names if n.lower() not in defined]
        for name, definition in defined.items():
            if not isinstance(definition.get("type"), str) or not isinstance(
                definition.get("multiValued"), bool
            ):
                problems.append(f"{urn}: attribute {name!r} lacks a type or multiValued")
    probe.expect(
        not problems,
        "/Schemas does not define the User and Group resources",
        expected="schemas with id User and Group URNs, each attribute with name, type and multiValued",
        got="; ".join(problems[:8]) + (f"; … {len(problems) - 8} more" if len(problems) > 8 else ""),
    )


@pytest.mark.check(
    "discovery.resource-types",
    severity="rfc",
    requirement="RFC 7643 §6, RFC 7644 §4: /ResourceTypes lists User at /Users and Group at /Groups, "
    "each naming a schema that /Schemas defines (MUST)",
)
def test_resource_types_describe_users_and_groups(probe: Probe) -> None:
    """GET /ResourceTypes is a ListResponse naming the endpoint and schema of User and Group."""
    types = {t.get("name"): t for t in _definitions(probe, "/ResourceTypes")}
    defined = {s.get("id") for s in _definitions(probe, "/Schemas")}
    problems = []
    for name, endpoint, schema in (("User", "/Users", USER_SCHEMA), ("Group", "/Groups", GROUP_SCHEMA)):
        rt = types.get(name)
        if rt is None:
            problems.append(f"no resource type named {name}")
            continue
        if rt.get("endpoint") != endpoint:
            problems.append(f"{name}.endpoint is {rt.get('endpoint')!r}, not {endpoint!r}")
        if rt.get("schema") != schema:
            problems.append(f"{name}.schema is {rt.get('schema')!r}, not {schema!r}")
        elif schema not in defined:
            problems.append(f"{name}.schema {schema} is not among /Schemas")
    probe.expect(
        not problems,
        "/ResourceTypes does not describe the User and Group resources",
        expected="User (endpoint /Users) and Group (endpoint /Groups) with their core schema URNs",
        got="; ".join(problems),
    )
