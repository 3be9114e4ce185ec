"""How an answer is judged: plain check functions, one place for every driver.

Each function looks at a response (or a parsed body) and returns a
:class:`Verdict` — whether the requirement holds, what the response shows, what
was expected and what came back — and never raises or sends anything. The
fixed-example suites (through :class:`~scim_conformance.probe.Probe`), the
catalogue replay and the state machine call the same functions and only decide
what a failed verdict means for them (its check id, severity, and whether the
sequence goes on). In the spirit of schemathesis's ``checks.py``.

Modules: ``verdict`` (:class:`Verdict`), ``responses`` (status, JSON, list
responses, SCIM errors, created resources), ``resources`` (a resource against
what was sent, member lists, lookups) and ``pointers`` (the catalogue's tests
on a JSON pointer, as the registry :data:`POINTER_TESTS`) and ``stored`` (what a
provider must store, CONTRACT §4, as the table ``stored.json``: a difference there
is okta; one in an attribute the provider's ``/Schemas`` claims, rfc).
"""

from .pointers import AGGREGATE_TESTS, POINTER_TESTS, Labels, pointer_test
from .resources import MISSING, differences, listed_ids, member_ids, members, show, values_of
from .responses import (
    created_id,
    json_body,
    json_object,
    json_or_none,
    list_problems,
    list_response,
    read_json,
    same_json,
    scim_error_body,
    scim_type,
    status,
)
from .stored import (
    StoredAttribute,
    claimed_differences,
    is_stored,
    stored_attributes,
    stored_differences,
    stored_source,
    stored_values,
)
from .verdict import Verdict

__all__ = [
    "AGGREGATE_TESTS",
    "MISSING",
    "POINTER_TESTS",
    "Labels",
    "StoredAttribute",
    "Verdict",
    "claimed_differences",
    "created_id",
    "differences",
    "is_stored",
    "json_body",
    "json_object",
    "json_or_none",
    "list_problems",
    "list_response",
    "listed_ids",
    "member_ids",
    "members",
    "pointer_test",
    "read_json",
    "same_json",
    "scim_error_body",
    "scim_type",
    "show",
    "status",
    "stored_attributes",
    "stored_differences",
    "stored_source",
    "stored_values",
    "values_of",
]
