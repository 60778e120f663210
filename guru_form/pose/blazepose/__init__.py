"""BlazePose on LiteRT: the pose pipeline of MediaPipe's legacy pose solution, written for guru_form.

One module per step:

- :mod:`.runtime` loads the two vendored models (``models/``) into LiteRT;
- :mod:`.anchors` places the detector's SSD anchors;
- :mod:`.detector` finds people (box and keypoint decoding) with :mod:`.nms` (weighted
  non-maximum suppression);
- :mod:`.roi` makes the rotated region of interest and projects the crop back to the frame;
- :mod:`.landmarks` reads one person's landmarks (visibility and presence, heatmap refinement);
- :mod:`.smoothing` steadies the region from frame to frame;
- :mod:`.guard` catches a track stuck on an implausible body;
- :mod:`.tracker` follows each person and re-detects when a track is lost;
- :mod:`.backend` is the estimator (:class:`BlazePoseEstimator`), registered as ``"blazepose"``.

Importing this package needs only numpy; running the models needs ``ai-edge-litert`` (the ``pose``
extra) and says so with :class:`~guru_form.errors.MissingDependencyError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guru_form._lazy import lazy_exports

if TYPE_CHECKING:
    from guru_form.pose.blazepose.backend import BlazePoseEstimator

__all__ = ["BlazePoseEstimator"]


__getattr__, __dir__ = lazy_exports(
    __name__, {"BlazePoseEstimator": "guru_form.pose.blazepose.backend"}
)
