"""What ``scim-conformance run`` shows in the terminal besides pytest's own lines.

A pytest plugin the CLI passes to ``pytest.main`` (a plain ``pytest`` run of the
harness's own tests does not get it): the run's target and profiles first, and test
paths relative to the suites — ``test_properties.py::test_round_trip[aiw]`` — rather
than to the working directory, which after a plain ``pip install .`` gives a
site-packages path nobody can read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

__all__ = ["Console", "header"]


def header(config: pytest.Config) -> str:
    """One line: the target (redacted), the Okta profiles and the property-test depth."""
    from .core.redaction import redact_url
    from .plugin import hypothesis_profile, selected_profiles

    url = config.getoption("scim_url")
    app = config.getoption("scim_app")
    if url:
        target = redact_url(url, [config.getoption("scim_token") or ""])
    elif app:
        target = f"embedded app {app} (in-process)"
    else:
        target = "the embedded reference server (in-process)"
    examples = config.getoption("scim_examples")
    depth = hypothesis_profile(config) + (f", {examples} examples" if examples else "")
    return (
        f"scim-conformance: target {target}; Okta profiles {', '.join(selected_profiles(config))}; "
        f"hypothesis profile {depth}"
    )


def _as_is(nodeid: Any) -> Any:
    # Any: a NodeId object in pytest 9, a str before.
    return nodeid


class Console:
    """The CLI's terminal: the header line, and paths from the suites' directory."""

    def __init__(self, suites: Path) -> None:
        self.suites = suites

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            # The directory pytest shows file paths from (a plain attribute of the reporter).
            reporter.startpath = self.suites
        # Node ids are relative to the rootdir, the suites' directory, already; pytest
        # rewrites them relative to the working directory for the short summary
        # ("FAILED ../../site-packages/…"). Not for this run: a test reads as its node id.
        config.cwd_relative_nodeid = _as_is  # type: ignore[method-assign]

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # Written by us, not as a report header: -q hides those, and a CI log should
        # still say first what was tested.
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(header(session.config), bold=True)
