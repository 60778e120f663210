"""Which of a rep's measured values the engine cannot vouch for: the pose was lost where it was taken.

Each per-rep scalar of an activity's profile is read from an angle series (a
:class:`~guru_form.activities.SeriesMeasure`), and each series from a few joints (the elbow angle
from the shoulder, elbow and wrist); the mean concentric velocity follows the profile's moving
joint. :func:`unsure_metrics` checks, on the rep's own frames, the joints each value is measured
from, and calls the value *unsure* when one of three things shows that the pose was lost:

``hidden``
    The landmark model's visibility of one of the value's joints, on the frame where the value
    is taken (the extreme's frame, or the turning point; for a velocity, both ends of the
    concentric phase), is below :data:`VISIBLE`. The pose track fills a hidden joint in from the
    frames around it, so the value is then a guess.
``impossible``
    An interior elbow or knee angle below the smallest the joint can take
    (:data:`SMALLEST_INTERIOR_ANGLE_DEG`).
``jump``
    The value's angle changes between two consecutive analysed frames of the rep faster than a
    body moves a joint (:data:`MAX_ANGULAR_SPEED_DEG_S`): the model jumped to something else.

The thresholds come from their sources (cited beside each constant), not from the footage the
repeatability of the values is measured on (``benchmarks/repeatability.py``). The engine writes
the result into the analysis's guru_form extension (:data:`guru_form.models.UNSURE_FIELD`); the
rep table's ``unsure`` column, the flags, the report, the charts and the frames read it.

Examples
--------
>>> import numpy as np
>>> series_joints("elbow_angle")
('shoulder', 'elbow', 'wrist')
>>> angle = np.array([170.0, 120.0, 8.0, 120.0, 170.0])
>>> reasons = angle_reasons("elbow_angle", angle, np.arange(5) * 33.0, 0, 4, 2)
>>> reasons[0]
'an elbow angle of 8°, below the 20° any elbow can reach'
>>> reasons[1]
'the elbow angle jumped 112° in 33 ms'
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from guru_form.activities import ActivityProfile
from guru_form.activities._profile import VELOCITY_TYPES, SeriesMeasure
from guru_form.joints import TRACK_JOINTS
from guru_form.kinematics import angle_series
from guru_form.pose.confidence import _numbers as rep_numbers

__all__ = [
    "MAX_ANGULAR_SPEED_DEG_S",
    "SMALLEST_INTERIOR_ANGLE_DEG",
    "VISIBLE",
    "angle_reasons",
    "series_joints",
    "unsure_metrics",
    "unsure_warning",
]

FloatArray = npt.NDArray[np.float64]

#: A landmark is visible when the model's visibility of it is at least this: MediaPipe's own
#: convention (its pose landmarker and drawing utilities treat a landmark with visibility below
#: 0.5 as not visible; ``_VISIBILITY_THRESHOLD = 0.5`` in ``mediapipe.python.solutions.drawing_utils``).
VISIBLE = 0.5

#: The smallest interior angle (180° = straight) each joint can take, in degrees: 180° minus its
#: largest *passive* flexion, 160° for the elbow (forearm against the upper arm) and 160° for the
#: knee (heel against the buttock), from I. A. Kapandji, *The Physiology of the Joints*, vol. 1
#: (upper limb: elbow) and vol. 2 (lower limb: knee). The AAOS's normal *active* ranges (elbow
#: 0-150°, knee 0-135° of flexion; AAOS, *Joint Motion: Method of Measuring and Recording*, 1965)
#: are not the bound: a loaded deep squat takes the knee past its active range, so a value beyond
#: it is unusual but possible. No elbow or knee reaches an interior angle below these.
SMALLEST_INTERIOR_ANGLE_DEG: dict[str, float] = {
    "elbow_angle": 180.0 - 160.0,
    "knee_angle": 180.0 - 160.0,
}

#: The fastest a joint angle of the body changes, degrees per second: above the fastest elbow
#: extension measured in sport, about 2,300 °/s (standard deviation about 300 °/s) in adult baseball
#: pitchers' throwing arm (G. S. Fleisig et al., "Kinetics of baseball pitching with implications
#: about injury mechanisms", *Am. J. Sports Med.* 23(2), 233-239, 1995), which is faster than the
#: knee and hip in kicking and sprinting. A lift or a push-up is far slower still.
MAX_ANGULAR_SPEED_DEG_S = 3000.0

_JOINT_WORDS = {"elbow_angle": "elbow", "knee_angle": "knee"}


@functools.cache
def series_joints(name: str) -> tuple[str, ...]:
    """The joints :func:`guru_form.kinematics.angle_series` reads for the series ``name``.

    Parameters
    ----------
    name
        A series of :data:`guru_form.kinematics.SERIES` (``"elbow_angle"``).

    Returns
    -------
    tuple of str
        In :data:`guru_form.joints.TRACK_JOINTS` order; empty for an unknown series.
    """
    point = np.zeros((1, 2))
    needed = []
    for joint in TRACK_JOINTS:
        others = {j: point for j in TRACK_JOINTS if j != joint}
        if name not in angle_series(others):
            needed.append(joint)
    return tuple(needed)


def _words(series: str) -> str:
    return series.replace("_", " ")


def angle_reasons(
    series: str, values: npt.ArrayLike, time_ms: npt.ArrayLike, start: int, end: int, at: int
) -> list[str]:
    """Why the value of the angle ``series`` taken on frame ``at`` of the rep ``start..end`` is
    unsure: impossible there, or the angle jumped within the rep (empty when neither).

    Parameters
    ----------
    series
        The angle series' name.
    values
        The series, per analysed frame.
    time_ms
        The analysed frames' times.
    start, end, at
        The rep's first and last frames (inclusive), and the frame the value is taken on.
    """
    x = np.asarray(values, dtype=np.float64)
    t = np.asarray(time_ms, dtype=np.float64)
    out: list[str] = []
    smallest = SMALLEST_INTERIOR_ANGLE_DEG.get(series)
    if smallest is not None and np.isfinite(x[at]) and x[at] < smallest:
        joint = _JOINT_WORDS[series]
        out.append(
            f"an {joint} angle of {x[at]:.0f}°, below the {smallest:.0f}° any {joint} can reach"
        )
    window = x[start : end + 1]
    dt = np.diff(t[start : end + 1]) / 1000.0
    change = np.abs(np.diff(window))
    with np.errstate(invalid="ignore", divide="ignore"):
        speed = np.where(dt > 0, change / dt, np.nan)
    if np.isfinite(speed).any() and np.nanmax(speed) > MAX_ANGULAR_SPEED_DEG_S:
        k = int(np.nanargmax(speed))
        out.append(f"the {_words(series)} jumped {change[k]:.0f}° in {1000.0 * dt[k]:.0f} ms")
    return out


def _joint_list(joints: Sequence[str]) -> str:
    """``"the wrist"``, ``"the shoulder, hip and knee"``."""
    if len(joints) == 1:
        return f"the {joints[0]}"
    return f"the {', '.join(joints[:-1])} and {joints[-1]}"


def _hidden(
    joints: Sequence[str], visibility: Mapping[str, FloatArray], frames: Sequence[int]
) -> list[str]:
    """Which of ``joints`` the model did not see on ``frames``, in words (empty when it saw all)."""
    low: dict[str, float] = {}
    missing = []
    for joint in joints:
        seen = visibility.get(joint)
        if seen is None:
            continue
        values = [float(seen[f]) for f in frames if not seen[f] >= VISIBLE]
        if not values:
            continue
        if all(np.isfinite(values)):
            low[joint] = min(values)
        else:
            missing.append(joint)
    out = []
    if low:
        shown = ", ".join(f"{v:.2f}" for v in low.values())
        word = "visibility" if len(low) == 1 else "visibilities"
        out.append(f"{_joint_list(list(low))} hidden, {word} {shown}")
    if missing:
        out.append(f"{_joint_list(missing)} not found")
    return out


def _taken_at(measure: SeriesMeasure, values: FloatArray, start: int, mid: int, end: int) -> int:
    """The frame a measure's value is taken on."""
    if measure.reduce == "at_turn":
        return mid
    window = values[start : end + 1]
    if not np.isfinite(window).any():
        return mid
    pick = np.nanargmin if measure.reduce == "smallest" else np.nanargmax
    return start + int(pick(window))


def unsure_metrics(
    profile: ActivityProfile,
    analyses: Mapping[str, float],
    series: Mapping[str, npt.ArrayLike],
    visibility: Mapping[str, npt.ArrayLike],
    time_ms: npt.ArrayLike,
    start: int,
    mid: int,
    end: int,
) -> dict[str, str]:
    """The rep's values that are unsure, each with why (see the module docstring).

    Parameters
    ----------
    profile
        The activity's profile: which value is read from which series, and the moving joint.
    analyses
        The rep's values (``analysisType -> value``); only these are checked.
    series
        The pose track's angle series (``PoseTrack.series()``).
    visibility
        Per joint, the model's visibility on each analysed frame (``<joint>_visibility``).
    time_ms
        The analysed frames' times.
    start, mid, end
        The rep's frames (inclusive).

    Returns
    -------
    dict
        ``analysisType -> why`` (reasons joined by ``" and "``); empty when every value is sure.
    """
    seen = {j: np.asarray(v, dtype=np.float64) for j, v in visibility.items()}
    out: dict[str, str] = {}
    for measure in profile.measures:
        if not isinstance(measure, SeriesMeasure) or measure.analysis_type not in analyses:
            continue
        if measure.series not in series:
            continue
        values = np.asarray(series[measure.series], dtype=np.float64)
        at = _taken_at(measure, values, start, mid, end)
        reasons = _hidden(series_joints(measure.series), seen, [at])
        reasons += angle_reasons(measure.series, values, time_ms, start, end, at)
        if reasons:
            out[measure.analysis_type] = " and ".join(reasons)
    ends = (mid, end) if profile.lowers_first else (start, mid)
    for name in VELOCITY_TYPES:
        if name in analyses:
            reasons = _hidden((profile.moving_joint,), seen, ends)
            if reasons:
                out[name] = " and ".join(reasons)
    return out


def unsure_warning(unsure: Sequence[Mapping[str, str]]) -> str | None:
    """The sentence for the analysis's warnings naming the reps with unsure values (None if none).

    Parameters
    ----------
    unsure
        Per rep, its unsure values (:func:`unsure_metrics`).

    Examples
    --------
    >>> unsure_warning([{}, {"ELBOW_ANGLE_DEGREES": "the wrist hidden, visibility 0.21"}, {}])
    "Rep 2: the pose was lost where some of its values were taken (the wrist hidden, visibility 0.21); they read 'unsure' and set figures leave them out: check it on the video."
    >>> unsure_warning([{}, {}]) is None
    True
    """
    reps = [k + 1 for k, values in enumerate(unsure) if values]
    if not reps:
        return None
    first = next(why for values in unsure for why in values.values())
    one = len(reps) == 1
    numbers = rep_numbers(reps)
    example = first if one else f"e.g. {first}"
    return (
        f"{'Rep' if one else 'Reps'} {numbers}: the pose was lost where some of "
        f"{'its' if one else 'their'} values were taken ({example}); they read 'unsure' and set "
        f"figures leave them out: check {'it' if one else 'them'} on the video."
    )
