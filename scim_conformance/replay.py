"""Run a catalogue sequence against the target, through a :class:`~scim_conformance.probe.Probe`.

Each step's request is rendered (generated values, captures, ``$from``/``$set``
bodies) and sent with ``probe.request``; each expectation is judged with
``probe.expect``, so a failed ``security`` or ``okta`` expectation stops the
sequence (the test) and an ``rfc`` one is kept and reported at the end. A
finding's title names the Okta operation, the step and what went wrong; the
probe adds the numbered exchanges and the curl reproduction.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import httpx

from .catalogue import Expectation, Scope, Sequence, Step, apply_set, generate_values, render, resolve
from .errors import HarnessError
from .probe import Probe, json_or_none, same_json
from .spec import LIST_RESPONSE

__all__ = ["run_sequence"]

_OKTA_PAGE = 100  # okta-requests.md §9: Okta imports with count=100

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def run_sequence(sequence: Sequence, probe: Probe, *, profile: str, run: str) -> None:
    """Send the sequence's steps for ``profile`` and judge every expectation.

    ``run`` is the run marker (the ``scim_run`` fixture) that generated names carry.
    """
    __tracebackhide__ = True
    if profile not in sequence.profiles:
        raise HarnessError(f"sequence {sequence.id!r} does not concern the {profile} profile")
    replay = _Replay(sequence, probe, profile, generate_values(dict(sequence.values), run))
    steps = sequence.steps_for(profile)
    for number, step in enumerate(steps, 1):
        replay.run_step(number, len(steps), step)


@dataclass
class _Replay:
    sequence: Sequence
    probe: Probe
    profile: str
    values: dict[str, Any]
    captures: dict[str, Any] = field(default_factory=dict)
    responses: dict[str, Any] = field(default_factory=dict)
    """Each step's parsed response body, for ``$from``."""
    kept: set[str] = field(default_factory=set)
    """Checks already reported as kept (rfc) findings: one finding per check and test, not per page."""
    where: str = ""
    """The Okta operation and step, at the start of every finding's title."""
    operation: str = ""

    def run_step(self, number: int, total: int, step: Step) -> None:
        __tracebackhide__ = True
        self.where = f"{self.sequence.operation} [{self.profile}], step {number} {step.id}"
        self.operation = (
            f"{self.sequence.operation} ({self.profile}), step {number} of {total} "
            f"{step.id}: {step.title} — {step.source}"
        )
        if step.page_size:
            self._paginate(step)
            return
        scope = Scope(self.values, self.captures)
        response = self._send(step, scope)
        parsed = json_or_none(response)
        for expectation in step.expectations:
            at = None if expectation.pointer is None else resolve(parsed, expectation.pointer)
            self._judge(step, expectation, response, parsed, at, scope)
        self.probe.validate(response, operation=self.operation)
        self._capture(step, parsed)
        self.responses[step.id] = parsed

    # -- requests --------------------------------------------------------------

    def _send(self, step: Step, scope: Scope) -> httpx.Response:
        __tracebackhide__ = True
        return self.probe.request(
            step.method,
            render(step.path, scope),
            query=render(step.query, scope) if step.query else None,
            headers={name: render(value, scope) for name, value in step.headers},
            body=self._body(step, scope),
            operation=self.operation,
            # The step's own expectations judge first: their findings name the Okta step.
            validate=False,
        )

    def _body(self, step: Step, scope: Scope) -> Any:
        __tracebackhide__ = True
        body = step.body
        if not (isinstance(body, dict) and "$from" in body):
            return render(body, scope)
        source = self.responses.get(body["$from"])
        if not isinstance(source, dict):
            self._fail(
                step,
                f"cannot build Okta's {step.method} body: step {body['$from']} gave no JSON object",
                expected=f"a JSON resource from step {body['$from']} to apply Okta's changes to",
                got=_show(source),
            )
        return apply_set(source, render(body.get("$set", {}), scope))

    def _capture(self, step: Step, parsed: Any) -> None:
        __tracebackhide__ = True
        for name, pointer in step.captures:
            found, value = resolve(parsed, pointer)
            if not found or value is None:
                self._fail(
                    step,
                    f"the response has no {pointer}, which Okta reads (as ${name}) for its next requests",
                    expected=f"{pointer} in the response body",
                    got="no JSON body" if parsed is None else f"no {pointer}",
                )
            self.captures[name] = value

    def _paginate(self, step: Step) -> None:
        """Page as an Okta import: startIndex 1, 1+count, ... until startIndex > totalResults.

        A small page size exercises paging on a small realm; on a large one (a
        production target) it grows after the first page so that the walk takes
        at most ``max_pages`` pages — never beyond Okta's own count of 100.
        """
        __tracebackhide__ = True
        size = step.page_size or 1
        collected: dict[str, list[Any]] = {}
        aggregates = [e for e in step.expectations if e.aggregate]
        start, pages, limit = 1, 0, step.max_pages
        while True:
            pages += 1
            if pages > limit:
                self._fail(
                    step,
                    f"paging {step.path} with count={size} did not end after {limit} pages",
                    expected=f"startIndex to pass totalResults within {limit} pages",
                    got=f"still paging at startIndex={start}: the import loops or totalResults grows",
                )
            scope = Scope({**self.values, "startIndex": start, "count": size}, self.captures)
            response = self._send(step, scope)
            parsed = json_or_none(response)
            for expectation in step.expectations:
                if not expectation.aggregate:
                    pointer = expectation.pointer
                    at = None if pointer is None else resolve(parsed, pointer)
                    self._judge(step, expectation, response, parsed, at, scope)
            self.probe.validate(response, operation=self.operation)
            for pointer in {e.pointer or "" for e in aggregates}:
                found, items = resolve(parsed, pointer)
                collected.setdefault(pointer, []).extend(items if found and isinstance(items, list) else [])
            self.responses[step.id] = parsed
            total = parsed.get("totalResults") if isinstance(parsed, dict) else None
            _, page = resolve(parsed, "/Resources")
            if not _is_int(total) or not isinstance(page, list) or not page:
                break
            start += size
            if start > total:
                break
            if pages == 1:
                if size < _OKTA_PAGE and -(-total // size) > step.max_pages:
                    size = min(_OKTA_PAGE, -(-total // step.max_pages))
                # Room for resources other clients create meanwhile on a shared target.
                limit = -(-total // size) + 10
        scope = Scope(self.values, self.captures)
        for expectation in aggregates:
            pointer = expectation.pointer or ""
            self._judge(step, expectation, response, parsed, (True, collected.get(pointer, [])), scope)

    # -- judging ---------------------------------------------------------------

    def _fail(self, step: Step, what: str, *, expected: str, got: str) -> None:
        __tracebackhide__ = True
        self.probe.fail(
            f"{self.where}: {what}",
            expected=expected,
            got=got,
            check=step.check,
            severity=step.severity,
            requirement=step.requirement,
            operation=self.operation,
        )

    def _judge(
        self,
        step: Step,
        e: Expectation,
        response: httpx.Response,
        parsed: Any,
        at: tuple[bool, Any] | None,
        scope: Scope,
    ) -> None:
        __tracebackhide__ = True
        if (e.when_status and response.status_code not in e.when_status) or e.check in self.kept:
            return
        ok, what, expected, got = self._evaluate(step, e, response, parsed, at, scope)
        title = f"{self.where}: {e.title} ({what})" if e.title else f"{self.where}: {what}"
        if not ok:
            self.kept.add(e.check)  # a stopping finding ends the sequence anyway
        self.probe.expect(
            ok,
            title,
            expected=expected,
            got=got,
            check=e.check,
            severity=e.severity,
            requirement=e.requirement,
            operation=self.operation,
        )

    def _evaluate(
        self,
        step: Step,
        e: Expectation,
        response: httpx.Response,
        parsed: Any,
        at: tuple[bool, Any] | None,
        scope: Scope,
    ) -> tuple[bool, str, str, str]:
        """(ok, what the response shows, expected, got) for one expectation."""
        code = response.status_code
        if e.test == "status":
            allowed = " or ".join(map(str, e.argument))
            return (
                code in e.argument,
                f"{step.method} {step.path} answered {code}",
                allowed,
                f"{code} {_brief(response)}".rstrip(),
            )
        if e.test == "list_response":
            problems = _list_problems(parsed)
            return (
                not problems,
                f"{step.method} {step.path} did not answer a valid ListResponse",
                "a ListResponse with integer totalResults, startIndex, itemsPerPage and a Resources array",
                "; ".join(problems) or "",
            )
        if e.header is not None:
            value = response.headers.get(e.header)
            if e.test == "present":
                shown = "no such header" if value is None else f"{e.header}: {value}"
                want = f"a {e.header} header" if e.argument else f"no {e.header} header"
                what = f"the response has {'no' if value is None else 'a'} {e.header} header"
                return (value is not None) == e.argument, what, want, shown
            ok = value is not None and re.search(e.argument, value) is not None
            return ok, f"the {e.header} header is {value!r}", f"matching {e.argument!r}", repr(value)
        assert at is not None and e.pointer is not None
        return self._evaluate_pointer(e, e.pointer, at, parsed, scope)

    def _evaluate_pointer(
        self, e: Expectation, pointer: str, at: tuple[bool, Any], parsed: Any, scope: Scope
    ) -> tuple[bool, str, str, str]:
        found, value = at
        present = found and value is not None
        got = _show(value) if present else ("no JSON body" if parsed is None else "missing")
        what = f"{pointer} is {got}"
        test, argument = e.test, e.argument
        if test == "equals":
            wanted = render(argument, scope)
            shown = self._label(value) if present and isinstance(value, str) else got
            ok = present and same_json(value, wanted)
            return ok, what, f"{pointer}: {self._label_all(wanted)}", f"{pointer}: {shown}"
        if test == "present":
            return (
                present == argument,
                what,
                f"{pointer} {'present' if argument else 'absent'}",
                f"{pointer}: {got}",
            )
        if test == "type":
            kinds = _TYPES[argument]
            ok = isinstance(value, kinds) and not (argument == "integer" and isinstance(value, bool))
            return (
                ok,
                what,
                f"{pointer}: a JSON {argument}",
                f"{pointer}: {got} ({_json_type(value, present)})",
            )
        items = value if isinstance(value, list) else [] if not present else None
        if test in ("length", "max_length"):
            limit = render(argument, scope)
            size = len(items) if items is not None else None
            ok = size is not None and (size == limit if test == "length" else size <= limit)
            relation = "" if test == "length" else "at most "
            return ok, f"{pointer} has {size} items", f"{relation}{limit} items", got
        if test == "equals_length_of":
            _, other = resolve(parsed, argument)
            size = len(other) if isinstance(other, list) else 0
            return _is_int(value) and value == size, what, f"{size} (the length of {argument})", got
        if test == "values":
            wanted_ids = {str(v) for v in render(argument, scope)}
            listed = [m.get("value") if isinstance(m, dict) else m for m in items or []]
            ok = items is not None and set(map(str, listed)) == wanted_ids and len(listed) == len(set(listed))
            return (
                ok,
                f"{pointer} lists {', '.join(map(self._name, listed)) or 'nothing'}",
                f"{pointer} values: {self._labels(sorted(wanted_ids))}",
                f"{pointer} values: {self._labels(listed) if items is not None else got}",
            )
        if test == "contains":
            wanted = render(argument, scope)
            ok = items is not None and any(same_json(item, wanted) for item in items)
            return ok, f"{pointer} does not contain {_show(wanted)}", f"an item {_show(wanted)}", got
        if test == "pattern":
            ok = isinstance(value, str) and re.search(argument, value) is not None
            return ok, what, f"matching {argument!r}", got
        ids = Counter(str(item.get("id")) if isinstance(item, dict) else "" for item in items or [])
        if test == "each_once":
            expected_ids = [str(v) for v in render(argument, scope)]
            wrong = {rid: ids[rid] for rid in expected_ids if ids[rid] != 1}
            shown = ", ".join(f"{self._label(rid)} {n} times" for rid, n in wrong.items())
            return (
                not wrong,
                f"{len(wrong)} of {len(expected_ids)} not exactly once in {pointer}",
                f"each of {self._labels(expected_ids)} exactly once",
                f"{shown} (among {sum(ids.values())} resources listed)",
            )
        # unique_ids
        twice = sorted(rid for rid, n in ids.items() if n > 1)
        return (
            not twice,
            f"{pointer} lists {len(twice)} resources more than once",
            "every id once",
            f"listed more than once: {self._labels(twice)}",
        )

    def _label(self, value: Any) -> str:
        """A captured id shown with its name (``$user1Id``), as ids alone are unreadable."""
        for name, captured in self.captures.items():
            if captured == value:
                return f"${name} ({value})"
        return str(value)

    def _name(self, value: Any) -> str:
        """A captured id by its name alone (``$user1Id``), for titles."""
        return next((f"${name}" for name, captured in self.captures.items() if captured == value), str(value))

    def _labels(self, values: Iterable[Any]) -> str:
        return "[" + ", ".join(self._label(v) for v in values) + "]"

    def _label_all(self, value: Any) -> str:
        return self._label(value) if isinstance(value, str) else _show(value)


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _json_type(value: Any, present: bool) -> str:
    if not present:
        return "absent"
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}
    return names.get(type(value), type(value).__name__)


def _list_problems(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    problems = []
    if LIST_RESPONSE not in (body.get("schemas") or []):
        problems.append(f"schemas does not list {LIST_RESPONSE}")
    for key in ("totalResults", "startIndex", "itemsPerPage"):
        if not _is_int(body.get(key)):
            problems.append(f"{key} is {_show(body.get(key))}, not an integer")
    if not isinstance(body.get("Resources", []), list):
        problems.append("Resources is not an array")
    return problems


def _show(value: Any, limit: int = 200) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "…"


def _brief(response: httpx.Response, limit: int = 300) -> str:
    text = response.text
    return text if len(text) <= limit else text[:limit] + "…"
