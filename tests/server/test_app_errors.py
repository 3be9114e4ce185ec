"""Bad input never gets a 5xx: every refusal is a SCIM Error with the right status and scimType.

Also here: unknown ids of any shape, malformed PATCH requests, a hypothesis property over
arbitrary JSON bodies, and uniqueness under concurrent creates (CONTRACT §4).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from test_app import Scim, assert_error, group_body, okta_create_body, patch_body, serving, user_body

from scim_conformance.spec import ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, Json

MAX_BODY = 1024 * 1024


@pytest.fixture
def scim() -> Iterator[Scim]:
    with serving() as client:
        yield client


@pytest.fixture
def targets(scim: Scim) -> dict[str, str]:
    """An existing user and group, for PUT and PATCH."""
    return {"Users": scim.create_user("target@x.io")["id"], "Groups": scim.create_group("Target")["id"]}


def raw(
    scim: Scim, method: str, path: str, content: bytes, content_type: str = "application/scim+json"
) -> httpx.Response:
    return scim.request(method, path, content, headers={"Content-Type": content_type})


# -- bodies that are not JSON objects ------------------------------------------------------------

NOT_JSON = [
    pytest.param(b'{"userName":', id="truncated"),
    pytest.param(b"{'userName': 'single quotes'}", id="single-quotes"),
    pytest.param(b'{"userName": "a",}', id="trailing-comma"),
    pytest.param(b"<User/>", id="xml"),
    pytest.param(b'{"userName": "a"} {"x": 1}', id="two-documents"),
    pytest.param(b'{"schemas":["' + USER_SCHEMA.encode() + b'"],"userName":"x","active":NaN}', id="NaN"),
    pytest.param(
        b'{"schemas":["' + USER_SCHEMA.encode() + b'"],"userName":"x","active":Infinity}', id="Infinity"
    ),
    pytest.param(b'{"schemas":["' + USER_SCHEMA.encode() + b'"],"userName":-Infinity}', id="-Infinity"),
    pytest.param(b'{"schemas":["' + USER_SCHEMA.encode() + b'"],"userName":"\xff\xfe"}', id="invalid-utf8"),
    pytest.param(b'{"userName":"\xed\xa0\x80"}', id="utf8-surrogate"),
    pytest.param(b"\xef\xbb\xbf{}", id="utf8-bom"),
    pytest.param('{"userName":"ü"}'.encode("utf-16"), id="utf16"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, id="nested-arrays-100k"),
    pytest.param(b'{"a":' * 100_000 + b"1" + b"}" * 100_000, id="nested-objects-100k"),
    pytest.param(b'{"userName": ' + b"9" * 5000 + b"}", id="integer-5000-digits"),
    pytest.param(b"", id="empty"),
    pytest.param(b"   \n", id="whitespace"),
]


@pytest.mark.parametrize("content", NOT_JSON)
@pytest.mark.parametrize(
    ("method", "kind"), [("POST", "Users"), ("POST", "Groups"), ("PUT", "Users"), ("PATCH", "Groups")]
)
def test_malformed_json_is_400_invalid_syntax(
    scim: Scim, targets: dict[str, str], content: bytes, method: str, kind: str
) -> None:
    path = f"/{kind}" if method == "POST" else f"/{kind}/{targets[kind]}"
    assert_error(raw(scim, method, path, content), 400, "invalidSyntax")


@pytest.mark.parametrize(
    "content", [b"[]", b'[{"userName": "a"}]', b'"a string"', b"42", b"null", b"true", b"1.5"]
)
@pytest.mark.parametrize(
    ("method", "kind"), [("POST", "Users"), ("PUT", "Users"), ("PATCH", "Users"), ("POST", "Groups")]
)
def test_json_that_is_not_an_object_is_400_invalid_syntax(
    scim: Scim, targets: dict[str, str], content: bytes, method: str, kind: str
) -> None:
    path = f"/{kind}" if method == "POST" else f"/{kind}/{targets[kind]}"
    assert_error(raw(scim, method, path, content), 400, "invalidSyntax")


# -- resources that are not valid ----------------------------------------------------------------


def okta_with(**changes: object) -> Json:
    body = okta_create_body()
    body.update(changes)
    return body


def okta_without(key: str) -> Json:
    body = okta_create_body()
    del body[key]
    return body


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        pytest.param(okta_with(active="yes"), "invalidValue", id="active-string"),
        pytest.param(okta_with(active="true"), "invalidValue", id="active-string-true"),
        pytest.param(okta_with(active=1), "invalidValue", id="active-int"),
        pytest.param(okta_with(userName=42), "invalidValue", id="userName-int"),
        pytest.param(okta_with(userName=["a"]), "invalidValue", id="userName-list"),
        pytest.param(okta_with(userName=""), "invalidValue", id="userName-empty"),
        pytest.param(okta_with(userName="   "), "invalidValue", id="userName-blank"),
        pytest.param(okta_with(userName=None), "invalidValue", id="userName-null"),
        pytest.param(okta_with(userName=10**4000), "invalidValue", id="userName-huge-int"),
        pytest.param(okta_with(userName=1e308 * 10), "invalidSyntax", id="userName-overflow-float"),
        pytest.param(okta_with(emails={"value": "a@b.c"}), "invalidValue", id="emails-object"),
        pytest.param(okta_with(emails="a@b.c"), "invalidValue", id="emails-string"),
        pytest.param(okta_with(emails=["a@b.c"]), "invalidValue", id="emails-list-of-strings"),
        pytest.param(okta_with(emails=[None]), "invalidValue", id="emails-null-element"),
        pytest.param(
            okta_with(emails=[{"value": "a@b.c", "primary": True}, {"value": "d@e.f", "primary": True}]),
            "invalidValue",
            id="two-primary-emails",
        ),
        pytest.param(
            okta_with(emails=[{"value": "a@b.c", "primary": "true"}]), "invalidValue", id="primary-string"
        ),
        pytest.param(okta_with(name="Test User"), "invalidValue", id="name-string"),
        pytest.param(okta_with(name=["Test"]), "invalidValue", id="name-list"),
        pytest.param(okta_with(name={"givenName": 7}), "invalidValue", id="givenName-int"),
        pytest.param(okta_with(displayName={"x": 1}), "invalidValue", id="displayName-object"),
        pytest.param(okta_with(externalId=12), "invalidValue", id="externalId-int"),
        pytest.param(okta_with(USERNAME="dup"), "invalidValue", id="userName-twice-by-case"),
        pytest.param(okta_with(**{ENTERPRISE_USER_SCHEMA: "x"}), "invalidValue", id="extension-not-object"),
        pytest.param(okta_without("userName"), "invalidValue", id="missing-userName"),
        pytest.param(okta_without("schemas"), "invalidSyntax", id="missing-schemas"),
        pytest.param(okta_with(schemas=[]), "invalidSyntax", id="empty-schemas"),
        pytest.param(okta_with(schemas=USER_SCHEMA), "invalidSyntax", id="schemas-string"),
        pytest.param(okta_with(schemas=[GROUP_SCHEMA]), "invalidSyntax", id="group-schema"),
        pytest.param(okta_with(schemas=[1]), "invalidSyntax", id="schemas-int"),
        pytest.param(okta_with(schemas=[ENTERPRISE_USER_SCHEMA]), "invalidSyntax", id="extension-only"),
    ],
)
def test_invalid_user_is_400(scim: Scim, targets: dict[str, str], body: Json, scim_type: str) -> None:
    """Wrong types, missing or incorrect required parts: 400 on POST and PUT; nothing stored."""
    content = json.dumps(body).encode()
    assert_error(raw(scim, "POST", "/Users", content), 400, scim_type)
    before = scim.fetch("Users", targets["Users"])
    assert_error(raw(scim, "PUT", f"/Users/{targets['Users']}", content), 400, scim_type)
    assert scim.fetch("Users", targets["Users"]) == before
    assert scim.search("Users", "count=10")["totalResults"] == 1


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        pytest.param({"schemas": [GROUP_SCHEMA]}, "invalidValue", id="missing-displayName"),
        pytest.param({"schemas": [GROUP_SCHEMA], "displayName": 5}, "invalidValue", id="displayName-int"),
        pytest.param({"displayName": "G"}, "invalidSyntax", id="missing-schemas"),
        pytest.param({"schemas": [USER_SCHEMA], "displayName": "G"}, "invalidSyntax", id="user-schema"),
        pytest.param(group_body("G", members=[]) | {"members": "x"}, "invalidValue", id="members-string"),
    ],
)
def test_invalid_group_is_400(scim: Scim, body: Json, scim_type: str) -> None:
    assert_error(scim.post("/Groups", body), 400, scim_type)


def test_unknown_attributes_and_schemas_are_ignored(scim: Scim) -> None:
    """Okta's custom attributes and extension URNs are accepted and ignored, not rejected (CONTRACT §4)."""
    body = okta_with(
        schemas=[USER_SCHEMA, "urn:okta:custom:user:1.0"],
        favouriteColour="green",
        **{"urn:okta:custom:user:1.0": {"costCenter": "1"}},
    )
    user = scim.post("/Users", body).json()
    assert "favouriteColour" not in user
    assert "urn:okta:custom:user:1.0" not in user
    assert user["schemas"] == [USER_SCHEMA]


