"""analyze and analyze_many on the fake Guru: the result cache, resuming, batches that half fail."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from guru_form import BatchResult, GuruClient
from guru_form.errors import (
    AnalysisFailedError,
    AnalysisTimeoutError,
    InvalidVideoError,
    ServerError,
)
from guru_form.models import Status
from tests.client.conftest import FAST_RETRY
from tests.client.fakeguru import CLIENT_ID, CLIENT_SECRET, FakeGuru
from tests.fakehttp import Reply

FAST = {"poll_interval": 0.01, "max_poll_interval": 0.02}


def test_same_video_is_never_uploaded_twice(fake_client, fake: FakeGuru, video, tmp_path) -> None:
    first = fake_client.analyze(video, activity="squat", progress=False, **FAST)
    copy = tmp_path / "renamed.avi"
    shutil.copy(video, copy)
    requests_before = len(fake.server.requests)
    again = fake_client.analyze(copy, activity="squat", progress=False, **FAST)
    assert again == first
    assert len(fake.server.requests) == requests_before  # not even a token request
    assert fake.uploads == 1


def test_cache_is_per_activity(fake_client, fake: FakeGuru, video) -> None:
    fake_client.analyze(video, activity="squat", progress=False, **FAST)
    fake_client.analyze(video, activity="deadlift", progress=False, **FAST)
    assert fake.uploads == 2


def test_cache_is_per_rep_count_hint(fake_client, fake: FakeGuru, video) -> None:
    fake_client.analyze(video, activity="squat", progress=False, **FAST)
    fake_client.analyze(video, activity="squat", rep_count=3, progress=False, **FAST)
    fake_client.analyze(video, activity="squat", rep_count=5, progress=False, **FAST)
    assert fake.uploads == 3  # the server analyses with the hint it is given
    fake_client.analyze(video, activity="squat", rep_count=3, progress=False, **FAST)
    fake_client.analyze(video, activity="squat", progress=False, **FAST)
    assert fake.uploads == 3


def test_cache_false_uploads_afresh(fake_client, fake: FakeGuru, video) -> None:
    fake_client.analyze(video, activity="squat", progress=False, cache=False, **FAST)
    fake_client.analyze(video, activity="squat", progress=False, cache=False, **FAST)
    assert fake.uploads == 2
    assert not (fake_client.cache_dir / "analyses").exists()


def test_timeout_then_rerun_polls_the_same_video(fake_client, fake: FakeGuru, video) -> None:
    fake.pending_filenames = {video.name}
    with pytest.raises(AnalysisTimeoutError) as info:
        fake_client.analyze(video, activity="squat", progress=False, timeout=0.1, **FAST)
    fake.pending_filenames = set()
    analysis = fake_client.analyze(video, activity="squat", progress=False, **FAST)
    assert analysis.video_id == info.value.video_id
    assert fake.uploads == 1


def test_failed_analysis_is_not_uploaded_again(fake_client, fake: FakeGuru, video) -> None:
    fake.fail_filenames = {video.name}
    for _ in range(2):
        with pytest.raises(AnalysisFailedError, match=f"cannot analyse {video.name}"):
            fake_client.analyze(video, activity="squat", progress=False, **FAST)
    assert fake.uploads == 1


def test_a_video_the_server_forgot_is_uploaded_again(fake_client, fake: FakeGuru, video) -> None:
    fake.pending_filenames = {video.name}
    with pytest.raises(AnalysisTimeoutError):
        fake_client.analyze(video, activity="squat", progress=False, timeout=0.05, **FAST)
    fake.videos.clear()  # e.g. the server's database was reset
    fake.pending_filenames = set()
    analysis = fake_client.analyze(video, activity="squat", progress=False, **FAST)
    assert analysis.status is Status.COMPLETE
    assert fake.uploads == 2


def test_cache_layout_and_home_variable(fake: FakeGuru, video, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GURU_FORM_HOME", str(tmp_path / "home"))
    with GuruClient(
        CLIENT_ID, CLIENT_SECRET, base_url=fake.url, auth_url=fake.auth_url, retry=FAST_RETRY
    ) as client:
        assert client.cache_dir == tmp_path / "home" / "cache"
        analysis = client.analyze(video, activity="squat", progress=False, **FAST)
    (server_dir,) = (tmp_path / "home" / "cache" / "analyses").iterdir()
    assert (server_dir / "server.txt").read_text().strip() == fake.url
    (entry,) = server_dir.glob("*.squat.json")
    data = json.loads(entry.read_text())
    assert data["video_id"] == analysis.video_id and data["analysis"]["status"] == "Complete"


def test_corrupt_cache_entry_is_ignored(fake_client, fake: FakeGuru, video) -> None:
    fake_client.analyze(video, activity="squat", progress=False, **FAST)
    (entry,) = (fake_client.cache_dir / "analyses").glob("*/*.json")
    entry.write_text("{not json")
    fake_client.analyze(video, activity="squat", progress=False, **FAST)
    assert fake.uploads == 2


def test_a_malformed_cached_analysis_is_polled_again_not_uploaded(
    fake_client, fake: FakeGuru, video
) -> None:
    first = fake_client.analyze(video, activity="squat", progress=False, **FAST)
    (entry,) = (fake_client.cache_dir / "analyses").glob("*/*.json")
    data = json.loads(entry.read_text())
    del data["analysis"]["reps"][0]["midTimestampMs"]  # e.g. written by an older version
    entry.write_text(json.dumps(data))
    again = fake_client.analyze(video, activity="squat", progress=False, **FAST)
    assert again.video_id == first.video_id and again.reps == first.reps
    assert fake.uploads == 1


def _batch(video_dir: Path, tmp_path: Path) -> tuple[list[Path], Path, Path]:
    videos = sorted(video_dir.glob("clip0[0-5].avi"))
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video" * 50)
    missing = tmp_path / "missing.mp4"
    return [*videos, broken, missing], broken, missing


def test_half_failed_batch_then_resume_without_reupload(
    fake_client, fake: FakeGuru, video_dir, tmp_path
) -> None:
    paths, broken, missing = _batch(video_dir, tmp_path)
    fake.fail_filenames = {"clip01.avi"}  # the server cannot analyse this one
    fake.pending_filenames = {"clip02.avi"}  # this one is still running at the deadline
    create = fake._create
    replies = [Reply(500, json={"message": "boom"})] * 4  # one create fails past its retries

    def flaky(rec):  # type: ignore[no-untyped-def]
        return replies.pop(0) if replies and b"clip03" in rec.body else create(rec)

    fake.server.route("POST", "/videos", flaky)
    done: list[tuple[int, int]] = []
    result = fake_client.analyze_many(
        paths,
        activity="squat",
        concurrency=3,
        timeout=2.0,  # clip02 never finishes; the others must, also on a loaded machine
        progress=lambda d, t: done.append((d, t)),
        **FAST,
    )
    assert isinstance(result, BatchResult)
    assert list(result.succeeded) == [paths[0], paths[4], paths[5]]  # in the order given
    failures = {f.path.name: f for f in result.failed}
    assert [f.path for f in result.failed] == [paths[1], paths[2], paths[3], broken, missing]
    assert isinstance(failures["clip01.avi"].error, AnalysisFailedError)
    assert isinstance(failures["clip02.avi"].error, AnalysisTimeoutError)
    assert failures["clip02.avi"].video_id is not None
    assert isinstance(failures["clip03.avi"].error, ServerError)
    assert isinstance(failures["broken.mp4"].error, InvalidVideoError)
    assert isinstance(failures["missing.mp4"].error, InvalidVideoError)
    assert done[-1] == (8, 8) and len(done) == 8
    assert not result.ok and len(result) == 8
    assert "5 failed" in result.summary() and "clip02.avi" in result.summary()
    frame = result.to_frame()
    assert list(frame.columns) == ["path", "ok", "video_id", "activity", "reps", "error"]
    assert frame["ok"].sum() == 3
    uploads_first_run = fake.uploads
    assert uploads_first_run == 5  # clip00-02, 04, 05; clip03 never got an upload target

    fake.pending_filenames = set()  # the slow one finished meanwhile (the failed one stays failed)
    again = fake_client.analyze_many(paths, activity="squat", progress=False, **FAST)
    assert set(again.succeeded) == set(paths[:6]) - {paths[1]}
    assert [f.path for f in again.failed] == [paths[1], broken, missing]
    assert isinstance(again.failed[0].error, AnalysisFailedError)  # polled, not re-uploaded
    assert fake.uploads == uploads_first_run + 1  # only clip03, which never was uploaded
    assert again.succeeded[paths[2]].video_id == failures["clip02.avi"].video_id


def test_duplicate_contents_in_one_batch_upload_once(
    fake_client, fake: FakeGuru, video, tmp_path
) -> None:
    copies = [video]
    for i in range(3):
        copy = tmp_path / f"copy{i}.avi"
        shutil.copy(video, copy)
        copies.append(copy)
    result = fake_client.analyze_many([*copies, video], activity="squat", progress=False, **FAST)
    assert result.ok and list(result.succeeded) == copies
    assert fake.uploads == 1


def test_concurrency_is_respected(fake_client, fake: FakeGuru, video_dir) -> None:
    paths = sorted(video_dir.glob("*.avi"))
    fake.pending_polls = 3
    fake_client.analyze_many(paths, activity="squat", concurrency=3, progress=False, **FAST)
    assert fake.uploads == len(paths) == 12
    assert fake.max_open_videos == 3  # never more in flight, and it did run three at once


def test_sync_batch_inside_a_running_event_loop(fake: FakeGuru, video_dir, tmp_path) -> None:
    paths = sorted(video_dir.glob("clip0[0-2].avi"))
    client = GuruClient(
        CLIENT_ID,
        CLIENT_SECRET,
        base_url=fake.url,
        auth_url=fake.auth_url,
        cache_dir=tmp_path,
        retry=FAST_RETRY,
    )

    async def notebook_cell() -> BatchResult:
        # Jupyter runs cells inside a running loop: a plain sync call must not deadlock
        return client.analyze_many(paths, activity="squat", progress=False, **FAST)

    with client:
        result = asyncio.run(asyncio.wait_for(notebook_cell(), timeout=30))
    assert result.ok and len(result.succeeded) == 3


def test_batch_progress_bar(fake_client, video_dir, capsys) -> None:
    paths = sorted(video_dir.glob("clip0[0-1].avi"))
    fake_client.analyze_many(paths, activity="squat", progress=True, **FAST)
    assert "analysing videos" in capsys.readouterr().err


def _malformed_for(fake: FakeGuru, filename: str, body: dict) -> None:
    """Answer the analysis of ``filename`` with ``body`` (a reply that breaks the schema)."""
    get = fake._get

    def reply(rec):  # type: ignore[no-untyped-def]
        vid = rec.path.split("/")[2]
        video = fake.videos.get(vid)
        if rec.path.endswith("/analysis") and video and video.meta["filename"] == filename:
            return Reply(200, json=body)
        return get(rec)

    fake.server.route("GET", "/videos/*", reply)


def test_a_malformed_analysis_fails_only_its_video(fake_client, fake: FakeGuru, video_dir) -> None:
    paths = sorted(video_dir.glob("clip0[0-2].avi"))
    _malformed_for(
        fake, "clip01.avi", {"status": "Complete", "reps": [{"startTimestampMs": "n/a"}]}
    )
    result = fake_client.analyze_many(paths, activity="squat", progress=False, **FAST)
    assert list(result.succeeded) == [paths[0], paths[2]]
    (failure,) = result.failed
    assert failure.path == paths[1]
    text = str(failure)
    assert "clip01.avi" in text and "reps[0].startTimestampMs" in text and "'n/a'" in text


def test_an_unexpected_error_fails_only_its_video(
    fake_client, fake: FakeGuru, video_dir, monkeypatch, caplog
) -> None:
    # A bug cannot be asked of a real server: make hashing one file raise something unforeseen.
    import guru_form.client._cache as cache_module
    import guru_form.client.aio as aio_module
    import guru_form.client.sync as sync_module

    paths = sorted(video_dir.glob("clip0[0-2].avi"))
    real = cache_module.file_sha256

    def buggy(path: Path) -> str:
        if path.name == "clip01.avi":
            raise RuntimeError("a bug")
        return real(path)

    for module in (aio_module, sync_module):
        monkeypatch.setattr(module, "file_sha256", buggy)
    with caplog.at_level("ERROR", logger="guru_form.client"):
        result = fake_client.analyze_many(paths, activity="squat", progress=False, **FAST)
    assert list(result.succeeded) == [paths[0], paths[2]]
    (failure,) = result.failed
    assert isinstance(failure.error, RuntimeError) and not failure.expected
    assert str(failure).startswith(f"{paths[1]}: unexpected RuntimeError: a bug (")
    assert "clip01.avi" in caplog.text and "RuntimeError: a bug" in caplog.text


def test_keyboard_interrupt_is_not_recorded_as_a_failure(
    fake: FakeGuru, video_dir, tmp_path, monkeypatch
) -> None:
    import anyio

    import guru_form.client.aio as aio_module
    from guru_form import AsyncGuruClient

    paths = sorted(video_dir.glob("clip0[0-2].avi"))

    def interrupted(path: Path) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(aio_module, "file_sha256", interrupted)

    async def go() -> BatchResult:
        async with AsyncGuruClient(
            CLIENT_ID,
            CLIENT_SECRET,
            base_url=fake.url,
            auth_url=fake.auth_url,
            cache_dir=tmp_path,
            retry=FAST_RETRY,
        ) as client:
            return await client.analyze_many(paths, activity="squat", progress=False, **FAST)

    with pytest.raises(BaseException) as info:  # plain, or in a task group's exception group
        anyio.run(go)
    raised = [info.value, *getattr(info.value, "exceptions", ())]
    assert any(isinstance(error, KeyboardInterrupt) for error in raised)
