"""Terms every part of the package shares: the Okta client profiles."""

from __future__ import annotations

from typing import Final, Literal

Profile = Literal["aiw", "oin"]
"""Okta's client profile: ``aiw`` (custom app, every change a PUT) or ``oin`` (catalogue app, PATCH)."""
PROFILES: Final[tuple[Profile, ...]] = ("aiw", "oin")
