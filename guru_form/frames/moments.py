"""Where in a rep each of its numbers was measured: the frame of a rep's smallest angle, and so on.

A rep's analysis scalars are read from the pose track's cleaned series by its activity's
profile (:class:`~guru_form.activities.SeriesMeasure`): the value at the turning point, or the
smallest or largest over the rep's frames. The smallest elbow angle of a push-up is often
reached a little before the shoulders are lowest, so the frame at the turning point shows
another angle than the rep's number. :func:`measured_at` finds the frame the number came from
(the pose track has it), so that a picture can show that frame, or say which it is.

Pure functions of an :class:`~guru_form.models.Analysis` and its pose track; nothing here
decodes or draws.

Examples
--------
>>> import pandas as pd
>>> from guru_form.models import Activity, Analysis, Rep, Status
>>> track = pd.DataFrame({"frame": range(5), "time_ms": [0, 100, 200, 300, 400],
...                       "elbow_angle": [170.0, 95.0, 80.0, 84.0, 168.0]})
>>> rep = Rep(0, 300, 400, {"ELBOW_ANGLE_DEGREES": 80.0})
>>> a = Analysis(None, Status.COMPLETE, activity=Activity.PUSH_UP, reps=[rep], pose_track=track)
>>> measured_at(a, 1, "ELBOW_ANGLE_DEGREES")
Moment(analysis_type='ELBOW_ANGLE_DEGREES', reduce='smallest', frame_index=2, time_ms=200.0, value=80.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from guru_form import activities
from guru_form.activities import SeriesMeasure
from guru_form.models import Analysis

__all__ = ["Moment", "key_moment", "measure_of", "measured_at"]


@dataclass(frozen=True)
class Moment:
    """The frame a rep's number was measured on.

    Attributes
    ----------
    analysis_type
        The number (``ELBOW_ANGLE_DEGREES``).
    reduce
        How it was read: ``"smallest"``, ``"largest"`` or ``"at_turn"``.
    frame_index
        The video frame (0-based, the pose track's ``frame``).
    time_ms
        That frame's time.
    value
        The series' value on that frame: the rep's number when the analysis came from this
        track.
    """

    analysis_type: str
    reduce: str
    frame_index: int
    time_ms: float
    value: float


def measure_of(analysis: Analysis, analysis_type: str) -> SeriesMeasure | None:
    """How the activity's profile reads ``analysis_type`` from a series, or None.

    Parameters
    ----------
    analysis
        The analysis, whose activity names the profile.
    analysis_type
        An API analysis type, e.g. ``"HIP_KNEE_ANGLE_DEGREES"``.

    Returns
    -------
    SeriesMeasure or None
        None when the activity has no profile or its profile does not measure the type from an
        angle series (a lunge's leading side is not measured on a frame).
    """
    profile = activities.find(analysis.activity)
    if profile is None:
        return None
    return next(
        (
            m
            for m in profile.measures
            if isinstance(m, SeriesMeasure) and m.analysis_type == analysis_type
        ),
        None,
    )


def _track_frame(analysis: Analysis) -> Any:
    track = analysis.pose_track
    if track is None:
        return None
    return track if hasattr(track, "columns") else getattr(track, "frame", None)


def measured_at(analysis: Analysis, rep: int, analysis_type: str) -> Moment | None:
    """The frame rep ``rep``'s ``analysis_type`` was measured on.

    Parameters
    ----------
    analysis
        An analysis with its pose track (made by the local pose engine).
    rep
        The 1-based rep number.
    analysis_type
        One of the rep's numbers that the activity's profile reads from a series.

    Returns
    -------
    Moment or None
        The frame of the smallest or largest value of the series over the rep's frames (start to
        end, inclusive), or the frame at its turning point; None without a pose track, for a
        number the profile does not read from a series (a velocity), or when the series has no
        value in the rep.
    """
    measure = measure_of(analysis, analysis_type)
    frame = _track_frame(analysis)
    if measure is None or frame is None or measure.series not in frame.columns:
        return None
    r = analysis.reps[rep - 1]
    times = frame["time_ms"].to_numpy(dtype=float)
    values = frame[measure.series].to_numpy(dtype=float)
    inside = np.flatnonzero((times >= r.start_ms - 0.5) & (times <= r.end_ms + 0.5))
    if inside.size == 0:
        return None
    if measure.reduce == "at_turn":
        row = int(inside[np.argmin(np.abs(times[inside] - r.mid_ms))])
    else:
        window = values[inside]
        if not np.isfinite(window).any():
            return None
        pick = np.nanargmin if measure.reduce == "smallest" else np.nanargmax
        row = int(inside[int(pick(window))])
    value = float(values[row])
    if math.isnan(value):
        return None
    index = int(frame["frame"].iloc[row]) if "frame" in frame.columns else row
    return Moment(analysis_type, measure.reduce, index, float(times[row]), value)


def key_moment(analysis: Analysis, rep: int) -> Moment | None:
    """Where rep ``rep``'s key metric (its profile's ``key_metric``) was measured, or None.

    Parameters
    ----------
    analysis
        The analysis, with its pose track.
    rep
        The rep's number, from 1.

    Returns
    -------
    Moment or None
        None when the activity has no profile or the moment cannot be found (see
        :func:`measured_at`).
    """
    profile = activities.find(analysis.activity)
    if profile is None:
        return None
    return measured_at(analysis, rep, profile.key_metric)
