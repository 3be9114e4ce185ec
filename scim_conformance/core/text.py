"""Text shown in findings and error details: values shortened, URLs as SCIM paths."""

from __future__ import annotations


def shorten(text: str, limit: int = 300) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[:limit] + "…"


def scim_path(url: str) -> str:
    """The part of a URL (or path) after the SCIM root: ``…/scim/v2/Users/1?x`` → ``/Users/1?x``.

    A URL without ``/scim/v2`` (another provider's root), or the root itself, is
    returned as it is.
    """
    return url.rsplit("/scim/v2", 1)[-1] or url
