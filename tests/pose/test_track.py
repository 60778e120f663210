"""PoseTrack: columns, angles against exact joints, parquet round trip, Analysis save/load."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from guru_form.errors import InvalidInputError
from guru_form.kinematics import SERIES, angle_series
from guru_form.models import Activity, Analysis, Status
from guru_form.pose.analysis import analyze_track
from guru_form.pose.joints import joint_index
from guru_form.pose.track import COLUMNS, PoseTrack, build_track, find_cuts, track_from_keypoints
from guru_form.pose_track import DEPTH_COLUMNS, PoseKeypoints
from tests.pose.figures import landmarks_from, raw_pose, squat_figure


@pytest.fixture
def figure_track() -> tuple[PoseTrack, dict[str, np.ndarray], list[tuple[float, float, float]]]:
    fig, t, truth = squat_figure(n_reps=3)
    near = fig.near_joints()
    lm = landmarks_from(near, fig.facing)
    return build_track(raw_pose(lm, t), "squat"), near, truth


def test_columns_are_the_documented_ones(figure_track) -> None:
    track, _, _ = figure_track
    assert tuple(track.frame.columns) == COLUMNS
    for name in SERIES:
        assert name in track.frame.columns
    for joint in (
        "nose",
        "shoulder",
        "elbow",
        "wrist",
        "hip",
        "knee",
        "ankle",
        "heel",
        "foot_index",
    ):
        for suffix in ("x", "y", "visibility"):
            assert f"{joint}_{suffix}" in track.frame.columns
    assert track.frame["frame"].dtype == np.int64
    assert track.activity is Activity.SQUAT and track.side == "right"
    doc = importlib.import_module("guru_form.pose_track").__doc__ or ""
    for documented in ("frame", "time_ms", "shot", "person", "side", *SERIES, *DEPTH_COLUMNS):
        assert f"``{documented}``" in doc
    for pattern in ("<joint>_x", "<joint>_y", "<joint>_visibility"):
        assert f"``{pattern}``" in doc
    for joint in (
        "nose",
        "shoulder",
        "elbow",
        "wrist",
        "hip",
        "knee",
        "ankle",
        "heel",
        "foot_index",
    ):
        assert f"``{joint}``" in doc


def test_the_shoulders_depth_is_the_model_s_and_nan_where_the_source_has_none() -> None:
    fig, t, _ = squat_figure(n_reps=1)
    lm = landmarks_from(fig.near_joints(), fig.facing)  # facing right: the right side is near
    right, left = joint_index("right", "shoulder"), joint_index("left", "shoulder")
    lm[:, right, 2] = -30.0 + 0.1 * np.arange(len(t))  # drifting, to see it followed
    lm[:, left, 2] = 45.0
    track = build_track(raw_pose(lm, t), "squat")
    np.testing.assert_allclose(track.frame["shoulder_depth"], lm[:, right, 2], atol=0.5)
    np.testing.assert_allclose(track.frame["far_shoulder_depth"], 45.0, atol=0.5)
    # The measured shoulder's depth is as known as its position: gated by its visibility.
    hidden = lm.copy()
    hidden[100:140, right, 3] = 0.05
    gated = build_track(raw_pose(hidden, t), "squat").frame
    assert gated["shoulder_depth"][100:140].isna().all()
    assert gated["shoulder_x"][100:140].isna().all()
    # Another tool's 2D keypoints have no depth: the columns are there, NaN.
    flat = lm.copy()
    flat[:, :, 2] = np.nan
    keypoints = PoseKeypoints(time_ms=t, landmarks=flat, frame=np.arange(len(t)), width=640)
    frame = track_from_keypoints(keypoints, "squat").frame
    assert tuple(frame.columns) == COLUMNS
    assert frame[list(DEPTH_COLUMNS)].isna().all().all()


def test_angles_match_the_exact_joints(figure_track) -> None:
    track, near, _ = figure_track
    truth = angle_series(near)
    for name in ("knee_angle", "hip_angle", "elbow_angle", "trunk_lean", "thigh_angle"):
        error = np.abs(track.frame[name].to_numpy() - truth[name])
        assert np.nanmean(error) < 0.5, name


def test_reps_of_the_figure(figure_track) -> None:
    track, near, truth = figure_track
    analysis = analyze_track(track, athlete_height_cm=180)
    assert analysis.status is Status.COMPLETE and analysis.activity is Activity.SQUAT
    assert len(analysis.reps) == 3
    for rep, (_, mid, _) in zip(analysis.reps, truth, strict=True):
        assert rep.mid_ms / 1000 == pytest.approx(mid, abs=0.05)
        assert rep.analyses["KNEE_ANGLE_DEGREES"] == pytest.approx(
            np.min(angle_series(near)["knee_angle"]), abs=1.0
        )
        assert rep.analyses["MEAN_CONCENTRIC_VELOCITY_M_PER_S"] > 0
    assert analysis.pose_track is track
    assert analysis.raw == analysis.to_json()


def test_parquet_round_trip_keeps_frame_and_metadata(figure_track, tmp_path: Path) -> None:
    track, _, _ = figure_track
    path = track.to_parquet(tmp_path / "t.parquet")
    back = PoseTrack.read_parquet(path)
    pd.testing.assert_frame_equal(back.frame, track.frame, check_dtype=False)
    assert back.metadata() == track.metadata()
    assert back.activity is Activity.SQUAT and back.fps == track.fps and back.side == "right"


def test_analysis_save_and_load_carry_the_track(figure_track, tmp_path: Path) -> None:
    track, _, _ = figure_track
    analysis = analyze_track(track)
    analysis.save(tmp_path / "a.json")
    assert (tmp_path / "a.pose.parquet").exists()
    loaded = Analysis.load(tmp_path / "a.json")
    assert isinstance(loaded.pose_track, PoseTrack)
    assert len(loaded.pose_track) == len(track)
    assert [r.mid_ms for r in loaded.reps] == [r.mid_ms for r in analysis.reps]


def test_reading_something_else_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="no such pose track"):
        PoseTrack.read_parquet(tmp_path / "missing.parquet")
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "other.parquet")
    with pytest.raises(InvalidInputError, match="not a guru_form pose track"):
        PoseTrack.read_parquet(tmp_path / "other.parquet")


def test_no_person_gives_an_empty_track() -> None:
    _fig, t, _ = squat_figure(n_reps=1)
    lm = np.full((len(t), 17, 4), np.nan)
    track = build_track(raw_pose(lm, t), "squat")
    assert track.person_frames == 0 and track.side is None
    assert track.frame["knee_angle"].isna().all()


@pytest.mark.parametrize(
    "module",
    [
        "guru_form.joints",
        "guru_form.pose.filters",
        "guru_form.pose.sides",
        "guru_form.pose.segmentation",
        "guru_form.pose.engine",
    ],
)
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_a_one_frame_glitch_of_the_model_does_not_set_a_rep_extreme() -> None:
    """Per-rep extremes come from the cleaned series: a joint that jumps for one frame (the
    model's typical failure) is dropped as an outlier and smoothed over, not reported."""
    fig, t, truth = squat_figure(n_reps=3)
    near = fig.near_joints()
    clean = analyze_track(build_track(raw_pose(landmarks_from(near, fig.facing), t), "squat"))
    glitch = {k: v.copy() for k, v in near.items()}
    bottom = int(np.argmin(np.abs(t / 1000 - truth[1][1])))
    frame = bottom - 4  # on the way down, next to the bottom
    glitch["knee"][frame] += (40.0, -25.0)  # forward and up: a much sharper knee
    glitched = angle_series(glitch)["knee_angle"][frame]
    assert glitched < float(np.min(angle_series(near)["knee_angle"])) - 10.0
    analysis = analyze_track(build_track(raw_pose(landmarks_from(glitch, fig.facing), t), "squat"))
    assert len(analysis.reps) == 3
    for rep, ref in zip(analysis.reps, clean.reps, strict=True):
        assert rep.analyses["KNEE_ANGLE_DEGREES"] == pytest.approx(
            ref.analyses["KNEE_ANGLE_DEGREES"], abs=1.0
        )


def test_a_picture_jump_is_a_cut_only_when_the_person_jumps_too() -> None:
    fig, t, _ = squat_figure(n_reps=2)
    lm = landmarks_from(fig.near_joints(), fig.facing)
    at = len(t) // 2
    caption = raw_pose(lm, t)
    caption.scene_change[at] = 0.2  # a caption slides in: the picture jumps, the athlete does not
    assert not find_cuts(caption).any()
    assert build_track(caption, "squat").frame["shot"].nunique() == 1
    moved = lm.copy()
    moved[at:, :, 0] += 250.0  # a cut to another camera: the athlete jumps across the picture
    cut = raw_pose(moved, t)
    cut.scene_change[at] = 0.2
    assert np.flatnonzero(find_cuts(cut)).tolist() == [at]
    missing = lm.copy()
    missing[at - 1] = np.nan  # nobody on the frame before: the picture alone decides
    unseen = raw_pose(missing, t)
    unseen.scene_change[at] = 0.2
    assert np.flatnonzero(find_cuts(unseen)).tolist() == [at]
