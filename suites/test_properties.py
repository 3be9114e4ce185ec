"""Properties of Okta's provisioning, checked over everything Okta can send (hypothesis).

Each test states one property of a conformant provider and checks it on
examples drawn from the Okta-only strategies of :mod:`scim_conformance.strategies`,
so a correct target never fails, whatever is drawn. The number of examples comes
from the hypothesis profile (``--hypothesis-profile dev|ci|thorough``,
``--scim-examples N``); nothing here fixes it.

Every example starts with ``probe.begin_example()`` (a finding shows only that
example's exchanges; an example past the test's bounds — its share of the run's
budget, the shrinking bound — is turned away there) and draws its values under
a fresh marker (:func:`_marker`): the target keeps users (Okta never deletes
them), so no value may be reused by a later example or a shrinking replay.
Everything is created through the probe, so the run's cleanup knows it.

On a live target every user created stays (issue 8 §5). A property about what
Okta does to an existing user — a profile push, a deactivation, a lookup, a
membership push — runs on the run's pool (``scim_pool``,
:mod:`scim_conformance.pool`): each example gives pool users the profile it
drew, by Okta's own profile push, instead of creating them. Only creation's own
property (:func:`test_created_user_round_trips`) creates a user per example, so
only its example count follows the budget.

A failure that would break Okta stops the example (``probe.fail``), so
hypothesis shrinks it to a minimal one. The rfc sub-checks of okta properties
(a user's ``groups``, the list counters) are kept instead, once per test: a
tolerated deviation must never be what hypothesis shrinks toward in place of
an okta one.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import httpx
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from scim_conformance import checks
from scim_conformance.okta import requests as okta
from scim_conformance.okta.bodies import user_body
from scim_conformance.okta.protocol import OKTA_PAGE
from scim_conformance.okta.requests import ENCODINGS, Encoding
from scim_conformance.pool import Pool
from scim_conformance.probe import Probe
from scim_conformance.spec import Json
from scim_conformance.strategies import (
    Marker,
    Profile,
    Slot,
    apply_membership_change,
    apply_profile_update,
    case_variants,
    collision_key,
    group_names,
    member_sets,
    membership_changes,
    near_misses,
    okta_groups,
    okta_user_id_for,
    okta_users,
    profile_updates,
    user_names,
)

# -- markers -------------------------------------------------------------------------------------

_EXAMPLES = itertools.count(1)
_MARKER = Marker()
"""The example's marker, read when a value is drawn: the strategies below are built once."""
_RENAME_MARKER = Marker()
"""The marker of a group's name at one membership push (the example's, plus the push)."""


def _marker(run: str, tag: str) -> str:
    """A marker no other example of this process has: ``<run>.<tag><6-digit counter>``; now ``_MARKER``'s.

    The counter has a fixed width so no marker is a prefix of another: a near miss
    of one example (``…lk000005`` + ``5``) can never be the login of a later one.
    """
    return _MARKER.set(f"{run}.{tag}{next(_EXAMPLES):06d}")


# Built once per process (hypothesis validates a strategy on its first draw): each
# example sets its marker, and values carry it when drawn.
_USERS = okta_users(marker=_MARKER)
_USER_NAMES = user_names(marker=_MARKER)
_MEMBER_NAMES = st.lists(_USER_NAMES, min_size=2, max_size=5, unique_by=collision_key)
_GROUPS = okta_groups(marker=_MARKER)
_RENAMES = st.none() | group_names(marker=_RENAME_MARKER)
_PROFILE_UPDATES = st.lists(profile_updates(), min_size=1, max_size=3)
_ENCODINGS = st.sampled_from(list(ENCODINGS))
_ACTIVE_VALUES = st.lists(st.booleans(), min_size=1, max_size=6)
_PUSHES = 8  # membership pushes per example: enough for a member to be removed while another stays
# What an example drew or created, for the strategies that depend on it.
_USER_NAME: Slot[str] = Slot()
_TAKEN: Slot[frozenset[str]] = Slot()
_LOGINS: Slot[list[str]] = Slot()
_MEMBER_IDS: Slot[Sequence[str]] = Slot()
_USERS_BY_ID: Slot[Mapping[str, str]] = Slot()
_INITIAL: Slot[frozenset[str]] = Slot()
_NEIGHBOURS = st.lists(
    near_misses(_USER_NAME, marker=_MARKER, creatable=True), min_size=2, max_size=4, unique_by=collision_key
)
_NOBODY = st.lists(
    near_misses(_USER_NAME, marker=_MARKER).filter(lambda name: collision_key(name) not in _TAKEN.get()),
    min_size=1,
    max_size=3,
    unique_by=collision_key,
)
_CREATION_ORDERS = st.builds(
    lambda logins, order: [logins[i] for i in order if i < len(logins)],
    st.builds(_LOGINS.get),
    st.permutations(range(5)),  # the login and up to four neighbours
)
_CASE_VARIANTS = st.lists(case_variants(_USER_NAME), min_size=1, max_size=2, unique=True)
_INITIAL_MEMBERS = member_sets(_MEMBER_IDS)
_MEMBERSHIP_CHANGES = {
    profile: membership_changes(profile, _USERS_BY_ID, initial=_INITIAL, max_size=_PUSHES)
    for profile in ("aiw", "oin")
}


