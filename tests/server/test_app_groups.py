"""/Groups over HTTP: Okta's group push, lookup, membership, rename and delete (okta-requests.md §8).

After every membership change, the members' read-only ``groups`` attribute is
checked too (CONTRACT §4: "each member user's ``groups`` reflects it").
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_app import BASE_URL, SCIM_JSON, Scim, assert_error, group_body, patch_body, root, serving

from scim_conformance.spec import GROUP_SCHEMA, Json


@pytest.fixture
def scim() -> Iterator[Scim]:
    with serving() as client:
        yield client


@pytest.fixture
def users(scim: Scim) -> list[str]:
    """Four user ids: u0@x.io … u3@x.io."""
    return [scim.create_user(f"u{i}@x.io")["id"] for i in range(4)]


def member_ids(group: Json) -> list[str]:
    return sorted(m["value"] for m in group.get("members", []))


def assert_memberships(scim: Scim, expected: dict[str, list[str]], users: list[str]) -> None:
    """Each user's ``groups`` lists exactly ``expected[uid]`` (group ids): direct memberships, with names."""
    __tracebackhide__ = True
    for uid in users:
        user = scim.fetch("Users", uid)
        gids = sorted(expected.get(uid, []))
        if not gids:
            assert "groups" not in user, user
            continue
        shown = sorted(user["groups"], key=lambda g: g["value"])
        names = {gid: scim.fetch("Groups", gid)["displayName"] for gid in gids}
        assert shown == [{"value": gid, "display": names[gid], "type": "direct"} for gid in gids], user


def memberships(scim: Scim, gids: list[str]) -> dict[str, list[str]]:
    """user id -> group ids, as the groups themselves list their user members."""
    result: dict[str, list[str]] = {}
    for gid in gids:
        for member in scim.fetch("Groups", gid).get("members", []):
            if member["type"] == "User":
                result.setdefault(member["value"], []).append(gid)
    return result


def group_patch(scim: Scim, gid: str, *operations: Json) -> Json:
    __tracebackhide__ = True
    response = scim.patch(f"/Groups/{gid}", patch_body(*operations))
    assert response.status_code == 200, response.text
    body: Json = response.json()
    assert scim.fetch("Groups", gid) == body
    return body


# -- create, fetch, lookup ----------------------------------------------------------------


def test_create_empty_group_okta_body(scim: Scim) -> None:
    """Okta's push body (okta-requests.md §8): 201 with id, displayName, meta; Location = meta.location."""
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "Test SCIMv2",
        "members": [],
    }
    response = scim.post("/Groups", body)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith(SCIM_JSON)
    group = response.json()
    gid = group["id"]
    assert group["schemas"] == [GROUP_SCHEMA]
    assert group["displayName"] == "Test SCIMv2"
    assert group.get("members", []) == []
    meta = group["meta"]
    assert meta["resourceType"] == "Group"
    assert meta["location"] == f"{BASE_URL}{root()}/Groups/{gid}"
    assert response.headers["location"] == meta["location"]
    assert meta["created"] and meta["lastModified"]
    assert scim.fetch("Groups", gid) == group


def test_create_group_with_members(scim: Scim, users: list[str]) -> None:
    """Members carry only value and display (okta-requests.md §8); the server fills type and display."""
    body = {
        "schemas": [GROUP_SCHEMA],
        "displayName": "Engineering",
        "members": [{"value": users[0], "display": "u0@x.io"}, {"value": users[1], "display": "wrong name"}],
    }
    group = scim.post("/Groups", body).json()
    assert group["members"] == [
        {"value": users[0], "display": "u0@x.io", "type": "User"},
        {"value": users[1], "display": "u1@x.io", "type": "User"},
    ]
    assert scim.fetch("Groups", group["id"]) == group
    assert_memberships(scim, {users[0]: [group["id"]], users[1]: [group["id"]]}, users)


def test_duplicate_members_are_stored_once(scim: Scim, users: list[str]) -> None:
    group = scim.create_group("Dup", [users[0], users[0]])
    assert member_ids(group) == [users[0]]


@pytest.mark.parametrize(
    "query",
    [
        "filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100",
        "filter=displayName+eq+%22Test+SCIMv2%22&startIndex=1&count=100",
        "filter=DISPLAYNAME%20eq%20%22test%20scimv2%22",
    ],
)
def test_lookup_by_display_name(scim: Scim, query: str) -> None:
    """Okta's group lookup with %20 and + encodings; displayName is caseExact false."""
    group = scim.create_group("Test SCIMv2")
    scim.create_group("Test SCIMv2 Admins")
    scim.create_group("Old Test SCIMv2")
    body = scim.search("Groups", query)
    assert [g["id"] for g in body["Resources"]] == [group["id"]]
    assert body["totalResults"] == 1
    assert body["Resources"][0] == group


