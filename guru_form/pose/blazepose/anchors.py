"""The person detector's SSD anchors: where each of its 2254 candidate boxes is centred.

BlazePose's detector predicts, for every anchor, an offset from the anchor's centre (a box and
four keypoints) and a score. Its anchors follow MediaPipe's ``SsdAnchorsCalculator`` with the
options of ``pose_detection_cpu.pbtxt``: five layers with strides 8, 16, 32, 32 and 32 over a
224x224 input, one aspect ratio (1.0) plus one interpolated scale, hence two anchors per cell and
layer, and a fixed anchor size (every anchor is 1 x 1), so only the centres matter. Layers that
share a stride share a grid: their anchors are put together, cell by cell.

Examples
--------
>>> centres = anchor_centres()
>>> centres.shape
(2254, 2)
>>> centres[0].tolist()  # the first cell of the 28 x 28 grid of stride 8
[0.017857142857142856, 0.017857142857142856]
"""

from __future__ import annotations

import math
from itertools import groupby

import numpy as np
import numpy.typing as npt

__all__ = ["DETECTOR_INPUT_SIZE", "DETECTOR_STRIDES", "anchor_centres"]

#: The detector's input is a square of this many pixels.
DETECTOR_INPUT_SIZE = 224
#: The stride (input pixels per grid cell) of each of the detector's output layers.
DETECTOR_STRIDES: tuple[int, ...] = (8, 16, 32, 32, 32)
#: Anchors per grid cell for each layer: the aspect ratio 1.0 and its interpolated scale.
_ANCHORS_PER_LAYER = 2


def anchor_centres(
    input_size: int = DETECTOR_INPUT_SIZE,
    strides: tuple[int, ...] = DETECTOR_STRIDES,
    anchors_per_layer: int = _ANCHORS_PER_LAYER,
) -> npt.NDArray[np.float64]:
    """The anchors' centres ``(x, y)``, normalised to 0..1, in the model's output order.

    Parameters
    ----------
    input_size
        Side of the square input, in pixels.
    strides
        Stride of each layer; consecutive layers with the same stride share one grid.
    anchors_per_layer
        Anchors each layer places in every cell of its grid.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)``: for each grid (in the order of ``strides``), row by row, cell by cell, one
        row per anchor of that cell (every anchor of a cell has the same centre).
    """
    blocks = []
    for stride, layers in groupby(strides):
        per_cell = anchors_per_layer * len(list(layers))
        cells = math.ceil(input_size / stride)
        centre = (np.arange(cells, dtype=np.float64) + 0.5) / cells
        y, x = np.meshgrid(centre, centre, indexing="ij")
        grid = np.stack([x.ravel(), y.ravel()], axis=1)
        blocks.append(np.repeat(grid, per_cell, axis=0))
    return np.concatenate(blocks)
