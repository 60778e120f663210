"""The presigned upload: multipart layout, no bearer, progress, retries to the same URL, memory."""

from __future__ import annotations

import itertools
import json
import logging
import tracemalloc
from pathlib import Path

import httpx
import pytest

from guru_form import GuruClient
from guru_form.errors import (
    APIConnectionError,
    InvalidInputError,
    PermissionDeniedError,
    ServerError,
)
from tests.client.conftest import FAST_RETRY, write_video
from tests.client.discard_server import discard_server
from tests.client.fakeguru import CLIENT_ID, CLIENT_SECRET, SIGNATURE_PREFIX, FakeGuru
from tests.fakehttp import DROP, Reply


def test_fields_first_file_last_no_bearer(fake_client, fake: FakeGuru, video) -> None:
    vid = fake_client.upload_video(video, activity="push_up")
    (upload,) = [r for r in fake.server.requests if r.path.startswith("/upload/")]
    assert "authorization" not in upload.headers
    assert upload.headers["content-length"] == str(len(upload.body))
    assert upload.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert fake.videos[vid].upload_fields == ["key", "signature", "file"]
    assert fake.videos[vid].uploaded == video.read_bytes()
    assert b'filename="clip00.avi"' in upload.body
    assert b"Content-Type: video/x-msvideo" in upload.body


def test_progress_callback_counts_up_to_the_body_size(fake_client, fake: FakeGuru, video) -> None:
    seen: list[tuple[int, int]] = []
    fake_client.upload_video(video, progress=lambda sent, total: seen.append((sent, total)))
    (upload,) = [r for r in fake.server.requests if r.path.startswith("/upload/")]
    total = len(upload.body)
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert [s for s, _ in seen] == sorted(s for s, _ in seen)


def test_the_file_goes_out_a_mebibyte_at_a_time(fake_client, fake: FakeGuru, tmp_path) -> None:
    from guru_form.client._upload import UPLOAD_CHUNK_BYTES

    big = write_video(tmp_path / "five.avi", seed=3)
    with big.open("r+b") as fh:
        fh.truncate(5 * 2**20)
    seen: list[int] = []
    vid = fake_client.upload_video(big, progress=lambda sent, total: seen.append(sent))
    assert fake.videos[vid].uploaded == big.read_bytes()
    steps = [b - a for a, b in itertools.pairwise(seen)]
    # five full chunks of the file (not httpx's 64 KiB ones); the rest is multipart framing
    assert UPLOAD_CHUNK_BYTES == 2**20 and steps.count(UPLOAD_CHUNK_BYTES) == 5
    assert all(step < 1024 for step in steps if step != UPLOAD_CHUNK_BYTES)


def test_progress_bar_runs(fake_client, video, capsys) -> None:
    fake_client.upload_video(video, progress=True)
    assert "uploading clip00.avi" in capsys.readouterr().err


def test_failed_upload_is_resent_whole_to_the_same_url(fake_client, fake: FakeGuru, video) -> None:
    real = fake._upload
    replies = [DROP, Reply(503, json={"message": "slow down"})]

    def flaky(rec):  # type: ignore[no-untyped-def]
        return replies.pop(0) if replies else real(rec)

    fake.server.route("POST", "/upload/*", flaky)
    sent: list[int] = []
    vid = fake_client.upload_video(video, progress=lambda s, t: sent.append(s))
    uploads = [r for r in fake.server.requests if r.path.startswith("/upload/")]
    assert [r.path for r in uploads] == [f"/upload/{vid}"] * 3
    assert fake.server.count("POST", "/videos") == 1  # never a second video for the same file
    assert fake.videos[vid].uploaded == video.read_bytes()
    assert len({len(r.body) for r in uploads}) == 1  # every try carried the whole body
    assert sent.count(0) == 3  # progress restarted with each try


def test_create_video_resent_after_a_dropped_answer(fake_client, fake: FakeGuru, video) -> None:
    real = fake._create
    replies = [DROP]

    def flaky(rec):  # type: ignore[no-untyped-def]
        return replies.pop(0) if replies else real(rec)

    fake.server.route("POST", "/videos", flaky)
    vid = fake_client.upload_video(video)
    assert fake.server.count("POST", "/videos") == 2
    assert fake.videos[vid].uploaded is not None


def test_upload_refused_hides_signing_fields(fake_client, fake: FakeGuru, video, caplog) -> None:
    def refuse(rec):  # type: ignore[no-untyped-def]
        vid = rec.path.rsplit("/", 1)[1]
        xml = (
            "<Error><Code>AccessDenied</Code><Message>Policy expired for "
            f"{SIGNATURE_PREFIX}{vid}</Message><StringToSign>{SIGNATURE_PREFIX}{vid}"
            "</StringToSign></Error>"
        )
        return Reply(403, body=xml, headers={"Content-Type": "application/xml"})

    fake.server.route("POST", "/upload/*", refuse)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(PermissionDeniedError) as info:
        fake_client.upload_video(video)
    text = str(info.value) + repr(info.value) + repr(info.value.body) + caplog.text
    assert "AccessDenied" in str(info.value) and "expired" in str(info.value)
    assert SIGNATURE_PREFIX not in text
    assert "clip00.avi" in str(info.value)


def test_upload_server_error_after_retries(fake_client, fake: FakeGuru, video) -> None:
    fake.server.route("POST", "/upload/*", Reply(500, json={"message": "disk full"}))
    with pytest.raises(ServerError, match="disk full"):
        fake_client.upload_video(video)
    assert fake.server.count("POST", "/videos") == 1
    assert fake.uploads == 1 + FAST_RETRY.max_retries


def test_upload_connection_error_names_url_without_query(
    fake_client, fake: FakeGuru, video
) -> None:
    fake.upload_base = "http://127.0.0.1:9"
    with pytest.raises(APIConnectionError, match=r"127\.0\.0\.1:9/upload/v\d+"):
        fake_client.upload_video(video)


def test_plain_http_upload_url_to_another_host_is_refused(
    fake_client, fake: FakeGuru, video
) -> None:
    fake.upload_base = "http://uploads.example.com"
    with pytest.raises(InvalidInputError, match=r"refusing plain http to uploads\.example\.com"):
        fake_client.upload_video(video)


def test_relative_upload_url_is_joined_to_the_base(fake_client, fake: FakeGuru, video) -> None:
    fake.upload_base = ""
    vid = fake_client.upload_video(video)
    assert fake.videos[vid].uploaded == video.read_bytes()


def test_memory_stays_flat_for_a_200_mb_upload(fake: FakeGuru, tmp_path: Path) -> None:
    big = write_video(tmp_path / "big.avi", seed=1)
    with big.open("r+b") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: instant, and OpenCV still reads the header
    size = big.stat().st_size
    with discard_server() as uploads:
        fake.upload_base = uploads
        with GuruClient(
            CLIENT_ID,
            CLIENT_SECRET,
            base_url=fake.url,
            auth_url=fake.auth_url,
            cache_dir=tmp_path / "cache",
            retry=FAST_RETRY,
        ) as client:
            client.create_video("warm-up.avi", 1)  # token and connection, outside the measure
            tracemalloc.start()
            try:
                client.upload_video(big)
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
        last = json.loads(httpx.get(uploads + "/last").content)
    assert last["bytes"] > size  # the whole file went out (plus the multipart framing)
    assert peak < 16 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB for a {size / 2**20:.0f} MiB file"
