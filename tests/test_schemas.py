"""The response schemas: the documents, Okta's samples, the reference server's answers, broken variants."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from scim_conformance import spec
from scim_conformance.okta.bodies import SAMPLE_CREATE_USER, SAMPLE_PUT_USER
from scim_conformance.schemas import (
    BASE_URI,
    KINDS,
    MAX_VIOLATIONS,
    SEVERITIES,
    Violation,
    documents,
    kind_for,
    validate,
)
from scim_conformance.server.app import create_app
from scim_conformance.server.config import Realm, ServiceAccount
from scim_conformance.spec import (
    ENTERPRISE_USER_SCHEMA,
    ERROR,
    GROUP_SCHEMA,
    LIST_RESPONSE,
    PATCH_OP,
    USER_SCHEMA,
    Json,
)
from scim_conformance.transport import in_process_client

USER_ID = "23a35c27-23d3-4c03-b4c5-6443c09e7173"
GROUP_ID = "abf4dd94-a4c0-4f67-89c9-76b03340cb9b"

# -- Okta's bodies, verbatim from okta-requests.md -----------------------------------------

# §4: POST /Users.
OKTA_CREATE_USER: Json = copy.deepcopy(SAMPLE_CREATE_USER)
# §6: the PUT body, which echoes the provider's GET response.
OKTA_PUT_USER: Json = {**copy.deepcopy(SAMPLE_PUT_USER), "id": USER_ID}
# §8: POST /Groups, and the AIW membership PUT.
OKTA_CREATE_GROUP: Json = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    "displayName": "Test SCIMv2",
    "members": [],
}
OKTA_PUT_GROUP: Json = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    "displayName": "Test SCIMv2",
    "members": [{"value": USER_ID, "display": "test.user@okta.local"}],
}
# §3: the answer to a lookup that finds nothing.
OKTA_LOOKUP_MISS: Json = {
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
    "totalResults": 0,
    "startIndex": 1,
    "itemsPerPage": 0,
    "Resources": [],
}
# §7, §8: the OIN PATCH bodies.
OKTA_PATCHES: dict[str, Json] = {
    "deactivate": {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": False}}],
    },
    "membership": {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "remove", "path": 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]'},
            {
                "op": "add",
                "path": "members",
                "value": [{"value": USER_ID, "display": "test.user@okta.local"}],
            },
        ],
    },
    "full-push": {
        "schemas": [PATCH_OP],
        "Operations": [{"op": "replace", "path": "members", "value": [{"value": USER_ID}]}],
    },
    "rename": {
        "schemas": [PATCH_OP],
        "Operations": [{"op": "replace", "value": {"id": GROUP_ID, "displayName": "New Name"}}],
    },
}
# §5: the error Okta's Runscope suite expects for an unknown id.
RUNSCOPE_NOT_FOUND: Json = {
    "schemas": [ERROR],
    "detail": "User 010101001010101011001010101011 not found",
    "status": "404",
}


def _with_id(body: Json, rid: str) -> Json:
    return {**body, "id": rid}


# -- the documents ---------------------------------------------------------------------------


def test_every_documented_schema_ships() -> None:
    assert set(documents()) == {
        "common.json",
        "meta.json",
        "user.json",
        "enterprise_user.json",
        "group.json",
        "list_response.json",
        "error.json",
        "patch_op.json",
        "service_provider_config.json",
        "resource_type.json",
        "schema.json",
    }


@pytest.mark.parametrize("name", sorted(documents()))
def test_document_is_a_2020_12_schema(name: str) -> None:
    document = documents()[name]
    Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == BASE_URI + name


def _nodes(node: object) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for child in node.values():
            yield from _nodes(child)
    elif isinstance(node, list):
        for child in node:
            yield from _nodes(child)


@pytest.mark.parametrize("name", sorted(documents()))
def test_annotations_are_known_severities_and_text(name: str) -> None:
    for node in _nodes(documents()[name]):
        if "x-severity" in node:
            assert node["x-severity"] in SEVERITIES, node
        if "x-message" in node:
            assert isinstance(node["x-message"], str) and node["x-message"], node


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_resolves_its_references(kind: str) -> None:
    # An object with nothing in it reaches every $ref of the required-attribute checks.
    violations = validate(kind, {})
    assert violations and all(isinstance(v, Violation) for v in violations)


def test_an_unknown_kind_is_a_usage_error() -> None:
    with pytest.raises(ValueError, match="ListResponse:User"):
        validate("Users", {})


# -- Okta's samples ----------------------------------------------------------------------------


def test_okta_put_body_is_a_valid_user() -> None:
    """okta-requests §6: the PUT body is the provider's own GET answer plus Okta's changes."""
    assert validate("User", OKTA_PUT_USER) == []


def test_okta_create_body_as_the_provider_echoes_it_is_a_valid_user() -> None:
    """Everything Okta sends on create is legal in the answer: locale, groups [], externalId."""
    echoed = {k: v for k, v in _with_id(OKTA_CREATE_USER, USER_ID).items() if k != "password"}
    assert validate("User", echoed) == []


def test_okta_create_body_echoed_verbatim_lacks_the_id_and_leaks_the_password() -> None:
    violations = validate("User", OKTA_CREATE_USER)
    assert [(v.pointer, v.severity) for v in violations] == [("/password", "security"), ("", "okta")]
    assert violations[1].message == '(root): required attribute "id" is missing'


@pytest.mark.parametrize("body", [OKTA_CREATE_GROUP, OKTA_PUT_GROUP], ids=["create", "put"])
def test_okta_group_bodies_with_an_id_are_valid_groups(body: Json) -> None:
    assert validate("Group", _with_id(body, GROUP_ID)) == []


@pytest.mark.parametrize("kind", ["ListResponse:User", "ListResponse:Group", "ListResponse"])
def test_okta_lookup_miss_is_a_valid_list_response(kind: str) -> None:
    assert validate(kind, OKTA_LOOKUP_MISS) == []


@pytest.mark.parametrize("name", sorted(OKTA_PATCHES))
def test_okta_patch_bodies_are_valid_patch_ops(name: str) -> None:
    assert validate("PatchOp", OKTA_PATCHES[name]) == []


def test_runscope_not_found_error_is_valid() -> None:
    assert validate("Error", RUNSCOPE_NOT_FOUND) == []


# -- the reference server's answers --------------------------------------------------------------

REALM = "0f4b6a8e-3c1d-4e2f-9a7b-5c6d7e8f9a01"
TOKEN = "4c0ffee0ddba11c0ffee0ddba11c0ffee0ddba1"
READER_TOKEN = "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed"
ROOT = spec.REALM_SCIM_PREFIX.format(realm=REALM)


class Okta:
    """Sends requests as Okta does and checks each answer against the schema `kind_for` picks."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def send(self, method: str, path: str, body: object = None, *, status: int, **headers: str) -> Any:
        __tracebackhide__ = True
        sent = dict(headers)
        content = None
        if body is not None:
            content = body if isinstance(body, bytes) else json.dumps(body).encode()
            sent["Content-Type"] = "application/scim+json; charset=utf-8"
        response = self.http.request(method, ROOT + path, content=content, headers=sent)
        assert response.status_code == status, response.text
        kind = kind_for(method, ROOT + path, status)
        if status == 204:
            assert kind is None and not response.content
            return None
        assert kind is not None, (method, path, status)
        document = response.json()
        assert validate(kind, document) == [], (method, path, kind, document)
        return document