# -- shared helpers ------------------------------------------------------------------------------


def _show(value: Any) -> str:
    """JSON as sent, plus its escaped form when it holds non-ASCII (NFC vs NFD is then visible)."""
    text = json.dumps(value, ensure_ascii=False)
    escaped = json.dumps(value)
    return text if text == escaped else f"{text} (= {escaped})"


_CLAIMED = (
    "CONTRACT §4; RFC 7643 §7, RFC 7644 §3.3, §3.5.1: an attribute outside the stored table that the "
    "provider's own /Schemas claims comes back as sent, or not at all — never with another non-empty "
    "value (MUST)"
)


def _judge_round_trip(probe: Probe, sent: Json, got: Json, *, title: str, expected: str, check: str) -> None:
    """The stored attributes (CONTRACT §4, checks/stored.json) exactly as sent, else okta (stops the
    example); then the claimed ones: rfc, kept once per test, as ``check``.

    Okta's other attributes (locale, middleName, displayName, …) a provider may drop or derive.
    """
    __tracebackhide__ = True
    stored = checks.stored_differences(sent, got)
    if stored:
        probe.fail(
            f"{title} ({len(stored)} stored attribute{'s' if len(stored) > 1 else ''})",
            expected=f"{expected}: the stored attributes of {checks.stored_source()} exactly as sent",
            got="\n".join(stored),
        )
    claimed = checks.claimed_differences(sent, got, probe.claims)
    if claimed and not any(f.check == check for f in probe.kept):
        probe.expect(
            False,
            f"{title}: attributes the provider's /Schemas claims came back changed",
            check=check,
            severity="rfc",
            requirement=_CLAIMED,
            expected=f"{expected}: each attribute /Schemas claims as sent, or not returned",
            got="\n".join(claimed),
        )


def _fetch(probe: Probe, path: str) -> Json:
    """GET one resource of this run: 200 and a JSON object, else a finding at the test's severity."""
    __tracebackhide__ = True
    kind, rid = path.strip("/").split("/")
    return probe.read(probe.send(okta.fetch(kind, rid)))  # type: ignore[arg-type]


def _okta_user(run: str, user_name: str) -> Json:
    """Okta's create body (okta-requests.md §4) for ``user_name``, with a plain profile.

    For properties of the login alone (lookups, deactivation, membership): the
    profile's free text would only slow examples down and widen what shrinks.
    """
    body = user_body(run, "property")
    body["userName"] = user_name
    body["emails"][0]["value"] = user_name
    body["externalId"] = okta_user_id_for(user_name)
    return body


def _lookup(probe: Probe, user_name: str, encoding: Encoding) -> httpx.Response:
    """Okta's lookup before create: ``GET /Users?filter=userName eq "<v>"&startIndex=1&count=100``."""
    return probe.send(okta.lookup_user(user_name, encoding=encoding))


def _listed(body: Json) -> list[tuple[Any, Any]]:
    resources = body.get("Resources")
    return [
        (r.get("id"), r.get("userName")) if isinstance(r, dict) else (None, r)
        for r in (resources if isinstance(resources, list) else [])
    ]


def _expect_found(probe: Probe, response: httpx.Response, user_id: str, user_name: str, *, why: str) -> None:
    """The lookup returned exactly the one user ``user_id``; otherwise a finding (stops the example)."""
    __tracebackhide__ = True
    body = probe.expect_list_response(response)
    listed = _listed(body)
    if [rid for rid, _ in listed] != [user_id]:
        shown = ", ".join(f"{rid} {_show(name)}" for rid, name in listed) or "nothing"
        probe.fail(
            f'GET /Users?filter=userName eq "…" {why}: {len(listed)} resources instead of the one user',
            expected=f"exactly user {user_id} ({_show(user_name)})",
            got=f"totalResults {body.get('totalResults')!r}; Resources: {shown}",
        )


