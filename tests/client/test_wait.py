"""Waiting for an analysis: growing intervals, Retry-After, Failed, the deadline, blips."""

from __future__ import annotations

import time

import pytest

from guru_form.client._polling import Poller
from guru_form.errors import (
    AnalysisFailedError,
    AnalysisTimeoutError,
    NotFoundError,
    ServerError,
)
from guru_form.models import Analysis, Status
from tests.client.fakeguru import FakeGuru
from tests.fakehttp import DROP, Reply

PENDING = Analysis("v1", Status.PENDING)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_intervals_grow_by_half_up_to_the_cap() -> None:
    clock = Clock()
    poller = Poller("v1", timeout=100, poll_interval=2, max_poll_interval=6, clock=clock)
    delays = [poller.after_poll(PENDING) for _ in range(6)]
    assert delays == [2.0, 3.0, 4.5, 6.0, 6.0, 6.0]


def test_retry_after_is_honoured_when_longer() -> None:
    poller = Poller("v1", timeout=100, poll_interval=1, clock=Clock())
    assert poller.after_poll(PENDING, retry_after=7.5) == 7.5
    assert poller.after_poll(PENDING, retry_after=0.1) == 1.5


def test_last_poll_lands_on_the_deadline_then_timeout() -> None:
    clock = Clock()
    poller = Poller("v9", timeout=10, poll_interval=4, max_poll_interval=4, clock=clock)
    assert poller.after_poll(PENDING) == 4
    clock.now = 8
    assert poller.after_poll(PENDING) == 2  # not 4: the deadline is at 10
    clock.now = 10
    with pytest.raises(AnalysisTimeoutError) as info:
        poller.after_poll(PENDING)
    assert info.value.video_id == "v9"
    assert "wait_for_analysis('v9')" in str(info.value)


def test_complete_returns_none_failed_raises_with_reason() -> None:
    poller = Poller("v1", timeout=10, poll_interval=1, clock=Clock())
    assert poller.after_poll(Analysis("v1", Status.COMPLETE)) is None
    with pytest.raises(AnalysisFailedError, match="v1 failed: no figure found") as info:
        poller.after_poll(Analysis("v1", Status.FAILED, reason="no figure found"))
    assert info.value.reason == "no figure found"


def test_transient_errors_tolerated_a_few_times_in_a_row() -> None:
    poller = Poller("v1", timeout=100, poll_interval=1, max_transient_failures=2, clock=Clock())
    blip = ServerError("down", status_code=503)
    assert poller.after_error(blip) == 1.0
    assert poller.after_error(blip) == 1.5
    poller.after_poll(PENDING)  # a good poll resets the count
    poller.after_error(blip)
    poller.after_error(blip)
    with pytest.raises(ServerError):
        poller.after_error(blip)


def test_wait_polls_until_complete(fake_client, fake: FakeGuru, video) -> None:
    fake.pending_polls = 3
    vid = fake_client.upload_video(video, activity="squat")
    seen: list[str] = []
    analysis = fake_client.wait_for_analysis(
        vid, poll_interval=0.01, progress=lambda a: seen.append(a.status.value)
    )
    assert seen == ["Pending"] * 3 + ["Complete"]
    assert analysis.video_id == vid
    assert analysis.reps[0].analyses == {"HIP_KNEE_ANGLE_DEGREES": 82.5}


def test_wait_honours_retry_after_on_pending(fake_client, fake: FakeGuru, video) -> None:
    fake.pending_polls = 2
    fake.pending_headers = {"Retry-After": "0.3"}
    vid = fake_client.upload_video(video)
    started = time.monotonic()
    fake_client.wait_for_analysis(vid, poll_interval=0.001)
    assert time.monotonic() - started >= 0.6


def test_failed_analysis_raises_with_video_id_and_reason(
    fake_client, fake: FakeGuru, video
) -> None:
    fake.final_status = "Failed"
    fake.failure_reason = "no person visible in the video"
    vid = fake_client.upload_video(video)
    with pytest.raises(AnalysisFailedError) as info:
        fake_client.wait_for_analysis(vid, poll_interval=0.01)
    assert info.value.video_id == vid
    assert info.value.reason == "no person visible in the video"
    assert vid in str(info.value)


def test_timeout_names_the_video(fake_client, fake: FakeGuru, video) -> None:
    fake.pending_polls = 10_000
    vid = fake_client.upload_video(video)
    started = time.monotonic()
    with pytest.raises(AnalysisTimeoutError) as info:
        fake_client.wait_for_analysis(vid, timeout=0.3, poll_interval=0.05)
    assert 0.3 <= time.monotonic() - started < 2
    assert info.value.video_id == vid


def test_blips_during_polling_do_not_lose_the_video(fake_client, fake: FakeGuru, video) -> None:
    vid = fake_client.upload_video(video)
    real = fake._get
    # more failures in a row than the per-request retries absorb
    replies = [Reply(503), Reply(503), Reply(503), Reply(503), DROP, Reply(429), Reply(502)]

    def flaky(rec):  # type: ignore[no-untyped-def]
        return replies.pop(0) if replies else real(rec)

    fake.server.route("GET", "/videos/*", flaky)
    analysis = fake_client.wait_for_analysis(vid, poll_interval=0.01)
    assert analysis.status is Status.COMPLETE


def test_unknown_video_is_not_found(fake_client, fake: FakeGuru) -> None:
    with pytest.raises(NotFoundError) as info:
        fake_client.wait_for_analysis("v404", poll_interval=0.01)
    assert info.value.status_code == 404
    assert fake.server.count("GET", "/videos/v404/analysis") == 1  # a 404 is not retried


def test_progress_bar_for_the_wait(fake_client, fake: FakeGuru, video, capsys) -> None:
    vid = fake_client.upload_video(video)
    fake_client.wait_for_analysis(vid, poll_interval=0.01, progress=True)
    err = capsys.readouterr().err
    assert f"analysing {vid} (Complete): " in err and ": , " not in err


def test_an_undocumented_status_is_waited_through(fake_client, fake: FakeGuru, video) -> None:
    vid = fake_client.upload_video(video)
    real = fake._get
    replies = [Reply(200, json={"status": "Processing"})] * 2

    def processing(rec):  # type: ignore[no-untyped-def]
        if rec.path.endswith("/analysis") and replies:
            return replies.pop(0)
        return real(rec)

    fake.server.route("GET", "/videos/*", processing)
    seen: list[tuple[Status, str]] = []
    analysis = fake_client.wait_for_analysis(
        vid, poll_interval=0.01, progress=lambda a: seen.append((a.status, a.status_text))
    )
    assert analysis.status is Status.COMPLETE
    assert seen[:2] == [(Status.PENDING, "Processing")] * 2


def test_a_timeout_says_what_the_server_last_said(fake_client, fake: FakeGuru) -> None:
    fake.server.route("GET", "/videos/v1/analysis", Reply(200, json={"status": "Queued"}))
    with pytest.raises(AnalysisTimeoutError) as info:
        fake_client.wait_for_analysis("v1", timeout=0.1, poll_interval=0.02)
    assert info.value.status == "Queued"
    assert "still pending (the server said 'Queued') after" in str(info.value)
