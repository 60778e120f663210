"""Recognising the activity from the movement, on the sample videos' exact joints."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from guru_form import samples
from guru_form.errors import EngineError
from guru_form.models import Activity
from guru_form.pose import recognize_activity
from guru_form.pose.analysis import analyze_track
from guru_form.pose.joints import JOINTS
from guru_form.pose.recognition import RecognizedActivity, recognize
from guru_form.pose.track import build_track
from guru_form.pose.view import estimate_view
from guru_form.pose_track import PoseTrack
from tests.pose.figures import (
    SHIN,
    Figure,
    front_landmarks,
    landmarks_from,
    raw_pose,
    squat_figure,
)

SAMPLES = ["squat", "push_up", "deadlift", "bench_press"]


def _landmarks(table: pd.DataFrame) -> np.ndarray:
    """The truth table's joints as an estimator reports them (near side visible, far side less)."""
    out = np.empty((len(table), len(JOINTS), 4))
    near = table["near_side"].to_numpy()
    for i, joint in enumerate(JOINTS):
        if joint == "nose":
            out[:, i] = np.c_[
                table["nose_x"], table["nose_y"], np.zeros(len(table)), np.ones(len(table))
            ]
            continue
        side, part = joint.split("_", 1)
        is_near = near == side
        for which, rows in (("near", is_near), ("far", ~is_near)):
            out[rows, i, 0] = table[f"{which}_{part}_x"].to_numpy()[rows]
            out[rows, i, 1] = table[f"{which}_{part}_y"].to_numpy()[rows]
            out[rows, i, 2] = -50.0 if which == "near" else 50.0
            out[rows, i, 3] = 1.0 if which == "near" else 0.6
    return out


def _sample_track(name: str):
    table = samples.sample_truth(name)
    return build_track(raw_pose(_landmarks(table), table["time_ms"].to_numpy(float)))


#: The sample squat is a bodyweight squat (sample_videos/README.md): no bar holds its wrists by
#: its shoulders.
RECOGNISED_AS = {"squat": "bodyweight_squat"}


@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_is_recognised_from_its_movement_alone(name: str) -> None:
    expected = RECOGNISED_AS.get(name, name)
    found = recognize_activity(_sample_track(name))
    assert found is not None
    assert found.activity is Activity(expected)
    assert found.confidence >= 0.6
    assert found.fits[expected] == max(found.fits.values())


def test_standing_still_cannot_be_told_and_says_why() -> None:
    fig, t, _ = squat_figure(0, rest_s=6.0)
    track = build_track(raw_pose(landmarks_from(fig.near_joints(), fig.facing), t))
    result = recognize(track)
    assert result.recognized is None and recognize_activity(track) is None
    assert "no repeated movement" in result.reason
    with pytest.raises(EngineError, match=r"could not tell which one.*name the activity"):
        analyze_track(track)


def test_analyze_track_without_an_activity_recognises_it_and_says_so() -> None:
    analysis = analyze_track(_sample_track("deadlift"))
    assert analysis.activity is Activity.DEADLIFT
    assert analysis.activity_confidence is not None and analysis.activity_confidence >= 0.8
    assert analysis.warnings[0].startswith("No activity was given: recognised as deadlift")
    assert len(analysis.reps) == len(samples.sample_analysis("deadlift").reps)
    named = analyze_track(_sample_track("deadlift"), "deadlift")
    assert named.activity_confidence is None
    assert not any("No activity was given" in w for w in named.warnings)


def test_a_recognized_activity_reads_as_json_and_refuses_a_confidence_out_of_range() -> None:
    found = RecognizedActivity(Activity.SQUAT, 0.9)
    assert found.to_json() == {"activity": "squat", "confidence": 0.9}
    with pytest.raises(ValueError, match=r"within 0\.\.1"):
        RecognizedActivity(Activity.SQUAT, 1.5)


def test_the_server_engine_fails_low_quality_when_it_cannot_tell(monkeypatch, tmp_path) -> None:
    from guru_form.pose import engine as engine_module
    from guru_form.pose.engine import PoseEngine

    fig, t, _ = squat_figure(0, rest_s=6.0)
    still = build_track(raw_pose(landmarks_from(fig.near_joints(), fig.facing), t))
    given: list[object] = []

    def analyze_video(path, activity, **options):
        given.append(activity)
        return analyze_track(still, activity)

    monkeypatch.setattr(engine_module, "analyze_video", analyze_video)
    with pytest.raises(EngineError) as failed:
        PoseEngine().analyze(tmp_path / "v.mp4", activity=None, domain=None, rep_count=None)
    assert given == [None]
    assert failed.value.code == "LOW_QUALITY_POSE_ESTIMATE"
    assert failed.value.reason.startswith("no activity was given")
    assert "name the activity" in failed.value.reason


