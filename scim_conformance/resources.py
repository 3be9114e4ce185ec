"""Where the suites and the Okta catalogue are, installed or in a source checkout.

A wheel carries them under ``scim_conformance/_bundled/`` (see pyproject's
force-include); a source checkout has them at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    bundled = _PACKAGE / "_bundled" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


def suites_dir() -> Path:
    return _find("suites")


def fixtures_dir() -> Path:
    return _find("fixtures")
