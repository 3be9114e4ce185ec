"""Okta's operations in random sequences, the target compared with a plain model after every step.

One test per Okta client profile (``test_stateful[aiw]``): hypothesis runs
:class:`~scim_conformance.stateful.ProvisioningMachine` under the loaded
profile (``--hypothesis-profile dev|ci|thorough`` sets the runs and the steps
per run; ``--scim-examples N`` the runs). An okta (or security) mismatch stops
the run and shrinks to a minimal sequence of Okta operations: the finding lists
that run's requests step by step, then hypothesis's own reproduction, and the
requests are saved as ``<reports>/stateful-<profile>-failure.jsonl`` in the
request-log format (docs/request-log.md) for the replay command. ``<reports>``
is the directory of ``--scim-json`` (the CLI's ``--reports``), else
``reports/`` in the working directory. An rfc mismatch (a user's ``groups``) is
reported once per test, from the run that showed it, and never stops a run: it
cannot hide an okta mismatch.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest

from scim_conformance.probe import Probe
from scim_conformance.stateful import run_machine
from scim_conformance.strategies import Profile


def _reports(config: pytest.Config) -> Path:
    summary = config.getoption("scim_json")
    return Path(summary).parent if summary else Path("reports")


@pytest.mark.check(
    "stateful.model",
    severity="okta",
    requirement="CONTRACT §2-§4; okta-requests.md §3-§9: after any sequence of Okta's requests, GET shows "
    "each user and group as those requests left them (MUST)",
    operation="Okta's provisioning operations in sequence",
    operations=(
        "create-user",
        "lookup-user",
        "update-profile",
        "deactivate",
        "reactivate",
        "create-group",
        "lookup-group",
        "add-members",
        "remove-members",
        "push-members",
        "rename-group",
        "delete-group",
        "import-users",
        "import-groups",
    ),
)
# A run creates its first user and group; on a target with a budget, at most one more user
# (scim_conformance.budget): the test's example count (runs) follows the budget.
@pytest.mark.footprint(example_users=2, example_groups=1)
def test_stateful(
    probe: Probe,
    okta_profile: str,
    scim_run: str,
    pytestconfig: pytest.Config,
    request: pytest.FixtureRequest,
) -> None:
    """Users created, updated, deactivated, reactivated, looked up, imported; groups pushed, renamed, deleted.

    After every step each user's attributes and active flag, each group's name
    and members, and each deleted group's 404 match the model (okta); each
    user's ``groups`` agrees with the groups' members (rfc).
    """
    name = request.node.originalname.removeprefix("test_")
    replay_file = _reports(pytestconfig) / f"{name}-{okta_profile}-failure.jsonl"
    run_machine(probe, cast(Profile, okta_profile), scim_run, replay_file=replay_file)
