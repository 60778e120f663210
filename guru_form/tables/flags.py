"""Form flags: plain boolean columns a coach asks for, each from an explicit threshold.

Every function returns a copy of the frame with two ``bool`` columns added: ``flag_<name>``, the
reps that failed the check, and ``borderline_<name>``, the reps too close to the limit to call
(``name=`` overrides the flag's name). Nothing is decided by a hidden constant: the limit is an
argument, and the margin that makes a rep borderline is the metric's measured repeatability
(:func:`guru_form.metrics.margin_of`) unless ``margin=`` says otherwise. The rule
(:meth:`guru_form.metrics.Threshold.judge`): a rep is flagged when its value is beyond the limit
by more than the margin, borderline when it lies within the margin of the limit on either side.
With ``margin=0`` a rep is flagged exactly when it is beyond the limit, and none is borderline.
A rep whose value is missing (NaN) is never flagged nor borderline.

A rep whose judged value the local pose engine is unsure of (the frame's ``unsure`` column: the
pose was lost where the value was taken, :func:`guru_form.metrics.unsure_of`) is neither flagged
nor borderline but *unsure*: when the frame has an ``unsure`` column, each flag gets a third
boolean column, ``unsure_<name>`` (:func:`unsure_column`), and set-level baselines (a drift's
opening reps) leave those values out.

The frame's ``attrs["flag_columns"]`` records which column each flag judged
(:func:`flagged_column`), so that a chart of that column shows that flag and no other.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"rep": [1, 2, 3], "HIP_KNEE_ANGLE_DEGREES": [-6.0, 1.0, 7.5]})
>>> df.attrs["activity"] = "squat"
>>> out = flag_depth(df, 0.0, margin=2.0)  # parallel (0 deg), measured to within 2 deg
>>> out["flag_shallow"].tolist(), out["borderline_shallow"].tolist()
([False, False, True], [False, True, False])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from guru_form import activities
from guru_form.activities import ActivityProfile
from guru_form.errors import InvalidInputError
from guru_form.metrics import (
    BORDERLINE_PREFIX,
    DURATION_S,
    FLAG_PREFIX,
    UNSURE,
    UNSURE_PREFIX,
    VELOCITY_LOSS,
    frame_activity,
    group_keys,
    margin_of,
    rep_order,
    require_columns,
    unsure_of,
)
from guru_form.tables.velocity import Reference, velocity_loss

__all__ = [
    "Margin",
    "borderline_column",
    "flag_columns",
    "flag_depth",
    "flag_drift",
    "flag_lockout",
    "flag_tempo",
    "flag_threshold",
    "flag_velocity_loss",
    "flagged_column",
    "unsure_column",
]

Direction = Literal["any", "increase", "decrease"]
#: A flag's borderline margin: ``"measured"`` (the metric's repeatability for the frame's
#: activity, :func:`guru_form.metrics.margin_of`) or a number in the judged column's unit.
Margin = float | Literal["measured"]

#: Where a flag records the column it judged.
_FLAG_COLUMNS = "flag_columns"


def flag_columns(frame: pd.DataFrame) -> list[str]:
    """The frame's flag columns: boolean columns whose name starts with ``flag_``.

    Parameters
    ----------
    frame
        Any DataFrame.

    Returns
    -------
    list of str
        The flag columns, in the frame's column order.

    Examples
    --------
    >>> import pandas as pd
    >>> flag_columns(pd.DataFrame({"rep": [1], "flag_shallow": [True], "flag_note": ["x"]}))
    ['flag_shallow']
    """
    return [
        str(c)
        for c in frame.columns
        if str(c).startswith(FLAG_PREFIX) and pd.api.types.is_bool_dtype(frame[c].dtype)
    ]


def borderline_column(flag: str) -> str:
    """The name of a flag's borderline column: ``flag_shallow`` -> ``borderline_shallow``.

    Parameters
    ----------
    flag
        A ``flag_*`` column.

    Returns
    -------
    str
        The ``borderline_*`` column the flag functions add beside it.

    Examples
    --------
    >>> borderline_column("flag_velocity_loss")
    'borderline_velocity_loss'
    """
    return BORDERLINE_PREFIX + flag.removeprefix(FLAG_PREFIX)


def unsure_column(flag: str) -> str:
    """The name of a flag's unsure column: ``flag_shallow`` -> ``unsure_shallow``.

    Parameters
    ----------
    flag
        A ``flag_*`` column.

    Returns
    -------
    str
        The ``unsure_*`` column the flag functions add beside it when the frame has an
        ``unsure`` column.

    Examples
    --------
    >>> unsure_column("flag_soft_lockout")
    'unsure_soft_lockout'
    """
    return UNSURE_PREFIX + flag.removeprefix(FLAG_PREFIX)


def flagged_column(frame: pd.DataFrame, flag: str) -> str | None:
    """The column a flag judged: as the flag function recorded it, else read from its name.

    Parameters
    ----------
    frame
        A frame with the flag column.
    flag
        A ``flag_*`` column.

    Returns
    -------
    str or None
        ``flag_shallow`` -> the depth metric of the frame's activity, ``flag_soft_lockout`` ->
        its lockout metric, ``flag_tempo`` -> ``duration_s``, ``flag_velocity_loss`` ->
        ``velocity_loss_percent``, ``flag_<column>_drift`` and ``flag_<column>`` -> that column
        (any case); None when neither the record nor the name tells.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rep": [1], "TRUNK_LEAN_DEGREES": [40.0]})
    >>> flagged_column(flag_threshold(df, "TRUNK_LEAN_DEGREES", above=45), "flag_trunk_lean_degrees")
    'TRUNK_LEAN_DEGREES'
    """
    recorded = frame.attrs.get(_FLAG_COLUMNS, {})
    if isinstance(recorded, dict) and flag in recorded:
        return str(recorded[flag])
    if flag == "flag_tempo":
        return DURATION_S
    if flag == "flag_velocity_loss":
        return VELOCITY_LOSS
    if flag in ("flag_shallow", "flag_soft_lockout"):
        metric: Literal["depth", "lockout"] = "depth" if flag == "flag_shallow" else "lockout"
        profile = activities.find(frame_activity(frame))
        candidates = (
            [_metric_of(profile, metric)]
            if profile is not None
            else [_metric_of(p, metric) for p in activities.registered()]
        )
        return next((c for c in candidates if c is not None and c in frame.columns), None)
    stem = flag.removeprefix(FLAG_PREFIX)
    by_lower = {str(c).lower(): str(c) for c in frame.columns}
    for name in (stem.removesuffix("_drift"), stem):
        if name in by_lower and not by_lower[name].startswith(FLAG_PREFIX):
            return by_lower[name]
    return None


def _margins(frame: pd.DataFrame, column: str, margin: Margin) -> pd.Series:
    """Per row, the borderline margin of ``column`` (by each row's activity in a combined frame)."""
    if margin != "measured":
        value = float(margin)
        if not value >= 0:
            raise InvalidInputError(f"margin must be 'measured' or a number >= 0, got {margin!r}")
        fixed: pd.Series = pd.Series(value, index=frame.index, dtype="float64")
        return fixed
    if "activity" in frame.columns and frame["activity"].nunique(dropna=True) > 1:
        per_activity = {
            a: margin_of(column, str(a)) for a in frame["activity"].dropna().unique().tolist()
        }
        margins: pd.Series = (
            frame["activity"].map(per_activity).astype("float64").fillna(margin_of(column, None))
        )
        return margins
    one = margin_of(column, frame_activity(frame))
    same: pd.Series = pd.Series(one, index=frame.index, dtype="float64")
    return same


def _with_flag(
    frame: pd.DataFrame, name: str, column: str, gap: pd.Series, margin: pd.Series
) -> pd.DataFrame:
    """``frame`` with the flag (``gap`` beyond ``margin``), its borderline column (``|gap|``
    within a positive ``margin``) and, when the frame says which values are unsure, its unsure
    column (an unsure value is neither of the others); ``gap`` is how far each value lies beyond
    the limit (negative inside it), NaN for a missing value."""
    gap = gap.astype("float64").reindex(frame.index)
    margin = margin.reindex(frame.index)
    unsure = unsure_of(frame, column).notna()
    flag = (gap > margin).fillna(False) & ~unsure
    near = ((margin > 0) & (gap.abs() <= margin)).fillna(False) & ~unsure
    columns = {name: flag.to_numpy(dtype=bool), borderline_column(name): near.to_numpy(dtype=bool)}
    if UNSURE in frame.columns:
        measured = frame[column].notna() if column in frame.columns else gap.notna()
        columns[unsure_column(name)] = (unsure & measured).to_numpy(dtype=bool)
    flagged: pd.DataFrame = frame.assign(**columns)
    recorded = dict(frame.attrs.get(_FLAG_COLUMNS, {}))
    recorded[name] = column
    flagged.attrs = {**frame.attrs, _FLAG_COLUMNS: recorded}
    return flagged


def _values(frame: pd.DataFrame, column: str, what: str) -> pd.Series:
    require_columns(frame, [column], what)
    return frame[column].astype("float64")


def _flag_name(name: str | None, default: str) -> str:
    name = default if name is None else name
    if not name.startswith(FLAG_PREFIX):
        raise InvalidInputError(
            f"flag column names start with {FLAG_PREFIX!r} (charts find them by it); got {name!r}"
        )
    return name


def flag_threshold(
    frame: pd.DataFrame,
    column: str,
    *,
    above: float | None = None,
    below: float | None = None,
    name: str | None = None,
    margin: Margin = "measured",
) -> pd.DataFrame:
    """Flag reps whose ``column`` lies above ``above`` or below ``below``.

    Parameters
    ----------
    frame
        A wide frame from :func:`reps_frame` (or ``combine(..., wide=True)``).
    column
        Any numeric column, e.g. ``"TRUNK_LEAN_DEGREES"``.
    above, below
        Thresholds in the column's unit; give one or both.
    name
        The flag column (default ``flag_<column in lower case>``).

    margin
        The borderline margin in the column's unit (see the module docstring): ``"measured"``
        (default) for the metric's measured repeatability, 0 for none.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with the boolean flag column (True = failed) and its
        ``borderline_*`` column (a missing value is neither).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rep": [1, 2, 3], "TRUNK_LEAN_DEGREES": [38.0, 45.5, None]})
    >>> out = flag_threshold(df, "TRUNK_LEAN_DEGREES", above=45, margin=0)
    >>> out["flag_trunk_lean_degrees"].tolist()
    [False, True, False]
    """
    if above is None and below is None:
        raise InvalidInputError("flag_threshold needs above=, below= or both")
    if above is not None and below is not None and below > above:
        raise InvalidInputError(f"flag_threshold: below={below} is above above={above}")
    values = _values(frame, column, "flag_threshold")
    gaps = []
    if above is not None:
        gaps.append(values - above)
    if below is not None:
        gaps.append(below - values)
    gap = pd.concat(gaps, axis=1).max(axis=1, skipna=False) if len(gaps) == 2 else gaps[0]
    flag_name = _flag_name(name, f"{FLAG_PREFIX}{column.lower()}")
    return _with_flag(frame, flag_name, column, gap, _margins(frame, column, margin))


def _metric_of(profile: ActivityProfile, metric: Literal["depth", "lockout"]) -> str | None:
    return profile.depth_metric if metric == "depth" else profile.lockout_metric


def _activity_column(
    frame: pd.DataFrame, column: str | None, metric: Literal["depth", "lockout"], what: str
) -> str:
    """``column``, else the depth (or lockout) metric of the frame's activity, from its profile."""
    if column is not None:
        return column
    activity = frame_activity(frame)
    profile = activities.find(activity)
    chosen = None if profile is None else _metric_of(profile, metric)
    if chosen is None:
        known = ", ".join(
            f"{p.name}: {_metric_of(p, metric)}"
            for p in activities.registered()
            if _metric_of(p, metric) is not None
        )
        raise InvalidInputError(
            f"{what}: cannot choose the column for activity "
            f"{None if activity is None else activity.value!r}; pass column= ({known})"
        )
    return chosen


def flag_depth(
    frame: pd.DataFrame,
    limit: float,
    *,
    column: str | None = None,
    name: str = "flag_shallow",
    margin: Margin = "measured",
) -> pd.DataFrame:
    """Flag reps that fall short of depth: the depth angle stays above ``limit``.

    Parameters
    ----------
    frame
        A wide frame from :func:`reps_frame`.
    limit
        The deepest-acceptable threshold in degrees, e.g. ``0`` for a squat to parallel
        (``HIP_KNEE_ANGLE_DEGREES``: 0 is parallel, negative below) or ``90`` for a push-up
        (``ELBOW_ANGLE_DEGREES``).
    column
        The depth column; by default the frame's activity's depth metric (its profile's
        ``depth_metric``: ``HIP_KNEE_ANGLE_DEGREES`` for squats, ``ELBOW_ANGLE_DEGREES`` for
        push-ups and bench press).
    name
        The flag column.

    margin
        The borderline margin in the column's unit (see the module docstring): ``"measured"``
        (default) for the metric's measured repeatability, 0 for none.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with the boolean flag column (True = failed) and its
        ``borderline_*`` column (a missing value is neither).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rep": [1, 2], "HIP_KNEE_ANGLE_DEGREES": [-5.0, 3.0]})
    >>> df.attrs["activity"] = "squat"
    >>> flag_depth(df, 0.0, margin=0)["flag_shallow"].tolist()
    [False, True]
    """
    column = _activity_column(frame, column, "depth", "flag_depth")
    values = _values(frame, column, "flag_depth")
    return _with_flag(
        frame, _flag_name(name, name), column, values - limit, _margins(frame, column, margin)
    )


def flag_lockout(
    frame: pd.DataFrame,
    limit: float,
    *,
    column: str | None = None,
    name: str = "flag_soft_lockout",
    margin: Margin = "measured",
) -> pd.DataFrame:
    """Flag reps whose lockout angle stays below ``limit`` (an unfinished lockout).

    Parameters
    ----------
    frame
        A wide frame from :func:`reps_frame`.
    limit
        Degrees, e.g. ``170`` for a deadlift's hip (``LOCKOUT_HIP_ANGLE_DEGREES``) or ``165`` for a
        push-up's elbow (``LOCKOUT_ELBOW_ANGLE_DEGREES``).
    column
        The lockout column; by default the frame's activity's lockout metric (its profile's
        ``lockout_metric``).
    name
        The flag column.

    margin
        The borderline margin in the column's unit (see the module docstring): ``"measured"``
        (default) for the metric's measured repeatability, 0 for none.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with the boolean flag column (True = failed) and its
        ``borderline_*`` column (a missing value is neither).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rep": [1, 2], "LOCKOUT_HIP_ANGLE_DEGREES": [174.0, 163.0]})
    >>> df.attrs["activity"] = "deadlift"
    >>> flag_lockout(df, 170, margin=0)["flag_soft_lockout"].tolist()
    [False, True]
    """
    column = _activity_column(frame, column, "lockout", "flag_lockout")
    values = _values(frame, column, "flag_lockout")
    return _with_flag(
        frame, _flag_name(name, name), column, limit - values, _margins(frame, column, margin)
    )


def flag_tempo(
    frame: pd.DataFrame,
    tolerance: float,
    *,
    column: str = DURATION_S,
    relative: bool = True,
    by: str | Sequence[str] | None = None,
    name: str = "flag_tempo",
    margin: Margin = "measured",
) -> pd.DataFrame:
    """Flag reps whose tempo deviates from the set's median by more than ``tolerance``.

    Parameters
    ----------
    frame
        A wide frame from :func:`reps_frame`.
    tolerance
        With ``relative=True`` (default) a fraction of the median (``0.2`` = 20 %); otherwise
        seconds.
    column
        ``duration_s`` (default), ``eccentric_s`` or ``concentric_s``.
    relative
        Whether ``tolerance`` is a fraction of the median or an absolute time.
    by
        Label column(s) that separate sets in a combined frame; each set has its own median.
    name
        The flag column.

    margin
        The borderline margin in the column's unit (see the module docstring): ``"measured"``
        (default) for the metric's measured repeatability, 0 for none.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with the boolean flag column (True = failed) and its
        ``borderline_*`` column (a missing value is neither).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rep": [1, 2, 3, 4], "duration_s": [2.0, 2.1, 2.0, 2.9]})
    >>> flag_tempo(df, 0.2, margin=0)["flag_tempo"].tolist()  # median 2.05 s: 1.64..2.46 s
    [False, False, False, True]
    """
    if tolerance < 0:
        raise InvalidInputError(f"tolerance must be >= 0, got {tolerance}")
    keys = group_keys(frame, by, "flag_tempo")
    values = _values(frame, column, "flag_tempo")
    median = (
        values.groupby([frame[k] for k in keys], observed=True).transform("median")
        if keys
        else pd.Series(values.median(), index=frame.index)
    )
    allowed = tolerance * median.abs() if relative else tolerance
    gap = (values - median).abs() - allowed
    return _with_flag(frame, _flag_name(name, name), column, gap, _margins(frame, column, margin))


def flag_drift(
    frame: pd.DataFrame,
    column: str,
    max_change: float,
    *,
    baseline_reps: int = 2,
    relative: bool = False,
    direction: Direction = "any",
    by: str | Sequence[str] | None = None,
    name: str | None = None,
    margin: Margin = "measured",
) -> pd.DataFrame:
    """Flag fatigue: reps whose ``column`` drifted from the set's opening reps by more than allowed.

    The baseline is the mean of the first ``baseline_reps`` reps that have a sure value; the change of
    each rep is ``value - baseline`` (in the column's unit), or with ``relative=True``
    ``100 * (value - baseline) / |baseline|`` (percent).

    Parameters
    ----------
    frame
        A wide frame from :func:`reps_frame`.
    column
        The metric, e.g. ``"TRUNK_LEAN_DEGREES"`` or ``"concentric_s"``.
    max_change
        The allowed change, in the column's unit (or percent with ``relative=True``).
    baseline_reps
        How many opening reps form the baseline.
    relative
        Whether ``max_change`` is in percent of the baseline.
    direction
        ``"increase"``: flag only rises; ``"decrease"``: only falls; ``"any"``: both.
    by
        Label column(s) that separate sets in a combined frame.
    name
        The flag column (default ``flag_<column in lower case>_drift``).

    margin
        The borderline margin in the column's unit (see the module docstring): ``"measured"``
        (default) for the metric's measured repeatability, 0 for none.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with the boolean flag column (True = failed) and its
        ``borderline_*`` column (a missing value is neither).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rep": [1, 2, 3, 4], "TRUNK_LEAN_DEGREES": [38.0, 40.0, 43.0, 47.0]})
    >>> flag_drift(df, "TRUNK_LEAN_DEGREES", 5, direction="increase", margin=0)[
    ...     "flag_trunk_lean_degrees_drift"].tolist()  # baseline 39: 43 is +4, 47 is +8
    [False, False, False, True]
    """
    if baseline_reps < 1:
        raise InvalidInputError(f"baseline_reps must be at least 1, got {baseline_reps}")
    if direction not in ("any", "increase", "decrease"):
        raise InvalidInputError(
            f"direction must be 'any', 'increase' or 'decrease', not {direction!r}"
        )
    keys = group_keys(frame, by, "flag_drift")
    require_columns(frame, [column], "flag_drift")
    ordered = rep_order(frame, keys)
    values = ordered[column].astype("float64").where(unsure_of(ordered, column).isna())
    has_value = values.notna()
    if keys:
        nth = has_value.groupby([ordered[k] for k in keys], observed=True).cumsum()
    else:
        nth = has_value.cumsum()
    opening = values.where(has_value & (nth <= baseline_reps))
    if keys:
        baseline = opening.groupby([ordered[k] for k in keys], observed=True).transform("mean")
    else:
        baseline = pd.Series(opening.mean(), index=ordered.index)
    change = values - baseline
    margins = _margins(ordered, column, margin)
    if relative:
        scale = 100.0 / baseline.abs().replace(0.0, np.nan)
        change, margins = change * scale, margins * scale
    if direction == "increase":
        gap = change - max_change
    elif direction == "decrease":
        gap = -change - max_change
    else:
        gap = change.abs() - max_change
    default = f"{FLAG_PREFIX}{column.lower()}_drift"
    return _with_flag(frame, _flag_name(name, default), column, gap, margins)


def flag_velocity_loss(
    frame: pd.DataFrame,
    threshold_percent: float,
    *,
    column: str | None = None,
    reference: Reference = "best",
    by: str | Sequence[str] | None = None,
    name: str = "flag_velocity_loss",
    margin: Margin = "measured",
) -> pd.DataFrame:
    """Add ``velocity_loss_percent`` and flag reps that lost more than ``threshold_percent``.

    The usual velocity-based-training stop rule: end the set at the first rep past 20 % (strength)
    or 40 % (hypertrophy) loss. See :mod:`guru_form.tables.velocity` for the formula.

    Parameters
    ----------
    frame
        A wide frame with a velocity column.
    threshold_percent
        Loss in percent past which a rep is flagged (strictly more), e.g. ``20``.
    column
        The velocity column; see :func:`~guru_form.tables.velocity_column` for the default.
    reference
        ``"best"`` (the fastest rep so far) or ``"first"``; see
        :func:`~guru_form.tables.velocity_loss`.
    by
        Label column(s) that separate sets in a combined frame.
    name
        The flag column.
    margin
        The borderline margin in percentage points (see the module docstring): ``"measured"``
        (default) for the measured repeatability of a rep's velocity loss, 0 for none.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with ``velocity_loss_percent``, the boolean flag column and its
        ``borderline_*`` column (a rep without a velocity is neither).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rep": [1, 2, 3], "MEAN_CONCENTRIC_VELOCITY_M_PER_S": [0.8, 0.7, 0.6]})
    >>> flag_velocity_loss(df, 20, margin=0)["flag_velocity_loss"].tolist()  # 0, 12.5, 25 %
    [False, False, True]
    """
    out = velocity_loss(frame, column, reference=reference, by=by)
    gap = out[VELOCITY_LOSS] - threshold_percent
    margins = _margins(out, VELOCITY_LOSS, margin)
    return _with_flag(out, _flag_name(name, name), VELOCITY_LOSS, gap, margins)
