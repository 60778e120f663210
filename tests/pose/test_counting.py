"""Counting reps from the signal that holds: hidden joints, angles that do not follow, views."""

from __future__ import annotations

import numpy as np
import pytest

from guru_form.pose.analysis import analyze_track
from guru_form.pose.counting import count_reps, track_inputs
from guru_form.pose.joints import joint_index
from guru_form.pose.segmentation import RepWindow, SegmentationRule, segment_reps
from guru_form.pose.track import build_track
from guru_form.pose.view import estimate_view
from tests.pose.figures import front_landmarks, landmarks_from, raw_pose, squat_figure


def _squats(n_reps: int = 3, **kwargs: float) -> tuple[np.ndarray, np.ndarray, list]:
    fig, t, truth = squat_figure(n_reps)
    lm = landmarks_from(fig.near_joints(), fig.facing, **kwargs)
    return lm, t, truth


def _hide(lm: np.ndarray, t: np.ndarray, joint: str, start_s: float, stop_s: float) -> None:
    rows = (t >= start_s * 1000) & (t <= stop_s * 1000)
    for side in ("left", "right"):
        lm[rows, joint_index(side, joint), 3] = 0.05


def _mids(track, count) -> list[float]:
    t = track.frame["time_ms"].to_numpy()
    return [t[r.mid] / 1000 for r in count.reps]


def test_a_squat_whose_knees_are_hidden_in_every_rep_is_counted_from_the_hips() -> None:
    lm, t, truth = _squats()
    _hide(lm, t, "knee", 1.0, 99)  # seen standing, then behind the plates for the whole set
    track = build_track(raw_pose(lm, t), "squat")
    assert not np.isfinite(track.frame["knee_angle"][t > 1100]).any()
    count = count_reps("squat", track)
    assert [r.signal for r in count.reps] == ["hip_height"] * 3
    assert _mids(track, count) == pytest.approx([m for _, m, _ in truth], abs=0.1)
    analysis = analyze_track(track)
    assert len(analysis.reps) == 3
    assert any("knee angle could not be followed" in w for w in analysis.warnings)


def test_a_rep_whose_knee_is_hidden_at_the_bottom_is_filled_in_from_the_hips() -> None:
    lm, t, truth = _squats()
    mid = truth[1][1]
    _hide(lm, t, "knee", mid - 0.6, mid + 0.6)  # longer than the 0.5 s the filters bridge
    track = build_track(raw_pose(lm, t), "squat")
    count = count_reps("squat", track)
    assert [r.signal for r in count.reps] == ["knee_angle", "hip_height", "knee_angle"]
    assert _mids(track, count) == pytest.approx([m for _, m, _ in truth], abs=0.1)
    # Without the fallback, the angle alone loses the rep.
    from guru_form.pose.segmentation import segment_reps

    alone = segment_reps("squat", track.series(), track.joints(), track.frame["time_ms"])
    assert len(alone) == 2


def test_a_joint_hidden_on_the_near_side_takes_its_height_from_the_far_side() -> None:
    """The near hip hidden through the middle rep while the far hip is seen (a camera moving
    round the athlete): its height continues from the far hip, shifted onto the near one."""
    lm, t, truth = _squats()
    seen = build_track(raw_pose(lm.copy(), t), "squat")
    mid = truth[1][1]
    rows = (t >= (mid - 0.8) * 1000) & (t <= (mid + 0.8) * 1000)
    lm[rows, joint_index("right", "hip"), 3] = 0.05  # the figure faces right: right is near
    track = build_track(raw_pose(lm, t), "squat")
    assert not np.isfinite(track.frame["hip_y"].to_numpy()[rows]).any()
    height = track_inputs(track)[0]["hip_height"]
    assert np.isfinite(height[rows]).all()
    truth_height = track_inputs(seen)[0]["hip_height"]
    assert np.nanmax(np.abs(height - truth_height)) < 0.02
    count = count_reps("squat", track)
    assert _mids(track, count) == pytest.approx([m for _, m, _ in truth], abs=0.1)


def test_a_signal_that_missed_the_way_to_the_turning_point_missed_the_rep() -> None:
    from guru_form.pose.counting import GAP_FRACTION, _missing
    from guru_form.pose.segmentation import RepWindow

    lead = np.ones(100)
    lead[20:42] = np.nan  # a quarter of the rep 10-90, but half its way down (10-50)
    rep = RepWindow(10, 50, 90, 1.0)
    assert np.mean(~np.isfinite(lead[10:91])) < GAP_FRACTION <= _missing(lead, rep)
    lead[20:42] = 1.0
    lead[60:82] = np.nan  # the same gap on the way up: the rise is not where the rep turns
    assert _missing(lead, rep) < GAP_FRACTION


