"""The exit codes of ``scim-conformance run``, and the pytest plugin that keeps them on every path.

A CI pipeline gates on four codes (README, "exit code"):

- 0: no gating finding;
- 1: a gating finding, or a test error (a harness error, pytest's internal error);
- 2: the set-up or the usage is wrong (preflight, unknown option, bad option value,
  a selection that matches no test);
- 130: interrupted (Ctrl-C), after cleanup and reports, as a shell reports SIGINT.

pytest's own codes say other things (2 interrupted, 3 internal error, 4 usage, 5 no
test collected); :class:`ExitCodes`, passed to ``pytest.main`` by the CLI, maps them
before the summary is written, so ``summary.json``'s ``exit_code`` is the process's.
A usage error pytest would print as its whole usage block becomes :class:`UsageProblem`,
one line.
"""

from __future__ import annotations

import difflib
import os
import signal
import threading
import warnings
from collections.abc import Generator, Iterable
from types import FrameType
from typing import Any

import pytest

from .interrupts import interrupt_between_requests

__all__ = ["EXIT_FINDINGS", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "ExitCodes", "UsageProblem"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell shows for a process Ctrl-C stopped

# pytest's codes, by number: 2 is both pytest's "interrupted" and the plugin's set-up
# code (preflight), so an interruption is told apart by the hook pytest calls for it.
_FROM_PYTEST = {
    int(pytest.ExitCode.OK): EXIT_OK,
    int(pytest.ExitCode.TESTS_FAILED): EXIT_FINDINGS,
    EXIT_USAGE: EXIT_USAGE,
    # A harness bug: the run proved nothing, as with a test that errors.
    int(pytest.ExitCode.INTERNAL_ERROR): EXIT_FINDINGS,
    int(pytest.ExitCode.USAGE_ERROR): EXIT_USAGE,
    int(pytest.ExitCode.NO_TESTS_COLLECTED): EXIT_USAGE,
    EXIT_INTERRUPTED: EXIT_INTERRUPTED,
}


class UsageProblem(Exception):
    """A usage error pytest found in the pass-through options: one line for the CLI to print."""


def documented(code: int, *, interrupted: bool = False) -> int:
    """The documented exit code for pytest's ``code`` (anything unknown is a failed run)."""
    return EXIT_INTERRUPTED if interrupted else _FROM_PYTEST.get(int(code), EXIT_FINDINGS)


def one_line(message: str, known_options: Iterable[str] = ()) -> str:
    """pytest's usage error (usage block, ``prog: error: …``, ini hints) as one line.

    An unknown option names the closest known one: a misspelled ``--scim-urll``
    would otherwise be taken by pytest for what it is not.
    """
    lines = [line for line in message.splitlines() if line.strip()]
    text = next((line.split(": error: ", 1)[1] for line in lines if ": error: " in line), None)
    if text is None:
        text = lines[0] if lines else "usage error"
    prefix = "unrecognized arguments: "
    if not text.startswith(prefix):
        return text
    options = [word for word in text[len(prefix) :].split() if word.startswith("-")]
    if not options:
        return text
    option = options[0].split("=", 1)[0]
    guess = difflib.get_close_matches(option, list(known_options), n=1, cutoff=0.75)
    return f"unrecognized option {option}" + (f" (did you mean {guess[0]}?)" if guess else "")


def _known_options(pluginmanager: pytest.PytestPluginManager) -> list[str]:
    # pytest has no public list of its options; the argparse parser behind
    # config._parser has them all (pytest's, every plugin's): ``optparser`` since
    # pytest 9, built by ``_getparser()`` before. Only for a suggestion: without it
    # the line just has none.
    config: Any = pluginmanager.get_plugin("pytestconfig")
    try:
        parser = config._parser
        argparser = parser.optparser if hasattr(parser, "optparser") else parser._getparser()
        return [name for name in argparser._option_string_actions if name.startswith("--")]
    except AttributeError:
        return []


class ExitCodes:
    """The CLI's pytest plugin: usage errors become :class:`UsageProblem`, exit codes the documented ones."""

    def __init__(self) -> None:
        self.interrupted = False
        """Whether Ctrl-C stopped the run."""
        self.ctrl_c = False
        """Whether SIGINT arrived, even where its KeyboardInterrupt was swallowed."""
        self._previous: Any = None
        self._workers: dict[str, int] = {}
        """Under xdist: each running worker's process id, by worker id."""
        self._distributed = False
        self.nothing_selected: str | None = None
        """Why no test ran, when the selection matched none (the CLI prints it)."""

    @pytest.hookimpl(wrapper=True)
    def pytest_cmdline_parse(
        self, pluginmanager: pytest.PytestPluginManager, args: list[str]
    ) -> Generator[None, Any, Any]:
        try:
            return (yield)
        except pytest.UsageError as exc:
            raise UsageProblem(one_line(str(exc), _known_options(pluginmanager))) from None

    @pytest.hookimpl(wrapper=True)
    def pytest_cmdline_main(self, config: pytest.Config) -> Generator[None, Any, Any]:
        # A plugin's pytest_configure or pytest_sessionstart may refuse an option value too.
        try:
            return (yield)
        except pytest.UsageError as exc:
            raise UsageProblem(one_line(str(exc))) from None

    # Python raises KeyboardInterrupt in whatever frame runs when SIGINT arrives; in a
    # garbage-collector callback or a __del__ (hypothesis has one) it is printed as
    # "unraisable" and lost, and the run went on to exit 0. The handler notes the
    # signal too, and the next test boundary raises it again.
    def pytest_configure(self, config: pytest.Config) -> None:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._on_sigint)
        # The lost KeyboardInterrupt would also be shown, traceback and all, as pytest's
        # "unraisable exception" warning: it is this Ctrl-C, handled below.
        warnings.filterwarnings(
            "ignore", message=r"(?s).*\bKeyboardInterrupt\b", category=pytest.PytestUnraisableExceptionWarning
        )

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        first, self.ctrl_c = not self.ctrl_c, True
        if first and self._workers:
            # Under xdist each worker cleans up what it created, and sends the outcome
            # when its session ends: the controller must not stop listening first (a
            # KeyboardInterrupt here would, and xdist would then kill the workers). The
            # workers are interrupted instead (a terminal's Ctrl-C reaches them too:
            # each counts only the first, scim_conformance.plugin); xdist stops the
            # run once they have finished, as for any interrupted worker.
            for pid in self._workers.values():
                try:
                    os.kill(pid, signal.SIGINT)
                except OSError:
                    pass  # already gone
            return
        if first:
            # Serial: this process sends the requests; a create the target answered must
            # be tracked (cleaned up) before the interrupt lands.
            interrupt_between_requests(signum, frame)
            return
        raise KeyboardInterrupt  # a second Ctrl-C: stop now

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodeready(self, node: Any) -> None:
        self._distributed = True
        # execnet keeps a popen'd worker's subprocess.Popen; other gateways (ssh) have
        # none, and are then not interrupted by the controller.
        pid = getattr(getattr(getattr(node.gateway, "_io", None), "popen", None), "pid", None)
        if isinstance(pid, int):
            self._workers[str(node.gateway.id)] = pid

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        self._workers.pop(str(node.gateway.id), None)

    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        # Not on an xdist controller: its test boundaries are the workers', and raising
        # there would stop it listening to them.
        if self.ctrl_c and not self.interrupted and not self._distributed:
            raise KeyboardInterrupt  # pytest stops the run as for any Ctrl-C: cleanup, reports, 130

    # tryfirst: pytest's terminal reporter, in the same hook, can itself fail on the
    # interrupted traceback (a frame without a line number): the run is known to be
    # interrupted before that.
    @pytest.hookimpl(tryfirst=True)
    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        self.interrupted = True

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # tryfirst: the scim plugin writes summary.json later in this hook, with the code set here.
        from .plugin import setup_error

        status = int(session.exitstatus)
        if status == pytest.ExitCode.NO_TESTS_COLLECTED and setup_error(session.config) is None:
            options = session.config.option
            chosen = [
                f"{flag} {value!r}"
                for flag, value in (("-k", options.keyword), ("-m", options.markexpr))
                if value
            ]
            self.nothing_selected = "no test matches the selection" + (
                f" ({', '.join(chosen)})" if chosen else ""
            )
        # (ctrl_c without interrupted: the signal was lost during the last test.)
        session.exitstatus = documented(status, interrupted=self.interrupted or self.ctrl_c)
