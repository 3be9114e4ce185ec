"""Tests for the hypothesis strategies: each value meets its contract, oracles agree, examples shrink."""

from __future__ import annotations

import copy
import json
import re
import string
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, NoSuchExample

from scim_conformance.core.terms import PROFILES, Profile
from scim_conformance.okta.bodies import SAMPLE_CREATE_USER
from scim_conformance.server.definitions import resource_types
from scim_conformance.server.filtering import matches, parse_filter
from scim_conformance.server.patching import apply_patch
from scim_conformance.server.store import Store
from scim_conformance.server.validation import prepare
from scim_conformance.spec import GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, Json
from scim_conformance.strategies import (
    LOCALES,
    OKTA_PATCH_CHUNK,
    OPERATION_NAMES,
    Marker,
    OktaOperation,
    Slot,
    apply_membership_change,
    apply_profile_update,
    case_variants,
    collision_key,
    group_names,
    is_okta_user_name,
    member_sets,
    membership_changes,
    near_misses,
    okta_groups,
    okta_user_id_for,
    okta_user_ids,
    okta_users,
    operation_sequences,
    profile_texts,
    profile_updates,
    user_names,
    wide_user_names,
)

USER = resource_types()["User"]
GROUP = resource_types()["Group"]
MARKER = "scimconf-1a2b3c4d"
EXTERNAL_ID = re.compile(r"00u[A-Za-z0-9]{17}")
QUICK = settings(database=None, max_examples=300)
# For "is it ever generated?": no shrinking, which is slow on long Unicode text and not the question.
REACH = settings(database=None, max_examples=1000, phases=[Phase.generate], derandomize=True)
IDS = {f"{n:08x}-b905-4575-9e7f-6f887cfb368e": f"user{n}@okta.local" for n in range(6)}


def assert_clean(text: str) -> None:
    """NFC, and no control, surrogate, private-use or unassigned code point (a joiner only in emoji)."""
    assert unicodedata.normalize("NFC", text) == text
    for char in text:
        category = unicodedata.category(char)
        assert category not in ("Cc", "Cs", "Co", "Cn", "Zl", "Zp"), (text, char)
        assert category != "Cf" or char == "\u200d", (text, char)


def lookup(user_name: str) -> Any:
    return parse_filter(f"userName eq {json.dumps(user_name, ensure_ascii=False)}")


# -- userName ------------------------------------------------------------------------------------


@given(user_names(marker=MARKER))
def test_user_names_are_marked_okta_logins(user_name: str) -> None:
    assert MARKER in user_name
    assert len(user_name) <= 100
    assert is_okta_user_name(user_name)
    assert_clean(user_name)
    for char in user_name:
        if not char.isascii():
            # Folding never changes the length or crosses between ASCII and the rest.
            assert len(char.lower()) == 1 and not char.lower().isascii(), char
            assert not any(len(m) == 1 and m.isascii() for m in (char.upper(), char.casefold())), char


@given(st.data(), st.integers(min_value=len(MARKER) + 14, max_value=100))
def test_user_names_respect_max_size(data: st.DataObject, max_size: int) -> None:
    assert len(data.draw(user_names(marker=MARKER, max_size=max_size))) <= max_size


def test_user_names_reach_oktas_limit_and_non_ascii_letters() -> None:
    assert len(find(user_names(marker=MARKER), lambda u: len(u) == 100, settings=REACH)) == 100
    find(user_names(marker=MARKER), lambda u: not u.isascii(), settings=REACH)
    find(user_names(marker=MARKER), lambda u: "@" + MARKER + "." in u, settings=REACH)
    find(user_names(marker=MARKER), lambda u: "+" in u and "'" in u, settings=REACH)


@pytest.mark.parametrize("letter", ["\u0130", "\u212a", "\u017f", "\u0131", "\u00aa", "\uff21", "\u1161"])
def test_fold_hazards_are_not_okta_logins(letter: str) -> None:
    assert not is_okta_user_name(f"a{letter}.m@example.com")


@pytest.mark.parametrize("letter", ["é", "ü", "ß", "山", "Ж", "한"])
def test_stable_letters_are_okta_logins(letter: str) -> None:
    assert is_okta_user_name(f"a{letter}.m@example.com")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "a@b",
        "a..b@x.io",
        ".a@x.io",
        "a.@x.io",
        "a b@x.io",
        "a@x_y.io",
        "a@-x.io",
        "a@x.i",
        "a" * 96 + "@x.io",
    ],
)
def test_malformed_logins_are_not_okta_logins(value: str) -> None:
    assert not is_okta_user_name(value)


