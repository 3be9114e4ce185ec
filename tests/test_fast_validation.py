"""schemas.fast: jsonschema-rs's "valid" is taken only where jsonschema agrees."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scim_conformance.schemas import validate
from scim_conformance.schemas.fast import surely_valid
from scim_conformance.schemas.keywords import validator_for
from scim_conformance.schemas.validation import _normalised

USER = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "id": "2819c223",
    "externalId": "00u1",
    "userName": "ann@example.com",
    "name": {"givenName": "Ann", "familyName": "Smith", "formatted": "Ann Smith"},
    "displayName": "Ann Smith",
    "locale": "en-US",
    "active": True,
    "emails": [{"value": "ann@example.com", "type": "work", "primary": True}],
    "groups": [{"value": "g1", "display": "Staff", "$ref": "https://x.test/Groups/g1"}],
    "meta": {
        "resourceType": "User",
        "created": "2026-01-01T00:00:00Z",
        "lastModified": "2026-01-01T10:00:00.123+01:00",
        "location": "https://x.test/Users/2819c223",
        "version": 'W/"1"',
    },
}
GROUP = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    "id": "g1",
    "displayName": "Staff",
    "members": [{"value": "2819c223", "display": "ann@example.com", "$ref": "https://x.test/Users/2819c223"}],
    "meta": {
        "resourceType": "Group",
        "created": "2026-01-01T00:00:00Z",
        "location": "https://x.test/Groups/g1",
    },
}


def _page(resources: list[Any]) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": len(resources),
        "startIndex": 1,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


SEEDS: list[tuple[str, Any]] = [
    ("User", USER),
    ("Group", GROUP),
    ("ListResponse:User", _page([USER, USER])),
    ("ListResponse:Group", _page([GROUP])),
    (
        "Error",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "status": "409",
            "scimType": "uniqueness",
        },
    ),
    (
        "PatchOp",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {"op": "replace", "value": {"active": False}},
                {"op": "remove", "path": 'members[value eq "2819c223"]'},
                {"op": "add", "path": "members", "value": [{"value": "2819c223"}]},
            ],
        },
    ),
]


@pytest.mark.parametrize(("kind", "document"), SEEDS, ids=[kind for kind, _ in SEEDS])
def test_a_valid_document_takes_the_fast_path(kind: str, document: Any) -> None:
    assert validator_for(kind).is_valid(_normalised(document, {}))
    assert surely_valid(kind, _normalised(document, {}))


def test_a_float_where_an_integer_belongs_is_judged_by_jsonschema() -> None:
    # jsonschema-rs, as JSON Schema, takes 2.0 for an integer; RFC 7643 §2.3.4 does not.
    page = {**_page([USER, USER]), "totalResults": 2.0}
    assert not surely_valid("ListResponse:User", _normalised(page, {}))
    assert [v.pointer for v in validate("ListResponse:User", page)] == ["/totalResults"]


def test_a_date_time_is_checked_as_xsd_datetime_on_both_paths() -> None:
    user = copy.deepcopy(USER)
    user["meta"]["created"] = "2026-02-30T00:00:00Z"  # no such day
    assert not surely_valid("User", _normalised(user, {}))
    assert [v.pointer for v in validate("User", user)] == ["/meta/created"]


_LEAVES = st.none() | st.booleans() | st.integers(-3, 600) | st.floats(allow_nan=False) | st.text(max_size=6)
_SPECIAL = st.sampled_from(
    ["409", "urn:ietf:params:scim:schemas:core:2.0:User", "URN:IETF:PARAMS:SCIM:API:MESSAGES:2.0:ERROR",
     "Remove", "2026-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "User", "work", "\u212a", 1.0, 0.0, -1.0]
)  # fmt: skip
_KEYS = st.sampled_from(
    ["value", "display", "op", "path", "schemas", "id", "meta", "Resources", "userName", "members",
     "$ref", "status", "created", "totalResults", "startIndex", "active"]
) | st.text(max_size=4)  # fmt: skip
_VALUES = st.recursive(
    _LEAVES | _SPECIAL,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        yield from _paths(child, (*prefix, key))


@given(seed=st.sampled_from(SEEDS), data=st.data())
def test_fast_valid_is_jsonschema_valid_for_mutated_documents(
    seed: tuple[str, Any], data: st.DataObject
) -> None:
    kind, document = seed[0], copy.deepcopy(seed[1])
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(list(_paths(document))[1:]))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        action = data.draw(st.sampled_from(["set", "delete", "add"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "set" or not isinstance(parent, dict):
            parent[path[-1]] = data.draw(_VALUES)
        else:
            parent[data.draw(_KEYS)] = data.draw(_VALUES)
    checked = _normalised(document, {})
    if surely_valid(kind, checked):
        assert validator_for(kind).is_valid(checked)
