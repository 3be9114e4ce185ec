"""Figures for the reference server, side by side in one run (a report, not a test).

    python bench/server.py [--quick] [--check]

One ``httpx.Client`` (keep-alive, one connection per server) drives every server
over loopback. Each server runs in its own uvicorn subprocess with the same
settings (``launch.py``), so only the app differs, and rounds rotate through the
servers so that drift on a noisy machine hits all of them alike:

- the framework floor: a minimal starlette endpoint answering a fixed
  ListResponse, sent the very requests Okta sends; our per-request cost must stay
  within 1.5x of it;
- the throughput of Okta's lookup -> create -> GET -> PUT sequence
  (okta-requests.md §3-§6) with 10,000 users stored, ours against scim2-server:
  at least 2x;
- the same sequence in-process, with no socket (``ASGIPortalTransport`` mounted on
  the same client): reported, no target;
- ``userName eq`` lookup latency with 100 and with 100,000 stored users: at most
  1.5x apart;
- memory per stored user, by tracemalloc around storing 10,000 Okta users
  through ``Store.create``: at most 2 KB.

Each ratio is the median over rounds of the ratio measured within one round.
The exit code is 0 (it is a report), or 1 with ``--check`` when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx

from scim_conformance.core.text import shorten
from scim_conformance.okta.protocol import OKTA_CONTENT_TYPE, OKTA_HEADERS

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ is not a package
import launch
import report
from figures import Figure, Settings, Target, sequences_per_second

if TYPE_CHECKING:
    from scim_conformance.server.store import Store

STORED = 10_000
LOOKUP_SIZES = (100, 100_000)
STARTUP_TIMEOUT = 180.0
NEW_USERS = 10_000_000  # numbers of the users the sequence creates, clear of the seeded ones

JSON_BODY = {"Content-Type": OKTA_CONTENT_TYPE}

DEFAULT = Settings(rounds=60, batch=30, lookup_rounds=40, lookup_batch=100)
QUICK = Settings(rounds=6, batch=12, lookup_rounds=6, lookup_batch=40)


# -- servers -----------------------------------------------------------------------


@contextmanager
def served(kind: str, users: int, token: str, realm: str) -> Iterator[Callable[[], str]]:
    """Start ``launch.py kind`` now; the yielded callable waits for it and returns its base URL."""
    out = tempfile.TemporaryFile("w+")
    err = tempfile.TemporaryFile("w+")
    options = ["--users", str(users), "--token", token, "--realm", realm]
    process = subprocess.Popen(
        [sys.executable, launch.__file__, kind, *options], stdout=out, stderr=err, text=True
    )

    def ready() -> str:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            out.seek(0)
            line = out.readline()
            if line.startswith("READY "):
                return line.split()[1]
            time.sleep(0.05)
        err.seek(0)
        raise RuntimeError(f"the {kind} server with {users} users did not start:\n{err.read()[-2000:]}")

    try:
        yield ready
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        out.close()
        err.close()


# -- Okta's requests ----------------------------------------------------------------


def lookup_url(base: str, n: int) -> str:
    """Okta's lookup of user ``n`` (okta-requests.md §3), percent-encoded as Okta sends it."""
    flt = quote(f'userName eq "{launch.user_name(n)}"', safe="")
    return f"{base}/Users?filter={flt}&startIndex=1&count=100"


def send(
    client: httpx.Client, target: Target, step: str, expected: int, method: str, url: str, body: str = ""
) -> tuple[httpx.Response, int]:
    """One timed request; a status other than ``expected`` is kept as an error (the floor: 200)."""
    headers = JSON_BODY if body else None
    started = time.perf_counter_ns()
    response = client.request(method, url, content=body or None, headers=headers)
    elapsed = time.perf_counter_ns() - started
    target.samples[step].append(elapsed)
    if response.status_code != (200 if target.floor else expected) and len(target.errors) < 5:
        target.errors.append(f"{step}: {response.status_code} {shorten(response.text, 200)}")
    return response, elapsed


def okta_sequence(client: httpx.Client, target: Target, n: int) -> int:
    """Lookup, create, GET, PUT of user ``n`` (okta-requests.md §3-§6); the summed request ns."""
    base = target.base
    _, spent = send(client, target, "lookup", 200, "GET", lookup_url(base, n))
    created, t = send(client, target, "create", 201, "POST", f"{base}/Users", json.dumps(launch.okta_user(n)))
    spent += t
    uid = str(uuid.UUID(int=n)) if target.floor else created.json()["id"]
    got, t = send(client, target, "GET", 200, "GET", f"{base}/Users/{uid}")
    spent += t
    # §6: Okta PUTs the SP's own GET response with its changes applied. The floor has
    # no user to echo, so the create body with an id and meta stands in.
    user = (
        {**launch.okta_user(n), "id": uid, "meta": {"resourceType": "User"}} if target.floor else got.json()
    )
    user["name"] = {"givenName": "Another", "middleName": "Excited", "familyName": "User"}
    _, t = send(client, target, "PUT", 200, "PUT", f"{base}/Users/{uid}", json.dumps(user))
    return spent + t


def run_sequences(client: httpx.Client, targets: list[Target], settings: Settings) -> None:
    numbers = iter(range(NEW_USERS, NEW_USERS * 2))
    for target in targets:  # warm-up, not recorded: connections, caches, lazy indexes
        for _ in range(5):
            okta_sequence(client, target, next(numbers))
        target.reset()
    for r in range(settings.rounds):
        shift = r % len(targets)
        for target in targets[shift:] + targets[:shift]:
            started = time.perf_counter_ns()
            spent = sum(okta_sequence(client, target, next(numbers)) for _ in range(settings.batch))
            target.rounds.append((time.perf_counter_ns() - started, spent))


