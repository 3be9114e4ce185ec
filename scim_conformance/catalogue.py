"""Okta's request sequences as data: the catalogue in ``fixtures/okta/`` (STYLE Lesson 6).

Each JSON file holds one :class:`Sequence` of :class:`Step` s exactly as Okta's
SCIM client sends them, each citing its okta-requests.md section, with the
:class:`Expectation` s a conformant provider meets. Files are validated on load
against ``catalogue.schema.json`` and then for what a schema cannot say
(placeholders name a value or an earlier capture, ``$from`` names an earlier
step); a malformed file raises :class:`~scim_conformance.errors.HarnessError`
naming the file and the JSON path.

Placeholders, in paths, queries, headers, bodies and expected values:

- ``{userName}``: a generated value of the sequence (``values``), rendered
  once per run of the sequence from templates using ``{run}`` (the run marker),
  ``{seq}`` (unique per run of the sequence), ``{alnum:N}`` and ``{password:N}``;
- ``{userName:url}``: percent-encoded, a space as ``%20`` (Okta today);
  ``{userName:plus}``: form-encoded, a space as ``+`` (Okta in 2018);
- ``{$userId}``: a value captured from an earlier response (``capture``);
- ``{startIndex}``, ``{count}``: the page being requested in a paginated step.

In a JSON body (or an expected value) a string that is exactly one placeholder
becomes the value itself, so a captured list or an integer keeps its type.

Sequences are run by :func:`scim_conformance.replay.run_sequence`.
"""

from __future__ import annotations

import functools
import json
import re
import secrets
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from .checks import AGGREGATE_TESTS, POINTER_TESTS, is_stored
from .core.pointers import apply_set, resolve
from .errors import HarnessError
from .okta.operations import OPERATIONS

__all__ = [
    "Expectation",
    "Scope",
    "Sequence",
    "Step",
    "apply_set",
    "generate_values",
    "load_catalogue",
    "load_sequence",
    "render",
    "resolve",
]

SCHEMA_PATH = Path(__file__).with_name("catalogue.schema.json")

# ``{name}``, ``{name:url}``, ``{$capture}``, ``{$capture:plus}``.
PLACEHOLDER = re.compile(r"\{(\$?)([A-Za-z][A-Za-z0-9_]*)(?::(url|plus))?\}")
# In ``values`` templates only: ``{run}``, ``{seq}``, ``{alnum:17}``, ``{password:8}``.
_GENERATOR = re.compile(r"\{(run|seq|alnum|password)(?::([0-9]+))?\}")
_PAGE_NAMES = frozenset({"startIndex", "count"})
_ENCODINGS: dict[str | None, Callable[[str], str]] = {
    None: str,
    "url": functools.partial(quote, safe=""),
    "plus": functools.partial(quote_plus, safe=""),
}
# Okta's placeholder passwords are 8 characters and may hold symbols, e.g. ``gl^m&qWZ``.
_PASSWORD_ALPHABET = string.ascii_letters + string.digits + "^&!#%*"


@dataclass(frozen=True, slots=True)
class Expectation:
    """One judged property of a response, with the check it belongs to."""

    test: str
    """``status``, ``list_response``, ``present``/``pattern`` of a header, or a name in
    :data:`~scim_conformance.checks.POINTER_TESTS` (the registry of tests on a JSON pointer)."""
    argument: Any
    """The test's argument (allowed statuses, expected value, ...), placeholders not yet rendered."""
    check: str
    severity: str
    requirement: str
    pointer: str | None = None
    """The JSON pointer into the response body the test reads."""
    header: str | None = None
    title: str = ""
    """The requirement in words, for the finding's title; generated when empty."""
    when_status: tuple[int, ...] = ()
    """Judge only when the response status is one of these (empty: always)."""
    if_claimed: str | None = None
    """Judge only when the provider's ``/Schemas`` claims this attribute (``name.middleName``) and the
    response returns a non-empty value at the pointer (CONTRACT §4: an attribute outside the stored
    table may be dropped or derived; changed, when claimed, it is rfc)."""

    @property
    def aggregate(self) -> bool:
        """Judged over the resources of all pages rather than page by page."""
        return self.test in AGGREGATE_TESTS