def test_an_angle_whose_joint_jumps_about_is_not_counted_from() -> None:
    lm, t, truth = _squats()
    # The model puts the knee anywhere around the hip, wandering a few times a second (as it
    # does with a knee behind a plate): the angle no longer follows the squat.
    rng = np.random.default_rng(3)
    steps = np.repeat(rng.uniform(-1, 1, (len(t) // 8 + 1, 2)), 8, axis=0)[: len(t)]
    for side in ("left", "right"):
        hip = lm[:, joint_index(side, "hip"), :2]
        lm[:, joint_index(side, "knee"), :2] = hip + 90.0 * steps
    track = build_track(raw_pose(lm, t), "squat")
    count = count_reps("squat", track)
    assert count.shots[0].agreement < 0.7
    assert count.shots[0].lead == "hip_height"
    assert _mids(track, count) == pytest.approx([m for _, m, _ in truth], abs=0.15)


def test_a_front_view_counts_from_heights_and_says_why() -> None:
    lm, t, _ = _squats(far_offset=130.0)  # the far shoulder a trunk's width away
    track = build_track(raw_pose(lm, t), "squat")
    assert estimate_view(track).view == "front"
    count = count_reps("squat", track)
    assert {r.signal for r in count.reps} == {"hip_height"}
    assert len(count.reps) == 3
    warnings = analyze_track(track).warnings
    assert any("faced the athlete" in w for w in warnings)
    assert any("which the camera's view shows better" in w for w in warnings)


def test_a_side_view_counts_from_the_angle_and_every_signal_supports_each_rep() -> None:
    lm, t, _ = _squats()
    track = build_track(raw_pose(lm, t), "squat")
    count = count_reps("squat", track)
    assert estimate_view(track).view == "side"
    assert [r.signal for r in count.reps] == ["knee_angle"] * 3
    assert all(len(s) == 4 for s in count.support)  # the angle and three heights
    analysis = analyze_track(track)
    assert analysis.warnings == []
    assert all(rep.confidence is not None and rep.confidence > 0.9 for rep in analysis.reps)


def test_a_bottom_split_in_two_is_one_rep_unless_one_other_signal_finds_both_halves() -> None:
    from guru_form import activities
    from guru_form.pose.counting import _join_split_reps
    from guru_form.pose.segmentation import RepWindow
    from guru_form.pose.signals import candidate_signals

    profile = activities.get("squat")
    knee, hip, *rest = candidate_signals(profile.rule, profile.rep_heights)
    other = rest[-1]
    t = np.arange(200) * 33.3
    halves = [RepWindow(30, 50, 58, 40.0, knee.name), RepWindow(60, 64, 90, 40.0, knee.name)]
    spanning = RepWindow(32, 64, 92, 1.0, hip.name)
    # The hips turn once, at the second half's turning point; another height near the first's.
    found = {knee.name: halves, hip.name: [spanning], other.name: [RepWindow(33, 52, 91, 1.0)]}
    for s in rest[:-1]:
        found[s.name] = []
    assert _join_split_reps(halves, knee, [knee, hip, *rest], found, t) == [spanning]
    # One height turning at both halves: two reps.
    found[other.name] = [RepWindow(30, 50, 58, 1.0), RepWindow(60, 64, 90, 1.0)]
    assert _join_split_reps(halves, knee, [knee, hip, *rest], found, t) == halves


def test_standing_is_measured_for_activities_done_lying_only() -> None:
    lm, t, _ = _squats()
    track = build_track(raw_pose(lm, t), "squat")
    assert count_reps("bench_press", track).standing == pytest.approx(1.0)
    assert count_reps("push_up", track).standing == pytest.approx(1.0)
    assert np.isnan(count_reps("squat", track).standing)


def test_a_lunge_filmed_from_the_front_is_counted_from_the_body_s_height() -> None:
    # Seen from the front, the knee angle in the image is no lunge's signal (the thighs point at
    # the camera); the hips still fall and rise with each rep.
    lm, t, truth = _squats(far_offset=130.0)
    track = build_track(raw_pose(lm, t), "lunge")
    assert estimate_view(track).view == "front"
    count = count_reps("lunge", track)
    assert {r.signal for r in count.reps} == {"hip_height"}
    assert _mids(track, count) == pytest.approx([m for _, m, _ in truth], abs=0.1)


def test_a_camera_that_tilts_between_reps_leaves_the_angle_in_the_lead() -> None:
    # A handheld phone re-aimed while the athlete stands between reps: every joint goes up and
    # down in the image, the athlete does not. The heights above the feet stay still there,
    # and the knee angle agrees with them.
    lm, t, truth = _squats()
    ends = [0.0] + [e for _, _, e in truth]
    starts = [s for s, _, _ in truth] + [float(t[-1]) / 1000 + 0.01]
    offset = np.zeros(len(t))
    for a, b in zip(ends, starts, strict=True):
        rest = (t >= a * 1000) & (t < b * 1000)
        offset[rest] = 150.0 * np.sin(np.pi * (t[rest] / 1000 - a) / (b - a))
    lm[:, :, 1] += offset[:, None]
    track = build_track(raw_pose(lm, t), "squat")
    count = count_reps("squat", track)
    assert count.shots[0].lead == "knee_angle"
    assert _mids(track, count) == pytest.approx([m for _, m, _ in truth], abs=0.1)


def test_an_angle_that_never_moves_through_a_rep_s_range_does_not_lead() -> None:
    # The knee drawn on the line from hip to ankle: its angle stays straight while the hips
    # go down and up (as a squat's knee can look from the front).
    lm, t, truth = _squats()
    for side in ("left", "right"):
        hip, knee, ankle = (joint_index(side, j) for j in ("hip", "knee", "ankle"))
        lm[:, knee, :2] = (lm[:, hip, :2] + lm[:, ankle, :2]) / 2.0
    track = build_track(raw_pose(lm, t), "squat")
    count = count_reps("squat", track)
    assert count.shots[0].lead == "hip_height"
    assert _mids(track, count) == pytest.approx([m for _, m, _ in truth], abs=0.1)


def test_a_shallow_rep_that_moves_the_body_as_far_as_the_others_is_no_fragment() -> None:
    from guru_form.pose.counting import _drop_fragments
    from guru_form.pose.segmentation import RepWindow

    # The third squat's knee bends half as far as the others' (stopped higher, the knees
    # forward less), its hips travel as far: a rep.
    reps = [RepWindow(30 * k, 30 * k + 15, 30 * k + 29, 130.0, "knee_angle") for k in range(4)]
    reps[2] = RepWindow(60, 75, 89, 60.0, "knee_angle")
    assert _drop_fragments(reps, [1.0, 1.1, 1.05, 1.0]) == reps
    # The hips hardly move in it: a fragment (a shrug, the model wobbling).
    assert _drop_fragments(reps, [1.0, 1.1, 0.2, 1.0]) == [*reps[:2], reps[3]]
    assert _drop_fragments(reps) == [*reps[:2], reps[3]]


def test_a_height_that_finds_no_rep_from_the_front_leaves_the_reps_to_the_angle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # From the front a height leads; where every rep it finds fails the rule's checks (a push-up's
    # shoulders going down to the floor and up again with the push-ups inside), the angle's reps,
    # which pass them, are counted rather than none.
    from guru_form.pose import counting

    def angle_only(*args: object, rule: SegmentationRule, **kwargs: object) -> list[RepWindow]:
        if rule.signal.endswith("_height"):
            return []
        return segment_reps(*args, rule=rule, **kwargs)  # type: ignore[arg-type]

    lm, t, truth = _squats(far_offset=130.0)
    track = build_track(raw_pose(lm, t), "squat")
    assert estimate_view(track).view == "front"
    monkeypatch.setattr(counting, "segment_reps", angle_only)
    count = count_reps("squat", track)
    assert count.shots[0].lead == "knee_angle"
    assert _mids(track, count) == pytest.approx([m for _, m, _ in truth], abs=0.15)


def test_reps_whose_bottom_lies_below_the_picture_are_not_counted() -> None:
    import dataclasses

    from guru_form.pose.signals import body_scale

    lm, t, truth = _squats()
    track = build_track(raw_pose(lm, t), "squat")
    assert len(count_reps("squat", track).reps) == 3
    joints = track.joints()
    mids = [int(np.argmin(np.abs(t - m * 1000))) for _, m, _ in truth]
    bottom = float(np.nanmin(joints["hip"][mids, 1]))
    # The picture ends half a trunk above the hip at every bottom: the model placed it by guess.
    edge = bottom - 0.5 * body_scale(joints)
    cut = dataclasses.replace(track, height=round(edge))
    assert count_reps("squat", cut).reps == []
    # A track with no recorded picture size counts them.
    assert len(count_reps("squat", dataclasses.replace(track, width=0, height=0)).reps) == 3


def test_an_athlete_who_turns_to_face_the_camera_within_one_shot_is_counted_there_from_heights() -> (
    None
):
    """Three squats side-on, then three facing the camera, without a cut: the knee angle leads
    the side-on stretch, the hips' height the stretch facing the camera (where the knee hardly
    bends in the picture)."""
    fig, t, truth = squat_figure(6)
    near = fig.near_joints()
    side = landmarks_from(near, fig.facing)
    front = front_landmarks(near, (-fig.thigh - 2.0) / 80.0)
    # Facing the camera the thighs point at it: each knee lies between its hip and ankle in
    # the picture, and the knee angle hardly moves (as on real footage, 145-170 degrees).
    for side_name in ("left", "right"):
        hip, knee, ankle = (joint_index(side_name, j) for j in ("hip", "knee", "ankle"))
        front[:, knee, :2] = (front[:, hip, :2] + front[:, ankle, :2]) / 2.0
        front[:, knee, 0] += np.sign(front[:, knee, 0] - 320.0) * 10.0
    turned = t >= 1000 * (truth[2][2] + truth[3][0]) / 2  # between the third and fourth reps
    lm = np.where(turned[:, None, None], front, side)
    track = build_track(raw_pose(lm, t), "squat")
    count = count_reps("squat", track)
    assert _mids(track, count) == pytest.approx([m for _, m, _ in truth], abs=0.1)
    assert [r.signal for r in count.reps] == ["knee_angle"] * 3 + ["hip_height"] * 3
    assert [(s.view.view, s.lead) for s in count.shots] == [
        ("side", "knee_angle"),
        ("front", "hip_height"),
    ]
