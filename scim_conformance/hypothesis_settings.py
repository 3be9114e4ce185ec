"""Hypothesis profiles for the property suites: ``dev``, ``ci`` and ``thorough``.

Choose one with hypothesis's own ``--hypothesis-profile NAME`` (default ``dev``);
``--scim-examples N`` overrides the number of examples of whichever is chosen.

Deadlines are off in every profile: a remote target's latency (up to Okta's
60 s) says nothing about the property under test, and a noisy CI machine must
not turn a slow example into a failure.

Every profile spells out ``derandomize``: on a CI machine (``CI`` set, and the
like) hypothesis's own defaults derandomize, which would silently turn ``dev``
and ``thorough`` into fixed-seed runs there and explore nothing new.

Shrinking is bounded per test in ``dev`` and ``ci`` (:data:`SHRINKING`, applied
by :func:`shrinking_within` around each test), unbounded in ``thorough``: every
shrinking example is a round of HTTP requests, and a target that fails many
properties must still get its verdict within 3x a clean run (issue 8 §6).
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

# One failure per test is all a finding needs: once a test fails, hypothesis stops
# generating (instead of looking on for other failures for up to ten seconds of HTTP
# requests) and shrinks that one. Every finding of a test is one hypothesis "bug"
# anyway: they are all raised by Probe.fail.
_ONE_FAILURE = {"report_multiple_bugs": False}

PROFILES = {
    # Quick local feedback.
    "dev": settings(
        max_examples=15,
        stateful_step_count=10,
        derandomize=False,
        **_ONE_FAILURE,  # type: ignore[arg-type]
        **_COMMON,  # type: ignore[arg-type]
    ),
    # Reproducible and bounded: the same examples every run, no example database,
    # a failure printed with the blob that replays it.
    "ci": settings(
        max_examples=25,
        stateful_step_count=15,
        derandomize=True,
        database=None,
        print_blob=True,
        **_ONE_FAILURE,  # type: ignore[arg-type]
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


SHRINKING: dict[str, float | None] = {
    # Seconds of shrinking per failing test: enough for hypothesis's first passes (which
    # remove and simplify most of an example) over a fast target; a failure then prints
    # a near-minimal example within 3x the time of a clean run (issue 8 §6).
    "dev": 4.0,
    # Longer: a CI job has the time, and a derandomized run then mostly finishes
    # shrinking, so it shows the same example on any machine short of a very slow target.
    "ci": 60.0,
    "thorough": None,
}


def shrink_seconds(profile: str | None) -> float | None:
    """The shrinking bound of the named profile (``--hypothesis-profile``; default ``dev``)."""
    return SHRINKING.get(profile or "dev", SHRINKING["dev"])


_SLOW_SHRINKING = "Hypothesis has spent more than five minutes working to shrink"


@contextmanager
def shrinking_within(seconds: float | None) -> Iterator[None]:
    """Run a hypothesis test shrinking each failure for at most ``seconds`` (None: hypothesis's own bound).

    Hypothesis bounds shrinking with a module constant,
    ``hypothesis.internal.conjecture.engine.MAX_SHRINKING_SECONDS`` (five
    minutes), read when a test starts shrinking; its source invites users to
    monkeypatch it, and its maintainers keep shrinking limits out of the public
    settings (HypothesisWorks/hypothesis#3243, #3400). No public setting bounds
    shrinking short of turning it off (``phases``), which would print the first
    failing example found, not a near-minimal one. So it is set here around one
    test, and restored. Hypothesis reports hitting the bound with a warning
    about five minutes and a plea to report a slow shrinker: that line is
    dropped, the finding's notes say it instead (``scim_conformance.examples``).
    """
    if seconds is None:
        yield
        return
    from hypothesis.internal.conjecture import engine
    from hypothesis.reporting import current_reporter, with_reporter

    outer = current_reporter()

    def reporter(value: object) -> None:
        if not str(value).lstrip().startswith("WARNING: " + _SLOW_SHRINKING):
            outer(value)

    saved = engine.MAX_SHRINKING_SECONDS
    engine.MAX_SHRINKING_SECONDS = seconds  # type: ignore[assignment]
    try:
        with with_reporter(reporter):
            yield
    finally:
        engine.MAX_SHRINKING_SECONDS = saved


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
