"""Log hygiene for the server: no query strings in access logs, no floods under error storms.

- :class:`AccessLogPathFilter` cuts the query string off the path of every uvicorn access-log line:
  a client that puts a secret in a URL (``/oauth/token?client_secret=...``) is refused, and the
  secret is not written to the log either.
- :class:`RateLimitFilter` lets through at most ``burst`` warnings and errors of one kind (one
  logger and message template) per ``period_s`` seconds; the first one let through afterwards
  says how many were dropped. Informational lines are never dropped.

:func:`install_log_filters` puts them on the loggers the server writes to (once per process).
"""

from __future__ import annotations

import logging
import threading
import time

__all__ = ["AccessLogPathFilter", "RateLimitFilter", "install_log_filters"]

ACCESS_LOGGER = "uvicorn.access"
STORM_LOGGERS = ("guru_form.server", "uvicorn.error", "uvicorn", "asyncio")


class AccessLogPathFilter(logging.Filter):
    """Drops the query string from uvicorn's access-log lines (``'%s - "%s %s HTTP/%s" %d'``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path, mark, _ = args[2].partition("?")
            if mark:
                record.args = (*args[:2], path, *args[3:])
        return True


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
        access = AccessLogPathFilter()
        logging.getLogger(ACCESS_LOGGER).addFilter(access)
        _filters[ACCESS_LOGGER] = access
        storms = RateLimitFilter()
        for name in STORM_LOGGERS:
            logging.getLogger(name).addFilter(storms)
            _filters[name] = storms