# -- media types and size ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/scim+json",
        "application/scim+json; charset=utf-8",
        "application/json",
        "Application/JSON; charset=UTF-8",
    ],
)
def test_json_media_types_are_accepted(scim: Scim, content_type: str) -> None:
    response = raw(scim, "POST", "/Users", json.dumps(okta_create_body()).encode(), content_type)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/json",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ],
)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_unsupported_content_type_is_415(
    scim: Scim, targets: dict[str, str], content_type: str, method: str
) -> None:
    path = "/Users" if method == "POST" else f"/Users/{targets['Users']}"
    body = (
        patch_body({"op": "replace", "value": {"active": False}}) if method == "PATCH" else okta_create_body()
    )
    assert_error(raw(scim, method, path, json.dumps(body).encode(), content_type), 415)
    assert scim.fetch("Users", targets["Users"]).get("active") is None


def test_body_over_1_mb_is_413(scim: Scim, targets: dict[str, str]) -> None:
    """A body past 1 MB is refused with 413, with a Content-Length or streamed without one."""
    big = json.dumps(okta_with(displayName="x" * MAX_BODY)).encode()
    assert_error(raw(scim, "POST", "/Users", big), 413)
    assert_error(raw(scim, "PUT", f"/Users/{targets['Users']}", big), 413)
    assert_error(raw(scim, "POST", "/Groups", big), 413)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(big), 65536):
            yield big[start : start + 65536]

    streamed = scim.http.post(
        scim.url("/Users"), content=chunks(), headers={"Content-Type": "application/scim+json"}
    )
    assert "content-length" not in streamed.request.headers
    assert_error(streamed, 413)
    # Just under the limit is fine.
    fits = json.dumps(okta_with(displayName="x" * (MAX_BODY - 1000), userName="fits@x.io")).encode()
    assert raw(scim, "POST", "/Users", fits).status_code == 201