@given(st.lists(user_names(marker=MARKER), min_size=2, max_size=4, unique_by=collision_key))
def test_user_names_unique_by_collision_key_are_distinct_for_the_server(names: list[str]) -> None:
    assert len({name.lower() for name in names}) == len(names)


@given(wide_user_names(marker=MARKER, max_size=80))
def test_wide_user_names_carry_the_marker_and_encode(user_name: str) -> None:
    assert MARKER in user_name and len(user_name) <= 80 and "\x00" not in user_name
    user_name.encode("utf-8")  # no surrogates


def test_wide_user_names_go_beyond_okta() -> None:
    find(
        wide_user_names(marker=MARKER),
        lambda u: any(unicodedata.category(c) == "Cc" for c in u),
        settings=REACH,
    )
    find(wide_user_names(marker=MARKER), lambda u: unicodedata.normalize("NFC", u) != u, settings=REACH)


def test_collision_key_is_the_coarsest_fold() -> None:
    assert collision_key("Straße") == collision_key("STRASSE")
    assert collision_key("ﬁle") == collision_key("FILE")
    assert collision_key("ann@x.io") != collision_key("ann@x.io.uk")


@pytest.mark.parametrize(
    "call",
    [
        lambda: user_names(marker="two words"),
        lambda: user_names(marker=""),
        lambda: user_names(marker="-x"),
        lambda: user_names(marker=MARKER, max_size=101),
        lambda: user_names(marker=MARKER, max_size=len(MARKER) + 13),
        lambda: near_misses("ann@x.io", marker=MARKER),
        lambda: near_misses("ann tag@x.io", creatable=True),
        lambda: membership_changes("scim", ["a"]),  # type: ignore[arg-type]
        lambda: membership_changes("oin", ["a"], initial=frozenset({"b"})),
        lambda: operation_sequences("aiW"),  # type: ignore[arg-type]
        lambda: group_names(marker=MARKER, max_size=10),
    ],
)
def test_bad_arguments_are_refused(call: Any) -> None:
    with pytest.raises(InvalidArgument):
        call()


# -- near misses and case variants ---------------------------------------------------------------


@given(st.data(), user_names(marker=MARKER), st.booleans())
def test_near_misses_never_match(data: st.DataObject, user_name: str, creatable: bool) -> None:
    miss = data.draw(near_misses(user_name, marker=MARKER, creatable=creatable))
    assert miss.lower() != user_name.lower()
    assert collision_key(miss) != collision_key(user_name)
    assert MARKER in miss and miss.strip()
    assert not creatable or is_okta_user_name(miss)
    # The reference server's userName eq (caseExact=false) tells them apart.
    resource = prepare(USER, {"schemas": [USER_SCHEMA], "userName": user_name})
    assert not matches(lookup(miss), resource, USER)


FAMILIES = {
    "proper prefix": lambda u, n: u.startswith(n),
    "proper suffix": lambda u, n: u.endswith(n),
    "local prefix added": lambda u, n: n.endswith(u),
    "domain suffix added": lambda u, n: n.startswith(u + "."),
    "subdomain added": lambda u, n: n.endswith(u.split("@")[1]) and n.split("@")[0] == u.split("@")[0],
    "tag removed": lambda u, n: "+" not in n and n.endswith("@" + u.split("@")[1]),
    "space for +": lambda u, n: n == u.replace("+", " "),
    "character dropped": lambda u, n: (
        len(n) == len(u) - 1 and any(u[:i] + u[i + 1 :] == n for i in range(len(u)))
    ),
}


@pytest.mark.parametrize("family", FAMILIES)
def test_each_near_miss_family_is_generated(family: str) -> None:
    user_name = f"ann.{MARKER}+tag@x.io"
    found = find(near_misses(user_name), lambda n: FAMILIES[family](user_name, n), settings=REACH)
    assert found.lower() != user_name.lower()


