"""What ``bench/server.py`` measures and ``bench/report.py`` prints: settings, targets and figures."""

from __future__ import annotations

from dataclasses import dataclass, field

STEPS = ("lookup", "create", "GET", "PUT")


@dataclass(frozen=True, slots=True)
class Settings:
    rounds: int  # rounds of the sequence comparison
    batch: int  # sequences per server per round
    lookup_rounds: int
    lookup_batch: int  # lookups per store per round


@dataclass(slots=True)
class Target:
    """One server as the client sees it, and what was measured against it."""

    label: str
    base: str
    floor: bool = False  # answers every request 200 with a fixed ListResponse
    samples: dict[str, list[int]] = field(default_factory=lambda: {s: [] for s in STEPS})
    """Every request's duration (ns), per step."""
    rounds: list[tuple[int, int]] = field(default_factory=list)
    """Per round: (wall ns of the batch, summed ns of its requests); lookups: (median ns, same)."""
    errors: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.samples = {s: [] for s in STEPS}
        self.rounds.clear()


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    shown: str
    target: str = "-"
    passed: bool | None = None
    """None: reported, with no target."""


def sequences_per_second(target: Target, batch: int) -> float:
    return batch * len(target.rounds) / (sum(wall for wall, _ in target.rounds) / 1e9)