def test_deep_but_parsable_values_are_refused_or_ignored(scim: Scim, targets: dict[str, str]) -> None:
    """Deep nesting inside known attributes or PATCH values is a 400, never a RecursionError 500."""
    deep = json.loads("[" * 500 + "]" * 500)
    deep_object: object = {}
    for _ in range(500):
        deep_object = {"a": deep_object}
    for body in (okta_with(emails=deep), okta_with(name=deep_object), okta_with(extra=deep_object)):
        assert scim.post("/Users", body).status_code in (201, 400, 409)
    for value in (deep, deep_object):
        for operation in (
            {"op": "add", "path": "emails", "value": value},
            {"op": "replace", "value": {"name": value}},
        ):
            response = scim.patch(f"/Users/{targets['Users']}", patch_body(operation))
            assert response.status_code in (200, 400), response.text
            if response.status_code == 400:
                assert_error(response, 400)


# -- ids of any shape -----------------------------------------------------------------------------

ODD_IDS = [
    pytest.param("9b0e6e2a-7a43-4b1f-9c66-2a1d1e3f4b5c", id="uuid"),
    pytest.param("9B0E6E2A-7A43-4B1F-9C66-2A1D1E3F4B5C", id="uuid-upper"),
    pytest.param("010101001010101011001010101011", id="runscope-1"),
    pytest.param("00919288221112222", id="runscope-2"),
    pytest.param("0", id="zero"),
    pytest.param("-1", id="negative"),
    pytest.param("null", id="null"),
    pytest.param("a%20b", id="space"),
    pytest.param("%20", id="only-space"),
    pytest.param(quote("ünïcødé-山田-😀"), id="unicode"),
    pytest.param("a%2Fb", id="encoded-slash"),
    pytest.param("%00", id="nul"),
    pytest.param(quote("'; DROP TABLE users; --"), id="sql"),
    pytest.param(quote('" or "1"="1'), id="quotes"),
    pytest.param("x" * 2000, id="2000-chars"),
    pytest.param("%ZZ", id="bad-percent"),
]


