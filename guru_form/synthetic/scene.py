"""From the athlete's sagittal-plane motion to image pixels: sides, camera, layout.

The camera looks at the athlete from the side, turned ``yaw_deg`` towards the athlete's front
(positive) or back (negative), so that the far limbs show beside the near ones. Projection is
orthographic: a world point ``(x, y, z)`` (``z`` towards the camera) lands at image
``x' = x cos(yaw) - z sin(yaw)``, ``y' = y``, scaled to pixels with y pointing down, and mirrored
when the athlete faces left.

The *near* side is the side of the body facing the camera: the athlete's right side when facing
right (``facing="right"``), the left side when facing left.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from guru_form.models import Activity
from guru_form.synthetic.body import HEAD_POINTS, LIMB_JOINTS, PLATE_RADIUS, Body, Pose
from guru_form.synthetic.frame_code import strip_height
from guru_form.synthetic.motion import Motion
from guru_form.synthetic.movements import movement

__all__ = ["Camera", "Projected", "fit_camera", "joint_depth", "project_motion"]

FloatArray = npt.NDArray[np.float64]

# Distance of each joint from the body's mid-plane, in metres for a 1.75 m athlete.
_DEPTH: dict[str, float] = {
    "shoulder": 0.19,
    "elbow": 0.21,
    "wrist": 0.19,
    "index": 0.19,
    "hip": 0.09,
    "knee": 0.10,
    "ankle": 0.11,
    "heel": 0.10,
    "foot_index": 0.13,
}
#: Half the barbell's length and where its plates sit (m from the centre).
BAR_HALF_LENGTH = 1.10
PLATE_OFFSET = 0.62


def joint_depth(activity: Activity, joint: str, body: Body) -> float:
    """Distance of ``joint`` from the mid-plane (m), positive; the near side is at ``+depth``.

    The standing body's depths, unless the activity's movement sets its own
    (:attr:`~guru_form.synthetic.movements.Movement.depths`).
    """
    depth = movement(activity).depths.get(joint, _DEPTH[joint])
    return depth * body.height_m / 1.75


@dataclass(frozen=True)
class Camera:
    """An orthographic side-view camera.

    Attributes
    ----------
    width, height
        Frame size in pixels.
    scale
        Pixels per metre.
    origin_x
        Image x of the world origin (after the yaw).
    floor_y
        Image y of the floor.
    yaw_deg
        How far the camera is turned from a pure side view (+ towards the athlete's front).
    mirror
        True when the athlete faces left in the image.
    """

    width: int
    height: int
    scale: float
    origin_x: float
    floor_y: float
    yaw_deg: float = 15.0
    mirror: bool = False

    def project(self, xyz: npt.ArrayLike) -> FloatArray:
        """Image pixels ``(..., 2)`` of world points ``(..., 3)``."""
        p = np.asarray(xyz, dtype=np.float64)
        yaw = math.radians(self.yaw_deg)
        x = p[..., 0] * math.cos(yaw) - p[..., 2] * math.sin(yaw)
        sign = -1.0 if self.mirror else 1.0
        return np.stack(
            [self.origin_x + sign * self.scale * x, self.floor_y - self.scale * p[..., 1]], axis=-1
        )


@dataclass
class Projected:
    """The motion in image pixels, ready to draw and to measure.

    Attributes
    ----------
    points
        Name -> ``(n_frames, 2)`` image positions. Limb joints are ``near_<joint>`` and
        ``far_<joint>`` for every joint of :data:`~guru_form.synthetic.body.LIMB_JOINTS`; the head
        has ``nose``, ``near_eye``, ``far_eye``, ``near_ear``, ``far_ear``, ``mouth`` and
        ``head`` (its centre); the barbell, when there is one, ``bar_near``/``bar_far`` (its
        ends) and ``plate_near``/``plate_far`` (plate centres).
    head_up
        ``(n_frames, 2)`` unit vector in the image from the head's centre towards the crown.
    head_radius
        Half the head's height in pixels.
    camera
        The camera used.
    near_side
        ``"right"`` or ``"left"``: which of the athlete's sides faces the camera.
    """

    points: dict[str, FloatArray]
    head_up: FloatArray
    head_radius: float
    camera: Camera
    near_side: str


def _side_joint(pose: Pose, side: str, joint: str) -> FloatArray:
    """Where ``joint`` of the ``"near"`` or ``"far"`` side is in the sagittal plane."""
    return pose.far.get(joint, pose.joints[joint]) if side == "far" else pose.joints[joint]


def _world(motion: Motion) -> dict[str, FloatArray]:
    """Every named point in world coordinates, ``(n_frames, 3)``."""
    body, act = motion.body, motion.activity
    out: dict[str, FloatArray] = {}
    for joint in LIMB_JOINTS:
        z = joint_depth(act, joint, body)
        for side, sign in (("near", 1.0), ("far", -1.0)):
            xy = np.array([_side_joint(p, side, joint) for p in motion.poses])
            out[f"{side}_{joint}"] = np.column_stack([xy, np.full(len(xy), sign * z)])
    centre = np.array([p.joints["head"] for p in motion.poses])
    angle = np.radians([p.head_angle for p in motion.poses])
    up = np.column_stack([np.sin(angle), np.cos(angle)])
    front = np.column_stack([np.cos(angle), -np.sin(angle)])
    r = body.head_radius
    out["head"] = np.column_stack([centre, np.zeros(len(centre))])
    out["head_top"] = np.column_stack([centre + r * up, np.zeros(len(centre))])
    for name, (pf, pu, pz) in HEAD_POINTS.items():
        xy = centre + r * (pf * front + pu * up)
        sides = [("near", 1.0), ("far", -1.0)] if pz else [("", 0.0)]
        for side, sign in sides:
            key = f"{side}_{name}" if side else name
            out[key] = np.column_stack([xy, np.full(len(xy), sign * pz * r)])
    if motion.poses and "bar" in motion.poses[0].props:
        bar = np.array([p.props["bar"] for p in motion.poses])
        k = body.height_m / 1.75
        for side, sign in (("near", 1.0), ("far", -1.0)):
            n = len(bar)
            out[f"bar_{side}"] = np.column_stack([bar, np.full(n, sign * BAR_HALF_LENGTH * k)])
            out[f"plate_{side}"] = np.column_stack([bar, np.full(n, sign * PLATE_OFFSET * k)])
    return out


def fit_camera(
    motion: Motion,
    width: int,
    height: int,
    *,
    yaw_deg: float = 15.0,
    facing: str = "right",
) -> Camera:
    """A camera that keeps the whole motion in frame, clear of the text box and the strip.

    The figure is scaled to fill most of the frame, centred horizontally, with the floor a
    little above the frame-index strip.
    """
    if facing not in ("right", "left"):
        raise ValueError(f"facing must be 'right' or 'left', got {facing!r}")
    world = _world(motion)
    unit = Camera(width, height, 1.0, 0.0, 0.0, yaw_deg, facing == "left")
    pts = np.concatenate([unit.project(v) for v in world.values()])
    margin = 0.16 * motion.body.height_m / 1.75
    if any(k.startswith("plate") for k in world):
        margin = max(margin, PLATE_RADIUS + 0.03)
    x0, x1 = pts[:, 0].min() - margin, pts[:, 0].max() + margin
    top = -pts[:, 1].min() + margin  # world height of the highest point
    floor_y = height - strip_height(height) - 0.085 * height
    top_room = floor_y - max(0.09 * height, 26.0)
    scale = min(0.94 * width / (x1 - x0), top_room / top)
    origin_x = width / 2 - scale * (x0 + x1) / 2
    return Camera(width, height, scale, origin_x, floor_y, yaw_deg, unit.mirror)


def project_motion(motion: Motion, camera: Camera) -> Projected:
    """Every point of the motion in image pixels (see :class:`Projected`)."""
    world = _world(motion)
    points = {k: camera.project(v) for k, v in world.items() if k != "head_top"}
    top = camera.project(world["head_top"]) - points["head"]
    radius = camera.scale * motion.body.head_radius
    up = top / np.maximum(np.linalg.norm(top, axis=1, keepdims=True), 1e-9)
    near = "left" if camera.mirror else "right"
    return Projected(points, up, radius, camera, near)
