"""The mutants registry: every planted fault registered, reachable by ``--scim-app``, small and documented.

Whether each is caught is for the slow runs (tests/slow/) and ``bench/matrix.py``.
"""

from __future__ import annotations

import inspect

import pytest

import scim_conformance.mutants
from scim_conformance.mutants import MUTANTS
from scim_conformance.target import embedded_target

# STYLE Lesson 14: a mutant is one small fault, its catches included.
MAX_LINES = 30


def test_every_mutant_is_reachable_as_scim_conformance_mutants_name() -> None:
    exported = set(scim_conformance.mutants.__all__) - {"MUTANTS", "Mutant", "mutant"}
    assert exported == set(MUTANTS)
    for name, mutant in MUTANTS.items():
        assert getattr(scim_conformance.mutants, name) is mutant
        assert mutant.name == name


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_a_mutant_names_the_requirement_it_breaks(name: str) -> None:
    mutant = MUTANTS[name]
    if mutant.catches:
        assert "Breaks " in mutant.doc, f"{name}: say which requirement the fault breaks"
    else:
        assert mutant.doc.startswith("Not a fault"), f"{name}: a must-pass variant says it is not a fault"
    assert len(set(mutant.catches)) == len(mutant.catches)
    lines, _ = inspect.getsourcelines(mutant.build)
    assert len(lines) <= MAX_LINES, f"{name} is {len(lines)} lines: one small fault each"


def test_a_mutant_serves_like_the_reference_server() -> None:
    target = embedded_target("scim_conformance.mutants:text_json")
    try:
        response = target.client.get("/ServiceProviderConfig")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/json;charset=UTF-8"
    finally:
        target.close()


def test_only_a_must_pass_variant_may_be_judged_for_one_profile_or_not_strictly() -> None:
    assert (MUTANTS["minimal_conformant"].profile, MUTANTS["minimal_conformant"].strict) == ("aiw", False)
    assert all(m.strict and m.profile is None for m in MUTANTS.values() if m.catches)
    with pytest.raises(ValueError, match="a variant that must pass"):
        scim_conformance.mutants.mutant(catches=("resources.location",), strict=False)
