"""``userName`` values as Okta sends them, their near misses and case variants.

Okta's ``userName`` is the Okta login: email-shaped, at most 100 characters
(okta-requests.md §3, §4). Its local part holds letters (non-ASCII ones too),
digits and ``+ . - _ '``; its domain is ASCII labels. Every value generated here
is NFC (Okta sends NFC), free of control characters and surrogates, and carries
the run marker, so a suite only ever touches its own resources.

Case folding is where a correct target may legitimately differ: ``userName`` is
caseExact=false (RFC 7643 §4.1.1) but the contract does not say which fold, and
Python's ``str.lower()``, an ASCII-only fold, ``casefold()`` and a database
collation disagree beyond ASCII. So the Okta strategies only ever pair values
whose verdict is the same under all of them:

- non-ASCII letters are kept only when ``lower()`` maps them to one non-ASCII
  letter and no simple (one-character) ``upper()``/``casefold()`` mapping leads
  to ASCII: no ``İ`` (lowers to two characters), ``K`` (Kelvin sign, lowers to
  ``k``), ``ſ`` or ``ı`` (upper-case to ``S``/``I``); nor compatibility characters
  (``ª``, fullwidth ``Ａ``) or Hangul jamo, so NFC and NFKC leave them alone;
- :func:`case_variants` flips ASCII letters only;
- :func:`near_misses` differ from the original under :func:`collision_key`
  (NFKC + ``casefold()``, the coarsest of the folds), hence under ``lower()``;
- values meant to be unique side by side should be drawn with
  ``st.lists(user_names(marker=m), unique_by=collision_key)``.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final, Generic, TypeVar, cast

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

__all__ = [
    "MARKER_MAX",
    "OKTA_USER_NAME_MAX",
    "Marker",
    "Slot",
    "case_variants",
    "collision_key",
    "is_okta_user_name",
    "near_misses",
    "user_names",
    "wide_user_names",
]

OKTA_USER_NAME_MAX: Final = 100
"""Okta's limit on a login (the ``userName`` it sends), in characters."""

_SEPARATORS: Final = ".-_'"
_ASCII_ALNUM: Final = string.ascii_lowercase + string.ascii_uppercase + string.digits
T = TypeVar("T")
_MARKER: Final = re.compile(r"[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*", re.ASCII)
_LABEL: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?", re.ASCII)
_DOMAIN: Final = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}", re.ASCII)
_HANGUL_JAMO: Final = ((0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF))
# The letters people's logins actually carry, so they turn up often rather than by luck.
_COMMON_LETTERS: Final = "éèüöäßñçøåłžščğЖжΩωδ山田中李明佳子ひらがなカタ한글"


def collision_key(value: str) -> str:
    """The coarsest identity a correct target may give a caseExact=false string: NFKC + casefold.

    Two values with different keys are different under ``lower()``, an ASCII
    fold, ``casefold()`` and NFKC normalisation alike. Use it as ``unique_by``
    for values that must be told apart (``userName``, group ``displayName``).
    """
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())


@cache
def _is_stable_letter(char: str) -> bool:
    """A letter every fold and normalisation leaves alone, apart from case (see the module docstring)."""
    if char.isascii():
        return char.isalnum()
    point = ord(char)
    if unicodedata.category(char) not in ("Ll", "Lu", "Lo") or unicodedata.combining(char):
        return False
    if any(low <= point <= high for low, high in _HANGUL_JAMO):
        return False  # jamo compose into syllables under NFC
    if unicodedata.normalize("NFKC", char) != char:
        return False
    lower = char.lower()
    if len(lower) != 1 or lower.isascii():
        return False
    return not any(len(m) == 1 and m.isascii() for m in (char.upper(), char.casefold()))


def is_okta_user_name(value: str) -> bool:
    """Whether ``value`` has the shape of an Okta login, as :func:`user_names` generates them.

    At most 100 characters, NFC, ``local@domain``: the local part is runs of
    stable letters and digits joined by single ``+ . - _ '``; the domain is ASCII
    DNS labels and an alphabetic top-level label.
    """
    if not 0 < len(value) <= OKTA_USER_NAME_MAX or unicodedata.normalize("NFC", value) != value:
        return False
    local, at, domain = value.rpartition("@")
    return bool(at) and _is_local_part(local) and _DOMAIN.fullmatch(domain) is not None


