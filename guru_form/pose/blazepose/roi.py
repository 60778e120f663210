"""The rotated region of interest: where the landmark model looks, and back again.

The landmark model sees one person in a 256x256 crop, upright and centred on the mid-hip. The
crop is a square of the frame, turned so that the body's axis is vertical. It comes from two
"alignment points": the mid-hip (the centre) and a point above the head whose distance from the
hip gives the size and whose direction gives the rotation. The detector predicts those two points
(its keypoints 0 and 1) for a person it finds; from the second frame on, the landmark model's own
two auxiliary landmarks (33 and 34) give them for the next frame.

As MediaPipe's ``AlignmentPointsRectsCalculator`` and ``RectTransformationCalculator`` (options of
``pose_detection_to_roi.pbtxt`` and ``pose_landmarks_to_roi.pbtxt``): the square's side is twice
the distance between the points, enlarged 1.25 times; its rotation is the angle that turns the
hip-to-head direction straight up. Everything here is in pixels of the frame (x right, y down);
a rotation is in radians, positive turning the crop's axes clockwise on screen.

Examples
--------
>>> roi = roi_from_alignment((100.0, 200.0), (100.0, 120.0))  # head straight above the hip
>>> round(roi.size, 1), round(roi.rotation, 6)
(200.0, 0.0)
>>> roi.to_image(np.array([[0.5, 0.5], [0.5, 0.0]])).tolist()  # crop centre and top middle
[[100.0, 200.0], [100.0, 100.0]]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["ROI_EXPANSION", "RegionOfInterest", "letterbox_roi", "roi_from_alignment"]

FloatArray = npt.NDArray[np.float64]

#: The square around the alignment points is enlarged by this factor (the model's training margin).
ROI_EXPANSION = 1.25
#: A region smaller than this (pixels) holds no person the model can read.
MIN_ROI_SIZE = 8.0


@dataclass(frozen=True)
class RegionOfInterest:
    """A square of the frame, possibly rotated.

    Attributes
    ----------
    x, y
        Its centre, in pixels.
    size
        Its side, in pixels.
    rotation
        Radians; 0 is upright.
    """

    x: float
    y: float
    size: float
    rotation: float

    def crop_matrix(self, side: int) -> npt.NDArray[np.float64]:
        """The 2x3 affine map from a ``side`` x ``side`` crop's pixels to the frame's.

        Crop coordinate 0 is the square's edge and ``side`` the opposite edge, as in MediaPipe's
        ``ImageToTensorCalculator``.
        """
        c, s = math.cos(self.rotation), math.sin(self.rotation)
        k = self.size / side
        half = self.size / 2.0
        tx = self.x - (c * half - s * half)
        ty = self.y - (s * half + c * half)
        return np.array([[k * c, -k * s, tx], [k * s, k * c, ty]], dtype=np.float64)

    def crop(
        self, image: npt.NDArray[np.uint8], side: int, *, replicate_border: bool
    ) -> npt.NDArray[np.uint8]:
        """The square as a ``side`` x ``side`` RGB image (bilinear).

        Parameters
        ----------
        image
            The frame, ``(h, w, 3)`` uint8.
        side
            The crop's side in pixels.
        replicate_border
            Outside the frame, repeat its edge pixels (the landmark model's input) instead of
            black (the detector's letterbox).
        """
        import cv2

        border = cv2.BORDER_REPLICATE if replicate_border else cv2.BORDER_CONSTANT
        out = cv2.warpAffine(
            image,
            self.crop_matrix(side),
            (side, side),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=border,
            borderValue=(0, 0, 0),
        )
        return np.asarray(out, dtype=np.uint8)

    def to_image(self, points: FloatArray) -> FloatArray:
        """Points normalised to the crop (0..1, ``(n, 2)``) in the frame's pixels ``(n, 2)``."""
        c, s = math.cos(self.rotation), math.sin(self.rotation)
        dx = (points[:, 0] - 0.5) * self.size
        dy = (points[:, 1] - 0.5) * self.size
        return np.stack([self.x + c * dx - s * dy, self.y + s * dx + c * dy], axis=1)

    def is_usable(self, width: int, height: int) -> bool:
        """False for a degenerate region: not finite, too small, or centred far off the frame."""
        values = (self.x, self.y, self.size, self.rotation)
        if not all(math.isfinite(v) for v in values) or self.size < MIN_ROI_SIZE:
            return False
        margin = self.size / 2.0
        return -margin <= self.x <= width + margin and -margin <= self.y <= height + margin


def _normalize_radians(angle: float) -> float:
    return angle - 2.0 * math.pi * math.floor((angle + math.pi) / (2.0 * math.pi))


def roi_from_alignment(
    centre: tuple[float, float] | FloatArray,
    scale_point: tuple[float, float] | FloatArray,
    *,
    expansion: float = ROI_EXPANSION,
) -> RegionOfInterest:
    """The region of interest from the two alignment points, in pixels.

    Parameters
    ----------
    centre
        The mid-hip.
    scale_point
        The point whose distance from ``centre`` is half the body's square and whose direction
        from it is "up" on the body.
    expansion
        Margin factor of the square's side.
    """
    x0, y0 = float(centre[0]), float(centre[1])
    x1, y1 = float(scale_point[0]), float(scale_point[1])
    size = 2.0 * math.hypot(x1 - x0, y1 - y0) * expansion
    rotation = _normalize_radians(math.pi / 2.0 - math.atan2(-(y1 - y0), x1 - x0))
    return RegionOfInterest(x0, y0, size, rotation)


def letterbox_roi(width: int, height: int) -> RegionOfInterest:
    """The whole frame, padded to a square around its centre (the detector's input)."""
    return RegionOfInterest(width / 2.0, height / 2.0, float(max(width, height)), 0.0)