def _kept_once(probe: Probe, ok: bool, title: str, *, check: str, **kwargs: Any) -> None:
    """An rfc sub-check: judged until it fails once in this test, then no longer (one finding per test)."""
    __tracebackhide__ = True
    if not any(f.check == check for f in probe.kept):
        probe.expect(ok, title, check=check, severity="rfc", **kwargs)


# -- pagination ----------------------------------------------------------------------------------

_TAIL_PAGES = 40  # the most pages of `count` one example walks, whatever the target holds
_PICKS = 10**6  # a startIndex pick's range: more than any window (30 × 40) for an even spread

_PAGINATION = (
    "okta-requests.md §9; CONTRACT §4 (List responses): paging with startIndex and count sees every "
    "resource exactly once, in a stable order, with a consistent totalResults (MUST)"
)
_COUNTERS = (
    "RFC 7644 §3.4.2.4, §3.4.2: startIndex echoes the request; itemsPerPage is the number of resources "
    "returned, never more than count (MUST)"
)


def _page(probe: Probe, start: int, count: int) -> Json:
    response = probe.send(okta.list_page("Users", start, count))
    body = probe.expect_list_response(response)
    listed = _listed(body)
    where = f"GET /Users?startIndex={start}&count={count}"
    _kept_once(
        probe,
        body.get("startIndex") == start,
        f"{where}: startIndex {body.get('startIndex')!r} does not echo the request",
        check="properties.pagination.counters",
        expected=f'"startIndex": {start}',
        got=f'"startIndex": {body.get("startIndex")!r}',
        requirement=_COUNTERS,
    )
    _kept_once(
        probe,
        body.get("itemsPerPage") == len(listed) <= count,
        f"{where}: itemsPerPage {body.get('itemsPerPage')!r} for {len(listed)} resources",
        check="properties.pagination.counters",
        expected=f"at most {count} resources, and itemsPerPage equal to their number",
        got=f'{len(listed)} resources, "itemsPerPage": {body.get("itemsPerPage")!r}',
        requirement=_COUNTERS,
    )
    return body


@pytest.mark.check(
    "properties.pagination",
    operations=("import-users",),
    severity="okta",
    requirement=_PAGINATION,
    operation="Import users",
)
@pytest.mark.footprint(pool=True)
@given(data=st.data())
def test_pages_tile_the_listing(probe: Probe, scim_pool: Pool, data: st.DataObject) -> None:
    """Pages from any startIndex with any count see each resource exactly once.

    The walk is startIndex=1, 101, … (Okta's pages) up to the drawn ``startIndex``,
    then ``startIndex``, ``startIndex+count``, … until past ``totalResults``, as
    an Okta import goes. Together the pages must hold each of this run's listed
    users exactly once, no resource twice, and at least the ``totalResults`` of
    the first request; ``totalResults`` may grow while other clients create
    resources, never shrink. Only this run's users are named: the target may
    hold anyone else's. On a large target the drawn ``startIndex`` stays within
    40 pages of the end, so an example costs a bounded number of requests.

    Shrinks toward count=1 and the lowest startIndex.
    """
    probe.begin_example()
    listed_users = frozenset(scim_pool.fill(probe))  # the run's pool: users this run created
    first = _page(probe, 1, 1)
    total = first.get("totalResults")
    assert isinstance(total, int)  # expect_list_response checked it
    count = data.draw(st.integers(min_value=1, max_value=30), label="count")
    # No draw's bounds may come from the target: on a live one totalResults changes between
    # an example and its replay, and hypothesis then fails the test itself
    # (FlakyStrategyDefinition). A fixed-range draw picks the startIndex in the window
    # instead; it shrinks to 0, the window's lowest startIndex.
    low, high = max(1, total + 2 - count * _TAIL_PAGES), total + 2
    pick = data.draw(st.integers(min_value=0, max_value=_PICKS), label="startIndex pick")
    start = low + pick % (high - low + 1)
    note(f"startIndex={start} (totalResults={total}, count={count})")
    pages: list[tuple[int, int, Json]] = []
    index = 1
    while index < start:  # the head, in Okta's pages
        size = min(OKTA_PAGE, start - index)
        pages.append((index, size, _page(probe, index, size)))
        index += size
    index = start
    while True:  # the walk under test
        pages.append((index, count, _page(probe, index, count)))
        index += count
        if index > total:
            break
    _judge_tiling(probe, listed_users, total, start, count, pages)


