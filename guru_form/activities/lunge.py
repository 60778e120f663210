"""The lunge (calisthenics), filmed from the side: each leg's rep counted, its leading side named.

A rep goes down first: from standing (or from a split stance), one leg leads, both knees bend
until the front thigh is about level and the back knee near the floor, and the athlete rises
back; ``midTimestampMs`` is the bottom, where the hip is lowest. Alternating lunges count each
leg's rep, one rep per lunge.

The pose track follows the side of the body facing the camera, so its knee is the front knee on
the reps that side leads and the back knee on the others; in a lunge to depth both bend to about
90°, so the tracked knee's smallest angle is the rep's depth either way, and a rep counts when it
bends at least 40° with the hip dropping at least a quarter of a torso length and the athlete
upright at rest. The back knee can stay bent while the hip already rises, so the hip's drop is
judged at its lowest point in the rep, not where the knee is most bent. Filmed from the front, the knee angle in the image hardly changes (the thighs point at the camera), and the reps are counted from the height of the hip, the shoulder or the nose. The feet move in a lunge (the leading foot steps out and back), so the feet may
travel up to 2.5 torso lengths in a rep where other activities allow 0.6. ``IS_LEFT_LEG`` names
the leading leg (:class:`~guru_form.activities.LeadingSide`: the tracked ankle ahead of the hip
at the bottom, in the way its foot points, means the tracked side leads). Velocity follows the
hip. A coach checks depth first: the tracked knee bent to 100° or less by default.

Recognised (no activity named) by its leg split: at the bottom one knee is far lower than the
other (at least 0.35 torso lengths apart, where a squat keeps them level), the trunk upright
(leaning 30° or less), the knees bent to 120° or less, and not lying.
"""

from __future__ import annotations

from guru_form.activities._profile import (
    ActivityProfile,
    ExampleSet,
    LeadingSide,
    SegmentationRule,
    SeriesMeasure,
)
from guru_form.models import Activity

PROFILE = ActivityProfile(
    activity=Activity.LUNGE,
    label="Lunge",
    lowers_first=True,
    rule=SegmentationRule(
        "knee_angle",
        "min",
        40.0,
        "hip",
        0.25,
        "upright",
        bottom_joint="hip",
        max_drift=2.5,
        travel_to_extreme=True,
    ),
    moving_joint="hip",
    # Filmed from the front the thighs point at the camera and the knee angle in the image
    # hardly changes: the body's height still falls and rises with each lunge, as in a squat.
    rep_heights=("hip", "shoulder", "nose"),
    signature={
        "lying": (None, 0.2),
        "leg_split": (0.35, None),
        "lean_at_bottom": (None, 30.0),
        "knee_at_bottom": (None, 120.0),
    },
    measures=(
        SeriesMeasure("KNEE_ANGLE_DEGREES", "knee_angle", "smallest"),
        SeriesMeasure("TRUNK_LEAN_DEGREES", "trunk_lean", "largest"),
        LeadingSide("IS_LEFT_LEG", joint="ankle", reference="hip"),
    ),
    key_angle=("hip", "knee", "ankle"),
    key_metric="KNEE_ANGLE_DEGREES",
    depth_metric="KNEE_ANGLE_DEGREES",
    thresholds={"KNEE_ANGLE_DEGREES": (None, 100.0)},
    example=ExampleSet(
        reps=10,
        first_phase_s=1.1,
        second_phase_s=0.9,
        slowing_s=0.5,
        rest_s=0.8,
        metrics={
            "KNEE_ANGLE_DEGREES": (90.0, 14.0, 2.5),
            "TRUNK_LEAN_DEGREES": (9.0, 5.0, 1.5),
        },
        velocity=("MEAN_CONCENTRIC_VELOCITY_BH_PER_S", 0.30, 0.30),
    ),
)
