"""An upload target that reads request bodies in chunks and throws them away, in its own process.

It stands in for a presigned upload URL on another host when a test measures the *client's* memory:
in its own process, its buffers do not count, and it never holds a whole body. ``POST`` anything:
204, after checking the body's length against Content-Length. ``GET /last``: the byte count and a
SHA-256 of the last body, as JSON.

Run ``python -m tests.client.discard_server``; it prints its port on the first line.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_last: dict[str, Any] = {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        remaining = int(self.headers.get("Content-Length") or 0)
        received = 0
        digest = hashlib.sha256()
        while remaining:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                break
            digest.update(chunk)
            received += len(chunk)
            remaining -= len(chunk)
        _last.update(bytes=received, sha256=digest.hexdigest(), path=self.path)
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        payload = json.dumps(_last).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


@contextmanager
def discard_server() -> Iterator[str]:
    """Start the server in a child process; yields its base URL."""
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.client.discard_server"],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
