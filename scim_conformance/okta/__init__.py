"""Okta's SCIM client: the requests it sends (``requests``), their bodies (``bodies``), its headers
and paging (``protocol``, ``imports``), and :class:`OktaClient`, which sends them per profile."""

from .client import MissingInput, OktaClient, Read, Send, step_request
from .imports import ImportLoops, Page, pages
from .protocol import OKTA_CONTENT_TYPE, OKTA_HEADERS, OKTA_PAGE, OKTA_PATCH_CHUNK, OKTA_TIMEOUT
from .requests import Request

__all__ = [
    "OKTA_CONTENT_TYPE",
    "OKTA_HEADERS",
    "OKTA_PAGE",
    "OKTA_PATCH_CHUNK",
    "OKTA_TIMEOUT",
    "ImportLoops",
    "MissingInput",
    "OktaClient",
    "Page",
    "Read",
    "Request",
    "Send",
    "pages",
    "step_request",
]
