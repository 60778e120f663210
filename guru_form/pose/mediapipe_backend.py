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
from typing import Any

import numpy as np
import numpy.typing as npt

from guru_form.errors import MissingDependencyError
from guru_form.pose.joints import JOINTS, SIDE_JOINTS, SIDES

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
    """BlazePose (``model_complexity=1``) in video mode: it tracks the person between frames.

    Parameters
    ----------
    min_detection_confidence, min_tracking_confidence
        MediaPipe's thresholds for finding a person and for keeping the track.
    smooth_landmarks
        MediaPipe's internal landmark filter (off: the engine filters with true frame times).

    Notes
    -----
    With several people in view MediaPipe follows one: the first it detects, kept while tracking
    holds (it usually stays with the same person; when it loses them it re-detects, possibly
    someone else). ``depth`` is BlazePose's ``z`` scaled like ``x`` to pixels: smaller is nearer
    the camera.
    """

    name = "mediapipe"

    def __init__(
        self,
        *,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        smooth_landmarks: bool = False,
    ) -> None:
        mp_pose = load_mediapipe_pose()
        self._pose = mp_pose.Pose(
            static_image_mode=False,
            model_complexity=1,
            smooth_landmarks=smooth_landmarks,
            enable_segmentation=False,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        self._index = np.asarray(MEDIAPIPE_INDEX)

    def estimate(
        self, image: npt.NDArray[np.uint8], time_ms: float
    ) -> npt.NDArray[np.float64] | None:
        """Joints of one RGB frame, or ``None`` when no person is found."""
        result = self._pose.process(image)
        found = result.pose_landmarks
        if found is None:
            return None
        h, w = image.shape[:2]
        points = found.landmark
        out = np.empty((len(self._index), 4), dtype=np.float64)
        for row, i in enumerate(self._index):
            p = points[i]
            out[row] = (p.x * w, p.y * h, p.z * w, p.visibility)
        return out

    def close(self) -> None:
        """Release the MediaPipe graph."""
        self._pose.close()

    def __enter__(self) -> MediaPipeEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
