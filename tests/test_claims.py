"""Reading what a provider claims to store from its own /Schemas (CONTRACT §4), over httpx.MockTransport."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from mock_target import MockTarget, error, list_response, scim

from scim_conformance.claims import NO_CLAIMS, Claims, claims_in, read_claims
from scim_conformance.server import definitions
from scim_conformance.spec import GROUP_SCHEMA, USER_SCHEMA

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def schema(urn: str, *attributes: dict[str, Any]) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": urn,
        "attributes": list(attributes),
    }


def attribute(name: str, *subs: dict[str, Any], **facets: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "type": "complex" if subs else "string", **facets}
    if subs:
        body["subAttributes"] = list(subs)
    return body


def read(answer: httpx.Response) -> tuple[Claims, MockTarget]:
    mock = MockTarget(answers={("GET", "/Schemas"): answer})
    return read_claims(mock.target.client), mock


def test_a_listed_attribute_is_claimed_and_read_once_from_the_scim_root() -> None:
    body = list_response(
        [
            schema(
                USER_SCHEMA,
                attribute("userName"),
                attribute("displayName"),
                attribute("name", attribute("givenName"), attribute("middleName")),
            )
        ]
    )
    claims, mock = read(scim(200, body))
    assert mock.sent() == [("GET", "/Schemas")]
    assert claims.claims("displayName")
    assert claims.claims("name.middleName")
    assert not claims.claims("locale")  # not listed
    assert not claims.claims("name.honorificPrefix")
    assert claims.source == "GET /Schemas: 1 schemas, 5 attributes claimed"


def test_names_are_case_insensitive_and_a_urn_names_the_schema() -> None:
    claims = Claims(claims_in(list_response([schema(USER_SCHEMA, attribute("displayName"))])), "test")
    assert claims.claims("DISPLAYNAME")
    assert claims.claims(f"{USER_SCHEMA}:displayName")
    assert not claims.claims("displayName", GROUP_SCHEMA)
    assert not claims.claims(f"{ENTERPRISE}:displayName")


def test_read_only_and_never_returned_attributes_are_not_claimed() -> None:
    body = list_response(
        [
            schema(
                USER_SCHEMA,
                attribute("groups", attribute("value", mutability="readOnly"), mutability="readOnly"),
                attribute("password", mutability="writeOnly", returned="never"),
                attribute("emails", attribute("value"), attribute("display", mutability="readOnly")),
                attribute("externalId", mutability="immutable"),
            )
        ]
    )
    claims = Claims(claims_in(body), "test")
    assert not claims.claims("groups") and not claims.claims("groups.value")
    assert not claims.claims("password")
    assert claims.claims("emails.value") and not claims.claims("emails.display")
    assert claims.claims("externalId")  # immutable: stored, set once


def test_the_reference_servers_schemas_claim_what_it_stores() -> None:
    documents = [s.raw for s in definitions.schemas().values()]
    claims = Claims(claims_in(list_response(documents)), "reference")
    for path in ("displayName", "locale", "title", "name.middleName", "emails.type", "emails.primary"):
        assert claims.claims(path), path
    assert claims.claims("displayName", GROUP_SCHEMA)
    assert not claims.claims("groups") and not claims.claims("password")


def test_a_bare_array_is_read_leniently() -> None:
    # The format is discovery.schemas' to judge; what the provider says it stores still counts.
    claims = Claims(claims_in([schema(USER_SCHEMA, attribute("locale"))]), "test")
    assert claims.claims("locale")


@pytest.mark.parametrize(
    ("answer", "source"),
    [
        (error(404), "GET /Schemas answered 404: nothing claimed"),
        (httpx.Response(200, text="<html>"), "GET /Schemas answered no JSON: nothing claimed"),
        (scim(200, list_response([])), "GET /Schemas: 0 schemas, 0 attributes claimed"),
        (
            scim(200, list_response([{"id": USER_SCHEMA, "name": "User"}])),
            "GET /Schemas: 0 schemas, 0 attributes claimed",
        ),
        (scim(200, {"Resources": "nope"}), "GET /Schemas: 0 schemas, 0 attributes claimed"),
    ],
)
def test_a_provider_without_usable_schemas_claims_nothing(answer: httpx.Response, source: str) -> None:
    claims, _ = read(answer)
    assert not claims
    assert not claims.claims("displayName")
    assert claims.source == source


def test_a_transport_failure_claims_nothing() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    claims = read_claims(MockTarget(refuse).target.client)
    assert claims.attributes == frozenset()
    assert claims.source == "GET /Schemas failed (ConnectError): nothing claimed"


def test_no_claims_claims_nothing() -> None:
    assert not NO_CLAIMS and not NO_CLAIMS.claims("displayName")
    assert NO_CLAIMS.attributes == frozenset()
