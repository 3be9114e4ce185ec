"""What every request of Okta's SCIM client carries, and how it pages (okta-requests.md §1, §9, §10)."""

from __future__ import annotations

from typing import Final

# okta-requests.md §1: the headers on every request of Okta's SCIM client.
OKTA_HEADERS: Final = {
    "User-Agent": "Okta SCIM Client 1.0.0",
    "Accept": "application/scim+json",
    "Accept-Charset": "utf-8",
}
OKTA_CONTENT_TYPE: Final = "application/scim+json; charset=utf-8"
OKTA_TIMEOUT: Final = 60.0
"""okta-requests.md §10: Okta drops a request after 60 s."""
OKTA_PAGE: Final = 100
"""okta-requests.md §9: Okta lists, looks up and imports with count=100."""
OKTA_PATCH_CHUNK: Final = 100
"""okta-requests.md §8, S9: at most this many membership changes per PATCH (the OIN default)."""
