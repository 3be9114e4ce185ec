"""The pytest plugin (``pytest11`` entry point ``scim_conformance``).

It adds the ``scim`` option group, builds the one target of the session (the
embedded reference server, or ``--scim-url``), and turns
:class:`~scim_conformance.errors.ConformanceFailure` into findings on the
report (terminal, pytest-html, JUnit properties, ``--scim-json``). Each test's
verdict follows the findings' severities (CONTRACT §5; the rule is
:func:`~scim_conformance.core.terms.gates`, applied by
:mod:`~scim_conformance.reporting.testcase`): ``security`` and ``okta`` findings
fail their test, and so the run; ``rfc`` findings only with ``--scim-strict``,
else the test passes and reports them. What the run found is kept in a
:class:`~scim_conformance.results.RunResults`.

Importing this module must stay cheap: every pytest run in an environment
where the package is installed loads it.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .core.terms import PROFILES, SEVERITIES, Profile, gates
from .errors import ConformanceFailure, HarnessError
from .results import RunResults

if TYPE_CHECKING:
    from .baseline import Judgement
    from .budget import Budget, Plan
    from .claims import Claims
    from .cleanup import Tracker
    from .pool import Pool
    from .probe import Probe
    from .target import Target

EXIT_SETUP = 2

_target_key = pytest.StashKey["Target"]()
_cleanup_key = pytest.StashKey[dict[str, Any]]()
_setup_error_key = pytest.StashKey[str]()
_plan_key = pytest.StashKey["Plan"]()
_results_key = pytest.StashKey[RunResults]()


# ArgumentTypeError, not ValueError: argparse then shows our message ("not a count: 'x'")
# instead of the function's name ("invalid _count value").
def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a count: {text!r}")
    return int(text)


def _examples(text: str) -> int:
    # hypothesis refuses max_examples=0 only once the session has started (an
    # INTERNALERROR): refused here, it is a usage error.
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive count: {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    # httpx reads a timeout of 0 as "fail at once": every request would time out.
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not seconds > 0 or seconds == float("inf"):
        raise argparse.ArgumentTypeError(f"not a positive number of seconds: {text!r}")
    return seconds


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("scim", "SCIM conformance (scim-conformance)")
    group.addoption(
        "--scim-url",
        metavar="URL",
        default=os.environ.get("SCIM_URL"),
        help="SCIM root URL of the target, e.g. https://zentral/public/realms/<uuid>/scim/v2 "
        "(env SCIM_URL; default: the embedded reference server, in-process)",
    )
    group.addoption(
        "--scim-token",
        metavar="TOKEN",
        default=os.environ.get("SCIM_TOKEN"),
        help="bearer token for the target (env SCIM_TOKEN, the documented way to pass it)",
    )
    group.addoption(
        "--okta-profile",
        choices=(*PROFILES, "all"),
        default="all",
        help="Okta client profile to replay: aiw (custom app, PUT), oin (catalogue app, PATCH), all",
    )
    group.addoption("--scim-insecure", action="store_true", help="do not verify the target's TLS certificate")
    group.addoption(
        "--scim-ca-bundle", metavar="PATH", help="CA bundle to verify the target's certificate with"
    )
    group.addoption(
        "--scim-timeout",
        metavar="S",
        type=_seconds,
        default=60.0,
        help="request timeout in seconds (default 60, as Okta)",
    )
    group.addoption(
        "--scim-strict", action="store_true", help="rfc findings fail the run too (default: reported only)"
    )
    group.addoption("--scim-json", metavar="PATH", help="write the findings summary as JSON to PATH")
    group.addoption(
        "--scim-examples",
        type=_examples,
        metavar="N",
        help="examples per property test (default: from --hypothesis-profile dev|ci|thorough)",
    )
    group.addoption(
        "--scim-max-users",
        type=_count,
        metavar="N",
        help="POSTs to /Users the run may send, so users it may create, on the target; groups: 2 per 5 "
        "users (default: 50 on a --scim-url target, 500 with --hypothesis-profile thorough; unlimited "
        "on the embedded server)",
    )
    group.addoption(
        "--scim-baseline",
        metavar="FILE",
        help="findings of the checks this baseline holds are reported and do not fail the run; a "
        "baselined check that passes is reported fixed (and fails the run under --scim-strict)",
    )
    group.addoption(
        "--scim-write-baseline", metavar="FILE", help="write this run's gating findings, by check id, to FILE"
    )
    group.addoption(
        "--scim-check",
        action="append",
        default=[],
        metavar="ID",
        help="run only the tests holding this check id, or the checks below this prefix (repeatable)",
    )
    group.addoption(
        "--scim-app",
        metavar="MODULE:FACTORY",
        help="embedded target built by FACTORY(realms=..., accounts=...) -> ASGI app instead of the "
        "reference server (used to prove the suites catch faults)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Before hypothesis's own plugin loads the profile named by --hypothesis-profile.
    from .hypothesis_settings import register

    register()
    _check_hypothesis_profile(config)
    config.addinivalue_line(
        "markers",
        f"check(id, *, severity, requirement, profiles={PROFILES!r}, operation=''): "
        f"the conformance check a test performs (severity: {' > '.join(SEVERITIES)}, CONTRACT §5)",
    )
    config.addinivalue_line(
        "markers",
        "footprint(users=0, groups=0, *, example_users=0, example_groups=0, pool=False): the POSTs to "
        "/Users and /Groups a test sends, fixed and per hypothesis example, and whether it reuses the "
        "run's pool (scim_conformance.budget)",
    )
    session = _Session(config)
    config.pluginmanager.register(session, "scim-conformance-session")
    config.stash[_results_key] = session.results
    if config.pluginmanager.hasplugin("html"):
        from .reporting.htmlreport import HtmlReport

        report = HtmlReport(
            config, session.results, profiles=selected_profiles(config), started=session.started
        )
        config.pluginmanager.register(report, "scim-conformance-html")
    if config.getoption("scim_check"):
        from .inventory.selection import CheckSelection, unknown

        if missing := unknown(config.getoption("scim_check")):
            raise pytest.UsageError(f"--scim-check {missing[0]}: no check has this id or starts with it")
        config.pluginmanager.register(CheckSelection(config.getoption("scim_check")), "scim-check-selection")
    if hasattr(config, "workerinput"):
        _count_only_the_first_ctrl_c()


def _count_only_the_first_ctrl_c() -> None:
    """In an xdist worker: the first SIGINT interrupts the test, later ones do not stop the cleanup.

    A terminal's Ctrl-C reaches every process of its group, and ``scim-conformance
    run`` also forwards it to the workers (``scim_conformance.exits``): a worker may
    get it twice, and the second would stop the cleanup of what it created. A
    worker that does not finish is still stopped by xdist (execnet kills it).
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    from .interrupts import interrupt_between_requests

    seen = False

    def on_sigint(signum: int, frame: Any) -> None:
        nonlocal seen
        if not seen:
            seen = True
            # Between requests: a create the target answered is tracked, so cleaned up.
            interrupt_between_requests(signum, frame)

    signal.signal(signal.SIGINT, on_sigint)


