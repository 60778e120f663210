"""The small core the three API adapters share: one HTTP session, retries, errors, pagination.

An adapter (Guru knowledge base, Giosg, HelpSpot) subclasses :class:`BaseAPIClient` and supplies only
what is particular to its provider: how it authenticates (a :class:`HeaderCredentials`), how an
error answer reads (:meth:`BaseAPIClient._error_for_response`, :meth:`BaseAPIClient._check_body`)
and where a page's items and neighbours are (a page parser passed to
:meth:`BaseAPIClient._iter_pages`). Retries, backoff, timeouts and the mapping of transport
failures come from :mod:`guru_form._http`, the same core the Guru fitness client uses.
"""

from __future__ import annotations

import functools
import json
import ssl
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

import httpx

from guru_form._http import RetryPolicy, error_for_response, safe_url, send_with_retries
from guru_form._http.errors import decode_body
from guru_form._version import __version__
from guru_form.apis._credentials import HeaderCredentials, origin_of, redact_error
from guru_form.apis._frame import to_frame
from guru_form.errors import APIError, GuruError, InvalidInputError

__all__ = ["DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "BaseAPIClient", "Page"]

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2

Params = Mapping[str, Any]
_Client = TypeVar("_Client", bound="BaseAPIClient")
PageParser = Callable[[httpx.Response], "Page"]


@dataclass(frozen=True)
class Page:
    """One page of a paginated listing.

    Attributes
    ----------
    items
        The page's items, in the server's order (a single item is already a one-item list).
    url
        The URL the page was fetched from.
    next, previous
        Absolute URLs of the neighbouring pages, or None at either end. Pass one back to the
        client's ``pages``/``paginate`` to continue from there.
    """

    items: list[dict[str, Any]]
    url: str
    next: str | None = None
    previous: str | None = None
    raw: Any = field(default=None, repr=False, compare=False)


class BaseAPIClient:
    """Shared behaviour of the API helper clients (not used directly).

    Parameters
    ----------
    base_url
        Root of the API; paths given to the client's methods are relative to it.
    credentials
        The ``Authorization`` header (sent to ``base_url``'s origin only), or None.
    timeout
        Seconds (or an ``httpx.Timeout``) before a request is abandoned; None waits forever.
    max_retries
        Retries after a failure that may pass (connection errors, timeouts, 408, 429, 5xx); only
        requests that are safe to repeat are repeated.
    """

    #: Name used in messages ("Giosg", "HelpSpot", ...).
    provider = "API"

    def __init__(
        self,
        base_url: str,
        credentials: HeaderCredentials | None,
        *,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
    ) -> None:
        self.base_url = _check_base_url(base_url)
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise InvalidInputError(f"max_retries must be an integer >= 0, got {max_retries!r}")
        if not (timeout is None or isinstance(timeout, httpx.Timeout) or _is_seconds(timeout)):
            raise InvalidInputError(
                f"timeout must be a number of seconds > 0 (or None), got {timeout!r}"
            )
        self.timeout = timeout
        self.max_retries = max_retries
        self._credentials = credentials
        self._retry_policy = RetryPolicy(max_retries=max_retries)
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            verify=_shared_ssl_context(),
            headers={"User-Agent": f"guru-form/{__version__}", "Accept": "application/json"},
        )

    # -- lifecycle -------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool. The client cannot send after this."""
        self._http.close()

    @property
    def is_closed(self) -> bool:
        """True after :meth:`close`."""
        return self._http.is_closed

    def __enter__(self: _Client) -> _Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._repr_fields().items())
        return f"{type(self).__name__}({shown})"

    def _repr_fields(self) -> dict[str, Any]:
        auth = "none" if self._credentials is None else f"{self._credentials.scheme} ***"
        return {"base_url": self.base_url, "auth": auth}

    # -- DataFrame output ------------------------------------------------------------------------

    to_frame = staticmethod(to_frame)

    # -- sending ---------------------------------------------------------------------------------

    @property
    def _secrets(self) -> tuple[str, ...]:
        return () if self._credentials is None else self._credentials.secrets

    def _request(
        self,
        method: str,
        url: str,
        *,
        params: Params | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        authenticate: bool = True,
        resend_safe: bool = False,
    ) -> httpx.Response:
        """Send one request under the retry policy; raise the adapter's typed error on failure."""
        if self._http.is_closed:
            raise InvalidInputError(
                f"this {type(self).__name__} is closed; create a new one (or use it in a with block)"
            )
        self._check_target(url)
        try:
            request = self._http.build_request(
                method, url, params=_clean_params(params), json=json, data=data
            )
            response = send_with_retries(
                self._http,
                request,
                self._retry_policy,
                auth=self._credentials if authenticate else None,
                resend_safe=resend_safe,
                raise_for_status=False,
            )
            if not response.is_success:
                raise self._error_for_response(response)
            self._check_body(response)
            return response
        except GuruError as error:
            redact_error(error, self._secrets)
            raise

    def _error_for_response(self, response: httpx.Response) -> APIError:
        """The error for a non-2xx answer; adapters override it for their messages."""
        if response.is_redirect:
            target = response.headers.get("location", "")
            return error_for_response(
                response,
                message=(
                    f"{self.provider} redirected to {safe_url(response.url.join(target))}; "
                    "set base_url to that address"
                ),
            )
        return error_for_response(response)

    def _check_body(self, response: httpx.Response) -> None:
        """Raise if a 2xx answer is not what the API sends; by default, a body that is not JSON.

        A JSON API answering HTML or text is usually a wrong ``base_url`` (a web page, a proxy's
        login page). HelpSpot overrides this to find its errors inside successful answers.
        """
        if response.content.strip():
            try:
                json.loads(response.content)
            except (ValueError, UnicodeDecodeError):
                kind = response.headers.get("content-type", "unknown type").split(";")[0]
                raise APIError(
                    f"{self.provider} answered with {kind}, not JSON; check base_url "
                    f"({self.base_url}) and the path",
                    status_code=response.status_code,
                    body=response.text[:500],
                    method=response.request.method,
                    url=safe_url(response.request.url),
                ) from None

    @staticmethod
    def _decode(response: httpx.Response) -> Any:
        """The JSON body, None for an empty answer (204), or the text if it is not JSON."""
        return decode_body(response)

    def _check_target(self, url: str) -> None:
        if "://" in url and origin_of(url) != origin_of(self.base_url):
            raise InvalidInputError(
                f"{safe_url(url)} is not on {safe_url(self.base_url)}; this client only talks to "
                "its base_url (so credentials never go elsewhere): create a client for that host"
            )

    # -- pagination ------------------------------------------------------------------------------

    def _iter_pages(
        self,
        url: str,
        params: Params | None,
        parse: PageParser,
        *,
        backwards: bool = False,
        authenticate: bool = True,
    ) -> Iterator[Page]:
        """Fetch pages lazily, following ``next`` (or ``previous``) until there is none.

        Stops at a page without the link, and at an empty page even if it links on (some servers
        end a listing with an empty page). A link back to a page already seen is an error, not an
        endless loop.
        """
        seen: set[str] = set()
        while True:
            response = self._request("GET", url, params=params, authenticate=authenticate)
            try:
                page = parse(response)
            except GuruError as error:
                redact_error(error, self._secrets)
                raise
            seen.add(str(response.request.url))
            yield page
            link = page.previous if backwards else page.next
            if link is None or not page.items:
                return
            link = str(response.request.url.join(link))
            if link in seen:
                raise APIError(
                    f"{self.provider} linked back to a page already fetched "
                    f"({safe_url(link)}); stopped instead of looping forever",
                    status_code=response.status_code,
                    method="GET",
                    url=safe_url(response.request.url),
                )
            if origin_of(link) != origin_of(self.base_url):
                raise APIError(
                    f"{self.provider}'s pagination link points to {safe_url(link)}, not to "
                    f"{safe_url(self.base_url)}; credentials are only sent to base_url, so set "
                    "base_url to the host the server names",
                    status_code=response.status_code,
                    method="GET",
                    url=safe_url(response.request.url),
                )
            url, params = link, None


