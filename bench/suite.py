"""Figures for the harness: the whole default run against the reference server (a report, not a test).

    python bench/suite.py [--quick] [--check]

The default run is what ``scim-conformance run`` does: every suite, both Okta
profiles, cleanup, and the three reports (HTML, JUnit XML, summary.json). Each
round measures, in three places, the fixed sequences alone (every suite but the
property and stateful ones), then the default run:

- on loopback: the reference server served by ``python -m scim_conformance
  serve`` (a fresh one per round), the runs given ``--scim-url``;
- in-process: the default embedded run (no ``--scim-url``; each run builds its
  own empty app);
- a large target: a fresh served server holding 10,000 users another client
  POSTed over HTTP before the runs (bench/launch.py's Okta bodies).

The yardstick is each run's own requests replayed raw: captured as sent (method,
URL, headers, body; unredacted, in the recording transport) and, after the round,
replayed in order with one bare ``httpx.Client`` against a fresh server of the
same kind, seeded alike, same realm and token; each id a 201 returns in the replay
replaces, in later URLs and bodies, the id the run got. Run / raw replay per
request, within the round, is the harness's overhead (targets: at most 2.0x for
the default run, 1.5x for the fixed sequences, and the large target's within 10 %
of the empty one's). The old floor, the same ``GET /Users?startIndex=1&count=1``
repeated with one client before and after the default run, is kept for context.

On the empty served target, after the runs, scim2-tester's ``check_server``
(installed by the ``bench`` extra) runs against the same server with its own
client: per request, ours / its (target: at most 0.5x).

A run's wall time covers ``pytest.main`` from start to end (collection, every
test, cleanup, reports) in this warm process; requests are counted by the
session's recorder (preflight and cleanup included). Also reported: the strategy
objects the harness's code builds per default run (target: at most 100) and the
hypothesis examples run per second; cleanup requests / resources created
(summary.json, at most 1.0); where the default run's wall time goes (outside the
test loop: start-up, preflight, collection, reports; inside the transport; in
``httpx.Client.send`` around it; in ``schemas.validate``; the rest: the tests'
own code, hypothesis included); one cold ``scim-conformance run`` subprocess.

Figures are medians over rounds of ratios taken within a round, so that drift on
a noisy machine hits both sides alike. The exit code is 0 (it is a report), or 1
with ``--check`` when a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import re
import secrets
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from scim_conformance.cli import RUN_PYTEST_OPTIONS
from scim_conformance.core.text import shorten
from scim_conformance.okta.protocol import OKTA_HEADERS

REPO = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 30.0
FLOOR_PATH = "/Users?startIndex=1&count=1"
TARGET_CLEANUP = 1.0
TARGET_DEFAULT_OVERHEAD = 2.0  # a default run per request / its own requests replayed raw
TARGET_FIXED_OVERHEAD = 1.5  # the same, fixed sequences only (no property or stateful suite)
TARGET_LARGE_DRIFT = 0.10  # a 10,000-user target's overhead within 10 % of the empty target's
TARGET_STRATEGIES = 100  # strategy objects the harness builds per default run
TARGET_TESTER = 0.5  # per request, ours / scim2-tester's, same served server, same round
FOREIGN_USERS = 10_000
# The fixed sequences: every suite but the property and stateful ones (hypothesis).
GENERATED_SUITES = ("test_properties.py", "test_stateful.py")


@dataclass(frozen=True, slots=True)
class Settings:
    rounds: int
    floor: int  # GETs per floor measurement (twice per round: before and after the run)


DEFAULT = Settings(rounds=7, floor=300)
QUICK = Settings(rounds=3, floor=150)


@dataclass
class Place:
    """The runs and floors measured in one place (loopback or in-process, empty or holding others' users)."""

    label: str
    foreign: int = 0
    """Users another client created over HTTP before the round (the large target)."""
    runs: list[Run] = field(default_factory=list)
    floors: list[float] = field(default_factory=list)  # seconds per GET, one per round
    replays: list[Replay] = field(default_factory=list)  # the run's requests replayed raw, one per round
    errors: list[str] = field(default_factory=list)
    fixed: list[Run] = field(default_factory=list)  # the fixed sequences only, one per round
    fixed_replays: list[Replay] = field(default_factory=list)
    tester: list[Tester] = field(default_factory=list)  # scim2-tester on the same served server

    def ratios(self) -> list[float]:
        return [run.per_request / floor for run, floor in zip(self.runs, self.floors, strict=True)]

    def overheads(self) -> list[float]:
        """Run / raw replay, per request, within each round."""
        pairs = zip(self.runs, self.replays, strict=True)
        return [run.per_request / raw.per_request for run, raw in pairs]

    def fixed_overheads(self) -> list[float]:
        """Fixed sequences only: run / raw replay, per request, within each round."""
        pairs = zip(self.fixed, self.fixed_replays, strict=True)
        return [run.per_request / raw.per_request for run, raw in pairs]

    def tester_ratios(self) -> list[float]:
        """Per request, our default run / scim2-tester's check_server, within each round."""
        return [run.per_request / t.per_request for run, t in zip(self.runs, self.tester, strict=True)]


@dataclass(frozen=True, slots=True)
class Tester:
    """One ``scim2_tester.check_server`` run against the served reference server."""

    wall: float
    requests: int
    results: int
    failed: int

    @property
    def per_request(self) -> float:
        return self.wall / max(self.requests, 1)


@dataclass(frozen=True, slots=True)
class Sent:
    """One request of the run as sent (unredacted), and what it got."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes
    status: int | None
    response: Any  # the response's byte stream (re-iterable), read only for a 201's id


@dataclass(frozen=True, slots=True)
class Replay:
    wall: float
    requests: int
    differ: int
    """Replayed requests whose status differs from the run's."""

    @property
    def per_request(self) -> float:
        return self.wall / max(self.requests, 1)


@dataclass(frozen=True, slots=True)
class Run:
    wall: float
    requests: int
    in_requests: float
    """Seconds inside the transport (network and server), summed over the requests."""
    client: float
    """Seconds in ``httpx.Client.send`` outside the transport: the client, and recording."""
    validation: float
    """Seconds in ``schemas.validate``: every response checked against its JSON Schema."""
    outside_loop: float
    """Seconds outside the test loop: start-up, preflight, collection, reports."""
    created: int
    cleanup_requests: int
    leftovers: int
    tests: str
    strategies: int
    """Strategy objects the harness's code built (not those hypothesis builds inside a draw)."""
    machine_strategies: int
    """Those hypothesis's state machine builds for each run of a machine (its rules, its bundles)."""
    examples: int
    """Hypothesis examples run (test function calls, shrinking included)."""
    base_url: str
    token: str
    sent: list[Sent] = field(repr=False, compare=False)

    @property
    def per_request(self) -> float:
        return self.wall / max(self.requests, 1)

    @property
    def test_code(self) -> float:
        """Seconds in the test loop outside requests and validation: suites, hypothesis, pytest."""
        return self.wall - self.outside_loop - self.in_requests - self.client - self.validation


# -- the served reference server ---------------------------------------------------


@contextlib.contextmanager
def reference_server(token: str, realm: str | None = None) -> Iterator[str]:
    """``python -m scim_conformance serve`` on 127.0.0.1, port 0; yields its SCIM base URL."""
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "scim_conformance", "serve", "--host", "127.0.0.1", "--port", "0",
             "--token", token, *(["--realm", realm] if realm else [])],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while "Press Ctrl-C to stop." not in (text := _read(out)):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the reference server did not start:\n{text[-2000:]}")
                time.sleep(0.02)
            match = re.search(r"^SCIM base URL: (\S+)$", text, re.MULTILINE)
            if match is None:
                raise RuntimeError(f"no 'SCIM base URL:' line in:\n{text}")
            yield match[1]
        finally:
            process.kill()
            process.wait(10)


