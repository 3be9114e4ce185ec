"""The pytest-html hooks: the report's title, its opening summary, and the check and severity columns.

Registered by the plugin only when pytest-html is loaded (``pytest --html``);
each hook is optional, so a run without pytest-html never sees them. What the
HTML looks like is :mod:`.html`; what a run found is the plugin's session
(:class:`~scim_conformance.results.RunResults`).
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import pytest

from . import html
from .environment import target_label, tool_version

if TYPE_CHECKING:
    from ..core.terms import Profile
    from ..results import RunResults


class HtmlReport:
    """pytest-html hook implementations for one session."""

    def __init__(
        self, config: pytest.Config, results: RunResults, *, profiles: tuple[Profile, ...], started: float
    ) -> None:
        self.config = config
        self.results = results
        self.profiles = profiles
        self.started = started
        """When the session started (``time.time()``): the summary's duration runs from it."""

    def _target(self) -> str:
        return target_label(self.config.getoption("scim_url"), self.config.getoption("scim_app"))

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_report_title(self, report: Any) -> None:
        report.title = html.title(self._target())

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(
        self, prefix: list[str], summary: list[str], postfix: list[str], session: pytest.Session
    ) -> None:
        """The report opens with the run's facts, then the operation matrix."""
        profiles = self.profiles
        results = self.results
        prefix.append(
            html.run_summary(
                target=self._target(),
                profiles=profiles,
                strict=bool(self.config.getoption("scim_strict")),
                version=tool_version(),
                duration=time.time() - self.started,
                counts=results.counts(),
                tests=results.tests,
            )
        )
        if results.outcomes:
            prefix.append(html.matrix_table(results.matrix(profiles), profiles))

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        cells[2:2] = html.HEADER_CELLS

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]) -> None:
        checks = json.loads(getattr(report, "scim_checks", None) or "[]")
        found = json.loads(getattr(report, "scim_findings", None) or "[]")
        cells[2:2] = html.row_cells(checks, found)
