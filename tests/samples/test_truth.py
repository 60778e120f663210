"""Ground truth: the JSON agrees with the truth table and with guru_form.kinematics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from guru_form.analysis_types import ANALYSIS_TYPES
from guru_form.kinematics import SERIES, angle_series, body_height_px, moving_joint, rep_analyses
from guru_form.models import Activity, Analysis, Status
from guru_form.samples import sample_analysis, sample_names, sample_truth
from guru_form.synthetic import SyntheticVideo, synthesize
from guru_form.synthetic.movements import movements
from guru_form.synthetic.truth import TRUTH_LANDMARKS, near_joints

JOINTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "index", "heel", "foot_index")


def table_joints(truth: pd.DataFrame) -> dict[str, np.ndarray]:
    joints = {j: truth[[f"near_{j}_x", f"near_{j}_y"]].to_numpy() for j in JOINTS}
    joints["nose"] = truth[["nose_x", "nose_y"]].to_numpy()
    return joints


@pytest.mark.parametrize("name", sample_names())
def test_sample_json_matches_truth_table_through_kinematics(name: str) -> None:
    analysis, truth = sample_analysis(name), sample_truth(name)
    assert analysis.status is Status.COMPLETE
    assert analysis.activity is not None and analysis.domain is analysis.activity.domain
    fps = 30.0
    assert np.array_equal(truth.frame, np.arange(len(truth)))
    assert np.array_equal(truth.time_ms, np.round(truth.frame * 1000 / fps).astype(int))
    joints = table_joints(truth)
    series = angle_series(joints)
    for key, values in series.items():  # the table's series are the kinematics of its joints
        assert truth[key].to_numpy() == pytest.approx(values, abs=0.02)
    height = body_height_px(joints)
    y = joints[moving_joint(analysis.activity)][:, 1]
    for number, rep in enumerate(analysis.reps, 1):
        start, mid, end = (round(ms * fps / 1000) for ms in (rep.start_ms, rep.mid_ms, rep.end_ms))
        assert truth.time_ms[start] == rep.start_ms and truth.time_ms[end] == rep.end_ms
        assert truth.phase[start] == 0 and truth.phase[mid] == 1 and truth.phase[end] == 0
        assert truth.phase[start + 1] > 0 and truth.phase[end - 1] > 0
        assert set(truth.index[truth.rep == number]) == set(range(start, end + 1))
        expected = rep_analyses(
            analysis.activity,
            series,
            start,
            mid,
            end,
            time_s=truth.frame.to_numpy() / fps,
            moving_joint_y=y,
            body_height=height,
        )
        assert rep.analyses.keys() == expected.keys()
        for key, value in expected.items():
            assert rep.analyses[key] == pytest.approx(value, abs=0.02), key


def test_truth_table_columns() -> None:
    truth = synthesize("squat", size=(320, 240), reps=1).truth()
    landmark_columns = [f"{n}_{a}" for n in TRUTH_LANDMARKS for a in "xy"]
    assert list(truth.columns) == [
        "frame",
        "time_ms",
        "rep",
        "phase",
        "near_side",
        *landmark_columns,
        *SERIES,
    ]
    assert set(truth.near_side) == {"right"}
    assert set(synthesize("squat", size=(320, 240), reps=1, facing="left").truth().near_side) == {
        "left"
    }


@pytest.mark.parametrize("activity", list(movements()))
def test_every_analysis_type_of_the_activity_is_in_the_ground_truth(activity: Activity) -> None:
    video = synthesize(activity, size=(320, 240), reps=2, seed=1)
    analysis = video.analysis()
    expected = {
        t.name
        for t in ANALYSIS_TYPES.values()
        if activity in t.activities and t.name != "MEAN_CONCENTRIC_VELOCITY_M_PER_S"
    }
    for rep in analysis.reps:
        assert set(rep.analyses) == expected
    with_height = video.analysis(athlete_height_cm=175)
    for a, b in zip(analysis.reps, with_height.reps, strict=True):
        assert b.analyses["MEAN_CONCENTRIC_VELOCITY_M_PER_S"] == pytest.approx(
            a.analyses["MEAN_CONCENTRIC_VELOCITY_BH_PER_S"] * 1.75
        )


def test_ground_truth_round_trips_through_json(small_squat: SyntheticVideo) -> None:
    assert small_squat.path is not None
    saved = Analysis.load(small_squat.path.with_suffix(".json"))
    assert saved == small_squat.analysis()
    truth = pd.read_csv(small_squat.path.with_name("squat.truth.csv"))
    assert len(truth) == small_squat.n_frames


def test_rep_timestamps_are_frame_times_and_mid_is_the_turning_point() -> None:
    video = synthesize("deadlift", size=(320, 240), reps=3, seed=2, fps=25)
    series = angle_series(near_joints(video.projected))
    for rep, (start, mid, end) in zip(video.analysis().reps, video.rep_frames, strict=True):
        assert (rep.start_ms, rep.mid_ms, rep.end_ms) == tuple(
            round(f * 1000 / 25) for f in (start, mid, end)
        )
        hip = series["hip_angle"][start : end + 1]
        assert int(np.argmax(hip)) + start == mid  # the deadlift's lockout
        assert rep.analyses["LOCKOUT_HIP_ANGLE_DEGREES"] == pytest.approx(hip.max())


def test_squat_bottom_is_the_lowest_hip() -> None:
    video = synthesize("squat", size=(320, 240), reps=3, seed=2)
    hip_y = video.projected.points["near_hip"][:, 1]
    for start, mid, end in video.rep_frames:
        assert int(np.argmax(hip_y[start : end + 1])) + start == mid
