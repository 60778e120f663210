"""Body limits at the edge: every route's body is bounded before it is parsed (413), stalls are 408.

The memory tests run the server in its own process and watch its resident memory with psutil while
hostile bodies arrive over real HTTP (chunked, so the server must count them as they come).
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from guru_form.server._limits import Limits
from guru_form.testing import KnownVideo, LocalServer

from ._serve_process import PeakRss, ServeProcess
from .conftest import Api

MB = 2**20


def _raw_request(url: str, head: str, body: bytes = b"", *, wait_s: float = 10) -> bytes:
    """Send ``head`` (request line and headers) and ``body`` on a socket; what came back."""
    host, port = httpx.URL(url).host, httpx.URL(url).port
    with socket.create_connection((host, port), timeout=wait_s) as sock:
        sock.sendall(head.encode() + b"\r\n" + body)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
                if b"\r\n\r\n" in received and received.rstrip().endswith(b"}"):
                    break
        except (TimeoutError, ConnectionResetError):
            pass
        return received


def test_a_token_body_declared_over_its_limit_is_refused_before_it_is_sent(
    api: Api, local_server: LocalServer
) -> None:
    # Only the headers are sent: the answer comes without the server waiting for 300 MB.
    answer = _raw_request(
        local_server.url,
        "POST /oauth/token HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
        f"content-length: {300 * MB}\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"larger than this endpoint accepts (16384 bytes)" in answer
    assert b"x-request-id" in answer.lower()


def _chunks(total: int, size: int = MB) -> Iterator[bytes]:
    block = b"{" * size
    for _ in range(total // size):
        yield block


@pytest.mark.parametrize(
    ("method", "path", "limit"),
    [("POST", "/oauth/token", 16384), ("POST", "/videos", 65536), ("PUT", "/videos/{id}", 65536)],
)
def test_a_chunked_body_over_its_routes_limit_is_413(
    api: Api, method: str, path: str, limit: int
) -> None:
    path = path.format(id=api.create(filename="a.mp4", size=1)["id"])
    response = api.http.request(
        method,
        path,
        content=_chunks(8 * MB),
        headers={**api.auth(), "content-type": "application/json"},
    )
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "payload_too_large" and body["limit"] == limit
    assert (
        f"the body of {method} {path} is larger than this endpoint accepts ({limit} bytes)"
        in (body["message"])
    )


def test_bodies_within_the_limit_still_work(api: Api) -> None:
    padded = {"filename": "a.mp4", "size": 10, "source": "s" * 200}
    assert api.request("POST", "/videos", json=padded).status_code == 200


def _multipart(boundary: str, parts: list[tuple[str, bytes]], file: bytes) -> bytes:
    out = b""
    for head, value in parts:
        out += f"--{boundary}\r\n{head}\r\n\r\n".encode() + value + b"\r\n"
    out += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\n'
    ).encode()
    return out + file + f"\r\n--{boundary}--\r\n".encode()


def _fields(fields: dict[str, str]) -> list[tuple[str, bytes]]:
    return [(f'Content-Disposition: form-data; name="{k}"', v.encode()) for k, v in fields.items()]


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (
            [("Content-Disposition: form-data; name=pad", b"p" * 70_000)],
            "fields before the file are larger than 65536 bytes in all",
        ),
        (
            [(f"Content-Disposition: form-data; name=p{i}", b"1") for i in range(20)],
            "more than 16 parts before the file",
        ),
        (
            [
                (
                    "Content-Disposition: form-data; name=p"
                    + "".join(f"\r\nX-Pad-{i}: " + "h" * 3000 for i in range(3)),
                    b"1",
                )
            ],
            "more than 8192 bytes of headers",
        ),
    ],
)
def test_an_upload_form_over_its_limits_is_413_and_stores_nothing(
    api: Api, known_videos: dict[str, KnownVideo], extra: list[tuple[str, bytes]], words: str
) -> None:
    path = known_videos["squat"].path
    target = api.create(path)
    body = _multipart("b0und", [*extra, *_fields(target["fields"])], path.read_bytes())
    response = httpx.post(
        target["url"],
        content=body,
        headers={"content-type": "multipart/form-data; boundary=b0und"},
    )
    assert response.status_code == 413, response.text
    assert words in response.json()["message"]
    assert api.request("GET", f"/videos/{target['id']}").json()["status"] == "Pending"


def test_an_upload_is_held_to_the_size_its_create_call_declared(api: Api) -> None:
    target = api.create(filename="small.mp4", size=1000)
    response = httpx.post(
        target["url"],
        data=target["fields"],
        files={"file": ("small.mp4", _chunk_stream(4 * MB), "video/mp4")},
    )
    assert response.status_code == 413
    assert (
        "the file has more than 1000 bytes but the video was created with size 1000"
        in (response.json()["message"])
    )
    assert response.json()["field"] == "size"
    assert api.request("GET", f"/videos/{target['id']}").json()["status"] == "Pending"


class _chunk_stream:  # noqa: N801 - a file-like object for httpx's multipart encoder
    def __init__(self, size: int) -> None:
        self.left = size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        return b"\0" * n


def test_the_servers_maximum_video_size_is_configurable(tmp_path: Path) -> None:
    with LocalServer(tmp_path / "data") as server:
        api = Api(server)
        assert server._runtime is not None
        server._runtime.config.max_upload_bytes = 5000
        response = api.request("POST", "/videos", json={"filename": "a.mp4", "size": 5001})
        assert response.status_code == 400 and response.json()["field"] == "size"
        assert "more than this server accepts (5000)" in response.json()["message"]
        api.close()


def test_a_stalled_body_is_408(tmp_path: Path) -> None:
    with LocalServer(tmp_path / "data", limits=Limits(body_timeout_s=0.5)) as server:
        creds = f"client_id={server.client_id}&client_secret="
        answer = _raw_request(
            server.direct_url,
            "POST /oauth/token HTTP/1.1\r\nHost: x\r\n"
            "content-type: application/x-www-form-urlencoded\r\ncontent-length: 500\r\n",
            creds.encode(),  # then nothing more
        )
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert b"the request body stalled: no data for 0.5 s" in answer


# --- memory under hostile bodies, measured on the server process ---------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServeProcess]:
    with ServeProcess(tmp_path / "data") as server:
        server.token()  # warm: the token path and its imports are loaded before the baseline
        yield server


def _post_chunked(url: str, total: int, headers: dict[str, str], results: list[Any]) -> None:
    try:
        response = httpx.post(url, content=_chunks(total), headers=headers, timeout=120)
        results.append(response.status_code)
    except httpx.TransportError as exc:  # the rest of the body was cut off after the answer
        results.append(type(exc).__name__)


@pytest.mark.slow
def test_300_mb_unauthenticated_token_bodies_keep_server_memory_flat(
    served: ServeProcess,
) -> None:
    results: list[Any] = []
    form = {"content-type": "application/x-www-form-urlencoded"}
    with PeakRss(served.pid) as memory:
        _post_chunked(f"{served.url}/oauth/token", 300 * MB, form, results)
        threads = [
            threading.Thread(
                target=_post_chunked, args=(f"{served.url}/oauth/token", 300 * MB, form, results)
            )
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(
        f"300 MB token body, then four at once: server RSS {memory.baseline / MB:.0f} MB idle, "
        f"peak +{memory.growth_mb:.1f} MB; answers {results}"
    )
    assert results[0] == 413
    assert all(r == 413 or isinstance(r, str) for r in results)
    assert memory.growth_mb < 100
    assert httpx.get(f"{served.url}/health").status_code == 200


@pytest.mark.slow
def test_20_concurrent_100_mb_bodies_keep_server_memory_flat(
    served: ServeProcess, tmp_path: Path
) -> None:
    headers = {"Authorization": f"Bearer {served.token()}", "content-type": "application/json"}
    results: list[Any] = []
    threads = [
        threading.Thread(
            target=_post_chunked, args=(f"{served.url}/videos", 100 * MB, headers, results)
        )
        for _ in range(20)
    ]
    with PeakRss(served.pid) as memory:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(
        f"20 x 100 MB JSON bodies at once: server RSS {memory.baseline / MB:.0f} MB idle, "
        f"peak +{memory.growth_mb:.1f} MB; answers {sorted(map(str, results))}"
    )
    assert results.count(413) >= 1 and len(results) == 20
    assert memory.growth_mb < 100


@pytest.mark.slow
def test_20_concurrent_100_mb_uploads_keep_server_memory_flat(
    served: ServeProcess, tmp_path: Path
) -> None:
    size = _upload_size_fitting_the_disk(served.data_dir, count=20, preferred=100 * MB)
    big = tmp_path / "big.mp4"
    with big.open("wb") as handle:
        handle.truncate(size)
    headers = {"Authorization": f"Bearer {served.token()}"}
    targets = [
        httpx.post(
            f"{served.url}/videos", json={"filename": "big.mp4", "size": size}, headers=headers
        ).json()
        for _ in range(20)
    ]
    results: list[int] = []

    def upload(target: dict[str, Any]) -> None:
        with big.open("rb") as handle:
            response = httpx.post(
                target["url"],
                data=target["fields"],
                files={"file": ("big.mp4", handle, "video/mp4")},
                timeout=300,
            )
        results.append(response.status_code)

    threads = [threading.Thread(target=upload, args=(t,)) for t in targets]
    with PeakRss(served.pid) as memory:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(
        f"20 x {size / MB:.0f} MB uploads at once: server RSS {memory.baseline / MB:.0f} MB idle, "
        f"peak +{memory.growth_mb:.1f} MB; answers {sorted(results)}"
    )
    stored = list((served.data_dir / "videos").iterdir())
    sizes = [p.stat().st_size for p in stored]
    for path in stored:  # 2 GB: leave the disk to the tests after this one
        path.unlink()
    assert results == [204] * 20
    assert memory.growth_mb < 100
    assert sizes == [size] * 20


def _upload_size_fitting_the_disk(directory: Path, *, count: int, preferred: int) -> int:
    """``preferred``, or less when ``count`` uploads of it would not fit on ``directory``'s disk.

    Below 10 MB each, the uploads together would no longer outweigh the memory bound: skip.
    """
    room = shutil.disk_usage(directory).free - 512 * MB
    size = min(preferred, room // count // MB * MB)
    if size < 10 * MB:
        pytest.skip(f"{room / MB:.0f} MB free on the disk: too little for {count} uploads")
    return size
