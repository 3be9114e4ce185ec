"""Okta's user bodies: the create body (okta-requests.md §4) and the profile changes it pushes (§6)."""

from __future__ import annotations

import copy
import hashlib
import itertools
import string
import unicodedata
from typing import Any, Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..spec import USER_SCHEMA, Json
from .names import Marker, collision_key, emails, user_names

__all__ = [
    "LOCALES",
    "apply_profile_update",
    "okta_user_id_for",
    "okta_user_ids",
    "okta_users",
    "profile_texts",
    "profile_updates",
]

LOCALES: Final = ("en-US", "en_US")
"""The ``locale`` values of Okta's create body: current docs and S7, then the 2018 samples (§4)."""

_ID_ALPHABET: Final = string.ascii_letters + string.digits
# 8 random characters that "may include symbols, e.g. gl^m&qWZ" (okta-requests.md §4).
_PASSWORD_ALPHABET: Final = string.ascii_letters + string.digits + "!#$%&*+-.:=?@^_~"
_UPDATED_LOCALES: Final = ("en_US", "en-US", "fr_FR", "de_DE", "ja_JP", "pt-BR")

# Emoji that are several code points (skin tone, flags, ZWJ sequences, VS16): they must
# round-trip as sequences. U+200D ZERO WIDTH JOINER only ever appears inside them.
_EMOJI: Final = ("😀", "👍🏽", "🇫🇷", "❤️", "👩\u200d💻", "🧑🏿\u200d🤝\u200d🧑🏻", "🏳️\u200d🌈")


def _printable(exclude: str = "") -> st.SearchStrategy[str]:
    # Excluded up front rather than filtered: a text over a set of code points is one draw.
    return st.characters(
        exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"),
        include_characters=" ",
        exclude_characters=exclude or None,
    )


def _fit(pieces: list[str], max_size: int) -> str:
    """The pieces that fit in ``max_size`` characters once NFC-normalised, without edge whitespace."""
    text = ""
    for piece in pieces:
        if len(unicodedata.normalize("NFC", text + piece).strip()) > max_size:
            break
        text += piece
    return unicodedata.normalize("NFC", text).strip()


def free_texts(*, max_size: int, exclude: str = "") -> st.SearchStrategy[str]:
    """The text of :func:`profile_texts`, without the characters of ``exclude`` and unchecked arguments."""
    chars = _printable(exclude)
    # A piece is a run of characters or one emoji sequence, which is never cut.
    pieces = st.lists(
        st.one_of(st.text(chars, min_size=1, max_size=8), st.sampled_from(_EMOJI)),
        min_size=1,
        max_size=max_size,
    )
    return pieces.map(lambda p: _fit(p, max_size)).filter(bool)


def profile_texts(*, max_size: int = 64) -> st.SearchStrategy[str]:
    """Free profile text as Okta pushes it (Okta-only): ``givenName``, ``familyName``, ``displayName``.

    Printable Unicode — letters of any script, CJK, symbols, emoji including
    multi-code-point sequences — in NFC, 1 to ``max_size`` code points, never
    blank and without whitespace at either end; no control, format (except the
    joiner inside an emoji sequence), private-use, unassigned or surrogate code
    points, and no separator but the plain space. Round-tripping these exactly
    is the point (CONTRACT §4).

    Shrinks toward ``"0"``.
    """
    if max_size < 1:
        raise InvalidArgument(f"max_size={max_size!r} must be at least 1")
    return free_texts(max_size=max_size)


def okta_user_ids() -> st.SearchStrategy[str]:
    """Okta user ids as sent in ``externalId`` (Okta-only): ``00u`` and 17 ASCII letters and digits.

    Shrinks toward ``"00u00000000000000000"``.
    """
    return st.text(string.digits + string.ascii_letters, min_size=17, max_size=17).map(
        lambda tail: "00u" + tail
    )


def okta_user_id_for(user_name: str) -> str:
    """The ``00u…`` id :func:`okta_users` pairs with ``user_name``: a hash of its :func:`collision_key`.

    One Okta user has one id, and users that a target must keep apart get
    different ids (a 17-character base-62 digest: about 2^101 values), so a set
    of bodies unique by ``userName`` is unique by ``externalId`` as well.
    """
    number = int.from_bytes(hashlib.sha256(collision_key(user_name).encode()).digest(), "big")
    tail = ""
    for _ in range(17):
        number, digit = divmod(number, len(_ID_ALPHABET))
        tail += _ID_ALPHABET[digit]
    return "00u" + tail


