"""What guru_form's numbers are: columns, analysis types, units, thresholds, labels, formatting.

One home for how a metric is named, unitised, judged and written, which ``tables``, ``plots``,
``frames`` and ``report`` only consume:

- the column schema of the tables (:data:`REP_COLUMNS`, :func:`column_units`,
  :func:`require_columns`, ...; :mod:`~guru_form.metrics.schema`);
- the analysis types with their exact definitions, units and labels (:data:`ANALYSIS_TYPES`,
  :func:`unit_of`; :mod:`~guru_form.metrics.analysis_types`) and the units' precision
  (:mod:`~guru_form.metrics.units`);
- :class:`Threshold` and each activity's default targets (:func:`default_thresholds`);
- the measured repeatability of each metric and the borderline rule (:func:`margin_of`,
  :meth:`Threshold.judge`; :mod:`~guru_form.metrics.repeatability`);
- one formatter, :func:`format_value` (with :func:`format_bound` and :func:`format_range`): a
  value that fails a threshold never reads as meeting it, no negative zero, units on numbers;
- labels (:func:`metric_label`, :func:`axis_label`, :func:`column_header`) and the metric a
  coach looks at first
  (:func:`key_metric`).

What each activity emits, and its defaults, are in its profile (:mod:`guru_form.activities`);
this package reads them.

Examples
--------
>>> from guru_form import metrics
>>> metrics.unit_of("LOCKOUT_HIP_ANGLE_DEGREES"), metrics.metric_label("LOCKOUT_HIP_ANGLE_DEGREES")
('deg', 'Hip angle at lockout')
>>> metrics.format_value(169.96, "deg", metrics.Threshold(low=170))
'169.96°'
"""

from __future__ import annotations

from guru_form.metrics.analysis_types import ANALYSIS_TYPES, AnalysisType, unit_of
from guru_form.metrics.format import format_bound, format_range, format_value
from guru_form.metrics.labels import axis_label, column_header, key_metric, metric_label
from guru_form.metrics.repeatability import (
    Repeatability,
    Spread,
    margin_of,
    margins_of,
    repeatability,
)
from guru_form.metrics.schema import (
    BORDERLINE_PREFIX,
    CONCENTRIC_S,
    DURATION_S,
    ECCENTRIC_S,
    END_MS,
    FLAG_PREFIX,
    LONG_COLUMNS,
    MID_MS,
    OPINION_PREFIX,
    OPINIONS,
    OUTLIER,
    OUTLIER_WORDS,
    REP,
    REP_COLUMNS,
    SESSION_COLUMNS,
    START_MS,
    TIMING_COLUMNS,
    UNSURE,
    UNSURE_PREFIX,
    VELOCITY_COLUMNS,
    VELOCITY_LOSS,
    as_analysis,
    column_units,
    empty_rep_columns,
    frame_activity,
    group_keys,
    rep_order,
    require_columns,
    unsure_in,
    unsure_of,
    unsure_reasons,
    unsure_text,
)
from guru_form.metrics.thresholds import (
    DEFAULT_THRESHOLDS,
    Threshold,
    ThresholdLike,
    Verdict,
    as_threshold,
    as_thresholds,
    default_thresholds,
)
from guru_form.metrics.units import decimals_of, unit_text

__all__ = [
    "ANALYSIS_TYPES",
    "BORDERLINE_PREFIX",
    "CONCENTRIC_S",
    "DEFAULT_THRESHOLDS",
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
    "AnalysisType",
    "Repeatability",
    "Spread",
    "Threshold",
    "ThresholdLike",
    "Verdict",
    "as_analysis",
    "as_threshold",
    "as_thresholds",
    "axis_label",
    "column_header",
    "column_units",
    "decimals_of",
    "default_thresholds",
    "empty_rep_columns",
    "format_bound",
    "format_range",
    "format_value",
    "frame_activity",
    "group_keys",
    "key_metric",
    "margin_of",
    "margins_of",
    "metric_label",
    "rep_order",
    "repeatability",
    "require_columns",
    "unit_of",
    "unit_text",
    "unsure_in",
    "unsure_of",
    "unsure_reasons",
    "unsure_text",
]