@pytest.fixture
def okta() -> Iterator[Okta]:
    app = create_app(
        realms=[Realm(REALM)],
        accounts=[
            ServiceAccount("okta", TOKEN),
            ServiceAccount("reader", READER_TOKEN, permissions=frozenset({spec.VIEW_USERS})),
        ],
    )
    http = in_process_client(
        app,
        headers={
            "Authorization": f"Bearer {TOKEN}",
            "Accept": "application/scim+json",
            "User-Agent": "Okta SCIM Client 1.0.0",
        },
    )
    try:
        yield Okta(http)
    finally:
        http.close()


def test_reference_server_users_validate(okta: Okta) -> None:
    user = okta.send("POST", "/Users", OKTA_CREATE_USER, status=201)
    enterprise = {
        **OKTA_CREATE_USER,
        "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        "userName": "ada@okta.local",
        "externalId": "00ujl29u0le5T6Aj10h8",
        "emails": [{"primary": True, "value": "ada@okta.local", "type": "work"}],
        ENTERPRISE_USER_SCHEMA: {
            "employeeNumber": "701984",
            "department": "Tour Operations",
            "manager": {"value": user["id"], "displayName": "Test User"},
        },
    }
    employee = okta.send("POST", "/Users", enterprise, status=201)
    assert employee[ENTERPRISE_USER_SCHEMA]["manager"]["value"] == user["id"]
    okta.send("GET", f"/Users/{employee['id']}", status=200)
    okta.send("GET", f"/Users/{user['id']}", status=200)
    deactivated = okta.send("PUT", f"/Users/{user['id']}", {**user, "active": False}, status=200)
    assert deactivated["active"] is False
    okta.send("PATCH", f"/Users/{user['id']}", OKTA_PATCHES["deactivate"], status=200)


