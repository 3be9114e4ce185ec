"""A real browser reads report.html: summary, matrix, a finding and its transcript visible, no token anywhere.

pytest-html builds its results table with JavaScript, so what a reader sees is
only known once a browser has run it: headless Chromium (Debian's package,
``/usr/bin/chromium``, driven by playwright without playwright's own browser
download) opens the report of a failing run and a screenshot is saved beside
it (``reports/browser/report.png`` in the checkout; the path is printed).
Skipped, saying why, where Chromium or playwright is missing.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from appserver import serving

# Slow (a served target, a CLI run and a browser): not in `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("SCIM_CONFORMANCE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Headless on a shared CI machine: no sandbox (root), no GPU, nothing fetched in the background.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The checkout's report directory (gitignored): the screenshot outlives the test's tmp_path.
REPORTS = Path(__file__).resolve().parents[2] / "reports" / "browser"


@pytest.fixture(scope="module")
def failing_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """report.html of a run against a server that echoes the token (a security finding)."""
    if not Path(CHROMIUM).exists():
        why = f"no Chromium at {CHROMIUM} (apt-get install chromium, or set SCIM_CONFORMANCE_CHROMIUM)"
        # CI installs it (.ci/run) and says so: there, a missing browser is a failure, not a skip.
        if os.environ.get("SCIM_CONFORMANCE_REQUIRE_BROWSER"):
            pytest.fail(why)
        pytest.skip(why)
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")
    token = f"SEKRIT{secrets.token_hex(16)}"
    shutil.rmtree(REPORTS, ignore_errors=True)
    folder = tmp_path_factory.mktemp("browser")
    environ = {k: v for k, v in os.environ.items() if k not in ("SCIM_URL", "SCIM_TOKEN")}
    command = [sys.executable, "-m", "scim_conformance", "run", "--reports", str(REPORTS), "-q"]
    with serving(folder, token=token, app="scim_conformance.mutants:token_echo", name="echo") as url:
        result = subprocess.run(
            [*command, "--scim-url", url, "-k", "token_is_never_echoed or user_lifecycle"],
            cwd=folder,
            env={**environ, "SCIM_TOKEN": token},
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result.returncode == 1, result.stdout + result.stderr
    return REPORTS / "report.html", token


def test_the_report_shows_summary_matrix_finding_and_transcript_without_the_token(
    failing_report: tuple[Path, str],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    report, token = failing_report
    screenshot = report.with_name("report.png")
    with sync_playwright() as driver, tempfile.TemporaryDirectory() as profile:
        # A fresh profile (--user-data-dir) each time; playwright adds it and --headless itself.
        browser = driver.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=[flag for flag in FLAGS if flag != "--headless"],
            viewport={"width": 1400, "height": 1000},
        )
        try:
            page = browser.new_page()
            page.goto(report.as_uri())
            assert page.title().startswith("SCIM conformance — http://127.0.0.1:")

            summary = page.locator("#scim-run")
            expect(summary).to_be_visible()
            for fact in ("Target", "Okta profiles", "scim-conformance", "Duration", "1 security"):
                expect(summary).to_contain_text(fact)

            matrix = page.locator("#scim-operations")
            expect(matrix).to_be_visible()
            expect(matrix).to_contain_text("Create user")
            expect(matrix.locator("td", has_text="pass").first).to_be_visible()

            for column in ("Check", "Severity"):
                expect(page.locator("#results-table-head th", has_text=column)).to_be_visible()
            row = page.locator("tbody.results-table-row", has_text="test_token_is_never_echoed")
            expect(row.locator(".col-check")).to_have_text("errors.token-not-echoed")
            expect(row.locator(".col-severity")).to_have_text("security")
            finding = row.locator(".scim-finding")
            expect(finding).to_be_visible()
            expect(finding).to_contain_text("CONTRACT §5")
            transcript = finding.locator(".scim-transcript")
            expect(transcript).to_be_visible()
            expect(transcript).to_contain_text("Authorization: Bearer [REDACTED]")
            expect(finding.locator(".scim-curl")).to_contain_text("$SCIM_TOKEN")
            # Nothing a browser refuses to open from a file.
            assert page.locator('a[href^="data:"]').count() == 0

            page.screenshot(path=str(screenshot), full_page=True)
            seen = page.inner_text("body") + page.content()
        finally:
            browser.close()
    assert token not in seen and token[6:] not in seen
    assert token[6:] not in report.read_text(encoding="utf-8")
    assert screenshot.stat().st_size > 10_000
    print(f"\nscreenshot of the report: {screenshot}")
