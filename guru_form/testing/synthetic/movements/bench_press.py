"""The synthetic bench press: lying on a flat bench, pressing a barbell from the chest.

Pose parameters: ``elbow_angle`` (interior) and ``upper_arm`` (deg from vertical towards the
feet). The key angle is the interior elbow angle at the bottom (``ELBOW_ANGLE_DEGREES``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from guru_form.models import Activity
from guru_form.testing.synthetic.body import (
    GRIP_DROP,
    Body,
    Pose,
    direction,
    feet,
    head_pose,
    point_at,
    two_link,
)
from guru_form.testing.synthetic.movements._movement import MotionStyle, Movement

#: Height of the bench's top, m.
BENCH_TOP = 0.44


def rest(body: Body) -> dict[str, float]:
    """The bar held at lockout over the shoulders."""
    return {"elbow_angle": 168.0, "upper_arm": 6.0}


def turn(key_angle: float, secondary: float = 0.0, side: str = "near") -> dict[str, float]:
    """The bottom: the elbow bent to ``key_angle``."""
    return {"elbow_angle": key_angle, "upper_arm": 180.0 - key_angle + 6.0}


def pose(p: Mapping[str, float], body: Body) -> Pose:
    """Joint positions, and the bar's centre, of one set of bench-press parameters."""
    k = body.height_m / 1.75
    shoulder = np.array([0.0, BENCH_TOP + 0.075 * k])
    hip = np.array([body.trunk, BENCH_TOP + 0.085 * k])
    hip = shoulder + body.trunk * (hip - shoulder) / np.hypot(*(hip - shoulder))
    ankle = np.array([hip[0] + 0.38 * k, body.ankle_height])
    knee = two_link(hip, ankle, body.thigh, body.shank, bend_sign=1.0)
    elbow = point_at(shoulder, body.upper_arm, p["upper_arm"])
    forearm = p["upper_arm"] + p["elbow_angle"] - 180.0
    wrist = point_at(elbow, body.forearm, forearm)
    index = point_at(wrist, body.hand * 0.8, forearm)
    bar = point_at(wrist, GRIP_DROP * k, forearm)
    trunk = direction(hip, shoulder)
    head = head_pose(shoulder, trunk, 0.0, body)
    joints = {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "index": index}
    joints |= {"hip": hip, "knee": knee, "ankle": ankle, **feet(ankle, body)}
    joints["head"] = head.joints["head"]
    return Pose(joints, head.head_angle, {"bar": bar})


MOVEMENT = Movement(
    activity=Activity.BENCH_PRESS,
    rest=rest,
    turn=turn,
    pose=pose,
    style=MotionStyle(72.0, 3.0, 20.0, 0.0, 0.0, 1.0, 0.0, 0.85, 0.9, 0.55),
    yaw_deg=-10.0,
    depths={
        "elbow": 0.34,
        "wrist": 0.33,
        "index": 0.33,
        "knee": 0.22,
        "ankle": 0.26,
        "heel": 0.25,
        "foot_index": 0.30,
    },
    layers=("far_leg", "far_arm", "bench", "torso", "head", "near_leg", "bar", "near_arm"),
    fist=True,
    shadow=("near_shoulder", "near_hip"),
)