def test_reference_server_groups_validate(okta: Okta) -> None:
    user = okta.send("POST", "/Users", OKTA_CREATE_USER, status=201)
    empty = okta.send("POST", "/Groups", OKTA_CREATE_GROUP, status=201)
    members = [{"value": user["id"], "display": user["userName"]}]
    okta.send(
        "POST", "/Groups", {**OKTA_CREATE_GROUP, "displayName": "Pushed", "members": members}, status=201
    )
    okta.send("PUT", f"/Groups/{empty['id']}", {**OKTA_PUT_GROUP, "members": members}, status=200)
    rename = {
        "schemas": [PATCH_OP],
        "Operations": [{"op": "replace", "value": {"id": empty["id"], "displayName": "Renamed"}}],
    }
    okta.send("PATCH", f"/Groups/{empty['id']}", rename, status=200)
    okta.send("GET", f"/Groups/{empty['id']}", status=200)
    okta.send("GET", f"/Users/{user['id']}", status=200)  # now with its groups
    okta.send("DELETE", f"/Groups/{empty['id']}", status=204)


def test_reference_server_lists_validate(okta: Okta) -> None:
    for n in range(3):
        created = okta.send(
            "POST",
            "/Users",
            {**OKTA_CREATE_USER, "userName": f"u{n}@okta.local", "externalId": f"00u{n}"},
            status=201,
        )
        okta.send(
            "POST",
            "/Groups",
            {**OKTA_PUT_GROUP, "displayName": f"g{n}", "members": [{"value": created["id"]}]},
            status=201,
        )
    okta.send("GET", "/Users?startIndex=1&count=2", status=200)
    okta.send("GET", "/Groups?startIndex=1&count=100", status=200)
    okta.send("GET", "/Users?filter=userName%20eq%20%22u1%40okta.local%22&startIndex=1&count=100", status=200)
    miss = okta.send(
        "GET", "/Users?filter=userName+eq+%22nobody%40okta.local%22&startIndex=1&count=100", status=200
    )
    assert miss["totalResults"] == 0
    okta.send("GET", "/Groups?filter=displayName%20eq%20%22g2%22&startIndex=1&count=100", status=200)
    okta.send("GET", "/Users?startIndex=3&count=100", status=200)
    okta.send("GET", "/Users?attributes=userName", status=200)


def test_reference_server_errors_validate(okta: Okta) -> None:
    user = okta.send("POST", "/Users", OKTA_CREATE_USER, status=201)
    okta.send("GET", "/Users", status=401, Authorization="")
    okta.send("GET", "/Users", status=401, Authorization="Bearer not-the-token")
    okta.send("POST", "/Users", OKTA_CREATE_USER, status=403, Authorization=f"Bearer {READER_TOKEN}")
    okta.send("GET", "/Users/010101001010101011001010101011", status=404)
    okta.send("GET", "/Groups/00919288221112222", status=404)
    okta.send("POST", "/Users", OKTA_CREATE_USER, status=409)
    okta.send("POST", "/Users", b'{"schemas": [', status=400)
    okta.send("POST", "/Users", {"schemas": [USER_SCHEMA], "userName": 5}, status=400)
    okta.send("GET", "/Users?filter=userName%20zz%20%22x%22", status=400)
    okta.send("DELETE", f"/Users/{user['id']}", status=405)
    okta.send("POST", "/Bulk", {}, status=501)


