"""Finding a person lying down: the detector on the frame turned by a quarter turn.

BlazePose's person detector finds a person from the face and predicts the body's alignment
points from it (:mod:`.detector`). It was trained mostly on upright people, so a person lying
across the frame (a bench press or a push-up filmed from the side or at an angle) is sometimes
missed while an upright person (a spotter, someone passing) is found. Turned by 90° or 270°, the
frame shows the lying person upright. :func:`detect_turned` runs the detector on the turned
frames and maps what it finds back to the frame's pixels; the region of interest made from the
mapped points (:meth:`~.detector.Detection.roi`) is turned with the body, as for any detection.

The tracker (:mod:`.tracker`) calls it only when it is asked to look for someone lying and,
on a frame where the detector runs, nobody in view lies (:func:`is_lying`).

Examples
--------
A point of a frame 640 wide and 360 high, turned a quarter turn counter-clockwise (the frame
becomes 360 wide and 640 high) and back:

>>> turned = np.array([[100.0, 600.0]])
>>> from_turned(turned, 1, width=640, height=360).tolist()
[[40.0, 100.0]]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from guru_form.pose.blazepose.detector import Detection, PersonDetector
from guru_form.pose.blazepose.nms import iou

__all__ = ["QUARTER_TURNS", "detect_turned", "from_turned", "is_lying"]

FloatArray = npt.NDArray[np.float64]

#: Counter-clockwise quarter turns (``numpy.rot90``'s ``k``) tried: 90° and 270°, the two that
#: make a body lying across the frame upright.
QUARTER_TURNS = (1, 3)
#: Two detections whose face boxes overlap more than this (IoU) are one person (the detector's
#: own non-maximum suppression threshold, :data:`.detector.NMS_THRESHOLD`).
_SAME_FACE = 0.3


def from_turned(points: FloatArray, turns: int, *, width: int, height: int) -> FloatArray:
    """Pixels ``(n, 2)`` of a frame turned by ``numpy.rot90(frame, turns)``, in the frame's pixels.

    Parameters
    ----------
    points
        ``(n, 2)`` x, y in the turned frame.
    turns
        Counter-clockwise quarter turns, 0-3.
    width, height
        The frame's size before it was turned.
    """
    x, y = points[:, 0], points[:, 1]
    k = turns % 4
    if k == 0:
        return points.copy()
    if k == 1:
        return np.stack([width - y, x], axis=1)
    if k == 2:
        return np.stack([width - x, height - y], axis=1)
    return np.stack([y, height - x], axis=1)


def is_lying(hip: FloatArray, scale_point: FloatArray) -> bool:
    """True when the body's axis (mid-hip to the scale point above the head) is nearer horizontal."""
    dx, dy = scale_point - hip
    return bool(abs(dx) > abs(dy))


def _back(detection: Detection, turns: int, width: int, height: int) -> Detection:
    corners = from_turned(detection.box.reshape(2, 2), turns, width=width, height=height)
    box = np.concatenate([corners.min(axis=0), corners.max(axis=0)])
    points = from_turned(detection.keypoints, turns, width=width, height=height)
    return Detection(detection.score, box, points)


def detect_turned(
    detector: PersonDetector,
    image: npt.NDArray[np.uint8],
    *,
    turns: tuple[int, ...] = QUARTER_TURNS,
    lying_only: bool = True,
) -> list[Detection]:
    """The people the detector finds on the frame turned by each of ``turns``, in frame pixels.

    Parameters
    ----------
    detector
        The person detector.
    image
        The RGB frame ``(h, w, 3)``.
    turns
        Counter-clockwise quarter turns to try.
    lying_only
        Keep only people lying in the frame (:func:`is_lying`); the upright ones are the
        detector's to find on the frame as it is.

    Returns
    -------
    list of Detection
        Best score first; a person found on several turned frames is kept once, with the best
        score.
    """
    height, width = image.shape[:2]
    found: list[Detection] = []
    for k in turns:
        turned = np.ascontiguousarray(np.rot90(image, k))
        for detection in detector.detect(turned):
            back = _back(detection, k, width, height)
            if lying_only and not is_lying(back.keypoints[0], back.keypoints[1]):
                continue
            found.append(back)
    found.sort(key=lambda d: -d.score)
    kept: list[Detection] = []
    for detection in found:
        if kept and iou(detection.box, np.stack([d.box for d in kept])).max() > _SAME_FACE:
            continue
        kept.append(detection)
    return kept