def _user_body(
    user_name: str, given_name: str, family_name: str, display_name: str, locale: str, password: str
) -> Json:
    # The key order and shapes of okta-requests.md §4, verbatim.
    return {
        "schemas": [USER_SCHEMA],
        "userName": user_name,
        "name": {"givenName": given_name, "familyName": family_name},
        "emails": [{"primary": True, "value": user_name, "type": "work"}],
        "displayName": display_name,
        "locale": locale,
        "externalId": okta_user_id_for(user_name),
        "groups": [],
        "password": password,
        "active": True,
    }


def okta_users(*, marker: str | Marker) -> st.SearchStrategy[Json]:
    """``POST /Users`` bodies exactly as Okta sends them (Okta-only; okta-requests.md §4).

    ``schemas``, ``userName`` (from :func:`user_names`), ``name`` with
    ``givenName`` and ``familyName``, one primary ``work`` email equal to the
    login, ``displayName`` (names from :func:`profile_texts`), ``locale`` from
    :data:`LOCALES`, ``externalId`` (:func:`okta_user_id_for` the login, so
    unique with it), ``"groups": []``, an 8-character ``password`` that may hold
    symbols, and ``"active": true`` — in that key order. Draw several with
    ``unique_by=lambda body: collision_key(body["userName"])``.

    Shrinks toward ``userName`` ``"0.<marker>@example.com"``, names ``"0"``,
    ``locale`` ``"en-US"`` and password ``"00000000"``.
    """
    names = profile_texts()
    return st.builds(
        _user_body,
        user_names(marker=marker),
        names,
        names,
        names,
        st.sampled_from(LOCALES),
        st.text(_PASSWORD_ALPHABET, min_size=8, max_size=8),
    )


def profile_updates() -> st.SearchStrategy[dict[str, Any]]:
    """Profile changes Okta pushes (Okta-only; okta-requests.md §6): JSON pointer → new value.

    One to six of ``/name/givenName``, ``/name/middleName``, ``/name/familyName``,
    ``/displayName`` (:func:`profile_texts`), ``/emails/0/value`` (an email
    address) and ``/locale``. :func:`apply_profile_update` applies one to a GET
    response, which gives the PUT body Okta sends.

    Shrinks toward a single change of ``givenName`` to ``"0"``.
    """
    text = profile_texts()
    optional: dict[str, st.SearchStrategy[Any]] = {
        "/name/givenName": text,
        "/name/middleName": text,
        "/name/familyName": text,
        "/displayName": text,
        "/emails/0/value": emails(),
        "/locale": st.sampled_from(_UPDATED_LOCALES),
    }
    return st.fixed_dictionaries({}, optional=optional).filter(bool)


def apply_profile_update(resource: Json, update: dict[str, Any]) -> Json:
    """Okta's PUT body: a copy of ``resource`` (the GET response) with each pointer set (RFC 6901).

    Missing objects on the way are created (``/name/middleName`` on a user
    without ``name``), and an array index equal to the array's length appends.
    ``resource`` itself is not changed.
    """
    body = copy.deepcopy(resource)
    for pointer, value in update.items():
        if not pointer.startswith("/"):
            raise ValueError(f"{pointer!r} is not a JSON pointer (RFC 6901): it must start with '/'")
        keys = [k.replace("~1", "/").replace("~0", "~") for k in pointer[1:].split("/")]
        container: Any = body
        for key, following in itertools.pairwise(keys):
            container = _step(container, key, [] if following.isdigit() else {})
        _assign(container, keys[-1], copy.deepcopy(value))
    return body


def _step(container: Any, key: str, empty: list[Any] | Json) -> Any:
    if isinstance(container, list):
        index = int(key)
        if index == len(container):
            container.append(empty)
        return container[index]
    if not isinstance(container.get(key), dict | list):
        container[key] = empty
    return container[key]


def _assign(container: Any, key: str, value: object) -> None:
    if isinstance(container, list):
        index = int(key)
        if index == len(container):
            container.append(value)
        else:
            container[index] = value
    else:
        container[key] = value
