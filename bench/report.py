"""The printed report of ``bench/server.py``: the figures table, the details, and the set-up."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shlex
import statistics
import subprocess
import sys
from pathlib import Path

import launch
from figures import Figure, Settings, Target, sequences_per_second

_PACKAGES = (
    "uvicorn",
    "uvloop",
    "httptools",
    "starlette",
    "httpx",
    "scim2-server",
    "scim2-models",
    "pydantic",
)


def _us(ns: float) -> str:
    return f"{ns / 1000:,.0f}"


def _versions() -> str:
    found = []
    for name in _PACKAGES:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def _machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = ", " + line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{platform.system()} {platform.release()} {platform.machine()}, nproc {usable}{model}"


def _commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=Path(__file__).parent
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() or "unknown"


def render(
    figures: list[Figure],
    sequences: list[Target],
    lookups: list[Target],
    settings: Settings,
    *,
    quick: bool,
    stored: int,
) -> str:
    uvicorn = ", ".join(f"{k}={v}" for k, v in launch.UVICORN_SETTINGS.items())
    out = [
        "scim-conformance reference server benchmark" + (" (--quick)" if quick else ""),
        f"command:  {shlex.join([sys.executable, *sys.argv])}",
        f"commit:   {_commit()} (working tree as checked out)",
        f"python:   {platform.python_implementation()} {platform.python_version()}",
        f"packages: {_versions()}",
        f"machine:  {_machine()}",
        f"serving:  each server in its own subprocess on 127.0.0.1: uvicorn {uvicorn}",
        "client:   one httpx.Client, keep-alive (one connection per server), Okta's headers and bodies;",
        "          the in-process app is mounted on the same client (scim_conformance.transport)",
        "",
    ]
    width = max(len(f.name) for f in figures)
    out.append(f"{'figure':<{width}}  {'measured':>12}  {'target':<17}  result")
    for f in figures:
        verdict = "-" if f.passed is None else ("PASS" if f.passed else "FAIL")
        out.append(f"{f.name:<{width}}  {f.shown:>12}  {f.target:<17}  {verdict}")
    out.append(
        "ratios: median over rounds of the ratio within a round; ours / scim2-server is about "
        "(floor / scim2-server) / (ours / floor)"
    )

    out += [
        "",
        f"Okta sequence (lookup -> create -> GET -> PUT), {stored:,} users stored at start: "
        f"{settings.rounds} rounds x {settings.batch} sequences per server, order rotated each round",
        f"  {'server':<22} {'seq/s':>7} {'mean':>7} {'lookup':>7} {'create':>7} {'GET':>7} {'PUT':>7}"
        "   us per request (mean; medians per step)",
    ]
    for t in sequences:
        requests = len(t.rounds) * settings.batch * 4
        mean = sum(spent for _, spent in t.rounds) / requests
        steps = " ".join(f"{_us(statistics.median(samples)):>7}" for samples in t.samples.values())
        per_second = sequences_per_second(t, settings.batch)
        out.append(f"  {t.label:<22} {per_second:>7,.0f} {_us(mean):>7} {steps}")

    out += [
        "",
        f"userName eq lookup of a random stored user, ours served: {settings.lookup_rounds} rounds x "
        f"{settings.lookup_batch} lookups per store, alternating",
    ]
    for t in lookups:
        samples = sorted(t.samples["lookup"])
        median, p90 = statistics.median(samples), samples[int(len(samples) * 0.9)]
        out.append(f"  {t.label:>14}: median {_us(median)} us, p90 {_us(p90)} us")

    out += [
        "",
        f"memory: tracemalloc, bytes retained by a Store holding {stored:,} Okta users "
        "(seeded as below), divided by the users",
        "seeding (set-up, not measured, before the socket opens):",
        "  ours: Store.create of the validated form of each user (checked against validation.prepare)",
        "  scim2-server: ScimService.read_creation + InMemoryStorage.create (its POST path without HTTP);",
        "  served as scim2_server.applications.asgi.ASGIApplication over AsyncInMemoryStorage, at /v2,",
        "  with a bearer-token check as in its test server (whose CLI serves WSGI with wsgiref instead)",
        "floor: a starlette Route answering GET/POST/PUT on any path with a fixed empty ListResponse,",
        "  after reading the request body",
    ]
    for t in (*sequences, *lookups):
        if t.errors:
            out.append(f"ERRORS against {t.label} (its figures are FAIL): " + "; ".join(t.errors))
    return "\n".join(out)
