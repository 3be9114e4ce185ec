"""Real targets on loopback, and the suites run against them as a user runs them.

- :func:`reference_server`: ``python -m scim_conformance serve`` (through
  ``tests/server/served.py``), optionally with ``--log``;
- :func:`scim2_server`: scim2-server from PyPI, served by its own ``scim2-server``
  command (its test server: in-memory, static bearer token);
- :func:`django_scim2_server`: django-scim2 from PyPI in the small Django site of
  ``tests/djangosite/`` (SQLite in the test's tmp dir, bearer-token login);
- :func:`run_suites`: ``python -m scim_conformance run`` in a subprocess, the token
  in ``SCIM_TOKEN`` as documented.

Every wait is bounded and every process started here is killed on the way out.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from served import Served, environment, serving  # tests/server/served.py (tests/conftest.py: sys.path)

__all__ = [
    "Served",
    "django_scim2_server",
    "pretty",
    "read_log",
    "reference_server",
    "run_suites",
    "scim2_server",
    "scim_path",
]

STARTUP_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
RUN_TIMEOUT = 180.0
EXAMPLES = 5


@contextmanager
def reference_server(tmp_path: Path, token: str, *, log: Path | None = None) -> Iterator[Served]:
    """The reference server on 127.0.0.1 (port 0), with ``--log`` when ``log`` is given."""
    args = ["--token", token] + (["--log", str(log)] if log is not None else [])
    with serving(tmp_path, *args, name="reference") as served:
        yield served


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def scim2_server(tmp_path: Path, token: str) -> Iterator[str]:
    """scim2-server's own command on 127.0.0.1; yields its SCIM root URL (``…/v2``).

    The command cannot report the port it bound, so a free one is picked first;
    the rare port taken in between is retried on another.
    """
    for attempt in range(3):
        port = _free_port()
        out_path = tmp_path / f"scim2-server-{attempt}.out"
        argv = [sys.executable, "-m", "scim2_server.testserver.cli", "--bearer-token", token]
        with out_path.open("wb") as out:
            process = subprocess.Popen(
                [*argv, "--port", str(port)], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
            )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while "Serving SCIM on " not in (text := out_path.read_text(errors="replace")):
                if process.poll() is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.02)
            else:
                yield f"http://127.0.0.1:{port}/v2"
                return
            if "Address already in use" not in text:
                raise AssertionError(f"scim2-server did not start (exit {process.poll()}):\n{text}")
        finally:
            process.kill()
            process.wait(STOP_TIMEOUT)
    raise AssertionError("scim2-server found no free port in 3 attempts")


@contextmanager
def django_scim2_server(tmp_path: Path, token: str) -> Iterator[str]:
    """django-scim2 served by ``tests/djangosite/serve.py`` on 127.0.0.1; yields its SCIM root URL."""
    out_path = tmp_path / "django-scim2.out"
    argv = [
        sys.executable,
        "-m",
        "djangosite.serve",
        "--token",
        token,
        "--db",
        str(tmp_path / "site.sqlite3"),
    ]
    env = {
        **environment(),
        "PYTHONPATH": f"{Path(__file__).resolve().parent}{os.pathsep}{environment()['PYTHONPATH']}",
    }
    with out_path.open("wb") as out:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while "READY" not in (text := out_path.read_text(errors="replace")):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"django-scim2 did not start (exit {process.poll()}):\n{text}")
            time.sleep(0.02)
        yield text.split("SCIM base URL: ", 1)[1].split()[0]
    finally:
        process.kill()
        process.wait(STOP_TIMEOUT)


def run_suites(
    url: str,
    token: str,
    reports: Path,
    *args: str,
    examples: int | None = EXAMPLES,
    timeout: float = RUN_TIMEOUT,
) -> subprocess.CompletedProcess[str]:
    """``scim-conformance run --reports REPORTS --scim-url URL *args``, SCIM_TOKEN in the environment.

    Every suite and every test runs; each property test draws ``examples``
    examples (``--scim-examples``): the same kinds of request as the default
    profile's, in a fraction of the time. ``examples=None``: the default run, as is.
    """
    env = {**environment(), "SCIM_TOKEN": token}
    env.pop("SCIM_URL", None)
    command = [sys.executable, "-m", "scim_conformance", "run", "--reports", str(reports), "--scim-url", url]
    if examples is not None:
        command.append(f"--scim-examples={examples}")
    return subprocess.run(
        [*command, *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def read_log(path: Path) -> list[dict[str, Any]]:
    """The exchanges of a ``serve --log`` file, oldest first."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def scim_path(entry: dict[str, Any]) -> list[str]:
    """The segments of a logged request path after the SCIM root, e.g. ``["Users", "<id>"]``."""
    return entry["path"].split("/scim/v2", 1)[-1].strip("/").split("/")


def pretty(result: subprocess.CompletedProcess[str]) -> str:
    """A finished run's exit code and output, for assertion messages."""
    out, err = result.stdout[-6000:], result.stderr[-3000:]
    return f"exit {result.returncode}\n--- stdout\n{out}\n--- stderr\n{err}"
