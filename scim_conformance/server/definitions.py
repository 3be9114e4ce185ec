"""RFC 7643 schema definitions, loaded from the data files in ``rfc7643/``.

The same JSON documents are served at ``/Schemas`` and ``/ResourceTypes`` and
drive validation, filtering (``caseExact``, types) and PATCH path resolution, so
what the server advertises is, by construction, what it enforces.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from ..spec import ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, Json


@dataclass(frozen=True, slots=True)
class AttributeDef:
    """One attribute of a schema (RFC 7643 §7), names of sub-attributes lower-cased as keys."""

    name: str
    type: str
    multi_valued: bool = False
    required: bool = False
    case_exact: bool = False
    mutability: str = "readWrite"
    returned: str = "default"
    uniqueness: str = "none"
    canonical_values: tuple[str, ...] = ()
    sub_attributes: Mapping[str, AttributeDef] = field(default_factory=dict)

    def sub(self, name: str) -> AttributeDef | None:
        """The sub-attribute called ``name`` (case-insensitive, RFC 7643 §2.1)."""
        return self.sub_attributes.get(name.lower())


@dataclass(frozen=True, slots=True)
class SchemaDef:
    """A schema (core or extension): its URN, attributes keyed by lower-cased name, and its raw form."""

    id: str
    attributes: Mapping[str, AttributeDef]
    raw: Json

    def attribute(self, name: str) -> AttributeDef | None:
        return self.attributes.get(name.lower())


@dataclass(frozen=True, slots=True)
class ResourceTypeDef:
    """A resource type (RFC 7643 §6) with its core schema and its extension schemas."""

    name: str
    endpoint: str
    schema: SchemaDef
    extensions: tuple[SchemaDef, ...]
    raw: Json

    def schema_for(self, urn: str) -> SchemaDef | None:
        """The core or extension schema with this URN (URNs compare case-insensitively)."""
        lowered = urn.lower()
        for schema in (self.schema, *self.extensions):
            if schema.id.lower() == lowered:
                return schema
        return None

    def attribute(self, name: str, urn: str | None = None) -> AttributeDef | None:
        """Resolve a top-level attribute name, in ``urn``'s schema or else the core schema.

        The common attributes of RFC 7643 §3.1 (``id``, ``externalId``, ``meta``)
        belong to every resource without being part of any schema.
        """
        if urn is not None:
            schema = self.schema_for(urn)
            return schema.attribute(name) if schema is not None else None
        common = COMMON_ATTRIBUTES.get(name.lower())
        return common if common is not None else self.schema.attribute(name)


def _attribute(raw: Mapping[str, Any]) -> AttributeDef:
    subs = {sub["name"].lower(): _attribute(sub) for sub in raw.get("subAttributes", [])}
    return AttributeDef(
        name=raw["name"],
        type=raw["type"],
        multi_valued=bool(raw.get("multiValued", False)),
        required=bool(raw.get("required", False)),
        case_exact=bool(raw.get("caseExact", False)),
        mutability=raw.get("mutability", "readWrite"),
        returned=raw.get("returned", "default"),
        uniqueness=raw.get("uniqueness", "none"),
        canonical_values=tuple(raw.get("canonicalValues", ())),
        sub_attributes=subs,
    )


def _schema(raw: Json) -> SchemaDef:
    return SchemaDef(
        id=raw["id"], attributes={a["name"].lower(): _attribute(a) for a in raw["attributes"]}, raw=raw
    )


# RFC 7643 §3.1: common attributes. They are not listed in /Schemas.
COMMON_ATTRIBUTES: Mapping[str, AttributeDef] = {
    a.name.lower(): a
    for a in (
        AttributeDef("id", "string", case_exact=True, mutability="readOnly", returned="always"),
        AttributeDef("externalId", "string", case_exact=True),
        AttributeDef(
            "meta",
            "complex",
            mutability="readOnly",
            sub_attributes={
                s.name.lower(): s
                for s in (
                    AttributeDef("resourceType", "string", case_exact=True, mutability="readOnly"),
                    AttributeDef("created", "dateTime", mutability="readOnly"),
                    AttributeDef("lastModified", "dateTime", mutability="readOnly"),
                    AttributeDef("location", "reference", case_exact=True, mutability="readOnly"),
                    AttributeDef("version", "string", case_exact=True, mutability="readOnly"),
                )
            },
        ),
    )
}


def _load(name: str) -> Any:
    return json.loads((resources.files(__package__) / "rfc7643" / name).read_text("utf-8"))


@cache
def schemas() -> dict[str, SchemaDef]:
    """Every schema the server supports, keyed by URN."""
    return {urn: _schema(_load(file)) for urn, file in _SCHEMA_FILES.items()}


@cache
def resource_types() -> dict[str, ResourceTypeDef]:
    """The resource types, keyed by name (``User``, ``Group``)."""
    by_urn = schemas()
    types: dict[str, ResourceTypeDef] = {}
    for raw in _load("ResourceTypes.json"):
        types[raw["name"]] = ResourceTypeDef(
            name=raw["name"],
            endpoint=raw["endpoint"],
            schema=by_urn[raw["schema"]],
            extensions=tuple(by_urn[e["schema"]] for e in raw.get("schemaExtensions", [])),
            raw=raw,
        )
    return types


def service_provider_config() -> Json:
    """The ServiceProviderConfig document (without ``meta``, which depends on the base URL)."""
    config: Json = _load("ServiceProviderConfig.json")
    return config


_SCHEMA_FILES = {
    USER_SCHEMA: "User.json",
    GROUP_SCHEMA: "Group.json",
    ENTERPRISE_USER_SCHEMA: "EnterpriseUser.json",
}
