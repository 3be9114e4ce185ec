"""The sensitivity matrix: every planted fault × the checks that caught it (a report, not a test).

    python bench/matrix.py [--jobs J] [--all-suites] [--only NAME ...]

Every mutant of ``scim_conformance.mutants`` (``MUTANTS``) names the checks that
must catch it (``catches``). This runs the suites against the unmutated
reference server and against each mutant (``--scim-app
scim_conformance.mutants:NAME``), with ``--scim-strict`` and ``--hypothesis-profile
ci``, reads the check ids of the findings from each run's ``--scim-json``
summary, and prints one row per fault: its verdict, the checks it must be caught
by and the checks that caught it. ``caught``: every named check fired (others
that fired too are listed as "also caught by"); ``MISSED``: a named check did
not. A variant that must pass (``catches=()``) must give no finding, as the
reference server must (a finding there is a false failure); a variant registered
``strict=False`` (``minimal_conformant``) runs without ``--scim-strict``, for its
``profile`` only, and must give no security or okta finding.

Each fault's run is limited to the tests that hold its checks: a check id
belongs to the test whose ``@pytest.mark.check`` id is its longest prefix
(``user-lifecycle.create`` to the catalogue's ``user-lifecycle`` tests,
``properties.pagination.counters`` to ``properties.pagination``). A check no
test is marked with (the probe's ``schema.*``, fired by any test) and a variant
run every suite, as does ``--all-suites`` for every fault (slower; shows every
check a fault trips). Exit 1 when a fault is missed or a must-pass run gives a
finding, else 0.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from scim_conformance.inventory.selection import tests_holding
from scim_conformance.mutants import MUTANTS
from scim_conformance.resources import suites_dir

REFERENCE = "(reference server)"


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    """A mutant's name, or :data:`REFERENCE`."""
    catches: tuple[str, ...]
    tests: tuple[str, ...]
    """Node ids below the suites directory; empty: every suite."""
    profile: str | None = None
    """The Okta profile a variant is run for (``--okta-profile``); None: both."""
    strict: bool = True
    """False: a variant passes with rfc findings (run without ``--scim-strict``)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    found: dict[str, str]
    """Check id -> severity of the findings."""
    seconds: float
    error: str = ""
    """Why the run gave no summary (set-up error, crash), else empty."""

    @property
    def missed(self) -> list[str]:
        return sorted(set(self.case.catches) - set(self.found))

    @property
    def also(self) -> list[str]:
        return sorted(set(self.found) - set(self.case.catches))

    @property
    def ok(self) -> bool:
        if self.error:
            return False
        if self.case.catches:
            return not self.missed
        return not self.gating if not self.case.strict else not self.found

    @property
    def gating(self) -> dict[str, str]:
        """The security and okta findings: what a non-strict variant must not have."""
        return {c: s for c, s in self.found.items() if s in ("security", "okta")}


@dataclass
class _CheckMarkers:
    """A pytest plugin recording each collected test's ``@pytest.mark.check`` id."""

    checks: dict[str, str] = field(default_factory=dict)

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            marker = item.get_closest_marker("check")
            if marker is not None and marker.args:
                self.checks[item.nodeid] = str(marker.args[0])


def suite_files() -> list[Path]:
    return sorted(suites_dir().glob("test_*.py"))


def marked_checks() -> dict[str, str]:
    """Node id (below the suites directory) -> the check id it is marked with, from one collection."""
    markers = _CheckMarkers()
    args = [*map(str, suite_files()), "--collect-only", "-p", "no:terminal", "-p", "no:cacheprovider"]
    code = pytest.main([*args, "--rootdir", str(suites_dir())], plugins=[markers])
    if code != 0:
        raise SystemExit(f"collecting the suites failed (pytest exit {code})")
    return markers.checks


def cases(names: Sequence[str], all_suites: bool) -> list[Case]:
    checks = {} if all_suites else marked_checks()
    made = [Case(REFERENCE, (), ())]
    for name in names:
        catches = MUTANTS[name].catches
        mutant = MUTANTS[name]
        tests = tests_holding(catches, checks) if catches else ()
        made.append(Case(name, catches, tests, mutant.profile, mutant.strict))
    return made


