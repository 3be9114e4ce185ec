"""The bodies Okta sends to create a user and a group, marked as this run's.

Suites that need a resource of their own create it with these: the body is
Okta's (okta-requests.md §4 and §8, verbatim shape), and every name starts with
the run marker (the ``scim_run`` fixture) so a resource the run created can
never be mistaken for a real one on a production target.
"""

from __future__ import annotations

import secrets

from .spec import GROUP_SCHEMA, USER_SCHEMA, Json


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
