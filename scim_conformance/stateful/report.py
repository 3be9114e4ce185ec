"""How a failing run is shown and saved: its steps with their numbered requests, and request-log lines.

The lines are those of the reference server's request log (docs/request-log.md,
built by :func:`scim_conformance.core.logline.log_line`), so a saved run reads
and replays like a log of what Okta sent.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..core.logline import log_line, timestamp
from ..spec import Json
from ..traffic import Exchange
from .model import Model


@dataclass(frozen=True, slots=True)
class Note:
    """What an exchange was for: its step, and whether the rule or an invariant sent it."""

    step: int
    rule: str
    purpose: str
    time: str


def now() -> str:
    """The current time as a request-log line's ``time``."""
    return timestamp()


def sequence_text(
    steps: list[str],
    notes: Mapping[int, Note],
    model: Model,
    exchanges: tuple[Exchange, ...],
    *,
    base_url: str,
    replay_file: Path | None,
) -> str:
    """The steps of a run and their requests, numbered as the finding's exchanges."""
    saved = f"; saved for replay as {replay_file} (request-log JSON lines)" if replay_file else ""
    lines = [f"Failing sequence: {len(steps)} steps, {len(exchanges)} requests{saved}"]
    names = [f"{u.label} = {uid}" for uid, u in model.users.items()]
    names += [f"{g.label} = {gid}" for gid, g in model.groups.items()]
    names += [f"{g.label} = {gid} (deleted)" for gid, g in model.deleted_groups.items()]
    lines += ["  " + "; ".join(names)] if names else []
    requests: dict[int, list[str]] = {}
    for number, exchange in enumerate(exchanges, 1):
        note = notes.get(exchange.number)
        outcome = exchange.status if exchange.error is None else exchange.error
        check = "   (invariant)" if note is not None and note.purpose == "invariant" else ""
        line = f"    {number:>3}. {exchange.method} {exchange.url.removeprefix(base_url)} → {outcome}{check}"
        requests.setdefault(note.step if note is not None else 0, []).append(line)
    lines += requests.get(0, [])
    for step, description in enumerate(steps, 1):
        lines += [f"  step {step}: {description}", *requests.get(step, [])]
    return "\n".join(lines)


def log_lines(exchanges: tuple[Exchange, ...], notes: Mapping[int, Note]) -> list[Json]:
    """A run's exchanges as request-log lines, each with its step, rule and purpose."""
    lines = []
    for exchange in exchanges:
        note = notes.get(exchange.number) or Note(0, "", "", now())
        extra = {"step": note.step, "rule": note.rule, "purpose": note.purpose}
        lines.append(request_log_line(exchange, time=note.time, extra=extra))
    return lines


def write_lines(path: Path, lines: list[Json]) -> None:
    """Write JSON lines to ``path``, created ``0600``: bodies hold user profiles."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
        out.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def request_log_line(exchange: Exchange, *, time: str, extra: Mapping[str, Any] | None = None) -> Json:
    """A recorded exchange as a line of the request log (docs/request-log.md), plus ``extra`` keys.

    The exchange is redacted already (``authorization: Bearer [REDACTED]``); the
    body's ``password`` values are redacted as the log does. ``client`` is null
    (the harness is the client); ``error`` says why no response came, if so.
    """
    parts = urlsplit(exchange.url)
    return log_line(
        time=time,
        client=None,
        method=exchange.method,
        path=parts.path,
        query=parts.query,
        headers=exchange.request_headers,
        body=exchange.request_body,
        status=exchange.status,
        response_headers=exchange.response_headers,
        response_body=exchange.response_body,
        duration_ms=exchange.duration_ms,
        extra={"error": exchange.error, **(extra or {})},
    )
