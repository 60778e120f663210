"""Many analyses (sessions, athletes, sets) into one frame, ready for groupby and plotting."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from guru_form.errors import InvalidInputError
from guru_form.metrics import SESSION_COLUMNS, as_analysis
from guru_form.models import Activity, Analysis
from guru_form.tables.convert import engine_marks, long_columns, rep_table

__all__ = ["combine"]


def combine(
    analyses: Mapping[Any, Analysis] | Iterable[Analysis],
    key: str = "session",
    *,
    wide: bool = False,
) -> pd.DataFrame:
    """Many analyses in one frame, labelled, in one vectorised pass.

    Parameters
    ----------
    analyses
        A mapping ``label -> Analysis`` (e.g. ``{"2024-05-01": a, "2024-05-08": b}`` or
        ``{"Ana": a, "Ben": b}``), or an iterable of analyses, labelled 1, 2, 3, ... in order.
    key
        Name of the label column.
    wide
        False (default): the long frame, one row per (analysis, rep, analysisType). True: the wide
        frame, one row per (analysis, rep), with the columns of :func:`reps_frame` (the union of
        every analysis's analysisTypes; NaN where an analysis lacks one; ``outlier`` and
        ``unsure`` when any rep carries such a mark).

    Returns
    -------
    pandas.DataFrame
        Long: ``key``, ``video_id``, ``activity``, ``rep``, ``analysis_type``, ``value``.
        Wide: ``key``, ``video_id``, ``activity``, then the columns of :func:`reps_frame`.
        ``key``, ``video_id``, ``activity`` and ``analysis_type`` are categorical; the labels'
        categories keep the order given, so charts and groupbys list sessions in that order. Reps
        keep their per-analysis numbering (1, 2, ... by start time) and phases follow each
        analysis's own activity.

    Examples
    --------
    >>> from guru_form.tables.examples import example_analysis
    >>> week = {"Mon": example_analysis("squat", seed=1), "Thu": example_analysis("squat", seed=2)}
    >>> long = combine(week)
    >>> long.groupby(["session", "analysis_type"], observed=True)["value"].mean().round(1).head(2)
    session  analysis_type
    Mon      HIP_KNEE_ANGLE_DEGREES    -3.3
             KNEE_ANGLE_DEGREES        71.6
    Name: value, dtype: float64
    """
    labels, items = _labelled(analyses)
    if key in ("video_id", "activity", "rep", "analysis_type", "value"):
        raise InvalidInputError(f"key {key!r} clashes with a column of the frame; choose another")
    table = rep_table(items)
    row_analysis = table.analysis
    front: dict[str, Any] = {
        key: _categorical(labels, row_analysis),
        SESSION_COLUMNS[0]: _categorical([a.video_id for a in items], row_analysis),
        SESSION_COLUMNS[1]: pd.Categorical.from_codes(
            _activity_codes(items)[row_analysis],
            categories=pd.Index([a.value for a in Activity], dtype=object),
        ),
    }
    if wide:
        columns = table.wide_columns()
        if key in columns:
            raise InvalidInputError(
                f"key {key!r} clashes with a column of the frame; choose another"
            )
        every = [rep for analysis in items for rep in analysis.reps]
        wide_frame: pd.DataFrame = pd.DataFrame({**front, **columns})
        for name, marks in engine_marks([every[i] for i in table.source]).items():
            wide_frame[name] = pd.Series(marks, index=wide_frame.index, dtype="object")
        return wide_frame
    long = long_columns(table)
    rows = table.long_row
    long_frame: pd.DataFrame = pd.DataFrame(
        {name: values[rows] for name, values in front.items()} | long
    )
    return long_frame


def _labelled(
    analyses: Mapping[Any, Analysis] | Iterable[Analysis],
) -> tuple[list[Hashable], list[Analysis]]:
    if isinstance(analyses, Analysis):
        raise InvalidInputError(
            "combine takes several analyses (a dict label -> Analysis, or a list); "
            "for one analysis use reps_frame(analysis) or analyses_frame(analysis)"
        )
    if isinstance(analyses, Mapping):
        labels = list(analyses.keys())
        items = [as_analysis(a, "combine") for a in analyses.values()]
    else:
        items = [as_analysis(a, "combine") for a in analyses]
        labels = list(range(1, len(items) + 1))
    return labels, items


def _categorical(per_analysis: list[Any], rows: np.ndarray[Any, Any]) -> pd.Categorical:
    codes, uniques = pd.factorize(pd.Series(per_analysis, dtype=object), use_na_sentinel=True)
    return pd.Categorical.from_codes(
        np.asarray(codes, dtype=np.int64)[rows], categories=pd.Index(uniques, dtype=object)
    )


def _activity_codes(items: list[Analysis]) -> np.ndarray[Any, np.dtype[np.int64]]:
    order = {a: i for i, a in enumerate(Activity)}
    return np.array([-1 if a.activity is None else order[a.activity] for a in items], np.int64)