def _is_local_part(local: str) -> bool:
    after_separator = True
    for char in local:
        if char in _SEPARATORS or char == "+":
            if after_separator:
                return False
            after_separator = True
        elif _is_stable_letter(char):
            after_separator = False
        else:
            return False
    return not after_separator


MARKER_MAX: Final = 40
"""The longest run marker, in characters."""


def check_marker(marker: object) -> str:
    """``marker`` if it is a run marker a strategy can put in a value, else InvalidArgument saying why."""
    if not isinstance(marker, str) or _MARKER.fullmatch(marker) is None or len(marker) > MARKER_MAX:
        raise InvalidArgument(
            f"marker={marker!r} must be 1-40 ASCII letters and digits, optionally joined by single "
            "'.', '-' or '_' (the scim_run fixture gives one)"
        )
    return marker


class Slot(Generic[T]):
    """A value set per example and read at draw time, so that strategies using it are built once.

    Each example has its own values (a fresh marker: a target keeps users; the
    login just drawn; the ids of the users just created), but building and
    validating strategies anew for each one cost more than drawing from them.
    Build them once with the slot, and :meth:`set` the example's value before
    drawing::

        names = user_names(marker=slot)         # once, at import
        slot.set(f"{run}.lk{number:06d}")       # each example
        data.draw(names)
    """

    __slots__ = ("_value",)

    def __init__(self) -> None:
        self._value: T | None = None

    def set(self, value: T) -> T:
        """Make ``value`` the one drawn from now on; returns it."""
        self._value = value
        return value

    def get(self) -> T:
        """The value set last; InvalidArgument before any."""
        if self._value is None:
            raise InvalidArgument(
                f"nothing set in this {type(self).__name__}: set it at the start of each example"
            )
        return self._value


def values(value: T | Slot[T]) -> st.SearchStrategy[T]:
    """``value`` itself, or a slot's value read at draw time."""
    return st.builds(value.get) if isinstance(value, Slot) else st.just(value)


class Marker(Slot[str]):
    """A :class:`Slot` for a run marker, checked as :func:`check_marker` checks one when set."""

    __slots__ = ()

    def set(self, value: str) -> str:
        return super().set(check_marker(value))


def markers(marker: str | Marker) -> st.SearchStrategy[str]:
    """The marker to put in a drawn value: ``marker`` itself, or a slot's at draw time."""
    return values(marker) if isinstance(marker, Marker) else st.just(check_marker(marker))


# -- building blocks ------------------------------------------------------------------------------


def _stable_only(word: str) -> str:
    return "".join(filter(_is_stable_letter, word))


# Each alphabet is one string draw (hypothesis draws a text over a set of code points as
# one choice); a text of sampled_from or filtered characters was a draw, a choice and a
# filter per character: a login took 4 ms to draw, 2 ms so (issue 10).
# About 3 % of letters are not stable: they are dropped from the word, not filtered out
# one by one (computing the set to exclude up front takes 0.7 s at import).
_LETTERS = st.characters(categories=("Ll", "Lu", "Lo"), include_characters=string.digits)
# A word is all-ASCII ("ann"), ASCII with the letters logins often carry ("zoë", "山田"),
# or any stable letters and digits; shrinks toward "0".
_COMMON_ALNUM = _ASCII_ALNUM + "".join(c for c in _COMMON_LETTERS if _is_stable_letter(c))
_words = st.one_of(
    st.text(_ASCII_ALNUM, min_size=1, max_size=12),
    st.text(_COMMON_ALNUM, min_size=1, max_size=12),
    st.text(_LETTERS, min_size=1, max_size=12).map(_stable_only).filter(bool),
)


def _joined(first: str, rest: list[tuple[str, str]]) -> str:
    return first + "".join(separator + word for separator, word in rest)


