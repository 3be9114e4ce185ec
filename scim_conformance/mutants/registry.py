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

    def __call__(self, *, realms: Sequence[Realm], accounts: Sequence[ServiceAccount]) -> ASGIApp:
        return self.build(realms, accounts)


MUTANTS: dict[str, Mutant] = {}


def mutant(*, catches: Sequence[str]) -> Callable[[Build], Mutant]:
    """Register the decorated factory in :data:`MUTANTS` under its function name."""

    def register(build: Build) -> Mutant:
        made = Mutant(build.__name__, build, tuple(catches), (build.__doc__ or "").strip())
        MUTANTS[made.name] = made
        return made

    return register