def _lunges(n_reps: int = 3, *, split: bool = True) -> PoseTrack:
    """Forward lunges seen from the side: the near leg leads (shin near vertical, thigh to level),
    the far leg steps back and its knee drops to a hand's breadth above the floor; the trunk
    upright, arms hanging. ``split=False`` leaves the far leg beside the near one."""
    rest_s, rep_s, fps = 1.5, 2.0, 30.0
    t = np.arange(0, rest_s + n_reps * (rep_s + rest_s), 1.0 / fps)
    depth = np.zeros_like(t)
    for k in range(n_reps):
        a = rest_s + k * (rep_s + rest_s)
        inside = (t >= a) & (t <= a + rep_s)
        depth[inside] = np.sin(np.pi * (t[inside] - a) / rep_s) ** 2
    fig = Figure(
        shin=5 + 10 * depth,
        thigh=-(2 + 83 * depth),
        trunk=3 + 4 * depth,
        upper_arm=np.full_like(t, 175.0),
        forearm=np.full_like(t, 175.0),
        facing=np.ones_like(t),
        ankle_x=np.full_like(t, 300.0),
    )
    near = fig.near_joints()
    errors = None
    if split:
        back = np.stack([-260.0 * depth, np.zeros(len(t))], axis=1)
        knee = np.stack([-150.0 * depth, (585.0 - near["knee"][:, 1]) * depth], axis=1)
        errors = {"knee": knee, "ankle": back, "heel": back, "foot_index": back}
    return build_track(raw_pose(landmarks_from(near, fig.facing, far_errors=errors), t * 1000.0))


def test_a_lunge_is_told_from_a_squat_by_its_leg_split() -> None:
    found = recognize(_lunges())
    assert found.recognized is not None
    assert found.recognized.activity is Activity.LUNGE
    assert found.features.values["leg_split"] > 0.35
    assert found.fits["lunge"] > found.fits["squat"] + 0.3
    # The same movement with the legs side by side is no lunge.
    level = recognize(_lunges(split=False))
    assert level.features.values["leg_split"] < 0.1
    assert level.recognized is None or level.recognized.activity is not Activity.LUNGE
    assert level.fits["lunge"] < 0.5


def test_a_lunge_filmed_from_the_front_is_told_by_its_shins_not_its_knees() -> None:
    """Lunging towards a camera in front, the front knee comes nearer the camera and is drawn
    about as low as the back knee, which drops to the floor: the knees' heights show no split.
    The back shin lies nearly flat while the front one stands: their heights differ."""
    fig, t, _ = squat_figure(3, arms="forward")
    depth = (-fig.thigh - 2.0) / 80.0
    lm = front_landmarks(fig.near_joints(), depth, hands="clasped")
    front_knee = JOINTS.index("left_knee")
    knee, ankle, heel, toe = (
        JOINTS.index(f"right_{j}") for j in ("knee", "ankle", "heel", "foot_index")
    )
    lm[:, knee, 1] = lm[:, front_knee, 1]
    lm[:, ankle, 1] = lm[:, knee, 1] + SHIN * (1.0 - 0.9 * depth)
    lm[:, heel, 1] = lm[:, ankle, 1] + 8.0
    lm[:, toe, 1] = lm[:, ankle, 1] + 10.0
    track = build_track(raw_pose(lm, t))
    assert estimate_view(track).view == "front"
    found = recognize(track)
    assert found.recognized is not None and found.recognized.activity is Activity.LUNGE
    assert found.features.values["leg_split"] > 0.35


def test_with_the_ankles_hidden_the_knees_heights_tell_the_split() -> None:
    track = _lunges()
    for column in ("ankle_x", "ankle_y", "far_ankle_x", "far_ankle_y"):
        track.frame[column] = np.nan
    found = recognize(track)
    assert found.features.values["leg_split"] > 0.35
    assert found.recognized is not None and found.recognized.activity is Activity.LUNGE


