"""When to retry a request and how long to wait first.

A request is retried when it failed for a reason that may pass: a connection that could not be
opened or dropped, a timeout, or a 408, 429 or 5xx answer. Whether it is *safe* to send again is a
separate question: a request that never reached the server (connect errors, 429) always is; one
that may have reached it (a read timeout, a dropped connection, a 5xx) only when the caller says it
is idempotent (``resend_safe``). That is how "no duplicate videos" is kept: the caller marks which
POSTs may be repeated.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

__all__ = ["RetryPolicy", "parse_retry_after"]

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Statuses that say the server did not act on the request, so sending it again cannot duplicate it.
_NOT_PROCESSED_STATUSES = frozenset({408, 429, 503})
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Read a server's requested wait, in seconds, from response headers.

    Understands ``retry-after-ms`` (milliseconds), ``Retry-After`` as seconds, and ``Retry-After``
    as an HTTP date. Returns None when absent or unreadable; never negative.

    Examples
    --------
    >>> parse_retry_after({"Retry-After": "3"})
    3.0
    >>> parse_retry_after({"retry-after-ms": "250"})
    0.25
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    ms = lowered.get("retry-after-ms")
    if ms is not None:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to retry and how long to wait between tries.

    The wait before retry ``n`` (1-based) is ``initial_delay * 2 ** (n - 1)``, capped at
    ``max_delay``, minus up to ``jitter`` of itself at random; a ``Retry-After`` from the server
    replaces it (capped at ``max_retry_after``).

    Parameters
    ----------
    max_retries
        Retries after the first try; 0 disables retrying.
    initial_delay, max_delay
        Exponential backoff bounds, in seconds.
    max_retry_after
        The longest server-requested wait honoured, in seconds; a longer one is not waited for and
        the error is raised instead, so a caller is never stuck for an hour.
    jitter
        Fraction of the backoff removed at random, so many clients do not retry in step.
    retry_statuses
        HTTP statuses that are retried.

    Examples
    --------
    >>> RetryPolicy(max_retries=3, jitter=0).backoff(3)
    2.0
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.25
    retry_statuses: frozenset[int] = field(default=RETRY_STATUSES)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {self.max_retries}")
        if self.initial_delay < 0 or self.max_delay < 0:
            raise ValueError("retry delays must be >= 0")

    def backoff(self, retry_number: int) -> float:
        """The wait before retry ``retry_number`` (1-based) when the server asks for none."""
        base = min(self.max_delay, self.initial_delay * 2.0 ** max(0, retry_number - 1))
        return base * (1.0 - self.jitter * random.random())

    def delay_after_response(
        self, response: httpx.Response, retry_number: int, *, resend_safe: bool
    ) -> float | None:
        """Seconds to wait before retrying after ``response``, or None to give up now."""
        if retry_number > self.max_retries or response.status_code not in self.retry_statuses:
            return None
        if not (resend_safe or _is_idempotent(response.request)) and (
            response.status_code not in _NOT_PROCESSED_STATUSES
        ):
            return None
        requested = parse_retry_after(response.headers)
        if requested is None:
            return self.backoff(retry_number)
        if requested > self.max_retry_after:
            return None
        return requested

    def delay_after_error(
        self,
        error: httpx.TransportError,
        request: httpx.Request,
        retry_number: int,
        *,
        resend_safe: bool,
    ) -> float | None:
        """Seconds to wait before retrying after a transport error, or None to give up now."""
        if retry_number > self.max_retries:
            return None
        never_sent = isinstance(
            error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
        )
        if never_sent or resend_safe or _is_idempotent(request):
            return self.backoff(retry_number)
        return None


def _is_idempotent(request: httpx.Request) -> bool:
    return request.method.upper() in _IDEMPOTENT_METHODS
