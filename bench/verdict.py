"""Time to verdict: a default run against a faulty server vs a clean one (a report, not a test).

    python bench/verdict.py [--rounds N] [--mutant NAME] [--check] [-- PYTEST ARGS]

Issue 8 §6: on a target that fails many properties, a default run must finish
within 3x the time of a clean run against the reference server on loopback.
Hypothesis shrinks every failing property over HTTP; unbounded, that is what
makes a faulty target's verdict slow.

Each round runs ``scim-conformance run --scim-url URL`` twice, in subprocesses
as a user runs it (token in ``SCIM_TOKEN``, default profile, every suite):
against the reference server, then against a mutant (default ``names_flattened``:
names stored lower-case ASCII, which breaks most properties), each served on
127.0.0.1 by uvicorn in a fresh process (this script with ``--serve``), so that
no run sees another's users. Printed side by side: wall time, requests the
server received (the ratio of requests is what a slower server would see in
wall time; loopback's sub-millisecond answers flatter shrinking), tests failed,
findings by severity, users and groups created (summary.json), the slowest
failing tests (junit.xml), then the ratio faulty / clean (median over rounds)
against the 3x target.

Exit 0 (a report), or 1 with ``--check`` when the target is missed. Extra
arguments after ``--`` go to both runs (say ``--hypothesis-profile ci``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TARGET = 3.0
STARTUP_TIMEOUT = 30.0
RUN_TIMEOUT = 1800.0
REFERENCE = "scim_conformance.server.app:create_app"


@dataclass(frozen=True, slots=True)
class Run:
    label: str
    wall: float
    exit_code: int
    failed: int
    passed: int
    requests: int
    """Requests the server received (preflight and cleanup included)."""
    findings: dict[str, int]
    created: dict[str, int]
    slowest: list[tuple[float, str]]
    """(seconds, test) of the failing tests, slowest first."""


# -- serving an app on loopback --------------------------------------------------------


def serve(app: str, token: str, count: str) -> None:
    """The child process: ``app`` (MODULE:FACTORY, create_app's signature) on 127.0.0.1, port 0.

    Each request the app receives adds one byte to the file ``count``: its size is
    the number of requests, however the process ends (it is killed).
    """
    import importlib

    import uvicorn

    sys.path.insert(0, str(REPO))
    from scim_conformance.server.config import Realm, ServiceAccount, new_realm_id

    module, _, name = app.partition(":")
    realm = new_realm_id()
    built = getattr(importlib.import_module(module), name)(
        realms=[Realm(realm)], accounts=[ServiceAccount("okta", token)]
    )
    counter = os.open(count, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    async def counted(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            os.write(counter, b".")
        await built(scope, receive, send)

    # IPPROTO_TCP: asyncio sets TCP_NODELAY only then (see scim_conformance.cli._serve).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    print(f"READY http://127.0.0.1:{sock.getsockname()[1]}/public/realms/{realm}/scim/v2", flush=True)
    config = uvicorn.Config(counted, log_level="warning", lifespan="off", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


@contextlib.contextmanager
def served(app: str, token: str, count: Path) -> Iterator[str]:
    """``app`` served by a child process of this script; yields its SCIM root URL, always kills it."""
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(
            [sys.executable, __file__, f"--serve={app}", f"--token={token}", f"--count={count}"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not (text := _read(out)).startswith("READY "):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{app} did not start:\n{text[-2000:]}")
                time.sleep(0.02)
            yield text.split()[1]
        finally:
            process.kill()
            process.wait(10)


def _read(out: Any) -> str:
    out.seek(0)
    return str(out.read())


# -- one run ---------------------------------------------------------------------------


def run(label: str, app: str, extra: Sequence[str]) -> Run:
    token = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory() as reports, served(app, token, Path(reports) / "count") as url:
        env = {**os.environ, "SCIM_TOKEN": token, "PYTHONPATH": str(REPO)}
        env.pop("SCIM_URL", None)
        command = [sys.executable, "-m", "scim_conformance", "run", "--reports", reports, "--scim-url", url]
        started = time.perf_counter()
        done = subprocess.run(
            [*command, "-q", *extra],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            timeout=RUN_TIMEOUT,
            check=False,
        )
        wall = time.perf_counter() - started
        try:
            summary = json.loads((Path(reports) / "summary.json").read_text(encoding="utf-8"))
        except OSError:
            raise RuntimeError(
                f"{label}: no summary.json (exit {done.returncode}):\n{done.stdout[-3000:]}"
            ) from None
        return Run(
            label,
            wall,
            done.returncode,
            *_outcomes(Path(reports) / "junit.xml"),
            requests=(Path(reports) / "count").stat().st_size,
            findings=_by_severity(summary),
            created=_created(summary),
            slowest=_slowest(Path(reports) / "junit.xml"),
        )


def _by_severity(summary: dict[str, Any]) -> dict[str, int]:
    found = summary.get("findings", [])
    return {s: sum(1 for f in found if f.get("severity") == s) for s in ("security", "okta", "rfc")}


def _created(summary: dict[str, Any]) -> dict[str, int]:
    """Users and groups the run created (summary.json's footprint), or the cleanup's total."""
    footprint = summary.get("footprint")
    if isinstance(footprint, dict):
        return {"users": footprint["users"]["created"], "groups": footprint["groups"]["created"]}
    return {"resources": summary.get("cleanup", {}).get("created", 0)}


def _cases(path: Path) -> Iterator[ET.Element]:
    yield from ET.parse(path).getroot().iter("testcase")


def _outcomes(path: Path) -> tuple[int, int]:
    failed = sum(
        1 for case in _cases(path) if case.find("failure") is not None or case.find("error") is not None
    )
    skipped = sum(1 for case in _cases(path) if case.find("skipped") is not None)
    return failed, sum(1 for _ in _cases(path)) - failed - skipped


def _slowest(path: Path) -> list[tuple[float, str]]:
    failing = [
        (float(case.get("time", 0)), case.get("name", "?"))
        for case in _cases(path)
        if case.find("failure") is not None or case.find("error") is not None
    ]
    return sorted(failing, reverse=True)[:5]


# -- the report ------------------------------------------------------------------------


def show(clean: Run, faulty: Run) -> None:
    rows = [
        ("wall (s)", f"{clean.wall:.1f}", f"{faulty.wall:.1f}"),
        ("exit code", str(clean.exit_code), str(faulty.exit_code)),
        ("requests", str(clean.requests), str(faulty.requests)),
        ("tests failed / passed", f"{clean.failed} / {clean.passed}", f"{faulty.failed} / {faulty.passed}"),
        (
            "findings security/okta/rfc",
            "/".join(str(clean.findings[s]) for s in ("security", "okta", "rfc")),
            "/".join(str(faulty.findings[s]) for s in ("security", "okta", "rfc")),
        ),
        (
            "created",
            ", ".join(f"{n} {k}" for k, n in clean.created.items()),
            ", ".join(f"{n} {k}" for k, n in faulty.created.items()),
        ),
    ]
    print(f"  {'':28} {clean.label:>22} {faulty.label:>22}")
    for name, left, right in rows:
        print(f"  {name:28} {left:>22} {right:>22}")
    if faulty.slowest:
        print("  slowest failing tests (faulty run):")
        for seconds, name in faulty.slowest:
            print(f"    {seconds:7.1f} s  {name}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="clean + faulty pairs (default 1)")
    parser.add_argument("--mutant", default="names_flattened", help="scim_conformance.mutants NAME")
    parser.add_argument("--check", action="store_true", help="exit 1 when the 3x target is missed")
    parser.add_argument("--serve", metavar="MODULE:FACTORY", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--count", help=argparse.SUPPRESS)
    args, extra = parser.parse_known_args(argv)
    if args.serve:
        serve(args.serve, args.token, args.count)
        return 0
    extra = [a for a in extra if a != "--"]
    faulty_app = f"scim_conformance.mutants:{args.mutant}"
    print(f"time to verdict: a default run against {args.mutant} vs the reference server, on loopback")
    if extra:
        print(f"  pytest arguments: {' '.join(extra)}")
    ratios = []
    for number in range(1, args.rounds + 1):
        clean = run("reference server", REFERENCE, extra)
        faulty = run(args.mutant, faulty_app, extra)
        ratios.append(faulty.wall / clean.wall)
        print(f"round {number} of {args.rounds}:")
        show(clean, faulty)
        print(
            f"  ratio faulty / clean: {ratios[-1]:.2f}x wall time, "
            f"{faulty.requests / max(clean.requests, 1):.2f}x requests"
        )
    ratio = statistics.median(ratios)
    verdict = "met" if ratio <= TARGET else "MISSED"
    print(f"time to verdict: {ratio:.2f}x a clean run (median of {len(ratios)}); ", end="")
    print(f"target <= {TARGET:.0f}x: {verdict}")
    return 1 if args.check and ratio > TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
