"""The bounds of one test's hypothesis examples: its share of the run's budget, and shrinking.

Hypothesis runs a property test's examples, and after a failure shrinks it by
running more, each a round of HTTP requests to the target (issue 8 §5, §6):

- **examples**: a test that creates per example gets as many as its share of
  the budget allows (:attr:`Examples.count`, ``budget.plan``), and on a live
  target a shrinking example that would exceed the share sends nothing
  (:meth:`Examples.affords`): the test draws its values as always — hypothesis
  insists that an example draw the same values every time — then passes
  unsent, so the shrinker does not take it. The share keeps room for the final
  replay of a failure, which always runs;
- **shrinking**: at most ``seconds`` per test after the first failure (per profile,
  ``hypothesis_settings.SHRINKING``; ``thorough`` is unbounded), through
  ``hypothesis_settings.shrinking_within``.

The failure printed is the smallest found within those bounds, replayed for
real; its notes say when a bound cut shrinking short.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from hypothesis import note

from .budget import KINDS
from .cleanup import Tracker
from .hypothesis_settings import final_replay


@dataclass
class Examples:
    """The bounds of one test's examples, and what they cut."""

    tracker: Tracker
    account: str
    """The test's node id: whose allowance of POSTs (``budget``)."""
    per_example: tuple[int, int] = (0, 0)
    """POSTs to /Users and /Groups one example may send (its ``footprint`` marker)."""
    count: int | None = None
    """Examples the budget allows (None: the hypothesis profile's)."""
    shrink_seconds: float | None = None
    """None: shrinking is unbounded (``--hypothesis-profile thorough``)."""
    failed_at: float | None = None
    unsent: int = 0
    """Shrinking examples that passed unsent: the test's share of the budget was spent."""

    @property
    def limited(self) -> bool:
        """True when the test's POSTs are bounded by the run's budget (a live target)."""
        return any(self.tracker.left(kind, self.account) is not None for kind in KINDS)

    def begin(self) -> None:
        """An example starts; the final replay of a failure notes the bounds that cut shrinking."""
        if not final_replay() or self.failed_at is None:
            return
        elapsed = time.monotonic() - self.failed_at
        if self.shrink_seconds is not None and elapsed >= self.shrink_seconds:
            note(
                f"Shrinking stopped after {elapsed:.1f} s (bound: {self.shrink_seconds:g} s per test): "
                "the example may not be minimal; --hypothesis-profile thorough shrinks without bound."
            )
        if self.unsent:
            note(
                f"Shrinking stopped: {self.unsent} smaller examples were not sent, this test's share of "
                "the run's budget on the target being spent; the example may not be minimal; "
                "--scim-max-users N raises the budget."
            )

    def affords(self) -> bool:
        """Whether this example may send its POSTs: its share leaves room for it and for a final replay.

        Always true for the final replay (its room was kept) and on an unlimited
        budget. False only while shrinking past the share: the example then
        passes unsent (see the module docstring).
        """
        if final_replay():
            return True
        for kind, need in zip(KINDS, self.per_example, strict=True):
            left = self.tracker.left(kind, self.account)
            if need and left is not None and left < 2 * need:
                self.unsent += 1
                return False
        return True

    def failed(self) -> None:
        """An example failed: from now on the examples are the shrinker's."""
        if self.failed_at is None:
            self.failed_at = time.monotonic()
