"""Deliberately faulty SCIM servers: the reference server with one small fault each.

A check that cannot fail proves nothing. Each mutant here breaks one requirement
and names the check ids that must catch it (``catches``); ``tests/test_mutants.py``
runs the suites against every mutant and asserts exactly those checks fail — the
suites' sensitivity matrix (STYLE Lesson 14). Users can aim the suites at one too::

    pytest suites --scim-app scim_conformance.mutants:no_auth

A mutant is a factory with the signature of the reference server's ``create_app``
(``realms=``, ``accounts=``) returning the app wrapped in a pure-ASGI middleware,
or built over a ``Store`` subclass. Register one with :func:`mutant`.

Modules: ``registry`` (:class:`Mutant`, :data:`MUTANTS`, :func:`mutant`),
``middleware`` (request, response and body rewriting), ``contract`` (faults the
fixed-example suites catch, and variants that must pass) and ``drawn`` (faults
only drawn examples show). Every mutant is importable from this package.
"""

from .contract import (
    any_bearer_token,
    config_incomplete,
    discovery_bare_arrays,
    filter_ignored,
    invalid_filter_ignored,
    malformed_json_500,
    meta_snake_case,
    no_auth,
    no_location,
    other_clients,
    password_rejected,
    patch_not_applied,
    plain_text_401,
    schemas_without_attributes,
    text_json,
    token_echo,
    user_delete,
    user_delete_crash,
    uuid_ids_only,
)
from .drawn import (
    lookup_prefix,
    paging_off_by_one,
    patch_remove_unfiltered,
    rename_drops_members,
    unicode_folded,
)
from .registry import MUTANTS, Mutant, mutant

__all__ = [
    "MUTANTS",
    "Mutant",
    "any_bearer_token",
    "config_incomplete",
    "discovery_bare_arrays",
    "filter_ignored",
    "invalid_filter_ignored",
    "lookup_prefix",
    "malformed_json_500",
    "meta_snake_case",
    "mutant",
    "no_auth",
    "no_location",
    "other_clients",
    "paging_off_by_one",
    "password_rejected",
    "patch_not_applied",
    "patch_remove_unfiltered",
    "plain_text_401",
    "rename_drops_members",
    "schemas_without_attributes",
    "text_json",
    "token_echo",
    "unicode_folded",
    "user_delete",
    "user_delete_crash",
    "uuid_ids_only",
]
