"""Where the client talks to and with which credentials: arguments, environment, or the local server.

Resolution order, for each setting: the constructor argument, then the environment variable, then
the documented default. With no credentials at all (no arguments, no ``GURU_CLIENT_ID`` /
``GURU_CLIENT_SECRET``) and no server chosen, the client uses guru_form's embedded local server, so
everything works offline.

The defaults are today's hosted API, as Guru's documentation describes it: the API at
:data:`DEFAULT_API_URL`, tokens from Guru's Amazon Cognito endpoint (:data:`DEFAULT_AUTH_URL`)
asked for with ``scope`` :data:`DEFAULT_SCOPE`, and the token sent raw, as
``Authorization: <token>``. An Auth0-style server, such as Guru's 2022 API (:data:`AUTH0_2022`),
takes an ``audience`` and no scope, and a ``Bearer`` header: set ``audience`` (which then replaces
the default scope) and ``auth_scheme="Bearer"``.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from guru_form.errors import InvalidInputError, MissingCredentialsError

__all__ = [
    "AUTH0_2022",
    "DEFAULT_API_URL",
    "DEFAULT_AUTH_URL",
    "DEFAULT_SCOPE",
    "ClientConfig",
    "Credentials",
    "LegacySettings",
    "check_url_allowed",
    "resolve_config",
]

#: The hosted Guru API.
DEFAULT_API_URL = "https://api.getguru.ai"
#: Guru's OAuth2 token endpoint (Amazon Cognito; client credentials, form-encoded).
DEFAULT_AUTH_URL = "https://customer-console-prod.auth.us-west-2.amazoncognito.com/oauth2/token"
#: The scope a token for the hosted API is asked for.
DEFAULT_SCOPE = "https://api.getguru.ai/default"

ENV_CLIENT_ID = "GURU_CLIENT_ID"
ENV_CLIENT_SECRET = "GURU_CLIENT_SECRET"
ENV_API_URL = "GURU_API_URL"
ENV_AUTH_URL = "GURU_AUTH_URL"
ENV_SCOPE = "GURU_SCOPE"
ENV_AUDIENCE = "GURU_AUDIENCE"
ENV_AUTH_SCHEME = "GURU_AUTH_SCHEME"

#: ``auth_scheme`` values: the token alone (``Authorization: <token>``), or after ``Bearer``.
AUTH_SCHEMES = ("raw", "Bearer")


@dataclass(frozen=True)
class LegacySettings:
    """The settings of an Auth0-style Guru server: an ``audience`` instead of a scope, ``Bearer``.

    Attributes
    ----------
    base_url, auth_url, audience, auth_scheme
        What to pass to ``GuruClient`` (or set as ``GURU_API_URL``, ``GURU_AUTH_URL``,
        ``GURU_AUDIENCE``, ``GURU_AUTH_SCHEME``) to talk to it.
    """

    base_url: str
    auth_url: str
    audience: str
    auth_scheme: str = "Bearer"

    def client_kwargs(self) -> dict[str, str]:
        """Keyword arguments for ``GuruClient(client_id, client_secret, **settings.client_kwargs())``."""
        return {
            "base_url": self.base_url,
            "auth_url": self.auth_url,
            "audience": self.audience,
            "auth_scheme": self.auth_scheme,
        }


#: Guru's API as documented from 2022-01 to 2022-10: an Auth0 tenant, an audience, ``Bearer``.
AUTH0_2022 = LegacySettings(
    base_url="https://api.getguru.fitness",
    auth_url="https://guru-prod.us.auth0.com/oauth/token",
    audience="https://api.formguru.fitness/",
)


@dataclass(frozen=True)
class Credentials:
    """OAuth2 client credentials. The secret never appears in ``repr``."""

    client_id: str
    client_secret: str

    def __repr__(self) -> str:
        return f"Credentials(client_id={self.client_id!r}, client_secret=<hidden>)"


@dataclass(frozen=True)
class ClientConfig:
    """Everything a client needs to reach one server, resolved once.

    Attributes
    ----------
    base_url
        The API's base URL, without a trailing slash.
    auth_url
        The OAuth2 token endpoint.
    scope
        The ``scope`` sent with the token request, or None to send none.
    audience
        The ``audience`` sent with the token request, or None to send none.
    auth_scheme
        How the token is sent: ``"raw"`` (``Authorization: <token>``) or ``"Bearer"``.
    credentials
        Client id and secret.
    local
        True when this is guru_form's embedded local server (no credentials were given).
    allow_insecure_http
        True when plain http to a non-loopback host was explicitly allowed.
    server_identity
        What the result cache keys results by: the base URL, or for the embedded server its data
        folder, engine and the engine's stride (its port may change between sessions; a result
        from one engine, or one stride, must not answer for another).
    """

    base_url: str
    auth_url: str
    scope: str | None
    audience: str | None
    credentials: Credentials
    auth_scheme: str = "raw"
    local: bool = False
    allow_insecure_http: bool = False
    server_identity: str = ""

    def __post_init__(self) -> None:
        if not self.server_identity:
            object.__setattr__(self, "server_identity", self.base_url)

    def url(self, path: str) -> str:
        """An absolute API URL for ``path`` (which starts with ``/``)."""
        return self.base_url + path

    def __repr__(self) -> str:
        where = "local server" if self.local else "hosted API"
        return (
            f"ClientConfig(base_url={self.base_url!r}, auth_url={self.auth_url!r}, "
            f"scope={self.scope!r}, audience={self.audience!r}, auth_scheme={self.auth_scheme!r}, "
            f"client_id={self.credentials.client_id!r}, {where})"
        )


def _pick(argument: str | None, env: Mapping[str, str], name: str) -> str | None:
    if argument is not None:
        return argument
    value = env.get(name)
    return value if value else None


def _scheme(value: str | None) -> str:
    """``"raw"`` or ``"Bearer"`` from what a user wrote (any case); None means raw."""
    if value is None:
        return "raw"
    if not isinstance(value, str):
        raise InvalidInputError(f"auth_scheme must be 'raw' or 'Bearer', got {value!r}")
    for scheme in AUTH_SCHEMES:
        if value.strip().lower() == scheme.lower():
            return scheme
    raise InvalidInputError(
        f"auth_scheme must be 'raw' (send 'Authorization: <token>', as Guru's API wants) or "
        f"'Bearer' (send 'Authorization: Bearer <token>'), got {value!r}"
    )


def _optional_text(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInputError(f"{what} must be a string, got {type(value).__name__}")
    return value.strip() or None


def resolve_config(
    client_id: str | None = None,
    client_secret: str | None = None,
    *,
    base_url: str | None = None,
    auth_url: str | None = None,
    scope: str | None = None,
    audience: str | None = None,
    auth_scheme: str | None = None,
    allow_insecure_http: bool = False,
    env: Mapping[str, str] | None = None,
) -> ClientConfig:
    """Resolve a client's settings from arguments, environment and defaults.

    Parameters
    ----------
    client_id, client_secret
        Credentials; default ``GURU_CLIENT_ID`` / ``GURU_CLIENT_SECRET``.
    base_url, auth_url
        Default ``GURU_API_URL``, ``GURU_AUTH_URL``, then the hosted API's
        (:data:`DEFAULT_API_URL`, :data:`DEFAULT_AUTH_URL`).
    scope
        The token request's ``scope``; default ``GURU_SCOPE``, then :data:`DEFAULT_SCOPE` unless
        an audience is set (an Auth0-style server takes an audience and no scope). ``""`` sends
        no scope.
    audience
        The token request's ``audience``; default ``GURU_AUDIENCE``, else none is sent.
    auth_scheme
        ``"raw"`` (``Authorization: <token>``, the hosted API's form) or ``"Bearer"``; default
        ``GURU_AUTH_SCHEME``, else raw.
    allow_insecure_http
        Allow ``http://`` to hosts other than this machine.
    env
        The environment to read (default ``os.environ``).

    Raises
    ------
    MissingCredentialsError
        When only one of id and secret is given, or a server is chosen without credentials.
    InvalidInputError
        For a URL that is not http(s), plain http to another machine without
        ``allow_insecure_http``, or an ``auth_scheme`` other than raw and Bearer.

    Examples
    --------
    >>> config = resolve_config("id", "secret", env={})
    >>> config.auth_url == DEFAULT_AUTH_URL, config.scope, config.audience, config.auth_scheme
    (True, 'https://api.getguru.ai/default', None, 'raw')
    >>> legacy = resolve_config("id", "secret", **AUTH0_2022.client_kwargs(), env={})
    >>> legacy.scope, legacy.audience, legacy.auth_scheme
    (None, 'https://api.formguru.fitness/', 'Bearer')
    """
    env = os.environ if env is None else env
    cid = _pick(client_id, env, ENV_CLIENT_ID)
    secret = _pick(client_secret, env, ENV_CLIENT_SECRET)
    api = _pick(base_url, env, ENV_API_URL)
    token_url = _pick(auth_url, env, ENV_AUTH_URL)
    aud = _optional_text(_pick(audience, env, ENV_AUDIENCE), "audience")
    given_scope = _pick(scope, env, ENV_SCOPE)
    scheme = _scheme(_pick(auth_scheme, env, ENV_AUTH_SCHEME))
    if given_scope is None:
        wanted_scope = None if aud is not None else DEFAULT_SCOPE
    else:
        wanted_scope = _optional_text(given_scope, "scope")

    if (cid is None) != (secret is None):
        given, missing = (
            ("client_id", "client_secret") if secret is None else ("client_secret", "client_id")
        )
        raise MissingCredentialsError(
            f"{given} was given but {missing} was not; pass both (or set {ENV_CLIENT_ID} and "
            f"{ENV_CLIENT_SECRET}), or neither to use the local server"
        )
    if cid is None or secret is None:
        if api is not None or token_url is not None:
            raise MissingCredentialsError(
                f"a server was chosen ({api or token_url}) but no credentials were given; pass "
                f"client_id and client_secret (or set {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET}), "
                "or choose no server to use the local one"
            )
        return local_config()

    config = ClientConfig(
        base_url=(api or DEFAULT_API_URL).rstrip("/"),
        auth_url=token_url or DEFAULT_AUTH_URL,
        scope=wanted_scope,
        audience=aud,
        credentials=Credentials(cid, secret),
        auth_scheme=scheme,
        allow_insecure_http=allow_insecure_http,
    )
    check_url_allowed(config.base_url, allow_insecure_http=allow_insecure_http, what="base_url")
    check_url_allowed(config.auth_url, allow_insecure_http=allow_insecure_http, what="auth_url")
    return config


def local_config(
    engine: str = "auto",
    data_dir: str | os.PathLike[str] | None = None,
    *,
    stride: int | None = None,
) -> ClientConfig:
    """The settings of this process' embedded local server (started if need be).

    Raises
    ------
    InvalidInputError
        For a stride that is not a positive int or that the engine cannot take (before anything
        starts).
    """
    from guru_form.server.embedded import ensure_local_server

    server = ensure_local_server(data_dir, engine=engine, stride=stride)
    return ClientConfig(
        base_url=str(server.url).rstrip("/"),
        auth_url=str(server.auth_url),
        scope=DEFAULT_SCOPE,
        audience=None,
        credentials=Credentials(str(server.client_id), str(server.client_secret)),
        local=True,
        server_identity=server.identity,
    )


def is_loopback(host: str) -> bool:
    """True for this machine's own addresses (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.lower() in ("localhost", "localhost.") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url_allowed(url: str, *, allow_insecure_http: bool, what: str = "URL") -> None:
    """Refuse a URL that is not http(s), and plain http to another machine unless allowed.

    Examples
    --------
    >>> check_url_allowed("http://127.0.0.1:8000", allow_insecure_http=False)  # this machine: fine
    >>> check_url_allowed("https://api.getguru.ai", allow_insecure_http=False)
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise InvalidInputError(f"{what} {url!r} is not a valid URL ({exc})") from None
    scheme = parsed.scheme.lower()
    if scheme not in ("http", "https") or not parsed.host:
        raise InvalidInputError(
            f"{what} must be an http(s) URL with a host, got {parsed.scheme}://{parsed.host}"
        )
    if scheme == "http" and not allow_insecure_http and not is_loopback(parsed.host):
        raise InvalidInputError(
            f"{what}: refusing plain http to {parsed.host}: credentials and videos would travel "
            "unencrypted; use https, or pass allow_insecure_http=True if you really mean it"
        )
