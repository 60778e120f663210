"""The person detector: every person in a frame, as a face box and four alignment keypoints.

Steps, as MediaPipe's ``pose_detection_cpu.pbtxt``:

1. the frame, letterboxed to a black-padded square, is scaled to 224x224 RGB in [-1, 1];
2. the model gives, per SSD anchor (:mod:`.anchors`), 12 numbers (a box's centre and size, then
   four keypoints, all offsets in input pixels from the anchor's centre) and a score (a logit,
   clipped to +-100 and put through a sigmoid);
3. candidates scoring at least ``min_score`` are merged by weighted non-maximum suppression
   (:mod:`.nms`, IoU 0.3);
4. the boxes and keypoints are taken back from the square to the frame's pixels.

The box is the face's. The keypoints are the mid-hip, a point that gives the full body's size and
rotation (the two the region of interest is made from, :mod:`.roi`), the mid-shoulder and a point
for the upper body's size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from guru_form.pose.blazepose.anchors import DETECTOR_INPUT_SIZE, anchor_centres
from guru_form.pose.blazepose.nms import weighted_nms
from guru_form.pose.blazepose.roi import RegionOfInterest, letterbox_roi, roi_from_alignment
from guru_form.pose.blazepose.runtime import DETECTOR_MODEL, TFLiteModel

__all__ = ["Detection", "PersonDetector", "decode_candidates"]

FloatArray = npt.NDArray[np.float64]

_KEYPOINTS = 4
_SCORE_CLIP = 100.0
#: Default smallest score of a detection (MediaPipe's ``min_detection_confidence``).
MIN_DETECTION_SCORE = 0.5
#: Candidates overlapping more than this (IoU) are one person.
NMS_THRESHOLD = 0.3


@dataclass(frozen=True)
class Detection:
    """One person found by the detector, in the frame's pixels.

    Attributes
    ----------
    score
        0..1.
    box
        The face's box ``(xmin, ymin, xmax, ymax)``.
    keypoints
        ``(4, 2)``: mid-hip, full-body scale point, mid-shoulder, upper-body scale point.
    """

    score: float
    box: FloatArray
    keypoints: FloatArray

    def roi(self) -> RegionOfInterest:
        """The landmark model's region of interest for this person."""
        return roi_from_alignment(self.keypoints[0], self.keypoints[1])


def decode_candidates(
    raw_boxes: FloatArray,
    raw_scores: FloatArray,
    anchors: FloatArray,
    *,
    min_score: float,
    input_size: int = DETECTOR_INPUT_SIZE,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Decode the model's raw output into candidate scores, boxes and keypoints.

    Parameters
    ----------
    raw_boxes
        ``(n, 12)``: box centre x, y, width, height, then four keypoints' x, y; input pixels,
        relative to the anchor's centre.
    raw_scores
        ``(n,)`` logits.
    anchors
        ``(n, 2)`` anchor centres, normalised.
    min_score
        Candidates scoring less are dropped.
    input_size
        Side of the model's square input, in pixels.

    Returns
    -------
    tuple of numpy.ndarray
        Scores ``(m,)``, boxes ``(m, 4)`` as ``(xmin, ymin, xmax, ymax)`` and keypoints
        ``(m, 4, 2)``, normalised to the square input.
    """
    scores = 1.0 / (1.0 + np.exp(-np.clip(raw_scores, -_SCORE_CLIP, _SCORE_CLIP)))
    keep = scores >= min_score
    scores = scores[keep]
    raw = raw_boxes[keep] / input_size
    centre = anchors[keep]
    cx = raw[:, 0] + centre[:, 0]
    cy = raw[:, 1] + centre[:, 1]
    half_w = raw[:, 2] / 2.0
    half_h = raw[:, 3] / 2.0
    boxes = np.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], axis=1)
    keypoints = raw[:, 4 : 4 + 2 * _KEYPOINTS].reshape(-1, _KEYPOINTS, 2) + centre[:, None, :]
    return scores, boxes, keypoints


class PersonDetector:
    """BlazePose's person detector on LiteRT.

    Parameters
    ----------
    min_score
        Smallest score of a person found.
    num_threads
        LiteRT threads (default: :func:`~guru_form.pose.blazepose.runtime.default_threads`).

    Raises
    ------
    MissingDependencyError
        When ``ai-edge-litert`` (the ``pose`` extra) is not installed.
    """

    def __init__(
        self, *, min_score: float = MIN_DETECTION_SCORE, num_threads: int | None = None
    ) -> None:
        self.min_score = min_score
        self._model = TFLiteModel(DETECTOR_MODEL, num_threads=num_threads)
        side = self._model.input_shape[1]
        self._side = side
        self._anchors = anchor_centres(side)
        n = len(self._anchors)
        self._boxes_shape = (1, n, 4 + 2 * _KEYPOINTS)
        self._scores_shape = (1, n, 1)

    def detect(self, image: npt.NDArray[np.uint8]) -> list[Detection]:
        """Everyone the detector finds in an RGB frame, best score first."""
        height, width = image.shape[:2]
        square = letterbox_roi(width, height)
        crop = square.crop(image, self._side, replicate_border=False)
        tensor = (crop.astype(np.float32) / 127.5 - 1.0)[None]
        self._model.invoke(tensor)
        raw_boxes = self._model.output(self._boxes_shape)[0].astype(np.float64)
        raw_scores = self._model.output(self._scores_shape)[0, :, 0].astype(np.float64)
        scores, boxes, keypoints = decode_candidates(
            raw_boxes, raw_scores, self._anchors, min_score=self.min_score, input_size=self._side
        )
        scores, boxes, keypoints = weighted_nms(scores, boxes, keypoints, threshold=NMS_THRESHOLD)
        found = []
        for score, box, points in zip(scores, boxes, keypoints, strict=True):
            corners = square.to_image(box.reshape(2, 2)).reshape(4)
            found.append(Detection(float(score), corners, square.to_image(points)))
        return found