def _read(out: Any) -> str:
    out.seek(0)
    return str(out.read())


# -- the floor and the run -----------------------------------------------------------


def floor(client: httpx.Client, n: int) -> float:
    """Seconds per ``GET /Users?startIndex=1&count=1``, the same request ``n`` times, one client."""
    started = time.perf_counter()
    for _ in range(n):
        response = client.get(FLOOR_PATH)
        if response.status_code != 200:
            raise RuntimeError(f"floor GET answered {response.status_code}: {shorten(response.text, 200)}")
    return (time.perf_counter() - started) / n


@contextlib.contextmanager
def _timed(owner: Any, name: str, totals: dict[str, float], key: str) -> Iterator[None]:
    """Add the time of every call of ``owner.name`` to ``totals[key]`` while in the block."""
    original = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[key] += time.perf_counter() - started

    setattr(owner, name, timed)
    try:
        yield
    finally:
        setattr(owner, name, original)


class _Meter:
    """A pytest plugin object: the requests the session's recorder saw, and where the time went."""

    def __init__(self) -> None:
        self.count = 0
        self.in_requests = 0.0  # seconds inside the transport: network and server
        self.loop = 0.0  # seconds in the test loop (every test, then the cleanup)
        self.spent = {"send": 0.0, "validate": 0.0}
        self.sent: list[Sent] = []  # every request through a recording transport, as sent
        self.base_url = self.token = ""
        self.strategies = self.machine_strategies = 0
        self.examples = 0

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: Any) -> Iterator[None]:
        started = time.perf_counter()
        try:
            return (yield)
        finally:
            self.loop = time.perf_counter() - started

    @contextlib.contextmanager
    def timing(self) -> Iterator[None]:
        """Sum the time spent in ``httpx.Client.send`` and ``schemas.validate`` meanwhile."""
        from scim_conformance import schemas

        with (
            _timed(httpx.Client, "send", self.spent, "send"),
            _timed(schemas, "validate", self.spent, "validate"),
            self.capturing(),
            self.counting(),
        ):
            yield

    @contextlib.contextmanager
    def counting(self) -> Iterator[None]:
        """Count the strategy objects the harness builds, and the hypothesis examples run.

        A strategy object counts when the code that made it is the harness's (a suite,
        the package), directly or through hypothesis's constructors (``st.lists`` makes
        several), and not from inside a draw or a validation: what hypothesis builds
        there it builds whoever asks, and once per strategy object.
        """
        from hypothesis.internal.conjecture.engine import ConjectureRunner
        from hypothesis.strategies._internal.strategies import SearchStrategy

        init, test_function = SearchStrategy.__init__, ConjectureRunner.test_function

        def counted_init(strategy: Any, *args: Any, **kwargs: Any) -> None:
            built = _built_by_harness(sys._getframe(1))
            self.strategies += built == "harness"
            self.machine_strategies += built == "machine"
            init(strategy, *args, **kwargs)

        def counted_test_function(runner: Any, *args: Any, **kwargs: Any) -> Any:
            self.examples += 1
            return test_function(runner, *args, **kwargs)

        SearchStrategy.__init__ = counted_init  # type: ignore[method-assign]
        ConjectureRunner.test_function = counted_test_function  # type: ignore[method-assign]
        try:
            yield
        finally:
            SearchStrategy.__init__ = init  # type: ignore[method-assign]
            ConjectureRunner.test_function = test_function  # type: ignore[method-assign]

    @contextlib.contextmanager
    def capturing(self) -> Iterator[None]:
        """Keep each request the recording transport forwards, as sent (before redaction)."""
        from scim_conformance.transport import RecordingTransport

        original, sent = RecordingTransport.handle_request, self.sent

        def handle_request(transport: Any, request: httpx.Request) -> httpx.Response:
            status, stream = None, None
            try:
                response = original(transport, request)
                status, stream = response.status_code, response.stream
                return response
            finally:
                headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
                sent.append(Sent(request.method, str(request.url), headers, request.content, status, stream))

        RecordingTransport.handle_request = handle_request  # type: ignore[method-assign]
        try:
            yield
        finally:
            RecordingTransport.handle_request = original  # type: ignore[method-assign]

    def pytest_sessionfinish(self, session: Any) -> None:
        from scim_conformance.plugin import session_target

        target = session_target(session.config)
        if target is not None:
            exchanges = target.recorder.exchanges
            self.count = len(exchanges)
            self.in_requests = sum(e.duration_ms for e in exchanges) / 1000
            self.base_url, self.token = target.base_url, target.token or ""


