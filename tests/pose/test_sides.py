"""Side choice: the near side is measured, whatever the model's visibility and label swaps say."""

from __future__ import annotations

import numpy as np
import pytest

from guru_form.kinematics import angle_series
from guru_form.pose.joints import SIDE_JOINTS, joint_index
from guru_form.pose.sides import choose_side, repair_label_swaps
from guru_form.pose.track import build_track
from tests.pose.figures import landmarks_from, raw_pose, squat_figure


def _knee_of(lm: np.ndarray, side: str) -> np.ndarray:
    joints = {j: lm[:, joint_index(side, j), :2] for j in ("hip", "knee", "ankle")}
    return angle_series(joints)["knee_angle"]


def _invented_far_knee(n: int, facing: float) -> dict[str, np.ndarray]:
    """The hidden knee placed 40 px too far forward: its knee angle is off by 15-30 degrees."""
    return {"knee": np.tile([facing * 40.0, 0.0], (n, 1))}


@pytest.mark.parametrize("facing", [1.0, -1.0])
def test_near_side_wins_over_a_more_visible_invented_side(facing: float) -> None:
    fig, t, _ = squat_figure(facing=facing)
    near = fig.near_joints()
    truth = angle_series(near)["knee_angle"]
    lm = landmarks_from(
        near, fig.facing, near_vis=0.7, far_vis=0.99, far_errors=_invented_far_knee(len(t), facing)
    )
    near_side = "right" if facing > 0 else "left"
    far_side = "left" if facing > 0 else "right"

    # The baseline this module replaces: the most visible side is the invented one.
    most_visible_error = np.abs(_knee_of(lm, far_side) - truth)
    assert np.median(most_visible_error) > 10

    choice = choose_side(lm, t)
    assert set(choice.side) == {near_side}
    track = build_track(raw_pose(lm, t), "squat")
    assert set(track.frame["side"]) == {near_side}
    error = np.abs(track.frame["knee_angle"].to_numpy() - truth)
    assert np.nanmean(error) < 1.0


def test_label_swaps_are_repaired_by_continuity() -> None:
    fig, t, _ = squat_figure(n_reps=2)
    near = fig.near_joints()
    truth = angle_series(near)["knee_angle"]
    lm = landmarks_from(
        near, fig.facing, far_offset=25.0, far_errors=_invented_far_knee(len(t), 1.0)
    )
    swapped = lm.copy()
    flicker = np.r_[40:55, 120:124, 200:230]  # the model swaps the labels on these frames
    for j in SIDE_JOINTS:
        li, ri = joint_index("left", j), joint_index("right", j)
        swapped[flicker, li], swapped[flicker, ri] = lm[flicker, ri], lm[flicker, li]

    repaired, which = repair_label_swaps(swapped)
    assert which.any(axis=1)[flicker].all()
    assert not which.any(axis=1)[np.setdiff1d(np.arange(len(t)), flicker)].any()
    np.testing.assert_allclose(repaired, lm)

    track = build_track(raw_pose(swapped, t), "squat")
    assert set(track.frame["side"]) == {"right"}
    assert np.nanmax(np.abs(track.frame["knee_angle"].to_numpy() - truth)) < 3.0


def test_side_follows_the_athlete_turning_round_without_flicker() -> None:
    fig, t, _ = squat_figure(n_reps=4)
    half = len(t) // 2
    fig.facing[half:] = -1.0
    lm = landmarks_from(fig.near_joints(), fig.facing)
    # A few frames of contrary evidence (the model unsure for an instant) must not flip the side.
    lm[100:106, :, 2] *= -1
    choice = choose_side(lm, t)
    assert (choice.side[:half] == "right").all()
    assert (choice.side[half:] == "left").all()


def test_frames_without_a_person_have_no_side() -> None:
    fig, t, _ = squat_figure(n_reps=1)
    lm = landmarks_from(fig.near_joints(), fig.facing)
    lm[10:20] = np.nan
    choice = choose_side(lm, t)
    assert (choice.side[10:20] == "").all()
    assert (choice.side[20:] == "right").all()
    assert choice.main_side == "right"
