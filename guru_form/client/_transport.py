"""The HTTP side shared by the sync and async clients: timeouts, headers, retry policy, logging.

Retries, backoff with jitter, ``Retry-After`` and the mapping of failures to typed errors live in
:mod:`guru_form._http`; this module only configures them for the Guru client and builds the httpx
clients the two modes send with.
"""

from __future__ import annotations

import logging

import httpx

from guru_form._http import RetryPolicy, safe_url
from guru_form._version import __version__
from guru_form.client._validate import check_count
from guru_form.errors import InvalidInputError

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "build_async_http",
    "build_sync_http",
    "make_retry_policy",
    "make_timeout",
]

logger = logging.getLogger("guru_form.client")

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
"""60 s to read, write or wait for a pooled connection; 10 s to connect."""
DEFAULT_MAX_RETRIES = 2
USER_AGENT = f"guru-form/{__version__} httpx/{httpx.__version__}"
_LIMITS = httpx.Limits(max_connections=32, max_keepalive_connections=16)


def make_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    """An ``httpx.Timeout`` from seconds (``None``: the default; a Timeout: as given)."""
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise InvalidInputError(f"timeout must be a positive number of seconds, got {timeout!r}")
    return httpx.Timeout(float(timeout), connect=min(10.0, float(timeout)))


def make_retry_policy(max_retries: int, retry: RetryPolicy | None) -> RetryPolicy:
    """The client's policy: ``retry`` if given, else the default backoff with ``max_retries``."""
    if retry is not None:
        return retry
    return RetryPolicy(max_retries=check_count(max_retries, "max_retries"))


def _headers() -> dict[str, str]:
    return {"User-Agent": USER_AGENT, "Accept": "application/json"}


def _log_response(response: httpx.Response) -> None:
    request = response.request
    logger.debug("%s %s -> %d", request.method, safe_url(request.url), response.status_code)


async def _alog_response(response: httpx.Response) -> None:
    _log_response(response)


def build_sync_http(timeout: httpx.Timeout) -> httpx.Client:
    """The httpx client a :class:`~guru_form.client.sync.GuruClient` sends with."""
    return httpx.Client(
        timeout=timeout,
        limits=_LIMITS,
        headers=_headers(),
        event_hooks={"response": [_log_response]},
    )


def build_async_http(timeout: httpx.Timeout) -> httpx.AsyncClient:
    """The httpx client an :class:`~guru_form.client.aio.AsyncGuruClient` sends with."""
    return httpx.AsyncClient(
        timeout=timeout,
        limits=_LIMITS,
        headers=_headers(),
        event_hooks={"response": [_alog_response]},
    )


def default_headers() -> dict[str, str]:
    """Headers every request of the client carries (requests are built outside httpx clients)."""
    return _headers()