def _check_hypothesis_profile(config: pytest.Config) -> None:
    """An unknown ``--hypothesis-profile`` is a usage error, not hypothesis's INTERNALERROR later."""
    from hypothesis import settings
    from hypothesis.errors import InvalidArgument

    try:
        name = config.getoption("--hypothesis-profile")
    except ValueError:  # hypothesis's plugin not loaded
        return
    if name is None:
        return
    try:
        settings.get_profile(name)
    except InvalidArgument:
        from .hypothesis_settings import PROFILES as KNOWN

        raise pytest.UsageError(
            f"--hypothesis-profile {name!r} is not a registered profile (use one of {', '.join(KNOWN)})"
        ) from None


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    from .hypothesis_settings import apply_examples

    config = session.config
    apply_examples(config.getoption("scim_examples"))
    budget = run_budget(config)
    if (
        hypothesis_profile(config) == "thorough"
        and budget.limited
        and config.getoption("scim_max_users") is None
        and not hasattr(config, "workerinput")
    ):
        # Said before it starts (issue 8 §5): the run leaves more behind than a default one.
        from .budget import DEFAULT_USERS, groups_for

        _say(
            config,
            f"scim-conformance: --hypothesis-profile thorough may create up to {budget.users} users and "
            f"{budget.groups} groups on the target (a default run: {DEFAULT_USERS} and "
            f"{groups_for(DEFAULT_USERS)}); users stay, deactivated, on a target that does not delete "
            "users (--scim-max-users N to bound it)",
        )