def _judge_tiling(
    probe: Probe,
    listed: frozenset[str],
    first_total: int,
    start: int,
    count: int,
    pages: list[tuple[int, int, Json]],
) -> None:
    __tracebackhide__ = True
    seen: Counter[str] = Counter()
    problems: list[str] = []
    previous = first_total
    for index, size, body in pages:
        seen.update(str(rid) for rid, _ in _listed(body))
        page_total = body.get("totalResults")
        if not isinstance(page_total, int) or page_total < max(previous, len(seen)):
            problems.append(
                f"startIndex={index}&count={size}: totalResults {page_total!r} after {previous}, with "
                f"{len(seen)} distinct resources seen so far"
            )
        previous = page_total if isinstance(page_total, int) else previous
    missing = sorted(listed - set(seen))
    twice = sorted(rid for rid, n in seen.items() if n > 1)
    if missing:
        problems.append(
            f"{len(missing)} of this run's {len(listed)} users never listed: {', '.join(missing)}"
        )
    if twice:
        problems.append(f"listed more than once: {', '.join(twice)}")
    if len(seen) < first_total:
        problems.append(f"{len(seen)} distinct resources seen, totalResults was {first_total}")
    if problems:
        walk = "; ".join(f"{i}+{len(_listed(b))}" for i, _, b in pages[:20])
        probe.fail(
            f"paging /Users from startIndex={start} with count={count} does not tile the listing",
            expected="every resource exactly once (this run's users included), totalResults never "
            "shrinking and never below what was listed",
            got="\n".join(
                [*problems, f"pages (startIndex+resources): {walk}{' …' if len(pages) > 20 else ''}"]
            ),
        )


# -- users: create and profile updates -----------------------------------------------------------


@pytest.mark.check(
    "properties.round-trip",
    operations=("create-user", "fetch-user"),
    severity="okta",
    requirement="CONTRACT §4 (Create): the stored values round-trip exactly, Unicode included, on the "
    "next GET; okta-requests.md §4, §5 (MUST)",
    operation="Create user, then fetch it",
)
@pytest.mark.footprint(example_users=1)
@given(data=st.data())
def test_created_user_round_trips(probe: Probe, scim_run: str, data: st.DataObject) -> None:
    """Any user Okta creates reads back with its stored attributes exactly as sent: no normalisation.

    userName, externalId, name.givenName/familyName, the primary email and
    active (CONTRACT §4, ``checks/stored.json``), compared as code points: NFC
    stays NFC, nothing is trimmed, case-folded or accent-stripped (okta). Okta's
    other attributes (displayName, locale, the email's type) may be dropped or
    derived; one the provider's /Schemas claims must not come back with another
    non-empty value (rfc, check ``properties.round-trip.claimed``).
    """
    probe.begin_example()
    _marker(scim_run, "rt")
    body = data.draw(_USERS, label="POST /Users body")
    if probe.examples is not None and not probe.examples.affords():
        return  # shrinking past this test's share of a live target's budget: sent nothing
    created = probe.create("/Users", body)
    fetched = _fetch(probe, f"/Users/{created['id']}")
    _judge_round_trip(
        probe,
        body,
        fetched,
        title="GET /Users/{id} differs from what Okta created",
        expected="the user Okta created",
        check="properties.round-trip.claimed",
    )


