"""BlazePose's 33 body landmarks by name, and where the engine's joints are among them.

Examples
--------
>>> LANDMARK_NAMES[25]
'left_knee'
>>> [LANDMARK_NAMES[i] for i in JOINT_LANDMARKS[:2]]
['nose', 'left_shoulder']
"""

from __future__ import annotations

from guru_form.pose.joints import JOINTS

__all__ = ["JOINT_LANDMARKS", "LANDMARK_NAMES"]

#: BlazePose's body landmarks, in the model's order.
LANDMARK_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)

#: For each joint of :data:`guru_form.pose.joints.JOINTS`, its landmark's index.
JOINT_LANDMARKS: tuple[int, ...] = tuple(LANDMARK_NAMES.index(name) for name in JOINTS)