# "ann", "ann.smith", "o'brien-zoë_2"; shrinks toward "0".
_local_names = st.builds(
    _joined, _words, st.lists(st.tuples(st.sampled_from(_SEPARATORS), _words), max_size=8)
)
_labels = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_top_labels = st.sampled_from(("com", "io", "org", "dev", "de", "jp", "local"))
# Shrinks toward "example.com".
_domains = st.one_of(
    st.sampled_from(("example.com", "okta.local", "example.co.uk", "iamciam.dev")),
    st.builds(
        lambda labels, top: ".".join([*labels, top]), st.lists(_labels, min_size=1, max_size=3), _top_labels
    ),
)
_PLACEMENTS: Final = ("suffix", "prefix", "tag", "subdomain")


def emails() -> st.SearchStrategy[str]:
    """Email addresses shaped like Okta logins, without a run marker (Okta-only): a changed email.

    At most 100 characters. Shrinks toward ``"0@example.com"``.
    """
    return st.builds(lambda local, domain: f"{local}@{domain}", _local_names, _domains).filter(
        lambda email: len(email) <= 100
    )


def _user_name(name: str, tag: str | None, domain: str, placement: str, *, marker: str, max_size: int) -> str:
    if len(marker) + 14 > max_size:  # a slot's marker is known only now
        raise InvalidArgument(f"max_size={max_size!r} must be at least len(marker) + 14 = {len(marker) + 14}")
    if placement == "subdomain" and _LABEL.fullmatch(marker) is None:
        placement = "suffix"
    for attempt_tag, attempt_domain in ((tag, domain), (None, domain), (None, "example.com")):
        tags = [t for t in (marker if placement == "tag" else None, attempt_tag) if t]
        before = f"{marker}." if placement == "prefix" else ""
        after = f".{marker}" if placement == "suffix" else ""
        after += f"+{'.'.join(tags)}" if tags else ""
        at_domain = f"@{marker}.{attempt_domain}" if placement == "subdomain" else f"@{attempt_domain}"
        budget = max_size - len(before) - len(after) - len(at_domain)
        if budget >= 1:
            # The name starts with a letter or digit, so cutting it leaves one; drop a dangling separator.
            return before + name[:budget].rstrip(_SEPARATORS) + after + at_domain
    raise AssertionError("unreachable: user_names() checks that max_size leaves room")


def user_names(*, marker: str | Marker, max_size: int = OKTA_USER_NAME_MAX) -> st.SearchStrategy[str]:
    """Okta logins (Okta-only): email-shaped ``userName`` values carrying ``marker``.

    The local part is words of ASCII or non-ASCII letters (``é``, ``ß``, ``山``;
    see the module docstring for which) and digits, joined by ``. - _ '``, with an
    optional ``+tag``; the domain is ASCII labels. The marker is a local-part
    segment, a ``+tag`` or a subdomain label. Values are NFC, at most
    ``max_size`` (≤ 100, Okta's limit) characters, and long names are cut to
    exactly ``max_size``. Each draw is one value: for several that a target must
    keep apart, use ``unique_by=collision_key``. Targets keep users (Okta never
    deletes them), so a value is free only once per target: give each example a
    fresh marker when examples create users (a :class:`Marker` slot, set per example).

    Shrinks toward ``"0.<marker>@example.com"``.
    """
    shortest = len(marker) + 14 if isinstance(marker, str) else 15
    if not shortest <= max_size <= OKTA_USER_NAME_MAX:
        raise InvalidArgument(
            f"max_size={max_size!r} must be between len(marker) + 14 = {shortest} "
            f"and {OKTA_USER_NAME_MAX} (Okta's limit on a login)"
        )
    return st.builds(
        _user_name,
        _local_names,
        st.none() | _words,
        _domains,
        st.sampled_from(_PLACEMENTS),
        marker=markers(marker),
        max_size=st.just(max_size),
    )


