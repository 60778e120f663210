"""Running uvicorn in a background thread, on a socket bound before it starts.

This is guru_form's one way to serve an ASGI app from a thread: the embedded local server
(:mod:`guru_form.server.embedded`), the test server of :mod:`guru_form.testing` and the fake REST
APIs of :mod:`guru_form.apis.testing` all run on :class:`ThreadedUvicorn`.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Literal

import uvicorn
from starlette.types import ASGIApp

from guru_form.server._connections import GuardedServer, uvicorn_options
from guru_form.server._limits import Limits

_START_TIMEOUT_S = 30.0


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: an ephemeral port)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


class _QuickStopServer(GuardedServer):
    """uvicorn's server, noticing ``should_exit`` every 10 ms instead of every 100 ms."""

    async def main_loop(self) -> None:
        ticks = 0
        while not await self.on_tick(ticks):  # refreshes the Date header every 10th tick
            await asyncio.sleep(0.01)
            ticks = (ticks + 1) % 8_640_000


class ThreadedUvicorn:
    """uvicorn serving ``app`` from a daemon thread.

    Parameters
    ----------
    app
        The ASGI app. Its lifespan runs in the server thread.
    host, port
        Where to listen; port 0 picks a free port (see :attr:`port`).
    limits
        Connection cap and timeouts (see :mod:`guru_form.server._connections`).
    lifespan
        uvicorn's ``lifespan`` setting: ``"auto"`` runs the app's lifespan if it has one,
        ``"off"`` never sends lifespan events.
    name
        The thread's name (the port is appended).
    """

    def __init__(
        self,
        app: ASGIApp,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: Limits | None = None,
        *,
        lifespan: Literal["auto", "on", "off"] = "auto",
        name: str = "guru-form-server",
    ) -> None:
        self.host = host
        self._sock = bind_socket(host, port)
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan=lifespan,
            interface="asgi3",  # every app here is ASGI 3 (auto-detection misreads bound methods)
            timeout_graceful_shutdown=2,
            **uvicorn_options(limits or Limits()),
        )
        self._server = _QuickStopServer(config)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"{name}-{self.port}", daemon=True)

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._sock])
        except BaseException as exc:  # SystemExit from a failed startup included
            self._error = exc

    def start(self, timeout: float = _START_TIMEOUT_S) -> None:
        """Start serving; return once connections are accepted (RuntimeError after ``timeout`` s)."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"the local server did not start on {self.host}:{self.port}"
                    + (f": {self._error!r}" if self._error else "")
                )
            time.sleep(0.005)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving (in-flight requests get ``timeout_graceful_shutdown`` to finish).

        Stopping a server that was never started, or twice, does nothing more.
        """
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout)
        self._sock.close()

    @property
    def running(self) -> bool:
        """True while the server thread runs."""
        return self._thread.is_alive()
