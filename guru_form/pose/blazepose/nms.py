"""Weighted non-maximum suppression of the detector's candidate boxes.

Many anchors fire on one person. As MediaPipe's ``NonMaxSuppressionCalculator`` does with
``algorithm: WEIGHTED`` and ``overlap_type: INTERSECTION_OVER_UNION``: the best-scoring candidate
and every remaining candidate whose box overlaps it by more than the threshold (intersection over
union) form one cluster; the cluster becomes one detection whose box corners and keypoints are the
score-weighted mean of its members' and whose score is the best one's; repeat with the rest.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["iou", "weighted_nms"]

FloatArray = npt.NDArray[np.float64]


def iou(box: FloatArray, boxes: FloatArray) -> FloatArray:
    """Intersection over union of ``box`` ``(4,)`` with each of ``boxes`` ``(n, 4)``.

    Boxes are ``(xmin, ymin, xmax, ymax)``; 0 where they do not overlap or have no area.
    """
    x0 = np.maximum(box[0], boxes[:, 0])
    y0 = np.maximum(box[1], boxes[:, 1])
    x1 = np.minimum(box[2], boxes[:, 2])
    y1 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x1 - x0, 0.0, None) * np.clip(y1 - y0, 0.0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area + areas - inter
    out: FloatArray = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return out


def weighted_nms(
    scores: FloatArray,
    boxes: FloatArray,
    keypoints: FloatArray,
    *,
    threshold: float = 0.3,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Merge overlapping candidates into detections.

    Parameters
    ----------
    scores
        ``(n,)`` candidate scores.
    boxes
        ``(n, 4)`` boxes ``(xmin, ymin, xmax, ymax)``.
    keypoints
        ``(n, k, 2)`` keypoints of each candidate.
    threshold
        Candidates overlapping the cluster's best by more than this (IoU) join its cluster.

    Returns
    -------
    tuple of numpy.ndarray
        The detections' scores ``(m,)``, boxes ``(m, 4)`` and keypoints ``(m, k, 2)``, best first.

    Examples
    --------
    >>> s = np.array([0.9, 0.6, 0.8])
    >>> b = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [50, 50, 60, 60]], float)
    >>> k = np.zeros((3, 1, 2))
    >>> out_s, out_b, _ = weighted_nms(s, b, k)
    >>> out_s.tolist(), out_b[0].round(2).tolist()
    ([0.9, 0.8], [0.4, 0.0, 10.4, 10.0])
    """
    order = np.argsort(-scores, kind="stable")
    out_scores: list[float] = []
    out_boxes: list[FloatArray] = []
    out_keypoints: list[FloatArray] = []
    while len(order):
        best = order[0]
        overlap = iou(boxes[best], boxes[order])
        members = order[overlap > threshold]
        if len(members) == 0:  # a box without area overlaps nothing, not even itself
            members = order[:1]
        weights = scores[members]
        total = float(weights.sum())
        out_scores.append(float(scores[best]))
        out_boxes.append((weights[:, None] * boxes[members]).sum(axis=0) / total)
        out_keypoints.append((weights[:, None, None] * keypoints[members]).sum(axis=0) / total)
        order = order[(overlap <= threshold) & (order != best)]
    k = keypoints.shape[1] if keypoints.ndim == 3 else 0
    if not out_scores:
        return np.empty(0), np.empty((0, 4)), np.empty((0, k, 2))
    return np.asarray(out_scores), np.stack(out_boxes), np.stack(out_keypoints)
