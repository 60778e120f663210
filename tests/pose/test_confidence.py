"""Outlier reps, rep confidence, the warnings, and how they travel in the analysis JSON."""

from __future__ import annotations

import numpy as np

from guru_form.models import Analysis, Rep, Status
from guru_form.pose.confidence import mark_outliers, rep_confidence
from guru_form.pose.counting import _drop_fragments
from guru_form.pose.segmentation import RepWindow
from guru_form.pose.track import build_track
from tests.pose.figures import landmarks_from, raw_pose, squat_figure


def _push_ups(last_breaks: bool) -> tuple[list[RepWindow], dict[str, np.ndarray], np.ndarray]:
    """Four push-up reps of 60 frames each, from frame 10; the hip angle stays at 170° (±3°)
    except, when ``last_breaks``, in the last rep's second half, where it closes to 120° (the
    hips going up as the knees come down)."""
    n = 270
    hip = 170 + 3 * np.sin(np.arange(n) / 5.0)
    reps = [RepWindow(10 + 60 * k, 40 + 60 * k, 70 + 60 * k, 80.0, "elbow_angle") for k in range(4)]
    if last_breaks:
        hip[215:250] = np.linspace(170, 120, 35)
    return reps, {"hip_angle": hip, "elbow_angle": np.full(n, 150.0)}, np.zeros(n, dtype=int)


def test_the_last_rep_that_runs_into_the_next_movement_is_marked_and_ends_at_the_break() -> None:
    reps, series, shot = _push_ups(last_breaks=True)
    marked = mark_outliers(reps, series, shot)
    assert [why for _, why in marked] == [None, None, None, "runs_into_next_movement"]
    last = marked[-1][0]
    # The hip closes 1.4° a frame from frame 215; 10° beyond the set's usual 6° by frame 226.
    assert 222 <= last.end <= 228
    assert [r for r, _ in marked[:3]] == reps[:3]


def test_a_posture_change_inside_the_set_is_not_a_next_movement() -> None:
    reps, series, shot = _push_ups(last_breaks=True)
    series["hip_angle"] = np.r_[series["hip_angle"][150:], series["hip_angle"][:150]]
    assert [why for _, why in mark_outliers(reps, series, shot)] == [None] * 4


def test_a_much_shallower_rep_is_partial_and_a_tiny_one_is_no_rep() -> None:
    reps, series, shot = _push_ups(last_breaks=False)
    reps[1] = RepWindow(70, 100, 130, 50.0, "elbow_angle")
    assert [why for _, why in mark_outliers(reps, series, shot)] == [None, "partial", None, None]
    reps[1] = RepWindow(70, 100, 130, 30.0, "elbow_angle")
    assert _drop_fragments(reps) == [reps[0], *reps[2:]]


def test_confidence_grows_with_support_and_visibility_and_halves_for_an_outlier() -> None:
    fig, t, _ = squat_figure(1)
    track = build_track(raw_pose(landmarks_from(fig.near_joints(), fig.facing), t), "squat")
    rep = RepWindow(40, 70, 100, 100.0, "knee_angle")
    signals = ("knee_angle", "hip_height", "shoulder_height", "nose_height")
    sure = rep_confidence(rep, signals, signals, track)
    alone = rep_confidence(rep, ("knee_angle",), signals, track)
    assert 0.9 < sure <= 1.0
    assert alone < sure - 0.3
    assert rep_confidence(rep, signals, signals, track, outlier="partial") == round(sure / 2, 3)


def test_confidence_outliers_and_warnings_travel_in_the_json_and_stay_out_when_unset() -> None:
    rep = Rep(0, 500, 1000, {"KNEE_ANGLE_DEGREES": 80.0}, confidence=0.42, outlier="partial")
    analysis = Analysis(
        None,
        Status.COMPLETE,
        reps=[rep, Rep(1000, 1500, 2000)],
        warnings=["The camera faced the athlete."],
        activity_confidence=0.9,
    )
    data = analysis.to_json()
    assert data["reps"][0]["confidence"] == 0.42 and data["reps"][0]["outlier"] == "partial"
    assert "confidence" not in data["reps"][1] and "outlier" not in data["reps"][1]
    assert data["warnings"] == ["The camera faced the athlete."]
    assert data["activityConfidence"] == 0.9
    back = Analysis.from_json(data)
    assert back.reps == analysis.reps
    assert back.warnings == analysis.warnings and back.activity_confidence == 0.9
    plain = Analysis(None, Status.COMPLETE, reps=[Rep(0, 500, 1000)]).to_json()
    assert "warnings" not in plain and "activityConfidence" not in plain


def test_a_person_standing_through_an_activity_done_lying_is_named_as_not_the_athlete() -> None:
    """A spotter behind the bench, the lifter not found: the person followed stands upright."""
    from guru_form.pose.analysis import analyze_track

    fig, t, _ = squat_figure(3)
    lm = landmarks_from(fig.near_joints(), fig.facing)
    as_bench = analyze_track(build_track(raw_pose(lm, t), "bench_press"), "bench_press")
    assert as_bench.reps == []
    assert any("stood upright on 100% of the frames" in w for w in as_bench.warnings)
    # The same person, for an activity done standing, draws no such warning.
    as_squat = analyze_track(build_track(raw_pose(lm, t), "squat"), "squat")
    assert len(as_squat.reps) == 3
    assert not any("stood upright" in w for w in as_squat.warnings)