@pytest.mark.parametrize("rid", ODD_IDS)
@pytest.mark.parametrize("kind", ["Users", "Groups"])
def test_unknown_ids_are_404(scim: Scim, targets: dict[str, str], kind: str, rid: str) -> None:
    """Any unknown id, UUID-shaped or not, is a 404 SCIM Error on GET, PUT and PATCH (okta-requests.md §5)."""
    body = user_body("target@x.io") if kind == "Users" else group_body("Target")
    assert_error(scim.get(f"/{kind}/{rid}"), 404)
    assert_error(scim.put(f"/{kind}/{rid}", body), 404)
    assert_error(
        scim.patch(f"/{kind}/{rid}", patch_body({"op": "replace", "value": {"displayName": "x"}})), 404
    )
    if kind == "Groups":
        assert_error(scim.delete(f"/{kind}/{rid}"), 404)
    # Nothing was created under that id or any other.
    assert scim.search(kind, "count=10")["totalResults"] == 1


def test_ids_do_not_cross_resource_types(scim: Scim, targets: dict[str, str]) -> None:
    """A group id under /Users (and a user id under /Groups) is unknown."""
    assert_error(scim.get(f"/Users/{targets['Groups']}"), 404)
    assert_error(scim.get(f"/Groups/{targets['Users']}"), 404)
    assert_error(scim.delete(f"/Groups/{targets['Users']}"), 404)
    assert scim.fetch("Users", targets["Users"])["userName"] == "target@x.io"


def test_ids_are_case_sensitive(scim: Scim, targets: dict[str, str]) -> None:
    """id is caseExact (RFC 7643 §3.1): an upper-cased id is another, unknown, id."""
    assert_error(scim.get(f"/Users/{targets['Users'].upper()}"), 404)


