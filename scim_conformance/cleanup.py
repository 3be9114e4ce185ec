"""Clean up exactly what the run created, one request per resource at most.

The harness only ever touches resources it created (every POST that answered
201 is registered here). At the end groups are deleted (CONTRACT §3) and users
deactivated with a PUT of their last-seen representation — the contract has no
user deletion — or deleted when the target showed that it supports DELETE
/Users. A user already deactivated and a group already deleted need nothing.

It is also where the run's budget is enforced (``scim_conformance.budget``):
every POST to /Users or /Groups is counted against the allowance of the test
that sends it (:meth:`Tracker.reserve`) before it is sent.
"""

from __future__ import annotations

import copy
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from .budget import BudgetExceeded, Plan
from .okta import requests as okta
from .okta.protocol import OKTA_CONTENT_TYPE
from .spec import Json
from .target import Target


@dataclass(slots=True)
class _Created:
    kind: str
    id: str
    label: str
    last_seen: Json
    gone: bool = False
    planted: bool = False


@dataclass
class Tracker:
    """What this process created on the target, and its last-seen state."""

    target: Target
    user_delete_supported: bool | None = None
    """Set by the suite that tries DELETE /Users/{id} on a user the run created."""
    plan: Plan | None = None
    """Each test's allowance of POSTs (``scim_conformance.budget``); None: none counted (unit tests)."""
    _created: dict[str, _Created] = field(default_factory=dict)
    _posted: Counter[tuple[str, str]] = field(default_factory=Counter)
    _remaining: dict[str, int] = field(default_factory=lambda: {"User": 0, "Group": 0})
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reserve(self, kind: str, account: str) -> None:
        """Count a POST to /Users (``kind`` "users") or /Groups ("groups") that ``account`` is about to send.

        ``account`` is the sending test's node id (or ``budget.POOL``). Beyond its
        allowance the POST is not sent: :class:`~scim_conformance.budget.BudgetExceeded`,
        a harness error — the test sends more than its ``footprint`` declares.
        """
        with self._lock:
            limit = self.plan.allowance(account).limit(kind) if self.plan is not None else None
            if limit is not None and self._posted[account, kind] >= limit:
                raise BudgetExceeded(
                    f"{account}: POST /{kind.capitalize()} not sent, this test's allowance of {limit} is "
                    f"spent (the run's budget: {self.plan.budget if self.plan else 'unlimited'}); "
                    "the test sends more than its @pytest.mark.footprint declares: declare what it sends"
                )
            self._posted[account, kind] += 1

    def left(self, kind: str, account: str) -> int | None:
        """POSTs to /Users or /Groups ``account`` may still send; None: no limit."""
        with self._lock:
            limit = self.plan.allowance(account).limit(kind) if self.plan is not None else None
            return None if limit is None else max(limit - self._posted[account, kind], 0)

    def posted(self, kind: str) -> int:
        """POSTs to /Users or /Groups sent so far by this process."""
        with self._lock:
            return sum(n for (_, k), n in self._posted.items() if k == kind)

    def created(self, kind: str, resource: Json) -> None:
        rid = resource.get("id")
        if not isinstance(rid, str) or not rid:
            return
        label = str(resource.get("userName") or resource.get("displayName") or "")
        with self._lock:
            self._created.setdefault(rid, _Created(kind, rid, label, resource))

    def seen(self, resource: Json) -> None:
        """A response showed this resource: keep it as the body a deactivating PUT will send.

        A resource shown after a DELETE that claimed success still exists: it needs cleaning.
        """
        rid = resource.get("id")
        with self._lock:
            entry = self._created.get(rid) if isinstance(rid, str) else None
            if entry is not None:
                entry.last_seen = resource
                entry.gone = False

    def gone(self, rid: str) -> None:
        with self._lock:
            if rid in self._created:
                self._created[rid].gone = True

    def owns(self, rid: str) -> bool:
        with self._lock:
            return rid in self._created

    def plant(self, rid: str) -> None:
        """``rid`` was created by a request Okta never sends (a user without userName, say).

        The target was wrong to create it, and the test that sent it says so; listed
        afterwards it is no resource of Okta's, so list pages do not judge it (a
        userName-less user on an import page would otherwise read as an okta finding).
        """
        with self._lock:
            if rid in self._created:
                self._created[rid].planted = True

    def planted(self, rid: str) -> bool:
        with self._lock:
            entry = self._created.get(rid)
            return entry is not None and entry.planted

    def clean_up(self) -> dict[str, Any]:
        """Delete groups, then deactivate (or delete) users; report what could not be cleaned."""
        with self._lock:
            entries = list(self._created.values())
        leftovers: list[str] = []
        remaining = {"User": 0, "Group": 0}
        requests = self._learn_user_delete(entries) if self.user_delete_supported is None else 0
        # Groups first: deleting them drops their memberships.
        for entry in sorted(entries, key=lambda e: e.kind != "Group"):
            if entry.gone:
                continue
            if (
                entry.kind == "User"
                and not self.user_delete_supported
                and entry.last_seen.get("active") is False
            ):
                remaining["User"] += 1
                continue
            requests += 1
            problem = self._clean(entry)
            if problem:
                leftovers.append(f"{entry.kind} {entry.id} ({entry.label}): {problem}")
            if problem or (entry.kind == "User" and not self.user_delete_supported):
                remaining[entry.kind] += 1
        self._remaining = remaining
        return {"created": len(entries), "requests": requests, "leftovers": leftovers}

    def footprint(self) -> dict[str, dict[str, int]]:
        """Per kind: POSTs sent, resources created, and those still on the target after :meth:`clean_up`.

        A user deactivated (not deleted: the target does not delete users) remains,
        as does anything the cleanup could not clean.
        """
        with self._lock:
            created = Counter(entry.kind for entry in self._created.values())
        return {
            kind.lower() + "s": {
                "posted": self.posted(kind.lower() + "s"),
                "created": created[kind],
                "remaining": self._remaining[kind],
            }
            for kind in ("User", "Group")
        }

    def _send(self, request: okta.Request) -> httpx.Response:
        headers = dict(request.headers)
        if request.body is not None:
            headers.setdefault("Content-Type", OKTA_CONTENT_TYPE)
        return self.target.client.request(request.method, request.path, json=request.body, headers=headers)

    def _learn_user_delete(self, entries: list[_Created]) -> int:
        """Find out whether DELETE /Users works, on a user that needs no cleanup request otherwise.

        The suite that tries DELETE /Users runs in one process only (one xdist
        worker, or none under ``-k``): the others learn it here. The request
        goes to a user of this run already deactivated, which the deactivating
        cleanup would leave alone, so the budget of one request per resource
        holds. Without such a user the users are deactivated. Returns the
        number of requests sent.
        """
        spare = next(
            (e for e in entries if e.kind == "User" and not e.gone and e.last_seen.get("active") is False),
            None,
        )
        if spare is None:
            return 0
        try:
            response = self.target.client.delete(
                f"/Users/{spare.id}", headers={"Content-Type": OKTA_CONTENT_TYPE}
            )
        except httpx.HTTPError:
            return 1  # the user is deactivated already: nothing is left behind
        if response.status_code in (200, 204):
            self.user_delete_supported = True
            spare.gone = True
        elif response.status_code in (405, 501):
            self.user_delete_supported = False
        return 1

    def _clean(self, entry: _Created) -> str | None:
        path = f"/{entry.kind}s/{entry.id}"
        try:
            if entry.kind == "Group":
                response = self._send(okta.delete_group(entry.id))
                ok = response.status_code in (200, 204, 404)
            elif self.user_delete_supported:
                # Not Okta's (it never deletes users): the harness's own, on a target that allows it.
                response = self.target.client.delete(path, headers={"Content-Type": OKTA_CONTENT_TYPE})
                ok = response.status_code in (200, 204, 404)
            else:
                # AIW's deactivation: PUT of the last-seen resource with active false (okta-requests.md §7).
                body = copy.deepcopy(entry.last_seen)
                body["active"] = False
                response = self._send(okta.replace("Users", entry.id, body))
                ok = response.status_code == 200
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        return None if ok else f"cleanup {response.request.method} answered {response.status_code}"
