"""The CI jobs in docs/ci/ call real commands and options: each scim-conformance line runs.

The workflow files are what a user copies into GitHub Actions or GitLab CI; an option
renamed in the CLI must fail here, not in their pipeline. Each ``scim-conformance run``
line is run for real (against the embedded server: no SCIM_URL; limited to the
connection checks to stay quick), each other command is parsed by the CLI's own parser.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from scim_conformance.cli import parser

pytestmark = pytest.mark.slow

DOCS = Path(__file__).resolve().parents[2] / "docs" / "ci"
WORKFLOWS = sorted(DOCS.glob("*.yml"))
_COMMAND = re.compile(r"^\s*(?:-\s+)?(?:run:\s+)?(scim-conformance\s.*?)\s*(?:#.*)?$")


def commands(path: Path) -> list[list[str]]:
    return [shlex.split(m[1]) for line in path.read_text().splitlines() if (m := _COMMAND.match(line))]


def test_every_workflow_runs_doctor_and_run_with_the_secrets() -> None:
    assert {p.name for p in WORKFLOWS} == {"github-actions.yml", "gitlab-ci.yml"}
    for path in WORKFLOWS:
        text = path.read_text()
        assert [c[1] for c in commands(path)] == ["doctor", "run"], path
        assert "SCIM_URL" in text and "SCIM_TOKEN" in text, path
        assert "reports/junit.xml" in text and "reports/" in text, path


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_the_workflow_commands_are_real(path: Path, tmp_path: Path) -> None:
    for argv in commands(path):
        args, extra = parser().parse_known_args(argv[1:])
        if args.command != "run":
            assert extra == [], (path.name, argv)
            continue
        # The baseline the job names, as `run --write-baseline` would leave it on a clean server.
        for option, value in itertools.pairwise(argv):
            if option == "--baseline":
                (tmp_path / value).parent.mkdir(parents=True, exist_ok=True)
                (tmp_path / value).write_text(json.dumps({"checks": {}}))
        env = {k: v for k, v in os.environ.items() if k not in ("SCIM_URL", "SCIM_TOKEN")}
        done = subprocess.run(
            [sys.executable, "-m", "scim_conformance", *argv[1:], "--check", "connection"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, (path.name, argv, done.stdout[-2000:], done.stderr[-2000:])
        assert (tmp_path / "reports" / "junit.xml").exists(), path.name
