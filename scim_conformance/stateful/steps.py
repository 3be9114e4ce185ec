"""How a step of the machine talks to the target: requests numbered by step, mismatches as findings.

:class:`StepMachine` holds what every rule uses, and no rule: the session, the
run's marker and model, sending a request through the probe (noting which step
and purpose it served), judging a response, and the report a failure carries.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from hypothesis.stateful import RuleBasedStateMachine

from .. import checks
from ..checks import Verdict, json_or_none, show
from ..core.text import scim_path
from ..errors import ConformanceFailure
from ..okta import OktaClient, Request
from ..okta import requests as okta
from ..probe import Probe
from ..spec import Json
from ..strategies import Profile
from .model import Model
from .operations import CHECK, KIND_CHECKS, KINDS, RULE_OPERATIONS, describe
from .report import Note, log_lines, now, sequence_text


@dataclass(slots=True)
class Session:
    """What the runs of one test share: who runs, and the last failure with its request-log lines."""

    probe: Probe
    profile: Profile
    run: str
    replay_file: Path | None
    kept: set[str] = field(default_factory=set)
    """Kinds of rfc mismatch already reported: one finding per kind and test."""
    last_failure: ConformanceFailure | None = None
    last_lines: list[Json] = field(default_factory=list)


class StepMachine(RuleBasedStateMachine):
    """The requests, findings and report of one run (one hypothesis example); the rules subclass it."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.probe = session.probe
        self.profile: Profile = session.profile
        self.probe.begin_example()
        # Fixed length: no run's marker is a prefix of another's.
        self.marker = f"{session.run}-{secrets.token_hex(4)}"
        self.model = Model()
        self.steps: list[str] = []
        self.notes: dict[int, Note] = {}
        self.rule = ""
        self._purpose = "invariant"
        self.okta = OktaClient(self.profile, self._send_request, self._read)
        # Findings are attributed to the Okta operation of the step (see _step), not of each request.
        """Okta's requests under this run's profile, sent (and noted by step) through :meth:`_send`."""

    # -- requests and findings ---------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        query: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        validate: bool = True,
    ) -> httpx.Response:
        recorder = self.probe.target.recorder
        mark, sent = recorder.mark(), now()
        try:
            return self.probe.request(
                method,
                path,
                query=query,
                body=body,
                headers=headers,
                operation=self._operation(),
                validate=validate,
            )
        finally:
            for exchange in recorder.since(mark):
                self.notes[exchange.number] = Note(len(self.steps), self.rule, self._purpose, sent)

    def _send_request(self, request: Request, *, validate: bool = True) -> httpx.Response:
        return self._send(
            request.method,
            request.path,
            query=request.query,
            body=request.body,
            headers=dict(request.headers),
            validate=validate,
        )

    def _read(self, response: httpx.Response) -> Json:
        """A GET of one resource: 200 and a JSON object, else a finding naming the resource."""
        kind, _, rid = scim_path(response.request.url.path).strip("/").partition("/")
        self._expect_status(
            response, 200, what=f"GET /{kind}/{{id}} of {self._name(rid)} answered {response.status_code}"
        )
        return self._resource(response, f"GET /{kind}/{{id}}")

    def _operation(self) -> str:
        if not self.rule:
            return ""
        text = describe(self.rule, self.profile)
        checked = ", checked after it" if self._purpose == "invariant" else ""
        return f"{text} ({self.profile}; step {len(self.steps)}{checked})"

    def _judge(self, verdict: Verdict, *, kind: str, what: str = "") -> None:
        """A check's verdict, as a mismatch of ``kind``; its own words unless ``what`` is given."""
        __tracebackhide__ = True
        self._expect(verdict.ok, what or verdict.what, kind=kind, expected=verdict.expected, got=verdict.got)

    def _expect(self, ok: bool, what: str, *, kind: str, expected: str, got: str) -> None:
        __tracebackhide__ = True
        if ok:
            return
        severity, requirement = KINDS[kind]
        if severity == "rfc":
            if kind in self.session.kept:
                return
            self.session.kept.add(kind)
        self.probe.expect(
            False,
            f"stateful [{self.profile}], step {len(self.steps)} {self.rule}: {what}",
            expected=expected,
            got=got,
            check=KIND_CHECKS.get(kind, CHECK),
            severity=severity,
            requirement=requirement,
            operation=self._operation(),
        )

    def _expect_status(self, response: httpx.Response, *allowed: int, what: str = "") -> None:
        __tracebackhide__ = True
        self._judge(checks.status(response, *allowed), kind="request", what=what)

    def _resource(self, response: httpx.Response, what: str) -> Json:
        """The JSON object of a response; anything else is a finding."""
        __tracebackhide__ = True
        verdict = checks.json_object(response)
        self._judge(verdict, kind="request", what=f"{what}: the response is not a JSON resource")
        body = json_or_none(response)
        return body if isinstance(body, dict) else {}

    def _name(self, rid: str) -> str:
        if (user := self.model.users.get(rid)) is not None:
            return f"{user.label} ({user.attributes['userName']})"
        group = self.model.groups.get(rid) or self.model.deleted_groups.get(rid)
        return f"{group.label} ({group.display_name})" if group is not None else rid

    def _names(self, ids: set[str] | frozenset[str]) -> str:
        return "[" + ", ".join(sorted(self._name(i) for i in ids)) + "]"

    # -- steps and their report ----------------------------------------------------

    @contextlib.contextmanager
    def _step(self, rule_name: str, description: str) -> Iterator[None]:
        """One rule: its requests are numbered under a new step; a failure lists the run's requests."""
        self.steps.append(f"{rule_name} {description}".rstrip())
        self.rule, self._purpose = rule_name, "rule"
        self.probe.current_operation = RULE_OPERATIONS.get(rule_name, "")
        with self._reporting():
            yield
        self._purpose = "invariant"

    def _skip(self, rule_name: str, reason: str) -> None:
        """A step with nothing to act on: Okta sends nothing."""
        self.steps.append(f"{rule_name}: nothing to send ({reason})")
        self.rule = rule_name

    @contextlib.contextmanager
    def _reporting(self) -> Iterator[None]:
        try:
            yield
        except ConformanceFailure as failure:
            self._report(failure)
            raise

    def _report(self, failure: ConformanceFailure) -> None:
        """Note this run's requests on the failure, and keep them to save should this run be the last."""
        failure.add_note(
            sequence_text(
                self.steps,
                self.notes,
                self.model,
                failure.exchanges,
                base_url=self.probe.target.base_url,
                replay_file=self.session.replay_file,
            )
        )
        self.session.last_failure = failure
        self.session.last_lines = log_lines(failure.exchanges, self.notes)

    # -- request shapes shared by rules --------------------------------------------

    def _get(self, kind: str, rid: str) -> Json:
        return self._read(self.okta.fetch(kind, rid))  # type: ignore[arg-type]

    def _lookup(self, kind: str, attribute: str, value: str) -> list[Json]:
        # okta-requests.md §3, §8: %20 for spaces, the value percent-encoded (%22, %40, UTF-8).
        response = self._send_request(okta.lookup(kind, attribute, value))  # type: ignore[arg-type]
        if response.status_code == 404:
            return []  # Okta reads a 404 as "not found" too (okta-requests.md §3)
        self._expect_status(response, 200)
        found = self._resource(response, f"GET /{kind}?filter=…").get("Resources", [])
        return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []

    def _expect_found(self, kind: str, attribute: str, value: str, wanted: list[str]) -> None:
        found = self._lookup(kind, attribute, value)
        self._expect(
            [r.get("id") for r in found] == wanted,
            f"{attribute} eq {show(value)} returned {len(found)} resource(s)",
            kind="lookup",
            expected=f"exactly {self._names(set(wanted))}" if wanted else "no resource",
            got="; ".join(f"{r.get('id')} {attribute} {show(r.get(attribute))}" for r in found) or "nothing",
        )

    def _created(self, kind: str, response: httpx.Response) -> str:
        """The id of what a POST created: 200/201 and a non-empty string id, else a finding."""
        self._expect_status(response, 200, 201)
        body = self._resource(response, f"POST /{kind}")
        self._judge(checks.created_id(response, body), kind="request")
        return str(body.get("id"))
