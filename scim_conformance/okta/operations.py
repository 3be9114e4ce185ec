"""Okta's provisioning operations, as data: what each sends per profile, and where that is documented.

The one table of Okta's operations (CONTRACT §2–§3, okta-requests.md): the
state machine names its steps with it, the abstract operation strategies list
their requests from it, and findings say which operation broke. The requests
here are words for people; the requests themselves are built by
:mod:`~scim_conformance.okta.requests` and sent by
:class:`~scim_conformance.okta.client.OktaClient`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from ..core.terms import PROFILES, Profile

_LOOKUP: Final = 'GET /Users?filter=userName eq "…"&startIndex=1&count=100'
_GROUP_LOOKUP: Final = 'GET /Groups?filter=displayName eq "…"&startIndex=1&count=100'
_USER_PUT: Final = ("GET /Users/{id}", "PUT /Users/{id} (the full resource)")
_GROUP_PUT: Final = ("GET /Groups/{id}", "PUT /Groups/{id} (displayName and the full member list)")
# okta-requests.md §8: "the group name update operation is triggered each time there's a group
# membership update operation": OIN sends its rename PATCH after each membership PATCH.
_NAME_UPDATE: Final = 'PATCH /Groups/{id} {"op":"replace","value":{"id","displayName"}} (name update)'


@dataclass(frozen=True, slots=True)
class Operation:
    """One of Okta's operations: its name in findings and the requests it sends per profile."""

    name: str
    title: str
    source: str
    """The okta-requests.md section that documents it."""
    requests: Mapping[Profile, tuple[str, ...]]

    def describe(self, profile: Profile) -> str:
        """``Title: request, then request`` for ``profile``."""
        return f"{self.title}: {', then '.join(self.requests[profile])}"


def _both(*requests: str) -> dict[Profile, tuple[str, ...]]:
    return dict.fromkeys(PROFILES, requests)


OPERATIONS: Final[dict[str, Operation]] = {
    op.name: op
    for op in (
        Operation(
            "connection-test",
            "Test connection",
            "okta-requests.md §2",
            _both("GET /Users?startIndex=1&count=2", "GET /Groups?startIndex=1&count=100"),
        ),
        Operation("lookup-user", "User lookup", "okta-requests.md §3", _both(_LOOKUP)),
        Operation("create-user", "Create user", "okta-requests.md §3, §4", _both(_LOOKUP, "POST /Users")),
        Operation("fetch-user", "Fetch user", "okta-requests.md §5", _both("GET /Users/{id}")),
        Operation("update-profile", "Push profile update", "okta-requests.md §6", _both(*_USER_PUT)),
        Operation(
            "deactivate",
            "Deactivate user",
            "okta-requests.md §7",
            {
                "aiw": (*_USER_PUT[:1], "PUT /Users/{id} (the full resource, active false)"),
                "oin": ('PATCH /Users/{id} {"op":"replace","value":{"active":false}}',),
            },
        ),
        Operation(
            "reactivate",
            "Reactivate (re-assign) user",
            "okta-requests.md §7",
            {
                "aiw": (_LOOKUP, *_USER_PUT[:1], "PUT /Users/{id} (the full resource, active true)"),
                "oin": (_LOOKUP, 'PATCH /Users/{id} {"op":"replace","value":{"active":true}}'),
            },
        ),
        Operation("lookup-group", "Group lookup", "okta-requests.md §8", _both(_GROUP_LOOKUP)),
        Operation("create-group", "Push group", "okta-requests.md §8", _both("POST /Groups")),
        Operation(
            "add-members",
            "Push membership (add)",
            "okta-requests.md §8",
            {
                "aiw": _GROUP_PUT,
                "oin": ('PATCH /Groups/{id} {"op":"add","path":"members","value":[…]}', _NAME_UPDATE),
            },
        ),
        Operation(
            "remove-members",
            "Push membership (remove)",
            "okta-requests.md §8",
            {
                "aiw": _GROUP_PUT,
                "oin": ('PATCH /Groups/{id} {"op":"remove","path":"members[value eq …]"}', _NAME_UPDATE),
            },
        ),
        Operation(
            "push-members",
            "Full group push",
            "okta-requests.md §8",
            {
                "aiw": _GROUP_PUT,
                "oin": ('PATCH /Groups/{id} {"op":"replace","path":"members","value":[…]}', _NAME_UPDATE),
            },
        ),
        Operation(
            "rename-group",
            "Rename group",
            "okta-requests.md §8",
            {"aiw": _GROUP_PUT, "oin": ('PATCH /Groups/{id} {"op":"replace","value":{"id","displayName"}}',)},
        ),
        Operation(
            "delete-group",
            "Delete group (unlink pushed group)",
            "okta-requests.md §8",
            _both("DELETE /Groups/{id}"),
        ),
        Operation(
            "import-users",
            "Import users",
            "okta-requests.md §9",
            _both("GET /Users?startIndex=1&count=100, 101, … until totalResults"),
        ),
        Operation(
            "import-groups",
            "Import groups",
            "okta-requests.md §8, §9",
            _both("GET /Groups?startIndex=1&count=100, 101, … until totalResults"),
        ),
    )
}