# -- malformed PATCH requests ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        pytest.param({}, "invalidSyntax", id="empty-object"),
        pytest.param({"schemas": [PATCH_OP]}, "invalidSyntax", id="no-Operations"),
        pytest.param({"schemas": [PATCH_OP], "Operations": []}, "invalidSyntax", id="empty-Operations"),
        pytest.param(
            {"schemas": [PATCH_OP], "Operations": {"op": "add"}}, "invalidSyntax", id="Operations-object"
        ),
        pytest.param({"schemas": [PATCH_OP], "Operations": ["add"]}, "invalidSyntax", id="operation-string"),
        pytest.param(
            {"Operations": [{"op": "add", "path": "title", "value": "x"}]}, "invalidSyntax", id="no-schemas"
        ),
        pytest.param(
            {"schemas": [USER_SCHEMA], "Operations": [{"op": "add", "path": "title", "value": "x"}]},
            "invalidSyntax",
            id="wrong-schemas",
        ),
        pytest.param(
            patch_body({"op": "move", "path": "title", "value": "x"}), "invalidSyntax", id="op-move"
        ),
        pytest.param(patch_body({"op": "", "path": "title", "value": "x"}), "invalidSyntax", id="op-empty"),
        pytest.param(patch_body({"path": "title", "value": "x"}), "invalidSyntax", id="op-missing"),
        pytest.param(patch_body({"op": 1, "path": "title", "value": "x"}), "invalidSyntax", id="op-int"),
        pytest.param(patch_body({"op": "add", "path": 5, "value": "x"}), "invalidSyntax", id="path-int"),
        pytest.param(patch_body({"op": "remove"}), "noTarget", id="remove-without-path"),
        pytest.param(
            patch_body({"op": "remove", "value": {"title": "x"}}), "noTarget", id="remove-value-only"
        ),
        pytest.param(patch_body({"op": "add", "path": "title"}), "invalidValue", id="add-without-value"),
        pytest.param(patch_body({"op": "replace", "value": "x"}), "invalidValue", id="pathless-string-value"),
        pytest.param(patch_body({"op": "replace", "value": ["x"]}), "invalidValue", id="pathless-list-value"),
        pytest.param(
            patch_body({"op": "replace", "path": "nosuch", "value": "x"}), "invalidPath", id="unknown-attr"
        ),
        pytest.param(
            patch_body({"op": "replace", "path": "name.nosuch", "value": "x"}),
            "invalidPath",
            id="unknown-sub",
        ),
        pytest.param(patch_body({"op": "replace", "path": "", "value": "x"}), "invalidPath", id="path-empty"),
        pytest.param(
            patch_body({"op": "replace", "path": "name..givenName", "value": "x"}),
            "invalidPath",
            id="double-dot",
        ),
        pytest.param(
            patch_body({"op": "replace", "path": "name.", "value": "x"}), "invalidPath", id="trailing-dot"
        ),
        pytest.param(
            patch_body({"op": "replace", "path": 'emails[type eq "work"]]', "value": "x"}),
            "invalidPath",
            id="extra-bracket",
        ),
        pytest.param(
            patch_body({"op": "replace", "path": 'emails[type eq "work"].value.x', "value": "x"}),
            "invalidPath",
            id="sub-of-sub",
        ),
        pytest.param(
            patch_body({"op": "replace", "path": 'userName[value eq "x"]', "value": "x"}),
            "invalidPath",
            id="filter-on-simple",
        ),
        pytest.param(
            patch_body({"op": "replace", "path": "urn:nope:x:title", "value": "x"}),
            "invalidPath",
            id="unknown-urn",
        ),
        pytest.param(
            patch_body({"op": "replace", "path": "title eq", "value": "x"}), "invalidPath", id="spaces"
        ),
        pytest.param(patch_body({"op": "replace", "path": "id", "value": "new"}), "mutability", id="id"),
        pytest.param(
            patch_body({"op": "replace", "path": "meta.created", "value": "2000-01-01T00:00:00Z"}),
            "mutability",
            id="meta",
        ),
        pytest.param(
            patch_body({"op": "add", "path": "groups", "value": [{"value": "x"}]}),
            "mutability",
            id="groups-readonly",
        ),
    ],
)
def test_malformed_patch_is_400(scim: Scim, targets: dict[str, str], body: Json, scim_type: str) -> None:
    before = scim.fetch("Users", targets["Users"])
    assert_error(scim.patch(f"/Users/{targets['Users']}", body), 400, scim_type)
    assert scim.fetch("Users", targets["Users"]) == before


@pytest.mark.parametrize(
    "path",
    [
        'emails[type xx "work"].value',
        'emails[nosuch eq "work"]',
        "emails[type eq work]",
        'emails[type eq "a" and]',
        'emails[type eq "work"',
        "emails[]",
        'emails[type eq "work"] .value',
    ],
)
def test_patch_bad_value_filter_is_400(scim: Scim, targets: dict[str, str], path: str) -> None:
    """A malformed value filter in a path is refused.

    The server answers invalidFilter for a problem inside the brackets: RFC 7644 §3.12 lists
    "PATCH (Path Filter)" among the uses of invalidFilter, so either type is conformant.
    """
    body = assert_error(
        scim.patch(f"/Users/{targets['Users']}", patch_body({"op": "replace", "path": path, "value": "x"})),
        400,
    )
    assert body.get("scimType") in ("invalidPath", "invalidFilter")
