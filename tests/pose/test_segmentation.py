"""Rep segmentation on constructed signals: what must and must not become a rep."""

from __future__ import annotations

import numpy as np
import pytest

from guru_form import activities
from guru_form.pose.counting import rule_for
from guru_form.pose.segmentation import RULES, segment_reps
from guru_form.pose.signals import candidate_signals, height_series

FPS = 30.0


def _squat_session(
    pattern: list[tuple[str, float]], *, rng_seed: int = 0, noise: float = 1.0
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray, list[float]]:
    """Build knee angle, hip/ankle/shoulder positions from ("stand"|"rep"|"sway"|...) pieces."""
    rng = np.random.default_rng(rng_seed)
    knee, hip_y, ankle_x, lean, mids = [], [], [], [], []
    t0 = 0.0
    for kind, seconds in pattern:
        n = round(seconds * FPS)
        u = np.arange(n) / max(n - 1, 1)
        x_here = float(ankle_x[-1][-1]) if ankle_x else 300.0
        if kind == "rep":
            depth = np.sin(np.pi * u) ** 2
            mids.append(t0 + seconds / 2)
        elif kind == "sway":
            depth = 0.12 * np.sin(2 * np.pi * 3 * u) ** 2
        elif kind == "half_start":  # the clip starts at the bottom and comes up
            depth = np.cos(np.pi * u / 2) ** 2
        elif kind == "from_half":  # opens half of the way down a rep
            depth = np.sin(np.pi * (1 / 4 + 3 / 4 * u)) ** 2
        elif kind == "late_start":  # the clip opens a quarter of the way down a rep
            depth = np.sin(np.pi * (1 / 6 + 5 / 6 * u)) ** 2
        elif kind == "half_end":  # the clip ends on the way down
            depth = np.sin(np.pi * u / 2) ** 2
        elif kind == "walk":  # legs swing (knee bends) while the body crosses the frame
            depth = 0.55 * np.clip(np.sin(2 * np.pi * 1.8 * seconds * u), 0, None)
        else:
            depth = np.zeros(n)
        knee.append(175 - 100 * depth + rng.normal(0, noise, n))
        drop = 0 if kind == "walk" else 120
        hip_y.append(400 + drop * depth)
        lean.append(5 + 30 * depth)
        if kind == "walk":
            ankle_x.append(x_here + np.linspace(0, 400, n))
        else:
            ankle_x.append(np.full(n, x_here))
        t0 += n / FPS
    k = np.concatenate(knee)
    y = np.concatenate(hip_y)
    ax = np.concatenate(ankle_x)
    t = np.arange(len(k)) * 1000.0 / FPS
    joints = {
        "hip": np.c_[ax, y],
        "shoulder": np.c_[ax, y - 160],
        "ankle": np.c_[ax, np.full_like(y, 640)],
    }
    series = {"knee_angle": k, "trunk_lean": np.concatenate(lean)}
    return series, joints, t, mids


def _mids(reps, t) -> list[float]:
    return [t[r.mid] / 1000 for r in reps]


def test_standing_still_and_swaying_are_not_reps() -> None:
    series, joints, t, mids = _squat_session(
        [("stand", 9.0), ("sway", 3.0), ("rep", 2.0), ("stand", 2.0), ("rep", 2.4), ("stand", 1)]
    )
    reps = segment_reps("squat", series, joints, t)
    assert len(reps) == 2
    assert _mids(reps, t) == pytest.approx(mids, abs=0.1)


def test_partial_reps_at_the_clip_edges_are_dropped() -> None:
    series, joints, t, mids = _squat_session(
        [("half_start", 1.0), ("stand", 1.0), ("rep", 2.0), ("stand", 1.0), ("half_end", 1.0)]
    )
    reps = segment_reps("squat", series, joints, t)
    assert _mids(reps, t) == pytest.approx(mids, abs=0.1)
    assert len(reps) == 1


def test_a_rep_the_clip_opens_a_quarter_of_the_way_down_is_partial() -> None:
    # Most of the way down, the bottom and the whole way up are in the footage, so the two
    # sides differ by less than the symmetry bound; but the lowering was under way at the
    # first frame: not seen from rest.
    series, joints, t, mids = _squat_session(
        [("late_start", 1.67), ("stand", 1.0), ("rep", 2.0), ("stand", 1.0)]
    )
    reps = segment_reps("squat", series, joints, t)
    assert _mids(reps, t) == pytest.approx(mids, abs=0.1)
    # Opening at rest and going down at once, it is a rep.
    series, joints, t, mids = _squat_session(
        [("rep", 2.0), ("stand", 1.0), ("rep", 2.0), ("stand", 1.0)]
    )
    assert _mids(segment_reps("squat", series, joints, t), t) == pytest.approx(mids, abs=0.1)
    # A person found late, a quarter of the way down, was filmed before: no clip edge.
    series, joints, t, mids = _squat_session(
        [("stand", 1.0), ("late_start", 1.67), ("stand", 1.0), ("rep", 2.0), ("stand", 1.0)]
    )
    series["knee_angle"][:30] = np.nan
    joints = {k: np.where(np.arange(len(t))[:, None] < 30, np.nan, v) for k, v in joints.items()}
    assert len(segment_reps("squat", series, joints, t)) == 2


def test_a_rep_cut_at_its_bottom_is_dropped_though_the_angle_springs_back_at_the_cut() -> None:
    # Two squats, then a third cut at its bottom by a fade: on the last two frames before the
    # fade the model throws the knee straight again, while the hips are still at the bottom.
    series, joints, t, mids = _squat_session(
        [("stand", 1), ("rep", 2), ("rep", 2), ("half_end", 1)]
    )
    series["knee_angle"][-2:] = 170.0
    reps = segment_reps("squat", series, joints, t)
    assert _mids(reps, t) == pytest.approx(mids, abs=0.1)
    # The same spring-back in the middle of the footage, with the hips back up: a rep.
    series, joints, t, mids = _squat_session([("stand", 1), ("rep", 2), ("rep", 2), ("stand", 1)])
    assert _mids(segment_reps("squat", series, joints, t), t) == pytest.approx(mids, abs=0.1)


def test_walking_in_and_out_is_not_a_rep() -> None:
    series, joints, t, mids = _squat_session(
        [("walk", 2.0), ("stand", 1.0), ("rep", 2.0), ("stand", 1.0), ("walk", 2.0)]
    )
    assert np.nanmin(series["knee_angle"][: int(2 * FPS)]) < 125  # the legs do bend
    reps = segment_reps("squat", series, joints, t)
    assert len(reps) == 1
    assert _mids(reps, t) == pytest.approx(mids, abs=0.1)


def test_a_rep_that_goes_on_across_an_edit_is_one_rep() -> None:
    # One squat filmed from two angles: its way down begins before the edit, the shot after
    # it opens part of the way down (the side before its bottom short) and rises to rest.
    series, joints, t, mids = _squat_session(
        [("stand", 1.0), ("rep", 2.0), ("stand", 1.0), ("rep", 2.0), ("stand", 1.0)]
    )
    # Edited cuts half-way down the second rep, and near its bottom (the shot after the edit
    # then holds too little of the way down to be a turn of its own).
    for into_rep in (0.5, 0.8):
        shot = np.zeros(len(t), dtype=int)
        shot[int((1.0 + 2.0 + 1.0 + into_rep) * FPS) :] = 1
        reps = segment_reps("squat", series, joints, t, shot=shot)
        assert _mids(reps, t) == pytest.approx(mids, abs=0.1), into_rep
    # A shot before the edit that ends at rest began no rep: the shot after it opening half of
    # the way down holds a rep cut by the edit, not counted.
    series, joints, t, mids = _squat_session(
        [("stand", 1.0), ("rep", 2.0), ("stand", 1.0), ("from_half", 1.5), ("stand", 1.0)]
    )
    shot = np.zeros(len(t), dtype=int)
    shot[int(4.0 * FPS) :] = 1
    reps = segment_reps("squat", series, joints, t, shot=shot)
    assert _mids(reps, t) == pytest.approx(mids, abs=0.1)


def test_a_fade_to_black_loses_the_person_and_the_rep_with_it() -> None:
    series, joints, t, mids = _squat_session(
        [("stand", 1.0), ("rep", 2.0), ("stand", 1.0), ("rep", 2.0), ("stand", 1.0)]
    )
    fade = slice(int(4.5 * FPS), int(5.6 * FPS))  # the person is not found around the bottom
    for name in series:
        series[name] = series[name].copy()
        series[name][fade] = np.nan
    reps = segment_reps("squat", series, joints, t)
    assert _mids(reps, t) == pytest.approx(mids[:1], abs=0.1)


def test_a_pause_at_the_bottom_puts_mid_in_the_pause() -> None:
    n = int(6 * FPS)
    t = np.arange(n) * 1000.0 / FPS
    depth = np.interp(t / 1000, [0, 1, 2, 3.5, 4.5, 6], [0, 0, 1, 1, 0, 0])
    series = {"knee_angle": 175 - 100 * depth, "trunk_lean": 5 + 30 * depth}
    joints = {
        "hip": np.c_[np.full(n, 300.0), 400 + 120 * depth],
        "shoulder": np.c_[np.full(n, 300.0), 240 + 120 * depth],
    }
    (rep,) = segment_reps("squat", series, joints, t)
    assert t[rep.mid] / 1000 == pytest.approx(2.75, abs=0.1)
    assert t[rep.start] / 1000 == pytest.approx(1.0, abs=0.07)
    assert t[rep.end] / 1000 == pytest.approx(4.5, abs=0.07)


def test_a_paused_bottom_the_model_reads_out_of_for_a_moment_keeps_mid_in_the_pause() -> None:
    # The bottom joint reads 5 px higher for 0.2 s a third of the way into a 1.5-s pause (a wrist
    # or hip the model moves while the athlete holds still): the pause's middle stays the mid.
    n = int(6 * FPS)
    t = np.arange(n) * 1000.0 / FPS
    depth = np.interp(t / 1000, [0, 1, 2, 3.5, 4.5, 6], [0, 0, 1, 1, 0, 0])
    series = {"knee_angle": 175 - 100 * depth, "trunk_lean": 5 + 30 * depth}
    hip_y = 400 + 120 * depth
    hip_y[(t >= 2400) & (t < 2600)] -= 5.0
    joints = {
        "hip": np.c_[np.full(n, 300.0), hip_y],
        "shoulder": np.c_[np.full(n, 300.0), 240 + 120 * depth],
    }
    (rep,) = segment_reps("squat", series, joints, t)
    assert t[rep.mid] / 1000 == pytest.approx(2.75, abs=0.1)


def test_deadlift_mid_is_when_lockout_is_reached() -> None:
    n = int(8 * FPS)
    t = np.arange(n) * 1000.0 / FPS
    lift = np.interp(t / 1000, [0, 1, 2.5, 4.5, 6, 8], [0, 0, 1, 1, 0, 0])
    series = {"hip_angle": 60 + 115 * lift, "trunk_lean": 70 - 65 * lift}
    joints = {
        "shoulder": np.c_[np.full(n, 300.0), 300 - 150 * lift],
        "hip": np.c_[np.full(n, 280.0), 380 - 40 * lift],
    }
    (rep,) = segment_reps("deadlift", series, joints, t)
    assert t[rep.mid] / 1000 == pytest.approx(2.45, abs=0.1)


def test_rep_count_hint_keeps_the_largest_and_never_invents() -> None:
    series, joints, t, mids = _squat_session(
        [("stand", 1.0), ("rep", 2.0), ("stand", 1.0), ("rep", 2.0), ("stand", 1.0)]
    )
    series["knee_angle"][int(4 * FPS) : int(6 * FPS)] = 175 - 0.6 * (
        175 - series["knee_angle"][int(4 * FPS) : int(6 * FPS)]
    )
    assert len(segment_reps("squat", series, joints, t)) == 2
    (only,) = segment_reps("squat", series, joints, t, rep_count=1)
    assert t[only.mid] / 1000 == pytest.approx(mids[0], abs=0.1)
    assert len(segment_reps("squat", series, joints, t, rep_count=5)) == 2


def test_every_locally_analysed_activity_has_a_rule() -> None:
    from guru_form.models import Activity

    # The API lists more activities; the pose engine refuses those without a rule, saying so
    # (tests/pose/test_engine.py).
    local = {Activity.SQUAT, Activity.DEADLIFT, Activity.BENCH_PRESS, Activity.PUSH_UP}
    local |= {Activity.BODYWEIGHT_SQUAT, Activity.LUNGE}
    assert set(RULES) == local


def test_the_rules_table_in_the_module_docstring_matches_the_rules() -> None:
    import re

    from guru_form.pose import segmentation

    doc = segmentation.__doc__ or ""
    for activity, rule in RULES.items():
        row = re.search(rf"^{activity.value}\s+``(\w+)``\s+(.+)$", doc, re.MULTILINE)
        assert row is not None, f"no row for {activity.value}"
        assert row.group(1) == rule.signal
        verb = "drops" if rule.min_height_travel > 0 else "rises"
        check = f"{rule.height_joint} {verb} >= {abs(rule.min_height_travel):g} torso"
        assert check in row.group(2), f"{activity.value}: the table should say {check!r}"
        if rule.bottom_joint is not None:
            assert f"{rule.bottom_joint} lowest" in row.group(2)


def _push_up_then_stand_up(stand_up_elbow: float) -> tuple[dict, dict, np.ndarray]:
    """Two push-ups from a plank (elbow 165°, shoulder at y=100); the second, which ends at
    4.9 s, runs straight into standing up: the arms lock to ``165 + stand_up_elbow`` and the
    shoulder rises 150 px above the plank."""
    pieces = [("plank", 1.0), ("rep", 1.8), ("plank", 0.3), ("rep", 1.8), ("stand_up", 1.0)]
    elbow, shoulder_y, lean = [], [], []
    for kind, seconds in pieces:
        n = round(seconds * FPS)
        u = np.arange(n) / n
        if kind == "rep":
            depth = np.sin(np.pi * u) ** 2
            elbow.append(165 - 85 * depth)
            shoulder_y.append(100 + 70 * depth)
            lean.append(np.full(n, 78.0))
        elif kind == "stand_up":
            g = 0.5 - 0.5 * np.cos(np.pi * u)
            elbow.append(165 + stand_up_elbow * g)
            shoulder_y.append(100 - 150 * g)
            lean.append(78 - 60 * g)
        else:
            elbow.append(np.full(n, 165.0))
            shoulder_y.append(np.full(n, 100.0))
            lean.append(np.full(n, 78.0))
    y = np.concatenate(shoulder_y)
    x = np.full(len(y), 300.0)
    t = np.arange(len(y)) * 1000.0 / FPS
    joints = {
        "shoulder": np.c_[x, y],
        "hip": np.c_[x + 150, y + 20],
        "ankle": np.c_[x + 300, np.full_like(y, 200.0)],
    }
    return {"elbow_angle": np.concatenate(elbow), "trunk_lean": np.concatenate(lean)}, joints, t


def test_a_rep_ends_back_at_its_start_not_in_the_movement_that_follows() -> None:
    # Standing up straight after the last push-up keeps the elbow opening (165 -> 178°) and
    # the shoulders rising: the search for the first frame at rest used to run on to the end
    # of the stand-up (5.8 s), and the rep's concentric phase took the stand-up's travel in.
    series, joints, t = _push_up_then_stand_up(13.0)
    first, last = segment_reps("push_up", series, joints, t)
    assert t[first.end] / 1000 == pytest.approx(2.8, abs=0.07)
    assert t[last.end] / 1000 == pytest.approx(4.9, abs=0.07)
    assert joints["shoulder"][last.end, 1] == pytest.approx(100.0, abs=2.0)  # in the plank
    assert series["elbow_angle"][last.end] == pytest.approx(165.0, abs=2.0)


def test_a_rep_that_ends_a_little_more_extended_than_it_began_keeps_its_end() -> None:
    # Locking out 5° further than the start is within the margin (10 % of the 85° range):
    # still the rep's own lockout, the end is where the arms stop.
    series, joints, t = _push_up_then_stand_up(0.0)
    stop = round(4.9 * FPS)
    settle = np.clip((t[stop:] / 1000 - 4.9) / 0.3, 0, 1)
    series["elbow_angle"][stop:] = 165 + 5 * settle
    for joint in joints.values():
        joint[stop:, 1] = joint[stop - 1, 1]  # no stand-up this time
    series["trunk_lean"][stop:] = 78.0
    _, last = segment_reps("push_up", series, joints, t)
    assert t[last.end] / 1000 == pytest.approx(5.2, abs=0.1)


