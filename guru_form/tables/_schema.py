"""Column names, dtypes and per-activity defaults shared by the table modules.

The wide frame's fixed columns (DESIGN.md) come first, in this order; one float column per
analysisType follows. Units are never written down here: every column's unit comes from
:func:`guru_form.analysis_types.unit_of`, which reads it from the name's suffix (``_ms``, ``_s``,
``_percent``, ``_DEGREES``, ...). Derived columns are named so that this works.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from guru_form.analysis_types import unit_of
from guru_form.errors import InvalidInputError
from guru_form.models import Activity, Analysis

REP = "rep"
START_MS = "start_ms"
MID_MS = "mid_ms"
END_MS = "end_ms"
DURATION_S = "duration_s"
ECCENTRIC_S = "eccentric_s"
CONCENTRIC_S = "concentric_s"

#: The fixed leading columns of :func:`guru_form.tables.reps_frame`, in order.
REP_COLUMNS: tuple[str, ...] = (
    REP,
    START_MS,
    MID_MS,
    END_MS,
    DURATION_S,
    ECCENTRIC_S,
    CONCENTRIC_S,
)
#: The columns of :func:`guru_form.tables.analyses_frame`, in order.
LONG_COLUMNS: tuple[str, ...] = (REP, "analysis_type", "value")
TIMING_COLUMNS: tuple[str, ...] = (DURATION_S, ECCENTRIC_S, CONCENTRIC_S)
_INT_COLUMNS = frozenset({REP, START_MS, MID_MS, END_MS})
#: Columns :func:`guru_form.tables.combine` puts in front of the rep columns.
SESSION_COLUMNS: tuple[str, ...] = ("video_id", "activity")
#: Prefix of every boolean flag column added by :mod:`guru_form.tables.flags`.
FLAG_PREFIX = "flag_"
#: Prefix of the columns holding Guru's opinion of each rep on an analysisType.
OPINION_PREFIX = "opinion_"
#: The opinions the API documents (``analysisOpinion``).
OPINIONS: tuple[str, ...] = ("good", "bad")
VELOCITY_LOSS = "velocity_loss_percent"

#: The depth metric of each activity: the lower, the deeper the rep.
DEPTH_COLUMN: dict[Activity, str] = {
    Activity.SQUAT: "HIP_KNEE_ANGLE_DEGREES",
    Activity.PUSH_UP: "ELBOW_ANGLE_DEGREES",
    Activity.BENCH_PRESS: "ELBOW_ANGLE_DEGREES",
}
#: The lockout metric of each activity: the higher, the fuller the lockout.
LOCKOUT_COLUMN: dict[Activity, str] = {
    Activity.DEADLIFT: "LOCKOUT_HIP_ANGLE_DEGREES",
    Activity.PUSH_UP: "LOCKOUT_ELBOW_ANGLE_DEGREES",
    Activity.BENCH_PRESS: "LOCKOUT_ELBOW_ANGLE_DEGREES",
}
#: Velocity columns in order of preference (metres per second when the height was known).
VELOCITY_COLUMNS: tuple[str, ...] = (
    "MEAN_CONCENTRIC_VELOCITY_M_PER_S",
    "MEAN_CONCENTRIC_VELOCITY_BH_PER_S",
)


def empty_rep_columns() -> dict[str, pd.Series[Any]]:
    """The fixed columns with their dtypes and no rows."""
    return {
        name: pd.Series([], dtype="int64" if name in _INT_COLUMNS else "float64")
        for name in REP_COLUMNS
    }


def column_units(frame: pd.DataFrame) -> dict[str, str | None]:
    """The unit of every column of a frame made by :mod:`guru_form.tables`.

    Units come from :func:`guru_form.analysis_types.unit_of` (``start_ms`` -> ``ms``,
    ``duration_s`` -> ``s``, ``HIP_KNEE_ANGLE_DEGREES`` -> ``deg``, ``velocity_loss_percent`` ->
    ``%``); boolean, categorical and text columns and counters such as ``rep`` have none.

    Parameters
    ----------
    frame
        A frame from :mod:`guru_form.tables` (any frame works; unknown columns get None).

    Returns
    -------
    dict
        ``column -> unit`` (``None`` for a column without one), in column order.

    Examples
    --------
    >>> import pandas as pd
    >>> column_units(pd.DataFrame({"rep": [1], "duration_s": [2.0], "KNEE_ANGLE_DEGREES": [90.0]}))
    {'rep': None, 'duration_s': 's', 'KNEE_ANGLE_DEGREES': 'deg'}
    """
    units: dict[str, str | None] = {}
    for name in frame.columns:
        dtype = frame[name].dtype
        numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        units[str(name)] = unit_of(str(name)) if numeric and name != REP else None
    return units


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
    from guru_form.analysis_types import ANALYSIS_TYPES

    if label is None:
        known = ANALYSIS_TYPES.get(column)
        label = known.label if known is not None else _LABELS.get(column, _humanize(column))
    unit = unit_of(column)
    return f"{label} ({unit})" if unit else label


_LABELS = {
    REP: "Rep",
    START_MS: "Start",
    MID_MS: "Turning point",
    END_MS: "End",
    DURATION_S: "Rep duration",
    ECCENTRIC_S: "Eccentric (lowering) time",
    CONCENTRIC_S: "Concentric (lifting) time",
    VELOCITY_LOSS: "Velocity loss",
}

_UNIT_SUFFIXES = ("_percent", "_degrees", "_ms", "_s", "_m_per_s", "_bh_per_s")


def _humanize(column: str) -> str:
    text = column
    for suffix in _UNIT_SUFFIXES:
        if text.lower().endswith(suffix):
            text = text[: -len(suffix)]
            break
    text = text.replace("_", " ").strip()
    return text[:1].upper() + text[1:].lower() if text.isupper() else text[:1].upper() + text[1:]


def frame_activity(frame: pd.DataFrame) -> Activity | None:
    """The activity recorded in ``frame.attrs`` (or a single-valued ``activity`` column)."""
    value = frame.attrs.get("activity")
    if value is None and "activity" in frame.columns:
        values = frame["activity"].dropna().unique()
        if len(values) == 1:
            value = values[0]
    if value is None:
        return None
    try:
        return Activity(str(value))
    except ValueError:
        return None


def require_columns(frame: pd.DataFrame, columns: list[str] | tuple[str, ...], what: str) -> None:
    """Raise a clear error when ``frame`` lacks any of ``columns``."""
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError(
            f"{what} needs a DataFrame from guru_form.tables (e.g. reps_frame(analysis)), "
            f"got {type(frame).__name__}"
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns)) or "no columns"
        raise InvalidInputError(
            f"{what} needs column(s) {', '.join(missing)}; the frame has {have}. "
            f"Make it with guru_form.tables.reps_frame(analysis)."
        )


def as_analysis(value: object, what: str) -> Analysis:
    """Accept an :class:`Analysis` (or the API's JSON dict) and reject anything else clearly."""
    if isinstance(value, Analysis):
        return value
    if isinstance(value, dict):
        return Analysis.from_json(value)
    raise InvalidInputError(
        f"{what} takes an Analysis (or the API's analysis JSON as a dict), got "
        f"{type(value).__name__}; load one with Analysis.load(path) or client.get_analysis(id)"
    )
