"""The camera's view from the shoulder line's turn out of the image plane, or from its width."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from guru_form.pose.track import build_track
from guru_form.pose.view import (
    FRONT_TURN_DEG,
    MIN_STEADY_VIEW_S,
    SIDE_TURN_DEG,
    estimate_view,
    shoulder_turn,
    steady_views,
    width_ratio,
)
from guru_form.pose_track import COLUMNS, DEPTH_COLUMNS, PoseTrack
from tests.pose.figures import front_landmarks, raw_pose, squat_figure

N = 60
TRUNK = 150.0  # px from the shoulders' middle to the hips' middle, upright
WIDTH = 100.0  # px between the shoulders, squarely facing the camera (2/3 of the trunk)


def _track(
    turn_deg: float,
    *,
    trunk: float = TRUNK,
    depth: bool = True,
    noise: float = 0.0,
    n: int = N,
) -> PoseTrack:
    """Shoulders and hips of a body turned ``turn_deg`` from facing the camera, ``trunk`` long in
    the image (shorter than :data:`TRUNK` where the trunk leans towards the camera), over ``n``
    frames."""
    rng = np.random.default_rng(1)
    turn = np.radians(turn_deg + noise * rng.standard_normal(n))
    across = WIDTH * np.cos(turn)
    behind = WIDTH * np.sin(turn)
    centre = 320.0
    frame = pd.DataFrame(np.nan, index=range(n), columns=list(COLUMNS))
    frame["shoulder_x"], frame["far_shoulder_x"] = centre + across / 2, centre - across / 2
    frame["hip_x"], frame["far_hip_x"] = centre + across / 3, centre - across / 3
    frame["shoulder_y"] = frame["far_shoulder_y"] = 200.0
    frame["hip_y"] = frame["far_hip_y"] = 200.0 + trunk
    if depth:
        frame["shoulder_depth"], frame["far_shoulder_depth"] = -behind / 2, behind / 2
    frame["person"] = True
    return PoseTrack(frame=frame, width=640, height=720)


@pytest.mark.parametrize(
    ("turn", "view"), [(0.0, "front"), (20.0, "front"), (45.0, "oblique"), (85.0, "side")]
)
def test_the_view_is_the_shoulder_line_s_turn_out_of_the_image_plane(
    turn: float, view: str
) -> None:
    track = _track(turn, noise=3.0)  # facing the camera, the noise turns it either way: |.|
    np.testing.assert_allclose(np.median(shoulder_turn(track)), turn, atol=2.5)
    estimate = estimate_view(track)
    assert estimate.view == view
    assert estimate.turn_deg == pytest.approx(turn, abs=2.5)
    assert estimate.width_ratio == pytest.approx(np.median(width_ratio(track)))
    assert estimate.side_on_fraction == pytest.approx(float(view == "side"), abs=0.05)


def test_bounds_are_a_third_of_the_quarter_turn_from_facing_and_short_of_side_on() -> None:
    assert estimate_view(_track(FRONT_TURN_DEG - 1.0)).view == "front"
    assert estimate_view(_track(FRONT_TURN_DEG + 1.0)).view == "oblique"
    assert estimate_view(_track(SIDE_TURN_DEG - 1.0)).view == "oblique"
    assert estimate_view(_track(SIDE_TURN_DEG + 1.0)).view == "side"


def test_a_person_squarely_facing_the_camera_is_a_front_view_though_the_ratio_says_oblique() -> (
    None
):
    # Shoulders two thirds of a trunk apart: under the width ratio's 0.75 front bound.
    track = _track(0.0)
    assert np.median(width_ratio(track)) == pytest.approx(WIDTH / TRUNK)
    assert estimate_view(_track(0.0, depth=False)).view == "oblique"
    assert estimate_view(track).view == "front"


def test_a_trunk_bent_towards_the_camera_at_an_angle_is_oblique_though_the_ratio_says_front() -> (
    None
):
    # A deadlift's set-up filmed at an angle: the trunk leans towards the camera and shortens in
    # the image, which widens the shoulders against it; the shoulder line is still turned.
    track = _track(55.0, trunk=60.0)
    assert np.median(width_ratio(track)) > 0.75
    assert estimate_view(_track(55.0, trunk=60.0, depth=False)).view == "front"
    assert estimate_view(track).view == "oblique"


def test_a_trunk_pointing_at_the_camera_is_a_front_view() -> None:
    # A push-up filmed from the head end: the trunk is short in the image, the shoulder line lies
    # across it at one depth.
    track = _track(0.0, trunk=30.0, noise=3.0)
    assert estimate_view(track).view == "front"
    assert estimate_view(_track(0.0, trunk=30.0, depth=False)).view == "front"


def test_without_depth_the_width_ratio_decides_as_before() -> None:
    for turn in (0.0, 45.0, 85.0):
        track = _track(turn, depth=False)
        ratio = float(np.median(width_ratio(track)))
        expected = "front" if ratio >= 0.75 else "oblique" if ratio >= 0.4 else "side"
        estimate = estimate_view(track)
        assert estimate.view == expected
        assert np.isnan(estimate.turn_deg)
        assert estimate.side_on_fraction == float(ratio < 0.4)
    # A track saved before the depth columns existed reads the same.
    old = _track(0.0, depth=False)
    old.frame = old.frame.drop(columns=list(DEPTH_COLUMNS))
    # Field by field, NaN equal to NaN (a dataclass's == compares NaN fields unequal on Python
    # 3.13, where it no longer compares the fields as one tuple).
    np.testing.assert_equal(
        dataclasses.astuple(estimate_view(old)),
        dataclasses.astuple(estimate_view(_track(0.0, depth=False))),
    )
    assert np.isnan(shoulder_turn(old)).all()


def test_frames_without_both_shoulders_are_left_out_and_rows_choose_the_frames() -> None:
    front, side = _track(0.0), _track(85.0)
    frame = pd.concat([front.frame, side.frame], ignore_index=True)
    track = PoseTrack(frame=frame, width=640, height=720)
    rows = np.arange(len(frame)) < N
    assert estimate_view(track, rows).view == "front"
    assert estimate_view(track, ~rows).view == "side"
    # The far shoulder's depth unknown on the side-on half: those frames say nothing.
    frame.loc[N:, "far_shoulder_depth"] = np.nan
    assert np.isnan(shoulder_turn(track)[N:]).all()
    assert estimate_view(track).view == "front"
    # Nobody at all: the engine's default.
    empty = PoseTrack(frame=pd.DataFrame(np.nan, index=range(5), columns=list(COLUMNS)))
    estimate = estimate_view(empty)
    assert estimate.view == "side" and np.isnan(estimate.turn_deg)


def test_the_engine_s_track_gives_the_view_from_the_model_s_depth() -> None:
    fig, t, _ = squat_figure(n_reps=1)
    depth = (-fig.thigh - 2.0) / 80.0
    lm = front_landmarks(fig.near_joints(), depth, hands="clasped")  # both shoulders at depth 0
    track = build_track(raw_pose(lm, t), "squat")
    estimate = estimate_view(track)
    assert estimate.view == "front" and estimate.turn_deg == pytest.approx(0.0, abs=0.5)


def _turning(
    *stretches: tuple[float, float], depth: bool = True, trunk: float = TRUNK
) -> PoseTrack:
    """One shot at 30 frames/s whose athlete is turned ``turn`` degrees for ``seconds``, for
    each ``(turn, seconds)`` in turn."""
    parts = [
        _track(turn, noise=8.0, depth=depth, trunk=trunk, n=round(30 * seconds)).frame
        for turn, seconds in stretches
    ]
    frame = pd.concat(parts, ignore_index=True)
    frame["time_ms"] = np.arange(len(frame)) * 1000.0 / 30.0
    frame["shot"] = 0
    return PoseTrack(frame=frame, width=640, height=720)


def _bounds_s(track: PoseTrack, parts: list[np.ndarray]) -> list[tuple[float, float]]:
    t = track.frame["time_ms"].to_numpy() / 1000.0
    return [(round(t[p][0], 1), round(t[p][-1], 1)) for p in parts]


@pytest.mark.parametrize("depth", [True, False])
def test_an_athlete_who_turns_to_face_the_camera_within_a_shot_gives_stretches_of_each_view(
    depth: bool,
) -> None:
    # Without depth, the shoulders' width over the trunk: facing the camera, wider than
    # FRONT_RATIO of a trunk (a short one here: a trunk leaning forward).
    track = _turning((70.0, 6.0), (10.0, 8.0), (80.0, 5.0), depth=depth, trunk=120.0)
    parts = steady_views(track, np.ones(len(track.frame), dtype=bool))
    bounds = _bounds_s(track, parts)
    assert len(parts) == 3
    assert [b[0] for b in bounds[1:]] == pytest.approx([6.0, 14.0], abs=0.2)
    assert sum(p.sum() for p in parts) == len(track.frame)  # every frame in one stretch
    assert [estimate_view(track, p).view for p in parts][1] == "front"


def test_a_glance_at_the_camera_or_a_stretch_without_shoulders_does_not_split_the_shot() -> None:
    glance = MIN_STEADY_VIEW_S / 2
    track = _turning((80.0, 6.0), (5.0, glance), (80.0, 6.0))
    rows = np.ones(len(track.frame), dtype=bool)
    assert len(steady_views(track, rows)) == 1
    hidden = _turning((80.0, 6.0), (5.0, 6.0), (80.0, 6.0))
    frame = hidden.frame
    frame.loc[(frame["time_ms"] >= 6000) & (frame["time_ms"] < 12000), "far_shoulder_x"] = np.nan
    assert len(steady_views(hidden, rows)) == 1
    # Only the rows asked about are split.
    track = _turning((70.0, 6.0), (10.0, 8.0), (80.0, 5.0))
    first = np.arange(len(track.frame)) < 30 * 6
    assert [p.sum() for p in steady_views(track, first)] == [first.sum()]
