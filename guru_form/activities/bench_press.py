"""The bench press (weightlifting), filmed from the side.

A rep goes down first: ``midTimestampMs`` is the bottom, where the wrists (and the bar in them)
are lowest. The rep signal is the elbow angle; a rep counts when the wrist drops at least 0.2
torso lengths with the trunk lying down. Velocity follows the wrist: the athlete's shoulders rest
on the bench, and the bar travels with the wrists. A coach checks the elbow: bent to 90° or less at
the bottom and pressed back to 160° or more by default.
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
    activity=Activity.BENCH_PRESS,
    label="Bench press",
    aliases=("bench",),
    lowers_first=True,
    rule=SegmentationRule(
        "elbow_angle", "min", 35.0, "wrist", 0.2, "horizontal", bottom_joint="wrist"
    ),
    moving_joint="wrist",
    rep_heights=("wrist", "elbow"),
    signature={
        "lying": (0.6, None),
        "hands_above_shoulders": (0.1, None),
        "hand_travel": (1.8, None),
    },
    measures=(
        SeriesMeasure("ELBOW_ANGLE_DEGREES", "elbow_angle", "smallest"),
        SeriesMeasure("LOCKOUT_ELBOW_ANGLE_DEGREES", "elbow_angle", "largest"),
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
        reps=8,
        first_phase_s=1.4,
        second_phase_s=0.8,
        slowing_s=1.0,
        rest_s=0.9,
        metrics={
            "ELBOW_ANGLE_DEGREES": (74.0, 8.0, 2.0),
            "LOCKOUT_ELBOW_ANGLE_DEGREES": (171.0, -7.0, 1.5),
        },
        velocity=("MEAN_CONCENTRIC_VELOCITY_M_PER_S", 0.62, 0.45),
    ),
)
