"""The SCIM service provider under test: a remote URL or the embedded reference server.

Both are the same ``httpx.Client`` with a different transport (STYLE Lesson 5),
wrapped in a :class:`~scim_conformance.transport.RecordingTransport` so every
exchange is recorded, redacted, for failure reports.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import HarnessError
from .okta.protocol import OKTA_HEADERS, OKTA_TIMEOUT
from .traffic import Recorder
from .transport import ASGIPortalTransport, RecordingTransport


@dataclass(frozen=True, slots=True)
class Target:
    """A SCIM root URL with the one client the session uses to reach it."""

    base_url: str
    """The SCIM root, e.g. ``https://zentral.example.com/public/realms/<uuid>/scim/v2``."""
    client: httpx.Client = field(repr=False)
    recorder: Recorder = field(repr=False)
    embedded: bool = False
    """True for the in-process reference server."""
    token: str | None = field(default=None, repr=False)
    """Held to build bad-token requests from; recorded exchanges never contain it."""

    def url(self, path: str) -> str:
        return self.base_url + path

    def build_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        content: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Request:
        """``client.build_request(...)``: the same request, built with a third of httpx's URL work.

        httpx parses the path, then the base URL again to join them (about 0.1 ms a
        request, a sixth of a loopback GET); here the joined text is parsed once. The
        headers, params, timeout and cookies are merged as httpx merges them; a path
        that is not under the base URL, one httpx reads otherwise ("//x" names a host, a
        fragment is dropped when it joins) and a client holding cookies take httpx's way.
        """
        client = self.client
        if not path.startswith("/") or path.startswith("//") or "#" in path or client.cookies:
            return client.build_request(method, path, params=params, content=content, headers=headers)
        merged = httpx.Headers(client.headers)
        merged.update(headers)
        return httpx.Request(
            method,
            str(client.base_url) + path[1:],
            content=content,
            params=client.params.merge(params) if params or client.params else None,
            headers=merged,
            extensions={"timeout": client.timeout.as_dict()},
        )

    def close(self) -> None:
        self.client.close()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # hypothesis prints a failing example's arguments (fixtures too) field by field,
        # repr=False or not: the token would reach the report. Print the repr instead.
        printer.text(repr(self))


def _client(base_url: str, token: str | None, transport: httpx.BaseTransport, **options: Any) -> httpx.Client:
    headers = dict(OKTA_HEADERS)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.Client(base_url=base_url, headers=headers, transport=transport, **options)


def remote_target(
    url: str,
    token: str | None,
    *,
    insecure: bool = False,
    ca_bundle: str | None = None,
    timeout: float = OKTA_TIMEOUT,
) -> Target:
    """A target reached over the network, TLS verified unless ``insecure``."""
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise HarnessError(f"--scim-url must be an http(s) URL with a host, got {url!r}")
    verify: ssl.SSLContext | bool = not insecure
    if ca_bundle and not insecure:
        try:
            verify = ssl.create_default_context(cafile=ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise HarnessError(f"cannot load --scim-ca-bundle {ca_bundle!r}: {exc}") from None
    if parsed.scheme == "http":
        # No TLS is ever used (requests are relative to this URL, redirects are not
        # followed): do not load the CA bundle, about 25 ms of every run.
        verify = False
    recorder = Recorder([token] if token else [])
    base = url.rstrip("/")
    transport = RecordingTransport(httpx.HTTPTransport(verify=verify), recorder)
    client = _client(base, token, transport, timeout=timeout)
    return Target(base, client, recorder, embedded=False, token=token)


def embedded_target(factory: str | None = None) -> Target:
    """A fresh in-memory server with one realm and a full-permission token, in-process.

    ``factory`` ("module:callable") builds the app instead of the reference
    server's ``create_app``, with the same keyword arguments: that is how tests
    aim the suites at deliberately faulty servers.
    """
    from .server.app import create_app
    from .server.config import Realm, ServiceAccount, new_realm_id, new_token

    make = create_app if factory is None else _load_factory(factory)
    realm, token = new_realm_id(), new_token()
    app = make(realms=[Realm(realm)], accounts=[ServiceAccount("okta", token)])
    base = f"http://reference.scim.test/public/realms/{realm}/scim/v2"
    recorder = Recorder([token])
    transport = RecordingTransport(ASGIPortalTransport(app), recorder)
    return Target(
        base, _client(base, token, transport, timeout=OKTA_TIMEOUT), recorder, embedded=True, token=token
    )


def _load_factory(spec: str) -> Any:
    import importlib

    module_name, _, attr = spec.partition(":")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError, ValueError) as exc:
        raise HarnessError(f"--scim-app {spec!r}: cannot load it ({exc}); expected MODULE:FACTORY") from None
