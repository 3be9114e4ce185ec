"""Okta's operations in random sequences, the target compared with a plain model after every step.

One test per Okta client profile (``test_stateful[aiw]``): hypothesis runs
:class:`~scim_conformance.stateful.ProvisioningMachine` under the active profile
(``--hypothesis-profile dev|ci|thorough``: examples and steps per example;
``--scim-examples N``). A mismatch shrinks to a minimal sequence of Okta
operations; the finding lists that run's requests by step, with hypothesis's
own reproduction, and the requests are saved as
``<reports>/stateful-<profile>-failure.jsonl`` in the request-log format
(docs/request-log.md). ``<reports>`` is the directory of ``--scim-json`` (the
CLI's ``--reports``), else ``reports/`` in the working directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scim_conformance.probe import Probe
from scim_conformance.stateful import run_machine


def _reports(config: pytest.Config) -> Path:
    summary = config.getoption("scim_json")
    return Path(summary).parent if summary else Path("reports")


@pytest.mark.check(
    "stateful.model",
    severity="okta",
    requirement="CONTRACT §2-§4: after any sequence of Okta's requests, GET shows each user and "
    "group as those requests left them (MUST)",
    operation="Okta's provisioning operations in sequence",
)
def test_stateful(
    probe: Probe,
    okta_profile: str,
    scim_run: str,
    pytestconfig: pytest.Config,
    request: pytest.FixtureRequest,
) -> None:
    """Create, update, deactivate, reactivate, look up, import users; push, rename, delete groups.

    After every step each user's attributes and active flag, each group's name
    and members and each deleted group's 404 match the model (okta); each user's
    ``groups`` agrees with the groups' members (rfc).
    """
    name = request.node.originalname.removeprefix("test_")
    replay_file = _reports(pytestconfig) / f"{name}-{okta_profile}-failure.jsonl"
    run_machine(probe, okta_profile, scim_run, replay_file=replay_file)  # type: ignore[arg-type]
