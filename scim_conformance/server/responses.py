"""SCIM JSON responses: the media type, encodings and ListResponse shape of RFC 7644."""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.responses import Response

from ..spec import LIST_RESPONSE, SCIM_MEDIA_TYPE, Json
from .errors import ScimError


def scim_json(body: Json, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(content, status, headers, media_type=SCIM_MEDIA_TYPE)


def scim_error(error: ScimError) -> Response:
    return scim_json(error.body(), error.status, error.headers)


def list_response(total: int, start: int, resources: list[Json]) -> Json:
    """RFC 7644 §3.4.2: integers, ``startIndex`` echoing the request, ``itemsPerPage`` counting the page."""
    return {
        "schemas": [LIST_RESPONSE],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }
