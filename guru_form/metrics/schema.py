"""The column schema of guru_form's tables: names, order, dtypes, units, and checks on frames.

The wide frame's fixed columns (DESIGN.md) come first, in this order; one float column per
analysisType follows. Units are never written down here: every column's unit comes from
:func:`guru_form.metrics.unit_of`, which reads it from the name's suffix (``_ms``, ``_s``,
``_percent``, ``_DEGREES``, ...). Derived columns are named so that this works.

Also here: which rows of a frame form one set (:func:`group_keys`) and rep order within a set
(:func:`rep_order`), the checks that give a clear error for a frame or an analysis that is not
what a function needs (:func:`require_columns`, :func:`as_analysis`), and the activity a frame
records (:func:`frame_activity`).

Examples
--------
>>> REP_COLUMNS[:4]
('rep', 'start_ms', 'mid_ms', 'end_ms')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from guru_form.activities import VELOCITY_TYPES
from guru_form.errors import InvalidInputError
from guru_form.metrics.analysis_types import unit_of
from guru_form.models import Activity, Analysis

__all__ = [
    "BORDERLINE_PREFIX",
    "CONCENTRIC_S",
    "DURATION_S",
    "ECCENTRIC_S",
    "END_MS",
    "FLAG_PREFIX",
    "LONG_COLUMNS",
    "MID_MS",
    "OPINIONS",
    "OPINION_PREFIX",
    "OUTLIER",
    "OUTLIER_WORDS",
    "REP",
    "REP_COLUMNS",
    "SESSION_COLUMNS",
    "START_MS",
    "TIMING_COLUMNS",
    "UNSURE",
    "UNSURE_PREFIX",
    "VELOCITY_COLUMNS",
    "VELOCITY_LOSS",
    "as_analysis",
    "column_units",
    "empty_rep_columns",
    "frame_activity",
    "group_keys",
    "rep_order",
    "require_columns",
    "unsure_in",
    "unsure_of",
    "unsure_reasons",
    "unsure_text",
]

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
#: Prefix of the boolean column beside each flag that marks its borderline reps (a value within the
#: measurement's repeatability of the limit): ``borderline_shallow`` beside ``flag_shallow``.
BORDERLINE_PREFIX = "borderline_"
VELOCITY_LOSS = "velocity_loss_percent"
#: The rep's outlier mark from the local pose engine (``Rep.outlier``: ``"partial"``,
#: ``"runs_into_next_movement"``), None for a normal rep. :func:`guru_form.tables.reps_frame` adds
#: the column only when a rep carries a mark; set-level figures (the set's velocity loss, the
#: reference rep of each rep's loss) leave marked reps out.
OUTLIER = "outlier"
#: An outlier mark in words, for reports ("leaves out rep 10: it ran into the next movement").
OUTLIER_WORDS: dict[str, str] = {
    "partial": "a partial rep",
    "runs_into_next_movement": "it ran into the next movement",
}

#: Velocity columns in order of preference (metres per second when the height was known).
VELOCITY_COLUMNS: tuple[str, ...] = VELOCITY_TYPES
#: The values of the rep the local pose engine is unsure of, and why (``Rep.unsure``, see
#: :mod:`guru_form.pose.unsure`), as text that reads in a notebook and in a CSV file:
#: ``"ELBOW_ANGLE_DEGREES: the wrist hidden, visibility 0.21; LOCKOUT_..."`` (:func:`unsure_text`);
#: None when every value is sure. :func:`guru_form.tables.reps_frame` adds the column only when a
#: rep has an unsure value; :func:`unsure_of` reads it. Flags, charts and set-level figures treat
#: an unsure value as unknown, and say so.
UNSURE = "unsure"
#: Prefix of the boolean column beside each flag that marks the reps whose judged value is unsure:
#: ``unsure_shallow`` beside ``flag_shallow``.
UNSURE_PREFIX = "unsure_"


def unsure_text(unsure: dict[str, str]) -> str | None:
    """A rep's unsure values as the ``unsure`` column writes them (None when there are none).

    Examples
    --------
    >>> unsure_text({"ELBOW_ANGLE_DEGREES": "the wrist hidden, visibility 0.21"})
    'ELBOW_ANGLE_DEGREES: the wrist hidden, visibility 0.21'
    >>> unsure_text({}) is None
    True
    """
    if not unsure:
        return None
    return "; ".join(f"{name}: {why}" for name, why in unsure.items())


def unsure_reasons(text: object) -> dict[str, str]:
    """The ``unsure`` column's text back as ``metric -> why`` (empty for a missing value).

    Examples
    --------
    >>> unsure_reasons("ELBOW_ANGLE_DEGREES: the wrist hidden, visibility 0.21; X: y")
    {'ELBOW_ANGLE_DEGREES': 'the wrist hidden, visibility 0.21', 'X': 'y'}
    >>> unsure_reasons(None), unsure_reasons(float("nan"))
    ({}, {})
    """
    if not isinstance(text, str):
        return {}
    out: dict[str, str] = {}
    for part in text.split(";"):
        name, _, why = part.strip().partition(":")
        if name.strip():
            out[name.strip()] = why.strip() or "the pose was lost"
    return out


def unsure_of(frame: pd.DataFrame, column: str) -> pd.Series:
    """Per row, why the row's value of ``column`` is unsure, or None when it is sure.

    A rep's ``velocity_loss_percent`` is as unsure as its velocity. A frame without an
    ``unsure`` column (the hosted API's analyses, a clean set) is sure everywhere.

    Parameters
    ----------
    frame
        A wide frame (:func:`guru_form.tables.reps_frame`).
    column
        The column judged.

    Returns
    -------
    pandas.Series
        Object dtype, on ``frame``'s index.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rep": [1, 2], "unsure": [None, "ELBOW_ANGLE_DEGREES: the elbow hidden"]})
    >>> unsure_of(df, "ELBOW_ANGLE_DEGREES").tolist()
    [None, 'the elbow hidden']
    """
    if UNSURE not in frame.columns:
        return pd.Series([None] * len(frame), index=frame.index, dtype="object")
    values = [unsure_in(text, column) for text in frame[UNSURE]]
    return pd.Series(values, index=frame.index, dtype="object")


def unsure_in(text: object, column: str) -> str | None:
    """Why the value of ``column`` is unsure, from one rep's ``unsure`` text (None when sure).

    Examples
    --------
    >>> unsure_in("MEAN_CONCENTRIC_VELOCITY_BH_PER_S: the wrist hidden", "velocity_loss_percent")
    'the wrist hidden'
    >>> unsure_in(None, "ELBOW_ANGLE_DEGREES") is None
    True
    """
    names = VELOCITY_COLUMNS if column == VELOCITY_LOSS else (column,)
    reasons = unsure_reasons(text)
    found = [reasons[n] for n in names if n in reasons]
    return " and ".join(found) if found else None


def empty_rep_columns() -> dict[str, pd.Series[Any]]:
    """The fixed columns with their dtypes and no rows."""
    return {
        name: pd.Series([], dtype="int64" if name in _INT_COLUMNS else "float64")
        for name in REP_COLUMNS
    }


def column_units(frame: pd.DataFrame) -> dict[str, str | None]:
    """The unit of every column of a frame made by :mod:`guru_form.tables`.

    Units come from :func:`guru_form.metrics.unit_of` (``start_ms`` -> ``ms``,
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


def group_keys(frame: pd.DataFrame, by: str | Sequence[str] | None, what: str) -> list[str]:
    """``by`` as a list of column names, checked; refuse to mix sets silently.

    A frame with repeated rep numbers holds several sets (e.g. from ``combine(..., wide=True)``);
    without ``by`` its reps would be compared across sets, so that is an error.
    """
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    require_columns(frame, [REP, *keys], what)
    if not keys and frame[REP].duplicated().any():
        raise InvalidInputError(
            f"{what}: the frame holds several sets (rep numbers repeat); pass by=<label column>, "
            f"e.g. by='session' for a frame from combine(..., wide=True)"
        )
    return keys


def rep_order(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The frame sorted by (keys..., rep), stable, keeping the original index."""
    result_: pd.DataFrame = frame.sort_values([*keys, REP], kind="stable")
    return result_
