"""Safe on a shared or production target: a full run leaves everything it did not create as it was.

The reference server is served on loopback with ``--log`` and seeded over HTTP
with 1,000 foreign users (Okta-shaped, varied, some deactivated, Unicode) and
100 groups with members (some nested). Every foreign resource is snapshotted
as raw bytes (``GET /Users/{id}``, ``GET /Groups/{id}``, ``meta.lastModified``
included) with the paginated list order; then the whole default run (both Okta
profiles), serial and under ``-n 2``, must leave every snapshot byte-identical,
send no write that names a foreign id, mark everything it creates, and clean up
all of it, at most one request per created resource.
"""

from __future__ import annotations

import json
import random
import re
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from live_targets import pretty, read_log, reference_server, run_suites, scim_path

from scim_conformance.okta.protocol import OKTA_CONTENT_TYPE, OKTA_HEADERS
from scim_conformance.spec import ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, Json

# Slow (a seeded served server, full runs serial and under xdist): not in `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

USERS = 1000
GROUPS = 100
PAGE = 100
TOKEN = "safety-" + secrets.token_hex(16)
# scim_run's marker (plugin.py): "scimconf-<8 hex>", plus "-gwN" under xdist.
MARKER = re.compile(r"scimconf-[0-9a-f]{8}(?:-gw\d+)?")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
WRITES = ("PUT", "PATCH", "DELETE")
HEADERS = {
    **OKTA_HEADERS,
    "Content-Type": OKTA_CONTENT_TYPE,
    "Authorization": f"Bearer {TOKEN}",
}

_GIVEN = ["Zoë", "José", "Łukasz", "Søren", "Đorđe", "Ana", "Chloé", "Ἀχιλλεύς", "美咲", "Nguyễn", "Jean-Luc"]
_FAMILY = ["Ødegård", "O'Brien", "Müller-Lüdenscheidt", "Ñúñez", "山田", "Smith", "Dvořák", "SSeck", "Çelik"]
_LOCALES = ["en-US", "fr-FR", "de-DE", "ja-JP", "pt-BR", "nb-NO"]


def foreign_user(n: int, rng: random.Random) -> Json:
    """Okta's create body (okta-requests.md §4), varied: Unicode, ``+``/``'`` logins, extras, inactive."""
    given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
    local = rng.choice([f"user{n}", f"zoë.ødegård{n}", f"o'brien+{n}", f"jean-luc_{n}", f"山田{n}"])
    login = f"{local}@{rng.choice(['corp.example', 'exämple.org', 'example.com'])}"
    user: Json = {
        "schemas": [USER_SCHEMA],
        "userName": login,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"primary": True, "value": login, "type": "work"}],
        "displayName": f"{given} {family} #{n}",
        "locale": rng.choice(_LOCALES),
        "externalId": f"00u{n:017d}",
        "groups": [],
        "password": secrets.token_urlsafe(8),
        "active": n % 7 != 0,  # one in seven deactivated
    }
    if n % 3 == 0:
        user["title"] = rng.choice(["Engineer", "Ingénieure", "営業", "Señor Analyst"])
        user["nickName"] = f"{given[:3]}🙂"
    if n % 5 == 0:
        user["schemas"] = [USER_SCHEMA, ENTERPRISE_USER_SCHEMA]
        user[ENTERPRISE_USER_SCHEMA] = {"employeeNumber": str(n), "department": rng.choice(_FAMILY)}
    if n % 11 == 0:
        user["phoneNumbers"] = [{"value": f"+1 555 01{n % 100:02d}", "type": "work"}]
    return user


def foreign_group(n: int, members: list[tuple[str, str]]) -> Json:
    name = f"Équipe {n} – {_FAMILY[n % len(_FAMILY)]}" if n % 4 == 0 else f"team-{n}"
    return {
        "schemas": [GROUP_SCHEMA],
        "displayName": name,
        "members": [{"value": value, "display": display} for value, display in members],
    }


