"""The shared vocabulary: modules that import nothing else of the package.

Both the harness and the reference server (``scim_conformance.server``) may
import from here; nothing here imports either.

- ``terms``: a finding's :data:`~.terms.Severity` and Okta's client
  :data:`~.terms.Profile`, each with its order, and :func:`~.terms.gates`,
  the one rule for whether a finding fails the run (CONTRACT §5);
- ``redaction``: secrets out of recorded traffic and the request log;
- ``logline``: one line of the request log (docs/request-log.md);
- ``text``: values shortened for a message, URLs shown as SCIM paths;
- ``pointers``: JSON pointers (RFC 6901), read and set.
"""