@dataclass(frozen=True, slots=True)
class Step:
    """One request of Okta's, and what its response must show."""

    id: str
    title: str
    source: str
    """The okta-requests.md section the request reproduces."""
    profiles: tuple[str, ...]
    okta_operation: str
    """The Okta operation (:data:`~scim_conformance.okta.operations.OPERATIONS`) the step belongs to."""
    method: str
    path: str
    query: str | None
    headers: tuple[tuple[str, str], ...]
    body: Any
    """JSON as Okta sends it, or ``{"$from": step, "$set": {pointer: value}}``; ``None`` for no body."""
    expectations: tuple[Expectation, ...]
    check: str
    """The step's own check id (``<sequence>.<step>`` unless set), for findings about the step itself."""
    severity: str
    requirement: str
    captures: tuple[tuple[str, str], ...] = ()
    """(name, JSON pointer) pairs read from the response for later steps."""
    needs: tuple[str, ...] = ()
    """The captured values (``$name``) the step's request and expectations use."""
    derived_from: str | None = None
    """The step whose answer a ``$from`` body is built from."""
    page_size: int | None = None
    """Okta's ``count`` when the step pages through a list as an import does."""
    max_pages: int = 500


@dataclass(frozen=True, slots=True)
class Sequence:
    """One Okta operation as a series of requests, run once per Okta profile it concerns."""

    id: str
    title: str
    operation: str
    source: str
    requirement: str
    severity: str
    profiles: tuple[str, ...]
    values: tuple[tuple[str, str], ...]
    """(name, template) of the generated values."""
    steps: tuple[Step, ...]
    path: Path

    def steps_for(self, profile: str) -> tuple[Step, ...]:
        """The steps Okta sends for this client profile, in order."""
        return tuple(s for s in self.steps if profile in s.profiles)


# -- placeholders --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scope:
    """What placeholders resolve to while a sequence runs."""

    values: Mapping[str, Any]
    captures: Mapping[str, Any]

    def lookup(self, captured: bool, name: str) -> Any:
        table = self.captures if captured else self.values
        if name not in table:
            kind = "captured value $" if captured else "value "
            raise HarnessError(f"the catalogue uses the {kind}{name!r}, which is not defined at this step")
        return table[name]


def render(template: Any, scope: Scope) -> Any:
    """Replace the placeholders in a string, or recursively in a JSON value."""
    if isinstance(template, str):
        whole = PLACEHOLDER.fullmatch(template)
        if whole and whole.group(3) is None:
            return scope.lookup(bool(whole.group(1)), whole.group(2))
        return PLACEHOLDER.sub(
            lambda m: _ENCODINGS[m.group(3)](_text(scope.lookup(bool(m.group(1)), m.group(2)))), template
        )
    if isinstance(template, list):
        return [render(item, scope) for item in template]
    if isinstance(template, dict):
        return {render(key, scope): render(value, scope) for key, value in template.items()}
    return template


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def generate_values(templates: Mapping[str, str], run: str) -> dict[str, str]:
    """Render the sequence's ``values`` for one run: unique names carrying the run marker."""
    seq = secrets.token_hex(3)

    def generate(match: re.Match[str]) -> str:
        kind, size = match.group(1), int(match.group(2) or 8)
        if kind == "run":
            return run
        if kind == "seq":
            return seq
        alphabet = string.ascii_letters + string.digits if kind == "alnum" else _PASSWORD_ALPHABET
        return "".join(secrets.choice(alphabet) for _ in range(size))

    return {name: _GENERATOR.sub(generate, template) for name, template in templates.items()}


# -- loading -------------------------------------------------------------------


def load_catalogue(directory: Path | None = None) -> tuple[Sequence, ...]:
    """Every sequence of ``fixtures/okta/`` (or ``directory``), in file name order."""
    if directory is None:
        from .resources import fixtures_dir

        directory = fixtures_dir() / "okta"
    files = sorted(directory.glob("*.json"))
    if not files:
        raise HarnessError(f"no Okta sequence (*.json) in {directory}: is the package installed completely?")
    return tuple(load_sequence(path) for path in files)


