"""The measurement check: a rep's values the engine is unsure of, and how they travel."""

from __future__ import annotations

import numpy as np
import pytest

from guru_form import activities
from guru_form.errors import SchemaError
from guru_form.models import EXTENSION_KEY, UNSURE_FIELD, Analysis, Rep, Status
from guru_form.pose.analysis import analyze_track
from guru_form.pose.joints import joint_index
from guru_form.pose.track import build_track
from guru_form.pose.unsure import (
    MAX_ANGULAR_SPEED_DEG_S,
    SMALLEST_INTERIOR_ANGLE_DEG,
    VISIBLE,
    angle_reasons,
    unsure_metrics,
)
from tests.pose.figures import landmarks_from, raw_pose, squat_figure


def _squats(hidden_knee_on: slice | None = None) -> Analysis:
    """Three synthetic squats; the knees' visibility 0.4 on ``hidden_knee_on`` (above the track's
    gate, so the joint is still followed, but below :data:`VISIBLE`)."""
    fig, t, _ = squat_figure(3)
    lm = landmarks_from(fig.near_joints(), fig.facing)
    if hidden_knee_on is not None:
        for side in ("left", "right"):
            lm[hidden_knee_on, joint_index(side, "knee"), 3] = 0.4
    return analyze_track(build_track(raw_pose(lm, t), "squat"), "squat")


def test_a_rep_whose_knee_is_hidden_at_the_bottom_has_its_knee_values_unsure() -> None:
    clean = _squats()
    assert [r.unsure for r in clean.reps] == [{}, {}, {}]
    assert UNSURE_FIELD not in clean.raw.get(EXTENSION_KEY, {})
    bottom = round(clean.reps[1].mid_ms / (1000 / 30))
    lost = _squats(slice(bottom - 12, bottom + 13))
    assert lost.reps[0].unsure == {} and lost.reps[2].unsure == {}
    unsure = lost.reps[1].unsure
    # The knee angle, the hip angle (shoulder-hip-knee) and the thigh's angle at the bottom read
    # the knee; the trunk's lean does not.
    assert {"KNEE_ANGLE_DEGREES", "HIP_ANGLE_DEGREES", "HIP_KNEE_ANGLE_DEGREES"} <= set(unsure)
    assert "TRUNK_LEAN_DEGREES" not in unsure
    assert unsure["KNEE_ANGLE_DEGREES"] == "the knee hidden, visibility 0.40"
    # The engine writes it into the extension, beside the person measured, and it reads back.
    assert lost.raw[EXTENSION_KEY][UNSURE_FIELD][1] == unsure
    assert Analysis.from_json(lost.to_json()).reps == lost.reps
    assert lost.warnings[-1].startswith("Rep 2: the pose was lost where some of its values")
    assert not any("pose was lost" in w for w in clean.warnings)


def test_an_elbow_angle_no_elbow_reaches_and_a_jump_no_body_makes_are_unsure() -> None:
    t = np.arange(7) * 1000.0 / 30.0
    smallest = SMALLEST_INTERIOR_ANGLE_DEG["elbow_angle"]
    steady = np.array([170.0, 140.0, 110.0, 90.0, 110.0, 140.0, 170.0])
    assert angle_reasons("elbow_angle", steady, t, 0, 6, 3) == []
    impossible = steady.copy()
    impossible[3] = smallest - 5
    why = angle_reasons("elbow_angle", impossible, t, 0, 6, 3)
    assert (
        why[0]
        == f"an elbow angle of {smallest - 5:.0f}°, below the {smallest:.0f}° any elbow can reach"
    )
    # 75° in one frame at 30 fps is 2250 °/s: fast, but a body can; 110° is 3300 °/s: it cannot.
    fast = steady.copy()
    fast[3] = 35.0
    assert 75.0 * 30 < MAX_ANGULAR_SPEED_DEG_S < 110 * 30
    assert angle_reasons("elbow_angle", fast, t, 0, 6, 3) == []
    fast[3] = 0.0
    reasons = angle_reasons("elbow_angle", fast, t, 0, 6, 3)
    assert reasons[-1] == "the elbow angle jumped 110° in 33 ms"
    # The hip has no published bound here: only the jump counts.
    assert angle_reasons("hip_angle", impossible, t, 0, 6, 3) == []


def test_a_velocity_is_unsure_when_the_moving_joint_is_hidden_at_an_end_of_its_phase() -> None:
    profile = activities.get("bench_press")
    n = 9
    elbow = np.array([170.0, 150, 120, 95, 80, 95, 120, 150, 170])
    wrist = np.full(n, 0.9)
    wrist[8] = VISIBLE - 0.01
    analyses = {"ELBOW_ANGLE_DEGREES": 80.0, "MEAN_CONCENTRIC_VELOCITY_BH_PER_S": 0.3}
    t = np.arange(n) * 100.0
    seen = {"shoulder": np.full(n, 0.9), "elbow": np.full(n, 0.9), "wrist": wrist}
    out = unsure_metrics(profile, analyses, {"elbow_angle": elbow}, seen, t, 0, 4, 8)
    assert out == {"MEAN_CONCENTRIC_VELOCITY_BH_PER_S": "the wrist hidden, visibility 0.49"}
    seen["wrist"] = np.full(n, np.nan)  # not found at all on the frames
    out = unsure_metrics(profile, analyses, {"elbow_angle": elbow}, seen, t, 0, 4, 8)
    assert out["ELBOW_ANGLE_DEGREES"] == "the wrist not found"


def test_unsure_values_round_trip_through_the_json_and_a_bad_extension_is_named() -> None:
    reps = [
        Rep(0, 500, 1000, {"ELBOW_ANGLE_DEGREES": 8.0}, unsure={"ELBOW_ANGLE_DEGREES": "why"}),
        Rep(1000, 1500, 2000, {"ELBOW_ANGLE_DEGREES": 80.0}),
    ]
    analysis = Analysis(
        None, Status.COMPLETE, reps=reps, raw={EXTENSION_KEY: {"person": {"id": 0}}}
    )
    data = analysis.to_json()
    assert data[EXTENSION_KEY] == {
        "person": {"id": 0},
        UNSURE_FIELD: [{"ELBOW_ANGLE_DEGREES": "why"}, {}],
    }
    assert "unsure" not in data["reps"][0]
    assert Analysis.from_json(data).reps == reps
    reps[0].unsure = {}
    assert UNSURE_FIELD not in analysis.to_json()[EXTENSION_KEY]
    # The hosted API's answers have no extension: every value reads as sure.
    plain = Analysis.from_json({"status": "Complete", "reps": [reps[1].to_json()]})
    assert plain.reps[0].unsure == {}
    data[EXTENSION_KEY][UNSURE_FIELD] = [{}]
    with pytest.raises(SchemaError, match="one object per rep"):
        Analysis.from_json(data)
