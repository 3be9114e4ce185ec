"""JSON Schemas (draft 2020-12) of what a SCIM service provider answers, and graded validation.

The documents beside this module describe each resource and message of RFC 7643/7644:
``user.json`` (with ``enterprise_user.json`` under the extension URN), ``group.json``,
``list_response.json``, ``error.json``, ``patch_op.json``, ``service_provider_config.json``,
``resource_type.json``, ``schema.json``, plus the shared ``meta.json`` and ``common.json``.
They resolve each other's ``$ref`` offline, through one `referencing` registry.

Severity is data: a schema node may carry ``"x-severity": "security" | "okta" | "rfc"`` (one of
:data:`~scim_conformance.core.terms.SEVERITIES`, checked when the files are loaded), and a
violation takes the nearest one on the path from the failing keyword up to the root (across
``$ref``), ``rfc`` when there is none (CONTRACT §5). A node may also carry ``"x-message"``, the
text for a failure of one of *its own* keywords (``{instance}`` is replaced by the value).

Before validation the instance is read the way RFC 7643 says a client reads it, so that no
correct server is flagged:

- attribute names are case-insensitive (§2.1): a key that differs from a schema's attribute
  name only by case is checked as that attribute (Okta too accepts ``resources``, okta-requests
  §9); the pointer of a violation still names the key as sent;
- a null value means unassigned (§2.5): members whose value is null are checked as absent.

A ``ListResponse:<kind>`` schema is ``list_response.json`` with its ``resource`` dynamic anchor
bound to the kind's schema, so each of ``Resources`` is checked as that resource.

Modules: ``documents`` (the files, their registry, the root schema of a kind), ``keywords``
(the graded validator class), ``validation``, ``messages`` (a violation's sentence) and
``routes`` (which kind a response should match).
"""

from ..core.terms import SEVERITIES
from .documents import BASE_URI, DISCOVERY_KINDS, KINDS, OKTA_READS, SOURCES, documents
from .routes import kind_for
from .validation import MAX_VIOLATIONS, Violation, forget_known_valid, validate

__all__ = [
    "BASE_URI",
    "DISCOVERY_KINDS",
    "KINDS",
    "MAX_VIOLATIONS",
    "OKTA_READS",
    "SEVERITIES",
    "SOURCES",
    "Violation",
    "documents",
    "forget_known_valid",
    "kind_for",
    "validate",
]
