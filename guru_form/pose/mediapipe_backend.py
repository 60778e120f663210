"""The MediaPipe pose backend (BlazePose through ``mediapipe.solutions.pose``), for comparison.

The default backend is our own BlazePose pipeline on LiteRT (:mod:`guru_form.pose.blazepose`),
which runs the same models. This one runs them through MediaPipe itself, to compare the two:
``mediapipe==0.10.21`` is the last release whose wheel carries the pose model, and only
``model_complexity=1`` is inside it (0 and 2 download their weights at run time), so this backend
works offline with exactly that model. It needs the ``mediapipe`` extra (Python 3.12 or older,
numpy < 2): ``pip install 'guru-form[mediapipe]'``.

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
from guru_form.pose.blazepose.guard import ProportionGuard
from guru_form.pose.blazepose.topology import JOINT_LANDMARKS

__all__ = ["MEDIAPIPE_INDEX", "MediaPipeEstimator", "load_mediapipe_pose"]

#: For each name of :data:`~guru_form.pose.joints.JOINTS`, its BlazePose landmark index.
MEDIAPIPE_INDEX: tuple[int, ...] = JOINT_LANDMARKS


def load_mediapipe_pose() -> Any:
    """Import ``mediapipe.solutions.pose``.

    Raises
    ------
    MissingDependencyError
        When mediapipe (the ``mediapipe`` extra) is not installed.
    """
    # MediaPipe logs through glog to stderr; keep it to warnings unless the user chose a level.
    os.environ.setdefault("GLOG_minloglevel", "2")
    try:
        from mediapipe.python.solutions import pose as mp_pose
    except ImportError:
        raise MissingDependencyError(
            "the MediaPipe pose backend",
            "mediapipe",
            reason=(
                "needs the optional 'mediapipe' extra (mediapipe 0.10.21, Python 3.12 or older): "
                "pip install 'guru-form[mediapipe]'; the default backend, 'blazepose', runs the "
                "same models without it"
            ),
        ) from None
    return mp_pose


class MediaPipeEstimator:
    """BlazePose (``model_complexity=1``) in video mode, with a guard against a stuck tracker.

    In video mode MediaPipe finds the person once and then follows them from frame to frame.
    When it locks on to a wrong pose it can stay wrong for seconds; the proportion guard
    (:mod:`guru_form.pose.blazepose.guard`, shared with the default backend) then re-detects that
    frame from scratch and restarts the tracker (about 0.1 s, a handful of times per video at
    most; at most once per ``cooldown_frames``).

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
        self._guard = ProportionGuard(cooldown_frames=cooldown_frames) if guard else None
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
        if joints is None or self._guard is None:
            return joints
        if self._guard.implausible(joints):
            if self._detector is None:
                self._detector = self._mp_pose.Pose(static_image_mode=True, **self._options)
            fresh = self._joints(self._detector.process(image), w, h)
            self._pose.reset()
            self._guard.redetected()
            self.redetections += 1
            if fresh is None:
                return None
            joints = fresh
        self._guard.accept(joints)
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
