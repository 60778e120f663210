"""A rep's analysis scalars from the pose track's series, as an activity's profile defines them.

Pure functions of numpy arrays. The local pose engine applies them to estimated joint positions;
the synthetic videos' ground truth applies them to the rendered figure's exact joints, so the two
are comparable by construction. Each scalar's unit and definition is in
:mod:`guru_form.metrics`; which scalars an activity has, and from which series, is in its profile.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from guru_form.activities._profile import (
    VELOCITY_TYPES,
    ActivityProfile,
    LeadingSide,
    SeriesMeasure,
)

__all__ = [
    "HUMAN_HEIGHT_CM",
    "TOP_BAND",
    "leading_side",
    "mean_concentric_velocity",
    "rep_analyses",
    "velocity_in_m_per_s",
]

FloatArray = npt.NDArray[np.float64]

#: When a rep lifts first (a deadlift), its concentric phase, for its velocity, ends on the first
#: frame where the moving joint is within this fraction of its travel from the highest it gets
#: before ``mid`` (the bar has stopped rising), as a bottom is found within 3 % of the lowest
#: (:mod:`guru_form.pose.segmentation`).
TOP_BAND = 0.03

#: The athlete heights (cm) taken as human: outside them, a height was given in the wrong unit.
HUMAN_HEIGHT_CM = (50.0, 260.0)


def velocity_in_m_per_s(body_heights_per_s: float, athlete_height_cm: float) -> float:
    """A velocity in body heights per second, in metres per second for an athlete this tall.

    Examples
    --------
    >>> velocity_in_m_per_s(0.25, 180.0)
    0.45
    """
    return body_heights_per_s * athlete_height_cm / 100.0


def _xy(values: npt.ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def _measure(measure: SeriesMeasure, series: FloatArray, start: int, mid: int, end: int) -> float:
    if measure.reduce == "at_turn":
        return float(series[mid])
    window = series[start : end + 1]
    if not np.isfinite(window).any():
        return float("nan")
    return float(np.nanmin(window) if measure.reduce == "smallest" else np.nanmax(window))


def rep_analyses(
    profile: ActivityProfile,
    series: Mapping[str, npt.ArrayLike],
    start: int,
    mid: int,
    end: int,
    *,
    time_s: npt.ArrayLike,
    moving_joint_y: npt.ArrayLike | None = None,
    body_height: float | None = None,
    athlete_height_cm: float | None = None,
    joints: Mapping[str, npt.ArrayLike] | None = None,
    sides: Sequence[str | None] | None = None,
) -> dict[str, float]:
    """The analysis scalars of one rep, as the activity's profile defines them.

    Parameters
    ----------
    profile
        The activity's profile: which scalars, from which series.
    series
        Per-frame series from :func:`guru_form.kinematics.angle_series` (the chosen side).
    start, mid, end
        Frame indices of the rep's start, turning point and end (inclusive).
    time_s
        Per-frame presentation time in seconds.
    moving_joint_y
        Per-frame image y (pixels) of the profile's moving joint. Needed for the velocity
        estimate.
    body_height
        The athlete's standing height in pixels (see :func:`guru_form.kinematics.body_height_px`).
    athlete_height_cm
        When given, velocity is reported in m/s; otherwise in body heights per second.
    joints
        The tracked side's joints, each ``(n_frames, 2)`` pixels (for :class:`LeadingSide`).
    sides
        Per frame, which side of the body the joints are (``"left"``/``"right"``; for
        :class:`LeadingSide`).

    Returns
    -------
    dict
        ``analysisType -> value``, in the profile's order; a value whose inputs are missing is
        left out.

    Raises
    ------
    ValueError
        When the rep's frames are not ordered ``0 <= start <= mid <= end``.

    Examples
    --------
    >>> import numpy as np
    >>> from guru_form import activities
    >>> knee = np.array([175.0, 120.0, 80.0, 120.0, 175.0])
    >>> rep_analyses(activities.get("squat"), {"knee_angle": knee}, 0, 2, 4, time_s=np.arange(5) / 30)
    {'KNEE_ANGLE_DEGREES': 80.0}
    """
    if not 0 <= start <= mid <= end:
        raise ValueError(f"rep frames must satisfy 0 <= start <= mid <= end, got {start, mid, end}")
    out: dict[str, float] = {}
    for measure in profile.measures:
        if isinstance(measure, LeadingSide):
            value = leading_side(measure, joints, sides, start, mid, end)
        elif measure.series in series:
            value = _measure(measure, _xy(series[measure.series]), start, mid, end)
        else:
            continue
        if np.isfinite(value):
            out[measure.analysis_type] = value
    if profile.velocity and moving_joint_y is not None and body_height:
        velocity = mean_concentric_velocity(
            _xy(moving_joint_y), _xy(time_s), start, mid, end, body_height, profile.lowers_first
        )
        if np.isfinite(velocity):
            if athlete_height_cm:
                out[VELOCITY_TYPES[0]] = velocity_in_m_per_s(velocity, athlete_height_cm)
            else:
                out[VELOCITY_TYPES[1]] = velocity
    return out


def mean_concentric_velocity(
    y: FloatArray,
    t: FloatArray,
    start: int,
    mid: int,
    end: int,
    body_height: float,
    lowers_first: bool,
) -> float:
    """Net vertical displacement of the moving joint over the concentric phase / its duration.

    The concentric phase is ``mid -> end`` for a rep that lowers first, ``start -> mid`` for one
    that lifts first (the deadlift). The deadlift's ``mid`` is when the hip angle reaches the
    lockout; the bar stops rising at or before then (the last degrees of hip extension move the
    shoulders back rather than up, and a lockout held while the hip creeps open is called late),
    so its phase ends where the moving joint reaches the top: the first frame within
    :data:`TOP_BAND` of its travel from the highest it gets by ``mid``.

    Parameters
    ----------
    y
        Per-frame image y of the moving joint, pixels (y down).
    t
        Per-frame time, seconds.
    start, mid, end
        The rep's frames.
    body_height
        The athlete's standing height in pixels.
    lowers_first
        The activity's phase order.

    Returns
    -------
    float
        Body heights per second; NaN when the phase has no duration or its ends are unknown.
    """
    if lowers_first:
        a, b = mid, end
    else:
        a, b = start, _top_reached(y, start, mid)
    duration = float(t[b] - t[a])
    if duration <= 0 or not (np.isfinite(y[a]) and np.isfinite(y[b])):
        return float("nan")
    return abs(float(y[b] - y[a])) / body_height / duration


def _top_reached(y: FloatArray, start: int, mid: int) -> int:
    """First frame in ``start..mid`` within :data:`TOP_BAND` of the travel from the top (y down)."""
    rise = y[start : mid + 1]
    if not np.isfinite(rise).all():
        return mid
    top = float(np.min(rise))
    return start + int(np.argmax(rise <= top + TOP_BAND * (float(rise[0]) - top)))


def leading_side(
    measure: LeadingSide,
    joints: Mapping[str, npt.ArrayLike] | None,
    sides: Sequence[str | None] | None,
    start: int,
    mid: int,
    end: int,
) -> float:
    """1.0 when the left side leads the rep, 0.0 when the right does (see :class:`LeadingSide`).

    Parameters
    ----------
    measure
        Which joint leads, ahead of which.
    joints
        The tracked side's joints, each ``(n_frames, 2)`` pixels; ``heel`` and ``foot_index``
        give the direction the athlete faces.
    sides
        Per frame, the tracked side's name.
    start, mid, end
        The rep's frames.

    Returns
    -------
    float
        1.0 or 0.0; NaN when the joints, the side or the facing direction are not known.

    Examples
    --------
    >>> import numpy as np
    >>> ankle, hip = np.array([[130.0, 400.0]] * 3), np.array([[100.0, 250.0]] * 3)
    >>> heel, toe = np.array([[120.0, 410.0]] * 3), np.array([[160.0, 410.0]] * 3)
    >>> joints = {"ankle": ankle, "hip": hip, "heel": heel, "foot_index": toe}
    >>> leading_side(LeadingSide(), joints, ["right"] * 3, 0, 1, 2)  # right foot ahead: right
    0.0
    >>> leading_side(LeadingSide(), joints | {"ankle": ankle - 60}, ["right"] * 3, 0, 1, 2)
    1.0
    """
    needed = (measure.joint, measure.reference, "heel", "foot_index")
    if joints is None or sides is None or any(j not in joints for j in needed):
        return float("nan")
    side = sides[mid]
    if side not in ("left", "right"):
        return float("nan")
    window = slice(start, end + 1)
    foot = _xy(joints["foot_index"])[window, 0] - _xy(joints["heel"])[window, 0]
    facing = float(np.sign(np.nanmedian(foot))) if np.isfinite(foot).any() else 0.0
    ahead = (_xy(joints[measure.joint])[mid, 0] - _xy(joints[measure.reference])[mid, 0]) * facing
    if facing == 0.0 or not np.isfinite(ahead):
        return float("nan")
    leading = side if ahead > 0 else ("right" if side == "left" else "left")
    return 1.0 if leading == "left" else 0.0
