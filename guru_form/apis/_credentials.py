"""Credentials that travel only in the ``Authorization`` header, and only to the client's own host.

A :class:`HeaderCredentials` is an ``httpx.Auth``: it adds ``Authorization: <scheme> <value>`` to a
request whose origin (scheme, host, port) is the client's ``base_url``, and to nothing else, so a
pagination link or a URL pointing elsewhere never receives the secret. It also knows every string
that must never be shown (the secret, and the header value built from it), which
:func:`redact_error` removes from an error before it reaches the caller.
"""

from __future__ import annotations

import base64
from collections.abc import Generator, Iterable
from typing import Any

import httpx

from guru_form.errors import GuruError

__all__ = ["HeaderCredentials", "origin_of", "redact_error", "redact_text"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
REDACTED = "***"
# Shorter "secrets" are not worth hiding (and hiding them would mangle every message).
_MIN_SECRET_LENGTH = 4


def origin_of(url: httpx.URL | str) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` of a URL, with the scheme's default port filled in."""
    u = httpx.URL(str(url))
    return (u.scheme, u.host, u.port or _DEFAULT_PORTS.get(u.scheme))


class HeaderCredentials(httpx.Auth):
    """An ``Authorization`` header for one origin.

    Parameters
    ----------
    scheme
        ``"Basic"``, ``"Bearer"`` or ``"Token"``.
    value
        What follows the scheme in the header.
    origin
        The base URL whose origin may receive the header.
    secrets
        The strings to keep out of messages (the header value is always one of them).
    """

    def __init__(
        self, scheme: str, value: str, *, origin: httpx.URL | str, secrets: Iterable[str]
    ) -> None:
        self.scheme = scheme
        self._header = f"{scheme} {value}"
        self._origin = origin_of(origin)
        self.secrets: tuple[str, ...] = tuple(s for s in {*secrets, value, self._header} if s)

    @classmethod
    def basic(cls, username: str, password: str, *, origin: httpx.URL | str) -> HeaderCredentials:
        """HTTP Basic credentials; the password (and the encoded pair) count as secrets."""
        encoded = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        return cls("Basic", encoded, origin=origin, secrets=(password, encoded))

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the header when the request goes to the credentials' own origin."""
        if origin_of(request.url) == self._origin:
            request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return f"{type(self).__name__}(scheme={self.scheme!r}, value={REDACTED!r})"


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``***`` (longest first, so none leaks in part).

    Secrets shorter than four characters are left alone: they cannot be told apart from
    ordinary text.
    """
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= _MIN_SECRET_LENGTH:
            text = text.replace(secret, REDACTED)
    return text


def _redact_value(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, dict):
        return {k: _redact_value(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(v, secrets) for v in value]
    if isinstance(value, tuple):
        return tuple(_redact_value(v, secrets) for v in value)
    return value


def redact_error(error: GuruError, secrets: Iterable[str]) -> GuruError:
    """Remove secrets from an error's message, arguments and the server body it carries.

    A server may echo what it was sent (a rejected token, the ``Authorization`` header); this keeps
    such echoes out of ``str(error)``, ``error.body`` and the per-field and HelpSpot error lists.
    The same error object is returned, changed in place.
    """
    found = tuple(secrets)
    if not found:
        return error
    error.args = tuple(_redact_value(a, found) for a in error.args)
    for attribute in ("message", "body", "errors", "field_errors"):
        if hasattr(error, attribute):
            setattr(error, attribute, _redact_value(getattr(error, attribute), found))
    return error
