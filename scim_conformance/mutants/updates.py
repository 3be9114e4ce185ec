"""Updates answered 200 but not applied: Okta believes a change that the provider dropped."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Scope

from ..server.app import create_app
from ..server.config import Realm, ServiceAccount
from .middleware import on_request, scim_path
from .registry import mutant


@mutant(
    catches=(
        "discovery.patch-advertised",
        "user-lifecycle.deactivate-patch",
        "group-push.get-added",
        "requirements.patch-atomic",
        "requirements.large-group",
    )
)
def patch_not_applied(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Advertises ``patch.supported``, answers PATCH with 200 and the resource, changes nothing.

    Breaks RFC 7643 §5 / RFC 7644 §3.5.2 "PATCH advertised means PATCH works" (rfc), and
    CONTRACT §2 for okta-oin apps, which deactivate and push members by PATCH (okta).
    """

    def as_get(scope: Scope) -> Scope:
        return {**scope, "method": "GET"} if scope["method"] == "PATCH" else scope

    return on_request(create_app(realms=realms, accounts=accounts), as_get)


@mutant(catches=("user-lifecycle.deactivate-patch", "discovery.patch-advertised"))
def deactivate_ignored(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Answers ``PATCH /Users/{id}`` with 200 and the user unchanged.

    Breaks RFC 7644 §3.5.2 / CONTRACT §2 (okta-oin deactivates by PATCH): the user Okta
    deactivated stays active (okta). AIW apps, which PUT ``active: false``, are unaffected.
    """

    def as_get(scope: Scope) -> Scope:
        patching_user = scope["method"] == "PATCH" and scim_path(scope).startswith("/Users/")
        return {**scope, "method": "GET"} if patching_user else scope

    return on_request(create_app(realms=realms, accounts=accounts), as_get)