def run(case: Case) -> Outcome:
    suites = suites_dir()
    targets = [str(suites / node) for node in case.tests] or [str(path) for path in suite_files()]
    with tempfile.TemporaryDirectory(prefix="scim-matrix-") as tmp:
        summary = Path(tmp) / "summary.json"
        args = [sys.executable, "-m", "pytest", *targets, "--rootdir", str(suites), "-q"]
        args += ["-p", "no:cacheprovider", "--hypothesis-profile", "ci", f"--scim-json={summary}"]
        args += ["--scim-strict"] if case.strict else []
        args += ["--okta-profile", case.profile] if case.profile else []
        if case.name != REFERENCE:
            args += ["--scim-app", f"scim_conformance.mutants:{case.name}"]
        start = time.perf_counter()
        done = subprocess.run(args, cwd=tmp, capture_output=True, text=True, timeout=900, check=False)
        seconds = time.perf_counter() - start
        data: dict[str, Any] = json.loads(summary.read_text(encoding="utf-8")) if summary.exists() else {}
    if done.returncode not in (0, 1) or not data:
        tail = " / ".join((done.stdout + done.stderr).strip().splitlines()[-3:])
        return Outcome(case, {}, seconds, f"pytest exited {done.returncode}: {tail}")
    found = {f["check"]: f["severity"] for f in data["findings"]}
    return Outcome(case, found, seconds)


def _checks(found: Iterable[str], severities: dict[str, str] | None = None) -> str:
    if severities is None:
        return ", ".join(sorted(found)) or "-"
    return ", ".join(f"{c} [{severities[c]}]" for c in sorted(found)) or "-"


def row(outcome: Outcome) -> str:
    case = outcome.case
    scope = f"{len(case.tests)} tests" if case.tests else "all suites"
    head = f"{case.name:<28} {scope:>10} {outcome.seconds:>6.1f}s  "
    if outcome.error:
        return head + f"ERROR  {outcome.error}"
    if not case.catches and not case.strict:
        verdict = "passes" if outcome.ok else "FALSE FAILURES"
        return (
            head
            + f"{verdict} ({case.profile or 'aiw, oin'}; rfc allowed)  findings: "
            + _checks(outcome.found, outcome.found)
        )
    if not case.catches:
        verdict = "passes" if not outcome.found else "FALSE FAILURES"
        return head + f"{verdict}  findings: {_checks(outcome.found, outcome.found)}"
    verdict = "caught" if not outcome.missed else f"MISSED {_checks(outcome.missed)}"
    also = f"  (also caught by {_checks(outcome.also)})" if outcome.also else ""
    return (
        head
        + f"{verdict}{also}  catches: {_checks(case.catches)}"
        + f"  caught by: {_checks(outcome.found, outcome.found)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="pytest runs at once (default 2)")
    parser.add_argument("--all-suites", action="store_true", help="run every suite against every fault")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="these mutants only (and the reference)")
    options = parser.parse_args()
    names = options.only or sorted(MUTANTS)
    unknown = sorted(set(names) - set(MUTANTS))
    if unknown:
        parser.error(f"unknown mutants {', '.join(unknown)}; registered: {', '.join(sorted(MUTANTS))}")
    start = time.perf_counter()
    planned = cases(names, options.all_suites)
    print(
        f"{len(planned) - 1} mutants and the reference server; --scim-strict --hypothesis-profile ci; "
        f"{options.jobs} runs at once; suites: {suites_dir()}\n"
    )
    with ThreadPoolExecutor(options.jobs) as pool:
        outcomes = []
        for outcome in pool.map(run, planned):
            print(row(outcome), flush=True)
            outcomes.append(outcome)
    faults = [o for o in outcomes if o.case.catches]
    variants = [o for o in outcomes if not o.case.catches and o.case.name != REFERENCE]
    reference = outcomes[0]
    caught = sum(1 for o in faults if o.ok)
    false = len(reference.found) + sum(len(o.found if o.case.strict else o.gating) for o in variants)
    print(
        f"\n{len(faults)} faults: {caught} caught, {len(faults) - caught} missed; "
        f"reference server: {len(reference.found)} findings; "
        f"{len(variants)} must-pass variants: {sum(1 for o in variants if not o.ok)} with findings "
        f"({false} false failures in all); {time.perf_counter() - start:.0f} s"
    )
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
