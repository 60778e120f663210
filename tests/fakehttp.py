"""A small scripted HTTP server on 127.0.0.1 for fault cases a real server cannot be asked for.

Each route answers from a queue of scripted replies (the last one repeats), or from a function of
the request. ``DROP`` closes the connection without answering, as a crashed proxy would. Every
request is recorded, so tests can assert what was sent and how often.

Examples
--------
>>> with FakeServer() as server:  # doctest: +SKIP
...     server.route("GET", "/x", Reply(503, headers={"Retry-After": "0"}), Reply(200, json={"ok": 1}))
...     httpx.get(server.url + "/x")
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    """A scripted answer."""

    status: int = 200
    json: Any = None
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


DROP = Reply(status=-1)


@dataclass
class Recorded:
    """A request the fake received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


Handler = Callable[[Recorded], Reply]


class FakeServer:
    """Scripted HTTP server; use as a context manager."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._routes: dict[tuple[str, str], list[Reply] | Handler] = {}
        self._lock = threading.Lock()
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, a keep-alive client waits
            # ~40 ms (delayed ACK) for the second one on every request after the first.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    body = _read_chunked(self.rfile)
                split = urlsplit(self.path)
                rec = Recorded(
                    self.command,
                    split.path,
                    parse_qs(split.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                with fake._lock:
                    fake.requests.append(rec)
                reply = fake._next_reply(rec)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply is DROP or reply.status < 0:
                    self.close_connection = True
                    self.connection.close()
                    return
                if reply.json is not None:
                    payload = json.dumps(reply.json).encode()
                    ctype = "application/json"
                else:
                    payload = reply.body.encode() if isinstance(reply.body, str) else reply.body
                    ctype = "text/plain; charset=utf-8"
                self.send_response(reply.status)
                headers = {"Content-Type": ctype, **reply.headers}
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle  # noqa: N815

        self._server = _QuietServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def route(self, method: str, path: str, *replies: Reply | Handler) -> None:
        """Script ``method path``: a sequence of replies (the last repeats) or one handler.

        A path ending in ``/*`` answers every path under that prefix (the longest prefix wins).
        """
        if len(replies) == 1 and callable(replies[0]):
            self._routes[(method.upper(), path)] = replies[0]
        else:
            self._routes[(method.upper(), path)] = [r for r in replies if isinstance(r, Reply)]

    def count(self, method: str, path: str) -> int:
        """How many ``method path`` requests arrived."""
        return sum(1 for r in self.requests if r.method == method.upper() and r.path == path)

    def _next_reply(self, rec: Recorded) -> Reply:
        with self._lock:
            script = self._routes.get((rec.method, rec.path))
            if script is None:
                script = self._prefix_route(rec)
            if script is None:
                return Reply(404, json={"message": f"no route {rec.method} {rec.path}"})
            if callable(script):
                handler = script
            else:
                return script.pop(0) if len(script) > 1 else script[0]
        return handler(rec)

    def _prefix_route(self, rec: Recorded) -> list[Reply] | Handler | None:
        """A route registered as ``/prefix/*`` answers every path under ``/prefix/``."""
        matches = [
            (len(path), script)
            for (method, path), script in self._routes.items()
            if method == rec.method and path.endswith("/*") and rec.path.startswith(path[:-1])
        ]
        return max(matches, key=lambda m: m[0])[1] if matches else None

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class _QuietServer(ThreadingHTTPServer):
    request_queue_size = 128  # many clients connecting at once must not wait for SYN retries

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up early (a timeout test) is expected, not an error."""


def _read_chunked(stream: Any) -> bytes:
    out = bytearray()
    while True:
        size = int(stream.readline().strip() or b"0", 16)
        if size == 0:
            stream.readline()
            return bytes(out)
        out += stream.read(size)
        stream.readline()
