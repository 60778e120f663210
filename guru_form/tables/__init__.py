"""Analysis results as pandas DataFrames: per rep, tidy, combined, summarised, flagged, exported.

Frames (columns fixed by DESIGN.md and :mod:`guru_form.metrics`, units from
:func:`guru_form.metrics.unit_of`):

- :func:`reps_frame` — wide, one row per rep: ``rep``, ``start_ms``, ``mid_ms``, ``end_ms``,
  ``duration_s``, ``eccentric_s``, ``concentric_s``, then one float column per analysisType.
- :func:`analyses_frame` — long/tidy, one row per (rep, analysisType): ``rep``, ``analysis_type``,
  ``value``.
- :func:`combine` — many analyses (sessions, athletes) in one labelled frame, long or wide.
- :func:`summarize` / :func:`set_summary` — per metric and per set.
- Flags (:mod:`~guru_form.tables.flags`) — boolean ``flag_*`` columns from explicit thresholds.
- :func:`velocity_loss` / :func:`set_velocity_loss` — velocity-based-training loss in percent.
- :func:`compare_reps` — an analysis against ground truth (or another engine), rep by rep.
- A sprint (:mod:`~guru_form.tables.sprint`) — :func:`strides_frame`, :func:`runner_progress_frame`,
  :func:`field_markers_frame`.
- :func:`readable` — any of these frames for reading in a notebook: headers in words with units
  (``"Squat depth (deg)"``), numbers at their unit's precision; the frame keeps its API names.
- Export (:mod:`~guru_form.tables.export`) — CSV, Parquet and Excel with the units alongside:
  ``gt.to_csv``, ``gt.read_csv``, ``gt.to_parquet``, ``gt.read_parquet``, ``gt.to_excel`` with
  ``from guru_form import tables as gt`` (they stay out of ``guru_form``'s top level, where they
  would read like pandas' functions).

Also importable from ``guru_form`` directly: :func:`reps_frame`, :func:`analyses_frame`,
:func:`combine`, :func:`summarize`, :func:`set_summary`, the ``flag_*`` functions (not
:func:`flag_columns`), :func:`velocity_loss`, :func:`set_velocity_loss`, :func:`compare_reps`
(with :class:`RepComparison`), :func:`column_units` and :func:`readable`.

Examples
--------
>>> import guru_form as gf
>>> from guru_form.tables.examples import example_analysis
>>> df = gf.reps_frame(example_analysis("squat"))
>>> list(df.columns[:7])
['rep', 'start_ms', 'mid_ms', 'end_ms', 'duration_s', 'eccentric_s', 'concentric_s']
"""

from __future__ import annotations

from guru_form.metrics import LONG_COLUMNS, REP_COLUMNS, axis_label, column_units
from guru_form.tables.compare import RepComparison, compare_reps
from guru_form.tables.convert import analyses_frame, reps_frame
from guru_form.tables.display import readable
from guru_form.tables.export import read_csv, read_parquet, to_csv, to_excel, to_parquet
from guru_form.tables.flags import (
    flag_columns,
    flag_depth,
    flag_drift,
    flag_lockout,
    flag_tempo,
    flag_threshold,
    flag_velocity_loss,
)
from guru_form.tables.sessions import combine
from guru_form.tables.sprint import field_markers_frame, runner_progress_frame, strides_frame
from guru_form.tables.summary import metric_columns, set_summary, summarize
from guru_form.tables.velocity import (
    counted_reps,
    set_velocity_loss,
    velocity_column,
    velocity_loss,
)

__all__ = [
    "LONG_COLUMNS",
    "REP_COLUMNS",
    "RepComparison",
    "analyses_frame",
    "axis_label",
    "column_units",
    "combine",
    "compare_reps",
    "counted_reps",
    "field_markers_frame",
    "flag_columns",
    "flag_depth",
    "flag_drift",
    "flag_lockout",
    "flag_tempo",
    "flag_threshold",
    "flag_velocity_loss",
    "metric_columns",
    "read_csv",
    "read_parquet",
    "readable",
    "reps_frame",
    "runner_progress_frame",
    "set_summary",
    "set_velocity_loss",
    "strides_frame",
    "summarize",
    "to_csv",
    "to_excel",
    "to_parquet",
    "velocity_column",
    "velocity_loss",
]