def _say(config: pytest.Config, line: str) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.ensure_newline()  # at the session's end the progress line is still open
        reporter.write_line(line, yellow=True)
    else:
        print(line, file=sys.stderr)


def hypothesis_profile(config: pytest.Config) -> str:
    """The hypothesis profile named by ``--hypothesis-profile`` (default ``dev``)."""
    try:
        return str(config.getoption("--hypothesis-profile") or "dev")
    except ValueError:  # hypothesis's plugin not loaded
        return "dev"


def run_budget(config: pytest.Config) -> Budget:
    """What this run may create on its target (``scim_conformance.budget``)."""
    from .budget import Budget

    return Budget.for_target(
        embedded=not config.getoption("scim_url"),
        max_users=config.getoption("scim_max_users"),
        thorough=hypothesis_profile(config) == "thorough",
    )


def pytest_report_header(config: pytest.Config) -> str | None:
    budget = run_budget(config)
    if not config.getoption("scim_url"):
        return None
    return f"scim-conformance: the run may create {budget} on the target (--scim-max-users N)"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Share the run's budget among the selected tests; a test it cannot fit is skipped, saying why."""
    from hypothesis import settings

    from .budget import plan
    from .pool import FOOTPRINT

    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    made = plan(
        run_budget(config),
        [(item.nodeid, footprint_of(item)) for item in items],
        examples=settings().max_examples,
        pool=FOOTPRINT,
        workers=workers,
    )
    config.stash[_plan_key] = made
    for item in items:
        reason = made.allowance(item.nodeid).skip
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


def footprint_of(item: pytest.Item) -> Any:
    """A test's declared ``footprint`` marker (``budget.Footprint``); none: it creates nothing."""
    from .budget import Footprint

    marker = item.get_closest_marker("footprint")
    if marker is None:
        return Footprint()
    try:
        return Footprint(*marker.args, **marker.kwargs)
    except TypeError as exc:
        raise HarnessError(f"{item.nodeid}: bad footprint marker: {exc}") from None


def pytest_collection_finish(session: pytest.Session) -> None:
    # What start-up imported and collection built lives for the whole run: it leaves the
    # collector's reach, so that the full collections (hypothesis allocates fast) walk only
    # what the tests make. A warm default run spent 0.5 s of 7 s in the collector, 0.25 s
    # so (issue 10). pytest_unconfigure puts it back.
    gc.freeze()


def pytest_unconfigure(config: pytest.Config) -> None:
    gc.unfreeze()
    # The target's connections are closed even when no test asked for it (a failed
    # preflight, or every suite deselected); scim_target closed it already otherwise.
    target = session_target(config)
    if target is not None:
        target.close()


def selected_profiles(config: pytest.Config) -> tuple[Profile, ...]:
    chosen = config.getoption("okta_profile")
    return PROFILES if chosen == "all" else (chosen,)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # A test taking ``okta_profile`` runs once per selected profile it concerns.
    if "okta_profile" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("check")
        concerns = marker.kwargs.get("profiles", PROFILES) if marker else PROFILES
        profiles = [p for p in selected_profiles(metafunc.config) if p in concerns]
        metafunc.parametrize("okta_profile", profiles, ids=profiles)


# -- the target ----------------------------------------------------------------


def build_target(config: pytest.Config) -> Target:
    """The session's target, created once per process (each xdist worker has its own client)."""
    if _target_key not in config.stash:
        from .target import embedded_target, remote_target

        url = config.getoption("scim_url")
        if url:
            config.stash[_target_key] = remote_target(
                url,
                config.getoption("scim_token"),
                insecure=config.getoption("scim_insecure"),
                ca_bundle=config.getoption("scim_ca_bundle"),
                timeout=config.getoption("scim_timeout"),
            )
        else:
            config.stash[_target_key] = embedded_target(config.getoption("scim_app"))
    return config.stash[_target_key]


def session_target(config: pytest.Config) -> Target | None:
    """The session's target if it was built in this process (by a test, or the preflight), else None."""
    return config.stash.get(_target_key, None)


