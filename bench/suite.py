"""Figures for the harness: the whole default run against the reference server (a report, not a test).

    python bench/suite.py [--quick] [--check]

The default run is what ``scim-conformance run`` does: every suite, both Okta
profiles, cleanup, and the three reports (HTML, JUnit XML, summary.json). It is
measured in two places, each next to its floor, alternating within each round
(floor, run, floor) so that drift on a noisy machine hits both alike:

- on loopback: the reference server served by ``python -m scim_conformance
  serve`` (a fresh one per round), the run given ``--scim-url``; the floor is the
  same ``GET /Users?startIndex=1&count=1`` repeated with one ``httpx.Client``
  against the same server;
- in-process: the default embedded run (no ``--scim-url``); the floor is the same
  GET through ``scim_conformance.transport.in_process_client`` on a fresh app.

A run's wall time covers ``pytest.main`` from start to end (collection, every
test, cleanup, reports) in this warm process; requests are counted by the
session's recorder (preflight and cleanup included). Per request is wall /
requests. Target: at most 1.5x the floor per request, as the median over rounds
of the ratio within a round. Cleanup requests / resources created (summary.json)
must stay at or under 1.0. One cold ``scim-conformance run`` subprocess, start-up
included, is reported for context.

A second, fairer floor is reported for context (no target): the same requests,
replayed raw. The run's requests are captured as sent (method, URL, headers, body;
unredacted, in the recording transport) and, after the round's second floor,
replayed in order with one bare ``httpx.Client`` against a fresh server of the
same kind (a fresh ``serve`` on loopback, a fresh app in-process), same realm and
token; each id a 201 returns in the replay replaces, in later URLs and bodies, the
id the run got for that request. Reported: the replay per request, run / replay
("harness overhead"), and how many replayed requests got another status than in
the run.

Where the wall time goes is reported too: outside the test loop (start-up,
preflight, collection, reports), inside the transport (the recorder's durations),
in ``httpx.Client.send`` around it (client and recording), in
``schemas.validate``, and the rest (the tests' own code, hypothesis included).

The exit code is 0 (it is a report), or 1 with ``--check`` when a target is missed.
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from scim_conformance.core.text import shorten
from scim_conformance.okta.protocol import OKTA_HEADERS

REPO = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 30.0
FLOOR_PATH = "/Users?startIndex=1&count=1"
TARGET_RATIO = 1.5
TARGET_CLEANUP = 1.0


@dataclass(frozen=True, slots=True)
class Settings:
    rounds: int
    floor: int  # GETs per floor measurement (twice per round: before and after the run)


DEFAULT = Settings(rounds=7, floor=300)
QUICK = Settings(rounds=3, floor=150)


@dataclass
class Place:
    """The runs and floors measured in one place (loopback or in-process)."""

    label: str
    runs: list[Run] = field(default_factory=list)
    floors: list[float] = field(default_factory=list)  # seconds per GET, one per round
    replays: list[Replay] = field(default_factory=list)  # the run's requests replayed raw, one per round
    errors: list[str] = field(default_factory=list)

    def ratios(self) -> list[float]:
        return [run.per_request / floor for run, floor in zip(self.runs, self.floors, strict=True)]

    def overheads(self) -> list[float]:
        """Run / raw replay, per request, within each round."""
        pairs = zip(self.runs, self.replays, strict=True)
        return [run.per_request / raw.per_request for run, raw in pairs]


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
        ):
            yield

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


def run_suites(reports: Path, *options: str) -> Run:
    """The default run in this process, with the arguments ``scim-conformance run`` gives pytest."""
    from scim_conformance import schemas
    from scim_conformance.resources import suites_dir

    # Each run starts as a CLI run would, with no response already known valid.
    schemas.forget_known_valid()
    suites = suites_dir()
    args = [
        str(suites), "--rootdir", str(suites), "-p", "no:cacheprovider",
        f"--html={reports / 'report.html'}", "--self-contained-html",
        f"--junitxml={reports / 'junit.xml'}", f"--scim-json={reports / 'summary.json'}",
        # httpx (the floor) imported anyio before pytest could mark its plugin for rewriting.
        "-W", "ignore::pytest.PytestAssertRewriteWarning",
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


def replay_loopback(run: Run) -> Replay:
    """The run's requests replayed raw against a fresh ``serve`` (same realm and token)."""
    with reference_server(run.token, _realm(run.base_url)) as url:
        with httpx.Client(timeout=30) as client:
            warm = {**OKTA_HEADERS, "Authorization": f"Bearer {run.token}"}
            for _ in range(20):  # the connection is open, the server warm, as for the run
                client.get(url + FLOOR_PATH, headers=warm)
            return replay(client, run, url)


def replay_in_process(run: Run) -> Replay:
    """The run's requests replayed raw against a fresh in-process app (same realm and token)."""
    from scim_conformance.server.app import create_app
    from scim_conformance.server.config import Realm, ServiceAccount
    from scim_conformance.transport import in_process_client

    app = create_app(realms=[Realm(_realm(run.base_url))], accounts=[ServiceAccount("okta", run.token)])
    with in_process_client(app, timeout=30) as client:
        warm = {**OKTA_HEADERS, "Authorization": f"Bearer {run.token}"}
        for _ in range(20):
            client.get(run.base_url + FLOOR_PATH, headers=warm)
        return replay(client, run, run.base_url)


