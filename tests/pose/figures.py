"""A stick figure with exact joints, as an estimator would report it, for tests without a model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from guru_form.pose.estimator import RawPose
from guru_form.pose.joints import JOINTS, SIDE_JOINTS, joint_index
from guru_form.video import Orientation, VideoInfo

SHIN, THIGH, TRUNK, UPPER_ARM, FOREARM = 110.0, 115.0, 150.0, 75.0, 70.0


@dataclass
class Figure:
    """Per-frame segment angles (degrees from vertical, + toward where the figure faces)."""

    shin: np.ndarray
    thigh: np.ndarray
    trunk: np.ndarray
    upper_arm: np.ndarray
    forearm: np.ndarray
    facing: np.ndarray  # +1 right, -1 left
    ankle_x: np.ndarray

    def near_joints(self) -> dict[str, np.ndarray]:
        s = self.facing
        n = len(s)

        def step(p: np.ndarray, length: float, angle: np.ndarray) -> np.ndarray:
            a = np.radians(angle)
            return p + length * np.stack([s * np.sin(a), -np.cos(a)], axis=1)

        ankle = np.stack([self.ankle_x, np.full(n, 600.0)], axis=1)
        knee = step(ankle, SHIN, self.shin)
        hip = step(knee, THIGH, self.thigh)
        shoulder = step(hip, TRUNK, self.trunk)
        elbow = step(shoulder, UPPER_ARM, self.upper_arm)
        wrist = step(elbow, FOREARM, self.forearm)
        nose = step(shoulder, 55.0, self.trunk + 35.0)
        heel = ankle + np.stack([-s * 12.0, np.full(n, 8.0)], axis=1)
        toe = ankle + np.stack([s * 35.0, np.full(n, 10.0)], axis=1)
        return {
            "nose": nose,
            "shoulder": shoulder,
            "elbow": elbow,
            "wrist": wrist,
            "hip": hip,
            "knee": knee,
            "ankle": ankle,
            "heel": heel,
            "foot_index": toe,
        }


def squat_figure(
    n_reps: int = 3,
    *,
    fps: float = 30.0,
    rest_s: float = 1.5,
    rep_s: float = 2.0,
    facing: float = 1.0,
    arms: str = "bar",
) -> tuple[Figure, np.ndarray, list[tuple[float, float, float]]]:
    """Squats with rest between; returns the figure, times (ms) and true (start, mid, end) in s.

    ``arms``: ``"bar"`` holds a bar on the back (elbows down and back, wrists behind the
    shoulders at their height: a back squat); ``"forward"`` reaches forward at shoulder height
    (a bodyweight squat).
    """
    total = rest_s + n_reps * (rep_s + rest_s)
    t = np.arange(0, total, 1.0 / fps)
    depth = np.zeros_like(t)
    truth = []
    for k in range(n_reps):
        a = rest_s + k * (rep_s + rest_s)
        inside = (t >= a) & (t <= a + rep_s)
        depth[inside] = np.sin(np.pi * (t[inside] - a) / rep_s) ** 2
        truth.append((a, a + rep_s / 2, a + rep_s))
    fig = Figure(
        shin=5 + 35 * depth,
        thigh=-(2 + 80 * depth),
        trunk=3 + 35 * depth,
        upper_arm=(-150.0 if arms == "bar" else 60.0) + 0 * depth,
        forearm=(-20.0 if arms == "bar" else 120.0) + 0 * depth,
        facing=np.full_like(t, facing),
        ankle_x=np.full_like(t, 300.0),
    )
    return fig, t * 1000.0, truth


#: How far the far side lies behind the near one, in the model's depth (px), side-on.
BODY_DEPTH = 80.0


def landmarks_from(
    near: dict[str, np.ndarray],
    facing: np.ndarray,
    *,
    near_vis: float = 0.9,
    far_vis: float = 0.6,
    far_offset: float = 6.0,
    far_errors: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Estimator-style ``(n, len(JOINTS), 4)``: the near side exact, the far side a step behind.

    The near side is the right side when facing right (+1), the left side when facing left.
    The far side is ``far_offset`` behind it across the image and, in the model's depth, by what
    is left of :data:`BODY_DEPTH` (the body turned so that its width shows ``far_offset`` of it;
    nothing left when ``far_offset`` is as wide: the figure faces the camera).
    ``far_errors`` moves far-side joints by the given ``(n, 2)`` offsets (an invented limb).
    """
    n = len(facing)
    behind = np.sqrt(max(BODY_DEPTH**2 - far_offset**2, 0.0))
    lm = np.zeros((n, len(JOINTS), 4))
    lm[:, joint_index(None, "nose")] = np.c_[near["nose"], np.zeros(n), np.full(n, 0.99)]
    for j in SIDE_JOINTS:
        far_xy = near[j] + np.stack([-facing * far_offset, np.zeros(n)], axis=1)
        if far_errors and j in far_errors:
            far_xy = far_xy + far_errors[j]
        for side in ("left", "right"):
            is_near = (facing > 0) == (side == "right")
            xy = np.where(is_near[:, None], near[j], far_xy)
            depth = np.where(is_near, -behind / 2.0, behind / 2.0)
            vis = np.where(is_near, near_vis, far_vis)
            lm[:, joint_index(side, j)] = np.c_[xy, depth, vis]
    return lm


