"""Okta's "Test Connector Configuration": the two requests sent when an admin saves the app."""

from __future__ import annotations

import pytest

from scim_conformance.okta import requests as okta
from scim_conformance.probe import Probe


@pytest.mark.check(
    "connection.users",
    operations=("connection-test",),
    severity="okta",
    requirement="okta-requests.md §2: GET /Users?startIndex=1&count=2 answers a ListResponse (MUST)",
    operation="Test connection",
)
def test_users_list(probe: Probe) -> None:
    """Saving the Okta app lists users with a fixed page; the answer must be a ListResponse."""
    users, _ = okta.connection_test()
    body = probe.expect_list_response(probe.send(users))
    # Okta only checks that the list answers (okta-requests.md §2): a page that ignores
    # startIndex or count breaks no Okta operation, so it is rfc.
    probe.expect(
        body.get("startIndex") == 1 and body.get("itemsPerPage", 0) <= 2,
        "the page does not honour startIndex=1&count=2",
        expected="startIndex 1, itemsPerPage ≤ 2",
        got=f"startIndex {body.get('startIndex')!r}, itemsPerPage {body.get('itemsPerPage')!r}",
        check="connection.users.page",
        severity="rfc",
        requirement="RFC 7644 §3.4.2.4: startIndex echoes the request and no more than count resources "
        "are returned (MUST); Okta tolerates a longer page (okta-requests.md §2)",
    )


@pytest.mark.check(
    "connection.groups",
    operations=("connection-test",),
    severity="okta",
    requirement="okta-requests.md §2: GET /Groups?startIndex=1&count=100 answers a ListResponse (MUST)",
    operation="Test connection",
)
def test_groups_list(probe: Probe) -> None:
    """Saving the Okta app lists groups too."""
    _, groups = okta.connection_test()
    probe.expect_list_response(probe.send(groups))