def test_a_tag_is_added_and_space_is_lookup_only() -> None:
    user_name = f"ann.{MARKER}@x.io"
    find(near_misses(user_name, marker=MARKER), lambda n: n.startswith(f"ann.{MARKER}+"), settings=REACH)
    tagged = f"ann+{MARKER}@x.io"
    find(near_misses(tagged), lambda n: " " in n, settings=REACH)
    with pytest.raises(NoSuchExample):
        find(near_misses(tagged, creatable=True), lambda n: " " in n, settings=REACH)


@given(st.data(), user_names(marker=MARKER))
@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
def test_creatable_near_misses_are_neighbours_on_the_reference_store(
    data: st.DataObject, user_name: str
) -> None:
    miss = data.draw(near_misses(user_name, marker=MARKER, creatable=True))
    store = Store()
    for value in (user_name, miss):
        store.create("realm", "User", prepare(USER, {"schemas": [USER_SCHEMA], "userName": value}))
    for value in (user_name, miss):
        total, found = store.query("realm", "User", lookup(value), 1, 100)
        assert total == 1 and found[0]["userName"] == value


@given(st.data(), user_names(marker=MARKER))
def test_case_variants_always_match(data: st.DataObject, user_name: str) -> None:
    variant = data.draw(case_variants(user_name))
    assert variant != user_name
    assert variant.lower() == user_name.lower() and variant.casefold() == user_name.casefold()
    assert [c for c in variant if not c.isascii()] == [c for c in user_name if not c.isascii()]
    assert MARKER.lower() in variant.lower()
    resource = prepare(USER, {"schemas": [USER_SCHEMA], "userName": user_name})
    assert matches(lookup(variant), resource, USER)


def test_case_variants_shrink_to_capitals() -> None:
    assert find(case_variants("ann.m@x.io"), lambda v: True, settings=QUICK) == "ANN.M@X.IO"


# -- users ---------------------------------------------------------------------------------------

OKTA_KEYS = list(SAMPLE_CREATE_USER)  # okta-requests.md §4: the keys of Okta's create body, in order


@given(okta_users(marker=MARKER))
def test_okta_users_have_oktas_shape(body: Json) -> None:
    assert list(body) == OKTA_KEYS
    assert body["schemas"] == [USER_SCHEMA]
    assert MARKER in body["userName"] and is_okta_user_name(body["userName"])
    assert list(body["name"]) == ["givenName", "familyName"]
    assert body["emails"] == [{"primary": True, "value": body["userName"], "type": "work"}]
    assert body["locale"] in LOCALES
    assert EXTERNAL_ID.fullmatch(body["externalId"])
    assert body["groups"] == [] and body["active"] is True
    assert len(body["password"]) == 8 and body["password"].isascii() and body["password"].isprintable()
    for text in (body["name"]["givenName"], body["name"]["familyName"], body["displayName"]):
        assert 1 <= len(text) <= 64 and text == text.strip()
        assert_clean(text)


@given(okta_users(marker=MARKER))
def test_okta_users_are_accepted_and_round_trip_on_the_reference_server(body: Json) -> None:
    before = copy.deepcopy(body)
    stored = prepare(USER, body)
    assert body == before
    assert "password" not in stored
    store = Store()
    created = store.create("realm", "User", stored)
    fetched = store.get("realm", "User", created["id"])
    assert fetched is not None
    for key in ("userName", "name", "emails", "displayName", "locale", "externalId", "active"):
        assert fetched[key] == body[key]


@given(st.lists(okta_users(marker=MARKER), max_size=4, unique_by=lambda b: collision_key(b["userName"])))
def test_okta_users_unique_by_user_name_are_unique_by_external_id(bodies: list[Json]) -> None:
    assert len({b["externalId"] for b in bodies}) == len(bodies)
    store = Store()
    for body in bodies:
        store.create("realm", "User", prepare(USER, body))


def test_okta_user_ids() -> None:
    assert find(okta_user_ids(), lambda i: True) == "00u" + "0" * 17
    assert EXTERNAL_ID.fullmatch(okta_user_id_for("ann@x.io"))
    assert okta_user_id_for("Ann@X.io") == okta_user_id_for("ann@x.io") != okta_user_id_for("ann@x.io.uk")


@given(profile_texts(max_size=10))
def test_profile_texts(text: str) -> None:
    assert 1 <= len(text) <= 10 and text.strip() == text
    assert_clean(text)


