"""The Okta catalogue (``fixtures/okta/``), its loader and its replay.

- the shipped catalogue loads, validates, and carries Okta's bodies and encodings;
- placeholders render as Okta sends them (``%20`` vs ``+``, captures, ``$from``/``$set``);
- a malformed catalogue is a :class:`HarnessError` naming the file and the JSON path.

Its sensitivity to planted faults is ``tests/slow/test_catalogue_faults.py``.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from scim_conformance import catalogue
from scim_conformance.catalogue import (
    Scope,
    apply_set,
    generate_values,
    load_catalogue,
    load_sequence,
    render,
)
from scim_conformance.errors import HarnessError
from scim_conformance.okta.bodies import SAMPLE_CREATE_USER
from scim_conformance.resources import fixtures_dir
from scim_conformance.spec import GROUP_SCHEMA, PATCH_OP

OKTA = fixtures_dir() / "okta"


def sequence(name: str) -> catalogue.Sequence:
    return next(s for s in load_catalogue() if s.id == name)


def step(seq: str, step_id: str) -> catalogue.Step:
    return next(s for s in sequence(seq).steps if s.id == step_id)


# -- the shipped catalogue -----------------------------------------------------


def test_the_catalogue_loads_four_sequences_for_both_profiles() -> None:
    sequences = load_catalogue()
    assert [s.id for s in sequences] == ["connection", "group-push", "imports", "user-lifecycle"]
    for seq in sequences:
        assert seq.profiles == ("aiw", "oin")
        for profile in seq.profiles:
            assert seq.steps_for(profile)
        for st in seq.steps:
            assert re.match(r"okta-requests\.md §\d+", st.source), st.id
            assert st.expectations


def test_a_check_id_always_has_the_same_severity_and_requirement() -> None:
    seen: dict[str, tuple[str, str]] = {}
    for seq in load_catalogue():
        for st in seq.steps:
            for e in st.expectations:
                assert e.severity in ("security", "okta", "rfc")
                assert re.search(r"\((MUST|SHOULD|SHALL)( NOT)?\)$", e.requirement), e.check
                first = seen.setdefault(e.check, (e.severity, e.requirement))
                assert first == (e.severity, e.requirement), f"{e.check} in {seq.id}/{st.id}"


def test_the_profiles_get_their_own_methods() -> None:
    lifecycle = sequence("user-lifecycle")
    methods = {p: [(s.method, s.path) for s in lifecycle.steps_for(p)] for p in ("aiw", "oin")}
    assert ("PATCH", "/Users/{$userId}") not in methods["aiw"]
    assert ("PATCH", "/Users/{$userId}") in methods["oin"]
    group_push = sequence("group-push")
    assert {s.method for s in group_push.steps_for("aiw") if s.path == "/Groups/{$groupId}"} == {
        "GET",
        "PUT",
        "DELETE",
    }
    assert "PUT" not in {s.method for s in group_push.steps_for("oin")}


def test_bodies_are_okta_s_own() -> None:
    # okta-requests.md §4: the keys of Okta's create body, in Okta's order.
    create = step("user-lifecycle", "create").body
    assert list(create) == list(SAMPLE_CREATE_USER)  # Okta's documented sample, verbatim
    assert create["groups"] == [] and create["locale"] == "en-US" and create["active"] is True
    assert create["emails"] == [{"primary": True, "value": "{userName}", "type": "work"}]
    # §7: replace without path, value an object, lowercase op.
    assert step("user-lifecycle", "deactivate-patch").body == {
        "schemas": [PATCH_OP],
        "Operations": [{"op": "replace", "value": {"active": False}}],
    }
    # §6: the PUT is the SP's GET response with Okta's changes.
    assert step("user-lifecycle", "update-put").body["$from"] == "update-get"
    # §8: group create with an empty members list; remove by filter, then one add.
    assert step("group-push", "create-empty").body == {
        "schemas": [GROUP_SCHEMA],
        "displayName": "{groupName}",
        "members": [],
    }
    ops = step("group-push", "patch-remove-add").body["Operations"]
    assert [op["op"] for op in ops] == ["remove", "remove", "add"]
    assert ops[0]["path"] == 'members[value eq "{$user1Id}"]'
    assert ops[2]["value"] == [{"value": "{$user3Id}", "display": "{user3Name}"}]
    assert step("group-push", "patch-replace-empty").body["Operations"] == [
        {"op": "replace", "path": "members", "value": []}
    ]
    assert step("group-push", "rename-patch").body["Operations"] == [
        {"op": "replace", "value": {"id": "{$groupId}", "displayName": "{renamedGroupName}"}}
    ]
    for seq in load_catalogue():
        for st in seq.steps:
            if st.body is not None or st.method == "DELETE":
                assert dict(st.headers) == {"Content-Type": "application/scim+json; charset=utf-8"}, st.id


def test_lookups_use_both_of_okta_s_encodings() -> None:
    # okta-requests.md §3: %20 today, + in 2018; both must work.
    assert step("user-lifecycle", "lookup-miss").query == (
        "filter=userName%20eq%20%22{userName:url}%22&startIndex=1&count=100"
    )
    assert step("user-lifecycle", "lookup-hit").query == (
        "filter=userName+eq+%22{userName:plus}%22&startIndex=1&count=100"
    )
    assert step("group-push", "lookup-miss").query == (
        "filter=displayName%20eq%20%22{groupName:url}%22&startIndex=1&count=100"
    )
    assert step("connection", "list-users").query == "startIndex=1&count=2"
    assert step("connection", "list-groups").query == "startIndex=1&count=100"
    assert {step("imports", i).page_size for i in ("users-100", "groups-100")} == {100}


# -- placeholders ----------------------------------------------------------------


SCOPE = Scope(
    {"userName": "o'neil+jo ann@example.com", "startIndex": 101},
    {"userId": "a1", "ids": ["a1", "b2"], "count": 3},
)


@pytest.mark.parametrize(
    ("template", "rendered"),
    [
        ("{userName}", "o'neil+jo ann@example.com"),
        ("{userName:url}", "o%27neil%2Bjo%20ann%40example.com"),
        ("{userName:plus}", "o%27neil%2Bjo+ann%40example.com"),
        (
            "filter=userName+eq+%22{userName:plus}%22",
            "filter=userName+eq+%22o%27neil%2Bjo+ann%40example.com%22",
        ),
        ("/Users/{$userId}", "/Users/a1"),
        ("{$ids}", ["a1", "b2"]),
        ("{startIndex}", 101),
        ("startIndex={startIndex}&count={$count}", "startIndex=101&count=3"),
        ({"members": "{$ids}", "n": ["{$count}"]}, {"members": ["a1", "b2"], "n": [3]}),
        ('members[value eq "{$userId}"]', 'members[value eq "a1"]'),
    ],
)
def test_placeholders_render_as_okta_sends_them(template: Any, rendered: Any) -> None:
    assert render(template, SCOPE) == rendered


def test_an_undefined_placeholder_is_a_harness_error() -> None:
    with pytest.raises(HarnessError, match=r"captured value \$'nope'"):
        render("{$nope}", SCOPE)


def test_generated_values_are_marked_unique_and_okta_shaped() -> None:
    templates = {
        "userName": "{run}.{seq}.u1@example.com",
        "externalId": "00u{alnum:17}",
        "pw": "{password:8}",
    }
    first, second = (
        generate_values(templates, "scimconf-ab12cd34"),
        generate_values(templates, "scimconf-ab12cd34"),
    )
    assert re.fullmatch(r"scimconf-ab12cd34\.[0-9a-f]{6}\.u1@example\.com", first["userName"])
    assert first["userName"] != second["userName"]
    assert re.fullmatch(r"00u[A-Za-z0-9]{17}", first["externalId"])
    assert len(first["pw"]) == 8


def test_from_and_set_apply_okta_s_changes_to_a_copy() -> None:
    got = {"id": "a1", "name": {"givenName": "Test"}, "emails": [{"value": "x"}], "active": True}
    body = apply_set(got, {"/name/givenName": "Another", "/name/middleName": "Excited", "/active": False})
    assert body == {
        "id": "a1",
        "name": {"givenName": "Another", "middleName": "Excited"},
        "emails": [{"value": "x"}],
        "active": False,
    }
    assert got["name"] == {"givenName": "Test"} and got["active"] is True
    assert apply_set(got, {"/emails/0/display": "x", "/meta/resourceType": "User"})["meta"] == {
        "resourceType": "User"
    }
    assert catalogue.resolve({"a/b": [{"~": 1}]}, "/a~1b/0/~0") == (True, 1)
    assert catalogue.resolve({"a": []}, "/a/0") == (False, None)


# -- malformed catalogues ----------------------------------------------------------


def _broken(tmp_path: Path, edit: Callable[[dict[str, Any]], None], name: str = "user-lifecycle") -> Path:
    data = json.loads((OKTA / f"{name}.json").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _set(pointer: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.update(apply_set(data, {pointer: value}))


def _delete(path: Sequence[Any]) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        node: Any = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return edit


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            _set("/steps/2/expect/0/severity", "fatal"),
            r"\$\.steps\[2\]\.expect\[0\]\.severity: 'fatal' is not one of",
        ),
        (_delete(["steps", 1, "source"]), r"\$\.steps\[1\]: 'source' is a required property"),
        (_set("/steps/1/source", "RFC 7644"), r"\$\.steps\[1\]\.source: 'RFC 7644' does not match"),
        (_set("/steps/2/expect/1/length", 3), r"\$\.steps\[2\]\.expect\[1\]"),
        (_set("/steps/2/requirement", "no level"), r"\$\.steps\[2\]\.requirement: 'no level' does not match"),
        (_set("/steps/1/request/query", "filter={nope:url}"), r"\$\.steps\[1\]: \{nope\} is not one of"),
        (
            _set("/steps/1/request/path", "/Users/{$userId}"),
            r"\$\.steps\[1\]: \{\$userId\} is not captured by",
        ),
        (
            _set("/steps/6/request/body/$from", "reactivate-get"),
            r"\$\.steps\[6\]\.request\.body\.\$from: step",
        ),
        (
            _set("/steps/7/profiles", ["oin"]),
            r"\$\.steps\[8\]\.request\.body\.\$from: .* for the aiw profile",
        ),
        (_set("/steps/3/id", "create"), r"\$\.steps\[3\]\.id: step id 'create' is used twice"),
        (_set("/id", "other"), r"\$\.id: 'other' must equal the file name"),
        (_set("/values/userName", "{who}@example.com"), r"\$\.values\.userName: unknown generator"),
        (_set("/steps/0/bogus", 1), r"\$\.steps\[0\]: Additional properties are not allowed \('bogus'"),
        # CONTRACT §4: if_claimed marks an attribute outside the stored table, judged at rfc at most.
        (
            _set("/steps/6/expect/3/if_claimed", "name.givenName"),
            r"\$\.steps\[6\]\.expect: if_claimed: 'name\.givenName' is a stored attribute",
        ),
        (
            _set("/steps/6/expect/3/severity", "okta"),
            r"\$\.steps\[6\]\.expect: if_claimed: 'name\.middleName' .* rfc at most, not okta",
        ),
        (
            _set("/steps/6/expect/0/if_claimed", "locale"),
            r"\$\.steps\[6\]\.expect\[0\]: 'pointer' is a dependency of 'if_claimed'",
        ),
    ],
)
def test_a_malformed_catalogue_names_the_file_and_the_json_path(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], message: str
) -> None:
    path = _broken(tmp_path, edit)
    with pytest.raises(HarnessError, match=message) as caught:
        load_sequence(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_a_paginated_step_must_page(tmp_path: Path) -> None:
    path = _broken(tmp_path, _set("/steps/5/request/query", "startIndex=1&count={count}"), "imports")
    with pytest.raises(
        HarnessError, match=r"imports\.json: \$\.steps\[5\]\.request\.query: .*\{startIndex\}"
    ):
        load_sequence(path)


def test_invalid_json_and_an_empty_directory_are_harness_errors(tmp_path: Path) -> None:
    (tmp_path / "connection.json").write_text('{"id": "connection",\n "title": }', encoding="utf-8")
    with pytest.raises(HarnessError, match=r"connection\.json: line 2 column 11: not valid JSON"):
        load_catalogue(tmp_path)
    with pytest.raises(HarnessError, match="no Okta sequence"):
        load_catalogue(tmp_path / "empty")


def test_a_copy_of_the_catalogue_loads_from_any_directory(tmp_path: Path) -> None:
    shutil.copytree(OKTA, tmp_path / "okta")
    assert [s.id for s in load_catalogue(tmp_path / "okta")] == [s.id for s in load_catalogue()]
