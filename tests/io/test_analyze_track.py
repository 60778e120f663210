"""pose.analyze_track on tracks from any source: what it needs, what it says when it lacks it."""

from __future__ import annotations

import re

import numpy as np
import pytest

from guru_form import pose
from guru_form.errors import EngineError, InvalidInputError
from guru_form.models import Activity
from guru_form.pose import analysis as analysis_module
from guru_form.pose_track import PoseTrack

xr = pytest.importorskip("xarray")
from tests.io.test_movement import COCO, foreign  # noqa: E402

COCO_ONLY = {k: v for k, v in COCO.items() if k != "left_eye"}


def test_no_activity_asks_recognition_which_says_it_cannot_yet(squat) -> None:
    track, *_ = squat
    track.activity = None
    message = r"cannot recognise the activity of a pose track \(figure\.mp4\) yet; pass activity="
    with pytest.raises(InvalidInputError, match=message):
        pose.analyze_track(track)
    with pytest.raises(InvalidInputError, match="one of squat, deadlift, bench_press, push_up"):
        pose.recognize_activity(track)
    assert pose.analyze_track(track, "squat").rep_count == 3


def test_a_missing_joint_the_activity_needs_is_named(squat) -> None:
    _, landmarks, t, _ = squat
    no_knees = {k: v for k, v in COCO_ONLY.items() if "knee" not in k}
    track = PoseTrack.from_movement(foreign(landmarks, t, no_knees), activity="squat")
    with pytest.raises(InvalidInputError) as caught:
        pose.analyze_track(track)
    message = str(caught.value)
    assert "never has the knee: squat reps are found from the shoulder, hip, knee, ankle" in message
    assert "its keypoints: nose, left_shoulder" in message and "aliases=" in message
    # A push-up does not need the knee.
    assert pose.analyze_track(track, "push_up").rep_count == 0


def test_a_missing_optional_joint_costs_only_what_needs_it(squat) -> None:
    _, landmarks, t, truth = squat
    no_nose = {k: v for k, v in COCO_ONLY.items() if k != "nose"}
    track = PoseTrack.from_movement(foreign(landmarks, t, no_nose), activity="squat")
    result = pose.analyze_track(track)
    assert result.rep_count == len(truth)
    for rep in result.reps:
        assert "KNEE_ANGLE_DEGREES" in rep.analyses
        assert not any(k.startswith("MEAN_CONCENTRIC_VELOCITY") for k in rep.analyses)
    with_nose = pose.analyze_track(
        PoseTrack.from_movement(foreign(landmarks, t, COCO_ONLY)), "squat"
    )
    assert all("MEAN_CONCENTRIC_VELOCITY_BH_PER_S" in r.analyses for r in with_nose.reps)


def test_the_documented_table_is_what_is_checked() -> None:
    doc = pose.analyze_track.__doc__ or ""
    for activity in ("squat", "deadlift", "bench_press", "push_up"):
        row = re.search(rf"^\s*{activity}\s+(.+?)\s{{2,}}", doc, re.MULTILINE)
        assert row is not None, activity
        documented = tuple(j.strip() for j in row.group(1).split(","))
        assert documented == pose.required_joints(activity)


def test_the_video_engine_estimates_a_track_then_analyses_it(
    squat, monkeypatch: pytest.MonkeyPatch
) -> None:
    track, *_ = squat
    calls = []

    def estimate(path, activity, **options):
        calls.append((path, activity, options))
        return track

    class OpenedOnce:  # analyze_video opens the video once and hands the reader on
        def __init__(self, path: str) -> None:
            self.path, self.info = path, None

        def __enter__(self) -> OpenedOnce:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    monkeypatch.setattr(analysis_module, "VideoReader", OpenedOnce)
    monkeypatch.setattr(analysis_module, "_check_duration", lambda info: None)
    monkeypatch.setattr(analysis_module, "estimate_track", estimate)
    result = pose.analyze_video("v.mp4", "squat", stride=2, athlete_height_cm=180)
    options = {
        "stride": 2,
        "estimator": "blazepose",
        "progress": None,
        "person": None,
        "person_at_s": None,
    }
    ((reader, activity, given),) = calls
    assert isinstance(reader, OpenedOnce) and reader.path == "v.mp4"
    assert (activity, given) == (Activity.SQUAT, options)
    expected = pose.analyze_track(track, "squat", athlete_height_cm=180)
    assert result.to_json() == expected.to_json() and result.pose_track is track


def test_the_engine_still_refuses_a_track_with_too_few_people(squat) -> None:
    track, *_ = squat
    frame = track.frame.copy()
    frame["person"] = False
    frame.loc[:5, "person"] = True
    with pytest.raises(EngineError, match=r"a person was found on only 6 of 360 analysed frames"):
        pose.analysis.check_person(PoseTrack.from_metadata(frame, track.metadata()))
    assert np.all(track.frame["person"])
    pose.analysis.check_person(track)
