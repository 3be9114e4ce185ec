"""Every check id the harness can report, with its severity, profiles, requirement and where it runs.

Four places emit check ids, and the registry reads each where it is written:

- **suites** (``suites/test_*.py``): the ``@pytest.mark.check("id", …)`` marker of each test,
  and every ``check="…"`` a suite passes inline (``probe.expect(…, check=…)``) — read by
  parsing the files with :mod:`ast`, never importing them;
- **the catalogue** (``fixtures/okta/*.json``): each sequence, step and expectation check,
  read through :func:`~scim_conformance.catalogue.load_catalogue`;
- **the schemas** (``scim_conformance/schemas/``): one ``schema.<kind>`` per kind of response
  the probe validates, its severities the ``x-severity`` values reachable from that kind;
- **the state machine**: ``stateful.model`` with its kinds of mismatch
  (:data:`scim_conformance.stateful.operations.KINDS`), and each kind with a check id of its own
  (``stateful.model.claimed``, :data:`~scim_conformance.stateful.operations.KIND_CHECKS`), plus the
  package's own inline ids
  (``resources.create`` in the probe).

Why :mod:`ast` rather than ``pytest --collect-only``: collecting imports the suites, which
starts the plugin, its preflight and a target; it takes seconds, not milliseconds; and it
sees only markers, not the ids a test passes inline to ``probe.expect``. The parse needs
no target, runs in a few milliseconds, and sees both. A marker built at run time (the
catalogue's tests in ``test_okta_sequences.py``) is not a literal and is skipped: its ids
come from the catalogue itself. ``tests/test_check_registry.py`` cross-checks the parse
against pytest's own collection.

:func:`all_checks` is the public entry point (and will back ``scim-conformance checks``).
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from ..core.terms import PROFILES, SEVERITIES

__all__ = ["CheckInfo", "all_checks", "by_id", "level_of"]

_LEVEL = re.compile(r"\((MUST NOT|MUST|SHALL NOT|SHALL|SHOULD NOT|SHOULD|MAY)\)")
_PACKAGE = Path(__file__).resolve().parents[1]
# The package modules that pass a check id inline (besides the suites).
_INLINE_MODULES: Final = ("probe.py",)


@dataclass(frozen=True, slots=True)
class CheckInfo:
    """One check id: what a finding of it says and where it comes from."""

    id: str
    severity: str
    """The severity it is declared with (a marker's, a step's, a schema's worst)."""
    requirement: str
    """The requirement it cites, with its source (``RFC 7644 §3.3 …``) and level."""
    profiles: tuple[str, ...] = PROFILES
    """The Okta client profiles its findings concern."""
    origin: str = "suite"
    """Where it is declared: ``suite``, ``catalogue``, ``schema`` or ``stateful``."""
    files: tuple[str, ...] = ()
    """The files that declare it, relative to the repository (``suites/test_errors.py``)."""
    severities: tuple[str, ...] = ()
    """Every severity a finding of it can carry, worst first (a schema check's grades, say)."""
    kinds: tuple[str, ...] = ()
    """The state machine's kinds of mismatch (``stateful.model`` only)."""

    @property
    def level(self) -> str:
        """MUST, SHOULD, … as the requirement says it (``MUST`` when it says none)."""
        return level_of(self.requirement)

    @property
    def suite(self) -> str:
        """The suite file that runs it (the catalogue's checks run in ``test_okta_sequences.py``)."""
        suites = [f for f in self.files if f.startswith("suites/")]
        if suites:
            return suites[0]
        if self.origin == "catalogue":
            return "suites/test_okta_sequences.py"
        return "every suite (each response is validated)" if self.origin == "schema" else ""


def level_of(requirement: str) -> str:
    """The requirement level a requirement text ends with: ``… (MUST)`` → ``MUST``."""
    found = _LEVEL.findall(requirement)
    return found[-1] if found else "MUST"


@functools.cache
def _registry() -> dict[str, CheckInfo]:
    table: dict[str, CheckInfo] = {}
    for info in (*_suite_checks(), *_catalogue_checks(), *_schema_checks(), *_package_checks()):
        _merge(table, info)
    _add_stateful(table)
    return table


def all_checks() -> list[CheckInfo]:
    """Every check id the harness can report, sorted by id."""
    return sorted(_registry().values(), key=lambda info: info.id)


def by_id() -> dict[str, CheckInfo]:
    """The registry keyed by check id."""
    return dict(_registry())


def _merge(table: dict[str, CheckInfo], info: CheckInfo) -> None:
    """One id declared in several places (a step check used by three steps) keeps its first declaration."""
    old = table.get(info.id)
    if old is None:
        table[info.id] = replace(info, severities=_ordered([info.severity, *info.severities]))
        return
    table[info.id] = replace(
        old,
        files=tuple(dict.fromkeys([*old.files, *info.files])),
        severities=_ordered([*old.severities, info.severity, *info.severities]),
        profiles=tuple(p for p in PROFILES if p in old.profiles or p in info.profiles),
    )


def _ordered(severities: Iterable[str]) -> tuple[str, ...]:
    present = set(severities)
    return tuple(s for s in SEVERITIES if s in present)


def _relative(path: Path) -> str:
    """``suites/test_errors.py`` whether the suites are in a checkout or bundled in the package."""
    parts = path.resolve().parts
    for anchor in ("suites", "fixtures", "scim_conformance"):
        if anchor in parts:
            index = len(parts) - 1 - parts[::-1].index(anchor)
            if anchor == "scim_conformance" and "_bundled" in parts[index:]:
                continue
            return "/".join(parts[index:])
    return path.name


# -- suites (ast) ----------------------------------------------------------------------------------


@dataclass
class _Module:
    """What a suite module's text says: its constants and functions, for resolving keyword values."""

    path: Path
    tree: ast.Module
    constants: dict[str, Any] = field(default_factory=dict)
    functions: dict[str, ast.FunctionDef] = field(default_factory=dict)

    def value(self, node: ast.expr | None) -> Any:
        """A literal, a module constant, a ``+`` of them, or a tuple/list of them; None otherwise."""
        if node is None:
            return None
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self.constants.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.value(node.left), self.value(node.right)
            return left + right if isinstance(left, str) and isinstance(right, str) else None
        if isinstance(node, ast.JoinedStr):
            parts = [
                self.value(v.value) if isinstance(v, ast.FormattedValue) else self.value(v)
                for v in node.values
            ]
            return "".join(map(str, parts)) if all(p is not None for p in parts) else None
        if isinstance(node, ast.Tuple | ast.List):
            items = [self.value(e) for e in node.elts]
            return None if any(i is None for i in items) else tuple(items)
        return None


def _parse(path: Path) -> _Module:
    module = _Module(path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    for node in module.tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = module.value(node.value)
            if value is not None:
                module.constants[node.targets[0].id] = value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            value = module.value(node.value)
            if value is not None:
                module.constants[node.target.id] = value
        elif isinstance(node, ast.FunctionDef):
            module.functions[node.name] = node
    return module


def _keywords(call: ast.Call) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in call.keywords if k.arg is not None}


def _is_check_marker(node: ast.expr) -> bool:
    # @pytest.mark.check(...)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "check"
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "mark"
    )


