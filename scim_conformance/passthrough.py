"""The options ``scim-conformance run`` passes to pytest, read from the plugins that define them.

``run --help`` lists them from the plugins' own ``pytest_addoption`` (ours, and
hypothesis's ``--hypothesis-profile``), not from a copy, so the help cannot drift
from what the run accepts. Only what help needs is kept: never a default, which
for ``--scim-token`` is the token from the environment.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

__all__ = ["PassThrough", "add_to", "pass_through_options"]

# What hypothesis's plugin adds that a conformance run uses (the rest tunes hypothesis itself).
_HYPOTHESIS_OPTIONS = ("--hypothesis-profile",)


@dataclass(frozen=True, slots=True)
class PassThrough:
    """One pass-through option, as its plugin defines it."""

    names: tuple[str, ...]
    help: str
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    flag: bool = False
    """True for an option that takes no value (``action="store_true"``)."""


class _Recorder:
    """Stands in for ``pytest.Parser`` and its groups: records each ``addoption`` call."""

    def __init__(self) -> None:
        self.options: list[PassThrough] = []

    def getgroup(self, name: str, description: str = "", after: str | None = None) -> _Recorder:
        return self

    def addoption(self, *names: str, **attrs: Any) -> None:
        choices = attrs.get("choices")
        self.options.append(
            PassThrough(
                names=names,
                help=str(attrs.get("help", "")),
                metavar=attrs.get("metavar"),
                choices=tuple(choices) if choices is not None else None,
                flag=attrs.get("action") in ("store_true", "store_false"),
            )
        )

    def addini(self, *args: Any, **kwargs: Any) -> None:
        """Ini settings are not options of the command line."""


def pass_through_options() -> list[PassThrough]:
    """The scim plugin's options, then ``--hypothesis-profile`` with the profiles the plugin registers."""
    from . import plugin
    from .hypothesis_settings import PROFILES

    ours = _Recorder()
    plugin.pytest_addoption(ours)  # type: ignore[arg-type]
    theirs = _Recorder()
    try:
        import _hypothesis_pytestplugin  # type: ignore[import-untyped]

        _hypothesis_pytestplugin.pytest_addoption(theirs)
    except (ImportError, AttributeError):  # pragma: no cover - hypothesis is a dependency
        pass
    hypothesis = [
        PassThrough(
            names=o.names,
            help=f"{o.help} (scim-conformance registers {', '.join(PROFILES)}; default dev)",
            metavar="|".join(PROFILES),
        )
        for o in theirs.options
        if set(o.names) & set(_HYPOTHESIS_OPTIONS)
    ]
    return ours.options + hypothesis


def add_to(group: argparse._ArgumentGroup, options: list[PassThrough]) -> None:
    """Add ``options`` to an argparse group that is only shown, never parsed (``run --help``)."""
    for option in options:
        # '%' would start a format directive in argparse's help.
        text = option.help.replace("%", "%%")
        if option.flag:
            group.add_argument(*option.names, action="store_true", help=text)
        else:
            metavar = option.metavar or ("|".join(option.choices) if option.choices else "VALUE")
            group.add_argument(*option.names, metavar=metavar, help=text)
