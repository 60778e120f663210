"""Summaries a coach reads first: per metric across reps, and per set."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from guru_form.errors import InvalidInputError
from guru_form.metrics import (
    CONCENTRIC_S,
    DURATION_S,
    ECCENTRIC_S,
    END_MS,
    MID_MS,
    OUTLIER,
    REP,
    SESSION_COLUMNS,
    START_MS,
    UNSURE,
    VELOCITY_COLUMNS,
    VELOCITY_LOSS,
    group_keys,
    rep_order,
    unit_of,
    unsure_of,
)
from guru_form.models import Analysis
from guru_form.tables.convert import reps_frame
from guru_form.tables.sessions import combine
from guru_form.tables.velocity import counted_reps, set_velocity_loss, velocity_unsure_reps

__all__ = ["metric_columns", "set_summary", "summarize"]

_NOT_METRICS = frozenset({REP, START_MS, MID_MS, END_MS, *SESSION_COLUMNS})

#: Columns of :func:`summarize`, in order.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "unit",
    "count",
    "mean",
    "std",
    "min",
    "max",
    "cv_percent",
    "slope_per_rep",
    "first_last_change_percent",
)

Data = pd.DataFrame | Analysis | Mapping[Any, Analysis] | Iterable[Analysis]


def _as_wide(
    data: Data, by: str | Sequence[str] | None
) -> tuple[pd.DataFrame, str | Sequence[str] | None]:
    if isinstance(data, pd.DataFrame):
        if "analysis_type" in data.columns and "value" in data.columns:
            raise InvalidInputError(
                "this is a long frame (analysis_type/value); summaries need the wide frame: "
                "reps_frame(analysis) or combine(analyses, wide=True)"
            )
        return data, by
    if isinstance(data, Analysis):
        return reps_frame(data), by
    return combine(data, key="session", wide=True), ("session" if by is None else by)


def metric_columns(frame: pd.DataFrame, exclude: Iterable[str] = ()) -> list[str]:
    """The frame's numeric metric columns: tempo, analysisTypes and derived numbers.

    Timestamps, rep numbers, label columns and boolean flags are not metrics.

    Parameters
    ----------
    frame
        A wide frame (:func:`reps_frame`, or ``combine(..., wide=True)``).
    exclude
        Columns to leave out as well.

    Returns
    -------
    list of str
        In the frame's column order.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rep": [1], "start_ms": [0], "duration_s": [2.0],
    ...                    "KNEE_ANGLE_DEGREES": [80.0], "flag_shallow": [False]})
    >>> metric_columns(df)
    ['duration_s', 'KNEE_ANGLE_DEGREES']
    """
    skip = _NOT_METRICS | set(exclude)
    return [
        str(c)
        for c in frame.columns
        if c not in skip
        and pd.api.types.is_numeric_dtype(frame[c].dtype)
        and not pd.api.types.is_bool_dtype(frame[c].dtype)
    ]


def summarize(
    data: Data,
    *,
    by: str | Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per metric: count, mean, spread, range, trend across the set and first-vs-last change.

    Parameters
    ----------
    data
        A wide frame (:func:`reps_frame`, ``combine(..., wide=True)``), an :class:`Analysis`, or
        several analyses (a mapping label -> Analysis or a list; they are combined with
        ``key="session"`` and summarised per session).
    by
        Label column(s) that separate sets in a combined frame.
    metrics
        The columns to summarise; default every metric column (:func:`metric_columns`): the
        tempo columns, every analysisType and derived numbers such as velocity loss.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``metric`` (after the ``by`` labels, if any), with columns:

        ``unit``
            From :func:`guru_form.metrics.unit_of`.
        ``count``, ``mean``, ``std``, ``min``, ``max``
            Over the reps that have a value (``std`` with ``ddof=1``) the local pose engine is
            sure of: a value it is unsure of (the frame's ``unsure`` column) is left out.
        ``cv_percent``
            Coefficient of variation, ``100 * std / |mean|``; meaningful only for metrics on a
            ratio scale (durations, velocities, interior angles), not for signed angles near 0.
        ``slope_per_rep``
            Least-squares slope of the metric against the rep number, in the metric's unit per
            rep: the drift across the set (e.g. +0.07 s per rep for a slowing concentric phase).
        ``first_last_change_percent``
            ``100 * (last - first) / |first|`` over the first and last reps that have a value;
            NaN when ``first`` is 0.
        ``unsure``
            How many values were left out as unsure; only for one set whose frame has an
            ``unsure`` column.

    Examples
    --------
    >>> from guru_form.tables.examples import example_analysis
    >>> s = summarize(example_analysis("squat"))
    >>> s.loc["concentric_s", ["count", "mean", "slope_per_rep"]].astype(float).round(3).tolist()
    [10.0, 1.245, 0.09]
    """
    frame, by = _as_wide(data, by)
    keys = group_keys(frame, by, "summarize")
    names = list(metrics) if metrics is not None else metric_columns(frame, keys)
    missing = [m for m in names if m not in frame.columns]
    if missing:
        raise InvalidInputError(
            f"summarize: no column(s) {missing}; the frame has {list(frame.columns)}"
        )
    ordered = rep_order(frame, keys)
    unsure_counts: dict[str, int] = {}
    if UNSURE in ordered.columns:  # values the engine is unsure of are left out
        masked = {}
        for name in names:
            unsure = unsure_of(ordered, name).notna() & ordered[name].notna()
            unsure_counts[name] = int(unsure.sum())
            masked[name] = ordered[name].where(~unsure)
        ordered = ordered.assign(**masked)
    long = ordered.melt(id_vars=[*keys, REP], value_vars=names, var_name="metric")
    long["metric"] = pd.Categorical(long["metric"], categories=names)
    long["value"] = long["value"].astype("float64")
    long = long.dropna(subset=["value"])
    x = long[REP].astype("float64")
    long = long.assign(x=x, xy=x * long["value"], xx=x * x)
    grouped = long.groupby([*keys, "metric"], observed=True, sort=True)
    stats = grouped["value"].agg(["count", "mean", "std", "min", "max", "first", "last"])
    sums = grouped[["x", "xy", "xx"]].sum()
    n = stats["count"].astype("float64")
    slope_den = n * sums["xx"] - sums["x"] ** 2
    slope_num = n * sums["xy"] - sums["x"] * stats["mean"] * n
    slope = (slope_num / slope_den.where(slope_den > 0)).where(n >= 2)
    first = stats["first"].where(stats["first"] != 0)
    out = pd.DataFrame(
        {
            "unit": [unit_of(str(m)) for m in stats.index.get_level_values("metric")],
            "count": stats["count"].astype("int64"),
            "mean": stats["mean"],
            "std": stats["std"],
            "min": stats["min"],
            "max": stats["max"],
            "cv_percent": 100.0 * stats["std"] / stats["mean"].abs().where(stats["mean"] != 0),
            "slope_per_rep": slope,
            "first_last_change_percent": 100.0 * (stats["last"] - stats["first"]) / first.abs(),
        },
        index=stats.index,
    )
    if not keys:
        out = out.reset_index(level=[n for n in out.index.names if n != "metric"], drop=True)
        out.index = pd.Index([str(m) for m in out.index], name="metric")
        out = out.reindex(names)
        out["unit"] = [unit_of(m) for m in names]
        out["count"] = out["count"].fillna(0).astype("int64")
        if unsure_counts:
            out["unsure"] = [unsure_counts.get(m, 0) for m in names]
    summary: pd.DataFrame = out
    return summary


