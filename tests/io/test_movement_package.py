"""guru_form and the movement package itself: its validator, kinematics, savers and loaders.

movement needs numpy 2 and Python 3.11+, and the pose extra (mediapipe) needs numpy 1: these
tests run in an environment of their own, ``make test-movement``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from guru_form import io
from guru_form.joints import JOINTS, TRACK_JOINTS
from guru_form.pose import analyze_track
from guru_form.pose_track import PoseTrack

movement = pytest.importorskip("movement")
from movement.io import load_dataset, load_poses, save_poses  # noqa: E402
from movement.kinematics import compute_velocity  # noqa: E402
from movement.validators.datasets import ValidPosesInputs  # noqa: E402

#: Labels a DeepLabCut project might use, for guru_form's joints.
DLC_LABELS = {
    "snout": "nose",
    **{f"{j}_{s[0]}": f"{s}_{j}" for s in ("left", "right") for j in ("shoulder", "elbow")},
    **{f"{s[0].upper()}{j}": f"{s}_{j}" for s in ("left", "right") for j in ("wrist", "hip")},
    **{f"{j}{s[0].upper()}": f"{s}_{j}" for s in ("left", "right") for j in ("knee", "ankle")},
    **{f"{s}_heel": f"{s}_heel" for s in ("left", "right")},
    **{f"{s}BigToe": f"{s}_foot_index" for s in ("left", "right")},
}


def test_movement_takes_our_dataset(squat) -> None:
    track, *_ = squat
    ds = track.to_movement()
    ValidPosesInputs.validate(ds)
    velocity = compute_velocity(ds.position)
    assert velocity.dims == ds.position.dims
    knee_y = velocity.sel(keypoint="right_knee", space="y", individual="athlete").values
    moving = np.gradient(track.frame["knee_y"].to_numpy(), track.frame["time_ms"] / 1000.0)
    np.testing.assert_allclose(knee_y, moving, atol=1e-6)  # pixels per second


def test_round_trip_through_a_deeplabcut_file(squat, tmp_path: Path) -> None:
    """guru_form -> movement -> DeepLabCut .h5 (movement's saver) -> movement's loader -> guru_form."""
    track, *_ = squat
    save_poses.to_dlc_file(track.to_movement(), tmp_path / "squat.h5", split_individuals=False)
    loaded = load_poses.from_dlc_file(tmp_path / "squat.h5", fps=30.0)
    assert list(loaded.keypoint.values) == list(JOINTS)
    back = PoseTrack.from_movement(loaded, activity="squat", smooth=False)
    assert back.side == "right" and back.estimator == "DeepLabCut"
    for joint in TRACK_JOINTS:
        for column in (f"{joint}_x", f"{joint}_y", f"{joint}_visibility"):
            np.testing.assert_allclose(back.frame[column], track.frame[column], err_msg=column)
    ours, theirs = analyze_track(track), analyze_track(back)
    assert [r.mid_ms for r in theirs.reps] == [r.mid_ms for r in ours.reps]


def _write_dlc_csv(path: Path, landmarks: np.ndarray, seed: int = 7) -> None:
    """A single-animal DeepLabCut CSV, as DeepLabCut writes it, with a little labelling noise."""
    rng = np.random.default_rng(seed)
    scorer = "DLC_resnet50_squatsSep1shuffle1_50000"
    labels = list(DLC_LABELS)
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["scorer"] + [scorer] * 3 * len(labels))
        out.writerow(["bodyparts"] + [label for label in labels for _ in range(3)])
        out.writerow(["coords"] + ["x", "y", "likelihood"] * len(labels))
        for i, frame in enumerate(landmarks):
            row: list[object] = [i]
            for label in labels:
                x, y, _depth, visibility = frame[JOINTS.index(DLC_LABELS[label])]
                noise = rng.normal(0.0, 1.5, 2)
                row += [x + noise[0], y + noise[1], visibility]
            out.writerow(row)


def test_a_deeplabcut_file_from_elsewhere_is_analysed_into_reps(squat, tmp_path: Path) -> None:
    track, landmarks, _t, truth = squat
    path = tmp_path / "squatsDLC_resnet50.csv"
    _write_dlc_csv(path, landmarks)
    ds = load_dataset(path, source_software="DeepLabCut", fps=30.0)
    theirs = PoseTrack.from_movement(ds, activity="squat")
    assert theirs.extra["keypoints"] == {v: k for k, v in DLC_LABELS.items()}
    analysis = analyze_track(theirs)
    mids = [r.mid_ms / 1000 for r in analysis.reps]
    assert mids == pytest.approx([m for _, m, _ in truth], abs=0.1)
    ours = analyze_track(track)
    for a, b in zip(analysis.reps, ours.reps, strict=True):
        assert a.analyses["KNEE_ANGLE_DEGREES"] == pytest.approx(
            b.analyses["KNEE_ANGLE_DEGREES"], abs=2.0
        )
    # The same through guru_form's registry of formats.
    keypoints = io.load_keypoints(path, format="DeepLabCut", fps=30.0)
    assert len(keypoints) == len(landmarks) and keypoints.estimator == "DeepLabCut"
