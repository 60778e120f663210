"""The synthetic push-up: from a straight-armed plank, hands planted under the shoulders.

Pose parameters: ``elbow_angle`` (interior), ``body_line`` (deg, + sag) and ``neck``. The key
angle is the interior elbow angle at the bottom (``ELBOW_ANGLE_DEGREES``); the secondary angle is
the body line at the bottom (+ sag).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from guru_form.models import Activity
from guru_form.testing.synthetic.body import (
    Body,
    FloatArray,
    Pose,
    arm_length,
    circle_intersection,
    direction,
    head_pose,
    two_link,
)
from guru_form.testing.synthetic.movements._movement import MotionStyle, Movement


def rest(body: Body) -> dict[str, float]:
    """The top of the plank, arms straight."""
    return {"elbow_angle": 168.0, "body_line": 1.0, "neck": 12.0}


def turn(key_angle: float, secondary: float = 0.0, side: str = "near") -> dict[str, float]:
    """The bottom: the elbow bent to ``key_angle``, the hip sagging by ``secondary``."""
    return {"elbow_angle": key_angle, "body_line": secondary, "neck": 12.0}


def pose(p: Mapping[str, float], body: Body) -> Pose:
    """Joint positions of one set of push-up parameters."""
    k = body.height_m / 1.75
    toe = np.array([0.0, 0.012 * k])
    ankle = toe + np.array([-0.06, 0.115]) * k
    legs = body.shank + body.thigh
    line = math.radians(p["body_line"])
    # ankle -> shoulder distance for a hip bend of ``body_line`` (triangle ankle-hip-shoulder)
    reach = math.sqrt(legs**2 + body.trunk**2 + 2 * legs * body.trunk * math.cos(line))
    wrist = _wrist(body)
    arm = math.sqrt(
        body.upper_arm**2
        + body.forearm**2
        - 2 * body.upper_arm * body.forearm * math.cos(math.radians(p["elbow_angle"]))
    )
    upper, lower = circle_intersection(ankle, reach, wrist, arm)
    shoulder = upper if upper[1] > lower[1] else lower
    # the hip lies below the ankle-shoulder line by the sag (clockwise from ankle -> shoulder)
    hip = two_link(ankle, shoulder, legs, body.trunk, bend_sign=-1.0 if line >= 0 else 1.0)
    knee = ankle + (hip - ankle) * body.shank / legs
    elbow = two_link(shoulder, wrist, body.upper_arm, body.forearm, bend_sign=-1.0)
    index = wrist + np.array([0.07, -0.035]) * k
    foot = {"heel": ankle + np.array([-0.06, 0.04]) * k, "foot_index": toe}
    head = head_pose(shoulder, direction(hip, shoulder), p["neck"], body)
    joints = {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "index": index}
    joints |= {"hip": hip, "knee": knee, "ankle": ankle, **foot}
    joints["head"] = head.joints["head"]
    return Pose(joints, head.head_angle)


def _wrist(body: Body) -> FloatArray:
    """Where the hands are planted: under the shoulders at the top, with the body straight."""
    k = body.height_m / 1.75
    toe = np.array([0.0, 0.012 * k])
    ankle = toe + np.array([-0.06, 0.115]) * k
    reach = body.shank + body.thigh + body.trunk
    wrist_y = 0.045 * k
    arm = arm_length(body) - 0.01 * k
    rise = wrist_y + arm - ankle[1]
    return np.array([ankle[0] + math.sqrt(reach**2 - rise**2), wrist_y])


MOVEMENT = Movement(
    activity=Activity.PUSH_UP,
    rest=rest,
    turn=turn,
    pose=pose,
    style=MotionStyle(78.0, 3.0, 22.0, 3.0, 8.0, 0.8, 0.0, 0.7, 0.7, 0.45, secondary_jitter=0.8),
    yaw_deg=-10.0,
    depths={"elbow": 0.27, "wrist": 0.25, "index": 0.26},
    shadow=("near_wrist", "far_wrist"),
)