def test_profile_texts_reach_emoji_and_cjk() -> None:
    find(profile_texts(), lambda t: "\u200d" in t, settings=REACH)
    find(profile_texts(), lambda t: any(unicodedata.name(c, "").startswith("CJK") for c in t), settings=REACH)


POINTERS = {
    "/name/givenName",
    "/name/middleName",
    "/name/familyName",
    "/displayName",
    "/emails/0/value",
    "/locale",
}


@given(okta_users(marker=MARKER), profile_updates())
def test_profile_updates_build_puts_the_reference_server_accepts(body: Json, update: dict[str, Any]) -> None:
    assert update and set(update) <= POINTERS
    current = Store().create("realm", "User", prepare(USER, body))
    before = copy.deepcopy(current)
    put = apply_profile_update(current, update)
    assert current == before
    stored = prepare(USER, put, current=current)
    for pointer, value in update.items():
        node: Any = stored
        for key in pointer[1:].split("/"):
            node = node[int(key)] if isinstance(node, list) else node[key]
        assert node == value
    assert stored["userName"] == body["userName"]


def test_apply_profile_update_creates_what_is_missing() -> None:
    put = apply_profile_update({"userName": "a"}, {"/name/middleName": "M", "/emails/0/value": "e@x.io"})
    assert put == {"userName": "a", "name": {"middleName": "M"}, "emails": [{"value": "e@x.io"}]}
    assert apply_profile_update({"a~b/": 1}, {"/a~0b~1": 2}) == {"a~b/": 2}
    with pytest.raises(ValueError, match="JSON pointer"):
        apply_profile_update({}, {"name": "x"})


# -- groups --------------------------------------------------------------------------------------


@given(group_names(marker=MARKER))
def test_group_names(name: str) -> None:
    assert MARKER in name and 1 <= len(name) <= 255
    assert name == name.strip() and '"' not in name and "\\" not in name
    assert_clean(name)
    body = {"schemas": [GROUP_SCHEMA], "displayName": name, "members": []}
    assert prepare(GROUP, body)["displayName"] == name
    assert matches(parse_filter(f"displayName eq {json.dumps(name)}"), prepare(GROUP, body), GROUP)


@given(st.lists(okta_groups(marker=MARKER), max_size=4, unique_by=lambda b: collision_key(b["displayName"])))
def test_okta_groups_have_oktas_shape_and_coexist(bodies: list[Json]) -> None:
    store = Store()
    for body in bodies:
        assert list(body) == ["schemas", "displayName", "members"] and body["members"] == []
        store.create("realm", "Group", prepare(GROUP, body))


def test_group_names_reach_long_names() -> None:
    find(group_names(marker=MARKER), lambda n: len(n) > 100, settings=REACH)


@given(member_sets(list(IDS), max_size=3))
def test_member_sets(members: frozenset[str]) -> None:
    assert members <= set(IDS) and len(members) <= 3


def test_member_sets_of_no_ids_are_empty() -> None:
    assert find(member_sets([]), lambda m: True) == frozenset()


def group_with(members: frozenset[str]) -> Json:
    return {
        "schemas": [GROUP_SCHEMA],
        "id": "abf4dd94-a4c0-4f67-89c9-76b03340cb9b",
        "displayName": "Test SCIMv2",
        "members": [{"value": i, "display": IDS[i]} for i in sorted(members)],
    }


def values(group: Json) -> frozenset[str]:
    return frozenset(member["value"] for member in group.get("members", []))


@given(st.data(), member_sets(list(IDS)))
def test_oin_oracle_agrees_with_the_reference_patch(data: st.DataObject, initial: frozenset[str]) -> None:
    changes = data.draw(membership_changes("oin", IDS, initial=initial))
    group, expected = group_with(initial), initial
    for change in changes:
        assert change["schemas"] == [PATCH_OP] and change["Operations"]
        for operation in change["Operations"]:
            assert "type" not in json.dumps(operation) and "$ref" not in json.dumps(operation)
            if operation["op"] == "remove":
                assert (
                    re.fullmatch(r'members\[value eq "[^"]+"\]', operation["path"])
                    and "value" not in operation
                )
                assert operation["path"][18:-2] in expected  # only current members are removed
            else:
                assert operation["path"] == "members" and operation["op"] in ("add", "replace")
                assert all(list(member) == ["value", "display"] for member in operation["value"])
                if operation["op"] == "add":
                    assert operation["value"] and not {m["value"] for m in operation["value"]} & expected
        group = apply_patch(group, change, GROUP)
        expected = apply_membership_change(expected, change)
        assert values(group) == expected


