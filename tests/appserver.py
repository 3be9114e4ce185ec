"""Serve an app factory over a real socket (optionally TLS), in a subprocess, for tests.

As a script::

    python tests/appserver.py --token T [--app MODULE:FACTORY] [--certfile C --keyfile K]

prints ``SCIM base URL: <url>`` and ``READY`` once the socket listens (connections
made before uvicorn accepts wait in the backlog), then serves until killed.
:func:`serving` starts it, waits a bounded time, and always kills it.
"""

from __future__ import annotations

import argparse
import importlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

STARTUP_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


def main(argv: Sequence[str] | None = None) -> None:
    import uvicorn

    from scim_conformance.server.config import Realm, ServiceAccount, new_realm_id
    from scim_conformance.spec import ALL_PERMISSIONS

    parser = argparse.ArgumentParser()
    parser.add_argument("--app", default="scim_conformance.server.app:create_app")
    parser.add_argument("--token", required=True)
    parser.add_argument("--certfile")
    parser.add_argument("--keyfile")
    parser.add_argument("--without", action="append", default=[], help="a permission the token lacks")
    args = parser.parse_args(argv)
    module, _, name = args.app.partition(":")
    factory = getattr(importlib.import_module(module), name)
    realm = new_realm_id()
    permissions = ALL_PERMISSIONS - set(args.without)
    app = factory(realms=[Realm(realm)], accounts=[ServiceAccount("okta", args.token, permissions)])
    # IPPROTO_TCP so that asyncio sets TCP_NODELAY (see cli._serve).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    scheme = "https" if args.certfile else "http"
    print(f"SCIM base URL: {scheme}://127.0.0.1:{sock.getsockname()[1]}/public/realms/{realm}/scim/v2")
    print("READY", flush=True)
    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan="off",
        access_log=False,
        ssl_certfile=args.certfile,
        ssl_keyfile=args.keyfile,
    )
    uvicorn.Server(config).run(sockets=[sock])


@contextmanager
def serving(
    tmp_path: Path,
    *,
    token: str,
    app: str | None = None,
    tls: tuple[Path, Path] | None = None,
    name: str = "app",
    without: Sequence[str] = (),
) -> Iterator[str]:
    """Serve ``app`` (default: the reference server) on 127.0.0.1; yields its SCIM base URL.

    ``without``: permissions the token lacks (a service account missing some).
    """
    argv = [sys.executable, str(Path(__file__)), "--token", token]
    argv += [f"--without={permission}" for permission in without]
    if app:
        argv += ["--app", app]
    if tls:
        argv += ["--certfile", str(tls[0]), "--keyfile", str(tls[1])]
    out_path = tmp_path / f"{name}.out"
    with out_path.open("wb") as out:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while "READY" not in (text := out_path.read_text()):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{name} server did not start (exit {process.poll()}):\n{text}")
            time.sleep(0.02)
        yield text.split("SCIM base URL: ", 1)[1].split()[0]
    finally:
        process.kill()
        process.wait(STOP_TIMEOUT)


def self_signed_cert(directory: Path) -> tuple[Path, Path] | None:
    """A certificate for 127.0.0.1 and its key, made with the openssl CLI (None without it)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    return cert, key


if __name__ == "__main__":
    main()