@pytest.mark.check(
    "properties.put-round-trip",
    operations=("update-profile",),
    severity="okta",
    requirement="CONTRACT §2, §4 (PUT replaces the resource with the body); okta-requests.md §6: a "
    "profile update is GET then PUT of the changed resource, and the change is kept (MUST)",
    operation="Push profile update (GET + PUT)",
)
@pytest.mark.footprint(pool=True)
@given(data=st.data())
def test_profile_update_round_trips(
    probe: Probe, scim_run: str, scim_pool: Pool, data: st.DataObject
) -> None:
    """After each Okta profile push (GET, change, PUT), GET returns the PUT body's stored attributes.

    A user of the run's pool is given a drawn Okta profile, then one to three
    pushes follow in a row, each built from the provider's own GET response as
    Okta builds it, so a change lost or a previous one resurrected shows (okta,
    for the attributes of ``checks/stored.json``). A change to another attribute
    (middleName, displayName, locale) may be dropped or derived; one the
    provider's /Schemas claims must not come back with another non-empty value
    (rfc, check ``properties.put-round-trip.claimed``).
    """
    probe.begin_example()
    _marker(scim_run, "pu")
    body = data.draw(_USERS, label="Okta profile")
    (uid,) = scim_pool.users(probe, [body])
    path = f"/Users/{uid}"
    updates = data.draw(_PROFILE_UPDATES, label="profile updates")
    client = probe.okta("aiw")  # a profile update is GET then PUT in both profiles (CONTRACT §2)
    for number, update in enumerate(updates, 1):
        sent, response = client.update_profile(
            uid, lambda current, u=update: apply_profile_update(current, u)
        )
        probe.expect_status(response, 200, title=f"PUT /Users/{{id}} (profile update {number}) was refused")
        _judge_round_trip(
            probe,
            sent,
            _fetch(probe, path),
            title=f"GET /Users/{{id}} after profile update {number} differs from the PUT body",
            expected=f"the PUT body (changed: {', '.join(sorted(update))})",
            check="properties.put-round-trip.claimed",
        )


# -- users: lookups ------------------------------------------------------------------------------


@pytest.mark.check(
    "properties.lookup-exact",
    operations=("lookup-user",),
    severity="okta",
    requirement="CONTRACT §4 (Lookup hit): an eq filter is an exact match, never a prefix or substring; "
    "okta-requests.md §3 (MUST)",
    operation="Look up user before create",
)
@pytest.mark.footprint(pool=True)
@given(data=st.data())
def test_lookup_is_exact(probe: Probe, scim_run: str, scim_pool: Pool, data: st.DataObject) -> None:
    """Among near-miss users, ``userName eq "<v>"`` finds exactly ``v``; a near miss that is no user, nothing.

    The user and two to four creatable near misses (cut-offs, extensions, a
    ``+tag`` more or less, one character dropped) are given to users of the
    run's pool in a drawn order (Okta's profile push: a login changed in Okta);
    each is then looked up as Okta does, with today's ``%20`` or the older ``+``
    encoding, and must come back alone. Then one to three near misses that are
    nobody's login (any prefix, suffix, a space for the ``+``) are looked up and
    must find no one (an empty list, or the 404 Okta also reads as "not found").
    A prefix, substring or normalising match finds a neighbour too.
    """
    probe.begin_example()
    _marker(scim_run, "lk")
    user_name = _USER_NAME.set(data.draw(_USER_NAMES, label="userName"))
    neighbours = data.draw(_NEIGHBOURS, label="near-miss users")
    _TAKEN.set(frozenset(collision_key(name) for name in [user_name, *neighbours]))
    nobody = data.draw(_NOBODY, label="near misses that are no user")
    _LOGINS.set([user_name, *neighbours])
    order = data.draw(_CREATION_ORDERS, label="creation order")
    encoding = data.draw(_ENCODINGS, label="space encoding")
    ids = scim_pool.users(probe, [_okta_user(scim_run, name) for name in order])
    created = list(zip(ids, order, strict=True))
    for user_id, name in created:
        response = _lookup(probe, name, encoding)
        _expect_found(probe, response, user_id, name, why=f"with {len(created) - 1} near-miss users present")
    for name in nobody:
        response = _lookup(probe, name, encoding)
        if response.status_code == 404:
            continue  # okta-requests.md §3: Okta reads a 404 as "not found" too
        listed = _listed(probe.expect_list_response(response))
        if listed:
            shown = ", ".join(f"{rid} {_show(found)}" for rid, found in listed)
            probe.fail(
                f'GET /Users?filter=userName eq "…" for a login nobody has found {len(listed)} users',
                expected=f"no user: {_show(name)} is not the login of any user",
                got=f"Resources: {shown}",
            )


