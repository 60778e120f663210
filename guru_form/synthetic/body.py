"""The synthetic athlete: adult proportions and the pose of each activity from a few angles.

Poses are built in the athlete's sagittal plane, in metres, with ``x`` pointing the way the
athlete faces (towards the feet for the bench press, where the athlete lies with the head
towards ``-x``), ``y`` up and the floor at ``y = 0``. Both sides of the body share the sagittal
positions; :mod:`guru_form.synthetic.scene` gives each side its depth and projects to the image.

Each activity has a handful of *pose parameters* — angles in degrees that say exactly where the
body is (for the squat: shin lean, thigh angle to the horizontal, trunk lean, arm elevation). A rep
moves the parameters from the activity's rest pose to the rep's turning-point pose and back
(:mod:`guru_form.synthetic.motion`); :func:`build_pose` turns one set of parameters into joint
positions.

Examples
--------
>>> from guru_form.models import Activity
>>> body = Body()
>>> pose = build_pose(Activity.SQUAT, rest_params(Activity.SQUAT, body), body)
>>> round(float(pose.joints["shoulder"][1]), 2)  # standing shoulder height, metres
1.43
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from guru_form.models import Activity

__all__ = [
    "HEAD_POINTS",
    "LIMB_JOINTS",
    "Body",
    "Pose",
    "build_pose",
    "rest_params",
    "turn_params",
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
        array. Both sides of the body share them.
    head_angle
        Direction of the head's "up" (crown) axis, in degrees from vertical towards ``+x``.
        The face looks along that axis turned 90° clockwise.
    props
        Equipment positions: ``bar`` (the barbell's centre, deadlift and bench press).
    """

    joints: dict[str, FloatArray]
    head_angle: float
    props: dict[str, FloatArray] = field(default_factory=dict)


def _at(origin: FloatArray, length: float, angle_deg: float) -> FloatArray:
    """The point ``length`` away from ``origin`` in the direction ``angle_deg`` (from +y to +x)."""
    a = math.radians(angle_deg)
    return origin + length * np.array([math.sin(a), math.cos(a)])


def _direction(a: FloatArray, b: FloatArray) -> float:
    """Angle of ``a -> b`` in degrees from +y towards +x."""
    d = b - a
    return math.degrees(math.atan2(float(d[0]), float(d[1])))