def preflight_or_exit(config: pytest.Config) -> None:
    """Check reachability and auth before any suite; on failure no test runs, one message, exit 2.

    Called from ``pytest_sessionstart``. The failure is not raised as
    ``pytest.exit`` (pytest would print it twice, once as a traceback banner):
    it is kept, collection and the test loop are skipped, the message is printed
    once, and the exit code is set at the end of the session.
    """
    if hasattr(config, "workerinput"):
        return  # the xdist controller already did it
    from .preflight import preflight

    try:
        preflight(build_target(config))
    except HarnessError as exc:
        config.stash[_setup_error_key] = str(exc)


def setup_error(config: pytest.Config) -> str | None:
    """The preflight's message when the target cannot be tested, else None."""
    return config.stash.get(_setup_error_key, None)


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> bool | None:
    error = setup_error(session.config)
    if error is None:
        return None
    message = f"scim-conformance: cannot test the target: {error}"
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(message, red=True, bold=True)
    else:
        print(message, file=sys.stderr)
    return True  # nothing collected, so nothing runs


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    # Under xdist the controller does not collect: keep it from starting the workers' tests.
    return True if setup_error(session.config) is not None else None


@pytest.fixture(scope="session")
def scim_target(pytestconfig: pytest.Config) -> Iterator[Target]:
    """The target of this session; closed at the end, after cleanup."""
    try:
        target = build_target(pytestconfig)
    except HarnessError as exc:
        pytest.exit(f"scim-conformance: {exc}", returncode=EXIT_SETUP)
    yield target
    target.close()


@pytest.fixture(scope="session")
def scim_tracker(scim_target: Target, pytestconfig: pytest.Config) -> Iterator[Tracker]:
    """Records what the run creates; at the end cleans exactly that, one request per resource."""
    from .cleanup import Tracker

    made: Plan | None = pytestconfig.stash.get(_plan_key, None)
    tracker = Tracker(scim_target, plan=made)
    yield tracker
    outcome = tracker.clean_up()
    outcome["footprint"] = tracker.footprint()
    outcome["examples"] = made.scaled_examples() if made is not None else {}
    pytestconfig.stash[_cleanup_key] = outcome


@pytest.fixture(scope="session")
def scim_pool(scim_run: str) -> Pool:
    """The users and group this process's property examples reuse (``scim_conformance.pool``)."""
    from .pool import Pool

    return Pool(scim_run)


@pytest.fixture(scope="session")
def scim_claims(scim_target: Target) -> Claims:
    """What the target's own ``/Schemas`` says it stores (CONTRACT §4), read once per session.

    Read before any test marks its exchanges, so no finding shows the request.
    A target without a usable ``/Schemas`` claims nothing.
    """
    from .claims import read_claims

    return read_claims(scim_target.client)


@pytest.fixture
def probe(
    scim_target: Target, scim_tracker: Tracker, scim_claims: Claims, request: pytest.FixtureRequest
) -> Probe:
    """The per-test view of the target: requests recorded from here, findings built from the check marker."""
    from .examples import Examples
    from .hypothesis_settings import shrink_seconds
    from .probe import Probe

    node = request.node
    probe = Probe.for_test(scim_target, scim_tracker, node, scim_claims)
    footprint = footprint_of(node)
    made = request.config.stash.get(_plan_key, None)
    probe.examples = Examples(
        scim_tracker,
        probe.account,
        per_example=(footprint.example_users, footprint.example_groups),
        count=made.allowance(node.nodeid).examples if made is not None else None,
        shrink_seconds=shrink_seconds(hypothesis_profile(request.config)),
    )
    return probe


# -- findings on reports -------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    # A hypothesis test runs the examples its share of the budget allows and shrinks a
    # failure within its profile's bound (issue 8 §5, §6).
    from .hypothesis_settings import examples_at_most, shrink_seconds, shrinking_within

    made = item.config.stash.get(_plan_key, None)
    count = made.allowance(item.nodeid).examples if made is not None else None
    with (
        examples_at_most(getattr(item, "obj", None), count),
        shrinking_within(shrink_seconds(hypothesis_profile(item.config))),
    ):
        yield
    # The rfc findings a probe kept (the test went on after them) are raised on a test that
    # otherwise passed, to be reported (reporting.testcase decides whether they fail it); a
    # test that stopped on a finding already carries them.
    probe: Probe | None = getattr(item, "funcargs", {}).get("probe")
    if probe is not None and probe.kept:
        first, *others = probe.kept
        probe.kept.clear()
        first.others = tuple(others)
        raise first


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report: pytest.TestReport = yield
    excinfo = call.excinfo
    if report.when == "call":
        _record_outcomes(item, report, excinfo.value if excinfo is not None else None)
        marker = item.get_closest_marker("check")
        if marker is not None and marker.args:
            # The test ran: a baselined check it holds can be told fixed (a string survives xdist).
            report.scim_check = str(marker.args[0])  # type: ignore[attr-defined]
    from .reporting.testcase import annotate

    target = session_target(item.config)
    strict = bool(item.config.getoption("scim_strict"))
    results = item.config.stash[_results_key]
    annotate(
        item,
        report,
        call,
        # The one rule (RunResults.finding_gates): the severity gates and no baseline covers it.
        gate=lambda finding: results.finding_gates(finding, strict=strict),
        secrets=[target.token] if target is not None and target.token else [],
    )
    return report


