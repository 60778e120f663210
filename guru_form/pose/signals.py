"""The signals a rep can be counted from, and how trustworthy each is on a given track.

A rep of every activity the engine knows is a vertical movement of part of the body: the hips go
down and up in a squat, the shoulders in a push-up, the bar (the wrists) in a bench press, the
shoulders rise in a deadlift. The activity's rule (its profile's, :mod:`guru_form.activities`)
counts reps from a joint angle, which says most about the movement in a side view; but an angle
needs three joints, and when one of them is hidden (the plates hide the hip of a squat, the
shoulder of a bench press) or the camera is not side-on (an angle in the image is then not the
angle of the limb), the angle is missing or wrong. The same reps then show in the height of a
joint that stays visible: each activity's profile lists the joints whose height moves with a rep
(``rep_heights``); :func:`candidate_signals` puts them after the angle, as series of heights in
torso lengths (:func:`height_series`).

:func:`signal_quality` says how usable each candidate is on a track: on how many of the frames
with a person it is known (visibility), and how much of its movement is frame-to-frame jitter
rather than smooth movement (a limb the model guesses jumps about). :mod:`guru_form.pose.counting`
uses it to choose the signal to count with, and the next ones to fill its gaps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from guru_form.activities import SegmentationRule

__all__ = [
    "HEIGHT_JOINTS",
    "RepSignal",
    "SignalQuality",
    "body_scale",
    "candidate_signals",
    "height_series",
    "joint_height",
    "signal_quality",
]

FloatArray = npt.NDArray[np.float64]

#: Joints whose height may carry a rep, as ``<joint>_height`` series.
HEIGHT_JOINTS: tuple[str, ...] = ("nose", "shoulder", "elbow", "wrist", "hip")


@dataclass(frozen=True)
class RepSignal:
    """One signal a rep can be counted from.

    Attributes
    ----------
    name
        The series' name: an angle of :data:`guru_form.kinematics.SERIES`, or
        ``<joint>_height`` (:func:`height_series`).
    turning
        ``"min"`` when the turning point is the series' smallest value, ``"max"`` its largest.
    min_range
        The smallest excursion of a rep on both sides of the turning point: degrees for an
        angle, torso lengths for a height.
    joint
        For a height, the joint; its travel confirms the rep and its lowest (or highest) frame
        is the turning point. None for an angle (the activity's rule says which joint).
    side_on
        True when the signal means what it should only in a side view (a joint angle in the
        image plane).
    """

    name: str
    turning: Literal["min", "max"]
    min_range: float
    joint: str | None = None
    side_on: bool = False


def candidate_signals(rule: SegmentationRule, heights: Sequence[str]) -> tuple[RepSignal, ...]:
    """The signals an activity's reps can be counted from: its rule's angle, then ``heights``.

    Parameters
    ----------
    rule
        The activity's rule (:attr:`guru_form.activities.ActivityProfile.rule`).
    heights
        Joints whose height moves with a rep
        (:attr:`guru_form.activities.ActivityProfile.rep_heights`). Each must travel the rule's
        ``min_height_travel`` in a rep; the turning point is its lowest frame when the rep goes
        down first, its highest when it goes up first.

    Examples
    --------
    >>> from guru_form import activities
    >>> profile = activities.get("push_up")
    >>> [s.name for s in candidate_signals(profile.rule, profile.rep_heights)]
    ['elbow_angle', 'shoulder_height', 'nose_height']
    """
    turning: Literal["min", "max"] = "min" if rule.min_height_travel > 0 else "max"
    travel = abs(rule.min_height_travel)
    return (
        RepSignal(rule.signal, rule.turning, rule.min_range_deg, side_on=True),
        *(RepSignal(f"{j}_height", turning, travel, j) for j in heights if j in HEIGHT_JOINTS),
    )


def body_scale(joints: Mapping[str, npt.ArrayLike]) -> float:
    """The body's size in pixels: the median over frames of the trunk's length (shoulder to
    hip) or, where it is longer, the shoulders' width (``shoulder`` to ``far_shoulder``).

    The trunk is the usual unit; the width keeps the unit from shrinking when the trunk points
    at the camera (a push-up filmed from the front). NaN when neither is ever seen.

    Examples
    --------
    >>> import numpy as np
    >>> joints = {"shoulder": np.array([[0.0, 0.0]]), "hip": np.array([[0.0, 20.0]]),
    ...           "far_shoulder": np.array([[50.0, 0.0]])}
    >>> body_scale(joints)
    50.0
    """
    if "shoulder" not in joints or "hip" not in joints:
        return float("nan")
    shoulder = np.asarray(joints["shoulder"], dtype=np.float64)
    size = np.linalg.norm(shoulder - np.asarray(joints["hip"], dtype=np.float64), axis=1)
    if "far_shoulder" in joints:
        width = np.linalg.norm(shoulder - np.asarray(joints["far_shoulder"]), axis=1)
        size = np.fmax(size, width)
    return float(np.nanmedian(size)) if np.isfinite(size).any() else float("nan")


def height_series(joints: Mapping[str, npt.ArrayLike], scale: float) -> dict[str, FloatArray]:
    """``<joint>_height``: each joint's height in the image, in ``scale`` units, up positive.

    Parameters
    ----------
    joints
        Joint positions by name, each ``(n, 2)`` pixels, y down.
    scale
        The unit (e.g. :func:`body_scale`); NaN or 0 gives NaN series.

    Examples
    --------
    >>> import numpy as np
    >>> height_series({"hip": np.array([[0.0, 100.0], [0.0, 150.0]])}, 50.0)["hip_height"]
    array([-2., -3.])
    """
    return {
        f"{joint}_height": joint_height(joints[joint], scale)
        for joint in HEIGHT_JOINTS
        if joint in joints
    }


def joint_height(xy: npt.ArrayLike, scale: float) -> FloatArray:
    """One joint's height in the image, in ``scale`` units, up positive.

    Parameters
    ----------
    xy
        The joint's positions, ``(n, 2)`` pixels, y down.
    scale
        The unit (e.g. :func:`body_scale`); NaN or 0 gives a NaN series.

    Examples
    --------
    >>> import numpy as np
    >>> joint_height(np.array([[0.0, 100.0], [0.0, 150.0]]), 50.0)
    array([-2., -3.])
    """
    y = np.asarray(xy, dtype=np.float64)[:, 1]
    return -y / scale if np.isfinite(scale) and scale > 0 else np.full(len(y), np.nan)


@dataclass(frozen=True)
class SignalQuality:
    """How usable a signal is on one track.

    Attributes
    ----------
    coverage
        The fraction of the frames with a person on which the signal is known.
    jitter
        Frame-to-frame jitter as a fraction of the signal's movement: the median absolute second
        difference over the median absolute first difference, on the frames where it is known
        (about 0.3-0.6 for smooth movement at 30 frames/s, 1.5 or more for a limb the model is
        guessing, which jumps about). NaN when it cannot be told.
    """

    coverage: float
    jitter: float


def signal_quality(values: npt.ArrayLike, person: npt.ArrayLike) -> SignalQuality:
    """The :class:`SignalQuality` of ``values`` (per frame) on the frames where ``person``.

    The values are taken as they come from the pose track: smoothed coordinates give smooth
    angles and heights, so what jitter remains is the model's disagreement with itself.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.linspace(0, 2 * np.pi, 200)
    >>> q = signal_quality(np.sin(t), np.ones(200, dtype=bool))
    >>> q.coverage, q.jitter < 0.1
    (1.0, True)
    """
    x = np.asarray(values, dtype=np.float64)
    present = np.asarray(person, dtype=bool)
    n = int(present.sum())
    if n == 0:
        return SignalQuality(0.0, float("nan"))
    known = np.isfinite(x) & present
    coverage = float(known.sum()) / n
    d1 = np.abs(np.diff(x))
    d2 = np.abs(np.diff(x, 2))
    d1 = d1[np.isfinite(d1)]
    d2 = d2[np.isfinite(d2)]
    if len(d1) < 10 or len(d2) < 10 or not np.median(d1) > 0:
        return SignalQuality(coverage, float("nan"))
    return SignalQuality(coverage, float(np.median(d2) / np.median(d1)))
