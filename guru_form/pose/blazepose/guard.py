"""A guard against a tracker stuck on a wrong pose: implausible body proportions.

Tracking reads each frame from the region the previous frame's landmarks gave. When the model
locks on to a wrong pose (the hip placed at the knee while the athlete bends over a bar, seen
above all when frames are skipped by a stride), it can stay wrong for seconds. The guard watches
the proportions of the reported body: when, on a clearly visible side, the thigh or the shin is
suddenly less than half or more than twice its usual length relative to the trunk, the frame is
to be re-detected from scratch (at most once per ``cooldown_frames``, after 30 clear frames).

Both pose backends use it: :class:`~guru_form.pose.mediapipe_backend.MediaPipeEstimator` and the
BlazePose tracker (:mod:`.tracker`).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from guru_form.pose.joints import SIDES, joint_index

__all__ = ["ProportionGuard", "proportions"]

FloatArray = npt.NDArray[np.float64]

_GUARD_JOINTS = ("shoulder", "hip", "knee", "ankle")
#: Their indices, per side: ``(len(SIDES), 4)``.
_SIDE_JOINTS = np.array([[joint_index(side, j) for j in _GUARD_JOINTS] for side in SIDES])
#: Visibility below which a side is not "clearly visible".
_CLEAR = 0.7


def proportions(joints: FloatArray) -> FloatArray:
    """Thigh and shin length relative to the trunk, on the more visible side.

    Parameters
    ----------
    joints
        ``(len(JOINTS), 4)`` as an estimator returns them.

    Returns
    -------
    numpy.ndarray
        ``(2,)``; NaN when that side is not clearly visible (visibility below 0.7 at any of its
        shoulder, hip, knee, ankle): the model's proportions mean little for joints it guesses.
    """
    visibility = joints[_SIDE_JOINTS, 3]  # (sides, 4)
    side = int(np.argmax(visibility.mean(axis=1)))  # the first side on a tie, as max() did
    if visibility[side].min() < _CLEAR:
        return np.array([np.nan, np.nan])
    shoulder, hip, knee, ankle = joints[_SIDE_JOINTS[side], :2]
    trunk = math.hypot(*(shoulder - hip))
    if not trunk > 0:
        return np.array([np.nan, np.nan])
    return np.array([math.hypot(*(hip - knee)), math.hypot(*(knee - ankle))]) / trunk


class ProportionGuard:
    """Watches one person's proportions, frame by frame.

    Parameters
    ----------
    cooldown_frames
        Frames between two re-detections, at least.
    history
        Clear frames whose median is "usual".
    """

    def __init__(self, *, cooldown_frames: int = 10, history: int = 90) -> None:
        self.cooldown_frames = cooldown_frames
        self._since = cooldown_frames
        # The last ``history`` clear frames' proportions, oldest overwritten first.
        self._usual = np.empty((history, 2))
        self._count = 0
        self._last: tuple[FloatArray, FloatArray] | None = None

    def _proportions(self, joints: FloatArray) -> FloatArray:
        """:func:`proportions`, computed once for the same joints array."""
        if self._last is None or self._last[0] is not joints:
            self._last = (joints, proportions(joints))
        return self._last[1]

    def implausible(self, joints: FloatArray) -> bool:
        """True when this frame should be re-detected (counts the frame)."""
        self._since += 1
        current = self._proportions(joints)
        known = min(self._count, len(self._usual))
        if self._since < self.cooldown_frames or known < 30:
            return False
        if not np.isfinite(current).all():
            return False
        usual = np.median(self._usual[:known], axis=0)
        if not np.isfinite(usual).all():
            return False
        ratio = current / usual
        return bool(np.any((ratio < 0.5) | (ratio > 2.0)))

    def redetected(self) -> None:
        """The frame was re-detected: start the cool-down."""
        self._since = 0

    def accept(self, joints: FloatArray) -> None:
        """Count a frame's proportions as usual ones (when the side is clear).

        Every clear frame counts, so the usual proportions follow the athlete (a new pose, a
        person walking in) instead of freezing on the first frames.
        """
        current = self._proportions(joints)
        if np.isfinite(current).all():
            self._usual[self._count % len(self._usual)] = current
            self._count += 1
