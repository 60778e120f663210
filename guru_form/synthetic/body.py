"""The synthetic athlete's body: adult proportions, a pose, and the geometry that builds poses.

Poses are built in the athlete's sagittal plane, in metres, with ``x`` pointing the way the
athlete faces (towards the feet for the bench press, where the athlete lies with the head
towards ``-x``), ``y`` up and the floor at ``y = 0``. Both sides of the body share the sagittal
positions unless a pose gives the far side its own; :mod:`guru_form.synthetic.scene` gives each
side its depth and projects to the image.

How the athlete performs each activity (its *pose parameters*, the pose they give, its rest and
turning-point poses) is the business of that activity's file in
:mod:`guru_form.synthetic.movements`; the helpers here (:func:`point_at`, :func:`two_link`,
:func:`feet`, :func:`head_pose`, ...) are what those files build poses with.

Examples
--------
>>> body = Body()
>>> knee = point_at(np.array([0.0, body.ankle_height]), body.shank, 0.0)  # shin vertical
>>> round(float(knee[1]), 3)  # metres above the floor
0.5
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = [
    "GRIP_DROP",
    "HEAD_POINTS",
    "LIMB_JOINTS",
    "PLATE_RADIUS",
    "Body",
    "Pose",
    "arm_length",
    "circle_intersection",
    "direction",
    "feet",
    "head_pose",
    "point_at",
    "two_link",
]

FloatArray = npt.NDArray[np.float64]

#: Joints that exist on both sides of the body, in drawing order along each limb.
LIMB_JOINTS: tuple[str, ...] = (
    "shoulder",
    "elbow",
    "wrist",
    "index",
    "hip",
    "knee",
    "ankle",
    "heel",
    "foot_index",
)

#: Landmarks on the head in the head's own frame, in head radii: (towards the face, towards the
#: crown, towards the camera-side ear). ``eye`` and ``ear`` are mirrored to the far side.
HEAD_POINTS: dict[str, tuple[float, float, float]] = {
    "nose": (0.98, -0.12, 0.0),
    "eye": (0.66, 0.14, 0.30),
    "ear": (-0.10, 0.0, 0.68),
    "mouth": (0.80, -0.48, 0.22),
}


@dataclass(frozen=True)
class Body:
    """Segment lengths of an adult, scaled from a standing height (anthropometric ratios).

    Attributes
    ----------
    height_m
        Standing height in metres; every length below scales with it.
    """

    height_m: float = 1.75

    def _k(self, fraction_of_height: float) -> float:
        return fraction_of_height * self.height_m

    @property
    def ankle_height(self) -> float:
        """Ankle joint above the floor."""
        return self._k(0.040)

    @property
    def shank(self) -> float:
        """Ankle to knee."""
        return self._k(0.246)

    @property
    def thigh(self) -> float:
        """Knee to hip."""
        return self._k(0.246)

    @property
    def trunk(self) -> float:
        """Hip joint to shoulder joint."""
        return self._k(0.286)

    @property
    def upper_arm(self) -> float:
        """Shoulder to elbow."""
        return self._k(0.186)

    @property
    def forearm(self) -> float:
        """Elbow to wrist."""
        return self._k(0.146)

    @property
    def hand(self) -> float:
        """Wrist to the knuckles."""
        return self._k(0.055)

    @property
    def neck(self) -> float:
        """Shoulder joint to the centre of the head, along the trunk's axis."""
        return self._k(0.118)

    @property
    def head_radius(self) -> float:
        """Half the head's height (chin to crown)."""
        return self._k(0.066)


