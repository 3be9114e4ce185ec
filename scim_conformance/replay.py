"""Run a catalogue sequence against the target, through a :class:`~scim_conformance.probe.Probe`.

Each step's request is rendered (generated values, captures) and built by the
Okta client (:func:`~scim_conformance.okta.step_request`: a ``$from``/``$set``
body is Okta's GET-then-PUT body); a paginated step pages as an Okta import
(:func:`~scim_conformance.okta.pages`, the shared loop guard). Each
expectation is judged by a check of :mod:`scim_conformance.checks` (the
pointer tests by the :data:`~scim_conformance.checks.POINTER_TESTS` registry)
and reported with ``probe.expect``, so a failed ``security`` or ``okta``
expectation stops the sequence (the test) and an ``rfc`` one is kept and
reported at the end. A finding's title names the Okta operation, the step and
what went wrong; the probe adds the numbered exchanges and the curl line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from . import checks
from .catalogue import Expectation, Scope, Sequence, Step, generate_values, render
from .checks import POINTER_TESTS, Labels, Verdict, json_or_none
from .checks.pointers import At
from .core.pointers import resolve
from .core.text import shorten
from .errors import ConformanceFailure, HarnessError
from .okta import ImportLoops, MissingInput, pages, step_request
from .outcomes import Outcome
from .outcomes import failed as outcome_of
from .probe import Probe

__all__ = ["run_sequence"]


def run_sequence(sequence: Sequence, probe: Probe, *, profile: str, run: str) -> None:
    """Send the sequence's steps for ``profile`` and judge every expectation.

    A step that fails stops its own judging (its later expectations depend on
    the first), not the sequence: each later step runs and reports its own
    findings — unless it needs what the failed step should have given (a
    captured id, the body a ``$from`` step answered), in which case it is *not
    reached*, naming the step that blocked it. Each step's outcome is recorded
    on ``probe.outcomes`` under its Okta operation. At the end the findings are
    raised together, the first one leading (rfc ones kept on the probe when
    none stops).

    ``run`` is the run marker (the ``scim_run`` fixture) that generated names carry.
    """
    __tracebackhide__ = True
    if profile not in sequence.profiles:
        raise HarnessError(f"sequence {sequence.id!r} does not concern the {profile} profile")
    replay = _Replay(sequence, probe, profile, generate_values(dict(sequence.values), run))
    steps = sequence.steps_for(profile)
    for number, step in enumerate(steps, 1):
        replay.run_step(number, len(steps), step)
    replay.raise_findings()


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
    failures: list[ConformanceFailure] = field(default_factory=list)
    """The stopping (security, okta) findings of the steps so far, each with the rfc ones before it."""
    blockers: dict[str, str] = field(default_factory=dict)
    """Captures (``$name``) and steps (for ``$from``) that a failed step left missing → that step."""

    def run_step(self, number: int, total: int, step: Step) -> None:
        __tracebackhide__ = True
        self.where = f"{self.sequence.operation} [{self.profile}], step {number} {step.id}"
        self.operation = (
            f"{self.sequence.operation} ({self.profile}), step {number} of {total} "
            f"{step.id}: {step.title} — {step.source}"
        )
        blocker = self._blocker(step)
        if blocker:
            self._record(step, "not reached", blocked_by=blocker)
            self.blockers[step.id] = blocker
            self.blockers.update({name: blocker for name, _ in step.captures})
            return
        self.probe.current_operation = step.okta_operation
        before = {id(f) for f in self.probe.kept}
        try:
            self._run(step)
        except ConformanceFailure as failure:
            self.failures.append(failure)
            found = [failure, *(f for f in failure.others if id(f) not in before)]
            self._record(step, "fail", found)
            self.blockers[step.id] = f"step {number} {step.id}"
            self.blockers.update({name: f"step {number} {step.id}" for name, _ in step.captures})
        else:
            self._record(step, "pass", [f for f in self.probe.kept if id(f) not in before])

    def _blocker(self, step: Step) -> str:
        """The failed step that left this one nothing to act on, or ``""``."""
        for name in step.needs:
            if name not in self.captures and name in self.blockers:
                return f"{self.blockers[name]} (no ${name})"
        source = step.derived_from
        if source and source in self.blockers and not isinstance(self.responses.get(source), dict):
            return f"{self.blockers[source]} (no body to change)"
        return ""

    def _record(
        self, step: Step, status: str, found: list[ConformanceFailure] | None = None, blocked_by: str = ""
    ) -> None:
        if status == "not reached":
            self.probe.outcomes.append(
                Outcome(step.okta_operation, self.profile, "not reached", blocked_by=blocked_by)
            )
        else:
            self.probe.outcomes.append(outcome_of(step.okta_operation, self.profile, found or []))

    def _run(self, step: Step) -> None:
        __tracebackhide__ = True
        if step.page_size:
            self._paginate(step)
            return
        scope = Scope(self.values, self.captures)
        response = self._send(step, scope)
        parsed = json_or_none(response)
        self.responses[step.id] = parsed
        try:
            for expectation in step.expectations:
                self._judge(step, expectation, response, parsed, scope)
            self.probe.validate(response, operation=self.operation)
        finally:
            # What a failed step still answered stays usable: a create answered 200 instead
            # of 201 gives an id all the same, and Okta goes on with it.
            self._capture(step, parsed, quiet=True)
        self._capture(step, parsed)

    def raise_findings(self) -> None:
        """Raise the sequence's stopping findings together: the first leads, the rest are its others."""
        __tracebackhide__ = True
        if not self.failures:
            return
        found: list[ConformanceFailure] = []
        for failure in self.failures:
            found += [failure, *failure.others]
            failure.others = ()
        found += self.probe.kept
        self.probe.kept.clear()
        first, *others = found
        first.others = tuple(others)
        raise first

    # -- requests --------------------------------------------------------------

    def _send(self, step: Step, scope: Scope) -> httpx.Response:
        __tracebackhide__ = True
        try:
            request = step_request(
                step.method,
                render(step.path, scope),
                render(step.query, scope) if step.query else None,
                {name: render(value, scope) for name, value in step.headers},
                render(step.body, scope),
                self.responses,
            )
        except MissingInput as missing:
            self._fail(
                step,
                f"cannot build Okta's {step.method} body: step {missing.needed} gave no JSON object",
                expected=f"a JSON resource from step {missing.needed} to apply Okta's changes to",
                got=shorten(checks.show(missing.got), 200),
            )
        # The step's own expectations judge first: their findings name the Okta step.
        return self.probe.send(request, operation=self.operation, validate=False)

    def _capture(self, step: Step, parsed: Any, *, quiet: bool = False) -> None:
        """Keep each value the step captures; a missing one is a finding unless ``quiet``."""
        __tracebackhide__ = True
        for name, pointer in step.captures:
            found, value = resolve(parsed, pointer)
            if quiet:
                if found and value is not None:
                    self.captures[name] = value
                continue
            if not found or value is None:
                self._fail(
                    step,
                    f"the response has no {pointer}, which Okta reads (as ${name}) for its next requests",
                    expected=f"{pointer} in the response body",
                    got="no JSON body" if parsed is None else f"no {pointer}",
                )
            self.captures[name] = value

    def _paginate(self, step: Step) -> None:
        """Page as an Okta import (:func:`~scim_conformance.okta.pages`), judging every page.

        Aggregate tests (each resource once, no id twice) are judged once over
        the resources of all pages.
        """
        __tracebackhide__ = True
        aggregates = [e for e in step.expectations if e.aggregate]
        collected: dict[str, list[Any]] = {}
        response: httpx.Response | None = None
        parsed: Any = None

        def send_page(start: int, count: int) -> httpx.Response:
            return self._send(
                step, Scope({**self.values, "startIndex": start, "count": count}, self.captures)
            )

        try:
            for page in pages(send_page, count=step.page_size or 1, max_pages=step.max_pages):
                response, parsed = page.response, page.body
                scope = Scope({**self.values, "startIndex": page.start, "count": page.count}, self.captures)
                for expectation in step.expectations:
                    if not expectation.aggregate:
                        self._judge(step, expectation, response, parsed, scope)
                self.probe.validate(response, operation=self.operation)
                for pointer in {e.pointer or "" for e in aggregates}:
                    found, items = resolve(parsed, pointer)
                    collected.setdefault(pointer, []).extend(
                        items if found and isinstance(items, list) else []
                    )
                self.responses[step.id] = parsed
        except ImportLoops as loop:
            self._fail(
                step,
                f"paging {step.path} with count={loop.count} did not end after {loop.limit} pages",
                expected=f"startIndex to pass totalResults within {loop.limit} pages",
                got=f"still paging at startIndex={loop.start}: the import loops or totalResults grows",
            )
        assert response is not None  # pages() yields at least one page
        scope = Scope(self.values, self.captures)
        for expectation in aggregates:
            at = At(expectation.pointer or "", True, collected.get(expectation.pointer or "", []), parsed)
            self._judge(step, expectation, response, parsed, scope, at)

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
        scope: Scope,
        at: At | None = None,
    ) -> None:
        __tracebackhide__ = True
        if (e.when_status and response.status_code not in e.when_status) or e.check in self.kept:
            return
        if e.if_claimed is not None and not self._claimed(e.if_claimed, parsed, e.pointer or ""):
            return
        verdict = self._verdict(step, e, response, parsed, scope, at)
        title = f"{self.where}: {e.title} ({verdict.what})" if e.title else f"{self.where}: {verdict.what}"
        if not verdict:
            self.kept.add(e.check)  # a stopping finding ends the sequence anyway
        self.probe.expect(
            verdict.ok,
            title,
            expected=verdict.expected,
            got=verdict.got,
            check=e.check,
            severity=e.severity,
            requirement=e.requirement,
            operation=self.operation,
        )

    def _claimed(self, attribute: str, parsed: Any, pointer: str) -> bool:
        """The provider claims ``attribute`` in its /Schemas and returns a non-empty value for it.

        CONTRACT §4: an attribute outside the stored table may be dropped or derived;
        only one the provider claims and returns is judged (at rfc).
        """
        found, value = resolve(parsed, pointer)
        returned = found and value not in (None, "", [], {})
        return returned and self.probe.claims.claims(attribute)

    def _verdict(
        self,
        step: Step,
        e: Expectation,
        response: httpx.Response,
        parsed: Any,
        scope: Scope,
        at: At | None,
    ) -> Verdict:
        """The check an expectation names, applied to this response."""
        if e.test == "status":
            verdict = checks.status(response, *e.argument)
            return Verdict(
                verdict.ok,
                f"{step.method} {step.path} answered {response.status_code}",
                verdict.expected,
                verdict.got,
            )
        if e.test == "list_response":
            verdict = checks.list_response(response, parsed)
            return Verdict(
                verdict.ok,
                f"{step.method} {step.path} did not answer a valid ListResponse",
                "a ListResponse with integer totalResults, startIndex, itemsPerPage and a Resources array",
                verdict.got,
            )
        if e.header is not None:
            return _header(response, e.header, e.test, e.argument)
        pointer = e.pointer or ""
        if at is None:
            found, value = resolve(parsed, pointer)
            at = At(pointer, found, value, parsed)
        return POINTER_TESTS[e.test](at, render(e.argument, scope), Labels(self.captures))


def _header(response: httpx.Response, name: str, test: str, argument: Any) -> Verdict:
    """A response header is there (``present``) or absent, or matches a pattern."""
    value = response.headers.get(name)
    if test == "present":
        shown = "no such header" if value is None else f"{name}: {value}"
        want = f"a {name} header" if argument else f"no {name} header"
        what = f"the response has {'no' if value is None else 'a'} {name} header"
        return Verdict((value is not None) == argument, what, want, shown)
    ok = value is not None and re.search(argument, value) is not None
    return Verdict(ok, f"the {name} header is {value!r}", f"matching {argument!r}", repr(value))