def wide_user_names(*, marker: str, max_size: int = 255) -> st.SearchStrategy[str]:
    """Arbitrary strings around ``marker`` — wide, for rfc-severity properties only.

    Any Unicode except surrogates (not encodable in UTF-8 JSON) and NUL: control
    characters, whitespace at the edges, combining marks, unnormalised text,
    quotes and backslashes (escape them in a filter), any length up to
    ``max_size``. RFC 7643 §2.3.1 allows all of it in a string; Okta sends none
    of it, so an okta-severity check must use :func:`user_names` instead.

    Shrinks toward ``marker`` alone.
    """
    check_marker(marker)
    if max_size < len(marker):
        raise InvalidArgument(f"max_size={max_size!r} must leave room for the marker {marker!r}")
    side = (max_size - len(marker)) // 2
    # Combining marks drawn often on purpose: after a letter they make text that
    # NFC would compose (unnormalised input), which plain random text rarely is.
    chars = st.one_of(
        st.characters(codec="utf-8", exclude_characters="\x00"),
        st.sampled_from("aeou\u0301\u0308\u030a\u0327"),
    )
    around = st.text(chars, max_size=side)
    return st.builds(lambda before, after: before + marker + after, around, around)


# -- near misses and case variants ----------------------------------------------------------------


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def near_misses(
    user_name: str | Slot[str], *, marker: str | Slot[str] | None = None, creatable: bool = False
) -> st.SearchStrategy[str]:
    """Values that a correct ``userName eq "<user_name>"`` must NOT match (Okta-only with ``creatable``).

    Families: proper prefixes and suffixes (``ann@x.io`` → ``ann@x.i``,
    ``nn@x.io``); extensions (``joann@x.io``, ``ann1@x.io``, ``ann@x.io.uk``,
    ``ann@mail.x.io``); a ``+tag`` added or removed; a space in place of ``+``
    (the old ``+``-for-space query encoding); one character dropped. Every value
    differs from ``user_name`` under :func:`collision_key` (so under ``lower()``
    too), contains ``marker`` when one is given, and is never blank.

    With ``creatable=True`` only values that pass :func:`is_okta_user_name` are
    kept (no space family, no cut-off domains), so a near miss can itself be
    created as a neighbouring user; otherwise they are lookup values. When no
    family applies the strategy is empty (``st.nothing()``).

    ``user_name`` and ``marker`` may be :class:`Slot` s, read at draw time (the
    strategy is then built once for every example); their checks then run there.

    Shrinks toward the first applicable family: the ``+tag`` removed, then one
    character dropped, then cut-offs, then extensions.
    """
    if isinstance(user_name, str) and not isinstance(marker, Slot):
        misses = _misses(user_name, marker, creatable)  # checks the arguments now
        if not misses.finite and not misses.extensions:
            return st.nothing()
    drawn = st.builds(_near_miss, values(user_name), values(marker), st.just(creatable), _NEAR_MISS_CHOICES)
    return cast("st.SearchStrategy[str]", drawn.filter(_is_value))  # None is filtered out


# A near miss is chosen by these draws, whatever the login: (extension?, which one,
# its word, its top-level label). They shrink toward the first finite near miss.
_EXTENSION_WORDS = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
_EXTENSION_TLDS = st.text(string.ascii_lowercase, min_size=2, max_size=8)
_NEAR_MISS_CHOICES = st.tuples(
    st.booleans(), st.integers(min_value=0, max_value=2**16 - 1), _EXTENSION_WORDS, _EXTENSION_TLDS
)


def _is_value(value: str | None) -> bool:
    return value is not None


@dataclass(frozen=True, slots=True)
class _Misses:
    """The near misses of one login: the finite ones, and the extensions of a word or label."""

    finite: tuple[str, ...]
    extensions: tuple[Callable[[str, str], str], ...]
    room: int
    keep: Callable[[str], bool]