def measure_loopback(place: Place, settings: Settings, reports: Path) -> None:
    token = secrets.token_hex(20)
    os.environ["SCIM_TOKEN"] = token  # the documented way to pass it
    with reference_server(token) as url:
        headers = {**OKTA_HEADERS, "Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
            floor(client, 20)  # the connection is open, the server warm
            before = floor(client, settings.floor)
            run = run_suites(reports, "--scim-url", url)
            after = floor(client, settings.floor)
    raw = replay_loopback(run)
    place.runs.append(run)
    place.floors.append((before + after) / 2)
    place.replays.append(raw)


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
        before = floor(client, settings.floor)
        run = run_suites(reports)
        after = floor(client, settings.floor)
    raw = replay_in_process(run)
    place.runs.append(run)
    place.floors.append((before + after) / 2)
    place.replays.append(raw)


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


def render(places: list[Place], settings: Settings, cold: tuple[float, str], *, quick: bool) -> list[str]:
    out = [
        "scim-conformance harness benchmark: the whole default run" + (" (--quick)" if quick else ""),
        f"command:  {shlex.join([sys.executable, *sys.argv])}",
        f"commit:   {_commit()} (working tree as checked out)",
        f"python:   {platform.python_implementation()} {platform.python_version()}; {_versions()}",
        f"machine:  {platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}",
        f"rounds:   {settings.rounds} per place; each round: floor ({settings.floor} GETs), the run, "
        f"floor ({settings.floor} GETs), the run's requests replayed raw",
        "",
        f"{'':<12} {'requests':>8} {'wall':>10} {'per request':>12} {'floor/GET':>11} {'ratio':>7}"
        f"  {'target':<8} result",
    ]
    for place in places:
        if not place.runs:
            out.append(f"{place.label:<12} no run completed: FAIL")
            continue
        requests = statistics.median(r.requests for r in place.runs)
        wall = statistics.median(r.wall for r in place.runs)
        per_request = statistics.median(r.per_request for r in place.runs)
        ratio = statistics.median(place.ratios())
        passed = ratio <= TARGET_RATIO and not place.errors
        out.append(
            f"{place.label:<12} {requests:>8.0f} {wall:>9.3f}s {_ms(per_request):>12} "
            f"{_ms(statistics.median(place.floors)):>11} {ratio:>6.2f}x  <= {TARGET_RATIO}x  "
            f"{'PASS' if passed else 'FAIL'}"
        )
    out.append(
        "context, no target: the run's own requests replayed raw (one bare httpx.Client, in order, ids "
        "rewritten, fresh server of the same kind)"
    )
    for place in places:
        if place.replays:
            differ = max(r.differ for r in place.replays)
            out.append(
                f"  {place.label:<10} {statistics.median(r.requests for r in place.replays):>8.0f} "
                f"{statistics.median(r.wall for r in place.replays):>9.3f}s "
                f"{_ms(statistics.median(r.per_request for r in place.replays)):>12}   "
                f"run / raw replay {statistics.median(place.overheads()):.2f}x (harness overhead); "
                f"{differ} replayed statuses differ from the run's (worst round)"
            )
    parts = {
        "outside the test loop": lambda r: r.outside_loop,
        "requests (transport)": lambda r: r.in_requests,
        "httpx client, recording": lambda r: r.client,
        "schema validation": lambda r: r.validation,
        "test code": lambda r: r.test_code,
    }
    out += ["", "where a run's wall time goes: median seconds, and per request"]
    out.append(f"  {'':<26}" + "".join(f"{place.label:>24}" for place in places if place.runs))
    for name, part in parts.items():
        row = f"  {name:<26}"
        for place in places:
            if place.runs:
                seconds = statistics.median(part(r) for r in place.runs)
                n = statistics.median(r.requests for r in place.runs)
                row += f"{seconds:>9.3f} s ({_ms(seconds / n):>10})"
        out.append(row)
    out += [
        "  outside the test loop: pytest start-up, preflight, collection, the three reports;",
        "  requests: the transport's time (network and server; in-process, the app);",
        "  test code: the rest (suites and replay, hypothesis generating examples, pytest per test)",
    ]
    runs = [r for place in places for r in place.runs]
    if runs:
        worst = max(r.cleanup_requests / max(r.created, 1) for r in runs)
        leftovers = sum(r.leftovers for r in runs)
        passed = worst <= TARGET_CLEANUP and not leftovers
        sample = runs[-1]
        out += [
            "",
            f"cleanup requests / resources created: {worst:.2f} (worst run; e.g. {sample.cleanup_requests} "
            f"for {sample.created}), {leftovers} left over   target <= {TARGET_CLEANUP}   "
            f"{'PASS' if passed else 'FAIL'}",
        ]
    out += [
        "",
        "per request = the run's wall time / the requests its recorder counted (preflight, tests, cleanup);",
        "ratio = median over rounds of (per request / floor per GET) within the round",
        f"each run: {runs[-1].tests if runs else '-'}",
        f"cold: one `scim-conformance run` subprocess (embedded, interpreter start-up and imports "
        f"included): {cold[0]:.2f} s, {cold[1]}",
    ]
    for place in places:
        for error in place.errors:
            out.append(f"ERROR {place.label}: {error}")
    return out


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
    measures: list[tuple[Place, Callable[[Place, Settings, Path], None]]] = [
        (loopback, measure_loopback),
        (in_process, measure_in_process),
    ]
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        reports = Path(tmp)
        progress("cold run (subprocess)")
        cold = cold_run(reports / "cold")
        progress("warm-up: one run in each place, not measured")
        for place, measure in measures:
            try:
                measure(Place(place.label), settings, reports)
            except RuntimeError as exc:
                place.errors.append(str(exc))
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
    lines = render([loopback, in_process], settings, cold, quick=args.quick)
    print("\n".join(lines))
    missed = any(line.endswith("FAIL") or line.startswith("ERROR") for line in lines)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
