"""OAuth2 client-credentials authentication as an ``httpx.Auth``.

One flow serves the sync and the async client (:meth:`OAuthClientCredentials._flow`): it asks for a
token, adds the ``Authorization`` header (the token alone, as Guru's API wants it, or
``Bearer <token>``), sends the request, and on a 401 asks for a *fresh* token and sends the request
once more. Only how a token is obtained differs between the two modes, and only in
that it is awaited: the sync driver holds a :class:`threading.Lock`, the async driver an
:class:`anyio.Lock`, so however many threads or tasks need a token at once, one exchange happens.

The token is cached in a :class:`TokenStore` (which a sync client may share with the async client
it starts for a batch) and reused until shortly before ``expires_in`` runs out: Guru rate-limits
clients that fetch a token for every call. The token request
itself is sent by the client under its retry policy (5xx, 429 and connection errors are retried).
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx

from guru_form._http import error_for_response, safe_url
from guru_form._http.errors import decode_body, request_id
from guru_form.client._config import Credentials
from guru_form.errors import APIError, AuthenticationError

__all__ = ["NO_AUTH", "OAuthClientCredentials", "Token", "TokenStore", "authorization_value"]

NO_AUTH = httpx.Auth()
"""Sends a request as it is: for the token endpoint and presigned upload URLs."""

_DEFAULT_LIFETIME_S = 3600.0
_MAX_REFRESH_MARGIN_S = 30.0


@dataclass(frozen=True)
class Token:
    """An access token and when it stops being used (a :func:`time.monotonic` instant).

    The value never appears in ``repr``.
    """

    value: str = field(repr=False)
    refresh_at: float

    def is_fresh(self, now: float | None = None) -> bool:
        """True while the token can still be sent."""
        return (time.monotonic() if now is None else now) < self.refresh_at


def refresh_at(expires_in: float, now: float) -> float:
    """When to stop using a token that lives ``expires_in`` seconds from ``now``.

    A token is replaced a little before it expires (a tenth of its life, at most 30 s), so a
    request never leaves with a token that dies on the way.

    Examples
    --------
    >>> refresh_at(3600, now=0.0)
    3570.0
    >>> refresh_at(10, now=0.0)
    9.0
    """
    margin = min(_MAX_REFRESH_MARGIN_S, 0.1 * expires_in)
    return now + max(0.0, expires_in - margin)


class TokenStore:
    """The cached token, safe to read and replace from any thread."""

    def __init__(self) -> None:
        self._token: Token | None = None
        self._lock = threading.Lock()

    def fresh(self, *, not_value: str | None = None) -> Token | None:
        """The cached token if it is fresh (and is not ``not_value``, a token a server refused)."""
        token = self._token
        if token is None or not token.is_fresh() or token.value == not_value:
            return None
        return token

    def put(self, token: Token) -> None:
        """Cache ``token``."""
        with self._lock:
            self._token = token

    def drop(self, value: str) -> None:
        """Forget the cached token if it is still ``value`` (a server refused it)."""
        with self._lock:
            if self._token is not None and self._token.value == value:
                self._token = None

    def __repr__(self) -> str:
        state = "empty" if self._token is None else "holding a token"
        return f"TokenStore({state})"


@dataclass(frozen=True)
class _TokenNeeded:
    """The flow needs a token; ``refused`` is the one a server just answered 401 to, if any."""

    refused: str | None = None


_Step = _TokenNeeded | httpx.Request
_Reply = str | httpx.Response


def authorization_value(token: str, scheme: str) -> str:
    """The ``Authorization`` header's value for ``token``.

    Examples
    --------
    >>> authorization_value("abc", "raw"), authorization_value("abc", "Bearer")
    ('abc', 'Bearer abc')
    """
    return token if scheme == "raw" else f"{scheme} {token}"


class OAuthClientCredentials(httpx.Auth):
    """Token auth whose token comes from an OAuth2 client-credentials exchange.

    Parameters
    ----------
    credentials
        Client id and secret.
    token_url
        The token endpoint.
    scope, audience
        The ``scope`` and ``audience`` to ask a token for; each is sent only when not None.
    auth_scheme
        ``"raw"`` sends ``Authorization: <token>`` (Guru's API), ``"Bearer"`` sends
        ``Authorization: Bearer <token>``.
    send_sync, send_async
        How the owning client sends the token request (under its retry policy, without auth);
        each returns the final response, error statuses included. A client gives the one for its
        mode.
    store
        Where the token is cached; pass another auth's ``store`` to share its token.
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        token_url: str,
        scope: str | None = None,
        audience: str | None = None,
        auth_scheme: str = "raw",
        send_sync: Callable[[httpx.Request], httpx.Response] | None = None,
        send_async: Callable[[httpx.Request], Awaitable[httpx.Response]] | None = None,
        store: TokenStore | None = None,
    ) -> None:
        self._credentials = credentials
        self._token_url = token_url
        self._scope = scope
        self._audience = audience
        self._scheme = auth_scheme
        self._send_sync = send_sync
        self._send_async = send_async
        self.store = store if store is not None else TokenStore()
        self._thread_lock = threading.Lock()
        self._task_lock: anyio.Lock | None = None

    def __repr__(self) -> str:
        return (
            f"OAuthClientCredentials(client_id={self._credentials.client_id!r}, "
            f"token_url={safe_url(self._token_url)!r}, client_secret=<hidden>)"
        )

    # -- the one flow -------------------------------------------------------------------------

    def _flow(self, request: httpx.Request) -> Generator[_Step, _Reply, None]:
        token = yield _TokenNeeded()
        assert isinstance(token, str)
        request.headers["Authorization"] = authorization_value(token, self._scheme)
        response = yield request
        assert isinstance(response, httpx.Response)
        if response.status_code != 401:
            return
        token = yield _TokenNeeded(refused=token)
        assert isinstance(token, str)
        request.headers["Authorization"] = authorization_value(token, self._scheme)
        yield request

    # -- the two drivers: they differ only in how a token is obtained -------------------------

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Authenticate ``request`` for ``httpx.Client`` (httpx calls this; see ``httpx.Auth``).

        Adds the token (fetched, or refreshed when expired, one thread at a time) and
        yields the request; on a 401 it drops that token, gets a new one and yields the request
        once more.

        Parameters
        ----------
        request
            The request to send.

        Yields
        ------
        httpx.Request
            The request, with its ``Authorization`` header; httpx sends back the response.
        """
        flow = self._flow(request)
        step = next(flow)
        while True:
            reply: _Reply
            if isinstance(step, _TokenNeeded):
                reply = self._sync_token(step.refused)
            else:
                reply = yield step
            try:
                step = flow.send(reply)
            except StopIteration:
                return

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Authenticate ``request`` for ``httpx.AsyncClient``: :meth:`sync_auth_flow`, awaited.

        The token is fetched or refreshed one task at a time (the others wait for it).

        Parameters
        ----------
        request
            The request to send.

        Yields
        ------
        httpx.Request
            The request, with its ``Authorization`` header; httpx sends back the response.
        """
        flow = self._flow(request)
        step = next(flow)
        while True:
            reply: _Reply
            if isinstance(step, _TokenNeeded):
                reply = await self._async_token(step.refused)
            else:
                reply = yield step
            try:
                step = flow.send(reply)
            except StopIteration:
                return

    def _sync_token(self, refused: str | None) -> str:
        if refused is not None:
            self.store.drop(refused)
        token = self.store.fresh(not_value=refused)
        if token is not None:
            return token.value
        with self._thread_lock:
            token = self.store.fresh(not_value=refused)
            if token is None:
                if self._send_sync is None:
                    raise RuntimeError("this auth was built for an async client")
                started = time.monotonic()
                token = self._parse(self._send_sync(self._token_request()), started)
                self.store.put(token)
            return token.value

    async def _async_token(self, refused: str | None) -> str:
        if refused is not None:
            self.store.drop(refused)
        token = self.store.fresh(not_value=refused)
        if token is not None:
            return token.value
        if self._task_lock is None:
            self._task_lock = anyio.Lock()
        async with self._task_lock:
            token = self.store.fresh(not_value=refused)
            if token is None:
                if self._send_async is None:
                    raise RuntimeError("this auth was built for a sync client")
                started = time.monotonic()
                token = self._parse(await self._send_async(self._token_request()), started)
                self.store.put(token)
            return token.value

    # -- the exchange, shared -----------------------------------------------------------------

    def _token_request(self) -> httpx.Request:
        """The documented form-encoded client-credentials request (scope and audience if set)."""
        form = {
            "grant_type": "client_credentials",
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret,
        }
        if self._scope is not None:
            form["scope"] = self._scope
        if self._audience is not None:
            form["audience"] = self._audience
        return httpx.Request(
            "POST", self._token_url, data=form, headers={"Accept": "application/json"}
        )

    def _parse(self, response: httpx.Response, started: float) -> Token:
        body = decode_body(response)
        if response.is_success:
            token = body.get("access_token") if isinstance(body, dict) else None
            if not isinstance(token, str) or not token:
                raise AuthenticationError(
                    "the token endpoint answered without an access_token; check auth_url points "
                    "at an OAuth2 token endpoint",
                    status_code=response.status_code,
                    request_id=request_id(response),
                    method="POST",
                    url=safe_url(self._token_url),
                )
            lifetime = _DEFAULT_LIFETIME_S
            if isinstance(body, dict) and body.get("expires_in") is not None:
                try:
                    lifetime = max(0.0, float(body["expires_in"]))
                except (TypeError, ValueError):
                    lifetime = _DEFAULT_LIFETIME_S
            return Token(token, refresh_at(lifetime, started))
        if response.status_code in (400, 401, 403):
            raise _oauth_error(response, body, self._credentials.client_id)
        error: APIError = error_for_response(response)
        raise error


def _oauth_error(response: httpx.Response, body: Any, client_id: str) -> AuthenticationError:
    error = description = None
    if isinstance(body, dict):
        error = body.get("error")
        description = body.get("error_description") or body.get("message")
    what = str(description or error or response.reason_phrase or "credentials refused")
    code = f" ({error})" if error and description else ""
    return AuthenticationError(
        f"the token endpoint refused client {client_id!r}: {what}{code}; check the client id and "
        "secret (GURU_CLIENT_ID / GURU_CLIENT_SECRET), the scope or audience (GURU_SCOPE / "
        "GURU_AUDIENCE: Guru's Cognito endpoint takes a scope, an Auth0-style one an audience) "
        "and auth_url",
        status_code=response.status_code,
        body=body,
        request_id=request_id(response),
        method="POST",
        url=safe_url(response.request.url),
    )