def test_reference_server_discovery_validates(okta: Okta) -> None:
    okta.send("GET", "/ServiceProviderConfig", status=200)
    okta.send("GET", "/ResourceTypes", status=200)
    okta.send("GET", "/ResourceTypes/User", status=200)
    okta.send("GET", "/ResourceTypes/Group", status=200)
    schemas = okta.send("GET", "/Schemas", status=200)
    for schema in schemas["Resources"]:
        okta.send("GET", f"/Schemas/{schema['id']}", status=200)


# -- broken and legal variants ------------------------------------------------------------------------

VALID: dict[str, Json] = {
    "User": {
        **OKTA_PUT_USER,
        "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        "externalId": "00ujl29u0le5T6Aj10h7",
        "displayName": "Test User",
        ENTERPRISE_USER_SCHEMA: {"employeeNumber": "1", "manager": {"value": GROUP_ID}},
        "meta": {
            "resourceType": "User",
            "created": "2024-05-01T10:00:00.000Z",
            "lastModified": "2024-05-01T10:00:00.000Z",
            "location": f"https://zentral.example/Users/{USER_ID}",
            "version": 'W/"3"',
        },
    },
    "Group": {
        **_with_id(OKTA_PUT_GROUP, GROUP_ID),
        "meta": {"resourceType": "Group", "created": "2024-05-01T10:00:00Z"},
    },
    "Error": {"schemas": [ERROR], "status": "409", "scimType": "uniqueness", "detail": "userName is taken"},
    "PatchOp": OKTA_PATCHES["membership"],
    "ServiceProviderConfig": {
        "schemas": [spec.SERVICE_PROVIDER_CONFIG_SCHEMA],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": 100},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [{"type": "oauthbearertoken", "name": "Bearer", "description": "API token"}],
    },
    "ResourceType": {
        "schemas": [spec.RESOURCE_TYPE_SCHEMA],
        "name": "User",
        "endpoint": "/Users",
        "schema": USER_SCHEMA,
        "schemaExtensions": [{"schema": ENTERPRISE_USER_SCHEMA, "required": False}],
    },
    "Schema": {
        "id": GROUP_SCHEMA,
        "attributes": [{"name": "members", "type": "complex", "subAttributes": [{"name": "value"}]}],
    },
}
VALID["ListResponse:User"] = {
    "schemas": [LIST_RESPONSE],
    "totalResults": 1,
    "startIndex": 1,
    "itemsPerPage": 1,
    "Resources": [VALID["User"]],
}


DROP = object()
"""A change that removes the member."""


@dataclass(frozen=True)
class Rename:
    """A change that renames the member."""

    name: str


def _changed(document: Json, pointer: str, change: object) -> Json:
    """A copy of ``document`` with the member at ``pointer`` set to ``change``, dropped or renamed."""
    changed = copy.deepcopy(document)
    *parents, last = [s.replace("~1", "/").replace("~0", "~") for s in pointer.lstrip("/").split("/")]
    node: Any = changed
    for step in parents:
        node = node[int(step)] if isinstance(node, list) else node[step]
    key: Any = int(last) if isinstance(node, list) else last
    if isinstance(change, Rename):
        node[change.name] = node.pop(key)
    elif change is DROP:
        del node[key]
    else:
        node[key] = change
    return changed


def test_valid_documents_are_valid() -> None:
    for kind, document in VALID.items():
        assert validate(kind, document) == [], kind