@functools.cache
def _validator() -> Any:
    import jsonschema  # type: ignore[import-untyped, unused-ignore]

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def load_sequence(path: Path) -> Sequence:
    """One catalogue file, validated; :class:`HarnessError` names the file and JSON path of a problem."""
    import jsonschema  # type: ignore[import-untyped, unused-ignore]

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise HarnessError(f"cannot read the Okta catalogue file {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise HarnessError(
            f"{path}: line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg})"
        ) from None
    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is not None:
        raise HarnessError(
            f"{path}: {error.json_path}: {error.message} (the catalogue format is {SCHEMA_PATH.name}, "
            f"rule {'/'.join(map(str, error.schema_path))})"
        )
    sequence = _build(data, path)
    _check_references(sequence, data)
    return sequence


def _build(data: dict[str, Any], path: Path) -> Sequence:
    if data["id"] != path.stem:
        raise HarnessError(f"{path}: $.id: {data['id']!r} must equal the file name {path.stem!r}")
    profiles = tuple(data["profiles"])
    severity = data.get("severity", "okta")
    steps = []
    seen: set[str] = set()
    for index, raw in enumerate(data["steps"]):
        if raw["id"] in seen:
            raise HarnessError(f"{path}: $.steps[{index}].id: step id {raw['id']!r} is used twice")
        seen.add(raw["id"])
        step_profiles = tuple(raw.get("profiles", profiles))
        if not set(step_profiles) <= set(profiles):
            raise HarnessError(
                f"{path}: $.steps[{index}].profiles: {list(step_profiles)} is not within the "
                f"sequence's profiles {list(profiles)}"
            )
        if raw["operation"] not in OPERATIONS:
            raise HarnessError(
                f"{path}: $.steps[{index}].operation: {raw['operation']!r} is not one of Okta's operations "
                f"{sorted(OPERATIONS)}"
            )
        check = raw.get("check", f"{data['id']}.{raw['id']}")
        step_severity = raw.get("severity", severity)
        requirement = raw.get("requirement", data["requirement"])
        request = raw["request"]
        paginate = raw.get("paginate")
        if paginate and "{startIndex}" not in request.get("query", ""):
            raise HarnessError(
                f"{path}: $.steps[{index}].request.query: "
                "a paginated step's query must contain {startIndex}"
            )
        steps.append(
            Step(
                id=raw["id"],
                title=raw["title"],
                source=raw["source"],
                profiles=step_profiles,
                okta_operation=raw["operation"],
                method=request["method"],
                path=request["path"],
                query=request.get("query"),
                headers=tuple(request.get("headers", {}).items()),
                body=request.get("body"),
                expectations=_expectations(
                    raw["expect"], check, step_severity, requirement, f"{path}: $.steps[{index}]"
                ),
                check=check,
                severity=step_severity,
                requirement=requirement,
                captures=tuple(raw.get("capture", {}).items()),
                needs=tuple(
                    sorted({n for captured, n in _placeholders([request, raw["expect"]]) if captured})
                ),
                derived_from=(request.get("body") or {}).get("$from")
                if isinstance(request.get("body"), dict)
                else None,
                page_size=paginate["count"] if paginate else None,
                max_pages=paginate.get("max_pages", 500) if paginate else 500,
            )
        )
    return Sequence(
        id=data["id"],
        title=data["title"],
        operation=data["operation"],
        source=data["source"],
        requirement=data["requirement"],
        severity=severity,
        profiles=profiles,
        values=tuple(data.get("values", {}).items()),
        steps=tuple(steps),
        path=path,
    )


def _expectations(
    raws: list[dict[str, Any]], check: str, severity: str, requirement: str, where: str
) -> tuple[Expectation, ...]:
    try:
        return tuple(_expectation(raw, check, severity, requirement) for raw in raws)
    except HarnessError as exc:
        raise HarnessError(f"{where}.expect: {exc}") from None


