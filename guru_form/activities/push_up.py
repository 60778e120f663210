"""The push-up (calisthenics), filmed from the side.

A rep goes down first: ``midTimestampMs`` is the bottom, where the shoulders are lowest. The rep
signal is the elbow angle; a rep counts when the shoulder drops at least 0.15 torso lengths with
the body horizontal. Velocity follows the shoulder (the whole body moves). A coach checks the
elbow, bent to 90° or less at the bottom and locked back to 160° or more by default, and the body
line at the bottom (hip sag or pike).
"""

from __future__ import annotations

from guru_form.activities._profile import (
    ActivityProfile,
    ExampleSet,
    SegmentationRule,
    SeriesMeasure,
)
from guru_form.models import Activity

PROFILE = ActivityProfile(
    activity=Activity.PUSH_UP,
    label="Push-up",
    aliases=("press-up",),
    lowers_first=True,
    rule=SegmentationRule(
        "elbow_angle", "min", 35.0, "shoulder", 0.15, "horizontal", bottom_joint="shoulder"
    ),
    moving_joint="shoulder",
    rep_heights=("shoulder", "nose"),
    signature={
        "lying": (0.6, None),
        "hands_above_shoulders": (None, -0.3),
        "hand_travel": (None, 0.4),
    },
    measures=(
        SeriesMeasure("ELBOW_ANGLE_DEGREES", "elbow_angle", "smallest"),
        SeriesMeasure("LOCKOUT_ELBOW_ANGLE_DEGREES", "elbow_angle", "largest"),
        # At the bottom, where the trunk carries most load; the largest bend over the whole rep
        # would include the plank at rest, and a few degrees of pike there would flip the sign.
        SeriesMeasure("BODY_LINE_ANGLE_DEGREES", "body_line", "at_turn"),
    ),
    key_angle=("shoulder", "elbow", "wrist"),
    key_metric="ELBOW_ANGLE_DEGREES",
    depth_metric="ELBOW_ANGLE_DEGREES",
    lockout_metric="LOCKOUT_ELBOW_ANGLE_DEGREES",
    thresholds={
        "ELBOW_ANGLE_DEGREES": (None, 90.0),
        "LOCKOUT_ELBOW_ANGLE_DEGREES": (160.0, None),
    },
    example=ExampleSet(
        reps=12,
        first_phase_s=1.0,
        second_phase_s=0.7,
        slowing_s=0.6,
        rest_s=0.35,
        metrics={
            "ELBOW_ANGLE_DEGREES": (78.0, 22.0, 2.5),
            "LOCKOUT_ELBOW_ANGLE_DEGREES": (172.0, -6.0, 1.5),
            "BODY_LINE_ANGLE_DEGREES": (3.0, 7.0, 0.8),
        },
        velocity=("MEAN_CONCENTRIC_VELOCITY_BH_PER_S", 0.19, 0.45),
    ),
)
