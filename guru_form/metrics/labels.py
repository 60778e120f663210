"""What a metric is called, and which metric a coach looks at first.

Labels come from the analysis-type table (:data:`~guru_form.metrics.ANALYSIS_TYPES`) for the API's
types, from a short list for the tables' own columns (``duration_s`` is "Rep duration"), and
otherwise from the column's name without its unit suffix. The key metric of a set is its
activity's profile's (:mod:`guru_form.activities`).

Examples
--------
>>> metric_label("HIP_KNEE_ANGLE_DEGREES"), axis_label("duration_s")
('Squat depth (thigh vs horizontal)', 'Rep duration (s)')
"""

from __future__ import annotations

import pandas as pd

from guru_form import activities
from guru_form.errors import InvalidInputError
from guru_form.metrics.analysis_types import ANALYSIS_TYPES, unit_of
from guru_form.metrics.schema import (
    CONCENTRIC_S,
    DURATION_S,
    ECCENTRIC_S,
    END_MS,
    FLAG_PREFIX,
    MID_MS,
    REP,
    REP_COLUMNS,
    START_MS,
    VELOCITY_LOSS,
    frame_activity,
)
from guru_form.metrics.units import SUFFIX_UNITS, UNWRITTEN_UNITS

__all__ = ["axis_label", "column_header", "key_metric", "metric_label"]

_LABELS = {
    REP: "Rep",
    START_MS: "Start",
    MID_MS: "Turning point",
    END_MS: "End",
    DURATION_S: "Rep duration",
    ECCENTRIC_S: "Eccentric (lowering) time",
    CONCENTRIC_S: "Concentric (lifting) time",
    VELOCITY_LOSS: "Velocity loss",
    # guru_form.tables.summarize
    "std": "SD",
    "cv_percent": "Coefficient of variation",
    "slope_per_rep": "Change per rep",
    "first_last_change_percent": "First to last rep",
    # guru_form.tables.set_summary
    "rep_count": "Reps",
    "mean_duration_s": "Mean rep time",
    "mean_eccentric_s": "Mean eccentric",
    "mean_concentric_s": "Mean concentric",
    "time_under_tension_s": "Time under tension",
    "set_duration_s": "Set duration",
    "between_reps_s": "Paused between reps",
}


def _humanize(column: str) -> str:
    """The column's name without its unit suffix, in words (``"BAR_PATH_CM"`` -> "Bar path")."""
    text = column
    for suffix, _ in SUFFIX_UNITS:
        if text.upper().endswith(suffix):
            text = text[: -len(suffix)]
            break
    text = text.replace("_", " ").strip()
    return text[:1].upper() + text[1:].lower() if text.isupper() else text[:1].upper() + text[1:]


def metric_label(column: str) -> str:
    """A column's short human name, without its unit (``"Squat depth (thigh vs horizontal)"``).

    Parameters
    ----------
    column
        An analysisType, a column of :func:`guru_form.tables.reps_frame` or a derived column.

    Returns
    -------
    str
        The analysis type's label, the column's known label, or its name made readable.
    """
    known = ANALYSIS_TYPES.get(column)
    if known is not None:
        return known.label
    return _LABELS.get(column, _humanize(column))


def axis_label(column: str, *, label: str | None = None) -> str:
    """``"Squat depth (thigh vs horizontal) (deg)"``: a column's human label and its unit.

    Parameters
    ----------
    column
        An analysisType (``HIP_KNEE_ANGLE_DEGREES``) or a column of :func:`reps_frame` and the
        derived frames (``duration_s``, ``velocity_loss_percent``); others are humanised.
    label
        Use this label instead of the known one; the unit is still added.

    Returns
    -------
    str
        ``"<label> (<unit>)"``, or the label alone for a column without a unit.

    Examples
    --------
    >>> axis_label("HIP_KNEE_ANGLE_DEGREES")
    'Squat depth (thigh vs horizontal) (deg)'
    >>> axis_label("duration_s"), axis_label("rep")
    ('Rep duration (s)', 'Rep')
    """
    label = metric_label(column) if label is None else label
    unit = unit_of(column)
    return f"{label} ({unit})" if unit and unit not in UNWRITTEN_UNITS else label


def column_header(column: str) -> str:
    """A table header for a column: its label without the words in brackets, and its unit.

    Parameters
    ----------
    column
        An analysisType or a column of the tables.

    Returns
    -------
    str
        ``"Squat depth (deg)"`` for ``HIP_KNEE_ANGLE_DEGREES``, ``"Rep duration (s)"`` for
        ``duration_s``, ``"Rep"`` for ``rep``: short enough for a table's header, where
        :func:`axis_label` would be long.

    Examples
    --------
    >>> column_header("HIP_KNEE_ANGLE_DEGREES"), column_header("MEAN_CONCENTRIC_VELOCITY_BH_PER_S")
    ('Squat depth (deg)', 'Mean concentric velocity (BH/s)')
    >>> column_header("eccentric_s"), column_header("rep")
    ('Eccentric (s)', 'Rep')
    """
    return axis_label(column, label=metric_label(column).split(" (")[0])


def key_metric(frame: pd.DataFrame) -> str:
    """The metric a coach looks at first: the key metric of the set's activity, else the frame's
    first analysisType column.

    Parameters
    ----------
    frame
        A wide frame from :func:`guru_form.tables.reps_frame`.

    Returns
    -------
    str
        The column's name: the profile's ``key_metric`` (``HIP_KNEE_ANGLE_DEGREES`` for a squat,
        ``ELBOW_ANGLE_DEGREES`` for a push-up or bench press, ``LOCKOUT_HIP_ANGLE_DEGREES`` for a
        deadlift), or its depth or lockout metric when the frame lacks that.

    Raises
    ------
    InvalidInputError
        The frame has no metric column at all.

    Examples
    --------
    >>> from guru_form.tables.examples import example_analysis
    >>> from guru_form.tables import reps_frame
    >>> key_metric(reps_frame(example_analysis("deadlift", reps=2)))
    'LOCKOUT_HIP_ANGLE_DEGREES'
    """
    profile = activities.find(frame_activity(frame))
    if profile is not None:
        for metric in (profile.key_metric, profile.depth_metric, profile.lockout_metric):
            if metric is not None and metric in frame.columns:
                return metric
    extra = [c for c in frame.columns if c not in REP_COLUMNS and c in ANALYSIS_TYPES]
    extra = extra or [
        str(c)
        for c in frame.columns
        if c not in REP_COLUMNS
        and pd.api.types.is_float_dtype(frame[c].dtype)
        and not str(c).startswith(FLAG_PREFIX)
    ]
    if not extra:
        raise InvalidInputError(
            "the frame has no analysisType column to plot; pass column= (e.g. 'duration_s')"
        )
    return str(extra[0])
