"""How closely two pose backends agree on one video: pixel distance per joint, frame by frame.

Our BlazePose pipeline (:mod:`guru_form.pose.blazepose`) runs the same models as MediaPipe 0.10.21;
:func:`landmark_agreement` measures how far its joints are from MediaPipe's on the frames where
both found the athlete (``benchmarks/pose_agreement.py`` prints it for every clip, and
``tests/pose/test_agreement.py`` holds it within the documented tolerance).

The tolerance is relative: MediaPipe's own disagreement with itself when the same frames are
moved by one pixel (its tracking is that sensitive to where its crop falls).
:func:`tolerance_breaches` holds ours to :data:`TOLERANCE_FACTOR` times that, plus
:data:`TOLERANCE_SLACK_PX`, per joint at the median and over all joints at the 95th percentile.

Examples
--------
>>> a = np.zeros((3, 2, 4)); b = a.copy(); b[:, :, 0] = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
>>> b[2] = np.nan  # the second backend found no one on the last frame
>>> result = landmark_agreement(a, b, joints=("nose", "hip"))
>>> result.both, result.only_first, result.median_px["hip"]
(2, 1, 3.0)
>>> moved = a.copy(); moved[:, :, 0] += 1.0  # a reference 1 px apart on every joint
>>> tolerance_breaches(result, landmark_agreement(a, moved, joints=("nose", "hip")))
['hip median 3.00 px > 2.00 px', 'all joints p95 3.85 px > 2.00 px']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from guru_form.pose.joints import JOINTS

__all__ = [
    "TOLERANCE_FACTOR",
    "TOLERANCE_SLACK_PX",
    "Agreement",
    "landmark_agreement",
    "tolerance_breaches",
]

FloatArray = npt.NDArray[np.float64]

#: Ours may disagree with MediaPipe by this factor times MediaPipe's disagreement with itself ...
TOLERANCE_FACTOR = 1.5
#: ... plus this many pixels.
TOLERANCE_SLACK_PX = 0.5


@dataclass(frozen=True)
class Agreement:
    """Two backends' joints on one video, compared.

    Attributes
    ----------
    frames
        Analysed frames.
    both, only_first, only_second
        Frames where both found a person, only the first, only the second.
    distance
        ``(both, joints)`` pixel distance between the two backends' joints on each shared frame.
    joints
        The joints' names, in the columns' order.
    """

    frames: int
    both: int
    only_first: int
    only_second: int
    distance: FloatArray
    joints: tuple[str, ...]

    def _per_joint(self, q: float) -> dict[str, float]:
        if not self.both:
            return {j: float("nan") for j in self.joints}
        values = np.nanpercentile(self.distance, q, axis=0)
        return {j: float(v) for j, v in zip(self.joints, values, strict=True)}

    @property
    def median_px(self) -> dict[str, float]:
        """Median distance of each joint, pixels."""
        return self._per_joint(50.0)

    @property
    def p95_px(self) -> dict[str, float]:
        """95th percentile of each joint's distance, pixels."""
        return self._per_joint(95.0)

    @property
    def overall_median_px(self) -> float:
        """Median over every joint of every shared frame, pixels."""
        return float(np.nanmedian(self.distance)) if self.both else float("nan")

    @property
    def overall_p95_px(self) -> float:
        """95th percentile over every joint of every shared frame, pixels."""
        return float(np.nanpercentile(self.distance, 95.0)) if self.both else float("nan")


def landmark_agreement(
    first: FloatArray, second: FloatArray, *, joints: Sequence[str] = JOINTS
) -> Agreement:
    """Compare two backends' joints on the same analysed frames.

    Parameters
    ----------
    first, second
        ``(n, len(joints), >= 2)``: x and y in pixels, NaN on frames without a person (as
        :attr:`~guru_form.pose.estimator.RawPose.landmarks`).
    joints
        The joints' names.

    Raises
    ------
    ValueError
        When the two do not cover the same frames and joints.
    """
    if first.shape[:2] != second.shape[:2] or first.shape[1] != len(joints):
        raise ValueError(
            f"the two backends' joints differ in shape: {first.shape} and {second.shape}"
        )
    has_first = np.isfinite(first[:, :, :2]).all(axis=2).any(axis=1)
    has_second = np.isfinite(second[:, :, :2]).all(axis=2).any(axis=1)
    shared = has_first & has_second
    d = np.hypot(*(first[shared, :, :2] - second[shared, :, :2]).transpose(2, 0, 1))
    return Agreement(
        frames=len(first),
        both=int(shared.sum()),
        only_first=int((has_first & ~has_second).sum()),
        only_second=int((has_second & ~has_first).sum()),
        distance=np.asarray(d, dtype=np.float64),
        joints=tuple(joints),
    )


def tolerance_breaches(
    ours: Agreement,
    reference: Agreement,
    *,
    factor: float = TOLERANCE_FACTOR,
    slack_px: float = TOLERANCE_SLACK_PX,
) -> list[str]:
    """Where one agreement exceeds the tolerance a reference agreement sets.

    The bound of each statistic is ``factor`` times the reference's plus ``slack_px``: each
    joint's median distance, and the 95th percentile over all joints.

    Parameters
    ----------
    ours
        Our backend against MediaPipe.
    reference
        MediaPipe against itself on the frames moved by one pixel (the same video).
    factor, slack_px
        The tolerance's factor and slack.

    Returns
    -------
    list of str
        One line per statistic over its bound (empty when ours is within tolerance, or when
        either found no shared frame).
    """
    if not ours.both or not reference.both:
        return []
    checks = [
        (f"{joint} median", ours.median_px[joint], reference.median_px[joint])
        for joint in ours.joints
    ]
    checks.append(("all joints p95", ours.overall_p95_px, reference.overall_p95_px))
    breaches = []
    for label, value, ref in checks:
        bound = factor * ref + slack_px
        if value > bound:
            breaches.append(f"{label} {value:.2f} px > {bound:.2f} px")
    return breaches
