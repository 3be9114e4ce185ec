"""Target.build_request builds what httpx's ``Client.build_request`` builds, with less URL work."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scim_conformance.target import Target
from scim_conformance.traffic import Recorder

BASE = "https://zentral.example.test/public/realms/6c0d5a8e-0000-4000-8000-00000000beef/scim/v2"


def _target(**options: Any) -> Target:
    headers = {"Accept": "application/scim+json", "Authorization": "Bearer t0ken"}
    client = httpx.Client(
        base_url=BASE, headers=headers, transport=httpx.MockTransport(lambda r: None), **options
    )
    return Target(BASE, client, Recorder())


def _shown(request: httpx.Request) -> tuple[Any, ...]:
    return (request.method, str(request.url), request.headers.raw, request.read(), request.extensions)


PATHS = [
    "/Users",
    "/Users/2819c223-7f76-453a-919d-413861904646",
    '/Users?filter=userName%20eq%20"ann+x@example.com"',
    '/Users?filter=userName+eq+"ann@example.com"&startIndex=1&count=100',
    '/Users?filter=userName eq "zoë 山田@example.com"',
    "/Groups/a%2Fb?attributes=members",
    "/Users/../Groups",
    "/",
    "/#",
    "//",
    "//0/Users",
    "/Users?filter=x#frag",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("params", [None, {"startIndex": 1, "count": "2"}])
@pytest.mark.parametrize(
    "headers", [None, {"Authorization": "Bearer other", "Content-Type": "application/json"}]
)
def test_the_request_is_the_one_httpx_builds(path: str, params: Any, headers: Any) -> None:
    target = _target(timeout=12.5)
    for content in (None, b'{"a":1}', '{"é":1}'):
        ours = target.build_request("PATCH", path, params=params, content=content, headers=headers)
        theirs = target.client.build_request("PATCH", path, params=params, content=content, headers=headers)
        assert _shown(ours) == _shown(theirs)


# Any text, and text made of the characters URL parsing treats specially: CI once met
# "#" (a fragment httpx drops) only by chance among arbitrary text.
_PATHS = st.text(st.characters(exclude_categories=("Cs",)), max_size=30) | st.text(
    st.sampled_from("/#?%&=:@+.\\[] a0é"), max_size=12
)


@given(path=_PATHS)
def test_any_path_under_the_root_gives_httpxs_url(path: str) -> None:
    target = _target()
    try:
        theirs = target.client.build_request("GET", "/" + path)
    except httpx.InvalidURL:
        with pytest.raises(httpx.InvalidURL):
            target.build_request("GET", "/" + path)
        return
    assert _shown(target.build_request("GET", "/" + path)) == _shown(theirs)


def test_cookies_and_other_roots_take_httpxs_way() -> None:
    target = _target(cookies={"session": "s1"})
    for path in ("/Users", "https://elsewhere.example.test/Users"):
        assert _shown(target.build_request("GET", path)) == _shown(target.client.build_request("GET", path))
