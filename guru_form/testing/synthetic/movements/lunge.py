"""The synthetic lunge: alternating forward lunges, each leg stepping out in turn.

From standing, one foot steps forward and both knees bend until the front thigh is about level
and the back knee near the floor, then the athlete pushes back to standing; the next rep steps
out with the other leg. Pose parameters: ``stride`` (m, how far the front ankle is ahead of the
back one: positive when the leg nearer the camera leads, negative when the far one does),
``front_knee`` (the front knee's interior angle, deg), ``shin_lean`` (the front shin forward of
vertical), ``trunk_lean``, ``arm`` (arms forward of hanging) and ``neck`` (deg). The key angle is
the front knee's interior angle at the bottom.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from guru_form.models import Activity
from guru_form.testing.synthetic.body import Body, Pose, feet, head_pose, point_at, two_link
from guru_form.testing.synthetic.movements._movement import MotionStyle, Movement

#: How far the front foot steps out at the bottom, m for a 1.75 m athlete.
STRIDE = 0.75
#: Standing, the knee's interior angle, deg.
STANDING_KNEE = 175.0


def rest(body: Body) -> dict[str, float]:
    """Standing, feet together."""
    return {
        "stride": 0.0,
        "front_knee": STANDING_KNEE,
        "shin_lean": 2.0,
        "trunk_lean": 2.0,
        "arm": 6.0,
        "neck": 0.0,
    }


def turn(key_angle: float, secondary: float = 0.0, side: str = "near") -> dict[str, float]:
    """The bottom: the front knee bent to ``key_angle``; ``secondary`` extra trunk lean."""
    depth = (STANDING_KNEE - key_angle) / (STANDING_KNEE - 90.0)
    return {
        "stride": STRIDE if side == "near" else -STRIDE,
        "front_knee": key_angle,
        "shin_lean": 2.0 + 6.0 * depth,
        "trunk_lean": 2.0 + 6.0 * depth + secondary,
        "arm": 6.0 + 10.0 * depth,
        "neck": 5.0 * depth,
    }


def pose(p: Mapping[str, float], body: Body) -> Pose:
    """Joint positions of one set of lunge parameters: the front leg on the side ``stride`` says."""
    k = body.height_m / 1.75
    stride = abs(p["stride"]) * k
    depth = (STANDING_KNEE - p["front_knee"]) / (STANDING_KNEE - 90.0)
    front_ankle = np.array([stride, body.ankle_height])
    front_knee = point_at(front_ankle, body.shank, p["shin_lean"])
    hip = point_at(front_knee, body.thigh, 180.0 + p["shin_lean"] + p["front_knee"])
    # The back foot rises onto its toes as the athlete sinks (its toes stay near the floor).
    back_ankle = np.array([-0.04 * depth * k, body.ankle_height + 0.09 * depth * k])
    legs = body.thigh + body.shank
    reach = float(np.hypot(*(hip - back_ankle)))
    if reach > 0.9995 * legs:  # never straighter than straight
        back_ankle = hip + (back_ankle - hip) * 0.9995 * legs / reach
    back_knee = two_link(hip, back_ankle, body.thigh, body.shank, bend_sign=1.0)
    front = {"knee": front_knee, "ankle": front_ankle, **feet(front_ankle, body)}
    back = {"knee": back_knee, "ankle": back_ankle, **feet(back_ankle, body, 40.0 * depth)}
    near, far = (front, back) if p["stride"] >= 0 else (back, front)
    shoulder = point_at(hip, body.trunk, p["trunk_lean"])
    elbow = point_at(shoulder, body.upper_arm, 180.0 - p["arm"])
    wrist = point_at(elbow, body.forearm, 180.0 - p["arm"] - 10.0)
    index = point_at(wrist, body.hand, 180.0 - p["arm"] - 10.0)
    head = head_pose(shoulder, p["trunk_lean"], p["neck"], body)
    joints = {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "index": index, "hip": hip}
    joints |= near
    joints["head"] = head.joints["head"]
    return Pose(joints, head.head_angle, far=far)


MOVEMENT = Movement(
    activity=Activity.LUNGE,
    rest=rest,
    turn=turn,
    pose=pose,
    # front knee 92° when fresh, 105-110° on the last reps; the push back up slows
    style=MotionStyle(92.0, 2.5, 16.0, 0.0, 0.0, 1.0, 0.0, 0.85, 0.8, 0.7, secondary_jitter=0.8),
    yaw_deg=-10.0,
    alternates=True,
)
