"""SCIM filters and PATCH paths (RFC 7644 §3.4.2.2, Figure 1; §3.5.2): parse, print, check, evaluate.

The grammar is read by a small tokenizer and a recursive-descent parser, with
the RFC's precedence: grouping first, then the attribute operators, then
``not`` over ``and`` over ``or``.  Parsing knows no schema, so one tree serves
``/Users`` and ``/Groups``; :func:`validate_filter` checks a tree against a
resource type, and :func:`matches` evaluates it with RFC 7643 rules
(``caseExact``, attribute types, "any value" for multi-valued attributes).

The PATCH ``path`` rule (``attrPath / valuePath [subAttr]``) is part of the same
Figure 1 grammar, so :func:`parse_path` lives here too; :mod:`.patching`
re-exports it.

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
from datetime import UTC, datetime
from typing import Any, Final, TypeAlias

from ..spec import GROUP_SCHEMA, USER_SCHEMA, Json
from .definitions import AttributeDef, ResourceTypeDef
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
    "index_key",
    "matches",
    "matches_element",
    "parse_filter",
    "parse_path",
    "render",
    "validate_element_filter",
    "validate_filter",
]

CompValue: TypeAlias = str | int | float | bool | None
"""A ``compValue``: a JSON string, number, ``true``, ``false`` or ``null``."""

COMPARE_OPERATORS: Final = frozenset({"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"})
_ORDERING: Final = frozenset({"gt", "ge", "lt", "le"})
_SUBSTRING: Final = frozenset({"co", "sw", "ew"})
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
        shown = self.text if len(self.text) <= 120 else self.text[:117] + "..."
        return self.error(f"Invalid {self.label} {shown!r}: {message} at column {pos + 1}")

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
            return f"{_render_path(path)} {op} {json.dumps(value, ensure_ascii=False)}"
        case Present(path):
            return f"{_render_path(path)} pr"
        case And(left, right):
            # Left-associative, as parsed: a right-hand "and" keeps its parentheses.
            return f"{_operand(left, (Or,))} and {_operand(right, (Or, And))}"
        case Or(left, right):
            return f"{render(left)} or {_operand(right, (Or,))}"
        case Not(inner):
            return f"not ({render(inner)})"
        case ValuePath(path, inner):
            return f"{_render_path(path)}[{render(inner)}]"


def _operand(f: Filter, wrap: tuple[type, ...]) -> str:
    return f"({render(f)})" if isinstance(f, wrap) else render(f)


def _render_path(path: AttrPath) -> str:
    prefix = f"{path.urn}:" if path.urn is not None else ""
    return f"{prefix}{path.attr}" + (f".{path.sub}" if path.sub is not None else "")


# -- lookup -----------------------------------------------------------------------


def _lookup(container: Json, name: str) -> Any:
    """``container[name]``, matching the key case-insensitively (RFC 7643 §2.1)."""
    if name in container:
        return container[name]
    lowered = name.lower()
    for key, value in container.items():
        if isinstance(key, str) and key.lower() == lowered:
            return value
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _top_attribute(rt: ResourceTypeDef, urn: str | None, name: str) -> tuple[AttributeDef, str | None] | None:
    """The top-level attribute and, for an extension attribute, the URN its data is stored under."""
    if urn is None or urn.lower() == rt.schema.id.lower():
        # The core URN also qualifies the common attributes (id, externalId, meta).
        attribute = rt.attribute(name)
        return (attribute, None) if attribute is not None else None
    schema = rt.schema_for(urn)
    attribute = schema.attribute(name) if schema is not None else None
    return (attribute, schema.id) if schema is not None and attribute is not None else None


def _resource_definition(rt: ResourceTypeDef, path: AttrPath) -> AttributeDef | None:
    found = _top_attribute(rt, path.urn, path.attr)
    if found is None or path.sub is None:
        return found[0] if found is not None else None
    return found[0].sub(path.sub)


def _element_definition(parent: AttributeDef, path: AttrPath) -> AttributeDef | None:
    return parent.sub(path.attr)


_Values: TypeAlias = tuple[AttributeDef, list[Any]]


def _sub_values(sub: AttributeDef, items: list[Any]) -> list[Any]:
    return [v for item in items if isinstance(item, dict) for v in _as_list(_lookup(item, sub.name))]


def _resource_values(resource: Json, rt: ResourceTypeDef, path: AttrPath) -> _Values | None:
    found = _top_attribute(rt, path.urn, path.attr)
    if found is None:
        return None
    attribute, extension = found
    container = resource if extension is None else _lookup(resource, extension)
    items = _as_list(_lookup(container, attribute.name)) if isinstance(container, dict) else []
    if path.sub is None:
        return attribute, items
    sub = attribute.sub(path.sub)
    return (sub, _sub_values(sub, items)) if sub is not None else None


def _element_values(element: Json, parent: AttributeDef, path: AttrPath) -> _Values | None:
    sub = parent.sub(path.attr)
    return (sub, _as_list(_lookup(element, sub.name))) if sub is not None else None


# -- evaluation -------------------------------------------------------------------


def matches(f: Filter, resource: Json, rt: ResourceTypeDef) -> bool:
    """Whether ``resource`` (stored JSON of type ``rt``) matches ``f`` (RFC 7644 §3.4.2.2).

    An expression naming an attribute that ``rt`` does not define is false (so
    ``not (nosuch eq "x")`` is true); so is a comparison whose literal cannot
    apply to the attribute's type (``active eq "yes"``), though ``ne`` is always
    exactly ``not eq``. :func:`validate_filter` rejects both up front.
    """
    return _evaluate(f, lambda path: _resource_values(resource, rt, path))


def matches_element(f: Filter, element: object, attribute: AttributeDef) -> bool:
    """Whether one element of the complex ``attribute`` matches a value filter's inner ``f``."""
    if not isinstance(element, dict):
        return False
    return _evaluate(f, lambda path: _element_values(element, attribute, path))


