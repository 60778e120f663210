"""The conventional deadlift (weightlifting), filmed from the side.

A rep goes up first: ``midTimestampMs`` is the lockout, the moment the hip angle reaches its
largest (the first frame within 5 % of its range from it, not the middle of a held lockout, or
earlier, when the hips stop opening fast: a lifter leaning back keeps opening them slowly), and
start->mid is the concentric phase. The rep signal is the hip angle; a rep counts when the
shoulders rise at least 0.3 torso lengths, the hips open to 150° or more (bending over the bar in
the set-up is not a rep) and the elbows are straight (135° or more) at the lockout: the bar hangs
from the hands (standing up after putting the bar down is not a rep); and before the lockout the
wrists come down to the knees' height, where the bar is taken from the floor (standing up out of
a squat, the hands stay above the knees). A rep is complete at lockout: the lowering may be
missing (the clip ends at lockout) or end lower than the pull began.

Velocity follows the shoulder: the bar hangs from the shoulders on straight arms and rises as far
as they do, more than twice as far as the hip, which starts the pull already high; the wrist, on
the bar, is behind the near plate in a side view. A coach checks the lockout first: the hip
opened to 170° or more by default.
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
    activity=Activity.DEADLIFT,
    label="Deadlift",
    lowers_first=False,
    rule=SegmentationRule(
        "hip_angle",
        "max",
        30.0,
        "shoulder",
        -0.3,
        None,
        complete_at_turn=True,
        # The lockout stands the lifter up: the hips open to within the rule's 30° of straight.
        opens=("hip_angle", 150.0),
        # With the bar in the hands: the elbows within 45° of straight (the model reads 158-180°
        # at the dev clips' lockouts, 85-114° when standing up after the bar was put down).
        straight_at_turn=("elbow_angle", 135.0),
        # The hands take the bar from the floor: the wrists come down to the knees' height (within
        # a tenth of the trunk, the model's placement of a joint). The dev clips' pulls reach
        # 0.0-0.7 torso below the knees; standing up out of a squat, 0.2-1.5 above them.
        reaches_down=("wrist", "knee", 0.1),
    ),
    moving_joint="shoulder",
    rep_heights=("shoulder", "nose"),
    signature={
        "lying": (None, 0.6),
        "hands_below_hips": (0.1, None),
        "hand_travel": (0.5, None),
        "lean_at_bottom": (40.0, 85.0),
        "knee_at_bottom": (70.0, None),
        "leg_split": (None, 0.35),
    },
    measures=(
        SeriesMeasure("KNEE_ANGLE_DEGREES", "knee_angle", "smallest"),
        SeriesMeasure("HIP_ANGLE_DEGREES", "hip_angle", "smallest"),
        # The fullest extension, not the value at ``mid``: where a lockout is held, ``mid`` marks
        # when it is reached, and the hip may still open a few degrees after that.
        SeriesMeasure("LOCKOUT_HIP_ANGLE_DEGREES", "hip_angle", "largest"),
        SeriesMeasure("TRUNK_LEAN_DEGREES", "trunk_lean", "largest"),
    ),
    key_angle=("shoulder", "hip", "knee"),
    key_metric="LOCKOUT_HIP_ANGLE_DEGREES",
    lockout_metric="LOCKOUT_HIP_ANGLE_DEGREES",
    thresholds={"LOCKOUT_HIP_ANGLE_DEGREES": (170.0, None)},
    example=ExampleSet(
        reps=8,
        first_phase_s=1.1,
        second_phase_s=1.3,
        slowing_s=0.9,
        rest_s=1.6,
        metrics={
            "LOCKOUT_HIP_ANGLE_DEGREES": (176.0, -9.0, 1.0),
            "KNEE_ANGLE_DEGREES": (118.0, -6.0, 2.0),
            "HIP_ANGLE_DEGREES": (72.0, -6.0, 2.0),
            "TRUNK_LEAN_DEGREES": (56.0, 6.0, 1.5),
        },
        velocity=("MEAN_CONCENTRIC_VELOCITY_M_PER_S", 0.58, 0.38),
    ),
)