def test_hands_narrower_than_the_shoulders_hold_no_bar() -> None:
    """Seen from the front, wrists by the shoulders but together at the chest are no bar's
    grip: a bodyweight squat; the same squats gripping wide read as a squat. Side-on, the grip
    is not seen and the wrists by the shoulders say bar."""
    fig, t, _ = squat_figure(3, arms="bar")
    depth = (-fig.thigh - 2.0) / 80.0
    for hands, expected in (("bar", Activity.SQUAT), ("clasped", Activity.BODYWEIGHT_SQUAT)):
        lm = front_landmarks(fig.near_joints(), depth, hands=hands)
        track = build_track(raw_pose(lm, t))
        assert estimate_view(track).view == "front"
        found = recognize(track)
        assert found.recognized is not None and found.recognized.activity is expected, hands
        held = found.features.values["bar_hold"]
        assert (held == 1.0) if hands == "bar" else (held == 0.0), hands
    side = recognize(build_track(raw_pose(landmarks_from(fig.near_joints(), fig.facing), t)))
    assert side.features.values["bar_hold"] == 1.0
    assert side.recognized is not None and side.recognized.activity is Activity.SQUAT


def test_arms_reaching_at_a_camera_in_front_hold_no_bar() -> None:
    """Filmed from the front, arms held straight forward point at the camera: their wrists are
    drawn by the shoulders, as a bar's would be, but only about shoulder width apart, narrower
    than a bar is gripped. A bodyweight squat, not a squat."""
    fig, t, _ = squat_figure(3, arms="bar")
    depth = (-fig.thigh - 2.0) / 80.0
    near = fig.near_joints()
    lm = front_landmarks(near, depth, hands="bar")
    for side, sign in (("left", 1.0), ("right", -1.0)):
        s, w = JOINTS.index(f"{side}_shoulder"), JOINTS.index(f"{side}_wrist")
        e = JOINTS.index(f"{side}_elbow")
        # Straight ahead at shoulder height, the hands a little wider than the shoulders.
        lm[:, w, 0] = lm[:, s, 0] + sign * 5.0
        lm[:, w, 1] = lm[:, s, 1] + 5.0
        lm[:, e, :2] = (lm[:, s, :2] + lm[:, w, :2]) / 2.0
    track = build_track(raw_pose(lm, t))
    assert estimate_view(track).view == "front"
    found = recognize(track)
    assert found.recognized is not None
    assert found.recognized.activity is Activity.BODYWEIGHT_SQUAT
    assert found.features.values["bar_hold"] == 0.0


def test_a_bar_on_the_back_tells_a_squat_from_a_bodyweight_squat() -> None:
    """The same squats: wrists by the shoulders (a bar on the back) read as a squat; arms
    reaching forward as a bodyweight squat, which, named, is counted as the squat is."""
    for arms, expected in (("bar", Activity.SQUAT), ("forward", Activity.BODYWEIGHT_SQUAT)):
        fig, t, truth = squat_figure(3, arms=arms)
        lm = landmarks_from(fig.near_joints(), fig.facing)
        found = recognize(build_track(raw_pose(lm, t)))
        assert found.recognized is not None and found.recognized.activity is expected, arms
        held = found.features.values["bar_hold"]
        assert (held == 1.0) if arms == "bar" else (held == 0.0)
        other = "bodyweight squat" if arms == "bar" else "squat"
        assert f"If it was {other}, name the activity" in found.recognized.note
        assert found.fits["deadlift"] < 0.5 and found.fits["lunge"] < 0.5
        named = analyze_track(build_track(raw_pose(lm, t), expected), expected)
        assert named.activity is expected
        mids = [r.mid_ms / 1000 for r in named.reps]
        assert mids == pytest.approx([m for _, m, _ in truth], abs=0.1)


def test_a_trunk_pointing_at_the_camera_at_the_bottom_shows_no_lean() -> None:
    # Squats whose trunk, at each bottom, is drawn shorter than the upper arm (bent over towards
    # a camera in front): its direction in the image is not a lean, and is left out.
    from guru_form.pose.counting import count_reps
    from guru_form.pose.recognition import movement_features

    fig, t, truth = squat_figure(3)
    lm = landmarks_from(fig.near_joints(), fig.facing)
    track = build_track(raw_pose(lm, t))
    reps = count_reps("squat", track).reps
    assert len(reps) == 3
    assert math.isfinite(movement_features(track, reps).values["lean_at_bottom"])
    for _, mid, _ in truth:
        rows = np.abs(t - mid * 1000.0) <= 400.0
        for side in ("left", "right"):
            h, s = JOINTS.index(f"{side}_hip"), JOINTS.index(f"{side}_shoulder")
            lm[rows, s, :2] = lm[rows, h, :2] + np.array([20.0, 30.0])  # short, pointing down
    bent = build_track(raw_pose(lm, t))
    assert math.isnan(movement_features(bent, reps).values["lean_at_bottom"])
