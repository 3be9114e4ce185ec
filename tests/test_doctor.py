"""``scim-conformance doctor`` without a server: the URL's shape, a refused connection, usage errors."""

from __future__ import annotations

import socket

import pytest

from scim_conformance import cli
from scim_conformance.doctor import Item, examine, render

ROOT = "https://zentral.example.com/public/realms/5f0a3c1e-8d2b-4b7a-9c41-2e6f1d9a7b30/scim/v2"


@pytest.mark.parametrize(
    ("url", "seen"),
    [
        ("ftp://zentral.example.com/scim/v2", "is not an http(s) URL with a host"),
        (ROOT + "/Users", "ends with /Users: an endpoint, not the SCIM root"),
        (ROOT + "?x=1", "has a query or a fragment"),
    ],
)
def test_a_wrong_url_is_the_only_item(url: str, seen: str) -> None:
    (item,) = examine(url, "t")
    assert item.name == "URL" and not item.ok and seen in item.seen and item.fix


def test_a_refused_connection_names_the_fix() -> None:
    with socket.socket() as sock:  # a port nobody listens on: bound, never listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        items = examine(f"http://127.0.0.1:{port}/public/realms/{ROOT.split('/')[-3]}/scim/v2", "t")
    assert [(i.name, i.ok) for i in items] == [("URL", True), ("reachable", False)]
    assert "refused" in items[1].seen and "is the server running" in items[1].fix


def test_render_aligns_names_and_shows_the_fix_of_a_failed_item() -> None:
    lines = render([Item("token", True, "accepted"), Item("realm", False, "404", "check the uuid")])
    assert lines == ["OK    token  accepted", "FAIL  realm  404 — fix: check the uuid"]


def test_doctor_without_a_url_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCIM_URL", raising=False)
    assert cli.main(["doctor"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pass --scim-url URL or set SCIM_URL" in err
