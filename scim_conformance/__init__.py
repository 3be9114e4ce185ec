"""scim-conformance: prove a SCIM 2.0 service provider works with Okta.

Two halves share this package: a reference SCIM server implementing the
Okta-to-Zentral contract (:mod:`scim_conformance.server`) and the harness that
replays Okta's requests against any target (the pytest plugin and suites).
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
