"""Discovery endpoints (RFC 7644 §4, RFC 7643 §5–7): present, truthful, and read-only."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from test_app import BASE_URL, SCIM_JSON, Scim, assert_error, assert_list, patch_body, root, serving

from scim_conformance.spec import (
    ENTERPRISE_USER_SCHEMA,
    GROUP_SCHEMA,
    RESOURCE_TYPE_SCHEMA,
    SCHEMA_SCHEMA,
    SERVICE_PROVIDER_CONFIG_SCHEMA,
    USER_SCHEMA,
    Json,
)


@pytest.fixture
def scim() -> Iterator[Scim]:
    with serving() as client:
        yield client


def attribute(schema: Json, name: str) -> Json:
    matches = [a for a in schema["attributes"] if a["name"] == name]
    assert len(matches) == 1, name
    found: Json = matches[0]
    return found


def test_service_provider_config_is_truthful(scim: Scim) -> None:
    """What /ServiceProviderConfig advertises is what the server does (CONTRACT §4)."""
    response = scim.get("/ServiceProviderConfig")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(SCIM_JSON)
    config = response.json()
    assert config["schemas"] == [SERVICE_PROVIDER_CONFIG_SCHEMA]
    assert config["meta"]["resourceType"] == "ServiceProviderConfig"
    assert config["meta"]["location"] == f"{BASE_URL}{root()}/ServiceProviderConfig"
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"

    # patch.supported: true, and PATCH works.
    assert config["patch"]["supported"] is True
    uid = scim.create_user("spc@x.io")["id"]
    response = scim.patch(f"/Users/{uid}", patch_body({"op": "replace", "value": {"active": False}}))
    assert response.status_code == 200 and response.json()["active"] is False

    # filter.supported: true, and filters work.
    assert config["filter"]["supported"] is True
    assert isinstance(config["filter"]["maxResults"], int)
    assert scim.ids("Users", "filter=" + quote('userName eq "spc@x.io"')) == [uid]

    # bulk: false, and /Bulk answers 501.
    assert config["bulk"]["supported"] is False
    assert_error(scim.post("/Bulk", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]}), 501)

    # sort: false and etag: false; so no ETag header is sent and sortBy changes nothing.
    assert config["sort"]["supported"] is False
    assert config["etag"]["supported"] is False
    assert "etag" not in scim.get(f"/Users/{uid}").headers
    assert config["changePassword"]["supported"] is False


def test_password_is_not_changed_through_put(scim: Scim) -> None:
    """changePassword is false: a password in a PUT is accepted and ignored, never stored or returned."""
    uid = scim.create_user("pw@x.io", password="first")["id"]
    response = scim.put(f"/Users/{uid}", {"schemas": [USER_SCHEMA], "userName": "pw@x.io", "password": "x"})
    assert response.status_code == 200
    assert "password" not in response.json()
    assert "password" not in scim.get(f"/Users/{uid}").text


def test_resource_types(scim: Scim) -> None:
    """/ResourceTypes is a ListResponse of User (with the enterprise extension) and Group."""
    body = assert_list(scim.get("/ResourceTypes"))
    assert body["totalResults"] == 2
    by_name = {rt["name"]: rt for rt in body["Resources"]}
    assert set(by_name) == {"User", "Group"}
    user = by_name["User"]
    assert user["schemas"] == [RESOURCE_TYPE_SCHEMA]
    assert user["endpoint"] == "/Users"
    assert user["schema"] == USER_SCHEMA
    assert user["schemaExtensions"] == [{"schema": ENTERPRISE_USER_SCHEMA, "required": False}]
    assert user["meta"] == {
        "resourceType": "ResourceType",
        "location": f"{BASE_URL}{root()}/ResourceTypes/User",
    }
    assert by_name["Group"]["schema"] == GROUP_SCHEMA
    assert by_name["Group"]["endpoint"] == "/Groups"
    for name, rt in by_name.items():
        response = scim.get(f"/ResourceTypes/{name}")
        assert response.status_code == 200
        assert response.json() == rt


def test_schemas(scim: Scim) -> None:
    """/Schemas is a ListResponse of the RFC 7643 definitions the server enforces."""
    body = assert_list(scim.get("/Schemas"))
    by_id = {s["id"]: s for s in body["Resources"]}
    assert set(by_id) == {USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA}
    assert body["totalResults"] == 3
    user = by_id[USER_SCHEMA]
    assert user["schemas"] == [SCHEMA_SCHEMA]
    assert user["name"] == "User"
    assert user["meta"] == {"resourceType": "Schema", "location": f"{BASE_URL}{root()}/Schemas/{USER_SCHEMA}"}
    user_name = attribute(user, "userName")
    assert user_name["required"] is True
    assert user_name["caseExact"] is False
    assert user_name["uniqueness"] == "server"
    assert attribute(user, "password")["returned"] == "never"
    assert attribute(user, "groups")["mutability"] == "readOnly"
    assert {s["name"] for s in attribute(user, "emails")["subAttributes"]} >= {"value", "type", "primary"}
    group = by_id[GROUP_SCHEMA]
    assert attribute(group, "displayName")["required"] is True
    assert {s["name"] for s in attribute(group, "members")["subAttributes"]} >= {"value", "display", "type"}
    enterprise = by_id[ENTERPRISE_USER_SCHEMA]
    assert {a["name"] for a in enterprise["attributes"]} >= {"employeeNumber", "department", "manager"}
    for urn, schema in by_id.items():
        response = scim.get(f"/Schemas/{urn}")
        assert response.status_code == 200
        assert response.json() == schema


def test_advertised_user_name_rules_are_enforced(scim: Scim) -> None:
    """userName is required and caseExact false, as /Schemas says: missing is 400, case variants clash."""
    assert_error(scim.post("/Users", {"schemas": [USER_SCHEMA]}), 400, "invalidValue")
    scim.create_user("Case@x.io")
    assert_error(scim.post("/Users", {"schemas": [USER_SCHEMA], "userName": "case@X.IO"}), 409, "uniqueness")


@pytest.mark.parametrize(
    "path",
    [
        "/ResourceTypes/Nope",
        "/ResourceTypes/user",
        "/Schemas/urn:nope",
        "/Schemas/User",
        f"/Schemas/{USER_SCHEMA}x",
    ],
)
def test_unknown_discovery_resources_are_404(scim: Scim, path: str) -> None:
    assert_error(scim.get(path), 404)


@pytest.mark.parametrize("path", ["/ServiceProviderConfig", "/ResourceTypes", "/Schemas"])
def test_filter_on_discovery_is_403(scim: Scim, path: str) -> None:
    """RFC 7644 §4: a filter on a discovery endpoint gets 403, so no client believes it was applied."""
    assert_error(scim.get(f"{path}?filter=" + quote('name eq "User"')), 403)


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
def test_me_is_501(scim: Scim, method: str) -> None:
    """RFC 7644 §3.11: /Me is not supported, said with 501."""
    assert_error(scim.request(method, "/Me"), 501)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_bulk_is_501(scim: Scim, method: str) -> None:
    assert_error(scim.request(method, "/Bulk"), 501)


def test_discovery_needs_a_token(scim: Scim) -> None:
    del scim.http.headers["Authorization"]
    for path in ("/ServiceProviderConfig", "/ResourceTypes", "/Schemas", "/Me", "/Bulk"):
        assert_error(scim.get(path), 401)