def set_summary(data: Data, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Per set: rep count, tempo, time under tension, set duration and velocity loss.

    Parameters
    ----------
    data, by
        As for :func:`summarize`.

    Returns
    -------
    pandas.DataFrame
        One row per set (indexed by the ``by`` labels, else a single row), with:

        ``rep_count``
            Number of reps.
        ``mean_duration_s``, ``mean_eccentric_s``, ``mean_concentric_s``
            Mean rep time and mean time of each phase (the tempo), seconds.
        ``time_under_tension_s``
            Sum of the rep durations: time spent moving, pauses between reps excluded.
        ``set_duration_s``
            From the first rep's start to the last rep's end: the set without the rest before and
            after it ("rest-free" set duration).
        ``between_reps_s``
            ``set_duration_s - time_under_tension_s``: time spent paused between reps.
        ``velocity_loss_percent``
            The set's velocity loss (last rep against the fastest, see
            :func:`guru_form.tables.set_velocity_loss`); only when a velocity column exists.
        ``reps_left_out``
            Reps the local pose engine marked as outliers, left out of the velocity loss (see
            :func:`guru_form.tables.counted_reps`); only when the frame has an ``outlier`` column.
        ``velocity_unsure``
            Reps whose velocity the local pose engine is unsure of, also left out of the
            velocity loss (see :func:`guru_form.metrics.unsure_of`); only when the frame has an
            ``unsure`` column and a velocity.

    Examples
    --------
    >>> from guru_form.tables.examples import example_analysis
    >>> set_summary(example_analysis("squat")).round(2).iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'rep_count': 10.0, 'mean_duration_s': 2.91, 'mean_eccentric_s': 1.67,
     'mean_concentric_s': 1.24, 'time_under_tension_s': 29.12, 'set_duration_s': 42.22,
     'between_reps_s': 13.1, 'velocity_loss_percent': 44.36}
    """
    frame, by = _as_wide(data, by)
    keys = group_keys(frame, by, "set_summary")
    grouped_by: Any = [frame[k] for k in keys] if keys else np.zeros(len(frame), np.int64)
    g = frame.groupby(grouped_by, observed=True, sort=True)
    out = pd.DataFrame(
        {
            "rep_count": g[REP].count(),
            "mean_duration_s": g[DURATION_S].mean(),
            "mean_eccentric_s": g[ECCENTRIC_S].mean(),
            "mean_concentric_s": g[CONCENTRIC_S].mean(),
            "time_under_tension_s": g[DURATION_S].sum(),
            "set_duration_s": (g[END_MS].max() - g[START_MS].min()) / 1000.0,
        }
    )
    out["between_reps_s"] = out["set_duration_s"] - out["time_under_tension_s"]
    if any(c in frame.columns for c in VELOCITY_COLUMNS):
        loss = set_velocity_loss(frame, by=keys or None)
        out[VELOCITY_LOSS] = loss if keys else float(loss)  # type: ignore[arg-type]
    if OUTLIER in frame.columns:
        left_out = (~counted_reps(frame)).groupby(grouped_by, observed=True, sort=True).sum()
        out["reps_left_out"] = left_out.astype("int64").to_numpy()
    if UNSURE in frame.columns and any(c in frame.columns for c in VELOCITY_COLUMNS):
        unsure = velocity_unsure_reps(frame)
        out["velocity_unsure"] = (
            unsure.groupby(grouped_by, observed=True, sort=True).sum().astype("int64").to_numpy()
        )
    if not keys:
        out = out.reset_index(drop=True)
        if out.empty:
            out = pd.DataFrame({c: [np.nan] for c in out.columns}).assign(rep_count=0)
    out["rep_count"] = out["rep_count"].astype("int64")
    summary: pd.DataFrame = out
    return summary
