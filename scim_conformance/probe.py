"""A test's view of the target: recorded requests and findings that cite their check.

Suites call ``probe.request(...)`` and the ``expect_*`` helpers. A failed
``security`` or ``okta`` expectation raises at once (it stops the sequence); an
``rfc`` one is kept and the test goes on, so a tolerated deviation never hides
what would break Okta. The plugin raises kept findings when the test otherwise
passes: reported, and failing the test only when they gate (``--scim-strict``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

import httpx
import pytest

from . import checks, schemas
from .checks import Verdict, json_or_none, read_json
from .claims import NO_CLAIMS, Claims
from .cleanup import Tracker
from .core.terms import SEVERITIES, Profile, Severity, gates
from .core.text import scim_path
from .errors import PROFILES, ConformanceFailure, HarnessError
from .examples import Examples
from .interrupts import one_request
from .okta import OktaClient, Request
from .okta import requests as okta
from .okta.operations import OPERATIONS
from .okta.protocol import OKTA_CONTENT_TYPE
from .outcomes import Outcome
from .spec import Json
from .target import Target
from .traffic import Exchange

_WRITES = frozenset({"PUT", "PATCH", "DELETE"})
_FOREIGN_SAMPLE = 3
"""Resources of a Users or Groups page that this run did not create, schema-checked per page.

