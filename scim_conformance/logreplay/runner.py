"""Send each recorded request to the target, in order, and compare each answer with the recorded one.

The replay is as careful as a run: it sends a PUT, PATCH or DELETE only to a
resource it created itself (a recorded write to any other id is skipped, saying
so), and at the end removes what it created with the run's cleanup
(:class:`~scim_conformance.cleanup.Tracker`: groups deleted, users deactivated
or deleted). Recorded secrets are gone (``[REDACTED]``): the replay sends its
own token.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from ..cleanup import Tracker
from ..core.text import shorten
from ..target import Target
from .compare import differences
from .idmap import IdMap
from .records import Recorded

__all__ = ["Replayed", "render", "replay"]

# Headers the transport or the replay's own credentials set; a recorded value would be wrong here.
_NOT_SENT = frozenset(
    {"host", "content-length", "authorization", "proxy-authorization", "connection", "accept-encoding",
     "cookie", "transfer-encoding", "expect"}
)  # fmt: skip
_WRITES = frozenset({"PUT", "PATCH", "DELETE"})


@dataclass(frozen=True, slots=True)
class Replayed:
    """A recorded request, as sent again, and how the answer compares."""

    recorded: Recorded
    path: str
    """What was sent (ids mapped), below the SCIM root, query included."""
    status: int | None = None
    differences: tuple[str, ...] = ()
    skipped: str = ""
    """Why it was not sent, if it was not."""

    @property
    def same(self) -> bool:
        return not self.skipped and not self.differences


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _kind(path: str) -> str:
    return "Group" if path.startswith("/Groups") else "User"


def replay(records: Iterable[Recorded], target: Target) -> list[Replayed]:
    """Replay ``records`` against ``target``; clean up what the replay created."""
    ids, tracker = IdMap(), Tracker(target)
    done = []
    try:
        for record in records:
            done.append(_one(record, target, ids, tracker))
    finally:
        tracker.clean_up()
    return done


def _one(record: Recorded, target: Target, ids: IdMap, tracker: Tracker) -> Replayed:
    path = ids.rewrite(record.path)
    query = ids.rewrite(record.query)
    shown = path + (f"?{query}" if query else "")
    segments = path.strip("/").split("/")
    if record.method in _WRITES and len(segments) > 1 and not tracker.owns(segments[1]):
        return Replayed(record, shown, skipped="names a resource the replay did not create: not sent")
    # HTTP/2 pseudo-headers (``:authority`` in a browser's HAR) are not headers of the request to send.
    headers = {
        k: v
        for k, v in record.headers
        if k.lower() not in _NOT_SENT and not k.startswith(":") and "[REDACTED]" not in v
    }
    body = ids.rewrite(record.body) if record.body is not None else None
    try:
        response = target.client.request(
            record.method, shown, content=body.encode("utf-8") if body is not None else None, headers=headers
        )
    except httpx.HTTPError as exc:
        return Replayed(record, shown, differences=(f"no answer: {type(exc).__name__}: {exc}",))
    text = response.text or None
    new = _json(text)
    if record.method == "POST" and response.status_code == 201 and isinstance(new, dict):
        tracker.created(_kind(path), new)
    elif record.method == "DELETE" and response.status_code in (200, 204) and len(segments) > 1:
        tracker.gone(segments[1])
    elif isinstance(new, dict) and new.get("id"):
        tracker.seen(new)
    # Learn first: a create's recorded id must compare equal to the new one.
    ids.learn(_json(record.response_body), new)
    found = differences(record.status, record.response_body, response.status_code, text, ids)
    return Replayed(record, shown, response.status_code, tuple(found))


def render(done: list[Replayed]) -> list[str]:
    """One line per request (recorded status → new status), its differences indented below it."""
    lines = []
    for item in done:
        record = item.recorded
        head = f"#{record.number} {record.method} {shorten(item.path, 90)}"
        recorded = "-" if record.status is None else str(record.status)
        if item.skipped:
            lines.append(f"{head}  skipped: {item.skipped}")
            continue
        verdict = "same" if item.same else "DIFFERS"
        if record.status is None and item.same:
            verdict = "sent (no answer was recorded to compare with)"
        lines.append(f"{head}  {recorded} → {item.status if item.status is not None else '-'}  {verdict}")
        lines += [f"    {line}" for line in item.differences]
    differ = sum(1 for i in done if i.differences)
    skipped = sum(1 for i in done if i.skipped)
    lines.append(
        f"{len(done)} requests: {len(done) - differ - skipped} same, {differ} differ, {skipped} skipped"
    )
    return lines
