"""Connection limits: slow clients are cut off, a cap keeps /health reachable, logs stay small.

In-process servers are reached at their own port (``direct_url``), not through the test proxy, so the
server sees each client socket itself.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from guru_form.server._connections import connection_cap
from guru_form.server._limits import Limits
from guru_form.testing import LocalServer

from ._serve_process import ServeProcess

PARTIAL_HEADERS = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: "


def _address(url: str) -> tuple[str, int]:
    parsed = httpx.URL(url)
    assert parsed.port is not None
    return parsed.host, parsed.port


def _slow_clients(url: str, count: int, first: bytes = PARTIAL_HEADERS) -> list[socket.socket]:
    clients = []
    for _ in range(count):
        sock = socket.create_connection(_address(url), timeout=10)
        sock.sendall(first)
        clients.append(sock)
    return clients


def _closed(sock: socket.socket, wait_s: float = 0.0) -> bool:
    """True when the server closed ``sock`` (EOF or reset) within ``wait_s`` seconds."""
    sock.settimeout(wait_s or 0.001)
    try:
        while data := sock.recv(65536):
            if data.startswith(b"HTTP/1.1 503"):
                continue
        return True
    except (TimeoutError, BlockingIOError):
        return False
    except OSError:
        return True


@contextlib.contextmanager
def _server(tmp_path: Path, **limits: float) -> Iterator[LocalServer]:
    with LocalServer(tmp_path / "data", limits=Limits(**limits)) as server:  # type: ignore[arg-type]
        yield server


def test_a_client_slow_to_send_its_headers_is_cut_off(tmp_path: Path) -> None:
    with _server(tmp_path, header_timeout_s=0.5) as server:
        (slow,) = _slow_clients(server.direct_url, 1)
        started = time.monotonic()
        for _ in range(6):  # a byte now and then does not keep it alive
            time.sleep(0.1)
            with contextlib.suppress(OSError):
                slow.sendall(b"a")
        assert _closed(slow, wait_s=3)
        assert time.monotonic() - started < 2.5
        assert httpx.get(f"{server.direct_url}/health").status_code == 200


def test_the_header_timeout_also_holds_for_the_next_request_on_a_connection(
    tmp_path: Path,
) -> None:
    with _server(tmp_path, header_timeout_s=0.5) as server:
        sock = socket.create_connection(_address(server.direct_url), timeout=5)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        sock.sendall(PARTIAL_HEADERS)  # the next request never ends its headers
        started = time.monotonic()
        assert _closed(sock, wait_s=10)
        assert time.monotonic() - started < 7  # keep-alive (5 s) + header timeout


def test_at_the_cap_slow_clients_make_room_and_health_answers(tmp_path: Path) -> None:
    with _server(tmp_path, max_connections=20, header_timeout_s=30) as server:
        slow = _slow_clients(server.direct_url, 50)
        try:
            for _ in range(5):
                response = httpx.get(f"{server.direct_url}/health", timeout=5)
                assert response.status_code == 200
            time.sleep(0.2)
            closed = sum(_closed(sock) for sock in slow)
            assert closed >= 30  # the longest-waiting ones were closed to stay at 20
            assert not any(_closed(sock) for sock in slow[-10:])  # the newest were kept
        finally:
            for sock in slow:
                sock.close()


def test_at_the_cap_with_every_connection_busy_a_new_one_is_503(tmp_path: Path) -> None:
    with _server(tmp_path, max_connections=5, body_timeout_s=30) as server:
        busy = _slow_clients(
            server.direct_url,
            5,
            b"POST /oauth/token HTTP/1.1\r\nHost: x\r\ncontent-length: 1000\r\n"
            b"content-type: application/x-www-form-urlencoded\r\n\r\nclient_id=",
        )
        try:
            time.sleep(0.2)  # their requests are being read: none is waiting for headers
            refused = httpx.get(f"{server.direct_url}/health", timeout=5)
            assert refused.status_code == 503
            assert refused.headers["retry-after"] == "1"
            assert refused.json()["error"] == "too_many_connections"
        finally:
            for sock in busy:
                sock.close()
        time.sleep(0.2)
        assert httpx.get(f"{server.direct_url}/health").status_code == 200


def test_after_an_early_answer_the_rest_of_the_body_is_read_for_a_while_only(
    tmp_path: Path,
) -> None:
    with _server(tmp_path, linger_s=0.5) as server:
        sock = socket.create_connection(_address(server.direct_url), timeout=5)
        sock.sendall(b"POST /oauth/token HTTP/1.1\r\nHost: x\r\ncontent-length: 100000000\r\n\r\n")
        answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 413")
        started = time.monotonic()
        with contextlib.suppress(OSError):
            while time.monotonic() - started < 10:
                sock.sendall(b"x" * 1024)  # a slow sender of the rest
                time.sleep(0.05)
        assert time.monotonic() - started < 3


def test_the_cap_fits_the_open_file_limit() -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
        assert connection_cap(500) == (256 - 64 - 64) // 2
        assert connection_cap(50) == 50
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.slow
def test_near_the_open_file_limit_health_answers_and_the_log_stays_small(tmp_path: Path) -> None:
    prelude = "import resource; resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))"
    with ServeProcess(
        tmp_path / "data",
        prelude=prelude,
        log_level="info",
        limits=Limits(header_timeout_s=3.0),
    ) as server:
        time.sleep(0.2)
        log_before = server.log_path.stat().st_size
        slow = _slow_clients(server.url, 600)
        try:
            worst = 0.0
            answers = []
            deadline = time.monotonic() + 8  # past the header timeout: the slow ones expire
            while time.monotonic() < deadline:
                started = time.monotonic()
                answers.append(httpx.get(f"{server.url}/health", timeout=5).status_code)
                worst = max(worst, time.monotonic() - started)
                for _ in range(50):  # and new slow clients keep coming
                    with contextlib.suppress(OSError):
                        slow.extend(_slow_clients(server.url, 1))
                time.sleep(0.1)
            log_growth = server.log_path.stat().st_size - log_before
            print(
                f"{len(slow)} slow clients against RLIMIT_NOFILE 256: /health answered "
                f"{answers.count(200)}/{len(answers)} times, slowest {worst * 1000:.0f} ms; "
                f"log grew {log_growth / 1024:.1f} KiB"
            )
            assert answers and set(answers) == {200}
            assert log_growth < 256 * 1024
            assert sum(_closed(sock) for sock in slow[:600]) == 600  # all cut off by now
        finally:
            for sock in slow:
                sock.close()
        assert "Traceback" not in server.log()


@pytest.mark.slow
def test_out_of_descriptors_accepting_pauses_with_one_line_in_the_log(tmp_path: Path) -> None:
    # 40 descriptors leave no room for an accept batch beside the reserve: asyncio's accept runs
    # out of descriptors and pauses for a second; the log says so in one line, /health answers.
    prelude = "import resource; resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40))"
    with ServeProcess(tmp_path / "data", prelude=prelude, log_level="info") as server:
        slow = _slow_clients(server.url, 300)
        answers = []
        try:
            for _ in range(8):
                answers.append(httpx.get(f"{server.url}/health", timeout=5).status_code)
                for _ in range(30):
                    with contextlib.suppress(OSError):
                        slow.extend(_slow_clients(server.url, 1))
        finally:
            for sock in slow:
                sock.close()
        log = server.log()
    assert set(answers) == {200}
    assert "cannot accept a connection (Too many open files): new connections wait a second" in log
    assert "Traceback" not in log