def _marker(module: _Module, function: ast.FunctionDef) -> CheckInfo | None:
    for decorator in function.decorator_list:
        if not _is_check_marker(decorator):
            continue
        assert isinstance(decorator, ast.Call)
        check = module.value(decorator.args[0]) if decorator.args else None
        if not isinstance(check, str):
            return None  # built at run time (the catalogue's tests): the catalogue declares it
        kwargs = _keywords(decorator)
        return CheckInfo(
            id=check,
            severity=module.value(kwargs.get("severity")) or "okta",
            requirement=module.value(kwargs.get("requirement")) or "",
            profiles=module.value(kwargs.get("profiles")) or PROFILES,
            files=(_relative(module.path),),
        )
    return None


def _callee_default(module: _Module, call: ast.Call, name: str) -> Any:
    """``name=`` as a module function called here passes it on (``_kept_once`` sets severity="rfc")."""
    if not isinstance(call.func, ast.Name) or call.func.id not in module.functions:
        return None
    for inner in ast.walk(module.functions[call.func.id]):
        if isinstance(inner, ast.Call):
            value = module.value(_keywords(inner).get(name))
            if value is not None:
                return value
    return None


def _cited(module: _Module, node: ast.AST, fields: dict[str, ast.expr], name: str) -> Any:
    """``name=`` where an inline check id is given, or as the function it is given to sets it."""
    value = module.value(fields.get(name))
    if value is None and isinstance(node, ast.Call):
        value = _callee_default(module, node, name)
    return value


def _inline(module: _Module, scope: ast.AST, default: CheckInfo | None) -> Iterator[CheckInfo]:
    """The ids passed as ``check="…"`` (or ``{"check": "…"}``) in ``scope``, with what they cite."""
    for node in ast.walk(scope):
        if isinstance(node, ast.Call):
            fields = _keywords(node)
        elif isinstance(node, ast.Dict):
            fields = {
                k.value: v
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            }
        else:
            continue
        check = module.value(fields.get("check"))
        if not isinstance(check, str):
            continue

        yield CheckInfo(
            id=check,
            severity=_cited(module, node, fields, "severity") or (default.severity if default else "rfc"),
            requirement=_cited(module, node, fields, "requirement")
            or (default.requirement if default else ""),
            profiles=default.profiles if default else PROFILES,
            files=(_relative(module.path),),
        )


