"""Serve an ASGI app on 127.0.0.1 from a background thread, and record what it receives."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import uvicorn

__all__ = ["FakeAPI", "LocalServer", "RecordedRequest"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class LocalServer:
    """An ASGI app served by uvicorn on ``127.0.0.1`` (a free port) in a daemon thread.

    Examples
    --------
    >>> import httpx
    >>> from starlette.applications import Starlette
    >>> from starlette.responses import PlainTextResponse
    >>> from starlette.routing import Route
    >>> app = Starlette(routes=[Route("/ping", lambda request: PlainTextResponse("pong"))])
    >>> with LocalServer(app) as server:
    ...     httpx.get(server.url + "/ping").text
    'pong'
    """

    def __init__(self, app: ASGIApp, *, startup_timeout: float = 10.0) -> None:
        self._app = app
        self._startup_timeout = startup_timeout
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.url = ""

    def start(self) -> str:
        """Start serving; returns the base URL, e.g. ``http://127.0.0.1:53121``."""
        if self._server is not None:
            return self.url
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that name it, and
        # without it every keep-alive answer waits ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(
            self._app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            interface="asgi3",
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="guru-form-fake-api", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + self._startup_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                raise RuntimeError("the local fake server did not start")
            time.sleep(0.005)
        self._server, self._thread, self._socket = server, thread, sock
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        return self.url

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        if self._server is None:
            return
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@dataclass
class RecordedRequest:
    """A request a fake received: method, path, query, lower-cased headers and body."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    _chunks: list[bytes] = field(default_factory=list, repr=False)

    @property
    def body(self) -> bytes:
        """The request body (as much of it as the app read)."""
        return b"".join(self._chunks)


class FakeAPI:
    """Base of the fake API servers: an ASGI app that records every request, and a server.

    Use a fake as a context manager; inside it ``url`` is the server's address and ``requests``
    lists what arrived, so a test can assert what was sent (or that nothing was).
    """

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._app: ASGIApp | None = None
        self._server = LocalServer(self._recording_app)

    def build_app(self) -> ASGIApp:
        """The fake's ASGI app (subclasses build it)."""
        raise NotImplementedError

    def reset(self) -> None:
        """Forget the requests received; subclasses also restore their options and data."""
        self.requests.clear()

    @property
    def url(self) -> str:
        """The server's address (``http://127.0.0.1:<port>``) once started."""
        return self._server.url

    def start(self) -> str:
        """Start serving; returns :attr:`url`."""
        self._app = self.build_app()
        return self._server.start()

    def stop(self) -> None:
        """Stop serving."""
        self._server.stop()

    def __enter__(self) -> FakeAPI:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def _recording_app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._app is None:
            raise RuntimeError("start() the fake before sending to it")
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        record = RecordedRequest(
            method=scope["method"],
            path=scope["path"],
            query=dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)),
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]},
        )
        self.requests.append(record)

        async def receive_and_keep() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                record._chunks.append(message.get("body", b""))
            return message

        await self._app(scope, receive_and_keep, send)