def run_lookups(client: httpx.Client, stores: list[tuple[Target, int]], settings: Settings) -> None:
    """Lookups of random stored users, alternating between stores of each size."""
    rng = random.Random(7)

    def lookup(target: Target, size: int) -> None:
        n = rng.randrange(size)
        response, _ = send(client, target, "lookup", 200, "GET", lookup_url(target.base, n))
        if response.json().get("totalResults") != 1 and len(target.errors) < 5:
            target.errors.append(f"lookup of stored user {n}: not found")

    for target, size in stores:
        for _ in range(20):
            lookup(target, size)
        target.reset()
    for r in range(settings.lookup_rounds):
        shift = r % len(stores)
        for target, size in stores[shift:] + stores[:shift]:
            for _ in range(settings.lookup_batch):
                lookup(target, size)
            median = int(statistics.median(target.samples["lookup"][-settings.lookup_batch :]))
            target.rounds.append((median, median))


# -- memory ------------------------------------------------------------------------


def stored_under_tracemalloc(realm: str, n: int) -> tuple[Store, float]:
    """A Store seeded with ``n`` Okta users, and the bytes tracemalloc saw it retain per user."""
    from scim_conformance.server.store import Store

    # Seed a throw-away store first, untraced: imports, caches and interned names are not per user.
    launch.seed_ours(Store(), str(uuid.uuid4()), 1)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        store = Store()
        launch.seed_ours(store, realm, n)
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    return store, retained / n


# -- the run -----------------------------------------------------------------------


def _median_ratio(a: Target, b: Target, index: int) -> float:
    """Median over rounds of ``a / b``, on the wall time (0) or the summed request time (1)."""
    return statistics.median(x[index] / y[index] for x, y in zip(a.rounds, b.rounds, strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (about 30 s)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else DEFAULT
    token, realm = secrets.token_hex(20), str(uuid.uuid4())
    started = time.monotonic()

    def progress(text: str) -> None:
        print(f"[{time.monotonic() - started:5.1f}s] {text}", file=sys.stderr, flush=True)

    with ExitStack() as stack:
        small, large = LOOKUP_SIZES
        progress(f"starting 5 servers, seeding {STORED:,}, {small:,} and {large:,} users")
        starting = {
            "floor": stack.enter_context(served("floor", 0, token, realm)),
            "ours": stack.enter_context(served("ours", STORED, token, realm)),
            "scim2": stack.enter_context(served("scim2", STORED, token, realm)),
            "small": stack.enter_context(served("ours", small, token, realm)),
            "large": stack.enter_context(served("ours", large, token, realm)),
        }
        # The store measured for memory is the one the in-process app then serves.
        progress(f"memory per stored user: seeding the in-process app ({STORED:,} users) under tracemalloc")
        store, per_user = stored_under_tracemalloc(realm, STORED)
        from scim_conformance.transport import ASGIPortalTransport

        in_process = "http://in-process.test"
        client = stack.enter_context(
            httpx.Client(
                headers={**OKTA_HEADERS, "Authorization": f"Bearer {token}"},
                mounts={in_process: ASGIPortalTransport(launch.ours_app(store, token, realm))},
                timeout=30.0,
            )
        )
        bases = {name: ready() for name, ready in starting.items()}
        progress("servers ready")

        sequences = [
            Target("framework floor", bases["floor"], floor=True),
            Target("ours, served", bases["ours"]),
            Target("scim2-server, served", bases["scim2"]),
            Target("ours, in-process", in_process + launch.base_path("ours", realm)),
        ]
        progress(f"Okta sequence: {settings.rounds} rounds x {settings.batch} sequences x 4 servers")
        run_sequences(client, sequences, settings)
        lookups = [Target(f"{small:,} users", bases["small"]), Target(f"{large:,} users", bases["large"])]
        progress(f"lookup latency: {settings.lookup_rounds} rounds x {settings.lookup_batch} lookups x 2")
        run_lookups(client, list(zip(lookups, LOOKUP_SIZES, strict=True)), settings)
        progress("done")

    floor, ours, scim2, in_proc = sequences
    broken = [t for t in (*sequences, *lookups) if t.errors]
    cost = _median_ratio(ours, floor, 1)
    throughput = _median_ratio(scim2, ours, 0)
    ceiling = _median_ratio(scim2, floor, 0)
    lookup = _median_ratio(lookups[1], lookups[0], 0)
    figures = [
        Figure("per-request cost of Okta's requests, ours / framework floor", f"{cost:.3f}x",
                      "<= 1.5x", cost <= 1.5 and not broken),
        Figure(f"Okta sequence throughput, {STORED:,} users, ours / scim2-server",
                      f"{throughput:.3f}x", ">= 2x", throughput >= 2 and not broken),
        Figure("  context: floor / scim2-server, what a zero-cost app would reach", f"{ceiling:.3f}x"),
        Figure("Okta sequence throughput in-process (no socket)",
                      f"{sequences_per_second(in_proc, settings.batch):,.0f} seq/s"),
        Figure(f"userName eq lookup latency, {large:,} / {small:,} users", f"{lookup:.3f}x",
                      "<= 1.5x", lookup <= 1.5 and not broken),
        Figure("memory per stored user", f"{per_user:,.0f} B", "<= 2 KB (2,048 B)", per_user <= 2048),
    ]  # fmt: skip
    print(report.render(figures, sequences, lookups, settings, quick=args.quick, stored=STORED))
    missed = any(f.passed is False for f in figures)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
