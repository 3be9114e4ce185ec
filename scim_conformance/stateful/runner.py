"""Running the machine as a test: a session shared by its runs, and the shrunk failure saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from ..core.terms import Profile
from ..errors import ConformanceFailure
from ..probe import Probe
from .machine import ProvisioningMachine
from .report import write_lines
from .steps import Session


def machine_for(
    probe: Probe, profile: Profile, run: str, *, replay_file: Path | None = None
) -> tuple[Session, Callable[[], ProvisioningMachine]]:
    """A factory of machines for ``run_state_machine_as_test``, and the session its runs share.

    ``run`` is the run marker (the ``scim_run`` fixture): each machine adds a
    fresh suffix to it. ``replay_file`` is only named in failure notes:
    :func:`run_machine` writes it.
    """
    session = Session(probe, profile, run, replay_file)
    return session, lambda: ProvisioningMachine(session)


def run_machine(probe: Probe, profile: Profile, run: str, *, replay_file: Path) -> None:
    """Run the machine under the loaded hypothesis profile; save the shrunk failure's requests.

    On a failure, the final (shrunk) run's requests are written to
    ``replay_file``, created ``0600`` as bodies hold user profiles; without
    one, a stale file of an earlier run is removed.
    """
    __tracebackhide__ = True
    session, factory = machine_for(probe, profile, run, replay_file=replay_file)
    try:
        # Any callable returning a machine will do (hypothesis's docstring); the annotation
        # asks for the class.
        run_state_machine_as_test(factory, settings=_settings(probe))  # type: ignore[arg-type]
    except ConformanceFailure as failure:
        if failure is session.last_failure:
            write_lines(replay_file, session.last_lines)
        raise
    replay_file.unlink(missing_ok=True)


def _settings(probe: Probe) -> settings:
    """The loaded profile (``--hypothesis-profile``, ``--scim-examples``), health checks off, no explain.

    Runs: the profile's, or fewer when the run's budget sets the test's count
    (``probe.examples``, ``scim_conformance.budget``). Under a budget (a live
    target) a failure is not shrunk: every shrinking run creates users that stay
    on the target. The run stops at its first okta mismatch, so the sequence it
    prints ends at the failing step all the same.

    Health checks are off as hypothesis has them for state machines by default.
    The explain phase reruns the shrunk sequence with variations to say which
    lines every failing run reached: over HTTP that doubles the time a failure
    takes, to print what the numbered requests already show.
    """
    current = settings()
    limited = probe.examples is not None and probe.examples.limited
    dropped = (Phase.explain, Phase.shrink) if limited else (Phase.explain,)
    phases = [phase for phase in current.phases if phase not in dropped]
    count = probe.examples.count if probe.examples is not None else None
    return settings(
        current,
        suppress_health_check=list(HealthCheck),
        phases=phases,
        max_examples=current.max_examples if count is None else max(count, 1),
    )
