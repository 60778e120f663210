"""The back squat (weightlifting), filmed from the side.

A rep goes down first: ``midTimestampMs`` is the bottom, where the hip is lowest. The rep signal
is the knee angle; a rep counts when the hip drops at least a quarter of a torso length, the
shoulders carrying the bar drop as far, and the athlete stands upright at rest. Velocity follows
the hip. A coach checks depth first: the thigh's angle to the horizontal at the bottom, at or
below parallel (0° or less) by default.
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
    activity=Activity.SQUAT,
    label="Squat",
    aliases=("back squat", "barbell squat"),
    lowers_first=True,
    # The bar rests on the shoulders: they drop with the hips in a rep (load_joint).
    rule=SegmentationRule(
        "knee_angle",
        "min",
        40.0,
        "hip",
        0.25,
        "upright",
        bottom_joint="hip",
        load_joint="shoulder",
    ),
    moving_joint="hip",
    rep_heights=("hip", "shoulder", "nose"),
    signature={
        "lying": (None, 0.2),
        "hands_below_hips": (None, -0.4),
        "lean_at_bottom": (None, 50.0),
        "knee_at_bottom": (None, 120.0),
        "leg_split": (None, 0.35),
        # A bar on the back holds the hands by the shoulders, gripped wider than them, through
        # the set: on most of the movement's frames.
        "bar_hold": (0.5, None),
    },
    measures=(
        SeriesMeasure("HIP_KNEE_ANGLE_DEGREES", "thigh_angle", "at_turn"),
        SeriesMeasure("KNEE_ANGLE_DEGREES", "knee_angle", "smallest"),
        SeriesMeasure("HIP_ANGLE_DEGREES", "hip_angle", "smallest"),
        SeriesMeasure("TRUNK_LEAN_DEGREES", "trunk_lean", "largest"),
    ),
    key_angle=("hip", "knee", "ankle"),
    key_metric="HIP_KNEE_ANGLE_DEGREES",
    depth_metric="HIP_KNEE_ANGLE_DEGREES",
    thresholds={"HIP_KNEE_ANGLE_DEGREES": (None, 0.0)},
    example=ExampleSet(
        reps=10,
        first_phase_s=1.7,
        second_phase_s=0.9,
        slowing_s=0.8,
        rest_s=1.1,
        metrics={
            "HIP_KNEE_ANGLE_DEGREES": (-8.0, 11.0, 1.5),
            "KNEE_ANGLE_DEGREES": (68.0, 9.0, 1.5),
            "HIP_ANGLE_DEGREES": (62.0, 7.0, 1.8),
            "TRUNK_LEAN_DEGREES": (38.0, 7.0, 1.2),
        },
        velocity=("MEAN_CONCENTRIC_VELOCITY_M_PER_S", 0.78, 0.42),
    ),
)
