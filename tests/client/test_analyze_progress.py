"""What ``analyze`` reports while it works: bars named by the file, the wait's time limit said as a
limit, and callbacks for each step (the upload panel's rows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guru_form.client import AnalyzeProgress
from guru_form.client._progress import PollReporter
from guru_form.models import Analysis, Status
from tests.client.fakeguru import FakeGuru

FAST = {"poll_interval": 0.01, "max_poll_interval": 0.02}


def test_bars_name_the_file_and_call_the_wait_limit_a_limit(
    fake_client: Any, fake: FakeGuru, video: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.pending_polls = 2
    fake_client.analyze(video, activity="squat", progress=True, **FAST)
    err = capsys.readouterr().err
    assert f"uploading {video.name}" in err
    assert f"analysing {video.name}" in err
    assert "s, limit 600 s" in err
    assert "/600" not in err  # not "n/600 s", which reads like an estimate
    video_id = next(iter(fake.videos))
    assert video_id not in err


def test_each_step_reports_to_its_own_callback(
    fake_client: Any, fake: FakeGuru, video: Path
) -> None:
    fake.pending_polls = 2
    sent: list[tuple[int, int]] = []
    polled: list[str] = []
    analysis = fake_client.analyze(
        video,
        activity="squat",
        progress=AnalyzeProgress(
            upload=lambda done, total: sent.append((done, total)),
            wait=lambda a: polled.append(a.status_text),
        ),
        cache=False,
        **FAST,
    )
    size = video.stat().st_size
    assert sent and sent[-1][0] == sent[-1][1] > size  # the multipart body holds the file
    assert polled[0] == "Pending" and polled[-1] == "Complete"
    assert analysis.status is Status.COMPLETE


def test_wait_for_analysis_takes_a_label(
    fake_client: Any, fake: FakeGuru, video: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    video_id = fake_client.upload_video(video, activity="squat", progress=False)
    fake_client.wait_for_analysis(video_id, progress=True, label="monday_squats.mp4", **FAST)
    err = capsys.readouterr().err
    assert "analysing monday_squats.mp4" in err and video_id not in err


def test_without_a_label_the_bar_names_the_video_id() -> None:
    reporter = PollReporter(True, video_id="v-123", timeout=30)
    reporter(Analysis("v-123", Status.PENDING), 3.0)
    assert str(reporter._bar) == "analysing v-123 (Pending): 3 s, limit 30 s"
    reporter.close()


def test_analyze_progress_of_a_bool_covers_both_steps() -> None:
    assert AnalyzeProgress.of(False) == AnalyzeProgress(False, False)
    own = AnalyzeProgress(upload=True)
    assert AnalyzeProgress.of(own) is own
