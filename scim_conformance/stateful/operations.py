"""What the machine's checks and steps are called: each kind of mismatch, each Okta operation.

Data, kept apart from the machine: a finding names the kind's severity and
requirement, and the Okta operation (with the requests it sends) in the
operation's words.
"""

from __future__ import annotations

from typing import Final

from ..core.terms import Profile, Severity
from ..okta.operations import OPERATIONS

CHECK: Final = "stateful.model"
CLAIMED_CHECK: Final = "stateful.model.claimed"

# Each kind of mismatch: its severity (CONTRACT §5) and the requirement it breaks.
KINDS: Final[dict[str, tuple[Severity, str]]] = {
    "request": (
        "okta",
        "CONTRACT §2-§4; okta-requests.md §10: each of Okta's requests succeeds with the documented "
        "status, else Okta's task fails (MUST)",
    ),
    "user": (
        "okta",
        "CONTRACT §4 (What a provider must store): a user's userName, externalId, name.givenName, "
        "name.familyName, primary email and active round-trip exactly (Unicode included), PUT "
        "replaces them, and active follows deactivation and reactivation; okta-requests.md §3, §6, "
        "§7: else Okta's lookups miss, and its profile pushes and deactivations are lost (MUST)",
    ),
    "user-claimed": (
        "rfc",
        "CONTRACT §4; RFC 7643 §7, RFC 7644 §3.5.1: an attribute outside the stored table that the "
        "provider's own /Schemas claims (displayName, locale, name.middleName, …) comes back as Okta "
        "last sent it, or not at all — never with another non-empty value (MUST)",
    ),
    "group": (
        "okta",
        "CONTRACT §4: after any membership or rename request, GET /Groups/{id} shows the new "
        "displayName and exactly the intended members; okta-requests.md §8: else group access in "
        "Zentral differs from Okta's (MUST)",
    ),
    "deleted": (
        "okta",
        "CONTRACT §4; okta-requests.md §8: DELETE /Groups/{id} answers 204, and a later GET gives 404 (MUST)",
    ),
    "lookup": (
        "okta",
        "CONTRACT §4: an eq lookup returns exactly the matching resource, never a prefix or "
        "substring match; a deactivated user is still found, a deleted group is not; okta-requests.md "
        "§3, §8: else Okta links the wrong user or re-creates one and hits 409 (MUST)",
    ),
    "import": (
        "okta",
        "CONTRACT §3, §4; okta-requests.md §9: an import pages with count=100 until totalResults and "
        "lists each resource exactly once (MUST)",
    ),
    "user-groups": (
        "rfc",
        "RFC 7643 §4.1.2; CONTRACT §4: a user's read-only groups attribute lists the groups that "
        "list the user as a member (MUST)",
    ),
}

# The check id of a kind that is not CHECK's: an rfc deviation on its own line of the report.
KIND_CHECKS: Final[dict[str, str]] = {"user-claimed": CLAIMED_CHECK}

# Each rule of the machine is one of Okta's operations (okta.operations): its words in findings.
RULE_OPERATIONS: Final[dict[str, str]] = {
    "create_user": "create-user",
    "create_similar_user": "create-user",
    "update_profile": "update-profile",
    "deactivate_user": "deactivate",
    "reactivate_user": "reactivate",
    "lookup_user": "lookup-user",
    "create_group": "create-group",
    "lookup_group": "lookup-group",
    "add_members": "add-members",
    "remove_members": "remove-members",
    "push_members": "push-members",
    "rename_group": "rename-group",
    "delete_group": "delete-group",
}


def describe(rule: str, profile: Profile) -> str:
    """The Okta operation a rule performs, with the requests it sends under ``profile``."""
    if rule == "import_resources":
        users, groups = OPERATIONS["import-users"], OPERATIONS["import-groups"]
        return f"Import: {users.requests[profile][0]}; then {groups.requests[profile][0]}"
    operation = OPERATIONS[RULE_OPERATIONS[rule]]
    described = operation.describe(profile)
    if rule == "create_similar_user":
        return described.replace(
            "Create user", "Create user (login a prefix or an extension of another's)", 1
        )
    return described
