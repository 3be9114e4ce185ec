"""Which tests hold which checks: ``run --check ID`` and ``bench/matrix.py`` select tests by check id.

A check id belongs to the test whose ``@pytest.mark.check`` id is its longest
dotted prefix: ``user-lifecycle.deactivate-patch`` to the catalogue's
``user-lifecycle`` tests, ``properties.pagination.counters`` to
``properties.pagination``. A check no test is marked with (the probe's
``schema.*``, validated on every response) belongs to every test.

A requested id selects every check equal to it or below it (``user-lifecycle``
selects ``user-lifecycle`` and ``user-lifecycle.*``), so a prefix picks a family.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pytest

from .registry import all_checks

__all__ = ["CheckSelection", "matching", "owner", "tests_holding", "unknown"]


def _under(check: str, prefix: str) -> bool:
    return check == prefix or check.startswith(prefix + ".")


def matching(pattern: str, known: Iterable[str]) -> list[str]:
    """The check ids among ``known`` equal to ``pattern`` or below it (``pattern.…``)."""
    return sorted(c for c in known if _under(c, pattern))


def unknown(patterns: Iterable[str]) -> list[str]:
    """The requested ids that select no check of the registry."""
    known = [info.id for info in all_checks()]
    return [p for p in patterns if not matching(p, known)]


def owner(check: str, marked: Iterable[str]) -> str | None:
    """The longest marked check id that is ``check`` or a dotted prefix of it; None if none is."""
    candidates = [m for m in set(marked) if _under(check, m)]
    return max(candidates, key=len) if candidates else None


def tests_holding(checks: Iterable[str], marked: Mapping[str, str]) -> tuple[str, ...]:
    """The tests (keys of ``marked``: test → its check id) holding these checks.

    ``()`` when one of them is marked on no test: it can fire in any test, so
    the caller runs every one.
    """
    owners = set()
    for check in checks:
        found = owner(check, marked.values())
        if found is None:
            return ()
        owners.add(found)
    return tuple(node for node, check in marked.items() if check in owners)


def _marked(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("check")
    return str(marker.args[0]) if marker is not None and marker.args else None


class CheckSelection:
    """A pytest plugin keeping only the tests that hold the requested checks (``--scim-check``)."""

    def __init__(self, patterns: Iterable[str]) -> None:
        known = [info.id for info in all_checks()]
        self.checks = sorted({c for p in patterns for c in matching(p, known)})

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        marked = {str(i): check for i, item in enumerate(items) if (check := _marked(item)) is not None}
        held = set(tests_holding(self.checks, marked))
        if not held:
            return  # a check no test is marked with: it can fire anywhere, every test runs
        kept = [item for i, item in enumerate(items) if str(i) in held]
        dropped = [item for i, item in enumerate(items) if str(i) not in held]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept
