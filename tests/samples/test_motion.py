"""Rep plans and trajectories: the turning points hit the specified angles, on the frame."""

from __future__ import annotations

import numpy as np
import pytest

from guru_form.errors import InvalidInputError
from guru_form.kinematics import angle_series
from guru_form.models import Activity
from guru_form.testing.synthetic import RepSpec, plan_reps, simulate, synthesize
from guru_form.testing.synthetic.movements import movements
from guru_form.testing.synthetic.truth import near_joints

ACTIVITIES = list(movements())  # the activities the synthetic athlete performs

PLANS = {
    "squat": [RepSpec(-8.0, 0.0, 1.0, 0.8, 0.5), RepSpec(12.0, 3.0, 1.2, 1.3, 0.5)],
    "deadlift": [RepSpec(178.0, 0.0, 1.0, 1.0, 0.5), RepSpec(165.0, 0.0, 1.4, 0.9, 0.5)],
    "bench_press": [RepSpec(70.0, 0.0, 1.0, 0.8, 0.5), RepSpec(95.0, 0.0, 0.9, 1.4, 0.5)],
    "push_up": [RepSpec(75.0, 2.0, 0.8, 0.7, 0.4), RepSpec(102.0, 11.0, 0.8, 1.2, 0.4)],
    "bodyweight_squat": [RepSpec(-10.0, 0.0, 0.8, 0.6, 0.4), RepSpec(6.0, 2.0, 0.9, 0.9, 0.4)],
    "lunge": [RepSpec(92.0, 0.0, 1.0, 0.9, 0.5), RepSpec(108.0, 2.0, 1.1, 1.2, 0.5)],
}

#: The series that each movement's key (and secondary) angle specify.
KEY_SERIES = {
    "squat": ["thigh_angle"],
    "deadlift": ["hip_angle"],
    "bench_press": ["elbow_angle"],
    "push_up": ["elbow_angle", "body_line"],
    "bodyweight_squat": ["thigh_angle"],
    "lunge": ["knee_angle"],  # the near leg leads an explicit plan's reps: its front knee
}


def key_series(activity: Activity, series: dict[str, np.ndarray]) -> list[np.ndarray]:
    """The series that the plan's key (and secondary) angle specify."""
    return [series[name] for name in KEY_SERIES[activity.value]]


@pytest.mark.parametrize("activity", ACTIVITIES)
@pytest.mark.parametrize("facing", ["right", "left"])
def test_turning_points_hit_the_specified_angles_exactly_in_a_pure_side_view(
    activity: Activity, facing: str
) -> None:
    plan = PLANS[activity.value]
    video = synthesize(activity, plan=plan, size=(320, 240), yaw_deg=0.0, facing=facing)
    series = angle_series(near_joints(video.projected))
    for rep, (start, mid, end) in zip(plan, video.rep_frames, strict=True):
        expected = [rep.key_angle, rep.secondary][: len(key_series(activity, series))]
        got = [float(s[mid]) for s in key_series(activity, series)]
        assert got == pytest.approx(expected, abs=1e-6)
        # the key angle moves monotonically from rest to the turning point and back
        key = key_series(activity, series)[0]
        down, up = np.diff(key[start : mid + 1]), np.diff(key[mid : end + 1])
        sign = np.sign(key[mid] - key[start])
        assert np.all(sign * down > 0) and np.all(sign * up < 0)


@pytest.mark.parametrize("activity", ACTIVITIES)
def test_default_oblique_camera_keeps_angles_close_to_the_plan(activity: Activity) -> None:
    plan = PLANS[activity.value]
    video = synthesize(activity, plan=plan, size=(320, 240))
    series = angle_series(near_joints(video.projected))
    for rep, (_, mid, _) in zip(plan, video.rep_frames, strict=True):
        assert float(key_series(activity, series)[0][mid]) == pytest.approx(rep.key_angle, abs=5)


def test_rep_frames_follow_the_timing_rules() -> None:
    m = simulate("push_up", reps=4, fps=30, seed=2)
    assert len(m.rep_frames) == 4
    previous_end = -1
    for start, mid, end in m.rep_frames:
        assert previous_end < start < mid < end < m.n_frames
        # start: last frame at rest; mid: exactly the turning point; end: first frame back
        assert m.phase[start] == 0 and m.phase[start + 1] > 0
        assert m.phase[mid] == 1 and m.phase[mid - 1] < 1 and m.phase[mid + 1] < 1
        assert m.phase[end] == 0 and m.phase[end - 1] > 0
        assert np.all(np.diff(m.phase[start : mid + 1]) > 0)
        assert np.all(np.diff(m.phase[mid : end + 1]) < 0)
        previous_end = end
    at_rest = np.ones(m.n_frames, bool)
    for start, _, end in m.rep_frames:
        at_rest[start + 1 : end] = False
    assert np.all(m.phase[at_rest] == 0)


def test_phase_is_smooth() -> None:
    m = simulate("squat", reps=2, fps=60, seed=0)
    step = np.abs(np.diff(m.phase))
    assert step.max() < 0.08  # no jumps at 60 frames/s
    # speed is near zero at the turning point and at rest
    start, mid, _ = m.rep_frames[0]
    assert m.phase[mid] - m.phase[mid - 1] < 0.01
    assert m.phase[start + 1] < 0.01


@pytest.mark.parametrize("activity", ACTIVITIES)
def test_fatigue_makes_the_last_reps_shallower_and_slower(activity: Activity) -> None:
    plan = plan_reps(activity, 6, seed=4)
    first, last = plan[0], plan[-1]
    if activity is Activity.DEADLIFT:
        assert last.key_angle < first.key_angle - 5  # softer lockout
        assert last.to_turn_s > first.to_turn_s * 1.4  # slower pull
    else:
        assert last.key_angle > first.key_angle + 8  # shallower
        assert last.from_turn_s > first.from_turn_s * 1.4  # slower concentric
    fresh = plan_reps(activity, 6, seed=4, fatigue=False)
    assert abs(fresh[-1].key_angle - fresh[0].key_angle) < 12


def test_plans_vary_rep_to_rep_and_repeat_by_seed() -> None:
    a, b = plan_reps("squat", 5, seed=1), plan_reps("squat", 5, seed=1)
    assert a == b
    assert a != plan_reps("squat", 5, seed=2)
    assert len({round(r.to_turn_s, 3) for r in a}) == 5


def test_duration_fills_with_sets_of_reps() -> None:
    m = simulate("squat", duration_s=300, fps=30, seed=0)
    assert m.n_frames == 9000
    assert 80 <= len(m.rep_frames) <= 140
    assert m.rep_frames[-1][2] < m.n_frames


def test_frame_times_are_honoured_and_events_snap_to_them() -> None:
    times = np.cumsum(np.r_[0, np.tile([0.02, 0.05, 0.033], 200)])
    m = simulate("bench_press", reps=2, frame_times_s=times)
    assert np.array_equal(m.times_s, times)
    for start, mid, end in m.rep_frames:
        assert m.phase[start] == 0 and m.phase[mid] == 1 and m.phase[end] == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fps": 0}, "fps"),
        ({"reps": 10, "duration_s": 5}, "duration"),
        ({"frame_times_s": [0, 0.1, 0.1]}, "strictly increasing"),
        ({"frame_times_s": np.arange(10) / 30, "reps": 3}, "fewer reps"),
    ],
)
def test_bad_motion_arguments_raise_clear_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        simulate("squat", **kwargs)


def test_unknown_activity_names_the_valid_ones() -> None:
    with pytest.raises(InvalidInputError, match="squat"):
        simulate("sprint")  # not a movement of the synthetic athlete (or not an activity)
