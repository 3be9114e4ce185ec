"""Hypothesis profiles for the property suites: ``dev``, ``ci`` and ``thorough``.

Choose one with hypothesis's own ``--hypothesis-profile NAME`` (default ``dev``);
``--scim-examples N`` overrides the number of examples of whichever is chosen.

Deadlines are off in every profile: a remote target's latency (up to Okta's
60 s) says nothing about the property under test, and a noisy CI machine must
not turn a slow example into a failure.

Every profile spells out ``derandomize``: on a CI machine (``CI`` set, and the
like) hypothesis's own defaults derandomize, which would silently turn ``dev``
and ``thorough`` into fixed-seed runs there and explore nothing new.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis.control import current_build_context
from hypothesis.errors import InvalidArgument

_COMMON = {
    "deadline": None,
    # Examples are HTTP round trips to a target: slow data generation and a
    # function-scoped fixture shared by examples (the per-test probe) are expected.
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    # Every phase but explain. After shrinking, explain re-runs the failing example
    # about 100 times per part of it (every st.builds argument of a login or a user
    # body) to mark the parts that "could be any other value": minutes of HTTP
    # round trips per failure (a minute in-process) for a comment. The minimal
    # example, its exchanges and (ci) the replay blob are reported without it.
    "phases": [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
}

PROFILES = {
    # Quick local feedback.
    "dev": settings(max_examples=15, stateful_step_count=10, derandomize=False, **_COMMON),  # type: ignore[arg-type]
    # Reproducible and bounded: the same examples every run, no example database,
    # a failure printed with the blob that replays it.
    "ci": settings(
        max_examples=25,
        stateful_step_count=15,
        derandomize=True,
        database=None,
        print_blob=True,
        **_COMMON,  # type: ignore[arg-type]
    ),
    # Before a release: many more examples and longer Okta operation sequences.
    "thorough": settings(
        max_examples=400,
        stateful_step_count=40,
        derandomize=False,
        **_COMMON,  # type: ignore[arg-type]
    ),
}


def final_replay() -> bool:
    """True while hypothesis replays the failure it reports (after shrinking), else False.

    An internal of hypothesis (``current_build_context`` and its ``is_final``,
    which ``hypothesis.note`` reads): the budget (``scim_conformance.examples``)
    must always let that replay send its requests — its room is kept — or
    hypothesis would report the failure as flaky. No public API tells it apart.
    """
    try:
        return bool(current_build_context().is_final)
    except InvalidArgument:  # outside a test: no build context
        return False


@contextmanager
def examples_at_most(test: Any, count: int | None) -> Iterator[None]:
    """Run the ``@given`` test ``test`` with at most ``count`` examples (None: as it is).

    An internal of hypothesis (``_hypothesis_internal_use_settings``): ``@given``
    takes the settings of the loaded profile when the test is decorated, at
    import, and the budget's example count of each test is only known once the
    tests are collected (``budget.plan``). The public routes do not fit: a
    profile is loaded before the import, and ``@settings`` applied to a collected
    test sets this same attribute for good, once, while the function is shared
    by the test's parametrized items (restored here after each).
    """
    if count is None or not getattr(test, "is_hypothesis_test", False):
        yield
        return
    current = test._hypothesis_internal_use_settings
    test._hypothesis_internal_use_settings = settings(current, max_examples=max(count, 1))
    try:
        yield
    finally:
        test._hypothesis_internal_use_settings = current


def register() -> None:
    """Register the profiles and make ``dev`` the default (hypothesis's plugin loads the chosen one later)."""
    for name, profile in PROFILES.items():
        settings.register_profile(name, profile)
    settings.load_profile("dev")


def apply_examples(examples: int | None) -> None:
    """``--scim-examples N``: keep the loaded profile but run N examples."""
    if examples is not None:
        settings.register_profile("scim-examples", settings(settings.default, max_examples=examples))
        settings.load_profile("scim-examples")