@pytest.mark.check(
    "properties.lookup-case",
    operations=("lookup-user",),
    severity="rfc",
    requirement="RFC 7643 §4.1.1 (userName caseExact false), RFC 7644 §3.4.2.2: eq on a case-insensitive "
    "attribute matches in any case (MUST); Okta sends the userName as stored, so a case-sensitive match "
    "breaks only other clients",
    operation="Look up user before create",
)
@pytest.mark.footprint(pool=True)
@given(data=st.data())
def test_lookup_ignores_case(probe: Probe, scim_run: str, scim_pool: Pool, data: st.DataObject) -> None:
    """``userName eq`` with the login in another ASCII case still returns exactly that user."""
    probe.begin_example()
    _marker(scim_run, "lc")
    user_name = data.draw(_USER_NAMES, label="userName")
    (user_id,) = scim_pool.users(probe, [_okta_user(scim_run, user_name)])
    _USER_NAME.set(user_name)
    variants = data.draw(_CASE_VARIANTS, label="case variants")
    encoding = data.draw(_ENCODINGS, label="space encoding")
    for variant in variants:
        response = _lookup(probe, variant, encoding)
        _expect_found(probe, response, user_id, user_name, why=f"in another case ({_show(variant)})")


# -- users: deactivation -------------------------------------------------------------------------


def _set_active(probe: Probe, path: str, active: bool, profile: Profile) -> None:
    """Okta's deactivation (``active`` False) or reactivation: PUT for aiw, PATCH for oin (CONTRACT §2)."""
    __tracebackhide__ = True
    verb = "reactivation" if active else "deactivation"
    response = probe.okta(profile).set_active(path.rsplit("/", 1)[1], active)
    if profile == "aiw":
        probe.expect_status(response, 200, title=f"Okta's {verb} (PUT active={active}) was refused")
    else:
        probe.expect_status(response, 200, 204, title=f"Okta's {verb} (PATCH active={active}) was refused")


@pytest.mark.check(
    "properties.deactivation",
    operations=("deactivate", "reactivate"),
    severity="okta",
    requirement="CONTRACT §2 (deactivate / reactivate), §4 (active false deactivates; a deactivated user "
    "is still found by its userName); okta-requests.md §7 (MUST)",
    operation="Deactivate / reactivate user",
)
@pytest.mark.footprint(pool=True)
@given(data=st.data())
def test_deactivation_is_idempotent(
    probe: Probe, scim_run: str, scim_pool: Pool, okta_profile: Profile, data: st.DataObject
) -> None:
    """Any sequence of deactivations and reactivations leaves ``active`` as the last one set.

    Repeating one is harmless, and after each the user (of the run's pool, given
    the drawn login and active) is still found by Okta's ``userName eq`` lookup
    (otherwise Okta re-creates it and hits 409).
    """
    probe.begin_example()
    _marker(scim_run, "da")
    user_name = data.draw(_USER_NAMES, label="userName")
    (user_id,) = scim_pool.users(probe, [_okta_user(scim_run, user_name)])
    path = f"/Users/{user_id}"
    values = data.draw(_ACTIVE_VALUES, label="active values sent")
    for number, active in enumerate(values, 1):
        _set_active(probe, path, active, okta_profile)
        shown = _fetch(probe, path).get("active")
        if shown is not active:
            probe.fail(
                f"after step {number} (active={active}) GET /Users/{{id}} shows active={_show(shown)}",
                expected=f'"active": {json.dumps(active)}, the last value Okta sent',
                got=f'"active": {_show(shown)} (sent so far: {values[:number]})',
            )
        response = _lookup(probe, user_name, "%20")
        state = "active" if active else "deactivated"
        _expect_found(probe, response, user_id, user_name, why=f"for a {state} user")


# -- groups: membership --------------------------------------------------------------------------


_USER_GROUPS = (
    "CONTRACT §4 (Group members); RFC 7643 §4.1.2: each member user's read-only groups lists the "
    "groups it belongs to (MUST)"
)


def _send_membership(probe: Probe, path: str, profile: Profile, change: Json, name: str, step: int) -> None:
    """One membership push as ``profile`` sends it, with the name update Okta sends alongside (§8).

    aiw: GET the group, then PUT it with the name and the full member list.
    oin: the membership PATCH, then the rename PATCH ``{"op": "replace", "value": {"id", "displayName"}}``.
    """
    __tracebackhide__ = True
    responses = probe.okta(profile).push_membership(path.rsplit("/", 1)[1], change, name)
    if profile == "aiw":
        (put,) = responses
        probe.expect_status(put, 200, title=f"membership push {step} (PUT /Groups/{{id}}) was refused")
        return
    membership, rename = responses
    probe.expect_status(
        membership, 200, 204, title=f"membership push {step} (PATCH /Groups/{{id}}) was refused"
    )
    probe.expect_status(
        rename, 200, 204, title=f"group name update {step} (PATCH /Groups/{{id}}) was refused"
    )


