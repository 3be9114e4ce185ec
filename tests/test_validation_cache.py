"""The schemas' fast path (validity remembered by JSON text, list pages split) never changes a verdict.

``schemas.validate`` answers ``[]`` at once for a document known valid, and judges a
list page by its envelope and each resource; anything else takes the full graded
validation. These tests compare it with the full validation alone, warm and cold.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_schemas import JSON_VALUES, NAMES, VALID

from scim_conformance.schemas import Violation, forget_known_valid, validate
from scim_conformance.schemas import validation as schema_validation
from scim_conformance.spec import Json

LIST_KINDS = sorted(kind for kind in VALID if kind.startswith("ListResponse:"))


@contextmanager
def full_validation_only() -> Iterator[None]:
    with mock.patch.object(schema_validation, "_known_valid", lambda kind, checked: False):
        yield


def full(kind: str, instance: object) -> list[Violation]:
    with full_validation_only():
        return validate(kind, instance)


def test_valid_documents_are_valid_cold_and_warm() -> None:
    forget_known_valid()
    for kind, document in VALID.items():
        assert validate(kind, document) == [] == full(kind, document), kind
        assert validate(kind, document) == [], kind  # now from the cache


@pytest.mark.slow  # deep fuzzing: seconds; the fast loop keeps this module's other tests
@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(sorted(VALID)), changes=st.dictionaries(NAMES, JSON_VALUES, max_size=4))
def test_changed_documents_get_the_full_verdict(kind: str, changes: Json) -> None:
    document = {**VALID[kind], **changes}
    expected = full(kind, document)
    assert validate(kind, document) == expected  # cold, or warm from an earlier example
    assert validate(kind, document) == expected  # warm


@pytest.mark.slow  # deep fuzzing: seconds; the fast loop keeps this module's other tests
@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(LIST_KINDS),
    broken=st.integers(min_value=0, max_value=3),
    changes=st.dictionaries(NAMES, JSON_VALUES, min_size=1, max_size=3),
    envelope=st.dictionaries(NAMES, JSON_VALUES, max_size=2),
)
def test_a_page_is_judged_whole_even_when_its_resources_are_known(
    kind: str, broken: int, changes: Json, envelope: Json
) -> None:
    """A page of resources each already known valid, bar one changed, gets the full verdict."""
    item_kind = kind.removeprefix("ListResponse:")
    item = VALID[kind]["Resources"][0]
    validate(item_kind, item)  # known valid from now on
    resources = [copy.deepcopy(item) for _ in range(4)]
    resources[broken] = {**item, **changes}
    page = {**VALID[kind], "totalResults": 4, "itemsPerPage": 4, "Resources": resources, **envelope}
    assert validate(kind, page) == full(kind, page)


def test_a_broken_resource_in_a_page_is_reported_at_its_place() -> None:
    user = VALID["User"]
    validate("User", user)
    page = {**VALID["ListResponse:User"], "totalResults": 3, "itemsPerPage": 3}
    page["Resources"] = [user, {**user, "active": "true"}, user]
    violations = validate("ListResponse:User", page)
    assert [v.pointer for v in violations] == ["/Resources/1/active"]
    assert violations == full("ListResponse:User", page)


def test_a_broken_envelope_with_known_resources_is_reported() -> None:
    page = {**VALID["ListResponse:User"], "totalResults": "1"}
    validate("User", VALID["User"])
    violations = validate("ListResponse:User", page)
    assert [v.pointer for v in violations] == ["/totalResults"]
    assert violations == full("ListResponse:User", page)


def test_case_variants_and_nulls_get_the_full_verdict() -> None:
    """Keys read case-insensitively and null members (RFC 7643 §2.1, §2.5) are judged as before."""
    user = {**VALID["User"], "USERNAME": VALID["User"]["userName"], "nickName": None}
    del user["userName"]
    page = {**VALID["ListResponse:User"], "Resources": [user, VALID["User"]]}
    lower = {**{k: v for k, v in page.items() if k != "Resources"}, "resources": page["Resources"]}
    for kind, document in (("User", user), ("ListResponse:User", page), ("ListResponse:User", lower)):
        expected = full(kind, document)
        assert validate(kind, document) == expected
        assert validate(kind, document) == expected


# -- a page judged in part: the resources chosen, pointers as sent ---------------------------


@pytest.mark.parametrize("positions", [[], [0], [1, 3], [0, 1, 2, 3]])
def test_a_page_judged_in_part_reports_what_the_whole_page_does_at_those_places(positions: list[int]) -> None:
    """The envelope is always judged; of the resources, only those at ``positions``, named as sent."""
    user = VALID["User"]
    resources = [{**user, "active": "true"}, user, {**user, "id": 7}, {**user, "timezone": 5}]
    page = {**VALID["ListResponse:User"], "totalResults": "4", "itemsPerPage": 4, "Resources": resources}
    whole = full("ListResponse:User", page)
    chosen = {"/totalResults", *(f"/Resources/{i}" for i in positions)}
    expected = [v for v in whole if "/".join(v.pointer.split("/")[:3]) in chosen]
    assert validate("ListResponse:User", page, resources=positions) == expected
    assert validate("ListResponse:User", page, resources=positions) == expected  # warm
    with full_validation_only():
        assert validate("ListResponse:User", page, resources=positions) == expected


def test_positions_do_not_apply_to_anything_but_a_list_of_resources() -> None:
    user = {**VALID["User"], "active": "true"}
    assert validate("User", user, resources=[]) == full("User", user)
    page = {**VALID["ListResponse:User"], "Resources": {"not": "a list"}}
    assert validate("ListResponse:User", page, resources=[]) == full("ListResponse:User", page)
