"""The CLI's exit codes and one-line usage errors (scim_conformance.exits), without running the suites.

tests/slow/test_cli.py runs the command for each code; these pin the mapping and the
line pytest's usage errors become.
"""

from __future__ import annotations

import signal

import pytest

from scim_conformance.exits import EXIT_INTERRUPTED, ExitCodes, documented, one_line

PYTEST_USAGE = (
    "usage: pytest.main() [options] [file_or_dir] [file_or_dir] [...]\n"
    "pytest.main(): error: {}\n"
    "  inifile: /site-packages/scim_conformance/_bundled/suites/pytest.ini\n"
    "  rootdir: /site-packages/scim_conformance/_bundled/suites\n"
)
KNOWN = ["--scim-url", "--scim-token", "--okta-profile", "--hypothesis-profile", "--keyword"]


@pytest.mark.parametrize(
    ("pytest_code", "documented_code"),
    [
        (pytest.ExitCode.OK, 0),
        (pytest.ExitCode.TESTS_FAILED, 1),
        (2, 2),  # the plugin's set-up code (a failed preflight), when nothing interrupted the run
        (pytest.ExitCode.INTERNAL_ERROR, 1),
        (pytest.ExitCode.USAGE_ERROR, 2),
        (pytest.ExitCode.NO_TESTS_COLLECTED, 2),
        (130, 130),
        (7, 1),  # pytest.exit(returncode=7) from some plugin: the run proved nothing
    ],
)
def test_pytest_codes_map_to_the_documented_four(pytest_code: int, documented_code: int) -> None:
    assert documented(pytest_code) == documented_code
    assert documented(documented_code) == documented_code  # mapping twice changes nothing


@pytest.mark.parametrize("pytest_code", [pytest.ExitCode.INTERRUPTED, pytest.ExitCode.OK, 1])
def test_an_interrupted_run_is_130_whatever_pytest_says(pytest_code: int) -> None:
    assert documented(pytest_code, interrupted=True) == EXIT_INTERRUPTED == 130


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            "unrecognized arguments: --scim-urll x",
            "unrecognized option --scim-urll (did you mean --scim-url?)",
        ),
        (
            "unrecognized arguments: --okta-profil=aiw",
            "unrecognized option --okta-profil (did you mean --okta-profile?)",
        ),
        ("unrecognized arguments: --frobnicate", "unrecognized option --frobnicate"),
        (
            "argument --scim-timeout: not a positive number of seconds: '0'",
            "argument --scim-timeout: not a positive number of seconds: '0'",
        ),
    ],
)
def test_a_pytest_usage_error_is_one_line(error: str, line: str) -> None:
    assert one_line(PYTEST_USAGE.format(error), KNOWN) == line


def test_a_usage_error_without_pytest_s_prefix_keeps_its_first_line() -> None:
    message = "--hypothesis-profile 'bogus' is not a registered profile (use one of dev, ci, thorough)"
    assert one_line(message) == message


def test_a_ctrl_c_python_lost_is_raised_again_at_the_next_test_boundary() -> None:
    codes = ExitCodes()
    codes.pytest_runtest_logfinish("test_x.py::test_a", ("test_x.py", 1, "test_a"))  # nothing pending
    with pytest.raises(KeyboardInterrupt):
        codes._on_sigint(signal.SIGINT, None)
    assert codes.ctrl_c
    # Swallowed where it was raised (a gc callback): pytest never saw it, so the
    # next boundary raises it for pytest to stop the run, clean up and report.
    with pytest.raises(KeyboardInterrupt):
        codes.pytest_runtest_logfinish("test_x.py::test_b", ("test_x.py", 2, "test_b"))
    codes.interrupted = True  # pytest saw it (pytest_keyboard_interrupt): not raised twice
    codes.pytest_runtest_logfinish("test_x.py::test_c", ("test_x.py", 3, "test_c"))