def _group_ids(user: Json) -> set[Any]:
    groups = user.get("groups")
    return {g.get("value") for g in (groups if isinstance(groups, list) else []) if isinstance(g, dict)}


@pytest.mark.check(
    "properties.membership",
    operations=("push-members", "add-members", "remove-members"),
    severity="okta",
    requirement="CONTRACT §2 (group membership), §4 (Group members): after any membership request "
    "GET /Groups/{id} lists exactly the intended members; okta-requests.md §8 (MUST)",
    operation="Push group memberships",
)
@pytest.mark.footprint(pool=True)
@given(data=st.data())
def test_membership_follows_okta(
    probe: Probe, scim_run: str, scim_pool: Pool, okta_profile: Profile, data: st.DataObject
) -> None:
    """Any sequence of Okta's membership pushes leaves exactly the members the oracle expects.

    Two to five users (of the run's pool, given drawn logins) and the pool's
    group, pushed with some of them and a drawn name; then up to eight
    drawn pushes (aiw: PUT with the full list; oin: PATCH removes by filter,
    adds, or a full replace, ``[]`` included), each with Okta's group name
    update, which renames the group or repeats its name. After each push ``members`` must be
    :func:`~scim_conformance.strategies.apply_membership_change`'s set (okta);
    at the end each user's ``groups`` must agree (rfc, check
    ``properties.membership.user-groups``).
    """
    probe.begin_example()
    marker = _marker(scim_run, "mb")
    names = data.draw(_MEMBER_NAMES, label="member userNames")
    ids = scim_pool.users(probe, [_okta_user(scim_run, name) for name in names])
    users = dict(zip(ids, names, strict=True))
    _USERS_BY_ID.set(users)
    _MEMBER_IDS.set(list(users))
    initial = _INITIAL.set(data.draw(_INITIAL_MEMBERS, label="members pushed with the group"))
    group = data.draw(_GROUPS, label="group pushed")
    name = group["displayName"]
    members = [{"value": uid, "display": users[uid]} for uid in users if uid in initial]
    path = f"/Groups/{scim_pool.push_group(probe, okta_profile, name, members)}"
    changes = data.draw(_MEMBERSHIP_CHANGES[okta_profile], label="membership pushes")
    expected = initial
    _expect_members(probe, path, users, expected, "after the group was pushed")
    for step, change in enumerate(changes, 1):
        _RENAME_MARKER.set(f"{marker}.r{step}")
        renamed = data.draw(_RENAMES, label=f"name at push {step}")
        name = renamed or name
        _send_membership(probe, path, okta_profile, change, name, step)
        expected = apply_membership_change(expected, change)
        _expect_members(
            probe, path, users, expected, f"after push {step}" + (" (renamed)" if renamed else "")
        )
    _expect_user_groups(probe, path.rsplit("/", 1)[1], users, expected)


def _expect_members(
    probe: Probe, path: str, users: dict[str, str], expected: frozenset[str], when: str
) -> None:
    __tracebackhide__ = True
    listed = checks.member_ids(_fetch(probe, path))
    if sorted(map(str, listed)) != sorted(expected):
        probe.fail(
            f"GET /Groups/{{id}} {when}: the members differ from what Okta pushed",
            expected=f"members {_names(sorted(expected), users)}",
            got=f"members {_names(listed, users)}",
        )


def _expect_user_groups(probe: Probe, gid: str, users: dict[str, str], expected: frozenset[str]) -> None:
    """Each user's read-only ``groups`` agrees with the group's final members (rfc, once per test)."""
    __tracebackhide__ = True
    for uid in users:
        groups = _group_ids(_fetch(probe, f"/Users/{uid}"))
        member = uid in expected
        _kept_once(
            probe,
            (gid in groups) == member,
            "GET /Users/{id} after the pushes: the user's groups disagree with the group's members",
            check="properties.membership.user-groups",
            expected=f"groups {'listing' if member else 'without'} group {gid}",
            got=f"groups {sorted(map(str, groups))}",
            requirement=_USER_GROUPS,
        )


def _names(ids: Iterable[Any], users: dict[str, str]) -> str:
    shown = [f"{i} ({_show(users[i])})" if i in users else repr(i) for i in ids]
    return "[" + ", ".join(shown) + "]"
