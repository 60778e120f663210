"""The joints guru_form works with, by name, independent of any pose model's numbering.

An estimator backend returns, per frame, an array of shape ``(len(JOINTS), 4)``: for each joint of
:data:`JOINTS`, ``x`` and ``y`` in pixels of the display-oriented frame (y down), a relative
``depth`` in pixels (smaller is nearer the camera; NaN when the backend has none) and a
``visibility`` in 0..1. A backend fills NaN for joints it does not estimate.

Examples
--------
>>> JOINTS[joint_index("left", "knee")]
'left_knee'
>>> SIDE_JOINTS[:3]
('shoulder', 'elbow', 'wrist')
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "ARM",
    "CHANNELS",
    "JOINTS",
    "LEG",
    "SIDES",
    "SIDE_JOINTS",
    "TRACK_JOINTS",
    "Side",
    "joint_index",
    "other_side",
]

Side = Literal["left", "right"]

#: The two sides, in the order the estimator array holds them.
SIDES: tuple[Side, Side] = ("left", "right")

#: Joints that exist once per side, from the top down.
SIDE_JOINTS: tuple[str, ...] = (
    "shoulder",
    "elbow",
    "wrist",
    "hip",
    "knee",
    "ankle",
    "heel",
    "foot_index",
)

#: A limb's joints: label swaps between left and right are repaired per limb.
ARM: tuple[str, ...] = ("shoulder", "elbow", "wrist")
LEG: tuple[str, ...] = ("hip", "knee", "ankle", "heel", "foot_index")

#: Every joint an estimator reports, in array order: the nose, then each side's joints.
JOINTS: tuple[str, ...] = ("nose", *(f"{s}_{j}" for s in SIDES for j in SIDE_JOINTS))

#: The joints a :class:`~guru_form.pose.track.PoseTrack` holds for its tracked side.
TRACK_JOINTS: tuple[str, ...] = ("nose", *SIDE_JOINTS)

#: The per-joint channels of an estimator's output array.
CHANNELS: tuple[str, ...] = ("x", "y", "depth", "visibility")


def joint_index(side: Side | None, joint: str) -> int:
    """Index of ``joint`` on ``side`` in :data:`JOINTS` (``side=None`` for the nose)."""
    name = joint if side is None else f"{side}_{joint}"
    try:
        return JOINTS.index(name)
    except ValueError:
        raise ValueError(f"unknown joint {name!r}; joints are {', '.join(JOINTS)}") from None


def other_side(side: Side) -> Side:
    """The opposite side."""
    return "right" if side == "left" else "left"
