"""A ``python -m scim_conformance serve`` subprocess, for tests that need the real socket.

Every wait is bounded: startup, shutdown and each request have a deadline, and
:func:`serving` kills the process whatever happens in the test, so a hung server
costs seconds, never the whole run.

stdout and stderr go to files, not pipes: a pipe nobody drains can block the
server once its buffer fills, and files can be read at any point of a test
(e.g. to prove a token was never printed).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STARTUP_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
READY_LINE = "Press Ctrl-C to stop."
BASE_URL = re.compile(
    r"^SCIM base URL: (https?://127\.0\.0\.1:(\d+)/public/realms/"
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/scim/v2)$",
    re.MULTILINE,
)
TOKEN_LINE = re.compile(r"^Bearer token:  (\S+)  \(generated\)$", re.MULTILINE)
_REPO = Path(__file__).resolve().parents[2]


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "scim_conformance", "serve", *args]


def environment() -> dict[str, str]:
    # The checkout, not an installed copy, is what is under test.
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{_REPO}{os.pathsep}{path}" if path else str(_REPO)}


@dataclass
class Served:
    """A running server and what it printed."""

    process: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path
    base_url: str = ""
    realm: str = ""
    #: The token as printed, or None when the server did not print one.
    token: str | None = None

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while READY_LINE not in (out := self.stdout):
            if self.process.poll() is not None:
                raise AssertionError(
                    f"server exited with {self.process.returncode} before it was ready:\n{out}{self.stderr}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"server not ready after {STARTUP_TIMEOUT} s:\n{out}{self.stderr}")
            time.sleep(0.02)
        match = BASE_URL.search(out)
        assert match, f"no 'SCIM base URL:' line of the expected form in:\n{out}"
        self.base_url, self.realm = match[1], match[3]
        shown = TOKEN_LINE.search(out)
        self.token = shown[1] if shown else None

    def interrupt(self) -> int:
        """Ctrl-C: SIGINT, then the exit code (bounded wait)."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(STOP_TIMEOUT)

    def kill(self) -> int:
        """SIGKILL: no handler, no shutdown, no flush; the exit code proves which signal ended it."""
        self.process.kill()
        return self.process.wait(STOP_TIMEOUT)


@contextmanager
def serving(tmp_path: Path, *args: str, name: str = "serve") -> Iterator[Served]:
    """Start ``serve --port 0 *args`` on 127.0.0.1 and always stop it on the way out."""
    stdout_path, stderr_path = tmp_path / f"{name}.stdout", tmp_path / f"{name}.stderr"
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        process = subprocess.Popen(
            command("--host", "127.0.0.1", "--port", "0", *args),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=environment(),
        )
    served = Served(process, stdout_path, stderr_path)
    try:
        served.wait_ready()
        yield served
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(STOP_TIMEOUT)


def run(*args: str, timeout: float = STARTUP_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """``serve *args`` expected to exit by itself (bad usage); killed by the timeout otherwise."""
    return subprocess.run(
        command(*args),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=timeout,
        check=False,
    )
