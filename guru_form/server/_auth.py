"""Client credentials and access tokens for the local server.

The token endpoint takes the requests of both logins Guru has had: Amazon Cognito's (today: a
``scope``, client credentials in the form or as HTTP Basic) and Auth0's (2022: an ``audience``).
An access token is then sent raw (``Authorization: <token>``, as Guru's API wants) or after
``Bearer``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from guru_form.server._paths import write_private_file
from guru_form.server._store import Store

LOCAL_AUDIENCE = "https://guru-form.local/api/"
"""The audience the local server accepts by default (Guru's 2022 API's was ``https://api.formguru.fitness/``)."""

GURU_SCOPES = ("https://api.getguru.ai/default", "https://api.getguru.fitness/default")
"""The scopes the local server grants: Guru's, today's and the one its clients asked for until 2024-06."""

TOKEN_PATH = "/oauth2/token"
"""The token endpoint's path, as on Guru's Cognito endpoint (``/oauth/token``, Auth0's, works too)."""


@dataclass(frozen=True)
class ClientCredentials:
    """A client id and secret; the secret never appears in repr."""

    client_id: str
    client_secret: str = field(repr=False)

    @classmethod
    def generate(cls) -> ClientCredentials:
        """Fresh random credentials."""
        return cls(f"local-{secrets.token_hex(8)}", secrets.token_urlsafe(32))

    @classmethod
    def load_or_create(cls, path: Path) -> ClientCredentials:
        """Read credentials from ``path``; generate and store them (owner-only) on first use."""
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(str(data["client_id"]), str(data["client_secret"]))
        creds = cls.generate()
        creds.save(path)
        return creds

    def save(self, path: Path) -> None:
        """Write the credentials to ``path`` with owner-only permissions."""
        text = json.dumps({"client_id": self.client_id, "client_secret": self.client_secret})
        write_private_file(path, text + "\n")

    def matches(self, client_id: str, client_secret: str) -> bool:
        """Constant-time comparison of both values."""
        id_ok = hmac.compare_digest(self.client_id.encode(), client_id.encode())
        secret_ok = hmac.compare_digest(self.client_secret.encode(), client_secret.encode())
        return id_ok and secret_ok


class ServerAccess(Protocol):
    """Where a server is and how to log in to it."""

    @property
    def url(self) -> str:
        """The API's base URL, e.g. ``http://127.0.0.1:54321``."""
        ...

    @property
    def auth_url(self) -> str:
        """The OAuth token endpoint (``<url>/oauth2/token``)."""
        ...

    @property
    def client_id(self) -> str:
        """The client id the server accepts."""
        ...

    @property
    def client_secret(self) -> str:
        """The client secret the server accepts (a secret: never log or show it)."""
        ...


def client_kwargs(server: ServerAccess) -> dict[str, str]:
    """Keyword arguments for ``GuruClient(**client_kwargs(server))``.

    The client then logs in as it does with Guru's hosted API (its default scope, the raw token).
    """
    return {
        "client_id": server.client_id,
        "client_secret": server.client_secret,
        "base_url": server.url,
        "auth_url": server.auth_url,
    }


def parse_authorization(header: str) -> str | None:
    """The access token of an ``Authorization`` header: ``<token>`` or ``Bearer <token>``.

    Returns
    -------
    str or None
        None when the header is empty or has another form (``Basic ...``, ``Bearer`` alone).

    Examples
    --------
    >>> parse_authorization("abc"), parse_authorization("Bearer abc"), parse_authorization("Basic x")
    ('abc', 'abc', None)
    """
    parts = header.split()
    if len(parts) == 2 and parts[0].lower() == "bearer":
        return parts[1]
    if len(parts) == 1 and parts[0].lower() != "bearer":
        return parts[0]
    return None


@dataclass(frozen=True)
class IssuedToken:
    """A newly issued access token (the value is shown once, to the client that asked)."""

    value: str = field(repr=False)
    expires_in: int


class TokenError(Exception):
    """An access token was refused; the message is safe to show (it never contains the token)."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens:
    """Issues opaque access tokens and checks them; only their digests are stored."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def issue(self, client_id: str, ttl_s: float) -> IssuedToken:
        """A new token for ``client_id`` valid for ``ttl_s`` seconds."""
        value = secrets.token_urlsafe(32)
        now = time.time()
        self._store.add_token(_digest(value), client_id, now, now + ttl_s)
        return IssuedToken(value, max(0, round(ttl_s)))

    def check(self, token: str, revoked_before: float | None = None) -> None:
        """Raise :class:`TokenError` unless ``token`` is known, unexpired and not revoked."""
        known = self._store.token(_digest(token))
        if known is None:
            raise TokenError(f"the access token is not valid; get a new one from {TOKEN_PATH}")
        issued_at, expires_at = known
        if expires_at <= time.time():
            raise TokenError(f"the access token has expired; get a new one from {TOKEN_PATH}")
        if revoked_before is not None and issued_at <= revoked_before:
            raise TokenError(f"the access token was revoked; get a new one from {TOKEN_PATH}")
