"""The bodies Okta sends to create a user and a group, marked as this run's.

Suites that need a resource of their own create it with these: the body is
Okta's (okta-requests.md §4 and §8, verbatim shape), and every name starts with
the run marker (the ``scim_run`` fixture) so a resource the run created can
never be mistaken for a real one on a production target.
"""

from __future__ import annotations

import secrets

from ..spec import GROUP_SCHEMA, USER_SCHEMA, Json


def user_body(run: str, label: str) -> Json:
    """``POST /Users`` as Okta sends it (okta-requests.md §4), with a unique, marked ``userName``."""
    login = f"{run}.{label}.{secrets.token_hex(3)}@example.com"
    return {
        "schemas": [USER_SCHEMA],
        "userName": login,
        "name": {"givenName": "Conformance", "familyName": label.title()},
        "emails": [{"primary": True, "value": login, "type": "work"}],
        "displayName": f"Conformance {label.title()}",
        "locale": "en-US",
        # Okta's own user id (00u…) is the externalId.
        "externalId": "00u" + secrets.token_hex(9)[:17],
        "groups": [],
        # A random placeholder: Okta sends one even with password sync off.
        "password": secrets.token_urlsafe(6),
        "active": True,
    }


def group_body(run: str, label: str) -> Json:
    """``POST /Groups`` as Okta sends it (okta-requests.md §8), with a unique, marked ``displayName``."""
    return {
        "schemas": [GROUP_SCHEMA],
        "displayName": f"{run} {label} {secrets.token_hex(3)}",
        "members": [],
    }


# okta-requests.md §4 and §6, verbatim: the samples from Okta's documentation
# (create, then the AIW profile-update PUT echoing the provider's GET response).
SAMPLE_CREATE_USER: Json = {
    "schemas": [USER_SCHEMA],
    "userName": "test.user@okta.local",
    "name": {"givenName": "Test", "familyName": "User"},
    "emails": [{"primary": True, "value": "test.user@okta.local", "type": "work"}],
    "displayName": "Test User",
    "locale": "en-US",
    "externalId": "00ujl29u0le5T6Aj10h7",
    "groups": [],
    "password": "1mz050nq",
    "active": True,
}
SAMPLE_PUT_USER: Json = {
    "schemas": [USER_SCHEMA],
    "id": "23a35c27-23d3-4c03-b4c5-6443c09e7173",
    "userName": "test.user@okta.local",
    "name": {"givenName": "Another", "middleName": "Excited", "familyName": "User"},
    "emails": [
        {"primary": True, "value": "test.user@okta.local", "type": "work", "display": "test.user@okta.local"}
    ],
    "active": True,
    "groups": [],
    "meta": {"resourceType": "User"},
}