def _pull(times: list[float], values: list[float], seconds: float) -> tuple[dict, dict, np.ndarray]:
    """A deadlift's hip angle through (times, values) (60° at the floor, 175° at lockout)."""
    t = np.arange(int(seconds * FPS)) * 1000.0 / FPS
    lift = np.interp(t / 1000, times, values)
    series = {"hip_angle": 60 + 115 * lift, "trunk_lean": 70 - 65 * lift}
    joints = {
        "shoulder": np.c_[np.full(len(t), 300.0), 300 - 150 * np.clip(lift, 0, 1)],
        "hip": np.c_[np.full(len(t), 280.0), 380 - 40 * np.clip(lift, 0, 1)],
    }
    return series, joints, t


def test_a_deadlift_held_at_lockout_until_the_clip_ends_is_a_rep() -> None:
    series, joints, t = _pull([0, 1, 2.5, 4], [0, 0, 1, 1], 4.0)
    (rep,) = segment_reps("deadlift", series, joints, t)
    assert t[rep.mid] / 1000 == pytest.approx(2.45, abs=0.1)
    assert rep.end == len(t) - 1
    # Still rising when the clip ends: the lockout is not in the clip.
    series, joints, t = _pull([0, 1, 2.5], [0, 0, 1], 2.45)
    assert segment_reps("deadlift", series, joints, t) == []


def test_a_lockout_held_to_the_end_counts_from_when_it_is_reached_not_from_a_late_blip() -> None:
    # Locked out at 2.5 s and held 0.5 s to the end; the model's largest angle comes 0.25 s
    # before the end, 3° above the held lockout (within the lockout band): still a held rep.
    series, joints, t = _pull([0, 1, 2.5, 2.75, 2.85, 3.0], [0, 0, 0.97, 0.97, 1.0, 0.97], 3.0)
    (rep,) = segment_reps("deadlift", series, joints, t)
    assert t[rep.mid] / 1000 == pytest.approx(2.45, abs=0.1)


def test_a_deadlift_clip_that_opens_standing_then_sets_up_and_pulls_to_the_end_is_a_rep() -> None:
    # Standing tall behind the bar (0-1 s), bending down to set up (1-2 s), the pull (3-4 s),
    # then standing to the end: the tallest moment is the first, not the lockout.
    series, joints, t = _pull([0, 1, 2, 3, 4, 4.7], [1.05, 1.05, 0, 0, 1, 1], 4.7)
    (rep,) = segment_reps("deadlift", series, joints, t)
    assert t[rep.mid] / 1000 == pytest.approx(4.0, abs=0.1)
    assert t[rep.start] / 1000 == pytest.approx(3.0, abs=0.15)


def test_a_deadlift_lockout_is_when_the_hips_stop_opening_not_the_lean_back_after() -> None:
    # Locked out at 2.0 s; the lifter then leans back and the hip angle creeps on by 10° over
    # 1.5 s. The largest angle comes at 3.5 s; the lockout is at 2.0 s.
    series, joints, t = _pull([0, 1, 2.0, 3.5, 5, 6.5, 8], [0, 0, 0.92, 1, 1, 0, 0], 8.0)
    (rep,) = segment_reps("deadlift", series, joints, t)
    assert t[rep.mid] / 1000 == pytest.approx(2.0, abs=0.1)


def test_a_bottom_split_by_a_blip_of_the_model_is_one_rep() -> None:
    series, joints, t, mids = _squat_session(
        [("stand", 1.0), ("rep", 2.0), ("stand", 1.0), ("rep", 2.0), ("stand", 1.0)]
    )
    bottom = round(mids[1] * FPS)
    series["knee_angle"][bottom - 2 : bottom + 2] += 40.0  # back up to 115° for 4 frames
    reps = segment_reps("squat", series, joints, t)
    assert _mids(reps, t) == pytest.approx(mids, abs=0.1)


def test_bending_over_the_bar_and_coming_part_way_up_in_the_set_up_is_not_a_rep() -> None:
    # Set-up: from over the bar (hip 60°) half-way up (hip 129°) and back down, then the pull.
    series, joints, t = _pull([0, 1, 1.5, 2, 3, 4, 5, 7], [0, 0, 0.6, 0, 0, 1, 1, 1], 7.0)
    (rep,) = segment_reps("deadlift", series, joints, t)
    assert t[rep.mid] / 1000 == pytest.approx(3.95, abs=0.1)


def test_standing_up_after_putting_the_bar_down_is_not_a_rep() -> None:
    # The pull (1-2.5 s), held, lowered (4-5 s); then the lifter, hands off the bar, stands up
    # (5.5-6.5 s) with the elbows bent (hands at the belt): the bar is not in the hands.
    series, joints, t = _pull([0, 1, 2.5, 4, 5, 5.5, 6.5, 8], [0, 0, 1, 1, 0, 0, 1, 1], 8.0)
    series["elbow_angle"] = np.where(t / 1000 < 5.2, 175.0, 95.0)
    (rep,) = segment_reps("deadlift", series, joints, t)
    assert t[rep.mid] / 1000 == pytest.approx(2.45, abs=0.1)


def test_standing_up_out_of_a_squat_is_no_deadlift_the_hands_never_reach_the_bar() -> None:
    # The hip angle and the shoulders rise as in a pull; the wrists, swung forward, never come
    # down to the knees (torso 150 px: the hip at 380 px and the knee 100 px below it).
    series, joints, t = _pull([0, 1, 2.5, 4, 5, 6], [0, 0, 1, 1, 0, 0], 6.0)
    joints["knee"] = np.c_[np.full(len(t), 300.0), np.full(len(t), 480.0)]
    joints["wrist"] = np.c_[np.full(len(t), 330.0), np.full(len(t), 400.0)]
    assert segment_reps("deadlift", series, joints, t) == []
    # Taking the bar at the shins: a rep.
    lift = np.interp(t / 1000, [0, 1, 2.5, 4, 5, 6], [0, 0, 1, 1, 0, 0])
    joints["wrist"][:, 1] = 520.0 - 130.0 * lift
    (rep,) = segment_reps("deadlift", series, joints, t)
    assert t[rep.mid] / 1000 == pytest.approx(2.45, abs=0.1)


def test_hips_and_knees_moving_under_a_bar_that_stays_put_are_no_squat() -> None:
    # Two "reps" of the knee angle and the hip; in the second the shoulders, where the bar
    # rests, stay where they are (the model's hips and knees wandering over a lifter standing
    # under the bar in a rack).
    series, joints, t, mids = _squat_session(
        [("stand", 1.0), ("rep", 2.0), ("stand", 1.0), ("rep", 2.0), ("stand", 1.0)]
    )
    assert len(segment_reps("squat", series, joints, t)) == 2
    still = t / 1000 > 3.5
    joints["shoulder"][still, 1] = 240.0
    reps = segment_reps("squat", series, joints, t)
    assert _mids(reps, t) == pytest.approx(mids[:1], abs=0.1)
    # The shoulders dropping a quarter of the torso (40 px of 160) with the hips: a rep.
    depth = np.clip((joints["hip"][:, 1] - 400.0) / 120.0, 0.0, 1.0)
    joints["shoulder"][still, 1] = 240.0 + 45.0 * depth[still]
    assert len(segment_reps("squat", series, joints, t)) == 2


def _get_down_push_up_and_stand_up() -> tuple[dict, dict, np.ndarray]:
    """Filmed from the front: standing (shoulder at y=100, wrists hanging at 250), getting down
    to a plank (shoulder 300, wrists on the floor at 420, the trunk pointing at the camera: 40 px
    against a 100 px upper arm), three push-ups (shoulder down to 360), standing up again."""
    pieces = [("stand", 1.0), ("down", 1.0), ("plank", 0.5)]
    pieces += [("rep", 1.6), ("plank", 0.4)] * 3 + [("up", 1.0), ("stand", 1.0)]
    shoulder_y, wrist_y, trunk = [], [], []
    for kind, seconds in pieces:
        n = round(seconds * FPS)
        u = np.arange(n) / n
        g = 0.5 - 0.5 * np.cos(np.pi * u)
        if kind in ("down", "up"):
            g = g if kind == "down" else 1 - g
            shoulder_y.append(100 + 200 * g)
            wrist_y.append(250 + 170 * g)
            trunk.append(150 - 110 * g)
        elif kind == "rep":
            shoulder_y.append(300 + 60 * np.sin(np.pi * u) ** 2)
            wrist_y.append(np.full(n, 420.0))
            trunk.append(np.full(n, 40.0))
        else:
            low = kind == "plank"
            shoulder_y.append(np.full(n, 300.0 if low else 100.0))
            wrist_y.append(np.full(n, 420.0 if low else 250.0))
            trunk.append(np.full(n, 40.0 if low else 150.0))
    y, wy, tr = (np.concatenate(p) for p in (shoulder_y, wrist_y, trunk))
    x = np.full(len(y), 300.0)
    t = np.arange(len(y)) * 1000.0 / FPS
    joints = {
        "shoulder": np.c_[x, y],
        "elbow": np.c_[x, y + 100],
        "wrist": np.c_[x, wy],
        "hip": np.c_[x, y + tr],
        "ankle": np.c_[x, np.full_like(y, 450.0)],
    }
    series = {"trunk_lean": np.full(len(y), 10.0), **height_series(joints, 40.0)}
    return series, joints, t


def test_a_push_up_rests_in_the_plank_not_standing() -> None:
    # From the front the trunk lean reads upright in the plank too, and the shoulder's height
    # makes one excursion of walking in, getting down and standing up, with the push-ups as
    # bumps at its bottom. At its turning point the trunk points at the camera and over its
    # thirds the wrists stay on the floor, but at its start and end he stands, hands hanging.
    series, joints, t = _get_down_push_up_and_stand_up()
    rule = activities.get("push_up").rule
    signal = next(s for s in candidate_signals(rule, ("shoulder",)) if s.name == "shoulder_height")
    assert segment_reps("push_up", series, joints, t, rule=rule_for(rule, signal)) == []
    # The push-ups themselves, from the plank to the plank, hands down throughout: counted.
    plank = slice(round(2.2 * FPS), round(8.3 * FPS))
    part = {k: v[plank] for k, v in joints.items()}
    found = segment_reps(
        "push_up",
        height_series(part, 40.0) | {"trunk_lean": series["trunk_lean"][plank]},
        part,
        t[plank],
        rule=rule_for(rule, signal),
    )
    assert len(found) == 3


def test_a_bottom_outside_the_picture_was_not_seen() -> None:
    # Two squats; the camera then frames lower (or the shot is a close-up) so that the hip the
    # model places at the second one's bottom lies below the picture: a guess, not a rep it saw.
    series, joints, t, mids = _squat_session(
        [("stand", 1.0), ("rep", 2.0), ("stand", 2.0), ("rep", 2.0), ("stand", 1.0)]
    )
    later = t >= 4000.0  # halfway through the stand between the reps
    for joint in ("hip", "shoulder"):
        joints[joint][later, 1] += 120.0
    assert len(segment_reps("squat", series, joints, t)) == 2
    # The trunk is 160 px long; the first bottom (hip at 520 px) is in a picture 560 px high,
    # the second (640 px) half a trunk below it.
    reps = segment_reps("squat", series, joints, t, picture=(640.0, 560.0))
    assert _mids(reps, t) == pytest.approx(mids[:1], abs=0.1)
    # A quarter of a trunk beyond the edge, it is a body part the edge cuts: still seen.
    reps = segment_reps("squat", series, joints, t, picture=(640.0, 600.0))
    assert len(reps) == 2


def _turns_joined(d: np.ndarray, prominence: float) -> tuple[list[int], list[int]]:
    """The peaks of ``d`` (as :func:`scipy.signal.find_peaks` finds them) and those left after
    :func:`guru_form.pose.segmentation._merge_split_turns`."""
    from scipy.signal import find_peaks

    from guru_form.pose.segmentation import _merge_split_turns

    peaks, props = find_peaks(d, prominence=prominence)
    bases = list(zip(props["left_bases"].tolist(), props["right_bases"].tolist(), strict=True))
    joined, _ = _merge_split_turns(d, peaks.tolist(), bases)
    return peaks.tolist(), joined


def test_a_value_far_beyond_rest_beside_one_turn_does_not_join_the_turns_after_it() -> None:
    """The excursion from rest with four turns (a hip's height as the athlete, close to the
    camera at first, steps back: the opening reads far beyond the rest between the reps)."""
    t = np.linspace(0.0, 10.0, 301)
    d = np.clip(np.sin(2 * np.pi * (t - 1.5) / 2.0), 0.0, None) * (t >= 1.5)
    d[t < 1.0] = -3.0  # the opening
    peaks, joined = _turns_joined(d, 0.3)
    assert len(peaks) == 4
    assert joined == peaks
    # A bottom split by a blip is still one turn: the valley stays in the outer half.
    blip = (t > 2.0) & (t < 2.1)
    d[blip] = 0.7
    peaks, joined = _turns_joined(d, 0.05)
    assert len(peaks) == 5 and len(joined) == 4