@dataclass
class Pose:
    """One pose in the sagittal plane (metres, y up).

    Attributes
    ----------
    joints
        Limb joints (:data:`LIMB_JOINTS`) and ``head`` (the head's centre), each an ``(x, y)``
        array. Both sides of the body share them, except the joints in ``far``.
    head_angle
        Direction of the head's "up" (crown) axis, in degrees from vertical towards ``+x``.
        The face looks along that axis turned 90° clockwise.
    props
        Equipment positions: ``bar`` (the barbell's centre, deadlift and bench press).
    far
        Limb joints where the far side of the body is not where the near side is (a lunge's
        legs), each an ``(x, y)`` array.
    """

    joints: dict[str, FloatArray]
    head_angle: float
    props: dict[str, FloatArray] = field(default_factory=dict)
    far: dict[str, FloatArray] = field(default_factory=dict)


def point_at(origin: FloatArray, length: float, angle_deg: float) -> FloatArray:
    """The point ``length`` away from ``origin`` in the direction ``angle_deg`` (from +y to +x)."""
    a = math.radians(angle_deg)
    return origin + length * np.array([math.sin(a), math.cos(a)])


def direction(a: FloatArray, b: FloatArray) -> float:
    """Angle of ``a -> b`` in degrees from +y towards +x."""
    d = b - a
    return math.degrees(math.atan2(float(d[0]), float(d[1])))


def two_link(
    base: FloatArray, target: FloatArray, first: float, second: float, bend_sign: float
) -> FloatArray:
    """The middle joint of a two-segment chain from ``base`` to ``target``.

    ``bend_sign`` picks the solution: +1 puts the middle joint to the left of ``base -> target``
    (counter-clockwise), -1 to the right.
    """
    d = target - base
    dist = float(np.hypot(*d))
    dist = min(max(dist, abs(first - second) + 1e-9), first + second - 1e-9)
    cos_a = (first**2 + dist**2 - second**2) / (2 * first * dist)
    a = math.acos(max(-1.0, min(1.0, cos_a))) * bend_sign
    u = d / np.hypot(*d)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return np.asarray(base + first * (rot @ u), dtype=np.float64)


def circle_intersection(
    c1: FloatArray, r1: float, c2: FloatArray, r2: float
) -> tuple[FloatArray, FloatArray]:
    """The two points at ``r1`` from ``c1`` and ``r2`` from ``c2``."""
    d = c2 - c1
    dist = float(np.hypot(*d))
    a = (r1**2 - r2**2 + dist**2) / (2 * dist)
    h = math.sqrt(max(r1**2 - a**2, 0.0))
    mid = c1 + a * d / dist
    perp = np.array([-d[1], d[0]]) / dist
    return mid + h * perp, mid - h * perp


def feet(ankle: FloatArray, body: Body, pitch_deg: float = 0.0) -> dict[str, FloatArray]:
    """Heel and toe tip of a foot whose sole is ``pitch_deg`` from flat (toes down positive)."""
    k = body.height_m / 1.75
    heel = np.array([-0.055, -0.050]) * k
    toe = np.array([0.190, -0.055]) * k
    a = math.radians(-pitch_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return {"heel": ankle + rot @ heel, "foot_index": ankle + rot @ toe}


def head_pose(shoulder: FloatArray, trunk_angle: float, neck_extension: float, body: Body) -> Pose:
    """The head's centre (as ``joints["head"]``) and angle, on a trunk at ``trunk_angle``."""
    head_angle = trunk_angle - neck_extension
    head = point_at(shoulder, body.neck, trunk_angle - 0.35 * neck_extension)
    # the head sits a little in front of the shoulder joint
    front = math.radians(head_angle + 90)
    head = head + 0.02 * body.height_m / 1.75 * np.array([math.sin(front), math.cos(front)])
    return Pose({"head": head}, head_angle)


#: The bar lies this far below the wrist joint, in the fist (m for a 1.75 m athlete).
GRIP_DROP = 0.04
#: Radius of the barbell's plates (m): 38 cm plates (full 45 cm bumpers hide the legs from a
#: pose model).
PLATE_RADIUS = 0.16


def arm_length(body: Body) -> float:
    """Shoulder to wrist with the arm straight."""
    return body.upper_arm + body.forearm
