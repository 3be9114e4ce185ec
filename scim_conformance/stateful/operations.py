"""What the machine's checks and steps are called: each kind of mismatch, each Okta operation.

Data, kept apart from the machine: a finding names the kind's severity and
requirement, and the Okta operation (with the requests it sends) in the
operation's words.
"""

from __future__ import annotations

from typing import Final

CHECK: Final = "stateful.model"
OKTA_PAGE: Final = 100  # okta-requests.md §9: imports page with count=100
MISSING: Final = object()
# Headers the HTTP server adds itself, which the request log leaves out (docs/request-log.md).
_SERVER_HEADERS: Final = frozenset({"date", "server"})

# Each kind of mismatch: its severity (CONTRACT §5) and the requirement it breaks.
KINDS: Final[dict[str, tuple[str, str]]] = {
    "request": ("okta", "CONTRACT §2-§4: each of Okta's requests succeeds with the documented status (MUST)"),
    "user": (
        "okta",
        "CONTRACT §4: a user's attributes round-trip exactly (Unicode included), PUT replaces them, "
        "and active follows deactivation and reactivation (MUST)",
    ),
    "group": (
        "okta",
        "CONTRACT §4: after any membership or rename request, GET /Groups/{id} shows the new "
        "displayName and exactly the intended members (MUST)",
    ),
    "deleted": ("okta", "CONTRACT §4: DELETE /Groups/{id} answers 204, and a later GET gives 404 (MUST)"),
    "lookup": (
        "okta",
        "CONTRACT §4: an eq lookup returns exactly the matching resource, never a prefix or "
        "substring match; a deactivated user is still found, a deleted group is not (MUST)",
    ),
    "import": (
        "okta",
        "CONTRACT §3, §4: an import pages with count=100 until totalResults and lists each "
        "resource exactly once (MUST)",
    ),
    "user-groups": (
        "rfc",
        "RFC 7643 §4.1.2; CONTRACT §4: a user's read-only groups attribute lists the groups that "
        "list the user as a member (MUST)",
    ),
}

_USER_PUT = "GET /Users/{id}, then PUT /Users/{id} with the full resource"
_GROUP_PUT = "GET /Groups/{id}, then PUT /Groups/{id} with the displayName and full member list"
# okta-requests.md §8: "the group name update operation is triggered each time there's a group
# membership update operation".
_NAME_UPDATE = ', then the name update PATCH {"op":"replace","value":{"id","displayName"}}'
OPERATIONS: Final[dict[str, str]] = {
    "create_user": "Create user: GET /Users?filter=userName eq … (a miss), then POST /Users",
    "create_similar_user": "Create user (login a prefix or an extension of another's): lookup, then POST",
    "update_profile": f"Push profile update: {_USER_PUT}",
    "deactivate_user:aiw": f"Deactivate user: {_USER_PUT}, active false",
    "deactivate_user:oin": 'Deactivate user: PATCH /Users/{id} {"op":"replace","value":{"active":false}}',
    "reactivate_user:aiw": f"Reactivate (re-assign) user: userName eq lookup, {_USER_PUT}, active true",
    "reactivate_user:oin": "Reactivate (re-assign) user: userName eq lookup, then PATCH /Users/{id} "
    '{"op":"replace","value":{"active":true}}',
    "lookup_user": "User lookup: GET /Users?filter=userName eq …&startIndex=1&count=100",
    "import_resources": "Import: GET /Users?startIndex=1&count=100, 101, … until totalResults; then /Groups",
    "create_group": "Push group: POST /Groups",
    "lookup_group": "Group lookup: GET /Groups?filter=displayName eq …&startIndex=1&count=100",
    "add_members:aiw": f"Push membership: {_GROUP_PUT}",
    "add_members:oin": 'Push membership: PATCH /Groups/{id} {"op":"add","path":"members","value":[…]}'
    + _NAME_UPDATE,
    "remove_members:aiw": f"Push membership: {_GROUP_PUT}",
    "remove_members:oin": 'Push membership: PATCH /Groups/{id} {"op":"remove","path":"members[value eq …]"}'
    + _NAME_UPDATE,
    "push_members:aiw": f"Full group push: {_GROUP_PUT}",
    "push_members:oin": 'Full group push: PATCH /Groups/{id} {"op":"replace","path":"members",…}'
    + _NAME_UPDATE,
    "rename_group:aiw": f"Rename group: {_GROUP_PUT}",
    "rename_group:oin": 'Rename group: PATCH /Groups/{id} {"op":"replace","value":{"id","displayName"}}',
    "delete_group": "Delete group (unlink pushed group): DELETE /Groups/{id}",
}