def _two_link(
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


def _circle_intersection(
    c1: FloatArray, r1: float, c2: FloatArray, r2: float
) -> tuple[FloatArray, FloatArray]:
    d = c2 - c1
    dist = float(np.hypot(*d))
    a = (r1**2 - r2**2 + dist**2) / (2 * dist)
    h = math.sqrt(max(r1**2 - a**2, 0.0))
    mid = c1 + a * d / dist
    perp = np.array([-d[1], d[0]]) / dist
    return mid + h * perp, mid - h * perp


def _feet(ankle: FloatArray, body: Body, pitch_deg: float = 0.0) -> dict[str, FloatArray]:
    """Heel and toe tip of a foot whose sole is ``pitch_deg`` from flat (toes down positive)."""
    k = body.height_m / 1.75
    heel = np.array([-0.055, -0.050]) * k
    toe = np.array([0.190, -0.055]) * k
    a = math.radians(-pitch_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return {"heel": ankle + rot @ heel, "foot_index": ankle + rot @ toe}


def _head(shoulder: FloatArray, trunk_angle: float, neck_extension: float, body: Body) -> Pose:
    head_angle = trunk_angle - neck_extension
    head = _at(shoulder, body.neck, trunk_angle - 0.35 * neck_extension)
    # the head sits a little in front of the shoulder joint
    front = math.radians(head_angle + 90)
    head = head + 0.02 * body.height_m / 1.75 * np.array([math.sin(front), math.cos(front)])
    return Pose({"head": head}, head_angle)


# --- pose parameters ------------------------------------------------------------------------------
#
# squat:       shin_lean (deg forward of vertical), thigh_to_horizontal (deg, + hip above knee),
#              trunk_lean (deg from vertical), arm_elevation (upper arm from hanging, forward),
#              elbow_flex (forearm beyond the upper arm), neck (extension, deg)
# deadlift:    shin_lean, thigh_from_vertical, trunk_lean, neck, arm_lean (straight arms, hands
#              behind the shoulders by this many degrees; the bar hangs from the hands)
# bench_press: elbow_angle (interior), upper_arm (deg from vertical towards the feet)
# push_up:     elbow_angle (interior), body_line (deg, + sag), neck

_PLATE_RADIUS = 0.16  # m: 38 cm plates (full 45 cm bumpers hide the legs from a pose model)
_BENCH_TOP = 0.44  # m


def rest_params(activity: Activity, body: Body) -> dict[str, float]:
    """The pose parameters of the activity's rest position (between reps).

    Squat: standing. Deadlift: set up at the bar with the plates on the floor. Bench press: bar
    held at lockout over the shoulders. Push-up: top of the plank, arms straight.
    """
    if activity is Activity.SQUAT:
        return {
            "shin_lean": 3.0,
            "thigh_to_horizontal": 88.0,
            "trunk_lean": 3.0,
            "arm_elevation": 4.0,
            "elbow_flex": 8.0,
            "neck": 0.0,
        }
    if activity is Activity.DEADLIFT:
        return _deadlift_setup(body, shin_lean=20.0, shoulders_ahead=0.03)
    if activity is Activity.BENCH_PRESS:
        return {"elbow_angle": 168.0, "upper_arm": 6.0}
    return {"elbow_angle": 168.0, "body_line": 1.0, "neck": 12.0}


def turn_params(activity: Activity, key_angle: float, secondary: float = 0.0) -> dict[str, float]:
    """The pose parameters at a rep's turning point.

    Parameters
    ----------
    activity
        The activity.
    key_angle
        The angle that says how deep (or how complete) the rep is, in degrees:

        - squat: thigh to horizontal at the bottom (``HIP_KNEE_ANGLE_DEGREES``; 0 = parallel);
        - deadlift: interior hip angle at lockout (``LOCKOUT_HIP_ANGLE_DEGREES``);
        - bench press and push-up: interior elbow angle at the bottom (``ELBOW_ANGLE_DEGREES``).
    secondary
        Push-up: body-line angle at the bottom (+ sag). Squat: extra trunk lean (deg). Ignored
        otherwise.
    """
    if activity is Activity.SQUAT:
        depth = (88.0 - key_angle) / 90.0  # 0 standing .. ~1 at parallel
        return {
            "shin_lean": 3.0 + 30.0 * depth,
            "thigh_to_horizontal": key_angle,
            "trunk_lean": 3.0 + 38.0 * depth + secondary,
            "arm_elevation": 4.0 + 82.0 * depth,
            "elbow_flex": 8.0,
            "neck": 22.0 * depth,
        }
    if activity is Activity.DEADLIFT:
        thigh = max(0.0, (180.0 - key_angle) * 0.4)
        return {
            "shin_lean": 2.0,
            "thigh_from_vertical": thigh,
            "trunk_lean": 180.0 - key_angle - thigh,
            "neck": 0.0,
            "arm_lean": 0.0,
        }
    if activity is Activity.BENCH_PRESS:
        return {"elbow_angle": key_angle, "upper_arm": 180.0 - key_angle + 6.0}
    return {"elbow_angle": key_angle, "body_line": secondary, "neck": 12.0}


def _deadlift_setup(body: Body, shin_lean: float, shoulders_ahead: float) -> dict[str, float]:
    """Set-up pose: bar over the mid-foot, plates on the floor, straight arms, shoulders ahead."""
    k = body.height_m / 1.75
    ankle = np.array([0.0, body.ankle_height])
    knee = _at(ankle, body.shank, shin_lean)
    bar = np.array([0.05 * k, _PLATE_RADIUS])
    reach = _GRIP_DROP * k + _arm_length(body)
    ahead = shoulders_ahead * k
    shoulder = bar + np.array([ahead, math.sqrt(reach**2 - ahead**2)])
    hip = _two_link(knee, shoulder, body.thigh, body.trunk, bend_sign=1.0)
    return {
        "shin_lean": shin_lean,
        "thigh_from_vertical": -_direction(knee, hip),
        "trunk_lean": _direction(hip, shoulder),
        "neck": 35.0,
        "arm_lean": math.degrees(math.asin(ahead / reach)),
    }


_GRIP_DROP = 0.04  # m: the bar lies this far below the wrist joint, in the fist


def _arm_length(body: Body) -> float:
    return body.upper_arm + body.forearm


def build_pose(activity: Activity, params: Mapping[str, float], body: Body) -> Pose:
    """Joint positions for one set of pose parameters (see :func:`rest_params`)."""
    if activity is Activity.SQUAT:
        return _squat(params, body)
    if activity is Activity.DEADLIFT:
        return _deadlift(params, body)
    if activity is Activity.BENCH_PRESS:
        return _bench_press(params, body)
    return _push_up(params, body)


def _squat(p: Mapping[str, float], body: Body) -> Pose:
    ankle = np.array([0.0, body.ankle_height])
    knee = _at(ankle, body.shank, p["shin_lean"])
    hip = _at(knee, body.thigh, -(90.0 - p["thigh_to_horizontal"]))
    shoulder = _at(hip, body.trunk, p["trunk_lean"])
    elbow = _at(shoulder, body.upper_arm, 180.0 - p["arm_elevation"])
    forearm = 180.0 - p["arm_elevation"] - p["elbow_flex"]
    wrist = _at(elbow, body.forearm, forearm)
    index = _at(wrist, body.hand, forearm)
    head = _head(shoulder, p["trunk_lean"], p["neck"], body)
    joints = {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "index": index}
    joints |= {"hip": hip, "knee": knee, "ankle": ankle, **_feet(ankle, body)}
    joints["head"] = head.joints["head"]
    return Pose(joints, head.head_angle)


def _deadlift(p: Mapping[str, float], body: Body) -> Pose:
    ankle = np.array([0.0, body.ankle_height])
    knee = _at(ankle, body.shank, p["shin_lean"])
    hip = _at(knee, body.thigh, -p["thigh_from_vertical"])
    shoulder = _at(hip, body.trunk, p["trunk_lean"])
    arm = 180.0 + p["arm_lean"]
    elbow = _at(shoulder, body.upper_arm, arm)
    wrist = _at(elbow, body.forearm, arm)
    index = _at(wrist, body.hand * 0.8, arm - 8.0)
    bar = _at(wrist, _GRIP_DROP * body.height_m / 1.75, arm)
    head = _head(shoulder, p["trunk_lean"], p["neck"], body)
    joints = {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "index": index}
    joints |= {"hip": hip, "knee": knee, "ankle": ankle, **_feet(ankle, body)}
    joints["head"] = head.joints["head"]
    return Pose(joints, head.head_angle, {"bar": bar})


def _bench_press(p: Mapping[str, float], body: Body) -> Pose:
    k = body.height_m / 1.75
    shoulder = np.array([0.0, _BENCH_TOP + 0.075 * k])
    hip = np.array([body.trunk, _BENCH_TOP + 0.085 * k])
    hip = shoulder + body.trunk * (hip - shoulder) / np.hypot(*(hip - shoulder))
    ankle = np.array([hip[0] + 0.38 * k, body.ankle_height])
    knee = _two_link(hip, ankle, body.thigh, body.shank, bend_sign=1.0)
    elbow = _at(shoulder, body.upper_arm, p["upper_arm"])
    forearm = p["upper_arm"] + p["elbow_angle"] - 180.0
    wrist = _at(elbow, body.forearm, forearm)
    index = _at(wrist, body.hand * 0.8, forearm)
    bar = _at(wrist, _GRIP_DROP * k, forearm)
    trunk = _direction(hip, shoulder)
    head = _head(shoulder, trunk, 0.0, body)
    joints = {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "index": index}
    joints |= {"hip": hip, "knee": knee, "ankle": ankle, **_feet(ankle, body)}
    joints["head"] = head.joints["head"]
    return Pose(joints, head.head_angle, {"bar": bar})


def _push_up(p: Mapping[str, float], body: Body) -> Pose:
    k = body.height_m / 1.75
    toe = np.array([0.0, 0.012 * k])
    ankle = toe + np.array([-0.06, 0.115]) * k
    legs = body.shank + body.thigh
    line = math.radians(p["body_line"])
    # ankle -> shoulder distance for a hip bend of ``body_line`` (triangle ankle-hip-shoulder)
    reach = math.sqrt(legs**2 + body.trunk**2 + 2 * legs * body.trunk * math.cos(line))
    wrist = _push_up_wrist(body)
    arm = math.sqrt(
        body.upper_arm**2
        + body.forearm**2
        - 2 * body.upper_arm * body.forearm * math.cos(math.radians(p["elbow_angle"]))
    )
    upper, lower = _circle_intersection(ankle, reach, wrist, arm)
    shoulder = upper if upper[1] > lower[1] else lower
    # the hip lies below the ankle-shoulder line by the sag (clockwise from ankle -> shoulder)
    hip = _two_link(ankle, shoulder, legs, body.trunk, bend_sign=-1.0 if line >= 0 else 1.0)
    knee = ankle + (hip - ankle) * body.shank / legs
    elbow = _two_link(shoulder, wrist, body.upper_arm, body.forearm, bend_sign=-1.0)
    index = wrist + np.array([0.07, -0.035]) * k
    feet = {"heel": ankle + np.array([-0.06, 0.04]) * k, "foot_index": toe}
    head = _head(shoulder, _direction(hip, shoulder), p["neck"], body)
    joints = {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "index": index}
    joints |= {"hip": hip, "knee": knee, "ankle": ankle, **feet}
    joints["head"] = head.joints["head"]
    return Pose(joints, head.head_angle)


def _push_up_wrist(body: Body) -> FloatArray:
    """Where the hands are planted: under the shoulders at the top, with the body straight."""
    k = body.height_m / 1.75
    toe = np.array([0.0, 0.012 * k])
    ankle = toe + np.array([-0.06, 0.115]) * k
    reach = body.shank + body.thigh + body.trunk
    wrist_y = 0.045 * k
    arm = _arm_length(body) - 0.01 * k
    rise = wrist_y + arm - ankle[1]
    return np.array([ankle[0] + math.sqrt(reach**2 - rise**2), wrist_y])