@functools.lru_cache(maxsize=1)
def _shared_ssl_context() -> ssl.SSLContext:
    """One verifying SSL context shared by every client.

    Building one costs ~50 ms (it loads the CA bundle), which a notebook creating clients in a
    loop would otherwise pay each time. It is built on first use, so ``SSL_CERT_FILE`` or
    ``SSL_CERT_DIR`` set after that are not seen.
    """
    return httpx.create_ssl_context()


def _check_base_url(base_url: str) -> str:
    if not isinstance(base_url, str) or not base_url.strip():
        raise InvalidInputError(
            f"base_url must be a URL such as 'https://host/api', got {base_url!r}"
        )
    url = httpx.URL(base_url.strip())
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidInputError(
            f"base_url must start with http:// or https:// and name a host, got {base_url!r}"
        )
    if url.userinfo:
        raise InvalidInputError(
            "base_url must not carry credentials (user:password@); pass them as arguments"
        )
    if url.query:
        raise InvalidInputError("base_url must not have a query string; pass params to the call")
    return str(url).rstrip("/")


def _is_seconds(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _clean_params(params: Params | None) -> dict[str, Any] | None:
    """Drop None values; booleans become ``true``/``false`` as most APIs expect."""
    if params is None:
        return None
    out: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return out


def require_text(name: str, value: object) -> str:
    """``value`` if it is a non-empty string, else an :class:`InvalidInputError` naming it."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{name} must be a non-empty string, got {type(value).__name__}")
    if value != value.strip():
        raise InvalidInputError(f"{name} has leading or trailing whitespace; remove it")
    return value


def require_path(path: object) -> str:
    """A path relative to ``base_url`` (or an absolute URL on it)."""
    if not isinstance(path, str):
        raise InvalidInputError(f"path must be a string such as '/collections', got {path!r}")
    return path
