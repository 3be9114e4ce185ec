"""The plugin's hypothesis profiles reach the tests: dev by default, ci and thorough by name, N examples."""

from __future__ import annotations

import pytest

# Slow (a pytest subprocess per profile and environment): not in `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

PROBE = """
from hypothesis import settings

def test_settings():
    current = settings.default
    print(f"SETTINGS max_examples={current.max_examples} derandomize={current.derandomize} "
          f"deadline={current.deadline}")
"""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), "max_examples=15 derandomize=False deadline=None"),
        (("--hypothesis-profile", "ci"), "max_examples=25 derandomize=True deadline=None"),
        (("--hypothesis-profile", "thorough"), "max_examples=400 derandomize=False deadline=None"),
        (
            ("--hypothesis-profile", "ci", "--scim-examples", "7"),
            "max_examples=7 derandomize=True deadline=None",
        ),
    ],
)
@pytest.mark.parametrize("ci_env", [False, True], ids=["env-as-is", "env-CI"])
def test_profiles(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    expected: str,
    ci_env: bool,
) -> None:
    # On a CI machine hypothesis's own defaults differ (derandomize=True): a profile
    # must mean the same thing on a laptop and in a CI job.
    if ci_env:
        monkeypatch.setenv("CI", "true")
    pytester.makepyfile(PROBE)
    result = pytester.runpytest_subprocess("-s", "-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*SETTINGS {expected}*"])
