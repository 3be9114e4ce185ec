"""The one exception the reference server raises to answer with a SCIM Error.

Every 4xx/5xx the server sends carries an RFC 7644 §3.12 Error body; handlers
raise :class:`ScimError` and the application turns it into that body, so no
code path can answer with an HTML page or a traceback.
"""

from __future__ import annotations

from ..spec import ERROR, Json


class ScimError(Exception):
    """A request the server refuses, with its HTTP status and RFC 7644 ``scimType``."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        scim_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type
        self.headers = headers or {}

    def body(self) -> Json:
        """The Error resource; ``status`` is a string, as RFC 7644 §3.12 specifies."""
        body: Json = {"schemas": [ERROR], "status": str(self.status), "detail": self.detail}
        if self.scim_type is not None:
            body["scimType"] = self.scim_type
        return body


def invalid_value(detail: str) -> ScimError:
    return ScimError(400, detail, scim_type="invalidValue")


def invalid_syntax(detail: str) -> ScimError:
    return ScimError(400, detail, scim_type="invalidSyntax")


def invalid_filter(detail: str) -> ScimError:
    return ScimError(400, detail, scim_type="invalidFilter")


def invalid_path(detail: str) -> ScimError:
    return ScimError(400, detail, scim_type="invalidPath")


def no_target(detail: str) -> ScimError:
    return ScimError(400, detail, scim_type="noTarget")


def mutability(detail: str) -> ScimError:
    return ScimError(400, detail, scim_type="mutability")


def uniqueness(detail: str) -> ScimError:
    return ScimError(409, detail, scim_type="uniqueness")


def not_found(detail: str) -> ScimError:
    return ScimError(404, detail)
