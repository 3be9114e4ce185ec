"""The package's schema documents, the registry resolving their ``$ref``, the root schema of a kind."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

from referencing import Registry
from referencing.jsonschema import DRAFT202012

from ..core.terms import SEVERITIES, is_severity
from ..spec import Json

BASE_URI: Final = "https://scim-conformance.invalid/schemas/"
"""The base of every document's ``$id``; nothing is ever fetched from it."""

ITEM_SCHEMAS: Final = {
    "User": "user.json",
    "Group": "group.json",
    "ResourceType": "resource_type.json",
    "Schema": "schema.json",
}
SCHEMA_FILES: Final = {
    **ITEM_SCHEMAS,
    "ListResponse": "list_response.json",
    "Error": "error.json",
    "PatchOp": "patch_op.json",
    "ServiceProviderConfig": "service_provider_config.json",
}
KINDS: Final = frozenset({*SCHEMA_FILES, *(f"ListResponse:{kind}" for kind in ITEM_SCHEMAS)})
"""What `validate` accepts: a resource or message name, or ``ListResponse:<resource>``."""


DISCOVERY_KINDS: Final = frozenset({"ServiceProviderConfig", "ResourceType", "Schema"})
"""The discovery documents: Okta reads none of them (okta-requests.md §10), so a fault there is rfc."""
SOURCES: Final = MappingProxyType(
    {
        "User": "RFC 7643 §4.1, §3.1",
        "Group": "RFC 7643 §4.2, §3.1",
        "ListResponse": "RFC 7644 §3.4.2",
        "Error": "RFC 7644 §3.12",
        "ServiceProviderConfig": "RFC 7643 §5",
        "ResourceType": "RFC 7643 §6",
        "Schema": "RFC 7643 §7",
    }
)
"""Where each schema comes from, for the requirement line of a finding."""
OKTA_READS: Final = MappingProxyType(
    {
        "User": "okta-requests.md §4, §5: Okta reads the user's id, stores it and sends it back in "
        "every later request",
        "Group": "okta-requests.md §8: Okta reads the group's id and members",
        "ListResponse": "okta-requests.md §9: Okta pages by the integer counters and reads Resources; "
        "a lookup or import fails otherwise",
        "Error": "okta-requests.md §10: Okta shows the provider's error message",
    }
)
"""What Okta does with each response it reads: an okta-severity schema finding names the Okta
behaviour that breaks (CONTRACT §5)."""


@cache
def documents() -> Mapping[str, Json]:
    """Every schema document of the package, by file name (``user.json``). Do not mutate them.

    Raises ValueError for an ``x-severity`` that is not one of the severities (CONTRACT §5).
    """
    folder = resources.files(__package__)
    loaded = {
        entry.name: json.loads(entry.read_text("utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    }
    for name, document in loaded.items():
        check_severities(document, name)
    return MappingProxyType(loaded)


def check_severities(node: object, where: str) -> None:
    """Raise ValueError for an ``x-severity`` in ``node`` that is not one of :data:`SEVERITIES`."""
    if isinstance(node, dict):
        if "x-severity" in node and not is_severity(node["x-severity"]):
            raise ValueError(
                f"{where}: x-severity {node['x-severity']!r} is not one of {', '.join(SEVERITIES)} "
                "(CONTRACT §5); fix the schema document"
            )
        for key, child in node.items():
            check_severities(child, f"{where}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            check_severities(child, f"{where}/{index}")


def unmarked(document: Json) -> Json:
    # jsonschema switches to the validator class a "$schema" names whenever it enters a
    # document that has one, which would drop the graded keywords below at every $ref; the
    # registry says 2020-12 explicitly instead.
    return {key: value for key, value in document.items() if key != "$schema"}


@cache
def registry() -> Registry[Any]:
    pairs = [
        (BASE_URI + name, DRAFT202012.create_resource(unmarked(doc))) for name, doc in documents().items()
    ]
    return Registry().with_resources(pairs).crawl()


@cache
def attribute_names() -> Mapping[str, str]:
    """Every attribute name the schemas define, keyed by its lower-case form."""
    names: dict[str, str] = {}

    def collect(node: object) -> None:
        if isinstance(node, dict):
            for keyword in ("properties", "dependentSchemas"):
                if isinstance(node.get(keyword), dict):
                    names.update((name.lower(), name) for name in node[keyword])
            for child in node.values():
                collect(child)
        elif isinstance(node, list):
            for child in node:
                collect(child)

    collect(list(documents().values()))
    return MappingProxyType(names)


def root_schema(kind: str) -> Json:
    if kind.startswith("ListResponse:") and kind.removeprefix("ListResponse:") in ITEM_SCHEMAS:
        item = ITEM_SCHEMAS[kind.removeprefix("ListResponse:")]
        return {
            "$id": f"{BASE_URI}list_response-{item}",
            "$ref": "list_response.json",
            "$defs": {"resource": {"$dynamicAnchor": "resource", "$ref": item}},
        }
    if kind in SCHEMA_FILES:
        return unmarked(documents()[SCHEMA_FILES[kind]])
    raise ValueError(f"no schema for {kind!r}; the kinds are {', '.join(sorted(KINDS))}")
