"""Names fixed by RFC 7643/7644 and by the Okta-to-Zentral contract."""

from __future__ import annotations

from typing import Any, Final, TypeAlias

Json: TypeAlias = dict[str, Any]

SCIM_MEDIA_TYPE: Final = "application/scim+json"

USER_SCHEMA: Final = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA: Final = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_USER_SCHEMA: Final = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST_RESPONSE: Final = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR: Final = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH_OP: Final = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SERVICE_PROVIDER_CONFIG_SCHEMA: Final = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE_SCHEMA: Final = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA_SCHEMA: Final = "urn:ietf:params:scim:schemas:core:2.0:Schema"

# CONTRACT §1: the eight permissions a Zentral service account needs.
VIEW_USERS: Final = "realms.view_realmuser"
ADD_USERS: Final = "realms.add_realmuser"
CHANGE_USERS: Final = "realms.change_realmuser"
DELETE_USERS: Final = "realms.delete_realmuser"
VIEW_GROUPS: Final = "realms.view_realmgroup"
ADD_GROUPS: Final = "realms.add_realmgroup"
CHANGE_GROUPS: Final = "realms.change_realmgroup"
DELETE_GROUPS: Final = "realms.delete_realmgroup"
ALL_PERMISSIONS: Final = frozenset(
    {VIEW_USERS, ADD_USERS, CHANGE_USERS, DELETE_USERS, VIEW_GROUPS, ADD_GROUPS, CHANGE_GROUPS, DELETE_GROUPS}
)

# The path prefix Zentral gives a realm's SCIM root.
REALM_SCIM_PREFIX: Final = "/public/realms/{realm}/scim/v2"