@dataclass
class Snapshot:
    """Every foreign resource as served: raw GET bytes, and the order and content of the lists."""

    raw: dict[str, bytes] = field(default_factory=dict)
    order: dict[str, list[str]] = field(default_factory=dict)
    listed: dict[str, Json] = field(default_factory=dict)


@dataclass
class Seeded:
    base_url: str
    log: Path
    client: httpx.Client
    users: dict[str, Json]
    """Foreign user id -> the user as created."""
    groups: dict[str, Json]
    before: Snapshot


def _post(client: httpx.Client, path: str, body: Json) -> Json:
    response = client.post(path, content=json.dumps(body, ensure_ascii=False).encode())
    assert response.status_code == 201, f"seeding POST {path}: {response.status_code} {response.text}"
    created: Json = response.json()
    return created


def _list(client: httpx.Client, endpoint: str) -> list[Json]:
    """Every resource of ``endpoint``, page by page as Okta imports (count=100 until totalResults)."""
    resources: list[Json] = []
    start = 1
    while True:
        page = client.get(endpoint, params={"startIndex": start, "count": PAGE})
        assert page.status_code == 200, page.text
        body = page.json()
        resources += body["Resources"]
        start += PAGE
        if start > body["totalResults"] or not body["Resources"]:
            return resources


def snapshot(client: httpx.Client, users: dict[str, Json], groups: dict[str, Json]) -> Snapshot:
    shot = Snapshot()
    paths = [f"/Users/{uid}" for uid in users] + [f"/Groups/{gid}" for gid in groups]

    def fetch(path: str) -> tuple[str, bytes]:
        response = client.get(path)
        return path, response.content if response.status_code == 200 else f"{response.status_code}".encode()

    with ThreadPoolExecutor(8) as pool:
        shot.raw = dict(pool.map(fetch, paths))
    for endpoint, foreign in (("/Users", users), ("/Groups", groups)):
        listed = [r for r in _list(client, endpoint) if r.get("id") in foreign]
        shot.order[endpoint] = [r["id"] for r in listed]
        shot.listed.update((r["id"], r) for r in listed)
    return shot


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    tmp = tmp_path_factory.mktemp("safety")
    log = tmp / "requests.jsonl"
    with reference_server(tmp, TOKEN, log=log) as served:
        limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
        options = {"headers": HEADERS, "limits": limits, "timeout": 30}
        with httpx.Client(base_url=served.base_url, **options) as client:
            rng = random.Random(20260101)
            bodies = [foreign_user(n, rng) for n in range(USERS)]
            with ThreadPoolExecutor(8) as pool:
                created = list(pool.map(lambda body: _post(client, "/Users", body), bodies))
            users = {u["id"]: u for u in created}
            groups: dict[str, Json] = {}
            for n in range(GROUPS):
                members = [(u["id"], u["userName"]) for u in rng.sample(created, rng.randrange(0, 16))]
                if n >= 60:  # nested: a group of earlier groups
                    members += [(g["id"], g["displayName"]) for g in rng.sample(list(groups.values()), 2)]
                group = _post(client, "/Groups", foreign_group(n, members))
                groups[group["id"]] = group
            nested = [
                g for g in groups.values() if any(m.get("type") == "Group" for m in g.get("members", []))
            ]
            assert len(nested) == GROUPS - 60
            yield Seeded(served.base_url, log, client, users, groups, snapshot(client, users, groups))


