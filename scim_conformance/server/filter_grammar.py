"""The SCIM filter and PATCH path grammar (RFC 7644 §3.4.2.2, Figure 1; §3.5.2): parse and print.

The grammar is read by a small tokenizer and a recursive-descent parser, with
the RFC's precedence: grouping first, then the attribute operators, then
``not`` over ``and`` over ``or``.  Parsing knows no schema, so one tree serves
``/Users`` and ``/Groups``; :mod:`.filtering` checks a tree against a resource
type and evaluates it.

The PATCH ``path`` rule (``attrPath / valuePath [subAttr]``) is part of the same
Figure 1 grammar, so :func:`parse_path` lives here too.

Lexical choices, where Figure 1 is stricter or silent:

- Attribute names, operators and ``and``/``or``/``not`` are case-insensitive
  (RFC 7644 §3.4.2.2); the literals ``true``/``false``/``null`` are JSON
  (RFC 7159) and therefore lower-case only.
- Whitespace (space, tab, CR, LF) may be repeated and may surround parentheses
  and brackets; only ``attr[`` and ``]`` ``.sub`` must be written without it.
- ``not`` must be followed by a parenthesised filter, with optional whitespace
  between them (RFC 7644 errata 7319 / 4690).
- A filter holds at most 200 attribute expressions nested at most 32 deep, so
  no input can exhaust the interpreter's stack.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, TypeAlias

from ..core.text import shorten
from .errors import ScimError, invalid_filter, invalid_path

__all__ = [
    "And",
    "AttrPath",
    "CompValue",
    "Compare",
    "Filter",
    "Not",
    "Or",
    "PatchPath",
    "Present",
    "ValuePath",
    "parse_filter",
    "parse_path",
    "render",
]

CompValue: TypeAlias = str | int | float | bool | None
"""A ``compValue``: a JSON string, number, ``true``, ``false`` or ``null``."""

COMPARE_OPERATORS: Final = frozenset({"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"})
ORDERING_OPERATORS: Final = frozenset({"gt", "ge", "lt", "le"})
SUBSTRING_OPERATORS: Final = frozenset({"co", "sw", "ew"})
_MAX_DEPTH: Final = 32
_MAX_EXPRESSIONS: Final = 200


@dataclass(frozen=True, slots=True)
class AttrPath:
    """``[URI ":"] ATTRNAME ["." subAttr]``, e.g. ``name.givenName`` or ``urn:…:User:manager.value``."""

    urn: str | None
    """The schema URN the name is qualified with, as written (URNs compare case-insensitively)."""
    attr: str
    """The attribute name, as written (names compare case-insensitively)."""
    sub: str | None = None
    """The sub-attribute name, if any."""


@dataclass(frozen=True, slots=True)
class Compare:
    """``attrPath compareOp compValue``; ``op`` is lower-case."""

    path: AttrPath
    op: str
    value: CompValue


@dataclass(frozen=True, slots=True)
class Present:
    """``attrPath pr``: the attribute has a non-empty value."""

    path: AttrPath


@dataclass(frozen=True, slots=True)
class And:
    left: Filter
    right: Filter


@dataclass(frozen=True, slots=True)
class Or:
    left: Filter
    right: Filter


@dataclass(frozen=True, slots=True)
class Not:
    filter: Filter


@dataclass(frozen=True, slots=True)
class ValuePath:
    """``attrPath "[" valFilter "]"``: some element of a complex attribute matches ``filter``.

    The names inside ``filter`` are sub-attributes of ``path`` (bare, never dotted or URN-qualified).
    """

    path: AttrPath
    filter: Filter


Filter: TypeAlias = Compare | Present | And | Or | Not | ValuePath


@dataclass(frozen=True, slots=True)
class PatchPath:
    """A PATCH ``path`` (RFC 7644 §3.5.2): ``attrPath`` or ``valuePath ["." subAttr]``.

    ``name.givenName`` and ``emails[type eq "work"].value`` both carry their
    sub-attribute in ``sub``; ``filter`` is the bracketed value filter.
    """

    urn: str | None
    attr: str
    filter: Filter | None = None
    sub: str | None = None


# -- tokens ----------------------------------------------------------------------

_WORD_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-$.:+")
_SPACE: Final = frozenset(" \t\r\n")
# RFC 7643 §2.1 ATTRNAME = ALPHA *(nameChar); "$ref" is the one name with a "$".
_ATTRNAME: Final = re.compile(r"\$?[A-Za-z][A-Za-z0-9_-]*")
# RFC 7159 §6 number.
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "word", "string", "(", ")", "[", "]" or "end"
    text: str
    pos: int
    spaced: bool  # whitespace precedes it


class _Parser:
    """One pass over one filter or path; errors are raised by ``self.error`` so a path reports invalidPath."""

    def __init__(self, text: str, label: str, error: Callable[[str], ScimError]) -> None:
        self.text = text
        self.label = label
        self.error = error
        self.depth = 0
        self.expressions = 0
        self.tokens = self._tokenize()
        self.index = 0

    def fail(self, message: str, pos: int) -> ScimError:
        return self.error(f"Invalid {self.label} {shorten(self.text, 119)!r}: {message} at column {pos + 1}")

    def _tokenize(self) -> list[_Token]:
        text, tokens, i, spaced = self.text, [], 0, False
        while i < len(text):
            char = text[i]
            if char in _SPACE:
                spaced, i = True, i + 1
                continue
            if char in "()[]":
                tokens.append(_Token(char, char, i, spaced))
                i += 1
            elif char == '"':
                end = i + 1
                while end < len(text) and text[end] != '"':
                    end += 2 if text[end] == "\\" else 1
                if end >= len(text):
                    raise self.fail("unterminated string", i)
                tokens.append(_Token("string", text[i : end + 1], i, spaced))
                i = end + 1
            elif char in _WORD_CHARS:
                end = i
                while end < len(text) and text[end] in _WORD_CHARS:
                    end += 1
                tokens.append(_Token("word", text[i:end], i, spaced))
                i = end
            else:
                raise self.fail(f"unexpected character {char!r}", i)
            spaced = False
        tokens.append(_Token("end", "", len(text), spaced))
        return tokens

    def peek(self, ahead: int = 0) -> _Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def take(self) -> _Token:
        token = self.peek()
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def is_word(self, token: _Token, *words: str) -> bool:
        return token.kind == "word" and token.text.lower() in words

    def expect(self, kind: str, message: str) -> None:
        token = self.take()
        if token.kind != kind:
            raise self.fail(f"{message}, found {_describe(token)}", token.pos)

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise self.fail(f"nested more than {_MAX_DEPTH} levels deep", token.pos)

    # FILTER, with precedence made explicit: or_expr > and_expr > unary.
    def or_expr(self, in_value: bool) -> Filter:
        result = self.and_expr(in_value)
        while self.is_word(self.peek(), "or"):
            self.take()
            result = Or(result, self.and_expr(in_value))
        return result

    def and_expr(self, in_value: bool) -> Filter:
        result = self.unary(in_value)
        while self.is_word(self.peek(), "and"):
            self.take()
            result = And(result, self.unary(in_value))
        return result

    def unary(self, in_value: bool) -> Filter:
        token = self.peek()
        if token.kind == "(":
            return self.group(in_value)
        if self.is_word(token, "not") and self.peek(1).kind == "(":
            self.take()
            return Not(self.group(in_value))
        following = self.peek(1)
        if self.is_word(token, "not") and not (
            self.is_word(following, "pr", *COMPARE_OPERATORS)
            or (following.kind == "[" and not following.spaced)
        ):
            # "not" is an attribute only when an operator or "[" follows (``not pr``).
            raise self.fail("'not' must be followed by a parenthesised filter", following.pos)
        if token.kind == "word":
            return self.attr_exp(in_value)
        raise self.fail(f"expected an attribute name, 'not' or '(', found {_describe(token)}", token.pos)

    def group(self, in_value: bool) -> Filter:
        opening = self.take()
        self.enter(opening)
        inner = self.or_expr(in_value)
        self.expect(")", "expected 'and', 'or' or ')'")
        self.depth -= 1
        return inner

    def attr_exp(self, in_value: bool) -> Filter:
        token = self.take()
        self.expressions += 1
        if self.expressions > _MAX_EXPRESSIONS:
            raise self.fail(f"more than {_MAX_EXPRESSIONS} expressions", token.pos)
        path = self.attr_path(token, in_value)
        following = self.peek()
        if following.kind == "[" and not following.spaced:
            return ValuePath(path, self.value_filter(path, in_value, then_sub=False))
        if following.kind != "word":
            raise self.fail(
                f"expected an operator after {token.text!r}, found {_describe(following)}", following.pos
            )
        self.take()
        op = following.text.lower()
        if op == "pr":
            return Present(path)
        if op not in COMPARE_OPERATORS:
            raise self.fail(f"unknown operator {following.text!r}", following.pos)
        return Compare(path, op, self.comp_value())

    def value_filter(self, path: AttrPath, in_value: bool, *, then_sub: bool) -> Filter:
        """``"[" valFilter "]"``; ``then_sub`` allows the ``.subAttr`` a PATCH path may add."""
        opening = self.take()
        if in_value:
            raise self.fail("value filters cannot be nested", opening.pos)
        if path.sub is not None:
            raise self.fail("a value filter applies to an attribute, not to a sub-attribute", opening.pos)
        self.enter(opening)
        inner = self.or_expr(in_value=True)
        self.expect("]", "expected 'and', 'or' or ']'")
        self.depth -= 1
        after = self.peek()
        if not then_sub and after.kind == "word" and not after.spaced and after.text[:1] == ".":
            # Figure 1: "valuePath [subAttr]" is a PATCH path form, not a filter form.
            raise self.fail("a sub-attribute after a value filter is only allowed in PATCH paths", after.pos)
        return inner

    def attr_path(self, token: _Token, in_value: bool) -> AttrPath:
        urn, colon, rest = token.text.rpartition(":")
        if colon:
            segments = urn.split(":")
            if in_value:
                raise self.fail("names inside a value filter are bare sub-attribute names", token.pos)
            if len(segments) < 2 or not all(segments) or not segments[0][:1].isalpha():
                raise self.fail(f"{urn!r} is not a schema URI", token.pos)
        name, dot, sub = rest.partition(".")
        if not _ATTRNAME.fullmatch(name) or (dot and not _ATTRNAME.fullmatch(sub)):
            raise self.fail(f"{token.text!r} is not an attribute path", token.pos)
        if in_value and dot:
            raise self.fail("names inside a value filter are bare sub-attribute names", token.pos)
        return AttrPath(urn if colon else None, name, sub if dot else None)

    def comp_value(self) -> CompValue:
        token = self.take()
        if token.kind == "string":
            try:
                value = json.loads(token.text)
            except ValueError as error:
                reason = getattr(error, "msg", "malformed")
                raise self.fail(f"invalid JSON string ({reason})", token.pos) from None
            if not isinstance(value, str):  # pragma: no cover - a quoted token always decodes to a str
                raise self.fail("invalid JSON string", token.pos)
            return value
        if token.kind == "word":
            literals: dict[str, CompValue] = {"true": True, "false": False, "null": None}
            if token.text in literals:
                return literals[token.text]
            number = _NUMBER.fullmatch(token.text)
            if number is not None:
                try:
                    parsed: int | float = (
                        float(token.text) if number.group(1) or number.group(2) else int(token.text)
                    )
                except ValueError:
                    raise self.fail("number too long", token.pos) from None
                if isinstance(parsed, float) and not math.isfinite(parsed):
                    raise self.fail("number out of range", token.pos)
                return parsed
        raise self.fail(
            f"expected a value (a quoted string, number, true, false or null), found {_describe(token)}",
            token.pos,
        )

    def end(self, message: str) -> None:
        token = self.peek()
        if token.kind != "end":
            raise self.fail(f"{message}, found {_describe(token)}", token.pos)


def _describe(token: _Token) -> str:
    return "the end" if token.kind == "end" else repr(token.text)


def parse_filter(text: str) -> Filter:
    """Parse a ``filter`` parameter (RFC 7644 §3.4.2.2).

    Raises:
        ScimError: 400 ``invalidFilter`` naming the 1-based column of the first problem.
    """
    parser = _Parser(text, "filter", invalid_filter)
    if parser.peek().kind == "end":
        raise parser.fail("the filter is empty", 0)
    result = parser.or_expr(in_value=False)
    parser.end("expected 'and', 'or' or the end of the filter")
    return result


def parse_path(text: str) -> PatchPath:
    """Parse a PATCH ``path`` (RFC 7644 §3.5.2): ``attrPath`` or ``valuePath ["." subAttr]``.

    Raises:
        ScimError: 400 ``invalidPath`` for a malformed path; 400 ``invalidFilter`` for a
            malformed filter inside the brackets (RFC 7644 §3.12 lists "PATCH (Path
            Filter)" among the uses of ``invalidFilter``).
    """
    parser = _Parser(text, "path", invalid_path)
    token = parser.take()
    if token.kind != "word":
        raise parser.fail(f"expected an attribute name, found {_describe(token)}", token.pos)
    path = parser.attr_path(token, in_value=False)
    opening = parser.peek()
    if opening.kind != "[" or opening.spaced:
        parser.end("expected '[' or the end of the path")
        return PatchPath(path.urn, path.attr, None, path.sub)
    if path.sub is not None:
        raise parser.fail("a value filter applies to an attribute, not to a sub-attribute", opening.pos)
    parser.label, parser.error = "path filter", invalid_filter
    value_filter = parser.value_filter(path, in_value=False, then_sub=True)
    parser.label, parser.error = "path", invalid_path
    sub: str | None = None
    after = parser.peek()
    if after.kind == "word" and not after.spaced:
        parser.take()
        sub = after.text[1:]
        if after.text[:1] != "." or not _ATTRNAME.fullmatch(sub):
            raise parser.fail(f"expected '.' and a sub-attribute name, found {after.text!r}", after.pos)
    parser.end("expected a sub-attribute or the end of the path")
    return PatchPath(path.urn, path.attr, value_filter, sub)


# -- printing --------------------------------------------------------------------


def render(f: Filter) -> str:
    """Print a filter so that ``parse_filter(render(f)) == f``; parentheses only where needed."""
    match f:
        case Compare(path, op, value):
            return f"{render_path(path)} {op} {json.dumps(value, ensure_ascii=False)}"
        case Present(path):
            return f"{render_path(path)} pr"
        case And(left, right):
            # Left-associative, as parsed: a right-hand "and" keeps its parentheses.
            return f"{_operand(left, (Or,))} and {_operand(right, (Or, And))}"
        case Or(left, right):
            return f"{render(left)} or {_operand(right, (Or,))}"
        case Not(inner):
            return f"not ({render(inner)})"
        case ValuePath(path, inner):
            return f"{render_path(path)}[{render(inner)}]"


def _operand(f: Filter, wrap: tuple[type, ...]) -> str:
    return f"({render(f)})" if isinstance(f, wrap) else render(f)


def render_path(path: AttrPath) -> str:
    prefix = f"{path.urn}:" if path.urn is not None else ""
    return f"{prefix}{path.attr}" + (f".{path.sub}" if path.sub is not None else "")
