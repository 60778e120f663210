"""Velocity loss, as coaches who train by velocity compute it.

The local pose engine reports per rep ``MEAN_CONCENTRIC_VELOCITY_M_PER_S`` (when the athlete's
height is known) or ``MEAN_CONCENTRIC_VELOCITY_BH_PER_S`` (body heights per second); the hosted API
may report either. Both are estimates from video (see :mod:`guru_form.analysis_types`).

Formulas (velocity-based training, after González-Badillo & Sánchez-Medina 2011 and
Pareja-Blanco et al. 2017), with ``v_i`` the mean concentric velocity of rep ``i``:

* Per rep, relative to the best rep so far (``reference="best"``, what a VBT device shows live and
  what "stop the set at 20 % loss" is measured against)::

      loss_i = 100 * (max(v_1 .. v_i) - v_i) / max(v_1 .. v_i)

  or relative to the first rep (``reference="first"``): ``100 * (v_1 - v_i) / v_1``.
* For the set: the loss of its last rep against the fastest rep of the set (``"best"``) or the
  first rep (``"first"``): ``100 * (v_ref - v_last) / v_ref``.

Reps without a velocity are skipped (their loss is NaN; "first" and "last" mean the first and last
reps that have one). Loss is in percent: 0 for the reference rep, 40 for a rep 40 % slower.

Reps the local pose engine marked as outliers (a non-empty ``outlier`` column, see
:func:`guru_form.tables.reps_frame`: a partial rep, or a last rep that ran into the next movement)
are left out of the set-level figures: they are never the reference rep ("best" or "first"), and
the set's loss is that of its last rep that is not an outlier. Each rep still gets its own loss
against the reference (an outlier's included, for the chart). So are the reps whose velocity the
engine is unsure of (the ``unsure`` column: the moving joint was hidden at an end of the
concentric phase, see :func:`guru_form.metrics.unsure_of`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from guru_form.errors import InvalidInputError
from guru_form.metrics import (
    OUTLIER,
    VELOCITY_COLUMNS,
    VELOCITY_LOSS,
    group_keys,
    rep_order,
    unsure_of,
)

__all__ = [
    "counted_reps",
    "counted_values",
    "set_velocity_loss",
    "velocity_column",
    "velocity_loss",
    "velocity_unsure_reps",
]

Reference = Literal["best", "first"]


def velocity_column(frame: pd.DataFrame, column: str | None = None) -> str:
    """The velocity column to use: ``column`` if given, else the first present of
    ``MEAN_CONCENTRIC_VELOCITY_M_PER_S``, ``MEAN_CONCENTRIC_VELOCITY_BH_PER_S``.

    Parameters
    ----------
    frame
        A wide frame.
    column
        The column to use, checked to exist.

    Returns
    -------
    str
        The column's name.

    Raises
    ------
    InvalidInputError
        When the frame has no such column.

    Examples
    --------
    >>> import pandas as pd
    >>> velocity_column(pd.DataFrame({"rep": [1], "MEAN_CONCENTRIC_VELOCITY_BH_PER_S": [0.3]}))
    'MEAN_CONCENTRIC_VELOCITY_BH_PER_S'
    """
    if column is not None:
        if column not in frame.columns:
            raise InvalidInputError(
                f"no column {column!r} in the frame; it has {list(frame.columns)}"
            )
        return column
    for name in VELOCITY_COLUMNS:
        if name in frame.columns:
            return name
    raise InvalidInputError(
        "the frame has no velocity column (MEAN_CONCENTRIC_VELOCITY_M_PER_S or ..._BH_PER_S); "
        "analyse the video with the local pose engine, or pass column=<your velocity column>"
    )


def counted_reps(frame: pd.DataFrame) -> pd.Series:
    """Which rows count in set-level figures: those without an outlier mark.

    Parameters
    ----------
    frame
        A wide frame; without an ``outlier`` column every row counts.

    Returns
    -------
    pandas.Series
        Boolean, on ``frame``'s index.

    Examples
    --------
    >>> import pandas as pd
    >>> counted_reps(pd.DataFrame({"rep": [1, 2], "outlier": [None, "partial"]})).tolist()
    [True, False]
    """
    if OUTLIER not in frame.columns:
        every: pd.Series = pd.Series(True, index=frame.index, dtype=bool)
        return every
    marks = frame[OUTLIER]
    counted: pd.Series = (marks.isna() | (marks.astype("string").str.strip() == "")).astype(bool)
    return counted


def counted_values(frame: pd.DataFrame, column: str) -> pd.Series:
    """Which rows' value of ``column`` counts in set-level figures: the rep is not an outlier
    (:func:`counted_reps`) and the local pose engine is sure of the value
    (:func:`guru_form.metrics.unsure_of`).

    Parameters
    ----------
    frame
        A wide frame.
    column
        The column a set-level figure is computed from.

    Returns
    -------
    pandas.Series
        Boolean, on ``frame``'s index.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rep": [1, 2, 3], "outlier": [None, "partial", None],
    ...                    "unsure": [None, None, "MEAN_CONCENTRIC_VELOCITY_BH_PER_S: the wrist hidden"]})
    >>> counted_values(df, "MEAN_CONCENTRIC_VELOCITY_BH_PER_S").tolist()
    [True, False, False]
    """
    counted: pd.Series = counted_reps(frame) & unsure_of(frame, column).isna()
    return counted


def velocity_unsure_reps(frame: pd.DataFrame) -> pd.Series:
    """Which reps count in set-level figures but not in the velocity loss: the rep is not an
    outlier (:func:`counted_reps`) and the local pose engine is unsure of its velocity.

    Parameters
    ----------
    frame
        A wide frame.

    Returns
    -------
    pandas.Series
        Boolean, on ``frame``'s index.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rep": [1, 2, 3], "outlier": [None, "partial", None],
    ...                    "unsure": [None, "MEAN_CONCENTRIC_VELOCITY_BH_PER_S: the wrist hidden",
    ...                               "MEAN_CONCENTRIC_VELOCITY_BH_PER_S: the wrist hidden"]})
    >>> velocity_unsure_reps(df).tolist()
    [False, False, True]
    """
    unsure: pd.Series = counted_reps(frame) & unsure_of(frame, VELOCITY_LOSS).notna()
    return unsure


def _check_reference(reference: str) -> None:
    if reference not in ("best", "first"):
        raise InvalidInputError(f"reference must be 'best' or 'first', not {reference!r}")


def velocity_loss(
    frame: pd.DataFrame,
    column: str | None = None,
    *,
    reference: Reference = "best",
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Add ``velocity_loss_percent``: each rep's velocity loss against the reference rep.

    Parameters
    ----------
    frame
        A wide frame (:func:`reps_frame`, or ``combine(..., wide=True)`` with ``by``).
    column
        The velocity column; see :func:`velocity_column` for the default.
    reference
        ``"best"``: the fastest rep so far in the set; ``"first"``: the set's first rep.
    by
        Label column(s) that separate sets in a combined frame.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with ``velocity_loss_percent`` (float, %); see the module docstring for
        the formula.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rep": [1, 2, 3], "MEAN_CONCENTRIC_VELOCITY_M_PER_S": [0.5, 0.8, 0.6]})
    >>> velocity_loss(df)["velocity_loss_percent"].round(1).tolist()
    [0.0, 0.0, 25.0]
    >>> velocity_loss(df, reference="first")["velocity_loss_percent"].round(1).tolist()
    [0.0, -60.0, -20.0]
    """
    _check_reference(reference)
    name = velocity_column(frame, column)
    keys = group_keys(frame, by, "velocity_loss")
    ordered = rep_order(frame, keys)
    v = ordered[name].astype("float64")
    counted = v.where(counted_values(ordered, name))  # outliers and unsure: never the reference
    groups = (
        counted.groupby([ordered[k] for k in keys], observed=True, sort=False) if keys else None
    )
    if reference == "best":
        ref = groups.cummax() if groups is not None else counted.cummax()
        # cummax leaves NaN on a rep without a (counted) velocity: the best so far still holds.
        ref = (
            ref.groupby([ordered[k] for k in keys], observed=True, sort=False).ffill()
            if keys
            else ref.ffill()
        )
    else:
        ref = groups.transform("first") if groups is not None else _first_valid(counted)
    ref = ref.where(ref > 0)  # no movement: a loss relative to zero speed is undefined
    loss = 100.0 * (ref - v) / ref
    out: pd.DataFrame = frame.assign(**{VELOCITY_LOSS: loss.reindex(frame.index)})
    return out


