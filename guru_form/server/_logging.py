"""Log hygiene for the server: no query strings in access logs, no floods under error storms.

- :class:`AccessLogPathFilter` cuts the query string off the path of every uvicorn access-log line
  (and off the ASGI scopes uvicorn logs at its ``trace`` level): a client that puts a secret in a
  URL (``/oauth/token?client_secret=...``) is refused, and the secret is not written to the log
  either.
- :class:`RateLimitFilter` lets through at most ``burst`` warnings and errors of one kind (one
  logger and message template) per ``period_s`` seconds; the first one let through afterwards
  says how many were dropped. Informational lines are never dropped.

:func:`install_log_filters` puts them on the loggers the server writes to (once per process).
"""

from __future__ import annotations

import logging
import threading
import time

__all__ = ["AccessLogPathFilter", "RateLimitFilter", "install_log_filters", "reset_rate_limits"]

QUERY_LOGGERS = ("uvicorn.access", "uvicorn.asgi")
STORM_LOGGERS = ("guru_form.server", "uvicorn.error", "uvicorn", "asyncio")


class AccessLogPathFilter(logging.Filter):
    """Drops query strings from uvicorn's log records.

    Access-log lines (``'%s - "%s %s HTTP/%s" %d'``) lose the query of their path; the ASGI scopes
    uvicorn logs at its ``trace`` level lose their ``query_string``.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and args:
            record.args = tuple(_without_query(arg, i == 2) for i, arg in enumerate(args))
        return True


def _without_query(arg: object, is_path: bool) -> object:
    if is_path and isinstance(arg, str):
        return arg.partition("?")[0]
    if isinstance(arg, dict) and arg.get("query_string"):
        return {**arg, "query_string": b"<hidden>"}
    return arg


class RateLimitFilter(logging.Filter):
    """At most ``burst`` warnings or errors of one kind per ``period_s`` seconds.

    Parameters
    ----------
    burst
        How many records of one kind pass in a period.
    period_s
        The length of a period.
    """

    def __init__(self, burst: int = 10, period_s: float = 60.0) -> None:
        super().__init__()
        self.burst = burst
        self.period_s = period_s
        self._lock = threading.Lock()
        # kind -> (start of its period, records seen in it, records dropped since one passed)
        self._seen: dict[tuple[str, str], tuple[float, int, int]] = {}

    def reset(self) -> None:
        """Forget every kind seen so far."""
        with self._lock:
            self._seen.clear()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        kind = (record.name, str(record.msg))
        now = time.monotonic()
        with self._lock:
            start, count, dropped = self._seen.get(kind, (now, 0, 0))
            if now - start >= self.period_s:
                start, count = now, 0
            if count >= self.burst:
                self._seen[kind] = (start, count + 1, dropped + 1)
                return False
            self._seen[kind] = (start, count + 1, 0)
            if len(self._seen) > 1000:  # forget kinds from long ago
                cutoff = now - self.period_s
                self._seen = {k: v for k, v in self._seen.items() if v[0] >= cutoff}
        if dropped:
            record.msg = f"{record.msg} [{dropped} more like this were not logged]"
        return True


_installed = threading.Lock()
_filters: dict[str, logging.Filter] = {}


def install_log_filters() -> None:
    """Put the access-log and rate-limit filters on the server's loggers (idempotent)."""
    with _installed:
        if _filters:
            return
        queries = AccessLogPathFilter()
        for name in QUERY_LOGGERS:
            logging.getLogger(name).addFilter(queries)
        storms = RateLimitFilter()
        for name in STORM_LOGGERS:
            logging.getLogger(name).addFilter(storms)
        _filters.update(queries=queries, storms=storms)


def reset_rate_limits() -> None:
    """Forget what the installed rate limit has seen (tests start each from a clean slate)."""
    for installed in _filters.values():
        if isinstance(installed, RateLimitFilter):
            installed.reset()
