"""The landmark model: one person's 33 landmarks (and 2 auxiliary ones) from their region of interest.

Steps, as MediaPipe's ``pose_landmark_by_roi_cpu.pbtxt`` and
``tensors_to_pose_landmarks_and_segmentation.pbtxt``:

1. the region of interest (:mod:`.roi`) is cropped from the frame to 256x256 RGB in [0, 1],
   repeating the frame's edge pixels where the square leaves it;
2. the model gives 39 landmarks x 5 numbers (x, y, z in crop pixels, and the logits of visibility
   and presence), the pose flag (0..1: is there a person in the crop at all), a segmentation mask,
   64x64 heatmaps (one per landmark) and world landmarks; the mask and the world landmarks are not
   used;
3. visibility and presence go through a sigmoid (:func:`sigmoid`);
4. x and y are refined on the heatmaps (:func:`refine_from_heatmaps`);
5. everything is projected back to the frame's pixels through the region's rotation and size;
   z is scaled like x (pixels; smaller is nearer the camera, 0 at the hips' depth).

Landmarks 0-32 are the body (:data:`~guru_form.pose.blazepose.topology.LANDMARK_NAMES`); 33 and 34
are the auxiliary alignment points that give the next frame's region; 35-38 are not used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from guru_form.pose.blazepose.roi import RegionOfInterest
from guru_form.pose.blazepose.runtime import LANDMARK_MODEL, TFLiteModel
from guru_form.pose.blazepose.topology import JOINT_LANDMARKS

__all__ = [
    "ALIGNMENT_LANDMARKS",
    "BODY_LANDMARKS",
    "LandmarkModel",
    "PoseLandmarks",
    "refine_from_heatmaps",
    "sigmoid",
]

FloatArray = npt.NDArray[np.float64]

#: Landmarks the model outputs.
MODEL_LANDMARKS = 39
#: The body's landmarks are the first 33.
BODY_LANDMARKS = 33
#: The two auxiliary landmarks that align the next frame's region of interest (hip, scale point).
ALIGNMENT_LANDMARKS = (33, 34)
#: Heatmap window, in heatmap cells, over which each landmark is refined (the calculator's
#: default, which is what mediapipe 0.10.21's compiled pose graph runs).
HEATMAP_KERNEL = 9
#: A landmark is refined only where its heatmap's peak (after a sigmoid) reaches this.
HEATMAP_MIN_CONFIDENCE = 0.5


def sigmoid(x: npt.ArrayLike) -> FloatArray:
    """The logistic function, for the model's visibility and presence logits."""
    values = np.clip(np.asarray(x, dtype=np.float64), -80.0, 80.0)
    out: FloatArray = 1.0 / (1.0 + np.exp(-values))
    return out


def refine_from_heatmaps(
    points: FloatArray,
    heatmaps: FloatArray,
    *,
    kernel: int = HEATMAP_KERNEL,
    min_confidence: float = HEATMAP_MIN_CONFIDENCE,
) -> FloatArray:
    """Move each landmark to the confidence-weighted centre of its heatmap around it.

    As MediaPipe's ``RefineLandmarksFromHeatmapCalculator``: for each landmark, the ``kernel`` x
    ``kernel`` window of its heatmap (sigmoid of the logits) around the cell it falls in, cut at
    the heatmap's edges; when the window's largest confidence reaches ``min_confidence``, the
    landmark moves to the window's weighted mean cell (cell index over the heatmap's size, as
    MediaPipe does). Landmarks outside the heatmap are left as they are.

    Parameters
    ----------
    points
        ``(n, 2)`` landmarks normalised to the crop (0..1).
    heatmaps
        ``(h, w, n)`` logits.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` refined copies.
    """
    height, width, channels = heatmaps.shape
    n = min(channels, len(points))
    out = points.copy()
    if n == 0:
        return out
    # C++ truncation towards zero, as MediaPipe (a point just left of the map stays outside).
    col = np.trunc(points[:n, 0] * width)
    row = np.trunc(points[:n, 1] * height)
    inside = (col >= 0) & (col < width) & (row >= 0) & (row < height)
    offset = np.arange(kernel) - (kernel - 1) // 2
    rows = row.astype(np.int64)[:, None] + offset  # (n, kernel)
    cols = col.astype(np.int64)[:, None] + offset
    valid = ((rows >= 0) & (rows < height))[:, :, None] & ((cols >= 0) & (cols < width))[:, None, :]
    window = heatmaps[
        np.clip(rows, 0, height - 1)[:, :, None],
        np.clip(cols, 0, width - 1)[:, None, :],
        np.arange(n)[:, None, None],
    ]
    confidence = np.where(valid, sigmoid(window), 0.0)  # cut at the edges: zero border
    total = confidence.sum(axis=(1, 2))
    peak = confidence.max(axis=(1, 2))
    refine = inside & (total > 0) & (peak >= min_confidence)
    safe = np.where(total > 0, total, 1.0)
    mean_col = (confidence * cols[:, None, :]).sum(axis=(1, 2)) / safe
    mean_row = (confidence * rows[:, :, None]).sum(axis=(1, 2)) / safe
    out[:n, 0] = np.where(refine, mean_col / width, points[:n, 0])
    out[:n, 1] = np.where(refine, mean_row / height, points[:n, 1])
    return out


