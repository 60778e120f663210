"""Serve an ASGI app on 127.0.0.1 from a background thread, and record what it receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

from guru_form.server._threaded import ThreadedUvicorn

__all__ = ["FakeAPI", "LocalServer", "RecordedRequest"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class LocalServer:
    """An ASGI app served on ``127.0.0.1`` (a free port) from a daemon thread.

    It runs on :class:`guru_form.server._threaded.ThreadedUvicorn`, the package's one
    uvicorn-in-a-thread runner, with the app's lifespan off.

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
        self._backend: ThreadedUvicorn | None = None
        self.url = ""

    def start(self) -> str:
        """Start serving; returns the base URL, e.g. ``http://127.0.0.1:53121``."""
        if self._backend is not None:
            return self.url
        backend = ThreadedUvicorn(self._app, lifespan="off", name="guru-form-fake-api")
        try:
            backend.start(timeout=self._startup_timeout)
        except RuntimeError:
            raise RuntimeError("the local fake server did not start") from None
        self._backend = backend
        self.url = f"http://127.0.0.1:{backend.port}"
        return self.url

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        if self._backend is None:
            return
        self._backend.stop(timeout=5)
        self._backend = None

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