LIST = "ListResponse:User"
SPC = "ServiceProviderConfig"
EXT = ENTERPRISE_USER_SCHEMA
BROKEN = [
    # (id, kind, where VALID[kind] changes, the change, pointer of the one violation, its severity)
    ("user-without-id", "User", "/id", DROP, "", "okta"),
    ("user-empty-id", "User", "/id", "", "/id", "okta"),
    ("user-numeric-id", "User", "/id", 42, "/id", "okta"),
    ("user-bulkId-id", "User", "/id", "bulkId", "/id", "rfc"),
    ("user-without-userName", "User", "/userName", DROP, "", "okta"),
    ("user-numeric-userName", "User", "/userName", 7, "/userName", "okta"),
    ("user-string-active", "User", "/active", "true", "/active", "okta"),
    ("user-emails-object", "User", "/emails", {"value": "a@b.c"}, "/emails", "okta"),
    ("user-email-value-number", "User", "/emails/0/value", 1, "/emails/0/value", "rfc"),
    ("user-email-primary-string", "User", "/emails/0/primary", "true", "/emails/0/primary", "rfc"),
    ("user-two-primaries", "User", "/emails", [{"value": "a", "primary": True}] * 2, "/emails", "rfc"),
    ("user-name-string", "User", "/name", "Test User", "/name", "rfc"),
    ("user-password-returned", "User", "/password", "1mz050nq", "/password", "security"),
    ("user-without-schemas", "User", "/schemas", DROP, "", "rfc"),
    ("user-schemas-without-core", "User", "/schemas", [EXT], "/schemas", "rfc"),
    ("user-extension-unlisted", "User", "/schemas", [USER_SCHEMA], "/schemas", "rfc"),
    ("user-manager-string", "User", f"/{EXT}/manager", "Bob", f"/{EXT}/manager", "rfc"),
    ("meta-created_at", "User", "/meta/created", Rename("created_at"), "/meta/created_at", "rfc"),
    ("meta-updated", "User", "/meta/lastModified", Rename("updated"), "/meta/updated", "rfc"),
    ("meta-last_modified", "User", "/meta/lastModified", Rename("last_modified"),
     "/meta/last_modified", "rfc"),
    ("meta-resource_type", "User", "/meta/resourceType", Rename("resource_type"),
     "/meta/resource_type", "rfc"),
    ("meta-Created-At", "User", "/meta/created", Rename("Created At"), "/meta/Created At", "rfc"),
    ("meta-created-not-a-date", "User", "/meta/created", "yesterday", "/meta/created", "rfc"),
    ("meta-created-epoch", "User", "/meta/created", 1714557600, "/meta/created", "rfc"),
    ("meta-created-not-leap", "User", "/meta/created", "2023-02-29T00:00:00Z", "/meta/created", "rfc"),
    ("meta-created-with-space", "User", "/meta/created", "2024-05-01 10:00:00Z", "/meta/created", "rfc"),
    ("meta-created-date-only", "User", "/meta/created", "2024-05-01", "/meta/created", "rfc"),
    ("meta-resourceType-wrong", "User", "/meta/resourceType", "Group", "/meta/resourceType", "rfc"),
    ("group-without-id", "Group", "/id", DROP, "", "okta"),
    ("group-without-displayName", "Group", "/displayName", DROP, "", "okta"),
    ("group-members-object", "Group", "/members", {"value": USER_ID}, "/members", "okta"),
    ("group-member-string", "Group", "/members/0", USER_ID, "/members/0", "okta"),
    ("group-member-without-value", "Group", "/members/0/value", DROP, "/members/0", "okta"),
    ("group-member-numeric-value", "Group", "/members/0/value", 5, "/members/0/value", "okta"),
    ("group-member-display-number", "Group", "/members/0/display", 5, "/members/0/display", "rfc"),
    ("list-string-totalResults", LIST, "/totalResults", "3", "/totalResults", "okta"),
    ("list-decimal-totalResults", LIST, "/totalResults", 1.0, "/totalResults", "okta"),
    ("list-string-startIndex", LIST, "/startIndex", "1", "/startIndex", "okta"),
    ("list-zero-startIndex", LIST, "/startIndex", 0, "/startIndex", "okta"),
    ("list-string-itemsPerPage", LIST, "/itemsPerPage", "1", "/itemsPerPage", "okta"),
    ("list-without-totalResults", LIST, "/totalResults", DROP, "", "okta"),
    ("list-without-Resources", LIST, "/Resources", DROP, "", "okta"),
    ("list-Resources-object", LIST, "/Resources", {"id": USER_ID}, "/Resources", "okta"),
    ("list-item-without-id", LIST, "/Resources/0/id", DROP, "/Resources/0", "okta"),
    ("list-item-string-active", LIST, "/Resources/0/active", "true", "/Resources/0/active", "okta"),
    ("list-item-meta", LIST, "/Resources/0/meta/created", Rename("created_at"),
     "/Resources/0/meta/created_at", "rfc"),
    ("list-without-schemas", LIST, "/schemas", DROP, "", "rfc"),
    ("error-numeric-status", "Error", "/status", 409, "/status", "rfc"),
    ("error-status-text", "Error", "/status", "Conflict", "/status", "rfc"),
    ("error-without-status", "Error", "/status", DROP, "", "rfc"),
    ("error-unknown-scimType", "Error", "/scimType", "duplicate", "/scimType", "rfc"),
    ("error-schemas-list-response", "Error", "/schemas", [LIST_RESPONSE], "/schemas", "rfc"),
    ("patch-without-operations", "PatchOp", "/Operations", [], "/Operations", "rfc"),
    ("patch-unknown-op", "PatchOp", "/Operations/0/op", "delete", "/Operations/0/op", "rfc"),
    ("patch-remove-without-path", "PatchOp", "/Operations/0/path", DROP, "/Operations/0", "rfc"),
    ("patch-add-without-value", "PatchOp", "/Operations/1/value", DROP, "/Operations/1", "rfc"),
    ("patch-pathless-list-value", "PatchOp", "/Operations/1/path", DROP, "/Operations/1/value", "rfc"),
    ("spc-string-supported", SPC, "/patch/supported", "true", "/patch/supported", "rfc"),
    ("spc-without-bulk", SPC, "/bulk", DROP, "", "rfc"),
    ("spc-without-maxResults", SPC, "/filter/maxResults", DROP, "/filter", "rfc"),
    ("spc-scheme-without-name", SPC, "/authenticationSchemes/0/name", DROP,
     "/authenticationSchemes/0", "rfc"),
    ("resource-type-without-endpoint", "ResourceType", "/endpoint", DROP, "", "rfc"),
    ("resource-type-flag", "ResourceType", "/schemaExtensions/0/required", "false",
     "/schemaExtensions/0/required", "rfc"),
    ("schema-unknown-type", "Schema", "/attributes/0/type", "text", "/attributes/0/type", "rfc"),
    ("schema-nameless-sub", "Schema", "/attributes/0/subAttributes/0/name", DROP,
     "/attributes/0/subAttributes/0", "rfc"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "where", "change", "pointer", "severity"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_a_broken_variant_gives_one_violation_of_its_severity(
    kind: str, where: str, change: object, pointer: str, severity: str
) -> None:
    violations = validate(kind, _changed(VALID[kind], where, change))
    assert [(v.pointer, v.severity) for v in violations] == [(pointer, severity)], violations
    assert violations[0].message.startswith(f"{pointer or '(root)'}: ")


@pytest.mark.parametrize("kind", ["User", "Group", LIST])
def test_a_body_that_is_not_an_object_breaks_okta(kind: str) -> None:
    """okta-requests §4: 'Create new user returned empty user.'"""
    assert [(v.pointer, v.severity) for v in validate(kind, [VALID[kind]])] == [("", "okta")]


def test_messages_read_as_pointer_expected_got() -> None:
    [active] = validate(LIST, _changed(VALID[LIST], "/Resources/0/active", "true"))
    assert active.message == '/Resources/0/active: expected boolean, got string "true"'
    assert active.schema_path.endswith("/allOf/0/properties/active/type")
    [total] = validate(LIST, _changed(VALID[LIST], "/totalResults", "3"))
    assert total.message == '/totalResults: expected integer, got string "3"'
    [created_at] = validate("User", _changed(VALID["User"], "/meta/created", Rename("created_at")))
    assert "resourceType, created, lastModified, location and version" in created_at.message
    [null_id] = validate("User", _changed(VALID["User"], "/id", None))
    assert null_id.message == '(root): required attribute "id" is null (RFC 7643 §2.5: null means unassigned)'
    assert str(null_id) == f"{null_id.message} [okta]"


LEGAL = [
    # (id, kind, where VALID[kind] changes, the change)
    # RFC 7643 §2.1: attribute names are case-insensitive (Okta reads lower-case list keys, §9).
    ("list-lower-case-Resources", LIST, "/Resources", Rename("resources")),
    ("list-lower-case-totalResults", LIST, "/totalResults", Rename("totalresults")),
    ("user-UserName", "User", "/userName", Rename("UserName")),
    ("user-META", "User", "/meta", Rename("META")),
    ("user-ACTIVE", "User", "/active", Rename("ACTIVE")),
    # RFC 7643 §2.5: null is unassigned.
    ("user-null-displayName", "User", "/displayName", None),
    ("user-null-emails", "User", "/emails", None),
    ("user-null-active", "User", "/active", None),
    ("user-null-password", "User", "/password", None),
    ("meta-null-version", "User", "/meta/version", None),
    # Attributes and extensions this project does not know.
    ("user-custom-extension", "User", "/urn:okta:custom:1.0", {"x": 1}),
    ("user-custom-attribute", "User", "/zentralTag", 7),
    ("meta-custom-key", "User", "/meta/region", "eu"),
    ("meta-slash-key", "User", "/meta/last~1modified", 1),
    ("meta-created-offset", "User", "/meta/created", "2008-01-23T04:56:22+02:00"),
    ("meta-created-microseconds", "User", "/meta/created", "2008-01-23T04:56:22.123456Z"),
    ("meta-created-no-zone", "User", "/meta/created", "2008-01-23T04:56:22"),
    ("meta-created-leap-day", "User", "/meta/created", "2024-02-29T23:59:59Z"),
    ("meta-relative-location", "User", "/meta/location", f"/Users/{USER_ID}"),
    ("user-emails-of-any-type", "User", "/emails/0/type", "corporate"),
    ("group-member-ref-and-type", "Group", "/members/0",
     {"value": USER_ID, "$ref": "../Users/x", "type": "User"}),
    ("group-without-members", "Group", "/members", DROP),
    ("list-unpaged", LIST, "/startIndex", DROP),
    ("error-bare", "Error", "/scimType", DROP),
    ("patch-upper-case-op", "PatchOp", "/Operations/0/op", "Remove"),
    ("schema-without-schemas", "Schema", "/description", "no schemas attribute, as in RFC 7643 §8.7"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "where", "change"), [legal[1:] for legal in LEGAL], ids=[legal[0] for legal in LEGAL]
)
def test_a_legal_variant_gives_no_violation(kind: str, where: str, change: object) -> None:
    assert validate(kind, _changed(VALID[kind], where, change)) == []


def test_an_empty_list_needs_no_resources() -> None:
    """RFC 7644 §3.4.2: Resources is REQUIRED only if totalResults is non-zero."""
    assert validate("ListResponse:Group", {"schemas": [LIST_RESPONSE], "totalResults": 0}) == []


def test_a_minimal_user_is_valid() -> None:
    assert validate("User", {"schemas": [USER_SCHEMA], "id": USER_ID, "userName": "a"}) == []


def test_a_pointer_names_the_key_as_sent() -> None:
    [violation] = validate("User", _changed(VALID["User"], "/active", Rename("ACTIVE")) | {"ACTIVE": "yes"})
    assert (violation.pointer, violation.severity) == ("/ACTIVE", "okta")
    assert violation.message == '/ACTIVE: expected boolean, got string "yes"'


def test_the_number_of_violations_is_capped_most_severe_first() -> None:
    user = {**VALID["User"], "active": "true", "emails": [{"value": n} for n in range(100)]}
    violations = validate("User", user)
    assert len(violations) == MAX_VIOLATIONS
    assert violations[0].pointer == "/active" and violations[0].severity == "okta"
    assert [v.pointer for v in violations[1:4]] == ["/emails/0/value", "/emails/1/value", "/emails/2/value"]
    assert violations[-1].message == f"... and {101 - (MAX_VIOLATIONS - 1)} more violations not shown"
    assert violations[-1].severity == "rfc"


def test_deep_nesting_is_reported_not_raised() -> None:
    attribute: Json = {"name": "leaf"}
    for _ in range(3000):
        attribute = {"name": "a", "subAttributes": [attribute]}
    violations = validate("Schema", {"id": GROUP_SCHEMA, "attributes": [attribute]})
    assert all(isinstance(v, Violation) for v in violations)


# -- kind_for -------------------------------------------------------------------------------------

KIND_FOR: list[tuple[str, str, int, str | None]] = [
    ("GET", "/Users", 200, "ListResponse:User"),
    ("GET", "/Users?startIndex=1&count=2", 200, "ListResponse:User"),
    ("GET", f"{ROOT}/Users?filter=userName%20eq%20%22a%22", 200, "ListResponse:User"),
    ("GET", f"https://zentral.example{ROOT}/Groups?startIndex=1&count=100", 200, "ListResponse:Group"),
    ("POST", "/Users", 201, "User"),
    ("POST", "/Groups", 201, "Group"),
    ("GET", f"/Users/{USER_ID}", 200, "User"),
    ("PUT", f"/Users/{USER_ID}", 200, "User"),
    ("PATCH", f"/Users/{USER_ID}", 200, "User"),
    ("patch", f"/Groups/{GROUP_ID}", 200, "Group"),
    ("GET", f"/Groups/{GROUP_ID}", 200, "Group"),
    ("GET", "/Users/Users", 200, "User"),
    ("PATCH", f"/Users/{USER_ID}", 204, None),
    ("DELETE", f"/Groups/{GROUP_ID}", 204, None),
    ("DELETE", f"/Groups/{GROUP_ID}", 404, "Error"),
    ("POST", "/Users", 409, "Error"),
    ("GET", "/Users", 401, "Error"),
    ("GET", "/anything", 500, "Error"),
    ("GET", "/Users", 304, None),
    ("GET", "/ServiceProviderConfig", 200, "ServiceProviderConfig"),
    ("GET", "/ResourceTypes", 200, "ListResponse:ResourceType"),
    ("GET", "/ResourceTypes/User", 200, "ResourceType"),
    ("GET", "/Schemas", 200, "ListResponse:Schema"),
    ("GET", f"/Schemas/{USER_SCHEMA}", 200, "Schema"),
    ("GET", "/Schemas/urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Acore%3A2.0%3AGroup", 200, "Schema"),
    ("POST", "/Users/.search", 200, "ListResponse:User"),
    ("POST", "/.search", 200, "ListResponse"),
    ("GET", "/Me", 200, "User"),
    ("POST", "/Bulk", 200, None),
    ("GET", "/Users?attributes=userName", 200, "ListResponse"),
    ("GET", f"/Users/{USER_ID}?excludedAttributes=emails", 200, None),
    ("GET", "/", 200, None),
    ("GET", "/Users/a/b", 200, None),
    ("HEAD", "/Users", 200, None),
]


@pytest.mark.parametrize(("method", "path", "status", "kind"), KIND_FOR)
def test_kind_for(method: str, path: str, status: int, kind: str | None) -> None:
    assert kind_for(method, path, status) == kind
    assert kind is None or kind in KINDS


# -- properties -------------------------------------------------------------------------------------

NAMES = st.sampled_from(
    [
        "id", "userName", "schemas", "meta", "created", "created_at", "active", "emails", "value",
        "primary", "members", "displayName", "Resources", "totalResults", "startIndex", "status",
        "Operations", "op", "path", "attributes", "subAttributes", "name", "type", ENTERPRISE_USER_SCHEMA,
    ]
)  # fmt: skip
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from([USER_SCHEMA, "bulkId", "2024-01-01T00:00:00Z"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(NAMES | st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)


def _check_invariants(violations: object) -> None:
    assert isinstance(violations, list) and len(violations) <= MAX_VIOLATIONS
    ranks = [SEVERITIES.index(v.severity) for v in violations]
    assert ranks == sorted(ranks)
    for v in violations:
        assert isinstance(v, Violation)
        assert v.pointer == "" or v.pointer.startswith("/")
        assert v.message.startswith(f"{v.pointer or '(root)'}: ") or v.message.startswith("... and ")


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(sorted(KINDS)), instance=JSON_VALUES)
def test_validate_never_raises_on_any_json(kind: str, instance: object) -> None:
    _check_invariants(validate(kind, instance))


@pytest.mark.slow  # deep fuzzing: seconds; the fast loop keeps this module's other tests
@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(sorted(VALID)), changes=st.dictionaries(NAMES, JSON_VALUES, max_size=4))
def test_validate_never_raises_on_changed_valid_documents(kind: str, changes: Json) -> None:
    _check_invariants(validate(kind, {**VALID[kind], **changes}))


def test_violations_are_frozen_values() -> None:
    [violation] = validate("User", _changed(VALID["User"], "/id", DROP))
    with pytest.raises(AttributeError):
        violation.severity = "rfc"  # type: ignore[misc]
    assert violation == Violation(violation.pointer, violation.message, "okta", violation.schema_path)