@pytest.mark.parametrize("mode", ["serial", "xdist"])
def test_full_run_leaves_foreign_resources_untouched(seeded: Seeded, tmp_path: Path, mode: str) -> None:
    """The default run (both profiles), serial or ``-n 2``: foreign resources byte-identical, own cleaned."""
    seen = len(read_log(seeded.log))
    extra = ["-n", "2"] if mode == "xdist" else []
    result = run_suites(seeded.base_url, TOKEN, tmp_path, "-q", *extra)
    assert result.returncode == 0, pretty(result)
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["profiles"] == "all"
    assert summary["counts"] == {"security": 0, "okta": 0, "rfc": 0}, pretty(result)

    # 1. Nothing foreign changed: same bytes, none missing, same groups, same list order.
    after = snapshot(seeded.client, seeded.users, seeded.groups)
    changed = [path for path, raw in seeded.before.raw.items() if after.raw.get(path) != raw]
    assert not changed, f"{len(changed)} foreign resources changed, e.g. {changed[:3]}"
    for uid in seeded.users:
        groups_before = json.loads(seeded.before.raw[f"/Users/{uid}"]).get("groups")
        assert json.loads(after.raw[f"/Users/{uid}"]).get("groups") == groups_before
    assert after.order == seeded.before.order
    assert after.listed == seeded.before.listed

    # 2. The run wrote to its own resources only, and marked each one.
    exchanges = read_log(seeded.log)[seen:]
    created: dict[str, tuple[str, Json]] = {}
    for entry in exchanges:
        segments = scim_path(entry)
        if entry["method"] == "POST" and len(segments) == 1 and entry["status"] in (200, 201):
            resource = json.loads(entry["response_body"])
            created[resource["id"]] = (segments[0], resource)
    foreign = seeded.users.keys() | seeded.groups.keys()
    markers = set()
    for rid, (endpoint, resource) in created.items():
        label = resource.get("userName") or resource.get("displayName") or ""
        found = MARKER.search(label)
        assert found, f"{endpoint}/{rid} was created without the run marker: {label!r}"
        markers.add(found[0])
    assert len(markers) == (2 if mode == "xdist" else 1), markers
    for entry in exchanges:
        if entry["method"] == "GET":
            continue
        segments = scim_path(entry)
        where = f"{entry['method']} {'/'.join(segments)}"
        if entry["method"] in WRITES and segments[0] in ("Users", "Groups") and len(segments) > 1:
            assert segments[1] in created, f"{where}: a write to a resource the run did not create"
        named = set(UUID.findall(entry.get("body") or "")) & foreign
        assert not named, f"{where}: the body names foreign resources {sorted(named)[:3]}"

    # 3. Everything the run created is cleaned: groups deleted, users deactivated (or deleted).
    cleanup = summary["cleanup"]
    assert cleanup["leftovers"] == []
    assert cleanup["created"] == len(created)
    assert cleanup["requests"] <= cleanup["created"]
    for rid, (endpoint, _) in created.items():
        response = seeded.client.get(f"/{endpoint}/{rid}")
        if endpoint == "Groups":
            assert response.status_code == 404, f"group {rid} left behind: {response.text}"
        else:
            assert response.status_code == 404 or response.json()["active"] is False, response.text


@pytest.mark.parametrize("method", WRITES)
def test_probe_never_writes_to_a_foreign_resource(method: str) -> None:
    """A write to a user or group the run did not create is refused before anything is sent."""
    from scim_conformance.cleanup import Tracker
    from scim_conformance.errors import HarnessError
    from scim_conformance.okta.bodies import user_body
    from scim_conformance.probe import Probe
    from scim_conformance.target import embedded_target

    target = embedded_target()
    try:
        foreign = target.client.post("/Users", json=user_body("someone-else", "foreign")).json()
        probe = Probe(target, Tracker(target), check="safety", severity="okta", requirement="safety (MUST)")
        own = probe.create("/Users", user_body("scimconf-0000abcd", "own"))
        sent = len(probe.exchanges())
        for path in (f"/Users/{foreign['id']}", f"/Groups/{foreign['id']}"):
            with pytest.raises(HarnessError, match="not a resource this run created"):
                probe.request(method, path, body={} if method != "DELETE" else None)
        assert len(probe.exchanges()) == sent, "a refused write must not reach the target"
        assert target.client.get(f"/Users/{foreign['id']}").json() == foreign
        body, sent = {**own, "active": False}, len(probe.exchanges())
        probe.request(method, f"/Users/{own['id']}", body=body if method == "PUT" else None)
        assert len(probe.exchanges()) == sent + 1, "a write to the run's own resource is sent"
    finally:
        target.close()
