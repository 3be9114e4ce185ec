"""The preflight: a target that cannot be tested stops the run before any test, with one message, exit 2.

Each set-up fault of the issue — connection refused, TLS, unknown realm or SCIM
disabled (404), bad token (401), missing permission (403) — gets exactly one
line naming the cause and the fix, and not a single test runs.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from appserver import self_signed_cert, serving
from suite_runs import SUITES, ran_nothing

# Slow (served servers, plain and TLS; a suite run per set-up fault): not in `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

CONNECTION = (str(SUITES / "test_connection.py"),)
TOKEN = "preflight-token-" + uuid.uuid4().hex

# Embedded targets with a set-up fault, built like the reference server.
SET_UP_FAULTS = """
import dataclasses
from scim_conformance.server.app import create_app

def scim_disabled(*, realms, accounts):
    return create_app(realms=[dataclasses.replace(r, scim_enabled=False) for r in realms], accounts=accounts)

def no_permissions(*, realms, accounts):
    accounts = [dataclasses.replace(a, permissions=frozenset()) for a in accounts]
    return create_app(realms=realms, accounts=accounts)
"""


def preflight_fails(result: pytest.RunResult, *phrases: str) -> None:
    """Exit 2, no test run, and one line holding every phrase (the cause and the fix)."""
    __tracebackhide__ = True
    output = result.stdout.lines + result.stderr.lines
    matching = [line for line in output if all(p in line for p in phrases)]
    assert result.ret == 2, "\n".join(output)
    assert ran_nothing(result), "\n".join(output)
    assert len(matching) == 1, f"expected one line with {phrases}:\n" + "\n".join(output)
    assert matching[0].startswith("scim-conformance: cannot test the target: ")
    assert not any("Traceback" in line or "_pytest.outcomes.Exit" in line for line in output)


@pytest.fixture(scope="module")
def reference_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("reference"), token=TOKEN) as url:
        yield url


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    directory = tmp_path_factory.mktemp("tls")
    cert = self_signed_cert(directory)
    if cert is None:
        pytest.skip("the openssl command is needed to make a self-signed certificate")
    with serving(directory, token=TOKEN, tls=cert, name="tls") as url:
        yield url, cert[0]


def test_connection_refused(pytester: pytest.Pytester) -> None:
    with socket.socket() as sock:  # a port nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = pytester.runpytest_inprocess(*CONNECTION, f"--scim-url=http://127.0.0.1:{port}/scim/v2")
    preflight_fails(result, "refused", "is the server running", "--scim-url")


def test_unknown_realm(pytester: pytest.Pytester, reference_url: str) -> None:
    wrong = reference_url.replace(reference_url.split("/realms/")[1].split("/")[0], str(uuid.uuid4()))
    result = pytester.runpytest_inprocess(*CONNECTION, f"--scim-url={wrong}", f"--scim-token={TOKEN}")
    preflight_fails(result, "404", "realm is unknown or SCIM is not enabled", "--scim-url")


def test_scim_disabled(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(setup_faults=SET_UP_FAULTS)
    pytester.syspathinsert()
    result = pytester.runpytest_inprocess(*CONNECTION, "--scim-app=setup_faults:scim_disabled")
    preflight_fails(result, "404", "SCIM is not enabled", "'SCIM enabled' option")


@pytest.mark.parametrize(
    ("token", "fix"),
    [(None, "no token was given: set SCIM_TOKEN"), ("not-the-token", "set SCIM_TOKEN to a valid one")],
    ids=["no-token", "wrong-token"],
)
def test_refused_token(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    reference_url: str,
    token: str | None,
    fix: str,
) -> None:
    if token is None:
        monkeypatch.delenv("SCIM_TOKEN", raising=False)
    else:
        monkeypatch.setenv("SCIM_TOKEN", token)
    result = pytester.runpytest_inprocess(*CONNECTION, f"--scim-url={reference_url}")
    preflight_fails(result, "401", fix)


def test_missing_permission(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(setup_faults=SET_UP_FAULTS)
    pytester.syspathinsert()
    result = pytester.runpytest_inprocess(*CONNECTION, "--scim-app=setup_faults:no_permissions")
    preflight_fails(result, "403", "lacks a permission", "realms.realmuser")


def test_untrusted_certificate(pytester: pytest.Pytester, tls_server: tuple[str, Path]) -> None:
    url, _ = tls_server
    result = pytester.runpytest_inprocess(*CONNECTION, f"--scim-url={url}", f"--scim-token={TOKEN}")
    preflight_fails(result, "TLS verification", "failed", "--scim-ca-bundle", "--scim-insecure")


@pytest.mark.parametrize("trust", ["ca-bundle", "insecure"])
def test_trusted_certificate_passes_preflight(
    pytester: pytest.Pytester, tls_server: tuple[str, Path], trust: str
) -> None:
    url, cert = tls_server
    option = f"--scim-ca-bundle={cert}" if trust == "ca-bundle" else "--scim-insecure"
    result = pytester.runpytest_inprocess(*CONNECTION, f"--scim-url={url}", f"--scim-token={TOKEN}", option)
    assert result.ret == 0, result.stdout.str()
    result.assert_outcomes(passed=2)


def test_setup_error_in_json_summary(pytester: pytest.Pytester, tmp_path: Path) -> None:
    import json

    pytester.makepyfile(setup_faults=SET_UP_FAULTS)
    pytester.syspathinsert()
    summary = tmp_path / "summary.json"
    result = pytester.runpytest_inprocess(
        *CONNECTION, "--scim-app=setup_faults:no_permissions", f"--scim-json={summary}"
    )
    assert result.ret == 2
    written = json.loads(summary.read_text())
    assert written["exit_code"] == 2
    assert "403" in written["setup_error"]
    assert written["findings"] == []
