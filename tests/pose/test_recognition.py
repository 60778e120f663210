"""Recognising the activity from the movement, on the sample videos' exact joints."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from guru_form import samples
from guru_form.errors import EngineError
from guru_form.models import Activity
from guru_form.pose import recognize_activity
from guru_form.pose.analysis import analyze_track
from guru_form.pose.joints import JOINTS
from guru_form.pose.recognition import RecognizedActivity, recognize
from guru_form.pose.track import build_track
from tests.pose.figures import landmarks_from, raw_pose, squat_figure

SAMPLES = ["squat", "push_up", "deadlift", "bench_press"]


def _landmarks(table: pd.DataFrame) -> np.ndarray:
    """The truth table's joints as an estimator reports them (near side visible, far side less)."""
    out = np.empty((len(table), len(JOINTS), 4))
    near = table["near_side"].to_numpy()
    for i, joint in enumerate(JOINTS):
        if joint == "nose":
            out[:, i] = np.c_[
                table["nose_x"], table["nose_y"], np.zeros(len(table)), np.ones(len(table))
            ]
            continue
        side, part = joint.split("_", 1)
        is_near = near == side
        for which, rows in (("near", is_near), ("far", ~is_near)):
            out[rows, i, 0] = table[f"{which}_{part}_x"].to_numpy()[rows]
            out[rows, i, 1] = table[f"{which}_{part}_y"].to_numpy()[rows]
            out[rows, i, 2] = -50.0 if which == "near" else 50.0
            out[rows, i, 3] = 1.0 if which == "near" else 0.6
    return out


def _sample_track(name: str):
    table = samples.sample_truth(name)
    return build_track(raw_pose(_landmarks(table), table["time_ms"].to_numpy(float)))


@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_is_recognised_from_its_movement_alone(name: str) -> None:
    found = recognize_activity(_sample_track(name))
    assert found is not None
    assert found.activity is Activity(name)
    assert found.confidence >= 0.6  # the squat figure holds its hands at the hips
    assert found.fits[name] == max(found.fits.values())


def test_standing_still_cannot_be_told_and_says_why() -> None:
    fig, t, _ = squat_figure(0, rest_s=6.0)
    track = build_track(raw_pose(landmarks_from(fig.near_joints(), fig.facing), t))
    result = recognize(track)
    assert result.recognized is None and recognize_activity(track) is None
    assert "no repeated movement" in result.reason
    with pytest.raises(EngineError, match=r"could not tell which one.*name the activity"):
        analyze_track(track)


def test_analyze_track_without_an_activity_recognises_it_and_says_so() -> None:
    analysis = analyze_track(_sample_track("deadlift"))
    assert analysis.activity is Activity.DEADLIFT
    assert analysis.activity_confidence is not None and analysis.activity_confidence >= 0.8
    assert analysis.warnings[0].startswith("No activity was given: recognised as deadlift")
    assert len(analysis.reps) == len(samples.sample_analysis("deadlift").reps)
    named = analyze_track(_sample_track("deadlift"), "deadlift")
    assert named.activity_confidence is None
    assert not any("No activity was given" in w for w in named.warnings)


def test_a_recognized_activity_reads_as_json_and_refuses_a_confidence_out_of_range() -> None:
    found = RecognizedActivity(Activity.SQUAT, 0.9)
    assert found.to_json() == {"activity": "squat", "confidence": 0.9}
    with pytest.raises(ValueError, match=r"within 0\.\.1"):
        RecognizedActivity(Activity.SQUAT, 1.5)


def test_the_server_engine_fails_low_quality_when_it_cannot_tell(monkeypatch, tmp_path) -> None:
    from guru_form.pose import engine as engine_module
    from guru_form.pose.engine import PoseEngine

    fig, t, _ = squat_figure(0, rest_s=6.0)
    still = build_track(raw_pose(landmarks_from(fig.near_joints(), fig.facing), t))
    given: list[object] = []

    def analyze_video(path, activity, **options):
        given.append(activity)
        return analyze_track(still, activity)

    monkeypatch.setattr(engine_module, "analyze_video", analyze_video)
    with pytest.raises(EngineError) as failed:
        PoseEngine().analyze(tmp_path / "v.mp4", activity=None, domain=None, rep_count=None)
    assert given == [None]
    assert failed.value.code == "LOW_QUALITY_POSE_ESTIMATE"
    assert failed.value.reason.startswith("no activity was given")
    assert "name the activity" in failed.value.reason
