"""Fakes of Guru's hosted API as it stands today and as it stood in 2022, met at their real names.

:class:`CognitoGuru` behaves like today's hosted API: tokens come from Amazon Cognito's
``POST /oauth2/token`` on ``customer-console-prod.auth.us-west-2.amazoncognito.com`` (form-encoded
client credentials, in the form or as HTTP Basic; ``scope`` required, ``audience`` refused), and
``api.getguru.ai`` accepts only the raw token (``Authorization: <token>``), answering anything
else with Guru's gateway's ``401 {"message": "Unauthorized"}``.

:class:`Auth0Guru` behaves like the 2022 API of ``guru-fitness-api.md``: an Auth0 tenant's
``POST /oauth/token`` that wants ``audience=https://api.formguru.fitness/``, and
``api.getguru.fitness`` that wants ``Authorization: Bearer <token>``.

Both run on one :class:`~tests.fakehttp.FakeServer` on 127.0.0.1 and tell the hosts apart by the
``Host`` header. :func:`redirect_hosts` makes the client's connections to those hosts go to it
(plain HTTP on 127.0.0.1) while every request keeps its URL's host in ``Host``: the client runs
with its own defaults, unchanged.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import parse_qs

import httpx
import pytest

from tests.client.fakeguru import CLIENT_ID, CLIENT_SECRET, FakeGuru
from tests.fakehttp import FakeServer, Recorded, Reply

COGNITO_HOST = "customer-console-prod.auth.us-west-2.amazoncognito.com"
API_HOST = "api.getguru.ai"
SCOPE = "https://api.getguru.ai/default"
AUTH0_HOST = "guru-prod.us.auth0.com"
API_2022_HOST = "api.getguru.fitness"
AUDIENCE_2022 = "https://api.formguru.fitness/"

UNAUTHORIZED = Reply(401, json={"message": "Unauthorized"})


def _host(rec: Recorded) -> str:
    return rec.headers.get("host", "").partition(":")[0]


def _client_credentials(rec: Recorded) -> tuple[dict[str, list[str]], str | None, str | None]:
    """The form, and the client id and secret from the form or an HTTP Basic header."""
    form = parse_qs(rec.body.decode())
    cid = form.get("client_id", [None])[0]
    secret = form.get("client_secret", [None])[0]
    scheme, _, value = rec.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        cid, _, secret = base64.b64decode(value).decode().partition(":")
    return form, cid, secret


class _HostedGuru(FakeGuru):
    """FakeGuru with a token endpoint and a header form of its own, on named hosts."""

    token_host = ""
    token_path = ""
    api_host = ""
    scheme = ""  # "" for the raw token, "Bearer" for Bearer

    def __init__(self, server: FakeServer) -> None:
        super().__init__(server)
        self.auth_url = f"https://{self.token_host}{self.token_path}"
        self.url = f"https://{self.api_host}"
        server.route("POST", self.token_path, self._token)

    def hosts(self) -> dict[str, str]:
        """``host -> where it really is``, for :func:`redirect_hosts`."""
        return {self.token_host: self.server.url, self.api_host: self.server.url}

    def token_requests_made(self) -> list[Recorded]:
        """The token requests received."""
        return [r for r in self.server.requests if r.path == self.token_path]

    def _refusal(self, form: Mapping[str, list[str]]) -> Reply | None:
        raise NotImplementedError

    def _token(self, rec: Recorded) -> Reply:
        if _host(rec) != self.token_host:
            return Reply(404, json={"message": f"no token endpoint on {_host(rec)}"})
        form, cid, secret = _client_credentials(rec)
        self.token_requests.append(form)
        if form.get("grant_type") != ["client_credentials"]:
            return Reply(400, json={"error": "unsupported_grant_type"})
        if cid != CLIENT_ID or secret != CLIENT_SECRET:
            return Reply(400, json={"error": "invalid_client"})
        refused = self._refusal(form)
        if refused is not None:
            return refused
        with self._lock:
            token = f"tok-{next(self._ids)}"
            self.tokens[token] = time.time() + self.token_ttl
        return Reply(
            200,
            json={"access_token": token, "expires_in": self.token_ttl, "token_type": "Bearer"},
        )

    def _authorised(self, rec: Recorded) -> bool:
        if _host(rec) != self.api_host:
            return False
        header = rec.headers.get("authorization", "")
        if self.scheme:
            scheme, _, token = header.partition(" ")
            if scheme != self.scheme:
                return False
        else:
            token = header
        with self._lock:
            expiry = self.tokens.get(token)
        return expiry is not None and expiry > time.time()


class CognitoGuru(_HostedGuru):
    """Today's hosted API: Cognito tokens for a scope (no audience), the raw token on the API."""

    token_host = COGNITO_HOST
    token_path = "/oauth2/token"
    api_host = API_HOST
    scheme = ""

    def _refusal(self, form: Mapping[str, list[str]]) -> Reply | None:
        if "audience" in form:
            return Reply(400, json={"error": "invalid_request"})
        if form.get("scope") != [SCOPE]:
            return Reply(400, json={"error": "invalid_scope"})
        return None


class Auth0Guru(_HostedGuru):
    """The 2022 API: Auth0 tokens for an audience (no scope), ``Bearer`` on the API."""

    token_host = AUTH0_HOST
    token_path = "/oauth/token"
    api_host = API_2022_HOST
    scheme = "Bearer"

    def _refusal(self, form: Mapping[str, list[str]]) -> Reply | None:
        if form.get("audience") != [AUDIENCE_2022]:
            return Reply(
                403,
                json={
                    "error": "access_denied",
                    "error_description": f"Service not found: {form.get('audience')}",
                },
            )
        if "scope" in form:
            return Reply(403, json={"error": "access_denied", "error_description": "bad scope"})
        return None


def _moved(request: httpx.Request, hosts: Mapping[str, str]) -> None:
    target = hosts.get(request.url.host)
    if target is not None:
        where = httpx.URL(target)
        request.url = request.url.copy_with(scheme=where.scheme, host=where.host, port=where.port)


class _Redirect(httpx.BaseTransport):
    def __init__(self, hosts: Mapping[str, str]) -> None:
        self.hosts = hosts
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _moved(request, self.hosts)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class _AsyncRedirect(httpx.AsyncBaseTransport):
    def __init__(self, hosts: Mapping[str, str]) -> None:
        self.hosts = hosts
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        _moved(request, self.hosts)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@contextmanager
def redirect_hosts(monkeypatch: pytest.MonkeyPatch, hosts: Mapping[str, str]) -> Iterator[None]:
    """Clients made inside connect to ``hosts[host]`` for each named host (and as usual otherwise).

    The requests keep their URL (and so their ``Host`` header); only the connection goes
    elsewhere, as a DNS entry would send it, and in plain HTTP.
    """
    from guru_form.client import aio, sync

    def sync_http(timeout: httpx.Timeout) -> httpx.Client:
        return httpx.Client(timeout=timeout, transport=_Redirect(hosts))

    def async_http(timeout: httpx.Timeout) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=timeout, transport=_AsyncRedirect(hosts))

    with monkeypatch.context() as patch:
        patch.setattr(sync, "build_sync_http", sync_http)
        patch.setattr(aio, "build_async_http", async_http)
        yield
