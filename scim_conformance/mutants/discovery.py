"""Discovery documents that do not say what RFC 7643 §5-7 require (what is advertised but broken
lives with the broken feature: ``filter_ignored`` in lookups, ``patch_not_applied`` in updates).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Scope

from ..server.app import create_app
from ..server.config import Realm, ServiceAccount
from .middleware import json_edit, on_response, scim_path
from .registry import mutant


@mutant(catches=("discovery.service-provider-config",))
def config_incomplete(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Serves a ServiceProviderConfig without ``etag``, ``sort`` or ``authenticationSchemes``.

    Breaks RFC 7643 §5: those attributes are REQUIRED (rfc).
    """

    def change(scope: Scope, doc: Any) -> Any:
        if scim_path(scope) == "/ServiceProviderConfig":
            for name in ("etag", "sort", "authenticationSchemes"):
                doc.pop(name, None)
        return doc

    return on_response(create_app(realms=realms, accounts=accounts), json_edit(change))


@mutant(catches=("discovery.schemas", "discovery.resource-types"))
def discovery_bare_arrays(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Answers /Schemas and /ResourceTypes with bare JSON arrays instead of ListResponses.

    Breaks RFC 7644 §4: discovery lists are ListResponses (rfc).
    """

    def change(scope: Scope, doc: Any) -> Any:
        return doc["Resources"] if scim_path(scope) in ("/Schemas", "/ResourceTypes") else doc

    return on_response(create_app(realms=realms, accounts=accounts), json_edit(change))


@mutant(catches=("discovery.schemas",))
def schemas_without_attributes(realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
    """Lists the schemas by id and name only, with no attribute definitions.

    Breaks RFC 7643 §7: a schema defines its attributes (rfc).
    """

    def change(scope: Scope, doc: Any) -> Any:
        if scim_path(scope) == "/Schemas":
            doc["Resources"] = [{"id": s["id"], "name": s.get("name")} for s in doc["Resources"]]
        return doc

    return on_response(create_app(realms=realms, accounts=accounts), json_edit(change))