@dataclass(frozen=True)
class PoseLandmarks:
    """The landmark model's reading of one region of interest.

    Attributes
    ----------
    flag
        The pose flag, 0..1: how sure the model is that a person fills the region.
    points
        ``(39, 5)`` in the frame's pixels: x, y, z (pixels, scaled like x), visibility (0..1),
        presence (0..1).
    roi
        The region the model read.
    """

    flag: float
    points: FloatArray
    roi: RegionOfInterest

    @cached_property
    def joints(self) -> FloatArray:
        """The engine's joints ``(len(JOINTS), 4)``: x, y, depth, visibility."""
        joints: FloatArray = self.points[list(JOINT_LANDMARKS), :4]
        return joints

    @property
    def alignment(self) -> tuple[FloatArray, FloatArray]:
        """The auxiliary hip centre and scale point ``(2,)`` each: the next region's anchors."""
        a, b = ALIGNMENT_LANDMARKS
        return self.points[a, :2], self.points[b, :2]


class LandmarkModel:
    """BlazePose GHUM 3D ("full") on LiteRT.

    Parameters
    ----------
    num_threads
        LiteRT threads (default: :func:`~guru_form.pose.blazepose.runtime.default_threads`).

    Raises
    ------
    MissingDependencyError
        When ``ai-edge-litert`` (the ``pose`` extra) is not installed.
    """

    def __init__(self, *, num_threads: int | None = None) -> None:
        self._model = TFLiteModel(LANDMARK_MODEL, num_threads=num_threads)
        self._side = self._model.input_shape[1]
        shapes = self._model.output_shapes
        self._landmarks_shape = (1, MODEL_LANDMARKS * 5)
        self._flag_shape = (1, 1)
        self._heatmap_shape = next(s for s in shapes if len(s) == 4 and s[-1] == MODEL_LANDMARKS)

    def read(self, image: npt.NDArray[np.uint8], roi: RegionOfInterest) -> PoseLandmarks:
        """Run the model on ``roi`` of an RGB frame."""
        crop = roi.crop(image, self._side, replicate_border=True)
        tensor = crop.astype(np.float32)[None]
        tensor *= np.float32(1.0 / 255.0)
        self._model.invoke(tensor)
        flag = float(self._model.output(self._flag_shape).reshape(-1)[0])
        raw = self._model.output(self._landmarks_shape).reshape(MODEL_LANDMARKS, 5)
        raw = raw.astype(np.float64)
        normalised = raw[:, :3] / self._side
        heatmaps = self._model.output(self._heatmap_shape)[0]
        normalised[:, :2] = refine_from_heatmaps(normalised[:, :2], heatmaps)
        points = np.empty((MODEL_LANDMARKS, 5), dtype=np.float64)
        points[:, :2] = roi.to_image(normalised[:, :2])
        points[:, 2] = normalised[:, 2] * roi.size
        points[:, 3] = sigmoid(raw[:, 3])
        points[:, 4] = sigmoid(raw[:, 4])
        return PoseLandmarks(flag, points, roi)
