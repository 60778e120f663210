"""A small TCP proxy in front of the test server, so a fault can really drop a connection.

The app cannot close its client's socket through ASGI; the proxy owns that socket. The app names a
connection by the address the backend sees (the proxy's outgoing socket), and the proxy aborts both
halves: the client gets no response bytes at all, exactly like a server that went away.

The proxy also keeps the public port when the backend restarts, so upload URLs stay valid.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future

from guru_form.server._threaded import bind_socket

_READ_SIZE = 256 * 1024


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(_READ_SIZE):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof() and not writer.is_closing():
            writer.write_eof()
    except (ConnectionError, OSError, RuntimeError):
        writer.transport.abort()


class TcpProxy:
    """Forwards ``127.0.0.1:port`` to ``127.0.0.1:backend_port`` from its own thread and loop.

    Parameters
    ----------
    backend_port
        Where to forward; change it with :meth:`set_backend`.
    """

    def __init__(self, backend_port: int, host: str = "127.0.0.1") -> None:
        self.host = host
        self.backend_port = backend_port
        self._sock = bind_socket(host, 0)
        self.port: int = self._sock.getsockname()[1]
        self._loop = asyncio.new_event_loop()
        self._connections: dict[int, tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._ready: Future[None] = Future()
        self._server: asyncio.AbstractServer | None = None
        self._thread = threading.Thread(
            target=self._run, name=f"guru-form-proxy-{self.port}", daemon=True
        )

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._handle, sock=self._sock)
            )
        except BaseException as exc:
            self._ready.set_exception(exc)
            return
        self._ready.set_result(None)
        self._loop.run_forever()
        self._loop.close()

    def start(self) -> None:
        """Start accepting connections."""
        self._thread.start()
        self._ready.result(timeout=10)

    def set_backend(self, port: int) -> None:
        """Forward new connections to ``port``."""
        self.backend_port = port

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            backend_reader, backend_writer = await asyncio.open_connection(
                self.host, self.backend_port
            )
        except OSError:
            writer.transport.abort()  # the backend is down: the client sees a dropped connection
            return
        local_port = backend_writer.get_extra_info("sockname")[1]
        self._connections[local_port] = (writer, backend_writer)
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await asyncio.gather(
                _pipe(reader, backend_writer), _pipe(backend_reader, writer), return_exceptions=True
            )
        finally:
            self._connections.pop(local_port, None)
            if task is not None:
                self._tasks.discard(task)
            writer.close()
            backend_writer.close()

    def _abort(self, backend_side_port: int) -> None:
        pair = self._connections.pop(backend_side_port, None)
        if pair is not None:
            for w in pair:
                w.transport.abort()

    async def drop(self, backend_side: tuple[str, int]) -> None:
        """Abort the client connection whose backend side has address ``backend_side``."""
        done: Future[None] = Future()

        def abort() -> None:
            self._abort(backend_side[1])
            done.set_result(None)

        self._loop.call_soon_threadsafe(abort)
        await asyncio.wrap_future(done)

    def stop(self) -> None:
        """Close every connection and stop the proxy."""
        if not self._thread.is_alive():
            self._sock.close()
            return

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            for port in list(self._connections):
                self._abort(port)
            if self._tasks:
                await asyncio.wait(self._tasks, timeout=5)

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._sock.close()