def pytest_report_teststatus(report: pytest.TestReport) -> tuple[str, str, tuple[str, Any]] | None:
    # A test whose findings do not gate passed: -v says it has findings all the same.
    if report.when == "call" and report.passed and getattr(report, "scim_findings", None):
        return "passed", ".", ("PASSED (findings that do not gate)", {"yellow": True})
    return None


def _record_outcomes(item: pytest.Item, report: pytest.TestReport, error: BaseException | None) -> None:
    """The test's verdict per Okta operation and profile, on the report (a string: xdist carries it)."""
    probe: Probe | None = getattr(item, "funcargs", {}).get("probe")
    if probe is None or (error is not None and not isinstance(error, ConformanceFailure)):
        return  # no Okta operation, or a harness error: no verdict on the target
    from .outcomes import of_test

    found = error.all() if isinstance(error, ConformanceFailure) else ()
    outcomes = of_test(probe.outcomes, probe.okta_operations, probe.profiles, found)
    if outcomes:
        report.scim_outcomes = json.dumps([o.to_dict() for o in outcomes])  # type: ignore[attr-defined]


class _Session:
    """Collects the run's results across the session (on the xdist controller too), and reports them."""

    def __init__(self, config: pytest.Config) -> None:
        from .reporting.footprint import RunFootprint

        self.config = config
        self.started = time.time()
        """When the session started (summary.json's ``started``, the reports' duration)."""
        self.results = RunResults()
        self.footprint = RunFootprint()
        """What the run sent and left on its target (``scim_conformance.budget``)."""
        self.judgement: Judgement | None = None
        """The findings against ``--scim-baseline`` (:mod:`scim_conformance.baseline`), at the end."""
        path = config.getoption("scim_baseline")
        if path:
            from .baseline import BaselineError, read_baseline

            try:
                self.results.baseline = read_baseline(Path(path))
            except BaselineError as exc:
                raise pytest.UsageError(str(exc)) from None
        self.interrupted = False
        """Whether Ctrl-C stopped the run (its cleanup and reports still happen)."""
        self._workers_down: set[str] = set()

    @pytest.hookimpl(tryfirst=True)  # before pytest's terminal reporter, which can fail in this hook
    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        self.interrupted = True

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        check = getattr(report, "scim_check", None)
        if check:
            self.results.ran.add(check)
        results = self.results
        results.add_test_report(report.when, report.outcome)
        # Strings put on the report by this plugin (reporting.testcase), in this process or a worker.
        if outcomes := getattr(report, "scim_outcomes", None):
            results.add_outcomes(json.loads(outcomes))
        if found := getattr(report, "scim_findings", None):
            results.add_findings(report.nodeid, json.loads(found))
        if checks := getattr(report, "scim_checks", None):
            results.checks += json.loads(checks)
        if error := getattr(report, "scim_error", None):
            results.errors.append(json.loads(error))

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        # xdist: each worker cleans up its own resources and sends the outcome here.
        # Once per worker: xdist calls this twice for a worker interrupted by Ctrl-C
        # (when it finishes, then as "errordown"), which counted its cleanup twice.
        worker = str(node.gateway.id)
        if worker in self._workers_down:
            return
        self._workers_down.add(worker)
        output = getattr(node, "workeroutput", {}).get("scim_cleanup")
        if output:
            self._add_cleanup(json.loads(output))

    def _add_cleanup(self, outcome: dict[str, Any]) -> None:
        self.results.add_cleanup(outcome)
        self.footprint.add(outcome)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        config = self.config
        cleaned = config.stash.get(_cleanup_key, None)
        if cleaned is not None:
            self._add_cleanup(cleaned)
        if hasattr(config, "workerinput"):
            if cleaned is not None:
                config.workeroutput["scim_cleanup"] = json.dumps(cleaned)  # type: ignore[attr-defined]
            return
        if setup_error(config) is not None:
            session.exitstatus = EXIT_SETUP
        # Findings that do not gate (rfc, without --scim-strict) left their tests passing
        # (reporting.testcase), so the exit status already follows the gate (CONTRACT §5).
        strict = bool(config.getoption("scim_strict"))
        self._baseline(session, strict)
        path = config.getoption("scim_json")
        if path:
            from .reporting.summary import write_summary

            write_summary(
                Path(path),
                self.results,
                started=self.started,
                url=config.getoption("scim_url"),
                profiles=config.getoption("okta_profile"),
                strict=strict,
                exit_code=int(session.exitstatus),
                setup_error=setup_error(config),
                footprint=self.footprint.to_dict(run_budget(config)),
                # (130: the CLI noted a Ctrl-C that Python lost in the last test.)
                interrupted=self.interrupted or int(session.exitstatus) == 130,
            )

    def _baseline(self, session: pytest.Session, strict: bool) -> None:
        """Judge the findings against ``--scim-baseline``; write ``--scim-write-baseline``."""
        config, results = self.config, self.results
        if results.baseline is not None and setup_error(config) is None:
            from .baseline import judge

            self.judgement = judge(results.baseline, results.all_findings(), results.ran, strict=strict)
            # A baseline only shrinks: under --scim-strict a check fixed but still baselined fails the run.
            if strict and self.judgement.fixed and session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
        path = config.getoption("scim_write_baseline")
        if path and setup_error(config) is None:
            from .baseline import write_baseline

            try:
                written = write_baseline(Path(path), results.all_findings(), strict=strict)
            except OSError as exc:
                _say(config, f"scim-conformance: cannot write the baseline {path!r}: {exc.strerror}")
                session.exitstatus = EXIT_SETUP
                return
            _say(config, f"scim-conformance: baseline of {written} gating check(s) written to {path}")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        config, results = self.config, self.results
        if hasattr(config, "workerinput") or setup_error(config) is not None:
            return  # a failed preflight said it all, in one line
        if not (results.findings or results.cleanup["created"] or session_target(config) is not None):
            return  # not a conformance run (e.g. the harness's own tests): nothing to say
        strict = bool(config.getoption("scim_strict"))
        counts = results.counts()
        line = "findings: " + ", ".join(f"{counts[s]} {s}" for s in SEVERITIES)
        if reported_only := [s for s in SEVERITIES if not gates(s, strict=strict)]:
            line += f" ({', '.join(reported_only)} findings do not fail the run without --scim-strict)"
        terminalreporter.section("scim-conformance")
        profiles = selected_profiles(config)
        if results.outcomes:
            from .outcomes import render

            # What an admin debugging Okta reads first: each Okta operation's verdict.
            for row in render(results.matrix(profiles), profiles):
                terminalreporter.write_line(row)
        terminalreporter.write_line(line)
        for said in self.judgement.lines() if self.judgement is not None else ():
            terminalreporter.write_line(said)
        from .reporting.grouping import grouped

        for finding in grouped(results.all_findings()):
            times = f" (×{finding['occurrences']})" if finding["occurrences"] > 1 else ""
            terminalreporter.write_line(
                f"  [{finding['severity']}] {finding['check']}: {finding['title']}{times}"
            )
        cleanup = results.cleanup
        terminalreporter.write_line(
            f"cleanup: {cleanup['requests']} requests for {cleanup['created']} created resources"
        )
        for line in results.leftovers:
            terminalreporter.write_line(f"  not cleaned up: {line}")
        for line in self.footprint.lines(run_budget(config)):
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def scim_run(pytestconfig: pytest.Config) -> str:
    """This run's marker, carried by every resource the run creates (unique per xdist worker).

    A production target may hold real users: the marker tells our resources
    apart, and names nothing a real Okta tenant would create.
    """
    import secrets

    worker = getattr(pytestconfig, "workerinput", {}).get("workerid", "")
    return f"scimconf-{secrets.token_hex(4)}{('-' + worker) if worker else ''}"