def test_lookup_group_miss(scim: Scim) -> None:
    body = scim.search("Groups", "filter=displayName%20eq%20%22Nope%22&startIndex=1&count=100")
    assert body["totalResults"] == 0
    assert body["Resources"] == []


def test_duplicate_display_name_is_409(scim: Scim) -> None:
    """A second group with the same displayName (any case) or externalId is 409 uniqueness."""
    scim.create_group("Engineering", externalId="00g-eng")
    assert_error(scim.post("/Groups", group_body("Engineering")), 409, "uniqueness")
    assert_error(scim.post("/Groups", group_body("ENGINEERING")), 409, "uniqueness")
    assert_error(scim.post("/Groups", group_body("Other", externalId="00g-eng")), 409, "uniqueness")
    other = scim.create_group("Other")
    assert_error(scim.put(f"/Groups/{other['id']}", group_body("engineering")), 409, "uniqueness")


def test_group_without_display_name_is_400(scim: Scim) -> None:
    assert_error(scim.post("/Groups", {"schemas": [GROUP_SCHEMA], "members": []}), 400, "invalidValue")


# -- membership by PUT (okta-aiw) ---------------------------------------------------------


def test_put_full_member_list_adds_and_removes(scim: Scim, users: list[str]) -> None:
    """AIW membership update: PUT with the full members list replaces it (okta-requests.md §8)."""
    group = scim.create_group("Test SCIMv2", [users[0], users[1]])
    gid = group["id"]
    body = {
        "schemas": [GROUP_SCHEMA],
        "displayName": "Test SCIMv2",
        "members": [{"value": users[1], "display": "u1@x.io"}, {"value": users[2], "display": "u2@x.io"}],
    }
    response = scim.put(f"/Groups/{gid}", body)
    assert response.status_code == 200, response.text
    assert member_ids(response.json()) == sorted([users[1], users[2]])
    assert scim.fetch("Groups", gid) == response.json()
    assert_memberships(scim, {users[1]: [gid], users[2]: [gid]}, users)
    # The 2018 form echoes the id (okta-requests.md §8); an empty list removes everyone.
    emptied = scim.put(f"/Groups/{gid}", {**body, "id": gid, "members": []}).json()
    assert emptied.get("members", []) == []
    assert_memberships(scim, {}, users)


def test_put_rename(scim: Scim, users: list[str]) -> None:
    """AIW rename: PUT with the new displayName; members' groups show the new name."""
    group = scim.create_group("Old", [users[0]])
    renamed = scim.put(f"/Groups/{group['id']}", group_body("New", [users[0]])).json()
    assert renamed["displayName"] == "New"
    assert renamed["meta"]["created"] == group["meta"]["created"]
    assert_memberships(scim, {users[0]: [group["id"]]}, users)
    assert scim.search("Groups", "filter=displayName%20eq%20%22Old%22")["totalResults"] == 0
    assert scim.ids("Groups", "filter=displayName%20eq%20%22New%22") == [group["id"]]


# -- membership by PATCH (okta-oin) -------------------------------------------------------


def test_patch_add_members(scim: Scim, users: list[str]) -> None:
    group = scim.create_group("G")
    gid = group["id"]
    updated = group_patch(
        scim, gid, {"op": "add", "path": "members", "value": [{"value": users[0], "display": "u0@x.io"}]}
    )
    assert member_ids(updated) == [users[0]]
    updated = group_patch(
        scim, gid, {"op": "add", "path": "members", "value": [{"value": users[1]}, {"value": users[0]}]}
    )
    assert member_ids(updated) == sorted(users[:2])
    assert_memberships(scim, {users[0]: [gid], users[1]: [gid]}, users)


def test_patch_okta_removes_then_add_in_one_request(scim: Scim, users: list[str]) -> None:
    """Several removes by value filter then one add, as in okta-requests.md §8 (S4)."""
    group = scim.create_group("Test SCIMv2", users[:3])
    gid = group["id"]
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "remove", "path": f'members[value eq "{users[0]}"]'},
            {"op": "remove", "path": f'members[value eq "{users[1]}"]'},
            {"op": "add", "path": "members", "value": [{"value": users[3], "display": "u3@x.io"}]},
        ],
    }
    response = scim.patch(f"/Groups/{gid}", body)
    assert response.status_code == 200, response.text
    assert member_ids(response.json()) == sorted([users[2], users[3]])
    assert_memberships(scim, {users[2]: [gid], users[3]: [gid]}, users)


def test_patch_remove_of_a_non_member_is_idempotent(scim: Scim, users: list[str]) -> None:
    """Okta retries: removing a member already gone is not an error."""
    group = scim.create_group("G", [users[0]])
    updated = group_patch(scim, group["id"], {"op": "remove", "path": f'members[value eq "{users[1]}"]'})
    assert member_ids(updated) == [users[0]]


