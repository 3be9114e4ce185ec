"""Hypothesis strategies for what Okta sends, and a few that go wider.

Okta-only — values Okta can send, for okta-severity checks (a correct target
never fails on them): :func:`user_names`, :func:`near_misses`,
:func:`case_variants`, :func:`okta_users`, :func:`okta_user_ids`,
:func:`profile_texts`, :func:`profile_updates`, :func:`group_names`,
:func:`okta_groups`, :func:`member_sets`, :func:`membership_changes`,
:func:`operation_sequences`.

Wide — for rfc-severity properties only: :func:`wide_user_names` (any Unicode
but surrogates and NUL).

:class:`Slot` holds a value set per example and read at draw time (a
:class:`Marker` holds a run marker), so that strategies built on it are built
once, not per example: the login just drawn, for its near misses.

Plain functions beside them: :func:`collision_key` (``unique_by`` for
caseExact=false values), :func:`is_okta_user_name`, :func:`okta_user_id_for`,
:func:`apply_profile_update` (GET response → Okta's PUT body) and
:func:`apply_membership_change` (the membership oracle).
"""

from __future__ import annotations

from ..core.terms import Profile
from .groups import (
    OKTA_PATCH_CHUNK,
    apply_membership_change,
    group_names,
    member_sets,
    membership_changes,
    okta_groups,
)
from .names import (
    OKTA_USER_NAME_MAX,
    Marker,
    Slot,
    case_variants,
    collision_key,
    is_okta_user_name,
    near_misses,
    user_names,
    wide_user_names,
)
from .operations import OPERATION_NAMES, OktaOperation, OperationName, operation_sequences
from .users import (
    LOCALES,
    apply_profile_update,
    okta_user_id_for,
    okta_user_ids,
    okta_users,
    profile_texts,
    profile_updates,
)

__all__ = [
    "LOCALES",
    "OKTA_PATCH_CHUNK",
    "OKTA_USER_NAME_MAX",
    "OPERATION_NAMES",
    "Marker",
    "OktaOperation",
    "OperationName",
    "Profile",
    "Slot",
    "apply_membership_change",
    "apply_profile_update",
    "case_variants",
    "collision_key",
    "group_names",
    "is_okta_user_name",
    "member_sets",
    "membership_changes",
    "near_misses",
    "okta_groups",
    "okta_user_id_for",
    "okta_user_ids",
    "okta_users",
    "operation_sequences",
    "profile_texts",
    "profile_updates",
    "user_names",
    "wide_user_names",
]