def _evaluate(f: Filter, resolve: Callable[[AttrPath], _Values | None]) -> bool:
    match f:
        case And(left, right):
            return _evaluate(left, resolve) and _evaluate(right, resolve)
        case Or(left, right):
            return _evaluate(left, resolve) or _evaluate(right, resolve)
        case Not(inner):
            return not _evaluate(inner, resolve)
        case Present(path):
            found = resolve(path)
            return found is not None and any(_present(v) for v in found[1])
        case ValuePath(path, inner):
            found = resolve(path)
            return found is not None and any(matches_element(inner, item, found[0]) for item in found[1])
        case Compare(path, op, literal):
            found = resolve(path)
            if found is None:
                return False
            attribute, values = found
            if attribute.type == "complex":
                # RFC 7644 §3.4.2.2: "emails co "@x"" compares the elements' "value".
                value_sub = attribute.sub("value")
                if value_sub is None:
                    return False
                attribute, values = value_sub, _sub_values(value_sub, values)
            return _compare(attribute, [v for v in values if _present(v)], op, literal)


def _present(value: Any) -> bool:
    """RFC 7644 §3.4.2.2 ``pr``: a non-empty value; a complex value needs a non-empty sub-attribute."""
    if value is None or value == "" or value == [] or value == {}:
        return False
    if isinstance(value, dict):
        return any(_present(v) for v in value.values())
    if isinstance(value, list):
        return any(_present(v) for v in value)
    return True


def _compare(attribute: AttributeDef, values: list[Any], op: str, literal: CompValue) -> bool:
    if literal is None:
        # RFC 7643 §2.5: null and unassigned are the same state.
        return (not values) if op == "eq" else bool(values) if op == "ne" else False
    if op == "ne":
        return not any(_compare_one(attribute, v, "eq", literal) for v in values)
    # RFC 7644 §3.4.2.2: a multi-valued attribute matches when any value does.
    return any(_compare_one(attribute, v, op, literal) for v in values)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _order(op: str, actual: Any, literal: Any) -> bool:
    if op == "eq":
        return bool(actual == literal)
    if op == "gt":
        return bool(actual > literal)
    if op == "ge":
        return bool(actual >= literal)
    if op == "lt":
        return bool(actual < literal)
    return op == "le" and bool(actual <= literal)