def _first_valid(v: pd.Series) -> pd.Series:
    valid = v.dropna()
    first = float(valid.iloc[0]) if len(valid) else np.nan
    out: pd.Series = pd.Series(first, index=v.index, dtype="float64")
    return out


def set_velocity_loss(
    frame: pd.DataFrame,
    column: str | None = None,
    *,
    reference: Reference = "best",
    by: str | Sequence[str] | None = None,
) -> float | pd.Series:
    """The set's velocity loss in percent: last rep against the fastest (or first) rep.

    Parameters
    ----------
    frame, column, reference, by
        As for :func:`velocity_loss`.

    Returns
    -------
    float or pandas.Series
        ``100 * (v_ref - v_last) / v_ref`` over the reps that are not outliers and whose velocity
        is sure; a float for one
        set, a Series indexed by the ``by`` label(s) for several. NaN for a set with no velocity.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rep": [1, 2, 3], "MEAN_CONCENTRIC_VELOCITY_M_PER_S": [0.5, 0.8, 0.6]})
    >>> round(set_velocity_loss(df), 1)
    25.0
    """
    _check_reference(reference)
    name = velocity_column(frame, column)
    keys = group_keys(frame, by, "set_velocity_loss")
    ordered = rep_order(frame, keys)
    v = ordered[name].astype("float64").where(counted_values(ordered, name))
    if not keys:
        valid = v.dropna()
        if valid.empty:
            return float("nan")
        ref = float(valid.max() if reference == "best" else valid.iloc[0])
        if ref <= 0:
            return float("nan")  # no movement: a loss relative to zero speed is undefined
        return float(100.0 * (ref - valid.iloc[-1]) / ref)
    grouped = v.groupby([ordered[k] for k in keys], observed=True, sort=False)
    refs = grouped.max() if reference == "best" else grouped.first()
    refs = refs.where(refs > 0)
    result: pd.Series = 100.0 * (refs - grouped.last()) / refs
    out: float | pd.Series = result.rename(VELOCITY_LOSS)
    return out
