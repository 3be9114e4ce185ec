"""Who may call the server: realms and the service accounts Okta authenticates as."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from ..spec import ALL_PERMISSIONS


@dataclass(frozen=True, slots=True)
class Realm:
    """A Zentral realm; only realms with SCIM enabled answer at their SCIM root."""

    id: str
    name: str = "Okta"
    scim_enabled: bool = True


@dataclass(frozen=True, slots=True)
class ServiceAccount:
    """A Zentral service account: an API token and the permissions of its groups (CONTRACT §1)."""

    name: str
    token: str
    permissions: frozenset[str] = ALL_PERMISSIONS

    def __repr__(self) -> str:
        # The token never appears in a repr, a log line or a traceback.
        return f"ServiceAccount(name={self.name!r}, permissions={sorted(self.permissions)!r})"


def new_realm_id() -> str:
    return str(uuid.uuid4())


def new_token() -> str:
    """A random API token with Zentral's shape (40 hex characters)."""
    return secrets.token_hex(20)


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


class Accounts:
    """Bearer-token lookup that does not leak the tokens through timing.

    Tokens are indexed by their SHA-256 digest: the dict lookup branches on a
    digest, which says nothing usable about the token, and the final equality is
    ``hmac.compare_digest``.
    """

    def __init__(self, accounts: Iterable[ServiceAccount]) -> None:
        self._by_digest = {_digest(a.token): a for a in accounts}

    def authenticate(self, token: str) -> ServiceAccount | None:
        digest = _digest(token)
        account = self._by_digest.get(digest)
        if account is None or not hmac.compare_digest(digest, _digest(account.token)):
            return None
        return account
