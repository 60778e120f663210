"""A machine-readable frame index drawn along the bottom edge of a frame.

Synthetic videos carry each frame's index as a strip of black and white blocks so that a test can
tell exactly which frame a decoder returned, even after lossy compression. Layout, left to right:
a white reference block, a black reference block, :data:`BITS` index bits (most significant first,
white = 1) and an even-parity block. The strip spans the full width and :func:`strip_height` pixels.

Examples
--------
>>> import numpy as np
>>> img = np.zeros((120, 160, 3), np.uint8)
>>> draw_frame_code(img, 1234)
>>> read_frame_code(img)
1234
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["BITS", "draw_frame_code", "read_frame_code", "strip_height"]

BITS = 20
_BLOCKS = BITS + 3


def strip_height(image_height: int) -> int:
    """Height in pixels of the strip in a frame ``image_height`` pixels tall."""
    return max(8, image_height // 30)


def _edges(width: int) -> npt.NDArray[np.int64]:
    return np.linspace(0, width, _BLOCKS + 1).round().astype(np.int64)


def draw_frame_code(image: npt.NDArray[np.uint8], index: int) -> None:
    """Draw ``index`` into the bottom strip of ``image`` (H x W or H x W x C uint8), in place."""
    if not 0 <= index < 2**BITS:
        raise ValueError(f"frame index must be in [0, {2**BITS}), got {index}")
    bits = [(index >> (BITS - 1 - i)) & 1 for i in range(BITS)]
    values = [1, 0, *bits, sum(bits) % 2]
    h, w = image.shape[:2]
    top = h - strip_height(h)
    edges = _edges(w)
    for k, v in enumerate(values):
        image[top:h, edges[k] : edges[k + 1]] = 255 if v else 0


def read_frame_code(image: npt.NDArray[np.uint8]) -> int:
    """Read the index drawn by :func:`draw_frame_code`.

    Raises
    ------
    ValueError
        When the strip is missing or damaged (references not distinct, or parity wrong).
    """
    h, w = image.shape[:2]
    sh = strip_height(h)
    band = image[h - sh + sh // 4 : h - sh // 4]
    gray = band.mean(axis=2) if band.ndim == 3 else band.astype(np.float64)
    edges = _edges(w)
    means = []
    for k in range(_BLOCKS):
        a, b = edges[k], edges[k + 1]
        margin = (b - a) // 4
        means.append(float(gray[:, a + margin : b - margin].mean()))
    white, black = means[0], means[1]
    if white - black < 64:
        raise ValueError("no frame-index strip found at the bottom of this frame")
    threshold = (white + black) / 2
    values = [1 if m > threshold else 0 for m in means[2:]]
    bits, parity = values[:BITS], values[BITS]
    if sum(bits) % 2 != parity:
        raise ValueError("frame-index strip is damaged (parity check failed)")
    return int("".join(map(str, bits)), 2)
