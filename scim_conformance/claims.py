"""What a provider says it stores: the attributes its own ``/Schemas`` defines (RFC 7643 §7).

CONTRACT §4: a provider may drop or derive any attribute Okta sends that is not
in the stored table (:mod:`scim_conformance.checks.stored`), but returning a
*different non-empty* value for an attribute it claims in ``/Schemas`` is
``rfc``. The claims are read once per session (the plugin's ``scim_claims``
fixture) and handed to every probe.

An attribute is claimed when a schema of ``/Schemas`` lists it (a
sub-attribute: its parent lists it in ``subAttributes``) as one a client may
write and will read back: neither ``"mutability": "readOnly"`` (``groups``,
``meta``: the provider's own values) nor ``"returned": "never"``
(``password``). A provider with no usable ``/Schemas`` (an error, a body that
is not JSON, an empty list, schemas without ``attributes``) claims nothing: the
discovery suite reports that, not the round-trip checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import httpx

from .spec import USER_SCHEMA

__all__ = ["NO_CLAIMS", "Claims", "claims_in", "read_claims"]


@dataclass(frozen=True, slots=True)
class Claims:
    """The attributes a provider's ``/Schemas`` says it stores, as (schema URN, attribute path) pairs."""

    attributes: frozenset[tuple[str, str]]
    """Lower-cased (attribute names are case-insensitive, RFC 7643 §2.1): ``(urn, "name.middlename")``."""
    source: str
    """How they were read, for a finding's words (``GET /Schemas: 3 schemas, 61 attributes``)."""

    def claims(self, path: str, schema: str = USER_SCHEMA) -> bool:
        """Whether ``path`` (``name.middleName``, or ``urn:…:User:name.middleName``) is claimed."""
        if path.lower().startswith("urn:"):
            schema, _, path = path.rpartition(":")
        return (schema.lower(), path.lower()) in self.attributes

    def __bool__(self) -> bool:
        return bool(self.attributes)


NO_CLAIMS: Final = Claims(frozenset(), "no /Schemas read: nothing claimed")


def _stores(attribute: dict[str, Any]) -> bool:
    # readOnly: the provider's own value (RFC 7643 §7 "mutability"); never: write-only.
    return attribute.get("mutability") != "readOnly" and attribute.get("returned") != "never"


def _attributes(schema: dict[str, Any]) -> Iterator[str]:
    attributes = schema.get("attributes")
    for attribute in attributes if isinstance(attributes, list) else []:
        if not isinstance(attribute, dict) or not isinstance(attribute.get("name"), str):
            continue
        if not _stores(attribute):
            continue
        name: str = attribute["name"]
        yield name
        subs = attribute.get("subAttributes")
        for sub in subs if isinstance(subs, list) else []:
            if isinstance(sub, dict) and isinstance(sub.get("name"), str) and _stores(sub):
                yield f"{name}.{sub['name']}"


def claims_in(body: Any) -> frozenset[tuple[str, str]]:
    """The claimed attributes of a ``/Schemas`` answer: a ListResponse, or (leniently) a bare array.

    The format itself is the discovery suite's to judge (``discovery.schemas``);
    here only what the provider says it stores matters.
    """
    resources = body.get("Resources") if isinstance(body, dict) else body
    found: set[tuple[str, str]] = set()
    for schema in resources if isinstance(resources, list) else []:
        if isinstance(schema, dict) and isinstance(schema.get("id"), str):
            urn = schema["id"].lower()
            found.update((urn, path.lower()) for path in _attributes(schema))
    return frozenset(found)


def read_claims(client: httpx.Client) -> Claims:
    """``GET /Schemas`` through the session's client (relative to the SCIM root), parsed into claims."""
    try:
        response = client.get("/Schemas")
    except httpx.HTTPError as exc:
        return Claims(frozenset(), f"GET /Schemas failed ({type(exc).__name__}): nothing claimed")
    if response.status_code != 200:
        return Claims(frozenset(), f"GET /Schemas answered {response.status_code}: nothing claimed")
    try:
        body = response.json()
    except ValueError:
        return Claims(frozenset(), "GET /Schemas answered no JSON: nothing claimed")
    attributes = claims_in(body)
    schemas = len({urn for urn, _ in attributes})
    return Claims(attributes, f"GET /Schemas: {schemas} schemas, {len(attributes)} attributes claimed")
