"""Request handlers: parse the request, call the store, render SCIM JSON.

Handlers are plain async functions of a :class:`Context` that the app builds
once authentication, realm and permission checks have passed (``app.py``).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..core.text import shorten
from ..spec import Json
from . import definitions, filtering, patching, validation
from .errors import ScimError, invalid_syntax, invalid_value, not_found
from .responses import list_response, scim_json
from .store import GROUP, USER, Store

MAX_BODY = 1024 * 1024
MAX_RESULTS = 1000  # ServiceProviderConfig filter.maxResults
_INTEGER = re.compile(r"-?[0-9]+")


@dataclass(frozen=True, slots=True)
class Context:
    request: Request
    store: Store
    realm: str
    base: str  # this realm's SCIM root URL, for meta.location and Location


Handler = Callable[[Context], Awaitable[Response]]


# -- request parsing -----------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


async def read_json(request: Request) -> object:
    """The request body as JSON: 413 past 1 MB, 400 invalidSyntax when it is not JSON (RFC 8259)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise ScimError(413, f"request body larger than {MAX_BODY} bytes")
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media not in ("", "application/scim+json", "application/json"):
        raise ScimError(415, f"unsupported Content-Type {media!r}: send application/scim+json")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise ScimError(413, f"request body larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise invalid_syntax("the request has no body; a JSON object was expected")
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise invalid_syntax("the request body is not UTF-8") from None
    except (ValueError, RecursionError) as exc:
        raise invalid_syntax(f"the request body is not valid JSON: {exc}") from None


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    # int() alone would also take "1_000", " 7" and non-ASCII digits such as "٣".
    if _INTEGER.fullmatch(raw) is None:
        raise invalid_value(f"{name} must be an integer, got {shorten(raw, 40)!r}")
    try:
        return int(raw)
    except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
        raise invalid_value(f"{name} must be an integer, got {shorten(raw, 40)!r}") from None


def _csv_param(request: Request, name: str) -> list[str] | None:
    raw = request.query_params.get(name)
    return [a.strip() for a in raw.split(",") if a.strip()] if raw else None


# -- rendering -----------------------------------------------------------------


def _render(ctx: Context, kind: str, resource: Json) -> Json:
    rt = definitions.resource_types()[kind]
    resource["meta"]["location"] = f"{ctx.base}{rt.endpoint}/{resource['id']}"
    request = ctx.request
    if "attributes" in request.query_params or "excludedAttributes" in request.query_params:
        return validation.project(
            rt,
            resource,
            attributes=_csv_param(request, "attributes"),
            excluded=_csv_param(request, "excludedAttributes"),
        )
    return resource


def _resource_response(ctx: Context, kind: str, resource: Json, status: int = 200) -> Response:
    body = _render(ctx, kind, resource)
    headers = {"Location": body["meta"]["location"]} if status == 201 else None
    return scim_json(body, status, headers)


# -- Users and Groups ----------------------------------------------------------


async def list_resources(ctx: Context, kind: str) -> Response:
    request = ctx.request
    rt = definitions.resource_types()[kind]
    # RFC 7644 §3.4.2.4: startIndex < 1 is read as 1, a negative count as 0.
    start = max(_int_param(request, "startIndex", 1), 1)
    count = min(max(_int_param(request, "count", MAX_RESULTS), 0), MAX_RESULTS)
    text = request.query_params.get("filter")
    flt = None
    if text is not None:
        flt = filtering.parse_filter(text)
        filtering.validate_filter(flt, rt)
    total, page = ctx.store.query(ctx.realm, kind, flt, start, count)
    return scim_json(list_response(total, start, [_render(ctx, kind, r) for r in page]))


async def create_resource(ctx: Context, kind: str) -> Response:
    body = await read_json(ctx.request)
    resource = validation.prepare(definitions.resource_types()[kind], body)
    return _resource_response(ctx, kind, ctx.store.create(ctx.realm, kind, resource), 201)


async def get_resource(ctx: Context, kind: str, rid: str) -> Response:
    resource = ctx.store.get(ctx.realm, kind, rid)
    if resource is None:
        raise not_found(f"{kind} {rid!r} not found")
    return _resource_response(ctx, kind, resource)


async def replace_resource(ctx: Context, kind: str, rid: str) -> Response:
    body = await read_json(ctx.request)
    rt = definitions.resource_types()[kind]
    resource = ctx.store.update(
        ctx.realm, kind, rid, lambda current: validation.prepare(rt, body, current=current)
    )
    return _resource_response(ctx, kind, resource)


async def patch_resource(ctx: Context, kind: str, rid: str) -> Response:
    body = await read_json(ctx.request)
    rt = definitions.resource_types()[kind]

    def change(current: Json) -> Json:
        # PATCH sees the resource as a client does (users with their read-only
        # ``groups``), so echoing a read-only value back is recognised as unchanged.
        shown = ctx.store.get(ctx.realm, kind, rid) or current
        shown["meta"]["location"] = f"{ctx.base}{rt.endpoint}/{rid}"
        return validation.prepare(rt, patching.apply_patch(shown, body, rt), current=current)

    return _resource_response(ctx, kind, ctx.store.update(ctx.realm, kind, rid, change))


async def delete_group(ctx: Context, rid: str) -> Response:
    ctx.store.delete_group(ctx.realm, rid)
    return Response(status_code=204)


# -- discovery (RFC 7644 §4) ----------------------------------------------------


def _no_filter(ctx: Context) -> None:
    # RFC 7644 §4: a filter on a discovery endpoint SHOULD get 403, so clients
    # never believe a condition was applied.
    if "filter" in ctx.request.query_params:
        raise ScimError(403, "filtering is not supported on discovery endpoints")


def _with_meta(ctx: Context, document: Json, resource_type: str, path: str) -> Json:
    document = copy.deepcopy(document)
    document["meta"] = {"resourceType": resource_type, "location": f"{ctx.base}{path}"}
    return document


async def service_provider_config(ctx: Context) -> Response:
    _no_filter(ctx)
    config = definitions.service_provider_config()
    return scim_json(_with_meta(ctx, config, "ServiceProviderConfig", "/ServiceProviderConfig"))


def _resource_type_documents(ctx: Context) -> dict[str, Json]:
    return {
        name: _with_meta(ctx, rt.raw, "ResourceType", f"/ResourceTypes/{name}")
        for name, rt in definitions.resource_types().items()
    }


def _schema_documents(ctx: Context) -> dict[str, Json]:
    return {
        urn: _with_meta(ctx, schema.raw, "Schema", f"/Schemas/{urn}")
        for urn, schema in definitions.schemas().items()
    }


async def list_resource_types(ctx: Context) -> Response:
    _no_filter(ctx)
    docs = list(_resource_type_documents(ctx).values())
    return scim_json(list_response(len(docs), 1, docs))


async def get_resource_type(ctx: Context, name: str) -> Response:
    doc = _resource_type_documents(ctx).get(name)
    if doc is None:
        raise not_found(f"resource type {name!r} not found")
    return scim_json(doc)


async def list_schemas(ctx: Context) -> Response:
    _no_filter(ctx)
    docs = list(_schema_documents(ctx).values())
    return scim_json(list_response(len(docs), 1, docs))


async def get_schema(ctx: Context, urn: str) -> Response:
    doc = _schema_documents(ctx).get(urn)
    if doc is None:
        raise not_found(f"schema {urn!r} not found")
    return scim_json(doc)


async def not_implemented(ctx: Context, feature: str) -> Response:
    # RFC 7644 §3.7 and §3.11: unsupported bulk and /Me answer 501.
    raise ScimError(501, f"{feature} is not supported by this service provider")


__all__ = ["GROUP", "USER", "Context", "Handler"]