@lru_cache(maxsize=64)
def _misses(user_name: str, marker: str | None, creatable: bool) -> _Misses:
    if marker is not None and marker not in user_name:
        raise InvalidArgument(f"marker={marker!r} does not occur in user_name={user_name!r}")
    if creatable and not is_okta_user_name(user_name):
        raise InvalidArgument(f"user_name={user_name!r} is not an Okta login, so creatable=True cannot hold")
    original = collision_key(user_name)

    def keep(candidate: str) -> bool:
        return (
            bool(candidate.strip())
            and collision_key(candidate) != original
            and candidate.lower() != user_name.lower()
            and (marker is None or marker in candidate)
            and (not creatable or is_okta_user_name(candidate))
        )

    local, at, domain = user_name.rpartition("@")
    if not at:
        local, domain = user_name, ""
    size = len(user_name)
    plus = local.find("+")
    finite = [
        *([local[:plus] + at + domain] if plus > 0 else []),
        *(user_name[:i] + user_name[i + 1 :] for i in range(size)),
        *(user_name[:i] for i in range(size - 1, 0, -1)),
        *(user_name[i:] for i in range(1, size)),
        *(user_name[:i] + " " + user_name[i + 1 :] for i in range(size) if user_name[i] == "+"),
        user_name.replace("+", " "),
    ]
    room = OKTA_USER_NAME_MAX - size - 1 if creatable else 12
    extensions: list[Callable[[str, str], str]] = []
    if room >= 2:
        extensions += [
            lambda w, t: w + user_name,
            lambda w, t: f"{local}{w}{at}{domain}",
            lambda w, t: f"{user_name}.{t}",
        ]
        if at:
            extensions.append(lambda w, t: f"{local}@{w}.{domain}")
        if plus < 0:
            extensions.append(lambda w, t: f"{local}+{w}{at}{domain}")
    return _Misses(tuple(c for c in _unique(finite) if keep(c)), tuple(extensions), room, keep)


def _near_miss(
    user_name: str, marker: str | None, creatable: bool, choice: tuple[bool, int, str, str]
) -> str | None:
    """The near miss ``choice`` picks for ``user_name``; None when that one is the login after all."""
    misses = _misses(user_name, marker, creatable)
    extension, index, word, tld = choice
    if misses.finite and not (extension and misses.extensions):
        return misses.finite[index % len(misses.finite)]
    if not misses.extensions:
        return None
    longest = min(8, misses.room)
    value = misses.extensions[index % len(misses.extensions)](word[:longest], tld[:longest])
    return value if misses.keep(value) else None


def _flip(char: str) -> str:
    return char.swapcase() if char.isascii() and char.isalpha() else char


def case_variants(user_name: str | Slot[str]) -> st.SearchStrategy[str]:
    """The same ``userName`` in another ASCII case, which a correct ``userName eq`` MUST match (Okta-only).

    caseExact is false for ``userName`` (RFC 7643 §4.1.1), and Okta's own test
    looks a user up in capitals (okta-requests.md §3). Only ASCII letters change,
    so every value equals ``user_name`` under ``lower()``, ``casefold()`` and an
    ASCII fold alike, and differs from it as a string; the marker is kept up to
    ASCII case. Empty when ``user_name`` has no ASCII letter. ``user_name`` may be
    a :class:`Slot`, read at draw time.

    Shrinks toward all ASCII letters in upper case, then lower case, then swapped,
    then toward flipping a single letter.
    """
    if isinstance(user_name, str) and not _letters_of(user_name):
        return st.nothing()
    variants = st.builds(_case_variant, values(user_name), _CASE_CHOICES)
    return cast("st.SearchStrategy[str]", variants.filter(_is_value))  # None is filtered out


# Which variant: one of the whole-name forms (upper, lower, swapped), or the letters to flip.
_CASE_CHOICES = st.one_of(
    st.integers(min_value=0, max_value=2),
    st.frozensets(st.integers(min_value=0, max_value=OKTA_USER_NAME_MAX - 1), min_size=1),
)


def _letters_of(user_name: str) -> list[int]:
    return [i for i, char in enumerate(user_name) if char.isascii() and char.isalpha()]


def _case_variant(user_name: str, choice: int | frozenset[int]) -> str | None:
    positions = _letters_of(user_name)
    if not positions:
        return None
    whole = [
        "".join(c.upper() if c.isascii() else c for c in user_name),
        "".join(c.lower() if c.isascii() else c for c in user_name),
        "".join(_flip(c) for c in user_name),
    ]
    whole = [v for v in _unique(whole) if v != user_name]
    if isinstance(choice, int):
        if whole:
            return whole[choice % len(whole)]
        choice = frozenset({choice})
    chosen = {positions[i % len(positions)] for i in choice}
    return "".join(_flip(c) if i in chosen else c for i, c in enumerate(user_name))