def _expectation(raw: dict[str, Any], check: str, severity: str, requirement: str) -> Expectation:
    common: dict[str, Any] = {
        "check": check + raw["check"] if raw.get("check", "").startswith(".") else raw.get("check", check),
        "severity": raw.get("severity", severity),
        "requirement": raw.get("requirement", requirement),
        "title": raw.get("title", ""),
        "when_status": tuple(raw.get("when_status", ())),
        "if_claimed": raw.get("if_claimed"),
    }
    if common["if_claimed"] is not None:
        _check_if_claimed(common["if_claimed"], common["severity"])
    if "status" in raw:
        return Expectation("status", tuple(raw["status"]), **common)
    if "list_response" in raw:
        return Expectation("list_response", True, **common)
    if "header" in raw:
        test = "present" if "present" in raw else "pattern"
        return Expectation(test, raw[test], header=raw["header"], **common)
    tests = [key for key in raw if key in POINTER_TESTS]
    if len(tests) != 1:
        # The schema lists the same tests; this guards the registry and the schema drifting apart.
        raise HarnessError(
            f"expectation {raw!r} names {len(tests)} tests on {raw.get('pointer')!r}: exactly one of "
            f"{sorted(POINTER_TESTS)} is needed"
        )
    return Expectation(tests[0], raw[tests[0]], pointer=raw["pointer"], **common)


def _check_if_claimed(attribute: str, severity: str) -> None:
    """``if_claimed`` marks an attribute a provider need not store (CONTRACT §4): rfc at most."""
    if is_stored(attribute.rpartition(":")[2]):
        raise HarnessError(
            f"if_claimed: {attribute!r} is a stored attribute (CONTRACT §4, checks/stored.json): "
            "judge it whatever the provider claims, without if_claimed"
        )
    if severity != "rfc":
        raise HarnessError(
            f"if_claimed: {attribute!r} is not a stored attribute (CONTRACT §4), so a changed value is "
            f'rfc at most, not {severity}: set "severity": "rfc"'
        )


def _placeholders(template: Any) -> Iterator[tuple[bool, str]]:
    if isinstance(template, str):
        for match in PLACEHOLDER.finditer(template):
            yield bool(match.group(1)), match.group(2)
    elif isinstance(template, list):
        for item in template:
            yield from _placeholders(item)
    elif isinstance(template, dict):
        for key, value in template.items():
            yield from _placeholders(key)
            yield from _placeholders(value)


def _check_references(sequence: Sequence, data: dict[str, Any]) -> None:
    """Each placeholder and ``$from`` must be defined for every profile that runs the step."""
    for name, template in sequence.values:
        for match in re.finditer(r"\{[^}]*\}", template):
            if not _GENERATOR.fullmatch(match.group(0)):
                raise HarnessError(
                    f"{sequence.path}: $.values.{name}: unknown generator {match.group(0)!r} "
                    "(use {run}, {seq}, {alnum:N} or {password:N})"
                )
    values = {name for name, _ in sequence.values}
    index = {step.id: i for i, step in enumerate(sequence.steps)}
    for profile in sequence.profiles:
        captured: set[str] = set()
        ran: set[str] = set()
        for step in sequence.steps_for(profile):
            where = f"{sequence.path}: $.steps[{index[step.id]}]"
            raw = data["steps"][index[step.id]]
            names = values | (_PAGE_NAMES if step.page_size else set())
            body = step.body
            if isinstance(body, dict) and "$from" in body:
                if body["$from"] not in ran:
                    raise HarnessError(
                        f"{where}.request.body.$from: step {body['$from']!r} does not run before this "
                        f"step for the {profile} profile"
                    )
            # Titles and requirements are prose ("GET /Users/{id}"); only what is sent or compared renders.
            arguments = [e.argument for e in step.expectations]
            used = _placeholders([raw["request"], arguments])
            for is_capture, name in used:
                if is_capture and name not in captured:
                    raise HarnessError(
                        f"{where}: {{${name}}} is not captured by an earlier step for the {profile} profile"
                    )
                if not is_capture and name not in names:
                    raise HarnessError(
                        f"{where}: {{{name}}} is not one of the sequence's values {sorted(names)}"
                    )
            captured.update(name for name, _ in step.captures)
            ran.add(step.id)