def suite_modules() -> list[Path]:
    """The suite files the registry reads."""
    from ..resources import suites_dir

    return sorted(suites_dir().glob("test_*.py"))


def _suite_checks() -> Iterator[CheckInfo]:
    for path in suite_modules():
        module = _parse(path)
        for function in module.functions.values():
            marker = _marker(module, function)
            if marker is not None:
                yield marker
            yield from _inline(module, function, marker)


def _package_checks() -> Iterator[CheckInfo]:
    for name in _INLINE_MODULES:
        module = _parse(_PACKAGE / name)
        for info in _inline(module, module.tree, None):
            yield replace(info, origin="suite")


# -- catalogue ------------------------------------------------------------------------------------


def _catalogue_checks() -> Iterator[CheckInfo]:
    from ..catalogue import load_catalogue

    for sequence in load_catalogue():
        where = (_relative(sequence.path),)
        yield CheckInfo(
            sequence.id,
            sequence.severity,
            sequence.requirement,
            sequence.profiles,
            origin="catalogue",
            files=where,
        )
        for step in sequence.steps:
            yield CheckInfo(
                step.check, step.severity, step.requirement, step.profiles, origin="catalogue", files=where
            )
            for e in step.expectations:
                yield CheckInfo(
                    e.check, e.severity, e.requirement, step.profiles, origin="catalogue", files=where
                )


# -- schemas --------------------------------------------------------------------------------------

# Kinds the probe validates responses against; PatchOp is a request message, never an answer.
_REQUEST_ONLY: Final = frozenset({"PatchOp"})


def schema_check_ids() -> frozenset[str]:
    """``schema.<kind>`` for every kind of response :meth:`Probe.validate` checks."""
    from ..schemas import KINDS

    return frozenset(
        f"schema.{k.split(':')[0].lower()}" for k in KINDS if k.split(":")[0] not in _REQUEST_ONLY
    )


def _schema_checks() -> Iterator[CheckInfo]:
    from ..schemas import DISCOVERY_KINDS, SOURCES
    from ..schemas.documents import SCHEMA_FILES

    for base in sorted({k.split(":")[0] for k in SCHEMA_FILES} - _REQUEST_ONLY):
        files = _reachable(SCHEMA_FILES[base])
        if base == "ListResponse":
            # Each of Resources is checked as its kind (ListResponse:User, …).
            files |= {f for item in ("User", "Group") for f in _reachable(SCHEMA_FILES[item])}
        graded = {"rfc"} if base in DISCOVERY_KINDS else _severities(files) | {"rfc"}
        severities = _ordered(graded)
        yield CheckInfo(
            id=f"schema.{base.lower()}",
            severity=severities[0],
            requirement=f"{SOURCES.get(base, 'RFC 7643')}: the response matches the {base} "
            "JSON Schema (MUST)",
            origin="schema",
            files=tuple(f"scim_conformance/schemas/{name}" for name in sorted(files)),
            severities=severities,
        )


def _reachable(name: str) -> set[str]:
    """The schema files ``name`` refers to, itself included (``$ref`` across documents)."""
    from ..schemas import documents

    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for ref in _refs(documents()[current]):
            target = ref.split("#", 1)[0]
            if target and target in documents():
                todo.append(target)
    return seen


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _severities(files: Iterable[str]) -> set[str]:
    from ..schemas import documents

    found: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("x-severity"), str):
                found.add(node["x-severity"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    for name in files:
        collect(documents()[name])
    return found


# -- state machine --------------------------------------------------------------------------------


def _add_stateful(table: dict[str, CheckInfo]) -> None:
    from ..stateful.operations import CHECK, KIND_CHECKS, KINDS

    operations = "scim_conformance/stateful/operations.py"
    declared = table.get(CHECK)
    base = declared or CheckInfo(CHECK, "okta", KINDS["request"][1])
    own = {kind: value for kind, value in KINDS.items() if kind not in KIND_CHECKS}
    table[CHECK] = replace(
        base,
        origin="stateful",
        files=tuple(dict.fromkeys([*base.files, operations])),
        severities=_ordered([base.severity, *(severity for severity, _ in own.values())]),
        kinds=tuple(own),
    )
    # A kind with a check id of its own (stateful.model.claimed): its own line, run by the same suite.
    suites = tuple(f for f in base.files if f.startswith("suites/"))
    for kind, check in KIND_CHECKS.items():
        severity, requirement = KINDS[kind]
        table[check] = CheckInfo(
            check,
            severity,
            requirement,
            origin="stateful",
            files=(*suites, operations),
            severities=(severity,),
            kinds=(kind,),
        )
