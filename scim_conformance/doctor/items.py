"""One line of the doctor's report: an item, OK or FAIL, what was seen, and the fix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Item", "render"]


@dataclass(frozen=True, slots=True)
class Item:
    """What the doctor found about one thing the Okta set-up needs."""

    name: str
    """What is examined: ``token``, ``permission realms.add_realmuser``, …"""
    ok: bool
    seen: str
    """What the target answered, in a few words."""
    fix: str = ""
    """How to fix it (a failed item only)."""


def render(items: Iterable[Item]) -> list[str]:
    """``OK   name  seen`` / ``FAIL name  seen: fix …``, names aligned."""
    items = list(items)
    width = max((len(item.name) for item in items), default=0)
    lines = []
    for item in items:
        fix = f" — fix: {item.fix}" if not item.ok and item.fix else ""
        lines.append(f"{'OK  ' if item.ok else 'FAIL'}  {item.name.ljust(width)}  {item.seen}{fix}")
    return lines