#: Half the spread between a joint and its partner across the body, seen from the front (px).
FRONT_HALF_WIDTHS = {
    "shoulder": 60.0,
    "elbow": 66.0,
    "hip": 40.0,
    "knee": 40.0,
    "ankle": 35.0,
    "heel": 35.0,
    "foot_index": 45.0,
}


def front_landmarks(
    near: dict[str, np.ndarray], depth: np.ndarray, *, hands: str = "bar", centre: float = 320.0
) -> np.ndarray:
    """Estimator-style landmarks of a side figure seen from the front (both sides visible).

    Heights are the side figure's; across the image, each joint and its partner are
    :data:`FRONT_HALF_WIDTHS` either side of ``centre``, the knees pushed out over the toes by
    ``depth`` (0 standing, 1 at the bottom). ``hands``: ``"bar"`` grips a bar on the back 1.6
    shoulder spreads wide; ``"clasped"`` holds the wrists together in front of the chest.
    """
    n = len(depth)
    half = {j: np.full(n, w) for j, w in FRONT_HALF_WIDTHS.items()}
    half["knee"] = half["knee"] + 45.0 * depth
    half["wrist"] = np.full(n, 1.6 * FRONT_HALF_WIDTHS["shoulder"] if hands == "bar" else 6.0)
    y = {j: xy[:, 1] for j, xy in near.items()}
    if hands == "clasped":
        y["wrist"] = y["shoulder"] + 30.0
    lm = np.zeros((n, len(JOINTS), 4))
    lm[:, joint_index(None, "nose")] = np.c_[
        np.full(n, centre), near["nose"][:, 1], np.zeros(n), np.full(n, 0.99)
    ]
    for j in SIDE_JOINTS:
        for side, sign in (("left", 1.0), ("right", -1.0)):
            x = centre + sign * half[j]
            lm[:, joint_index(side, j)] = np.c_[x, y[j], np.zeros(n), np.full(n, 0.9)]
    return lm


def raw_pose(
    landmarks: np.ndarray, time_ms: np.ndarray, *, fps: float = 30.0, stride: int = 1
) -> RawPose:
    n = len(time_ms)
    info = VideoInfo(
        name="figure.mp4",
        width=640,
        height=720,
        orientation=Orientation(),
        frame_count=n * stride,
        duration_ms=n * stride * 1000.0 / fps,
        fps=fps,
        variable_frame_rate=False,
        codec="h264",
    )
    return RawPose(
        video=info,
        frame=np.arange(n, dtype=np.int64) * stride,
        time_ms=np.asarray(time_ms, dtype=np.float64),
        landmarks=landmarks,
        scene_change=np.zeros(n),
        brightness=np.full(n, 0.5),
        stride=stride,
        estimator="figure",
    )
