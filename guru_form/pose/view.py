"""Which way the camera looks at the athlete, from the geometry of the pose.

Seen from the side, the two shoulders nearly overlap in the image: the distance between them is
a small fraction of the trunk's length. Seen from the front (or the back), they are about three
quarters of a trunk apart; and when the trunk points at the camera (a push-up filmed from the
head end) the trunk itself shrinks in the image while the shoulders keep their width. The ratio
of the shoulders' width to the trunk's length, over the frames with a person, therefore tells
the view:

=========  =====================  ==================================================
view       shoulders / trunk      what it means for the engine
=========  =====================  ==================================================
side       below 0.4              joint angles in the image are the limbs' angles
oblique    0.4 to 0.75            angles are somewhat foreshortened
front      0.75 or more           angles in the image are not the limbs' angles: reps
                                  are counted from heights, depth is not measured
=========  =====================  ==================================================

The far shoulder is the model's estimate even where it is hidden (a side view); it is then near
the near shoulder, which is what a side view means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from guru_form.pose_track import PoseTrack

__all__ = ["FRONT_RATIO", "SIDE_RATIO", "View", "ViewEstimate", "estimate_view"]

FloatArray = npt.NDArray[np.float64]

View = Literal["side", "oblique", "front"]

#: Shoulder width over trunk length below which the camera is side-on.
SIDE_RATIO = 0.4
#: ... and at or above which it looks at the athlete's front or back.
FRONT_RATIO = 0.75


@dataclass(frozen=True)
class ViewEstimate:
    """The camera's view of the athlete over a track.

    Attributes
    ----------
    view
        ``"side"``, ``"oblique"`` or ``"front"`` (see the module docstring).
    width_ratio
        The median over frames of the shoulders' width over the trunk's length (NaN when the
        shoulders and hips were never seen).
    side_on_fraction
        The fraction of the frames with a person on which the view was side-on.
    """

    view: View
    width_ratio: float
    side_on_fraction: float

    @property
    def side_on(self) -> bool:
        """True for a side view."""
        return self.view == "side"


def width_ratio(track: PoseTrack) -> FloatArray:
    """Per frame, the shoulders' width over the trunk's length (NaN where not known)."""
    frame = track.frame
    near = frame[["shoulder_x", "shoulder_y"]].to_numpy(float)
    hip = frame[["hip_x", "hip_y"]].to_numpy(float)
    if "far_shoulder_x" not in frame:
        return np.full(len(frame), np.nan)
    far = frame[["far_shoulder_x", "far_shoulder_y"]].to_numpy(float)
    far_hip = frame[["far_hip_x", "far_hip_y"]].to_numpy(float)
    width = np.linalg.norm(near - far, axis=1)
    # The trunk from the middle of the shoulders to the middle of the hips, so that it does not
    # depend on which side is measured.
    mid_hip = np.where(np.isfinite(far_hip), (hip + far_hip) / 2.0, hip)
    trunk = np.linalg.norm((near + far) / 2.0 - mid_hip, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio: FloatArray = np.where(trunk > 0, width / trunk, np.nan)
    return ratio


def classify(ratio: float) -> View:
    """The view for a shoulders-to-trunk ratio (NaN counts as side-on, the engine's default)."""
    if ratio >= FRONT_RATIO:
        return "front"
    if ratio >= SIDE_RATIO:
        return "oblique"
    return "side"


def estimate_view(track: PoseTrack, rows: npt.ArrayLike | None = None) -> ViewEstimate:
    """How the camera looks at the athlete over the track, or over its ``rows``.

    Parameters
    ----------
    track
        The pose track.
    rows
        A boolean mask of the frames to judge (one shot, say); all frames by default.

    Examples
    --------
    >>> estimate_view(track).view  # doctest: +SKIP
    'side'
    """
    ratio = width_ratio(track)
    if rows is not None:
        ratio = ratio[np.asarray(rows, dtype=bool)]
    known = ratio[np.isfinite(ratio)]
    if len(known) == 0:
        return ViewEstimate("side", float("nan"), float("nan"))
    median = float(np.median(known))
    return ViewEstimate(classify(median), median, float(np.mean(known < SIDE_RATIO)))
