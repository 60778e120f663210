"""The synthetic squat: a bodyweight squat, arms raised forward as the athlete goes down.

Pose parameters: ``shin_lean`` (deg forward of vertical), ``thigh_to_horizontal`` (deg, + hip
above knee), ``trunk_lean`` (deg from vertical), ``arm_elevation`` (upper arm from hanging,
forward), ``elbow_flex`` (forearm beyond the upper arm), ``neck`` (extension, deg). The key angle
is the thigh to the horizontal at the bottom (``HIP_KNEE_ANGLE_DEGREES``; 0 = parallel); the
secondary angle is extra trunk lean.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from guru_form.models import Activity
from guru_form.testing.synthetic.body import Body, Pose, feet, head_pose, point_at
from guru_form.testing.synthetic.movements._movement import MotionStyle, Movement


def rest(body: Body) -> dict[str, float]:
    """Standing."""
    return {
        "shin_lean": 3.0,
        "thigh_to_horizontal": 88.0,
        "trunk_lean": 3.0,
        "arm_elevation": 4.0,
        "elbow_flex": 8.0,
        "neck": 0.0,
    }


def turn(key_angle: float, secondary: float = 0.0, side: str = "near") -> dict[str, float]:
    """The bottom: the thigh at ``key_angle`` to the horizontal, ``secondary`` extra lean."""
    depth = (88.0 - key_angle) / 90.0  # 0 standing .. ~1 at parallel
    return {
        "shin_lean": 3.0 + 30.0 * depth,
        "thigh_to_horizontal": key_angle,
        "trunk_lean": 3.0 + 38.0 * depth + secondary,
        "arm_elevation": 4.0 + 82.0 * depth,
        "elbow_flex": 8.0,
        "neck": 22.0 * depth,
    }


def pose(p: Mapping[str, float], body: Body) -> Pose:
    """Joint positions of one set of squat parameters."""
    ankle = np.array([0.0, body.ankle_height])
    knee = point_at(ankle, body.shank, p["shin_lean"])
    hip = point_at(knee, body.thigh, -(90.0 - p["thigh_to_horizontal"]))
    shoulder = point_at(hip, body.trunk, p["trunk_lean"])
    elbow = point_at(shoulder, body.upper_arm, 180.0 - p["arm_elevation"])
    forearm = 180.0 - p["arm_elevation"] - p["elbow_flex"]
    wrist = point_at(elbow, body.forearm, forearm)
    index = point_at(wrist, body.hand, forearm)
    head = head_pose(shoulder, p["trunk_lean"], p["neck"], body)
    joints = {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "index": index}
    joints |= {"hip": hip, "knee": knee, "ankle": ankle, **feet(ankle, body)}
    joints["head"] = head.joints["head"]
    return Pose(joints, head.head_angle)


MOVEMENT = Movement(
    activity=Activity.SQUAT,
    rest=rest,
    turn=turn,
    pose=pose,
    # thigh 6° below parallel when fresh, 10-14° above parallel on the last rep
    style=MotionStyle(-6.0, 2.5, 18.0, 0.0, 4.0, 1.05, 0.0, 0.85, 0.9, 0.6, secondary_jitter=0.8),
    yaw_deg=-10.0,
    depths={"knee": 0.13, "ankle": 0.14, "heel": 0.13, "foot_index": 0.18},
)