@given(st.data(), member_sets(list(IDS)))
def test_aiw_oracle_agrees_with_the_reference_put(data: st.DataObject, initial: frozenset[str]) -> None:
    expected = initial
    for change in data.draw(membership_changes("aiw", IDS, initial=initial)):
        assert list(change) == ["schemas", "members"] and change["schemas"] == [GROUP_SCHEMA]
        stored = prepare(GROUP, {**change, "displayName": "Test SCIMv2"})
        expected = apply_membership_change(expected, change)
        assert values(stored) == expected


def test_oin_deltas_are_chunked_like_okta() -> None:
    many = [f"id-{n:03}" for n in range(250)]
    changes = find(membership_changes("oin", many, initial=frozenset(many)), bool, settings=QUICK)
    assert [len(c["Operations"]) for c in changes] == [100, 100, 50]
    assert all(op["op"] == "remove" for c in changes for op in c["Operations"])
    added = find(
        membership_changes("oin", many),
        lambda cs: len(cs) == 1 and len(cs[0]["Operations"]) == 1,
        settings=QUICK,
    )
    assert added[0]["Operations"][0]["value"] in ([], [{"value": "id-000"}])
    assert OKTA_PATCH_CHUNK == 100


def test_membership_oracle_refuses_other_operations() -> None:
    with pytest.raises(ValueError, match="Okta's membership"):
        apply_membership_change(frozenset(), {"Operations": [{"op": "remove", "path": "members"}]})


def test_membership_oracle_reads_oktas_verbatim_body() -> None:
    # okta-requests.md §8, OIN PATCH (S1, S4; C S7, S10).
    body = {
        "schemas": [PATCH_OP],
        "Operations": [
            {"op": "remove", "path": 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]'},
            {
                "op": "add",
                "path": "members",
                "value": [{"value": "23a35c27", "display": "test.user@okta.local"}],
            },
        ],
    }
    before = frozenset({"89bb1940-b905-4575-9e7f-6f887cfb368e", "x"})
    assert apply_membership_change(before, body) == {"x", "23a35c27"}


# -- operation sequences -------------------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
@given(data=st.data())
def test_operation_sequences_are_valid_where_they_stand(profile: Profile, data: st.DataObject) -> None:
    operations = data.draw(operation_sequences(profile))
    active: list[bool] = []
    groups: list[set[int] | None] = []
    for op in operations:
        assert isinstance(op, OktaOperation) and op.name in OPERATION_NAMES and op.profile == profile
        method = op.requests[-1].split()[0]
        if op.name in ("deactivate", "reactivate", "add_members", "remove_members", "rename_group"):
            assert method == ("PUT" if profile == "aiw" else "PATCH")
        if op.name == "create_user":
            assert op.user == len(active)
            active.append(True)
        elif op.name == "create_group":
            assert op.group == len(groups)
            groups.append(set())
        elif op.name == "import":
            assert op.user is None and op.group is None
        elif op.name in ("update_profile", "deactivate", "reactivate", "lookup"):
            assert op.user is not None and op.user < len(active)
            if op.name != "lookup":
                assert active[op.user] is (op.name != "reactivate")
            if op.name in ("deactivate", "reactivate"):
                active[op.user] = op.name == "reactivate"
        else:
            assert op.group is not None and op.group < len(groups)
            members = groups[op.group]
            assert members is not None, f"{op} on a deleted group"
            if op.name == "delete_group":
                groups[op.group] = None
            elif op.name == "add_members":
                assert op.members and all(active[u] and u not in members for u in op.members)
                members.update(op.members)
            elif op.name == "remove_members":
                assert op.members and set(op.members) <= members
                members.difference_update(op.members)


@pytest.mark.slow  # 1,000 generated sequences: seconds; the fast loop keeps the other reach tests
def test_every_operation_is_generated() -> None:
    for name in OPERATION_NAMES:
        found = find(
            operation_sequences("oin"), lambda ops, n=name: any(o.name == n for o in ops), settings=REACH
        )
        assert any(str(o).startswith(name + "(") for o in found)
    # The shortest way to a removal: every prerequisite is generated on the way.
    deep = find(
        operation_sequences("aiw"),
        lambda ops: any(o.name == "remove_members" for o in ops),
        settings=settings(QUICK, max_examples=1000),
    )
    assert [str(o) for o in deep] == [
        "create_user(user=0)",
        "create_group(group=0)",
        "add_members(group=0, members=[0])",
        "remove_members(group=0, members=[0])",
    ]


