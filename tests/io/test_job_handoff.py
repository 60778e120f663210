"""The server's job takes the engine's result as an Analysis (with its track) and validates it once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from guru_form.io.pose_parquet import ARTIFACT_NAME, find_artifact, from_pose_parquet
from guru_form.models import Activity, Analysis, Rep, Status
from guru_form.pose_track import COLUMNS, PoseTrack
from guru_form.server.engines import EngineSpec
from guru_form.server.jobs import run_analysis
from guru_form.server.testing import make_video


def small_track(n: int = 5) -> PoseTrack:
    """A PoseTrack with every documented column, made by hand (no video, no model)."""
    columns: dict[str, Any] = {}
    for name in COLUMNS:
        columns[name] = np.linspace(0.0, 1.0, n)
    columns["frame"] = np.arange(n, dtype=np.int64)
    columns["time_ms"] = np.arange(n) * 33.3
    columns["shot"] = np.zeros(n, dtype=np.int64)
    columns["person"] = np.ones(n, dtype=bool)
    columns["side"] = ["right"] * n
    return PoseTrack(frame=pd.DataFrame(columns), activity=Activity.SQUAT, source="v.mp4")


class TrackEngine:
    """Hands back an Analysis that carries a pose track, as the pose engine does."""

    name = "track"

    def analyze(self, video_path: Path, **kwargs: Any) -> Analysis:
        rep = Rep(100, 400, 900, {"KNEE_ANGLE_DEGREES": np.float64(91.5)})
        return Analysis(
            video_id=None,
            status=Status.COMPLETE,
            activity=Activity.SQUAT,
            reps=[rep],
            pose_track=small_track(),
        )


class FailedAnalysisEngine:
    name = "failed"

    def analyze(self, video_path: Path, **kwargs: Any) -> Analysis:
        return Analysis(video_id=None, status=Status.FAILED, reason="the bar left the frame")


class PendingAnalysisEngine:
    name = "pending"

    def analyze(self, video_path: Path, **kwargs: Any) -> Analysis:
        return Analysis(video_id=None, status=Status.PENDING)


class DictEngine:
    """The older contract: the Guru JSON as a dict, with a field guru_form does not know."""

    name = "dict"

    def analyze(self, video_path: Path, **kwargs: Any) -> dict[str, Any]:
        return {
            "status": "Complete",
            "activity": "squat",
            "reps": [
                {
                    "startTimestampMs": np.int64(1),
                    "midTimestampMs": 2,
                    "endTimestampMs": 3,
                    "analyses": [{"analysisType": "X", "analysisScalar": np.float32(0.5)}],
                }
            ],
            "engineVersion": "7",
        }


@pytest.fixture
def video(tmp_path: Path) -> Path:
    return make_video(tmp_path / "v.mp4", frames=3)


def _spec(engine: type) -> EngineSpec:
    return EngineSpec(f"{__name__}:{engine.__name__}")


def test_an_analysis_with_a_track_is_stored_as_json_and_its_track_as_an_artifact(
    video: Path, tmp_path: Path
) -> None:
    artifacts = tmp_path / "artifacts"
    body = run_analysis(_spec(TrackEngine), str(video), "squat", None, None, str(artifacts))
    json.dumps(body)  # storable as is
    assert body["status"] == "Complete" and body["domain"] == "weightlifting"
    assert body["reps"][0]["analyses"] == [
        {"analysisType": "KNEE_ANGLE_DEGREES", "analysisScalar": 91.5}
    ]
    assert "videoId" not in body and "reason" not in body
    assert (
        find_artifact(artifacts) == artifacts / ARTIFACT_NAME == artifacts / "analysis.pose.parquet"
    )
    track = from_pose_parquet(artifacts / ARTIFACT_NAME)
    pd.testing.assert_frame_equal(track.frame, small_track().frame)


def test_without_an_artifacts_folder_the_track_is_not_written(video: Path, tmp_path: Path) -> None:
    body = run_analysis(_spec(TrackEngine), str(video), "squat", None, None)
    assert body["status"] == "Complete"
    assert list(tmp_path.rglob("*.parquet")) == []


def test_a_failed_or_unfinished_analysis_becomes_a_failed_job(video: Path) -> None:
    failed = run_analysis(_spec(FailedAnalysisEngine), str(video), "squat", None, None)
    assert failed["status"] == "Failed" and failed["reason"] == "the bar left the frame"
    pending = run_analysis(_spec(PendingAnalysisEngine), str(video), "squat", None, None)
    assert pending["status"] == "Failed"
    assert "returned status 'Pending' instead of 'Complete'" in pending["reason"]


def test_a_dict_answer_is_still_taken_and_keeps_its_own_fields(video: Path) -> None:
    body = run_analysis(_spec(DictEngine), str(video), "squat", "weightlifting", None)
    assert body["engineVersion"] == "7" and body["domain"] == "weightlifting"
    assert Analysis.from_json(body).reps == [Rep(1, 2, 3, {"X": 0.5})]


def test_the_old_artifact_name_is_still_found(tmp_path: Path) -> None:
    assert find_artifact(tmp_path) is None
    (tmp_path / "pose_track.parquet").write_bytes(b"")
    assert find_artifact(tmp_path) == tmp_path / "pose_track.parquet"
