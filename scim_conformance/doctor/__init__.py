"""``scim-conformance doctor``: what stands between this SCIM target and a working Okta app.

One line per item, ``OK`` or ``FAIL`` with the fix: the URL's shape, reachability,
TLS, the realm, the token, each of the service account's eight permissions
(CONTRACT §1), ``/ServiceProviderConfig`` and the Okta profiles the target can
serve. Read-only by default (:mod:`.probes`); ``--write`` adds a round of
Okta's writes on resources of its own, cleaned up (:mod:`.roundtrip`).
"""

from __future__ import annotations

from .items import Item, render
from .probes import examine

__all__ = ["Item", "examine", "render"]
