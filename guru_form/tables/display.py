"""Tables as a coach reads them in a notebook: human column names, each number at its precision.

:func:`readable` shows any frame of :mod:`guru_form.tables` with headers such as
``"Squat depth (deg)"`` instead of ``HIP_KNEE_ANGLE_DEGREES`` and every number written by
:func:`guru_form.metrics.format_value` at its unit's precision (0.34 BH/s stays 0.34, an angle
shows one decimal, a percentage none). The frame itself is unchanged: its API names are one step
away (show the frame, or ``readable(frame, names="api")``).

Examples
--------
>>> import guru_form as gf
>>> from guru_form.tables.examples import example_analysis
>>> reps = gf.reps_frame(example_analysis("push_up", reps=3))
>>> shown = readable(reps)
>>> list(shown.data.columns[:2]), shown.data.columns[7]
(['Rep', 'Start (ms)'], 'Elbow angle (deg)')
>>> shown.data.iloc[0, 10] == reps.iloc[0, 10]  # the numbers themselves are kept
True
>>> "ELBOW_ANGLE_DEGREES" in readable(reps, names="api").data.columns
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from guru_form.errors import InvalidInputError
from guru_form.metrics import (
    BORDERLINE_PREFIX,
    FLAG_PREFIX,
    UNSURE_PREFIX,
    column_header,
    format_value,
    unit_of,
)

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

__all__ = ["header_of", "readable"]


def header_of(column: object) -> str:
    """The header :func:`readable` gives a column: ``"Squat depth (deg)"``, ``"Shallow"``.

    Parameters
    ----------
    column
        A column name (an analysisType, a column of the tables, a flag).

    Returns
    -------
    str
        The flag's label for a ``flag_*`` column (``", borderline"`` added for its
        ``borderline_*`` column, ``", unsure"`` for its ``unsure_*`` column),
        :func:`guru_form.metrics.column_header` for the rest.
    """
    name = str(column)
    if name.startswith((FLAG_PREFIX, BORDERLINE_PREFIX, UNSURE_PREFIX)):
        from guru_form.plots.markers import flag_label  # the one table of flag labels

        label = flag_label(name)
        if name.startswith(BORDERLINE_PREFIX):
            return f"{label}, borderline"
        return f"{label}, unsure" if name.startswith(UNSURE_PREFIX) else label
    return column_header(name)


#: Columns of :func:`guru_form.tables.summarize` whose values are in each row's metric's unit.
_IN_ROW_UNIT = ("mean", "std", "min", "max", "slope_per_rep")


def _formatter(unit: str | None) -> Any:
    def number(value: object) -> str:
        if isinstance(value, bool):
            return "yes" if value else ""
        return format_value(value, unit, with_unit=False)

    return number


def readable(frame: pd.DataFrame, *, names: Literal["labels", "api"] = "labels") -> Styler:
    """``frame`` for reading: human headers and every number at its unit's precision.

    Parameters
    ----------
    frame
        Any frame of :mod:`guru_form.tables` (rep table, summaries, combined sessions).
    names
        ``"labels"`` (default): headers in words with units (:func:`header_of`), and a
        summary's metrics too; ``"api"``: the columns' own names, numbers formatted the same.

    Returns
    -------
    pandas.io.formats.style.Styler
        Shows as a table in Jupyter; ``.data`` is the relabelled copy, ``frame`` is unchanged.
        Flags read ``yes`` or nothing; a missing value reads as a dash. In a summary
        (:func:`~guru_form.tables.summarize`), each row's mean, SD, range and trend are written
        in that row's unit.

    Raises
    ------
    InvalidInputError
        For something that is not a DataFrame, or an unknown ``names``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError(f"readable shows a DataFrame, got {type(frame).__name__}")
    if names not in ("labels", "api"):
        raise InvalidInputError(f"names must be 'labels' or 'api', not {names!r}")
    summary = "unit" in frame.columns and frame.index.name == "metric"
    shown = frame.copy()
    if names == "labels":
        shown.columns = pd.Index([header_of(c) for c in frame.columns])
        if summary:
            shown.index = pd.Index([header_of(i) for i in frame.index], name="Metric")
    column = dict(zip(frame.columns, shown.columns, strict=True))
    formats = {
        column[c]: _formatter(unit_of(str(c)))
        for c in frame.columns
        if pd.api.types.is_float_dtype(frame[c].dtype) and not (summary and c in _IN_ROW_UNIT)
    }
    formats.update(
        {column[c]: _formatter(None) for c in frame.columns if pd.api.types.is_bool_dtype(frame[c])}
    )
    styler: Styler = shown.style.format(formats, na_rep="–")
    if summary:
        values = [column[c] for c in _IN_ROW_UNIT if c in column]
        for label, unit in zip(shown.index, frame["unit"], strict=True):
            styler = styler.format(
                _formatter(None if pd.isna(unit) else str(unit)),
                subset=pd.IndexSlice[[label], values],
                na_rep="–",
            )
    return styler