A page's envelope, and every resource the run created, are always checked. On a target
holding thousands of other users each page lists 100 of them, all different: checking
every one made the cost grow with the target, not with the run. The other resources get
the same schema through the same server code, so a few per page (spread over it) still
catch a fault in how the provider lists resources."""
_CREATES = {"Users": "users", "Groups": "groups"}


@dataclass
class Probe:
    """Requests and expectations of one test, with defaults from its ``check`` marker."""

    target: Target
    tracker: Tracker
    check: str
    severity: Severity
    requirement: str
    profiles: tuple[str, ...] = PROFILES
    operation: str = ""
    okta_operations: tuple[str, ...] = ()
    """The Okta operations the test exercises (its marker's ``operations``), the first its main one."""
    current_operation: str = ""
    """The Okta operation being exercised now: the findings made meanwhile are about it."""
    outcomes: list[Outcome] = field(default_factory=list)
    """Per-operation outcomes a driver recorded itself (the catalogue, step by step)."""
    claims: Claims = NO_CLAIMS
    """What the target's own ``/Schemas`` says it stores (the session's, read once): an attribute
    outside the stored table (CONTRACT §4) is judged, at rfc, only when claimed."""
    kept: list[ConformanceFailure] = field(default_factory=list)
    judged: dict[str, Severity | None] = field(default_factory=dict)
    """Every check this test judged, passed or not, with the severity a failure of it has (None:
    it depends on what fails, as for a schema) — summary.json lists each check run, not only findings."""
    account: str = ""
    """Whose allowance the POSTs of this probe count against (the test's node id; ``budget``)."""
    examples: Examples | None = None
    """The bounds of the test's hypothesis examples (budget, shrinking), checked by :meth:`begin_example`."""
    _mark: int = 0

    @classmethod
    def for_test(
        cls, target: Target, tracker: Tracker, node: pytest.Item, claims: Claims = NO_CLAIMS
    ) -> Probe:
        marker = node.get_closest_marker("check")
        if marker is None:
            raise HarnessError(f"{node.nodeid} uses the probe fixture without a @pytest.mark.check marker")
        kwargs = marker.kwargs
        profiles = tuple(kwargs.get("profiles", PROFILES))
        profile = getattr(node, "callspec", None) and node.callspec.params.get("okta_profile")  # type: ignore[attr-defined]
        if profile:
            profiles = (profile,)
        operations = tuple(kwargs.get("operations", ()))
        if unknown := [name for name in operations if name not in OPERATIONS]:
            raise HarnessError(
                f"{node.nodeid}: operations={unknown} are not Okta operations (one of {sorted(OPERATIONS)})"
            )
        return cls(
            target,
            tracker,
            check=marker.args[0],
            severity=kwargs["severity"],
            requirement=kwargs["requirement"],
            profiles=profiles,
            operation=kwargs.get("operation", ""),
            okta_operations=operations,
            current_operation=operations[0] if operations else "",
            claims=claims,
            account=node.nodeid,
            _mark=target.recorder.mark(),
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # hypothesis prints a failing example's arguments (this fixture too) field by
        # field: the target's token and every resource the run created. One line instead.
        printer.text(f"Probe({self.check!r}, {self.target!r})")

    # -- requests --------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        query: str | None = None,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        content: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        operation: str | None = None,
        anonymous: bool = False,
        validate: bool = True,
        account: str | None = None,
    ) -> httpx.Response:
        """Send a request as Okta would; ``query`` is appended verbatim (``%20`` vs ``+`` matters).

        ``headers`` replace the session's (an ``Authorization`` given here replaces the
        token); ``anonymous`` sends no ``Authorization`` header at all. ``validate=False``
        defers the schema check to the caller (:meth:`validate`), e.g. after a step's
        own, more specific expectations.

        A target that does not answer within the timeout is an okta finding: Okta
        drops the request after 60 s.

        A POST to /Users or /Groups counts against the run's budget, as
        ``account``'s (default: this test's) before it is sent, whatever it is answered.
        """
        if method.upper() in _WRITES:
            self._refuse_foreign(method, path)
        if method.upper() == "POST" and (kind := _CREATES.get(path.split("?", 1)[0].strip("/"))):
            self.tracker.reserve(kind, self.account if account is None else account)
        url = path + (f"?{query}" if query else "")
        sent_headers = dict(headers or {})
        if body is not None:
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if content is not None:
            sent_headers.setdefault("Content-Type", OKTA_CONTENT_TYPE)
        # From sending to tracking the answer, a Ctrl-C waits (a 201's id is never lost).
        with one_request():
            started = time.monotonic()
            try:
                request = self.target.build_request(
                    method, url, params=params, content=content, headers=sent_headers
                )
                if anonymous:
                    request.headers.pop("Authorization", None)
                response = self.target.client.send(request)
            except httpx.TimeoutException:
                self.fail(
                    f"{method} {path}: no response within {time.monotonic() - started:.0f} s",
                    expected="a response within Okta's 60 s limit",
                    got="no response (timeout)",
                    severity="okta",
                    requirement="okta-requests.md §10: Okta closes the socket after 60 s (MUST)",
                    operation=operation,
                )
            except httpx.HTTPError as exc:
                raise HarnessError(
                    f"{method} {self.target.url(path)} failed: {type(exc).__name__}: {exc}"
                ) from None
            self._track(method, path, response)
        if validate:
            self.validate(response, operation=operation)
        return response

    def send(
        self,
        request: Request,
        *,
        operation: str | None = None,
        validate: bool = True,
        account: str | None = None,
    ) -> httpx.Response:
        """Send one of Okta's requests (:mod:`scim_conformance.okta.requests`) with :meth:`request`."""
        return self.request(
            request.method,
            request.path,
            query=request.query,
            body=request.body,
            headers=dict(request.headers),
            operation=operation,
            validate=validate,
            account=account,
        )

    def read(self, response: httpx.Response, **kwargs: Any) -> Json:
        """The resource a ``GET`` answered: 200 and a JSON object, else a finding (at the test's check).

        What the Okta client calls when it needs the provider's own body (AIW's GET then PUT).
        """
        __tracebackhide__ = True
        self.expect_status(response, 200, **kwargs)
        body = self.expect_json(response, **kwargs)
        verdict = checks.json_object(response)
        if not verdict:
            self.fail(f"{verdict.what}", expected=verdict.expected, got=verdict.got, **kwargs)
        return dict(body)

    def okta(self, profile: Profile, **kwargs: Any) -> OktaClient:
        """Okta's client under ``profile``, sending through this probe (``kwargs`` go to :meth:`read`)."""
        return OktaClient(
            profile, self.send, lambda response: self.read(response, **kwargs), self._begin_operation
        )

    def _begin_operation(self, name: str) -> None:
        # What the test finds from now on is about this Okta operation (the matrix's row).
        self.current_operation = name

    def validate(self, response: httpx.Response, *, operation: str | None = None) -> None:
        """Every response is checked against the JSON Schema of what it should be.

        A violation is a finding with the severity the schema gives it (a User
        without ``id`` breaks Okta; a misnamed ``meta`` attribute is rfc).
        """
        __tracebackhide__ = True
        method = response.request.method
        kind = schemas.kind_for(method, str(response.request.url), response.status_code)
        if kind is None:
            return
        body = read_json(response)
        violations = schemas.validate(kind, body, resources=self._judged_resources(kind, body))
        base = kind.split(":")[0]
        self.judged.setdefault(f"schema.{base.lower()}", None)
        source = schemas.SOURCES.get(base, "RFC 7643")
        # Okta reads no discovery endpoint (okta-requests.md §10): a fault there is rfc at
        # most, however the schema grades the same fault in the lists Okta does read.
        discovery = kind.rsplit(":", 1)[-1] in schemas.DISCOVERY_KINDS
        where = scim_path(response.request.url.path)
        for severity in SEVERITIES:
            chosen = [v for v in violations if v.severity == severity]
            if chosen:
                okta = schemas.OKTA_READS.get(base) if severity == "okta" and not discovery else None
                self.expect(
                    False,
                    f"{method} {where}: {response.status_code} is not a valid {kind}",
                    expected=f"a body matching the {kind} schema ({source})",
                    got="\n".join(v.message for v in chosen) if response.content else "an empty body",
                    check=f"schema.{base.lower()}",
                    severity="rfc" if discovery else severity,
                    requirement=f"{source} (MUST)" + (f"; {okta}" if okta else ""),
                    operation=operation,
                )

    def _judged_resources(self, kind: str, body: object) -> list[int] | None:
        """Positions of a Users/Groups page's resources to check (:data:`_FOREIGN_SAMPLE`); None: all.

        Every resource this run created is checked (but those it planted with a request
        Okta never sends: :meth:`Tracker.plant`), and every one without a string ``id``
        (a finding, whoever made it); of the others, at most the sample, spread from the
        first to the last.
        """
        if kind not in ("ListResponse:User", "ListResponse:Group") or not isinstance(body, dict):
            return None
        listed = body.get("Resources")
        if not isinstance(listed, list):
            return None
        judged, foreign, planted = [], [], False
        for position, resource in enumerate(listed):
            rid = resource.get("id") if isinstance(resource, dict) else None
            if isinstance(rid, str) and self.tracker.planted(rid):
                planted = True  # Tracker.plant: not Okta's, not judged
            elif isinstance(rid, str) and not self.tracker.owns(rid):
                foreign.append(position)
            else:
                judged.append(position)
        if not planted and len(listed) <= _FOREIGN_SAMPLE:
            return None
        if len(foreign) > _FOREIGN_SAMPLE:
            last = len(foreign) - 1
            foreign = [foreign[i * last // (_FOREIGN_SAMPLE - 1)] for i in range(_FOREIGN_SAMPLE)]
        judged += foreign
        return sorted(judged)

    def _refuse_foreign(self, method: str, path: str) -> None:
        """Never send a write to a user or group this run did not create: that is a harness bug.

        The target may be shared or in production. Whatever a suite or a catalogue
        step computes (an id read from a lookup, say), only this run's own
        resources are ever changed or deleted.
        """
        segments = path.split("?", 1)[0].strip("/").split("/")
        if len(segments) >= 2 and segments[0] in ("Users", "Groups") and not self.tracker.owns(segments[1]):
            raise HarnessError(
                f"{method} {path}: not sent, {segments[1]!r} is not a resource this run created; the "
                "harness only changes or deletes its own resources (create one with probe.create)"
            )

    def _track(self, method: str, path: str, response: httpx.Response) -> None:
        segments = path.strip("/").split("/")
        kind = {"Users": "User", "Groups": "Group"}.get(segments[0])
        if kind is None:
            return
        if method == "DELETE":
            # Before the body is looked at: a successful DELETE answers 204 with none.
            if len(segments) == 2 and response.status_code in (200, 204):
                self.tracker.gone(segments[1])
            return
        parsed = read_json(response)
        if not isinstance(parsed, dict):
            return
        if method == "POST" and len(segments) == 1 and response.status_code in (200, 201):
            self.tracker.created(kind, parsed)
        elif response.status_code == 200 and "id" in parsed:
            self.tracker.seen(parsed)

    def exchanges(self) -> tuple[Exchange, ...]:
        """This test's (or this example's) exchanges so far, oldest first."""
        return tuple(self.target.recorder.since(self._mark))

    def begin_example(self) -> None:
        """Start a hypothesis example: its findings show only its own exchanges.

        Kept (rfc) findings of earlier examples stay: each holds its own exchanges.
        An example past the test's bounds (its share of the budget, the shrinking
        bound: :mod:`scim_conformance.examples`) is turned away here, before it sends anything.
        """
        if self.examples is not None:
            self.examples.begin()
        self._mark = self.target.recorder.mark()

    # -- findings --------------------------------------------------------------

    def finding(
        self,
        title: str,
        *,
        expected: str,
        got: str,
        check: str | None = None,
        severity: str | None = None,
        requirement: str | None = None,
        operation: str | None = None,
    ) -> ConformanceFailure:
        return ConformanceFailure(
            check=check or self.check,
            title=title,
            severity=severity or self.severity,
            requirement=requirement or self.requirement,
            expected=expected,
            got=got,
            exchanges=self.exchanges(),
            profiles=self.profiles,
            operation=operation or self.operation,
            okta_operation=self.current_operation,
        )

    def fail(self, title: str, *, expected: str, got: str, **kwargs: Any) -> NoReturn:
        """Stop the test with this finding (and any kept ones)."""
        __tracebackhide__ = True
        failure = self.finding(title, expected=expected, got=got, **kwargs)
        self.judged.setdefault(failure.check, failure.severity)
        failure.others = tuple(self.kept)
        self.kept.clear()
        if self.examples is not None:
            self.examples.failed()
        raise failure

    def judge(self, verdict: Verdict, title: str | None = None, **kwargs: Any) -> bool:
        """:meth:`expect` a check's verdict; the title is the verdict's own unless given."""
        __tracebackhide__ = True
        return self.expect(
            verdict.ok, title or verdict.what, expected=verdict.expected, got=verdict.got, **kwargs
        )

    def expect(self, ok: bool, title: str, *, expected: str, got: str, **kwargs: Any) -> bool:
        """Judge one requirement: security/okta failures stop the test, rfc ones are kept."""
        __tracebackhide__ = True
        severity: Severity = kwargs.get("severity") or self.severity
        self.judged.setdefault(kwargs.get("check") or self.check, severity)
        if ok:
            return True
        if gates(severity, strict=False):
            self.fail(title, expected=expected, got=got, **kwargs)
        finding = self.finding(title, expected=expected, got=got, **kwargs)
        # The same deviation seen again (say, a misnamed meta key on every user of
        # an import) is one finding, not one per response.
        if not any(f.check == finding.check and f.got == finding.got for f in self.kept):
            self.kept.append(finding)
        return False

    # -- common expectations ---------------------------------------------------

    def expect_status(
        self, response: httpx.Response, *allowed: int, title: str | None = None, **kwargs: Any
    ) -> bool:
        __tracebackhide__ = True
        return self.judge(checks.status(response, *allowed), title, **kwargs)

    def expect_json(self, response: httpx.Response, **kwargs: Any) -> Any:
        """The body as JSON, a copy of the caller's own to change; a body that is not JSON is a finding."""
        __tracebackhide__ = True
        self._expect_json_body(response, **kwargs)
        return json_or_none(response)

    def _expect_json_body(self, response: httpx.Response, **kwargs: Any) -> None:
        __tracebackhide__ = True
        verdict = checks.json_body(response)
        if not verdict:
            self.fail(verdict.what, expected=verdict.expected, got=verdict.got, **kwargs)

    def expect_scim_error(
        self,
        response: httpx.Response,
        status: int | Iterable[int],
        scim_type: str | None = None,
        *,
        title: str | None = None,
        body_severity: str = "rfc",
        **kwargs: Any,
    ) -> None:
        """The status, then an RFC 7644 §3.12 Error body (``body_severity``).

        The status is judged at the test's severity unless ``kwargs`` say otherwise
        (``severity``, ``requirement``, ``check`` as for :meth:`expect`).
        """
        __tracebackhide__ = True
        statuses = (status,) if isinstance(status, int) else tuple(status)
        if not self.expect_status(response, *statuses, title=title, **kwargs):
            return
        self.judge(
            checks.scim_error_body(response),
            severity=body_severity,
            requirement="RFC 7644 §3.12: errors carry a SCIM Error body, status as a string (MUST)",
        )
        if scim_type is not None and isinstance(read_json(response), dict):
            self.judge(
                checks.scim_type(response, scim_type),
                severity=body_severity,
                requirement="RFC 7644 §3.12, Table 9: the scimType of this error (MUST)",
            )

    def create(
        self, path: str, body: Json, *, operation: str | None = None, account: str | None = None
    ) -> Json:
        """POST a resource the test needs and return it as created (it is tracked for cleanup).

        A target that cannot create what Okta sends is an okta finding of check
        ``resources.create``, whatever the test checks next (the rest depends on it).
        ``account``: whose allowance the POST counts against (default: this test's).
        """
        __tracebackhide__ = True
        create = {
            "check": "resources.create",
            "severity": "okta",
            "requirement": "okta-requests.md §4, §8: POST answers 201 with the created resource and "
            "its id (MUST)",
            "operation": operation or ("Create group" if path == "/Groups" else "Create user"),
        }
        response = self.send(okta.create(path.strip("/"), body), operation=operation, account=account)  # type: ignore[arg-type]
        self.expect_status(response, 200, 201, **create)
        created = self.expect_json(response, **create)
        verdict = checks.created_id(response, created)
        if not verdict:
            self.fail(verdict.what, expected=verdict.expected, got=verdict.got, **create)
        return dict(created)

    def expect_list_response(self, response: httpx.Response, **kwargs: Any) -> Json:
        """A 200 ListResponse with integer counters (okta-requests.md §9): returns the body, to read only.

        Callers read a page, never change it: it is the parse every check of the
        response shares, so that a page of 100 users is parsed once (issue 10).
        """
        __tracebackhide__ = True
        self.expect_status(response, 200, **kwargs)
        self._expect_json_body(response, **kwargs)
        body = read_json(response)
        self.judge(
            checks.list_response(response, body),
            requirement="RFC 7644 §3.4.2; okta-requests.md §9: counters are JSON integers (MUST)",
            **{k: v for k, v in kwargs.items() if k != "requirement"},
        )
        return body if isinstance(body, dict) else {}
