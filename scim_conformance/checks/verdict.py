"""The result of one check: what a finding needs to say, or that all is well."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a requirement holds for one answer, with what was expected and what came back."""

    ok: bool
    what: str
    """What the response shows, in words, for a finding's title (``GET /Users/{id} answered 500``)."""
    expected: str
    got: str

    def __bool__(self) -> bool:
        return self.ok