def _instant(text: str) -> datetime | None:
    """An xsd:dateTime (RFC 7643 §2.3.5) as an aware datetime; no offset means UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _compare_one(attribute: AttributeDef, actual: Any, op: str, literal: CompValue) -> bool:
    kind = attribute.type
    if kind == "boolean":
        return op == "eq" and isinstance(actual, bool) and isinstance(literal, bool) and actual is literal
    if kind in ("integer", "decimal"):
        return (
            op not in _SUBSTRING
            and _is_number(actual)
            and _is_number(literal)
            and _order(op, actual, literal)
        )
    if not isinstance(actual, str) or not isinstance(literal, str):
        return False
    if kind == "dateTime" and op not in _SUBSTRING:
        # RFC 7644 §3.4.2.2: dateTime ordering is chronological, so offsets are honoured.
        moment, bound = _instant(actual), _instant(literal)
        return moment is not None and bound is not None and _order(op, moment, bound)
    if kind == "binary" and op in _ORDERING:
        return False
    # RFC 7644 §3.4.2.2: string case sensitivity follows "caseExact" (RFC 7643 §2.2).
    text: str = actual if attribute.case_exact else actual.lower()
    wanted: str = literal if attribute.case_exact else literal.lower()
    if op == "co":
        return wanted in text
    if op == "sw":
        return text.startswith(wanted)
    if op == "ew":
        return text.endswith(wanted)
    return _order(op, text, wanted)


# -- validation -------------------------------------------------------------------


def validate_filter(f: Filter, rt: ResourceTypeDef) -> None:
    """Reject what RFC 7644 §3.12 calls an unsupported "attribute and filter comparison combination".

    Raises:
        ScimError: 400 ``invalidFilter`` for an attribute ``rt`` does not define; a
            comparison (other than ``pr``) on a complex attribute without a ``value``
            sub-attribute; ``gt``/``ge``/``lt``/``le`` on a boolean, binary or complex
            attribute (RFC 7644 §3.4.2.2); ``co``/``sw``/``ew`` on a boolean or number;
            ``null`` with anything but ``eq``/``ne``; a literal of the wrong JSON type
            (``active eq "yes"``, ``userName eq 1``) or a dateTime literal that is not
            ISO 8601; a value filter on a non-complex attribute.
    """
    _validate(f, lambda path: _resource_definition(rt, path))


def validate_element_filter(f: Filter, attribute: AttributeDef) -> None:
    """:func:`validate_filter` for the inside of a value filter on the complex ``attribute``."""
    _validate(f, lambda path: _element_definition(attribute, path))


def _validate(f: Filter, resolve: Callable[[AttrPath], AttributeDef | None]) -> None:
    match f:
        case And(left, right) | Or(left, right):
            _validate(left, resolve)
            _validate(right, resolve)
        case Not(inner):
            _validate(inner, resolve)
        case Present(path):
            _defined(path, resolve)
        case ValuePath(path, inner):
            attribute = _defined(path, resolve)
            if attribute.type != "complex":
                raise invalid_filter(f"{_render_path(path)!r} is not complex, so it takes no value filter")
            validate_element_filter(inner, attribute)
        case Compare(path=path):
            _check_comparison(_defined(path, resolve), f)


def _defined(path: AttrPath, resolve: Callable[[AttrPath], AttributeDef | None]) -> AttributeDef:
    attribute = resolve(path)
    if attribute is None:
        raise invalid_filter(f"Unknown attribute {_render_path(path)!r} in filter")
    return attribute


def _check_comparison(attribute: AttributeDef, f: Compare) -> None:
    shown = render(f)
    if attribute.type == "complex":
        if f.op in _ORDERING:
            raise invalid_filter(
                f"{shown!r}: {f.op} does not apply to the complex attribute {attribute.name!r}"
            )
        value_sub = attribute.sub("value")
        if value_sub is None:
            names = ", ".join(sorted(s.name for s in attribute.sub_attributes.values()))
            raise invalid_filter(f"{shown!r}: compare a sub-attribute of {attribute.name!r} ({names})")
        attribute = value_sub
    kind = attribute.type
    if f.value is None:
        if f.op not in ("eq", "ne"):
            raise invalid_filter(f"{shown!r}: null can only be compared with eq or ne")
        return
    if kind in ("boolean", "binary") and f.op in _ORDERING:
        raise invalid_filter(f"{shown!r}: {f.op} does not apply to the {kind} attribute {attribute.name!r}")
    if kind in ("boolean", "integer", "decimal") and f.op in _SUBSTRING:
        raise invalid_filter(f"{shown!r}: {f.op} does not apply to the {kind} attribute {attribute.name!r}")
    if kind == "boolean":
        fits = isinstance(f.value, bool)
    elif kind in ("integer", "decimal"):
        fits = _is_number(f.value)
    else:
        fits = isinstance(f.value, str)
        if fits and kind == "dateTime" and f.op not in _SUBSTRING:
            fits = _instant(str(f.value)) is not None
    if not fits:
        raise invalid_filter(f"{shown!r}: {attribute.name!r} is of type {kind}; the value does not fit")


# -- indexing ---------------------------------------------------------------------

_INDEXED: Final = frozenset({"id", "externalid", "username", "displayname"})
_CORE_URNS: Final = frozenset({USER_SCHEMA.lower(), GROUP_SCHEMA.lower()})


def index_key(f: Filter) -> tuple[str, str] | None:
    """``(attribute, value)`` when ``f`` is, or has a conjunct that is, ``<indexed> eq "<string>"``.

    The attribute is one of ``id``, ``externalid``, ``username``, ``displayname``
    (lower-case), unqualified or qualified with a core URN; the value is the
    literal as written (folding it for caseExact=false attributes is the index's
    job). A store may look the candidate up directly and must still apply
    :func:`matches`, which checks the rest of the filter and the resource type.
    """
    match f:
        case Compare(AttrPath(urn, attr, None), "eq", str() as value) if attr.lower() in _INDEXED and (
            urn is None or urn.lower() in _CORE_URNS
        ):
            return attr.lower(), value
        case And(left, right):
            return index_key(left) or index_key(right)
    return None
