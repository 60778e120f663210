"""The presigned upload endpoint: signatures, expiry, sizes, idempotent re-upload, streaming."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import httpx
import psutil
import pytest

from guru_form.server._signing import UploadSigner
from guru_form.server.testing import KnownVideo, LocalServer

from .conftest import Api


def test_upload_needs_no_bearer_and_answers_204(
    api: Api, known_videos: dict[str, KnownVideo]
) -> None:
    path = known_videos["squat"].path
    target = api.create(path, activity="squat")
    response = api.upload(target, path)  # plain httpx.post: no Authorization header
    assert response.status_code == 204
    assert response.content == b""
    assert api.request("GET", f"/videos/{target['id']}").json()["status"] == "Success"


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"signature": "0" * 64}, 403, "signature does not match"),
        ({"size": "1"}, 403, "signature does not match"),
        ({"expires": "9999999999"}, 403, "signature does not match"),
        ({"key": "videos/other"}, 403, "signature does not match"),
        ({"signature": ""}, 400, "missing the signing field 'signature'"),
    ],
)
def test_tampered_forms_are_refused(
    api: Api, known_videos: dict[str, KnownVideo], change: dict[str, str], status: int, words: str
) -> None:
    path = known_videos["squat"].path
    target = api.create(path)
    fields = {**target["fields"], **change}
    response = api.upload(target, path, fields={k: v for k, v in fields.items() if v})
    assert response.status_code == status
    assert words in response.json()["message"]
    assert target["fields"]["signature"] not in response.text
    assert api.request("GET", f"/videos/{target['id']}").json()["status"] == "Pending"


def test_a_form_for_another_video_is_refused(api: Api, known_videos: dict[str, KnownVideo]) -> None:
    path = known_videos["squat"].path
    first, second = api.create(path), api.create(path)
    response = api.upload(second, path, fields=first["fields"])
    assert response.status_code == 403
    assert "issued for another video" in response.json()["message"]


def test_an_expired_form_is_refused(
    api: Api, local_server: LocalServer, known_videos: dict[str, KnownVideo]
) -> None:
    path = known_videos["squat"].path
    target = api.create(path)
    signer = UploadSigner.load_or_create(local_server.data_dir / "signing.key")
    expired = signer.sign(target["id"], path.stat().st_size, ttl_s=-5)
    response = api.upload(target, path, fields=expired)
    assert response.status_code == 403
    assert response.json()["field"] == "expires"
    assert "expired" in response.json()["message"] and "POST /videos" in response.json()["message"]


@pytest.mark.parametrize(("declared_delta", "status"), [(-1, 413), (+1, 400), (+5000, 400)])
def test_size_must_match_the_declared_size(
    api: Api, known_videos: dict[str, KnownVideo], declared_delta: int, status: int
) -> None:
    path = known_videos["squat"].path
    target = api.create(filename=path.name, size=path.stat().st_size + declared_delta)
    response = api.upload(target, path)
    assert response.status_code == status
    assert response.json()["field"] == "size"
    assert "create the video again with the file's real size" in response.json()["message"]
    assert api.request("GET", f"/videos/{target['id']}").json()["status"] == "Pending"
    assert not _half_written(api.server)


def _half_written(server: LocalServer) -> list[Path]:
    """Files under the server's tmp/ other than the lock files of its servers' folders."""
    tmp = server.data_dir / "tmp"
    return [p for p in tmp.rglob("*") if p.is_file() and p.suffix != ".lock"]


def test_form_must_be_multipart_with_a_file(api: Api, known_videos: dict[str, KnownVideo]) -> None:
    path = known_videos["squat"].path
    target = api.create(path)
    not_multipart = httpx.post(target["url"], data=target["fields"])
    assert not_multipart.status_code == 400
    assert "multipart/form-data" in not_multipart.json()["message"]
    no_file = httpx.post(target["url"], data=target["fields"], files={"other": ("x", b"123")})
    assert no_file.status_code == 400
    assert "'file'" in no_file.json()["message"]


def test_parts_after_the_file_are_ignored(api: Api, known_videos: dict[str, KnownVideo]) -> None:
    path = known_videos["squat"].path
    target = api.create(path)
    boundary = "b0undary"
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in target["fields"].items()
    )
    body = (
        head.encode()
        + f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n'
        f"Content-Type: video/mp4\r\n\r\n".encode()
        + path.read_bytes()
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="signature"\r\n\r\nx\r\n'
        f"--{boundary}--\r\n".encode()
    )
    response = httpx.post(
        target["url"],
        content=body,
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 204


def test_a_used_form_answers_409_and_changes_nothing(
    fresh_api: Api, fresh_server: LocalServer, known_videos: dict[str, KnownVideo], tmp_path: Path
) -> None:
    good = known_videos["squat"]
    corrupted = tmp_path / "corrupted.mp4"
    corrupted.write_bytes(b"\x00" * good.path.stat().st_size)
    target = fresh_api.create(good.path, activity="squat")
    assert fresh_api.upload(target, corrupted).status_code == 204
    failed = fresh_api.wait(target["id"])
    assert failed["status"] == "Failed"
    before = fresh_api.request("GET", f"/videos/{target['id']}").json()
    second = fresh_api.upload(target, good.path)
    assert second.status_code == 409
    assert second.json()["error"] == "upload_form_used"
    assert "create a new video" in second.json()["message"]
    assert target["fields"]["signature"] not in second.text
    time.sleep(0.2)
    assert fresh_api.request("GET", f"/videos/{target['id']}").json() == before
    assert fresh_api.analysis(target["id"]) == failed
    content = fresh_api.http.get(before["uri"], headers=fresh_api.auth()).content
    assert content == corrupted.read_bytes()
    assert len(list((fresh_server.data_dir / "videos").iterdir())) == 1
    assert not _half_written(fresh_server)
    assert fresh_server.faults.count("/uploads/*", method="POST", status=204) == 1
    assert fresh_server.faults.count("/uploads/*", method="POST", status=409) == 1


def test_concurrent_uploads_to_one_form_store_one_whole_file(
    fresh_api: Api, fresh_server: LocalServer, known_videos: dict[str, KnownVideo]
) -> None:
    path = known_videos["squat"].path
    target = fresh_api.create(path, activity="squat")
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(fresh_api.upload(target, path).status_code))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [204, 409, 409, 409]
    assert fresh_api.wait(target["id"])["status"] == "Complete"
    stored = list((fresh_server.data_dir / "videos").iterdir())
    assert len(stored) == 1 and stored[0].read_bytes() == path.read_bytes()
    assert not _half_written(fresh_server)


def _sparse_file(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


@pytest.mark.slow
def test_a_200_mb_upload_keeps_server_memory_flat(
    fresh_api: Api, fresh_server: LocalServer, tmp_path: Path
) -> None:
    size = 200 * 1024 * 1024
    big = _sparse_file(tmp_path / "big.mp4", size)
    target = fresh_api.create(big)
    process = psutil.Process(os.getpid())
    baseline = process.memory_info().rss
    peak = baseline
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        started = time.perf_counter()
        response = fresh_api.upload(target, big)
        elapsed = time.perf_counter() - started
    finally:
        stop.set()
        sampler.join()
    assert response.status_code == 204
    growth_mb = (peak - baseline) / 2**20
    print(f"200 MB upload: {size / 2**20 / elapsed:.0f} MB/s, peak RSS growth {growth_mb:.1f} MB")
    assert growth_mb < 50, f"memory grew by {growth_mb:.0f} MB during a 200 MB upload"
    stored = next((fresh_server.data_dir / "videos").iterdir())
    assert stored.stat().st_size == size
    failed = fresh_api.wait(target["id"])
    assert "not a readable video" in failed["reason"]
