"""The lunge: each leg's rep counted, the leading side named, added as one profile file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from guru_form import activities
from guru_form.activities import LeadingSide
from guru_form.kinematics import angle_series
from guru_form.models import Activity, Domain
from guru_form.pose.accuracy import accuracy_against_truth
from guru_form.pose.segmentation import segment_reps
from guru_form.testing.synthetic import synthesize
from guru_form.testing.synthetic.truth import near_joints
from tests.activities.conftest import EngineOnTruth
from tests.pose.conftest import requires_mediapipe


def _sides(analysis_reps: list) -> list[float | None]:
    return [rep.analyses.get("IS_LEFT_LEG") for rep in analysis_reps]


def test_the_profile_names_the_leading_side_and_lets_the_feet_step() -> None:
    lunge = activities.get("lunge")
    assert lunge.activity is Activity.LUNGE and lunge.domain is Domain.CALISTHENICS
    assert any(isinstance(m, LeadingSide) for m in lunge.measures)
    assert "IS_LEFT_LEG" in lunge.analysis_types
    assert lunge.lowers_first and lunge.turning_point == "bottom"
    assert lunge.key_metric == lunge.depth_metric == "KNEE_ANGLE_DEGREES"


@pytest.mark.parametrize(("facing", "near"), [("right", 0.0), ("left", 1.0)])
def test_a_synthetic_set_alternates_legs_the_near_one_first(facing: str, near: float) -> None:
    # Facing right the athlete's right side faces the camera: IS_LEFT_LEG 0 on the reps it leads.
    video = synthesize("lunge", size=(320, 240), reps=4, seed=3, facing=facing)
    assert _sides(video.analysis().reps) == [near, 1 - near, near, 1 - near]


def test_the_stepping_foot_needs_the_lunge_s_own_feet_rule() -> None:
    """With the feet-drift limit of the other activities (0.6 torso lengths), the reps that the
    near leg leads, the foot stepping out 0.75 m, would not count."""
    video = synthesize("lunge", size=(320, 240), reps=6, seed=3)
    joints = near_joints(video.projected)
    series, time_ms = angle_series(joints), video.frame_times_s * 1000
    assert len(segment_reps("lunge", series, joints, time_ms)) == 6
    rule = dataclasses.replace(activities.get("lunge").rule, max_drift=0.6)
    assert len(segment_reps("lunge", series, joints, time_ms, rule=rule)) == 3


@pytest.mark.slow
@pytest.mark.parametrize("facing", ["right", "left"])
def test_the_engine_counts_each_leg_s_rep_and_names_its_side(
    engine_on_truth: EngineOnTruth, tmp_path: Path, facing: str
) -> None:
    video = synthesize("lunge", size=(480, 360), reps=6, seed=3, facing=facing)
    truth = video.analysis()
    analysis = engine_on_truth(video, tmp_path)
    acc = accuracy_against_truth(analysis, video.truth(), truth)
    assert acc.count_exact, acc.summary()
    assert _sides(analysis.reps) == _sides(truth.reps)
    assert acc.boundary_error_frames["mid"] < 1.5, acc.summary()
    assert not acc.analysis_missing
    for analysis_type, error in acc.analysis_error.items():
        bound = 0.06 if analysis_type.startswith("MEAN_CONCENTRIC") else 1.0
        assert error <= bound, (analysis_type, acc.summary())


@requires_mediapipe
@pytest.mark.pose
@pytest.mark.slow
@pytest.mark.parametrize("facing", ["right", "left"])
def test_mediapipe_on_a_synthetic_set(tmp_path: Path, facing: str) -> None:
    """The whole engine, MediaPipe included, at stride 2, with the bounds the other synthetic
    samples are held to (tests/pose/test_synthetic.py): angles within 5° per frame, mid within
    2 frames, each rep's knee angle within 5° on average."""
    from guru_form.pose import analyze_video
    from guru_form.testing.synthetic import render_video

    video = render_video(
        tmp_path / "lunge.mp4", "lunge", size=(640, 480), reps=6, seed=3, facing=facing
    )
    truth = video.analysis()
    assert video.path is not None
    analysis = analyze_video(video.path, "lunge", stride=2)
    acc = accuracy_against_truth(analysis, video.truth(), truth)
    assert acc.count_exact, acc.summary()
    assert _sides(analysis.reps) == _sides(truth.reps)
    assert acc.angle_mae["knee_angle"] <= 5.0 and acc.angle_mae["hip_angle"] <= 5.0, acc.summary()
    assert acc.boundary_error_frames["mid"] <= 2.0, acc.summary()
    assert acc.analysis_error["KNEE_ANGLE_DEGREES"] <= 5.0, acc.summary()