def test_patch_replace_members(scim: Scim, users: list[str]) -> None:
    """A full push: replace members with a list, then with [] (okta-requests.md §8)."""
    group = scim.create_group("G", users[:2])
    gid = group["id"]
    updated = group_patch(
        scim, gid, {"op": "replace", "path": "members", "value": [{"value": users[2]}, {"value": users[3]}]}
    )
    assert member_ids(updated) == sorted(users[2:])
    assert_memberships(scim, {users[2]: [gid], users[3]: [gid]}, users)
    emptied = group_patch(scim, gid, {"op": "replace", "path": "members", "value": []})
    assert emptied.get("members", []) == []
    assert_memberships(scim, {}, users)


def test_patch_remove_all_members(scim: Scim, users: list[str]) -> None:
    group = scim.create_group("G", users[:2])
    emptied = group_patch(scim, group["id"], {"op": "remove", "path": "members"})
    assert "members" not in emptied
    assert_memberships(scim, {}, users)


def test_patch_remove_members_with_value_list(scim: Scim, users: list[str]) -> None:
    """The common non-RFC form {"op":"remove","path":"members","value":[{"value":id}]} removes those."""
    group = scim.create_group("G", users[:3])
    updated = group_patch(
        scim, group["id"], {"op": "remove", "path": "members", "value": [{"value": users[1]}]}
    )
    assert member_ids(updated) == sorted([users[0], users[2]])


def test_patch_rename_okta_form(scim: Scim, users: list[str]) -> None:
    """okta-oin rename: replace without path, value {"id": gid, "displayName": …} (okta-requests.md §8)."""
    group = scim.create_group("Old Name", [users[0]])
    gid = group["id"]
    renamed = group_patch(scim, gid, {"op": "replace", "value": {"id": gid, "displayName": "New Name"}})
    assert renamed["displayName"] == "New Name"
    assert renamed["id"] == gid
    assert member_ids(renamed) == [users[0]]
    assert_memberships(scim, {users[0]: [gid]}, users)
    assert scim.fetch("Users", users[0])["groups"][0]["display"] == "New Name"


def test_patch_rename_with_another_id_is_mutability(scim: Scim, users: list[str]) -> None:
    """id is readOnly: a rename whose value carries a different id is 400 mutability, nothing changes."""
    group = scim.create_group("Old Name", [users[0]])
    other = scim.create_group("Other")
    response = scim.patch(
        f"/Groups/{group['id']}",
        patch_body({"op": "replace", "value": {"id": other["id"], "displayName": "New Name"}}),
    )
    assert_error(response, 400, "mutability")
    assert scim.fetch("Groups", group["id"]) == group


def test_patch_rename_to_existing_name_is_409(scim: Scim) -> None:
    group = scim.create_group("A")
    scim.create_group("B")
    response = scim.patch(
        f"/Groups/{group['id']}", patch_body({"op": "replace", "path": "displayName", "value": "b"})
    )
    assert_error(response, 409, "uniqueness")


# -- member ids that are not users of the realm ----------------------------------------------


UNKNOWN = "4d0f1b2c-0000-4000-8000-00000000dead"


def test_unknown_member_ids_are_invalid_value(scim: Scim, users: list[str]) -> None:
    """A member that is not a user or group of this realm is 400 invalidValue on POST, PUT and PATCH."""
    assert_error(scim.post("/Groups", group_body("G", [users[0], UNKNOWN])), 400, "invalidValue")
    assert scim.search("Groups", "count=10")["totalResults"] == 0
    group = scim.create_group("G", [users[0]])
    gid = group["id"]
    assert_error(scim.put(f"/Groups/{gid}", group_body("G", [UNKNOWN])), 400, "invalidValue")
    for value in ([{"value": UNKNOWN}], [{"value": users[1]}, {"value": "not-an-id"}]):
        response = scim.patch(f"/Groups/{gid}", patch_body({"op": "add", "path": "members", "value": value}))
        assert_error(response, 400, "invalidValue")
    response = scim.patch(
        f"/Groups/{gid}", patch_body({"op": "replace", "path": "members", "value": [{"value": UNKNOWN}]})
    )
    assert_error(response, 400, "invalidValue")
    assert scim.fetch("Groups", gid) == group
    assert_memberships(scim, {users[0]: [gid]}, users)


def test_group_cannot_contain_itself(scim: Scim) -> None:
    group = scim.create_group("G")
    response = scim.patch(
        f"/Groups/{group['id']}",
        patch_body({"op": "add", "path": "members", "value": [{"value": group["id"]}]}),
    )
    assert_error(response, 400, "invalidValue")


