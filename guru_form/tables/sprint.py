"""A sprint's analysis as DataFrames: its strides, the runner's progress, and the field's markers.

Guru's API answers a ``sprint`` (domain ``running``) with one rep per stride and two fields of its
own, which :attr:`Analysis.raw <guru_form.models.Analysis.raw>` keeps as received:

:func:`strides_frame` — one row per stride (a rep: toe-off to touch-down of the same foot, the
    middle at peak hip flexion):

    ``stride`` (1-based, in time order), ``start_ms`` (toe-off), ``mid_ms`` (peak hip flexion),
    ``end_ms`` (touch-down), ``duration_s``, ``leg`` (``"left"``/``"right"``: the leg swinging
    forward, from ``IS_LEFT_LEG``; missing when not given), then every analysisType as the API names
    it: ``IS_LEFT_LEG``, ``STRIDE_AIR_TIME_MS``, ``STRIDE_GROUND_TIME_MS`` (NaN for the first
    stride, which the API answers null), ``STRIDE_PEAK_FLEXION_ANGLE``,
    ``STRIDE_PEAK_FLEXION_ANGLE_TIMESTAMP``, ``STRIDE_PEAK_EXTENSION_ANGLE``,
    ``STRIDE_PEAK_EXTENSION_ANGLE_TIMESTAMP``, and any other the strides carry.

:func:`runner_progress_frame` — ``runnerProgress``, one row per sample, in time order:
    ``time_ms``, ``frame``, ``distance_meters`` (from the start line; negative before it).

:func:`field_markers_frame` — ``fieldMarkers``, one row per marker: ``marker`` (``startLine``,
    ``middleLine``, ``finishLine`` or ``cones``), ``type`` (``YARD_LINE`` or ``CONE``), ``x1``,
    ``y1``, ``x2``, ``y2`` (pixels: a line's ends, or a cone's bounding box), ``frame`` and
    ``time_ms``.

Each gives zero rows with the same columns when the analysis has no such data, and raises
:class:`~guru_form.errors.SchemaError` (naming the field) when the data break the documented
shape.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from guru_form.errors import SchemaError
from guru_form.metrics import DURATION_S, END_MS, MID_MS, REP, START_MS, as_analysis
from guru_form.models import Analysis
from guru_form.tables.convert import reps_frame

__all__ = [
    "MARKER_COLUMNS",
    "PROGRESS_COLUMNS",
    "STRIDE_COLUMNS",
    "field_markers_frame",
    "runner_progress_frame",
    "strides_frame",
]

#: The fixed leading columns of :func:`strides_frame`.
STRIDE_COLUMNS: tuple[str, ...] = ("stride", START_MS, MID_MS, END_MS, DURATION_S, "leg")
#: The columns of :func:`runner_progress_frame`.
PROGRESS_COLUMNS: tuple[str, ...] = ("time_ms", "frame", "distance_meters")
#: The columns of :func:`field_markers_frame`.
MARKER_COLUMNS: tuple[str, ...] = ("marker", "type", "x1", "y1", "x2", "y2", "frame", "time_ms")

IS_LEFT_LEG = "IS_LEFT_LEG"


def strides_frame(analysis: Analysis) -> pd.DataFrame:
    """A sprint's strides, one row per stride (columns in the module docstring).

    Parameters
    ----------
    analysis
        The sprint's analysis (an :class:`~guru_form.models.Analysis`, or the API's JSON).

    Returns
    -------
    pandas.DataFrame
        :data:`STRIDE_COLUMNS`, then one float column per analysisType; zero rows for an analysis
        without strides. ``frame.attrs`` as :func:`~guru_form.tables.reps_frame`'s.

    Examples
    --------
    >>> from guru_form import Analysis
    >>> a = Analysis.from_json({"status": "Complete", "activity": "sprint", "reps": [
    ...     {"startTimestampMs": 0, "midTimestampMs": 100, "endTimestampMs": 250, "analyses": [
    ...         {"analysisType": "IS_LEFT_LEG", "analysisScalar": 1},
    ...         {"analysisType": "STRIDE_AIR_TIME_MS", "analysisScalar": None}]}]})
    >>> strides_frame(a)[["stride", "leg", "STRIDE_AIR_TIME_MS"]]
       stride   leg  STRIDE_AIR_TIME_MS
    0       1  left                 NaN
    """
    analysis = as_analysis(analysis, "strides_frame")
    reps = reps_frame(analysis)
    frame = reps.drop(columns=["eccentric_s", "concentric_s"]).rename(columns={REP: "stride"})
    legs = frame[IS_LEFT_LEG] if IS_LEFT_LEG in frame.columns else pd.Series(math.nan, frame.index)
    leg = pd.Series(
        [None if pd.isna(v) else ("left" if v >= 0.5 else "right") for v in legs],
        index=frame.index,
        dtype="object",
    )
    frame.insert(frame.columns.get_loc(DURATION_S) + 1, "leg", leg)
    frame.attrs.update(reps.attrs)
    result: pd.DataFrame = frame
    return result


def _number(value: Any, where: str) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SchemaError(
            f"malformed sprint analysis: {where} is {value!r}, not a number",
            field=where,
            problem=f"is {value!r}, not a number",
        )
    return float(value)


def runner_progress_frame(analysis: Analysis) -> pd.DataFrame:
    """The runner's distance from the start line over time (``runnerProgress``).

    Parameters
    ----------
    analysis
        The sprint's analysis (an :class:`~guru_form.models.Analysis`, or the API's JSON).

    Returns
    -------
    pandas.DataFrame
        ``time_ms``, ``frame`` and ``distance_meters``, one row per sample, in time order.
    """
    analysis = as_analysis(analysis, "runner_progress_frame")
    samples = analysis.raw.get("runnerProgress") or []
    if not isinstance(samples, list):
        raise SchemaError(
            "malformed sprint analysis: runnerProgress is not a list",
            field="runnerProgress",
            problem="is not a list",
        )
    rows = []
    for i, sample in enumerate(samples):
        where = f"runnerProgress[{i}]"
        if not isinstance(sample, Mapping):
            raise SchemaError(
                f"malformed sprint analysis: {where} is not an object",
                field=where,
                problem="is not an object",
            )
        rows.append(
            (
                _number(sample.get("timestamp"), f"{where}.timestamp"),
                _number(sample.get("frameIndex"), f"{where}.frameIndex"),
                _number(sample.get("distanceFromStart"), f"{where}.distanceFromStart"),
            )
        )
    frame = pd.DataFrame(rows, columns=list(PROGRESS_COLUMNS), dtype="float64")
    frame = frame.sort_values("time_ms", kind="stable").reset_index(drop=True)
    frame["frame"] = frame["frame"].astype("Int64")
    frame.attrs.update({"video_id": analysis.video_id, "activity": analysis.activity_text})
    result: pd.DataFrame = frame
    return result


def _marker_rows(name: str, value: Any) -> list[tuple[Any, ...]]:
    items = value if isinstance(value, list) else [value]
    rows = []
    for i, item in enumerate(items):
        where = f"fieldMarkers.{name}" + (f"[{i}]" if isinstance(value, list) else "")
        if not isinstance(item, Mapping) or not isinstance(item.get("position"), Mapping):
            raise SchemaError(
                f"malformed sprint analysis: {where} has no position",
                field=where,
                problem="has no position",
            )
        position = item["position"]
        rows.append(
            (
                name,
                item.get("type"),
                *(
                    _number(position.get(k), f"{where}.position.{k}")
                    for k in ("x1", "y1", "x2", "y2")
                ),
                _number(item.get("frame_idx"), f"{where}.frame_idx"),
                _number(item.get("timestamp"), f"{where}.timestamp"),
            )
        )
    return rows


def field_markers_frame(analysis: Analysis) -> pd.DataFrame:
    """The field's markers the sprint was measured against (``fieldMarkers``).

    Parameters
    ----------
    analysis
        The sprint's analysis (an :class:`~guru_form.models.Analysis`, or the API's JSON).

    Returns
    -------
    pandas.DataFrame
        ``marker``, ``type``, ``x1``, ``y1``, ``x2``, ``y2``, ``frame``, ``time_ms``; one row per
        marker (``cones`` may hold several).
    """
    analysis = as_analysis(analysis, "field_markers_frame")
    markers = analysis.raw.get("fieldMarkers") or {}
    if not isinstance(markers, Mapping):
        raise SchemaError(
            "malformed sprint analysis: fieldMarkers is not an object",
            field="fieldMarkers",
            problem="is not an object",
        )
    rows = [row for name, value in markers.items() for row in _marker_rows(str(name), value)]
    frame = pd.DataFrame(rows, columns=list(MARKER_COLUMNS))
    for column in ("x1", "y1", "x2", "y2", "time_ms"):
        frame[column] = frame[column].astype("float64")
    frame["frame"] = frame["frame"].astype("float64").astype("Int64")
    frame["marker"] = frame["marker"].astype("object")
    frame["type"] = frame["type"].astype("object")
    frame.attrs.update({"video_id": analysis.video_id, "activity": analysis.activity_text})
    result: pd.DataFrame = frame
    return result