# -- shrinking -----------------------------------------------------------------------------------


def test_examples_shrink_small() -> None:
    body = find(okta_users(marker="m"), lambda b: True, settings=QUICK)
    assert body["userName"] == "0.m@example.com"
    assert body["name"] == {"givenName": "0", "familyName": "0"} and body["displayName"] == "0"
    assert body["password"] == "00000000" and body["locale"] == "en-US"
    assert len(json.dumps(body)) < 400
    assert find(group_names(marker="m"), lambda n: True, settings=QUICK) == "m"
    assert find(profile_updates(), lambda u: True, settings=QUICK) in [{p: "0"} for p in POINTERS] + [
        {"/locale": "en_US"}
    ]
    assert find(operation_sequences("aiw"), lambda s: True, settings=QUICK) == []
    assert [o.name for o in find(operation_sequences("aiw"), lambda s: len(s) >= 2, settings=QUICK)] == [
        "create_user",
        "create_user",
    ]
    assert find(membership_changes("oin", IDS), lambda c: True, settings=QUICK) == []
    only = find(membership_changes("oin", IDS), bool, settings=QUICK)
    assert only == [
        {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "members", "value": []}]}
    ] or (len(only) == 1 and len(only[0]["Operations"]) == 1)
    assert set(find(wide_user_names(marker="m"), lambda u: True, settings=QUICK)) <= set(
        "m" + string.printable
    )


# -- slots: values an example sets, read at draw time ---------------------------------------------

LOGIN: Slot[str] = Slot()
MEMBERS: Slot[Sequence[str]] = Slot()
BY_ID: Slot[Mapping[str, str]] = Slot()
INITIAL: Slot[frozenset[str]] = Slot()
SLOT_MARKER = Marker()
# Built once, like the suites' strategies: each example sets the slots first.
SLOT_MISSES = near_misses(LOGIN, marker=SLOT_MARKER, creatable=True)
SLOT_VARIANTS = case_variants(LOGIN)
SLOT_MEMBERS = member_sets(MEMBERS, max_size=3)
SLOT_CHANGES = membership_changes("oin", BY_ID, initial=INITIAL)


@given(st.data(), user_names(marker=MARKER))
def test_slot_strategies_draw_for_the_value_set(data: st.DataObject, user_name: str) -> None:
    """Built once, they give what the strategies built for this example's values give."""
    LOGIN.set(user_name)
    SLOT_MARKER.set(MARKER)
    miss = data.draw(SLOT_MISSES)
    assert collision_key(miss) != collision_key(user_name) and MARKER in miss and is_okta_user_name(miss)
    variant = data.draw(SLOT_VARIANTS)
    assert variant != user_name and variant.lower() == user_name.lower()
    ids = data.draw(st.lists(st.sampled_from(list(IDS)), min_size=1, unique=True))
    MEMBERS.set(ids)
    assert data.draw(SLOT_MEMBERS) <= set(ids)
    initial = INITIAL.set(data.draw(SLOT_MEMBERS))
    BY_ID.set({i: IDS[i] for i in ids})
    expected = initial
    for change in data.draw(SLOT_CHANGES):
        expected = apply_membership_change(expected, change)
        assert expected <= set(ids)


def test_slot_strategies_shrink_as_before() -> None:
    LOGIN.set("ann.m+x@x.io")
    SLOT_MARKER.set("m")
    assert find(SLOT_VARIANTS, lambda v: True, settings=QUICK) == "ANN.M+X@X.IO"
    assert find(near_misses(LOGIN), lambda v: True, settings=QUICK) == "ann.m@x.io"  # the tag removed


def test_a_slot_must_be_set_before_drawing() -> None:
    with pytest.raises(InvalidArgument, match="set it at the start of each example"):
        find(case_variants(Slot()), lambda v: True, settings=QUICK)
    with pytest.raises(InvalidArgument, match="marker="):
        Marker().set("not a marker!")
