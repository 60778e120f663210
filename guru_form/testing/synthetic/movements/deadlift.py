"""The synthetic deadlift: a conventional pull from the floor with a loaded barbell.

Pose parameters: ``shin_lean``, ``thigh_from_vertical``, ``trunk_lean``, ``neck`` (deg) and
``arm_lean`` (straight arms, hands behind the shoulders by this many degrees; the bar hangs from
the hands). The key angle is the interior hip angle at lockout (``LOCKOUT_HIP_ANGLE_DEGREES``).
The camera stands further behind the athlete than for the other lifts, which puts the near plate
in front of the legs rather than over them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from guru_form.models import Activity
from guru_form.testing.synthetic.body import (
    GRIP_DROP,
    PLATE_RADIUS,
    Body,
    Pose,
    arm_length,
    direction,
    feet,
    head_pose,
    point_at,
    two_link,
)
from guru_form.testing.synthetic.movements._movement import MotionStyle, Movement


def _setup(body: Body, shin_lean: float, shoulders_ahead: float) -> dict[str, float]:
    """Set-up pose: bar over the mid-foot, plates on the floor, straight arms, shoulders ahead."""
    k = body.height_m / 1.75
    ankle = np.array([0.0, body.ankle_height])
    knee = point_at(ankle, body.shank, shin_lean)
    bar = np.array([0.05 * k, PLATE_RADIUS])
    reach = GRIP_DROP * k + arm_length(body)
    ahead = shoulders_ahead * k
    shoulder = bar + np.array([ahead, math.sqrt(reach**2 - ahead**2)])
    hip = two_link(knee, shoulder, body.thigh, body.trunk, bend_sign=1.0)
    return {
        "shin_lean": shin_lean,
        "thigh_from_vertical": -direction(knee, hip),
        "trunk_lean": direction(hip, shoulder),
        "neck": 35.0,
        "arm_lean": math.degrees(math.asin(ahead / reach)),
    }


def rest(body: Body) -> dict[str, float]:
    """Set up at the bar with the plates on the floor."""
    return _setup(body, shin_lean=20.0, shoulders_ahead=0.03)


def turn(key_angle: float, secondary: float = 0.0, side: str = "near") -> dict[str, float]:
    """The lockout: the hip opened to ``key_angle``."""
    thigh = max(0.0, (180.0 - key_angle) * 0.4)
    return {
        "shin_lean": 2.0,
        "thigh_from_vertical": thigh,
        "trunk_lean": 180.0 - key_angle - thigh,
        "neck": 0.0,
        "arm_lean": 0.0,
    }


def pose(p: Mapping[str, float], body: Body) -> Pose:
    """Joint positions, and the bar's centre, of one set of deadlift parameters."""
    ankle = np.array([0.0, body.ankle_height])
    knee = point_at(ankle, body.shank, p["shin_lean"])
    hip = point_at(knee, body.thigh, -p["thigh_from_vertical"])
    shoulder = point_at(hip, body.trunk, p["trunk_lean"])
    arm = 180.0 + p["arm_lean"]
    elbow = point_at(shoulder, body.upper_arm, arm)
    wrist = point_at(elbow, body.forearm, arm)
    index = point_at(wrist, body.hand * 0.8, arm - 8.0)
    bar = point_at(wrist, GRIP_DROP * body.height_m / 1.75, arm)
    head = head_pose(shoulder, p["trunk_lean"], p["neck"], body)
    joints = {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "index": index}
    joints |= {"hip": hip, "knee": knee, "ankle": ankle, **feet(ankle, body)}
    joints["head"] = head.joints["head"]
    return Pose(joints, head.head_angle, {"bar": bar})


MOVEMENT = Movement(
    activity=Activity.DEADLIFT,
    rest=rest,
    turn=turn,
    pose=pose,
    # lockout hip angle 177° fresh, soft lockout when tired; the pull slows
    style=MotionStyle(177.0, 1.0, -10.0, 0.0, 0.0, 0.95, 0.9, 1.0, 0.0, 0.6, key_cap=179.5),
    yaw_deg=-20.0,
    depths={"elbow": 0.22, "wrist": 0.23, "index": 0.23},
    layers=(
        "far_plate",
        "far_leg",
        "far_arm",
        "torso",
        "head",
        "near_leg",
        "near_arm",
        "bar",
        "near_plate",
    ),
    fist=True,
    shadow=("plate_near", "plate_far"),
)
