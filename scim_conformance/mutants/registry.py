"""The registry of mutants: a faulty server's factory, the checks that must catch it, and its docstring."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp

from ..server.config import Realm, ServiceAccount

Build = Callable[[Sequence[Realm], Sequence[ServiceAccount]], ASGIApp]


@dataclass(frozen=True, slots=True)
class Mutant:
    """A faulty server: call it like ``create_app`` (``realms=``, ``accounts=``) to build the app."""

    name: str
    build: Build
    catches: tuple[str, ...]
    """The check ids that must fail against this server (empty: a variant that must pass)."""
    doc: str
    profile: str | None = None
    """A variant run for one Okta profile only (``aiw``: a provider without PATCH); None: both."""
    strict: bool = True
    """A variant that must give no finding at all; False: no security or okta finding, the rfc ones
    CONTRACT §5 allows a provider doing only what Okta uses (a missing Location header, say)."""

    def __call__(self, *, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
        return self.build(realms, accounts)


MUTANTS: dict[str, Mutant] = {}


def mutant(
    *, catches: Sequence[str], profile: str | None = None, strict: bool = True
) -> Callable[[Build], Mutant]:
    """Register the decorated factory in :data:`MUTANTS` under its function name."""
    if catches and (profile is not None or not strict):
        raise ValueError("profile= and strict= describe a variant that must pass (catches=())")

    def register(build: Build) -> Mutant:
        made = Mutant(build.__name__, build, tuple(catches), (build.__doc__ or "").strip(), profile, strict)
        MUTANTS[made.name] = made
        return made

    return register
