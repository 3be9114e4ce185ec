"""The requests of a recorded log, with the answers recorded for them: request-log JSON lines or HAR."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["LogError", "Recorded", "read_records", "relative_path"]

# Where a SCIM path starts below any root (Zentral's /public/realms/<uuid>/scim/v2, another's /v2 …).
_ENDPOINT = re.compile(
    r"/(?:Users|Groups|ServiceProviderConfig|Schemas|ResourceTypes|Bulk|Me|\.search)(?=/|$)"
)


class LogError(Exception):
    """The file is not a log the replay can read (the message says which line and why)."""


@dataclass(frozen=True, slots=True)
class Recorded:
    """One recorded request and the answer it got."""

    number: int
    method: str
    path: str
    """Below the SCIM root, as sent (percent-encoding kept): ``/Users/8c41…``."""
    query: str
    headers: tuple[tuple[str, str], ...]
    body: str | None
    status: int | None
    """None when no answer was recorded (the client gave up, say)."""
    response_body: str | None


def relative_path(path: str) -> str:
    """``/public/realms/<uuid>/scim/v2/Users/1`` → ``/Users/1``; a path below no known endpoint stays."""
    found = _ENDPOINT.search(path)
    return path[found.start() :] if found else path


def read_records(path: Path) -> list[Recorded]:
    """The file's requests in order; :class:`LogError` when it is neither JSON lines nor HAR."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LogError(f"cannot read {str(path)!r}: {exc}") from None
    if text.lstrip().startswith("{") and '"log"' in text[:200] and '"entries"' in text:
        return _har(path, text)
    return _lines(path, text)


def _lines(path: Path, text: str) -> list[Recorded]:
    records: list[Recorded] = []
    # Split on \n only: the log writes U+2028 unescaped (docs/request-log.md).
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            records.append(
                Recorded(
                    len(records) + 1,
                    str(data["method"]),
                    relative_path(str(data["path"])),
                    str(data.get("query") or ""),
                    tuple((str(k), str(v)) for k, v in (data.get("headers") or {}).items()),
                    data.get("body"),
                    data.get("status"),
                    data.get("response_body"),
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise LogError(f"{path}:{number}: not a request-log line ({type(exc).__name__}: {exc})") from None
    return records


def _har(path: Path, text: str) -> list[Recorded]:
    try:
        entries: list[dict[str, Any]] = json.loads(text)["log"]["entries"]
        records: list[Recorded] = []
        for entry in entries:
            request, response = entry["request"], entry.get("response") or {}
            url = urlsplit(request["url"])
            status = response.get("status")
            records.append(
                Recorded(
                    len(records) + 1,
                    str(request["method"]),
                    relative_path(url.path),
                    url.query,
                    tuple((str(h["name"]).lower(), str(h["value"])) for h in request.get("headers", [])),
                    (request.get("postData") or {}).get("text"),
                    # HAR writes 0 for a request that got no response.
                    status if isinstance(status, int) and status > 0 else None,
                    (response.get("content") or {}).get("text") or None,
                )
            )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LogError(f"{path}: not a HAR file the replay can read ({type(exc).__name__}: {exc})") from None
    return records
