"""Send a request under a :class:`~guru_form._http.retry.RetryPolicy`, sync or async.

The two functions differ only where one must await; every decision is made by the policy.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import httpx

from guru_form._http.errors import error_for_response, error_for_transport, safe_url
from guru_form._http.retry import RetryPolicy

__all__ = ["asend_with_retries", "send_with_retries"]

logger = logging.getLogger("guru_form.http")


def send_with_retries(
    client: httpx.Client,
    request: httpx.Request,
    policy: RetryPolicy,
    *,
    auth: httpx.Auth | None = None,
    resend_safe: bool = False,
    raise_for_status: bool = True,
    stream: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Response:
    """Send ``request``, retrying as ``policy`` allows; raise a typed error when it fails.

    Parameters
    ----------
    client
        The httpx client to send with.
    request
        A built request. Its body must be re-readable (bytes, or a stream that can restart) if it
        may be retried.
    policy
        What to retry and how long to wait.
    auth
        Auth for this request (None: the client's own).
    resend_safe
        True when sending the request twice cannot do harm (an idempotent POST).
    raise_for_status
        When False, a final error response is returned instead of raised.
    stream
        Return a successful response with its body unread (the caller reads and closes it);
        error responses are read as usual.
    sleep
        Injected for tests.

    Raises
    ------
    APIError
        (or a subclass) for an error status after the retries.
    APIConnectionError
        When no answer came after the retries.
    """
    retry_number = 0
    while True:
        retry_number += 1
        try:
            response = client.send(
                request,
                auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT,
                stream=stream,
            )
        except httpx.TransportError as exc:
            delay = policy.delay_after_error(exc, request, retry_number, resend_safe=resend_safe)
            if delay is None:
                raise error_for_transport(exc, request) from exc
            _log_retry(request, type(exc).__name__, delay, retry_number)
            sleep(delay)
            continue
        if response.is_success:
            return response
        delay = policy.delay_after_response(response, retry_number, resend_safe=resend_safe)
        if delay is None:
            if not raise_for_status:
                return response
            response.read()
            raise error_for_response(response)
        response.close()
        _log_retry(request, str(response.status_code), delay, retry_number)
        sleep(delay)


async def asend_with_retries(
    client: httpx.AsyncClient,
    request: httpx.Request,
    policy: RetryPolicy,
    *,
    auth: httpx.Auth | None = None,
    resend_safe: bool = False,
    raise_for_status: bool = True,
    stream: bool = False,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> httpx.Response:
    """The async twin of :func:`send_with_retries` (same parameters and errors)."""
    retry_number = 0
    while True:
        retry_number += 1
        try:
            response = await client.send(
                request,
                auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT,
                stream=stream,
            )
        except httpx.TransportError as exc:
            delay = policy.delay_after_error(exc, request, retry_number, resend_safe=resend_safe)
            if delay is None:
                raise error_for_transport(exc, request) from exc
            _log_retry(request, type(exc).__name__, delay, retry_number)
            await sleep(delay)
            continue
        if response.is_success:
            return response
        delay = policy.delay_after_response(response, retry_number, resend_safe=resend_safe)
        if delay is None:
            if not raise_for_status:
                return response
            await response.aread()
            raise error_for_response(response)
        await response.aclose()
        _log_retry(request, str(response.status_code), delay, retry_number)
        await sleep(delay)


def _log_retry(request: httpx.Request, why: str, delay: float, retry_number: int) -> None:
    logger.info(
        "retrying %s %s after %s in %.2f s (retry %d)",
        request.method,
        safe_url(request.url),
        why,
        delay,
        retry_number,
    )