_HYPOTHESIS = os.sep + "hypothesis" + os.sep
_OURS = (str(REPO / "scim_conformance"), str(REPO / "suites"))
_INSIDE_A_DRAW = frozenset({"draw", "do_draw", "validate", "do_validate", "wrapped_strategy", "draw_step"})


def _built_by_harness(frame: Any) -> str:
    """Who asked for the strategy being built: "harness" (its code, outside any draw), "machine"
    (hypothesis's state machine, setting up one run of it), or "" (hypothesis, inside a draw)."""
    machine = False
    while frame is not None:
        path = frame.f_code.co_filename
        if _HYPOTHESIS in path:
            if frame.f_code.co_name in _INSIDE_A_DRAW:
                return ""
            machine |= path.endswith("stateful.py")
        elif path.startswith(_OURS):
            return "machine" if machine else "harness"
        else:
            return ""
        frame = frame.f_back
    return ""


def run_suites(reports: Path, *options: str, fixed: bool = False) -> Run:
    """The default run in this process, with the arguments ``scim-conformance run`` gives pytest."""
    from scim_conformance import schemas
    from scim_conformance.resources import suites_dir

    # Each run starts as a CLI run would, with no response already known valid.
    schemas.forget_known_valid()
    suites = suites_dir()
    args = [
        str(suites), "--rootdir", str(suites), *RUN_PYTEST_OPTIONS,
        f"--html={reports / 'report.html'}", "--self-contained-html",
        f"--junitxml={reports / 'junit.xml'}", f"--scim-json={reports / 'summary.json'}",
        *(f"--ignore={suites / name}" for name in (GENERATED_SUITES if fixed else ())),
        *options,
    ]  # fmt: skip
    meter, output = _Meter(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(output), meter.timing():
        code = pytest.main(args, plugins=[meter])
    wall = time.perf_counter() - started
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    cleanup = summary["cleanup"]
    tests = output.getvalue().strip().splitlines()[-1].strip("= ") if output.getvalue().strip() else ""
    if code != 0 or summary["findings"]:
        raise RuntimeError(f"the run exited {int(code)} with {len(summary['findings'])} findings: {tests}")
    return Run(
        wall,
        meter.count,
        meter.in_requests,
        meter.spent["send"] - meter.in_requests,
        meter.spent["validate"],
        wall - meter.loop,
        cleanup["created"],
        cleanup["requests"],
        len(cleanup["leftovers"]),
        tests,
        meter.strategies,
        meter.machine_strategies,
        meter.examples,
        meter.base_url,
        meter.token,
        meter.sent,
    )


# -- the raw replay ------------------------------------------------------------------------

_SKIPPED_HEADERS = frozenset({"host", "content-length"})  # the replaying client sets its own


def replay(client: httpx.Client, run: Run, base_url: str) -> Replay:
    """The run's requests, in order, with one client; ids a 201 returns replace the run's.

    Everything but the id substitution is prepared before the clock starts: each URL and
    body is split at the run's ids (and its base URL) into a template.
    """
    run_ids: list[str | None] = []
    for sent in run.sent:
        created = None
        if sent.status == 201 and sent.response is not None:
            with contextlib.suppress(ValueError, TypeError):
                created = json.loads(b"".join(sent.response)).get("id")
        run_ids.append(created if isinstance(created, str) and created else None)
    swap: dict[str, str] = {run.base_url: base_url} if run.base_url != base_url else {}
    words = sorted({*swap, *(i for i in run_ids if i)}, key=len, reverse=True)
    pattern = re.compile("(" + "|".join(map(re.escape, words)) + ")") if words else None

    def template(text: str) -> list[str]:
        return pattern.split(text) if pattern is not None else [text]

    plan = []
    for sent in run.sent:
        body = sent.body.decode("utf-8", "surrogateescape")
        headers = [(k, v) for k, v in sent.headers if k.lower() not in _SKIPPED_HEADERS]
        plan.append((sent.method, template(sent.url), headers, template(body) if body else None, sent.status))

    def fill(parts: list[str]) -> str:
        return "".join(swap.get(p, p) if i % 2 else p for i, p in enumerate(parts))

    differ = 0
    started = time.perf_counter()
    for (method, url, headers, body, status), run_id in zip(plan, run_ids, strict=True):
        try:
            response = client.request(
                method, fill(url), headers=headers,
                content=None if body is None else fill(body).encode("utf-8", "surrogateescape"),
            )  # fmt: skip
        except httpx.HTTPError:
            differ += status is not None
            continue
        if response.status_code != status:
            differ += 1
        if run_id is not None and response.status_code == 201:
            created = response.json().get("id")
            if isinstance(created, str):
                swap[run_id] = created
    wall = time.perf_counter() - started
    return Replay(wall, len(plan), differ)


def _realm(base_url: str) -> str:
    match = re.search(r"/realms/([^/]+)/", base_url)
    if match is None:
        raise RuntimeError(f"no realm in the run's base URL {base_url!r}")
    return match[1]


def seed(client: httpx.Client, base_url: str, token: str, users: int) -> None:
    """``users`` Okta users POSTed by another client (bench/launch.py's bodies), one at a time."""
    from launch import okta_user

    headers = {**OKTA_HEADERS, "Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
    for n in range(users):
        response = client.post(base_url + "/Users", headers=headers, content=json.dumps(okta_user(n)))
        if response.status_code != 201:
            raise RuntimeError(
                f"seeding user {n} answered {response.status_code}: {shorten(response.text, 200)}"
            )


def _replay_all(client: httpx.Client, runs: list[Run], base_url: str, foreign: int) -> list[Replay]:
    """Seed as for the runs, warm up, then replay each run in order (as they ran, on one server)."""
    token = runs[0].token
    seed(client, base_url, token, foreign)
    warm = {**OKTA_HEADERS, "Authorization": f"Bearer {token}"}
    for _ in range(20):  # the connection is open, the server warm, as for the run
        client.get(base_url + FLOOR_PATH, headers=warm)
    return [replay(client, run, base_url) for run in runs]


def replay_loopback(runs: list[Run], foreign: int) -> list[Replay]:
    """The runs' requests replayed raw against a fresh ``serve`` (same realm and token)."""
    with reference_server(runs[0].token, _realm(runs[0].base_url)) as url:
        with httpx.Client(timeout=30) as client:
            return _replay_all(client, runs, url, foreign)


def replay_in_process(run: Run) -> Replay:
    """The run's requests replayed raw against a fresh in-process app (same realm and token)."""
    from scim_conformance.server.app import create_app
    from scim_conformance.server.config import Realm, ServiceAccount
    from scim_conformance.transport import in_process_client

    app = create_app(realms=[Realm(_realm(run.base_url))], accounts=[ServiceAccount("okta", run.token)])
    with in_process_client(app, timeout=30) as client:
        (replayed,) = _replay_all(client, [run], run.base_url, 0)
        return replayed


def scim2_tester(url: str, token: str) -> Tester:
    """``scim2_tester.check_server`` against ``url`` with its own client (httpx2, as scim2-client uses)."""
    import httpx2
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_tester import check_server

    sent = [0]

    def count(request: Any) -> None:
        sent[0] += 1

    headers = {"Authorization": f"Bearer {token}"}
    with httpx2.Client(base_url=url, headers=headers, timeout=30, event_hooks={"request": [count]}) as http:
        started = time.perf_counter()
        results = check_server(SyncSCIMClient(http))
        wall = time.perf_counter() - started
    failed = sum(result.status.name in ("ERROR", "CRITICAL") for result in results)
    return Tester(wall, sent[0], len(results), failed)


def _record(place: Place, fixed: Run, run: Run, floors: tuple[float, float], replays: list[Replay]) -> None:
    place.fixed.append(fixed)
    place.runs.append(run)
    place.floors.append(sum(floors) / 2)
    place.fixed_replays.append(replays[0])
    place.replays.append(replays[1])


def measure_loopback(place: Place, settings: Settings, reports: Path) -> None:
    """On one fresh served server: the fixed sequences, then the default run between two floors.

    On the empty target scim2-tester runs after them, on the same server, in the same round.
    """
    token = secrets.token_hex(20)
    os.environ["SCIM_TOKEN"] = token  # the documented way to pass it
    with reference_server(token) as url:
        headers = {**OKTA_HEADERS, "Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
            seed(client, url, token, place.foreign)
            floor(client, 20)  # the connection is open, the server warm
            fixed = run_suites(reports, "--scim-url", url, fixed=True)
            before = floor(client, settings.floor)
            run = run_suites(reports, "--scim-url", url)
            after = floor(client, settings.floor)
        tester = None if place.foreign else scim2_tester(url, token)
    _record(place, fixed, run, (before, after), replay_loopback([fixed, run], place.foreign))
    if tester is not None:
        place.tester.append(tester)


def measure_in_process(place: Place, settings: Settings, reports: Path) -> None:
    from scim_conformance.server.app import create_app
    from scim_conformance.server.config import Realm, ServiceAccount, new_realm_id, new_token
    from scim_conformance.transport import in_process_client

    os.environ.pop("SCIM_TOKEN", None)
    realm, token = new_realm_id(), new_token()
    app = create_app(realms=[Realm(realm)], accounts=[ServiceAccount("okta", token)])
    base = f"http://reference.scim.test/public/realms/{realm}/scim/v2"
    headers = {**OKTA_HEADERS, "Authorization": f"Bearer {token}"}
    with in_process_client(app, base_url=base, headers=headers, timeout=30) as client:
        floor(client, 20)
        # Each embedded run builds its own app (empty), so each is replayed on a fresh one.
        fixed = run_suites(reports, fixed=True)
        before = floor(client, settings.floor)
        run = run_suites(reports)
        after = floor(client, settings.floor)
    _record(place, fixed, run, (before, after), [replay_in_process(fixed), replay_in_process(run)])


def cold_run(reports: Path) -> tuple[float, str]:
    """One ``scim-conformance run`` subprocess against the embedded server: start-up included."""
    env = {k: v for k, v in os.environ.items() if k not in ("SCIM_URL", "SCIM_TOKEN")}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "scim_conformance", "run", "--reports", str(reports), "-q"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    last = result.stdout.strip().splitlines()[-1].strip("= ") if result.stdout.strip() else ""
    return wall, f"exit {result.returncode}, {last}"


# -- the report ------------------------------------------------------------------------


def _without_test_code(name: str, places: list[tuple[list[Run], list[Replay]]]) -> str:
    """The run / raw ratio had the tests' own code taken no time: what the rest alone costs.

    What is left is the requests, the client and recording, validation and (outside the
    test loop) pytest's start-up, collection and reports: the least the run could cost
    with hypothesis, the suites' checks and pytest's per-test work free.
    """
    ratios = [
        _median(
            (r.wall - r.test_code) / max(r.requests, 1) / raw.per_request
            for r, raw in zip(runs, raws, strict=True)
        )
        for runs, raws in places
    ]
    return (
        f"    {name}, had the tests' own code (hypothesis, the suites' checks, pytest per test) taken no "
        f"time: {ratios[0]:.2f}x loopback, {ratios[1]:.2f}x in-process"
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    names = ("pytest", "httpx", "jsonschema", "starlette", "uvicorn", "pytest-html", "hypothesis")
    shown = []
    for name in names:
        try:
            shown.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            shown.append(f"{name} -")
    return ", ".join(shown)


def _commit() -> str:
    try:
        git = ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]
        out = subprocess.run(git, capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "unknown"
    return out.stdout.strip() or "unknown"


def _median(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def render(
    places: list[Place], settings: Settings, cold: tuple[float, str], first: list[Run], *, quick: bool
) -> list[str]:
    loopback, in_process, large = places
    out = [
        "scim-conformance harness benchmark: the whole default run" + (" (--quick)" if quick else ""),
        f"command:  {shlex.join([sys.executable, *sys.argv])}",
        f"commit:   {_commit()} (working tree as checked out)",
        f"python:   {platform.python_implementation()} {platform.python_version()}; {_versions()}",
        f"machine:  {platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}",
        f"rounds:   {settings.rounds} per place; each round, per place: (the {large.foreign:,} foreign users "
        f"POSTed first, for the large target) the fixed sequences, floor ({settings.floor} GETs), the "
        f"default run, floor ({settings.floor} GETs), then each run's requests replayed raw on a fresh "
        "server (seeded alike); on the empty served target, scim2-tester's check_server after the runs",
        "",
        f"{'':<24} {'requests':>8} {'wall':>10} {'per request':>12} {'raw replay':>11} {'run/raw':>8}"
        f" {'floor/GET':>11} {'run/floor':>9}",
    ]
    for place in places:
        for name, runs, replays, overheads in (
            ("default run", place.runs, place.replays, place.overheads()),
            ("fixed sequences", place.fixed, place.fixed_replays, place.fixed_overheads()),
        ):
            label = f"{place.label}, {name}"
            if not runs:
                out.append(f"{label:<24} no run completed")
                continue
            floors = (
                f"{_ms(_median(place.floors)):>11} {_median(place.ratios()):>8.2f}x" if name[0] == "d" else ""
            )
            requests, wall = _median(r.requests for r in runs), _median(r.wall for r in runs)
            per_request = _ms(_median(r.per_request for r in runs))
            raw = _ms(_median(r.per_request for r in replays))
            out.append(
                f"{label:<24} {requests:>8.0f} {wall:>9.3f}s {per_request:>12} {raw:>11} "
                f"{_median(overheads):>7.2f}x {floors}"
            )
    differ = max((r.differ for p in places for r in (*p.replays, *p.fixed_replays)), default=0)
    out += [
        f"  replayed requests answered another status than in the run: {differ} (worst replay)",
        "  raw replay: the run's own requests, in order, with one bare httpx.Client (ids rewritten) on a",
        "  fresh server of the same kind; run/raw: median over rounds of the in-round ratio per request;",
        "  floor: the same GET /Users?startIndex=1&count=1 repeated (context)",
        "",
        "the targets (issue 10; medians over rounds of in-round ratios)",
    ]

    def row(figure: str, measured: str, target: str, ok: bool) -> None:
        out.append(f"  {figure:<62} {measured:<28} {target:<14} {_verdict(ok)}")

    default = [_median(p.overheads()) for p in (loopback, in_process)]
    row(
        "default run: per request / its own requests replayed raw",
        f"{default[0]:.2f}x loopback, {default[1]:.2f}x in-process",
        f"<= {TARGET_DEFAULT_OVERHEAD}x",
        max(default) <= TARGET_DEFAULT_OVERHEAD,
    )
    out.append(_without_test_code("default", [(p.runs, p.replays) for p in (loopback, in_process)]))
    fixed = [_median(p.fixed_overheads()) for p in (loopback, in_process)]
    row(
        "fixed sequences only (no property or stateful suite): same",
        f"{fixed[0]:.2f}x loopback, {fixed[1]:.2f}x in-process",
        f"<= {TARGET_FIXED_OVERHEAD}x",
        max(fixed) <= TARGET_FIXED_OVERHEAD,
    )
    in_loop = [
        _median((r.wall - r.outside_loop) / max(r.requests, 1) / raw.per_request for r, raw in pairs)
        for pairs in (zip(p.fixed, p.fixed_replays, strict=True) for p in (loopback, in_process))
    ]
    outside = [_median(r.outside_loop / max(r.requests, 1) for r in p.fixed) for p in (loopback, in_process)]
    out.append(
        f"    without pytest's start-up, collection and reports: {in_loop[0]:.2f}x loopback, "
        f"{in_loop[1]:.2f}x in-process (they cost {_ms(outside[0])} / {_ms(outside[1])} per fixed request)"
    )
    out.append(_without_test_code("fixed", [(p.fixed, p.fixed_replays) for p in (loopback, in_process)]))
    for name, empty, big in (
        ("default run", default[0], _median(large.overheads())),
        ("fixed sequences", fixed[0], _median(large.fixed_overheads())),
    ):
        drift = big / empty - 1
        row(
            f"{large.foreign:,} foreign users (loopback), {name}: same ratio",
            f"{big:.2f}x ({drift:+.0%} of empty)",
            f"within {TARGET_LARGE_DRIFT:.0%}",
            abs(drift) <= TARGET_LARGE_DRIFT,
        )
    runs = [r for place in places for r in place.runs]
    built = _median(r.strategies for r in runs)
    row(
        "strategy objects the harness builds per default run (median, warm)",
        f"{built:.0f} (most {max((r.strategies for r in runs), default=0)})",
        f"<= {TARGET_STRATEGIES}",
        built <= TARGET_STRATEGIES,
    )
    out.append(
        f"    and {_median(r.machine_strategies for r in runs):.0f} that hypothesis's state machine builds "
        "for each run of the machine (rules, bundles), whoever writes the rules"
    )
    if first:
        out.append(
            f"    a fresh process's first runs (the fixed sequences, then the default run) build "
            f"{sum(r.strategies for r in first)} once: the modules' strategies, at import and first "
            f"draw (and the state machine {sum(r.machine_strategies for r in first)})"
        )
    examples = _median(r.examples for r in runs)
    rate = _median(r.examples / r.wall for r in runs)
    out.append(
        f"  {'hypothesis examples per default run, per second of the run':<62} {examples:.0f}, {rate:.1f}/s"
    )
    if loopback.tester:
        ratio = _median(loopback.tester_ratios())
        tester = loopback.tester[-1]
        row(
            "per request, ours / scim2-tester's (same served server, round)",
            f"{ratio:.2f}x ({_ms(_median(r.per_request for r in loopback.runs))} / "
            f"{_ms(_median(t.per_request for t in loopback.tester))})",
            f"<= {TARGET_TESTER}x",
            ratio <= TARGET_TESTER,
        )
        # The lowest this ratio can be: our requests replayed raw (no harness at all) / its.
        raw = [r.per_request / t.per_request for r, t in zip(loopback.replays, loopback.tester, strict=True)]
        out.append(
            f"    with no harness at all (our requests replayed raw / scim2-tester's): {_median(raw):.2f}x"
        )
        out.append(
            f"    scim2-tester {_version('scim2-tester')}: {tester.requests} requests, {tester.results} "
            f"results, {tester.failed} ERROR/CRITICAL on the reference server (its checks, not ours)"
        )
    every = [r for place in places for r in (*place.runs, *place.fixed)]
    if every:
        worst = max(r.cleanup_requests / max(r.created, 1) for r in every)
        leftovers = sum(r.leftovers for r in every)
        sample = runs[-1] if runs else every[-1]
        row(
            "cleanup requests per created resource (worst run)",
            f"{worst:.2f} (e.g. {sample.cleanup_requests} for {sample.created}), {leftovers} left",
            f"<= {TARGET_CLEANUP}",
            worst <= TARGET_CLEANUP and not leftovers,
        )
    parts = {
        "outside the test loop": lambda r: r.outside_loop,
        "requests (transport)": lambda r: r.in_requests,
        "httpx client, recording": lambda r: r.client,
        "schema validation": lambda r: r.validation,
        "test code": lambda r: r.test_code,
    }
    measured = [place for place in places if place.runs]
    out += ["", "where a default run's wall time goes: median seconds, and per request"]
    out.append(f"  {'':<26}" + "".join(f"{place.label:>26}" for place in measured))
    for name, part in parts.items():
        line = f"  {name:<26}"
        for place in measured:
            seconds = _median(part(r) for r in place.runs)
            n = _median(r.requests for r in place.runs)
            line += f"{seconds:>11.3f} s ({_ms(seconds / n):>10})"
        out.append(line)
    out += [
        "  outside the test loop: pytest start-up, preflight, collection, the three reports;",
        "  requests: the transport's time (network and server; in-process, the app);",
        "  test code: the rest (suites and replay, hypothesis generating examples, pytest per test)",
        "",
        f"each default run: {runs[-1].tests if runs else '-'}",
        f"cold: one `scim-conformance run` subprocess (embedded, interpreter start-up and imports "
        f"included): {cold[0]:.2f} s, {cold[1]}",
    ]
    for place in places:
        for error in place.errors:
            out.append(f"ERROR {place.label}: {error}")
    return out


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (about 20 s)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else DEFAULT
    started = time.monotonic()

    def progress(text: str) -> None:
        print(f"[{time.monotonic() - started:5.1f}s] {text}", file=sys.stderr, flush=True)

    loopback, in_process = Place("loopback"), Place("in-process")
    # The embedded run builds its own (empty) app: a large target is a served one.
    large = Place(f"{FOREIGN_USERS // 1000}k users", foreign=FOREIGN_USERS)
    measures: list[tuple[Place, Callable[[Place, Settings, Path], None]]] = [
        (loopback, measure_loopback),
        (in_process, measure_in_process),
        (large, measure_loopback),
    ]
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        reports = Path(tmp)
        progress("cold run (subprocess)")
        cold = cold_run(reports / "cold")
        progress("warm-up: one run in each place, not measured")
        first: list[Run] = []  # the process's first runs: they build the module-level strategies
        for place, measure in measures:
            warm_up = Place(place.label, foreign=place.foreign)
            try:
                measure(warm_up, settings, reports)
            except RuntimeError as exc:
                place.errors.append(str(exc))
            first += [*warm_up.fixed[:1], *warm_up.runs[:1]] if not first else []
        for number in range(1, settings.rounds + 1):
            progress(f"round {number}/{settings.rounds}")
            for place, measure in measures:
                if place.errors:
                    continue
                try:
                    measure(place, settings, reports)
                except RuntimeError as exc:
                    place.errors.append(str(exc))
        progress("done")
    lines = render([loopback, in_process, large], settings, cold, first, quick=args.quick)
    print("\n".join(lines))
    missed = any(line.endswith("FAIL") or line.startswith("ERROR") for line in lines)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