@pytest.mark.parametrize(
    "members",
    [
        pytest.param([{"display": "no value"}], id="member-without-value"),
        pytest.param(["a-string"], id="member-not-object"),
        pytest.param({"value": "x"}, id="members-not-list"),
        pytest.param([{"value": 42}], id="value-not-string"),
    ],
)
def test_malformed_members_are_400(scim: Scim, members: object) -> None:
    body = {"schemas": [GROUP_SCHEMA], "displayName": "G", "members": members}
    assert_error(scim.post("/Groups", body), 400, "invalidValue")


# -- nested groups and delete -------------------------------------------------------------


def test_nested_group_member(scim: Scim, users: list[str]) -> None:
    """A group may list another group; its member entry has type Group; users see direct memberships only."""
    inner = scim.create_group("Inner", [users[0]])
    outer = scim.create_group("Outer", [users[1]])
    updated = group_patch(
        scim, outer["id"], {"op": "add", "path": "members", "value": [{"value": inner["id"]}]}
    )
    by_value = {m["value"]: m for m in updated["members"]}
    assert by_value[inner["id"]] == {"value": inner["id"], "display": "Inner", "type": "Group"}
    assert by_value[users[1]]["type"] == "User"
    assert_memberships(scim, {users[0]: [inner["id"]], users[1]: [outer["id"]]}, users)


def test_delete_group(scim: Scim, users: list[str]) -> None:
    """DELETE /Groups/{id}: 204 with an empty body; then GET 404 and the users' groups no longer list it."""
    doomed = scim.create_group("Doomed", users[:2])
    kept = scim.create_group("Kept", [users[0]])
    assert_memberships(scim, {users[0]: [doomed["id"], kept["id"]], users[1]: [doomed["id"]]}, users)
    response = scim.delete(f"/Groups/{doomed['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert_error(scim.get(f"/Groups/{doomed['id']}"), 404)
    assert_memberships(scim, {users[0]: [kept["id"]]}, users)
    assert scim.ids("Groups", "count=100") == [kept["id"]]
    assert scim.search("Groups", "filter=displayName%20eq%20%22Doomed%22")["totalResults"] == 0
    # A second delete, PUT and PATCH of the deleted group are 404; the name is free again.
    assert_error(scim.delete(f"/Groups/{doomed['id']}"), 404)
    assert_error(scim.put(f"/Groups/{doomed['id']}", group_body("Doomed")), 404)
    assert_error(scim.patch(f"/Groups/{doomed['id']}", patch_body({"op": "remove", "path": "members"})), 404)
    scim.create_group("Doomed")


def test_delete_nested_group_drops_it_from_its_parents(scim: Scim, users: list[str]) -> None:
    inner = scim.create_group("Inner", [users[0]])
    outer = scim.create_group("Outer", [users[1], inner["id"]])
    assert scim.delete(f"/Groups/{inner['id']}").status_code == 204
    assert member_ids(scim.fetch("Groups", outer["id"])) == [users[1]]
    assert_memberships(scim, {users[1]: [outer["id"]]}, users)


def test_memberships_follow_every_change(scim: Scim, users: list[str]) -> None:
    """A sequence of Okta membership requests; after each, groups and users' groups agree."""
    a = scim.create_group("A", [users[0]])["id"]
    b = scim.create_group("B")["id"]
    steps: list[tuple[str, str, object]] = [
        ("PATCH", a, patch_body({"op": "add", "path": "members", "value": [{"value": users[1]}]})),
        ("PUT", b, group_body("B", [users[1], users[2]])),
        ("PATCH", a, patch_body({"op": "remove", "path": f'members[value eq "{users[0]}"]'})),
        ("PATCH", b, patch_body({"op": "replace", "value": {"id": b, "displayName": "B2"}})),
        ("PATCH", b, patch_body({"op": "replace", "path": "members", "value": [{"value": users[3]}]})),
        ("PUT", a, group_body("A2", [users[0], users[3]])),
        ("DELETE", b, None),
    ]
    for method, gid, body in steps:
        response = scim.request(method, f"/Groups/{gid}", body)
        assert response.status_code in (200, 204), response.text
        live = [g for g in (a, b) if scim.get(f"/Groups/{g}").status_code == 200]
        assert_memberships(scim, memberships(scim, live), users)
    assert_memberships(scim, {users[0]: [a], users[3]: [a]}, users)
    assert scim.fetch("Users", users[0])["groups"][0]["display"] == "A2"


def test_user_put_cannot_change_groups(scim: Scim, users: list[str]) -> None:
    """A user's groups is readOnly (RFC 7643 §4.1.2): Okta's PUT echoing "groups": [] keeps memberships."""
    gid = scim.create_group("G", [users[0]])["id"]
    user = scim.fetch("Users", users[0])
    response = scim.put(f"/Users/{users[0]}", {**user, "groups": [], "displayName": "U0"})
    assert response.status_code == 200, response.text
    assert_memberships(scim, {users[0]: [gid]}, users)
