"""The MediaPipe pose backend (BlazePose through ``mediapipe.solutions.pose``).

``mediapipe==0.10.21`` is the last release whose wheel carries the pose model, and only
``model_complexity=1`` is inside it (0 and 2 download their weights at run time), so this backend
works offline with exactly that model. It is installed by the ``pose`` extra.

MediaPipe's own landmark smoothing is off by default: it assumes a fixed 30 frames/s whatever the
video's rate or the analysis stride, and the engine filters the chosen side itself with the frames'
true times (see :mod:`guru_form.pose.filters`).
"""

from __future__ import annotations

import os
from collections import deque
from typing import Any

import numpy as np
import numpy.typing as npt

from guru_form.errors import MissingDependencyError
from guru_form.pose.joints import JOINTS, SIDE_JOINTS, SIDES, joint_index

__all__ = ["MEDIAPIPE_INDEX", "MediaPipeEstimator", "load_mediapipe_pose"]

# BlazePose's 33-landmark numbering for the joints the engine uses.
_BLAZEPOSE = {
    "nose": 0,
    "left_shoulder": 11,
    "right_shoulder": 12,
    "left_elbow": 13,
    "right_elbow": 14,
    "left_wrist": 15,
    "right_wrist": 16,
    "left_hip": 23,
    "right_hip": 24,
    "left_knee": 25,
    "right_knee": 26,
    "left_ankle": 27,
    "right_ankle": 28,
    "left_heel": 29,
    "right_heel": 30,
    "left_foot_index": 31,
    "right_foot_index": 32,
}

#: For each name of :data:`JOINTS`, its BlazePose landmark index.
MEDIAPIPE_INDEX: tuple[int, ...] = tuple(_BLAZEPOSE[name] for name in JOINTS)

assert len(JOINTS) == 1 + len(SIDES) * len(SIDE_JOINTS)


def load_mediapipe_pose() -> Any:
    """Import ``mediapipe.solutions.pose``.

    Raises
    ------
    MissingDependencyError
        When mediapipe (the ``pose`` extra) is not installed.
    """
    # MediaPipe logs through glog to stderr; keep it to warnings unless the user chose a level.
    os.environ.setdefault("GLOG_minloglevel", "2")
    try:
        from mediapipe.python.solutions import pose as mp_pose
    except ImportError:
        raise MissingDependencyError("local pose analysis", "pose") from None
    return mp_pose


class MediaPipeEstimator:
    """BlazePose (``model_complexity=1``) in video mode, with a guard against a stuck tracker.

    In video mode MediaPipe finds the person once and then follows them from frame to frame.
    When it locks on to a wrong pose (the hip placed at the knee while the athlete bends over a
    bar, seen above all when frames are skipped by a stride), it can stay wrong for seconds. The
    guard watches the proportions of the reported body: when, on a clearly visible side, the thigh
    or the shin is suddenly less than half or more than twice its usual length relative to the
    trunk, that frame is
    re-detected from scratch and the tracker restarted (about 0.1 s, a handful of times per
    video at most; at most once per ``cooldown_frames``).

    Parameters
    ----------
    min_detection_confidence, min_tracking_confidence
        MediaPipe's thresholds for finding a person and for keeping the track.
    smooth_landmarks
        MediaPipe's internal landmark filter (off: the engine filters with true frame times).
    guard
        Re-detect frames whose proportions are implausible (see above).

    Notes
    -----
    With several people in view MediaPipe follows one: the first it detects, kept while tracking
    holds (it usually stays with the same person; when it loses them, or the guard re-detects, it
    may pick someone else). ``depth`` is BlazePose's ``z`` scaled like ``x`` to pixels: smaller is
    nearer the camera.
    """

    name = "mediapipe"

    def __init__(
        self,
        *,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        smooth_landmarks: bool = False,
        guard: bool = True,
        cooldown_frames: int = 10,
    ) -> None:
        self._mp_pose = load_mediapipe_pose()
        self._options = {
            "model_complexity": 1,
            "enable_segmentation": False,
            "min_detection_confidence": min_detection_confidence,
        }
        self._pose = self._mp_pose.Pose(
            static_image_mode=False,
            smooth_landmarks=smooth_landmarks,
            min_tracking_confidence=min_tracking_confidence,
            **self._options,
        )
        self._detector: Any = None
        self._index = np.asarray(MEDIAPIPE_INDEX)
        self._guard = guard
        self._cooldown_frames = cooldown_frames
        self._since_redetect = cooldown_frames
        self._proportions: deque[npt.NDArray[np.float64]] = deque(maxlen=90)
        #: How many frames the guard re-detected.
        self.redetections = 0

    def _joints(self, result: Any, width: int, height: int) -> npt.NDArray[np.float64] | None:
        found = result.pose_landmarks
        if found is None:
            return None
        points = found.landmark
        out = np.empty((len(self._index), 4), dtype=np.float64)
        for row, i in enumerate(self._index):
            p = points[i]
            out[row] = (p.x * width, p.y * height, p.z * width, p.visibility)
        return out

    def estimate(
        self, image: npt.NDArray[np.uint8], time_ms: float
    ) -> npt.NDArray[np.float64] | None:
        """Joints of one RGB frame, or ``None`` when no person is found."""
        h, w = image.shape[:2]
        joints = self._joints(self._pose.process(image), w, h)
        self._since_redetect += 1
        if joints is None or not self._guard:
            return joints
        proportions = _proportions(joints)
        if (
            self._since_redetect >= self._cooldown_frames
            and len(self._proportions) >= 30
            and _implausible(proportions, np.median(np.stack(self._proportions), axis=0))
        ):
            if self._detector is None:
                self._detector = self._mp_pose.Pose(static_image_mode=True, **self._options)
            fresh = self._joints(self._detector.process(image), w, h)
            self._pose.reset()
            self._since_redetect = 0
            self.redetections += 1
            if fresh is None:
                return None
            joints, proportions = fresh, _proportions(fresh)
        if np.isfinite(proportions).all():
            # Every clear frame counts, so the usual proportions follow the athlete (a new pose,
            # a person walking in) instead of freezing on the first frames.
            self._proportions.append(proportions)
        return joints

    def close(self) -> None:
        """Release the MediaPipe graphs."""
        self._pose.close()
        if self._detector is not None:
            self._detector.close()

    def __enter__(self) -> MediaPipeEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_GUARD_JOINTS = ("shoulder", "hip", "knee", "ankle")


def _proportions(joints: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Thigh and shin length relative to the trunk, on the more visible side.

    NaN when that side is not clearly visible (visibility below 0.7 at any of its shoulder,
    hip, knee, ankle): the model's proportions mean little for joints it is guessing.
    """
    best = max(
        SIDES,
        key=lambda s: float(np.mean([joints[joint_index(s, j), 3] for j in _GUARD_JOINTS])),
    )
    if min(joints[joint_index(best, j), 3] for j in _GUARD_JOINTS) < 0.7:
        return np.array([np.nan, np.nan])

    def length(a: str, b: str) -> float:
        d = joints[joint_index(best, a), :2] - joints[joint_index(best, b), :2]
        return float(np.linalg.norm(d))

    trunk = length("shoulder", "hip")
    if not trunk > 0:
        return np.array([np.nan, np.nan])
    return np.array([length("hip", "knee"), length("knee", "ankle")]) / trunk


def _implausible(proportions: npt.NDArray[np.float64], usual: npt.NDArray[np.float64]) -> bool:
    if not (np.isfinite(proportions).all() and np.isfinite(usual).all()):
        return False
    ratio = proportions / usual
    return bool(np.any((ratio < 0.5) | (ratio > 2.0)))
