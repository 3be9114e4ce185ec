"""What a report says about the run itself: the target it judged and the software that judged it.

summary.json (``versions``) and the HTML report's opening summary read these, so a
finding can be traced to the tool version that made it (a check fixed in a later
release, a hypothesis upgrade that draws other examples).
"""

from __future__ import annotations

import platform
from importlib import metadata
from typing import Final

from ..core.redaction import redact_url

__all__ = ["EMBEDDED", "VERSIONED", "target_label", "tool_version", "versions"]

EMBEDDED: Final = "embedded reference server (in-process)"
"""How a report names the target when no ``--scim-url`` was given."""

VERSIONED: Final = ("scim-conformance", "pytest", "hypothesis", "httpx")
"""The distributions whose versions decide what a run finds: tool, runner, generator, client."""


def versions() -> dict[str, str]:
    """The version of each of :data:`VERSIONED` and of Python (``unknown`` for one not installed)."""
    found = {name: _version(name) for name in VERSIONED}
    return {**found, "python": platform.python_version()}


def tool_version() -> str:
    """This package's version."""
    return _version("scim-conformance")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # a source checkout run without installing
        return "unknown"


def target_label(url: str | None, app: str | None = None) -> str:
    """The target in words: its URL (userinfo and credential parameters redacted), or the embedded server.

    An embedded target built by ``--scim-app`` (a mutant, say) names its factory:
    it is not the reference server.
    """
    if url:
        return redact_url(url)
    return f"{EMBEDDED}, --scim-app {app}" if app else EMBEDDED
