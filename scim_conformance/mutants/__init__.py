"""Deliberately faulty SCIM servers: the reference server with one small fault each.

A check that cannot fail proves nothing. Each mutant here breaks one requirement
and names the check ids that must catch it (``catches``); ``bench/matrix.py``
runs the suites against every mutant and prints which checks caught it — the
suites' sensitivity matrix (STYLE Lesson 14) — and the tests in ``tests/slow/``
pin it suite by suite. Users can aim the suites at one too::

    pytest suites --scim-app scim_conformance.mutants:no_auth

A mutant is a factory with the signature of the reference server's ``create_app``
(``realms=``, ``accounts=``) returning the app wrapped in a pure-ASGI middleware,
or built over a ``Store`` subclass. Register one with :func:`mutant`; a variant
that is no fault and must pass is registered with ``catches=()``.

Modules, named after the faults they hold: ``auth`` (authentication, secrets),
``errors`` (errors answered wrong), ``discovery``, ``lookups`` (filters),
``storage`` (values or uniqueness not kept; ``names_flattened``, which breaks most
properties at once, is what ``bench/verdict.py`` times), ``updates`` (changes dropped),
``membership`` (group members), ``paging`` (imports), ``wire`` (content type,
Location, meta, ids), ``refusals`` (Okta's own requests refused), ``partial`` (RFC rules kept only in
part), ``variants`` (not faults) and ``minimal`` (a provider doing only what the
contract requires, which must pass for okta-aiw). ``registry`` holds :class:`Mutant`, :data:`MUTANTS` and
:func:`mutant`; ``middleware`` the request, response and body rewriting they share.
Every mutant is importable from this package.
"""

from .auth import any_bearer_token, no_auth, password_echoed, plain_text_401, token_echo
from .discovery import config_incomplete, discovery_bare_arrays, schemas_without_attributes
from .errors import (
    conflict_without_scim_type,
    malformed_json_500,
    user_delete_crash,
    uuid_ids_only,
)
from .lookups import filter_ignored, inactive_hidden, invalid_filter_ignored, lookup_prefix
from .membership import (
    patch_remove_unfiltered,
    put_keeps_members,
    rename_drops_members,
    replace_empty_ignored,
)
from .minimal import display_name_derived_claimed, minimal_conformant
from .paging import pages_of_one, paging_off_by_one, start_index_ignored, total_as_string
from .partial import (
    discovery_method_404,
    every_email_primary,
    filter_names_case_sensitive,
    large_groups_truncated,
    patch_not_atomic,
    uniqueness_user_name_only,
    user_name_optional,
)
from .refusals import password_rejected, rename_id_rejected
from .registry import MUTANTS, Mutant, mutant
from .storage import duplicates_accepted, names_flattened, unicode_folded
from .updates import deactivate_ignored, patch_not_applied
from .variants import other_clients, user_delete, with_foreign_resources
from .wire import created_without_id, meta_snake_case, no_location, text_json

__all__ = [
    "MUTANTS",
    "Mutant",
    "any_bearer_token",
    "config_incomplete",
    "conflict_without_scim_type",
    "created_without_id",
    "deactivate_ignored",
    "discovery_bare_arrays",
    "discovery_method_404",
    "display_name_derived_claimed",
    "duplicates_accepted",
    "every_email_primary",
    "filter_ignored",
    "filter_names_case_sensitive",
    "inactive_hidden",
    "invalid_filter_ignored",
    "large_groups_truncated",
    "lookup_prefix",
    "malformed_json_500",
    "meta_snake_case",
    "minimal_conformant",
    "mutant",
    "names_flattened",
    "no_auth",
    "no_location",
    "other_clients",
    "pages_of_one",
    "paging_off_by_one",
    "password_echoed",
    "password_rejected",
    "patch_not_applied",
    "patch_not_atomic",
    "patch_remove_unfiltered",
    "plain_text_401",
    "put_keeps_members",
    "rename_drops_members",
    "rename_id_rejected",
    "replace_empty_ignored",
    "schemas_without_attributes",
    "start_index_ignored",
    "text_json",
    "token_echo",
    "total_as_string",
    "unicode_folded",
    "uniqueness_user_name_only",
    "user_delete",
    "user_delete_crash",
    "user_name_optional",
    "uuid_ids_only",
    "with_foreign_resources",
]
