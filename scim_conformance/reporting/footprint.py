"""What a run left on its target: users and groups created and still there, against its budget.

Each process's cleanup outcome carries its footprint (``cleanup.Tracker.footprint``)
and the example counts the budget set (``budget.Plan.scaled_examples``); under
xdist the controller adds the workers' up. The terminal summary prints
:func:`lines`, ``--scim-json`` writes :meth:`RunFootprint.to_dict` as ``footprint``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..budget import KINDS, Budget


@dataclass(slots=True)
class RunFootprint:
    """Users and groups a run sent, created and left, added up over its processes."""

    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {kind: {"posted": 0, "created": 0, "remaining": 0} for kind in KINDS}
    )
    examples: dict[str, int] = field(default_factory=dict)
    """Tests whose examples the budget set, and how many."""

    def add(self, outcome: Mapping[str, Any]) -> None:
        """One process's cleanup outcome (with ``footprint`` and ``examples``, when it has them)."""
        for kind, numbers in outcome.get("footprint", {}).items():
            for name, value in numbers.items():
                self.counts[kind][name] += value
        self.examples.update(outcome.get("examples", {}))

    def to_dict(self, budget: Budget) -> dict[str, Any]:
        return {
            "budget": {"users": budget.users, "groups": budget.groups},
            **{kind: dict(self.counts[kind]) for kind in KINDS},
            "examples": dict(sorted(self.examples.items())),
        }

    def lines(self, budget: Budget) -> list[str]:
        """The footprint in the terminal summary: created against the budget, then what remains."""
        users, groups = self.counts["users"], self.counts["groups"]
        bound = f" (budget: {budget.users} and {budget.groups})" if budget.limited else ""
        lines = [
            f"footprint: {users['created']} users and {groups['created']} groups created{bound}; "
            f"{users['remaining']} users and {groups['remaining']} groups remain on the target"
            + (" (users deactivated: the target does not delete users)" if users["remaining"] else "")
        ]
        if budget.limited and self.examples:
            cut = ", ".join(f"{_short(nodeid)} {n}" for nodeid, n in sorted(self.examples.items()))
            lines.append(f"  examples within the budget: {cut} (--scim-max-users N for more)")
        return lines


def _short(nodeid: str) -> str:
    return nodeid.rsplit("::", 1)[-1]
