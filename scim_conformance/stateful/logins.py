"""Logins next to another's: the neighbours a prefix-matching lookup confuses."""

from __future__ import annotations

from ..strategies import OKTA_USER_NAME_MAX, collision_key, is_okta_user_name


def similar_login(original: str, *, longer: bool, taken: set[str]) -> str | None:
    """A free Okta login that extends ``original`` (``longer``) or that ``original`` extends.

    The neighbours a prefix-matching ``userName eq`` confuses (CONTRACT §4):
    ``ann@x.com`` next to ``ann@x.comm`` or ``ann@x.co``. The other direction is
    tried when one has no free valid login; None when neither has.
    """
    shorter = [original[:-1]]
    extended = [original + "m" * n for n in range(1, 4)]
    for name in (extended + shorter) if longer else (shorter + extended):
        if len(name) <= OKTA_USER_NAME_MAX and is_okta_user_name(name) and collision_key(name) not in taken:
            return name
    return None
