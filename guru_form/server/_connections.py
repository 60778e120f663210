"""Connection limits for uvicorn: a header timeout, a cap on open connections, a bounded linger.

uvicorn closes idle keep-alive connections, but a client that sends its request's headers a byte at
a time holds its connection for as long as it likes, and nothing caps how many connections are
open. :func:`guarded_protocol` makes an HTTP/1.1 protocol class (uvicorn's h11 one) that adds:

- a header timeout: a connection that has not sent a whole request's headers within
  :attr:`Limits.header_timeout_s` of connecting (or of its previous answer, plus the keep-alive
  time) is closed;
- a cap on open connections (:func:`connection_cap`): at the cap, a new connection closes the
  oldest connection that is still waiting for its request's headers; when none is, the new one is
  answered ``503`` with ``Retry-After`` and closed. Slow clients thus never lock out ``/health``
  or real requests, and the process stays clear of its open-file limit;
- a bounded linger: once a request is answered before its body has all arrived (a 413, a refused
  upload), uvicorn keeps reading and dropping the rest so that the client gets the answer; after
  :attr:`Limits.linger_s` the connection is closed.

Should a burst of connections still reach the open-file limit before the cap sees them, asyncio
stops accepting for a second and tries again; :class:`GuardedServer` logs that as one line instead
of asyncio's traceback.

Bodies that stall once the app reads them are :class:`~guru_form.server._limits.BodyLimitMiddleware`'s
business.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
from typing import Any, ClassVar

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from guru_form.server._limits import Limits

__all__ = ["GuardedServer", "connection_cap", "guarded_protocol", "uvicorn_options"]

logger = logging.getLogger("guru_form.server")

# Descriptors kept for everything but connections: database, uploads being written, videos being
# analysed, the event loop and imports.
_RESERVED_FDS = 64
# How many connections asyncio accepts in one go before any of them is seen (and, over the cap,
# closed): uvicorn's ``backlog``, which asyncio also uses as its accept batch.
ACCEPT_BATCH = 64
_BUSY_BODY = (
    b'{"error": "too_many_connections", "message": "the server is at its connection cap; '
    b'try again in a second"}'
)
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(_BUSY_BODY), _BUSY_BODY)
)


def connection_cap(max_connections: int) -> int:
    """``max_connections``, lowered to fit the open-file limit.

    A connection takes two descriptors at most (its socket, and an upload's file); some are kept
    for the rest of the server, and one accept batch of sockets may be open before the cap sees
    them.

    Examples
    --------
    >>> connection_cap(10)
    10
    """
    if sys.platform == "win32":  # pragma: no cover - no RLIMIT_NOFILE
        return max_connections
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return max_connections
    return max(1, min(max_connections, (soft - _RESERVED_FDS - ACCEPT_BATCH) // 2))


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with :data:`limits` applied; see the module docs."""

    limits: ClassVar[Limits] = Limits()
    cap: ClassVar[int] = Limits().max_connections

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._waiting_since = 0.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._wait_for_headers(self.limits.header_timeout_s)
        if len(self.connections) > self.cap:
            self._make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._waiting_since and self.conn.their_state is not h11.IDLE:
            self._disarm()  # the request's headers are in (or the connection is done)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.transport.is_closing():
            return
        if self.cycle is not None and self.cycle.response_complete:
            if self.conn.their_state is h11.SEND_BODY:
                # answered early: the rest of the body is read and dropped, for a while
                self._arm(self.limits.linger_s, waiting=False)
            elif self.conn.their_state is h11.IDLE:
                self._wait_for_headers(self.limits.header_timeout_s + self.timeout_keep_alive)

    @property
    def waiting_for_headers(self) -> bool:
        """True while the connection has not sent its next request's headers."""
        return bool(self._waiting_since) and not self.transport.is_closing()

    def _wait_for_headers(self, seconds: float) -> None:
        self._arm(seconds, waiting=True)

    def _arm(self, seconds: float, *, waiting: bool) -> None:
        self._disarm()
        self._waiting_since = self.loop.time() if waiting else 0.0
        self._deadline = self.loop.call_later(seconds, self._expire)

    def _disarm(self) -> None:
        self._waiting_since = 0.0
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def _make_room(self) -> None:
        """Close the longest-waiting connection that sent no request yet, or refuse this one."""
        waiting = [
            c
            for c in self.connections
            if isinstance(c, GuardedH11Protocol) and c is not self and c.waiting_for_headers
        ]
        if waiting:
            oldest = min(waiting, key=lambda c: c._waiting_since)
            logger.warning(
                "at the cap of %d connections: closed the one waiting longest for its request",
                self.cap,
            )
            oldest.transport.close()
            return
        logger.warning("at the cap of %d busy connections: refused a new one (503)", self.cap)
        self._disarm()
        self.transport.write(_BUSY)
        self.transport.close()


def guarded_protocol(limits: Limits) -> type[GuardedH11Protocol]:
    """The protocol class to give ``uvicorn.Config(http=...)`` for ``limits``."""
    return type(
        "GuardedH11Protocol",
        (GuardedH11Protocol,),
        {"limits": limits, "cap": connection_cap(limits.max_connections)},
    )


_ACCEPT_OUT_OF_RESOURCES = "socket.accept() out of system resource"


def _log_accept_failures(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Log asyncio's "accept out of resources" in one line; anything else as asyncio would."""
    if context.get("message") != _ACCEPT_OUT_OF_RESOURCES:
        loop.default_exception_handler(context)
        return
    exc = context.get("exception")
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    logger.warning("cannot accept a connection (%s): new connections wait a second", reason)


class GuardedServer(uvicorn.Server):
    """uvicorn's server, logging a pause in accepting connections in one line, not a traceback."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        asyncio.get_running_loop().set_exception_handler(_log_accept_failures)
        await super().startup(sockets)


def uvicorn_options(limits: Limits) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.Config`` that apply ``limits`` to its connections."""
    return {"http": guarded_protocol(limits), "timeout_keep_alive": 5, "backlog": ACCEPT_BATCH}
